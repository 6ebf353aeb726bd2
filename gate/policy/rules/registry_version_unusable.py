"""registry-version-unusable: an MLflow model version that is not READY or is archived (raised by verification)."""

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import RegistryContext, Rule

RULE = Rule(
    id="registry-version-unusable",
    default_severity="error",
    description="An MLflow model version is not `READY` (still registering, or failed) or is in the `Archived` stage.",
    why=("A version that failed to register has no complete artifacts, and an archived one was retired on "
         "purpose: loading either brings back a model its owners no longer stand behind."),
    fix="Load a READY version that is not archived (the registry's UI or `MlflowClient().search_model_versions`).",
    stage="verify",
    bad_example='mlflow.pyfunc.load_model("models:/churn/1")  # version 1: stage Archived',
    good_example='mlflow.pyfunc.load_model("models:/churn/3")  # version 3: READY, stage Production',
)


def check_registry_answer(context: RegistryContext) -> Iterator[Finding]:
    from gate.verify.mlflow import UNUSABLE_STAGES

    answer = context.answer
    unusable = []
    if answer.version_status and answer.version_status not in ("READY", "FINISHED"):
        unusable.append(f"its status is {answer.version_status}, not READY")
    if (answer.stage or "").lower() in UNUSABLE_STAGES:
        unusable.append(f"it is in the {answer.stage} stage")
    if not unusable:
        return
    label = f"version {answer.version}" if answer.version else "the run"
    yield context.finding(RULE, f"{label} of {context.what} on {context.where}: {' and '.join(unusable)}",
                          "load a READY version that is not archived", **context.resolved)

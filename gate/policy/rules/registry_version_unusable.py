"""registry-version-unusable: an MLflow model version that is not READY or is archived (raised by verification)."""

from gate.policy.rules import Rule

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

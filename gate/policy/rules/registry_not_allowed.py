"""registry-not-allowed: an MLflow model loaded from a registry the policy's `registries:` does not list."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.fixes import describe, policy_to_edit
from gate.policy.interface import Finding
from gate.policy.model import Policy
from gate.policy.rules import CheckContext, Rule

RULE = Rule(
    id="registry-not-allowed",
    default_severity="error",
    description="An MLflow model comes from a tracking or registry URI that the policy's `registries:` does not list.",
    why=("A private registry is only a control if the code loads from it: a URI pointing at another server (a "
         "personal one, a look-alike host, a plain-HTTP mirror) brings in models nobody reviewed, and sends the "
         "registry credentials there too."),
    fix=("Load from a registry the policy lists (`mlflow.set_registry_uri`, `MLFLOW_TRACKING_URI`), or add the "
         "server to `registries:` in a policy change its owners review. The check applies once `registries:` "
         "lists at least one server."),
    bad_example='# policy: registries: [{uri: https://mlflow.internal}]\n'
                'mlflow.set_tracking_uri("http://10.0.0.7:5000")\nmlflow.pyfunc.load_model("models:/churn/3")',
    good_example='mlflow.set_tracking_uri("https://mlflow.internal")\nmlflow.pyfunc.load_model("models:/churn/3")',
)


def message_and_fix(policy: Policy, reference: Reference, registry: str, where: str) -> tuple[str, str]:
    listed = ", ".join(r.uri for r in policy.registries)
    return (f"{describe(reference)} is loaded from the MLflow registry {registry} ({where}), which the policy does "
            f"not list (registries: {listed})",
            f"load it from a listed registry, or add `- uri: {registry}` to registries: in "
            f"{policy_to_edit(policy)} (reviewed by the policy's owners)")


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    policy = context.policy
    if reference.source != "mlflow" or not reference.registry or not policy.registries:
        return
    if policy.registry_entry(reference.registry) is not None:
        return
    message, fix = message_and_fix(policy, reference, reference.registry, "named in the file")
    yield RULE.finding(message=message, remediation=fix, path=reference.path, line=reference.line,
                       reference=index, details={"registry": reference.registry})

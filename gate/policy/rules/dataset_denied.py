"""dataset-denied: a dataset `lineage.denied_datasets` lists is loaded, or declared as a model's training data."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.fixes import policy_to_edit
from gate.policy.globs import match_id
from gate.policy.interface import Finding
from gate.policy.model import Policy
from gate.policy.rules import CheckContext, Rule, names_remote_repo

RULE = Rule(
    id="dataset-denied",
    default_severity="error",
    description=("A dataset `lineage.denied_datasets` lists: loaded by the code, or declared (model card "
                 "`datasets`) as training data of a verified model or of one of its ancestors."),
    why=("Some data must not be used at all (leaked, licence-incompatible, personal data, a benchmark's test "
         "set). Loading it is visible in the code; a model trained on it carries it in silently."),
    fix="Load another dataset, or use a model not trained on the denied one.",
    bad_example='# policy: lineage: {denied_datasets: [someone/leaked-*]}\nload_dataset("someone/leaked-emails")',
    good_example='load_dataset("my-org/clean-corpus", revision="<sha>")',
)


def _denied(policy: Policy, dataset_id: str) -> str | None:
    denied = policy.lineage.denied_datasets if policy.lineage is not None else ()
    return next((p for p in denied if match_id(p, dataset_id)), None)


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if reference.kind != "dataset" or not names_remote_repo(reference) or not reference.id or reference.dynamic:
        return
    pattern = _denied(context.policy, reference.id)
    if pattern is None:
        return
    yield RULE.finding(
        message=f"dataset '{reference.id}' is denied by lineage.denied_datasets ({pattern})",
        remediation=f"load another dataset; the denial is in {policy_to_edit(context.policy)}",
        path=reference.path, line=reference.line, reference=index, details={"dataset": reference.id})


def check_lineage(policy: Policy, index: int, reference: Reference, lineage: dict) -> Iterator[Finding]:
    from gate.verify.lineage import chain_text

    model = lineage["model"]["id"]
    for declared in lineage["datasets"]:
        pattern = _denied(policy, declared["id"])
        if pattern is None:
            continue
        by = "its card" if declared["declared_by"] == model else f"the card of its ancestor {declared['declared_by']}"
        yield RULE.finding(
            message=(f"model {model} was trained on dataset {declared['id']} ({by} declares it), which "
                     f"lineage.denied_datasets denies ({pattern}): {chain_text(lineage)}"),
            remediation="use a model not trained on the denied dataset",
            path=reference.path, line=reference.line, reference=index,
            details={"model": model, "dataset": declared["id"], "declared_by": declared["declared_by"]})

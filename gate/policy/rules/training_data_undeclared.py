"""training-data-undeclared: neither a verified model's card nor its ancestors' declare training datasets."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.interface import Finding
from gate.policy.model import Policy
from gate.policy.rules import Rule

RULE = Rule(
    id="training-data-undeclared",
    default_severity="error",
    description=("With `lineage.require_declared_training_data: true`, a verified model whose card and whose "
                 "ancestors' cards declare no `datasets`."),
    why=("What a model was trained on decides what it may reproduce (personal data, copyrighted text, benchmark "
         "test sets) and whether it may be used at all. A card that names no datasets leaves that a guess."),
    fix=("Use a model whose card (or whose base's card) declares its training data, or ask its publisher to add "
         "`datasets:` to the card; a reviewed exception is a waiver with a reason."),
    stage="verify",
    bad_example="# policy: lineage: {require_declared_training_data: true}\n"
                "# org/model's card and its base's card have no `datasets:`",
    good_example="# org/model's card:\n---\nbase_model: org/base\ndatasets: [org/instructions]\n---",
)


def check_lineage(policy: Policy, index: int, reference: Reference, lineage: dict) -> Iterator[Finding]:
    from gate.verify.lineage import chain_text

    if policy.lineage is None or not policy.lineage.require_declared_training_data or lineage["datasets"]:
        return
    model = lineage["model"]["id"]
    unknown = "" if lineage["complete"] else " (the lineage is incomplete, so an ancestor might declare some)"
    yield RULE.finding(
        message=f"model {model} declares no training data, and neither do its ancestors{unknown}: {chain_text(lineage)}",
        remediation=("use a model whose card (or whose base's card) declares its `datasets`; or, after reviewing "
                     f"what it was trained on, waive training-data-undeclared for {model} with the reason"),
        path=reference.path, line=reference.line, reference=index,
        details={"model": model, "chain": lineage["chain"], "complete": lineage["complete"]})

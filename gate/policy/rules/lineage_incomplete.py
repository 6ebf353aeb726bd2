"""lineage-incomplete: the policy judges lineage, and part of a verified model's chain could not be known."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.interface import Finding
from gate.policy.model import Policy
from gate.policy.rules import Rule

RULE = Rule(
    id="lineage-incomplete",
    default_severity="error",
    description=("The policy's `lineage` section judges lineage, but a verified model's chain could not be "
                 "followed to its end: an ancestor the Hub does not know or could not answer, an unreadable "
                 "adapter_config.json, or more levels than `lineage.max_depth`."),
    why=("What cannot be seen cannot be judged: an unknown link may hide a denied base or denied training data. "
         "model-gate fails closed instead of passing a chain it only half read."),
    fix=("Re-run when the Hub answers (for a gated or private ancestor, with an HF_TOKEN that can read it); "
         "raise `lineage.max_depth` for a longer chain; or, after review, waive lineage-incomplete for the model."),
    stage="verify",
    bad_example="# org/ft's card: base_model: org/deleted-base   (the Hub does not know it)",
    good_example="lineage:\n  max_depth: 8",
)


def check_lineage(policy: Policy, index: int, reference: Reference, lineage: dict) -> Iterator[Finding]:
    from gate.verify.lineage import chain_text

    if lineage["complete"] or policy.lineage is None or not policy.lineage.judges:
        return
    model = lineage["model"]["id"]
    yield RULE.finding(
        message=f"the lineage of model {model} is incomplete: {'; '.join(lineage['gaps'])}: {chain_text(lineage)}",
        remediation=("re-run when the Hub answers (a gated or private ancestor needs an HF_TOKEN that can read it); "
                     "for a longer chain raise lineage.max_depth; or, after review, waive lineage-incomplete for "
                     f"{model}"),
        path=reference.path, line=reference.line, reference=index,
        details={"model": model, "gaps": lineage["gaps"], "chain": lineage["chain"]})

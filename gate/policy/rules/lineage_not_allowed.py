"""lineage-not-allowed: a verified model descends from a base the policy's `lineage` does not allow (or denies)."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.fixes import policy_to_edit
from gate.policy.globs import match_id
from gate.policy.interface import Finding
from gate.policy.model import Policy
from gate.policy.rules import Rule

RULE = Rule(
    id="lineage-not-allowed",
    default_severity="error",
    description=("A verified model's lineage (model card `base_model`, adapter base) reaches a base outside "
                 "`lineage.allowed_bases`, or one `lineage.denied_bases` lists."),
    why=("A pinned, allowlisted model can still be a fine-tune, adapter, quantization or merge of a base the "
         "organisation never approved: its licence, its training data and its behaviour come with it. The chain "
         "is in the model cards; nobody reads it in review."),
    fix=("Use a model built on an approved base, or, once the base is reviewed, add it (or its organisation, "
         "`org/*`) to `lineage.allowed_bases`."),
    stage="verify",
    bad_example="# policy: lineage: {allowed_bases: [meta-llama/*]}\n"
                "# org/ft's card: base_model: someone/unreviewed-base\n"
                'AutoModel.from_pretrained("org/ft", revision="<sha>")',
    good_example="lineage:\n  allowed_bases: [meta-llama/*, mistralai/*]\n  denied_bases: [someone/*]",
)


def check_lineage(policy: Policy, index: int, reference: Reference, lineage: dict) -> Iterator[Finding]:
    from gate.verify.lineage import ancestor_ids, chain_text

    if policy.lineage is None:
        return
    allowed, denied = policy.lineage.allowed_bases, policy.lineage.denied_bases
    bases = ancestor_ids(lineage)
    denied_hits = [b for b in bases if any(match_id(p, b) for p in denied)]
    outside = [b for b in bases if allowed is not None and not any(match_id(p, b) for p in allowed)
               and b not in denied_hits]
    if not denied_hits and not outside:
        return
    model, chain = lineage["model"]["id"], chain_text(lineage)
    parts = []
    if denied_hits:
        parts.append(f"{', '.join(denied_hits)}, which lineage.denied_bases lists")
    if outside:
        parts.append(f"{', '.join(outside)}, which lineage.allowed_bases ({', '.join(allowed or ()) or 'nothing'}) "
                     "does not list")
    yield RULE.finding(
        message=f"model {model} descends from {'; and from '.join(parts)}: {chain}",
        remediation=(f"use a model built on an approved base; or, once reviewed, add the base to "
                     f"lineage.allowed_bases in {policy_to_edit(policy)}:\nlineage:\n  allowed_bases: "
                     f"[{(outside or denied_hits)[0]}]"),
        path=reference.path, line=reference.line, reference=index,
        details={"model": model, "chain": lineage["chain"], "denied": denied_hits, "not_allowed": outside})

"""`license-not-allowed`: The repository's declared license (model card) is not among the policy's allowed `licenses`"""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.interface import Finding
from gate.policy.model import Policy
from gate.policy.rules import AnswerContext, Rule

RULE = Rule(
    id="license-not-allowed",
    default_severity="error",
    description="The repository's declared license (model card) is not among the policy's allowed `licenses`.",
    why="Using a model or dataset under a license the organisation has not approved is a legal risk that is invisible in code review.",
    fix="Use a repository under an allowed license, or add its license to the entry's (or defaults') `licenses` once approved.",
    stage="verify",
    good_example="defaults:\n  licenses: [apache-2.0, mit]",
)


def check_lineage(policy: Policy, index: int, reference: Reference, lineage: dict) -> Iterator[Finding]:
    """The licence rule along the chain: every ancestor's licence must be allowed too (the model's own is judged
    by `check_answer`)."""
    from gate.verify.lineage import chain_text

    allowed = policy.licenses_for(policy.entry_for(reference))
    if not allowed:
        return
    allowed_lower = {str(a).lower() for a in allowed}
    for ancestor in lineage["ancestors"]:
        if ancestor["status"] != "ok" or any(lic.lower() in allowed_lower for lic in ancestor["license"]):
            continue
        declared = (f"is licensed {', '.join(ancestor['license'])}" if ancestor["license"]
                    else "declares no license in its card")
        yield RULE.finding(
            message=(f"model {lineage['model']['id']} descends from {ancestor['id']}, which {declared}; the policy "
                     f"allows {', '.join(str(a) for a in allowed)}: {chain_text(lineage)}"),
            remediation=("use a model whose whole chain is under an allowed license, or, once approved, add "
                         f"{ancestor['license'][0] if ancestor['license'] else 'its license'} to `licenses`"),
            path=reference.path, line=reference.line, reference=index,
            details={"ancestor": ancestor["id"], "licenses": list(ancestor["license"]),
                     "allowed": [str(a) for a in allowed]})


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    allowed = context.policy.licenses_for(context.entry)
    if not allowed:
        return
    licenses = context.answer.license
    allowed_lower = {a.lower() for a in allowed}
    if any(lic.lower() in allowed_lower for lic in licenses):
        return
    declared = f"is licensed {', '.join(licenses)}" if licenses else "declares no license in its card"
    yield context.finding(
        RULE, f"{context.at} {declared}; the policy allows {', '.join(allowed)}",
        "use a repository under an allowed license, or, once approved, add "
        f"{licenses[0] if licenses else 'its license'} to the `licenses` of its policy entry",
        licenses=list(licenses), allowed=list(allowed))

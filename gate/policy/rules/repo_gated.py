"""`repo-gated`: The repository is gated: downloads need an accepted access request and a token"""

from __future__ import annotations

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import AnswerContext, Rule

RULE = Rule(
    id="repo-gated",
    default_severity="warning",
    description="The repository is gated: downloads need an accepted access request and a token.",
    why="Gated repositories come with terms (licence agreements, usage restrictions) someone must have accepted, and CI needs a token with access.",
    fix="Review the terms; if acceptable, declare `gated: allow` in the repository's policy entry (or `defaults.gated: allow`).",
    stage="verify",
    good_example="models:\n  - id: meta-llama/Llama-3.1-8B\n    gated: allow\n    reason: licence accepted by legal",
)


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    answer = context.answer
    if not answer.gated:
        return
    mode = context.policy.gated_for(context.entry)
    if mode == "allow":
        return
    section = "datasets" if answer.query.kind == "dataset" else "models"
    yield context.finding(
        RULE, f"{context.what} is gated ({answer.gated} approval): downloads need an accepted access request and a "
        "token",
        "review the repository's terms; if acceptable, declare it in the policy: "
        f"`{section}: - {{id: {answer.canonical_id or context.reference.id}, gated: allow}}`; otherwise use an "
        "ungated repository",
        severity="error" if mode == "deny" else None, gated=answer.gated)

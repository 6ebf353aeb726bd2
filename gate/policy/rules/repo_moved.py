"""`repo-moved`: The repository id redirects to another repository (renamed or transferred)"""

from __future__ import annotations

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import AnswerContext, Rule

RULE = Rule(
    id="repo-moved",
    default_severity="warning",
    description="The repository id redirects to another repository (renamed or transferred).",
    why="The Hub redirects a renamed or transferred repository's old id to the new one. The new owner publishes "
        "what the code loads from now on, and the redirect lasts only until someone creates a repository under "
        "the old name, which then serves whatever that person uploads.",
    fix="Use the new id the finding names, after checking that its new owner is one you trust; policy entries "
        "are matched against the new (canonical) id.",
    stage="verify",
    bad_example='AutoModel.from_pretrained("old-org/model", revision="<sha>")  # now served by new-org/model',
    good_example='AutoModel.from_pretrained("new-org/model", revision="<sha>")',
)


def is_transfer(written: str | None, canonical: str | None) -> bool:
    """A redirect to another `owner/name` (a rename or a transfer). A legacy unqualified id (`gpt2` →
    `openai-community/gpt2`) and a difference in case are the same repository under its usual name."""
    return bool(written and canonical and "/" in written and written.lower() != canonical.lower())


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    reference, canonical = context.reference, context.answer.canonical_id
    if not is_transfer(reference.id, canonical):
        return
    yield context.finding(
        RULE, f"{reference.kind} {reference.id} redirects to {canonical}: the repository was renamed or "
        "transferred, and the old name keeps working only until someone creates a repository under it",
        f"use the new id {canonical}, after checking that its new owner is one you trust",
        moved_from=reference.id, moved_to=canonical)

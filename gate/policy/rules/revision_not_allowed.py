"""revision-not-allowed: pinned, but to a commit the policy entry does not list."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.fixes import describe, pin_instruction
from gate.policy.interface import Finding
from gate.policy.model import Entry
from gate.policy.rules import CheckContext, Rule, names_remote_repo

RULE = Rule(
    id="revision-not-allowed",
    default_severity="error",
    description="A reference is pinned to a commit that its policy entry's `revisions` does not list.",
    why=("When a policy lists revisions, those are the commits someone reviewed. Moving to another commit brings "
         "new weights or code in without that review."),
    fix="Use one of the entry's revisions, or add the new commit to `revisions:` in a reviewed policy change.",
    bad_example="# policy: models: [{id: org/model, revisions: [aaaa…]}]\n"
                'AutoModel.from_pretrained("org/model", revision="bbbb…")',
    good_example='AutoModel.from_pretrained("org/model", revision="aaaa…")',
)


def _allowed(entry: Entry | None, reference: Reference) -> list[str]:
    """The entry's reviewed revisions; MLflow entries list `versions` (numbers) and `aliases` (`@` kept)."""
    if reference.source == "mlflow" and (reference.revision or "").startswith("@"):
        return ["@" + a.removeprefix("@") for a in (entry.aliases if entry is not None else ())]
    return list(entry.reviewed_revisions) if entry is not None else []


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if not names_remote_repo(reference) or reference.id is None or not reference.revision:
        return
    alias = reference.source == "mlflow" and reference.revision.startswith("@")
    if not reference.pinned and not alias:
        return
    entry = context.entry_for(reference)
    allowed = _allowed(entry, reference)
    if not allowed or reference.revision.lower() in (r.lower() for r in allowed):
        return
    where, line = context.policy.entry_location(entry)
    yield RULE.finding(
        message=(f"{describe(reference)} is pinned to {reference.revision}, which the policy does not allow "
                 f"(allowed: {', '.join(allowed)})"),
        remediation=(f"{pin_instruction(reference, allowed[0])}; or, if the new commit was reviewed, add it to the "
                     f"entry's revisions in {where}{f':{line}' if line else ''}"),
        path=reference.path,
        line=reference.line,
        reference=index,
        details={"allowed_revisions": allowed},
    )

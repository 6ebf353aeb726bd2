"""`revision-not-found`: The pinned revision does not exist in the repository"""

from __future__ import annotations

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import AnswerContext, RegistryContext, Rule

RULE = Rule(
    id="revision-not-found",
    default_severity="error",
    description="The pinned revision does not exist in the repository.",
    why="A pin to a commit that does not exist (mistyped, or removed by a force-push) breaks loading, and the pin no longer says what was reviewed.",
    fix="Pin to a commit that exists; the finding names the current head of the default branch.",
    stage="verify",
    bad_example='snapshot_download("org/model", revision="0000000000000000000000000000000000000000")',
    good_example='snapshot_download("org/model", revision="<sha of an existing commit>")',
)


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    if context.answer.status != "revision-not-found":
        return
    from gate.policy.fixes import pin_instruction

    head = context.answer.head_sha
    hint = (f"pin to a commit that exists: {pin_instruction(context.reference, head)} (the current head of "
            "the default branch)" if head else "pin to a commit that exists in the repository's history")
    yield context.finding(RULE, f"revision {context.reference.revision} does not exist in {context.what} on "
                                f"{context.registry}", hint)


def check_registry_answer(context: RegistryContext) -> Iterator[Finding]:
    answer, reference = context.answer, context.reference
    if answer.status != "version-not-found":
        return
    revision = reference.revision or ""
    missing = "the run" if (reference.id or "").startswith("runs:/") else (
        f"alias '{revision}'" if revision.startswith("@") else
        f"version {revision}" if revision.isdigit() else
        f"a version for '{revision or 'latest'}'")
    hint = (f"pin to a version that exists: models:/{reference.id}/{answer.latest_version} (the newest)"
            if answer.latest_version else "register the model version, or load one that exists")
    yield context.finding(RULE, f"{missing} of {context.what} does not exist on {context.where} (deleted, or never "
                                "registered)", hint, latest_version=answer.latest_version)

"""`repo-disabled`: The repository has been disabled on the Hub"""

from __future__ import annotations

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import AnswerContext, Rule

RULE = Rule(
    id="repo-disabled",
    default_severity="error",
    description="The repository has been disabled on the Hub.",
    why="The Hub disables repositories for policy or legal violations; their files can no longer be downloaded and may have been harmful.",
    fix="Replace the model or dataset with another repository.",
    stage="verify",
)


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    if not context.answer.disabled:
        return
    yield context.finding(
        RULE, f"{context.what} has been disabled on {context.registry} (the Hub disables repositories for policy or "
        "legal violations); its files can no longer be downloaded",
        "replace it with another repository")

"""`revision-not-on-branch`: The pinned commit is on no branch or tag of the repository"""

from __future__ import annotations

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import AnswerContext, Rule

RULE = Rule(
    id="revision-not-on-branch",
    default_severity="error",
    description="The pinned commit is on no branch or tag of the repository.",
    why="Anyone can open a pull request on a public Hub repository, and its commits resolve by sha exactly like "
        "the owner's (`refs/pr/<n>`). A pin to such a commit looks like a pin to the repository but loads what a "
        "stranger uploaded.",
    fix="Pin a commit that is on a branch or tag. If a pull request's commit was reviewed and is wanted, allow its "
        "ref in the repository's policy entry: `allowed_refs: [refs/pr/<n>]`.",
    stage="verify",
    bad_example="models:\n  - id: org/model   # the code pins the head of refs/pr/3, opened by someone else",
    good_example="models:\n  - id: org/model\n    allowed_refs: [refs/pr/3]\n    reason: reviewed the PR's weights",
)


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    """A pinned commit must be on a branch or tag: anyone can open a pull request on a public repository, and
    its commits resolve by sha like the owner's."""
    answer = context.answer
    if answer.refs is None or answer.refs or not context.reference.pinned:
        return
    allowed = set(context.entry.allowed_refs if context.entry is not None else ())
    if allowed & set(answer.pull_requests):
        return
    where = (f"only {', '.join(answer.pull_requests)} (a pull request, which anyone can open)"
             if answer.pull_requests else "no branch or tag")
    yield context.finding(
        RULE, f"commit {answer.sha} of {context.what} is reachable from {where}: it is not a revision "
        "the repository's owner published",
        "pin a commit of a branch or tag; if this pull request's commit was reviewed, allow its ref in the "
        f"policy entry: `allowed_refs: [{answer.pull_requests[0] if answer.pull_requests else 'refs/pr/<n>'}]`",
        pull_requests=list(answer.pull_requests))

"""`revision-not-on-branch`: The pinned commit is on no branch or tag of the repository"""

from gate.policy.rules import Rule

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

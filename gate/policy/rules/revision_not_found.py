"""`revision-not-found`: The pinned revision does not exist in the repository"""

from gate.policy.rules import Rule

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

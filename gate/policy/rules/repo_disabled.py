"""`repo-disabled`: The repository has been disabled on the Hub"""

from gate.policy.rules import Rule

RULE = Rule(
    id="repo-disabled",
    default_severity="error",
    description="The repository has been disabled on the Hub.",
    why="The Hub disables repositories for policy or legal violations; their files can no longer be downloaded and may have been harmful.",
    fix="Replace the model or dataset with another repository.",
    stage="verify",
)

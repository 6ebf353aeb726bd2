"""`repo-gated`: The repository is gated: downloads need an accepted access request and a token"""

from gate.policy.rules import Rule

RULE = Rule(
    id="repo-gated",
    default_severity="warning",
    description="The repository is gated: downloads need an accepted access request and a token.",
    why="Gated repositories come with terms (licence agreements, usage restrictions) someone must have accepted, and CI needs a token with access.",
    fix="Review the terms; if acceptable, declare `gated: allow` in the repository's policy entry (or `defaults.gated: allow`).",
    stage="verify",
    good_example="models:\n  - id: meta-llama/Llama-3.1-8B\n    gated: allow\n    reason: licence accepted by legal",
)

"""`verification-failed`: A reference could not be verified: the Hub or GitHub could not be asked (unreachable, errors, rate limits, deadline) or did not answer usefully"""

from gate.policy.rules import Rule

RULE = Rule(
    id="verification-failed",
    default_severity="error",
    description="A reference could not be verified: the Hub or GitHub could not be asked (unreachable, errors, rate limits, deadline) or did not answer usefully.",
    why="A gate that passes when it cannot check anything gives false assurance, so it fails closed (exit 3) instead.",
    fix="Check network access to the endpoint and the token, then re-run. `--verify-failure warn` turns this into a warning (an explicit opt-out).",
    stage="verify",
)

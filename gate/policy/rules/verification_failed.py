"""`verification-failed`: A reference could not be verified: the Hub or GitHub could not be asked (unreachable, errors, rate limits, deadline) or did not answer usefully"""

from typing import Any

from gate.policy.interface import Finding
from gate.policy.rules import Rule

RULE = Rule(
    id="verification-failed",
    default_severity="error",
    description="A reference could not be verified: the Hub or GitHub could not be asked (unreachable, errors, rate limits, deadline) or did not answer usefully.",
    why="A gate that passes when it cannot check anything gives false assurance, so it fails closed (exit 3) instead.",
    fix="Check network access to the endpoint and the token, then re-run. `--verify-failure warn` turns this into a warning (an explicit opt-out).",
    stage="verify",
)


def for_failure(query: Any, indexes: list[int], references: Any, reason: str, where: str) -> Finding:
    """The finding for a Hub or GitHub query without an answer (`reason` already redacted); `where` is the
    endpoint that was asked."""
    first = references[indexes[0]]
    count = f" ({len(indexes)} references)" if len(indexes) > 1 else ""
    token = "GITHUB_TOKEN" if query.kind == "github" else "HF_TOKEN"
    return RULE.finding(
        message=f"could not verify {query.label()}{count}: {reason}",
        remediation=f"check that {where} is reachable and that {token} (if needed) is valid, then re-run; "
                    "`--verify-failure warn` lets the scan pass unverified (an explicit opt-out)",
        path=first.path, line=first.line, reference=indexes[0],
        details={"kind": query.kind, "id": query.id, "revision": query.revision, "reason": reason,
                 "references": list(indexes)})

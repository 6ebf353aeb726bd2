"""waiver-expiring: a waiver that expires within the next 14 days."""

from __future__ import annotations

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import CheckContext, Rule

WINDOW_DAYS = 14

RULE = Rule(
    id="waiver-expiring",
    default_severity="warning",
    description=f"A waiver in `exceptions` expires within {WINDOW_DAYS} days.",
    why="A warning ahead of time gives the owner a chance to fix the waived findings before the build breaks.",
    fix="Fix the waived findings, or renew the waiver before it expires.",
    bad_example="exceptions:\n  - rule: unpinned-revision\n    id: bert-base-uncased\n    reason: legacy\n"
                "    expires: <in 3 days>",
    good_example="# the reference is pinned and the waiver is gone",
)


def check_policy(context: CheckContext) -> Iterator[Finding]:
    if not context.policy.allow_waivers:
        return
    for waiver in context.policy.exceptions:
        if waiver.expired(context.today):
            continue
        left = (waiver.expires - context.today).days
        if left > WINDOW_DAYS:
            continue
        when = "today" if left == 0 else ("tomorrow" if left == 1 else f"in {left} days")
        yield RULE.finding(
            message=f"{waiver.describe()} expires {when} ({waiver.expires.isoformat()})",
            remediation=f"fix the {waiver.rule} findings it waives, or renew it before {waiver.expires.isoformat()}",
            path=waiver.source,
            line=waiver.line,
            reference=None,
            details={"waiver": waiver.index, "expires": waiver.expires.isoformat(), "days_left": left},
        )

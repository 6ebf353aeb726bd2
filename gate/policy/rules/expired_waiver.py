"""expired-waiver: a waiver past its `expires` date. The findings it waived are active again."""

from __future__ import annotations

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import CheckContext, Rule

RULE = Rule(
    id="expired-waiver",
    default_severity="error",
    description="A waiver in `exceptions` has expired; the findings it accepted count again.",
    why=("Waivers are debts with a due date. An expired waiver means the accepted risk was supposed to be fixed "
         "by now; keeping it silently would turn a temporary exception into a permanent hole."),
    fix="Fix the waived findings and delete the waiver, or renew it (new `expires`, within `max_waiver_days`) "
        "with a reason the policy's owners accept.",
    bad_example="exceptions:\n  - rule: unpinned-revision\n    id: bert-base-uncased\n    reason: legacy\n"
                "    expires: 2024-01-31   # in the past",
    good_example="# the reference is pinned and the waiver is gone",
    stage="policy",
)


def check_policy(context: CheckContext) -> Iterator[Finding]:
    if not context.policy.allow_waivers:
        return
    for waiver in context.policy.exceptions:
        if not waiver.expired(context.today):
            continue
        yield RULE.finding(
            message=(f"{waiver.describe()} expired on {waiver.expires.isoformat()}; the findings it waived are "
                     "active again"),
            remediation=(f"fix the {waiver.rule} findings and delete the waiver, or renew it with a new expires "
                         f"date (at most {context.policy.defaults.max_waiver_days} days ahead)"),
            path=waiver.source,
            line=waiver.line,
            reference=None,
            details={"waiver": waiver.index, "expires": waiver.expires.isoformat()},
        )

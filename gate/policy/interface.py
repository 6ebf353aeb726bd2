"""The policy stage's contract: references in, `Finding`s out. Pure: no I/O beyond reading the policy."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

Severity = Literal["error", "warning", "note"]
SEVERITY_ORDER = {"note": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Finding:
    """One rule violated by one reference (or by the run, when `reference` is None)."""

    rule: str
    """Rule id, e.g. `unpinned-revision`."""
    severity: Severity
    message: str
    """What is wrong, for this reference."""
    remediation: str
    """Exactly how to fix it, in the syntax of the place it is written."""
    path: str | None
    line: int | None
    reference: int | None
    """Index into the report's `references`, or None for run-level findings (e.g. `verification-failed`)."""
    waived_by: int | None = None
    """Index into the policy's `exceptions` that waives this finding, or None."""
    pre_existing: bool = False
    """Pull-request mode: the same finding exists on the base branch."""
    details: dict = field(default_factory=dict, compare=False, hash=False)
    """Rule-specific extra data (e.g. the resolved head sha, the pickle's imports)."""

    def with_(self, **changes: Any) -> Finding:
        return replace(self, **changes)

    def to_json(self) -> dict:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "remediation": self.remediation,
            "path": self.path,
            "line": self.line,
            "reference": self.reference,
            "waived_by": self.waived_by,
            "pre_existing": self.pre_existing,
        }
        if self.details:
            out["details"] = self.details
        return out

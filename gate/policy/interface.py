"""The policy stage's contract: references in, `Finding`s out. Pure: no I/O beyond reading the policy."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from gate.vocabulary import SEVERITY_ORDER, Severity

__all__ = ["SEVERITY_ORDER", "Finding", "Severity"]


@dataclass(frozen=True)
class Fix:
    """A machine-applicable fix: what to write where the reference names its revision (`model-gate pin`)."""

    revision: str
    """The commit sha (Hub, GitHub) or version number (MLflow) to pin to."""
    repo_id: str | None = None
    """The canonical id to use instead of the one written, when the registry answered for another."""


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
    subject: Any = field(default=None, compare=False, hash=False, repr=False)
    """The `Reference` itself (set by the judge; None for run-level findings and for findings read back from a
    JSON report): formats and `gate.baseline` need no index lookup for it."""
    fix: Fix | None = field(default=None, compare=False, hash=False)
    """A fix a tool can apply (e.g. the commit an unpinned revision resolves to today), or None."""

    @property
    def confidence(self) -> str:
        """The reference's confidence (`high`, or `medium` for references found by context alone)."""
        return str(getattr(self.subject, "confidence", None) or "high")

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

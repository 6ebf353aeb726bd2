"""The report stage's contract: one `Report` rendered to many formats. Formats only render; they decide nothing."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from gate.discover.interface import Reference, ScanWarning
from gate.policy.interface import SEVERITY_ORDER, Finding


@dataclass(frozen=True)
class Report:
    tool_version: str
    root: str
    references: tuple[Reference, ...]
    findings: tuple[Finding, ...]
    warnings: tuple[ScanWarning, ...]
    files_scanned: int
    verdict: str = "pass"
    """`pass` or `fail`, decided by the CLI from `--fail-on`; formats only show it."""
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    """Optional per-run data some formats show (policy path, verification stats, PR context)."""

    @functools.cached_property
    def _positions(self) -> dict[int, int]:
        """id() of each reference -> its index (the first, should one object be listed twice)."""
        positions: dict[int, int] = {}
        for index, reference in enumerate(self.references):
            positions.setdefault(id(reference), index)
        return positions

    def reference_index(self, finding: Finding) -> int | None:
        """Where the finding's `subject` stands in `references` (the JSON report's `reference`), or None for a
        finding about the run. Computed from the `Reference` the finding carries, never from `Finding.reference`."""
        subject = finding.subject
        if subject is None:
            return None
        index = self._positions.get(id(subject))
        if index is None and subject in self.references:  # an equal copy, e.g. a report built by hand
            index = self.references.index(subject)
        return index

    def counts(self) -> dict:
        """Unwaived findings by severity, as every output shows them: a pre-existing error that does not block
        (pull-request mode, --baseline, --diff-base without fail-on-existing) counts as a warning, exactly as its
        annotation and the action's `errors`/`warnings` outputs show it."""
        by = {"error": 0, "warning": 0, "note": 0}
        waived = 0
        for finding in self.findings:
            if finding.waived_by is not None:
                waived += 1
            else:
                by[self.shown_severity(finding)] += 1
        return {**by, "waived": waived}

    def shown_severity(self, finding: Finding) -> str:
        if finding.pre_existing and finding.severity == "error" and not self.extra.get("fail_on_existing"):
            return "warning"
        return finding.severity

    def active_findings(self) -> list[Finding]:
        """Unwaived findings, most severe first, then by path and line."""
        return sorted(
            (f for f in self.findings if f.waived_by is None),
            key=lambda f: (-SEVERITY_ORDER[f.severity], f.path or "", f.line or 0, f.rule),
        )

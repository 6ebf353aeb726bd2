"""The report stage's contract: one `Report` rendered to many formats. Formats only render; they decide nothing."""

from __future__ import annotations

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

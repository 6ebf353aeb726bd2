"""Plain text for people: findings grouped by file, errors first, each with its fix; then a verdict line."""

from __future__ import annotations

from gate.policy.interface import SEVERITY_ORDER
from gate.report.interface import Report


def _by_file(findings) -> list[tuple[str, list]]:
    """Files with errors first (then warnings, notes), and inside each file the most severe first, by line."""
    groups: dict[str, list] = {}
    for finding in findings:
        groups.setdefault(finding.path or "(run)", []).append(finding)
    for group in groups.values():
        group.sort(key=lambda f: (-SEVERITY_ORDER[f.severity], f.line or 0, f.rule))
    return sorted(groups.items(), key=lambda item: (-SEVERITY_ORDER[item[1][0].severity], item[0]))


def render_text(report: Report) -> str:
    lines: list[str] = []
    for path, group in _by_file(report.active_findings()):
        lines.append(path)
        for finding in group:
            where = f"{finding.line}" if finding.line else "-"
            existing = " (pre-existing)" if finding.pre_existing else ""
            lines.append(f"  {where}: {finding.severity}{existing} [{finding.rule}] {finding.message}")
            fix_lines = finding.remediation.splitlines() if finding.remediation else []
            for i, fix_line in enumerate(fix_lines):
                lines.append(f"      {'fix: ' if i == 0 else '     '}{fix_line}")
        lines.append("")
    if report.references:
        lines.append(f"References ({len(report.references)}):")
        for ref in report.references:
            if ref.id is not None:
                name = ref.id
            else:
                name = ref.path if ref.kind == "artifact" else f"<dynamic: {ref.expression}>"
            if ref.kind == "artifact":  # a committed file: its content hash is what pins it
                pin = f"sha256 {ref.sha256[:12]}…" if ref.sha256 else "not hashed"
            else:
                pin = "pinned" if ref.pinned else ("unpinnable" if not ref.pinnable else "unpinned")
            rev = f"@{ref.revision}" if ref.revision else ""
            extra = f" format={ref.format}" if ref.format else ""
            lines.append(f"  {ref.path}:{ref.line}: {ref.kind} {name}{rev} ({pin}) via {ref.api}{extra}")
        lines.append("")
    for warning in report.warnings:
        lines.append(f"warning: {warning.path}: {warning.message}")
    if report.warnings:
        lines.append("")
    counts = report.counts()
    waived = f", {counts['waived']} waived" if counts["waived"] else ""
    lines.append(
        f"model-gate: {report.verdict.upper()}: {counts['error']} error(s), {counts['warning']} warning(s), "
        f"{counts['note']} note(s){waived}; {len(report.references)} reference(s) in {report.files_scanned} file(s)"
    )
    return "\n".join(lines) + "\n"

"""Plain text for people: findings grouped by file, errors first, each with its fix; then a verdict line."""

from __future__ import annotations

from itertools import groupby

from gate.report.interface import Report


def render_text(report: Report) -> str:
    lines: list[str] = []
    active = report.active_findings()
    if active:
        for path, group in groupby(active, key=lambda f: f.path or "(run)"):
            lines.append(path)
            for finding in group:
                where = f"{finding.line}" if finding.line else "-"
                lines.append(f"  {where}: {finding.severity} [{finding.rule}] {finding.message}")
                if finding.remediation:
                    for fix_line in finding.remediation.splitlines():
                        lines.append(f"      fix: {fix_line}")
            lines.append("")
    if report.references:
        lines.append(f"References ({len(report.references)}):")
        for ref in report.references:
            name = ref.id if ref.id is not None else f"<dynamic: {ref.expression}>"
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

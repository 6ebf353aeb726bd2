"""Plain text for people: findings grouped by file, errors first, each with its fix; then a verdict line."""

from __future__ import annotations

from collections.abc import Iterable

from gate.policy.interface import SEVERITY_ORDER, Finding
from gate.report.interface import Report


def _by_file(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    """Files with errors first (then warnings, notes), and inside each file the most severe first, by line."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.path or "(run)", []).append(finding)
    for group in groups.values():
        group.sort(key=lambda f: (-SEVERITY_ORDER[f.severity], f.line or 0, f.rule))
    return sorted(groups.items(), key=lambda item: (-SEVERITY_ORDER[item[1][0].severity], item[0]))


MEDIUM_MARK = "[medium confidence]"
"""Marks what discovery found by context alone (a Hub-id-shaped string in a model-ish place, no known API)."""


def policy_line(report: Report) -> str:
    """`policy: .github/model-policy.yml (base 1a2b3c4d5e6f); judged 12 reference(s): 11 high, 1 medium confidence`."""
    judged = [r for r in report.references if r.role != "publish"]
    medium = sum(1 for r in judged if r.confidence == "medium")
    publish = len(report.references) - len(judged)
    published = f"; {publish} publish target(s)" if publish else ""
    source = report.extra.get("policy") or "builtin:default"
    return (f"policy: {source}; judged {len(judged)} reference(s): {len(judged) - medium} high, {medium} medium "
            f"confidence{published}")


def render_text(report: Report) -> str:
    lines: list[str] = [policy_line(report), ""]
    for path, group in _by_file(report.active_findings()):
        lines.append(path)
        for finding in group:
            where = f"{finding.line}" if finding.line else "-"
            existing = " (pre-existing)" if finding.pre_existing else ""
            ref = finding.subject
            medium = f" {MEDIUM_MARK}" if ref is not None and ref.confidence == "medium" else ""
            lines.append(f"  {where}: {finding.severity}{existing} [{finding.rule}]{medium} {finding.message}")
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
            elif ref.role == "publish":  # where the code pushes: nothing to pin
                pin = "publish target"
            else:
                pin = "pinned" if ref.pinned else ("unpinnable" if not ref.pinnable else "unpinned")
            rev = f"@{ref.revision}" if ref.revision else ""
            extra = f" format={ref.format}" if ref.format else ""
            extra += f" {MEDIUM_MARK}" if ref.confidence == "medium" else ""
            lines.append(f"  {ref.path}:{ref.line}: {ref.kind} {name}{rev} ({pin}) via {ref.api}{extra}")
        lines.append("")
    lines += _lineage_lines(report)
    for warning in report.warnings:
        lines.append(f"warning: {warning.path}: {warning.message}")
    if report.warnings:
        lines.append("")
    lines += _signature_lines(report)
    verification = report.extra.get("verification")
    if verification:
        lines += [_verification_line(verification), ""]
    lines.append(verdict_line(report))
    return "\n".join(lines) + "\n"


def verdict_line(report: Report) -> str:
    """`model-gate: FAIL: 2 error(s), 0 warning(s), 0 note(s); 4 reference(s) in 9 file(s)`; pre-existing findings
    (pull-request mode, --baseline, --diff-base) are counted apart, since they do not decide the verdict."""
    counts = report.counts()
    waived = f", {counts['waived']} waived" if counts["waived"] else ""
    old = sum(1 for f in report.findings if f.pre_existing and f.waived_by is None)
    existing = f" ({old} of them pre-existing: errors there count as warnings)" if old else ""
    return (f"model-gate: {report.verdict.upper()}: {counts['error']} error(s), {counts['warning']} warning(s), "
            f"{counts['note']} note(s){waived}{existing}; {len(report.references)} reference(s) in "
            f"{report.files_scanned} file(s)")


def _lineage_lines(report: Report) -> list[str]:
    """One line per verified model: `org/ft ← org/base ← org/root` (issue 18), and where it is loaded."""
    from gate.verify.lineage import chain_text, model_lineages

    shown = model_lineages(report.references)
    if not shown:
        return []
    lines = [f"Lineage ({len(shown)}):"]
    for ref, lineage in shown:
        incomplete = "" if lineage["complete"] else " [incomplete]"
        lines.append(f"  {chain_text(lineage)}{incomplete}  ({ref.path}:{ref.line})")
    return lines + [""]


def _signature_lines(report: Report) -> list[str]:
    """One line per verified model signature (failed ones are findings already)."""
    checked = [*(report.extra.get("content") or {}).get("signatures", ()), *(r.signature or {} for r in report.references)]
    verified: dict[str, dict] = {}
    for signature in checked:
        if signature.get("verified"):
            verified.setdefault(signature.get("signature_file") or signature.get("model") or "?", signature)
    if not verified:
        return []
    lines = [f"Verified signatures ({len(verified)}):"]
    for where, signature in sorted(verified.items()):
        signer = f" by {signature['signer']}" if signature.get("signer") else ""
        lines.append(f"  {where}: {signature.get('method')}{signer}")
    return lines + [""]


def _verification_line(stats: dict) -> str:
    """`verification (hub, <endpoint>): 3 queries: 1 from cache, 2 fetched, 0 failed; 0.41 s, 16 jobs`."""
    failed = f", {stats.get('failed', 0)} failed" + (" (reported as warnings)" if stats.get("failed")
                                                       and stats.get("on_failure") == "warn" else "")
    return (f"verification ({stats.get('mode')}, {stats.get('endpoint')}): {stats.get('queries', 0)} queries: "
            f"{stats.get('cache_hits', 0)} from cache, {stats.get('fetched', 0)} fetched{failed}; "
            f"{stats.get('seconds', 0)} s, {stats.get('jobs')} jobs")

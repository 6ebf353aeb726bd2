"""The JSON report: the contract every later stage and tool consumes (see docs/report-format.md)."""

from __future__ import annotations

import json

from gate.report.interface import Report


def report_to_dict(report: Report) -> dict:
    counts = report.counts()
    summary = {
        "files_scanned": report.files_scanned,
        "references": len(report.references),
        "findings": len(report.findings),
        "errors": counts["error"],
        "warnings": counts["warning"],
        "notes": counts["note"],
        "waived": counts["waived"],
        "verdict": report.verdict,
    }
    out = {
        "tool": {"name": "model-gate", "version": report.tool_version},
        "references": [r.to_json() for r in report.references],
        "findings": [{**f.to_json(), "reference": report.reference_index(f)} for f in report.findings],
        "warnings": [w.to_json() for w in report.warnings],
        "summary": summary,
    }
    if report.extra.get("verification"):  # present only when the run verified against a registry
        out["verification"] = dict(report.extra["verification"])
    signatures = (report.extra.get("content") or {}).get("signatures")
    if signatures:  # every model signature checked, also of model directories no reference points into
        out["signatures"] = [dict(s) for s in signatures]
    return out


def render_json(report: Report) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"

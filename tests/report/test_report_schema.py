"""Every JSON report the discovery tests produce matches report.schema.json, and the schema rejects bad ones."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from gate.pipeline import ScanOptions, run_scan
from gate.report.json_report import render_json
from tests.report.schema_check import assert_valid_report, schema_errors

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "discover"
REPOS = sorted([p / "repo" for p in FIXTURES.iterdir() if (p / "repo").is_dir()]) + [ROOT / "examples" / "demo"]


def report_for(root: Path) -> dict:
    report = run_scan(ScanOptions(root=str(root), today=dt.date(2026, 1, 1)))
    return json.loads(render_json(report))


@pytest.mark.parametrize("root", REPOS, ids=lambda p: p.parent.name if p.name == "repo" else p.name)
def test_report_of_every_fixture_matches_the_schema(root):
    report = assert_valid_report(report_for(root))
    assert report["summary"]["references"] == len(report["references"]) > 0


def test_report_with_warnings_and_run_level_findings_matches_the_schema(tmp_path):
    (tmp_path / "bad.py").write_bytes(b"\0\0")
    (tmp_path / "bomb.yaml").write_text((FIXTURES / "config-yaml-bomb" / "repo" / "bomb.yaml").read_text())
    report = assert_valid_report(report_for(tmp_path))
    assert {w["path"] for w in report["warnings"]} == {"bad.py", "bomb.yaml"}


def test_hand_built_report_with_waivers_and_details_matches_the_schema():
    from tests.report.samples import mixed_report

    report = assert_valid_report(json.loads(render_json(mixed_report())))
    assert any("details" in f for f in report["findings"])


@pytest.fixture(scope="module")
def demo_report() -> dict:
    return report_for(ROOT / "examples" / "demo")


@pytest.mark.parametrize("mutate, where", [
    (lambda r: r["references"][0].pop("pinned"), "references/0"),
    (lambda r: r["references"][0].update(line=0), "references/0/line"),
    (lambda r: r["references"][0].update(kind="space"), "references/0/kind"),
    (lambda r: r["references"][0].update(surprise=1), "references/0"),
    (lambda r: r["references"][0].update(id=None, dynamic=False), "references/0/dynamic"),
    (lambda r: r["references"][-1].update(sha256="ABC"), "references/18/sha256"),
    (lambda r: r["references"][0].update(path="/abs/path.py"), "references/0/path"),
    (lambda r: r["references"][0].update(syntax="perl"), "references/0/syntax"),
    (lambda r: r["findings"][0].update(severity="fatal"), "findings/0/severity"),
    (lambda r: r["findings"][0].pop("remediation"), "findings/0"),
    (lambda r: r["warnings"].append({"path": "x"}), "warnings/0"),
    (lambda r: r["summary"].update(verdict="maybe"), "summary/verdict"),
    (lambda r: r.pop("summary"), ""),
    (lambda r: r["tool"].update(name="other"), "tool/name"),
])
def test_schema_rejects_broken_reports(demo_report, mutate, where):
    broken = copy.deepcopy(demo_report)
    assert not schema_errors(broken)
    mutate(broken)
    errors = schema_errors(broken)
    assert errors and any(e.startswith(f"{where}:") for e in errors), errors

"""The gate end to end: `model-gate scan` judges a small repository; exit codes follow --fail-on; JSON fields."""

from __future__ import annotations

import json

import pytest

from gate.cli import main
from tests.policy.helpers import SHA_A

POLICY = """\
version: 1
defaults:
  unlisted: warn
exceptions:
  - {rule: unpinned-revision, paths: ["legacy/**"], reason: being replaced, expires: 2026-12-31}
"""


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "app.py").write_text(
        "from transformers import AutoModel\n"
        f'AutoModel.from_pretrained("org/pinned", revision="{SHA_A}")\n')
    (tmp_path / "legacy" / "old.py").write_text(
        "from transformers import AutoModel\n"
        'AutoModel.from_pretrained("org/floating")\n')
    (tmp_path / ".model-policy.yml").write_text(POLICY)
    return tmp_path


@pytest.mark.parametrize("fail_on,today,code,verdict", [
    ("error", "2026-12-01", 0, "PASS: 0 error(s), 2 warning(s), 0 note(s), 1 waived"),  # the error is waived
    ("warning", "2026-12-01", 1, "FAIL: 0 error(s), 2 warning(s)"),  # the warnings now fail
    ("never", "2027-01-05", 0, "PASS: 2 error(s)"),  # the waiver expired, but nothing fails with never
    ("error", "2027-01-05", 1, "FAIL: 2 error(s), 2 warning(s), 0 note(s);"),  # expired: the error is back
])
def test_exit_codes(repo, fail_on, today, code, verdict, capsys):
    assert main(["scan", str(repo), "--fail-on", fail_on, "--today", today]) == code
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith(f"model-gate: {verdict}")


def test_json_findings(repo, capsys):
    assert main(["scan", str(repo), "--format", "json", "--today", "2026-12-01"]) == 0
    report = json.loads(capsys.readouterr().out)
    ids = [r["id"] for r in report["references"]]
    by_rule = {(f["rule"], ids[f["reference"]]): f for f in report["findings"]}
    waived = by_rule[("unpinned-revision", "org/floating")]
    assert (waived["severity"], waived["waived_by"], waived["path"], waived["line"]) == ("error", 0, "legacy/old.py", 2)
    assert waived["remediation"].startswith('add revision="<40-hex sha>" to the call')
    assert sorted(k for k in waived if k != "details") == sorted(
        ["rule", "severity", "message", "remediation", "path", "line", "reference", "waived_by", "pre_existing"])
    assert by_rule[("not-allowlisted", "org/pinned")]["severity"] == "warning"
    assert {k: report["summary"][k] for k in ("errors", "warnings", "notes", "waived", "verdict")} == {
        "errors": 0, "warnings": 2, "notes": 0, "waived": 1, "verdict": "pass"}


def test_licenses_and_file_pins_are_never_silently_unchecked(repo, capsys):
    """`licenses` and `files` are enforced by verification; a scan without it says so instead of passing quietly."""
    (repo / ".model-policy.yml").write_text(
        "version: 1\ndefaults: {licenses: [mit]}\nmodels:\n"
        f'  - {{id: org/pinned, files: {{model.safetensors: "sha256:{"1" * 64}"}}}}\n  - {{id: org/floating}}\n')
    assert main(["scan", str(repo), "--format", "json", "--today", "2026-12-01", "--fail-on", "never"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert [(w["path"], w["message"].split(" were not checked")[0]) for w in warnings] == [
        (".model-policy.yml", "the policy's allowed licenses (licenses) for 2 referenced id(s) (org/floating, org/pinned)"),
        (".model-policy.yml", "the policy's file sha256 pins (files) for 1 referenced id(s) (org/pinned)")]
    assert all(w["message"].endswith("only with --verify hub or full (or defaults.verify)") for w in warnings)


def test_no_unchecked_warning_when_the_policy_asks_nothing_of_verification(repo, capsys):
    assert main(["scan", str(repo), "--format", "json", "--today", "2026-12-01"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == []


def test_readme_documents_the_exit_codes_the_cli_uses():
    from pathlib import Path

    from gate.errors import PolicyError, UsageError, VerificationError

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line.split("|")[2] for line in readme.splitlines()
            if line.startswith("| ") and line.split("|")[1].strip() in ("0", "1", "2", "3")}
    assert "Pass" in rows["0"] and "`--fail-on`" in rows["1"] and "`never`" in rows["1"]
    assert "policy error" in rows["2"] and "file and line" in rows["2"]
    assert "Verification failed" in rows["3"]
    assert (PolicyError.exit_code, UsageError.exit_code, VerificationError.exit_code) == (2, 2, 3)

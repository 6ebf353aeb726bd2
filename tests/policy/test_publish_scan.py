"""End to end on a fixture whose publish target discovery finds today (`hub_model_id` in a Trainer config):
`model-gate scan` lists and exports it without judging it as a load, `publish:` judges it, every format stays
valid, and `model-gate pin` never touches it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gate.cli import main
from tests.report.schema_check import assert_valid_report

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "publish-targets"
BASE_SHA = "86b5e0934494bd15c9632b12f734a8a67f723594"


def scan(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["scan", str(FIXTURE / "repo"), *args])
    return code, capsys.readouterr().out


def test_scan_lists_the_publish_target_and_judges_nothing_about_it(capsys):
    code, out = scan(capsys, "--format", "json")
    report = assert_valid_report(json.loads(out))
    assert code == 0
    assert [(r["id"], r["role"], r["confidence"], r["api"]) for r in report["references"]] == [
        ("org/base", "load", "high", "config:model_name_or_path"),
        ("acme/finetune", "publish", "high", "config:hub_model_id")]
    assert report["findings"] == []  # before: unpinned-revision on hub_model_id


def test_scan_judges_the_publish_target_against_publish_allowed(capsys):
    code, out = scan(capsys, "--format", "json", "--policy", str(FIXTURE / "policy-publish.yml"))
    report = assert_valid_report(json.loads(out))
    assert code == 1
    assert [(f["rule"], f["severity"], f["reference"], f["path"], f["line"]) for f in report["findings"]] == [
        ("publish-target-not-allowed", "error", 1, "train.yaml", 6)]


def test_sarif_and_cyclonedx_carry_the_role(capsys):
    from tests.report.test_cyclonedx import validate
    from tests.report.test_sarif import assert_valid

    _, out = scan(capsys, "--format", "sarif", "--policy", str(FIXTURE / "policy-publish.yml"))
    sarif = json.loads(out)
    assert_valid(sarif)
    [result] = sarif["runs"][0]["results"]
    assert (result["ruleId"], result["properties"]["role"], result["properties"]["precision"]) == (
        "publish-target-not-allowed", "publish", "high")
    _, out = scan(capsys, "--format", "cyclonedx")
    validate(out)
    components = {c["name"]: c for c in json.loads(out)["components"]}
    target = components["acme/finetune"]
    assert "purl" not in target and "externalReferences" not in target and "version" not in target
    assert {(p["name"], p["value"]) for p in target["properties"]} >= {("model-gate:role", "publish"),
                                                                      ("model-gate:confidence", "high")}
    assert components["org/base"]["purl"] == f"pkg:huggingface/org/base@{BASE_SHA}"


@pytest.fixture
def hub_repos(hub):
    hub.add_repo("org/base", files={"config.json": "{}"})
    hub.add_repo("acme/finetune", files={"config.json": "{}"})  # exists: pin could resolve it, and must not
    return hub


def test_pin_never_touches_a_publish_target(capsys, tmp_path, hub_repos):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE / "repo", repo)
    text = (repo / "train.yaml").read_text()
    (repo / "train.yaml").write_text(text.replace(f"model_revision: {BASE_SHA}\n", ""))
    capsys.readouterr()
    code = main(["pin", str(repo), "--hub-endpoint", hub_repos.endpoint, "--today", "2026-11-29", "--write"])
    _, err = capsys.readouterr()
    assert code == 0
    written = (repo / "train.yaml").read_text()
    head = hub_repos.repo("org/base").head()
    assert f"model_revision: {head}" in written
    assert "hub_model_id: acme/finetune\n" in written and "revision:" not in written.replace("model_revision:", "")
    assert "acme/finetune" not in err  # not even listed as "not pinned"
    assert "pinned 1 reference(s)" in err

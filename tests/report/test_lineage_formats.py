"""Lineage (issue 18 §1) in every format: text (one line per model), JSON (`lineage` on the reference, valid
against report.schema.json), SARIF (property and related locations, valid SARIF 2.1.0), job summary (a table)."""

from __future__ import annotations

import json
from dataclasses import replace

from gate.report.github import GitHubContext, render_summary
from gate.report.json_report import render_json
from gate.report.sarif import report_to_sarif
from gate.report.text import render_text
from tests.report.samples import finding, reference, report
from tests.report.schema_check import assert_valid_report
from tests.report.test_sarif import assert_valid

SHA = "86b5e0934494bd15c9632b12f734a8a67f723594"


def _node(repo_id, license, datasets=(), sha=None):
    return {"id": repo_id, "sha": sha, "license": [license], "datasets": list(datasets), "gated": None}


LINEAGE = {
    "model": _node("org/ft", "apache-2.0", sha=SHA),
    "relation": "finetune",
    "ancestors": [
        {"depth": 1, "of": "org/ft", "relation": "finetune", **_node("org/base", "llama3", ["org/pretrain"]),
         "status": "ok"},
        {"depth": 2, "of": "org/base", "relation": None, **_node("org/root", "llama3"), "status": "ok"},
    ],
    "chain": [["org/ft"], ["org/base"], ["org/root"]],
    "datasets": [{"id": "org/pretrain", "declared_by": "org/base"}],
    "complete": True,
    "gaps": [],
    "max_depth": 5,
}


def lineage_report():
    model = replace(reference("org/ft", revision=SHA), pinned=True, lineage=LINEAGE)
    again = replace(model, path="serve.py", line=9)  # the same model loaded twice: shown once
    conflict = finding("lineage-license-conflict", 0, model, severity="warning", message="relabelled")
    return report([model, again, reference("org/data", kind="dataset")], [conflict], verdict="pass",
                  extra={"verification": {"mode": "hub", "endpoint": "http://hub", "queries": 2, "cache_hits": 0,
                                          "fetched": 2, "failed": 0, "jobs": 16, "seconds": 0.1,
                                          "on_failure": "error",
                                          "lineage": {"models": 1, "ancestors_asked": 2, "ancestors_failed": 0}}})


def test_text_one_line_per_model():
    text = render_text(lineage_report())
    assert "Lineage (1):\n  org/ft ← org/base ← org/root  (app/train.py:3)\n" in text


def test_text_marks_incomplete_lineage():
    incomplete = {**LINEAGE, "complete": False, "gaps": ["org/root: beyond"],
                  "ancestors": [LINEAGE["ancestors"][0], {**LINEAGE["ancestors"][1], "status": "beyond-bound"}]}
    rep = report([replace(reference("org/ft"), lineage=incomplete)], [], verdict="pass")
    assert "  org/ft ← org/base ← org/root … [incomplete]  (app/train.py:3)" in render_text(rep)


def test_json_carries_lineage_on_the_reference_and_validates():
    document = assert_valid_report(json.loads(render_json(lineage_report())))
    assert document["references"][0]["lineage"] == LINEAGE and "lineage" not in document["references"][2]
    assert document["verification"]["lineage"] == {"models": 1, "ancestors_asked": 2, "ancestors_failed": 0}


def test_json_schema_rejects_a_bad_lineage():
    document = json.loads(render_json(lineage_report()))
    document["references"][0]["lineage"]["ancestors"][0]["status"] = "fine"
    from tests.report.schema_check import schema_errors

    assert any("ancestors/0/status" in e for e in schema_errors(document))


def test_sarif_property_and_related_locations():
    document = report_to_sarif(lineage_report())
    assert_valid(document)
    [result] = document["runs"][0]["results"]
    assert result["properties"]["lineage"] == "org/ft ← org/base ← org/root"
    assert result["properties"]["lineageComplete"] is True
    assert [(r["id"], r["message"]["text"], r["logicalLocations"][0]["fullyQualifiedName"])
            for r in result["relatedLocations"]] == [
        (1, "finetune of org/ft (ok)", "huggingface.co/org/base"),
        (2, "base of org/base (ok)", "huggingface.co/org/root")]


def test_job_summary_table():
    summary = render_summary(lineage_report(), GitHubContext())
    assert ("### Lineage (1)\n\n| Model | Lineage | Declared training data | Licenses |\n| --- | --- | --- | --- |\n"
            "| org/ft | org/ft ← org/base ← org/root | org/pretrain | apache-2.0 ← llama3 ← llama3 |\n") in summary

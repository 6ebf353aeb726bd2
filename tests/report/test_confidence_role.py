"""Confidence (`high`/`medium`), role (`load`/`publish`) and metrics in every format: text, JSON, SARIF,
GitHub annotations and summary, CycloneDX; each output still validated against its schema."""

from __future__ import annotations

import json
from dataclasses import replace

from gate.action.prmode import mark_pre_existing
from gate.report.cyclonedx import render_cyclonedx
from gate.report.github import GitHubContext, build_annotations, render_summary
from gate.report.json_report import report_to_dict
from gate.report.sarif import report_to_sarif
from gate.report.text import render_text
from tests.report.samples import finding, reference, report
from tests.report.schema_check import assert_valid_report

SHA = "86b5e0934494bd15c9632b12f734a8a67f723594"
LOADED = reference("org/loaded", line=3)
MEDIUM = replace(reference("org/guessed", line=5, api="context:encoder"), confidence="medium")
PUBLISH = replace(reference("acme/finetune", line=9, api="transformers.push_to_hub"), role="publish")
METRIC = replace(reference("evaluate-metric/bleu", line=11, api="evaluate.load", kind="metric"), revision=SHA,
                 pinned=True)
LEGACY_METRIC = reference("accuracy", line=12, api="evaluate.load", kind="metric")


def sample():
    refs = [LOADED, MEDIUM, PUBLISH, METRIC, LEGACY_METRIC]
    findings = [finding("unpinned-revision", 0, LOADED), finding("unpinned-revision", 1, MEDIUM, severity="warning",
                                                                  message="org/guessed is not pinned")]
    return report(refs, findings)


def test_json_carries_confidence_role_and_metric_kind_and_validates():
    data = assert_valid_report(report_to_dict(sample()))
    assert [(r["kind"], r["confidence"], r["role"]) for r in data["references"]] == [
        ("model", "high", "load"), ("model", "medium", "load"), ("model", "high", "publish"),
        ("metric", "high", "load"), ("metric", "high", "load")]


def test_json_schema_rejects_unknown_confidence_and_role():
    from tests.report.schema_check import schema_errors

    data = report_to_dict(sample())
    data["references"][0]["confidence"] = "low"
    data["references"][1]["role"] = "push"
    assert sorted(schema_errors(data)) == ["references/0/confidence: 'low' is not one of ['high', 'medium']",
                                           "references/1/role: 'push' is not one of ['load', 'publish']"]


def test_text_marks_medium_confidence_and_publish_targets():
    text = render_text(sample())
    assert "  5: warning [unpinned-revision] [medium confidence] org/guessed is not pinned" in text
    assert "  3: error [unpinned-revision] org/loaded is not pinned" in text
    assert "  app/train.py:5: model org/guessed (unpinned) via context:encoder [medium confidence]" in text
    assert "  app/train.py:9: model acme/finetune (publish target) via transformers.push_to_hub" in text
    assert f"  app/train.py:11: metric evaluate-metric/bleu@{SHA} (pinned) via evaluate.load" in text


def test_sarif_result_precision_role_and_medium_message():
    from tests.report.test_sarif import assert_valid

    document = report_to_sarif(sample())
    assert_valid(document)
    high, medium = document["runs"][0]["results"]
    assert (high["properties"]["precision"], high["properties"]["role"]) == ("high", "load")
    assert (medium["properties"]["precision"], medium["properties"]["role"]) == ("medium", "load")
    assert not high["message"]["text"].startswith("[medium")
    assert medium["message"]["text"].startswith(
        "[medium confidence: found by context, not by a known API] org/guessed is not pinned\nFix: ")
    rules = {r["id"]: r for r in document["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["publish-target-not-allowed"]["properties"]["precision"] == "high"
    assert rules["unconfirmed-reference"]["defaultConfiguration"]["level"] == "note"
    assert rules["unconfirmed-reference"]["properties"]["precision"] == "medium"


def test_github_annotation_and_summary_show_confidence_and_role():
    commands = build_annotations(sample(), GitHubContext()).commands
    assert commands[1].startswith("::warning file=app/train.py,line=5,col=9,title=model-gate%3A unpinned-revision "
                                  "(medium confidence)::org/guessed is not pinned")
    assert commands[1].endswith("%0AFound by context (a Hub-id-shaped string in a model-ish place), not by a known API.")
    assert "(medium confidence)" not in commands[0]
    summary = render_summary(sample(), GitHubContext())
    assert "| Kind | Id | Revision | Pinned | Role | Confidence | Location | Found via |" in summary
    assert "| model | org/guessed |  | no | load | **medium** | app/train.py:5 | context:encoder |" in summary
    assert ("| model | acme/finetune |  | n/a | publish | high | app/train.py:9 | transformers.push\\_to\\_hub |"
            in summary)


def test_pull_request_summary_calls_out_a_changed_publish_target_even_when_allowed():
    base = report([replace(PUBLISH, id="acme/old-target")], [], verdict="pass")
    head = report([LOADED, PUBLISH, replace(PUBLISH, path="other.py", id="acme/untouched")], [], verdict="pass")
    marked = mark_pre_existing(head, base, {"app/train.py": "app/train.py"}, "error", False)
    assert marked.extra["publish_changes"] == [1]  # other.py is not part of the pull request
    summary = render_summary(marked, GitHubContext(mode="diff"))
    assert ("> [!IMPORTANT]\n> This pull request changes where trained weights are pushed (1 publish target(s)); "
            "review the destination even where the policy allows it:\n"
            "> - acme/finetune via transformers.push\\_to\\_hub at app/train.py:9\n") in summary
    unchanged = mark_pre_existing(head, report([PUBLISH], [], verdict="pass"), {"app/train.py": "app/train.py"},
                                  "error", False)
    assert unchanged.extra["publish_changes"] == []
    assert "where trained weights are pushed" not in render_summary(unchanged, GitHubContext(mode="diff"))


def test_cyclonedx_metric_and_publish_components():
    from tests.report.test_cyclonedx import validate

    text = render_cyclonedx(sample())
    validate(text)
    components = {c["name"]: c for c in json.loads(text)["components"]}

    def props(name):
        return {(p["name"], p["value"]) for p in components[name]["properties"]}

    bleu = components["evaluate-metric/bleu"]
    assert bleu["type"] == "library"
    assert bleu["purl"] == (f"pkg:huggingface/evaluate-metric/bleu@{SHA}"
                            "?repository_url=https://huggingface.co/spaces")
    assert bleu["externalReferences"][0]["url"] == f"https://huggingface.co/spaces/evaluate-metric/bleu/tree/{SHA}"
    assert ("model-gate:kind", "metric") in props("evaluate-metric/bleu")
    legacy = components["accuracy"]  # evaluate resolves a bare metric name itself: no location is claimed
    assert legacy["type"] == "library" and "purl" not in legacy and "externalReferences" not in legacy
    target = components["acme/finetune"]
    assert target["type"] == "machine-learning-model" and "purl" not in target and "version" not in target
    assert {("model-gate:role", "publish"), ("model-gate:confidence", "high")} <= props("acme/finetune")
    assert not {n for n, _ in props("acme/finetune")} & {"model-gate:pinned", "model-gate:pinnable"}
    assert ("model-gate:confidence", "medium") in props("org/guessed")
    assert ("model-gate:role", "load") in props("org/loaded")


def test_cyclonedx_keeps_a_load_and_a_publish_of_one_id_apart():
    loaded_too = replace(PUBLISH, role="load", line=2)
    components = json.loads(render_cyclonedx(report([PUBLISH, loaded_too], [])))["components"]
    assert sorted((c["name"], "purl" in c) for c in components) == [("acme/finetune", False),
                                                                    ("acme/finetune", True)]

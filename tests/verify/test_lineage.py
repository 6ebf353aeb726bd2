"""Lineage from the Hub (issue 18 §1): model cards with base_model chains, cycles, missing cards, adapters and
gated ancestors, served by the emulator to the real huggingface_hub client; each lineage rule."""

from __future__ import annotations

import json

import pytest

from gate.verify.lineage import chain_text
from tests.verify.hubtools import by_rule, fast_env, ref, verify

WEIGHTS = b"\x00safetensors-weights" * 10


@pytest.fixture(autouse=True)
def _env(monkeypatch, hub):
    fast_env(monkeypatch, hub)


def model(hub, repo_id, *, license=None, files=None, **card):
    return hub.add_repo(repo_id, license=license, card=card,
                        files=files or {"model.safetensors": WEIGHTS}).head()


def chain(hub):
    """org/ft (apache-2.0) ← org/base (llama3) ← meta/root (llama3), datasets declared by org/base only."""
    model(hub, "meta/root", license="llama3")
    model(hub, "org/base", license="llama3", base_model="meta/root", base_model_relation="finetune",
          datasets=["org/pretrain"])
    return model(hub, "org/ft", license="apache-2.0", base_model="org/base", base_model_relation="finetune")


def lineage_of(outcome, index=0):
    return outcome.references[index].lineage


def test_chain_is_followed_and_shown(hub, tmp_path):
    sha = chain(hub)
    outcome = verify(hub, [ref("org/ft", sha)], tmp_path)
    lineage = lineage_of(outcome)
    assert lineage["chain"] == [["org/ft"], ["org/base"], ["meta/root"]]
    assert chain_text(lineage) == "org/ft ← org/base ← meta/root"
    assert [(a["id"], a["depth"], a["of"], a["relation"], a["status"], a["license"]) for a in lineage["ancestors"]] == [
        ("org/base", 1, "org/ft", "finetune", "ok", ["llama3"]),
        ("meta/root", 2, "org/base", "finetune", "ok", ["llama3"])]
    assert lineage["datasets"] == [{"id": "org/pretrain", "declared_by": "org/base"}]
    assert lineage["complete"] is True and lineage["model"]["sha"] == sha
    assert outcome.stats["lineage"] == {"models": 1, "ancestors_asked": 2, "ancestors_failed": 0}
    assert outcome.references[0].to_json()["lineage"] == lineage
    # Without a lineage section only the licence conflict (a warning) is reported.
    assert [(f.rule, f.severity) for f in outcome.findings] == [("lineage-license-conflict", "warning")]


def test_license_conflict_names_the_restrictive_base(hub, tmp_path):
    [finding] = by_rule(verify(hub, [ref("org/ft", chain(hub))], tmp_path), "lineage-license-conflict")
    assert finding.message == ("model org/ft declares apache-2.0, but it descends from org/base (llama3), "
                               "meta/root (llama3), whose terms it inherits: org/ft ← org/base ← meta/root")
    assert finding.reference == 0 and finding.path == "train.py" and finding.line == 3


def test_license_rule_along_the_chain(hub, tmp_path):
    outcome = verify(hub, [ref("org/ft", chain(hub))], tmp_path, "version: 1\ndefaults: {licenses: [apache-2.0]}\n")
    found = by_rule(outcome, "license-not-allowed")
    assert [f.details["ancestor"] for f in found] == ["org/base", "meta/root"]
    assert found[0].message.startswith("model org/ft descends from org/base, which is licensed llama3; the policy "
                                       "allows apache-2.0")


@pytest.mark.parametrize(("lineage", "expected"), [
    ("{allowed_bases: [org/*, meta/*]}", []),
    ("{allowed_bases: [org/*]}", [("meta/root", "allowed")]),
    ("{denied_bases: [meta/root]}", [("meta/root", "denied")]),
    ("{allowed_bases: [other/*]}", [("org/base, meta/root", "allowed")]),
])
def test_lineage_not_allowed(hub, tmp_path, lineage, expected):
    sha = chain(hub)
    found = by_rule(verify(hub, [ref("org/ft", sha)], tmp_path, f"version: 1\nlineage: {lineage}\n"),
                    "lineage-not-allowed")
    assert [(f.severity, f.message.split(" descends from ")[1].split(",")[0]) for f in found] == [
        ("error", ids.split(",")[0]) for ids, _ in expected]
    for finding, (ids, which) in zip(found, expected, strict=True):
        assert f"{ids}, which lineage.{which}_bases" in finding.message
        assert finding.message.endswith(": org/ft ← org/base ← meta/root")


@pytest.mark.parametrize(("declare", "flagged"), [("base", False), ("none", True), ("root-model", False)])
def test_training_data_undeclared(hub, tmp_path, declare, flagged):
    model(hub, "org/base", license="mit", **({"datasets": ["org/d"]} if declare == "base" else {}))
    sha = model(hub, "org/ft", license="mit", base_model="org/base",
                **({"datasets": "org/own"} if declare == "root-model" else {}))
    policy = "version: 1\nlineage: {require_declared_training_data: true}\n"
    found = by_rule(verify(hub, [ref("org/ft", sha)], tmp_path, policy), "training-data-undeclared")
    assert [f.message for f in found] == (
        ["model org/ft declares no training data, and neither do its ancestors: org/ft ← org/base"] if flagged else [])


def test_dataset_denied_in_declared_training_data_and_in_loads(hub, tmp_path):
    sha = chain(hub)
    data = hub.add_repo("org/pretrain", kind="dataset", files={"train.parquet": b"rows"}).head()
    policy = "version: 1\nlineage: {denied_datasets: [org/pre*]}\n"
    outcome = verify(hub, [ref("org/ft", sha), ref("org/pretrain", data, kind="dataset", line=7,
                                                    api="datasets.load_dataset")], tmp_path, policy)
    # The load is judged by the policy stage, the declared training data by verification.
    load, declared = sorted(by_rule(outcome, "dataset-denied"), key=lambda f: -f.reference)
    assert (load.reference, load.line, load.message) == (
        1, 7, "dataset 'org/pretrain' is denied by lineage.denied_datasets (org/pre*)")
    assert declared.reference == 0 and declared.message.startswith(
        "model org/ft was trained on dataset org/pretrain (the card of its ancestor org/base declares it), which "
        "lineage.denied_datasets denies (org/pre*)")


def test_cycle_is_detected_and_named(hub, tmp_path):
    model(hub, "org/a", license="mit", base_model="org/b")
    model(hub, "org/b", license="mit", base_model="org/a")
    sha = hub.repo("org/a").head()
    outcome = verify(hub, [ref("org/a", sha)], tmp_path, "version: 1\nlineage: {allowed_bases: [org/*]}\n")
    lineage = lineage_of(outcome)
    assert [(a["id"], a["status"]) for a in lineage["ancestors"]] == [("org/b", "ok"), ("org/a", "cycle")]
    assert chain_text(lineage) == "org/a ← org/b ← org/a (cycle)"
    assert lineage["complete"] is True and outcome.findings == ()
    # org/a is loaded pinned: as an ancestor it is asked at its default branch, like every ancestor.
    assert outcome.stats["lineage"]["ancestors_asked"] == 2


def test_bound_stops_and_makes_the_lineage_incomplete(hub, tmp_path):
    model(hub, "org/m0", license="mit")
    for level in range(1, 5):
        model(hub, f"org/m{level}", license="mit", base_model=f"org/m{level - 1}")
    sha = hub.repo("org/m4").head()
    policy = "version: 1\nlineage: {allowed_bases: [org/*], max_depth: 2}\n"
    outcome = verify(hub, [ref("org/m4", sha)], tmp_path, policy)
    lineage = lineage_of(outcome)
    assert chain_text(lineage) == "org/m4 ← org/m3 ← org/m2 ← org/m1 …"
    assert lineage["complete"] is False and outcome.stats["lineage"]["ancestors_asked"] == 2
    [finding] = outcome.findings
    assert (finding.rule, finding.severity) == ("lineage-incomplete", "error")
    assert "org/m1: beyond the 2-level bound (lineage.max_depth)" in finding.message


def test_missing_card_and_unknown_base(hub, tmp_path):
    nocard = model(hub, "org/nocard")
    sha = model(hub, "org/ft", license="mit", base_model="org/deleted")
    policy = "version: 1\nlineage: {denied_bases: [evil/*]}\n"
    outcome = verify(hub, [ref("org/nocard", nocard), ref("org/ft", sha, line=8)], tmp_path, policy)
    assert lineage_of(outcome, 0)["chain"] == [["org/nocard"]] and lineage_of(outcome, 0)["complete"] is True
    unknown = lineage_of(outcome, 1)
    assert chain_text(unknown) == "org/ft ← org/deleted (not found)" and unknown["complete"] is False
    [finding] = outcome.findings
    assert finding.rule == "lineage-incomplete" and finding.line == 8
    assert "org/deleted: the Hub does not know it" in finding.message


def test_adapter_base_from_adapter_config(hub, tmp_path):
    model(hub, "org/base", license="mit", datasets=["org/d"])
    config = json.dumps({"base_model_name_or_path": "org/base", "peft_type": "LORA"})
    sha = model(hub, "org/lora", license="mit", files={"adapter_config.json": config,
                                                       "adapter_model.safetensors": WEIGHTS})
    outcome = verify(hub, [ref("org/lora", sha)], tmp_path, "version: 1\nlineage: {allowed_bases: [org/base]}\n")
    lineage = lineage_of(outcome)
    assert lineage["relation"] == "adapter"
    assert [(a["id"], a["relation"]) for a in lineage["ancestors"]] == [("org/base", "adapter")]
    assert outcome.findings == ()


def test_gated_ancestor_is_followed_gated_adapter_is_a_gap(hub, tmp_path):
    model(hub, "meta/root", license="mit", datasets=["org/d"])
    hub.repo("meta/root").set(gated="manual")
    config = json.dumps({"base_model_name_or_path": "meta/root"})
    sha = hub.add_repo("org/gated-lora", license="mit", gated="auto",
                       files={"adapter_config.json": config}).head()
    ft = model(hub, "org/ft", license="mit", base_model="meta/root")
    policy = "version: 1\ndefaults: {gated: allow}\nlineage: {allowed_bases: [meta/*]}\n"
    outcome = verify(hub, [ref("org/ft", ft), ref("org/gated-lora", sha, line=9)], tmp_path, policy)
    assert [(a["id"], a["gated"], a["status"]) for a in lineage_of(outcome, 0)["ancestors"]] == [
        ("meta/root", "manual", "ok")]
    gap = lineage_of(outcome, 1)
    assert gap["complete"] is False and gap["gaps"][0].startswith("org/gated-lora: adapter_config.json unreadable")
    assert [(f.rule, f.line) for f in outcome.findings] == [("lineage-incomplete", 9)]


def test_ancestors_are_asked_once_per_run(hub, tmp_path):
    model(hub, "meta/root", license="mit")
    model(hub, "org/base", license="mit", base_model="meta/root")
    shas = [model(hub, f"org/ft{i}", license="mit", base_model="org/base") for i in range(4)]
    merged = model(hub, "org/merge", license="mit", base_model=["org/base", "meta/root"],
                   base_model_relation="merge")
    hub.reset_requests()
    outcome = verify(hub, [ref(f"org/ft{i}", sha, line=i + 1) for i, sha in enumerate(shas)]
                     + [ref("org/merge", merged, line=9), ref("org/base", None, line=10)], tmp_path)
    # (each pinned model's own `/refs` request, which checks its commit is on a branch, is not lineage's)
    asked = [path for _, path in hub.request_log if path.startswith("/api/models/") and "/revision/" not in path
             and not path.split("?")[0].endswith("/refs")]
    # org/base is loaded unpinned: its own answer serves as the ancestor; meta/root is asked once.
    assert sorted(p.split("?")[0] for p in asked) == ["/api/models/meta/root", "/api/models/org/base"]
    assert outcome.stats["lineage"]["ancestors_asked"] == 1
    assert chain_text(lineage_of(outcome, 4)) == "org/merge ← org/base + meta/root ← meta/root"


def test_scan_end_to_end_text_json_and_exit_code(hub, tmp_path, capsys):
    from gate.cli import main
    from tests.report.schema_check import assert_valid_report

    sha = chain(hub)
    root = tmp_path / "repo"
    (root / ".github").mkdir(parents=True)
    (root / "train.py").write_text(
        f'from transformers import AutoModel\nAutoModel.from_pretrained("org/ft", revision="{sha}")\n')
    (root / ".github" / "model-policy.yml").write_text("version: 1\nlineage: {allowed_bases: [org/*]}\n")
    common = ["scan", str(root), "--verify", "hub", "--hub-endpoint", hub.endpoint,
              "--cache-dir", str(tmp_path / "cache")]
    assert main([*common, "--format", "json"]) == 1  # meta/root is outside allowed_bases
    report = assert_valid_report(json.loads(capsys.readouterr().out))
    assert report["references"][0]["lineage"]["chain"] == [["org/ft"], ["org/base"], ["meta/root"]]
    assert sorted(f["rule"] for f in report["findings"]) == ["lineage-license-conflict", "lineage-not-allowed"]
    hub.reset_requests()
    assert main(common) == 1
    text = capsys.readouterr().out
    assert "Lineage (1):\n  org/ft ← org/base ← meta/root  (train.py:2)\n" in text
    # The second run answers org/ft from the cache (its card metadata with it); the ancestors, asked at their
    # default branch, are asked again: once each.
    assert sorted(path.split("?")[0] for _, path in hub.request_log) == ["/api/models/meta/root",
                                                                         "/api/models/org/base"]


def test_a_card_naming_too_many_bases_is_bounded(hub, tmp_path, monkeypatch):
    import gate.verify.lineage as lineage_module

    monkeypatch.setattr(lineage_module, "MAX_PARENTS", 2)
    monkeypatch.setattr(lineage_module, "MAX_ANCESTORS", 1)
    for name in ("a", "b", "c"):
        model(hub, f"org/{name}", license="mit")
    sha = model(hub, "org/merge", license="mit", base_model=["org/a", "org/b", "org/c"])
    outcome = verify(hub, [ref("org/merge", sha)], tmp_path)
    lineage = lineage_of(outcome)
    assert [(a["id"], a["status"]) for a in lineage["ancestors"]] == [("org/a", "ok"), ("org/b", "unknown")]
    assert lineage["gaps"] == ["org/merge: its card names 3 base models; the first 2 are followed",
                               "org/b: could not be asked: more than 1 ancestors in one run"]
    assert outcome.stats["lineage"]["ancestors_asked"] == 1


def test_an_unreadable_adapter_config_is_not_cached(tmp_path):
    from gate.verify.cache import AnswerCache
    from gate.verify.interface import RepoAnswer, RepoQuery

    cache = AnswerCache(str(tmp_path), "http://hub")
    query = RepoQuery("model", "org/lora", "a" * 40)
    cache.put(RepoAnswer(query, "ok", sha="a" * 40, card={"adapter_error": "gated"}))
    assert cache.get(query) is None
    cache.put(RepoAnswer(query, "ok", sha="a" * 40, card={"adapter_base": "org/base"}))
    assert cache.get(query).card == {"adapter_base": "org/base"}


def test_an_ancestor_the_hub_cannot_answer_is_a_gap_not_a_shorter_chain(hub, tmp_path):
    sha = chain(hub)
    hub.faults.server_error(503, match="/api/models/org/base")
    outcome = verify(hub, [ref("org/ft", sha)], tmp_path, "version: 1\nlineage: {denied_bases: [evil/*]}\n")
    lineage = lineage_of(outcome)
    assert [(a["id"], a["status"]) for a in lineage["ancestors"]] == [("org/base", "unknown")]
    assert chain_text(lineage) == "org/ft ← org/base (?)"
    assert outcome.stats["lineage"] == {"models": 1, "ancestors_asked": 1, "ancestors_failed": 1}
    [finding] = outcome.findings
    assert finding.rule == "lineage-incomplete" and "org/base: could not be asked: " in finding.message
    assert "503" in finding.message

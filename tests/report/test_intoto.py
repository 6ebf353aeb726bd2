"""What the repository produces (issue 18 §3): the inputs of each publish target's training entry point, and
`--format intoto` (in-toto Statement v1 + SLSA provenance v1), validated against schemas written from the public
specifications (tests/fixtures/intoto/ORIGIN.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from gate.cli import main
from gate.errors import UsageError
from gate.pipeline import ScanOptions, run_scan
from gate.report.intoto import parse_subject_digests, render_intoto

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPO = FIXTURES / "provenance" / "repo"
SOURCE_SHA = "c27d339ee6075c1f744c5d4b200f7901aad2c369"
PUSHED = "f" * 40


def _schema(name: str) -> dict:
    return json.loads((FIXTURES / "intoto" / name).read_text(encoding="utf-8"))


STATEMENT, PREDICATE = _schema("statement-v1.schema.json"), _schema("slsa-provenance-v1.schema.json")
REGISTRY = Registry().with_resources([("statement-v1.schema.json", Resource.from_contents(STATEMENT)),
                                      ("slsa-provenance-v1.schema.json", Resource.from_contents(PREDICATE))])


def errors(statement: dict) -> list[str]:
    found = [e.message for e in Draft202012Validator(STATEMENT, registry=REGISTRY).iter_errors(statement)]
    if statement.get("predicateType") == "https://slsa.dev/provenance/v1":
        found += [e.message for e in
                  Draft202012Validator(PREDICATE, registry=REGISTRY).iter_errors(statement.get("predicate"))]
    return found


@pytest.fixture
def github_env(monkeypatch):
    monkeypatch.setenv("GITHUB_SHA", SOURCE_SHA)
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/trainer")
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_WORKFLOW_REF", "acme/trainer/.github/workflows/train.yml@refs/heads/main")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    monkeypatch.setenv("GITHUB_RUN_ATTEMPT", "1")


@pytest.fixture
def scanned(tmp_path, github_env):
    root = tmp_path / "repo"
    shutil.copytree(REPO, root)
    return run_scan(ScanOptions(root=str(root)))


def test_inputs_are_those_of_the_same_entry_point(scanned):
    refs = scanned.references
    [produced] = scanned.extra["produces"]
    assert refs[produced["target"]].id == "my-org/sft-model"
    # configs/sft.yaml names the target; train.sh runs train.py with it; evaluate_other.py is another run.
    assert produced["entry_points"] == ["configs/sft.yaml", "train.py", "train.sh"]
    assert [(refs[i].id, refs[i].path) for i in produced["inputs"]] == [
        ("org/instructions", "configs/sft.yaml"), ("org/base", "train.py"), ("org/extra-data", "train.py"),
        (None, "train.py")]
    assert scanned.extra["source"] == {
        "commit": SOURCE_SHA, "uri": "git+https://github.com/acme/trainer",
        "builder": "https://github.com/acme/trainer/.github/workflows/train.yml@refs/heads/main",
        "invocation": "https://github.com/acme/trainer/actions/runs/42/attempts/1"}


def test_statement_per_publish_target_is_valid(scanned):
    [line] = render_intoto(scanned, parse_subject_digests([f"gitCommit:{PUSHED}"])).splitlines()
    statement = json.loads(line)
    assert errors(statement) == []
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"] == [{"name": "my-org/sft-model", "uri": "https://huggingface.co/my-org/sft-model",
                                     "digest": {"gitCommit": PUSHED}}]
    assert statement["predicateType"] == "https://slsa.dev/provenance/v1"
    build = statement["predicate"]["buildDefinition"]
    assert [(d["name"], d.get("uri"), d.get("digest")) for d in build["resolvedDependencies"]] == [
        ("source", f"git+https://github.com/acme/trainer@{SOURCE_SHA}", {"gitCommit": SOURCE_SHA}),
        ("org/instructions", "https://huggingface.co/datasets/org/instructions",
         {"gitCommit": "0123456789abcdef0123456789abcdef01234567"}),
        ("org/base", "https://huggingface.co/org/base", {"gitCommit": "86b5e0934494bd15c9632b12f734a8a67f723594"}),
        ("org/extra-data", "https://huggingface.co/datasets/org/extra-data", None),  # unpinned: no digest claimed
    ]
    assert build["externalParameters"]["unresolvedInputs"] == [
        {"location": "train.py:11", "kind": "model", "expression": "tokenizer_name"}]
    assert statement["predicate"]["runDetails"] == {
        "builder": {"id": "https://github.com/acme/trainer/.github/workflows/train.yml@refs/heads/main"},
        "metadata": {"invocationId": "https://github.com/acme/trainer/actions/runs/42/attempts/1"}}


def test_schemas_have_teeth(scanned):
    statement = json.loads(render_intoto(scanned, {"*": {"sha256": "a" * 64}}))
    assert errors(statement) == []
    for broken in (
        {**statement, "_type": "https://in-toto.io/Statement/v0.1"},
        {**statement, "subject": [{"name": "x", "uri": "https://huggingface.co/x"}]},  # a subject needs a digest
        {**statement, "subject": [{"name": "x", "digest": {"sha256": "ABC"}}]},
        {**statement, "predicate": {**statement["predicate"], "runDetails": {"builder": {}}}},
        {**statement, "predicate": {"buildDefinition": statement["predicate"]["buildDefinition"]}},
    ):
        assert errors(broken), broken


def test_a_subject_needs_a_digest(scanned):
    with pytest.raises(UsageError, match="no digest for the subject my-org/sft-model"):
        render_intoto(scanned, {})
    with pytest.raises(UsageError, match="must be"):
        parse_subject_digests(["sha256=abc"])
    assert parse_subject_digests([f"my-org/sft-model=GitCommit:{PUSHED.upper()}"]) == {
        "my-org/sft-model": {"gitCommit": PUSHED}}


def test_cli_format_intoto(tmp_path, github_env, capsys):
    root = tmp_path / "repo"
    shutil.copytree(REPO, root)
    # Exit 1: the default policy fails the unpinned and computed inputs; the statements are written all the same.
    assert main(["scan", str(root), "--format", "intoto", "--subject-digest", f"gitCommit:{PUSHED}"]) == 1
    [statement] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert errors(statement) == [] and statement["subject"][0]["name"] == "my-org/sft-model"
    assert main(["scan", str(root), "--format", "intoto", "--subject-digest", "nope"]) == 2
    assert "--subject-digest must be" in capsys.readouterr().err

"""bench/recall.py's matching and counting, on synthetic labels and references (no fetched files)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location("recall", Path(__file__).parents[2] / "bench" / "recall.py")
recall = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("recall", recall)  # dataclasses look their module up there
_SPEC.loader.exec_module(recall)
Label, Found = recall.Label, recall.Found


def test_match_pairs_each_label_once_within_two_lines_case_insensitively():
    labels = [
        Label("a.py", 10, "model", "Org/Name"),
        Label("a.py", 40, "model", "org/name"),       # the same id again: needs its own reference
        Label("a.py", 20, "dataset", "org/data"),     # reported 3 lines away: too far
        Label("a.py", 30, "model", "gpt2", revision="v1"),
    ]
    found = [
        Found("a.py", 12, "model", "org/NAME"),
        Found("a.py", 12, "model", "org/name", api="second API on the same call"),  # deduplicated away
        Found("a.py", 23, "dataset", "org/data"),
        Found("a.py", 30, "model", "gpt2", revision=None),
        Found("b.py", 30, "model", "gpt2"),           # another file: never matches
        Found("a.py", 30, "artifact", "weights.bin"),  # artifacts are not labelled
    ]
    outcome = recall.match(labels, found)
    assert [(label.line, ref.line) for label, ref in outcome.hits] == [(30, 30), (10, 12)]
    assert [label.line for label in outcome.missed] == [40, 20]
    assert [(ref.path, ref.line) for ref in outcome.false_positives] == [("a.py", 23), ("b.py", 30)]
    tally = recall.tallies(outcome)["all"]
    assert (tally.labels, tally.found, tally.discovered, tally.true, tally.revision_agree) == (4, 2, 4, 2, 1)


def test_match_prefers_the_nearest_reference_and_counts_kind():
    labels = [Label("a.py", 10, "model", "x/y"), Label("a.py", 12, "model", "x/y")]
    found = [Found("a.py", 12, "model", "x/y"), Found("a.py", 10, "model", "x/y"), Found("a.py", 11, "dataset", "x/y")]
    outcome = recall.match(labels, found)
    assert sorted((label.line, ref.line) for label, ref in outcome.hits) == [(10, 10), (12, 12)]
    assert [(ref.kind, ref.line) for ref in outcome.false_positives] == [("dataset", 11)]


def test_dynamic_coverage_negatives_and_slices():
    labels = [
        Label("run.sh", 5, "model", None, role="load"),
        Label("train.py", 7, "dataset", None),
        Label("train.py", 9, negative=True, text="gpt-4o"),
        Label("train.py", 50, "model", "me/out", role="publish"),
    ]
    found = [
        Found("run.sh", 6, "model", None),
        Found("train.py", 7, "model", None),          # wrong kind: does not cover the dataset label
        Found("train.py", 10, "model", "GPT-4o"),
        Found("train.py", 50, "model", "me/out", role="publish"),
    ]
    outcome = recall.match(labels, found)
    assert [(label.path, covered) for label, covered in outcome.dynamic] == [("run.sh", True), ("train.py", False)]
    assert [(label.text, ref.line) for label, ref in outcome.negatives_reported] == [("gpt-4o", 10)]
    slices = recall.tallies(outcome)
    assert (slices["all"].dynamic_labels, slices["all"].dynamic_covered) == (2, 1)
    assert (slices["all"].negatives, slices["all"].negatives_reported) == (1, 1)
    assert slices["all"].figures()["precision"] == 0.5
    assert (slices["role:publish"].labels, slices["role:publish"].found) == (1, 1)
    assert (slices["type:shell"].dynamic_labels, slices["type:shell"].dynamic_covered) == (1, 1)


def test_file_types():
    assert [recall.file_type(p) for p in (
        "a/train.py", "nb.ipynb", "cfg/x.yaml", "run.sh", "docker/Dockerfile", "Makefile",
        ".github/workflows/ci.yml", "README.md")] == [
        "python", "notebook", "config", "shell", "shell", "shell", "shell", "other"]


def _git(*args: str, cwd) -> str:
    import subprocess

    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin:/usr/local/bin",
                               "HOME": str(cwd)}).stdout.strip()


def make_snapshot(tmp_path, name: str, text: str):
    """A bare git snapshot of one commit holding `name` (as the fetch tool lays them out: <mirror>/acme+demo/repo):
    (the mirror root, the commit)."""
    work = tmp_path / "work"
    work.mkdir()
    (work / name).write_text(text)
    _git("init", "-q", cwd=work)
    _git("add", name, cwd=work)
    _git("commit", "-q", "-m", "x", cwd=work)
    commit = _git("rev-parse", "HEAD", cwd=work)
    mirror = tmp_path / "mirror"
    _git("clone", "-q", "--bare", str(work), str(mirror / "acme+demo" / "repo"), cwd=tmp_path)
    return mirror, commit


def test_main_measures_a_snapshot_and_skips_a_missing_one(tmp_path, capsys):
    import json

    mirror, commit = make_snapshot(tmp_path, "train.py", (
        "from transformers import AutoModel\n\n"
        'model = AutoModel.from_pretrained("acme/encoder", revision="v1")\n'
        'other = AutoModel.from_pretrained("acme/decoder")\n'))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    labels = {"train.py": [
        {"line": 3, "kind": "model", "id": "acme/encoder", "revision": "v1", "role": "load"},
        {"line": 4, "kind": "model", "id": "acme/missing", "revision": None, "role": "load"},
    ]}
    (corpus / "acme__demo.json").write_text(json.dumps({"repo": "acme/demo", "commit": commit, "files": labels}))
    (corpus / "acme__gone.json").write_text(json.dumps({"repo": "acme/gone", "commit": commit, "files": {}}))

    assert recall.main(["--corpus", str(corpus), "--mirror-root", str(mirror), "--json"]) == 0
    captured = capsys.readouterr()
    figures = json.loads(captured.out)
    assert figures["skipped"] == ["acme/gone"]
    assert "fetch github:acme/gone" in captured.err
    overall = figures["overall"]["all"]
    assert (overall["labels"], overall["found"], overall["discovered"], overall["true"]) == (2, 1, 2, 1)
    assert overall["revision_agreement"] == 1.0

    (corpus / "acme__demo.json").unlink()
    assert recall.main(["--corpus", str(corpus), "--mirror-root", str(mirror)]) == 2


def test_set_and_repos_select_label_files(tmp_path):
    import json

    def write(name: str, **extra) -> None:
        (tmp_path / f"{name}.json").write_text(json.dumps({"repo": name.replace("__", "/"), "commit": "0" * 40,
                                                            "files": {}, **extra}))

    write("acme__old")
    write("acme__new", set="heldout")
    write("other__new", set="heldout")
    paths = sorted(tmp_path.glob("*.json"))

    def chosen(wanted: str, globs: list[str]) -> list[str]:
        return [corpus.repo for _, corpus in recall.selected(paths, wanted, globs)]

    assert chosen("development", []) == ["acme/old"]  # a file without "set" is the development corpus
    assert chosen("heldout", []) == ["acme/new", "other/new"]
    assert chosen("all", []) == ["acme/new", "acme/old", "other/new"]
    assert chosen("all", ["acme__*"]) == ["acme/new", "acme/old"]
    assert chosen("heldout", ["other/*"]) == ["other/new"]


def test_a_known_revision_stands_for_an_id_reported_with_an_unknown_one_too():
    labels = [Label("a.py", 5, "model", "org/m", revision="main")]
    found = [Found("a.py", 5, "model", "org/m", revision=None, dynamic=True),  # `revision=args.revision` (the CLI)
             Found("a.py", 5, "model", "org/m", revision="main")]
    outcome = recall.match(labels, found)
    assert [ref.revision for _, ref in outcome.hits] == ["main"]
    assert recall.tallies(outcome)["all"].revision_agree == 1

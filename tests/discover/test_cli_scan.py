"""`model-gate scan` on the command line: argument errors, JSON output, --paths, --changed-files, --exclude."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gate.cli import main
from tests.report.schema_check import assert_valid_report

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gate", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_missing_path_exits_2_with_a_clear_message(tmp_path):
    result = run_cli("scan", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert f"model-gate: error: path not found: {tmp_path / 'nope'}" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["scan", "--format", "xml"], "invalid choice: 'xml'"),
    (["scan", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    (["scan", "--jobs", "0"], "--jobs must be at least 1"),
    (["scan", "--changed-files", "/nonexistent/list.txt"], "cannot read --changed-files /nonexistent/list.txt"),
])
def test_bad_arguments_exit_2(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_file_instead_of_a_directory_exits_2(capsys):
    assert main(["scan", str(DEMO / "train.py")]) == 2
    assert "not a directory" in capsys.readouterr().err


def scan_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["scan", *args, "--format", "json", "--today", "2026-01-01"])
    return code, assert_valid_report(json.loads(capsys.readouterr().out))


def by_place(report: dict) -> list[tuple]:
    return [(r["path"], r["line"], r["api"], r["id"], r["pinned"]) for r in report["references"]]


def test_json_report_of_the_demo(capsys):
    code, report = scan_json(capsys, str(DEMO))
    assert code == 1  # the demo has unpinned references on purpose
    assert report["tool"]["name"] == "model-gate"
    assert report["summary"]["references"] == len(report["references"]) == 19  # + eval.reward_model (medium)
    assert report["summary"]["files_scanned"] == 9
    assert report["warnings"] == []
    places = by_place(report)
    for expected in [
        ("Dockerfile", 4, "env:MODEL_ID", "Qwen/Qwen2.5-0.5B-Instruct", True),
        ("Dockerfile", 8, "shell:hf download", "sentence-transformers/all-MiniLM-L6-v2", False),
        ("configs/eval.ini", 2, "url", "openai-community/gpt2", True),
        ("configs/train.yaml", 2, "config:model_name_or_path", "Qwen/Qwen2.5-0.5B", True),
        ("configs/train.yaml", 4, "config:dataset_name", "tatsu-lab/alpaca", False),
        ("notebooks/explore.ipynb", 17, "shell:hf download",
         "distilbert/distilbert-base-uncased-finetuned-sst-2-english", False),
        ("serve.sh", 5, "shell:hf download", "Qwen/Qwen2.5-0.5B-Instruct", True),
        ("serve.sh", 9, "shell:vllm serve", "mistralai/Mistral-7B-Instruct-v0.3", False),
        ("serve.sh", 12, "shell:curl", "Qwen/Qwen2.5-0.5B", False),
        ("train.py", 19, "transformers.from_pretrained", "Qwen/Qwen2.5-0.5B", False),
        ("weights/classifier.safetensors", 1, "file", "weights/classifier.safetensors", True),
        ("weights/legacy_head.pt", 1, "file", "weights/legacy_head.pt", True),
    ]:
        assert expected in places
    assert places == sorted(places, key=lambda p: (p[0], p[1]))
    rules = {(f["rule"], f["path"], f["line"]) for f in report["findings"]}
    assert ("unpinned-revision", "serve.sh", 9) in rules
    assert not any(f["path"] == "serve.sh" and f["line"] == 5 for f in report["findings"])


def test_paths_scans_only_those_files(capsys):
    code, report = scan_json(capsys, str(DEMO), "--paths", "serve.sh", "configs/train.yaml")
    assert {r["path"] for r in report["references"]} == {"serve.sh", "configs/train.yaml"}
    assert report["summary"]["files_scanned"] == 2
    assert code == 1


def test_changed_files_list(capsys, tmp_path):
    listing = tmp_path / "changed.txt"
    listing.write_text("Dockerfile\n\nweights/classifier.safetensors\ndeleted_in_this_pr.py\n")
    code, report = scan_json(capsys, str(DEMO), "--changed-files", str(listing))
    assert {r["path"] for r in report["references"]} == {"Dockerfile", "weights/classifier.safetensors"}
    assert report["warnings"] == [{"path": "deleted_in_this_pr.py",
                                   "message": "listed for scanning but does not exist (deleted?); skipped"}]


def test_exclude_is_repeatable(capsys):
    _, report = scan_json(capsys, str(DEMO), "--exclude", "weights", "--exclude", "*.sh",
                          "--exclude", "notebooks/**")
    paths = {r["path"] for r in report["references"]}
    assert paths == {"Dockerfile", "configs/eval.ini", "configs/train.yaml", "train.py"}


def test_output_file(tmp_path, capsys):
    out = tmp_path / "reports" / "scan.json"
    main(["scan", str(DEMO), "--paths", "serve.sh", "--format", "json", "--output", str(out)])
    assert capsys.readouterr().out == ""
    assert assert_valid_report(json.loads(out.read_text()))["summary"]["references"] == 3


def test_changed_files_scan_never_lists_a_directory_of_the_repository(tmp_path, monkeypatch, capsys):
    """The whole command (policy, discovery, evaluation), not only discovery: its cost follows the list."""
    for index in range(30):
        write_tree = tmp_path / "repo" / f"pkg{index}"
        write_tree.mkdir(parents=True)
        (write_tree / "m.py").write_text(f'from transformers import AutoModel\nAutoModel.from_pretrained("org/m{index}")\n')
    listing = tmp_path / "changed.txt"
    listing.write_text("pkg7/m.py\n")
    repo = str(tmp_path / "repo")
    listed = []
    for name in ("scandir", "listdir", "walk"):
        real = getattr(os, name)
        monkeypatch.setattr(os, name, lambda *a, _real=real, **k: listed.append(str(a[0] if a else ".")) or _real(*a, **k))
    code, report = scan_json(capsys, repo, "--changed-files", str(listing))
    assert [p for p in listed if p.startswith(repo) or not os.path.isabs(p)] == []
    assert [(r["path"], r["id"]) for r in report["references"]] == [("pkg7/m.py", "org/m7")]
    assert (code, report["summary"]["files_scanned"]) == (1, 1)


ISSUE_REFERENCE_FIELDS = {
    "kind": (str,), "source": (str,), "id": (str, type(None)), "revision": (str, type(None)), "pinned": (bool,),
    "pinnable": (bool,), "path": (str,), "line": (int,), "column": (int,), "api": (str,), "dynamic": (bool,),
    "expression": (str, type(None)), "trust_remote_code": (bool, type(None)), "format": (str, type(None)),
}


def test_json_report_has_every_field_the_issue_lists(capsys):
    """The report contract of issue 2, spelled out here rather than only through the schema file."""
    code, report = scan_json(capsys, str(DEMO))
    assert code == 1
    assert {"tool", "references", "findings", "warnings", "summary"} <= set(report)
    assert report["tool"]["name"] == "model-gate" and report["tool"]["version"]
    assert isinstance(report["findings"], list) and isinstance(report["warnings"], list)
    assert report["summary"]["files_scanned"] == 9 and report["summary"]["references"] == len(report["references"])
    assert len(report["references"]) == 19  # + configs/train.yaml eval.reward_model (medium confidence)
    for reference in report["references"]:
        assert {name: type(reference[name]) for name in ISSUE_REFERENCE_FIELDS} == {
            name: next(t for t in types if isinstance(reference[name], t)) for name, types in ISSUE_REFERENCE_FIELDS.items()}
        assert reference["kind"] in ("model", "dataset", "artifact")
        assert reference["line"] >= 1 and reference["column"] >= 1 and not reference["path"].startswith("/")
    assert {r["format"] for r in report["references"] if r["kind"] == "artifact"} == {"pickle", "safetensors"}

"""The engine: which files are read, in which order results come back, and how failures surface."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gate.discover import engine
from gate.discover.engine import discover
from gate.discover.interface import FileResult

LINE = "hf download org/{name} --revision main\n"


def write(root: Path, rel: str, text: str = "") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text or LINE.format(name=rel.replace("/", "-").replace(".", "-")))
    return path


def paths_of(discovery) -> list[str]:
    return [r.path for r in discovery.references]


def test_default_excludes_skip_vendored_and_build_directories(tmp_path):
    for rel in ("run.sh", "node_modules/pkg/x.sh", ".venv/bin/x.sh", ".git/hooks/x.sh", "build/x.sh", "a.egg-info/x.sh",
                "dist/x.sh", "__pycache__/x.sh", ".tox/py/x.sh", "lib/site-packages/x.sh", "env2/bin/x.sh",
                "src/ok.sh"):
        write(tmp_path, rel)
    for env in (".venv", "env2"):  # a virtualenv (marker and interpreter layout), whatever its name
        write(tmp_path, f"{env}/bin/python")
        (tmp_path / env / "lib").mkdir()
        (tmp_path / env / "pyvenv.cfg").write_text("home = /usr\n")
    assert paths_of(discover(str(tmp_path))) == ["run.sh", "src/ok.sh"]


@pytest.mark.parametrize("globs, remaining", [
    (["vendor"], ["a.sh", "src/b.sh"]),
    (["vendor/**"], ["a.sh", "src/b.sh"]),
    (["*.sh"], []),
    (["src/*"], ["a.sh", "vendor/c.sh"]),
    (["./src/"], ["a.sh", "vendor/c.sh"]),
    (["b.sh", "a.*"], ["vendor/c.sh"]),
])
def test_exclude_globs(tmp_path, globs, remaining):
    for rel in ("a.sh", "src/b.sh", "vendor/c.sh"):
        write(tmp_path, rel)
    assert paths_of(discover(str(tmp_path), excludes=globs)) == remaining


def test_paths_scans_only_the_listed_files_without_walking(tmp_path, monkeypatch):
    for rel in ("a.sh", "b.sh", "deep/c.sh"):
        write(tmp_path, rel)
    calls = []
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda *a: calls.append(a) or real_scandir(*a))
    discovery = discover(str(tmp_path), paths=["deep/c.sh", "./a.sh", "gone.sh", "../outside.sh", "a.sh"])
    assert calls == []  # cost scales with the list, not with the repository
    assert paths_of(discovery) == ["a.sh", "deep/c.sh"]
    assert discovery.files_scanned == 2
    assert [(w.path, w.message.split(";")[0]) for w in discovery.warnings] == [
        ("../outside.sh", "listed path is outside the scanned root"),
        ("gone.sh", "listed for scanning but does not exist (deleted?)"),
    ]


def test_paths_honour_excludes_and_may_name_directories(tmp_path):
    for rel in ("a.sh", "node_modules/x.sh", "sub/b.sh", "sub/c.sh"):
        write(tmp_path, rel)
    discovery = discover(str(tmp_path), paths=["node_modules/x.sh", "sub", "a.sh"], excludes=["c.sh"])
    assert paths_of(discovery) == ["a.sh", "sub/b.sh"]


def test_local_paths_known_from_the_disk_are_not_hub_ids(tmp_path):
    (tmp_path / "checkpoints" / "final").mkdir(parents=True)
    # a tool that reads local directories (`hf download` never does: issue 12, test_shell.py)
    write(tmp_path, "run.sh", "vllm serve checkpoints/final\nhf download org/remote\n")
    assert [r.id for r in discover(str(tmp_path)).references] == ["org/remote"]
    assert [r.id for r in discover(str(tmp_path), paths=["run.sh"]).references] == ["org/remote"]


def test_results_are_sorted_by_path_line_column(tmp_path):
    write(tmp_path, "b.sh", "hf download org/b2\nhf download org/b1 && hf download org/b0\n")
    write(tmp_path, "a/z.sh", "hf download org/a\n")
    discovery = discover(str(tmp_path))
    assert [(r.path, r.line, r.column, r.id) for r in discovery.references] == [
        ("a/z.sh", 1, 1, "org/a"), ("b.sh", 1, 1, "org/b2"), ("b.sh", 2, 1, "org/b1"), ("b.sh", 2, 23, "org/b0")]


def test_a_crashing_finder_becomes_a_warning_and_a_dynamic_reference_and_other_files_still_scan(tmp_path,
                                                                                                 monkeypatch):
    from gate.discover.config_finder import ConfigFinder

    def explode(self, file, text, repo_paths):
        raise KeyError("boom")

    monkeypatch.setattr(ConfigFinder, "scan", explode)
    write(tmp_path, "c.yaml", "model_id: org/a\n")
    write(tmp_path, "run.sh")
    discovery = discover(str(tmp_path))
    assert paths_of(discovery) == ["c.yaml", "run.sh"]
    (warning,) = discovery.warnings
    assert warning.path == "c.yaml"
    assert warning.message == "ConfigFinder failed on this file (KeyError: 'boom'); its references may be missing"
    # What the file loads is unknown, not absent: a dynamic reference the policy judges (`defaults.dynamic`).
    failed = discovery.references[0]
    assert (failed.path, failed.line, failed.id, failed.dynamic, failed.pinnable, failed.api, failed.syntax,
            failed.expression) == ("c.yaml", 1, None, True, False, "model-gate:scan-failed", "config",
                                   "ConfigFinder failed on this file (KeyError: 'boom')")


def test_a_crashing_finder_fails_the_scan_closed_whatever_defaults_dynamic_says(tmp_path, monkeypatch, capsys):
    from gate.cli import main
    from gate.discover.shell_finder import ShellFinder

    def explode(self, file, text, repo_paths):
        raise TypeError("boom")

    monkeypatch.setattr(ShellFinder, "scan", explode)
    write(tmp_path, "run.sh", "hf download org/a\n")
    assert main(["scan", str(tmp_path), "--no-cache", "--jobs", "1"]) == 1  # builtin:default has `dynamic: warn`
    out = " ".join(capsys.readouterr().out.split())
    assert ("1: error [dynamic-reference] this file could not be scanned (ShellFinder failed on this file "
            "(TypeError: boom)): what it loads is unknown and model-gate cannot check it; please report the failure "
            "to model-gate") in out
    assert "model-gate: FAIL: 1 error(s), 0 warning(s), 0 note(s); 1 reference(s) in 1 file(s)" in out
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\ndefaults:\n  dynamic: allow\n")
    assert main(["scan", str(tmp_path), "--no-cache", "--jobs", "1", "--policy", str(policy)]) == 1
    assert "error [dynamic-reference] this file could not be scanned" in capsys.readouterr().out


def test_process_pool_gives_the_same_result_as_in_process(tmp_path, monkeypatch):
    for index in range(60):
        write(tmp_path, f"d{index % 7}/s{index}.sh", f"hf download org/m{index}\nwget https://hf.co/o/r/resolve/v{index}/f\n")
    write(tmp_path, "bad.py", "\0binary")
    serial = discover(str(tmp_path), jobs=1)
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 10)
    parallel = discover(str(tmp_path), jobs=2)
    assert parallel == serial
    assert len(serial.references) == 120 and serial.files_scanned == 61


def test_unknown_binary_files_are_skipped_silently_but_counted_text_is_scanned(tmp_path):
    (tmp_path / "blob.dat").write_bytes(b"\0\1\2https://huggingface.co/org/a/resolve/main/x")
    write(tmp_path, "notes.txt", "see https://huggingface.co/org/b/resolve/main/x\n")
    discovery = discover(str(tmp_path))
    assert paths_of(discovery) == ["notes.txt"] and discovery.warnings == () and discovery.files_scanned == 1


def test_a_finder_result_object_is_what_the_contract_says(tmp_path):
    write(tmp_path, "run.sh")
    scanned, result = engine._scan_file(engine.SourceFile("run.sh", str(tmp_path / "run.sh")), None)
    assert scanned is True and isinstance(result, FileResult) and len(result.references) == 1


def test_missing_root_raises(tmp_path):
    with pytest.raises(NotADirectoryError):
        discover(str(tmp_path / "nope"))


def test_double_star_glob_matches_at_any_depth_including_the_root(tmp_path):
    for rel in ("test_a.sh", "x/test_b.sh", "x/keep.sh"):
        write(tmp_path, rel)
    assert paths_of(discover(str(tmp_path), excludes=["**/test_*.sh"])) == ["x/keep.sh"]


def _dying_batch(batch, repo_paths):
    if any(f.path.endswith("die.sh") for f in batch):
        os._exit(3)  # a worker killed mid-scan (OOM killer, segfault in a C extension)
    return _REAL_SCAN_BATCH(batch, repo_paths)


_REAL_SCAN_BATCH = engine._scan_batch


def test_a_dead_worker_turns_its_files_into_warnings_never_a_silent_gap(tmp_path, monkeypatch):
    for index in range(40):
        write(tmp_path, f"s{index:02}.sh")
    write(tmp_path, "die.sh")
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(engine, "_scan_batch", _dying_batch)
    discovery = discover(str(tmp_path), jobs=2)
    scanned = set(paths_of(discovery))
    warned = {w.path for w in discovery.warnings}
    assert "die.sh" in warned and all("worker process failed" in w.message for w in discovery.warnings)
    assert scanned | warned == {f"s{index:02}.sh" for index in range(40)} | {"die.sh"}


def test_files_under_review_are_scanned_inside_default_excluded_directories(tmp_path):
    # A pull request that commits build/loader.py cannot hide it behind the default excludes; the user's own
    # --exclude still wins, and walked files are not scanned twice.
    for rel in ("build/loader.py", "vendor/skip.py", "train.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("from transformers import AutoModel\nAutoModel.from_pretrained('org/x')\n")
    plain = discover(str(tmp_path), jobs=1)
    assert [r.path for r in plain.references] == ["train.py", "vendor/skip.py"]  # vendor/ is not a default exclude
    reviewed = discover(str(tmp_path), excludes=["vendor/**"], jobs=1,
                        under_review=["build/loader.py", "vendor/skip.py", "train.py"])
    assert [r.path for r in reviewed.references] == ["build/loader.py", "train.py"]
    assert [(w.path, w.message) for w in reviewed.warnings] == [(
        "build/loader.py",
        "under build/, which is excluded by default, but the pull request changes it: scanned")]

"""The per-file scan cache (issue 15): a repeat scan reuses results, and never reports anything a fresh scan
would not. Differential: cache on (cold and warm) and off give identical discoveries; every dependency a
finder has on another file or path invalidates the entry when it changes."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from gate.discover import engine, scan_cache
from tests.discover.expected_refs import FIXTURES

REPO = Path(__file__).resolve().parents[2]


def _snapshot(discovery) -> tuple:
    return ([r.to_json() for r in discovery.references], [w.to_json() for w in discovery.warnings],
            discovery.files_scanned)


@pytest.fixture
def count_scans(monkeypatch):
    """The number of files actually scanned (not answered from the cache) since the fixture started."""
    calls: list[str] = []
    real = engine._scan_file

    def counting(file, repo_paths):
        calls.append(file.path)
        return real(file, repo_paths)

    monkeypatch.setattr(engine, "_scan_file", counting)
    return calls


def _scan(root, cache_dir=None):
    return _snapshot(engine.discover(str(root), jobs=1, cache_dir=str(cache_dir) if cache_dir else None))


@pytest.mark.parametrize("fixture", sorted(p.parent.name for p in FIXTURES.glob("*/repo")))
def test_cache_on_and_off_agree_on_every_fixture(fixture, tmp_path, count_scans):
    root = FIXTURES / fixture / "repo"
    fresh = _scan(root)
    scanned_fresh = len(count_scans)
    assert _scan(root, tmp_path) == fresh  # cold: scans and writes
    assert len(count_scans) == 2 * scanned_fresh
    assert _scan(root, tmp_path) == fresh  # warm: answered from the cache
    assert len(count_scans) == 2 * scanned_fresh


def _generate(root: Path, files: int) -> None:
    spec = importlib.util.spec_from_file_location("scan_vs_bandit", REPO / "bench" / "scan_vs_bandit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate_tree(root, files)


def test_cache_on_and_off_agree_on_a_generated_tree_in_a_pool(tmp_path):
    root = tmp_path / "tree"
    _generate(root, 300)
    fresh = _snapshot(engine.discover(str(root), jobs=1))
    assert fresh[0]
    for _ in range(2):
        assert _snapshot(engine.discover(str(root), jobs=2, cache_dir=str(tmp_path / "cache"))) == fresh


def test_a_changed_file_is_scanned_again_and_only_it(tmp_path, count_scans):
    (tmp_path / "a.py").write_text('from transformers import AutoModel\nAutoModel.from_pretrained("org/a")\n')
    (tmp_path / "b.py").write_text('from transformers import AutoModel\nAutoModel.from_pretrained("org/b")\n')
    _scan(tmp_path, tmp_path / ".." / "cache-changed")
    count_scans.clear()
    (tmp_path / "b.py").write_text('from transformers import AutoModel\nAutoModel.from_pretrained("org/c")\n')
    warm = _scan(tmp_path, tmp_path / ".." / "cache-changed")
    assert count_scans == ["b.py"]
    assert warm == _scan(tmp_path)
    assert [r["id"] for r in warm[0]] == ["org/a", "org/c"]


def test_a_local_path_appearing_invalidates_the_files_that_asked_about_it(tmp_path):
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    repo.mkdir()
    (repo / "train.py").write_text('from transformers import AutoModel\nAutoModel.from_pretrained("org/model")\n')
    before = _scan(repo, cache)
    assert [r["id"] for r in before[0]] == ["org/model"]
    (repo / "org" / "model").mkdir(parents=True)  # now a local directory, not a Hub id
    after = _scan(repo, cache)
    assert after == _scan(repo)
    assert after[0] == []


def test_a_changed_dot_env_invalidates_the_compose_file(tmp_path):
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    shutil.copytree(FIXTURES / "shell-compose-env-file" / "repo", repo)
    before = _scan(repo, cache)
    assert "org/from-dot-env" in [r["id"] for r in before[0]]
    env = repo / "deploy" / ".env"
    env.write_text(env.read_text().replace("org/from-dot-env", "org/changed-env"))
    after = _scan(repo, cache)
    assert after == _scan(repo)
    ids = [r["id"] for r in after[0]]
    assert "org/changed-env" in ids and "org/from-dot-env" not in ids
    env.unlink()  # gone: the compose file no longer knows the value
    assert _scan(repo, cache) == _scan(repo)


@pytest.mark.parametrize(("form", "module", "old", "new", "readers"), [
    ("imported-constants", "pkg/constants.py", "acme/default-model", "acme/changed-model", ["pkg/train.py"]),
    ("imported-config-classes", "models/config.py", "acme/base-model", "acme/changed-base-model",
     ["app/finetune.py", "train.py"]),
])
def test_a_changed_module_invalidates_the_files_reading_its_values(tmp_path, count_scans, form, module, old, new,
                                                                   readers):
    """A constant, or a config class's field default, read from another module of the repository."""
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    shutil.copytree(FIXTURES / "python" / form / "repo", repo)
    _scan(repo, cache)
    changed = repo / module
    changed.write_text(changed.read_text().replace(old, new))
    count_scans.clear()
    after = _scan(repo, cache)
    assert sorted(count_scans) == sorted([module, *readers])  # its readers are scanned again, no other file
    assert after == _scan(repo)
    assert (readers[-1], new) in [(r["path"], r["id"]) for r in after[0]]


def test_a_changed_run_target_invalidates_the_notebook(tmp_path, count_scans):
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    shutil.copytree(FIXTURES / "notebook-magics" / "repo", repo)
    _scan(repo, cache)
    helper = repo / "tools" / "helper.txt"  # read only through the notebook's `%run` (not a .py file)
    helper.write_text(helper.read_text().replace("evil-org/run-txt", "evil-org/run-changed"))
    count_scans.clear()
    after = _scan(repo, cache)
    assert sorted(count_scans) == ["run.ipynb", "tools/helper.txt"]
    assert after == _scan(repo)
    assert ("tools/helper.txt", "evil-org/run-changed") in [(r["path"], r["id"]) for r in after[0]]
    (repo / "tools" / "missing.py").write_text("import os\n")  # a `%run` target that did not exist appears
    count_scans.clear()
    assert _scan(repo, cache) == _scan(repo)
    assert "run.ipynb" in count_scans[:2]


def test_a_changed_scanner_invalidates_everything(tmp_path, monkeypatch, count_scans):
    (tmp_path / "a.py").write_text('from transformers import AutoModel\nAutoModel.from_pretrained("org/a")\n')
    cache = tmp_path / ".." / "cache-scanner"
    _scan(tmp_path, cache)
    monkeypatch.setattr(scan_cache, "_CODE_KEY", "another scanner")
    count_scans.clear()
    _scan(tmp_path, cache)
    assert count_scans == ["a.py"]


def _cache_file(cache: Path) -> Path:
    [stored] = (cache / scan_cache.FORMAT).glob("*[0-9a-f].json")
    return stored


_STORED_A = ["model", "huggingface", "org/a", None, False, True, "a.py", 2, 1, "transformers.from_pretrained", False,
             None, False, None, "python", "revision"]
"""What the cache stores for a.py's one reference."""


@pytest.mark.parametrize("corruption", [
    b"{not json", b"[]", b'{"key": 1, "root": 2}',
    # well-formed files whose entry is not what a scan writes: rejected, not trusted
    lambda entry: entry[2].__setitem__(0, [*_STORED_A[:7], "2", *_STORED_A[8:]]),  # a line that is a string
    lambda entry: entry[2].__setitem__(0, ["checkpoint", *_STORED_A[1:]]),  # a kind no scan reports
    lambda entry: entry[2].__setitem__(0, _STORED_A[:5]),  # required fields missing
    lambda entry: entry[2].__setitem__(0, [*_STORED_A, *[None] * 20]),  # more fields than a reference has
    lambda entry: entry[2].__setitem__(0, {"kind": "model", "injected": True}),
    lambda entry: entry.__setitem__(1, "yes"),  # scanned
    lambda entry: entry.__setitem__(3, [["a.py"]]),  # a warning without a message
    lambda entry: entry.__setitem__(4, ["org/a"]),  # path queries
    lambda entry: entry.__setitem__(5, {"/etc/x": 1}),  # files read
    lambda entry: entry.pop(),
], ids=["not-json", "a-list", "no-entries", "line-type", "kind-value", "too-short", "too-long", "a-dict",
        "scanned-type", "warning-shape", "paths-type", "reads-shape", "entry-length"])
def test_a_corrupt_cache_is_ignored_with_a_warning(tmp_path, corruption, count_scans):
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    repo.mkdir()
    (repo / "a.py").write_text('from transformers import AutoModel\nAutoModel.from_pretrained("org/a")\n')
    fresh = _scan(repo)
    _scan(repo, cache)
    stored = _cache_file(cache)
    if callable(corruption):
        data = json.loads(stored.read_text())
        assert data["entries"]["a.py"][2] == [_STORED_A]
        corruption(data["entries"]["a.py"])
        corruption = json.dumps(data).encode()
    stored.write_bytes(corruption)
    count_scans.clear()
    references, warnings, files = _scan(repo, cache)
    assert count_scans == ["a.py"]
    assert (references, files) == fresh[::2]
    assert [w["path"] for w in warnings] == ["(scan cache)"]
    assert "corrupt" in warnings[0]["message"] or corruption == b'{"key": 1, "root": 2}'
    assert _scan(repo, cache) == fresh  # rewritten, and trusted again


def test_cli_no_cache_neither_reads_nor_writes(tmp_path):
    from gate.cli import main

    repo, cache = tmp_path / "repo", tmp_path / "cache"
    repo.mkdir()
    (repo / "a.py").write_text('from transformers import AutoModel\nAutoModel.from_pretrained("org/a")\n')
    main(["scan", str(repo), "--format", "json", "--cache-dir", str(cache), "--no-cache", "--fail-on", "never"])
    assert not (cache / scan_cache.FORMAT).exists()
    main(["scan", str(repo), "--format", "json", "--cache-dir", str(cache), "--fail-on", "never"])
    assert list(json.loads(_cache_file(cache).read_text())["entries"]) == ["a.py"]


def test_a_dependency_changed_past_ten_megabytes_invalidates_the_entry(tmp_path):
    # The fingerprint of a file a finder read covers all of it, not a prefix: a change at its end counts.
    dependency = tmp_path / "big.env"
    dependency.write_bytes(b"#" * (scan_cache.MAX_CACHED_BYTES + 10) + b"\nA=1\n")
    before = scan_cache.file_fingerprint(str(dependency))
    dependency.write_bytes(b"#" * (scan_cache.MAX_CACHED_BYTES + 10) + b"\nA=2\n")
    assert scan_cache.file_fingerprint(str(dependency)) != before


# ------------------------------------------------------------------------------------------ the stat memo

_A_PY = 'from transformers import AutoModel\nAutoModel.from_pretrained("org/a")\n'


@pytest.fixture
def no_racy_margin(monkeypatch):
    """Files written by the test a moment ago count as old enough to be remembered by their stat."""
    monkeypatch.setattr(scan_cache, "RACY_NS", 0)


@pytest.fixture
def count_reads(monkeypatch):
    """The files whose content was read to be hashed since the fixture started."""
    read: list[str] = []
    names: dict[int, str] = {}
    real_open, real_read = scan_cache.os.open, scan_cache.os.read

    def opening(path, flags, *args, **kwargs):
        descriptor = real_open(path, flags, *args, **kwargs)
        names[descriptor] = Path(path).name
        return descriptor

    def reading(descriptor, size):
        read.append(names.get(descriptor, "?"))
        return real_read(descriptor, size)

    monkeypatch.setattr(scan_cache.os, "open", opening)
    monkeypatch.setattr(scan_cache.os, "read", reading)
    return read


def _memo(cache: Path) -> dict:
    [stored] = (cache / scan_cache.FORMAT).glob("*.stat.json")
    return json.loads(stored.read_text())["files"]


def test_an_untouched_file_is_not_read_again(tmp_path, no_racy_margin, count_reads, count_scans):
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    repo.mkdir()
    (repo / "a.py").write_text(_A_PY)
    fresh = _scan(repo)
    count_scans.clear()
    assert _scan(repo, cache) == fresh
    assert count_reads == ["a.py"] and count_scans == ["a.py"]
    status = (repo / "a.py").stat()
    assert _memo(cache) == {"a.py": [hashlib.sha256(_A_PY.encode()).hexdigest(), status.st_size,
                                     status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev]}
    assert _scan(repo, cache) == fresh
    assert count_reads == ["a.py"] and count_scans == ["a.py"]  # neither read nor scanned again


def test_a_change_of_the_same_size_with_the_mtime_put_back_is_seen(tmp_path, no_racy_margin, count_scans):
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    repo.mkdir()
    a = repo / "a.py"
    a.write_text(_A_PY)
    _scan(repo, cache)
    assert "a.py" in _memo(cache)
    before = a.stat()
    a.write_text(_A_PY.replace("org/a", "org/b"))  # same size
    os.utime(a, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same mtime: only the ctime tells
    assert (a.stat().st_size, a.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    count_scans.clear()
    warm = _scan(repo, cache)
    assert count_scans == ["a.py"]
    assert warm == _scan(repo)
    assert [r["id"] for r in warm[0]] == ["org/b"]


def test_a_file_changed_just_before_the_scan_is_not_remembered(tmp_path):
    # Racily clean: a second write within the same timestamp tick would leave size, mtime and ctime as they were.
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    repo.mkdir()
    (repo / "a.py").write_text(_A_PY)
    (repo / "old.py").write_text(_A_PY)
    os.utime(repo / "old.py", ns=(0, 0))  # an old mtime, but the ctime is now: still racily clean
    _scan(repo, cache)
    assert not list((cache / scan_cache.FORMAT).glob("*.stat.json"))


def test_a_file_dated_in_the_future_is_not_remembered(tmp_path, no_racy_margin):
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    repo.mkdir()
    (repo / "a.py").write_text(_A_PY)
    (repo / "b.py").write_text(_A_PY)
    future = time.time_ns() + 3600 * 10**9
    os.utime(repo / "b.py", ns=(future, future))
    _scan(repo, cache)
    assert list(_memo(cache)) == ["a.py"]


@pytest.mark.parametrize(("memo", "why"), [
    (b"{not json", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    (b"[]", "not a JSON object"),
    (b'{"root": 1}', "not a stat memo"),
    (None, None),  # well-formed, with entries of every wrong shape: each ignored, the file read
])
def test_a_corrupt_stat_memo_is_ignored(tmp_path, memo, why, no_racy_margin, count_reads):
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    repo.mkdir()
    (repo / "a.py").write_text(_A_PY)
    (repo / "b.py").write_text(_A_PY.replace("org/a", "org/b"))
    fresh = _scan(repo)
    _scan(repo, cache)
    [stored] = (cache / scan_cache.FORMAT).glob("*.stat.json")
    if memo is None:
        data = json.loads(stored.read_text())
        data["files"]["a.py"] = "a memo"
        data["files"]["b.py"] = [1, *data["files"]["b.py"][1:]]  # the stat is right, the hash is no string
        memo = json.dumps(data).encode()
    stored.write_bytes(memo)
    count_reads.clear()
    references, warnings, files = _scan(repo, cache)
    assert sorted(count_reads) == ["a.py", "b.py"]
    assert (references, files) == fresh[::2]
    assert [w["message"] for w in warnings] == ([] if why is None else [
        f"the scan cache's stat memo {stored} is corrupt ({why}); ignored, hashing every file"])
    count_reads.clear()
    assert _scan(repo, cache) == fresh  # rewritten, and trusted again
    assert count_reads == []


def test_threads_hash_exactly_what_one_thread_does(tmp_path):
    root = tmp_path / "tree"
    _generate(root, 200)
    files = sorted((str(p.relative_to(root)), str(p)) for p in root.rglob("*") if p.is_file())
    (root / "empty.py").write_bytes(b"")
    (root / "large.bin").write_bytes(b"\0" * (scan_cache.MAX_CACHED_BYTES + 1))
    files += [("empty.py", str(root / "empty.py")), ("large.bin", str(root / "large.bin")),
              ("gone.py", str(root / "gone.py"))]
    serial = scan_cache.ScanCache(str(tmp_path / "cache"), str(root)).content_hashes(files, threads=1)
    assert serial[-3:] == [hashlib.sha256(b"").hexdigest(), None, None]
    assert serial[:-3] == [hashlib.sha256(Path(absolute).read_bytes()).hexdigest() for _, absolute in files[:-3]]
    assert scan_cache.ScanCache(str(tmp_path / "cache"), str(root)).content_hashes(files, threads=3) == serial


# ------------------------------------------------------------------------------------ stored references


def test_a_stored_reference_reads_back_as_the_same_reference():
    from gate.discover.interface import Reference

    full = Reference("artifact", "local", None, "v1", True, False, "m/w.bin", 3, 4, "file", dynamic=True,
                     expression="f(x)", trust_remote_code=None, format="pickle", syntax="file", revision_key="@",
                     sha256="ab" * 32, confidence="medium", role="publish", registry="databricks",
                     call_obstacle="kwargs")
    least = Reference("model", "huggingface", "org/a", None, False, True, "a.py", 2, 1, "x")
    for reference in (full, least):
        values = json.loads(json.dumps(scan_cache._reference_values(reference)))
        built = scan_cache._reference(values)
        assert vars(built) == vars(reference)
        assert built == reference and hash(built) == hash(reference)
    assert scan_cache._reference_values(least) == ["model", "huggingface", "org/a", None, False, True, "a.py", 2, 1,
                                                   "x"]


def test_the_scanner_key_covers_the_catalog(monkeypatch):
    scan_cache.scanner_key()
    before = scan_cache._CODE_KEY
    real = Path.read_bytes

    def changed(path):
        data = real(path)
        return data + b"\n# another row\n" if path.name == "python_apis.py" and "catalog" in path.parts else data

    monkeypatch.setattr(scan_cache, "_CODE_KEY", None)
    monkeypatch.setattr(Path, "read_bytes", changed)
    assert scan_cache.scanner_key() != before

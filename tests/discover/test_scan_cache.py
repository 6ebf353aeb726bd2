"""The per-file scan cache (issue 15): a repeat scan reuses results, and never reports anything a fresh scan
would not. Differential: cache on (cold and warm) and off give identical discoveries; every dependency a
finder has on another file or path invalidates the entry when it changes."""

from __future__ import annotations

import importlib.util
import json
import shutil
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


def test_a_changed_constants_module_invalidates_the_files_importing_from_it(tmp_path, count_scans):
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    shutil.copytree(FIXTURES / "python" / "imported-constants" / "repo", repo)
    _scan(repo, cache)
    constants = repo / "pkg" / "constants.py"
    constants.write_text(constants.read_text().replace("acme/default-model", "acme/changed-model"))
    count_scans.clear()
    after = _scan(repo, cache)
    assert sorted(count_scans) == ["pkg/constants.py", "pkg/train.py"]  # the importer is read again, no other
    assert after == _scan(repo)
    assert ("pkg/train.py", "acme/changed-model") in [(r["path"], r["id"]) for r in after[0]]


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
    [stored] = (cache / scan_cache.FORMAT).glob("*.json")
    return stored


@pytest.mark.parametrize("corruption", [
    b"{not json", b"[]", b'{"key": 1, "root": 2}',
    None,  # a well-formed file whose entry claims another reference type: rejected, not trusted
])
def test_a_corrupt_cache_is_ignored_with_a_warning(tmp_path, corruption, count_scans):
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    repo.mkdir()
    (repo / "a.py").write_text('from transformers import AutoModel\nAutoModel.from_pretrained("org/a")\n')
    fresh = _scan(repo)
    _scan(repo, cache)
    stored = _cache_file(cache)
    if corruption is None:
        data = json.loads(stored.read_text())
        data["entries"]["a.py"]["references"] = [{"kind": "model", "injected": True}]
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

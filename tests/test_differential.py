"""Issue 15 "Done means": every shortcut gives the report the plain scan gives. `model-gate scan --format json`
(references, findings, warnings, summary) is compared whole between

- the per-file cache off, on and cold, on and warm (`--no-cache` / `--cache-dir`);
- one worker and two (`--jobs 1` / `--jobs 2`, every file handed to the pool);
- the prefilters on and off: the Python prefilter (`relevant_lines`: every file parsed and every line walked), its
  sieves, the config prefilter (`worth_reading`) and the embedded-config markers' sieve.

on three trees: every fixture (tests/fixtures as one repository), the fuzz corpora (every target's seed files,
its saved crashers, and the corpus a fuzzing run grew on this machine when there is one), and a generated
5,000-file tree (bench/scan_memory.py's mix; marked slow, .ci/run runs it as its own step).

With the prefilters off a file they would skip is read, so a broken file without any reference gets its parse
warning ("could not be parsed"); that is the one difference allowed: no reference, finding or other warning.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from fuzz.targets import TARGETS, seed_files
from gate.cli import main
from gate.discover import config_finder, engine, python_finder, sieve

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")
REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
CRASHERS = FIXTURES / "crashers"
GROWN_CORPORA = Path(tempfile.gettempdir()) / "model-gate-fuzz"
"""Where `python -m fuzz.run` grows its corpora (not part of the repository)."""
GROWN_PER_TARGET = 300

# The file a fuzz target reads its input as (fuzz/targets.py): a name, or a function of the first byte.
_NAMES = {
    "python": "fuzz.py", "embedded_config": "fuzz.py", "notebook": "fuzz.ipynb", "yaml": "fuzz.yaml",
    "json": "fuzz.json", "toml": "fuzz.toml", "url": "fuzz.txt", "artifact": "fuzz.bin", "model_file": "fuzz.bin",
    "policy": "policy.yaml",
}
_BY_FIRST_BYTE = {
    "shell": ("run.sh", "Dockerfile", "Makefile", ".github/workflows/ci.yml", "docker-compose.yml", "action.yml"),
    "sniffed_config": ("config", "train_yaml", "args.json.j2"),
}


def _scan(root: Path, output: Path, *options: str) -> dict:
    code = main(["scan", str(root), "--format", "json", "--output", str(output), "--fail-on", "never",
                 "--verify", "none", *options])
    assert code == 0
    return json.loads(output.read_text(encoding="utf-8"))


@pytest.fixture
def every_file_to_the_pool(monkeypatch):
    """`--jobs 2` sends every file to the two workers, however small the tree (no serial start)."""
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(engine, "MIN_POOL_FILES", 1)
    monkeypatch.setattr(engine, "BATCH_SIZE", 8)


def _prefilters_off(patch) -> None:
    patch.setattr(python_finder, "relevant_lines", lambda text: None)
    patch.setattr(config_finder, "worth_reading", lambda text: True)
    patch.setattr(sieve.TokenSieve, "may_hold", lambda self, text: True)
    patch.setattr(sieve.SeamSieve, "may_join", lambda self, text: True)


def _assert_only_parse_warnings_added(plain: dict, unfiltered: dict) -> None:
    assert unfiltered["references"] == plain["references"]
    assert unfiltered["findings"] == plain["findings"]
    added = [w for w in unfiltered["warnings"] if w not in plain["warnings"]]
    assert [w for w in plain["warnings"] if w not in unfiltered["warnings"]] == []
    with_references = {r["path"] for r in plain["references"]}
    for warning in added:
        assert "could not be parsed" in warning["message"] or "could not parse" in warning["message"], warning
        assert warning["path"] not in with_references, warning


def _differential(root: Path, work: Path, monkeypatch) -> dict:
    """Every shortcut against the plain scan (one process, no cache, prefilters on); returns the plain report."""
    plain = _scan(root, work / "plain.json", "--jobs", "1", "--no-cache")
    assert _scan(root, work / "pool.json", "--jobs", "2", "--no-cache") == plain
    cache = work / "cache"
    assert _scan(root, work / "cold.json", "--jobs", "2", "--cache-dir", str(cache)) == plain
    assert _scan(root, work / "warm.json", "--jobs", "1", "--cache-dir", str(cache)) == plain
    assert _scan(root, work / "warm-pool.json", "--jobs", "2", "--cache-dir", str(cache)) == plain
    with monkeypatch.context() as patch:
        _prefilters_off(patch)
        unfiltered = _scan(root, work / "unfiltered.json", "--jobs", "1", "--no-cache")
    _assert_only_parse_warnings_added(plain, unfiltered)
    return plain


def test_every_shortcut_gives_the_same_report_on_the_fixtures(tmp_path, monkeypatch, every_file_to_the_pool):
    plain = _differential(FIXTURES, tmp_path, monkeypatch)
    assert plain["summary"]["files_scanned"] > 300
    assert len(plain["references"]) > 900 and plain["findings"] and plain["warnings"]


def _fuzz_inputs() -> list[tuple[str, bytes]]:
    inputs = []
    for name in (*_NAMES, *_BY_FIRST_BYTE):
        sources = [*seed_files(TARGETS[name]),
                   *sorted(p for p in (CRASHERS / name).glob("*") if p.is_file() and p.suffix not in (".txt", ".md"))]
        grown = GROWN_CORPORA / name
        if grown.is_dir():
            sources += sorted(p for p in grown.iterdir() if p.is_file())[:GROWN_PER_TARGET]
        inputs += [(name, path.read_bytes()) for path in sources]
    return inputs


def _write_corpus(root: Path, inputs: list[tuple[str, bytes]]) -> None:
    """Each input in a directory of its own, under the name its target reads it as."""
    for index, (target, data) in enumerate(inputs):
        if target in _BY_FIRST_BYTE:
            names = _BY_FIRST_BYTE[target]
            name, data = (names[data[0] % len(names)], data[1:]) if data else (names[0], data)
        else:
            name = _NAMES[target]
        path = root / target / f"{index:05}" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_every_shortcut_gives_the_same_report_on_the_fuzz_corpora(tmp_path, monkeypatch, every_file_to_the_pool):
    inputs = _fuzz_inputs()
    assert {target for target, _ in inputs} >= {*_NAMES, *_BY_FIRST_BYTE} - {"model_file"}  # it has no seeds
    assert sum(1 for path in CRASHERS.glob("*/*") if path.suffix not in (".txt", ".md")) >= 7
    root = tmp_path / "corpus"
    _write_corpus(root, inputs)
    work = tmp_path / "work"
    work.mkdir()
    plain = _differential(root, work, monkeypatch)
    assert len(plain["references"]) > 300 and plain["warnings"]


@pytest.mark.slow
def test_every_shortcut_gives_the_same_report_on_a_generated_5k_file_tree(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("scan_memory", REPO / "bench" / "scan_memory.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    root = tmp_path / "tree"
    counts = bench.generate_tree(root, 5_000, large=False)
    assert sum(counts.values()) == 5_000
    work = tmp_path / "work"
    work.mkdir()
    plain = _differential(root, work, monkeypatch)  # 5,000 files: the pool's own thresholds already send them
    assert plain["summary"]["files_scanned"] > 4_000 and len(plain["references"]) > 2_500

"""A scan frees what it built by reference counting (issue 15: garbage collection was 8 % of a scan's CPU time):
the cycle collector is paused while a file is scanned, and the scan breaks its own cycles (index, scopes,
bindings, classes) when it ends, so the collector never walks the syntax tree. Speed only: what is found is the
same (the fixtures' expected references and every differential test hold)."""

from __future__ import annotations

import gc

from gate.discover import python_finder
from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES as DISCOVER

FIXTURE = DISCOVER / "python" / "resolution" / "repo" / "resolve.py"


def _garbage_after(scan) -> int:
    gc.collect()
    gc.disable()
    try:
        result = scan()
        python_finder.release_parse()
        return result, gc.collect()
    finally:
        gc.enable()


def test_a_scan_leaves_no_cycles_for_the_collector():
    text = FIXTURE.read_text(encoding="utf-8")
    result, garbage = _garbage_after(lambda: python_finder.scan_python_text(text, "resolve.py", None))
    assert len(result.references) > 20  # resolved: scopes, bindings and facts were built
    assert garbage == 0


def test_without_breaking_them_the_tree_would_be_left_to_the_collector(monkeypatch):
    monkeypatch.setattr(python_finder._Scan, "release", lambda self: None)
    text = FIXTURE.read_text(encoding="utf-8")
    _, garbage = _garbage_after(lambda: python_finder.scan_python_text(text, "resolve.py", None))
    assert garbage > 100  # what the test above rules out


def test_the_engine_drops_the_shared_tree_before_the_collector_runs_again():
    assert discover(str(FIXTURE.parent), jobs=1).references
    assert python_finder._last_parsed is None
    assert gc.isenabled()

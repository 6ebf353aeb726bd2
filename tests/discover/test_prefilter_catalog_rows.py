"""The prefilter never decides that a file holds nothing it would have found: for every catalog row, a file that
imports the row's module and calls it with a run-time value (the shortest use, with no other trigger word and no
id-shaped string) gives the same references with the prefilter as without it (a dynamic load, not nothing)."""

from __future__ import annotations

import pytest

from gate.discover import catalog, python_finder


def _uses() -> list[str]:
    texts: list[str] = []
    for spec in catalog.SPECS:
        for call in spec.calls:
            if "*" in call or "()" in call or "." not in call:
                continue  # wildcard and method rows need a receiver: covered by the fuzz and generator differentials
            module, name = call.rsplit(".", 1)
            texts.append(f"import sys\nimport {module}\n{call}(sys.argv[1])\n")
            texts.append(f"import sys\nfrom {module} import {name}\n{name}(sys.argv[1])\n")
    return list(dict.fromkeys(texts))


USES = _uses()


def test_the_probe_covers_the_catalog():
    assert len(USES) > 300


@pytest.mark.parametrize("text", USES)
def test_a_catalog_call_with_a_run_time_value_is_read_with_the_prefilter_as_without(text, monkeypatch):
    with_prefilter = python_finder.scan_python_text(text, "use.py", frozenset({"use.py"})).references
    monkeypatch.setattr(python_finder, "relevant_lines", lambda _text: None)  # every line: no prefilter
    without_prefilter = python_finder.scan_python_text(text, "use.py", frozenset({"use.py"})).references
    assert with_prefilter == without_prefilter

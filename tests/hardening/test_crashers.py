"""Issue 8 section 3: every input the fuzzers ever crashed on (tests/fixtures/crashers/<target>/) is replayed.

`python -m fuzz.run TARGET` saves each new crasher there (`crash-*.bin`, with its traceback in `crash-*.txt`;
libFuzzer's `timeout-*` / `oom-*` for hangs and memory blow-ups). Once fixed, the input must be handled: the
target returns, or raises one of its expected exceptions (a clean refusal such as PolicyError), within seconds.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fuzz.targets import TARGETS

CRASHERS = Path(__file__).resolve().parents[1] / "fixtures" / "crashers"
SAVED = sorted(p for p in CRASHERS.glob("*/*") if p.is_file() and p.suffix != ".txt" and p.name != "README.md")


def test_every_saved_crasher_belongs_to_a_target():
    assert SAVED, "the crasher corpus is empty: the regression test would prove nothing"
    assert {p.parent.name for p in SAVED} <= set(TARGETS)


@pytest.mark.parametrize("crasher", SAVED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_saved_crasher_is_handled(crasher):
    target = TARGETS[crasher.parent.name]
    started = time.monotonic()
    try:
        target.run(crasher.read_bytes())
    except target.expected:
        pass
    assert time.monotonic() - started < 10

"""Issue 8 section 3: every input the fuzzers ever crashed on (tests/fixtures/crashers/<target>/) is replayed.

`python -m fuzz.run TARGET` saves each new crasher there: `crash-*.bin` for a Python exception (its traceback in
`crash-*.txt`), and libFuzzer's own `crash-<sha1>` / `timeout-*` / `oom-*` for a fatal signal, a hang or a memory
blow-up. Once fixed, the input must be handled: the target returns, or raises one of its expected exceptions (a
clean refusal such as PolicyError), within seconds. Each input is replayed in a fresh interpreter, so an input
that still kills the process fails its test instead of the whole run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fuzz.targets import TARGETS

ROOT = Path(__file__).resolve().parents[2]
CRASHERS = ROOT / "tests" / "fixtures" / "crashers"
SAVED = sorted(p for p in CRASHERS.glob("*/*") if p.is_file() and p.suffix not in (".txt", ".md"))

REPLAY = """
import sys
from fuzz.targets import TARGETS
target = TARGETS[sys.argv[1]]
try:
    target.run(open(sys.argv[2], "rb").read())
except target.expected:
    pass
print("handled")
"""


def test_every_saved_crasher_belongs_to_a_target():
    assert SAVED, "the crasher corpus is empty: the regression test would prove nothing"
    assert {p.parent.name for p in SAVED} <= set(TARGETS)


@pytest.mark.parametrize("crasher", SAVED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_saved_crasher_is_handled(crasher):
    done = subprocess.run([sys.executable, "-c", REPLAY, crasher.parent.name, str(crasher)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip().endswith("handled"), done.stderr[-3000:]

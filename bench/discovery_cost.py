#!/usr/bin/env python3
"""CPU cost of a full scan against a baseline build of model-gate (issue 11 §6: at most 1.3x the code before it).

    python bench/discovery_cost.py /tmp/realtree-1m --baseline /tmp/base_d1606d9/.venv/bin/model-gate
    python bench/discovery_cost.py TREE --baseline OLD/model-gate --runs 9 --current NEW/model-gate

Each run is one child process `model-gate scan TREE --jobs 1 --no-cache --format json -o /dev/null`; its CPU time
(user + system, from `wait4`) is what counts: on a shared machine wall time swings with the other jobs' load while
CPU time stays put. Runs of the two builds alternate (ABAB..., the order flipping every round) so a slow stretch of
the machine hits both, and the minimum is the figure compared (the median is printed too). One untimed run of each
first writes the byte code (even where PYTHONDONTWRITEBYTECODE is set) and puts the tree in the page cache. The children run in a neutral working directory so
that `-m gate` can never pick up a checkout's package instead of the installed one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_RATIO = 1.3


def scan_command(program: list[str], tree: str, cwd: str) -> list[str]:
    """The full-scan command; `--no-cache` only for a build that has a cache (older builds have no such flag)."""
    usage = subprocess.run([*program, "scan", "--help"], cwd=cwd, capture_output=True, text=True).stdout
    no_cache = ["--no-cache"] if "--no-cache" in usage else []
    return [*program, "scan", tree, "--jobs", "1", *no_cache, "--format", "json", "-o", os.devnull,
            "--fail-on", "never"]


def cpu_seconds(command: list[str], cwd: str, env: dict[str, str] | None = None) -> float:
    """User + system seconds of one child process running `command` (its own, not this process's)."""
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{stderr}")
    return usage.ru_utime + usage.ru_stime


def program_of(given: str | None) -> list[str]:
    """The command that starts a model-gate build: its console script, or this interpreter's `-m gate`."""
    if given:
        return given.split()
    script = Path(sys.executable).parent / "model-gate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gate"]


def describe(values: list[float]) -> str:
    return (f"min {min(values):6.2f} s  median {statistics.median(values):6.2f} s  "
            f"(runs: {' '.join(f'{v:.2f}' for v in values)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", help="the tree to scan")
    parser.add_argument("--baseline", required=True, help="command of the baseline build (e.g. OLD/.venv/bin/model-gate)")
    parser.add_argument("--current", help="command of the build measured (default: this venv's model-gate)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each build (default 5)")
    args = parser.parse_args()

    tree = str(Path(args.tree).resolve())
    neutral = tempfile.mkdtemp(prefix="discovery-cost-")
    builds = {"current": program_of(args.current), "baseline": program_of(args.baseline)}
    commands = {name: scan_command(program, tree, neutral) for name, program in builds.items()}
    times: dict[str, list[float]] = {name: [] for name in builds}
    try:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"tree: {tree}; {os.cpu_count()} CPUs, load average {load:.2f}")
        # Byte code written (as an install does: with PYTHONDONTWRITEBYTECODE set every run would compile each
        # module again, and the larger build would pay more for it), and the tree in the page cache.
        writing = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
        for command in commands.values():
            cpu_seconds(command, neutral, writing)
        for round_ in range(max(args.runs, 1)):
            order = list(builds) if round_ % 2 == 0 else list(reversed(builds))
            for name in order:
                times[name].append(cpu_seconds(commands[name], neutral))
    finally:
        shutil.rmtree(neutral, ignore_errors=True)

    for name, command in commands.items():
        print(f"{name:9}: {describe(times[name])}\n           {' '.join(command)}")
    ratio = min(times["current"]) / min(times["baseline"])
    median_ratio = statistics.median(times["current"]) / statistics.median(times["baseline"])
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"ratio    : {ratio:.2f}x the baseline's CPU time (minima; medians {median_ratio:.2f}x) - {verdict} "
          f"the {TARGET_RATIO}x budget")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())

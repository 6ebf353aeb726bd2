#!/usr/bin/env python3
"""Repeat scan of an unchanged tree (issue 15): the per-file scan cache against a first scan.

    python bench/repeat_scan.py                # a generated 2,500-file tree (bench/scan_vs_bandit.py's generator)
    python bench/repeat_scan.py --files 5000
    python bench/repeat_scan.py ~/src/checkout # a real tree

Prints the time of discovery with an empty cache (first scan: every file scanned, the cache written) and of two
repeats, with their ratios to it (target: >= 50x):
- a local repeat of an untouched tree: the stat memo answers for every file (nothing read or hashed), every
  entry's dependencies are re-checked, nothing is parsed;
- a repeat as CI sees it: the checkout wrote every file afresh (new inode, mtime and ctime) and `actions/cache`
  restored the cache, whose stat memo then answers for no file; every file is read and hashed. Simulated
  without touching the tree: every stat the memo holds is made stale before the run. The honest figure, and the
  one the exit code judges.
Then the same for the whole `model-gate scan` command, whose interpreter start-up and imports (the same on both
runs) bound its ratio. Every discovery is compared with the first: they must be identical.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_RATIO = 50.0


def _cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its finished children (the first scan's pool workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _discover(root: str, cache_dir: str):
    from gate.discover.engine import discover

    started, cpu = time.perf_counter(), _cpu_seconds()
    found = discover(root, cache_dir=cache_dir)
    return time.perf_counter() - started, found, _cpu_seconds() - cpu


def _stale_memo(cache_dir: Path) -> None:
    """Every stat in the stat memo changed, as after a fresh checkout: the memo is loaded but answers nothing."""
    from gate.discover.scan_cache import FORMAT

    for memo_file in (cache_dir / FORMAT).glob("*.stat.json"):
        memo = json.loads(memo_file.read_text())
        for remembered in memo["files"].values():
            remembered[3] = 0  # the ctime: a checkout's is new
        memo_file.write_text(json.dumps(memo))


def _command(root: str, cache_dir: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gate", "scan", root, "--format", "json", "--fail-on", "never",
                    "--cache-dir", cache_dir], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", nargs="?", help="a tree to scan (default: generate one)")
    parser.add_argument("--files", type=int, default=2500, help="files in the generated tree (default: 2500)")
    parser.add_argument("--repeat", type=int, default=5, help="repeat scans to time (median; default: 5)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="model-gate-repeat-") as work:
        root = args.tree
        if root is None:
            from scan_vs_bandit import generate_tree

            root = str(Path(work) / "tree")
            lines = generate_tree(Path(root), args.files)
            print(f"generated {args.files} files, {lines:,} lines")
        from gate.discover.engine import _load_finders

        _load_finders()  # both runs in one process: neither pays for the imports
        first, cold, first_cpu = _discover(root, str(Path(work) / "cache"))
        _discover(root, str(Path(work) / "cache"))  # the first scan's files were racily clean: now remembered
        local = [_discover(root, str(Path(work) / "cache")) for _ in range(args.repeat)]
        checkout = []
        for _ in range(args.repeat):
            _stale_memo(Path(work) / "cache")
            checkout.append(_discover(root, str(Path(work) / "cache")))
        same = all(found == cold for _, found, _ in local + checkout)
        local_repeat, local_cpu = (statistics.median(run[i] for run in local) for i in (0, 2))
        repeat, repeat_cpu = (statistics.median(run[i] for run in checkout) for i in (0, 2))
        ratio = first / repeat
        print(f"discovery: first {first:.2f} s; repeat of the untouched tree (stat memo) {local_repeat * 1000:.0f} ms: "
              f"{first / local_repeat:.0f}x; repeat as in CI (a fresh checkout: every file read and "
              f"hashed) {repeat * 1000:.0f} ms: {ratio:.0f}x (medians of {args.repeat}; target >= "
              f"{TARGET_RATIO:.0f}x); identical references and warnings: {same}")
        print(f"CPU time (all threads and worker processes; what a busy machine does not distort): first "
              f"{first_cpu:.2f} s; untouched repeat {local_cpu * 1000:.0f} ms: {first_cpu / local_cpu:.0f}x; "
              f"CI repeat {repeat_cpu * 1000:.0f} ms: {first_cpu / repeat_cpu:.0f}x")

        command_cache = str(Path(work) / "command-cache")
        command_first = _command(root, command_cache)
        command_repeat = statistics.median(_command(root, command_cache) for _ in range(3))
        print(f"model-gate scan (whole command): first {command_first:.2f} s, repeat {command_repeat:.2f} s: "
              f"{command_first / command_repeat:.1f}x")
    return 0 if same and ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())

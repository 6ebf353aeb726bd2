#!/usr/bin/env python3
"""Repeat scan of an unchanged tree (issue 15): the per-file scan cache against a first scan.

    python bench/repeat_scan.py                # a generated 2,500-file tree (bench/scan_vs_bandit.py's generator)
    python bench/repeat_scan.py --files 5000
    python bench/repeat_scan.py ~/src/checkout # a real tree

Prints the time of discovery with an empty cache (first scan: every file scanned, the cache written), of the
repeat (every file read and hashed, every entry's dependencies re-checked, nothing parsed), their ratio
(target: >= 50x), and the same for the whole `model-gate scan` command, whose interpreter start-up and imports
(the same on both runs) bound its ratio. Both discoveries are compared: they must be identical.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_RATIO = 50.0


def _discover(root: str, cache_dir: str):
    from gate.discover.engine import discover

    started = time.perf_counter()
    found = discover(root, cache_dir=cache_dir)
    return time.perf_counter() - started, found


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
        first, cold = _discover(root, str(Path(work) / "cache"))
        repeats = [_discover(root, str(Path(work) / "cache")) for _ in range(args.repeat)]
        repeat = statistics.median(t for t, _ in repeats)
        same = all(found == cold for _, found in repeats)
        ratio = first / repeat
        print(f"discovery: first {first:.2f} s, repeat {repeat * 1000:.0f} ms (median of {args.repeat}): "
              f"{ratio:.0f}x (target >= {TARGET_RATIO:.0f}x); identical references and warnings: {same}")

        command_cache = str(Path(work) / "command-cache")
        command_first = _command(root, command_cache)
        command_repeat = statistics.median(_command(root, command_cache) for _ in range(3))
        print(f"model-gate scan (whole command): first {command_first:.2f} s, repeat {command_repeat:.2f} s: "
              f"{command_first / command_repeat:.1f}x")
    return 0 if same and ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Pull-request mode at scale (issue 15): 10 changed files in a 20,000-file repository in under a second, and
independent of the repository's size.

    python bench/pr_mode.py                    # 2,000 and 20,000 files, 10 changed
    python bench/pr_mode.py --files 50000 --changed 10

Builds a git repository of small Python modules (one in eight loads from the Hub), a pull request that changes
`--changed` of them, and times `python -m gate.action` as the runner starts it (INPUT_* and GITHUB_* only; see
tests/action/gitrepo.py), median of `--repeat` runs, for a tenth of the size and the full size. Target: the large
run under 1 s, and about the same time as the small one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.0
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV, "HOME": str(cwd)},
                          capture_output=True, text=True, check=True).stdout.strip()


def module(index: int, extra: str = "") -> str:
    body = [f'"""Module {index}."""', "import math", "", f"def f{index}(x):", "    return math.sqrt(x) + 1", ""]
    if index % 8 == 0:
        body[1:1] = ["from transformers import AutoModel"]
        body.append(f'model = AutoModel.from_pretrained("acme/model-{index % 97}", revision="main")')
    return "\n".join(body) + "\n" + extra


def make_repo(root: Path, files: int, changed: int) -> tuple[str, str]:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    for index in range(files):
        path = root / "src" / f"pkg{index % 200}" / f"mod_{index}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(module(index))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    base = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "-b", "feature")
    step = max(files // changed, 1)
    for index in range(0, step * changed, step):
        path = root / "src" / f"pkg{index % 200}" / f"mod_{index}.py"
        path.write_text(module(index, f'new = AutoModel.from_pretrained("acme/added-{index}")\n'))
    git(root, "commit", "-q", "-am", "feature")
    return base, git(root, "rev-parse", "HEAD")


def run_action(workspace: Path, base: str, head: str) -> tuple[float, subprocess.CompletedProcess]:
    runner = workspace.parent / "runner"
    runner.mkdir(exist_ok=True)
    (runner / "home").mkdir(exist_ok=True)
    event = runner / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "user": {"login": "alice"},
                                                  "base": {"sha": base, "ref": "main"},
                                                  "head": {"sha": head, "ref": "feature"}}}))
    for name in ("summary.md", "output.txt"):
        (runner / name).write_text("")
    env = {"PATH": os.environ["PATH"], "HOME": str(runner / "home"), "GIT_CONFIG_NOSYSTEM": "1",
           "PYTHONPATH": str(PROJECT_ROOT), "GITHUB_WORKSPACE": str(workspace), "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(event), "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
           "GITHUB_OUTPUT": str(runner / "output.txt"), "GITHUB_SERVER_URL": "https://github.example",
           "GITHUB_REPOSITORY": "acme/app", "GITHUB_ACTIONS": "true"}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "gate.action"], cwd=workspace, env=env, capture_output=True,
                          text=True)
    return time.perf_counter() - started, proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    times = {}
    with tempfile.TemporaryDirectory(prefix="model-gate-pr-") as work:
        for files in (args.files // 10, args.files):
            workspace = Path(work) / f"repo{files}" / "ws"
            started = time.perf_counter()
            base, head = make_repo(workspace, files, args.changed)
            print(f"{files:,} files: repository built in {time.perf_counter() - started:.1f} s")
            runs = [run_action(workspace, base, head) for _ in range(args.repeat)]
            proc = runs[-1][1]
            errors = sum(line.startswith("::error ") for line in proc.stdout.splitlines())
            times[files] = statistics.median(t for t, _ in runs)
            print(f"{files:,} files, {args.changed} changed: python -m gate.action {times[files]:.2f} s "
                  f"(median of {args.repeat}; exit {proc.returncode}, {errors} error annotations)")
    small, large = times[args.files // 10], times[args.files]
    print(f"10x the repository: {large / small:.2f}x the time; {args.files:,} files in {large:.2f} s "
          f"(target < {TARGET_SECONDS:.0f} s)")
    return 0 if large < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())

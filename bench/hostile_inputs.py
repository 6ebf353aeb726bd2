"""Time and peak memory of model-gate on hostile repositories (issue 8 section 4); docs/security.md quotes it.

    python bench/hostile_inputs.py                    # every single-file case, then a million tiny files
    python bench/hostile_inputs.py --files 200000     # a smaller tree
    python bench/hostile_inputs.py --only yaml-deep-flow --only py-1m-lines
    python bench/hostile_inputs.py --list

Each case is generated in a temporary directory and scanned in a fresh child process (discovery with one job, or
the static pickle scan), so a crash is reported as such instead of ending the benchmark. Printed per case:
seconds, the child's peak RSS, and what the scan ended with (references, the first warning, or the exit signal).
Runs offline; nothing scanned is ever executed or unpickled.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CALL = b"from transformers import AutoModel\nAutoModel.from_pretrained('org/m')\n"
MIB = 1 << 20
DEPTH = 100_000

PEAK_KIB = r"""
import resource


def _peak_kib():
    # VmHWM: this process's own peak. ru_maxrss would keep the parent's high-water mark across exec.
    try:
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
"""Prepended to every child script: `_peak_kib()`, the child's own peak memory."""

DISCOVER_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from gate.discover.engine import discover
started = time.monotonic()
discovery = discover(sys.argv[1], jobs=int(sys.argv[3]))
print(json.dumps({"seconds": time.monotonic() - started,
                  "rss_mib": _peak_kib() // 1024,
                  "files": discovery.files_scanned, "references": len(discovery.references),
                  "warning": discovery.warnings[0].message if discovery.warnings else None}))
"""

PICKLE_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from gate.verify.pickles import scan_file
started = time.monotonic()
scans = scan_file(sys.argv[1])
print(json.dumps({"seconds": time.monotonic() - started,
                  "rss_mib": _peak_kib() // 1024,
                  "verdict": [s.severity for s in scans], "warning": (scans[0].messages or [None])[0] if scans else None}))
"""


def _write(path: Path, *parts: bytes, repeat: tuple[bytes, int] | None = None, tail: bytes = b"") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        for part in parts:
            handle.write(part)
        if repeat is not None:
            chunk, count = repeat
            block = chunk * max(1, MIB // len(chunk))
            full, rest = divmod(count, max(1, MIB // len(chunk)))
            for _ in range(full):
                handle.write(block)
            handle.write(chunk * rest)
        handle.write(tail)


def _zip_bomb(path: Path, megabytes: int) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("archive/data.pkl", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(b"\x00" * MIB)


_NOTEBOOK_CELL = (b'{"cell_type": "code", "source": ["from transformers import AutoModel\\n", '
                  b'"AutoModel.from_pretrained(\'org/m\')"], "outputs": []}')
_NOTEBOOK_HEAD = (b'{"cells": [{"cell_type": "code", "source": ["from transformers import AutoModel\\n", '
                  b'"AutoModel.from_pretrained(\'org/m\')"], ')

CASES = {
    # name: (how to build the repository, which child scans it)
    "text-100mb": (lambda d: _write(d / "big.txt", b"https://huggingface.co/org/m/resolve/main/x\n",
                                    repeat=(b"a", 100 * MIB)), "discover"),
    "py-100mb": (lambda d: _write(d / "big.py", CALL, repeat=(b"#", 100 * MIB)), "discover"),
    "py-1m-lines": (lambda d: _write(d / "big.py", CALL, repeat=(b"x = 1\n", 1_000_000)), "discover"),
    "py-9mb-line": (lambda d: _write(d / "big.py", CALL, b"x = '", repeat=(b"a", 9_000_000), tail=b"'\n"), "discover"),
    "sh-1m-lines": (lambda d: _write(d / "run.sh", b"hf download org/m\n", repeat=(b"echo hi\n", 1_000_000)),
                    "discover"),
    "yaml-1m-lines": (lambda d: _write(d / "c.yaml", b"model_name_or_path: org/m\n", repeat=(b"k: v\n", 1_000_000)),
                      "discover"),
    "py-deep-parens": (lambda d: _write(d / "deep.py", CALL, b"y = ", repeat=(b"(", DEPTH), tail=b"1" + b")" * DEPTH),
                       "discover"),
    "json-deep": (lambda d: _write(d / "c.json", b'{"model": "org/m", "x": ', repeat=(b"[", DEPTH),
                                   tail=b"]" * DEPTH + b"}"), "discover"),
    "yaml-deep-flow": (lambda d: _write(d / "c.yaml", b"model: org/m\nx: ", repeat=(b"[", DEPTH),
                                        tail=b"]" * DEPTH + b"\n"), "discover"),
    "yaml-deep-block": (lambda d: _write(d / "c.yaml", repeat=(b"- ", DEPTH), tail=b"model: org/m\n"), "discover"),
    "notebook-deep": (lambda d: _write(d / "n.ipynb", b'{"cells": [], "x": ', repeat=(b"[", DEPTH),
                                       tail=b"]" * DEPTH + b"}"), "discover"),
    "notebook-48mb-outputs": (lambda d: _write(d / "n.ipynb", _NOTEBOOK_HEAD, b'"outputs": [{"data": [',
                                               repeat=(b'"a",', 12_000_000), tail=b'"a"]}]}]}'), "discover"),
    "notebook-48mb-markdown": (lambda d: _write(d / "n.ipynb", b'{"cells": [{"cell_type": "markdown", "source": [',
                                                repeat=(b'"a",', 12_000_000), tail=b'"a"]}, ' + _NOTEBOOK_CELL + b"]}"),
                               "discover"),
    "zip-bomb-artifact": (lambda d: _zip_bomb(d / "model.pt", 1024), "discover"),
    "zip-bomb-pickle-scan": (lambda d: _zip_bomb(d / "model.pt", 1024), "pickle"),
    "pickle-memo-2m": (lambda d: _write(d / "memo.pkl", b"\x80\x04", repeat=(b"]\x94", 2_000_000), tail=b"."),
                       "pickle"),
    "pickle-memo-10m": (lambda d: _write(d / "memo.pkl", b"\x80\x04", repeat=(b"]\x94", 10_000_000), tail=b"."),
                        "pickle"),
}


def _run_child(kind: str, directory: Path, jobs: int, timeout: float) -> dict:
    if kind == "pickle":
        [target] = [p for p in directory.iterdir() if p.is_file()]
        command = [sys.executable, "-c", PEAK_KIB + PICKLE_CHILD, str(target), str(ROOT)]
    else:
        command = [sys.executable, "-c", PEAK_KIB + DISCOVER_CHILD, str(directory), str(ROOT), str(jobs)]
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"outcome": f"HANG (killed after {timeout:.0f}s)"}
    if done.returncode != 0:
        reason = f"signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        return {"outcome": f"CRASH ({reason})", "seconds": time.monotonic() - started,
                "stderr": done.stderr.strip().splitlines()[-1:] or [""]}
    return {"outcome": "ok", **json.loads(done.stdout.strip().splitlines()[-1])}


def _tiny_files(directory: Path, count: int) -> None:
    per_directory = 1000
    for index in range(count):
        if index % per_directory == 0:
            folder = directory / f"d{index // per_directory}"
            folder.mkdir()
        (folder / f"f{index}.py").write_bytes(b"x = 1\n" if index % 10_000 else CALL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="run only this case (repeatable); `tiny-files` for the tree")
    parser.add_argument("--files", type=int, default=1_000_000, help="tiny files in the tree case (default 1 M)")
    parser.add_argument("--jobs", type=int, default=1, help="discovery worker processes (default 1)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a case counts as a hang")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    names = [*CASES, "tiny-files"]
    if args.list:
        print("\n".join(names))
        return 0
    selected = args.only or names
    unknown = set(selected) - set(names)
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    print(f"{'case':24} {'outcome':10} {'seconds':>8} {'peak RSS':>9}  result")
    for name in selected:
        scratch = Path(tempfile.mkdtemp(prefix=f"model-gate-{name}-"))
        try:
            if name == "tiny-files":
                _tiny_files(scratch, args.files)
                kind = "discover"
                name = f"tiny-files ({args.files:,})"
            else:
                build, kind = CASES[name]
                build(scratch)
            result = _run_child(kind, scratch, args.jobs, args.timeout)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if "verdict" in result:
            detail = f"verdict {result['verdict']}; {result.get('warning') or ''}"
        elif "references" in result:
            detail = f"{result['files']} files, {result['references']} refs; {result.get('warning') or 'no warning'}"
        else:
            detail = " ".join(result.get("stderr", []))
        seconds = f"{result['seconds']:.2f}" if "seconds" in result else "-"
        rss = f"{result['rss_mib']} MiB" if "rss_mib" in result else "-"
        print(f"{name:24} {result['outcome']:10} {seconds:>8} {rss:>9}  {detail[:150]}", flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())

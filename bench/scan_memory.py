#!/usr/bin/env python3
"""Peak memory of `model-gate scan` (issue 15): at most 300 MB for a 20,000-file tree, and flat in file size.

    python bench/scan_memory.py                       # the 20,000-file tree, then one file of 10 MB, 100 MB, 1 GB
    python bench/scan_memory.py --files 5000 --sizes 10,100
    python bench/scan_memory.py --skip-sizes          # the tree only
    python bench/scan_memory.py --without-large       # the tree without its 7 large files
    python bench/scan_memory.py --skip-tree --kinds py,pt

The tree (generated, offline): small Python modules (one in eight loading from the Hub), realistic 250-line
modules (bench/scan_vs_bandit.py's generator), YAML and JSON configs, notebooks, shell scripts, Dockerfiles,
workflows, Markdown with Hub URLs, committed model files (safetensors, PyTorch zips, raw pickles), and some large
files (1.9 MB Python files, just under the 2 MB the Python finder parses; 30 MB JSON, streamed; a 40 MB
notebook, parsed; a 200 MB PyTorch checkpoint whose pickle is scanned). It is scanned with the default jobs and a
cold cache (what a first `model-gate scan` does), the same again warm, with `--no-cache`, and with
`--jobs 1 --no-cache`.

How memory is measured. The CLI runs in a child (`gate.cli.main`, what the `model-gate` script calls) which, once
the scan is done and the process pool shut down, reads its own peak (`VmHWM` in /proc/self/status: this process
only, where `ru_maxrss` would keep a high-water mark from before an exec) and the largest peak among the worker
processes it waited for (`getrusage(RUSAGE_CHILDREN).ru_maxrss`, kept by the kernel: nothing is missed between
samples). Meanwhile this script samples the child and its workers every 20 ms: each worker's own `VmHWM` (its
peak; the last sample before it exits), and the sum of every process's `Pss` (`/proc/PID/smaps_rollup`: pages
shared between the forked workers and the main process counted once, split between them) at each instant. A
forked worker's RSS includes the pages it still shares with the main process, so the sum of every process's peak
RSS counts those several times: it is an upper bound, and it is the figure compared with the target. The peak of
the PSS sum is what the machine actually gave the scan at its worst moment.

The file-size series scans a tree holding one file of each size and kind (Python, YAML, a notebook, safetensors,
a PyTorch zip checkpoint, a raw pickle; model files are sparse where the format allows, text is real text) with
`--jobs 1 --no-cache`, and prints the peak RSS of each, next to a one-line Python file's. Flat means: a 1 GB file
costs what a 100 MB one does. Files over the 10 MB text limit (64 MB for notebooks) are streamed through the URL
scan and reported as not parsed; model files are read in bounded chunks by the static scans.

The script prints figures and the ratio to the target; it exits 0 either way (bench/README.md has the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_MB = 300
MB = 1_000_000
MIB = 1 << 20

CHILD = r"""
import json, resource, sys
from gate.cli import main

code = main(sys.argv[2:])


def _own_peak_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


with open(sys.argv[1], "w") as out:
    json.dump({"exit": code, "main_kib": _own_peak_kib(),
               "children_max_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, out)
sys.exit(code)
"""


# ------------------------------------------------------------------------------------------------ sampling


def _status_kib(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return 0
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
        except (OSError, ValueError):
            continue
    return found


class Sampler(threading.Thread):
    """Every `interval` seconds: each process's peak (VmHWM) and the sum of their PSS."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peaks: dict[int, int] = {}
        self.pss_peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids = [self.pid, *_children(self.pid)]
            total = 0
            for pid in pids:
                peak = _status_kib(pid, "VmHWM:")
                if peak is not None:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
                    total += _pss_kib(pid)
            self.pss_peak = max(self.pss_peak, total)
            self.done.wait(self.interval)


def measure(arguments: list[str]) -> dict:
    """Run `model-gate ARGUMENTS` in a child; its own peak, its workers' peaks, the peak PSS sum, wall seconds."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as side:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", CHILD, side.name, *arguments], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        sampler = Sampler(child.pid)
        sampler.start()
        _, stderr = child.communicate()
        sampler.done.set()
        sampler.join()
        seconds = time.perf_counter() - started
        if child.returncode not in (0, 1):
            raise SystemExit(f"model-gate {' '.join(arguments)} exited {child.returncode}:\n{stderr}")
        exact = json.loads(Path(side.name).read_text())
    workers = {pid: kib for pid, kib in sampler.peaks.items() if pid != child.pid}
    return {"seconds": seconds, "main_kib": exact["main_kib"], "children_max_kib": exact["children_max_kib"],
            "workers": sorted(workers.values(), reverse=True), "pss_peak_kib": sampler.pss_peak}


def _mb(kib: int) -> float:
    return kib * 1024 / MB


# ------------------------------------------------------------------------------------------------ the tree

ORGS = ["acme", "google", "meta-llama", "mistralai", "Qwen", "stabilityai", "allenai", "BAAI"]


def _small_module(index: int) -> str:
    body = [f'"""Module {index}."""', "import math", "", f"def f{index}(x):", "    return math.sqrt(x) + 1", ""]
    if index % 8 == 0:
        body[1:1] = ["from transformers import AutoModel"]
        body.append(f'model = AutoModel.from_pretrained("{ORGS[index % 8]}/model-{index % 97}", revision="main")')
    return "\n".join(body) + "\n"


def _yaml(index: int) -> str:
    return (f"# run {index}\nmodel_name_or_path: {ORGS[index % 8]}/model-{index % 89}\n"
            f"dataset_name: {ORGS[(index + 3) % 8]}/data-{index % 31}\nlearning_rate: 2.0e-5\n"
            "per_device_train_batch_size: 8\noutput_dir: ./out\n")


def _json(index: int) -> str:
    return json.dumps({"model": f"{ORGS[index % 8]}/model-{index % 71}", "revision": "main",
                       "tokenizer_name": f"{ORGS[index % 8]}/model-{index % 71}", "epochs": 3}, indent=2) + "\n"


def _notebook(index: int, outputs: int = 1) -> str:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": [f"# Notebook {index}\n"]},
             {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [
                 {"output_type": "stream", "name": "stdout", "text": ["loss 0.123\n"] * outputs}],
              "source": ["from transformers import AutoTokenizer\n",
                         f'tok = AutoTokenizer.from_pretrained("{ORGS[index % 8]}/model-{index % 53}")\n']}]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}) + "\n"


def _shell(index: int) -> str:
    return (f"#!/bin/bash\nset -e\nhuggingface-cli download {ORGS[index % 8]}/model-{index % 41}\n"
            f"python train.py --model_name_or_path {ORGS[(index + 1) % 8]}/model-{index % 43} --epochs 3\n")


def _markdown(index: int) -> str:
    return (f"# Model card {index}\n\nWeights: https://huggingface.co/{ORGS[index % 8]}/model-{index % 37}\n\n"
            + "Some prose about the model and how it was trained.\n" * 20)


def _safetensors(path: Path, data_bytes: int) -> None:
    header = json.dumps({"weight": {"dtype": "F32", "shape": [data_bytes // 4], "data_offsets": [0, data_bytes]}})
    padded = header.encode() + b" " * (-len(header) % 8)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(padded)) + padded)
        handle.truncate(8 + len(padded) + data_bytes)  # sparse: the weights are a hole


def _raw_pickle(path: Path, size: int) -> None:
    """PROTO 4, BINBYTES8 `size` zero bytes (sparse), STOP: a pickled array as numpy/pandas write one."""
    with open(path, "wb") as handle:
        handle.write(b"\x80\x04\x8e" + struct.pack("<Q", size))
        handle.seek(size, 1)
        handle.write(b".")


def _torch_zip(path: Path, size: int) -> None:
    from tests.verify.pickle_samples import state_dict_pickle, write_torch_zip

    write_torch_zip(path, state_dict_pickle({"weight": max(size // 4, 1)}), {"0": size})


def _text_file(path: Path, head: str, line: str, size: int) -> None:
    """`head`, then whole copies of `line` up to about `size` bytes (a cut line could make the file unparsable)."""
    per_block = max(1, MIB // len(line))
    block = (line * per_block).encode()
    with open(path, "wb") as handle:
        handle.write(head.encode())
        lines = max(size - len(head), 0) // len(line)
        for _ in range(lines // per_block):
            handle.write(block)
        handle.write((line * (lines % per_block)).encode())


def generate_tree(root: Path, files: int, seed: int = 3, *, large: bool = True) -> dict[str, int]:
    """`files` files in the mix above; returns how many of each kind. `large=False`: without the large files
    (tests/test_differential.py scans such a tree six times)."""
    from bench.scan_vs_bandit import generate_tree as realistic_python

    rng = random.Random(seed)
    counts: dict[str, int] = {}

    def write(relative: str, text: str, kind: str) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        counts[kind] = counts.get(kind, 0) + 1

    large_files = 7 if large else 0  # 3 Python files of 1.9 MB, 2 JSON of 30 MB, a 40 MB notebook, a 200 MB .pt
    models = max(files // 300, 3)
    realistic = files // 20
    shares = {"yaml": 0.10, "json": 0.05, "notebook": 0.05, "shell": 0.04, "markdown": 0.05, "docker": 0.003,
              "workflow": 0.003}
    budget = {kind: int(files * share) for kind, share in shares.items()}
    small = files - large_files - models - realistic - sum(budget.values())
    realistic_python(root / "models", realistic, seed=seed)
    counts["python (250 lines)"] = realistic
    for index in range(small):
        write(f"src/pkg{index % 200}/mod_{index}.py", _small_module(index), "python (small)")
    for index in range(budget["yaml"]):
        write(f"configs/exp{index % 50}/run_{index}.yaml", _yaml(index), "yaml")
    for index in range(budget["json"]):
        write(f"configs/json{index % 20}/c_{index}.json", _json(index), "json")
    for index in range(budget["notebook"]):
        write(f"notebooks/n{index % 20}/nb_{index}.ipynb", _notebook(index, outputs=rng.randint(1, 50)), "notebook")
    for index in range(budget["shell"]):
        write(f"scripts/s{index % 20}/run_{index}.sh", _shell(index), "shell")
    for index in range(budget["markdown"]):
        write(f"docs/d{index % 20}/page_{index}.md", _markdown(index), "markdown")
    for index in range(budget["docker"]):
        write(f"docker/d{index}/Dockerfile", f"FROM python:3.11\nRUN huggingface-cli download acme/m{index}\n",
              "dockerfile")
    for index in range(budget["workflow"]):
        write(f".github/workflows/w{index}.yml", "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
              f"      - run: huggingface-cli download acme/w{index}\n", "workflow")
    weights = root / "weights"
    weights.mkdir()
    for index in range(models):
        kind = ("safetensors", "pt", "pkl")[index % 3]
        target = weights / f"m{index}.{kind}"
        {"safetensors": lambda p: _safetensors(p, 1 << 16), "pt": lambda p: _torch_zip(p, 1 << 16),
         "pkl": lambda p: _raw_pickle(p, 1 << 16)}[kind](target)
        counts[f"model file (.{kind})"] = counts.get(f"model file (.{kind})", 0) + 1
    if not large:
        return counts
    big = root / "big"
    big.mkdir()
    code_line = "x = [i * 2 for i in range(10)]  # a line of generated code\n"
    for index in range(3):
        _text_file(big / f"generated_{index}.py", _small_module(0), code_line, 1_900_000)
    for index in range(2):
        records = json.dumps([{"id": i, "text": "a record of a dataset dump"} for i in range(20)])
        _text_file(big / f"dump_{index}.json", '{"model": "acme/dump-model", "rows": [', records[1:-1] + ",\n",
                   30 * MB)
        with open(big / f"dump_{index}.json", "a") as handle:
            handle.write("{}]}\n")
    (big / "outputs.ipynb").write_text(_notebook(0, outputs=2_500_000))  # 40 MB of printed output
    _torch_zip(big / "checkpoint.pt", 200 * MB)
    counts["large (1.9 MB .py x3, 30 MB .json x2, 40 MB .ipynb, 200 MB .pt)"] = large_files
    return counts


# ------------------------------------------------------------------------------------------ one-file trees

SIZE_KINDS = ("py", "yaml", "ipynb", "safetensors", "pt", "pkl")


def one_file_tree(directory: Path, kind: str, size: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    if kind == "py":
        path = directory / "big.py"
        _text_file(path, _small_module(0), "x = [i * 2 for i in range(10)]  # a line of generated code\n", size)
    elif kind == "yaml":
        path = directory / "big.yaml"
        _text_file(path, "model_name_or_path: acme/model\nitems:\n", "  - {name: item, value: 12345}\n", size)
    elif kind == "ipynb":
        path = directory / "big.ipynb"
        lines = max((size - 600) // 16, 1)  # each output line is `"loss 0.123\n", ` (16 bytes as JSON)
        path.write_text(_notebook(0, outputs=lines))
    elif kind == "safetensors":
        path = directory / "model.safetensors"
        _safetensors(path, size)
    elif kind == "pt":
        path = directory / "pytorch_model.bin"
        _torch_zip(path, size)
    else:
        path = directory / "model.pkl"
        _raw_pickle(path, size)
    return path


# ------------------------------------------------------------------------------------------------- main


def _tree_row(label: str, result: dict) -> str:
    workers = result["workers"]
    worker_max = max(workers, default=0)
    every_peak = result["main_kib"] + sum(workers)
    return (f"{label:34} {result['seconds']:7.1f} s  main {_mb(result['main_kib']):6.1f} MB  "
            f"workers {len(workers)}: max {_mb(worker_max):6.1f} / sum {_mb(sum(workers)):6.1f} MB "
            f"(kernel's max child {_mb(result['children_max_kib']):6.1f})  "
            f"all peaks {_mb(every_peak):6.1f} MB = {_mb(every_peak) / TARGET_MB:.2f} of {TARGET_MB} MB  "
            f"peak PSS together {_mb(result['pss_peak_kib']):6.1f} MB")


def _report_counts(report: Path) -> str:
    data = json.loads(report.read_text())
    return (f"{data['summary']['files_scanned']:,} files scanned, {len(data['references']):,} references, "
            f"{len(data['warnings']):,} warnings, {len(data['findings']):,} findings")


def run_tree(work: Path, files: int, large: bool) -> None:
    tree = work / "tree"
    started = time.perf_counter()
    counts = generate_tree(tree, files, large=large)
    total = sum(1 for path in tree.rglob("*") if path.is_file())
    size = sum(path.stat().st_blocks * 512 for path in tree.rglob("*") if path.is_file())
    print(f"tree: {total:,} files ({size / MB:,.0f} MB on disk) generated in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{count:,} {kind}" for kind, count in counts.items()))
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; target <= {TARGET_MB} MB")
    report = work / "report.json"
    common = ["scan", str(tree), "--format", "json", "--output", str(report), "--fail-on", "never"]
    runs = [("default jobs, cache cold", [*common, "--cache-dir", str(work / "cache")]),
            ("default jobs, cache warm", [*common, "--cache-dir", str(work / "cache")]),
            ("default jobs, --no-cache", [*common, "--no-cache"]),
            ("--jobs 1 --no-cache", [*common, "--jobs", "1", "--no-cache"])]
    worst = 0
    for label, arguments in runs:
        result = measure(arguments)
        worst = max(worst, result["main_kib"] + sum(result["workers"]))
        print(_tree_row(label, result), flush=True)
        print(f"{'':34} {_report_counts(report)}", flush=True)
    verdict = "meets" if _mb(worst) <= TARGET_MB else "MISSES"
    print(f"worst sum of every process's peak: {_mb(worst):.1f} MB = {_mb(worst) / TARGET_MB:.2f} of the "
          f"{TARGET_MB} MB target: {verdict} it")


def run_sizes(work: Path, sizes_mb: list[int], kinds: list[str]) -> None:
    baseline_dir = work / "baseline"
    one_file_tree(baseline_dir, "py", 100)
    baseline = measure(["scan", str(baseline_dir), "--format", "json", "--output", os.devnull, "--fail-on", "never",
                        "--jobs", "1", "--no-cache"])
    print(f"\nflat in file size (--jobs 1 --no-cache; peak RSS of the one process; a one-line .py: "
          f"{_mb(baseline['main_kib']):.1f} MB)")
    print(f"{'kind':12} " + " ".join(f"{str(size) + ' MB':>22}" for size in sizes_mb) + "   growth (largest - smallest)")
    for kind in kinds:
        cells, peaks = [], []
        for size in sizes_mb:
            directory = work / f"one-{kind}-{size}"
            one_file_tree(directory, kind, size * MB)
            report = work / "one.json"
            result = measure(["scan", str(directory), "--format", "json", "--output", str(report), "--fail-on",
                              "never", "--jobs", "1", "--no-cache"])
            data = json.loads(report.read_text())
            note = "parsed"
            if any("not parsed" in w["message"] for w in data["warnings"]):
                note = "streamed"
            elif any("used a text scan" in w["message"] for w in data["warnings"]):
                note = "text scan"
            elif kind in ("safetensors", "pt", "pkl"):
                note = f"{len(data['findings'])} finding(s)"
            peaks.append(result["main_kib"])
            cells.append(f"{_mb(result['main_kib']):7.1f} MB {result['seconds']:5.1f} s {note[:9]:>9}")
            shutil.rmtree(directory, ignore_errors=True)
        print(f"{kind:12} " + " ".join(f"{cell:>22}" for cell in cells)
              + f"   {_mb(peaks[-1] - peaks[0]):+.1f} MB", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20_000, help="files in the generated tree (default 20,000)")
    parser.add_argument("--sizes", default="10,100,1000", help="file sizes in MB (default 10,100,1000)")
    parser.add_argument("--kinds", default=",".join(SIZE_KINDS), help=f"file kinds (default {','.join(SIZE_KINDS)})")
    parser.add_argument("--skip-tree", action="store_true")
    parser.add_argument("--without-large", action="store_true", help="the tree without its 7 large files")
    parser.add_argument("--skip-sizes", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    kinds = [kind for kind in args.kinds.split(",") if kind]
    if set(kinds) - set(SIZE_KINDS):
        parser.error(f"unknown kind(s): {', '.join(sorted(set(kinds) - set(SIZE_KINDS)))}")
    work = Path(tempfile.mkdtemp(prefix="model-gate-memory-"))
    try:
        if not args.skip_tree:
            run_tree(work, args.files, large=not args.without_large)
        if not args.skip_sizes:
            run_sizes(work, [int(size) for size in args.sizes.split(",")], kinds)
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

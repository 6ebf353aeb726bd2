"""Run one fuzz target (or all, one after another) for N inputs with atheris, and print what happened.

    python -m fuzz.run TARGET --runs 100000      # TARGET: a name from fuzz/targets.py, or `all`
    python -m fuzz.run TARGET --runs 200000 --jobs 2   # the inputs shared by 2 processes (seeds 1 and 2)
    python -m fuzz.run --list

Every input's outcome is counted: `ok` (returned), `expected` (a clean refusal such as PolicyError) and
`crashers` (anything else). A crasher does not stop the run: its input is saved once per distinct failure
(exception type and the innermost model-gate frame) to tests/fixtures/crashers/<target>/ together with its
traceback, and tests/hardening/test_crashers.py replays every saved input from then on. A hang or a memory
blow-up is caught by libFuzzer (`-timeout`, `-rss_limit_mb`) and its input written to the same directory.

The corpus grows in a scratch directory (default: $TMPDIR/model-gate-fuzz/<target>), seeded from the test
fixtures named in the target; it is not part of the repository. With `--jobs N` the N processes share that corpus
(libFuzzer reads it when it starts and adds what it finds), each with its own `--seed`, and the run's figures are
their sums.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRASHERS = ROOT / "tests" / "fixtures" / "crashers"
_GATE_MODULES = (
    "gate.discover.python_finder", "gate.discover.python_resolve", "gate.discover.python_fallback",
    "gate.discover.catalog", "gate.discover.hubids", "gate.discover.notebook_finder",
    "gate.discover.config_finder", "gate.discover.embedded_config", "gate.discover.shell_finder", "gate.discover.url_finder",
    "gate.discover.artifact_finder", "gate.policy.load", "gate.policy.model", "gate.policy.globs",
    "gate.report.sarif", "gate.report.json_report", "gate.report.github",
)


class Stats:
    def __init__(self, target, runs: int, crash_dir: Path, report_every: int, summary: Path | None = None):
        self.target, self.runs, self.crash_dir, self.report_every = target, runs, crash_dir, report_every
        self.summary = summary
        """Where the final counts go as JSON (read by the parent of `--jobs` processes)."""
        self.counts: Counter = Counter()
        self.expected: Counter = Counter()
        self.signatures: dict[str, str] = {}
        self.started = time.monotonic()

    def one(self, data: bytes) -> None:
        try:
            self.target.run(data)
            self.counts["ok"] += 1
        except self.target.expected as exc:
            self.counts["expected"] += 1
            self.expected[type(exc).__name__] += 1
        except Exception as exc:  # noqa: BLE001 - that is what we are looking for
            self.counts["crashers"] += 1
            self.crashed(data, exc)
        total = self.counts.total()
        if total % self.report_every == 0:
            self.print(final=False)
        if total >= self.runs:
            self.print(final=True)
            if self.summary is not None:
                self.summary.write_text(json.dumps({
                    "inputs": total, "ok": self.counts["ok"], "expected": self.counts["expected"],
                    "crashers": self.counts["crashers"], "signatures": self.signatures,
                    "seconds": time.monotonic() - self.started}), encoding="utf-8")
            sys.stdout.flush()
            os._exit(1 if self.counts["crashers"] else 0)

    def crashed(self, data: bytes, exc: BaseException) -> None:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/gate/" in f.filename]
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "outside gate"
        signature = f"{type(exc).__name__} at {where}"
        if signature in self.signatures:
            return
        self.crash_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha1(data).hexdigest()[:12]
        name = f"crash-{hashlib.sha1(signature.encode()).hexdigest()[:8]}-{digest}"
        (self.crash_dir / f"{name}.bin").write_bytes(data)
        (self.crash_dir / f"{name}.txt").write_text(
            f"{signature}\n\n" + "".join(traceback.format_exception(exc)), encoding="utf-8")
        self.signatures[signature] = name
        print(f"[{self.target.name}] NEW CRASHER {signature} -> {name}.bin", flush=True)

    def print(self, *, final: bool) -> None:
        elapsed = time.monotonic() - self.started
        total = self.counts.total()
        rate = total / elapsed if elapsed else 0.0
        expected = ", ".join(f"{k}={v}" for k, v in self.expected.most_common()) or "-"
        print(f"[{self.target.name}] {'DONE' if final else 'progress'}: {total} inputs in {elapsed:.0f}s "
              f"({rate:.0f}/s): ok={self.counts['ok']} expected={self.counts['expected']} ({expected}) "
              f"crashers={self.counts['crashers']} distinct={len(self.signatures)}", flush=True)


def _dictionary(tokens: tuple[str, ...], directory: Path) -> Path | None:
    if not tokens:
        return None
    lines = []
    for token in tokens:
        escaped = "".join(
            c if 0x20 <= ord(c) < 0x7f and c not in '"\\' else "".join(f"\\x{b:02x}" for b in c.encode("utf-8"))
            for c in token)
        lines.append(f'"{escaped}"')
    path = directory / "tokens.dict"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def fuzz_one(name: str, runs: int, *, max_len: int, timeout: int, rss_limit_mb: int, corpus: Path | None,
             report_every: int, seed: int = 0, summary: Path | None = None) -> None:
    """Runs in this process and never returns (libFuzzer owns the loop; Stats exits after `runs` inputs)."""
    import atheris

    with atheris.instrument_imports(include=["gate"]):
        import importlib

        for module in _GATE_MODULES:
            importlib.import_module(module)
    from fuzz.targets import TARGETS, seed_files

    target = TARGETS[name]
    crash_dir = CRASHERS / name
    corpus = corpus or Path(tempfile.gettempdir()) / "model-gate-fuzz" / name
    corpus.mkdir(parents=True, exist_ok=True)
    for seed_file in seed_files(target):
        (corpus / f"seed-{hashlib.sha1(str(seed_file).encode()).hexdigest()[:12]}").write_bytes(seed_file.read_bytes())
    stats = Stats(target, runs, crash_dir, report_every, summary)
    crash_dir.mkdir(parents=True, exist_ok=True)
    arguments = [sys.argv[0], str(corpus), f"-max_len={max_len}", f"-timeout={timeout}",
                 f"-rss_limit_mb={rss_limit_mb}", f"-artifact_prefix={crash_dir}/", "-print_final_stats=0",
                 "-close_fd_mask=0", "-runs=-1", f"-seed={seed}"]
    dictionary = _dictionary(target.tokens, corpus.parent)
    if dictionary is not None:
        arguments.append(f"-dict={dictionary}")
    print(f"[{name}] fuzzing {runs} inputs, corpus {corpus}, {len(seed_files(target))} seeds, "
          f"seed {seed or 'random'}", flush=True)
    atheris.Setup(arguments, stats.one)
    atheris.Fuzz()


def fuzz_parallel(name: str, runs: int, jobs: int, options: list[str], corpus: Path | None, seed: int) -> int:
    """`runs` inputs shared by `jobs` processes of `fuzz_one` on one corpus, each with its own seed; prints the sums."""
    corpus = corpus or Path(tempfile.gettempdir()) / "model-gate-fuzz" / name
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="model-gate-fuzz-jobs-") as scratch:
        summaries = [Path(scratch) / f"job-{job}.json" for job in range(jobs)]
        processes = [subprocess.Popen(
            [sys.executable, "-m", "fuzz.run", name, "--runs", str(runs // jobs + (job < runs % jobs)), *options,
             "--corpus", str(corpus), "--seed", str((seed or 1) + job), "--summary", str(summaries[job])], cwd=ROOT)
            for job in range(jobs)]
        failed = [process.wait() for process in processes]
        done = [json.loads(path.read_text(encoding="utf-8")) for path in summaries if path.exists()]
    signatures = {signature for job in done for signature in job["signatures"]}
    total = {key: sum(job[key] for job in done) for key in ("inputs", "ok", "expected", "crashers")}
    print(f"[{name}] DONE ({jobs} jobs, {len(done)} finished): {total['inputs']} inputs in "
          f"{time.monotonic() - started:.0f}s: ok={total['ok']} expected={total['expected']} "
          f"crashers={total['crashers']} distinct={len(signatures)}", flush=True)
    return 1 if any(failed) or len(done) < jobs or total["crashers"] else 0


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from fuzz.targets import TARGETS

    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", help="a target name, or `all` (each in its own process, in turn)")
    parser.add_argument("--runs", type=int, default=10_000, help="inputs per target (default 10000)")
    parser.add_argument("--max-len", type=int, default=8192, help="largest input in bytes (default 8192)")
    parser.add_argument("--timeout", type=int, default=20, help="seconds one input may take (default 20)")
    parser.add_argument("--rss-limit-mb", type=int, default=2048)
    parser.add_argument("--corpus", type=Path, help="corpus directory (default: a scratch directory)")
    parser.add_argument("--report-every", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=1, help="processes sharing the inputs and the corpus (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="libFuzzer's seed (default 0: a random one; with "
                        "--jobs, job i gets seed+i)")
    parser.add_argument("--summary", type=Path, help=argparse.SUPPRESS)  # the final counts as JSON, for --jobs
    parser.add_argument("--list", action="store_true", help="list the targets")
    args = parser.parse_args(argv)
    if args.list or not args.target:
        print("\n".join(TARGETS))
        return 0
    options = ["--max-len", str(args.max_len), "--timeout", str(args.timeout), "--rss-limit-mb",
               str(args.rss_limit_mb), "--report-every", str(args.report_every)]
    if args.target == "all":
        failed = 0
        for name in TARGETS:
            command = [sys.executable, "-m", "fuzz.run", name, "--runs", str(args.runs), "--jobs", str(args.jobs),
                       "--seed", str(args.seed), *options]
            failed |= subprocess.call(command, cwd=ROOT) != 0
        return 1 if failed else 0
    if args.target not in TARGETS:
        parser.error(f"unknown target {args.target!r}; known: {', '.join(TARGETS)}")
    if args.jobs > 1:
        return fuzz_parallel(args.target, args.runs, args.jobs, options, args.corpus, args.seed)
    fuzz_one(args.target, args.runs, max_len=args.max_len, timeout=args.timeout, rss_limit_mb=args.rss_limit_mb,
             corpus=args.corpus, report_every=args.report_every, seed=args.seed, summary=args.summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())

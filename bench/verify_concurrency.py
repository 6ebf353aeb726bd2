"""Hub verification speed: 200 distinct pinned references against the Hub emulator, 50 ms per request.

Prints the time with `--jobs 1` and with the default concurrency, and their ratio (target: >= 8x).
Run from the repository root: `python bench/verify_concurrency.py [--references N] [--latency S]`.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gate.discover.interface import Reference  # noqa: E402
from gate.pipeline import ScanOptions, gather_evidence, verify_config  # noqa: E402
from gate.policy.judge import judge  # noqa: E402
from gate.policy.load import load_policy  # noqa: E402
from gate.verify.interface import DEFAULT_JOBS  # noqa: E402
from tests.hubemu import HubEmulator  # noqa: E402


def _references(hub: HubEmulator, count: int) -> tuple[Reference, ...]:
    references = []
    for n in range(count):
        sha = hub.add_repo(f"bench/model-{n:03d}", license="mit",
                           files={"config.json": "{}", "model.safetensors": f"weights {n}".encode()}).head()
        references.append(Reference(kind="model", source="huggingface", id=f"bench/model-{n:03d}", revision=sha,
                                    pinned=True, pinnable=True, path="train.py", line=n + 1, column=1,
                                    api="transformers.from_pretrained", revision_key="revision"))
    return tuple(references)


def _run(hub: HubEmulator, references, jobs: int | None) -> tuple[float, dict]:
    today = _dt.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        policy = load_policy(None, tmp, text="version: 1\ndefaults: {licenses: [mit]}\n", today=today)
        options = ScanOptions(root=tmp, jobs=jobs, hub_endpoint=hub.endpoint, cache_dir=os.path.join(tmp, "cache"),
                              today=today)
        hub.reset_requests()
        started = time.perf_counter()
        evidence = gather_evidence(policy, references, verify_config(options))
        elapsed = time.perf_counter() - started
        findings = judge(policy, references, evidence, today).findings
    stats = dict(evidence.hub.stats)
    # Two requests per pinned reference: the info, and the refs holding the commit (issue 13 §2.10).
    if findings or stats["failed"] or hub.requests != 2 * len(references):
        raise SystemExit(f"unexpected result: {stats} findings={len(findings)} requests={hub.requests}")
    return elapsed, stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--references", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    for name in ("HF_TOKEN", "MODEL_GATE_VERIFY_DEADLINE", "MODEL_GATE_VERIFY_ATTEMPTS"):
        os.environ.pop(name, None)
    with HubEmulator() as hub:
        references = _references(hub, args.references)
        hub.faults.latency = args.latency
        _run(hub, references[:8], None)  # warm up: imports, connection pool
        serial, _ = _run(hub, references, 1)
        concurrent, stats = _run(hub, references, None)
    ratio = serial / concurrent
    print(f"{args.references} distinct pinned references, {args.latency * 1000:.0f} ms per request")
    print(f"--jobs 1:              {serial:6.2f} s")
    print(f"default (--jobs {DEFAULT_JOBS}):  {concurrent:6.2f} s   ({stats['queries']} queries)")
    print(f"ratio: {ratio:.1f}x (target >= 8x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

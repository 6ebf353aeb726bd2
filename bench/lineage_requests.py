"""Lineage requests: ancestors are asked once per run, however many models share them.

A family tree on the Hub emulator: `--roots` org bases, each with `--fine-tunes` fine-tunes of a shared
intermediate base (`bench/mid-R`), every fine-tune pinned and loaded by the repository, plus a merge of two
intermediates. Prints the requests the verification made, split into the models' own answers and the ancestors'
(target: ancestor requests == distinct ancestors, whatever the number of models), and the wall time.
Run from the repository root: `python bench/lineage_requests.py [--roots N] [--fine-tunes M] [--latency S]`.
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
from tests.hubemu import HubEmulator  # noqa: E402

WEIGHTS = {"model.safetensors": b"weights"}


def _family(hub: HubEmulator, roots: int, fine_tunes: int) -> tuple[tuple[Reference, ...], int]:
    """The references the repository makes, and how many distinct ancestors they reach."""
    models = []
    for r in range(roots):
        hub.add_repo(f"bench/root-{r}", license="mit", card={"datasets": [f"bench/corpus-{r}"]}, files=WEIGHTS)
        hub.add_repo(f"bench/mid-{r}", license="mit", card={"base_model": f"bench/root-{r}"}, files=WEIGHTS)
        for f in range(fine_tunes):
            models.append(hub.add_repo(f"bench/ft-{r}-{f}", license="mit", files=WEIGHTS,
                                       card={"base_model": f"bench/mid-{r}", "base_model_relation": "finetune"}))
    models.append(hub.add_repo("bench/merge", license="mit", files=WEIGHTS,
                               card={"base_model": ["bench/mid-0", f"bench/mid-{roots - 1}"],
                                     "base_model_relation": "merge"}))
    references = tuple(
        Reference(kind="model", source="huggingface", id=m.id, revision=m.head(), pinned=True, pinnable=True,
                  path="train.py", line=n + 1, column=1, api="transformers.from_pretrained", revision_key="revision")
        for n, m in enumerate(models))
    return references, 2 * roots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--roots", type=int, default=5)
    parser.add_argument("--fine-tunes", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.02)
    args = parser.parse_args()
    for name in ("HF_TOKEN", "HF_ENDPOINT", "MODEL_GATE_VERIFY_DEADLINE", "MODEL_GATE_VERIFY_ATTEMPTS"):
        os.environ.pop(name, None)
    today = _dt.date.today()
    with HubEmulator() as hub, tempfile.TemporaryDirectory() as tmp:
        references, ancestors = _family(hub, args.roots, args.fine_tunes)
        hub.faults.latency = args.latency
        policy = load_policy(None, tmp, text="version: 1\nlineage: {allowed_bases: [bench/*], "
                             "require_declared_training_data: true}\n", today=today)
        options = ScanOptions(root=tmp, hub_endpoint=hub.endpoint, cache_dir=os.path.join(tmp, "cache"), today=today)
        hub.reset_requests()
        started = time.perf_counter()
        evidence = gather_evidence(policy, references, verify_config(options))
        findings = judge(policy, references, evidence, today).findings
        elapsed = time.perf_counter() - started
        log = list(hub.request_log)
    # A pinned model's own answer is its `/revision/<sha>` request and its `/refs` request (is the commit on a
    # branch or tag: issue 13 §2.10); everything else is lineage asking for an ancestor.
    own = sum(1 for _, path in log if "/revision/" in path or path.split("?")[0].endswith("/refs"))
    asked = sorted({path.split("?")[0] for _, path in log
                    if "/revision/" not in path and not path.split("?")[0].endswith("/refs")})
    stats = evidence.hub.stats["lineage"]
    print(f"{len(references)} pinned models loaded, {ancestors} distinct ancestors, "
          f"{args.latency * 1000:.0f} ms per request")
    print(f"requests: {len(log)} = {own} for the models' own answers + {len(log) - own} for ancestors "
          f"({len(asked)} distinct ancestor paths)")
    print(f"lineage stats: {stats}; findings: {len(findings)}; {elapsed:.2f} s")
    ok = len(log) - own == ancestors == stats["ancestors_asked"] and not findings
    print("one request per distinct ancestor: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

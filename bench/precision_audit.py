#!/usr/bin/env python3
"""Discovery precision on repositories it was never tuned on: a hand-judged random sample of what it reports.

    python bench/precision_audit.py                          # every audit file bench/corpus/precision_audit_*.json
    python bench/precision_audit.py --show                   # also each judged reference no longer reported
    python bench/precision_audit.py --draw owner/name        # draw a new sample (seed, size) to judge by hand

A recall label file (bench/recall.py) says what a few files really load; it cannot say how much of what
discovery reports across a whole unseen repository is right. An audit file answers that: for each repository,
the references with an id that `model-gate scan` reported on the snapshot's HEAD (deduplicated by path, line,
kind and id; artifacts left out) were sampled at random (`random.Random(seed).sample`, up to `size` per repository,
all when fewer) and each was judged by reading its line and context:

    {"seed": 4, "size": 40, "judgements": [
      {"repo": "owner/name", "commit": "<sha>", "path": "...", "line": N, "kind": "model", "id": "org/name",
       "verdict": "true" | "false", "reason": "..."}, ...]}

This script writes each audited commit's tree to a temporary directory (as bench/recall.py does: blobs a snapshot
lacks are left out), runs discovery on it (what `model-gate scan` runs, without verification) and prints per
repository: how many judged references are still reported (same path, kind and id, within 2 lines), how many of
those were judged true, and the precision over the still-reported ones (true / still reported); a judged-false
reference that is no longer reported is a false positive removed, a judged-true one that is no longer reported is
recall lost. The sample is fixed once judged: precision after a change is measured on the same references.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from recall import (  # noqa: E402  (bench scripts are run as files, not as a package)
    DEFAULT_MIRROR_ROOT,
    LINE_SLACK,
    Found,
    deduplicate,
    extract,
    find_snapshot,
    source_line,
)

DEFAULT_CORPUS = Path(__file__).resolve().parent / "corpus"
AUDIT_GLOB = "precision_audit_*.json"


@dataclass(frozen=True)
class Judgement:
    """One sampled reference and the hand verdict on it."""

    repo: str
    commit: str
    path: str
    line: int
    kind: str
    id: str
    verdict: bool
    reason: str


def read_audit(path: Path) -> list[Judgement]:
    data = json.loads(path.read_text())
    return [Judgement(j["repo"], j["commit"], j["path"], int(j["line"]), j["kind"], j["id"],
                      {"true": True, "false": False}[j["verdict"]], j.get("reason", ""))
            for j in data["judgements"]]


def discovered(root: str) -> list[Found]:
    """Every reference with an id discovery reports on the tree (as `model-gate scan`), artifacts left out."""
    from gate.discover.engine import discover

    return deduplicate(Found(r.path, r.line, r.kind, r.id, r.revision, r.role, r.api, r.dynamic)
                       for r in discover(root).references if r.kind != "artifact" and r.id)


def still_reported(judgement: Judgement, found: Sequence[Found]) -> bool:
    return any(ref.path == judgement.path and ref.kind == judgement.kind
               and (ref.id or "").lower() == judgement.id.lower() and abs(ref.line - judgement.line) <= LINE_SLACK
               for ref in found)


def draw(found: Sequence[Found], seed: int, size: int) -> list[Found]:
    """The sample to judge: `size` references at random (all when fewer), in a reproducible order."""
    ordered = sorted(found, key=lambda r: (r.path, r.line, r.kind, r.id or ""))
    chosen = ordered if len(ordered) <= size else random.Random(seed).sample(ordered, size)
    return sorted(chosen, key=lambda r: (r.path, r.line, r.kind, r.id or ""))


def _head(git_dir: Path) -> str:
    return subprocess.run(["git", f"--git-dir={git_dir}", "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   -  "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--mirror-root", type=Path, default=DEFAULT_MIRROR_ROOT)
    parser.add_argument("--audit", type=Path, action="append", default=[],
                        help=f"an audit file (repeatable; default: every {AUDIT_GLOB} in --corpus)")
    parser.add_argument("--show", action="store_true", help="list each judged reference no longer reported")
    parser.add_argument("--draw", metavar="OWNER/NAME", action="append", default=[],
                        help="print a sample of the HEAD snapshot's references to judge (repeatable)")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--size", type=int, default=40)
    args = parser.parse_args(argv)

    if args.draw:
        for repo in args.draw:
            git_dir = find_snapshot(repo, args.mirror_root, {})
            if git_dir is None:
                print(f"{repo}: no snapshot under {args.mirror_root}", file=sys.stderr)
                return 2
            commit = _head(git_dir)
            with tempfile.TemporaryDirectory(prefix="audit-") as root:
                extract(git_dir, commit, root)
                found = discovered(root)
                sample = draw(found, args.seed, args.size)
                print(f"# {repo} {commit}: {len(found)} references with an id, {len(sample)} drawn")
                for ref in sample:
                    print(json.dumps({"repo": repo, "commit": commit, "path": ref.path, "line": ref.line,
                                      "kind": ref.kind, "id": ref.id, "api": ref.api,
                                      "source": source_line(root, ref.path, ref.line)}))
        return 0

    audit_files = args.audit or sorted(args.corpus.glob(AUDIT_GLOB))
    judgements = [j for path in audit_files for j in read_audit(path)]
    if not judgements:
        print("no judgements found", file=sys.stderr)
        return 2
    by_repo: dict[tuple[str, str], list[Judgement]] = {}
    for judgement in judgements:
        by_repo.setdefault((judgement.repo, judgement.commit), []).append(judgement)
    totals = [0, 0, 0, 0]  # judged, judged true, still reported, still reported and true
    for (repo, commit), judged in by_repo.items():
        git_dir = find_snapshot(repo, args.mirror_root, {})
        if git_dir is None:
            print(f"{repo}: no snapshot under {args.mirror_root} (`fetch github:{repo}`); skipped", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory(prefix="audit-") as root:
            extract(git_dir, commit, root)
            found = discovered(root)
            kept = [j for j in judged if still_reported(j, found)]
            gone = [j for j in judged if j not in kept]
            counts = [len(judged), sum(j.verdict for j in judged), len(kept), sum(j.verdict for j in kept)]
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            print(f"{repo:<32} judged {counts[0]:3} (true {counts[1]:3}, precision {_pct(counts[1], counts[0])})  "
                  f"still reported {counts[2]:3} (true {counts[3]:3}, precision {_pct(counts[3], counts[2])})  "
                  f"false removed {counts[0] - counts[1] - (counts[2] - counts[3]):3}  "
                  f"true lost {counts[1] - counts[3]:3}")
            if args.show:
                for j in gone:
                    print(f"  GONE {'true ' if j.verdict else 'false'} {j.path}:{j.line} {j.kind} {j.id} ({j.reason})"
                          f"\n       | {source_line(root, j.path, j.line)}")
    print(f"{'overall':<32} judged {totals[0]:3} (true {totals[1]:3}, precision {_pct(totals[1], totals[0])})  "
          f"still reported {totals[2]:3} (true {totals[3]:3}, precision {_pct(totals[3], totals[2])})  "
          f"false removed {totals[0] - totals[1] - (totals[2] - totals[3]):3}  true lost {totals[1] - totals[3]:3}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())

"""Linear in references (issue 15): scan, judge and report N files × 30 unpinned loads, for N and 10 N.

    python bench/references_scale.py            # 90 files (2,700 references) and 900 files (27,000)
    python bench/references_scale.py --files 300

Prints the seconds of each stage for both sizes and the ratio of the totals: 10× the references should cost at
most 13× the time (target), and the large run under 10 s on this machine. Every stage that could be quadratic
is timed on its own: discovery, judging (policy and waivers), PR-mode baselining, SARIF (fingerprints and the
GitHub limits), the GitHub summary, JSON, and pin planning.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LOADS_PER_FILE = 30


def make_tree(root: Path, files: int) -> None:
    for i in range(files):
        lines = ["from transformers import AutoModel"]
        lines += [f'AutoModel.from_pretrained("org{j}/model{i}")' for j in range(LOADS_PER_FILE)]
        (root / f"m{i}.py").write_text("\n".join(lines) + "\n")


def timed(stages: dict, name: str, fn):
    started = time.perf_counter()
    value = fn()
    stages[name] = time.perf_counter() - started
    return value


def run(files: int) -> dict:
    from gate.baseline import mark_pre_existing
    from gate.pin.command import plan_pins
    from gate.pipeline import ScanOptions, run_scan
    from gate.report.github import GitHubContext, render_summary
    from gate.report.json_report import render_json
    from gate.report.sarif import render_sarif

    stages: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="model-gate-scale-") as tmp:
        root = Path(tmp)
        make_tree(root, files)
        report = timed(stages, "scan+judge", lambda: run_scan(ScanOptions(root=str(root), jobs=1)))
        changed = {f"m{i}.py": f"m{i}.py" for i in range(files)}
        timed(stages, "PR baseline", lambda: mark_pre_existing(report, replace(report), changed, "error", False))
        timed(stages, "SARIF", lambda: render_sarif(report))
        timed(stages, "summary", lambda: render_summary(report, GitHubContext()))
        timed(stages, "JSON", lambda: render_json(report))
        timed(stages, "pin planning", lambda: plan_pins(report.references, report.findings, datetime.date.today()))
    stages["references"] = len(report.references)
    return stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=90, help="files in the small run (the large has 10×)")
    args = parser.parse_args()
    small, large = run(args.files), run(args.files * 10)
    names = [k for k in small if k != "references"]
    print(f"{'stage':<14}{small['references']:>10} refs{large['references']:>12} refs{'ratio':>8}")
    for name in names:
        ratio = large[name] / small[name] if small[name] > 0 else float("inf")
        print(f"{name:<14}{small[name]:>13.3f} s{large[name]:>14.3f} s{ratio:>8.1f}")
    total_small, total_large = sum(small[n] for n in names), sum(large[n] for n in names)
    ratio = total_large / total_small
    print(f"{'total':<14}{total_small:>13.3f} s{total_large:>14.3f} s{ratio:>8.1f}")
    print(f"target: 10× the references ≤ 13× the time: {'met' if ratio <= 13 else 'NOT met'} ({ratio:.1f}×); "
          f"large run < 10 s: {'met' if total_large < 10 else 'NOT met'} ({total_large:.1f} s)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())

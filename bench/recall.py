#!/usr/bin/env python3
"""Discovery recall and precision on real repositories, against the hand-made labels in bench/corpus/.

    python bench/recall.py                       # every bench/corpus/*.json whose snapshot is on this machine
    python bench/recall.py --show-misses         # also each missed label and each false positive, with its line
    python bench/recall.py --json                # the figures as JSON
    python bench/recall.py --snapshot huggingface/setfit=/path/to/bare.git
    python bench/recall.py --set heldout         # only the label files marked "set": "heldout" (issue 11)
    python bench/recall.py --set all --repos 'huggingface__*'   # every label file whose name matches the glob

For each label file the labelled commit is extracted from the repository's bare git snapshot (the `fetch` tool
stores them under /work/.mirror/<owner>+<name>/...) into a temporary directory (blobs a snapshot lacks, its
largest files, are left out), discovery runs on the whole
tree exactly as `model-gate scan` runs it (without verification), and only the references in the labelled files
are compared with the labels. The label format and the measured figures are in bench/README.md ("Discovery
recall").

Matching: a discovered reference matches a positive label with the same path, kind and id (case-insensitive)
and a line at most `LINE_SLACK` away; each label and each reference is used once. Discovered references are
first deduplicated by (path, line, kind, id); artifacts (committed model files) are not labelled and are left out.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LINE_SLACK = 2
"""How far (in lines) a discovered reference may sit from its label and still match it."""
DEFAULT_CORPUS = Path(__file__).resolve().parent / "corpus"
DEFAULT_MIRROR_ROOT = Path("/work/.mirror")
LABELLED_KINDS = ("model", "dataset", "metric")
DEFAULT_SET = "development"
"""The set of a label file without a `"set"` field: the corpus discovery was developed against."""


# ------------------------------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class Label:
    """One hand-made label: a reference the file makes (positive) or a string that is not one (negative)."""

    path: str
    line: int
    kind: str | None = None
    id: str | None = None
    revision: str | None = None
    role: str = "load"
    negative: bool = False
    text: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Found:
    """The part of a discovered `Reference` that matching looks at."""

    path: str
    line: int
    kind: str
    id: str | None
    revision: str | None = None
    role: str = "load"
    api: str = ""
    dynamic: bool = False
    """Part of it is unknown (for a reference with an id: its revision comes from outside the file)."""


@dataclass
class Tally:
    """Counts for one slice (a repository, a file type, a role, or everything)."""

    labels: int = 0
    """Positive labels with an id."""
    found: int = 0
    """Of those, matched by a discovered reference."""
    discovered: int = 0
    """Discovered references with an id."""
    true: int = 0
    """Of those, matching a label."""
    revision_agree: int = 0
    """Hits whose discovered revision equals the labelled one."""
    dynamic_labels: int = 0
    """Positive labels without an id (the code loads something it does not name)."""
    dynamic_covered: int = 0
    """Of those, with some discovered reference of the same kind within `LINE_SLACK` lines."""
    negatives: int = 0
    """Negative labels."""
    negatives_reported: int = 0
    """Discovered references whose id is a negative label's text (counted among the false positives too)."""
    file_level: int = 0
    """Missed labels whose file reports the same kind and id on another line (`--show-misses` lists them)."""

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict:
        return {
            **vars(self),
            "recall": _ratio(self.found, self.labels),
            "precision": _ratio(self.true, self.discovered),
            "revision_agreement": _ratio(self.revision_agree, self.found),
            "dynamic_coverage": _ratio(self.dynamic_covered, self.dynamic_labels),
            "recall_file_level": _ratio(self.found + self.file_level, self.labels),
            "precision_file_level": _ratio(self.true + self.file_level, self.discovered),
        }


@dataclass
class Outcome:
    """What matching one file set gave: the pairs, and what was left over on each side."""

    hits: list[tuple[Label, Found]] = field(default_factory=list)
    missed: list[Label] = field(default_factory=list)
    false_positives: list[Found] = field(default_factory=list)
    dynamic: list[tuple[Label, bool]] = field(default_factory=list)
    """Each id-less label, with whether some reference of its kind sits near it."""
    negatives_reported: list[tuple[Label, Found]] = field(default_factory=list)
    negatives: list[Label] = field(default_factory=list)
    file_level_hits: list[tuple[Label, Found]] = field(default_factory=list)
    """Missed labels whose id the same file reports on another line (see `match`)."""


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


# -------------------------------------------------------------------------------------------------- matching


def deduplicate(found: Iterable[Found]) -> list[Found]:
    """One reference per (path, line, kind, id): two APIs reading one call are one reference for the labels. Of
    several revisions reported for one id at one call, a known one stands for the group, not the unknown one (the
    call may also load a revision given on the command line: that reading says nothing the label could check)."""
    seen: dict[tuple, Found] = {}
    for item in found:
        key = (item.path, item.line, item.kind, (item.id or "").lower() or None)
        if key not in seen or (seen[key].dynamic and not item.dynamic and item.id):
            seen[key] = item
    return list(seen.values())


def match(labels: Sequence[Label], found: Sequence[Found]) -> Outcome:
    """Pair labels with discovered references (multiset: each used once, nearest lines first)."""
    found = [f for f in deduplicate(found) if f.kind in LABELLED_KINDS]
    outcome = Outcome()
    positives = [label for label in labels if not label.negative and label.id]
    candidates = sorted(
        ((abs(label.line - ref.line), li, fi) for li, label in enumerate(positives) for fi, ref in enumerate(found)
         if ref.id and label.path == ref.path and label.kind == ref.kind and label.id.lower() == ref.id.lower()
         and abs(label.line - ref.line) <= LINE_SLACK))
    used_labels: set[int] = set()
    used_found: set[int] = set()
    for _, li, fi in candidates:
        if li not in used_labels and fi not in used_found:
            used_labels.add(li)
            used_found.add(fi)
            outcome.hits.append((positives[li], found[fi]))
    outcome.missed = [label for li, label in enumerate(positives) if li not in used_labels]
    outcome.false_positives = [ref for fi, ref in enumerate(found) if ref.id and fi not in used_found]
    # File level: a missed label and a leftover reference of the same file, kind and id, lines apart (the id bound
    # to a name on one line and loaded on another). The id is seen and judged; only its place differs.
    leftover = list(outcome.false_positives)
    for label in outcome.missed:
        twin = next((ref for ref in leftover if ref.path == label.path and ref.kind == label.kind
                     and (ref.id or "").lower() == label.id.lower()), None)
        if twin is not None:
            leftover.remove(twin)
            outcome.file_level_hits.append((label, twin))
    for label in labels:
        if label.negative:
            outcome.negatives.append(label)
            text = (label.text or "").lower()
            outcome.negatives_reported += [
                (label, ref) for ref in outcome.false_positives
                if ref.path == label.path and (ref.id or "").lower() == text and abs(ref.line - label.line) <= LINE_SLACK]
        elif not label.id:
            near = any(ref.path == label.path and ref.kind == label.kind and abs(ref.line - label.line) <= LINE_SLACK
                       for ref in found)
            outcome.dynamic.append((label, near))
    return outcome


# -------------------------------------------------------------------------------------------------- slicing


def file_type(path: str) -> str:
    """The file-type slice: python, notebook, config, or shell (shell, Docker, Make, CI workflows)."""
    name = path.rsplit("/", 1)[-1].lower()
    if path.startswith(".github/workflows/") or name.endswith(".sh") or name.startswith(("dockerfile", "makefile")) \
            or name.endswith((".dockerfile", ".mk", ".bash")):
        return "shell"
    if name.endswith(".py"):
        return "python"
    if name.endswith(".ipynb"):
        return "notebook"
    if name.endswith((".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".jsonnet")):
        return "config"
    return "other"


def tallies(outcome: Outcome) -> dict[str, Tally]:
    """The outcome counted per slice: `all`, `type:<file type>` and `role:<role>`."""
    slices: dict[str, Tally] = {}

    def bump(path: str, role: str, **counts: int) -> None:
        for key in ("all", f"type:{file_type(path)}", f"role:{role}"):
            tally = slices.setdefault(key, Tally())
            for name, value in counts.items():
                setattr(tally, name, getattr(tally, name) + value)

    for label, ref in outcome.hits:
        bump(label.path, label.role, labels=1, found=1, revision_agree=int(label.revision == ref.revision))
        bump(ref.path, ref.role, discovered=1, true=1)
    for label in outcome.missed:
        bump(label.path, label.role, labels=1)
    for ref in outcome.false_positives:
        bump(ref.path, ref.role, discovered=1)
    for label, covered in outcome.dynamic:
        bump(label.path, label.role, dynamic_labels=1, dynamic_covered=int(covered))
    for label in outcome.negatives:
        bump(label.path, label.role, negatives=1)
    for label, _ in outcome.negatives_reported:
        bump(label.path, label.role, negatives_reported=1)
    for label, _ in outcome.file_level_hits:
        bump(label.path, label.role, file_level=1)
    return slices


# ------------------------------------------------------------------------------------------ corpus and snapshots


@dataclass(frozen=True)
class LabelFile:
    repo: str
    commit: str
    labels: tuple[Label, ...]
    paths: tuple[str, ...]
    set: str = DEFAULT_SET
    """Which corpus the file belongs to: `development` (tuned to) or `heldout` (repositories never tuned to)."""


def read_label_file(path: Path) -> LabelFile:
    data = json.loads(path.read_text())
    labels = []
    for file_path, entries in data["files"].items():
        for entry in entries:
            labels.append(Label(
                path=file_path, line=int(entry["line"]), kind=entry.get("kind"), id=entry.get("id"),
                revision=entry.get("revision"), role=entry.get("role", "load"), negative=bool(entry.get("negative")),
                text=entry.get("text"), note=entry.get("note", "")))
    return LabelFile(data["repo"], data["commit"], tuple(labels), tuple(data["files"]), data.get("set", DEFAULT_SET))


def selected(label_paths: Iterable[Path], wanted_set: str, repo_globs: Sequence[str]) -> list[tuple[Path, LabelFile]]:
    """The label files in `wanted_set` (`all`: every set) whose file name or repository matches one of the globs."""
    chosen = []
    for path in label_paths:
        if path.name.startswith("precision_audit_"):
            continue  # bench/precision_audit.py's judged samples, not label files
        corpus = read_label_file(path)
        if wanted_set != "all" and corpus.set != wanted_set:
            continue
        if repo_globs and not any(fnmatch.fnmatch(path.name, glob) or fnmatch.fnmatch(path.stem, glob)
                                  or fnmatch.fnmatch(corpus.repo, glob) for glob in repo_globs):
            continue
        chosen.append((path, corpus))
    return chosen


def find_snapshot(repo: str, mirror_root: Path, overrides: dict[str, str]) -> Path | None:
    """The bare git directory holding `repo`: an override, else the first one under <mirror>/<owner>+<name>*."""
    if repo in overrides:
        return Path(overrides[repo])
    owner, name = repo.split("/", 1)
    for base in sorted(mirror_root.glob(f"{owner}+{name}*")):
        for head in sorted(base.rglob("HEAD")):
            if (head.parent / "objects").is_dir():
                return head.parent
    return None


def extract(git_dir: Path, commit: str, target: str) -> list[str]:
    """The whole tree at the labelled commit, written under `target` (like `git archive <commit> | tar -x`).

    A snapshot may lack its largest blobs; those files are left out and their paths returned."""
    git = ["git", f"--git-dir={git_dir}"]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", commit], capture_output=True, check=True).stdout
    entries = []
    for record in listing.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            mode, kind, sha = meta.split()
            if kind == b"blob":
                entries.append((mode, sha, os.fsdecode(path)))
    missing = []
    batch = subprocess.Popen([*git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert batch.stdin is not None and batch.stdout is not None
    for mode, sha, path in entries:
        batch.stdin.write(sha + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if header[-1] == b"missing":
            missing.append(path)
            continue
        content = batch.stdout.read(int(header[2]) + 1)[:-1]
        destination = os.path.join(target, path)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        if mode == b"120000":
            os.symlink(os.fsdecode(content), destination)
        else:
            with open(destination, "wb") as handle:
                handle.write(content)
    batch.stdin.close()
    batch.wait()
    return missing


def discovered_in(root: str, paths: Iterable[str]) -> list[Found]:
    """Discovery over the whole tree (as `model-gate scan` runs it), kept to the labelled files."""
    from gate.discover.engine import discover

    wanted = set(paths)
    return [Found(r.path, r.line, r.kind, r.id, r.revision, r.role, r.api, r.dynamic)
            for r in discover(root).references if r.path in wanted and r.kind != "artifact"]


def source_line(root: str, path: str, line: int) -> str:
    try:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    return text.strip()[:140]
    except OSError:
        pass
    return ""


# ------------------------------------------------------------------------------------------------- the report


def _row(name: str, tally: Tally) -> str:
    f = tally.figures()

    def pct(value: float | None) -> str:
        return "   -  " if value is None else f"{100 * value:5.1f}%"

    return (f"{name:<34} labels {tally.labels:4} found {tally.found:4} recall {pct(f['recall'])}  "
            f"discovered {tally.discovered:4} true {tally.true:4} precision {pct(f['precision'])}  "
            f"revision {pct(f['revision_agreement'])}  dynamic {tally.dynamic_covered}/{tally.dynamic_labels}  "
            f"negatives reported {tally.negatives_reported}/{tally.negatives}  "
            f"file level: recall {pct(f['recall_file_level'])} precision {pct(f['precision_file_level'])}")


def _misses(root: str, outcome: Outcome) -> list[str]:
    lines = []
    for label in sorted(outcome.missed, key=lambda x: (x.path, x.line)):
        other_kind = next((ref.kind for ref in outcome.false_positives if ref.path == label.path
                           and (ref.id or "").lower() == (label.id or "").lower()
                           and abs(ref.line - label.line) <= LINE_SLACK), None)
        lines.append(f"  MISS {label.path}:{label.line} {label.kind} {label.id} [{label.role}]"
                     f"{f' REPORTED AS KIND {other_kind}' if other_kind else ''}"
                     f"{' (' + label.note + ')' if label.note else ''}\n       | {source_line(root, label.path, label.line)}")
    for label, covered in outcome.dynamic:
        if not covered:
            lines.append(f"  MISS-DYNAMIC {label.path}:{label.line} {label.kind} [{label.role}]"
                         f"{' (' + label.note + ')' if label.note else ''}\n       | "
                         f"{source_line(root, label.path, label.line)}")
    for ref in sorted(outcome.false_positives, key=lambda x: (x.path, x.line)):
        lines.append(f"  FALSE {ref.path}:{ref.line} {ref.kind} {ref.id} ({ref.api})\n       | "
                     f"{source_line(root, ref.path, ref.line)}")
    for label, ref in outcome.hits:
        if label.revision != ref.revision:
            lines.append(f"  REVISION {label.path}:{label.line} {label.id}: labelled {label.revision!r}, reported "
                         f"{ref.revision!r} ({ref.api})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--mirror-root", type=Path, default=DEFAULT_MIRROR_ROOT)
    parser.add_argument("--snapshot", action="append", default=[], metavar="OWNER/NAME=DIR",
                        help="the bare git directory of one repository (repeatable)")
    parser.add_argument("--set", default=DEFAULT_SET, metavar="NAME",
                        help=f"measure the label files of this set (their \"set\" field; none means {DEFAULT_SET}): "
                             f"{DEFAULT_SET} (default), heldout, or all")
    parser.add_argument("--repos", action="append", default=[], metavar="GLOB",
                        help="only label files whose name (owner__name.json) or repository (owner/name) matches "
                             "(repeatable)")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.snapshot)

    totals: dict[str, Tally] = {}
    per_repo: dict[str, dict[str, Tally]] = {}
    skipped: list[str] = []
    for _, corpus in selected(sorted(args.corpus.glob("*.json")), args.set, args.repos):
        git_dir = find_snapshot(corpus.repo, args.mirror_root, overrides)
        if git_dir is None:
            print(f"{corpus.repo}: no snapshot under {args.mirror_root}; get it with the fetch tool "
                  f"(`fetch github:{corpus.repo}`) or pass --snapshot {corpus.repo}=DIR; skipped", file=sys.stderr)
            skipped.append(corpus.repo)
            continue
        with tempfile.TemporaryDirectory(prefix="recall-") as root:
            try:
                extract(git_dir, corpus.commit, root)
            except (OSError, subprocess.CalledProcessError) as exc:
                print(f"{corpus.repo}: cannot extract {corpus.commit} ({exc}); skipped", file=sys.stderr)
                skipped.append(corpus.repo)
                continue
            absent = [p for p in corpus.paths if not os.path.exists(os.path.join(root, p))]
            for path in absent:
                print(f"{corpus.repo}: labelled file {path} is not in the snapshot", file=sys.stderr)
            outcome = match(corpus.labels, discovered_in(root, corpus.paths))
            slices = tallies(outcome)
            per_repo[corpus.repo] = slices
            for key, tally in slices.items():
                totals.setdefault(key, Tally()).add(tally)
            if not args.json:
                print(_row(f"{corpus.repo} ({len(corpus.paths)} files)", slices.get("all", Tally())))
                if args.show_misses:
                    print("\n".join(_misses(root, outcome)))
    if not per_repo:
        print("no repository could be measured", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"overall": {k: v.figures() for k, v in sorted(totals.items())},
                          "repositories": {repo: slices["all"].figures() if "all" in slices else None
                                           for repo, slices in per_repo.items()},
                          "skipped": skipped}, indent=2))
    else:
        print()
        for key in sorted(totals, key=lambda k: (k != "all", k)):
            print(_row("overall" if key == "all" else key, totals[key]))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())

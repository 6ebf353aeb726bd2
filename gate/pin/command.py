"""`model-gate pin`: rewrite every unpinned Hub reference to the commit its branch or tag points at today.

Wiring only: discover → choose what can be pinned → resolve on the Hub → rewrite each file → print a unified
diff (dry run, the default) or write it (`--write`); optionally record the commits in the policy.

Exit codes: 0 done (also when there was nothing to pin); 2 usage error; 3 the Hub could not resolve some
reference (each is listed; the others are still pinned).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import difflib
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate import cli_options as opt
from gate.cli_options import parse_today
from gate.discover.hubids import is_pinned
from gate.discover.interface import Reference
from gate.discover.pinnability import HUB_SOURCES, pin_obstacle
from gate.errors import ExitCode, UsageError
from gate.pin.interface import Pin, Skipped, resolution_key

EXIT_OK, EXIT_USAGE, EXIT_RESOLUTION_FAILED = ExitCode.PASS, ExitCode.USAGE, ExitCode.VERIFICATION_FAILED


@dataclass
class PinRun:
    """What one run found, changed and left alone (everything the command prints)."""

    diffs: list[str] = field(default_factory=list)
    changed: dict[str, str] = field(default_factory=dict)
    """Absolute path → new text, for --write."""
    pinned: list[Pin] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    already_pinned: int = 0

    @property
    def resolution_failed(self) -> bool:
        return any(s.resolution_failed for s in self.skipped)


def choose(references: Iterable[Reference]) -> tuple[list[Reference], list[Skipped], list[Reference]]:
    """(references to pin, references listed with a reason, references already pinned on the Hub)."""
    wanted: list[Reference] = []
    skipped: list[Skipped] = []
    pinned: list[Reference] = []
    for reference in references:
        if reference.kind not in ("model", "dataset") or reference.source == "local" or reference.role == "publish":
            continue  # a publish target names where the code pushes: a revision there would break the push
        if reference.pinned:
            if reference.source in HUB_SOURCES and reference.id:
                pinned.append(reference)
            continue
        reason = pin_obstacle(reference)  # the same answer the scan's fix text gives
        if reason:
            skipped.append(Skipped(reference, reason))
        else:
            wanted.append(reference)
    shared = _shared_revision_places(wanted)
    skipped.extend(Skipped(r, shared[_place(r)]) for r in wanted if _place(r) in shared)
    return [r for r in wanted if _place(r) not in shared], skipped, pinned


def _place(reference: Reference) -> tuple:
    return (reference.path, reference.line, reference.column, reference.syntax, reference.revision_key)


def _shared_revision_places(references: list[Reference]) -> dict[tuple, str]:
    """Places where one revision keyword serves several repositories (`pipeline(model=a, tokenizer=b,
    revision=...)`): any sha written there would be wrong for all but one of them."""
    ids: dict[tuple, set[str]] = {}
    for reference in references:
        if reference.revision_key not in ("@", "url"):
            ids.setdefault(_place(reference), set()).add((reference.id or "").lower())
    return {
        place: (f"one {place[4]} here serves {' and '.join(sorted(names))}, so no single commit pins them all; "
                "load each repository in its own call to pin them")
        for place, names in ids.items() if len(names) > 1
    }


def _diff(path: str, old: str, new: str, *, created: bool = False) -> str:
    """A `git apply`-able unified diff (`/dev/null` as the old side of a new file)."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile="/dev/null" if created else f"a/{path}", tofile=f"b/{path}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _read(absolute: Path) -> str:
    with open(absolute, encoding="utf-8", newline="") as handle:  # newline="": keep CRLF files CRLF
        return handle.read()


def _inside(root: Path, absolute: Path) -> bool:
    real = os.path.realpath(absolute)
    return real == str(root) or real.startswith(str(root) + os.sep)


def rewrite_files(root: Path, pins: list[Pin], run: PinRun) -> None:
    from gate.pin.rewrite import rewrite_file

    by_path: dict[str, list[Pin]] = {}
    for pin in pins:
        by_path.setdefault(pin.reference.path, []).append(pin)
    for path in sorted(by_path):
        file_pins = by_path[path]
        absolute = root / path
        if not _inside(root, absolute):
            run.skipped.extend(Skipped(p.reference, "the file is a link out of the repository") for p in file_pins)
            continue
        try:
            text = _read(absolute)
        except (OSError, UnicodeDecodeError) as exc:
            reason = f"cannot read the file ({getattr(exc, 'strerror', None) or type(exc).__name__})"
            run.skipped.extend(Skipped(p.reference, reason) for p in file_pins)
            continue
        try:
            result = rewrite_file(path, text, file_pins)
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the others; the file stays as it is
            reason = f"model-gate could not rewrite this file ({type(exc).__name__}: {exc}); pin it by hand"
            run.skipped.extend(Skipped(p.reference, reason) for p in file_pins)
            continue
        run.pinned.extend(result.pinned)
        run.skipped.extend(result.skipped)
        if result.text != text:
            run.diffs.append(_diff(path, text, result.text))
            run.changed[str(absolute)] = result.text


def _policy_path(root: Path, requested: str) -> Path:
    from gate.policy.load import REPO_POLICY_FILES, find_repo_policy

    if requested:
        return Path(requested)
    return find_repo_policy(root) or root / REPO_POLICY_FILES[0]


def _display(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def update_policy(root: Path, requested: str, lock_files: bool, already: list[Reference], run: PinRun,
                  endpoint: str) -> None:
    """Record every pinned commit (new and existing) in the policy; with lock_files, the LFS hashes too."""
    from gate.errors import PolicyError
    from gate.pin.policy_update import PolicyPin, update_policy_text
    from gate.pin.resolve import resolve_revisions

    commits: dict[tuple[str, str], tuple[str, list[str]]] = {}  # (kind, id lower) -> (id, [sha, ...])
    for kind, repo_id, sha in [(_policy_kind(p.reference), p.reference.id or "", p.sha) for p in run.pinned] + [
            (r.kind, r.id or "", r.revision or "") for r in already]:
        shas = commits.setdefault((kind, repo_id.lower()), (repo_id, []))[1]
        if sha not in shas:
            shas.append(sha)
    if not commits:
        return
    files: dict[tuple[str, str], tuple] = {}
    if lock_files:
        queries = [(kind, repo_id, sha) for (kind, _), (repo_id, shas) in commits.items() for sha in shas
                   if kind != "mlflow"]
        answers = resolve_revisions(queries, endpoint=endpoint)
        for (kind, repo_id, _sha), answer in answers.items():
            if answer.error:
                reference = next(r for r in [p.reference for p in run.pinned] + already
                                 if r.kind == kind and (r.id or "").lower() == repo_id.lower())
                run.skipped.append(Skipped(reference, f"cannot lock its files: {answer.error}", resolution_failed=True))
                continue
            key = (kind, repo_id.lower())
            # With several commits allowed, lock only the files whose hash is the same at each of them.
            files[key] = tuple(sorted(set(files[key]) & set(answer.files))) if key in files else answer.files
    pins = [PolicyPin("model", repo_id, tuple(shas), source="mlflow") if kind == "mlflow" else
            PolicyPin(kind, repo_id, tuple(shas), files.get((kind, key_id), ()))
            for (kind, key_id), (repo_id, shas) in commits.items()]
    path = _policy_path(root, requested)
    created = not path.exists()
    try:
        old = "" if created else _read(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the policy {path}: {exc}") from exc
    label = _display(root, path)
    try:
        new = update_policy_text(old, pins, label=label)
    except PolicyError as exc:
        raise UsageError(f"cannot update the policy: {exc}") from exc
    if new != old:
        from gate.policy.load import load_policy

        def problem(text: str) -> PolicyError | None:
            try:
                load_policy(None, str(root), text=text, label=label, base_dir=str(path.resolve().parent))
            except PolicyError as exc:
                return exc
            return None

        # The same checks `scan` makes: never write a policy the next scan would reject.
        if (new_problem := problem(new)) is not None:
            old_problem = None if created else problem(old)
            if old_problem is not None:  # its own line numbers, not those of the updated text
                raise UsageError(f"the policy is not valid, so nothing was written (fix it, then run again): "
                                 f"{old_problem}") from old_problem
            raise UsageError(f"the update would leave the policy invalid, so nothing was written: {new_problem}") \
                from new_problem
        run.diffs.append(_diff(label, old, new, created=created))
        run.changed[str(path)] = new


def _policy_kind(reference: Reference) -> str:
    """MLflow versions are recorded apart from Hub commits (`source: mlflow` entries)."""
    return "mlflow" if reference.source == "mlflow" else reference.kind


def run_pin(root: Path, *, endpoint: str, today: _dt.date, paths: Any=None, excludes: Any=(), jobs: Any=None,
            policy: str | None = None, lock_files: bool = False,
            preferred: dict[tuple[str, str], str] | None = None) -> PinRun:
    """Everything but printing and writing: discover, resolve, rewrite (and the policy, when `policy` is set).

    `preferred`: {(kind, lowercased id): commit} the policy already allows; those references are pinned to it
    rather than to whatever their branch points at today (`model-gate init`)."""
    from gate.discover.engine import discover
    from gate.pin.resolve import Resolution, hub_unreachable, resolve_revisions

    discovery = discover(str(root), paths=paths, excludes=excludes, jobs=jobs)
    wanted, skipped, already = choose(discovery.references)
    run = PinRun(skipped=skipped, already_pinned=len(already))
    preferred = preferred or {}
    registry_pins: list[Pin] = []
    if any(r.source == "mlflow" for r in wanted):
        from gate.pin.mlflow import resolve_registry_pins
        from gate.policy.load import load_policy

        registry_pins, registry_skipped = resolve_registry_pins(
            [r for r in wanted if r.source == "mlflow"], load_policy(policy or None, str(root), today=today), today)
        run.skipped.extend(registry_skipped)
        wanted = [r for r in wanted if r.source != "mlflow"]

    queries: dict[tuple, tuple[str, str, str | None]] = {}
    for reference in wanted:
        if (reference.kind, (reference.id or "").lower()) not in preferred:
            queries.setdefault(resolution_key(reference), (reference.kind, reference.id or "", reference.revision))
    unreachable = hub_unreachable(endpoint) if queries else None
    if unreachable is not None:  # one line for the whole run, not one retried failure per id
        answers = {query: Resolution(None, unreachable) for query in queries.values()}
    else:
        answers = resolve_revisions(queries.values(), endpoint=endpoint)
    pins: list[Pin] = []
    for reference in wanted:
        allowed = preferred.get((reference.kind, (reference.id or "").lower()))
        if allowed is not None:
            pins.append(Pin(reference, allowed, reference.revision, today))
            continue
        answer = answers[queries[resolution_key(reference)]]
        if answer.sha is None:
            run.skipped.append(Skipped(reference, answer.error or "the Hub gave no commit", resolution_failed=True))
        elif not is_pinned(answer.sha):  # an answer is data: only a real commit sha is ever written into a file
            run.skipped.append(Skipped(reference, f"the Hub gave {answer.sha[:60]!r}, which is not a commit sha",
                                       resolution_failed=True))
        else:
            pins.append(Pin(reference, answer.sha, reference.revision, today))
    rewrite_files(root, pins + registry_pins, run)
    if policy is not None:
        update_policy(root, policy, lock_files, already, run, endpoint)
    return run


def _describe(reference: Reference) -> str:
    at = f"@{reference.revision}" if reference.revision else ""
    return f"{reference.path}:{reference.line}: {reference.kind} {reference.id or '(dynamic)'}{at}"


def report(run: PinRun, *, write: bool, out: Any, err: Any) -> None:
    out.write("".join(run.diffs))
    if run.skipped:
        err.write(f"Not pinned ({len(run.skipped)}):\n")
        for item in sorted(run.skipped, key=lambda s: (s.reference.path, s.reference.line, s.reference.column)):
            # The Hub's own message names the id already: say it once.
            named = item.reason.startswith(f"{item.reference.kind} {item.reference.id} ")
            where = f"{item.reference.path}:{item.reference.line}" if named else _describe(item.reference)
            err.write(f"  {where}: {item.reason}\n")
    files = len(run.changed)
    left = f"; {len(run.skipped)} not pinned (listed above)" if run.skipped else ""
    if not run.pinned and not run.changed:
        err.write(f"model-gate pin: nothing to change{left} ({run.already_pinned} reference(s) already pinned).\n")
    elif write:
        err.write(f"model-gate pin: pinned {len(run.pinned)} reference(s) and wrote {files} file(s){left}.\n")
    else:
        err.write(f"model-gate pin: would pin {len(run.pinned)} reference(s) in {files} file(s){left}; "
                  "run again with --write to apply.\n")


def handle_pin(args: Any) -> int:
    from gate.pin.resolve import hub_endpoint

    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"not a directory: {args.path} (give the repository root)")
    if args.lock_files and args.update_policy is None:
        raise UsageError("--lock-files records file hashes in the policy: use it with --update-policy")
    root = root.resolve()
    run = run_pin(root, endpoint=hub_endpoint(args.hub_endpoint), today=parse_today(args.today),
                  paths=tuple(args.paths) if args.paths else None, excludes=tuple(args.exclude), jobs=args.jobs,
                  policy=args.update_policy, lock_files=args.lock_files)
    if args.write:
        for absolute, text in run.changed.items():
            Path(absolute).parent.mkdir(parents=True, exist_ok=True)
            with open(absolute, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
    report(run, write=args.write, out=sys.stdout, err=sys.stderr)
    return EXIT_RESOLUTION_FAILED if run.resolution_failed else EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    pin = sub.add_parser("pin", help="pin every unpinned Hub reference to the commit it resolves to today",
                         description="Rewrite unpinned model and dataset references to full commit shas. "
                                     "Dry run by default: prints a unified diff; --write applies it.")
    opt.PATH.add_to(pin)
    pin.add_argument("--write", action="store_true", help="apply the changes instead of printing the diff")
    pin.add_argument("--update-policy", nargs="?", const="", default=None, metavar="FILE",
                     help="also record the commits in the policy's models/datasets entries "
                          "(default FILE: .github/model-policy.yml, else .model-policy.yml)")
    pin.add_argument("--lock-files", action="store_true",
                     help="with --update-policy: also pin each LFS file's sha256 (files:) from the Hub's metadata")
    opt.HUB_ENDPOINT.add_to(pin)
    opt.EXCLUDE.add_to(pin)
    opt.PATHS.add_to(pin, help="pin only references in these files (relative to PATH)")
    opt.JOBS.add_to(pin)
    opt.TODAY.add_to(pin)
    pin.set_defaults(handler=handle_pin)

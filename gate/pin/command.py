"""`model-gate pin`: the scan with Hub (and MLflow) evidence, then the findings' fixes applied.

Wiring only: run the pipeline `scan --verify hub` runs (`gate.pipeline.scan`: discover → verify → judge), take
each unpinned-revision finding that carries a `Fix` (the commit or version its branch, tag or alias points at
today; the judge gives one only where pin can write it, gate/discover/pinnability.py), rewrite each file with it
and print a unified diff (dry run, the default) or write it (`--write`); optionally record the commits in the
policy. What pin cannot fix is said in the scan's words: the pinnability reason, or the finding that stands in
the way (the repository or revision not found, verification failed, the policy's waiver).

Exit codes: 0 done (also when there was nothing to pin); 2 usage error; 3 the Hub or the registry could not
resolve some reference (each is listed; the others are still pinned).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import difflib
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gate import cli_options as opt
from gate.cli_options import parse_today
from gate.discover.hubids import is_pinned
from gate.discover.interface import Reference
from gate.discover.pinnability import HUB_SOURCES, pin_obstacle
from gate.errors import ExitCode, PolicyError, UsageError
from gate.pin.interface import Pin, Skipped
from gate.policy.interface import Finding

EXIT_OK, EXIT_USAGE, EXIT_RESOLUTION_FAILED = ExitCode.PASS, ExitCode.USAGE, ExitCode.VERIFICATION_FAILED

UNRESOLVED_RULES = ("verification-failed", "repo-not-found", "revision-not-found", "repo-disabled",
                    "registry-not-allowed", "registry-version-unusable")
"""Findings that mean the registry gave no commit or version to pin to: pin lists them and exits 3."""


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


@dataclass(frozen=True)
class PinPlan:
    """What the scan's findings say to write, and what they say cannot be."""

    pins: tuple[Pin, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    already: tuple[Reference, ...] = ()
    """Hub references pinned to a commit already (their commits go into the policy too)."""


def _about(findings: Sequence[Finding]) -> dict[int, list[Finding]]:
    """Reference index -> the findings about it (a failed query's finding names every reference that shares it)."""
    about: dict[int, list[Finding]] = {}
    for finding in findings:
        indexes = {finding.reference, *finding.details.get("references", ())} - {None}
        for index in indexes:
            about.setdefault(index, []).append(finding)
    return about


def plan_pins(references: Sequence[Reference], findings: Sequence[Finding], today: _dt.date, *,
              preferred: Mapping[tuple[str, str], str] | None = None, offline: str | None = None) -> PinPlan:
    """The pins the findings' fixes make, and every other unpinned model or dataset with the reason it is not.

    `preferred`: {(kind, lowercased id): commit} to write instead of the fix (`model-gate init`: the commit the
    repository already uses elsewhere, which its new policy will allow). `offline`: why the Hub could not be asked
    (one line for every Hub reference it leaves unresolved)."""
    about = _about(findings)
    pins: list[Pin] = []
    skipped: list[Skipped] = []
    already: list[Reference] = []
    for index, reference in enumerate(references):
        if reference.kind not in ("model", "dataset") or reference.source == "local" or reference.role == "publish":
            continue  # a publish target names where the code pushes: a revision there would break the push
        mine = about.get(index, [])
        unpinned = next((f for f in mine if f.rule == "unpinned-revision"), None)
        if reference.pinned and unpinned is None:  # (a branch named like a sha has the finding: it is fixed below)
            if reference.source in HUB_SOURCES and reference.id:
                already.append(reference)
            continue
        obstacle = pin_obstacle(reference) or (
            unpinned.remediation if unpinned is not None and unpinned.details.get("shared_with") else None)
        if obstacle:
            skipped.append(Skipped(reference, obstacle))
            continue
        followed = (reference.revision or "latest") if reference.source == "mlflow" else reference.revision
        allowed = (preferred or {}).get((reference.kind, (reference.id or "").lower()))
        if allowed is not None:
            pins.append(Pin(reference, allowed, followed, today))
        elif unpinned is not None and unpinned.waived_by is not None:
            skipped.append(Skipped(reference, f"the policy waives unpinned-revision here (exceptions[{unpinned.waived_by}])"))
        elif unpinned is not None and unpinned.fix is not None:
            revision = unpinned.fix.revision
            if reference.source in HUB_SOURCES and not is_pinned(revision):  # an answer is data: only a sha is written
                skipped.append(Skipped(reference, f"the Hub gave {revision[:60]!r}, which is not a commit sha",
                                       resolution_failed=True))
            else:
                pins.append(Pin(reference, revision, followed, today))
        else:
            skipped.append(_why_no_fix(reference, unpinned, mine, offline))
    return PinPlan(tuple(pins), tuple(skipped), tuple(already))


def _why_no_fix(reference: Reference, unpinned: Finding | None, findings: Sequence[Finding],
                offline: str | None) -> Skipped:
    """The finding that stands between this reference and a pin, in its own words."""
    failure = next((f for f in findings if f.rule in UNRESOLVED_RULES), None)
    if failure is not None:
        hub = reference.source in HUB_SOURCES
        return Skipped(reference, offline if offline and hub else failure.message, resolution_failed=True)
    other = next((f for f in findings if f.rule == "unconfirmed-reference"), None)
    if other is not None:
        return Skipped(reference, other.message)
    if unpinned is None:
        return Skipped(reference, "the scan asks for no pin here (the policy's defaults.require_pinned or a "
                                  "severity override)")
    return Skipped(reference, offline or "the registry gave no commit or version for it", resolution_failed=True)


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


def rewrite_files(root: Path, pins: Sequence[Pin], run: PinRun) -> None:
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


def update_policy(root: Path, requested: str, lock_files: bool, already: Sequence[Reference], run: PinRun,
                  evidence: Any) -> None:
    """Record every pinned commit (new and existing) in the policy; with lock_files, the LFS hashes too (read from
    the scan's Hub answers: the answer to each pinned reference's query is the commit it is pinned to)."""
    from gate.pin.policy_update import PolicyPin, update_policy_text

    commits: dict[tuple[str, str], tuple[str, list[str]]] = {}  # (kind, id lower) -> (id, [sha, ...])
    for kind, repo_id, sha in [(_policy_kind(p.reference), p.reference.id or "", p.sha) for p in run.pinned] + [
            (r.kind, r.id or "", r.revision or "") for r in already]:
        shas = commits.setdefault((kind, repo_id.lower()), (repo_id, []))[1]
        if sha not in shas:
            shas.append(sha)
    if not commits:
        return
    files: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
    if lock_files:
        locked: dict[tuple[str, str, str], tuple[Reference, tuple[tuple[str, str], ...] | str]] = {}
        for reference, sha in [(p.reference, p.sha) for p in run.pinned] + [(r, r.revision or "") for r in already]:
            if reference.source != "mlflow":
                locked.setdefault((reference.kind, (reference.id or "").lower(), sha),
                                  (reference, _lfs_files(evidence, reference, sha)))
        for (kind, key_id, _sha), (reference, answer) in locked.items():
            if isinstance(answer, str):
                run.skipped.append(Skipped(reference, f"cannot lock its files: {answer}", resolution_failed=True))
                continue
            key = (kind, key_id)
            # With several commits allowed, lock only the files whose hash is the same at each of them.
            files[key] = tuple(sorted(set(files[key]) & set(answer))) if key in files else answer
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


def _lfs_files(evidence: Any, reference: Reference, sha: str) -> tuple[tuple[str, str], ...] | str:
    """(file name, LFS sha256) at `sha` from the scan's answer for `reference`, or why there is none."""
    from gate.verify.interface import query_for

    query = query_for(reference)
    hub = getattr(evidence, "hub", None)
    if query is None or hub is None:
        return "the scan did not ask the Hub about it"
    if query in hub.failures:
        return f"{query.label()}: {hub.failures[query]}"
    answer = hub.answers.get(query)
    if answer is None or answer.status != "ok" or answer.sha != sha:
        return f"the Hub gave no files for {query.label()} at {sha}"
    return tuple((f.path, f.lfs_sha256) for f in answer.files if f.lfs_sha256)


def run_pin(root: Path, *, config: Any, today: _dt.date, paths: Sequence[str] | None = None,
            excludes: Sequence[str] = (), jobs: int | None = None, policy: str | None = None, lock_files: bool = False,
            preferred: Mapping[tuple[str, str], str] | None = None) -> PinRun:
    """Everything but printing and writing: scan with Hub evidence, apply the fixes (and update the policy, when
    `policy` is set). `config`: the `VerifyConfig` built at the edge (endpoints, tokens, tuning).

    `preferred`: {(kind, lowercased id): commit} the policy already allows; those references are pinned to it
    rather than to whatever their branch points at today (`model-gate init`)."""
    from gate.pipeline import ScanOptions, scan
    from gate.verify.reachable import endpoint_unreachable

    offline = endpoint_unreachable(config.hub_endpoint)
    if offline is not None:  # one line for the whole run, not one retried failure per id
        config = replace(config, settings=replace(config.settings, attempts=1))
    # The policy the scan judges by: the one to update when it exists, else the repository's (or the built-in).
    policy_path = policy if policy and Path(policy).is_file() else None
    options = ScanOptions(root=str(root), policy_path=policy_path, paths=tuple(paths) if paths else None,
                          excludes=tuple(excludes), jobs=jobs, fail_on="never", today=today, verify="hub",
                          verify_config=config)
    try:
        result = scan(options)
    except PolicyError as exc:
        if policy is None:
            raise
        raise UsageError(f"the policy is not valid, so nothing was written (fix it, then run again): {exc}") from exc
    plan = plan_pins(result.report.references, result.report.findings, today, preferred=preferred, offline=offline)
    run = PinRun(skipped=list(plan.skipped), already_pinned=len(plan.already))
    rewrite_files(root, plan.pins, run)
    if policy is not None:
        update_policy(root, policy, lock_files, plan.already, run, result.evidence)
    return run


def _describe(reference: Reference) -> str:
    at = f"@{reference.revision}" if reference.revision else ""
    return f"{reference.path}:{reference.line}: {reference.kind} {reference.id or '(dynamic)'}{at}"


def _names(reason: str, reference: Reference) -> bool:
    """Whether `reason`'s first clause names the reference already (`model 'org/m' does not exist ...`, `could not
    verify model org/m: ...`): then it is said once."""
    return bool(reference.id) and str(reference.id) in reason.split(": ", 1)[0]


def report(run: PinRun, *, write: bool, out: Any, err: Any) -> None:
    out.write("".join(run.diffs))
    if run.skipped:
        err.write(f"Not pinned ({len(run.skipped)}):\n")
        for item in sorted(run.skipped, key=lambda s: (s.reference.path, s.reference.line, s.reference.column)):
            # A finding's message names the reference already: say it once.
            named = _names(item.reason, item.reference)
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
    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"not a directory: {args.path} (give the repository root)")
    if args.lock_files and args.update_policy is None:
        raise UsageError("--lock-files records file hashes in the policy: use it with --update-policy")
    root = root.resolve()
    run = run_pin(root, config=opt.verify_config(args), today=parse_today(args.today),
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

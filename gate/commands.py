"""Sub-command handlers: each parses nothing and decides nothing, it wires stages and picks an exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gate.cli import _today, write_output
from gate.errors import UsageError


def _read_changed_files(listfile: str) -> list[str]:
    try:
        text = Path(listfile).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read --changed-files {listfile}: {exc.strerror}") from exc
    return [line.strip() for line in text.splitlines() if line.strip()]


def scan_options_from_args(args):
    from gate.pipeline import ScanOptions

    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"path not found: {args.path}")
    if not root.is_dir():
        raise UsageError(f"not a directory: {args.path} (give the repository root; use --paths for files)")
    paths = None
    if args.paths or args.changed_files:
        paths = tuple(args.paths or ()) + tuple(_read_changed_files(args.changed_files) if args.changed_files else ())
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return ScanOptions(
        root=str(root.resolve()),
        policy_path=args.policy,
        paths=paths,
        excludes=tuple(args.exclude),
        jobs=args.jobs,
        fail_on=args.fail_on,
        today=_today(args.today),
        verify=getattr(args, "verify", None),
        hub_endpoint=getattr(args, "hub_endpoint", None),
        cache_dir=getattr(args, "cache_dir", None),
        scan_cache=not getattr(args, "no_cache", False),
        verify_failure=getattr(args, "verify_failure", None),
        sigstore_trust_config=getattr(args, "sigstore_trust_config", None),
        fetch_lfs=getattr(args, "fetch_lfs", None),
        lfs_token=_lfs_token(),
    )


def _lfs_token() -> str | None:
    import os

    from gate.verify.lfs import TOKEN_ENV

    return os.environ.get(TOKEN_ENV) or None


def render(report, fmt: str, subject_digests: tuple[str, ...] = ()) -> str:
    if fmt == "intoto":
        from gate.report.intoto import parse_subject_digests, render_intoto

        return render_intoto(report, parse_subject_digests(subject_digests))
    if fmt == "json":
        from gate.report.json_report import render_json

        return render_json(report)
    if fmt == "sarif":
        from gate.report.sarif import render_sarif

        text = render_sarif(report)
        if '"aggregated": {' in text:  # say it where people look, not only inside the file
            print("model-gate: the SARIF report aggregates findings to stay within GitHub's limits (25,000 "
                  "results, 10 MB gzipped); every error is kept, and --format json lists every finding",
                  file=sys.stderr)
        return text
    if fmt == "cyclonedx":
        from gate.report.cyclonedx import render_cyclonedx

        return render_cyclonedx(report)
    from gate.report.text import render_text

    return render_text(report)


def exit_code_for(report) -> int:
    if any(f.rule == "verification-failed" and f.waived_by is None and f.severity == "error" for f in report.findings):
        return 3
    return 1 if report.verdict == "fail" else 0


def handle_scan(args) -> int:
    from gate.pipeline import run_scan

    options = scan_options_from_args(args)
    if args.format == "intoto":  # a malformed digest is a usage error before the scan, not after it
        from gate.report.intoto import parse_subject_digests

        parse_subject_digests(args.subject_digest)
    baseline = _read_baseline(args.baseline) if args.baseline else None
    report = run_scan(options)
    if args.diff_base:
        from gate.baseline import against_commit

        report = against_commit(report, options, args.diff_base)
    if baseline is not None:
        from gate.baseline import against_baseline

        report = against_baseline(report, baseline, options.fail_on)
    write_output(render(report, args.format, tuple(getattr(args, "subject_digest", ()) or ())), args.output)
    if args.output:  # the report went to a file: still say how the run ended
        from gate.report.text import verdict_line

        print(f"{verdict_line(report)} (report written to {args.output})", file=sys.stderr)
    return exit_code_for(report)


def handle_init(args) -> int:
    from gate.adopt import adopt, render
    from gate.pin.resolve import hub_endpoint

    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"not a directory: {args.path} (give the repository root)")
    adoption = adopt(root.resolve(), endpoint=hub_endpoint(args.hub_endpoint), today=_today(args.today),
                     action_ref=args.action_ref, owner=args.owner, branch=args.branch, pin=not args.no_pin,
                     jobs=args.jobs)
    sys.stdout.write(render(adoption))
    if adoption.offline:
        return 3
    return 0 if adoption.verdict == "pass" else 1


def _read_baseline(path: str):
    from gate.baseline import identities_in_json_report

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read --baseline {path}: {exc.strerror}") from exc
    return identities_in_json_report(text, path)


def register(sub: argparse._SubParsersAction) -> None:
    """Attach every sub-command. The `scan` parser is built in gate.cli; handlers live here."""
    scan = sub.choices["scan"]
    scan.add_argument("--verify", choices=("none", "hub", "full"), default=None,
                      help="verify references against the Hub (default: as the policy says, else none)")
    scan.add_argument("--hub-endpoint", metavar="URL", help="Hub endpoint (default: $HF_ENDPOINT or huggingface.co)")
    scan.add_argument("--cache-dir", metavar="DIR",
                      help="cache of immutable Hub answers and of per-file scan results (default: ~/.cache/model-gate)")
    scan.add_argument("--no-cache", action="store_true",
                      help="scan every file, neither reading nor writing the per-file scan cache")
    scan.add_argument("--verify-failure", choices=("error", "warn"), default=None,
                      help="when a reference cannot be verified: error (exit 3; the default, unless the policy's "
                           "defaults.verify_failure says warn) or warn")
    scan.add_argument("--fetch-lfs", action=argparse.BooleanOptionalAction, default=None,
                      help="with --verify: fetch committed Git LFS pointers' content from the repository's LFS server "
                           "(remote.origin.url; token: $MODEL_GATE_LFS_TOKEN) and scan it (default: as the policy's "
                           "defaults.fetch_lfs says, else off: pointers are judged by their names)")
    scan.add_argument("--sigstore-trust-config", metavar="FILE",
                      help="Sigstore trust config for a private instance (default: embedded public-good root)")
    scan.set_defaults(handler=handle_scan)

    init = sub.add_parser("init", help="adopt model-gate here: policy, pins, workflow, CODEOWNERS, a passing scan",
                          description="Scan, write .github/model-policy.yml, pin every unpinned reference (recording "
                                      "the commits in the policy), write .github/workflows/model-gate.yml and a "
                                      "CODEOWNERS line, then scan again and list what is left to decide.")
    init.add_argument("path", nargs="?", default=".", help="repository root (default: .)")
    init.add_argument("--hub-endpoint", metavar="URL", help="Hub endpoint (default: $HF_ENDPOINT or huggingface.co)")
    init.add_argument("--action-ref", metavar="OWNER/REPO@SHA",
                      help="the model-gate release the workflow uses, by full commit sha")
    init.add_argument("--owner", metavar="@ORG/TEAM", help="who approves policy changes (CODEOWNERS)")
    init.add_argument("--branch", default="main", help="the default branch the workflow also runs on (default: main)")
    init.add_argument("--no-pin", action="store_true", help="do not ask the Hub; leave unpinned references as they are")
    init.add_argument("--jobs", "-j", type=int, default=None, help="parallel discovery workers (default: CPU count)")
    init.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    init.set_defaults(handler=handle_init)

    from gate import policy_commands

    policy_commands.register(sub)
    try:
        from gate.pin import command as pin_command
    except ImportError:  # the pin command arrives with its own issue
        pin_command = None
    if pin_command is not None:
        pin_command.register(sub)

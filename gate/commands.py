"""Sub-command handlers: each parses nothing and decides nothing, it wires stages and picks an exit code."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from gate import cli_options as opt
from gate.cli_options import parse_today, write_output
from gate.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from gate.cli_options import SubParsers
    from gate.pipeline import ScanOptions
    from gate.report.interface import Report


def _read_changed_files(listfile: str) -> list[str]:
    try:
        text = Path(listfile).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read --changed-files {listfile}: {exc.strerror}") from exc
    return [line.strip() for line in text.splitlines() if line.strip()]


def scan_options_from_args(args: argparse.Namespace) -> ScanOptions:
    from gate.pipeline import ScanOptions

    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"path not found: {args.path}")
    if not root.is_dir():
        raise UsageError(f"not a directory: {args.path} (give the repository root; use --paths for files)")
    paths = None
    if args.paths or args.changed_files:
        paths = tuple(args.paths or ()) + tuple(_read_changed_files(args.changed_files) if args.changed_files else ())
    return ScanOptions(
        root=str(root.resolve()),
        policy_path=args.policy,
        paths=paths,
        excludes=tuple(args.exclude),
        jobs=args.jobs,
        fail_on=args.fail_on,
        today=parse_today(args.today),
        verify=getattr(args, "verify", None),
        hub_endpoint=getattr(args, "hub_endpoint", None),
        cache_dir=getattr(args, "cache_dir", None),
        scan_cache=not getattr(args, "no_cache", False),
        verify_failure=getattr(args, "verify_failure", None),
        sigstore_trust_config=getattr(args, "sigstore_trust_config", None),
        fetch_lfs=getattr(args, "fetch_lfs", None),  # the token: MODEL_GATE_LFS_TOKEN, read into VerifyConfig
    )


def render(report: Report, fmt: str, subject_digests: tuple[str, ...] = ()) -> str:
    if fmt == "intoto":
        from gate.report.intoto import parse_subject_digests, render_intoto

        return render_intoto(report, parse_subject_digests(subject_digests))
    if fmt == "json":
        from gate.report.json_report import render_json

        return render_json(report)
    if fmt == "sarif":
        import json

        from gate.report.sarif import limits_note, render_sarif

        text = render_sarif(report)
        if '"aggregated": {' in text:  # say it where people look, not only inside the file
            print(f"model-gate: {limits_note(json.loads(text))}", file=sys.stderr)
        return text
    if fmt == "cyclonedx":
        from gate.report.cyclonedx import render_cyclonedx

        return render_cyclonedx(report)
    from gate.report.text import render_text

    return render_text(report)


def exit_code_for(report: Report) -> ExitCode:
    if any(f.rule == "verification-failed" and f.waived_by is None and f.severity == "error" for f in report.findings):
        return ExitCode.VERIFICATION_FAILED
    return ExitCode.FINDINGS if report.verdict == "fail" else ExitCode.PASS


def handle_scan(args: argparse.Namespace) -> int:
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
    if args.output and args.output != "-":  # the report went to a file: still say how the run ended
        from gate.report.text import verdict_line

        print(f"{verdict_line(report)} (report written to {args.output})", file=sys.stderr)
    return exit_code_for(report)


def handle_init(args: argparse.Namespace) -> int:
    from gate.adopt import adopt, render

    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"not a directory: {args.path} (give the repository root)")
    adoption = adopt(root.resolve(), config=opt.verify_config(args), today=parse_today(args.today),
                     action_ref=args.action_ref, owner=args.owner, branch=args.branch, pin=not args.no_pin,
                     jobs=args.jobs)
    sys.stdout.write(render(adoption))
    if adoption.offline:
        return ExitCode.VERIFICATION_FAILED
    return ExitCode.PASS if adoption.verdict == "pass" else ExitCode.FINDINGS


def _read_baseline(path: str) -> Counter:
    from gate.baseline import identities_in_json_report

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read --baseline {path}: {exc.strerror}") from exc
    return identities_in_json_report(text, path)


def register(sub: SubParsers) -> None:
    """Attach `scan` and `init`."""
    scan = sub.add_parser("scan", help="discover references, judge them against the policy, report")
    opt.PATH.add_to(scan, help="repository root to scan (default: .)")
    for option in (opt.FORMAT, opt.OUTPUT, opt.POLICY, opt.FAIL_ON, opt.EXCLUDE, opt.PATHS):
        option.add_to(scan)
    scan.add_argument("--changed-files", metavar="LISTFILE",
                      help="scan only the files listed in LISTFILE, one per line")
    scan.add_argument("--baseline", metavar="REPORT",
                      help="a previous JSON report (`--format json`): its findings are pre-existing, only new ones "
                           "fail")
    scan.add_argument("--diff-base", metavar="REF",
                      help="git ref: judge what the working tree changes since REF, as pull-request mode does "
                           "(findings in untouched files and findings REF already had are pre-existing)")
    opt.JOBS.add_to(scan, help="parallel workers: files scanned at once (default: CPU count) and, with --verify, "
                               "Hub queries at once (default: 16)")
    scan.add_argument("--subject-digest", action="append", default=[], metavar="[TARGET=]ALG:HEX",
                      help="--format intoto: the digest of what a push produced, per publish target or for all "
                           "(gitCommit:<Hub commit sha>, sha256:<hex>; repeatable)")
    for option in (opt.TODAY, opt.VERIFY, opt.HUB_ENDPOINT, opt.CACHE_DIR):
        option.add_to(scan)
    scan.add_argument("--no-cache", action="store_true",
                      help="scan every file, neither reading nor writing the per-file scan cache")
    opt.VERIFY_FAILURE.add_to(scan)
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
    opt.PATH.add_to(init)
    opt.HUB_ENDPOINT.add_to(init)
    init.add_argument("--action-ref", metavar="OWNER/REPO@SHA",
                      help="the model-gate release the workflow uses, by full commit sha")
    init.add_argument("--owner", metavar="@ORG/TEAM", help="who approves policy changes (CODEOWNERS)")
    init.add_argument("--branch", default="main", help="the default branch the workflow also runs on (default: main)")
    init.add_argument("--no-pin", action="store_true", help="do not ask the Hub; leave unpinned references as they are")
    opt.JOBS.add_to(init)
    opt.TODAY.add_to(init)
    init.set_defaults(handler=handle_init)

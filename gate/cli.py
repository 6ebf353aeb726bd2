"""`model-gate` command line: parses arguments and wires the stages. No logic lives here.

Exit codes: 0 pass; 1 a finding at or above --fail-on; 2 usage or policy error; 3 verification failed.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
from pathlib import Path

from gate import __version__
from gate.errors import GateError, UsageError

FORMATS = ("text", "json", "sarif", "cyclonedx", "intoto")


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad arguments already; make the message say where to look."""

    def error(self, message: str):  # noqa: D401
        self.print_usage(sys.stderr)
        self.exit(2, f"model-gate: error: {message}\nRun 'model-gate {self.prog.split()[-1]} --help' for usage.\n")


def _add_scan_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", default=".", help="repository root to scan (default: .)")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--policy", metavar="FILE", help="policy file (default: .github/model-policy.yml, "
                   ".model-policy.yml, else the built-in default)")
    p.add_argument("--fail-on", choices=("error", "warning", "note", "never"), default="error",
                   help="exit 1 when a finding is at or above this severity (default: error)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="skip paths matching GLOB (repeatable)")
    p.add_argument("--paths", nargs="+", metavar="FILE", help="scan only these files (relative to PATH)")
    p.add_argument("--changed-files", metavar="LISTFILE",
                   help="scan only the files listed in LISTFILE, one per line")
    p.add_argument("--baseline", metavar="REPORT",
                   help="a previous JSON report (`--format json`): its findings are pre-existing, only new ones fail")
    p.add_argument("--diff-base", metavar="REF",
                   help="git ref: judge what the working tree changes since REF, as pull-request mode does "
                        "(findings in untouched files and findings REF already had are pre-existing)")
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help="parallel workers: files scanned at once (default: CPU count) and, with --verify, "
                        "Hub queries at once (default: 16)")
    p.add_argument("--subject-digest", action="append", default=[], metavar="[TARGET=]ALG:HEX",
                   help="--format intoto: the digest of what a push produced, per publish target or for all "
                        "(gitCommit:<Hub commit sha>, sha256:<hex>; repeatable)")
    p.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="model-gate", description="Gate every model and dataset a repository loads.")
    parser.add_argument("--version", action="version", version=f"model-gate {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    scan = sub.add_parser("scan", help="discover references, judge them against the policy, report")
    _add_scan_arguments(scan)
    from gate import commands

    commands.register(sub)
    return parser


def _today(value: str | None) -> _dt.date:
    if not value:
        return _dt.date.today()
    try:
        return _dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"--today must be YYYY-MM-DD, got {value!r}") from exc


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.handler(args)
    except GateError as exc:
        print(f"model-gate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def write_output(text: str, output: str | None) -> None:
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def env_flag(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None

"""`model-gate` command line: builds the parser from each sub-command module's `register` and runs the handler.
No logic lives here; the shared options are declared in gate.cli_options.

Exit codes (gate.errors.ExitCode): 0 pass; 1 a finding at or above --fail-on; 2 usage or policy error;
3 verification failed.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from gate import __version__, commands, policy_commands
from gate.errors import ExitCode, GateError
from gate.pin import command as pin_command

if TYPE_CHECKING:
    from gate.cli_options import SubParsers


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad arguments already; make the message say where to look."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE,
                  f"model-gate: error: {message}\nRun 'model-gate {self.prog.split()[-1]} --help' for usage.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="model-gate", description="Gate every model and dataset a repository loads.")
    parser.add_argument("--version", action="version", version=f"model-gate {__version__}")
    sub: SubParsers = parser.add_subparsers(dest="command", parser_class=_Parser)
    commands.register(sub)
    policy_commands.register(sub)
    pin_command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    try:
        code: int = args.handler(args)
        return code
    except GateError as exc:
        print(f"model-gate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED

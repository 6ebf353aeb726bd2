"""The command line's shared pieces: every option more than one sub-command takes, declared once, and the helpers
the handlers share (`--today`, writing a report).

Sub-command modules (gate.commands, gate.policy_commands, gate.pin.command) attach these to their parsers;
gate.cli only builds the top parser and calls each module's `register`. Nothing here imports a sub-command
module, so the modules form a tree (tests/test_import_cycles.py checks it).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from gate.errors import UsageError
from gate.vocabulary import FAIL_ON_LEVELS, REPO_POLICY_FILES, REPORT_FORMATS, VERIFY_FAILURE_MODES, VERIFY_MODES

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

Handler = Callable[[argparse.Namespace], int]
"""What `set_defaults(handler=...)` stores: parsed arguments in, exit code out."""


@dataclass(frozen=True)
class Option:
    """One command-line option: its flags and argparse settings. A sub-command that takes it calls `add_to`,
    overriding a setting (usually `help`) only where the option means something narrower there."""

    flags: tuple[str, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    def add_to(self, parser: argparse.ArgumentParser, **overrides: Any) -> None:
        parser.add_argument(*self.flags, **{**self.settings, **overrides})


def _worker_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if count < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return count


PATH = Option(("path",), {"nargs": "?", "default": ".", "help": "repository root (default: .)"})
FORMAT = Option(("--format",), {"choices": REPORT_FORMATS, "default": "text", "help": "output format (default: text)"})
OUTPUT = Option(("--output", "-o"), {"metavar": "FILE",
                                     "help": "write the report to FILE instead of stdout ('-' is stdout)"})
POLICY = Option(("--policy",), {"metavar": "FILE", "help": f"policy file (default: {', '.join(REPO_POLICY_FILES)}, "
                                                           "else the built-in default)"})
FAIL_ON = Option(("--fail-on",), {"choices": FAIL_ON_LEVELS, "default": "error",
                                  "help": "exit 1 when a finding is at or above this severity (default: error)"})
EXCLUDE = Option(("--exclude",), {"action": "append", "default": [], "metavar": "GLOB",
                                  "help": "skip paths matching GLOB (repeatable)"})
PATHS = Option(("--paths",), {"nargs": "+", "metavar": "FILE", "help": "scan only these files (relative to PATH)"})
JOBS = Option(("--jobs", "-j"), {"type": _worker_count, "default": None,
                                 "help": "parallel discovery workers (default: CPU count)"})
VERIFY = Option(("--verify",), {"choices": VERIFY_MODES, "default": None,
                                "help": "verify references against the Hub (default: as the policy says, else none)"})
VERIFY_FAILURE = Option(("--verify-failure",), {
    "choices": VERIFY_FAILURE_MODES, "default": None,
    "help": "when a reference cannot be verified: error (exit 3; the default, unless the policy's "
            "defaults.verify_failure says warn) or warn"})
HUB_ENDPOINT = Option(("--hub-endpoint",), {"metavar": "URL",
                                            "help": "Hub endpoint (default: $HF_ENDPOINT or huggingface.co)"})
CACHE_DIR = Option(("--cache-dir",), {
    "metavar": "DIR",
    "help": "cache of immutable Hub answers and of per-file scan results (default: ~/.cache/model-gate)"})
TODAY = Option(("--today",), {"metavar": "YYYY-MM-DD", "help": argparse.SUPPRESS})
"""Hidden: the date expiry checks compare against, so tests and reruns are reproducible."""


def parse_today(value: str | None) -> _dt.date:
    """The `--today` option's value; today's date when it is not given."""
    if not value:
        return _dt.date.today()
    try:
        return _dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"--today must be YYYY-MM-DD, got {value!r}") from exc


def write_output(text: str, output: str | None) -> None:
    """Write a report to `output` (creating its directory), or to stdout when no file is given or it is `-` (the
    usual spelling of stdout, which would otherwise become a file named `-`)."""
    if output and output != "-":
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def verify_config(args: argparse.Namespace) -> Any:
    """The verification stage's `VerifyConfig` for a sub-command that asks the Hub (`pin`, `init`): its flags, then
    the process environment (HF_ENDPOINT, HF_TOKEN, MLFLOW_*, ...). The CLI is the edge that reads it."""
    import os

    from gate.verify.interface import VerifyConfig

    return VerifyConfig.from_environment(os.environ, hub_endpoint=getattr(args, "hub_endpoint", None),
                                         jobs=getattr(args, "jobs", None), cache_dir=getattr(args, "cache_dir", None))

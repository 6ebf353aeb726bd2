"""Per-stage errors. The CLI turns each into one clear message and an exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """model-gate's exit codes (a public contract: scripts and CI branch on them)."""

    PASS = 0
    """Nothing at or above --fail-on (also: nothing to pin)."""
    FINDINGS = 1
    """A finding at or above --fail-on."""
    USAGE = 2
    """Bad arguments, a missing path, an invalid policy."""
    VERIFICATION_FAILED = 3
    """A reference could not be verified (or pinned): the gate fails closed."""
    INTERRUPTED = 130
    """Ctrl-C, as shells report SIGINT."""


class GateError(Exception):
    """Base class: carries a message meant for the user, already saying what to do."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(GateError):
    """Bad arguments or a missing path (exit 2)."""

    exit_code = ExitCode.USAGE


class PolicyError(GateError):
    """The policy file cannot be read, parsed or validated (exit 2).

    `path` and `line` point at the offending place when known.
    """

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 more: tuple[PolicyError, ...] = ()):
        self.message = message
        self.path = path
        self.line = line
        self.more = more
        """Further problems found in the same file (`policy validate` lists them all)."""
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        self.first = f"{where}{message}"
        tail = f" (and {len(more)} more problem(s): `model-gate policy validate` lists them all)" if more else ""
        super().__init__(self.first + tail)

    def every_problem(self) -> list[str]:
        return [self.first, *(problem.first for problem in self.more)]


class VerificationError(GateError):
    """The Hub (or another registry) could not be asked; the gate fails closed (exit 3)."""

    exit_code = ExitCode.VERIFICATION_FAILED

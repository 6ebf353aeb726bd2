"""Words several stages share, each declared once: the default Hub endpoint and the closed sets of choices.

The CLI's `choices=`, the action's input checks, the policy's `Finding.severity` and the reports all take their
values from here, so a new severity or format is one edit. Each set is a `Literal` type (what mypy checks) and
the tuple of its values (what argparse and the action check at run time), the tuple derived from the type.
This module imports nothing from gate: every stage may import it.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

DEFAULT_HUB_ENDPOINT: Final = "https://huggingface.co"
"""Where Hub references are verified and pinned when neither --hub-endpoint nor HF_ENDPOINT says otherwise."""
DEFAULT_GITHUB_API: Final = "https://api.github.com"
"""Where torch.hub (GitHub) references are verified when GITHUB_API_URL does not say otherwise."""

REPO_POLICY_FILES: Final = (".github/model-policy.yml", ".model-policy.yml")
"""Where a repository's policy is looked for, in order; `init` and `policy init` write the first."""

Severity = Literal["error", "warning", "note"]
SEVERITIES: Final[tuple[Severity, ...]] = get_args(Severity)
SEVERITY_ORDER: Final[dict[str, int]] = {"note": 0, "warning": 1, "error": 2}
"""Rank of each severity (higher is worse); `--fail-on X` fails on findings ranked at or above X."""

FailOn = Literal["error", "warning", "note", "never"]
FAIL_ON_LEVELS: Final[tuple[FailOn, ...]] = get_args(FailOn)
"""`--fail-on` and the action's `fail-on`: a severity, or `never` (report only)."""

VerifyMode = Literal["none", "hub", "full"]
VERIFY_MODES: Final[tuple[VerifyMode, ...]] = get_args(VerifyMode)
"""`--verify`, the action's `verify` and the policy's `defaults.verify`."""

VerifyFailure = Literal["error", "warn"]
VERIFY_FAILURE_MODES: Final[tuple[VerifyFailure, ...]] = get_args(VerifyFailure)
"""What a reference that cannot be verified becomes: an error (exit 3) or a warning."""

ReportFormat = Literal["text", "json", "sarif", "cyclonedx", "intoto"]
REPORT_FORMATS: Final[tuple[ReportFormat, ...]] = get_args(ReportFormat)
"""`model-gate scan --format`."""

DiffFormat = Literal["text", "markdown"]
DIFF_FORMATS: Final[tuple[DiffFormat, ...]] = get_args(DiffFormat)
"""`model-gate policy diff --format`."""

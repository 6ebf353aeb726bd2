"""The action's inputs, read from the environment the runner gives a container action.

GitHub upper-cases input names and keeps hyphens (`fail-on` arrives as `INPUT_FAIL-ON`); the underscore
spelling is accepted too for runners that cannot pass hyphenated variables.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import overload

from gate.errors import UsageError
from gate.vocabulary import FAIL_ON_LEVELS, VERIFY_MODES

MODES = ("auto", "full", "diff")
POLICY_SOURCES = ("base", "head")


@dataclass(frozen=True)
class ActionInputs:
    path: str = "."
    """Directory to scan, relative to the workspace."""
    policy: str | None = None
    """Policy file relative to the workspace; None: `.github/model-policy.yml`, `.model-policy.yml`, built-in."""
    fail_on: str | None = None
    """None: the CLI's default (`error`)."""
    mode: str = "auto"
    base_ref: str | None = None
    policy_source: str = "base"
    fail_on_existing: bool = False
    verify: str | None = None
    """None: as the policy says."""
    fetch_lfs: bool | None = None
    """With verify: fetch Git LFS pointers' content (auth: `github-token`). None: as the policy says, else off."""
    hf_token: str | None = None
    hub_endpoint: str | None = None
    github_token: str | None = None
    mlflow_tracking_token: str | None = None
    """MLFLOW_TRACKING_TOKEN for MLflow registry verification (issue 17); masked, set for the scan only."""
    sarif_file: str | None = None
    json_file: str | None = None
    summary: bool = True
    annotations: bool = True


def _raw(env: Mapping[str, str], name: str) -> str | None:
    upper = name.upper()
    for key in (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}"):
        value = env.get(key)
        if value is not None and value.strip() != "":
            return value.strip()
    return None


@overload
def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str: ...
@overload
def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: None) -> str | None: ...
def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    value = _raw(env, name)
    if value is None:
        return default
    if value.lower() not in choices:
        raise UsageError(f"input `{name}` must be one of {', '.join(choices)}; got {value!r}")
    return value.lower()


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = _raw(env, name)
    if value is None:
        return default
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise UsageError(f"input `{name}` must be true or false; got {value!r}")


def _optional_flag(env: Mapping[str, str], name: str) -> bool | None:
    """true, false, or None when unset (then the policy decides)."""
    return _flag(env, name, False) if _raw(env, name) is not None else None


def _git_ref(env: Mapping[str, str], name: str) -> str | None:
    value = _raw(env, name)
    if value is not None and (value.startswith("-") or any(c.isspace() or ord(c) < 32 for c in value)):
        raise UsageError(f"input `{name}` must be a branch, tag or commit sha; got {value!r}")
    return value


def read_inputs(env: Mapping[str, str]) -> ActionInputs:
    """Every input, validated; a bad value raises UsageError naming the input and what it accepts."""
    return ActionInputs(
        path=_raw(env, "path") or ".",
        policy=_raw(env, "policy"),
        fail_on=_choice(env, "fail-on", FAIL_ON_LEVELS, None),
        mode=_choice(env, "mode", MODES, "auto"),
        base_ref=_git_ref(env, "base-ref"),
        policy_source=_choice(env, "policy-source", POLICY_SOURCES, "base"),
        fail_on_existing=_flag(env, "fail-on-existing", False),
        verify=_choice(env, "verify", VERIFY_MODES, None),
        fetch_lfs=_optional_flag(env, "fetch-lfs"),
        hf_token=_raw(env, "hf-token"),
        hub_endpoint=_raw(env, "hub-endpoint"),
        github_token=_raw(env, "github-token"),
        mlflow_tracking_token=_raw(env, "mlflow-tracking-token"),
        sarif_file=_raw(env, "sarif-file"),
        json_file=_raw(env, "json-file"),
        summary=_flag(env, "summary", True),
        annotations=_flag(env, "annotations", True),
    )


@dataclass(frozen=True)
class Runner:
    """What the runner tells a container action about the run."""

    workspace: str
    event_name: str
    event: dict
    summary_file: str | None
    output_file: str | None
    server_url: str | None
    repository: str | None


def read_runner(env: Mapping[str, str]) -> Runner:
    workspace = env.get("GITHUB_WORKSPACE") or os.getcwd()
    if not os.path.isdir(workspace):
        raise UsageError(f"GITHUB_WORKSPACE {workspace} is not a directory")
    event: dict = {}
    event_path = env.get("GITHUB_EVENT_PATH")
    if event_path:
        try:
            with open(event_path, encoding="utf-8") as handle:
                event = json.load(handle)
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read the event payload GITHUB_EVENT_PATH={event_path}: {exc}") from exc
        if not isinstance(event, dict):
            raise UsageError(f"the event payload {event_path} is not a JSON object")
    return Runner(
        workspace=os.path.realpath(workspace),
        event_name=env.get("GITHUB_EVENT_NAME", ""),
        event=event,
        summary_file=env.get("GITHUB_STEP_SUMMARY") or None,
        output_file=env.get("GITHUB_OUTPUT") or None,
        server_url=env.get("GITHUB_SERVER_URL") or None,
        repository=env.get("GITHUB_REPOSITORY") or None,
    )

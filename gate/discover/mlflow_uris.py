"""MLflow model URIs as every finder reads them, and the registry a file names for them.

- `models:/<name>/<version>`: a registered version (immutable: pinned).
- `models:/<name>/<stage>` (`Production`, `Staging`, ...), `models:/<name>/latest`, `models:/<name>@<alias>`:
  move whenever someone transitions, registers or re-points (unpinned). The revision keeps the alias's `@`.
- `runs:/<run_id>/<artifact path>`: a run's logged model (immutable: pinned to the run id).

The registry is the file's own `mlflow.set_registry_uri(...)` / `set_tracking_uri(...)` (Python) or
`MLFLOW_REGISTRY_URI` / `MLFLOW_TRACKING_URI` assignments (shell, configs); the registry URI wins, as in MLflow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gate.discover.interface import Reference

PREFIXES = ("models:/", "runs:/")
REGISTRY_VARIABLES = ("MLFLOW_REGISTRY_URI", "MLFLOW_TRACKING_URI")
"""Environment variables naming the registry, the one MLflow prefers first."""
_RUN_ID = re.compile(r"[0-9a-f]{32}")
_ASSIGNED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PYTHON_SETTERS = re.compile(
    r"""(?:set_registry_uri|set_tracking_uri|registry_uri\s*=|tracking_uri\s*=)\s*\(?\s*(?P<q>["'])(?P<uri>[^"'\s]+)(?P=q)""")


@dataclass(frozen=True)
class MlflowTarget:
    id: str
    """The registered model name, or the whole `runs:/<run_id>/<path>` URI."""
    revision: str | None
    """A version number, a stage, `latest`, `@alias`, a run id; None for `models:/name`."""


def parse(value: str) -> MlflowTarget | None:
    """The MLflow reference a string makes, or None when it is not an MLflow model URI."""
    value = value.strip()
    if value.startswith("runs:/"):
        run_id, _, path = value[len("runs:/"):].strip("/").partition("/")
        return MlflowTarget(f"runs:/{run_id}/{path}".rstrip("/"), run_id) if run_id else None
    if not value.startswith("models:/"):
        return None
    rest = value[len("models:/"):].strip("/")
    if "@" in rest:
        name, _, alias = rest.partition("@")
        return MlflowTarget(name, "@" + alias) if name and alias else None
    name, _, version = rest.partition("/")
    return MlflowTarget(name, version.split("/")[0] or None) if name else None


def is_pinned(revision: str | None) -> bool:
    """A version number, or a run id (32 lowercase hex)."""
    return revision is not None and (revision.isdigit() or _RUN_ID.fullmatch(revision) is not None)


def uri_in(text: str) -> str | None:
    """The MLflow URI a word or an assignment (`MODEL_URI=models:/m/1`) holds, or None."""
    text = text.strip()
    match = _ASSIGNED.match(text)
    if match:
        text = text[match.end():]
    return text if text.startswith(PREFIXES) else None


def python_registry(text: str) -> str | None:
    """The registry a Python file sets with literals (`set_registry_uri` beats `set_tracking_uri`)."""
    found: dict[str, str] = {}
    for match in _PYTHON_SETTERS.finditer(text):
        key = "registry" if "registry" in match.group(0) else "tracking"
        found.setdefault(key, match.group("uri"))
    return found.get("registry") or found.get("tracking")


def with_registry(references: Iterable[Reference], registry: str | None) -> tuple[Reference, ...]:
    """`references` with the file's registry on its MLflow references (those that name none yet)."""
    if not registry:
        return tuple(references)
    return tuple(replace(r, registry=registry) if r.source == "mlflow" and r.registry is None else r
                 for r in references)

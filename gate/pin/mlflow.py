"""`model-gate pin` for MLflow registry URIs: `models:/name@alias`, `models:/name/Production` and
`models:/name/latest` become `models:/name/<the version they point at now>`, with a comment naming what was
followed and the date. The version comes from the registry through the verification stage's `MlflowService`
(same server choice, credentials and failures as `scan --verify`).

The URI is rewritten where it is written (a Python string, a YAML value, a shell word: the same text), so one
span rewriter serves every syntax; JSON files get no comment (JSON has none).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import re
import tempfile
import time
from collections.abc import Sequence
from typing import Any

from gate.discover.interface import Reference
from gate.pin.interface import Pin, Skipped, SpanPlan, SpanRewriter, with_line_comment
from gate.pin.textedit import Edit, line_end, line_offsets

URI_KEYS = ("uri",)
"""MLflow references pinned by rewriting their URI; `MlflowClient().get_model_version_by_alias(...)` calls are
listed instead (the call itself has to change)."""
_URI_END = re.compile(r"""[\s"'`,;)\]}>]|$""")
_TRIPLE_QUOTES = re.compile(r"""\"\"\"|'''""")


def why_not_pinnable(reference: Reference) -> str | None:
    if reference.syntax not in MlflowRewriter.syntaxes:
        return f"MLflow URIs written as {reference.syntax!r} are not rewritten: pin it by hand"
    if reference.dynamic or not reference.id:
        return f"the model URI is computed at run time ({reference.expression or 'an expression'}); write it as a literal"
    if reference.id.startswith("runs:/"):
        return "a runs:/ URI names a run, not a registered version: register it and load models:/<name>/<version>"
    if reference.revision_key not in URI_KEYS:
        return (f"{reference.api} names an alias in a call: call get_model_version(name, <version>) instead "
                "(`model-gate scan --verify hub` names the version it points at now)")
    return None


def written_uri(reference: Reference) -> str:
    revision = reference.revision
    if revision is None:
        return f"models:/{reference.id}"
    return f"models:/{reference.id}{revision if revision.startswith('@') else '/' + revision}"


def resolve_registry_pins(references: Sequence[Reference], policy: Any, today: _dt.date) -> tuple[list[Pin], list[Skipped]]:
    """A pin (the version as `sha`) for each unpinned MLflow reference the registry resolves; the rest skipped."""
    from gate.errors import VerificationError
    from gate.policy.judge import registry_for
    from gate.verify.interface import RegistryCredentials, VerifySettings
    from gate.verify.mlflow import MlflowService, RegistryQuery, display_uri, unsupported_registry

    settings = VerifySettings.from_environment(os.environ, jobs=1)
    deadline_at = time.monotonic() + settings.deadline
    pins: list[Pin] = []
    skipped: list[Skipped] = []
    services: dict = {}
    answers: dict = {}
    with tempfile.TemporaryDirectory(prefix="model-gate-pin-mlflow-", ignore_cleanup_errors=True) as download_dir:
        for reference in references:
            reason = why_not_pinnable(reference)
            if reason:
                skipped.append(Skipped(reference, reason))
                continue
            registry = registry_for(reference, policy, os.environ.get("MLFLOW_REGISTRY_URI")
                                    or os.environ.get("MLFLOW_TRACKING_URI"))
            if registry is None:
                skipped.append(Skipped(reference, "no MLflow registry is known: set MLFLOW_TRACKING_URI",
                                       resolution_failed=True))
                continue
            if unsupported_registry(registry):
                skipped.append(Skipped(reference, unsupported_registry(registry) or "", resolution_failed=True))
                continue
            if policy.registries and policy.registry_entry(registry) is None:
                skipped.append(Skipped(reference, f"the policy does not list the registry {display_uri(registry)}",
                                       resolution_failed=True))
                continue
            query = RegistryQuery(registry, reference.id or "", reference.revision)
            if query not in answers:
                try:
                    if registry not in services:
                        services[registry] = MlflowService(registry, settings, deadline_at, download_dir,
                                                           credentials=RegistryCredentials.from_environment(os.environ))
                    answers[query] = services[registry].answer(query)
                except VerificationError as exc:
                    answers[query] = str(exc)
            answer = answers[query]
            if isinstance(answer, str) or answer.status != "ok" or not answer.version:
                why = answer if isinstance(answer, str) else (
                    f"{query.label()}: {answer.status.replace('-', ' ')}")
                skipped.append(Skipped(reference, why, resolution_failed=True))
                continue
            pins.append(Pin(reference, answer.version, reference.revision or "latest", today))
    return pins, skipped


class MlflowRewriter(SpanRewriter):
    """Rewrites the URI on the reference's line (or the next few: a call's arguments may follow it)."""

    syntaxes = ("python", "config", "shell")
    LOOKAHEAD_LINES = 5

    def plan(self, path: str, text: str, pins: Sequence[Pin]) -> SpanPlan:
        starts = line_offsets(text)
        planned: list[tuple[Pin, Edit | str]] = []
        taken: set[int] = set()
        for pin in pins:
            reference = pin.reference
            uri = written_uri(reference)
            first = starts[reference.line - 1] if 0 < reference.line <= len(starts) else None
            if first is None:
                planned.append((pin, "the line it was found on is gone"))
                continue
            last = starts[min(len(starts) - 1, reference.line - 1 + self.LOOKAHEAD_LINES)]
            window_end = line_end(text, last)
            at = text.find(uri, first, window_end)
            while at >= 0 and (at in taken or not (_URI_END.match(text, at + len(uri)) or (
                    reference.revision is not None and text.startswith("/", at + len(uri))))):
                at = text.find(uri, at + 1, window_end)
            if at < 0:
                planned.append((pin, f"{uri} is not written literally where it was found"))
                continue
            taken.add(at)
            # The new URI, and the line's one up-to-date note (an earlier or stale note replaced).
            end = line_end(text, at)
            end -= 1 if text[end - 1:end] == "\n" else 0
            end -= 1 if text[end - 1:end] == "\r" else 0
            line_text = text[text.rfind("\n", 0, at) + 1:end]
            plain = path.endswith(".json") or _TRIPLE_QUOTES.search(line_text) or line_text.endswith("\\")
            edit = Edit(at, at + len(uri), f"models:/{reference.id}/{pin.sha}")
            noted = dataclasses.replace(pin, followed=pin.followed or "latest")
            planned.append((pin, edit if plain else with_line_comment(text, edit, [noted])))
        return SpanPlan.collect(planned)

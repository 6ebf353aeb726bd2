"""Rewrite one file for a set of pins: the pure core of `model-gate pin` (text and pins in, text out).

Span rewriters (config, shell, URL) plan edits on the original text and are applied together, so an added
line never shifts a place another edit points at; the Python rewriter (libcst) runs last on the result. The
new text must still parse as what the file is; if it would not, the file is left alone and every pin in it is
reported instead — a pin must never break a file.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence

from gate.pin.interface import Pin, Rewrite, Skipped, SpanPlan, SpanRewriter
from gate.pin.rewrite_config import ConfigRewriter, config_format
from gate.pin.rewrite_python import rewrite_python
from gate.pin.rewrite_shell import ShellRewriter
from gate.pin.textedit import Edit, apply_edits

SPAN_REWRITERS: tuple[SpanRewriter, ...] = (ConfigRewriter(), ShellRewriter())
NOT_REWRITTEN = {
    "notebook": "notebook references are only rewritten in .ipynb files",
    "file": "a committed file has no revision",
}


def _parses(path: str, text: str) -> str | None:
    """None when `text` still parses as the file's language, else what is wrong."""
    try:
        if path.endswith((".py", ".pyi")):
            ast.parse(text)
        else:
            fmt = config_format(path, text)
            if fmt == "yaml":
                import yaml

                list(yaml.safe_load_all(text))
            elif fmt == "json":
                json.loads(text)
            elif fmt == "toml":
                try:
                    import tomllib
                except ImportError:  # Python 3.10: no TOML parser in the standard library
                    return None
                tomllib.loads(text)
    except Exception as exc:  # noqa: BLE001 - any parse failure means: do not write this
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def rewrite_file(path: str, text: str, pins: Sequence[Pin]) -> Rewrite:
    """`text` with every pin applied that can be applied safely; the rest in `skipped` with the reason."""
    if path.endswith(".ipynb"):
        from gate.pin.rewrite_notebook import rewrite_notebook

        return rewrite_notebook(text, pins)
    registry_pins = [p for p in pins if p.reference.source == "mlflow"]  # URIs: gate/pin/mlflow.py
    pins = [p for p in pins if p.reference.source != "mlflow"]
    done: list[Pin] = []
    skipped: list[Skipped] = []
    edits: list[Edit] = []
    python_pins: list[Pin] = []
    for pin in pins:
        syntax = pin.reference.syntax
        if syntax in NOT_REWRITTEN:
            skipped.append(Skipped(pin.reference, NOT_REWRITTEN[syntax]))
        elif syntax == "python":
            python_pins.append(pin)
    planners = [(rewriter, [p for p in pins if p.reference.syntax in rewriter.syntaxes])
                for rewriter in SPAN_REWRITERS]
    if registry_pins:
        from gate.pin.mlflow import MlflowRewriter

        planners.append((MlflowRewriter(), registry_pins))
    for rewriter, mine in planners:
        if not mine:
            continue
        plan = rewriter.plan(path, text, mine)
        merged = SpanPlan.collect(list(plan.changes), taken=edits)  # against the other rewriters' edits
        skipped.extend(plan.skipped + merged.skipped)
        done.extend(merged.pinned)
        edits.extend(e for e in merged.edits if e not in edits)
    unknown = {p.reference.syntax for p in pins} - {"python", *NOT_REWRITTEN}
    unknown -= {s for r in SPAN_REWRITERS for s in r.syntaxes}
    skipped.extend(Skipped(p.reference, f"references written as {p.reference.syntax!r} are not rewritten")
                   for p in pins if p.reference.syntax in unknown)

    if "\r\n" in text:  # a CRLF file keeps CRLF on the lines a rewriter adds
        edits = [Edit(e.start, e.end, e.replacement.replace("\n", "\r\n")) for e in edits]
    new_text = apply_edits(text, edits)
    if python_pins:
        result = rewrite_python(new_text, python_pins)
        new_text = result.text
        done.extend(result.pinned)
        skipped.extend(result.skipped)

    if new_text != text and _parses(path, text) is None:
        problem = _parses(path, new_text)
        if problem is not None:
            reason = f"pinning would leave the file unparsable ({problem}); nothing was changed, pin it by hand"
            return Rewrite(text, (), tuple(skipped) + tuple(Skipped(p.reference, reason) for p in done))
    return Rewrite(new_text, tuple(done), tuple(skipped))

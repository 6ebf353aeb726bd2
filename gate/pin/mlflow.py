"""`model-gate pin` for MLflow registry URIs: `models:/name@alias`, `models:/name/Production` and
`models:/name/latest` become `models:/name/<the version they point at now>`, with a comment naming what was
followed and the date. The version is the fix of the scan's unpinned-revision finding (the registry asked by the
verification stage, as `scan --verify` asks it); which URIs can be rewritten is gate/discover/pinnability.py.

The URI is rewritten where it is written (a Python string, a YAML value, a shell word: the same text), so one
span rewriter serves every syntax; JSON files get no comment (JSON has none).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from gate.discover.interface import Reference
from gate.discover.pinnability import MLFLOW_URI_SYNTAXES
from gate.pin.interface import Pin, SpanPlan, SpanRewriter, with_line_comment
from gate.pin.textedit import Edit, line_end, line_offsets

_URI_END = re.compile(r"""[\s"'`,;)\]}>]|$""")
_TRIPLE_QUOTES = re.compile(r"""\"\"\"|'''""")


def written_uri(reference: Reference) -> str:
    revision = reference.revision
    if revision is None:
        return f"models:/{reference.id}"
    return f"models:/{reference.id}{revision if revision.startswith('@') else '/' + revision}"


class MlflowRewriter(SpanRewriter):
    """Rewrites the URI on the reference's line (or the next few: a call's arguments may follow it)."""

    syntaxes = MLFLOW_URI_SYNTAXES
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

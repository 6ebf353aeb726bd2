"""Span edits on text, for the formats edited line by line (YAML, JSON, TOML, shell, the policy file).

Parsers tell where things are; these helpers change only those spans, so every other byte — comments, order,
blank lines — stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    start: int
    """Offset in the text where the replaced span starts."""
    end: int
    """Offset where it ends (== start for an insertion)."""
    replacement: str


def overlaps(edit: Edit, edits: list[Edit]) -> bool:
    """True when `edit` touches a span another edit changes (two insertions at one offset count too)."""
    return any(e.start < edit.end and edit.start < e.end or e.start == edit.start for e in edits)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits; later ones first so earlier offsets stay valid."""
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end:]
    return text


def line_offsets(text: str) -> list[int]:
    """Offset where each line starts (index 0 is line 1)."""
    offsets = [0]
    for i, char in enumerate(text):
        if char == "\n":
            offsets.append(i + 1)
    return offsets


def line_end(text: str, offset: int) -> int:
    """Offset just after the newline ending the line that holds `offset` (len(text) on the last line)."""
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline + 1


def insert_line_after(text: str, offset: int, line: str) -> Edit:
    """An edit inserting `line` (without newline) as a new line after the line holding `offset`."""
    end = line_end(text, offset)
    prefix = "" if end == 0 or text[end - 1] == "\n" else "\n"
    return Edit(end, end, f"{prefix}{line}\n")


# What `pin` writes comes from the network; each syntax gets it quoted for that syntax, so even a value that
# slipped past the sha check (gate/verify/hub.py) is one inert word, never code or markup. A 40-hex sha is
# written unchanged by every one of these.


def shell_word(value: str) -> str:
    """`value` as one shell word."""
    import shlex

    return shlex.quote(value)


def shell_in_quotes(value: str, quote: str) -> str:
    """`value` for the inside of an existing `"…"` or `'…'` shell string."""
    if quote == "'":
        return value.replace("'", "'\\''")
    if quote == '"':
        return "".join("\\" + c if c in '"\\$`' else c for c in value)
    return shell_word(value)


def url_segment(value: str) -> str:
    """`value` as one URL path segment (percent-encoded: inert in a URL and in any quoting around it)."""
    from urllib.parse import quote

    return quote(value, safe="")


def json_in_quotes(value: str) -> str:
    """`value` for the inside of an existing JSON (or TOML basic, or YAML double-quoted) string."""
    import json

    return json.dumps(value)[1:-1]

"""YAML composition that hostile nesting cannot turn into a crash.

libyaml's C composer (`yaml.CSafeLoader`) recurses once per nesting level on the C stack and takes the whole
process down with SIGSEGV somewhere between 10 000 and 30 000 levels (`[[[[...`, `- - - - ...`), a few hundred
kilobytes of text. Python's own composer (`yaml.SafeLoader`) stops at the interpreter's recursion limit instead.
So: a cheap upper bound of the nesting depth decides; the fast C composer for ordinary files, the pure-Python one
when the bound says the file might be deep, and a `YAMLError` (which every caller already turns into a warning)
when even that gives up.
"""

from __future__ import annotations

import re

import yaml

MAX_YAML_PARSE_BYTES = 1_000_000
"""Composing YAML costs ~200 bytes of memory per byte of text: larger files are read line by line."""
MAX_C_DEPTH = 1000
"""Nesting the C composer is trusted with: an order of magnitude below where it crashes, far above real files."""

_FLOW_BRACKET = re.compile(r"[\[\]{}]")
# Block nesting needs one column of indentation (or a `- `/`? ` indicator) per level at the start of a line.
_DEEP_BLOCK = re.compile(rf"(?m)^[ \t?:-]{{{MAX_C_DEPTH},}}")


class YAMLNestingError(yaml.YAMLError):
    """The document nests too deeply to compose safely."""


def may_be_deeper_than(text: str, limit: int = MAX_C_DEPTH) -> bool:
    """An upper bound check: False means the text certainly nests at most about `limit` levels."""
    if _DEEP_BLOCK.search(text) is not None:
        return True
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _FLOW_BRACKET.finditer(text):  # brackets inside strings count too: an over-estimate is safe
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        elif depth:
            depth -= 1
    return False


def compose_all(text: str) -> list:
    """The non-empty documents' node trees (no tag is ever constructed), composed without risking the C stack."""
    loader = yaml.SafeLoader if may_be_deeper_than(text) else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return [document for document in yaml.compose_all(text, Loader=loader) if document is not None]
    except RecursionError:
        raise YAMLNestingError("nested too deeply to be read safely (hundreds of levels)") from None


def compose_yaml(text: str) -> tuple[list | None, str | None]:
    """(documents, None), or (None, the warning) when the text must not or cannot be composed.

    The config finder and the shell finder (workflow and compose files) both read YAML with this, so both word a
    problem with one file identically (and the engine reports it once).
    """
    if len(text) > MAX_YAML_PARSE_BYTES:
        return None, (f"YAML is {_size(len(text))}, too large to parse safely (over {_size(MAX_YAML_PARSE_BYTES)}): "
                      "read line by line instead")
    try:
        return compose_all(text), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, f"YAML could not be parsed{where}: {exc.problem or exc}; read line by line instead"
    except yaml.YAMLError as exc:
        return None, f"YAML could not be parsed: {exc}; read line by line instead"


def _size(characters: int) -> str:
    return f"{characters / 1_048_576:.1f} MB" if characters >= 1_048_576 else f"{characters / 1024:.0f} KB"

"""The conservative text scan for Python that does not parse (Python 2, syntax errors, decoding damage).

It reads the same catalog as the AST finder: a call whose dotted name matches a row (as if nothing were
imported) has its argument text split at top-level commas; a literal argument is an id, anything else is
reported as dynamic with its text. Comments are cut off first; strings are not interpreted beyond literals.
Hub URLs and `hf://` paths in the remaining text are reported too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import TypedDict, cast

from gate.discover import catalog
from gate.discover.hubids import is_pinned, looks_like_hub_id, parse_hf_path
from gate.discover.interface import Reference, Role
from gate.discover.python_ids import interpret_id, is_pinned_for
from gate.discover.url_finder import iter_hub_urls, line_starts, url_reference
from gate.discover.url_finder import position as offset_position

_CALL = re.compile(r"(?<![\w.])([A-Za-z_][\w]*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\(")
_STRING = re.compile(r"""[rRuUbB]{0,2}(?:'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")""", re.S)
_HF_PATH = re.compile(r"hf://[^\s\"'<>()\[\]{}\\`,;|]+")
MAX_ARGUMENT_TEXT = 4000


class _Common(TypedDict):
    """The `Reference` fields every reference of one catalog call shares."""

    path: str
    line: int
    column: int
    api: str
    trust_remote_code: bool | None
    syntax: str
    pinnable: bool
    role: Role
    """`load`, or `publish` for a push target (the slot's own role, else the row's)."""


def _blank_comments(text: str) -> str:
    """Replace `# ...` comments with spaces (offsets stay the same); `#` inside strings is kept."""
    out = []
    index = 0
    for match in re.finditer(r"""#[^\n]*|'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*\"""", text,
                             re.S):
        if match.group(0).startswith("#"):
            out.append(text[index:match.start()])
            out.append(" " * (match.end() - match.start()))
            index = match.end()
    out.append(text[index:])
    return "".join(out)


def _arguments(text: str, start: int) -> tuple[list[str], int] | None:
    """Top-level comma-separated argument texts of the call whose `(` is at `start - 1`."""
    depth, quote, index, current, parts = 0, "", start, [], []
    end = min(len(text), start + MAX_ARGUMENT_TEXT)
    while index < end:
        char = text[index]
        if quote:
            if char == "\\":
                current.append(text[index:index + 2])
                index += 2
                continue
            if text.startswith(quote, index):
                current.append(quote)
                index += len(quote)
                quote = ""
                continue
            current.append(char)
        elif char in "'\"":
            quote = text[index:index + 3] if text[index:index + 3] in ("'''", '"""') else char
            current.append(quote)
            index += len(quote)
            continue
        elif char in "([{":
            depth += 1
            current.append(char)
        elif char in ")]}":
            if depth == 0:
                parts.append("".join(current).strip())
                return [p for p in parts if p], index
            depth -= 1
            current.append(char)
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    return None


def _literal(text: str) -> object:
    """The value of a literal argument text, or None when it is not a plain literal."""
    if not text or len(text) > 1000:
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def fallback_scan(text: str, path: str, repo_paths: frozenset[str] | None, *, syntax: str = "python",
                  position: Callable[[int, int], tuple[int, int]] | None = None) -> list[Reference]:
    """Every reference the catalog can recognise in unparsable Python text."""
    clean = _blank_comments(text)
    starts = line_starts(text)
    references: list[Reference] = []

    def where(offset: int) -> tuple[int, int]:
        line, column = offset_position(starts, offset)
        return position(line, column - 1) if position is not None else (line, column)

    for match in _CALL.finditer(clean):
        dotted = re.sub(r"\s+", "", match.group(1))
        spec = catalog.match_call(dotted, False)
        if spec is None:
            continue
        parsed = _arguments(clean, match.end())
        if parsed is None:
            continue
        parts, _end = parsed
        positional = [p for p in parts if not re.match(r"^\*{0,2}[A-Za-z_]\w*\s*=(?!=)", p) and not p.startswith("*")]
        keywords = {}
        for part in parts:
            keyword = re.match(r"^([A-Za-z_]\w*)\s*=(?!=)\s*(.*)$", part, re.S)
            if keyword:
                keywords[keyword.group(1)] = keyword.group(2)
        if any(k in keywords and _literal(keywords[k]) == v for k, v in spec.skip_when):
            continue
        repo_type = _literal(keywords.get(spec.repo_type_keyword or "", ""))
        kind = spec.kind if spec.kind != catalog.KIND_FROM_REPO_TYPE else (
            "dataset" if repo_type == "dataset" else "model")
        trust: bool | None = spec.runs_remote_code or spec.trust_default
        if spec.trust_keyword and spec.trust_keyword in keywords:
            value = _literal(keywords[spec.trust_keyword])
            trust = value if isinstance(value, bool) else None
        line, column = where(match.start())
        api = spec.api_name(dotted, False)
        for slot in spec.slots:
            if slot.code_pin and (trust is False or not any(k in keywords for k in slot.revision_keywords)):
                continue  # see catalog.Slot.code_pin
            if any(k in keywords and _literal(keywords[k]) == v for k, v in slot.skip_when):
                continue
            if slot.position is not None and slot.position < len(positional):
                argument = positional[slot.position]
            else:
                argument = next((keywords[k] for k in slot.keywords if k in keywords), None)
            if argument is None:
                continue
            revision_text = next((keywords[k] for k in slot.revision_keywords if k in keywords), None)
            revision = _literal(revision_text) if revision_text is not None else None
            revision = revision if isinstance(revision, str) else None
            revision_dynamic = revision_text is not None and revision is None and revision_text != "None"
            revision_key = slot.revision_keywords[0] if slot.revision_keywords else None
            value = _literal(argument)
            common: _Common = dict(path=path, line=line, column=column, api=api, trust_remote_code=trust, syntax=syntax,
                          pinnable=spec.slot_pinnable(slot), role=cast(Role, slot.role or spec.role))
            if not isinstance(value, str):
                if value is None and argument != "None":
                    references.append(Reference(
                        kind=kind, source=spec.source, id=None, revision=revision,  # type: ignore[arg-type]
                        pinned=is_pinned(revision), dynamic=True, expression=argument[:200],
                        revision_key=revision_key, **common))
                continue
            for target in interpret_id(value, spec, kind, repo_paths):
                target_revision = target.revision if target.revision_key else revision
                references.append(Reference(
                    kind=target.kind, source=target.source, id=target.id,  # type: ignore[arg-type]
                    revision=target_revision, pinned=is_pinned_for(target.source, target_revision),
                    dynamic=revision_dynamic and not target.revision_key,
                    expression=f"{revision_key}={revision_text}" if revision_dynamic and not target.revision_key
                    else None,
                    revision_key=target.revision_key or revision_key, **common))

    called = {(r.id, r.revision, r.line) for r in references}
    for string in _STRING.finditer(clean):
        body = string.group(0)
        if "hf://" not in body and "huggingface.co/" not in body and "hf.co/" not in body:
            continue
        for offset, _url, location in iter_hub_urls(body):
            line, column = where(string.start() + offset)
            references.append(url_reference(location, path=path, line=line, column=column, api="url", syntax=syntax))
        for hf in _HF_PATH.finditer(body):
            location = parse_hf_path(hf.group(0).rstrip(".:"))
            if location is None or location.kind == "space" or not looks_like_hub_id(location.id, allow_legacy=True):
                continue
            line, column = where(string.start() + hf.start())
            if (location.id, location.revision, line) in called:
                continue  # already reported as the argument of a catalog call
            references.append(Reference(
                kind="dataset" if location.kind == "dataset" else "model", source="huggingface", id=location.id,
                revision=location.revision, pinned=is_pinned(location.revision), pinnable=True, path=path,
                line=line, column=column, api="hf://", syntax=syntax, revision_key="@"))
    return list(dict.fromkeys(references))

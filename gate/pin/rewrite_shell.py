"""Pin shell-like commands (`--revision <sha>` after the id) and Hub URLs (`/resolve/main/` → `/resolve/<sha>/`).

Shell text is edited by spans on the command's lines (a command continues over lines ending in `\\`), so the
rest of the script, Dockerfile, Makefile or workflow stays byte for byte. Dockerfile exec form
(`CMD ["vllm", "serve", "org/m"]`) gets JSON-array items instead of words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from gate.discover.shell_finder import LAYER_SEPARATOR
from gate.pin.inline import pin_inside, url_revision_spans
from gate.pin.interface import Pin, SpanPlan, SpanRewriter, with_line_comment
from gate.pin.textedit import Edit, json_in_quotes, line_offsets, shell_in_quotes, shell_word, url_segment

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # an environment variable such as TGI's REVISION
_WORD = re.compile(r"[^\s\"'`;|&()<>]+")


def _command_span(text: str, offsets: list[int], line: int) -> tuple[int, int]:
    """Offsets of the command that starts on `line` (1-based), through its `\\`-continued lines."""
    start = offsets[line - 1]
    end = start
    while True:
        newline = text.find("\n", end)
        if newline < 0:
            return start, len(text)
        if not text[end:newline].rstrip("\r").rstrip().endswith("\\"):
            return start, newline
        end = newline + 1


def _url_edit(text: str, start: int, end: int, column_offset: int, pin: Pin) -> Edit | str:
    spans = [(start + s, start + e) for s, e in url_revision_spans(text[start:end], pin.reference)]
    after = [span for span in spans if span[0] >= column_offset] or spans
    if not after:
        return "no Hub URL with a revision segment (/resolve/<rev>/) here; pin it by hand"
    first, last = after[0]
    return Edit(first, last, url_segment(pin.sha))


def _id_match(text: str, start: int, end: int, column_offset: int, ref_id: str) -> re.Match | None:
    pattern = re.compile(rf"(?<![\w./@:-])(?P<q>[\"']?){re.escape(ref_id)}(?P=q)(?![\w./@-])", re.IGNORECASE)
    found = list(pattern.finditer(text, start, end))
    after = [m for m in found if m.start() >= column_offset]
    return (after or found or [None])[0]  # type: ignore[list-item]


_SEPARATOR = re.compile(r"&&|\|\||[;|]")


def _simple_command(text: str, start: int, end: int, found: re.Match) -> tuple[int, int]:
    """The span of the one command (between `&&`, `||`, `;`, `|`) that holds the id: a flag of the command
    before or after it belongs to another program."""
    before = [m.end() for m in _SEPARATOR.finditer(text, start, found.start())]
    after = _SEPARATOR.search(text, found.end(), end)
    return (before[-1] if before else start), (after.start() if after else end)


def _flag_edit(text: str, start: int, end: int, column_offset: int, pin: Pin) -> Edit | str:
    ref, flag = pin.reference, pin.reference.revision_key
    found = _id_match(text, start, end, column_offset, ref.id or "")
    if found is None:
        return (f"{ref.id} is not written in the command on line {ref.line} (it comes from a variable); "
                f"add {flag} {pin.sha} by hand")
    start, end = _simple_command(text, start, end, found)
    exec_form = found.group("q") == '"' and re.match(r"\s*[,\]]", text[found.end():end]) is not None
    if exec_form:
        flag_pattern = re.escape(flag or "")
        existing = re.compile(rf'"{flag_pattern}"\s*,\s*"(?P<v>[^"]*)"').search(text, start, end)
        if existing:
            return Edit(existing.start("v"), existing.end("v"), json_in_quotes(pin.sha))
        return Edit(found.end(), found.end(), f', "{flag}", {json.dumps(pin.sha)}')
    existing = re.compile(rf"(?<!\S){re.escape(flag or '')}(?:=|[ \t]+)(?P<q>[\"']?)(?P<v>[^\s\"']+)(?P=q)").search(
        text, start, end)
    if existing and "$" in existing.group("v"):
        return (f"the revision comes from {existing.group('v')}, set outside this command; "
                f"set it to {pin.sha} where it is defined")
    if existing:
        return Edit(existing.start("v"), existing.end("v"), shell_in_quotes(pin.sha, existing.group("q")))
    return Edit(found.end(), found.end(), f" {flag} {shell_word(pin.sha)}")


def _key_value_edit(text: str, start: int, end: int, column_offset: int, pin: Pin) -> Edit | str:
    """`--model_args pretrained=org/m,revision=v1` (revision key `--model_args:revision`): the pin is a key of
    the flag's comma-separated value, next to the id."""
    ref = pin.reference
    flag, _, key = (ref.revision_key or "").partition(":")
    found = _id_match(text, start, end, column_offset, ref.id or "")
    if found is None or not text[:found.start()].endswith("="):
        return (f"{ref.id} is not written in the command on line {ref.line} (it comes from a variable); "
                f"add {key}={pin.sha} to {flag} by hand")
    value_end = re.compile(r"[\s\"']|$").search(text, found.end(), end)
    word_end = value_end.start() if value_end else end
    existing = re.compile(rf"(?<=,){re.escape(key or '')}=(?P<v>[^,\s\"']*)").search(text, found.end(), word_end)
    if existing is None:  # before the id, in the same value
        word_start = max([start] + [text.rfind(c, start, found.start()) + 1 for c in " \t\"'"])
        existing = re.compile(rf"(?<![^\s\"',]){re.escape(key or '')}=(?P<v>[^,\s\"']*)").search(text, word_start,
                                                                                            found.start())
    if existing is not None:
        if "$" in existing.group("v"):
            return f"the revision comes from {existing.group('v')}; set it to {pin.sha} where it is defined"
        return Edit(existing.start("v"), existing.end("v"), pin.sha)
    return Edit(found.end(), found.end(), f",{key}={pin.sha}")


def _variable_edit(text: str, start: int, end: int, pin: Pin) -> Edit | str:
    key = pin.reference.revision_key
    existing = re.compile(rf"(?<![\w-]){re.escape(key or '')}=(?P<q>[\"']?)(?P<v>[^\s\"']*)(?P=q)").search(text, start, end)
    if existing:
        return Edit(existing.start("v"), existing.end("v"), shell_in_quotes(pin.sha, existing.group("q")))
    return f"set {key}={pin.sha} where this command's environment is defined"


def _inside_word_edit(text: str, start: int, end: int, column_offset: int, pin: Pin) -> Edit | str:
    words = [m for m in _WORD.finditer(text, start, end) if pin_inside(m.group(), pin.reference, pin.sha)]
    after = [m for m in words if m.start() >= column_offset] or words
    if not after:
        return f"could not find {pin.reference.id} written with its revision on line {pin.reference.line}"
    word = after[0]
    return Edit(word.start(), word.end(), pin_inside(word.group(), pin.reference, url_segment(pin.sha)) or "")


def _quoted_string(text: str, start: int, end: int, position: int) -> tuple[int, int] | None:
    """(opening quote, closing quote) offsets of the shell-quoted string that `position` is inside, reading the
    quotes from `start`; None outside quotes."""
    index, quote, opened = start, None, -1
    while index < min(position, end):
        char = text[index]
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote is None and char in "\"'":
            quote, opened = char, index
        elif char == quote:
            quote = None
        index += 1
    if quote is None or index > position:
        return None
    closing = text.find(quote, position, end) if quote == "'" else -1
    if quote == '"':
        index = position
        while index < end and text[index] != '"':
            index += 2 if text[index] == "\\" else 1
        closing = index if index < end else -1
    return (opened, closing) if closing >= 0 else None


def _inside_another_layer(text: str, start: int, end: int, pin: Pin, edit: Edit | str) -> Edit | str:
    """A reference that discovery read inside `bash -c "..."`, `eval "..."` or `python -c "..."`: the edit stands
    only when it lands plainly inside that quoted string (no escapes, nothing that needs quoting), else by hand."""
    ref = pin.reference
    *layers, inner = ref.api.split(LAYER_SEPARATOR)
    by_hand = (f"{ref.id} is written inside `{' > '.join(layers)}` on line {ref.line}, where a rewrite could "
               f"change what the command runs; pin it to {pin.sha} by hand")
    if not inner.startswith(("shell:", "env:")):
        return by_hand  # Python code (`python -c`): its revision keyword is not a shell flag
    if isinstance(edit, str):
        return edit
    string = _quoted_string(text, start, end, edit.start)
    if (string is None or not string[0] < edit.start <= edit.end <= string[1]
            or "\\" in text[string[0]:string[1]] or re.search(r"[\"'`$\\]", edit.replacement)):
        return by_hand
    return edit


def _edit_for(text: str, offsets: list[int], pin: Pin) -> Edit | str:
    ref = pin.reference
    if not 1 <= ref.line <= len(offsets):
        return f"line {ref.line} is past the end of the file"
    start, end = _command_span(text, offsets, ref.line)
    column_offset = offsets[ref.line - 1] + max(ref.column - 1, 0)
    key = ref.revision_key
    if key == "url" or ref.syntax == "url":
        return _url_edit(text, start, end, column_offset, pin)  # a revision segment: the same in any quoting
    edit = _plain_edit(text, start, end, column_offset, pin)
    return _inside_another_layer(text, start, end, pin, edit) if LAYER_SEPARATOR in ref.api else edit


def _plain_edit(text: str, start: int, end: int, column_offset: int, pin: Pin) -> Edit | str:
    ref, key = pin.reference, pin.reference.revision_key
    if key == "@":
        return _inside_word_edit(text, start, end, column_offset, pin)
    if not key:
        return f"{ref.api} takes no revision; pin it by hand to {pin.sha}"
    if key.startswith("-") and ":" in key:
        return _key_value_edit(text, start, end, column_offset, pin)
    if key.startswith("-"):
        return _flag_edit(text, start, end, column_offset, pin)
    if _VARIABLE.fullmatch(key):
        return _variable_edit(text, start, end, pin)
    return f"{ref.api} cannot take the commit on its command line; pin it by hand ({key} {pin.sha})"


_COMMENTED_SUFFIXES = (".sh", ".bash", ".zsh", ".yml", ".yaml")
"""Files where a `# …` at the end of a command line is a comment (shell, or YAML around a workflow's `run:`).
Elsewhere it is not (a Makefile variable keeps the spaces before it, a Dockerfile `ENV` or exec form, Markdown):
there the sha goes in without a note."""


def _takes_a_comment(path: str, text: str, edit: Edit) -> bool:
    name = path.rsplit("/", 1)[-1]
    line_start = text.rfind("\n", 0, edit.start) + 1
    line_end = text.find("\n", edit.end)
    line = text[line_start:len(text) if line_end < 0 else line_end].rstrip()
    if line.endswith("\\"):
        return False  # the command goes on: a comment would end it
    if name.lower().startswith("dockerfile") or name.lower().endswith(".dockerfile"):
        return re.match(r"\s*RUN\s+(?!\[)", line, re.IGNORECASE) is not None  # RUN's shell form only
    return path.lower().endswith(_COMMENTED_SUFFIXES)


def _annotated(path: str, text: str, edit: Edit | str, pin: Pin, shell: bool) -> Edit | str:
    """One up-to-date note naming the branch or tag followed, where the file can carry it."""
    if isinstance(edit, str) or not _takes_a_comment("x.sh" if shell else path, text, edit):
        return edit
    return with_line_comment(text, edit, [pin])


def plan_shell(path: str, text: str, pins: Sequence[Pin], *, shell: bool = False) -> SpanPlan:
    """`shell`: `text` is shell whatever `path` says (a notebook's `!` lines and `%%bash` cells)."""
    offsets = line_offsets(text)
    return SpanPlan.collect([(pin, _annotated(path, text, _edit_for(text, offsets, pin), pin, shell))
                             for pin in pins])


class ShellRewriter(SpanRewriter):
    syntaxes = ("shell", "url")

    def plan(self, path: str, text: str, pins: Sequence[Pin]) -> SpanPlan:
        return plan_shell(path, text, pins)

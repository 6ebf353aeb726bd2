"""Pin references in Jupyter notebooks without disturbing the notebook JSON.

The code cells are read the way the notebook finder reads them (one Python module, so constants of earlier
cells count; `!`/`%` lines and shell cells masked), pinned with the same rewriters as `.py` and shell files, and
only the changed cells' `source` strings are written back, each re-encoded as a JSON string. Everything else in
the file — outputs, metadata, other cells, formatting — stays byte for byte, and the result must load as the
same notebook apart from those sources, or nothing is changed.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from gate.pin.interface import Pin, Rewrite, Skipped
from gate.pin.rewrite_python import api_tail, rewrite_python
from gate.pin.rewrite_shell import plan_shell
from gate.pin.textedit import Edit, apply_edits, line_offsets

_AUTOMAGIC = re.compile(r"(?:pip|pip3|conda|mamba)[ \t]+[a-z]")
_SHELL_ASSIGNMENT = re.compile(r"^\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*!")
_CELL_MARK = "#<model-gate-cell>"
_MASK = re.compile(r"^(\s*)pass  #<model-gate-masked:(\d+)>$")


@dataclass
class _Piece:
    """One JSON string of a cell's `source`, and where its token sits in the raw file."""

    value: str
    start: int
    end: int


@dataclass
class _Cell:
    pieces: list[_Piece]
    listed: bool
    """True when `source` is a list of strings (the usual form), False for one string."""
    lines: list[str] = field(default_factory=list)
    raw_positions: list[tuple[int, int]] = field(default_factory=list)
    """(raw line, raw column of the code's first character) per code line."""
    masked: set[int] = field(default_factory=set)
    """Indexes of lines that are not Python (`!cmd`, `%magic`, shell cells)."""
    first_line: int = 0
    """1-based line of the cell's first code line in the combined module."""


def _code_cells(text: str) -> list[_Cell]:
    from gate.discover.notebook_finder import load_with_offsets, raw_line_starts

    document = load_with_offsets(text)
    cells = document.get("cells") if isinstance(document, dict) else None
    if cells is None and isinstance(document, dict):
        cells = [c for w in document.get("worksheets") or [] if isinstance(w, dict) for c in w.get("cells") or []]
    offsets = line_offsets(text)
    out = []
    for cell in cells or ():
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        strings = source if isinstance(source, list) else [source]
        pieces = []
        for string in strings:
            if isinstance(string, str) and hasattr(string, "offset"):
                value, end = scanstring(text, string.offset)
                pieces.append(_Piece(value, string.offset - 1, end))
        if not pieces:
            continue
        entry = _Cell(pieces, isinstance(source, list))
        for piece in pieces:
            starts = raw_line_starts(text, piece.start + 1, piece.value)
            for index, part in enumerate(piece.value.splitlines()):
                start = starts[index] if index < len(starts) else piece.start + 1
                raw_line = _line_at(offsets, start)
                entry.lines.append(part)
                entry.raw_positions.append((raw_line, start + 1 - offsets[raw_line - 1]))
        _mark_non_python(entry)
        out.append(entry)
    return out


def _line_at(offsets: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(offsets, offset)


def _mark_non_python(cell: _Cell) -> None:
    """The lines the notebook finder does not read as Python (see `notebook_finder._Notebook._split_cell`)."""
    from gate.discover.notebook_finder import cell_magic_language

    first = cell.lines[0].strip() if cell.lines else ""
    if first.startswith("%%"):
        name, *arguments = first[2:].split() or [""]
        python = cell_magic_language(name, arguments) == "python" or (
            name == "writefile" and bool(arguments) and arguments[-1].endswith(".py"))
        cell.masked.update({0} if python else range(len(cell.lines)))
    continued = False
    for index, line in enumerate(cell.lines):
        stripped = line.lstrip()
        if continued or stripped.startswith(("!", "%")) or _SHELL_ASSIGNMENT.match(line) or _AUTOMAGIC.match(
                stripped) or (stripped.endswith("?") and not stripped.startswith("#")):
            cell.masked.add(index)
        # `!cmd \` continues on the next line (IPython joins them)
        continued = (continued or stripped.startswith("!")) and line.rstrip().endswith("\\")


def _locate(cells: list[_Cell], pin: Pin) -> tuple[_Cell, int, int] | str:
    """(cell, line index in the cell, 1-based column in that code line) of the raw position, or why not."""
    ref = pin.reference
    found = [(cell, index) for cell in cells for index, (line, _) in enumerate(cell.raw_positions) if line == ref.line]
    if len(found) > 1:
        # A cell kept as one string puts all its lines on one raw line: tell them apart by what they call.
        names = [n.lower() for n in (api_tail(ref.api), ref.id) if n]
        found = [(cell, index) for cell, index in found if any(n in cell.lines[index].lower() for n in names)]
    if len(found) != 1:
        return "cannot tell which line of this notebook cell makes the reference; pin it by hand" if found else \
            f"no code cell line at line {ref.line}"
    cell, index = found[0]
    return cell, index, max(ref.column - cell.raw_positions[index][1] + 1, 1)


def _masked(cell: _Cell, code: str, masked_lines: list[str]) -> list[str]:
    """The cell's lines with the non-Python ones replaced by numbered `pass` placeholders (kept in masked_lines)."""
    out = []
    carried: str | None = None  # the indent of a masked `!cmd \\` line, for the lines continuing it
    for index, line in enumerate(code.split("\n")):
        if index in cell.masked:
            indent = carried if carried is not None else line[: len(line) - len(line.lstrip())]
            carried = indent if line.rstrip().endswith("\\") else None
            out.append(f"{indent}pass  #<model-gate-masked:{len(masked_lines)}>")
            masked_lines.append(line)
        else:
            carried = None
            out.append(line)
    return out


def _parses(lines: list[str]) -> bool:
    import libcst as cst

    try:
        cst.parse_module("\n".join(lines) + "\n")
    except cst.ParserSyntaxError:
        return False
    return True


def _cell_of(cells: list[_Cell], module_line: int) -> int | None:
    for cell in cells:
        if cell.first_line <= module_line < cell.first_line + len(cell.lines):
            return id(cell)
    return None


def _encode_source(text: str, cell: _Cell, code: str) -> Edit:
    first, last = cell.pieces[0], cell.pieces[-1]
    if not cell.listed:
        return Edit(first.start, first.end, json.dumps(code, ensure_ascii=False))
    old = {piece.value: text[piece.start:piece.end] for piece in cell.pieces}
    new_pieces = code.splitlines(keepends=True)
    if len(cell.pieces) > 1:
        separator = text[cell.pieces[0].end:cell.pieces[1].start]
    else:
        line_start = text.rfind("\n", 0, first.start) + 1
        separator = ",\n" + " " * (first.start - line_start)
    tokens = [old.get(piece) or json.dumps(piece, ensure_ascii=False) for piece in new_pieces]
    return Edit(first.start, last.end, separator.join(tokens))


def _shape(document: Any) -> object:
    """The notebook with every code cell's source blanked: what must not change."""
    cells = document.get("cells") if isinstance(document, dict) else None
    for cell in cells or ():
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell["source"] = None
    return document


def rewrite_notebook(text: str, pins: Sequence[Pin]) -> Rewrite:
    try:
        cells = _code_cells(text)
    except (ValueError, RecursionError) as exc:
        reason = f"the notebook could not be read ({exc}); pin it by hand"
        return Rewrite(text, (), tuple(Skipped(p.reference, reason) for p in pins))

    skipped: list[Skipped] = []
    original_of: dict = {}  # the reference as placed in a cell or the module -> the pin as discovered
    shell_pins: dict[int, list[Pin]] = {}
    python_pins: list[Pin] = []
    module_line = 1
    for cell in cells:
        cell.first_line = module_line + 1  # after the cell marker line
        module_line += len(cell.lines) + 1
    for pin in pins:
        where = _locate(cells, pin)
        if isinstance(where, str):
            skipped.append(Skipped(pin.reference, where))
            continue
        cell, index, column = where
        if index in cell.masked:
            moved = dataclasses.replace(pin.reference, line=index + 1, column=column)
            shell_pins.setdefault(id(cell), []).append(dataclasses.replace(pin, reference=moved))
        else:
            moved = dataclasses.replace(pin.reference, line=cell.first_line + index, column=column, syntax="python")
            python_pins.append(dataclasses.replace(pin, reference=moved))
        original_of[moved] = pin

    done: list[Pin] = []
    codes = {id(cell): "\n".join(cell.lines) for cell in cells}
    for cell in cells:
        if id(cell) in shell_pins:
            plan = plan_shell("cell", codes[id(cell)], shell_pins[id(cell)], shell=True)
            codes[id(cell)] = apply_edits(codes[id(cell)], list(plan.edits))
            done.extend(original_of[p.reference] for p in plan.pinned)
            skipped.extend(Skipped(original_of[s.reference].reference, s.reason) for s in plan.skipped)

    if python_pins:
        masked_lines: list[str] = []
        masked_code = {id(cell): _masked(cell, codes[id(cell)], masked_lines) for cell in cells}
        # A cell that is not Python 3 (a Python 2 print, a syntax error) would make the whole module unparsable:
        # it stays out, as in the notebook finder, and its own references are listed.
        broken = {id(cell) for cell in cells if not _parses(masked_code[id(cell)])}
        module: list[str] = []
        for cell in cells:
            module.append(_CELL_MARK)
            module.extend(masked_code[id(cell)] if id(cell) not in broken else [""] * len(cell.lines))
        for pin in [p for p in python_pins if _cell_of(cells, p.reference.line) in broken]:
            python_pins.remove(pin)
            skipped.append(Skipped(original_of[pin.reference].reference,
                                   "this notebook cell is not valid Python 3; pin it by hand"))
        result = rewrite_python("\n".join(module) + "\n", python_pins)
        done.extend(original_of[p.reference] for p in result.pinned)
        skipped.extend(Skipped(original_of[s.reference].reference, s.reason) for s in result.skipped)
        chunks: list[list[str]] = []
        for line in result.text.split("\n")[:-1]:
            if line == _CELL_MARK:
                chunks.append([])
            else:
                chunks[-1].append(_MASK.sub(lambda m: masked_lines[int(m.group(2))], line))
        for cell, chunk in zip(cells, chunks, strict=True):
            if id(cell) not in broken:
                codes[id(cell)] = "\n".join(chunk)

    edits = []
    for cell in cells:
        original_code = "".join(piece.value for piece in cell.pieces)
        code = codes[id(cell)]
        if original_code.endswith("\n"):
            code += "\n"
        if code != original_code:
            edits.append(_encode_source(text, cell, code))
    new_text = apply_edits(text, edits)
    if new_text != text and _shape(json.loads(new_text)) != _shape(json.loads(text)):
        reason = "rewriting the notebook would change more than its code; nothing was changed, pin it by hand"
        return Rewrite(text, (), tuple(skipped) + tuple(Skipped(p.reference, reason) for p in done))
    return Rewrite(new_text, tuple(done), tuple(skipped))

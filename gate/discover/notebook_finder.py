"""Jupyter notebooks: the Python of code cells (read as one module, so imports and constants of earlier cells
count) and their shell lines (`!cmd`, `%sx`, `%%bash` cells), with `line` pointing into the raw `.ipynb`.
Markdown cells and outputs are not code and are skipped.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from json.decoder import scanstring

from gate.discover.interface import FileResult, Finder, Reference, ScanWarning, SourceFile
from gate.discover.python_fallback import fallback_scan
from gate.discover.python_finder import MAX_PARSE_BYTES, parse_python, relevant_lines, scan_tree

SHELL_CELL_MAGICS = frozenset({"bash", "sh", "system", "sx", "script"})
# Cell magics whose body is still Python.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "px", "cache"})
SHELL_LINE_MAGICS = ("%sx ", "%system ", "%%sx ")
_HELP = re.compile(r"^\??[A-Za-z_][\w.]*(?:\(\))?\?{1,2}\s*$")  # `obj?`, `obj??`, `?obj`
_SHELL_ASSIGNMENT = re.compile(r"^(\s*)([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*!(.*)$")


class NotebookError(ValueError):
    """The file is not notebook JSON."""


class NotebookTooLarge(NotebookError):
    """More JSON values than the offset-keeping reader holds (each costs ~500 bytes): read without offsets."""


MAX_LOCATED_VALUES = 200_000
_SKIPPED_VALUES = frozenset({"outputs", "attachments"})
"""Values that are never code: decoded at C speed without offsets, so cell outputs (images, tables) stay cheap."""
_DECODER = json.JSONDecoder()


class _Located(str):
    """A JSON string that remembers where its text starts in the raw file."""

    offset: int


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


def load_with_offsets(text: str) -> object:
    """Parse JSON like `json.loads`, but strings are `_Located` (they know their offset in `text`).

    Iterative, so a deeply nested file cannot exhaust the stack.
    """
    position = _WHITESPACE.match(text, 0).end()
    root: list = []
    # Each frame: (container, pending key for dicts). The root list holds the top value.
    stack: list[list] = [[root, None]]
    expect_value = True
    budget = MAX_LOCATED_VALUES  # issue 8: millions of tiny values must not cost gigabytes
    while True:
        container, key = stack[-1]
        if expect_value:
            if position >= len(text):
                raise NotebookError("unexpected end of file")
            char = text[position]
            budget -= 1
            if budget < 0:
                raise NotebookTooLarge(f"more than {MAX_LOCATED_VALUES:,} JSON values")
            if key in _SKIPPED_VALUES and isinstance(container, dict) and char in "[{":
                try:
                    skipped, position = _DECODER.raw_decode(text, position)
                except (ValueError, RecursionError):
                    pass  # invalid or too deep for the C decoder: read it below, which says where it breaks
                else:
                    _store(stack[-1], skipped)  # plain values, no offsets
                    expect_value = False
                    position = _WHITESPACE.match(text, position).end()
                    continue
            if char == "{" or char == "[":
                value: object = {} if char == "{" else []
                _store(stack[-1], value)
                stack.append([value, None])
                position = _WHITESPACE.match(text, position + 1).end()
                closing = "}" if char == "{" else "]"
                if text.startswith(closing, position):
                    stack.pop()
                    position += 1
                    expect_value = False
                    if len(stack) == 1:
                        break
                    position = _WHITESPACE.match(text, position).end()
                    continue
                if char == "{":
                    position = _read_key(text, position, stack[-1])
                continue
            if char == '"':
                decoded, end = _string(text, position)
                located = _Located(decoded)
                located.offset = position + 1
                _store(stack[-1], located)
                position = end
            else:
                match = _SCALAR.match(text, position)
                if match is None:
                    raise NotebookError(f"unexpected character at offset {position}")
                _store(stack[-1], json.loads(match.group(0)))
                position = match.end()
            expect_value = False
            if len(stack) == 1:
                break
            position = _WHITESPACE.match(text, position).end()
            continue
        # After a value inside a container: `,` or the closing bracket.
        if position >= len(text):
            raise NotebookError("unexpected end of file")
        char = text[position]
        is_dict = isinstance(container, dict)
        if char == ",":
            position = _WHITESPACE.match(text, position + 1).end()
            if is_dict:
                position = _read_key(text, position, stack[-1])
            expect_value = True
            continue
        if char == ("}" if is_dict else "]"):
            stack.pop()
            position += 1
            if len(stack) == 1:
                break
            position = _WHITESPACE.match(text, position).end()
            continue
        raise NotebookError(f"expected ',' or a closing bracket at offset {position}")
    if _WHITESPACE.match(text, position).end() != len(text):
        raise NotebookError("extra data after the JSON document")
    return root[0]


def _string(text: str, position: int) -> tuple[str, int]:
    try:
        return scanstring(text, position + 1)
    except json.JSONDecodeError as exc:
        raise NotebookError(str(exc)) from None


def _read_key(text: str, position: int, frame: list) -> int:
    if not text.startswith('"', position):
        raise NotebookError(f"expected a key at offset {position}")
    key, position = _string(text, position)
    position = _WHITESPACE.match(text, position).end()
    if not text.startswith(":", position):
        raise NotebookError(f"expected ':' at offset {position}")
    frame[1] = key
    return _WHITESPACE.match(text, position + 1).end()


def _store(frame: list, value: object) -> None:
    container, key = frame
    if isinstance(container, dict):
        container[key] = value
    else:
        container.append(value)


@dataclass(frozen=True)
class _SourceLine:
    text: str
    """The line without its newline."""
    line: int
    """1-based line in the raw .ipynb."""
    column: int
    """1-based column in the raw .ipynb where the line's text starts (exact unless escapes precede it)."""


def _cell_lines(source: object, line_of) -> list[_SourceLine]:
    pieces = source if isinstance(source, list) else [source]
    lines: list[_SourceLine] = []
    for piece in pieces:
        if not isinstance(piece, str):
            continue
        offset = getattr(piece, "offset", 0)
        line, column = line_of(offset)
        for index, part in enumerate(piece.split("\n")):
            if index and not part and index == piece.count("\n"):
                break  # the text after a final newline
            lines.append(_SourceLine(part.rstrip("\r"), line, column if index == 0 else column))
    return lines


class _Notebook:
    def __init__(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None):
        self.file = file
        self.text = text
        self.repo_paths = repo_paths
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.python: list[tuple[int, list[_SourceLine]]] = []  # (cell number, lines with shell lines blanked)
        self.shell: list[list[_SourceLine]] = []
        """Blocks of shell text: one per `!` line, one per `%%bash` cell."""
        self.references: list[Reference] = []
        self.warnings: list[ScanWarning] = []

    def line_of(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def read(self) -> FileResult:
        try:
            document = load_with_offsets(self.text)
        except NotebookTooLarge as exc:
            try:
                document = json.loads(self.text)  # no offsets: every line of the cells maps to line 1
            except (ValueError, RecursionError):
                document = None
            self.warnings.append(ScanWarning(self.file.path, f"notebook holds {exc}; its cells were read without "
                                                             "positions, so references point at line 1"))
        except (NotebookError, RecursionError, ValueError) as exc:
            from gate.discover.url_finder import scan_text_for_urls

            self.warnings.append(ScanWarning(
                self.file.path, f"not a readable notebook ({exc}); only scanned for Hub URLs"))
            self.references.extend(scan_text_for_urls(self.text, self.file.path, syntax="notebook"))
            return self._result()
        cells = document.get("cells") if isinstance(document, dict) else None
        if cells is None and isinstance(document, dict):  # nbformat 3: worksheets[].cells
            cells = [c for w in document.get("worksheets") or [] if isinstance(w, dict) for c in w.get("cells") or []]
        if not isinstance(cells, list):
            self.warnings.append(ScanWarning(self.file.path, "notebook has no cells list; nothing scanned"))
            return self._result()
        for number, cell in enumerate(cells, start=1):
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", cell.get("input", ""))
            self._split_cell(number, _cell_lines(source, self.line_of))
        self._scan_python()
        self._scan_shell()
        return self._result()

    def _result(self) -> FileResult:
        references = sorted(dict.fromkeys(self.references), key=lambda r: (r.line, r.column, r.api, r.id or ""))
        return FileResult(tuple(references), tuple(self.warnings))

    def _split_cell(self, number: int, lines: list[_SourceLine]) -> None:
        if not lines:
            return
        first = lines[0].text.strip()
        if first.startswith("%%"):
            magic = first[2:].split()
            name = magic[0] if magic else ""
            body = lines[1:]
            if name in SHELL_CELL_MAGICS and (name != "script" or (len(magic) > 1 and magic[1] in ("bash", "sh"))):
                self.shell.append(body)
                return
            if name == "writefile" and not (len(magic) > 1 and magic[-1].endswith(".py")):
                return  # writes a non-Python file
            if name not in PYTHON_CELL_MAGICS and name != "writefile":
                return  # %%html, %%javascript, ...: not Python
            lines = [_SourceLine("", lines[0].line, lines[0].column), *body]
        python: list[_SourceLine] = []
        for source_line in lines:
            stripped = source_line.text.lstrip()
            indent = source_line.text[: len(source_line.text) - len(stripped)]
            assignment = _SHELL_ASSIGNMENT.match(source_line.text)
            if stripped.startswith("!"):
                self._shell_line(source_line, len(indent) + 1)
                python.append(_SourceLine(indent + "pass", source_line.line, source_line.column))
            elif assignment:
                self._shell_line(source_line, len(source_line.text) - len(assignment.group(3)))
                python.append(_SourceLine(f"{assignment.group(1)}{assignment.group(2)} = None",
                                          source_line.line, source_line.column))
            elif stripped.startswith("%"):
                if stripped.startswith(SHELL_LINE_MAGICS):
                    self._shell_line(source_line, len(indent) + stripped.index(" ") + 1)
                python.append(_SourceLine(indent + "pass", source_line.line, source_line.column))
            elif _HELP.match(stripped):
                python.append(_SourceLine(indent + "pass", source_line.line, source_line.column))  # `obj?` help
            else:
                python.append(source_line)
        self.python.append((number, python))

    def _shell_line(self, source_line: _SourceLine, command_start: int) -> None:
        self.shell.append([_SourceLine(source_line.text[command_start:], source_line.line,
                                       source_line.column + command_start)])

    def _scan_python(self) -> None:
        cells = [(number, lines) for number, lines in self.python if lines]
        if not cells:
            return
        text = "\n".join(line.text for _, lines in cells for line in lines)
        if relevant_lines(text) == []:
            return
        if len(text) > MAX_PARSE_BYTES:
            lines = [line for _, cell_lines in cells for line in cell_lines]
            self.warnings.append(ScanWarning(self.file.path, "code cells too large to parse safely; used a text "
                                                             "scan, so references may be incomplete"))
            self.references.extend(fallback_scan(text, self.file.path, self.repo_paths, syntax="notebook",
                                                 position=_mapper(lines)))
            return
        tree, _ = parse_python(text)
        if tree is None:
            good = []
            for number, lines in cells:
                cell_text = "\n".join(line.text for line in lines)
                cell_tree, problem = parse_python(cell_text)
                if cell_tree is None:
                    self.warnings.append(ScanWarning(
                        self.file.path, f"code cell {number} could not be parsed as Python ({problem}); "
                                        "used a text scan, so references may be incomplete"))
                    self.references.extend(fallback_scan(cell_text, self.file.path, self.repo_paths,
                                                         syntax="notebook", position=_mapper(lines)))
                else:
                    good.append((number, lines))
            cells = good
            text = "\n".join(line.text for _, lines in cells for line in lines)
            tree, _ = parse_python(text)
            if tree is None:
                return
        lines = [line for _, cell_lines in cells for line in cell_lines]
        references, warnings = scan_tree(tree, text, self.file.path, self.repo_paths, syntax="notebook",
                                         position=_mapper(lines))
        self.references.extend(references)
        self.warnings.extend(warnings)

    def _scan_shell(self) -> None:
        if not self.shell:
            return
        from gate.discover.shell_finder import scan_shell_text

        for block in self.shell:
            if not block:
                continue
            text = "\n".join(line.text for line in block)
            self.references.extend(scan_shell_text(
                text, self.file.path, syntax="notebook", line_map=[line.line for line in block],
                column_offset=block[0].column - 1, repo_paths=self.repo_paths))


def _mapper(lines: list[_SourceLine]):
    def position(line: int, column: int) -> tuple[int, int]:
        if 0 < line <= len(lines):
            source_line = lines[line - 1]
            return source_line.line, source_line.column + column
        return line, column + 1

    return position


class NotebookFinder(Finder):
    """`*.ipynb` files."""

    def accepts(self, path: str) -> bool:
        return path.endswith(".ipynb")

    def scan(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        result = _Notebook(file, text, repo_paths).read()
        if any(r.source == "mlflow" for r in result.references):  # the notebook's own set_tracking_uri(...)
            from dataclasses import replace

            from gate.discover import mlflow_uris

            registry = mlflow_uris.python_registry(text.replace('\\"', '"'))  # cell sources are JSON strings
            result = replace(result, references=mlflow_uris.with_registry(result.references, registry))
        return result

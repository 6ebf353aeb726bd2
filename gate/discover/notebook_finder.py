"""Jupyter notebooks: the Python of code cells (read as one module, so imports and constants of earlier cells
count) and their shell lines (`!cmd` with its `\\` continuation lines, `%sx`, `pip install` automagic, `%%bash`
and `%%script [--bg] bash` cells), with `line` and `column` pointing into the raw `.ipynb` (also for a cell whose
`source` is one string). Markdown cells and outputs are not code and are skipped.

Magics that run Python are read as Python: `%time`/`%timeit`/`%prun` statements, `%%time`/`%%timeit` (with its
setup statement), `%%python3`, `%%script python3`; `%run script` scans that repository file under its own path.
`%%writefile name` cells are read as what they write (Python, YAML/JSON/TOML config, shell), and a config string
a cell parses (`yaml.safe_load('''...''')`) as that config.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from json import decoder as _json_decoder
from typing import TYPE_CHECKING

from gate.discover import embedded_config
from gate.discover.interface import (
    CONFIDENCE_MEDIUM,
    FileResult,
    Finder,
    Reference,
    ScanWarning,
    SourceFile,
    file_suffix,
)
from gate.discover.python_fallback import fallback_scan
from gate.discover.python_finder import MAX_PARSE_BYTES, parse_python, relevant_lines, scan_tree
from gate.discover.text_files import JSON_WHITESPACE

if TYPE_CHECKING:
    from gate.discover.shell_finder import Word

# json's own string scanner (the C one when built): typeshed does not declare it.
scanstring: Callable[[str, int], tuple[str, int]] = _json_decoder.scanstring  # type: ignore[attr-defined]

SHELL_CELL_MAGICS = frozenset({"bash", "sh", "system", "sx", "script", "zsh"})
# Cell magics whose body is still Python (run in the kernel, or by a Python interpreter in a subprocess).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "px", "cache", "python",
                                "python2", "python3", "pypy"})
SHELL_LINE_MAGICS = ("%sx ", "%system ", "%%sx ")
PYTHON_LINE_MAGICS = ("%time", "%timeit", "%prun", "%memit", "%debug")
"""Line magics whose argument is a Python statement the kernel runs (`%time model = load(...)`)."""
_TIMEIT_VALUE_OPTIONS = frozenset({"-n", "-r", "-p", "-s", "-T", "-D", "-l"})
_SCRIPT_VALUE_OPTIONS = frozenset({"--out", "--err", "--proc"})
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh"})
_CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".toml"})


def cell_magic_language(name: str, arguments: list[str]) -> str | None:
    """What a cell magic runs its body as: `python`, `shell`, or None (HTML, JavaScript, ...).

    `%%script [--bg] [--out x] python3` runs an interpreter named by its first non-option argument."""
    if name == "script":
        words = list(arguments)
        while words and words[0].startswith("-"):
            if words.pop(0) in _SCRIPT_VALUE_OPTIONS and words:
                words.pop(0)
        program = words[0].rsplit("/", 1)[-1] if words else ""
        if program in _SHELLS:
            return "shell"
        return "python" if re.fullmatch(r"(?:python|pypy)[\d.]*", program) else None
    if name in SHELL_CELL_MAGICS:
        return "shell"
    return "python" if name in PYTHON_CELL_MAGICS else None
_AUTOMAGIC_SHELL = re.compile(r"(?:pip|pip3|conda|mamba)[ \t]+[a-z]")
_HELP = re.compile(r"^\??[A-Za-z_][\w.]*(?:\(\))?\?{1,2}\s*$")  # `obj?`, `obj??`, `?obj`
_PYTHON_FIELD = re.compile(r"(?<![$\\{])\{([A-Za-z_]\w*)\}")
"""`{name}` in a `!` line: IPython puts the Python variable's value there (`{expr}` with more than a name is left
as written)."""
_SHELL_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)")
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


_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


def load_with_offsets(text: str) -> object:
    """Parse JSON like `json.loads`, but strings are `_Located` (they know their offset in `text`).

    Iterative, so a deeply nested file cannot exhaust the stack.
    """
    position = JSON_WHITESPACE.match(text, 0).end()
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
                    position = JSON_WHITESPACE.match(text, position).end()
                    continue
            if char == "{" or char == "[":
                value: object = {} if char == "{" else []
                _store(stack[-1], value)
                stack.append([value, None])
                position = JSON_WHITESPACE.match(text, position + 1).end()
                closing = "}" if char == "{" else "]"
                if text.startswith(closing, position):
                    stack.pop()
                    position += 1
                    expect_value = False
                    if len(stack) == 1:
                        break
                    position = JSON_WHITESPACE.match(text, position).end()
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
            position = JSON_WHITESPACE.match(text, position).end()
            continue
        # After a value inside a container: `,` or the closing bracket.
        if position >= len(text):
            raise NotebookError("unexpected end of file")
        char = text[position]
        is_dict = isinstance(container, dict)
        if char == ",":
            position = JSON_WHITESPACE.match(text, position + 1).end()
            if is_dict:
                position = _read_key(text, position, stack[-1])
            expect_value = True
            continue
        if char == ("}" if is_dict else "]"):
            stack.pop()
            position += 1
            if len(stack) == 1:
                break
            position = JSON_WHITESPACE.match(text, position).end()
            continue
        raise NotebookError(f"expected ',' or a closing bracket at offset {position}")
    if JSON_WHITESPACE.match(text, position).end() != len(text):
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
    position = JSON_WHITESPACE.match(text, position).end()
    if not text.startswith(":", position):
        raise NotebookError(f"expected ':' at offset {position}")
    frame[1] = key
    return JSON_WHITESPACE.match(text, position + 1).end()


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


_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")


def raw_line_starts(raw: str, start: int, decoded: str) -> list[int]:
    """Raw offsets where each line (`decoded.split("\\n")`) of a JSON string starts, the string's text beginning
    at `raw[start]`: a cell kept as one string has all its lines on one raw line, told apart by column."""
    starts = [start]
    if "\n" not in decoded:
        return starts
    position = start
    for match in _ESCAPE.finditer(raw, start):
        if raw.count('"', position, match.start()):  # an unescaped quote: the string ended before this escape
            break
        position = match.end()
        if match.group() == "\\n":
            starts.append(position)
            if len(starts) > decoded.count("\n"):
                break
    return starts


def _cell_lines(source: object, line_of: Callable[[int], tuple[int, int]], raw: str = "") -> list[_SourceLine]:
    pieces = source if isinstance(source, list) else [source]
    lines: list[_SourceLine] = []
    for piece in pieces:
        if not isinstance(piece, str):
            continue
        offset = getattr(piece, "offset", None)
        starts = raw_line_starts(raw, offset, piece) if offset is not None and raw else []
        parts = piece.split("\n")
        for index, part in enumerate(parts):
            if index and not part and index == len(parts) - 1:
                break  # the text after a final newline
            line, column = line_of(starts[index] if index < len(starts) else (offset or 0))
            lines.append(_SourceLine(part.rstrip("\r"), line, column))
    return lines


class _Notebook:
    def __init__(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None):
        self.file = file
        self.text = text
        self.repo_paths = repo_paths
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.python: list[tuple[int, list[_SourceLine]]] = []  # (cell number, lines with shell lines blanked)
        self.shell: list[list[_SourceLine]] = []
        """Blocks of shell text: one per `!` line, one per `%%bash` cell, one per `%%writefile x.sh` cell."""
        self.written_shell: set[int] = set()
        """`id()`s of the blocks `%%writefile` saves: a script another may `source`, not a shell of its own."""
        self.expanded_shell: set[int] = set()
        """`id()`s of the blocks IPython expands before running them (`!` lines and shell line magics: `{name}` and
        `$name` are the notebook's Python variables); `%%bash` cells run as written."""
        self.configs: list[tuple[str, list[_SourceLine]]] = []
        """Config files a cell writes (`%%writefile config.yaml`): (suffix, lines)."""
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
            self._split_cell(number, _cell_lines(source, self.line_of, self.text))
        self._scan_python()
        self._scan_shell()
        self._scan_configs()
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
            name, arguments = (magic[0], magic[1:]) if magic else ("", [])
            body = lines[1:]
            if name == "writefile":
                self._written_file(number, arguments, body, lines[0])
                return
            runs = cell_magic_language(name, arguments)
            if runs == "shell":
                self.shell.append(body)
                return
            if runs != "python":
                return  # %%html, %%javascript, ...: not Python
            head = _SourceLine("", lines[0].line, lines[0].column)
            if name == "timeit":  # `%%timeit -n1 setup_statement`: the rest of the line is setup code
                head = self._statement_after(lines[0], ("%%timeit",), _TIMEIT_VALUE_OPTIONS) or head
            lines = [head, *body]
        python: list[_SourceLine] = []
        continued: list[_SourceLine] | None = None  # the shell block a `!cmd \\` line continues into
        for source_line in lines:
            stripped = source_line.text.lstrip()
            indent = source_line.text[: len(source_line.text) - len(stripped)]
            assignment = _SHELL_ASSIGNMENT.match(source_line.text)
            if continued is not None:  # IPython joins a `!` line ending in a backslash with the next one
                continued.append(source_line)
                python.append(_SourceLine("", source_line.line, source_line.column))
                if not source_line.text.rstrip().endswith("\\"):
                    continued = None
                continue
            if _AUTOMAGIC_SHELL.match(stripped):  # `pip install x`: IPython runs it as `%pip install x`
                self._shell_line(source_line, len(indent))
                python.append(_SourceLine(indent + "pass", source_line.line, source_line.column))
            elif stripped.startswith("!"):
                self._shell_line(source_line, len(indent) + 1)
                python.append(_SourceLine(indent + "pass", source_line.line, source_line.column))
                if stripped.rstrip().endswith("\\"):
                    continued = self.shell[-1]
            elif assignment:
                self._shell_line(source_line, len(source_line.text) - len(assignment.group(3)))
                python.append(_SourceLine(f"{assignment.group(1)}{assignment.group(2)} = None",
                                          source_line.line, source_line.column))
            elif stripped.startswith("%"):
                if stripped.startswith(SHELL_LINE_MAGICS):
                    self._shell_line(source_line, len(indent) + stripped.index(" ") + 1)
                statement = self._statement_after(source_line, PYTHON_LINE_MAGICS, _TIMEIT_VALUE_OPTIONS)
                if stripped.startswith(("%run ", "%run\t")):
                    self._run_magic(stripped.split()[1:])
                python.append(statement or _SourceLine(indent + "pass", source_line.line, source_line.column))
            elif _HELP.match(stripped):
                python.append(_SourceLine(indent + "pass", source_line.line, source_line.column))  # `obj?` help
            else:
                python.append(source_line)
        self.python.append((number, python))

    @staticmethod
    def _statement_after(source_line: _SourceLine, magics: tuple[str, ...],
                         value_options: frozenset[str]) -> _SourceLine | None:
        """`%time model = load()` -> `model = load()` at its own column (options such as `-n 10` skipped)."""
        stripped = source_line.text.lstrip()
        indent = source_line.text[: len(source_line.text) - len(stripped)]
        magic = next((m for m in magics if stripped.startswith(m) and stripped[len(m):len(m) + 1] in (" ", "\t")),
                     None)
        if magic is None:
            return None
        position = len(magic)
        while True:
            token = re.match(r"\s*(\S+)", stripped[position:])
            if token is None:
                return None
            word = token.group(1)
            if not word.startswith("-"):
                break
            position += token.end()
            if word in value_options:  # `-n 10`: the option's value is the next word
                value = re.match(r"\s*\S+", stripped[position:])
                position += value.end() if value else 0
        position += len(stripped[position:]) - len(stripped[position:].lstrip())
        statement = stripped[position:]
        return _SourceLine(indent + statement, source_line.line, source_line.column + position)

    def _written_file(self, number: int, arguments: list[str], body: list[_SourceLine],
                      magic_line: _SourceLine) -> None:
        """`%%writefile name`: the body is what the file will hold, read as that language."""
        targets = [a for a in arguments if not a.startswith("-")]
        suffix = file_suffix(targets[-1].strip("\"'")).lower() if targets else ""
        if suffix == ".py":
            self.python.append((number, [_SourceLine("", magic_line.line, magic_line.column), *body]))
        elif suffix in _CONFIG_SUFFIXES:
            self.configs.append((suffix, body))
        elif suffix in (".sh", ".bash"):
            self.shell.append(body)
            self.written_shell.add(id(body))

    def _run_magic(self, arguments: list[str]) -> None:
        """`%run script.py`: IPython runs a repository file as Python. It is scanned under its own path (the same
        references a full scan finds there, so nothing is reported twice), also when its name does not end in
        `.py`; what cannot be found is a warning."""
        words = [a for a in arguments]
        while words and words[0].startswith("-"):
            if words.pop(0) == "-m":  # `%run -m module`: a module, resolved by the import system
                self.warnings.append(ScanWarning(self.file.path, "`%run -m` runs a module found at run time; "
                                                                 "it was not analysed from this notebook"))
                return
        if not words:
            return
        target = words[0].strip("\"'")
        if any(c in target for c in "${}*?") or not target:
            self.warnings.append(ScanWarning(self.file.path, f"`%run {target}`: the script is chosen at run time; "
                                                             "not analysed"))
            return
        found = _run_target(self.file, target, self.repo_paths)
        if isinstance(found, str):
            self.warnings.append(ScanWarning(self.file.path, found))
            return
        if found is None or found.path.endswith((".ipynb", ".ipy")):
            return  # another notebook: scanned on its own
        from gate.discover.python_finder import PythonFinder

        text, problem = _read_repo_text(found)
        if problem:
            self.warnings.append(ScanWarning(self.file.path, problem))
            return
        result = PythonFinder().scan(found, text, self.repo_paths)
        self.references.extend(result.references)
        self.warnings.extend(result.warnings)

    def _shell_line(self, source_line: _SourceLine, command_start: int) -> None:
        block = [_SourceLine(source_line.text[command_start:], source_line.line, source_line.column + command_start)]
        self.shell.append(block)
        self.expanded_shell.add(id(block))

    def _python_strings(self, names: set[str]) -> dict[str, Word]:
        """The notebook's global `NAME = "text"` assignments, for the names IPython expands in its `!` lines: a name
        bound once, to a string literal, has that value; one bound more than once or to anything else is not known
        (the shell finder then reports its uses as dynamic)."""
        from gate.discover.shell_finder import Word

        text = "\n".join(line.text for _, lines in self.python for line in lines)
        tree, _ = parse_python(text) if any(name in text for name in names) else (None, None)
        if tree is None:
            return {}
        bound: dict[str, list[str | None]] = {}
        pending: list[ast.AST] = list(tree.body)
        while pending:
            node = pending.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue  # their names are local (a `global` statement inside is rare enough to leave out)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in names:
                bound.setdefault(node.id, []).append(None)
            pending.extend(ast.iter_child_nodes(node))
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id in bound \
                    and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str):
                values = bound[statement.targets[0].id]
                values[values.index(None)] = statement.value.value
        return {name: Word(values[0], repr(values[0]), 0, 0) for name, values in bound.items()
                if len(values) == 1 and values[0] is not None}

    def _scan_python(self) -> None:
        cells = [(number, lines) for number, lines in self.python if lines]
        if not cells:
            return
        text = "\n".join(line.text for _, lines in cells for line in lines)
        if relevant_lines(text) == [] and not embedded_config.worth_walking(text):
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
        if embedded_config.worth_walking(text):  # YAML/JSON written into a string and parsed by the cell
            consumed: set[tuple[int, str]] = set()
            references, warnings = embedded_config.embedded_config_references(
                tree, text, self.file.path, self.repo_paths, syntax="notebook", position=_mapper(lines),
                consumed=consumed)
            if consumed:  # a form field (`model_name = 'org/m'`) is reported where the config uses it
                self.references = [r for r in self.references if not (
                    r.confidence == CONFIDENCE_MEDIUM and r.api.startswith("context:") and (r.line, r.id) in consumed)]
            self.references.extend(references)
            self.warnings.extend(warnings)

    def _scan_configs(self) -> None:
        from gate.discover.config_finder import scan_config_text

        for suffix, lines in self.configs:
            if not lines:
                continue
            references, warnings = scan_config_text("\n".join(line.text for line in lines), suffix, self.file.path,
                                                    self.repo_paths)
            position = _mapper(lines)
            for reference in references:
                line, column = position(reference.line, reference.column - 1)
                self.references.append(dataclasses.replace(reference, line=line, column=column, syntax="notebook"))
            self.warnings.extend(warnings)

    def _scan_shell(self) -> None:
        if not self.shell:
            return
        from gate.discover.shell_finder import scan_shell_text

        saved_paths: set[str] = set()  # `!olive ... -o out/m` then `!olive ... -m out/m`: the same working directory
        namespace: dict[str, Word] | None = None
        for block in self.shell:
            if not block:
                continue
            text = "\n".join(line.text for line in block)
            env: dict[str, Word] = {}
            if id(block) in self.expanded_shell and ("{" in text or "$" in text):
                # IPython replaces `{name}` and `$name` with the Python variable's value before the shell runs
                text = _PYTHON_FIELD.sub(r"${\1}", text)
                names = set(_SHELL_VARIABLE.findall(text))
                if names:
                    namespace = namespace if namespace is not None else {}
                    missing = names.difference(namespace)
                    if missing:
                        namespace.update(self._python_strings(missing))
                    env = {name: namespace[name] for name in names if name in namespace}
            self.references.extend(scan_shell_text(
                text, self.file.path, syntax="notebook", line_map=[line.line for line in block],
                column_offset=block[0].column - 1, repo_paths=self.repo_paths,
                own_process=id(block) not in self.written_shell, saved_paths=saved_paths, env=env))


def _run_target(notebook: SourceFile, target: str, repo_paths: frozenset[str] | None) -> SourceFile | str | None:
    """The repository file `%run target` runs (IPython tries the name, then the name plus `.py`, from the
    notebook's directory), a warning when it is not in the repository, None when it cannot be looked up."""
    import os
    import posixpath

    from gate.discover.scan_cache import note_read

    if repo_paths is None or not notebook.absolute.endswith(notebook.path):
        return None
    root = notebook.absolute[: len(notebook.absolute) - len(notebook.path)].rstrip("/") or "/"
    if target.startswith("/"):
        return f"`%run {target}` runs a script outside the repository; it was not analysed"
    base = posixpath.dirname(notebook.path)
    # The working directory is the notebook's unless the notebook changed it; the repository root is the other
    # common one (`%cd` to the checkout).
    for folder, candidate in ((base, target), (base, target + ".py"), ("", target), ("", target + ".py")):
        relative = posixpath.normpath(posixpath.join(folder, candidate))
        if relative.startswith("../") or relative == "..":
            continue
        absolute = os.path.join(root, relative)
        note_read(absolute)  # the notebook's references depend on the script it runs (see scan_cache)
        real = os.path.realpath(absolute)
        if relative in repo_paths and os.path.isfile(absolute) and real.startswith(os.path.realpath(root) + os.sep):
            return SourceFile(relative, absolute)
    return f"`%run {target}` runs a script that is not in the repository; it was not analysed"


def _read_repo_text(file: SourceFile) -> tuple[str, str | None]:
    from gate.discover.text_files import MAX_TEXT_BYTES
    from gate.discover.text_files import decode as _decode

    try:
        with open(file.absolute, "rb") as handle:
            data = handle.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        return "", f"`%run {file.path}`: cannot read it ({exc.strerror})"
    if len(data) > MAX_TEXT_BYTES or b"\0" in data:
        return "", f"`%run {file.path}`: too large or not text; not analysed from this notebook"
    text, _ = _decode(data, file.path)
    return text, None


def _mapper(lines: list[_SourceLine]) -> Callable[[int, int], tuple[int, int]]:
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

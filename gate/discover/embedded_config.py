"""Configs written inside Python strings: `yaml.safe_load(\"\"\"model_name_or_path: org/m\"\"\")`,
`OmegaConf.create(\"\"\"...\"\"\")`, `json.loads('{"model": "org/m"}')`.

The string is read by the config finder as the file it stands for. Lines and columns point into the Python
source when the literal is written without escapes (a plain or triple-quoted string, also inside
`textwrap.dedent`); otherwise every reference points at the literal itself.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeGuard, cast

from gate.discover import sieve
from gate.discover.interface import FileResult, Finder, Reference, ScanWarning, SourceFile
from gate.discover.sieve import TokenSieve, nfkc

if TYPE_CHECKING:
    class _StrConstant(ast.Constant):
        """A string literal (an `ast.Constant` checked to hold a `str`)."""

        value: str

    class _MethodCall(ast.Call):
        """`receiver.method(argument, ...)`."""

        func: ast.Attribute

    _Constants = dict[str, "_StrConstant | ast.JoinedStr | None"]
    """Module names bound once to a string literal or an f-string (None: rebound, not one value)."""

PARSERS = {
    "yaml.safe_load": ".yaml", "yaml.load": ".yaml", "yaml.full_load": ".yaml", "yaml.unsafe_load": ".yaml",
    "yaml.safe_load_all": ".yaml", "yaml.load_all": ".yaml", "yaml.full_load_all": ".yaml",
    "omegaconf.OmegaConf.create": ".yaml", "json.loads": ".json", "tomllib.loads": ".toml", "toml.loads": ".toml",
    "tomli.loads": ".toml",
}
"""Calls that parse their first argument as a config of this format (the module path, imports resolved)."""
DEDENTS = frozenset({"textwrap.dedent"})
MARKERS = ("yaml", "omegaconf", "OmegaConf", "json", "toml")
"""A module none of these words appears in imports none of the parsers: it is not walked (work skipped only)."""
_MARKER_SIEVE = TokenSieve(MARKERS)

Position = Callable[[int, int], tuple[int, int]]
_PREFIX = re.compile(r"^[rRuUbBfF]{0,2}('''|\"\"\"|'|\")")


# A comment runs to the end of its line (`\n` or `\r`, as Python reads lines): without the lookahead a run of `#`
# splits into comments in 2**n ways, and a failing match tries them all (a 742-byte file hung the fuzzer).
_GAP = r"(?:\s|\\\n|#[^\n\r]*(?![^\n\r]))*"
_PARSER_CALL = re.compile(
    rf"(?:{'|'.join(sorted({name.rsplit('.', 1)[-1] for name in PARSERS}))})\s*\({_GAP}"
    rf"(?:(?:textwrap{_GAP}\.{_GAP})?dedent{_GAP}\({_GAP})?(?:[rRuUbBfF]{{0,2}}[\"']|([A-Za-z_]\w*){_GAP}[,)])")
_ALIASED_IMPORT = re.compile(r"^[ \t]*(?:import[ \t]+(?:yaml|json|omegaconf|tomllib|toml|tomli|textwrap)\b[^\n]*\bas\b|"
                             r"from[ \t]+(?:yaml|json|omegaconf|tomllib|toml|tomli|textwrap)\b[^\n]*\bas\b)", re.M)


def worth_walking(text: str) -> bool:
    """Whether the module can hold a parser call this module reads: one spelled as written here with a literal or
    a name bound to a literal as its argument. It skips parsing only: it reads the text as Python reads names
    (NFKC-folded), and a file with aliased imports is always walked."""
    if not _MARKER_SIEVE.may_hold(text) or not any(marker in text for marker in MARKERS):
        return False
    if _writes_config(text):
        return True
    probe = nfkc(text)
    for line in _lines_with(probe, _IMPORTED_MODULES):
        if _ALIASED_IMPORT.match(line):
            return True
    bound: dict[str, bool] = {}
    for keyword in ("load", "create"):  # str.find, then the pattern only where it can start: regexes are slow
        index = probe.find(keyword)
        previous_index = previous_start = -1
        while index >= 0:
            after = probe[index + len(keyword):index + len(keyword) + 1]
            if after and (after.isalnum() or after == "_") and after not in _NAME_GOES_ON[keyword]:
                # `loader`, `created`: every parser's name ends at the keyword, or goes on with `s` or `_all`, so
                # the name holding this occurrence is none of them (the walk back to its start is skipped).
                index = probe.find(keyword, index + len(keyword))
                continue
            # The name holding this occurrence starts where the previous one's does when only name characters lie
            # between them: each character is walked over once (`loadload…` was quadratic).
            start = index
            while start and (probe[start - 1].isalnum() or probe[start - 1] == "_"):
                start -= 1
                if start == previous_index:
                    start = previous_start
                    break
            if start != previous_start:  # else the same name, already tried
                match = _PARSER_CALL.match(probe, start)
                if match is not None and (match.group(1) is None or _bound(match.group(1), probe, bound)):
                    return True
            previous_index, previous_start = index, start
            index = probe.find(keyword, index + len(keyword))
    return False


def _bound(name: str, text: str, known: dict[str, bool]) -> bool:
    """`_bound_to_literal`, asked once per name of one text (every call of one name reads the whole text)."""
    if name not in known:
        known[name] = _bound_to_literal(name, text)
    return known[name]


_NAME_GOES_ON = {"load": "s_", "create": ""}
"""What can follow the keyword inside a parser's name (`loads`, `load_all`; `create` ends the name)."""
assert all(name.endswith(("load", "loads", "load_all", "create")) for name in PARSERS), "_NAME_GOES_ON is stale"

_IMPORTED_MODULES = ("yaml", "json", "omegaconf", "toml", "textwrap")
_CONFIG_NAME = r"""[rRuU]?["'][^"'\n]*\.(?:ya?ml|json|toml)["']"""
_OPENS_CONFIG = re.compile(rf"""open\(\s*{_CONFIG_NAME}\s*,\s*(?:mode\s*=\s*)?["'][wax]""")
_WRITES_CONFIG_TEXT = re.compile(rf"""Path\(\s*{_CONFIG_NAME}\s*\)\s*\.\s*write_text\(""")
_WRITES_CONFIG = re.compile(f"(?:{_OPENS_CONFIG.pattern}|{_WRITES_CONFIG_TEXT.pattern})")
"""`open("conf.yaml", "w")` / `Path("conf.yaml").write_text(`: a config file the code writes (and a CLI then reads:
`!autotrain --config conf.yaml`). A file without one writes no config (work skipped only)."""


def _writes_config(text: str) -> bool:
    """`_WRITES_CONFIG.search(text)`, as two searches that each start with a literal (scanned at memchr speed;
    the alternation is tried at every character)."""
    return bool(("open(" in text and _OPENS_CONFIG.search(text))
                or ("write_text(" in text and _WRITES_CONFIG_TEXT.search(text)))
_SUFFIXES = {".yaml": ".yaml", ".yml": ".yaml", ".json": ".json", ".toml": ".toml"}



def _lines_with(text: str, words: tuple[str, ...]) -> Iterator[str]:
    """The lines holding any of `words`, each once."""
    seen: set[int] = set()
    for word in words:
        index = text.find(word)
        while index >= 0:
            start = text.rfind("\n", 0, index) + 1
            end = text.find("\n", index)
            end = len(text) if end < 0 else end
            if start not in seen:
                seen.add(start)
                yield text[start:end]
            index = text.find(word, end)


_ASSIGNED_LITERAL = re.compile(r"[ \t]*(?::[^=\n]*)?=[ \t]*(?:\(\s*)?[rRuUbBfF]{0,2}[\"']")


def _bound_to_literal(name: str, text: str) -> bool:
    """`name = "..."` (or `name: str = (\n"...`) somewhere in the text, the name not the end of a longer one. One
    search that starts with the name itself (scanned for at memchr speed; `\\w` is what `str.isalnum` and `_`
    are), then looks back past it."""
    pattern = re.compile(re.escape(name) + rf"(?<!\w[\s\S]{{{len(name)}}})" + _ASSIGNED_LITERAL.pattern)
    return pattern.search(text) is not None


def embedded_config_references(tree: ast.Module, text: str, path: str, repo_paths: frozenset[str] | None, *, syntax: str,
                               position: Position | None = None, consumed: set[tuple[int, str]] | None = None,
                               ) -> tuple[list[Reference], list[ScanWarning]]:
    """References in config strings the module parses or writes to a config file; `position` maps (line, 0-based
    column) of the module text to the file (notebooks), else lines are the module's own. `consumed` collects
    (line, value) of the string constants an f-string config took in (the config reports them where it uses them,
    so the caller drops a context reference made of the same constant where it is bound)."""
    from gate.discover.config_finder import scan_config_text

    aliases, constants, calls = _one_walk(tree, text)
    references: list[Reference] = []
    warnings: list[ScanWarning] = []
    parsed = [(call.args[0] if call.args else None, suffix) for call, suffix in _parser_calls(calls, aliases)]
    if _writes_config(text):
        parsed.extend(_written_configs(tree, aliases))
    for argument, suffix in parsed:
        literal, indent = _literal(argument, constants, aliases)
        if literal is None:
            continue
        value = _text_of(literal, constants)
        value = value if not indent else _dedented(value, indent)
        if consumed is not None and isinstance(literal, ast.JoinedStr):
            for field in _constant_fields(literal, constants):
                line, _ = position(field.lineno, field.col_offset) if position else (field.lineno, 0)
                consumed.add((line, field.value))
        found, problems = scan_config_text(value, suffix, path, repo_paths)
        warnings.extend(problems)
        exact = _is_exact(text, literal)
        if isinstance(literal, ast.JoinedStr) and value.count("\n") != (literal.end_lineno or 0) - literal.lineno:
            exact = 0  # a field's value spans lines: the lines no longer match the source's
        for reference in found:
            if exact:
                line = literal.lineno + reference.line - 1
                column = (literal.col_offset + exact if reference.line == 1 else indent) + reference.column - 1
            else:
                line, column = literal.lineno, literal.col_offset
            line, column = position(line, column) if position else (line, column + 1)
            references.append(dataclasses.replace(reference, line=line, column=column, syntax=syntax))
    return references, warnings




PRUNED_WALK = True
"""Walk only the expressions on lines that spell a parser's name (`_pruned_walk`); off: every node (the tests)."""
_BLOCKS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
"""The fields that hold statements (and except handlers, match cases: what holds statements in turn)."""
_PARSER_WORDS = ("load", "create")
"""Every parser's own name holds one of these (`_NAME_GOES_ON` checks it)."""


def _one_walk(tree: ast.Module, text: str) -> tuple[dict[str, str], _Constants, list[ast.Call]]:
    """(import aliases, module constants, calls whose callee's own name may be a parser's, in `ast.walk` order)."""
    if PRUNED_WALK and "\r" not in text:
        return _pruned_walk(tree, text)
    return _whole_walk(tree)


def _pruned_walk(tree: ast.Module, text: str) -> tuple[dict[str, str], _Constants, list[ast.Call]]:
    """`_whole_walk`'s aliases and constants, and the calls it would find that can be a parser's, without walking
    expressions that lie wholly on lines where no parser's name (nor `:=`) is written: a callee's name is written
    inside its call, and an expression's lines hold those of the expressions inside it. Imports and assignments
    are statements, read from the statements alone; `:=` binds inside expressions, on its own lines. F-strings are
    walked whole (before Python 3.12 the positions inside them can be off). Names are found in the NFKC-folded text
    (as Python reads them; folding makes and removes no line end); only for `\n` line ends, the only ones the
    lines are counted by here."""
    aliases: dict[str, str] = {}
    bound: _Constants = {}
    statements: list[ast.AST] = [tree]
    for node in statements:  # breadth first over the statements, as `ast.walk` meets them
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            _note_import(node, aliases)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            _note_constant(node, bound)
        for field in node._fields:
            if field in _BLOCKS:
                statements.extend(getattr(node, field))
    words = [*_PARSER_WORDS, ":=", *(alias for alias, name in aliases.items()
                               if name in PARSERS or name == "OmegaConf.create")]
    probe = nfkc(text)
    offsets = sorted(index for word in words for index in _find_all(probe, word))
    lines = sieve.line_numbers(probe, offsets)
    calls: list[ast.Call] = []
    if not lines:
        return aliases, bound, calls
    todo: deque[tuple[ast.AST, bool]] = deque([(tree, False)])
    while todo:
        node, whole = todo.popleft()
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, (ast.Attribute, ast.Name)):
                calls.append(node)
        elif isinstance(node, ast.NamedExpr):
            _note_constant(node, bound)
        whole = whole or isinstance(node, ast.JoinedStr)
        for child in ast.iter_child_nodes(node):
            if whole or not isinstance(child, ast.expr) or isinstance(child, ast.JoinedStr):
                todo.append((child, whole))
                continue
            first = bisect.bisect_left(lines, child.lineno)
            if first < len(lines) and lines[first] <= (child.end_lineno or child.lineno):
                todo.append((child, False))
    return aliases, bound, calls


def _find_all(text: str, word: str) -> Iterator[int]:
    index = text.find(word)
    while index >= 0:
        yield index
        index = text.find(word, index + 1)


def _whole_walk(tree: ast.Module) -> tuple[dict[str, str], _Constants, list[ast.Call]]:
    """(import aliases, module constants, calls whose callee's own name is a parser's) in one walk of the tree:
    three walks of a large module cost more than everything else done to it."""
    aliases: dict[str, str] = {}
    bound: _Constants = {}
    calls: list[ast.Call] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name is not None:
                calls.append(node)  # an alias can rename the parser (`from yaml import safe_load as parse`)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            _note_import(node, aliases)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            _note_constant(node, bound)
    return aliases, bound, calls


def _note_import(node: ast.Import | ast.ImportFrom, aliases: dict[str, str]) -> None:
    """The module or name each imported name stands for (`import yaml as y`, `from yaml import safe_load as p`)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            aliases[alias.asname or alias.name.split(".")[0]] = (alias.name if alias.asname
                                                                 else alias.name.split(".")[0])
    elif node.module and not node.level:
        for alias in node.names:
            aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"


def _note_constant(node: ast.Assign | ast.AnnAssign | ast.AugAssign | ast.NamedExpr, bound: _Constants) -> None:
    """Names bound exactly once in the whole module, to a string literal or an f-string (None: rebound, not one
    value)."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        if isinstance(target, ast.Name):
            value = getattr(node, "value", None)
            single = isinstance(node, (ast.Assign, ast.AnnAssign)) and target.id not in bound
            is_text = (isinstance(value, ast.Constant) and isinstance(value.value, str)) or isinstance(value, ast.JoinedStr)
            bound[target.id] = value if single and is_text else None


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    head = aliases.get(node.id, node.id)
    return ".".join([head, *reversed(parts)])


def _parser_calls(calls: list[ast.Call], aliases: dict[str, str]) -> Iterator[tuple[ast.Call, str]]:
    for node in calls:
        name = _dotted(node.func, aliases)
        if name == "OmegaConf.create":  # `from omegaconf import OmegaConf` is the usual spelling
            name = "omegaconf.OmegaConf.create"
        if name in PARSERS:
            yield node, PARSERS[name]


def _literal(node: ast.expr | None, constants: _Constants, aliases: dict[str, str],
             ) -> tuple[_StrConstant | ast.JoinedStr | None, int]:
    """(the string literal or f-string parsed, the indentation `textwrap.dedent` removes from it)."""
    if isinstance(node, ast.Call) and _dotted(node.func, aliases) in DEDENTS and node.args:
        literal, _ = _literal(node.args[0], constants, aliases)
        return literal, _common_indent(_text_of(literal, constants)) if literal is not None else 0
    if isinstance(node, ast.Name):
        node = constants.get(node.id)
    if (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr):
        return cast("_StrConstant | ast.JoinedStr", node), 0
    return None, 0


def _text_of(literal: _StrConstant | ast.JoinedStr, constants: _Constants) -> str:
    """The text a literal holds; an f-string's fields are the module's string constants they name (Colab form
    fields: `model_name = 'org/m'` then `base_model: {model_name}`), any other field stays a `${...}`
    interpolation, which the config finder reports as dynamic where its key is unambiguous, never as a value."""
    if isinstance(literal, ast.Constant):
        return literal.value
    parts: list[str] = []
    for value in literal.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value)
        elif isinstance(value, ast.FormattedValue):
            named = constants.get(value.value.id) if isinstance(value.value, ast.Name) else None
            if isinstance(named, ast.Constant) and value.format_spec is None and value.conversion == -1:
                parts.append(named.value)
            else:
                parts.append("${" + ast.unparse(value.value) + "}")
    return "".join(parts)


def _constant_fields(literal: ast.JoinedStr, constants: _Constants) -> list[_StrConstant]:
    """The module string constants an f-string's fields take in (as `_text_of` substitutes them)."""
    fields = (constants.get(v.value.id) for v in literal.values
              if isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name))
    return [field for field in fields if isinstance(field, ast.Constant)]


def _written_configs(tree: ast.Module, aliases: dict[str, str]) -> Iterator[tuple[ast.expr, str]]:
    """(what is written, its format) for config files the module writes: `with open("c.yaml", "w") as f:
    f.write(text)` (in that `with` block), `open("c.yaml", "w").write(text)`, `Path("c.yaml").write_text(text)`."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            handles = {item.optional_vars.id: suffix for item in node.items
                       if isinstance(item.optional_vars, ast.Name)
                       and (suffix := _opened_config(item.context_expr, aliases))}
            if handles:
                for statement in node.body:
                    for call in ast.walk(statement):
                        if (_is_method_call(call, "write") and isinstance(call.func.value, ast.Name)
                                and call.func.value.id in handles):
                            yield call.args[0], handles[call.func.value.id]
        elif _is_method_call(node, "write"):
            suffix = _opened_config(node.func.value, aliases)
            if suffix:
                yield node.args[0], suffix
        elif _is_method_call(node, "write_text"):
            receiver = node.func.value
            if isinstance(receiver, ast.Call) and receiver.args \
                    and _dotted(receiver.func, aliases) in ("Path", "pathlib.Path"):
                suffix = _config_suffix(receiver.args[0])
                if suffix:
                    yield node.args[0], suffix


def _is_method_call(node: ast.AST, method: str) -> TypeGuard[_MethodCall]:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method
            and bool(node.args))


def _opened_config(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The format of `open("c.yaml", "w")` (a config file opened for writing), else None."""
    if not (isinstance(node, ast.Call) and _dotted(node.func, aliases) in ("open", "io.open") and node.args):
        return None
    mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
    if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str) and mode.value[:1] in "wax"):
        return None
    return _config_suffix(node.args[0])


def _config_suffix(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        for suffix, fmt in _SUFFIXES.items():
            if node.value.lower().endswith(suffix):
                return fmt
    return None


def _common_indent(value: str) -> int:
    widths = [len(line) - len(line.lstrip()) for line in value.split("\n") if line.strip()]
    return min(widths, default=0)


def _dedented(value: str, indent: int) -> str:
    return "\n".join(line[indent:] if line.strip() else "" for line in value.split("\n"))


def _is_exact(text: str, literal: ast.Constant | ast.JoinedStr) -> int:
    """The length of the literal's opening (`\"\"\"`, `r'`) when its source is the value verbatim (for an
    f-string: line for line, its fields standing on the lines they are written on), else 0."""
    segment = ast.get_source_segment(text, literal)
    if not segment:
        return 0
    match = _PREFIX.match(segment)
    if match is None or "\\" in segment:
        return 0
    body = segment[match.end(): len(segment) - len(match.group(1))]
    if isinstance(literal, ast.JoinedStr):  # its text keeps the source's lines (checked by the caller)
        return match.end()
    return match.end() if body == literal.value else 0


class EmbeddedConfigFinder(Finder):
    """`*.py` files, for the configs their strings hold (the Python finder reads the code itself). The references
    carry `syntax: "config"`: a pin writer leaves them to be pinned by hand inside the string."""

    def accepts(self, path: str) -> bool:
        return path.endswith((".py", ".pyw"))

    def scan(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        if not worth_walking(text):
            return FileResult()
        from gate.discover.python_finder import parse_python

        tree, _ = parse_python(text)
        if tree is None:
            return FileResult()  # the Python finder reports the file and text-scans it
        references, warnings = embedded_config_references(tree, text, file.path, repo_paths, syntax="config")
        return FileResult(tuple(references), tuple(warnings))

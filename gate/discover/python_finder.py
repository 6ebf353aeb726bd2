"""Python source: calls of the APIs in `catalog.SPECS`, plus Hub URLs, `hf://` paths, `hf-hub:` names and
`models:/` URIs written in string literals. Static analysis only: the file is parsed, never imported.
"""

from __future__ import annotations

import ast
import functools
import itertools
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, cast

from gate.discover import catalog, mlflow_uris, python_context, python_deferred, sieve
from gate.discover.catalog import ApiSpec, Slot
from gate.discover.catalog.context import SENTINEL_WORDS, is_api_model_name, names_remote_api
from gate.discover.collector import cycle_collection_paused
from gate.discover.hubids import (
    inference_url_id,
    looks_like_hub_id,
    parse_hf_path,
)
from gate.discover.interface import FileResult, Finder, Reference, ScanWarning, SourceFile
from gate.discover.pinnability import ID_ELSEWHERE, KWARGS_MAY_SET
from gate.discover.python_fallback import fallback_scan
from gate.discover.python_ids import Target, _mlflow, fixed_head, head_targets, interpret_id, is_pinned_for
from gate.discover.python_resolve import (
    OBJECT,
    PARTIAL_CALLS,
    UNKNOWN,
    ClassInfo,
    FileIndex,
    Resolver,
    Scope,
    Scoped,
    build_index,
)
from gate.discover.url_finder import iter_hub_urls, url_reference

PREFILTER: tuple[str, ...] = catalog.TRIGGER_TOKENS
"""Substrings one of which a file must contain to be worth parsing (`relevant_lines` also follows import
aliases and `HfFileSystem()`/`HfApi()`/`Client()` receivers, so use `relevant_lines(text) == []` to decide)."""

HF_PATH_SPAN = re.compile(r"hf://[^\s\"'<>()\[\]{}\\`,;|]+")

CODE_RUNNERS = frozenset({"exec", "eval", "compile"})
_RUNNER_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in (*catalog.CODE_STRING_RUNNERS, *catalog.CODE_FILE_RUNNERS,
                                                               *catalog.COMMAND_RUNNERS))
MAX_CODE_STRING_COMBINATIONS = 16
"""`timeit(stmt, setup)` with several possible values of each: this many joined texts are scanned at most."""
MAX_COMMAND_LINES = 16
"""`subprocess.run(["olive", "optimize", "-m", model_id])` in a loop over a table: one command line is read per
combination of its words' values, this many at most (beyond, a word with several values is its expression)."""
MAX_CODE_STRING_DEPTH = 3
"""exec strings inside exec strings are followed this deep."""
MAX_PARSE_BYTES = 2_000_000
"""Python texts larger than this (leaving out their longest line) get the text scan instead of `ast.parse`,
whose memory grows to hundreds of times the text size on long runs of short statements (generated code). One
long line (a big string literal) is a single node and costs little, so it does not count."""

if TYPE_CHECKING:
    class _Located(Protocol):
        lineno: int
        col_offset: int

Position = Callable[[int, int], tuple[int, int]]
RepoFileReader = Callable[[str], "tuple[str | None, str | None]"]
"""Repository-relative path → (its text, None) or (None, why it cannot be read)."""
"""(1-based line, 0-based character column) in the parsed text → (line, 1-based column) in the file."""


@functools.lru_cache(maxsize=2)  # (few: a kept module's tree stays in memory while other files are scanned)
def _module_index(path: str, text: str) -> FileIndex | None:
    """The bindings of a repository module another file imports a constant from (`_Scan._imported_value`): parsed
    once per content for the whole run, since many files of a package import from the same module (NeMo: one
    large module read 9 times). Not `parse_python`: that keeps the scanned file's own tree for the other finders.
    None when it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return build_index(tree, [], source=text)  # no calls or strings needed: bindings only


def package_of(path: str, repo_paths: frozenset[str] | None) -> str | None:
    """The dotted package a repository file is a module of: its folders, innermost first, as long as each holds an
    `__init__.py` (`src/mlx_lm/quant/dwq.py` → `mlx_lm.quant` when `src/` has none). None when its own folder has
    none or the tree is not known."""
    folders = path.split("/")[:-1]
    if repo_paths is None or not path.endswith(".py"):
        return None
    depth = 0
    while depth < len(folders) and "/".join([*folders[: len(folders) - depth], "__init__.py"]) in repo_paths:
        depth += 1
    return ".".join(folders[len(folders) - depth:]) if depth else None


def unparse(node: ast.AST, limit: int = 200) -> str:
    if isinstance(node, Scoped):
        return " | ".join(unparse(option, limit) for option, _ in node.options)
    try:
        text = ast.unparse(node)
    except (RecursionError, ValueError):
        return "<expression too deeply nested>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _api_names_unknown(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A hosted API model's name without a namespace (`gpt-4`, `claude-2`: an argparse default that evaluation
    scripts keep from harnesses written for API models) given to a Hub loader names no Hub repository; the name
    the script loads comes from outside the file, so it stands as unknown (a dynamic reference)."""
    if not any(isinstance(v, str) and "/" not in v and is_api_model_name(v) for v in values):
        return values
    kept = [v for v in values if not (isinstance(v, str) and "/" not in v and is_api_model_name(v))]
    return (*kept, UNKNOWN) if UNKNOWN not in kept else tuple(kept)


class _Arguments:
    """A call's arguments, with literal `**kwargs` dicts merged in."""

    def __init__(self, call: ast.Call, scope: Scope, resolver: Resolver):
        self.resolver = resolver
        self.positional: list[tuple[ast.AST, Scope]] = []
        self.hidden_positional: ast.AST | None = None
        """A `*args` that could not be read: any later positional argument may hide in it."""
        for argument in call.args:
            if isinstance(argument, ast.Starred):
                literal = resolver.literal(argument.value, scope, (ast.List, ast.Tuple))
                if literal is None or any(isinstance(e, ast.Starred) for e in literal[0].elts):  # type: ignore
                    self.hidden_positional = argument
                    break
                self.positional.extend((element, literal[1]) for element in literal[0].elts)  # type: ignore
                continue
            self.positional.append((argument, scope))
        self.keywords: dict[str, tuple[ast.AST, Scope]] = {}
        self.opaque = False
        """True when some `**kwargs` could not be read: any keyword may hide in it."""
        self.hidden_keywords: ast.AST | None = None
        spread: list[dict[str, tuple[ast.AST, Scope]]] = []
        for keyword in call.keywords:
            if keyword.arg is not None:
                self.keywords[keyword.arg] = (keyword.value, scope)
                continue
            entries = resolver.mapping(keyword.value, scope)
            if entries is None:
                self.opaque = True
                self.hidden_keywords = self.hidden_keywords or keyword
            else:
                spread.append(entries)
        for entries in spread:
            for name, entry in entries.items():
                self.keywords.setdefault(name, entry)
        self.scope = scope

    def get(self, position: int | None, names: Iterable[str]) -> tuple[ast.AST, Scope] | None:
        if position is not None and position < len(self.positional):
            return self.positional[position]
        for name in names:
            if name in self.keywords:
                return self.keywords[name]
        return None

    def hidden(self, position: int | None, names: tuple[str, ...]) -> ast.AST | None:
        """The `*args` / `**kwargs` an argument that is not written out may hide in (None: it is absent)."""
        if position is not None and self.hidden_positional is not None:
            return self.hidden_positional
        return self.hidden_keywords if names else None

    def nested(self, name: str) -> dict[str, tuple[ast.AST, Scope]] | None:
        """The literal entries of a dict keyword (`model_kwargs`), {} when absent, None when unreadable."""
        entry = self.keywords.get(name)
        if entry is None:
            return None if self.opaque else {}
        return self.resolver.mapping(*entry)


class _Scan:
    """One file's scan: call references first, then references written inside string literals."""

    def __init__(self, tree: ast.Module, text: str, path: str, repo_paths: frozenset[str] | None,
                 syntax: str, position: Position | None, lines: list[int] | None):
        self.index: FileIndex = build_index(tree, lines, source=text)
        self.index.package = package_of(path, repo_paths)
        self.tree = tree
        self._constants: dict[str, ast.AST] | None = None
        self.resolver = Resolver(self.index)
        self.text = text
        self._lines: list[str] | None = None
        self.path = path
        self.repo_paths = repo_paths
        self.syntax = syntax
        self.position = position
        self.consumed: set[int] = set()
        self.references: list[Reference] = []
        self.warnings: list[ScanWarning] = []
        self.depth = 0
        """How deep inside exec/eval strings this scan is."""
        self.partial_loaders: set[int] = set()
        self.catalog_calls: set[int] = set()
        """ids of the calls a catalog row described (context detection leaves them alone)."""
        self.read_repo_file: RepoFileReader | None = None
        self._modules: dict[str, Resolver | None] = {}
        """Repository modules read for an imported constant (`_imported_value`), by dotted name."""
        self._classes: dict[str, tuple[ClassInfo, Resolver] | None] = {}
        """`_imported_class`'s answers, by dotted name."""
        if repo_paths is not None:
            self.index.imported_values = self._imported_value
            self.index.imported_classes = self._imported_class
        """Reads a repository file `runpy.run_path` runs (None: not available, e.g. inside exec strings)."""
        """Loaders given to `functools.partial` (reported through the partial's calls, not as loose values)."""

    def run(self) -> list[Reference]:
        for call, scope in self.index.calls:
            self._call(call, scope)
        for literal, scope in self.index.dict_literals:
            self._deferred(literal, scope)
        self._class_defaults()
        for node in self.index.loader_values:
            if id(node) not in self.partial_loaders:
                self._loader_value(node)
        for node, scope in self.index.strings:
            if id(node) not in self.consumed:
                self._string(node, scope)
        if self.resolver.limited is not None:
            self.warnings.append(ScanWarning(self.path, (
                f"name resolution stopped at a bound ({self.resolver.limited}); the values it could not follow "
                "are reported as dynamic references")))
        python_context.context_references(self)
        return sorted(dict.fromkeys(self.references), key=lambda r: (r.line, r.column, r.api, r.id or ""))

    def release(self) -> None:
        """Break the reference cycles the scan made (`FileIndex.release`): the tree and everything built for it
        are freed as soon as the scan is dropped, without the cycle collector's passes over them."""
        self.index.release()

    # ------------------------------------------------------------------------------------------ places

    def _where(self, node: ast.AST, line_offset: int = 0, column: int | None = None) -> tuple[int, int]:
        located = cast("_Located", node)  # references point at expressions, statements, keywords: all located
        line = located.lineno + line_offset
        if column is None:
            column = self._char_column(located.lineno, located.col_offset)
        if self.position is not None:
            return self.position(line, column)
        return line, column + 1

    def _char_column(self, line: int, byte_offset: int) -> int:
        """ast columns count UTF-8 bytes; people count characters."""
        if self.text.isascii():
            return byte_offset
        if self._lines is None:
            self._lines = split_lines(self.text)
        if 0 < line <= len(self._lines):
            text = self._lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))
        return byte_offset

    def _emit(self, node: ast.AST, *, kind: str, source: str, id: str | None, revision: str | None, api: str,
              pinnable: bool = True, dynamic: bool = False, expression: str | None = None,
              trust_remote_code: bool | None = False, revision_key: str | None = None,
              line_offset: int = 0, column: int | None = None, confidence: str = "high", role: str = "load") -> None:
        line, col = self._where(node, line_offset, column)
        if role == "publish":  # a push target: nothing to pin (`revision=` there names the branch written to)
            pinnable, revision_key = False, None
        self.references.append(Reference(
            kind=kind,  # type: ignore[arg-type]
            source=source, id=id, revision=revision, pinned=is_pinned_for(source, revision), pinnable=pinnable,
            path=self.path, line=line, column=col, api=api, dynamic=dynamic, expression=expression,
            trust_remote_code=trust_remote_code, syntax=self.syntax, revision_key=revision_key,
            confidence=confidence, role=role,  # type: ignore[arg-type]
            call_obstacle=self.call_obstacle(node, id, revision_key),
        ))

    def call_obstacle(self, call: ast.AST | None, id_: str | None, revision_key: str | None) -> str | None:
        """`Reference.call_obstacle`: `id-elsewhere` unless `id_` is written at `call` (a literal, or a module
        constant assigned once in this file), so that a revision written there pins what it loads (an id that
        arrives through an argparse default, a parameter or an attribute may be another repository at run time);
        `kwargs` when the revision keyword is not written but `**kwargs` may carry it."""
        if not isinstance(call, ast.Call) or id_ is None or revision_key is None:
            return None
        wanted = id_.lower()
        if revision_key in ("@", "url"):  # the pin goes inside the string, which must be written at the call
            written = any(isinstance(n, ast.Constant) and isinstance(n.value, str) and wanted in n.value.lower()
                          for n in ast.walk(call))
            return None if written else ID_ELSEWHERE
        values = [*call.args, *(k.value for k in call.keywords if k.arg is not None)]
        if not any((self._static_text(v) or "").lower() == wanted for v in values if not isinstance(v, ast.Starred)):
            return ID_ELSEWHERE
        names = {k.arg for k in call.keywords}
        if None in names and re.split(r"[.\[]", revision_key, maxsplit=1)[0] not in names:
            return KWARGS_MAY_SET
        return None

    def _static_text(self, node: ast.AST, depth: int = 0) -> str | None:
        """The string `node` always evaluates to: literals, `+` and f-strings of those, module constants."""
        if depth > 20:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._static_text(node.left, depth + 1), self._static_text(node.right, depth + 1)
            return left + right if left is not None and right is not None else None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    if part.conversion != -1 or part.format_spec is not None:
                        return None
                    part = part.value
                text = self._static_text(part, depth + 1)
                if text is None:
                    return None
                parts.append(text)
            return "".join(parts)
        if isinstance(node, ast.Name):
            value = self._module_constants().get(node.id)
            return self._static_text(value, depth + 1) if value is not None else None
        return None

    def _module_constants(self) -> dict[str, ast.AST]:
        """Names bound exactly once in the file, by a module-level `NAME = value`."""
        if self._constants is None:
            bound: dict[str, int] = {}
            for n in ast.walk(self.tree):
                name = n.id if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load) else \
                    n.arg if isinstance(n, ast.arg) else (n.asname or n.name) if isinstance(n, ast.alias) else None
                if name:
                    bound[name] = bound.get(name, 0) + 1
            self._constants = {}
            for statement in self.tree.body:
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                    target, value = statement.targets[0], statement.value
                elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                    target, value = statement.target, statement.value
                else:
                    continue
                if isinstance(target, ast.Name) and bound.get(target.id) == 1:
                    self._constants[target.id] = value
        return self._constants

    def _consume(self, node: ast.AST) -> None:
        for child in ast.walk(node):
            if isinstance(child, (ast.Constant, ast.JoinedStr)):
                self.consumed.add(id(child))

    # ------------------------------------------------------------------------------------------- calls

    def _call(self, call: ast.Call, scope: Scope) -> None:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if isinstance(func, ast.Name):
            target = self.resolver.imported(func.id, scope)
            if target is not None:
                name = target.rsplit(".", 1)[-1]  # `from x import f as g; g(...)`
        if isinstance(func, ast.Name) and func.id in CODE_RUNNERS and self.resolver.imported(func.id, scope) is None:
            self._code_string(call, scope, func.id)
            return
        if name in _RUNNER_NAMES:
            dotted = self.resolver.qualname(func, scope)[0]
            if dotted in catalog.CODE_STRING_RUNNERS:
                self._code_runner(call, scope, dotted, catalog.CODE_STRING_RUNNERS[dotted])
                return
            if dotted in catalog.CODE_FILE_RUNNERS:
                self._file_runner(call, scope, dotted, catalog.CODE_FILE_RUNNERS[dotted])
                return
            slot = catalog.command_runner(dotted, name)
            if slot is not None:
                self._command_runner(call, scope, dotted, slot)
                return
        if isinstance(func, ast.Name) and func.id == "getattr" and len(call.args) >= 2:
            self._getattr_loader(call, scope)
            return
        if name in ("partial", "partialmethod") and call.args and not isinstance(call.args[0], ast.Starred) \
                and self.resolver.qualname(func, scope)[0] in PARTIAL_CALLS:
            self._partial(call, scope)
            return
        if python_deferred.may_defer(call, name) and self._deferred(call, scope):
            return
        if name == "__init__":  # `super().__init__(...)`: the base class's constructor, called here
            for dotted, origin in python_deferred.superclass_constructors(call, scope, self.resolver):
                self._catalog_call(call, scope, dotted, origin)
            explicit = python_deferred.explicit_base_constructor(call, scope, self.resolver)
            if explicit is not None:  # `Base.__init__(self, ...)`: the same, spelled out
                base_call, dotted, origin = explicit
                self._catalog_call(base_call, scope, dotted, origin)
            return
        if any(keyword.arg == "filesystem" for keyword in call.keywords):
            self._filesystem_read(call, scope)
        alternatives = self.resolver.import_targets(func.id, scope) if isinstance(func, ast.Name) else []
        if len(alternatives) > 1:  # `from a import f` on one branch, `from b import f` on another: each may run
            for dotted in alternatives:
                if catalog.specs_named(dotted.rsplit(".", 1)[-1]):
                    self._catalog_call(call, scope, dotted, "import")
            return
        if isinstance(func, ast.Name) and func.id in self._subclass_names:
            inherited = self._inherited_constructors(func, scope)
            if inherited:
                for dotted, origin in inherited:
                    self._catalog_call(call, scope, dotted, origin)
                return
        if not name or not catalog.specs_named(name):
            return
        dotted, origin = self.resolver.qualname(func, scope)
        if origin == "local" and self._own_method(dotted):
            return  # `wrapper.load_adapter(name, path)` of the file's own class: its body says what it loads
        self._catalog_call(call, scope, dotted, origin)

    def _own_method(self, dotted: str, depth: int = 0) -> bool:
        """`Wrapper().load_adapter` where `Wrapper` is a top-level class of this file (or its base in the file) that
        defines `load_adapter` without calling the library's through `super()`: a method of the file's own, not the
        library method a catalog row names (its loads are read in its body, as a helper's are)."""
        instance, _, method = dotted.rpartition("().")
        if not instance.isidentifier() or not method.isidentifier() or depth > 4:
            return False
        definition = next((statement for statement in self.tree.body
                           if isinstance(statement, ast.ClassDef) and statement.name == instance), None)
        if definition is None:
            return False
        for item in definition.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == method:
                return not any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                               and node.func.id == "super" for node in ast.walk(item))
        return any(isinstance(base, ast.Name) and self._own_method(f"{base.id}().{method}", depth + 1)
                   for base in definition.bases)

    @functools.cached_property
    def _subclass_names(self) -> frozenset[str]:
        """Names of the file's top-level classes that have bases and no `__init__` of their own (a cheap first
        test for `_inherited_constructors`, made once per file)."""
        return frozenset(statement.name for statement in self.tree.body
                         if isinstance(statement, ast.ClassDef) and statement.bases and not any(
                             isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "__init__"
                             for item in statement.body))

    def _inherited_constructors(self, func: ast.Name, scope: Scope, depth: int = 0) -> list[tuple[str, str]]:
        """`WhisperModel("large-v3")` where this file's `class WhisperModel(faster_whisper.WhisperModel)` defines
        no `__init__`: the base class's constructor runs with the call's arguments, so the call reads as the
        base's (a base that is itself such a class of the file is followed). [] when no base is a catalog call."""
        bindings = self.resolver._lookup(func.id, scope)
        if not bindings or len(bindings) != 1 or bindings[0].how != "class" or depth > 4:
            return []
        definition = bindings[0].class_info.scope.node if bindings[0].class_info is not None else None
        if not isinstance(definition, ast.ClassDef) or definition not in self.tree.body:
            return []
        module = self.index.module
        found: list[tuple[str, str]] = []
        for base in definition.bases:
            if isinstance(base, ast.Name) and base.id in self._subclass_names and base.id != func.id:
                found += self._inherited_constructors(base, module, depth + 1)
                continue
            dotted, origin = self.resolver.qualname(base, module)
            if catalog.match_call(dotted, origin != "unknown") is not None:
                found.append((dotted, origin))
        return found

    def _filesystem_read(self, call: ast.Call, scope: Scope) -> None:
        """`pq.read_metadata(path, filesystem=fs)` / `pq.read_table(...)` / `pyarrow.dataset.dataset(...)` with `fs =
        HfFileSystem()`: the path (first argument, or `path`/`source`/`where`) is read through the Hub's file system,
        as `fs.open(path)` reads it. Any other file system (local, S3, an unknown object) reads nothing of the Hub."""
        keyword = next(k for k in call.keywords if k.arg == "filesystem")
        dotted, origin = self.resolver.qualname(keyword.value, scope)
        if not dotted.endswith("HfFileSystem()"):
            return
        source = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else next(
            (k.value for k in call.keywords if k.arg in ("path", "source", "where", "path_or_paths")), None)
        if source is None:
            return
        opened = ast.copy_location(ast.Call(func=ast.Attribute(value=keyword.value, attr="open", ctx=ast.Load()),
                                            args=[source], keywords=[]), call)
        self._catalog_call(opened, scope, f"{dotted}.open", origin)

    def _items(self, node: ast.AST, scope: Scope, usually_object: bool = False) -> tuple[Any, ...] | None:
        """The values of each item of a literal list, tuple or set, or of each key of a literal dict (`UNKNOWN` for
        one that cannot be known); None when `node` is not such a container. `usually_object`: an item that cannot
        be known and whose name does not say it holds an id is an object (TRL `reward_funcs=["org/rm", my_fn]`)."""
        literal = self.resolver.literal(node, scope, (ast.List, ast.Tuple, ast.Set, ast.Dict))
        if literal is None:
            return None
        container, container_scope = literal
        items = container.keys if isinstance(container, ast.Dict) else container.elts  # type: ignore[attr-defined]
        for item in items:
            if item is not None:
                self._consume(item)
        return tuple(value for item in items for value in (
            self.resolver.resolve(item, container_scope) if item is not None else None) or (
            (OBJECT,) if usually_object and item is not None and not python_context.names_an_id(item)
            else (UNKNOWN,))) or None

    def _skipped(self, skip_when: tuple[tuple[str, str | bool | None], ...], slots: tuple[catalog.Slot, ...],
                 arguments: _Arguments) -> bool:
        """True when one of the (keyword, literal) pairs is given: the slots' arguments are then consumed (what
        the call would have read is no reference, for context detection too)."""
        for keyword, literal in skip_when:
            entry = arguments.keywords.get(keyword)
            if entry is not None and (self.resolver.resolve(*entry) or ()) == (literal,):
                for slot in slots:
                    given = arguments.get(slot.position, slot.keywords)
                    if given is not None:
                        self._consume(given[0])
                return True
        return False

    def _slot_skipped(self, slot: catalog.Slot, arguments: _Arguments) -> bool:
        return bool(slot.skip_when) and self._skipped(slot.skip_when, (slot,), arguments)

    def _catalog_call(self, call: ast.Call, scope: Scope, dotted: str, origin: str) -> None:
        """`call` as a call of `dotted` (the callee after import aliases; `origin` as `Resolver.qualname` says)."""
        spec = catalog.match_call(dotted, origin != "unknown")
        imported = origin == "import"
        if spec is None or (spec.id_form == catalog.ID_INFERENCE_URL and not self._posts_to_inference(call, scope, spec)):
            return
        if spec.served_by is not None and not self._served_locally(call, scope, spec.served_by):
            return
        if spec.overridden_by is not None and scope.kind == "class" and any(
                isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == spec.overridden_by
                for statement in scope.node.body):  # type: ignore[attr-defined]
            return  # the class loads by its own method, where its loads are read
        self.catalog_calls.add(id(call))
        if self.resolver.in_dead_branch(scope.node, call.lineno):
            return  # `if False:` around it: never runs
        arguments = _Arguments(call, scope, self.resolver)
        if self._skipped(spec.skip_when, spec.slots, arguments):
            return
        api = spec.api_name(dotted, imported)
        kind = self._kind(spec, arguments)
        if kind == catalog.KIND_FROM_RECEIVER:
            kind = python_context.receiver_kind(call, dotted, self.resolver, scope)
        trust = self._trust(spec, arguments)
        for slot in spec.slots:
            if slot.code_pin and (trust is False or not any(k in arguments.keywords for k in slot.revision_keywords)):
                continue  # no separate code pin given, or no remote code may run: the id's other slot covers it
            if self._slot_skipped(slot, arguments):
                continue
            entry = arguments.get(slot.position, slot.keywords) if slot.inside is None else \
                self._entry_inside(arguments, slot)
            if entry is not None and slot.attributes:
                entry = self._entry_attribute(entry, slot.attributes)
            hidden = arguments.hidden(slot.position, slot.keywords) if entry is None and slot.inside is None else None
            if hidden is not None and slot is spec.slots[0]:
                if isinstance(hidden, ast.keyword):
                    # `from_pretrained(**params)` that cannot be read whole (`params.update(kwargs)`): the id is
                    # one of its entries, not the mapping itself, whatever the mapping's known entries are.
                    self._emit_dynamic(call, spec, slot, arguments, kind, api, True if slot.runs_code else trust,
                                       hidden.value)
                    continue
                # `from_pretrained(*args)` that cannot be read: the id is there
                entry = (hidden.value, arguments.scope)  # type: ignore[attr-defined]
            if entry is None and slot.default_id is not None and not arguments.opaque and (
                    slot.position is None or arguments.hidden_positional is None) and not (
                    slot.default_unless and all(k in arguments.keywords for k in slot.default_unless)):
                for target in interpret_id(slot.default_id, spec, kind, None):
                    self._emit_target(call, spec, slot, arguments, target, api, trust)
                continue
            if entry is None and slot.defaults_by is not None and not arguments.opaque \
                    and self._emit_default_by(call, spec, slot, arguments, kind, api, trust):
                continue
            if entry is None and slot.default_when_missing and (slot.role or spec.role) == "publish" \
                    and not arguments.opaque:
                entry = python_context.trainer_push_target(call, scope)  # `trainer.push_to_hub()`: its args' target
            if entry is None:
                if (slot.default_when_missing or self._switched_on(arguments, slot.missing_when_true)) \
                        and not arguments.opaque:
                    key, _ = self._revisions(slot, arguments)
                    self._emit(call, kind=kind, source=spec.source, id=None, revision=None, api=api,
                               pinnable=spec.slot_pinnable(slot), dynamic=True, trust_remote_code=trust, revision_key=key,
                               role=slot.role or spec.role,
                               expression=f"{unparse(call)}  # no {slot.keywords[0]} given: " + (
                                   "the target is chosen at run time" if (slot.role or spec.role) == "publish"
                                   else "the library picks a default repository, unpinned"))
                continue
            node, node_scope = entry
            if spec.id_form == catalog.ID_TIMM_CFGS:
                self._timm_cfgs(node, node_scope, spec, api)
                continue
            if slot.known_urls_only and self._parameter(node, node_scope):
                continue  # `def load_image(source): urlopen(source)`: each URL is reported where the caller writes it
            values = self._items(node, node_scope, slot.usually_object) if slot.each_item else None
            values = values or self.resolver.resolve(node, node_scope)
            if slot.mapping_key is not None and not any(isinstance(v, str) for v in values or ()):
                entries = self.resolver.mapping(node, node_scope)
                if entries and slot.mapping_key in entries:  # `{"checkpoint": "org/m", ...}`: the id is that entry
                    self._consume(node)
                    node, node_scope = entries[slot.mapping_key]
                    values = self.resolver.resolve(node, node_scope)
            if values is not None and spec.id_form == catalog.ID_HUB and spec.served_by is None:
                values = _api_names_unknown(values)
            self._consume(node)
            if values is None or (not any(isinstance(v, str) for v in values) and None in values
                                  and not (isinstance(node, ast.Constant) and node.value is None)):
                # Unknown, or only a `None` default (`field(default=None)`, argparse without a default):
                # the id comes from outside the file.
                if slot.known_urls_only or (slot.usually_object and not python_context.names_an_id(node)):
                    continue  # `SFTTrainer(model=model)`: a loaded model, not an id; `requests.get(url)`: any URL
                if self._mlflow_name_known(call, spec, node, node_scope, kind, api):
                    continue
                if not self._head_known(call, spec, slot, arguments, kind, api, trust, node, node_scope):
                    self._emit_dynamic(call, spec, slot, arguments, kind, api, True if slot.runs_code else trust, node)
                continue
            if UNKNOWN in values and not slot.known_urls_only \
                    and not self._mlflow_name_known(call, spec, node, node_scope, kind, api) \
                    and not self._head_known(call, spec, slot, arguments, kind, api, trust, node, node_scope):
                # one of its values cannot be known: reported beside the literals
                self._emit_dynamic(call, spec, slot, arguments, kind, api, True if slot.runs_code else trust, node)
            slot_trust = True if slot.runs_code else trust
            read_as = python_context.slot_spec(spec, slot)
            if slot.switched_form is not None and self._switched_on(arguments, slot.switched_form[0]):
                read_as = replace(read_as, id_form=slot.switched_form[1])  # timm `pretrained=True`
            pairs = self._paired(slot, arguments, entry)
            namespace = self._namespace(slot, arguments)
            for value, revision in pairs or ((value, None) for value in values):
                if value is OBJECT or not isinstance(value, str):
                    continue
                if namespace is not None and "/" not in value:
                    value = f"{namespace}/{value}"  # `create_repo("name", organization="org")`
                if slot.qualified_only and "/" not in value:
                    continue
                targets = interpret_id(value, read_as, kind, self.repo_paths)
                for target in targets:
                    self._emit_target(call, spec, slot, arguments, target, api, slot_trust, revision)
                if not targets and slot.named_by_table is not None and _TABLE_KEY.fullmatch(value) \
                        and value.lower() not in SENTINEL_WORDS:
                    self._emit(call, kind=kind, source=spec.source, id=None, revision=None, api=api,
                               pinnable=False, dynamic=True, trust_remote_code=slot_trust, role=slot.role or spec.role,
                               expression=f"{slot.keywords[0]}={value!r}  # {slot.named_by_table}")
        for keyword in spec.path_keywords:
            entry = arguments.keywords.get(keyword)
            if entry is not None:
                self._paths_in(call, entry, api)
        self.consumed.update(self.resolver.used_constants)

    def _parameter(self, node: ast.AST, scope: Scope) -> bool:
        """`node` is a name bound only as a parameter of the function it is read in."""
        if not isinstance(node, ast.Name):
            return False
        bindings = self.resolver._lookup(node.id, scope) or []
        return bool(bindings) and all(binding.how == "param" for binding in bindings)

    def _imported_value(self, target: str) -> tuple[Any, ...] | None:
        """`from pkg.constants import MODEL` (target `pkg.constants.MODEL`): the values `MODEL` is bound to at the top
        of `pkg/constants.py` (or `pkg/constants/__init__.py`, also under the folder holding this file's package,
        `src/`), when that file is in the repository and they are strings (an unknown beside them stays unknown). That module is parsed, never run,
        and its own imports are not followed (one module deep); anything else is unknown (None)."""
        module, _, name = target.rpartition(".")
        resolver = self._module(module)
        if resolver is None or name not in resolver.index.module.bindings:
            return None
        use = ast.Name(id=name, ctx=ast.Load())
        resolver.keep(use)
        values = resolver.resolve(use, resolver.index.module)
        if not values or not all(isinstance(v, str) or v is UNKNOWN for v in values) \
                or not any(isinstance(v, str) for v in values):
            return None
        return values  # strings, maybe beside an unknown (`os.environ.get("M", "org/m")`), as in the file itself

    def _imported_class(self, target: str) -> tuple[ClassInfo, Resolver] | None:
        """`from models.config import TrainConfig` (target `models.config.TrainConfig`): the class that module
        defines at its top under that name (and nothing else binds it there), with that module's resolver, which
        reads its field defaults (`_imported_value`'s module, one module deep); None otherwise."""
        if target not in self._classes:
            self._classes[target] = self._read_imported_class(target)
        return self._classes[target]

    def _read_imported_class(self, target: str) -> tuple[ClassInfo, Resolver] | None:
        module, _, name = target.rpartition(".")
        if module not in self._modules and name.isidentifier():
            # Not parsed for nothing: a module that does not spell `class Name` (`pkg/__init__.py` re-exporting
            # it, a type alias) cannot define it.
            found = self._module_text(module)
            if found is None:
                self._modules[module] = None  # no such file of the repository
                return None
            if re.search(rf"^[ \t]*class[ \t]+{name}\b", found[1], re.MULTILINE) is None:
                return None
        resolver = self._module(module)
        bindings = resolver.index.module.bindings.get(name) if resolver is not None else None
        if resolver is None or not bindings or len(bindings) != 1 or bindings[0].how != "class" \
                or bindings[0].class_info is None:
            return None
        return bindings[0].class_info, resolver

    def _module(self, module: str) -> Resolver | None:
        """The resolver of a module of the repository, by dotted name (read once per scanned file)."""
        if module not in self._modules:
            self._modules[module] = self._module_resolver(module)
        return self._modules[module]

    def _module_resolver(self, module: str) -> Resolver | None:
        found = self._module_text(module)
        if found is None:
            return None
        index = _module_index(*found)
        return Resolver(index) if index is not None else None  # a fresh resolver: its work budget is this file's

    def _module_text(self, module: str) -> tuple[str, str] | None:
        """(path, text) of the repository file of a dotted module name, when there is one and it reads."""
        if not module or module.startswith(".") or self.read_repo_file is None or self.repo_paths is None:
            return None
        relative = module.replace(".", "/")
        roots = [""]
        if self.index.package is not None:  # `src/mlx_lm/x.py` imports `mlx_lm.generate` from `src/mlx_lm/`
            folders = self.path.split("/")[:-1]
            roots.append("/".join(folders[: len(folders) - len(self.index.package.split("."))] + [""]).lstrip("/"))
        assert self.repo_paths is not None and self.read_repo_file is not None
        for root in dict.fromkeys(roots):
            for candidate in (f"{root}{relative}.py", f"{root}{relative}/__init__.py"):
                if candidate == self.path or candidate not in self.repo_paths:
                    continue
                text, _ = self.read_repo_file(candidate)  # (records the read: this file's result depends on it)
                return (candidate, text) if text is not None else None
        return None

    def _served_locally(self, call: ast.Call, scope: Scope, keyword: str) -> bool:
        """`client.chat.completions.create(...)`: the client's constructor (`OpenAI(base_url=...)`, bound once in
        this file or called in place) gives `keyword` only values naming a server the user runs or a Hub host."""
        receiver = call.func
        while isinstance(receiver, ast.Attribute):
            receiver = receiver.value
        constructor, where = (receiver, scope) if isinstance(receiver, ast.Call) else (None, scope)
        if isinstance(receiver, ast.Name):
            bindings = self.resolver._lookup(receiver.id, scope)
            if bindings and len(bindings) == 1 and bindings[0].how == "value" and bindings[0].scope is not None \
                    and isinstance(bindings[0].node, ast.Call):
                constructor, where = bindings[0].node, bindings[0].scope
        if constructor is None:
            return False
        entry = _Arguments(constructor, where, self.resolver).get(None, (keyword,))
        values = self.resolver.resolve(*entry) if entry is not None else None
        return values is not None and len(values) > 0 and all(
            isinstance(v, str) and names_remote_api(keyword, v) is False for v in values)

    def _posts_to_inference(self, call: ast.Call, scope: Scope, spec: ApiSpec) -> bool:
        """An HTTP call is the inference row's only when its URL is an inference-API URL: any other URL (a Hub
        file's `/resolve/` URL) stays the string scan's, where it is written (nothing is marked used here)."""
        before = set(self.resolver.used_constants)
        slot = spec.slots[0]
        entry = _Arguments(call, scope, self.resolver).get(slot.position, slot.keywords)
        values = self.resolver.resolve(*entry) if entry is not None else None
        if any(isinstance(value, str) and inference_url_id(value) for value in values or ()):
            return True
        self.resolver.used_constants.intersection_update(before)
        return False

    def _mlflow_name_known(self, call: ast.Call, spec: ApiSpec, node: ast.AST, scope: Scope, kind: str,
                           api: str) -> bool:
        """`load_model(f"models:/{self.name}/{version}")`: the registered model's name is known though its version
        is not: reported with the name, its version dynamic (True when so reported)."""
        if spec.id_form != catalog.ID_MLFLOW or not isinstance(node, ast.JoinedStr) or len(node.values) < 2:
            return False
        head, name, *rest = node.values
        if not (isinstance(head, ast.Constant) and head.value == "models:/" and isinstance(name, ast.FormattedValue)):
            return False
        if rest and not (isinstance(rest[0], ast.Constant) and str(rest[0].value)[:1] in ("/", "@")):
            return False
        names = self.resolver.resolve(name.value, scope)
        if not names or not all(isinstance(value, str) and value and "/" not in value for value in names):
            return False
        for value in dict.fromkeys(names):
            self._emit(call, kind=kind, source="mlflow", id=value, revision=None, api=api, pinnable=spec.pinnable,
                       dynamic=True, expression=unparse(node), revision_key="uri")
        return True

    def _switched_on(self, arguments: _Arguments, keyword: str | None) -> bool:
        """`push_to_hub=True` (or a value that may be true) among the call's keywords."""
        entry = arguments.keywords.get(keyword) if keyword else None
        if entry is None:
            return False
        values = self.resolver.resolve(*entry)
        return values is None or any(value is True or value is UNKNOWN for value in values)

    def _class_defaults(self) -> None:
        """`catalog.CLASS_DEFAULTS`: a module-level class whose base is a library's (`class P(AutoTrainParams)`),
        or a class of the same module that is one, and sets the attribute that names what the library loads;
        reported where the attribute is set."""
        module = self.index.module
        local_rows: dict[str, list[catalog.ClassDefault]] = {}  # module-level classes that derive from a row's base
        for statement in self.tree.body:
            if not isinstance(statement, ast.ClassDef) or not statement.bases:
                continue
            bases = [self.resolver.qualname(base, module)[0] for base in statement.bases]
            rows = [row for row in catalog.CLASS_DEFAULTS if any(row.matches(base) for base in bases)]
            rows += [row for base in statement.bases if isinstance(base, ast.Name)
                     for row in local_rows.get(base.id, ()) if row not in rows]
            if not rows:
                continue
            local_rows[statement.name] = rows
            scope = self.index.scope_for(statement, module)
            for row in rows:
                for item in statement.body:
                    if isinstance(item, ast.Assign) and len(item.targets) == 1:
                        target = item.targets[0]
                    elif isinstance(item, ast.AnnAssign):
                        target = item.target
                    else:
                        continue
                    if not isinstance(target, ast.Name) or target.id != row.attribute or item.value is None:
                        continue
                    value: ast.AST = item.value
                    if row.key is not None and isinstance(value, (ast.Dict, ast.Call)):
                        entries = self.resolver.mapping(value, scope)
                        if not entries or row.key not in entries:
                            continue
                        value = entries[row.key][0]
                    self._consume(item.value)
                    for found in self.resolver.resolve(value, scope) or ():
                        if not isinstance(found, str) or (row.kind == "dataset" and
                                                          found in catalog.DATASETS_BUILTIN_LOADERS):
                            continue
                        for resolved in interpret_id(found, _CLASS_DEFAULT_SPEC, row.kind, self.repo_paths):
                            self._emit(item, kind=resolved.kind, source=resolved.source, id=resolved.id,
                                       revision=None, api=row.api)

    def _timm_cfgs(self, node: ast.AST, scope: Scope, spec: ApiSpec, api: str) -> None:
        """Each entry of timm's `generate_default_cfgs({...})` whose config names `hf_hub_id`: that repository
        (`"timm/"` completed by the entry's key: `timm/name.tag`), reported at the entry."""
        literal = self.resolver.literal(node, scope, (ast.Dict,))
        if literal is None:
            return
        container, container_scope = literal
        for key_node, value in zip(container.keys, container.values, strict=True):  # type: ignore[attr-defined]
            keys = self.resolver.resolve(key_node, container_scope) if key_node is not None else None
            if isinstance(value, ast.Call):
                hub = next((k.value for k in value.keywords if k.arg == "hf_hub_id"), None)
            else:
                entries = self.resolver.mapping(value, container_scope)
                hub = entries["hf_hub_id"][0] if entries and "hf_hub_id" in entries else None
            if hub is None:
                continue
            self._consume(value)
            for repo in self.resolver.resolve(hub, container_scope) or ():
                if not isinstance(repo, str) or not repo:
                    continue
                names = [repo + k for k in keys or () if isinstance(k, str)] if repo.endswith("/") else [repo]
                for name in names:
                    for target in interpret_id(name, replace(spec, id_form=catalog.ID_HUB), "model", None):
                        self._emit(value, kind=target.kind, source=target.source, id=target.id, revision=None,
                                   api=api, pinnable=spec.pinnable, trust_remote_code=False)

    def _kind(self, spec: ApiSpec, arguments: _Arguments) -> str:
        if spec.kind != catalog.KIND_FROM_REPO_TYPE:
            return spec.kind
        entry = arguments.keywords.get(spec.repo_type_keyword or "repo_type")
        values = self.resolver.resolve(*entry) if entry is not None else None
        return "dataset" if values and "dataset" in values else "model"

    def _trust(self, spec: ApiSpec, arguments: _Arguments) -> bool | None:
        if spec.fixed_trust is not None or spec.trust_keyword is None:
            return spec.fixed_trust
        entry = arguments.keywords.get(spec.trust_keyword)
        if entry is None:
            for slot in spec.slots:
                for nested in slot.nested_revision:
                    entries = arguments.nested(nested)
                    if entries and spec.trust_keyword in entries:
                        entry = entries[spec.trust_keyword]
        if entry is None:
            return None if arguments.opaque else spec.trust_default
        values = self.resolver.resolve(*entry)
        if values is not None and True in values:
            return True  # one of the values the code may pass runs remote code
        if values is None or len(values) != 1 or not isinstance(values[0], bool):
            return None
        return values[0]

    def _revisions(self, slot: Slot, arguments: _Arguments) -> tuple[str | None, list[tuple[str | None, str | None]]]:
        """(revision_key, [(revision, unresolved expression)]) for a slot whose id carries no pin itself."""
        places: list[tuple[str, tuple[ast.AST, Scope] | None]] = [
            (keyword, arguments.keywords.get(keyword)) for keyword in slot.revision_keywords]
        if slot.revision_position is not None and places and places[0][1] is None:
            places[0] = (places[0][0], arguments.get(slot.revision_position, ()))
        for nested in slot.nested_revision:
            keyword, _, key = nested.partition(".")  # `model_kwargs` (its "revision"), `env.HF_MODEL_REVISION`
            entries = arguments.nested(keyword)
            places.append((f"{keyword}.{key or 'revision'}", entries.get(key or "revision") if entries else None))
        default_key = places[0][0] if places else None
        for key, entry in places:
            if entry is None:
                continue
            values = self.resolver.resolve(*entry)
            self._consume(entry[0])
            if values is None:
                return key, [(None, f"{key}={unparse(entry[0])}")]
            revisions = [v if isinstance(v, str) else str(v) if type(v) is int else None  # MLflow versions: 3
                         for v in values if v is not OBJECT and v is not UNKNOWN]
            found: list[tuple[str | None, str | None]] = [(r, None) for r in dict.fromkeys(revisions)]
            if UNKNOWN in values:  # and a revision that cannot be known
                found.append((None, f"{key}={unparse(entry[0])}"))
            return key, found or [(None, None)]
        return default_key, [(None, None)]

    def _namespace(self, slot: Slot, arguments: _Arguments) -> str | None:
        """The one namespace a `Slot.namespace_keywords` keyword gives (None when absent or not known)."""
        for keyword in slot.namespace_keywords:
            entry = arguments.keywords.get(keyword)
            values = self.resolver.resolve(*entry) if entry is not None else None
            if values is not None and len(values) == 1 and isinstance(values[0], str) and values[0]:
                return values[0]
        return None

    def _entry_inside(self, arguments: _Arguments, slot: Slot) -> tuple[ast.AST, Scope] | None:
        """The `slot.inside` entry of the slot's dict keyword (`pretrained_cfg_overlay=dict(hf_hub_id=...)`)."""
        for keyword in slot.keywords:
            entries = arguments.nested(keyword)
            if entries and slot.inside in entries:
                return entries[slot.inside]
        return None

    def _entry_attribute(self, entry: tuple[ast.AST, Scope],
                         paths: tuple[tuple[str, ...], ...]) -> tuple[ast.AST, Scope]:
        """`Slot.attributes`: the first of `args.hf_dataset["path"]`, `args.data` (built on the argument as written,
        so its names resolve where the call is) whose values the file knows, else the last one. An attribute holding
        a literal list of mappings (`hf_dataset=[{...}, {...}]`) gives a list of each item's entry."""
        node, scope = entry
        argument = cast("ast.expr", node)  # an argument of a call: always an expression
        accessor = argument
        for path in paths:
            attribute = ast.copy_location(ast.Attribute(value=argument, attr=path[0], ctx=ast.Load()), node)
            accessor = self._keys_of(attribute, path[1:], node)
            values = self.resolver.resolve(accessor, scope)
            if values and all(isinstance(v, str) for v in values):
                break
            entries = self.resolver.mapping(argument, scope) if len(path) > 1 else None
            held = entries.get(path[0]) if entries else None
            listed = self.resolver.literal(*held, (ast.List, ast.Tuple)) if held is not None else None
            if listed is not None:
                items, items_scope = listed[0].elts, listed[1]  # type: ignore[attr-defined]
                accessor = ast.copy_location(ast.List(elts=[
                    Scoped([(self._keys_of(item, path[1:], node), items_scope)]) for item in items], ctx=ast.Load()),
                    node)
                self.resolver.keep(accessor)
                break
        return accessor, scope

    def _keys_of(self, base: ast.expr, keys: tuple[str, ...], where: ast.AST) -> ast.expr:
        """`base["path"]...`, built for resolution (kept alive: the resolver keys its answers by node id)."""
        for key in keys:
            base = ast.copy_location(ast.Subscript(value=base, slice=ast.Constant(key), ctx=ast.Load()), where)
        self.resolver.keep(base)
        return base

    def _paired(self, slot: Slot, arguments: _Arguments,
                entry: tuple[ast.AST, Scope]) -> list[tuple[object, tuple[str, str | None]]] | None:
        """(id, (revision keyword, revision)) item by item when the id and its revision come from the same
        items of a loop (`for name, revision in PINS:`), else None."""
        for keyword in slot.revision_keywords:
            revision_entry = arguments.keywords.get(keyword)
            if revision_entry is not None:
                pairs = self.resolver.paired(*entry, *revision_entry)
                if pairs is None:
                    return None
                self._consume(revision_entry[0])
                return [(value, (keyword, revision if isinstance(revision, str) else None))
                        for value, revision in pairs]
        return None

    def _emit_default_by(self, call: ast.Call, spec: ApiSpec, slot: Slot, arguments: _Arguments, kind: str,
                         api: str, trust: bool | None) -> bool:
        """The library's default repository for the selector the call gives (`catalog.DefaultsBy`); False when the
        selector is absent, unknown or not one value the table holds (the caller then reports a dynamic load)."""
        assert slot.defaults_by is not None
        chooser = slot.defaults_by
        given = arguments.get(chooser.position, chooser.keywords)
        values = self.resolver.resolve(*given) if given is not None else None
        if not values or not all(isinstance(v, str) for v in values):
            return False
        defaults = [chooser.lookup(value) for value in values]
        if any(default is None for default in defaults):
            return False
        own_revision = any(keyword in arguments.keywords for keyword in slot.revision_keywords)
        for repository, revision in dict.fromkeys(d for d in defaults if d is not None):
            for target in interpret_id(repository, spec, kind, None):
                paired = None if own_revision else (slot.revision_keywords[0], revision)
                self._emit_target(call, spec, slot, arguments, target, api, trust, paired=paired)
        return True

    def _emit_target(self, call: ast.Call, spec: ApiSpec, slot: Slot, arguments: _Arguments, target: Target,
                     api: str, trust: bool | None, paired: tuple[str, str | None] | None = None) -> None:
        if paired is not None:  # the revision that comes with this id (`for name, revision in PINS:`)
            key, revisions = paired[0], [(paired[1], None)]
        elif target.revision_key is not None or target.revision is not None:
            key, revisions = target.revision_key, [(target.revision, None)]
            if target.revision is None and target.source == "huggingface" and slot.revision_keywords \
                    and spec.id_form == catalog.ID_HUB:
                key, revisions = self._revisions(slot, arguments)
        else:
            key, revisions = self._revisions(slot, arguments)
        if spec.id_form == catalog.ID_MLFLOW_NAME and key == "alias":
            revisions = [("@" + r if r else r, e) for r, e in revisions]  # the alias form of models:/name@alias
        for revision, expression in revisions:
            self._emit(call, kind=target.kind, source=target.source, id=target.id, revision=revision, api=api,
                       pinnable=spec.slot_pinnable(slot), dynamic=expression is not None, expression=expression,
                       trust_remote_code=trust, revision_key=key, role=slot.role or spec.role)
        if target.look_alike is not None:
            line, _ = self._where(call)
            self.warnings.append(ScanWarning(self.path, (
                f"line {line}: the id '{target.id}' only looks like '{target.look_alike.ascii_id}': it contains "
                f"{', '.join(target.look_alike.characters)}, so it names another repository (or none)")))

    def _head_known(self, call: ast.Call, spec: ApiSpec, slot: Slot, arguments: _Arguments, kind: str, api: str,
                    trust: bool | None, node: ast.AST, scope: Scope) -> bool:
        """A path-like id written as an f-string whose known beginning already holds the whole repository (and its
        revision): reported as that repository, since only a file inside it is chosen at run time
        (python_ids.head_targets). False when the beginning leaves the repository open."""
        literal = self.resolver.literal(node, scope, (ast.JoinedStr,))
        if literal is None:
            return False
        string, string_scope = literal
        head = self._known_head(string, string_scope)  # type: ignore[arg-type]
        targets = head_targets(head, python_context.slot_spec(spec, slot), kind, self.repo_paths)
        for target in targets:
            self._emit_target(call, spec, slot, arguments, target, api, True if slot.runs_code else trust)
        if targets:
            self._consume(string)  # reported here, at its consumer, not again where it is written
        return bool(targets)

    def _known_head(self, string: ast.JoinedStr, scope: Scope) -> str:
        """An f-string's beginning, up to its first field whose value is not one known string."""
        head = ""
        for part in string.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                head += part.value
                continue
            found = self.resolver.resolve(part.value, scope) \
                if isinstance(part, ast.FormattedValue) and part.format_spec is None and part.conversion == -1 \
                else None
            if not found or len(found) != 1 or not isinstance(found[0], str):
                break
            head += found[0]
        return head

    def _emit_dynamic(self, call: ast.Call, spec: ApiSpec, slot: Slot, arguments: _Arguments, kind: str,
                      api: str, trust: bool | None, node: ast.AST) -> None:
        key, revisions = self._revisions(slot, arguments)
        if spec.id_form in (catalog.ID_HF_HUB_PREFIX, catalog.ID_HF_FILESYSTEM, catalog.ID_PRESET):
            key = "@"
        elif spec.id_form == catalog.ID_TORCHHUB:
            key = ":"
        elif spec.id_form == catalog.ID_URL:
            key = "url"
        source = "url" if spec.id_form == catalog.ID_URL else \
            "huggingface" if spec.id_form in (catalog.ID_HF_HUB_PREFIX, catalog.ID_PRESET) else spec.source
        for revision, _ in revisions:
            self._emit(call, kind=kind, source=source, id=None, revision=revision, api=api,
                       pinnable=spec.slot_pinnable(slot), dynamic=True, expression=unparse(node), trust_remote_code=trust, revision_key=key,
                       role=slot.role or spec.role)

    def _paths_in(self, call: ast.Call, entry: tuple[ast.AST, Scope], api: str) -> None:
        """Hub strings inside a keyword's value (`data_files={"train": "hf://datasets/..."}`), reported at the call."""
        node, scope = entry
        literal = self.resolver.literal(node, scope, (ast.Dict, ast.List, ast.Tuple, ast.Set))
        if literal is not None:
            node, scope = literal  # `data_files=FILES` with `FILES = {...}` in the file
        for child in ast.walk(node):
            if isinstance(child, (ast.Constant, ast.JoinedStr, ast.Name)):
                for value in self.resolver.resolve(child, scope) or ():
                    self._scan_value(call, value, hf_api=api)
                if isinstance(child, (ast.Constant, ast.JoinedStr)):
                    self._consume(child)

    # ---------------------------------------------------------------------------- loaders as values, exec

    def _loader_value(self, node: ast.Attribute, scope: Scope | None = None, api_node: ast.AST | None = None) -> None:
        """`load = AutoModel.from_pretrained`: the loader is called elsewhere under another name, with an id that
        cannot be followed; the place it is taken is reported as dynamic."""
        if not catalog.is_loader_name(node.attr):
            return
        dotted, origin = self.resolver.qualname(node, scope or self.index.module)
        spec = catalog.match_call(dotted, origin != "unknown")
        if spec is None or spec.role == "publish":
            return  # (`if args.push_to_hub:` reads a flag; a push target taken as a value loads nothing)
        api = spec.api_name(dotted, origin == "import")
        slot = spec.slots[0]
        key = slot.revision_keywords[0] if slot.revision_keywords else (
            f"{slot.nested_revision[0]}.revision" if slot.nested_revision else None)
        where = api_node or node
        kind = spec.kind if spec.kind not in (catalog.KIND_FROM_REPO_TYPE, catalog.KIND_FROM_RECEIVER) else "model"
        self._emit(where, kind=kind, source=spec.source, id=None, revision=None, api=api, pinnable=spec.pinnable,
                   dynamic=True, expression=unparse(where), trust_remote_code=None if spec.trust_keyword else
                   spec.runs_remote_code, revision_key=key)

    def _getattr_loader(self, call: ast.Call, scope: Scope) -> None:
        """`getattr(AutoModel, "from_pretrained")`: the same as `AutoModel.from_pretrained` taken as a value."""
        names = self.resolver.resolve(call.args[1], scope)
        if not names or len(names) != 1 or not isinstance(names[0], str) or not names[0].isidentifier():
            return
        attribute = ast.Attribute(value=call.args[0], attr=names[0], ctx=ast.Load())
        ast.copy_location(attribute, call)
        self._loader_value(attribute, scope, api_node=call)

    def _partial(self, call: ast.Call, scope: Scope) -> None:
        """`load = functools.partial(snapshot_download, "org/m")`: each later `load(...)` is the loader called
        with both argument lists (reported there); without such a call in the file, what the partial leaves
        open is given where the file does not show (dynamic)."""
        loader = call.args[0]
        if isinstance(loader, ast.Attribute):
            self.partial_loaders.add(id(loader))
        given = [Scoped([(a, scope)]) if not isinstance(a, ast.Starred) else a for a in call.args[1:]]
        given_keywords = [ast.keyword(arg=k.arg, value=Scoped([(k.value, scope)])) for k in call.keywords]
        sites = self.resolver.partial_sites(call)
        if not sites:
            later = ast.Name(id=f"<arguments of the call of {unparse(call, 80)}>", ctx=ast.Load())
            sites = [(ast.Call(func=later, args=[ast.Starred(value=later, ctx=ast.Load())],
                               keywords=[ast.keyword(arg=None, value=later)]), scope, call)]
        for site, site_scope, where in sites:
            merged = ast.Call(func=loader, args=[*given, *(Scoped([(a, site_scope)]) if not isinstance(
                a, ast.Starred) else a for a in site.args)], keywords=[*given_keywords, *(ast.keyword(
                    arg=k.arg, value=Scoped([(k.value, site_scope)])) for k in site.keywords)])
            ast.copy_location(merged, where)
            self.resolver.keep(merged)
            self._call(merged, scope)

    def _deferred(self, node: ast.Call | ast.Dict, scope: Scope) -> bool:
        """`dict(type=AutoTokenizer.from_pretrained, ...)`, `run.Config(AutoTokenizer, ...)`: the call it stands
        for is scanned at `node` (see python_deferred); False when `node` is no deferred call."""
        deferred = python_deferred.deferred_call(node, scope, self.resolver)
        if deferred is None:
            return False
        call, callee = deferred
        self.partial_loaders.add(id(callee))  # reported through the call, not as a loader taken as a value
        self.resolver.keep(call)
        self._call(call, scope)
        return True

    def _code_string(self, call: ast.Call, scope: Scope, runner: str) -> None:
        """exec/eval/compile of a string: the string is code, scanned like the file and reported at the call."""
        if not call.args:
            return
        source = call.args[0]
        if runner in ("exec", "eval") and isinstance(source, ast.Call) and isinstance(source.func, ast.Name) \
                and source.func.id == "compile":
            return  # `exec(compile(SOURCE, ...))`: the compile call is scanned
        values = self.resolver.resolve(source, scope)
        texts = [v for v in values or () if isinstance(v, str)]
        if not texts or UNKNOWN in (values or ()):
            if values is None or not any(v is OBJECT for v in values) or UNKNOWN in values:
                line, _ = self._where(call)
                self.warnings.append(ScanWarning(self.path, (
                    f"line {line}: {runner}() runs code built at run time ({unparse(source, 80)}), which cannot be "
                    "analysed statically; review what it loads")))
            if not texts:
                return
        self._consume(source)
        self.consumed.update(self.resolver.used_constants)
        self._scan_code_texts(call, runner, texts)

    def _code_runner(self, call: ast.Call, scope: Scope, runner: str,
                     slots: tuple[tuple[int | None, str], ...]) -> None:
        """`cProfile.run(s)`, `timeit.timeit(stmt, setup)`, `code.InteractiveConsole().push(s)`: each code string
        given is scanned (setup and statement joined, in the order they run); one that cannot be read is warned
        about, never taken as absent."""
        arguments = _Arguments(call, scope, self.resolver)
        parts: list[list[str]] = []
        line, _ = self._where(call)
        for position, keyword in slots:
            entry = arguments.get(position, (keyword,))
            hidden = arguments.hidden(position, (keyword,)) if entry is None else None
            if entry is None and hidden is None:
                continue
            node, node_scope = entry if entry is not None else (cast(ast.AST, hidden), scope)  # set when no entry
            values = self.resolver.resolve(node, node_scope) if entry is not None else None
            texts = [v for v in values or () if isinstance(v, str)]
            if values is None or UNKNOWN in values or not texts:
                self.warnings.append(ScanWarning(self.path, (
                    f"line {line}: {runner}() runs code built at run time ({unparse(node, 80)}), which cannot be "
                    "analysed statically; review what it loads")))
            if texts:
                self._consume(node)
                parts.append(texts)
        self.consumed.update(self.resolver.used_constants)
        joined = ["\n".join(combination) for combination in
                  itertools.islice(itertools.product(*parts), MAX_CODE_STRING_COMBINATIONS)] if parts else []
        self._scan_code_texts(call, runner, joined)

    def _command_outline(self, node: ast.AST, scope: Scope, unknown: dict[str, str]) -> list[str]:
        """The command with each part the file does not bind written as a shell variable (`$PYTHON_VALUE_1`),
        recorded in `unknown` with the Python expression it stands for."""
        for _ in range(4):  # `cmd = f"..."; run(cmd)`
            if not isinstance(node, ast.Name):
                break
            bindings = self.resolver._lookup(node.id, scope)
            if not bindings or len(bindings) != 1 or bindings[0].how != "value" or bindings[0].scope is None:
                return []
            node, scope = bindings[0].node, bindings[0].scope

        def part(expression: ast.AST) -> str:
            values = self.resolver.resolve(expression, scope)
            if values is not None and len(values) == 1 and isinstance(values[0], str):
                return values[0]
            variable = f"PYTHON_VALUE_{len(unknown) + 1}"
            unknown["$" + variable] = unparse(expression, 80)
            return "$" + variable

        if isinstance(node, ast.JoinedStr):
            return ["".join(str(v.value) if isinstance(v, ast.Constant) else part(v.value)  # type: ignore
                            for v in node.values)]
        return []

    def _command_texts(self, node: ast.AST, scope: Scope, unknown: dict[str, str]) -> list[str]:
        """The shell texts a command string may be (at most `MAX_CODE_STRING_COMBINATIONS * 4`), plus, when one of
        its values cannot be known, its outline (`_command_outline`)."""
        values = self.resolver.resolve(node, scope)
        texts = [v for v in values or () if isinstance(v, str)][: MAX_CODE_STRING_COMBINATIONS * 4]
        if values is None or UNKNOWN in values or not texts:
            texts.extend(self._command_outline(node, scope, unknown))
        return texts

    def _file_runner(self, call: ast.Call, scope: Scope, runner: str, slot: tuple[int, str]) -> None:
        """`runpy.run_path(path)`: a `.py` file of the repository is scanned on its own; any other target (a path
        chosen at run time, a file without the `.py` suffix or outside the repository) is not analysed: warned."""
        arguments = _Arguments(call, scope, self.resolver)
        entry = arguments.get(*((slot[0], (slot[1],))))
        values = self.resolver.resolve(*entry) if entry is not None else None
        line, _ = self._where(call)
        shown = unparse(entry[0], 80) if entry is not None else unparse(call, 80)
        if values is None or UNKNOWN in values or not all(isinstance(v, str) for v in values):
            self.warnings.append(ScanWarning(self.path, (
                f"line {line}: {runner}() runs a file chosen at run time ({shown}); it cannot be analysed "
                "statically; review what it loads")))
            return
        for value in values:
            path = value
            while path.startswith("./"):
                path = path[2:]
            if self.repo_paths is None or path not in self.repo_paths:
                self.warnings.append(ScanWarning(self.path, (
                    f"line {line}: {runner}() runs '{value}', which is not a file of the repository, so it was not "
                    "analysed; review what it loads")))
                continue
            if path.endswith(".py"):
                continue  # scanned on its own, under its own path
            text, problem = self.read_repo_file(path) if self.read_repo_file is not None else (None, "")
            if text is None:
                self.warnings.append(ScanWarning(self.path, (
                    f"line {line}: {runner}() runs '{value}', which could not be read ({problem or 'no file access'}); "
                    "not analysed; review what it loads")))
                continue
            result = scan_python_text(text, path, self.repo_paths, syntax=self.syntax)  # under its own path
            self.references.extend(result.references)
            self.warnings.extend(result.warnings)

    def _command_runner(self, call: ast.Call, scope: Scope, runner: str, slot: tuple[int, str]) -> None:
        """`subprocess.run([...words])`, `os.system(f"... {m}")`, `run_cmd(cmd)` (`catalog.COMMAND_RUNNERS`): the
        command line, with the values the file binds substituted, is read as the shell finder reads one (CLI
        catalog, flags, context flags); its references are reported at the call, their `api` behind the runner's
        layer (`subprocess.run > shell:vllm serve`). A list of words keeps its words (one that cannot be known is
        its expression, unresolved); a string the file does not bind is read with each unknown part a shell
        variable, so the CLI catalog reports it dynamic, never dropped."""
        from gate.discover.shell_finder import LAYER_SEPARATOR, scan_argument_list, scan_shell_text

        entry = _Arguments(call, scope, self.resolver).get(slot[0], (slot[1], "command", "args"))
        if entry is None:
            return
        node, node_scope = entry
        literal = self.resolver.literal(node, node_scope, (ast.List, ast.Tuple))
        line, column = self._where(call)
        found: list[Reference] = []
        if literal is not None:
            # each word's values: one known string, a few (a loop over a table: one command line per value), or
            # its expression, unresolved
            choices: list[list[tuple[str, bool]]] = []
            for element in literal[0].elts:  # type: ignore[attr-defined]
                values = self.resolver.resolve(element, literal[1])
                if values and UNKNOWN not in values and all(isinstance(value, str) for value in values):
                    choices.append([(cast(str, value), True) for value in dict.fromkeys(values)])
                else:
                    choices.append([(unparse(element), False)])
            if math.prod(len(options) for options in choices) > MAX_COMMAND_LINES:
                choices = [options if len(options) == 1 else [(unparse(element), False)]
                           for options, element in zip(choices, literal[0].elts, strict=True)]  # type: ignore[attr-defined]
            for chosen in itertools.product(*choices):
                found.extend(scan_argument_list([(text, line, column, known) for text, known in chosen], self.path,
                                                syntax=self.syntax, repo_paths=self.repo_paths))
            found = list(dict.fromkeys(found))
        else:
            unknown: dict[str, str] = {}
            for text in self._command_texts(node, node_scope, unknown):
                for reference in scan_shell_text(text, self.path, syntax=self.syntax, repo_paths=self.repo_paths):
                    expression = reference.expression
                    for variable, python in unknown.items():
                        expression = expression.replace(variable, python) if expression else expression
                    found.append(replace(reference, expression=expression))
        self._consume(node)
        self.consumed.update(self.resolver.used_constants)
        self.references.extend(replace(reference, line=line, column=column, syntax=self.syntax,
                                       api=f"{runner}{LAYER_SEPARATOR}{reference.api}") for reference in found)

    def _scan_code_texts(self, call: ast.Call, runner: str, texts: list[str]) -> None:
        if self.depth >= MAX_CODE_STRING_DEPTH:
            return
        line, column = self._where(call)
        for text in texts:
            tree, problem = parse_python(text)
            if tree is None:
                self.warnings.append(ScanWarning(self.path, (
                    f"line {line}: the string given to {runner}() is not valid Python ({problem}); not analysed")))
                continue
            inner = _Scan(tree, text, self.path, self.repo_paths, self.syntax,
                          lambda _line, _column: (line, column), None)
            inner.depth = self.depth + 1
            try:
                self.references.extend(inner.run())
            finally:
                inner.release()
            self.warnings.extend(inner.warnings)

    # ----------------------------------------------------------------------------------------- strings

    def _string(self, node: ast.AST, scope: Scope) -> None:
        if isinstance(node, ast.JoinedStr):
            head = node.values[0] if node.values else None
            # An f-string's literal parts are str constants (typeshed types `Constant.value` as any literal).
            constant_text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))  # type: ignore[misc]
            if not any(token in constant_text for token in catalog.STRING_TOKENS):
                return
            self._consume(node)
            values = self.resolver.resolve(node, scope)
            if values is None or UNKNOWN in values:
                if isinstance(head, ast.Constant) and isinstance(head.value, str) \
                        and head.value.startswith(catalog.STRING_TOKENS):
                    completed = fixed_head(self._known_head(node, scope))
                    if completed is not None:  # the repository is written whole: only a file in it is chosen later
                        self._scan_value(node, completed)
                    else:
                        self._dynamic_string(node, head.value)
                else:  # `f"SELECT * FROM 'hf://datasets/{name}/*.parquet' LIMIT {k}"`: the path alone
                    self._embedded_paths(node, scope)
                if values is None:
                    return
            for value in values:
                self._scan_value(node, value)
            return
        self._scan_value(node, node.value)  # type: ignore[attr-defined]

    def _embedded_paths(self, node: ast.JoinedStr, scope: Scope) -> None:
        """Each `hf://`/Hub URL inside a larger f-string (SQL, a shell line), resolved from its own fields only: the
        rest of the string (columns, limits) does not decide which repository it names. A path whose fields
        cannot be known is reported dynamic, never dropped."""
        at = self._single_use(node, scope)
        for parts in _token_segments(node):
            if isinstance(parts[0], str) and parts[0].startswith(_NOT_REPOSITORY_PATHS):
                continue  # a Space (an app) or a storage bucket: nothing a model or dataset loader reads
            options: list[tuple[str, ...]] = []
            head: str | None = ""  # the beginning known as one string, up to the first field that is not
            for part in parts:
                if isinstance(part, str):
                    options.append((part,))
                    head = head + part if head is not None else None
                    continue
                found = self.resolver.resolve(part.value, scope)
                if found is None or UNKNOWN in found or not all(isinstance(v, str) for v in found):
                    options = []
                    break
                options.append(tuple(found))
                head = head + found[0] if head is not None and len(found) == 1 else None
            if not options:
                completed = fixed_head(head) if head else None
                if completed is not None:  # the repository is written whole: only a file in it is chosen later
                    self._scan_value(at, completed)
                    continue
                text = "".join(p if isinstance(p, str) else "{" + unparse(p.value) + "}" for p in parts)
                self._dynamic_string(at, text)  # type: ignore[arg-type]
                continue
            for combination in itertools.islice(itertools.product(*options), MAX_CODE_STRING_COMBINATIONS):
                self._scan_value(at, "".join(combination))

    def _single_use(self, node: ast.JoinedStr, scope: Scope) -> ast.AST:
        """The call a string is used by when it is assigned to a name read once in its scope, as an argument
        (`sql = f"..."; duckdb.sql(sql)`): the reference is made there. Else the string itself."""
        owner = scope.node
        target = next((statement.targets[0].id for statement in ast.walk(owner)
                       if isinstance(statement, ast.Assign) and statement.value is node
                       and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)), None)
        if target is None:
            return node
        reads = [n for n in ast.walk(owner) if isinstance(n, ast.Name) and n.id == target and isinstance(n.ctx, ast.Load)]
        if len(reads) != 1:
            return node
        return next((call for call in ast.walk(owner) if isinstance(call, ast.Call) and any(
            argument is reads[0] for argument in (*call.args, *(k.value for k in call.keywords)))), node)

    def _dynamic_string(self, node: ast.JoinedStr, head: str) -> None:
        """An f-string that starts like a reference but is built at run time: report it unresolved."""
        api = self._enclosing_api(node, "")
        if head.startswith("hf://"):
            kind = "dataset" if head[len("hf://"):].startswith("datasets/") else "model"
            self._emit(node, kind=kind, source="huggingface", id=None, revision=None, api=api or "hf://",
                       dynamic=True, expression=unparse(node), revision_key="@")
        elif head.startswith(("hf-hub:", "hf_hub:")):
            self._emit(node, kind="model", source="huggingface", id=None, revision=None, api=api or "hf-hub",
                       dynamic=True, expression=unparse(node), revision_key="@")
        elif head.startswith(mlflow_uris.PREFIXES):
            self._emit(node, kind="model", source="mlflow", id=None, revision=None, api=api or "mlflow",
                       dynamic=True, expression=unparse(node), revision_key="uri")
        elif re.match(r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/", head):
            kind = "dataset" if "/datasets/" in head else "model"
            self._emit(node, kind=kind, source="url", id=None, revision=None, api="url", dynamic=True,
                       expression=unparse(node), revision_key="url")

    def _enclosing_api(self, node: ast.AST, default: str) -> str:
        call = self.index.call_of_argument.get(id(node))
        if call is None:
            return default
        dotted, origin = self.resolver.qualname(call.func, self.index.module)
        own = self.index.package.split(".")[0] if self.index.package is not None else None
        if origin != "import" or dotted.startswith(".") or dotted.split(".")[0] == own:
            return default  # not an import, or a helper of this repository's own package: the string names itself
        return dotted

    def _scan_value(self, node: ast.AST, value: object, hf_api: str | None = None) -> None:
        if not isinstance(value, str) or ("/" not in value and ":" not in value) or not any(
                token in value for token in catalog.STRING_TOKENS):
            return  # (most strings hold neither character, and every token holds one: `_STRING_TOKEN_MARKS`)
        for offset, _url, location in iter_hub_urls(value):
            line_offset, column = self._offset(node, value, offset)
            line, col = self._where(node, line_offset, column)
            self.references.append(url_reference(location, path=self.path, line=line, column=col, api="url",
                                                 syntax=self.syntax))
        if "hf://" in value:
            self._hf_paths(node, value, hf_api or self._enclosing_api(node, "hf://"))
        stripped = value.strip()
        if stripped.startswith(("hf-hub:", "hf_hub:")):
            for target in interpret_id(stripped, _HF_HUB_STRING, "model", self.repo_paths):
                self._emit(node, kind=target.kind, source=target.source, id=target.id, revision=target.revision,
                           api=self._enclosing_api(node, "hf-hub"), revision_key="@")
        elif stripped.startswith(mlflow_uris.PREFIXES):
            for target in _mlflow(stripped, "model"):
                self._emit(node, kind=target.kind, source=target.source, id=target.id, revision=target.revision,
                           api=self._enclosing_api(node, "mlflow"), revision_key="uri")

    def _offset(self, node: ast.AST, value: str, offset: int) -> tuple[int, int | None]:
        """(lines after the string's start, character column) of `offset` inside a multi-line string
        ((0, None): at `node` itself, when `node` is the call the string is passed to)."""
        newlines = value.count("\n", 0, offset)
        if not newlines or isinstance(node, ast.Call):
            return 0, None
        return newlines, offset - value.rfind("\n", 0, offset) - 1

    def _hf_paths(self, node: ast.AST, value: str, api: str) -> None:
        for match in HF_PATH_SPAN.finditer(value):
            if match.group(0).startswith("hf://buckets/"):
                continue  # a storage bucket, not a model or dataset repository
            location = parse_hf_path(match.group(0).rstrip(".:"))
            if location is None or location.kind == "space" or not looks_like_hub_id(location.id, allow_legacy=True):
                continue
            line_offset, column = self._offset(node, value, match.start())
            self._emit(node, kind="dataset" if location.kind == "dataset" else "model", source="huggingface",
                       id=location.id, revision=location.revision, api=api, revision_key="@",
                       line_offset=line_offset, column=column)


_HF_HUB_STRING = ApiSpec(("hf-hub",), "hf-hub", (), id_form=catalog.ID_HF_HUB_PREFIX)
assert all("/" in token or ":" in token for token in catalog.STRING_TOKENS), "_scan_value's first test is stale"
_CLASS_DEFAULT_SPEC = ApiSpec(("class-default",), "class-default", ())


_TABLE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
"""A library table's key (`laion2b_s34b_b79k`, `openai`): no path separator, no file suffix."""
_IMPORTED_NAMES = re.compile(r"import\s*(\([^)]*\)|[^\n;]*)")
_IMPORTED_NAME = re.compile(r"([A-Za-z_][\w.]*)(?:\s+as\s+([A-Za-z_]\w*))?")
_RECEIVER = re.compile(r"([A-Za-z_][\w.]*)\s*(?::[^=\n]*)?=\s*[\w.]*$")
_CLASS_BEFORE_CALL = re.compile(r"([A-Za-z_]\w*)$")
_ANNOTATED_BEFORE = re.compile(r"([A-Za-z_]\w*)\s*:[^=\n,()]*?(?:\[\s*)?[\w.]*$")
"""`client: Optional[` before a class name: the parameter it annotates."""
_DEFAULTED_BEFORE = re.compile(r"([A-Za-z_]\w*)\s*(?::[^=\n,()]*)?=\s*$")
"""`client: InferenceClient = ` before a variable name: the parameter it is the default of."""


def _receiver_parameters(text: str, classes: set[str], variables: set[str]) -> set[str]:
    """Names that hold a receiver without being assigned one on their own line: parameters annotated with its class
    (`client: InferenceClient`, `Optional[InferenceClient]`) or defaulting to a variable that holds one
    (`client=default_client`). Their `name.` lines count like the receiver's own (`Resolver._parameter_object` reads
    such a parameter's type). Only files that construct a receiver get these passes, one per name."""
    names: set[str] = set()
    for wanted, before in ((classes, _ANNOTATED_BEFORE), (variables, _DEFAULTED_BEFORE)):
        for name in wanted:
            places: list[int] = []
            _occurrences(text, name, places)
            for at in places:
                end = at + len(name)
                if (at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")) \
                        and not (text[end:end + 1].isalnum() or text[end:end + 1] == "_"):
                    found = before.search(text, text.rfind("\n", 0, at) + 1, at)
                    if found:
                        names.add(found.group(1))
    return names


def _occurrences(text: str, token: str, into: list[int]) -> None:
    find = text.find
    position = find(token)
    while position != -1:
        into.append(position)
        position = find(token, position + 1)


def _used_like_the_api(text: str, token: str, offset: int) -> bool:
    """`pipeline(...)`, `import pipeline`, `transformers.pipeline`; `import evaluate`, `from evaluate import load`,
    `evaluate.load`. Not `encoder_pipeline`, `self.pipeline(...)`, "the pipeline step" or `def evaluate(...)`."""
    before = text[offset - 1] if offset else "\n"
    end = offset + len(token)
    after = text[end] if end < len(text) else "\n"
    if before.isalnum() or before == "_" or after.isalnum() or after == "_":
        return False
    if token == "evaluate" or token in catalog.SCOPED_MODULES or token in catalog.QUALIFYING_MODULES:
        # `from trl import ...`, `import trl`, `trl.SFTTrainer(...)`; `from evaluate import load`, `evaluate.load`
        line_start = text.rfind("\n", 0, offset) + 1
        return after == "." or text[line_start:offset].lstrip().startswith(("from ", "import "))
    if before == ".":  # `transformers.pipeline`, `optimum.neuron.pipeline`
        return text.endswith(("transformers.", "pipelines.", "neuron."), 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return after == "(" or "import" in text[line_start:offset]


def _known_occurrences(text: str, token: str, into: list[int]) -> None:
    """`_occurrences`, answered for the tokens the sieves know (trigger, helper and receiver tokens, `import`) from
    one pass that finds all of them."""
    for known in (_TRIGGER_SIEVE, _HELPER_SIEVE):
        if token in known.tokens:
            into.extend(known.occurrences(text).get(token, ()))
            return
    _occurrences(text, token, into)


def trigger_tokens_in(text: str) -> list[str]:
    """The `catalog.TRIGGER_TOKENS` that occur in `text` (in the order of `catalog.TRIGGER_GROUPS`): a text the
    sieve clears (most of them) in about one pass, another in about two."""
    present: list[str] = []
    if not _TRIGGER_SIEVE.may_hold(text):
        return present
    located = _TRIGGER_SIEVE.occurrences(text)
    return [token for token in _TRIGGER_ORDER if token in located]


_NAME_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|N\{[^}\n]{1,80}\}|[0-7]{1,3}|\r?\n)")
"""String escapes that can spell a name or a URL (`from\\x5fpretrained`), and line continuations inside strings."""
_LITERAL_SEAM_REST = r"""(?:[ \t\f\r\n]++|\\\r?\n|#[^\n]*+)*+[rRbBuUfF]{0,2}["']"""
_LITERAL_SEAM = re.compile(f'"{_LITERAL_SEAM_REST}|\'{_LITERAL_SEAM_REST}')
"""Where one string literal ends and an adjacent one starts (`"https://hugging" "face.co/..."`): Python joins them.
`["']REST` written as one alternative per quote: each then starts with a literal character, so the regex engine
skips from quote to quote (a first character class makes it try the whole pattern at every character: 2.4x
slower on library code). The same matches: at any place only one of the two can start."""


_TRIGGER_SIEVE = sieve.TokenSieve(catalog.TRIGGER_TOKENS)
_TRIGGER_ORDER = tuple(token for _, tokens in catalog.TRIGGER_GROUPS for token in tokens)
"""The order `trigger_tokens_in` lists tokens in, with or without the sieve."""
_HELPER_SIEVE = sieve.TokenSieve((*catalog.HELPER_TOKENS, *catalog.RECEIVER_CLASSES, "import"))


def _decode_escape(match: re.Match[str]) -> str:
    escape = match.group(0)
    kind = escape[1]
    if kind in "\r\n":
        return ""
    if kind == "N":
        try:
            return unicodedata.lookup(escape[3:-1])
        except KeyError:
            return escape
    code = int(escape[1:], 8) if kind in "01234567" else int(escape[2:], 16)
    return chr(code) if code <= 0x10FFFF else escape


_LONGEST_TRIGGER = max(len(token) for token in catalog.TRIGGER_TOKENS)
_TOKEN_CHARACTERS = frozenset("".join(catalog.TRIGGER_TOKENS))
_TOKEN_PAIRS = frozenset(token[i:i + 2] for token in catalog.TRIGGER_TOKENS for i in range(len(token) - 1))
"""Two characters that follow each other in a trigger token: only where a join puts such two side by side can it
make a token that crosses the join point."""
_SPELLING_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|N\{|[0-7])")
"""The escapes of `_NAME_ESCAPE` that can spell a letter (all but the backslash-newline)."""
_CONTINUATION = re.compile(r"\\\r?\n")
_SEAM = re.compile(f"{_LITERAL_SEAM.pattern}|{_CONTINUATION.pattern}")
_SEAM_SIEVE = sieve.SeamSieve(catalog.TRIGGER_TOKENS)


def _joining_spells_a_trigger(text: str) -> bool:
    """True when joining adjacent literals and backslash-newlines (all of them at once: a token split over three
    literals crosses two seams) makes a trigger token that crosses a join point."""
    if not _SEAM_SIEVE.may_join(text):
        return False
    pieces = _SEAM.split(text)  # the text between the seams (a seam is never empty)
    if len(pieces) == 1:
        return False
    cuts = list(itertools.accumulate(map(len, pieces[:-1])))  # where each seam was, in the joined text
    view = "".join(pieces)
    end = len(view)
    for cut in cuts:
        # A token crossing the cut has two of its characters that follow each other on the two sides (most seams
        # are `""` or a docstring's quotes next to spaces and brackets: nothing to look at).
        if cut == 0 or cut >= end or view[cut - 1:cut + 1] not in _TOKEN_PAIRS:
            continue
        start = max(0, cut - _LONGEST_TRIGGER + 1)
        window = view[start:cut + _LONGEST_TRIGGER]  # a bounded window: never a scan to the end per seam
        for match in _TRIGGER_AT.finditer(window):
            if match.start() >= cut - start:
                break
            if cut - start < match.start() + len(match.group(1)):
                return True
    return False


_TRIGGER_AT = re.compile("(?=(" + "|".join(re.escape(t) for t in sorted(catalog.TRIGGER_TOKENS, key=len,
                                                                        reverse=True)) + "))")
"""Every position where a trigger token starts (a lookahead: overlapping ones too)."""


_SEAM_CHARACTERS = frozenset("\"'\\# \t\f\r\nrRbBuUfF")
"""What `_LITERAL_SEAM` and `_CONTINUATION` are made of."""


def _escape_spelling(characters: Iterable[str]) -> re.Pattern[str]:
    """The `_NAME_ESCAPE` escapes (bar `\\N{...}`) that decode to one of the ASCII `characters`, as `_NAME_ESCAPE`
    would take them (an octal escape takes up to three digits)."""
    def hex_digits(value: int, width: int) -> str:
        return "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in f"{value:0{width}x}")

    forms = []
    for code in sorted(ord(c) for c in characters):
        forms += [f"x{hex_digits(code, 2)}", f"u{hex_digits(code, 4)}", f"U{hex_digits(code, 8)}", f"{code:03o}"]
        forms += [f"{code:o}(?![0-7])"] if code < 0o100 else []
        forms += [f"{code:02o}(?![0-7])"] if code < 0o10 else []  # `\\07` and `\\7` both spell 7
    return re.compile(r"\\(?:" + "|".join(forms) + ")")


_ACTIVE_ESCAPE = _escape_spelling(_TOKEN_CHARACTERS | _SEAM_CHARACTERS)


def _escapes_spell_nothing(text: str) -> bool:
    """True when every escape `python_view` decodes turns into characters that are neither in a trigger token nor
    in a seam (`_SEAM_CHARACTERS`), or is left as written (backslash-newlines are seams: `_SEAM` reads them)."""
    if "\\N{" not in text:
        # Those characters are ASCII, so only escapes of their codes spell one: one search for all of them.
        return _ACTIVE_ESCAPE.search(text) is None
    for match in _NAME_ESCAPE.finditer(text):
        decoded = _decode_escape(match)
        if decoded != match.group(0) and any(c in _TOKEN_CHARACTERS or c in _SEAM_CHARACTERS for c in decoded):
            return False
    return True


def python_view(text: str) -> str:
    """`text` roughly as Python reads it, for the prefilter only: identifiers folded with NFKC (`ｆrom_pretrained`
    is `from_pretrained`), escapes that can spell a name decoded, adjacent literals joined. It over-approximates
    (an escaped backslash, a quote inside a string), which only costs work: it never hides a token Python sees."""
    view = sieve.nfkc(text)
    if "\\" in view:
        view = _NAME_ESCAPE.sub(_decode_escape, view)
    return _LITERAL_SEAM.sub("", view)


FOLDED_VIEW_SHORTCUT = True
"""Answer `_view_adds_triggers` for a text NFKC changes from its fold's seams and escapes where they decide (off
in the differential tests)."""


def _view_of_normal_text_adds_nothing(text: str) -> bool:
    """For a text NFKC leaves as it is: True when its view adds no trigger token, shown without building it (False:
    the view must be built). Only where no backslash-newline is written: the view removes those before it reads
    the seams, which can lengthen a comment and move the seams (`r'#x'\\<newline>'y'`), and the seam check reads
    them as written."""
    return _CONTINUATION.search(text) is None and (
        _SPELLING_ESCAPE.search(text) is None or _escapes_spell_nothing(text)) and not _joining_spells_a_trigger(text)


def _view_adds_triggers(text: str) -> bool:
    """True when Python's reading of `text` holds trigger tokens its raw text does not (at all or as often): then
    the raw-text line filter cannot be trusted, and every line is walked (a filter may skip work, never decide)."""
    folded = sieve.nfkc(text)
    folds = folded is not text
    if folds and FOLDED_VIEW_SHORTCUT and _view_of_normal_text_adds_nothing(folded) and all(
            folded.count(token) <= text.count(token) for token in trigger_tokens_in(folded)):
        # Python's reading of `text` is that of its fold (NFKC is idempotent), and the fold's own view adds no
        # token to the fold (the exact tests below): each token occurs in the view at most as often as in the
        # fold, and in the fold at most as often as in `text`. The view itself (decoding escapes, joining
        # literals over the whole text: most of a folded file's prefilter) is not built.
        return False
    if not folds and _SPELLING_ESCAPE.search(text) is None and _CONTINUATION.search(text) is None:
        # Nothing to fold or decode: only adjacent literals are joined, so a token Python sees and the raw text
        # lacks must cross one of those seams. Reading each seam alone is exact and costs a fraction of comparing
        # two whole texts (`\n`, `\t` and `\\` spell no name: they are not decoded). Not with a backslash-newline:
        # the view removes it before reading the seams, which can end a string the raw text reads as a comment
        # (`r'#x_En'\<newline>'gineArgs'`): then the seams differ, and the whole view is built below.
        return _joining_spells_a_trigger(text)
    if not folds and _CONTINUATION.search(text) is None and _escapes_spell_nothing(text) \
            and not _joining_spells_a_trigger(text):
        # Escapes that decode to characters no token, seam or comment is made of (`\x1b`, `\0`, `\u2019`) change
        # neither the tokens nor the seams: again only a token crossing a seam could be new, and there is none.
        # (A backslash-newline is removed before the view's seams are read, which can lengthen a comment: then the
        # seams differ, and the whole view is built.)
        return False
    view = python_view(text)
    if view == text:
        return False
    return any(view.count(token) > text.count(token) for token in trigger_tokens_in(view))


_NOT_REPOSITORY_PATHS = ("hf://spaces/", "hf://buckets/")
_PATH_END = re.compile(r"[\s'\"`(),;=]")


def _token_segments(node: ast.JoinedStr) -> list[list[str | ast.FormattedValue]]:
    """The parts (text, fields) of each reference-looking path inside an f-string: from a `STRING_TOKENS` token in
    a text part up to the first character that ends a path (space, quote, bracket, comma)."""
    segments: list[list[str | ast.FormattedValue]] = []
    current: list[str | ast.FormattedValue] | None = None
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            if current is not None:
                current.append(value)
            continue
        text = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else ""
        while text:
            if current is not None:
                end = _PATH_END.search(text)
                current.append(text[:end.start()] if end else text)
                if end is None:
                    break
                segments.append(current)
                current, text = None, text[end.start():]
                continue
            starts = [i for i in (text.find(token) for token in catalog.STRING_TOKENS) if i >= 0]
            if not starts:
                break
            start = min(starts)
            while start > 0 and _PATH_END.match(text, start - 1) is None:
                start -= 1  # `https://huggingface.co/...`: the path starts at its scheme (never at a terminator)
            current, text = [], text[start:]
    if current:
        segments.append(current)
    return segments


def relevant_lines(text: str) -> list[int] | None:
    """1-based numbers of the lines where a catalog call or a Hub string can be ([] when there is none, so the
    file need not be parsed; None when every line must be walked).

    A file is worth parsing when it holds a trigger token (`catalog.TRIGGER_TOKENS`). Then a line counts when it
    holds a trigger or helper token, a name imported from a catalog package under an alias or a common catalog
    name imported bare (`from mlx_lm import load`), or a variable holding an `HfFileSystem()`, `HfApi()` or
    ollama `Client()`. Plain `str.find` passes: about twice as fast here as one big regex alternation.
    """
    if _view_adds_triggers(text):
        return None
    # Aliases and receivers as Python names them (`as ｓd` binds `sd`). NFKC makes no line ends, so the line
    # numbers stay those of the file. (A text already in that form stays the same object: the sieves keep what they
    # found in it.)
    text = sieve.nfkc(text)
    present = trigger_tokens_in(text)
    offsets: list[int] = python_context.candidate_offsets(text)  # strings context detection reads
    if not present and not offsets:
        return []
    weak: list[tuple[str, int]] = []
    for token in present:
        if token in catalog.WEAK_TRIGGERS:
            found: list[int] = []
            _known_occurrences(text, token, found)
            weak.extend((token, offset) for offset in found)
        else:
            _known_occurrences(text, token, offsets)
    if not offsets and not any(_used_like_the_api(text, token, offset) for token, offset in weak):
        return []
    offsets.extend(offset for _, offset in weak)
    if len(text) <= MAX_PARSE_BYTES:  # (larger texts get the text scan, which reads no helper calls)
        offsets.extend(python_context.loading_call_offsets(text))  # helpers given an id bound elsewhere
    for token in catalog.HELPER_TOKENS:
        _known_occurrences(text, token, offsets)
    extra: set[str] = set()
    imports: list[int] = []
    _known_occurrences(text, "import", imports)
    for offset in imports:
        line_start = text.rfind("\n", 0, offset) + 1
        statement = text[line_start:offset].strip()
        module = statement[len("from"):].strip().split(".")[0] if statement.startswith("from ") else ""
        match = _IMPORTED_NAMES.match(text, offset)
        if match is None or (statement and not module):
            continue
        for name, alias in _IMPORTED_NAME.findall(match.group(1)):
            root = module or name.split(".")[0]
            if not root.startswith(catalog.CATALOG_MODULES):
                continue
            if alias:
                extra.add(alias)
            elif name in catalog.GENERIC_NAMES or root in catalog.SCOPED_MODULES or name in catalog.QUALIFYING_MODULES:
                extra.add(name)
    receivers: list[int] = []
    for constructor in catalog.RECEIVER_CLASSES:
        _known_occurrences(text, constructor, receivers)
    receiver_classes: set[str] = set()
    receiver_variables: set[str] = set()
    for offset in receivers:
        line_start = text.rfind("\n", 0, offset) + 1
        assigned = _RECEIVER.search(text, line_start, offset)
        if assigned:
            extra.add(assigned.group(1) + ".")
            receiver_variables.add(assigned.group(1))
        named = _CLASS_BEFORE_CALL.search(text, line_start, text.index("(", offset))
        if named:
            receiver_classes.add(named.group(1))
    extra.update(name + "." for name in _receiver_parameters(text, receiver_classes, receiver_variables))
    if receiver_variables:  # `pq.read_table(path, filesystem=fs)`: a read through the receiver (`_filesystem_read`)
        extra.add("filesystem=")
    for token in extra:
        _known_occurrences(text, token, offsets)
    if "\r" in text and "\r" in text.replace("\r\n", ""):
        return None  # lone `\r` line ends: the tokenizer counts lines differently; walk everything
    offsets.sort()
    return sieve.line_numbers(text, offsets)


def split_lines(text: str) -> list[str]:
    """Lines as the Python tokenizer counts them (`\\r\\n`, `\\r` and `\\n` end a line)."""
    return re.split(r"\r\n|\r|\n", text)


_last_parsed: tuple[str, ast.Module] | None = None


def parse_python(text: str) -> tuple[ast.Module | None, str | None]:
    """(tree, None) or (None, why it could not be parsed). The last text parsed keeps its tree: the Python finder
    and the embedded-config finder read the same text of a file (no finder changes a tree)."""
    global _last_parsed
    if _last_parsed is not None and _last_parsed[0] is text:
        return _last_parsed[1], None
    # The previous file's tree goes first: kept while the next one is built, two trees of files near the parse
    # limit would be alive at once (issue 15: a worker's peak memory doubled on a tree with two such files).
    _last_parsed = None
    try:
        tree = ast.parse(text)
        _last_parsed = (text, tree)
        return tree, None
    except SyntaxError as exc:
        where = f" at line {exc.lineno}" if exc.lineno else ""
        return None, f"{exc.msg}{where}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def release_parse() -> None:
    """Drop the tree kept for the file just scanned (the engine calls this once a file's finders are done): the
    tree of a large file would otherwise stay alive while the next files are read (issue 15: peak memory), and be
    walked by the cycle collector once it runs again, for nothing."""
    global _last_parsed
    _last_parsed = None


def scan_tree(tree: ast.Module, text: str, path: str, repo_paths: frozenset[str] | None, *,
              syntax: str = "python", position: Position | None = None, lines: list[int] | None = None,
              read_repo_file: RepoFileReader | None = None) -> tuple[list[Reference], list[ScanWarning]]:
    """Every reference in a parsed module, and warnings (`position` maps places for text that was extracted
    from a file; `lines` limits the walk to the expressions on those lines, see `relevant_lines`)."""
    scan = _Scan(tree, text, path, repo_paths, syntax, position, lines)
    scan.read_repo_file = read_repo_file
    try:
        return scan.run(), scan.warnings
    finally:
        scan.release()


def references_in_tree(tree: ast.Module, text: str, path: str, repo_paths: frozenset[str] | None, *,
                       syntax: str = "python", position: Position | None = None,
                       lines: list[int] | None = None) -> list[Reference]:
    """The references of `scan_tree` alone."""
    return scan_tree(tree, text, path, repo_paths, syntax=syntax, position=position, lines=lines)[0]


def scan_python_text(text: str, path: str, repo_paths: frozenset[str] | None, *, syntax: str = "python",
                     position: Position | None = None, read_repo_file: RepoFileReader | None = None) -> FileResult:
    """Parse and scan; an unparsable text gets the conservative text scan and a warning instead.

    A text without any line in reach of the catalog is not parsed at all (the cheap prefilter).
    """
    lines = relevant_lines(text)
    if lines == []:
        return FileResult()
    if len(text) > MAX_PARSE_BYTES and len(text) - max(map(len, text.split("\n"))) > MAX_PARSE_BYTES:
        references = fallback_scan(text, path, repo_paths, syntax=syntax, position=position)
        return FileResult(references=tuple(references), warnings=(ScanWarning(
            path, f"too large to parse safely ({len(text) / 1_000_000:.1f} MB of Python, over "
                  f"{MAX_PARSE_BYTES / 1_000_000:.0f} MB); used a text scan, so references may be incomplete"),))
    with cycle_collection_paused():
        tree, problem = parse_python(text)
        if tree is not None:
            try:
                references, warnings = scan_tree(tree, text, path, repo_paths, syntax=syntax, position=position,
                                                 lines=lines, read_repo_file=read_repo_file)
                return FileResult(references=tuple(references), warnings=tuple(dict.fromkeys(warnings)))
            except RecursionError:
                problem = "nesting too deep to analyse"
    references = fallback_scan(text, path, repo_paths, syntax=syntax, position=position)
    return FileResult(references=tuple(references), warnings=(ScanWarning(
        path, f"could not parse as Python ({problem}); used a text scan, so references may be incomplete"),))


class PythonFinder(Finder):
    """`*.py` files that mention at least one catalog API or Hub string (the cheap prefilter)."""

    def accepts(self, path: str) -> bool:
        return path.endswith(".py")

    def scan(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        result = scan_python_text(text, file.path, repo_paths, read_repo_file=_repo_file_reader(file, repo_paths))
        if any(r.source == "mlflow" for r in result.references):
            result = replace(result, references=mlflow_uris.with_registry(result.references,
                                                                          mlflow_uris.python_registry(text)))
        return result


def _repo_file_reader(file: SourceFile, repo_paths: frozenset[str] | None) -> RepoFileReader | None:
    """Reads other files of the repository `file` belongs to (for `runpy.run_path`), never outside its root."""
    import os

    if repo_paths is None or not file.absolute.endswith(file.path):
        return None
    base = file.absolute[: len(file.absolute) - len(file.path)].rstrip("/") or "/"

    def read(relative: str) -> tuple[str | None, str | None]:
        from gate.discover.scan_cache import note_read
        from gate.discover.text_files import MAX_TEXT_BYTES
        from gate.discover.text_files import decode as _decode

        root = os.path.realpath(base)  # resolved when a file is read (rarely), not for every file scanned
        absolute = os.path.realpath(os.path.join(root, relative))
        note_read(absolute)  # the scanned file's references depend on this one (a cached result is re-checked)
        if not absolute.startswith(root + os.sep) or not os.path.isfile(absolute):
            return None, "not a file inside the repository"
        try:
            with open(absolute, "rb") as handle:
                data = handle.read(MAX_TEXT_BYTES + 1)
        except OSError as exc:
            return None, exc.strerror or "unreadable"
        if len(data) > MAX_TEXT_BYTES or b"\0" in data:
            return None, "too large or not text"
        return _decode(data, relative)[0], None

    return read

"""Same-file static resolution of the values passed to loading APIs (never imports or runs anything).

What a name can be resolved from: module constants, class attributes (incl. dataclass `field(default=)` and
pydantic `Field(...)`), `self.x = ...` in methods, function parameter defaults, local assignments, `for` loops
over literal lists, argparse `add_argument(default=)` / `set_defaults`, `os.getenv` / `os.environ.get`
defaults, f-strings and `+` of resolvable parts, literal dicts and `dict(...)` (for `**kwargs`), subscripts of
literal dicts and lists, and `a if c else b` / `a or b` (every branch is a candidate).

Resolution is flow-insensitive: a name bound more than once (reassignment, `global`/`nonlocal` rebinding in a
function, augmented assignment, walrus, `match` capture, item/attribute assignment, `.update()`/`.append()`) has
every value it can take, never just the first. A function parameter takes its default and every argument the
file's own calls pass for it (`def get(path="org/m")` with `get("org/other")`): followed through helper chains,
that is a fixed point over the file's functions, reached on demand. The exception is a name read in the scope
that binds it (module, notebook cells in order, function body): there only the assignments that can reach the
read count (`m = "a"; load(m); m = "b"; load(m)` loads `a`, then `b`), see python_reaching.py.

`Resolver.resolve` answers with a tuple of candidate values (several when a name is bound more than once or
loops over a list), or None when the value cannot be known statically. `UNKNOWN` in the tuple marks a part that
cannot be known (`sys.argv[1] if len(sys.argv) > 1 else "org/m"` is `("org/m", UNKNOWN)`): the literal is a
candidate and the unknown part is reported as a dynamic reference, never dropped. `OBJECT` stands for a value
that is not a string at all (a loaded model, a module, a class): it is not an id and never becomes a reference.

The work is bounded while it is done (candidates per value, resolution steps per file): a file that reaches a
bound gets dynamic references for what was left unresolved, and `Resolver.limited` says why (a scan warning).
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any, cast

from gate.discover import python_deferred
from gate.discover.catalog.python_apis import DEFERRED_RUN_METHODS, LOADED_ID_ATTRIBUTE_SUFFIXES, LOCAL_COPY_CALLS
from gate.discover.python_reaching import ReachingDefinitions, imported_names
from gate.discover.sieve import lines_holding, nfkc

OBJECT = type("Object", (), {"__repr__": lambda self: "OBJECT"})()
"""A non-string value (model object, module, class, function): not an id."""
UNKNOWN = type("Unknown", (), {"__repr__": lambda self: "UNKNOWN"})()
"""A part of a value that cannot be known statically (reported as a dynamic reference)."""
MAX_CANDIDATES = 256
"""Candidate values of one expression; more (nested loops over literal lists) is left unresolved."""
MAX_DEPTH = 40
MAX_WORK = 50_000
"""Resolution steps per file (one per expression resolved or candidate built); past it, values are unknown."""

ARGPARSE_PARSE_CALLS = frozenset({
    "parse_args", "parse_known_args", "parse_args_into_dataclasses", "parse_dict", "parse_json_file",
    "parse_yaml_file", "parse_intermixed_args",
})
FILE_PARSE_CALLS = frozenset({"parse_dict", "parse_json_file", "parse_yaml_file"})
"""The `ARGPARSE_PARSE_CALLS` that fill the dataclasses from a file or a mapping rather than the command line."""
GETENV_CALLS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.getenvb"})
PATH_JOIN_CALLS = frozenset({"os.path.join", "path.join", "posixpath.join"})
FIELD_CALLS = frozenset({"field", "Field", "attr.ib", "attrs.field"})
# Calls whose result is an object (a model, a tensor, a client), not an id string.
OBJECT_METHODS = frozenset({
    "from_pretrained", "from_config", "from_single_file", "from_preset", "to", "cuda", "cpu", "eval", "half",
    "float", "bfloat16", "train", "compile", "pipeline", "load", "load_model", "AutoModel", "get_model",
})


# Objects whose attributes and items are the data they were built from (`SimpleNamespace(model="org/m").model`,
# `OmegaConf.create({"model": "org/m"})["model"]`), and calls that read such data from a file (unknown values).
NAMESPACE_FACTORIES = frozenset({
    "SimpleNamespace", "types.SimpleNamespace", "argparse.Namespace", "Namespace", "EasyDict", "easydict.EasyDict",
    "edict", "AttrDict", "Box", "box.Box", "DotMap", "ConfigDict", "ml_collections.ConfigDict", "OmegaConf.create",
    "omegaconf.OmegaConf.create", "DictConfig", "omegaconf.DictConfig", "dict", "Munch", "munch.Munch",
})
CONFIG_READERS = frozenset({
    "OmegaConf.load", "omegaconf.OmegaConf.load", "OmegaConf.merge", "omegaconf.OmegaConf.merge",
    "OmegaConf.from_cli", "omegaconf.OmegaConf.from_cli", "OmegaConf.from_dotlist", "OmegaConf.to_container",
    "OmegaConf.structured", "yaml.safe_load", "yaml.load", "yaml.full_load", "yaml.unsafe_load", "json.load",
    "json.loads", "toml.load", "toml.loads", "tomllib.load", "tomllib.loads", "tomli.load", "compose",
    "hydra.compose", "Config.fromfile", "mmcv.Config.fromfile", "mmengine.Config.fromfile", "load_config",
    "read_config", "get_config", "parse_config",
})
PARTIAL_CALLS = frozenset({"functools.partial", "partial", "functools.partialmethod", "partialmethod"})
PATH_EXPANDING_CALLS = frozenset({"os.path.expanduser", "path.expanduser", "posixpath.expanduser"})
"""`os.path.expanduser(args.model_path)`: a Hub id comes back unchanged (it has no leading `~`); a `~/...` value
is a local path."""
PATH_CALLS = frozenset({"Path", "pathlib.Path", "PurePath", "pathlib.PurePath", "PosixPath", "pathlib.PosixPath",
                        "PurePosixPath", "pathlib.PurePosixPath"})
DEAD_TESTS = (False, 0, None)
"""Constant `if` tests whose body never runs (`if False:` around code kept for later)."""
_MUTATORS = frozenset({"update", "setdefault", "pop", "append", "extend", "insert", "add", "clear", "popitem",
                       "remove", "discard", "__setitem__", "__setattr__"})

_CONTAINER_CALLS = NAMESPACE_FACTORIES | {"list", "tuple", "set", "frozenset", "sorted"}

MAX_NAMED_WALKS = 32
"""Walks for the facts of a few names (`FileIndex.facts_for`) in one file; past this, the whole file is walked once."""
MIN_BISECTED_BODY = 16
"""A module or class/function body of this many statements or more is searched by bisection for the statements a
walk of a few lines enters (`_entered`); a shorter one is read statement by statement."""

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


@dataclass(eq=False)
class ClassInfo:
    name: str
    scope: Scope
    _instance_attributes: dict[str, list[tuple[ast.AST, Scope]]] = field(default_factory=dict)
    _methods_read: bool = False

    @property
    def instance_attributes(self) -> dict[str, list[tuple[ast.AST, Scope]]]:
        """`self.x = value` assignments in the class's methods (read with each method's bindings)."""
        if not self._methods_read:
            self._methods_read = True
            for statement in self.scope.node.body:  # type: ignore[attr-defined]
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.scope.index.scope_for(statement, self.scope).bindings  # noqa: B018 - collects them
        return self._instance_attributes


@dataclass(frozen=True, eq=False)
class Binding:
    """One way a name gets a value in a scope."""

    how: str
    """`value`, `param`, `for`, `unpack`, `import`, `object`, `class`, or `unknown`."""
    node: ast.AST | None = None
    """The value (`value`), the default (`param`), the iterable (`for`), the `def` (`object` of a function)."""
    scope: Scope | None = None
    """The scope `node` is evaluated in."""
    class_info: ClassInfo | None = None
    target: str | None = None
    """For `import`: the dotted name it stands for. For `param`: the parameter's name."""
    function: ast.AST | None = None
    """For `param`: the function or lambda it belongs to (its calls in the file pass other values)."""


def _annotation_of(binding: Binding) -> ast.expr | None:
    """The annotation of the parameter `binding` binds, when its function is a `def` (a lambda has none)."""
    function = binding.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    arguments = function.args
    arg = next((a for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
                if a.arg == binding.target), None)
    return arg.annotation if arg is not None else None


class Scoped(ast.expr):
    """An expression together with the scope it is evaluated in (entries merged from several places)."""

    _fields = ()

    def __init__(self, options: list[tuple[ast.AST, Scope]]):
        super().__init__()
        self.options = options
        """Every (node, scope) the value can come from: the value is any of them."""


@dataclass(eq=False)
class Scope:
    """A module, class, function, lambda or comprehension. Its bindings are read on first use: a large file
    costs only the scopes that a reference actually needs."""

    node: ast.AST
    kind: str  # module | function | class | comprehension
    parent: Scope | None
    index: FileIndex
    outer: Scope | None = None
    """Where the node itself is written (a method's defaults are evaluated in its class body)."""
    class_info: ClassInfo | None = None
    """For a class body: the class. For a method: the class it belongs to (for `self.x`)."""
    self_name: str | None = None
    _bindings: dict[str, list[Binding]] | None = None
    _global_names: set[str] = field(default_factory=set)
    _nonlocal_names: set[str] = field(default_factory=set)

    @property
    def bindings(self) -> dict[str, list[Binding]]:
        if self._bindings is None:
            self._bindings = {}
            _collect_bindings(self)
            # Walrus targets and `global`/`nonlocal` rebinding need the whole-file walk (FileFacts); a file whose
            # source has no `:=`, `global` or `nonlocal` has neither, so the walk is not paid for to learn that.
            if self.index.may_rebind:
                for name, binding in self.index.rebinding_facts().walrus.get(id(self), ()):
                    self.bind(name, binding)
                if self.kind == "module":
                    # `global NAME` in a function rebinds the module's NAME: those functions' assignments are
                    # bindings of the module (read once the module's own are in place).
                    for scope in self.index.rebinding_facts().rebinding_scopes:
                        scope.bindings  # noqa: B018 - binds into this scope
        return self._bindings

    @property
    def global_names(self) -> set[str]:
        self.bindings  # noqa: B018 - `global` statements are read with the bindings
        return self._global_names

    def owner_of(self, name: str) -> Scope | None:
        """The nearest scope, this one or an enclosing one, that binds `name` (None: no scope of the file does)."""
        owner: Scope | None = self
        while owner is not None and name not in owner.bindings:
            owner = owner.parent
        return owner

    def bind(self, name: str, binding: Binding) -> None:
        if self.kind == "function" and name in self._global_names:
            self.index.module.bind(name, binding)
            return
        if self.kind == "function" and name in self._nonlocal_names:
            owner = self.parent
            while owner is not None and owner.kind != "module" and name not in owner.bindings:
                owner = owner.parent
            if owner is not None and owner.kind != "module":
                owner.bind(name, binding)
                return
        self.bindings.setdefault(name, []).append(binding)


@dataclass(eq=False)
class FileIndex:
    """The calls and strings worth a look, and the scopes they need (built lazily)."""

    tree: ast.Module
    module: Scope = field(init=False)
    calls: list[tuple[ast.Call, Scope]] = field(default_factory=list)
    strings: list[tuple[ast.AST, Scope]] = field(default_factory=list)
    """String constants and f-strings that are not docstrings or bare expression statements."""
    call_of_argument: dict[int, ast.Call] = field(default_factory=dict)
    """id(direct argument node) → the call it is passed to (for naming the API of a bare `hf://` string)."""
    loader_values: list[ast.Attribute] = field(default_factory=list)
    """Attributes read but not called (`load = AutoModel.from_pretrained`), for the finder to check."""
    dict_literals: list[tuple[ast.Dict, Scope]] = field(default_factory=list)
    """`{...}` displays, for the finder's deferred calls (`{"type": load_dataset, "path": ...}`)."""
    scopes: dict[int, Scope] = field(default_factory=dict)
    _classes: list[ClassInfo] | None = None
    _facts: FileFacts | None = None
    may_rebind: bool = True
    """False only when the source holds no `:=`, `global` or `nonlocal` (text test by the caller, which is sound:
    none of them can be spelled another way)."""
    rebind_lines: list[int] | None = None
    """The lines whose text holds `:=`, `global` or `nonlocal` (None: not known)."""
    _rebinding: FileFacts | None = None
    source: str | None = None
    """The text the tree was parsed from (None: not known; then every question about names walks the file)."""
    _named: dict[frozenset[str], FileFacts] = field(default_factory=dict)
    _source_folded: bool = False
    _body_spans: dict[int, tuple[list[int], list[int]] | None] = field(default_factory=dict)
    """id(a body list) → the first and last line of each of its statements (decorators included), for `_entered`;
    None when they do not follow each other (then the body is read statement by statement)."""
    imported_values: Callable[[str], tuple[Any, ...] | None] | None = None
    """What a name imported from another module of the repository holds (`from mlx_lm.generate import
    DEFAULT_MODEL`: that module's constant), when the scan can read the repository; None: not read."""
    imported_classes: Callable[[str], tuple[ClassInfo, Resolver] | None] | None = None
    """The class a name imported from another module of the repository stands for (`from models.config import
    TrainConfig`: the class that module defines at its top), with the resolver its defaults are read with (that
    module's: its own imports are not followed); None: not read."""
    package: str | None = None
    """The dotted package the file is a module of (`mlx_lm.quant` for `mlx_lm/quant/dwq.py`, each folder holding an
    `__init__.py`), which a relative import is relative to; None when not known (then `from .utils import load`
    stays `.utils.load`, which no catalog row names)."""

    def __post_init__(self) -> None:
        self.module = Scope(self.tree, "module", None, self)

    def facts(self) -> FileFacts:
        """What the whole file does with names (read once, on first need, over every line)."""
        if self._facts is None:
            self._facts = FileFacts()
            _collect_facts(self, self._facts)
        return self._facts

    def facts_for(self, *names: str) -> FileFacts:
        """`facts()` as far as `calls`, `value_uses`, `attribute_stores` and `item_stores` of these `names` go
        (the same entries, in the same order): read only from the statements on lines whose text holds one of the
        names, since each such entry is a node that spells its name (NFKC-folded, as Python reads names). A caller
        may read other entries from it too, when each entry it keeps comes from a statement that spells one of the
        `names` (the argparse defaults of `add_argument` and `set_defaults` calls)."""
        key = frozenset(names)
        if self._facts is not None or self.source is None or len(self._named) >= MAX_NAMED_WALKS:
            return self.facts()
        found = self._named.get(key)
        if found is None:
            if not self._source_folded:  # (NFKC is idempotent: folded once, not again for every name asked)
                self._source_folded = True
                self.source = nfkc(self.source)  # lines stay those of the file
            found = self._named[key] = FileFacts()
            _collect_facts(self, found, _Lines(lines_holding(self.source, tuple(sorted(key)))))
        return found

    def rebinding_facts(self) -> FileFacts:
        """`walrus` and `rebinding_scopes` as `facts()` has them, read only from the statements that span one of
        `rebind_lines` (the others cannot hold a `:=`, `global` or `nonlocal`), unless the whole walk is done."""
        if self._facts is not None or self.rebind_lines is None:
            return self.facts()
        if self._rebinding is None:
            self._rebinding = FileFacts()
            _collect_facts(self, self._rebinding, _Lines(self.rebind_lines))
        return self._rebinding

    def release(self) -> None:
        """Break the reference cycles between this index, its scopes (bindings point back at their scope), its
        classes and its facts once the file's scan is done, so that they and the syntax tree are freed by
        reference counting: left to the cycle collector, all of them are walked again by its young-generation
        passes before they are found to be garbage (about 5 % of a scan's CPU time). Not usable afterwards."""
        for scope in (*self.scopes.values(), self.module):
            if scope.class_info is not None:
                scope.class_info.__dict__.clear()
            scope.__dict__.clear()
        self.__dict__.clear()

    def scope_for(self, node: ast.AST, outer: Scope) -> Scope:
        """The one Scope of a function, lambda, class or comprehension node written in `outer`."""
        found = self.scopes.get(id(node))
        if found is not None:
            return found
        if isinstance(node, _FUNCTIONS):
            parent = outer.parent if outer.kind == "class" else outer
            scope = Scope(node, "function", parent, self, outer)
            positional = [*node.args.posonlyargs, *node.args.args]
            if outer.kind == "class" and positional and not isinstance(node, ast.Lambda):
                scope.class_info, scope.self_name = outer.class_info, positional[0].arg
            elif outer.kind == "function" and outer.class_info is not None:
                scope.class_info, scope.self_name = outer.class_info, outer.self_name
        elif isinstance(node, ast.ClassDef):
            scope = Scope(node, "class", outer, self, outer)
            scope.class_info = ClassInfo(node.name, scope)
        else:
            scope = Scope(node, "comprehension", outer, self, outer)
        self.scopes[id(node)] = scope
        return scope

    def all_classes(self) -> list[ClassInfo]:
        """Every class in the file (for `args.x` attributes of dataclasses parsed at run time)."""
        if self._classes is None:
            self._classes = []
            stack: list[tuple[ast.AST, Scope]] = [(s, self.module) for s in reversed(self.tree.body)]
            while stack:
                node, scope = stack.pop()
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    inner = self.scope_for(node, scope)
                    if inner.class_info is not None and inner.kind == "class":
                        self._classes.append(inner.class_info)
                    stack.extend((s, inner) for s in reversed(node.body))
                    continue
                for child in _child_statements(node):
                    stack.append((child, scope))
        return self._classes


@dataclass
class FileFacts:
    """Facts about every line of a file that name resolution needs beyond a scope's own bindings."""

    calls: dict[str, list[tuple[ast.Call, Scope]]] = field(default_factory=dict)
    """Callee's last name (`f` of `f(...)` and `x.f(...)`) → every call of it and the scope it is in."""
    value_uses: dict[str, list[tuple[ast.AST, Scope]]] = field(default_factory=dict)
    """Names and attributes read but not called (`map(load, names)`, `callback=self.load`), by last name."""
    argparse_defaults: dict[str, list[tuple[ast.AST | None, Scope]]] = field(default_factory=dict)
    attribute_stores: dict[str, list[tuple[ast.AST | None, ast.AST | None, Scope]]] = field(default_factory=dict)
    """Base name → (attribute: a str constant node or None when unknown, value or None when unknown, scope) of
    `base.attr = value`, `setattr(base, "attr", value)` and augmented assignments."""
    item_stores: dict[str, list[tuple[str, ast.AST, Scope]]] = field(default_factory=dict)
    """Base name → (how, node, scope) of `base[key] = value` (`__setitem__`, the Assign), `del base[key]`
    (`pop`, the Subscript) and `base.update/setdefault/pop/append/extend/insert/add/...(...)` (the Call)."""
    walrus: dict[int, list[tuple[str, Binding]]] = field(default_factory=dict)
    """id(scope) → `(name := value)` bindings of that scope (comprehensions bind in the enclosing scope)."""
    rebinding_scopes: list[Scope] = field(default_factory=list)
    """Functions with `global`/`nonlocal` statements (their assignments bind in another scope)."""


def _collect_facts(index: FileIndex, facts: FileFacts, only: _Lines | None = None) -> None:
    """One walk over the whole file, with the scope of each node (iterative: deep nesting cannot overflow);
    `only`: statements that touch none of these lines (decorators included) are left out, with all they hold."""
    stack: list[tuple[ast.AST, Scope]] = [(s, index.module) for s in reversed(_entered(index, index.tree.body, only))]
    called: set[int] = set()
    rebinding: set[int] = set()
    while stack:
        node, scope = stack.pop()
        if only is not None and isinstance(node, ast.stmt) and not only.touches(node) and not any(
                only.touches(d) for d in getattr(node, "decorator_list", ())):
            continue
        if type(node) not in _FACT_NODES:  # most nodes: nothing to record, only their children to visit
            children = _children(node)
            children.reverse()
            stack.extend([(child, scope) for child in children])
            continue
        # The commonest nodes first (each test below is exclusive of the others: the order is only for speed).
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load) and id(node) not in called:
                facts.value_uses.setdefault(node.id, []).append((node, scope))
            continue
        if isinstance(node, ast.Constant):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            inner = index.scope_for(node, scope)
            heads = [*node.decorator_list]
            if isinstance(node, ast.ClassDef):
                heads += [*node.bases, *(k.value for k in node.keywords)]
            else:
                heads += [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
            stack.extend((h, scope) for h in heads)
            stack.extend((s, inner) for s in reversed(_entered(index, node.body, only)))
            continue
        if isinstance(node, ast.Lambda):
            stack.extend((d, scope) for d in [*node.args.defaults, *(d for d in node.args.kw_defaults if d)])
            stack.append((node.body, index.scope_for(node, scope)))
            continue
        if isinstance(node, _COMPREHENSIONS):
            inner = index.scope_for(node, scope)
            stack.extend((child, inner) for child in _children(node))
            continue
        if isinstance(node, ast.Call):
            _call_facts(node, scope, facts, called)
        elif isinstance(node, ast.Attribute):
            if isinstance(node.ctx, ast.Load) and id(node) not in called and isinstance(node.value, ast.Name):
                facts.value_uses.setdefault(node.attr, []).append((node, scope))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = None if isinstance(node, ast.AugAssign) else node.value
            for target in targets:
                _store_facts(target, value, node, scope, facts, direct=True)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
            targets = [node.target] if isinstance(node, (ast.For, ast.AsyncFor)) else [
                i.optional_vars for i in node.items if i.optional_vars is not None]
            for target in targets:
                _store_facts(target, None, node, scope, facts, direct=False)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    facts.item_stores.setdefault(target.value.id, []).append(("pop", target, scope))
        elif isinstance(node, ast.NamedExpr):
            owner = scope
            while owner.kind == "comprehension" and owner.parent is not None:
                owner = owner.parent
            facts.walrus.setdefault(id(owner), []).append((node.target.id, Binding("value", node.value, scope)))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            if id(scope) not in rebinding and scope.kind == "function":
                rebinding.add(id(scope))
                facts.rebinding_scopes.append(scope)
            continue
        children = _children(node)
        children.reverse()
        stack.extend([(child, scope) for child in children])


def _entered(index: FileIndex, body: list[ast.stmt], only: _Lines | None) -> list[ast.stmt]:
    """The statements of `body` a walk limited to `only` can enter, in order: a superset of those it enters (the
    walk still checks each), found by bisection over the body's line spans instead of one test per statement. A
    walk for one name asked of a large file visited every method of each class it entered."""
    if only is None or only.lines is None or len(body) < MIN_BISECTED_BODY or len(only.lines) > len(body):
        return body
    if id(body) not in index._body_spans:
        firsts = [min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", ()))]) for s in body]
        lasts = [s.end_lineno or s.lineno for s in body]
        in_order = all(a <= b for a, b in zip(firsts, firsts[1:], strict=False)) and all(
            a <= b for a, b in zip(lasts, lasts[1:], strict=False))
        index._body_spans[id(body)] = (firsts, lasts) if in_order else None
    spans = index._body_spans[id(body)]
    if spans is None:
        return body
    firsts, lasts = spans
    picked: set[int] = set()
    for line in only.lines:
        # The statements whose span holds the line: the last one starting at or before it, and those before it
        # that still reach it (several statements on one line); the last lines never decrease.
        at = bisect_right(firsts, line) - 1
        while at >= 0 and lasts[at] >= line:
            picked.add(at)
            at -= 1
    return [body[at] for at in sorted(picked)]


_FACT_NODES = frozenset({
    ast.Name, ast.Constant, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, *_COMPREHENSIONS,
    ast.Call, ast.Attribute, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith,
    ast.Delete, ast.NamedExpr, ast.Global, ast.Nonlocal,
})
"""The node types `_collect_facts` records something for (`ast.parse` makes exactly these classes, never
subclasses, so a type lookup stands for the isinstance tests); every other node only has children."""


def _children(node: ast.AST) -> list[ast.AST]:
    """`list(ast.iter_child_nodes(node))`, without its two generators per node: this walk visits every node of
    every parsed file, and was the largest single cost of a scan (bench/README.md)."""
    children: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            children.extend([item for item in value if isinstance(item, ast.AST)])
        elif isinstance(value, ast.AST):
            children.append(value)
    return children


def _call_facts(node: ast.Call, scope: Scope, facts: FileFacts, called: set[int]) -> None:
    func = node.func
    called.add(id(func))
    deferred = python_deferred.syntactic_call(node)
    if deferred is not None:  # `run.Partial(pretrain, model=...)` calls the file's `pretrain` (python_deferred);
        _call_facts(deferred[0], scope, facts, set())  # still a value use too: the constructor is only named
    if isinstance(func, ast.Name):
        facts.calls.setdefault(func.id, []).append((node, scope))
        if func.id == "setattr" and len(node.args) == 3 and isinstance(node.args[0], ast.Name):
            attribute = node.args[1] if isinstance(node.args[1], ast.Constant) else None
            facts.attribute_stores.setdefault(node.args[0].id, []).append((attribute, node.args[2], scope))
        return
    if not isinstance(func, ast.Attribute):
        return
    facts.calls.setdefault(func.attr, []).append((node, scope))
    if func.attr in _MUTATORS and isinstance(func.value, ast.Name):
        facts.item_stores.setdefault(func.value.id, []).append((func.attr, node, scope))
    elif func.attr == "add_argument":
        dest = _argparse_dest(node)
        if dest is not None:
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            facts.argparse_defaults.setdefault(dest, []).append((default, scope))
    elif func.attr == "set_defaults":
        for keyword in node.keywords:
            if keyword.arg:
                facts.argparse_defaults.setdefault(keyword.arg, []).append((keyword.value, scope))


def _store_facts(target: ast.AST, value: ast.AST | None, statement: ast.AST, scope: Scope, facts: FileFacts,
                 *, direct: bool) -> None:
    """`base.attr = value` and `base[key] = value` among the targets (any nesting: unpacked ones are unknown)."""
    for node in ast.walk(target):
        known = value if direct and node is target else None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            attribute = ast.Constant(node.attr)
            facts.attribute_stores.setdefault(node.value.id, []).append((attribute, known, scope))
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            how = "__setitem__" if known is not None and isinstance(statement, (ast.Assign, ast.AnnAssign)) \
                else "unknown"
            facts.item_stores.setdefault(node.value.id, []).append((how, node if how == "unknown" else ast.Tuple(
                elts=[node.slice, cast(ast.expr, known)], ctx=ast.Load()), scope))  # `__setitem__`: known is set


def _child_statements(node: ast.AST) -> list[ast.AST]:
    """Statements nested in a compound statement (if/for/while/with/try/match bodies, except handlers)."""
    children: list[ast.AST] = []
    for name in ("body", "orelse", "finalbody", "handlers", "cases"):
        value = getattr(node, name, None)
        if isinstance(value, list):
            children.extend(value)
    return children


def _collect_bindings(scope: Scope) -> None:
    """Record how each name of `scope` gets its values: its parameters and its own statements (nested function
    and class bodies are other scopes)."""
    node = scope.node
    outer = scope.outer or scope.parent
    if isinstance(node, _FUNCTIONS):
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.AST | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        for arg, default in zip(positional, defaults, strict=True):
            scope.bind(arg.arg, Binding("param", default, outer, target=arg.arg, function=node))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            scope.bind(arg.arg, Binding("param", default, outer, target=arg.arg, function=node))
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                scope.bind(arg.arg, Binding("unknown", None, outer, target=arg.arg, function=node))
        if isinstance(node, ast.Lambda):
            return
    if isinstance(node, _COMPREHENSIONS):
        for generator in node.generators:
            _bind_target(scope, generator.target, Binding("for", generator.iter, scope))
        return
    stack = list(reversed(node.body))  # type: ignore[attr-defined]
    while stack:
        statement = stack.pop()
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.bind(statement.name, Binding("object", statement))
            continue
        if isinstance(statement, ast.ClassDef):
            info = scope.index.scope_for(statement, scope).class_info
            scope.bind(statement.name, Binding("class", class_info=info))
            continue
        _bind_statement(scope, statement)
        stack.extend(reversed(_child_statements(statement)))


def _target_names(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def _argparse_dest(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "dest" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
            return keyword.value.value
    names = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if not names:
        return None
    longs = [n for n in names if n.startswith("--")]
    chosen = longs[0] if longs else names[0]
    return chosen.lstrip("-").replace("-", "_") or None


class _Lines:
    """Sorted line numbers worth a closer look (they mention a catalog name or a Hub string)."""

    def __init__(self, lines: list[int] | None):
        self.lines = lines

    def touches(self, node: ast.AST) -> bool:
        if self.lines is None:
            return True
        first = getattr(node, "lineno", None)
        if first is None:
            return True
        index = bisect_left(self.lines, first)
        return index < len(self.lines) and self.lines[index] <= (node.end_lineno or first)  # type: ignore


_REBINDING_STATEMENT = re.compile(r"(?:^|[;:])[ \t]*(?:global|nonlocal)\b", re.MULTILINE)
"""Where a `global`/`nonlocal` statement can start: a line's first token, or after `;` or a compound statement's
`:` (`def f(): global x`). Matches in strings or comments only cost the whole-file walk, never a result."""
FIND_REBINDING_WORDS = True
"""`may_rebind` answers `_REBINDING_STATEMENT.search` from the words' occurrences (`_spells_rebinding`) instead of
the pattern, which has no literal to skip ahead by and tried itself at every character of every parsed file
(`global_batch_size` is in most of NeMo); tests/discover/test_python_resolve.py holds the two to one answer."""


def _spells_rebinding(source: str) -> bool:
    """`_REBINDING_STATEMENT.search(source) is not None`, from each occurrence of `global` and `nonlocal`: a match
    is one of them ending a word (`\\b`: no word character follows), with only spaces and tabs back to a line start
    (`^` of a multi-line pattern: the text's start or a `\\n`), a `;` or a `:`."""
    for word in ("global", "nonlocal"):
        at = source.find(word)
        while at >= 0:
            end = at + len(word)
            if end == len(source) or not (source[end].isalnum() or source[end] == "_"):
                start = at
                while start and source[start - 1] in " \t":
                    start -= 1
                if not start or source[start - 1] in "\n;:":
                    return True
            at = source.find(word, at + 1)
    return False


def build_index(tree: ast.Module, relevant_lines: list[int] | None = None, *, source: str | None = None) -> FileIndex:
    """Find the calls and strings on `relevant_lines` (None: everywhere) and the scopes they sit in.

    Only statements whose span touches a relevant line are entered, and only their expressions that touch one
    are walked: walking every node of a large file would cost more than parsing it. Bindings are read later,
    per scope, when a value is resolved. Iterative: deep nesting cannot overflow the stack.
    """
    index = FileIndex(tree)
    if source is not None:
        index.may_rebind = ":=" in source or (("global" in source or "nonlocal" in source) and (
            _spells_rebinding(source) if FIND_REBINDING_WORDS else _REBINDING_STATEMENT.search(source) is not None))
        if "\r" not in source:  # the tokenizer also ends lines at `\r`: then every walk reads every line
            index.source = source
            if index.may_rebind:
                index.rebind_lines = lines_holding(source, (":=", "global", "nonlocal"))
    lines = _Lines(relevant_lines)
    stack: list[tuple[ast.AST, Scope]] = [(s, index.module) for s in reversed(tree.body) if lines.touches(s)]
    while stack:
        node, scope = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            inner = index.scope_for(node, scope)
            if isinstance(node, ast.ClassDef):
                heads = [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
            else:
                heads = [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)]
            for expression in heads:
                if lines.touches(expression):
                    _walk_expression(index, expression, scope)
            stack.extend((s, inner) for s in reversed(node.body) if lines.touches(s))
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # docstrings and bare strings are prose, not code
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.JoinedStr):
            # A bare f-string's text is prose, but its replacement fields run when the line does (issue 12).
            for field in _replacement_fields(node.value):
                _walk_expression(index, field, scope)
            continue
        for name in node._fields:  # `ast.iter_fields` without its generator (a missing field reads as None)
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in reversed(value):
                    if isinstance(item, (ast.stmt, ast.excepthandler, ast.match_case)):
                        if lines.touches(item) or isinstance(item, ast.match_case):
                            stack.append((item, scope))
                    elif isinstance(item, ast.withitem):
                        for expression in (item.context_expr, item.optional_vars):
                            if expression is not None and lines.touches(expression):
                                _walk_expression(index, expression, scope)
                    elif isinstance(item, ast.expr) and lines.touches(item):
                        _walk_expression(index, item, scope)
            elif isinstance(value, ast.expr) and name != "pattern" and lines.touches(value):
                _walk_expression(index, value, scope)
    index.strings.sort(key=lambda item: (getattr(item[0], "lineno", 0), getattr(item[0], "col_offset", 0)))
    return index


def _bind_statement(scope: Scope, node: ast.AST) -> None:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            _bind_assignment(scope, target, node.value)
    elif isinstance(node, ast.AnnAssign):
        if node.value is not None:
            _bind_assignment(scope, node.target, node.value)
        elif isinstance(node.target, ast.Name):
            scope.bind(node.target.id, Binding("unknown"))
    elif isinstance(node, ast.AugAssign):
        if isinstance(node.target, ast.Name):  # `x += "-v2"`: x may be x's other values plus the suffix
            value = ast.BinOp(left=ast.Name(id=node.target.id, ctx=ast.Load()), op=node.op, right=node.value)
            scope.bind(node.target.id, Binding("value", ast.copy_location(value, node), scope))
        else:
            for name in _target_names(node.target):
                scope.bind(name, Binding("unknown"))
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        _bind_target(scope, node.target, Binding("for", node.iter, scope))
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                for name in _target_names(item.optional_vars):
                    scope.bind(name, Binding("unknown"))
    elif isinstance(node, ast.ExceptHandler) and node.name:
        scope.bind(node.name, Binding("unknown"))
    elif isinstance(node, ast.Global):
        scope._global_names.update(node.names)
    elif isinstance(node, ast.Nonlocal):
        scope._nonlocal_names.update(node.names)
    elif isinstance(node, ast.Match):
        for case in node.cases:
            for pattern in ast.walk(case.pattern):
                name = getattr(pattern, "name", None) or getattr(pattern, "rest", None)
                if not name:
                    continue
                if pattern is case.pattern and isinstance(pattern, ast.MatchAs) and pattern.pattern is None:
                    scope.bind(name, Binding("value", node.subject, scope))  # `case name:` captures the subject
                else:
                    scope.bind(name, Binding("unknown"))
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for local, target in imported_names(node, scope.index.package):
            scope.bind(local, Binding("import", target=target))


def _replacement_fields(joined: ast.JoinedStr) -> list[ast.expr]:
    """The code of an f-string: each replacement field's expression and those inside its format spec
    (`f"{x:{width}}"`), at any depth. Nested f-strings inside an expression are walked as expressions."""
    fields: list[ast.expr] = []
    pending = [joined]
    while pending:
        for value in pending.pop().values:
            if isinstance(value, ast.FormattedValue):
                fields.append(value.value)
                if isinstance(value.format_spec, ast.JoinedStr):
                    pending.append(value.format_spec)
    return fields


PROSE_KEYS = frozenset({"help", "description", "epilog", "usage", "doc", "docstring"})
"""Keywords and dict keys whose string value is documentation for a person (argparse `help=`, dataclass
`metadata={"help": ...}`, pydantic `Field(description=...)`): an id written there is an example, not a load."""


_PLAIN_LEAVES = frozenset({ast.Name, ast.Load, ast.Store})
"""Nodes `_walk_expression` records nothing for and has nothing below (names and their `ctx` markers)."""


def _walk_expression(index: FileIndex, expression: ast.AST, scope: Scope) -> None:
    """Record the calls, strings, lambda and comprehension scopes, and walrus bindings of one expression."""
    stack: list[tuple[ast.AST, Scope]] = [(expression, scope)]
    called: set[int] = set()
    prose: set[int] = set()
    """Help and description text (`help="e.g. hf://org/voices/..."`, `metadata={"help": ...}`): documentation,
    not a load; the calls inside it are still walked."""
    while stack:
        node, scope = stack.pop()
        if type(node) in _PLAIN_LEAVES:  # (what the tests below end in for these, sooner: a third of the nodes)
            continue
        children_scope = scope
        if prose and id(node) in prose and isinstance(node, (ast.BinOp, ast.Tuple, ast.List)):
            prose.update(id(child) for child in _children(node))  # `"see " + "hf://..."`, ("a" "b") parts
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            called.add(id(node.value))  # `X.configure(...)`: a receiver is not a loader passed as a value
            if id(node) not in called:
                index.loader_values.append(node)
        if isinstance(node, ast.Lambda):
            stack.extend((d, scope) for d in [*node.args.defaults, *(d for d in node.args.kw_defaults if d)])
            stack.append((node.body, index.scope_for(node, scope)))
            continue
        if isinstance(node, _COMPREHENSIONS):
            children_scope = index.scope_for(node, scope)
        elif isinstance(node, ast.Call):
            index.calls.append((node, scope))
            called.add(id(node.func))
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                index.call_of_argument[id(argument)] = node
            for keyword in node.keywords:
                if keyword.arg in PROSE_KEYS:
                    prose.add(id(keyword.value))
        elif isinstance(node, ast.JoinedStr):
            if not prose or id(node) not in prose:
                index.strings.append((node, scope))
            stack.extend((field, scope) for field in _replacement_fields(node))
            continue
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, str) and (not prose or id(node) not in prose):
                index.strings.append((node, scope))
            continue
        elif isinstance(node, (ast.Name, ast.Load, ast.Store)):
            continue
        elif isinstance(node, ast.Dict):
            index.dict_literals.append((node, scope))
            prose.update(id(v) for k, v in zip(node.keys, node.values, strict=True)
                         if isinstance(k, ast.Constant) and k.value in PROSE_KEYS)
        stack.extend((child, children_scope) for child in _children(node))


def _bind_target(scope: Scope, target: ast.AST, binding: Binding) -> None:
    if isinstance(target, ast.Name):
        scope.bind(target.id, binding)
        return
    parts = _loop_parts(target, binding.node)
    named = _name_paths(target, ())
    if parts is not None:
        for sub_target, iterable in parts:
            _bind_target(scope, sub_target, Binding("for", iterable, binding.scope))
    elif named is not None:  # `for name, revision in PAIRS:` / `for key, (hf_id, split) in D.items():`: the
        for name, path in named:  # element at that path of each item
            scope.bind(name, Binding("for_item", binding.node, binding.scope, target=".".join(map(str, path))))
    else:
        for name in _target_names(target):
            scope.bind(name, Binding("unpack", binding.node, binding.scope))


def _flat_names(target: ast.AST) -> bool:
    """`a, b` / `[a, b]`: a tuple of plain names (no nesting, no `*rest`)."""
    return isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts)


def _loop_parts(target: ast.AST, iterable: ast.AST | None) -> list[tuple[ast.AST, ast.AST | None]] | None:
    """`for i, x in enumerate(L[, start])`, `for a, b in zip(A, B)`: each target with the iterable it takes its
    values from (None for other unpacking; `for key, value in D.items()` is the pairs of `D.items()`)."""
    if not isinstance(target, (ast.Tuple, ast.List)) or not isinstance(iterable, ast.Call):
        return None
    elements, func = target.elts, iterable.func
    if isinstance(func, ast.Name) and func.id == "enumerate" and len(elements) == 2 \
            and 1 <= len(iterable.args) + len(iterable.keywords) <= 2 and len(iterable.args) >= 1 \
            and all(k.arg == "start" for k in iterable.keywords) and not isinstance(iterable.args[0], ast.Starred):
        return [(elements[0], None), (elements[1], iterable.args[0])]
    if isinstance(func, ast.Name) and func.id == "zip" and not iterable.keywords \
            and len(iterable.args) == len(elements) and not any(isinstance(a, ast.Starred) for a in iterable.args):
        return list(zip(elements, iterable.args, strict=True))
    return None


def _name_paths(target: ast.AST, prefix: tuple[int, ...]) -> list[tuple[str, tuple[int, ...]]] | None:
    """`a, (b, c)`: each name with where it sits in the item (`b` at (1, 0)); None for anything but nested tuples
    of plain names (`*rest`, attributes, subscripts)."""
    if not isinstance(target, (ast.Tuple, ast.List)):
        return None
    found: list[tuple[str, tuple[int, ...]]] = []
    for index, element in enumerate(target.elts):
        if isinstance(element, ast.Name):
            found.append((element.id, (*prefix, index)))
            continue
        inner = _name_paths(element, (*prefix, index))
        if inner is None:
            return None
        found.extend(inner)
    return found


def _dict_view(node: ast.AST | None) -> tuple[ast.AST, str] | None:
    """`D.keys()`, `D.values()`, `D.items()`: (D, which view); None for anything else."""
    if isinstance(node, ast.Call) and not node.args and not node.keywords and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("keys", "values", "items"):
        return node.func.value, node.func.attr
    return None


def _bind_assignment(scope: Scope, target: ast.AST, value: ast.AST) -> None:
    if isinstance(target, ast.Name):
        scope.bind(target.id, Binding("value", value, scope))
    elif isinstance(target, (ast.Tuple, ast.List)):
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) and not any(
                isinstance(e, ast.Starred) for e in target.elts):
            for sub_target, sub_value in zip(target.elts, value.elts, strict=True):
                _bind_assignment(scope, sub_target, sub_value)
        else:
            flat = _flat_names(target)
            for index, name in enumerate(_target_names(target)):
                scope.bind(name, Binding("unpack", value, scope, target=str(index) if flat else None))
    elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
        info = scope.class_info
        if info is not None and scope.kind == "function" and target.value.id == scope.self_name:
            info._instance_attributes.setdefault(target.attr, []).append((value, scope))


class Resolver:
    """Resolves expressions of one file against its `FileIndex`."""

    def __init__(self, index: FileIndex):
        self.index = index
        self.used_constants: set[int] = set()
        """ids of the string constants that contributed to a resolved value (they are not reported again)."""
        self.work = 0
        """Resolution steps taken so far (bounded by `MAX_WORK`)."""
        self.limited: str | None = None
        """Why some value was left unresolved for a bound (None: no bound was reached)."""
        self._active: set[int] = set()
        self._binding_values: dict[int, tuple[Any, ...] | None] = {}
        self._starts: dict[int, list[int]] = {}
        self._sites: dict[int, tuple[list[tuple[ast.Call, Scope, int]], bool]] = {}
        self._following: set[int] = set()
        """ids of the binding lists `literal` and `mapping` are following (a cycle ends there)."""
        self._keep: list[ast.AST] = []
        """Nodes built during resolution: alive while the scan runs (ids are used as keys)."""
        self._reaching = ReachingDefinitions()
        self._foreign: dict[int, Resolver] = {}
        """id(a class of another module of the repository) → the resolver of that module (`_imported_class`)."""
        self._forwarded: set[int] = set()
        """ids of the parameter bindings `_passed_instances` is following to their callers (a cycle ends there)."""

    def keep(self, node: ast.AST) -> None:
        """Keep a node built for resolution alive while the scan runs (ids are used as keys)."""
        self._keep.append(node)

    def partial_sites(self, call: ast.Call) -> list[tuple[ast.Call, Scope, ast.Call]]:
        """The calls of a name bound to `call` (`load = partial(...)`; `load("org/m")`), each with its scope."""
        found = []
        for name, sites in self.index.facts().calls.items():
            for site, scope in sites:
                if isinstance(site.func, ast.Name) and site.func.id == name:
                    bindings = self._lookup(name, scope)
                    if bindings and any(b.how == "value" and b.node is call for b in bindings):
                        found.append((site, scope, site))
        return found

    def _limit(self, why: str) -> None:
        if self.limited is None:
            self.limited = why

    def _step(self, amount: int = 1) -> bool:
        """Count work; False once the file's budget is spent."""
        self.work += amount
        if self.work > MAX_WORK:
            self._limit(f"more than {MAX_WORK:,} resolution steps")
            return False
        return True

    # ------------------------------------------------------------------------------------------- names

    def qualname(self, node: ast.AST, scope: Scope, depth: int = 0) -> tuple[str, str]:
        """(dotted callee name after import aliases, where its first name comes from: `import`, `local`
        (assigned, defined or a parameter in this file) or `unknown`)."""
        suffix: list[str] = []
        while True:
            if isinstance(node, ast.Attribute):
                suffix.append("." + node.attr)
                node = node.value
            elif isinstance(node, ast.Call):
                suffix.append("()")
                node = node.func
            else:
                break
        tail = "".join(reversed(suffix))
        if not isinstance(node, ast.Name):
            return "?" + tail, "local"
        name = node.id
        bindings = self._lookup(name, scope)
        if bindings is not None and len(bindings) > 1:  # `from ollama import chat`, `chat(...)`, then `def chat()`
            bindings = self._reaching.narrow(node, scope, bindings)
        target = self.import_target(bindings)
        if target is not None:
            return target + tail, "import"
        if bindings and len(bindings) == 1 and depth < 8:
            binding = bindings[0]
            if binding.how == "value" and isinstance(binding.node, ast.Call) and binding.scope is not None:
                inner, origin = self.qualname(binding.node, binding.scope, depth + 1)
                return inner + tail, origin
            if binding.how == "param" and tail.startswith(".") and binding.scope is not None:
                typed = self._parameter_object(binding, depth)
                if typed is not None:
                    return typed + tail, "import"
        return name + tail, "local" if bindings else "unknown"

    def _parameter_object(self, binding: Binding, depth: int) -> str | None:
        """What a parameter whose attribute is called holds, spelled as a callee (`huggingface_hub.InferenceClient()`),
        when its default is an imported object or the instance of an imported class (`client=default_client` with
        `default_client = InferenceClient(...)`), or else its annotation names an imported class
        (`client: InferenceClient`, `Optional[InferenceClient]`, `InferenceClient | None`): the type decides which
        method runs, whatever instance a caller passes. None when neither says."""
        default = binding.node
        if default is not None and not (isinstance(default, ast.Constant) and default.value is None):
            inner, origin = self.qualname(default, binding.scope, depth + 1)  # type: ignore[arg-type]
            return inner if origin == "import" else None
        annotation = _annotation_of(binding)
        if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, (ast.Name, ast.Attribute)) \
                and self.qualname(annotation.value, binding.scope, depth + 1)[0] == "typing.Optional":  # type: ignore[arg-type]
            annotation = annotation.slice
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):  # `X | None`
            sides = [s for s in (annotation.left, annotation.right)
                     if not (isinstance(s, ast.Constant) and s.value is None)]
            annotation = sides[0] if len(sides) == 1 else None
        if not isinstance(annotation, (ast.Name, ast.Attribute)):
            return None
        inner, origin = self.qualname(annotation, binding.scope, depth + 1)  # type: ignore[arg-type]
        return inner + "()" if origin == "import" else None

    @staticmethod
    def import_target(bindings: list[Binding] | None) -> str | None:
        """The dotted name a name was imported as, when every binding of it is an import (alternatives in
        `try: ... except ImportError:` count as the first one)."""
        if not bindings or not all(b.how == "import" for b in bindings):
            return None
        return bindings[0].target

    def imported(self, name: str, scope: Scope) -> str | None:
        return self.import_target(self._lookup(name, scope))

    def import_targets(self, name: str, scope: Scope) -> list[str]:
        """Every dotted name `name` may be imported as (two branches import it from two packages); [] unless
        each binding of it is an import."""
        bindings = self._lookup(name, scope)
        if not bindings or not all(b.how == "import" for b in bindings):
            return []
        return list(dict.fromkeys(b.target for b in bindings if b.target))

    def _lookup(self, name: str, scope: Scope) -> list[Binding] | None:
        """The bindings of `name` in the innermost scope that binds it (Python's LEGB, without builtins)."""
        current: Scope | None = scope
        if name in scope.global_names:
            current = self.index.module
        while current is not None:
            found = current.bindings.get(name)
            if found:
                return found
            current = current.parent
        return None

    def _same_name(self, name: str, bindings: list[Binding], places: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The facts (last item: their scope) about `name` where `name` is the variable of `bindings`."""
        return [place for place in places if self._lookup(name, place[-1]) is bindings]

    # ------------------------------------------------------------------------------------------ values

    def resolve(self, node: ast.AST | None, scope: Scope, depth: int = 0) -> tuple[Any, ...] | None:
        """Candidate values of `node` (`UNKNOWN` among them for a part that cannot be known), or None when
        nothing about it can be known statically."""
        if node is None or not self._step():
            return None
        if depth > MAX_DEPTH or len(self._active) > MAX_DEPTH:  # (mappings and members restart `depth`)
            return None  # reported as dynamic like any unknown value (deep nesting is not a blow-up)
        if isinstance(node, Scoped):
            return self._options(node.options, depth)
        key = id(node)
        if key in self._active:
            return None  # a cycle (`x = x + "a"`)
        self._active.add(key)
        try:
            found = self._resolve(node, scope, depth + 1)
        finally:
            self._active.discard(key)
        if found is not None:
            if len(found) > MAX_CANDIDATES:
                self._limit(f"more than {MAX_CANDIDATES} candidate values for one expression")
                return None
            if all(v is UNKNOWN for v in found):
                return None
        return found

    def _known(self, node: ast.AST | None, scope: Scope, depth: int) -> tuple[Any, ...]:
        found = self.resolve(node, scope, depth)
        return (UNKNOWN,) if found is None else found

    def _resolve(self, node: ast.AST, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                self.used_constants.add(id(node))
            return (node.value,)
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, scope, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return (OBJECT,)  # `Path(...) / "x"`: a filesystem path, not a Hub id
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            parts = [self._known(node.left, scope, depth), self._known(node.right, scope, depth)]
            return self._combine(parts, lambda a, b: a + b if isinstance(a, str) and isinstance(b, str) else None)
        if isinstance(node, ast.Name):
            return self._name(node.id, scope, depth, node)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, scope, depth)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, scope, depth)
        if isinstance(node, ast.Call):
            return self._call(node, scope, depth)
        if isinstance(node, ast.IfExp):
            return self._union([node.body, node.orelse], scope, depth)
        if isinstance(node, ast.BoolOp):
            return self._boolean(node, scope, depth)
        if isinstance(node, ast.NamedExpr):
            return self.resolve(node.value, scope, depth)
        if isinstance(node, (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Lambda, ast.ListComp, ast.DictComp,
                             ast.SetComp, ast.GeneratorExp)):
            return (OBJECT,)
        return None

    def _union(self, nodes: Sequence[ast.AST], scope: Scope, depth: int) -> tuple[Any, ...] | None:
        values: list[Any] = []
        for node in nodes:
            values.extend(self._known(node, scope, depth))
            if len(values) > MAX_CANDIDATES and len(_dedupe(values)) > MAX_CANDIDATES:
                self._limit(f"more than {MAX_CANDIDATES} candidate values for one expression")
                return None
        return _dedupe(values)

    def _options(self, options: list[tuple[ast.AST, Scope]], depth: int) -> tuple[Any, ...] | None:
        values: list[Any] = []
        for node, scope in options:
            values.extend(self._known(node, scope, depth))
        found = _dedupe(values)
        return None if all(v is UNKNOWN for v in found) else found

    def _boolean(self, node: ast.BoolOp, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        """`a or "org/m"`: a falsy constant of an operand before the last is never the result of `or`."""
        values: list[Any] = []
        last = len(node.values) - 1
        for position, operand in enumerate(node.values):
            found = self._known(operand, scope, depth)
            if position < last and isinstance(node.op, ast.Or):
                found = tuple(v for v in found if v is UNKNOWN or v is OBJECT or v)
            values.extend(found)
        return _dedupe(values)

    def _combine(self, parts: list[tuple[Any, ...]], join: Callable[..., Any]) -> tuple[Any, ...] | None:
        """Every combination of the parts' candidates joined (an unknown part makes that combination unknown);
        the number of combinations is checked before any is built."""
        total = 1
        for part in parts:
            total *= len(part)
            if total > MAX_CANDIDATES:
                self._limit(f"more than {MAX_CANDIDATES} candidate values for one expression")
                return None
        if not self._step(total):
            return None
        values: list[Any] = []
        for combination in product(*parts):
            if any(v is UNKNOWN for v in combination):
                values.append(UNKNOWN)
                continue
            joined = join(*combination)
            if joined is not None:
                values.append(joined)
        return _dedupe(values)

    def _fstring(self, node: ast.JoinedStr, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        parts: list[tuple[Any, ...]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                self.used_constants.add(id(value))
                parts.append((str(value.value),))
                continue
            if not isinstance(value, ast.FormattedValue) or value.format_spec is not None:
                parts.append((UNKNOWN,))
                continue
            convert = repr if value.conversion in (ord("r"), ord("a")) else str
            found = self._known(value.value, scope, depth)
            parts.append(tuple(UNKNOWN if v is UNKNOWN or v is OBJECT else convert(v) for v in found))
        return self._combine(parts, lambda *texts: "".join(texts))

    def _bindings_values(self, bindings: list[Binding], depth: int) -> tuple[Any, ...] | None:
        values: list[Any] = []
        for binding in bindings:
            key = id(binding)
            if key in self._binding_values:
                found = self._binding_values[key]
            else:
                # Cached even when a cycle or a bound cut it short: such a value has an UNKNOWN part (it is
                # reported as dynamic), and without the cache a chain of helpers is followed exponentially often.
                found = self._binding_value(binding, depth)
                self._binding_values[key] = found
            values.extend((UNKNOWN,) if found is None else found)
        return _dedupe(values)

    def _binding_value(self, binding: Binding, depth: int) -> tuple[Any, ...] | None:
        if binding.how in ("object", "class"):
            return (OBJECT,)
        if binding.how == "import":
            # `from .constants import DEFAULT_REPO_ID`: the value lives in another module; the scan reads it when
            # it is a file of the repository (`FileIndex.imported_values`), else unknown, so reported as dynamic.
            if binding.target and self.index.imported_values is not None:
                return self.index.imported_values(binding.target)
            return None
        if binding.how == "param":
            return self._parameter(binding, depth)
        if binding.how == "value" and binding.scope is not None:
            return self.resolve(binding.node, binding.scope, depth)
        if binding.how == "for" and binding.scope is not None:
            return self._elements(binding.node, binding.scope, depth)
        if binding.how in ("unpack", "for_item") and binding.target is not None and binding.scope is not None:
            return self._unpacked(binding, depth)
        return None

    def paired(self, first: ast.AST, first_scope: Scope, second: ast.AST,
               second_scope: Scope) -> list[tuple[Any, Any]] | None:
        """`for name, revision in PINS:` (or `PINS.items()`): the (name, revision) pairs item by item, so that an
        id is not paired with another item's revision. None when the two are not elements of the same items."""
        if isinstance(first, ast.Attribute) and isinstance(second, ast.Attribute):
            return self._constructor_pairs(first, first_scope, second, second_scope)
        if not isinstance(first, ast.Name) or not isinstance(second, ast.Name):
            return None
        a, b = self._lookup(first.id, first_scope), self._lookup(second.id, second_scope)
        if not a or not b or len(a) != 1 or len(b) != 1 or a[0].how != "for_item" or b[0].how != "for_item" \
                or a[0].node is not b[0].node or a[0].scope is None or a[0].target is None or b[0].target is None:
            return None
        literal = self.literal(a[0].node, a[0].scope, (ast.List, ast.Tuple, ast.Set))
        if literal is None:
            return None
        pairs: list[tuple[Any, Any]] = []
        for item in literal[0].elts:  # type: ignore[attr-defined]
            found = self.literal(item, literal[1], (ast.List, ast.Tuple))
            elements = found[0].elts if found is not None else []  # type: ignore[attr-defined]
            if "." in a[0].target or "." in b[0].target:
                return None  # nested unpacking: not a pair of one item's elements
            positions = int(a[0].target), int(b[0].target)
            if found is None or any(isinstance(e, ast.Starred) for e in elements) or max(positions) >= len(elements):
                return None
            firsts = self.resolve(elements[positions[0]], found[1])
            seconds = self.resolve(elements[positions[1]], found[1])
            if firsts is None or seconds is None or UNKNOWN in firsts or UNKNOWN in seconds:
                return None
            pairs.extend(product(firsts, seconds))
            if len(pairs) > MAX_CANDIDATES:
                return None
        return list(dict.fromkeys(pairs))

    def _constructor_pairs(self, first: ast.Attribute, first_scope: Scope, second: ast.Attribute,
                           second_scope: Scope) -> list[tuple[Any, Any]] | None:
        """`load_dataset(self.dataset_name, revision=self.revision)` where `__init__(self, dataset_name, revision)`
        stores both and each subclass passes its own (`super().__init__(dataset_name="org/a", revision="sha-a")`):
        the pairs call by call, so that an id is not paired with another call's revision. None unless both are
        stored once, from parameters of the same `__init__`, and no base or subclass of the file sets them."""
        info = first_scope.class_info
        if info is None or second_scope.class_info is not info:
            return None
        parameters: list[Binding] = []
        for node, scope in ((first, first_scope), (second, second_scope)):
            if not isinstance(node.value, ast.Name) or node.value.id != scope.self_name:
                return None
            stores = info.instance_attributes.get(node.attr, [])
            if len(stores) != 1 or not isinstance(stores[0][0], ast.Name):
                return None
            bindings = self._lookup(stores[0][0].id, stores[0][1])
            if not bindings or len(bindings) != 1 or bindings[0].how != "param" \
                    or not isinstance(bindings[0].function, ast.FunctionDef) \
                    or bindings[0].function.name != "__init__" or bindings[0].target is None:
                return None
            if node.attr in info.scope.bindings or any(
                    other is not info and (self._inherits(other, info) or self._inherits(info, other))
                    and (node.attr in other.scope.bindings or other.instance_attributes.get(node.attr))
                    for other in self.index.all_classes()):
                return None  # a related class of the file sets it another way
            parameters.append(bindings[0])
        function = parameters[0].function
        if parameters[1].function is not function or not isinstance(function, ast.FunctionDef):
            return None
        sites, used_as_value = self._call_sites(function, info.scope)
        if used_as_value or not sites:
            return None
        pairs: list[tuple[Any, Any]] = []
        if all(parameter.node is not None and parameter.scope is not None for parameter in parameters):
            # a construction the file does not show (another module's `Loader()`) takes both defaults
            defaults = [self.resolve(p.node, p.scope) for p in parameters]  # type: ignore[arg-type]
            if any(found is None or UNKNOWN in found for found in defaults):
                return None
            pairs.extend(product(defaults[0], defaults[1]))  # type: ignore[arg-type]
        for call, scope, offset in sites:
            sides: list[tuple[Any, ...]] = []
            for parameter in parameters:
                passed = _argument_for(call, function, parameter.target, offset)  # type: ignore[arg-type]
                if passed is _NOT_PASSED:
                    found = (self.resolve(parameter.node, parameter.scope)
                             if parameter.node is not None and parameter.scope is not None else None)
                elif passed is None or isinstance(passed, ast.Starred):
                    return None
                elif isinstance(passed, tuple):
                    found = self.resolve(passed[0], passed[1])
                else:
                    found = self.resolve(passed, scope)
                if found is None or UNKNOWN in found:
                    return None
                sides.append(found)
            pairs.extend(product(sides[0], sides[1]))
            if len(pairs) > MAX_CANDIDATES:
                return None
        return list(dict.fromkeys(pairs))

    def _unpacked(self, binding: Binding, depth: int) -> tuple[Any, ...] | None:
        """Element `binding.target` of the value (`a, b = PAIR`) or of each item iterated (`for a, b in PAIRS`)."""
        path = [int(part) for part in binding.target.split(".")]  # type: ignore[union-attr]
        scope: Scope = binding.scope  # type: ignore[assignment]
        if binding.how == "unpack":
            items: list[tuple[ast.AST, Scope]] = [(binding.node, scope)]  # type: ignore[list-item]
        else:
            iterated = self._iterated_items(binding.node, scope, depth)
            if iterated is None:
                return None
            items = [(element, iterated[1]) for element in iterated[0]]
        values: list[Any] = []
        for item, item_scope in items:
            for index in path:
                found = self.literal(item, item_scope, (ast.List, ast.Tuple), depth)
                elements = found[0].elts if found is not None else []  # type: ignore[attr-defined]
                if found is None or any(isinstance(e, ast.Starred) for e in elements) or index >= len(elements):
                    break
                item, item_scope = elements[index], found[1]
            else:
                values.extend(self._known(item, item_scope, depth))
                continue
            values.append(UNKNOWN)
        return _dedupe(values)

    def _iterated_items(self, node: ast.AST | None, scope: Scope, depth: int) -> tuple[list[ast.AST], Scope] | None:
        """The item expressions iterating over `node` gives: the elements of a literal list, tuple or set, and of a
        literal dict's `keys()`, `values()` or `items()` (each item a `(key, value)` tuple); None otherwise."""
        view = _dict_view(node)
        if view is None:
            literal = self.literal(node, scope, (ast.List, ast.Tuple, ast.Set), depth)
            return None if literal is None else (list(literal[0].elts), literal[1])  # type: ignore[attr-defined]
        found = self.literal(view[0], scope, (ast.Dict,), depth)
        if found is None:
            return None
        container = cast(ast.Dict, found[0])
        if any(key is None for key in container.keys):  # `{**other, ...}`
            return None
        keys = cast(list[ast.expr], container.keys)
        if view[1] == "keys":
            return list(keys), found[1]
        if view[1] == "values":
            return list(container.values), found[1]
        pairs: list[ast.AST] = []
        for key, value in zip(keys, container.values, strict=True):
            pair = ast.copy_location(ast.Tuple(elts=[key, value], ctx=ast.Load()), key)
            self._keep.append(pair)  # the pair's id stays its own while the file is read
            pairs.append(pair)
        return pairs, found[1]

    def _name(self, name: str, scope: Scope, depth: int, use: ast.AST | None = None) -> tuple[Any, ...] | None:
        bindings = self._lookup(name, scope)
        if bindings is not None and len(bindings) > 1 and use is not None:  # the assignments that reach `use`
            bindings = self._reaching.narrow(use, scope, bindings)
        values = None if bindings is None else self._bindings_values(bindings, depth)
        if use is not None and (values is None or UNKNOWN in values):
            guarded = _equality_guard(scope.node, name, getattr(use, "lineno", 0))
            if guarded is not None:
                return guarded
        if use is not None and values and any(isinstance(v, str) for v in values):
            values = self._branch_filtered(scope.node, name, getattr(use, "lineno", 0), values)
        return values

    def _branch_filtered(self, owner: ast.AST, name: str, line: int, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """`values` without the strings the `if`/`elif` tests around `line` rule out: in the body of
        `elif name.startswith("gpt2"):` after `if name == "scratch":`, `"scratch"` cannot be what `name` holds
        (nanoGPT's `init_from`). Only tests of `name` itself are read (`==`, `!=`, `in`, `not in` — of a tuple, or
        a string's substring: `if "int4" in model_path:` — `startswith`, `endswith`, `not`, `and`, `or`), and a
        branch that rebinds `name` is not read. When every value is ruled out, what reaches the line is not known
        here (an `exec`'d config, a value set elsewhere): unknown, never nothing."""
        tests = self._branch_tests(owner, name, line)
        if not tests:
            return values
        kept = tuple(value for value in values if not isinstance(value, str)
                     or all(_string_test(test, name, value) is not False if holds
                            else _string_test(test, name, value) is not True for test, holds in tests))
        return kept if kept else (UNKNOWN,)

    def _branch_tests(self, owner: ast.AST, name: str, line: int) -> list[tuple[ast.expr, bool]]:
        """The `if` tests of `name` among `owner`'s own statements around `line`, each with whether it holds there
        (True in the body, False in the `else`/`elif` part), outermost first; not those of a branch rebinding it."""
        return [(statement.test, in_body) for statement, in_body in self._enclosing_ifs(owner, line)
                if not _rebinds(statement.body if in_body else statement.orelse, name)
                and any(isinstance(node, ast.Name) and node.id == name for node in ast.walk(statement.test))]

    def in_dead_branch(self, owner: ast.AST, line: int) -> bool:
        """Whether `line` sits in the body of an `if False:` / `if 0:` / `if None:` among `owner`'s own statements
        (code switched off by hand: it never runs, whatever it would load)."""
        return any(in_body and isinstance(statement.test, ast.Constant) and statement.test.value in DEAD_TESTS
                   for statement, in_body in self._enclosing_ifs(owner, line))

    def _enclosing_ifs(self, owner: ast.AST, line: int) -> Iterator[tuple[ast.If, bool]]:
        """The `if` statements among `owner`'s own statements around `line`, outermost first, each with whether
        `line` is in its body (else in its `else`/`elif` part)."""
        body = getattr(owner, "body", ())
        statements: list[ast.stmt] = list(body) if isinstance(body, list) else []  # a lambda's body: no `if`
        while statements:
            starts = self._statement_starts(statements)
            index = bisect_right(starts, line) - 1
            statement = statements[index] if index >= 0 else None
            if statement is None or line > (statement.end_lineno or statement.lineno) \
                    or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return
            if isinstance(statement, ast.If):
                in_body = bool(statement.body) and statement.body[0].lineno <= line <= (
                    statement.body[-1].end_lineno or statement.body[-1].lineno)
                yield statement, in_body
                statements = statement.body if in_body else statement.orelse
                continue
            statements = [child for field_name in ("body", "orelse", "finalbody", "handlers")
                          for child in getattr(statement, field_name, ())]

    def _statement_starts(self, statements: list[ast.stmt]) -> list[int]:
        """First lines of a statement list, remembered per list (asked once per name read under it)."""
        key = id(statements)
        starts = self._starts.get(key)
        if starts is None or len(starts) != len(statements):
            starts = [s.lineno for s in statements]
            self._starts[key] = starts
            self._keep.append(statements)  # type: ignore[arg-type]  # the id stays this list's
        return starts

    # -------------------------------------------------------------------------------------- parameters

    def _parameter(self, binding: Binding, depth: int) -> tuple[Any, ...] | None:
        """A parameter: its default, the values `pytest.mark.parametrize` gives it, and what every call of its
        function in the file passes for it (unknown when the function is also used as a value, `*args`, ...)."""
        function, name = binding.function, binding.target
        values: list[Any] = []
        option = self._click_option(function, name, binding.scope, depth)
        if option is not None:  # click always passes the option's own default: the Python default is never used
            values.extend(option)
            if isinstance(binding.node, ast.Constant):
                self.used_constants.add(id(binding.node))  # dead: not a reference of its own either
        elif binding.node is not None and binding.scope is not None:
            values.extend(self._known(binding.node, binding.scope, depth))
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or name is None:
            return _dedupe(values) if values else None
        for decorator in function.decorator_list:
            values.extend(self._parametrized(decorator, name, binding.scope, depth))
        sites, used_as_value = self._call_sites(function, binding.scope)
        if used_as_value:  # `fire.Fire(main)`, `map(load, names)`: called with what the file does not show
            values.append(UNKNOWN)
        for call, scope, offset in sites or ():
            passed = _argument_for(call, function, name, offset)
            if passed is _NOT_PASSED:
                continue
            if isinstance(passed, ast.Name) and passed.id == name and any(
                    b is binding for b in self._lookup(name, scope) or ()):
                continue  # a recursive call passing the parameter on adds no value
            if passed is None:
                values.append(UNKNOWN)
            elif isinstance(passed, ast.Starred):
                values.append(UNKNOWN)
            elif isinstance(passed, tuple):  # an entry of a literal `**kwargs` dict
                values.extend(self._known(passed[0], passed[1], depth))
            else:
                values.extend(self._known(passed, scope, depth))
        return _dedupe(values) if values else None

    def _click_option(self, function: ast.AST | None, name: str | None, scope: Scope | None,
                      depth: int) -> list[Any] | None:
        """`@click.option("--tokenizer", "tokenizer_id", default="org/tok")` above `def main(tokenizer_id=...)`: the
        value click passes for the parameter (its `default=`, unknown without one: the user's value or None), or
        None when no `click.option` / `click.argument` decorator binds the parameter."""
        if name is None or scope is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        for decorator in function.decorator_list:
            if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, (ast.Name, ast.Attribute)):
                continue
            if self.qualname(decorator.func, scope, depth + 1)[0] not in CLICK_PARAMETER_DECORATORS:
                continue
            declared = [a.value for a in decorator.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if _click_parameter_name(declared) != name:
                continue
            default = next((k.value for k in decorator.keywords if k.arg == "default"), None)
            if default is None:
                return [UNKNOWN]
            return list(self._known(default, scope, depth))
        return None

    def _parametrized(self, decorator: ast.AST, name: str, scope: Scope | None, depth: int) -> list[Any]:
        """`@pytest.mark.parametrize("model", ["org/a", "org/b"])` (also "a,b" with tuples, `pytest.param`)."""
        if scope is None or not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute) \
                or decorator.func.attr != "parametrize" or not decorator.args:
            return []
        names_node = decorator.args[0]
        if isinstance(names_node, ast.Constant) and isinstance(names_node.value, str):
            names = [n.strip() for n in names_node.value.split(",")]
        elif isinstance(names_node, (ast.List, ast.Tuple)):
            names = [e.value if isinstance(e, ast.Constant) else None for e in names_node.elts]
        else:
            return [UNKNOWN]
        if name not in names:
            return []
        position = names.index(name)
        argvalues = decorator.args[1] if len(decorator.args) > 1 else next(
            (k.value for k in decorator.keywords if k.arg == "argvalues"), None)
        literal = self.literal(argvalues, scope, (ast.List, ast.Tuple, ast.Set), depth)
        if literal is None:
            return [UNKNOWN]
        container, container_scope = literal
        values: list[Any] = []
        for element in container.elts:  # type: ignore[attr-defined]
            if isinstance(element, ast.Call) and isinstance(element.func, ast.Attribute) \
                    and element.func.attr == "param":
                element = ast.Tuple(elts=element.args, ctx=ast.Load()) if len(names) > 1 else (
                    element.args[0] if element.args else None)
            if len(names) > 1:
                if isinstance(element, ast.Starred):
                    values.append(UNKNOWN)
                    continue
                found = self.literal(element, container_scope, (ast.List, ast.Tuple), depth)
                if found is None or position >= len(found[0].elts):  # type: ignore[attr-defined]
                    values.append(UNKNOWN)
                    continue
                element, element_scope = found[0].elts[position], found[1]  # type: ignore[attr-defined]
            else:
                element_scope = container_scope
            values.extend(self._known(element, element_scope, depth))
        return values

    def _call_sites(self, function: ast.FunctionDef | ast.AsyncFunctionDef,
                    owner: Scope | None) -> tuple[list[tuple[ast.Call, Scope, int]] | None, bool]:
        """The calls of `function` in this file ((call, its scope, how many leading parameters the call fills
        implicitly: `self`), ...) and whether the function is also used as a value (called where the file does
        not show). None when it has no call in the file."""
        key = id(function)
        if key in self._sites:
            sites, used = self._sites[key]
            return sites or None, used
        self._sites[key] = ([], False)  # a call inside its own body resolves against what is known so far
        info = owner.class_info if owner is not None and owner.kind == "class" else None
        facts = self.index.facts_for(*(("__init__", info.name) if function.name == "__init__" and info is not None
                                       else (function.name,)))
        decorators = {d.id for d in function.decorator_list if isinstance(d, ast.Name)}
        implicit = 0 if "staticmethod" in decorators else 1
        found: list[tuple[ast.Call, Scope, int]] = []
        if function.name == "__init__" and info is not None:  # called as `ClassName(...)`
            for call, scope in facts.calls.get(info.name, ()):
                if isinstance(call.func, ast.Name) and self._names_class(call.func, scope, info):
                    found.append((call, scope, 1))
            for call, scope in facts.calls.get("__init__", ()):  # `super().__init__(...)` in a subclass
                if self._is_super_init(call, scope, info):
                    found.append((call, scope, 1))
        else:
            for call, scope in facts.calls.get(function.name, ()):
                offset = self._site_offset(call.func, scope, function, info, implicit)
                if offset is not None:
                    found.append((call, scope, offset))
        deferred: set[int] = set()  # `f.remote(...)`: the Name `f` there is a call of `f`, not a value use
        if info is None and function.decorator_list:
            # A function a framework's decorator wraps, run by it with the same arguments: Modal's
            # `f.remote(x)` / `f.local(x)` / `f.spawn(x)`, Ray's `f.remote(x)`.
            for method in DEFERRED_RUN_METHODS:
                for call, scope in facts.calls.get(method, ()):
                    func = call.func
                    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                            and func.value.id == function.name \
                            and self._site_offset(func.value, scope, function, info, implicit) is not None:
                        found.append((call, scope, 0))
                        deferred.add(id(func.value))
        used = False
        for node, scope in facts.value_uses.get(function.name, ()):
            if id(node) not in deferred and self._site_offset(node, scope, function, info, implicit) is not None:
                used = True
                break
        self._sites[key] = (found, used)
        return found or None, used

    def _site_offset(self, func: ast.AST, scope: Scope, function: ast.AST, info: ClassInfo | None,
                     implicit: int) -> int | None:
        """How many parameters a call through `func` fills implicitly, or None when it is not `function`."""
        if info is None:
            if not isinstance(func, ast.Name):
                return None
            bindings = self._lookup(func.id, scope)
            return 0 if bindings and any(b.node is function for b in bindings) else None
        if not isinstance(func, ast.Attribute):
            return None
        if isinstance(func.value, ast.Call):  # `Loader().load(...)`
            return implicit if self._constructed_class(func.value, scope) is info else None
        if not isinstance(func.value, ast.Name):
            return None
        base = func.value.id
        if base == scope.self_name and scope.class_info is info:
            return implicit
        bindings = self._lookup(base, scope)
        if not bindings or len(bindings) != 1:
            return None
        binding = bindings[0]
        if binding.how == "class" and binding.class_info is info:
            is_classmethod = any(isinstance(d, ast.Name) and d.id == "classmethod"
                                 for d in function.decorator_list)  # type: ignore[attr-defined]
            return 1 if is_classmethod else 0
        if binding.how == "value" and isinstance(binding.node, ast.Call) and binding.scope is not None \
                and isinstance(binding.node.func, ast.Name) and self._names_class(binding.node.func, binding.scope,
                                                                                  info):
            return implicit
        return None

    def _is_super_init(self, call: ast.Call, scope: Scope, info: ClassInfo) -> bool:
        """`super().__init__(...)` in a method of a class of this file whose first base is `info`'s class."""
        func = call.func
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Call) \
                or not isinstance(func.value.func, ast.Name) or func.value.func.id != "super":
            return False
        subclass = scope.class_info
        if subclass is None or subclass is info:
            return False
        bases = subclass.scope.node.bases  # type: ignore[attr-defined]
        outer = subclass.scope.parent or self.index.module
        return bool(bases) and isinstance(bases[0], ast.Name) and self._names_class(bases[0], outer, info)

    def _names_class(self, name: ast.Name, scope: Scope, info: ClassInfo) -> bool:
        bindings = self._lookup(name.id, scope)
        return bool(bindings) and all(b.how == "class" and b.class_info is info for b in bindings)  # type: ignore

    # ------------------------------------------------------------------------------------- containers

    def _elements(self, node: ast.AST | None, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        """What iterating over `node` yields: elements of a literal list/tuple/set, keys of a literal dict, the keys
        or values of its `keys()` / `values()`."""
        view = _dict_view(node)
        if view is not None and view[1] in ("keys", "values"):
            iterated = self._iterated_items(node, scope, depth)
            return None if iterated is None else self._union(iterated[0], iterated[1], depth)
        literal = self.literal(node, scope, (ast.List, ast.Tuple, ast.Set, ast.Dict), depth)
        if literal is None:
            return self._passed_elements(node, scope, depth)
        container, container_scope = literal
        # `literal` returned one of `types`: a dict, else a list, tuple or set (mypy cannot tie the two).
        items = container.keys if isinstance(container, ast.Dict) else container.elts  # type: ignore[attr-defined]
        if any(isinstance(i, ast.Starred) for i in items):
            return None
        return self._union([i for i in items if i is not None], container_scope, depth)

    def _passed_elements(self, node: ast.AST | None, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        """`for name in names` where `names` is a parameter: the elements of what each call of its function in
        the file passes for it (or of its default). None when one of them is not a literal container, or the
        function is also called where the file does not show."""
        if depth > MAX_DEPTH:
            return None
        method = scope
        while method.kind == "comprehension" and method.parent is not None:
            method = method.parent  # `[... for m in self.names]` reads `self` of the method around it
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == method.self_name and method.class_info is not None:
            return self._stored_elements(method.class_info, node.attr, depth)
        bindings = self._lookup(node.id, scope) if isinstance(node, ast.Name) else None
        if not bindings or len(bindings) != 1 or bindings[0].how != "param":
            return None
        binding = bindings[0]
        function, name = binding.function, binding.target
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or name is None:
            return None
        sites, used_as_value = self._call_sites(function, binding.scope)
        if not sites or used_as_value:
            return None
        values: list[Any] = []
        for call, call_scope, offset in sites:
            passed = _argument_for(call, function, name, offset)
            if passed is _NOT_PASSED and binding.node is not None and binding.scope is not None:
                passed, call_scope = binding.node, binding.scope
            if passed is None or passed is _NOT_PASSED or isinstance(passed, (ast.Starred, tuple)):
                return None
            found = self._elements(passed, call_scope, depth + 1)
            if found is None:
                return None
            values.extend(found)
        return _dedupe(values)

    def _stored_elements(self, info: ClassInfo, attr: str, depth: int) -> tuple[Any, ...] | None:
        """`for name in self.names`: the elements of what the methods of the class, of its bases and of its
        subclasses in this file store in `self.names` (`self.names = names` in `__init__`, given by the calls
        that build it). None when nothing stores it or one stored value is not a container the file shows."""
        related = [other for other in self.index.all_classes()
                   if other is info or self._inherits(other, info) or self._inherits(info, other)]
        stores = [store for other in related for store in other.instance_attributes.get(attr, ())]
        if not stores or any(attr in other.scope.bindings for other in related):
            return None  # (a class-level value as well: left to the value resolution)
        values: list[Any] = []
        for value, value_scope in stores:
            found = self._elements(value, value_scope, depth + 1)
            if found is None:
                return None
            values.extend(found)
        return _dedupe(values)

    def literal(self, node: ast.AST | None, scope: Scope, types: tuple[type[ast.AST], ...],
                depth: int = 0) -> tuple[ast.AST, Scope] | None:
        """Follow names to a single literal container node of one of `types` (with what the file adds to it
        later: `L.append(x)`, `D[k] = v`, `D.update(...)`; None when something unknown is added).

        The node is typed `ast.AST`: mypy cannot tie it to `types`, so callers reading `.elts`/`.keys` of the kind
        they asked for say so with `# type: ignore[attr-defined]`."""
        for _ in range(8):
            if isinstance(node, types):
                return node, scope
            if isinstance(node, ast.Name):
                bindings = self._lookup(node.id, scope)
                if not bindings or len(bindings) != 1 or bindings[0].how != "value" or bindings[0].scope is None \
                        or id(bindings) in self._following:
                    return None  # (or a name followed back to itself: `x = y`, `y = x`, `L.extend(L)`)
                self._following.add(id(bindings))
                try:
                    found = self.literal(bindings[0].node, bindings[0].scope, types, depth)
                    return None if found is None else self._with_stores(node.id, bindings, *found)
                finally:
                    self._following.discard(id(bindings))
            if isinstance(node, ast.Attribute) and (built := self._constructor_keyword(node, scope)) is not None:
                node, scope = built  # `self.metadata.dataset["path"]`
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args \
                    and node.func.attr == "items" and ast.List in types:
                found = self.literal(node.func.value, scope, (ast.Dict,), depth)
                if found is None or any(k is None for k in found[0].keys):  # type: ignore[attr-defined]
                    return None
                pairs = ast.List(elts=[ast.Tuple(elts=[k, v], ctx=ast.Load()) for k, v in zip(
                    found[0].keys, found[0].values, strict=True)], ctx=ast.Load())  # type: ignore[attr-defined]
                self._keep.append(pairs)
                return pairs, found[1]
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args \
                    and node.func.attr in ("keys", "values") and ast.Dict in types:
                found = self.literal(node.func.value, scope, (ast.Dict,), depth)
                if found is None:
                    return None
                container, container_scope = found
                if node.func.attr == "values":
                    return ast.List(elts=list(container.values)), container_scope  # type: ignore[attr-defined]
                return ast.List(elts=[k for k in container.keys if k is not None]), container_scope  # type: ignore
            if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords \
                    and self.qualname(node.func, scope)[0] in _CONTAINER_CALLS:
                node = node.args[0]  # `OmegaConf.create({...})`, `list(MODELS)`
            else:
                return None
        return None

    def _constructor_keyword(self, node: ast.Attribute, scope: Scope) -> tuple[ast.AST, Scope] | None:
        """`self.metadata.dataset` in a method, where the method's class says `metadata = TaskMetadata(...,
        dataset={...})` (and no method stores another `self.metadata`), or `meta.dataset` with `meta` bound once to
        such a call: the keyword the object was built with. A record class (pydantic model, dataclass, attrs) keeps
        what it is given under the keyword's name; only a class's call counts (its name is capitalised), not a
        function's, whose result may be anything."""
        base = node.value
        bindings: list[Binding] | None = None
        if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) \
                and base.value.id == scope.self_name and scope.class_info is not None:
            info = scope.class_info
            if info.instance_attributes.get(base.attr):
                return None
            bindings = info.scope.bindings.get(base.attr)
        elif isinstance(base, ast.Name):
            bindings = self._lookup(base.id, scope)
        if not bindings or len(bindings) != 1 or bindings[0].how != "value" or bindings[0].scope is None:
            return None
        call = bindings[0].node
        if not isinstance(call, ast.Call):
            return None
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if not name[:1].isupper():
            return None
        keyword = next((k.value for k in call.keywords if k.arg == node.attr), None)
        return (keyword, bindings[0].scope) if keyword is not None else None

    def _with_stores(self, name: str, bindings: list[Binding], container: ast.AST,
                     scope: Scope) -> tuple[ast.AST, Scope] | None:
        """`container` with the items the file stores into the variable `name` anywhere (flow-insensitive)."""
        stores = self._same_name(name, bindings, self.index.facts_for(name).item_stores.get(name, []))
        if not stores:
            return container, scope
        keys: list[ast.expr] = []
        values: list[ast.expr] = []
        for how, node, store_scope in stores:
            if how == "__setitem__":
                key, value = node.elts
                keys.append(Scoped([(key, store_scope)]))
                values.append(Scoped([(value, store_scope)]))
            elif how in ("append", "add") and len(node.args) == 1:
                values.append(Scoped([(node.args[0], store_scope)]))
            elif how == "insert" and len(node.args) == 2:
                values.append(Scoped([(node.args[1], store_scope)]))
            elif how in ("pop", "remove", "discard", "popitem", "get"):
                continue  # taking an item out adds no value (a missing key reads as unknown anyway)
            elif how in ("update", "setdefault") and isinstance(container, ast.Dict):
                entries = self._call_entries(node, store_scope)
                if entries is None:
                    return None
                for entry_key, entry in entries.items():
                    keys.append(ast.Constant(entry_key))
                    values.append(Scoped([entry]))
            elif how == "extend" and len(node.args) == 1:
                more = self.literal(node.args[0], store_scope, (ast.List, ast.Tuple, ast.Set))
                if more is None:
                    return None
                values.extend(Scoped([(e, more[1])]) for e in more[0].elts)  # type: ignore[attr-defined]
            else:
                return None
        if isinstance(container, ast.Dict):
            if len(keys) != len(values):
                return None
            merged: ast.AST = ast.Dict(
                keys=[Scoped([(k, scope)]) if k is not None else None for k in container.keys] + keys,
                values=[Scoped([(v, scope)]) for v in container.values] + values)
        elif isinstance(container, (ast.List, ast.Tuple, ast.Set)):
            elements = [Scoped([(e, scope)]) for e in container.elts] + values
            # A set has no `ctx` (passing one is deprecated since Python 3.13, an error from 3.15).
            merged = ast.Set(elts=elements) if isinstance(container, ast.Set) else \
                type(container)(elts=elements, ctx=ast.Load())
            merged.merged = True  # type: ignore[union-attr]  # a marker of ours: `L[0]` may be any element now
        else:
            return None
        self._keep.append(merged)
        return merged, scope

    def _call_entries(self, call: ast.Call, scope: Scope) -> dict[str, tuple[ast.AST, Scope]] | None:
        """The entries `D.update(...)` / `D.setdefault(k, v)` adds (None when unknown)."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "setdefault":
            if len(call.args) != 2 or call.keywords:
                return None
            keys = self.resolve(call.args[0], scope)
            if keys is None or len(keys) != 1 or not isinstance(keys[0], str):
                return None
            return {keys[0]: (call.args[1], scope)}
        entries: dict[str, tuple[ast.AST, Scope]] = {}
        for argument in call.args:
            inner = self.mapping(argument, scope)
            if inner is None:
                return None
            entries.update(inner)
        for keyword in call.keywords:
            if keyword.arg is None:
                inner = self.mapping(keyword.value, scope)
                if inner is None:
                    return None
                entries.update(inner)
            else:
                entries[keyword.arg] = (keyword.value, scope)
        return entries

    def _subscript(self, node: ast.Subscript, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        part = self._split_part(node, scope, depth)
        if part is not None:
            return part
        literal = self.literal(node.value, scope, (ast.Dict, ast.List, ast.Tuple, ast.Set), depth)
        if literal is None:
            routed = self._routed_entry(node.value, node.slice, None, scope, depth)
            return routed if routed is not None else self._member(node.value, node.slice, scope, depth)
        if isinstance(literal[0], ast.Set):  # `list(S)[0]`: a set has no order, any element may come first
            return self._elements(*literal, depth)
        container, container_scope = literal
        keys = self._lookup_keys(node.slice, scope, depth)
        if isinstance(container, ast.Dict):
            if keys is not None and UNKNOWN not in keys:
                chosen = [v for k, v in zip(container.keys, container.values, strict=True)
                          if k is not None and any(key in keys for key in self.resolve(k, container_scope) or ())]
                if chosen:
                    return self._union(chosen, container_scope, depth)
            return self._union(list(container.values), container_scope, depth)
        elements = container.elts  # type: ignore[attr-defined]
        if any(isinstance(e, ast.Starred) for e in elements):
            return None
        if keys is not None and all(isinstance(k, int) and not isinstance(k, bool) for k in keys) \
                and not getattr(container, "merged", False):
            try:
                return self._union([elements[k] for k in keys], container_scope, depth)
            except IndexError:
                return None
        return self._union(list(elements), container_scope, depth)

    def _split_part(self, node: ast.Subscript, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        """`name.split("/")[-1]`, `name.rsplit("/", 1)[1]`: that part of each string `name` may hold (a repository
        named after the model it was made from: `f"{user}/{model_id.split('/')[-1]}-ft"`); None for any other
        subscript."""
        call, index = node.value, node.slice
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) \
                or call.func.attr not in ("split", "rsplit") or call.keywords or not 1 <= len(call.args) <= 2 \
                or not isinstance(index, (ast.Constant, ast.UnaryOp)):
            return None
        arguments = [a.value if isinstance(a, ast.Constant) else None for a in call.args]
        position = index.value if isinstance(index, ast.Constant) else (
            -index.operand.value if isinstance(index.op, ast.USub) and isinstance(index.operand, ast.Constant)
            and type(index.operand.value) is int else None)
        limit = arguments[1] if len(arguments) == 2 else -1
        separator = arguments[0]
        if not isinstance(separator, str) or not separator or not isinstance(position, int) \
                or isinstance(position, bool) or not isinstance(limit, int) or isinstance(limit, bool):
            return None
        values: list[Any] = []
        for value in self._known(call.func.value, scope, depth):
            if not isinstance(value, str):
                values.append(UNKNOWN)
                continue
            parts = value.split(separator, limit) if call.func.attr == "split" else value.rsplit(separator, limit)
            values.append(parts[position] if -len(parts) <= position < len(parts) else UNKNOWN)
        return _dedupe(values)

    def _lookup_keys(self, key: ast.AST, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        """The keys a lookup in a literal dict may use; None (any key) when the key is a parameter of a function
        called where the file does not show (no call in the file, or used as a value): a table indexed by such a
        parameter serves every key its callers pass, not only the parameter's default
        (`def setup(name="a/x"): processor = PROCESSORS.get(name, "a/y")`)."""
        if isinstance(key, ast.Name):
            for binding in self._lookup(key.id, scope) or ():
                function = binding.function
                if binding.how == "param" and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    sites, used_as_value = self._call_sites(function, binding.scope)
                    if sites is None or used_as_value:
                        return None
        return self.resolve(key, scope, depth)

    def _dict_alternatives(self, node: ast.AST, scope: Scope, depth: int) -> list[tuple[ast.Dict, Scope]] | None:
        """The literal dicts `node` may be when it is an item of a literal dict of dicts picked by a key that may
        be any of several (`defaults = DEFAULT_MODELS[args.model_name]`): each of them, or None."""
        for _ in range(8):
            if isinstance(node, ast.Name):
                bindings = self._lookup(node.id, scope)
                if not bindings or len(bindings) != 1 or bindings[0].how != "value" or bindings[0].scope is None:
                    return None
                node, scope = bindings[0].node, bindings[0].scope
                continue
            if not isinstance(node, ast.Subscript):
                return None
            outer = self.literal(node.value, scope, (ast.Dict,), depth)
            if outer is None:
                return None
            container, container_scope = outer
            keys = self.resolve(node.slice, scope, depth)
            values = list(container.values)  # type: ignore[attr-defined]
            if keys is not None and UNKNOWN not in keys:
                values = [v for k, v in zip(container.keys, values, strict=True)  # type: ignore[attr-defined]
                          if k is not None and any(key in keys for key in self.resolve(k, container_scope) or ())]
            alternatives = []
            for value in values:
                found = self.literal(value, container_scope, (ast.Dict,), depth)
                if found is None:
                    return None
                alternatives.append(found)
            return alternatives or None  # type: ignore[return-value]
        return None

    def _routed_entry(self, base: ast.AST, key: ast.AST, default: ast.AST | None, scope: Scope,
                      depth: int) -> tuple[Any, ...] | None:
        """`defaults["model"]` / `defaults.get("revision", "main")` where `defaults` is one of several literal
        dicts (`_dict_alternatives`): the entry of each that has it, and the default for each that does not (a
        subscript of a dict without the key raises, so it adds nothing). None when `base` is not such a dict."""
        keys = self.resolve(key, scope, depth)
        if keys is None or len(keys) != 1 or not isinstance(keys[0], str):
            return None
        alternatives = self._dict_alternatives(base, scope, depth)
        if alternatives is None:
            return None
        values: list[Any] = []
        for container, container_scope in alternatives:
            entries = self.mapping(container, container_scope)
            if entries is None:
                return None
            if keys[0] in entries:
                values.extend(self._known(*entries[keys[0]], depth))
            elif default is not None:
                values.extend(self._known(default, scope, depth))
        return _dedupe(values) if values else None

    def _returned_attribute(self, call: ast.AST, scope: Scope, attr: str, depth: int) -> tuple[Any, ...] | None:
        """`args.model` where `args = parse_args()` and `parse_args` is a function of this file: the attribute
        of each name it returns, read in the function (its argparse defaults and what it stores there)."""
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            return None
        owner = scope.owner_of(call.func.id)
        bindings = owner.bindings.get(call.func.id) if owner is not None else None
        if not bindings or len(bindings) != 1 or bindings[0].how != "object" \
                or not isinstance(bindings[0].node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        function = bindings[0].node
        inner = self.index.scope_for(function, owner)  # type: ignore[arg-type]
        values: list[Any] = []
        for statement in ast.walk(function):
            returned = statement.value if isinstance(statement, ast.Return) else None
            if isinstance(returned, ast.Call) and isinstance(returned.func, ast.Attribute) \
                    and returned.func.attr in ARGPARSE_PARSE_CALLS:  # `return parser.parse_args()`
                values.extend(self._namespace_attribute(attr, depth) or (UNKNOWN,))
            elif isinstance(statement, ast.Return) and isinstance(statement.value, ast.Name):
                attribute = ast.Attribute(value=statement.value, attr=attr, ctx=ast.Load())
                self._keep.append(attribute)
                found = self._known(attribute, inner, depth)
                if _fills_none(function, statement.value.id, attr):
                    found = tuple(v for v in found if v is not None)
                values.extend(found)
        return _dedupe(values) if values else None

    # ------------------------------------------------------------------------------------- attributes

    def _attribute(self, node: ast.Attribute, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        base, attr = node.value, node.attr
        if isinstance(base, ast.Call):  # `Config().model` / `Args(model="org/m").model`: a class of this file
            constructed = self._constructed_class(base, scope)
            if constructed is None:
                return self._member(base, ast.Constant(attr), scope, depth)
            return self._constructed_attribute(constructed, base, scope, attr, depth)
        if not isinstance(base, ast.Name):
            return self._member(base, ast.Constant(attr), scope, depth)
        bindings = self._lookup(base.id, scope)
        stored = self._stored_attribute(base.id, bindings, attr, depth)
        found = self._base_attribute(base, bindings, attr, scope, depth)
        if stored is None:
            return found
        # What the file stores comes first: it is set after the object is built (`args.model = DEFAULTS[...]`
        # after `parse_args()`), so it is the likelier value; the order never changes the set.
        return _dedupe([*stored, *((UNKNOWN,) if found is None else found)])

    def _base_attribute(self, base: ast.Name, bindings: list[Binding] | None, attr: str, scope: Scope,
                        depth: int) -> tuple[Any, ...] | None:
        if base.id == scope.self_name and scope.class_info is not None:
            return self._class_attribute(scope.class_info, attr, depth, instance=True)
        annotated = self._annotated_class(bindings[0]) if bindings and len(bindings) == 1 else None
        if annotated is not None:  # `def __init__(self, config: Config)`: that class's fields, not every class's
            found = self._class_attribute(annotated, attr, depth, instance=True)
            passed = self._passed_instances(bindings, attr, depth)
            # A class of another module types a parameter of an API the repository's other modules call (helm's
            # `make_request(self, request: Request)`): the instance they pass is not in this file.
            elsewhere = (UNKNOWN,) if id(annotated) in self._foreign else ()
            return _dedupe([*(found or (UNKNOWN,)), *(passed or ()), *elsewhere])
        if self._is_namespace(base.id, bindings):
            found = self._namespace_attribute(attr, depth, bindings)
            passed = self._passed_instances(bindings, attr, depth)
            return found if passed is None else _dedupe([*(found or (UNKNOWN,)), *passed])
        if bindings and len(bindings) == 1:
            binding = bindings[0]
            if binding.how == "class" and binding.class_info is not None:
                return self._class_attribute(binding.class_info, attr, depth, instance=False)
            if binding.how == "value" and isinstance(binding.node, ast.Call) and binding.scope is not None:
                constructed = self._constructed_class(binding.node, binding.scope)
                if constructed is not None:
                    return self._constructed_attribute(constructed, binding.node, binding.scope, attr, depth)
                returned = self._returned_attribute(binding.node, binding.scope, attr, depth)
                if returned is not None:
                    return returned
        return self._member(base, ast.Constant(attr), scope, depth)

    def _annotated_class(self, binding: Binding) -> ClassInfo | None:
        """The file's class a parameter without a default is annotated with (`config: Config`, `"Config"`), looked
        up where the `def` is written: a method's annotations are evaluated in its class body, so the nested
        `Config` of that class is meant, not another class's `Config`."""
        if binding.how != "param" or binding.node is not None or binding.scope is None:
            return None
        annotation = _annotation_of(binding)
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            name = annotation.value
        elif isinstance(annotation, ast.Name):
            name = annotation.id
        else:
            return None
        if not name.isidentifier():
            return None
        found = self._lookup(name, binding.scope)
        if found and len(found) == 1 and found[0].how == "class":
            return found[0].class_info
        return self._imported_class(self.import_target(found))

    def _passed_instances(self, bindings: list[Binding] | None, attr: str, depth: int) -> list[Any] | None:
        """`attr` of the instances of the file's classes that the calls pass for a parameter
        (`train(TrainArgs(model="org/m"))` with `def train(args): ... args.model`); None when no call does."""
        if not bindings or len(bindings) != 1 or bindings[0].how != "param":
            return None
        binding = bindings[0]
        if not isinstance(binding.function, (ast.FunctionDef, ast.AsyncFunctionDef)) or binding.target is None:
            return None
        sites, _ = self._call_sites(binding.function, binding.scope)
        values: list[Any] = []
        for call, scope, offset in sites or ():
            passed = _argument_for(call, binding.function, binding.target, offset)
            if isinstance(passed, ast.Name):  # `args = TrainArgs(...)` then `train(args)`
                named = self._lookup(passed.id, scope)
                if named and len(named) == 1 and named[0].how == "param" and id(named[0]) not in self._forwarded:
                    # `def train(cfg): load(cfg)`: a parameter passed on holds what the callers of its function pass
                    self._forwarded.add(id(named[0]))
                    try:
                        forwarded = self._passed_instances(named, attr, depth + 1)
                        if forwarded:  # (what the function stores on it counts only for an instance it is given)
                            values.extend([*(self._stored_attribute(passed.id, named, attr, depth) or ()), *forwarded])
                    finally:
                        self._forwarded.discard(id(named[0]))
                    continue
                if named and len(named) == 1 and named[0].how == "value" and named[0].scope is not None:
                    stores_of = passed.id
                    passed, scope = named[0].node, named[0].scope
                    if isinstance(passed, ast.Call) and self._constructed_class(passed, scope) is not None:
                        # what the caller stores on it first (`args.model = cli.model` before `train(args)`)
                        values.extend(self._stored_attribute(stores_of, named, attr, depth) or ())
            if isinstance(passed, ast.Call):
                constructed = self._constructed_class(passed, scope)
                if constructed is not None:
                    values.extend(self._constructed_attribute(constructed, passed, scope, attr, depth) or (UNKNOWN,))
        return values or None

    def _stored_attribute(self, name: str, bindings: list[Binding] | None, attr: str,
                          depth: int) -> tuple[Any, ...] | None:
        """Values that `name.attr = value` / `setattr(name, "attr", value)` store anywhere in the file."""
        if not bindings:
            return None
        stores = [store for store in self.index.facts_for(name).attribute_stores.get(name, ())
                  if not isinstance(store[0], ast.Constant) or store[0].value == attr]  # cheap test first
        values: list[Any] = []
        for attribute, value, scope in self._same_name(name, bindings, stores):
            names = self.resolve(attribute, scope, depth) if attribute is not None else None
            if names is None or UNKNOWN in names or attr in names:  # `setattr(cfg, name, v)` may set any
                values.extend(self._known(value, scope, depth))
        return _dedupe(values) if values else None

    def _member(self, base: ast.AST, key: ast.AST, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        """`cfg.model` / `cfg["model"]` / `cfg.model.name` of a namespace or config object: the value it was
        built with, or None when it was read from a file (`OmegaConf.load`) or cannot be known. `(OBJECT,)` when
        `base` is a loaded model or client (`pipe.model`), except for the attributes that name a repository
        (`peft_config.base_model_name_or_path`): unknown."""
        keys = self.resolve(key, scope, depth)
        if keys is None or len(keys) != 1 or not isinstance(keys[0], str):
            return None
        origin = self._origin(base, scope)
        if origin == "object":
            return None if keys[0].endswith(LOADED_ID_ATTRIBUTE_SUFFIXES) else (OBJECT,)
        if origin != "namespace":
            return None
        entries = self.mapping(base, scope, 0)
        if entries is None or keys[0] not in entries:
            return None  # read from a file, or set where the file does not show
        return self.resolve(*entries[keys[0]], depth)

    def _origin(self, node: ast.AST, scope: Scope, depth: int = 0) -> str:
        """Where an object comes from: `namespace` (built from data or read from a config file), `object` (a
        model, client or module), or `unknown`."""
        if depth > 8 or not self._step():
            return "unknown"
        for _ in range(8):
            if isinstance(node, (ast.Attribute, ast.Subscript)):
                node = node.value
                continue
            if isinstance(node, ast.Name):
                bindings = self._lookup(node.id, scope)
                if not bindings:
                    return "unknown"
                origins = set()
                for binding in bindings:
                    if binding.how == "value" and binding.node is not None and binding.scope is not None:
                        origins.add(self._origin(binding.node, binding.scope, depth + 1) if not isinstance(
                            binding.node, ast.Name) else "unknown")
                    else:
                        origins.add("unknown")
                return origins.pop() if len(origins) == 1 else "unknown"
            if isinstance(node, ast.Call):
                dotted, _ = self.qualname(node.func, scope)
                if dotted in NAMESPACE_FACTORIES or dotted in CONFIG_READERS or dotted.endswith(
                        tuple("." + name for name in CONFIG_READERS if "." in name)):
                    return "namespace"
                last = dotted.rsplit(".", 1)[-1]
                if last in CONFIG_READERS or last in ("safe_load", "fromfile"):
                    return "namespace"
                return "object" if last in OBJECT_METHODS or last[:1].isupper() else "unknown"
            if isinstance(node, (ast.Dict, ast.DictComp)):
                return "namespace"
            return "unknown"
        return "unknown"

    def _constructed_attribute(self, info: ClassInfo, call: ast.Call, scope: Scope, attr: str,
                               depth: int) -> tuple[Any, ...] | None:
        """`attr` of the instance `call` builds: the keyword passed for it, else the class's own value. With
        positional arguments or `**kwargs` any attribute may come from the call (`Args("org/m")` of a
        dataclass), so only a keyword for it or nothing counts."""
        passed = next((k.value for k in call.keywords if k.arg == attr), None)
        if passed is not None:
            return self.resolve(passed, scope, depth)
        if call.args or any(k.arg is None for k in call.keywords):
            return None
        return self._class_attribute(info, attr, depth, instance=True)

    def instance_has_method(self, name: str, method: str, scope: Scope) -> bool:
        """`name` holds an instance of a class of this file (its one binding is `name = C(...)`) that defines
        `method` itself (`state = ModelState(); state.load(...)`): the calls `_call_sites` follows into the method's
        parameters (an inherited method's are not followed)."""
        bindings = self._lookup(name, scope)
        if not bindings or len(bindings) != 1 or bindings[0].how != "value" or bindings[0].scope is None \
                or not isinstance(bindings[0].node, ast.Call):
            return False
        info = self._constructed_class(bindings[0].node, bindings[0].scope, imported=False)
        return info is not None and any(b.how == "object" for b in info.scope.bindings.get(method, ()))

    def _constructed_class(self, call: ast.Call, scope: Scope, *, imported: bool = True) -> ClassInfo | None:
        """The class `call` builds an instance of: a class of this file (`Config()`), or, unless `imported` is
        False, one imported from another module of the repository (`TrainConfig()`, `config.TrainConfig()`)."""
        if isinstance(call.func, ast.Name):
            bindings = self._lookup(call.func.id, scope)
            if bindings and len(bindings) == 1 and bindings[0].how == "class":
                return bindings[0].class_info
            return self._imported_class(self.import_target(bindings)) if imported else None
        if imported and isinstance(call.func, ast.Attribute) and self.index.imported_classes is not None:
            dotted, origin = self.qualname(call.func, scope)
            return self._imported_class(dotted) if origin == "import" else None
        return None

    def _imported_class(self, target: str | None) -> ClassInfo | None:
        """The class another module of the repository defines under the dotted name `target` (None: not such a
        class, not read, or no file of the repository); its attributes are read by that module's resolver."""
        if target is None or self.index.imported_classes is None:
            return None
        found = self.index.imported_classes(target)
        if found is None:
            return None
        info, resolver = found
        self._foreign[id(info)] = resolver
        return info

    def _file_bases(self, info: ClassInfo) -> list[ClassInfo]:
        """The base classes of `info` that are classes of this file (`class B(A)` with `A` here)."""
        outer = info.scope.parent or self.index.module
        found: list[ClassInfo] = []
        for base in info.scope.node.bases:  # type: ignore[attr-defined]
            if isinstance(base, ast.Name):
                bindings = self._lookup(base.id, outer)
                if bindings and len(bindings) == 1 and bindings[0].how == "class" and bindings[0].class_info:
                    found.append(bindings[0].class_info)
        return found

    def _own_attribute(self, info: ClassInfo, attr: str, depth: int, instance: bool) -> list[Any]:
        values: list[Any] = []
        bindings = info.scope.bindings.get(attr)
        if bindings:
            values.extend(self._bindings_values(bindings, depth) or (UNKNOWN,))
        if instance:
            for value, value_scope in info.instance_attributes.get(attr, ()):
                values.extend(self._known(value, value_scope, depth))
        return values

    def _class_attribute(self, info: ClassInfo, attr: str, depth: int, *, instance: bool) -> tuple[Any, ...] | None:
        foreign = self._foreign.get(id(info))
        if foreign is not None:  # a class of another module: read by that module's resolver (its defaults there)
            values = [*(foreign._class_attribute(info, attr, depth, instance=instance) or ()),
                      *self._class_stores(info, attr, depth)]
            return _dedupe(values) if values else None
        values = self._own_attribute(info, attr, depth, instance)
        pending, seen = self._file_bases(info), {id(info)}
        while not values and pending:  # inherited from a base class of this file (the nearest that sets it)
            base = pending.pop(0)
            if id(base) not in seen:
                seen.add(id(base))
                values = self._own_attribute(base, attr, depth, instance)
                pending.extend(self._file_bases(base))
        if instance and values:
            # `self.x` in a method may be an instance of a subclass of this file that sets `x` itself
            for other in self.index.all_classes():
                if id(other) not in seen and self._inherits(other, info):
                    values.extend(self._own_attribute(other, attr, depth, False))
        values.extend(self._class_stores(info, attr, depth))
        return _dedupe(values) if values else None

    def _class_stores(self, info: ClassInfo, attr: str, depth: int) -> list[Any]:
        """`Config.model = "org/other"` anywhere in this file, `Config` being `info` (defined here or imported)."""
        values: list[Any] = []
        for attribute, value, scope in self.index.facts_for(info.name).attribute_stores.get(info.name, ()):
            bindings = self._lookup(info.name, scope)
            if bindings and (any(b.class_info is info for b in bindings)
                             or self._imported_class(self.import_target(bindings)) is info):
                names = self.resolve(attribute, scope, depth) if attribute is not None else None
                if names is None or UNKNOWN in names:
                    values.append(UNKNOWN)
                elif attr in names:
                    values.extend(self._known(value, scope, depth))
        return values

    def _inherits(self, info: ClassInfo, ancestor: ClassInfo) -> bool:
        pending, seen = self._file_bases(info), set()
        while pending:
            base = pending.pop()
            if base is ancestor:
                return True
            if id(base) not in seen:
                seen.add(id(base))
                pending.extend(self._file_bases(base))
        return False

    def _is_namespace(self, name: str, bindings: list[Binding] | None) -> bool:
        """Is `name` an argparse/HfArgumentParser result (or an unknown `args` parameter)?"""
        if bindings is None:
            return True
        for binding in bindings:
            if binding.how == "param" and binding.node is None:
                continue
            if binding.how in ("value", "unpack") and isinstance(binding.node, ast.Call) \
                    and isinstance(binding.node.func, ast.Attribute) \
                    and binding.node.func.attr in ARGPARSE_PARSE_CALLS:
                continue
            return False
        return True

    def _namespace_attribute(self, attr: str, depth: int,
                             bindings: list[Binding] | None = None) -> tuple[Any, ...] | None:
        # Each default comes from a `.add_argument(...)` or `.set_defaults(...)` call: its statement spells one.
        defaults = self.index.facts_for("add_argument", "set_defaults").argparse_defaults
        if attr in defaults:
            values: list[Any] = []
            for default, default_scope in defaults[attr]:
                found = self.resolve(default, default_scope, depth) if default is not None else None
                if found is None:
                    return None  # no default: the value comes from the command line
                values.extend(found)
                if None in found or "" in found:
                    values.append(UNKNOWN)  # `default=None` / `default=''`: the command line gives the value
            return _dedupe(values)
        values = []
        for info in [*self.index.all_classes(), *self._parsed_imported_classes(bindings)]:
            if attr in info.scope.bindings:
                found = self._class_attribute(info, attr, depth, instance=False)
                if found is None:
                    return None
                values.extend(found)
        if values and any(isinstance(b.node, ast.Call) and isinstance(b.node.func, ast.Attribute)
                          and b.node.func.attr in FILE_PARSE_CALLS for b in bindings or ()):
            values.append(UNKNOWN)  # `parse_yaml_file(path)`: the file may set the field; the default is one value
        return _dedupe(values) if values else None

    def _parsed_imported_classes(self, bindings: list[Binding] | None) -> list[ClassInfo]:
        """The classes of other modules of the repository that the parser of `bindings` fills
        (`HfArgumentParser((ModelArguments, DataArguments))` with `from .arguments import ModelArguments, ...`,
        then `model_args, data_args = parser.parse_args_into_dataclasses()`)."""
        if self.index.imported_classes is None:
            return []
        found: list[ClassInfo] = []
        for binding in bindings or ():
            parsed = binding.node
            if binding.how not in ("value", "unpack") or not isinstance(parsed, ast.Call) \
                    or not isinstance(parsed.func, ast.Attribute) or binding.scope is None:
                continue
            parser, scope = parsed.func.value, binding.scope
            if isinstance(parser, ast.Name):
                named = self._lookup(parser.id, scope)
                if not named or len(named) != 1 or named[0].how != "value" or named[0].scope is None:
                    continue
                parser, scope = named[0].node, named[0].scope
            if not isinstance(parser, ast.Call) or not parser.args:
                continue
            classes = parser.args[0]
            for element in classes.elts if isinstance(classes, (ast.Tuple, ast.List)) else [classes]:
                if isinstance(element, (ast.Name, ast.Attribute)):
                    dotted, origin = self.qualname(element, scope)
                    info = self._imported_class(dotted) if origin == "import" else None
                    if info is not None and info not in found:
                        found.append(info)
        return found

    # ------------------------------------------------------------------------------------------- calls

    def _call(self, node: ast.Call, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        dotted, _ = self.qualname(node.func, scope)
        if dotted in GETENV_CALLS or dotted in ("getenv", "environ.get"):
            # The environment may hold anything: the default is one candidate, the variable's value another.
            default = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg in ("default", "value")), None)
            return None if default is None else _dedupe([*self._known(default, scope, depth), UNKNOWN])
        name = dotted.rsplit(".", 1)[-1]
        if name in FIELD_CALLS or dotted in FIELD_CALLS:
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            if default is None and name == "Field" and node.args:
                default = node.args[0]
            return self.resolve(default, scope, depth) if default is not None else None
        if dotted in PATH_JOIN_CALLS:
            joined = self._joined(node.args, scope, depth)
            if len(node.args) == 1 and joined is not None:
                return joined
            return joined if joined is not None and UNKNOWN not in joined else (OBJECT,)  # a filesystem path
        if dotted in PATH_CALLS:
            # `Path("org/m")`: `from_pretrained` reads `str(path)`, a Hub id when no such directory exists.
            return self._joined(node.args, scope, depth) if node.args and not node.keywords else (OBJECT,)
        if dotted in PATH_EXPANDING_CALLS and len(node.args) == 1 and not node.keywords:
            found = self.resolve(node.args[0], scope, depth)
            return None if found is None else _dedupe(
                OBJECT if isinstance(v, str) and v.startswith("~") else v for v in found)
        if dotted in LOCAL_COPY_CALLS:
            source = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "src"), None)
            found = self.resolve(source, scope, depth) if source is not None else None
            return None if found is None else _dedupe(  # a remote path comes back as a local copy's path
                OBJECT if isinstance(v, str) and "://" in v else v for v in found)
        if dotted == "str" and len(node.args) == 1:
            found = self.resolve(node.args[0], scope, depth)
            return None if found is None else _dedupe(
                v if isinstance(v, str) or v is UNKNOWN or v is OBJECT else str(v) for v in found)
        if dotted == "getattr" and len(node.args) == 3 and not node.keywords:
            attribute = ast.Attribute(value=node.args[0], attr="", ctx=ast.Load())
            names = self.resolve(node.args[1], scope, depth)
            found = None
            if names is not None and len(names) == 1 and isinstance(names[0], str):
                attribute.attr = names[0]
                self._keep.append(attribute)
                found = self.resolve(attribute, scope, depth)
            return _dedupe([*(found or (UNKNOWN,)), *self._known(node.args[2], scope, depth)])
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "pop") and not node.keywords \
                and 1 <= len(node.args) <= 2:
            return self._get(node, scope, depth)
        if name in OBJECT_METHODS or name[:1].isupper():
            return (OBJECT,)
        return None

    def _get(self, node: ast.Call, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        """`d.get("k", "org/m")` / `kwargs.pop("k", "org/m")`: the entry of a literal dict, else the default and
        the unknown value the key may hold."""
        default = node.args[1] if len(node.args) > 1 else ast.Constant(None)
        base = node.func.value  # type: ignore[attr-defined]
        keys = self.resolve(node.args[0], scope, depth)
        entries = None
        if isinstance(base, ast.Name) and not any(b.how == "param" for b in self._lookup(base.id, scope) or ()):
            entries = self.mapping(base, scope)
        if entries is not None and keys is not None and len(keys) == 1 and isinstance(keys[0], str) \
                and self._lookup_keys(node.args[0], scope, depth) is not None:
            if keys[0] in entries:
                return self.resolve(*entries[keys[0]], depth)
            return self.resolve(default, scope, depth)
        if entries is not None and node.func.attr == "get":  # type: ignore[attr-defined]
            # A key that may be any (a parameter, a value read at run time): every entry, or the default.
            values: list[Any] = [*self._known(default, scope, depth)]
            for value, entry_scope in entries.values():
                values.extend(self._known(value, entry_scope, depth))
            return _dedupe(values)
        if entries is None:
            routed = self._routed_entry(base, node.args[0], default, scope, depth)
            if routed is not None:
                return routed
        if isinstance(base, ast.Name) and keys is not None and len(keys) == 1 and isinstance(keys[0], str):
            passed = self._keyword_arguments(base.id, scope, keys[0], depth)
            if passed is not None:
                return _dedupe([*self._known(default, scope, depth), *passed])
        if isinstance(base, ast.Name) and self._origin(base, scope) == "object":
            return (OBJECT,)  # `requests.get(...)`, `model.get(...)`: not a mapping of ids
        return _dedupe([*self._known(default, scope, depth), UNKNOWN])

    def _keyword_arguments(self, name: str, scope: Scope, key: str, depth: int) -> list[Any] | None:
        """`kwargs.get(key)` of a function's `**kwargs`: what the file's calls pass as `key=` (None when `name`
        is not a `**kwargs` parameter or the function has no call in the file)."""
        bindings = self._lookup(name, scope)
        if not bindings or len(bindings) != 1:
            return None
        function = bindings[0].function
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.args.kwarg is None \
                or function.args.kwarg.arg != name:
            return None
        sites, used_as_value = self._call_sites(function, bindings[0].scope)
        if not sites:
            return None
        values: list[Any] = [UNKNOWN] if used_as_value else []
        for call, site_scope, _ in sites:
            given = next((k.value for k in call.keywords if k.arg == key), None)
            if given is not None:
                values.extend(self._known(given, site_scope, depth))
            elif any(k.arg is None for k in call.keywords):
                values.append(UNKNOWN)
        return values

    def _joined(self, nodes: Sequence[ast.AST], scope: Scope, depth: int) -> tuple[Any, ...] | None:
        """`os.path.join` / `Path(...)` / `/` of resolvable parts, joined with `/`."""
        if not nodes:
            return None
        parts = []
        for node in nodes:
            found = self._known(node, scope, depth)
            parts.append(tuple(v if isinstance(v, str) else UNKNOWN for v in found))
        return self._combine(parts, lambda first, *rest: "/".join(
            [first.rstrip("/") if rest else first, *(p.strip("/") for p in rest)]))

    # ---------------------------------------------------------------------------------------- mappings

    def mapping(self, node: ast.AST, scope: Scope, depth: int = 0) -> dict[str, tuple[ast.AST, Scope]] | None:
        """The literal keys of a dict passed as `**kwargs` (or a nested `model_kwargs=`), or None if unknown;
        with what the file stores into it anywhere (`kwargs["trust_remote_code"] = True`,
        `kwargs.update(revision="main")`: each key then has every value it may hold)."""
        if depth > 8 or not self._step():
            return None
        if isinstance(node, Scoped):
            if len(node.options) != 1:
                return None
            return self.mapping(node.options[0][0], node.options[0][1], depth + 1)
        if isinstance(node, ast.Dict):
            entries: dict[str, tuple[ast.AST, Scope]] = {}
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    inner = self.mapping(value, scope, depth + 1)
                    if inner is None:
                        return None
                    entries.update(inner)
                    continue
                names = self.resolve(key, scope) if isinstance(key, Scoped) else (
                    (key.value,) if isinstance(key, ast.Constant) else None)
                if names is None or len(names) != 1 or not isinstance(names[0], str):
                    return None
                entries[names[0]] = (value, scope)  # a later key of the same literal wins
            return entries
        if isinstance(node, ast.Call):
            dotted, _ = self.qualname(node.func, scope)
            if dotted in NAMESPACE_FACTORIES:
                return self._call_entries(node, scope)
            return None
        if isinstance(node, ast.Attribute) and (built := self._constructor_keyword(node, scope)) is not None:
            return self.mapping(*built, depth + 1)  # `**self.metadata.dataset`
        if isinstance(node, (ast.Attribute, ast.Subscript)):  # `cfg.model` of a nested config
            keys = self.resolve(node.slice if isinstance(node, ast.Subscript) else ast.Constant(node.attr), scope)
            outer = self.mapping(node.value, scope, depth + 1)
            if outer is None or keys is None or len(keys) != 1 or keys[0] not in outer:
                return None
            value, value_scope = outer[keys[0]]
            return self.mapping(value, value_scope, depth + 1)
        if isinstance(node, ast.Name):
            bindings = self._lookup(node.id, scope)
            if bindings is not None and len(bindings) > 1:  # `args = Namespace(...)` twice: the one reaching here
                bindings = self._reaching.narrow(node, scope, bindings)
            if bindings and len(bindings) == 1 and bindings[0].how in ("value", "param") \
                    and bindings[0].node is not None and bindings[0].scope is not None \
                    and id(bindings) not in self._following:
                if bindings[0].how == "param" and bindings[0].function is not None \
                        and self._call_sites(bindings[0].function, bindings[0].scope)[0]:  # type: ignore[arg-type]
                    return None  # the file's calls pass other dicts
                self._following.add(id(bindings))  # (`d = dict(d)`, `D.update(D)` lead back here)
                try:
                    followed = self.mapping(bindings[0].node, bindings[0].scope, depth + 1)
                    return None if followed is None else self._stored_entries(node.id, bindings, followed)
                finally:
                    self._following.discard(id(bindings))
        if isinstance(node, ast.Constant) and node.value is None:
            return {}
        return None

    def _stored_entries(self, name: str, bindings: list[Binding],
                        entries: dict[str, tuple[ast.AST, Scope]]) -> dict[str, tuple[ast.AST, Scope]] | None:
        facts = self.index.facts_for(name)
        stores = self._same_name(name, bindings, facts.item_stores.get(name, []))
        for attribute, value, scope in self._same_name(name, bindings, facts.attribute_stores.get(name, [])):
            # `cfg.model = ...` / `setattr(cfg, "model", ...)` on a namespace: one more value of that entry
            if attribute is None or value is None:
                return None
            stores.append(("__setitem__", ast.Tuple(elts=[attribute, value], ctx=ast.Load()), scope))
        if not stores:
            return entries
        merged = dict(entries)
        for how, node, scope in stores:
            if how == "__setitem__":
                key, value = node.elts
                names = self.resolve(key, scope)
                if names is None or len(names) != 1 or not isinstance(names[0], str):
                    return None
                added: dict[str, tuple[ast.AST, Scope]] | None = {names[0]: (value, scope)}
            elif how in ("pop", "popitem"):
                target = node.slice if isinstance(node, ast.Subscript) else (
                    node.args[0] if node.args else None)
                names = self.resolve(target, scope) if target is not None else None
                if names is None or len(names) != 1 or not isinstance(names[0], str):
                    return None
                added = {names[0]: (ast.Constant(None), scope)}  # the key may be gone: its default applies
            elif how in ("update", "setdefault"):
                added = self._call_entries(node, scope)
            elif how in ("get",):
                continue
            else:
                return None
            if added is None:
                return None
            for key, entry in added.items():
                previous = merged.get(key)
                merged[key] = entry if previous is None else (Scoped([previous, entry]), scope)
        return merged


_NOT_PASSED = object()


def _fills_none(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, attr: str) -> bool:
    """The function's own body (not a branch of it) says `if name.attr is None: name.attr = ...`: once it has
    returned, `name.attr` is never None."""
    for statement in function.body:
        if not isinstance(statement, ast.If) or statement.orelse:
            continue
        test = statement.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
                and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None \
                and _is_attribute(test.left, name, attr) and any(
                    isinstance(s, ast.Assign) and any(_is_attribute(t, name, attr) for t in s.targets)
                    for s in statement.body):
            return True
    return False


def _equality_guard(owner: ast.AST, name: str, line: int) -> tuple[str, ...] | None:
    """The strings `name` must equal on `line`: it sits in the body of `if name == "x":` / `elif name in ("x", "y"):`
    (the innermost such test of `owner`'s own statements) and the body does not rebind `name`
    (`elif data_name == "gsm8k": load_dataset(data_name)` loads `gsm8k`). None when no such test holds there."""
    found: tuple[str, ...] | None = None
    body = getattr(owner, "body", ())
    statements = list(body) if isinstance(body, list) else []  # a lambda's body is one expression: no `if` there
    while statements:
        statement = next((s for s in statements if s.lineno <= line <= (s.end_lineno or s.lineno)), None)
        if statement is None or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            break
        if isinstance(statement, ast.If):
            body_lines = (statement.body[0].lineno, statement.body[-1].end_lineno or statement.body[-1].lineno)
            if body_lines[0] <= line <= body_lines[1]:
                compared = _compared_strings(statement.test, name)
                if compared is not None and not _rebinds(statement.body, name):
                    found = compared
                statements = statement.body
            else:
                statements = statement.orelse
            continue
        statements = [child for field_name in ("body", "orelse", "finalbody", "handlers")
                      for child in getattr(statement, field_name, ())]
    return found


def _compared_strings(test: ast.AST, name: str) -> tuple[str, ...] | None:
    """`name == "x"` (either side) or `name in ("x", "y")`: the strings; None for any other test."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    left, right = test.left, test.comparators[0]
    if isinstance(test.ops[0], ast.Eq):
        if isinstance(right, ast.Name) and right.id == name:
            left, right = right, left
        if isinstance(left, ast.Name) and left.id == name and isinstance(right, ast.Constant) \
                and isinstance(right.value, str):
            return (right.value,)
        return None
    if isinstance(test.ops[0], ast.In) and isinstance(left, ast.Name) and left.id == name \
            and isinstance(right, (ast.Tuple, ast.List, ast.Set)) and right.elts \
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in right.elts):
        return tuple(e.value for e in right.elts)  # type: ignore[attr-defined]
    return None


def _string_test(test: ast.AST, name: str, value: str) -> bool | None:
    """Whether `test` holds when `name` is `value`; None when it cannot be told (it reads anything else)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _string_test(test.operand, name, value)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        results = [_string_test(v, name, value) for v in test.values]
        if isinstance(test.op, ast.And):
            return False if False in results else True if all(r is True for r in results) else None
        return True if True in results else False if all(r is False for r in results) else None
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) \
            and test.func.attr in ("startswith", "endswith") and isinstance(test.func.value, ast.Name) \
            and test.func.value.id == name and len(test.args) == 1 and not test.keywords:
        affixes = _constant_strings(test.args[0])
        if affixes is None:
            return None
        return any(value.startswith(a) if test.func.attr == "startswith" else value.endswith(a) for a in affixes)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right, op = test.left, test.comparators[0], test.ops[0]
        if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, ast.Name) and right.id == name \
                and isinstance(left, ast.Constant) and isinstance(left.value, str):
            return (left.value in value) == isinstance(op, ast.In)  # `if "int4" in model_path:`: a substring
        if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(right, ast.Name) and right.id == name:
            left, right = right, left
        if not (isinstance(left, ast.Name) and left.id == name):
            return None
        if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(right, ast.Constant) and isinstance(right.value, str):
            return (value == right.value) == isinstance(op, ast.Eq)
        if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
            members = _constant_strings(right)
            return None if members is None else (value in members) == isinstance(op, ast.In)
    return None


def _constant_strings(node: ast.AST) -> tuple[str, ...] | None:
    """A string constant, or a literal tuple/list/set of them; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return tuple(e.value for e in node.elts)  # type: ignore[attr-defined]
    return None


def _rebinds(statements: list[ast.stmt], name: str) -> bool:
    return any(isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del))
               for statement in statements for node in ast.walk(statement))


def _is_attribute(node: ast.AST, name: str, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) \
        and node.value.id == name


def _argument_for(call: ast.Call, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str,
                  offset: int) -> Any:
    """What `call` passes for parameter `name`: an expression, an (expression, scope) entry of a literal
    `**kwargs`, None when it cannot be told (`*args`, unreadable `**kwargs`), `_NOT_PASSED` (the default)."""
    args = function.args
    positional = [a.arg for a in [*args.posonlyargs, *args.args]]
    position = positional.index(name) - offset if name in positional else None
    if position is not None and position < 0:
        return _NOT_PASSED
    for index, argument in enumerate(call.args):
        if isinstance(argument, ast.Starred):
            if position is not None and index <= position:
                return None
            break
        if index == position:
            return argument
    if args.vararg is not None and name == args.vararg.arg:
        return None
    if name not in {a.arg for a in args.posonlyargs}:
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value
    return None if any(k.arg is None for k in call.keywords) else _NOT_PASSED


def _dedupe(values: Iterable[Any]) -> tuple[Any, ...]:
    """Distinct values in order (`1` and `True` stay apart), in linear time."""
    seen: dict[Any, Any] = {}
    for value in values:
        try:
            seen.setdefault((type(value), value), value)
        except TypeError:  # an unhashable constant: compared by identity
            seen.setdefault((type(value), id(value)), value)
    return tuple(seen.values())


CLICK_PARAMETER_DECORATORS = frozenset({"click.option", "click.argument"})
"""Decorators that give a command's parameter its value (click always passes one, its `default=` when the user
gives none), whatever default the function itself declares."""


def _click_parameter_name(declarations: list[str]) -> str | None:
    """The parameter a click option or argument binds: a declaration without dashes names it (`"tokenizer_id"`),
    else the longest flag does (`--tokenizer-id` → `tokenizer_id`), as click derives it."""
    plain = [d for d in declarations if d.isidentifier()]
    if plain:
        return plain[0]
    flags = sorted((d for d in declarations if d.startswith("-")), key=lambda d: -len(d.lstrip("-")))
    if not flags:
        return None
    return flags[0].lstrip("-").replace("-", "_").lower()

"""Same-file static resolution of the values passed to loading APIs (never imports or runs anything).

What a name can be resolved from: module constants, class attributes (incl. dataclass `field(default=)` and
pydantic `Field(...)`), `self.x = ...` in methods, function parameter defaults, local assignments, `for` loops
over literal lists, argparse `add_argument(default=)` / `set_defaults`, `os.getenv` / `os.environ.get`
defaults, f-strings and `+` of resolvable parts, literal dicts and `dict(...)` (for `**kwargs`), subscripts of
literal dicts and lists, and `a if c else b` / `a or b` (every branch is a candidate).

`Resolver.resolve` answers with a tuple of candidate values (several when a name is bound more than once or
loops over a list), or None when the value cannot be known statically. `OBJECT` stands for a value that is
not a string at all (a loaded model, a module, a class): it is not an id and never becomes a reference.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import product
from typing import Any

OBJECT = type("Object", (), {"__repr__": lambda self: "OBJECT"})()
"""A non-string value (model object, module, class, function): not an id."""
MAX_CANDIDATES = 256
MAX_DEPTH = 40

ARGPARSE_PARSE_CALLS = frozenset({
    "parse_args", "parse_known_args", "parse_args_into_dataclasses", "parse_dict", "parse_json_file",
    "parse_yaml_file", "parse_intermixed_args",
})
GETENV_CALLS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.getenvb"})
PATH_JOIN_CALLS = frozenset({"os.path.join", "path.join", "posixpath.join"})
FIELD_CALLS = frozenset({"field", "Field", "attr.ib", "attrs.field"})
# Calls whose result is an object (a model, a tensor, a client), not an id string.
OBJECT_METHODS = frozenset({
    "from_pretrained", "from_config", "from_single_file", "from_preset", "to", "cuda", "cpu", "eval", "half",
    "float", "bfloat16", "train", "compile", "pipeline", "load", "load_model", "AutoModel", "get_model",
})


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


@dataclass(frozen=True)
class Binding:
    """One way a name gets a value in a scope."""

    how: str
    """`value`, `param`, `for`, `unpack`, `import`, `object`, `class`, or `unknown`."""
    node: ast.AST | None = None
    scope: Scope | None = None
    """The scope `node` is evaluated in."""
    class_info: ClassInfo | None = None
    target: str | None = None
    """For `import`: the dotted name it stands for."""


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

    @property
    def bindings(self) -> dict[str, list[Binding]]:
        if self._bindings is None:
            self._bindings = {}
            _collect_bindings(self)
        return self._bindings

    @property
    def global_names(self) -> set[str]:
        self.bindings  # noqa: B018 - `global` statements are read with the bindings
        return self._global_names

    def bind(self, name: str, binding: Binding) -> None:
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
    argparse_defaults: dict[str, list[tuple[ast.AST | None, Scope]]] = field(default_factory=dict)
    loader_values: list[ast.Attribute] = field(default_factory=list)
    """Attributes read but not called (`load = AutoModel.from_pretrained`), for the finder to check."""
    scopes: dict[int, Scope] = field(default_factory=dict)
    _classes: list[ClassInfo] | None = None

    def __post_init__(self) -> None:
        self.module = Scope(self.tree, "module", None, self)

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
            scope.bind(arg.arg, Binding("param", default, outer))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            scope.bind(arg.arg, Binding("param", default, outer))
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                scope.bind(arg.arg, Binding("unknown"))
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
            scope.bind(statement.name, Binding("object"))
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


def build_index(tree: ast.Module, relevant_lines: list[int] | None = None) -> FileIndex:
    """Find the calls and strings on `relevant_lines` (None: everywhere) and the scopes they sit in.

    Only statements whose span touches a relevant line are entered, and only their expressions that touch one
    are walked: walking every node of a large file would cost more than parsing it. Bindings are read later,
    per scope, when a value is resolved. Iterative: deep nesting cannot overflow the stack.
    """
    index = FileIndex(tree)
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
        if isinstance(node, ast.Expr) and isinstance(node.value, (ast.Constant, ast.JoinedStr)):
            continue  # docstrings and bare strings are prose, not code
        for name, value in ast.iter_fields(node):
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
    elif isinstance(node, ast.Import):
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            scope.bind(local, Binding("import", target=alias.name if alias.asname else local))
    elif isinstance(node, ast.ImportFrom):
        base = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name != "*":
                target = f"{base}.{alias.name}" if base else alias.name
                scope.bind(alias.asname or alias.name, Binding("import", target=target))


def _walk_expression(index: FileIndex, expression: ast.AST, scope: Scope) -> None:
    """Record the calls, strings, lambda and comprehension scopes, and walrus bindings of one expression."""
    stack: list[tuple[ast.AST, Scope]] = [(expression, scope)]
    called: set[int] = set()
    while stack:
        node, scope = stack.pop()
        children_scope = scope
        if isinstance(node, ast.Attribute) and id(node) not in called and isinstance(node.ctx, ast.Load):
            index.loader_values.append(node)
        if isinstance(node, ast.Lambda):
            stack.extend((d, scope) for d in [*node.args.defaults, *(d for d in node.args.kw_defaults if d)])
            stack.append((node.body, index.scope_for(node, scope)))
            continue
        if isinstance(node, _COMPREHENSIONS):
            children_scope = index.scope_for(node, scope)
        elif isinstance(node, ast.NamedExpr):
            scope.bind(node.target.id, Binding("value", node.value, scope))
        elif isinstance(node, ast.Call):
            index.calls.append((node, scope))
            called.add(id(node.func))
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                index.call_of_argument[id(argument)] = node
            if isinstance(node.func, ast.Attribute):
                if node.func.attr == "add_argument":
                    dest = _argparse_dest(node)
                    if dest is not None:
                        default = next((k.value for k in node.keywords if k.arg == "default"), None)
                        index.argparse_defaults.setdefault(dest, []).append((default, scope))
                elif node.func.attr == "set_defaults":
                    for keyword in node.keywords:
                        if keyword.arg:
                            index.argparse_defaults.setdefault(keyword.arg, []).append((keyword.value, scope))
        elif isinstance(node, ast.JoinedStr):
            index.strings.append((node, scope))
            stack.extend((v.value, scope) for v in node.values if isinstance(v, ast.FormattedValue))
            continue
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                index.strings.append((node, scope))
            continue
        elif isinstance(node, (ast.Name, ast.Load, ast.Store)):
            continue
        stack.extend((child, children_scope) for child in ast.iter_child_nodes(node))


def _bind_target(scope: Scope, target: ast.AST, binding: Binding) -> None:
    if isinstance(target, ast.Name):
        scope.bind(target.id, binding)
    else:
        for name in _target_names(target):
            scope.bind(name, Binding("unpack", binding.node, binding.scope))


def _bind_assignment(scope: Scope, target: ast.AST, value: ast.AST) -> None:
    if isinstance(target, ast.Name):
        scope.bind(target.id, Binding("value", value, scope))
    elif isinstance(target, (ast.Tuple, ast.List)):
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) and not any(
                isinstance(e, ast.Starred) for e in target.elts):
            for sub_target, sub_value in zip(target.elts, value.elts, strict=True):
                _bind_assignment(scope, sub_target, sub_value)
        else:
            for name in _target_names(target):
                scope.bind(name, Binding("unpack", value, scope))
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
        self._active: set[int] = set()

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
        target = self.import_target(bindings)
        if target is not None:
            return target + tail, "import"
        if bindings and len(bindings) == 1 and depth < 8:
            binding = bindings[0]
            if binding.how == "value" and isinstance(binding.node, ast.Call) and binding.scope is not None:
                inner, origin = self.qualname(binding.node, binding.scope, depth + 1)
                return inner + tail, origin
        return name + tail, "local" if bindings else "unknown"

    @staticmethod
    def import_target(bindings: list[Binding] | None) -> str | None:
        """The dotted name a name was imported as, when every binding of it is an import (alternatives in
        `try: ... except ImportError:` count as the first one)."""
        if not bindings or not all(b.how == "import" for b in bindings):
            return None
        return bindings[0].target

    def imported(self, name: str, scope: Scope) -> str | None:
        return self.import_target(self._lookup(name, scope))

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

    # ------------------------------------------------------------------------------------------ values

    def resolve(self, node: ast.AST | None, scope: Scope, depth: int = 0) -> tuple[Any, ...] | None:
        """Candidate values of `node`, or None when it cannot be known statically."""
        if node is None or depth > MAX_DEPTH:
            return None
        key = id(node)
        if key in self._active:
            return None  # a cycle (`x = x + "a"`)
        self._active.add(key)
        try:
            found = self._resolve(node, scope, depth + 1)
        finally:
            self._active.discard(key)
        if found is not None and len(found) > MAX_CANDIDATES:
            return None
        return found

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
            left, right = self.resolve(node.left, scope, depth), self.resolve(node.right, scope, depth)
            if left is None or right is None:
                return None
            return _dedupe(a + b for a, b in product(left, right) if isinstance(a, str) and isinstance(b, str))
        if isinstance(node, ast.Name):
            return self._name(node.id, scope, depth)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, scope, depth)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, scope, depth)
        if isinstance(node, ast.Call):
            return self._call(node, scope, depth)
        if isinstance(node, ast.IfExp):
            return self._union([node.body, node.orelse], scope, depth)
        if isinstance(node, ast.BoolOp):
            return self._union(node.values, scope, depth)
        if isinstance(node, (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Lambda, ast.ListComp, ast.DictComp,
                             ast.SetComp, ast.GeneratorExp)):
            return (OBJECT,)
        return None

    def _union(self, nodes: list[ast.AST], scope: Scope, depth: int) -> tuple[Any, ...] | None:
        values: list[Any] = []
        for node in nodes:
            found = self.resolve(node, scope, depth)
            if found is None:
                return None
            values.extend(found)
        return _dedupe(values)

    def _fstring(self, node: ast.JoinedStr, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        parts: list[tuple[str, ...]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                self.used_constants.add(id(value))
                parts.append((str(value.value),))
                continue
            if not isinstance(value, ast.FormattedValue) or value.format_spec is not None:
                return None
            found = self.resolve(value.value, scope, depth)
            if found is None or any(v is OBJECT for v in found):
                return None
            convert = repr if value.conversion in (ord("r"), ord("a")) else str
            parts.append(tuple(convert(v) for v in found))
        total = 1
        for part in parts:
            total *= len(part)
        if total > MAX_CANDIDATES:
            return None
        return _dedupe("".join(combination) for combination in product(*parts))

    def _bindings_values(self, bindings: list[Binding], depth: int) -> tuple[Any, ...] | None:
        values: list[Any] = []
        for binding in bindings:
            found = self._binding_value(binding, depth)
            if found is None:
                return None
            values.extend(found)
        return _dedupe(values)

    def _binding_value(self, binding: Binding, depth: int) -> tuple[Any, ...] | None:
        if binding.how in ("object", "class"):
            return (OBJECT,)
        if binding.how == "import":
            # `from .constants import DEFAULT_REPO_ID`: the value lives in another module, which this
            # single-file resolver does not read; unknown, so the reference is reported as dynamic.
            return None
        if binding.how in ("value", "param") and binding.scope is not None:
            return self.resolve(binding.node, binding.scope, depth)
        if binding.how == "for" and binding.scope is not None:
            return self._elements(binding.node, binding.scope, depth)
        return None

    def _name(self, name: str, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        bindings = self._lookup(name, scope)
        return None if bindings is None else self._bindings_values(bindings, depth)

    def _elements(self, node: ast.AST | None, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        """What iterating over `node` yields: elements of a literal list/tuple/set, keys of a literal dict."""
        literal = self.literal(node, scope, (ast.List, ast.Tuple, ast.Set, ast.Dict), depth)
        if literal is None:
            return None
        container, container_scope = literal
        items = container.keys if isinstance(container, ast.Dict) else container.elts
        return self._union([i for i in items if i is not None], container_scope, depth)

    def literal(self, node: ast.AST | None, scope: Scope, types: tuple[type, ...],
                depth: int = 0) -> tuple[ast.AST, Scope] | None:
        """Follow names to a single literal container node of one of `types`."""
        for _ in range(8):
            if isinstance(node, types):
                return node, scope
            if isinstance(node, ast.Name):
                bindings = self._lookup(node.id, scope)
                if not bindings or len(bindings) != 1 or bindings[0].how != "value" or bindings[0].scope is None:
                    return None
                node, scope = bindings[0].node, bindings[0].scope
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args \
                    and node.func.attr in ("keys", "values") and ast.Dict in types:
                found = self.literal(node.func.value, scope, (ast.Dict,), depth)
                if found is None:
                    return None
                container, container_scope = found
                if node.func.attr == "values":
                    return ast.List(elts=list(container.values)), container_scope  # type: ignore[attr-defined]
                return ast.List(elts=[k for k in container.keys if k is not None]), container_scope  # type: ignore
            else:
                return None
        return None

    def _subscript(self, node: ast.Subscript, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        literal = self.literal(node.value, scope, (ast.Dict, ast.List, ast.Tuple), depth)
        if literal is None:
            return None
        container, container_scope = literal
        keys = self.resolve(node.slice, scope, depth)
        if isinstance(container, ast.Dict):
            if keys is not None and all(isinstance(k, str) for k in keys):
                chosen = [v for k, v in zip(container.keys, container.values, strict=True)
                          if isinstance(k, ast.Constant) and k.value in keys]
                if chosen:
                    return self._union(chosen, container_scope, depth)
            return self._union(list(container.values), container_scope, depth)
        elements = container.elts  # type: ignore[attr-defined]
        if keys is not None and all(isinstance(k, int) and not isinstance(k, bool) for k in keys):
            try:
                return self._union([elements[k] for k in keys], container_scope, depth)
            except IndexError:
                return None
        return self._union(list(elements), container_scope, depth)

    def _attribute(self, node: ast.Attribute, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        base, attr = node.value, node.attr
        if isinstance(base, ast.Call):  # `Config().model` / `Args(model="org/m").model`: a class of this file
            constructed = self._constructed_class(base, scope)
            if constructed is None:
                return None
            return self._constructed_attribute(constructed, base, scope, attr, depth)
        if not isinstance(base, ast.Name):
            return None
        if base.id == scope.self_name and scope.class_info is not None:
            return self._class_attribute(scope.class_info, attr, depth, instance=True)
        bindings = self._lookup(base.id, scope)
        if bindings and len(bindings) == 1:
            binding = bindings[0]
            if binding.how == "class" and binding.class_info is not None:
                return self._class_attribute(binding.class_info, attr, depth, instance=False)
            if binding.how == "value" and isinstance(binding.node, ast.Call) and binding.scope is not None:
                constructed = self._constructed_class(binding.node, binding.scope)
                if constructed is not None:
                    return self._constructed_attribute(constructed, binding.node, binding.scope, attr, depth)
                if self.resolve(binding.node, binding.scope, depth) == (OBJECT,):
                    return (OBJECT,)  # an attribute of a loaded model or client (`pipe.model`)
        if self._is_namespace(base.id, bindings):
            return self._namespace_attribute(attr, depth)
        return None

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

    def _constructed_class(self, call: ast.Call, scope: Scope) -> ClassInfo | None:
        if not isinstance(call.func, ast.Name):
            return None
        bindings = self._lookup(call.func.id, scope)
        if bindings and len(bindings) == 1 and bindings[0].how == "class":
            return bindings[0].class_info
        return None

    def _class_attribute(self, info: ClassInfo, attr: str, depth: int, *, instance: bool) -> tuple[Any, ...] | None:
        bindings = info.scope.bindings.get(attr)
        values: list[Any] = []
        if bindings:
            found = self._bindings_values(bindings, depth)
            if found is None:
                return None
            values.extend(found)
        if instance:
            for value, value_scope in info.instance_attributes.get(attr, ()):
                found = self.resolve(value, value_scope, depth)
                if found is None:
                    return None
                values.extend(found)
        return _dedupe(values) if values else None

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

    def _namespace_attribute(self, attr: str, depth: int) -> tuple[Any, ...] | None:
        if attr in self.index.argparse_defaults:
            values: list[Any] = []
            for default, default_scope in self.index.argparse_defaults[attr]:
                found = self.resolve(default, default_scope, depth) if default is not None else None
                if found is None:
                    return None  # no default: the value comes from the command line
                values.extend(found)
            return _dedupe(values)
        values = []
        for info in self.index.all_classes():
            if attr in info.scope.bindings:
                found = self._class_attribute(info, attr, depth, instance=False)
                if found is None:
                    return None
                values.extend(found)
        return _dedupe(values) if values else None

    def _call(self, node: ast.Call, scope: Scope, depth: int) -> tuple[Any, ...] | None:
        dotted, _ = self.qualname(node.func, scope)
        if dotted in GETENV_CALLS or dotted in ("getenv", "environ.get"):
            default = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg in ("default", "value")), None)
            return self.resolve(default, scope, depth) if default is not None else None
        name = dotted.rsplit(".", 1)[-1]
        if name in FIELD_CALLS or dotted in FIELD_CALLS:
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            if default is None and name == "Field" and node.args:
                default = node.args[0]
            return self.resolve(default, scope, depth) if default is not None else None
        if dotted in PATH_JOIN_CALLS:
            joined = self._union_product(node.args, scope, depth)
            return joined if joined is not None else (OBJECT,)  # a filesystem path, not a Hub id
        if dotted == "str" and len(node.args) == 1:
            found = self.resolve(node.args[0], scope, depth)
            return None if found is None else _dedupe(v if isinstance(v, str) else str(v) for v in found)
        if name in OBJECT_METHODS or name[:1].isupper():
            return (OBJECT,)
        return None

    def _union_product(self, nodes: list[ast.AST], scope: Scope, depth: int) -> tuple[Any, ...] | None:
        """`os.path.join` of resolvable parts, joined with `/`."""
        parts = []
        for node in nodes:
            found = self.resolve(node, scope, depth)
            if found is None or not all(isinstance(v, str) for v in found):
                return None
            parts.append(found)
        if not parts or len(list(product(*parts))) > MAX_CANDIDATES:
            return None
        return _dedupe("/".join([first.rstrip("/"), *(p.strip("/") for p in rest)])
                       for first, *rest in product(*parts))

    # ---------------------------------------------------------------------------------------- mappings

    def mapping(self, node: ast.AST, scope: Scope, depth: int = 0) -> dict[str, tuple[ast.AST, Scope]] | None:
        """The literal keys of a dict passed as `**kwargs` (or a nested `model_kwargs=`), or None if unknown."""
        if depth > 8:
            return None
        if isinstance(node, ast.Dict):
            entries: dict[str, tuple[ast.AST, Scope]] = {}
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    inner = self.mapping(value, scope, depth + 1)
                    if inner is None:
                        return None
                    entries.update(inner)
                elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                    entries[key.value] = (value, scope)
                else:
                    return None
            return entries
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            entries = {}
            if node.args:
                if len(node.args) != 1:
                    return None
                inner = self.mapping(node.args[0], scope, depth + 1)
                if inner is None:
                    return None
                entries.update(inner)
            for keyword in node.keywords:
                if keyword.arg is None:
                    inner = self.mapping(keyword.value, scope, depth + 1)
                    if inner is None:
                        return None
                    entries.update(inner)
                else:
                    entries[keyword.arg] = (keyword.value, scope)
            return entries
        if isinstance(node, ast.Name):
            bindings = self._lookup(node.id, scope)
            if bindings and len(bindings) == 1 and bindings[0].how in ("value", "param") \
                    and bindings[0].node is not None and bindings[0].scope is not None:
                return self.mapping(bindings[0].node, bindings[0].scope, depth + 1)
        if isinstance(node, ast.Constant) and node.value is None:
            return {}
        return None


def _dedupe(values) -> tuple[Any, ...]:
    seen: list[Any] = []
    for value in values:
        if not any(value is other or (type(value) is type(other) and value == other) for other in seen):
            seen.append(value)
    return tuple(seen)

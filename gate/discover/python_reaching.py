"""Reaching definitions: which assignments of a rebound local name can give it its value at one use.

`model_id = "org/a"; load(model_id); model_id = "org/b"; load(model_id)` loads `org/a` first and `org/b` second,
never `org/b` first: in straight-line code the value at a use is the one of the last assignment before it. This
module follows the flow of one scope (the module, whose notebook cells are read in order, or a function body)
and answers, for a use of a name bound more than once in that scope, the bindings that can reach it:

- a sequence of statements: only the latest assignment;
- after `if`/`else`: the union of what each branch leaves (the value before when a branch does not assign);
  a later `if` on the same repeatable test (a call without arguments of a name bound once: `if
  modelscope_flag_set():`, read twice) answers the same, so each of its branches starts from what the same branch
  of the first left, while nothing it defined was redefined between them;
- `for`/`while`: iterated to a fixed point (values assigned later in the body reach the next iteration),
  `break`/`continue` included; `try`: a handler or `finally` may start from any point of the body; `with` may
  swallow an exception (after it, any point of its body); `match`: no case may match.

Imports are definitions like assignments (`from ollama import chat` ... `chat("m")` ... `async def chat():` in a
later cell: the call is ollama's). Soundness first: whatever the flow here cannot follow keeps the flow-insensitive
answer (every binding of the name): a use in another scope (a function reading a module name may run at any time),
`global`/`nonlocal`, walrus, augmented assignment, `with ... as`/`except ... as`/`match` captures, star imports,
and any binding this module cannot tie to one statement of the scope. A use the flow finds no assignment for (unreachable code, a
notebook cell that reads a name a later cell sets) also keeps every binding.

Computed per scope on the first question about a rebound name of that scope (a name bound once never asks).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gate.discover.python_resolve import Binding, Scope

_NOTHING: frozenset[int] = frozenset()
_ENTRY = 0
"""The definition of a function's parameters (bound when the body starts)."""
MAX_FLOW_STEPS = 200_000
"""Statements and expressions visited for one scope (loops are iterated); past it the scope is not narrowed."""

_State = dict[str, frozenset[int]] | None
"""Rebound name → the definitions (statement ids, `_ENTRY`) that can give its value here; None: unreachable."""
_IMMEDIATE_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class _TooLong(Exception):
    """The scope needs more than `MAX_FLOW_STEPS` steps."""


class ReachingDefinitions:
    """The per-scope flows of one file (kept by the file's resolver)."""

    def __init__(self) -> None:
        self._flows: dict[int, _Flow | None] = {}

    def narrow(self, use: ast.AST, use_scope: Scope, bindings: list[Binding]) -> list[Binding]:
        """The bindings of `bindings` (every binding of the name `use` reads) that can reach `use`; all of
        them whenever the flow cannot be followed."""
        if not isinstance(use, ast.Name) or len(bindings) < 2:
            return bindings
        owner = use_scope
        while owner.bindings.get(use.id) is not bindings:
            # A list/set/dict comprehension runs where it is written; a lambda or generator may run later.
            if owner.kind != "comprehension" or not isinstance(owner.node, _IMMEDIATE_COMPREHENSIONS) \
                    or owner.parent is None:
                return bindings
            owner = owner.parent
        if owner.kind not in ("module", "function") or isinstance(owner.node, ast.Lambda):
            return bindings
        key = id(owner)
        if key not in self._flows:
            self._flows[key] = _Flow.of(owner)
        flow = self._flows[key]
        return bindings if flow is None else flow.reaching(use, bindings)


class _Flow:
    """The definitions reaching each use of the rebound names of one scope."""

    def __init__(self, scope: Scope, tracked: set[str]):
        self.scope = scope
        self.tracked = tracked
        self.unfollowed: set[str] = set()
        """Rebound names whose flow is not followed (walrus, `global`, augmented assignment, ...)."""
        self.uses: dict[int, frozenset[int]] = {}
        """id(Name read) → the definitions reaching it."""
        self.definition_of: dict[tuple[str, int], int] = {}
        """(name, id(a node a Binding of that name holds)) → the definition (statement id) that made it."""
        self.imported_by: dict[tuple[str, str], set[int]] = {}
        """(name, dotted name it is imported as) → the import statements binding it so (an import Binding holds no
        node; two imports of one name as one dotted name are the same binding)."""
        self._loops: list[tuple[list[_State], list[_State]]] = []
        """For each loop being walked: the states at its `break`s and at its `continue`s."""
        self._tests: dict[str, dict[str, tuple[frozenset[int] | None, frozenset[int] | None, frozenset[int] | None]]] = {}
        """A repeatable `if` test (its dump) → for each name its branches defined: the definitions after the `if`, and
        after its body and its `else` (None: that branch does not come out)."""
        self._changed: list[set[str]] = []
        """For each compound statement being walked: the names it has defined so far (where its states differ)."""
        self._steps = 0

    @classmethod
    def of(cls, scope: Scope) -> _Flow | None:
        tracked = {name for name, bindings in scope.bindings.items() if len(bindings) > 1}
        if not tracked:
            return None
        flow = cls(scope, tracked)
        node = scope.node
        state: dict[str, frozenset[int]] = {}
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg,
                        arguments.kwarg]:
                if arg is not None and arg.arg in tracked:
                    state[arg.arg] = frozenset({_ENTRY})
        try:
            flow._block(node.body, state)  # type: ignore[attr-defined]
        except (_TooLong, RecursionError):
            return None
        return flow

    def reaching(self, use: ast.Name, bindings: list[Binding]) -> list[Binding]:
        name = use.id
        reached = self.uses.get(id(use))
        if name in self.unfollowed or not reached:
            return bindings
        kept = []
        for binding in bindings:
            if binding.how == "import":
                statements = self.imported_by.get((name, binding.target or ""))
                if not statements:
                    return bindings  # an import the flow did not see (a star import, another scope)
                if statements & reached:
                    kept.append(binding)
                continue
            definition = self._definition(name, binding)
            if definition is None:
                return bindings  # a binding made where the flow does not look (another scope, a walrus, ...)
            if definition in reached:
                kept.append(binding)
        return kept or bindings

    def _definition(self, name: str, binding: Binding) -> int | None:
        if binding.how in ("param", "unknown") and binding.function is not None:
            return _ENTRY if binding.function is self.scope.node else None
        if binding.how == "class":
            node = binding.class_info.scope.node if binding.class_info is not None else None
        elif binding.how in ("value", "for", "for_item", "unpack", "object"):
            node = binding.node
        else:
            return None
        return None if node is None else self.definition_of.get((name, id(node)))

    # ------------------------------------------------------------------------------------------ statements

    def _step(self) -> None:
        self._steps += 1
        if self._steps > MAX_FLOW_STEPS:
            raise _TooLong

    def _block(self, statements: list[ast.stmt], state: _State) -> _State:
        for statement in statements:
            if state is None:
                return None  # after `return`/`raise`/`break`/`continue`: never runs from here
            state = self._statement(statement, state)
        return state

    def _statement(self, node: ast.stmt, state: dict[str, frozenset[int]]) -> _State:
        self._step()
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            if node.value is None:  # `x: str` only annotates
                return state
            self._read(node.value, state)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                self._read_target(target, state)
            value_nodes = _value_nodes(node.value)
            for target in targets:
                for name in _stored_names(target):
                    state = self._define(state, name, node, value_nodes)
            return state
        if isinstance(node, (ast.If, ast.While, ast.For, ast.AsyncFor, ast.Try, ast.With, ast.AsyncWith,
                             ast.Match)) or _is_try_star(node):
            self._changed.append(set())
            try:
                return self._compound(node, state)
            finally:
                changed = self._changed.pop()
                if self._changed:
                    self._changed[-1] |= changed
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if isinstance(node, ast.ClassDef):
                heads = [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
            else:
                heads = [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)]
            for expression in heads:
                self._read(expression, state)
            return self._define(state, node.name, node, [node])
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name, target in _imported_names(node, self.scope):
                if name in self.tracked:
                    self.imported_by.setdefault((name, target), set()).add(id(node))
                    state = self._define(state, name, node, [])
            return state
        if isinstance(node, (ast.Break, ast.Continue)):
            if self._loops:
                self._loops[-1][0 if isinstance(node, ast.Break) else 1].append(dict(state))
            return None
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            self.unfollowed.update(node.names)
            return state
        if isinstance(node, ast.AugAssign):
            self.unfollowed.update(_stored_names(node.target))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self._read(child, state)
        return None if isinstance(node, (ast.Return, ast.Raise)) else state

    def _compound(self, node: ast.stmt, state: dict[str, frozenset[int]]) -> _State:
        changed = self._changed[-1]  # filled while the parts are walked, read by the joins after them
        if isinstance(node, ast.If):
            self._read(node.test, state)
            test = _repeatable_test(node.test, self.tracked)
            body_state: _State = dict(state)
            else_state: _State = dict(state)
            earlier = self._tests.get(test) if test is not None else None
            if earlier is not None and all(state.get(name) == before for name, (before, _, _) in earlier.items()):
                # The same test as an earlier `if` with nothing redefined since: it answers the same, so each branch
                # starts from what the same branch of the earlier `if` left.
                for name, (_, when_true, when_false) in earlier.items():
                    body_state = _assumed(body_state, name, when_true)
                    else_state = _assumed(else_state, name, when_false)
                    changed.add(name)  # the branches now differ on it: the join reads it
            after_body, after_else = self._block(node.body, body_state), self._block(node.orelse, else_state)
            joined = _join(after_body, after_else, changed)
            if test is not None and joined is not None and changed:
                self._tests[test] = {name: (joined.get(name), _after(after_body, name), _after(after_else, name))
                                     for name in changed}
            return joined
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            return self._loop(node, state)
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self._read(item.context_expr, state)
                if item.optional_vars is not None:
                    self.unfollowed.update(_stored_names(item.optional_vars))
            after, anywhere = self._logged(node.body, state)
            return _join(after, anywhere, changed)  # the context manager may swallow an exception raised anywhere in it
        if isinstance(node, ast.Match):
            self._read(node.subject, state)
            result: _State = dict(state)  # no case matches
            for case in node.cases:
                for pattern in ast.walk(case.pattern):
                    for name in (getattr(pattern, "name", None), getattr(pattern, "rest", None)):
                        if name:
                            self.unfollowed.add(name)
                if case.guard is not None:
                    self._read(case.guard, state)
                result = _join(result, self._block(case.body, dict(state)), changed)
            return result
        return self._try(node, state)

    def _try(self, node: ast.stmt, state: dict[str, frozenset[int]]) -> _State:
        body_after, body_anywhere = self._logged(node.body, state)  # type: ignore[attr-defined]
        normal = self._block(node.orelse, _join(body_after, None, ()))  # type: ignore[attr-defined]
        # A handler starts from any point of the body.
        changed = self._changed[-1]
        handlers_entry = _join(state, body_anywhere, changed)
        for handler in node.handlers:  # type: ignore[attr-defined]
            entry = dict(handlers_entry) if handlers_entry is not None else {}
            if handler.type is not None:
                self._read(handler.type, entry)
            if handler.name:
                self.unfollowed.add(handler.name)
            normal = _join(normal, self._block(handler.body, entry), changed)
        finalbody = node.finalbody  # type: ignore[attr-defined]
        if not finalbody:
            return normal
        # `finally` also runs after a `return`, `break`, `continue` or exception anywhere in the statement.
        anywhere = _join(handlers_entry, normal, changed)
        for handler in node.handlers:  # type: ignore[attr-defined]
            anywhere = _join(anywhere, self._anywhere(handler.body, handlers_entry), changed)
        anywhere = _join(anywhere, self._anywhere(node.orelse, body_after), changed)  # type: ignore[attr-defined]
        after = self._block(finalbody, dict(anywhere) if anywhere is not None else {})
        if self._loops and after is not None:
            breaks, continues = self._loops[-1]
            breaks.append(dict(after))
            continues.append(dict(after))
        return after

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While, state: dict[str, frozenset[int]]) -> _State:
        """Iterated until the state at the loop's head stops growing: what the body leaves (at its end or a
        `continue`) reaches the next iteration."""
        changed = self._changed[-1]
        if not isinstance(node, ast.While):
            self._read(node.iter, state)
            self._read_target(node.target, state)
        head = dict(state)
        while True:
            entry = dict(head)
            if isinstance(node, ast.While):
                self._read(node.test, head)
            else:
                iterable = list(ast.walk(node.iter))
                for name in _stored_names(node.target):
                    entry = self._define(entry, name, node, iterable)
            self._loops.append(([], []))
            out = self._block(node.body, entry)
            breaks, continues = self._loops.pop()
            grown = head
            for reached in [out, *continues]:
                grown = _join(grown, reached, changed) or {}
            if all(grown.get(name) == head.get(name) for name in changed):
                break
            head = grown
        after = self._block(node.orelse, dict(head))
        for reached in breaks:
            after = _join(after, reached, changed)
        return after

    def _logged(self, body: list[ast.stmt], state: dict[str, frozenset[int]]) -> tuple[_State, _State]:
        """The state after `body`, and the state at any point of it."""
        return self._block(body, dict(state)), self._anywhere(body, state)

    def _anywhere(self, body: list[ast.stmt], state: _State) -> _State:
        """The state at any point of `body` entered with `state`: it, or any definition the body makes."""
        if not body:
            return state
        definitions = _definitions_in(body, self)
        return _join(state, definitions, definitions)

    # ---------------------------------------------------------------------------------------- definitions

    def _define(self, state: dict[str, frozenset[int]], name: str, statement: ast.AST,
                nodes: list[ast.AST]) -> dict[str, frozenset[int]]:
        """`statement` gives `name` its value from here on (`nodes`: what its Bindings hold)."""
        if name not in self.tracked:
            return state
        for node in nodes:
            self.definition_of[(name, id(node))] = id(statement)
        if self._changed:
            self._changed[-1].add(name)
        state[name] = frozenset({id(statement)})
        return state

    def _read_target(self, target: ast.AST, state: dict[str, frozenset[int]]) -> None:
        """`x[i] = ...`, `x.a = ...`: the target's base and index are read."""
        for node in ast.walk(target):
            if isinstance(node, (ast.Subscript, ast.Attribute)):
                self._read(node, state)

    def _read(self, expression: ast.AST, state: dict[str, frozenset[int]]) -> None:
        """Record what reaches each read of a rebound name in `expression` (evaluated now, in this scope)."""
        stack = [expression]
        while stack:
            node = stack.pop()
            self._step()
            if isinstance(node, ast.Name):
                if node.id in self.tracked and isinstance(node.ctx, ast.Load):
                    reached = state.get(node.id, frozenset())
                    self.uses[id(node)] = self.uses.get(id(node), frozenset()) | reached
                continue
            if isinstance(node, ast.NamedExpr):
                self.unfollowed.update(_stored_names(node.target))
            elif isinstance(node, ast.Lambda):
                stack.extend([*node.args.defaults, *(d for d in node.args.kw_defaults if d)])
                continue
            elif isinstance(node, ast.GeneratorExp):
                # Runs when consumed; a walrus inside still binds in this scope.
                self.unfollowed.update(n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr)
                                       and isinstance(n.target, ast.Name))
                continue
            stack.extend(ast.iter_child_nodes(node))


def _imported_names(node: ast.Import | ast.ImportFrom, scope: Scope) -> list[tuple[str, str]]:
    return imported_names(node, scope.index.package)


def imported_names(node: ast.Import | ast.ImportFrom, package: str | None) -> list[tuple[str, str]]:
    """(local name, dotted name it stands for) of each name an import statement binds (`from x import *` binds
    none that can be listed)."""
    if isinstance(node, ast.Import):
        return [(alias.asname or alias.name.split(".")[0], alias.name if alias.asname else alias.name.split(".")[0])
                for alias in node.names]
    base = absolute_module(node.level, node.module, package)
    return [(alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name)
            for alias in node.names if alias.name != "*"]


def absolute_module(level: int, module: str | None, package: str | None) -> str:
    """The module a `from <dots><module> import ...` names: inside package `mlx_lm.quant`, `..utils` is
    `mlx_lm.utils` (a library's own source loads through its own API: `from .utils import load`). Dots that climb
    above the known package, or an unknown package, keep the relative spelling."""
    relative = "." * level + (module or "")
    if not level or package is None:
        return relative
    parts = package.split(".")
    if level - 1 >= len(parts):
        return relative
    return ".".join([*parts[: len(parts) - (level - 1)], *([module] if module else [])])


def _is_try_star(node: ast.AST) -> bool:
    return type(node).__name__ == "TryStar"


_UNREACHED = frozenset({-1})
"""What `_after` gives for a branch that does not come out (returns, raises): no state continues from it."""


def _after(state: _State, name: str) -> frozenset[int] | None:
    return _UNREACHED if state is None else state.get(name)


def _assumed(state: _State, name: str, definitions: frozenset[int] | None) -> _State:
    """`state` with `name` given `definitions` (what the same branch of an earlier `if` on the same test left)."""
    if state is None or definitions is _UNREACHED:
        return None
    assumed = dict(state)
    if definitions is None:
        assumed.pop(name, None)
    else:
        assumed[name] = definitions
    return assumed


def _repeatable_test(test: ast.expr, tracked: set[str]) -> str | None:
    """The dump of an `if` test taken to answer the same each time it is asked in one scope: a call without
    arguments of a name bound once, or of an attribute of one (`if modelscope_flag_set():`,
    `if torch.cuda.is_available():` — a switch read from the environment or the machine). None for any other test:
    a test reading a rebound name, or passing arguments, may change its answer between two `if`s."""
    if not isinstance(test, ast.Call) or test.args or test.keywords:
        return None
    callee = test.func
    while isinstance(callee, ast.Attribute):
        callee = callee.value
    if not isinstance(callee, ast.Name) or callee.id in tracked:
        return None
    return ast.dump(test)


def _join(first: _State, second: _State, names: Iterable[str]) -> _State:
    """Either state. `names`: the only names on which the two can differ (those defined since they parted):
    states hold every rebound name of the scope, so a join that read them all would make a long scope quadratic."""
    if first is None:
        return None if second is None else dict(second)
    if second is None:
        return dict(first)
    joined = dict(first)
    for name in names:
        definitions = second.get(name)
        if definitions is not None and definitions is not joined.get(name):
            joined[name] = joined.get(name, _NOTHING) | definitions
    return joined


def _stored_names(target: ast.AST) -> list[str]:
    """Names a target binds (`a`, `a, (b, *c)`); not the bases of `x[i]` or `x.attr`."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _stored_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _stored_names(element)]
    return []


def _value_nodes(value: ast.AST) -> list[ast.AST]:
    """The nodes a Binding of an assignment holds: the value, or for `a, b = x, y` an element of it."""
    nodes = [value]
    for node in nodes:
        if isinstance(node, (ast.Tuple, ast.List)):
            nodes.extend(node.elts)
    return nodes


def _definitions_in(body: list[ast.stmt], flow: _Flow) -> dict[str, frozenset[int]]:
    """Every definition of a rebound name made by `body`'s statements (at any depth, in this scope)."""
    found: dict[str, set[int]] = {}
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        flow._step()
        names: list[str] = []
        if isinstance(node, ast.Assign):
            names = [n for t in node.targets for n in _stored_names(t)]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            names = _stored_names(node.target)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            names = _stored_names(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [name for name, _ in _imported_names(node, flow.scope)]
        for name in names:
            if name in flow.tracked:
                found.setdefault(name, set()).add(id(node))
        if isinstance(node, _NESTED):
            continue
        stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, (ast.stmt, ast.excepthandler,
                                                                                      ast.match_case)))
    return {name: frozenset(ids) for name, ids in found.items()}

"""Deferred calls: a config node that names a loader and the arguments it will be called with.

    tokenizer = dict(type=AutoTokenizer.from_pretrained, pretrained_model_name_or_path=MODEL)   # mmengine, xtuner
    dataset = {"type": load_dataset, "path": DATA}
    tokenizer = run.Config(AutoTokenizer, pretrained_model_name=args.model)                    # NeMo-Run, fiddle
    model = L(AutoModel.from_pretrained)(pretrained_model_name_or_path="org/m")                # detectron2 LazyCall

Each is read as the call it stands for (`AutoTokenizer.from_pretrained(pretrained_model_name_or_path=MODEL)`),
placed where the constructor is written, so the catalog reads its id, revision and `trust_remote_code` exactly as
in a direct call and the file's names resolve as they do there. The constructors are data
(`catalog.DEFERRED_CALLS`); a callable named by a string (`type="LoadImage"`, a registry key) is not a call.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from gate.discover import catalog

if TYPE_CHECKING:  # python_resolve reads `syntactic_call` for the file's facts
    from gate.discover.python_resolve import Resolver, Scope

CALLABLE_NODES = (ast.Name, ast.Attribute)
"""How a deferred callable is written: a name or a dotted name (a string is a registry key, not a callable)."""


def may_defer(node: ast.AST, name: str | None) -> bool:
    """Cheap test: `node` may be a deferred call (its constructor's last name, or a curried `L(fn)(...)`)."""
    if isinstance(node, ast.Dict):
        return True
    return name in catalog.DEFERRED_NAMES or (isinstance(node, ast.Call) and isinstance(node.func, ast.Call))


def deferred_call(node: ast.Call | ast.Dict, scope: Scope, resolver: Resolver) -> tuple[ast.Call, ast.AST] | None:
    """(the call `node` stands for, placed at `node`; the node naming the callable) or None when `node` is not a
    deferred call."""
    if isinstance(node, ast.Dict):
        return _from_dict_literal(node)
    constructor = node.func.func if isinstance(node.func, ast.Call) else node.func
    dotted, origin = resolver.qualname(constructor, scope)
    form = catalog.DEFERRED_CALLS.get(dotted)
    if form is None or (dotted == "dict") != (origin == "unknown"):  # the builtin `dict`, or an imported constructor
        return None
    return _stood_for(node, form, dotted == "dict")


def syntactic_call(node: ast.Call) -> tuple[ast.Call, ast.AST] | None:
    """`deferred_call` judged by the constructor's last name alone, for the file's facts (where names are not
    resolved yet): `run.Partial(pretrain, model="org/m")` is a call of the file's `pretrain`, which passes
    `"org/m"` for its parameter."""
    constructor = node.func.func if isinstance(node.func, ast.Call) else node.func
    name = constructor.attr if isinstance(constructor, ast.Attribute) else \
        constructor.id if isinstance(constructor, ast.Name) else None
    if name not in catalog.DEFERRED_NAMES:
        return None
    form = next(f for dotted, f in catalog.DEFERRED_CALLS.items() if dotted.rsplit(".", 1)[-1] == name)
    return _stood_for(node, form, name == "dict")


def _stood_for(node: ast.Call, form: catalog.DeferredCall, is_dict: bool) -> tuple[ast.Call, ast.AST] | None:
    if form.curried:
        if not isinstance(node.func, ast.Call):
            return None
        named_by, args, keywords = node.func, node.args, node.keywords
    elif isinstance(node.func, ast.Call):
        return None
    else:
        named_by, args, keywords = node, node.args, node.keywords
    callee: ast.AST | None = None
    if form.callee_keyword is not None:
        callee = next((k.value for k in named_by.keywords if k.arg == form.callee_keyword), None)
        keywords = [k for k in keywords if k.arg != form.callee_keyword]
        if not form.curried and is_dict:
            # `dict(base, type=fn, ...)`: a positional argument of `dict` is a mapping of more keywords
            keywords = [*(ast.keyword(arg=None, value=a) for a in args), *keywords]
            args = []
    elif form.callee_position is not None:
        position = form.callee_position
        if position < len(named_by.args) and not any(isinstance(a, ast.Starred) for a in named_by.args[:position + 1]):
            callee = named_by.args[position]
            if not form.curried:
                args = [*args[:position], *args[position + 1:]]
    if not isinstance(callee, CALLABLE_NODES):
        return None
    return _placed(ast.Call(func=callee, args=list(args), keywords=list(keywords)), node), callee


def _from_dict_literal(node: ast.Dict) -> tuple[ast.Call, ast.AST] | None:
    """`{"type": fn, "path": DATA, **more}` as `fn(path=DATA, **more)`."""
    keyword = catalog.DEFERRED_CALLS["dict"].callee_keyword
    callee: ast.AST | None = None
    keywords: list[ast.keyword] = []
    for key, value in zip(node.keys, node.values, strict=True):
        if key is None:
            keywords.append(ast.keyword(arg=None, value=value))
        elif isinstance(key, ast.Constant) and isinstance(key.value, str):
            if key.value == keyword:
                callee = value
            else:
                keywords.append(ast.keyword(arg=key.value, value=value))
        else:
            return None  # a key computed at run time: not a call's keyword list
    if not isinstance(callee, CALLABLE_NODES):
        return None
    return _placed(ast.Call(func=callee, args=[], keywords=keywords), node), callee


def _placed(call: ast.Call, where: ast.AST) -> ast.Call:
    return ast.copy_location(call, where)


def explicit_base_constructor(call: ast.Call, scope: Scope, resolver: Resolver) -> tuple[ast.Call, str, str] | None:
    """`Base.__init__(self, model=name)` in a method of a class deriving from `Base` (the spelling of a base's
    constructor before `super()`, still used with several bases): `Base(model=name)` as its constructor sees it
    (the call without `self`), with `Base` as `Resolver.qualname` names it; None for any other call."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, (ast.Name, ast.Attribute))
            and call.args and isinstance(call.args[0], ast.Name)):
        return None
    method = scope.node
    info = scope.class_info
    definition = info.scope.node if info is not None else None
    if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or not method.args.args \
            or method.args.args[0].arg != call.args[0].id or not isinstance(definition, ast.ClassDef) \
            or info is None or info.scope.parent is None:
        return None
    base = ast.unparse(func.value)
    if not any(ast.unparse(b) == base for b in definition.bases):
        return None
    dotted, origin = resolver.qualname(func.value, info.scope.parent)
    return _placed(ast.Call(func=func.value, args=call.args[1:], keywords=call.keywords), call), dotted, origin


def superclass_constructors(call: ast.Call, scope: Scope, resolver: Resolver) -> list[tuple[str, str]]:
    """`super().__init__(hf_repo=hf_repo)` in a method: the base classes whose constructor it calls, each as
    `Resolver.qualname` names it (dotted name, origin), so a catalog class's constructor is read as called here
    ([] for any other call)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name) and func.value.func.id == "super"):
        return []
    info = scope.class_info
    definition = info.scope.node if info is not None else None
    if not isinstance(definition, ast.ClassDef) or info is None or info.scope.parent is None:
        return []
    return [resolver.qualname(base, info.scope.parent) for base in definition.bases]

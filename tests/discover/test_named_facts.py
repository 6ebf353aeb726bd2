"""The facts of a few names (`FileIndex.facts_for`) and the `:=`/`global` facts (`FileIndex.rebinding_facts`) are
read from the lines that spell them only: they hold exactly the entries, in the order, that the walk of the whole
file gives (issue 11 §6, speed only), on every Python fixture and on texts written to hit the corners."""

from __future__ import annotations

import ast
import re

import pytest

from gate.discover import python_resolve
from gate.discover.python_finder import parse_python
from gate.discover.python_resolve import MAX_NAMED_WALKS, build_index
from tests.discover.expected_refs import FIXTURES as DISCOVER

FIXTURE_ROOT = DISCOVER.parent
NAMED_KINDS = ("calls", "value_uses", "attribute_stores", "item_stores")
CORNERS = [
    "class C:\n    def __init__(self, a):\n        self.a = a\n\nclass D(C):\n    def __init__(self):\n"
    "        super().__init__(1)\n\nC(\n  2)\nx = D()\n",
    "def load(p):\n    return p\n\ncfg = {}\ncfg['m'] = 'org/a'\ncfg.update(\n    m='org/b')\ndel cfg['m']\n"
    "setattr(cfg,\n        'model', 'org/c')\nobj.\\\n    load('x')\nf = load\nmap(load, xs)\n",
    "def f(x=(y := 'org/a')):\n    global g\n    g = x\n    return [z for z in (w := [1])]\n",
    "a.b.c = 1\na.b = 2\na += 3\nfor a.x in y: pass\nwith open(p) as a.f: pass\n(q, a.y) = 1, 2\n",
    "\uff4coad('x')\ndef \uff4coad(p):\n    return p\n",  # NFKC: `ｌoad` is `load`
    "caf\u00e9 = 'x'\n\uff4coad(caf\u00e9)\ndef \uff4coad(p):\n    return p\nload(\ufb01le)\n",  # still not ASCII once folded
    "lambda: load('a')\n[load(v) for v in vs]\n@load\ndef g(a=load('b')): pass\n",
    "p = argparse.ArgumentParser()\np.\\\n  add_argument('--model-name', default='org/a')\np.add_argument(\n  '-m',\n"
    "  dest='m', default=M)\np.set_defaults(\n  model='org/b')\nq.\uff41dd_argument('--x', default='org/c')\n",
    "class C:\n    def __init__(self):\n        self.\\\n            model = 'org/a'\n        setattr(self, 'mo\\x64el', 1)\n"
    "        setattr(self, name, 2)\n        self.\uff4dodel += 'x'\n        for self.model in xs: pass\n"
    "        (self.a, self.model) = 1, 2\n        with f() as self.model: pass\nc = C()\nc.model = 3\n",
    # Bodies long enough to be bisected: statements sharing a line, decorators apart from their `def`.
    "class K:\n" + "    a = 1; b = load('x'); c = 2\n" * 20 + "    @dec\n    # load\n    def m(self): load(1)\n"
    "    @load\n\n    def n(self):\n        x = (1,\n  2); load(x)\n" + "x = 1\n" * 20 + "load(x); load(y)\n",
]


@pytest.fixture(params=["statement by statement", "bisected"])
def bisection(request, monkeypatch):
    """Each test runs twice: bodies read statement by statement, and every body bisected that can be (the
    shortcut of `python_resolve._entered` on for all of them, whatever their length)."""
    monkeypatch.setattr(python_resolve, "MIN_BISECTED_BODY", 0 if request.param == "bisected" else 10**9)


def _texts() -> list[str]:
    paths = sorted(p for p in FIXTURE_ROOT.rglob("*.py") if p.is_file())
    return [*CORNERS, *(p.read_bytes().decode("utf-8", errors="replace") for p in paths)]


_TREE_NODES: set[int] = set()
"""Ids of the parsed tree's own nodes (set per text): any other node was built by the walk."""


def _entry(value) -> object:
    """An entry comparable across walks: facts nodes built by the walk (`ast.Constant(attr)`, the call a deferred
    call stands for) are compared by their content and place, tree nodes and scopes by identity."""
    if isinstance(value, tuple):
        return tuple(_entry(v) for v in value)
    if isinstance(value, ast.AST) and (not hasattr(value, "lineno") or id(value) not in _TREE_NODES):
        return ast.dump(value, include_attributes=True)
    return id(value) if value is not None and not isinstance(value, str) else value


def _names(tree: ast.AST) -> list[str]:
    found = dict.fromkeys(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
    found.update(dict.fromkeys(n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)))
    found.update(dict.fromkeys(["__init__", "not_in_the_file"]))
    return list(found)


def _indexed(text: str):
    """The file's tree and index (None, None when it does not parse); `_TREE_NODES` holds the tree's nodes."""
    tree, _ = parse_python(text)
    if tree is None:
        return None, None
    _TREE_NODES.clear()
    _TREE_NODES.update(id(node) for node in ast.walk(tree))
    return tree, build_index(tree, None, source=text)


@pytest.mark.parametrize("text", _texts(), ids=lambda t: re.sub(r"\W+", "_", t[:24]))
def test_named_and_rebinding_facts_are_those_of_the_whole_walk(text, bisection):
    tree, index = _indexed(text)
    if index is None:
        return
    names = _names(tree)[: MAX_NAMED_WALKS - 1]
    named = {name: index.facts_for(name) for name in names}
    rebinding = index.rebinding_facts() if index.rebind_lines is not None else None
    full = index.facts()
    for name, facts in named.items():
        for kind in NAMED_KINDS:
            assert [_entry(e) for e in getattr(facts, kind).get(name, [])] == \
                   [_entry(e) for e in getattr(full, kind).get(name, [])], (name, kind)
    if rebinding is not None:
        assert {k: [(n, _entry(b.node)) for n, b in v] for k, v in rebinding.walrus.items()} == \
               {k: [(n, _entry(b.node)) for n, b in v] for k, v in full.walrus.items()}
        assert [id(s) for s in rebinding.rebinding_scopes] == [id(s) for s in full.rebinding_scopes]
    assert index.facts_for(names[0]) is full  # once the whole file is walked, it answers everything


def _attribute_stores(facts, base: str, attr: str) -> list:
    return [_entry(store) for store in facts.attribute_stores.get(base, ())
            if not isinstance(store[0], ast.Constant) or store[0].value == attr]


@pytest.mark.parametrize("text", _texts(), ids=lambda t: re.sub(r"\W+", "_", t[:24]))
def test_facts_read_from_the_lines_of_other_words_are_those_of_the_whole_walk(text, bisection):
    """What `Resolver._namespace_attribute` and `Resolver._stored_attribute` read from the lines that spell
    `add_argument`/`set_defaults`, or an attribute's name and `setattr`: every entry they keep, in order."""
    tree, index = _indexed(text)
    if index is None:
        return
    argparse = index.facts_for("add_argument", "set_defaults").argparse_defaults
    attributes = list(dict.fromkeys(n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)))
    attributes = [*attributes[: MAX_NAMED_WALKS - 2], "not_in_the_file"]
    stores = {attr: index.facts_for(attr, "setattr") for attr in attributes}
    full = index.facts()
    assert {k: [_entry(e) for e in v] for k, v in argparse.items()} == \
           {k: [_entry(e) for e in v] for k, v in full.argparse_defaults.items()}
    for attr, facts in stores.items():
        for base in full.attribute_stores:
            assert _attribute_stores(facts, base, attr) == _attribute_stores(full, base, attr), (base, attr)


def test_a_few_names_are_read_from_their_lines_only():
    text = "".join(f"def f{i}(x):\n    return x\n" for i in range(200)) + "f7('org/m')\n"
    index = build_index(parse_python(text)[0], None, source=text)
    facts = index.facts_for("f7")
    assert [call.lineno for call, _ in facts.calls["f7"]] == [401]
    assert "f8" not in facts.value_uses and index._facts is None  # the rest of the file was not walked
    body = index.tree.body
    assert python_resolve._entered(index, body, python_resolve._Lines([401])) == [body[-1]]  # by bisection
    assert python_resolve._entered(index, body, python_resolve._Lines([2, 3, 401])) == [*body[:2], body[-1]]

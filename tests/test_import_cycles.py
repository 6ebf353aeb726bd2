"""gate's modules import each other as a tree: no circle, not even one hidden in a function.

The graph is read from the source with `ast` (nothing is imported). An edge is any runtime import of a gate
module, at module level or inside a function: a function-local import is how a circle is usually dodged, and
it is still a circle in the design (the two modules cannot be understood or tested apart). Imports under
`if TYPE_CHECKING:` are left out: they never run. `from gate.x import name` is an edge to `gate.x.name` when that
is a module, else to `gate.x`; importing `gate.x.y` is not counted as importing the package `gate.x` (its
`__init__` re-exports nothing that would close a circle).
"""

from __future__ import annotations

import ast
from pathlib import Path

GATE = Path(__file__).resolve().parent.parent / "gate"

KNOWN_CIRCLES: tuple[frozenset[str], ...] = (
    # Python and shell read each other's code: `subprocess.run([...])` / `os.system(...)` in Python is a command
    # line, `python -c "..."` in a script is Python. The rest of discovery is a tree: finders read a repository
    # file through text_files (not the engine, which imports them) and compose YAML through yamlsafe (not
    # config_finder, which reads argument lists through shell_finder); python_finder ↔ python_fallback/
    # python_context is closed too (id reading lives in python_ids).
    frozenset({"gate.discover.python_finder", "gate.discover.shell_finder"}),
)
"""Circles that existed when this test was written and are being closed elsewhere. A circle may shrink inside
one of these; any other circle fails. Remove an entry once its modules form a tree."""


def module_names() -> dict[str, Path]:
    names = {}
    for path in sorted(GATE.rglob("*.py")):
        parts = list(path.relative_to(GATE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph(names: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names if alias.name in names)
                continue
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                if f"{base}.{alias.name}" in names:
                    edges.add(f"{base}.{alias.name}")
                elif base in names:
                    edges.add(base)
        edges.discard(name)
        graph[name] = edges
    return graph


def circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
    return found


def test_no_new_import_circle():
    new = [sorted(c) for c in circles(import_graph(module_names()))
           if not any(c <= known for known in KNOWN_CIRCLES)]
    assert new == []


def test_the_cli_modules_form_a_tree():
    graph = import_graph(module_names())
    cli = {"gate.cli", "gate.cli_options", "gate.commands", "gate.policy_commands", "gate.pin.command"}
    assert not any(c & cli for c in circles(graph))
    assert {"gate.commands", "gate.policy_commands", "gate.pin.command"} <= graph["gate.cli"]
    assert "gate.cli" not in set().union(*(graph[m] for m in cli - {"gate.cli"}))


def test_the_finder_sees_a_circle_through_a_function_local_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [frozenset({"a", "b", "c"})]
    tree = ast.parse("import os\ndef f():\n    from gate import cli\nif TYPE_CHECKING:\n    import gate.commands\n")
    assert sorted(ast.unparse(node) for node in _runtime_imports(tree)) == ["from gate import cli", "import os"]

"""Scan a Python snippet with the Python finder directly and compare references as short tuples."""

from __future__ import annotations

import textwrap

from gate.discover.interface import FileResult, SourceFile
from gate.discover.python_finder import PythonFinder

SHA = "0123456789abcdef0123456789abcdef01234567"
FIELDS = ("kind", "source", "id", "revision", "pinned", "pinnable", "line", "api", "dynamic", "trust_remote_code")


def scan(code: str, path: str = "snippet.py", repo_paths: frozenset[str] | None = None) -> FileResult:
    return PythonFinder().scan(SourceFile(path, "/nonexistent/" + path), textwrap.dedent(code), repo_paths)


def as_tuple(reference) -> tuple:
    return tuple(getattr(reference, name) for name in FIELDS)


def refs(code: str, **kwargs) -> list[tuple]:
    """(kind, source, id, revision, pinned, pinnable, line, api, dynamic, trust_remote_code) per reference."""
    return sorted((as_tuple(r) for r in scan(code, **kwargs).references), key=lambda t: (t[6], t[2] or ""))


def ids(code: str, **kwargs) -> list[tuple[str | None, str | None]]:
    """(id, revision) per reference, in line order."""
    return [(t[2], t[3]) for t in refs(code, **kwargs)]

"""Glob matching for policy ids and paths.

`*` and `?` never cross a `/`; `**` does (and `**/` also matches no directory at all), so `my-org/*` matches
`my-org/bert` but not `my-org/a/b`, and `tests/**` matches everything below `tests/`. Ids compare
case-insensitively (the Hub treats them so); paths compare exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

GLOB_CHARS = frozenset("*?[")


def is_glob(pattern: str) -> bool:
    return any(c in GLOB_CHARS for c in pattern)


@lru_cache(maxsize=4096)
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 2 if pattern.startswith(("[!", "[^"), i) else i + 1)
            if end == -1:
                out.append(re.escape(c))
                i += 1
                continue
            body = pattern[i + 1:end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out), re.IGNORECASE if ignore_case else 0)


def match_path(pattern: str, path: str) -> bool:
    """Does a repository-relative POSIX path match a glob (a leading `./` on either side is ignored)?"""
    pattern = pattern.removeprefix("./")
    path = path.removeprefix("./")
    if pattern.endswith("/"):  # a directory: everything below it
        pattern += "**"
    return _compile(pattern, False).fullmatch(path) is not None


def match_any_path(patterns: Iterable[str], path: str | None) -> bool:
    return path is not None and any(match_path(p, path) for p in patterns)


def match_id(pattern: str, repo_id: str) -> bool:
    """Does a Hub id match an id pattern? Case-insensitive.

    A legacy unqualified id (`gpt2`) only matches a pattern spelled without an owner, so an entry for
    `openai-community/gpt2` does not silently allow whatever `gpt2` resolves to today.
    """
    if ("/" in pattern) != ("/" in repo_id) and "**" not in pattern:
        return False
    return _compile(pattern, True).fullmatch(repo_id) is not None

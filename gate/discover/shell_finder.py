"""Model and dataset ids in shell-like text: scripts, Dockerfiles, Makefiles, workflow `run:` steps, compose files.

Every source is reduced to logical command lines (continuations joined, each token keeping the physical line it
starts on), tokenised with `shlex`, variables from the same file substituted as bash would (prefix assignments
and subshells do not leak into the rest of the script), and matched against the CLI catalog
(`gate.discover.catalog.cli`). A command whose id comes from a variable that cannot be resolved is still reported
(`dynamic`); a flag that is not in the catalog but whose name says model or dataset gives a `medium` reference.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import os
import re
import shlex
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, TypedDict, cast

from gate.discover import mlflow_uris
from gate.discover.catalog import cli
from gate.discover.catalog.context import context_kind, is_publish_name, name_tokens, negative_evidence, publish_kind
from gate.discover.hubids import (
    JOINED_BARE_PART,
    is_local_path,
    is_pinned,
    joined_ids,
    look_alike,
    look_alike_warnings,
    looks_like_hub_id,
    named_id,
)
from gate.discover.interface import (
    CONFIDENCE_HIGH,
    CONFIDENCE_MEDIUM,
    FileResult,
    Finder,
    Reference,
    ScanWarning,
    SourceFile,
    file_name,
    file_suffix,
)
from gate.discover.url_finder import iter_hub_urls, url_reference

if TYPE_CHECKING:
    import yaml

ENV_FORMS: dict[str, str] = {
    "MODEL_ID": "REVISION",  # text-generation-inference container
    "HF_MODEL_ID": "HF_MODEL_REVISION",  # SageMaker Hugging Face containers
}
"""Environment variables naming a model, and the variable carrying its revision."""
ENV_ID_LISTS: dict[str, str] = {
    "LORA_ADAPTERS": ",",  # text-generation-inference container: `org/a,name=org/b` (the `--lora-adapters` value)
}
"""Environment variables holding several ids joined by a separator, each maybe written `name=id`; no revision."""
TRUST_FLAGS = cli.TRUST_FLAGS
_BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
_WRAPPERS = frozenset({"sudo", "time", "nohup", "exec", "command", "nice", "then", "do", "else", "!",
                       "{", "if", "while", "until", "elif"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;", "|&"})
_REDIRECTION = re.compile(r"[0-9]*(?:<<<|<<-?|<>|<&|>&|&>>?|>>|>\||<|>)")
_PLACEHOLDER = re.compile(r"<[A-Za-z][\w .:/-]*>")
"""`<model-id>`, `<your_dataset>`: a documentation placeholder the user replaces before running the command."""
_DECLARATIONS = frozenset({"export", "declare", "local", "readonly", "typeset"})
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
"""The variables a word names (for which assignments a command consumed); `expand` reads every form."""
_GITHUB_EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")
_GITHUB_ENV = re.compile(r"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_HIDDEN_SPACE = "\x1f"
_COMMAND_SUBSTITUTION = re.compile(r"\$\([^()\n]*\)")
_HIDE_IN_WORD = str.maketrans({" ": _HIDDEN_SPACE, "(": "\x1c", ")": "\x1d", "|": "\x1e", ";": "\x1a", "&": "\x19",
                               "<": "\x18", ">": "\x17"})
_SHOW_IN_WORD = str.maketrans({"\x1c": "(", "\x1d": ")", "\x1e": "|", "\x1a": ";", "\x19": "&", "\x18": "<",
                               "\x17": ">"})
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash"})
_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
_SUDO_VALUE_OPTIONS = frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group",
                                 "--chdir", "--host", "--prompt", "--role", "--type", "--other-user",
                                 "--command-timeout", "--close-from"})
_ENV_VALUE_OPTIONS = frozenset({"-u", "--unset", "-C", "--chdir"})
_CONTAINER_VALUE_OPTIONS = frozenset({"-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir",
                                      "--detach-keys"})
_XARGS_VALUE_OPTIONS = frozenset({"-n", "-P", "-L", "-l", "-s", "-d", "-a", "-E", "-e", "-i", "--max-args",
                                  "--max-procs", "--max-lines", "--arg-file", "--delimiter", "--eof",
                                  "--max-chars", "--process-slot-var"})
_READ_VALUE_OPTIONS = frozenset({"-p", "-d", "-n", "-N", "-t", "-u", "-i"})
_DEEPEST_LAYER = 4
"""How many layers of `sh -c "..."` / `eval "..."` are read (each holds the next as a quoted string)."""
LAYER_SEPARATOR = " > "
"""Joins the layers in the `api` of a reference found inside another command: `bash -c > shell:hf download`."""
_LONGEST_SHLEX_LINE = 100_000
_MOST_WORDS = 10_000
_MOST_ALTERNATIVES = 64
"""Brace expansions and `for` lists with more alternatives than this give a dynamic reference instead."""
_HUB_GIT_URL = re.compile(
    r"^(?:https?://(?:[^@/\s]+@)?(?:www\.)?(?:huggingface\.co|hf\.co)/|git@(?:hf\.co|huggingface\.co):)"
    r"(?:(?P<type>datasets|spaces)/)?(?P<id>[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?)/?$"
)
_PIP_HUB_GIT = re.compile(
    r"^(?:[A-Za-z0-9_.\[\],-]+\s*@\s*)?git\+(?P<url>(?:https?://(?:[^@/\s]+@)?(?:www\.)?(?:huggingface\.co|hf\.co)/|"
    r"ssh://git@(?:hf\.co|huggingface\.co)/)(?:(?P<type>datasets|spaces)/)?"
    r"(?P<id>[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?))(?:\.git)?/?(?:@(?P<rev>[^#\s]+))?(?:#.*)?$"
)
"""`pip install git+https://huggingface.co/org/repo@rev`: installing runs the repository's build code."""


# ---------------------------------------------------------------------------------------------- tokenising


@dataclass
class Word:
    text: str
    """The word with quotes removed and known variables substituted."""
    raw: str
    """The word as shlex returned it, before substitution."""
    line: int
    column: int
    resolved: bool = True
    """False when it uses a variable (or `$(...)`, `${{ }}`) whose value is not known here."""
    alternatives: tuple[str, ...] | None = None
    """The values a `for` loop variable takes (`for m in org/a org/b`): a command using it runs once for each."""
    workflow: bool = False
    """Set by a workflow's `env:` (so `${{ env.NAME }}` reads it too)."""


@dataclass
class Command:
    words: list[Word]
    env: dict[str, Word] = field(default_factory=dict)
    """Assignments written on this command (`VAR=x cmd`, `docker run -e VAR=x`, compose `environment`)."""
    stdin_arguments: bool = False
    """`xargs cmd`: the command gets more arguments from its input, which the script does not show."""


@dataclass
class _Logical:
    text: str
    segments: list[tuple[int, int, int]]
    """(offset in text, 1-based physical line, 1-based column of that offset)."""

    def where(self, offset: int) -> tuple[int, int]:
        index = max(bisect_right(self.segments, (offset, float("inf"), 0)) - 1, 0)
        start, line, column = self.segments[index]
        return line, column + offset - start


def logical_lines(text: str, line_of: list[int], column_offset: int = 0, *,
                  dockerfile_escape: str | None = None) -> Iterator[_Logical]:
    """Join continuations; skip blank and comment lines. `line_of[i]` is text line i's file line.

    Shell (bash): a backslash before the newline continues the command; a blank line or a comment line after it
    ends the command. Dockerfile (`dockerfile_escape`, `\\` or a backtick from the `# escape=` directive): the
    escape character, optionally followed by spaces or tabs, continues the instruction, and blank lines and comment
    lines inside a continued instruction are removed (the Dockerfile reference; buildah and BuildKit run the rest).
    """
    lines = text.split("\n")
    quoted_newlines = _quoted_newlines(lines) | _array_newlines(lines) if dockerfile_escape is None else frozenset()
    current: _Logical | None = None
    for index, physical in enumerate(lines):
        physical = physical.rstrip("\r")
        if index - 1 in quoted_newlines and current is not None:
            column = 1  # inside a quoted string that spans lines: blank and `#` lines are part of it
        elif current is None:
            stripped = physical.lstrip()
            if not stripped or stripped.startswith("#"):
                continue
            indent = len(physical) - len(stripped)
            current = _Logical("", [])
            physical, column = stripped, indent + 1
        else:
            if dockerfile_escape is not None and (not physical.strip() or physical.lstrip().startswith("#")):
                continue  # removed from a continued instruction
            if dockerfile_escape is None and (not physical.strip() or physical.lstrip().startswith("#")):
                yield current  # bash: the continued line was empty or a comment, and its newline ends the command
                current = None
                continue
            column = 1
        if dockerfile_escape is not None:
            body = physical.rstrip(" \t")
            continued = body.endswith(dockerfile_escape) and (
                dockerfile_escape != "\\" or (len(body) - len(body.rstrip("\\"))) % 2 == 1)
            body = body[:-1] if continued else physical
        else:
            trailing = len(physical) - len(physical.rstrip("\\"))
            continued = trailing % 2 == 1
            body = physical[:-1] if continued else physical
        current.segments.append((len(current.text), line_of[index], column + column_offset))
        if index in quoted_newlines and not continued:
            current.text += body + "\n"  # the newline is part of the string
            continue
        current.text += body + (" " if continued else "")
        if not continued:
            yield current
            current = None
    if current is not None:
        yield current


_HEREDOC_START = re.compile(r"<<-?[ \t]*[\"']?([A-Za-z_][\w-]*)[\"']?")
_LONGEST_QUOTED_LINES = 64
"""A quote still open this many lines later is taken as a stray quote (`echo don't`), not a string."""


_UNQUOTED_SPECIAL = re.compile(r"[\\#'\"]")
_DOUBLE_QUOTED_SPECIAL = re.compile(r'[\\"]')


def _quote_state(line: str, state: str | None) -> str | None:
    """The quote (`'` or `"`) open at the end of `line`, given the one open at its start (bash quoting).
    Jumps from one special character to the next (the fuzzers' long lines made a per-character loop the cost)."""
    index = 0
    while index < len(line):
        if state is None:
            special = _UNQUOTED_SPECIAL.search(line, index)
            if special is None:
                return None
            index = special.start()
            char = line[index]
            if char == "\\":
                index += 2
                continue
            if char == "#":
                if index == 0 or line[index - 1] in " \t;&|(":
                    return None  # a comment runs to the end of the line
            else:
                state = char
        elif state == "'":
            index = line.find("'", index)
            if index < 0:
                return state
            state = None
        else:
            special = _DOUBLE_QUOTED_SPECIAL.search(line, index)
            if special is None:
                return state
            index = special.start()
            if line[index] == "\\":
                index += 2
                continue
            state = None
        index += 1
    return state


def _quoted_newlines(lines: list[str]) -> frozenset[int]:
    """Indices of lines that end inside a quoted string continuing on the next line (`ARGS="\n --model x\n"`).
    Heredoc bodies are data, and a quote that stays open too long is a stray one: neither joins lines."""
    joined: set[int] = set()
    # A stray quote makes the scan restart on the next line, so one line is read with each opening state at most
    # once: without the cache a file of stray quotes cost 64 readings per line.
    states: dict[tuple[int, str | None], str | None] = {}

    def state_after(position: int, state: str | None) -> str | None:
        key = (position, state)
        if key not in states:
            states[key] = _quote_state(lines[position], state)
        return states[key]

    index = 0
    while index < len(lines):
        line = lines[index]
        if "'" not in line and '"' not in line and "<<" not in line:
            index += 1
            continue
        state = state_after(index, None)
        heredoc = _HEREDOC_START.search(line) if state is None and "<<<" not in line else None
        if heredoc is not None:
            end = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == heredoc.group(1)),
                       len(lines))
            index = end + 1
            continue
        if state is None:
            index += 1
            continue
        opened = index
        while state is not None and index + 1 < len(lines) and index - opened < _LONGEST_QUOTED_LINES:
            index += 1
            state = state_after(index, state)
        if state is None:
            joined.update(range(opened, index))
        index = index + 1 if state is None else opened + 1
    return frozenset(joined)


_ARRAY_OPEN = re.compile(r"\s*(?:(?:declare|typeset|local|readonly)\s+(?:-[aA]+\s+)?)?[A-Za-z_][A-Za-z0-9_]*=\(")
_LINE_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#.*$")


def _array_newlines(lines: list[str]) -> frozenset[int]:
    """Indices of lines that end inside an array literal continuing on the next line: bash reads
    `MODELS=(\n  "org/a"  # a comment\n  "org/b"\n)` as one assignment, no backslash needed. An array left open
    longer than a quoted string may be is not one (the lines stay separate commands)."""
    joined: set[int] = set()
    index = 0
    while index < len(lines):
        opening = _ARRAY_OPEN.match(lines[index])
        if opening is None or ")" in _LINE_COMMENT.sub("", lines[index][opening.end():]):
            index += 1
            continue
        end = next((i for i in range(index + 1, min(index + 1 + _LONGEST_QUOTED_LINES, len(lines)))
                    if ")" in _LINE_COMMENT.sub("", lines[i])), None)
        if end is None:
            index += 1
            continue
        joined.update(range(index, end))
        index = end + 1
    return frozenset(joined)


def tokenize(logical: _Logical) -> list[tuple[str, int]]:
    """(word, offset) pairs; punctuation (`&&`, `|`, `;`) are their own words. Never raises."""
    if len(logical.text) > _LONGEST_SHLEX_LINE:
        # shlex reads one character at a time; a megabyte-long line gets plain whitespace words instead, and
        # past the first words only those holding a Hub URL are kept, so the work stays bounded.
        words: list[tuple[str, int]] = []
        for match in re.finditer(r"\S+", logical.text):
            words.append((match.group(0).strip("\"'"), match.start()))
            if len(words) >= _MOST_WORDS:
                # Anchored at word starts: a bare `\S*` before the host backtracks quadratically through a long
                # run of non-spaces (`}}}}...`, 12 s for 100 KB; issue 8: resource limits).
                rest = re.finditer(r"(?<!\S)\S*?(?:huggingface\.co|hf\.co)/\S*", logical.text[match.end():])
                words += [(m.group(0).strip("\"'"), match.end() + m.start()) for m in rest]
                break
        return words
    # GitHub expressions (`${{ inputs.model }}`) are one word: hide their spaces from shlex, same length.
    text = _GITHUB_EXPRESSION.sub(lambda m: m.group(0).replace(" ", _HIDDEN_SPACE), logical.text)
    # So is a command substitution, `$(cat model.txt)`: its value is only known when the script runs, so it must
    # reach the id slot whole and be reported as dynamic (issue 8: evasion). Nested ones (`$(a $(b))`) are
    # hidden from the inside out, so no assignment inside one is read as the script's. Same length, restored below.
    for _ in range(8):
        hidden = _COMMAND_SUBSTITUTION.sub(lambda m: m.group(0).translate(_HIDE_IN_WORD), text)
        if hidden == text:
            break
        text = hidden
    pieces = _shlex_tokens(text) if _SHLEX_QUOTING.search(text) else _plain_tokens(text)
    hidden = _HIDDEN.search(text) is not None  # else no token holds a hidden character: nothing to restore
    words = []
    previous_end = 0
    try:
        for token, unread in pieces:
            start = previous_end
            while start < len(text) and text[start] in " \t":
                start += 1
            previous_end = max(unread, start + 1)
            if token.startswith("#") and text[start:start + 1] == "#":
                break  # an unquoted comment runs to the end of the line
            words.append((token.replace(_HIDDEN_SPACE, " ").translate(_SHOW_IN_WORD) if hidden else token, start))
    except ValueError:
        # Unbalanced quotes: fall back to whitespace words with quotes stripped; better than nothing.
        words = [(m.group(0).strip("\"'"), m.start()) for m in re.finditer(r"\S+", text)]
    return words


_SHLEX_QUOTING = re.compile(r"[\"'\\]")
_PLAIN_TOKEN = re.compile(r"[();<>|&]+|[^ \t\r\n();<>|&]+")
_HIDDEN = re.compile("[" + re.escape(_HIDDEN_SPACE + "".join(map(chr, _SHOW_IN_WORD))) + "]")


def _shlex_tokens(text: str) -> Iterator[tuple[str, int]]:
    """shlex's words (posix, punctuation apart, split on whitespace only), each with the offset of the first
    character shlex has not consumed after it. Raises ValueError on an unclosed quote or a trailing escape."""
    lexer = shlex.shlex(io.StringIO(text), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    while True:
        token = lexer.get_token()
        if token is None or token == lexer.eof:
            return
        # The read-ahead shlex keeps in its private `_pushback_chars` (not in typeshed); `instream` is our StringIO.
        yield token, lexer.instream.tell() - len(lexer._pushback_chars)  # type: ignore[attr-defined]


def _plain_tokens(text: str) -> Iterator[tuple[str, int]]:
    """`_shlex_tokens` of a text without quotes or backslashes, read with one regular expression (shlex reads one
    character at a time, and was most of the shell fuzz target's time). shlex consumes the whitespace that ends a
    word and puts back the character of any other ending."""
    for match in _PLAIN_TOKEN.finditer(text):
        end = match.end()
        yield match.group(0), end + 1 if end < len(text) and text[end] in " \t\r\n" else end


_PARAMETER = re.compile(r"^(?P<length>#?)(?P<name>[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?P<op>.*)$", re.S)
_DEFAULT_OPERATOR = re.compile(r"^(?P<colon>:?)(?P<op>[-=+?])(?P<word>.*)$", re.S)
_CASE_OPERATORS = {"^^": str.upper, ",,": str.lower, "^": lambda s: s[:1].upper() + s[1:],
                   ",": lambda s: s[:1].lower() + s[1:], "~~": str.swapcase, "~": lambda s: s[:1].swapcase() + s[1:]}


def _closing_brace(raw: str, start: int) -> int:
    """Index of the `}` closing a `${` whose body starts at `start`, or -1."""
    depth = 1
    index = start
    while index < len(raw):
        if raw.startswith("${", index):
            depth += 1
            index += 2
            continue
        if raw[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def expand(raw: str, env: dict[str, Word]) -> tuple[str, bool]:
    """Substitute parameters as bash does, from `env`; (text, fully resolved).

    `$X`, `${X}`, `${X:-d}`/`${X-d}` (the default when X is not set here), `${X:=d}` (the same, and X is set),
    `${X:+alt}`, `${X,,}`/`${X^^}` (case), when X is known. Anything that depends on a value the file does not
    give (an unknown X with `:+`, `$1`, `$@`, `$(...)`, a pattern operator) leaves the word unresolved, so the
    reference is dynamic rather than dropped (issue 12: unknown never collapses to absent)."""
    if "$" not in raw and "`" not in raw:
        return raw, True
    resolved = True
    out: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "`":
            resolved = False
            out.append(char)
            index += 1
            continue
        if char != "$" or index + 1 >= len(raw):
            out.append(char)
            index += 1
            continue
        following = raw[index + 1]
        if raw.startswith("${{", index):
            end = raw.find("}}", index)
            end = len(raw) if end < 0 else end + 2
            context = _GITHUB_ENV.fullmatch(raw[index:end])
            known_word = env.get(context.group(1)) if context else None
            if known_word is not None and known_word.resolved and known_word.workflow:
                out.append(known_word.text)  # `${{ env.MODEL }}`: the workflow's `env:`, filled in before the shell runs
            else:
                out.append(raw[index:end])
                resolved = False
            index = end
        elif following == "{":
            end = _closing_brace(raw, index + 2)
            if end < 0:
                out.append(raw[index:])
                return "".join(out), False
            body = raw[index + 2:end]
            subscript = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\]", body)
            if subscript is not None:
                element = array_element("${" + body + "}", env)
                array = env.get(subscript.group(1))
                if element is not None and element.alternatives is None and element.resolved:
                    out.append(element.text)  # `${NAMES[0]}`
                elif array is not None and array.resolved and array.alternatives is None:
                    out.append(array.text)  # one element at a time: the command runs once per element
                else:
                    out.append(raw[index:end + 1])
                    resolved = False
                index = end + 1
                continue
            value, known = _parameter(body, env)
            partial = env.get(body)
            if known:
                out.append(value)
            elif value:
                out.append(value)  # `${X:-$HOME/m}`: the default's known part (X itself unset here)
                resolved = False
            elif partial is not None and partial.text:
                out.append(partial.text)  # a value with an unknown part: its known words still count (splitting)
                resolved = False
            else:
                out.append(raw[index:end + 1])
                resolved = False
            index = end + 1
        elif following == "(":
            out.append(raw[index:])
            return "".join(out), False
        elif following.isascii() and (following.isalpha() or following == "_"):
            match = re.match(r"[A-Za-z_][A-Za-z0-9_]*", raw[index + 1:])
            name = match.group(0)  # type: ignore[union-attr]  # `following` is a letter or `_`: it matches
            known_word = env.get(name)
            if known_word is not None and known_word.resolved:
                out.append(known_word.text)
            elif known_word is not None and known_word.text:
                out.append(known_word.text)  # a value with an unknown part (`$HOME/models/x`, `--cache $DIR`)
                resolved = False
            else:
                out.append("$" + name)
                resolved = False
            index += 1 + len(name)
        elif following in "0123456789@*#?$!-":
            out.append(raw[index:index + 2])  # positional and special parameters: set when the script runs
            resolved = False
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out), resolved


def _parameter(body: str, env: dict[str, Word]) -> tuple[str, bool]:
    """The value of one `${...}` body and whether it is known."""
    match = _PARAMETER.match(body)
    if match is None or match.group("length"):
        return "", False
    name, operator = match.group("name"), match.group("op")
    word = env.get(name)
    is_set = word is not None
    if word is not None and not word.resolved:
        return "", False
    value = word.text if word is not None else ""
    if not operator:
        return value, is_set
    if operator in _CASE_OPERATORS:
        return (_CASE_OPERATORS[operator](value), True) if is_set else ("", False)
    default = _DEFAULT_OPERATOR.match(operator)
    if default is None:
        return "", False  # `${X#pattern}`, `${X/a/b}`, `${X:1:2}`, ...: not modelled, so not known
    use_default = not is_set or (default.group("colon") == ":" and value == "")
    argument, argument_known = expand(_unquoted(default.group("word")), env)
    if default.group("op") in "-=":
        if not use_default:
            return value, True
        if default.group("op") == "=" and argument_known:
            env[name] = Word(argument, default.group("word"), 0, 0, True)
        return argument, argument_known
    if default.group("op") == "+":
        if not is_set:
            return "", False  # set or not depends on the environment the script runs in
        return ("" if use_default else argument), argument_known or use_default
    return (value, True) if not use_default else ("", False)  # `${X:?message}`


def _unquoted(word: str) -> str:
    """The word of `${X:-"word"}` without its quotes (bash removes them; an escaped quote stays)."""
    if "\"" not in word and "'" not in word:
        return word
    return re.sub(r"\\([\"'])|[\"']", lambda m: m.group(1) or "", word)


def _brace_alternatives(text: str, budget: int = _MOST_ALTERNATIVES) -> list[str] | None:
    """Bash brace expansion of one unquoted word (`org/{a,b}` → org/a org/b, `m{1..3}`); None past the budget."""
    start = 0
    while True:
        opening = text.find("{", start)
        if opening < 0:
            return [text]
        if opening > 0 and text[opening - 1] == "$":
            start = opening + 1
            continue
        depth, index, commas = 0, opening, []
        while index < len(text):
            if text[index] == "{":
                depth += 1
            elif text[index] == "}":
                depth -= 1
                if depth == 0:
                    break
            elif text[index] == "," and depth == 1:
                commas.append(index)
            index += 1
        if index >= len(text):
            return [text]
        body = text[opening + 1:index]
        if commas:
            bounds = [opening, *commas, index]
            parts = [text[bounds[i] + 1:bounds[i + 1]] for i in range(len(bounds) - 1)]
        else:
            sequence = re.fullmatch(r"(-?\d+)\.\.(-?\d+)|([A-Za-z])\.\.([A-Za-z])", body)
            if sequence is None:
                start = opening + 1
                continue
            if sequence.group(1) is not None:
                low, high = int(sequence.group(1)), int(sequence.group(2))
                step = 1 if high >= low else -1
                if abs(high - low) >= budget:
                    return None
                parts = [str(n) for n in range(low, high + step, step)]
            else:
                low, high = ord(sequence.group(3)), ord(sequence.group(4))
                step = 1 if high >= low else -1
                parts = [chr(n) for n in range(low, high + step, step)]
        results: list[str] = []
        for part in parts:
            expanded = _brace_alternatives(text[:opening] + part + text[index + 1:], budget)
            if expanded is None or len(results) + len(expanded) > budget:
                return None
            results.extend(expanded)
        return results


def _source_is_quoted(logical: _Logical, offset: int) -> bool:
    """True when the word's source text holds quotes or escapes (bash does no brace expansion or word splitting
    inside them)."""
    text, index, quote = logical.text, offset, None
    while index < len(text):
        char = text[index]
        if quote is None and char in " \t":
            break
        if char in "\"'\\":
            return True
        index += 1
    return False


def commands_of(logical: _Logical, env: dict[str, Word],
                subshells: list[dict[str, Word]] | None = None) -> Iterator[Command]:
    """Split a logical line into simple commands, modelling bash's scoping of assignments:

    - `VAR=value` alone sets VAR for the rest of the script; `VAR=value cmd` sets it for `cmd` only (the
      command's `env`), and words of that command are expanded without it;
    - `( ... )` and the commands of a pipeline run in a subshell: what they assign does not leak out;
    - `read NAME`, `for NAME in ...` make NAME unknown (or each of the loop's literals)."""
    if _array_assignment(logical, env):
        return
    # The scopes saved by the `(` this line is inside; shared across a script's lines when the caller passes a list.
    open_here = subshells is None
    subshells = [] if subshells is None else subshells
    command = Command([])
    previous_separator = None
    tokens = tokenize(logical) + [(";", len(logical.text))]
    redirect_target = False
    for token, offset in tokens:
        if redirect_target and token not in _SEPARATORS:
            redirect_target = False  # `< models.txt`, `> log`: a file, not an argument
            continue
        redirect_target = False
        if _REDIRECTION.fullmatch(token):
            if command.words and command.words[-1].raw.isdigit():
                command.words.pop()  # the descriptor of `2>`
            redirect_target = True
            continue
        if token in _SEPARATORS:
            in_pipeline = "|" in (token, previous_separator) or token == "|&"
            if command.words or command.env:
                yield from _finish(command, env, commit=not in_pipeline)
            if token == "(":
                subshells.append(dict(env))
            elif token == ")" and subshells:
                saved = subshells.pop()
                env.clear()
                env.update(saved)
            command = Command([])
            previous_separator = token
            continue
        line, column = logical.where(offset)
        if not command.words:
            assignment = _ASSIGNMENT.match(token)
            if assignment:
                element = array_element(assignment.group(2), env)
                if element is not None:  # `name=${NAMES[$i]}`: each element the array holds
                    command.env[assignment.group(1)] = replace(element, raw=assignment.group(2), line=line,
                                                               column=column)
                    continue
                value_text, value_resolved = expand(assignment.group(2), env)
                command.env[assignment.group(1)] = Word(value_text, assignment.group(2), line, column,
                                                        value_resolved)
                continue
            if token in _WRAPPERS:
                continue
        if command.words and command.words[0].text in _DECLARATIONS:
            assignment = _ASSIGNMENT.match(token)
            if assignment:
                value_text, value_resolved = expand(assignment.group(2), env)
                value = Word(value_text, assignment.group(2), line, column, value_resolved)
                command.env[assignment.group(1)] = value
            continue
        alternatives, too_many = [token], False
        quoted = ("{" in token or "$" in token) and _source_is_quoted(logical, offset)
        if "{" in token and not quoted:
            expanded = _brace_alternatives(token)
            too_many = expanded is None
            alternatives = expanded or [token]
        for alternative in alternatives:
            text, resolved = expand(alternative, env)
            if "$" in alternative and not quoted and len(text.split()) > 1:
                # word splitting: `ARGS="--model_name_or_path org/m"; python x.py $ARGS` passes two words
                for part in text.split():
                    command.words.append(Word(part, alternative, line, column,
                                              (resolved or not re.search(r"[$`]", part)) and not too_many))
                continue
            # more alternatives than are read: unknown, never a few of them
            command.words.append(Word(text, alternative, line, column, resolved and not too_many))
    while open_here and subshells:  # a subshell left open at the end of a line read alone
        saved = subshells.pop()
        env.clear()
        env.update(saved)


def _finish(command: Command, env: dict[str, Word], *, commit: bool) -> Iterator[Command]:
    """Yield the finished command (once per value of a `for` variable it uses) and apply its assignments."""
    words = command.words
    first = words[0].text if words else None
    if first in _DECLARATIONS or not words:
        if commit:
            env.update(command.env)  # `X=1` alone, `export X=1`: the rest of the script sees it
    elif first == "read" or first in ("mapfile", "readarray"):
        index = 1
        while index < len(words):
            text = words[index].text
            if text.startswith("-"):
                index += 2 if text in _READ_VALUE_OPTIONS or text == "-a" else 1
                if text == "-a" and index - 1 < len(words):
                    _unknown(env, words[index - 1])
                continue
            _unknown(env, words[index])
            index += 1
        if first != "read" and len(words) == 1:
            env["MAPFILE"] = Word("", "", words[0].line, words[0].column, False)
    elif first in ("for", "select") and len(words) >= 2:
        _loop_variable(words, env)
    used = [name for name in _variables_in(words) if env.get(name) is not None and env[name].alternatives
            and not _only_literal_subscripts(name, words)]
    if used:
        # Two loop variables or arrays indexed together (`${names[$i]}`, `${assistants[$i]}`): every value of each
        # is read, in each combination (bounded), so no value is reported alone as if it were the only one.
        combinations = itertools.islice(itertools.product(*(env[name].alternatives or () for name in used)),
                                        _MOST_ALTERNATIVES)
        for values in combinations:
            scoped = dict(env)
            for name, value in zip(used, values, strict=True):
                loop = env[name]
                scoped[name] = Word(value, loop.raw, loop.line, loop.column, True)
            yield Command([_reexpand(word, scoped) for word in words], command.env, command.stdin_arguments)
        return
    yield command


_ARRAY = re.compile(r"\s*(?:(?:declare|typeset|local|readonly)\s+(?:-[aA]+\s+)?)?([A-Za-z_][A-Za-z0-9_]*)=\((.*)\)\s*;?\s*",
                    re.DOTALL)
_SUBSCRIPT = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\]\}$")


def _array_assignment(logical: _Logical, env: dict[str, Word]) -> bool:
    """`NAMES=(org/a "org/b")` (bash arrays): NAMES takes each element as a loop variable does, so a command using
    `${NAMES[@]}`, `${NAMES[$i]}` or a variable assigned from them runs once per element. An element that is not a
    literal makes the array unknown (its uses are dynamic references), never one of its values."""
    match = _ARRAY.fullmatch(logical.text)
    if match is None:
        return False
    name = match.group(1)
    line, column = logical.where(match.start(1))
    try:
        parts = shlex.split(match.group(2), comments=True)
    except ValueError:
        parts = None
    raw_parts = match.group(2).split()
    if (not parts or len(parts) > _MOST_ALTERNATIVES or any("$" in part or "`" in part for part in raw_parts)
            or any(re.search(r"[*?\[]", part) for part in parts)):
        env[name] = Word("", match.group(0), line, column, False)
        return True
    env[name] = Word(parts[0], match.group(2), line, column, True, tuple(dict.fromkeys(parts)))
    return True


def array_element(raw: str, env: dict[str, Word]) -> Word | None:
    """The value `${NAMES[i]}` / `${NAMES[@]}` (quoted or not) stands for when NAMES is a known array: its
    element for a literal index, else every element (as a loop variable)."""
    match = _SUBSCRIPT.match(raw.strip().strip('"'))
    array = env.get(match.group(1)) if match else None
    if match is None or array is None or not array.alternatives:
        return None
    index = match.group(2)
    if index.isdigit():
        values = array.alternatives
        return Word(values[int(index)], raw, array.line, array.column, int(index) < len(values)) \
            if int(index) < len(values) else Word("", raw, array.line, array.column, False)
    return array


def _only_literal_subscripts(name: str, words: list[Word]) -> bool:
    """Every use of `name` in the words is `${name[<number>]}`: one element each, no repetition needed."""
    uses = [m.group(0) for w in words for m in re.finditer(rf"\$\{{?{re.escape(name)}(?![A-Za-z0-9_])(\[[^\]]*\])?",
                                                              w.raw)]
    return bool(uses) and all(re.fullmatch(rf"\$\{{{re.escape(name)}\[\d+\]", use) for use in uses)


def _unknown(env: dict[str, Word], word: Word) -> None:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", word.text):
        env[word.text] = Word("", "", word.line, word.column, False)


def _loop_variable(words: list[Word], env: dict[str, Word]) -> None:
    """`for NAME in a b c`: NAME takes each literal (read once per value by the commands that use it); a list
    with anything unknown, a glob or too many values makes NAME unknown. `for NAME` / `for ((...))`: unknown."""
    name = words[1]
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.text):
        return
    values = words[3:] if len(words) > 2 and words[2].text == "in" else None
    element = array_element(values[0].raw, env) if values and len(values) == 1 else None
    if element is not None and element.alternatives:  # `for m in "${MODELS[@]}"`
        env[name.text] = replace(element, line=name.line, column=name.column)
        return
    if (values is None or not values or len(values) > _MOST_ALTERNATIVES
            or any(not w.resolved or re.search(r"[*?\[]", w.text) for w in values)
            or any(env.get(used) is not None and env[used].alternatives for used in _variables_in(values))):
        _unknown(env, name)
        return
    env[name.text] = Word(values[0].text, " ".join(w.raw for w in values), name.line, name.column, True,
                          tuple(dict.fromkeys(w.text for w in values)))


def _variables_in(words: list[Word]) -> list[str]:
    names = []
    for word in words:
        if "$" not in word.raw:
            continue  # the common case, without a regular expression per word
        for match in re.finditer(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)|\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)", word.raw):
            names.append(match.group(1) or match.group(2))
    return list(dict.fromkeys(names))


def _reexpand(word: Word, env: dict[str, Word]) -> Word:
    text, resolved = expand(word.raw, env)
    return Word(text, word.raw, word.line, word.column, resolved)


# ---------------------------------------------------------------------------------------------- recognising


class _Common(TypedDict):
    """The `_Collector._reference` arguments every value of one catalog argument shares."""

    at: Word
    api: str
    source: str
    pinnable: bool
    allow_legacy: bool
    role: str
    confidence: str
    reads_local: bool
    trust_remote_code: bool | None


class _Collector:
    """Turns recognised commands into references for one source."""

    def __init__(self, path: str, syntax: str, repo_paths: frozenset[str] | None, depth: int = 0,
                 saved_paths: set[str] | None = None):
        self.path, self.syntax, self.repo_paths = path, syntax, repo_paths
        self.depth = depth
        """How many `sh -c` / `eval` / `python -c` layers this text sits inside."""
        self.references: list[Reference] = []
        self.env_assignments: list[tuple[str, Word, dict[str, Word], list[Word]]] = []
        self.context_assignments: list[tuple[str, Word]] = []
        """`MODEL_NAME=org/m`: a variable whose name says model or dataset (reported when no command uses it)."""
        self.consumed_variables: set[str] = set()
        self.saved_paths: set[str] = saved_paths if saved_paths is not None else set()
        """Where commands of this file write (`--output_dir output/merged`): a later `--model output/merged` reads
        that directory, not a Hub repository (issue 11: negative evidence). A notebook's `!` lines share one set:
        they run one after another in the same working directory."""
        self.alive: list[Word] = []
        self.implicit_program: str | None = None
        """The program a container image runs when a command gives only arguments (compose `command:`)."""
        self.mlflow_registry: dict[str, str] = {}
        """`MLFLOW_REGISTRY_URI` / `MLFLOW_TRACKING_URI` as the text assigns them (the first of each)."""
        self.at_each_value = False
        """Report an id where its own word is, not where the command starts: a config's block-style argument list
        (one YAML item per line) has no command line, and its value item is what a reader looks for."""
        self.ran_program = False
        """Some command of the text runs a program (not only assignments and declarations)."""

    # ---- helpers
    def _reference(self, *, kind: str, word: Word, at: Word, api: str, revision: Word | None, revision_key: str | None,
                   source: str = "huggingface", pinnable: bool = True, allow_legacy: bool = True,
                   id_text: str | None = None, trust_remote_code: bool | None = False,
                   confidence: str = CONFIDENCE_HIGH, role: str = "load", reads_local: bool = True) -> None:
        value = id_text if id_text is not None else word.text
        parts = joined_ids(value) if word.resolved and id_text is None else None
        if parts is not None:
            for part in parts:
                if "/" in part:
                    self._reference(kind=kind, word=word, at=at, api=api, revision=revision, revision_key=revision_key,
                                    source=source, pinnable=pinnable, allow_legacy=allow_legacy, id_text=part,
                                    trust_remote_code=trust_remote_code, confidence=confidence, role=role,
                                    reads_local=reads_local)
                else:
                    self._reference(kind=kind, word=replace(word, resolved=False,
                                                            raw=JOINED_BARE_PART.format(part=part, value=value)),
                                    at=at, api=api, revision=None, revision_key=None, source=source,
                                    pinnable=pinnable, confidence=confidence, role=role)
            return
        self.consumed_variables.update(_variables_in([word]))
        if word.resolved and _PLACEHOLDER.fullmatch(value):
            # `--hub_model_id '<model-id>'`: a value the user fills in, so unknown here, never absent
            word, id_text = replace(word, resolved=False, raw=value), None
        if not word.resolved and _ABSOLUTE_START.match(word.text):
            return  # `$HOME/models/x`, `${PWD}/ckpt`: whatever the variable holds, this is a local path
        if word.resolved:
            if (not looks_like_hub_id(value, allow_legacy=allow_legacy)
                    and look_alike(value, allow_legacy=allow_legacy) is None):
                return  # an id that only looks like one (homoglyphs) is reported, with a warning (issue 8)
            # A path in the repository is what a loader that reads local directories gets; a download command
            # never reads one, so a file named like an id cannot hide it (issue 12).
            if is_local_path(value, self.repo_paths if reads_local else None):
                return
        if role != "load":
            pinnable, revision = False, None
        revision_text = revision.text if revision is not None and revision.resolved else (
            revision.raw if revision is not None else None)
        self.references.append(Reference(  # kind, confidence, role: str in the catalog's rows, checked there
            kind=kind, source=source, id=value if word.resolved else None, revision=revision_text,  # type: ignore[arg-type]
            pinned=pinnable and revision is not None and revision.resolved and is_pinned(revision.text),
            pinnable=pinnable, path=self.path, line=(word if self.at_each_value else at).line,
            column=(word if self.at_each_value else at).column, api=api, dynamic=not word.resolved, expression=None if word.resolved else word.raw,
            syntax=self.syntax, revision_key=revision_key if pinnable else None, trust_remote_code=trust_remote_code,
            confidence=confidence, role=role,  # type: ignore[arg-type]
        ))

    @staticmethod
    def _trust(words: list[Word], env: dict[str, Word] | None = None) -> bool | None:
        """`--trust-remote-code` (vLLM, TGI) / `--trust_remote_code [true|false]` (HF scripts), or TGI's
        `TRUST_REMOTE_CODE`: True/False as written, None when a variable sets it."""
        for index, word in enumerate(words):
            flag, equals, value = word.text.partition("=")
            if flag not in TRUST_FLAGS:
                continue
            # Only HfArgumentParser's `--trust_remote_code` takes a value; vLLM's and TGI's flag stands alone.
            if flag == "--trust_remote_code" and not equals and index + 1 < len(words) \
                    and not words[index + 1].text.startswith("-"):
                following = words[index + 1]
                if not following.resolved:
                    return None
                value = following.text if following.text.lower() in _BOOLEAN_WORDS else ""
            if equals and not word.resolved:
                return None
            return _BOOLEAN_WORDS.get(value.lower(), True) if value else True
        variable = (env or {}).get("TRUST_REMOTE_CODE")
        if variable is None:
            return False
        return _BOOLEAN_WORDS.get(variable.text.lower(), True) if variable.resolved else None

    @staticmethod
    def _option(words: list[Word], names: Iterable[str]) -> tuple[Word | None, str | None, int | None]:
        """The value of the first of `names` given as `--flag value` or `--flag=value` (word, flag, index)."""
        for name in names:
            for index, word in enumerate(words):
                if word.text == name and index + 1 < len(words):
                    return words[index + 1], name, index + 1
                if word.text.startswith(name + "="):
                    value = word.text[len(name) + 1:]
                    raw = word.raw.split("=", 1)[1] if "=" in word.raw else value
                    return Word(value, raw, word.line, word.column, word.resolved), name, index
        return None, None, None

    @staticmethod
    def _values(words: list[Word], flags: Iterable[str], many: bool, carriers: set[int] | None = None) -> list[Word]:
        """Every value given to one of `flags` (`--flag v`, `--flag=v`, `key=v`; with `many`, `--flag a b c`).
        `carriers` collects the words that hold a `--flag=v` value, so no other reading takes them again."""
        values: list[Word] = []
        for index, word in enumerate(words):
            for flag in flags:
                if word.text == flag:
                    following = index + 1
                    while following < len(words) and not words[following].text.startswith("-"):
                        values.append(words[following])
                        if not many:
                            break
                        following += 1
                elif word.text.startswith(flag + "="):
                    value = word.text[len(flag) + 1:]
                    raw = word.raw.split("=", 1)[1] if "=" in word.raw else value
                    values.append(Word(value, raw, word.line, word.column, word.resolved))
                    if carriers is not None:
                        carriers.add(id(word))
        return values

    # ---- commands
    def command(self, command: Command, following: list[Command]) -> None:
        # `consumed` holds `id()`s of words: every word it may name must stay alive until the command is read,
        # or a later word could reuse a freed id and be skipped.
        self.alive = []
        words = command.words
        consumed: set[int] = set()
        self._mlflow(command)
        if words and words[0].text in _DECLARATIONS:
            words = []
        self.ran_program = self.ran_program or bool(words)
        prefix = [value for value in command.env.values() if (value.line, value.column) < (words[0].line, words[0].column)] \
            if words else []
        if prefix:
            # `CUDA_VISIBLE_DEVICES=0 \ swift sft ...`: the command starts at its first prefix assignment, and
            # that is where its references are reported (people and `git blame` look for the command there).
            start = min(prefix, key=lambda value: (value.line, value.column))
            words = [replace(words[0], line=start.line, column=start.column), *words[1:]]
        program, rest, from_input = _program(words)
        if self.implicit_program and words and words[0].text.startswith("-"):
            program, rest = self.implicit_program, words
        if from_input:  # `xargs -I{} hf download {}`: the replaced words come from the input
            rest = [replace(w, resolved=False) if from_input in w.text else w for w in rest]
        for name, value in command.env.items():
            if name in ENV_FORMS or name in ENV_ID_LISTS:
                self.env_assignments.append((name, value, command.env, words))
            elif context_kind(name) is not None or is_publish_name(name):
                self.context_assignments.append((name, value))
        layer = _another_layer(words)
        if layer is not None:
            self._another_layer(*layer, at=words[0])
            return
        row = cli.command_for(program, [w.text for w in rest[:3]]) if program else None
        output_options = row.output_options if row is not None else frozenset()
        if row is not None:
            consumed |= self._catalog_command(row, words, rest[len(row.words) - 1:], command,
                                              from_input is not None)
        elif program == "git" and rest and rest[0].text == "clone":
            consumed |= self._git_clone(words, rest[1:], following)
        elif program in ("docker", "podman") and rest and rest[0].text in ("run", "create"):
            self._docker_env(words)
        elif program == "curl":
            self._request_body(rest)
        elif program in ("pip", "pip3") or (program == "uv" and rest and rest[0].text == "pip"):
            pip_rest = rest[1:] if program == "uv" else rest
            if pip_rest and pip_rest[0].text == "install":
                consumed |= self._pip_install(words, pip_rest[1:])
        if program not in _PRINTERS:  # `echo $cmd` shows the command that `eval $cmd` then runs
            consumed |= self._catalog_flags(words, consumed)
            consumed |= self._push_targets(words, consumed)
            consumed |= self._context_flags(words, consumed)
        self._urls(words, consumed, program)
        self._note_saved_paths(words, output_options)

    def _note_saved_paths(self, words: list[Word], output_options: frozenset[str] = frozenset()) -> None:
        for index, word in enumerate(words):
            flag, equals, inline = word.text.partition("=")
            if not flag.startswith("-") or not (flag in output_options or _flag_meaning(flag)[2]):
                continue
            value = inline if equals else (words[index + 1].text if index + 1 < len(words) else "")
            if value and not value.startswith("-"):
                self.saved_paths.add(value.rstrip("/"))

    def _mlflow(self, command: Command) -> None:
        """`mlflow models serve -m models:/churn/3`, `MODEL_URI=runs:/<id>/model`, `export MLFLOW_TRACKING_URI=...`."""
        written = "\0".join([*command.env, *(w for value in (*command.words, *command.env.values())
                                               for w in (value.text, value.raw))])
        if "MLFLOW_" not in written and not any(prefix in written for prefix in mlflow_uris.PREFIXES):
            return  # neither a registry variable nor a URI in any word or value (most commands)
        assignments = list(command.env.items())
        for word in command.words:
            name, equals, value = word.text.partition("=")
            if equals and _ASSIGNMENT.match(word.text):
                assignments.append((name, Word(value, word.raw.partition("=")[2], word.line, word.column,
                                               word.resolved)))
        for name, value in assignments:
            if name in mlflow_uris.REGISTRY_VARIABLES and value.resolved and value.text:
                self.mlflow_registry.setdefault(name, value.text)
        program = _program(command.words)[0]
        program_api = "shell:mlflow models" if program == "mlflow" else f"shell:{program or 'command'}"
        candidates = [(f"env:{name}", value) for name, value in assignments]
        candidates += [(program_api, w) for w in command.words if not _ASSIGNMENT.match(w.text)]
        for api, word in candidates:
            uri = mlflow_uris.uri_in(word.text if word.resolved else word.raw)
            target = mlflow_uris.parse(uri) if uri else None
            if target is None:
                continue
            self.references.append(Reference(
                kind="model", source="mlflow", id=target.id if word.resolved else None,
                revision=target.revision if word.resolved else None,
                pinned=word.resolved and mlflow_uris.is_pinned(target.revision), path=self.path, line=word.line,
                column=word.column, api=api, pinnable=True, dynamic=not word.resolved,
                expression=None if word.resolved else word.raw, syntax=self.syntax, revision_key="uri"))

    def _another_layer(self, name: str, language: str, code: Word, *, at: Word) -> None:
        """`bash -c "..."`, `eval "..."`, `python -c "..."`: the string is read again, as shell or as Python, and
        what it holds is reported at the outer command (issue 8: evasion)."""
        if self.depth >= _DEEPEST_LAYER:
            return
        if language == "python":
            from gate.discover.python_finder import PythonFinder

            found = list(PythonFinder().scan(SourceFile(self.path, ""), code.text, self.repo_paths).references)
        else:
            inner = _Collector(self.path, self.syntax, self.repo_paths, self.depth + 1)
            _scan_shell_into(code.text, inner, [at.line] * (code.text.count("\n") + 1), 0, {})
            inner.finish_env()
            found = inner.references
        if found:
            self.consumed_variables.update(_variables_in([code]))  # substituted before the inner text was read
        self.references.extend(
            replace(reference, line=at.line, column=at.column, syntax=self.syntax,
                    api=f"{name}{LAYER_SEPARATOR}{reference.api}")
            for reference in found)

    def _catalog_command(self, row: cli.CliCommand, words: list[Word], args: list[Word], command: Command,
                         from_input: bool) -> set[int]:
        """A command of the CLI catalog: each of its id arguments, positional or flag."""
        consumed: set[int] = set()
        positionals = _positionals(row, args)
        kind_override = None
        if row.kind_option:
            repo_type, _, _ = self._option(args, (row.kind_option,))
            if repo_type is not None and repo_type.text == "space":
                return {id(w) for w in positionals[:1]}  # a Space is an app, not a model or a dataset
            if repo_type is not None and repo_type.text in ("dataset", "model"):
                kind_override = repo_type.text
        source = row.source
        if row.hub_switches and self._switched_on(words, command.env, row.hub_switches):
            source = "huggingface"
        trust = self._trust(words)
        for selector in row.selector_options:
            chosen = self._values(args, (selector,), False, consumed)
            self.alive.extend(chosen)
            consumed.update(id(word) for word in chosen)
        for arg in row.args:
            values = self._values(args, arg.flags, arg.many, consumed) if arg.flags else []
            self.alive.extend(values)
            if not values and arg.positional is not None:
                if arg.positional < len(positionals):
                    values = [positionals[arg.positional]]
                elif from_input:
                    # `xargs hf download < list`: the id comes from the input, which the script does not show
                    at = words[0]
                    values = [Word("", " ".join(w.raw for w in words), at.line, at.column, False)]
                    self.alive.extend(values)
            if not values and arg.default_id is not None and not from_input \
                    and not any(word.text in ("-h", "--help") for word in args):
                # the tool's own default repository: reported at the command (the value is never written);
                # a command asking for its help loads nothing
                values = [Word(arg.default_id, "", words[0].line, words[0].column, True)]
                self.alive.extend(values)
            aliases = dict(arg.aliases)
            for value in values:
                consumed.add(id(value))
                alias_revision = None
                if value.resolved and value.text in aliases:
                    repository, _, alias_revision = aliases[value.text].partition("@")
                    value = replace(value, text=repository)
                    self.alive.append(value)
                elif value.resolved and arg.value == cli.VALUE_ALIASES:
                    continue  # one of the tool's own names that is not a Hub repository
                self._emit(arg, value, words, api=arg.api or row.reference_api,
                           kind=kind_override or arg.kind, source=source, trust=trust,
                           alias_revision=alias_revision or None)
        return consumed

    @staticmethod
    def _switched_on(words: list[Word], env: dict[str, Word], switches: tuple[str, ...]) -> bool:
        for switch in switches:
            if switch.startswith("-"):
                value, _, _ = _Collector._option(words, (switch,))
                if value is not None and value.text.lower() in ("true", "1", "yes"):
                    return True
            elif switch in env and env[switch].text.lower() in ("true", "1", "yes"):
                return True
        return False

    def _emit(self, arg: cli.CliArg, word: Word, words: list[Word], *, api: str, kind: str, source: str,
              trust: bool | None, confidence: str = CONFIDENCE_HIGH, alias_revision: str | None = None) -> None:
        """References for one value of a catalog argument, read as its value form says. `alias_revision`: the
        revision the tool's own name stands for (`CliArg.aliases` written `org/name@revision`)."""
        revision, revision_flag, _ = self._option(words, arg.revision_flags)
        revision_key = revision_flag or (arg.revision_flags[0] if arg.revision_flags else None)
        if alias_revision is not None and revision is None:
            revision = Word(alias_revision, alias_revision, word.line, word.column)
        common: _Common = dict(at=words[0], api=api, source=source, pinnable=arg.is_pinnable, allow_legacy=arg.allow_legacy,
                      role=arg.role, confidence=confidence, reads_local=arg.reads_local_paths,
                      trust_remote_code=trust if arg.trusts and kind == "model" else False)
        if word.resolved and word.text in arg.skip_ids:
            return  # one of the tool's built-ins (`--data_name json --data_files ./train.jsonl`), no repository
        if not word.resolved or arg.value in (cli.VALUE_ID, cli.VALUE_ALIASES):
            self._reference(kind=kind, word=word, revision=revision, revision_key=revision_key, **common)
            if arg.code_revision_flags and word.resolved is not None:
                # `--code-revision` pins the remote code apart from the weights (see catalog.Slot.code_pin).
                code_revision, code_flag, _ = self._option(words, arg.code_revision_flags)
                if code_revision is not None and trust is not False:
                    self._reference(kind=kind, word=word, revision=code_revision, revision_key=code_flag, **common)
            return
        parts: list[tuple[str, str, Word | None, str | None]] = []  # (id, kind, revision, revision key)
        if arg.value == cli.VALUE_NAMED:
            parts.append((named_id(word.text), kind, None, None))
        elif arg.value == cli.VALUE_COMMA_NAMED:
            for item in word.text.split(","):
                parts.append((item.partition("=")[2] or item, kind, None, None))
        elif arg.value == cli.VALUE_KEY_VALUES:
            pairs = dict(item.partition("=")[::2] for item in word.text.split(",") if "=" in item)
            for position, (key, key_kind) in enumerate(arg.keys):
                if key in pairs:
                    key_revision = pairs.get(arg.revision_key_in_value or "") if position == 0 else None
                    revision_word = (Word(key_revision, key_revision, word.line, word.column)
                                     if key_revision is not None else None)
                    parts.append((pairs[key], key_kind, revision_word,
                                  f"{arg.flags[0]}:{arg.revision_key_in_value}" if position == 0 else None))
            trusted = pairs.get("trust_remote_code")
            if trusted is not None:
                common["trust_remote_code"] = _BOOLEAN_WORDS.get(trusted.lower(), True)
        elif arg.value == cli.VALUE_WEIGHTED:
            if not re.fullmatch(r"[0-9.]+(?:e-?[0-9]+)?", word.text):
                parts.append((word.text, kind, None, None))
        elif arg.value == cli.VALUE_SWIFT_DATASET:
            text = re.sub(r"#\d+$", "", word.text)
            parts.append((text.split(":", 1)[0], kind, None, None))
        elif arg.value == cli.VALUE_OLLAMA:
            self._ollama(words, word)
            return
        elif arg.value == cli.VALUE_QUANT_TAG:
            parts.append((word.text.split(":", 1)[0], kind, None, None))
        for text, part_kind, part_revision, part_key in parts:
            if arg.value == cli.VALUE_KEY_VALUES:
                pinned_part: _Common = {**common, "pinnable": part_key is not None and arg.is_pinnable}
                self._reference(kind=part_kind, word=word, id_text=text, revision=part_revision,
                                revision_key=part_key, **pinned_part)
            else:
                self._reference(kind=part_kind, word=word, id_text=text, revision=revision,
                                revision_key=revision_key, **common)

    def _catalog_flags(self, words: list[Word], consumed: set[int]) -> set[int]:
        """Flags of `cli.FLAGS` on any command line (a script's flags pass through its launcher)."""
        used: set[int] = set()
        present = {word.text.partition("=")[0] for word in words if word.text.startswith("-")}
        for flag in [flag for flag in cli.FLAG_ROWS if flag in present]:
            arg = cli.FLAG_ROWS[flag]
            values = self._values(words, (flag,), arg.many, used)
            self.alive.extend(values)
            for value in values:
                if id(value) in consumed or id(value) in used:
                    continue
                self._emit(arg, value, words, api=arg.api or f"shell:{flag}", kind=arg.kind, source="huggingface",
                           trust=self._trust(words))
                used.add(id(value))
        return used

    def _push_targets(self, words: list[Word], consumed: set[int]) -> set[int]:
        """`--push_to_hub [true] --repository_id name`: the repository flag names where the script pushes
        (`cli.PUSH_REPOSITORY_FLAGS`), a `medium`-confidence publish target."""
        if not _pushes_to_hub(words):
            return set()
        value, flag, _ = self._option(words, cli.PUSH_REPOSITORY_FLAGS)
        if value is None or flag is None or id(value) in consumed or value.text.startswith("-") or \
                not value.resolved or _local_looking(value.text):
            return set()
        self.alive.append(value)
        self._reference(kind="model", word=value, at=words[0], api=f"shell:{flag}", revision=None, revision_key=None,
                        role="publish", confidence=CONFIDENCE_MEDIUM)
        return {id(value)}

    def _context_flags(self, words: list[Word], consumed: set[int]) -> set[int]:
        """A flag in no catalog row whose name says model or dataset (`--reward_model`, `--eval_dataset_id`)
        with a value shaped like a Hub id: a `medium`-confidence reference (issue 11: context)."""
        used: set[int] = set()
        for index, word in enumerate(words):
            hydra = index > 0 and _HYDRA_OVERRIDE.match(word.text) is not None
            if not (word.text.startswith("--") or hydra) or word.text in TRUST_FLAGS or id(word) in consumed:
                continue
            flag, equals, inline = word.text.partition("=")
            if flag in cli.FLAG_ROWS:
                continue
            kind, publish, _ = _flag_meaning(flag)
            if kind is None and not publish:
                continue
            if equals:
                values = [Word(inline, word.raw.partition("=")[2], word.line, word.column, word.resolved)]
            elif hydra:
                continue
            elif index + 1 < len(words) and not words[index + 1].text.startswith("-"):
                values = [words[index + 1]]
                # `--data_path org/a org/b org/c` (an argparse `nargs="*"` flag): the words after the first value
                # are its values too while each is shaped like an id; anything else (a positional) ends the list.
                # A project directory (`data/split`) ends it too: past it, a word may be the script's positional.
                for following in words[index + 2:]:
                    if id(following) in consumed or not looks_like_hub_id(following.text) \
                            or _local_looking(following.text):
                        break
                    values.append(following)
            else:
                continue
            kind = kind or publish_kind(flag)
            for value in values:
                if id(value) in consumed or not _context_value(value):
                    continue
                self.alive.append(value)
                revision, revision_flag, _ = self._option(words, _revision_flags_for(flag))
                self._reference(kind=kind, word=value, at=words[0], api=f"shell:{flag}", revision=revision,
                                revision_key=revision_flag, allow_legacy=False, confidence=CONFIDENCE_MEDIUM,
                                role="publish" if publish else "load",
                                trust_remote_code=self._trust(words) if kind == "model" else False)
                used.add(id(value))
        return used

    def _pip_install(self, words: list[Word], args: list[Word]) -> set[int]:
        """`pip install git+https://huggingface.co/org/repo[@rev]`: installing runs the repository's build code, so
        the reference carries `trust_remote_code: true` (issue 12)."""
        used: set[int] = set()
        for word in args:
            match = _PIP_HUB_GIT.match(word.text) if word.resolved else None
            if match is None:
                continue
            revision = match.group("rev")
            # A Space is no model or dataset, yet installing it runs its code: reported, as dynamic (no model id).
            space = match.group("type") == "spaces"
            self._reference(kind="dataset" if match.group("type") == "datasets" else "model",
                            word=Word(match.group("id").removesuffix(".git"), word.raw, word.line, word.column, not space),
                            at=words[0],
                            api="shell:pip install", revision=Word(revision, revision, word.line, word.column)
                            if revision else None, revision_key="@", trust_remote_code=True, reads_local=False)
            used.add(id(word))
        return used

    def _git_clone(self, words: list[Word], args: list[Word], following: list[Command]) -> set[int]:
        for word in args:
            match = _HUB_GIT_URL.match(word.text.removesuffix(".git").rstrip("/")) if word.resolved else None
            if not match:
                continue
            if match.group("type") == "spaces":
                return {id(word)}
            revision, _, _ = self._option(args, ("--branch", "-b"))
            for later in following:
                later_program, later_rest, _ = _program(later.words)
                if later_program == "git":
                    verbs = [w.text for w in later_rest if not w.text.startswith("-")]
                    if len(verbs) >= 2 and verbs[0] in ("checkout", "switch", "reset"):
                        revision = next(w for w in reversed(later_rest) if not w.text.startswith("-"))
                        break
                    if "-C" in [w.text for w in later_rest]:
                        rest_words = [w for w in later_rest if w.text not in ("-C",)][1:]
                        if rest_words and rest_words[0].text in ("checkout", "reset") and len(rest_words) > 1:
                            revision = rest_words[-1]
                            break
            kind = "dataset" if match.group("type") == "datasets" else "model"
            self._reference(kind=kind, word=Word(match.group("id"), word.raw, word.line, word.column), at=words[0],
                            api="shell:git clone", revision=revision, revision_key="git checkout", reads_local=False)
            return {id(word)}
        return set()

    def _ollama(self, words: list[Word], name: Word) -> None:
        text = name.text
        for prefix in ("https://", "http://"):
            text = text.removeprefix(prefix)
        if not name.resolved:
            self._reference(kind="model", word=name, at=words[0], api="shell:ollama", revision=None,
                            revision_key=None, pinnable=False)
        elif text.startswith(("hf.co/", "huggingface.co/")):
            repo = text.split("/", 1)[1].split(":", 1)[0]
            self._reference(kind="model", word=name, at=words[0], api="shell:ollama", revision=None,
                            revision_key=None, pinnable=False, id_text=repo, allow_legacy=False, reads_local=False)
        elif re.fullmatch(r"[\w.-]+(?:/[\w.-]+)?(?::[\w.-]+)?", text):
            self.references.append(Reference(
                kind="model", source="ollama", id=text, revision=None, pinned=False, pinnable=False,
                path=self.path, line=words[0].line, column=words[0].column, api="shell:ollama",
                syntax=self.syntax, revision_key=None))

    def _docker_env(self, words: list[Word]) -> None:
        env: dict[str, Word] = {}
        for index, word in enumerate(words):
            value = None
            if word.text in ("-e", "--env") and index + 1 < len(words):
                value = words[index + 1]
            elif word.text.startswith("--env="):
                value = Word(word.text[6:], word.raw[6:], word.line, word.column, word.resolved)
            if value is not None:
                assignment = _ASSIGNMENT.match(value.text)
                if assignment:
                    env[assignment.group(1)] = Word(assignment.group(2), value.raw.split("=", 1)[-1], value.line,
                                                    value.column, value.resolved)
        for name, value in env.items():
            if name in ENV_FORMS or name in ENV_ID_LISTS:
                self.env_assignments.append((name, value, env, words))

    def _request_body(self, words: list[Word]) -> None:
        """`curl ... -d '{"parameters": {"adapter_id": "org/a"}}'`: the ids a JSON request body names for the server
        to load (`cli.REQUEST_BODY_ID_KEYS`), reported at the body."""
        for index, word in enumerate(words):
            flag, equals, inline = word.text.partition("=")
            if equals and flag.startswith("--") and flag in cli.REQUEST_BODY_FLAGS:  # `--data='{...}'`
                body = replace(word, text=inline)
            elif word.text in cli.REQUEST_BODY_FLAGS and index + 1 < len(words):
                body = words[index + 1]
            else:
                continue
            if not body.resolved or not body.text.lstrip().startswith("{"):
                continue
            try:
                payload = json.loads(body.text)
            except ValueError:
                continue
            pending = [payload]
            while pending:
                node = pending.pop()
                items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
                for key, value in items:
                    kind = cli.REQUEST_BODY_ID_KEYS.get(key) if isinstance(key, str) else None
                    if kind is not None and isinstance(value, str):
                        self._reference(kind=kind, word=body, at=body, api=f"shell:curl {key}", revision=None,
                                        revision_key=None, pinnable=False, allow_legacy=False, id_text=value)
                    elif isinstance(value, (dict, list)):
                        pending.append(value)

    def _urls(self, words: list[Word], consumed: set[int], program: str | None) -> None:
        for word in words:
            if id(word) in consumed or not word.resolved:
                continue
            for _offset, _url, location in iter_hub_urls(word.text):
                self.references.append(url_reference(location, path=self.path, line=word.line, column=word.column,
                                                     api=f"shell:{program or 'url'}", syntax=self.syntax))

    def finish_env(self) -> None:
        """`MODEL_ID=org/x` style assignments, unless a recognised command already used that variable; and
        variables whose name says model or dataset (`BASE_MODEL=org/m`) that no command used (`medium`). Then
        drops ids that name a directory this file writes, or a training checkpoint (`run-x/checkpoint-500`)."""
        for name, value, env, words in self.env_assignments:
            if name in self.consumed_variables:
                continue
            if name in ENV_ID_LISTS:
                for item in value.text.split(ENV_ID_LISTS[name]) if value.resolved else (value.text,):
                    self._reference(kind="model", word=value, at=value, api=f"env:{name}", revision=None,
                                    revision_key=None, pinnable=False, allow_legacy=False,
                                    id_text=(item.partition("=")[2] or item).strip() if value.resolved else None)
                continue
            revision_name = ENV_FORMS[name]
            revision = env.get(revision_name)
            if revision is None and words:
                revision, _, _ = self._option(words, ("--revision",))
            self._reference(kind="model", word=value, at=value, api=f"env:{name}", revision=revision,
                            revision_key=revision_name, trust_remote_code=self._trust(words, env))
        for name, value in self.context_assignments:
            if name in self.consumed_variables or not value.resolved or negative_evidence(value.text) is not None \
                    or not looks_like_hub_id(value.text) or _local_looking(value.text):
                continue
            publish = is_publish_name(name)
            self._reference(kind=context_kind(name) or publish_kind(name), word=value, at=value, api=f"env:{name}",
                            revision=None, revision_key=None, allow_legacy=False, confidence=CONFIDENCE_MEDIUM,
                            role="publish" if publish else "load")
        self.references = [r for r in self.references if not self._written_here(r)]

    def _written_here(self, reference: Reference) -> bool:
        if reference.id is None or reference.role != "load" or reference.api.startswith(_DOWNLOADS):
            return False
        if _CHECKPOINT_NAME.fullmatch(reference.id.rsplit("/", 1)[-1]):
            return True
        return any(reference.id == saved or reference.id.startswith(saved + "/") for saved in self.saved_paths)


_ABSOLUTE_START = re.compile(r"^(?:\$\{?(?:HOME|PWD)\}?|\$\(pwd\)|`pwd`)(?:/|$)")
"""Variables that always hold an absolute directory: a word starting with one is a local path."""
_HYDRA_OVERRIDE = re.compile(r"^\+{0,2}[A-Za-z_][\w-]*(?:\.[\w-]+)+=")
"""`actor_rollout_ref.model.path=org/m` (Hydra/OmegaConf overrides on a command line: dotted keys only, so a
plain `NAME=value` argument of `env` or `make` is not read as one)."""
def _pushes_to_hub(words: list[Word]) -> bool:
    """A `--push_to_hub` switch that is on: bare (the next word is a flag or nothing), `true`/`1`, `=true`."""
    for index, word in enumerate(words):
        flag, equals, inline = word.text.partition("=")
        if flag not in cli.PUSH_SWITCHES:
            continue
        if equals:
            return inline.lower() in ("true", "1", "yes")
        following = words[index + 1].text if index + 1 < len(words) else ""
        return following.startswith("-") or not following or following.lower() in ("true", "1", "yes")
    return False


def _context_value(value: Word) -> bool:
    """A flag value context evidence alone may report: known, not a project directory, shaped like a Hub id (or a
    joined list of ids) with nothing against it."""
    return value.resolved and not _local_looking(value.text) and (
        (negative_evidence(value.text) is None and looks_like_hub_id(value.text)) or joined_ids(value.text) is not None)


@functools.lru_cache(maxsize=4096)
def _flag_meaning(flag: str) -> tuple[str | None, bool, bool]:
    """(what the flag's name says: model/dataset/None, says publish, says it writes somewhere)."""
    return context_kind(flag), is_publish_name(flag), bool(_SAVE_TOKENS.intersection(name_tokens(flag)))


_PRINTERS = frozenset({"echo", "printf", "logger", ":", "true", "false", "test", "[", "[["})
"""Programs whose arguments are only text: a flag in them is not passed to anything."""
_SAVE_TOKENS = frozenset({"output", "out", "save", "dir", "local"})
_CHECKPOINT_NAME = re.compile(r"(?:checkpoint|ckpt|global_step|step)[-_](?:\d+|x+|latest|last|best)", re.IGNORECASE)
_DOWNLOADS = ("shell:hf ", "shell:huggingface-cli ", "shell:git clone", "shell:pip install", "shell:tune download",
              "shell:ollama")
"""Commands that never read a local directory: an id there is a Hub id whatever this file writes."""


_LOCAL_DIRECTORIES = frozenset({"data", "datasets", "dataset", "models", "model", "output", "outputs", "out",
                                "checkpoints", "ckpt", "ckpts", "runs", "logs", "results", "exp", "exps", "tmp",
                                "cache", "configs", "scripts", "saved", "save", "weights", "pretrained", "local"})


def _local_looking(value: str) -> bool:
    """`data/train`, `outputs/run1`: a relative directory of the project, for context-only (`medium`) evidence."""
    return value.split("/", 1)[0].lower() in _LOCAL_DIRECTORIES


def _revision_flags_for(flag: str) -> tuple[str, ...]:
    """`--reward_model` → `--reward_model_revision`; `--teacher_name_or_path` → `--teacher_revision` too."""
    separator = "-" if "-" in flag[2:] and "_" not in flag else "_"
    stem = re.sub(r"[-_](?:name_or_path|name-or-path|path|id|name)$", "", flag)
    return tuple(dict.fromkeys((f"{flag}{separator}revision", f"{stem}{separator}revision")))


def _positionals(row: cli.CliCommand, args: list[Word]) -> list[Word]:
    """The positional words of a catalog command's arguments (after its subcommand words)."""
    positionals: list[Word] = []
    index = 0
    while index < len(args):
        text = args[index].text
        if text == "--":
            positionals.extend(args[index + 1:])
            break
        if text.startswith("-") and len(text) > 1 and args[index].resolved:
            if "=" in text:
                index += 1
            elif text in row.list_options:
                index += 1
                while index < len(args) and not args[index].text.startswith("-"):
                    index += 1
            elif row.switches is not None:
                takes_value = text not in row.switches and not text.startswith("--no-")
                index += 2 if takes_value else 1
            else:
                index += 2 if text in row.value_options else 1
            continue
        positionals.append(args[index])
        index += 1
    return positionals


def _skip_options(words: list[Word], index: int, takes_value: frozenset[str]) -> int:
    while index < len(words) and words[index].text.startswith("-") and words[index].text != "--":
        index += 2 if words[index].text in takes_value else 1
    return index + 1 if index < len(words) and words[index].text == "--" else index


def _another_layer(words: list[Word]) -> tuple[str, str, Word] | None:
    """(layer name, `shell` or `python`, the code) when the command runs a string as code: `bash -c STR`,
    `sh -lc STR`, `eval STR...`, `su -c STR`, `python -c STR`, also behind `sudo`, `env`, `docker exec`."""
    index = 0
    # A leading wrapper (`sudo`, `xargs`, `nice`) is dropped by `commands_of`, its options are not.
    while index < len(words) and words[index].text.startswith("-") and words[index].text != "--":
        option = words[index].text
        takes_value = option in _SUDO_VALUE_OPTIONS or option == "-I" or (
            option == "-n" and index + 1 < len(words) and words[index + 1].text.isdigit())
        index += 2 if takes_value else 1
    while index < len(words):
        text = PurePosixPath(words[index].text).name if "/" in words[index].text else words[index].text
        if text in ("sudo", "doas"):
            index = _skip_options(words, index + 1, _SUDO_VALUE_OPTIONS)
        elif text == "xargs":
            index = _skip_xargs(words, index + 1)[0]
        elif text in _PASS_THROUGH:
            # `srun -w node --container-image=x bash -c "..."`, `timeout 60 sh -c "..."`: options of unknown
            # arity; the command starts at the first word that names a shell, python or `--`.
            later = next((i for i in range(index + 1, len(words)) if words[i].text == "--"
                          or PurePosixPath(words[i].text).name in _SHELLS | {"eval", "env", "sudo"}
                          or re.fullmatch(r"python[\d.]*", PurePosixPath(words[i].text).name)), None)
            if later is None:
                return None
            index = later + 1 if words[later].text == "--" else later
        elif text in _WRAPPERS:
            index += 1
        elif text == "env":
            index += 1
            while index < len(words) and (_ASSIGNMENT.match(words[index].text) or words[index].text.startswith("-")):
                index += 2 if words[index].text in _ENV_VALUE_OPTIONS else 1
        elif text in ("docker", "podman") and index + 1 < len(words) and words[index + 1].text == "exec":
            index = _skip_options(words, index + 2, _CONTAINER_VALUE_OPTIONS) + 1  # and the container
        elif text in ("uv", "poetry", "pipenv", "pdm", "hatch") and index + 1 < len(words) \
                and words[index + 1].text == "run":
            index += 2
        elif text == "eval":
            code = words[index + 1:]
            if not code:
                return None
            return "eval", "shell", Word(" ".join(w.text for w in code), " ".join(w.raw for w in code), code[0].line,
                                         code[0].column, all(w.resolved for w in code))
        elif text == "su":
            for position in range(index + 1, len(words)):
                option = words[position].text
                if option in ("-c", "--command") and position + 1 < len(words):
                    return "su -c", "shell", words[position + 1]
                if option.startswith("--command="):
                    word = words[position]
                    return "su -c", "shell", Word(option[10:], word.raw.partition("=")[2], word.line, word.column,
                                                  word.resolved)
            return None
        elif text in _SHELLS:
            command_string = False
            index += 1
            while index < len(words) and words[index].text[:1] in ("-", "+") and words[index].text not in ("-", "--"):
                option = words[index].text
                if option in _SHELL_VALUE_OPTIONS:
                    index += 1
                elif not option.startswith("--") and "c" in option[1:]:
                    command_string = True
                index += 1
            if index < len(words) and words[index].text == "--":
                index += 1
            if command_string and index < len(words):
                return f"{text} -c", "shell", words[index]
            return None
        elif re.fullmatch(r"python[\d.]*", text):
            index += 1
            while index < len(words) and words[index].text.startswith("-") and not words[index].text.startswith("--"):
                option = words[index].text[1:]
                for position, letter in enumerate(option):
                    if letter == "c":
                        word = words[index]
                        if option[position + 1:]:  # `-c'code'`
                            return f"{text} -c", "python", Word(option[position + 1:], word.raw, word.line,
                                                                word.column, word.resolved)
                        return (f"{text} -c", "python", words[index + 1]) if index + 1 < len(words) else None
                    if letter in ("m", "W", "X"):
                        if letter == "m":
                            return None
                        if option[position + 1:] == "":
                            index += 1
                        break
                index += 1
            return None
        else:
            return None
    return None


_PYTHON_VALUE_OPTIONS = frozenset({"-W", "-X", "-Q"})
_PASS_THROUGH = frozenset({"srun", "salloc", "mpirun", "mpiexec", "timeout", "stdbuf", "setsid", "taskset", "numactl",
                           "ray", "nice", "ionice", "chronic"})
"""Programs that run the command after their own options (`srun ... bash -c`, `ray job submit -- python`)."""
_LAUNCHERS = frozenset({"deepspeed", "torchrun", "accelerate", "python"})
"""Programs that run a script or a module (`-m`/`--module`) with the arguments after it."""


def _skip_xargs(words: list[Word], index: int) -> tuple[int, str]:
    """Past `xargs` and its options; (index of the command, the `-I` replace string or "")."""
    replace_string = ""
    while index < len(words) and words[index].text.startswith("-") and words[index].text != "--":
        option = words[index].text
        if option == "-I" and index + 1 < len(words):
            replace_string = words[index + 1].text
            index += 2
        elif option.startswith("-I") and len(option) > 2:
            replace_string = option[2:]
            index += 1
        elif option.startswith("--replace"):
            replace_string = option.partition("=")[2] or "{}"
            index += 1
        else:
            index += 2 if option in _XARGS_VALUE_OPTIONS else 1
    if index < len(words) and words[index].text == "--":
        index += 1
    return index, replace_string or "\0no-replace"


def _program(words: list[Word]) -> tuple[str | None, list[Word], str | None]:
    """The program a command runs and its arguments, looking through wrappers (`env`, `uv run`, `sudo`), the
    module of `python -m` / `deepspeed --module` / `torchrun -m`, and `xargs` (third value: None, or the `-I`
    replace string — `\0no-replace` when none — when the command also gets arguments from its input)."""
    index = 0
    from_input: str | None = None
    while index < len(words):
        text = PurePosixPath(words[index].text).name if "/" in words[index].text else words[index].text
        if text in _WRAPPERS:
            index += 1
        elif text == "xargs":
            index, from_input = _skip_xargs(words, index + 1)
        elif text == "env":
            index += 1
            while index < len(words) and (_ASSIGNMENT.match(words[index].text) or words[index].text.startswith("-")):
                index += 1
        elif text in ("uv", "poetry", "pipenv", "pdm", "hatch") and index + 1 < len(words) \
                and words[index + 1].text == "run":
            index += 2
        elif text in _LAUNCHERS or re.fullmatch(r"python[\d.]*", text):
            position = index + 1
            while position < len(words):
                option = words[position].text
                if option in ("-m", "--module", "--module_name") and position + 1 < len(words):
                    if option == "--module":  # deepspeed's switch: the script is a module
                        if not words[position + 1].text.startswith("-"):
                            return words[position + 1].text, words[position + 2:], from_input
                        position += 1
                        continue
                    return words[position + 1].text, words[position + 2:], from_input
                if option.startswith("-m") and len(option) > 2 and option[2] != "-":
                    return option[2:], words[position + 1:], from_input
                if not option.startswith("-") or option.endswith(".py"):
                    break
                position += 2 if option in _PYTHON_VALUE_OPTIONS else 1
            script = next((i for i in range(index + 1, len(words)) if words[i].text.endswith(".py")), None)
            if script is not None:  # `torchrun ... swift/cli/sft.py --model ...`: the script's catalog row, if any
                dotted = words[script].text[:-3].lstrip("./").replace("/", ".")
                if cli.command_for(dotted, []) is not None:
                    return dotted, words[script + 1:], from_input
            return text, words[index + 1:], from_input
        elif text in _PASS_THROUGH:
            dash = next((i for i in range(index + 1, len(words)) if words[i].text == "--"), None)
            if dash is None:
                return text, words[index + 1:], from_input
            index = dash + 1
        else:
            return text, words[index + 1:], from_input
    return None, [], from_input


def _scan_commands(groups: Iterable[list[Command]], collector: _Collector) -> None:
    for group in groups:
        for position, command in enumerate(group):
            collector.command(command, group[position + 1:])


def scan_shell_text(text: str, path: str, *, line_offset: int = 0, syntax: str = "shell",
                    line_map: list[int] | None = None, column_offset: int = 0,
                    repo_paths: frozenset[str] | None = None,
                    env: dict[str, Word] | None = None, own_process: bool = False,
                    saved_paths: set[str] | None = None) -> list[Reference]:
    """References in shell text. Text line i (0-based) is file line `line_map[i]` when given, else
    `i + 1 + line_offset`. Used by the notebook finder for `!` / `%` lines (pass syntax="notebook").

    `saved_paths`: the directories earlier texts of the same run wrote (a notebook's earlier `!` lines), added to
    by this text's commands; a load of one of them reads a local folder.

    `own_process`: the text runs in a shell of its own that nothing else reads (a notebook's `!` line or `%%bash`
    cell, not a file another script may `source`): when it runs no program, its assignments end with it
    (`!model="org/m"` sets a variable no command can read), so they are not reported."""
    collector = _Collector(path, syntax, repo_paths, saved_paths=saved_paths)
    _scan_shell_into(text, collector, line_map or _offset_map(text, line_offset), column_offset,
                     env if env is not None else {})
    if own_process and not collector.ran_program:
        collector.env_assignments.clear()
        collector.context_assignments.clear()
    collector.finish_env()
    return collector.references


def scan_argument_list(items: list[tuple[str, int, int, bool]], path: str, *, syntax: str = "config",
                       repo_paths: frozenset[str] | None = None, at_each_value: bool = False) -> list[Reference]:
    """References in a command given as a list of words (`args: ["--model_name_or_path", "org/m"]` of a
    Kubernetes container, a config's `command:` list, `subprocess.run([...])`): (text, line, column, known) per
    word, read as one command line; a word that is not known (`known` false) is its expression, unresolved.
    `at_each_value`: each id is reported at its own word (else at the first word, where the command starts)."""
    collector = _Collector(path, syntax, repo_paths)
    collector.at_each_value = at_each_value
    words = []
    for text, line, column, known in items:
        value, resolved = expand(text, {}) if known else (text, False)
        words.append(Word(value, text, line, column, resolved))
    if words:
        collector.command(Command(words), [])
        collector.finish_env()
    return collector.references


def _offset_map(text: str, line_offset: int) -> list[int]:
    return [i + 1 + line_offset for i in range(text.count("\n") + 1)]


def _scan_shell_into(text: str, collector: _Collector, line_of: list[int], column_offset: int,
                     env: dict[str, Word]) -> None:
    subshells: list[dict[str, Word]] = []  # `(` on one line, `)` on a later one
    groups = (list(commands_of(logical, env, subshells)) for logical in logical_lines(text, line_of, column_offset))
    _scan_commands(groups, collector)


# ---------------------------------------------------------------------------------------------- file kinds


_HEREDOC = re.compile(r"^\s*RUN\b.*<<-?\s*[\"']?(\w+)[\"']?", re.IGNORECASE)


def _split_heredocs(text: str) -> tuple[str, list[tuple[int, list[str]]]]:
    """`RUN <<EOF ... EOF` bodies, as (first line index, lines); in the returned text they are blank lines."""
    lines = text.split("\n")
    bodies: list[tuple[int, list[str]]] = []
    index = 0
    while index < len(lines):
        match = _HEREDOC.match(lines[index])
        index += 1
        if match:
            start = index
            while index < len(lines) and lines[index].strip() != match.group(1):
                index += 1
            bodies.append((start, lines[start:index]))
            lines[start:index] = [""] * (index - start)
    return "\n".join(lines), bodies


_PARSER_DIRECTIVE = re.compile(r"^#[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*(\S*)[ \t]*$")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})


def dockerfile_escape(text: str) -> str:
    """The escape character from a `# escape=` parser directive (`\\` by default). Directives are read only at
    the top of the file, before any blank line, comment or instruction; unknown ones end the directives."""
    escape = "\\"
    for line in text.split("\n"):
        match = _PARSER_DIRECTIVE.match(line.rstrip("\r"))
        if match is None or match.group(1).lower() not in _KNOWN_DIRECTIVES:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            escape = match.group(2)
    return escape


def _dockerfile(text: str, collector: _Collector) -> None:
    """Each RUN is its own shell (`sh -c`): what it assigns does not reach the next one; ARG and ENV values do,
    within their build stage (`FROM` starts a new one; `ARG NAME` inside it takes the global default)."""
    escape = dockerfile_escape(text)
    env: dict[str, Word] = {}
    global_args: dict[str, Word] = {}
    in_stage = False
    text, heredocs = _split_heredocs(text)
    for start, body in heredocs:
        _scan_shell_into("\n".join(body), collector, [start + 1 + i for i in range(len(body))], 0, dict(env))
    for logical in logical_lines(text, _offset_map(text, 0), dockerfile_escape=escape):
        keyword, _, rest = logical.text.partition(" ")
        keyword = keyword.upper()
        rest_offset = len(keyword) + 1
        rest_logical = _Logical(rest, [(0, *logical.where(rest_offset))] + [
            (offset - rest_offset, line, column) for offset, line, column in logical.segments[1:]
            if offset >= rest_offset])
        if keyword == "FROM":
            env, in_stage = {}, True
        elif keyword in ("ENV", "ARG"):
            _docker_assignments(keyword, rest_logical, env, collector, global_args if not in_stage else None,
                                global_args)
        elif keyword in ("RUN", "CMD", "ENTRYPOINT"):
            stripped = rest.lstrip()
            if keyword == "RUN":
                while stripped.startswith("--"):  # RUN --mount=... --network=...
                    stripped = stripped.partition(" ")[2].lstrip()
            if stripped.startswith("["):
                try:
                    items = json.loads(stripped)
                except ValueError:
                    items = None
                if isinstance(items, list) and all(isinstance(i, str) for i in items):
                    line, column = rest_logical.where(0)
                    words = []
                    for item in items:
                        value, resolved = expand(item, env)
                        words.append(Word(value, item, line, column, resolved))
                    collector.command(Command(words), [])
                    continue
            skip = len(rest) - len(stripped)
            shell_logical = _Logical(stripped, [(0, *rest_logical.where(skip))] + [
                (offset - skip, line, column) for offset, line, column in rest_logical.segments[1:]
                if offset >= skip])
            _scan_commands([list(commands_of(shell_logical, dict(env)))], collector)


def _docker_assignments(keyword: str, logical: _Logical, env: dict[str, Word], collector: _Collector,
                        global_scope: dict[str, Word] | None, global_args: dict[str, Word]) -> None:
    words = tokenize(logical)
    if not words:
        return
    pairs: list[tuple[str, str | None, int]] = []
    if "=" in words[0][0] or keyword == "ARG":
        for token, offset in words:
            name, _, value = token.partition("=")
            pairs.append((name, value if "=" in token else None, offset))
    elif keyword == "ENV" and len(words) >= 2:  # legacy `ENV NAME value with spaces`
        pairs.append((words[0][0], " ".join(t for t, _ in words[1:]), words[0][1]))
    command_env: dict[str, Word] = {}
    for name, value, offset in pairs:
        line, column = logical.where(offset)
        if value is None:  # `ARG NAME`: set at build time, else the global ARG's default
            if name in global_args and global_scope is None:
                env[name] = global_args[name]
            else:
                env[name] = Word("", "$" + name, line, column, False)
            continue
        text, resolved = expand(value, env)
        word = Word(text, value, line, column, resolved)
        env[name] = word
        if global_scope is not None:
            global_scope[name] = word  # an ARG before the first FROM
        command_env[name] = word
    if command_env:
        collector.command(Command([], command_env), [])


def _makefile(text: str, collector: _Collector) -> None:
    env: dict[str, Word] = {}
    assignment = re.compile(r"^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:\?|:|::|\+)?=\s*(.*)$")
    recipe_lines: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = assignment.match(line)
        if match and not line.startswith("\t"):
            value = match.group(2).strip()
            resolved_text, resolved = expand(_make_variables(value), env)
            word = Word(resolved_text, value, number, line.find(match.group(2)) + 1, resolved)
            env[match.group(1)] = word
            if match.group(1) in ENV_FORMS or match.group(1) in ENV_ID_LISTS:
                collector.command(Command([], {match.group(1): word}), [])
            recipe_lines.append("")
        elif line.startswith("\t"):
            body = _make_variables(line[1:])
            stripped = body.lstrip("@-+ ")
            recipe_lines.append("\t" + " " * (len(body) - len(stripped)) + stripped)
        else:
            recipe_lines.append("")
    recipes = "\n".join(recipe_lines)
    _scan_shell_into(recipes, collector, _offset_map(recipes, 0), 0, env)


def _make_variables(text: str) -> str:
    """Make's `$(NAME)` is the shell's `${NAME}`, and `$$` is a literal `$`; lengths are kept for columns."""
    text = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", r"${\1}", text)
    return text.replace("$$", " $")


def _yaml_nodes(text: str, path: str, collector: _Collector) -> tuple[list[yaml.Node], list[ScanWarning]]:
    """The documents; or, when the YAML cannot be composed, a line-by-line shell reading and the warning
    (worded as the config finder words it, so the file gets one warning)."""
    from gate.discover.yamlsafe import compose_yaml

    documents, problem = compose_yaml(text)
    if documents is None:
        lines = [_YAML_COMMAND_KEY.sub(lambda m: " " * len(m.group(0)), line) for line in text.split("\n")]
        _scan_shell_into("\n".join(lines), collector, _offset_map(text, 0), 0, {})
        return [], [ScanWarning(path, cast(str, problem))]  # no documents: a warning says why
    return documents, []


_YAML_COMMAND_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?(?:run|command|entrypoint)[ \t]*:(?:[ \t]*[|>][-+]?)?")


def _mapping(node: object) -> dict:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _scalar_shell(node: yaml.Node, collector: _Collector, env: dict[str, Word], source_lines: list[str]) -> None:
    """A YAML scalar holding shell: literal blocks keep one text line per file line; other styles are one line."""
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        if isinstance(node, yaml.SequenceNode):  # compose `command: [a, b]`
            words = []
            for item in node.value:
                if isinstance(item, yaml.ScalarNode):
                    value, resolved = expand(item.value, env)
                    words.append(Word(value, item.value, item.start_mark.line + 1, item.start_mark.column + 1,
                                      resolved))
            collector.command(Command(words), [])
        return
    if node.style in ("|", ">"):
        first = node.start_mark.line + 1  # 0-based line of the first content line
        content = source_lines[first] if first < len(source_lines) else ""
        indent = len(content) - len(content.lstrip(" "))
        if node.style == ">":  # folded: the lines are one command, starting on the first content line
            _scan_shell_into(node.value.replace("\n", " "), collector, [first + 1], indent, env)
            return
        lines = node.value.split("\n")
        _scan_shell_into(node.value, collector, [first + 1 + i for i in range(len(lines))], indent, env)
        return
    value = node.value.replace("\n", " ")
    column = node.start_mark.column + (1 if node.style in ("'", '"') else 0)
    _scan_shell_into(value, collector, [node.start_mark.line + 1], column, env)


def _yaml_env(node: yaml.Node, env: dict[str, Word]) -> dict[str, Word]:
    """A workflow `env:` mapping or a compose `environment:` (mapping or list of `K=V`)."""
    import yaml

    found: dict[str, Word] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
                text, resolved = expand(value.value, env)
                found[key.value] = Word(text, value.value, key.start_mark.line + 1, key.start_mark.column + 1,
                                        resolved and "${{" not in value.value, workflow=True)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode) and "=" in item.value:
                name, _, raw = item.value.partition("=")
                text, resolved = expand(raw, env)
                found[name] = Word(text, raw, item.start_mark.line + 1, item.start_mark.column + 1, resolved)
    return found


def _workflow(text: str, path: str, collector: _Collector) -> list[ScanWarning]:
    """GitHub workflow / composite action: every `run:` with the `env:` in scope (workflow, job, step)."""
    import yaml

    documents, warnings = _yaml_nodes(text, path, collector)
    source_lines = text.split("\n")

    def visit(node: yaml.Node, env: dict[str, Word], depth: int) -> None:
        if depth > 50:
            return
        if isinstance(node, yaml.MappingNode):
            mapping = _mapping(node)
            scope = dict(env)
            if "env" in mapping:
                local = _yaml_env(mapping["env"], scope)
                scope.update(local)
                if local:
                    collector.command(Command([], local), [])
            if "run" in mapping:
                _scalar_shell(mapping["run"], collector, dict(scope), source_lines)
            uses = mapping.get("uses")
            script_input = cli.workflow_script_input(uses.value) \
                if isinstance(uses, yaml.ScalarNode) and isinstance(uses.value, str) else None
            if script_input is not None and script_input in _mapping(mapping.get("with")):
                _scalar_shell(_mapping(mapping["with"])[script_input], collector, dict(scope), source_lines)
            for key, child in mapping.items():
                if key not in ("env", "run"):
                    visit(child, scope, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                visit(child, env, depth + 1)

    for document in documents:
        visit(document, {}, 0)
    return warnings


def _compose(text: str, path: str, collector: _Collector, directory: str | None = None,
             root: str | None = None) -> list[ScanWarning]:
    """docker-compose: each service's `command` / `entrypoint` with its `environment` and `env_file:` values; the
    project's `.env` beside the file feeds `${X}` in the file (compose interpolation)."""
    import yaml

    documents, warnings = _yaml_nodes(text, path, collector)
    source_lines = text.split("\n")
    project_env = _env_file(os.path.join(directory, ".env"), root) if directory else {}
    for document in documents:
        for _name, service in _mapping(_mapping(document).get("services")).items():
            fields = _mapping(service)
            env: dict[str, Word] = {}
            if directory and "env_file" in fields:
                at = fields["env_file"].start_mark
                for name in _env_file_names(fields["env_file"]):
                    if not os.path.isabs(name):
                        # reported where the compose file names the file: the reference's path is the compose file
                        env.update({key: replace(value, line=at.line + 1, column=at.column + 1) for key, value in
                                    _env_file(os.path.join(directory, name), root).items()})
            if "environment" in fields:
                env.update(_yaml_env(fields["environment"], {**project_env, **env}))
            image = fields.get("image")
            image_name = image.value if isinstance(image, yaml.ScalarNode) else ""
            collector.implicit_program = "vllm.entrypoints.openai.api_server" if "vllm" in image_name else None
            before = len(collector.references)
            for key in ("entrypoint", "command"):
                if key in fields:
                    _scalar_shell(fields[key], collector, {**project_env, **env}, source_lines)
            collector.implicit_program = None
            used_revision = any(r.revision_key == "--revision" for r in collector.references[before:])
            if env and not used_revision:
                collector.command(Command([], env), [])
    return warnings


def _env_file_names(node: yaml.Node) -> list[str]:
    """compose `env_file:` as a string, a list of strings, or a list of `{path: ...}` mappings."""
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return [node.value]
    names = []
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                names.append(item.value)
            elif isinstance(item, yaml.MappingNode):
                path_node = _mapping(item).get("path")
                if isinstance(path_node, yaml.ScalarNode):
                    names.append(path_node.value)
    return names


def _is_workflow(path: str) -> bool:
    if file_suffix(path) not in (".yml", ".yaml"):
        return False
    return ".github/workflows/" in f"/{path}" or file_name(path) in ("action.yml", "action.yaml")


def _is_compose(path: str) -> bool:
    name = file_name(path)  # (`accepts` asks this of every file: the pattern only where it can match)
    return name.startswith(("compose", "docker-compose")) and _COMPOSE_NAME.fullmatch(name) is not None


_COMPOSE_NAME = re.compile(r"(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml")


def _is_dockerfile(path: str) -> bool:
    name = file_name(path)
    return name.startswith("Dockerfile") or name.endswith((".dockerfile", ".Dockerfile")) or name == "Containerfile"


def _is_makefile(path: str) -> bool:
    name = file_name(path)
    return name in ("Makefile", "makefile", "GNUmakefile") or name.endswith(".mk")


def _is_requirements(path: str) -> bool:
    name = file_name(path)  # (the pattern only where it can match: `accepts` asks this of every file)
    return ("requirements" in name or name.startswith("constraints")) and _REQUIREMENTS_NAME.fullmatch(name) is not None


_REQUIREMENTS_NAME = re.compile(r"(?:[\w.-]*[-_.])?requirements(?:[-_.][\w.-]*)?\.(?:txt|in)|constraints[\w.-]*\.txt")


def _requirements(text: str, collector: _Collector) -> None:
    """A pip requirements file: each line is what `pip install` gets (`git+https://huggingface.co/org/repo@rev`
    runs the repository's build code when installed); other Hub URLs in it are reported as URLs."""
    for number, line in enumerate(text.split("\n"), start=1):
        body = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].rstrip()
        if not body.strip():
            continue
        words = [Word(m.group(0), m.group(0), number, m.start() + 1) for m in re.finditer(r"\S+", body)]
        # `name @ git+https://...`: the URL is the word after `@`
        consumed = collector._pip_install(words, words)
        collector._urls(words, consumed, "pip install")


def _env_file(path: str, root: str | None) -> dict[str, Word]:
    """`KEY=value` lines of a `.env` file (compose's `env_file:` and its project `.env`), if it lies inside the
    scanned root; nothing is run or interpolated beyond plain `${X}` of earlier keys."""
    if root is None:
        return {}
    from gate.discover.scan_cache import note_read

    note_read(path)  # the compose file's references depend on this file: a cached result is re-checked against it
    real = os.path.realpath(path)
    if not (real == root or real.startswith(root.rstrip(os.sep) + os.sep)) or not os.path.isfile(real):
        return {}
    try:
        with open(real, encoding="utf-8", errors="replace") as handle:
            text = handle.read(1_048_576)
    except OSError:
        return {}
    found: dict[str, Word] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        match = re.match(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$", line)
        if not match:
            continue
        raw = match.group(2)
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
            raw = raw[1:-1]
        elif " #" in raw:
            raw = raw.split(" #", 1)[0].rstrip()
        value, resolved = expand(raw, found)
        found[match.group(1)] = Word(value, raw, number, 1, resolved)
    return found


SHELL_SUFFIXES = (".sh", ".bash", ".zsh", ".slurm", ".sbatch")
"""Shell scripts by name; Slurm batch scripts are too, with or without a `#!` line (`bash job.slurm` runs one
without). Other scripts are read by their `#!` line (engine._by_shebang)."""


class ShellFinder(Finder):
    """`*.sh`, `*.bash`, `Dockerfile*`, `*.dockerfile`, `Makefile`, workflow `run:` steps, docker-compose."""

    def accepts(self, path: str) -> bool:
        suffix = file_suffix(path)
        return (suffix in SHELL_SUFFIXES or _is_dockerfile(path) or _is_makefile(path)
                or _is_workflow(path) or _is_compose(path) or _is_requirements(path))

    def scan(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        collector = _Collector(file.path, "shell", repo_paths)
        warnings: list[ScanWarning] = []
        if _is_workflow(file.path):
            warnings = _workflow(text, file.path, collector)
        elif _is_compose(file.path):
            root = file.absolute[:-len(file.path)].rstrip(os.sep) if file.absolute.endswith(file.path) else None
            warnings = _compose(text, file.path, collector, os.path.dirname(file.absolute), root or None)
        elif _is_requirements(file.path):
            _requirements(text, collector)
        elif _is_dockerfile(file.path):
            _dockerfile(text, collector)
        elif _is_makefile(file.path):
            _makefile(text, collector)
        else:
            _scan_shell_into(text, collector, _offset_map(text, 0), 0, {})
        collector.finish_env()
        registry = next((collector.mlflow_registry[n] for n in mlflow_uris.REGISTRY_VARIABLES
                         if n in collector.mlflow_registry), None)
        references = mlflow_uris.with_registry(collector.references, registry)
        return FileResult(references=references, warnings=(*warnings, *look_alike_warnings(references, file.path)))

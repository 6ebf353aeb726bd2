"""Model and dataset ids in shell-like text: scripts, Dockerfiles, Makefiles, workflow `run:` steps, compose files.

Every source is reduced to logical command lines (continuations joined, each token keeping the physical line it
starts on), tokenised with `shlex`, variables from the same file substituted, and matched against the tables
below. A command whose id comes from a variable that cannot be resolved is still reported (`dynamic`).
"""

from __future__ import annotations

import io
import json
import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from gate.discover import mlflow_uris
from gate.discover.hubids import is_local_path, is_pinned, look_alike, look_alike_warnings, looks_like_hub_id
from gate.discover.interface import FileResult, Finder, Reference, ScanWarning, SourceFile, file_name, file_suffix
from gate.discover.url_finder import iter_hub_urls, url_reference


@dataclass(frozen=True)
class FlagForm:
    """`--flag <id>` anywhere on a command line, and the flags that carry its revision."""

    kind: str
    revision_flags: tuple[str, ...]
    """Read in this order; the first is the flag a fix adds."""


FLAG_FORMS: dict[str, FlagForm] = {
    "--model-id": FlagForm("model", ("--revision",)),  # text-generation-inference launcher
    "--model_name_or_path": FlagForm("model", ("--model_revision", "--revision")),  # HF example scripts
    "--model-name-or-path": FlagForm("model", ("--model-revision", "--revision")),
    "--dataset_name": FlagForm("dataset", ("--dataset_revision",)),
    "--dataset-name": FlagForm("dataset", ("--dataset-revision",)),
}
ENV_FORMS: dict[str, str] = {
    "MODEL_ID": "REVISION",  # text-generation-inference container
    "HF_MODEL_ID": "HF_MODEL_REVISION",  # SageMaker Hugging Face containers
}
"""Environment variables naming a model, and the variable carrying its revision."""
TRUST_FLAGS = frozenset({"--trust-remote-code", "--trust_remote_code"})
"""Flags that make the command run Python code from the model repository."""
_BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
DOWNLOAD_PROGRAMS = ("hf", "huggingface-cli")
_DOWNLOAD_VALUE_OPTIONS = frozenset({
    "--revision", "--repo-type", "--local-dir", "--cache-dir", "--token", "--max-workers", "--etag-timeout",
    "--local-dir-use-symlinks",
})
_DOWNLOAD_LIST_OPTIONS = frozenset({"--include", "--exclude"})
_WRAPPERS = frozenset({"sudo", "time", "nohup", "exec", "command", "nice", "xargs", "then", "do", "else", "!",
                       "{", "if", "while", "until", "elif"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;", "|&"})
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_GITHUB_EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")
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
_DEEPEST_LAYER = 4
"""How many layers of `sh -c "..."` / `eval "..."` are read (each holds the next as a quoted string)."""
LAYER_SEPARATOR = " > "
"""Joins the layers in the `api` of a reference found inside another command: `bash -c > shell:hf download`."""
_LONGEST_SHLEX_LINE = 100_000
_MOST_WORDS = 10_000
_HUB_GIT_URL = re.compile(
    r"^(?:https?://(?:[^@/\s]+@)?(?:www\.)?(?:huggingface\.co|hf\.co)/|git@(?:hf\.co|huggingface\.co):)"
    r"(?:(?P<type>datasets|spaces)/)?(?P<id>[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?)/?$"
)


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


@dataclass
class Command:
    words: list[Word]
    env: dict[str, Word] = field(default_factory=dict)
    """Assignments written on this command (`VAR=x cmd`, `docker run -e VAR=x`, compose `environment`)."""


@dataclass
class _Logical:
    text: str
    segments: list[tuple[int, int, int]]
    """(offset in text, 1-based physical line, 1-based column of that offset)."""

    def where(self, offset: int) -> tuple[int, int]:
        from bisect import bisect_right

        index = max(bisect_right(self.segments, (offset, float("inf"), 0)) - 1, 0)
        start, line, column = self.segments[index]
        return line, column + offset - start


def logical_lines(text: str, line_of: list[int], column_offset: int = 0) -> Iterator[_Logical]:
    """Join backslash continuations; skip blank and comment lines. `line_of[i]` is text line i's file line."""
    lines = text.split("\n")
    current: _Logical | None = None
    for index, physical in enumerate(lines):
        physical = physical.rstrip("\r")
        if current is None:
            stripped = physical.lstrip()
            if not stripped or stripped.startswith("#"):
                continue
            indent = len(physical) - len(stripped)
            current = _Logical("", [])
            physical, column = stripped, indent + 1
        else:
            if physical.lstrip().startswith("#"):
                continue  # a comment line inside a continued command (Dockerfiles allow it)
            column = 1
        continued = len(physical) - len(physical.rstrip("\\"))
        body = physical[:-1] if continued % 2 == 1 else physical
        current.segments.append((len(current.text), line_of[index], column + column_offset))
        current.text += body + (" " if continued % 2 == 1 else "")
        if continued % 2 == 0:
            yield current
            current = None
    if current is not None:
        yield current


def tokenize(logical: _Logical) -> list[tuple[str, int]]:
    """(word, offset) pairs; punctuation (`&&`, `|`, `;`) are their own words. Never raises."""
    if len(logical.text) > _LONGEST_SHLEX_LINE:
        # shlex reads one character at a time; a megabyte-long line gets plain whitespace words instead, and
        # past the first words only those holding a Hub URL are kept, so the work stays bounded.
        words = []
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
    # reach the id slot whole and be reported as dynamic (issue 8: evasion). Same length, restored below.
    text = _COMMAND_SUBSTITUTION.sub(lambda m: m.group(0).translate(_HIDE_IN_WORD), text)
    lexer = shlex.shlex(io.StringIO(text), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[tuple[str, int]] = []
    previous_end = 0
    try:
        while True:
            token = lexer.get_token()
            if token is None or token == lexer.eof:
                break
            start = previous_end
            while start < len(text) and text[start] in " \t":
                start += 1
            previous_end = max(lexer.instream.tell() - len(lexer._pushback_chars), start + 1)
            if token.startswith("#") and text[start:start + 1] == "#":
                break  # an unquoted comment runs to the end of the line
            words.append((token.replace(_HIDDEN_SPACE, " ").translate(_SHOW_IN_WORD), start))
    except ValueError:
        # Unbalanced quotes: fall back to whitespace words with quotes stripped; better than nothing.
        words = [(m.group(0).strip("\"'"), m.start()) for m in re.finditer(r"\S+", text)]
    return words


def expand(raw: str, env: dict[str, Word]) -> tuple[str, bool]:
    """Substitute `$VAR` / `${VAR}` / `${VAR:-default}` from `env`; (text, fully resolved)."""
    resolved = True

    def substitute(match: re.Match) -> str:
        nonlocal resolved
        name = match.group(1) or match.group(4)
        known = env.get(name)
        if known is not None and known.resolved:
            return known.text
        if match.group(2) is not None and "$" not in (match.group(3) or ""):
            return match.group(3) or ""
        resolved = False
        return match.group(0)

    text = _VARIABLE.sub(substitute, raw)
    if "$(" in text or "${{" in text or "`" in text:
        resolved = False
    return text, resolved


def commands_of(logical: _Logical, env: dict[str, Word]) -> Iterator[Command]:
    """Split a logical line into simple commands; leading `VAR=value` words become the command's env
    (and the file's, so later commands can use them)."""
    command = Command([])
    for token, offset in tokenize(logical) + [(";", len(logical.text))]:
        if token in _SEPARATORS:
            if command.words or command.env:
                yield command
            command = Command([])
            continue
        line, column = logical.where(offset)
        text, resolved = expand(token, {**env, **command.env})
        word = Word(text, token, line, column, resolved)
        if not command.words:
            assignment = _ASSIGNMENT.match(token)
            if assignment:
                value_text, value_resolved = expand(assignment.group(2), {**env, **command.env})
                value = Word(value_text, assignment.group(2), line, column, value_resolved)
                command.env[assignment.group(1)] = value
                env[assignment.group(1)] = value
                continue
            if token in _WRAPPERS:
                continue
            if token in ("export", "declare", "local", "readonly", "typeset"):
                command.words.append(word)  # kept so `export MODEL_ID=x` is seen as an assignment below
                continue
        if command.words and command.words[0].text in ("export", "declare", "local", "readonly", "typeset"):
            assignment = _ASSIGNMENT.match(token)
            if assignment:
                value_text, value_resolved = expand(assignment.group(2), env)
                value = Word(value_text, assignment.group(2), line, column, value_resolved)
                command.env[assignment.group(1)] = value
                env[assignment.group(1)] = value
            continue
        command.words.append(word)


# ---------------------------------------------------------------------------------------------- recognising


class _Collector:
    """Turns recognised commands into references for one source."""

    def __init__(self, path: str, syntax: str, repo_paths, depth: int = 0):
        self.path, self.syntax, self.repo_paths = path, syntax, repo_paths
        self.depth = depth
        """How many `sh -c` / `eval` / `python -c` layers this text sits inside."""
        self.references: list[Reference] = []
        self.env_assignments: list[tuple[str, Word, dict[str, Word], list[Word]]] = []
        self.consumed_variables: set[str] = set()
        self.implicit_program: str | None = None
        """The program a container image runs when a command gives only arguments (compose `command:`)."""
        self.mlflow_registry: dict[str, str] = {}
        """`MLFLOW_REGISTRY_URI` / `MLFLOW_TRACKING_URI` as the text assigns them (the first of each)."""

    # ---- helpers
    def _reference(self, *, kind: str, word: Word, at: Word, api: str, revision: Word | None, revision_key: str | None,
                   source: str = "huggingface", pinnable: bool = True, allow_legacy: bool = True,
                   id_text: str | None = None, trust_remote_code: bool | None = False) -> None:
        value = id_text if id_text is not None else word.text
        for name in _VARIABLE.findall(word.raw):
            self.consumed_variables.add(name[0] or name[3])
        if word.resolved:
            if (not looks_like_hub_id(value, allow_legacy=allow_legacy)
                    and look_alike(value, allow_legacy=allow_legacy) is None) or is_local_path(value, self.repo_paths):
                return  # an id that only looks like one (homoglyphs) is reported, with a warning (issue 8)
        revision_text = revision.text if revision is not None and revision.resolved else (
            revision.raw if revision is not None else None)
        self.references.append(Reference(
            kind=kind, source=source, id=value if word.resolved else None, revision=revision_text,
            pinned=pinnable and revision is not None and revision.resolved and is_pinned(revision.text),
            pinnable=pinnable, path=self.path, line=at.line, column=at.column, api=api,
            dynamic=not word.resolved, expression=None if word.resolved else word.raw,
            syntax=self.syntax, revision_key=revision_key if pinnable else None, trust_remote_code=trust_remote_code,
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

    # ---- commands
    def command(self, command: Command, following: list[Command]) -> None:
        words = command.words
        consumed: set[int] = set()
        self._mlflow(command)
        if words and words[0].text in ("export", "declare", "local", "readonly", "typeset"):
            words = []
        program, rest = _program(words)
        if self.implicit_program and words and words[0].text.startswith("-"):
            program, rest = self.implicit_program, words
        for name, value in command.env.items():
            if name in ENV_FORMS:
                self.env_assignments.append((name, value, command.env, words))
        layer = _another_layer(words)
        if layer is not None:
            self._another_layer(*layer, at=words[0])
            return
        if program in DOWNLOAD_PROGRAMS and rest and rest[0].text == "download":
            consumed |= self._download(program, words, rest[1:])
        elif program == "git" and rest and rest[0].text == "clone":
            consumed |= self._git_clone(words, rest[1:], following)
        elif program == "vllm" and rest and rest[0].text == "serve":
            consumed |= self._vllm(words, rest[1:])
        elif program == "vllm-api-server":
            consumed |= self._vllm(words, rest)
        elif program == "ollama" and len(rest) >= 2 and rest[0].text in ("pull", "run", "create", "show"):
            consumed |= self._ollama(words, rest[1])
        elif program == "docker" and rest and rest[0].text in ("run", "create"):
            self._docker_env(words)
        consumed |= self._flags(words, consumed)
        self._urls(words, consumed, program)

    def _mlflow(self, command: Command) -> None:
        """`mlflow models serve -m models:/churn/3`, `MODEL_URI=runs:/<id>/model`, `export MLFLOW_TRACKING_URI=...`."""
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
            for variable in _VARIABLE.findall(code.raw):  # substituted before the inner text was read
                self.consumed_variables.add(variable[0] or variable[3])
        self.references.extend(
            replace(reference, line=at.line, column=at.column, syntax=self.syntax,
                    api=f"{name}{LAYER_SEPARATOR}{reference.api}")
            for reference in found)

    def _download(self, program: str, words: list[Word], args: list[Word]) -> set[int]:
        repo_word, index = None, 0
        while index < len(args):
            word = args[index]
            if word.text in _DOWNLOAD_VALUE_OPTIONS:
                index += 2
                continue
            if word.text in _DOWNLOAD_LIST_OPTIONS:
                index += 1
                while index < len(args) and not args[index].text.startswith("-"):
                    index += 1
                continue
            if not word.text.startswith("-"):
                repo_word = word
                break
            index += 1
        if repo_word is None:
            return set()
        repo_type, _, _ = self._option(args, ("--repo-type",))
        if repo_type is not None and repo_type.text == "space":
            return {id(repo_word)}
        revision, _, _ = self._option(args, ("--revision",))
        self._reference(kind="dataset" if repo_type is not None and repo_type.text == "dataset" else "model",
                        word=repo_word, at=words[0], api=f"shell:{program} download", revision=revision,
                        revision_key="--revision")
        return {id(repo_word)}

    def _git_clone(self, words: list[Word], args: list[Word], following: list[Command]) -> set[int]:
        for word in args:
            match = _HUB_GIT_URL.match(word.text.removesuffix(".git").rstrip("/")) if word.resolved else None
            if not match:
                continue
            if match.group("type") == "spaces":
                return {id(word)}
            revision, _, _ = self._option(args, ("--branch", "-b"))
            for later in following:
                later_program, later_rest = _program(later.words)
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
                            api="shell:git clone", revision=revision, revision_key="git checkout")
            return {id(word)}
        return set()

    def _vllm(self, words: list[Word], args: list[Word]) -> set[int]:
        consumed: set[int] = set()
        model, _, index = self._option(args, ("--model",))
        if model is None:
            positional = [w for i, w in enumerate(args) if not w.text.startswith("-")
                          and (i == 0 or not _takes_value(args[i - 1].text))]
            model = positional[0] if positional else None
        trust = self._trust(args)
        if model is not None:
            revision, _, _ = self._option(args, ("--revision",))
            self._reference(kind="model", word=model, at=words[0], api="shell:vllm serve", revision=revision,
                            revision_key="--revision", trust_remote_code=trust)
            # `--code-revision` pins the remote code apart from the weights (see catalog.Slot.code_pin).
            code_revision, _, _ = self._option(args, ("--code-revision",))
            if code_revision is not None and trust is not False:
                self._reference(kind="model", word=model, at=words[0], api="shell:vllm serve", revision=code_revision,
                                revision_key="--code-revision", trust_remote_code=trust)
            consumed.add(id(model))
        tokenizer, _, _ = self._option(args, ("--tokenizer",))
        if tokenizer is not None:
            revision, _, _ = self._option(args, ("--tokenizer-revision",))
            self._reference(kind="model", word=tokenizer, at=words[0], api="shell:vllm serve --tokenizer",
                            revision=revision, revision_key="--tokenizer-revision")
            consumed.add(id(tokenizer))
        return consumed

    def _ollama(self, words: list[Word], name: Word) -> set[int]:
        text = name.text
        for prefix in ("https://", "http://"):
            text = text.removeprefix(prefix)
        if text.startswith(("hf.co/", "huggingface.co/")):
            repo = text.split("/", 1)[1].split(":", 1)[0]
            self._reference(kind="model", word=name, at=words[0], api="shell:ollama", revision=None,
                            revision_key=None, pinnable=False, id_text=repo, allow_legacy=False)
        elif name.resolved and re.fullmatch(r"[\w.-]+(?:/[\w.-]+)?(?::[\w.-]+)?", text):
            self.references.append(Reference(
                kind="model", source="ollama", id=text, revision=None, pinned=False, pinnable=False,
                path=self.path, line=words[0].line, column=words[0].column, api="shell:ollama",
                syntax=self.syntax, revision_key=None))
        return {id(name)}

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
            if name in ENV_FORMS:
                self.env_assignments.append((name, value, env, words))

    def _flags(self, words: list[Word], consumed: set[int]) -> set[int]:
        used: set[int] = set()
        for flag, form in FLAG_FORMS.items():
            value, _, _ = self._option(words, (flag,))
            if value is None or id(value) in consumed:
                continue
            revision, found_flag, _ = self._option(words, form.revision_flags)
            self._reference(kind=form.kind, word=value, at=words[0], api=f"shell:{flag}", revision=revision,
                            revision_key=found_flag or form.revision_flags[0],
                            trust_remote_code=self._trust(words) if form.kind == "model" else False)
            used.add(id(value))
        return used

    def _urls(self, words: list[Word], consumed: set[int], program: str | None) -> None:
        for word in words:
            if id(word) in consumed or not word.resolved:
                continue
            for _offset, _url, location in iter_hub_urls(word.text):
                self.references.append(url_reference(location, path=self.path, line=word.line, column=word.column,
                                                     api=f"shell:{program or 'url'}", syntax=self.syntax))

    def finish_env(self) -> None:
        """`MODEL_ID=org/x` style assignments, unless a recognised command already used that variable."""
        for name, value, env, words in self.env_assignments:
            if name in self.consumed_variables:
                continue
            revision_name = ENV_FORMS[name]
            revision = env.get(revision_name)
            if revision is None and words:
                revision, _, _ = self._option(words, ("--revision",))
            self._reference(kind="model", word=value, at=value, api=f"env:{name}", revision=revision,
                            revision_key=revision_name, trust_remote_code=self._trust(words, env))


_VLLM_SWITCHES = frozenset({
    *TRUST_FLAGS, "--enforce-eager", "--enable-prefix-caching", "--enable-chunked-prefill", "--enable-lora",
    "--disable-log-requests", "--disable-log-stats", "--enable-auto-tool-choice", "--skip-tokenizer-init",
    "--disable-custom-all-reduce", "--enable-reasoning", "--enable-sleep-mode", "--disable-frontend-multiprocessing",
})
"""vLLM flags that take no value: the word after one may be the model (`vllm serve --enforce-eager org/m`)."""


def _takes_value(word: str) -> bool:
    return word.startswith("-") and "=" not in word and word not in _VLLM_SWITCHES and not word.startswith("--no-")


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


def _program(words: list[Word]) -> tuple[str | None, list[Word]]:
    """The program a command runs (wrappers like `env`, `uv run`, `python -m` looked through) and its args."""
    index = 0
    while index < len(words):
        text = PurePosixPath(words[index].text).name if "/" in words[index].text else words[index].text
        if text in _WRAPPERS:
            index += 1
        elif text == "env":
            index += 1
            while index < len(words) and (_ASSIGNMENT.match(words[index].text) or words[index].text.startswith("-")):
                index += 1
        elif text in ("uv", "poetry", "pipenv", "pdm", "hatch") and index + 1 < len(words) \
                and words[index + 1].text == "run":
            index += 2
        elif re.fullmatch(r"python[\d.]*", text) and index + 2 < len(words) and words[index + 1].text == "-m":
            module = words[index + 2].text
            if module.startswith("vllm.entrypoints"):
                return "vllm-api-server", words[index + 3:]
            if module in ("huggingface_hub.commands.huggingface_cli", "huggingface_hub.cli.hf"):
                return "hf", words[index + 3:]
            return f"python -m {module}", words[index + 3:]
        else:
            return text, words[index + 1:]
    return None, []


def _scan_commands(groups: Iterable[list[Command]], collector: _Collector) -> None:
    for group in groups:
        for position, command in enumerate(group):
            collector.command(command, group[position + 1:])


def scan_shell_text(text: str, path: str, *, line_offset: int = 0, syntax: str = "shell",
                    line_map: list[int] | None = None, column_offset: int = 0, repo_paths=None,
                    env: dict[str, Word] | None = None) -> list[Reference]:
    """References in shell text. Text line i (0-based) is file line `line_map[i]` when given, else
    `i + 1 + line_offset`. Used by the notebook finder for `!` / `%` lines (pass syntax="notebook")."""
    collector = _Collector(path, syntax, repo_paths)
    _scan_shell_into(text, collector, line_map or _offset_map(text, line_offset), column_offset,
                     env if env is not None else {})
    collector.finish_env()
    return collector.references


def _offset_map(text: str, line_offset: int) -> list[int]:
    return [i + 1 + line_offset for i in range(text.count("\n") + 1)]


def _scan_shell_into(text: str, collector: _Collector, line_of: list[int], column_offset: int,
                     env: dict[str, Word]) -> None:
    groups = (list(commands_of(logical, env)) for logical in logical_lines(text, line_of, column_offset))
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


def _dockerfile(text: str, collector: _Collector) -> None:
    env: dict[str, Word] = {}
    text, heredocs = _split_heredocs(text)
    for start, body in heredocs:
        _scan_shell_into("\n".join(body), collector, [start + 1 + i for i in range(len(body))], 0, env)
    for logical in logical_lines(text, _offset_map(text, 0)):
        keyword, _, rest = logical.text.partition(" ")
        keyword = keyword.upper()
        rest_offset = len(keyword) + 1
        rest_logical = _Logical(rest, [(0, *logical.where(rest_offset))] + [
            (offset - rest_offset, line, column) for offset, line, column in logical.segments[1:]
            if offset >= rest_offset])
        if keyword in ("ENV", "ARG"):
            _docker_assignments(keyword, rest_logical, env, collector)
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
            _scan_commands([list(commands_of(shell_logical, env))], collector)


def _docker_assignments(keyword: str, logical: _Logical, env: dict[str, Word], collector: _Collector) -> None:
    words = tokenize(logical)
    if not words:
        return
    pairs: list[tuple[str, str, int]] = []
    if "=" in words[0][0]:
        for token, offset in words:
            name, _, value = token.partition("=")
            pairs.append((name, value, offset))
    elif keyword == "ENV" and len(words) >= 2:  # legacy `ENV NAME value with spaces`
        pairs.append((words[0][0], " ".join(t for t, _ in words[1:]), words[0][1]))
    command_env: dict[str, Word] = {}
    for name, value, offset in pairs:
        line, column = logical.where(offset)
        text, resolved = expand(value, env)
        if keyword == "ARG" and not value:
            continue  # an ARG without default: set at build time
        word = Word(text, value, line, column, resolved)
        env[name] = word
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
            if match.group(1) in ENV_FORMS:
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


def _yaml_nodes(text: str, path: str, collector: _Collector):
    """The documents; or, when the YAML cannot be composed, a line-by-line shell reading and the warning
    (worded as the config finder words it, so the file gets one warning)."""
    from gate.discover.config_finder import compose_yaml

    documents, problem = compose_yaml(text)
    if documents is None:
        lines = [_YAML_COMMAND_KEY.sub(lambda m: " " * len(m.group(0)), line) for line in text.split("\n")]
        _scan_shell_into("\n".join(lines), collector, _offset_map(text, 0), 0, {})
        return [], [ScanWarning(path, problem)]
    return documents, []


_YAML_COMMAND_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?(?:run|command|entrypoint)[ \t]*:(?:[ \t]*[|>][-+]?)?")


def _mapping(node) -> dict:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _scalar_shell(node, collector: _Collector, env: dict[str, Word], source_lines: list[str]) -> None:
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


def _yaml_env(node, env: dict[str, Word]) -> dict[str, Word]:
    """A workflow `env:` mapping or a compose `environment:` (mapping or list of `K=V`)."""
    import yaml

    found: dict[str, Word] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
                text, resolved = expand(value.value, env)
                found[key.value] = Word(text, value.value, key.start_mark.line + 1, key.start_mark.column + 1,
                                        resolved and "${{" not in value.value)
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

    def visit(node, env: dict[str, Word], depth: int) -> None:
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
            for key, child in mapping.items():
                if key not in ("env", "run"):
                    visit(child, scope, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                visit(child, env, depth + 1)

    for document in documents:
        visit(document, {}, 0)
    return warnings


def _compose(text: str, path: str, collector: _Collector) -> list[ScanWarning]:
    """docker-compose: each service's `command` / `entrypoint` with its `environment`."""
    import yaml

    documents, warnings = _yaml_nodes(text, path, collector)
    source_lines = text.split("\n")
    for document in documents:
        for _name, service in _mapping(_mapping(document).get("services")).items():
            fields = _mapping(service)
            env = _yaml_env(fields["environment"], {}) if "environment" in fields else {}
            image = fields.get("image")
            image_name = image.value if isinstance(image, yaml.ScalarNode) else ""
            collector.implicit_program = "vllm-api-server" if "vllm" in image_name else None
            before = len(collector.references)
            for key in ("entrypoint", "command"):
                if key in fields:
                    _scalar_shell(fields[key], collector, dict(env), source_lines)
            collector.implicit_program = None
            used_revision = any(r.revision_key == "--revision" for r in collector.references[before:])
            if env and not used_revision:
                collector.command(Command([], env), [])
    return warnings


def _is_workflow(path: str) -> bool:
    if file_suffix(path) not in (".yml", ".yaml"):
        return False
    return ".github/workflows/" in f"/{path}" or file_name(path) in ("action.yml", "action.yaml")


def _is_compose(path: str) -> bool:
    name = file_name(path)
    return bool(re.fullmatch(r"(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml", name))


def _is_dockerfile(path: str) -> bool:
    name = file_name(path)
    return name.startswith("Dockerfile") or name.endswith((".dockerfile", ".Dockerfile")) or name == "Containerfile"


def _is_makefile(path: str) -> bool:
    name = file_name(path)
    return name in ("Makefile", "makefile", "GNUmakefile") or name.endswith(".mk")


class ShellFinder(Finder):
    """`*.sh`, `*.bash`, `Dockerfile*`, `*.dockerfile`, `Makefile`, workflow `run:` steps, docker-compose."""

    def accepts(self, path: str) -> bool:
        suffix = file_suffix(path)
        return (suffix in (".sh", ".bash", ".zsh") or _is_dockerfile(path) or _is_makefile(path)
                or _is_workflow(path) or _is_compose(path))

    def scan(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        collector = _Collector(file.path, "shell", repo_paths)
        warnings: list[ScanWarning] = []
        if _is_workflow(file.path):
            warnings = _workflow(text, file.path, collector)
        elif _is_compose(file.path):
            warnings = _compose(text, file.path, collector)
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

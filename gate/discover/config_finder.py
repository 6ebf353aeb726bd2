"""Model and dataset ids in YAML, JSON and TOML configs, with their revision from a sibling key.

Every format is read by its parser into one small positioned tree (`_Map`, `_Seq`, `_Scalar`), and one walk
applies the key table below to it:

- YAML: `yaml.compose_all` with the safe (C) loader: node marks give exact lines, no tag is ever constructed,
  and aliases stay shared nodes that are visited once, so a "billion laughs" file cannot expand.
- JSON: the C decoder checks validity and whether anything interesting is present; only then a small
  position-recording descent (using the stdlib's own `scanstring` and number pattern) finds each key's offset.
- TOML: `tomllib` has no positions. Each key's line is found by a search constrained to its table's section:
  the `[table]` header (or the n-th `[[array]]` header) up to the next header; keys defined through dotted keys
  or inline tables fall back to the first `key =` line in the file.

A file its parser rejects (a syntax error, YAML nested deeper than the C composer survives, YAML over
`MAX_YAML_PARSE_BYTES`) is not skipped: a lenient reader (YAML and TOML line by line, JSON token by token)
builds the same kind of tree from what it can read, with a warning, so a syntax error further down cannot hide
the reference above it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from gate.discover import mlflow_uris
from gate.discover.catalog import DATASETS_BUILTIN_LOADERS
from gate.discover.hubids import is_local_path, is_pinned, look_alike, look_alike_warnings, looks_like_hub_id
from gate.discover.interface import FileResult, Finder, Reference, ScanWarning, SourceFile, file_suffix
from gate.discover.url_finder import iter_hub_urls, url_reference


@dataclass(frozen=True)
class ConfigKey:
    """One key that names a Hub repository, and the sibling keys that carry its revision."""

    kind: str
    revision_keys: tuple[str, ...]
    """Read in this order; the first is the key a fix adds when none is present."""
    allow_legacy: bool = False
    """Accept an unqualified id (`gpt2`): only for keys that are unambiguous Hub ids."""
    report_dynamic: bool = False
    """Report an interpolated value (`${MODEL}`) as a dynamic reference: only for unambiguous keys."""


CONFIG_KEYS: dict[str, ConfigKey] = {
    # Hugging Face Trainer / example scripts (ModelArguments, DataTrainingArguments).
    "model_name_or_path": ConfigKey("model", ("model_revision", "revision"), True, True),
    "pretrained_model_name_or_path": ConfigKey("model", ("revision", "model_revision"), True, True),
    "tokenizer_name": ConfigKey("model", ("tokenizer_revision", "model_revision"), True, True),
    "dataset_name": ConfigKey("dataset", ("dataset_revision", "revision"), True, True),
    # PEFT adapter configs, axolotl (`revision_of_model`), generic loaders.
    "base_model_name_or_path": ConfigKey("model", ("revision", "model_revision"), True, True),
    "base_model": ConfigKey("model", ("revision_of_model", "revision", "model_revision")),
    "model_id": ConfigKey("model", ("revision", "model_revision")),
    "repo_id": ConfigKey("model", ("revision",)),
    "hub_model_id": ConfigKey("model", ("revision",)),
    "model": ConfigKey("model", ("revision", "model_revision")),
    # lm-evaluation-harness tasks.
    "dataset_path": ConfigKey("dataset", ("dataset_revision", "revision"), True),
}
DATASET_LIST_KEYS = frozenset({"datasets", "test_datasets", "pretraining_dataset"})
"""`datasets: [{path: org/data, revision: ...}]` (axolotl and similar)."""
DATASET_ITEM_KEY = ConfigKey("dataset", ("revision",), True)
# Placeholders that look like legacy ids but never name a Hub repository (plus the `datasets` built-in loaders).
NOT_HUB_IDS = DATASETS_BUILTIN_LOADERS | frozenset({"jsonl", "none", "null", "auto", "default", "true", "false",
                                                     "local"})
_INTERPOLATION = re.compile(r"\$\{[^}]*\}|\{\{[^}]*\}\}|^\$\w+")
_PREFILTER = ("model", "dataset", "repo_id", "tokenizer_name", "huggingface.co", "hf.co", *mlflow_uris.PREFIXES)
_YAML_EXPANSION_LIMIT = 100_000
MAX_YAML_PARSE_BYTES = 1_000_000
"""Composing YAML costs ~200 bytes of memory per byte of text: larger files are read line by line."""


# ------------------------------------------------------------------------------------------ positioned tree


@dataclass(eq=False)
class _Scalar:
    value: object
    line: int
    column: int
    text: bool = True
    """True when the value is a string as written (not a number, bool or null)."""


@dataclass(eq=False)
class _Map:
    entries: list[tuple[str, int, int, object]] = field(default_factory=list)
    """(key, key line, key column, value node)."""


@dataclass(eq=False)
class _Seq:
    items: list = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------- YAML


def compose_yaml(text: str) -> tuple[list | None, str | None]:
    """(documents, None), or (None, the warning) when the text must not or cannot be composed.

    The shell finder reads workflow and compose files with this too, so both finders word a problem with one
    file identically (and the engine reports it once).
    """
    import yaml

    from gate.discover import yamlsafe

    if len(text) > MAX_YAML_PARSE_BYTES:
        return None, (f"YAML is {_size(len(text))}, too large to parse safely (over {_size(MAX_YAML_PARSE_BYTES)}): "
                      "read line by line instead")
    try:
        return yamlsafe.compose_all(text), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, f"YAML could not be parsed{where}: {exc.problem or exc}; read line by line instead"
    except yaml.YAMLError as exc:
        return None, f"YAML could not be parsed: {exc}; read line by line instead"


def _size(characters: int) -> str:
    return f"{characters / 1_048_576:.1f} MB" if characters >= 1_048_576 else f"{characters / 1024:.0f} KB"


def _yaml_tree(text: str, path: str) -> tuple[list, list[ScanWarning]]:
    documents, problem = compose_yaml(text)
    if documents is None:
        return _yaml_lines_tree(text), [ScanWarning(path, problem)]
    warnings = []
    expanded = _yaml_expanded_size(documents)
    if expanded > _YAML_EXPANSION_LIMIT:
        warnings.append(ScanWarning(
            path, f"YAML aliases would expand to more than {_YAML_EXPANSION_LIMIT:,} nodes (an alias bomb?); "
                  "each anchored node was scanned once, without expanding"))
    memo: dict[int, object] = {}
    return [_from_yaml(d, memo) for d in documents], warnings


_YAML_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<dashes>(?:-[ \t]+)*)(?:(?P<quote>[\"']?)(?P<key>[^\s:#\"'][^:#\"']*?)"
                        r"(?P=quote)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*(?:[ \t]#.*)?|(?P<item>.*?))$")


def _yaml_lines_tree(text: str) -> list:
    """YAML that cannot be composed, read one line at a time in a single pass with bounded memory.

    Indentation (a `- ` counts as indentation, and starts a new item) gives each `key: value` its parent, so
    sibling revision keys and `datasets[].path` items are still understood. Only keys the table knows, the
    sibling keys they need and values holding Hub URLs are kept.
    """
    wanted = set(CONFIG_KEYS) | {k for spec in CONFIG_KEYS.values() for k in spec.revision_keys} | {
        "path", "revision", "repo_type"}
    blocks = _Blocks()
    stack: list[tuple[int, int, str | None]] = []  # (indent, block id, key) of the open parents
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped in ("---", "..."):
            continue
        match = _YAML_LINE.match(line.rstrip("\r"))
        if match is None:
            continue
        indent = len(match.group("indent"))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent_key = stack[-1][2] if stack else None
        if match.group("dashes"):  # a sequence item: its keys are siblings of each other only
            stack.append((indent, number, parent_key))
            indent += len(match.group("dashes"))
        block, block_key = (stack[-1][1], stack[-1][2]) if stack else (0, None)
        key, value = match.group("key"), match.group("value")
        if key is None:
            item = (match.group("item") or "").strip().strip("\"'")
            if "huggingface.co/" in item or "hf.co/" in item:
                blocks.add_item(block_key, item, number, line.find(item) + 1)
            continue
        key = key.strip()
        if not value:
            stack.append((indent, number, key))
            continue
        scalar = value.strip()
        if len(scalar) >= 2 and scalar[0] == scalar[-1] and scalar[0] in "\"'":
            scalar = scalar[1:-1]
        if key in wanted or "huggingface.co/" in scalar or "hf.co/" in scalar:
            blocks.add(block, block_key, key, scalar, number, line.find(key, indent) + 1, line.find(value) + 1)
    return blocks.tree()


def _yaml_expanded_size(documents) -> int:
    """How many nodes the documents would have if every alias were copied; stops counting at the limit."""
    import yaml

    memo: dict[int, int] = {}

    def size(node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        memo[key] = 1  # a recursive alias counts once instead of forever
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in node.value)
        else:
            total = 1
        memo[key] = min(total, _YAML_EXPANSION_LIMIT + 1)
        return memo[key]

    return sum(size(d) for d in documents)


def _from_yaml(node, memo: dict[int, object]):
    import yaml

    key = id(node)
    if key in memo:
        return memo[key]  # an alias: the same positioned node, never a copy
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        result = _Map()
        memo[key] = result
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                # `<<: *base` : the base's keys are siblings here unless overridden (handled by _siblings).
                result.entries.append(("<<", key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                       _from_yaml(value_node, memo)))
            elif isinstance(key_node, yaml.ScalarNode):
                result.entries.append((key_node.value, key_node.start_mark.line + 1,
                                       key_node.start_mark.column + 1, _from_yaml(value_node, memo)))
        return result
    if isinstance(node, yaml.SequenceNode):
        result = _Seq()
        memo[key] = result
        result.items.extend(_from_yaml(item, memo) for item in node.value)
        return result
    is_text = node.tag == "tag:yaml.org,2002:str"
    is_null = node.tag == "tag:yaml.org,2002:null"
    result = _Scalar(None if is_null else node.value, line, column, text=is_text)
    memo[key] = result
    return result


# ---------------------------------------------------------------------------------------------------- JSON

_JSON_WS = re.compile(r"[ \t\n\r]*")


def _json_tree(text: str, path: str) -> tuple[list, list[ScanWarning]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _json_lenient_tree(text), [ScanWarning(
            path, f"JSON could not be parsed at line {exc.lineno}, column {exc.colno}: {exc.msg}; "
                  "read token by token instead")]
    except RecursionError:
        return _json_lenient_tree(text), [ScanWarning(
            path, "JSON nested too deeply to parse; read token by token instead")]
    if not _json_has_candidates(data):
        return [], []
    from gate.discover.url_finder import line_starts

    starts = line_starts(text)
    node, _ = _JsonPositions(text, starts).value(_JSON_WS.match(text, 0).end())
    return [node], []


def _json_has_candidates(data) -> bool:
    """Cheap pass on the decoded data: any interesting key with a string value, or any Hub URL?"""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, str):
                    if key in CONFIG_KEYS or key == "path" or "huggingface.co/" in value or "hf.co/" in value:
                        return True
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list, str)))
        elif isinstance(item, str) and ("huggingface.co/" in item or "hf.co/" in item):
            return True
    return False


class _JsonPositions:
    """A descent over text that `json.loads` already accepted, recording where each value and key starts."""

    _NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
    _LITERALS = {"true": True, "false": False, "null": None, "NaN": float("nan"),
                 "Infinity": float("inf"), "-Infinity": float("-inf")}

    def __init__(self, text: str, starts: list[int]):
        from json.decoder import scanstring

        self.text, self.starts, self.scanstring = text, starts, scanstring

    def where(self, offset: int) -> tuple[int, int]:
        from gate.discover.url_finder import position

        return position(self.starts, offset)

    def skip(self, index: int) -> int:
        return _JSON_WS.match(self.text, index).end()

    def value(self, index: int):
        text, char = self.text, self.text[index]
        line, column = self.where(index)
        if char == "{":
            node = _Map()
            index = self.skip(index + 1)
            if text[index] == "}":
                return node, index + 1
            while True:
                key_line, key_column = self.where(index)
                key, index = self.scanstring(text, index + 1)
                index = self.skip(self.skip(index) + 1)  # past ':'
                child, index = self.value(index)
                node.entries.append((key, key_line, key_column, child))
                index = self.skip(index)
                if text[index] == "}":
                    return node, index + 1
                index = self.skip(index + 1)  # past ','
        if char == "[":
            node = _Seq()
            index = self.skip(index + 1)
            if text[index] == "]":
                return node, index + 1
            while True:
                child, index = self.value(index)
                node.items.append(child)
                index = self.skip(index)
                if text[index] == "]":
                    return node, index + 1
                index = self.skip(index + 1)
        if char == '"':
            string, end = self.scanstring(text, index + 1)
            return _Scalar(string, line, column), end
        for literal, literal_value in self._LITERALS.items():
            if text.startswith(literal, index):
                return _Scalar(literal_value, line, column, text=False), index + len(literal)
        match = self._NUMBER.match(text, index)
        return _Scalar(match.group(0), line, column, text=False), match.end()


# ---------------------------------------------------------------------------------------------------- TOML

_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _toml_tree(text: str, path: str) -> tuple[list, list[ScanWarning]]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            return [], [ScanWarning(path, "TOML needs Python 3.11+ or the tomli package; not scanned")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return _toml_lines_tree(text), [ScanWarning(path, f"TOML could not be parsed: {exc}; read line by line "
                                                          "instead")]
    return [_TomlPositions(text).convert(data, (), None)], []


_TOML_PAIR = re.compile(r"^[ \t]*([\"']?)(?P<key>[A-Za-z0-9_.-]+)\1[ \t]*=[ \t]*(?P<quote>[\"'])(?P<value>[^\"'\n]*)"
                        r"(?P=quote)")


def _toml_lines_tree(text: str) -> list:
    """TOML that does not parse: `key = "value"` lines, grouped by the `[table]` / `[[array]]` above them."""
    blocks = _Blocks()
    block, parent_key = 0, None
    for number, line in enumerate(text.split("\n"), start=1):
        header = _TOML_HEADER.match(line)
        if header:
            block = number
            parts = [p.strip().strip("\"'") for p in header.group(2).split(".")]
            parent_key = parts[-1] if header.group(1) == "[[" else None
            continue
        pair = _TOML_PAIR.match(line)
        if pair:
            blocks.add(block, parent_key, pair.group("key"), pair.group("value"), number,
                       pair.start("key") + 1, pair.start("value"))
    return blocks.tree()


_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]]')
_JSON_COLON = re.compile(r"\s*:")


def _json_lenient_tree(text: str) -> list:
    """JSON that does not parse, read token by token: each string key with a string value, grouped by the
    object it sits in, so siblings and `datasets[].path` items stay apart; URLs in arrays are kept too."""
    from gate.discover.url_finder import line_starts, position

    starts = line_starts(text)
    blocks = _Blocks()
    # Open containers: (id, the key that holds it (objects in an array inherit the array's), is an array).
    stack: list[tuple[int, str | None, bool]] = [(0, None, False)]
    pending: tuple[str, int] | None = None  # a key waiting for its value, and where the key starts
    for token in _JSON_TOKEN.finditer(text):
        value = token.group(0)
        if value in "{[":
            inherited = stack[-1][1] if stack[-1][2] else None
            stack.append((token.start(), pending[0] if pending else inherited, value == "["))
            pending = None
            continue
        if value in "}]":
            if len(stack) > 1:
                stack.pop()
            pending = None
            continue
        try:
            string = json.loads(value)
        except ValueError:
            continue
        colon = _JSON_COLON.match(text, token.end())
        if colon is not None and ":" in colon.group(0):
            pending = (string, token.start())
            continue
        container, holder, is_array = stack[-1]
        if pending is not None:
            line, column = position(starts, pending[1])
            blocks.add(container, holder, pending[0], string, line, column, position(starts, token.start())[1])
        elif is_array and ("huggingface.co/" in string or "hf.co/" in string):
            line, column = position(starts, token.start())
            blocks.add_item(holder, string, line, column)
        pending = None
    return blocks.tree()


class _Blocks:
    """Key/value pairs grouped into mappings, for the readers of files their parser rejects."""

    def __init__(self):
        self.maps: dict[int, tuple[str | None, _Map]] = {}
        self.items: list[tuple[str | None, _Scalar]] = []

    def add(self, block: int, parent_key: str | None, key: str, value: str, line: int, column: int,
            value_column: int) -> None:
        self.maps.setdefault(block, (parent_key, _Map()))[1].entries.append(
            (key, line, column, _Scalar(value, line, value_column)))

    def add_item(self, parent_key: str | None, value: str, line: int, column: int) -> None:
        self.items.append((parent_key, _Scalar(value, line, column)))

    def tree(self) -> list:
        root = _Map()
        for parent_key, node in [*self.maps.values(), *self.items]:
            root.entries.append((parent_key or "", 1, 1, _Seq([node])))
        return [root]


class _TomlPositions:
    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers: list[tuple[int, tuple[str, ...], bool]] = []
        for number, line in enumerate(self.lines):
            match = _TOML_HEADER.match(line)
            if match:
                parts = tuple(p.strip().strip("\"'") for p in match.group(2).split("."))
                self.headers.append((number, parts, match.group(1) == "[["))

    def section(self, table: tuple[str, ...], occurrence: int | None) -> tuple[int, int] | None:
        """Line range (start, end) of a table's own section, or None when it has no header of its own."""
        if not table:
            end = self.headers[0][0] if self.headers else len(self.lines)
            return 0, end
        seen = -1
        for position, (number, parts, is_array) in enumerate(self.headers):
            if parts != table or is_array != (occurrence is not None):
                continue
            seen += 1
            if occurrence is None or seen == occurrence:
                end = self.headers[position + 1][0] if position + 1 < len(self.headers) else len(self.lines)
                return number + 1, end
        return None

    def locate(self, key: str, table: tuple[str, ...], occurrence: int | None) -> tuple[int, int]:
        pattern = re.compile(rf"^(\s*)([\"']?){re.escape(key)}\2\s*=")
        section = self.section(table, occurrence)
        ranges = [section] if section else []
        ranges.append((0, len(self.lines)))
        for start, end in ranges:
            for number in range(start, end):
                match = pattern.match(self.lines[number])
                if match:
                    return number + 1, len(match.group(1)) + 1
        loose = re.compile(rf"(?<![\w-])([\"']?){re.escape(key)}\1\s*=")
        for number, line in enumerate(self.lines):
            match = loose.search(line)
            if match:
                return number + 1, match.start() + 1
        return 1, 1

    def convert(self, value, table: tuple[str, ...], occurrence: int | None, line: int = 1, column: int = 1):
        if isinstance(value, dict):
            node = _Map()
            for key, child in value.items():
                key_line, key_column = self.locate(key, table, occurrence)
                if isinstance(child, list) and child and all(isinstance(c, dict) for c in child):
                    converted = _Seq([self.convert(c, (*table, key), i, key_line, key_column)
                                      for i, c in enumerate(child)])
                else:
                    converted = self.convert(child, (*table, key), None, key_line, key_column)
                node.entries.append((key, key_line, key_column, converted))
            return node
        if isinstance(value, list):
            return _Seq([self.convert(c, table, None, line, column) for c in value])
        return _Scalar(value if isinstance(value, str) else str(value), line, column, text=isinstance(value, str))


# ---------------------------------------------------------------------------------------------------- walk


def _merged_entries(node: _Map, visited: set[int] | None = None) -> list[tuple[str, int, int, object]]:
    """A mapping's entries with YAML merge keys (`<<: *base`) resolved; explicit keys win."""
    visited = visited if visited is not None else set()
    visited.add(id(node))
    own = [e for e in node.entries if e[0] != "<<"]
    names = {e[0] for e in own}
    for key, _line, _column, value in node.entries:
        if key != "<<":
            continue
        bases = value.items if isinstance(value, _Seq) else [value]
        for base in bases:
            if isinstance(base, _Map) and id(base) not in visited:
                for entry in _merged_entries(base, visited):
                    if entry[0] not in names:
                        own.append(entry)
                        names.add(entry[0])
    return own


def _references(roots: list, path: str, repo_paths) -> Iterator[Reference]:
    visited: set[int] = set()
    stack: list[tuple[object, str | None]] = [(root, None) for root in reversed(roots)]
    while stack:
        node, parent_key = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, _Seq):
            stack.extend((item, parent_key) for item in reversed(node.items) if not isinstance(item, _Scalar))
            for item in node.items:
                if isinstance(item, _Scalar) and item.text and isinstance(item.value, str):
                    yield from _url_references(item, path, f"config:{parent_key or ''}[]")
            continue
        if not isinstance(node, _Map):
            continue
        entries = _merged_entries(node)
        siblings = {key: value for key, _l, _c, value in entries}
        for key, line, column, value in node.entries:
            if isinstance(value, (_Map, _Seq)):
                stack.append((value, key))
                continue
            if not isinstance(value, _Scalar) or not value.text or not isinstance(value.value, str):
                continue
            if key in CONFIG_KEYS:
                spec, api = CONFIG_KEYS[key], f"config:{key}"
            elif key == "path" and parent_key in DATASET_LIST_KEYS:
                spec, api = DATASET_ITEM_KEY, f"config:{parent_key}[].path"
            else:
                spec = api = None
            urls = list(_url_references(value, path, f"config:{key}"))
            yield from urls
            if spec is not None and not urls:
                reference = _id_reference(spec, api, key, value.value, siblings, path, line, column, repo_paths)
                if reference is not None:
                    yield reference


def _url_references(value: _Scalar, path: str, api: str) -> Iterator[Reference]:
    for offset, _url, location in iter_hub_urls(value.value):
        before = value.value[:offset]
        yield url_reference(location, path=path, line=value.line + before.count("\n"),
                            column=value.column + (offset if "\n" not in before else 0), api=api, syntax="config")


def _id_reference(spec: ConfigKey, api: str, key: str, value: str, siblings: dict, path: str, line: int,
                  column: int, repo_paths) -> Reference | None:
    value = value.strip()
    if key == "dataset_name" and "dataset_path" in siblings and "/" not in value:
        # lm-evaluation-harness: dataset_path is the repository, dataset_name its subset (`main`, `en`); an
        # `org/name` value names a repository of its own and is kept.
        return None
    kind = spec.kind
    if key == "repo_id" and _scalar_text(siblings.get("repo_type")) == "dataset":
        kind = "dataset"
    dynamic = _INTERPOLATION.search(value) is not None
    if dynamic:
        if not spec.report_dynamic:
            return None
        repo_id = None
    else:
        if value.lower() in NOT_HUB_IDS or "://" in value:
            return None
        if (not looks_like_hub_id(value, allow_legacy=spec.allow_legacy)
                and look_alike(value, allow_legacy=spec.allow_legacy) is None) or is_local_path(value, repo_paths):
            # An id that only looks like one (homoglyphs) is reported as written, with a warning (issue 8).
            return None
        repo_id = value
    revision, revision_key = None, spec.revision_keys[0]
    for candidate in spec.revision_keys:
        text = _scalar_text(siblings.get(candidate))
        if text is not None:
            revision, revision_key = text, candidate
            break
    return Reference(
        kind=kind, source="huggingface", id=repo_id, revision=revision,
        pinned=is_pinned(revision), pinnable=True, path=path, line=line, column=column, api=api,
        dynamic=dynamic, expression=value if dynamic else None, syntax="config", revision_key=revision_key,
    )


def _scalar_text(node) -> str | None:
    if isinstance(node, _Scalar) and node.value is not None and not isinstance(node.value, bool):
        text = str(node.value).strip()
        return text or None
    return None


def _read_as_shell(path: str) -> bool:
    """Workflows and compose files: the shell finder reads their commands and environments, MLflow URIs included."""
    from gate.discover.shell_finder import _is_compose, _is_workflow

    return _is_workflow(path) or _is_compose(path)


def mlflow_references(roots: list, path: str) -> tuple[Reference, ...]:
    """Every `models:/` / `runs:/` value (`model_uri: models:/churn/3`, `- MODEL_URI=models:/churn@champion`),
    with the registry the file names (`MLFLOW_REGISTRY_URI`, `MLFLOW_TRACKING_URI`, `registry_uri`,
    `tracking_uri` keys, registry first)."""
    stack: list[tuple[object, str | None]] = [(root, None) for root in reversed(roots)]
    visited: set[int] = set()
    found: list[Reference] = []
    registries: dict[str, str] = {}
    while stack:
        node, key = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, _Seq):
            stack.extend((item, f"{key or ''}[]") for item in reversed(node.items))
        elif isinstance(node, _Map):
            stack.extend((value, k) for k, _l, _c, value in reversed(node.entries))
        elif isinstance(node, _Scalar) and isinstance(node.value, str):
            name, equals, assigned = node.value.partition("=")
            if not equals:
                name, assigned = key or "", node.value
            if name in _REGISTRY_KEYS and assigned.strip() and not _INTERPOLATION.search(assigned):
                registries.setdefault(_REGISTRY_KEYS[name], assigned.strip())
            uri = mlflow_uris.uri_in(node.value)
            target = mlflow_uris.parse(uri) if uri else None
            if target is None:
                continue
            dynamic = _INTERPOLATION.search(uri) is not None
            found.append(Reference(
                kind="model", source="mlflow", id=None if dynamic else target.id,
                revision=None if dynamic else target.revision, pinned=not dynamic and mlflow_uris.is_pinned(
                    target.revision), pinnable=True, path=path, line=node.line, column=node.column,
                api=f"config:{key or ''}", syntax="config", revision_key="uri", dynamic=dynamic,
                expression=uri if dynamic else None))
    return mlflow_uris.with_registry(found, registries.get("registry") or registries.get("tracking"))


_REGISTRY_KEYS = {"MLFLOW_REGISTRY_URI": "registry", "registry_uri": "registry", "MLFLOW_TRACKING_URI": "tracking",
                  "tracking_uri": "tracking"}


class ConfigFinder(Finder):
    """`*.yaml`, `*.yml`, `*.json`, `*.toml` configs."""

    _READERS = {".yaml": _yaml_tree, ".yml": _yaml_tree, ".json": _json_tree, ".toml": _toml_tree}

    def accepts(self, path: str) -> bool:
        return file_suffix(path).lower() in self._READERS

    def scan(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        if not any(marker in text for marker in _PREFILTER):
            return FileResult()
        reader = self._READERS[PurePosixPath(file.path).suffix.lower()]
        roots, warnings = reader(text, file.path)
        references = tuple(_references(roots, file.path, repo_paths))
        if any(prefix in text for prefix in mlflow_uris.PREFIXES) and not _read_as_shell(file.path):
            references = (*references, *mlflow_references(roots, file.path))
        return FileResult(references=references, warnings=(*warnings, *look_alike_warnings(references, file.path)))

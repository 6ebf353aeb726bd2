"""Model and dataset ids in YAML, JSON and TOML configs, with their revision from a sibling key.

Every format is read by its parser into one small positioned tree (`_Map`, `_Seq`, `_Scalar`), and one walk
applies the conventions of `catalog/config.py` to it (rows: `confidence: "high"`); a key no row knows whose name
says model or dataset (`catalog/context.py`) holding an `org/name` nothing speaks against gives a
`confidence: "medium"` reference. Publish keys (`hub_model_id`) give `role: "publish"` references without a
revision key. A value that is only `${a.b}` resolves to that node of the same config (Hydra/OmegaConf), and so
does a HyperPyYAML `!ref <a.b>` (SpeechBrain).
A mapping whose `_component_` (torchtune) or `_target_` (Hydra) names a Python catalog API (`catalog/python_apis.py`,
matched as the Python finder matches a callee), or whose HyperPyYAML tag does (`!new:pkg.Class`, `!apply:`,
`!name:`), is read as that call: its keys are the keyword arguments, and a slot
left out that has a library default (`Slot.default_id`) is reported at the component key; a key a config row already
reports is reported once, by that row.

Relevance is decided on decoded data: the raw-text prefilter (`worth_reading`) only skips files that can hold
nothing, and any backslash (an escape such as `"\\u006dodel_name_or_path"`) makes a file read.

- YAML: `yaml.compose_all` with the safe (C) loader: node marks give exact lines, no tag is ever constructed,
  and aliases stay shared nodes that are visited once, so a "billion laughs" file cannot expand.
- JSON: the C decoder checks validity and whether anything interesting is present; only then a small
  position-recording descent (using the stdlib's own `scanstring` and number pattern) finds each key's offset.
- TOML: `tomllib` has no positions. Each key's line is found by a search constrained to its table's section:
  the `[table]` header (or the n-th `[[array]]` header) up to the next header; keys defined through dotted keys
  or inline tables fall back to the first `key =` line in the file.

A file its parser rejects (a syntax error, YAML nested deeper than the C composer survives, YAML over
`yamlsafe.MAX_YAML_PARSE_BYTES`) is not skipped: a lenient reader (YAML and TOML line by line, JSON token by token)
builds the same kind of tree from what it can read, with a warning, so a syntax error further down cannot hide
the reference above it.

Files whose name has no config suffix (`train_yaml`, `config`, `args.json.j2`) reach this finder when no other
finder reads them (the engine decides); they are read only when their parser accepts them, else URL-scanned.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, cast

from gate.discover import mlflow_uris
from gate.discover.catalog import config as catalog
from gate.discover.catalog import python_apis
from gate.discover.catalog.config import NOT_HUB_IDS, ConfigKey
from gate.discover.catalog.context import (
    API_MODEL_NAME,
    BACKEND_KEY_TOKENS,
    ENDPOINT_LIST_KEY_TOKENS,
    HUB_ORGS_NAMED_LIKE_PROVIDERS,
    PLACEHOLDER_ORGS,
    context_kind,
    is_publish_name,
    name_tokens,
    names_hub_inference_host,
    names_other_hub,
    names_remote_api,
    negative_evidence,
    own_revision_keys,
    picks_other_hub,
    publish_kind,
    routed_hub_id,
)
from gate.discover.hubids import (
    JOINED_BARE_PART,
    is_local_path,
    is_pinned,
    joined_ids,
    look_alike,
    look_alike_warnings,
    looks_like_hub_id,
    named_id,
    parse_hf_path,
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
from gate.discover.text_files import JSON_WHITESPACE
from gate.discover.url_finder import iter_hub_urls, url_reference

if TYPE_CHECKING:
    import yaml

    from gate.discover.catalog.context import ContextKind


_INTERPOLATION = re.compile(r"\$\{[^}]*\}|\{\{[^}]*\}\}|^\$\w+")
_YAML_EXPANSION_LIMIT = 100_000


# ------------------------------------------------------------------------------------------ positioned tree


@dataclass(eq=False)
class _Scalar:
    value: object
    line: int
    column: int
    text: bool = True
    """True when the value is a string as written (not a number, bool or null)."""
    reference: bool = False
    """A HyperPyYAML `!ref <key>`, held as `${key}`: read only when that node is a string of the same file."""


if TYPE_CHECKING:
    class _TextScalar(_Scalar):
        """A scalar checked to hold a string."""

        value: str


@dataclass(eq=False)
class _Map:
    entries: list[tuple[str, int, int, object]] = field(default_factory=list)
    """(key, key line, key column, value node)."""
    hosted: bool | None = None
    """Set by the line reader, which loses the nesting: whether this mapping's model names go to a hosted API
    (`_sends_to_hosted_api`), judged while the nesting was known. None: judge from the entries."""
    tag_call: _Scalar | None = None
    """The callable a HyperPyYAML tag passes this mapping to as keyword arguments (`!new:pkg.Class`,
    `!apply:pkg.function`, `!name:pkg.function`: SpeechBrain's hparams files), at the tag's position."""
    served_by: tuple[str, dict] | None = None
    """Set by the line reader for an item of a class-chosen registry list (`catalog.ClassChosenList`): (the
    `class_name` of its spec, its `args` entries), read while the nesting was known. None: read from the entries."""


@dataclass(eq=False)
class _Seq:
    items: list = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------- YAML


def _yaml_tree(text: str, path: str) -> tuple[list, list[ScanWarning]]:
    from gate.discover.yamlsafe import compose_yaml

    documents, problem = compose_yaml(text)
    if documents is None:
        return _yaml_lines_tree(text), [ScanWarning(path, cast(str, problem))]  # no documents: a warning says why
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
    blocks = _Blocks()
    stack: list[tuple[int, int, str | None, bool]] = []  # (indent, block id, key, is a list item) of the open parents
    said: dict[int, set[bool]] = {}  # block id → what its entries say about a hosted API (`names_remote_api`)
    served: dict[int, tuple[str | None, dict]] = {}  # item block id → its spec's class and args (`catalog.ClassChosenList`)
    chains: dict[int, list[int]] = {}  # block id → it and the blocks enclosing it, innermost first
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped in ("---", "..."):
            continue
        match = _YAML_LINE.match(line.rstrip("\r"))
        if match is None:
            continue
        indent = len(match.group("indent"))
        dash = bool(match.group("dashes"))
        # A `- ` at the indentation of the key just opened is that key's list (`endpoints:\n- api_base: ...`, the
        # compact style PyYAML writes): the key stays open; an earlier item at that indentation is closed.
        while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and (not dash or stack[-1][3]))):
            stack.pop()
        parent_key = stack[-1][2] if stack else None
        if match.group("dashes"):  # a sequence item: its keys are siblings of each other only
            stack.append((indent, number, parent_key, True))
            indent += len(match.group("dashes"))
        block, block_key = (stack[-1][1], stack[-1][2]) if stack else (0, None)
        holder = len(stack) - (2 if stack and stack[-1][3] else 1)  # the line with the key holding the block
        outer_key = stack[holder - 1][2] if holder >= 1 else None
        key, value = match.group("key"), match.group("value")
        if key is None:
            raw_item = (match.group("item") or "").strip()
            item = _yaml_line_scalar(raw_item)
            if ("/" in item or "=" in item or block_key in catalog.CATALOG_KEY_NAMES
                    or block_key in catalog.ENVIRONMENT_LIST_KEYS or block_key in catalog.ARGUMENT_LIST_KEYS):
                list_id = stack[-2][1] if match.group("dashes") and len(stack) > 1 else block
                keys = [entry[2] for entry in stack if not entry[3]]
                blocks.add_item(list_id, _sweep_list_key(block_key, keys[:-1]), item, number,
                                line.find(raw_item) + 1)
            continue
        key = _yaml_line_scalar(key.strip(), match.group("quote"))
        if not value:
            stack.append((indent, number, key, False))
            continue
        scalar = _yaml_line_scalar(value.strip())
        _note_served_by(served, stack, key, scalar, number, line.find(value) + 1)
        verdict = names_remote_api(key, scalar)
        if verdict is not None:
            said.setdefault(block, set()).add(verdict)
            tokens = name_tokens(block_key or "")
            if stack and not stack[-1][3] and any(t in BACKEND_KEY_TOKENS or t in ENDPOINT_LIST_KEY_TOKENS
                                                  for t in tokens):
                said.setdefault(stack[-2][1] if len(stack) > 1 else 0, set()).add(verdict)  # `client_kwargs:`
            elif stack and stack[-1][3] and any(t in ENDPOINT_LIST_KEY_TOKENS for t in tokens):
                said.setdefault(stack[-3][1] if len(stack) > 2 else 0, set()).add(verdict)  # `endpoints: [...]`
        chains.setdefault(block, [entry[1] for entry in reversed(stack)] + [0])
        flow = _FLOW_LIST.match(scalar) if value.strip() == scalar else None
        if flow is not None:  # `key: [a, b, c]` on one line
            start = line.find(value) + 1
            list_key = _sweep_list_key(key, [entry[2] for entry in stack if not entry[3]])
            for item in _FLOW_ITEM.finditer(flow.group(1)):
                blocks.add_item(-number, list_key, _yaml_line_scalar(item.group(1)), number,
                                start + item.start(1) + 1)
            continue
        if _worth_keeping(key, scalar) or (key == "provider" and block_key == "custom_provider_map"):
            key_start = match.start("quote") if match.group("quote") else match.start("key")
            blocks.add(block, block_key, key, scalar, number, key_start + 1, line.find(value) + 1, outer_key)
    if said:
        for block, (_key, node, _outer) in blocks.maps.items():
            verdicts = next((said[b] for b in chains.get(block, [block]) if b in said), set())
            node.hosted = False not in verdicts and True in verdicts
    for block, (dotted, arguments) in served.items():
        if block in blocks.maps and dotted is not None:
            blocks.maps[block][1].served_by = (dotted, arguments)
    return blocks.tree()


def _note_served_by(served: dict[int, tuple[str | None, dict]], stack: list, key: str, value: str, line: int,
                    column: int) -> None:
    """The line reader's record of a class-chosen registry item (`catalog.ClassChosenList`): its spec's
    `class_name` and its spec's `args` entries, filed under the item's block (`stack`: the open parents)."""
    if len(stack) >= 2 and not stack[-1][3] and stack[-2][3]:
        registry = catalog.CLASS_CHOSEN_BY_LIST.get(stack[-2][2])
        if registry is not None and stack[-1][2] == registry.spec_key and key == "class_name":
            entry = served.setdefault(stack[-2][1], (None, {}))
            served[stack[-2][1]] = (value, entry[1])
    if len(stack) >= 3 and not stack[-1][3] and not stack[-2][3] and stack[-3][3]:
        registry = catalog.CLASS_CHOSEN_BY_LIST.get(stack[-3][2])
        if registry is not None and stack[-2][2] == registry.spec_key and stack[-1][2] == registry.args_key:
            served.setdefault(stack[-3][1], (None, {}))[1][key] = _Scalar(value, line, column)


def _sweep_list_key(key: str | None, enclosing: list[str | None]) -> str | None:
    """The key a line reader files a list under: a W&B sweep's `values` list goes under its parameter's name
    (`enclosing`: the keys of the open mappings, innermost last)."""
    if key in catalog.SWEEP_VALUE_KEYS and len(enclosing) >= 2 and enclosing[-2] in catalog.SWEEP_PARAMETER_HOLDERS:
        return enclosing[-1]
    return key


_FLOW_LIST = re.compile(r"^\[([^\[\]{}]*)\]$")
_FLOW_ITEM = re.compile(r"\s*((?:\"[^\"]*\"|'[^']*'|[^,])+?)\s*(?:,|$)")
_KEPT_KEYS = catalog.CATALOG_KEY_NAMES | catalog.REVISION_KEY_NAMES | {"revision", "repo_type", *catalog.COMPONENT_KEYS,
                                                                         "path", "id", "name", "source", "type", "value",
                                                                         "class_name"} | {
    row.needs_sibling for row in catalog.CONFIG_KEYS if row.needs_sibling} | {  # `fine_tune_type` decides on `data:`
    row.needs_item_key for row in catalog.LIST_ITEM_KEYS if row.needs_item_key} | {  # a mixture item's `weight`
    spec.trust_keyword for spec in python_apis.SPECS if spec.trust_keyword}  # beside a `_target_` (`_ComponentCall`)


def _worth_keeping(key: str, value: str) -> bool:
    """Pairs the line readers keep: catalog keys and their siblings, names that say model or dataset, and any
    value or key with a slash (ids, URLs, mixture weights keyed by id)."""
    return key in _KEPT_KEYS or "/" in value or "/" in key or _key_context(key)[0] is not None


def _yaml_line_scalar(text: str, quote: str | None = None) -> str:
    """A scalar as YAML reads it: quotes removed, and a double-quoted one's escapes (`\\x6d`) decoded, so the
    line reader decides on the same text as the parser."""
    if quote is None and len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        quote, text = text[0], text[1:-1]
    if quote == '"' and "\\" in text:
        import yaml

        try:
            decoded = yaml.safe_load(f'"{text}"')
        except yaml.YAMLError:
            return text
        return decoded if isinstance(decoded, str) else text
    if quote == "'":
        return text.replace("''", "'")
    return text


def _yaml_expanded_size(documents: list[yaml.Node]) -> int:
    """How many nodes the documents would have if every alias were copied; stops counting at the limit."""
    import yaml

    memo: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
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


_HYPERPYYAML_CALL = re.compile(r"!(?:new|apply|name):([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)")
"""HyperPyYAML's tags on a mapping that call a Python callable with its keys (`!new:` builds an object, `!apply:`
calls a function at load time, `!name:` binds its arguments for a later call)."""
_HYPERPYYAML_REF = re.compile(r"<([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)>")
"""A HyperPyYAML `!ref` that is only `<key>` (`<a.b>`): the value of that node of the same file. A ref inside
other text (`!ref <save_folder>/ckpt`) or with arithmetic stays unread."""


def _from_yaml(node: yaml.Node, memo: dict[int, object]) -> object:
    import yaml

    key = id(node)
    if key in memo:
        return memo[key]  # an alias: the same positioned node, never a copy
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        result = _Map()
        tagged = _HYPERPYYAML_CALL.fullmatch(node.tag or "")
        if tagged is not None:
            result.tag_call = _Scalar(tagged.group(1), line, column + 1)
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
    value = node.value
    reference = _HYPERPYYAML_REF.fullmatch(value.strip()) if node.tag == "!ref" and isinstance(value, str) else None
    if reference is not None:  # `!ref <whisper_hub>`: that node's value, read as `${whisper_hub}` is
        value, is_text = "${" + reference.group(1) + "}", True
    result = _Scalar(None if is_null else value, line, column, text=is_text, reference=reference is not None)
    memo[key] = result
    return result


# ---------------------------------------------------------------------------------------------------- JSON


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
    node, _ = _JsonPositions(text, starts).value(JSON_WHITESPACE.match(text, 0).end())
    return [node], []


def _json_has_candidates(data: object) -> bool:
    """Cheap pass on the decoded data (so `\\u006d` escapes cannot hide a key): any catalog or component key, or any
    key or string value with a slash (an `org/name` id, a URL, a mixture keyed by id)?"""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in catalog.CATALOG_KEY_NAMES or key in catalog.COMPONENT_KEYS or "/" in key:
                    return True
                if isinstance(value, str):
                    if "/" in value:
                        return True
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list, str)))
        elif isinstance(item, str) and "/" in item:
            return True
    return False


class _JsonPositions:
    """A descent over text that `json.loads` already accepted, recording where each value and key starts."""

    _NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
    _LITERALS = {"true": True, "false": False, "null": None, "NaN": float("nan"),
                 "Infinity": float("inf"), "-Infinity": float("-inf")}

    def __init__(self, text: str, starts: list[int]):
        from json import decoder

        self.text, self.starts = text, starts
        # json's own string scanner (the C one when built): typeshed does not declare it.
        self.scanstring: Callable[[str, int], tuple[str, int]] = decoder.scanstring  # type: ignore[attr-defined]

    def where(self, offset: int) -> tuple[int, int]:
        from gate.discover.url_finder import position

        return position(self.starts, offset)

    def skip(self, index: int) -> int:
        return JSON_WHITESPACE.match(self.text, index).end()

    def value(self, index: int) -> tuple[object, int]:
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
        match = cast("re.Match[str]", self._NUMBER.match(text, index))  # valid JSON: not a literal, so a number
        return _Scalar(match.group(0), line, column, text=False), match.end()


# ---------------------------------------------------------------------------------------------------- TOML

_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _toml_tree(text: str, path: str) -> tuple[list, list[ScanWarning]]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            return [], [ScanWarning(path, "TOML needs Python 3.11+ or the tomli package; not scanned")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return _toml_lines_tree(text), [ScanWarning(path, f"TOML could not be parsed: {exc}; read line by line "
                                                          "instead")]
    return [_TomlPositions(text).convert(data, (), None)], []


_TOML_PAIR = re.compile(r"^[ \t]*(?P<key>\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|[A-Za-z0-9_.-]+)[ \t]*=[ \t]*"
                        r"(?P<value>\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*')")


def _toml_string(text: str) -> str:
    """A TOML key or string as TOML reads it: quotes removed, a basic string's escapes decoded."""
    if text.startswith('"'):
        try:
            return cast(str, json.loads(text))  # a JSON string literal decodes to a str
        except ValueError:
            return text[1:-1]
    return text[1:-1] if text.startswith("'") else text


def _toml_lines_tree(text: str) -> list:
    """TOML that does not parse: `key = "value"` lines, grouped by the `[table]` / `[[array]]` above them."""
    blocks = _Blocks()
    block, parent_key, outer_key = 0, None, None
    for number, line in enumerate(text.split("\n"), start=1):
        header = _TOML_HEADER.match(line)
        if header:
            block = number
            parts = [p.strip().strip("\"'") for p in header.group(2).split(".")]
            parent_key = parts[-1] if header.group(1) == "[[" else None
            outer_key = parts[-2] if parent_key and len(parts) > 1 else None
            continue
        pair = _TOML_PAIR.match(line)
        if pair:
            blocks.add(block, parent_key, _toml_string(pair.group("key")), _toml_string(pair.group("value")), number,
                       pair.start("key") + 1, pair.start("value") + 1, outer_key)
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
            _json_key_without_string(blocks, stack[-1], pending, starts)
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
            _json_key_without_string(blocks, stack[-1], pending, starts)
            pending = (string, token.start())
            continue
        container, holder, is_array = stack[-1]
        if pending is not None:
            line, column = position(starts, pending[1])
            below = 3 if len(stack) > 1 and stack[-2][2] else 2  # an object in a list: the list's holder repeats
            outer = stack[-below][1] if len(stack) >= below else None
            blocks.add(container, holder, pending[0], string, line, column, position(starts, token.start())[1],
                       outer)
        elif is_array and ("/" in string or "=" in string or holder in catalog.CATALOG_KEY_NAMES):
            line, column = position(starts, token.start())
            blocks.add_item(container, holder, string, line, column)
        pending = None
    return blocks.tree()


def _json_key_without_string(blocks: _Blocks, frame: tuple[int, str | None, bool], pending: tuple[str, int] | None,
                             starts: list[int]) -> None:
    """A key whose value was a number or literal (`{"org/data": 0.5}`, a mixture keyed by id): kept as a key."""
    from gate.discover.url_finder import position

    if pending is not None and "/" in pending[0] and not frame[2]:
        line, column = position(starts, pending[1])
        blocks.maps.setdefault(frame[0], (frame[1], _Map(), None))[1].entries.append(
            (pending[0], line, column, _Scalar(None, line, column, text=False)))


class _Blocks:
    """Key/value pairs grouped into mappings, for the readers of files their parser rejects."""

    def __init__(self) -> None:
        self.maps: dict[int, tuple[str | None, _Map, str | None]] = {}
        self.lists: dict[int, tuple[str | None, _Seq]] = {}

    def add(self, block: int, parent_key: str | None, key: str, value: str, line: int, column: int,
            value_column: int, outer_key: str | None = None) -> None:
        """`outer_key`: the key holding the mapping that holds `parent_key` (`dataset_mixture` of `datasets`)."""
        self.maps.setdefault(block, (parent_key, _Map(), outer_key))[1].entries.append(
            (key, line, column, _Scalar(value, line, value_column)))

    def add_item(self, list_id: int, parent_key: str | None, value: str, line: int, column: int) -> None:
        """A scalar item of the list `list_id` (items of one list stay together, in order)."""
        self.lists.setdefault(list_id, (parent_key, _Seq()))[1].items.append(_Scalar(value, line, column))

    def tree(self) -> list:
        root = _Map()
        grouped: dict[tuple, _Seq] = {}  # the mappings of one list key stay items of one list (env siblings)
        for parent_key, node, outer_key in self.maps.values():
            grouped.setdefault((parent_key or "", outer_key), _Seq()).items.append(node)
        for (parent_key, outer_key), items in grouped.items():
            held = (parent_key, 1, 1, items)
            root.entries.append((outer_key, 1, 1, _Map([held])) if outer_key else held)
        for parent_key, node in self.lists.values():
            root.entries.append((parent_key or "", 1, 1, node))
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

    def convert(self, value: object, table: tuple[str, ...], occurrence: int | None, line: int = 1,
                column: int = 1) -> object:
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


def _references(roots: list, path: str, repo_paths: frozenset[str] | None, *, env_owned_elsewhere: bool = False) -> Iterator[Reference]:
    """`env_owned_elsewhere`: a workflow or compose file, whose `env`/`environment` the shell finder reads with
    the commands that use it (a pin on the command line applies there); only URLs are taken from it here."""
    visited: set[int] = set()
    urls_only: set[int] = set()
    interpolated: set[int] | None = None  # the nodes some `${a.b}` of the file names, found when first needed
    # (node, the key holding it, the key holding the mapping that holds that key, whether an enclosing mapping
    # sends its model names to a hosted API, whether its model-named keys are a registry's own names
    # (`_class_chosen`))
    stack: list[tuple[object, str | None, str | None, bool, bool]] = [
        (root, None, None, False, False) for root in reversed(roots)]
    custom_providers = _custom_providers(roots)
    while stack:
        node, parent_key, outer_key, hosted, names_only = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, _Seq):
            stack.extend((item, parent_key, outer_key, hosted, names_only) for item in reversed(node.items)
                         if not isinstance(item, _Scalar))
            for item in node.items:
                if isinstance(item, _Scalar) and item.text and isinstance(item.value, str):
                    yield from _url_references(item, path, f"config:{parent_key or ''}[]")
            if parent_key in catalog.ENVIRONMENT_LIST_KEYS and id(node) not in urls_only:
                environment = _environment_map(node)
                if environment.entries:
                    stack.append((environment, parent_key, outer_key, hosted, names_only))
            continue
        if not isinstance(node, _Map):
            continue
        entries, own_entries = _merged_entries(node), node.entries
        if parent_key is not None and outer_key in catalog.SWEEP_PARAMETER_HOLDERS:
            entries, own_entries = _sweep_parameter(entries, parent_key), _sweep_parameter(own_entries, parent_key)
        siblings = {key: value for key, _l, _c, value in entries}
        hosted = node.hosted if node.hosted is not None else _sends_to_hosted_api(siblings, hosted)
        registry = catalog.CLASS_CHOSEN_BY_LIST.get(parent_key) if parent_key is not None else None
        if registry is not None and (node.served_by is not None or isinstance(siblings.get(registry.spec_key), _Map)):
            chosen = _class_chosen(registry, entries, node.served_by or _served_by(registry, siblings), path,
                                   repo_paths)
            if chosen is not None:
                reference, own_table = chosen
                names_only = True
                hosted = hosted or own_table
                if reference is not None:
                    yield reference
        served: bool | None = None  # `_hub_served(siblings)`, read once per mapping (not once per value in it)
        other_hub = _other_hub(parent_key, siblings)
        call = _component_call(siblings) if any(k in siblings for k in catalog.COMPONENT_KEYS) else None
        if call is None and node.tag_call is not None:
            call = _call_of(node.tag_call, f"HyperPyYAML !new:{node.tag_call.value}", siblings)
        if call is not None and id(node) not in urls_only and not (hosted and call.kind == "model"):
            yield from call.default_references(siblings, path, repo_paths)
        for key, line, column, value in own_entries:
            if isinstance(value, (_Map, _Seq)):
                stack.append((value, key, parent_key, hosted, names_only))
                if isinstance(value, _Seq) and key in catalog.ARGUMENT_LIST_KEYS and not env_owned_elsewhere:
                    yield from _argument_list(value, path, repo_paths)
                if id(node) in urls_only or other_hub or (env_owned_elsewhere and key in catalog.ENVIRONMENT_LIST_KEYS):
                    urls_only.add(id(value))
                else:
                    yield from _container_references(key, value, parent_key, siblings, path, repo_paths)
                continue
            if key in catalog.PUBLISH_SWITCH_KEYS and id(node) not in urls_only:
                reference = _publish_switch(key, value, siblings, path, line, column)
                if reference is not None:
                    yield reference
            if not isinstance(value, _Scalar) or not value.text or not isinstance(value.value, str):
                continue
            urls = list(_url_references(value, path, f"config:{key}"))
            yield from urls
            if urls or id(node) in urls_only or other_hub:
                continue  # `other_hub`: ids of ModelScope & co. (`modelscope: {model_id: ...}`), not of the Hub
            if parent_key in catalog.INTERPOLATION_ONLY_KEYS and (outer_key is None
                                                                  or outer_key in catalog.EMBEDDED_CONFIG_ROOTS):
                interpolated = _interpolation_targets(roots) if interpolated is None else interpolated
                if id(value) in interpolated:
                    continue  # reported where it is interpolated
            text = _interpolated(value.value, roots)
            if value.reference and text == value.value:
                continue  # `!ref <model>` naming an object or nothing: not a string to read
            if served is None:
                served = _hub_served(siblings)
            text = routed_hub_id(text, served) or text
            if custom_providers and text.partition("/")[0] in custom_providers:
                continue  # `model: my-provider/my-model` routed by LiteLLM to a handler the file declares
            found = _key_spec(key, parent_key, outer_key, siblings)
            if found is None and call is not None and key in call.rows:
                found = call.rows[key], call.api
            if hosted and (found[0].kind == "model" and found[0].role == "load" if found is not None
                           else _key_context(key) == ("model", False)) and not _names_tokenizer(key):
                # `model_name: meta-llama/...` sent to api.together.xyz: a served name, nothing downloaded. A
                # tokenizer beside it is still loaded here (HELM counts and truncates prompts with it).
                continue
            separated = _separated_ids(found, text)
            parts = joined_ids(text) if separated is None else None
            for position, part in enumerate(separated or parts or (text,)):
                if parts is not None and "/" not in part:
                    if found is not None or _key_context(key)[0] is not None:
                        yield _joined_bare_part(found, key, part, text, path, line, column)
                    continue
                if found is not None:
                    spec, api = found
                    reference = _id_reference(spec, api, key, part, siblings, path, line, column, repo_paths,
                                              position=position if separated is not None else None)
                    if reference is None and call is not None and key in call.rows and spec is not call.rows[key]:
                        # the key's own row declines (`source: ${oc.env:DATA}`), but the call says it is an id
                        spec = call.rows[key]
                        reference = _id_reference(spec, call.api, key, part, siblings, path, line, column, repo_paths)
                    if reference is not None and call is not None and spec is call.rows.get(key):
                        reference = replace(reference, trust_remote_code=True if key in call.runs_code
                                            else call.trust)
                elif not names_only:
                    reference = _context_reference(key, part, siblings, path, line, column, repo_paths)
                else:
                    reference = None  # a registry's name for what its class loads (`_class_chosen`)
                if reference is not None:
                    yield reference


def _custom_providers(roots: list) -> frozenset[str]:
    """The providers a LiteLLM proxy config declares for its own handlers (`litellm_settings: {custom_provider_map:
    [{provider: my-provider, custom_handler: module.handler}]}`): `my-provider/<name>` is routed to that code, not a
    Hub repository. Read from the top-level mapping only (one look-up per root)."""
    providers: set[str] = set()
    for root in roots:
        settings = next((v for k, _l, _c, v in root.entries if k == "litellm_settings"), None) \
            if isinstance(root, _Map) else None
        mapped = next((v for k, _l, _c, v in settings.entries if k == "custom_provider_map"), None) \
            if isinstance(settings, _Map) else None
        for item in mapped.items if isinstance(mapped, _Seq) else ():
            provider = next((v for k, _l, _c, v in item.entries if k == "provider"), None) \
                if isinstance(item, _Map) else None
            if isinstance(provider, _Scalar) and isinstance(provider.value, str):
                providers.add(provider.value)
    return frozenset(providers)


def _other_hub(parent_key: str | None, siblings: dict) -> bool:
    """The mapping holds the ids of another hub: it is keyed by one (xinference's `model_src: {modelscope:
    {model_id: ...}}`) or a sibling picks one (`model_hub: modelscope`). Asked once per mapping."""
    if parent_key is not None and names_other_hub(parent_key):
        return True
    return any(isinstance(value, _Scalar) and picks_other_hub(key, value.value) for key, value in siblings.items())


def _served_by(registry: catalog.ClassChosenList, siblings: dict) -> tuple[str, dict] | None:
    """(the `class_name` of a registry item's spec, the spec's `args` entries), read from the parsed item."""
    fields = {key: value for key, _l, _c, value in siblings[registry.spec_key].entries}
    dotted = _scalar_text(fields.get("class_name"))
    args = fields.get(registry.args_key)
    arguments = {key: value for key, _l, _c, value in args.entries} if isinstance(args, _Map) else {}
    return (dotted, arguments) if dotted is not None else None


def _class_chosen(registry: catalog.ClassChosenList, entries: list, served_by: tuple[str, dict] | None, path: str,
                  repo_paths: frozenset[str] | None) -> tuple[Reference | None, bool] | None:
    """An item of a class-chosen registry list (`catalog.ClassChosenList`): (the reference the serving class loads
    from the item's own key, whether the class maps the item to a repository in its own code), or None when the
    row does not know the class (the item is then read as any mapping)."""
    if served_by is None:
        return None
    dotted, arguments = served_by
    name = dotted.rsplit(".", 1)[-1]
    if name in registry.own_table:
        return None, True
    id_key = dict(registry.loaders).get(name)
    if id_key is None:
        return None
    if registry.args_id_key in arguments:
        return None, False  # the `pretrained_model_name_or_path` row reports it
    entry = next(((line, column, value) for key, line, column, value in entries if key == id_key), None)
    text = _scalar_text(entry[2]) if entry is not None else None
    if entry is None or text is None:
        return None, False
    row = ConfigKey(id_key, "model", ("revision",), registry.convention, allow_legacy=True)
    return _id_reference(row, f"config:{registry.list_key}.{id_key}", id_key, text, arguments, path, entry[0],
                         entry[1], repo_paths), False


@dataclass(frozen=True)
class _ComponentCall:
    """A mapping whose `_component_` / `_target_` names a catalog Python API, read as that call."""

    api: str
    kind: str
    rows: dict[str, ConfigKey]
    """Each slot keyword as a key row: the mapping's keys are the call's keyword arguments."""
    defaults: tuple[tuple[ConfigKey, str], ...]
    """(row, the library's default id) for slots the mapping leaves out."""
    trust: bool | None
    runs_code: frozenset[str]
    """Keys naming a repository whose code the call runs (diffusers `custom_pipeline`)."""
    at: _Scalar
    """The `_component_` / `_target_` value (or the HyperPyYAML tag): where a default id is reported."""

    def default_references(self, siblings: dict, path: str,
                           repo_paths: frozenset[str] | None) -> Iterator[Reference]:
        for row, default_id in self.defaults:
            reference = _id_reference(row, self.api, row.key, default_id, siblings, path, self.at.line,
                                      self.at.column, repo_paths)
            if reference is not None:
                yield replace(reference, trust_remote_code=self.trust)


def _component_call(siblings: dict) -> _ComponentCall | None:
    """The catalog call a mapping's `_component_` / `_target_` names (matched as the Python finder matches an imported
    callee), or None. Only APIs whose ids are plain Hub ids are read here; position-only slots, and slots whose id
    sits inside another argument, have no key of their own and are skipped."""
    for component_key in catalog.COMPONENT_KEYS:
        node = siblings.get(component_key)
        dotted = _scalar_text(node)
        if dotted is None or not _DOTTED_NAME.fullmatch(dotted):
            continue
        return _call_of(cast(_Scalar, node), f"{component_key}: {dotted}", siblings)
    return None


def _call_of(node: _Scalar, convention: str, siblings: dict) -> _ComponentCall | None:
    """The catalog call a mapping is passed to, named by `node` (a component key's value or a HyperPyYAML tag's
    callable), with the mapping's entries as its keyword arguments; None when no catalog row reads it."""
    dotted = cast(str, node.value)
    spec = python_apis.match_call(dotted, True)
    if spec is None or spec.id_form != python_apis.ID_HUB or spec.served_by is not None or any(
            keyword in siblings for keyword, _literal in spec.skip_when):
        return None  # a `skip_when` keyword given: whether the call loads anything is not read here
    kind = spec.kind
    if kind == python_apis.KIND_FROM_REPO_TYPE:
        kind = "dataset" if _scalar_text(siblings.get(spec.repo_type_keyword or "repo_type")) == "dataset" \
            else "model"
    elif kind == python_apis.KIND_FROM_RECEIVER:
        kind = "model"
    if kind not in ("model", "dataset"):
        return None
    api = spec.api_name(dotted, True)
    rows: dict[str, ConfigKey] = {}
    defaults: list[tuple[ConfigKey, str]] = []
    runs_code: set[str] = set()
    for slot in spec.slots:
        if not slot.keywords or slot.code_pin or slot.inside is not None or slot.attributes or (
                slot.id_form not in (None, python_apis.ID_HUB)):
            continue
        revision_keys = (*slot.revision_keywords, *(n if "." in n else f"{n}.revision"
                                                     for n in slot.nested_revision)) if spec.slot_pinnable(slot) else ()
        slot_rows = [ConfigKey(keyword, cast("Literal['model', 'dataset']", kind), revision_keys,
                               convention, allow_legacy=not slot.qualified_only,
                               report_dynamic=True, role=cast("Literal['load', 'publish']", slot.role or spec.role),
                               source=spec.source) for keyword in slot.keywords]
        rows.update((row.key, row) for row in slot_rows if row.key not in rows)
        if slot.runs_code:
            runs_code.update(slot.keywords)
        if slot.default_id is not None and not any(keyword in siblings for keyword in slot.keywords) and not (
                slot.default_unless and all(keyword in siblings for keyword in slot.default_unless)):
            defaults.append((slot_rows[0], slot.default_id))
    return _ComponentCall(api, kind, rows, tuple(defaults), _component_trust(spec, siblings),
                          frozenset(runs_code), node)


_DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def _component_trust(spec: python_apis.ApiSpec, siblings: dict) -> bool | None:
    """Whether the call may run code from the repository, as the Python finder judges a call's trust keyword (None:
    a value not known here, `${oc.env:TRUST}`)."""
    if spec.fixed_trust is not None:
        return spec.fixed_trust
    text = _scalar_text(siblings.get(spec.trust_keyword))
    if text is None:
        return spec.trust_default
    word = text.lower()
    return True if word in ("true", "yes", "on") else False if word in ("false", "no", "off") else None


def _publish_switch(key: str, value: object, siblings: dict, path: str, line: int, column: int) -> Reference | None:
    """`push_to_hub: true` with no key beside it that names the target: a publish target named at run time."""
    if not isinstance(value, _Scalar) or str(value.value).strip().lower() not in ("true", "yes", "on"):
        return None
    if any(_names_publish_target(name, node, siblings) for name, node in siblings.items() if name != key):
        return None  # `hub_model_id: org/m` beside it is the target (reported on its own)
    return Reference(kind="model", source="huggingface", id=None, revision=None, pinned=False, pinnable=False,
                     path=path, line=line, column=column, api=f"config:{key}", dynamic=True,
                     expression=f"{key}: {value.value} (the repository is named at run time)", syntax="config",
                     role="publish")


def _names_publish_target(name: object, node: object, siblings: dict) -> bool:
    if not isinstance(name, str) or _scalar_text(node) is None or not isinstance(node, _Scalar) or not node.text:
        return False
    row = catalog.config_key(name, None, siblings)
    return row.role == "publish" if row is not None else _key_context(name)[1]


def _sweep_parameter(entries: list, name: str) -> list:
    """A W&B sweep parameter (`model_name_or_path: {value: org/m}`): its `value` / `values` read as the
    parameter's own key, so the catalog and the context vocabulary judge them by the argument they set."""
    return [(name if key in catalog.SWEEP_VALUE_KEYS else key, line, column, value)
            for key, line, column, value in entries]


def _sends_to_hosted_api(siblings: dict, enclosing: bool) -> bool:
    """Whether the model names of this mapping go to a hosted API (`catalog.context.names_remote_api`), judged from
    its scalars and those of a client mapping it holds (`client_kwargs: {base_url: ...}`); a mapping that says
    nothing keeps what its enclosing mapping says, and a server the user runs (localhost) always wins."""
    said: set[bool] = set()
    for key, node in siblings.items():
        nodes = [(key, node)]
        tokens = name_tokens(key) if isinstance(key, str) else ()
        if isinstance(node, _Map) and any(t in BACKEND_KEY_TOKENS or t in ENDPOINT_LIST_KEY_TOKENS for t in tokens):
            nodes = [(inner, child) for inner, _l, _c, child in node.entries]
        elif isinstance(node, _Seq) and any(t in ENDPOINT_LIST_KEY_TOKENS for t in tokens):
            nodes = [(inner, child) for item in node.items if isinstance(item, _Map)
                     for inner, _l, _c, child in item.entries]
        for name, child in nodes:
            if isinstance(name, str) and isinstance(child, _Scalar) and isinstance(child.value, str):
                verdict = names_remote_api(name, child.value)
                if verdict is not None:
                    said.add(verdict)
    if False in said:
        return False
    return True if said else enclosing


def _hub_served(siblings: dict) -> bool:
    """A sibling (`base_url`, `api_base`) points the client at a host that serves Hub repositories by id."""
    return any(isinstance(node, _Scalar) and isinstance(node.value, str) and names_hub_inference_host(node.value)
               for node in siblings.values())


_NODE_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\}")


def _interpolated(value: str, roots: list, depth: int = 8) -> str:
    """An OmegaConf/Hydra value that is only `${a.b.c}` (a node of the same config), replaced by that node's
    string when exactly one document has it: `tokenizer_name: ${model.language_model.pretrained_model_name}`.
    Anything else (`${oc.env:X}`, relative or partial interpolations) stays as written, hence dynamic."""
    target = _interpolation_target(value, roots) if depth else None
    if target is None or not target.text or not isinstance(target.value, str):
        return value
    return _interpolated(target.value, roots, depth - 1)


def _interpolation_target(value: str, roots: list) -> _Scalar | None:
    """The one node a `${a.b.c}` value names, in a document or in a config embedded in one (`parameters:`)."""
    match = _NODE_INTERPOLATION.fullmatch(value.strip())
    if match is None:
        return None
    parts = match.group(1).split(".")
    found = [node for node in (_node_at(root, parts) for root in _config_roots(roots)) if node is not None]
    return found[0] if len(found) == 1 else None


def _config_roots(roots: list) -> Iterator:
    for root in roots:
        yield root
        if isinstance(root, _Map):
            yield from (value for key, _l, _c, value in root.entries
                        if key in catalog.EMBEDDED_CONFIG_ROOTS and isinstance(value, _Map))


def _interpolation_targets(roots: list) -> set[int]:
    """The nodes that some `${a.b}` value of the file names."""
    targets: set[int] = set()
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, _Map):
            stack.extend(value for _k, _l, _c, value in node.entries)
        elif isinstance(node, _Seq):
            stack.extend(node.items)
        elif isinstance(node, _Scalar) and isinstance(node.value, str) and "${" in node.value:
            target = _interpolation_target(node.value, roots)
            if target is not None:
                targets.add(id(target))
    return targets


def _node_at(root: object, parts: list[str]) -> _Scalar | None:
    node = root
    for part in parts:
        if not isinstance(node, _Map):
            return None
        node = next((v for k, _l, _c, v in _merged_entries(node) if k == part), None)
    return node if isinstance(node, _Scalar) else None


def _key_spec(key: str, parent_key: str | None, outer_key: str | None,
              siblings: dict) -> tuple[ConfigKey, str] | None:
    """The catalog row for a key holding one string, and the `api` its references carry."""
    spec = catalog.config_key(key, parent_key, siblings)
    if spec is not None:
        return spec, f"config:{key}"
    list_row = catalog.list_item_key(parent_key, outer_key, siblings)
    if list_row is not None and key == next((k for k in list_row.item_keys if k in siblings), None):
        return ConfigKey(key, list_row.kind, list_row.revision_keys, list_row.convention,
                         allow_legacy=True), f"config:{parent_key}[].{key}"
    return None


def _container_references(key: str, value: object, parent_key: str | None, siblings: dict, path: str,
                          repo_paths: frozenset[str] | None) -> Iterator[Reference]:
    """Ids held by a key as a list of strings (`dataset: [org/a, org/b]`), as the keys of a mapping
    (`dataset_mixer`) or as the even items of a list (`dataset_mixer_list`)."""
    spec = catalog.config_key(key, parent_key, siblings)
    if spec is not None and spec.shape == catalog.SHAPE_MAPPING_KEYS:
        maps = value.items if isinstance(value, _Seq) else [value]  # a line reader wraps mappings in a list
        for mapping in maps:
            if isinstance(mapping, _Map):
                for item_key, line, column, _item in mapping.entries:
                    reference = _id_reference(spec, f"config:{key}", key, item_key, {}, path, line, column,
                                              repo_paths)
                    if reference is not None:
                        yield reference
        return
    if not isinstance(value, _Seq):
        return
    scalars = cast("list[_TextScalar]", [item for item in value.items if isinstance(item, _Scalar) and item.text
                                         and isinstance(item.value, str) and not _has_url(item.value)])
    if spec is not None and spec.shape == catalog.SHAPE_PAIRS:
        readable = {id(item) for item in scalars}
        texts = [item for index, item in enumerate(value.items) if index % 2 == 0 and id(item) in readable]
        for item in texts:
            reference = _id_reference(spec, f"config:{key}[]", key, item.value, {}, path, item.line, item.column,
                                      repo_paths)
            if reference is not None:
                yield reference
        return
    list_row = catalog.list_item_key(key, parent_key)
    if spec is None and list_row is not None:
        spec = ConfigKey(key, list_row.kind, (), list_row.convention, allow_legacy=True)
    if spec is None and _key_context(key)[0] is None:
        return  # `labels: [...]`: a list nothing says holds ids
    for item in scalars:
        if spec is None:
            reference = _context_reference(key, item.value, {}, path, item.line, item.column, repo_paths,
                                           api=f"config:{key}[]")
            if reference is not None:
                yield reference
            continue
        separated = _separated_ids((spec, key), item.value)  # `lora-modules: [sql=org/a]`: the words of a flag
        for part in separated or (item.value,):
            reference = _id_reference(spec, f"config:{key}[]", key, part, {}, path, item.line, item.column,
                                      repo_paths, one_of_many=separated is None)
            if reference is not None:
                yield reference


def _argument_list(node: _Seq, path: str, repo_paths: frozenset[str] | None) -> list[Reference]:
    """A list of command-line words whose flags are read as the shell finder reads them (workflows and compose
    files are the shell finder's own). A block-style list (`command:` with one `- word` per line, a Helm chart's
    container command) reports each id at its own item, as a config reports a key's value; a one-line flow list
    (`args: [...]`) at its first word."""
    items = [(item.value, item.line, item.column, True) for item in node.items
             if isinstance(item, _Scalar) and isinstance(item.value, str)]
    if not any(item[0].startswith("-") for item in items):
        return []
    from gate.discover.shell_finder import scan_argument_list

    block = len({line for _, line, _, _ in items}) > 1
    return [replace(reference, syntax="config")
            for reference in scan_argument_list(items, path, syntax="config", repo_paths=repo_paths,
                                                at_each_value=block)]


def _has_url(value: str) -> bool:
    return "://" in value


def _environment_map(node: _Seq) -> _Map:
    """Compose `environment: [KEY=value]` and Kubernetes `env: [{name: KEY, value: ...}]` as one mapping."""
    mapping = _Map()
    for item in node.items:
        if isinstance(item, _Scalar) and item.text and isinstance(item.value, str) and "=" in item.value:
            name, _, text = item.value.partition("=")
            if name.strip():
                mapping.entries.append((name.strip(), item.line, item.column,
                                        _Scalar(text.strip(), item.line, item.column + len(name) + 1)))
        elif isinstance(item, _Map):
            fields = {k: (line, column, v) for k, line, column, v in item.entries}
            name, value = _scalar_text(fields.get("name", (0, 0, None))[2]), fields.get("value")
            if name and value is not None and isinstance(value[2], _Scalar):
                mapping.entries.append((name, fields["name"][0], fields["name"][1], value[2]))
    return mapping


def _url_references(value: _Scalar, path: str, api: str) -> Iterator[Reference]:
    text = cast(str, value.value)  # callers pass scalars that hold text
    if text.startswith("hf://"):  # HfFileSystem paths (`data_files` of lm-eval tasks, pandas/polars readers)
        location = parse_hf_path(text.strip())
        if location is not None and location.kind != "space" and looks_like_hub_id(location.id, allow_legacy=True):
            yield Reference(
                kind="dataset" if location.kind == "dataset" else "model", source="huggingface", id=location.id,
                revision=location.revision, pinned=is_pinned(location.revision), pinnable=True, path=path,
                line=value.line, column=value.column, api=api, syntax="config", revision_key="@")
        return
    for offset, _url, location in iter_hub_urls(text):
        before = text[:offset]
        yield url_reference(location, path=path, line=value.line + before.count("\n"),
                            column=value.column + (offset if "\n" not in before else 0), api=api, syntax="config")


def _clean(value: str, kind: str) -> str:
    value = value.strip()
    if kind == "dataset" and "/" in value:
        value = catalog.SUBSET_SUFFIX.sub(r"\1", catalog.ID_SUFFIX.sub("", value))
    return value


def _separated_ids(found: tuple[ConfigKey, str] | None, text: str) -> list[str] | None:
    """The ids of a value its row joins with a separator (`org/a;org/b;`: a trailing separator ends the list, as
    infinity reads it), or None when the row has none."""
    if found is None or found[0].separator is None:
        return None
    if text.lstrip().startswith("{"):  # vLLM `lora-modules` item as JSON: one adapter, spaces and all
        return [named_id(text)]
    return [named_id(item) for item in _separated_items(text, found[0].separator)]


def _separated_items(text: str, separator: str) -> list[str]:
    if text.endswith(separator):
        text = text[:-len(separator)]
    return [item.strip() for item in text.split(separator)]


def _id_reference(spec: ConfigKey, api: str, key: str, value: str, siblings: dict, path: str, line: int,
                  column: int, repo_paths: frozenset[str] | None, *, one_of_many: bool = False,
                  position: int | None = None) -> Reference | None:
    """A catalog key's reference (`confidence: high`), or None when the value is not a Hub id. `position`: the
    value's index in a separated list (its revision is the one at the same index of the revision key's list)."""
    value = _clean(value, spec.kind)
    if key == "dataset_name" and "dataset_path" in siblings and "/" not in value:
        # lm-evaluation-harness: dataset_path is the repository, dataset_name its subset (`main`, `en`); an
        # `org/name` value names a repository of its own and is kept.
        return None
    kind = spec.kind
    if key == "repo_id" and _scalar_text(siblings.get("repo_type")) == "dataset":
        kind = "dataset"
    if spec.kind_from_sibling:
        kind = "dataset" if "dataset" in (_scalar_text(siblings.get(spec.kind_from_sibling)) or "") else spec.kind
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
        if _not_a_hub_id(value) is not None:
            return None
        repo_id = value
    revision, revision_key = _revision(spec.revision_keys, siblings)
    if position is not None and revision is not None and spec.separator is not None:
        revisions = _separated_items(revision, spec.separator)
        revision = (revisions[position] or None) if position < len(revisions) else None
    if spec.role == "publish" or one_of_many:
        revision_key = revision_key if one_of_many and revision is not None else None
    return Reference(
        kind=kind, source=spec.source, id=repo_id, revision=revision,
        pinned=is_pinned(revision), pinnable=bool(spec.revision_keys) or spec.role == "publish" or one_of_many,
        path=path, line=line, column=column, api=api, dynamic=dynamic, expression=value if dynamic else None,
        syntax="config", revision_key=revision_key, role=spec.role,
    )


def _not_a_hub_id(value: str, *, context_only: bool = False) -> str | None:
    """The context vocabulary's negative evidence, minus the verdicts a catalog key overrules (a legacy id, a
    Hub organisation that shares its name with an API provider: `openai/gsm8k`, `openai/whisper-large-v3`)."""
    reason = negative_evidence(value)
    if reason == "a hosted API model name" and value.split("/", 1)[0] in HUB_ORGS_NAMED_LIKE_PROVIDERS:
        reason = None if API_MODEL_NAME.fullmatch(value.rsplit("/", 1)[-1]) is None else reason
    if not context_only and reason in ("not org/name", "empty", "a path", "a URL of another scheme"):
        return None  # the catalog row's own checks decide these
    return reason


def _revision(keys: tuple[str, ...], siblings: dict) -> tuple[str | None, str | None]:
    """(revision as written, the key holding it or the key a fix adds); (None, None) without revision keys."""
    for candidate in keys:
        holder, _, nested = candidate.partition(".")
        node = siblings.get(holder)
        if nested:  # `dataset_kwargs.revision`: a key of the sibling mapping
            node = next((v for k, _l, _c, v in node.entries if k == nested), None) if isinstance(node, _Map) else None
        text = _scalar_text(node)
        if text is not None:
            return text, candidate
    return None, keys[0] if keys else None


def _names_tokenizer(key: str) -> bool:
    """`tokenizer_name`, `hf_tokenizer`: a key naming a tokenizer, which a client loads locally even when the model
    itself is served by a hosted API."""
    return any(token in ("tokenizer", "tokenizers") for token in name_tokens(key))


@functools.lru_cache(maxsize=4096)
def _key_context(key: str) -> tuple[ContextKind | None, bool]:
    """(what a key's name says its value is, whether it names a publish target): asked once per distinct key."""
    publish = is_publish_name(key)
    return context_kind(key) or (publish_kind(key) if publish else None), publish


def _context_reference(key: str, value: str, siblings: dict, path: str, line: int, column: int,
                       repo_paths: frozenset[str] | None,
                       *, api: str | None = None) -> Reference | None:
    """A key the catalog does not know whose name says model or dataset (`teacher_model`, `pretrained_llm`),
    holding an `org/name` that nothing speaks against: a `confidence: medium` reference. The revision is read
    from a sibling named after the key (`reward_model_revision` for `reward_model_path`), never from a bare
    `revision`, which may well belong to another key: a pin nobody applies must not read as pinned."""
    kind, publish = _key_context(key)
    if kind is None:
        return None
    value = _clean(value, kind)
    if (_not_a_hub_id(value, context_only=True) is not None or not looks_like_hub_id(value) or value.lower() in NOT_HUB_IDS
            or value.split("/", 1)[0].lower() in PLACEHOLDER_ORGS or is_local_path(value, repo_paths)):
        return None
    own_keys = own_revision_keys(key)
    if not publish and "revision" in siblings and _sole_id_key(key, siblings):
        # `model_parameters: {model_name: org/m, revision: <sha>}`: a bare `revision` beside exactly one key that
        # names a repository is that key's revision (it cannot belong to another one).
        own_keys = (*own_keys, "revision")
    revision, revision_key = (None, None) if publish else _revision(own_keys, siblings)
    return Reference(
        kind=kind, source="huggingface", id=value, revision=revision, pinned=is_pinned(revision), pinnable=True,
        path=path, line=line, column=column, api=api or f"config:{key}", syntax="config",
        revision_key=revision_key if revision is not None else None, confidence=CONFIDENCE_MEDIUM,
        role="publish" if publish else "load",
    )


def _joined_bare_part(found: tuple[ConfigKey, str] | None, key: str, part: str, value: str, path: str, line: int, column: int) -> Reference:
    """A name without a namespace inside a `+`-joined list: which repository it is, the reading script decides."""
    kind = found[0].kind if found is not None else _key_context(key)[0]
    return Reference(kind="dataset" if kind == "dataset" else "model", source="huggingface", id=None, revision=None,
                     pinned=False, pinnable=True, path=path, line=line, column=column,
                     api=found[1] if found is not None else f"config:{key}", dynamic=True,
                     expression=JOINED_BARE_PART.format(part=part, value=value), syntax="config",
                     confidence=CONFIDENCE_HIGH if found is not None else CONFIDENCE_MEDIUM)


def _sole_id_key(key: str, siblings: dict) -> bool:
    """No other key of the mapping holds a repository id (an `org/name` value under a key that the catalog knows
    or whose name says model or dataset)."""
    for other, node in siblings.items():
        if other == key or not isinstance(other, str):
            continue
        text = _scalar_text(node)
        if text and looks_like_hub_id(text) and (other in catalog.CATALOG_KEY_NAMES or _key_context(other)[0]):
            return False
    return True


def _scalar_text(node: object) -> str | None:
    if isinstance(node, _Scalar) and node.value is not None and not isinstance(node.value, bool):
        text = str(node.value).strip()
        return text or None
    return None


def _raw_worth_reading(text: str) -> bool:
    """The raw-text prefilter: False only when no row and no context key can match. It may skip work, never
    decide what a file holds: any backslash (an escape the parser decodes into a key) makes it read."""
    return "\\" in text or any(marker in text for marker in catalog.PREFILTER_MARKERS) \
        or any(prefix in text for prefix in mlflow_uris.PREFIXES)


worth_reading = _raw_worth_reading
"""Replaced by an always-true function in the differential tests (prefilter on/off must agree)."""


_SNIFFED_NAME = re.compile(r"(?:^|[._-])(?P<format>ya?ml|json)(?:\.[^./]*)?$", re.IGNORECASE)


def sniffed_format(path: str) -> str | None:
    """The reader for a config file whose name does not end in a config suffix: `train_yaml`, `args_json`,
    `config.yaml.template` by name, `yaml`/`json` by content (None: decide from the text)."""
    match = _SNIFFED_NAME.search(file_name(path))
    if match is None:
        return None
    return ".json" if match.group("format").lower() == "json" else ".yaml"


def scan_config_text(text: str, suffix: str, path: str, repo_paths: frozenset[str] | None) -> tuple[list[Reference], list[ScanWarning]]:
    """References in config text found inside another file (a notebook's `%%writefile config.yaml` cell, a YAML
    string in Python), with lines and columns relative to `text`."""
    reader = ConfigFinder._READERS.get(suffix, _yaml_tree)
    roots, warnings = reader(text, path)
    references = list(_references(roots, path, repo_paths))
    return references, [*warnings, *look_alike_warnings(references, path)]


_LFS_POINTER = "version https://git-lfs.github.com/spec/v1\n"


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
            if uri is None or target is None:
                continue
            dynamic = _INTERPOLATION.search(uri) is not None
            found.append(Reference(
                kind="model", source="mlflow", id=None if dynamic else target.id,
                revision=None if dynamic else target.revision, pinned=not dynamic and mlflow_uris.is_pinned(
                    target.revision), pinnable=True, path=path, line=node.line, column=node.column,
                api=f"config:{key or ''}", syntax="config", revision_key="uri", dynamic=dynamic,
                expression=uri if dynamic else None))
    return mlflow_uris.with_registry(found, registries.get("registry") or registries.get("tracking"))


SKIP_MLFLOW_WALK = True
"""Skip `mlflow_references` for a text `may_spell_mlflow_uri` clears (off in the differential test)."""


def may_spell_mlflow_uri(text: str) -> bool:
    """False only when no value of the config can hold an MLflow URI, so `mlflow_references` would find none (work
    skipped only). A value is the file's own characters in a row unless an escape (`\\u003a`, a backslash-newline)
    decoded them or a line fold joined lines, which puts a space between them (YAML, TOML and JSON all spell their
    escapes with a backslash): without a backslash, a value holding `models:/` or `runs:/` has it in the text."""
    return "\\" in text or any(prefix in text for prefix in mlflow_uris.PREFIXES)


_REGISTRY_KEYS = {"MLFLOW_REGISTRY_URI": "registry", "registry_uri": "registry", "MLFLOW_TRACKING_URI": "tracking",
                  "tracking_uri": "tracking"}


class ConfigFinder(Finder):
    """`*.yaml`, `*.yml`, `*.json`, `*.toml` configs; and, when the engine hands them over, files whose name has
    no config suffix (`train_yaml`, `config`, `args.json.template`): read only if they parse, else URLs only."""

    _READERS = {".yaml": _yaml_tree, ".yml": _yaml_tree, ".json": _json_tree, ".toml": _toml_tree}

    def accepts(self, path: str) -> bool:
        return file_suffix(path).lower() in self._READERS

    def accepts_sniffed(self, path: str) -> bool:
        """Files no finder accepts by suffix that may still be configs: no suffix, or a config format named
        inside the name (`*_yaml`, `*.yml.j2`)."""
        return file_suffix(path) == "" or sniffed_format(path) is not None

    def scan(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        if text.startswith(_LFS_POINTER):
            return FileResult()  # a Git LFS pointer: the config itself is not in the repository
        suffix = file_suffix(file.path).lower()
        if suffix not in self._READERS:
            return self._scan_sniffed(file, text, repo_paths)
        if not worth_reading(text):
            return FileResult()
        roots, warnings = self._READERS[suffix](text, file.path)
        return self._result(roots, warnings, file.path, repo_paths, text)

    def _result(self, roots: list, warnings: list[ScanWarning], path: str, repo_paths: frozenset[str] | None,
                text: str) -> FileResult:
        from gate.discover.shell_finder import _is_compose, _is_workflow

        owned = _is_workflow(path) or _is_compose(path)
        references = tuple(_references(roots, path, repo_paths, env_owned_elsewhere=owned))
        # Workflows and compose files: the shell finder reads their MLflow URIs.
        if not owned and (not SKIP_MLFLOW_WALK or may_spell_mlflow_uri(text)):
            references = (*references, *mlflow_references(roots, path))
        return FileResult(references=references, warnings=(*warnings, *look_alike_warnings(references, path)))

    def _scan_sniffed(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        """A config without a config suffix is read only when its parser accepts it as a mapping or list (prose,
        scripts and data are not configs); otherwise it gets the URL scan every unknown text file gets."""
        from gate.discover.url_finder import UrlFinder

        roots = None
        if worth_reading(text):
            stripped = text.lstrip()
            fmt = sniffed_format(file.path) or (".json" if stripped[:1] in ("{", "[") else ".yaml")
            roots = _parsed_only(fmt, text)
        if not roots:
            return UrlFinder().scan(file, text, repo_paths)
        return self._result(roots, [], file.path, repo_paths, text)


def _parsed_only(fmt: str, text: str) -> list | None:
    """The tree when the strict parser accepts the text and it holds a mapping or a list; else None."""
    if fmt == ".json":
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            return None
        roots, _ = _json_tree(text, "")
    else:
        from gate.discover.yamlsafe import compose_yaml

        documents, problem = compose_yaml(text)
        if documents is None:
            return None
        roots = [_from_yaml(d, {}) for d in documents]
    return [root for root in roots if isinstance(root, (_Map, _Seq))] or None

"""Pin references in YAML, JSON and TOML configs by editing only the spans the parser points at.

The revision goes under the key the config's tool reads (`Reference.revision_key`, e.g. `model_revision`),
beside the id key: an existing value is replaced, otherwise a new key is added right after the id, at the same
indentation (or inside the same inline table). Comments, order and blank lines are kept because nothing else
is touched. Pins inside the id string (`hf://…@sha`, `/resolve/<sha>/`) replace that string in place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from gate.pin.inline import pin_inside
from gate.pin.interface import (
    PIN_COMMENT_MARK,
    Pin,
    Skipped,
    SpanPlan,
    SpanRewriter,
    with_line_comment,
    without_stale_comment,
)
from gate.pin.textedit import Edit, insert_line_after, json_in_quotes, line_offsets

INSIDE_STRING_KEYS = ("@", "url")
YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
TOML_SUFFIXES = (".toml",)


def config_format(path: str, text: str | None = None) -> str | None:
    """`yaml`, `json` or `toml` from the suffix; for a config without one (`train_yaml`, `config`) the format
    discovery read it as (the name, else the text)."""
    lower = path.lower()
    for suffixes, name in ((YAML_SUFFIXES, "yaml"), (JSON_SUFFIXES, "json"), (TOML_SUFFIXES, "toml")):
        if lower.endswith(suffixes):
            return name
    from gate.discover.config_finder import sniffed_format
    from gate.discover.interface import file_suffix

    sniffed = sniffed_format(path)
    if sniffed is not None:
        return sniffed.lstrip(".")
    if text is not None and file_suffix(path) == "":
        return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    return None


def _claim(claims: dict, place: tuple, edit: Edit, container: str) -> Edit | str:
    """One new revision key per container; a second reference may only repeat the same edit (a YAML alias)."""
    first = claims.setdefault(place, edit)
    return edit if first == edit else f"another reference in this {container} already adds {place[1]}"


# ---------------------------------------------------------------- YAML


def yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar that loads back as this string (an all-digit sha would load as an int)."""
    import yaml

    try:
        plain = yaml.safe_load(value) == value
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value)


def _yaml_quoted_like(node: Any, value: str) -> str:
    """`value` for a new key beside `node`, in the quotes `node` is written with (plain when it is plain)."""
    if node.style == "'" and "'" not in value and "\n" not in value:
        return f"'{value}'"
    if node.style in ('"', "'"):
        return f'"{json_in_quotes(value)}"'
    return yaml_scalar(value)


def _yaml_mappings(text: str) -> Any:
    """Every mapping node in every document (each visited once, so aliases cannot blow up the walk)."""
    import yaml

    seen: set[int] = set()
    stack = [doc for doc in yaml.compose_all(text, Loader=yaml.SafeLoader) if doc is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            yield node
            stack.extend(value for pair in node.value for value in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _names(value: str, pin: Pin) -> bool:
    ref = pin.reference
    if ref.revision_key in INSIDE_STRING_KEYS:
        return pin_inside(value, ref, pin.sha) is not None
    return bool(ref.id) and value.lower() == (ref.id or "").lower()


def _replace_yaml_scalar(text: str, node: Any, new_value: str) -> Edit:
    if node.value == "" and node.start_mark.index == node.end_mark.index:
        return Edit(node.start_mark.index, node.end_mark.index, " " + yaml_scalar(new_value))  # `key:` with no value
    if node.style == "'" and "\n" not in new_value:  # the file's quotes (a single-quoted scalar folds line breaks)
        return Edit(node.start_mark.index, node.end_mark.index, "'" + new_value.replace("'", "''") + "'")
    if node.style in ('"', "'"):
        return Edit(node.start_mark.index, node.end_mark.index, f'"{json_in_quotes(new_value)}"')
    return Edit(node.start_mark.index, node.end_mark.index, yaml_scalar(new_value))


def _yaml_edit(text: str, mappings: list, pin: Pin, claims: dict) -> Edit | str:
    """The edit for one pin, or the reason there is none."""
    import yaml

    ref = pin.reference
    for mapping in mappings:
        for key_node, value_node in mapping.value:
            if key_node.start_mark.line != ref.line - 1 or not isinstance(value_node, yaml.ScalarNode):
                continue
            if value_node.style in ("|", ">") or not _names(value_node.value, pin):
                continue
            if ref.revision_key in INSIDE_STRING_KEYS:
                return _replace_yaml_scalar(text, value_node, pin_inside(value_node.value, ref, pin.sha) or "")
            if "." in (ref.revision_key or ""):
                return _yaml_nested_edit(text, mapping, key_node, value_node, pin, claims)
            sibling = next((v for k, v in mapping.value
                            if isinstance(k, yaml.ScalarNode) and k.value == ref.revision_key), None)
            if sibling is not None:
                if not isinstance(sibling, yaml.ScalarNode):
                    return f"{ref.revision_key} is not a plain value here; set it by hand"
                return _replace_yaml_scalar(text, sibling, pin.sha)
            entry = f"{ref.revision_key}: {_yaml_quoted_like(value_node, pin.sha)}"
            if mapping.flow_style:
                edit = Edit(value_node.end_mark.index, value_node.end_mark.index, f", {entry}")
            else:
                indent = " " * key_node.start_mark.column
                edit = insert_line_after(text, value_node.end_mark.index, f"{indent}{entry}  # {pin.comment()}")
            return _claim(claims, (id(mapping), ref.revision_key), edit, "mapping")
    return f"could not find the {ref.id} value on line {ref.line}"


def _yaml_nested_edit(text: str, mapping: Any, key_node: Any, value_node: Any, pin: Pin, claims: dict) -> Edit | str:
    """`dataset_kwargs.revision`: set `revision` inside the sibling mapping `dataset_kwargs` (block style), or
    add that mapping after the id when there is none."""
    import yaml

    holder, _, key = (pin.reference.revision_key or "").partition(".")
    inner = next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == holder), None)
    if inner is None and not mapping.flow_style:
        indent = " " * key_node.start_mark.column
        entry = f"{indent}{holder}:\n{indent}  {key}: {yaml_scalar(pin.sha)}  # {pin.comment()}"
        return _claim(claims, (id(mapping), holder), insert_line_after(text, value_node.end_mark.index, entry),
                      "mapping")
    if not isinstance(inner, yaml.MappingNode) or inner.flow_style or not inner.value:
        return f"add `{holder}: {{{key}: <commit>}}` beside the id by hand"
    existing = next((v for k, v in inner.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    if existing is not None:
        if not isinstance(existing, yaml.ScalarNode):
            return f"{pin.reference.revision_key} is not a plain value here; set it by hand"
        return _replace_yaml_scalar(text, existing, pin.sha)
    first_key = inner.value[0][0]
    line_start = text.rfind("\n", 0, first_key.start_mark.index) + 1
    entry = f"{' ' * first_key.start_mark.column}{key}: {yaml_scalar(pin.sha)}  # {pin.comment()}\n"
    return _claim(claims, (id(inner), key), Edit(line_start, line_start, entry), "mapping")


# ---------------------------------------------------------------- JSON

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]')


def _json_members(text: str) -> Any:
    """(object start, object end, key token span, value start) for every member, from a string-aware scan."""
    stack: list[list] = []  # [open offset, bracket, members]
    objects = []
    for token in _JSON_TOKEN.finditer(text):
        kind = token.group()
        if kind in "{[":
            stack.append([token.start(), kind, []])
        elif kind in "}]":
            start, bracket, members = stack.pop()
            if bracket == "{":
                objects.append((start, token.end(), members))
        elif stack and stack[-1][1] == "{" and text[token.end():].lstrip().startswith(":"):
            colon = text.index(":", token.end())
            value_start = len(text[: colon + 1]) + (len(text[colon + 1:]) - len(text[colon + 1:].lstrip()))
            stack[-1][2].append((json.loads(kind), token.span(), value_start))
    return objects


def _json_value_end(text: str, start: int) -> int:
    """End offset of the scalar (string, number, true/false/null) starting at `start`."""
    if text[start] == '"':
        string = re.compile(r'"(?:[^"\\]|\\.)*"').match(text, start)
        assert string is not None  # json.loads accepted the document: a key is a string
        return string.end()
    m = re.compile(r"[^\s,}\]]+").match(text, start)
    return m.end() if m else start


def _json_edit(text: str, objects: list, offsets: list[int], pin: Pin, claims: dict) -> Edit | str:
    ref = pin.reference
    if "." in (ref.revision_key or ""):
        return f"{ref.revision_key} is a nested key; set it by hand"
    line_start = offsets[ref.line - 1] if ref.line - 1 < len(offsets) else len(text)
    line_stop = offsets[ref.line] if ref.line < len(offsets) else len(text)
    for start, end, members in objects:
        for _key, (key_start, _), value_start in members:
            if not line_start <= key_start < line_stop or text[value_start] != '"':
                continue
            value_end = _json_value_end(text, value_start)
            value = json.loads(text[value_start:value_end])
            if not isinstance(value, str) or not _names(value, pin):
                continue
            if ref.revision_key in INSIDE_STRING_KEYS:
                return Edit(value_start, value_end, json.dumps(pin_inside(value, ref, pin.sha)))
            sibling = next((m for m in members if m[0] == ref.revision_key), None)
            if sibling is not None:
                sib_start = sibling[2]
                if text[sib_start] in "{[":
                    return f"{ref.revision_key} is not a plain value here; set it by hand"
                return Edit(sib_start, _json_value_end(text, sib_start), json.dumps(pin.sha))
            entry = f"{json.dumps(ref.revision_key)}: {json.dumps(pin.sha)}"
            indent = text[line_start:key_start]
            after = text[value_end:]
            if "\n" not in text[start:end]:
                edit = Edit(value_end, value_end, f", {entry}")
            elif after.lstrip().startswith(","):
                comma = value_end + after.index(",") + 1
                edit = Edit(comma, comma, f"\n{indent}{entry},")
            else:
                edit = Edit(value_end, value_end, f",\n{indent}{entry}")
            return _claim(claims, (start, ref.revision_key), edit, "object")
    return f"could not find the {ref.id} value on line {ref.line}"


# ---------------------------------------------------------------- TOML

_TOML_HEADER = re.compile(r"^\s*\[")


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a TOML basic string is a JSON string for these characters


def _toml_value_edit(base: int, match: re.Match, value: str) -> Edit:
    """Replace the quoted value `match` found (groups `q`, `v`) with `value`, quoted for TOML: a literal string
    ('…') cannot hold a quote or a newline, so such a value replaces it with a basic string."""
    if match.group("q") == '"':
        return Edit(base + match.start("v"), base + match.end("v"), json_in_quotes(value))
    if "'" in value or "\n" in value or "\r" in value:
        return Edit(base + match.start("q"), base + match.end("v") + 1, _toml_string(value))
    return Edit(base + match.start("v"), base + match.end("v"), value)


def _toml_edit(text: str, lines: list[str], offsets: list[int], pin: Pin, claims: dict) -> Edit | str:
    ref = pin.reference
    if "." in (ref.revision_key or ""):
        return f"{ref.revision_key} is a nested key; set it by hand"
    if ref.line - 1 >= len(lines):
        return f"line {ref.line} is past the end of the file"
    line = lines[ref.line - 1]
    base = offsets[ref.line - 1]
    value_pattern = r'(?P<q>["\'])(?P<v>[^"\'\n]*)(?P=q)'
    for m in re.finditer(rf"(?P<key>[A-Za-z0-9_.-]+)\s*=\s*{value_pattern}", line):
        if not _names(m.group("v"), pin):
            continue
        quote = m.group("q")
        if ref.revision_key in INSIDE_STRING_KEYS:
            return _toml_value_edit(base, m, pin_inside(m.group("v"), ref, pin.sha) or "")
        key_re = re.compile(rf"(?<![A-Za-z0-9_.-]){re.escape(ref.revision_key or '')}\s*=\s*{value_pattern}")
        brace = line.rfind("{", 0, m.start())
        if brace >= 0 and line.find("}", m.end()) >= 0:  # an inline table: stay inside it
            close = line.find("}", m.end())
            sibling = key_re.search(line, brace, close)
            if sibling:
                return _toml_value_edit(base, sibling, pin.sha)
            literal = quote == "'" and not re.search(r"['\r\n]", pin.sha)  # keep the table's own quoting
            value = f"'{pin.sha}'" if literal else _toml_string(pin.sha)
            return Edit(base + m.end(), base + m.end(), f", {ref.revision_key} = {value}")
        # A key of the table the id is in: from the table's header (or file start) to the next header.
        first = ref.line - 1
        while first > 0 and not _TOML_HEADER.match(lines[first - 1]):
            first -= 1
        last = ref.line
        while last < len(lines) and not _TOML_HEADER.match(lines[last]):
            last += 1
        for number in range(first, last):
            sibling = re.match(rf"\s*{key_re.pattern}", lines[number])
            if sibling:
                return _toml_value_edit(offsets[number], sibling, pin.sha)
        indent = line[: len(line) - len(line.lstrip())]
        entry = f"{indent}{ref.revision_key} = {_toml_string(pin.sha)}  # {pin.comment()}"
        return _claim(claims, (first, ref.revision_key), insert_line_after(text, base, entry), "table")
    return f"could not find the {ref.id} value on line {ref.line}"


# ---------------------------------------------------------------- entry point


PUBLISH_TARGET = "a publish target (where the config pushes to), not something it loads: never pinned"


def plan_config(path: str, text: str, pins: Sequence[Pin]) -> SpanPlan:
    publish = tuple(Skipped(p.reference, PUBLISH_TARGET) for p in pins if p.reference.role == "publish")
    if publish:  # a revision key beside `hub_model_id` would be read by nothing, or break the config
        plan = plan_config(path, text, [p for p in pins if p.reference.role != "publish"])
        return SpanPlan(changes=plan.changes, skipped=(*plan.skipped, *publish))
    fmt = config_format(path, text)
    if fmt is None:
        reason = "editing this kind of config file is not supported; pin it by hand"
        return SpanPlan(skipped=tuple(Skipped(p.reference, reason) for p in pins))
    offsets = line_offsets(text)
    claims: dict = {}  # (container, revision key) -> the edit adding that key
    edits: list[Edit | str]
    try:
        if fmt == "yaml":
            mappings = list(_yaml_mappings(text))
            edits = [_yaml_edit(text, mappings, pin, claims) for pin in pins]
        elif fmt == "json":
            objects = _json_members(text)
            edits = [_json_edit(text, objects, offsets, pin, claims) for pin in pins]
        else:
            lines = text.splitlines(keepends=True)
            edits = [_toml_edit(text, lines, offsets, pin, claims) for pin in pins]
    except Exception as exc:  # noqa: BLE001 - any parse problem means: do not touch this file
        reason = f"the file could not be read as {fmt.upper()} ({type(exc).__name__}); pin it by hand"
        return SpanPlan(skipped=tuple(Skipped(p.reference, reason) for p in pins))

    if fmt != "json":  # JSON has no comments
        edits = [_annotated(text, edit, pin) for pin, edit in zip(pins, edits, strict=True)]
    return SpanPlan.collect(list(zip(pins, edits, strict=True)))


def _annotated(text: str, edit: Edit | str, pin: Pin) -> Edit | str:
    """One up-to-date note per pinned line: on the line the edit changes, or on the line it adds (whose id line
    then loses a stale `# not pinned` note)."""
    if isinstance(edit, str):
        return edit
    if PIN_COMMENT_MARK in edit.replacement:
        return without_stale_comment(text, edit)
    return with_line_comment(text, edit, [pin])


class ConfigRewriter(SpanRewriter):
    syntaxes = ("config",)

    def plan(self, path: str, text: str, pins: Sequence[Pin]) -> SpanPlan:
        return plan_config(path, text, pins)

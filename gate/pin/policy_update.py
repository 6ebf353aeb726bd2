"""`pin --update-policy`: record the pinned commits (and, with `--lock-files`, the LFS files' sha256) in the
policy's `models:` / `datasets:` entries.

The policy file is edited line by line at the places the YAML parser's node marks point at, so its comments,
key order and blank lines survive. An entry whose `id` equals the repository (case-insensitively) is updated;
otherwise a new entry is appended to the section.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gate.errors import PolicyError
from gate.pin.rewrite_config import yaml_scalar
from gate.pin.textedit import Edit, apply_edits, line_end

SECTIONS = {"model": "models", "dataset": "datasets"}
NEW_POLICY = "# Written by `model-gate pin --update-policy`; see the policy documentation for every key.\nversion: 1\n"


@dataclass(frozen=True)
class PolicyPin:
    """One repository's commits to allow, and the file hashes to lock."""

    kind: str
    id: str
    revisions: tuple[str, ...]
    files: tuple[tuple[str, str], ...] = ()
    """(file name, sha256 hex); empty unless --lock-files."""
    source: str = "huggingface"
    """`mlflow`: an MLflow registry model, recorded as `source: mlflow`, `name:` and `versions:`."""

    @property
    def keys(self) -> tuple[str, str]:
        """(the key naming the model, the key listing what is allowed) in its policy entry."""
        return ("name", "versions") if self.source == "mlflow" else ("id", "revisions")


def _key(name: str) -> str:
    return name if yaml_scalar(name) == name and ":" not in name and "#" not in name else json.dumps(name)


def _pair(mapping: Any, key: str) -> Any:
    import yaml

    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None, None


def _is_empty(node: Any) -> bool:
    import yaml

    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") or (
        isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and not node.value)


def _last_offset(node: Any) -> int:
    """End of the last scalar under `node`: a block collection's own end mark is already on the next line."""
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return int(node.end_mark.index)
    children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
    return max((_last_offset(c) for c in children), default=node.end_mark.index)


def _flow_list(text: str, node: Any, extra: list[str]) -> str:
    items = [text[item.start_mark.index:item.end_mark.index] for item in node.value]
    return "[" + ", ".join(items + [yaml_scalar(v) for v in extra]) + "]"


def _quoted_digest(digest: str) -> str:
    """`"sha256:<hex>"`, quoted for YAML whatever the answer held (it comes from the network)."""
    return json.dumps(f"sha256:{digest}")


def _revisions_text(revisions: Sequence[str], source: str = "huggingface") -> str:
    """`[<sha>, ...]`; MLflow versions as the numbers they are (`[2, 4]`)."""
    return "[" + ", ".join(r if source == "mlflow" and r.isdigit() else yaml_scalar(r) for r in revisions) + "]"


def _files_flow(files: dict[str, str]) -> str:
    return "{" + ", ".join(f"{_key(n)}: {v}" for n, v in files.items()) + "}"


def _entry_lines(pin: PolicyPin, indent: str) -> list[str]:
    lines = [f"{indent}{pin.keys[1]}: {_revisions_text(pin.revisions, pin.source)}"]
    if pin.files:
        lines.append(f"{indent}files:")
        lines.extend(f"{indent}  {_key(name)}: {_quoted_digest(digest)}" for name, digest in pin.files)
    return lines


def _revision_edits(text: str, revisions: Any, pin: PolicyPin) -> list[Edit]:
    """Add the missing commits to an existing `revisions:` value, in the style it is written in."""
    import yaml

    present = {item.value for item in getattr(revisions, "value", ()) if isinstance(item, yaml.ScalarNode)}
    missing = [r for r in pin.revisions if r not in present]
    if not missing:
        return []
    if _is_empty(revisions):
        span = (revisions.start_mark.index, revisions.end_mark.index)
        return [Edit(*span, (" " if span[0] == span[1] else "") + _revisions_text(missing))]
    if isinstance(revisions, yaml.SequenceNode) and revisions.flow_style:
        return [Edit(revisions.start_mark.index, revisions.end_mark.index, _flow_list(text, revisions, missing))]
    if isinstance(revisions, yaml.SequenceNode):
        dash = " " * revisions.start_mark.column
        at = line_end(text, _last_offset(revisions))
        return [Edit(at, at, "".join(f"{dash}- {yaml_scalar(r)}\n" for r in missing))]
    raise PolicyError(f"revisions of {pin.id} is not a list; fix it by hand", line=revisions.start_mark.line + 1)


def _file_edits(text: str, files: Any, pin: PolicyPin) -> list[Edit]:
    """Set the locked hashes in an existing `files:` value, in the style it is written in."""
    import yaml

    wanted = {name: _quoted_digest(digest) for name, digest in pin.files}
    if isinstance(files, yaml.MappingNode) and not files.flow_style and files.value:
        edits = []
        key_indent = " " * files.value[0][0].start_mark.column
        for key_node, value_node in files.value:
            if key_node.value in wanted:
                edits.append(Edit(value_node.start_mark.index, value_node.end_mark.index, wanted.pop(key_node.value)))
        if wanted:
            at = line_end(text, _last_offset(files))
            edits.append(Edit(at, at, "".join(f"{key_indent}{_key(n)}: {v}\n" for n, v in wanted.items())))
        return edits
    if isinstance(files, yaml.MappingNode) or _is_empty(files):
        merged = {k.value: text[v.start_mark.index:v.end_mark.index] for k, v in getattr(files, "value", ())}
        merged.update(wanted)
        span = (files.start_mark.index, files.end_mark.index)
        return [Edit(*span, (" " if span[0] == span[1] else "") + _files_flow(merged))]
    raise PolicyError(f"files of {pin.id} is not a mapping; fix it by hand", line=files.start_mark.line + 1)


def _update_entry(text: str, entry: Any, id_key: Any, id_value: Any, pin: PolicyPin) -> list[Edit]:
    """Edits recording `pin` in its existing policy entry."""
    edits: list[Edit] = []
    added: list[tuple[str, str]] = []  # (key, flow value) of keys the entry does not have yet
    _, revisions = _pair(entry, pin.keys[1])
    if revisions is None:
        added.append((pin.keys[1], _revisions_text(pin.revisions, pin.source)))
    else:
        edits.extend(_revision_edits(text, revisions, pin))
    if pin.files:
        _, files = _pair(entry, "files")
        if files is None:
            added.append(("files", _files_flow({n: _quoted_digest(d) for n, d in pin.files})))
        else:
            edits.extend(_file_edits(text, files, pin))
    if added and entry.flow_style:
        at = _last_offset(entry)
        edits.append(Edit(at, at, "".join(f", {key}: {value}" for key, value in added)))
    elif added:
        indent = " " * id_key.start_mark.column
        block = [line for line in _entry_lines(pin, indent)
                 if any(line.startswith(f"{indent}{key}:") for key, _ in added) or line.startswith(f"{indent}  ")]
        if "files" not in dict(added):
            block = [line for line in block if not line.startswith(f"{indent}  ")]
        at = line_end(text, id_value.end_mark.index)
        edits.append(Edit(at, at, "".join(line + "\n" for line in block)))
    return edits


def _new_entries(pins: Sequence[PolicyPin], dash_indent: str) -> str:
    out = []
    for pin in pins:
        if pin.source == "mlflow":
            out.append(f"{dash_indent}- source: mlflow\n{dash_indent}  name: {yaml_scalar(pin.id)}\n")
            out.extend(line + "\n" for line in _entry_lines(pin, dash_indent + "  "))
            continue
        out.append(f"{dash_indent}- id: {yaml_scalar(pin.id)}\n")
        out.extend(line + "\n" for line in _entry_lines(pin, dash_indent + "  "))
    return "".join(out)


def update_policy_text(text: str, pins: Sequence[PolicyPin], *, label: str = "policy") -> str:
    """`text` with every pin recorded; comments and order kept. Raises PolicyError when it cannot be done safely."""
    import yaml

    if not text.strip():
        text = NEW_POLICY
    if not text.endswith("\n"):
        text += "\n"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PolicyError(f"cannot parse the policy: {getattr(exc, 'problem', exc)}", label,
                          mark.line + 1 if mark else None) from exc
    if not isinstance(root, yaml.MappingNode):
        raise PolicyError("the policy must be a mapping (version:, models:, ...)", label)

    edits: list[Edit] = []
    appended: list[str] = []
    for kind, section in SECTIONS.items():
        mine = [p for p in pins if p.kind == kind]
        if not mine:
            continue
        key_node, items = _pair(root, section)
        if key_node is None:
            appended.append(f"{section}:\n{_new_entries(mine, '  ')}")
            continue
        if _is_empty(items):
            # `models:` or `models: []`: the entries become a block list under the key.
            colon = text.index(":", key_node.end_mark.index) + 1
            edits.append(Edit(colon, max(colon, items.end_mark.index), ""))
            at = line_end(text, key_node.end_mark.index)
            edits.append(Edit(at, at, _new_entries(mine, "  ")))
            continue
        if not isinstance(items, yaml.SequenceNode) or items.flow_style:
            raise PolicyError(f"{section} must be a block list (one '- id:' per entry) for pin to edit it",
                              label, items.start_mark.line + 1)
        missing = []
        for pin in mine:
            for entry in items.value:
                if not isinstance(entry, yaml.MappingNode):
                    continue
                id_key, id_value = _pair(entry, pin.keys[0])
                _, source = _pair(entry, "source")
                same_source = (getattr(source, "value", None) == "mlflow") == (pin.source == "mlflow")
                if isinstance(id_value, yaml.ScalarNode) and id_value.value.lower() == pin.id.lower() and same_source:
                    edits.extend(_update_entry(text, entry, id_key, id_value, pin))
                    break
            else:
                missing.append(pin)
        if missing:
            at = line_end(text, _last_offset(items))
            edits.append(Edit(at, at, _new_entries(missing, " " * items.start_mark.column)))
    new_text = apply_edits(text, edits)
    if appended:
        new_text += "".join(appended)
    try:
        yaml.safe_load(new_text)
    except yaml.YAMLError as exc:  # never write a policy that no longer loads
        raise PolicyError(f"updating the policy would break it ({exc}); add the entries by hand", label) from exc
    return new_text

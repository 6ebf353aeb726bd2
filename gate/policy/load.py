"""Find, parse, validate and merge a policy file. Every problem is a `PolicyError` with file and line (exit 2).

A policy is a security control: nothing in it may be silently ignored. Unknown keys, duplicate keys, bad
dates, short shas and unknown rule ids are errors, never warnings.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from gate.errors import PolicyError
from gate.policy.model import UNWAIVABLE, Policy, Waiver, merge_defaults
from gate.vocabulary import REPO_POLICY_FILES

__all__ = ["REPO_POLICY_FILES"]  # re-exported: gate.policy.load is where callers have looked it up
BUILTIN_PREFIX = "builtin:"
BUILTIN_NAMES = ("default", "strict")
_CHECKOUT_POLICIES = Path(__file__).resolve().parents[2] / "policies"

LineMap = dict[tuple, int]


# -- where the built-in policies live -------------------------------------------------------------------------


def builtin_dir() -> Path:
    """`gate/builtin_policies/` (a real directory in the wheel, a symlink to `policies/` in the checkout), else
    the checkout's `policies/` (where symlinks are not checked out)."""
    packaged = Path(__file__).resolve().parents[1] / "builtin_policies"
    if (packaged / "schema.json").is_file():
        return packaged
    return _CHECKOUT_POLICIES


def builtin_policy_path(name: str) -> Path:
    if name not in BUILTIN_NAMES:
        raise PolicyError(f"unknown built-in policy {name!r} (known: {', '.join(BUILTIN_NAMES)})")
    return builtin_dir() / f"{name}.yaml"


@lru_cache(maxsize=1)
def schema() -> dict:
    loaded: dict = json.loads((builtin_dir() / "schema.json").read_text(encoding="utf-8"))
    return loaded


def find_repo_policy(root: str | os.PathLike) -> Path | None:
    """`.github/model-policy.yml`, else `.model-policy.yml`, in the scanned root."""
    for name in REPO_POLICY_FILES:
        candidate = Path(root) / name
        if candidate.is_file():
            return candidate
    return None


# -- YAML with line numbers ----------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text: the schema and `_check_dates` judge them, with a line number."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp",
                                                                      "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Only true/false are booleans (as in YAML 1.2): `severity: {rule: off}` must stay the string "off", and
# `yes`/`no`/`on` are rejected by the schema instead of being guessed.
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def _line_map(node: Any, path: tuple, lines: LineMap, label: str, visited: set[int], used_at: int | None = None) -> None:
    line = node.start_mark.line + 1
    if id(node) in visited:
        # An alias: reviewers should see every value where it applies (and aliases can blow up exponentially).
        raise PolicyError("YAML anchors and aliases are not allowed in a policy; write the value out", label,
                          used_at or line)
    visited.add(id(node))
    lines[path] = line
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise PolicyError("keys must be plain names", label, key_node.start_mark.line + 1)
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise PolicyError(f"duplicate key '{key}' (first written on line {seen[key]}); "
                                  "YAML keeps only the last one, so remove one of them", label, line)
            seen[key] = line
            _line_map(value_node, path + (key,), lines, label, visited, line)
            lines[path + (key,)] = line  # point at the key, where a reader looks
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), lines, label, visited, line)


def parse_yaml(text: str, label: str) -> tuple[dict, LineMap]:
    """Parse with a safe loader and remember the line of every key and list item."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # control characters are refused before parsing starts (fuzzing found it)
        line = text.count("\n", 0, exc.position) + 1
        raise PolicyError(f"invalid YAML: character #x{exc.character:04x} is not allowed in YAML; remove it",
                          label, line) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise PolicyError("the policy is empty; it needs at least 'version: 1' "
                              "(run 'model-gate policy init' for a starter policy)", label, 1)
        lines: LineMap = {}
        _line_map(node, (), lines, label, set())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise PolicyError(f"invalid YAML: {problem}", label, mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise PolicyError(f"invalid YAML: {exc}", label) from exc
    except RecursionError:
        raise PolicyError("the policy is nested too deeply to be a policy", label) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise PolicyError(f"the policy must be a mapping of keys (version, defaults, models, ...), "
                          f"not a {type(data).__name__}", label, lines.get((), 1))
    return data, lines


def line_for(lines: LineMap, path: Any) -> int | None:
    """The line of the deepest known node on `path`."""
    path = tuple(path)
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path)


# -- schema validation ---------------------------------------------------------------------------------------


def _where(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _known_keys(schema_node: dict) -> list[str]:
    return list(schema_node.get("properties", {}))


def _describe(error: Any) -> tuple[str, tuple]:
    """One sentence for a jsonschema error, and the path to point at."""
    path = tuple(error.absolute_path)
    where = _where(path)
    prefix = f"{where}: " if where else ""
    validator, instance, node = error.validator, error.instance, error.schema
    if validator == "additionalProperties" and isinstance(instance, dict):
        known = _known_keys(node)
        extra = sorted((k for k in instance if k not in known), key=str)
        key = str(extra[0]) if extra else "?"
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else f"; allowed keys: {', '.join(known)}"
        return f"{prefix}unknown key '{key}'{hint}", path + (key,)
    if validator == "oneOf" and not error.context and isinstance(instance, dict):
        options = [o["required"][0] for o in error.validator_value if list(o) == ["required"]]
        present = [k for k in options if k in instance]
        return f"{prefix}give only one of {', '.join(repr(o) for o in options)} (found {', '.join(present)})", path
    if validator in ("anyOf", "oneOf") and error.context:
        if validator == "anyOf" and all(c.validator == "required" for c in error.context):
            options = " or ".join(f"'{c.validator_value[0]}'" for c in error.context)
            return f"{prefix}needs {options}", path
        if validator == "oneOf" and all(c.validator == "required" for c in error.context):
            options = ", ".join(f"'{c.validator_value[0]}'" for c in error.context)
            present = [c.validator_value[0] for c in error.context if c.validator_value[0] in instance]
            if present:
                return f"{prefix}give only one of {options} (found {', '.join(present)})", path
            return f"{prefix}needs one of {options}", path
        from jsonschema.exceptions import best_match

        return _describe(best_match(error.context))
    if validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{prefix}{instance!r} is not allowed; use one of: {allowed}", path
    if validator == "const":
        return f"{prefix}must be {error.validator_value!r}, got {instance!r}", path
    if validator == "pattern":
        what = node.get("description") or f"matching {error.validator_value}"
        if isinstance(instance, str) and node.get("pattern", "").startswith("^[0-9a-f]{40}"):
            if len(instance) < 40 and all(c in "0123456789abcdefABCDEF" for c in instance):
                return f"{prefix}'{instance}' is a short sha; write {what}", path
            return f"{prefix}'{instance}' is not {what} (branches and tags move; pin the commit)", path
        return f"{prefix}{instance!r} is not {what}", path
    if validator == "type":
        expected = error.validator_value
        if instance is None:
            empty = "[]" if expected == "array" else ("{}" if expected == "object" else "a value")
            return f"{prefix}has no value; write {empty} or remove the key", path
        hint = ""
        if expected == "string" and isinstance(instance, (int, float)):
            hint = " (quote it: YAML reads unquoted digits as a number)"
        return f"{prefix}must be of type {expected}, got {type(instance).__name__} {instance!r}{hint}", path
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{prefix}missing required key '{missing}'", path
    if validator in ("minItems", "minLength", "minProperties"):
        return f"{prefix}must not be empty", path
    if validator == "maxProperties":
        return f"{prefix}give only one of: {', '.join(_known_keys(node))}", path
    if validator in ("minimum", "maximum"):
        bound = "at least" if validator == "minimum" else "at most"
        return f"{prefix}must be {bound} {error.validator_value}, got {instance!r}", path
    return f"{prefix}{error.message}", path


def validate_schema(data: dict, lines: LineMap, label: str) -> None:
    from jsonschema import Draft202012Validator

    errors = list(Draft202012Validator(schema()).iter_errors(data))
    if not errors:
        return
    described = [(*_describe(e), e) for e in errors]
    # A typo explains the other errors it causes (a misspelt required key is also "missing"): report it first,
    # then every other problem once, in line order.
    ordered = sorted(described, key=lambda d: (d[2].validator != "additionalProperties",
                                               line_for(lines, d[1]) or 0, -len(d[1])))
    problems = list(dict.fromkeys((message, line_for(lines, path)) for message, path, _ in ordered))
    first, *rest = problems
    more = tuple(PolicyError(m, label, line) for m, line in sorted(rest, key=lambda p: (p[1] or 0, p[0])))
    raise PolicyError(first[0], label, first[1], more)


# -- checks the schema cannot express ------------------------------------------------------------------------


def _parse_date(value: str, label: str, line: int | None, where: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise PolicyError(f"{where}: '{value}' is not a real date (YYYY-MM-DD)", label, line) from None


def _check_rule_id(rule_id: str, known: dict, label: str, line: int | None, where: str) -> None:
    if rule_id.lower() in known:
        return
    close = difflib.get_close_matches(rule_id.lower(), list(known), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else "; see docs/rules.md for rule ids"
    raise PolicyError(f"{where}: unknown rule '{rule_id}'{hint}", label, line)


def _check_semantics(data: dict, lines: LineMap, label: str) -> None:
    """Every problem the schema cannot express, all at once: the first is raised, the rest ride along."""
    from gate.policy.rules import all_rules

    problems: list[PolicyError] = []

    def attempt(check: Callable[..., object], *args: Any) -> None:
        try:
            check(*args)
        except PolicyError as exc:
            problems.append(exc)

    known = {rule_id.lower(): rule_id for rule_id in all_rules()}
    severities: list[tuple[tuple[str, ...], Any]] = [(("defaults", "severity"), (data.get("defaults") or {}).get("severity") or {})]
    severities += [(("profiles", name, "severity"), profile.get("severity") or {})
                   for name, profile in (data.get("profiles") or {}).items()]
    for where, overrides in severities:
        first_line: dict[str, int | None] = {}
        for rule_id in overrides:
            line = lines.get(where + (str(rule_id),))
            attempt(_check_rule_id, str(rule_id), known, label, line, ".".join(where))
            if str(rule_id).lower() in first_line:
                problems.append(PolicyError(f"{'.'.join(where)}: rule '{rule_id}' is given twice (first on line "
                                            f"{first_line[str(rule_id).lower()]}; rule ids ignore case); keep one",
                                            label, line))
            first_line[str(rule_id).lower()] = line
    for i, waiver in enumerate(data.get("exceptions") or []):
        rule_line = lines.get(("exceptions", i, "rule"))
        attempt(_check_rule_id, waiver["rule"], known, label, rule_line, f"exceptions[{i}].rule")
        if waiver["rule"].lower() in UNWAIVABLE:
            problems.append(PolicyError(f"exceptions[{i}].rule: '{waiver['rule']}' cannot be waived; renew or delete "
                                        "the waiver it is about", label, rule_line))
        attempt(_parse_date, waiver["expires"], label, lines.get(("exceptions", i, "expires")),
                f"exceptions[{i}].expires")
    if problems:
        first, *rest = problems
        raise PolicyError(first.message, first.path, first.line, tuple(rest))


def _waivers(data: dict, lines: LineMap, label: str, offset: int) -> list[Waiver]:
    return [
        Waiver(
            index=offset + i,
            rule=w["rule"],
            id=w.get("id"),
            paths=tuple(w.get("paths") or ()),
            reason=w["reason"],
            expires=_dt.date.fromisoformat(w["expires"]),
            owner=w.get("owner"),
            source=label,
            line=lines.get(("exceptions", i)),
            expires_line=lines.get(("exceptions", i, "expires")),
        )
        for i, w in enumerate(data.get("exceptions") or [])
    ]


def check_waiver_horizon(policy: Policy, today: _dt.date) -> None:
    """A waiver may not run further ahead than `max_waiver_days` (so every waiver is reviewed again)."""
    limit = policy.defaults.max_waiver_days
    horizon = today + _dt.timedelta(days=limit)
    for waiver in policy.exceptions:
        if waiver.expires > horizon:
            raise PolicyError(
                f"{waiver.rule} waiver: expires {waiver.expires.isoformat()} is more than max_waiver_days "
                f"({limit}) ahead; use {horizon.isoformat()} or earlier and review the waiver again then",
                waiver.source, waiver.expires_line or waiver.line)


# -- loading with extends ------------------------------------------------------------------------------------


def _read(path: Path, label: str, opener: Callable[[Path], str] | None) -> str:
    try:
        if opener is not None:
            return opener(path)
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError("policy file not found", label) from None
    except UnicodeDecodeError:
        raise PolicyError("policy file is not UTF-8 text", label) from None
    except OSError as exc:
        raise PolicyError(f"cannot read policy file: {exc.strerror or exc}", label) from None


def parse_policy_text(text: str, label: str) -> tuple[dict, LineMap]:
    """Parse and validate one file on its own (no `extends`): the data and its line map."""
    data, lines = parse_yaml(text, label)
    if label.startswith(BUILTIN_PREFIX):
        # Shipped with model-gate and validated by its test suite; skipping jsonschema (~0.2 s of imports)
        # keeps `model-gate scan` on a repository without a policy fast.
        return data, lines
    validate_schema(data, lines, label)
    _check_semantics(data, lines, label)
    return data, lines


class _Layer:
    """One file of an `extends` chain."""

    def __init__(self, data: dict, lines: LineMap, label: str, path: Path | None):
        self.data, self.lines, self.label, self.path = data, lines, label, path


def _resolve_extends(value: str, child_dir: Path) -> tuple[Path, str]:
    if value.startswith(BUILTIN_PREFIX):
        path = builtin_policy_path(value[len(BUILTIN_PREFIX):])
        return path, value
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = child_dir / path
    return path, value


def _chain(text: str, label: str, path: Path | None, base_dir: Path,
           opener: Callable[[Path], str] | None, stack: tuple[str, ...]) -> list[_Layer]:
    data, lines = parse_policy_text(text, label)
    layer = _Layer(data, lines, label, path)
    extends = data.get("extends")
    if extends is None:
        return [layer]
    line = lines.get(("extends",))
    try:
        base_path, base_label = _resolve_extends(extends, base_dir)
        key = str(base_path.resolve()) if not base_label.startswith(BUILTIN_PREFIX) else base_label
        found = base_label.startswith(BUILTIN_PREFIX) or opener is not None or base_path.is_file()
    except (OSError, ValueError, RuntimeError) as exc:  # NUL bytes, names too long, `~user` that does not exist
        raise PolicyError(f"extends: cannot use '{extends}' as a path: {exc}", label, line) from None
    if key in stack:
        cycle = " -> ".join([label, base_label])
        raise PolicyError(f"extends: cycle: {cycle} (which is already being loaded)", label, line)
    if not found:
        raise PolicyError(f"extends: base policy '{extends}' not found (looked for {base_path})", label, line)
    shown = base_label if base_label.startswith(BUILTIN_PREFIX) else _display(base_path)
    try:
        base_text = _read(base_path, shown, opener if not base_label.startswith(BUILTIN_PREFIX) else None)
    except PolicyError as exc:
        raise PolicyError(f"extends: cannot load base policy '{extends}': {exc}", label, line) from None
    return _chain(base_text, shown, base_path, base_path.parent, opener, stack + (key,)) + [layer]


def _display(path: Path) -> str:
    """A path relative to the working directory when it is below it (shorter messages), else as given."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def _merge(layers: list[_Layer], base_dir: str) -> Policy:
    merged: dict = {"defaults": {}, "models": [], "datasets": [], "artifacts": [], "metrics": [], "profiles": {},
                    "registries": []}
    ai_agents: list[str] | None = None
    waivers: list[Waiver] = []
    entry_lines: dict = {}
    for layer in layers:
        data = layer.data
        merged["defaults"] = merge_defaults(merged["defaults"], data.get("defaults") or {})
        for section in ("models", "datasets", "artifacts", "metrics"):
            for i, entry in enumerate(data.get(section) or []):
                entry_lines[(section, len(merged[section]))] = (layer.label, layer.lines.get((section, i)))
                merged[section].append(entry)
        merged["registries"].extend(data.get("registries") or [])
        for name, profile in (data.get("profiles") or {}).items():
            merged["profiles"][name] = merge_defaults(merged["profiles"].get(name, {}), profile)
        if data.get("publish") is not None:
            # Like the other allowlists, a refining file adds to its base's publish targets.
            allowed = (merged.get("publish") or {}).get("allowed") or []
            merged["publish"] = {**data["publish"], "allowed": allowed + list(data["publish"].get("allowed") or [])}
        if data.get("lineage") is not None:
            merged["lineage"] = merge_lineage(merged.get("lineage"), data["lineage"])
        if data.get("ai_agents") is not None:
            ai_agents = (ai_agents or []) + list(data["ai_agents"])
        waivers.extend(_waivers(data, layer.lines, layer.label, len(waivers)))
    if ai_agents is not None:
        merged["ai_agents"] = ai_agents
    top = layers[-1]
    return Policy.build(source=top.label, data=merged, base_dir=base_dir, exceptions=waivers, lines=entry_lines,
                        files=[layer.label for layer in layers])


LINEAGE_LISTS = ("allowed_bases", "denied_bases", "denied_datasets")


def merge_lineage(base: dict | None, child: dict) -> dict:
    """A refining file adds to its base's lineage lists (like every allowlist); its other keys replace."""
    merged = {**(base or {}), **child}
    for key in LINEAGE_LISTS:
        if key in (base or {}) and key in child:
            merged[key] = list((base or {})[key] or []) + list(child[key] or [])
    return merged


def load_policy(path: str | None, root: str, *, text: str | None = None, label: str | None = None,
                today: _dt.date | None = None, base_dir: str | None = None,
                opener: Callable[[Path], str] | None = None) -> Policy:
    """Load the policy that applies to the repository at `root`.

    Order: `text` (content given directly, named `label`), else `path`, else `.github/model-policy.yml`, else
    `.model-policy.yml` in `root`, else the built-in default. `today` (default: the real date) bounds waivers by
    `max_waiver_days`. `base_dir` resolves `extends` and key paths for `text` (default: `root`). `opener` reads
    `extends` targets (e.g. from a git commit instead of the working tree).
    """
    root_path = Path(root)
    if text is not None:
        label = label or "<policy>"
        directory = Path(base_dir) if base_dir else root_path
        file_path = None
    else:
        if path is not None and path.startswith(BUILTIN_PREFIX):
            file_path = builtin_policy_path(path[len(BUILTIN_PREFIX):])
            label = label or path
        elif path is not None:
            file_path = Path(path)
            if not file_path.is_absolute() and not file_path.exists() and (root_path / file_path).exists():
                file_path = root_path / file_path
            label = label or str(path)
        else:
            file_path = find_repo_policy(root_path)
            if file_path is not None:
                label = label or file_path.relative_to(root_path).as_posix()
            else:
                file_path = builtin_policy_path("default")
                label = label or "builtin:default"
        if file_path.is_dir():
            raise PolicyError("is a directory, not a policy file", label)
        text = _read(file_path, label, None)
        directory = file_path.resolve().parent
    key = str(file_path.resolve()) if file_path is not None else label
    layers = _chain(text, label, file_path, directory, opener, (key,))
    policy = _merge(layers, str(directory))
    check_waiver_horizon(policy, today or _dt.date.today())
    return policy


def load_builtin(name: str = "default", today: _dt.date | None = None) -> Policy:
    return load_policy(str(builtin_policy_path(name)), ".", label=f"{BUILTIN_PREFIX}{name}", today=today)

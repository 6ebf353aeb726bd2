"""What a policy change newly allows or stops allowing: the view a reviewer needs on a policy pull request.

Each file is compared as written (its own `extends` value is compared, not the base's content), layered on the
built-in defaults, so a key that is removed counts as going back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from gate.policy.globs import is_glob
from gate.policy.load import _Layer, _merge, builtin_policy_path, parse_policy_text
from gate.policy.model import BUILTIN_DEFAULTS, Policy, merge_defaults
from gate.policy.rules.unsafe_artifact_format import format_allowed

Effect = Literal["loosens", "tightens", "changes"]

# Higher = stricter.
_LEVEL = {"allow": 0, "warn": 1, "deny": 2}
_PERMISSION = {"allow": 0, "deny": 1}
_VERIFY = {"none": 0, "hub": 1, "full": 2}
_VERIFY_FAILURE = {"warn": 0, "error": 1}
_SEVERITY = {"off": 0, "note": 1, "warning": 2, "error": 3}
# A lower pickle threshold flags more files: stricter.
_PICKLE_LEVELS = ["likely_safe", "possibly_unsafe", "suspicious", "likely_unsafe", "likely_overtly_malicious",
                  "overtly_malicious"]
# Findings about medium-confidence references: dropped < capped at warning < judged like the others.
_MEDIUM_CONFIDENCE = {"ignore": 0, "warn": 1, "judge": 2}
_ORDERED = {
    "unlisted": _LEVEL, "unpinnable": _LEVEL, "dynamic": _LEVEL, "gated": _LEVEL,
    "trust_remote_code": _PERMISSION, "verify": _VERIFY, "verify_failure": _VERIFY_FAILURE,
    "medium_confidence": _MEDIUM_CONFIDENCE,
}


@dataclass(frozen=True)
class PolicyChange:
    effect: Effect
    """`loosens` (something newly allowed), `tightens` (something no longer allowed) or `changes`."""
    area: str
    """Where: `models`, `datasets`, `artifacts`, `defaults`, `exceptions`, `profiles.ai_authored`, ..."""
    summary: str

    def to_json(self) -> dict:
        return {"effect": self.effect, "area": self.area, "summary": self.summary}


@dataclass(frozen=True)
class PolicyDiff:
    old_label: str
    new_label: str
    changes: tuple[PolicyChange, ...] = field(default_factory=tuple)

    def of(self, effect: Effect) -> list[PolicyChange]:
        return [c for c in self.changes if c.effect == effect]

    @property
    def loosens(self) -> bool:
        return any(c.effect == "loosens" for c in self.changes)

    @property
    def empty(self) -> bool:
        return not self.changes

    def to_json(self) -> dict:
        return {"old": self.old_label, "new": self.new_label, "loosens": self.loosens,
                "changes": [c.to_json() for c in self.changes]}


def _policy_from_text(text: str | None, label: str) -> tuple[Policy, dict]:
    """One file on its own (no extends), on top of the built-in defaults. None means the built-in default."""
    if text is None:
        text = builtin_policy_path("default").read_text(encoding="utf-8")
    data, lines = parse_policy_text(text, label)
    return _merge([_Layer(data, lines, label, None)], "."), data


def _show(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return str(value)


def _effect_of_rank(old_rank: int, new_rank: int) -> Effect:
    return "tightens" if new_rank > old_rank else "loosens"


# What an absent key means, where absence is not "unrestricted".
_IMPLICIT = {"verify": "none", "verify_failure": "error", "medium_confidence": "judge"}


def _or_implicit(key: str, value: Any) -> Any:
    return value or _IMPLICIT[key]


def compare_setting(key: str, old: Any, new: Any, area: str, subject: str = "") -> list[PolicyChange]:
    """Changes of one setting (a defaults key, or an entry's own value), with their direction."""
    if key in _IMPLICIT:
        old, new = _or_implicit(key, old), _or_implicit(key, new)
    if old == new:
        return []
    label = f"{subject}{key}"
    moved = f"{label}: {_show(old)} → {_show(new)}"
    effect: Effect
    if key in _ORDERED and old in _ORDERED[key] and new in _ORDERED[key]:
        effect = _effect_of_rank(_ORDERED[key][old], _ORDERED[key][new])
        return [PolicyChange(effect, area, f"{moved} ({effect} the policy)")]
    if key in ("require_pinned", "scan_hub_pickles", "fetch_lfs"):
        effect = "tightens" if new else "loosens"
        return [PolicyChange(effect, area, f"{moved} ({effect} the policy)")]
    if key == "allow_waivers":
        effect = "loosens" if new else "tightens"
        return [PolicyChange(effect, area, f"{moved} ({effect} the policy)")]
    if key == "max_waiver_days":
        effect = "loosens" if (new or 0) > (old or 0) else "tightens"
        return [PolicyChange(effect, area, f"{moved} ({effect} the policy)")]
    if key in ("licenses", "revisions", "paths", "allowed_refs"):
        return _compare_list(label, old, new, area)
    if key in ("signature", "sha256"):
        if old is None:
            return [PolicyChange("tightens", area, f"{label}: now required: {_show(new)}")]
        if new is None:
            return [PolicyChange("loosens", area, f"{label}: no longer required (was {_show(old)})")]
        return [PolicyChange("changes", area, moved)]
    if key == "files":
        return _compare_files(label, old or {}, new or {}, area)
    if key == "formats":
        return _compare_list(label, old, new, area)
    if key == "artifact_formats":
        return _compare_formats(label, old or {}, new or {}, area)
    if key == "severity":
        return _compare_severity(old or {}, new or {}, area, subject)
    if key == "pickle_scan":
        changes = []
        for level_key in sorted(set(old or {}) | set(new or {})):
            before, after = (old or {}).get(level_key), (new or {}).get(level_key)
            if before != after and before in _PICKLE_LEVELS and after in _PICKLE_LEVELS:
                effect = "loosens" if _PICKLE_LEVELS.index(after) > _PICKLE_LEVELS.index(before) else "tightens"
                changes.append(PolicyChange(effect, area, f"{label}.{level_key}: {before} → {after}"))
            elif before != after:
                changes.append(PolicyChange("changes", area, f"{label}.{level_key}: {_show(before)} → {_show(after)}"))
        return changes
    return [PolicyChange("changes", area, moved)]


def _compare_list(label: str, old: Any, new: Any, area: str) -> list[PolicyChange]:
    """A list that restricts when present (revisions, paths, licenses, formats): absent means anything."""
    if old is None:
        return [PolicyChange("tightens", area, f"{label}: now limited to {_show(new)}")]
    if new is None:
        return [PolicyChange("loosens", area, f"{label}: no longer limited (was {_show(old)})")]
    lowered_old, lowered_new = {str(v).lower() for v in old}, {str(v).lower() for v in new}
    changes = []
    added = [v for v in new if str(v).lower() not in lowered_old]
    removed = [v for v in old if str(v).lower() not in lowered_new]
    if added:
        changes.append(PolicyChange("loosens", area, f"{label}: adds {_show(added)}"))
    if removed:
        changes.append(PolicyChange("tightens", area, f"{label}: removes {_show(removed)}"))
    return changes


def _compare_files(label: str, old: dict, new: dict, area: str) -> list[PolicyChange]:
    changes = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            changes.append(PolicyChange("tightens", area, f"{label}: pins {name} to {new[name]}"))
        elif name not in new:
            changes.append(PolicyChange("loosens", area, f"{label}: no longer pins {name} (was {old[name]})"))
        elif old[name].lower() != new[name].lower():
            changes.append(PolicyChange("changes", area, f"{label}: {name} pin {old[name]} → {new[name]}"))
    return changes


_FORMAT_UNIVERSE = ("pickle", "pytorch-zip", "pytorch-legacy", "numpy-pickle", "joblib", "npz", "zip", "safetensors",
                    "gguf", "onnx", "keras", "hdf5", "tflite", "savedmodel", "numpy")
_OTHER_FORMAT = "any other format"


def _allowed_formats(setting: dict) -> set[str]:
    """Which formats (of the known ones, plus `any other format`) a setting lets through."""
    allow, deny = setting.get("allow"), setting.get("deny")
    listed = {str(f).lower() for f in (allow or []) + (deny or [])}
    allowed = {fmt for fmt in sorted(set(_FORMAT_UNIVERSE) | listed) if format_allowed(fmt, allow=allow, deny=deny)}
    if allow is None:  # a deny list (or nothing) lets every format it does not name through
        allowed.add(_OTHER_FORMAT)
    return allowed


def _compare_formats(label: str, old: dict, new: dict, area: str) -> list[PolicyChange]:
    if set(old) == set(new) == {"deny"}:
        changes = _compare_list(f"{label}.deny", old["deny"], new["deny"], area)
        # A longer deny list is stricter: flip the direction of list growth.
        flipped: dict[str, Effect] = {"loosens": "tightens", "tightens": "loosens"}
        return [PolicyChange(flipped.get(c.effect, c.effect), c.area,
                             c.summary) for c in changes]
    if set(old) == set(new) == {"allow"}:
        return _compare_list(f"{label}.allow", old["allow"], new["allow"], area)
    moved = f"{label}: {_show(old)} → {_show(new)}"
    if set(old) == {"deny"} and set(new) == {"allow"}:
        if all(format_allowed(fmt, deny=old["deny"]) for fmt in new["allow"]):
            return [PolicyChange("tightens", area, f"{moved} (only listed formats now; tightens the policy)")]
    if set(old) == {"allow"} and set(new) == {"deny"}:
        if all(format_allowed(fmt, deny=new["deny"]) for fmt in old["allow"]):
            return [PolicyChange("loosens", area, f"{moved} (every unlisted format now allowed; loosens the policy)")]
    # Anything else: format by format, so a loosening is never filed under "other changes".
    before, after = _allowed_formats(old), _allowed_formats(new)
    changes = []
    if after - before:
        changes.append(PolicyChange("loosens", area, f"{moved} (newly allows {_show(sorted(after - before))}; "
                                                     "loosens the policy)"))
    if before - after:
        changes.append(PolicyChange("tightens", area, f"{moved} (no longer allows {_show(sorted(before - after))}; "
                                                      "tightens the policy)"))
    return changes or [PolicyChange("changes", area, f"{moved} (allows the same formats)")]


def _compare_severity(old: dict, new: dict, area: str, subject: str) -> list[PolicyChange]:
    from gate.policy.rules import all_rules

    rules = all_rules()
    changes = []
    for rule_id in sorted(set(old) | set(new)):
        default = rules[rule_id].default_severity if rule_id in rules else "error"
        before, after = old.get(rule_id, default), new.get(rule_id, default)
        if before == after:
            continue
        effect = _effect_of_rank(_SEVERITY[before], _SEVERITY[after])
        changes.append(PolicyChange(effect, area, f"{subject}severity.{rule_id}: {before} → {after} ({effect} the policy)"))
    return changes


def _entry_key(section: str, entry: dict) -> tuple:
    if section == "artifacts":
        return (entry["path"],)
    return (entry["id"].lower(), tuple(entry.get("paths") or ()))


def _describe_entry(section: str, entry: dict) -> str:
    noun = {"models": "model", "datasets": "dataset", "artifacts": "committed files", "metrics": "metric"}[section]
    if section == "artifacts":
        text = f"{noun} '{entry['path']}'"
        if entry.get("formats"):
            text += f" in formats {_show(entry['formats'])}"
        if entry.get("sha256"):
            text += f" with sha256 {entry['sha256']}"
        return text
    text = f"{noun} '{entry['id']}'"
    if is_glob(entry["id"]):
        text += " (a glob: every matching id)"
    text += f" at revisions {_show(entry['revisions'])}" if entry.get("revisions") else " at any revision"
    if entry.get("paths"):
        text += f" in paths {_show(entry['paths'])}"
    if entry.get("trust_remote_code") == "allow":
        text += ", with trust_remote_code allowed"
    return text


_ENTRY_SETTINGS = {
    "models": ("revisions", "trust_remote_code", "licenses", "files", "gated", "signature", "allowed_refs"),
    "datasets": ("revisions", "trust_remote_code", "licenses", "files", "gated", "signature", "allowed_refs"),
    "artifacts": ("sha256", "formats", "signature"),
    "metrics": ("revisions", "trust_remote_code"),
}
_INHERITED = ("trust_remote_code", "licenses", "gated", "signature")


def _compare_entries(old: Policy, new: Policy) -> list[PolicyChange]:
    changes = []
    for section in ("models", "datasets", "artifacts", "metrics"):
        before = {_entry_key(section, e): e for e in getattr(old, section)}
        after = {_entry_key(section, e): e for e in getattr(new, section)}
        pairs = [(before[key], after[key]) for key in before if key in after]
        # An entry whose `paths` changed is the same entry edited (when its id is listed once on each side):
        # show the edit setting by setting, so a licence or revision change is not hidden in a remove + add.
        gone = [key for key in before if key not in after]
        came = [key for key in after if key not in before]
        for key in list(gone):
            old_twins = [k for k in gone if k[0] == key[0]]
            new_twins = [k for k in came if k[0] == key[0]]
            if section != "artifacts" and len(old_twins) == 1 and len(new_twins) == 1:
                pairs.append((before[key], after[new_twins[0]]))
                gone.remove(key)
                came.remove(new_twins[0])
        for key in came:
            changes.append(PolicyChange("loosens", section, f"newly allows {_describe_entry(section, after[key])}"))
        for key in gone:
            changes.append(PolicyChange("tightens", section,
                                        f"no longer allows {_describe_entry(section, before[key])}"))
        for old_entry, new_entry in pairs:
            name = old_entry.get("id") or old_entry.get("path")
            if section != "artifacts":
                changes.extend(compare_setting("paths", old_entry.get("paths"), new_entry.get("paths"), section,
                                               f"'{name}' "))
            for setting in _ENTRY_SETTINGS[section]:
                # An entry without its own value follows the defaults (whose change is reported once, there).
                if setting in _INHERITED and setting not in old_entry and setting not in new_entry:
                    continue
                if setting in _INHERITED:
                    was, now = old.setting(setting, old_entry), new.setting(setting, new_entry)
                else:
                    was, now = old_entry.get(setting), new_entry.get(setting)
                changes.extend(compare_setting(setting, was, now, section, f"'{name}' "))
    return changes


def _compare_publish(old: Policy, new: Policy) -> list[PolicyChange]:
    """`publish.allowed`: absent means publish targets are not judged (anything goes), so adding the section
    tightens, and each destination added loosens."""
    before = None if old.publish is None else list(old.publish.get("allowed") or [])
    after = None if new.publish is None else list(new.publish.get("allowed") or [])
    if before == after:
        return []
    return _compare_list("publish.allowed", before, after, "publish")


def _compare_lineage(old: Policy, new: Policy) -> list[PolicyChange]:
    """`lineage`: `allowed_bases` restricts when present (like every allowlist); `denied_bases` and
    `denied_datasets` tighten with each id added; `require_declared_training_data` tightens when turned on;
    a larger `max_depth` follows chains further (tightens)."""
    was: Mapping[str, Any] = old.lineage or {}
    now: Mapping[str, Any] = new.lineage or {}
    changes = []
    if was.get("allowed_bases") != now.get("allowed_bases"):
        changes += _compare_list("lineage.allowed_bases", was.get("allowed_bases"), now.get("allowed_bases"),
                                 "lineage")
    for key in ("denied_bases", "denied_datasets"):
        before, after = list(was.get(key) or []), list(now.get(key) or [])
        added = [v for v in after if v.lower() not in {b.lower() for b in before}]
        removed = [v for v in before if v.lower() not in {a.lower() for a in after}]
        if added:
            changes.append(PolicyChange("tightens", "lineage", f"lineage.{key}: adds {_show(added)}"))
        if removed:
            changes.append(PolicyChange("loosens", "lineage", f"lineage.{key}: removes {_show(removed)}"))
    required_before, required_after = bool(was.get("require_declared_training_data")), \
        bool(now.get("require_declared_training_data"))
    if required_before != required_after:
        effect: Effect = "tightens" if required_after else "loosens"
        changes.append(PolicyChange(effect, "lineage", f"lineage.require_declared_training_data: "
                                    f"{_show(required_before)} → {_show(required_after)} ({effect} the policy)"))
    depth_before, depth_after = was.get("max_depth") or 5, now.get("max_depth") or 5
    if depth_before != depth_after:
        effect = "tightens" if depth_after > depth_before else "loosens"
        changes.append(PolicyChange(effect, "lineage", f"lineage.max_depth: {depth_before} → {depth_after} "
                                    f"({effect} the policy)"))
    return changes


def _waiver_key(waiver: Any) -> tuple:
    return (waiver.rule.lower(), (waiver.id or "").lower(), waiver.paths)


def _describe_waiver(waiver: Any) -> str:
    target = " ".join(p for p in (f"id '{waiver.id}'" if waiver.id else "",
                                  f"paths {_show(list(waiver.paths))}" if waiver.paths else "") if p)
    return f"{waiver.rule} for {target} until {waiver.expires.isoformat()} ({waiver.reason})"


def _compare_waivers(old: Policy, new: Policy) -> list[PolicyChange]:
    changes = []
    before = {_waiver_key(w): w for w in old.exceptions}
    after = {_waiver_key(w): w for w in new.exceptions}
    for key, waiver in after.items():
        if key not in before:
            changes.append(PolicyChange("loosens", "exceptions", f"new waiver: {_describe_waiver(waiver)}"))
        elif waiver.expires > before[key].expires:
            changes.append(PolicyChange("loosens", "exceptions",
                                        f"waiver extended from {before[key].expires.isoformat()}: "
                                        f"{_describe_waiver(waiver)}"))
        elif waiver.expires < before[key].expires:
            changes.append(PolicyChange("tightens", "exceptions",
                                        f"waiver shortened from {before[key].expires.isoformat()}: "
                                        f"{_describe_waiver(waiver)}"))
    for key, waiver in before.items():
        if key not in after:
            changes.append(PolicyChange("tightens", "exceptions", f"waiver removed: {_describe_waiver(waiver)}"))
    return changes


def _compare_defaults(old: Policy, new: Policy) -> list[PolicyChange]:
    changes = []
    for key in list(BUILTIN_DEFAULTS) + sorted((set(old.defaults) | set(new.defaults)) - set(BUILTIN_DEFAULTS)):
        changes.extend(compare_setting(key, old.defaults.get(key), new.defaults.get(key), "defaults", "defaults."))
    return changes


def _compare_profiles(old: Policy, new: Policy) -> list[PolicyChange]:
    changes = []
    for name in sorted(set(old.profiles) | set(new.profiles)):
        old_overrides, new_overrides = old.profiles.get(name) or {}, new.profiles.get(name) or {}
        old_effective = merge_defaults(old.defaults, old_overrides)
        new_effective = merge_defaults(new.defaults, new_overrides)
        for key in sorted(set(old_overrides) | set(new_overrides)):
            changes.extend(compare_setting(key, old_effective.get(key), new_effective.get(key),
                                           f"profiles.{name}", f"profiles.{name}."))
    return changes


def _compare_agents(old: Policy, new: Policy) -> list[PolicyChange]:
    before, after = {a.lower(): a for a in old.ai_agents}, {a.lower(): a for a in new.ai_agents}
    changes = []
    removed = [a for k, a in before.items() if k not in after]
    added = [a for k, a in after.items() if k not in before]
    if removed:
        changes.append(PolicyChange("loosens", "ai_agents",
                                    f"no longer judged as AI agents (profiles.ai_authored): {_show(removed)}"))
    if added:
        changes.append(PolicyChange("tightens", "ai_agents", f"now judged as AI agents: {_show(added)}"))
    return changes


def diff_policies(old_text: str | None, new_text: str | None, *, old_label: str = "old",
                  new_label: str = "new") -> PolicyDiff:
    """Compare two policy texts. None stands for "no policy file" (the built-in default applies).

    Raises PolicyError when either text is not a valid policy.
    """
    old, old_data = _policy_from_text(old_text, old_label)
    new, new_data = _policy_from_text(new_text, new_label)
    changes: list[PolicyChange] = []
    if old_data.get("extends") != new_data.get("extends"):
        changes.append(PolicyChange("changes", "extends",
                                    f"extends: {_show(old_data.get('extends'))} → {_show(new_data.get('extends'))} "
                                    "(review the base policy: everything it allows applies)"))
    return PolicyDiff(old_label=old_label, new_label=new_label, changes=tuple(changes + _compare(old, new)))


def diff_effective(old: Policy, new: Policy, *, old_label: str, new_label: str) -> PolicyDiff:
    """Compare two policies as they apply (each with its `extends` chain already merged in): what the gate
    enforces, not how the files are written. A key inherited from `builtin:strict` counts as set."""
    return PolicyDiff(old_label=old_label, new_label=new_label, changes=tuple(_compare(old, new)))


def _compare(old: Policy, new: Policy) -> list[PolicyChange]:
    return [*_compare_defaults(old, new), *_compare_entries(old, new), *_compare_publish(old, new),
            *_compare_lineage(old, new), *_compare_waivers(old, new),
            *_compare_profiles(old, new), *_compare_agents(old, new)]


_HEADINGS: tuple[tuple[Effect, str], ...] = (
    ("loosens", "Loosens: newly allowed"),
    ("tightens", "Tightens: no longer allowed"),
    ("changes", "Other changes"),
)


def _md_escape(text: str) -> str:
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return text


_STYLES: dict[str, dict[str, Any]] = {
    "text": {"title": "Policy change: {old} → {new}", "heading": "{heading} ({count}):\n{items}",
             "item": "  {marker} {text}", "escape": lambda text: text, "label": lambda text: text},
    "markdown": {"title": "### Policy change: `{old}` → `{new}`", "heading": "**{heading} ({count})**\n\n{items}",
                 "item": "- {text}", "escape": _md_escape, "label": lambda text: text.replace("`", "'")},
}
_MARKERS = {"loosens": "+", "tightens": "-", "changes": "~"}


def render_diff(diff: PolicyDiff, fmt: str = "text") -> str:
    """`text` for a terminal, `markdown` for a pull-request comment or job summary."""
    if fmt not in _STYLES:
        raise ValueError(f"unknown diff format {fmt!r}")
    style = _STYLES[fmt]
    blocks = [style["title"].format(old=style["label"](diff.old_label), new=style["label"](diff.new_label))]
    if diff.empty:
        blocks.append("No change in what the policy allows.")
    for effect, heading in _HEADINGS:
        items = diff.of(effect)
        if not items:
            continue
        # Settings already name their place (`defaults.unlisted: ...`); entries and waivers get it here.
        texts = [c.summary if c.summary.startswith(c.area) else f"{c.area}: {c.summary}" for c in items]
        lines = [style["item"].format(marker=_MARKERS[effect], text=style["escape"](text)) for text in texts]
        blocks.append(style["heading"].format(heading=heading, count=len(items), items="\n".join(lines)))
    if diff.loosens:
        blocks.append("This change loosens the policy: review every line above before merging.")
    return "\n\n".join(blocks) + "\n"

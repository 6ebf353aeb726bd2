"""The loaded policy: a frozen, merged view of the YAML (after `extends` and the built-in defaults)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from typing import Any

from gate.policy.globs import is_glob, match_any_path, match_id

# What a policy that says nothing means. policies/default.yaml spells out the same values (a test keeps them
# equal). `verify`, `licenses` and `signature` are absent on purpose: absent means "not asked for".
BUILTIN_DEFAULTS: dict[str, Any] = {
    "require_pinned": True,
    "unlisted": "allow",
    "trust_remote_code": "deny",
    "unpinnable": "warn",
    "dynamic": "warn",
    "artifact_formats": {"deny": ["pickle"]},
    "severity": {},
    "gated": "warn",
    "scan_hub_pickles": False,
    "fetch_lfs": False,
    "pickle_scan": {"malicious_at": "likely_unsafe", "suspicious_at": "suspicious"},
    "max_waiver_days": 365,
    "allow_waivers": True,
    "medium_confidence": "judge",
}

DEFAULT_AI_AGENTS: tuple[str, ...] = (
    "copilot-swe-agent[bot]",
    "Copilot",
    "devin-ai-integration[bot]",
    "sweep-ai[bot]",
    "codegen-sh[bot]",
    "cursor[bot]",
    "openhands-agent",
    "claude[bot]",
    "chatgpt-codex-connector[bot]",
    "google-labs-jules[bot]",
)

PROFILES = ("ai_authored",)

# Formats that run code when loaded (pickle underneath). `pickle` in artifact_formats names the whole family.
PICKLE_FORMATS = frozenset({
    "pickle", "pytorch-zip", "pytorch-legacy", "pytorch", "torch", "numpy-pickle", "joblib", "dill",
    "cloudpickle", "keras-pickle", "sklearn-pickle",
})

# Findings about the waivers themselves cannot be waived (a waiver must not hide its own expiry).
UNWAIVABLE = frozenset({"expired-waiver", "waiver-expiring"})

ENTRY_SECTIONS = {"model": "models", "dataset": "datasets", "artifact": "artifacts", "metric": "metrics"}

MEDIUM_CONFIDENCE = ("judge", "warn", "ignore")
"""`defaults.medium_confidence`: what findings about references found by context alone (confidence medium) become:
judged like the others, capped at warning, or dropped (the references are still listed and exported)."""


@dataclass(frozen=True)
class Waiver:
    """One `exceptions` entry: accepts findings of one rule for an id and/or paths until `expires`."""

    index: int
    """Position in the merged policy's `exceptions` (what `Finding.waived_by` holds)."""
    rule: str
    id: str | None
    paths: tuple[str, ...]
    reason: str
    expires: _dt.date
    owner: str | None
    source: str
    """The policy file that declares it (a base policy's waivers keep their own file)."""
    line: int | None
    expires_line: int | None = None

    def matches(self, finding, reference) -> bool:
        if finding.rule.lower() != self.rule.lower():
            return False
        if self.id is not None:
            if reference is None or reference.id is None or not match_id(self.id, reference.id):
                return False
        if self.paths and not match_any_path(self.paths, finding.path):
            return False
        return True

    def expired(self, today: _dt.date) -> bool:
        """A waiver holds through its `expires` day."""
        return today > self.expires

    def describe(self) -> str:
        what = " ".join(p for p in (f"id {self.id}" if self.id else "", f"paths {list(self.paths)}" if self.paths
                                    else "") if p)
        return f"waiver #{self.index} ({self.rule} for {what}, {self.source}:{self.line})"

    def __getitem__(self, key: str):
        """Read like the YAML mapping it came from (`waiver["reason"]`)."""
        value = getattr(self, key)
        if key == "expires":
            return value.isoformat()
        if key == "paths":
            return list(value)
        return value

    def get(self, key: str, default=None):
        try:
            value = self[key]
        except AttributeError:
            return default
        return default if value is None else value

    def to_json(self) -> dict:
        return {"rule": self.rule, "id": self.id, "paths": list(self.paths), "reason": self.reason,
                "expires": self.expires.isoformat(), "owner": self.owner, "source": self.source, "line": self.line}


def plain_copy(value):
    """A deep copy of a policy value (the YAML's shapes: dicts, lists, scalars), tuples made lists."""
    if isinstance(value, dict):
        return {k: plain_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_copy(v) for v in value]
    return value


def merge_defaults(base: dict, override: dict) -> dict:
    """A child's defaults refine the base's: keys replace, except `severity` which merges per rule."""
    merged = dict(base)
    for key, value in override.items():
        if key == "severity" and isinstance(merged.get(key), dict) and isinstance(value, dict):
            # Rule ids compare case-insensitively: `Unpinned-Revision` in a child replaces the base's
            # `unpinned-revision` instead of sitting beside it.
            merged[key] = {**{str(k).lower(): v for k, v in merged[key].items()},
                           **{str(k).lower(): v for k, v in value.items()}}
        else:
            merged[key] = value
    return merged


def _specificity(entry) -> tuple[int, int]:
    """Exact ids beat globs, entries scoped by `paths` beat unscoped ones."""
    key = entry.get("id") or entry.get("path") or ""
    return (0 if is_glob(key) else 1, 1 if entry.get("paths") else 0)


@dataclass(frozen=True, eq=False)  # identity equality: hashable although it holds dicts
class Policy:
    source: str
    """How to name the policy file in messages: a repository-relative path, a path, or `builtin:default`."""
    defaults: dict
    """Effective defaults: built-in, then each `extends` base, then this file, then the active profile."""
    models: tuple = ()
    """`models` entries (dicts as written in YAML), base policy's first."""
    datasets: tuple = ()
    artifacts: tuple = ()
    metrics: tuple = ()
    """`metrics` entries: `evaluate` metrics (Hub Spaces whose code runs), allowed by id like models."""
    publish: dict | None = None
    """The `publish` section (`{allowed: [id globs]}`): where the repository may push; None when absent (publish
    targets are then listed, not judged)."""
    lineage: dict | None = None
    """The `lineage` section (`allowed_bases`, `denied_bases`, `denied_datasets`, `require_declared_training_data`,
    `max_depth`): what verified models may descend from and must declare; None when absent (lineage is shown,
    only the license rules judge it)."""
    exceptions: tuple[Waiver, ...] = ()
    ai_agents: tuple[str, ...] = DEFAULT_AI_AGENTS
    profiles: dict = field(default_factory=dict)
    base_dir: str = "."
    """Directory of the policy file, for resolving key and certificate paths."""
    profile: str | None = None
    """The profile applied with `with_profile`, if any."""
    files: tuple[str, ...] = ()
    """Every file that made this policy: the `extends` chain, base first."""
    lines: dict = field(default_factory=dict)
    """(section, index) -> (file, line) of each entry, for messages."""
    registries: tuple = ()
    """`registries` entries (MLflow servers: `uri`, `require_tags`), base policy's first."""

    @classmethod
    def build(cls, *, source: str, data: dict, base_dir: str, files=(), lines=None, exceptions=()) -> Policy:
        defaults = merge_defaults(BUILTIN_DEFAULTS, data.get("defaults") or {})
        return cls(
            source=source,
            defaults=plain_copy(defaults),
            models=tuple(_with_mlflow_id(e) for e in plain_copy(list(data.get("models") or []))),
            datasets=tuple(plain_copy(list(data.get("datasets") or []))),
            artifacts=tuple(plain_copy(list(data.get("artifacts") or []))),
            metrics=tuple(plain_copy(list(data.get("metrics") or []))),
            publish=plain_copy(data["publish"]) if data.get("publish") is not None else None,
            lineage=plain_copy(data["lineage"]) if data.get("lineage") is not None else None,
            exceptions=tuple(exceptions),
            ai_agents=tuple(data["ai_agents"]) if data.get("ai_agents") is not None else DEFAULT_AI_AGENTS,
            profiles=plain_copy(data.get("profiles") or {}),
            base_dir=base_dir,
            files=tuple(files),
            lines=dict(lines or {}),
            registries=tuple(plain_copy(list(data.get("registries") or []))),
        )

    @property
    def verify_mode(self) -> str | None:
        return self.defaults.get("verify")

    @property
    def allow_waivers(self) -> bool:
        return bool(self.defaults.get("allow_waivers", True))

    def setting(self, key: str, entry=None):
        """An entry's own value for `key` when it has one, else the defaults' (gated, licenses, signature...)."""
        if entry is not None and entry.get(key) is not None:
            return entry[key]
        return self.defaults.get(key)

    def candidates(self, reference) -> list:
        """Every entry whose id (or artifact path) matches, ignoring `paths`; most specific first."""
        section = ENTRY_SECTIONS.get(reference.kind)
        if section is None:
            return []
        entries = getattr(self, section)
        if section == "artifacts":
            found = [(i, e) for i, e in enumerate(entries) if match_any_path((e["path"],), reference.path)]
        elif reference.id is None:
            return []
        else:
            found = [(i, e) for i, e in enumerate(entries) if match_id(e["id"], reference.id)
                     and (e.get("source") != "mlflow" or reference.source == "mlflow")]
        # Among equally specific entries the refining file's wins (it may re-list an id of its `extends` base
        # with other revisions); within one file the first written. A reverse sort is stable.
        ranked = sorted(found, key=lambda item: (*_specificity(item[1]), self._layer(section, item[0])),
                        reverse=True)
        return [entry for _, entry in ranked]

    def _layer(self, section: str, index: int) -> int:
        """Position in the `extends` chain of the file that declares entry `index` (base 0, this file last)."""
        label = self.lines.get((section, index), (None, None))[0]
        return self.files.index(label) if label in self.files else len(self.files)

    def entry_for(self, reference):
        """The models/datasets entry (or artifacts entry) that applies to this reference, or None."""
        for entry in self.candidates(reference):
            paths = entry.get("paths")
            if not paths or match_any_path(paths, reference.path):
                return entry
        return None

    def entry_location(self, entry) -> tuple[str, int | None]:
        for section in ("models", "datasets", "artifacts", "metrics"):
            for i, candidate in enumerate(getattr(self, section)):
                if candidate is entry:
                    return self.lines.get((section, i), (self.source, None))
        return (self.source, None)

    def publish_allowed(self, repo_id: str) -> bool | None:
        """Whether `publish.allowed` lets the repository push to `repo_id`; None when the policy has no
        `publish` section (publish targets are not judged)."""
        if self.publish is None:
            return None
        return any(match_id(pattern, repo_id) for pattern in self.publish.get("allowed") or ())

    def severity_for(self, rule_id: str, default: str) -> str:
        overrides = self.defaults.get("severity") or {}
        for key, value in overrides.items():
            if key.lower() == rule_id.lower():
                return value
        return default

    def with_profile(self, name: str) -> Policy:
        """This policy with `profiles.<name>` applied on top of its defaults (e.g. `ai_authored`)."""
        if name not in PROFILES:
            raise ValueError(f"unknown policy profile {name!r} (known: {', '.join(PROFILES)})")
        overrides = plain_copy(self.profiles.get(name) or {})
        return replace(self, defaults=plain_copy(merge_defaults(plain_copy(self.defaults), overrides)), profile=name)

    def is_ai_agent(self, login: str | None) -> bool:
        return bool(login) and any(login.lower() == agent.lower() for agent in self.ai_agents)

    def to_json(self) -> dict:
        out = {
            "source": self.source,
            "profile": self.profile,
            "defaults": plain_copy(self.defaults),
            "models": plain_copy(self.models),
            "datasets": plain_copy(self.datasets),
            "artifacts": plain_copy(self.artifacts),
            "metrics": plain_copy(self.metrics),
            "publish": plain_copy(self.publish),
            "lineage": plain_copy(self.lineage),
            "exceptions": [w.to_json() for w in self.exceptions],
            "ai_agents": list(self.ai_agents),
        }
        if self.registries:
            out["registries"] = plain_copy(self.registries)
        return out

    def registry_entry(self, uri: str | None):
        """The `registries` entry for an MLflow tracking/registry URI, or None (also when `uri` is None)."""
        if not uri:
            return None
        wanted = normalize_registry(uri)
        return next((r for r in self.registries if normalize_registry(r["uri"]) == wanted), None)


def normalize_registry(uri: str) -> str:
    """`HTTPS://MLflow.internal:443/` and `https://mlflow.internal` name one server."""
    from urllib.parse import urlsplit

    parts = urlsplit(uri.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    if port is None or (scheme, port) in (("https", 443), ("http", 80)):
        netloc = host
    else:
        netloc = f"{host}:{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def _with_mlflow_id(entry):
    """An MLflow entry is written `{source: mlflow, name: churn}`; matching reads every entry's `id`."""
    if isinstance(entry, dict) and entry.get("source") == "mlflow" and "id" not in entry and entry.get("name"):
        return {"id": entry["name"], **entry}
    return entry

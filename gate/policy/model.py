"""The loaded policy: a frozen, merged view of the YAML (after `extends` and the built-in defaults)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping
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

    def matches(self, finding: Any, reference: Any) -> bool:
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

    def __getitem__(self, key: str) -> Any:
        """Read like the YAML mapping it came from (`waiver["reason"]`)."""
        value = getattr(self, key)
        if key == "expires":
            return value.isoformat()
        if key == "paths":
            return list(value)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        try:
            value = self[key]
        except AttributeError:
            return default
        return default if value is None else value

    def to_json(self) -> dict:
        return {"rule": self.rule, "id": self.id, "paths": list(self.paths), "reason": self.reason,
                "expires": self.expires.isoformat(), "owner": self.owner, "source": self.source, "line": self.line}


def plain_copy(value: Any) -> Any:
    """A deep copy of a policy value (the YAML's shapes: dicts, lists, scalars), tuples made lists; a typed
    section (`AsWritten`) becomes the mapping it was written as."""
    if isinstance(value, Mapping):
        return {k: plain_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_copy(v) for v in value]
    return value


def merge_defaults(base: Mapping, override: Mapping) -> dict:
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


class AsWritten(Mapping[str, Any]):
    """A typed policy section that can also be read as the YAML mapping it was written as.

    Rules read the typed fields; the mapping view serves what compares or shows the file as written
    (`policy diff`, `to_json`, messages that quote an entry)."""

    raw: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.raw)!r})"


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value or ())


def _optional_strings(value: Any) -> tuple[str, ...] | None:
    return None if value is None else _strings(value)


@dataclass(frozen=True, eq=False, repr=False)
class Entry(AsWritten):
    """One `models`, `datasets`, `artifacts` or `metrics` entry."""

    raw: Mapping[str, Any]
    section: str
    """`models`, `datasets`, `artifacts` or `metrics`."""
    index: int
    """Position in the merged policy's section (what `Policy.lines` is keyed by)."""
    id: str | None = None
    """The id or id glob (an MLflow entry's `name`); None for `artifacts`."""
    path: str | None = None
    """`artifacts`: the committed file, directory or glob."""
    source: str | None = None
    """`mlflow` for registry models; None for the Hub."""
    revisions: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    """MLflow: reviewed version numbers."""
    aliases: tuple[str, ...] = ()
    """MLflow: reviewed aliases (without `@`)."""
    tags: Mapping[str, Any] = field(default_factory=dict)
    """MLflow: tags the loaded version must carry (value or list of allowed values)."""
    trust_remote_code: str | None = None
    paths: tuple[str, ...] = ()
    """Where in the repository the entry applies; empty means everywhere."""
    licenses: tuple[str, ...] | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    """File name -> pinned `sha256:<hex>`."""
    gated: str | None = None
    signature: Any = None
    allowed_refs: tuple[str, ...] = ()
    sha256: str | None = None
    formats: tuple[str, ...] | None = None

    @classmethod
    def from_yaml(cls, section: str, index: int, data: Mapping[str, Any]) -> Entry:
        return cls(
            raw=data, section=section, index=index,
            id=None if data.get("id") is None else str(data["id"]),
            path=None if data.get("path") is None else str(data["path"]),
            source=data.get("source"),
            revisions=_strings(data.get("revisions")),
            versions=_strings(data.get("versions")),
            aliases=_strings(data.get("aliases")),
            tags=dict(data.get("tags") or {}),
            trust_remote_code=data.get("trust_remote_code"),
            paths=_strings(data.get("paths")),
            licenses=_optional_strings(data.get("licenses")),
            files={str(k): str(v) for k, v in (data.get("files") or {}).items()},
            gated=data.get("gated"),
            signature=data.get("signature"),
            allowed_refs=_strings(data.get("allowed_refs")),
            sha256=None if data.get("sha256") is None else str(data["sha256"]),
            formats=_optional_strings(data.get("formats")),
        )

    @property
    def reviewed_revisions(self) -> tuple[str, ...]:
        """`revisions`, or an MLflow entry's `versions`."""
        return self.revisions or self.versions


@dataclass(frozen=True, eq=False, repr=False)
class FormatRules(AsWritten):
    """`defaults.artifact_formats`: an allowlist (`allow`) wins over a denylist (`deny`)."""

    raw: Mapping[str, Any]
    allow: tuple[str, ...] | None = None
    deny: tuple[str, ...] | None = None

    @classmethod
    def from_yaml(cls, data: Mapping[str, Any] | None) -> FormatRules:
        data = data or {}
        return cls(raw=data, allow=_optional_strings(data.get("allow")), deny=_optional_strings(data.get("deny")))


@dataclass(frozen=True, eq=False, repr=False)
class Defaults(AsWritten):
    """The effective `defaults` (built-in, then each `extends` base, this file, the active profile)."""

    raw: Mapping[str, Any]
    require_pinned: bool = True
    unlisted: str = "allow"
    trust_remote_code: str = "deny"
    unpinnable: str = "warn"
    dynamic: str = "warn"
    artifact_formats: FormatRules = field(default_factory=lambda: FormatRules.from_yaml({"deny": ["pickle"]}))
    severity: Mapping[str, str] = field(default_factory=dict)
    """Rule id (lowercase) -> severity or `off`."""
    verify: str | None = None
    verify_failure: str | None = None
    licenses: tuple[str, ...] | None = None
    gated: str = "warn"
    signature: Any = None
    scan_hub_pickles: bool = False
    fetch_lfs: bool = False
    """Fetch committed Git LFS pointers' content when verifying (`--fetch-lfs` overrides it)."""
    pickle_scan: Mapping[str, str] = field(default_factory=dict)
    max_waiver_days: int = 365
    allow_waivers: bool = True
    medium_confidence: str = "judge"

    @classmethod
    def from_yaml(cls, data: Mapping[str, Any]) -> Defaults:
        def get(key: str) -> Any:
            value = data.get(key)
            return BUILTIN_DEFAULTS.get(key) if value is None else value

        return cls(
            raw=data,
            require_pinned=bool(get("require_pinned")),
            unlisted=str(get("unlisted")),
            trust_remote_code=str(get("trust_remote_code")),
            unpinnable=str(get("unpinnable")),
            dynamic=str(get("dynamic")),
            artifact_formats=FormatRules.from_yaml(data.get("artifact_formats")),
            severity={str(k).lower(): str(v) for k, v in (data.get("severity") or {}).items()},
            verify=data.get("verify"),
            verify_failure=data.get("verify_failure"),
            licenses=_optional_strings(data.get("licenses")),
            gated=str(get("gated")),
            signature=data.get("signature"),
            scan_hub_pickles=bool(data.get("scan_hub_pickles")),
            fetch_lfs=bool(data.get("fetch_lfs")),
            pickle_scan=dict(data.get("pickle_scan") or {}),
            max_waiver_days=int(get("max_waiver_days")),
            allow_waivers=bool(data.get("allow_waivers", True)),
            medium_confidence=str(get("medium_confidence")),
        )


@dataclass(frozen=True, eq=False, repr=False)
class PublishPolicy(AsWritten):
    """The `publish` section: where the repository may push."""

    raw: Mapping[str, Any]
    allowed: tuple[str, ...] = ()

    @classmethod
    def from_yaml(cls, data: Mapping[str, Any]) -> PublishPolicy:
        return cls(raw=data, allowed=_strings(data.get("allowed")))


@dataclass(frozen=True, eq=False, repr=False)
class LineagePolicy(AsWritten):
    """The `lineage` section: what verified models may descend from and must declare."""

    raw: Mapping[str, Any]
    allowed_bases: tuple[str, ...] | None = None
    """None: any base (absent); a tuple restricts, even when empty."""
    denied_bases: tuple[str, ...] = ()
    denied_datasets: tuple[str, ...] = ()
    require_declared_training_data: bool = False
    max_depth: int | None = None

    @classmethod
    def from_yaml(cls, data: Mapping[str, Any]) -> LineagePolicy:
        return cls(
            raw=data,
            allowed_bases=_optional_strings(data.get("allowed_bases")),
            denied_bases=_strings(data.get("denied_bases")),
            denied_datasets=_strings(data.get("denied_datasets")),
            require_declared_training_data=bool(data.get("require_declared_training_data")),
            max_depth=None if data.get("max_depth") is None else int(data["max_depth"]),
        )

    @property
    def judges(self) -> bool:
        """Whether any lineage rule beyond the license rules has something to judge."""
        return bool(self.allowed_bases or self.denied_bases or self.denied_datasets
                    or self.require_declared_training_data)


@dataclass(frozen=True, eq=False, repr=False)
class RegistryEntry(AsWritten):
    """One `registries` entry: an MLflow server the policy lists."""

    raw: Mapping[str, Any]
    uri: str
    name: str | None = None
    require_tags: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_yaml(cls, data: Mapping[str, Any]) -> RegistryEntry:
        return cls(raw=data, uri=str(data["uri"]), name=data.get("name"),
                   require_tags=dict(data.get("require_tags") or {}))


def _specificity(entry: Entry) -> tuple[int, int]:
    """Exact ids beat globs, entries scoped by `paths` beat unscoped ones."""
    key = entry.id or entry.path or ""
    return (0 if is_glob(key) else 1, 1 if entry.paths else 0)


def _entries(section: str, data: Mapping[str, Any]) -> tuple[Entry, ...]:
    written = plain_copy(list(data.get(section) or []))
    if section == "models":
        written = [_with_mlflow_id(e) for e in written]
    return tuple(Entry.from_yaml(section, index, e) for index, e in enumerate(written))


@dataclass(frozen=True, eq=False)  # identity equality
class Policy:
    """The merged policy, typed right after schema validation: rules read these fields, never YAML keys."""

    source: str
    """How to name the policy file in messages: a repository-relative path, a path, or `builtin:default`."""
    defaults: Defaults
    """Effective defaults: built-in, then each `extends` base, then this file, then the active profile."""
    models: tuple[Entry, ...] = ()
    """`models` entries, base policy's first."""
    datasets: tuple[Entry, ...] = ()
    artifacts: tuple[Entry, ...] = ()
    metrics: tuple[Entry, ...] = ()
    """`metrics` entries: `evaluate` metrics (Hub Spaces whose code runs), allowed by id like models."""
    publish: PublishPolicy | None = None
    """The `publish` section; None when absent (publish targets are then listed, not judged)."""
    lineage: LineagePolicy | None = None
    """The `lineage` section; None when absent (lineage is shown, only the license rules judge it)."""
    exceptions: tuple[Waiver, ...] = ()
    ai_agents: tuple[str, ...] = DEFAULT_AI_AGENTS
    profiles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Profile name -> the `defaults` it overrides (applied by `with_profile`)."""
    base_dir: str = "."
    """Directory of the policy file, for resolving key and certificate paths."""
    profile: str | None = None
    """The profile applied with `with_profile`, if any."""
    files: tuple[str, ...] = ()
    """Every file that made this policy: the `extends` chain, base first."""
    lines: Mapping[tuple[str, int], tuple[str, int | None]] = field(default_factory=dict)
    """(section, index) -> (file, line) of each entry, for messages."""
    registries: tuple[RegistryEntry, ...] = ()
    """`registries` entries (MLflow servers), base policy's first."""

    @classmethod
    def build(cls, *, source: str, data: Mapping[str, Any], base_dir: str, files: Any = (), lines: Any = None,
              exceptions: Any = ()) -> Policy:
        defaults = merge_defaults(BUILTIN_DEFAULTS, data.get("defaults") or {})
        return cls(
            source=source,
            defaults=Defaults.from_yaml(plain_copy(defaults)),
            models=_entries("models", data),
            datasets=_entries("datasets", data),
            artifacts=_entries("artifacts", data),
            metrics=_entries("metrics", data),
            publish=PublishPolicy.from_yaml(plain_copy(data["publish"])) if data.get("publish") is not None else None,
            lineage=LineagePolicy.from_yaml(plain_copy(data["lineage"])) if data.get("lineage") is not None else None,
            exceptions=tuple(exceptions),
            ai_agents=tuple(data["ai_agents"]) if data.get("ai_agents") is not None else DEFAULT_AI_AGENTS,
            profiles=plain_copy(data.get("profiles") or {}),
            base_dir=base_dir,
            files=tuple(files),
            lines=dict(lines or {}),
            registries=tuple(RegistryEntry.from_yaml(r) for r in plain_copy(list(data.get("registries") or []))),
        )

    @property
    def verify_mode(self) -> str | None:
        return self.defaults.verify

    @property
    def allow_waivers(self) -> bool:
        return self.defaults.allow_waivers

    def setting(self, key: str, entry: Mapping[str, Any] | None = None) -> Any:
        """An entry's value for `key` as written when it has one, else the defaults' (for `policy diff`)."""
        if entry is not None and entry.get(key) is not None:
            return entry[key]
        return self.defaults.get(key)

    def licenses_for(self, entry: Entry | None) -> tuple[str, ...] | None:
        """The licenses allowed for an entry's repository (its own, else the defaults'); None: not judged."""
        if entry is not None and entry.licenses is not None:
            return entry.licenses
        return self.defaults.licenses

    def gated_for(self, entry: Entry | None) -> str:
        return entry.gated if entry is not None and entry.gated is not None else self.defaults.gated

    def trust_remote_code_for(self, entry: Entry | None) -> str:
        if entry is not None and entry.trust_remote_code is not None:
            return entry.trust_remote_code
        return self.defaults.trust_remote_code

    def signature_for(self, entry: Entry | None) -> Any:
        """The signature an entry's model must carry (as written: see `gate.verify.signatures.signature_spec`)."""
        if entry is not None and entry.signature:
            return entry.signature
        return self.defaults.signature

    def candidates(self, reference: Any) -> list[Entry]:
        """Every entry whose id (or artifact path) matches, ignoring `paths`; most specific first."""
        section = ENTRY_SECTIONS.get(reference.kind)
        if section is None:
            return []
        entries: tuple[Entry, ...] = getattr(self, section)
        if section == "artifacts":
            found = [e for e in entries if match_any_path((e.path or "",), reference.path)]
        elif reference.id is None:
            return []
        else:
            found = [e for e in entries if match_id(e.id or "", reference.id)
                     and (e.source != "mlflow" or reference.source == "mlflow")]
        # Among equally specific entries the refining file's wins (it may re-list an id of its `extends` base
        # with other revisions); within one file the first written. A reverse sort is stable.
        return sorted(found, key=lambda e: (*_specificity(e), self._layer(section, e.index)), reverse=True)

    def _layer(self, section: str, index: int) -> int:
        """Position in the `extends` chain of the file that declares entry `index` (base 0, this file last)."""
        label = self.lines.get((section, index), (None, None))[0]
        return self.files.index(label) if label in self.files else len(self.files)

    def entry_for(self, reference: Any) -> Entry | None:
        """The models/datasets entry (or artifacts entry) that applies to this reference, or None."""
        for entry in self.candidates(reference):
            if not entry.paths or match_any_path(entry.paths, reference.path):
                return entry
        return None

    def entry_location(self, entry: Entry | None) -> tuple[str, int | None]:
        if entry is None:
            return (self.source, None)
        return self.lines.get((entry.section, entry.index), (self.source, None))

    def publish_allowed(self, repo_id: str) -> bool | None:
        """Whether `publish.allowed` lets the repository push to `repo_id`; None when the policy has no
        `publish` section (publish targets are not judged)."""
        if self.publish is None:
            return None
        return any(match_id(pattern, repo_id) for pattern in self.publish.allowed)

    def severity_for(self, rule_id: str, default: str) -> str:
        return self.defaults.severity.get(rule_id.lower(), default)

    def with_profile(self, name: str) -> Policy:
        """This policy with `profiles.<name>` applied on top of its defaults (e.g. `ai_authored`)."""
        if name not in PROFILES:
            raise ValueError(f"unknown policy profile {name!r} (known: {', '.join(PROFILES)})")
        overrides = plain_copy(self.profiles.get(name) or {})
        merged = plain_copy(merge_defaults(plain_copy(self.defaults), overrides))
        return replace(self, defaults=Defaults.from_yaml(merged), profile=name)

    def is_ai_agent(self, login: str | None) -> bool:
        return bool(login) and any((login or "").lower() == agent.lower() for agent in self.ai_agents)

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

    def registry_entry(self, uri: str | None) -> RegistryEntry | None:
        """The `registries` entry for an MLflow tracking/registry URI, or None (also when `uri` is None)."""
        if not uri:
            return None
        wanted = normalize_registry(uri)
        return next((r for r in self.registries if normalize_registry(r.uri) == wanted), None)


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


def _with_mlflow_id(entry: Any) -> Any:
    """An MLflow entry is written `{source: mlflow, name: churn}`; matching reads every entry's `id`."""
    if isinstance(entry, dict) and entry.get("source") == "mlflow" and "id" not in entry and entry.get("name"):
        return {"id": entry["name"], **entry}
    return entry

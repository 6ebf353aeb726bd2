"""The verification stage's contract: distinct queries go out, typed evidence comes back. No findings here.

Verify does I/O only: it never reads the policy (what to ask is planned by `gate.policy.judge`: `plan_hub`,
`plan_registries`, `plan_content`) and never reads or writes `os.environ` (endpoints, tokens and tuning arrive in
one `VerifyConfig`, built at the edge).
Every answer is plain data (frozen dataclasses with `to_json`/`from_json`) so it can be cached on disk; the judge
(`gate.policy.judge`) turns evidence into findings.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gate.discover.hubids import is_pinned
from gate.errors import UsageError
from gate.vocabulary import DEFAULT_GITHUB_API as DEFAULT_GITHUB_API  # declared once there; re-exported
from gate.vocabulary import DEFAULT_HUB_ENDPOINT as DEFAULT_HUB_ENDPOINT

DEFAULT_JOBS = 16
LFS_TOKEN_ENV = "MODEL_GATE_LFS_TOKEN"
"""Where the CLI's Git LFS token comes from (the action hands its `github-token` input instead)."""


@dataclass(frozen=True)
class RepoQuery:
    """One question to a registry. References that share kind, id and revision share one query."""

    kind: str
    """`model` or `dataset` (Hub), or `github` (a torch.hub repository)."""
    id: str
    revision: str | None
    """As written; None means the default branch."""

    @property
    def pinned(self) -> bool:
        return is_pinned(self.revision)

    def label(self) -> str:
        """`model org/name@rev`, `GitHub repo owner/repo:ref` (torch.hub's own notation)."""
        if self.kind == "github":
            return f"GitHub repo {self.id}{':' + self.revision if self.revision else ''}"
        return f"{self.kind} {self.id}{'@' + self.revision if self.revision else ''}"


@dataclass(frozen=True)
class RepoFile:
    """One file of a repository at a commit."""

    path: str
    size: int | None = None
    lfs_sha256: str | None = None
    """The LFS object's sha256; None for files stored in git itself."""
    blob_id: str | None = None

    def to_json(self) -> dict:
        return {"path": self.path, "size": self.size, "lfs_sha256": self.lfs_sha256, "blob_id": self.blob_id}


@dataclass(frozen=True)
class FileVerdict:
    """The Hub's scan of one file (tree/paths-info with `expand`: `securityFileStatus`)."""

    path: str
    status: str
    """`safe`, `caution`, `unsafe` (or `unscanned`)."""
    imports: tuple[tuple[str, str], ...] = ()
    """(`module.name`, safety) of every pickle import the Hub found that is not `innocuous`."""

    def to_json(self) -> dict:
        return {"path": self.path, "status": self.status, "imports": [list(item) for item in self.imports]}

    @classmethod
    def from_json(cls, data: dict) -> FileVerdict:
        return cls(data["path"], data["status"], tuple(tuple(item) for item in data.get("imports") or ()))


@dataclass(frozen=True)
class SecurityScan:
    """The Hub's own malware/pickle scan of a repo at a commit."""

    done: bool
    flagged: tuple[tuple[str, str], ...] = ()
    """(file path, level) with level `unsafe`, `suspicious` or `caution`."""
    files: tuple[FileVerdict, ...] | None = None
    """Per-file verdicts (asked for pinned revisions: every file when the repository-level status is not
    conclusive, else the flagged ones); None when not asked."""
    repo_level: bool = True
    """False when the Hub gave no repository-level status (datasets): only `files` speak."""


@dataclass(frozen=True)
class RepoEvidence:
    """What the registry said about one query: the repository's identity (`canonical_id`) and commit (`sha`),
    gating, licenses, files with sizes and sha256, the security scan per file, the refs that contain the commit,
    and what could not be read (`file_errors`). `status` is `ok`, `repo-not-found`, `revision-not-found` or
    `disabled`."""

    query: RepoQuery
    status: str
    sha: str | None = None
    """The commit the revision resolves to (for `ok`)."""
    canonical_id: str | None = None
    """The id the Hub reports (differs from the query for legacy ids like `gpt2`)."""
    license: tuple[str, ...] = ()
    gated: str | None = None
    """None when not gated, else the Hub's gating mode (`auto`, `manual`)."""
    files: tuple[RepoFile, ...] = ()
    security: SecurityScan | None = None
    """None when the registry has no scan (datasets, GitHub)."""
    head_sha: str | None = None
    """For `revision-not-found`: the current head of the default branch, to suggest a pin."""
    file_sha256: tuple[tuple[str, str], ...] = ()
    """sha256 of non-LFS files whose hash a policy pins (computed from a download at `sha`)."""
    card: dict | None = None
    """Lineage metadata from the model card (`cardData`) and a PEFT `adapter_config.json` at `sha`:
    `base_model` (list of ids), `base_model_relation`, `datasets` (list), `adapter_base` (the adapter's
    `base_model_name_or_path`), `adapter_error` (why the adapter config could not be read). See lineage.py."""
    anonymous: bool = False
    """For `repo-not-found`: an anonymous request got 401, which the Hub sends for missing, private and disabled
    repositories alike."""
    refs: tuple[str, ...] | None = None
    """For pinned queries: the branches and tags whose history holds the commit; None when not asked."""
    pull_requests: tuple[str, ...] = ()
    """`refs/pr/<n>` refs that point at the commit (community pull requests)."""
    file_errors: tuple[tuple[str, str], ...] = ()
    """(file, why) for files a policy pins whose content could not be read (a gated repository)."""

    @property
    def disabled(self) -> bool:
        return self.status == "disabled"

    def file(self, path: str) -> RepoFile | None:
        return next((f for f in self.files if f.path == path), None)

    def to_json(self) -> dict:
        return {
            "query": {"kind": self.query.kind, "id": self.query.id, "revision": self.query.revision},
            "status": self.status,
            "sha": self.sha,
            "canonical_id": self.canonical_id,
            "license": list(self.license),
            "gated": self.gated,
            "files": [f.to_json() for f in self.files],
            "security": None if self.security is None else {
                "done": self.security.done, "flagged": [list(item) for item in self.security.flagged],
                "files": None if self.security.files is None else [f.to_json() for f in self.security.files],
                "repo_level": self.security.repo_level},
            "head_sha": self.head_sha,
            "file_sha256": [list(item) for item in self.file_sha256],
            "card": self.card,
            "anonymous": self.anonymous,
            "refs": None if self.refs is None else list(self.refs),
            "pull_requests": list(self.pull_requests),
            "file_errors": [list(item) for item in self.file_errors],
        }

    @classmethod
    def from_json(cls, data: dict) -> RepoEvidence:
        security = data.get("security")
        return cls(
            query=RepoQuery(**data["query"]),
            status=data["status"],
            sha=data.get("sha"),
            canonical_id=data.get("canonical_id"),
            license=tuple(data.get("license") or ()),
            gated=data.get("gated"),
            files=tuple(RepoFile(**f) for f in data.get("files") or ()),
            security=None if security is None else SecurityScan(
                bool(security["done"]), tuple(tuple(item) for item in security.get("flagged") or ()),
                None if security.get("files") is None else tuple(
                    FileVerdict.from_json(item) for item in security["files"]),
                bool(security.get("repo_level", True))),
            head_sha=data.get("head_sha"),
            file_sha256=tuple(tuple(item) for item in data.get("file_sha256") or ()),
            card=data.get("card"),
            anonymous=bool(data.get("anonymous")),
            refs=None if data.get("refs") is None else tuple(data["refs"]),
            pull_requests=tuple(data.get("pull_requests") or ()),
            file_errors=tuple(tuple(item) for item in data.get("file_errors") or ()),
        )


RepoAnswer = RepoEvidence
"""The name the answer cache and the services use for the same thing."""


@dataclass(frozen=True)
class VerifySettings:
    """How hard to try. Defaults suit CI; environment variables tune them (see gate/verify/run.py)."""

    jobs: int = 16
    """Concurrent queries."""
    request_timeout: float = 20.0
    """Seconds one HTTP request may take."""
    attempts: int = 5
    """Tries per query (first try plus retries of 429, 5xx, timeouts and dropped connections)."""
    backoff: float = 1.0
    """First retry wait in seconds; doubles each retry, capped at `max_backoff`; Retry-After wins."""
    max_backoff: float = 16.0
    deadline: float = 300.0
    """Seconds the whole verification may take; what is not answered by then cannot be verified."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], jobs: int | None = None) -> VerifySettings:
        """`jobs` (else 16) and the MODEL_GATE_VERIFY_* tuning variables (see gate/verify/run.py)."""
        values: dict[str, Any] = {"jobs": jobs or DEFAULT_JOBS}
        for variable, (name, kind) in _ENV_SETTINGS.items():
            raw = environ.get(variable)
            if not raw:
                continue
            try:
                value = kind(raw)
            except ValueError:
                raise UsageError(f"{variable} must be a number, got {raw!r}") from None
            if value <= 0 and name != "backoff":
                raise UsageError(f"{variable} must be positive, got {raw!r}")
            values[name] = value
        return cls(**values)


_ENV_SETTINGS: dict[str, tuple[str, type]] = {
    "MODEL_GATE_VERIFY_DEADLINE": ("deadline", float),
    "MODEL_GATE_VERIFY_TIMEOUT": ("request_timeout", float),
    "MODEL_GATE_VERIFY_ATTEMPTS": ("attempts", int),
    "MODEL_GATE_VERIFY_BACKOFF": ("backoff", float),
}


@dataclass(frozen=True)
class VerifyConfig:
    """Everything verification needs from outside, built once at the edge (the CLI, the action, `pin`).

    Verify reads nothing else: not the environment (the action hands its tokens here instead of exporting them),
    not the policy. Tokens are left out of `repr` and are redacted from every failure reason."""

    hub_endpoint: str = DEFAULT_HUB_ENDPOINT
    hub_token: str | None = field(default=None, repr=False)
    github_api: str = DEFAULT_GITHUB_API
    github_token: str | None = field(default=None, repr=False)
    cache_dir: str | None = None
    """Where answers for pinned revisions are kept (default ~/.cache/model-gate)."""
    settings: VerifySettings = field(default_factory=VerifySettings)
    registry_uri: str | None = None
    """The MLflow registry for references whose file names none (MLFLOW_REGISTRY_URI, else MLFLOW_TRACKING_URI)."""
    registry_token: str | None = field(default=None, repr=False)
    """An MLflow token handed in by the caller (the action's `mlflow-tracking-token`); the MLflow client reads
    credentials only from its environment, so the service sets it there for its own calls only."""
    lfs_token: str | None = field(default=None, repr=False)
    """The token the repository's Git LFS server gets (`gate.verify.lfs`): MODEL_GATE_LFS_TOKEN for the CLI, the
    action's `github-token` input; sent only to that server, only over https."""
    registry_secrets: tuple[str, ...] = field(default=(), repr=False)
    """MLflow credentials of the environment (read by the MLflow client itself): only redacted here."""
    sigstore_trust_config: str | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], *, hub_endpoint: str | None = None,
                         cache_dir: str | None = None, jobs: int | None = None,
                         sigstore_trust_config: str | None = None, hub_token: str | None = None,
                         github_token: str | None = None, registry_token: str | None = None,
                         lfs_token: str | None = None) -> VerifyConfig:
        """Flags first (`--hub-endpoint`, the action's token inputs), then HF_ENDPOINT, HF_TOKEN, GITHUB_API_URL,
        GITHUB_TOKEN, MLFLOW_REGISTRY_URI / MLFLOW_TRACKING_URI, MODEL_GATE_LFS_TOKEN and the MODEL_GATE_VERIFY_*
        tuning."""
        return cls(
            hub_endpoint=(hub_endpoint or environ.get("HF_ENDPOINT") or DEFAULT_HUB_ENDPOINT).rstrip("/"),
            hub_token=hub_token or environ.get("HF_TOKEN") or None,
            github_api=(environ.get("GITHUB_API_URL") or DEFAULT_GITHUB_API).rstrip("/"),
            github_token=github_token or environ.get("GITHUB_TOKEN") or None,
            cache_dir=cache_dir,
            settings=VerifySettings.from_environment(environ, jobs),
            registry_uri=environ.get("MLFLOW_REGISTRY_URI") or environ.get("MLFLOW_TRACKING_URI") or None,
            registry_token=registry_token,
            lfs_token=lfs_token or environ.get(LFS_TOKEN_ENV) or None,
            registry_secrets=tuple(t for t in (registry_token, environ.get("MLFLOW_TRACKING_TOKEN"),
                                               environ.get("MLFLOW_TRACKING_PASSWORD")) if t),
            sigstore_trust_config=sigstore_trust_config,
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every credential, for redaction (short values are left alone: they would blank ordinary words)."""
        return tuple(t for t in (self.hub_token, self.github_token, self.lfs_token,
                                              *self.registry_secrets) if t and len(t) >= 4)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def query_for(reference: Any) -> RepoQuery | None:
    """What to ask about a reference, or None when there is nothing a registry can answer."""
    if reference.dynamic or not reference.id or reference.role == "publish":
        return None  # a publish target is where the code pushes, not something it loads: nothing to confirm
    if reference.source == "torchhub":
        repo_id, _, ref = reference.id.partition(":")
        return RepoQuery("github", repo_id, ref or reference.revision)
    if reference.source in ("huggingface", "url") and reference.kind in ("model", "dataset"):
        # A Hub URL (`/resolve/main/...`) names a repository and a revision like an id does.
        return RepoQuery(reference.kind, reference.id, reference.revision)
    return None


@dataclass(frozen=True)
class HubEvidence:
    """What the Hub and GitHub said about the run's queries."""

    hub_endpoint: str
    github_api: str
    answers: Mapping[RepoQuery, RepoEvidence]
    failures: Mapping[RepoQuery, str]
    """Query -> why it has no answer (tokens redacted)."""
    lineages: Mapping[RepoQuery, dict] = field(default_factory=dict)
    """Model query answered `ok` -> its traced lineage (gate/verify/lineage.py)."""
    stats: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """queries, cache_hits, fetched, failed, jobs, seconds, endpoint, canonical_ids, lineage: the report's
    `verification` (the judge adds `mode` and `on_failure`)."""

    def registry(self, query: RepoQuery) -> str:
        """Where a query was asked, as messages name it."""
        return f"GitHub ({self.github_api})" if query.kind == "github" else self.hub_endpoint

    def endpoint(self, query: RepoQuery) -> str:
        return self.github_api if query.kind == "github" else self.hub_endpoint


class RepoService(abc.ABC):
    """Answers queries about one registry. Concrete services sit beside this module (hub.py, github.py)."""

    @abc.abstractmethod
    def answer(self, query: RepoQuery, pinned_files: tuple[str, ...] = ()) -> RepoAnswer:
        """Ask the registry (with retries). `pinned_files`: non-LFS files whose sha256 the policy pins.

        Raises `gate.errors.VerificationError("<query label>: <what was tried>: <why>")` when no answer can be
        had (after retries, or at the deadline).
        """

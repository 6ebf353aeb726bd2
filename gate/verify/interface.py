"""The verification stage's contract: distinct queries go out, immutable answers come back, findings result.

Every answer is plain data (frozen dataclasses with `to_json`/`from_json`) so it can be cached on disk.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field

from gate.discover.hubids import is_pinned
from gate.discover.interface import Reference
from gate.policy.interface import Finding


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
class RepoAnswer:
    """What the registry said. `status` is `ok`, `repo-not-found`, `revision-not-found` or `disabled`."""

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
    def from_json(cls, data: dict) -> RepoAnswer:
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


@dataclass(frozen=True)
class VerifyOutcome:
    """What `verify_references` hands back to the pipeline."""

    references: tuple[Reference, ...]
    findings: tuple[Finding, ...]
    stats: dict = field(default_factory=dict, compare=False, hash=False)
    """queries, cache_hits, failed, seconds, jobs, endpoint, canonical_ids: for the report's `verification`."""


class RepoService(abc.ABC):
    """Answers queries about one registry. Concrete services sit beside this module (hub.py, github.py)."""

    @abc.abstractmethod
    def answer(self, query: RepoQuery, pinned_files: tuple[str, ...] = ()) -> RepoAnswer:
        """Ask the registry (with retries). `pinned_files`: non-LFS files whose sha256 the policy pins.

        Raises `gate.errors.VerificationError("<query label>: <what was tried>: <why>")` when no answer can be
        had (after retries, or at the deadline).
        """

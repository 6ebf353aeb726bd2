"""The emulator's data: Hub repositories (ids → commits/branches/tags → files) and GitHub repositories.

Built programmatically by tests (`FixtureHub.add_repo(...)` returns a `RepoBuilder`) or loaded from a
directory (`load_directory`, format in README.md). Commit shas are derived from the content, like git's, so
the same fixture always produces the same shas.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

# Files the real Hub stores through LFS by default (from its default .gitattributes).
LFS_SUFFIXES = (
    ".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".safetensors", ".gguf", ".onnx", ".h5", ".msgpack",
    ".npy", ".npz", ".joblib", ".tflite", ".parquet", ".arrow", ".zip", ".tar", ".gz",
)
LFS_POINTER_SIZE = 134


def git_blob_id(data: bytes) -> str:
    """What git (and the Hub's `blobId`/`oid`) calls this content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class StoredFile:
    path: str
    data: bytes
    lfs: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def blob_id(self) -> str:
        return git_blob_id(self.data)

    @property
    def xet_hash(self) -> str:
        """Stands in for the Xet file hash (64 hex, a keyed BLAKE3 merkle hash on the real Hub)."""
        return hashlib.sha256(b"xet:" + self.data).hexdigest()

    @property
    def etag(self) -> str:
        """The Hub sends the LFS sha256 as the ETag of LFS files and the git blob id for the rest."""
        return self.sha256 if self.lfs else self.blob_id


@dataclass
class Commit:
    sha: str
    files: dict[str, StoredFile]
    message: str = ""
    parent: str | None = None


@dataclass
class HubRepo:
    """One Hub repository; fields mirror what `/api/models/{id}` reports."""

    kind: str  # "model" | "dataset"
    id: str
    license: str | list[str] | None = None
    gated: str | bool = False  # False, "auto" or "manual", as the Hub reports it
    disabled: bool = False
    private: bool = False
    token: str | None = None
    """Token that grants access to a private or gated repo (sent as `Authorization: Bearer <token>`)."""
    scans_done: bool = True
    """False: the Hub's security scan is still pending for this repo."""
    flagged: dict[str, str] = field(default_factory=dict)
    """File path → scan level (`unsafe`, `suspicious`, `caution`) reported in `securityRepoStatus`."""
    default_branch: str = "main"
    aliases: list[str] = field(default_factory=list)
    """Legacy unqualified ids (`gpt2`) that redirect to this repo's canonical id."""
    card: dict = field(default_factory=dict)
    """More model card metadata served in `cardData` beside `license`: `base_model` (str or list),
    `base_model_relation`, `datasets`, ... (lineage, issue 18)."""
    served_sha: str | None = None
    """When set, the repo info reports this as the commit `sha` (a broken or hostile endpoint)."""
    pickle_imports: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    """File path → the Hub's pickle import scan: (module, name, safety) with safety `innocuous`, `suspicious` or
    `dangerous`, served per file by tree/paths-info with `expand` (`securityFileStatus.pickleImportScan`)."""
    disabled_answer: str = "403"
    """How the disabled repo answers a caller with a token: `403` (DisabledRepo) or `200` (info, `disabled: true`)."""
    xet: bool = False
    """LFS files carry a `xetHash` in tree/paths-info entries, as on huggingface.co (README.md: Xet)."""
    pull_requests: dict[int, str] = field(default_factory=dict)
    """Community pull requests: number → head commit (`refs/pr/<n>`), on no branch."""
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def resolve(self, revision: str | None) -> Commit | None:
        """Branch, tag or full sha → commit (the Hub does not accept short shas for the API either)."""
        revision = revision or self.default_branch
        sha = self.branches.get(revision) or self.tags.get(revision) or revision
        if revision.startswith("refs/pr/") and revision[len("refs/pr/"):].isdigit():
            sha = self.pull_requests.get(int(revision[len("refs/pr/"):]), sha)
        if revision.startswith("refs/heads/"):
            sha = self.branches.get(revision[len("refs/heads/"):], sha)
        elif revision.startswith("refs/tags/"):
            sha = self.tags.get(revision[len("refs/tags/"):], sha)
        return self.commits.get(sha)


class RepoBuilder:
    """Pleasant handle on one `HubRepo`: commit files, move branches and tags, flag files."""

    def __init__(self, repo: HubRepo, lock: threading.RLock):
        self.repo = repo
        self._lock = lock

    @property
    def id(self) -> str:
        return self.repo.id

    def commit(self, files: dict[str, bytes | str], *, branch: str | None = None, message: str = "",
               delete: tuple[str, ...] = (), lfs: tuple[str, ...] | None = None, replace: bool = False) -> str:
        """Add a commit on `branch` (default branch by default) and return its sha.

        The new commit holds the branch's current files updated with `files` (str is UTF-8 encoded), minus
        `delete`; `replace=True` starts from an empty tree. `lfs` lists paths stored through LFS; by
        default files with a weights/data suffix (see LFS_SUFFIXES) are.
        """
        with self._lock:
            branch = branch or self.repo.default_branch
            parent_sha = self.repo.branches.get(branch)
            tree = {} if replace or parent_sha is None else dict(self.repo.commits[parent_sha].files)
            for path in delete:
                tree.pop(path, None)
            for path, content in files.items():
                data = content.encode() if isinstance(content, str) else bytes(content)
                is_lfs = path in lfs if lfs is not None else path.endswith(LFS_SUFFIXES)
                tree[path] = StoredFile(path, data, is_lfs)
            digest = hashlib.sha1()
            digest.update(f"{self.repo.kind}:{self.repo.id}\n{parent_sha}\n{message}\n".encode())
            for path in sorted(tree):
                digest.update(f"{path}\0{tree[path].blob_id}\n".encode())
            sha = digest.hexdigest()
            self.repo.commits[sha] = Commit(sha, tree, message, parent_sha)
            self.repo.branches[branch] = sha
            return sha

    def pull_request(self, files: dict[str, bytes | str], *, message: str = "community PR") -> str:
        """Open a community pull request (anyone can, on a public repo): a commit on `refs/pr/<n>` on top of the
        default branch, reachable from no branch or tag; its sha still resolves. Returns the sha."""
        with self._lock:
            default = self.repo.default_branch
            head = self.repo.branches.get(default)
            number = max(self.repo.pull_requests, default=0) + 1
            sha = self.commit(files, branch=f"\0pr/{number}", message=message) if head is None else None
            if sha is None:
                self.repo.branches[f"\0pr/{number}"] = head
                sha = self.commit(files, branch=f"\0pr/{number}", message=message)
            del self.repo.branches[f"\0pr/{number}"]
            self.repo.pull_requests[number] = sha
            return sha

    def scan_imports(self, path: str, *imports: tuple[str, str, str]) -> RepoBuilder:
        """The Hub's pickle import scan of `path`: (module, name, safety) triples."""
        self.repo.pickle_imports[path] = list(imports)
        return self

    def branch(self, name: str, sha: str) -> RepoBuilder:
        """Create or move branch `name` to commit `sha`."""
        with self._lock:
            self._need(sha)
            self.repo.branches[name] = sha
        return self

    def tag(self, name: str, sha: str) -> RepoBuilder:
        """Create a tag, or move an existing one to another commit (the "moved tag" fault)."""
        with self._lock:
            self._need(sha)
            self.repo.tags[name] = sha
        return self

    move_tag = tag

    def flag(self, path: str, level: str) -> RepoBuilder:
        """Make the Hub's security scan report `path` as `unsafe`, `suspicious` or `caution`."""
        self.repo.flagged[path] = level
        return self

    def set(self, **fields) -> RepoBuilder:
        """Change repository fields (license, gated, disabled, private, token, scans_done, ...)."""
        with self._lock:
            for name, value in fields.items():
                if not hasattr(self.repo, name):
                    raise AttributeError(f"HubRepo has no field {name!r}")
                setattr(self.repo, name, value)
        return self

    def head(self, branch: str | None = None) -> str:
        return self.repo.branches[branch or self.repo.default_branch]

    def _need(self, sha: str) -> None:
        if sha not in self.repo.commits:
            raise KeyError(f"{self.repo.id} has no commit {sha}")


@dataclass
class GitHubRepo:
    """A GitHub repository as far as torch.hub verification needs it: commits and branches."""

    id: str
    commits: set[str] = field(default_factory=set)
    branches: dict[str, str] = field(default_factory=dict)
    default_branch: str = "main"

    def resolve(self, ref: str) -> str | None:
        if ref == "HEAD":
            ref = self.default_branch
        if ref in self.branches:
            return self.branches[ref]
        return ref if ref in self.commits else None


class FixtureHub:
    """All repositories one emulator serves. Thread-safe: tests mutate it while the server runs."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.repos: dict[tuple[str, str], HubRepo] = {}
        self.github: dict[str, GitHubRepo] = {}

    def add_repo(self, repo_id: str, *, kind: str = "model", files: dict[str, bytes | str] | None = None,
                 **fields) -> RepoBuilder:
        """Create a repo (`kind` model or dataset); with `files`, make a first commit on the default branch."""
        if kind not in ("model", "dataset"):
            raise ValueError(f"kind must be model or dataset, not {kind!r}")
        with self._lock:
            repo = HubRepo(kind=kind, id=repo_id, **fields)
            self.repos[(kind, repo_id.lower())] = repo
            builder = RepoBuilder(repo, self._lock)
            if files is not None:
                builder.commit(files, message="initial commit")
            return builder

    def repo(self, repo_id: str, kind: str = "model") -> RepoBuilder:
        return RepoBuilder(self.find(kind, repo_id), self._lock)

    def find(self, kind: str, repo_id: str) -> HubRepo | None:
        """Look up by id, case-insensitively, or by a legacy alias (as the Hub redirects `gpt2`)."""
        with self._lock:
            repo = self.repos.get((kind, repo_id.lower()))
            if repo is not None:
                return repo
            for candidate in self.repos.values():
                if candidate.kind == kind and repo_id.lower() in (a.lower() for a in candidate.aliases):
                    return candidate
            return None

    def find_xet(self, xet_hash: str) -> StoredFile | None:
        """The stored file whose (stand-in) Xet hash is `xet_hash`, in any repository that serves Xet hashes."""
        with self._lock:
            for repo in self.repos.values():
                if not repo.xet:
                    continue
                for commit in repo.commits.values():
                    for stored in commit.files.values():
                        if stored.lfs and stored.xet_hash == xet_hash:
                            return stored
            return None

    def add_github_repo(self, repo_id: str, *, commits: list[str] | None = None,
                        branches: dict[str, str] | None = None, default_branch: str = "main") -> GitHubRepo:
        """A GitHub repo for torch.hub references; branch targets are added to `commits`."""
        with self._lock:
            repo = GitHubRepo(repo_id, set(commits or ()), dict(branches or {}), default_branch)
            repo.commits.update(repo.branches.values())
            self.github[repo_id.lower()] = repo
            return repo


def load_directory(root: str | Path, hub: FixtureHub | None = None) -> FixtureHub:
    """Load `ROOT/{models,datasets}/<org>/<name>/repo.json` and `ROOT/github.json` (format in README.md)."""
    hub = hub or FixtureHub()
    root = Path(root)
    for kind_dir, kind in (("models", "model"), ("datasets", "dataset")):
        base = root / kind_dir
        if not base.is_dir():
            continue
        for manifest in sorted(base.glob("**/repo.json")):
            repo_dir = manifest.parent
            repo_id = repo_dir.relative_to(base).as_posix()
            spec = json.loads(manifest.read_text(encoding="utf-8"))
            commits = spec.pop("commits", [])
            tags = spec.pop("tags", {})
            branches = spec.pop("branches", {})
            flagged = spec.pop("flagged", {})
            builder = hub.add_repo(repo_id, kind=kind, **spec)
            named: dict[str, str] = {}
            for number, commit in enumerate(commits):
                tree_dir = repo_dir / commit["dir"]
                files = {p.relative_to(tree_dir).as_posix(): p.read_bytes()
                         for p in sorted(tree_dir.rglob("*")) if p.is_file()}
                lfs = tuple(commit["lfs"]) if "lfs" in commit else None
                sha = builder.commit(files, branch=commit.get("branch"), message=commit.get("message", ""),
                                     lfs=lfs, replace=True)
                named[commit.get("name", str(number))] = sha
            for name, target in {**branches}.items():
                builder.branch(name, named.get(target, target))
            for name, target in tags.items():
                builder.tag(name, named.get(target, target))
            for path, level in flagged.items():
                builder.flag(path, level)
    github = root / "github.json"
    if github.is_file():
        for repo_id, spec in json.loads(github.read_text(encoding="utf-8")).items():
            hub.add_github_repo(repo_id, **spec)
    return hub

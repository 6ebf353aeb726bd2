"""Git, always as an argument list (never a shell line), so refs and paths from a pull request stay data.

Paths handed to git go through `:(literal)` pathspecs, so a file named `*` or `:(glob)x` means itself.
"""

from __future__ import annotations

import functools
import io
import os
import subprocess
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

from gate.errors import ExitCode, GateError, UsageError

FETCH_DEPTH_HINT = (
    "check out the full history: use actions/checkout with `fetch-depth: 0` "
    "(a shallow clone does not contain the pull request's base commit)"
)


class GitError(GateError):
    """A git command failed (exit 2): the message carries git's own words."""

    exit_code = ExitCode.USAGE


_SAFE_DIRECTORIES: list[str] = []
"""Checkouts this process may read although another user owns them (see `mark_safe_directory`)."""


@overload
def run_git(args: list[str], cwd: str, *, binary: Literal[False] = False, check: bool = True,
            stdin: bytes | None = None) -> str: ...
@overload
def run_git(args: list[str], cwd: str, *, binary: Literal[True], check: bool = True,
            stdin: bytes | None = None) -> bytes: ...
def run_git(args: list[str], cwd: str, *, binary: bool = False, check: bool = True,
            stdin: bytes | None = None) -> str | bytes:
    """Run `git <args>` in `cwd` and return its stdout (text unless `binary`)."""
    # `-c` is protected (command-scope) configuration, which git honours for safe.directory.
    safe = [option for directory in _SAFE_DIRECTORIES for option in ("-c", f"safe.directory={directory}")]
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", *safe, *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed (the action needs git to compare the pull request)") from exc
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {args[0]} failed: {message}")
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace")


def literal(path: str) -> str:
    return f":(literal){path}"


def mark_safe_directory(workspace: str) -> None:
    """The container runs as root over a checkout owned by the runner's user; git refuses that otherwise.

    The setting goes on model-gate's own git command lines only: nobody's `~/.gitconfig` is edited (run outside
    a container, the action must not change the user's git configuration)."""
    if workspace not in _SAFE_DIRECTORIES:
        _SAFE_DIRECTORIES.append(workspace)


def enclosing_checkout(path: str, workspace: str) -> str:
    """The nearest directory from `path` up to `workspace` that holds `.git` (actions/checkout with `path:`
    clones below the workspace); the workspace itself when none does."""
    current = Path(path)
    while True:
        if (current / ".git").exists():
            return str(current)
        if str(current) == workspace or current.parent == current:
            return workspace
        current = current.parent


def repo_root(cwd: str) -> str:
    return run_git(["rev-parse", "--show-toplevel"], cwd).strip()


def head_sha(cwd: str) -> str:
    return run_git(["rev-parse", "--verify", "HEAD^{commit}"], cwd).strip()


def resolve_commit(ref: str, cwd: str) -> str | None:
    """The commit sha `ref` names, or None when this clone does not have it."""
    if ref.startswith("-"):
        raise UsageError(f"not a git ref: {ref!r}")
    out = run_git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], cwd, check=False)
    return out.strip() or None


EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
"""git's empty tree: what a repository without commits is compared against."""


def is_shallow(cwd: str) -> bool:
    return run_git(["rev-parse", "--is-shallow-repository"], cwd, check=False).strip() == "true"


def has_commits(cwd: str) -> bool:
    return bool(run_git(["rev-list", "-n", "1", "--all"], cwd, check=False).strip())


def require_commits(base: str, head: str, cwd: str) -> tuple[str, str]:
    """Both commits and a merge base between them, or a message saying to fetch the full history."""
    resolved = []
    for role, ref in (("base", base), ("head", head)):
        sha = resolve_commit(ref, cwd)
        if sha is None:
            hint = FETCH_DEPTH_HINT if is_shallow(cwd) else (
                "the clone is complete (not shallow), so the commit was never fetched: fetch it (e.g. `git fetch "
                "origin <sha>`) or check the ref")
            if role == "head":
                hint += ("; on pull_request_target the pull request's commits come from its head repository, so "
                         "fetch them too (e.g. `git fetch origin pull/<number>/head`)")
            raise UsageError(f"the {role} commit {ref} is not in this clone; {hint}")
        resolved.append(sha)
    out = run_git(["merge-base", "--end-of-options", resolved[0], resolved[1]], cwd, check=False).strip()
    if not out:
        hint = FETCH_DEPTH_HINT if is_shallow(cwd) else "the two histories are unrelated (a full clone has no " \
            "common ancestor of them): compare against a base the pull request was branched from"
        raise UsageError(f"no common ancestor of base {resolved[0][:12]} and head {resolved[1][:12]} in this clone; "
                         f"{hint}")
    return resolved[0], resolved[1]


@dataclass(frozen=True)
class ChangedFile:
    path: str
    """Repository-relative path at the head."""
    base_path: str | None
    """The same file's path on the base branch (differs for a rename); None when the pull request adds it."""
    base_commit: str | None = None
    """For a file inside a submodule: the submodule's old commit, where `base_path` is read (the base tree export
    does not recurse into submodules)."""
    submodule: str | None = None
    """For a file inside a submodule: the submodule's repository-relative path."""


@dataclass(frozen=True)
class UnreadableSubmodule:
    """A submodule the pull request moves, whose commits this clone cannot read."""

    path: str
    old: str | None
    new: str
    reason: str


_GITLINK = "160000"
_NO_COMMIT = "0" * 40
MAX_SUBMODULE_DEPTH = 4


def changed_files(base: str, head: str, cwd: str) -> tuple[ChangedFile, ...]:
    """Files the pull request changes: `git diff base...head` (from the merge base), renames followed, and the
    files behind each moved submodule pointer (see `changes`)."""
    return changes(base, head, cwd)[0]


def changes(base: str, head: str, cwd: str, *, three_dot: bool = True, prefix: str = "",
            depth: int = 0) -> tuple[tuple[ChangedFile, ...], tuple[UnreadableSubmodule, ...]]:
    """(changed files, submodules that could not be read).

    A changed gitlink is a submodule moved from one commit to another: when the submodule is checked out with
    both commits, its own diff (old..new) is part of the pull request, file by file; otherwise it is reported as
    unreadable, never as unchanged.
    """
    # File names are bytes: decode them as the file system does (undecodable bytes kept as surrogates), so they
    # open the same files and escape to the same names the scan reports (gate/discover/engine.shown_path).
    spec = f"{base}...{head}" if three_dot else f"{base}..{head}"
    out = os.fsdecode(run_git(["diff", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff", "--end-of-options",
                               spec], cwd, binary=True))
    fields = out.split("\0")
    changed: list[ChangedFile] = []
    unreadable: list[UnreadableSubmodule] = []
    i = 0
    while i < len(fields) and fields[i].startswith(":"):
        old_mode, new_mode, old_sha, new_sha, status = fields[i][1:].split(" ", 4)
        if status[0] in "RC":
            old, new = fields[i + 1], fields[i + 2]
            i += 3
        else:
            old = new = fields[i + 1]
            i += 2
        if status[0] == "D":
            continue
        if new_mode == _GITLINK:
            old_commit = old_sha if old_mode == _GITLINK and old_sha != _NO_COMMIT else None
            inner, lost = _submodule_changes(cwd, new, old_commit, new_sha, prefix, depth)
            changed += inner
            unreadable += lost
            continue
        if status[0] in "RC":
            # A copy is new content at a new path; only a rename carries the base file over.
            changed.append(ChangedFile(prefix + new, prefix + old if status[0] == "R" else None))
        else:
            changed.append(ChangedFile(prefix + new, None if status[0] == "A" else prefix + new))
    return tuple(changed), tuple(unreadable)


def _submodule_changes(cwd: str, path: str, old: str | None, new: str, prefix: str,
                       depth: int) -> tuple[list[ChangedFile], list[UnreadableSubmodule]]:
    where = prefix + path
    checkout = os.path.join(cwd, path)
    if depth >= MAX_SUBMODULE_DEPTH:
        return [], [UnreadableSubmodule(where, old, new, f"submodules nested deeper than {MAX_SUBMODULE_DEPTH}")]
    if not os.path.exists(os.path.join(checkout, ".git")):
        return [], [UnreadableSubmodule(where, old, new, "the submodule is not checked out")]
    for commit in (old, new):
        if commit is not None and resolve_commit(commit, checkout) is None:
            return [], [UnreadableSubmodule(where, old, new, f"the submodule's clone lacks commit {commit[:12]}")]
    if old is None:  # a new submodule: every file in it is new
        listed = run_git(["ls-tree", "-r", "-z", "--name-only", "--end-of-options", new], checkout)
        return [ChangedFile(f"{where}/{name}", None) for name in os.fsdecode(listed.encode()).split("\0")
                if name], []
    files, lost = changes(old, new, checkout, three_dot=False, prefix=f"{where}/", depth=depth + 1)
    return [ChangedFile(f.path, f.base_path, f.base_commit or (old if f.base_path else None),
                        f.submodule or where) for f in files], list(lost)


def touched_paths(base: str, head: str, paths: list[str], cwd: str) -> set[str]:
    """Which of `paths` the pull request adds, changes or deletes (`git diff base...head`, renames split)."""
    if not paths:
        return set()
    out = run_git(["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--end-of-options",
                   f"{base}...{head}", "--", *(literal(p) for p in paths)], cwd)
    return {p for p in out.split("\0") if p}

def existing_paths(commit: str, paths: list[str], cwd: str) -> set[str]:
    """Which of `paths` exist (as files) in `commit`."""
    if not paths:
        return set()
    out = run_git(["ls-tree", "-r", "-z", "--name-only", "--end-of-options", commit, "--",
                   *(literal(p) for p in paths)], cwd)
    return {p for p in out.split("\0") if p}


def show_file(commit: str, path: str, cwd: str) -> bytes | None:
    """The file's bytes at `commit`, or None when it does not exist there."""
    if path not in existing_paths(commit, [path], cwd):
        return None
    return run_git(["cat-file", "blob", f"{commit}:{path}"], cwd, binary=True)


def export_tree(commit: str, dest: str, cwd: str, paths: list[str] | None = None) -> None:
    """Write the files of `commit` (all, or only `paths`) under `dest`; nothing from it is run.

    Extraction uses tarfile's `data` filter: no absolute paths, no links out of `dest`, no device files.
    """
    args = ["archive", "--format=tar", "--end-of-options", commit]
    if paths is not None:
        if not paths:
            return
        # No `--`: after --end-of-options, git archive takes it for a pathspec; `:(literal)` names are no options.
        args += [literal(p) for p in paths]
    data = run_git(args, cwd, binary=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(Path(dest), filter=_skip_unsafe)  # noqa: S202 - filtered: see _skip_unsafe
        else:  # Python < 3.10.12 has no extraction filters: keep plain files and directories inside dest
            safe = [m for m in archive.getmembers() if (m.isfile() or m.isdir()) and _inside(m.name)]
            archive.extractall(Path(dest), members=safe)  # noqa: S202 - only the members checked above


class PartialExport:
    """A commit's tree written under `dest` only where it is needed (`export`, `fetch`), with the listing of all
    of it: pull-request mode reads a few files of the base commit, at a cost independent of the repository's size.

    `paths`: every file and directory of the commit below `prefix`, relative to it (what `discover(tree=...)`
    answers local-path questions from)."""

    def __init__(self, commit: str, dest: str, cwd: str, prefix: str = ""):
        self.commit, self.dest, self.cwd = commit, dest, cwd
        listed = os.fsdecode(run_git(["ls-tree", "-r", "-z", "--name-only", "--end-of-options", commit], cwd,
                                     binary=True))
        self.files = frozenset(listed.split("\0")) - {""}
        self.exported: set[str] = set()
        self.prefix = prefix.strip("/")

    @functools.cached_property
    def paths(self) -> frozenset[str]:
        below = f"{self.prefix}/" if self.prefix else ""
        files = {name[len(below):] for name in self.files if name.startswith(below)} if below else self.files
        directories: set[str] = set()
        for name in files:
            directory = name.rpartition("/")[0]
            while directory and directory not in directories:
                directories.add(directory)
                directory = directory.rpartition("/")[0]
        return frozenset(files) | directories

    def export(self, paths: Iterable[str]) -> None:
        """Write these repository-relative files of the commit (those it has, not yet written) under `dest`."""
        wanted = sorted({p for p in paths if p in self.files and p not in self.exported})
        for start in range(0, len(wanted), 1000):  # a huge pull request must not overflow the command line
            export_tree(self.commit, self.dest, self.cwd, wanted[start:start + 1000])
        self.exported.update(wanted)

    def fetch(self, absolute: str) -> None:
        """A finder is about to read `absolute`: write it first when it is a file of the commit."""
        relative = os.path.relpath(os.path.normpath(absolute), self.dest)
        if not relative.startswith(".."):
            self.export([relative.replace(os.sep, "/")])


def _skip_unsafe(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """tarfile's `data` filter, but a link out of the tree is skipped instead of failing the whole export."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


def _inside(name: str) -> bool:
    parts = Path(name).parts
    return not Path(name).is_absolute() and ".." not in parts


@dataclass(frozen=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    message: str


def commits(base: str, head: str, cwd: str) -> list[Commit]:
    """Each commit in base..head (what the pull request adds)."""
    out = run_git(["log", "--format=%H%x1f%an%x1f%ae%x1f%B%x1e", "--end-of-options", f"{base}..{head}"], cwd)
    entries = []
    for record in out.split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        sha, name, email, message = (record.split("\x1f", 3) + ["", "", ""])[:4]
        entries.append(Commit(sha, name, email, message))
    return entries


def worktree_changes(base: str, cwd: str) -> tuple[ChangedFile, ...]:
    """Files the working tree changes since `base`: tracked ones (`git diff base`, renames followed) and
    untracked ones that are not ignored (new files not yet added)."""
    out = os.fsdecode(run_git(["diff", "--name-status", "-z", "-M", "--no-ext-diff", "--end-of-options", base, "--"],
                              cwd, binary=True))
    fields = out.split("\0")
    changed: list[ChangedFile] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status[0] in "RC":
            old, new = fields[i + 1], fields[i + 2]
            changed.append(ChangedFile(new, old if status[0] == "R" else None))
            i += 3
            continue
        path = fields[i + 1]
        i += 2
        if status[0] != "D":
            changed.append(ChangedFile(path, None if status[0] == "A" else path))
    untracked = os.fsdecode(run_git(["ls-files", "-z", "--others", "--exclude-standard"], cwd, binary=True))
    changed += [ChangedFile(path, None) for path in untracked.split("\0") if path]
    return tuple(changed)

"""What the repository produces (issue 18 §3): for each publish target, the inputs of the same training entry point.

A publish target (`push_to_hub("org/ft")`, `hub_model_id: org/ft`, `--hub_model_id org/ft`) is produced by a
training run; that run's inputs are the models and datasets the same entry point references: the file that names
the target, the files it names (a script naming its config: `--config configs/sft.yaml`), and the entry points
that name it (a shell script running `python train.py --config cfg.yaml` names both). Files are read as text
only, to find the repository paths they name; nothing is executed. A dynamic input stays an input (its id is
unknown, not absent).

The result goes into the report's `extra["produces"]` (consumed by `--format cyclonedx` and `--format intoto`),
with the repository's own commit in `extra["source"]`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gate.discover.engine import DEFAULT_EXCLUDED_DIRS

if TYPE_CHECKING:
    from gate.discover.interface import Reference

MAX_READ = 2 << 20
"""Bytes of a file read to find the paths it names (a training script or config is far smaller)."""


def _text(root: str, path: str) -> str:
    try:
        with open(Path(root) / path, "rb") as handle:
            return handle.read(MAX_READ).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _cached(texts: dict[str, str], root: str, path: str) -> str:
    if path not in texts:
        texts[path] = _text(root, path)
    return texts[path]


def _names(text: str, path: str, candidates: list[str]) -> set[str]:
    """The candidate files `text` (the content of `path`) names: by repository path, by a path relative to
    `path`'s folder, or by a file name no other candidate shares."""
    folder = os.path.dirname(path)
    by_name: dict[str, list[str]] = {}
    for candidate in candidates:
        by_name.setdefault(os.path.basename(candidate), []).append(candidate)
    named = set()
    for candidate in candidates:
        if candidate == path:
            continue
        spellings = {candidate, os.path.relpath(candidate, folder or ".")}
        if len(by_name[os.path.basename(candidate)]) == 1:
            spellings.add(os.path.basename(candidate))
        for spelling in spellings:
            # The substring test first: the pattern can only match where the spelling occurs (issue 15: this loop
            # runs for every file and candidate, and compiling one pattern each was a quarter of a NeMo scan).
            if spelling in text and re.search(r"(?<![\w./-])(?:\./)?" + re.escape(spelling) + r"(?![\w/-])", text):
                named.add(candidate)
                break
    return named


ENTRY_SUFFIXES = (".sh", ".bash", ".zsh", ".py", ".ipynb", ".yaml", ".yml", ".json", ".toml", ".cfg", ".mk")
ENTRY_NAMES = ("Makefile", "Dockerfile", "justfile", "Procfile")
SKIPPED_DIRS = DEFAULT_EXCLUDED_DIRS | {"venv"}
"""Someone else's code or build output (what discovery skips), and the usual virtualenv name."""
MAX_ENTRY_FILES = 20_000


def _entry_files(root: str) -> list[str]:
    """Files that may start a training run (scripts, configs, workflows), also those without references."""
    found: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and (not d.startswith(".") or d == ".github"))
        for name in sorted(names):
            if name.endswith(ENTRY_SUFFIXES) or name in ENTRY_NAMES or name.startswith("Dockerfile"):
                found.append(os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/"))
                if len(found) >= MAX_ENTRY_FILES:
                    return found
    return found


def publish_inputs(root: str, references: Sequence[Reference]) -> list[dict]:
    """One entry per publish target with an id: `{target, entry_points, inputs}` (indexes into `references`)."""
    targets = [i for i, r in enumerate(references) if r.role == "publish" and r.id]
    if not targets:
        return []
    files = sorted({r.path for r in references if r.kind != "artifact"})
    entries = sorted(set(_entry_files(root)) | set(files))
    texts: dict[str, str] = {}

    def named_by(path: str) -> set[str]:
        if path not in texts:
            texts[path] = _text(root, path)
        return _names(texts[path], path, files)

    out = []
    for target in targets:
        home = references[target].path
        group = {home} | named_by(home)
        for entry in entries:
            if entry != home and os.path.basename(home) in (texts.get(entry) or _cached(texts, root, entry)) \
                    and home in _names(texts[entry], entry, [home, *files]):
                group |= {entry} | named_by(entry)
        inputs = [i for i, r in enumerate(references)
                  if r.path in group and r.role == "load" and r.kind in ("model", "dataset")]
        out.append({"target": target, "entry_points": sorted(group), "inputs": inputs})
    return out


def _clean_url(url: str) -> str:
    """A remote URL without credentials (`https://user:token@host/...` → `https://host/...`)."""
    return re.sub(r"^([a-z+]+://)[^/@]*@", r"\1", url.strip())


def source_of(root: str) -> dict:
    """The repository's own commit and where it lives: GitHub Actions' environment, else git, else unknown."""
    from gate.errors import GateError
    from gate.git import head_sha, run_git

    commit = os.environ.get("GITHUB_SHA") or None
    uri = None
    if os.environ.get("GITHUB_REPOSITORY"):
        server = os.environ.get("GITHUB_SERVER_URL") or "https://github.com"
        uri = f"git+{server.rstrip('/')}/{os.environ['GITHUB_REPOSITORY']}"
    try:
        commit = commit or head_sha(root)
        if uri is None:
            remote = run_git(["config", "--get", "remote.origin.url"], root, check=False).strip()
            uri = f"git+{_clean_url(remote)}" if remote else None
    except (GateError, OSError):
        pass  # not a git checkout: the statement says the commit is unknown instead of guessing
    out = {"commit": commit if commit and re.fullmatch(r"[0-9a-f]{40}", commit) else None, "uri": uri}
    server = (os.environ.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    if os.environ.get("GITHUB_WORKFLOW_REF"):  # the workflow that runs: what built it, in SLSA's words
        out["builder"] = f"{server}/{os.environ['GITHUB_WORKFLOW_REF']}"
    if os.environ.get("GITHUB_RUN_ID") and os.environ.get("GITHUB_REPOSITORY"):
        out["invocation"] = (f"{server}/{os.environ['GITHUB_REPOSITORY']}/actions/runs/{os.environ['GITHUB_RUN_ID']}"
                             f"/attempts/{os.environ.get('GITHUB_RUN_ATTEMPT') or '1'}")
    return out

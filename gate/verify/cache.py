"""On-disk cache of immutable Hub answers, keyed by (endpoint, kind, id, commit sha).

What a commit holds never changes, so a pinned reference verified once needs no request again. Plain JSON
files written atomically: safe to share through `actions/cache` and between concurrent runs. Never cached:
negative answers (a repo may be created or made accessible; a commit on no branch may be merged) and branch or
tag resolutions (they move). Answers
whose security scan says `scansDone: false` are cached like the others: the real Hub sends that for scanned
repositories too, and the scan is re-fetched after MAX_AGE like every repository-level flag. Repository-level flags that can change (gated, disabled,
security scan results) are re-fetched once an entry is older than MAX_AGE.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from gate.discover.hubids import is_pinned
from gate.verify.interface import RepoAnswer, RepoQuery

DEFAULT_CACHE_DIR = "~/.cache/model-gate"
FORMAT = "verify-v3"  # v2: refs, per-file verdicts, anonymous 401 (issue 13 §2); v3: + model card lineage (`card`)
MAX_AGE = 7 * 24 * 3600


class AnswerCache:
    def __init__(self, directory: str | None, registry_url: str):
        self.root = Path(os.path.expanduser(directory or DEFAULT_CACHE_DIR))
        # One namespace per endpoint: answers from a mirror or an emulator never mix with huggingface.co.
        self._namespace = hashlib.sha256(registry_url.rstrip("/").encode()).hexdigest()[:16]
        self.write_errors = 0

    def _path(self, kind: str, repo_id: str, sha: str) -> Path:
        if not is_pinned(sha):  # the sha names a file: only a real commit sha may (never `../..`)
            raise ValueError(f"not a commit sha: {sha[:60]!r}")
        return self.root / FORMAT / self._namespace / kind / quote(repo_id, safe="") / f"{sha}.json"

    def get(self, query: RepoQuery, needed_git_files: tuple[str, ...] = ()) -> RepoAnswer | None:
        """The cached answer for a pinned query, if fresh and complete enough for `needed_git_files`."""
        if not query.pinned:
            return None
        try:
            record = json.loads(self._path(query.kind, query.id, query.revision or "").read_text(encoding="utf-8"))
            if time.time() - float(record["fetched_at"]) > MAX_AGE:
                return None
            answer = RepoAnswer.from_json(record["answer"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or unreadable: ask again
        hashed = {name for name, _ in answer.file_sha256}
        for name in needed_git_files:
            stored = answer.file(name)
            if stored is not None and stored.lfs_sha256 is None and name not in hashed:
                return None
        from dataclasses import replace

        return replace(answer, query=query)

    def put(self, answer: RepoAnswer) -> None:
        if answer.status != "ok" or not is_pinned(answer.sha):
            return
        if answer.refs == ():  # on no branch or tag yet: a merge can change that, so it is asked again
            return
        if (answer.card or {}).get("adapter_error"):
            return  # an adapter config that could not be read may be readable next time
        path = self._path(answer.query.kind, answer.query.id, answer.sha or "")
        record = {"fetched_at": time.time(), "answer": answer.to_json()}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle, sort_keys=True)
            os.replace(tmp, path)
        except OSError:
            self.write_errors += 1  # a read-only or full cache must not fail the gate

"""Ask the Hub which commit a branch or tag points at now: one query per distinct (kind, id, revision).

The questions go through the verification stage's `HubService` (the real `huggingface_hub` client, with its
retries, timeouts and error wording), so `pin` and `scan --verify` fail the same way and say the same things.
The endpoint is `--hub-endpoint`, else HF_ENDPOINT, else huggingface.co; HF_TOKEN is sent but never printed.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from gate.errors import GateError

DEFAULT_ENDPOINT = "https://huggingface.co"
MAX_CONCURRENT = 8


@dataclass(frozen=True)
class Resolution:
    """The answer for one (kind, id, revision): a commit, or why there is none."""

    sha: str | None
    error: str | None = None
    files: tuple[tuple[str, str], ...] = ()
    """(file name, LFS sha256) for the files the Hub stores in LFS at that commit."""


def hub_endpoint(explicit: str | None) -> str:
    return (explicit or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def hub_unreachable(endpoint: str) -> str | None:
    """None when the endpoint answers at all (any HTTP status); else one line saying why not. One attempt with a
    short timeout: offline, `pin` and `init` say so in seconds instead of retrying every query with backoff."""
    import requests

    try:
        requests.head(endpoint, timeout=5, allow_redirects=False)
    except requests.RequestException as exc:
        import re

        errno = re.search(r"\[Errno -?\d+\] [^'\")]+", str(exc))  # `[Errno 111] Connection refused`
        reason = errno.group(0) if errno else type(exc).__name__
        return (f"cannot connect to {endpoint} ({reason}; one attempt: check the network, HF_ENDPOINT or "
                "--hub-endpoint)")
    return None


def _redact(text: str, token: str | None) -> str:
    return text.replace(token, "***") if token and len(token) >= 4 else text


def resolve_revisions(queries: Iterable[tuple[str, str, str | None]], *, endpoint: str) -> dict[tuple, Resolution]:
    """{(kind, id, revision): Resolution} for each distinct query; the revision None means the default branch."""
    from gate.verify.hub import HubService
    from gate.verify.interface import RepoQuery, VerifySettings

    distinct = list(dict.fromkeys(queries))
    if not distinct:
        return {}
    token = os.environ.get("HF_TOKEN") or None
    settings = VerifySettings.from_environment(os.environ, jobs=MAX_CONCURRENT)
    deadline_at = time.monotonic() + settings.deadline

    with tempfile.TemporaryDirectory(prefix="model-gate-pin-", ignore_cleanup_errors=True) as download_dir:
        service = HubService(endpoint, token, settings, deadline_at, download_dir)

        def ask(query: tuple[str, str, str | None]) -> Resolution:
            kind, repo_id, revision = query
            where = f"{kind} {repo_id}" + (f"@{revision}" if revision else "")
            try:
                answer = service.answer(RepoQuery(kind, repo_id, revision))
            except GateError as exc:  # the service already retried; this is the final word
                return Resolution(None, _redact(str(exc), token))
            except Exception as exc:  # noqa: BLE001 - any client failure is reported, never guessed past
                return Resolution(None, _redact(f"{where} at {endpoint}: {type(exc).__name__}: {exc}", token))
            if answer.status == "ok" and answer.sha:
                lfs = tuple((f.path, f.lfs_sha256) for f in answer.files if f.lfs_sha256)
                return Resolution(answer.sha, None, lfs)
            reason = {
                "revision-not-found": f"revision {revision!r} not found in {kind} {repo_id} at {endpoint}",
                "repo-not-found": (f"{kind} {repo_id} not found at {endpoint}: missing, private, or disabled (set "
                                   "HF_TOKEN to tell them apart)" if answer.anonymous else
                                   f"{kind} {repo_id} not found at {endpoint} (or private: set HF_TOKEN)"),
                "disabled": f"{kind} {repo_id} is disabled on the Hub",
            }.get(answer.status, f"{where}: unexpected answer {answer.status!r}")
            return Resolution(None, reason)

        with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT, len(distinct)), thread_name_prefix="pin") as pool:
            return dict(zip(distinct, pool.map(ask, distinct), strict=True))

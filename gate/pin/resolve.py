"""Ask the Hub which commit a branch or tag points at now: one query per distinct (kind, id, revision).

The questions go through the verification stage (`gather_hub`: the real `huggingface_hub` client, with its
retries, timeouts and error wording), so `pin` and `scan --verify` fail the same way and say the same things.
The endpoint is `--hub-endpoint`, else HF_ENDPOINT, else huggingface.co; HF_TOKEN is sent but never printed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

from gate.vocabulary import DEFAULT_HUB_ENDPOINT as DEFAULT_ENDPOINT

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


def resolve_revisions(queries: Iterable[tuple[str, str, str | None]], *, endpoint: str) -> dict[tuple, Resolution]:
    """{(kind, id, revision): Resolution} for each distinct query; the revision None means the default branch.

    Asked through the verification stage (`gate.verify.run.gather_hub`): the same queries, client, retries,
    deadline and wording as `scan --verify`; only the answers' commits are used here."""
    from gate.verify.interface import RepoQuery, VerifyConfig
    from gate.verify.run import gather_hub

    distinct = list(dict.fromkeys(queries))
    if not distinct:
        return {}
    with tempfile.TemporaryDirectory(prefix="model-gate-pin-", ignore_cleanup_errors=True) as cache_dir:
        # Moving revisions are never cached; the temporary directory keeps pin from writing the user's cache.
        config = VerifyConfig.from_environment(os.environ, hub_endpoint=endpoint, jobs=MAX_CONCURRENT,
                                               cache_dir=cache_dir)
        evidence = gather_hub({RepoQuery(*query): () for query in distinct}, config, lineage_depth=0)
    resolutions: dict[tuple, Resolution] = {}
    for query in distinct:
        repo_query = RepoQuery(*query)
        kind, repo_id, revision = query
        if repo_query in evidence.failures:
            resolutions[query] = Resolution(None, f"{repo_query.label()}: {evidence.failures[repo_query]}")
            continue
        answer = evidence.answers[repo_query]
        if answer.status == "ok" and answer.sha:
            lfs = tuple((f.path, f.lfs_sha256) for f in answer.files if f.lfs_sha256)
            resolutions[query] = Resolution(answer.sha, None, lfs)
            continue
        where = f"{kind} {repo_id}" + (f"@{revision}" if revision else "")
        reason = {
            "revision-not-found": f"revision {revision!r} not found in {kind} {repo_id} at {endpoint}",
            "repo-not-found": (f"{kind} {repo_id} not found at {endpoint}: missing, private, or disabled (set "
                               "HF_TOKEN to tell them apart)" if answer.anonymous else
                               f"{kind} {repo_id} not found at {endpoint} (or private: set HF_TOKEN)"),
            "disabled": f"{kind} {repo_id} is disabled on the Hub",
        }.get(answer.status, f"{where}: unexpected answer {answer.status!r}")
        resolutions[query] = Resolution(None, reason)
    return resolutions

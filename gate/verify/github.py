"""torch.hub references (`owner/repo:ref`) checked through the GitHub REST API with `requests`.

`GITHUB_API_URL` (set by GitHub Actions, also for GitHub Enterprise) and `GITHUB_TOKEN` are honoured.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import quote

from gate.discover.hubids import is_pinned
from gate.verify.interface import RepoAnswer, RepoQuery, RepoService, VerifySettings
from gate.verify.retry import RETRY_STATUSES, Failure, call_with_retries, http_status, retry_after_seconds
from gate.verify.retry import FailedAttempt as _Transient
from gate.vocabulary import DEFAULT_GITHUB_API

DEFAULT_API_URL = DEFAULT_GITHUB_API


def classify_github_error(exc: BaseException) -> Failure | None:
    import requests

    if isinstance(exc, _Transient):
        return exc.failure
    if isinstance(exc, requests.Timeout):
        return Failure("the request timed out", transient=True)
    if isinstance(exc, requests.ConnectionError):
        return Failure(f"cannot connect or the connection was dropped ({exc})", transient=True)
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError,
                        ValueError)):
        return Failure(f"malformed answer ({exc})", transient=True)
    return None


class GitHubService(RepoService):
    def __init__(self, api_url: str, token: str | None, settings: VerifySettings, deadline_at: float):
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._settings = settings
        self._deadline_at = deadline_at
        self._local = threading.local()

    def _session(self) -> Any:
        import requests

        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update({"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                                    "User-Agent": "model-gate"})
            if self._token:
                session.headers["Authorization"] = f"Bearer {self._token}"
            self._local.session = session
        return session

    def answer(self, query: RepoQuery, pinned_files: tuple[str, ...] = ()) -> RepoAnswer:
        ref = query.revision or "HEAD"
        url = f"{self.api_url}/repos/{query.id}/commits/{quote(ref, safe='')}"

        def attempt(timeout: float) -> RepoAnswer:
            response = self._session().get(url, timeout=timeout)
            status = response.status_code
            if status == 200:
                sha = response.json().get("sha")
                if not isinstance(sha, str):
                    raise ValueError("no commit sha in GitHub's answer")
                if not is_pinned(sha):
                    raise _Transient(Failure(f"GitHub's answer gives {sha[:60]!r} as the commit, which is not a "
                                             "40-character lowercase hex commit sha", transient=False))
                if query.pinned and sha != query.revision:
                    return RepoAnswer(query, "revision-not-found")
                return RepoAnswer(query, "ok", sha=sha, canonical_id=query.id)
            if status == 404:
                return RepoAnswer(query, "repo-not-found")
            if status == 422:
                return RepoAnswer(query, "revision-not-found")
            # Primary limits say `x-ratelimit-remaining: 0`; secondary limits send a 403 with `Retry-After`.
            rate_limited = status in (403, 429) and (response.headers.get("x-ratelimit-remaining") == "0"
                                                     or "Retry-After" in response.headers)
            if status in RETRY_STATUSES or rate_limited:
                wait = retry_after_seconds(response.headers)
                reset = response.headers.get("x-ratelimit-reset")
                if wait is None and rate_limited and reset and reset.isdigit():
                    wait = max(0.0, int(reset) - time.time())
                reason = "GitHub API rate limit exceeded (set GITHUB_TOKEN)" if rate_limited else http_status(status)
                raise _Transient(Failure(reason, transient=True, retry_after=wait))
            hint = "; check GITHUB_TOKEN" if status in (401, 403) else ""
            raise _Transient(Failure(f"{http_status(status)}{hint}", transient=False))

        return call_with_retries(attempt, classify_github_error, settings=self._settings,
                                 deadline_at=self._deadline_at, what=f"{query.label()}: asking {self.api_url}")

"""`gather_hub`: the Hub and GitHub part of the verification stage. I/O only: queries in, evidence out.

The queries arrive deduplicated (one per kind/id/revision, with the files a policy pins, planned by
`gate.policy.judge.plan_hub`). Pinned ones are answered from the cache, the rest asked concurrently; the models
answered are traced to their ancestors (gate/verify/lineage.py). A query without an answer keeps its reason: the
judge turns it into `verification-failed` (error, exit 3) unless `--verify-failure warn` /
`defaults.verify_failure: warn`.

Concurrency: `--jobs N` caps concurrent queries too; unset, 16 queries run at once. Tuning (read at the edge into
`VerifyConfig.settings`, seconds unless noted):
  MODEL_GATE_VERIFY_DEADLINE (300)  the whole verification; MODEL_GATE_VERIFY_TIMEOUT (20) one request;
  MODEL_GATE_VERIFY_ATTEMPTS (5, count) tries per query; MODEL_GATE_VERIFY_BACKOFF (1) first retry wait.
Endpoints and tokens (`VerifyConfig`): --hub-endpoint, else HF_ENDPOINT, else https://huggingface.co; HF_TOKEN;
GITHUB_API_URL (else https://api.github.com) and GITHUB_TOKEN for torch.hub references; MLflow references go to
their registry (gate/verify/mlflow.py). Tokens never appear in evidence, stats or messages.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from gate.errors import VerificationError
from gate.verify.cache import AnswerCache
from gate.verify.interface import (
    DEFAULT_JOBS,
    HubEvidence,
    RepoAnswer,
    RepoQuery,
    RepoService,
    VerifyConfig,
    VerifySettings,
    query_for,
)
from gate.verify.lineage import DEFAULT_MAX_DEPTH, Traced

__all__ = ["DEFAULT_JOBS", "HubEvidence", "gather_hub", "query_for"]



class _Asker:
    """Answers one query: the right service, created on first use (the Hub client is a heavy import)."""

    def __init__(self, config: VerifyConfig, deadline_at: float, download_dir: str):
        self._config, self._deadline_at, self._download_dir = config, deadline_at, download_dir
        self._hub: RepoService | None = None
        self._github: RepoService | None = None

    def prepare(self, queries: list[RepoQuery]) -> None:
        # Created up front on the calling thread: lazy imports are not something to race on.
        config = self._config
        if any(q.kind != "github" for q in queries):
            from gate.verify.hub import HubService

            self._hub = HubService(config.hub_endpoint, config.hub_token, config.settings, self._deadline_at,
                                   self._download_dir)
        if any(q.kind == "github" for q in queries):
            from gate.verify.github import GitHubService

            self._github = GitHubService(config.github_api, config.github_token, config.settings, self._deadline_at)

    def __call__(self, query: RepoQuery, pinned_files: tuple[str, ...]) -> RepoAnswer:
        service = self._github if query.kind == "github" else self._hub
        assert service is not None  # prepare() made it
        return service.answer(query, pinned_files)


def gather_hub(queries: Mapping[RepoQuery, tuple[str, ...]], config: VerifyConfig, *,
               lineage_depth: int = DEFAULT_MAX_DEPTH) -> HubEvidence:
    """Evidence for `queries` (query -> the files whose sha256 a policy pins): cached answers for pinned
    revisions, the rest asked concurrently within the deadline; then the answered models' lineage."""
    started = time.monotonic()
    settings = config.settings
    deadline_at = started + settings.deadline
    caches = {"hub": AnswerCache(config.cache_dir, config.hub_endpoint),
              "github": AnswerCache(config.cache_dir, f"github:{config.github_api}")}

    def cache_for(query: RepoQuery) -> AnswerCache:
        return caches["github" if query.kind == "github" else "hub"]

    answers: dict[RepoQuery, RepoAnswer] = {}
    for query, files in queries.items():
        cached = cache_for(query).get(query, files)
        if cached is not None:
            answers[query] = cached
    cache_hits = len(answers)
    failures: dict[RepoQuery, str] = {}
    pending = [q for q in queries if q not in answers]
    if pending:
        with tempfile.TemporaryDirectory(prefix="model-gate-", ignore_cleanup_errors=True) as download_dir:
            fetched, failures = _ask_concurrently(_Asker(config, deadline_at, download_dir), pending, queries,
                                                  settings, deadline_at)
        for query, answer in fetched.items():
            cache_for(query).put(answer)
        answers.update(fetched)
    failures = {query: config.redact(reason) for query, reason in failures.items()}
    ordered = {query: answers[query] for query in queries if query in answers}

    traced = _trace_lineage(ordered, caches["hub"], config, deadline_at, lineage_depth)
    stats: dict[str, Any] = {
        "endpoint": config.hub_endpoint,
        "queries": len(queries),
        "cache_hits": cache_hits,
        "fetched": len(queries) - cache_hits - len(failures),
        "failed": len(failures),
        "jobs": settings.jobs,
        "seconds": round(time.monotonic() - started, 3),
    }
    canonical_ids = {query.id: answer.canonical_id for query, answer in ordered.items()
                     if answer.canonical_id and answer.canonical_id != query.id}
    if canonical_ids:
        stats["canonical_ids"] = canonical_ids
    if traced.lineages:
        stats["lineage"] = {"models": len(traced.lineages), "ancestors_asked": traced.asked,
                            "ancestors_failed": traced.failed}
    if any(cache.write_errors for cache in caches.values()):
        stats["cache_write_errors"] = sum(cache.write_errors for cache in caches.values())
    return HubEvidence(hub_endpoint=config.hub_endpoint, github_api=config.github_api, answers=ordered,
                       failures=failures, lineages=traced.lineages, stats=stats)


def _trace_lineage(answers: Mapping[RepoQuery, RepoAnswer], cache: AnswerCache, config: VerifyConfig,
                   deadline_at: float, depth: int) -> Traced:
    """Lineage of the models the Hub answered (gate/verify/lineage.py); ancestors asked like any other query."""
    from gate.verify.lineage import trace

    def ask(queries: list[RepoQuery]) -> tuple[dict[RepoQuery, RepoAnswer], dict[RepoQuery, str]]:
        with tempfile.TemporaryDirectory(prefix="model-gate-", ignore_cleanup_errors=True) as download_dir:
            fetched, failures = _ask_concurrently(_Asker(config, deadline_at, download_dir), queries,
                                                  {q: () for q in queries}, config.settings, deadline_at)
        for answer in fetched.values():
            cache.put(answer)
        return fetched, {query: config.redact(reason) for query, reason in failures.items()}

    return trace(answers, ask, depth)


def _ask_concurrently(asker: _Asker, pending: list[RepoQuery], pinned_files: Mapping[RepoQuery, tuple[str, ...]],
                      settings: VerifySettings,
                      deadline_at: float) -> tuple[dict[RepoQuery, RepoAnswer], dict[RepoQuery, str]]:
    """Answers and failure reasons for `pending`, at most `settings.jobs` at a time, within the deadline."""
    answers: dict[RepoQuery, RepoAnswer] = {}
    failures: dict[RepoQuery, str] = {}
    asker.prepare(pending)
    pool = ThreadPoolExecutor(max_workers=min(settings.jobs, len(pending)), thread_name_prefix="verify")
    futures = {pool.submit(asker, query, pinned_files[query]): query for query in pending}
    done, not_done = wait(futures, timeout=max(0.0, deadline_at - time.monotonic()) + 1.0)
    for future in not_done:
        future.cancel()
        failures[futures[future]] = f"no answer within the {settings.deadline:g} s verification deadline"
    # Workers still running stop on their own at the deadline (every attempt checks it); do not wait for them.
    pool.shutdown(wait=False, cancel_futures=True)
    for future in done:
        query = futures[future]
        try:
            answers[query] = future.result()
        except VerificationError as exc:  # its message starts with the query's label; the finding says it once
            failures[query] = str(exc).removeprefix(f"{query.label()}: ")
        except Exception as exc:  # noqa: BLE001 - fail closed on anything unexpected, and say what
            failures[query] = f"unexpected {type(exc).__name__}: {exc}"
    return answers, failures

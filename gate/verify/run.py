"""`verify_references`: the verification stage as the pipeline calls it.

Deduplicate references into queries (one per kind/id/revision), answer pinned ones from the cache, ask the
rest concurrently, turn answers into findings, and fail closed: a query without an answer becomes a
`verification-failed` finding (error, exit 3) unless `--verify-failure warn` / `defaults.verify_failure: warn`.

Concurrency: `--jobs N` (ScanOptions.jobs) caps concurrent queries too; unset, 16 queries run at once.
Tuning through the environment (seconds unless noted):
  MODEL_GATE_VERIFY_DEADLINE (300)  the whole verification; MODEL_GATE_VERIFY_TIMEOUT (20) one request;
  MODEL_GATE_VERIFY_ATTEMPTS (5, count) tries per query; MODEL_GATE_VERIFY_BACKOFF (1) first retry wait.
Endpoints and tokens: --hub-endpoint, else HF_ENDPOINT, else https://huggingface.co; HF_TOKEN;
GITHUB_API_URL (else https://api.github.com) and GITHUB_TOKEN for torch.hub references; MLflow references go to
their registry (gate/verify/mlflow.py: MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN). Tokens never appear in
findings, stats or messages.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import replace

from gate.errors import UsageError, VerificationError
from gate.verify.cache import AnswerCache
from gate.verify.checks import findings_for, resolved_pin
from gate.verify.interface import RepoAnswer, RepoQuery, VerifyOutcome, VerifySettings

DEFAULT_JOBS = 16
_ENV_SETTINGS = {
    "MODEL_GATE_VERIFY_DEADLINE": ("deadline", float),
    "MODEL_GATE_VERIFY_TIMEOUT": ("request_timeout", float),
    "MODEL_GATE_VERIFY_ATTEMPTS": ("attempts", int),
    "MODEL_GATE_VERIFY_BACKOFF": ("backoff", float),
}


def settings_from(options) -> VerifySettings:
    values: dict = {"jobs": getattr(options, "jobs", None) or DEFAULT_JOBS}
    for variable, (name, kind) in _ENV_SETTINGS.items():
        raw = os.environ.get(variable)
        if not raw:
            continue
        try:
            value = kind(raw)
        except ValueError:
            raise UsageError(f"{variable} must be a number, got {raw!r}") from None
        if value <= 0 and name != "backoff":
            raise UsageError(f"{variable} must be positive, got {raw!r}")
        values[name] = value
    return VerifySettings(**values)


def query_for(reference) -> RepoQuery | None:
    """What to ask about a reference, or None when there is nothing a registry can answer."""
    if reference.dynamic or not reference.id or reference.role == "publish":
        return None  # a publish target is where the code pushes, not something it loads: nothing to confirm
    if reference.source == "torchhub":
        repo_id, _, ref = reference.id.partition(":")
        return RepoQuery("github", repo_id, ref or reference.revision)
    if reference.source == "huggingface" and reference.kind in ("model", "dataset"):
        return RepoQuery(reference.kind, reference.id, reference.revision)
    return None


def _redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


class _Asker:
    """Answers one query: the right service, created on first use (the Hub client is a heavy import)."""

    def __init__(self, settings: VerifySettings, deadline_at: float, hub_endpoint: str, hub_token: str | None,
                 github_api: str, github_token: str | None, download_dir: str):
        self._args = (settings, deadline_at)
        self.hub_endpoint, self._hub_token, self.github_api, self._github_token = (
            hub_endpoint, hub_token, github_api, github_token)
        self._download_dir = download_dir
        self._hub = self._github = None

    def prepare(self, queries) -> None:
        # Created up front on the calling thread: lazy imports are not something to race on.
        if any(q.kind != "github" for q in queries):
            from gate.verify.hub import HubService

            self._hub = HubService(self.hub_endpoint, self._hub_token, *self._args, self._download_dir)
        if any(q.kind == "github" for q in queries):
            from gate.verify.github import GitHubService

            self._github = GitHubService(self.github_api, self._github_token, *self._args)

    def __call__(self, query: RepoQuery, pinned_files: tuple[str, ...]) -> RepoAnswer:
        service = self._github if query.kind == "github" else self._hub
        return service.answer(query, pinned_files)


def verify_references(policy, references, findings, options, *, mode: str = "hub") -> VerifyOutcome:
    started = time.monotonic()
    settings = settings_from(options)
    deadline_at = started + settings.deadline
    hub_endpoint = (getattr(options, "hub_endpoint", None) or os.environ.get("HF_ENDPOINT")
                    or "https://huggingface.co").rstrip("/")
    github_api = (os.environ.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
    hub_token = os.environ.get("HF_TOKEN") or None
    github_token = os.environ.get("GITHUB_TOKEN") or None
    registry_secrets = tuple(os.environ.get(v) for v in ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_PASSWORD"))
    secrets = tuple(t for t in (hub_token, github_token, *registry_secrets) if t and len(t) >= 4)
    references = tuple(references)
    users, pinned_files = _plan(policy, references)

    caches = {"hub": AnswerCache(getattr(options, "cache_dir", None), hub_endpoint),
              "github": AnswerCache(getattr(options, "cache_dir", None), f"github:{github_api}")}

    def cache_for(query: RepoQuery) -> AnswerCache:
        return caches["github" if query.kind == "github" else "hub"]

    answers: dict[RepoQuery, RepoAnswer] = {}
    for query in users:
        cached = cache_for(query).get(query, pinned_files[query])
        if cached is not None:
            answers[query] = cached
    cache_hits = len(answers)
    failures: dict[RepoQuery, str] = {}
    pending = [q for q in users if q not in answers]
    if pending:
        with tempfile.TemporaryDirectory(prefix="model-gate-", ignore_cleanup_errors=True) as download_dir:
            asker = _Asker(settings, deadline_at, hub_endpoint, hub_token, github_api, github_token, download_dir)
            fetched, failures = _ask_concurrently(asker, pending, pinned_files, settings, deadline_at)
        for query, answer in fetched.items():
            cache_for(query).put(answer)
        answers.update(fetched)

    updated = _judged_by_canonical_id(policy, list(findings), references, users, answers, failures, options)
    new = []
    canonical_ids = {}
    confirmed: set[int] = set()
    unconfirmed: set[int] = set()
    for query, indexes in users.items():
        if query in failures:
            reason = _redact(failures[query], secrets)
            new.append(_failed(query, indexes, references, reason, hub_endpoint, github_api))
            continue
        answer = answers[query]
        registry = f"GitHub ({github_api})" if query.kind == "github" else hub_endpoint
        if answer.canonical_id and answer.canonical_id != query.id:
            canonical_ids[query.id] = answer.canonical_id
        for index in indexes:
            if references[index].confidence == "medium":
                if answer.status == "repo-not-found":
                    unconfirmed.add(index)
                    new.append(_unconfirmed(index, references[index], registry))
                    continue
                confirmed.add(index)  # the Hub knows the repository: judged like any other from here on
            new.extend(findings_for(policy, index, references[index], answer, registry=registry))
        if answer.status == "ok" and not query.pinned:
            updated = [_with_resolved_pin(f, references, answer) if f.rule == "unpinned-revision"
                       and f.reference in indexes else f for f in updated]

    traced = _trace_lineage(policy, references, answers, caches["hub"], settings, deadline_at, secrets,
                            lambda directory: _Asker(settings, deadline_at, hub_endpoint, hub_token, github_api,
                                                     github_token, directory))
    if traced.lineages:
        from gate.verify.lineage import judge, with_lineages

        references = with_lineages(references, traced.lineages)
        new.extend(judge(policy, references, traced.lineages))

    if unconfirmed:  # not a repository the Hub knows: its policy findings (unpinned, unlisted, ...) do not apply
        updated = [f for f in updated if f.reference not in unconfirmed]
    if confirmed:
        references = tuple(replace(r, confidence="high") if i in confirmed else r for i, r in enumerate(references))

    registry_stats = None
    if any(r.source == "mlflow" for r in references):  # MLflow registries (gate/verify/mlflow_run.py)
        from gate.verify.mlflow_checks import resolved_registry_pin
        from gate.verify.mlflow_run import verify_registry_references

        registry_outcome = verify_registry_references(policy, references, settings, deadline_at)
        new.extend(registry_outcome.findings)
        updated = [resolved_registry_pin(f, references, registry_outcome.resolved) for f in updated]
        registry_stats = registry_outcome.stats
    new = [f.with_(message=_redact(f.message, secrets), remediation=_redact(f.remediation, secrets)) for f in new]
    new = _apply_policy(policy, new, references, options)
    failure_mode = getattr(options, "verify_failure", None) or policy.defaults.verify_failure or "error"
    if failure_mode == "warn":
        new = [f.with_(severity="warning") if f.rule == "verification-failed" and f.severity == "error" else f
               for f in new]
    stats = {
        "mode": mode,
        "endpoint": hub_endpoint,
        "queries": len(users),
        "cache_hits": cache_hits,
        "fetched": len(users) - cache_hits - len(failures),
        "failed": len(failures),
        "jobs": settings.jobs,
        "seconds": round(time.monotonic() - started, 3),
        "on_failure": failure_mode,
    }
    if canonical_ids:
        stats["canonical_ids"] = canonical_ids
    if traced.lineages:
        stats["lineage"] = {"models": len(traced.lineages), "ancestors_asked": traced.asked,
                            "ancestors_failed": traced.failed}
    if registry_stats is not None:
        stats["mlflow"] = registry_stats
    if any(cache.write_errors for cache in caches.values()):
        stats["cache_write_errors"] = sum(cache.write_errors for cache in caches.values())
    return VerifyOutcome(references=references, findings=tuple(updated + new), stats=stats)


def _trace_lineage(policy, references, answers, cache: AnswerCache, settings: VerifySettings, deadline_at: float,
                   secrets: tuple[str, ...], make_asker):
    """Lineage of the models the Hub answered (gate/verify/lineage.py); ancestors asked like any other query."""
    from gate.verify.lineage import trace

    def ask(queries):
        with tempfile.TemporaryDirectory(prefix="model-gate-", ignore_cleanup_errors=True) as download_dir:
            fetched, failures = _ask_concurrently(make_asker(download_dir), queries, {q: () for q in queries},
                                                  settings, deadline_at)
        for answer in fetched.values():
            cache.put(answer)
        return fetched, {query: _redact(reason, secrets) for query, reason in failures.items()}

    return trace(policy, references, answers, ask)


def _judged_by_canonical_id(policy, findings, references, users, answers, failures, options):
    """Policy entries match a moved repository's canonical id (issue 13 §2.7): the policy-stage findings of a
    reference whose repository was renamed or transferred are judged again under the id the Hub answered for."""
    from gate.verify.checks import is_transfer

    moved = {index: answers[query].canonical_id for query, indexes in users.items()
             if query not in failures and answers[query].status == "ok"
             and is_transfer(query.id, answers[query].canonical_id) for index in indexes}
    if not moved:
        return findings
    from gate.policy.evaluate import evaluate
    from gate.policy.rules import all_rules

    policy_rules = {rule_id for rule_id, rule in all_rules().items() if rule.stage == "policy"}
    renamed = tuple(replace(r, id=moved[i]) if i in moved else r for i, r in enumerate(references))
    again = [f for f in evaluate(policy, renamed, getattr(options, "today", None), judge_confidence=False)
             if f.reference in moved and f.rule in policy_rules]
    return [f for f in findings if not (f.reference in moved and f.rule in policy_rules)] + again


def _plan(policy, references) -> tuple[dict[RepoQuery, list[int]], dict[RepoQuery, tuple[str, ...]]]:
    """Distinct queries with the indexes of the references that share each, and the files their entries pin."""
    users: dict[RepoQuery, list[int]] = {}
    pinned: dict[RepoQuery, set[str]] = {}
    for index, reference in enumerate(references):
        query = query_for(reference)
        if query is None:
            continue
        users.setdefault(query, []).append(index)
        entry = policy.entry_for(reference) if query.kind != "github" else None
        pinned.setdefault(query, set()).update((entry.files if entry is not None else {}).keys())
    return users, {query: tuple(sorted(names)) for query, names in pinned.items()}


def _ask_concurrently(asker: _Asker, pending: list[RepoQuery], pinned_files, settings: VerifySettings,
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


def _with_resolved_pin(finding, references, answer: RepoAnswer):
    reference = references[finding.reference]
    details = {**finding.details, "resolved_sha": answer.sha, "followed": reference.revision or "main"}
    if answer.canonical_id and answer.canonical_id != reference.id:
        details["canonical_id"] = answer.canonical_id
    return replace(finding, remediation=resolved_pin(reference, answer), details=details)


def _failed(query: RepoQuery, indexes: list[int], references, reason: str, hub_endpoint: str, github_api: str):
    from gate.policy.rules.verification_failed import RULE

    first = references[indexes[0]]
    count = f" ({len(indexes)} references)" if len(indexes) > 1 else ""
    where = github_api if query.kind == "github" else hub_endpoint
    token = "GITHUB_TOKEN" if query.kind == "github" else "HF_TOKEN"
    return RULE.finding(
        message=f"could not verify {query.label()}{count}: {reason}",
        remediation=f"check that {where} is reachable and that {token} (if needed) is valid, then re-run; "
                    "`--verify-failure warn` lets the scan pass unverified (an explicit opt-out)",
        path=first.path, line=first.line, reference=indexes[0],
        details={"kind": query.kind, "id": query.id, "revision": query.revision, "reason": reason,
                 "references": list(indexes)})


def _unconfirmed(index: int, reference, registry: str):
    from gate.policy.rules.unconfirmed_reference import RULE

    return RULE.finding(
        message=(f"{reference.kind} '{reference.id}' was found by context alone ({reference.api}, confidence medium) "
                 f"and {registry} does not know it: most likely not a Hub repository (a local name, another "
                 "service's id), or a private one the token cannot see"),
        remediation=("nothing to do if it is not a Hub repository; if it is a private one, verify with an HF_TOKEN "
                     "that can read it"),
        path=reference.path, line=reference.line, reference=index,
        details={"id": reference.id, "confidence": "medium"})


def _apply_policy(policy, new, references, options):
    try:
        from gate.policy.evaluate import apply_overrides_and_waivers
    except ImportError:  # the policy stage predates this function
        return new
    return apply_overrides_and_waivers(policy, new, references, getattr(options, "today", None))


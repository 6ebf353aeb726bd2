"""Hub queries through the real `huggingface_hub` client (HfApi.model_info / dataset_info, hf_hub_download).

`huggingface_hub` reads HF_ENDPOINT once at import, so the endpoint is always passed explicitly.
Heavy import: only inside functions.
"""

from __future__ import annotations

import hashlib
from typing import Any

from gate.verify.interface import (
    FileVerdict,
    RepoAnswer,
    RepoFile,
    RepoQuery,
    RepoService,
    SecurityScan,
    VerifySettings,
)
from gate.verify.retry import RETRY_STATUSES, Failure, call_with_retries, http_status, retry_after_seconds

PATHS_PER_REQUEST = 500
"""Files per paths-info request (its body lists every path)."""


def rate_limit(headers: Any) -> tuple[float | None, str]:
    """(seconds to wait, what to say) for a 429. huggingface.co sends `RateLimit: "api";r=0;t=55` and
    `RateLimit-Policy: "fixed window";"api";q=500;w=300`, not `Retry-After` (parsed by huggingface_hub's own
    `parse_ratelimit_headers`); the wait is the reset time plus one second, as huggingface_hub waits."""
    from huggingface_hub.utils import parse_ratelimit_headers

    info = parse_ratelimit_headers(headers) if headers is not None else None
    if info is None or info.remaining != 0:
        return retry_after_seconds(headers), ""
    window = (f"{info.limit} requests per {info.window_seconds} s window" if info.limit and info.window_seconds
              else "its window")
    return float(info.reset_in_seconds + 1), (f"; the Hub's '{info.resource_type}' rate limit ({window}) is used "
                                              f"up and resets in {info.reset_in_seconds} s")


def _anonymous_401(exc: BaseException, token: str | None) -> bool:
    """The Hub answers an anonymous request for a missing, private or disabled repository with 401 and no
    X-Error-Code; huggingface_hub maps that to RepositoryNotFoundError for https endpoints only, so a plain-http
    mirror's identical answer arrives as a bare HfHubHTTPError (issue 13 §2.3, §2.6)."""
    response = getattr(exc, "response", None)
    return token is None and response is not None and response.status_code == 401


def classify_hub_error(exc: BaseException, token: str | None = None) -> Failure | None:
    """Which client errors are worth a retry, and how to say what went wrong."""
    import httpx2
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, OfflineModeIsEnabled

    if isinstance(exc, OfflineModeIsEnabled):
        return Failure("HF_HUB_OFFLINE is set, so the Hub cannot be asked; unset it to verify", transient=False)
    if isinstance(exc, GatedRepoError):
        return Failure("the repository is gated and the token has no access "
                       "(set HF_TOKEN to a token that was granted access)", transient=False)
    if isinstance(exc, HfHubHTTPError):
        response = exc.response
        status = response.status_code if response is not None else None
        detail = (response.headers.get("X-Error-Message") if response is not None else None) or ""
        reason = http_status(status) + (f" ({detail})" if detail else "")
        if status == 429:
            wait, said = rate_limit(response.headers)
            return Failure(reason + said, transient=True, retry_after=wait)
        if status in RETRY_STATUSES:
            return Failure(reason, transient=True, retry_after=retry_after_seconds(response.headers))
        if status == 401 and token is None:  # a plain-http mirror's 401 carries no X-Error-Code (issue 13 §2.6)
            reason += "; the endpoint wants a token and HF_TOKEN is not set"
        elif status in (401, 403):
            reason += "; check that HF_TOKEN is valid and grants read access"
        return Failure(reason, transient=False)
    if isinstance(exc, httpx2.TimeoutException):
        return Failure("the request timed out", transient=True)
    if isinstance(exc, httpx2.ConnectError):
        return Failure(f"cannot connect ({exc})", transient=True)
    if isinstance(exc, (httpx2.RemoteProtocolError, httpx2.NetworkError)):
        return Failure(f"the connection was dropped ({exc})", transient=True)
    if isinstance(exc, ValueError):  # a JSON body cut short, or not JSON at all
        return Failure(f"malformed answer ({exc})", transient=True)
    return None


def _check_sha(sha: Any, where: str) -> str:
    """A commit sha is data from the network: only 40 lowercase hex characters are a commit. Anything else (a
    hostile or broken endpoint) is a failed verification, never a path or text pasted into a file."""
    from gate.discover.hubids import is_pinned
    from gate.errors import VerificationError

    if not isinstance(sha, str) or not is_pinned(sha):
        shown = repr(sha)[:60] if sha else "no commit sha"
        raise VerificationError(f"{where} gives {shown} as the commit, which is not a 40-character lowercase hex "
                                "commit sha; the endpoint is not answering like the Hub")
    return sha


def _check_sha256(value: Any, name: str) -> str:
    """An LFS sha256 is data too: `pin --lock-files` writes it into the policy, checks compare it."""
    import re

    from gate.errors import VerificationError

    if not isinstance(value, str) or re.fullmatch(r"[0-9a-f]{64}", value) is None:
        raise VerificationError(f"the Hub's answer gives {repr(value)[:80]} as the sha256 of {name[:200]!r}, which is "
                                "not 64 lowercase hex characters; the endpoint is not answering like the Hub")
    return value


def _licenses(info: Any) -> tuple[str, ...]:
    card = getattr(info, "card_data", None)
    value = getattr(card, "license", None) if card is not None else None
    if value is None and isinstance(card, dict):
        value = card.get("license")
    if value is None:
        value = [t[len("license:"):] for t in (info.tags or []) if isinstance(t, str) and t.startswith("license:")]
    if isinstance(value, str):
        value = [value]
    return tuple(str(v) for v in value or ())


def _security(info: Any) -> SecurityScan | None:
    status = getattr(info, "security_repo_status", None)
    if not isinstance(status, dict):
        return None
    flagged = tuple(
        (str(item.get("path")), str(item.get("level")).lower())
        for item in status.get("filesWithIssues") or ()
        if isinstance(item, dict) and str(item.get("level")).lower() not in ("safe", "none", "")
    )
    return SecurityScan(done=bool(status.get("scansDone")), flagged=flagged)


ADAPTER_CONFIG = "adapter_config.json"


def _id_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in value or () if isinstance(v, str) and v.strip()] if isinstance(value, list) else []


def card_lineage(info: Any) -> dict:
    """The lineage fields of a model card: `base_model` and `datasets` as lists, `base_model_relation`."""
    card = getattr(info, "card_data", None)
    data = card.to_dict() if card is not None and hasattr(card, "to_dict") else (
        card if isinstance(card, dict) else {})
    relation = data.get("base_model_relation")
    return {"base_model": _id_list(data.get("base_model")), "datasets": _id_list(data.get("datasets")),
            "base_model_relation": relation if isinstance(relation, str) else None,
            "has_card": bool(data)}


def adapter_base(path: str) -> dict:
    """`{"adapter_base": id}` from a downloaded adapter_config.json (JSON only: nothing is executed)."""
    import json

    with open(path, encoding="utf-8") as handle:
        config = json.load(handle)
    base = config.get("base_model_name_or_path") if isinstance(config, dict) else None
    if not isinstance(base, str) or not base.strip():
        return {"adapter_error": f"{ADAPTER_CONFIG} names no base_model_name_or_path"}
    return {"adapter_base": base.strip()}


def _verdict(entry: Any) -> FileVerdict:
    security = entry.security
    scan = security.pickle_import_scan if isinstance(security.pickle_import_scan, dict) else {}
    imports = tuple(
        (f"{item.get('module')}.{item.get('name')}", str(item.get("safety")))
        for item in scan.get("pickleImports") or () if isinstance(item, dict) and item.get("safety") != "innocuous")
    return FileVerdict(entry.path, str(security.status), imports)


class HubService(RepoService):
    def __init__(self, endpoint: str, token: str | None, settings: VerifySettings, deadline_at: float,
                 download_dir: str):
        from huggingface_hub import HfApi

        self.endpoint = endpoint.rstrip("/")
        self._token = token
        self._api = HfApi(endpoint=self.endpoint, token=token)
        self._settings = settings
        self._deadline_at = deadline_at
        self._download_dir = download_dir

    def _retrying(self, what: str, call: Any) -> Any:
        return call_with_retries(call, lambda exc: classify_hub_error(exc, self._token), settings=self._settings,
                                 deadline_at=self._deadline_at, what=what)

    def _info(self, query: RepoQuery, revision: str | None, timeout: float) -> Any:
        if query.kind == "dataset":
            return self._api.dataset_info(query.id, revision=revision, files_metadata=True, timeout=timeout)
        return self._api.model_info(query.id, revision=revision, files_metadata=True, securityStatus=True,
                                    timeout=timeout)

    def answer(self, query: RepoQuery, pinned_files: tuple[str, ...] = ()) -> RepoAnswer:
        from huggingface_hub.errors import (
            DisabledRepoError,
            HfHubHTTPError,
            HFValidationError,
            RepositoryNotFoundError,
            RevisionNotFoundError,
        )

        where = f"{query.label()}: asking {self.endpoint}"

        def attempt(timeout: float) -> RepoAnswer:
            try:
                info = self._info(query, query.revision, timeout)
            except RevisionNotFoundError:
                return RepoAnswer(query, "revision-not-found")
            except DisabledRepoError:
                return RepoAnswer(query, "disabled")
            except (RepositoryNotFoundError, HFValidationError) as exc:  # an id the Hub cannot hold does not exist
                return RepoAnswer(query, "repo-not-found", anonymous=_anonymous_401(exc, self._token))
            except HfHubHTTPError as exc:
                if not _anonymous_401(exc, self._token) or exc.response.headers.get("X-Error-Code"):
                    raise
                return RepoAnswer(query, "repo-not-found", anonymous=True)
            if getattr(info, "disabled", False):
                return RepoAnswer(query, "disabled", canonical_id=info.id)
            _check_sha(info.sha, "the Hub's answer")
            files = tuple(
                RepoFile(s.rfilename, s.size, _check_sha256(s.lfs.sha256, s.rfilename) if s.lfs is not None else None,
                         s.blob_id)
                for s in info.siblings or ()
            )
            gated = info.gated if isinstance(info.gated, str) and info.gated else ("auto" if info.gated else None)
            return RepoAnswer(query, "ok", sha=info.sha, canonical_id=info.id, license=_licenses(info),
                              gated=gated, files=files,
                              security=_security(info) if query.kind == "model" else None,
                              card=card_lineage(info) if query.kind == "model" else None)

        answer = self._retrying(where, attempt)
        if answer.status == "revision-not-found":
            answer = self._with_head(answer)
        elif answer.status == "ok" and pinned_files:
            answer = self._with_git_file_hashes(answer, pinned_files)
        if answer.status == "ok" and answer.file(ADAPTER_CONFIG) is not None and query.kind == "model":
            answer = self._with_adapter_base(answer)
        if answer.status == "ok" and query.pinned:
            answer = self._with_file_verdicts(answer)
            answer = self._with_refs(answer)
        result: RepoAnswer = answer
        return result

    def _with_file_verdicts(self, answer: RepoAnswer) -> RepoAnswer:
        """The Hub's per-file verdicts (paths-info with `expand`): the pickle imports it found in each file, also
        in pickles with other suffixes (`danger.dat`). Asked for every file when the repository-level status is
        not conclusive (`scansDone: false`, or none at all for datasets), else for the flagged files only, to
        name their imports; a clean, fully scanned repository costs no request."""
        from dataclasses import replace

        from huggingface_hub.errors import HfHubHTTPError

        scan = answer.security
        conclusive = scan is not None and scan.done
        paths = [p for p, _ in scan.flagged] if scan is not None and conclusive else [f.path for f in answer.files]
        if not paths:
            return answer

        def ask(timeout: float, batch: list[str]) -> Any:
            try:
                return self._api.get_paths_info(answer.query.id, batch, revision=answer.sha,
                                                 repo_type=answer.query.kind, expand=True)
            except HfHubHTTPError as exc:
                if exc.response is not None and exc.response.status_code in (404, 405):
                    return None  # an endpoint without paths-info (an older mirror): no per-file evidence
                raise

        entries = []
        for start in range(0, len(paths), PATHS_PER_REQUEST):
            batch = paths[start:start + PATHS_PER_REQUEST]
            got = self._retrying(f"{answer.query.label()}: asking {self.endpoint} for its per-file security scan",
                                 lambda timeout, batch=batch: ask(timeout, batch))
            if got is None:
                return answer
            entries.extend(got)
        verdicts = tuple(sorted((_verdict(e) for e in entries if getattr(e, "security", None) is not None),
                                key=lambda v: v.path))
        base = scan if scan is not None else SecurityScan(done=False, repo_level=False)
        return replace(answer, security=replace(base, files=verdicts))

    def _with_refs(self, answer: RepoAnswer) -> RepoAnswer:
        """Which branches or tags hold the pinned commit. Anyone can open a pull request on a public repository and
        its commits resolve by sha, so a commit only on `refs/pr/*` is not the owner's (issue 13 §2.10)."""
        from dataclasses import replace

        query = answer.query
        refs = self._retrying(f"{query.label()}: asking {self.endpoint} for its branches and tags",
                              lambda timeout: self._api.list_repo_refs(query.id, repo_type=query.kind,
                                                                       include_pull_requests=True))
        at_head = tuple(r.name for r in [*refs.branches, *refs.tags] if r.target_commit == answer.sha)
        pulls = tuple(r.ref for r in refs.pull_requests or () if r.target_commit == answer.sha)
        if at_head:
            return replace(answer, refs=at_head, pull_requests=pulls)
        # The default branch first, then the other branches, then tags (a tag can outlive its branch).
        for ref in [*sorted(refs.branches, key=lambda r: r.name != "main"), *refs.tags]:
            history = self._retrying(
                f"{query.label()}: asking {self.endpoint} for the history of {ref.ref}",
                lambda timeout, name=ref.ref: self._api.list_repo_commits(query.id, repo_type=query.kind,
                                                                          revision=name))
            if any(commit.commit_id == answer.sha for commit in history):
                return replace(answer, refs=(ref.name,), pull_requests=pulls)
        return replace(answer, refs=(), pull_requests=pulls)

    def _with_head(self, answer: RepoAnswer) -> RepoAnswer:
        """Best effort: the default branch's head, so the finding can suggest a pin that exists."""
        from dataclasses import replace

        from gate.discover.hubids import is_pinned

        try:
            head = self._retrying(f"{answer.query.label()}: asking {self.endpoint} for the default branch",
                                  lambda timeout: self._info(answer.query, None, timeout))
        except Exception:  # noqa: BLE001 - a suggestion only; the finding stands anyway
            return answer
        head_sha = head.sha if isinstance(head.sha, str) and is_pinned(head.sha) else None
        return replace(answer, head_sha=head_sha, canonical_id=head.id)

    def _with_adapter_base(self, answer: RepoAnswer) -> RepoAnswer:
        """A PEFT adapter names its base in adapter_config.json: read it at the answer's commit (plain JSON)."""
        from dataclasses import replace

        from huggingface_hub import hf_hub_download

        def download(timeout: float) -> str:
            return hf_hub_download(answer.query.id, ADAPTER_CONFIG, revision=answer.sha, repo_type="model",
                                   endpoint=self.endpoint, token=self._token, cache_dir=self._download_dir,
                                   etag_timeout=timeout)

        try:
            path = self._retrying(f"{answer.query.label()}: downloading {ADAPTER_CONFIG} from {self.endpoint}",
                                  download)
            card = {**(answer.card or {}), **adapter_base(path)}
        except Exception as exc:  # noqa: BLE001 - the lineage says it is unknown, and why; the answer stands
            card = {**(answer.card or {}), "adapter_error": str(exc).removeprefix(f"{answer.query.label()}: ")}
        return replace(answer, card=card)

    def _with_git_file_hashes(self, answer: RepoAnswer, pinned_files: tuple[str, ...]) -> RepoAnswer:
        """Files kept in git (not LFS) have no sha256 in the metadata: download them at the commit and hash."""
        from dataclasses import replace

        from huggingface_hub import hf_hub_download
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()  # progress bars on stderr would bury the findings in CI logs
        from huggingface_hub.errors import GatedRepoError

        hashes, errors = [], []
        for name in pinned_files:
            stored = answer.file(name)
            if stored is None or stored.lfs_sha256 is not None:
                continue

            def download(timeout: float, name: str = name) -> str | None:
                try:
                    return hf_hub_download(answer.query.id, name, revision=answer.sha,
                                           repo_type=answer.query.kind, endpoint=self.endpoint, token=self._token,
                                           cache_dir=self._download_dir, etag_timeout=timeout)
                except GatedRepoError:  # the metadata stands; only this file's content is out of reach
                    return None

            path = self._retrying(f"{answer.query.label()}: downloading {name} from {self.endpoint} to hash it",
                                  download)
            if path is None:
                errors.append((name, "the repository is gated and "
                                     + ("HF_TOKEN has no access" if self._token else "HF_TOKEN is not set")))
                continue
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            hashes.append((name, digest.hexdigest()))
        return replace(answer, file_sha256=tuple(hashes), file_errors=tuple(errors))

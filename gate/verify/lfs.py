"""Git LFS content of committed pointers, fetched only when asked (`--fetch-lfs` / `fetch-lfs: true` /
`defaults.fetch_lfs: true`, and only with `--verify`).

A checkout without `git lfs pull` holds pointers (`oid sha256:<hex>`, `size <n>`), not model files; without
this step a pointer is judged by the format its name claims. With it, each pointer's object is asked of the
repository's own LFS server with the Git LFS batch API (`POST <server>/objects/batch`, `operation: download`,
basic transfer), streamed to a temporary file while hashing, and accepted only when its sha256 and size are the
pointer's. The file then replaces the pointer for the rest of the run: its format is what its bytes are, and the
content checks scan it exactly like a committed file.

Where the server is: the checkout's `remote.origin.url` (git's own configuration, which a pull request cannot
change), with `.git/info/lfs` appended as Git LFS does; never a committed `.lfsconfig`, which anyone who can open
a pull request could point at their own server. Credentials inside the remote URL are dropped. Auth is only the
token given explicitly (`MODEL_GATE_LFS_TOKEN` for the CLI, the action's `github-token` input), sent as basic auth
`x-access-token:<token>` (what GitHub's LFS accepts for the workflow token), only to the LFS server itself and
only over https (or to a loopback address); the download itself carries only the headers the server's answer
names. Anything that goes wrong fails closed: an `LfsFailure` for that file (evidence: the judge makes it a
`verification-failed` finding, gate/policy/rules/verification_failed.py), and the pointer keeps being judged by
its name. The token arrives in `VerifyConfig.lfs_token`; nothing here reads the environment.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from gate.discover.interface import Reference, ScanWarning
from gate.verify.interface import LFS_TOKEN_ENV, VerifySettings
from gate.verify.pickles import _MAX_MEMBER as MAX_OBJECT_BYTES  # the most the content scan reads of one file
from gate.verify.retry import (
    RETRY_STATUSES,
    FailedAttempt,
    Failure,
    call_with_retries,
    http_status,
    retry_after_seconds,
)

if TYPE_CHECKING:
    from requests import PreparedRequest, Response

T = TypeVar("T")
TOKEN_ENV = LFS_TOKEN_ENV
"""The CLI reads the LFS token from this variable (only with --fetch-lfs); the action takes `github-token`."""
MEDIA_TYPE = "application/vnd.git-lfs+json"
BATCH_LIMIT = 100  # objects per batch request (GitHub's LFS refuses more)
_CHUNK = 1 << 20
_POINTER_FORMAT = "git-lfs-pointer"
_OID = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class LfsPointer:
    path: str
    """Repository-relative path of the pointer file."""
    oid: str
    """sha256 of the content, 64 lowercase hex."""
    size: int


@dataclass(frozen=True)
class LfsFailure:
    """Evidence that one pointer's content could not be fetched (or came back as other bytes)."""

    index: int
    """The pointer's reference, by its index in the run's references."""
    pointer: LfsPointer | None
    """Its oid and size, when the pointer could be read."""
    reason: str
    integrity: bool
    """The server answered with bytes that are not the pointer's content (an error whatever the policy says)."""
    server: str | None
    """The LFS server asked (None when there is none to ask)."""


@dataclass
class LfsContent:
    """What the step hands back: references with fetched pointers replaced by their content's format, the
    fetched files (repository path → local file, alive until `close()`), what could not be fetched, warnings."""

    references: tuple[Reference, ...]
    warnings: tuple[ScanWarning, ...]
    failures: tuple[LfsFailure, ...] = ()
    files: dict[str, Path] = field(default_factory=dict)
    _directory: tempfile.TemporaryDirectory | None = None

    def close(self) -> None:
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None


class LfsError(Exception):
    """One object could not be fetched; the message says why, in words for the finding."""


class LfsIntegrityError(LfsError):
    """The server answered with bytes that are not the pointer's content (sha256 or size differ)."""


def pointer_of(reference: Reference, root: str) -> LfsPointer | None:
    """The oid and size of a committed pointer, read from the checkout; None when it is not a valid pointer."""
    from gate.discover.artifact_finder import lfs_pointer

    try:
        with open(Path(root) / reference.path, "rb") as handle:
            parsed = lfs_pointer(handle.read(1024))
    except OSError:
        return None
    return LfsPointer(reference.path, *parsed) if parsed else None


def lfs_server(remote_url: str) -> str | None:
    """The LFS server Git LFS derives from a remote URL (`<remote>.git/info/lfs`; ssh and scp-like remotes map to
    https on the same host); user and password in the URL are dropped. None for remotes with no such server
    (local paths, `file://`)."""
    remote = remote_url.strip()
    if "://" not in remote:
        scp = re.fullmatch(r"(?:[^@/]+@)?([^:/]{2,}):(.+)", remote)  # git@host:owner/repo.git
        if scp is None:
            return None
        scheme, host, port, path = "https", scp.group(1), None, scp.group(2)
    else:
        parts = urlsplit(remote)
        try:
            port = parts.port
        except ValueError:
            return None
        if parts.scheme in ("ssh", "git+ssh", "ssh+git"):
            scheme, port = "https", None  # the ssh port says nothing about where https listens
        elif parts.scheme in ("https", "http"):
            scheme = parts.scheme
        else:
            return None
        host, path = parts.hostname, parts.path
    if not host:
        return None
    netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    path = "/" + path.strip("/")
    if not path.endswith(".git"):
        path += ".git"
    return str(urlunsplit((scheme, netloc, f"{path}/info/lfs", "", "")))


def origin_url(root: str) -> str | None:
    """`remote.origin.url` of the checkout holding `root`; None when there is none (or no git)."""
    from gate import git

    try:
        value = git.run_git(["config", "--get", "remote.origin.url"], cwd=root, check=False).strip()
    except git.GitError:
        return None
    return value or None


def _may_send_token(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    try:
        return parts.scheme == "http" and ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return parts.hostname == "localhost"


def fetch_lfs_content(references: Iterable[Reference], warnings: Iterable[ScanWarning], root: str, *,
                      token: str | None, settings: VerifySettings) -> LfsContent:
    """Fetch the content of every committed Git LFS pointer (references of format `git-lfs-pointer`); what
    could not be fetched comes back as `LfsFailure`s."""
    references = tuple(references)
    wanted = [i for i, r in enumerate(references) if r.kind == "artifact" and r.format == _POINTER_FORMAT]
    if not wanted:
        return LfsContent(references, tuple(warnings))
    remote = origin_url(root)
    server = lfs_server(remote) if remote else None
    pointers: dict[int, LfsPointer] = {}
    failures: dict[int, LfsError] = {}
    for index in wanted:
        pointer = pointer_of(references[index], root)
        if pointer is None:
            failures[index] = LfsError("it is not a valid Git LFS pointer (no `oid sha256:<64 hex>` and `size` lines)")
        elif pointer.size > MAX_OBJECT_BYTES:
            failures[index] = LfsError(f"it is {pointer.size} bytes, over the {MAX_OBJECT_BYTES >> 30} GiB a model "
                                       "file is scanned up to")
        elif server is None:
            failures[index] = LfsError(
                "the checkout has no remote.origin.url to find the repository's LFS server by" if not remote else
                f"remote.origin.url {_without_credentials(remote)!r} names no LFS server (https, http or ssh)")
        else:
            pointers[index] = pointer

    directory = tempfile.TemporaryDirectory(prefix="model-gate-lfs-", ignore_cleanup_errors=True)
    content = LfsContent(references, tuple(warnings), _directory=directory)
    files: dict[str, Path] = {}
    if pointers and server is not None:
        client = _LfsClient(server, token, settings, time.monotonic() + settings.deadline)
        by_oid: dict[str, list[int]] = {}
        for index, pointer in pointers.items():
            by_oid.setdefault(pointer.oid, []).append(index)
        unique = [pointers[indices[0]] for indices in by_oid.values()]
        for start in range(0, len(unique), BATCH_LIMIT):
            batch = unique[start:start + BATCH_LIMIT]
            try:
                actions = client.batch(batch)
            except LfsError as exc:
                actions = {p.oid: exc for p in batch}
            for pointer in batch:
                target = Path(directory.name) / pointer.oid
                outcome = actions.get(pointer.oid) or LfsError("the LFS server's answer does not list this object")
                if not isinstance(outcome, LfsError):
                    try:
                        client.download(outcome, pointer, target)
                    except LfsError as exc:
                        outcome = exc
                for index in by_oid[pointer.oid]:
                    if isinstance(outcome, LfsError):
                        failures[index] = outcome
                    else:
                        files[references[index].path] = target
    content.files = files
    content.references = tuple(_as_content(r, files[r.path]) if r.path in files and i in wanted else r
                               for i, r in enumerate(references))
    content.warnings = tuple(w for w in warnings if not (w.path in files and w.message.startswith("Git LFS pointer")))
    content.failures = tuple(LfsFailure(i, pointers.get(i) or pointer_of(references[i], root), str(error),
                                        isinstance(error, LfsIntegrityError), server)
                             for i, error in sorted(failures.items()))
    return content


def requested_without_verify(references: Iterable[Reference]) -> tuple[ScanWarning, ...]:
    """A note that fetching was asked for but the run does not verify (no network), when there are pointers."""
    pointers = [r.path for r in references if r.kind == "artifact" and r.format == _POINTER_FORMAT]
    if not pointers:
        return ()
    return (ScanWarning(pointers[0], f"fetch-lfs is on but the run does not verify: the Git LFS content of "
                                     f"{len(pointers)} pointer(s) was not fetched (add --verify hub or full); "
                                     "they are judged by the format their names claim"),)


def _as_content(reference: Reference, file: Path) -> Reference:
    """The pointer's reference, now standing for the fetched file: its format is what its bytes are."""
    from gate.discover.artifact_finder import ArtifactFinder, detect_format

    with open(file, "rb") as handle:
        head = handle.read(64 * 1024)
    by_name = ArtifactFinder().accepts(reference.path)
    return replace(reference, format=detect_format(head, str(file), require_import=not by_name))


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))


def _classify(exc: BaseException) -> Failure | None:
    import requests

    if isinstance(exc, FailedAttempt):
        return exc.failure
    if isinstance(exc, requests.Timeout):
        return Failure("the request timed out", transient=True)
    if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return Failure(f"cannot connect or the connection was dropped ({type(exc).__name__})", transient=True)
    if isinstance(exc, requests.RequestException):
        return Failure(f"the request failed ({type(exc).__name__})", transient=False)
    return None


def _no_auth(request: PreparedRequest) -> PreparedRequest:
    return request


class _LfsClient:
    def __init__(self, server: str, token: str | None, settings: VerifySettings, deadline_at: float):
        import requests

        self.server = server
        self._settings, self._deadline_at = settings, deadline_at
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "model-gate"
        # Only the token given explicitly: an `auth` that adds nothing keeps requests from reading ~/.netrc.
        self._auth = ("x-access-token", token) if token and _may_send_token(server) else _no_auth
        self._token_withheld = bool(token) and self._auth is _no_auth

    def _call(self, attempt: Callable[[float], T], what: str) -> T:
        from gate.errors import VerificationError

        try:
            return call_with_retries(attempt, _classify, settings=self._settings, deadline_at=self._deadline_at,
                                     what=what)
        except VerificationError as exc:
            raise LfsError(str(exc)) from None

    def batch(self, pointers: list[LfsPointer]) -> dict[str, dict | LfsError]:
        """oid → the `download` action, or why the server will not give it."""
        body = {"operation": "download", "transfers": ["basic"],
                "objects": [{"oid": p.oid, "size": p.size} for p in pointers]}

        def attempt(timeout: float) -> Any:
            response = self._session.post(f"{self.server}/objects/batch", json=body, auth=self._auth,
                                          headers={"Accept": MEDIA_TYPE, "Content-Type": MEDIA_TYPE},
                                          timeout=timeout)
            if response.status_code in RETRY_STATUSES:
                raise FailedAttempt(Failure(http_status(response.status_code), True,
                                         retry_after_seconds(response.headers)))
            if response.status_code != 200:
                raise FailedAttempt(Failure(self._refusal(response), transient=False))
            try:
                return response.json()
            except ValueError:
                raise FailedAttempt(Failure("the answer is not JSON", True)) from None

        answer = self._call(attempt, "the LFS batch request")
        if not isinstance(answer, dict) or not isinstance(answer.get("objects"), list):
            raise LfsError("the LFS server's batch answer has no `objects` list")
        if answer.get("transfer") not in (None, "basic"):
            raise LfsError(f"the LFS server chose the {answer.get('transfer')!r} transfer; only `basic` is supported")
        out: dict[str, dict | LfsError] = {}
        for item in answer["objects"]:
            if not isinstance(item, dict) or not isinstance(item.get("oid"), str) or not _OID.fullmatch(item["oid"]):
                continue
            error = item.get("error")
            download = (item.get("actions") or {}).get("download") if isinstance(item.get("actions"), dict) else None
            if isinstance(error, dict):
                out[item["oid"]] = LfsError(f"the LFS server says {error.get('code')}: {error.get('message')}")
            elif isinstance(download, dict) and isinstance(download.get("href"), str) and \
                    urlsplit(download["href"]).scheme in ("https", "http"):
                out[item["oid"]] = download
            else:
                out[item["oid"]] = LfsError("the LFS server's answer gives no download action for it")
        return out

    def _refusal(self, response: Response) -> str:
        try:
            message = response.json().get("message")
        except (ValueError, AttributeError):
            message = None
        reason = http_status(response.status_code) + (f" ({message})" if isinstance(message, str) else "")
        if response.status_code in (401, 403, 404):
            if self._token_withheld:
                reason += "; the token was not sent: the LFS server is not https"
            elif self._auth is _no_auth:
                reason += f"; no token was given ({TOKEN_ENV}, or the action's `github-token` input)"
            else:
                reason += "; check that the token may read the repository"
        return reason

    def download(self, action: dict, pointer: LfsPointer, target: Path) -> None:
        """GET the action's href with only the headers it names; sha256 and size must be the pointer's."""
        headers = {str(k): str(v) for k, v in (action.get("header") or {}).items()} \
            if isinstance(action.get("header"), dict) else {}

        def attempt(timeout: float) -> None:
            digest, written = hashlib.sha256(), 0
            with self._session.get(action["href"], headers=headers, auth=_no_auth, stream=True,
                                   timeout=timeout) as response:
                if response.status_code in RETRY_STATUSES:
                    raise FailedAttempt(Failure(http_status(response.status_code), True,
                                             retry_after_seconds(response.headers)))
                if response.status_code != 200:
                    raise FailedAttempt(Failure(f"the download answered {http_status(response.status_code)}", False))
                with open(target, "wb") as out:
                    for chunk in response.iter_content(_CHUNK):
                        written += len(chunk)
                        if written > pointer.size:
                            raise LfsIntegrityError(f"the server sent more than the pointer's {pointer.size} bytes")
                        digest.update(chunk)
                        out.write(chunk)
            if written != pointer.size:
                raise LfsIntegrityError(f"the server sent {written} bytes, the pointer says {pointer.size}")
            if digest.hexdigest() != pointer.oid:
                raise LfsIntegrityError(f"the content's sha256 is {digest.hexdigest()}, the pointer's oid is "
                                        f"{pointer.oid}")

        try:
            self._call(attempt, "the LFS download")
        except LfsError:
            target.unlink(missing_ok=True)
            raise

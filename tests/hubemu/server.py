"""A threaded HTTP server on 127.0.0.1 that speaks the part of the Hub (and GitHub) API model-gate uses.

Routes (what `huggingface_hub` 2.x actually calls):
  GET  /api/{models|datasets}/{id}[/revision/{rev}]?blobs=1&securityStatus=1   → repo info
  GET  /api/{models|datasets}/{id}/tree/{rev}[/{path}]?recursive=1              → file listing
  GET  /api/{models|datasets}/{id}/refs                                         → branches and tags
  HEAD|GET /{id}/resolve/{rev}/{file}, /datasets/{id}/resolve/{rev}/{file}      → file metadata / content
  GET  /github/repos/{owner}/{repo}[/commits/{ref}]                             → GitHub REST API subset
Errors carry `X-Error-Code` / `X-Error-Message` exactly as the Hub sends them, so the real client raises
its own typed errors (RepositoryNotFoundError, RevisionNotFoundError, GatedRepoError, ...).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from tests.hubemu.fixtures import LFS_POINTER_SIZE, FixtureHub, HubRepo

_API_SUBPATHS = {"revision", "tree", "refs", "resolve", "paths-info", "commits", "xet-read-token"}
_TRUE = {"1", "true", "True", "yes"}
_TIMESTAMP = "2024-01-01T00:00:00.000Z"


@dataclass
class Fault:
    """One injected misbehaviour. `times=None` means every matching request."""

    kind: str
    """`status` (answer `status`), `drop` (close without answering), `truncate` (cut the body short),
    `hang` (sleep `seconds` before answering normally), `ratelimit` (429 with the Hub's `RateLimit` headers)."""
    status: int = 500
    retry_after: str | None = None
    seconds: float = 0.0
    times: int | None = None
    match: str | None = None
    """Only requests whose path contains this substring."""


class Faults:
    """Per-test fault injection. Faults are consumed in the order they were added."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.latency = 0.0
        """Seconds every request waits before being answered (simulates a far-away Hub)."""

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def status(self, status: int, *, times: int | None = None, retry_after: float | None = None,
               match: str | None = None) -> Fault:
        retry = None if retry_after is None else str(int(retry_after))
        return self.add(Fault("status", status=status, retry_after=retry, times=times, match=match))

    def rate_limit(self, *, times: int | None = 1, retry_after: float = 1, match: str | None = None) -> Fault:
        return self.status(429, times=times, retry_after=retry_after, match=match)

    def hub_rate_limit(self, *, reset: int = 0, window: int = 300, quota: int = 500, times: int | None = 1,
                       match: str | None = None) -> Fault:
        """429 the way huggingface.co sends it: `RateLimit: "api";r=0;t=<reset>` and `RateLimit-Policy`,
        no `Retry-After`."""
        return self.add(Fault("ratelimit", status=429, seconds=reset, times=times, match=match,
                              retry_after=f"{quota};{window}"))

    def server_error(self, status: int = 500, *, times: int | None = None, match: str | None = None) -> Fault:
        return self.status(status, times=times, match=match)

    def drop(self, *, times: int | None = None, match: str | None = None) -> Fault:
        return self.add(Fault("drop", times=times, match=match))

    def truncate(self, *, times: int | None = None, match: str | None = None) -> Fault:
        return self.add(Fault("truncate", times=times, match=match))

    def hang(self, seconds: float, *, times: int | None = None, match: str | None = None) -> Fault:
        return self.add(Fault("hang", seconds=seconds, times=times, match=match))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.latency = 0.0

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.match is not None and fault.match not in path:
                    continue
                if fault.times is not None:
                    if fault.times <= 0:
                        continue
                    fault.times -= 1
                return fault
        return None


class _Reply(Exception):
    """Raised by route code to answer with an error status (and the Hub's error headers)."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None, body: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.body = body if body is not None else {"error": message or "error"}
        self.headers = headers or {}


def _repo_not_found() -> _Reply:
    return _Reply(404, "RepoNotFound", "Repository not found")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, delayed ACKs would add ~40 ms to every answer.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - silence the default stderr log
        pass

    def do_GET(self):  # noqa: N802
        self._serve(head=False)

    def do_HEAD(self):  # noqa: N802
        self._serve(head=True)

    def do_POST(self):  # noqa: N802 - only paths-info, which huggingface_hub sends as a form
        length = int(self.headers.get("Content-Length") or 0)
        self._form = parse_qs(self.rfile.read(length).decode()) if length else {}
        self._serve(head=False)

    # -- plumbing --------------------------------------------------------------------------------------

    def _serve(self, head: bool) -> None:
        emulator = self.server.emulator
        emulator._count(self.command, self.path, self.headers.get("Authorization"))
        try:
            self._answer(emulator, head)
        finally:
            emulator._done()

    def _answer(self, emulator: HubEmulator, head: bool) -> None:
        if emulator.faults.latency:
            time.sleep(emulator.faults.latency)
        fault = emulator.faults.take(urlsplit(self.path).path)
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            return
        if fault is not None and fault.kind == "hang":
            time.sleep(fault.seconds)
        if fault is not None and fault.kind == "ratelimit":
            quota, _, window = (fault.retry_after or "500;300").partition(";")
            headers = {"RateLimit": f'"api";r=0;t={int(fault.seconds)}',
                       "RateLimit-Policy": f'"fixed window";"api";q={quota};w={window}'}
            self._send(429, json.dumps({"error": "Too Many Requests"}).encode(), headers, head=head)
            return
        if fault is not None and fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            self._send(fault.status, json.dumps({"error": "injected fault"}).encode(), headers, head=head)
            return
        try:
            status, body, headers = self._route()
            if urlsplit(self.path).path.startswith("/api/"):  # huggingface.co sends its quota on every API answer
                headers = {"RateLimit": '"api";r=499;t=300', "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
                           **headers}
        except _Reply as reply:
            headers = dict(reply.headers)
            if reply.code:
                headers["X-Error-Code"] = reply.code
            if reply.message:
                headers["X-Error-Message"] = reply.message
            status, body = reply.status, json.dumps(reply.body).encode()
        self._send(status, body, headers, head=head, truncate=fault is not None and fault.kind == "truncate")

    def _send(self, status: int, body: bytes, headers: dict, *, head: bool, truncate: bool = False) -> None:
        self.send_response(status)
        headers = {"Content-Type": "application/json", **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head:
            return
        if truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def _authorized(self, repo: HubRepo) -> bool:
        return repo.token is not None and self._token() == repo.token

    def _token(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        return auth[len("Bearer "):] if auth.startswith("Bearer ") else None

    # -- routing ---------------------------------------------------------------------------------------

    def _route(self) -> tuple[int, bytes, dict]:
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        segments = [s for s in split.path.split("/") if s]
        if segments[:1] == ["github"]:
            return self._github(segments[1:])
        if segments[:1] == ["cas"]:
            return self._cas(segments[1:])
        if segments[:1] == ["api"] and len(segments) >= 3 and segments[1] in ("models", "datasets"):
            kind = segments[1][:-1]
            repo_id, rest = _split_id(segments[2:])
            repo = self._repo(kind, repo_id)
            self._redirect_renamed(repo, repo_id, f"/api/{segments[1]}/", rest, split.query)
            if not rest:
                return self._info(repo, None, query)
            if rest[0] == "revision" and len(rest) >= 2:
                return self._info(repo, unquote("/".join(rest[1:])), query)
            if rest[0] == "tree" and len(rest) >= 2:
                return self._tree(repo, unquote(rest[1]), unquote("/".join(rest[2:])), query)
            if rest[0] == "refs":
                return self._refs(repo, query.get("include_prs") in _TRUE)
            if rest[0] == "paths-info" and len(rest) >= 2 and self.command == "POST":
                form = getattr(self, "_form", {})
                return self._paths_info(repo, unquote("/".join(rest[1:])), form.get("paths", []),
                                        (form.get("expand") or ["False"])[-1] in _TRUE)
            if rest[0] == "xet-read-token" and len(rest) >= 2:
                self._commit(repo, unquote("/".join(rest[1:])))
                return self._xet_token()
            if rest[0] == "commits" and len(rest) >= 2:
                return self._commits(repo, unquote("/".join(rest[1:])))
            raise _Reply(404, None, "Sorry, we can't find the page you are looking for.")
        kind = "model"
        if segments[:1] == ["datasets"]:
            kind, segments = "dataset", segments[1:]
        if "resolve" in segments[1:3]:
            at = segments.index("resolve", 1)
            repo = self._repo(kind, "/".join(segments[:at]))
            self._redirect_renamed(repo, "/".join(segments[:at]), "/datasets/" if kind == "dataset" else "/",
                                   segments[at:], split.query)
            if len(segments) < at + 3:
                raise _Reply(400, None, "Missing revision or file name")
            return self._resolve(repo, unquote(segments[at + 1]), unquote("/".join(segments[at + 2:])))
        raise _Reply(404, None, "Sorry, we can't find the page you are looking for.")

    def _repo(self, kind: str, repo_id: str) -> HubRepo:
        repo = self.server.emulator.fixtures.find(kind, repo_id)
        anonymous = self._token() is None
        hidden = repo is None or (repo.private and not self._authorized(repo)) or repo.disabled
        if hidden and anonymous:
            # huggingface.co answers an anonymous caller 401 *without* X-Error-Code for a missing, private or
            # disabled repo alike, so none of them leaks (huggingface_hub maps it to RepositoryNotFoundError
            # only for https:// endpoints; see README.md).
            raise _Reply(401, None, "Invalid username or password.")
        if repo is None or (repo.private and not self._authorized(repo)):
            raise _repo_not_found()  # with a token: 404 RepoNotFound
        if repo.disabled and repo.disabled_answer != "200":
            raise _Reply(403, None, "Access to this resource is disabled.")
        return repo

    def _redirect_renamed(self, repo: HubRepo, asked: str, prefix: str, rest: list[str], query: str) -> None:
        """The Hub answers a legacy or renamed id (`gpt2`) with a 307 to the canonical id."""
        if unquote(asked).lower() == repo.id.lower():
            return
        location = prefix + "/".join([repo.id, *rest]) + (f"?{query}" if query else "")
        raise _Reply(307, None, None, {"location": location}, headers={"Location": location})

    def _commit(self, repo: HubRepo, revision: str | None):
        commit = repo.resolve(revision)
        if commit is None:
            raise _Reply(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        return commit

    def _info(self, repo: HubRepo, revision: str | None, query: dict) -> tuple[int, bytes, dict]:
        commit = self._commit(repo, revision)
        blobs = query.get("blobs") in _TRUE
        siblings = []
        for path in sorted(commit.files):
            stored = commit.files[path]
            sibling: dict = {"rfilename": path}
            if blobs:
                sibling.update(size=len(stored.data), blobId=stored.blob_id)
                if stored.lfs:
                    sibling["lfs"] = {"size": len(stored.data), "sha256": stored.sha256,
                                      "pointerSize": LFS_POINTER_SIZE}
            siblings.append(sibling)
        info: dict = {
            "_id": f"emu-{repo.id}",
            "id": repo.id,
            "author": repo.id.split("/")[0] if "/" in repo.id else None,
            "sha": repo.served_sha if repo.served_sha is not None else commit.sha,
            "lastModified": _TIMESTAMP,
            "createdAt": _TIMESTAMP,
            "private": repo.private,
            "gated": repo.gated,
            "disabled": repo.disabled,
            "tags": [f"license:{repo.license}"] if isinstance(repo.license, str) else [],
            "siblings": siblings,
        }
        if repo.kind == "model":
            info["modelId"] = repo.id
        if repo.license is not None or repo.card:
            info["cardData"] = {**repo.card, **({"license": repo.license} if repo.license is not None else {})}
        if repo.kind == "model" and query.get("securityStatus") in _TRUE:
            info["securityRepoStatus"] = {
                "scansDone": repo.scans_done,
                "filesWithIssues": [
                    {"path": path, "level": level}
                    for path, level in sorted(repo.flagged.items()) if path in commit.files
                ],
            }
        return 200, json.dumps(info).encode(), {}

    def _tree(self, repo: HubRepo, revision: str, under: str, query: dict) -> tuple[int, bytes, dict]:
        commit = self._commit(repo, revision)
        recursive = query.get("recursive") in _TRUE
        prefix = under.strip("/") + "/" if under.strip("/") else ""
        entries: dict[str, dict] = {}
        for path in sorted(commit.files):
            if not path.startswith(prefix):
                continue
            relative = path[len(prefix):]
            parts = relative.split("/")
            for depth in range(1, len(parts)):
                folder = prefix + "/".join(parts[:depth])
                if recursive or depth == 1:
                    entries.setdefault(folder, {"type": "directory", "oid": "0" * 40, "size": 0, "path": folder})
                if not recursive:
                    break
            if len(parts) > 1 and not recursive:
                continue
            entries[path] = self._file_entry(repo, commit, path, query.get("expand") in _TRUE)
        if prefix and not entries:
            raise _Reply(404, "EntryNotFound", f"{under} does not exist on {revision}")
        return 200, json.dumps(list(entries.values())).encode(), {}

    def _refs(self, repo: HubRepo, include_prs: bool = False) -> tuple[int, bytes, dict]:
        def refs(names: dict, namespace: str) -> list[dict]:
            return [{"name": str(n), "ref": f"refs/{namespace}/{n}", "targetCommit": sha}
                    for n, sha in sorted(names.items())]

        body = {"branches": refs(repo.branches, "heads"), "tags": refs(repo.tags, "tags"), "converts": []}
        if include_prs:  # only when asked (`include_prs=1`), as the Hub does
            body["pullRequests"] = refs(repo.pull_requests, "pr")
        else:
            body["pullRequests"] = []
        return 200, json.dumps(body).encode(), {}

    def _cas(self, segments: list[str]) -> tuple[int, bytes, dict]:
        """A minimal Xet CAS (huggingface/xet-core spec/download_protocol.md): v1 reconstructions of a file as one
        term of one xorb holding the file as one uncompressed chunk, and that xorb served by byte range.
        Hashes are the emulator's stand-ins (StoredFile.xet_hash), not BLAKE3 merkle hashes."""
        stored = self.server.emulator.fixtures.find_xet(segments[-1]) if segments else None
        if segments[:2] == ["v1", "reconstructions"] and stored is not None:
            xorb = _xorb(stored.data)
            body = {"offset_into_first_range": 0,
                    "terms": [{"hash": stored.xet_hash, "unpacked_length": len(stored.data),
                               "range": {"start": 0, "end": 1}}],
                    "fetch_info": {stored.xet_hash: [{"range": {"start": 0, "end": 1},
                                                      "url": f"{self.server.emulator.endpoint}/cas/xorb/{stored.xet_hash}",
                                                      "url_range": {"start": 0, "end": len(xorb) - 1}}]}}
            return 200, json.dumps(body).encode(), {}
        if segments[:1] == ["xorb"] and stored is not None:
            xorb = _xorb(stored.data)
            start, _, end = (self.headers.get("Range") or "bytes=0-").removeprefix("bytes=").partition("-")
            part = xorb[int(start or 0): int(end) + 1 if end else len(xorb)]
            return 206, part, {"Content-Type": "application/octet-stream",
                               "Content-Range": f"bytes {start or 0}-{int(start or 0) + len(part) - 1}/{len(xorb)}"}
        raise _Reply(404, None, "not found")

    def _xet_token(self) -> tuple[int, bytes, dict]:
        """What `GET /api/{type}s/{id}/xet-read-token/{rev}` answers: a short-lived token and the CAS URL, in the
        body and in the `X-Xet-*` headers huggingface_hub reads."""
        cas = f"{self.server.emulator.endpoint}/cas"
        expires = str(int(time.time()) + 3600)
        body = {"casUrl": cas, "accessToken": "xet-emulator-token", "exp": int(expires)}
        headers = {"X-Xet-Cas-Url": cas, "X-Xet-Access-Token": "xet-emulator-token", "X-Xet-Token-Expiration": expires}
        return 200, json.dumps(body).encode(), headers

    def _commits(self, repo: HubRepo, revision: str) -> tuple[int, bytes, dict]:
        """The history from `revision` back (first parent), newest first, as `/api/{type}s/{id}/commits/{rev}`."""
        commit = self._commit(repo, revision)
        items = []
        while commit is not None:
            items.append({"id": commit.sha, "title": commit.message or "commit", "message": "",
                          "authors": [{"user": "emulator"}], "date": _TIMESTAMP})
            commit = repo.commits.get(commit.parent) if commit.parent else None
        return 200, json.dumps(items).encode(), {}

    def _file_entry(self, repo: HubRepo, commit, path: str, expand: bool) -> dict:
        """One file as tree and paths-info list it; with `expand`, `lastCommit` and `securityFileStatus`."""
        stored = commit.files[path]
        entry: dict = {"type": "file", "oid": stored.blob_id, "size": len(stored.data), "path": path}
        if stored.lfs:
            entry["lfs"] = {"oid": stored.sha256, "size": len(stored.data), "pointerSize": LFS_POINTER_SIZE}
            if repo.xet:
                entry["xetHash"] = stored.xet_hash
        if expand:
            entry["lastCommit"] = {"id": commit.sha, "title": commit.message or "commit", "date": _TIMESTAMP}
            entry["securityFileStatus"] = _security_file_status(repo, path)
        return entry

    def _paths_info(self, repo: HubRepo, revision: str, paths: list[str], expand: bool) -> tuple[int, bytes, dict]:
        commit = self._commit(repo, revision)
        entries = [self._file_entry(repo, commit, path, expand) for path in paths if path in commit.files]
        return 200, json.dumps(entries).encode(), {}

    def _resolve(self, repo: HubRepo, revision: str, path: str) -> tuple[int, bytes, dict]:
        if repo.gated and not self._authorized(repo):
            status = 401 if self._token() is None else 403
            raise _Reply(status, "GatedRepo", f"Access to model {repo.id} is restricted. You must have access to it "
                         "and be authenticated to access it. Please log in.")
        commit = self._commit(repo, revision)
        stored = commit.files.get(path)
        if stored is None:
            raise _Reply(404, "EntryNotFound", "Entry not found")
        headers = {"X-Repo-Commit": commit.sha, "ETag": f'"{stored.etag}"', "Accept-Ranges": "bytes",
                   "Content-Type": "application/octet-stream"}
        if stored.lfs:
            headers["X-Linked-Etag"] = f'"{stored.sha256}"'
            headers["X-Linked-Size"] = str(len(stored.data))
        data = stored.data
        status = 200
        byte_range = self.headers.get("Range")
        if byte_range and byte_range.startswith("bytes="):
            start_text, _, end_text = byte_range[len("bytes="):].partition("-")
            start = int(start_text or 0)
            end = int(end_text) if end_text else len(data) - 1
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            data, status = data[start:end + 1], 206
        return status, data, headers

    def _github(self, segments: list[str]) -> tuple[int, bytes, dict]:
        not_found = _Reply(404, None, None, {"message": "Not Found",
                                             "documentation_url": "https://docs.github.com/rest"})
        if len(segments) < 3 or segments[0] != "repos":
            raise not_found
        repo = self.server.emulator.fixtures.github.get(f"{segments[1]}/{segments[2]}".lower())
        if repo is None:
            raise not_found
        rest = segments[3:]
        if not rest:
            body = {"full_name": repo.id, "default_branch": repo.default_branch}
            return 200, json.dumps(body).encode(), {}
        if rest[0] == "commits" and len(rest) >= 2:
            ref = unquote("/".join(rest[1:]))
            sha = repo.resolve(ref)
            if sha is None:
                raise _Reply(422, None, None, {"message": f"No commit found for SHA: {ref}",
                                               "documentation_url": "https://docs.github.com/rest"})
            return 200, json.dumps({"sha": sha, "commit": {"message": ""}}).encode(), {}
        raise not_found


def _xorb(data: bytes) -> bytes:
    """One uncompressed chunk: header (version 0, 3-byte LE compressed size, scheme 0 = none, 3-byte LE size)."""
    size = len(data).to_bytes(3, "little")
    return bytes([0]) + size + bytes([0]) + size + data


def _security_file_status(repo: HubRepo, path: str) -> dict:
    """`securityFileStatus` as huggingface.co sends it with `expand=true`: an overall status (safe, caution,
    unsafe) and one object per scanner; `pickleImportScan` lists each import with its safety."""
    imports = repo.pickle_imports.get(path)
    safeties = {safety for _, _, safety in imports or ()}
    from_imports = "unsafe" if "dangerous" in safeties else "caution" if "suspicious" in safeties else "safe"
    status = repo.flagged.get(path, from_imports if imports is not None else "safe")
    pickle_scan: dict = {"status": "unscanned"}
    if imports is not None:
        pickle_scan = {"status": from_imports, "version": "0.0.32",
                       "pickleImports": [{"module": m, "name": n, "safety": s} for m, n, s in imports]}
    av = {"status": "unsafe", "virusNames": ["Py.Malware.CodeExec"]} if status == "unsafe" else {"status": "safe"}
    return {"status": status, "avScan": av, "pickleImportScan": pickle_scan,
            "protectAiScan": {"status": status}, "jFrogScan": {"status": status},
            "virusTotalScan": {"status": "unscanned"}}


def _split_id(segments: list[str]) -> tuple[str, list[str]]:
    """`[org, name, rest...]` or a legacy one-segment id `[gpt2, rest...]`."""
    if len(segments) == 1 or segments[1] in _API_SUBPATHS:
        return unquote(segments[0]), segments[1:]
    return unquote(f"{segments[0]}/{segments[1]}"), segments[2:]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    emulator: HubEmulator

    def handle_error(self, request, client_address):
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client gave up (timeout test) or went away: nothing to report
        super().handle_error(request, client_address)


class HubEmulator:
    """The running emulator: `endpoint` for HF_ENDPOINT/--hub-endpoint, `github_api` for GITHUB_API_URL.

    Use as a context manager or call start()/stop(). Repos can be added and changed while it runs.
    """

    def __init__(self, fixtures: FixtureHub | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 tls: tuple[str, str] | None = None):
        """`tls`: (certificate, key) files to serve https (see tls.py); None serves plain http."""
        self.fixtures = fixtures or FixtureHub()
        self._tls = tls
        self.faults = Faults()
        self._host, self._port = host, port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._log_lock = threading.Lock()
        self.request_log: list[tuple[str, str]] = []
        """Every request received, as (method, path), faulted ones included."""
        self.authorizations: list[str | None] = []
        """The Authorization header of every request (to check which token the client sent)."""
        self._in_flight = 0
        self.max_in_flight = 0
        """Most requests being answered at the same time (how concurrent the client really was)."""

    # Builder API, re-exported so tests write `hub.add_repo(...)`.
    def add_repo(self, repo_id: str, **kwargs):
        return self.fixtures.add_repo(repo_id, **kwargs)

    def repo(self, repo_id: str, kind: str = "model"):
        return self.fixtures.repo(repo_id, kind)

    def add_github_repo(self, repo_id: str, **kwargs):
        return self.fixtures.add_github_repo(repo_id, **kwargs)

    @property
    def endpoint(self) -> str:
        if self._server is None:
            raise RuntimeError("emulator not started")
        host, port = self._server.server_address[:2]
        return f"{'https' if self._tls else 'http'}://{host}:{port}"

    @property
    def github_api(self) -> str:
        return f"{self.endpoint}/github"

    @property
    def requests(self) -> int:
        with self._log_lock:
            return len(self.request_log)

    def reset_requests(self) -> None:
        with self._log_lock:
            self.request_log.clear()
            self.authorizations.clear()
            self.max_in_flight = 0

    def _count(self, method: str, path: str, authorization: str | None) -> None:
        with self._log_lock:
            self.request_log.append((method, path))
            self.authorizations.append(authorization)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _done(self) -> None:
        with self._log_lock:
            self._in_flight -= 1

    def start(self) -> HubEmulator:
        self._server = _Server((self._host, self._port), _Handler)
        self._server.emulator = self
        if self._tls:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self._tls)
            # The handshake happens on the handler's thread (first read), never on the accepting one.
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True,
                                                      do_handshake_on_connect=False)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="hubemu", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HubEmulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

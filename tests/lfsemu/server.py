"""A threaded HTTP(S) server on 127.0.0.1 that answers the Git LFS batch API as the spec describes it.

Routes (git-lfs docs/api/batch.md and basic-transfers.md):
  POST /{owner}/{repo}.git/info/lfs/objects/batch   → 200 `{"transfer": "basic", "objects": [...]}`, each object
       with `actions.download` (`href`, `header`, `expires_in`) or a per-object `error` (`404 Object does not
       exist`, `422 Validation error` for a wrong size); 401 + `LFS-Authenticate` without the repository's
       credentials, 404 for an unknown repository, 406 without the LFS media type, 422 for a bad body.
  GET  /storage/{oid}                                → the object's bytes, only with the `RemoteAuth` header the
       batch answer named (as a storage host behind an LFS server works).
Every request is recorded (`requests`), so a test can assert that nothing was asked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

MEDIA_TYPE = "application/vnd.git-lfs+json"


def pointer_text(data: bytes) -> bytes:
    """The Git LFS pointer (spec v1) a checkout holds instead of `data`."""
    return (b"version https://git-lfs.github.com/spec/v1\noid sha256:" + hashlib.sha256(data).hexdigest().encode()
            + b"\nsize " + str(len(data)).encode() + b"\n")


@dataclass
class LfsRepo:
    path: str
    """`owner/repo`."""
    token: str | None = None
    """When set, the batch API wants basic auth `<any user>:<token>` (GitHub: `x-access-token:<token>`)."""
    objects: dict[str, bytes] = field(default_factory=dict)
    served_instead: dict[str, bytes] = field(default_factory=dict)
    """oid → bytes the storage host sends instead of the object (a tampered or truncated copy)."""

    def push(self, data: bytes) -> bytes:
        """Store `data` as `git lfs push` would; returns the pointer to commit."""
        self.objects[hashlib.sha256(data).hexdigest()] = data
        return pointer_text(data)


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict


class LfsEmulator:
    def __init__(self, tls: tuple[str, str] | None = None):
        self._tls = tls
        self._repos: dict[str, LfsRepo] = {}
        self._grants: dict[str, str] = {}  # storage secret -> oid
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.batch_statuses: list[int] = []
        """Statuses the next batch requests answer with before working normally (e.g. [503] once)."""

    # -- setup -------------------------------------------------------------------------------------------

    def add_repo(self, path: str, *, token: str | None = None) -> LfsRepo:
        repo = LfsRepo(path, token=token)
        self._repos[path] = repo
        return repo

    def remote_url(self, path: str) -> str:
        """What `remote.origin.url` of a checkout of `path` says (Git LFS appends `.git/info/lfs`)."""
        return f"{self.base_url}/{path}"

    # -- lifecycle -----------------------------------------------------------------------------------------

    def __enter__(self) -> LfsEmulator:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.emulator = self
        scheme = "http"
        if self._tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self._tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        self.base_url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- answers -------------------------------------------------------------------------------------------

    def _record(self, method: str, path: str, headers) -> None:
        with self._lock:
            self.requests.append(Recorded(method, path, {k.lower(): v for k, v in headers.items()}))

    def _batch(self, handler: _Handler, repo_path: str, body: bytes) -> tuple[int, dict, dict]:
        with self._lock:
            status = self.batch_statuses.pop(0) if self.batch_statuses else None
        if status is not None:
            return status, {"message": "injected fault"}, {}
        repo = self._repos.get(repo_path)
        if repo is None:
            return 404, _error("Repository not found"), {}
        if MEDIA_TYPE not in (handler.headers.get("Accept") or ""):
            return 406, _error(f"The Accept header needs to be {MEDIA_TYPE}"), {}
        if repo.token is not None and _basic_password(handler.headers.get("Authorization")) != repo.token:
            return 401, _error("Credentials needed"), {"LFS-Authenticate": 'Basic realm="Git LFS"'}
        try:
            request = json.loads(body)
            operation, objects = request["operation"], request["objects"]
            wanted = [(str(o["oid"]), int(o["size"])) for o in objects]
        except (ValueError, KeyError, TypeError):
            return 422, _error("Validation error: the request is not a batch request"), {}
        if operation != "download":
            return 403, _error("You do not have write access to this repository"), {}
        answered = []
        for oid, size in wanted:
            data = repo.objects.get(oid)
            if data is None:
                answered.append({"oid": oid, "size": size, "error": {"code": 404, "message": "Object does not exist"}})
            elif len(data) != size:
                answered.append({"oid": oid, "size": size, "error": {"code": 422, "message": "Validation error"}})
            else:
                secret = secrets.token_hex(16)
                with self._lock:
                    self._grants[secret] = oid
                answered.append({"oid": oid, "size": size, "authenticated": True, "actions": {"download": {
                    "href": f"{self.base_url}/storage/{oid}",
                    "header": {"Authorization": f"RemoteAuth {secret}"},
                    "expires_in": 3600}}})
        return 200, {"transfer": "basic", "objects": answered, "hash_algo": "sha256"}, {}

    def _storage(self, handler: _Handler, oid: str) -> tuple[int, bytes]:
        authorization = handler.headers.get("Authorization") or ""
        with self._lock:
            granted = self._grants.get(authorization.removeprefix("RemoteAuth "))
        if granted != oid:
            return 401, b"unauthorized"
        for repo in self._repos.values():
            if oid in repo.objects:
                return 200, repo.served_instead.get(oid, repo.objects[oid])
        return 404, b"not found"


def _error(message: str) -> dict:
    return {"message": message, "documentation_url": "https://lfs.example.test/docs/errors",
            "request_id": secrets.token_hex(4)}


def _basic_password(header: str | None) -> str | None:
    if not header or not header.startswith("Basic "):
        return None
    try:
        return base64.b64decode(header[6:]).decode().partition(":")[2]
    except ValueError:
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: ThreadingHTTPServer

    def log_message(self, format, *args):  # noqa: A002 - silence the default stderr log
        pass

    def do_POST(self):  # noqa: N802
        emulator: LfsEmulator = self.server.emulator
        path = urlsplit(self.path).path
        emulator._record("POST", path, self.headers)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        suffix = ".git/info/lfs/objects/batch"
        if not path.endswith(suffix):
            self._send(404, json.dumps(_error("Not Found")).encode(), MEDIA_TYPE)
            return
        status, answer, headers = emulator._batch(self, path[1:-len(suffix)], body)
        self._send(status, json.dumps(answer).encode(), MEDIA_TYPE, headers)

    def do_GET(self):  # noqa: N802
        emulator: LfsEmulator = self.server.emulator
        path = urlsplit(self.path).path
        emulator._record("GET", path, self.headers)
        if not path.startswith("/storage/"):
            self._send(404, b"not found", "text/plain")
            return
        status, data = emulator._storage(self, path.removeprefix("/storage/"))
        self._send(status, data, "application/octet-stream" if status == 200 else "text/plain")

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

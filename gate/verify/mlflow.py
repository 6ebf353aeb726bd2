"""MLflow registry references checked through MLflow's own client (`mlflow.tracking.MlflowClient`).

The client comes with the optional extra `pip install 'model-gate[mlflow]'` (`mlflow-skinny`) and is imported
lazily: a scan without MLflow references never loads it, and a reference that needs it without it installed is
`verification-failed` with the install command, never a pass.

Which server: the registry the file names (`Reference.registry`), else `MLFLOW_REGISTRY_URI`, else
`MLFLOW_TRACKING_URI`, else the policy's only `registries:` entry. When the policy lists registries, a server it
does not list is never contacted (`registry-not-allowed`): the credentials would go there too.
Credentials: a token, or a user name and password, read at the edge (`MLFLOW_TRACKING_TOKEN`, or
`MLFLOW_TRACKING_USERNAME` + `MLFLOW_TRACKING_PASSWORD`; the action's `mlflow-tracking-token`) into
`VerifyConfig`, and handed to the client for its requests to that registry only (gate/verify/mlflow_transport.py);
nothing here reads or writes the environment. They never appear in findings or messages.

What is asked, per distinct (registry, model, revision): the version (or what the alias, stage or `latest` points
at now), its status (`READY`), stage (not `Archived`), `source`, `run_id` and tags, the run's tags, and the sha256
of the artifact files the policy pins (downloaded to a temporary directory, streamed, never loaded). Every fault
(unreachable, 401/403, 5xx, timeouts) fails closed with a message naming the server and the model.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from gate.errors import VerificationError
from gate.verify.interface import RegistryCredentials, VerifySettings
from gate.verify.retry import Failure, call_with_retries, http_status

INSTALL_COMMAND = "pip install 'model-gate[mlflow]'"
CREDENTIAL_VARIABLES = ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_PASSWORD")
UNUSABLE_STAGES = frozenset({"archived"})
_TRANSIENT_CODES = frozenset({"INTERNAL_ERROR", "TEMPORARILY_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED",
                              "DEADLINE_EXCEEDED", "ABORTED"})
_ERROR_RESPONSES = re.compile(r"too many (\d{3}) error responses")
"""How the client's HTTP layer words a 5xx/429 answer once its (disabled) retries are spent."""
_DENIED_CODES = {"UNAUTHENTICATED": "HTTP 401 Unauthorized", "PERMISSION_DENIED": "HTTP 403 Forbidden"}


class MissingClient(VerificationError):
    """The MLflow client is not installed."""


@dataclass(frozen=True)
class RegistryQuery:
    """One question to one MLflow registry; references sharing registry, model and revision share it."""

    registry: str
    name: str
    """The registered model's name, or a `runs:/<run_id>/<path>` URI."""
    revision: str | None
    """A version number, a stage, `latest`, `@alias`, a run id, or None (latest)."""

    def label(self) -> str:
        if self.name.startswith("runs:/"):
            return f"MLflow {self.name} on {display_uri(self.registry)}"
        revision = ("" if self.revision is None else self.revision if self.revision.startswith("@")
                    else "/" + self.revision)
        return f"MLflow model models:/{self.name}{revision} on {display_uri(self.registry)}"


@dataclass(frozen=True)
class RegistryAnswer:
    """What the registry said. `status`: `ok`, `model-not-found`, `version-not-found`."""

    query: RegistryQuery
    status: str
    version: str | None = None
    """The version the revision points at now (for `ok` model URIs)."""
    version_status: str | None = None
    """`READY`, `PENDING_REGISTRATION`, `FAILED_REGISTRATION` (runs: the run's status)."""
    stage: str | None = None
    source: str | None = None
    run_id: str | None = None
    tags: dict = field(default_factory=dict)
    run_tags: dict = field(default_factory=dict)
    file_sha256: dict = field(default_factory=dict)
    """path -> sha256 of the artifact files the policy pins; None for a file the version does not hold."""
    latest_version: str | None = None
    """For `version-not-found`: the newest version that exists, to suggest a pin."""
    signature: dict | None = None
    """The logged model's signature (`inputs`, `outputs`, `params` as MLflow writes them in `MLmodel`), if any."""
    pickle_scans: tuple = ()
    """fickling's verdicts on the version's pickle-flavoured artifact files (with `scan_hub_pickles`)."""


def display_uri(uri: str) -> str:
    """A URI as shown to people: without any `user:password@` it may carry."""
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    return urlunsplit((parts.scheme, host + (f":{parts.port}" if parts.port else ""), parts.path, parts.query, ""))


def unsupported_registry(uri: str) -> str | None:
    """Why a registry URI is not asked (None when it is an HTTP(S) server). A `sqlite:` or `file:` store named in
    the repository would make the client open or create files here; `databricks` needs its own profile setup."""
    if urlsplit(uri).scheme.lower() in ("http", "https"):
        return None
    return (f"the registry {display_uri(uri)} is not an MLflow server (http or https): model-gate asks only "
            "servers, never a local database or file store; set MLFLOW_TRACKING_URI to the server")


def classify_mlflow_error(exc: BaseException) -> Failure | None:
    """Transport faults and server errors are retried; refused credentials and other answers are not."""
    from mlflow.exceptions import MlflowException

    if not isinstance(exc, MlflowException):
        return None
    code = getattr(exc, "error_code", None)
    text = str(exc)
    if code in _DENIED_CODES:
        return Failure(f"{_DENIED_CODES[code]}: the server refused the credentials; check MLFLOW_TRACKING_TOKEN "
                       "(or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)", transient=False)
    if "failed with exception" in text or code in _TRANSIENT_CODES:
        status = _ERROR_RESPONSES.search(text)
        code_status = (_status_of_code(exc) if status is None and code in _TRANSIENT_CODES
                       and "failed with exception" not in text else None)
        # MLflow 3.18 turns a 503 with an MLflow error body into the body's error code (3.17 and older report the
        # status itself): both are said as the HTTP status the server sent.
        reason = (f"{http_status(int(status.group(1)))} from the server" if status else
                  "cannot connect, or the connection failed" if "failed with exception" in text else
                  f"{http_status(code_status)} from the server" if code_status else code)
        return Failure(f"{reason} ({_first_line(text)})", transient=True)
    return Failure(f"{code}: {_first_line(text)}", transient=False)


def _status_of_code(exc: BaseException) -> int | None:
    """The HTTP status an MLflow error code stands for (`TEMPORARILY_UNAVAILABLE` → 503), or None."""
    try:
        status = int(exc.get_http_status_code())  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return None
    return status if status >= 400 else None


def _first_line(text: str, limit: int = 300) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= limit else line[: limit - 3] + "..."


class MlflowService:
    """Answers queries about one MLflow registry."""

    def __init__(self, registry: str, settings: VerifySettings, deadline_at: float, download_dir: str,
                 scan_pickles: bool = False, credentials: RegistryCredentials | None = None):
        try:
            from mlflow.tracking import MlflowClient
        except ImportError:
            raise MissingClient(f"the MLflow client is not installed: {INSTALL_COMMAND}") from None
        from gate.verify.mlflow_transport import RegistryTransport, install

        install()
        # The credentials given, and one request per attempt (the client's own retries would outlast the gate's
        # deadline: ours retry), for this registry's requests only.
        credentials = credentials or RegistryCredentials()
        self._transport = RegistryTransport.of(max(1.0, settings.request_timeout), token=credentials.token,
                                               username=credentials.username, password=credentials.password)
        self.registry = registry
        self._client = MlflowClient(tracking_uri=registry, registry_uri=registry)
        self._settings, self._deadline_at, self._download_dir = settings, deadline_at, download_dir
        self._scan_pickles = scan_pickles

    def answer(self, query: RegistryQuery, pinned_files: tuple[str, ...] = ()) -> RegistryAnswer:
        from gate.verify.mlflow_transport import registered

        def attempt(_timeout: float) -> RegistryAnswer:
            with registered(self.registry, self._transport):
                return self._ask(query, pinned_files)

        return call_with_retries(attempt, classify_mlflow_error, settings=self._settings,
                                 deadline_at=self._deadline_at,
                                 what=f"{query.label()}: asking {display_uri(self.registry)}")

    def _ask(self, query: RegistryQuery, pinned_files: tuple[str, ...]) -> RegistryAnswer:
        from mlflow.exceptions import MlflowException

        client = self._client
        if query.name.startswith("runs:/"):
            try:
                run = client.get_run(query.revision or "")
            except MlflowException as exc:
                if getattr(exc, "error_code", None) == "RESOURCE_DOES_NOT_EXIST":
                    return RegistryAnswer(query, "version-not-found")
                raise
            return RegistryAnswer(query, "ok", version_status=run.info.status, run_id=run.info.run_id,
                                  run_tags=dict(run.data.tags or {}))
        try:
            model = client.get_registered_model(query.name)
        except MlflowException as exc:
            if getattr(exc, "error_code", None) == "RESOURCE_DOES_NOT_EXIST":
                return RegistryAnswer(query, "model-not-found")
            raise
        newest = max((v.version for v in model.latest_versions or ()), key=int, default=None)
        revision = query.revision
        try:
            if revision is None or revision == "latest":
                version = client.get_model_version(query.name, newest) if newest else None
            elif revision.startswith("@"):
                version = client.get_model_version_by_alias(query.name, revision[1:])
            elif revision.isdigit():
                version = client.get_model_version(query.name, revision)
            else:  # a stage: the newest version in it
                in_stage = [v for v in model.latest_versions or () if (v.current_stage or "").lower() ==
                            revision.lower()]
                version = client.get_model_version(query.name, in_stage[0].version) if in_stage else None
        except MlflowException as exc:
            # A missing version is RESOURCE_DOES_NOT_EXIST; a missing alias is INVALID_PARAMETER_VALUE.
            if getattr(exc, "error_code", None) not in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
                raise
            version = None
        if version is None:
            return RegistryAnswer(query, "version-not-found", latest_version=newest)
        run_tags = {}
        if version.run_id:
            try:
                run_tags = dict(client.get_run(version.run_id).data.tags or {})
            except MlflowException as exc:
                if getattr(exc, "error_code", None) != "RESOURCE_DOES_NOT_EXIST":
                    raise
        # Artifacts are read where the registry says this version's files are (its download URI, e.g. `runs:/…`),
        # on this registry: a `models:/` URI would be resolved against the process's default registry instead.
        root = client.get_model_version_download_uri(query.name, str(version.version)).rstrip("/")
        return RegistryAnswer(
            query, "ok", version=str(version.version), version_status=version.status,
            stage=version.current_stage, source=version.source, run_id=version.run_id,
            tags=dict(version.tags or {}), run_tags=run_tags,
            file_sha256=self._hashes(root, pinned_files),
            signature=self._signature(root),
            pickle_scans=self._pickles(root, f"models:/{query.name}/{version.version}") if self._scan_pickles else ())

    def _signature(self, root: str) -> dict | None:
        """The `signature` of the version's `MLmodel` file (YAML, read with the safe loader; nothing is loaded)."""
        import yaml
        from mlflow.artifacts import download_artifacts
        from mlflow.exceptions import MlflowException

        try:
            local = download_artifacts(artifact_uri=f"{root}/MLmodel",
                                       dst_path=tempfile.mkdtemp(dir=self._download_dir), tracking_uri=self.registry)
            with open(local, encoding="utf-8") as handle:
                document = yaml.safe_load(handle.read(1 << 20))
        except (MlflowException, OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            if isinstance(exc, MlflowException) and getattr(classify_mlflow_error(exc), "transient", False):
                raise
            return None  # no MLmodel (a bare artifact folder): no signature to report
        signature = document.get("signature") if isinstance(document, dict) else None
        return {k: str(v) for k, v in signature.items() if v is not None} if isinstance(signature, dict) else None

    def _pickles(self, root: str, shown: str) -> tuple:
        """Every pickle-flavoured artifact file of the version (by name: `.pkl`, `.pt`, `.joblib`, ...), downloaded
        and scanned statically like a committed one (gate/verify/pickles.py), named below `shown`; nothing is
        loaded."""
        from mlflow.artifacts import download_artifacts, list_artifacts

        from gate.verify.pickles import may_hold_pickles, scan_file

        scans: list = []
        pending, seen = [""], 0
        while pending and seen < 10_000:  # a bound on hostile listings
            folder = pending.pop()
            for info in list_artifacts(artifact_uri=f"{root}/{folder}" if folder else root,
                                       tracking_uri=self.registry) or ():
                seen += 1
                relative = info.path.rsplit("/", 1)[-1] if not folder else f"{folder}/{info.path.rsplit('/', 1)[-1]}"
                if info.is_dir:
                    pending.append(relative)
                elif may_hold_pickles(relative):
                    local = download_artifacts(artifact_uri=f"{root}/{relative}",
                                               dst_path=tempfile.mkdtemp(dir=self._download_dir),
                                               tracking_uri=self.registry)
                    scans.extend(scan_file(local, display=f"{shown}/{relative}"))
        return tuple(scans)

    def _hashes(self, root: str, paths: tuple[str, ...]) -> dict:
        """sha256 of each pinned artifact file: downloaded to a private directory, read in chunks, never loaded."""
        if not paths:
            return {}
        from mlflow.artifacts import download_artifacts
        from mlflow.exceptions import MlflowException

        hashes: dict = {}
        for path in paths:
            target = tempfile.mkdtemp(dir=self._download_dir)
            try:
                local = download_artifacts(artifact_uri=f"{root}/{path}", dst_path=target,
                                           tracking_uri=self.registry)
            except (MlflowException, OSError) as exc:
                if isinstance(exc, MlflowException) and getattr(classify_mlflow_error(exc), "transient", False):
                    raise
                hashes[path] = None
                continue
            digest = hashlib.sha256()
            with open(local, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            hashes[path] = digest.hexdigest()
        return hashes

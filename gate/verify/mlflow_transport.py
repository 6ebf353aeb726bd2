"""How MLflow's client gets the gate's credentials and request settings without the process environment.

MLflow's client takes no credentials, timeout or retry count as arguments: at every request it reads them from
the environment (`mlflow.utils.credentials.get_default_host_creds`: `MLFLOW_TRACKING_TOKEN`,
`MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD`; `mlflow.utils.rest_utils.http_request`:
`MLFLOW_HTTP_REQUEST_TIMEOUT`, `MLFLOW_HTTP_REQUEST_MAX_RETRIES`), and its registry client, run lookups and
artifact downloads (which run in MLflow's own thread pool) all resolve them separately. Verify never reads or
writes the environment, and MLflow offers no supported way to hand these in, so this module uses one private
function of MLflow's HTTP layer: every request `http_request` makes goes through
`mlflow.utils.rest_utils._get_http_response_with_retries(method, url, max_retries, backoff_factor,
backoff_jitter, retry_codes, ..., headers=..., timeout=...)`. `install` wraps it once; the wrapper changes only
requests to a registry a `MlflowService` has `registered` (by URL prefix, process-wide, so MLflow's worker
threads see it too): they carry exactly the credentials of `VerifyConfig` (none when none were given: whatever
the environment holds is not sent), the gate's request timeout, and no retries of the client's own (the gate
retries, within its deadline). Every other request passes through unchanged.

If MLflow changes that function, `install` fails closed with a message naming the MLflow version, and
`tests/registry/test_mlflow_server.py` fails (the function's shape is checked, and a token only in `VerifyConfig`
must reach a server that refuses requests without it).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import inspect
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gate.errors import VerificationError

HOOK = "_get_http_response_with_retries"
"""The function of `mlflow.utils.rest_utils` every MLflow REST and artifact request goes through."""
HOOK_PARAMETERS = ("method", "url", "max_retries", "backoff_factor", "backoff_jitter", "retry_codes")
"""Its leading parameters, as this module calls it; it passes `headers` and `timeout` on to `requests`."""

_lock = threading.Lock()
_registered: dict[str, list[RegistryTransport]] = {}


class UnsupportedClient(VerificationError):
    """The installed MLflow client's HTTP layer is not the one this module configures."""


@dataclass(frozen=True)
class RegistryTransport:
    """What requests to one registry carry."""

    timeout: float
    """Seconds per request (connect and read)."""
    authorization: str | None = field(default=None, repr=False)
    """The `Authorization` header, or None to send none."""

    @classmethod
    def of(cls, timeout: float, token: str | None = None, username: str | None = None,
           password: str | None = None) -> RegistryTransport:
        """Basic auth for a user name and password, else a bearer token (MLflow's own order), else nothing."""
        if username and password:
            basic = base64.standard_b64encode(f"{username}:{password}".encode()).decode("ascii")
            return cls(timeout, f"Basic {basic}")
        return cls(timeout, f"Bearer {token}" if token else None)


def _prefix(registry: str) -> str:
    return registry.rstrip("/")


def transport_for(url: str) -> RegistryTransport | None:
    """The transport of the registry `url` belongs to (the longest registered prefix), or None."""
    with _lock:
        matches = [key for key, stack in _registered.items()
                   if stack and (url == key or url.startswith(key + "/") or url.startswith(key + "?"))]
        return _registered[max(matches, key=len)][-1] if matches else None


@contextlib.contextmanager
def registered(registry: str, transport: RegistryTransport) -> Iterator[None]:
    """Requests to `registry` (and below it) carry `transport` for the `with` block, in every thread."""
    install()
    key = _prefix(registry)
    with _lock:
        _registered.setdefault(key, []).append(transport)
    try:
        yield
    finally:
        with _lock:
            stack = _registered[key]
            stack.remove(transport)
            if not stack:
                del _registered[key]


def install() -> None:
    """Wrap MLflow's request function once (idempotent); fail closed when MLflow no longer has it as expected."""
    from mlflow.utils import rest_utils

    with _lock:
        original = getattr(rest_utils, HOOK, None)
        if getattr(original, "__model_gate__", False):
            return
        if original is None or not _has_expected_shape(original):
            from mlflow.version import VERSION

            raise UnsupportedClient(
                f"MLflow {VERSION} changed the HTTP layer model-gate hands its credentials and timeouts to "
                f"(mlflow.utils.rest_utils.{HOOK}): install a version model-gate supports "
                "(pip install 'model-gate[mlflow]') and report it")
        setattr(rest_utils, HOOK, _wrap(original))


def _has_expected_shape(function: Callable[..., Any]) -> bool:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return False
    names = tuple(p.name for p in parameters[:len(HOOK_PARAMETERS)])
    return names == HOOK_PARAMETERS and any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def _wrap(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def request(method: str, url: str, max_retries: int, backoff_factor: float, backoff_jitter: float,
                retry_codes: Any, *args: Any, **kwargs: Any) -> Any:
        transport = transport_for(url)
        if transport is None:
            return original(method, url, max_retries, backoff_factor, backoff_jitter, retry_codes, *args, **kwargs)
        headers = {name: value for name, value in (kwargs.get("headers") or {}).items()
                   if name.lower() != "authorization"}
        if transport.authorization:
            headers["Authorization"] = transport.authorization
        kwargs["headers"] = headers
        kwargs.pop("auth", None)  # an auth plugin or AWS signing chosen by the environment: not the gate's
        kwargs["timeout"] = transport.timeout
        return original(method, url, 0, 0, 0, retry_codes, *args, **kwargs)

    request.__model_gate__ = True  # type: ignore[attr-defined]
    return request

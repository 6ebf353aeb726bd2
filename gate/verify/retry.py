"""Retries with exponential backoff, `Retry-After` and one deadline for the whole run. Shared by hub.py and
github.py: both registries fail the same ways (429, 5xx, timeouts, dropped connections)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from gate.errors import VerificationError
from gate.verify.interface import VerifySettings

T = TypeVar("T")
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Failure:
    """How one attempt failed: `transient` failures are retried; `reason` is shown to the user."""

    reason: str
    transient: bool
    retry_after: float | None = None


class FailedAttempt(Exception):
    """Raised inside an attempt to say how it failed (e.g. an HTTP status): a classifier returns its `failure`."""

    def __init__(self, failure: Failure):
        super().__init__(failure.reason)
        self.failure = failure


def http_status(status: int | None) -> str:
    """`HTTP 503 Service Unavailable`: the number for searching, the phrase for reading."""
    from http import HTTPStatus

    try:
        return f"HTTP {status} {HTTPStatus(status or 0).phrase}"
    except (ValueError, TypeError):
        return f"HTTP {status}"


def retry_after_seconds(headers: Any) -> float | None:
    """`Retry-After: <seconds>` (the HTTP-date form is rare for APIs and treated as absent)."""
    value = (headers.get("Retry-After") or "").strip() if headers is not None else ""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def call_with_retries(attempt: Callable[[float], T], classify: Callable[[BaseException], Failure | None], *,
                      settings: VerifySettings, deadline_at: float, what: str) -> T:
    """Run `attempt(timeout)` until it returns, a permanent failure, `settings.attempts` tries or the deadline.

    `classify` turns an exception into a `Failure`, or None to let it propagate untouched.
    Raises VerificationError("<what>: <reason> ...") when giving up.
    """
    wait = settings.backoff
    tries = 0
    while True:
        tries += 1
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            raise VerificationError(f"no answer within the {settings.deadline:g} s verification deadline")
        try:
            return attempt(min(settings.request_timeout, remaining))
        except VerificationError:
            raise
        except Exception as exc:  # noqa: BLE001 - classify decides; unknown kinds re-raise below
            failure = classify(exc)
            if failure is None:
                raise
        if not failure.transient:
            raise VerificationError(f"{what}: {failure.reason}")
        if tries >= settings.attempts:
            raise VerificationError(f"{what}: {failure.reason} (gave up after {tries} attempts)")
        pause = failure.retry_after if failure.retry_after is not None else wait
        if time.monotonic() + pause >= deadline_at:
            raise VerificationError(
                f"{what}: {failure.reason}; the next retry (in {pause:g} s) would pass the "
                f"{settings.deadline:g} s verification deadline")
        time.sleep(pause)
        wait = min(settings.max_backoff, wait * 2)

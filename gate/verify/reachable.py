"""One quick question before many: does the endpoint answer at all? I/O only, like the rest of verify.

`model-gate pin` and `init` ask it first: offline, they say so in seconds (one line for the whole run) instead of
retrying every query with backoff.
"""

from __future__ import annotations

import re


def endpoint_unreachable(endpoint: str) -> str | None:
    """None when the endpoint answers at all (any HTTP status); else one line saying why not. One attempt with a
    short timeout."""
    import requests

    try:
        requests.head(endpoint, timeout=5, allow_redirects=False)
    except requests.RequestException as exc:
        errno = re.search(r"\[Errno -?\d+\] [^'\")]+", str(exc))  # `[Errno 111] Connection refused`
        reason = errno.group(0) if errno else type(exc).__name__
        return (f"cannot connect to {endpoint} ({reason}; one attempt: check the network, HF_ENDPOINT or "
                "--hub-endpoint)")
    return None

"""Environment variables set for one piece of work only, then restored (tokens, client settings)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def temporarily_set(values: dict[str, str]) -> Iterator[None]:
    """Set `values` in `os.environ` for the `with` block; afterwards every name has its previous value (or none)."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

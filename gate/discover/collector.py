"""Pausing Python's cycle collector while a stage builds many objects that all stay alive."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """No cycle collection while one file is parsed and scanned, or while the scan cache is read back. A parse is
    up to millions of container objects, and the cache of a tree hundreds of thousands, that all stay alive until
    the scan ends: the collector would walk them again and again and free nothing (about a tenth of a scan's, and
    of a cached repeat's, CPU time). The scan breaks its own cycles when it ends (`_Scan.release`); what is left
    in cycles is collected once the collector is switched back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()

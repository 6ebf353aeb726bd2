"""Shared pytest fixtures. `hub`: a running Hub emulator (tests/hubemu) on a free 127.0.0.1 port, over https
with a throwaway certificate (as huggingface.co is); `http_hub`: the same over plain http (a mirror or proxy)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_TLS: tuple[str, str] | None = None
_RUN_DIRECTORIES: list[str] = []


def pytest_configure(config):
    """Create the certificate and trust it before any client exists: huggingface_hub keeps one httpx2 client
    per process, and its TLS context is fixed when it is created."""
    global _TLS
    import gate.verify.cache
    from tests.hubemu.tls import throwaway_certificate

    # The per-file scan cache and the Hub answers go to a directory of this run, never the user's ~/.cache.
    gate.verify.cache.DEFAULT_CACHE_DIR = tempfile.mkdtemp(prefix="model-gate-test-cache-")

    directory = Path(tempfile.mkdtemp(prefix="hubemu-tls-"))
    _RUN_DIRECTORIES.extend([gate.verify.cache.DEFAULT_CACHE_DIR, str(directory)])
    made = throwaway_certificate(directory)
    if made is None:
        return  # no openssl: the emulator serves plain http
    cert, key = made
    _TLS = (str(cert), str(key))
    os.environ["SSL_CERT_FILE"] = str(cert)
    os.environ["REQUESTS_CA_BUNDLE"] = str(cert)


def pytest_unconfigure(config):
    """This run's cache and certificate directories go with the run (each run made its own)."""
    for directory in _RUN_DIRECTORIES:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def hub():
    """Yield a started `tests.hubemu.HubEmulator`: `.endpoint`, `.github_api`, `.add_repo(...)`, `.faults`,
    `.requests`. Each test gets a fresh, empty emulator."""
    from tests.hubemu import HubEmulator

    with HubEmulator(tls=_TLS) as emulator:
        yield emulator


@pytest.fixture
def http_hub():
    """The emulator over plain http, as a mirror or proxy serves it."""
    from tests.hubemu import HubEmulator

    with HubEmulator() as emulator:
        yield emulator


@pytest.fixture
def lfs():
    """A started Git LFS server (tests/lfsemu) over https with the same throwaway certificate."""
    from tests.lfsemu import LfsEmulator

    with LfsEmulator(tls=_TLS) as emulator:
        yield emulator

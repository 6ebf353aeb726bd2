"""Shared pytest fixtures. `hub`: a running Hub emulator (tests/hubemu) on a free 127.0.0.1 port."""

from __future__ import annotations

import pytest


@pytest.fixture
def hub():
    """Yield a started `tests.hubemu.HubEmulator`: `.endpoint`, `.github_api`, `.add_repo(...)`, `.faults`,
    `.requests`. Each test gets a fresh, empty emulator."""
    from tests.hubemu import HubEmulator

    with HubEmulator() as emulator:
        yield emulator

"""A local Git LFS server for tests: a real HTTP server speaking the batch API, not a mock. See README.md."""

from tests.lfsemu.server import LfsEmulator, LfsRepo, pointer_text

__all__ = ["LfsEmulator", "LfsRepo", "pointer_text"]

"""A local Hugging Face Hub (and GitHub API) emulator for tests: a real HTTP server, not a mock. See README.md."""

from tests.hubemu.fixtures import FixtureHub, RepoBuilder, load_directory
from tests.hubemu.server import Fault, Faults, HubEmulator

__all__ = ["Fault", "Faults", "FixtureHub", "HubEmulator", "RepoBuilder", "load_directory"]

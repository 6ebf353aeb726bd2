"""Issue 11 §6: the quick first tests in front of a few patterns asked of every file name and every string
literal give the same answers as the patterns alone (each skips work only)."""

from __future__ import annotations

import random
import re

from gate.discover import catalog, shell_finder
from gate.discover.interface import file_name
from tests.discover.expected_refs import FIXTURES

_COMPOSE_PLAIN = re.compile(r"(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml")


def _names() -> list[str]:
    rng = random.Random(7)
    parts = ["compose", "docker-compose", "docker", "requirements", "constraints", "dev", "-", "_", ".", "yml",
             "yaml", "txt", "in", "x", "é", "Requirements", "/", "prod.", ".j2"]
    names = ["".join(rng.choice(parts) for _ in range(rng.randint(1, 6))) for _ in range(20_000)]
    names += [str(path.relative_to(FIXTURES)) for path in FIXTURES.rglob("*")]
    return names


def test_the_file_name_tests_agree_with_their_patterns():
    compose = requirements = 0
    for path in _names():
        name = file_name(path)
        expected_compose = _COMPOSE_PLAIN.fullmatch(name) is not None
        expected_requirements = shell_finder._REQUIREMENTS_NAME.fullmatch(name) is not None
        assert shell_finder._is_compose(path) is expected_compose, path
        assert shell_finder._is_requirements(path) is expected_requirements, path
        compose += expected_compose
        requirements += expected_requirements
    assert compose > 5 and requirements > 5


def test_every_string_token_holds_a_slash_or_a_colon():
    # `_Scan._scan_value` passes over a string with neither before looking for each token.
    assert all("/" in token or ":" in token for token in catalog.STRING_TOKENS)

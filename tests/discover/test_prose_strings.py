"""Help and description text is documentation: an `hf://` path or Hub id written there as an example is not a load,
while the same forms in defaults and loading calls next to it still are.

Fixture: tests/fixtures/discover/python-prose-strings/ (repo/ and expected.json).
"""

from __future__ import annotations

from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected


def test_prose_strings_are_not_references_and_loads_beside_them_are():
    found = actual(discover(str(FIXTURES / "python-prose-strings" / "repo")))
    assert found == expected("python-prose-strings")
    ids = {r["id"] for r in found["references"]}
    assert {"acme/tts-voices", "acme/other-weights", "acme/third", "acme/described-only", "acme/epilog-example",
            "acme/help-example"}.isdisjoint(ids)
    assert {"acme/real-corpus", "acme/flag-default", "acme/loaded-shards", "acme/served"} <= ids

"""Calls that fetch from a registry other than the Hub (the LangChain prompt hub, LangSmith, git hosts) take
`owner/name` handles of their own: context detection does not report them, and a loader beside them still is.

Fixture: tests/fixtures/discover/python-other-registries/ (repo/ and expected.json).
"""

from __future__ import annotations

import pytest

from gate.discover.catalog.context import names_other_registry
from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected


def test_other_registry_handles_are_not_references():
    found = actual(discover(str(FIXTURES / "python-other-registries" / "repo")))
    assert found == expected("python-other-registries")
    assert [r["id"] for r in found["references"]] == ["acme/embedder", "acme/reader"]


@pytest.mark.parametrize(("callee", "other"), [
    ("hub.pull", True), ("langchain.hub.pull", True), ("client.pull_prompt", True), ("GithubFileLoader", True),
    ("clone_github_repo", True), ("GitLoader", True),
    ("load_model", False), ("torch.hub.load", False), ("hf_hub_download", False), ("digit_classifier", False),
])
def test_names_other_registry(callee, other):
    assert names_other_registry(callee) is other

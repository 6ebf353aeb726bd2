"""Every Python API form in the catalog, pinned and unpinned: the exact references of each fixture repo.

Fixtures: tests/fixtures/discover/python/<form>/repo/ with the exact expected references in expected.json.
"""

from __future__ import annotations

import json

import pytest

from gate.discover.catalog import SPECS
from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected

PYTHON_FORMS = sorted(p.name for p in (FIXTURES / "python").iterdir() if (p / "expected.json").exists())


@pytest.mark.parametrize("form", PYTHON_FORMS)
def test_fixture_references_are_exact(form):
    found = actual(discover(str(FIXTURES / "python" / form / "repo")))
    assert found == expected(f"python/{form}")


def test_every_catalog_row_has_a_fixture():
    pinned_by_api: dict[str, set[bool]] = {}
    for form in PYTHON_FORMS:
        for reference in json.loads((FIXTURES / "python" / form / "expected.json").read_text())["references"]:
            pinned_by_api.setdefault(reference["api"], set()).add(reference["pinned"])
    spec_apis = {spec.api for spec in SPECS}
    templated = {api for api in spec_apis if "{" in api}
    covered = set(pinned_by_api)
    missing = {api for api in spec_apis - templated if api not in covered}
    # Rows that share one fixture with a sibling row (same call shape, different method name).
    shared = {"huggingface_hub.from_pretrained_keras", "huggingface_hub.list_repo_tree",
              "huggingface_hub.list_repo_commits", "huggingface_hub.get_safetensors_metadata",
              "huggingface_hub.repo_info", "huggingface_hub.get_paths_info", "huggingface_hub.list_repo_refs",
              "kagglehub.dataset_load"}
    assert missing <= shared, f"catalog rows without a fixture: {sorted(missing - shared)}"

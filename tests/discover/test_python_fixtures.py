"""Every Python API form in the catalog, pinned and unpinned: the exact references of each fixture repo.

Fixtures: tests/fixtures/discover/python/<form>/repo/ with the exact expected references in expected.json.
"""

from __future__ import annotations

import pytest

from gate.discover.catalog import SPECS
from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected

PYTHON_FORMS = sorted(p.name for p in (FIXTURES / "python").iterdir() if (p / "expected.json").exists())


@pytest.mark.parametrize("form", PYTHON_FORMS)
def test_fixture_references_are_exact(form):
    found = actual(discover(str(FIXTURES / "python" / form / "repo")))
    assert found == expected(f"python/{form}")


def test_every_catalog_row_has_a_fixture(monkeypatch):
    from gate.discover import catalog

    matched: set[int] = set()
    original = catalog.match_call

    def recording(dotted, root_imported):
        spec = original(dotted, root_imported)
        if spec is not None:
            matched.add(SPECS.index(spec))
        return spec

    monkeypatch.setattr(catalog, "match_call", recording)
    for form in PYTHON_FORMS:
        discover(str(FIXTURES / "python" / form / "repo"))
    for catalog_form in FIXTURES.glob("python-catalog-*/repo"):  # the rows of issue 11 §4
        discover(str(catalog_form))
    assert [spec.calls for i, spec in enumerate(SPECS) if i not in matched] == []

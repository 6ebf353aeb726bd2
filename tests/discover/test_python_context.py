"""Context detection (issue 11 §3) and the catalog rows of §4: exact references of each fixture repo, and the
prefilter never deciding a file holds nothing.

Fixtures: tests/fixtures/discover/python-context-*/ and python-catalog-*/, each with repo/ and expected.json.
"""

from __future__ import annotations

import pytest

from gate.discover import python_finder
from gate.discover.catalog.context import negative_evidence
from gate.discover.engine import discover
from gate.discover.python_context import candidate_offsets, plausible_id
from tests.discover.expected_refs import FIXTURES, actual, expected

FORMS = sorted(p.name for p in FIXTURES.iterdir()
               if p.name.startswith(("python-context-", "python-catalog-")) and (p / "expected.json").exists())


def test_the_fixture_forms_are_there():
    assert len([f for f in FORMS if f.startswith("python-context-")]) == 6
    assert len([f for f in FORMS if f.startswith("python-catalog-")]) == 15


@pytest.mark.parametrize("form", FORMS)
def test_fixture_references_are_exact(form):
    assert actual(discover(str(FIXTURES / form / "repo"))) == expected(form)


def test_context_references_are_medium_and_catalog_ones_high():
    found = discover(str(FIXTURES / "python-context-bindings" / "repo")).references
    assert {r.confidence for r in found} == {"medium"}
    assert {(r.id, r.role) for r in found if r.role == "publish"} == {
        ("acme/publish-target", "publish"), ("acme/where-we-push", "publish")}
    negative = discover(str(FIXTURES / "python-context-negative" / "repo")).references
    assert [(r.id, r.confidence) for r in negative] == [("acme/catalog-wins", "high")]


def _all_python_fixture_repos():
    roots = [p / "repo" for p in FIXTURES.iterdir() if p.name.startswith("python") and (p / "repo").is_dir()]
    roots += [p / "repo" for p in (FIXTURES / "python").iterdir() if (p / "repo").is_dir()]
    roots.append(FIXTURES / "notebooks" / "repo")
    return sorted(r for r in roots if r.is_dir())


@pytest.mark.parametrize("root", _all_python_fixture_repos(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_the_prefilter_changes_nothing_on_any_fixture(root, monkeypatch):
    """Differential: every file parsed and walked everywhere (prefilter off) finds exactly what the prefilter lets
    through (prefilter on)."""
    with_prefilter = discover(str(root), jobs=1)
    monkeypatch.setattr(python_finder, "relevant_lines", lambda text: None)
    from gate.discover import notebook_finder

    monkeypatch.setattr(notebook_finder, "relevant_lines", lambda text: None)
    without_prefilter = discover(str(root), jobs=1)
    assert with_prefilter.references == without_prefilter.references


@pytest.mark.parametrize(("text", "count"), [
    ('model = "org/m"\n', 1),
    ("model = 'org/m'\n", 1),
    ('model = """org/m"""\n', 1),
    ('MODELS = ["org/a", "org/b"]\n', 2),
    ('model = "text/plain"\n', 0),  # a media type
    ('model = "org/m.bin"\n', 0),  # a file name
    ('# model = "org/m"\n', 0),  # a comment
    ('    >>> load("org/m")\n', 0),  # a doctest
    ('model = "org/m\'\n', 0),  # the quotes do not pair
    ('model = "a/b/c"\n', 0),
    ('version = "HTTP/1.1"\n', 0),  # no word of the vocabulary near it
    ('x = 1\n' * 25 + 'lexer = "call/cc"\n', 0),
    ('MODELS = [\n' + '    "org/a",\n' * 40 + ']\n', 40),  # a long list: read on from the one before
    ('model = "org/m"\n' + 'x = 1\n' * 25 + 'y = "org/far"\n', 1),
])
def test_candidate_literals(text, count):
    assert len(candidate_offsets(text)) == count


def test_plausible_ids_follow_the_negative_evidence():
    assert plausible_id("org/m")
    for value in ("openai/gpt-4o", "ghcr.io/a/b", "org/m:tag", "./org/m", "org/m.gguf", "application/json"):
        assert not plausible_id(value), value
    assert negative_evidence("org/m") is None

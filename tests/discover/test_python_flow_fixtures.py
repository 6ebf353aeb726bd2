"""Following the literal to where it is used (issue 11 §2, issue 12 §2, §3, §14): the exact references of each
fixture repo under tests/fixtures/discover/python-flow-*/ (pinned and unpinned, the hard cases of each form)."""

from __future__ import annotations

import pytest

from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected

FLOW_FORMS = sorted(p.name for p in FIXTURES.glob("python-flow-*") if (p / "expected.json").exists())


def test_every_flow_form_has_a_fixture():
    assert FLOW_FORMS == ["python-flow-annotated-params", "python-flow-argparse", "python-flow-attributes", "python-flow-blowup", "python-flow-class-overrides", "python-flow-containers", "python-flow-dict-routed", "python-flow-dropped", "python-flow-fallbacks", "python-flow-helpers", "python-flow-path-calls", "python-flow-reaching", "python-flow-rebinding"]


@pytest.mark.parametrize("form", FLOW_FORMS)
def test_flow_fixture_references_are_exact(form):
    assert actual(discover(str(FIXTURES / form / "repo"))) == expected(form)

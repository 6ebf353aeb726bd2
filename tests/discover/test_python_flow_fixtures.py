"""Following the literal to where it is used (issue 11 §2, issue 12 §2, §3, §14): the exact references of each
fixture repo under tests/fixtures/discover/python-flow-*/ (pinned and unpinned, the hard cases of each form)."""

from __future__ import annotations

import pytest

from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected

FLOW_FORMS = sorted(p.name for p in FIXTURES.glob("python-flow-*") if (p / "expected.json").exists())


def test_every_flow_form_has_a_fixture():
    assert FLOW_FORMS == ["python-flow-annotated-params", "python-flow-argparse", "python-flow-attributes", "python-flow-blowup", "python-flow-branch-exclusions", "python-flow-class-overrides", "python-flow-containers", "python-flow-dict-routed", "python-flow-dict-views", "python-flow-dropped", "python-flow-equality-guards", "python-flow-fallbacks", "python-flow-helpers", "python-flow-path-calls", "python-flow-reaching", "python-flow-rebinding"]


@pytest.mark.parametrize("form", FLOW_FORMS)
def test_flow_fixture_references_are_exact(form):
    assert actual(discover(str(FIXTURES / form / "repo"))) == expected(form)


def test_an_equality_test_says_what_the_name_holds_in_its_branch():
    """`elif data_name == "gsm8k": load_dataset(data_name)`, `"x" == name`, `name in ("a", "b")`: the parameter holds
    those strings in the branch; a branch that rebinds it, and the `else`, stay dynamic."""
    found = actual(discover(str(FIXTURES / "python-flow-equality-guards" / "repo")))
    assert [(r["line"], r["id"], r.get("expression")) for r in found["references"]] == [
        (11, "acme/competition-math", None), (13, "gsm8k", None), (16, "acme/svamp", None),
        (18, "acme/asdiv", None), (18, "acme/mawps", None), (21, None, "data_name"), (23, None, "data_name")]


def test_an_if_test_rules_out_the_values_that_cannot_reach_its_branch():
    """`elif init_from.startswith("gpt2"):` after `if init_from == "scratch":`: the module's `"scratch"` cannot reach
    the load (dynamic: the value comes from elsewhere, here an `exec`'d config); `in`, `not in`, `!=`, `endswith`
    and `not` are read too, a test it cannot read keeps every value, and a branch that rebinds the name is not read.
    `if "int4" in model_path:` tests a substring (demo.py): on a constant path without it the branch's load is
    dynamic, and a parameter's value from the file's own call reaches only the branch its substring picks."""
    found = actual(discover(str(FIXTURES / "python-flow-branch-exclusions" / "repo")))
    assert [(r["line"], r["id"], r.get("expression")) for r in found["references"]] == [
        (5, None, "model_path"), (7, "acme/vision-chat-7b", None), (9, None, "model_path"), (15, "acme/omni-12B", None),
        (17, None, "path"), (11, None, "init_from"), (16, "acme/default-tokenizer", None), (23, "acme/large-model", None),
        (25, "acme/small-model", None), (27, "acme/large-model", None), (27, "acme/small-model", None),
        (35, "acme/second", None)]


def test_a_loop_over_a_dicts_views_reads_each_items_place():
    """`for i, (name, (hf_id, config, split)) in enumerate(SOURCES.items(), start=1)` then a same-file helper,
    `for hf_id, _, split in SOURCES.values()`, `for m in MIRRORS.keys()`: every value at that place; a starred
    target and a dict spread into another stay dynamic."""
    found = actual(discover(str(FIXTURES / "python-flow-dict-views" / "repo")))
    assert [(r["line"], r["id"], r.get("expression")) for r in found["references"]] == [
        (15, "acme/pdf-corpus", None), (15, "acme/web-corpus", None), (22, "acme/pdf-corpus", None),
        (22, "acme/web-corpus", None), (24, "acme/mirror-a", None), (24, "acme/mirror-b", None),
        (26, None, "hf_id"), (28, None, "hf_id")]

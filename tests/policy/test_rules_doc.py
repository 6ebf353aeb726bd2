"""docs/rules.md is generated from the rule modules, and every rule module is complete."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

from gate.policy import rules as rules_package
from gate.policy.rules import all_rules, rule_module
from gate.policy.rules_doc import render_rules_doc

REPO = Path(__file__).resolve().parents[2]
POLICY_RULES = {"unpinned-revision", "not-allowlisted", "revision-not-allowed", "trust-remote-code",
                "dynamic-reference", "unpinnable-reference", "unsafe-artifact-format", "artifact-hash-mismatch",
                "expired-waiver", "waiver-expiring"}


def test_docs_rules_md_is_generated():
    expected = render_rules_doc()
    actual = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run `python -m gate.policy.rules_doc > docs/rules.md`"


def test_every_module_defines_its_rule():
    modules = {info.name for info in pkgutil.iter_modules(rules_package.__path__)}
    assert {rule_id.replace("-", "_") for rule_id in all_rules()} == modules


@pytest.mark.parametrize("rule_id", sorted(all_rules()))
def test_rule_metadata_is_complete(rule_id):
    rule = all_rules()[rule_id]
    assert rule.default_severity in ("error", "warning", "note")
    assert rule.description and rule.why and rule.fix
    assert rule.stage in ("policy", "verify", "signature", "pickle", "run")


def test_policy_stage_rules_have_checks():
    staged = {rule_id for rule_id, rule in all_rules().items() if rule.stage == "policy"}
    assert POLICY_RULES <= staged
    for rule_id in POLICY_RULES:
        module = rule_module(rule_id)
        assert hasattr(module, "check") or hasattr(module, "check_policy"), rule_id
        assert all_rules()[rule_id].bad_example and all_rules()[rule_id].good_example


def test_doc_lists_each_rule_with_why_and_fix():
    text = render_rules_doc()
    for rule_id, rule in all_rules().items():
        assert f"## {rule_id}\n" in text and rule.why in text and rule.fix in text

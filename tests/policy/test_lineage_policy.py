"""The `lineage:` policy section (issue 18 §1): schema, extends, `policy diff`, and `dataset-denied` on loads."""

from __future__ import annotations

import pytest

from gate.errors import PolicyError
from gate.policy.diff import diff_policies
from tests.policy.helpers import SHA_A, judge, policy, ref


def test_lineage_section_is_loaded():
    loaded = policy("""\
        lineage:
          allowed_bases: [meta-llama/*]
          denied_datasets: [someone/*]
          require_declared_training_data: true
          max_depth: 3
        """)
    assert loaded.lineage == {"allowed_bases": ["meta-llama/*"], "denied_datasets": ["someone/*"],
                              "require_declared_training_data": True, "max_depth": 3}
    assert loaded.to_json()["lineage"] == loaded.lineage
    assert policy("").lineage is None


@pytest.mark.parametrize(("body", "message", "line"), [
    ("lineage:\n  allowed_base: [a/*]\n", "lineage: unknown key 'allowed_base' (did you mean 'allowed_bases'?)", 3),
    ("lineage:\n  max_depth: 0\n", "lineage.max_depth: must be at least 1, got 0", 3),
    ("lineage:\n  require_declared_training_data: yes\n",
     "lineage.require_declared_training_data: must be of type boolean, got str 'yes'", 3),
])
def test_schema_rejects_bad_lineage(body, message, line):
    with pytest.raises(PolicyError) as caught:
        policy(body)
    assert (caught.value.message, caught.value.line) == (message, line)


def test_extends_concatenates_lineage_lists(tmp_path):
    (tmp_path / "base.yml").write_text("version: 1\nlineage: {allowed_bases: [meta-llama/*], max_depth: 3}\n")
    child = policy("extends: base.yml\nlineage: {allowed_bases: [mistralai/*], denied_bases: [x/*]}\n",
                   base_dir=str(tmp_path))
    assert child.lineage == {"allowed_bases": ["meta-llama/*", "mistralai/*"], "max_depth": 3,
                             "denied_bases": ["x/*"]}


def test_policy_diff_knows_lineage():
    old = "version: 1\nlineage: {allowed_bases: [meta-llama/*], denied_datasets: [a/*]}\n"
    new = ("version: 1\nlineage: {allowed_bases: [meta-llama/*, org/*], denied_datasets: [b/*], "
           "require_declared_training_data: true, max_depth: 8}\n")
    assert [(c.effect, c.area, c.summary) for c in diff_policies(old, new).changes] == [
        ("loosens", "lineage", "lineage.allowed_bases: adds [org/*]"),
        ("tightens", "lineage", "lineage.denied_datasets: adds [b/*]"),
        ("loosens", "lineage", "lineage.denied_datasets: removes [a/*]"),
        ("tightens", "lineage", "lineage.require_declared_training_data: false → true (tightens the policy)"),
        ("tightens", "lineage", "lineage.max_depth: 5 → 8 (tightens the policy)"),
    ]
    assert [c.summary for c in diff_policies("version: 1\n", old).changes] == [
        "lineage.allowed_bases: now limited to [meta-llama/*]", "lineage.denied_datasets: adds [a/*]"]


def test_dataset_denied_on_loads():
    body = "lineage: {denied_datasets: [someone/leaked-*]}\n"
    found = judge(body, [ref("someone/leaked-mail", SHA_A, kind="dataset", api="datasets.load_dataset"),
                         ref("someone/leaked-model", SHA_A),
                         ref("org/clean", SHA_A, kind="dataset", api="datasets.load_dataset")])
    assert [f for f in found if f[0] == "dataset-denied"] == [("dataset-denied", "error", 0, None)]


def test_lineage_rules_without_verification_say_they_were_not_checked():
    from gate.policy.evaluate import requirements_left_to_verification

    loaded = policy("lineage: {allowed_bases: [meta-llama/*]}\n")
    assert requirements_left_to_verification(loaded, [ref("org/ft", SHA_A), ref("org/data", kind="dataset")]) == [
        "the policy's lineage rules (lineage) for 1 referenced id(s) (org/ft) were not checked: they are verified "
        "against the Hub only with --verify hub or full (or defaults.verify)"]
    assert requirements_left_to_verification(policy("lineage: {max_depth: 3}\n"), [ref("org/ft", SHA_A)]) == []

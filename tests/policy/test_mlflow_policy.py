"""MLflow registries in the policy (issue 17 §2): `registries:`, `source: mlflow` entries with `versions` and
`aliases`, and the same rules as Hub models (unpinned, not allowlisted, version not allowed, waivers)."""

from __future__ import annotations

import pytest

from gate.errors import PolicyError
from gate.policy.evaluate import evaluate
from gate.policy.model import normalize_registry
from tests.policy.helpers import TODAY, judge, policy, ref

POLICY = """
defaults: {unlisted: deny}
registries:
  - uri: https://mlflow.internal
    require_tags: {validation_status: approved}
models:
  - source: mlflow
    name: churn
    versions: [3, "4"]
    aliases: [champion]
    reason: scoring
  - id: org/*
"""


def mlflow(name="churn", revision="3", registry=None, **fields):
    from gate.discover.mlflow_uris import is_pinned

    return ref(name, revision, source="mlflow", api="mlflow.load_model", revision_key="uri",
               pinned=is_pinned(revision), registry=registry, **fields)


@pytest.mark.parametrize(("reference", "expected"), [
    (mlflow(), []),
    (mlflow(revision="4"), []),
    (mlflow(revision="5"), [("revision-not-allowed", "error", 0, None)]),
    (mlflow(revision="Production"), [("unpinned-revision", "error", 0, None)]),
    (mlflow(revision="latest"), [("unpinned-revision", "error", 0, None)]),
    (mlflow(revision="@champion"), [("unpinned-revision", "error", 0, None)]),
    (mlflow(revision="@shadow"), [("revision-not-allowed", "error", 0, None), ("unpinned-revision", "error", 0, None)]),
    (mlflow(name="fraud"), [("not-allowlisted", "error", 0, None)]),
    (mlflow(registry="https://MLflow.internal:443/"), []),
    (mlflow(registry="http://10.0.0.7:5000"), [("registry-not-allowed", "error", 0, None)]),
    # An MLflow entry never allows a Hub repository of the same name.
    (ref("churn", "a" * 40), [("not-allowlisted", "error", 0, None)]),
])
def test_mlflow_rules(reference, expected):
    assert judge(POLICY, [reference]) == expected


def test_registry_not_allowed_names_the_server_and_the_fix():
    [finding] = evaluate(policy(POLICY), [mlflow(registry="http://10.0.0.7:5000")], TODAY)
    assert finding.message == ("model 'churn' is loaded from the MLflow registry http://10.0.0.7:5000 (named in the "
                               "file), which the policy does not list (registries: https://mlflow.internal)")
    assert "add `- uri: http://10.0.0.7:5000` to registries:" in finding.remediation


def test_without_registries_any_registry_is_accepted():
    assert judge("models: [{source: mlflow, name: churn}]", [mlflow(registry="http://any:5000")]) == []


def test_unpinned_mlflow_message_and_fix_use_versions():
    [finding] = evaluate(policy(POLICY), [mlflow(revision="@champion")], TODAY)
    assert finding.message == ("model 'churn' is not pinned to a version: alias '@champion' can be re-pointed to "
                               "another version at any time")
    assert finding.remediation == "load the fixed model version models:/churn/3 (the revision the policy allows)"


def test_not_allowlisted_suggests_an_mlflow_entry():
    [finding] = evaluate(policy(POLICY), [mlflow(name="fraud")], TODAY)
    assert "  - source: mlflow\n    name: fraud\n    versions: [3]" in finding.remediation


def test_waivers_apply_to_mlflow_findings():
    body = POLICY + "exceptions:\n  - {rule: not-allowlisted, id: fraud, reason: trial, expires: 2027-01-31}\n"
    assert judge(body, [mlflow(name="fraud")]) == [("not-allowlisted", "error", 0, 0)]


@pytest.mark.parametrize("body", [
    "registries: [{uri: mlflow.internal}]",
    "models: [{source: mlflow}]",
    "models: [{source: mlflow, name: churn, versions: [latest]}]",
])
def test_invalid_mlflow_policy_is_rejected(body):
    with pytest.raises(PolicyError):
        policy(body)


def test_registries_merge_across_extends(tmp_path):
    (tmp_path / "base.yml").write_text("version: 1\nregistries: [{uri: 'https://a.internal'}]\n")
    child = policy("extends: base.yml\nregistries: [{uri: 'https://b.internal'}]\n", base_dir=str(tmp_path))
    assert [r["uri"] for r in child.registries] == ["https://a.internal", "https://b.internal"]
    assert child.to_json()["registries"] == [{"uri": "https://a.internal"}, {"uri": "https://b.internal"}]


def test_normalize_registry():
    assert normalize_registry("HTTP://Host:80/") == normalize_registry("http://host") == "http://host"
    assert normalize_registry("https://host:8443/mlflow/") == "https://host:8443/mlflow"

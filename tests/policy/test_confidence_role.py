"""Confidence, role and metrics in the policy stage: `defaults.medium_confidence`, publish targets (never judged
as loads; `publish:` and `publish-target-not-allowed`), `metrics:` (a metric runs its Space's code)."""

from __future__ import annotations

import pytest

from gate.errors import PolicyError
from gate.policy.diff import diff_policies
from gate.policy.evaluate import evaluate
from gate.policy.init import starter_policy
from tests.policy.helpers import SHA_A, SHA_B, TODAY, judge, policy, ref

UNPINNED = ref("org/model")
MEDIUM = ref("org/context-found", line=2, confidence="medium", api="context:encoder")
PUBLISH = ref("other-org/finetune", line=3, role="publish", api="transformers.push_to_hub", revision_key=None)
METRIC = ref("accuracy", line=4, kind="metric", api="evaluate.load", revision_key="revision")


# -- defaults.medium_confidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(("setting", "expected"), [
    ("", [("not-allowlisted", "error", 0, None), ("not-allowlisted", "error", 1, None),
          ("unpinned-revision", "error", 0, None), ("unpinned-revision", "error", 1, None)]),
    ("medium_confidence: judge", [("not-allowlisted", "error", 0, None), ("not-allowlisted", "error", 1, None),
                                  ("unpinned-revision", "error", 0, None), ("unpinned-revision", "error", 1, None)]),
    ("medium_confidence: warn", [("not-allowlisted", "error", 0, None), ("not-allowlisted", "warning", 1, None),
                                 ("unpinned-revision", "error", 0, None), ("unpinned-revision", "warning", 1, None)]),
    ("medium_confidence: ignore", [("not-allowlisted", "error", 0, None), ("unpinned-revision", "error", 0, None)]),
])
def test_medium_confidence_setting(setting, expected):
    assert judge(f"defaults: {{unlisted: deny, {setting}}}\n" if setting else "defaults: {unlisted: deny}\n",
                 [UNPINNED, MEDIUM]) == expected


def test_medium_confidence_warn_leaves_warnings_and_notes_alone():
    # dynamic-reference is a warning already; warn only lowers errors.
    dynamic = ref(None, confidence="medium", dynamic=True, expression="cfg.encoder")
    assert judge("defaults: {medium_confidence: warn}\n", [dynamic]) == [("dynamic-reference", "warning", 0, None)]


def test_medium_confidence_is_left_to_the_caller_when_asked():
    findings = evaluate(policy("defaults: {medium_confidence: ignore}\n"), [MEDIUM], TODAY, judge_confidence=False)
    assert [(f.rule, f.severity) for f in findings] == [("unpinned-revision", "error")]


def test_misspelt_medium_confidence_is_an_error_with_a_hint():
    with pytest.raises(PolicyError, match=r"unknown key 'medium_confidense' \(did you mean 'medium_confidence'\?\)"):
        policy("defaults: {medium_confidense: warn}\n")
    with pytest.raises(PolicyError, match="'sometimes' is not allowed; use one of: judge, warn, ignore"):
        policy("defaults: {medium_confidence: sometimes}\n")


# -- publish targets ------------------------------------------------------------------------------------------


def test_publish_target_is_never_judged_by_the_load_rules():
    strict = "defaults: {unlisted: deny, unpinnable: deny, dynamic: deny}\n"
    unpinnable = ref("other-org/x", line=5, role="publish", pinnable=False, api="huggingface_hub.create_repo")
    remote_code = ref("other-org/y", line=6, role="publish", trust_remote_code=True)
    branch = ref("other-org/z", "main", line=7, role="publish")
    assert judge(strict, [PUBLISH, unpinnable, remote_code, branch]) == []
    # the same id loaded is judged as before
    assert judge(strict, [ref("other-org/finetune")]) == [("not-allowlisted", "error", 0, None),
                                                          ("unpinned-revision", "error", 0, None)]


def test_publish_target_not_in_publish_allowed_is_an_error():
    allowed = ref("my-org/run-7", line=8, role="publish")
    findings = evaluate(policy("publish: {allowed: [my-org/*]}\n"), [PUBLISH, allowed], TODAY)
    [finding] = findings
    assert (finding.rule, finding.severity, finding.reference, finding.path, finding.line) == (
        "publish-target-not-allowed", "error", 0, "src/app.py", 3)
    assert finding.message == ("publishes to 'other-org/finetune' via transformers.push_to_hub, which the "
                               "policy's publish.allowed (my-org/*) does not list")
    assert finding.remediation.endswith("in policy.yml:\npublish:\n  allowed: [other-org/finetune]")


def test_publish_allowed_matches_ids_case_insensitively_and_exact_ids():
    body = "publish: {allowed: [Other-Org/FineTune]}\n"
    assert judge(body, [PUBLISH]) == []
    assert judge(body, [ref("other-org/finetune-2", role="publish")]) == [
        ("publish-target-not-allowed", "error", 0, None)]


def test_dynamic_publish_target_is_reported_only_when_the_policy_judges_publish_targets():
    dynamic = ref(None, role="publish", dynamic=True, expression="args.hub_model_id", api="transformers.push_to_hub")
    assert judge("defaults: {dynamic: deny}\n", [dynamic]) == []
    findings = evaluate(policy("publish: {allowed: [my-org/*]}\n"), [dynamic], TODAY)
    assert [(f.rule, f.severity, f.message) for f in findings] == [
        ("dynamic-reference", "warning", "publish target id is computed at run time from `args.hub_model_id` via "
                                         "transformers.push_to_hub; model-gate cannot check it")]


def test_extends_adds_to_the_base_publish_targets(tmp_path):
    (tmp_path / "base.yml").write_text("version: 1\npublish: {allowed: [my-org/*]}\n")
    child = policy("extends: base.yml\npublish: {allowed: [partner/shared]}\n", base_dir=str(tmp_path))
    assert child.publish["allowed"] == ["my-org/*", "partner/shared"]
    assert child.publish_allowed("my-org/a") and child.publish_allowed("partner/shared")
    assert child.publish_allowed("partner/other") is False
    assert policy("").publish_allowed("anyone/anything") is None


def test_publish_section_needs_allowed():
    with pytest.raises(PolicyError, match="publish: missing required key 'allowed'"):
        policy("publish: {reason: x}\n")


# -- metrics --------------------------------------------------------------------------------------------------


def test_metric_runs_remote_code_and_is_judged_like_a_model():
    findings = evaluate(policy(""), [METRIC], TODAY)
    assert sorted((f.rule, f.severity) for f in findings) == [("trust-remote-code", "error"),
                                                             ("unpinned-revision", "error")]
    remote = next(f for f in findings if f.rule == "trust-remote-code")
    assert remote.message == ("metric 'accuracy': an evaluate metric is a Hub Space whose Python code runs when it "
                              "is loaded, and the policy does not allow it for accuracy")
    assert "add `trust_remote_code: allow` to a `metrics:` entry for accuracy in" in remote.remediation
    unpinned = next(f for f in findings if f.rule == "unpinned-revision")
    assert "model-gate pin" not in unpinned.remediation  # pin does not resolve Spaces


@pytest.mark.parametrize(("body", "expected"), [
    ("metrics: [{id: accuracy, trust_remote_code: allow}]\n", [("unpinned-revision", "error", 0, None)]),
    ("defaults: {trust_remote_code: allow}\n", [("unpinned-revision", "error", 0, None)]),
    # a models: entry does not allow a metric
    ("models: [{id: accuracy, trust_remote_code: allow}]\n",
     [("trust-remote-code", "error", 0, None), ("unpinned-revision", "error", 0, None)]),
    ("defaults: {unlisted: deny}\nmetrics: [{id: other}]\n",
     [("not-allowlisted", "error", 0, None), ("trust-remote-code", "error", 0, None),
      ("unpinned-revision", "error", 0, None)]),
])
def test_metric_permissions(body, expected):
    assert judge(body, [METRIC]) == expected


def test_pinned_allowed_metric_passes_and_other_revisions_do_not():
    body = f"metrics: [{{id: accuracy, revisions: [{SHA_A}], trust_remote_code: allow}}]\n"
    pinned = ref("accuracy", SHA_A, kind="metric", api="evaluate.load")
    other = ref("accuracy", SHA_B, kind="metric", api="evaluate.load")
    assert judge(body, [pinned, other]) == [("revision-not-allowed", "error", 1, None)]


# -- policy diff and init -------------------------------------------------------------------------------------


def _changes(old: str, new: str) -> list[tuple[str, str, str]]:
    diff = diff_policies("version: 1\n" + old, "version: 1\n" + new)
    return [(c.effect, c.area, c.summary) for c in diff.changes]


def test_diff_medium_confidence():
    assert _changes("", "defaults: {medium_confidence: warn}\n") == [
        ("loosens", "defaults", "defaults.medium_confidence: judge → warn (loosens the policy)")]
    assert _changes("defaults: {medium_confidence: ignore}\n", "defaults: {medium_confidence: warn}\n") == [
        ("tightens", "defaults", "defaults.medium_confidence: ignore → warn (tightens the policy)")]


def test_diff_publish_and_metrics():
    assert _changes("", "publish: {allowed: [my-org/*]}\n") == [
        ("tightens", "publish", "publish.allowed: now limited to [my-org/*]")]
    assert _changes("publish: {allowed: [my-org/*]}\n", "publish: {allowed: [my-org/*, evil/*]}\n") == [
        ("loosens", "publish", "publish.allowed: adds [evil/*]")]
    assert _changes("publish: {allowed: [my-org/*]}\n", "") == [
        ("loosens", "publish", "publish.allowed: no longer limited (was [my-org/*])")]
    assert _changes("", "metrics: [{id: accuracy, trust_remote_code: allow}]\n") == [
        ("loosens", "metrics", "newly allows metric 'accuracy' at any revision, with trust_remote_code allowed")]


def test_init_lists_publish_targets_and_metrics_apart_from_models():
    text = starter_policy([UNPINNED, PUBLISH, METRIC], TODAY)
    loaded = policy(text.split("version: 1\n", 1)[1])
    assert [e["id"] for e in loaded.models] == ["org/model"]
    assert [e["id"] for e in loaded.metrics] == ["accuracy"]
    assert loaded.publish == {"allowed": ["other-org/finetune"]}
    assert '    - "other-org/finetune"   # pushed at src/app.py:3' in text
    assert '    # not pinned at src/app.py:4: write revision="<sha>" in the call, then list the commit under revisions' \
        in text
    # the starter policy judges what it lists: the metric still needs its code reviewed
    assert judge(text.split("version: 1\n", 1)[1], [PUBLISH]) == []


def test_computed_metric_runs_code_the_policy_cannot_allow_by_id_and_a_local_one_runs_none():
    computed = ref(None, kind="metric", api="evaluate.load", dynamic=True, expression="args.metric")
    local = ref("./metrics/my_metric.py", kind="metric", api="evaluate.load", source="local")
    assert judge("metrics: [{id: '*', trust_remote_code: allow}]\n", [computed, local]) == [
        ("dynamic-reference", "warning", 0, None), ("trust-remote-code", "error", 0, None)]

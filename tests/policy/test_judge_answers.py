"""The judge (gate/policy/judge.py) on hand-made evidence: the cases the emulator cannot produce."""

from __future__ import annotations

from gate.policy.judge import judge_answer
from gate.policy.load import load_policy
from gate.verify.interface import RepoAnswer, RepoFile, RepoQuery, SecurityScan
from tests.verify.hubtools import TODAY, ref

SHA = "a" * 40


def test_a_pinned_git_file_without_a_hash_is_never_a_silent_pass(tmp_path):
    policy = load_policy(None, str(tmp_path), today=TODAY,
                         text='version: 1\nmodels:\n  - {id: org/m, files: {config.json: "sha256:' + "0" * 64 + '"}}\n')
    answer = RepoAnswer(RepoQuery("model", "org/m", SHA), "ok", sha=SHA, canonical_id="org/m",
                        files=(RepoFile("config.json", 2),), security=SecurityScan(done=True))
    [finding] = judge_answer(policy, 0, ref("org/m", SHA), answer, "https://hub.example")
    assert (finding.rule, finding.severity) == ("verification-failed", "error")
    assert "could not compute the sha256 of config.json" in finding.message


def test_a_model_without_any_security_status_gets_a_note(tmp_path):
    policy = load_policy(None, str(tmp_path), today=TODAY, text="version: 1\n")
    answer = RepoAnswer(RepoQuery("model", "org/m", SHA), "ok", sha=SHA, canonical_id="org/m", security=None)
    [finding] = judge_answer(policy, 0, ref("org/m", SHA), answer, "https://hub.example")
    assert (finding.rule, finding.severity, finding.details["scan"]) == ("hub-security-flag", "note", "not scanned")


def test_answers_survive_a_json_round_trip():
    answer = RepoAnswer(RepoQuery("dataset", "org/d", SHA), "ok", sha=SHA, canonical_id="org/d",
                        license=("mit",), gated="auto", files=(RepoFile("a.parquet", 3, "b" * 64, "c" * 40),),
                        security=SecurityScan(True, (("a.pkl", "unsafe"),)), file_sha256=(("x", "d" * 64),))
    assert RepoAnswer.from_json(answer.to_json()) == answer


def _hub(answer):
    from gate.verify.interface import HubEvidence

    return HubEvidence(hub_endpoint="https://hub.example", github_api="https://api.github.example",
                       answers={answer.query: answer}, failures={})


def test_the_judge_hands_findings_their_reference_and_a_machine_applicable_fix(tmp_path):
    from gate.policy.judge import Evidence, judge

    policy = load_policy(None, str(tmp_path), today=TODAY, text="version: 1\n")
    moving = ref("org/m", "main", confidence="medium")
    answer = RepoAnswer(RepoQuery("model", "org/m", "main"), "ok", sha=SHA, canonical_id="org/m",
                        security=SecurityScan(done=True))
    judgement = judge(policy, [moving], Evidence(hub=_hub(answer)), TODAY)
    [finding] = [f for f in judgement.findings if f.rule == "unpinned-revision"]
    assert finding.subject == judgement.references[0] and finding.reference == 0
    assert finding.confidence == "high"  # the Hub confirmed the medium-confidence reference
    assert (finding.fix.revision, finding.fix.repo_id) == (SHA, None)
    assert finding.details["resolved_sha"] == SHA


def test_a_finding_about_a_computed_reference_carries_it_too(tmp_path):
    from gate.policy.judge import judge

    policy = load_policy(None, str(tmp_path), today=TODAY, text="version: 1\n")
    findings = judge(policy, [ref(None, dynamic=True, expression="os.environ['M']")], None, TODAY).findings
    assert [(f.rule, f.subject is not None, f.confidence) for f in findings] == [("dynamic-reference", True, "high")]


def test_the_verdict_and_the_annotations_share_one_blocking_rule():
    from gate.pipeline import blocks, fails
    from gate.policy.interface import Finding
    from gate.report.github import GitHubContext, is_blocking

    old = Finding("unpinned-revision", "error", "m", "r", "a.py", 1, None, pre_existing=True)
    new = old.with_(pre_existing=False, severity="warning")
    for fail_on, existing in (("error", False), ("error", True), ("warning", False), ("never", True)):
        context = GitHubContext(fail_on=fail_on, fail_on_existing=existing)
        assert [is_blocking(f, context) for f in (old, new)] == [blocks(f, fail_on, existing) for f in (old, new)]
    assert (fails([old], "error"), fails([old], "error", True), fails([new], "warning")) == (False, True, True)

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

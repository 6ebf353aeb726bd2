"""Verification of medium-confidence references and publish targets, through the real huggingface_hub client
against the Hub emulator: the Hub confirms a medium id (it becomes high) or does not know it (a note, never an
error or `verification-failed`); publish targets are never asked about."""

from __future__ import annotations

import pytest

from gate.policy.evaluate import apply_medium_confidence
from gate.policy.load import load_policy
from tests.verify.hubtools import TODAY, fast_env, ref, verify

WEIGHTS = b"\x00safetensors-weights" * 10


@pytest.fixture(autouse=True)
def _env(monkeypatch, hub):
    fast_env(monkeypatch, hub)


def _rules(outcome) -> list[tuple]:
    return sorted((f.rule, f.severity, f.reference) for f in outcome.findings)


def test_medium_id_the_hub_knows_becomes_high_and_is_judged_like_any_other(hub, tmp_path):
    head = hub.add_repo("org/encoder", files={"model.safetensors": WEIGHTS}).head()
    medium = ref("org/encoder", confidence="medium", api="context:encoder")
    outcome = verify(hub, [medium], tmp_path, "version: 1\ndefaults: {medium_confidence: ignore}\n")
    assert [r.confidence for r in outcome.references] == ["high"]
    assert _rules(outcome) == [("unpinned-revision", "error", 0)]
    [finding] = outcome.findings
    assert finding.details["resolved_sha"] == head
    # medium_confidence no longer applies: the reference is high now
    policy = load_policy(None, str(tmp_path), text="version: 1\ndefaults: {medium_confidence: ignore}\n", today=TODAY)
    assert [f.rule for f in apply_medium_confidence(policy, outcome.findings, outcome.references)] == [
        "unpinned-revision"]


def test_revision_not_found_still_confirms_the_repository(hub, tmp_path):
    hub.add_repo("org/encoder", files={"model.safetensors": WEIGHTS})
    outcome = verify(hub, [ref("org/encoder", "b" * 40, confidence="medium")], tmp_path)
    assert [r.confidence for r in outcome.references] == ["high"]
    assert _rules(outcome) == [("revision-not-found", "error", 0)]


@pytest.mark.parametrize("private", [False, True], ids=["404", "401-private"])
def test_medium_id_the_hub_does_not_know_is_a_note(hub, tmp_path, private):
    if private:  # the Hub answers 401 RepoNotFound to a request without a token that can see it
        hub.add_repo("team/encoder-v2", files={"model.safetensors": WEIGHTS}, private=True, token="hf_secret")
    medium = ref("team/encoder-v2", confidence="medium", api="context:encoder", line=7)
    high = ref("org/missing", "a" * 40, line=9)
    outcome = verify(hub, [medium, high], tmp_path, "version: 1\ndefaults: {unlisted: deny}\n")
    # the medium one: only a note (its policy findings, unlisted and unpinned, are withdrawn); the high one: an error
    assert _rules(outcome) == [("not-allowlisted", "error", 1), ("repo-not-found", "error", 1),
                               ("unconfirmed-reference", "note", 0)]
    note = next(f for f in outcome.findings if f.rule == "unconfirmed-reference")
    assert (note.path, note.line) == ("train.py", 7)
    assert note.message == (f"model 'team/encoder-v2' was found by context alone (context:encoder, confidence "
                            f"medium) and {hub.endpoint} does not know it: most likely not a Hub repository (a local "
                            "name, another service's id), or a private one the token cannot see")
    assert [r.confidence for r in outcome.references] == ["medium", "high"]
    assert outcome.stats["failed"] == 0


def test_unconfirmed_note_follows_severity_overrides_and_ignore(hub, tmp_path):
    medium = ref("team/nothing", confidence="medium")
    off = verify(hub, [medium], tmp_path, "version: 1\ndefaults: {severity: {unconfirmed-reference: off}}\n")
    assert off.findings == ()
    ignored = verify(hub, [medium], tmp_path, "version: 1\ndefaults: {medium_confidence: ignore}\n")
    policy = load_policy(None, str(tmp_path), text="version: 1\ndefaults: {medium_confidence: ignore}\n", today=TODAY)
    assert apply_medium_confidence(policy, ignored.findings, ignored.references) == []


def test_publish_targets_are_not_verified(hub, tmp_path):
    publish = ref("my-org/not-created-yet", role="publish", api="transformers.push_to_hub")
    outcome = verify(hub, [publish], tmp_path)
    assert outcome.findings == ()
    assert outcome.stats["queries"] == 0
    assert hub.requests == 0


def _scan_with(monkeypatch, tmp_path, references, policy_text: str, **options):
    """`run_scan` with discovery replaced by `references` (today's finders produce no medium references)."""
    import gate.discover.engine as engine
    from gate.discover.interface import Discovery
    from gate.pipeline import ScanOptions, run_scan

    monkeypatch.setattr(engine, "discover", lambda root, **_: Discovery(root, tuple(references), (), 1))
    (tmp_path / ".model-policy.yml").write_text(policy_text)
    return run_scan(ScanOptions(root=str(tmp_path), today=TODAY, cache_dir=str(tmp_path / "cache"), **options))


def test_scan_applies_medium_confidence_after_the_hub_answered(monkeypatch, hub, tmp_path):
    hub.add_repo("org/encoder", files={"model.safetensors": WEIGHTS})
    known = ref("org/encoder", confidence="medium", line=3)
    unknown = ref("team/encoder-v2", confidence="medium", line=5)
    guessed = [known, unknown]
    policy = "version: 1\ndefaults: {medium_confidence: warn}\n"
    offline = _scan_with(monkeypatch, tmp_path, guessed, policy)
    assert sorted((f.rule, f.severity, f.reference) for f in offline.findings) == [
        ("unpinned-revision", "warning", 0), ("unpinned-revision", "warning", 1)]
    assert offline.verdict == "pass"
    verified = _scan_with(monkeypatch, tmp_path, guessed, policy, verify="hub", hub_endpoint=hub.endpoint)
    assert sorted((f.rule, f.severity, f.reference) for f in verified.findings) == [
        ("unconfirmed-reference", "note", 1), ("unpinned-revision", "error", 0)]
    assert [r.confidence for r in verified.references] == ["high", "medium"]
    assert verified.verdict == "fail"


def test_full_verification_downloads_nothing_for_an_unconfirmed_reference(monkeypatch, hub, tmp_path):
    unknown = ref("team/encoder-v2", "a" * 40, confidence="medium", line=5)
    report = _scan_with(monkeypatch, tmp_path, [unknown], "version: 1\ndefaults: {scan_hub_pickles: true}\n",
                        verify="full", hub_endpoint=hub.endpoint)
    assert [(f.rule, f.severity) for f in report.findings] == [("unconfirmed-reference", "note")]

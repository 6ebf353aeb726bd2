"""Transient faults recover through retries; persistent ones fail closed with a clear `verification-failed`."""

from __future__ import annotations

import time

import pytest

from tests.verify.hubtools import by_rule, fast_env, ref, verify

WEIGHTS = b"weights" * 20


@pytest.fixture
def pinned(monkeypatch, hub):
    fast_env(monkeypatch, hub, attempts=3, timeout=0.5)
    return hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()


def _assert_clean(outcome):
    assert [f.rule for f in outcome.findings] == []
    assert outcome.stats["failed"] == 0


@pytest.mark.parametrize("inject", [
    lambda faults: faults.server_error(500, times=2),
    lambda faults: faults.server_error(503, times=1),
    lambda faults: faults.drop(times=2),
    lambda faults: faults.truncate(times=1),
    lambda faults: faults.hang(2.0, times=1),
], ids=["500", "503", "dropped-connection", "truncated-body", "timeout"])
def test_transient_faults_recover_through_retries(hub, tmp_path, pinned, inject):
    inject(hub.faults)
    _assert_clean(verify(hub, [ref("org/m", pinned)], tmp_path))
    assert hub.requests >= 2  # the first attempt failed, a retry succeeded


def test_rate_limit_honours_retry_after(hub, tmp_path, pinned):
    hub.faults.rate_limit(times=1, retry_after=1)
    started = time.monotonic()
    _assert_clean(verify(hub, [ref("org/m", pinned)], tmp_path))
    assert time.monotonic() - started >= 1.0  # waited as told, not the 0.05 s backoff
    assert hub.requests == 3  # the info twice, then the branches holding the pinned commit (issue 13 §2.10)


@pytest.mark.parametrize(("inject", "reason"), [
    (lambda faults: faults.server_error(500), "HTTP 500 Internal Server Error (gave up after 3 attempts)"),
    (lambda faults: faults.rate_limit(times=None, retry_after=0), "HTTP 429 Too Many Requests (gave up after 3 attempts)"),
    (lambda faults: faults.drop(), "the connection was dropped"),
    (lambda faults: faults.truncate(), "without sending complete message body"),
    (lambda faults: faults.hang(1.0), "the request timed out (gave up after 3 attempts)"),
    (lambda faults: faults.status(403), "HTTP 403 Forbidden; check that HF_TOKEN is valid"),
], ids=["500", "429", "dropped-connection", "truncated-body", "timeout", "forbidden"])
def test_persistent_faults_fail_closed(hub, tmp_path, pinned, inject, reason):
    inject(hub.faults)
    outcome = verify(hub, [ref("org/m", pinned), ref("org/m", pinned, line=9)], tmp_path)
    [finding] = outcome.findings
    assert (finding.rule, finding.severity, finding.reference, finding.line) == ("verification-failed", "error", 0, 3)
    assert finding.message.startswith(f"could not verify model org/m@{pinned} (2 references): asking {hub.endpoint}: ")
    assert reason in finding.message
    assert "--verify-failure warn" in finding.remediation
    assert outcome.stats["failed"] == 1


def test_retry_after_beyond_the_deadline_fails_at_once(hub, tmp_path, pinned, monkeypatch):
    monkeypatch.setenv("MODEL_GATE_VERIFY_DEADLINE", "2")
    hub.faults.rate_limit(times=None, retry_after=60)
    started = time.monotonic()
    [finding] = verify(hub, [ref("org/m", pinned)], tmp_path).findings
    assert time.monotonic() - started < 2
    assert "would pass the 2 s verification deadline" in finding.message


def test_overall_deadline(hub, tmp_path, pinned, monkeypatch):
    monkeypatch.setenv("MODEL_GATE_VERIFY_DEADLINE", "1")
    monkeypatch.setenv("MODEL_GATE_VERIFY_TIMEOUT", "5")
    hub.faults.hang(3.0)
    started = time.monotonic()
    [finding] = verify(hub, [ref("org/m", pinned)], tmp_path).findings
    assert time.monotonic() - started < 2.5
    assert finding.rule == "verification-failed" and "1 s verification deadline" in finding.message


def test_unreachable_hub_fails_closed(hub, tmp_path, pinned, monkeypatch):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = verify(hub, [ref("org/m", pinned)], tmp_path, hub_endpoint=f"http://127.0.0.1:{port}")
    [finding] = outcome.findings
    assert finding.rule == "verification-failed" and "cannot connect" in finding.message


def test_verify_failure_warn_is_an_explicit_opt_out(hub, tmp_path, pinned):
    hub.faults.server_error(500)
    [finding] = verify(hub, [ref("org/m", pinned)], tmp_path, verify_failure="warn").findings
    assert (finding.rule, finding.severity) == ("verification-failed", "warning")
    policy = "version: 1\ndefaults: {verify_failure: warn}\n"
    [finding] = verify(hub, [ref("org/m", pinned)], tmp_path, policy).findings
    assert finding.severity == "warning"
    [finding] = verify(hub, [ref("org/m", pinned)], tmp_path, policy, verify_failure="error").findings
    assert finding.severity == "error"  # the command line wins over the policy


def test_one_failing_query_does_not_hide_the_others(hub, tmp_path, pinned):
    other = hub.add_repo("org/other", files={"pytorch_model.bin": b"p"}).head()
    hub.faults.server_error(500, match="/org/m/")
    outcome = verify(hub, [ref("org/m", pinned), ref("org/other", other, line=7)], tmp_path)
    assert sorted((f.rule, f.line) for f in outcome.findings) == [
        ("unsafe-format-at-revision", 7), ("verification-failed", 3)]


def test_github_faults_fail_closed_and_recover(hub, tmp_path, pinned):
    sha = "4" * 40
    hub.add_github_repo("pytorch/vision", commits=[sha])
    torch_ref = ref("pytorch/vision", sha, source="torchhub", revision_key=":", api="torch.hub.load")
    hub.faults.rate_limit(times=1, retry_after=0)
    assert verify(hub, [torch_ref], tmp_path).findings == ()
    hub.faults.server_error(502)
    [finding] = verify(hub, [torch_ref], tmp_path, cache_dir=str(tmp_path / "fresh")).findings
    assert finding.rule == "verification-failed"
    assert finding.message == (f"could not verify GitHub repo pytorch/vision:{sha}: asking {hub.github_api}: "
                               "HTTP 502 Bad Gateway (gave up after 3 attempts)")
    warned = verify(hub, [torch_ref], tmp_path, cache_dir=str(tmp_path / "fresh"), verify_failure="warn")
    assert [f.severity for f in by_rule(warned, "verification-failed")] == ["warning"]


def test_github_secondary_rate_limit_is_retried(hub, tmp_path, pinned):
    sha = "9" * 40
    hub.add_github_repo("pytorch/vision", commits=[sha])
    hub.faults.status(403, times=1, retry_after=0)
    torch_ref = ref("pytorch/vision", sha, source="torchhub", revision_key=":", api="torch.hub.load")
    assert verify(hub, [torch_ref], tmp_path).findings == ()
    assert hub.requests == 2

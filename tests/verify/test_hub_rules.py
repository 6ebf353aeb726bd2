"""Every verification rule, through the real huggingface_hub client against the Hub emulator."""

from __future__ import annotations

import hashlib

import pytest

from tests.verify.hubtools import by_rule, fast_env, ref, rules, verify

WEIGHTS = b"\x00safetensors-weights" * 10


@pytest.fixture(autouse=True)
def _env(monkeypatch, hub):
    fast_env(monkeypatch, hub)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_clean_pinned_model_has_no_findings(hub, tmp_path):
    sha = hub.add_repo("org/clean", license="apache-2.0",
                       files={"config.json": "{}", "model.safetensors": WEIGHTS}).head()
    outcome = verify(hub, [ref("org/clean", sha)], tmp_path, "version: 1\ndefaults: {licenses: [apache-2.0]}\n")
    assert outcome.findings == ()
    assert outcome.stats["queries"] == 1 and outcome.stats["failed"] == 0


def test_repo_not_found(hub, tmp_path):
    outcome = verify(hub, [ref("org/missing", "a" * 40)], tmp_path)
    [finding] = outcome.findings
    assert (finding.rule, finding.severity, finding.reference, finding.path, finding.line) == (
        "repo-not-found", "error", 0, "train.py", 3)
    assert "org/missing does not exist" in finding.message and "HF_TOKEN" in finding.remediation


def test_revision_not_found_suggests_current_head(hub, tmp_path):
    head = hub.add_repo("org/m", files={"config.json": "{}"}).head()
    outcome = verify(hub, [ref("org/m", "b" * 40)], tmp_path)
    [finding] = outcome.findings
    assert finding.rule == "revision-not-found" and finding.severity == "error"
    assert f"revision {'b' * 40} does not exist" in finding.message
    assert head in finding.remediation


def test_repo_disabled(hub, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_reader")  # anonymous callers get 401, like for a missing repo (§2.3)
    hub.add_repo("org/gone", files={"config.json": "{}"}, disabled=True)
    [finding] = verify(hub, [ref("org/gone", "c" * 40)], tmp_path).findings
    assert (finding.rule, finding.severity) == ("repo-disabled", "error")
    assert "disabled" in finding.message


@pytest.mark.parametrize(("policy", "expected"), [
    ("version: 1\n", "warning"),
    ("version: 1\nmodels:\n  - {id: org/gated, gated: allow}\n", None),
    ("version: 1\ndefaults: {gated: allow}\n", None),
    ("version: 1\ndefaults: {gated: deny}\n", "error"),
])
def test_repo_gated(hub, tmp_path, policy, expected):
    sha = hub.add_repo("org/gated", files={"model.safetensors": WEIGHTS}, gated="manual").head()
    found = by_rule(verify(hub, [ref("org/gated", sha)], tmp_path, policy), "repo-gated")
    assert [f.severity for f in found] == ([expected] if expected else [])
    if expected:
        assert "gated (manual approval)" in found[0].message and "gated: allow" in found[0].remediation


@pytest.mark.parametrize(("policy", "flagged"), [
    ("version: 1\ndefaults: {licenses: [mit]}\n", True),
    ("version: 1\ndefaults: {licenses: [mit, Llama3]}\n", False),
    ("version: 1\ndefaults: {licenses: [mit]}\nmodels:\n  - {id: org/*, licenses: [llama3]}\n", False),
    ("version: 1\nmodels:\n  - {id: org/lic, licenses: [apache-2.0]}\n", True),
    ("version: 1\n", False),
])
def test_license_not_allowed(hub, tmp_path, policy, flagged):
    sha = hub.add_repo("org/lic", license="llama3", files={"model.safetensors": WEIGHTS}).head()
    found = by_rule(verify(hub, [ref("org/lic", sha)], tmp_path, policy), "license-not-allowed")
    assert len(found) == int(flagged)
    if flagged:
        assert "licensed llama3" in found[0].message and found[0].severity == "error"


def test_license_missing_is_not_allowed(hub, tmp_path):
    sha = hub.add_repo("org/nolicense", files={"model.safetensors": WEIGHTS}).head()
    [finding] = verify(hub, [ref("org/nolicense", sha)], tmp_path, "version: 1\ndefaults: {licenses: [mit]}\n").findings
    assert finding.rule == "license-not-allowed" and "declares no license" in finding.message


def test_file_hash_pins(hub, tmp_path):
    config = b'{"a": 1}'
    repo = hub.add_repo("org/hashed", files={"model.safetensors": WEIGHTS, "config.json": config})
    sha = repo.head()
    good = _sha256(WEIGHTS)
    policy = (
        "version: 1\nmodels:\n  - id: org/hashed\n    files:\n"
        f'      model.safetensors: "sha256:{good}"\n'
        f'      config.json: "sha256:{_sha256(b"something else")}"\n'
        f'      tokenizer.json: "sha256:{good}"\n'
    )
    found = by_rule(verify(hub, [ref("org/hashed", sha)], tmp_path, policy), "file-hash-mismatch")
    messages = sorted(f.message for f in found)
    # config.json is a git (non-LFS) file: its hash comes from a real download at the commit.
    assert len(found) == 2
    assert messages[0].startswith(f"config.json at model org/hashed at {sha[:12]} has sha256 {_sha256(config)}")
    assert messages[1].startswith("tokenizer.json, pinned by hash in the policy, is absent")
    assert all(f.severity == "error" for f in found)


def test_file_hash_pin_matches_after_new_commit_only_for_old_revision(hub, tmp_path):
    repo = hub.add_repo("org/evolving", files={"model.safetensors": WEIGHTS})
    old = repo.head()
    new = repo.commit({"model.safetensors": WEIGHTS + b"tampered"})
    policy = f'version: 1\nmodels:\n  - id: org/evolving\n    files: {{model.safetensors: "sha256:{_sha256(WEIGHTS)}"}}\n'
    outcome = verify(hub, [ref("org/evolving", old), ref("org/evolving", new, line=9)], tmp_path, policy)
    [finding] = by_rule(outcome, "file-hash-mismatch")
    assert finding.line == 9 and finding.details["actual"] == _sha256(WEIGHTS + b"tampered")


def test_unsafe_format_names_safetensors_alternatives(hub, tmp_path):
    both = hub.add_repo("org/both", files={"pytorch_model.bin": b"pickle", "model.safetensors": WEIGHTS}).head()
    only = hub.add_repo("org/pickle-only", files={"model.ckpt": b"pickle", "config.json": "{}"}).head()
    outcome = verify(hub, [ref("org/both", both), ref("org/pickle-only", only, line=5)], tmp_path)
    found = {f.details["pickle_files"][0]: f for f in by_rule(outcome, "unsafe-format-at-revision")}
    assert found["pytorch_model.bin"].severity == "warning"
    assert "safetensors alternatives at this revision: model.safetensors" in found["pytorch_model.bin"].message
    assert found["model.ckpt"].severity == "error" and "alternatives" not in found["model.ckpt"].message


def test_unsafe_format_respects_artifact_formats(hub, tmp_path):
    sha = hub.add_repo("org/both", files={"pytorch_model.bin": b"pickle"}).head()
    allowed = "version: 1\ndefaults: {artifact_formats: {deny: []}}\n"
    assert by_rule(verify(hub, [ref("org/both", sha)], tmp_path, allowed), "unsafe-format-at-revision") == []
    only_safe = "version: 1\ndefaults: {artifact_formats: {allow: [safetensors]}}\n"
    assert len(by_rule(verify(hub, [ref("org/both", sha)], tmp_path, only_safe), "unsafe-format-at-revision")) == 1


@pytest.mark.parametrize(("level", "severity"), [("unsafe", "error"), ("suspicious", "warning"),
                                                 ("caution", "warning")])
def test_hub_security_flag(hub, tmp_path, level, severity):
    repo = hub.add_repo("org/flagged", files={"model.safetensors": WEIGHTS, "extra.pkl": b"x"})
    repo.flag("extra.pkl", level)
    policy = "version: 1\ndefaults: {artifact_formats: {deny: []}}\n"
    [finding] = verify(hub, [ref("org/flagged", repo.head())], tmp_path, policy).findings
    assert (finding.rule, finding.severity) == ("hub-security-flag", severity)
    assert f"extra.pkl ({level})" in finding.message


def test_hub_security_pending_is_a_note_never_clean(hub, tmp_path):
    sha = hub.add_repo("org/pending", files={"model.safetensors": WEIGHTS}, scans_done=False).head()
    [finding] = verify(hub, [ref("org/pending", sha)], tmp_path).findings
    assert (finding.rule, finding.severity) == ("hub-security-flag", "note")
    assert "not finished scanning" in finding.message


def test_dataset_is_checked_with_dataset_info(hub, tmp_path):
    sha = hub.add_repo("org/data", kind="dataset", license="cc-by-4.0", files={"train.parquet": b"rows"}).head()
    outcome = verify(hub, [ref("org/data", sha, kind="dataset"), ref("org/data", sha)], tmp_path,
                     "version: 1\ndefaults: {licenses: [mit]}\n")
    assert [(f.rule, f.reference) for f in outcome.findings] == [("license-not-allowed", 0), ("repo-not-found", 1)]
    assert any("/api/datasets/org/data/revision/" in path for _, path in hub.request_log)


def test_unpinned_reference_gets_the_current_head_in_its_remediation(hub, tmp_path):
    repo = hub.add_repo("org/moving", files={"model.safetensors": WEIGHTS})
    main = repo.head()
    dev = repo.commit({"config.json": "{}"}, branch="dev")
    outcome = verify(hub, [ref("org/moving"), ref("org/moving", "dev", line=8)], tmp_path)
    unpinned = sorted(by_rule(outcome, "unpinned-revision"), key=lambda f: f.line)
    assert [f.remediation for f in unpinned] == [
        f'pin to revision="{main}", the current head of main',
        f'pin to revision="{dev}", the current head of dev',
    ]
    assert unpinned[0].details["resolved_sha"] == main
    assert rules(outcome) == set()


def test_legacy_id_is_reported_with_its_canonical_id(hub, tmp_path):
    sha = hub.add_repo("openai-community/gpt2", files={"model.safetensors": WEIGHTS}, aliases=["gpt2"]).head()
    outcome = verify(hub, [ref("gpt2")], tmp_path)
    [unpinned] = by_rule(outcome, "unpinned-revision")
    assert unpinned.remediation == (f'pin to revision="{sha}", the current head of main '
                                    "(and use the canonical id openai-community/gpt2 instead of gpt2)")
    assert unpinned.details["canonical_id"] == "openai-community/gpt2"
    assert outcome.stats["canonical_ids"] == {"gpt2": "openai-community/gpt2"}


def test_one_query_per_distinct_kind_id_revision(hub, tmp_path):
    sha = hub.add_repo("org/shared", files={"model.safetensors": WEIGHTS}).head()
    references = [ref("org/shared", sha, line=n) for n in range(1, 6)] + [ref("org/shared", line=7)]
    outcome = verify(hub, references, tmp_path)
    assert outcome.stats["queries"] == 2
    info = [p for _, p in hub.request_log if p.startswith("/api/models/org/shared") and "/refs" not in p]
    assert len(info) == 2  # (the pinned one also asks for the refs holding its commit: issue 13 §2.10)


def test_torch_hub_refs_through_the_github_api(hub, tmp_path):
    good = "1" * 40
    hub.add_github_repo("pytorch/vision", commits=[good], branches={"main": "2" * 40})
    references = [
        ref("pytorch/vision", good, source="torchhub", revision_key=":", api="torch.hub.load"),
        ref("pytorch/vision", "3" * 40, source="torchhub", revision_key=":", api="torch.hub.load", line=4),
        ref("nobody/nothing", good, source="torchhub", revision_key=":", api="torch.hub.load", line=5),
        ref("pytorch/vision", "main", source="torchhub", revision_key=":", api="torch.hub.load", line=6),
    ]
    outcome = verify(hub, references, tmp_path)
    assert sorted((f.rule, f.line) for f in outcome.findings if f.rule != "trust-remote-code") == [
        ("repo-not-found", 5), ("revision-not-found", 4), ("unpinned-revision", 6)]
    [unpinned] = by_rule(outcome, "unpinned-revision")
    assert "pytorch/vision:" + "2" * 40 in unpinned.remediation
    [missing] = by_rule(outcome, "repo-not-found")
    assert f"nobody/nothing does not exist on GitHub ({hub.github_api})" in missing.message
    assert "GITHUB_TOKEN" in missing.message


def test_severity_overrides_and_waivers_apply_to_verification_findings(hub, tmp_path):
    sha = hub.add_repo("org/lic", license="gpl-3.0", files={"model.safetensors": WEIGHTS}, gated="auto").head()
    policy = (
        "version: 1\ndefaults:\n  licenses: [mit]\n  severity: {repo-gated: off}\n"
        "exceptions:\n  - {rule: license-not-allowed, id: org/lic, reason: approved, expires: 2026-06-01, owner: legal}\n"
    )
    outcome = verify(hub, [ref("org/lic", sha)], tmp_path, policy)
    [finding] = outcome.findings
    assert finding.rule == "license-not-allowed" and finding.waived_by == 0


@pytest.mark.parametrize(("jobs", "expected"), [(1, {1}), (None, {4, 5, 6, 7, 8})])
def test_jobs_caps_concurrent_queries(hub, tmp_path, jobs, expected):
    references = [ref(f"org/m{n}", hub.add_repo(f"org/m{n}", files={"a.safetensors": b"w"}).head())
                  for n in range(8)]
    hub.faults.latency = 0.1
    outcome = verify(hub, references, tmp_path, jobs=jobs)
    assert outcome.findings == () and outcome.stats["jobs"] == (jobs or 16)
    assert hub.max_in_flight in expected  # 8 queries, default concurrency 16: (nearly) all at once


def test_an_id_the_hub_cannot_hold_is_not_found_without_a_request(hub, tmp_path):
    outcome = verify(hub, [ref("org/bad--name", "a" * 40)], tmp_path)
    assert [f.rule for f in outcome.findings] == ["repo-not-found"]
    assert hub.requests == 0

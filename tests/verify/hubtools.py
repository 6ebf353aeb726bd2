"""Helpers for the Hub verification tests: references, the real policy loader, fast retry settings."""

from __future__ import annotations

import datetime as _dt
from types import SimpleNamespace

from gate.discover.hubids import is_pinned
from gate.discover.interface import Reference

TODAY = _dt.date(2026, 1, 15)


def ref(repo_id: str | None, revision: str | None = None, *, kind: str = "model", source: str = "huggingface",
        path: str = "train.py", line: int = 3, **fields) -> Reference:
    return Reference(kind=kind, source=source, id=repo_id, revision=revision, pinned=is_pinned(revision),
                     pinnable=True, path=path, line=line, column=1,
                     api=fields.pop("api", "transformers.from_pretrained"),
                     revision_key=fields.pop("revision_key", "revision"), **fields)


def fast_env(monkeypatch, hub, *, attempts: int = 3, deadline: float = 20, timeout: float = 2) -> None:
    """Point everything at the emulator, keep retries quick, and forget the developer's own tokens."""
    for name in ("HF_TOKEN", "HF_ENDPOINT", "GITHUB_TOKEN", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_API_URL", hub.github_api)
    monkeypatch.setenv("MODEL_GATE_VERIFY_BACKOFF", "0.05")
    monkeypatch.setenv("MODEL_GATE_VERIFY_ATTEMPTS", str(attempts))
    monkeypatch.setenv("MODEL_GATE_VERIFY_DEADLINE", str(deadline))
    monkeypatch.setenv("MODEL_GATE_VERIFY_TIMEOUT", str(timeout))


def verify(hub, references, tmp_path, policy_text: str = "version: 1\n", **options):
    """Plan, gather evidence and judge, the way the pipeline does; returns (references, findings, stats)."""
    from gate.pipeline import ScanOptions, gather_evidence, verification_stats, verify_config
    from gate.policy.judge import judge
    from gate.policy.load import load_policy

    policy = load_policy(None, str(tmp_path), text=policy_text, today=TODAY)
    references = tuple(references)
    options.setdefault("hub_endpoint", hub.endpoint)
    options.setdefault("cache_dir", str(tmp_path / "cache"))
    options = ScanOptions(root=str(tmp_path), today=TODAY, **options)
    config = verify_config(options)
    evidence = gather_evidence(policy, references, config)
    judgement = judge(policy, references, evidence, TODAY, verify_failure=options.verify_failure)
    findings = tuple(f.with_(message=config.redact(f.message), remediation=config.redact(f.remediation))
                     for f in judgement.findings)
    stats = verification_stats("hub", evidence, options.verify_failure or policy.defaults.verify_failure)
    return SimpleNamespace(references=judgement.references, findings=findings, stats=stats)


def by_rule(outcome, rule: str) -> list:
    return [f for f in outcome.findings if f.rule == rule]


def rules(outcome, *, policy_stage: bool = False) -> set[str]:
    """Rule ids of the verification findings (policy-stage rules left out unless asked for)."""
    from gate.policy.rules import all_rules

    verify_rules = {rid for rid, rule in all_rules().items() if rule.stage == "verify"}
    return {f.rule for f in outcome.findings if policy_stage or f.rule in verify_rules}

"""The content checks (plan → gather → judge) the way the pipeline runs them, one part at a time."""

from __future__ import annotations

import os
from dataclasses import replace
from types import SimpleNamespace


def _config(options):
    from gate.verify.interface import DEFAULT_HUB_ENDPOINT, VerifyConfig

    return VerifyConfig(hub_endpoint=getattr(options, "hub_endpoint", None) or DEFAULT_HUB_ENDPOINT,
                        hub_token=os.environ.get("HF_TOKEN") or None,
                        sigstore_trust_config=getattr(options, "sigstore_trust_config", None))


def _outcome(references, findings, evidence):
    return SimpleNamespace(references=references, findings=tuple(findings), signatures=evidence.signatures,
                           pickles_scanned=evidence.pickles_scanned,
                           warnings=tuple(text for scan in evidence.artifacts for text in scan.warnings))


def check_local_artifacts(policy, references, options):
    """Committed artifacts only: pickles, model code, signatures of committed model directories."""
    from gate.policy.judge import judge_content, plan_content
    from gate.verify.content import gather_local

    plan = plan_content(policy, references, "none")
    evidence = gather_local(options.root, references, plan.requirements, plan.default_spec,
                            getattr(options, "sigstore_trust_config", None))
    refs, findings = judge_content(policy, references, replace(plan, full=True), evidence)
    return _outcome(refs, findings, evidence)


def check_hub_content(policy, references, options):
    """Hub references at their pinned revision (`verify: full`): signatures and pickles."""
    from gate.policy.judge import judge_content, plan_content
    from gate.verify.content import ContentEvidence, gather_hub_content

    plan = plan_content(policy, references, "full")
    evidence = ContentEvidence(hub=gather_hub_content(plan.hub, _config(options)))
    refs, findings = judge_content(policy, references, plan, evidence)
    if getattr(options, "verify_failure", None) == "warn":
        findings = [f.with_(severity="warning") if f.rule == "verification-failed" else f for f in findings]
    return _outcome(refs, findings, evidence)


def check_content(policy, references, options, mode):
    """Both, as `mode` asks, with the policy's severity overrides and waivers applied."""
    from gate.policy.evaluate import apply_overrides_and_waivers
    from gate.policy.judge import judge_content, plan_content
    from gate.verify.content import gather_content

    plan = plan_content(policy, references, mode)
    evidence = gather_content(options.root, references, plan, _config(options))
    refs, findings = judge_content(policy, references, plan, evidence)
    findings = apply_overrides_and_waivers(policy, findings, refs, getattr(options, "today", None))
    return _outcome(refs, findings, evidence)

"""Judge references against a policy: run the policy-stage rules, then severity overrides and waivers.

Pure: references and a policy in, findings out. Later stages (verification, signatures, pickle scanning) pass
their own findings through `apply_overrides_and_waivers` so every finding obeys the same policy.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from functools import lru_cache

from gate.policy.interface import Finding
from gate.policy.model import UNWAIVABLE, Policy
from gate.policy.rules import CheckContext, all_rules, rule_module


@lru_cache(maxsize=1)
def _policy_rule_checks() -> tuple[tuple, tuple]:
    per_reference, per_policy = [], []
    for rule_id, rule in all_rules().items():
        if rule.stage != "policy":
            continue
        module = rule_module(rule_id)
        if hasattr(module, "check"):
            per_reference.append(module.check)
        if hasattr(module, "check_policy"):
            per_policy.append(module.check_policy)
    return tuple(per_reference), tuple(per_policy)


def evaluate(policy: Policy, references: Sequence, today: _dt.date | None = None, *,
             judge_confidence: bool = True) -> list[Finding]:
    """Every policy finding for `references` (Finding.reference indexes into it), overrides and waivers applied.

    `judge_confidence=False` leaves `defaults.medium_confidence` to the caller: a run that verifies against the
    Hub applies it afterwards (`apply_medium_confidence`), once the Hub has confirmed what it knows.
    """
    today = today or _dt.date.today()
    references = tuple(references)
    context = CheckContext(policy=policy, today=today, references=references)
    per_reference, per_policy = _policy_rule_checks()
    findings: list[Finding] = []
    for index, reference in enumerate(references):
        for check in per_reference:
            findings.extend(check(context, index, reference))
    for check in per_policy:
        findings.extend(check(context))
    findings = apply_overrides_and_waivers(policy, findings, references, today)
    return apply_medium_confidence(policy, findings, references) if judge_confidence else findings


def apply_medium_confidence(policy: Policy, findings: Iterable[Finding], references: Sequence) -> list[Finding]:
    """`defaults.medium_confidence` on findings about references found by context alone (confidence medium):
    `judge` keeps them as they are, `warn` caps them at warning, `ignore` drops them (the references stay listed)."""
    treatment = policy.defaults.medium_confidence
    findings = list(findings)
    if treatment == "judge":
        return findings
    out: list[Finding] = []
    for finding in findings:
        index = finding.reference
        reference = references[index] if index is not None and 0 <= index < len(references) else None
        if reference is None or reference.confidence != "medium":
            out.append(finding)
        elif treatment == "warn":
            out.append(finding.with_(severity="warning") if finding.severity == "error" else finding)
        # ignore: no finding about a reference only context suggests
    return out


def waiver_for(policy: Policy, finding: Finding, references: Sequence, today: _dt.date, *,
               naming_the_path: bool = False) -> int | None:
    """The index of the first unexpired waiver that waives `finding`, or None. `naming_the_path`: only a waiver
    whose `paths` list the finding's file exactly counts (not one for the rule alone, by id, or by a glob)."""
    if not policy.allow_waivers or finding.rule in UNWAIVABLE:
        return None
    reference = references[finding.reference] if finding.reference is not None and finding.reference < len(
        references) else None
    for waiver in policy.exceptions:
        if naming_the_path and finding.path not in waiver.paths:
            continue
        if waiver.matches(finding, reference) and not waiver.expired(today):
            return waiver.index
    return None


def apply_overrides_and_waivers(policy: Policy, findings: Iterable[Finding], references: Sequence,
                                today: _dt.date | None = None) -> list[Finding]:
    """Apply `defaults.severity` (dropping `off`) and the unexpired waivers (`waived_by`). Idempotent.

    An expired waiver waives nothing: its findings stay active (and `evaluate` reports `expired-waiver`).
    """
    today = today or _dt.date.today()
    out: list[Finding] = []
    for finding in findings:
        severity = policy.severity_for(finding.rule, finding.severity)
        if severity == "off":
            continue
        waived_by = waiver_for(policy, finding, references, today)
        if severity != finding.severity or waived_by != finding.waived_by:
            finding = finding.with_(severity=severity, waived_by=waived_by)
        out.append(finding)
    return out


def requirements_left_to_verification(policy: Policy, references: Sequence) -> list[str]:
    """What the policy asks of Hub references that only `--verify hub|full` checks (`licenses`, `files` pins).

    A scan without verification must say it did not check them rather than pass as if it had.
    """
    asked: dict[str, dict[str, str]] = {"licenses": {}, "files": {}}  # lowercased id -> id as written
    for reference in references:
        if reference.kind not in ("model", "dataset") or reference.source == "local" or not reference.id \
                or reference.dynamic or reference.role == "publish":
            continue
        entry = policy.entry_for(reference)
        if policy.licenses_for(entry):
            asked["licenses"].setdefault(reference.id.lower(), reference.id)
        if entry is not None and entry.files:
            asked["files"].setdefault(reference.id.lower(), reference.id)
    if policy.lineage is not None and policy.lineage.judges:
        # Model cards are read from the Hub: without it the lineage rules judge nothing (issue 18).
        asked["lineage"] = {r.id.lower(): r.id for r in references if r.kind == "model" and r.source == "huggingface"
                            and r.id and not r.dynamic and r.role != "publish"}
    what = {"licenses": "allowed licenses", "files": "file sha256 pins", "lineage": "lineage rules"}
    return [f"the policy's {what[key]} ({key}) for {len(ids)} referenced id(s) ({', '.join(sorted(ids.values())[:3])}"
            f"{', ...' if len(ids) > 3 else ''}) were not checked: they are verified against the Hub only with "
            "--verify hub or full (or defaults.verify)" for key, ids in asked.items() if ids]

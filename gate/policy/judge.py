"""The judge: the one place rules run. Discovery's references + verify's evidence + the typed policy → findings.

Pure: no I/O, no environment, no clock (`today` is given). Every rule is one module in `gate/policy/rules/`
with its metadata and its checks (see that package's docstring); this module decides only the order they run in,
what each one is shown, and applies the policy's severity overrides and waivers to every finding once.

`plan_hub` is the other direction: what verify must ask (deduplicated queries and the files the policy pins),
so that verify never reads the policy.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

from gate.policy.evaluate import apply_medium_confidence, apply_overrides_and_waivers, evaluate
from gate.policy.interface import Finding
from gate.policy.model import Policy
from gate.policy.rules import AnswerContext, all_rules, rule_module
from gate.verify.interface import HubEvidence, RepoEvidence, RepoQuery, query_for
from gate.verify.lineage import DEFAULT_MAX_DEPTH

STATUS_RULES = ("repo-not-found", "revision-not-found", "repo-disabled")
"""Answers that end the judging of a reference: there is no repository content to judge."""
GITHUB_RULES = ("unpinned-revision",)
"""What a GitHub (torch.hub) answer is judged on: only whether the ref is a commit."""
HUB_RULES = ("unpinned-revision", "repo-moved", "revision-not-on-branch", "repo-gated", "license-not-allowed",
             "file-hash-mismatch", "unsafe-format-at-revision", "hub-security-flag")
"""Rules with a `check_answer`, in the order they run on a Hub answer."""
LINEAGE_RULES = ("lineage-not-allowed", "training-data-undeclared", "dataset-denied", "license-not-allowed",
                 "lineage-license-conflict", "lineage-incomplete")
"""Rules with a `check_lineage`, in the order they run on a traced lineage."""


@dataclass(frozen=True)
class HubPlan:
    """What verify asks the Hub and GitHub: each distinct query once, with the files a policy entry pins."""

    queries: Mapping[RepoQuery, tuple[str, ...]]
    lineage_depth: int = DEFAULT_MAX_DEPTH


def plan_hub(policy: Policy, references: Sequence[Any]) -> HubPlan:
    """Distinct queries (reference order) and, for each, the files whose sha256 the policy pins."""
    pinned: dict[RepoQuery, set[str]] = {}
    for reference in references:
        query = query_for(reference)
        if query is None:
            continue
        entry = policy.entry_for(reference) if query.kind != "github" else None
        pinned.setdefault(query, set()).update(entry.files if entry is not None else ())
    depth = (policy.lineage.max_depth if policy.lineage is not None else None) or DEFAULT_MAX_DEPTH
    return HubPlan({query: tuple(sorted(names)) for query, names in pinned.items()}, depth)


@dataclass(frozen=True)
class Evidence:
    """Everything verify gathered for one run (None where that part was not asked)."""

    hub: HubEvidence | None = None
    registry: Any = None
    """MLflow registries' outcome (gate/verify/mlflow_run.py): findings and resolved versions."""


@dataclass(frozen=True)
class Judgement:
    references: tuple[Any, ...]
    """The references, confidence settled by the registry and lineage attached."""
    findings: tuple[Finding, ...]
    stats: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


def judge(policy: Policy, references: Sequence[Any], evidence: Evidence | None = None,
          today: _dt.date | None = None, *, verify_failure: str | None = None) -> Judgement:
    """Every finding for the run. Without evidence, only the policy stage judges (the references as written)."""
    today = today or _dt.date.today()
    references = tuple(references)
    if evidence is None or evidence.hub is None:
        return Judgement(references, tuple(evaluate(policy, references, today, judge_confidence=True)))
    return _with_evidence(policy, references, evidence, evidence.hub, today, verify_failure)


def _users(references: Sequence[Any]) -> dict[RepoQuery, list[int]]:
    users: dict[RepoQuery, list[int]] = {}
    for index, reference in enumerate(references):
        query = query_for(reference)
        if query is not None:
            users.setdefault(query, []).append(index)
    return users


def _with_evidence(policy: Policy, references: tuple[Any, ...], evidence: Evidence, hub: HubEvidence,
                   today: _dt.date, verify_failure: str | None) -> Judgement:
    users = _users(references)
    judged = _policy_stage_by_canonical_id(policy, references, users, hub, today)
    new: list[Finding] = []
    confirmed: set[int] = set()
    unconfirmed: set[int] = set()
    for query, indexes in users.items():
        if query in hub.failures:
            from gate.policy.rules.verification_failed import for_failure

            new.append(for_failure(query, indexes, references, hub.failures[query], hub.endpoint(query)))
            continue
        answer = hub.answers[query]
        for index in indexes:
            reference = references[index]
            if reference.confidence == "medium":
                if answer.status == "repo-not-found":
                    from gate.policy.rules.unconfirmed_reference import for_unknown

                    unconfirmed.add(index)
                    new.append(for_unknown(index, reference, hub.registry(query)))
                    continue
                confirmed.add(index)  # the registry knows the repository: judged like any other from here on
            new.extend(judge_answer(policy, index, reference, answer, hub.registry(query)))
        if answer.status == "ok" and not query.pinned:
            from gate.policy.rules.unpinned_revision import with_resolved_pin

            judged = [with_resolved_pin(f, references[f.reference], answer)
                      if f.rule == "unpinned-revision" and f.reference in indexes else f for f in judged]

    lineages = {index: hub.lineages[query] for query, indexes in users.items() if query in hub.lineages
                for index in indexes}
    if lineages:
        references = tuple(replace(r, lineage=lineages[i]) if i in lineages else r for i, r in enumerate(references))
        checks = [_module(rule_id).check_lineage for rule_id in LINEAGE_RULES]
        new.extend(finding for index, lineage in sorted(lineages.items()) for check in checks
                   for finding in check(policy, index, references[index], lineage))

    if unconfirmed:  # not a repository the registry knows: its policy findings (unpinned, unlisted, ...) do not apply
        judged = [f for f in judged if f.reference not in unconfirmed]
    if confirmed:
        references = tuple(replace(r, confidence="high") if i in confirmed else r for i, r in enumerate(references))

    registry = evidence.registry
    if registry is not None:  # MLflow registries
        from gate.policy.rules.unpinned_revision import with_resolved_version

        new.extend(registry.findings)
        judged = [with_resolved_version(f, references[f.reference], registry.resolved[f.reference])
                  if f.rule == "unpinned-revision" and f.reference in registry.resolved else f for f in judged]

    new = apply_overrides_and_waivers(policy, new, references, today)
    if (verify_failure or policy.defaults.verify_failure or "error") == "warn":
        new = [f.with_(severity="warning") if f.rule == "verification-failed" and f.severity == "error" else f
               for f in new]
    findings = apply_medium_confidence(policy, judged + new, references)
    return Judgement(references, tuple(findings))


def judge_answer(policy: Policy, index: int, reference: Any, answer: RepoEvidence, registry: str) -> list[Finding]:
    """Every finding for `reference` given the registry's answer to its query (`registry` names where)."""
    context = AnswerContext(policy=policy, index=index, reference=reference, answer=answer, registry=registry,
                            entry=_entry(policy, reference, answer))
    if answer.status != "ok":
        rules: Iterable[str] = STATUS_RULES
    else:
        rules = GITHUB_RULES if answer.query.kind == "github" else HUB_RULES
    return [finding for rule_id in rules for finding in _module(rule_id).check_answer(context)]


def _entry(policy: Policy, reference: Any, answer: RepoEvidence) -> Any:
    """The policy entry for the repository the Hub answered for: a moved repository's entry is written with its
    canonical id (a legacy alias's too); an entry for the id as written still applies when none matches."""
    canonical = answer.canonical_id
    if canonical and reference.id and canonical != reference.id:
        entry = policy.entry_for(replace(reference, id=canonical))
        if entry is not None:
            return entry
    return policy.entry_for(reference)


def _policy_stage_by_canonical_id(policy: Policy, references: tuple[Any, ...], users: dict[RepoQuery, list[int]],
                                  hub: HubEvidence, today: _dt.date) -> list[Finding]:
    """The policy stage's findings; policy entries match a moved repository's canonical id (issue 13 §2.7), so a
    reference whose repository was renamed or transferred is judged under the id the Hub answered for."""
    from gate.policy.rules.repo_moved import is_transfer

    findings = evaluate(policy, references, today, judge_confidence=False)
    moved = {index: hub.answers[query].canonical_id for query, indexes in users.items()
             if query in hub.answers and hub.answers[query].status == "ok"
             and is_transfer(query.id, hub.answers[query].canonical_id) for index in indexes}
    if not moved:
        return findings
    policy_rules = {rule_id for rule_id, rule in all_rules().items() if rule.stage == "policy"}
    renamed = tuple(replace(r, id=moved[i]) if i in moved else r for i, r in enumerate(references))
    again = [f for f in evaluate(policy, renamed, today, judge_confidence=False)
             if f.reference in moved and f.rule in policy_rules]
    return [f for f in findings if not (f.reference in moved and f.rule in policy_rules)] + again


def _module(rule_id: str) -> Any:
    module: ModuleType = rule_module(rule_id)
    return module

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

from gate.discover.hubids import is_pinned
from gate.policy.evaluate import apply_medium_confidence, apply_overrides_and_waivers, evaluate, waiver_for
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
class LfsPlan:
    """Whether verify fetches the content of committed Git LFS pointers (gate/verify/lfs.py) before judging."""

    fetch: bool = False
    """Asked for (`--fetch-lfs`, else the policy's `defaults.fetch_lfs`) and the run verifies."""
    asked_without_verify: bool = False
    """Asked for, but the run does not verify: nothing is fetched, the pointers are judged by their names, and the
    scan says so in a warning."""


def plan_lfs(policy: Policy, fetch_lfs: bool | None, verifying: bool) -> LfsPlan:
    """`fetch_lfs`: the command line's `--fetch-lfs`/`--no-fetch-lfs` (the action's `fetch-lfs`), None when not
    given: then the policy decides. Fetching asks a server, so it happens only in a run that verifies."""
    wanted = fetch_lfs if fetch_lfs is not None else policy.defaults.fetch_lfs
    return LfsPlan(fetch=bool(wanted) and verifying, asked_without_verify=bool(wanted) and not verifying)


REGISTRY_RULES = ("repo-not-found", "revision-not-found", "registry-version-unusable", "registry-tag-missing",
                  "malicious-pickle", "file-hash-mismatch")
"""Rules with a `check_registry_answer`, in the order they run on an MLflow registry's answer."""


@dataclass(frozen=True)
class RegistryPlan:
    """What verify asks the MLflow registries, and which references are not asked (and why)."""

    queries: Mapping[Any, tuple[str, ...]]
    """`RegistryQuery` -> the artifact files the policy pins."""
    users: Mapping[Any, tuple[int, ...]]
    """`RegistryQuery` -> indexes of the references that share it."""
    refused: Mapping[int, tuple[str, str]]
    """Reference index -> (`failed`, why there is nothing to ask) or (`not-allowed`, the unlisted registry)."""
    scan_pickles: bool = False


def registry_for(reference: Any, policy: Policy, configured: str | None = None) -> str | None:
    """The MLflow server a reference is verified against (gate/verify/mlflow.py says which), or None when none is
    known. `configured`: MLFLOW_REGISTRY_URI, else MLFLOW_TRACKING_URI, read at the edge (`VerifyConfig.registry_uri`)."""
    if reference.registry:
        return str(reference.registry)
    if configured:
        return configured
    if len(policy.registries) == 1:
        return str(policy.registries[0].uri)
    return None


def plan_registries(policy: Policy, references: Sequence[Any], configured: str | None) -> RegistryPlan:
    """One query per (registry, model, revision). A server the policy does not list is never asked: the
    credentials would go there too. `configured`: the registry of the environment (`VerifyConfig.registry_uri`)."""
    from gate.verify.mlflow import RegistryQuery, unsupported_registry

    users: dict[Any, list[int]] = {}
    pinned: dict[Any, set[str]] = {}
    refused: dict[int, tuple[str, str]] = {}
    for index, reference in enumerate(references):
        if reference.source != "mlflow" or reference.dynamic or not reference.id or reference.role != "load":
            continue
        registry = registry_for(reference, policy, configured)
        if registry is None:
            refused[index] = ("failed", "no MLflow registry is known for it: set MLFLOW_TRACKING_URI, or list the "
                                        "server in the policy's registries:")
            continue
        unsupported = unsupported_registry(registry)
        if unsupported:
            refused[index] = ("failed", unsupported)
            continue
        if policy.registries and policy.registry_entry(registry) is None:
            refused[index] = ("not-allowed", registry)
            continue
        query = RegistryQuery(registry, reference.id, reference.revision)
        users.setdefault(query, []).append(index)
        entry = policy.entry_for(reference)
        pinned.setdefault(query, set()).update(entry.files if entry is not None else ())
    return RegistryPlan({query: tuple(sorted(names)) for query, names in pinned.items()},
                        {query: tuple(indexes) for query, indexes in users.items()}, refused,
                        policy.defaults.scan_hub_pickles)


@dataclass(frozen=True)
class Evidence:
    """Everything verify gathered for one run (None where that part was not asked)."""

    hub: HubEvidence | None = None
    registry_plan: RegistryPlan | None = None
    registry: Any = None
    """`gate.verify.mlflow_run.RegistryEvidence`: the MLflow registries' answers."""
    content_plan: Any = None
    """`ContentPlan`: what the content checks were asked to look at."""
    content: Any = None
    """`gate.verify.content.ContentEvidence`: signatures checked, pickles and model code scanned."""
    lfs: tuple[Any, ...] = ()
    """`gate.verify.lfs.LfsFailure`s: committed Git LFS pointers whose content could not be fetched."""


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
        judgement = Judgement(references, tuple(evaluate(policy, references, today, judge_confidence=True))
                              + tuple(_lfs_findings(policy, references, evidence, verify_failure, today)))
    else:
        judgement = _with_evidence(policy, references, evidence, evidence.hub, today, verify_failure)
    if evidence is not None and evidence.content is not None:
        references, found = judge_content(policy, judgement.references, evidence.content_plan, evidence.content)
        found = _failure_mode(policy, found, verify_failure)
        found = apply_overrides_and_waivers(policy, found, references, today)
        judgement = Judgement(references, judgement.findings + tuple(found))
    return Judgement(judgement.references, tuple(_with_subject(f, judgement.references) for f in judgement.findings))


def _with_subject(finding: Finding, references: tuple[Any, ...]) -> Finding:
    """The finding carrying the reference it is about: what the formats and `gate.baseline` read (the index the
    rules build it with stays for the judge's own bookkeeping)."""
    if finding.reference is None or not 0 <= finding.reference < len(references):
        return finding
    return replace(finding, subject=references[finding.reference])


def _lfs_findings(policy: Policy, references: Sequence[Any], evidence: Evidence | None,
                  verify_failure: str | None, today: _dt.date) -> list[Finding]:
    """`verification-failed` for each Git LFS pointer whose content could not be fetched, judged like every other
    verification failure (`defaults.severity`, waivers, then `--verify-failure`), except other bytes than the
    pointer's: an error whatever the overrides and `--verify-failure` say, waived only by a waiver whose `paths`
    list the file exactly (the rule's doc says why)."""
    if evidence is None or not evidence.lfs:
        return []
    from gate.policy.rules.verification_failed import for_lfs_failure

    findings: list[Finding] = []
    for failure in evidence.lfs:
        finding = for_lfs_failure(failure, references[failure.index])
        if failure.integrity:
            findings.append(finding.with_(waived_by=waiver_for(policy, finding, references, today,
                                                               naming_the_path=True)))
        else:
            findings += _failure_mode(policy, apply_overrides_and_waivers(policy, [finding], references, today),
                                      verify_failure)
    return findings


def _failure_mode(policy: Policy, findings: list[Finding], verify_failure: str | None) -> list[Finding]:
    """`--verify-failure warn` / `defaults.verify_failure: warn`: what could not be verified is a warning."""
    if (verify_failure or policy.defaults.verify_failure or "error") != "warn":
        return findings
    return [f.with_(severity="warning") if f.rule == "verification-failed" and f.severity == "error" else f
            for f in findings]


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
    judged += _lfs_findings(policy, references, evidence, verify_failure, today)
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

    if evidence.registry_plan is not None and evidence.registry is not None:  # MLflow registries
        from gate.policy.rules.unpinned_revision import with_resolved_version

        registry_findings, resolved = _judge_registries(policy, references, evidence.registry_plan,
                                                        evidence.registry)
        new.extend(registry_findings)
        judged = [with_resolved_version(f, references[f.reference], resolved[f.reference])
                  if f.rule == "unpinned-revision" and f.reference in resolved else f for f in judged]

    new = _failure_mode(policy, apply_overrides_and_waivers(policy, new, references, today), verify_failure)
    findings = apply_medium_confidence(policy, judged + new, references)
    return Judgement(references, tuple(findings))


def _judge_registries(policy: Policy, references: tuple[Any, ...], plan: RegistryPlan,
                      registry: Any) -> tuple[list[Finding], dict[int, str]]:
    """Findings about MLflow references, and the version each unpinned one resolves to (its fix names it)."""
    from gate.policy.rules import RegistryContext
    from gate.policy.rules.registry_not_allowed import RULE as NOT_ALLOWED
    from gate.policy.rules.registry_not_allowed import message_and_fix
    from gate.policy.rules.verification_failed import for_registry_failure
    from gate.verify.mlflow import display_uri

    findings: list[Finding] = []
    for index, (why, text) in plan.refused.items():
        reference = references[index]
        if why == "failed":
            findings.append(for_registry_failure([index], references, text, None))
        elif not reference.registry:  # one the file names was judged by the policy stage already
            message, fix = message_and_fix(policy, reference, display_uri(text), "from the environment")
            findings.append(NOT_ALLOWED.finding(message=message, remediation=fix, path=reference.path,
                                                line=reference.line, reference=index,
                                                details={"registry": display_uri(text)}))
    resolved: dict[int, str] = {}
    for query, indexes in plan.users.items():
        if query in registry.failures:
            findings.append(for_registry_failure(list(indexes), references, registry.failures[query], query))
            continue
        answer = registry.answers[query]
        for index in indexes:
            reference = references[index]
            context = RegistryContext(policy=policy, index=index, reference=reference, answer=answer,
                                      entry=policy.entry_for(reference))
            rules = REGISTRY_RULES if answer.status == "ok" else REGISTRY_RULES[:2]
            findings.extend(f for rule_id in rules for f in _module(rule_id).check_registry_answer(context))
            if answer.status == "ok" and answer.version and not reference.pinned:
                resolved[index] = answer.version
    return findings, resolved


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


# --- content: signatures and pickles -------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentPlan:
    """What verify checks in files: committed directories that must be signed, Hub revisions to download."""

    requirements: tuple[Any, ...] = ()
    """`gate.verify.content.SignatureRequirement`s from the `artifacts` entries."""
    default_spec: Any = None
    """`defaults.signature`: every directory holding a committed model file must carry it."""
    hub: tuple[Any, ...] = ()
    """`HubContentRequest`s at pinned revisions (`verify: full` only)."""
    unpinned: tuple[Any, ...] = ()
    """Requests whose signature cannot be checked: no fixed revision (a `signature-missing` finding each)."""
    full: bool = False


def plan_content(policy: Policy, references: Sequence[Any], mode: str | None,
                 hub: HubEvidence | None = None) -> ContentPlan:
    """Committed artifacts always; Hub content only with `verify: full`, and not for references whose verification
    already failed (their answer says the content cannot be downloaded) or that the Hub did not confirm."""
    from gate.verify.content import HubContentRequest, SignatureRequirement
    from gate.verify.signatures import signature_spec

    requirements = []
    for number, entry in enumerate(policy.artifacts):
        raw = policy.signature_for(entry)
        if raw:
            requirements.append(SignatureRequirement(str(entry.path),
                                                     signature_spec(raw, policy.base_dir,
                                                                    where=f"artifacts[{number}].signature")))
    default = policy.defaults.signature
    default_spec = signature_spec(default, policy.base_dir, where="defaults.signature") if default else None
    if mode != "full":
        return ContentPlan(tuple(requirements), default_spec)
    unreachable = _unreachable(references, hub)
    confirmed = _confirmed(references, hub)
    groups: dict[tuple[str, str, str | None], list[int]] = {}
    for index, reference in enumerate(references):
        if index in unreachable or reference.dynamic or reference.role == "publish" or (
                reference.confidence == "medium" and index not in confirmed):
            # A publish target is written by this code, not loaded; a reference still medium after verification
            # is one the Hub did not confirm: there is nothing there to check.
            continue
        if reference.kind in ("model", "dataset") and reference.source == "huggingface" and reference.id:
            groups.setdefault((reference.kind, reference.id, reference.revision), []).append(index)
    pinned, unpinned = [], []
    for (kind, repo_id, revision), indices in groups.items():
        raw = policy.signature_for(policy.entry_for(references[indices[0]]))
        if not raw and not policy.defaults.scan_hub_pickles:
            continue
        spec = signature_spec(raw, policy.base_dir, where=f"signature for {repo_id}") if raw else None
        request = HubContentRequest(kind, repo_id, revision, tuple(indices), spec, policy.defaults.scan_hub_pickles)
        if is_pinned(revision):
            pinned.append(request)
        elif spec is not None:
            unpinned.append(request)
    return ContentPlan(tuple(requirements), default_spec, tuple(pinned), tuple(unpinned), full=True)


def _unreachable(references: Sequence[Any], hub: HubEvidence | None) -> set[int]:
    """References whose Hub answer already says their content cannot be downloaded: no second finding."""
    if hub is None:
        return set()
    out = set()
    for index, reference in enumerate(references):
        query = query_for(reference)
        if query is None or query.kind == "github":
            continue
        answer = hub.answers.get(query)
        if query in hub.failures or answer is None or answer.status != "ok" or answer.file_errors:
            out.add(index)
    return out


def _confirmed(references: Sequence[Any], hub: HubEvidence | None) -> set[int]:
    """Medium-confidence references the Hub knows (judged like any other)."""
    if hub is None:
        return set()
    out = set()
    for index, reference in enumerate(references):
        query = query_for(reference)
        answer = hub.answers.get(query) if query is not None else None
        if reference.confidence == "medium" and answer is not None and answer.status != "repo-not-found":
            out.add(index)
    return out


def judge_content(policy: Policy, references: Sequence[Any], plan: ContentPlan,
                  evidence: Any) -> tuple[tuple[Any, ...], list[Finding]]:
    """Findings of the content checks (pickles, model code, signatures) and the references with the signature
    checked for them. Severity overrides and waivers are not applied here (the caller applies them once)."""
    from gate.policy.rules.malicious_pickle import check_scans
    from gate.policy.rules.signature_missing import check_signature, unchecked_hub_signatures
    from gate.policy.rules.unsafe_model_code import check_code
    from gate.policy.rules.verification_failed import for_download_failure
    from gate.verify.content_interface import SignatureCheck

    refs = list(references)
    findings: list[Finding] = []
    for scan in evidence.artifacts:
        reference = refs[scan.index]
        if scan.pickles is not None:
            findings += check_scans(policy, scan.pickles, path=reference.path, line=reference.line,
                                    reference=scan.index)
        findings += check_code(list(scan.code), path=reference.path, line=reference.line, reference=scan.index)
    for signed in evidence.signed:
        for i in signed.members:
            refs[i] = replace(refs[i], signature=signed.check.to_json())
        findings += check_signature(signed.check, signed.spec,
                                    reference=signed.members[0] if signed.members else None)
    if not plan.full:
        return tuple(refs), findings + unchecked_hub_signatures(policy, refs)
    unpinned = {request.indices[0]: request for request in plan.unpinned}
    downloaded = {content.request.indices[0]: content for content in evidence.hub}
    for first_index in sorted(unpinned.keys() | downloaded.keys()):
        first = refs[first_index]
        if first_index in unpinned:
            request = unpinned[first_index]
            label = request.label
            check = SignatureCheck("missing", label, f"{label}/{request.spec.signature_file}", request.spec.method,
                                   reason="the reference is not pinned to a commit, so there is no fixed revision "
                                          "whose signature could be checked")
            findings += check_signature(check, request.spec, reference=first_index, line=first.line, path=first.path)
            continue
        content = downloaded[first_index]
        request = content.request
        if content.check is not None:
            for i in request.indices:
                refs[i] = replace(refs[i], signature=content.check.to_json())
            findings += check_signature(content.check, request.spec, reference=first_index, line=first.line,
                                        path=first.path)
        for scans in content.pickles:
            findings += check_scans(policy, scans, path=first.path, line=first.line, reference=first_index)
        if content.error is not None:
            findings.append(for_download_failure(request.label, content.error, first_index, first))
    return tuple(refs), findings

"""Which findings are new: the one definition of a finding's identity, used by pull-request mode, `scan
--baseline` and `scan --diff-base`.

A finding is the same as an earlier one when its rule, file, and the reference's kind, id (or expression) and
api are the same: lines move with every edit, so they do not count. The comparison is a multiset, so a second
copy of an old reference is still new.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from gate.discover.interface import Reference
from gate.errors import UsageError
from gate.pipeline import ScanOptions, fails
from gate.policy.interface import Finding
from gate.report.interface import Report

if TYPE_CHECKING:
    from gate.git import ChangedFile, PartialExport

FindingIdentity = tuple[str, str, str, str, str]
"""(rule, path, reference kind, reference id or expression, api): a finding without its line."""


def finding_identity(finding: Finding) -> FindingIdentity:
    """What a finding is about, without its line: rule, path, and the kind, id and api of the reference it carries
    (`Finding.subject`; a finding read back from a JSON report carries one too, `findings_in_json_report`)."""
    ref = finding.subject
    if ref is not None:
        return (finding.rule, finding.path or ref.path, ref.kind, ref.id or ref.expression or "", ref.api)
    return (finding.rule, finding.path or "", "", finding.message, "")


@functools.cache
def _rule_stages() -> dict[str, str]:
    from gate.policy.rules import all_rules

    return {rule_id: rule.stage for rule_id, rule in all_rules().items()}


def _from_verification(finding: Finding) -> bool:
    """Only verification produces this finding: a Hub answer, or a Hub file's pickle or signature check."""
    stage = _rule_stages().get(finding.rule)
    if stage not in ("verify", "pickle", "signature"):
        return False
    if stage == "verify":
        return True
    # Pickle and signature checks of committed files run offline, on the base too; only a Hub reference's
    # are verification's (the base's unchecked-signature note for one must not stand in for the real check).
    ref = finding.subject
    return ref is not None and ref.source == "huggingface" and ref.kind in ("model", "dataset")


def _reference_key(ref: Reference, path: str) -> tuple:
    """What a verification answer depends on, and where the reference is."""
    return (path, ref.source, ref.kind, ref.id, ref.api, ref.revision)


def _same_as_base(head: Report, base: Report | None, changed: dict[str, str | None]) -> set[int]:
    """Indexes of the head's references the base has too, at the same revision (multiset, in line order)."""
    if base is None:
        return set()
    remaining = Counter(_reference_key(ref, ref.path) for ref in base.references)
    same: set[int] = set()
    for index in sorted(range(len(head.references)), key=lambda i: (head.references[i].path, head.references[i].line or 0)):
        ref = head.references[index]
        base_path = changed.get(ref.path)
        key = _reference_key(ref, base_path) if base_path is not None else None
        if key is not None and remaining[key] > 0:
            remaining[key] -= 1
            same.add(index)
    return same


def mark_pre_existing(head: Report, base: Report | None, changed: dict[str, str | None], fail_on: str,
                      fail_on_existing: bool) -> Report:
    """Flag the head's findings that the base has too; recompute the verdict.

    The base was scanned without verification: a verification finding is pre-existing when its reference is
    one the base has too (same revision), since the Hub would have given the base the same answer.
    """
    from gate.discover.engine import shown_path

    # Reports show file names escaped (control characters, undecodable bytes); git lists them raw. Compare the
    # two the same way, or a name holding a newline would make its findings look untouched by the pull request.
    changed = {shown_path(head_path): shown_path(base_path) if base_path is not None else None
               for head_path, base_path in changed.items()}
    base_keys: Counter = Counter(
        finding_identity(f) for f in base.findings if not _from_verification(f)
    ) if base else Counter()
    same_reference = _same_as_base(head, base, changed)
    findings = []
    for finding in head.findings:
        pre_existing = False
        if finding.path is not None:
            if finding.path not in changed:
                pre_existing = True  # the pull request does not touch this file
            elif _from_verification(finding):
                pre_existing = head.reference_index(finding) in same_reference
            elif changed[finding.path] is not None:
                key = finding_identity(finding)
                key = (key[0], changed[finding.path], *key[2:])
                if base_keys[key] > 0:
                    base_keys[key] -= 1
                    pre_existing = True
        findings.append(finding.with_(pre_existing=pre_existing))
    verdict = "fail" if fails(findings, fail_on, fail_on_existing) else "pass"
    # Where trained weights are pushed is called out even when the policy allows it (or has no `publish:`).
    publish_changes = [index for index, ref in enumerate(head.references)
                       if ref.role == "publish" and ref.path in changed and index not in same_reference]
    return replace(head, findings=tuple(findings), verdict=verdict,
                   extra={**head.extra, "mode": "diff", "publish_changes": publish_changes,
                          "fail_on_existing": fail_on_existing})


def scan_relative(changed: Iterable[ChangedFile], prefix: str) -> dict[str, str | None]:
    """Changed files (`git.ChangedFile`s) below the scanned root, as {head path: base path}, both relative to it."""
    lead = f"{prefix}/" if prefix else ""
    out: dict[str, str | None] = {}
    for change in changed:
        if not change.path.startswith(lead):
            continue
        base_path = change.base_path[len(lead):] if change.base_path and change.base_path.startswith(lead) else None
        out[change.path[len(lead):]] = base_path
    return out


def judge_changes(head: Report, options: ScanOptions, changed: Iterable[ChangedFile], base_root: str, prefix: str,
                  fail_on_existing: bool, tree: PartialExport | None = None) -> Report:
    """Scan the changed files as the base has them (exported under `base_root`; same policy and options, no Hub
    requests: a Hub answer depends only on the reference) and mark what was there before. `tree`: the base is
    exported only in part (`gate.git.PartialExport`): the scan reads the rest through it."""
    import os

    from gate.pipeline import run_scan

    relative = scan_relative(changed, prefix)
    paths = sorted({p for p in relative.values() if p and os.path.isfile(os.path.join(base_root, p))})
    base = run_scan(replace(options, root=base_root, paths=(), under_review=tuple(paths),
                            verify="none", scan_cache=False, tree=tree)) if paths else None  # a throwaway tree
    return mark_pre_existing(head, base, relative, options.fail_on, fail_on_existing)


def against_commit(head: Report, options: ScanOptions, ref: str) -> Report:
    """`scan --diff-base REF`: what the working tree changes since REF (tracked and untracked files) is judged
    as pull-request mode judges a pull request; findings in untouched files are pre-existing."""
    import os
    import tempfile

    from gate import git

    try:
        repo = git.repo_root(options.root)
    except git.GitError as exc:
        raise UsageError(f"--diff-base needs a git checkout: {options.root} is not in one") from exc
    base = git.resolve_commit(ref, repo)
    if base is None and ref == "HEAD" and git.resolve_commit("HEAD", repo) is None and not git.has_commits(repo):
        base = git.EMPTY_TREE  # the first commit of a new repository: everything in it is new
    if base is None:
        raise UsageError(f"--diff-base {ref}: no such commit in this clone (git rev-parse {ref} fails); fetch it or "
                         "name another ref")
    prefix = os.path.relpath(options.root, repo).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix
    changed = git.worktree_changes(base, repo)
    with tempfile.TemporaryDirectory(prefix="model-gate-base-") as base_tree:
        base_paths = sorted({c.base_path for c in changed if c.base_path})
        git.export_tree(base, base_tree, repo, base_paths)
        judged = judge_changes(head, options, changed, os.path.join(base_tree, prefix), prefix, False)
    return replace(judged, extra={**judged.extra, "mode": "diff-base", "base": base})


def findings_in_json_report(text: str, label: str) -> list[Finding]:
    """The findings of a JSON report written by `scan --format json` (a baseline), each carrying its `Reference`
    rebuilt from the report's `references` (the JSON `reference` index is read here, once)."""
    try:
        data = json.loads(text)
        references = [Reference.from_json(ref) for ref in data["references"]]
        findings: list[Finding] = []
        for item in data["findings"]:
            index = item.get("reference")
            subject = references[index] if isinstance(index, int) and 0 <= index < len(references) else None
            findings.append(Finding(rule=item["rule"], severity=item.get("severity") or "error",
                                    message=item["message"], remediation=item.get("remediation") or "",
                                    path=item.get("path"), line=item.get("line"),
                                    reference=index if subject is not None else None, subject=subject))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"--baseline {label}: not a model-gate JSON report ({type(exc).__name__}: {exc}); write "
                         "one with `model-gate scan --format json --output FILE`") from exc
    return findings


def identities_in_json_report(text: str, label: str) -> Counter[FindingIdentity]:
    """The finding identities of a JSON report written by `scan --format json` (a baseline)."""
    return Counter(finding_identity(finding) for finding in findings_in_json_report(text, label))


def against_baseline(head: Report, baseline: Counter[FindingIdentity], fail_on: str) -> Report:
    """Mark the findings a baseline report already has as pre-existing, and decide the verdict again."""
    remaining = Counter(baseline)
    pre_existing: set[int] = set()
    # In line order, so that of two equal findings in a file the one further down is the new one.
    for index in sorted(range(len(head.findings)), key=lambda i: (head.findings[i].path or "", head.findings[i].line or 0)):
        key = finding_identity(head.findings[index])
        if remaining[key] > 0:
            remaining[key] -= 1
            pre_existing.add(index)
    findings = tuple(f.with_(pre_existing=i in pre_existing) for i, f in enumerate(head.findings))
    verdict = "fail" if fails(findings, fail_on) else "pass"
    return replace(head, findings=findings, verdict=verdict, extra={**head.extra, "mode": "baseline"})

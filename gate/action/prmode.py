"""Pull-request mode: judge what the pull request changes, by the base branch's policy.

- base and head come from the event payload (or `base-ref`);
- the base commit's tree is exported (never checked out, never run) to read its policy and to scan the
  changed files as they were before;
- a finding whose (rule, path, kind, id, api) also exists on the base is pre-existing; the comparison is a
  multiset, so a second copy of an old reference added by the pull request is still new;
- the base side is scanned without verification: the Hub's answer depends only on what a reference asks
  (kind, id, revision), so a verification finding is pre-existing exactly when the base has the same reference
  at the same revision. Asking the Hub again for the base would double the requests (and the downloads of
  `verify: full`) for the same answers.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from gate.action import git
from gate.action.inputs import ActionInputs
from gate.errors import UsageError
from gate.pipeline import fails
from gate.report.interface import Report
from gate.report.sarif import fingerprint_key

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target", "merge_group")
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


@dataclass(frozen=True)
class PullRequest:
    base: str
    """Base commit sha."""
    head: str
    """Head commit sha."""
    author: str | None
    """The pull request author's login (None for merge queues and `base-ref` runs)."""
    changed: tuple[git.ChangedFile, ...] = ()


def _event_shas(event_name: str, event: dict) -> tuple[str | None, str | None, str | None]:
    if event_name == "merge_group":
        group = event.get("merge_group") or {}
        return group.get("base_sha"), group.get("head_sha"), None
    pull = event.get("pull_request") or {}
    author = (pull.get("user") or {}).get("login")
    return (pull.get("base") or {}).get("sha"), (pull.get("head") or {}).get("sha"), author


def _checked_sha(value, what: str) -> str:
    if not isinstance(value, str) or not _SHA.match(value):
        raise UsageError(f"the event payload has no valid {what} (got {value!r})")
    return value


def pull_request(inputs: ActionInputs, event_name: str, event: dict, repo: str) -> PullRequest | None:
    """The pull request to compare, or None for a full scan (mode `full`, or `auto` outside pull requests)."""
    in_pr_event = event_name in PULL_REQUEST_EVENTS
    if inputs.mode == "full" or (inputs.mode == "auto" and not in_pr_event and not inputs.base_ref):
        return None
    if not in_pr_event and not inputs.base_ref:
        raise UsageError(
            f"mode: diff needs a pull_request, pull_request_target or merge_group event, or the `base-ref` input "
            f"(this run is a {event_name or 'non-GitHub'} event)"
        )
    base = head = author = None
    if in_pr_event:
        base, head, author = _event_shas(event_name, event)
        base = _checked_sha(base, "base commit sha")
        head = _checked_sha(head, "head commit sha")
    if inputs.base_ref:
        base = inputs.base_ref
    if head is None:
        head = git.head_sha(repo)
    base, head = git.require_commits(base, head, repo)
    return PullRequest(base=base, head=head, author=author, changed=git.changed_files(base, head, repo))


# -- the policy ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyChoice:
    path: str
    """The policy file to load (inside the exported base tree for policy-source base)."""
    label: str
    """How messages name it."""
    note: str
    """One sentence for the summary: where the policy came from."""
    repo_path: str | None
    """The policy file's repository-relative path (None for the built-in default)."""


def policy_candidates(inputs: ActionInputs, prefix: str) -> list[str]:
    """Repository-relative policy paths to try: the input, else the scanned directory's, else the repository's."""
    from gate.policy.load import REPO_POLICY_FILES

    if inputs.policy:
        return [inputs.policy]
    in_scanned = [f"{prefix}/{name}" for name in REPO_POLICY_FILES] if prefix else []
    return in_scanned + list(REPO_POLICY_FILES)


def _builtin(note: str) -> PolicyChoice:
    from gate.policy.load import builtin_policy_path

    return PolicyChoice(str(builtin_policy_path("default")), "builtin:default", note, None)


def base_policy(inputs: ActionInputs, pr: PullRequest, base_tree: str, prefix: str) -> PolicyChoice:
    """The policy as the base commit has it (`extends` and key files resolve inside the base tree too)."""
    for candidate in policy_candidates(inputs, prefix):
        exported = Path(base_tree, candidate)
        if exported.is_file():
            return PolicyChoice(
                str(exported), f"{candidate} (base {pr.base[:12]})",
                f"`{candidate}` as of the base commit `{pr.base[:12]}` (a pull request cannot loosen its own "
                "gate; set `policy-source: head` to use the pull request's policy).",
                candidate,
            )
    where = f"`{inputs.policy}`" if inputs.policy else "a policy file"
    return _builtin(f"the base commit `{pr.base[:12]}` has no {where}, so the built-in default policy applies.")


def head_policy(inputs: ActionInputs, workspace: str, prefix: str) -> PolicyChoice:
    for candidate in policy_candidates(inputs, prefix):
        if Path(workspace, candidate).is_file():
            return PolicyChoice(str(Path(workspace, candidate)), candidate, f"`{candidate}` as checked out.",
                                candidate)
    if inputs.policy:
        raise UsageError(f"input `policy`: {inputs.policy} not found in the workspace")
    return _builtin("no policy file in the repository, so the built-in default policy applies.")


def policy_diff(pr: PullRequest, candidates: list[str], repo: str) -> str | None:
    """The base → head diff of the policy file when the pull request changes it, rendered for the summary."""
    touched = git.touched_paths(pr.base, pr.head, candidates, repo)  # a deleted policy too
    repo_path = next((c for c in candidates if c in touched), None)
    if repo_path is None:
        return None
    old = git.show_file(pr.base, repo_path, repo)
    new = git.show_file(pr.head, repo_path, repo)
    if old == new:
        return None
    from gate.errors import PolicyError
    from gate.policy.diff import diff_policies, render_diff

    try:
        diff = diff_policies(
            old.decode("utf-8", "replace") if old is not None else None,
            new.decode("utf-8", "replace") if new is not None else None,
            old_label=f"{repo_path} at base {pr.base[:12]}" if old is not None else "built-in default",
            new_label=f"{repo_path} at head {pr.head[:12]}" if new is not None else "built-in default",
        )
    except PolicyError as exc:
        return f"The pull request's policy change cannot be compared: {exc}"
    return render_diff(diff, "text")


# -- the comparison ----------------------------------------------------------------------------------------------


def scan_relative(changed: tuple[git.ChangedFile, ...], prefix: str) -> dict[str, str | None]:
    """Changed files below the scanned root, as {head path: base path}, both relative to that root."""
    lead = f"{prefix}/" if prefix else ""
    out: dict[str, str | None] = {}
    for change in changed:
        if not change.path.startswith(lead):
            continue
        base_path = change.base_path[len(lead):] if change.base_path and change.base_path.startswith(lead) else None
        out[change.path[len(lead):]] = base_path
    return out


def changed_under_root(pr: PullRequest, prefix: str, root: str) -> tuple[str, ...]:
    """The head's changed files below the scanned root that still exist (relative to it): scanned even inside
    default-excluded directories, so a PR cannot hide a loader under build/ or node_modules/."""
    return tuple(sorted(p for p in scan_relative(pr.changed, prefix) if os.path.isfile(os.path.join(root, p))))


def judge_against_base(head: Report, options, pr: PullRequest, base_root: str, prefix: str,
                       fail_on_existing: bool) -> Report:
    """Scan the changed files as the base has them (same policy and options, no Hub requests: see the module's
    docstring) and mark what was there before."""
    from gate.pipeline import run_scan

    changed = scan_relative(pr.changed, prefix)
    paths = sorted({p for p in changed.values() if p and os.path.isfile(os.path.join(base_root, p))})
    base = run_scan(replace(options, root=base_root, paths=(), under_review=tuple(paths),
                            verify="none")) if paths else None
    return mark_pre_existing(head, base, changed, options.fail_on, fail_on_existing)


@functools.cache
def _rule_stages() -> dict[str, str]:
    from gate.policy.rules import all_rules

    return {rule_id: rule.stage for rule_id, rule in all_rules().items()}


def _from_verification(report: Report, finding) -> bool:
    """Only verification produces this finding: a Hub answer, or a Hub file's pickle or signature check."""
    stage = _rule_stages().get(finding.rule)
    if stage not in ("verify", "pickle", "signature"):
        return False
    if stage == "verify":
        return True
    # Pickle and signature checks of committed files run offline, on the base too; only a Hub reference's
    # are verification's (the base's unchecked-signature note for one must not stand in for the real check).
    ref = report.references[finding.reference] if finding.reference is not None and \
        0 <= finding.reference < len(report.references) else None
    return ref is not None and ref.source == "huggingface" and ref.kind in ("model", "dataset")


def _reference_key(ref, path: str) -> tuple:
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
        fingerprint_key(base, f) for f in base.findings if not _from_verification(base, f)
    ) if base else Counter()
    same_reference = _same_as_base(head, base, changed)
    findings = []
    for finding in head.findings:
        pre_existing = False
        if finding.path is not None:
            if finding.path not in changed:
                pre_existing = True  # the pull request does not touch this file
            elif _from_verification(head, finding):
                pre_existing = finding.reference in same_reference
            elif changed[finding.path] is not None:
                key = fingerprint_key(head, finding)
                key = (key[0], changed[finding.path], *key[2:])
                if base_keys[key] > 0:
                    base_keys[key] -= 1
                    pre_existing = True
        findings.append(finding.with_(pre_existing=pre_existing))
    judged = [f.with_(pre_existing=False) for f in findings] if fail_on_existing else findings
    verdict = "fail" if fails(judged, fail_on) else "pass"
    # Where trained weights are pushed is called out even when the policy allows it (or has no `publish:`).
    publish_changes = [index for index, ref in enumerate(head.references)
                       if ref.role == "publish" and ref.path in changed and index not in same_reference]
    return replace(head, findings=tuple(findings), verdict=verdict,
                   extra={**head.extra, "mode": "diff", "publish_changes": publish_changes})

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

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from gate import git
from gate.action.inputs import ActionInputs
from gate.baseline import judge_changes, mark_pre_existing, scan_relative  # noqa: F401 (re-exported)
from gate.errors import UsageError
from gate.pipeline import ScanOptions, fails
from gate.report.interface import Report
from gate.vocabulary import REPO_POLICY_FILES

if TYPE_CHECKING:
    from gate.policy.model import Policy

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
    unreadable_submodules: tuple[git.UnreadableSubmodule, ...] = ()
    """Submodules the pull request moves whose commits this clone cannot read (each an error finding)."""


def _event_shas(event_name: str, event: dict) -> tuple[str | None, str | None, str | None]:
    if event_name == "merge_group":
        group = event.get("merge_group") or {}
        return group.get("base_sha"), group.get("head_sha"), None
    pull = event.get("pull_request") or {}
    author = (pull.get("user") or {}).get("login")
    return (pull.get("base") or {}).get("sha"), (pull.get("head") or {}).get("sha"), author


def _checked_sha(value: object, what: str) -> str:
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
    if in_pr_event:
        event_base, event_head, author = _event_shas(event_name, event)
        base = _checked_sha(event_base, "base commit sha")
        head = _checked_sha(event_head, "head commit sha")
    else:  # the `base-ref` input (checked above)
        base, head, author = "", git.head_sha(repo), None
    base, head = git.require_commits(inputs.base_ref or base, head, repo)
    changed, unreadable = git.changes(base, head, repo)
    return PullRequest(base=base, head=head, author=author, changed=changed, unreadable_submodules=unreadable)


def export_base(pr: PullRequest, base_tree: str, repo: str, candidates: Sequence[str] = (),
                prefix: str = "") -> git.PartialExport:
    """What of the base commit pull-request mode reads, written under `base_tree`: the policy files it may use
    (`candidates`) with their `extends` chains and the key files they name, and the base version of each changed
    file (inside a moved submodule: read from the submodule's own clone at its old commit, since `git archive` of
    the base does not recurse into submodules). Files a finder reads beside a scanned one (a compose file's
    `.env`, a notebook's `%run` target) are written when it reads them; the listing answers local-path checks
    (see `gate.git.PartialExport`). Nothing else of the base is written: the cost does not grow with the
    repository."""
    tree = git.PartialExport(pr.base, base_tree, repo, prefix)
    export_policies(tree, candidates)
    tree.export(change.base_path for change in pr.changed if change.base_path and not change.submodule)
    by_submodule: dict[tuple[str, str], list[str]] = {}
    for change in pr.changed:
        if change.submodule and change.base_commit and change.base_path:
            by_submodule.setdefault((change.submodule, change.base_commit), []).append(
                change.base_path[len(change.submodule) + 1:])
    for (submodule, commit), paths in by_submodule.items():
        target = os.path.join(base_tree, submodule)
        os.makedirs(target, exist_ok=True)
        git.export_tree(commit, target, os.path.join(repo, submodule), paths)
    return tree


def export_policies(tree: git.PartialExport, candidates: Iterable[str]) -> None:
    """Write the policy files among `candidates` the commit has, then what they name, until nothing new is named:
    `extends` targets (relative to the file naming them) and signature keys (`public_key`, `certificate_chain`;
    relative to the policy in force, i.e. any policy file read on the way)."""
    import posixpath

    from gate.errors import GateError
    from gate.policy.load import BUILTIN_PREFIX, parse_yaml

    todo, seen, directories = list(candidates), set[str](), set[str]()
    while todo:
        batch = [p for p in dict.fromkeys(posixpath.normpath(p) for p in todo) if p not in seen]
        seen.update(batch)
        tree.export(batch)
        todo = []
        for path in (p for p in batch if p in tree.exported):
            directories.add(posixpath.dirname(path))
            try:
                data, _ = parse_yaml(Path(tree.dest, path).read_text(encoding="utf-8"), path)
            except (GateError, OSError, UnicodeDecodeError, ValueError):
                continue  # loading it later says what is wrong
            extends = data.get("extends") if isinstance(data, dict) else None
            if isinstance(extends, str) and not extends.startswith((BUILTIN_PREFIX, "/", "~")):
                todo.append(posixpath.join(posixpath.dirname(path), extends))
            todo += [posixpath.join(directory, key) for key in _key_files(data) for directory in directories]
        todo = [p for p in todo if not posixpath.normpath(p).startswith("../")]


def _key_files(data: object) -> list[str]:
    """Every relative `public_key` / `certificate_chain` path anywhere in a parsed policy."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "public_key" and isinstance(value, str):
                found.append(value)
            elif key == "certificate_chain" and isinstance(value, list):
                found += [v for v in value if isinstance(v, str)]
            else:
                found += _key_files(value)
    elif isinstance(data, list):
        for item in data:
            found += _key_files(item)
    return [f for f in found if not f.startswith(("/", "~"))]


def with_unreadable_submodules(report: Report, pr: PullRequest, prefix: str, fail_on: str) -> Report:
    """One error finding per moved submodule the gate could not read, and the verdict again."""
    from gate.policy.rules import rule_module

    lead = f"{prefix}/" if prefix else ""
    rule = rule_module("submodule-not-scanned").RULE
    added = []
    for submodule in pr.unreadable_submodules:
        if lead and not (submodule.path + "/").startswith(lead):
            continue
        moved = f"{submodule.old[:12]} → {submodule.new[:12]}" if submodule.old else f"added at {submodule.new[:12]}"
        added.append(rule.finding(
            message=f"the pull request moves submodule '{submodule.path}' ({moved}), but {submodule.reason}: the "
                    "gate could not read what it brings in",
            remediation=rule.fix, path=submodule.path[len(lead):], line=None, reference=None,
            details={"old": submodule.old, "new": submodule.new}))
    if not added:
        return report
    findings = (*report.findings, *added)
    verdict = "fail" if fails(findings, fail_on) else report.verdict
    return replace(report, findings=findings, verdict=verdict)


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
    """Repository-relative policy paths the policy in force may come from: the input, else the scanned
    directory's and the repository's."""

    if inputs.policy:
        return [inputs.policy]
    in_scanned = [f"{prefix}/{name}" for name in REPO_POLICY_FILES] if prefix else []
    return in_scanned + list(REPO_POLICY_FILES)


def _builtin(note: str) -> PolicyChoice:
    from gate.policy.load import builtin_policy_path

    return PolicyChoice(str(builtin_policy_path("default")), "builtin:default", note, None)


def _first_file(tree: str, candidates: list[str]) -> str | None:
    return next((c for c in candidates if Path(tree, c).is_file()), None)


def policy_in_force(inputs: ActionInputs, tree: str, prefix: str, where: str) -> PolicyChoice:
    """The policy that applies to a scan of `prefix` in `tree` (the exported base commit, or the checkout).

    The repository's root policy always applies. A policy file under the scanned `path` may only tighten it: a
    pull request could otherwise add `sub/.model-policy.yml` that quietly loosens the protected root policy. A
    nested policy that loosens anything (or changes something that is neither) is refused with the list of
    what it loosens; one that only tightens applies. The `policy` input is the workflow's explicit choice.
    """

    if inputs.policy:
        if Path(tree, inputs.policy).is_file():
            return PolicyChoice(str(Path(tree, inputs.policy)), inputs.policy, f"`{inputs.policy}`{where}.",
                                inputs.policy)
        raise UsageError(f"input `policy`: {inputs.policy} not found in the workspace")
    root = _first_file(tree, list(REPO_POLICY_FILES))
    nested = _first_file(tree, [f"{prefix}/{name}" for name in REPO_POLICY_FILES]) if prefix else None
    if nested is None:
        if root is None:
            return _builtin(f"no policy file{where}, so the built-in default policy applies.")
        return PolicyChoice(str(Path(tree, root)), root, f"`{root}`{where}.", root)
    loosened = nested_loosens(tree, root, nested)
    if loosened:
        floor = f"`{root}`" if root else "the built-in default policy"
        raise UsageError(
            f"the policy `{nested}`{where} under the scanned path loosens the repository's policy ({floor}), which "
            f"always applies: " + "; ".join(loosened) + ". A policy under `path` may only tighten the root policy: "
            f"move what it allows into {floor} (where its owners review it), or remove those keys from `{nested}`."
        )
    floor = f"`{root}`" if root else "the built-in default"
    return PolicyChoice(str(Path(tree, nested)), nested, f"`{nested}`{where}, which only tightens {floor}.", nested)


def _load(tree: str, repo_path: str | None) -> Policy:
    from gate.policy.load import builtin_policy_path, load_policy

    if repo_path is None:
        return load_policy(str(builtin_policy_path("default")), tree, label="builtin:default")
    return load_policy(str(Path(tree, repo_path)), tree, label=repo_path)


def nested_loosens(tree: str, root: str | None, nested: str) -> list[str]:
    """What the nested policy allows that the root policy (with its `extends`) does not, one line a change."""
    from gate.policy.diff import diff_effective

    diff = diff_effective(_load(tree, root), _load(tree, nested), old_label=root or "builtin:default",
                          new_label=nested)
    return [change.summary for change in diff.changes if change.effect != "tightens"]


def base_policy(inputs: ActionInputs, pr: PullRequest, base_tree: str, prefix: str) -> PolicyChoice:
    """The policy as the base commit has it (`extends` and key files resolve inside the base tree too)."""
    choice = policy_in_force(inputs, base_tree, prefix, f" as of the base commit `{pr.base[:12]}`")
    if choice.repo_path is None:
        where = f"`{inputs.policy}`" if inputs.policy else "policy file"
        return _builtin(f"the base commit `{pr.base[:12]}` has no {where}, so the built-in default policy applies.")
    return replace(choice, label=f"{choice.repo_path} (base {pr.base[:12]})",
                   note=f"{choice.note[:-1]} (a pull request cannot loosen its own gate; set `policy-source: head` "
                        "to use the pull request's policy).")


def head_policy(inputs: ActionInputs, workspace: str, prefix: str) -> PolicyChoice:
    choice = policy_in_force(inputs, workspace, prefix, " as checked out")
    if choice.repo_path is None:
        return _builtin("no policy file in the repository, so the built-in default policy applies.")
    return choice


def policy_diff(pr: PullRequest, candidates: list[str], repo: str, inputs: ActionInputs | None = None,
                prefix: str = "", base_tree: str | None = None) -> str | None:
    """When the pull request changes a policy file, the change of the policy IN FORCE (base → head, each with
    its `extends` chain and the nested-policy rule applied), rendered for the summary."""
    touched = git.touched_paths(pr.base, pr.head, candidates, repo)  # a deleted policy too
    repo_path = next((c for c in candidates if c in touched), None)
    if repo_path is None:
        return None
    from gate.errors import PolicyError
    from gate.policy.diff import diff_effective, render_diff

    inputs = inputs or ActionInputs()
    try:
        with _tree_at(pr.head, repo, candidates) as head_tree, \
                _tree_at(pr.base, repo, candidates, base_tree) as old_tree:
            sides = []
            for tree, commit in ((old_tree, pr.base), (head_tree, pr.head)):
                try:
                    choice = policy_in_force(inputs, tree, prefix, "")
                except UsageError as exc:
                    return f"At {commit[:12]} the policy cannot apply: {exc}"
                sides.append((choice, _load(tree, choice.repo_path)))
    except PolicyError as exc:
        return f"The pull request's policy change cannot be compared: {exc}"
    (old_choice, old_policy), (new_choice, new_policy) = sides
    diff = diff_effective(
        old_policy, new_policy,
        old_label=f"{old_choice.repo_path or 'built-in default'} at base {pr.base[:12]}",
        new_label=f"{new_choice.repo_path or 'built-in default'} at head {pr.head[:12]}",
    )
    return render_diff(diff, "text")


@contextlib.contextmanager
def _tree_at(commit: str, repo: str, candidates: list[str], existing: str | None = None) -> Iterator[str]:
    """The commit's policy files (and what they extend) in a directory: the base tree already exported, or the
    head's policy files exported anew (the workspace may hold a merge commit rather than the head)."""
    if existing is not None:
        yield existing
        return
    with tempfile.TemporaryDirectory(prefix="model-gate-policy-") as tree:
        export_policies(git.PartialExport(commit, tree, repo), candidates)
        yield tree


# -- the comparison ----------------------------------------------------------------------------------------------


def changed_under_root(pr: PullRequest, prefix: str, root: str) -> tuple[str, ...]:
    """The head's changed files below the scanned root that still exist (relative to it): scanned even inside
    default-excluded directories, so a PR cannot hide a loader under build/ or node_modules/."""
    return tuple(sorted(p for p in scan_relative(pr.changed, prefix) if os.path.isfile(os.path.join(root, p))))


def judge_against_base(head: Report, options: ScanOptions, pr: PullRequest, base_root: str, prefix: str,
                       fail_on_existing: bool, tree: git.PartialExport | None = None) -> Report:
    """Scan the changed files as the base has them and mark what was there before (gate/baseline.py)."""
    return judge_changes(head, options, pr.changed, base_root, prefix, fail_on_existing, tree)


# The comparison itself (what makes two findings the same one) is in the core: gate/baseline.py.

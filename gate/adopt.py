"""`model-gate init`: adopt the gate in a repository in one command.

What it does, in order, and what it prints at each step:
1. scans, and writes `.github/model-policy.yml` listing every id found (with the commits already pinned, a reason
   saying when it was adopted and where it is used), validated before it is written; an existing policy is kept;
2. pins every unpinned Hub reference (`pin --write --update-policy` in one step) to the commit the policy
   already allows, else to the commit its branch points at now; offline it says so after one attempt;
3. writes `.github/workflows/model-gate.yml` with every action pinned by full commit sha, and a CODEOWNERS line
   for the policy file;
4. scans again with the new policy and lists exactly what is left for a person to decide.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.errors import UsageError
from gate.vocabulary import REPO_POLICY_FILES

if TYPE_CHECKING:
    from gate.discover.interface import Reference
    from gate.policy.interface import Finding

POLICY_FILE = REPO_POLICY_FILES[0]
WORKFLOW_FILE = ".github/workflows/model-gate.yml"
CODEOWNERS_FILE = ".github/CODEOWNERS"

PINNED_ACTIONS = {
    # action: (commit, release). Read from each action's repository: the newest release on Node 24.
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "github/codeql-action/upload-sarif": ("8aad20d150bbac5944a9f9d289da16a4b0d87c1e", "v4.36.2"),
}
"""Every action the generated workflow uses, pinned by full commit sha (a tag can be moved to other code)."""

MODEL_GATE_ACTION = "model-gate/model-gate"
MODEL_GATE_PLACEHOLDER = "0" * 40
"""Until `--action-ref OWNER/REPO@<sha>` names the release you reviewed, the workflow carries this placeholder and
`init` lists it as the first thing to review."""

WORKFLOW_TEMPLATE = """\
# Written by `model-gate init` on {today}. Every action is pinned by full commit sha; review before merging.
name: model-gate

on:
  pull_request:
  push:
    branches: [{branch}]

permissions: {{}}

concurrency:
  group: model-gate-${{{{ github.ref }}}}
  cancel-in-progress: true

jobs:
  model-gate:
    name: model-gate
    runs-on: ubuntu-24.04
    permissions:
      contents: read # check out the repository
      security-events: write # upload the SARIF report to code scanning
    steps:
      - name: Check out
        uses: actions/checkout@{checkout_sha} # {checkout_release}
        with:
          fetch-depth: 0 # pull-request mode diffs base...head and reads the policy from the base commit
          persist-credentials: false
          submodules: recursive # a submodule bump is judged by the submodule's own commits
      - name: model-gate
        id: gate
        uses: {action}@{action_sha} # {action_note}
        with:
          sarif-file: model-gate.sarif
      - name: Upload the SARIF report to code scanning
        if: always() && steps.gate.outputs.sarif-file != ''
        uses: github/codeql-action/upload-sarif@{sarif_sha} # {sarif_release}
        with:
          sarif_file: model-gate.sarif
          category: model-gate
"""


@dataclass
class Adoption:
    """What `init` did, and what it leaves for a person."""

    done: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    """Items a person must decide, each with what to do."""
    offline: str | None = None
    """Why pinning could not reach the Hub (None when it could, or had nothing to ask)."""
    verdict: str = "pass"


def _action_ref(value: str | None) -> tuple[str, str, bool]:
    """(repository, commit, is the placeholder) for the model-gate step."""
    if not value:
        return MODEL_GATE_ACTION, MODEL_GATE_PLACEHOLDER, True
    repository, _, commit = value.partition("@")
    if repository.count("/") < 1 or len(commit) != 40 or any(c not in "0123456789abcdef" for c in commit):
        raise UsageError(f"--action-ref must be OWNER/REPO@<40-hex commit sha>, got {value!r}")
    return repository, commit, False


def workflow_text(today: _dt.date, branch: str, action_ref: str | None) -> str:
    action, commit, placeholder = _action_ref(action_ref)
    checkout, checkout_release = PINNED_ACTIONS["actions/checkout"]
    sarif, sarif_release = PINNED_ACTIONS["github/codeql-action/upload-sarif"]
    return WORKFLOW_TEMPLATE.format(
        today=today.isoformat(), branch=json.dumps(branch), checkout_sha=checkout, checkout_release=checkout_release,
        action=action, action_sha=commit,
        action_note="REVIEW: set the model-gate release commit you reviewed" if placeholder else "reviewed release",
        sarif_sha=sarif, sarif_release=sarif_release,
    )


def _write_new(root: Path, rel: str, text: str, adoption: Adoption, what: str) -> bool:
    target = root / rel
    if target.exists():
        adoption.done.append(f"kept the existing {rel} ({what}); not overwritten")
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    adoption.done.append(f"wrote {rel} ({what})")
    return True


def _preferred_commits(references: Iterable[Reference]) -> dict[tuple[str, str], str]:
    """The commit each id is already pinned to somewhere in the repository: its unpinned uses are pinned to the
    same commit (the one the policy will allow), not to whatever the branch points at today."""
    preferred: dict[tuple[str, str], str] = {}
    for reference in references:
        if (reference.pinned and reference.id and reference.revision and reference.source == "huggingface"
                and reference.role != "publish"):
            preferred.setdefault((reference.kind, reference.id.lower()), reference.revision)
    return preferred


def adopt(root: Path, *, config: Any, today: _dt.date, action_ref: str | None = None, owner: str | None = None,
          branch: str = "main", pin: bool = True, jobs: int | None = None) -> Adoption:
    from gate.discover.engine import discover

    adoption = Adoption()
    _action_ref(action_ref)  # a bad --action-ref stops before anything is written
    policy_path = root / POLICY_FILE
    if pin:
        # Pin first, then write the policy from what the files say: its entries then list every commit, with no
        # "not pinned yet" comments left behind.
        _pin(root, config=config, today=today, jobs=jobs, adoption=adoption,
             preferred=_preferred_commits(discover(str(root), jobs=jobs).references),
             policy=str(policy_path) if policy_path.exists() else None)
    if policy_path.exists():
        adoption.done.append(f"kept the existing {POLICY_FILE}; not overwritten"
                             + (" (the new commits are recorded in it)" if pin else ""))
    else:
        _write_policy(root, discover(str(root), jobs=jobs).references, today, adoption)
    _write_new(root, WORKFLOW_FILE, workflow_text(today, branch, action_ref), adoption,
               "runs the gate on every pull request; actions pinned by commit")
    if action_ref is None:
        adoption.review.append(f"{WORKFLOW_FILE}: the model-gate step uses a placeholder commit; set it to the release "
                               "you reviewed (`model-gate init --action-ref OWNER/REPO@<sha>` writes it)")
    _codeowners(root, owner, adoption)
    _final_scan(root, today, jobs, adoption)
    return adoption


def _write_policy(root: Path, references: Sequence[Reference], today: _dt.date, adoption: Adoption) -> None:
    from gate.policy.init import starter_policy
    from gate.policy.load import load_policy

    text = starter_policy(references, today, command="model-gate init", reasons=True)
    # The same checks `scan` makes: never write a policy the next scan would reject.
    load_policy(None, str(root), text=text, label=POLICY_FILE, today=today, base_dir=str((root / POLICY_FILE).parent))
    _write_new(root, POLICY_FILE, text, adoption, "the allowlist: every model and dataset found, with its commits")


def _pin(root: Path, *, config: Any, today: _dt.date, jobs: int | None, adoption: Adoption,
         preferred: dict[tuple[str, str], str], policy: str | None) -> None:
    from gate.pin.command import run_pin

    run = run_pin(root, config=config, today=today, jobs=jobs, policy=policy, preferred=preferred)
    for absolute, text in run.changed.items():
        with open(absolute, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    if run.pinned or run.changed:
        adoption.done.append(f"pinned {len(run.pinned)} reference(s) in {len(run.changed)} file(s)")
    elif not run.skipped:
        adoption.done.append("nothing to pin: every pinnable Hub reference is pinned already")
    offline = [item for item in run.skipped if item.reason.startswith("cannot connect to ")]
    if offline:  # one line for the whole run: the same reason for every reference
        adoption.offline = offline[0].reason
        adoption.review.append(f"{len(offline)} reference(s) not pinned: {offline[0].reason}. When online, run "
                               "`model-gate pin --write --update-policy`")
    for item in run.skipped:
        if item not in offline:
            adoption.review.append(f"{item.reference.path}:{item.reference.line}: not pinned: {item.reason}")


def _codeowners(root: Path, owner: str | None, adoption: Adoption) -> None:
    path = root / CODEOWNERS_FILE
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if f"/{POLICY_FILE}" in existing:
        adoption.done.append(f"kept {CODEOWNERS_FILE}: it already names an owner for /{POLICY_FILE}")
        return
    if owner:
        line = f"/{POLICY_FILE} {owner}\n"
        adoption.done.append(f"added to {CODEOWNERS_FILE}: {line.strip()}")
    else:
        line = f"# /{POLICY_FILE} @your-org/ml-security   # who must approve a policy change\n"
        adoption.review.append(f"{CODEOWNERS_FILE}: name who approves policy changes (uncomment the line model-gate "
                               "wrote, or run again with --owner @org/team)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(existing + ("\n" if existing and not existing.endswith("\n") else "") + line, encoding="utf-8")


def _final_scan(root: Path, today: _dt.date, jobs: int | None, adoption: Adoption) -> None:
    from gate.pipeline import ScanOptions, run_scan

    report = run_scan(ScanOptions(root=str(root), today=today, jobs=jobs))
    adoption.verdict = report.verdict
    for finding in report.active_findings():
        reference = report.references[finding.reference] if finding.reference is not None else None
        where = f"{finding.path}:{finding.line}" if finding.line else (finding.path or "(run)")
        item = f"{where}: {finding.severity} [{finding.rule}] {finding.message}"
        if reference is not None and (reference.dynamic or reference.trust_remote_code is None):
            item += f"\n      an allowlist entry cannot match this; if it is acceptable, waive it in {POLICY_FILE}:\n" \
                    f"      {_waiver(finding, today)}"
        elif finding.remediation:
            item += "\n      fix: " + "\n           ".join(finding.remediation.splitlines())
        adoption.review.append(item)


def _waiver(finding: Finding, today: _dt.date) -> str:
    expires = (today + _dt.timedelta(days=90)).isoformat()
    return (f"exceptions: [{{rule: {finding.rule}, paths: [{json.dumps(finding.path)}], reason: \"reviewed at "
            f"adoption\", expires: {expires}, owner: \"@you\"}}]")


def render(adoption: Adoption) -> str:
    lines = ["model-gate init:"]
    lines += [f"  - {item}" for item in adoption.done]
    if adoption.review:
        lines += ["", f"Left for you to review ({len(adoption.review)}):"]
        lines += [f"  - {item}" for item in adoption.review]
    lines += ["", "Then commit the changes; the workflow runs on the next pull request." if adoption.verdict == "pass"
              else "The scan does not pass yet: decide the items above, then run `model-gate scan`."]
    return "\n".join(lines) + "\n"

"""The action's wiring: inputs → (pull request, policy, AI authorship) → the shared pipeline → GitHub reports.

Nothing is decided here that a stage decides; this only orders the calls and writes the results where
GitHub looks. Any line printed that may carry repository text goes out with workflow commands stopped.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
import uuid
from dataclasses import replace
from pathlib import Path

from gate import git
from gate.action import ai, prmode
from gate.action.inputs import ActionInputs, Runner, read_inputs, read_runner
from gate.errors import GateError, UsageError
from gate.report import github
from gate.report.interface import Report
from gate.verify.interface import VerifyConfig


def _inside(workspace: str, given: str, what: str) -> str:
    path = os.path.realpath(os.path.join(workspace, given))
    if path != workspace and not path.startswith(workspace + os.sep):
        raise UsageError(f"input `{what}`: {given} is outside the workspace {workspace}")
    return path


def print_inert(text: str) -> None:
    """Print text that may contain `::command::` lines from the repository without the runner obeying them."""
    token = uuid.uuid4().hex
    sys.stdout.write(f"::stop-commands::{token}\n{text.rstrip()}\n::{token}::\n")
    sys.stdout.flush()


def _write_file(workspace: str, given: str | None, text: str, what: str) -> None:
    if given:
        target = Path(given if os.path.isabs(given) else os.path.join(workspace, given))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            _owned_like(workspace, target)
        except OSError as exc:
            raise UsageError(f"input `{what}`: cannot write {given}: {exc.strerror or exc}") from exc


def _owned_like(workspace: str, target: Path) -> None:
    """The container runs as root; files it writes into the runner's workspace get the workspace owner's uid/gid,
    so later steps (and the runner's cleanup) can change or remove them."""
    if os.geteuid() != 0:
        return
    owner = os.stat(workspace)
    for path in (target, *target.parents):
        if str(path) == workspace or not str(path).startswith(workspace.rstrip("/") + "/"):
            break
        if path.stat().st_uid != owner.st_uid or path.stat().st_gid != owner.st_gid:
            os.chown(path, owner.st_uid, owner.st_gid)


def scan(inputs: ActionInputs, runner: Runner) -> tuple[Report, github.GitHubContext]:
    from gate.pipeline import ScanOptions, run_scan
    from gate.policy.load import load_policy

    workspace = runner.workspace
    scan_root = _inside(workspace, inputs.path, "path")
    if not os.path.isdir(scan_root):
        raise UsageError(f"input `path`: {inputs.path} is not a directory in the workspace")
    git.mark_safe_directory(git.enclosing_checkout(scan_root, workspace))
    try:
        repo = git.repo_root(scan_root)
    except git.GitError:
        repo = None  # a full scan works without git; pull-request mode says it needs it below
    if repo is None and (inputs.mode == "diff" or inputs.base_ref or runner.event_name in prmode.PULL_REQUEST_EVENTS):
        raise UsageError(f"{workspace} is not a git checkout; pull-request mode needs one (use actions/checkout "
                         "with fetch-depth: 0)")
    prefix = os.path.relpath(scan_root, repo).replace(os.sep, "/") if repo else ""
    prefix = "" if prefix == "." else prefix
    checkout = repo or workspace  # where git runs; pull-request mode (a `pr` below) has a repo
    policy_input = os.path.relpath(_inside(workspace, inputs.policy, "policy"), checkout) if inputs.policy else None
    inputs = replace(inputs, policy=policy_input.replace(os.sep, "/") if policy_input else None)

    pr = prmode.pull_request(inputs, runner.event_name, runner.event, repo) if repo else None
    fail_on = inputs.fail_on or "error"
    with tempfile.TemporaryDirectory(prefix="model-gate-base-") as base_tree:
        base_export = None
        if pr is not None:
            base_export = prmode.export_base(pr, base_tree, checkout, prmode.policy_candidates(inputs, prefix),
                                             prefix)
        if pr is not None and inputs.policy_source == "base":
            choice = prmode.base_policy(inputs, pr, base_tree, prefix)
        else:
            choice = prmode.head_policy(inputs, checkout, prefix)
        ai_reason, ai_profile, notes = None, False, []
        if pr is not None:
            policy = load_policy(choice.path, scan_root, label=choice.label)
            ai_reason = ai.ai_authorship(pr.author, git.commits(pr.base, pr.head, checkout), policy.ai_agents)
            ai_profile = bool(policy.profiles.get(ai.PROFILE))
            if ai_reason and not ai_profile:
                notes.append(ai.NO_PROFILE_NOTE)
        # The tokens go to verification in its config, never into the environment where later steps could read them.
        config = VerifyConfig.from_environment(os.environ, hub_endpoint=inputs.hub_endpoint,
                                               hub_token=inputs.hf_token, github_token=inputs.github_token,
                                               registry_token=inputs.mlflow_tracking_token,
                                               lfs_token=inputs.github_token)
        options = ScanOptions(
            root=scan_root, policy_path=choice.path, policy_label=choice.label, fail_on=fail_on,
            verify=inputs.verify, hub_endpoint=inputs.hub_endpoint, profile=ai.PROFILE if ai_reason else None,
            fetch_lfs=inputs.fetch_lfs,
            scan_cache=True,  # under ~/.cache/model-gate, like the Hub answers: `actions/cache` carries both
            verify_config=config,
        )
        if pr is not None:
            # Only the changed files: what the pull request did not touch has no new finding, unless
            # `fail-on-existing` makes pre-existing findings block too.
            options = replace(options, under_review=prmode.changed_under_root(pr, prefix, scan_root),
                              paths=None if inputs.fail_on_existing else ())
        report = run_scan(options)
        if pr is not None:
            report = prmode.judge_against_base(report, options, pr, os.path.join(base_tree, prefix), prefix,
                                               inputs.fail_on_existing, base_export)
            report = prmode.with_unreadable_submodules(report, pr, prefix, fail_on)

        policy_diff = prmode.policy_diff(pr, prmode.policy_candidates(inputs, prefix), checkout, inputs, prefix,
                                         base_tree) if pr else None

    sha = git.head_sha(repo) if repo else None
    context = github.GitHubContext(
        fail_on=fail_on,
        fail_on_existing=inputs.fail_on_existing,
        mode="diff" if pr else "full",
        base_sha=pr.base if pr else None,
        head_sha=pr.head if pr else None,
        changed_files=len(pr.changed) if pr else None,
        blob_url=(f"{runner.server_url.rstrip('/')}/{runner.repository}/blob/{sha}"
                  if runner.server_url and runner.repository and sha else None),
        path_prefix=prefix,
        policy_note=choice.note,
        policy_diff=policy_diff,
        policy_source=inputs.policy_source,
        ai_authored=ai_reason,
        ai_profile=ai_profile,
        notes=tuple(notes),
    )
    return report, context


def publish(report: Report, context: github.GitHubContext, inputs: ActionInputs, runner: Runner) -> None:
    from gate.report.json_report import render_json
    from gate.report.sarif import render_sarif
    from gate.report.text import render_text

    _write_file(runner.workspace, inputs.json_file, render_json(report), "json-file")
    _write_file(runner.workspace, inputs.sarif_file, render_sarif(report, context.path_prefix), "sarif-file")
    print_inert(render_text(report))
    annotations = github.build_annotations(report, context)
    if inputs.annotations:
        for command in annotations.commands:
            print(command)
    if inputs.summary and runner.summary_file:
        omitted = annotations.omitted if inputs.annotations else 0
        github.append_summary(runner.summary_file, github.render_summary(report, context, omitted))
    if runner.output_file:
        counts = report.counts()  # the same numbers the log, the summary and the annotations show
        github.write_outputs(runner.output_file, {
            "errors": str(counts["error"]),
            "warnings": str(counts["warning"]),
            "references": str(len(report.references)),
            "verdict": report.verdict,
            "json-file": inputs.json_file or "",
            "sarif-file": inputs.sarif_file or "",
        })


def main(env: dict | None = None) -> int:
    from gate.commands import exit_code_for

    env = dict(os.environ if env is None else env)
    try:
        inputs = read_inputs(env)
        for secret in (inputs.hf_token, inputs.github_token, inputs.mlflow_tracking_token):
            if secret:
                print(github.mask_command(secret))
        runner = read_runner(env)
        report, context = scan(inputs, runner)
        publish(report, context, inputs, runner)
        return exit_code_for(report)
    except GateError as exc:
        _report_failure(env, str(exc))
        return exc.exit_code
    # A bug must still fail the check, with a message that cannot inject commands.
    except Exception as exc:  # noqa: BLE001
        print_inert(traceback.format_exc())
        _report_failure(env, f"internal error: {type(exc).__name__}: {exc} (please report this)")
        return 2


def _report_failure(env: dict, message: str) -> None:
    """The error as an annotation, in the summary and as `verdict: error`, also when an input was bad."""
    print(github.workflow_command("error", message, title="model-gate could not run"))
    summary_file, output_file = env.get("GITHUB_STEP_SUMMARY"), env.get("GITHUB_OUTPUT")
    try:
        if summary_file:
            github.append_summary(summary_file, github.render_error_summary(message))
        if output_file:
            github.write_outputs(output_file, {"verdict": "error"})
    except OSError as exc:  # the annotation above already says what went wrong
        print(github.workflow_command("warning", f"cannot write the step summary or outputs: {exc}"))

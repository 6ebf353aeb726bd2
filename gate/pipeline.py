"""The straight pipeline shared by the CLI and the action: files → references → findings → report.

Each stage is called once, in order; nothing reaches back into an earlier stage.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from gate import __version__
from gate.policy.interface import SEVERITY_ORDER, Finding
from gate.report.interface import Report


@dataclass(frozen=True)
class ScanOptions:
    root: str
    policy_path: str | None = None
    """Explicit policy file; None means look in the repository, then the built-in default."""
    policy_text: str | None = None
    """Policy content given directly (the action reads it from the base commit); wins over policy_path."""
    policy_label: str | None = None
    """How to name policy_text in messages (e.g. `base:.github/model-policy.yml`)."""
    paths: tuple[str, ...] | None = None
    excludes: tuple[str, ...] = ()
    under_review: tuple[str, ...] = ()
    """Files a pull request changes: scanned even where a default exclude (build/, node_modules/, ...) would
    skip them, since the PR commits them as this repository's code."""
    jobs: int | None = None
    fail_on: str = "error"
    today: _dt.date = field(default_factory=_dt.date.today)
    verify: str | None = None
    """None: as the policy says; `none`, `hub` or `full` overrides it."""
    hub_endpoint: str | None = None
    cache_dir: str | None = None
    scan_cache: bool = False
    tree: object | None = None
    """`root` holds only part of a tree: see `gate.discover.engine.discover(tree=...)` (pull-request mode's base)."""
    """Reuse per-file discovery results kept under `cache_dir` (default ~/.cache/model-gate) when the file and
    what its scan depended on are unchanged (`gate.discover.scan_cache`). The CLI and the action turn it on."""
    verify_failure: str | None = None
    """`error` (fail closed, exit 3) or `warn` (explicit opt-out); None: as the policy says, else `error`."""
    sigstore_trust_config: str | None = None
    fetch_lfs: bool | None = None
    """Fetch committed Git LFS pointers' content from the repository's LFS server (only when verifying);
    None: as the policy's `defaults.fetch_lfs` says, else off."""
    lfs_token: str | None = field(default=None, repr=False)
    """The token the LFS server gets as basic auth `x-access-token:<token>` (CLI: MODEL_GATE_LFS_TOKEN; action:
    `github-token`); never shown."""
    profile: str | None = None
    """Policy profile to apply on top of the policy (e.g. `ai_authored`)."""


def fails(findings, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = SEVERITY_ORDER[fail_on]
    return any(
        f.waived_by is None and not f.pre_existing and SEVERITY_ORDER[f.severity] >= threshold for f in findings
    )


def run_scan(options: ScanOptions) -> Report:
    from gate.discover.engine import discover
    from gate.policy.evaluate import evaluate
    from gate.policy.load import load_policy

    policy = load_policy(
        options.policy_path, options.root, text=options.policy_text, label=options.policy_label,
        today=options.today,
    )
    if options.profile:
        policy = policy.with_profile(options.profile)
    scan_cache_dir = None
    if options.scan_cache:
        from gate.verify.cache import DEFAULT_CACHE_DIR

        scan_cache_dir = options.cache_dir or DEFAULT_CACHE_DIR
    discovery = discover(options.root, paths=options.paths, excludes=options.excludes, jobs=options.jobs,
                         under_review=options.under_review, cache_dir=scan_cache_dir, tree=options.tree)
    verify_mode = options.verify or policy.verify_mode
    verifying = bool(verify_mode and verify_mode != "none")
    lfs = _lfs_content(policy, discovery, options, verifying)  # pointers become their content, before judging
    # When the Hub is asked, a medium-confidence id it confirms becomes high: `defaults.medium_confidence` is
    # applied after verification, to what is still medium then.
    findings: list[Finding] = list(evaluate(policy, lfs.references, options.today,
                                            judge_confidence=not verifying)) + list(lfs.findings)
    references = lfs.references
    warnings = lfs.warnings
    extra: dict = {"policy": policy.source, "waivers": [w.to_json() for w in policy.exceptions]}

    if verifying:
        from gate.policy.evaluate import apply_medium_confidence
        from gate.verify.run import verify_references

        outcome = verify_references(policy, references, findings, options, mode=verify_mode)
        references = outcome.references
        findings = apply_medium_confidence(policy, outcome.findings, references)
        extra["verification"] = outcome.stats
    else:
        from gate.discover.interface import ScanWarning
        from gate.policy.evaluate import requirements_left_to_verification

        warnings += tuple(ScanWarning(policy.source, message)
                          for message in requirements_left_to_verification(policy, references))

    # Content checks (issue 6, gate/verify/content.py): committed pickles and model signatures on every scan
    # (offline); Hub signatures and pickles only with `verify: full`.
    from gate.verify.content import check_content

    content = check_content(policy, references, options, verify_mode, prior_findings=findings, fetched=lfs.files)
    lfs.close()
    references, findings = content.references, findings + list(content.findings)
    warnings += tuple(content.warnings)
    if content.signatures or content.pickles_scanned:
        extra["content"] = content.stats()

    if any(r.role == "publish" for r in references):  # what the repository produces (issue 18 §3)
        from gate.provenance import publish_inputs, source_of

        extra["produces"] = publish_inputs(options.root, references)
        extra["source"] = source_of(options.root)

    return Report(
        tool_version=__version__,
        root=options.root,
        references=tuple(references),
        findings=tuple(findings),
        warnings=warnings,
        files_scanned=discovery.files_scanned,
        verdict="fail" if fails(findings, options.fail_on) else "pass",
        extra=extra,
    )


def _lfs_content(policy, discovery, options: ScanOptions, verifying: bool):
    """Committed Git LFS pointers replaced by their fetched content when fetching is on (`--fetch-lfs`,
    `defaults.fetch_lfs`) and the run verifies; otherwise the pointers as discovered (judged by their names)."""
    from gate.verify.lfs import LfsContent, fetch_lfs_content, requested_without_verify

    wanted = options.fetch_lfs if options.fetch_lfs is not None else bool(policy.defaults.get("fetch_lfs"))
    if not wanted:
        return LfsContent(tuple(discovery.references), tuple(discovery.warnings))
    if not verifying:
        return LfsContent(tuple(discovery.references),
                          tuple(discovery.warnings) + requested_without_verify(discovery.references))
    from gate.verify.run import settings_from

    on_failure = options.verify_failure or policy.defaults.get("verify_failure") or "error"
    return fetch_lfs_content(discovery.references, discovery.warnings, options.root, token=options.lfs_token,
                             on_failure=on_failure, settings=settings_from(options))

"""The straight pipeline shared by the CLI and the action: files → references → evidence → findings → report.

Each stage is called once, in order; nothing reaches back into an earlier stage. Discovery reads files, verify
gathers evidence (I/O only, configured by a `VerifyConfig` built at the edge), the judge (gate/policy/judge.py)
is the only place rules run, and the report only renders.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gate import __version__
from gate.policy.interface import SEVERITY_ORDER, Finding
from gate.report.interface import Report

if TYPE_CHECKING:
    from gate.discover.engine import PartialTree


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
    tree: PartialTree | None = None
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
    verify_config: Any = None
    """`gate.verify.interface.VerifyConfig` built by the caller (the action hands its tokens in it); None: built
    here from the flags above and the process environment."""


def blocks(finding: Finding, fail_on: str, fail_on_existing: bool = False) -> bool:
    """Whether a finding makes the verdict fail: unwaived, at or above `fail_on`, and new (a pre-existing one only
    with `fail-on-existing`). The one definition the verdict, the annotations and the summary share."""
    if fail_on == "never" or finding.waived_by is not None:
        return False
    if finding.pre_existing and not fail_on_existing:
        return False
    return SEVERITY_ORDER[finding.severity] >= SEVERITY_ORDER[fail_on]


def fails(findings: Iterable[Finding], fail_on: str, fail_on_existing: bool = False) -> bool:
    return any(blocks(f, fail_on, fail_on_existing) for f in findings)


def verify_config(options: ScanOptions) -> Any:
    """The caller's `VerifyConfig`, else one from the options' flags and the process environment."""
    from gate.verify.interface import VerifyConfig

    config: VerifyConfig
    if options.verify_config is not None:
        config = options.verify_config
    else:
        config = VerifyConfig.from_environment(os.environ, hub_endpoint=options.hub_endpoint,
                                               cache_dir=options.cache_dir, jobs=options.jobs,
                                               sigstore_trust_config=options.sigstore_trust_config)
    if options.lfs_token and not config.lfs_token:
        from dataclasses import replace

        config = replace(config, lfs_token=options.lfs_token)
    return config


def gather_evidence(policy: Any, references: Any, config: Any) -> Any:
    """Verify: ask the Hub and GitHub what the policy needs to know (planned by the judge's `plan_hub`), then the
    MLflow registries (`plan_registries`)."""
    from gate.policy.judge import Evidence, plan_hub
    from gate.verify.run import gather_hub

    plan = plan_hub(policy, references)
    hub = gather_hub(plan.queries, config, lineage_depth=plan.lineage_depth)
    registry_plan = registry = None
    if any(r.source == "mlflow" for r in references):  # MLflow registries (gate/verify/mlflow_run.py)
        from gate.policy.judge import plan_registries
        from gate.verify.mlflow_run import gather_registries

        registry_plan = plan_registries(policy, references, config.registry_uri)
        registry = gather_registries(registry_plan.queries, config, scan_pickles=registry_plan.scan_pickles)
    return Evidence(hub=hub, registry_plan=registry_plan, registry=registry)


def verification_stats(mode: str, evidence: Any, on_failure: str | None) -> dict:
    """The report's `verification`: what was asked, how it went, and what a failure does."""
    hub_stats = dict(evidence.hub.stats)
    head = ("endpoint", "queries", "cache_hits", "fetched", "failed", "jobs", "seconds")
    stats = {"mode": mode, **{key: hub_stats.pop(key) for key in head}, "on_failure": on_failure or "error"}
    stats.update({key: hub_stats.pop(key) for key in ("canonical_ids", "lineage") if key in hub_stats})
    if evidence.registry is not None:
        stats["mlflow"] = evidence.registry.stats
    stats.update(hub_stats)
    return stats


def content_warnings(references: Any, content: Any) -> list:
    """Warnings the content scanners raised (e.g. text a library printed), on the file they were scanning."""
    from gate.discover.interface import ScanWarning

    return [ScanWarning(references[scan.index].path, text) for scan in content.artifacts for text in scan.warnings]


@dataclass(frozen=True)
class Scan:
    """A run's report and the evidence it was judged on (`model-gate pin --lock-files` reads the files' hashes
    from the answers instead of asking again)."""

    report: Report
    evidence: Any


def run_scan(options: ScanOptions) -> Report:
    return scan(options).report


def scan(options: ScanOptions) -> Scan:
    """The pipeline: discover → gather evidence → judge → the report (what `scan`, the action, `pin` and `init`
    run)."""
    from gate.discover.engine import discover
    from gate.policy.judge import judge
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
    extra: dict = {"policy": policy.source, "waivers": [w.to_json() for w in policy.exceptions]}

    from dataclasses import replace

    from gate.policy.judge import Evidence, plan_content
    from gate.verify.content import gather_content

    if verifying:
        config = verify_config(options)
    else:
        from gate.verify.interface import VerifyConfig

        # Content checks of committed files need no endpoint or token: nothing from the environment.
        config = VerifyConfig(sigstore_trust_config=options.sigstore_trust_config)
    lfs = _lfs_content(policy, discovery, options, verifying, config)  # pointers become their content, first
    references = lfs.references
    warnings = lfs.warnings
    try:
        evidence = gather_evidence(policy, references, config) if verifying else Evidence()
        # Content checks (issue 6): committed pickles and model signatures on every scan (offline); Hub
        # signatures and pickles only with `verify: full`. A fetched LFS pointer is scanned as its content.
        content_plan = plan_content(policy, references, verify_mode, evidence.hub)
        content = gather_content(options.root, references, content_plan, config, fetched=lfs.files)
    finally:
        lfs.close()
    evidence = replace(evidence, content_plan=content_plan, content=content, lfs=lfs.failures)
    judgement = judge(policy, references, evidence, options.today, verify_failure=options.verify_failure)
    references = judgement.references
    findings = [f.with_(message=config.redact(f.message), remediation=config.redact(f.remediation))
                for f in judgement.findings]
    if verifying:
        extra["verification"] = verification_stats(verify_mode or "hub", evidence,
                                                   options.verify_failure or policy.defaults.verify_failure)
    else:
        from gate.discover.interface import ScanWarning
        from gate.policy.evaluate import requirements_left_to_verification

        warnings += tuple(ScanWarning(policy.source, message)
                          for message in requirements_left_to_verification(policy, references))
    warnings += tuple(content_warnings(references, content))
    if content.signatures or content.pickles_scanned:
        extra["content"] = content.stats()

    if any(r.role == "publish" for r in references):  # what the repository produces (issue 18 §3)
        from gate.provenance import publish_inputs, source_of

        extra["produces"] = publish_inputs(options.root, references)
        extra["source"] = source_of(options.root)

    return Scan(Report(
        tool_version=__version__,
        root=options.root,
        references=tuple(references),
        findings=tuple(findings),
        warnings=warnings,
        files_scanned=discovery.files_scanned,
        verdict="fail" if fails(findings, options.fail_on) else "pass",
        extra=extra,
    ), evidence)


def _lfs_content(policy: Any, discovery: Any, options: ScanOptions, verifying: bool, config: Any) -> Any:
    """Committed Git LFS pointers replaced by their fetched content when fetching is on (`--fetch-lfs`,
    `defaults.fetch_lfs`) and the run verifies; otherwise the pointers as discovered (judged by their names)."""
    from gate.verify.lfs import LfsContent, fetch_lfs_content, requested_without_verify

    wanted = options.fetch_lfs if options.fetch_lfs is not None else policy.defaults.fetch_lfs
    if not wanted:
        return LfsContent(tuple(discovery.references), tuple(discovery.warnings))
    if not verifying:
        return LfsContent(tuple(discovery.references),
                          tuple(discovery.warnings) + requested_without_verify(discovery.references))
    return fetch_lfs_content(discovery.references, discovery.warnings, options.root, token=config.lfs_token,
                             settings=config.settings)

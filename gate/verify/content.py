"""Content checks of the verify stage: model signatures and static pickle scans.

`check_local_artifacts` looks only at files committed to the scanned repository (no network), so it can
run on every scan. `check_hub_content` downloads files at a pinned Hub revision into a temporary real
directory (never the symlinked HF cache) and runs the same checks there; it belongs to `verify: full`.
`check_content` runs both as the mode asks.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from gate.discover.hubids import is_pinned
from gate.discover.interface import ScanWarning
from gate.policy.globs import is_glob, match_path
from gate.policy.interface import Finding
from gate.verify.content_interface import ContentOutcome, SignatureCheck, SignatureSpec
from gate.verify.model_code import scan_model_code
from gate.verify.pickles import may_hold_pickles, pickle_findings, scan_artifact, scan_file, thresholds
from gate.verify.signatures import (
    HUB_DOWNLOAD_METADATA,
    signature_spec,
    trust_config_file,
    verify_model_directory,
)

# Hub answers that already say the content cannot be downloaded; a second finding would only repeat them.
_UNREACHABLE_RULES = frozenset({"verification-failed", "repo-not-found", "revision-not-found", "repo-disabled"})


def check_content(policy, references, options, mode: str | None, prior_findings=()) -> ContentOutcome:
    """Committed artifacts always (offline); Hub content too when `mode` is `full`.

    `prior_findings` are the run's findings so far: Hub references that already failed verification are not
    downloaded again. The returned findings have the policy's severity overrides and waivers applied.
    """
    local = check_local_artifacts(policy, references, options)
    outcome = local
    if mode == "full":
        failed = {f.reference for f in prior_findings if f.rule in _UNREACHABLE_RULES and f.reference is not None}
        hub = check_hub_content(policy, local.references, options, skip=failed)
        outcome = ContentOutcome(
            references=hub.references,
            findings=local.findings + hub.findings,
            signatures=local.signatures + hub.signatures,
            pickles_scanned=local.pickles_scanned + hub.pickles_scanned,
            warnings=local.warnings,
        )
    else:
        outcome = replace(outcome, findings=outcome.findings + tuple(_unchecked_hub_signatures(policy, references)))
    from gate.policy.evaluate import apply_overrides_and_waivers

    findings = apply_overrides_and_waivers(policy, outcome.findings, outcome.references,
                                           getattr(options, "today", None))
    return replace(outcome, findings=tuple(findings))


def _unchecked_hub_signatures(policy, references) -> list[Finding]:
    """Never pass silently: a Hub signature the policy requires but this mode does not check is a note."""
    from gate.policy.rules import rule_module

    rule = rule_module("signature-missing").RULE
    notes, seen = [], set()
    for index, reference in enumerate(references):
        key = (reference.kind, reference.id, reference.revision)
        if reference.kind not in ("model", "dataset") or reference.source != "huggingface" or not reference.id \
                or reference.role == "publish" or key in seen or not policy.signature_for(policy.entry_for(reference)):
            continue
        seen.add(key)
        label = f"{reference.id}@{reference.revision}" if reference.revision else reference.id
        notes.append(rule.finding(
            message=f"The policy requires a signature for {label}, but it was not checked: Hub signatures are "
                    "downloaded and verified only with `verify: full`.",
            remediation="Run with `--verify full` (or set `defaults.verify: full`) to verify it.",
            path=reference.path, line=reference.line, reference=index, severity="note",
            details={"checked": False}))
    return notes


# --- committed files ---------------------------------------------------------------------------------


def check_local_artifacts(policy, references, options) -> ContentOutcome:
    """Scan every committed pickle-based artifact; verify every committed model directory that must be signed."""
    root = Path(options.root)
    references = list(references)
    findings: list[Finding] = []
    malicious_at, suspicious_at = thresholds(policy.defaults)
    scanned = 0
    warnings: list = []
    for index, reference in enumerate(references):
        if reference.kind != "artifact" or reference.format in _NOTHING_TO_OPEN:
            continue
        if may_hold_pickles(reference.path, reference.format):
            scanned += 1
            scan = scan_artifact(root / reference.path, display=reference.path)
            findings += pickle_findings(scan.pickles, malicious_at=malicious_at, suspicious_at=suspicious_at,
                                        path=reference.path, line=reference.line, reference=index)
            code = list(scan.code)
            warnings += [ScanWarning(reference.path, text) for text in scan.warnings]
        else:
            code = []
        code += scan_model_code(str(root / reference.path), reference.path, reference.format)
        findings += model_code_findings(code, path=reference.path, line=reference.line, reference=index)

    checks: list[SignatureCheck] = []
    required = _signed_directories(policy, references, root)
    if required:
        with trust_config_file(options.sigstore_trust_config) as trust:
            for directory, spec in required.items():
                check = verify_model_directory(root / directory, spec, display_path=directory, trust_config=trust)
                checks.append(check)
                members = [i for i, r in enumerate(references) if r.kind == "artifact" and _inside(r.path, directory)]
                for i in members:
                    references[i] = replace(references[i], signature=check.to_json())
                findings += signature_findings(check, spec, reference=members[0] if members else None)
    return ContentOutcome(tuple(references), tuple(findings), tuple(checks), scanned, tuple(warnings))


# Formats whose bytes cannot hold code: nothing to open (a Git LFS pointer is judged by its suffix in the policy).
_NOTHING_TO_OPEN = frozenset({"safetensors", "numpy", "empty", "git-lfs-pointer"})


def model_code_findings(code, *, path: str | None, line: int | None, reference: int | None) -> list[Finding]:
    """One unsafe-model-code finding per file, naming every piece of code and where it is."""
    if not code:
        return []
    from gate.policy.rules import rule_module

    rule = rule_module("unsafe-model-code").RULE
    severity = "error" if any(c.severity == "error" for c in code) else "warning"
    shown = "; ".join(c.detail for c in code[:5]) + (f"; and {len(code) - 5} more" if len(code) > 5 else "")
    return [rule.finding(
        message=shown,
        remediation=(f"Do not load {code[0].path} until the code it carries is reviewed: {rule.fix}"),
        path=path, line=line, reference=reference, severity=severity,
        details={"code": [{"kind": c.kind, "where": c.member, "detail": c.detail, "severity": c.severity}
                          for c in code]})]


def _signed_directories(policy, references, root: Path) -> dict[str, SignatureSpec]:
    """Repository-relative model directory -> the signature it must carry.

    An `artifacts` entry's `path` names the model directory, or a glob (directories it matches, or the
    directories of the committed files it matches). With `defaults.signature`, every directory holding a
    committed model file must be signed too.
    """
    artifact_paths = [r.path for r in references if r.kind == "artifact"]
    directories = sorted({str(PurePosixPath(p).parent) for p in artifact_paths}
                         | {str(parent) for p in artifact_paths for parent in PurePosixPath(p).parents})
    required: dict[str, SignatureSpec] = {}
    for number, entry in enumerate(policy.artifacts):
        raw = policy.signature_for(entry)
        if not raw:
            continue
        spec = signature_spec(raw, policy.base_dir, where=f"artifacts[{number}].signature")
        pattern = str(entry.path).strip("/")
        if not is_glob(pattern):
            target = root / pattern
            required.setdefault(pattern if not target.is_file() else str(PurePosixPath(pattern).parent), spec)
            continue
        for directory in directories:
            if directory != "." and match_path(pattern, directory):
                required.setdefault(directory, spec)
        for path in artifact_paths:
            if match_path(pattern, path):
                required.setdefault(str(PurePosixPath(path).parent), spec)
    default = policy.defaults.signature
    if default:
        spec = signature_spec(default, policy.base_dir, where="defaults.signature")
        for reference in references:
            if reference.kind == "artifact" and not any(_inside(reference.path, d) for d in required):
                required.setdefault(str(PurePosixPath(reference.path).parent), spec)
    return required


def _inside(path: str, directory: str) -> bool:
    return directory in ("", ".") or path.startswith(directory.rstrip("/") + "/")


def signature_findings(check: SignatureCheck, spec: SignatureSpec, *, reference: int | None,
                       line: int | None = None, path: str | None = None) -> list[Finding]:
    """signature-missing / signature-invalid for one checked model; nothing when it verified."""
    from gate.policy.rules import rule_module

    where = path or check.signature_path
    details = check.to_json() | {"expected": spec.describe()}
    if check.status == "missing":
        rule = rule_module("signature-missing").RULE
        return [rule.finding(
            message=f"{check.model_path} must be signed by {spec.describe()}, but {check.reason}.",
            remediation=(f"Sign the model and put the signature at {check.signature_path}, e.g. "
                         f"`{_sign_command(spec, check.model_path)}`; or set `signature_file` if it lives elsewhere."),
            path=where, line=line, reference=reference, details=details)]
    if check.status == "invalid":
        rule = rule_module("signature-invalid").RULE
        return [rule.finding(
            message=f"The signature of {check.model_path} does not verify against {spec.describe()}: {check.reason}.",
            remediation=("Do not use this model. Restore the exact signed files or obtain a signature from the "
                         "expected signer; change `signature:` in the policy only if the signer legitimately changed."),
            path=where, line=line, reference=reference, details=details)]
    return []


def _sign_command(spec: SignatureSpec, model: str) -> str:
    if spec.method == "sigstore":
        return f"model_signing sign sigstore {model} --signature {model}/{spec.signature_file}"
    if spec.method == "public_key":
        return f"model_signing sign key {model} --private_key KEY --signature {model}/{spec.signature_file}"
    return (f"model_signing sign certificate {model} --private_key KEY --signing_certificate CERT "
            f"--certificate_chain CHAIN --signature {model}/{spec.signature_file}")


# --- Hub content -------------------------------------------------------------------------------------


def check_hub_content(policy, references, options, skip=frozenset()) -> ContentOutcome:
    """Signatures and (with `scan_hub_pickles`) pickles of Hub references, at their pinned revision.

    `skip`: reference indexes not to download (their verification already failed)."""
    references = list(references)
    findings: list[Finding] = []
    checks: list[SignatureCheck] = []
    scanned = 0
    scan_pickles = policy.defaults.scan_hub_pickles
    malicious_at, suspicious_at = thresholds(policy.defaults)
    groups: dict[tuple, list[int]] = {}
    for index, reference in enumerate(references):
        if index in skip or reference.dynamic or reference.role == "publish" or reference.confidence == "medium":
            # A publish target is written by this code, not loaded; a reference still medium after verification
            # is one the Hub did not confirm: there is nothing there to check.
            continue
        if reference.kind in ("model", "dataset") and reference.source == "huggingface" and reference.id:
            groups.setdefault((reference.kind, reference.id, reference.revision), []).append(index)

    with contextlib.ExitStack() as stack:
        trust = None
        for (kind, repo_id, revision), indices in groups.items():
            first = references[indices[0]]
            raw = policy.signature_for(policy.entry_for(first))
            if not raw and not scan_pickles:
                continue
            label = f"{repo_id}@{revision}" if revision else repo_id
            spec = signature_spec(raw, policy.base_dir, where=f"signature for {repo_id}") if raw else None
            if not is_pinned(revision):
                if spec is not None:
                    check = SignatureCheck("missing", label, f"{label}/{spec.signature_file}", spec.method,
                                           reason="the reference is not pinned to a commit, so there is no fixed "
                                                  "revision whose signature could be checked")
                    checks.append(check)
                    findings += signature_findings(check, spec, reference=indices[0], line=first.line, path=first.path)
                continue
            try:
                with tempfile.TemporaryDirectory(prefix="model-gate-hub-") as tmp:
                    model_dir = Path(tmp) / "model"
                    if spec is not None:
                        _download_snapshot(kind, repo_id, revision, model_dir, options)
                        if trust is None:
                            trust = stack.enter_context(trust_config_file(options.sigstore_trust_config))
                        check = verify_model_directory(model_dir, spec, display_path=label, trust_config=trust,
                                                       extra_ignore=(HUB_DOWNLOAD_METADATA,))
                        checks.append(check)
                        for i in indices:
                            references[i] = replace(references[i], signature=check.to_json())
                        findings += signature_findings(check, spec, reference=indices[0], line=first.line,
                                                       path=first.path)
                    else:
                        _download_pickle_files(kind, repo_id, revision, model_dir, options)
                    if scan_pickles:
                        for file in sorted(model_dir.rglob("*")):
                            relative = file.relative_to(model_dir).as_posix()
                            if relative.startswith(HUB_DOWNLOAD_METADATA + "/") or not file.is_file():
                                continue
                            if not may_hold_pickles(relative):
                                continue
                            scanned += 1
                            scans = scan_file(file, display=f"{label}/{relative}")
                            findings += pickle_findings(scans, malicious_at=malicious_at, suspicious_at=suspicious_at,
                                                        path=first.path, line=first.line, reference=indices[0])
            except Exception as exc:  # noqa: BLE001 - any download failure fails closed, with the reason
                findings.append(_download_failed(policy, label, exc, options, indices[0], first))
    return ContentOutcome(tuple(references), tuple(findings), tuple(checks), scanned)


def _endpoint(options) -> str | None:
    return options.hub_endpoint or os.environ.get("HF_ENDPOINT") or None


def _quiet_downloads() -> None:
    """No download progress bars: on stderr they would bury the findings in CI logs."""
    from huggingface_hub.utils import disable_progress_bars

    disable_progress_bars()


def _download_snapshot(kind: str, repo_id: str, revision: str, target: Path, options) -> None:
    from huggingface_hub import snapshot_download

    _quiet_downloads()
    snapshot_download(repo_id, repo_type=kind, revision=revision, local_dir=target, endpoint=_endpoint(options))


def _download_pickle_files(kind: str, repo_id: str, revision: str, target: Path, options) -> None:
    from huggingface_hub import HfApi

    _quiet_downloads()
    api = HfApi(endpoint=_endpoint(options))
    names = [n for n in api.list_repo_files(repo_id, repo_type=kind, revision=revision) if may_hold_pickles(n)]
    if names:
        from huggingface_hub import snapshot_download

        snapshot_download(repo_id, repo_type=kind, revision=revision, local_dir=target, endpoint=_endpoint(options),
                          allow_patterns=names)
    else:
        target.mkdir(parents=True, exist_ok=True)


def _download_failed(policy, label: str, exc: Exception, options, reference: int, first) -> Finding:
    from gate.policy.rules.verification_failed import RULE

    failure_mode = getattr(options, "verify_failure", None) or policy.defaults.verify_failure or "error"
    reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return RULE.finding(
        message=f"Could not download {label} to check its signature or pickles: {reason}",
        remediation=("Check the Hub endpoint (--hub-endpoint / HF_ENDPOINT), the network and HF_TOKEN for gated or "
                     "private repositories, then run again; `--verify-failure warn` lets the scan pass unchecked "
                     "(an explicit opt-out)."),
        path=first.path, line=first.line, reference=reference,
        severity="warning" if failure_mode == "warn" else "error",
        details={"what": label, "stage": "content", "reason": reason},
    )

"""`verification-failed`: A reference could not be verified: the Hub or GitHub could not be asked (unreachable, errors, rate limits, deadline) or did not answer usefully"""

from typing import Any

from gate.policy.interface import Finding
from gate.policy.rules import Rule

RULE = Rule(
    id="verification-failed",
    default_severity="error",
    description="A reference could not be verified: the Hub or GitHub could not be asked (unreachable, errors, rate limits, deadline) or did not answer usefully.",
    why="A gate that passes when it cannot check anything gives false assurance, so it fails closed (exit 3) instead. One case is not a failure to check but a failed check: a Git LFS server (`--fetch-lfs`) that answers with other bytes than the committed pointer names (sha256 or size differ) is serving something nobody committed, tampering or corruption. That finding is an error whatever `--verify-failure` or `defaults.severity` say (a blanket opt-out for unreachable servers must not silence it), and only a waiver whose `paths` list that file exactly waives it (a waiver for the rule alone, by id or by a glob does not): accepting served bytes nobody committed is a decision about one file, made on purpose.",
    fix="Check network access to the endpoint and the token, then re-run. `--verify-failure warn` turns this into a warning (an explicit opt-out). For other bytes than an LFS pointer's: do not use that copy; check the LFS server and whatever proxies it.",
    stage="verify",
)


def for_failure(query: Any, indexes: list[int], references: Any, reason: str, where: str) -> Finding:
    """The finding for a Hub or GitHub query without an answer (`reason` already redacted); `where` is the
    endpoint that was asked."""
    first = references[indexes[0]]
    count = f" ({len(indexes)} references)" if len(indexes) > 1 else ""
    token = "GITHUB_TOKEN" if query.kind == "github" else "HF_TOKEN"
    return RULE.finding(
        message=f"could not verify {query.label()}{count}: {reason}",
        remediation=f"check that {where} is reachable and that {token} (if needed) is valid, then re-run; "
                    "`--verify-failure warn` lets the scan pass unverified (an explicit opt-out)",
        path=first.path, line=first.line, reference=indexes[0],
        details={"kind": query.kind, "id": query.id, "revision": query.revision, "reason": reason,
                 "references": list(indexes)})


def for_registry_failure(indexes: list[int], references: Any, reason: str, query: Any) -> Finding:
    """The finding for MLflow references that could not be verified (`query` None: no registry to ask)."""
    from gate.verify.mlflow import INSTALL_COMMAND, display_uri

    first = references[indexes[0]]
    label = query.label() if query else f"MLflow model '{first.id}'"
    count = f" ({len(indexes)} references)" if len(indexes) > 1 else ""
    install = INSTALL_COMMAND in reason
    return RULE.finding(
        message=f"could not verify {label}{count}: {reason}",
        remediation=(f"install the MLflow client ({INSTALL_COMMAND}) and re-run" if install else
                     f"check that {display_uri(query.registry) if query else 'the registry'} is reachable and that "
                     "MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME/PASSWORD) is valid, then re-run; "
                     "`--verify-failure warn` lets the scan pass unverified (an explicit opt-out)"),
        path=first.path, line=first.line, reference=indexes[0],
        details={"kind": "mlflow", "id": first.id, "revision": first.revision, "reason": reason,
                 "registry": display_uri(query.registry) if query else None, "references": list(indexes)})


def for_download_failure(label: str, reason: str, reference: int, first: Any) -> Finding:
    """The finding for a Hub revision whose files could not be downloaded to check a signature or pickles."""
    return RULE.finding(
        message=f"Could not download {label} to check its signature or pickles: {reason}",
        remediation=("Check the Hub endpoint (--hub-endpoint / HF_ENDPOINT), the network and HF_TOKEN for gated or "
                     "private repositories, then run again; `--verify-failure warn` lets the scan pass unchecked "
                     "(an explicit opt-out)."),
        path=first.path, line=first.line, reference=reference,
        details={"what": label, "stage": "content", "reason": reason},
    )


def for_lfs_failure(failure: Any, reference: Any) -> Finding:
    """The finding for a Git LFS pointer whose content could not be fetched (`gate.verify.lfs.LfsFailure`), at the
    rule's default severity: the judge applies the policy to it like to every other finding, except that bytes
    that are not the pointer's content stay an error (see `RULE.why`)."""
    from gate.verify.lfs import TOKEN_ENV

    pointer = failure.pointer
    what = f"the Git LFS content of {reference.path}"
    if pointer is not None:
        what += f" (oid sha256:{pointer.oid[:12]}…, {pointer.size} bytes)"
    where = f" from {failure.server}" if failure.server else ""
    if failure.integrity:
        remediation = ("Do not trust this copy: the LFS server's bytes are not the committed file. Check the LFS "
                       "server (and whatever proxies it); the pointer is judged by the format its name claims.")
    else:
        remediation = ("Check that the object was pushed (`git lfs push --all origin`), that the scan may read the "
                       f"repository's LFS ({TOKEN_ENV} for the CLI, the action's `github-token` input; GitHub accepts "
                       "the workflow token) and the network. Until then the pointer is judged by the format its name "
                       "claims; `--verify-failure warn` lets the scan pass unchecked (an explicit opt-out).")
    return RULE.finding(
        message=f"Could not fetch {what}{where}: {failure.reason}",
        remediation=remediation,
        path=reference.path, line=reference.line, reference=failure.index,
        details={"what": reference.path, "stage": "lfs", "reason": failure.reason, "server": failure.server,
                 "oid": pointer.oid if pointer else None, "size": pointer.size if pointer else None},
    )

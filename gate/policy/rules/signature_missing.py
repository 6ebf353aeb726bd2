"""signature-missing: the policy requires a model signature and there is none."""

from __future__ import annotations

from typing import Any

from gate.policy.interface import Finding
from gate.policy.rules import Rule

RULE = Rule(
    id="signature-missing",
    default_severity="error",
    stage="signature",
    description="A model the policy requires to be signed has no signature file (default `model.sig`).",
    why=(
        "A pin says which bytes you get, not who produced them. The policy asks for an OpenSSF model signature "
        "(Sigstore keyless, a public key or a certificate chain) so that a model swapped on the Hub or in the "
        "repository by someone else is caught. Without the signature file nothing vouches for the model."
    ),
    fix=(
        "Sign the model directory with `model_signing sign` (OpenSSF model-signing) and commit or upload the "
        "`model.sig` beside the files, or point `signature_file` at where the signature lives."
    ),
    bad_example=(
        "artifacts:\n  - path: models/classifier\n    signature:\n      public_key: keys/release.pub\n"
        "# models/classifier/ has no model.sig"
    ),
    good_example=(
        "model_signing sign key models/classifier --private_key release.key --signature models/classifier/model.sig"
    ),
)


def check_signature(check: Any, spec: Any, *, reference: int | None, line: int | None = None,
                    path: str | None = None) -> list[Finding]:
    """signature-missing / signature-invalid for one checked model; nothing when it verified."""
    from gate.policy.rules.signature_invalid import RULE as INVALID

    where = path or check.signature_path
    details = check.to_json() | {"expected": spec.describe()}
    if check.status == "missing":
        return [RULE.finding(
            message=f"{check.model_path} must be signed by {spec.describe()}, but {check.reason}.",
            remediation=(f"Sign the model and put the signature at {check.signature_path}, e.g. "
                         f"`{_sign_command(spec, check.model_path)}`; or set `signature_file` if it lives elsewhere."),
            path=where, line=line, reference=reference, details=details)]
    if check.status == "invalid":
        return [INVALID.finding(
            message=f"The signature of {check.model_path} does not verify against {spec.describe()}: {check.reason}.",
            remediation=("Do not use this model. Restore the exact signed files or obtain a signature from the "
                         "expected signer; change `signature:` in the policy only if the signer legitimately changed."),
            path=where, line=line, reference=reference, details=details)]
    return []


def _sign_command(spec: Any, model: str) -> str:
    if spec.method == "sigstore":
        return f"model_signing sign sigstore {model} --signature {model}/{spec.signature_file}"
    if spec.method == "public_key":
        return f"model_signing sign key {model} --private_key KEY --signature {model}/{spec.signature_file}"
    return (f"model_signing sign certificate {model} --private_key KEY --signing_certificate CERT "
            f"--certificate_chain CHAIN --signature {model}/{spec.signature_file}")


def unchecked_hub_signatures(policy: Any, references: Any) -> list[Finding]:
    """Never pass silently: a Hub signature the policy requires but this mode does not check is a note."""
    notes, seen = [], set()
    for index, reference in enumerate(references):
        key = (reference.kind, reference.id, reference.revision)
        if reference.kind not in ("model", "dataset") or reference.source != "huggingface" or not reference.id \
                or reference.role == "publish" or key in seen or not policy.signature_for(policy.entry_for(reference)):
            continue
        seen.add(key)
        label = f"{reference.id}@{reference.revision}" if reference.revision else reference.id
        notes.append(RULE.finding(
            message=f"The policy requires a signature for {label}, but it was not checked: Hub signatures are "
                    "downloaded and verified only with `verify: full`.",
            remediation="Run with `--verify full` (or set `defaults.verify: full`) to verify it.",
            path=reference.path, line=reference.line, reference=index, severity="note",
            details={"checked": False}))
    return notes

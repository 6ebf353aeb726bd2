"""signature-invalid: a model's signature does not verify against the policy's signer."""

from gate.policy.rules import Rule

RULE = Rule(
    id="signature-invalid",
    default_severity="error",
    stage="signature",
    description=(
        "A model's signature does not verify: a file's hash differs, files were added or removed, "
        "or it was signed by a different identity, key or certificate than the policy names."
    ),
    why=(
        "A signature that does not verify means the model is not the one its publisher signed (tampered, "
        "partially replaced, or re-uploaded by someone else), or that the signer is not the one you trust. "
        "Loading it defeats the reason to require a signature."
    ),
    fix=(
        "Do not use the model. Restore the exact signed files (the message names the differing file), or get a "
        "new signature from the expected signer; if the signer legitimately changed, update `signature:` "
        "in the policy in a reviewed change."
    ),
    bad_example="signme-1: Hash mismatch (expected sha256:f631…, actual sha256:fce7…)",
    good_example="model_signing verify sigstore models/classifier --identity release@example.com --identity_provider https://accounts.google.com",
)

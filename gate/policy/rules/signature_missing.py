"""signature-missing: the policy requires a model signature and there is none."""

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

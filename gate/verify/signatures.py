"""Verify OpenSSF model signatures (model-signing on sigstore) of a model directory, offline.

The library does the cryptography and the hashing; this module only chooses the verifier the policy asks
for, keeps keyless Sigstore verification offline, and turns the library's exceptions into one readable reason.

Offline keyless verification: model-signing's default Sigstore verifier builds its trust root through TUF,
which goes to the network. sigstore-python ships the public-good instance's `trusted_root.json` and
`signing_config` inside the package; we hand those to model-signing as a client trust config file instead.
`--sigstore-trust-config FILE` replaces them for a private Sigstore instance.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gate.errors import PolicyError, UsageError
from gate.verify.content_interface import DEFAULT_SIGNATURE_FILE, SignatureCheck, SignatureSpec

CLIENT_TRUST_CONFIG_TYPE = "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json"
PUBLIC_GOOD_TUF_URL = "https://tuf-repo-cdn.sigstore.dev"
# Hub downloads through huggingface_hub keep their bookkeeping under `.cache/huggingface` in the
# download directory; it was never part of the signed model.
HUB_DOWNLOAD_METADATA = ".cache"


def signature_spec(raw: dict, base_dir: str, where: str = "signature") -> SignatureSpec:
    """Read a policy `signature:` mapping; key and certificate paths are relative to the policy file."""
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: must be a mapping with one of sigstore, public_key, certificate_chain")
    methods = [m for m in ("sigstore", "public_key", "certificate_chain") if m in raw]
    if len(methods) != 1:
        raise PolicyError(f"{where}: give exactly one of sigstore, public_key, certificate_chain")
    method = methods[0]
    common: dict[str, Any] = {
        "signature_file": str(raw.get("signature_file") or DEFAULT_SIGNATURE_FILE),
        "ignore_paths": tuple(str(p) for p in raw.get("ignore_paths") or ()),
    }
    if method == "sigstore":
        keyless = raw["sigstore"] or {}
        if not keyless.get("identity") or not keyless.get("issuer"):
            raise PolicyError(f"{where}.sigstore: needs both identity and issuer")
        return SignatureSpec("sigstore", identity=str(keyless["identity"]), issuer=str(keyless["issuer"]), **common)
    if method == "public_key":
        return SignatureSpec("public_key", public_key=_policy_path(raw["public_key"], base_dir), **common)
    chain = raw["certificate_chain"]
    chain = [chain] if isinstance(chain, str) else list(chain or ())
    if not chain:
        raise PolicyError(f"{where}.certificate_chain: list at least one CA certificate")
    return SignatureSpec(
        "certificate_chain", certificate_chain=tuple(_policy_path(p, base_dir) for p in chain), **common
    )


def _policy_path(path: Any, base_dir: str) -> str:
    return str((Path(base_dir) / str(path)).resolve())


@contextlib.contextmanager
def trust_config_file(user_file: str | None) -> Iterator[Path]:
    """A client trust config file for model-signing's Sigstore verifier, never fetched over the network.

    `user_file` may be a client trust config or a bare trusted root (what `sigstore trust-instance`
    and private instances hand out); a bare root is wrapped. Without it: the embedded public-good root.
    """
    if user_file:
        try:
            document = json.loads(Path(user_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read --sigstore-trust-config {user_file}: {exc}") from exc
        media_type = str(document.get("mediaType", "")) if isinstance(document, dict) else ""
        if "clienttrustconfig" in media_type:
            yield Path(user_file)
            return
        if "trustedroot" not in media_type:
            raise UsageError(
                f"--sigstore-trust-config {user_file}: not a Sigstore client trust config or trusted root "
                f"(mediaType {media_type or 'missing'})"
            )
        config = {"mediaType": CLIENT_TRUST_CONFIG_TYPE, "trustedRoot": document, "signingConfig": _embedded(
            "signing_config.v0.2.json")}
    else:
        config = {
            "mediaType": CLIENT_TRUST_CONFIG_TYPE,
            "trustedRoot": _embedded("trusted_root.json"),
            "signingConfig": _embedded("signing_config.v0.2.json"),
        }
    with tempfile.TemporaryDirectory(prefix="model-gate-trust-") as tmp:
        path = Path(tmp) / "trust_config.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        yield path


def _embedded(name: str) -> dict:
    from sigstore._utils import read_embedded  # the packaged public-good TUF targets

    loaded: dict = json.loads(read_embedded(name, PUBLIC_GOOD_TUF_URL))
    return loaded


def verify_model_directory(
    model_dir: str | os.PathLike,
    spec: SignatureSpec,
    *,
    display_path: str,
    trust_config: Path | None = None,
    extra_ignore: tuple[str, ...] = (),
) -> SignatureCheck:
    """Verify `model_dir` against `spec`. Never raises for a bad signature: that is a `SignatureCheck`.

    `display_path` names the directory in messages; `trust_config` is a file from `trust_config_file`
    (required for Sigstore keyless); `extra_ignore` adds model-relative paths to ignore.
    """
    model = Path(model_dir)
    signature = model / spec.signature_file
    signature_display = f"{display_path.rstrip('/')}/{spec.signature_file}"

    def check(status: Any, signer: str | None = None, reason: str | None = None) -> SignatureCheck:
        return SignatureCheck(status, display_path, signature_display, spec.method, signer=signer, reason=reason)

    if not model.is_dir():
        return check("missing", reason=f"model directory {display_path} does not exist")
    if not signature.is_file():
        return check("missing", reason=f"no signature file {spec.signature_file} in {display_path}")

    try:
        bundle = json.loads(signature.read_text(encoding="utf-8"))
        material = bundle["verificationMaterial"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return check("invalid", reason=f"{spec.signature_file} is not a Sigstore bundle: {exc}")
    signed_with = _signed_with(material)
    mismatch = _method_mismatch(spec, signed_with)
    if mismatch:
        return check("invalid", signer=_signer_hint(material), reason=mismatch)

    try:
        config = _verifying_config(spec, trust_config)
        import model_signing

        hashing = model_signing.hashing.Config().set_ignored_paths(
            paths=[spec.signature_file, *spec.ignore_paths, *extra_ignore], ignore_git_paths=True
        )
        # model-signing prints format warnings on stdout; stdout may be our JSON report.
        with contextlib.redirect_stdout(sys.stderr):
            config.set_hashing_config(hashing).verify(model, signature)
    except Exception as exc:  # noqa: BLE001 - every library failure is a reason, never a crash
        return check("invalid", signer=_signer_hint(material), reason=_reason(exc))
    signer = _signer_hint(material)
    if spec.method == "sigstore":
        signer = f"{spec.identity} (issuer {spec.issuer})"
    return check("verified", signer=signer)


def _verifying_config(spec: SignatureSpec, trust_config: Path | None) -> Any:
    import model_signing

    config = model_signing.verifying.Config()
    if spec.method == "sigstore":
        if trust_config is None:
            raise ValueError("internal: Sigstore verification needs a trust config (see trust_config_file)")
        return config.use_sigstore_verifier(identity=spec.identity or "", oidc_issuer=spec.issuer or "",
                                            trust_config=trust_config)
    if spec.method == "public_key":
        if not Path(spec.public_key or "").is_file():
            raise ValueError(f"public key {spec.public_key} not found")
        return config.use_elliptic_key_verifier(public_key=spec.public_key or "")
    for cert in spec.certificate_chain:
        if not Path(cert).is_file():
            raise ValueError(f"CA certificate {cert} not found")
    return config.use_certificate_verifier(certificate_chain=spec.certificate_chain)


def _signed_with(material: dict) -> str:
    if "publicKey" in material:
        return "public_key"
    if material.get("tlogEntries"):
        return "sigstore"
    return "certificate_chain"


def _method_mismatch(spec: SignatureSpec, signed_with: str) -> str | None:
    """The library fails with AttributeErrors when the bundle's kind differs; say it plainly instead."""
    if spec.method == signed_with:
        return None
    names = {"public_key": "a bare public key", "sigstore": "Sigstore keyless signing",
             "certificate_chain": "an X.509 certificate chain"}
    return f"the signature was made with {names[signed_with]}, but the policy expects {spec.describe()}"


def _signer_hint(material: dict) -> str | None:
    """Who the signature claims as signer (unverified until the check passes)."""
    if "publicKey" in material:
        hint = (material.get("publicKey") or {}).get("hint")
        return f"public key sha256:{hint}" if hint else "public key (no hint)"
    raw = (material.get("certificate") or {}).get("rawBytes")
    if raw is None:
        chain = (material.get("x509CertificateChain") or {}).get("certificates") or []
        raw = chain[0].get("rawBytes") if chain else None
    if not raw:
        return None
    try:
        from cryptography import x509

        cert = x509.load_der_x509_certificate(base64.b64decode(raw))
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            names = [str(v) for v in san.get_values_for_type(x509.RFC822Name)] + [
                str(v) for v in san.get_values_for_type(x509.UniformResourceIdentifier)
            ]
        except x509.ExtensionNotFound:
            names = []
        subject = cert.subject.rfc4514_string()
        fingerprint = hashlib.sha256(base64.b64decode(raw)).hexdigest()[:16]
        return f"{', '.join(names) or subject} (certificate sha256:{fingerprint}…)"
    except Exception:  # noqa: BLE001 - a hint is optional
        return None


_DIGEST_REPR = re.compile(r"Digest\(algorithm='(\w+)', digest_value=(b'(?:[^'\\]|\\.)*'|b\"(?:[^\"\\]|\\.)*\")\)")


def _digest_hex(match: re.Match) -> str:
    return f"{match[1]}:{ast.literal_eval(match[2]).hex()}"


def _reason(exc: Exception) -> str:
    message = str(exc) or type(exc).__name__
    prefix = "Signature mismatch: "
    if message.startswith(prefix + "["):
        try:
            differences = ast.literal_eval(message[len(prefix):])
            return "model content differs from the signature: " + "; ".join(
                _DIGEST_REPR.sub(_digest_hex, difference) for difference in differences
            )
        except (ValueError, SyntaxError):
            pass
    if type(exc).__name__ == "X509StoreContextError":
        return f"certificate chain does not verify against the configured CA certificates: {message}"
    return message

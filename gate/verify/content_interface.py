"""Contracts of the content checks: model signatures (model-signing) and static pickle scans (fickling).

Both checks look at bytes, never execute them. They are pure functions of a directory or a file plus a
policy fragment; `gate.verify.content` turns their results into `Finding`s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SignatureMethod = Literal["sigstore", "public_key", "certificate_chain"]
SignatureStatus = Literal["verified", "missing", "invalid"]

DEFAULT_SIGNATURE_FILE = "model.sig"


@dataclass(frozen=True)
class SignatureSpec:
    """What the policy requires of a model's signature (`signature:` on an entry or in `defaults`)."""

    method: SignatureMethod
    identity: str | None = None
    """Sigstore keyless: the certificate's identity (SAN), e.g. an e-mail or a workflow URL."""
    issuer: str | None = None
    """Sigstore keyless: the OIDC issuer that vouched for the identity."""
    public_key: str | None = None
    """Absolute path of the PEM public key (resolved against the policy file's directory)."""
    certificate_chain: tuple[str, ...] = ()
    """Absolute paths of the PEM CA certificates the signing certificate must chain to."""
    signature_file: str = DEFAULT_SIGNATURE_FILE
    """Signature path inside the model directory."""
    ignore_paths: tuple[str, ...] = ()
    """Model-relative paths left out of the comparison (besides the signature itself and git files)."""

    def describe(self) -> str:
        if self.method == "sigstore":
            return f"Sigstore identity {self.identity} (issuer {self.issuer})"
        if self.method == "public_key":
            return f"public key {self.public_key}"
        return "certificate chain " + ", ".join(self.certificate_chain)


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of verifying one model directory against one `SignatureSpec`."""

    status: SignatureStatus
    model_path: str
    """The model directory (repository-relative for committed models, `<id>@<revision>` for Hub models)."""
    signature_path: str
    """Where the signature is (or was expected), in the same naming as `model_path`."""
    method: SignatureMethod
    signer: str | None = None
    """Who signed: the verified Sigstore identity, the certificate subject, or a key hint."""
    reason: str | None = None
    """Why verification failed, in the library's words (hash mismatch of a file, wrong identity, ...)."""

    def to_json(self) -> dict:
        return {
            "verified": self.status == "verified",
            "status": self.status,
            "method": self.method,
            "signer": self.signer,
            "signature_file": self.signature_path,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PickleScan:
    """fickling's verdict on one pickle stream (a file, or a member of an archive)."""

    path: str
    """The scanned file, as the caller named it."""
    member: str | None
    """The archive member (e.g. `archive/data.pkl`), or None for a raw pickle file."""
    severity: str
    """fickling's `Severity` name, lowercase: likely_safe, possibly_unsafe, suspicious, likely_unsafe,
    likely_overtly_malicious, overtly_malicious."""
    triggers: tuple[str, ...] = ()
    """The offending imports and calls, as fickling prints them (`from posix import system`, `eval(...)`)."""
    messages: tuple[str, ...] = ()
    """The analysis' explanations, most severe first."""
    unanalysable: str | None = None
    """Why the stream could not be analysed (an unknown opcode, a damaged archive, ...); None when it was.
    Such a stream is never clean: it becomes an `unanalysable-model-file` finding (error)."""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.member}" if self.member else self.path


@dataclass(frozen=True)
class ModelCode:
    """Code (or an escape) in a model file that is not a pickle: a Keras Lambda layer, a TF PyFunc op, an ONNX
    custom-op domain or external-data path outside the model, a GGUF chat template reaching past Jinja, an
    archive member extracted outside its directory."""

    path: str
    member: str | None
    """Where inside the file: the archive member, layer name, node or metadata key."""
    kind: str
    """What was found: keras-lambda, tf-pyfunc, tf-file-op, onnx-custom-op, onnx-external-data,
    gguf-template-call, torchscript-custom-op, archive-path-traversal, unreadable."""
    detail: str
    """One sentence naming what was found and where."""
    severity: str = "error"

"""Model signatures against the real OpenSSF test vectors in tests/fixtures/signed-models (see ORIGIN.md).

Keyless Sigstore verification runs offline from sigstore's embedded public-good trust root: the `offline`
fixture makes every socket connection outside 127.0.0.1 fail, so a TUF fetch would show up as a failure.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

from gate.errors import PolicyError, UsageError
from gate.verify.content_interface import SignatureSpec
from gate.verify.signatures import signature_spec, trust_config_file, verify_model_directory

VECTORS = Path(__file__).resolve().parents[1] / "fixtures" / "signed-models"
KEYS = VECTORS / "keys"
IDENTITY = "stefanb@us.ibm.com"
ISSUER = "https://sigstore.verify.ibm.com/oauth2"

SIGSTORE = {"sigstore": {"identity": IDENTITY, "issuer": ISSUER}}
PUBLIC_KEY = {"public_key": "keys/signing-key-pub.pem"}
CHAIN = {"certificate_chain": ["keys/ca-cert.pem", "keys/int-ca-cert.pem"]}


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No network but loopback: a trust root fetched through TUF would fail the test."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost") and not isinstance(address, (str, bytes)):
            raise OSError(f"test is offline: refused connection to {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", _offline_getaddrinfo(socket.getaddrinfo))


def _offline_getaddrinfo(real):
    def lookup(host, *args, **kwargs):
        if host not in ("127.0.0.1", "::1", "localhost", None):
            raise socket.gaierror(f"test is offline: no DNS for {host}")
        return real(host, *args, **kwargs)

    return lookup


@pytest.fixture
def trust():
    with trust_config_file(None) as path:
        yield path


def spec(raw) -> SignatureSpec:
    return signature_spec(raw, str(VECTORS))


def copy_model(tmp_path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(VECTORS / name, target)
    for file in target.iterdir():
        file.chmod(0o644)
    return target


@pytest.mark.parametrize(
    ("folder", "raw", "signer"),
    [
        ("v1.1.0-sigstore", SIGSTORE, f"{IDENTITY} (issuer {ISSUER})"),
        ("v1.1.0-elliptic-key", PUBLIC_KEY, "public key sha256:e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e"),
        ("v1.1.0-certificate", CHAIN, "CN=intermediate-ca"),
    ],
)
def test_real_vectors_verify(folder, raw, signer, trust):
    check = verify_model_directory(VECTORS / folder, spec(raw), display_path=f"models/{folder}", trust_config=trust)
    assert check.status == "verified", check.reason
    assert check.signer.startswith(signer)
    assert check.signature_path == f"models/{folder}/model.sig"
    assert check.to_json()["verified"] is True


def test_one_changed_byte_is_invalid_and_names_the_file(tmp_path, trust):
    model = copy_model(tmp_path, "v1.1.0-sigstore")
    data = bytearray((model / "signme-1").read_bytes())
    data[0] ^= 0x01
    (model / "signme-1").write_bytes(bytes(data))
    check = verify_model_directory(model, spec(SIGSTORE), display_path="m", trust_config=trust)
    assert check.status == "invalid"
    assert "Hash mismatch for 'signme-1'" in check.reason
    assert "signme-2" not in check.reason
    assert "Expected 'sha256:f6310066c7320497ea554260c32c43660bff648cb2a61194832cc086077085e1'" in check.reason


def test_added_and_removed_files_are_named(tmp_path, trust):
    model = copy_model(tmp_path, "v1.1.0-elliptic-key")
    (model / "signme-2").unlink()
    (model / "backdoor.py").write_text("print('hi')\n")
    check = verify_model_directory(model, spec(PUBLIC_KEY), display_path="m", trust_config=trust)
    assert check.status == "invalid"
    assert "Extra files found in model 'v1.1.0-elliptic-key': backdoor.py" in check.reason
    assert "Missing files in model 'v1.1.0-elliptic-key': signme-2" in check.reason


def test_ignore_paths_leave_files_out(tmp_path, trust):
    model = copy_model(tmp_path, "v1.1.0-elliptic-key")
    (model / "README.md").write_text("added after signing\n")
    raw = PUBLIC_KEY | {"ignore_paths": ["README.md"]}
    assert verify_model_directory(model, spec(raw), display_path="m", trust_config=trust).status == "verified"
    assert verify_model_directory(model, spec(PUBLIC_KEY), display_path="m", trust_config=trust).status == "invalid"


def test_wrong_identity_is_invalid(trust):
    raw = {"sigstore": {"identity": "someone-else@example.com", "issuer": ISSUER}}
    check = verify_model_directory(VECTORS / "v1.1.0-sigstore", spec(raw), display_path="m", trust_config=trust)
    assert check.status == "invalid"
    assert "someone-else@example.com" in check.reason and IDENTITY in check.reason


def test_wrong_issuer_is_invalid(trust):
    raw = {"sigstore": {"identity": IDENTITY, "issuer": "https://accounts.google.com"}}
    check = verify_model_directory(VECTORS / "v1.1.0-sigstore", spec(raw), display_path="m", trust_config=trust)
    assert check.status == "invalid"
    assert "OIDCIssuer does not match" in check.reason and "accounts.google.com" in check.reason


def test_wrong_key_is_invalid(tmp_path, trust):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    (tmp_path / "other.pub").write_bytes(
        other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    check = verify_model_directory(
        VECTORS / "v1.1.0-elliptic-key", signature_spec({"public_key": "other.pub"}, str(tmp_path)),
        display_path="m", trust_config=trust,
    )
    assert check.status == "invalid"
    assert "Key mismatch" in check.reason


def test_wrong_certificate_chain_is_invalid(trust):
    # The signing certificate does not chain to the signer's own leaf certificate used as a "CA".
    raw = {"certificate_chain": ["keys/signing-key-cert.pem"]}
    check = verify_model_directory(VECTORS / "v1.1.0-certificate", spec(raw), display_path="m", trust_config=trust)
    assert check.status == "invalid"
    assert check.reason.startswith("certificate chain does not verify against the configured CA certificates")


def test_signature_of_another_kind_is_invalid_with_a_plain_reason(trust):
    check = verify_model_directory(VECTORS / "v1.1.0-sigstore", spec(PUBLIC_KEY), display_path="m", trust_config=trust)
    assert check.status == "invalid"
    assert check.reason.startswith("the signature was made with Sigstore keyless signing, but the policy expects")


def test_no_signature_file_is_missing(tmp_path, trust):
    model = copy_model(tmp_path, "v1.1.0-elliptic-key")
    (model / "model.sig").unlink()
    check = verify_model_directory(model, spec(PUBLIC_KEY), display_path="models/m", trust_config=trust)
    assert check.status == "missing"
    assert check.reason == "no signature file model.sig in models/m"


def test_signature_file_name_is_configurable(tmp_path, trust):
    model = copy_model(tmp_path, "v1.1.0-elliptic-key")
    (model / "model.sig").rename(model / "release.sig")
    check = verify_model_directory(model, spec(PUBLIC_KEY | {"signature_file": "release.sig"}), display_path="m",
                                   trust_config=trust)
    assert check.status == "verified", check.reason


def test_private_trust_root_that_does_not_know_the_signer_is_invalid(tmp_path):
    # A private instance's trusted root (here: the staging root shipped with sigstore) does not vouch for a
    # certificate issued by the public-good Fulcio.
    from sigstore._utils import read_embedded

    root = json.loads(read_embedded("trusted_root.json", "https://tuf-repo-cdn.sigstage.dev"))
    (tmp_path / "root.json").write_text(json.dumps(root))
    with trust_config_file(str(tmp_path / "root.json")) as private:
        check = verify_model_directory(VECTORS / "v1.1.0-sigstore", spec(SIGSTORE), display_path="m",
                                       trust_config=private)
    assert check.status == "invalid"


def test_bad_trust_config_is_a_usage_error(tmp_path):
    (tmp_path / "x.json").write_text('{"mediaType": "application/json"}')
    with pytest.raises(UsageError, match="not a Sigstore client trust config"):
        with trust_config_file(str(tmp_path / "x.json")):
            pass


@pytest.mark.parametrize(
    "raw",
    [{}, {"sigstore": {"identity": IDENTITY}}, {"public_key": "a", "certificate_chain": ["b"]},
     {"certificate_chain": []}],
)
def test_malformed_signature_policy_is_a_policy_error(raw):
    with pytest.raises(PolicyError):
        signature_spec(raw, ".")


# --- through the stage entry, with a real policy ------------------------------------------------------


def _repo_with_model(tmp_path, folder: str) -> Path:
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    shutil.copytree(VECTORS / folder, repo / "models" / "classifier")
    shutil.copytree(KEYS, repo / "keys")
    for file in repo.rglob("*"):
        file.chmod(0o755 if file.is_dir() else 0o644)
    return repo


def _artifact(path: str, fmt: str = "unknown"):
    from gate.discover.interface import Reference

    return Reference(kind="artifact", source="local", id=None, revision=None, pinned=True, pinnable=False,
                     path=path, line=1, column=1, api="file", syntax="file", format=fmt)


def _policy(repo: Path, text: str):
    from gate.policy.load import load_policy

    return load_policy(None, str(repo), text=text, label="policy.yml")


def _check(repo, policy, references):
    from tests.verify.contenttools import check_local_artifacts

    options = SimpleNamespace(root=str(repo), sigstore_trust_config=None)
    return check_local_artifacts(policy, references, options)


SIGSTORE_POLICY = f"""
version: 1
artifacts:
  - path: models/classifier
    reason: release model
    signature:
      sigstore: {{identity: {IDENTITY}, issuer: "{ISSUER}"}}
"""


def test_committed_model_directory_verifies_and_is_recorded(tmp_path):
    repo = _repo_with_model(tmp_path, "v1.1.0-sigstore")
    references = [_artifact("models/classifier/signme-1"), _artifact("docs/other.safetensors", "safetensors")]
    outcome = _check(repo, _policy(repo, SIGSTORE_POLICY), references)
    assert outcome.findings == ()
    assert outcome.references[0].signature["verified"] is True
    assert outcome.references[0].signature["signer"] == f"{IDENTITY} (issuer {ISSUER})"
    assert outcome.references[1].signature is None
    assert [c.status for c in outcome.signatures] == ["verified"]


def test_committed_model_with_changed_byte_gets_signature_invalid(tmp_path):
    repo = _repo_with_model(tmp_path, "v1.1.0-sigstore")
    target = repo / "models" / "classifier" / "signme-2"
    target.write_bytes(target.read_bytes()[:-1] + b"X")
    outcome = _check(repo, _policy(repo, SIGSTORE_POLICY), [_artifact("models/classifier/signme-2")])
    (finding,) = outcome.findings
    assert finding.rule == "signature-invalid" and finding.severity == "error"
    assert finding.path == "models/classifier/model.sig"
    assert finding.reference == 0
    assert "Hash mismatch for 'signme-2'" in finding.message
    assert outcome.references[0].signature["verified"] is False


def test_committed_model_without_signature_gets_signature_missing(tmp_path):
    repo = _repo_with_model(tmp_path, "v1.1.0-elliptic-key")
    (repo / "models" / "classifier" / "model.sig").unlink()
    policy = _policy(repo, "version: 1\nartifacts:\n  - path: 'models/*'\n    signature: {public_key: keys/signing-key-pub.pem}\n")
    outcome = _check(repo, policy, [_artifact("models/classifier/signme-1")])
    (finding,) = outcome.findings
    assert finding.rule == "signature-missing"
    assert finding.message.startswith("models/classifier must be signed by public key")
    assert "model_signing sign key models/classifier" in finding.remediation


def test_defaults_signature_applies_to_every_committed_model_directory(tmp_path):
    repo = _repo_with_model(tmp_path, "v1.1.0-certificate")
    (repo / "other").mkdir()
    (repo / "other" / "weights.bin").write_bytes(b"\x00" * 8)
    policy = _policy(repo, "version: 1\ndefaults:\n  signature:\n    certificate_chain: [keys/ca-cert.pem, keys/int-ca-cert.pem]\n")
    outcome = _check(repo, policy, [_artifact("models/classifier/signme-1"), _artifact("other/weights.bin")])
    assert [(c.model_path, c.status) for c in outcome.signatures] == [
        ("models/classifier", "verified"), ("other", "missing")]
    assert [f.rule for f in outcome.findings] == ["signature-missing"]
    assert outcome.findings[0].reference == 1


# --- a signed model served by the Hub emulator, end to end through huggingface_hub ----------------------


def _hub_reference(repo_id: str, revision: str):
    from gate.discover.interface import Reference

    return Reference(kind="model", source="huggingface", id=repo_id, revision=revision, pinned=True, pinnable=True,
                     path="train.py", line=3, column=9, api="transformers.from_pretrained", revision_key="revision")


def _hub_check(hub, tmp_path, policy_text: str, references):
    from tests.verify.contenttools import check_hub_content

    policy = _policy(tmp_path, policy_text)
    options = SimpleNamespace(root=str(tmp_path), sigstore_trust_config=None, hub_endpoint=hub.endpoint,
                              verify_failure="error")
    return check_hub_content(policy, references, options)


def _signed_files(folder: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (VECTORS / folder).iterdir()}


HUB_POLICY = f"""
version: 1
models:
  - id: acme/signed-*
    signature:
      sigstore: {{identity: {IDENTITY}, issuer: "{ISSUER}"}}
"""


def test_signed_model_on_the_hub_verifies_end_to_end(hub, tmp_path):
    sha = hub.add_repo("acme/signed-classifier", files=_signed_files("v1.1.0-sigstore")).commit({}, message="noop")
    outcome = _hub_check(hub, tmp_path, HUB_POLICY, [_hub_reference("acme/signed-classifier", sha)])
    assert outcome.findings == ()
    assert outcome.references[0].signature == {
        "verified": True, "status": "verified", "method": "sigstore",
        "signer": f"{IDENTITY} (issuer {ISSUER})",
        "signature_file": f"acme/signed-classifier@{sha}/model.sig", "reason": None,
    }
    assert any("/resolve/" in path and path.endswith("/signme-1") for _, path in hub.request_log)


def test_tampered_model_on_the_hub_is_signature_invalid(hub, tmp_path):
    files = _signed_files("v1.1.0-sigstore")
    builder = hub.add_repo("acme/signed-classifier", files=files)
    tampered = builder.commit({"signme-2": files["signme-2"][:-1] + b"!"}, message="swap weights")
    outcome = _hub_check(hub, tmp_path, HUB_POLICY, [_hub_reference("acme/signed-classifier", tampered)])
    (finding,) = outcome.findings
    assert finding.rule == "signature-invalid"
    assert (finding.path, finding.line, finding.reference) == ("train.py", 3, 0)
    assert "Hash mismatch for 'signme-2'" in finding.message


def test_unsigned_model_on_the_hub_is_signature_missing(hub, tmp_path):
    files = _signed_files("v1.1.0-sigstore")
    del files["model.sig"]
    sha = hub.add_repo("acme/signed-classifier", files=files).commit({}, message="noop")
    outcome = _hub_check(hub, tmp_path, HUB_POLICY, [_hub_reference("acme/signed-classifier", sha)])
    assert [f.rule for f in outcome.findings] == ["signature-missing"]
    assert f"no signature file model.sig in acme/signed-classifier@{sha}" in outcome.findings[0].message


def test_hub_unreachable_fails_closed(hub, tmp_path, monkeypatch):
    from huggingface_hub.utils import _http

    # huggingface_hub retries refused connections with 1+2+4+8+8 s waits; skip the waiting, keep the retries.
    monkeypatch.setattr(_http, "time", SimpleNamespace(sleep=lambda seconds: None))
    endpoint = hub.endpoint
    sha = hub.add_repo("acme/signed-classifier", files=_signed_files("v1.1.0-sigstore")).commit({}, message="x")
    hub.stop()  # connection refused from here on
    outcome = _hub_check(SimpleNamespace(endpoint=endpoint), tmp_path, HUB_POLICY,
                         [_hub_reference("acme/signed-classifier", sha)])
    (finding,) = outcome.findings
    assert (finding.rule, finding.severity) == ("verification-failed", "error")
    assert f"Could not download acme/signed-classifier@{sha}" in finding.message


def test_hub_signature_outside_full_mode_is_a_note_not_a_silent_pass(tmp_path):
    from tests.verify.contenttools import check_content

    policy = _policy(tmp_path, HUB_POLICY)
    options = SimpleNamespace(root=str(tmp_path), sigstore_trust_config=None, hub_endpoint=None, today=None)
    outcome = check_content(policy, [_hub_reference("acme/signed-classifier", "a" * 40)], options, "hub")
    (note,) = outcome.findings
    assert (note.rule, note.severity, note.reference) == ("signature-missing", "note", 0)
    assert "only with `verify: full`" in note.message


def test_scan_command_verifies_committed_signatures_offline(tmp_path, capsys):
    from gate.cli import main

    repo = _repo_with_model(tmp_path, "v1.1.0-sigstore")
    (repo / ".model-policy.yml").write_text(SIGSTORE_POLICY + "    formats: [safetensors]\n")
    (repo / "models" / "classifier" / "weights.safetensors").write_bytes(b"")  # not signed: an extra file
    code = main(["scan", str(repo), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["signature-invalid"]
    assert "Extra files found in model 'classifier': weights.safetensors" in report["findings"][0]["message"]
    (reference,) = [r for r in report["references"] if r["path"] == "models/classifier/weights.safetensors"]
    assert reference["signature"]["verified"] is False

    (repo / "models" / "classifier" / "weights.safetensors").unlink()
    (repo / "models" / "classifier" / "weights.bin").write_bytes(b"ggjt")  # an artifact, and not signed either
    bad_trust = tmp_path / "trust.json"
    bad_trust.write_text("{}")
    assert main(["scan", str(repo), "--sigstore-trust-config", str(bad_trust)]) == 2
    assert "not a Sigstore client trust config" in capsys.readouterr().err


@pytest.mark.parametrize("shape", ["client-trust-config", "bare-trusted-root"])
def test_trust_config_file_for_a_private_instance(tmp_path, shape):
    # The public-good root, handed over the way a private instance's operator would hand over theirs.
    from sigstore._utils import read_embedded

    root = json.loads(read_embedded("trusted_root.json", "https://tuf-repo-cdn.sigstore.dev"))
    document = root if shape == "bare-trusted-root" else {
        "mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
        "trustedRoot": root,
        "signingConfig": json.loads(read_embedded("signing_config.v0.2.json", "https://tuf-repo-cdn.sigstore.dev")),
    }
    (tmp_path / "trust.json").write_text(json.dumps(document))
    with trust_config_file(str(tmp_path / "trust.json")) as trust:
        check = verify_model_directory(VECTORS / "v1.1.0-sigstore", spec(SIGSTORE), display_path="m",
                                       trust_config=trust)
    assert check.status == "verified", check.reason


def test_verified_signature_is_shown_in_text_and_json_even_without_a_reference(tmp_path, capsys):
    import jsonschema

    from gate.cli import main

    repo = _repo_with_model(tmp_path, "v1.1.0-sigstore")  # signme-1/-2 are not model files: no reference
    (repo / ".model-policy.yml").write_text(SIGSTORE_POLICY)
    assert main(["scan", str(repo)]) == 0
    text = capsys.readouterr().out
    assert (f"Verified signatures (1):\n  models/classifier/model.sig: sigstore by {IDENTITY} (issuer {ISSUER})\n"
            in text)
    assert main(["scan", str(repo), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, json.loads((Path(__file__).parents[2] / "gate/report/report.schema.json").read_text()))
    assert report["references"] == []
    assert report["signatures"] == [{
        "model": "models/classifier", "verified": True, "status": "verified", "method": "sigstore",
        "signer": f"{IDENTITY} (issuer {ISSUER})", "signature_file": "models/classifier/model.sig", "reason": None}]

    (repo / "models" / "classifier" / "signme-1").write_bytes(b"changed")
    assert main(["scan", str(repo)]) == 1
    text = capsys.readouterr().out
    assert "Verified signatures" not in text and "[signature-invalid]" in text


def test_scan_verify_full_checks_a_hub_signature_end_to_end_and_quietly(hub, tmp_path, capsys, monkeypatch):
    from gate.cli import main

    monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS", raising=False)
    sha = hub.add_repo("acme/signed-classifier", files=_signed_files("v1.1.0-sigstore")).head()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".model-policy.yml").write_text(HUB_POLICY)
    (repo / "train.py").write_text(
        f'from transformers import AutoModel\nAutoModel.from_pretrained("acme/signed-classifier", revision="{sha}")\n')
    args = ["scan", str(repo), "--verify", "full", "--hub-endpoint", hub.endpoint, "--cache-dir", str(tmp_path / "c")]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert (f"Verified signatures (1):\n  acme/signed-classifier@{sha}/model.sig: sigstore by {IDENTITY} "
            f"(issuer {ISSUER})\n") in captured.out
    assert "Fetching" not in captured.err and "%|" not in captured.err  # no progress bars in CI logs

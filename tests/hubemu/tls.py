"""A throwaway certificate for serving the emulator over https on 127.0.0.1.

huggingface_hub treats `https://` endpoints differently (it maps an anonymous 401 to RepositoryNotFoundError
only for https URLs), so tests talk to the emulator the way they talk to huggingface.co. The certificate is
self-signed, valid for 127.0.0.1 and localhost for two days, and trusted only by the test process (through
SSL_CERT_FILE and REQUESTS_CA_BUNDLE, which httpx2 and requests read).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def throwaway_certificate(directory: Path) -> tuple[Path, Path] | None:
    """(certificate, key) written under `directory`, or None when no `openssl` is installed."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "hubemu-cert.pem", directory / "hubemu-key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=hubemu.test",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
        check=True, capture_output=True)
    return cert, key

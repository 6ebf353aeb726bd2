"""Peak memory of the static pickle scan on multi-GB files: it must stay flat, not grow with the file.

    python bench/pickle_memory.py [--size-gb 2] [--keep]

Generates two files in a temporary directory (removed afterwards unless --keep):
- a PyTorch zip checkpoint (`archive/data.pkl` + one big `archive/data/0` storage), written in 1 MiB chunks;
- a raw pickle holding one big BINBYTES8 blob (e.g. a pickled numpy/pandas array), written sparse.
Each is scanned by `gate.verify.pickles.scan_file` in a fresh subprocess, and the checkpoint's directory is
signed with a fresh EC key and verified by `gate.verify.signatures.verify_model_directory` (streamed hashing); the script prints the child's peak
RSS (getrusage) next to a baseline child that scans a tiny pickle, and the ratio of the extra memory to the file
size; for contrast, fickling's own `scan_file` (which reads whole files) on a 256 MiB blob.
"""

from __future__ import annotations

import argparse
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PEAK_KIB = r"""
import resource


def _peak_kib():
    # VmHWM: this process's own peak. ru_maxrss would keep the parent's high-water mark across exec.
    try:
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
"""Prepended to every child script: `_peak_kib()`, the child's own peak memory."""

FICKLING_CHILD = r"""
import json, resource, sys
import fickling
fickling.scan_file(sys.argv[1])
print(json.dumps({"peak_rss_kib": _peak_kib()}))
"""

CHILD = r"""
import json, resource, sys, time
from gate.verify.pickles import scan_file
started = time.perf_counter()
scans = scan_file(sys.argv[1])
print(json.dumps({
    "peak_rss_kib": _peak_kib(),
    "seconds": time.perf_counter() - started,
    "verdicts": [[s.member, s.severity] for s in scans],
}))
"""


VERIFY_CHILD = r"""
import json, resource, sys, time
from gate.verify.signatures import signature_spec, verify_model_directory
spec = signature_spec({"public_key": sys.argv[2]}, ".")
started = time.perf_counter()
check = verify_model_directory(sys.argv[1], spec, display_path="model")
print(json.dumps({"peak_rss_kib": _peak_kib(),
                  "seconds": time.perf_counter() - started, "verdicts": [check.status, check.reason]}))
"""


def sign_directory(model_dir: Path, key_dir: Path) -> Path:
    """Sign `model_dir` with a fresh EC key (model-signing's key signer, offline); return the public key path."""
    import model_signing
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    (key_dir / "bench.key").write_bytes(private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (key_dir / "bench.pub").write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    hashing = model_signing.hashing.Config().set_ignored_paths(paths=["model.sig"])
    model_signing.signing.Config().use_elliptic_key_signer(private_key=key_dir / "bench.key").set_hashing_config(
        hashing).sign(model_dir, model_dir / "model.sig")
    return key_dir / "bench.pub"


def scan_in_child(path: Path, program: str = CHILD, *extra: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PEAK_KIB + program, str(path), *extra], check=True, capture_output=True, text=True,
                         cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_big_pickle(path: Path, size: int) -> None:
    """PROTO 4, BINBYTES8 <size> <zeros>, STOP — the zeros are a sparse hole, so this takes no time."""
    with open(path, "wb") as handle:
        handle.write(b"\x80\x04" + b"\x8e" + struct.pack("<Q", size))
        handle.seek(size, 1)
        handle.write(b".")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    size = int(args.size_gb * (1 << 30))

    from tests.verify.pickle_samples import state_dict_pickle, write_torch_zip

    tmp = tempfile.mkdtemp(prefix="model-gate-pickle-bench-")
    try:
        tmp_path = Path(tmp)
        tiny = tmp_path / "tiny.pkl"
        tiny.write_bytes(b"\x80\x04K\x01.")
        baseline = scan_in_child(tiny)

        started = time.perf_counter()
        (tmp_path / "model").mkdir()
        checkpoint = tmp_path / "model" / "pytorch_model.bin"
        write_torch_zip(checkpoint, state_dict_pickle({"weight": size // 4}), {"0": size})
        written = time.perf_counter() - started
        blob = tmp_path / "blob.pkl"
        write_big_pickle(blob, size)

        print(f"baseline (tiny pickle): peak RSS {baseline['peak_rss_kib'] / 1024:.1f} MiB")
        for label, path in (("pytorch zip", checkpoint), ("raw pickle, BINBYTES8 blob", blob)):
            result = scan_in_child(path)
            file_mib = path.stat().st_size / (1 << 20)
            extra_mib = (result["peak_rss_kib"] - baseline["peak_rss_kib"]) / 1024
            print(f"{label}: file {file_mib:,.0f} MiB, peak RSS {result['peak_rss_kib'] / 1024:.1f} MiB "
                  f"(+{extra_mib:.1f} MiB over baseline, {extra_mib / file_mib:.4f} of file size), "
                  f"scan {result['seconds']:.2f} s, verdicts {result['verdicts']}")
        started = time.perf_counter()
        public_key = sign_directory(tmp_path / "model", tmp_path)
        signing = time.perf_counter() - started
        result = scan_in_child(tmp_path / "model", VERIFY_CHILD, str(public_key))
        extra_mib = (result["peak_rss_kib"] - baseline["peak_rss_kib"]) / 1024
        print(f"signature verification (model-signing hashes the {checkpoint.stat().st_size / (1 << 20):,.0f} MiB "
              f"checkpoint): peak RSS "
              f"{result['peak_rss_kib'] / 1024:.1f} MiB (+{extra_mib:.1f} MiB over the scan baseline), "
              f"{result['seconds']:.2f} s, {result['verdicts'][0]} (signing took {signing:.1f} s)")
        # For contrast: fickling's own scan_file reads the whole file into memory (bounded here to 256 MiB).
        small = tmp_path / "blob-256m.pkl"
        write_big_pickle(small, min(size, 256 << 20))
        plain = scan_in_child(small, FICKLING_CHILD)
        print(f"for contrast, fickling.scan_file on a {small.stat().st_size / (1 << 20):,.0f} MiB blob pickle: "
              f"peak RSS {plain['peak_rss_kib'] / 1024:.1f} MiB")
        print(f"(generating the {size / (1 << 30):.1f} GiB zip took {written:.1f} s)")
    finally:
        if args.keep:
            print(f"files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

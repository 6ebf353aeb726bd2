"""Committed model files: format from magic bytes (never the extension), streamed sha256, nothing loaded."""

from __future__ import annotations

import hashlib
import json
import pickle
import struct
import zipfile
from pathlib import Path

import pytest

from gate.discover.artifact_finder import ArtifactFinder
from gate.discover.engine import discover
from gate.discover.interface import SourceFile

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


def safetensors_bytes() -> bytes:
    header = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + struct.pack("<f", 1.0)


def npy_bytes(descr: str) -> bytes:
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': (1,), }}".encode()
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + b"\x00" * 8


def zip_bytes(tmp_path: Path, members: dict[str, bytes]) -> bytes:
    path = tmp_path / "member.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path.read_bytes()


def cases(tmp_path: Path) -> dict[str, tuple[bytes, str]]:
    # The pickles are benign data written here; the finder never unpickles anything anyway.
    return {
        "p2.pkl": (pickle.dumps({"a": 1}, protocol=2), "pickle"),
        "p4.pickle": (pickle.dumps([1, 2], protocol=4), "pickle"),
        "p5.joblib": (pickle.dumps((1,), protocol=5), "pickle"),
        "p0.pkl": (pickle.dumps({"a": 1}, protocol=0), "pickle"),
        "renamed.safetensors": (pickle.dumps({"w": 1}, protocol=2), "pickle"),
        "real.safetensors": (safetensors_bytes(), "safetensors"),
        "torch.pt": (zip_bytes(tmp_path, {"archive/data.pkl": pickle.dumps({}, protocol=2),
                                          "archive/data/0": b"\0" * 4, "archive/version": b"3\n"}), "pytorch-zip"),
        "arrays.npz": (zip_bytes(tmp_path, {"a.npy": npy_bytes("<f4")}), "npz"),
        "other.bin": (zip_bytes(tmp_path, {"readme.txt": b"x"}), "zip"),
        "plain.npy": (npy_bytes("<f4"), "numpy"),
        "objects.npy": (npy_bytes("|O"), "numpy-pickle"),
        "model.gguf": (b"GGUF\x03\x00\x00\x00" + b"\0" * 16, "gguf"),
        "model.h5": (b"\x89HDF\r\n\x1a\n" + b"\0" * 16, "hdf5"),
        "model.onnx": (b"\x08\x07\x12\x07pytorch\x1a\x032.1", "onnx"),
        "graph.pb": (b"\x0a\x05input\x12\x03abc", "protobuf"),
        "lfs.bin": (b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n", "git-lfs-pointer"),
        "empty.ckpt": (b"", "empty"),
        "text.pth": (b"\xff\xfe not a model", "unknown"),
    }


def test_formats_and_hashes(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    table = cases(tmp_path)
    for name, (data, _) in table.items():
        (repo / name).write_bytes(data)
    discovery = discover(str(repo))
    found = {r.path: r for r in discovery.references}
    assert {name: found[name].format for name in table} == {name: fmt for name, (_, fmt) in table.items()}
    for name, (data, _) in table.items():
        reference = found[name]
        assert (reference.kind, reference.source, reference.id, reference.pinned, reference.pinnable,
                reference.syntax, reference.api, reference.line) == ("artifact", "local", name, True, True,
                                                                     "file", "file", 1)
        assert reference.sha256 == hashlib.sha256(data).hexdigest()
    assert [w.path for w in discovery.warnings] == ["lfs.bin"]


def test_demo_weights_are_real_files_of_the_expected_formats():
    discovery = discover(str(DEMO), paths=["weights/classifier.safetensors", "weights/legacy_head.pt"])
    assert [(r.path, r.format) for r in discovery.references] == [
        ("weights/classifier.safetensors", "safetensors"), ("weights/legacy_head.pt", "pickle")]


def test_sha256_is_streamed_for_files_larger_than_one_read(tmp_path):
    data = b"\x80\x04" + bytes(range(256)) * 10_000  # 2.5 MB, several 1 MB reads
    path = tmp_path / "big.pkl"
    path.write_bytes(data)
    result = ArtifactFinder().scan(SourceFile("big.pkl", str(path)), "", None)
    (reference,) = result.references
    assert reference.sha256 == hashlib.sha256(data).hexdigest() and reference.format == "pickle"


@pytest.mark.parametrize("name, accepted", [
    ("m.PT", True), ("x.safetensors", True), ("x.keras", True), ("x.json", False), ("x.py", False),
])
def test_accepts(name, accepted):
    assert ArtifactFinder().accepts(name) is accepted

"""Model files committed to the repository: what format their bytes really are, and their sha256.

The format comes from magic bytes, never from the extension (a pickle renamed `.safetensors` is a pickle),
and nothing is ever loaded: only the first few kilobytes are inspected and the rest is streamed into sha256.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zipfile

from gate.discover.catalog.model_files import MODEL_FILE_SUFFIXES
from gate.discover.interface import FileResult, Finder, Reference, ScanWarning, SourceFile, file_suffix

ARTIFACT_SUFFIXES = MODEL_FILE_SUFFIXES  # the one table: gate/discover/catalog/model_files.py

_HEAD_BYTES = 64 * 1024
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_GGUF_MAGIC = b"GGUF"
_NUMPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"


def detect_format(head: bytes, absolute: str, *, require_import: bool = False) -> str:
    """The file's format from its content (for zips, their member names; for compressed wrappers, what they hold).

    `require_import`: for files whose name does not say "model", a protocol 0/1 pickle must import something.
    """
    from gate.verify.containers import COMPRESSED_KINDS, looks_like_pickle, sniff

    if not head:
        return "empty"
    if head.startswith(_LFS_POINTER):
        return "git-lfs-pointer"
    complete = len(head) < _HEAD_BYTES
    if _is_safetensors(head, absolute):
        # A safetensors header can start with bytes that read as PROTO; only a full decode makes it a pickle.
        return "pickle" if looks_like_pickle(head, complete=complete, require_import=True, trust_proto=False) else "safetensors"
    kind = sniff(head, complete=complete, require_import=require_import)
    if kind == "pickle":
        return "pickle"  # a pickle followed by a zip is a pickle too: pickle.load reads it as one
    if kind == "zip":
        return _zip_format(absolute)
    if kind == "npy":
        return _numpy_format(head)
    if kind in COMPRESSED_KINDS:
        return _compressed_format(kind, head)
    if kind in ("tar", "7z"):
        return kind
    if head.startswith(_GGUF_MAGIC):
        return "gguf"
    if head.startswith(_HDF5_MAGIC):
        return "hdf5"
    if _looks_like_onnx(head):
        return "onnx"
    if _looks_like_protobuf(head):
        return "protobuf"
    return "unknown"


def _compressed_format(kind: str, head: bytes) -> str:
    """A compressed wrapper (joblib's `compress=`): `pickle` when the first inflated bytes decode as one."""
    import io

    from gate.verify.containers import inflate, looks_like_pickle

    inflated = io.BytesIO()
    try:
        inflate(kind, io.BytesIO(head), inflated, _HEAD_BYTES * 64)
    except (ValueError, OSError, EOFError, ImportError, RuntimeError, Exception):  # noqa: BLE001 - a sniff only
        pass
    data = inflated.getvalue()[:_HEAD_BYTES]
    return "pickle" if looks_like_pickle(data, complete=len(data) < _HEAD_BYTES) else "compressed"


def _zip_format(absolute: str) -> str:
    try:
        with zipfile.ZipFile(absolute) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return "zip"
    if any(name.endswith("/data.pkl") or name == "data.pkl" for name in names):
        return "pytorch-zip"  # torch.save's zip format: a pickle plus tensor storages
    if any(name.endswith(("config.json", "model.weights.h5")) for name in names) and \
            any(name.endswith(".h5") for name in names):
        return "keras-zip"
    if names and all(name.endswith(".npy") for name in names):
        return "npz"
    return "zip"


def _numpy_format(head: bytes) -> str:
    """`.npy`: a header dict after the magic; an object dtype (`|O`) means the payload is a pickle."""
    try:
        major = head[6]
        if major == 1:
            (length,) = struct.unpack("<H", head[8:10])
            header = head[10:10 + length]
        else:
            (length,) = struct.unpack("<I", head[8:12])
            header = head[12:12 + length]
    except (IndexError, struct.error):
        return "numpy"
    return "numpy-pickle" if b"'|O'" in header or b'"|O"' in header else "numpy"


def _is_safetensors(head: bytes, absolute: str) -> bool:
    from gate.verify.containers import is_safetensors

    try:
        with open(absolute, "rb") as handle:
            return is_safetensors(head, handle)
    except OSError:
        return False


def _looks_like_onnx(head: bytes) -> bool:
    # ModelProto starts with ir_version (field 1, varint: tag 0x08), then typically opset_import
    # (field 8, tag 0x42) or producer_name (field 2, tag 0x12) right after it.
    return len(head) > 4 and head[0] == 0x08 and head[2] in (0x12, 0x1A, 0x22, 0x2A, 0x3A, 0x42)


def _looks_like_protobuf(head: bytes) -> bool:
    """A plausible first protobuf tag: field 1..15 with wire type 0 (varint) or 2 (length-delimited)."""
    first = head[0]
    return (first & 0x7) in (0, 2) and 1 <= (first >> 3) <= 15


_PEEK_MEMBERS = 256
_PEEK_INFLATED = 64 << 20


def archive_holds_model_files(absolute: str) -> bool:
    """A bounded look into an archive (or compressed archive): a member named like a model file, or one whose
    first bytes are a pickle or a nested archive. 7z and archives too large to peek into count as holding one."""
    import io
    import tarfile

    from gate.verify.containers import SNIFF_BYTES, inflate, sniff

    def member_is_model(name: str, head: bytes) -> bool:
        return file_suffix(name).lower() in ARTIFACT_SUFFIXES or \
            sniff(head, complete=len(head) < SNIFF_BYTES, require_import=True) not in ("unknown", "npy")

    try:
        with open(absolute, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
            kind = sniff(head, complete=len(head) < SNIFF_BYTES)
            handle.seek(0)
            if kind == "zip":
                with zipfile.ZipFile(handle) as archive:
                    for info in archive.infolist()[:_PEEK_MEMBERS]:
                        if file_suffix(info.filename).lower() in ARTIFACT_SUFFIXES:
                            return True
                        with archive.open(info) as member:
                            if member_is_model(info.filename, member.read(SNIFF_BYTES)):
                                return True
                return False
            if kind == "7z":
                return True
            stream = handle
            if kind not in ("tar", "zip"):
                inflated = io.BytesIO()
                try:
                    inflate(kind, handle, inflated, _PEEK_INFLATED)
                except ValueError:
                    return True  # too large to peek into: say it may hold one
                stream = inflated
                stream.seek(0)
                if sniff(stream.read(SNIFF_BYTES), complete=True) != "tar":
                    return False
                stream.seek(0)
            with tarfile.open(fileobj=stream, mode="r:") as archive:
                for count, info in enumerate(archive):
                    if count >= _PEEK_MEMBERS:
                        break
                    if info.isfile():
                        member = archive.extractfile(info)
                        if member is not None and member_is_model(info.name, member.read(SNIFF_BYTES)):
                            return True
    except Exception:  # noqa: BLE001 - a damaged archive under an odd name is not reported as a model file
        return False
    return False


_LFS_OID = re.compile(rb"^oid sha256:([0-9a-f]{64})$", re.M)


def lfs_oid(head: bytes) -> str | None:
    """The `oid sha256:<64 hex>` of a Git LFS pointer: the sha256 of the file it stands for."""
    match = _LFS_OID.search(head[:1024])
    return match.group(1).decode() if match else None


_LFS_SIZE = re.compile(rb"^size (\d{1,19})$", re.M)


def lfs_pointer(head: bytes) -> tuple[str, int] | None:
    """(oid, size) of a Git LFS pointer (spec v1: `oid sha256:<64 hex>` and `size <bytes>` lines); None when
    either is missing."""
    oid, size = lfs_oid(head), _LFS_SIZE.search(head[:1024])
    return (oid, int(size.group(1))) if oid and size else None


def sha256_of(absolute: str) -> str:
    digest = hashlib.sha256()
    with open(absolute, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ArtifactFinder(Finder):
    """Committed model files: named like one (`MODEL_FILE_SUFFIXES`), or, through the engine, any file whose
    bytes are one. Reads bytes itself; the engine passes no text."""

    def accepts(self, path: str) -> bool:
        return file_suffix(path).lower() in ARTIFACT_SUFFIXES

    def is_model_file(self, reference: Reference, absolute: str) -> bool:
        """For a file whose name does not say "model": a pickle, a model zip, or an archive holding a model file."""
        if reference.format in ("pickle", "pytorch-zip", "keras-zip"):
            return True
        if reference.format in ("zip", "tar", "7z", "compressed"):
            return archive_holds_model_files(absolute)
        return False

    def scan(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        try:
            with open(file.absolute, "rb") as handle:
                head = handle.read(_HEAD_BYTES)
            file_format = detect_format(head, file.absolute, require_import=not self.accepts(file.path))
            digest = sha256_of(file.absolute)
        except OSError as exc:
            return FileResult(warnings=(ScanWarning(file.path, f"cannot read artifact: {exc.strerror}"),))
        warnings = ()
        if file_format == "git-lfs-pointer":
            oid = lfs_oid(head)
            if oid:
                digest = oid  # the model file's own sha256: what an `artifacts` entry pins, not the pointer text
            warnings = (ScanWarning(file.path, "Git LFS pointer, not the model file itself: its content cannot be "
                                               "checked here (fetch LFS objects before scanning); the policy's "
                                               "format rules judge it by its suffix"
                                               + (", and its sha256 is the pointer's oid" if oid else "")),)
        reference = Reference(
            kind="artifact",
            source="local",
            id=file.path,
            revision=None,
            pinned=True,
            pinnable=True,
            path=file.path,
            line=1,
            column=1,
            api="file",
            format=file_format,
            syntax="file",
            revision_key=None,
            sha256=digest,
        )
        return FileResult(references=(reference,), warnings=warnings)

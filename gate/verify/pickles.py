"""Scan model files statically for pickles that run code. Nothing is ever unpickled, imported or run.

What is read, and why memory stays flat on multi-GB files:
- Content decides what a file is (gate/verify/containers.py), never its name: zip archives (PyTorch,
  TorchScript, `.npz`, any zip) member by member whatever the member's name, tar and 7z archives, nested
  archives, zlib/gzip/bz2/lzma/xz/lz4 wrappers (compressed joblib), `.npy`, and pickles of every protocol,
  including a pickle with a zip appended (both are scanned). Members are streamed out (to a temporary file
  when large); PyTorch tensor storages (`archive/data/0`, ...) are never read: torch never unpickles them.
- Legacy `torch.save` files: the five leading pickles; the raw storage bytes after them are not pickle.
- Pickles are walked opcode by opcode from the open file (gate/verify/pickle_walk.py). Opcode arguments
  larger than `_ZERO_COPY_MIN` (tensor or array blobs) are zero-copy views of a memory map, so a big blob
  costs address space, not resident memory; joblib's inline array bytes are stepped over.

Every global a pickle imports is judged against gate/verify/pickle_allowlist.py: what real checkpoints
carry is clean, known code-execution primitives are `overtly_malicious`, a user's own class that is only
instantiated (`__main__.MyNet`) is `suspicious`, any other callable `likely_unsafe` (fickling's severity
scale, which the policy's `pickle_scan` thresholds name). A stream that cannot be decoded is reported as
"could not be analysed" (rule unanalysable-model-file), never as clean and never as "dangerous code".
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, cast

from gate.discover.catalog.model_files import PICKLE_SUFFIXES as _NAMES_THAT_MAY_HOLD_PICKLES
from gate.verify.containers import (
    ARCHIVE_KINDS,
    COMPRESSED_KINDS,
    SNIFF_BYTES,
    inflate,
    is_safetensors,
    looks_like_pickle,
    sniff,
    unsafe_member_name,
)
from gate.verify.content_interface import ModelCode, PickleScan

if TYPE_CHECKING:
    from gate.verify.pickle_walk import WalkResult

# fickling's Severity names, lowercased, least to most severe; policy thresholds use these names.
SEVERITY_LEVELS = (
    "likely_safe",
    "possibly_unsafe",
    "suspicious",
    "likely_unsafe",
    "likely_overtly_malicious",
    "overtly_malicious",
)
DEFAULT_THRESHOLDS = {"malicious_at": "likely_unsafe", "suspicious_at": "suspicious"}

PICKLE_SUFFIXES = _NAMES_THAT_MAY_HOLD_PICKLES
"""File names that may hold pickles. Content decides: a `.bin` that is neither zip nor pickle is skipped."""
PICKLE_FORMATS = frozenset({"pickle", "pytorch-zip", "pytorch-legacy", "numpy-pickle", "joblib", "npz", "zip", "tar",
                            "7z", "compressed", "keras-zip"})
"""Discovery's magic-byte formats that may hold pickles (`unknown` is decided by the file name)."""

_ZERO_COPY_MIN = 1 << 20
_SPOOL_IN_MEMORY = 16 << 20  # archive members up to this size are scanned from memory, larger ones from a temp file
_MAX_MEMBER = 8 << 30
_MAX_STACKED_PICKLES = 1024
# torch.save stores archive members uncompressed; a pickle member that inflates more than this many times its
# compressed size is a zip bomb, refused before it costs disk and time (issue 8: resource limits).
_MAX_INFLATION = 100
_MAX_DEPTH = 4  # archives inside archives: deeper nesting is reported, not opened
_MIN_INFLATE_LIMIT = 1 << 30  # compressed wrappers may inflate this much whatever their ratio (zeros compress 1000x)
_NPY_MAGIC = b"\x93NUMPY"
# torch.save's legacy (non-zip) format starts with a pickled magic number; five pickles follow, then raw storage.
_LEGACY_TORCH_PREFIX = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."
_LEGACY_TORCH_PICKLES = 5


def may_hold_pickles(path: str, fmt: str | None = None) -> bool:
    """Worth opening: by discovery's format, else by file name."""
    if fmt and fmt != "unknown":
        return fmt in PICKLE_FORMATS
    return PurePosixPath(path).suffix.lower() in PICKLE_SUFFIXES


def scan_file(path: str | Path, display: str | None = None) -> list[PickleScan]:
    """Every pickle stream in the file, with its verdict. Empty when the file holds no pickle."""
    return scan_artifact(path, display).pickles


def scan_artifact(path: str | Path, display: str | None = None) -> ArtifactScan:
    """Every pickle stream in the file (in archives, compressed wrappers and polyglots too) and every
    archive member that would be extracted outside its directory. Nothing is loaded or unpickled."""
    display = display or str(path)
    out = ArtifactScan()
    captured = io.StringIO()
    try:
        # No library may print onto model-gate's stdout (a JSON report must stay parsable): capture, then warn.
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured), open(path, "rb") as handle:
            _scan_container(handle, display, None, 0, out, mappable=True)
    except OSError as exc:
        out.pickles.append(_unscannable(display, None, f"cannot be read: {exc.strerror or exc}"))
    except Exception as exc:  # noqa: BLE001 - odd input must give a verdict (fail closed), never crash the gate
        out.pickles.append(_unscannable(display, None, f"could not be analysed ({type(exc).__name__}: {exc})"))
    out.warnings.extend(f"{display}: {line.strip()}" for line in captured.getvalue().splitlines() if line.strip())
    return out


@dataclass
class ArtifactScan:
    """What the content scan of one committed file found."""

    pickles: list[PickleScan] = field(default_factory=list)
    code: list[ModelCode] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _member(outer: str | None, inner: str) -> str:
    return f"{outer}!/{inner}" if outer else inner


def _scan_container(handle: IO[bytes], display: str, member: str | None, depth: int, out: ArtifactScan, *,
                    mappable: bool = False) -> None:
    """Dispatch on the content of `handle` (positioned at 0): archive, compressed wrapper, .npy or pickle.

    `mappable`: `handle` is a real file, so big opcode arguments are read as views of a memory map."""
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    complete = len(head) < SNIFF_BYTES
    kind = sniff(head, complete=complete)
    if kind in ARCHIVE_KINDS or kind in COMPRESSED_KINDS:
        if depth >= _MAX_DEPTH:
            out.pickles.append(_unscannable(display, member, f"nests archives deeper than {_MAX_DEPTH} levels; "
                                                             "the innermost were not opened"))
            return
        if kind == "zip":
            _scan_zip(handle, display, member, depth, out)
        elif kind == "tar":
            _scan_tar(handle, display, member, depth, out)
        elif kind == "7z":
            _scan_7z(handle, display, member, depth, out)
        else:
            _scan_compressed(handle, kind, display, member, depth, out)
        return
    if kind == "npy":
        out.pickles.extend(_scan_npy(handle, display, member))
        return
    if kind != "pickle":
        return
    if is_safetensors(head, handle) and not looks_like_pickle(head, complete=complete, require_import=True, trust_proto=False):
        return  # a safetensors header whose length bytes happen to read as PROTO
    limit = _LEGACY_TORCH_PICKLES if head.startswith(_LEGACY_TORCH_PREFIX) else _MAX_STACKED_PICKLES
    out.pickles.append(_scan_stream(handle, display, member, limit=limit, mappable=mappable, nesting=depth))
    # A pickle with a zip appended: `pickle.load` reads the pickle, `torch.load` the zip. Both are scanned.
    handle.seek(0)
    try:
        polyglot = zipfile.is_zipfile(handle)
    except OSError:
        polyglot = False
    handle.seek(0)
    if polyglot:
        _scan_zip(handle, display, member, depth, out)


def _spooled(size: int) -> IO[bytes]:
    return tempfile.TemporaryFile(prefix="model-gate-") if size > _SPOOL_IN_MEMORY else io.BytesIO()


def _scan_zip(handle: IO[bytes], display: str, member: str | None, depth: int, out: ArtifactScan) -> None:
    from fickling.loader import RelaxedZipFile  # fickling's lenient zip reader (ignores CRC like torch.load)

    try:
        archive = RelaxedZipFile(handle, "r")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        out.pickles.append(_unscannable(display, member, f"is a damaged zip archive ({exc}); it cannot be scanned"))
        return
    with archive:
        names = archive.namelist()
        torch_prefixes = {name[: -len("data.pkl")] for name in names if name.endswith("/data.pkl")}
        for info in archive.infolist():
            name = info.filename
            if unsafe_member_name(name):
                out.code.append(ModelCode(display, _member(member, name), "archive-path-traversal",
                                          f"archive member `{name}` would be extracted outside the target "
                                          "directory (path traversal)"))
            if info.is_dir():
                continue
            if any(name.startswith(prefix + "data/") and name[len(prefix) + 5:].isdigit() for prefix in torch_prefixes):
                continue  # torch.load reads `<prefix>/data/<key>` as raw tensor storage, never as a pickle
            if info.file_size > _SPOOL_IN_MEMORY and info.file_size > _MAX_INFLATION * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                out.pickles.append(_unscannable(display, _member(member, name),
                                                f"inflates {ratio}x to {info.file_size >> 20} MiB (a zip bomb?); "
                                                "it was not inflated or scanned"))
                continue
            try:
                with archive.open(info) as stream:
                    head = stream.read(SNIFF_BYTES)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
                out.pickles.append(_unscannable(display, _member(member, name),
                                                f"cannot be read from the archive ({exc})"))
                continue
            if "/code/" in name and name.endswith(".py"):
                out.code += torchscript_custom_ops(display, _member(member, name), archive, info)
            kind = sniff(head, complete=len(head) < SNIFF_BYTES)
            if kind == "unknown" or (kind == "npy" and not _npy_holds_objects(head)):
                continue  # only object arrays hold a pickle; plain arrays are never copied out
            with _spooled(info.file_size) as copy:
                try:
                    with archive.open(info) as stream:
                        _copy_bounded(stream, copy, _MAX_MEMBER)
                except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
                    out.pickles.append(_unscannable(display, _member(member, name),
                                                    f"cannot be read from the archive ({exc})"))
                    continue
                copy.seek(0)
                _scan_container(copy, display, _member(member, name), depth + 1, out,
                                mappable=not isinstance(copy, io.BytesIO))


# Operator namespaces torch and its own libraries register; any other needs a custom native library loaded.
_TORCH_OP_NAMESPACES = frozenset({"aten", "prim", "quantized", "_quantized", "profiler", "_caffe2", "cuda", "rngprim",
                                  "torchvision", "image", "quantized_decomposed", "mkldnn", "onednn", "_test",
                                  "fbgemm", "_nested", "inductor", "higher_order"})
_TORCH_OPS = re.compile(r"\btorch\.(ops|classes)\.([A-Za-z_]\w*)")


def torchscript_custom_ops(display: str, member: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[ModelCode]:
    """TorchScript code (`<prefix>/code/**/*.py`) calling operators or classes of a custom namespace."""
    if info.file_size > _SPOOL_IN_MEMORY:
        return [ModelCode(display, member, "unreadable", f"{display} ({member}) is too large to read",
                          severity="warning")]
    try:
        with archive.open(info) as stream:
            text = stream.read().decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return []
    custom = sorted({f"torch.{kind}.{namespace}" for kind, namespace in _TORCH_OPS.findall(text)
                     if namespace not in _TORCH_OP_NAMESPACES})
    return [ModelCode(display, member, "torchscript-custom-op",
                      f"TorchScript code {member} in {display} calls `{name}`, a custom operator namespace that only "
                      "runs with its native library loaded", severity="warning") for name in custom]


def _scan_tar(handle: IO[bytes], display: str, member: str | None, depth: int, out: ArtifactScan) -> None:
    import tarfile

    try:
        archive = tarfile.open(fileobj=handle, mode="r:")
    except (tarfile.TarError, OSError, ValueError, EOFError) as exc:
        out.pickles.append(_unscannable(display, member, f"is a damaged tar archive ({exc}); it cannot be scanned"))
        return
    with archive:
        try:
            for info in archive:
                name = info.name
                if unsafe_member_name(name) or ((info.issym() or info.islnk()) and unsafe_member_name(info.linkname)):
                    out.code.append(ModelCode(display, _member(member, name), "archive-path-traversal",
                                              f"archive member `{name}` would be written outside the target "
                                              "directory (path traversal or an escaping link)"))
                if not info.isfile():
                    continue
                stream = archive.extractfile(info)
                if stream is None:
                    continue
                with stream, _spooled(info.size) as copy:
                    _copy_bounded(stream, copy, _MAX_MEMBER)
                    copy.seek(0)
                    _scan_container(copy, display, _member(member, name), depth + 1, out,
                                    mappable=not isinstance(copy, io.BytesIO))
        except (tarfile.TarError, OSError, ValueError, EOFError) as exc:
            out.pickles.append(_unscannable(display, member, f"is a damaged tar archive ({exc}); scanning stopped"))


def _scan_7z(handle: IO[bytes], display: str, member: str | None, depth: int, out: ArtifactScan) -> None:
    try:
        import py7zr
    except ImportError:
        out.pickles.append(_unscannable(display, member, "is a 7z archive and py7zr is not installed (pip install "
                                                         "py7zr); its members were not scanned"))
        return
    try:
        with py7zr.SevenZipFile(handle, "r") as archive:
            entries = archive.list()
            for entry in entries:
                if unsafe_member_name(entry.filename):
                    out.code.append(ModelCode(display, _member(member, entry.filename), "archive-path-traversal",
                                              f"archive member `{entry.filename}` would be extracted outside the "
                                              "target directory (path traversal)"))
            if sum(e.uncompressed or 0 for e in entries) > _MAX_MEMBER:
                out.pickles.append(_unscannable(display, member, "is a 7z archive that inflates past "
                                                                 f"{_MAX_MEMBER >> 30} GiB; it was not inflated"))
                return
            with tempfile.TemporaryDirectory(prefix="model-gate-7z-") as directory:
                safe = [e.filename for e in entries if not e.is_directory and not unsafe_member_name(e.filename)]
                archive.extract(path=directory, targets=safe)
                for name in safe:
                    extracted = Path(directory) / name
                    if extracted.is_file() and not extracted.is_symlink():
                        with open(extracted, "rb") as copy:
                            _scan_container(copy, display, _member(member, name), depth + 1, out, mappable=True)
    except Exception as exc:  # noqa: BLE001 - py7zr raises many types; odd input must give a verdict
        out.pickles.append(_unscannable(display, member, f"is a 7z archive that cannot be read ({exc})"))


def _scan_compressed(handle: IO[bytes], kind: str, display: str, member: str | None, depth: int, out: ArtifactScan) -> None:
    """joblib's zlib/gzip/bz2/lzma/xz/lz4 wrappers (and any compressed stream): inflate bounded, then scan.

    A stream that is damaged part-way is scanned as far as it inflates: a loader would have unpickled (and run)
    that much before failing. Bytes that only looked compressed inflate to nothing and give no finding."""
    inner = _member(member, f"<{kind}>")
    # Without a file number the handle is an in-memory member (`_spooled`, `_scan_nested`): a BytesIO.
    size = os.fstat(handle.fileno()).st_size if _has_fileno(handle) else len(cast(io.BytesIO, handle).getbuffer())
    limit = min(_MAX_MEMBER, max(_MIN_INFLATE_LIMIT, _MAX_INFLATION * 10 * size))
    with tempfile.TemporaryFile(prefix="model-gate-") as copy:
        try:
            inflate(kind, handle, copy, limit)
        except ImportError:
            out.pickles.append(_unscannable(display, inner, f"is {kind}-compressed and the `{kind}` package is not "
                                                            "installed; it was not decompressed or scanned"))
            return
        except ValueError as exc:
            if "inflates past" in str(exc):
                out.pickles.append(_unscannable(display, inner, f"cannot be decompressed ({exc})"))
                return
        except (OSError, EOFError, zlib.error, RuntimeError):
            pass  # damaged part-way: what inflated is scanned below
        if not copy.tell():
            return
        copy.seek(0)
        _scan_container(copy, display, inner, depth + 1, out, mappable=True)


def _has_fileno(handle: IO[bytes]) -> bool:
    try:
        handle.fileno()
        return True
    except (OSError, AttributeError, io.UnsupportedOperation):
        return False


def _copy_bounded(source: IO[bytes], target: IO[bytes], limit: int) -> None:
    """Copy in 1 MiB chunks; a member that inflates past `limit` (a zip bomb) is refused, not scanned."""
    copied = 0
    while chunk := source.read(1 << 20):
        copied += len(chunk)
        if copied > limit:
            raise ValueError(f"member inflates past {limit >> 30} GiB")
        target.write(chunk)


def _npy_holds_objects(head: bytes) -> bool:
    """From an .npy's first bytes: an object dtype (or a header too odd to tell) means a pickle follows."""
    import ast
    import struct

    try:
        if head[6] == 1:
            (length,) = struct.unpack("<H", head[8:10])
            text = head[10:10 + length]
        else:
            (length,) = struct.unpack("<I", head[8:12])
            text = head[12:12 + length]
        return "O" in str(ast.literal_eval(text.decode("latin-1"))["descr"])
    except (IndexError, struct.error, ValueError, SyntaxError, KeyError, TypeError, MemoryError, RecursionError):
        return True


def _scan_npy(handle: IO[bytes], display: str, member: str | None = None) -> list[PickleScan]:
    """An .npy holds a pickle only for object dtypes; the header is a Python literal dict."""
    import ast
    import struct

    magic = handle.read(8)
    if not magic.startswith(_NPY_MAGIC):
        return [_unscannable(display, member, "is not a valid .npy file")]
    major = magic[6]
    length_format, length_size = ("<H", 2) if major == 1 else ("<I", 4)
    try:
        (header_length,) = struct.unpack(length_format, handle.read(length_size))
        header = ast.literal_eval(handle.read(header_length).decode("latin-1"))
        descr = header["descr"]
    except (struct.error, ValueError, SyntaxError, KeyError, TypeError, MemoryError, RecursionError):
        return [_unscannable(display, member, "has an unreadable .npy header")]
    if "O" not in str(descr):
        return []
    return [_scan_stream(handle, display, member)]


def _scan_stream(handle: IO[bytes], display: str, member: str | None, *, limit: int = _MAX_STACKED_PICKLES,
                 mappable: bool = False, nesting: int = 0) -> PickleScan:
    """Walk the stacked pickles starting at the stream's position and judge every global they import."""
    from gate.verify.pickle_walk import ResourceLimit, Walker, WalkError, WalkResult

    # _ZeroCopyReader reads like a binary file; its large reads are memoryviews, which pickletools uses like bytes.
    stream = cast(IO[bytes], _ZeroCopyReader(handle)) if mappable else handle
    result = WalkResult()
    problem: str | None = None
    exhausted = False
    try:
        walker = Walker(stream, result)
        for index in range(limit):
            if index:
                # After the first STOP, only what still decodes as a pickle is another pickle (torch's legacy
                # format stacks five); anything else is trailing data no unpickler reads.
                position = stream.tell()
                following = stream.read(SNIFF_BYTES)
                stream.seek(position)
                if not looks_like_pickle(following, complete=len(following) < SNIFF_BYTES, trust_proto=False):
                    break
            if not walker.walk_one():
                if index == 0:
                    problem = "holds no pickle opcodes"
                break
    except ResourceLimit as exc:
        problem = str(exc)
        exhausted = True
    except WalkError as exc:
        problem = str(exc)
    except (RecursionError, MemoryError, OSError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    finally:
        if stream is not handle:
            stream.close()
    return _verdict(result, display, member, problem, exhausted, nesting)


def _verdict(result: WalkResult, display: str, member: str | None, problem: str | None, exhausted: bool = False,
             nesting: int = 0) -> PickleScan:
    from gate.verify.pickle_allowlist import classify

    judged: list[tuple[str, str, str]] = []
    for glob, usage in result.globals.items():
        severity = classify(glob.module, glob.name, called=usage.called, string_enum=usage.string_calls_only)
        if severity != "likely_safe":
            trigger = f"from {glob.module} import {glob.name}"
            call = f"{glob.name}(...)" if usage.called else f"{glob.name}.__new__({glob.name})"
            judged.append((severity, trigger, call))
    for what in result.unresolved:
        judged.append(("likely_overtly_malicious", what, ""))
    judged.sort(key=lambda item: -severity_rank(item[0]))
    severity = judged[0][0] if judged else "likely_safe"
    triggers = tuple(dict.fromkeys(t for item in judged for t in item[1:] if t))
    messages = tuple(f"{sev}: {trigger}" for sev, trigger, _ in judged)
    nested = [scan for data in result.nested for scan in _scan_nested(data, display, member, nesting)]
    # A pickle stored as data does not run on this load, only when something unpickles the field: suspicious.
    for data in result.embedded if nesting < _MAX_DEPTH else ():
        for scan in _scan_nested(data, display, member, nesting):
            if not scan.unanalysable and severity_rank(scan.severity) >= severity_rank("suspicious"):
                if severity_rank(severity) < severity_rank("suspicious"):
                    severity = "suspicious"
                embedded = tuple(f"embedded pickle: {t}" for t in scan.triggers if t.startswith("from "))
                triggers += embedded
                messages += tuple(f"a pickle stored as data (not run by this load) {m}" for m in scan.messages)
    for scan in nested:
        if severity_rank(scan.severity) > severity_rank(severity):
            severity = scan.severity
        triggers += scan.triggers
        messages += scan.messages
    if problem is not None:
        messages += (f"could not be analysed: {problem}",)
        if exhausted and severity_rank(severity) < severity_rank("likely_overtly_malicious"):
            # A deliberate exhaustion of the unpickler: fails closed at the top of the scale (still unanalysable).
            return PickleScan(display, member, "likely_overtly_malicious", triggers, messages, unanalysable=problem)
        if severity_rank(severity) < severity_rank("likely_unsafe"):
            return PickleScan(display, member, "likely_unsafe", triggers, messages, unanalysable=problem)
        return PickleScan(display, member, severity, triggers, messages)
    if any(scan.unanalysable for scan in nested) and severity_rank(severity) < severity_rank("likely_unsafe"):
        return PickleScan(display, member, "likely_unsafe", triggers, messages,
                          unanalysable=next(s.unanalysable for s in nested if s.unanalysable))
    return PickleScan(display, member, severity, triggers, messages)


def _scan_nested(data: bytes, display: str, member: str | None, nesting: int) -> list[PickleScan]:
    """Bytes a loader in the pickle turns into objects again (`torch.storage._load_from_bytes`), or a pickle kept
    as data."""
    if nesting >= _MAX_DEPTH:
        return [_unscannable(display, member, f"nests pickles deeper than {_MAX_DEPTH} levels")]
    out = ArtifactScan()
    _scan_container(io.BytesIO(data), display, _member(member, "<nested bytes>"), nesting + 1, out)
    return out.pickles


def _unscannable(display: str, member: str | None, why: str) -> PickleScan:
    # A file we cannot analyse is never reported clean: it fails closed, as "could not be analysed".
    return PickleScan(display, member, "likely_unsafe", (), (f"the file {why}",), unanalysable=why)


class _ZeroCopyReader(io.RawIOBase):
    """A seekable reader over a file that returns large reads as views of a memory map (no copy).

    fickling (through `pickletools.genops`) reads each opcode's argument with one `read(n)`; a multi-GB
    `BINBYTES8` tensor blob would otherwise be copied into memory twice. Small reads return bytes.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__()
        self._handle = handle
        self._map: mmap.mmap | None = None
        self._view: memoryview | None = None
        try:
            if os.fstat(handle.fileno()).st_size >= _ZERO_COPY_MIN:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                self._view = memoryview(self._map)
        except (OSError, ValueError, AttributeError, TypeError):
            self._map = None
        self._position = handle.tell()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._position = offset
        elif whence == io.SEEK_CUR:
            self._position += offset
        else:
            self._handle.seek(offset, io.SEEK_END)
            self._position = self._handle.tell()
        return self._position

    def read(self, size: int = -1) -> bytes | memoryview:
        if self._view is not None and size is not None and size >= _ZERO_COPY_MIN:
            chunk = self._view[self._position:self._position + size]
            self._position += len(chunk)
            return chunk
        self._handle.seek(self._position)
        data = self._handle.read(size)
        self._position += len(data)
        return data

    def close(self) -> None:
        if self._view is not None:
            self._view.release()
            self._view = None
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:  # fickling still holds a view; the map goes away with it
                pass
            self._map = None
        super().close()


def severity_rank(name: str) -> int:
    return SEVERITY_LEVELS.index(name)


def thresholds(policy_defaults: dict | None) -> tuple[str, str]:
    """(malicious_at, suspicious_at) from policy `defaults.pickle_scan`, validated."""
    from gate.errors import PolicyError

    configured = dict(DEFAULT_THRESHOLDS)
    configured.update({k: v for k, v in ((policy_defaults or {}).get("pickle_scan") or {}).items() if v})
    for key in ("malicious_at", "suspicious_at"):
        if configured[key] not in SEVERITY_LEVELS:
            raise PolicyError(
                f"defaults.pickle_scan.{key}: {configured[key]!r} is not a fickling severity "
                f"({', '.join(SEVERITY_LEVELS)})"
            )
    return configured["malicious_at"], configured["suspicious_at"]

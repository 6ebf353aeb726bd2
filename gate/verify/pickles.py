"""Scan pickle-based model files statically with fickling. Nothing is ever unpickled, imported or run.

What is read, and why memory stays flat on multi-GB files:
- PyTorch zip archives (`.bin/.pt/.pth/.ckpt`, TorchScript, `.npz`): only the pickle members are read
  (`*.pkl`, `*.pickle`, `*.bin`, object-dtype `*.npy`), each streamed out of the archive (to a temporary
  file when large, then scanned like a raw pickle); tensor storages (`archive/data/0`, ...) are never read.
- Legacy `torch.save` files: the five leading pickles; the raw storage bytes after them are not pickle.
- Raw pickles (`.pkl`, `.joblib`, ...): fickling decodes opcode by opcode from the open file. Opcode
  arguments larger than `_ZERO_COPY_MIN` (tensor or array blobs) are handed to fickling as zero-copy
  views of a memory map, so a big binary blob costs address space, not resident memory.
- `.npy`: only object arrays hold a pickle; for those the pickle after the header is scanned.

The analyzer is fickling's own analyses with its ML allowlist in place of "any non-stdlib import is
unsafe", so an ordinary state_dict (`torch._utils._rebuild_tensor_v2`, `torch.FloatStorage`,
`collections.OrderedDict`) is clean while `os.system`, `eval`, `getattr`/`importlib` chains and nested
`pickle.loads` are reported with the offending imports and calls.
"""

from __future__ import annotations

import functools
import io
import mmap
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from gate.verify.content_interface import PickleScan

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

PICKLE_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".npy", ".npz", ".mar"})
"""File names that may hold pickles. Content decides: a `.bin` that is neither zip nor pickle is skipped."""
PICKLE_FORMATS = frozenset({"pickle", "pytorch-zip", "pytorch-legacy", "numpy-pickle", "joblib", "npz", "zip"})
"""Discovery's magic-byte formats that may hold pickles (`unknown` is decided by the file name)."""

_ZIP_PICKLE_SUFFIXES = frozenset({".pkl", ".pickle", ".bin"})  # the members fickling's zip scan reads
_ZERO_COPY_MIN = 1 << 20
_SPOOL_IN_MEMORY = 16 << 20  # archive members up to this size are scanned from memory, larger ones from a temp file
_MAX_MEMBER = 8 << 30
_MAX_STACKED_PICKLES = 1024
# torch.save stores archive members uncompressed; a pickle member that inflates more than this many times its
# compressed size is a zip bomb, refused before it costs disk and time (issue 8: resource limits).
_MAX_INFLATION = 100
# fickling decodes every opcode into memory (~300 bytes each) before analysing, and its interpreter gives up past
# 1 M opcodes anyway; a genops read budget of ~4 reads per opcode keeps a hostile pickle near 350 MB (issue 8).
_MAX_DECODE_READS = 4_000_000
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# torch.save's legacy (non-zip) format starts with a pickled magic number; five pickles follow, then raw storage.
_LEGACY_TORCH_PREFIX = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."
_LEGACY_TORCH_PICKLES = 5


def may_hold_pickles(path: str, fmt: str | None = None) -> bool:
    """Worth opening: by discovery's format, else by file name."""
    if fmt and fmt != "unknown":
        return fmt in PICKLE_FORMATS
    return PurePosixPath(path).suffix.lower() in PICKLE_SUFFIXES


def scan_file(path: str | Path, display: str | None = None) -> list[PickleScan]:
    """Every pickle stream in the file, with fickling's verdict. Empty when the file holds no pickle."""
    display = display or str(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(_LEGACY_TORCH_PREFIX))
            handle.seek(0)
            if head.startswith(_ZIP_MAGICS):
                return list(_scan_zip(handle, display))
            if head.startswith(_NPY_MAGIC):
                return _scan_npy(handle, display)
            if not _looks_like_pickle(head, display):
                return []
            limit = _LEGACY_TORCH_PICKLES if head == _LEGACY_TORCH_PREFIX else _MAX_STACKED_PICKLES
            return [_scan_stream(handle, display, None, limit=limit, mappable=True)]
    except OSError as exc:
        return [_unscannable(display, None, f"cannot be read: {exc.strerror or exc}")]


def _looks_like_pickle(head: bytes, display: str) -> bool:
    if not head:
        return False
    if head[0] == 0x80:  # PROTO: every pickle of protocol 2 and later
        return True
    # Protocol 0/1 pickles start with an opcode too; only trust that for names that say "pickle".
    import pickletools

    suffix = PurePosixPath(display).suffix.lower()
    return suffix in {".pkl", ".pickle", ".joblib"} and chr(head[0]) in pickletools.code2op


def _scan_zip(handle, display: str) -> Iterator[PickleScan]:
    from fickling.loader import RelaxedZipFile  # fickling's lenient zip reader (ignores CRC like torch.load)

    try:
        archive = RelaxedZipFile(handle, "r")
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield _unscannable(display, None, f"is a damaged zip archive ({exc}); it cannot be scanned")
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            suffix = PurePosixPath(info.filename).suffix.lower()
            if suffix not in _ZIP_PICKLE_SUFFIXES and suffix != ".npy":
                continue
            if info.file_size > _SPOOL_IN_MEMORY and info.file_size > _MAX_INFLATION * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                yield _unscannable(display, info.filename, f"inflates {ratio}x to {info.file_size >> 20} MiB "
                                   "(a zip bomb?); it was not inflated or scanned")
                continue
            large = info.file_size > _SPOOL_IN_MEMORY
            with tempfile.TemporaryFile(prefix="model-gate-") if large else io.BytesIO() as copy:
                try:
                    with archive.open(info) as member:
                        _copy_bounded(member, copy, _MAX_MEMBER)
                except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                    yield _unscannable(display, info.filename, f"cannot be read from the archive ({exc})")
                    continue
                copy.seek(0)
                if suffix == ".npy":
                    yield from _scan_npy(copy, display, info.filename)
                elif copy.read(1):
                    copy.seek(0)
                    yield _scan_stream(copy, display, info.filename, mappable=large)


def _copy_bounded(source, target, limit: int) -> None:
    """Copy in 1 MiB chunks; a member that inflates past `limit` (a zip bomb) is refused, not scanned."""
    copied = 0
    while chunk := source.read(1 << 20):
        copied += len(chunk)
        if copied > limit:
            raise ValueError(f"member inflates past {limit >> 30} GiB")
        target.write(chunk)


def _scan_npy(handle, display: str, member: str | None = None) -> list[PickleScan]:
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
    except (struct.error, ValueError, SyntaxError, KeyError, TypeError):
        return [_unscannable(display, member, "has an unreadable .npy header")]
    if "O" not in str(descr):
        return []
    return [_scan_stream(handle, display, member)]


def _scan_stream(handle, display: str, member: str | None, *, limit: int = _MAX_STACKED_PICKLES,
                 mappable: bool = False) -> PickleScan:
    """Decode and analyse the stacked pickles starting at the stream's position."""
    from fickling.analysis import Severity, check_safety
    from fickling.exception import ResourceExhaustionError
    from fickling.fickle import EmptyPickleError, Pickled, PickleDecodeError

    stream = _ZeroCopyReader(handle) if mappable else handle
    budget = _DecodeBudget(stream, _MAX_DECODE_READS)
    analyzer = _ml_analyzer()
    results = []
    decode_problem = None
    try:
        for _ in range(limit):
            try:
                pickled = Pickled.load(budget, fail_on_decode_error=False)
            except EmptyPickleError:
                break
            if len(pickled) == 0:
                break
            results.extend(check_safety(pickled, analyzer=analyzer).results)
            if pickled.has_invalid_opcode:
                break
    except (PickleDecodeError, ResourceExhaustionError, ValueError, RecursionError, MemoryError) as exc:
        decode_problem = f"could not be decoded completely ({type(exc).__name__}: {exc})"
    except Exception as exc:  # noqa: BLE001 - odd input must give a verdict, never crash the gate
        decode_problem = f"could not be analysed ({type(exc).__name__}: {exc})"
    finally:
        if stream is not handle:
            stream.close()
    if not results and decode_problem is None:
        return PickleScan(display, member, "likely_safe")
    severities = [r.severity for r in results if r.severity != Severity.LIKELY_SAFE]
    worst = max(severities, default=Severity.LIKELY_SAFE)
    ranked = sorted((r for r in results if r.severity != Severity.LIKELY_SAFE), key=lambda r: -r.severity.severity)
    triggers = tuple(dict.fromkeys(r.trigger for r in ranked if r.trigger))
    messages = tuple(dict.fromkeys(str(r) for r in ranked))
    severity = worst.name.lower()
    if decode_problem:
        messages += (decode_problem,)
        severity = max(severity, "likely_unsafe", key=SEVERITY_LEVELS.index)
    return PickleScan(display, member, severity, triggers, messages)


def _unscannable(display: str, member: str | None, why: str) -> PickleScan:
    # A file we cannot analyse is never reported clean: fickling rates malformed pickles likely_unsafe too.
    return PickleScan(display, member, "likely_unsafe", (), (f"the file {why}",))


@functools.lru_cache(maxsize=1)
def _ml_analyzer():
    from fickling.analysis import Analysis, Analyzer, NonStandardImports, OvertlyBadEvals, Severity
    from fickling.ml import ML_ALLOWLIST, MLAllowlist

    class AllowlistedCalls(OvertlyBadEvals, register=False):
        """fickling's call check, minus calls to ML-allowlisted imports and SETITEMS' `.update`.

        Every callable a pickle can call comes from an import, and MLAllowlist already reports imports
        outside the allowlist; calling an allowlisted constructor (`_rebuild_tensor_v2`) is what a
        state_dict does. Overtly bad calls (`eval(`, `exec(`, ...) are always kept.
        """

        def analyze(self, context):
            allowed = {
                alias.asname or alias.name
                for node in context.pickled.properties.imports
                if getattr(node, "module", None) in ML_ALLOWLIST
                for alias in node.names
                if alias.name in ML_ALLOWLIST[node.module]
            }
            for result in super().analyze(context):
                callee = (result.trigger or "").split("(", 1)[0]
                if result.severity < Severity.OVERTLY_MALICIOUS and (
                    callee in allowed or re.fullmatch(r"_var\d+\.update", callee)
                ):
                    continue
                yield result

    kept = [a for a in Analysis.ALL if not isinstance(a, NonStandardImports | OvertlyBadEvals)]
    return Analyzer([*kept, MLAllowlist(), AllowlistedCalls()])


class _DecodeBudget(io.RawIOBase):
    """Passes reads through to `stream` until `max_reads` have been made, then refuses (ValueError)."""

    def __init__(self, stream, max_reads: int):
        super().__init__()
        self._stream, self._left = stream, max_reads

    def _spend(self) -> None:
        self._left -= 1
        if self._left < 0:
            raise ValueError("more opcodes than fickling analyses (over 1 M); refused to decode further")

    def read(self, size=-1):
        self._spend()
        return self._stream.read(size)

    def readline(self, size=-1):
        self._spend()
        return self._stream.readline(size)

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        return self._stream.seek(offset, whence)

    def tell(self):
        return self._stream.tell()


class _ZeroCopyReader(io.RawIOBase):
    """A seekable reader over a file that returns large reads as views of a memory map (no copy).

    fickling (through `pickletools.genops`) reads each opcode's argument with one `read(n)`; a multi-GB
    `BINBYTES8` tensor blob would otherwise be copied into memory twice. Small reads return bytes.
    """

    def __init__(self, handle):
        super().__init__()
        self._handle = handle
        self._map = None
        self._view = None
        try:
            if os.fstat(handle.fileno()).st_size >= _ZERO_COPY_MIN:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                self._view = memoryview(self._map)
        except (OSError, ValueError, AttributeError, TypeError):
            self._map = None
        self._position = handle.tell()

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._position

    def seek(self, offset, whence=io.SEEK_SET):
        if whence == io.SEEK_SET:
            self._position = offset
        elif whence == io.SEEK_CUR:
            self._position += offset
        else:
            self._handle.seek(offset, io.SEEK_END)
            self._position = self._handle.tell()
        return self._position

    def read(self, size=-1):
        if self._view is not None and size is not None and size >= _ZERO_COPY_MIN:
            chunk = self._view[self._position:self._position + size]
            self._position += len(chunk)
            return chunk
        self._handle.seek(self._position)
        data = self._handle.read(size)
        self._position += len(data)
        return data

    def close(self):
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


def pickle_findings(scans: list[PickleScan], *, malicious_at: str, suspicious_at: str, path: str | None,
                    line: int | None, reference: int | None):
    """At most one finding per file: malicious-pickle or suspicious-pickle, naming imports and calls."""
    flagged = [s for s in scans if severity_rank(s.severity) >= min(severity_rank(malicious_at),
                                                                    severity_rank(suspicious_at))]
    if not flagged:
        return []
    worst = max(flagged, key=lambda s: severity_rank(s.severity))
    malicious = severity_rank(worst.severity) >= severity_rank(malicious_at)
    from gate.policy.rules import rule_module

    rule = rule_module("malicious-pickle" if malicious else "suspicious-pickle").RULE
    triggers = list(dict.fromkeys(t for s in flagged for t in s.triggers))
    members = [s.member for s in flagged if s.member]
    shown = ", ".join(f"`{t}`" for t in triggers[:8]) + (f" and {len(triggers) - 8} more" if len(triggers) > 8 else "")
    if not shown:
        shown = next((m for s in flagged for m in s.messages), "constructs fickling cannot prove safe")
    where = f" (in {', '.join(members)})" if members else ""
    verdict = "would run dangerous code when loaded" if malicious else "contains constructs that need review"
    message = f"{worst.path}{where} {verdict}: {shown}. fickling rates it {worst.severity}."
    remediation = (
        f"Do not load {worst.path}: delete it, get the weights as safetensors from a trusted source, and rotate any "
        "credential a past load could have exposed."
        if malicious
        else f"Review {worst.path} with `fickling --check-safety`; prefer a safetensors export, or add an exception "
        "with a reason if the file is trusted."
    )
    details = {
        "fickling_severity": worst.severity,
        "triggers": triggers,
        "members": members,
        "analysis": [m for s in flagged for m in s.messages],
    }
    return [rule.finding(message=message, remediation=remediation, path=path, line=line, reference=reference,
                         details=details)]

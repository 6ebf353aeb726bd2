"""Recognise what a model file's bytes are, whatever its name: pickle, archive, compressed stream, .npy.

Shared by discovery (the `format` of a committed file) and the pickle scan (which streams to open). Content
decides, never the name: a protocol-0 pickle that starts with `N0` or `(0`, a joblib file wrapped in zlib, a
pickle with a zip appended (a polyglot `torch.load` reads as a zip and `pickle.load` as a pickle).
"""

from __future__ import annotations

import io
import zlib
from typing import IO, Any

SNIFF_BYTES = 64 * 1024
_MAX_SAFETENSORS_HEADER = 100_000_000

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_COMPRESSED = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x04\x22\x4d\x18", "lz4"),
)
_SEVEN_ZIP = b"7z\xbc\xaf\x27\x1c"
_NPY_MAGIC = b"\x93NUMPY"
COMPRESSED_KINDS = frozenset({"gzip", "bz2", "xz", "lzma", "zlib", "lz4", "joblib-zf"})
_JOBLIB_ZF_HEADER = 21  # joblib < 0.10 `compress=`: b"ZF", the hex length padded to 19 bytes, then a zlib stream
ARCHIVE_KINDS = frozenset({"zip", "tar", "7z"})


def sniff(head: bytes, *, complete: bool, require_import: bool = False) -> str:
    """zip, tar, 7z, gzip, bz2, xz, lzma, zlib, lz4, npy, pickle or unknown, from a file's first bytes.

    `complete`: `head` is the whole file (a pickle cut off by the sniff window is still a pickle).
    `require_import`: call a protocol 0/1 pickle a pickle only when it imports something (for files whose
    name does not say "model": a text file can decode as a few harmless opcodes by chance).
    """
    if head.startswith(_ZIP_MAGICS):
        return "zip"
    if head.startswith(_NPY_MAGIC):
        return "npy"
    if head.startswith(_SEVEN_ZIP):
        return "7z"
    for magic, kind in _COMPRESSED:
        if head.startswith(magic):
            return kind
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"ZF0x") and head[_JOBLIB_ZF_HEADER:_JOBLIB_ZF_HEADER + 1] == b"\x78":
        return "joblib-zf"
    if head[:1] == b"\x5d" and head[1:3] == b"\x00\x00" and _lzma_alone(head):
        return "lzma"  # .lzma ("alone") streams have no magic: properties byte 0x5D, then a dictionary size
    if len(head) >= 2 and head[0] == 0x78 and (head[0] << 8 | head[1]) % 31 == 0 and _zlib_plausible(head):
        return "zlib"
    if looks_like_pickle(head, complete=complete, require_import=require_import):
        return "pickle"
    return "unknown"


def looks_like_pickle(head: bytes, *, complete: bool, require_import: bool = False, trust_proto: bool = True) -> bool:
    """Decodes as a pickle an unpickler would act on: to its STOP, or validly up to the end of the window,
    or far enough to call an imported global before it fails (the call has run by then)."""
    if not head:
        return False
    if head[0] == 0x80 and len(head) > 1 and 2 <= head[1] <= 5 and trust_proto:
        return True
    from gate.verify.pickle_walk import Walker, WalkError

    walker = Walker(io.BytesIO(head))
    try:
        finished = walker.walk_one()
    except WalkError as exc:
        result = walker.result
        if any(usage.called for usage in result.globals.values()):
            return True
        truncated = not complete and ("exhausted" in str(exc) or "only" in str(exc) or "ends before" in str(exc))
        return truncated and result.opcodes >= 8 and (bool(result.globals) or not require_import)
    result = walker.result
    if not finished or result.opcodes < 2:
        return False
    return bool(result.globals) or bool(result.unresolved) or not require_import


def is_safetensors(head: bytes, handle: IO[bytes]) -> bool:
    """8-byte little-endian header length, then a JSON object of exactly that length (read from `handle` when
    the header is longer than `head`). Anything else is not safetensors, whatever its name."""
    import json
    import struct

    if len(head) < 10:
        return False
    (length,) = struct.unpack("<Q", head[:8])
    if not 2 <= length <= _MAX_SAFETENSORS_HEADER or head[8:9] != b"{":
        return False
    header = head[8:8 + length]
    if len(header) < length:
        position = handle.tell()
        handle.seek(8)
        header = handle.read(length)
        handle.seek(position)
        if len(header) < length:
            return False
    try:
        return isinstance(json.loads(header), dict)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False


def _zlib_plausible(head: bytes) -> bool:
    try:
        zlib.decompressobj().decompress(head[:4096], 64)
        return True
    except zlib.error:
        return False


def _lzma_alone(head: bytes) -> bool:
    import lzma

    try:
        lzma.LZMADecompressor(format=lzma.FORMAT_ALONE).decompress(head[:4096], 64)
        return True
    except lzma.LZMAError:
        return False


def inflate(kind: str, source: IO[bytes], target: IO[bytes], limit: int) -> None:
    """Decompress `source` (a binary reader) into `target` in bounded steps; ValueError past `limit` bytes
    (a decompression bomb is refused before it costs memory or disk), ImportError for lz4 without `lz4`."""
    import bz2
    import lzma

    if kind == "joblib-zf":
        source.read(_JOBLIB_ZF_HEADER)
        kind = "zlib"
    # zlib's engine has `unconsumed_tail`, the others `needs_input`: `kind` picks the loop that uses each.
    engine: Any
    if kind in ("gzip", "zlib"):
        engine = zlib.decompressobj(16 + zlib.MAX_WBITS if kind == "gzip" else zlib.MAX_WBITS)
    elif kind == "bz2":
        engine = bz2.BZ2Decompressor()
    elif kind in ("xz", "lzma"):
        engine = lzma.LZMADecompressor(format=lzma.FORMAT_XZ if kind == "xz" else lzma.FORMAT_ALONE)
    else:
        import lz4.frame  # optional: without it an lz4 file cannot be analysed (the caller says so)

        engine = lz4.frame.LZ4FrameDecompressor()
    written = 0
    step = 1 << 20

    def emit(data: bytes) -> None:
        nonlocal written
        written += len(data)
        if written > limit:
            raise ValueError(f"inflates past {limit >> 20} MiB (a decompression bomb?)")
        target.write(data)

    while chunk := source.read(step):
        if kind in ("gzip", "zlib"):
            emit(engine.decompress(chunk, step))
            while engine.unconsumed_tail:
                emit(engine.decompress(engine.unconsumed_tail, step))
            if engine.eof:
                break
        else:
            emit(engine.decompress(chunk, step))
            while not engine.eof and not engine.needs_input:
                emit(engine.decompress(b"", step))
            if engine.eof:
                break


def unsafe_member_name(name: str) -> bool:
    """An archive member that would land outside the extraction directory (`../x`, `/etc/x`, `C:\\x`)."""
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        return True
    return ".." in normalised.split("/")

"""The per-file result cache: a repeat scan of an unchanged tree reads each file, hashes it and reuses what
scanning that content produced last time (issue 15).

Never a correctness shortcut. An entry is keyed by the file's path and content hash, under a key made of the
scanner's version and a hash of the scanner's own code (every file of the `gate` package, so any change to a
finder or the catalog invalidates everything). What a finder learns about *other* files is recorded while the
file is scanned and checked again on every hit: the `repo_paths` membership queries with their answers (local
paths are not Hub ids) and the extra files read (a compose file's `.env`, a notebook's `%run` target) with
their content hash. Any difference, and the file is scanned again.

All entries of one tree live in one JSON file under the cache dir (fast to load, carried by `actions/cache`),
replaced atomically; a reference is stored as the list of its field values, in field order. JSON, never pickle:
the cache dir may come from an untrusted cache restore. A file that does not read back as a cache of this shape
is ignored with a warning, never trusted; an entry that does not (a field of the wrong type, an unknown `kind`) is
a miss, with a warning, and its file is scanned again.

What a repeat costs is mostly reading and hashing every file. Threads do it (file reads and sha256 release the
GIL), and a *stat memo* skips it for a file that has not been touched, the way git's index does: beside the
entries, for each path, the content hash and the file's (size, mtime, ctime, inode, device) when it was read.
A file whose stat is the same is not read again. Safe because any write to a file sets its ctime to the current
time, which no program can set back (`touch` sets mtime only), and a new file has a new inode; a file whose mtime
or ctime is not older than the moment hashing started (less `RACY_NS`, more than any file system's timestamp
granularity) is "racily clean" (a second write within the same timestamp tick would keep every field) and is
not remembered: it is hashed again next time. In CI a fresh checkout gives every file a new inode and ctime, so
the memo answers nothing there and every file is hashed. Limits, as for git: a network file system whose clock
runs behind this machine's by more than `RACY_NS`, and writes through a shared `mmap`, whose mtime the kernel may
set late. The memo cannot say more than the entries it points at: a forged memo could only pick an entry, which
a forged cache could already hold.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
import time
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gate.discover.interface import FileResult, Reference, ScanWarning

FORMAT = "scan-v2"
MAX_CACHED_BYTES = 10 * 1024 * 1024
"""Larger files are scanned every time (they are streamed, never held whole to be hashed)."""
RACY_NS = 3_000_000_000
"""A file changed less than this before hashing started is not remembered by its stat (see the module doc): more
than FAT's 2 s timestamps and the kernel's coarse clock."""
MAX_HASH_THREADS = 4
FILES_PER_HASH_THREAD = 64
"""Fewer files per thread and a thread costs more than it saves."""
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)

# ------------------------------------------------------------------------------------------ dependencies

_reads: list[str] | None = None
_fetch: Callable[[str], object] | None = None
"""When the scanned tree is a commit exported only in part (pull-request mode's base side): brings a file a
finder is about to read onto the disk (`discover(tree=...)`)."""


def note_read(absolute: str) -> None:
    """A finder looks at (or reads) `absolute`, a file other than the one it scans: its result depends on it."""
    if _fetch is not None:
        _fetch(absolute)
    if _reads is not None:
        _reads.append(absolute)


def start_recording() -> None:
    global _reads
    _reads = []


def stop_recording() -> list[str]:
    global _reads
    reads, _reads = _reads or [], None
    return reads


def file_fingerprint(absolute: str) -> list:
    """What a finder can learn about a file: where it really is, whether it is a file, and its content."""
    real = os.path.realpath(absolute)
    if not os.path.isfile(absolute):
        return [real, False, None]
    # The whole content, streamed: a finder may read past any prefix, and a change there must invalidate.
    digest = hashlib.sha256()
    try:
        with open(absolute, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return [real, True, None]
    return [real, True, digest.hexdigest()]


# ----------------------------------------------------------------------------------------------- contents


def _stat_fields(status: os.stat_result) -> list[int]:
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev]


def content_hash(absolute: str, remembered: object, racy_from_ns: int) -> tuple[str | None, list | None]:
    """(the sha256 of the file's content, None when it is too large to cache or cannot be read; what the stat
    memo keeps for it: [sha256, size, mtime_ns, ctime_ns, inode, device], None when it must be read next time).
    `remembered`: what the memo kept last time, used when the file's stat is still the same."""
    try:
        descriptor = os.open(absolute, _READ_FLAGS)
        try:
            status = os.fstat(descriptor)  # no stat before the open: in CI the memo never answers
            if type(remembered) is list and len(remembered) == 6 and type(remembered[0]) is str and (
                    remembered[1:] == _stat_fields(status)):
                return remembered[0], remembered
            if status.st_size > MAX_CACHED_BYTES:
                return None, None
            data = os.read(descriptor, status.st_size + 1)  # one read, unless it was short or the file grew
            while len(data) != status.st_size and len(data) <= MAX_CACHED_BYTES and (
                    more := os.read(descriptor, MAX_CACHED_BYTES + 1 - len(data))):
                data += more
        finally:
            os.close(descriptor)
    except OSError:
        return None, None
    if len(data) > MAX_CACHED_BYTES:
        return None, None
    sha = hashlib.sha256(data).hexdigest()
    if (len(data) != status.st_size or max(status.st_mtime_ns, status.st_ctime_ns) >= racy_from_ns
            or not status.st_ctime_ns or not status.st_ino):  # changing as it was read, racily clean, or no ctime
        return sha, None
    return sha, [sha, *_stat_fields(status)]


# ------------------------------------------------------------------------------------------------ entries

_FIELDS = tuple(f for f in dataclasses.fields(Reference) if f.init)
_NAMES = tuple(f.name for f in _FIELDS)
_REQUIRED = sum(f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING for f in _FIELDS)
_DEFAULTS = {f.name: f.default for f in _FIELDS[_REQUIRED:]}


def _allowed(annotation: object) -> tuple[frozenset[object], frozenset[object] | None]:
    """(the exact types a stored value of a field may have, the values it may take when the field is a `Literal`).
    An annotation this does not know allows no type: its references are never trusted (fail closed)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        values = typing.get_args(annotation)
        return frozenset(map(type, values)), frozenset(values)
    if origin in (typing.Union, types.UnionType):  # `X | None`
        return frozenset().union(*(_allowed(member)[0] for member in typing.get_args(annotation))), None
    return frozenset({origin or annotation}), None


_HINTS = typing.get_type_hints(Reference)
_FIELD_TYPES = tuple(_allowed(_HINTS[name])[0] for name in _NAMES)
_LITERAL_FIELDS = tuple((index, values) for index, name in enumerate(_NAMES)
                        if (values := _allowed(_HINTS[name])[1]) is not None)
_SIGNATURES: dict[tuple[type, ...], bool] = {}
"""Which type signatures of a stored reference's values are valid (there are only a few; each checked once)."""
_FAST_BUILD = (not hasattr(Reference, "__post_init__") and not hasattr(Reference, "__slots__")
               and all(f.default_factory is dataclasses.MISSING for f in _FIELDS))
"""`Reference` does nothing in `__init__` but set its fields: a cached one is built by setting them directly
(about half the time of the frozen dataclass's `__init__`, which is most of what a repeat spends per reference)."""


def _reference_values(reference: Reference) -> list:
    values = [getattr(reference, name) for name in _NAMES]
    while len(values) > _REQUIRED and values[-1] == _DEFAULTS[_NAMES[len(values) - 1]]:
        values.pop()
    return values


def _valid_signature(signature: tuple[type, ...]) -> bool:
    valid = _SIGNATURES.get(signature)
    if valid is None:
        valid = _SIGNATURES[signature] = _REQUIRED <= len(signature) <= len(_NAMES) and all(
            kind in allowed for kind, allowed in zip(signature, _FIELD_TYPES, strict=False))
    return valid


def _reference(values: object) -> Reference:
    """The reference `_reference_values` stored; ValueError unless every value has its field's type."""
    if type(values) is not list or not _valid_signature(tuple(map(type, values))):
        raise ValueError("a reference of the wrong shape")
    stored = len(values)
    for index, allowed in _LITERAL_FIELDS:
        if index < stored and values[index] not in allowed:
            raise ValueError(f"a reference whose {_NAMES[index]} is {values[index]!r}")
    if not _FAST_BUILD:
        return Reference(*values)
    reference = object.__new__(Reference)
    attributes = reference.__dict__
    attributes.update(_DEFAULTS)
    attributes.update(zip(_NAMES, values, strict=False))  # trailing defaults are not stored
    return reference


def entry(sha: str, scanned: bool, result: FileResult, paths: dict[str, bool], reads: dict[str, list]) -> list:
    """[sha, scanned, references, warnings, path queries, files read]: what scanning that content produced."""
    return [sha, scanned, [_reference_values(r) for r in result.references],
            [[w.path, w.message] for w in result.warnings], paths, reads]


def entry_result(record: list) -> tuple[bool, FileResult]:
    """ValueError unless `record` is what `entry` writes."""
    scanned, references, warnings = record[1], record[2], record[3]
    if type(scanned) is not bool or type(references) is not list or type(warnings) is not list:
        raise ValueError("an entry of the wrong shape")
    if warnings and not all(type(w) is list and len(w) == 2 and type(w[0]) is str and type(w[1]) is str
                            for w in warnings):
        raise ValueError("a warning of the wrong shape")
    return scanned, FileResult(tuple(map(_reference, references)), tuple(ScanWarning(*w) for w in warnings))


def still_valid(record: list, repo_paths: frozenset[str], answers: dict[str, bool] | None = None) -> bool:
    """Every recorded dependency still answers as it did when the file was scanned (ValueError when `record` is not
    what `entry` writes). `answers` remembers what
    `repo_paths` said of each path during this run (the tree does not change under one scan; many files ask about
    the same names)."""
    answers = {} if answers is None else answers
    for query, answer in record[4].items():
        known = answers.get(query)
        if known is None:
            known = answers[query] = query in repo_paths
        if known is not answer:
            return False
    for absolute, fingerprint in record[5].items():
        if type(fingerprint) is not list or len(fingerprint) != 3:
            raise ValueError("a file read of the wrong shape")
        if file_fingerprint(absolute) != fingerprint:
            return False
    return True


# -------------------------------------------------------------------------------------------------- store

_CODE_KEY: str | None = None


def scanner_key() -> str:
    """The scanner's version, a hash of every file of its package (any change to the code invalidates), and the
    versions of what parses the files (Python's `ast`, PyYAML)."""
    global _CODE_KEY
    if _CODE_KEY is None:
        import yaml  # the config finder's parser: another version may read a file differently

        import gate

        package = Path(gate.__file__).parent
        digest = hashlib.sha256(f"{gate.__version__}\0{sys.version_info[:2]}\0{yaml.__version__}".encode())
        for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                           and p.suffix not in (".pyc", ".pyo")):
            digest.update(str(path.relative_to(package)).encode() + b"\0")
            digest.update(path.read_bytes())
        _CODE_KEY = digest.hexdigest()
    return _CODE_KEY


class ScanCache:
    """One tree's entries and stat memo, loaded once and written back once."""

    def __init__(self, cache_dir: str, root: str):
        name = hashlib.sha256(root.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        folder = Path(os.path.expanduser(cache_dir)) / FORMAT
        self.file = folder / f"{name}.json"
        self.memo_file = folder / f"{name}.stat.json"
        self.root = root
        self.entries: dict[str, list] = {}
        self.memo: dict[str, object] = {}
        """path -> what `content_hash` remembered of it last time."""
        self.problems: list[str] = []
        """Why a stored cache, memo or entry was not used (corrupt, unreadable); empty when all was fine or absent."""
        self._remembered: dict[str, list] = {}
        self._answers: tuple[object, dict[str, bool]] = (None, {})
        """The `repo_paths` of this run and what it answered for each path asked (see `still_valid`)."""
        self._corrupt: list[str] = []

    def load(self) -> None:
        stored = self._read(self.file, "scan cache", "scanning every file")
        if stored is not None:
            if not isinstance(stored.get("entries"), dict):
                self.problems.append(f"the scan cache {self.file} is corrupt (not a scan cache); ignored, "
                                     "scanning every file")
            elif stored.get("key") == scanner_key() and stored.get("root") == self.root:
                self.entries = stored["entries"]  # each entry is checked when it is used (`lookup`)
            # else: another scanner version or tree: start afresh, silently
        memo = self._read(self.memo_file, "scan cache's stat memo", "hashing every file")
        if memo is not None:
            if not isinstance(memo.get("files"), dict):
                self.problems.append(f"the scan cache's stat memo {self.memo_file} is corrupt (not a stat memo); "
                                     "ignored, hashing every file")
            elif memo.get("root") == self.root:
                self.memo = memo["files"]  # each one is checked when it is used (`content_hash`)

    def _read(self, file: Path, what: str, consequence: str) -> dict | None:
        try:
            stored = json.loads(file.read_bytes())
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.problems.append(f"cannot read the {what} {file} ({exc.strerror}); {consequence}")
            return None
        except ValueError as exc:
            self.problems.append(f"the {what} {file} is corrupt ({exc}); ignored, {consequence}")
            return None
        if not isinstance(stored, dict):
            self.problems.append(f"the {what} {file} is corrupt (not a JSON object); ignored, {consequence}")
            return None
        return stored

    def content_hashes(self, files: Sequence[tuple[str, str]], threads: int = 1) -> list[str | None]:
        """`content_hash` of each (path, absolute path), in order; by up to `threads` threads."""
        racy_from_ns = time.time_ns() - RACY_NS  # before any file is read
        memo = self.memo

        def hash_all(part: Sequence[tuple[str, str]]) -> list[tuple[str | None, list | None]]:
            return [content_hash(absolute, memo.get(path), racy_from_ns) for path, absolute in part]

        hashed: list[tuple[str | None, list | None]]
        threads = max(1, min(threads, MAX_HASH_THREADS, len(files) // FILES_PER_HASH_THREAD))
        if threads == 1:
            hashed = hash_all(files)
        else:
            hashed = [(None, None)] * len(files)
            with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="model-gate-hash") as pool:
                for start, part in enumerate(pool.map(hash_all, [files[k::threads] for k in range(threads)])):
                    hashed[start::threads] = part
        self._remembered = {path: remembered for (path, _), (_, remembered) in zip(files, hashed, strict=True)
                            if remembered is not None}
        return [sha for sha, _ in hashed]

    def lookup(self, path: str, sha: str, repo_paths: frozenset[str]) -> tuple[bool, FileResult] | None:
        record = self.entries.get(path)
        if record is None:
            return None
        if self._answers[0] is not repo_paths:
            self._answers = (repo_paths, {})
        try:
            if type(record) is not list or len(record) != 6:
                raise ValueError("not an entry")
            if record[0] != sha or not still_valid(record, repo_paths, self._answers[1]):
                return None
            return entry_result(record)
        except (ValueError, TypeError, AttributeError) as exc:  # written by something else: fail closed, rescan
            if not self._corrupt:
                self.problems.append(f"the scan cache {self.file} is corrupt (the entry for {path!r}: {exc}); "
                                     "its file is scanned again")
            self._corrupt.append(path)
            return None

    def save(self, paths: Sequence[str], shas: Sequence[str | None],
             results: Iterable[tuple[bool, FileResult, tuple[dict, dict] | None]]) -> list[str]:
        """Replace the stored cache with the entries of this run's files (when they changed) and the stat memo
        (when it changed), each atomically; a message for each that could not be written."""
        entries: dict[str, list] = {}
        scanned_now = False
        for path, sha, (scanned, result, dependencies) in zip(paths, shas, results, strict=True):
            if sha is None:
                continue
            if dependencies is None:  # a hit: keep the stored entry as it is
                entries[path] = self.entries[path]
            else:
                entries[path] = entry(sha, scanned, result, *dependencies)
                scanned_now = True
        problems = []
        if scanned_now or entries.keys() != self.entries.keys():
            problems.append(_write(self.file, {"format": FORMAT, "key": scanner_key(), "root": self.root,
                                               "entries": entries}, "scan cache"))
        if self._remembered != self.memo:
            problems.append(_write(self.memo_file, {"format": FORMAT, "root": self.root, "files": self._remembered},
                                   "scan cache's stat memo"))
        return [problem for problem in problems if problem]


def _write(file: Path, content: dict, what: str) -> str | None:
    """Replace `file` with `content` atomically; a message when it could not be written."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=file.parent, prefix=".scan-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(content, separators=(",", ":")))  # dumps: the C encoder
            os.replace(temporary, file)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        return f"cannot write the {what} {file} ({exc.strerror or exc})"
    return None

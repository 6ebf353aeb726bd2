"""The per-file result cache: a repeat scan of an unchanged tree reads each file, hashes it and reuses what
scanning that content produced last time (issue 15).

Never a correctness shortcut. An entry is keyed by the file's path and content hash, under a key made of the
scanner's version and a hash of the scanner's own code (every file of the `gate` package, so any change to a
finder or the catalog invalidates everything). What a finder learns about *other* files is recorded while the
file is scanned and checked again on every hit: the `repo_paths` membership queries with their answers (local
paths are not Hub ids) and the extra files read (a compose file's `.env`, a notebook's `%run` target) with
their content hash. Any difference, and the file is scanned again.

All entries of one tree live in one JSON file under the cache dir (fast to load, carried by `actions/cache`),
replaced atomically. JSON, never pickle: the cache dir may come from an untrusted cache restore. A file that
does not read back as a cache of this shape is ignored with a warning, never trusted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from gate.discover.interface import FileResult, Reference, ScanWarning

FORMAT = "scan-v1"
MAX_CACHED_BYTES = 10 * 1024 * 1024
"""Larger files are scanned every time (they are streamed, never held whole to be hashed)."""

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


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------------ entries


def _reference_to_json(reference: Reference) -> dict:
    return {f.name: getattr(reference, f.name) for f in dataclasses.fields(Reference)
            if getattr(reference, f.name) != f.default}


_REFERENCE_FIELDS = frozenset(f.name for f in dataclasses.fields(Reference))


def _reference_from_json(record: dict) -> Reference:
    if not isinstance(record, dict) or not set(record) <= _REFERENCE_FIELDS:
        raise ValueError("not a reference")
    return Reference(**record)


def entry(sha: str, scanned: bool, result: FileResult, paths: dict[str, bool], reads: dict[str, list]) -> dict:
    return {"sha": sha, "scanned": scanned,
            "references": [_reference_to_json(r) for r in result.references],
            "warnings": [[w.path, w.message] for w in result.warnings],
            "paths": paths, "reads": reads}


def entry_result(record: dict) -> tuple[bool, FileResult]:
    return bool(record["scanned"]), FileResult(
        tuple(_reference_from_json(r) for r in record["references"]),
        tuple(ScanWarning(str(path), str(message)) for path, message in record["warnings"]))


def still_valid(record: dict, repo_paths: frozenset[str], answers: dict[str, bool] | None = None) -> bool:
    """Every recorded dependency still answers as it did when the file was scanned. `answers` remembers what
    `repo_paths` said of each path during this run (the tree does not change under one scan; many files ask about
    the same names)."""
    answers = {} if answers is None else answers
    for query, answer in record["paths"].items():
        known = answers.get(query)
        if known is None:
            known = answers[query] = query in repo_paths
        if known != answer:
            return False
    return all(file_fingerprint(absolute) == fingerprint for absolute, fingerprint in record["reads"].items())


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
    """One tree's entries, loaded once and written back once."""

    def __init__(self, cache_dir: str, root: str):
        self.file = Path(os.path.expanduser(cache_dir)) / FORMAT / (
            hashlib.sha256(root.encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".json")
        self.root = root
        self.entries: dict[str, dict] = {}
        self.problem: str | None = None
        """Why the stored cache was not used (corrupt, unreadable); None when it was fine or absent."""
        self._answers: tuple[object, dict[str, bool]] = (None, {})
        """The `repo_paths` of this run and what it answered for each path asked (see `still_valid`)."""

    def load(self) -> None:
        try:
            raw = self.file.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            self.problem = f"cannot read the scan cache {self.file} ({exc.strerror}); scanning every file"
            return
        try:
            stored = json.loads(raw)
            if not isinstance(stored, dict) or not isinstance(stored.get("entries"), dict):
                raise ValueError("not a scan cache")
            if stored.get("key") != scanner_key() or stored.get("root") != self.root:
                return  # another scanner version or tree: start afresh, silently
            entries = stored["entries"]
            for path, record in entries.items():
                _check(path, record)
        except (ValueError, TypeError, KeyError) as exc:
            self.problem = f"the scan cache {self.file} is corrupt ({exc}); ignored, scanning every file"
            return
        self.entries = entries

    def lookup(self, path: str, sha: str, repo_paths: frozenset[str]) -> tuple[bool, FileResult] | None:
        record = self.entries.get(path)
        if self._answers[0] is not repo_paths:
            self._answers = (repo_paths, {})
        if record is None or record["sha"] != sha or not still_valid(record, repo_paths, self._answers[1]):
            return None
        try:
            return entry_result(record)
        except (ValueError, TypeError, KeyError):  # checked at load; a field of the wrong type still fails here
            return None

    def save(self, entries: dict[str, dict]) -> str | None:
        """Replace the stored cache with `entries` atomically; a message when it could not be written."""
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.file.parent, prefix=".scan-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump({"key": scanner_key(), "root": self.root, "entries": entries}, handle,
                              separators=(",", ":"))
                os.replace(temporary, self.file)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as exc:
            return f"cannot write the scan cache {self.file} ({exc.strerror or exc})"
        return None


def _check(path: object, record: object) -> None:
    """Raise ValueError unless `record` has the shape `entry` writes (types only; its content is re-checked)."""
    if not isinstance(path, str) or not isinstance(record, dict):
        raise ValueError("entry of the wrong type")
    if not (isinstance(record.get("sha"), str) and isinstance(record.get("scanned"), bool)
            and isinstance(record.get("references"), list) and isinstance(record.get("warnings"), list)
            and isinstance(record.get("paths"), dict) and isinstance(record.get("reads"), dict)):
        raise ValueError(f"entry for {path!r} is malformed")
    if not all(isinstance(answer, bool) for answer in record["paths"].values()):
        raise ValueError(f"entry for {path!r} has a malformed path query")
    if not all(isinstance(w, list) and len(w) == 2 and all(isinstance(x, str) for x in w)
               for w in record["warnings"]):
        raise ValueError(f"entry for {path!r} has a malformed warning")
    if not all(isinstance(r, dict) and set(r) <= _REFERENCE_FIELDS for r in record["references"]):
        raise ValueError(f"entry for {path!r} has a malformed reference")

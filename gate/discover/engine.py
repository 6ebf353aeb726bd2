"""The discovery engine: walk the repository, read each file safely, hand it to the finders that read it.

Everything that can go wrong with one file (too big, binary, undecodable, a finder crashing) becomes a
`ScanWarning` for that file; the scan always completes.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol, TypeVar

from gate.discover.interface import (
    Discovery,
    FileResult,
    Finder,
    Reference,
    ScanWarning,
    SourceFile,
    scan_failed_reference,
)
from gate.discover.text_files import MAX_TEXT_BYTES
from gate.discover.text_files import decode as _decode

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from gate.discover.artifact_finder import ArtifactFinder
    from gate.discover.url_finder import UrlFinder

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
"""Notebooks carry their outputs (images, tables); their code is still worth parsing well past 10 MB."""
PARALLEL_THRESHOLD = 400
"""From this many files on, the scan starts in a process pool right away."""
SERIAL_SECONDS = 0.05
"""A smaller tree is scanned in this process first. Most are done within this time and never pay for starting a
pool; when files keep passing the prefilter and need parsing (a repository that loads models everywhere), the
files still left after it go to the pool."""
MIN_POOL_FILES = 16
"""Fewer files left than this are not worth starting a pool for."""
BATCH_SIZE = 64

# Directories that hold someone else's code or build output, never the repository's own loading code.
DEFAULT_EXCLUDED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "site-packages", "dist-packages",
    "__pycache__", "build", "dist", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs",
    ".ipynb_checkpoints", ".direnv", ".pixi",
})
# A directory holding one of these may be an environment (virtualenv, conda env), whatever its name.
ENVIRONMENT_MARKERS = ("pyvenv.cfg", "conda-meta")


def is_environment(directory: str, names: set[str]) -> str | None:
    """Why `directory` (whose entry names are `names`) is a Python environment, or None when it is not one.

    A marker file alone proves nothing (an empty `pyvenv.cfg` would hide a whole directory of loaders): the
    interpreter layout must be there too, as `venv` and conda create it.
    """
    def exists(*parts: str) -> bool:
        return os.path.lexists(os.path.join(directory, *parts))

    has_interpreter = (exists("bin", "python") or exists("bin", "python3") or exists("Scripts", "python.exe")
                       or exists("python.exe"))
    if "pyvenv.cfg" in names and has_interpreter and (exists("lib") or exists("Lib")):
        return "a virtualenv (pyvenv.cfg, an interpreter and lib/)"
    if "conda-meta" in names and exists("conda-meta", "history") and (has_interpreter or exists("lib")):
        return "a conda environment (conda-meta/history and lib/)"
    return None


class PartialTree(Protocol):
    """What `discover(tree=...)` reads of a commit exported only in part (`gate.git.PartialExport`)."""

    @property
    def paths(self) -> frozenset[str]: ...

    def fetch(self, absolute: str) -> None: ...


_Paths = TypeVar("_Paths", bound="_RepoPaths")


class _RepoPaths(frozenset):
    """`repo_paths` answered from the disk: membership means the path exists inside the root.

    Cheap for any repository size (no set of every file is built or shipped to workers), and right for
    `--paths` scans too, where only a few files are read but any path may exist. Iterating it yields nothing,
    so callers' "some file lives under this directory" checks fall back to the membership test.
    """

    root: str

    def __new__(cls: type[_Paths], root: str) -> _Paths:
        self = super().__new__(cls)
        self.root = root
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (_RepoPaths, (self.root,))

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str) or not value or "\0" in value or len(value) > 1024:
            return False
        candidate = os.path.normpath(os.path.join(self.root, value))
        if candidate != self.root and not candidate.startswith(self.root + os.sep):
            return False
        return os.path.lexists(candidate)

    def is_directory(self, value: str) -> bool:
        """True when `value` names a directory inside the root (a file named like an id is not a local model)."""
        return value in self and os.path.isdir(os.path.join(self.root, value))


class _ListedPaths(_RepoPaths):
    """`repo_paths` answered from a listing of the whole tree, when the disk holds only part of it (the base
    commit of a pull request, exported only where the scan reads)."""

    listed: frozenset[str]
    _directories: frozenset[str]

    def __new__(cls, root: str, listed: frozenset[str]) -> _ListedPaths:
        self = super().__new__(cls, root)
        self.listed = listed
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (_ListedPaths, (self.root, self.listed))

    def is_directory(self, value: str) -> bool:
        """A directory of the listed tree: some listed path lives below it (the disk holds only part of it)."""
        directories = getattr(self, "_directories", None)
        if directories is None:
            directories = frozenset(path.rpartition("/")[0] for path in self.listed if "/" in path)
            self._directories = directories
        return os.path.normpath(value).replace(os.sep, "/") in directories

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str) or not value or "\0" in value or len(value) > 1024:
            return False
        candidate = os.path.normpath(os.path.join(self.root, value))
        if candidate == self.root:
            return True
        if not candidate.startswith(self.root + os.sep):
            return False
        return candidate[len(self.root) + 1:].replace(os.sep, "/") in self.listed


# --------------------------------------------------------------------------------------------------- finders

_FINDERS: tuple[tuple[Finder, ...], UrlFinder, ArtifactFinder] | None = None


def _load_finders() -> tuple[tuple[Finder, ...], UrlFinder, ArtifactFinder]:
    """(text finders, the URL fallback finder, the artifact finder). Built once per process."""
    global _FINDERS
    if _FINDERS is None:
        from gate.discover.artifact_finder import ArtifactFinder
        from gate.discover.config_finder import ConfigFinder
        from gate.discover.embedded_config import EmbeddedConfigFinder
        from gate.discover.notebook_finder import NotebookFinder
        from gate.discover.python_finder import PythonFinder
        from gate.discover.shell_finder import ShellFinder
        from gate.discover.url_finder import UrlFinder

        text_finders: list[Finder] = [PythonFinder(), NotebookFinder(), ConfigFinder(), ShellFinder(),
                                      EmbeddedConfigFinder()]
        _FINDERS = (tuple(text_finders), UrlFinder(), ArtifactFinder())
    return _FINDERS


# ---------------------------------------------------------------------------------------------- file walking


class _Walk:
    """Collects the files under a root, honouring excludes and never leaving the root through a symlink."""

    def __init__(self, root: str, excludes: Iterable[str]):
        self.root = root
        self.patterns = tuple(_normalise_glob(g) for g in excludes if g and g.strip())
        self.files: list[SourceFile] = []
        self.warnings: list[ScanWarning] = []

    def excluded(self, rel: str, *, is_dir: bool) -> bool:
        name = rel.rsplit("/", 1)[-1]
        if is_dir and (name in DEFAULT_EXCLUDED_DIRS or name.endswith(".egg-info")):
            return True
        return any(_glob_matches(pattern, rel) for pattern in self.patterns)

    def walk(self, top_rel: str = "") -> None:
        stack = [top_rel]
        while stack:
            rel_dir = stack.pop()
            absolute_dir = os.path.join(self.root, rel_dir) if rel_dir else self.root
            try:
                with os.scandir(absolute_dir) as iterator:
                    entries = sorted(iterator, key=lambda e: e.name)
            except OSError as exc:
                self.warnings.append(ScanWarning(rel_dir or ".", f"cannot list directory: {exc.strerror}"))
                continue
            if rel_dir and any(e.name in ENVIRONMENT_MARKERS for e in entries):
                why = is_environment(absolute_dir, {e.name for e in entries})
                if why is not None:  # installed packages, not this repository's code
                    self.warnings.append(ScanWarning(rel_dir, f"skipped: {why}; scan it with --paths if it "
                                                              "holds the repository's own code"))
                    continue
                self.warnings.append(ScanWarning(rel_dir, "has an environment marker (pyvenv.cfg or conda-meta) but "
                                                          "not an environment's layout: scanned like any directory"))
            subdirs = []
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                try:
                    if entry.is_symlink():
                        self._symlink(rel, entry.path)
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if not self.excluded(rel, is_dir=True):
                            subdirs.append(rel)
                    elif entry.is_file(follow_symlinks=False) and not self.excluded(rel, is_dir=False):
                        self.files.append(SourceFile(self.shown(rel), entry.path))
                except OSError as exc:
                    self.warnings.append(ScanWarning(rel, f"cannot read: {exc.strerror}"))
            stack.extend(reversed(subdirs))

    def shown(self, rel: str) -> str:
        """The path as reports show it. A name that is not UTF-8 (the disk allows any bytes) gets `\\xff`
        escapes, with a warning, so it can be written to every report format."""
        shown = _printable(rel)
        if shown != rel:
            self.warnings.append(ScanWarning(shown, "file name is not valid UTF-8 or holds control characters; "
                                                    "shown with backslash escapes"))
        return shown

    def _symlink(self, rel: str, absolute: str) -> None:
        """Symlinks are not followed: a target inside the root is scanned at its own path; anything else is reported."""
        try:
            os.stat(absolute)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.warnings.append(ScanWarning(rel, "symlink loop; not followed"))
            else:
                self.warnings.append(ScanWarning(rel, f"broken symlink ({exc.strerror}); not followed"))
            return
        target = os.path.realpath(absolute)
        if not _inside(self.root, target):
            self.warnings.append(ScanWarning(
                rel, f"symlink points outside the scanned root (to {target}); not followed"))
            return
        link_dir = os.path.dirname(os.path.normpath(absolute))
        if os.path.isdir(target) and (link_dir == target or _inside(target, link_dir)):
            self.warnings.append(ScanWarning(rel, "symlink loop (points at a directory containing it); not followed"))
        # Otherwise the target lies inside the root and is scanned under its own path.

    def add_listed(self, listed: Iterable[str], *, under_review: bool = False) -> None:
        """`--paths` / `--changed-files`: look at exactly these entries; cost scales with their number.

        `under_review`: the files a pull request changes. They are scanned even below a default-excluded
        directory (`build/loader.py` committed by the PR is this repository's code, not build output); the
        user's own `--exclude` patterns still apply."""
        seen: set[str] = set()
        seen_shown = {f.path for f in self.files}
        for given in listed:
            given = given.strip()
            if not given:
                continue
            absolute = os.path.normpath(given if os.path.isabs(given) else os.path.join(self.root, given))
            if not _inside(self.root, absolute):
                self.warnings.append(ScanWarning(given, "listed path is outside the scanned root; skipped"))
                continue
            rel = os.path.relpath(absolute, self.root).replace(os.sep, "/")
            if rel in seen:
                continue
            seen.add(rel)
            parts = rel.split("/")
            excluded_by = next(("/".join(parts[: i + 1]) for i in range(len(parts) - 1)
                                if self.excluded("/".join(parts[: i + 1]), is_dir=True)), None)
            if excluded_by is not None and under_review and not any(
                    _glob_matches(pattern, "/".join(parts[: i + 1])) for pattern in self.patterns
                    for i in range(len(parts))):
                self.warnings.append(ScanWarning(self.shown(rel), (
                    f"under {excluded_by}/, which is excluded by default, but the pull request changes it: scanned")))
                excluded_by = None
            if excluded_by is not None:
                if not any(_glob_matches(pattern, excluded_by) for pattern in self.patterns):
                    # Named on purpose (e.g. a file a pull request changes) yet skipped by a default exclude: say so,
                    # since `build/loader.py` may well be this repository's own code (issue 8: evasion).
                    self.warnings.append(ScanWarning(self.shown(rel), (
                        f"listed for scanning, but under {excluded_by}/, which is excluded by default (dependencies, "
                        "build output, environments): not scanned; review it by hand")))
                continue
            real = os.path.realpath(absolute)
            if real != absolute:  # the path goes through a symlink somewhere
                if not os.path.exists(absolute):
                    self.warnings.append(ScanWarning(rel, "broken symlink or symlink loop; not followed"))
                    continue
                if not _inside(self.root, real):
                    self.warnings.append(ScanWarning(
                        rel, f"symlink points outside the scanned root (to {real}); not followed"))
                    continue
            if os.path.isdir(absolute):
                if not self.excluded(rel, is_dir=True):
                    self.walk(rel)
            elif os.path.isfile(absolute):
                if not self.excluded(rel, is_dir=False) and _printable(rel) not in seen_shown:
                    self.files.append(SourceFile(self.shown(rel), absolute))
            elif not os.path.lexists(absolute):
                self.warnings.append(ScanWarning(rel, "listed for scanning but does not exist (deleted?); skipped"))
            else:
                self.warnings.append(ScanWarning(rel, "listed path is not a regular file; skipped"))


# Characters that would let a file name forge report lines or reorder text on screen: C0/C1 controls, DEL,
# Unicode line/paragraph separators and bidi overrides (the "Trojan Source" characters).
_UNSAFE_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _printable(text: str) -> str:
    """Undecodable bytes from file names (surrogate escapes) as `\\xff`, and control or bidi characters as
    `\\n`-style escapes, so every report format can hold the name and none can be forged by it."""
    if text.isascii() and text.isprintable():  # most names: nothing to escape (no surrogate, no control character)
        return text
    try:
        shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that no file name produced
        shown = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _UNSAFE_IN_NAMES.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), shown)


def shown_path(path: str) -> str:
    """A repository-relative path as every report shows it (see `_Walk.shown`): compare raw names from
    elsewhere (git's list of changed files) with report paths through this."""
    return _printable(path)


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _normalise_glob(pattern: str) -> str:
    pattern = pattern.strip().replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    for suffix in ("/**", "/"):
        if pattern.endswith(suffix):
            pattern = pattern[: -len(suffix)]
    return pattern


def _glob_matches(pattern: str, rel: str) -> bool:
    """gitignore-like: a pattern without `/` matches any path component; one with `/` matches from the root.

    A match on a directory excludes everything under it (the walk prunes it; listed files check prefixes).
    """
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for part in rel.split("/"))
    pattern = pattern.lstrip("/")
    if pattern.startswith("**/"):  # any depth, including none
        return _glob_matches(pattern[3:], rel) or fnmatch.fnmatchcase(rel, pattern)
    if fnmatch.fnmatchcase(rel, pattern):
        return True
    parts = rel.split("/")
    return any(fnmatch.fnmatchcase("/".join(parts[:i]), pattern) for i in range(1, len(parts)))


# ---------------------------------------------------------------------------------------------- file reading


def _starts_like_a_model_file(absolute: str) -> bool:
    """A pickle of any protocol that imports something, a zip, or a compressed wrapper, by content."""
    from gate.verify.containers import COMPRESSED_KINDS, SNIFF_BYTES, sniff

    try:
        with open(absolute, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    kind = sniff(head, complete=len(head) < SNIFF_BYTES, require_import=True)
    return kind in ("pickle", "zip", "tar", "7z") or kind in COMPRESSED_KINDS


_SHEBANG = re.compile(rb"^#![ \t]*(?:\S*/)?(?:env[ \t]+(?:-\S+[ \t]+)*)?(?P<program>[A-Za-z0-9_.+-]+)")


_PROSE_SUFFIXES = (".md", ".markdown", ".rst", ".txt", ".html", ".htm")
"""Documents: a `#!` line at their top is text about a script, not a script (they keep the URL scan)."""


def _by_shebang(absolute: str, text_finders: tuple[Finder, ...]) -> list[Finder]:
    """A script without a suffix a finder knows is read by what its `#!` line runs: python → the Python finder, a
    shell → the shell finder (issue 12: `bin/train` is code even without `.py` or `.sh`; issue 11: `job.slurm`)."""
    try:
        with open(absolute, "rb") as handle:
            head = handle.read(256)
    except OSError:
        return []
    match = _SHEBANG.match(head)
    if match is None:
        return []
    program = match.group("program").decode("ascii")
    from gate.discover.python_finder import PythonFinder
    from gate.discover.shell_finder import ShellFinder

    wanted = PythonFinder if re.fullmatch(r"python[\d.]*|pypy[\d.]*|ipython[\d.]*", program) else (
        ShellFinder if program in ("sh", "bash", "zsh", "dash", "ksh", "ash") else None)
    return [finder for finder in text_finders if wanted is not None and type(finder) is wanted]


def _scan_file(file: SourceFile, repo_paths: frozenset[str] | None) -> tuple[bool, FileResult]:
    """(was it scanned, what was found) for one file, with the cycle collector paused while its finders run (see
    `collector.cycle_collection_paused`); the tree the finders shared is dropped (`release_parse`) before it
    runs again."""
    from gate.discover.collector import cycle_collection_paused

    _load_finders()
    with cycle_collection_paused():
        return _scan_file_unpaused(file, repo_paths)


def _scan_file_unpaused(file: SourceFile, repo_paths: frozenset[str] | None) -> tuple[bool, FileResult]:
    text_finders, url_finder, artifact_finder = _load_finders()
    references: list[Reference] = []
    warnings: list[ScanWarning] = []
    scanned = False

    if artifact_finder.accepts(file.path):
        scanned = True
        _run(artifact_finder, file, "", repo_paths, references, warnings)
        return scanned, FileResult(tuple(references), tuple(warnings))

    accepting = [f for f in text_finders if f.accepts(file.path)]
    if not accepting and not file.path.lower().endswith(_PROSE_SUFFIXES):
        # `bin/train`, `job.slurm`, `run.sbatch`: no suffix a finder knows, a `#!` line that says what runs it
        accepting = _by_shebang(file.absolute, text_finders)
    url_only = not accepting
    if url_only and _starts_like_a_model_file(file.absolute):
        # Loading code can `torch.load("weights.dat")`: a pickle or a torch zip under any name is a model file
        # (issue 8: evasion), and so is an archive that holds one (issue 14). Other zips (`.docx`, `.jar`, ...)
        # are not reported.
        found: list[Reference] = []
        _run(artifact_finder, file, "", repo_paths, found, warnings)
        if any(artifact_finder.is_model_file(reference, file.absolute) for reference in found):
            return True, FileResult(tuple(found), tuple(warnings))
        warnings.clear()
    if url_only:
        if not url_finder.accepts(file.path):
            return False, FileResult()
        # A config without a config suffix (`train_yaml`, `config`): the config finder reads it when it parses,
        # and gives it the URL scan otherwise.
        sniffer = next((f for f in text_finders if (sniffs := getattr(f, "accepts_sniffed", None))
                        and sniffs(file.path)), None)
        accepting = [sniffer or url_finder]

    try:
        size = os.stat(file.absolute).st_size
    except OSError as exc:
        return False, FileResult(warnings=(ScanWarning(file.path, f"cannot read: {exc.strerror}"),))

    limit = MAX_NOTEBOOK_BYTES if file.path.endswith(".ipynb") else MAX_TEXT_BYTES
    if size > limit:
        from gate.discover.url_finder import scan_file_for_urls_bounded

        warnings.append(ScanWarning(
            file.path, f"file is {size / 1_048_576:.1f} MB, over the {limit // 1_048_576} MB text limit: "
                       "not parsed, only scanned for Hub URLs; review it by hand or --exclude it"))
        try:
            references += scan_file_for_urls_bounded(file.absolute, file.path)
        except OSError as exc:
            warnings.append(ScanWarning(file.path, f"cannot read: {exc.strerror}"))
        return True, FileResult(tuple(references), tuple(warnings))

    try:
        with open(file.absolute, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return False, FileResult(warnings=(ScanWarning(file.path, f"cannot read: {exc.strerror}"),))

    if b"\0" in data:
        if url_only:
            return False, FileResult()  # some binary file with an unknown extension: not text, nothing to say
        return True, FileResult(warnings=(ScanWarning(
            file.path, "binary content (NUL bytes) in a file expected to be text; not scanned"),))

    text, decode_warning = _decode(data, file.path)
    del data
    if decode_warning is not None:
        warnings.append(decode_warning)
    try:
        for finder in accepting:
            _run(finder, file, text, repo_paths, references, warnings)
    finally:
        from gate.discover.python_finder import release_parse

        release_parse()  # the finders of this file shared one parse; the next file must not pay for it
    return True, FileResult(tuple(references), tuple(warnings))


def _run(finder: Finder, file: SourceFile, text: str, repo_paths: frozenset[str] | None, references: list[Reference],
         warnings: list[ScanWarning]) -> None:
    """One finder on one file; a crash is reported as a warning with the exception and leaves a dynamic reference
    for the file (`scan_failed_reference`), never lost: what the finder would have found is unknown, not absent."""
    try:
        result = finder.scan(file, text, repo_paths)
    except RecursionError:
        problem = f"{type(finder).__name__} gave up: nesting too deep to analyse"
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the scan
        problem = f"{type(finder).__name__} failed on this file ({type(exc).__name__}: {exc})"
    else:
        references.extend(result.references)
        warnings.extend(result.warnings)
        return
    warnings.append(ScanWarning(file.path, f"{problem}; its references may be missing"))
    references.append(scan_failed_reference(file.path, problem))


class _RecordingPaths(_RepoPaths):
    """`_RepoPaths` that remembers every query and its answer: a cached result is reused only while they hold."""

    queries: dict[str, bool]

    def __new__(cls, root: str) -> _RecordingPaths:
        self = super().__new__(cls, root)
        self.queries = {}
        return self

    def __contains__(self, value: object) -> bool:
        answer = super().__contains__(value)
        if isinstance(value, str):
            self.queries[value] = answer
        return answer


_Scanned = tuple[bool, FileResult, "tuple[dict, dict] | None"]
"""(was it scanned, what was found, the dependencies recorded for the cache or None)."""


def _scan_recorded(file: SourceFile, repo_paths: _RepoPaths, record: bool) -> _Scanned:
    if not record:
        return (*_scan_file(file, repo_paths), None)
    from gate.discover import scan_cache

    recorder = _RecordingPaths(repo_paths.root)
    scan_cache.start_recording()
    try:
        scanned, result = _scan_file(file, recorder)
    finally:
        reads = scan_cache.stop_recording()
    return scanned, result, (dict(recorder.queries), {a: scan_cache.file_fingerprint(a) for a in dict.fromkeys(reads)})


def _scan_batch(batch: list[SourceFile], repo_paths: _RepoPaths, record: bool = False) -> list[_Scanned]:
    return [_scan_recorded(file, repo_paths, record) for file in batch]


def _batches(files: list[SourceFile], size: int) -> Iterator[list[SourceFile]]:
    for start in range(0, len(files), size):
        yield files[start:start + size]


def _usable_cpus() -> int:
    """CPUs this process may run on (a CI container often gets fewer than the machine has)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _pool_context() -> BaseContext:
    import multiprocessing

    # fork starts workers in milliseconds with the finders already imported; spawn elsewhere.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods and os.name == "posix" else "spawn")


def _scan_in_pool(files: list[SourceFile], repo_paths: _RepoPaths, workers: int, record: bool = False) -> list[_Scanned]:
    """`_scan_recorded` results for `files`, in their order, from `workers` processes."""
    from concurrent.futures import ProcessPoolExecutor  # multiprocessing costs imports a small scan never needs

    batch_size = max(8, min(BATCH_SIZE, len(files) // (workers * 8) or 8))
    results = []
    batches = list(_batches(files, batch_size))
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
        futures = [pool.submit(_scan_batch, batch, repo_paths, record) for batch in batches]
        for batch, future in zip(batches, futures, strict=True):
            try:
                results.extend(future.result())
            except Exception as exc:  # noqa: BLE001 - a dead worker loses its batch, never silently
                results.extend((False, FileResult(warnings=(ScanWarning(
                    f.path, f"not scanned: the worker process failed ({type(exc).__name__}: {exc})"),)), None)
                    for f in batch)
    return results


# ---------------------------------------------------------------------------------------------------- public


def discover(root: str, *, paths: Iterable[str] | None = None, excludes: Iterable[str] = (),
             jobs: int | None = None, under_review: Iterable[str] = (), cache_dir: str | None = None,
             tree: PartialTree | None = None) -> Discovery:
    """Every model, dataset and artifact reference under `root` (or only in `paths`, relative to `root`).

    `under_review`: files a pull request changes, scanned in addition even where a default exclude would
    skip them (see `_Walk.add_listed`). `cache_dir`: keep per-file results there and reuse those whose
    content and dependencies are unchanged (`gate.discover.scan_cache`); None scans every file.
    `tree`: `root` holds only part of a tree (an exported commit); `tree.paths` lists every file and directory
    of it (relative to `root`), and `tree.fetch(absolute)` brings one file onto the disk before a finder reads
    it beside the scanned one. Then the scan sees what it would see in the whole tree."""
    if tree is not None:
        from gate.discover import scan_cache

        scan_cache._fetch = tree.fetch
        try:
            return _discover(root, paths, excludes, jobs, under_review, None, tree.paths)
        finally:
            scan_cache._fetch = None
    return _discover(root, paths, excludes, jobs, under_review, cache_dir, None)


def _discover(root: str, paths: Iterable[str] | None, excludes: Iterable[str], jobs: int | None,
              under_review: Iterable[str], cache_dir: str | None,
              listed: frozenset[str] | None) -> Discovery:
    root = os.path.realpath(root)
    if not os.path.isdir(root):
        raise NotADirectoryError(root)
    walker = _Walk(root, excludes)
    if paths is None:
        walker.walk()
    else:
        walker.add_listed(paths)
    if under_review:
        walker.add_listed(under_review, under_review=True)
    files = walker.files
    repo_paths = _RepoPaths(root) if listed is None else _ListedPaths(root, listed)
    warnings: list[ScanWarning] = list(walker.warnings)

    cache = None
    shas: list[str | None] = []
    cached: dict[int, _Scanned] = {}
    if cache_dir is not None:
        from gate.discover import scan_cache
        from gate.discover.collector import cycle_collection_paused

        cache = scan_cache.ScanCache(cache_dir, root)
        with cycle_collection_paused():  # the stored entries and the references rebuilt from them all stay alive
            cache.load()
            shas = cache.content_hashes([(file.path, file.absolute) for file in files],
                                        threads=jobs if jobs is not None else _usable_cpus())
            for index, (file, sha) in enumerate(zip(files, shas, strict=True)):
                if sha is not None and (hit := cache.lookup(file.path, sha, repo_paths)) is not None:
                    cached[index] = (*hit, None)
        warnings.extend(ScanWarning("(scan cache)", problem) for problem in cache.problems)
    to_scan = [file for index, file in enumerate(files) if index not in cached]
    scanned_now = _scan_all(to_scan, repo_paths, jobs, record=cache is not None)
    fresh = iter(scanned_now)
    results = [cached[index] if index in cached else next(fresh) for index in range(len(files))]
    if cache is not None:
        warnings.extend(ScanWarning("(scan cache)", problem)
                        for problem in cache.save([file.path for file in files], shas, results))

    files_scanned = 0
    references: list[Reference] = []
    for scanned, result, _ in results:
        files_scanned += scanned
        references.extend(result.references)
        warnings.extend(result.warnings)

    unique = list(dict.fromkeys(references))  # two finders reading one file may agree on a reference
    unique.sort(key=lambda r: (r.path, r.line, r.column, r.api, r.id or "", r.revision or ""))
    warnings = [ScanWarning(_printable(w.path), _printable(w.message)) for w in warnings]
    warnings = sorted(dict.fromkeys(warnings), key=lambda w: (w.path, w.message))
    return Discovery(root=root, references=tuple(unique), warnings=tuple(warnings), files_scanned=files_scanned)


def _scan_all(files: list[SourceFile], repo_paths: _RepoPaths, jobs: int | None, *, record: bool) -> list[_Scanned]:
    """`_scan_recorded` for each of `files`, in order: in this process, or in a pool when the work is large."""
    if not files:
        return []
    _load_finders()  # import once here so forked workers inherit it
    workers = jobs if jobs is not None else _usable_cpus()
    results: list[_Scanned] = []
    pending = files
    if workers > 1 and len(files) < PARALLEL_THRESHOLD:
        deadline = time.perf_counter() + SERIAL_SECONDS
        done = 0
        while done < len(files) and time.perf_counter() < deadline:
            results.append(_scan_recorded(files[done], repo_paths, record))
            done += 1
        pending = files[done:]
    if workers > 1 and len(pending) >= MIN_POOL_FILES:
        results += _scan_in_pool(pending, repo_paths, workers, record)
    elif pending:
        results += _scan_batch(pending, repo_paths, record)
    return results

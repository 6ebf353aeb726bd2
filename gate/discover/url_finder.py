"""Hub URLs (`huggingface.co`/`hf.co` resolve|blob|raw|tree, incl. `/datasets/`) in text no other finder reads.

The URL helpers here are shared with the config and shell finders, so a Hub URL means the same thing wherever
it is written.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from gate.discover.catalog.model_files import MODEL_FILE_SUFFIXES
from gate.discover.catalog.python_apis import HUB_URL_GATEWAYS
from gate.discover.hubids import HubLocation, is_pinned, looks_like_hub_id, normalize_url, parse_hub_url
from gate.discover.interface import FileResult, Finder, Reference, SourceFile, file_suffix

# Where a URL ends in running text: whitespace, quotes, brackets, and markup delimiters.
# Scheme and host are case-insensitive (`HTTPS://HuggingFace.CO/...` is fetched all the same).
HUB_URL_SPAN = re.compile(r"(?i:https?://(?:www\.)?(?:huggingface\.co|hf\.co))/[^\s\"'<>()\[\]{}\\`,;|]+")
_VERBS = ("resolve", "blob", "raw", "tree")
HUB_URL_MARKERS = ("huggingface.co/", "hf.co/")
COMMENT_MARKERS = ("#", ";", "//")

# Documentation is prose, not loading code (issue 2: skip Markdown).
PROSE_SUFFIXES = frozenset({".md", ".markdown", ".mdx", ".rst", ".adoc"})
# Files that are never text; reading them for URLs would only cost time.
BINARY_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".tif", ".tiff", ".svgz", ".psd",
    ".pdf", ".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".whl", ".egg", ".jar",
    ".so", ".dylib", ".dll", ".exe", ".o", ".a", ".lib", ".pyc", ".pyo", ".pyd", ".class", ".wasm",
    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".wav", ".flac", ".ogg", ".avi", ".mov",
    ".mkv", ".webm", ".parquet", ".arrow", ".feather", ".tfrecord", ".db", ".sqlite", ".sqlite3", ".lmdb",
    ".tflite", ".mlmodel", ".msgpack", ".model", ".ipynb",
}) | MODEL_FILE_SUFFIXES


def hub_url_through_gateway(url: str) -> str:
    """The Hub file URL a download gateway's URL stands for (`catalog.HUB_URL_GATEWAYS`), else `url` itself."""
    for prefix, organisation in HUB_URL_GATEWAYS:
        if url.startswith(prefix):
            name, _, rest = url[len(prefix):].partition("/")
            revision, _, file = rest.partition("/")
            if name and revision and file:
                return f"https://huggingface.co/{organisation}/{name}/resolve/{revision}/{file}"
    return url


def locate_hub_url(url: str) -> HubLocation | None:
    """A Hub URL that names a file or tree at a revision (`/resolve/<rev>/...`); None for anything else."""
    url = normalize_url(url)
    location = parse_hub_url(url)
    if location is None:
        return None
    if location.revision is None:
        # A legacy unqualified id (`/gpt2/resolve/main/x`) is read by the id pattern as `gpt2/resolve`.
        first, _, second = location.id.partition("/")
        rest = url.split(location.id, 1)[1].lstrip("/").split("/")
        if second in _VERBS and rest and rest[0]:
            location = HubLocation(location.kind, first, rest[0], "/".join(rest[1:]) or None)
        else:
            return None
    if location.kind == "space":
        return None  # a Space is an app, not something code loads
    if not looks_like_hub_id(location.id, allow_legacy=True):
        return None
    return location


def _has_marker_in_any_case(text: str) -> bool:
    """The host in another case (`HuggingFace.co/`): rare, so only looked for when the exact markers are absent."""
    return ("o/" in text or "O/" in text) and any(marker in text.lower() for marker in HUB_URL_MARKERS)


LINK_TARGET_OPENERS = ("](", 'href="', "href='")
"""What a Hub URL follows when it is the target of a Markdown link (`[license](https://huggingface.co/org/m/blob/main/
LICENSE)`) or an HTML anchor (`<a href="...">`): a link for a person to follow, in text shown to one (a
`gr.Markdown` block, a card template, a page), not something code fetches."""


def iter_hub_urls(text: str) -> Iterator[tuple[int, str, HubLocation]]:
    """(offset, url, location) for every Hub file/tree URL in `text` that is not a link target."""
    if not any(marker in text for marker in HUB_URL_MARKERS) and not _has_marker_in_any_case(text):
        return
    for match in HUB_URL_SPAN.finditer(text):
        if text.endswith(LINK_TARGET_OPENERS, max(0, match.start() - 6), match.start()):
            continue
        url = match.group(0).rstrip(".:")
        location = locate_hub_url(url)
        if location is not None:
            yield match.start(), url, location


def url_reference(location: HubLocation, *, path: str, line: int, column: int, api: str, syntax: str) -> Reference:
    """The reference a Hub URL makes; its pin is the `/resolve/<rev>/` segment."""
    return Reference(
        kind="dataset" if location.kind == "dataset" else "model",
        source="url",
        id=location.id,
        revision=location.revision,
        pinned=is_pinned(location.revision),
        pinnable=True,
        path=path,
        line=line,
        column=column,
        api=api,
        syntax=syntax,
        revision_key="url",
    )


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts, for turning an offset into (line, column) with bisect."""
    starts = [0]
    find = text.find
    position = find("\n")
    while position != -1:
        starts.append(position + 1)
        position = find("\n", position + 1)
    return starts


def position(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset`."""
    from bisect import bisect_right

    index = bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1


def scan_text_for_urls(text: str, path: str, *, api: str = "url", syntax: str = "url",
                       first_line: int = 1) -> list[Reference]:
    """Every Hub URL in `text`, with its line and column (lines counted from `first_line`)."""
    found = list(iter_hub_urls(text))
    if not found:
        return []
    starts = line_starts(text)
    references = []
    for offset, _url, location in found:
        line, column = position(starts, offset)
        references.append(url_reference(location, path=path, line=line + first_line - 1, column=column,
                                        api=api, syntax=syntax))
    return references


def scan_file_for_urls_bounded(absolute: str, path: str, *, chunk_size: int = 1 << 20) -> list[Reference]:
    """Hub URLs in a file of any size, read in chunks: memory stays bounded and a huge single line cannot hang.

    Each round keeps the last `overlap` characters for the next one and only reports URLs that start before
    them, so a URL split across two reads is seen exactly once.
    """
    overlap = 4096
    references: list[Reference] = []
    line_at_start, column_at_start = 1, 1  # where the current chunk begins in the file
    carried = ""
    # An incremental decoder keeps a multi-byte character that a read cuts in two whole.
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    with open(absolute, "rb") as handle:
        while True:
            raw = handle.read(chunk_size)
            chunk = carried + decoder.decode(raw, final=not raw)
            last = not raw
            cut = len(chunk) if last else max(len(chunk) - overlap, 0)
            for offset, _url, location in iter_hub_urls(chunk):
                if offset >= cut:
                    continue
                line_start = chunk.rfind("\n", 0, offset) + 1
                if (line_start or column_at_start == 1) and \
                        chunk[line_start:offset].lstrip().startswith(COMMENT_MARKERS):
                    continue  # a whole-line comment documents a URL, as `UrlFinder.scan` reads it
                before = chunk[:offset]
                newlines = before.count("\n")
                if newlines:
                    line, column = line_at_start + newlines, offset - before.rfind("\n")
                else:
                    line, column = line_at_start, column_at_start + offset
                references.append(url_reference(location, path=path, line=line, column=column,
                                                api="url", syntax="url"))
            if last:
                return references
            consumed, carried = chunk[:cut], chunk[cut:]
            newlines = consumed.count("\n")
            if newlines:
                line_at_start += newlines
                column_at_start = len(consumed) - consumed.rfind("\n")
            else:
                column_at_start += len(consumed)


class UrlFinder(Finder):
    """Hub URLs in text files that no other finder understands (`.txt`, `.cfg`, `.ini`, `.env`, `.js`, ...)."""

    def accepts(self, path: str) -> bool:
        suffix = file_suffix(path).lower()
        return suffix not in PROSE_SUFFIXES and suffix not in BINARY_SUFFIXES

    def scan(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        references = scan_text_for_urls(text, file.path)
        if references:
            lines = text.split("\n")
            # A whole-line comment (`#`, `;`, `//`) documents a URL; it does not load it.
            references = [r for r in references if not lines[r.line - 1].lstrip().startswith(COMMENT_MARKERS)]
        return FileResult(references=tuple(references))

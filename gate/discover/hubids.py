"""What a Hub id, a pin and a Hub URL look like. Shared by every finder so they agree."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gate.discover.interface import Reference, ScanWarning

FULL_SHA = re.compile(r"[0-9a-f]{40}")
# org/name as the Hub accepts it (letters, digits, -, _, .; no leading/trailing separators, no '--' or '..').
_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?"
HUB_ID = re.compile(rf"{_PART}/{_PART}")
LEGACY_ID = re.compile(_PART)


def is_pinned(revision: str | None) -> bool:
    """Only a full 40-character lowercase hex commit is immutable; branches, tags and short shas move."""
    return revision is not None and FULL_SHA.fullmatch(revision) is not None


def looks_like_hub_id(value: str, *, allow_legacy: bool = False) -> bool:
    """`org/name` (or, where the API is unambiguous, a legacy unqualified id like `gpt2`)."""
    if not isinstance(value, str) or not value or len(value) > 200:
        return False
    if "--" in value or ".." in value:
        return False
    if HUB_ID.fullmatch(value):
        return True
    return allow_legacy and LEGACY_ID.fullmatch(value) is not None


INFERENCE_URL = re.compile(rf"(?i:https?://(?:api-inference\.huggingface\.co|router\.huggingface\.co/hf-inference))"
                           rf"/models/({_PART}/{_PART})(?:[/?#]|$)")
"""The serverless Inference API's model URL (and the router's `hf-inference` form): the id is in the path."""


def inference_url_id(value: str) -> str | None:
    """`https://api-inference.huggingface.co/models/org/m` → `org/m`; None for any other string."""
    match = INFERENCE_URL.match(value.strip())
    return match.group(1) if match is not None and looks_like_hub_id(match.group(1)) else None


def joined_ids(value: str) -> list[str] | None:
    """The parts of a `+`-joined list of ids (`librispeech_asr+google/fleurs`, as distil-whisper and parler-tts
    scripts take `--dataset_name`), or None when `value` is not one. Each part is a reference of its own: a
    list must not hide its members because the whole string is not one id."""
    if "+" not in value or looks_like_hub_id(value):
        return None
    parts = [part.strip() for part in value.split("+")]
    if len(parts) < 2 or not all(looks_like_hub_id(part, allow_legacy=True) for part in parts):
        return None
    if any(_NUMBER.fullmatch(part) for part in parts):
        return None  # `100+360+2.9`: sample counts or weights joined the same way, not names
    return parts


_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def named_id(text: str) -> str:
    """The id of a named adapter as servers take it: `name=org/a`, a JSON `{"name": ..., "path": "org/a"}` (vLLM
    `--lora-modules`), or a bare `org/a`; "" when a JSON form holds no path."""
    if text.lstrip().startswith("{"):
        try:
            loaded = json.loads(text)
        except ValueError:
            return ""
        return str(loaded.get("path", "")) if isinstance(loaded, dict) else ""
    return text.partition("=")[2] or text


JOINED_BARE_PART = "{part} (in the '+'-joined list {value!r}: the script chooses the namespace of names without one)"
"""Expression of the dynamic reference a bare part of a joined list gets: which repository it names is the
reading script's choice (distil-whisper prepends its own organisation), so it is reported, never guessed."""


def is_local_path(value: str, repo_paths: frozenset[str] | None = None) -> bool:
    """`./x`, `/x`, `../x`, `~/x`, Windows drives, or a relative path that is a directory in the repository.

    Only a directory: loaders read a local model or dataset from a directory, so a placeholder *file* named like
    an id (`evil-org/backdoor`) must not turn the id into a local path (issue 12). Callers whose API never reads
    local paths pass `repo_paths=None`.
    """
    if value.startswith(("./", "/", "../", "~", ".\\")) or value in (".", ".."):
        return True
    if re.match(r"^[A-Za-z]:[\\/]", value):
        return True
    if repo_paths is not None:
        clean = value.rstrip("/")
        is_directory: Callable[[str], bool] | None = getattr(repo_paths, "is_directory", None)
        if is_directory is not None:
            return is_directory(clean)
        prefix = clean + "/"
        # A directory in the repo: some tracked file lives under it.
        return any(p.startswith(prefix) for p in repo_paths) if len(repo_paths) < 50_000 else False
    return False


@dataclass(frozen=True)
class HubLocation:
    """A Hub repository named inside a string (URL, hf:// path, hf-hub: name)."""

    kind: str  # "model" | "dataset" | "space"
    id: str
    revision: str | None
    filename: str | None = None


_URL = re.compile(
    r"(?i:https?://(?:www\.)?(?:huggingface\.co|hf\.co))/"
    r"(?:(?P<type>datasets|spaces)/)?"
    r"(?P<id>[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?)"
    r"(?:/(?P<verb>resolve|blob|raw|tree)/(?P<rev>[^/\s\"'?#]+)(?:/(?P<file>[^\s\"'?#]*))?)?"
)


_UNRESERVED_ESCAPE = re.compile(r"%(2[dDeE]|5[fF]|7[eE]|3[0-9]|[46][1-9a-fA-F]|[57][0-9aA])")
_AUTHORITY = re.compile(r"(?i)(https?://[^/?#]*)(.*)", re.DOTALL)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, as curl, requests/urllib3 and browsers apply it before sending a request."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
            continue
        if segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
            continue
        output.append(segment)
    return "/".join(output)


def normalize_url(url: str) -> str:
    """The URL as an RFC 3986 client sends it: percent-escapes of unreserved characters decoded (`%2e` → `.`),
    then `.`/`..` segments removed from the path. A URL whose text names an allowlisted repository can
    otherwise fetch another one (`/org/ok/resolve/<sha>/../../../evil/m/resolve/main/x`)."""
    match = _AUTHORITY.match(url)
    if match is None:
        return url
    authority, rest = match.groups()
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i != -1), default=len(rest))
    path, tail = rest[:cut], rest[cut:]
    if "%" in path:
        path = _UNRESERVED_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), path)
    if "." in path:
        path = remove_dot_segments(path)
    return authority + path + tail


def parse_hub_url(text: str) -> HubLocation | None:
    """Parse a `huggingface.co/...` or `hf.co/...` URL (resolve|blob|raw|tree, datasets/, spaces/), after
    normalising it as a client would (`normalize_url`)."""
    m = _URL.match(normalize_url(text))
    if not m:
        return None
    kind = {"datasets": "dataset", "spaces": "space"}.get(m.group("type") or "", "model")
    rev = m.group("rev")
    if rev is not None:
        rev = rev.replace("%2F", "/")
    return HubLocation(kind, m.group("id"), rev, m.group("file") or None)


def parse_hf_path(text: str) -> HubLocation | None:
    """Parse `hf://[datasets/|spaces/]org/name[@rev][/path]` as used by HfFileSystem, pandas, keras_hub."""
    if not text.startswith("hf://"):
        return None
    rest = text[len("hf://"):]
    kind = "model"
    for prefix, k in (("datasets/", "dataset"), ("spaces/", "space"), ("models/", "model")):
        if rest.startswith(prefix):
            kind, rest = k, rest[len(prefix):]
            break
    parts = rest.split("/")
    if len(parts) < 2 and "@" not in rest:
        return None
    if "@" in parts[0]:  # legacy id with revision
        name, rev = parts[0].split("@", 1)
        return HubLocation(kind, name, rev or None, "/".join(parts[1:]) or None)
    org, name_rev = parts[0], parts[1] if len(parts) > 1 else ""
    name, _, rev = name_rev.partition("@")
    if not org or not name:
        return None
    return HubLocation(kind, f"{org}/{name}", rev or None, "/".join(parts[2:]) or None)


# Letters from other scripts that render like ASCII ones (the common confusables of Unicode TR39, Latin-lookalike
# subset). NFKC already folds full-width forms (`／` → `/`) and compatibility characters.
_CONFUSABLES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "һ": "h", "ӏ": "l", "к": "k", "ԛ": "q", "ԝ": "w", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
    "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "α": "a", "ο": "o",
    "ν": "v", "ρ": "p", "ι": "i", "κ": "k", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "‐": "-", "‑": "-", "‒": "-", "–": "-",
    "−": "-",
})


@dataclass(frozen=True)
class LookAlike:
    """An id written with characters that make it read like another, ASCII, id."""

    ascii_id: str
    """What it reads as."""
    characters: tuple[str, ...]
    """The odd characters, as `U+0430 CYRILLIC SMALL LETTER A`."""


def look_alike_warnings(references: Iterable[Reference], path: str) -> list[ScanWarning]:
    """A warning for each reference whose id only looks like a Hub id (homoglyphs): it names another repository."""
    from gate.discover.interface import ScanWarning

    warnings: list[ScanWarning] = []
    for reference in references:
        imitated = look_alike(reference.id) if reference.id else None
        if imitated is not None:
            warnings.append(ScanWarning(path, (
                f"line {reference.line}: the id '{reference.id}' only looks like '{imitated.ascii_id}': it contains "
                f"{', '.join(imitated.characters)}, so it names another repository (or none)")))
    return warnings


def look_alike(value: str, *, allow_legacy: bool = True) -> LookAlike | None:
    """If `value` is not a valid Hub id but reads like one (homoglyphs, full-width or invisible characters),
    the id it imitates; otherwise None."""
    import unicodedata

    if value.isascii() or len(value) > 200:
        return None
    folded = unicodedata.normalize("NFKC", value).translate(_CONFUSABLES)
    skeleton = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    if skeleton == value or not skeleton.isascii() or not looks_like_hub_id(skeleton, allow_legacy=allow_legacy):
        return None
    odd = tuple(dict.fromkeys(
        f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED CHARACTER')}" for c in value if not c.isascii()))
    return LookAlike(skeleton, odd)

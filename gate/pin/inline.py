"""Pins that live inside the id string: `hf://org/m@<sha>/…`, `hf-hub:org/m@<sha>`, `…/resolve/<sha>/…`, and
pyannote's bare `org/m@<sha>`.

Shared by every rewriter (a Python literal, a YAML value and a shell word all hold the same strings).
"""

from __future__ import annotations

import re

from gate.discover.interface import Reference

_HF_PATH_PREFIX = re.compile(r"hf://(?:(?:datasets|spaces|models)/)?")
_HUB_NAME_PREFIX = re.compile(r"hf[-_]hub:")
_NO_PREFIX = re.compile("")
# Where the revision sits in a Hub URL: after resolve|blob|raw|tree, up to the next separator.
_URL_REVISION = r"(?P<before>(?:huggingface\.co|hf\.co)/(?:(?:datasets|spaces)/)?{id}/(?:resolve|blob|raw|tree)/)(?P<rev>[^/\s\"'?#]+)"


def _pin_after_prefix(value: str, prefix: re.Pattern, reference: Reference, sha: str, *, allow_path: bool) -> str | None:
    m = prefix.match(value)
    if not m or not reference.id:
        return None
    head, rest = value[: m.end()], value[m.end():]
    if not rest.lower().startswith(reference.id.lower()):
        return None
    written_id, after = rest[: len(reference.id)], rest[len(reference.id):]
    if after.startswith("@"):
        revision, slash, remainder = after[1:].partition("/")
        tail = slash + remainder
    else:
        revision, tail = "", after
    if tail and not (allow_path and tail.startswith("/")):
        return None  # the id is only the start of a longer name
    if revision != (reference.revision or ""):
        return None  # a different revision than the one resolved: not this reference
    return f"{head}{written_id}@{sha}{tail}"


def url_revision_spans(text: str, reference: Reference) -> list[tuple[int, int]]:
    """Spans of the revision segment of every Hub URL of `reference` in `text` that follows its revision."""
    if not reference.id:
        return []
    pattern = re.compile(_URL_REVISION.format(id=re.escape(reference.id)), re.IGNORECASE)
    spans = []
    for m in pattern.finditer(text):
        written = m.group("rev").replace("%2F", "/")
        if reference.revision is None or written == reference.revision:  # another revision: another reference
            spans.append(m.span("rev"))
    return spans


def pin_url(value: str, reference: Reference, sha: str) -> str | None:
    """`value` with every Hub URL of `reference` pinned to `sha`; None when there is none to pin."""
    spans = url_revision_spans(value, reference)
    for start, end in reversed(spans):
        value = value[:start] + sha + value[end:]
    return value if spans else None


def pin_inside(value: str, reference: Reference, sha: str) -> str | None:
    """`value` with the pin written inside it, or None when `value` does not name `reference` in a pinnable way."""
    if value.startswith("hf://"):
        return _pin_after_prefix(value, _HF_PATH_PREFIX, reference, sha, allow_path=True)
    if _HUB_NAME_PREFIX.match(value):
        return _pin_after_prefix(value, _HUB_NAME_PREFIX, reference, sha, allow_path=False)
    if value.startswith("timm/") and value == reference.id and reference.api.startswith("timm.") \
            and reference.revision is None:
        # `timm.create_model("timm/<name>", pretrained=True)`: timm reads a revision only in an `hf-hub:` name
        return f"hf-hub:{value}@{sha}"
    if reference.id and (value.lower() == reference.id.lower() or value.lower().startswith(reference.id.lower() + "@")):
        # pyannote's `org/name@<revision>`: the revision follows the bare id in the same string
        return _pin_after_prefix(value, _NO_PREFIX, reference, sha, allow_path=False)
    return pin_url(value, reference, sha)

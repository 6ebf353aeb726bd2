"""The pin command's contract: references plus resolved commits in, rewritten file text out.

Rewriters are pure functions of (text, pins): no I/O, no network, so every form is unit-testable with hand-built
`Reference`s. Anything a rewriter cannot change safely comes back as a `Skipped` with the reason; it never guesses.
"""

from __future__ import annotations

import abc
import datetime as _dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from gate.discover.interface import Reference
from gate.pin.textedit import Edit, overlaps


@dataclass(frozen=True)
class Pin:
    """One reference and the commit its branch or tag points at today."""

    reference: Reference
    sha: str
    """The full 40-hex commit the revision resolved to."""
    followed: str | None
    """The branch or tag it was resolved from, as written; None when the reference follows the default branch."""
    resolved_on: _dt.date

    def comment(self) -> str:
        """Why the sha is there, for the next reader: `pinned from main on 2026-11-29 by model-gate pin`."""
        return pin_comment([self])


@dataclass(frozen=True)
class Skipped:
    """A reference the command leaves as it is, and why."""

    reference: Reference
    reason: str
    resolution_failed: bool = False
    """True when the Hub could not be asked or did not know the revision (the command then exits 3)."""


@dataclass(frozen=True)
class Rewrite:
    """A file's new text and what went into it."""

    text: str
    pinned: tuple[Pin, ...] = ()
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True)
class SpanPlan:
    """What a span rewriter (config, shell, URL) would change, as edits on the original text.

    Edits from several span rewriters of one file are merged and applied together, so none of them shifts
    the lines another one points at."""

    changes: tuple[tuple[Pin, Edit], ...] = ()
    """Each applied pin with its edit; two references to one place (a YAML alias) share one edit."""
    skipped: tuple[Skipped, ...] = ()

    @property
    def pinned(self) -> tuple[Pin, ...]:
        return tuple(pin for pin, _ in self.changes)

    @property
    def edits(self) -> tuple[Edit, ...]:
        return tuple(dict.fromkeys(edit for _, edit in self.changes))

    @classmethod
    def collect(cls, planned: Sequence[tuple[Pin, Edit | str]], taken: Sequence[Edit] = ()) -> SpanPlan:
        """From (pin, its edit or the reason there is none): no two different edits touch the same place,
        neither among themselves nor with the edits already `taken`."""
        edits: list[Edit] = list(taken)
        changes: list[tuple[Pin, Edit]] = []
        skipped: list[Skipped] = []
        for pin, edit in planned:
            if isinstance(edit, str):
                skipped.append(Skipped(pin.reference, edit))
            elif edit in edits:  # the same change for another reference to the same place
                changes.append((pin, edit))
            elif overlaps(edit, edits):
                skipped.append(Skipped(pin.reference, "another reference already changes this place"))
            else:
                edits.append(edit)
                changes.append((pin, edit))
        return cls(tuple(changes), tuple(skipped))


class SpanRewriter(abc.ABC):
    """Plans the pins of some `Reference.syntax` values in one file. One concrete rewriter per module."""

    syntaxes: tuple[str, ...] = ()

    @abc.abstractmethod
    def plan(self, path: str, text: str, pins: Sequence[Pin]) -> SpanPlan:
        """Edits applying every pin it can; the others come back in `skipped` with the reason."""


PIN_COMMENT_MARK = "by model-gate pin"
"""The end of every comment the command writes: a line that has one was already annotated by an earlier run."""


def pin_comment(pins: Sequence[Pin]) -> str:
    """One comment for the pins written on one line: `pinned from main and v1.0 on 2026-11-29 by model-gate pin`."""
    origins = list(dict.fromkeys(p.followed or "default branch" for p in pins))
    dates = list(dict.fromkeys(p.resolved_on.isoformat() for p in pins))
    return f"pinned from {' and '.join(origins)} on {' and '.join(dates)} {PIN_COMMENT_MARK}"


_STALE_COMMENT = re.compile(rf"{re.escape(PIN_COMMENT_MARK)}|\b(?:not|un)[- ]?pinned\b|\bfollows\b", re.IGNORECASE)
"""A comment part that the pin makes wrong: an earlier run's note, or a note that the line is not pinned."""


def comment_parts(comment: str | None) -> list[str]:
    """`# the base  # pinned from …` → [`the base`, `pinned from …`] (a `#` inside a part, `issue #12`, stays)."""
    body = (comment or "").strip()
    if body.startswith("#"):
        body = body[1:]
    return [part.strip() for part in re.split(r"\s+#\s+", body) if part.strip()]


def kept_comment(existing: str | None) -> str:
    """`existing` without the parts the pin makes wrong (`""` when nothing is left)."""
    return "  ".join(f"# {part}" for part in comment_parts(existing) if not _STALE_COMMENT.search(part))


def updated_comment(existing: str | None, pins: Sequence[Pin]) -> str:
    """The one comment a pinned line ends with, `# ...` included: what someone wrote there (a note, a `noqa`, a
    `type: ignore`) is kept; an earlier run's note, or one saying the line is not pinned or follows a branch, is
    replaced by the new note naming the branch or tag followed and the date."""
    kept = kept_comment(existing)
    return f"{kept}  # {pin_comment(pins)}" if kept else f"# {pin_comment(pins)}"


def comment_start(line: str) -> int | None:
    """Offset of the `#` comment in `line` (YAML, TOML, shell): the first `#` after a space, outside quotes."""
    quote = None
    for i, char in enumerate(line):
        if quote is not None:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and i > 0 and line[i - 1] in " \t":
            return i
    return None


def _line_end(text: str, offset: int) -> int:
    """Offset of the end of the line holding `offset`, before its newline (and the `\r` of CRLF)."""
    end = text.find("\n", offset)
    end = len(text) if end < 0 else end
    return end - 1 if end > offset and text[end - 1] == "\r" else end


def with_line_comment(text: str, edit: Edit, pins: Sequence[Pin]) -> Edit:
    """`edit` extended to the end of its line, whose comment becomes the one up-to-date note (`updated_comment`).
    An edit that spans lines, or a line whose comment cannot be told apart (unbalanced quotes), is left as it is."""
    if "\n" in text[edit.start:edit.end] or "\n" in edit.replacement:
        return edit
    end = _line_end(text, edit.end)
    line_start = text.rfind("\n", 0, edit.start) + 1
    before, rest = text[line_start:edit.start], text[edit.end:end]
    at = comment_start(before + edit.replacement + rest)
    if at is None and "#" in rest or at is not None and at < len(before) + len(edit.replacement):
        return edit  # a `#` the quotes make unclear, or a comment before the edit: left as it is
    at = None if at is None else at - len(before) - len(edit.replacement)
    code, existing = (rest, None) if at is None else (rest[:at], rest[at:])
    return Edit(edit.start, end, f"{edit.replacement}{code.rstrip()}  {updated_comment(existing, pins)}")


def without_stale_comment(text: str, edit: Edit) -> Edit:
    """An edit inserting a line after the id's line (`edit.start` is just past its newline) also drops what the
    id line's comment says that the pin makes wrong (`# not pinned: follows main`)."""
    if edit.start != edit.end or edit.start == 0 or text[edit.start - 1] != "\n":
        return edit
    line_start = text.rfind("\n", 0, edit.start - 1) + 1
    end = _line_end(text, line_start)
    line = text[line_start:end]
    at = comment_start(line)
    if at is None or not any(_STALE_COMMENT.search(part) for part in comment_parts(line[at:])):
        return edit
    kept = kept_comment(line[at:])
    code = line[:at].rstrip()
    return Edit(line_start + len(code), edit.end,
                f"{'  ' + kept if kept else ''}{text[end:edit.start]}{edit.replacement}")

"""A repository file read as text: the size past which it is not parsed, and how its bytes are decoded.

The engine reads every file this way; a finder that reads another file of the repository (`%run script.py`,
`runpy.run_path`) uses the same limit and decoding, without going back to the engine.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import TYPE_CHECKING, Protocol, cast

from gate.discover.interface import ScanWarning

if TYPE_CHECKING:
    class _MatchesEverywhere(Protocol):
        def match(self, string: str, pos: int = 0) -> re.Match[str]: ...

MAX_TEXT_BYTES = 10 * 1024 * 1024
"""Larger files are not parsed; they are only streamed through the Hub URL scan (with a warning)."""

JSON_WHITESPACE = cast("_MatchesEverywhere", re.compile(r"[ \t\n\r]*"))
"""JSON's whitespace, for the readers that walk JSON text by position: `*` matches (maybe empty) anywhere."""


def decode(data: bytes, path: str) -> tuple[str, ScanWarning | None]:
    """UTF-8 (or a Python file's PEP 263 coding cookie); undecodable bytes are replaced, with a warning."""
    encoding = "utf-8"
    if path.endswith(".py"):
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError:
            encoding = "utf-8"
    if encoding in ("utf-8", "utf-8-sig"):
        encoding = "utf-8-sig"  # strip a BOM if present
    try:
        return data.decode(encoding), None
    except (UnicodeDecodeError, LookupError) as exc:
        where = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else ""
        return data.decode("utf-8", errors="replace"), ScanWarning(
            path, f"not valid {encoding.replace('-sig', '').upper()}{where}; undecodable bytes were replaced "
                  "and the rest scanned")

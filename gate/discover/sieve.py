"""One-pass superset tests in front of the Python prefilter's exact ones (issue 11 §6: the scan's speed).

Most files of a tree hold no trigger token and no seam that could spell one. The exact tests
(`python_finder.trigger_tokens_in`, `python_finder._joining_spells_a_trigger`) read such a file in about forty
passes; the sieves here read it in about two, and answer "maybe" or "certainly not". Only "certainly not" skips
the exact test, and it is given only when the exact test would find nothing: a sieve skips work, it never decides
that a file holds nothing (the differential tests in tests/discover/test_sieve.py hold it to that).

How: the text's UTF-8 bytes are translated once per file (`bytes.translate`, a table lookup per byte) so that each
anchor character becomes `\\x01`, each quote `\\x02` and each backslash `\\x03`. A pattern that starts with one literal byte
is scanned by the regex engine at memchr speed, and only where that byte occurs does it try the rest: the tokens as
a trie of what follows their anchor, then a look back at the whole token. A translated text merges the anchors, so
a match may be a false alarm (`mlx/` reads like `mlx_`); a token's own spelling always matches, so nothing is lost.
Tokens made only of common characters are matched on the untranslated bytes, by a trie keyed on a letter they
share. ASCII tokens in UTF-8 bytes match exactly where they match in the text: no multi-byte sequence holds an
ASCII byte.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

ANCHORS = "_/HvbCSAPO"
"""Characters rare in Python source (each under 2 % of the characters of a 1 M-line tree of library code) that
nearly every trigger token holds. Only speed depends on this choice: a token holding none of them is matched by
the untranslated pattern instead."""
_BY_FREQUENCY = " etsraionl,cdp'f_um\"h.()g:yb=0xwv-k#1TNS[]E2`CA\\I3ORPLMD4F5>6/*987|Uq{B}jz+HWVG?@K~<%YX!^$JZ;Q&"
"""The printable ASCII characters of Python source, commonest first (realtree-1m, bench/README.md: 2,067 files of
installed packages): only the choice of anchors depends on it."""
_PASS_COST = 0.05
"""A pass over the text of its own costs about what trying a pattern costs at a character that makes up 1 % of it
(in the units of `_rarity`'s one over the rank: `l`, at rank 9, is 2.5 % of realtree-1m)."""
MIN_TRANSLATED = 4
"""Fewer tokens holding anchors than this are matched on the raw bytes with the others."""
TOKEN_BYTE = b"\x01"
QUOTES = "\"'"
BACKSLASH = "\\"
_PREFIX_LETTERS = "rRbBuUfF"
_SEAM_SPACE = " \t\f\r\n#"

_TABLE = bytes.maketrans((ANCHORS + QUOTES + BACKSLASH).encode(), TOKEN_BYTE * len(ANCHORS) + b"\x02\x02\x03")
"""Anchors → \\x01 (the token sieve), quotes → \\x02 and the backslash → \\x03 (the seam sieve)."""
assert not set(ANCHORS) & set(QUOTES + BACKSLASH + _SEAM_SPACE), "the seam pattern reads these as themselves"

_last: tuple[str, bytes, bytes] | None = None


def _bytes_of(text: str) -> tuple[bytes, bytes]:
    """(UTF-8 bytes of `text`, the same translated by `_TABLE`), kept for the last text asked: the prefilter asks
    about one file's text several times in a row."""
    global _last
    if _last is None or _last[0] is not text:
        raw = text.encode("utf-8", "surrogatepass")
        _last = (text, raw, raw.translate(_TABLE))
    return _last[1], _last[2]


def _trie(entries: list[tuple[bytes, bytes, int]], anchor: bytes, depth: int = 0) -> bytes:
    """A pattern matching what follows `anchor`: `entries` are (the rest of a token after the part matched so
    far, the whole token, where its anchor is in it). At the end of a token the pattern looks back at all of it."""
    children: dict[bytes, list[tuple[bytes, bytes, int]]] = defaultdict(list)
    ends: list[tuple[bytes, int]] = []
    for rest, whole, at in entries:
        if rest:
            children[rest[:1]].append((rest[1:], whole, at))
        else:
            ends.append((whole, at))
    branches = [re.escape(first) + _trie(group, anchor, depth + 1) for first, group in sorted(children.items())]
    looks = [b"(?<=" + re.escape(whole) + b")" for whole, _ in dict.fromkeys(ends)]
    if looks and depth == 0 and all(at > 0 for _, at in ends):
        # Tokens that end at their anchor are checked at every anchor: one character class in front of them
        # turns most anchors away at once.
        before = b"".join(sorted({re.escape(whole[at - 1:at]) for whole, at in ends}))
        looks = [b"(?<=[" + before + b"]" + re.escape(anchor) + b")"
                 + (b"(?:" + b"|".join(looks) + b")" if len(looks) > 1 else looks[0])]
    branches += looks
    if len(branches) == 1:
        return branches[0]
    return b"(?:" + b"|".join(branches) + b")"


def _rarity(character: str) -> int:
    found = _BY_FREQUENCY.find(character)
    return len(_BY_FREQUENCY) // 2 if found < 0 else found


def _anchor_index(token: bytes, anchor: bytes) -> int:
    """Where a token is matched from: its first `anchor` that has something after it (else its first)."""
    positions = [i for i in range(len(token)) if token[i:i + 1] == anchor]
    return next((i for i in positions if i < len(token) - 1), positions[0])


class _Search:
    """One pattern over the translated (or the raw) bytes, for the tokens anchored at one byte, and where each of
    those tokens can start around a match (by the raw bytes at the match: the anchor and the byte after it)."""

    def __init__(self, tokens: list[str], anchor: bytes, translated: bool):
        self.translated = translated
        entries = []
        self.by_pair: dict[bytes, list[tuple[str, bytes, int]]] = defaultdict(list)
        self.by_last: dict[bytes, list[tuple[str, bytes, int]]] = defaultdict(list)
        for token in tokens:
            raw = token.encode()
            spelled = raw.translate(_TABLE) if translated else raw
            at = _anchor_index(spelled, anchor)
            entries.append((spelled[at + 1:], spelled, at))
            if at + 1 < len(raw):
                self.by_pair[raw[at:at + 2]].append((token, raw, at))
            else:
                self.by_last[raw[at:at + 1]].append((token, raw, at))
        self.pattern = re.compile(re.escape(anchor) + _trie(entries, anchor))

    def collect(self, raw: bytes, translated: bytes, found: dict[str, list[int]]) -> None:
        """Every start of each of the tokens in `raw`, into `found` (in increasing order per token)."""
        haystack = translated if self.translated else raw
        search, by_pair, by_last = self.pattern.search, self.by_pair, self.by_last
        match = search(haystack)
        while match is not None:
            at = match.start()
            # The pattern matches at the anchor of every token's every occurrence (and at a few look-alikes):
            # each token that can be anchored here is checked on the raw bytes.
            for token, spelled, index in (*by_pair.get(raw[at:at + 2], ()), *by_last.get(raw[at:at + 1], ())):
                if at >= index and raw.startswith(spelled, at - index):
                    found.setdefault(token, []).append(at - index)
            match = search(haystack, at + 1)


def _character_offsets(raw: bytes, found: dict[str, list[int]]) -> dict[str, list[int]]:
    """`found` with byte offsets into `raw` turned into offsets into the text it encodes (each offset is where an
    ASCII token starts, so always where a character starts)."""
    characters: dict[int, int] = {}
    character = previous = 0
    for offset in sorted({offset for offsets in found.values() for offset in offsets}):
        character += len(raw[previous:offset].decode("utf-8", "surrogatepass"))
        characters[offset] = character
        previous = offset
    return {token: [characters[offset] for offset in offsets] for token, offsets in found.items()}


class TokenSieve:
    """`may_hold(text)` is False only when none of `tokens` occurs in `text` (a superset test, in one or two
    passes); `occurrences(text)` is where each of them occurs, exactly, in about as many."""

    def __init__(self, tokens: Iterable[str]):
        tokens = tuple(dict.fromkeys(tokens))
        self.tokens = frozenset(tokens)
        self._last: tuple[str, dict[str, list[int]]] | None = None
        if any(not token.isascii() or not token for token in tokens):
            raise ValueError("the sieve reads ASCII tokens only")
        anchored = [token for token in tokens if set(token) & set(ANCHORS)]
        if len(anchored) < MIN_TRANSLATED:  # a few tokens cost less as plain patterns than a pass of their own
            anchored = []
        self._searches = [_Search(anchored, TOKEN_BYTE, translated=True)] if anchored else []
        plain = [token for token in tokens if token not in anchored]
        while plain:
            # The character that anchors the most remaining tokens for what its pass costs: the pass itself, and a
            # try of the pattern at each place the character occurs (its share of the text taken to fall off as
            # one over its rank). `t` for two tokens costs more than a pass each for `M` and `x`.
            shared = max(sorted(set("".join(plain))),
                         key=lambda c: sum(c in token for token in plain) / (_PASS_COST + 1 / (_rarity(c) + 1)))
            self._searches.append(_Search([t for t in plain if shared in t], shared.encode(), translated=False))
            plain = [token for token in plain if shared not in token]

    def may_hold(self, text: str) -> bool:
        raw, translated = _bytes_of(text)
        return any(s.pattern.search(translated if s.translated else raw) is not None for s in self._searches)

    def occurrences(self, text: str) -> dict[str, list[int]]:
        """Token → the offset of each of its occurrences in `text` (overlapping ones too, in increasing order, as
        repeated `str.find` gives them); tokens that do not occur are left out. Kept for the last text asked."""
        if self._last is not None and self._last[0] is text:
            return self._last[1]
        raw, translated = _bytes_of(text)
        found: dict[str, list[int]] = {}
        for search in self._searches:
            search.collect(raw, translated, found)
        if found and not text.isascii():
            found = _character_offsets(raw, found)
        self._last = (text, found)
        return found


_last_folded: tuple[str, str] | None = None


def nfkc(text: str) -> str:
    """`text` with its names as Python reads them (NFKC-folded); `text` itself when folding changes nothing (an
    ASCII text, or one already in that form). Kept for the last text asked: the prefilter, the embedded-config
    finder and name resolution all ask about one file's text, and a non-ASCII text costs a pass each time."""
    global _last_folded
    if text.isascii():
        return text
    if _last_folded is None or _last_folded[0] is not text:
        _last_folded = (text, text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text))
    return _last_folded[1]


def line_numbers(text: str, offsets: Iterable[int]) -> list[int]:
    """The 1-based numbers of the lines (ended by `\\n`) that hold these offsets (given in increasing order), each
    once."""
    lines: list[int] = []
    line, previous = 1, 0
    for offset in offsets:
        line += text.count("\n", previous, offset)
        previous = offset
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def lines_holding(text: str, words: Iterable[str]) -> list[int]:
    """The 1-based numbers of the lines (ended by `\\n`) where one of `words` occurs, sorted, each once (a
    `str.find` pass per word: far faster than one pattern alternating them, which has no literal to skip by)."""
    offsets = []
    for word in words:
        index = text.find(word)
        while index >= 0:
            offsets.append(index)
            index = text.find(word, index + 1)
    return line_numbers(text, sorted(offsets))


class SeamSieve:
    """`may_join(text)` is False only when no run of joined literals and backslash-newlines (as
    `python_finder._SEAM` finds them) sits between two characters that follow each other in a token: then joining
    cannot make a token that crosses a join point."""

    def __init__(self, tokens: Iterable[str]):
        self._pairs = frozenset((ord(a), ord(b)) for token in tokens for a, b in zip(token, token[1:], strict=False))

        def byte_class(characters: Iterable[str]) -> bytes:
            translated = {character.encode().translate(_TABLE) for character in characters}
            return b"[" + b"".join(re.escape(b) for b in sorted(translated)) + b"]"

        before = byte_class(chr(a) for a, _ in self._pairs)
        after = byte_class(chr(b) for _, b in self._pairs)
        prefix = byte_class(_PREFIX_LETTERS)
        # python_finder._LITERAL_SEAM and _CONTINUATION, quotes read as \x02 and backslashes as \x03: at a place
        # where one of those starts a run of seams, this matches the same run.
        inside = rb"(?:[ \t\f\r\n]++|\x03\r?\n|#[^\n]*+)*+"
        literal_rest = inside + prefix + rb"{0,2}\x02"
        seams = rb"(?:\x02" + literal_rest + rb"|\x03\r?\n)*(?=" + after + rb")"
        self._patterns = (re.compile(rb"\x02(?<=" + before + rb"\x02)" + literal_rest + seams),
                          re.compile(rb"\x03(?<=" + before + rb"\x03)\r?\n" + seams))

    def may_join(self, text: str) -> bool:
        raw, translated = _bytes_of(text)
        pairs = self._pairs
        for pattern in self._patterns:
            match = pattern.search(translated)
            while match is not None:
                # Where the run starts the pattern matches exactly that run; elsewhere (inside another seam) it
                # may match something else: then the search goes on from the next byte, so no run is passed over.
                if (raw[match.start() - 1], raw[match.end()]) in pairs:
                    return True
                match = pattern.search(translated, match.start() + 1)
        return False

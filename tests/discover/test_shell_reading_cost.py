"""The shell finder's reading stays exact where it was made fast (the shell fuzz target's hot spots, issue 12)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gate.discover import shell_finder
from gate.discover.shell_finder import _plain_tokens, _quoted_newlines, _shlex_tokens, scan_shell_text

# Everything shlex treats specially except quotes and escapes (those texts go to shlex itself), plus characters
# shlex does not count as whitespace.
_UNQUOTED = st.text(st.sampled_from(list("ab1-=$/{}#~*?.()|;&<> \t\r\n\x0b\x1c\x1f\u00e9\u3000")), max_size=40)


@settings(max_examples=600, deadline=None)
@given(_UNQUOTED)
def test_text_without_quotes_is_split_exactly_as_shlex_splits_it(text):
    # The words and where shlex stops reading after each (the offsets that place every word on its column).
    assert list(_plain_tokens(text)) == list(_shlex_tokens(text))


def test_a_word_ends_where_shlex_stops_reading():
    # shlex consumes the whitespace after a word and puts back any other character that ends it
    assert list(_plain_tokens("a;b  &&c |d\te")) == [("a", 1), (";", 2), ("b", 4), ("&&", 7), ("c", 9),
                                                     ("|", 10), ("d", 12), ("e", 13)]


def test_a_stray_quote_is_read_once_per_line_and_state(monkeypatch):
    """Every line opens a quote that stays open (`\\'` is an escaped quote outside quotes, a backslash and a closing
    quote inside them), so the scan gives up after 64 lines and restarts on the next one; each line is read at most
    once per opening state (it was 64 times: 127,920 readings of these 2,000 lines)."""
    lines = ["echo \\' it'"] * 2000
    calls = []
    original = shell_finder._quote_state
    monkeypatch.setattr(shell_finder, "_quote_state", lambda line, state: calls.append(state) or original(line, state))
    assert _quoted_newlines(lines) == frozenset()
    assert len(calls) <= 3 * len(lines)


def test_stray_quotes_do_not_hide_the_commands_after_them():
    text = "echo don't\n" * 100 + "hf download org/after --revision main\n"
    (reference,) = scan_shell_text(text, "x.sh")
    assert (reference.id, reference.line, reference.revision) == ("org/after", 101, "main")

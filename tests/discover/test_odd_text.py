"""Arbitrary text never crashes the config, shell and URL finders (property tests, kept small and fast)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gate.discover.config_finder import ConfigFinder
from gate.discover.interface import SourceFile
from gate.discover.shell_finder import ShellFinder, scan_shell_text
from gate.discover.url_finder import scan_text_for_urls

# Characters that matter to the parsers: quotes, escapes, YAML/JSON/TOML punctuation, shell operators.
ALPHABET = st.sampled_from(list("ab/-_.:=$ {}[]()\"'\\\n\t#&|;!<>*@,`%") +
                           ["hf download ", "--revision ", "model_id", "huggingface.co/", "resolve/", "\x00", "é"])
TEXT = st.lists(ALPHABET, max_size=80).map("".join)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.sampled_from(["c.yaml", "c.json", "pyproject.toml"]))
def test_config_finder_never_raises(text, path):
    result = ConfigFinder().scan(SourceFile(path, "/x/" + path), "model_id: org/a\n" + text, None)
    assert all(r.line >= 1 and r.column >= 1 for r in result.references)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.sampled_from(["run.sh", "Dockerfile", "Makefile", ".github/workflows/a.yml", "compose.yaml"]))
def test_shell_finder_never_raises(text, path):
    result = ShellFinder().scan(SourceFile(path, "/x/" + path), text, None)
    assert all(r.line >= 1 and r.column >= 1 for r in result.references)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_shell_text_lines_stay_inside_the_text(text):
    lines = text.count("\n") + 1
    for reference in scan_shell_text(text, "x.sh"):
        assert 1 <= reference.line <= lines


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_url_scan_never_raises(text):
    for reference in scan_text_for_urls("https://huggingface.co/" + text, "x.txt"):
        assert reference.source == "url"

"""Hub URLs in text files no other finder reads (Markdown is skipped)."""

from __future__ import annotations

import pytest

from gate.discover.engine import discover
from gate.discover.url_finder import UrlFinder, scan_file_for_urls_bounded, scan_text_for_urls
from tests.discover.expected_refs import actual, expected


def test_fixture_gives_exactly_the_expected_references():
    from tests.discover.expected_refs import FIXTURES

    assert actual(discover(str(FIXTURES / "urls" / "repo"))) == expected("urls")


@pytest.mark.parametrize("url, kind, repo_id, revision", [
    ("https://huggingface.co/org/m/resolve/main/a.bin", "model", "org/m", "main"),
    ("https://huggingface.co/org/m/blob/v1.0/a.bin", "model", "org/m", "v1.0"),
    ("https://huggingface.co/org/m/raw/" + "c" * 40 + "/config.json", "model", "org/m", "c" * 40),
    ("https://hf.co/org/m/tree/main", "model", "org/m", "main"),
    ("https://huggingface.co/datasets/org/d/resolve/main/x.parquet", "dataset", "org/d", "main"),
    ("https://huggingface.co/gpt2/resolve/main/config.json", "model", "gpt2", "main"),
    ("http://www.huggingface.co/org/m/resolve/refs%2Fpr%2F1/x", "model", "org/m", "refs/pr/1"),
])
def test_url_forms(url, kind, repo_id, revision):
    (reference,) = scan_text_for_urls(f"x = {url}\n", "a.txt")
    assert (reference.kind, reference.id, reference.revision, reference.source, reference.revision_key) == (
        kind, repo_id, revision, "url", "url")
    assert reference.pinned is (revision == "c" * 40)


@pytest.mark.parametrize("text", [
    "https://huggingface.co/org/m", "https://huggingface.co/spaces/org/app/blob/main/app.py",
    "https://huggingface.co/docs/hub/index", "https://example.com/org/m/resolve/main/x",
])
def test_not_references(text):
    assert scan_text_for_urls(text, "a.txt") == []


@pytest.mark.parametrize("path, accepted", [
    ("notes.txt", True), ("setup.cfg", True), (".env", True), ("app.js", True), ("LICENSE", True),
    ("README.md", False), ("docs/x.rst", False), ("image.png", False), ("model.bin", False),
])
def test_accepts(path, accepted):
    assert UrlFinder().accepts(path) is accepted


def test_bounded_scan_matches_the_in_memory_scan_across_chunk_boundaries(tmp_path):
    url = "https://huggingface.co/org/m/resolve/main/x.bin"
    text = ("a" * 1000 + " " + url + "\n") * 50 + "b" * 5000 + url
    path = tmp_path / "big.txt"
    path.write_text(text)
    in_memory = scan_text_for_urls(text, "big.txt")
    assert len(in_memory) == 51
    assert scan_file_for_urls_bounded(str(path), "big.txt", chunk_size=777) == in_memory


def test_whole_line_comments_are_documentation(tmp_path):
    (tmp_path / "settings.ini").write_text(
        "# from https://huggingface.co/org/doc/resolve/main/x\n; https://huggingface.co/org/doc2/resolve/main/x\n"
        "url = https://huggingface.co/org/real/resolve/main/x  # trailing comment\n")
    (tmp_path / "app.js").write_text("// https://huggingface.co/org/doc3/resolve/main/x\n"
                                     "fetch('https://huggingface.co/org/js/resolve/main/x')\n")
    assert [(r.path, r.id, r.line) for r in discover(str(tmp_path)).references] == [
        ("app.js", "org/js", 2), ("settings.ini", "org/real", 3)]


@pytest.mark.parametrize(("path", "expected"), [
    # RFC 3986 §5.4 examples (the path part), as every HTTP client applies them.
    ("/a/b/c/./../../g", "/a/g"),
    ("/b/c/../../../g", "/g"),
    ("/b/c/.", "/b/c/"),
    ("/b/c/..", "/b/"),
    ("/b/c/g.", "/b/c/g."),
    ("/b/c/..g", "/b/c/..g"),
])
def test_dot_segments_are_removed_as_rfc_3986_says(path, expected):
    from gate.discover.hubids import remove_dot_segments

    assert remove_dot_segments(path) == expected


def test_escaped_dots_are_dots_but_an_escaped_slash_stays_in_a_revision():
    from gate.discover.hubids import normalize_url, parse_hub_url

    assert normalize_url("https://hf.co/a/b/resolve/main/%2E%2e/%2e./x?q=/../y") == "https://hf.co/a/b/x?q=/../y"
    assert parse_hub_url("https://huggingface.co/org/m/resolve/refs%2Fpr%2F1/x").revision == "refs/pr/1"

"""Issue 2 section 4: odd input never crashes or hangs; each case leaves a `warnings[]` entry."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from gate.discover.engine import MAX_TEXT_BYTES, discover
from tests.discover.expected_refs import FIXTURES, actual, expected


def warned(discovery, path: str) -> list[str]:
    return [w.message for w in discovery.warnings if w.path == path]


def test_yaml_bomb_fixture_does_not_expand_and_is_reported():
    started = time.monotonic()
    assert actual(discover(str(FIXTURES / "config-yaml-bomb" / "repo"))) == expected("config-yaml-bomb")
    assert time.monotonic() - started < 5


def test_yaml_bomb_message():
    discovery = discover(str(FIXTURES / "config-yaml-bomb" / "repo"))
    assert "alias bomb" in warned(discovery, "bomb.yaml")[0]


def test_python2_file_falls_back_to_a_text_scan_with_a_warning(tmp_path):
    (tmp_path / "old.py").write_text(
        'print "loading"\nfrom transformers import AutoModel\nm = AutoModel.from_pretrained("org/legacy")\n')
    discovery = discover(str(tmp_path))
    assert warned(discovery, "old.py"), discovery.warnings
    assert [r.id for r in discovery.references] == ["org/legacy"]


def test_invalid_utf8_is_replaced_with_a_warning_and_the_rest_scanned(tmp_path):
    (tmp_path / "run.sh").write_bytes(b"echo caf\xe9\nhf download org/after-bad-byte --revision main\n")
    discovery = discover(str(tmp_path))
    assert [r.id for r in discovery.references] == ["org/after-bad-byte"]
    (message,) = warned(discovery, "run.sh")
    assert "not valid UTF-8 at byte 8" in message


def test_python_coding_cookie_is_honoured_without_warning(tmp_path):
    (tmp_path / "latin.py").write_bytes(
        b"# -*- coding: latin-1 -*-\n# caf\xe9\nfrom transformers import AutoModel\n"
        b"AutoModel.from_pretrained('org/latin')\n")
    discovery = discover(str(tmp_path))
    assert discovery.warnings == () and [r.id for r in discovery.references] == ["org/latin"]


def test_broken_notebook_json_is_a_warning(tmp_path):
    good = {"cells": [{"cell_type": "code", "source": ["!hf download org/nb\n"], "metadata": {}, "outputs": []}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "good.ipynb").write_text(json.dumps(good))
    (tmp_path / "broken.ipynb").write_text(json.dumps(good)[:-20])
    discovery = discover(str(tmp_path))
    assert warned(discovery, "broken.ipynb")
    assert [r.path for r in discovery.references] == ["good.ipynb"]


def test_fifty_megabyte_single_line_file_is_bounded(tmp_path):
    url = b" https://huggingface.co/org/hidden/resolve/main/w.bin "
    size = 50 * 1024 * 1024
    with open(tmp_path / "huge.py", "wb") as handle:
        handle.write(b"x = '" + b"a" * (size // 2))
        handle.write(url)
        handle.write(b"b" * (size // 2) + b"'")
    (tmp_path / "ok.sh").write_text("hf download org/ok\n")
    started = time.monotonic()
    discovery = discover(str(tmp_path))
    assert time.monotonic() - started < 20
    (message,) = warned(discovery, "huge.py")
    assert f"over the {MAX_TEXT_BYTES // 1_048_576} MB text limit" in message
    assert [(r.path, r.id, r.line, r.column) for r in discovery.references] == [
        ("huge.py", "org/hidden", 1, 5 + size // 2 + 2), ("ok.sh", "org/ok", 1, 1)]


def test_binary_file_named_py_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "model.py").write_bytes(b"\x7fELF\x02\x01\x01\0\0\0from_pretrained('org/x')")
    discovery = discover(str(tmp_path))
    (message,) = warned(discovery, "model.py")
    assert "binary content" in message and discovery.references == ()


def test_symlink_loop_and_symlink_out_of_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.sh").write_text("hf download org/outside\n")
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "run.sh").write_text("hf download org/inside\n")
    os.symlink("..", repo / "src" / "parent")  # a directory loop
    os.symlink("self", repo / "self")  # a link to itself
    os.symlink(str(outside), repo / "escape")
    os.symlink(str(outside / "secret.sh"), repo / "escape.sh")
    os.symlink("src/run.sh", repo / "alias.sh")  # inside the root: scanned at its own path only
    discovery = discover(str(repo))
    assert [(r.path, r.id) for r in discovery.references] == [("src/run.sh", "org/inside")]
    assert "symlink loop" in warned(discovery, "src/parent")[0]
    assert "symlink loop" in warned(discovery, "self")[0]
    assert "outside the scanned root" in warned(discovery, "escape")[0]
    assert "outside the scanned root" in warned(discovery, "escape.sh")[0]
    assert warned(discovery, "alias.sh") == []
    listed = discover(str(repo), paths=["escape.sh", "escape/secret.sh", "self", "alias.sh"])
    assert [(r.path, r.id) for r in listed.references] == [("alias.sh", "org/inside")]
    assert {w.path for w in listed.warnings} == {"escape.sh", "escape/secret.sh", "self"}


def test_unreadable_file_is_a_warning(tmp_path):
    if os.geteuid() == 0 or shutil.which("chmod") is None:
        # root reads everything; use a directory that cannot be listed instead of a file that cannot be read
        target = tmp_path / "sub"
        target.mkdir()
        (target / "x.sh").write_text("hf download org/x\n")
        os.symlink("/proc/self/nonexistent-target", tmp_path / "dangling.sh")
        discovery = discover(str(tmp_path))
        assert "broken symlink" in warned(discovery, "dangling.sh")[0]
        return
    path = tmp_path / "locked.sh"
    path.write_text("hf download org/x\n")
    path.chmod(0)
    discovery = discover(str(tmp_path))
    assert warned(discovery, "locked.sh")


def test_deeply_nested_json_is_a_warning(tmp_path):
    (tmp_path / "deep.json").write_text('{"model_id": "org/a", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    discovery = discover(str(tmp_path))
    assert warned(discovery, "deep.json")


def test_python_fixture_dir_is_untouched():
    assert Path(FIXTURES).is_dir()


def test_file_name_that_is_not_utf8_is_shown_escaped_and_scanned(tmp_path):
    with open(os.path.join(os.fsencode(tmp_path), b"load\xff.sh"), "wb") as handle:
        handle.write(b"hf download org/x\n")
    discovery = discover(str(tmp_path))
    assert [(r.path, r.id) for r in discovery.references] == [("load\\xff.sh", "org/x")]
    assert [(w.path, w.message) for w in discovery.warnings] == [
        ("load\\xff.sh", "file name is not valid UTF-8 or holds control characters; shown with backslash escapes")]
    json_text = json.dumps([r.to_json() for r in discovery.references], ensure_ascii=False)
    json_text.encode("utf-8")  # writable as UTF-8: no lone surrogates left


def test_file_name_with_a_newline_cannot_forge_report_lines(tmp_path):
    # A PR can add a file whose name holds a newline and a workflow command; every report must show it escaped.
    (tmp_path / "evil\n::error file=x::pwned\u202e.sh").write_text("hf download org/x\n")
    discovery = discover(str(tmp_path))
    assert [(r.path, r.id) for r in discovery.references] == [("evil\\n::error file=x::pwned\\u202e.sh", "org/x")]
    assert [w.path for w in discovery.warnings] == ["evil\\n::error file=x::pwned\\u202e.sh"]


def test_every_ascii_character_in_a_name_is_shown_as_the_full_escaping_shows_it():
    # `_printable` returns printable ASCII names untouched without escaping them: the same answer as escaping.
    from gate.discover import engine

    for code in range(128):
        name = f"a{chr(code)}b"
        escaped = engine._UNSAFE_IN_NAMES.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)
        assert engine._printable(name) == escaped
        assert (escaped == name) == (32 <= code < 127)


def test_committed_bad_input_fixture():
    """Python 2, Latin-1 bytes in a script, a truncated notebook, a binary named .py: warnings, not crashes."""
    assert actual(discover(str(FIXTURES / "bad-input" / "repo"))) == expected("bad-input")

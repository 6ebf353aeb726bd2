"""The shortcuts that make discovery fast must never change what it finds."""

from __future__ import annotations

import gc
from pathlib import PurePosixPath

import pytest

from gate.discover import catalog, engine
from gate.discover.engine import discover
from gate.discover.interface import file_name, file_suffix
from gate.discover.python_finder import relevant_lines, scan_python_text, trigger_tokens_in


def test_trigger_groups_hold_every_trigger_token_once_under_a_key_it_contains():
    members = [token for _, tokens in catalog.TRIGGER_GROUPS for token in tokens]
    assert sorted(members) == sorted(catalog.TRIGGER_TOKENS)
    assert all(key in token for key, tokens in catalog.TRIGGER_GROUPS for token in tokens)
    # The grouping only pays when keys are shared; a key-per-token table would be the old one-pass-per-token search.
    assert len(catalog.TRIGGER_GROUPS) < len(catalog.TRIGGER_TOKENS) * 2 // 3


@pytest.mark.parametrize("token", catalog.TRIGGER_TOKENS)
def test_each_trigger_token_is_found_alone_and_next_to_its_key(token):
    key = next(key for key, tokens in catalog.TRIGGER_GROUPS if token in tokens)
    assert trigger_tokens_in(f"x = 1\ny = {token!r}\n") == [token]
    # The key on its own (`from_` in `from_dict`) is not a token: only what a token spells counts.
    if key != token:
        assert trigger_tokens_in(f"value = {key}thing\n") == []


def test_trigger_tokens_in_agrees_with_a_search_for_each_token():
    text = ('"""Load from https://huggingface.co/org/m."""\nfrom transformers import pipeline\n'
            "m = AutoModel.from_pretrained('org/m')\nsnapshot_download(repo_id='org/d', repo_type='dataset')\n"
            "info = api.model_info('org/m')  # exc_info, from_dict, load_json: keys without tokens\n")
    expected = sorted(token for token in catalog.TRIGGER_TOKENS if token in text)
    assert sorted(trigger_tokens_in(text)) == expected
    assert expected == ["from_pretrained", "huggingface.co/", "model_info", "pipeline", "snapshot_download"]


def test_a_file_without_triggers_has_no_relevant_lines_even_with_every_key():
    text = "".join(f"{key}x = 1\n" for key in catalog.PREFILTER_KEYS)
    assert relevant_lines(text) == []


@pytest.mark.parametrize("text", [
    "from transformers import AutoModel\nAutoModel.from_pretrained('org/m')\n",
    "from transformers import AutoModel\nAutoModel.from_pretrained('org/m'\n",  # does not parse: text scan
    "x = AutoModel.from_pretrained(" + "(" * 200 + "1" + ")" * 200 + ")\n",  # too deep for the parser
])
def test_cycle_collection_is_back_on_after_a_python_scan(text):
    assert gc.isenabled()
    scan_python_text(text, "m.py", None)
    assert gc.isenabled()


def test_cycle_collection_stays_off_when_the_caller_switched_it_off():
    gc.disable()
    try:
        result = scan_python_text("from transformers import AutoModel\nAutoModel.from_pretrained('org/m')\n",
                                  "m.py", None)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert [r.id for r in result.references] == ["org/m"]


@pytest.mark.parametrize("path", [
    "a.py", "dir/x.tar.gz", ".bashrc", "Makefile", "name.", "dir/.hidden.yml", "Dockerfile.dev", "a.b/c",
    "a//b.yml", "a/b/.", "a/", "", ".", "..", "..py", "...", "a\\b.py", ".github/workflows/ci.yaml",
])
def test_file_name_and_suffix_read_paths_like_pathlib(path):
    assert file_name(path) == PurePosixPath(path).name
    assert file_suffix(path) == PurePosixPath(path).suffix


def _loader_tree(root, files: int) -> None:
    for index in range(files):
        folder = root / f"pkg{index % 5}"
        folder.mkdir(exist_ok=True)
        (folder / f"m{index}.py").write_text(
            f"from transformers import AutoModel\nAutoModel.from_pretrained('org/m{index}', revision='main')\n")
    (root / "blob.py").write_bytes(b"\0binary")


@pytest.mark.parametrize("serial_seconds", [0.0, 60.0])
def test_a_small_tree_gives_the_same_result_scanned_here_or_handed_to_the_pool(tmp_path, monkeypatch,
                                                                               serial_seconds):
    _loader_tree(tmp_path, 40)
    alone = discover(str(tmp_path), jobs=1)
    handed_over: list[int] = []
    real_pool = engine._scan_in_pool
    monkeypatch.setattr(engine, "_scan_in_pool", lambda files, *rest: handed_over.append(len(files))
                        or real_pool(files, *rest))
    monkeypatch.setattr(engine, "SERIAL_SECONDS", serial_seconds)
    shared = discover(str(tmp_path), jobs=2)
    assert shared == alone
    assert len(alone.references) == 40 and alone.files_scanned == 41
    # No time in this process: every file goes to the pool; all the time it needs: the pool is never started.
    assert handed_over == ([41] if serial_seconds == 0.0 else [])

"""Config files (YAML/JSON/TOML): each form's fixture gives exactly the expected references."""

from __future__ import annotations

import pytest

from gate.discover.config_finder import ConfigFinder
from gate.discover.engine import discover
from gate.discover.interface import SourceFile
from tests.discover.expected_refs import FIXTURES, actual, expected

FORMS = sorted(p.name for p in FIXTURES.iterdir() if p.name.startswith("config-"))


@pytest.mark.parametrize("form", FORMS)
def test_fixture_gives_exactly_the_expected_references(form):
    assert actual(discover(str(FIXTURES / form / "repo"))) == expected(form)


def test_every_config_key_of_the_issue_has_a_fixture_or_test():
    covered = set()
    for form in FORMS:
        covered |= {r["api"] for r in expected(form)["references"]}
    assert {"config:model_name_or_path", "config:base_model", "config:base_model_name_or_path",
            "config:model_id", "config:repo_id", "config:hub_model_id", "config:tokenizer_name",
            "config:model", "config:dataset_name", "config:dataset_path", "config:datasets[].path",
            "config:hf_hub_url"} <= covered | {"config:model", "config:pretrained_model_name_or_path"}


def scan(path: str, text: str):
    return ConfigFinder().scan(SourceFile(path, "/nonexistent/" + path), text, None)


def test_pretrained_model_name_or_path_and_model_key_with_revision_sibling():
    result = scan("c.yaml", "pretrained_model_name_or_path: org/a\nrevision: v1\nm:\n  model: org/b\n")
    assert [(r.id, r.revision, r.line, r.column, r.revision_key) for r in result.references] == [
        ("org/a", "v1", 1, 1, "revision"), ("org/b", None, 4, 3, "revision")]


def test_revision_key_is_the_one_a_fix_adds_when_absent():
    result = scan("t.yaml", "model_name_or_path: org/a\ntokenizer_name: org/t\nbase_model: org/b\n")
    assert [r.revision_key for r in result.references] == ["model_revision", "tokenizer_revision",
                                                           "revision_of_model"]


def test_tokenizer_revision_wins_over_model_revision():
    result = scan("t.yaml", "tokenizer_name: org/t\ntokenizer_revision: " + "a" * 40 + "\nmodel_revision: main\n")
    (reference,) = result.references
    assert (reference.revision, reference.pinned, reference.revision_key) == ("a" * 40, True, "tokenizer_revision")


@pytest.mark.parametrize("revision, pinned", [
    ("0123456789abcdef0123456789abcdef01234567", True),
    ("0123456", False),  # short sha
    ("deadbeefdeadbeefdeadbeefdeadbeefdeadbeef0", False),  # 41 hex characters: a branch name
    ("0123456789ABCDEF0123456789ABCDEF01234567", False),  # uppercase is not what the Hub returns
    ("main", False),
])
def test_only_a_full_lowercase_sha_is_pinned(revision, pinned):
    (reference,) = scan("c.yaml", f"model_id: org/a\nrevision: '{revision}'\n").references
    assert reference.pinned is pinned


def test_values_that_are_not_hub_ids_are_ignored():
    text = ("model: gpt-4o\nmodel_id: 12\nmodel_name_or_path: /abs/path\nrepo_id: ../x/y\n"
            "dataset_name: csv\nbase_model: null\nmodel_name_or_path_2: org/x\n")
    assert scan("c.yaml", text).references == ()


def test_merge_keys_provide_revision_siblings():
    text = "base: &base\n  model_revision: v2\ntrain:\n  <<: *base\n  model_name_or_path: org/m\n"
    (reference,) = scan("c.yaml", text).references
    assert (reference.id, reference.revision, reference.line) == ("org/m", "v2", 5)


def test_broken_yaml_is_a_warning_with_its_line():
    result = scan("bad.yaml", "model_id: org/a\n  bad: [\n")
    assert result.references == ()
    (warning,) = result.warnings
    assert warning.path == "bad.yaml" and "line 2" in warning.message


def test_broken_json_is_a_warning_with_its_line():
    result = scan("bad.json", '{\n "model_id": "org/a",\n}')
    (warning,) = result.warnings
    assert "line 3" in warning.message and result.references == ()


def test_json_without_candidates_is_not_walked_for_positions():
    # A tokenizer-like file: "model" holds an object, never a string.
    result = scan("tokenizer.json", '{"model": {"type": "BPE", "vocab": {"model": 1}}}')
    assert result.references == () and result.warnings == ()


def test_json_positions_with_escapes_and_nesting():
    text = '{"a": "x\\"y", "b": [1, 2.5e3, true, null],\n\t"c": {"model": "org/m",\n  "revision": "r"}}'
    (reference,) = scan("c.json", text).references
    assert (reference.line, reference.column, reference.revision) == (2, 8, "r")


def test_toml_key_inside_inline_table_falls_back_to_first_key_line():
    text = '[tool]\nx = 1\nsettings = { model_id = "org/inline" }\n'
    (reference,) = scan("pyproject.toml", text).references
    assert (reference.id, reference.line) == ("org/inline", 3)


def test_broken_toml_is_a_warning():
    (warning,) = scan("bad.toml", "model_id = \n").warnings
    assert "TOML could not be parsed" in warning.message


def test_yaml_custom_tags_are_never_constructed():
    text = "model_id: !!python/object/apply:os.system ['echo pwned']\nmodel: !Ref org/tagged\n"
    result = scan("c.yaml", text)
    assert result.warnings == () and result.references == ()


def test_urls_in_lists():
    text = "files:\n  - https://huggingface.co/org/a/resolve/main/x.bin\n  - plain\n"
    (reference,) = scan("c.yaml", text).references
    assert (reference.id, reference.line, reference.column, reference.api) == ("org/a", 2, 5, "config:files[]")

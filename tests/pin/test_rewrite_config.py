"""YAML, JSON and TOML rewriting: the revision key beside the id, comments and order kept, the file still loads."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest
import yaml

from gate.pin.rewrite import rewrite_file
from tests.pin.helpers import DIGITS_SHA, SHA, comment, pin, ref


def cfg(line, *, path, id_="org/m", key="model_revision", revision=None, kind="model", column=1):
    return ref(line, column, id_=id_, key=key, revision=revision, syntax="config", api="config:x", kind=kind, path=path)


YAML = """\
# training config
model_name_or_path: org/m   # the base
tokenizer_name: org/t
datasets:
  - path: org/d  # data
    split: train
  - {path: org/e, revision: main}
eval:
  model: "org/x"
  model_revision: "v1"  # old pin
  weights: https://huggingface.co/org/u/resolve/main/model.bin
"""


def test_yaml_every_form_comments_kept_and_loads():
    refs = [cfg(2, path="c.yaml"), cfg(3, path="c.yaml", id_="org/t", key="tokenizer_revision"),
            cfg(5, path="c.yaml", id_="org/d", key="revision", kind="dataset"),
            cfg(7, path="c.yaml", id_="org/e", key="revision", revision="main", kind="dataset"),
            cfg(9, path="c.yaml", id_="org/x", revision="v1"),
            cfg(11, path="c.yaml", id_="org/u", key="url", revision="main")]
    result = rewrite_file("c.yaml", YAML, [pin(r) for r in refs])
    assert result.skipped == () and len(result.pinned) == 6
    assert result.text == textwrap.dedent(f"""\
        # training config
        model_name_or_path: org/m   # the base
        model_revision: {SHA}  {comment()}
        tokenizer_name: org/t
        tokenizer_revision: {SHA}  {comment()}
        datasets:
          - path: org/d  # data
            revision: {SHA}  {comment()}
            split: train
          - {{path: org/e, revision: {SHA}}}  {comment("main")}
        eval:
          model: "org/x"
          model_revision: "{SHA}"  # old pin  {comment("v1")}
          weights: https://huggingface.co/org/u/resolve/{SHA}/model.bin  {comment("main")}
        """)
    data = yaml.safe_load(result.text)
    assert data["model_revision"] == SHA and data["datasets"][1]["revision"] == SHA
    assert list(data) == ["model_name_or_path", "model_revision", "tokenizer_name", "tokenizer_revision",
                          "datasets", "eval"]


def test_yaml_all_digit_sha_is_quoted_so_it_stays_a_string():
    result = rewrite_file("c.yml", "model_name_or_path: org/m\n", [pin(cfg(1, path="c.yml"), DIGITS_SHA)])
    assert yaml.safe_load(result.text)["model_revision"] == DIGITS_SHA


def test_yaml_empty_revision_value_is_filled():
    result = rewrite_file("c.yaml", "model: org/m\nmodel_revision:\n", [pin(cfg(1, path="c.yaml"))])
    assert result.text == f"model: org/m\nmodel_revision: {SHA}  {comment()}\n"


def test_yaml_two_ids_in_one_mapping_never_get_two_revision_keys():
    text = "model: org/m\ntokenizer: org/t\n"
    result = rewrite_file("c.yaml", text, [pin(cfg(1, path="c.yaml")), pin(cfg(2, path="c.yaml", id_="org/t"))])
    assert result.text.count("model_revision") == 1
    assert "already adds model_revision" in result.skipped[0].reason
    yaml.safe_load(result.text)


def test_yaml_that_does_not_parse_is_left_alone():
    text = "model: org/m\n  bad: [\n"
    result = rewrite_file("c.yaml", text, [pin(cfg(1, path="c.yaml"))])
    assert result.text == text and "could not be read as YAML" in result.skipped[0].reason


JSON = """\
{
  "model_name_or_path": "org/m",
  "inline": {"model": "org/x"},
  "data": {
    "dataset_name": "org/d",
    "dataset_revision": "main"
  },
  "last": {
    "model_id": "org/l"
  }
}
"""


def test_json_insert_replace_and_inline_object():
    refs = [cfg(2, path="c.json", column=3), cfg(3, path="c.json", id_="org/x"),
            cfg(5, path="c.json", id_="org/d", key="dataset_revision", revision="main", kind="dataset"),
            cfg(9, path="c.json", id_="org/l")]
    result = rewrite_file("c.json", JSON, [pin(r) for r in refs])
    assert result.skipped == ()
    assert result.text == textwrap.dedent(f"""\
        {{
          "model_name_or_path": "org/m",
          "model_revision": "{SHA}",
          "inline": {{"model": "org/x", "model_revision": "{SHA}"}},
          "data": {{
            "dataset_name": "org/d",
            "dataset_revision": "{SHA}"
          }},
          "last": {{
            "model_id": "org/l",
            "model_revision": "{SHA}"
          }}
        }}
        """)
    json.loads(result.text)


TOML = """\
# top
model = "org/m"  # keep

[tool.x]
name = "a"
model_id = 'org/x'
model_revision = "main"

[data]
ds = {path = "org/d", n = 1}
"""


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
def test_toml_insert_replace_and_inline_table():
    import tomllib

    refs = [cfg(2, path="p.toml"), cfg(6, path="p.toml", id_="org/x", revision="main"),
            cfg(10, path="p.toml", id_="org/d", key="revision", kind="dataset")]
    result = rewrite_file("p.toml", TOML, [pin(r) for r in refs])
    assert result.skipped == ()
    assert result.text == textwrap.dedent(f"""\
        # top
        model = "org/m"  # keep
        model_revision = "{SHA}"  {comment()}

        [tool.x]
        name = "a"
        model_id = 'org/x'
        model_revision = "{SHA}"  {comment("main")}

        [data]
        ds = {{path = "org/d", revision = "{SHA}", n = 1}}  {comment()}
        """)
    data = tomllib.loads(result.text)
    assert data["tool"]["x"]["model_revision"] == SHA and data["data"]["ds"]["revision"] == SHA


def test_config_value_that_is_not_the_id_is_listed():
    result = rewrite_file("c.yaml", "model: org/other\n", [pin(cfg(1, path="c.yaml"))])
    assert result.text == "model: org/other\n" and "could not find the org/m value" in result.skipped[0].reason


def test_crlf_file_keeps_crlf_on_added_lines():
    text = "# cfg\r\nmodel_name_or_path: org/m\r\nother: 1\r\n"
    result = rewrite_file("c.yaml", text, [pin(cfg(2, path="c.yaml"))])
    assert result.text == f"# cfg\r\nmodel_name_or_path: org/m\r\nmodel_revision: {SHA}  {comment()}\r\nother: 1\r\n"


def test_yaml_alias_of_one_mapping_is_pinned_once_for_both_references():
    text = "base: &base\n  model: org/m\ncopy: *base\n"
    refs = [cfg(2, path="c.yaml", column=3), cfg(2, path="c.yaml", column=3)]
    result = rewrite_file("c.yaml", text, [pin(r) for r in refs])
    assert result.skipped == () and len(result.pinned) == 2
    assert yaml.safe_load(result.text)["copy"]["model_revision"] == SHA
    assert result.text.count("model_revision") == 1


def test_publish_target_is_never_given_a_revision_key():
    import dataclasses

    text = "model_name_or_path: org/m\nhub_model_id: org/pushed\n"
    publish = dataclasses.replace(cfg(2, path="c.yaml", id_="org/pushed", key="revision"), role="publish")
    result = rewrite_file("c.yaml", text, [pin(cfg(1, path="c.yaml")), pin(publish)])
    assert result.text == f"model_name_or_path: org/m\nmodel_revision: {SHA}  {comment()}\nhub_model_id: org/pushed\n"
    (skipped,) = result.skipped
    assert skipped.reference.id == "org/pushed" and "publish target" in skipped.reason


@pytest.mark.parametrize("path, text, expected", [
    ("configs/train_yaml", "model_name_or_path: org/m\n", f"model_name_or_path: org/m\nmodel_revision: {SHA}  "),
    ("configs/args", '{"model_name_or_path": "org/m"}', f'{{"model_name_or_path": "org/m", "model_revision": "{SHA}"}}'),
])
def test_config_without_a_config_suffix_is_rewritten_in_the_format_discovery_read(path, text, expected):
    result = rewrite_file(path, text, [pin(cfg(1, path=path))])
    assert result.skipped == () and result.text.startswith(expected)


def test_lm_eval_revision_goes_into_dataset_kwargs_never_a_top_level_key():
    text = ("task: a\ndataset_path: org/m\ndataset_name: main\n---\ntask: b\ndataset_path: org/m\n"
            "dataset_kwargs:\n  trust_remote_code: true\n")
    refs = [cfg(2, path="t.yaml", key="dataset_kwargs.revision"), cfg(6, path="t.yaml", key="dataset_kwargs.revision")]
    result = rewrite_file("t.yaml", text, [pin(r) for r in refs])
    assert result.skipped == ()
    first, second = yaml.safe_load_all(result.text)
    assert first["dataset_kwargs"] == {"revision": SHA} and "dataset_revision" not in first
    assert second["dataset_kwargs"] == {"revision": SHA, "trust_remote_code": True}


def test_nested_revision_key_in_json_is_left_to_a_person():
    text = '{"dataset_path": "org/m"}'
    result = rewrite_file("t.json", text, [pin(cfg(1, path="t.json", key="dataset_kwargs.revision"))])
    assert result.text == text and "nested key" in result.skipped[0].reason


# One up-to-date comment naming what was followed, in the file's own quotes (issue 16 §3).


@pytest.mark.parametrize(("path", "text", "revision", "expected"), [
    pytest.param("c.yaml", "model_name_or_path: org/m\nmodel_revision: it-SFT\n", "it-SFT",
                 f"model_name_or_path: org/m\nmodel_revision: {SHA}  {comment('it-SFT')}\n", id="yaml-branch-named"),
    pytest.param("c.yaml", "model: 'org/m'\nmodel_revision: 'main'  # not pinned: follows main\n", "main",
                 f"model: 'org/m'\nmodel_revision: '{SHA}'  {comment('main')}\n", id="yaml-stale-note-quotes-kept"),
    pytest.param("c.yaml", 'model: "org/m"  # the base  # not pinned yet\nlr: 1\n', None,
                 f'model: "org/m"  # the base\nmodel_revision: "{SHA}"  {comment()}\nlr: 1\n',
                 id="yaml-added-key-ids-quotes-id-line-stale-note-dropped"),
    pytest.param("c.yaml", "model: org/m\nmodel_revision: v2  # pinned from v1 on 2026-01-02 by model-gate pin\n", "v2",
                 f"model: org/m\nmodel_revision: {SHA}  {comment('v2')}\n", id="yaml-earlier-run-note-replaced"),
    pytest.param("p.toml", "model = 'org/m'\nmodel_revision = 'it-SFT'  # not pinned\n", "it-SFT",
                 f"model = 'org/m'\nmodel_revision = '{SHA}'  {comment('it-SFT')}\n", id="toml-branch-named-quotes-kept"),
])
def test_one_up_to_date_note_in_the_files_quotes(path, text, revision, expected):
    result = rewrite_file(path, text, [pin(cfg(1, path=path, revision=revision))])
    assert result.text == expected

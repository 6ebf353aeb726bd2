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
    # Only the key the catalog does not know, whose name says model, holds an id: a medium-confidence reference.
    assert [(r.line, r.id, r.confidence) for r in scan("c.yaml", text).references] == [(7, "org/x", "medium")]


def test_merge_keys_provide_revision_siblings():
    text = "base: &base\n  model_revision: v2\ntrain:\n  <<: *base\n  model_name_or_path: org/m\n"
    (reference,) = scan("c.yaml", text).references
    assert (reference.id, reference.revision, reference.line) == ("org/m", "v2", 5)


def test_broken_yaml_is_a_warning_with_its_line_and_is_read_line_by_line():
    result = scan("bad.yaml", "model_id: org/a\nrevision: v1\n  bad: [\n")
    assert [(r.id, r.revision, r.line) for r in result.references] == [("org/a", "v1", 1)]
    (warning,) = result.warnings
    assert warning.path == "bad.yaml" and "line 3" in warning.message and "line by line" in warning.message


YAML_FIXTURES = sorted(p for form in FORMS for p in (FIXTURES / form / "repo").rglob("*.y*ml"))


@pytest.mark.parametrize("path", YAML_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_line_by_line_reading_agrees_with_the_parser_on_every_yaml_fixture(path, monkeypatch):
    from gate.discover import yamlsafe

    text = path.read_text()
    parsed = sorted(scan(path.name, text).references, key=lambda r: (r.line, r.column))
    monkeypatch.setattr(yamlsafe, "MAX_YAML_PARSE_BYTES", 0)
    result = scan(path.name, text)
    assert sorted(result.references, key=lambda r: (r.line, r.column)) == parsed
    assert "too large to parse safely" in result.warnings[0].message


def test_line_by_line_reading_keeps_list_items_and_blocks_apart(monkeypatch):
    from gate.discover import yamlsafe

    monkeypatch.setattr(yamlsafe, "MAX_YAML_PARSE_BYTES", 0)
    text = ("a:\n  model_id: org/a\n  nested:\n    revision: not-a-sibling\nb:\n  model_id: org/b\n"
            "  revision: v2\ndatasets:\n  - path: org/d1\n  - path: \"org/d2\"  # comment\n    revision: r2\n"
            "urls:\n  - https://huggingface.co/org/u/resolve/main/x\n")
    summary = sorted((r.line, r.column, r.id, r.revision, r.api) for r in scan("c.yaml", text).references)
    assert summary == [(2, 3, "org/a", None, "config:model_id"), (6, 3, "org/b", "v2", "config:model_id"),
                       (9, 5, "org/d1", None, "config:datasets[].path"),
                       (10, 5, "org/d2", "r2", "config:datasets[].path"),
                       (13, 5, "org/u", "main", "config:urls[]")]


def test_broken_json_is_a_warning_with_its_line_and_is_read_token_by_token():
    result = scan("bad.json", '{\n "model_id": "org/a",\n}')
    (warning,) = result.warnings
    assert "line 3" in warning.message and [(r.id, r.line, r.column) for r in result.references] == [("org/a", 2, 2)]


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
    result = scan("bad.toml", "model_id = \n")
    (warning,) = result.warnings
    assert "TOML could not be parsed" in warning.message and result.references == ()


def test_yaml_custom_tags_are_never_constructed():
    text = "model_id: !!python/object/apply:os.system ['echo pwned']\nmodel: !Ref org/tagged\n"
    result = scan("c.yaml", text)
    assert result.warnings == () and result.references == ()


def test_urls_in_lists():
    text = "files:\n  - https://huggingface.co/org/a/resolve/main/x.bin\n  - plain\n"
    (reference,) = scan("c.yaml", text).references
    assert (reference.id, reference.line, reference.column, reference.api) == ("org/a", 2, 5, "config:files[]")


OTHER_FIXTURES = sorted(p for form in FORMS for suffix in ("*.json", "*.toml")
                        for p in (FIXTURES / form / "repo").rglob(suffix))


@pytest.mark.parametrize("path", OTHER_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_readers_for_unparsable_json_and_toml_agree_with_the_parsers_on_every_fixture(path):
    from gate.discover import config_finder

    text = path.read_text()
    parsed = sorted(scan(path.name, text).references, key=lambda r: (r.line, r.column))
    reader = config_finder._json_lenient_tree if path.suffix == ".json" else config_finder._toml_lines_tree
    lenient = config_finder._references(reader(text), path.name, None)
    assert sorted(lenient, key=lambda r: (r.line, r.column)) == parsed


@pytest.mark.parametrize("name, text", [
    ("train.yaml", "model_name_or_path: evil-org/backdoor\nlr: [1, 2\n"),
    ("config.json", '{"model_name_or_path": "evil-org/backdoor", }'),
    ("pyproject.toml", 'model_name_or_path = "evil-org/backdoor"\nx = = 1\n'),
])
def test_a_syntax_error_below_does_not_hide_the_reference_above(name, text):
    result = scan(name, text)
    assert [(r.line, r.id) for r in result.references] == [(1, "evil-org/backdoor")]
    (warning,) = result.warnings
    assert "could not be parsed" in warning.message and "instead" in warning.message


def test_lm_eval_dataset_name_is_a_subset_unless_it_names_a_repository():
    subset = scan("task.yaml", "dataset_path: openai/gsm8k\ndataset_name: main\n").references
    assert [(r.line, r.id, r.api) for r in subset] == [(1, "openai/gsm8k", "config:dataset_path")]
    both = scan("c.yaml", "dataset_path: org/k\ndataset_name: org/j\n").references
    assert sorted((r.line, r.kind, r.id, r.api) for r in both) == [
        (1, "dataset", "org/k", "config:dataset_path"), (2, "dataset", "org/j", "config:dataset_name")]


# --------------------------------------------------------------------------- catalog rows (issue 11 §4)


def test_every_catalog_row_has_a_fixture():
    from gate.discover.catalog.config import CONFIG_KEYS, LIST_ITEM_KEYS

    apis = {r["api"] for form in FORMS for r in expected(form)["references"]}
    missing = [row.key for row in CONFIG_KEYS if not any(a in (f"config:{row.key}", f"config:{row.key}[]")
                                                          for a in apis)]
    assert missing == []
    for row in LIST_ITEM_KEYS:
        assert any(a.startswith(f"config:{k}[].") for k in row.list_keys for a in apis), row


def test_publish_keys_are_publish_references_without_a_revision_key():
    text = ("hub_model_id: org/a\npush_to_hub_model_id: org/b\noutput_hub_repo: org/c\nrevision: main\n"
            "upload_repo_id: org/d\n")
    found = scan("c.yaml", text).references
    assert [(r.id, r.role, r.revision, r.revision_key, r.confidence) for r in found] == [
        ("org/a", "publish", None, None, "high"), ("org/b", "publish", None, None, "high"),
        ("org/c", "publish", None, None, "high"), ("org/d", "publish", None, None, "medium")]


def test_a_revision_beside_a_context_key_counts_only_when_named_after_it():
    text = f"teacher_model: org/t\nrevision: {'a' * 40}\nstudent_model_name: org/s\nstudent_model_revision: v1\n"
    found = scan("c.yaml", text).references
    assert [(r.id, r.revision, r.revision_key, r.confidence) for r in found] == [
        ("org/t", None, None, "medium"), ("org/s", "v1", "student_model_revision", "medium")]


def test_hub_orgs_named_like_api_providers_are_ids_unless_the_name_is_an_api_model():
    text = "dataset_path: openai/gsm8k\nmodel: openai/gpt-4o\nencoder_model: openai/whisper-large-v3\n"
    assert [r.id for r in scan("c.yaml", text).references] == ["openai/gsm8k", "openai/whisper-large-v3"]


def test_dataset_list_name_is_a_subset_beside_path_and_an_id_without_it():
    text = "datasets:\n  - path: org/a\n    name: org/subset-shaped\n  - name: org/b\n"
    assert [(r.id, r.api) for r in scan("c.yaml", text).references] == [
        ("org/a", "config:datasets[].path"), ("org/b", "config:datasets[].name")]


def test_model_gate_policy_ids_are_not_dataset_references():
    text = "version: 1\nmodels:\n  - id: org/m\n    reason: base\ndatasets:\n  - id: org/d\n    reason: data\n"
    assert scan(".github/model-policy.yml", text).references == ()


def test_workflow_and_compose_env_is_left_to_the_shell_finder_but_urls_are_kept():
    text = ("env:\n  EVAL_MODEL: org/m\n  MODEL_ID: org/n\n  WEIGHTS: https://huggingface.co/org/u/resolve/main/x\n"
            "jobs:\n  a:\n    with:\n      model_id: org/w\n")
    found = scan(".github/workflows/eval.yml", text).references
    assert sorted((r.line, r.id, r.api) for r in found) == [(4, "org/u", "config:WEIGHTS"), (8, "org/w", "config:model_id")]


# --------------------------------------------------------------------------- issue 12 §9: escapes


@pytest.mark.parametrize("name, text", [
    ("args.json", '{"\\u006dodel_name_or_path": "gpt2"}'),
    ("train.yaml", '"\\x6dodel_name_or_path": gpt2\n'),
    ("train.yaml", '"\\x6dodel_name_or_path": gpt2\nbroken: [\n'),  # the line reader decodes escapes too
    ("pyproject.toml", '"\\u006dodel_name_or_path" = "gpt2"\n'),
    ("pyproject.toml", '"\\u006dodel_name_or_path" = "gpt2"\nbroken = = 1\n'),
])
def test_escaped_keys_are_read_as_the_parser_decodes_them(name, text):
    from gate.discover.catalog.config import PREFILTER_MARKERS

    assert not any(marker in text for marker in PREFILTER_MARKERS)  # nothing the raw text shows gives it away
    assert [(r.id, r.api) for r in scan(name, text).references] == [("gpt2", "config:model_name_or_path")]


CONFIG_FIXTURE_FILES = sorted(p for form in FORMS for p in (FIXTURES / form / "repo").rglob("*") if p.is_file())


@pytest.mark.parametrize("path", CONFIG_FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_prefilter_only_skips_work_results_are_the_same_without_it(path, monkeypatch):
    from gate.discover import config_finder

    text = path.read_text(encoding="utf-8")
    with_prefilter = scan(path.name, text)
    monkeypatch.setattr(config_finder, "worth_reading", lambda _text: True)
    assert scan(path.name, text).references == with_prefilter.references


@pytest.mark.parametrize("text", [
    '{"\\u006dodel_name_or_path": "gpt2"}', '"\\x6dodel_name_or_path": gpt2\n', "model_id: gpt2\n", "x: 1\n",
    '{"a": {"b": ["c"]}}', "plain text\n",
])
def test_prefilter_differential_on_small_inputs(text, monkeypatch):
    from gate.discover import config_finder

    for name in ("c.yaml", "c.json", "c_yaml", "config"):
        monkeypatch.setattr(config_finder, "worth_reading", config_finder.__dict__["_raw_worth_reading"])
        filtered = scan(name, text)
        monkeypatch.setattr(config_finder, "worth_reading", lambda _text: True)
        assert scan(name, text).references == filtered.references, name


# --------------------------------------------------------------------------- extension-less configs


@pytest.mark.parametrize("name, accepted", [
    ("train_yaml", True), ("args_json", True), ("config", True), ("serve.yaml.template", True), ("x.yml.j2", True),
    ("notes.txt", False), ("script.js", False),
])
def test_which_names_the_config_finder_may_sniff(name, accepted):
    assert ConfigFinder().accepts_sniffed(f"configs/{name}") is accepted


def test_an_extensionless_file_that_does_not_parse_gets_only_the_url_scan():
    text = "model: org/x is prose: here\nhttps://huggingface.co/org/u/resolve/main/x.bin\n# https://hf.co/org/c/resolve/main/y\n"
    found = scan("NOTES", text).references
    assert [(r.id, r.api) for r in found] == [("org/u", "url")]


def test_lm_eval_revision_is_read_from_dataset_kwargs():
    text = f"dataset_path: org/k\ndataset_kwargs:\n  revision: {'a' * 40}\n"
    (reference,) = scan("task.yaml", text).references
    assert (reference.revision, reference.pinned, reference.revision_key) == ("a" * 40, True, "dataset_kwargs.revision")


def test_llm_foundry_revisions_are_read_from_the_kwargs_passed_to_the_loader():
    text = (f"tokenizer:\n  name: org/m\n  kwargs:\n    revision: {'a' * 40}\n"
            f"train_loader:\n  dataset:\n    hf_name: org/d\n    hf_kwargs:\n      revision: {'b' * 40}\n"
            "eval_loader:\n  dataset:\n    hf_name: org/e\n")
    found = scan("train.yaml", text).references
    assert sorted((r.line, r.id, r.revision, r.revision_key) for r in found) == [
        (2, "org/m", "a" * 40, "kwargs.revision"), (7, "org/d", "b" * 40, "hf_kwargs.revision"),
        (12, "org/e", None, "hf_kwargs.revision")]


def test_hydra_interpolation_of_a_node_in_the_same_config_is_resolved():
    text = ("model:\n  language_model:\n    pretrained_model_name: bert-base-uncased\n  tokenizer:\n"
            "    tokenizer_name: ${model.language_model.pretrained_model_name}\n"
            "    model_name_or_path: ${oc.env:MODEL}\n    base_model: ${model.missing}\n")
    found = scan("conf.yaml", text).references
    assert sorted((r.line, r.api, r.id, r.dynamic, r.expression or "") for r in found) == [
        (3, "config:pretrained_model_name", "bert-base-uncased", False, ""),
        (5, "config:tokenizer_name", "bert-base-uncased", False, ""),
        (6, "config:model_name_or_path", None, True, "${oc.env:MODEL}")]


def test_line_by_line_reading_keeps_a_compact_list_under_its_key(monkeypatch):
    """`datasets:` followed by `- path: ...` at the same indentation (the style PyYAML writes): the items belong to
    `datasets`, as the parser reads them; the line reader used to close the key and lose them."""
    from gate.discover import yamlsafe

    text = "a:\n  model_id: org/a\ndatasets:\n- path: org/d1\n- path: org/d2\n  revision: r2\nb: 1\n"
    parsed = sorted((r.line, r.column, r.id, r.revision, r.api) for r in scan("c.yaml", text).references)
    monkeypatch.setattr(yamlsafe, "MAX_YAML_PARSE_BYTES", 0)
    summary = sorted((r.line, r.column, r.id, r.revision, r.api) for r in scan("c.yaml", text).references)
    assert summary == parsed == [(2, 3, "org/a", None, "config:model_id"),
                                 (4, 3, "org/d1", None, "config:datasets[].path"),
                                 (5, 3, "org/d2", "r2", "config:datasets[].path")]


def test_mlx_lm_hf_dataset_is_pinned_by_the_load_dataset_keywords_of_its_config():
    """mlx-lm passes `hf_dataset: {config: {...}}` to `load_dataset(path, split=..., **config)`: a `revision` there
    pins the dataset (the line-by-line reader, which flattens nested mappings, does not read such pins)."""
    text = ("fine_tune_type: lora\nhf_dataset:\n  path: FiscalNote/billsum\n  config:\n"
            "    revision: 0123456789abcdef0123456789abcdef01234567\n")
    (found,) = scan("lora.yaml", text).references
    assert (found.id, found.kind, found.revision, found.revision_key, found.api) == (
        "FiscalNote/billsum", "dataset", "0123456789abcdef0123456789abcdef01234567", "config.revision", "config:path")


@pytest.mark.parametrize(("name", "text"), [
    ("speech.yaml", "speech:\n  _target_: kokoro.KModel\n"),
    ("speech.json", '{"speech": {"_target_": "kokoro.KModel"}}'),
])
def test_a_component_key_alone_names_a_call_that_loads_its_library_default(name, text):
    # No `org/name`, no key spelled model or dataset: the component key alone makes the file read.
    result = scan(name, text)
    assert [(r.kind, r.id, r.pinnable, r.api, r.line) for r in result.references] == [
        ("model", "hexgrad/Kokoro-82M", False, "kokoro.KModel", 2 if name.endswith(".yaml") else 1)]


def test_a_component_key_naming_no_catalog_api_gives_nothing_and_the_given_id_wins_over_a_default():
    text = ("a:\n  _target_: mylib.build\n  source: acme/x\n"
            "b:\n  _component_: torchtune.datasets.alpaca_dataset\n  source: ${oc.env:DATA}\n")
    result = scan("c.yaml", text)
    assert [(r.id, r.dynamic, r.api, r.line) for r in result.references] == [(None, True, "torchtune.datasets.alpaca_dataset", 6)]


def test_helm_registries_load_what_each_entrys_class_loads():
    """Fixture tests/fixtures/discover/config-helm-registries/ (crfm-helm `model_deployments.yaml`,
    `tokenizer_configs.yaml`, `model_metadata.yaml`): a Hugging Face client loads `args.pretrained_model_name_or_path`
    or else `model_name` (with `args.revision`), the IDEFICS client the deployment's `name`; `model_name` beside
    another id, or served by a client that maps it in its own code or by a hosted API, is HELM's own name;
    `tokenizer_name` stays a load (not a tiktoken encoding); a `HuggingFaceTokenizer` loads its `name` unless
    `args` name another repository; a class the row does not know is read as any mapping; metadata loads nothing."""
    found = actual(discover(str(FIXTURES / "config-helm-registries" / "repo")))
    assert found == expected("config-helm-registries")
    assert [(r["path"].rsplit("/", 1)[-1], r["line"], r["id"], r.get("revision"), r["api"])
            for r in found["references"]] == [
        ("model_deployments.yaml", 4, "acme/acme-7b", "0123456789abcdef0123456789abcdef01234567",
         "config:model_deployments.model_name"),
        ("model_deployments.yaml", 5, "acme/acme-7b", None, "config:tokenizer_name"),
        ("model_deployments.yaml", 15, "acme-helm/acme-chat-tokenizer", None, "config:tokenizer_name"),
        ("model_deployments.yaml", 20, "acme/acme-chat-v2", None, "config:pretrained_model_name_or_path"),
        ("model_deployments.yaml", 22, "acme/vision-9b", None, "config:model_deployments.name"),
        ("model_deployments.yaml", 24, "acme/vision-9b", None, "config:tokenizer_name"),
        ("model_deployments.yaml", 31, "acme/vlm-tokenizer", None, "config:tokenizer_name"),
        ("model_deployments.yaml", 47, "acme/acme-70b-tokenizer", None, "config:tokenizer_name"),
        ("model_deployments.yaml", 55, "acme/served-by-a-class-helm-does-not-list", None, "config:model_name"),
        ("model_deployments.yaml", 56, "acme/served-tokenizer", None, "config:tokenizer_name"),
        ("tokenizer_configs.yaml", 2, "acme/acme-7b", None, "config:tokenizer_configs.name"),
        ("tokenizer_configs.yaml", 11, "acme/acme-chat-v2", "89abcdef0123456789abcdef0123456789abcdef",
         "config:pretrained_model_name_or_path"),
        ("tokenizer_configs.yaml", 15, "acme/acme-pinned-tokenizer", "fedcba9876543210fedcba9876543210fedcba98",
         "config:tokenizer_configs.name"),
    ]


def test_olmo_tokenizer_identifier_is_read_under_tokenizer_only():
    """Fixture tests/fixtures/discover/config-olmo-tokenizer/: OLMo's `tokenizer: {identifier: gpt2}`; a packaged
    `tokenizers/*.json` file and an `identifier` key elsewhere are not references."""
    found = actual(discover(str(FIXTURES / "config-olmo-tokenizer" / "repo")))
    assert [(r["path"], r["line"], r["id"], r["api"]) for r in found["references"]] == [
        ("configs/tiny.yaml", 6, "gpt2", "config:identifier")]


def test_litellm_custom_provider_declared_as_a_flow_mapping_routes_its_models():
    text = ('model_list:\n  - model_name: t\n    litellm_params:\n      model: "my-provider/test-model"\n'
            '  - model_name: j\n    litellm_params:\n      model: "acme/judge-7b"\n'
            'litellm_settings:\n  custom_provider_map:\n    - {\n        "provider": "my-provider",\n'
            '        "custom_handler": server.handler,\n      }\n')
    assert [(r.id, r.line) for r in scan("litellm.yaml", text).references] == [("acme/judge-7b", 7)]

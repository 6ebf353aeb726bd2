"""Context detection (issue 11 §3) and the catalog rows of §4: exact references of each fixture repo, and the
prefilter never deciding a file holds nothing.

Fixtures: tests/fixtures/discover/python-context-*/ and python-catalog-*/, each with repo/ and expected.json.
"""

from __future__ import annotations

import pytest

from gate.discover import python_finder
from gate.discover.catalog.context import negative_evidence
from gate.discover.engine import discover
from gate.discover.python_context import candidate_offsets, plausible_id
from tests.discover.expected_refs import FIXTURES, actual, expected

FORMS = sorted(p.name for p in FIXTURES.iterdir()
               if p.name.startswith(("python-context-", "python-catalog-")) and (p / "expected.json").exists())


def test_the_fixture_forms_are_there():
    assert len([f for f in FORMS if f.startswith("python-context-")]) == 11
    assert len([f for f in FORMS if f.startswith("python-catalog-")]) == 34


@pytest.mark.parametrize("form", FORMS)
def test_fixture_references_are_exact(form):
    assert actual(discover(str(FIXTURES / form / "repo"))) == expected(form)


def test_context_references_are_medium_and_catalog_ones_high():
    found = discover(str(FIXTURES / "python-context-bindings" / "repo")).references
    assert {r.confidence for r in found} == {"medium"}
    assert {(r.id, r.kind) for r in found if r.role == "publish"} == {
        ("acme/publish-target", "model"), ("acme/where-we-push", "model"),
        ("acme/rephrased-corpus", "dataset"), ("acme/distilled-small", "model")}
    negative = discover(str(FIXTURES / "python-context-negative" / "repo")).references
    assert [(r.id, r.confidence) for r in negative] == [("acme/catalog-wins", "high")]


def _all_python_fixture_repos():
    roots = [p / "repo" for p in FIXTURES.iterdir() if p.name.startswith("python") and (p / "repo").is_dir()]
    roots += [p / "repo" for p in (FIXTURES / "python").iterdir() if (p / "repo").is_dir()]
    roots.append(FIXTURES / "notebooks" / "repo")
    return sorted(r for r in roots if r.is_dir())


@pytest.mark.parametrize("root", _all_python_fixture_repos(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_the_prefilter_changes_nothing_on_any_fixture(root, monkeypatch):
    """Differential: every file parsed and walked everywhere (prefilter off) finds exactly what the prefilter lets
    through (prefilter on)."""
    with_prefilter = discover(str(root), jobs=1)
    monkeypatch.setattr(python_finder, "relevant_lines", lambda text: None)
    from gate.discover import notebook_finder

    monkeypatch.setattr(notebook_finder, "relevant_lines", lambda text: None)
    without_prefilter = discover(str(root), jobs=1)
    assert with_prefilter.references == without_prefilter.references


@pytest.mark.parametrize(("text", "count"), [
    ('model = "org/m"\n', 1),
    ("model = 'org/m'\n", 1),
    ('model = """org/m"""\n', 1),
    ('MODELS = ["org/a", "org/b"]\n', 2),
    ('model = "text/plain"\n', 0),  # a media type
    ('model = "org/m.bin"\n', 0),  # a file name
    ('# model = "org/m"\n', 0),  # a comment
    ('    >>> load("org/m")\n', 0),  # a doctest
    ('model = "org/m\'\n', 0),  # the quotes do not pair
    ('model = "a/b/c"\n', 0),
    ('version = "HTTP/1.1"\n', 0),  # no word of the vocabulary near it
    ('x = 1\n' * 25 + 'lexer = "call/cc"\n', 0),
    ('MODELS = [\n' + '    "org/a",\n' * 40 + ']\n', 40),  # a long list: read on from the one before
    ('model = "org/m"\n' + 'x = 1\n' * 25 + 'y = "org/far"\n', 1),
    # A table whose entries span 4 lines, read on key by key far below its name (python-context-long-tables).
    ('MODELS = {\n' + '    "org/m": (\n        "a.yaml",\n        "b.pt",\n    ),\n' * 10 + '}\n', 10),
    # A literal deeper than the items read before it starts afresh: no name near it, not read.
    ('MODELS = {\n' + '    "org/m": (\n        1,\n        2,\n    ),\n' * 7 + '    "k": (\n        "org/deep",\n    ),\n}\n', 7),
    # Items of one indentation more than 20 lines apart: the second starts afresh.
    ('MODELS = [\n    "org/a",\n' + '    1,\n' * 21 + '    "org/b",\n]\n', 1),
])
def test_candidate_literals(text, count):
    assert len(candidate_offsets(text)) == count


def test_plausible_ids_follow_the_negative_evidence():
    assert plausible_id("org/m")
    for value in ("openai/gpt-4o", "ghcr.io/a/b", "org/m:tag", "./org/m", "org/m.gguf", "application/json"):
        assert not plausible_id(value), value
    assert negative_evidence("org/m") is None


def test_an_api_model_name_under_any_other_organisation_is_that_organisations_repository():
    # `Xenova/gpt-4o` is a tokenizer repository on the Hub and `org/O1` a model: only a provider's own prefix
    # (`openai/gpt-4o`) or a bare name (`gpt-4o`) is a hosted API name (found by the config round-trip property).
    for value in ("Xenova/gpt-4o", "org/O1", "org/o3-mini"):
        assert negative_evidence(value) is None, value
        assert plausible_id(value), value
    for value in ("gpt-4o", "o1", "openai/gpt-4o", "anthropic/claude-3-5-sonnet", "openai/davinci", "davinci-002",
                  "openai/babbage-002", "curie"):
        assert negative_evidence(value) is not None, value


def test_openai_tiktoken_encodings_are_not_hub_repositories():
    # HELM's `tokenizer_name: openai/o200k_base` (a TiktokenTokenizer): tiktoken downloads the table from OpenAI.
    for value in ("openai/cl100k_base", "openai/o200k_base", "openai/o200k_harmony", "p50k_base", "r50k_base"):
        assert negative_evidence(value) == "a hosted API model name", value
    assert negative_evidence("openai/clip-vit-base-patch32") is None


def test_databricks_is_a_hub_organisation_and_its_serving_endpoints_are_api_names():
    assert negative_evidence("databricks/dbrx-instruct") is None
    assert negative_evidence("databricks/dolly-v2-12b") is None
    for value in ("databricks/databricks-dbrx-instruct", "databricks/databricks-meta-llama-3-70b-instruct"):
        assert negative_evidence(value) == "a hosted API model name", value


@pytest.mark.parametrize(("value", "placeholder"), [
    ("PATH_TO_MODEL", True), ("YOUR_ORG/MODEL_DIR", True), ("path_to_llama_7b", True), ("path-to-org/model", True),
    ("BAAI/bge-m3", False), ("gpt2", False), ("BAAI/BGE", False), ("GPT2", False), ("org/MODEL_PATH", False),
    ("HF_DATASET_NAME", False), ("YOUR_ORG/MODEL_NAME", False),
    ("meta-llama/your-model-path", True), ("org/your_checkpoint_dir", True), ("your-org/your-model", False),
    ("org/yourmodel-path", False),
])
def test_placeholders_are_negative_evidence(value, placeholder):
    assert (negative_evidence(value) == "a placeholder") is placeholder


def test_every_command_runner_of_the_one_table_is_read_at_its_call():
    """`catalog.COMMAND_RUNNERS` (main's `subprocess`/`os` rows and flow2's helper names in one table, one code
    path): `os.popen`, `asyncio.create_subprocess_shell`, a method helper and `subprocess.getoutput` are read
    like `subprocess.run`, and a command part the file does not bind stays a dynamic reference."""
    text = (
        "import asyncio, os, subprocess\n"
        "os.popen('hf download org/popen-model')\n"
        "async def go():\n"
        "    await asyncio.create_subprocess_shell('vllm serve org/async-model')\n"
        "class Job:\n"
        "    def start(self, name):\n"
        "        self.run_command(f'hf download {name}')\n"
        "subprocess.getoutput('echo org/not-a-model')\n"
    )
    result = python_finder.scan_python_text(text, "job.py", None)
    assert [(r.line, r.id, r.dynamic, r.expression, r.api) for r in result.references] == [
        (2, "org/popen-model", False, None, "os.popen > shell:hf download"),
        (4, "org/async-model", False, None, "asyncio.create_subprocess_shell > shell:vllm serve"),
        (7, None, True, "name", "self.run_command > shell:hf download"),
    ]


def test_verl_local_copy_helpers_pass_a_hub_id_through():
    """verl's `copy_local_path_from_hdfs(src)` / `copy_to_local(src)` return a non-HDFS `src` unchanged (a Hub id
    reaches `from_pretrained`), an `hdfs://` path as a local copy's path; `hf_tokenizer` / `hf_processor` load the
    id they are given, and stay dynamic when it comes from the run's config."""
    found = actual(discover(str(FIXTURES / "python-catalog-verl" / "repo")))
    assert [(r["line"], r["id"], r.get("expression"), r["api"]) for r in found["references"]] == [
        (13, "acme/policy-7b", None, "transformers.from_pretrained"),
        (14, "acme/critic-1b", None, "transformers.from_pretrained"),
        (19, None, "local_path", "verl.hf_tokenizer"),
        (20, "acme/vision-policy", None, "verl.hf_processor")]

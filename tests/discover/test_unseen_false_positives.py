"""False positives found by the fourth precision audit (bench/corpus/precision_audit_4.json: a judged random sample
of what discovery reports on five repositories it was never tuned on), each as a general rule with a fixture of
exact references under tests/fixtures/discover/<name>/ (repo/ and expected.json)."""

from __future__ import annotations

import pytest

from gate.discover.catalog.context import builds_api_request, negative_evidence
from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected


def _ids(form: str) -> list[tuple[str, int, str]]:
    found = actual(discover(str(FIXTURES / form / "repo")))
    assert found == expected(form)
    return [(r["path"], r["line"], r["id"]) for r in found["references"]]


def test_the_model_field_of_an_api_request_object_is_not_a_load():
    """`ChatCompletionRequest(model=...)`, `EmbeddingRequest(model=...)`, and a name read only there: a served
    name; the same name also loaded elsewhere, a loading call's `model=` and another `...Request` still count."""
    assert _ids("python-api-requests") == [
        ("parser_checks.py", 17, "acme/chat-tokenizer"), ("parser_checks.py", 22, "acme/draft"),
        ("parser_checks.py", 23, "acme/reviewed-model")]


@pytest.mark.parametrize(("callee", "is_request"), [
    ("ChatCompletionRequest", True), ("protocol.CompletionRequest", True), ("EmbeddingRequest", True),
    ("ResponsesRequest", True), ("PullRequest", False), ("Request", False), ("load_request", False),
])
def test_builds_api_request(callee, is_request):
    assert builds_api_request(callee) is is_request


def test_a_hub_url_that_is_a_link_target_is_not_a_load():
    """`[license](https://huggingface.co/org/m/blob/main/LICENSE)` in a `gr.Markdown` block, `<a href="...">`, a
    Markdown link in a config description: links for a reader; a plain URL in code or config is still a load."""
    assert _ids("link-targets") == [
        ("app.py", 4, "acme/video-model"), ("app.py", 5, "acme/video-model"), ("card.yaml", 2, "acme/base-model")]


def test_a_value_overwritten_before_it_is_read_is_not_reported():
    """`repo_id = "a"; repo_id = "b"; snapshot_download(repo_id=repo_id)`: only `b` is loaded. A read, a branch, or a
    call of a function the block defines between the two assignments keeps the first value."""
    assert _ids("python-dead-stores") == [
        ("choose.ipynb", 16, "acme/coder-model"),
        ("choose.py", 10, "acme/final-choice"), ("choose.py", 12, "acme/read-before-change"),
        ("choose.py", 15, "acme/read-after-change"), ("choose.py", 20, "acme/fast-tokenizer"),
        ("choose.py", 20, "acme/kept-by-branch"), ("choose.py", 27, "acme/reward-read-by-a-function"),
        ("choose.py", 29, "acme/reward-final")]


def test_openai_clip_checkpoint_names_are_not_hub_ids():
    """`clip.load("ViT-L/14")`, `clip_model_name: ViT-B/32`: the clip package's own names; the Hub copy and
    open_clip's `hf-hub:` ids stay references."""
    assert _ids("clip-checkpoint-names") == [
        ("filter.py", 10, "openai/clip-vit-large-patch14"), ("filter.py", 11, "acme/open-clip-model"),
        ("guidance.yaml", 3, "acme/clip-guidance")]
    assert negative_evidence("ViT-L/14@336px") == "an OpenAI CLIP checkpoint name"
    assert negative_evidence("acme/ViT-L-14") is None


def test_placeholder_words_are_not_legacy_ids():
    """`args.model or "default"` reaching `from_pretrained`, `path = "TODO"`: placeholder words
    (`SENTINEL_WORDS`), not legacy ids; the argument read from the command line stays a dynamic reference, and
    `gpt2` a legacy id."""
    found = actual(discover(str(FIXTURES / "python-placeholder-ids" / "repo")))
    assert found == expected("python-placeholder-ids")
    assert [(r["line"], r.get("id"), r.get("expression")) for r in found["references"]] == [
        (11, None, "tokenizer_id"), (15, "gpt2", None)]


def test_a_hosted_api_model_name_given_to_a_hub_loader_is_dynamic():
    """`--model_name_or_path` defaulting to `gpt-4` (an evaluation script kept from a harness for API models) and
    passed to vLLM or `from_pretrained`: no Hub repository has that name, the script is given the real one at run
    time, so the load is dynamic, not the id `gpt-4`; a Hub repository under an organisation keeps its id."""
    found = actual(discover(str(FIXTURES / "python-api-model-defaults" / "repo")))
    assert found == expected("python-api-model-defaults")
    assert [(r["line"], r["id"], r.get("expression")) for r in found["references"]] == [
        (12, None, "args.model_name_or_path"), (13, None, "args.model_name_or_path"), (14, None, "args.judge"),
        (15, "acme/gpt-4-distilled", None)]


@pytest.mark.parametrize(("value", "why"), [
    ("cohere/command", "a hosted API model name"),  # Cohere's API names (HELM, LiteLLM), not repositories
    ("cohere/command-light", "a hosted API model name"),
    ("cohere/command-a-03-2025", "a hosted API model name"),
    ("cohere/command-r-plus", "a hosted API model name"),
    ("Cohere/miracl-zh-queries-22-12", None),  # the Cohere organisation's datasets on the Hub
    ("Cohere/Cohere-embed-multilingual-v3.0", None),
    ("org/command", None),
])
def test_cohere_is_an_api_router_prefix_and_a_hub_organisation(value, why):
    assert negative_evidence(value) == why

"""Calls that fetch from a registry other than the Hub (the LangChain prompt hub, LangSmith, git hosts, OpenCompass's
data index) take `owner/name` handles of their own: context detection does not report them, and a loader beside them still is.
A helper naming Kaggle (`download_kaggle_dataset("owner/x")`) takes Kaggle handles: reported with `source: kaggle`.

Fixture: tests/fixtures/discover/python-other-registries/ (repo/ and expected.json).
"""

from __future__ import annotations

import pytest

from gate.discover.catalog.context import names_kaggle, names_other_registry, names_remote_api
from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected


def test_other_registry_handles_are_not_references():
    found = actual(discover(str(FIXTURES / "python-other-registries" / "repo")))
    assert found == expected("python-other-registries")
    assert [(r["id"], r["source"]) for r in found["references"]] == [
        ("acme-speech/english-multispeaker-corpus", "kaggle"), ("acme-speech/bible-speech", "kaggle"),
        ("acme/speech-corpus", "huggingface"), ("acme/embedder", "huggingface"), ("acme/reader", "huggingface")]


@pytest.mark.parametrize(("callee", "kaggle"), [
    ("download_kaggle_dataset", True), ("kaggle.api.dataset_download_files", True), ("KaggleDatasetLoader", True),
    ("kagglehub_cache", False), ("download_dataset", False), ("hf_hub_download", False),
])
def test_names_kaggle(callee, kaggle):
    assert names_kaggle(callee) is kaggle


@pytest.mark.parametrize(("callee", "other"), [
    ("hub.pull", True), ("langchain.hub.pull", True), ("client.pull_prompt", True), ("GithubFileLoader", True),
    ("clone_github_repo", True), ("GitLoader", True), ("get_data_path", True), ("opencompass.utils.get_data_path", True),
    ("load_model", False), ("torch.hub.load", False), ("hf_hub_download", False), ("digit_classifier", False),
])
def test_names_other_registry(callee, other):
    assert names_other_registry(callee) is other


def test_model_names_sent_to_a_hosted_api_are_not_loads():
    """Fixture tests/fixtures/discover/config-hosted-api/: a model name beside a hosted API (`base_url` of a
    non-Hub host, `provider: anthropic`, `fn_completions: openai_completions`) is served there, not downloaded; a
    local server (also one listed under `endpoints:`), a Hub-serving provider and dataset keys keep their
    references."""
    found = actual(discover(str(FIXTURES / "config-hosted-api" / "repo")))
    assert found == expected("config-hosted-api")
    assert [r["id"] for r in found["references"]] == [
        "acme/served-by-local-vllm", "acme/served-by-localhost", "acme/loaded-by-vllm", "acme/loaded-tokenizer", "acme/hub-served-judge", "acme/local-vllm-server",
        "acme/eval-set"]


@pytest.mark.parametrize(("key", "value", "hosted"), [
    ("base_url", "https://api.together.xyz/v1", True), ("openai_api_base", "https://api.openai.com/v1", True),
    ("base_url", "http://localhost:8000/v1", False), ("api_base", "http://vllm:8000/v1", False),
    ("base_url", "https://router.huggingface.co/v1", False), ("link", "https://example.com/page", None),
    ("fn_completions", "openai_completions", True), ("provider", "anthropic", True),
    ("provider", "huggingface", None), ("fn_completions", "vllm_local_completions", None),
    ("dataset_name", "openai_humaneval", None), ("model_name", "openai/whisper-small", None),
    ("class_name", "helm.clients.openai_client.OpenAIClient", True),
    ("class_name", "helm.clients.together_client.TogetherChatClient", True),
    ("_target_", "langchain_openai.ChatOpenAI", True),
    ("class_name", "helm.clients.huggingface_client.HuggingFaceClient", None),
    ("_target_", "mylab.encoders.openai_clip.OpenAIClipEncoder", None),
    ("class_name", "helm.clients.vllm_client.VLLMClient", None),
])
def test_names_remote_api(key, value, hosted):
    assert names_remote_api(key, value) is hosted


def test_a_client_class_of_a_hosted_api_serves_the_model_names_beside_it():
    """Fixture tests/fixtures/discover/config-hosted-client-class/: a client class whose dotted path names a hosted
    API vendor (`langchain_openai.ChatOpenAI`, `...anthropic_client.AnthropicMessagesClient` under `client:`) serves
    the model name beside it; a tokenizer beside it is still loaded, and a model class that only names a vendor
    (an OpenAI CLIP encoder) or a local client keeps its reference."""
    found = actual(discover(str(FIXTURES / "config-hosted-client-class" / "repo")))
    assert found == expected("config-hosted-client-class")
    assert [(r["line"], r["id"]) for r in found["references"]] == [
        (6, "acme/judge-tokenizer"), (13, "openai/clip-vit-base-patch32"), (17, "acme/loaded-locally")]

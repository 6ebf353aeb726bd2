"""Context vocabulary: how a name says "model" or "dataset" where the library is not in the catalog.

A string shaped like a Hub id (`org/name`) is a reference of `confidence: "medium"` when the name it is bound
to (keyword, parameter, attribute, variable, dict key, config key, CLI flag) says model or dataset, or when it is
passed to a call whose name says load/download/from_pretrained. Names are split into tokens (snake_case,
camelCase, kebab-case, dotted: `--policy.path`, `teacherModelId`) and read against the token tables below.

Negative evidence (what keeps precision) lives here too, so every finder applies the same judgement.
Adding a word is a row here plus a fixture.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

ContextKind = Literal["model", "dataset"]

MODEL_TOKENS = frozenset({
    "model", "models", "checkpoint", "ckpt", "pretrained", "tokenizer", "processor", "adapter", "adapters", "lora",
    "encoder", "decoder", "extractor", "vae", "unet", "teacher", "student", "reward", "critic", "actor", "policy", "embedder",
    "embedding", "embeddings", "reranker", "backbone", "repo", "generator", "discriminator", "classifier",
    "llm", "vlm", "controlnet", "scheduler", "draft", "speculative", "transformer", "peft", "merged", "base",
    "checkpoints", "tokenizers", "teachers", "encoders", "embedders", "rerankers", "backbones", "loras",
    "tower", "towers",
})
"""Tokens that make a name say model (`base_model`, `reward_model_path`, `tokenizer_name`, `vae`, `repo_id`;
`vision_tower`, `mm_vision_tower`, `audio_tower`: the encoder of a LLaVA-style multimodal model)."""

DATASET_TOKENS = frozenset({"dataset", "datasets", "data", "corpus", "benchmark", "distiset", "distisets"})
"""Tokens that make a name say dataset (`dataset_name`, `data_path`, `eval_dataset`, distilabel's `distiset`)."""

WEAK_TOKENS = frozenset({"base", "repo", "policy", "generator", "scheduler", "transformer", "data", "draft",
                         "actor", "critic", "merged"})
"""Tokens that say model/dataset only next to an id-ish token (`base_model`, `repo_id`, `data_path`), not alone:
`base`, `policy`, `data` on their own name many other things."""

ID_TOKENS = frozenset({"id", "ids", "name", "names", "path", "paths", "name_or_path", "or", "hub", "repo", "uri",
                       "url", "identifier", "ref", "card"})
"""Tokens that, beside a weak token, make the name an id slot (`base_model_id`, `data_path`, `policy_path`)."""

HUB_ID_KEY_TOKENS = frozenset({"hf", "hub", "huggingface", "ms", "modelscope", "repo"})
"""Words that, beside `id` or `repo`, make a mapping key the slot of a hub id (`hf_id`, `ms_id`, `repo_id`, `repo`):
an entry `{"alias/x": {"hf_id": ..., "ms_id": ..., "local": ...}}` says where the id is, so its own key is a name the
table is looked up by (OpenCompass-style dataset registries), not an id (`catalog.context.names_hub_id_slot`)."""


OTHER_HUB_KEY_TOKENS = frozenset({"ms", "modelscope"})
"""Of those, the words of another hub: the value of `ms_id` / `modelscope_id` is a ModelScope id, not a Hub one."""


OTHER_HUBS = frozenset({"modelscope", "openmind", "openmind_hub", "csghub", "modelers"})
"""Names of model hubs other than the Hugging Face Hub (ModelScope, openMind, CSGHub, Modelers). A mapping keyed by
one holds that hub's ids (xinference registries: `model_src: {huggingface: {model_id: ...}, modelscope: {model_id:
...}}`), and so does a mapping or call whose hub keyword names one (`model_hub="modelscope"`)."""

HUB_CHOICE_KEY_TOKENS = frozenset({"hub", "src", "source"})
"""Tokens of a key or keyword that picks the hub a sibling id is downloaded from (`model_hub`, `download_hub`,
`model_src`, `source`)."""


def names_other_hub(key: str) -> bool:
    """`modelscope`, `openmind_hub`: a mapping key naming another hub (`OTHER_HUBS`), whose entries are its ids."""
    return key.lower() in OTHER_HUBS


def picks_other_hub(key: str, value: object) -> bool:
    """`model_hub: modelscope`, `source="csghub"`: a hub-choosing key (`HUB_CHOICE_KEY_TOKENS`) set to another hub:
    the ids beside it are that hub's, not the Hugging Face Hub's."""
    return isinstance(value, str) and value.lower() in OTHER_HUBS and any(
        token in HUB_CHOICE_KEY_TOKENS for token in name_tokens(key))


def names_hub_id_slot(key: str, other_hub: bool = False) -> bool:
    """The mapping key holds a hub id (`HUB_ID_KEY_TOKENS`): `hf_id`, `ms_id`, `repo_id`, `hub_repo`, `repo`; with
    `other_hub`, only the id of another hub (`OTHER_HUB_KEY_TOKENS`: `ms_id`)."""
    tokens = name_tokens(key)
    words = OTHER_HUB_KEY_TOKENS if other_hub else HUB_ID_KEY_TOKENS
    return any(t in words for t in tokens) and any(t in ("id", "repo") for t in tokens)


NOT_A_REFERENCE_TOKENS = frozenset({"output", "out", "save", "saved", "cache", "dir", "local", "log", "logging",
                                     "wandb", "project", "run", "experiment", "image", "container", "docker",
                                     "metric", "metrics", "type", "class", "arch", "architecture", "format",
                                     "dtype", "split", "config_name", "column", "field", "template",
                                     "cached", "served", "folder", "folders", "git", "github", "gitlab"})
"""Tokens that make a name *not* an id slot even when it also says model (`output_dir`, `model_type`,
`wandb_project`, `model_class`, nanotron's `dataset_folder`): the value is a local destination, a label or a
type; `git_repo`, `github_repo`: a repository on a git host, not on the Hub."""

MODALITY_TOKENS = frozenset({"image"})
"""Tokens of `NOT_A_REFERENCE_TOKENS` that say what a model works on when a model or dataset token follows them
(`DEFAULT_IMAGE_MODEL`, `image_processor_name`, `image_dataset`): then they do not veto. Alone or before a weak or
id token they still name a container image (`base_image`, `docker_image_name`, `image_repo`)."""

NOT_A_REFERENCE_PHRASES = ("config_name", "output_dir", "save_dir", "cache_dir", "model_type", "checkpoints_path")
"""Runs of tokens with the same effect (`model_config_name`, `checkpoints_path`: nanotron's save location)."""

LOCAL_DIRECTORY_HEADS = frozenset({"data", "output", "outputs", "checkpoints", "ckpt", "ckpts", "logs", "results",
                                   "tmp", "runs", "cache", "saved_models", "experiments", "exp", "local"})
"""First parts of `dir/name` strings that are local directories a script writes or reads (`data/tinystories`,
`outputs/run1`): where only context speaks for a string, such a head speaks against it."""

PLACEHOLDER_ORGS = frozenset({"test", "dummy", "fake", "example"})
"""Organisations of made-up ids (`test/custom_test_a` registered by a test, `example/custom-image-model` in a doc):
where only context speaks for a string, such a head speaks against it, as `LOCAL_DIRECTORY_HEADS` do. A catalog
call loading one still reports it (the call says it is a load, and verification finds no such repository)."""

PUBLISH_TOKENS = frozenset({"push", "upload", "publish", "hub_model_id", "hub_dataset_id", "push_to_hub",
                            "hub_repo", "target_repo", "output_repo", "destination", "output_model_name",
                            "output_dataset_name", "output_model_id", "output_dataset_id"})
"""Tokens that make a name a publish target (`hub_model_id`, `push_to_hub_model_id`, `upload_repo`; the name of
the model or dataset a script outputs, `--output_dataset_name org/d`: a local destination is a `dir` or `path`)."""

DATASET_OBJECT_CALLS = frozenset({
    "load_dataset", "load_from_disk", "Dataset", "DatasetDict", "IterableDataset", "IterableDatasetDict",
    "concatenate_datasets", "interleave_datasets", "from_dict", "from_list", "from_pandas", "from_generator",
    "from_csv", "from_json", "from_parquet", "from_text", "from_sql", "from_polars", "from_file", "from_buffer",
})
"""Calls (their last name) that return a `datasets` object when they come from `datasets`: a variable bound to one
makes its `push_to_hub` publish a dataset (`ds = Dataset.from_pandas(df); ds.push_to_hub(...)`)."""
DATASET_RETURNING_METHODS = frozenset({
    "map", "filter", "select", "shuffle", "train_test_split", "remove_columns", "rename_column", "rename_columns",
    "select_columns", "cast", "cast_column", "add_column", "add_item", "sort", "flatten", "with_format",
    "with_transform", "shard", "take", "skip", "class_encode_column", "align_labels_with_mapping", "unique_rows",
})
"""Methods of a dataset that return a dataset (`ds = ds.map(embed)` keeps `ds` a dataset)."""

LOADING_CALL_TOKENS = frozenset({"load", "loads", "loader", "download", "from_pretrained", "pretrained",
                                 "fetch", "pull", "snapshot", "restore", "instantiate", "get_model",
                                 "get_tokenizer", "build_model", "create_model"})
"""Tokens of a callee name that make its string arguments loads (`load_checkpoint`, `download_weights`)."""

NAME_DERIVING_CALL_PHRASES = ("name_from", "names_from", "id_from")
"""Runs of tokens in a callee name that say the call derives a name from its argument
(`get_model_name_from_path(args.model_path)`, `repo_id_from_url(u)`): it returns a string and loads nothing."""

OTHER_REGISTRY_CALLEES = frozenset({"hub.pull", "hub.push", "pull_prompt", "push_prompt", "get_data_path"})
"""Callees (their last two names, or the last) that fetch from a registry other than the Hugging Face Hub, with
`owner/name` handles of its own: the LangChain prompt hub (`from langchain import hub; hub.pull("rlm/rag-prompt")`),
LangSmith (`client.pull_prompt(...)`), and OpenCompass's data index (`get_data_path("opencompass/gsm8k")`: a key of
its own dataset mapping, a local folder or OpenCompass's download unless the environment picks a hub). Their
arguments are not Hub ids, however loading the call sounds."""

LOCAL_CHECKPOINT_CALLEES = frozenset({"load_checkpoint_and_dispatch", "load_checkpoint_in_model"})
"""Callees (their last name) that read a checkpoint file or folder already on disk into a model built before:
accelerate's `load_checkpoint_and_dispatch(model, checkpoint)` after `init_empty_weights()` (the checkpoint must be
a local path: it never downloads). The same name's Hub load is the `from_pretrained` that built the model; passing
it here again is no second reference, however loading the call sounds."""

GIT_HOST_CALL_TOKENS = frozenset({"github", "gitlab", "git", "gitea", "bitbucket"})
"""Tokens of a callee name that make its `owner/name` arguments repositories on a git host
(`GithubFileLoader(repo="huggingface/peft")`, `GitLoader(...)`, `clone_github_repo("org/x")`)."""

KAGGLE_CALL_TOKENS = frozenset({"kaggle"})
"""Tokens of any name in a dotted callee that make its `owner/name` arguments Kaggle handles
(`download_kaggle_dataset("owner/corpus", ...)`, `kaggle.api.dataset_download_files(...)`): spelled like Hub ids,
they name Kaggle datasets or models, reported as such (`source: kaggle`). `kagglehub`'s functions are catalog rows."""

API_REQUEST_TOKENS = frozenset({"chat", "completion", "completions", "embedding", "embeddings", "rerank", "response",
                                "responses", "transcription", "tokenize", "detokenize", "generate", "score"})
"""Tokens that, before a last token `request`, make a class the request body of an OpenAI-compatible server
(`ChatCompletionRequest`, `CompletionRequest`, `EmbeddingRequest`: vLLM, SGLang, lmdeploy, FastChat protocols).
Building one loads nothing: its `model` field is the name a server is asked for, and the server is given its model
where it is started (`--model org/m`, reported there)."""

SAVING_CALL_TOKENS = frozenset({"save", "push", "upload", "export", "dump", "write"})
"""Tokens of a callee name that make it write, even when it also says `pretrained` (`save_pretrained_merged`,
`push_to_hub_merged`): its string arguments are destinations, not loads."""

LOCAL_SOURCE_CALL_TOKENS = frozenset({"disk"})
"""Tokens of a callee name that make it read a local directory, however loading it sounds (`datasets`'
`load_from_disk(path)`, `Dataset.load_from_disk`): its arguments are paths, never Hub reads, even when the
value is shaped like an id (a dataclass default `dataset_path = "org/name"` read with `load_from_disk`)."""

API_PROVIDER_ORGS = frozenset({
    "openai", "anthropic", "azure", "azure_ai", "bedrock", "vertex_ai", "vertex_ai_beta", "gemini", "groq",
    "together_ai", "openrouter", "cohere", "cohere_chat", "mistral", "deepinfra", "perplexity", "fireworks_ai",
    "replicate", "anyscale", "sagemaker", "databricks", "watsonx", "ollama", "ollama_chat", "huggingface",
    "text-completion-openai", "xai", "cerebras", "sambanova", "friendliai", "nvidia_nim", "voyage", "palm",
    "claude", "hosted_vllm", "lm_studio", "litellm_proxy", "github", "dashscope", "moonshot", "volcengine",
})
"""`provider/model` prefixes of API routers (LiteLLM, OpenRouter, LangChain init_chat_model): not Hub ids."""

HUB_ORGS_NAMED_LIKE_PROVIDERS = frozenset({"openai", "huggingface", "databricks", "cohere"})
"""Provider prefixes that are also Hub organisations (`openai/whisper-small`, `huggingface/...`,
`databricks/dbrx-instruct`, `Cohere/miracl-zh-queries-22-12`; Databricks' served names are
`databricks/databricks-dbrx-instruct`, Cohere's `cohere/command-r`)."""

HUB_SERVING_PROVIDERS = frozenset({"huggingface"})
"""Router prefixes whose models are Hub repositories wherever they are served (LiteLLM `huggingface/org/m`)."""

HUB_INFERENCE_HOSTS = ("router.huggingface.co", "api-inference.huggingface.co", ".endpoints.huggingface.cloud")
"""Hosts that serve Hub repositories by id: an OpenAI-compatible client pointed at one of them (`base_url`) sends
`<provider>/<org>/<name>` or `<org>/<name>` model names that are Hub ids."""

API_MODEL_NAME = re.compile(
    r"(?:gpt-[0-9][\w.-]*|gpt-4o[\w.-]*|o[1-9](?:-[\w.-]+)?|chatgpt-[\w.-]+|text-(?:embedding|davinci|curie|"
    r"babbage|ada)-[\w.-]+|(?:davinci|curie|babbage|ada)(?:-[\w.-]+)?|claude-[\w.-]+|gemini-[\w.-]+|"
    r"command(?:-[\w.-]+)?|dall-e-[\w.-]+|whisper-1|tts-1[\w.-]*|omni-moderation-[\w.-]+|databricks-[\w.-]+|"
    r"(?:cl100k|o200k|p50k|r50k)_(?:base|edit|harmony))",
    re.IGNORECASE,
)
"""Names of hosted API models (OpenAI, Anthropic, Google, Cohere, Databricks serving endpoints) and of OpenAI's
tiktoken encodings (`openai/cl100k_base`, `o200k_base`: a tokenizer table tiktoken downloads from OpenAI): never Hub
ids, with or without a provider."""

OPENAI_CLIP_NAME = re.compile(r"ViT-(?:B|L|H|g|G|bigG)/\d+(?:@\d+px)?")
"""Names of OpenAI's CLIP checkpoints (`clip.load("ViT-L/14")`, `clip_model: ViT-B/32`): the `clip` package's own
table, downloaded from openaipublic, never Hub ids (the Hub copies are `openai/clip-vit-large-patch14`)."""

_TOKEN_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])")
_FILE_EXTENSION = re.compile(
    r"\.(?:py|ipynb|json|jsonl|ya?ml|toml|txt|csv|tsv|parquet|arrow|md|sh|bin|pt|pth|ckpt|safetensors|onnx|gguf|"
    r"h5|hdf5|pkl|pickle|npy|npz|png|jpe?g|gif|wav|mp3|mp4|zip|tar|gz|tgz|xz|log|cfg|ini|pb|tflite|model|"
    r"msgpack|html|xml|so|dll|exe|whl)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1 << 16)
def name_tokens(name: str) -> tuple[str, ...]:
    """`teacherModelId` → (teacher, model, id); `--policy.path` → (policy, path); `MODEL_NAME` → (model, name);
    `TOKENIZER2_PATH` → (tokenizer, 2, path). Remembered: a few thousand distinct names are asked about ~60 times
    each over a large tree (callees, keywords, config keys)."""
    return tuple(t.lower() for t in _TOKEN_SPLIT.split(name) if t)


def says_not_a_reference(name: str) -> bool:
    """A binding name that says its value is something else than an id (`output_dir`, `GITHUB_REPOSITORY`,
    `model_type`): `NOT_A_REFERENCE_TOKENS` (but for a modality) or `NOT_A_REFERENCE_PHRASES`."""
    tokens = name_tokens(name)
    if any(t in NOT_A_REFERENCE_TOKENS and not _says_modality(tokens, i) for i, t in enumerate(tokens)):
        return True
    lowered = "_".join(tokens)
    return any(phrase in lowered for phrase in NOT_A_REFERENCE_PHRASES)


def context_kind(name: str) -> ContextKind | None:
    """What a binding name says its value is: `model`, `dataset`, or None (nothing, or a local destination)."""
    tokens = name_tokens(name)
    if not tokens or says_not_a_reference(name):
        return None
    has_id_token = any(t in ID_TOKENS for t in tokens)
    strong = [t for t in tokens if t not in WEAK_TOKENS]
    if any(t in DATASET_TOKENS and (t != "data" or has_id_token) for t in tokens):
        return "dataset"
    if any(t in MODEL_TOKENS for t in strong):
        return "model"
    if has_id_token and any(t in MODEL_TOKENS for t in tokens):
        return "model"
    return None


def _says_modality(tokens: tuple[str, ...], index: int) -> bool:
    """`image` in `image_model`: what the model works on, not a container image (see MODALITY_TOKENS)."""
    return tokens[index] in MODALITY_TOKENS and any(
        t in DATASET_TOKENS or (t in MODEL_TOKENS and t not in WEAK_TOKENS) for t in tokens[index + 1:])


def is_publish_name(name: str) -> bool:
    """A binding name that says the value is where something is pushed (`hub_model_id`, `push_to_hub_repo`)."""
    lowered = "_" + "_".join(name_tokens(name)) + "_"
    return any(f"_{token}_" in lowered for token in PUBLISH_TOKENS)  # whole tokens: `github_repo` is no `hub_repo`


_ID_SUFFIX = re.compile(r"_(?:name_or_path|path|name|id)$")
"""What ends a key naming an id (`model_id`, `model_name_or_path`): the rest (`model`) names its revision."""


def own_revision_keys(name: str) -> tuple[str, ...]:
    """The keys (config keys, call keywords) that hold the revision of the id under `name`: `model_id_revision`
    and `model_revision` beside `model_id` (`Spec(model_id="org/m", model_revision="<sha>")`)."""
    return tuple(dict.fromkeys((f"{name}_revision", f"{_ID_SUFFIX.sub('', name)}_revision")))


def publish_kind(name: str) -> ContextKind:
    """What a publish target's name says it receives: `dataset` (`output_dataset_name`, `hub_dataset_id`), else a
    model."""
    return "dataset" if DATASET_TOKENS.intersection(name_tokens(name)) else "model"


def call_says_load(callee: str) -> bool:
    """A callee name that says it loads (`load_model`, `download_checkpoint`, `Foo.from_pretrained`)."""
    tokens = name_tokens(callee.rsplit(".", 1)[-1])
    if any(token in SAVING_CALL_TOKENS or token in LOCAL_SOURCE_CALL_TOKENS for token in tokens):
        return False
    lowered = "_".join(tokens)
    return any(token in lowered for token in LOADING_CALL_TOKENS)


def derives_name(callee: str) -> bool:
    """A callee that computes a name from its argument (`get_model_name_from_path`), whatever else its name says."""
    lowered = "_".join(name_tokens(callee.rsplit(".", 1)[-1]))
    return any(phrase in lowered for phrase in NAME_DERIVING_CALL_PHRASES)


PREDICATE_HEADS = frozenset({"is", "has"})
"""First tokens of a callee that answers a yes/no question about its argument (`is_image_generation_model(name)`,
`has_chat_template(path)`): it returns a bool, not a loaded object, whatever else its name says."""


def is_predicate(callee: str) -> bool:
    """A callee named as a question about its argument (`PREDICATE_HEADS`)."""
    tokens = name_tokens(callee.rsplit(".", 1)[-1])
    return len(tokens) > 1 and tokens[0] in PREDICATE_HEADS


def names_other_registry(callee: str) -> bool:
    """A call whose `owner/name` arguments name something that is not on the Hub: a prompt hub handle, a
    repository on a git host (`hub.pull`, `GithubFileLoader`, `client.pull_prompt`)."""
    parts = callee.replace("()", "").split(".")
    if ".".join(parts[-2:]) in OTHER_REGISTRY_CALLEES or parts[-1] in OTHER_REGISTRY_CALLEES:
        return True
    return any(token in GIT_HOST_CALL_TOKENS for token in name_tokens(parts[-1]))


def names_kaggle(callee: str) -> bool:
    """A callee one of whose names says Kaggle (`KAGGLE_CALL_TOKENS`): its handles are Kaggle's, not the Hub's."""
    return any(token in KAGGLE_CALL_TOKENS for part in callee.replace("()", "").split(".") for token in name_tokens(part))


def builds_api_request(callee: str) -> bool:
    """`ChatCompletionRequest(...)`, `protocol.EmbeddingRequest(...)`: a request object of an OpenAI-compatible API,
    whose `model` keyword is a served name, not a load (`API_REQUEST_TOKENS`)."""
    tokens = name_tokens(callee.replace("()", "").rsplit(".", 1)[-1])
    return len(tokens) > 1 and tokens[-1] == "request" and any(t in API_REQUEST_TOKENS for t in tokens[:-1])


def is_api_model_name(value: str) -> bool:
    """`gpt-4o`, `openai/gpt-4o-mini`, `anthropic/claude-3-5-sonnet`, `together_ai/meta-llama/...`: hosted API
    models and router names, which are not Hub repositories."""
    head, _, rest = value.partition("/")
    if rest and head.lower() in API_PROVIDER_ORGS:
        # `openai/whisper-large-v2`, `openai/gsm8k`: these providers are Hub organisations too; only their API
        # model names (`openai/gpt-4o`) are router names there.
        return head.lower() not in HUB_ORGS_NAMED_LIKE_PROVIDERS or API_MODEL_NAME.fullmatch(rest) is not None
    # Under any other organisation the name is that organisation's Hub repository (`Xenova/gpt-4o` is a
    # tokenizer repository, `org/o1` a model), never an API name.
    return not rest and API_MODEL_NAME.fullmatch(value) is not None


def routed_hub_id(value: str, hub_served: bool) -> str | None:
    """The Hub id inside a router model name: `huggingface/org/m` always, `openai/org/m` (any provider prefix)
    when the client is pointed at a Hub inference host (`hub_served`); None when `value` is not such a name."""
    head, _, rest = value.partition("/")
    if rest.count("/") != 1 or head.lower() not in API_PROVIDER_ORGS:
        return None
    if head.lower() in HUB_SERVING_PROVIDERS or hub_served:
        return rest
    return None


def names_hub_inference_host(value: str) -> bool:
    """`https://router.huggingface.co/v1`, `https://x.endpoints.huggingface.cloud`: a host serving Hub models."""
    if "://" not in value:  # no host (most values: every scalar of a mapping is asked, `_hub_served`)
        return False
    host = value.partition("://")[2].split("/", 1)[0].lower()
    return any(host == h or (h.startswith(".") and host.endswith(h)) for h in HUB_INFERENCE_HOSTS)


LOCAL_SERVER_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]", "host.docker.internal")
"""Hosts of a server the user runs: a model name sent there is what that server loaded (vLLM, TGI, llama.cpp
`--model org/m`), so it stays a reference."""

BACKEND_KEY_TOKENS = frozenset({"provider", "backend", "client", "fn", "completions", "engine", "api", "service",
                                "platform", "type"})
"""Tokens of a config key whose value names the backend a model name is sent to (`provider: anthropic`,
`api_type: openai`, `fn_completions: openai_completions`)."""


ENDPOINT_LIST_KEY_TOKENS = frozenset({"endpoint", "endpoints", "server", "servers"})
"""Tokens of a config key holding the servers a sibling model name is sent to, as a mapping or a list of them
(arena-hard / FastChat API configs: `endpoints: [{api_base: http://0.0.0.0:8000/v1, api_key: ...}]`)."""


HOSTED_CLIENT_TOKENS = frozenset({
    "openai", "anthropic", "claude", "azure", "bedrock", "vertexai", "vertex", "gemini", "genai", "groq", "together",
    "openrouter", "cohere", "mistral", "mistralai", "deepinfra", "perplexity", "fireworks", "replicate", "anyscale",
    "sagemaker", "watsonx", "ibm", "xai", "grok", "cerebras", "sambanova", "nim", "voyage", "palm", "dashscope",
    "moonshot", "volcengine", "ai21", "reka", "writer", "palmyra", "upstage", "goose", "gooseai", "aleph", "litellm",
})
"""Words of a client class's dotted path that name a hosted API vendor (`helm.clients.openai_client.OpenAIClient`,
`langchain_openai.ChatOpenAI`, `x.ibm_client.IbmChatClient`). `huggingface` is not one: its clients load Hub
repositories (`HuggingFaceClient`)."""

CLIENT_CLASS_TOKENS = frozenset({"client", "chat", "api", "completion", "completions", "responses", "llms"})
"""Words that make a dotted class path a client of a model service (`...Client`, `ChatOpenAI`), not a model class
that merely names a vendor (`x.openai_clip.OpenAIClipEncoder` loads `openai/clip-...` from the Hub)."""

CLASS_KEY_TOKENS = frozenset({"class", "target", "cls"})
"""Tokens of a config key whose value is the dotted path of a class to build (`class_name`, `_target_`,
`class_path`)."""


def names_hosted_client(value: str) -> bool:
    """`helm.clients.together_client.TogetherChatClient`: a dotted class path of a hosted API's client."""
    words = set(re.split(r"[^a-z0-9]+", value.lower())) | set(name_tokens(value))
    return bool(words & HOSTED_CLIENT_TOKENS) and bool(words & CLIENT_CLASS_TOKENS)


def names_remote_api(key: str, value: str) -> bool | None:
    """What a config entry says about where a sibling model name goes: True for a hosted API (`base_url:
    https://api.together.xyz/v1`, `provider: openai`, `fn_completions: anthropic_completions`, `class_name:
    helm.clients.openai_client.OpenAIClient`), False for a server the user runs (`base_url:
    http://localhost:8000/v1`) or a Hub inference host, None when it says nothing."""
    tokens = name_tokens(key)
    lowered = value.strip().lower()
    if "." in lowered and "/" not in lowered and any(t in CLASS_KEY_TOKENS for t in tokens):
        return True if names_hosted_client(value.strip()) else None
    if lowered.startswith(("http://", "https://")):
        if not ("endpoint" in tokens or ("url" in tokens and ("base" in tokens or "api" in tokens))
                or ("api" in tokens and "base" in tokens)):
            return None
        host = lowered.partition("://")[2].split("/", 1)[0].rsplit("@", 1)[-1]
        if names_hub_inference_host(value) or host.split(":", 1)[0] in LOCAL_SERVER_HOSTS or "." not in host:
            return False
        return True
    if "/" in lowered or not any(t in BACKEND_KEY_TOKENS for t in tokens):
        return None
    hosted = API_PROVIDER_ORGS - HUB_SERVING_PROVIDERS
    return True if any(lowered == p or lowered.startswith((p + "_", p + "-")) for p in hosted) else None


def has_file_extension(value: str) -> bool:
    """`org/weights.bin`, `configs/model.yaml`: a file path, not a repository id."""
    return _FILE_EXTENSION.search(value) is not None


def is_container_image(value: str) -> bool:
    """`nvcr.io/nvidia/pytorch:24.01`, `ghcr.io/org/img`, `org/img:tag`, `org/img@sha256:...`."""
    first = value.split("/", 1)[0]
    return (":" in value or "@sha256" in value or ("." in first and "/" in value and not first.startswith("."))
            or first == "localhost")


PLACEHOLDER_PREFIXES = ("path_to_", "path-to-")
"""How a placeholder for a local path starts (`path_to_llama_7b`; `path/to/model` reads as a path already)."""
OWN_VALUE_PREFIXES = ("your-", "your_")
"""How a value the reader replaces with their own starts (`your-model-path`): with a word of
`PATH_PLACEHOLDER_WORDS` it stands for a local path; without one (`your-org/your-model`) it may stand for a Hub id."""
PATH_PLACEHOLDER_WORDS = frozenset({"PATH", "DIR", "DIRECTORY", "FOLDER", "LOCAL"})
"""Words of an all-caps placeholder that make it stand for a local path (`PATH_TO_MODEL`, `MODEL_DIR`). A shouted
name without one (`HF_DATASET_NAME`) may stand for a Hub id the user fills in, and stays a reference."""
_SHOUTED_PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
"""An all-caps snake-case word (Hub names are not spelled so)."""


def is_placeholder(value: str) -> bool:
    """A local path the reader is meant to fill in, not an id: `PATH_TO_MODEL`, `YOUR_ORG/MODEL_DIR` (every part
    shouted, one word saying path), `path_to_llama_7b`, `org/your-model-path`, and a bare name of several words whose
    last word says path (`mlx_qwen3_omni_4bit_path`, `unused-model-path`: legacy Hub ids without an organisation never
    end so)."""
    parts = value.split("/")
    words = re.split(r"[-_]", value) if len(parts) == 1 else []
    if len(words) > 1 and words[-1].upper() in PATH_PLACEHOLDER_WORDS:
        return True
    if any(part.lower().startswith(PLACEHOLDER_PREFIXES) for part in parts):
        return True
    if any(part.lower().startswith(OWN_VALUE_PREFIXES) and PATH_PLACEHOLDER_WORDS & set(re.split(r"[-_]", part.upper()))
           for part in parts):
        return True  # `meta-llama/your-model-path`
    return all(_SHOUTED_PLACEHOLDER.fullmatch(part) is not None for part in parts) and any(
        word in PATH_PLACEHOLDER_WORDS for part in parts for word in part.split("_"))


SENTINEL_WORDS = frozenset({"none", "null", "auto", "default", "true", "false", "local", "todo", "tbd", "fixme"})
"""Words code and configs use for "not set" or "let the tool choose" (`@parametrize("model", ["default", ...])`
replaced before the load, `model: auto`, `args.model or "default"`: the name a server answers to) or for a value
left to fill in (`path = "TODO"`): never a Hub repository's name, even where legacy ids are accepted (any case)."""


def negative_evidence(value: str) -> str | None:
    """Why an `org/name`-shaped string is not a Hub reference, or None when nothing speaks against it."""
    if not value or value in ("None", "null", "none"):
        return "empty"
    if value.startswith(("./", "../", "/", "~", "$")) or value.endswith("/"):
        return "a path"
    if "://" in value:
        return "a URL of another scheme"
    if is_api_model_name(value):
        return "a hosted API model name"
    if OPENAI_CLIP_NAME.fullmatch(value):
        return "an OpenAI CLIP checkpoint name"
    if is_container_image(value):
        return "a container image"
    if has_file_extension(value):
        return "a file name"
    if is_placeholder(value):
        return "a placeholder"
    if value.count("/") != 1:
        return "not org/name"
    return None

"""THE table of Python APIs that load a model or a dataset: call → what it loads, where the id is, what pins it.

Supporting a new library is one `ApiSpec` row here plus a fixture test (tests/discover/test_python_*.py).

Call patterns are dotted names as the finder spells a callee after resolving imports
(`from transformers import AutoModel as AM; AM.from_pretrained` → `transformers.AutoModel.from_pretrained`;
`api = HfApi(); api.model_info` → `huggingface_hub.HfApi().model_info`):

- `*` matches any run of characters; a leading `*.` also matches nothing (`*.from_pretrained` matches
  `from_pretrained` and `x.y.from_pretrained`).
- A row with `bare=True` also matches when the callee's first name is neither imported nor bound in the file
  (a notebook cell without its imports, a snippet): the callee must then equal a dotted tail of one of the
  patterns (`hf_hub_download`, `HfApi().model_info`). Rows whose tails are common words (`load`, `chat`,
  `list`) must not be bare.

Rows are tried in order; put specific rows (`Llama.from_pretrained`) before generic ones (`*.from_pretrained`).

Where a fix puts the pin (`Reference.revision_key`): the slot's first revision keyword (`revision`,
`tokenizer_revision`), `<dict keyword>.revision` (`model_kwargs.revision`), or, when the pin lives inside the id
string, `@` (`hf://org/m@rev`, `hf-hub:org/m@rev`), `:` (torch.hub `owner/repo:ref`), `url` (`/resolve/<rev>/`),
`uri` (MLflow `models:/name/<version>`), `handle` (Kaggle `.../<version>`). None for unpinnable APIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

# How the id string is written, which decides how it is read (see python_finder.interpret_id):
ID_HUB = "hub"  # `org/name` or legacy `gpt2`; also `hf://` paths and Hub URLs when passed there
ID_HUB_AT = "hub-at"  # `org/name[@revision]` (pyannote.audio): the revision after `@` in the same string
ID_HF_HUB_PREFIX = "hf-hub"  # timm/open_clip: only `hf-hub:org/name[@rev]` / `hf_hub:...` names are Hub ids
ID_TIMM_PRETRAINED = "timm-pretrained"  # timm with `pretrained=True`: `hf-hub:` names, and `timm/<name>` names (the
# registry's own weights, in the Hub's `timm` organisation: `timm.create_model("timm/resnet50.a1_in1k", pretrained=True)`)
ID_PRESET = "preset"  # keras_hub: `hf://org/name`, `kaggle://owner/model/framework/variation[/version]`
ID_TORCHHUB = "torchhub"  # `owner/repo[:ref]` on GitHub
ID_MLFLOW = "mlflow"  # `models:/name/<version|stage|latest>` or `models:/name@alias`
ID_MLFLOW_NAME = "mlflow-name"  # a registered model's name; the version or alias is the revision slot
ID_KAGGLE_MODEL = "kaggle-model"  # `owner/model/framework/variation[/version]`
ID_KAGGLE_DATASET = "kaggle-dataset"  # `owner/dataset[/versions/N]`
ID_OLLAMA = "ollama"  # `name[:tag]`
ID_URL = "url"  # a Hub URL (`.../resolve/<rev>/file`); local paths are skipped
ID_ALIASES = "aliases"  # only the library's own names in `ApiSpec.aliases` are Hub repositories; any other literal
# is a name the library serves from elsewhere (Coqui TTS zoo names of GitHub-release models), a dynamic value stays one
ID_INFERENCE_URL = "inference-url"  # `https://api-inference.huggingface.co/models/org/m`, router `hf-inference` URLs
ID_HF_FILESYSTEM = "hffs"  # HfFileSystem paths: `[datasets/]org/name[@rev]/file`, with or without `hf://`
ID_MODEL_ARGS = "model-args"  # lm-eval `pretrained=org/m,revision=...,tokenizer=org/t,peft=org/a` strings
ID_TIMM_CFGS = "timm-cfgs"  # timm `generate_default_cfgs({"name.tag": _cfg(hf_hub_id="timm/"), ...})`: a dict of
# pretrained configs whose `hf_hub_id` names the weights' repository (ending in `/`: completed by the entry's key)

ID_LM_ROUTED = "lm-routed"  # a LiteLLM-style name given to an LM client that also runs models itself (DSPy `LM`):
# `<provider>/local:org/m` (DSPy's LocalProvider: SGLang and local fine-tuning), `<provider>/arbor:org/m` (Arbor's
# GRPO server), `huggingface/org/m` (Hub inference) name Hub repositories; any other name is a hosted API's model

KIND_FROM_REPO_TYPE = "repo_type"
"""`kind` value meaning: model unless the `repo_type` keyword says `dataset`."""
KIND_FROM_RECEIVER = "receiver"
"""`kind` value meaning: model unless the object the method is called on is a dataset (`ds.push_to_hub(...)`
after `ds = load_dataset(...)`, or a receiver whose name says dataset)."""

# `load_dataset("csv", data_files=...)`: packaged builders that read local or remote files, not Hub datasets.
DATASETS_BUILTIN_LOADERS = frozenset({
    "arrow", "audiofolder", "cache", "csv", "eval", "generator", "imagefolder", "json", "niftifolder", "pandas",
    "parquet", "pdffolder", "spark", "sql", "text", "videofolder", "webdataset", "xml", "folder_based_builder",
})


@dataclass(frozen=True)
class DefaultsBy:
    """The repository a library loads when the id is left out, chosen by another argument of the call:
    transformers' `pipeline("sentiment-analysis")` loads that task's default model at the commit transformers names.
    A selector the table does not hold (or cannot be read) leaves the slot's usual handling (a dynamic reference)."""

    position: int | None
    """Positional index of the selecting argument (`task`)."""
    keywords: tuple[str, ...]
    table: tuple[tuple[str, str, str | None], ...]
    """(selector value, repository, revision the library pins it to)."""
    prefixes: tuple[str, ...] = ()
    """Selector values that also count with a `_...` suffix (`translation_en_to_fr` is `translation`)."""

    def lookup(self, value: str) -> tuple[str, str | None] | None:
        for selector, repository, revision in self.table:
            if value == selector or (selector in self.prefixes and value.startswith(selector + "_")):
                return repository, revision
        return None


@dataclass(frozen=True)
class Slot:
    """One id argument of a call and the keywords that pin it."""

    position: int | None
    """Positional index of the id, or None when it is keyword-only."""
    keywords: tuple[str, ...]
    """Keyword names that carry the id."""
    revision_keywords: tuple[str, ...] = ("revision",)
    """Keywords whose value is the revision of this id, first present wins; the first is where a fix goes."""
    nested_revision: tuple[str, ...] = ()
    """Dict keywords whose `"revision"` key pins this id (`model_kwargs={"revision": ...}`); `keyword.KEY` names
    another key (`env.HF_MODEL_REVISION`)."""
    runs_code: bool = False
    """The id names a repository whose Python code the call runs (diffusers `custom_pipeline`): its references
    carry `trust_remote_code: true` whatever the call's trust keyword says."""
    default_when_missing: bool = False
    """Leaving the id out makes the library load a default repository of its own choosing (transformers
    `pipeline("sentiment-analysis")`): that unpinned, unnamed load is reported as dynamic."""
    missing_when_true: str | None = None
    """A keyword (`push_to_hub`) that, when true and this slot is not given, makes the library choose the target
    itself (the output directory's name in the user's namespace): that unnamed target is reported as dynamic."""
    qualified_only: bool = False
    """Only `org/name` values are Hub ids here (diffusers' bare `custom_pipeline` names are GitHub community
    pipelines, not Hub repositories)."""
    code_pin: bool = False
    """The slot names the same repository as another slot, but its revision keyword pins the repository's
    *code* apart from its weights (transformers/vLLM `code_revision`). Read only when the call passes that
    keyword and may trust remote code (`trust_remote_code` true or not a literal): it then gives a reference of
    its own, so an unpinned code revision is reported even when the weights' `revision` is pinned."""
    role: str | None = None
    """The slot's own role when it differs from the row's (`mlx_lm.convert(hf_path=..., upload_repo=...)`: the
    second slot is a `publish` target)."""
    id_form: str | None = None
    """The slot's own id form when it differs from the row's (timm's `pretrained_cfg_overlay` holds a plain id
    where the model name needs `hf-hub:`)."""
    inside: str | None = None
    """The id is this entry of the keyword's dict (`pretrained_cfg_overlay=dict(hf_hub_id="timm/m")`)."""
    switched_form: tuple[str, str] | None = None
    """(keyword, id form): when the call gives this keyword a value that may be true, the slot is read in this id
    form instead (timm: `pretrained=True` makes a `timm/<name>` model name a Hub load; without it timm only builds
    the architecture)."""
    usually_object: bool = False
    """The argument is most often a loaded object (TRL's `model=model`): a value that cannot be resolved is
    reported as dynamic only when its name says it holds an id (`model_name`, `args.model_id`, `model_path`)."""
    known_urls_only: bool = False
    """The call fetches any URL (`urllib.request.urlretrieve`, `requests.get`): only a value known to be a Hub file
    URL is a reference; a value that cannot be resolved is not reported (most such calls fetch something else)."""
    revision_position: int | None = None
    """Positional index of the first revision keyword's value (`get_model_version(name, version)`)."""
    default_id: str | None = None
    """The repository the library loads when the call leaves the id out (haystack `SASEvaluator()` loads its
    default model): reported as that id, unpinned, when the argument is absent (not hidden in `**kwargs`)."""
    default_unless: tuple[str, ...] = ()
    """Keywords that, all given, leave `default_id` unread: the library then loads what they name instead (kokoro
    `KModel(config=<file>, model=<file>)` reads both local files and downloads nothing from its default)."""
    named_by_table: str | None = None
    """A plain name in this slot that is not an id is a key of the library's own table of downloads (open_clip's
    `pretrained="laion2b_s34b_b79k"` tag): reported as a dynamic load with this text saying so, since the table, not
    the file, names the repository. Paths and file names are left alone."""
    defaults_by: DefaultsBy | None = None
    """The repository the library loads when the call leaves the id out depends on another argument (see
    `DefaultsBy`): reported as that id with the library's revision, when the argument is absent."""
    attributes: tuple[tuple[str, ...], ...] = ()
    """The argument is an options object and the id is one of its attributes, tried in order (mlx-lm
    `load_dataset(args, tokenizer)` reads `args.hf_dataset["path"]`, else `args.data`): each path is an attribute
    followed by the dict keys below it. The first one the file knows gives the id; when none is known, the last one
    is reported as dynamic."""
    namespace_keywords: tuple[str, ...] = ()
    """Keywords naming the namespace of an id written without one (huggingface_hub before 0.8:
    `create_repo("name", organization="org")` creates `org/name`)."""
    mapping_key: str | None = None
    """The argument may also be a mapping that holds the id under this key (pyannote's
    `get_model({"checkpoint": "org/m", "subfolder": "segmentation"})`, a parameter's default): read from there."""
    each_item: bool = False
    """The argument may also be a list of ids or a dict keyed by id (nanotron `hf_dataset_or_datasets=
    {"org/a": 0.7, "org/b": 0.3}`): each item (each key) is an id, reported at the call."""
    skip_when: tuple[tuple[str, str | bool | None], ...] = ()
    """Like `ApiSpec.skip_when`, for this slot alone: (keyword, literal) pairs that make the call leave this id
    unused while its other slots still load (optimum-habana's `GaudiTrainingArguments(push_to_hub=False,
    gaudi_config_name=..., hub_model_id=...)` reads the Gaudi config and publishes nothing)."""
    pinnable: bool | None = None
    """None: as the row says. False: this id cannot be pinned although the call's other ids can (a Gaudi pipeline's
    `gaudi_config` is read with no revision, its model with `revision=`)."""


@dataclass(frozen=True)
class ApiSpec:
    """One library API that loads something from a registry."""

    calls: tuple[str, ...]
    """Dotted call patterns (see the module docstring)."""
    api: str
    """The `api` field of the references (`{package}`: the callee's top-level package; `{callee}`: its name)."""
    slots: tuple[Slot, ...]
    kind: str = "model"
    """`model`, `dataset`, `metric`, or KIND_FROM_REPO_TYPE."""
    role: str = "load"
    """`load`, or `publish` for push/upload targets (`push_to_hub`, `create_repo`, `upload_folder`)."""
    source: str = "huggingface"
    id_form: str = ID_HUB
    pinnable: bool = True
    trust_keyword: str | None = "trust_remote_code"
    runs_remote_code: bool = False
    """True when the API always runs code from the loaded repository (torch.hub's hubconf.py, Hub kernels)."""
    trust_default: bool = False
    """True when the library passes `trust_remote_code=True` itself unless the call (or its `trust_keyword` inside a
    slot's kwargs dict) says otherwise (OpenCompass's model wrappers): a call that leaves it out trusts remote code."""
    repo_type_keyword: str | None = None
    bare: bool = False
    path_keywords: tuple[str, ...] = ()
    """Keywords whose `hf://` strings are references too (`load_dataset("parquet", data_files="hf://...")`)."""
    skip_ids: frozenset[str] = frozenset()
    """Ids that are not registry references for this API (built-in loaders)."""
    skip_when: tuple[tuple[str, str | bool | None], ...] = ()
    """(keyword, literal) pairs that make the call read or publish nothing (`torch.hub.load(..., source="local")`,
    `TrainingArguments(push_to_hub=False, hub_model_id=...)`) or not a load at all (mteb's `ModelMeta(...,
    open_weights=False)`: a hosted API's model; `loader=None`: nothing to load it with)."""
    reads_local_paths: bool = True
    """False for APIs that only ever ask the registry (`hf_hub_download`, `HfApi` methods): a file or directory in
    the repository named like the id cannot make such a call local, so the local-path test is not applied."""
    served_by: str | None = None
    """The keyword of the client's constructor naming the server a call sends its model name to (OpenAI clients'
    `base_url`): the row applies only when that value names a server the user runs (localhost, a bare service
    name: vLLM, llama.cpp, `mlx_lm.server`, which load the name from the Hub) or a Hub inference host. Left out
    (the vendor's own API), a hosted API, or a value not known here: not a Hub load, and the row stays silent."""
    aliases: tuple[tuple[str, str], ...] = ()
    """Short names the library maps to a repository of its own (faster-whisper `"large-v3"` ->
    `Systran/faster-whisper-large-v3`). When set, a name without a namespace is read only through this table: the
    library rejects any other (it is never a legacy Hub id there). A repository written `org/name@revision` is the
    revision the name stands for (ID_ALIASES rows)."""
    overridden_by: str | None = None
    """A method name: the call, written in a class body, declares what the library's base class loads in that method
    (mteb's `metadata = TaskMetadata(dataset=...)`, loaded by `AbsTask.load_data`). A class that defines the method
    itself loads on its own, and its loads are reported where they are made: the declaration is not read there."""
    tails: frozenset[str] = field(init=False, repr=False, compare=False)
    alias_map: dict[str, str] = field(init=False, repr=False, compare=False)

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """`calls` compiled, on first use: a scan asks about a few rows only, and compiling the patterns of every
        row was most of the regex compilation each process start pays (over 300 patterns)."""
        return tuple(_compile(p) for p in self.calls)

    def __post_init__(self) -> None:
        tails: set[str] = set()
        for pattern in self.calls:
            if "*" in pattern:
                continue
            parts = pattern.split(".")
            tails.update(".".join(parts[i:]) for i in range(1, len(parts)))
        object.__setattr__(self, "tails", frozenset(tails))
        object.__setattr__(self, "alias_map", dict(self.aliases))

    def slot_pinnable(self, slot: Slot) -> bool:
        """Whether the id of `slot` can be pinned in a call of this API."""
        return self.pinnable if slot.pinnable is None else slot.pinnable

    @property
    def fixed_trust(self) -> bool | None:
        """Whether every call runs code from the loaded repository whatever its arguments say: True (hubconf.py,
        Hub kernels), False (no trust keyword), None (the trust keyword decides, read by each finder)."""
        if self.runs_remote_code:
            return True
        return False if self.trust_keyword is None else None

    def api_name(self, dotted: str, imported: bool) -> str:
        """The `api` field of a reference made by calling `dotted` (`imported`: its first name is an import, whose
        package fills `{package}`)."""
        api = self.api.replace("{package}.", dotted.split(".")[0] + "." if imported else "")
        return api.replace("{callee}", dotted.rsplit(".", 1)[-1])

    def matches(self, dotted: str, root_known: bool) -> bool:
        if any(p.fullmatch(dotted) for p in self.patterns):
            return True
        return self.bare and not root_known and dotted in self.tails


def _compile(pattern: str) -> re.Pattern[str]:
    optional_prefix = pattern.startswith("*.")
    body = pattern[2:] if optional_prefix else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile((r"(?:.*\.)?" if optional_prefix else "") + regex)


def _last_name(pattern: str) -> str:
    """The callee's own name (after the last dot, without a call): the index key."""
    return pattern.rsplit(".", 1)[-1]


PIPELINE_TASK_DEFAULTS: tuple[tuple[str, str, str | None], ...] = (
    # transformers.pipelines.SUPPORTED_TASKS (PyTorch defaults) and TASK_ALIASES: the model `pipeline(task)` loads
    # when no model is given, at the short commit transformers pins it to.
    ("audio-classification", "superb/wav2vec2-base-superb-ks", "372e048"),
    ("automatic-speech-recognition", "facebook/wav2vec2-base-960h", "22aad52"),
    ("text-to-audio", "suno/bark-small", "1dbd7a1"), ("text-to-speech", "suno/bark-small", "1dbd7a1"),
    ("feature-extraction", "distilbert/distilbert-base-cased", "6ea8117"),
    ("text-classification", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "714eb0f"),
    ("sentiment-analysis", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "714eb0f"),
    ("token-classification", "dbmdz/bert-large-cased-finetuned-conll03-english", "4c53496"),
    ("ner", "dbmdz/bert-large-cased-finetuned-conll03-english", "4c53496"),
    ("question-answering", "distilbert/distilbert-base-cased-distilled-squad", "564e9b5"),
    ("table-question-answering", "google/tapas-base-finetuned-wtq", "e3dde19"),
    ("visual-question-answering", "dandelin/vilt-b32-finetuned-vqa", "d0a1f6a"),
    ("vqa", "dandelin/vilt-b32-finetuned-vqa", "d0a1f6a"),
    ("document-question-answering", "impira/layoutlm-document-qa", "beed3c4"),
    ("fill-mask", "distilbert/distilroberta-base", "fb53ab8"),
    ("summarization", "sshleifer/distilbart-cnn-12-6", "a4f8f3e"),
    ("translation", "google-t5/t5-base", "a9723ea"),
    ("text2text-generation", "google-t5/t5-base", "a9723ea"),
    ("text-generation", "openai-community/gpt2", "607a30d"),
    ("zero-shot-classification", "facebook/bart-large-mnli", "d7645e1"),
    ("zero-shot-image-classification", "openai/clip-vit-base-patch32", "3d74acf"),
    ("zero-shot-audio-classification", "laion/clap-htsat-fused", "cca9e28"),
    ("image-classification", "google/vit-base-patch16-224", "3f49326"),
    ("image-feature-extraction", "google/vit-base-patch16-224", "3f49326"),
    ("image-segmentation", "facebook/detr-resnet-50-panoptic", "d53b52a"),
    ("image-to-text", "ydshieh/vit-gpt2-coco-en", "5bebf1e"),
    ("image-text-to-text", "llava-hf/llava-onevision-qwen2-0.5b-ov-hf", "2c9ba3b"),
    ("object-detection", "facebook/detr-resnet-50", "1d5f47b"),
    ("zero-shot-object-detection", "google/owlvit-base-patch32", "cbc355f"),
    ("depth-estimation", "Intel/dpt-large", "bc15f29"),
    ("video-classification", "MCG-NJU/videomae-base-finetuned-kinetics", "488eb9a"),
    ("mask-generation", "facebook/sam-vit-huge", "87aecf0"),
    ("image-to-image", "caidas/swin2SR-classical-sr-x2-64", "cee1c92"),
)

AWQ_DEFAULT_CALIBRATION = "mit-han-lab/pile-val-backup"
"""The dataset AutoAWQ's `quantize` calibrates on unless told otherwise (its `calib_data="pileval"`)."""
OPTIMUM_NEURON_PIPELINE_DEFAULTS: tuple[tuple[str, str, str | None], ...] = (
    # optimum.neuron.pipelines.transformers.base.NEURONX_SUPPORTED_TASKS: the model `pipeline(task)` loads when no
    # model is given (no revision).
    ("feature-extraction", "distilbert-base-cased", None), ("fill-mask", "bert-base-cased", None),
    ("question-answering", "distilbert-base-cased-distilled-squad", None),
    ("text-classification", "distilbert-base-uncased-finetuned-sst-2-english", None),
    ("token-classification", "dbmdz/bert-large-cased-finetuned-conll03-english", None),
    ("text-generation", "Qwen/Qwen2.5-0.5B-Instruct", None),
    ("image-classification", "microsoft/beit-base-patch16-224-pt22k-ft22k", None),
    ("image-segmentation", "apple/deeplabv3-mobilevit-small", None),
    ("object-detection", "apple/deeplabv3-mobilevit-small", None),
    ("automatic-speech-recognition", "facebook/wav2vec2-large-960h-lv60-self", None),
    ("audio-classification", "facebook/wav2vec2-large-960h-lv60-self", None),
)

_ID = Slot(0, ("repo_id",))
_PRETRAINED = Slot(0, ("pretrained_model_name_or_path", "model_id", "model_name_or_path", "repo_id"))
_SENTENCE_TRANSFORMERS = Slot(0, ("model_name_or_path", "model_name"))
_LANGCHAIN_MODEL_KWARGS = Slot(None, ("model_name",), (), ("model_kwargs",))
# diffusers: `DiffusionPipeline.from_pretrained(id, custom_pipeline="org/pipe", custom_revision=...)` runs the
# pipeline code of that Hub repository.
# transformers: `code_revision=` pins the custom code that `trust_remote_code=True` runs (it defaults to
# `revision` when the code lives in the model repository itself, to the default branch when it lives elsewhere).
_PRETRAINED_CODE = Slot(_PRETRAINED.position, _PRETRAINED.keywords, ("code_revision",), code_pin=True)
_CUSTOM_PIPELINE = Slot(None, ("custom_pipeline",), ("custom_revision",), runs_code=True, qualified_only=True)

_TRL_TRAINERS = ("SFTTrainer", "DPOTrainer", "GRPOTrainer", "RLOOTrainer", "KTOTrainer", "ORPOTrainer", "CPOTrainer",
                 "BCOTrainer", "RewardTrainer", "OnlineDPOTrainer", "XPOTrainer", "NashMDTrainer", "GKDTrainer",
                 "PRMTrainer", "IterativeSFTTrainer")
_TRL_MODEL_KEYWORDS = ("ref_model", "reward_model", "reward_funcs", "teacher_model", "processing_class")
_GAUDI_ARGUMENTS = ("GaudiTrainingArguments", "GaudiSeq2SeqTrainingArguments", "SentenceTransformerGaudiTrainingArguments")
# (optimum-habana's TRL configs, `GaudiSFTConfig` and the like, take `gaudi_config_name` too; their names would be
# new trigger tokens, one more pass over every Python file each, for a form seen once: left to the CLI flag.)
_TRL_CONFIGS = ("SFTConfig", "DPOConfig", "GRPOConfig", "RLOOConfig", "KTOConfig", "ORPOConfig", "CPOConfig",
                "BCOConfig", "RewardConfig", "OnlineDPOConfig", "XPOConfig", "NashMDConfig", "GKDConfig", "PRMConfig",
                "PPOConfig")
_HFFS_METHODS = ("open", "ls", "glob", "find", "cat", "cat_file", "get", "get_file", "read_text", "read_bytes",
                 "info", "exists", "isfile", "isdir", "walk", "du", "listdir")
_FLAG_EMBEDDING_CLASSES = ("FlagModel", "FlagLLMModel", "FlagICLModel", "BGEM3FlagModel", "FlagReranker",
                           "FlagLLMReranker", "LayerWiseFlagLLMReranker", "LightWeightFlagLLMReranker",
                           "FlagAutoModel.from_finetuned", "FlagAutoReranker.from_finetuned")
_XTUNER_DATASETS = ("alpaca_dataset", "alpaca_zh_dataset", "code_alpaca_dataset", "colorist_dataset",
                    "medical_dataset", "oasst1_dataset", "openorca_dataset", "sql_dataset", "tiny_codes_dataset",
                    "wizardlm_dataset")
_TORCHTUNE_DATASET_DEFAULTS = (  # (builder, `source` position, documented default `source`)
    ("alpaca_dataset", None, "tatsu-lab/alpaca"),
    ("alpaca_cleaned_dataset", None, "yahma/alpaca-cleaned"),
    ("grammar_dataset", None, "liweili/c4_200m"),
    ("samsum_dataset", None, "Samsung/samsum"),
    ("slimorca_dataset", None, "Open-Orca/SlimOrca-Dedup"),
    ("stack_exchanged_paired_dataset", None, "lvwerra/stack-exchange-paired"),
    ("wikitext_dataset", 1, "EleutherAI/wikitext_document_level"),
    ("cnn_dailymail_articles_dataset", 1, "ccdv/cnn_dailymail"),
    ("hh_rlhf_helpful_dataset", None, "RLHFlow/HH-RLHF-Helpful-standard"),
    ("the_cauldron_dataset", None, "HuggingFaceM4/the_cauldron"),  # (`subset` is the dataset's config name)
    ("llava_instruct_dataset", None, "liuhaotian/LLaVA-Instruct-150K"),  # torchtune.datasets.multimodal
)
_OPTIMUM_BENCHMARK_BACKENDS = ("PyTorchConfig", "OpenVINOConfig", "ONNXRuntimeConfig", "IPEXConfig",
                               "TorchORTConfig", "VLLMConfig", "LlamaCppConfig")
_OLLAMA_FUNCTIONS = ("chat", "generate", "pull", "embed", "embeddings", "show", "push", "create", "copy")
# OpenCompass model wrappers, written as mmengine configs (`dict(type=HuggingFacewithChatTemplate, path="org/m",
# tokenizer_path=..., peft_path=..., model_kwargs=dict(revision=...))`): `path` goes to transformers'
# `from_pretrained` (with `model_kwargs`), vLLM's `LLM(path, **model_kwargs)`, or lmdeploy's `pipeline(path)`; each
# wrapper loads with `trust_remote_code=True` unless `model_kwargs`/`tokenizer_kwargs` say otherwise.
_OPENCOMPASS_HF_MODELS = ("HuggingFace", "HuggingFaceCausalLM", "HuggingFaceChatGLM3", "HuggingFaceBaseModel",
                          "HuggingFacewithChatTemplate")
_OPENCOMPASS_SERVED_MODELS = ("VLLM", "VLLMwithChatTemplate", "TurboMindModel", "TurboMindModelwithChatTemplate")
# OpenCompass dataset classes whose `load` hands the config's `path` straight to `datasets.load_dataset` (read from
# opencompass/datasets at a5acc4b): the others resolve `path` through `get_data_path`, a key of OpenCompass's own
# data index (a local folder or its download URL by default), and are not listed. The first group forwards every
# config keyword (`name`, `split`, `revision`, ...) to `load_dataset(**kwargs)`; the second passes `path` alone.
_OPENCOMPASS_KWARGS_DATASETS = (
    "HFDataset", "BoolQDataset", "CHIDDataset", "CivilCommentsDataset", "CluewscDataset", "CrowspairsDataset",
    "CrowspairsDatasetV2", "CslDataset", "IWSLT2017Dataset", "TNewsDataset", "TruthfulQADataset", "WSCDataset",
    "WiCDataset", "WinogradDataset", "wnliDataset",
    *(f"LEval{name}Dataset" for name in (
        "Coursera", "FinancialQA", "GSM100", "GovReportSumm", "LegalContractQA", "MeetingSumm", "MultidocQA",
        "NarrativeQA", "NaturalQuestion", "NewsSumm", "PaperAssistant", "PatentSumm", "Quality", "ReviewSumm",
        "ScientificQA", "TPO", "TVShowSumm", "TopicRetrieval")),
    *(f"LVEval{name}Dataset" for name in (
        "cmrc", "dureader", "factrecallen", "factrecallzh", "hotpotwikiqa", "lic", "looglecr", "looglemir",
        "looglesd", "multifieldqaen", "multifieldqazh")))
_OPENCOMPASS_PATH_DATASETS = (
    "APPSDataset", "AdvancedIFDataset", "BeyondAIMEDataset", "CARDBiomedBenchDataset", "CLBenchDataset",
    "CMPhysBenchDataset", "CRUXEvalDataset", "CodeCompassCodeGenerationDataset", "Earth_Silver_MCQDataset",
    "HLEDataset", "HLEVerifiedDataset", "HealthBenchDataset", "InverseIFEvalDataset", "LCBSelfRepairDataset",
    "MMLUCFDataset", "MMMLUDataset", "MRCRDataset", "MedCalc_BenchDataset", "MedXpertQADataset", "MedmcqaDataset",
    "OlymMATHDataset", "ProcessBenchEvalDataset", "ProteinLMBenchDataset", "S3EvalDataset", "SciEvalDataset",
    "SciKnowEvalDataset", "SmolInstructDataset", "SuperGPQADataset", "ZebraLogicDataset")

# flair's `SequenceTagger._fetch_model` and `PrefixedSequenceTagger._fetch_model` Hub names (flair 0.15).
_FLAIR_TAGGERS = tuple({
    "ner": "flair/ner-english", "ner-fast": "flair/ner-english-fast", "ner-ontonotes": "flair/ner-english-ontonotes",
    "ner-ontonotes-fast": "flair/ner-english-ontonotes-fast", "ner-large": "flair/ner-english-large",
    "ner-ontonotes-large": "flair/ner-english-ontonotes-large", "de-ner-large": "flair/ner-german-large",
    "nl-ner-large": "flair/ner-dutch-large", "es-ner-large": "flair/ner-spanish-large", "ner-multi": "flair/ner-multi",
    "multi-ner": "flair/ner-multi", "ner-multi-fast": "flair/ner-multi-fast", "upos": "flair/upos-english",
    "upos-fast": "flair/upos-english-fast", "pos": "flair/pos-english", "pos-fast": "flair/pos-english-fast",
    "pos-multi": "flair/upos-multi", "multi-pos": "flair/upos-multi", "pos-multi-fast": "flair/upos-multi-fast",
    "multi-pos-fast": "flair/upos-multi-fast", "frame": "flair/frame-english", "frame-fast": "flair/frame-english-fast",
    "chunk": "flair/chunk-english", "chunk-fast": "flair/chunk-english-fast", "da-ner": "flair/ner-danish",
    "de-ner": "flair/ner-german", "de-ler": "flair/ner-german-legal", "de-ner-legal": "flair/ner-german-legal",
    "fr-ner": "flair/ner-french", "nl-ner": "flair/ner-dutch", "ner-ukrainian": "dchaplinsky/flair-uk-ner",
    "pos-ukrainian": "dchaplinsky/flair-uk-pos", "de-historic-direct": "aehrm/redewiedergabe-direct",
    "de-historic-indirect": "aehrm/redewiedergabe-indirect", "de-historic-reported": "aehrm/redewiedergabe-reported",
    "de-historic-free-indirect": "aehrm/redewiedergabe-freeindirect",
    "hunflair2": "hunflair/hunflair2-ner", "bioner": "hunflair/hunflair2-ner",
}.items())
# flair's `EntityMentionLinker._fetch_model` names (with `pyab3p` installed; without it the `-no-ab3p` twin).
_FLAIR_LINKERS = tuple((f"{entity}-linker{suffix}", f"hunflair/{repo}{suffix}")
                       for entity, repo in (("gene", "biosyn-sapbert-bc2gn"), ("disease", "biosyn-sapbert-bc5cdr-disease"),
                                            ("chemical", "biosyn-sapbert-bc5cdr-chemical"),
                                            ("species", "sapbert-ncbi-taxonomy"))
                       for suffix in ("", "-no-ab3p"))
_FASTER_WHISPER_SIZES = tuple((f"{size}{suffix}", f"Systran/faster-whisper-{size}{suffix}")
                              for size in ("tiny", "base", "small", "medium") for suffix in ("", ".en")) + (
    ("large-v1", "Systran/faster-whisper-large-v1"), ("large-v2", "Systran/faster-whisper-large-v2"),
    ("large-v3", "Systran/faster-whisper-large-v3"), ("large", "Systran/faster-whisper-large-v3"),
    ("distil-large-v2", "Systran/faster-distil-whisper-large-v2"),
    ("distil-medium.en", "Systran/faster-distil-whisper-medium.en"),
    ("distil-small.en", "Systran/faster-distil-whisper-small.en"),
    ("distil-large-v3", "Systran/faster-distil-whisper-large-v3"),
    ("distil-large-v3.5", "distil-whisper/distil-large-v3.5-ct2"),
    ("large-v3-turbo", "mobiuslabsgmbh/faster-whisper-large-v3-turbo"),
    ("turbo", "mobiuslabsgmbh/faster-whisper-large-v3-turbo"),
)

COQUI_TTS_HUB_MODELS = (
    ("tts_models/multilingual/multi-dataset/xtts_v2", "coqui/XTTS-v2@main"),
    ("tts_models/multilingual/multi-dataset/xtts_v1.1", "coqui/XTTS-v1@v1.1.2"),
    ("xtts_v2", "coqui/XTTS-v2@main"),
)
"""Coqui TTS (`TTS` package) model-zoo names whose `.models.json` entry downloads the files of a Hub repository at
a revision (`hf_url`, through Coqui's download gateway `coqui.gateway.scarf.sh/hf-coqui/<repo>/<revision>/`);
`xtts_v2` is the short name `ModelManager` maps to XTTS-v2 itself. The zoo's other names are GitHub-release
archives, not Hub repositories; bark's entry names no repository (`hf/bark/`)."""

HUB_URL_GATEWAYS = (("https://coqui.gateway.scarf.sh/hf-coqui/", "coqui"),)
"""Download gateways that forward `<prefix><name>/<revision>/<file>` to the Hub file
`huggingface.co/<organisation>/<name>/resolve/<revision>/<file>`, (prefix, organisation): Coqui TTS's model links
(`.../hf-coqui/XTTS-v2/main/model.pth`, in its zoo registry and the XTTS fine-tuning recipes). Read where a
download call is given such a URL (`ModelManager._download_model_files([...])`), not in free text."""

SPECS: tuple[ApiSpec, ...] = (
    # --- specific from_pretrained variants first -------------------------------------------------------
    ApiSpec(("*.Llama.from_pretrained",), "llama_cpp.Llama.from_pretrained", (Slot(0, ("repo_id",), ()),),
            pinnable=False, trust_keyword=None),
    # AutoAWQ: `AutoAWQForCausalLM.from_pretrained(model_path)` (a model to quantize) and `.from_quantized(quant_path)`
    # fetch the repository with `snapshot_download(path, **download_kwargs)`, so `download_kwargs={"revision": ...}`
    # pins the weights (a `revision=` keyword reaches only `AutoConfig`); both pass `trust_remote_code=True` unless
    # the call says otherwise.
    ApiSpec(tuple(f"awq{infix}.AutoAWQForCausalLM.{method}" for infix in ("", ".*")
                  for method in ("from_pretrained", "from_quantized")),
            "awq.AutoAWQForCausalLM.{callee}", (Slot(0, ("model_path", "quant_path"), (), ("download_kwargs",)),),
            trust_default=True),
    # ... and `model.quantize(tokenizer, quant_config, calib_data="pileval")` calibrates on a dataset it loads with
    # `load_dataset(name, split=split)` (no revision): `pileval` (the default) is `mit-han-lab/pile-val-backup`; a
    # list of texts loads nothing.
    ApiSpec(tuple(f"awq{infix}.AutoAWQForCausalLM.{method}().quantize" for infix in ("", ".*")
                  for method in ("from_pretrained", "from_quantized")),
            "awq.quantize", (Slot(2, ("calib_data",), (), default_id=AWQ_DEFAULT_CALIBRATION),), kind="dataset",
            pinnable=False, trust_keyword=None, aliases=(("pileval", AWQ_DEFAULT_CALIBRATION),)),
    # optimum-neuron: `NeuronModelForCausalLM.export(model_id, neuron_config=...)` compiles the Hub model and
    # `get_neuron_config(model_id, ...)` reads its config first (`from_pretrained(id, export=True)` is the generic
    # row).
    ApiSpec(tuple(f"optimum.neuron{infix}.NeuronModel*.{method}" for infix in ("", ".*")
                  for method in ("export", "get_neuron_config")),
            "optimum.neuron.{callee}", (Slot(0, ("model_id", "model_name_or_path")),)),
    ApiSpec(("*.PeftModel.from_pretrained", "*.PeftModelFor*.from_pretrained", "*.PeftMixedModel.from_pretrained"),
            "peft.PeftModel.from_pretrained", (Slot(1, ("model_id",)),)),
    # Microsoft Olive: `HfModelHandler(model_path, task, load_kwargs={"revision": ..., "trust_remote_code": ...},
    # io_config, adapter_path)` loads the model through transformers and the adapter through peft.
    ApiSpec(("olive.*HfModelHandler",), "olive.HfModelHandler",
            (Slot(0, ("model_path",), (), ("load_kwargs",)), Slot(4, ("adapter_path",), ())), trust_keyword=None),
    # mobius-onnx (Olive's MobiusBuilder): `build(model_id, task, *, ..., trust_remote_code=False)` downloads the
    # model's configuration and weights from the Hub; it takes no revision.
    ApiSpec(("mobius.build", "mobius._builder.build"), "mobius.build", (Slot(0, ("model_id",), ()),), pinnable=False),
    ApiSpec(("modelscope.*.from_pretrained",), "modelscope.from_pretrained", (_PRETRAINED,), source="modelscope"),
    # ModelScope datasets' downloads (`dataset_snapshot_download(dataset_id=..., revision=...)`): before the model
    # row, whose `*snapshot_download` also matches them.
    ApiSpec(("modelscope.*dataset_snapshot_download", "modelscope.*dataset_file_download"), "modelscope.{callee}",
            (Slot(0, ("dataset_id",)),), kind="dataset", source="modelscope", trust_keyword=None,
            reads_local_paths=False),
    ApiSpec(("modelscope.*snapshot_download", "modelscope.*model_file_download"), "modelscope.{callee}",
            (Slot(0, ("model_id", "repo_id")),), kind=KIND_FROM_REPO_TYPE, source="modelscope",
            repo_type_keyword="repo_type", trust_keyword=None, reads_local_paths=False),
    ApiSpec(("*.HuggingFacePipeline.from_model_id",), "langchain.HuggingFacePipeline.from_model_id",
            (Slot(None, ("model_id",), (), ("model_kwargs",)),), bare=True),
    ApiSpec(("*.from_single_file",), "diffusers.from_single_file", (Slot(0, ("pretrained_model_link_or_path",)),),
            id_form=ID_URL),
    ApiSpec(("*.from_preset",), "keras_hub.from_preset", (Slot(0, ("preset",), ()),), id_form=ID_PRESET,
            trust_keyword=None),
    ApiSpec(("*.from_pretrained_keras", "*.from_pretrained_fastai"), "huggingface_hub.{callee}",
            (_ID,), trust_keyword=None),
    # sentence-transformers' static embeddings from a model2vec repository (no revision parameter).
    ApiSpec(("*.from_model2vec", "*.from_distillation"), "sentence_transformers.StaticEmbedding.{callee}",
            (Slot(0, ("model_id_or_path", "model_name"), ()),), pinnable=False, trust_keyword=None),
    # Inference Endpoints deploy a Hub repository at a revision (the endpoint loads it server-side).
    ApiSpec(("*.create_inference_endpoint",), "huggingface_hub.create_inference_endpoint",
            (Slot(None, ("repository",), ("revision",)),), trust_keyword=None, bare=True),
    # outlines wraps transformers: `models.transformers("org/m", model_kwargs={"revision": ...})`.
    ApiSpec(("outlines.models.transformers", "outlines.*.transformers", "outlines.models.transformers_vision",
             "outlines.*.transformers_vision", "outlines.models.vllm", "outlines.models.mlxlm"), "outlines.{callee}",
            (Slot(0, ("model_name",), (), ("model_kwargs",)),), trust_keyword=None),
    # unsloth names the id `model_name` (and loads through transformers, so `revision=` and remote code apply).
    ApiSpec(("*.FastLanguageModel.from_pretrained", "*.FastVisionModel.from_pretrained", "*.FastModel.from_pretrained",
             "*.FastTextModel.from_pretrained"), "unsloth.from_pretrained", (Slot(0, ("model_name",)),), bare=True),
    # model2vec: `StaticModel.from_pretrained(path)` and `StaticModelPipeline.from_pretrained(path)` take no revision;
    # the trainable models' `from_pretrained()` without a path loads the library's default base model.
    ApiSpec(tuple(f"model2vec.{infix}{name}.from_pretrained" for infix in ("", "*.")
                  for name in ("StaticModelForClassification", "StaticModelForSimilarity", "BaseFinetuneable")),
            "model2vec.train.from_pretrained",
            (Slot(0, ("path", "model_name"), (), default_id="minishlab/potion-base-32m"),), pinnable=False,
            trust_keyword=None),
    ApiSpec(tuple(f"model2vec.{infix}{name}.from_pretrained" for infix in ("", "*.")
                  for name in ("StaticModel", "StaticModelPipeline")), "model2vec.{callee}",
            (Slot(0, ("path",), ()),), pinnable=False),
    # pyannote.audio: `Model.from_pretrained("pyannote/segmentation@2022.07")`, `Pipeline.from_pretrained(...)`: the
    # revision may follow the id after `@` (or be given as `revision=`).
    ApiSpec(("pyannote.audio.*.from_pretrained",), "pyannote.from_pretrained",
            (Slot(0, ("checkpoint", "checkpoint_path"), ("revision",)),), id_form=ID_HUB_AT, trust_keyword=None),
    # optimum-habana's diffusers pipelines: `GaudiStableDiffusionPipeline.from_pretrained(id, gaudi_config=
    # "Habana/stable-diffusion")` reads a string `gaudi_config` with `GaudiConfig.from_pretrained(name)` (no revision:
    # unpinnable); the usual other value is a `GaudiConfig` object.
    ApiSpec(("optimum.habana.diffusers.*.from_pretrained",), "{package}.from_pretrained",
            (_PRETRAINED, _PRETRAINED_CODE, _CUSTOM_PIPELINE,
             Slot(None, ("gaudi_config",), (), usually_object=True, pinnable=False))),
    # --- the generic one: any X.from_pretrained(id) (transformers, diffusers, setfit, optimum, hub mixins...)
    ApiSpec(("*.from_pretrained",), "{package}.from_pretrained",
            (_PRETRAINED, _PRETRAINED_CODE, _CUSTOM_PIPELINE)),
    ApiSpec(("*.load_adapter",), "{package}.load_adapter", (Slot(0, ("peft_model_id", "model_id")),)),
    # diffusers LoRA loaders: `pipe.load_lora_weights("org/lora", weight_name=..., revision=...)`.
    ApiSpec(("*.load_lora_weights", "*.load_lora_adapter"), "diffusers.{callee}",
            (Slot(0, ("pretrained_model_name_or_path_or_dict", "pretrained_model_name_or_path")),), bare=True),
    # diffusers schedulers built from a repository's scheduler config: `DDIMScheduler.from_config("org/m")` (a string
    # is read with `load_config`, deprecated but still served) and `DDPMScheduler.load_config("org/m",
    # subfolder="scheduler")`. The usual argument is a config object (`from_config(pipe.scheduler.config)`).
    ApiSpec(("*Scheduler.from_config", "*Scheduler.load_config"), "diffusers.{callee}",
            (Slot(0, ("config", "pretrained_model_name_or_path"), usually_object=True),), trust_keyword=None),
    # `DiffusionPipeline.download(id)`: fetches the repository without building the pipeline.
    ApiSpec(("*Pipeline.download",), "diffusers.download", (Slot(0, ("pretrained_model_name",)),), bare=True),
    # --- trainers given a model id string (TRL): `model` is most often a loaded model, sometimes an id ----------
    ApiSpec(tuple(f"trl.{trainer}" for trainer in _TRL_TRAINERS) + tuple(f"trl.*.{t}" for t in _TRL_TRAINERS),
            "trl.{callee}",
            (Slot(0, ("model",), (), ("model_init_kwargs",), usually_object=True),
             *(Slot(None, (keyword,), (), usually_object=True, each_item=keyword == "reward_funcs")
               for keyword in _TRL_MODEL_KEYWORDS)),
            trust_keyword=None),
    ApiSpec(("trl.PPOTrainer", "trl.*.PPOTrainer"), "trl.PPOTrainer",
            tuple(Slot(None, (keyword,), (), usually_object=True)
                  for keyword in ("model", "ref_model", "reward_model", "value_model", "processing_class")),
            trust_keyword=None),
    # SageMaker Hugging Face containers (and TGI on SageMaker): the container loads `env["HF_MODEL_ID"]` at the
    # revision `env["HF_MODEL_REVISION"]`.
    ApiSpec(("sagemaker.*.HuggingFaceModel", "sagemaker.HuggingFaceModel"), "sagemaker.HuggingFaceModel",
            (Slot(None, ("env",), (), ("env.HF_MODEL_REVISION",), inside="HF_MODEL_ID"),), trust_keyword=None),
    # optimum-habana's training arguments: `gaudi_config_name` is a Hub repository whose `gaudi_config.json` the
    # Gaudi trainer reads with `GaudiConfig.from_pretrained(name)`, no revision passed (so never pinnable);
    # `hub_model_id` publishes as in the rows below.
    ApiSpec(tuple(f"optimum.habana{sep}{name}" for name in _GAUDI_ARGUMENTS for sep in (".", ".*.")),
            "optimum.habana.{callee}",
            (Slot(None, ("gaudi_config_name",), ()),
             Slot(None, ("hub_model_id",), (), missing_when_true="push_to_hub", role="publish",
                  skip_when=(("push_to_hub", False),))),
            pinnable=False, trust_keyword=None, bare=True),
    # `hub_model_id`: where `push_to_hub=True` publishes the trained model (never loaded, never pinned). With
    # `push_to_hub=False` written out the arguments publish nothing (a later `trainer.push_to_hub()` is reported
    # where it is called, with the same `hub_model_id`).
    ApiSpec(("*TrainingArguments",), "{package}.{callee}",
            (Slot(None, ("hub_model_id", "push_to_hub_model_id"), (), missing_when_true="push_to_hub"),), role="publish",
            pinnable=False,
            trust_keyword=None, skip_when=(("push_to_hub", False),)),
    ApiSpec((*(f"trl.{config}" for config in _TRL_CONFIGS), *(f"trl.*.{config}" for config in _TRL_CONFIGS)),
            "trl.{callee}", (Slot(None, ("hub_model_id",), (), missing_when_true="push_to_hub"),), role="publish",
            pinnable=False, trust_keyword=None, skip_when=(("push_to_hub", False),)),
    # --- publish targets: pushes and uploads (listed and exported, never judged by the pin rules) ----------------
    # A name without a namespace (`push_to_hub("my-model")`) is pushed to the caller's own namespace: reported as
    # written, like the code sends it (a commit message given first, `trainer.push_to_hub("End of training")`,
    # is no repository name).
    # Without a name (`trainer.push_to_hub()`) the target is chosen at run time (`hub_model_id` or the output dir in
    # the user's namespace): a dynamic publish target.
    # optimum-neuron's compiled models push a saved folder: `model.push_to_hub(save_directory, repository_id, ...)`.
    ApiSpec(tuple(f"optimum.neuron{infix}.NeuronModel*.{method}().push_to_hub" for infix in ("", ".*")
                  for method in ("from_pretrained", "export")), "optimum.neuron.push_to_hub",
            (Slot(1, ("repository_id",), (), default_when_missing=True),), role="publish", pinnable=False,
            trust_keyword=None),
    ApiSpec(("*.push_to_hub",), "{package}.push_to_hub", (Slot(0, ("repo_id",), (), default_when_missing=True),),
            kind=KIND_FROM_RECEIVER, role="publish", pinnable=False, trust_keyword=None),
    # unsloth's merged/GGUF exports: `model.push_to_hub_merged("org/m", tokenizer, ...)`,
    # `model.push_to_hub_gguf("org/m-GGUF", tokenizer, quantization_method=...)`, and
    # `model.save_pretrained_merged(dir, tokenizer, push_to_hub=True, repo_id="org/m")`.
    ApiSpec(("*.push_to_hub_merged", "*.push_to_hub_gguf"), "unsloth.{callee}",
            (Slot(0, ("repo_id",), (), qualified_only=True),), role="publish", pinnable=False, trust_keyword=None),
    ApiSpec(("*.save_pretrained_merged",), "unsloth.save_pretrained_merged",
            (Slot(None, ("repo_id",), (), qualified_only=True),), role="publish", pinnable=False, trust_keyword=None),
    ApiSpec(("*.create_repo", "*.create_commit", "*.preupload_lfs_files"), "huggingface_hub.{callee}",
            (Slot(0, ("repo_id", "name"), (), namespace_keywords=("organization",)),), kind=KIND_FROM_REPO_TYPE,
            role="publish",
            pinnable=False,
            trust_keyword=None, repo_type_keyword="repo_type", bare=True),
    ApiSpec(("*.upload_folder", "*.upload_file", "*.upload_large_folder"), "huggingface_hub.{callee}",
            (Slot(None, ("repo_id",), ()),), kind=KIND_FROM_REPO_TYPE, role="publish", pinnable=False,
            trust_keyword=None, repo_type_keyword="repo_type", bare=True),
    ApiSpec(("huggingface_hub.Repository", "huggingface_hub.*.Repository"), "huggingface_hub.Repository",
            (Slot(None, ("clone_from",), ()),), kind=KIND_FROM_REPO_TYPE, role="publish", pinnable=False,
            trust_keyword=None, repo_type_keyword="repo_type"),
    # --- cards and single files -------------------------------------------------------------------------------
    ApiSpec(("*.ModelCard.load",), "huggingface_hub.ModelCard.load", (Slot(0, ("repo_id_or_path",), ()),),
            pinnable=False, trust_keyword=None, bare=True),
    ApiSpec(("*.DatasetCard.load",), "huggingface_hub.DatasetCard.load", (Slot(0, ("repo_id_or_path",), ()),),
            kind="dataset", pinnable=False, trust_keyword=None, bare=True),
    ApiSpec(("transformers.*cached_file", "transformers.*cached_files"), "transformers.{callee}",
            (Slot(0, ("path_or_repo_id",)),), kind=KIND_FROM_REPO_TYPE, repo_type_keyword="repo_type",
            trust_keyword=None, bare=True),
    # --- transformers / sentence-transformers -----------------------------------------------------------
    ApiSpec(("transformers.pipeline", "transformers.*.pipeline"), "transformers.pipeline",
            (Slot(1, ("model",), ("revision",), ("model_kwargs",), default_when_missing=True,
                  defaults_by=DefaultsBy(0, ("task",), PIPELINE_TASK_DEFAULTS, prefixes=("translation",))),
             Slot(None, ("tokenizer",)),
             Slot(None, ("feature_extractor",)), Slot(None, ("image_processor",)), Slot(None, ("processor",))),
            bare=True),
    # optimum-neuron's `pipeline(task, model, export=True)` takes transformers' arguments; a task without a model
    # loads the default of its own task table (unpinned).
    ApiSpec(("optimum.neuron.pipeline", "optimum.neuron.pipelines.pipeline", "optimum.neuron.pipelines.*.pipeline"),
            "optimum.neuron.pipeline",
            (Slot(1, ("model",), ("revision",), default_when_missing=True,
                  defaults_by=DefaultsBy(0, ("task",), OPTIMUM_NEURON_PIPELINE_DEFAULTS)),
             Slot(None, ("tokenizer",)), Slot(None, ("feature_extractor",)))),
    # optimum's exporters: `TasksManager.get_model_from_task(task, model_name_or_path, revision=...)` loads the model
    # (what `optimum-cli export` and the quanto CLI call).
    ApiSpec(("optimum.exporters.tasks.TasksManager.get_model_from_task", "optimum.exporters.TasksManager.get_model_from_task",
             "*.TasksManager.get_model_from_task"), "optimum.TasksManager.get_model_from_task",
            (Slot(1, ("model_name_or_path", "model")),)),
    # optimum-neuron's compilation cache: `synchronize_hub_cache(cache_repo_id="org/cache")` uploads the local
    # compiler cache to that model repository (left out: `CUSTOM_CACHE_REPO` or the library's public cache, chosen at
    # run time).
    ApiSpec(("optimum.neuron.cache.synchronize_hub_cache", "optimum.neuron.cache.*.synchronize_hub_cache",
             "optimum.neuron.synchronize_hub_cache"), "optimum.neuron.synchronize_hub_cache",
            (Slot(None, ("cache_repo_id",), (), default_when_missing=True),), role="publish", pinnable=False,
            trust_keyword=None),
    ApiSpec(("sentence_transformers.SentenceTransformer", "sentence_transformers.*.SentenceTransformer",
             "sentence_transformers.CrossEncoder", "sentence_transformers.*.CrossEncoder",
             "sentence_transformers.SparseEncoder", "sentence_transformers.*.SparseEncoder"),
            "sentence_transformers.{callee}", (_SENTENCE_TRANSFORMERS,), bare=True),
    # Modules a model is assembled from: `models.Transformer("org/m", model_args={"revision": ...})`.
    ApiSpec(("sentence_transformers.*.Transformer", "sentence_transformers.*.MLMTransformer"),
            "sentence_transformers.{callee}",
            (Slot(0, ("model_name_or_path",), (), ("model_args", "config_args")),
             Slot(None, ("tokenizer_name_or_path",), (), ("tokenizer_args",)))),
    ApiSpec(("sentence_transformers.*.CLIPModel",), "sentence_transformers.CLIPModel",
            (Slot(0, ("model_name",), ()), Slot(None, ("processor_name",), ()))),
    # --- huggingface_hub ----------------------------------------------------------------------------------
    ApiSpec(("*.hf_hub_download",), "huggingface_hub.hf_hub_download", (_ID,), kind=KIND_FROM_REPO_TYPE,
            repo_type_keyword="repo_type", trust_keyword=None, reads_local_paths=False),
    ApiSpec(("*.snapshot_download",), "huggingface_hub.snapshot_download", (_ID,), kind=KIND_FROM_REPO_TYPE,
            repo_type_keyword="repo_type", trust_keyword=None, reads_local_paths=False),
    ApiSpec(("*.hf_hub_url",), "huggingface_hub.hf_hub_url", (_ID,), kind=KIND_FROM_REPO_TYPE,
            repo_type_keyword="repo_type", trust_keyword=None, reads_local_paths=False),
    ApiSpec(("*.model_info",), "huggingface_hub.model_info", (_ID,), trust_keyword=None, reads_local_paths=False),
    ApiSpec(("*.dataset_info",), "huggingface_hub.dataset_info", (_ID,), kind="dataset", trust_keyword=None, reads_local_paths=False),
    *(ApiSpec((f"*.{method}", f"*HfApi().{method}"), f"huggingface_hub.{method}", (_ID,),
              kind=KIND_FROM_REPO_TYPE, repo_type_keyword="repo_type", trust_keyword=None, reads_local_paths=False)
      for method in ("list_repo_files", "list_repo_tree", "list_repo_commits", "get_safetensors_metadata")),
    *(ApiSpec((f"*HfApi().{method}", f"huggingface_hub.{method}"), f"huggingface_hub.{method}", (_ID,),
              kind=KIND_FROM_REPO_TYPE, repo_type_keyword="repo_type", trust_keyword=None, reads_local_paths=False, bare=True)
      for method in ("repo_info", "file_exists", "get_paths_info")),
    # Lists branches and tags: reads no content at a revision, so there is nothing to pin.
    ApiSpec(("*HfApi().list_repo_refs", "huggingface_hub.list_repo_refs"), "huggingface_hub.list_repo_refs",
            (Slot(0, ("repo_id",), ()),), kind=KIND_FROM_REPO_TYPE, repo_type_keyword="repo_type", pinnable=False,
            trust_keyword=None, reads_local_paths=False, bare=True),
    ApiSpec(tuple(f"*HfFileSystem().{method}" for method in _HFFS_METHODS), "huggingface_hub.HfFileSystem",
            (Slot(0, ("path", "rpath"), ()),), id_form=ID_HF_FILESYSTEM, trust_keyword=None, reads_local_paths=False, bare=True),
    ApiSpec(("huggingface_hub.InferenceClient", "huggingface_hub.*InferenceClient"), "huggingface_hub.{callee}",
            (Slot(0, ("model",), ()),), pinnable=False, trust_keyword=None, bare=True),
    # Task methods take a model too: `client.text_generation(prompt, model=...)`, `client.chat.completions.create`.
    ApiSpec(("huggingface_hub.*InferenceClient().*",), "huggingface_hub.InferenceClient",
            (Slot(None, ("model",), ()), Slot(None, ("adapter_id",), ())), pinnable=False, trust_keyword=None),
    # OpenAI-compatible clients pointed at a server the user runs (`OpenAI(base_url="http://localhost:8000/v1")`
    # in front of vLLM / llama.cpp / `mlx_lm.server`): the request's `model` is what that server loads from the Hub.
    *(ApiSpec((f"openai.*OpenAI().{method}",), f"openai.{method}", (Slot(None, ("model",), ()),), pinnable=False,
              trust_keyword=None, served_by="base_url")
      for method in ("chat.completions.create", "completions.create", "embeddings.create", "responses.create")),
    # --- datasets / evaluate ------------------------------------------------------------------------------
    ApiSpec(("datasets.load_dataset", "datasets.*.load_dataset", "datasets.load_dataset_builder",
             "datasets.*.load_dataset_builder", "datasets.get_dataset_config_names", "datasets.get_dataset_split_names",
             "datasets.get_dataset_infos", "datasets.get_dataset_config_info"),
            "datasets.{callee}", (Slot(0, ("path",)),), kind="dataset", bare=True,
            path_keywords=("data_files", "data_dir"), skip_ids=DATASETS_BUILTIN_LOADERS),
    # A metric is a Hub Space whose code runs: `evaluate.load("accuracy")`, `evaluate.load("org/metric")`.
    ApiSpec(("evaluate.load", "evaluate.*.load", "datasets.load_metric"), "{package}.{callee}", (Slot(0, ("path",)),),
            kind="metric"),
    # `evaluator("question-answering").compute(model_or_pipeline=..., data=..., metric="squad")` loads the metric.
    ApiSpec(("evaluate.evaluator().compute", "evaluate.*.evaluator().compute"), "evaluate.evaluator.compute",
            (Slot(None, ("metric",), ()),), kind="metric", pinnable=False, trust_keyword=None),
    # Calibration data for post-training quantization (optimum-intel `OVQuantizer`, optimum `ORTQuantizer`):
    # `quantizer.get_calibration_dataset("org/data", dataset_config_name=..., dataset_split=...)`.
    ApiSpec(("*.get_calibration_dataset",), "optimum.get_calibration_dataset", (Slot(0, ("dataset_name",), ()),),
            kind="dataset", pinnable=False, skip_ids=DATASETS_BUILTIN_LOADERS),
    # optimum-benchmark backends: `PyTorchConfig(model="org/m", processor=..., model_kwargs={"revision": ...})`.
    ApiSpec(tuple(f"optimum_benchmark{infix}.{name}" for name in _OPTIMUM_BENCHMARK_BACKENDS for infix in ("", ".*")),
            "optimum_benchmark.{callee}",
            (Slot(None, ("model",), (), ("model_kwargs",)), Slot(None, ("processor",), (), ("processor_kwargs",))),
            trust_keyword=None),
    # lm-eval: `simple_evaluate(model="hf", model_args="pretrained=org/m,revision=...")`, `HFLM(pretrained=...)`.
    ApiSpec(("lm_eval.simple_evaluate", "lm_eval.*.simple_evaluate", "lm_eval.evaluate", "lm_eval.*.evaluate"),
            "lm_eval.{callee}", (Slot(None, ("model_args",), ()),), id_form=ID_MODEL_ARGS, trust_keyword=None),
    # lighteval task definitions: `LightevalTaskConfig(name=..., hf_repo="org/dataset", hf_revision=...)`.
    ApiSpec(("lighteval.*.LightevalTaskConfig",), "lighteval.LightevalTaskConfig",
            (Slot(None, ("hf_repo",), ("hf_revision",)),), kind="dataset", trust_keyword=None),
    ApiSpec(("lm_eval.*.HFLM", "lm_eval.*.VLLM", "lm_eval.*.HFMultimodalLM"), "lm_eval.{callee}",
            (Slot(None, ("pretrained",)), Slot(None, ("tokenizer",)), Slot(None, ("peft",), ()))),
    # --- vision model zoos: only `hf-hub:` names are Hub ids ---------------------------------------------
    ApiSpec(("timm.create_model", "timm.*.create_model"), "{package}.{callee}",
            (Slot(0, ("model_name",), (), switched_form=("pretrained", ID_TIMM_PRETRAINED)),
             # `pretrained_cfg_overlay=dict(hf_hub_id="timm/m")` names the weights' repository itself.
             Slot(None, ("pretrained_cfg_overlay",), (), inside="hf_hub_id", id_form=ID_HUB)),
            id_form=ID_HF_HUB_PREFIX, trust_keyword=None),
    ApiSpec(("open_clip.create_model", "open_clip.create_model_and_transforms",
             "open_clip.create_model_from_pretrained", "open_clip.get_tokenizer", "open_clip.*.create_model*"),
            "{package}.{callee}", (Slot(0, ("model_name",), ()), Slot(None, ("pretrained",), (), named_by_table=(
                "a tag of open_clip's pretrained table, which names the repository or URL it downloads; "
                "write the model as 'hf-hub:org/name' to name it"))),
            id_form=ID_HF_HUB_PREFIX, trust_keyword=None),
    # --- serving / local runtimes -------------------------------------------------------------------------
    ApiSpec(("vllm.LLM", "vllm.*.LLM", "vllm.EngineArgs", "vllm.*.EngineArgs", "vllm.AsyncEngineArgs",
             "vllm.*.AsyncEngineArgs"), "vllm.{callee}",
            (Slot(0, ("model",)), Slot(0, ("model",), ("code_revision",), code_pin=True),
             Slot(None, ("tokenizer",), ("tokenizer_revision",)))),
    # faster-whisper: `WhisperModel("large-v3")` / `download_model(...)` read a size name through the library's own
    # table (faster_whisper.utils._MODELS) and anything with a `/` as a Hub id; `revision=` pins it.
    ApiSpec(("faster_whisper.WhisperModel", "faster_whisper.*.WhisperModel", "faster_whisper.download_model",
             "faster_whisper.*.download_model"), "faster_whisper.{callee}",
            (Slot(0, ("model_size_or_path", "size_or_id")),), trust_keyword=None, aliases=_FASTER_WHISPER_SIZES),
    # Coqui TTS: `TTS("tts_models/multilingual/multi-dataset/xtts_v2")`, `ModelManager().download_model(name)` take a
    # model-zoo name, Hub files only for the names of COQUI_TTS_HUB_MODELS (the revision is the zoo entry's, not the
    # call's: unpinnable here).
    ApiSpec(("TTS.api.TTS", "TTS.api.TTS().load_tts_model_by_name", "TTS.api.TTS().load_model_by_name",
             "TTS.api.TTS().load_vc_model_by_name", "TTS.api.TTS().download_model_by_name",
             "TTS.utils.manage.ModelManager().download_model"), "TTS.{callee}",
            (Slot(0, ("model_name",), ()),), pinnable=False, trust_keyword=None, id_form=ID_ALIASES,
            aliases=COQUI_TTS_HUB_MODELS),
    # Coqui TTS's file downloaders, given Hub file URLs directly or through its gateway (HUB_URL_GATEWAYS): the XTTS
    # recipes' `ModelManager._download_model_files([TOKENIZER_FILE_LINK, XTTS_CHECKPOINT_LINK], out, ...)`.
    ApiSpec(("TTS.utils.manage.ModelManager._download_model_files",
             "TTS.utils.manage.ModelManager()._download_model_files"), "TTS.ModelManager._download_model_files",
            (Slot(0, ("file_urls",), (), known_urls_only=True, each_item=True),), id_form=ID_URL, trust_keyword=None),
    ApiSpec(("TTS.utils.manage.ModelManager._download_zip_file", "TTS.utils.manage.ModelManager()._download_zip_file",
             "TTS.utils.manage.ModelManager._download_tar_file", "TTS.utils.manage.ModelManager()._download_tar_file"),
            "TTS.ModelManager.{callee}", (Slot(0, ("file_url",), (), known_urls_only=True),), id_form=ID_URL,
            trust_keyword=None),
    # Plain HTTP downloads of a Hub file URL (`.../resolve/<rev>/<file>`) held in a name or a table: the reference is
    # the download, reported at the call (`for name, url in MODELS.items(): urlretrieve(url, path)`). Other URLs
    # are not references, and an unknown URL is not reported.
    ApiSpec(("urllib.request.urlretrieve", "urllib.request.urlopen", "requests.get", "wget.download",
             "torch.hub.download_url_to_file", "torch.hub.load_state_dict_from_url", "torch.utils.model_zoo.load_url"),
            "{package}.{callee}", (Slot(0, ("url",), (), known_urls_only=True),), id_form=ID_URL,
            trust_keyword=None),
    # vLLM LoRA adapters: `LoRARequest("name", 1, "org/adapter")`: a local folder or a Hub id vLLM downloads (no
    # revision setting). Adapters came long after un-namespaced Hub ids: a bare name is a local folder.
    ApiSpec(("vllm.lora.request.LoRARequest", "vllm.*.LoRARequest"), "vllm.LoRARequest",
            (Slot(2, ("lora_path", "lora_local_path"), (), qualified_only=True),), pinnable=False, trust_keyword=None),
    ApiSpec(("mlx_lm.load", "mlx_lm.*.load", "mlx_vlm.load", "mlx_vlm.*.load"), "{package}.load",
            (Slot(0, ("path_or_hf_repo",)),)),
    ApiSpec(("mlx_lm.convert", "mlx_lm.*.convert", "mlx_vlm.convert", "mlx_vlm.*.convert"), "{package}.convert",
            (Slot(0, ("hf_path",)), Slot(None, ("upload_repo",), (), role="publish"))),
    # mlx-lm's dataset loader takes the training options: `hf_dataset: {path: ...}` (loaded with `datasets`) or
    # `data` (a folder of jsonl files, else a Hub dataset), neither with a revision setting of its own.
    ApiSpec(("mlx_lm.tuner.datasets.load_dataset", "mlx_lm.tuner.load_dataset"), "mlx_lm.tuner.datasets.load_dataset",
            (Slot(0, ("args",), (), attributes=(("hf_dataset", "path"), ("data",)), each_item=True),), kind="dataset",
            pinnable=False, trust_keyword=None),
    # mlx-lm distributed loading (`sharded_load(repo, pipeline_group, tensor_group)`, `pipeline_load(repo)`): a local
    # folder or a Hub id, downloaded without a revision setting; `upload_to_hub(path, upload_repo)` publishes.
    ApiSpec(("mlx_lm.sharded_load", "mlx_lm.*.sharded_load", "mlx_lm.pipeline_load", "mlx_lm.*.pipeline_load",
             "mlx_vlm.sharded_load", "mlx_vlm.*.sharded_load"),
            "{package}.{callee}", (Slot(0, ("repo",), ()),), pinnable=False),
    # mlx-vlm's helpers behind its `load`, called on their own by its CLIs and examples: `get_model_path(path_or_hf_repo,
    # revision)` downloads what is not a local folder (snapshot_download); `load_config` and `load_image_processor`
    # go through it, `load_processor` through `AutoProcessor.from_pretrained`, each with `revision` in `**kwargs`.
    ApiSpec(("mlx_vlm.get_model_path", "mlx_vlm.*.get_model_path"), "mlx_vlm.get_model_path",
            (Slot(0, ("path_or_hf_repo",), revision_position=1),), trust_keyword=None),
    ApiSpec(tuple(f"mlx_vlm{infix}.{name}" for name in ("load_config", "load_image_processor", "load_processor")
                  for infix in ("", ".*")), "mlx_vlm.{callee}", (Slot(0, ("model_path",)),)),
    ApiSpec(("mlx_lm.upload_to_hub", "mlx_lm.*.upload_to_hub", "mlx_vlm.upload_to_hub", "mlx_vlm.*.upload_to_hub"),
            "{package}.upload_to_hub", (Slot(1, ("upload_repo",), ()),), role="publish", pinnable=False,
            trust_keyword=None),
    # --- speech toolkits -------------------------------------------------------------------------------------
    # SpeechBrain: every `Pretrained` interface's `from_hparams(source="speechbrain/asr-...")` fetches the
    # repository's hyperparams.yaml and builds what it names (HyperPyYAML `!apply:` calls any importable function:
    # the library warns it "can download and run arbitrary code"); `foreign_class(source=..., pymodule_file=...)`
    # imports the repository's own Python. `revision=` pins both (releases before 1.0; later ones read it from
    # `fetch_config=FetchConfig(revision=...)`).
    ApiSpec(("speechbrain.*.from_hparams", "speechbrain.*.foreign_class"), "speechbrain.{callee}",
            (Slot(0, ("source",)),), trust_keyword=None, runs_remote_code=True),
    # `fetch("example.wav", source="org/repo")`: one file of a Hub repository (or of a local folder or URL).
    ApiSpec(("speechbrain.utils.fetching.fetch", "speechbrain.*.fetching.fetch"), "speechbrain.fetch",
            (Slot(1, ("source",), ()),), pinnable=False, trust_keyword=None),
    # SpeechBrain's wrappers of transformers models (`Whisper`, `Wav2Vec2`, `HuBERT`, ... in recipes' YAML:
    # `!new:speechbrain.integrations.huggingface.whisper.Whisper {source: openai/whisper-small}`) load `source`
    # with `from_pretrained`; none takes a revision.
    ApiSpec(("speechbrain.integrations.huggingface.*", "speechbrain.lobes.models.huggingface_transformers.*"),
            "speechbrain.{callee}", (Slot(0, ("source",), ()),), pinnable=False, trust_keyword=None),
    # pyannote.audio: its getters load a name or a `{"checkpoint": name, ...}` mapping (a loaded object passes
    # through), `Inference("org/m")` loads a model name; none takes a revision keyword: `org/m@<revision>` pins.
    ApiSpec(tuple(f"pyannote.audio.pipelines.utils{infix}.{name}" for name in ("get_model", "get_plda",
                                                                               "get_calibration", "get_pipeline")
                  for infix in ("", ".*")) + ("pyannote.audio.Inference", "pyannote.audio.*.Inference"),
            "pyannote.{callee}", (Slot(0, ("model", "plda", "calibration", "pipeline"), (), usually_object=True,
                                       mapping_key="checkpoint"),),
            id_form=ID_HUB_AT, trust_keyword=None),
    # Its pipeline classes load the models they are given by name (`VoiceActivityDetection(segmentation="org/m")`,
    # also through `super().__init__(segmentation=...)` in a subclass).
    ApiSpec(tuple(f"pyannote.audio.pipelines{infix}.{name}" for name in (
        "VoiceActivityDetection", "OverlappedSpeechDetection", "Resegmentation", "SpeakerDiarization",
        "MultiLabelSegmentation", "SpeechSeparation", "SpeakerEmbedding") for infix in ("", ".*")),
            "pyannote.{callee}", tuple(Slot(None, (keyword,), (), usually_object=True, mapping_key="checkpoint")
                                       for keyword in ("segmentation", "embedding", "plda")),
            id_form=ID_HUB_AT, trust_keyword=None),
    # `PretrainedSpeakerEmbedding("speechbrain/spkrec-ecapa-voxceleb@<sha>")`: a pyannote, SpeechBrain, NeMo or
    # WeSpeaker embedding model by name (or a `{"checkpoint": ...}` mapping), loaded by the matching library.
    ApiSpec(("pyannote.audio.pipelines.speaker_verification.PretrainedSpeakerEmbedding",
             "pyannote.audio.pipelines.PretrainedSpeakerEmbedding"), "pyannote.PretrainedSpeakerEmbedding",
            (Slot(0, ("embedding",), (), usually_object=True, mapping_key="checkpoint"),), id_form=ID_HUB_AT,
            trust_keyword=None),
    # --- retrieval / embedding libraries ------------------------------------------------------------------------
    # FlagEmbedding (BGE): every embedder and reranker class takes the model first; none takes a revision.
    ApiSpec(tuple(f"FlagEmbedding{infix}.{name}" for name in _FLAG_EMBEDDING_CLASSES for infix in ("", ".*")),
            "FlagEmbedding.{callee}", (Slot(0, ("model_name_or_path",), ()),), pinnable=False, bare=True),
    # infinity (embedding server): `EngineArgs(model_name_or_path="org/m", revision=...)` is what its engines
    # (`AsyncEmbeddingEngine.from_args`, `AsyncEngineArray`, `SyncEngineArray`, the server) download; its `embed`
    # package's `BatchedInference(model_id="org/m" or a list of ids)` (no revision setting).
    ApiSpec(("infinity_emb.EngineArgs", "infinity_emb.*.EngineArgs"), "infinity_emb.EngineArgs",
            (Slot(None, ("model_name_or_path",)),)),
    ApiSpec(("embed.BatchedInference", "embed.*.BatchedInference"), "embed.BatchedInference",
            (Slot(None, ("model_id",), (), each_item=True),), pinnable=False),
    # model2vec: `distill(model_name, ...)` loads the transformer it distils (transformers `from_pretrained`, no
    # revision); its `from_pretrained` rows are above the generic one.
    ApiSpec(("model2vec.distill", "model2vec.distill.distill", "model2vec.*.distill"), "model2vec.distill",
            (Slot(0, ("model_name",), ()),), pinnable=False),
    # chonkie's embedding chunkers load `embedding_model` (a name, or an embeddings object) through model2vec or
    # sentence-transformers; its embeddings classes take the name first.
    ApiSpec(tuple(f"chonkie.{infix}{name}" for infix in ("", "*.")
                  for name in ("SemanticChunker", "SDPMChunker", "LateChunker", "NeuralChunker",
                               "Model2VecEmbeddings", "SentenceTransformerEmbeddings")), "chonkie.{callee}",
            (Slot(0, ("embedding_model", "model"), (), usually_object=True),), pinnable=False, trust_keyword=None),
    # mteb's model registry: `ModelMeta(name="org/m", revision=..., loader=...)` is what `mteb.get_model(name)` and
    # `meta.load_model()` hand to the loader (a SentenceTransformer, a model class's `from_pretrained`), with
    # `loader_kwargs` (`trust_remote_code`); `open_weights=False` marks a hosted API's model name, and `loader=None`
    # an entry kept for its results only: neither is a load.
    # A task's `TaskMetadata(dataset={"path": "org/d", "revision": ...})` is what `AbsTask.load_data` passes to
    # `datasets.load_dataset(**metadata.dataset)`.
    ApiSpec(("mteb.ModelMeta", "mteb.*.ModelMeta"), "mteb.ModelMeta",
            (Slot(None, ("name",), ("revision",), ("loader_kwargs",)),), skip_when=(("open_weights", False), ("loader", None))),
    ApiSpec(("mteb.TaskMetadata", "mteb.*.TaskMetadata"), "mteb.TaskMetadata",
            (Slot(None, ("dataset",), (), ("dataset",), inside="path"),), kind="dataset", trust_keyword=None,
            overridden_by="load_data"),
    # --- recipe frameworks given model and dataset ids -------------------------------------------------------
    # distilabel pipeline steps: `vLLM(model="org/m", tokenizer=...)`, `TransformersLLM(model=...)`,
    # `SentenceTransformerEmbeddings(model=...)`, `RewardModelScore(model=...)` (each passes `revision` on).
    ApiSpec(tuple(f"distilabel.*.{name}" for name in ("vLLM", "TransformersLLM", "RewardModelScore")),
            "distilabel.{callee}", (Slot(None, ("model",)), Slot(None, ("tokenizer",), ("tokenizer_revision",)))),
    ApiSpec(("distilabel.*.SentenceTransformerEmbeddings", "distilabel.*.TransformersEmbeddings"), "distilabel.{callee}",
            (Slot(None, ("model",)),)),
    ApiSpec(("distilabel.*.InferenceEndpointsLLM",), "distilabel.InferenceEndpointsLLM",
            (Slot(None, ("model_id",), ()), Slot(None, ("tokenizer_id",), ())), pinnable=False, trust_keyword=None),
    # distilabel's Hub loader step: `LoadDataFromHub(repo_id="org/data", revision=...)` (`LoadHubDataset` before 1.0.3).
    ApiSpec(("distilabel.*.LoadDataFromHub", "distilabel.*.LoadHubDataset"), "distilabel.{callee}",
            (Slot(None, ("repo_id",)),), kind="dataset", trust_keyword=None),
    # NeMo 2 Hugging Face wrappers: `llm.HFAutoModelForCausalLM(model_name="org/m")`, its tokenizer, its recipes,
    # NeMo's own `AutoTokenizer(pretrained_model_name="org/m")`, and `llm.HFDatasetDataModule("org/data", ...)`
    # (none takes a revision).
    ApiSpec(("nemo.*.HFAutoModelForCausalLM", "nemo.*.HFAutoModelForCausalLM.configure_tokenizer",
             "nemo.*.HFAutoModelForImageTextToText", "nemo.*.HFAutoModelForSpeechSeq2Seq",
             "nemo.*.hf_auto_model_for_causal_lm.finetune_recipe", "nemo.*.hf_auto_model_for_causal_lm.pretrain_recipe"),
            "nemo.{callee}", (Slot(0, ("model_name",), ()),), pinnable=False),
    ApiSpec(("nemo.*.AutoTokenizer",), "nemo.AutoTokenizer", (Slot(0, ("pretrained_model_name",), ()),),
            pinnable=False),
    ApiSpec(("nemo.*.HFDatasetDataModule", "nemo.*.HFDatasetDataModulePacked", "nemo.*.SquadHFDataModule"),
            "nemo.{callee}", (Slot(0, ("path_or_dataset",), ()),), kind="dataset", pinnable=False,
            trust_keyword=None, skip_ids=DATASETS_BUILTIN_LOADERS),
    # datatrove: `DocumentTokenizer(output_folder, tokenizer_name_or_path="org/tok")`, and a Hub dataset read
    # through `HuggingFaceDatasetReader("org/data", dataset_options={"revision": ...})`.
    ApiSpec(("datatrove.*.DocumentTokenizer",), "datatrove.DocumentTokenizer",
            (Slot(1, ("tokenizer_name_or_path",), ()),), pinnable=False, trust_keyword=None),
    # Steps that tokenize with `tokenizers.Tokenizer.from_pretrained(tokenizer_name_or_path)` and default it to
    # `"gpt2"` (`TokensCounter()`, `TokenStats(folder)`, `MegatronDocumentTokenizer(folder)`, exact-substrings).
    *(ApiSpec((f"datatrove.*.{name}",), f"datatrove.{name}", (Slot(position, ("tokenizer_name_or_path",), (),
                                                                       default_id="gpt2"),),
              pinnable=False, trust_keyword=None)
      for name, position in (("TokensCounter", 0), ("TokenStats", 1), ("MegatronDocumentTokenizer", 2),
                             ("ESDatasetToSequence", 1), ("ESRangeRemover", 1))),
    # datatrove's inference runner starts a vLLM/SGLang server on `model_name_or_path` (revision in
    # `model_kwargs`); an `endpoint` server is a hosted API named by the string, a `dummy` one loads nothing.
    ApiSpec(("datatrove.*.InferenceConfig",), "datatrove.InferenceConfig",
            (Slot(None, ("model_name_or_path",), (), ("model_kwargs",)),), trust_keyword=None,
            skip_when=(("server_type", "endpoint"), ("server_type", "dummy"))),
    ApiSpec(("datatrove.*.HuggingFaceDatasetReader",), "datatrove.HuggingFaceDatasetReader",
            (Slot(0, ("dataset",), (), ("dataset_options",)),), kind="dataset", trust_keyword=None),
    # `HuggingFaceDatasetWriter(dataset="org/data")` creates the dataset repository and commits the parquet files
    # (`revision` is the branch it commits to).
    ApiSpec(("datatrove.*.HuggingFaceDatasetWriter",), "datatrove.HuggingFaceDatasetWriter",
            (Slot(0, ("dataset",), ()),), kind="dataset", role="publish", pinnable=False, trust_keyword=None),
    # nanotron training configs built in Python: `TokenizerArgs("org/tok", tokenizer_revision=...)` and
    # `PretrainDatasetsArgs(hf_dataset_or_datasets="org/data")` (a string, a list, or a dict of id -> weight).
    ApiSpec(("nanotron.*.TokenizerArgs",), "nanotron.TokenizerArgs",
            (Slot(0, ("tokenizer_name_or_path",), ("tokenizer_revision",), revision_position=1),), trust_keyword=None),
    ApiSpec(("nanotron.*.PretrainDatasetsArgs",), "nanotron.PretrainDatasetsArgs",
            (Slot(0, ("hf_dataset_or_datasets",), (), each_item=True),), kind="dataset", pinnable=False,
            trust_keyword=None,
            skip_ids=DATASETS_BUILTIN_LOADERS),
    # flair: transformer embeddings load `model` with transformers (AutoTokenizer/AutoConfig/AutoModel, `**kwargs`
    # passed on, so `revision=` pins it), `bert-base-uncased` when left out; TARS builds them from `embeddings` (a
    # name or an embeddings object); sentence-transformers document embeddings; `SequenceTagger.load(name)` and the
    # abstract `Classifier.load` / `Model.load` map flair's short names to its Hub repositories (other short names
    # are hu-berlin.de downloads: not Hub ids), any `org/name` is fetched with `hf_hub_download`.
    ApiSpec(("flair.*.TransformerWordEmbeddings", "flair.*.TransformerDocumentEmbeddings",
             "flair.*.TransformerEmbeddings"), "flair.{callee}",
            (Slot(0, ("model",), default_id="bert-base-uncased"),)),
    ApiSpec(("flair.*.TARSClassifier", "flair.*.TARSTagger"), "flair.{callee}",
            (Slot(None, ("embeddings",), (), default_id="bert-base-uncased", usually_object=True),), pinnable=False,
            trust_keyword=None),
    ApiSpec(("flair.*.SentenceTransformerDocumentEmbeddings",), "flair.{callee}",
            (Slot(0, ("model",), (), default_id="bert-base-nli-mean-tokens"),), pinnable=False, trust_keyword=None),
    *(ApiSpec((f"flair.*.{name}.load",), f"flair.{name}.load", (Slot(0, ("model_path",), ()),), pinnable=False,
              trust_keyword=None, aliases=_FLAIR_TAGGERS)
      for name in ("SequenceTagger", "PrefixedSequenceTagger", "Classifier", "Model")),
    ApiSpec(("flair.*.EntityMentionLinker.load",), "flair.EntityMentionLinker.load", (Slot(0, ("model_path",), ()),),
            pinnable=False, trust_keyword=None, aliases=_FLAIR_LINKERS),
    # OLMo training configs built in Python (`ai2-olmo`): `TokenizerConfig(identifier="org/tok")`, which
    # `Tokenizer.from_train_config` loads with `tokenizers.Tokenizer.from_pretrained` (no revision setting) unless
    # it names a local or packaged `.json` file.
    ApiSpec(("olmo.*.TokenizerConfig", "olmo.TokenizerConfig"), "olmo.TokenizerConfig",
            (Slot(None, ("identifier",), ()),), pinnable=False, trust_keyword=None),
    # xtuner's Python API: `build_model("org/m")` / `build_lora_model` / `build_qlora_model`, and its dataset
    # builders, which load their own default dataset when `path` is left out.
    ApiSpec(tuple(f"xtuner.*.{name}" for name in ("build_model", "build_lora_model", "build_qlora_model")),
            "xtuner.{callee}", (Slot(0, ("model_name_or_path",), ()),), pinnable=False, trust_keyword=None),
    ApiSpec(tuple(f"xtuner.*.{name}" for name in _XTUNER_DATASETS), "xtuner.{callee}",
            (Slot(1, ("path",), (), default_when_missing=True),), kind="dataset", pinnable=False, trust_keyword=None),
    # verl's tokenizer helpers: `hf_tokenizer(name_or_path, **kwargs)` / `hf_processor(...)` hand the id and the
    # keywords (`revision`, `trust_remote_code`) to `AutoTokenizer` / `AutoProcessor.from_pretrained`.
    ApiSpec(("verl.*.hf_tokenizer", "verl.*.hf_processor"), "verl.{callee}", (Slot(0, ("name_or_path",)),)),
    # OpenCompass evaluation configs (see _OPENCOMPASS_HF_MODELS above): the model, its tokenizer and a PEFT
    # adapter; vLLM's LoRA adapter (`lora_path`), lmdeploy's `engine_config=dict(revision=...)`.
    ApiSpec(tuple(f"opencompass.*.{name}" for name in _OPENCOMPASS_HF_MODELS), "opencompass.{callee}",
            (Slot(None, ("path",), (), ("model_kwargs",)), Slot(None, ("tokenizer_path",), (), ("tokenizer_kwargs",)),
             Slot(None, ("peft_path",), (), ("peft_kwargs",))), trust_default=True),
    ApiSpec(tuple(f"opencompass.*.{name}" for name in _OPENCOMPASS_SERVED_MODELS), "opencompass.{callee}",
            (Slot(None, ("path",), (), ("model_kwargs", "engine_config")), Slot(None, ("lora_path",), ())),
            trust_default=True),
    ApiSpec(tuple(f"opencompass.*.{name}" for name in _OPENCOMPASS_KWARGS_DATASETS), "opencompass.{callee}",
            (Slot(None, ("path",)),), kind="dataset", trust_keyword="trust_remote_code",
            skip_ids=DATASETS_BUILTIN_LOADERS),
    ApiSpec(tuple(f"opencompass.*.{name}" for name in _OPENCOMPASS_PATH_DATASETS), "opencompass.{callee}",
            (Slot(None, ("path",), ()),), kind="dataset", pinnable=False, trust_keyword=None,
            skip_ids=DATASETS_BUILTIN_LOADERS),
    # ModelScope datasets: `MsDataset.load("org/data", subset_name=..., version=...)`.
    ApiSpec(("modelscope.*MsDataset.load",), "modelscope.MsDataset.load", (Slot(0, ("dataset_name",), ("version",)),),
            kind="dataset", source="modelscope", trust_keyword="trust_remote_code"),
    # --- agents and robots ------------------------------------------------------------------------------------
    ApiSpec(("smolagents.TransformersModel", "smolagents.*.TransformersModel", "smolagents.VLLMModel",
             "smolagents.*.VLLMModel"), "smolagents.{callee}", (Slot(0, ("model_id",), (), ("model_kwargs",)),)),
    ApiSpec(("smolagents.MLXModel", "smolagents.*.MLXModel"), "smolagents.{callee}", (Slot(0, ("model_id",), ()),),
            pinnable=False),
    # `HfApiModel()` (the name before smolagents 1.14 renamed it `InferenceClientModel`) asks the Inference API for
    # its default model when no `model_id` is given: `model_id: str = "Qwen/Qwen2.5-Coder-32B-Instruct"` (the
    # agents course's notebooks print `InferenceClientModel - Qwen/Qwen2.5-Coder-32B-Instruct` for a bare call).
    ApiSpec(("smolagents.HfApiModel", "smolagents.*.HfApiModel", "smolagents.InferenceClientModel",
             "smolagents.*.InferenceClientModel"), "smolagents.{callee}",
            (Slot(0, ("model_id",), (), default_id="Qwen/Qwen2.5-Coder-32B-Instruct"),), pinnable=False),
    ApiSpec(("lerobot.*.LeRobotDataset", "lerobot.*.LeRobotDatasetMetadata", "lerobot.*.StreamingLeRobotDataset"),
            "lerobot.{callee}", (Slot(0, ("repo_id",)),), kind="dataset", trust_keyword=None),
    ApiSpec(("kernels.get_kernel", "kernels.*.get_kernel"), "kernels.get_kernel", (Slot(0, ("repo_id",)),),
            trust_keyword=None, runs_remote_code=True, bare=True),
    ApiSpec(("torch.hub.load", "torch.hub.list", "torch.hub.help"), "torch.hub.{callee}",
            (Slot(0, ("repo_or_dir", "github"), ()),), source="torchhub", id_form=ID_TORCHHUB, trust_keyword=None,
            runs_remote_code=True, skip_when=(("source", "local"),)),
    # --- LangChain / LlamaIndex Hugging Face wrappers -----------------------------------------------------
    ApiSpec(("*.HuggingFaceEmbeddings", "*.HuggingFaceBgeEmbeddings", "*.HuggingFaceInstructEmbeddings"),
            "{package}.{callee}", (_LANGCHAIN_MODEL_KWARGS,), bare=True),
    ApiSpec(("*.HuggingFaceLLM",), "llama_index.HuggingFaceLLM",
            (_LANGCHAIN_MODEL_KWARGS, Slot(None, ("tokenizer_name",), (), ("tokenizer_kwargs",))), bare=True),
    ApiSpec(("*.HuggingFaceEmbedding",), "llama_index.HuggingFaceEmbedding",
            (Slot(None, ("model_name",), ("revision",), ("model_kwargs",)),), bare=True),
    ApiSpec(("*.HuggingFaceEndpoint", "*.HuggingFaceHub", "*.HuggingFaceEndpointEmbeddings",
             "*.HuggingFaceHubEmbeddings", "*.HuggingFaceInferenceAPI", "*.HuggingFaceInferenceAPIEmbedding",
             "*.HuggingFaceInferenceAPIEmbeddings"),
            "{package}.{callee}", (Slot(None, ("repo_id", "model", "model_name"), ()),), pinnable=False,
            trust_keyword=None, bare=True),
    # HTTP clients posting to the Hub's serverless inference API: the model is named in the URL (unpinnable: the
    # API serves the repository's current main). Any other URL is not a reference, and a URL that cannot be read
    # is left alone unless its name says it holds an id (most URLs posted to are not models).
    ApiSpec(("requests.post", "requests.get", "httpx.post", "httpx.get"), "{package}.{callee}",
            (Slot(0, ("url",), (), usually_object=True),), id_form=ID_INFERENCE_URL, pinnable=False,
            trust_keyword=None),
    ApiSpec(("timm.*.generate_default_cfgs", "*._registry.generate_default_cfgs"), "timm.generate_default_cfgs",
            (Slot(0, ("cfgs",), ()),), id_form=ID_TIMM_CFGS, trust_keyword=None, bare=True),
    # --- components whose id has a library default (reported when the call leaves it out) ---------------------
    ApiSpec(("haystack.*.SASEvaluator",), "haystack.SASEvaluator",
            (Slot(0, ("model",), (), default_id="sentence-transformers/paraphrase-multilingual-mpnet-base-v2"),),
            trust_keyword=None),
    ApiSpec(("litgpt.data.Alpaca2k", "litgpt.*.Alpaca2k"), "litgpt.data.Alpaca2k",
            (Slot(None, ("repo_id",), (), default_id="mhenrichsen/alpaca_2k_test"),), kind="dataset",
            trust_keyword=None),
    # torchtune dataset builders (`alpaca_dataset(tokenizer)`, or a config's `dataset: {_component_:
    # torchtune.datasets.alpaca_dataset}`): `source` defaults to the Hub dataset each builder documents, and the
    # builder's `**load_dataset_kwargs` reach `load_dataset`, so `revision=` pins it. wikitext takes `source` second
    # positionally; the others take it keyword-only.
    *(ApiSpec((f"torchtune.datasets.{name}", f"torchtune.datasets.*.{name}"), "torchtune.datasets.{callee}",
              (Slot(position, ("source",), default_id=default),), kind="dataset", trust_keyword=None)
      for name, position, default in _TORCHTUNE_DATASET_DEFAULTS),
    # kokoro TTS: `KPipeline(lang_code="a")` and `KModel()` download hexgrad/Kokoro-82M (weights, config and
    # voices) when `repo_id` is left out; neither takes a revision.
    ApiSpec(("kokoro.KPipeline", "kokoro.*.KPipeline"), "kokoro.KPipeline",
            (Slot(1, ("repo_id",), (), default_id="hexgrad/Kokoro-82M"),), pinnable=False, trust_keyword=None),
    ApiSpec(("kokoro.KModel", "kokoro.*.KModel"), "kokoro.KModel",
            (Slot(0, ("repo_id",), (), default_id="hexgrad/Kokoro-82M", default_unless=("config", "model")),),
            pinnable=False, trust_keyword=None),
    # --- registries beyond the Hub ------------------------------------------------------------------------
    ApiSpec(("mlflow.*.load_model",), "mlflow.load_model", (Slot(0, ("model_uri",), ()),), source="mlflow",
            id_form=ID_MLFLOW, trust_keyword=None),
    # Registering a model publishes it to the MLflow registry under that name (a new version each time).
    ApiSpec(("mlflow.*.log_model",), "mlflow.log_model", (Slot(None, ("registered_model_name",), ()),),
            source="mlflow", id_form=ID_MLFLOW_NAME, role="publish", pinnable=False, trust_keyword=None),
    ApiSpec(("mlflow.register_model",), "mlflow.register_model", (Slot(1, ("name",), ()),), source="mlflow",
            id_form=ID_MLFLOW_NAME, role="publish", pinnable=False, trust_keyword=None),
    ApiSpec(("mlflow.artifacts.download_artifacts",), "mlflow.artifacts.download_artifacts",
            (Slot(0, ("artifact_uri",), ()),), source="mlflow", id_form=ID_MLFLOW, trust_keyword=None),
    ApiSpec(("mlflow*.MlflowClient().get_model_version", "mlflow*.MlflowClient().get_model_version_download_uri"),
            "mlflow.MlflowClient.{callee}", (Slot(0, ("name",), ("version",), revision_position=1),),
            source="mlflow", id_form=ID_MLFLOW_NAME, trust_keyword=None),
    ApiSpec(("mlflow*.MlflowClient().get_model_version_by_alias",), "mlflow.MlflowClient.get_model_version_by_alias",
            (Slot(0, ("name",), ("alias",), revision_position=1),), source="mlflow", id_form=ID_MLFLOW_NAME,
            trust_keyword=None),
    ApiSpec(("kagglehub.model_download",), "kagglehub.model_download", (Slot(0, ("handle",), ()),),
            source="kaggle", id_form=ID_KAGGLE_MODEL, trust_keyword=None),
    ApiSpec(("kagglehub.dataset_download",), "kagglehub.dataset_download", (Slot(0, ("handle",), ()),),
            kind="dataset", source="kaggle", id_form=ID_KAGGLE_DATASET, trust_keyword=None),
    ApiSpec(("kagglehub.dataset_load", "kagglehub.load_dataset"), "kagglehub.{callee}",
            (Slot(1, ("handle",), ()),), kind="dataset", source="kaggle", id_form=ID_KAGGLE_DATASET,
            trust_keyword=None),
    # ollama-python: the model is the first parameter of its functions and `Client`/`AsyncClient` methods
    # (`ollama.pull("llama3")`, `generate("gemma2:2b", "prompt")`), but of `copy(source, destination)`.
    ApiSpec((*(f"ollama.{name}" for name in _OLLAMA_FUNCTIONS if name != "copy"),
             *(f"ollama.*Client().{name}" for name in _OLLAMA_FUNCTIONS if name != "copy")),
            "ollama.{callee}", (Slot(0, ("model",), ()),), source="ollama", id_form=ID_OLLAMA, pinnable=False,
            trust_keyword=None),
    # DSPy `LM("openai/gpt-4o-mini")` calls a hosted API through LiteLLM; with `provider=LocalProvider()` /
    # `ArborProvider()` it serves (and fine-tunes) a Hub model itself, named after `local:` / `arbor:`.
    ApiSpec(("dspy.LM", "dspy.*.LM"), "dspy.LM", (Slot(0, ("model",), (), usually_object=True),),
            id_form=ID_LM_ROUTED, pinnable=False, trust_keyword=None),
    # DSPy's `DataLoader().from_huggingface(dataset_name, *args, **kwargs)` is `load_dataset(dataset_name, ...)`.
    ApiSpec(("dspy.DataLoader().from_huggingface", "dspy.*.DataLoader().from_huggingface"), "dspy.DataLoader.from_huggingface",
            (Slot(0, ("dataset_name",)),), kind="dataset", skip_ids=DATASETS_BUILTIN_LOADERS),
    # LangChain / LlamaIndex wrappers take keywords only.
    ApiSpec(("*.ChatOllama", "*.OllamaLLM", "*.OllamaEmbeddings", "langchain*.Ollama", "llama_index*.Ollama"),
            "ollama.{callee}", (Slot(None, ("model",), ()),), source="ollama", id_form=ID_OLLAMA, pinnable=False,
            trust_keyword=None),
)

_EXACT_NAMES: dict[str, list[int]] = {}
_WILDCARD_NAMES: list[tuple[re.Pattern[str], int]] = []
for _index, _spec in enumerate(SPECS):
    for _name in dict.fromkeys(_last_name(p) for p in _spec.calls):
        if "*" in _name:
            _WILDCARD_NAMES.append((re.compile(".*".join(re.escape(part) for part in _name.split("*"))), _index))
        else:
            _EXACT_NAMES.setdefault(_name, []).append(_index)
_NAMED_CACHE: dict[str, tuple[ApiSpec, ...]] = {}

STRING_TOKENS = ("hf://", "huggingface.co/", "hf.co/", "hf-hub:", "hf_hub:", "models:/", "runs:/")
"""Substrings of string literals that are references wherever they appear (`pd.read_parquet("hf://...")`)."""


def is_loader_name(name: str) -> bool:
    """A callee name some row spells out (not only through a wildcard) and that is not a common word."""
    return name in _EXACT_NAMES and name not in GENERIC_NAMES


def specs_named(name: str) -> tuple[ApiSpec, ...]:
    """Rows whose call patterns end in `name` (the callee's own name), in table order."""
    found = _NAMED_CACHE.get(name)
    if found is None:
        indexes = set(_EXACT_NAMES.get(name, ()))
        indexes.update(index for pattern, index in _WILDCARD_NAMES if pattern.fullmatch(name))
        found = tuple(SPECS[i] for i in sorted(indexes))
        if len(_NAMED_CACHE) < 10_000:
            _NAMED_CACHE[name] = found
    return found


def match_call(dotted: str, root_known: bool) -> ApiSpec | None:
    """The first row that describes the callee `dotted`, or None. `root_known`: its first name is imported or
    bound in the file (then only the patterns count, not the bare tails)."""
    name = dotted.rsplit(".", 1)[-1]
    for spec in specs_named(name):
        if spec.matches(dotted, root_known):
            return spec
    return None


_WILDCARD_SOURCES = [(name, index) for index, spec in enumerate(SPECS) for name in
                     dict.fromkeys(_last_name(p) for p in spec.calls) if "*" in name]

LOCAL_COPY_CALLS = frozenset({
    "verl.utils.fs.copy_to_local", "verl.utils.fs.copy_local_path_from_hdfs",
})
"""Library calls that return a local copy of a remote-filesystem path (`hdfs://...`) and any other value unchanged
(verl's `copy_to_local(src)`: "HDFS path, local filesystem path, or Hugging Face model ID"): a Hub id passed in
reaches the loader the result is given to; the first argument (or `src=`) is what they return."""


GENERIC_NAMES = frozenset({*_HFFS_METHODS, *_OLLAMA_FUNCTIONS, "load", "LLM", "LM", "from_huggingface", "list", "help",
                           "transformers", "vllm", "export", "quantize",
                           "mlxlm", "download", "convert", "compute",
                           "evaluate", "Repository", "VLLM", "post", "get", "register_model", "from_config",
                           "load_config", "fetch", "Inference", "get_model", "get_plda", "get_calibration",
                           "get_pipeline", "TTS", "urlretrieve", "urlopen", "download_url_to_file",
                           "load_state_dict_from_url", "load_url", "build"})
"""Callee names too common to mark a line by themselves: such a call counts where its qualifier or import does."""
RECEIVER_CLASSES = ("HfFileSystem(", "HfApi(", "Client(", "OpenAI(", "AutoAWQForCausalLM.from_pretrained(",
                    "AutoAWQForCausalLM.from_quantized(")
"""Constructors whose instances' methods are catalog calls (`fs = HfFileSystem(); fs.open(...)`; an OpenAI client
of a local server: `client = OpenAI(base_url=...); client.chat.completions.create(model=...)`; an AutoAWQ model's
`model.quantize(...)`, which loads its calibration dataset)."""
CATALOG_MODULES = tuple(sorted({p.split(".")[0].rstrip("*") for spec in SPECS for p in spec.calls
                                if not p.startswith("*")}))
"""Top-level packages (prefixes: `langchain` covers `langchain_community`) named in the table: an alias imported
from one of them marks its lines."""


def _without_redundant(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Fewer tokens cost fewer passes over the text; a token containing another one adds nothing."""
    return tuple(t for t in tokens if not any(other != t and other in t for other in tokens))


SCOPED_MODULES = ("trl", "smolagents", "lerobot", "lm_eval", "sentence_transformers", "lighteval", "distilabel",
                  "datatrove", "xtuner", "opencompass", "model2vec", "chonkie", "flair")
"""Packages whose rows are reached through the package, not through their names (`SFTTrainer`, `Transformer`,
`CLIPModel` are common words in other code): a file is worth parsing when it names the package as a module (a
row's pattern starts with it, so its calls need the import: `from trl import`, `import trl`, `trl.X`; not `ctrl`),
and every name imported from it marks its lines (python_finder.relevant_lines)."""


QUALIFYING_MODULES = ("dspy", "TTS", "outlines")
"""Packages whose rows' own names are common words (DSPy's `LM`, `from_huggingface`, Coqui's `TTS`, outlines'
`models.transformers`, all in `GENERIC_NAMES`): a plain
`import dspy` marks the lines that use it (`dspy.LM(...)`). Each is a weak trigger token too (`WEAK_TRIGGERS`): a
file naming only such a package is parsed where it uses it like a module, or `dspy.LM("huggingface/org/m")` alone
would go unread."""


def _scoped(spec: ApiSpec) -> bool:
    return not spec.bare and all(p.split(".")[0] in SCOPED_MODULES for p in spec.calls)


_SCOPED_NAMES = frozenset(name for name, indexes in _EXACT_NAMES.items() if all(_scoped(SPECS[i]) for i in indexes))
TRIGGER_TOKENS: tuple[str, ...] = _without_redundant(tuple(dict.fromkeys((
    *(name for name in _EXACT_NAMES if name not in GENERIC_NAMES and name not in _SCOPED_NAMES),
    *SCOPED_MODULES,
    *(max(name.split("*"), key=len) for name, _ in _WILDCARD_SOURCES if name.strip("*")),
    # Modules whose loading functions have common names (`evaluate.load`, `ollama.chat`, `torch.hub.load`).
    "evaluate", "ollama", "mlx_", "vllm", "torch.hub", "import hub", "HfFileSystem", "mobius",
    # optimum-neuron's `NeuronModelFor*.export(...)`: `export` is too common a name to mark a line by itself.
    "NeuronModel",
    "HuggingFace", "hf_hub", "get_dataset_", "list_repo_", *STRING_TOKENS, "kaggle://",
    # Rows whose own names are common words, reached through their modules or qualifiers instead (timm's
    # `@register_model` decorates every architecture: the MLflow row is reached through `mlflow.`).
    "Card.load", "Pipeline.download", "Scheduler.from_config", "Scheduler.load_config", "clone_from", "MsDataset", "mlflow.register_model",
    # Coqui TTS model-zoo names (`TTS("tts_models/multilingual/multi-dataset/xtts_v2")`: the class's name is a common
    # word); the token shares the `model` piece, so it adds no pass over a text without one.
    "tts_models/",
    # A file that runs another file by its path (runpy.run_path) holds what that file loads.
    "run_path",
    # `CLASS_DEFAULTS` bases reached only through their import (`from bigcode_eval.base import Task`).
    "bigcode_eval",
    *QUALIFYING_MODULES,
))))
"""A Python file containing none of these cannot make a reference: it is not parsed (the cheap prefilter)."""
PREFILTER_KEYS = ("Arg", "ipelin", "eval", ".co/", "llama", "enten", "Encoder", "from_pre", "repo", "dataset", "get_",
                  "load_", "hub", "model", "_file", "load")
"""Pieces that several trigger tokens share. Every search is a pass over the whole text, so a text is searched
once for each piece and for the tokens holding it only where the piece occurs: about half the passes, and files
without any trigger (most of them) are rejected sooner. Only speed depends on this list, never the result.
Chosen greedily to minimise the passes over a 900,000-line tree of ordinary library code (most files hold no
trigger, so the cost is one pass per group plus the members of the groups whose piece occurs)."""


def _group_by_key(tokens: tuple[str, ...], keys: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    groups: dict[str, list[str]] = {}
    for token in tokens:
        groups.setdefault(next((key for key in keys if key in token), token), []).append(token)
    return tuple((key, tuple(members)) for key, members in groups.items())


TRIGGER_GROUPS = _group_by_key(TRIGGER_TOKENS, PREFILTER_KEYS)
"""(piece, the trigger tokens containing it): every trigger token is in exactly one group; a token that shares no
piece is its own group."""
WEAK_TRIGGERS = frozenset({"pipeline", "evaluate", *SCOPED_MODULES, *QUALIFYING_MODULES})
"""Trigger tokens that are also common words: alone they make a file worth parsing only where they are used
like the API (see python_finder.relevant_lines)."""


_STATEMENT = ((0, "statement"),)
_STMT_SETUP = ((1, "setup"), (0, "stmt"))
CODE_STRING_RUNNERS: dict[str, tuple[tuple[int | None, str], ...]] = {
    # dotted callee (as the resolver names it) → (position, keyword) of each code string, in the order they run
    "builtins.exec": ((0, "source"),), "builtins.eval": ((0, "source"),), "builtins.compile": ((0, "source"),),
    "cProfile.run": _STATEMENT, "cProfile.runctx": _STATEMENT, "profile.run": _STATEMENT, "profile.runctx": _STATEMENT,
    "cProfile.Profile().run": ((0, "cmd"),), "cProfile.Profile().runctx": ((0, "cmd"),),
    "profile.Profile().run": ((0, "cmd"),), "profile.Profile().runctx": ((0, "cmd"),),
    "timeit.timeit": _STMT_SETUP, "timeit.repeat": _STMT_SETUP, "timeit.Timer": _STMT_SETUP,
    "code.InteractiveInterpreter().runsource": ((0, "source"),),
    "code.InteractiveConsole().runsource": ((0, "source"),), "code.InteractiveConsole().push": ((0, "line"),),
    "code.InteractiveInterpreter().runcode": ((0, "code"),), "code.InteractiveConsole().runcode": ((0, "code"),),
    "code.compile_command": ((0, "source"),),
    "pdb.run": _STATEMENT, "pdb.runeval": ((0, "expression"),), "pdb.Pdb().run": ((0, "cmd"),),
    "trace.Trace().run": ((0, "cmd"),), "trace.Trace().runctx": ((0, "cmd"),),
    "IPython.get_ipython().run_cell": ((0, "raw_cell"),), "get_ipython().run_cell": ((0, "raw_cell"),),
}
"""Calls that run a string of Python (issue 12): the string is scanned like the file, and one that cannot be read
gets the "cannot be analysed" warning. `exec`/`eval`/`compile` as builtins are `python_finder.CODE_RUNNERS`."""


@dataclass(frozen=True)
class ClassDefault:
    """A library convention: a class attribute of a subclass names what the library's base class loads
    (optimum `TaskProcessor.DEFAULT_DATASET_ARGS`, autotrain params' `model` field)."""

    bases: tuple[str, ...]
    """Dotted patterns of the base class as the finder names it (see the module docstring)."""
    attribute: str
    kind: str
    api: str
    key: str | None = None
    """When the attribute may be a dict of the loader's arguments: the entry that holds the id."""
    patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "patterns", tuple(_compile(p) for p in self.bases))

    def matches(self, dotted: str) -> bool:
        return any(p.fullmatch(dotted) for p in self.patterns)


CLASS_DEFAULTS: tuple[ClassDefault, ...] = (
    # `DEFAULT_DATASET_ARGS = "squad_v2"` or `{"path": "glue", "name": "sst2"}`: `load_default_dataset` loads it.
    ClassDefault(("optimum.*TaskProcessor", "*.base.TaskProcessor"), "DEFAULT_DATASET_ARGS", "dataset",
                 "optimum.TaskProcessor.DEFAULT_DATASET_ARGS", key="path"),
    # `model: str = Field("bert-base-uncased")`: the base model the trainer loads when the config names none.
    ClassDefault(("autotrain.*AutoTrainParams",), "model", "model", "autotrain.AutoTrainParams.model"),
    # bigcode-evaluation-harness tasks: `Task.__init__` runs `load_dataset(path=self.DATASET_PATH,
    # name=self.DATASET_NAME)` (no revision) for every task class.
    ClassDefault(("bigcode_eval.base.Task",), "DATASET_PATH", "dataset", "bigcode_eval.Task.DATASET_PATH"),
    # lm-evaluation-harness tasks written in Python (its new-task guide; v0.3 `lm_eval.base`, v0.4 `lm_eval.api.task`)
    # and lmms-eval's: `Task.download` runs `datasets.load_dataset(path=self.DATASET_PATH, name=self.DATASET_NAME)`.
    ClassDefault(("lm_eval.base.*Task", "lm_eval.api.task.*Task", "lmms_eval.api.task.*Task"), "DATASET_PATH",
                 "dataset", "lm_eval.Task.DATASET_PATH"),
)

CODE_FILE_RUNNERS: dict[str, tuple[int, str]] = {"runpy.run_path": (0, "path_name")}
"""Calls that run a file of Python given by its path."""
COMMAND_RUNNERS: dict[str, tuple[int, str]] = {
    # dotted callee (as the resolver names it) → (position, keyword) of the command: a list of words is one
    # command line, a string is shell text
    "subprocess.run": (0, "args"), "subprocess.Popen": (0, "args"), "subprocess.call": (0, "args"),
    "subprocess.check_call": (0, "args"), "subprocess.check_output": (0, "args"),
    "subprocess.getoutput": (0, "cmd"), "subprocess.getstatusoutput": (0, "cmd"),
    "os.system": (0, "command"), "os.popen": (0, "cmd"),
    "asyncio.create_subprocess_shell": (0, "cmd"),
    # a bare name (no dot): a helper (a project's own or a library's wrapper of `subprocess`) matched by the
    # callee's last name wherever it comes from
    "run_cmd": (0, "cmd"), "run_command": (0, "cmd"), "run_shell": (0, "cmd"), "run_shell_command": (0, "cmd"),
    "execute_command": (0, "cmd"), "exec_cmd": (0, "cmd"), "shell_run": (0, "cmd"), "run_cli": (0, "command"),
    "run_subprocess": (0, "cmd"),  # olive.common.utils.run_subprocess(cmd, env, cwd, check) and its kind
}
"""Calls that run a command line, given as a list of words or as one shell string: read with the shell finder's
CLI catalog (`subprocess.run(["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "org/m"])`,
`os.system(f"hf download {repo}")`, `run_cmd(cmd)`); the references are reported at the call (issue 11 §3)."""


def command_runner(dotted: str, name: str) -> tuple[int, str] | None:
    """The (position, keyword) of the command a call runs, when it is a `COMMAND_RUNNERS` row: by its dotted name,
    or by its last name for a helper row."""
    return COMMAND_RUNNERS.get(dotted) or COMMAND_RUNNERS.get(name)


RUNNER_TOKENS = tuple(dict.fromkeys(name.rsplit(".", 1)[-1] + "(" for name in (*CODE_STRING_RUNNERS,
                                                                                *CODE_FILE_RUNNERS, *COMMAND_RUNNERS)))
"""The runners' call names: lines that hold one are walked once a file is worth parsing (see HELPER_TOKENS)."""
@dataclass(frozen=True)
class DeferredCall:
    """A constructor that records a callable and the arguments it will later be called with (a config node, a
    lazy call): discovery reads `Config(AutoTokenizer, pretrained_model_name="org/m")` as the call
    `AutoTokenizer(pretrained_model_name="org/m")`, made where the constructor is written."""

    callee_keyword: str | None = None
    """The keyword (or dict-literal key) naming the callable: `dict(type=load_dataset, path=...)`."""
    callee_position: int | None = None
    """The positional slot naming the callable: `run.Config(fn, ...)`; the later positional arguments are its own."""
    curried: bool = False
    """`LazyCall(fn)(...)`: the constructor takes the callable, the call of its result takes the arguments."""


DEFERRED_CALLS: dict[str, DeferredCall] = {
    # dotted constructor (as the resolver names it; `dict` is the builtin) → where the callable is named
    "dict": DeferredCall(callee_keyword="type"),  # mmengine / mmcv / xtuner registry configs (and `{"type": ...}`)
    "nemo_run.Config": DeferredCall(callee_position=0), "nemo_run.Partial": DeferredCall(callee_position=0),
    "nemo_run.config.Config": DeferredCall(callee_position=0),
    "nemo_run.config.Partial": DeferredCall(callee_position=0),
    "fiddle.Config": DeferredCall(callee_position=0), "fiddle.Partial": DeferredCall(callee_position=0),
    "detectron2.config.LazyCall": DeferredCall(callee_position=0, curried=True),
    "detectron2.config.lazy.LazyCall": DeferredCall(callee_position=0, curried=True),
}
"""Deferred calls (issue 11). `functools.partial` is the resolver's (`PARTIAL_CALLS`): its later calls are followed."""
DEFERRED_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in DEFERRED_CALLS)
"""The constructors' last names (a cheap test before the callee is resolved)."""
LOADED_ID_ATTRIBUTE_SUFFIXES = ("name_or_path",)
"""Attributes of a loaded object that hold the repository it or another load names, read from the Hub at run time
(PEFT's `PeftConfig.from_pretrained(adapter).base_model_name_or_path`, transformers' `config._name_or_path`,
`tokenizer.name_or_path`): a string the file cannot know, never an object."""
DEFERRED_RUN_METHODS = frozenset({"remote", "local", "spawn"})
"""Methods of a decorated function that run it with the arguments given (Modal `f.remote(x)`, `f.local(x)`,
`f.spawn(x)`; Ray `f.remote(x)`): a call site of the function for the values its parameters take."""


HELPER_TOKENS = ("add_argument", "set_defaults", "hub.", "Client().", "exec(", "eval(", "compile(", ").__init__(",
                 *RUNNER_TOKENS, "requests.post(", "requests.get(", "httpx.post(", "httpx.get(", "subprocess.",
                 "urlretrieve(", "urlopen(", "wget.download(", "download_url_to_file(", "load_url(")
"""Lines that matter for resolution or for generic callees (`super().__init__(...)` of a catalog class), once a
file is worth parsing."""

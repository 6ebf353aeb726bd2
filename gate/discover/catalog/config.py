"""Config-file conventions: which keys of a YAML/JSON/TOML config name a Hub repository, as data rows.

Each `ConfigKey` row says where the id sits (a key's value, the keys of a mapping, the even items of a list, a
key of each item of a list), what it is (`model`/`dataset`, loaded or published, from which hub), and which
sibling keys carry its revision. The config finder applies these rows to a positioned tree of any format; keys
that are not rows here but whose name says model or dataset (`context.context_kind`) give `confidence:
"medium"` references instead.

Adding a convention is a row here plus a fixture under tests/fixtures/discover/config-*/.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from typing import Literal

from gate.discover.catalog.context import SENTINEL_WORDS
from gate.discover.catalog.python_apis import DATASETS_BUILTIN_LOADERS

Shape = Literal["value", "mapping_keys", "pairs", "item"]
SHAPE_VALUE: Shape = "value"
"""The key's string value (or each string of the list it holds) is the id: `model_name_or_path: org/m`."""
SHAPE_MAPPING_KEYS: Shape = "mapping_keys"
"""The keys of the mapping it holds are ids: `dataset_mixer: {org/a: 0.5, org/b: 1.0}`."""
SHAPE_PAIRS: Shape = "pairs"
"""The even items of the list it holds are ids, the odd ones their weights: `dataset_mixer_list: [org/a, 1.0]`."""


@dataclass(frozen=True)
class ConfigKey:
    """One config key that names a Hub repository."""

    key: str
    kind: Literal["model", "dataset"]
    revision_keys: tuple[str, ...] = ("revision",)
    """Sibling keys read for the revision (`a.b`: key `b` of the sibling mapping `a`), in this order; the first is the key a fix adds when none is present.
    Empty when the tool has no revision setting: the reference is then `pinnable: false` (a pin writer must not
    add a key the tool would reject or ignore)."""
    convention: str = ""
    """Which tools write this key (for people)."""
    shape: Shape = SHAPE_VALUE
    allow_legacy: bool = False
    """Accept an unqualified id (`gpt2`): only for keys that are unambiguous Hub ids."""
    report_dynamic: bool = False
    """Report an interpolated value (`${MODEL}`) as a dynamic reference: only for unambiguous keys."""
    role: Literal["load", "publish"] = "load"
    """`publish`: where the tool pushes (`hub_model_id`); never given a revision key."""
    source: str = "huggingface"
    under: frozenset[str] = frozenset()
    """When set, the row applies only inside a mapping held by one of these keys (or by a list item of one)."""
    needs_sibling: str | None = None
    """When set, the row applies only in a mapping that also has this key (torchtune's `_component_`)."""
    kind_from_sibling: str | None = None
    """A sibling whose value names the kind: `dataset` in it makes the reference a dataset (torchtune)."""
    separator: str | None = None
    """The value is several ids joined by this character (infinity's `INFINITY_MODEL_ID: org/a;org/b;`), each a
    reference of its own, maybe written `name=id` (TGI's `LORA_ADAPTERS`); the revision key's value is split the
    same way and read at the same position."""


@dataclass(frozen=True)
class ListItemKey:
    """`<list_key>: [{<item_key>: org/data, revision: ...}]`: dataset lists and mixtures."""

    list_keys: frozenset[str]
    item_keys: tuple[str, ...]
    """Tried in this order; the first one present in the item is the id (`name` is a subset in axolotl when
    `path` is present, and an id only without it)."""
    kind: Literal["model", "dataset"] = "dataset"
    revision_keys: tuple[str, ...] = ("revision",)
    convention: str = ""
    under: frozenset[str] = frozenset()
    """When set, only a list held inside a mapping under one of these keys (`dataset_mixture: {datasets: ...}`)."""
    needs_item_key: str | None = None
    """When set, only items that also have this key (a mixture's `weight`): `datasets: [{id: org/d, reason: ...}]`
    is also the shape of allowlists (model-gate's own policy), which name ids without loading them."""


def _rows(*rows: ConfigKey) -> tuple[ConfigKey, ...]:
    return rows


_NO_REVISION: tuple[str, ...] = ()

CONFIG_KEYS: tuple[ConfigKey, ...] = _rows(
    # Hugging Face Trainer / example scripts (ModelArguments, DataTrainingArguments), TRL, PEFT.
    ConfigKey("model_name_or_path", "model", ("model_revision", "revision"), "HF TrainingArguments/TRL",
              allow_legacy=True, report_dynamic=True),
    ConfigKey("pretrained_model_name_or_path", "model", ("revision", "model_revision"), "diffusers/accelerate",
              allow_legacy=True, report_dynamic=True),
    ConfigKey("tokenizer_name", "model", ("tokenizer_revision", "model_revision"), "HF example scripts",
              allow_legacy=True, report_dynamic=True),
    # TRL/alignment-handbook recipes: the scripts load the tokenizer with `revision=model_args.model_revision`.
    ConfigKey("tokenizer_name_or_path", "model", ("tokenizer_revision", "revision", "model_revision"), "TRL, OpenRLHF",
              allow_legacy=True, report_dynamic=True),
    ConfigKey("dataset_name", "dataset", ("dataset_revision", "revision"), "HF example scripts, TRL",
              allow_legacy=True, report_dynamic=True),
    ConfigKey("base_model_name_or_path", "model", ("revision", "model_revision"), "PEFT adapter_config.json",
              allow_legacy=True, report_dynamic=True),
    ConfigKey("teacher_model_name_or_path", "model", ("teacher_model_revision",), "HF distillation scripts",
              allow_legacy=True, report_dynamic=True),
    ConfigKey("reward_model_name_or_path", "model", ("reward_model_revision",), "TRL reward/PPO scripts",
              allow_legacy=True, report_dynamic=True),
    # optimum-habana GaudiTrainingArguments: read with `GaudiConfig.from_pretrained(name)`, which takes no revision.
    ConfigKey("gaudi_config_name", "model", (), "optimum-habana GaudiTrainingArguments"),
    # axolotl.
    ConfigKey("base_model", "model", ("revision_of_model", "revision", "model_revision"), "axolotl"),
    ConfigKey("base_model_config", "model", ("revision_of_model",), "axolotl"),
    ConfigKey("tokenizer_config", "model", ("revision_of_model",), "axolotl"),
    # Generic loaders, ms-swift, lighteval model configs.
    ConfigKey("model_id", "model", ("revision", "model_revision"), "generic"),
    ConfigKey("repo_id", "model", ("revision",), "huggingface_hub-style (`repo_type: dataset` makes it a dataset)"),
    ConfigKey("model", "model", ("revision", "model_revision"), "generic"),
    # lm-evaluation-harness task YAML: `dataset_name` beside it is a subset (config name), not an id. The task
    # passes `dataset_kwargs` to `load_dataset`, so that is where its revision goes (a dotted key is nested); an
    # unknown top-level key would make the task config invalid.
    ConfigKey("dataset_path", "dataset", ("dataset_kwargs.revision", "dataset_revision", "revision"),
              "lm-evaluation-harness", allow_legacy=True),
    # LLaMA-Factory `dataset_info.json`: the loader has no revision setting.
    ConfigKey("hf_hub_url", "dataset", _NO_REVISION, "LLaMA-Factory dataset_info.json"),
    ConfigKey("ms_hub_url", "dataset", _NO_REVISION, "LLaMA-Factory dataset_info.json", source="modelscope"),
    ConfigKey("om_hub_url", "dataset", _NO_REVISION, "LLaMA-Factory dataset_info.json", source="openmind"),
    # ms-swift dataset registry (`swift/dataset/data/dataset_info.json`): one entry per hub.
    ConfigKey("hf_dataset_id", "dataset", _NO_REVISION, "ms-swift dataset_info.json"),
    ConfigKey("ms_dataset_id", "dataset", _NO_REVISION, "ms-swift dataset_info.json", source="modelscope"),
    # OLMo (`ai2-olmo`) TrainConfig YAML: `tokenizer: {identifier: org/tok}`, loaded with
    # `tokenizers.Tokenizer.from_pretrained` (no revision setting) unless it names a `.json` file.
    ConfigKey("identifier", "model", _NO_REVISION, "OLMo TrainConfig", allow_legacy=True,
              under=frozenset({"tokenizer"})),
    # open_clip model JSON (`text_cfg`): HFTextEncoder takes no revision.
    ConfigKey("hf_model_name", "model", _NO_REVISION, "open_clip model config"),
    ConfigKey("hf_tokenizer_name", "model", _NO_REVISION, "open_clip model config"),
    # SageMaker Hugging Face containers and TGI, as environment in YAML/JSON/compose/Kubernetes manifests.
    ConfigKey("HF_MODEL_ID", "model", ("HF_MODEL_REVISION",), "SageMaker HF DLC env", allow_legacy=True,
              report_dynamic=True),
    ConfigKey("MODEL_ID", "model", ("REVISION",), "TGI env", report_dynamic=True),
    # TGI env: the `--lora-adapters` value, `org/a,name=org/b` (adapters take no revision there).
    ConfigKey("LORA_ADAPTERS", "model", _NO_REVISION, "TGI env", separator=","),
    # vLLM `serve --config` YAML (the long flag names as keys): `lora-modules: [sql=org/a, ...]`, the
    # `--lora-modules` words (`{name, path}` items: LIST_ITEM_KEYS). No revision for adapters.
    *(ConfigKey(key, "model", _NO_REVISION, "vLLM serve --config", separator=" ")
      for key in ("lora-modules", "lora_modules")),
    # infinity (embedding server) env: `;`-separated, one entry per model, the revisions at the same positions.
    ConfigKey("INFINITY_MODEL_ID", "model", ("INFINITY_REVISION",), "infinity env", allow_legacy=True,
              report_dynamic=True, separator=";"),
    # llm-foundry / Composer YAML: `tokenizer: {name: org/m, kwargs: {...}}` (build_tokenizer calls
    # `AutoTokenizer.from_pretrained(name, **kwargs)`; `tiktoken` names OpenAI's tokenizer instead) and the
    # finetuning loader's `dataset: {hf_name: org/d, hf_kwargs: {...}}` (`load_dataset(hf_name, **hf_kwargs)`).
    ConfigKey("name", "model", ("kwargs.revision",), "llm-foundry `tokenizer: {name: ...}`",
              under=frozenset({"tokenizer"}), allow_legacy=True),
    ConfigKey("hf_name", "dataset", ("hf_kwargs.revision",), "llm-foundry finetuning `dataset: {hf_name: ...}`",
              allow_legacy=True),
    # Hydra / NeMo.
    ConfigKey("pretrained_model_name", "model", _NO_REVISION, "NeMo language_model / tokenizer",
              allow_legacy=True),
    ConfigKey("type", "model", _NO_REVISION, "NeMo `tokenizer: {library: huggingface, type: org/name}`",
              under=frozenset({"tokenizer"})),
    ConfigKey("tokenizer_model", "model", _NO_REVISION, "NeMo tokenizer", under=frozenset({"tokenizer"})),
    ConfigKey("model_name", "model", _NO_REVISION, "NeMo tokenizer", under=frozenset({"tokenizer"})),
    # torchtune: `dataset: {_component_: torchtune.datasets.alpaca_dataset, source: org/data}` (kwargs reach
    # `load_dataset`, so `revision` works), and components given a Hub `path`.
    ConfigKey("source", "dataset", ("revision",), "torchtune dataset builders", needs_sibling="_component_"),
    ConfigKey("path", "model", ("revision",), "torchtune components", needs_sibling="_component_",
              kind_from_sibling="_component_"),
    # AutoTrain configs: `data: {path: org/data, train_split: train, ...}` (a local folder is a path, not an id).
    ConfigKey("path", "dataset", _NO_REVISION, "AutoTrain config `data.path`", under=frozenset({"data"}),
              allow_legacy=True),
    ConfigKey("path", "dataset", ("revision",), "NeMo `hf_data_cfg: [{path: ...}]`: each item is `load_dataset` "
              "keyword arguments", under=frozenset({"hf_data_cfg"}), allow_legacy=True),
    # mlx-lm LoRA configs (`mlx_lm.lora --config`): `data:` is a folder of {train,valid,test}.jsonl or a Hub dataset
    # (loaded without a revision); `hf_dataset: {path: ..., config: {...}}` (or a list of them) reaches
    # `load_dataset(path, split=..., **config)`. `data` alone is too common a key: only beside mlx-lm's own keys.
    ConfigKey("data", "dataset", _NO_REVISION, "mlx-lm LoRA config `data:`", needs_sibling="fine_tune_type"),
    ConfigKey("data", "dataset", _NO_REVISION, "mlx-lm LoRA config `data:`", needs_sibling="lora_parameters"),
    ConfigKey("path", "dataset", ("config.revision",), "mlx-lm LoRA config `hf_dataset: {path: ...}`",
              under=frozenset({"hf_dataset"}), allow_legacy=True),
    # Dataset mixtures (alignment-handbook, open-instruct): weights, no revision.
    ConfigKey("dataset_mixer", "dataset", _NO_REVISION, "alignment-handbook, open-instruct",
              shape=SHAPE_MAPPING_KEYS),
    ConfigKey("dataset_mixer_list", "dataset", _NO_REVISION, "open-instruct", shape=SHAPE_PAIRS),
    ConfigKey("dataset_mixer_eval_list", "dataset", _NO_REVISION, "open-instruct", shape=SHAPE_PAIRS),
    # Publish targets: listed and exported, never judged by the pin rules, never given a revision key.
    ConfigKey("hub_model_id", "model", _NO_REVISION, "HF TrainingArguments, axolotl", role="publish"),
    ConfigKey("push_to_hub_model_id", "model", _NO_REVISION, "HF TrainingArguments (legacy)", role="publish"),
    ConfigKey("output_hub_repo", "model", _NO_REVISION, "recipe configs", role="publish"),
    ConfigKey("hub_dataset_id", "dataset", _NO_REVISION, "recipe configs", role="publish"),
)

LIST_ITEM_KEYS: tuple[ListItemKey, ...] = (
    # Mixtures first: a more specific row wins.
    ListItemKey(frozenset({"datasets"}), ("id", "path", "name"), convention="alignment-handbook/open-r1/TRL "
                "`dataset_mixture: {datasets: [{id: ...}]}`", under=frozenset({"dataset_mixture", "dataset_mixer"})),
    ListItemKey(frozenset({"datasets"}), ("id", "path", "name"), convention="mixtures listed under another key "
                "(`training: {datasets: [{id: org/d, weight: 0.7}]}`)", needs_item_key="weight"),
    ListItemKey(frozenset({"lora-modules", "lora_modules"}), ("path",), kind="model", revision_keys=(),
                convention="vLLM `serve --config` YAML `lora-modules: [{name: sql, path: org/a}]`"),
    ListItemKey(frozenset({"datasets", "test_datasets", "pretraining_dataset", "train_datasets", "eval_datasets"}),
                ("path", "name"), convention="axolotl (also with `rl:`), TRL; `name` is an id only without `path`"),
)

@dataclass(frozen=True)
class ClassChosenList:
    """A registry list whose items name the class that serves them (`<spec_key>: {class_name: <dotted>, args:
    {...}}`): whether an item loads a Hub repository, and which of its keys names it, is the class's to say.

    An item served by a class of `loaders` loads `args.<args_id_key>` when given (the `pretrained_model_name_or_path`
    row reports it), else the value of the item key the class reads; its other model-named keys are the registry's
    own names (reported only when a catalog row knows them: a tokenizer is still loaded). An item served by a class
    of `own_table` loads what that class's code maps the name to, nothing the entry spells. Any other class is read
    as any mapping is (a hosted API's client by its name, `catalog.context.names_hosted_client`)."""

    list_key: str
    spec_key: str
    loaders: tuple[tuple[str, str], ...]
    """(the class's name, the item key it loads when `args` names no repository)."""
    own_table: frozenset[str] = frozenset()
    args_key: str = "args"
    args_id_key: str = "pretrained_model_name_or_path"
    convention: str = ""


CLASS_CHOSEN_LISTS: tuple[ClassChosenList, ...] = (
    # crfm-helm `model_deployments.yaml` (also a user's `prod_env/model_deployments.yaml`): `HuggingFaceClient`
    # loads `args.pretrained_model_name_or_path` or else the request's model (`model_name`); the IDEFICS, Vision2Seq
    # and PaliGemma clients load the deployment's `name`; the VLM / audio / image clients below map the name to a
    # repository in their own code. `tokenizer_name` is a key of `tokenizer_configs.yaml`, reported by its row.
    ClassChosenList("model_deployments", "client_spec", (
        ("HuggingFaceClient", "model_name"), ("HuggingFacePipelineClient", "model_name"),
        ("IDEFICSClient", "name"), ("HuggingFaceVision2SeqClient", "name"), ("PaliGemmaClient", "name")),
        own_table=frozenset({"HuggingFaceVLMClient", "QwenVLMClient", "Qwen2VLMClient", "QwenAudioLMClient",
                             "Qwen2AudioLMClient", "Qwen2_5OmniAudioLMClient", "LlamaOmniAudioLMClient",
                             "DivaLlamaClient", "DALLEMiniClient", "MinDALLEClient", "CogView2Client",
                             "DeepFloydClient", "SimpleClient"}),
        convention="crfm-helm model_deployments.yaml"),
    # crfm-helm `tokenizer_configs.yaml`: `HuggingFaceTokenizer` loads `args.pretrained_model_name_or_path`, else
    # the tokenizer's `name`.
    ClassChosenList("tokenizer_configs", "tokenizer_spec", (("HuggingFaceTokenizer", "name"),),
                    own_table=frozenset({"SimpleTokenizer"}), convention="crfm-helm tokenizer_configs.yaml"),
)
CLASS_CHOSEN_BY_LIST = {row.list_key: row for row in CLASS_CHOSEN_LISTS}

COMPONENT_KEYS = ("_component_", "_target_")
"""Keys naming the Python callable a mapping is passed to (torchtune `_component_`, Hydra `instantiate`'s
`_target_`): when it is a catalog Python API (`catalog/python_apis.py`), the mapping is that call, its other keys
the keyword arguments."""
ARGUMENT_LIST_KEYS = frozenset({"args", "command", "entrypoint", "arguments", "cmd"})
"""Lists of command-line words (`args: ["--model_name_or_path", "org/m"]`): read with the CLI catalog's flags."""
PUBLISH_SWITCH_KEYS = frozenset({"push_to_hub"})
"""`push_to_hub: true` pushes the trained model; without a publish key beside it (`hub_model_id`) the repository is
named at run time (the user's namespace and the output or project name): a dynamic publish reference."""
ENVIRONMENT_LIST_KEYS = frozenset({"environment", "env"})
"""Lists of `KEY=value` strings (compose) or `{name: KEY, value: ...}` items (Kubernetes) read as mappings."""

NOT_HUB_IDS = DATASETS_BUILTIN_LOADERS | SENTINEL_WORDS | frozenset({"jsonl", "tiktoken"})
"""Placeholders that look like legacy ids but never name a Hub repository (plus the `datasets` built-in loaders;
`tiktoken`: llm-foundry's name for OpenAI's tokenizer library)."""


ID_SUFFIX = re.compile(r"#\d+$")
"""ms-swift's `org/data#500` (how many samples to take) is not part of the id."""
SUBSET_SUFFIX = re.compile(r"^([A-Za-z0-9._-]+/[A-Za-z0-9._-]+):[\w.-]+$")
"""ms-swift's `org/data:subset` (a dataset's subset): the id is what comes before the colon. Applied only to
dataset values (a model value `org/img:tag` stays a container image)."""

INTERPOLATION_ONLY_KEYS = frozenset({"variables"})
"""llm-foundry/Composer YAML: the top-level `variables:` mapping exists to be interpolated (`${variables.model_name}`)
and is dropped before the tool reads the config. A value there that the file interpolates is a reference where it
is interpolated (`tokenizer: {name: ${variables.model_name}}`), not where it is defined; one the file never
interpolates is read as any other key (GitLab CI's `variables:` are environment, never `${variables.x}`)."""
EMBEDDED_CONFIG_ROOTS = frozenset({"parameters"})
"""MosaicML platform run YAML: the top-level `parameters:` mapping is the config the job reads (written to
`/mnt/config/parameters.yaml`), so `${variables.x}` inside it names `parameters.variables.x`."""

SWEEP_PARAMETER_HOLDERS = frozenset({"parameters"})
"""W&B sweep configs (`program:`/`command:` + `parameters: {model_name_or_path: {value: org/m}}`): the key under
`parameters` names the script argument, so it decides the kind of what its `value` / `values` hold."""
SWEEP_VALUE_KEYS = frozenset({"value", "values"})
"""`value: org/m` (one value) and `values: [org/a, org/b]` (a grid or random choice among them)."""

PREFILTER_MARKERS = ("/", "model", "dataset", "tokenizer", "repo_id", "MODEL", "hf_name", *COMPONENT_KEYS)
"""Text without any of these (nor a backslash escape) cannot hold a reference: every id row needs `org/name`
or a key spelled with these words, and a component key may name a call that loads its library's default id. Decided on the raw text only to skip work: a file with any backslash is
always parsed, since `"\\u006dodel"` decodes to a key the raw text does not show."""


def _index() -> dict[str, tuple[ConfigKey, ...]]:
    by_key: dict[str, list[ConfigKey]] = {}
    for row in CONFIG_KEYS:
        by_key.setdefault(row.key, []).append(row)
    return {k: tuple(v) for k, v in by_key.items()}


ROWS_BY_KEY = _index()
LIST_KEY_NAMES = frozenset(name for row in LIST_ITEM_KEYS for name in row.list_keys)
CATALOG_KEY_NAMES = frozenset(ROWS_BY_KEY) | LIST_KEY_NAMES
REVISION_KEY_NAMES = frozenset(k for row in CONFIG_KEYS for k in row.revision_keys) | frozenset(
    k for row in LIST_ITEM_KEYS for k in row.revision_keys)


def config_key(key: str, parent_key: str | None, sibling_names: Container[str]) -> ConfigKey | None:
    """The row for `key` in a mapping held by `parent_key` with these sibling keys, or None."""
    for row in ROWS_BY_KEY.get(key, ()):
        if row.under and parent_key not in row.under:
            continue
        if row.needs_sibling and row.needs_sibling not in sibling_names:
            continue
        return row
    return None


def list_item_key(list_key: str | None, outer_key: str | None,
                  item_keys: Container[str] = ()) -> ListItemKey | None:
    """The row for the items of a list held by `list_key`, itself inside a mapping held by `outer_key`, for an item
    with these keys (none: the list's string items)."""
    for row in LIST_ITEM_KEYS:
        if list_key in row.list_keys and (not row.under or outer_key in row.under) and (
                row.needs_item_key is None or row.needs_item_key in item_keys):
            return row
    return None

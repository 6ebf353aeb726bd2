"""THE table of command-line tools that load or publish a model or a dataset: command → where the id is.

Two kinds of rows, read by the shell finder (scripts, Dockerfiles, Makefiles, workflow `run:` steps, compose):

- `CliCommand`: a program and its subcommand words (`vllm serve`, `hf download`, `mlx_lm.convert`, a `python -m`
  module) with the arguments that carry ids, positional or flags.
- `FLAGS`: flags read on *any* command line, whatever the program (`--model_name_or_path` of the Hugging Face
  example scripts, TGI's `--model-id`, lm-eval's `--model_args`): a script's flags pass through launchers
  (`accelerate launch`, `torchrun`, `deepspeed`, `python`) unchanged.

Both are `high`-confidence references. A flag that is in neither table but whose name says model or dataset
(`catalog.context.context_kind`) and whose value has the shape of a Hub id gives a `medium`-confidence reference.

Supporting a new CLI is a row here plus a fixture (tests/fixtures/discover/shell-*/).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from gate.discover.catalog.python_apis import COQUI_TTS_HUB_MODELS, DATASETS_BUILTIN_LOADERS

# How a value names its id(s):
VALUE_ID = "id"  # the word is the id
VALUE_NAMED = "named"  # `name=org/adapter`, `org/adapter`, or vLLM's JSON `{"name": ..., "path": "org/adapter"}`
VALUE_COMMA_NAMED = "comma-named"  # `org/a,name=org/b` (TGI `--lora-adapters`)
VALUE_KEY_VALUES = "key-values"  # `pretrained=org/m,revision=v1,peft=org/a` (lm-eval `--model_args`)
VALUE_WEIGHTED = "weighted"  # `org/a 0.5 org/b 1.0` (`--dataset_mixer_list`): numbers are weights, not ids
VALUE_SWIFT_DATASET = "swift-dataset"  # `org/d`, `org/d:subset`, `org/d#500` (ms-swift sample counts)
VALUE_OLLAMA = "ollama"  # `name[:tag]` in Ollama's registry, or `hf.co/org/repo[:quant]` on the Hub
VALUE_ALIASES = "aliases"  # only the tool's own names in `CliArg.aliases` are Hub ids (Coqui `tts --model_name`)
VALUE_QUANT_TAG = "quant-tag"  # `org/repo[:Q4_K_M]`: a GGUF repository and the quantization picked in it

TRUST_FLAGS = frozenset({"--trust-remote-code", "--trust_remote_code"})
"""Flags that make the command run Python code from the model repository."""


@dataclass(frozen=True)
class CliArg:
    """One place on a command line that carries an id, and the flags that pin it."""

    flags: tuple[str, ...] = ()
    """Options that take the id: `--flag value` or `--flag=value`."""
    positional: int | None = None
    """Index of the id among the command's positional arguments (after its subcommand words)."""
    kind: str = "model"
    revision_flags: tuple[str, ...] = ()
    """Flags whose value is this id's revision; the first present wins, the first is where a fix goes. Empty: the
    command cannot take a revision for this id (`pinnable` is then False unless said otherwise)."""
    code_revision_flags: tuple[str, ...] = ()
    """Flags that pin the repository's *code* apart from its weights (vLLM `--code-revision`; see
    catalog.Slot.code_pin): read only when the command may trust remote code."""
    role: str = "load"
    """`load`, or `publish` for upload/push targets (`hf upload`, `--hub_model_id`)."""
    value: str = VALUE_ID
    many: bool = False
    """The flag takes several words, up to the next option (`--lora-modules a=org/x b=org/y`)."""
    keys: tuple[tuple[str, str], ...] = ()
    """For VALUE_KEY_VALUES: (key, kind) pairs that name ids (`pretrained` → model)."""
    revision_key_in_value: str | None = None
    """For VALUE_KEY_VALUES: the key that pins the first of `keys` (`revision`)."""
    api: str | None = None
    """The references' `api`; default: the command's (`shell:vllm serve`), or `shell:<first flag>` for FLAGS."""
    trusts: bool = True
    """The command's trust flags (`--trust-remote-code`) apply to this id."""
    allow_legacy: bool = True
    """Unqualified ids (`gpt2`) count here."""
    pinnable: bool | None = None
    """None: pinnable when there are revision flags."""
    reads_local_paths: bool = True
    """The tool also takes a local directory here (`vllm serve ./m`). False for downloads (`hf download`): a
    repository path spelled like the id never makes it local (issue 12: a placeholder file cannot hide an id)."""
    aliases: tuple[tuple[str, str], ...] = ()
    """The tool's own short names for Hub repositories, (name, id): `local-gemma --model 9b` loads
    `google/gemma-2-9b-it`; an id written `org/name@revision` is that revision. Any other value is read as the value
    form says (VALUE_ALIASES: it names nothing on the Hub)."""
    default_id: str | None = None
    """The repository the tool loads when the command leaves this argument out (`local-gemma` without `--model`):
    reported at the command, unpinned."""
    skip_ids: frozenset[str] = frozenset()
    """Values that name one of the tool's built-ins, never a repository (the `datasets` builders `json`, `csv`, ...
    that read local files given by another flag)."""

    @property
    def is_pinnable(self) -> bool:
        if self.role == "publish":
            return False
        return bool(self.revision_flags) if self.pinnable is None else self.pinnable


@dataclass(frozen=True)
class CliCommand:
    """A program (and subcommand words) whose arguments name ids."""

    words: tuple[str, ...]
    """Program name (its basename, or the module of `python -m`; `*` wildcards) and the subcommand words."""
    args: tuple[CliArg, ...]
    api: str | None = None
    """Default: `shell:` + the words."""
    switches: frozenset[str] | None = None
    """When set, every option takes a value except these (vLLM); when None, options take a value only when
    listed in `value_options` (hf download). Decides which words are positional."""
    value_options: frozenset[str] = frozenset()
    list_options: frozenset[str] = frozenset()
    """Options followed by several values, up to the next option (`--include a b`)."""
    kind_option: str | None = None
    """`--repo-type`: `dataset` makes the ids datasets; `space` makes the command not a model reference."""
    source: str = "huggingface"
    hub_switches: tuple[str, ...] = ()
    """Flags or environment variables that, when true, make `source` the Hugging Face Hub (ms-swift `--use_hf`)."""
    selector_options: frozenset[str] = frozenset()
    """Options whose value picks one of the tool's built-ins (vLLM benchmarks' `--dataset-name sonnet`): never an
    id, so not read as a `FLAGS` or context flag either."""
    output_options: frozenset[str] = frozenset()
    """Options naming the directory the command writes whose name does not say so (Olive's `-o`): a later command
    of the file (or notebook) that reads that directory reads a local folder, not a Hub repository."""

    @property
    def reference_api(self) -> str:
        return self.api or "shell:" + " ".join(self.words)

    def matches(self, program: str, rest_words: list[str]) -> bool:
        if not fnmatch.fnmatchcase(program, self.words[0]):
            return False
        subcommands = self.words[1:]
        return tuple(rest_words[:len(subcommands)]) == subcommands


_HF_DOWNLOAD_VALUE_OPTIONS = frozenset({
    "--revision", "--repo-type", "--local-dir", "--cache-dir", "--token", "--max-workers", "--etag-timeout",
    "--local-dir-use-symlinks",
})
_HF_UPLOAD_VALUE_OPTIONS = frozenset({
    "--revision", "--repo-type", "--token", "--commit-message", "--commit-description", "--every", "--include",
    "--exclude", "--delete", "--num-workers",
})
_HF_DOWNLOAD = (CliArg(positional=0, revision_flags=("--revision",), reads_local_paths=False),)
_HF_UPLOAD = (CliArg(positional=0, role="publish", reads_local_paths=False),)

VLLM_SWITCHES = frozenset({
    *TRUST_FLAGS, "--enforce-eager", "--enable-prefix-caching", "--enable-chunked-prefill", "--enable-lora",
    "--disable-log-requests", "--disable-log-stats", "--enable-auto-tool-choice", "--skip-tokenizer-init",
    "--disable-custom-all-reduce", "--enable-reasoning", "--enable-sleep-mode", "--disable-frontend-multiprocessing",
    "--headless", "--api-server-count", "--enable-expert-parallel", "--no-enable-prefix-caching",
})
"""vLLM flags that take no value: the word after one may be the model (`vllm serve --enforce-eager org/m`)."""
_VLLM_ARGS = (
    CliArg(flags=("--model",), positional=0, revision_flags=("--revision",), code_revision_flags=("--code-revision",)),
    CliArg(flags=("--tokenizer",), revision_flags=("--tokenizer-revision",), api="shell:vllm serve --tokenizer",
           trusts=False),
    CliArg(flags=("--lora-modules",), value=VALUE_NAMED, many=True, api="shell:vllm serve --lora-modules",
           trusts=False, allow_legacy=False),
    CliArg(flags=("--speculative-model",), revision_flags=("--speculative-model-revision",),
           api="shell:vllm serve --speculative-model", trusts=False),
)
_VLLM_BENCH_ARGS = (
    CliArg(flags=("--model",), pinnable=False),  # not every benchmark script takes a revision flag
    CliArg(flags=("--tokenizer",), trusts=False, pinnable=False),
)
_MLX = (
    CliArg(flags=("--model", "--hf-path"), pinnable=False),
    CliArg(flags=("--upload-repo",), role="publish", api="shell:mlx_lm --upload-repo"),
)
_SWIFT_MODEL_FLAGS = ("--model", "--model_id_or_path")
_SWIFT = (
    CliArg(flags=_SWIFT_MODEL_FLAGS, revision_flags=("--model_revision",)),
    CliArg(flags=("--adapters",), value=VALUE_NAMED, many=True, allow_legacy=False, pinnable=False),
    CliArg(flags=("--ref_model", "--reward_model", "--teacher_model", "--prm_model", "--orm_model"),
           revision_flags=("--ref_model_revision", "--reward_model_revision", "--teacher_model_revision"),
           allow_legacy=False),
    CliArg(flags=("--dataset", "--val_dataset"), kind="dataset", many=True, value=VALUE_SWIFT_DATASET,
           allow_legacy=False, pinnable=False),
    CliArg(flags=("--hub_model_id",), role="publish"),
)
_SWIFT_COMMANDS = ("sft", "pt", "rlhf", "infer", "deploy", "export", "eval", "sample", "app", "web-ui", "merge-lora",
                   "rollout")
_SWIFT_MEGATRON_COMMANDS = ("sft", "pt", "rlhf", "export")

_OLIVE_ARGS = (  # olive.cli.base: add_input_model_options, add_dataset_options (no revision flag)
    CliArg(flags=("-m", "--model_name_or_path"), pinnable=False),
    CliArg(flags=("-a", "--adapter_path"), allow_legacy=False, pinnable=False, trusts=False,
           api="shell:olive --adapter_path"),
    CliArg(flags=("-d", "--data_name"), kind="dataset", pinnable=False, trusts=False, api="shell:olive --data_name",
           skip_ids=DATASETS_BUILTIN_LOADERS),
)
_OLIVE_COMMANDS = ("auto-opt", "optimize", "capture-onnx-graph", "finetune", "quantize", "generate-adapter",
                   "convert-adapters", "extract-adapters", "generate-cost-model", "benchmark", "diffusion-lora",
                   "run", "run-pass", "session-params-tuning")

_LOCAL_GEMMA_SIZES = (("2b", "google/gemma-2-2b-it"), ("9b", "google/gemma-2-9b-it"), ("27b", "google/gemma-2-27b-it"))
"""local-gemma's `MODEL_NAMES`: the `--model` sizes it maps to Gemma 2 instruct repositories."""

COMMANDS: tuple[CliCommand, ...] = (
    # huggingface_hub: `hf` / `huggingface-cli`, also `python -m huggingface_hub.commands.huggingface_cli`
    *(CliCommand((program, "download"), _HF_DOWNLOAD, api=f"shell:{shown} download",
                 value_options=_HF_DOWNLOAD_VALUE_OPTIONS, list_options=frozenset({"--include", "--exclude"}),
                 kind_option="--repo-type")
      for program, shown in (("hf", "hf"), ("huggingface-cli", "huggingface-cli"),
                             ("huggingface_hub.commands.huggingface_cli", "hf"), ("huggingface_hub.cli.hf", "hf"))),
    *(CliCommand((program, "upload"), _HF_UPLOAD, api=f"shell:{shown} upload",
                 value_options=_HF_UPLOAD_VALUE_OPTIONS, kind_option="--repo-type")
      for program, shown in (("hf", "hf"), ("huggingface-cli", "huggingface-cli"),
                             ("huggingface_hub.commands.huggingface_cli", "hf"), ("huggingface_hub.cli.hf", "hf"))),
    # vLLM: `vllm serve org/m`, the OpenAI server module (`python -m vllm.entrypoints.openai.api_server --model`)
    CliCommand(("vllm", "serve"), _VLLM_ARGS, switches=VLLM_SWITCHES),
    CliCommand(("vllm.entrypoints.*",), _VLLM_ARGS, api="shell:vllm serve", switches=VLLM_SWITCHES),
    # mlx-lm: `mlx_lm.generate --model`, `mlx_lm.convert --hf-path ... --upload-repo`, `mlx_lm generate`
    *(CliCommand((f"mlx_lm.{verb}",), _MLX) for verb in ("generate", "convert", "lora", "server", "chat", "fuse",
                                                          "evaluate", "cache_prompt", "manage", "benchmark")),
    *(CliCommand(("mlx_lm", verb), _MLX, api=f"shell:mlx_lm.{verb}") for verb in ("generate", "convert", "lora",
                                                                                    "server", "chat", "fuse")),
    CliCommand(("mlx_vlm.generate",), (CliArg(flags=("--model",), pinnable=False),)),
    # torchtune: `tune download org/m --output-dir ...` (no revision flag)
    CliCommand(("tune", "download"), (CliArg(positional=0, pinnable=False, reads_local_paths=False),),
               value_options=frozenset({"--output-dir", "--output-dir-use-symlinks", "--hf-token",
                                        "--ignore-patterns", "--source", "--kaggle-username", "--kaggle-api-key"})),
    # Ollama: `ollama pull llama3`, `ollama run hf.co/org/repo:Q4_K_M`
    *(CliCommand(("ollama", verb), (CliArg(positional=0, value=VALUE_OLLAMA, pinnable=False, reads_local_paths=False),), api="shell:ollama")
      for verb in ("pull", "run", "create", "show")),
    # local-gemma (huggingface/local-gemma): `--model` is a size of the Gemma 2 instruct model or a Hub repository,
    # 9b when left out; the words after the options are the prompt.
    *(CliCommand((program,), (CliArg(flags=("--model",), aliases=_LOCAL_GEMMA_SIZES, default_id="google/gemma-2-9b-it"),),
                 api="shell:local-gemma", value_options=frozenset({"--model", "--token", "--preset", "--mode",
                                                                   "--max_new_tokens", "--device", "--dtype", "--seed"}))
      for program in ("local-gemma", "local-gemma-2")),  # (its first releases were named local-gemma-2)
    # Coqui TTS: `tts --model_name tts_models/multilingual/multi-dataset/xtts_v2 --text ...`: a model-zoo name, Hub
    # files only for the zoo entries of COQUI_TTS_HUB_MODELS (other names are GitHub-release archives)
    CliCommand(("tts",), (CliArg(flags=("--model_name", "--vocoder_name"), value=VALUE_ALIASES, aliases=COQUI_TTS_HUB_MODELS,
                                 pinnable=False, trusts=False),), api="shell:tts"),
    # ms-swift: ModelScope ids unless `--use_hf true` / `USE_HF=1`
    *(CliCommand(("swift", verb), _SWIFT, api="shell:swift", source="modelscope",
                 hub_switches=("--use_hf", "USE_HF")) for verb in _SWIFT_COMMANDS),
    *(CliCommand(("megatron", verb), _SWIFT, api="shell:megatron", source="modelscope",
                 hub_switches=("--use_hf", "USE_HF")) for verb in _SWIFT_MEGATRON_COMMANDS),
    *(CliCommand((f"swift.cli.{verb}",), _SWIFT, api="shell:swift", source="modelscope",
                 hub_switches=("--use_hf", "USE_HF")) for verb in _SWIFT_COMMANDS),
    # OpenRLHF: `python -m openrlhf.cli.train_ppo_ray --actor.model_name_or_path org/m --data.prompt_dataset org/d`
    # (also `deepspeed --module`; older releases: `--pretrain`, `--reward_pretrain`, `--prompt_data`)
    CliCommand(("openrlhf.cli.*",), (
        CliArg(flags=("--pretrain", "--reward_pretrain", "--critic_pretrain", "--ref_pretrain", "--teacher_pretrain",
                      "--actor.model_name_or_path", "--reward.model_name_or_path", "--critic.model_name_or_path",
                      "--ref.model_name_or_path", "--model.model_name_or_path"),
               allow_legacy=False, pinnable=False),
        CliArg(flags=("--dataset", "--prompt_data", "--pretrain_data", "--eval_dataset", "--data.dataset",
                      "--data.prompt_dataset", "--data.eval_dataset", "--eval.dataset"), kind="dataset",
               allow_legacy=False, pinnable=False),
    ), api="shell:openrlhf"),
    # vLLM benchmarks (`vllm bench serve|throughput|latency`, `benchmarks/benchmark_serving.py` and its siblings): the
    # model, whose tokenizer is loaded from the Hub; `--dataset-name` picks a built-in (sharegpt, sonnet, random,
    # hf, ...), and `--dataset-path` (a Hub dataset with `hf`, else a local file) is left to the context flags.
    *(CliCommand(words, _VLLM_BENCH_ARGS, api="shell:vllm bench", selector_options=frozenset({"--dataset-name"}))
      for words in (*(("vllm", "bench", verb) for verb in ("serve", "throughput", "latency")),
                    *((f"{prefix}benchmark_{verb}{suffix}",) for verb in ("serving", "throughput", "latency")
                      for prefix, suffix in (("", ".py"), ("", ""), ("*.", ""))))),
    # FastChat: `python3 -m fastchat.serve.model_worker --model-path org/m [--revision r]` (cli, huggingface_api, ...)
    # SGLang's server: `python -m sglang.launch_server --model-path org/m [--revision r] [--tokenizer-path org/t]`
    # (DSPy's LocalProvider launches it so, with the model of `LM("openai/local:org/m")`).
    CliCommand(("sglang.launch_server",), (
        CliArg(flags=("--model-path", "--model"), revision_flags=("--revision",)),
        CliArg(flags=("--tokenizer-path",), trusts=False, pinnable=False, api="shell:sglang.launch_server --tokenizer-path"),
    ), api="shell:sglang.launch_server"),
    CliCommand(("fastchat.serve.*",), (
        CliArg(flags=("--model-path",), revision_flags=("--revision",)),
    ), api="shell:fastchat"),
    # mteb: `mteb run -m org/m [--model-revision r] -t Task ...` (also `python -m mteb run`) loads the model through
    # its registry (`ModelMeta`) or, for a name it does not list, as a SentenceTransformer from the Hub.
    CliCommand(("mteb", "run"), (
        CliArg(flags=("-m", "--model"), revision_flags=("--model-revision", "--model_revision")),
    ), list_options=frozenset({"-t", "--tasks", "-b", "--benchmarks", "--task-types", "--categories", "-l",
                               "--languages", "--eval-splits", "--eval_splits"}),
        value_options=frozenset({"-m", "--model", "--model-revision", "--model_revision", "--device",
                                 "--output-folder", "--output_folder", "-v", "--verbosity", "--batch-size",
                                 "--batch_size", "--overwrite-strategy", "--prediction-folder"})),
    # optimum: `optimum-cli export onnx|neuron|openvino|... -m org/m out/` exports a Hub model (the exporters take no
    # revision flag); `optimum-cli neuron serve -m org/m` compiles and serves it with vLLM; `optimum-cli quanto
    # quantize -m org/m --revision r out/` quantizes it.
    *(CliCommand(("optimum-cli", "export", backend), (CliArg(flags=("-m", "--model"), pinnable=False),),
                 api="shell:optimum-cli export")
      for backend in ("onnx", "neuron", "neuronx", "openvino", "tflite", "executorch", "tensorrt")),
    CliCommand(("optimum-cli", "neuron", "serve"), (CliArg(flags=("-m", "--model"), pinnable=False),)),
    CliCommand(("optimum-cli", "quanto", "quantize"), (CliArg(flags=("-m", "--model"), revision_flags=("--revision",)),)),
    # guidellm (`guidellm benchmark --target URL --model name`, before 0.2 `guidellm --target URL --model name`): the
    # served model's name, whose tokenizer it loads from the Hub unless `--processor` names another (the name is
    # reported then too: the server it benchmarks serves that repository).
    *(CliCommand(words, (CliArg(flags=("--model",), pinnable=False), CliArg(flags=("--processor",), pinnable=False)),
                 api="shell:guidellm", value_options=frozenset({"--target", "--model", "--processor", "--data",
                                                                "--data-type", "--output-path", "--rate-type"}))
      for words in (("guidellm", "benchmark"), ("guidellm",))),
    # Microsoft Olive: `olive optimize|finetune|quantize|capture-onnx-graph|... -m org/m [-a org/adapter] [-d org/d]`
    # (also `python -m olive ...`): the input model, a LoRA adapter and the training / calibration dataset are Hub
    # repositories or local paths.
    *(CliCommand(("olive", verb), _OLIVE_ARGS, api=f"shell:olive {verb}", output_options=frozenset({"-o"}))
      for verb in _OLIVE_COMMANDS),
    # verl: Hydra overrides (`key=value` words) of `python -m verl.trainer.main_ppo`
    CliCommand(("verl.*",), (
        CliArg(flags=("actor_rollout_ref.model.path", "critic.model.path", "reward_model.model.path",
                      "model.partial_pretrain", "actor_rollout_ref.model.tokenizer_path", "critic.model.tokenizer_path",
                      "reward_model.model.input_tokenizer", "+ref.model.path", "ref.model.path"),
               allow_legacy=False, pinnable=False),
    ), api="shell:verl"),
)

_HF_SCRIPT_REVISIONS = ("--model_revision", "--revision")

FLAGS: tuple[CliArg, ...] = (
    # text-generation-inference launcher (and its container's arguments)
    CliArg(flags=("--model-id",), revision_flags=("--revision",)),
    CliArg(flags=("--lora-adapters",), value=VALUE_COMMA_NAMED, api="shell:--lora-adapters", trusts=False,
           allow_legacy=False, pinnable=False),
    # Hugging Face example scripts (run_clm.py, run_glue.py, ...): HfArgumentParser dataclasses
    CliArg(flags=("--model_name_or_path",), revision_flags=_HF_SCRIPT_REVISIONS),
    CliArg(flags=("--model-name-or-path",), revision_flags=("--model-revision", "--revision")),
    CliArg(flags=("--tokenizer_name",), revision_flags=_HF_SCRIPT_REVISIONS, trusts=False),
    CliArg(flags=("--config_name",), revision_flags=_HF_SCRIPT_REVISIONS, trusts=False),
    CliArg(flags=("--dataset_name",), kind="dataset", revision_flags=("--dataset_revision",), trusts=False),
    CliArg(flags=("--dataset-name",), kind="dataset", revision_flags=("--dataset-revision",), trusts=False),
    # no revision flag is known for these: pinnable, but a fix is by hand (the script may not take one)
    CliArg(flags=("--teacher_model_name_or_path", "--teacher_model", "--teacher_model_id"), pinnable=True),
    CliArg(flags=("--reward_model_name_or_path",), pinnable=True),
    CliArg(flags=("--hub_model_id", "--push_to_hub_model_id", "--hub-model-id"), role="publish"),
    # optimum-habana's example scripts (GaudiTrainingArguments): the Hub repository whose `gaudi_config.json` the
    # Gaudi trainer reads (`GaudiConfig.from_pretrained(name)`, no revision passed: not pinnable)
    CliArg(flags=("--gaudi_config_name",), allow_legacy=False, pinnable=False, trusts=False),
    CliArg(flags=("--dataset_mixer_list",), kind="dataset", value=VALUE_WEIGHTED, many=True, allow_legacy=False,
           pinnable=True, trusts=False),
    # lm-evaluation-harness: `--model hf --model_args pretrained=org/m,revision=...,peft=org/a,tokenizer=org/t`
    CliArg(flags=("--model_args",), value=VALUE_KEY_VALUES,
           keys=(("pretrained", "model"), ("peft", "model"), ("tokenizer", "model"), ("delta", "model"),
                 ("model", "model")),
           revision_key_in_value="revision", api="shell:--model_args", pinnable=True),
    # LeRobot (draccus dotted flags)
    CliArg(flags=("--dataset.repo_id",), kind="dataset", revision_flags=("--dataset.revision",), allow_legacy=False,
           trusts=False),
    CliArg(flags=("--policy.path", "--policy.pretrained_path"), allow_legacy=False, pinnable=False, trusts=False),
    CliArg(flags=("--policy.repo_id",), role="publish", allow_legacy=False),
    # llama.cpp (`llama-server`, `llama-cli`, and its server image's arguments): `-hf org/repo[:quant]` downloads a
    # GGUF from the Hub; draft and vocoder models likewise. No revision flag.
    CliArg(flags=("-hf", "-hfr", "--hf-repo", "-hfd", "-hfrd", "--hf-repo-draft", "-hfv", "-hfrv", "--hf-repo-v"),
           value=VALUE_QUANT_TAG, allow_legacy=False, pinnable=False, trusts=False, reads_local_paths=False,
           api="shell:llama.cpp -hf"),
)

WORKFLOW_SCRIPT_INPUTS: tuple[tuple[str, str], ...] = (
    # PyTorch's reusable CI jobs (torchtitan, torchtune, torchao, ...): `uses: pytorch/test-infra/.github/workflows/
    # linux_job_v2.yml@main` with `script: |` run in the job's container
    ("pytorch/test-infra/.github/workflows/*_job*.yml", "script"),
    ("nick-fields/retry", "command"),  # retries a shell command
    ("addnab/docker-run-action", "run"),  # runs a script in a container
    ("appleboy/ssh-action", "script"),  # runs a script on a remote host
)
"""GitHub Actions and reusable workflows (the `uses:` value without its `@ref`, fnmatch pattern) whose `with:` input
holds a shell script, read as a `run:` step is."""


def workflow_script_input(uses: str) -> str | None:
    """The `with:` input of `uses` (an action or reusable workflow) that holds a shell script, if any."""
    target = uses.partition("@")[0].strip()
    for pattern, name in WORKFLOW_SCRIPT_INPUTS:
        if fnmatch.fnmatchcase(target, pattern):
            return name
    return None


PUSH_SWITCHES = frozenset({"--push_to_hub", "--push-to-hub"})
"""Flags that make a script push what it trains, merges or converts (bare, or `true`/`True`/`1`)."""
PUSH_REPOSITORY_FLAGS = ("--repository_id", "--repo_id", "--repo_name", "--repository-id", "--repo-id",
                         "--repo-name")
"""Flags that name the repository a script pushes to when a `PUSH_SWITCHES` flag is on the same command line
(`merge_adapter_weights.py --push_to_hub True --repository_id my-model-merged`, SageMaker-style training scripts):
a publish target, in the user's namespace when it has no organisation. Without a push switch they say nothing."""

_COMMANDS_BY_PROGRAM: dict[str, list[CliCommand]] = {}
_WILDCARD_COMMANDS: list[CliCommand] = []
for _command in COMMANDS:
    if "*" in _command.words[0]:
        _WILDCARD_COMMANDS.append(_command)
    else:
        _COMMANDS_BY_PROGRAM.setdefault(_command.words[0], []).append(_command)

FLAG_ROWS: dict[str, CliArg] = {flag: row for row in FLAGS for flag in row.flags}
"""Every flag of `FLAGS`, to its row."""


def command_for(program: str, rest_words: list[str]) -> CliCommand | None:
    """The row for a program (basename or `python -m` module) and the words after it, if any."""
    for command in _COMMANDS_BY_PROGRAM.get(program, ()):
        if command.matches(program, rest_words):
            return command
    if "." in program:
        for command in _WILDCARD_COMMANDS:
            if command.matches(program, rest_words):
                return command
    return None


REQUEST_BODY_FLAGS = frozenset({"-d", "--data", "--data-raw", "--data-binary", "--json"})
"""curl flags whose value is the request body (`curl .../generate -d '{"inputs": ..., "parameters": {...}}'`)."""
REQUEST_BODY_ID_KEYS: dict[str, str] = {
    "adapter_id": "model",  # text-generation-inference: the LoRA adapter a request is served with (no revision)
}
"""Keys of a JSON request body (at any depth) that name a Hub repository the server loads, and its kind."""

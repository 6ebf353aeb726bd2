"""How an id string passed to a catalog API is read: the registry reference(s) it names (`hf-hub:org/m@rev`,
`hf://datasets/org/d`, a Hub URL, a Kaggle handle, an MLflow URI, lm-eval `model_args`), and what pins it.

Shared by the AST finder (python_finder) and the text scan for Python that does not parse (python_fallback).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gate.discover import catalog, mlflow_uris
from gate.discover.catalog import ApiSpec
from gate.discover.catalog.context import (
    LOCAL_DIRECTORY_HEADS,
    SENTINEL_WORDS,
    has_file_extension,
    is_placeholder,
    routed_hub_id,
)
from gate.discover.hubids import (
    HubLocation,
    LookAlike,
    inference_url_id,
    is_local_path,
    is_pinned,
    look_alike,
    looks_like_hub_id,
    parse_hf_path,
)
from gate.discover.url_finder import hub_url_through_gateway, locate_hub_url

_REVISION_PINNED_BY_NUMBER = frozenset({"mlflow", "kaggle"})
_REPOSITORY_URL = re.compile(r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?:(datasets|models)/)?"
                             r"([\w.-]+/[\w-]+(?:\.[\w-]+)*?)(?:\.git)?/?")
"""A repository's own page (no file, no revision), given where an id goes: the repository at the revision the
call's keywords say (`Repository(clone_from=...)` clones it). Elsewhere such a URL is a link, not a load."""


@dataclass(frozen=True)
class Target:
    """What an id string names, after reading its form (`hf-hub:org/m@rev` → org/m at rev)."""

    kind: str
    source: str
    id: str
    revision: str | None = None
    revision_key: str | None = None
    """Set when the pin lives inside the id string (`@`, `:`, `url`, `uri`, `handle`). A revision without a key is
    the one a library's own name stands for (ID_ALIASES: unpinnable there)."""
    look_alike: LookAlike | None = None
    """Set when the id is written with characters that make it read like another id (homoglyphs)."""


def _hub_kind(location: HubLocation, default: str) -> str:
    return "dataset" if location.kind == "dataset" else default if default == "dataset" else "model"


def interpret_id(value: str, spec: ApiSpec, kind: str, repo_paths: frozenset[str] | None) -> list[Target]:
    """The registry reference(s) an id string passed to `spec` makes; [] when it is not one (a local path,
    a built-in loader, a timm name without `hf-hub:`)."""
    value = value.strip()
    if not value:
        return []
    form = spec.id_form
    if form == catalog.ID_ALIASES:
        alias = spec.alias_map.get(value)
        if alias is None:
            return []
        repository, _, revision = alias.partition("@")  # the revision the library's name stands for
        return [Target(kind, spec.source, repository, revision or None)]
    if form == catalog.ID_HUB_AT and "@" in value:
        name, _, revision = value.partition("@")
        return [Target(t.kind, t.source, t.id, revision or None, "@", t.look_alike)
                for t in _hub_targets(name, spec, kind, repo_paths) if t.revision_key is None]
    if form == catalog.ID_HUB_AT and not any(slot.revision_keywords for slot in spec.slots):
        # no revision keyword: a pin can only be written after `@`
        return [Target(t.kind, t.source, t.id, t.revision, t.revision_key or "@", t.look_alike)
                for t in _hub_targets(value, spec, kind, repo_paths)]
    if form in (catalog.ID_HUB, catalog.ID_HUB_AT):
        return _hub_targets(value, spec, kind, repo_paths)
    if form in (catalog.ID_HF_HUB_PREFIX, catalog.ID_TIMM_PRETRAINED):
        for prefix in ("hf-hub:", "hf_hub:"):
            if value.startswith(prefix):
                repo_id, _, revision = value[len(prefix):].partition("@")
                if looks_like_hub_id(repo_id, allow_legacy=True):
                    return [Target(kind, "huggingface", repo_id, revision or None, "@")]
        if form == catalog.ID_TIMM_PRETRAINED and value.startswith("timm/") and looks_like_hub_id(value):
            return [Target(kind, "huggingface", value, None, "@")]  # pinned as `hf-hub:timm/<name>@<sha>`
        return []
    if form == catalog.ID_PRESET:
        if value.startswith("hf://"):
            location = parse_hf_path(value)
            return [Target(kind, "huggingface", location.id, location.revision, "@")] if location else []
        if value.startswith("kaggle://"):
            return _kaggle_model(value[len("kaggle://"):], kind)
        return []  # a built-in preset name, managed by the library
    if form == catalog.ID_TORCHHUB:
        repo, _, ref = value.partition(":")
        if "/" in repo and looks_like_hub_id(repo) and not is_local_path(repo, repo_paths):
            return [Target(kind, "torchhub", repo, ref or None, ":")]
        return []
    if form == catalog.ID_MLFLOW:
        return _mlflow(value, kind)
    if form == catalog.ID_KAGGLE_MODEL:
        return _kaggle_model(value, kind)
    if form == catalog.ID_KAGGLE_DATASET:
        parts = value.split("/")
        if len(parts) == 4 and parts[2] == "versions" and parts[3].isdigit():
            return [Target(kind, "kaggle", "/".join(parts[:2]), parts[3], "handle")]
        return [Target(kind, "kaggle", value, None, "handle")] if len(parts) == 2 and all(parts) else []
    if form == catalog.ID_OLLAMA:
        if any(c.isspace() for c in value) or value.startswith(("http://", "https://")):
            return []
        if value.startswith(("hf.co/", "huggingface.co/")):  # a GGUF repository on the Hub, `:quant` picks a file
            repo = value.split("/", 1)[1].split(":", 1)[0]
            return [Target(kind, "huggingface", repo)] if looks_like_hub_id(repo) else []
        return [Target(kind, "ollama", value)]
    if form == catalog.ID_MLFLOW_NAME:  # a registered model's name; its version or alias is another argument
        return [Target(kind, "mlflow", value)] if not any(c.isspace() for c in value) else []
    if form == catalog.ID_LM_ROUTED:
        return _lm_routed(value, kind)
    if form == catalog.ID_INFERENCE_URL:
        inferred = inference_url_id(value)
        return [Target(kind, "huggingface", inferred)] if inferred else []
    if form == catalog.ID_URL:
        if value.startswith(("http://", "https://")):
            location = locate_hub_url(hub_url_through_gateway(value))
            return [Target(_hub_kind(location, kind), "url", location.id, location.revision, "url")] if location else []
        return []
    if form == catalog.ID_MODEL_ARGS:
        return model_args_targets(value, kind, repo_paths)
    if form == catalog.ID_HF_FILESYSTEM:
        location = parse_hf_path(value if value.startswith("hf://") else "hf://" + value.lstrip("/"))
        if location is None or location.kind == "space" or not looks_like_hub_id(location.id, allow_legacy=True):
            return []
        return [Target(_hub_kind(location, kind), "huggingface", location.id, location.revision, "@")]
    return []


_LM_LOCAL_PREFIXES = ("local:", "arbor:")
"""Prefixes after which an LM client's model name is a Hub repository it runs itself (`catalog.ID_LM_ROUTED`)."""


def _lm_routed(value: str, kind: str) -> list[Target]:
    """`openai/local:org/m`, `openai/arbor:org/m`, `local:org/m`, `huggingface/org/m`: the Hub id; a hosted API's model
    name (`openai/gpt-4o`, `anthropic/claude-3`) is none."""
    rest = value.partition("/")[2]
    for name in (value, rest):
        for prefix in _LM_LOCAL_PREFIXES:
            if name.startswith(prefix) and looks_like_hub_id(name[len(prefix):]):
                return [Target(kind, "huggingface", name[len(prefix):])]
    routed = routed_hub_id(value, hub_served=False)  # `huggingface/org/m`: a Hub id wherever it is served
    return [Target(kind, "huggingface", routed)] if routed is not None and looks_like_hub_id(routed) else []


_REPOSITORY_HEAD = re.compile(r"[^/@]+/[^/@]+(?:@[^/]+)?/")
"""`org/name/` or `org/name@rev/`: the repository of an `hf://` / HfFileSystem path, ended by the `/` that starts
the file path inside it."""
_HUB_URL_HEAD = re.compile(
    r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?:datasets/)?[^/]+/[^/]+/(?:resolve|blob|raw|tree)/[^/]+/")
"""A Hub file URL up to the `/` after its revision."""


def _hub_targets(value: str, spec: ApiSpec, kind: str, repo_paths: frozenset[str] | None) -> list[Target]:
    """What a string passed where the Hub id goes names: an `org/name` (or legacy) id, an `hf://` path, a Hub URL."""
    if value.startswith("hf://"):
        location = parse_hf_path(value)
        if location is None or location.kind == "space":
            return []
        return [Target(_hub_kind(location, kind), "huggingface", location.id, location.revision, "@")]
    if value.startswith(("http://", "https://")):
        location = locate_hub_url(value)
        if location is not None:
            return [Target(_hub_kind(location, kind), "url", location.id, location.revision, "url")]
        repository = _REPOSITORY_URL.fullmatch(value)  # `clone_from="https://huggingface.co/org/m"`
        if repository is None or not looks_like_hub_id(repository.group(2)):
            return []
        repository_kind = "dataset" if repository.group(1) == "datasets" else kind if kind == "dataset" \
            else "model"
        return [Target(repository_kind, "huggingface", repository.group(2))]
    if spec.aliases and "/" not in value:
        alias = spec.alias_map.get(value)
        return [Target(kind, spec.source, alias)] if alias is not None else []
    if value in spec.skip_ids or is_local_path(value, repo_paths if spec.reads_local_paths else None) \
            or is_placeholder(value) or value.lower() in SENTINEL_WORDS:
        return []
    if value in LOCAL_DIRECTORY_HEADS:
        return []  # `checkpoint_path: str = "checkpoints"`: the folder a script saves to and resumes from, no Hub id
    if has_file_extension(value):
        return []  # `from_pretrained("pytorch_model.bin")`, `tokenizers/dolma2.json`: a file (beside the script,
        # packaged or local), never a repository's name
    if looks_like_hub_id(value, allow_legacy=True):
        return [Target(kind, spec.source, value)]
    imitated = look_alike(value)
    return [Target(kind, spec.source, value, look_alike=imitated)] if imitated else []


def fixed_head(head: str, hf_filesystem: bool = False) -> str | None:
    """The beginning of a path-like id known up to the repository and its revision, completed with a file name
    (which is not read: only a file inside the repository is chosen at run time), or None when the beginning stops
    before that (`hf://{org}/...`, `hf://datasets/org/d@{rev}/...`). `f"hf://datasets/org/d/{split}.parquet"`,
    `f"https://huggingface.co/org/m/resolve/main/{name}"`, and with `hf_filesystem` the HfFileSystem form without
    `hf://` (`f"datasets/org/d/{folder}"`). A Space or a bucket is left to the caller's reading of the result."""
    if head.startswith(("http://", "https://")):
        match = _HUB_URL_HEAD.match(head)
        return match.group(0) + "file" if match else None
    if head.startswith("hf://"):
        rest = head[len("hf://"):]
    elif hf_filesystem:
        rest = head.lstrip("/")
    else:
        return None
    kind_prefix = next((p for p in ("datasets/", "models/", "spaces/", "buckets/") if rest.startswith(p)), "")
    match = _REPOSITORY_HEAD.match(rest, len(kind_prefix))
    return "hf://" + rest[:match.end()] + "file" if match else None


def head_targets(head: str, spec: ApiSpec, kind: str, repo_paths: frozenset[str] | None) -> list[Target]:
    """The reference a path-like id passed to `spec` makes when only its beginning is known
    (`fs.ls(f"datasets/org/d/{folder}")`): see `fixed_head`. [] when the beginning leaves the repository open."""
    if spec.id_form not in (catalog.ID_HUB, catalog.ID_URL, catalog.ID_HF_FILESYSTEM):
        return []
    completed = fixed_head(head, hf_filesystem=spec.id_form == catalog.ID_HF_FILESYSTEM)
    if completed is None or (spec.id_form == catalog.ID_URL and not completed.startswith("http")):
        return []
    return interpret_id(completed, spec, kind, repo_paths)


def _mlflow(value: str, kind: str) -> list[Target]:
    target = mlflow_uris.parse(value)  # runs:/ too; s3:// or a local path: not a registry reference
    return [Target(kind, "mlflow", target.id, target.revision, "uri")] if target else []


def _kaggle_model(handle: str, kind: str) -> list[Target]:
    parts = handle.strip("/").split("/")
    if len(parts) == 6 and parts[4] == "versions" and parts[5].isdigit():
        return [Target(kind, "kaggle", "/".join(parts[:4]), parts[5], "handle")]
    if len(parts) == 5 and parts[4].isdigit():
        return [Target(kind, "kaggle", "/".join(parts[:4]), parts[4], "handle")]
    if 2 <= len(parts) <= 4 and all(parts):
        return [Target(kind, "kaggle", "/".join(parts), None, "handle")]
    return []


def is_pinned_for(source: str, revision: str | None) -> bool:
    """Hub and GitHub: only a full 40-hex commit. MLflow and Kaggle: a version number."""
    if source == "ollama":
        return False
    if source == "mlflow":
        return mlflow_uris.is_pinned(revision)
    if source in _REVISION_PINNED_BY_NUMBER:
        return revision is not None and revision.isdigit()
    return is_pinned(revision)


_MODEL_ARGS_IDS = {"pretrained": "model", "tokenizer": "model", "peft": "model", "delta": "model"}


def model_args_targets(value: str, kind: str, repo_paths: frozenset[str] | None) -> list[Target]:
    """lm-eval `model_args`: `pretrained=org/m,revision=abc,tokenizer=org/t,peft=org/adapter`."""
    entries = dict(part.split("=", 1) for part in value.split(",") if "=" in part)
    entries = {key.strip(): item.strip() for key, item in entries.items()}
    targets: list[Target] = []
    for key in _MODEL_ARGS_IDS:
        repo = entries.get(key)
        if not repo or is_local_path(repo, repo_paths) or not looks_like_hub_id(repo, allow_legacy=True):
            continue
        revision = entries.get("revision") if key == "pretrained" else None
        targets.append(Target(kind, "huggingface", repo, revision or None,
                              "model_args.revision" if key == "pretrained" else None))
    return targets

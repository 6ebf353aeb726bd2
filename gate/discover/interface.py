"""The discovery stage's contract: files in, `Reference`s and `ScanWarning`s out."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field, fields
from typing import Literal

Kind = Literal["model", "dataset", "artifact", "metric"]
Confidence = Literal["high", "medium"]
Role = Literal["load", "publish"]

CONFIDENCE_HIGH: Confidence = "high"
"""Found through the catalog: a known API, config key or CLI flag."""
CONFIDENCE_MEDIUM: Confidence = "medium"
"""Found through context only: a Hub-id-shaped string bound to a model-ish name or passed to a loading-ish call."""
ROLE_LOAD: Role = "load"
ROLE_PUBLISH: Role = "publish"


@dataclass(frozen=True)
class Reference:
    """One place in the repository that points at a model, a dataset or a committed model file."""

    kind: Kind
    """`model`, `dataset`, `artifact` (a model file committed to the repository), or `metric` (an `evaluate`
    metric: a Hub Space whose code runs)."""
    source: str
    """Where the thing lives: `huggingface`, `torchhub`, `url`, `local`, `ollama`, `mlflow`, `kaggle`, `modelscope`,
    `openmind`."""
    id: str | None
    """The repository id (`org/name`, or a legacy `gpt2`); `None` when it cannot be resolved statically."""
    revision: str | None
    """The revision as written (branch, tag or sha); `None` when absent."""
    pinned: bool
    """True only for an immutable revision: exactly 40 lowercase hex characters (or a registry's fixed version)."""
    pinnable: bool
    """False for APIs that cannot take a revision (InferenceClient, Ollama tags, ...)."""
    path: str
    """Repository-relative POSIX path of the file that makes the reference."""
    line: int
    """1-based line where the reference is made (the call, the config key, the command, the URL)."""
    column: int
    """1-based column of that place."""
    api: str
    """What loads it, e.g. `transformers.from_pretrained`, `config:model_name_or_path`, `shell:hf download`."""
    dynamic: bool = False
    """True when the id (or revision) is built at run time and could not be resolved."""
    expression: str | None = None
    """The source expression of an unresolved id, for people to read."""
    trust_remote_code: bool | None = False
    """True/False as written; `None` when set by a non-literal expression."""
    format: str | None = None
    """For artifacts: the format decided from the file's magic bytes (`pickle`, `safetensors`, `pytorch-zip`, ...)."""
    syntax: str = "python"
    """How the reference is written: `python`, `notebook`, `config`, `shell`, `url`, `file`. Decides how to fix it."""
    revision_key: str | None = None
    """Where a revision goes for this reference: a keyword (`revision`), a config key (`model_revision`),
    a flag (`--revision`), or `@` / `url` when the pin lives inside the id string."""
    sha256: str | None = None
    """For artifacts: the file's sha256 (hex)."""
    confidence: Confidence = "high"
    """`high`: a catalog API, config key or CLI says this is a reference; `medium`: context evidence only (a
    Hub-id-shaped string bound to a model-ish name or passed to a loading-ish call of an unknown library)."""
    role: Role = "load"
    """`load`: the code reads the repository; `publish`: it pushes or uploads to it (`push_to_hub`,
    `hub_model_id`, `create_repo`). Publish targets are listed and exported, never judged by the pin rules."""
    signature: dict | None = field(default=None, compare=False, hash=False)
    """A checked model signature (issue 6): `{verified, status, method, signer, signature_file, reason}`;
    None when no signature was required or checked. Set by the verify stage, never by discovery; in `to_json`
    only when set."""
    lineage: dict | None = field(default=None, compare=False, hash=False)
    """Where a verified model came from (issue 18): `{chain, ancestors, datasets, complete, ...}` built from Hub
    model cards by gate/verify/lineage.py; None when not verified against the Hub. In `to_json` only when set."""
    registry: str | None = None
    """MLflow references: the registry (tracking or registry URI) the file itself names (`mlflow.set_registry_uri`,
    `MLFLOW_TRACKING_URI=...` beside the command); None when it comes from the environment or the policy's
    `registries:` at verification time. In `to_json` only when set."""
    call_obstacle: str | None = field(default=None, compare=False, hash=False)
    """Why a revision written at the call the reference points at would be a guess or could clash, so that
    `model-gate pin` leaves it alone and the scan does not offer it (gate/discover/pinnability.py):
    `id-elsewhere` (the id is not written at the call: an argparse default, a parameter, an attribute; a literal or
    a same-file module constant is written there), `kwargs` (the call passes `**kwargs`, which may already carry
    the revision). None: pin can write there. Set by Python discovery; internal, not in `to_json`."""

    def to_json(self) -> dict:
        out: dict[str, object] = {
            "kind": self.kind,
            "source": self.source,
            "id": self.id,
            "revision": self.revision,
            "pinned": self.pinned,
            "pinnable": self.pinnable,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "api": self.api,
            "dynamic": self.dynamic,
            "expression": self.expression,
            "trust_remote_code": self.trust_remote_code,
            "format": self.format,
            "syntax": self.syntax,
            "revision_key": self.revision_key,
            "sha256": self.sha256,
            "confidence": self.confidence,
            "role": self.role,
        }
        if self.signature is not None:
            out["signature"] = self.signature
        if self.lineage is not None:
            out["lineage"] = self.lineage
        if self.registry is not None:
            out["registry"] = self.registry
        return out

    @classmethod
    def from_json(cls, data: dict) -> Reference:
        """A reference as `to_json` wrote it (a JSON report read back: `scan --baseline`); keys it does not know
        are ignored, missing optional ones take their defaults. KeyError/TypeError when the required ones are not
        there."""
        if not isinstance(data, dict):
            raise TypeError(f"a reference is a JSON object, not {type(data).__name__}")
        known = {f.name for f in fields(cls) if f.init and f.name != "call_obstacle"}
        return cls(**{key: value for key, value in data.items() if key in known})


CODE_REVISION_KEYS = ("code_revision", "--code-revision")
"""`Reference.revision_key`s of a second reference to the same id whose revision pins the repository's remote
*code* apart from its weights (transformers/vLLM `code_revision`); the call's main reference carries the rest."""


@dataclass(frozen=True)
class ScanWarning:
    """Something discovery could not fully read; the scan still completes."""

    path: str
    message: str

    def to_json(self) -> dict:
        return {"path": self.path, "message": self.message}


@dataclass(frozen=True)
class SourceFile:
    """A file selected for scanning."""

    path: str
    """Repository-relative POSIX path."""
    absolute: str
    """Absolute filesystem path (never outside the scanned root)."""


@dataclass(frozen=True)
class FileResult:
    """What one finder found in one file."""

    references: tuple[Reference, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()


@dataclass(frozen=True)
class Discovery:
    """The whole stage's result."""

    root: str
    references: tuple[Reference, ...]
    warnings: tuple[ScanWarning, ...]
    files_scanned: int = 0


SCAN_FAILED_API = "model-gate:scan-failed"
"""The `api` of the dynamic reference a file gets when a finder fails on it (`scan_failed_reference`)."""


def scan_failed_reference(path: str, problem: str) -> Reference:
    """A file a finder failed on holds unknown references, not none: one dynamic reference at its first line, which
    `dynamic-reference` judges as an error (the gate fails closed on its own faults), so the report says where and
    why."""
    return Reference(kind="model", source="huggingface", id=None, revision=None, pinned=False, pinnable=False,
                     path=path, line=1, column=1, api=SCAN_FAILED_API, dynamic=True, expression=problem,
                     syntax=file_syntax(path))


class Finder(abc.ABC):
    """Finds references in one kind of file. Concrete finders sit beside this module, one per file."""

    @abc.abstractmethod
    def accepts(self, path: str) -> bool:
        """True if this finder reads files with this repository-relative path."""

    @abc.abstractmethod
    def scan(self, file: SourceFile, text: str, repo_paths: frozenset[str] | None) -> FileResult:
        """Find references in `text` (the file's decoded content).

        `repo_paths` is the set of repository-relative paths (for telling local paths from Hub ids),
        or None when unknown.
        """


def file_name(path: str) -> str:
    """`PurePosixPath(path).name`, without building a path object: `accepts` runs for every file of the tree."""
    name = path.rsplit("/", 1)[-1]
    if name in ("", "."):  # `dir/`, `dir/.`: spellings the walk never produces; pathlib knows what they mean
        from pathlib import PurePosixPath

        return PurePosixPath(path).name
    return name


def file_suffix(path: str) -> str:
    """`PurePosixPath(path).suffix`: the last `.ext` of the name (`""` for `.bashrc`, `Makefile`, `name.`)."""
    name = file_name(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


_SUFFIX_SYNTAX = {".py": "python", ".ipynb": "notebook", ".yaml": "config", ".yml": "config", ".json": "config",
                  ".toml": "config", ".sh": "shell", ".bash": "shell"}


def file_syntax(path: str) -> str:
    """How a file's references are written, from its name alone (`syntax` of a reference that has no call to say
    it): Python, notebook, config, shell; `file` for anything else."""
    name = file_name(path)
    if name.startswith(("Dockerfile", "Makefile")) or name.endswith(".dockerfile"):
        return "shell"
    return _SUFFIX_SYNTAX.get(file_suffix(path).lower(), "file")

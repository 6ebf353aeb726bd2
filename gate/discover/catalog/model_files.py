"""Model-file names: the one table of suffixes that name a model file, as data.

Every stage reads its view from here: discovery (which committed files are model files by name), the pickle
scan (which names are worth opening when no content says otherwise, e.g. Hub files), the policy's format
rules (what a Git LFS pointer is judged as, since the checkout has no content) and the Hub checks (which
files at a revision are pickle-based weights). Content still decides where there is content: a `.bin` that
holds safetensors is safetensors; these names only decide what is looked at, and what a name claims.

Adding a suffix is one row here plus its line in tests/discover/test_model_file_suffixes.py.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelSuffix:
    suffix: str
    """Lowercase, with the dot (`.pt`)."""
    claims: str
    """The format a file of this name claims to be (a discovery format name, or `pickle` for the pickle
    family): what a Git LFS pointer of this name is judged as."""
    may_hold_pickles: bool
    """A file of this name can carry a pickle (directly, in an archive, or as an object array)."""
    by_name: bool = True
    """A committed file of this name is reported as a model file whatever its bytes. False for names too
    generic to claim that (`.dat`): such a file is reported when its bytes are a model file."""


MODEL_SUFFIXES: tuple[ModelSuffix, ...] = (
    ModelSuffix(".pt", "pickle", True),
    ModelSuffix(".pth", "pickle", True),
    ModelSuffix(".bin", "pickle", True),
    ModelSuffix(".ckpt", "pickle", True),
    ModelSuffix(".pkl", "pickle", True),
    ModelSuffix(".pickle", "pickle", True),
    ModelSuffix(".joblib", "joblib", True),
    ModelSuffix(".mar", "pickle", True),  # TorchServe model archive: a zip around a torch.save file
    ModelSuffix(".dat", "pickle", True, by_name=False),  # `torch.load("weights.dat")`; also every kind of data
    ModelSuffix(".npy", "numpy", True),  # an object array is a pickle
    ModelSuffix(".npz", "npz", True),
    ModelSuffix(".h5", "hdf5", False),
    ModelSuffix(".hdf5", "hdf5", False),
    ModelSuffix(".keras", "keras-zip", False),
    ModelSuffix(".onnx", "onnx", False),
    ModelSuffix(".gguf", "gguf", False),
    ModelSuffix(".safetensors", "safetensors", False),
    ModelSuffix(".pb", "protobuf", False),
)

MODEL_FILE_SUFFIXES = frozenset(row.suffix for row in MODEL_SUFFIXES if row.by_name)
"""Names discovery reports as committed model files whatever their bytes."""
PICKLE_SUFFIXES = frozenset(row.suffix for row in MODEL_SUFFIXES if row.may_hold_pickles)
"""Names worth opening for pickles when no content-derived format says otherwise."""
PICKLE_BASED_SUFFIXES = frozenset(row.suffix for row in MODEL_SUFFIXES if row.claims in ("pickle", "joblib"))
"""Names that claim a pickle-based format: at a Hub revision, these are weights that run code when loaded."""
CLAIMED_FORMATS = {row.suffix: row.claims for row in MODEL_SUFFIXES}
"""Suffix -> the format its name claims."""
UNKNOWN_SUFFIX_CLAIMS = "pickle"
"""What a name outside the table is judged as where only the name is known: fail closed."""


def suffix_of(path: str) -> str:
    """The lowercase last `.ext` of the file name (`""` when there is none)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def claimed_format(path: str) -> str:
    """The format a file's name claims (for a Git LFS pointer: what its content is judged as)."""
    return CLAIMED_FORMATS.get(suffix_of(path), UNKNOWN_SUFFIX_CLAIMS)


def named_like_model_file(path: str) -> bool:
    return suffix_of(path) in MODEL_FILE_SUFFIXES


def may_hold_pickles_by_name(path: str) -> bool:
    return suffix_of(path) in PICKLE_SUFFIXES


def pickle_based_by_name(path: str) -> bool:
    return suffix_of(path) in PICKLE_BASED_SUFFIXES

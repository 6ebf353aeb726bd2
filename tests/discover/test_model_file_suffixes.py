"""One table of model-file names (gate/discover/catalog/model_files.py), read by every stage that judges a name.

Issue 13 §1: two copies of the suffix lists differed, and a committed `.hdf5` model was not reported while `.h5`
was. Every suffix in the table is exercised here, through the real scan.
"""

from __future__ import annotations

import contextlib
import io
import json
import pickle
from pathlib import Path

import pytest

from gate.discover.catalog import model_files
from gate.discover.catalog.model_files import MODEL_SUFFIXES, ModelSuffix
from gate.discover.engine import discover

LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"c" * 64 + b"\nsize 1234\n"
BY_NAME = [row for row in MODEL_SUFFIXES if row.by_name]


def _scan_json(repo: Path) -> dict:
    from gate.cli import main

    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        main(["scan", str(repo), "--format", "json", "--jobs", "1", "--no-cache"])
    return json.loads(stdout.getvalue())


def test_the_table_lists_each_suffix_once_lowercase_with_its_dot():
    suffixes = [row.suffix for row in MODEL_SUFFIXES]
    assert len(suffixes) == len(set(suffixes))
    assert all(s.startswith(".") and s == s.lower() for s in suffixes)
    assert {".h5", ".hdf5", ".keras", ".pt", ".safetensors", ".dat", ".mar"} <= set(suffixes)


def test_every_stage_reads_the_one_table():
    from gate.discover import artifact_finder, url_finder
    from gate.policy.rules import unsafe_artifact_format, unsafe_format_at_revision
    from gate.verify import pickles

    assert artifact_finder.ARTIFACT_SUFFIXES is model_files.MODEL_FILE_SUFFIXES
    assert pickles.PICKLE_SUFFIXES is model_files.PICKLE_SUFFIXES
    assert set(unsafe_format_at_revision.PICKLE_SUFFIXES) == model_files.PICKLE_BASED_SUFFIXES
    assert unsafe_artifact_format.LFS_SUFFIX_FORMATS is model_files.CLAIMED_FORMATS
    assert model_files.MODEL_FILE_SUFFIXES <= url_finder.BINARY_SUFFIXES  # never read as text for URLs


@pytest.mark.parametrize("row", BY_NAME, ids=[row.suffix for row in BY_NAME])
def test_a_committed_file_named_like_a_model_is_reported_whatever_its_bytes(tmp_path, row: ModelSuffix):
    name = f"weights/model{row.suffix.upper() if row.suffix == '.hdf5' else row.suffix}"
    (tmp_path / "weights").mkdir()
    (tmp_path / name).write_bytes(b"opaque bytes that are no known format \x00\x01\x02")
    discovery = discover(str(tmp_path), jobs=1)
    assert [(r.kind, r.path, r.api) for r in discovery.references] == [("artifact", name, "file")]


def test_a_committed_hdf5_model_is_reported_like_an_h5_one(tmp_path):
    h5py = pytest.importorskip("h5py")
    for name in ("a.h5", "b.hdf5"):
        with h5py.File(tmp_path / name, "w") as handle:
            handle.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"layers": []}})
    discovery = discover(str(tmp_path), jobs=1)
    assert sorted((r.path, r.format) for r in discovery.references) == [("a.h5", "hdf5"), ("b.hdf5", "hdf5")]


def test_a_name_too_generic_to_claim_a_model_is_reported_only_when_its_bytes_are_one(tmp_path):
    generic = [row.suffix for row in MODEL_SUFFIXES if not row.by_name]
    assert generic == [".dat"]
    (tmp_path / "table.dat").write_text("1 2 3\n4 5 6\n")
    (tmp_path / "weights.dat").write_bytes(pickle.dumps({"w": [1.0]}, protocol=2))
    discovery = discover(str(tmp_path), jobs=1)
    assert [(r.path, r.format) for r in discovery.references] == [("weights.dat", "pickle")]


@pytest.mark.parametrize("row", BY_NAME, ids=[row.suffix for row in BY_NAME])
def test_a_git_lfs_pointer_is_judged_by_what_its_name_claims(tmp_path, row: ModelSuffix):
    (tmp_path / f"model{row.suffix}").write_bytes(LFS_POINTER)
    report = _scan_json(tmp_path)
    assert [(r["path"], r["format"]) for r in report["references"]] == [(f"model{row.suffix}", "git-lfs-pointer")]
    rules = [(f["rule"], f["severity"]) for f in report["findings"]]
    # The built-in policy denies the pickle family: exactly the names that claim a pickle-based format fail.
    pickle_based = row.claims in ("pickle", "joblib")
    assert rules == ([("unsafe-artifact-format", "error")] if pickle_based else [])
    if pickle_based:
        assert f"'{row.claims}' file by its suffix" in report["findings"][0]["message"]


def test_a_pointer_under_a_name_outside_the_table_fails_closed_as_a_pickle():
    assert model_files.claimed_format("weights/blob") == "pickle"
    assert model_files.claimed_format("weights/model.unknownext") == "pickle"
    assert model_files.claimed_format("weights/MODEL.HDF5") == "hdf5"


def test_hub_files_claiming_pickle_weights_come_from_the_table():
    assert model_files.PICKLE_BASED_SUFFIXES == {".pt", ".pth", ".bin", ".ckpt", ".pkl", ".pickle", ".joblib", ".mar",
                                                 ".dat"}
    assert model_files.PICKLE_SUFFIXES == model_files.PICKLE_BASED_SUFFIXES | {".npy", ".npz"}

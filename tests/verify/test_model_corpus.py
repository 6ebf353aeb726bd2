"""bench/model_files.py's labelled corpus as a test: every generated attack flagged, every real library file clean.

The malicious half needs no library and runs in the default suite. The benign half is written by the real
libraries: numpy/joblib/scikit-learn files when installed, torch (state_dicts, whole models, checkpoints,
sparse/quantized/nested tensors, TorchScript, the legacy format) only in the `slow` run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench():
    spec = importlib.util.spec_from_file_location("bench_model_files", ROOT / "bench" / "model_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def flagged(corpus: Path) -> dict[str, set[str]]:
    return bench().model_gate(corpus)[0]


def test_every_generated_attack_is_flagged_as_an_error(tmp_path):
    module = bench()
    (tmp_path / "malicious").mkdir()
    module.malicious_corpus(tmp_path / "malicious")
    files = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert len(files) >= 55
    assert files - module.model_gate(tmp_path)[0]["error"] == set()


def test_numpy_and_joblib_files_are_clean(tmp_path):
    pytest.importorskip("numpy")
    module = bench()
    module._numpy_files(tmp_path)
    joblib = pytest.importorskip("joblib")
    import numpy as np

    for compress in (0, 3, ("gzip", 3), ("bz2", 3), ("lzma", 3), ("xz", 3)):
        tag = compress[0] if isinstance(compress, tuple) else str(compress)
        joblib.dump({"w": np.ones((8, 3), dtype=np.float32), "ids": np.arange(5), "names": np.array(["a", "bc"]),
                     "objects": np.array([{"k": 1}, None], dtype=object), "fortran": np.asfortranarray(np.ones((2, 3)))},
                    tmp_path / f"arrays.{tag}.joblib", compress=compress)
    assert len(list(tmp_path.iterdir())) == 11
    assert module.model_gate(tmp_path)[0]["any"] == set()


@pytest.mark.slow
def test_scikit_learn_estimators_and_pipelines_are_clean(tmp_path):
    pytest.importorskip("sklearn")
    module = bench()
    module._sklearn_files(tmp_path)
    assert module.model_gate(tmp_path)[0]["any"] == set()


@pytest.mark.slow
def test_torch_checkpoints_of_every_kind_are_clean(tmp_path):
    pytest.importorskip("torch")
    module = bench()
    module._torch_files(tmp_path)
    assert len(list(tmp_path.iterdir())) == 16
    assert module.model_gate(tmp_path)[0]["any"] == set()


@pytest.mark.slow
def test_onnx_h5_and_safetensors_files_are_clean(tmp_path):
    module = bench()
    for build, package in ((module._onnx_files, "onnx"), (module._h5_files, "h5py"),
                           (module._safetensors_files, "safetensors")):
        if importlib.util.find_spec(package):
            build(tmp_path)
    assert module.model_gate(tmp_path)[0]["any"] == set()

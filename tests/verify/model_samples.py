"""Model files of every container form, benign and malicious, written byte by byte at test time.

Nothing here is ever unpickled or loaded. The malicious pickles are real payloads (they would run `id` or
`touch` if loaded); the benign ones are what the libraries write, assembled by hand so that the default
suite needs no torch, keras, TensorFlow or onnx.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import tarfile
import zipfile

from tests.verify import pickle_samples as samples


class RunsShell:
    def __init__(self, command: str = "id"):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


def evil(protocol: int = 2, command: str = "id") -> bytes:
    return pickle.dumps(RunsShell(command), protocol=protocol)


def protocol0_system(command: str = "id") -> bytes:
    """`os.system(command)` in protocol 0 text opcodes: GLOBAL, MARK, STRING, TUPLE, REDUCE, STOP."""
    return b"cos\nsystem\n(S'" + command.encode() + b"'\ntR."


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_bytes(members: dict[str, bytes], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def torch_zip(data_pkl: bytes, prefix: str = "archive") -> bytes:
    return zip_bytes({f"{prefix}/data.pkl": data_pkl, f"{prefix}/data/0": b"\x80\x02garbage storage bytes",
                      f"{prefix}/version": b"3\n"})


def benign_state_dict() -> bytes:
    return samples.state_dict_pickle({"w": 4, "b": 2})


def safetensors_bytes(header_length: int | None = None) -> bytes:
    header = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()
    header += b" " * ((header_length - len(header)) if header_length else -len(header) % 8)
    return struct.pack("<Q", len(header)) + header + struct.pack("<f", 1.0)


# --- protobuf (ONNX, TensorFlow) written with the wire format ----------------------------------------------


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, payload: bytes | str | int) -> bytes:
    if isinstance(payload, int):
        return varint(number << 3) + varint(payload)
    data = payload.encode() if isinstance(payload, str) else payload
    return varint(number << 3 | 2) + varint(len(data)) + data


def onnx_model(*, domain: str = "", location: str | None = None) -> bytes:
    node = field(1, "x") + field(2, "y") + field(3, "n0") + field(4, "Relu") + field(7, domain)
    tensor = field(8, "weight") + field(9, b"\0" * 16)
    if location is not None:
        tensor = field(8, "weight") + field(13, field(1, "location") + field(2, location)) + field(14, 1)
    graph = field(1, node) + field(2, "g") + field(5, tensor)
    opset = field(8, field(1, domain) + field(2, 1)) if domain else b""
    return field(1, 8) + field(2, "pytorch") + field(7, graph) + field(8, field(2, 17)) + opset


def saved_model(op: str) -> bytes:
    def node(name: str, op_name: str) -> bytes:
        return field(1, name) + field(2, op_name)

    graph = field(1, node("x", "Placeholder")) + field(1, node("call", op)) + field(1, node("y", "Identity"))
    function = field(1, field(1, field(1, "f")) + field(3, node("inner", "AddV2")))
    meta = field(2, graph + field(2, function))
    return field(1, 1) + field(2, meta)


# --- GGUF and HDF5 -----------------------------------------------------------------------------------------


def gguf_with_template(template: str) -> bytes:
    def string(text: str) -> bytes:
        data = text.encode()
        return struct.pack("<Q", len(data)) + data

    kvs = [
        string("general.architecture") + struct.pack("<I", 8) + string("llama"),
        string("llama.context_length") + struct.pack("<I", 4) + struct.pack("<I", 4096),
        string("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2) + string("a") + string("b"),
        string("tokenizer.chat_template") + struct.pack("<I", 8) + string(template),
    ]
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + b"".join(kvs)


def keras_config(with_lambda: bool) -> dict:
    layers = [{"class_name": "InputLayer", "config": {"name": "input"}},
              {"class_name": "Dense", "config": {"name": "dense", "units": 2}}]
    if with_lambda:
        layers.append({"class_name": "Lambda", "config": {
            "name": "exfiltrate", "function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAA"}}}})
    return {"class_name": "Functional", "config": {"name": "model", "layers": layers}}


def keras_zip(with_lambda: bool) -> bytes:
    return zip_bytes({"metadata.json": b'{"keras_version": "3.8.0"}',
                      "config.json": json.dumps(keras_config(with_lambda)).encode(),
                      "model.weights.h5": b"\x89HDF\r\n\x1a\n" + b"\0" * 64})


def hdf5_with_config_text(with_lambda: bool) -> bytes:
    """An HDF5 superblock followed by the attribute text as HDF5 stores it (uncompressed)."""
    config = json.dumps({"class_name": "Sequential", "config": {"layers": keras_config(with_lambda)["config"]
                                                                ["layers"]}})
    return b"\x89HDF\r\n\x1a\n" + b"\0" * 120 + b"model_config\0" + config.encode() + b"\0" * 64

"""Code in model files that are not pickles: Keras Lambda layers, TensorFlow PyFunc ops, ONNX custom ops and
external data outside the model, GGUF chat templates that reach past Jinja. Read statically, never loaded.

- Keras `.keras` (a zip with `config.json`) and HDF5 `.h5/.hdf5` (the `model_config` attribute): the layer
  config is JSON; a `Lambda` layer holds marshalled Python bytecode that runs when the model is built. HDF5 is
  read with h5py when it is installed, else the attribute's JSON is found by a streamed byte search (HDF5
  attributes are stored uncompressed). keras is never imported.
- TensorFlow `saved_model.pb` and ONNX: protobuf, read with a streaming wire-format reader (no TensorFlow,
  no onnx package): only the fields that name ops, domains and external-data locations are decoded; tensor
  payloads are skipped by seeking, so memory stays flat in file size.
- GGUF: the header's key/value metadata, for `tokenizer.chat_template*`.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, Any

from gate.verify.content_interface import ModelCode

PYFUNC_OPS = frozenset({"PyFunc", "PyFuncStateless", "EagerPyFunc"})
FILE_AND_NETWORK_OPS = frozenset({
    "ReadFile", "WriteFile", "MatchingFiles", "Save", "SaveV2", "SaveSlices", "MergeV2Checkpoints",
    "DeleteFile", "ImmutableConst", "PrintV2", "WholeFileReader", "WholeFileReaderV2", "FixedLengthRecordDataset",
    "TFRecordDataset", "TextLineDataset", "ExperimentalSql", "SqlDataset", "Copy", "DebugIdentity",
    "DebugIdentityV2", "DebugNumericSummary", "SummaryWriter", "CreateSummaryFileWriter",
})
"""File-system and network ops: legitimate in some input pipelines, so reported as warnings."""
STANDARD_ONNX_DOMAINS = frozenset({
    "", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "com.microsoft",
    "com.microsoft.nchwc", "com.microsoft.experimental", "com.ms.internal.nhwc",
})
"""Operator domains the ONNX standard and ONNX Runtime define; any other needs a custom-op library at load."""

_MAX_JSON = 64 << 20
_LAMBDA = re.compile(rb'"class_name"\s*:\s*"Lambda"')


def scan_model_code(path: str, display: str, fmt: str | None) -> list[ModelCode]:
    """What `fmt` (discovery's format) can carry as code; [] for formats that cannot."""
    try:
        if fmt in ("protobuf", "onnx", "unknown") and PurePosixPath(display).suffix == ".pb":
            return _saved_model(path, display)  # a SavedModel starts like an ONNX ModelProto; the name decides
        if fmt == "keras-zip":
            return _keras_zip(path, display)
        if fmt == "hdf5":
            return _hdf5(path, display)
        if fmt == "onnx":
            return _onnx(path, display)
        if fmt == "gguf":
            return _gguf(path, display)
    except Exception as exc:  # noqa: BLE001 - a damaged file fails closed with the reason, never crashes the gate
        return [ModelCode(display, None, "unreadable",
                          f"{display} could not be read to look for code ({type(exc).__name__}: {exc})")]
    return []


# --- Keras -----------------------------------------------------------------------------------------------


def lambda_layers(config: object, where: str = "") -> list[tuple[str, str]]:
    """(layer path, what the Lambda holds) for every Lambda layer in a Keras config, nested models included."""
    found: list[tuple[str, str]] = []
    if isinstance(config, dict):
        if config.get("class_name") == "Lambda":
            layer = config.get("config") or {}
            name = layer.get("name", "?") if isinstance(layer, dict) else "?"
            function = layer.get("function") if isinstance(layer, dict) else None
            what = "marshalled Python bytecode"
            if isinstance(function, dict) and function.get("class_name") != "__lambda__":
                what = f"a reference to {function.get('config', {}).get('module', '?')}." \
                       f"{function.get('config', {}).get('function_name', function.get('class_name'))}" \
                    if isinstance(function.get("config"), dict) else "a function reference"
            elif isinstance(function, str | list):
                what = "marshalled Python bytecode" if isinstance(function, list) else f"the function `{function}`"
            found.append((f"{where}/{name}".lstrip("/"), what))
        for key, value in config.items():
            if key != "function":
                found += lambda_layers(value, where)
    elif isinstance(config, list):
        for item in config:
            found += lambda_layers(item, where)
    return found


def _lambda_findings(config: object, display: str, member: str | None) -> list[ModelCode]:
    return [ModelCode(display, f"{member}:{layer}" if member else layer, "keras-lambda",
                      f"Keras Lambda layer `{layer}` in {display}{f' ({member})' if member else ''} holds {what}, "
                      "which runs when the model is loaded")
            for layer, what in lambda_layers(config)]


def _keras_zip(path: str, display: str) -> list[ModelCode]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if PurePosixPath(n).name == "config.json"]
        found: list[ModelCode] = []
        for name in names:
            info = archive.getinfo(name)
            if info.file_size > _MAX_JSON:
                found.append(ModelCode(display, name, "unreadable", f"{display} ({name}) is too large to read"))
                continue
            try:
                config = json.loads(archive.read(name))
            except (ValueError, UnicodeDecodeError):
                continue
            found += _lambda_findings(config, display, name)
        return found


def _hdf5(path: str, display: str) -> list[ModelCode]:
    try:
        import h5py
    except ImportError:
        return _hdf5_bytes(path, display)
    try:
        with h5py.File(path, "r") as handle:
            raw = handle.attrs.get("model_config")
    except (OSError, ValueError):
        return _hdf5_bytes(path, display)
    if raw is None:
        return []
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    try:
        config = json.loads(str(raw))
    except ValueError:
        return _hdf5_bytes(path, display)
    return _lambda_findings(config, display, "model_config")


def _hdf5_bytes(path: str, display: str) -> list[ModelCode]:
    """Without h5py: a Lambda layer's config text in the (uncompressed) attribute, found by a streamed search."""
    overlap = 64
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            window = tail + chunk
            for match in _LAMBDA.finditer(window):
                after = window[match.end():match.end() + 400]
                name = re.search(rb'"name"\s*:\s*"([^"]{1,200})"', after)
                layer = name.group(1).decode("utf-8", "replace") if name else "?"
                return [ModelCode(display, f"model_config:{layer}", "keras-lambda",
                                  f"Keras Lambda layer `{layer}` in {display} (model_config) holds Python code, "
                                  "which runs when the model is loaded")]
            tail = window[-overlap:]
    return []


# --- protobuf (ONNX, TensorFlow) -------------------------------------------------------------------------


class _Wire:
    """A streaming protobuf wire-format reader over a region of a seekable binary file."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    def _varint(self) -> int:
        shift = result = 0
        while True:
            byte = self.handle.read(1)
            if not byte:
                raise ValueError("truncated protobuf varint")
            result |= (byte[0] & 0x7F) << shift
            if not byte[0] & 0x80:
                return result
            shift += 7
            if shift > 70:
                raise ValueError("protobuf varint too long")

    def fields(self, start: int, end: int) -> Iterator[tuple[int, int, Any]]:
        """(field number, wire type, value) for varints, (field, 2, (offset, length)) for length-delimited.

        The value's type follows the wire type (an int, or an (offset, length) pair), which the caller checks."""
        self.handle.seek(start)
        while self.handle.tell() < end:
            tag = self._varint()
            number, wire = tag >> 3, tag & 7
            if wire == 0:
                yield number, wire, self._varint()
            elif wire == 1:
                self.handle.seek(8, 1)
            elif wire == 5:
                self.handle.seek(4, 1)
            elif wire == 2:
                length = self._varint()
                offset = self.handle.tell()
                if offset + length > end:
                    raise ValueError("protobuf field runs past its message")
                yield number, wire, (offset, length)
                self.handle.seek(offset + length)
            else:
                raise ValueError(f"protobuf wire type {wire} is not supported")

    def text(self, region: tuple[int, int], limit: int = 4096) -> str:
        offset, length = region
        position = self.handle.tell()
        self.handle.seek(offset)
        data = self.handle.read(min(length, limit))
        self.handle.seek(position)
        return data.decode("utf-8", "replace")

    def children(self, region: tuple[int, int], wanted: set[int]) -> list[tuple[int, tuple[int, int]]]:
        """Length-delimited children of a message in `wanted`, collected first (the reader seeks while walking)."""
        offset, length = region
        return [(number, value) for number, wire, value in self.fields(offset, offset + length)
                if wire == 2 and number in wanted]


def _onnx(path: str, display: str) -> list[ModelCode]:
    import os

    found: list[ModelCode] = []
    with open(path, "rb") as handle:
        wire = _Wire(handle)
        size = os.fstat(handle.fileno()).st_size
        top = wire.children((0, size), {7, 8, 25})  # graph, opset_import, functions
        for number, region in top:
            if number == 8:
                for _field, value in wire.children(region, {1}):
                    domain = wire.text(value)
                    if domain not in STANDARD_ONNX_DOMAINS:
                        found.append(ModelCode(display, f"opset_import:{domain}", "onnx-custom-op",
                                               f"{display} imports the custom operator domain `{domain}`: loading "
                                               "it needs a custom-op library, which is native code"))
            elif number in (7, 25):
                found += _onnx_graph(wire, region, display, "graph" if number == 7 else "function", depth=0)
    return _dedupe(found)


def _onnx_graph(wire: _Wire, region: tuple[int, int], display: str, where: str, depth: int) -> list[ModelCode]:
    if depth > 16:
        return []
    found: list[ModelCode] = []
    for number, value in wire.children(region, {1, 5}):  # GraphProto.node, GraphProto.initializer
        if number == 1:
            found += _onnx_node(wire, value, display, where, depth)
        elif number == 5:
            found += _onnx_tensor(wire, value, display, where)
    for _number, value in wire.children(region, {7}):  # FunctionProto.node
        found += _onnx_node(wire, value, display, where, depth)
    return found


def _onnx_node(wire: _Wire, region: tuple[int, int], display: str, where: str, depth: int) -> list[ModelCode]:
    name = op = domain = ""
    found: list[ModelCode] = []
    for number, value in wire.children(region, {3, 4, 7, 5}):
        if number == 3:
            name = wire.text(value)
        elif number == 4:
            op = wire.text(value)
        elif number == 7:
            domain = wire.text(value)
        elif number == 5:  # AttributeProto: subgraphs g=6, graphs=11
            for _sub_number, sub in wire.children(value, {6, 11}):
                found += _onnx_graph(wire, sub, display, f"{where}/{name or op}", depth + 1)
    if domain not in STANDARD_ONNX_DOMAINS:
        found.append(ModelCode(display, f"{where}/node:{name or op}", "onnx-custom-op",
                               f"{display} node `{name or op}` uses the custom operator `{domain}.{op}`, which "
                               "only runs with a custom-op library (native code) loaded"))
    return found


def _onnx_tensor(wire: _Wire, region: tuple[int, int], display: str, where: str) -> list[ModelCode]:
    name = ""
    locations: list[str] = []
    for number, value in wire.children(region, {8, 13}):
        if number == 8:
            name = wire.text(value)
        else:  # external_data: StringStringEntryProto key=1 value=2
            entry = dict((n, wire.text(v)) for n, v in wire.children(value, {1, 2}))
            if entry.get(1) == "location":
                locations.append(entry.get(2, ""))
    return [ModelCode(display, f"{where}/initializer:{name}", "onnx-external-data",
                      f"{display} tensor `{name}` reads its data from `{location}`, outside the model's directory")
            for location in locations if _escapes(location)]


def _escapes(location: str) -> bool:
    normalised = location.replace("\\", "/")
    return normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":") or \
        ".." in normalised.split("/") or normalised.startswith("~")


def _saved_model(path: str, display: str) -> list[ModelCode]:
    """SavedModel.meta_graphs(2) > MetaGraphDef.graph_def(2) > GraphDef.node(1) / library(2) > function(1) >
    FunctionDef.node_def(3); NodeDef.name(1), op(2). A bare GraphDef (frozen graph) has node(1) at the top."""
    import os

    found: list[ModelCode] = []
    with open(path, "rb") as handle:
        wire = _Wire(handle)
        size = os.fstat(handle.fileno()).st_size
        graphs = [region for _n, meta in wire.children((0, size), {2})
                  for _m, region in wire.children(meta, {2})]
        if not graphs:
            graphs = [(0, size)]
        for graph in graphs:
            nodes = [node for _n, node in wire.children(graph, {1})]
            for _n, library in wire.children(graph, {2}):
                for _f, function in wire.children(library, {1}):
                    nodes += [node for _d, node in wire.children(function, {3})]
            for node in nodes:
                fields = dict((n, wire.text(v)) for n, v in wire.children(node, {1, 2}))
                op, name = fields.get(2, ""), fields.get(1, "")
                if op in PYFUNC_OPS:
                    found.append(ModelCode(display, f"node:{name}", "tf-pyfunc",
                                           f"{display} node `{name}` is a `{op}` op: it calls Python code when the "
                                           "graph runs"))
                elif op in FILE_AND_NETWORK_OPS:
                    found.append(ModelCode(display, f"node:{name}", "tf-file-op",
                                           f"{display} node `{name}` is a `{op}` op: it reads or writes files when "
                                           "the graph runs", severity="warning"))
    return _dedupe(found)


# --- GGUF ------------------------------------------------------------------------------------------------

_GGUF_SCALARS = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_JINJA_CALLABLES = frozenset({
    "range", "dict", "lipsum", "cycler", "joiner", "namespace", "raise_exception", "strftime_now",
    # str/list/dict methods the sandboxed chat-template environments allow
    "strip", "lstrip", "rstrip", "split", "rsplit", "startswith", "endswith", "upper", "lower", "title",
    "capitalize", "replace", "items", "keys", "values", "get", "append", "count", "find", "join", "format",
    "splitlines", "index", "isdigit", "isalpha",
})
_TEMPLATE_BLOCK = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_CALL = re.compile(r"([A-Za-z_][\w]*)\s*\(")
_DUNDER = re.compile(r"__\w+__")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def template_reaches_past_jinja(template: str) -> list[str]:
    """What a chat template calls or touches beyond Jinja's built-ins (dunder attributes, unknown callables)."""
    found: list[str] = []
    for match in _TEMPLATE_BLOCK.finditer(template):
        code = match.group(1) if match.group(1) is not None else match.group(2)
        for literal in _STRING.findall(code):
            # `['\x5f\x5fglobals\x5f\x5f']`: a dunder spelled with escapes inside a subscript
            unescaped = re.sub(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})",
                               lambda m: chr(int(m.group(1) or m.group(2), 16)), literal)
            found += [f"`{d}`" for d in _DUNDER.findall(unescaped)]
        code = _STRING.sub("''", code)  # string literals are data
        if re.search(r"[\])]\s*\(", code):
            found.append("a call of a looked-up value (`x[...](`)")
        found += [f"`{d}`" for d in _DUNDER.findall(code)]
        found += [f"`{name}(`" for name in _CALL.findall(code)
                  if name not in _JINJA_CALLABLES and name not in ("if", "for", "in", "not", "and", "or", "is")]
    return list(dict.fromkeys(found))


def _gguf(path: str, display: str) -> list[ModelCode]:
    found: list[ModelCode] = []
    with open(path, "rb") as handle:
        if handle.read(4) != b"GGUF":
            return []
        (version,) = struct.unpack("<I", handle.read(4))
        if version < 2:
            return []
        _tensors, count = struct.unpack("<QQ", handle.read(16))
        for _ in range(min(count, 1 << 20)):
            key = _gguf_string(handle)
            (kind,) = struct.unpack("<I", handle.read(4))
            if kind == 8 and key.startswith("tokenizer.chat_template"):
                template = _gguf_string(handle, limit=_MAX_JSON)
                reaches = template_reaches_past_jinja(template)
                if reaches:
                    found.append(ModelCode(display, key, "gguf-template-call",
                                           f"{display} chat template `{key}` calls beyond Jinja's built-ins: "
                                           f"{', '.join(reaches[:8])}", severity="warning"))
            else:
                _gguf_skip(handle, kind)
    return found


def _gguf_string(handle: IO[bytes], limit: int = 1 << 20) -> str:
    (length,) = struct.unpack("<Q", handle.read(8))
    if length > limit:
        raise ValueError(f"GGUF string of {length} bytes")
    return handle.read(length).decode("utf-8", "replace")


def _gguf_skip(handle: IO[bytes], kind: int) -> None:
    if kind in _GGUF_SCALARS:
        handle.seek(_GGUF_SCALARS[kind], 1)
    elif kind == 8:
        (length,) = struct.unpack("<Q", handle.read(8))
        handle.seek(length, 1)
    elif kind == 9:
        item, count = struct.unpack("<IQ", handle.read(12))
        if item in _GGUF_SCALARS:
            handle.seek(_GGUF_SCALARS[item] * count, 1)
        else:
            for _ in range(count):
                _gguf_skip(handle, item)
    else:
        raise ValueError(f"GGUF value type {kind} is unknown")


def _dedupe(found: list[ModelCode]) -> list[ModelCode]:
    return list(dict.fromkeys(found))

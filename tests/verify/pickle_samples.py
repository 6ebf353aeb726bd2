"""Pickle test samples, written opcode by opcode. Nothing here is ever unpickled.

torch is not installed, so the benign state_dict is assembled by hand exactly as `torch.save` lays it out
(protocol 2, `collections.OrderedDict` of `torch._utils._rebuild_tensor_v2(...)` calls whose storages are
persistent ids `('storage', torch.FloatStorage, key, 'cpu', numel)`), inside the zip layout
`archive/data.pkl`, `archive/data/<key>`, `archive/version`.
"""

from __future__ import annotations

import struct
import zipfile

PROTO_2 = b"\x80\x02"
MARK = b"("
TUPLE = b"t"
EMPTY_TUPLE = b")"
REDUCE = b"R"
SETITEMS = b"u"
NEWFALSE = b"\x89"
BINPERSID = b"Q"
STOP = b"."


def global_(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def text(value: str) -> bytes:
    data = value.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def binbytes(data: bytes) -> bytes:
    return b"B" + struct.pack("<I", len(data)) + data


def integer(value: int) -> bytes:
    return b"J" + struct.pack("<i", value)


def call(callable_: bytes, *args: bytes) -> bytes:
    """`callable_(*args)` as GLOBAL/MARK/args/TUPLE/REDUCE."""
    return callable_ + MARK + b"".join(args) + TUPLE + REDUCE


def tensor(key: str, numel: int) -> bytes:
    storage = MARK + text("storage") + global_("torch", "FloatStorage") + text(key) + text("cpu") + integer(numel)
    return call(
        global_("torch._utils", "_rebuild_tensor_v2"),
        storage + TUPLE + BINPERSID,
        integer(0),
        MARK + integer(numel) + TUPLE,
        MARK + integer(1) + TUPLE,
        NEWFALSE,
        global_("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE,
    )


def state_dict_pickle(tensors: dict[str, int]) -> bytes:
    """The data.pkl of `torch.save({name: torch.zeros(numel)})`: an OrderedDict of rebuilt tensors."""
    items = b"".join(text(name) + tensor(str(i), numel) for i, (name, numel) in enumerate(tensors.items()))
    return PROTO_2 + global_("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + MARK + items + SETITEMS + STOP


def write_torch_zip(path, data_pkl: bytes, storages: dict[str, int], *, chunk: int = 1 << 20) -> None:
    """A PyTorch zip checkpoint; storage `key` is `storages[key]` zero bytes, written in chunks (stored)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("archive/data.pkl", data_pkl)
        archive.writestr("archive/byteorder", "little")
        for key, size in storages.items():
            with archive.open(f"archive/data/{key}", "w", force_zip64=size > 0x7FFFFFFF) as member:
                zeros = bytes(min(chunk, size))
                remaining = size
                while remaining:
                    piece = zeros[: min(chunk, remaining)]
                    member.write(piece)
                    remaining -= len(piece)
        archive.writestr("archive/version", "3\n")


def benign_torch_zip(path) -> None:
    sizes = {"encoder.weight": 16, "encoder.bias": 4}
    write_torch_zip(path, state_dict_pickle(sizes), {str(i): 4 * n for i, n in enumerate(sizes.values())})


def getattr_importlib_chain(command: str) -> bytes:
    """`getattr(importlib.import_module('os'), 'system')(command)`."""
    module = call(global_("importlib", "import_module"), text("os"))
    system = call(global_("builtins", "getattr"), module, text("system"))
    return PROTO_2 + system + MARK + text(command) + TUPLE + REDUCE + STOP

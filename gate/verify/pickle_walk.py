"""A symbolic pickle machine: which globals a pickle imports and how it uses them. Nothing is ever unpickled.

Every way a pickle can run code goes through a global it imports (`GLOBAL`, `STACK_GLOBAL`, `INST`, the
copyreg extension opcodes): a pickle without one only builds data. The walker decodes opcodes with
`pickletools` and keeps a shadow stack of what each value is (a literal, a container, an imported global,
the result of calling one), so that `STACK_GLOBAL` names resolved through the memo, the callable of every
`REDUCE`, and classes that are only instantiated (`NEWOBJ`, `copyreg._reconstructor`) are all known.

joblib writes array bytes into the middle of its pickle (after each `NumpyArrayWrapper`'s `BUILD`); the
walker reads the wrapper's shape and dtype from the state and steps over exactly those bytes, so the rest of
the stream is analysed too, as `joblib.load` would read it.
"""

from __future__ import annotations

import pickletools
import re
import warnings
from dataclasses import dataclass, field
from typing import IO

_MAX_OPCODES = 20_000_000
_MAX_STACK = 100_000  # a pickler batches items 1000 at a time; only a crafted stream keeps this many values open
_MAX_MEMO = 2_000_000
_MAX_KEPT_TEXT = 4096  # longer strings cannot be module or dtype names; only their length is kept
_IDENTIFIER = re.compile(r"[A-Za-z_][\w.]*\Z")


class WalkError(ValueError):
    """The stream is not a pickle a Python unpickler would get through (its reason, in the walker's words)."""


class ResourceLimit(WalkError):
    """The pickle grows the unpickler's stack or memo past what any real file needs (an exhaustion attempt)."""


class _Mark:
    pass


_MARK = _Mark()


@dataclass(frozen=True)
class Global:
    module: str
    name: str

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True)
class Call:
    """The value `func(*args)` (REDUCE/INST/OBJ), or an instance of `func` (NEWOBJ, `_reconstructor`)."""

    func: object
    args: object
    instantiated: bool = False


class _Opaque:
    """A value the walker does not model (a persistent id, a big blob, a buffer)."""

    def __init__(self, what: str = "value"):
        self.what = what


@dataclass
class Usage:
    """How a pickle uses one imported global."""

    called: bool = False
    """Called with arguments (REDUCE, INST, OBJ): the callable runs at load time."""
    instantiated: bool = False
    """Only instantiated as a class (NEWOBJ, copyreg._reconstructor) and given state (BUILD)."""
    string_calls_only: bool = True
    """Every call passed one string: `IntervalStrategy('steps')`, how a string enum member is pickled."""


@dataclass
class WalkResult:
    globals: dict[Global, Usage] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)
    """Imports whose name is not a literal (`STACK_GLOBAL` of a computed value, copyreg extension codes)."""
    nested: list[bytes] = field(default_factory=list)
    """Byte strings handed to a loader (`torch.storage._load_from_bytes`), to be scanned as files themselves."""
    embedded: list[bytes] = field(default_factory=list)
    """Pickles stored as data (raw, base64 or hex bytes/strings): not run by this load, but by any code that
    unpickles the field later."""
    pickles: int = 0
    """Complete pickles (up to STOP) read."""
    opcodes: int = 0


_COPYREG_CONSTRUCTORS = frozenset({
    ("copyreg", "_reconstructor"), ("copy_reg", "_reconstructor"), ("copyreg", "__newobj__"),
    ("copyreg", "__newobj_ex__"),
})
_NESTED_LOADERS = frozenset({("torch.storage", "_load_from_bytes")})
_JOBLIB_WRAPPERS = frozenset({("joblib.numpy_pickle", "NumpyArrayWrapper"),
                              ("sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper")})


class Walker:
    """Walks stacked pickles from a binary stream, collecting `WalkResult`."""

    def __init__(self, stream: IO[bytes], result: WalkResult | None = None) -> None:
        self.stream = stream
        self.result = result or WalkResult()

    # --- public -----------------------------------------------------------------------------------------

    def walk_one(self) -> bool:
        """Walk one pickle up to its STOP. False when the stream is at its end; WalkError when not a pickle."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pickletools warns about odd escapes in protocol-0 strings
            return self._walk_one()

    def _walk_one(self) -> bool:
        stack: list[object] = []
        memo: dict[object, object] = {}
        if not self.stream.read(1):
            return False
        self.stream.seek(-1, 1)
        try:
            for opcode, arg, _position in pickletools.genops(self.stream):
                self.result.opcodes += 1
                if self.result.opcodes > _MAX_OPCODES:
                    raise ResourceLimit(f"Resource limits: more than {_MAX_OPCODES} opcodes; refused to analyse further")
                if opcode.name == "STOP":
                    self.result.pickles += 1
                    return True
                self._step(opcode.name, arg, stack, memo)
                if len(stack) > _MAX_STACK or len(memo) > _MAX_MEMO:
                    raise ResourceLimit(f"Resource limits: the stack or memo grows past {len(stack):,} / "
                                        f"{len(memo):,} values (a real pickle keeps far fewer open)")
        except WalkError:
            raise
        except (ValueError, IndexError, KeyError, TypeError, UnicodeDecodeError, OverflowError) as exc:
            raise WalkError(str(exc) or type(exc).__name__) from exc
        raise WalkError("pickle ends before its STOP opcode")

    # --- the machine ------------------------------------------------------------------------------------

    def _import(self, module: object, name: object, stack: list[object]) -> None:
        if not isinstance(module, str) or not isinstance(name, str):
            self.result.unresolved.append(f"import of a computed name ({_describe(module)}, {_describe(name)})")
            stack.append(_Opaque("computed import"))
            return
        if not is_identifier_path(module) or not is_identifier_path(name):
            # An unpickler fails to import this (`) 2024 Foo` from a text file read as opcodes) and stops here.
            raise WalkError(f"import of {module!r}.{name!r}, which is not a module path")
        value = Global(module, name)
        self.result.globals.setdefault(value, Usage())
        stack.append(value)

    def _use(self, func: object, *, instantiated: bool, args: object = ()) -> None:
        if isinstance(func, Global):
            usage = self.result.globals.setdefault(func, Usage())
            if instantiated:
                usage.instantiated = True
            else:
                usage.called = True
                if not (isinstance(args, tuple) and len(args) == 1 and isinstance(args[0], str)):
                    usage.string_calls_only = False

    def _call(self, func: object, args: object, stack: list[object]) -> None:
        key = (func.module, func.name) if isinstance(func, Global) else None
        if key in _COPYREG_CONSTRUCTORS and isinstance(args, tuple) and args:
            self._use(args[0], instantiated=True)
            stack.append(Call(args[0], args[1:], instantiated=True))
            return
        self._use(func, instantiated=False, args=args)
        if key in _NESTED_LOADERS and isinstance(args, tuple) and args and isinstance(args[0], bytes):
            self.result.nested.append(args[0])
        stack.append(Call(func, args))

    def _step(self, name: str, arg: object, stack: list[object], memo: dict[object, object]) -> None:  # noqa: C901 - one branch per opcode family
        if name in _LITERALS:
            embedded = _embedded_pickle(arg)
            if embedded is not None and len(self.result.embedded) < _MAX_EMBEDDED:
                self.result.embedded.append(embedded)
            stack.append(_literal(arg))
        elif name == "MARK":
            stack.append(_MARK)
        elif name in ("EMPTY_TUPLE",):
            stack.append(())
        elif name == "EMPTY_LIST":
            stack.append([])
        elif name == "EMPTY_DICT":
            stack.append({})
        elif name == "EMPTY_SET":
            stack.append(set())
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            count = int(name[-1])
            items = _pop(stack, count)
            stack.append(tuple(items))
        elif name == "TUPLE":
            stack.append(tuple(_pop_mark(stack)))
        elif name == "LIST":
            stack.append(list(_pop_mark(stack)))
        elif name == "DICT":
            items = _pop_mark(stack)
            stack.append(_pairs({}, items))
        elif name == "FROZENSET":
            stack.append(frozenset(_hashable(i) for i in _pop_mark(stack)))
        elif name == "APPEND":
            (value,) = _pop(stack, 1)
            _top(stack)
            if isinstance(stack[-1], list):
                stack[-1].append(value)
        elif name == "APPENDS":
            items = _pop_mark(stack)
            _top(stack)
            if isinstance(stack[-1], list):
                stack[-1].extend(items)
        elif name == "SETITEM":
            key, value = _pop(stack, 2)
            _top(stack)
            if isinstance(stack[-1], dict):
                _pairs(stack[-1], [key, value])
        elif name == "SETITEMS":
            items = _pop_mark(stack)
            _top(stack)
            if isinstance(stack[-1], dict):
                _pairs(stack[-1], items)
        elif name == "ADDITEMS":
            _pop_mark(stack)
            _top(stack)
        elif name == "POP":
            if stack and stack[-1] is _MARK:
                stack.pop()  # CPython's load_pop discards a MARK too (the `(0` evasion prefix)
            else:
                _pop(stack, 1)
        elif name == "POP_MARK":
            _pop_mark(stack)
        elif name == "DUP":
            stack.append(_top(stack))
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = _top(stack)
        elif name == "MEMOIZE":
            memo[len(memo)] = _top(stack)
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            if arg not in memo:
                raise WalkError(f"memo key {arg} read before it was written")
            stack.append(memo[arg])
        elif name == "GLOBAL":
            module, _, attribute = str(arg).partition(" ")
            self._import(module, attribute, stack)
        elif name == "STACK_GLOBAL":
            module, attribute = _pop(stack, 2)
            self._import(module, attribute, stack)
        elif name == "INST":
            module, _, attribute = str(arg).partition(" ")
            args = tuple(_pop_mark(stack))
            self._import(module, attribute, stack)
            func = stack.pop()
            self._call(func, args, stack)
        elif name == "OBJ":
            items = _pop_mark(stack)
            if not items:
                raise WalkError("OBJ without a class")
            self._call(items[0], tuple(items[1:]), stack)
        elif name in ("EXT1", "EXT2", "EXT4"):
            self.result.unresolved.append(f"copyreg extension code {arg}")
            stack.append(_Opaque("extension"))
        elif name == "REDUCE":
            func, args = _pop(stack, 2)
            self._call(func, args, stack)
        elif name == "NEWOBJ":
            cls, args = _pop(stack, 2)
            self._use(cls, instantiated=True)
            stack.append(Call(cls, args, instantiated=True))
        elif name == "NEWOBJ_EX":
            cls, args, _kwargs = _pop(stack, 3)
            self._use(cls, instantiated=True)
            stack.append(Call(cls, args, instantiated=True))
        elif name == "BUILD":
            (state,) = _pop(stack, 1)
            target = _top(stack)
            if isinstance(target, Call) and isinstance(target.func, Global) and \
                    (target.func.module, target.func.name) in _JOBLIB_WRAPPERS:
                self._skip_joblib_array(state)
        elif name in ("PERSID", "BINPERSID"):
            if name == "BINPERSID":
                _pop(stack, 1)
            stack.append(_Opaque("persistent id"))
        elif name in ("NEXT_BUFFER", "READONLY_BUFFER"):
            if name == "NEXT_BUFFER":
                stack.append(_Opaque("out-of-band buffer"))
            else:
                _top(stack)
        elif name in ("PROTO", "FRAME"):
            pass
        else:
            raise WalkError(f"opcode {name} is not modelled")

    # --- joblib -----------------------------------------------------------------------------------------

    def _skip_joblib_array(self, state: object) -> None:
        """Step over the raw array bytes joblib writes after a NumpyArrayWrapper (or walk its nested pickle)."""
        if not isinstance(state, dict):
            raise WalkError("joblib NumpyArrayWrapper without a readable state")
        dtype = state.get("dtype")
        descr = _dtype_descr(dtype)
        if descr is None:
            raise WalkError("joblib NumpyArrayWrapper with a dtype the walker cannot size")
        if "O" in descr:
            # Object arrays are a complete pickle of their own, read by a fresh unpickler.
            if not self.walk_one():
                raise WalkError("joblib object array: nested pickle missing")
            return
        shape = state.get("shape")
        if not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0 for n in shape):
            raise WalkError("joblib NumpyArrayWrapper with an unreadable shape")
        count = 1
        for n in shape:
            count *= n
        size = count * _itemsize(descr)
        if state.get("numpy_array_alignment_bytes") is not None:
            padding = self.stream.read(1)
            if len(padding) != 1:
                raise WalkError("joblib array padding truncated")
            if padding[0]:
                _skip(self.stream, padding[0])
        _skip(self.stream, size)


def _skip(stream: IO[bytes], size: int) -> None:
    start = stream.tell()
    end = stream.seek(0, 2)
    if start + size > end:
        raise WalkError("joblib array data runs past the end of the file")
    stream.seek(start + size)


def _dtype_descr(dtype: object) -> str | None:
    """`numpy.dtype('f8', False, True)` as pickled: its descr string."""
    if isinstance(dtype, Call) and isinstance(dtype.func, Global) and dtype.func.name == "dtype" \
            and isinstance(dtype.args, tuple) and dtype.args and isinstance(dtype.args[0], str):
        return dtype.args[0]
    return None


_ITEM = re.compile(r"[<>|=]?([a-zA-Z])(\d*)")
_KIND_SIZES = {"b": 1, "B": 1, "?": 1, "h": 2, "H": 2, "i": 4, "I": 4, "l": 8, "L": 8, "q": 8, "Q": 8, "e": 2, "f": 4,
               "d": 8, "g": 16, "F": 8, "D": 16, "G": 32}


def _itemsize(descr: str) -> int:
    match = _ITEM.fullmatch(descr)
    if not match:
        raise WalkError(f"joblib array dtype {descr!r} cannot be sized")
    kind, digits = match.groups()
    if digits:
        return int(digits) * (4 if kind == "U" else 1)
    if kind in _KIND_SIZES:
        return _KIND_SIZES[kind]
    raise WalkError(f"joblib array dtype {descr!r} cannot be sized")


_LITERALS = frozenset({
    "INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4", "STRING", "BINSTRING", "SHORT_BINSTRING",
    "BINBYTES", "SHORT_BINBYTES", "BINBYTES8", "BYTEARRAY8", "UNICODE", "SHORT_BINUNICODE", "BINUNICODE",
    "BINUNICODE8", "FLOAT", "BINFLOAT", "NONE", "NEWTRUE", "NEWFALSE",
})


_MAX_EMBEDDED = 64
_MAX_EMBEDDED_BYTES = 16 << 20
_PROTO_PREFIXES = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")
_BASE64_PROTO = ("gAI", "gAJ", "gAK", "gAL", "gAM", "gAN", "gAO", "gAP", "gAS", "gAT", "gAU", "gAV")
_HEX_PROTO = ("8002", "8003", "8004", "8005")


def _embedded_pickle(arg: object) -> bytes | None:
    """A literal that is itself a pickle: raw (PROTO 2-5), base64 or hex encoded."""
    if isinstance(arg, bytes | bytearray | memoryview):
        if len(arg) <= _MAX_EMBEDDED_BYTES and bytes(arg[:2]) in _PROTO_PREFIXES:
            return bytes(arg)
        return None
    if not isinstance(arg, str) or len(arg) < 16 or len(arg) > _MAX_EMBEDDED_BYTES:
        return None
    if arg.startswith(_BASE64_PROTO):
        import base64
        import binascii

        try:
            return base64.b64decode(arg, validate=True)
        except (binascii.Error, ValueError):
            return None
    if arg[:4].lower() in _HEX_PROTO:
        try:
            return bytes.fromhex(arg)
        except ValueError:
            return None
    return None


def _literal(arg: object) -> object:
    if isinstance(arg, str | bytes | bytearray | memoryview) and len(arg) > _MAX_KEPT_TEXT:
        return _Opaque(f"{len(arg)}-byte literal")
    if isinstance(arg, bytearray | memoryview):
        return bytes(arg)
    return arg


def _pop(stack: list[object], count: int) -> list[object]:
    if len(stack) < count or any(item is _MARK for item in stack[len(stack) - count:]):
        raise WalkError("stack underflow")
    items = stack[len(stack) - count:]
    del stack[len(stack) - count:]
    return items


def _top(stack: list[object]) -> object:
    if not stack or stack[-1] is _MARK:
        raise WalkError("stack underflow")
    return stack[-1]


def _pop_mark(stack: list[object]) -> list[object]:
    for index in range(len(stack) - 1, -1, -1):
        if stack[index] is _MARK:
            items = stack[index + 1:]
            del stack[index:]
            return items
    raise WalkError("no MARK on the stack")


def _hashable(value: object) -> object:
    try:
        hash(value)
        return value
    except TypeError:
        return _Opaque("unhashable")


def _pairs(target: dict[object, object], items: list[object]) -> dict[object, object]:
    if len(items) % 2:
        raise WalkError("odd number of dict items")
    for key, value in zip(items[::2], items[1::2], strict=True):
        target[_hashable(key)] = value
    return target


def _describe(value: object) -> str:
    if isinstance(value, Global):
        return value.dotted
    if isinstance(value, Call):
        return f"{_describe(value.func)}(...)"
    return type(value).__name__


def is_identifier_path(text: str) -> bool:
    return bool(_IDENTIFIER.match(text))

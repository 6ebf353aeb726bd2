"""What real checkpoints import, and what only an attack imports: data, with the library version it was read from.

The `ALLOWED` rows were read from files written by the real libraries (torch 2.13.0 CPU: state_dicts,
whole models, Lightning-style checkpoints, sparse, quantized and nested tensors, TorchScript archives;
numpy 2.4.6 and 1.x names; scikit-learn 1.9.1 estimators and pipelines via pickle and joblib 1.6.0).
`bench/model_files.py` regenerates such files; a new library release that pickles a new global shows up
there as a false positive before it reaches users.

A global is judged by (module, name) exactly, except for the class families in `ALLOWED_CLASS_PREFIXES`
(any CamelCase class under the prefix, e.g. every scikit-learn estimator and its Cython `Tree`): their
constructors only store what they are given, and any callable handed to them is an import judged on its own.
"""

from __future__ import annotations

import sys

ALLOWLIST_SOURCES = {
    "torch": "2.13.0", "numpy": "2.4.6 (and 1.26 names)", "scikit-learn": "1.9.1", "joblib": "1.6.0",
    "pandas": "3.1.1", "python": "3.11 stdlib", "transformers": "training_args.bin names, from its source (not run here)",
}

_TORCH_REBUILD = (
    "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
    "_rebuild_parameter_with_state", "_rebuild_sparse_tensor", "_rebuild_sparse_csr_tensor",
    "_rebuild_nested_tensor", "_rebuild_qtensor", "_rebuild_device_tensor_from_numpy",
    "_rebuild_device_tensor_from_cpu_tensor", "_rebuild_meta_tensor_no_storage", "_rebuild_wrapper_subclass",
    "_rebuild_from_type", "_rebuild_from_type_v2",
)
_TORCH_STORAGES = (
    "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage",
    "CharStorage", "ByteStorage", "BoolStorage", "ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage",
    "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage", "UntypedStorage", "TypedStorage",
)
_TORCH_DTYPES_AND_ENUMS = (
    "float32", "float", "float64", "double", "float16", "half", "bfloat16", "complex64", "complex128", "uint8",
    "int8", "int16", "short", "int32", "int", "int64", "long", "bool", "qint8", "quint8", "qint32", "quint4x2",
    "quint2x4", "float8_e4m3fn", "float8_e5m2", "uint16", "uint32", "uint64",
    "per_tensor_affine", "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric",
    "per_channel_affine_float_qparams", "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr",
    "sparse_bsc", "_mkldnn", "jagged", "contiguous_format", "channels_last", "preserve_format",
    "Size", "device", "dtype", "layout", "memory_format", "Tensor",
)
_NUMPY_CORE = ("_reconstruct", "scalar", "_frombuffer", "_ufunc_reconstruct")
# Math ufuncs, stored by reference (e.g. FunctionTransformer(func=np.log1p)): pure functions of arrays.
_NUMPY_MATH = frozenset({
    "log", "log1p", "log2", "log10", "exp", "exp2", "expm1", "sqrt", "cbrt", "square", "abs", "absolute", "fabs",
    "sign", "negative", "reciprocal", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "floor", "ceil", "rint", "trunc", "add", "subtract", "multiply", "divide",
    "true_divide", "power", "maximum", "minimum", "mean", "median", "sum", "std", "var", "nanmean", "nanmedian",
})

ALLOWED: dict[str, frozenset[str]] = {
    "torch._utils": frozenset(_TORCH_REBUILD),
    "torch._tensor": frozenset({"_rebuild_from_type", "_rebuild_from_type_v2"}),
    "torch": frozenset(_TORCH_STORAGES + _TORCH_DTYPES_AND_ENUMS),
    "torch.storage": frozenset({"UntypedStorage", "TypedStorage", "_load_from_bytes"}),
    "torch.serialization": frozenset({"_get_layout"}),
    "torch.nn.parameter": frozenset({"Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer"}),
    "torch.torch_version": frozenset({"TorchVersion"}),
    "torch.jit._pickle": frozenset({
        "build_intlist", "build_doublelist", "build_boollist", "build_tensorlist", "build_tensor_from_id",
        "restore_type_tag", "build_complexlist",
    }),
    "torch.nn.functional": frozenset({"relu", "gelu", "silu", "tanh", "sigmoid", "softmax", "log_softmax"}),
    "numpy": frozenset({"dtype", "ndarray", "float64", "float32", "float16", "int64", "int32", "int8", "uint8",
                        "bool_", "complex128", "complex64", "longlong", "intc", "str_", "object_"} | _NUMPY_MATH),
    "numpy.ma": frozenset({"MaskedArray"}),
    "sklearn.neighbors._kd_tree": frozenset({"newObj"}),
    "sklearn.neighbors._ball_tree": frozenset({"newObj"}),
    "sklearn.metrics._dist_metrics": frozenset({"newObj"}),
    "numpy._core.multiarray": frozenset(_NUMPY_CORE),
    "numpy.core.multiarray": frozenset(_NUMPY_CORE),
    "numpy._core.numeric": frozenset({"_frombuffer"}),
    "numpy.core.numeric": frozenset({"_frombuffer"}),
    "numpy.ma.core": frozenset({"_mareconstruct", "MaskedArray"}),
    "numpy.random._pickle": frozenset({"__randomstate_ctor", "__bit_generator_ctor", "__generator_ctor"}),
    "numpy.random": frozenset({"__RandomState_ctor"}),
    "numpy.random.mtrand": frozenset({"RandomState"}),
    "numpy.random._generator": frozenset({"Generator"}),
    "numpy.random._mt19937": frozenset({"MT19937"}),
    "numpy.random._pcg64": frozenset({"PCG64", "PCG64DXSM"}),
    "numpy.random._philox": frozenset({"Philox"}),
    "numpy.random._sfc64": frozenset({"SFC64"}),
    "numpy.random.bit_generator": frozenset({"SeedSequence", "__pyx_unpickle_SeedSequence"}),
    "joblib.numpy_pickle": frozenset({"NumpyArrayWrapper"}),
    "joblib.numpy_pickle_compat": frozenset({"NDArrayWrapper", "ZNDArrayWrapper"}),
    "scipy.sparse._csr": frozenset({"csr_matrix", "csr_array"}),
    "scipy.sparse._csc": frozenset({"csc_matrix", "csc_array"}),
    "scipy.sparse._coo": frozenset({"coo_matrix", "coo_array"}),
    "scipy.sparse.csr": frozenset({"csr_matrix"}),
    "collections": frozenset({"OrderedDict", "defaultdict", "deque", "Counter"}),
    "argparse": frozenset({"Namespace"}),
    "_codecs": frozenset({"encode"}),
    "codecs": frozenset({"encode"}),
    "copyreg": frozenset({"_reconstructor", "__newobj__", "__newobj_ex__"}),
    "copy_reg": frozenset({"_reconstructor"}),
    "datetime": frozenset({"datetime", "date", "time", "timedelta", "timezone"}),
    "decimal": frozenset({"Decimal"}),
    "fractions": frozenset({"Fraction"}),
    "uuid": frozenset({"UUID"}),
    "pathlib": frozenset({"PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath", "Path"}),
    "builtins": frozenset({"set", "frozenset", "dict", "list", "tuple", "int", "float", "complex", "bool", "str",
                           "bytes", "bytearray", "slice", "range", "object"}),
    "__builtin__": frozenset({"set", "frozenset", "dict", "list", "tuple", "int", "float", "complex", "bool",
                              "str", "bytes", "bytearray", "slice", "object", "long", "unicode"}),
    "lightning.fabric.utilities.data": frozenset({"AttributeDict"}),
    "pytorch_lightning.utilities.parsing": frozenset({"AttributeDict"}),
    "lightning_fabric.utilities.data": frozenset({"AttributeDict"}),
    "omegaconf.dictconfig": frozenset({"DictConfig"}),
    "omegaconf.listconfig": frozenset({"ListConfig"}),
    "omegaconf.base": frozenset({"ContainerMetadata", "Metadata"}),
    "omegaconf.nodes": frozenset({"AnyNode", "StringNode", "IntegerNode", "FloatNode", "BooleanNode"}),
    "typing": frozenset({"Any"}),
    "types": frozenset({"SimpleNamespace"}),
    "re": frozenset({"_compile"}),
    # pandas 3.1.1 (DataFrame/Series/Index/Categorical/datetime pickles, e.g. in scikit-learn preprocessors)
    "pandas": frozenset({"DataFrame", "Series", "Index", "RangeIndex", "MultiIndex", "DatetimeIndex", "Categorical",
                         "CategoricalDtype", "StringDtype", "DatetimeTZDtype", "Timestamp", "Timedelta",
                         "CategoricalIndex", "Interval", "Period"}),
    "pandas.arrays": frozenset({"StringArray", "DatetimeArray", "TimedeltaArray", "BooleanArray", "IntegerArray",
                                "FloatingArray", "ArrowStringArray"}),
    "pandas.core.internals.managers": frozenset({"BlockManager", "SingleBlockManager"}),
    "pandas._libs.internals": frozenset({"_unpickle_block"}),
    "pandas._libs.arrays": frozenset({"__pyx_unpickle_NDArrayBacked"}),
    "pandas.core.indexes.base": frozenset({"_new_Index", "Index"}),
    "pandas._libs.tslibs.timestamps": frozenset({"_unpickle_timestamp"}),
    "pandas._libs.tslibs.timedeltas": frozenset({"_timedelta_unpickle"}),
    "pandas._libs.tslibs.nattype": frozenset({"_nat_unpickle", "__nat_unpickle"}),
    # transformers `training_args.bin` (torch.save of TrainingArguments and its enums), from transformers' source
    "transformers.training_args": frozenset({"TrainingArguments", "OptimizerNames"}),
    "transformers.training_args_seq2seq": frozenset({"Seq2SeqTrainingArguments"}),
    "transformers.trainer_utils": frozenset({"IntervalStrategy", "SaveStrategy", "SchedulerType", "HubStrategy",
                                             "FSDPOption", "EvaluationStrategy"}),
    "transformers.debug_utils": frozenset({"DebugOption"}),
    "transformers.trainer_pt_utils": frozenset({"AcceleratorConfig"}),
    "accelerate.utils.dataclasses": frozenset({"DistributedType"}),
    "enum": frozenset({"Enum"}),
}

ALLOWED_CLASS_PREFIXES = (
    "sklearn.",           # estimators, pipelines, trees (sklearn.tree._tree.Tree), Bunch
    "torch.nn.modules.",  # whole-model saves: nn.Linear, nn.Sequential, ... instantiated with their state
    "torch.optim.",       # optimizers and schedulers in full training checkpoints
    "numpy.dtypes.",      # numpy 2 dtype classes (Float64DType, ...)
    "__torch__.",         # TorchScript types: compiled from the archive's code/, never imported from Python
)

# Imports that only an attack needs (and the names an audit recognises). Anything not allowed is at least
# suspicious; these make the verdict "overtly malicious".
DENIED_MODULES = frozenset({
    "os", "posix", "nt", "posixpath", "ntpath", "subprocess", "_posixsubprocess", "sys", "socket", "shutil",
    "runpy", "importlib", "imp", "pickle", "_pickle", "cPickle", "dill", "cloudpickle", "marshal", "types",
    "code", "codeop", "pty", "commands", "popen2", "webbrowser", "ctypes", "multiprocessing", "asyncio",
    "pydoc", "timeit", "cProfile", "profile", "pdb", "bdb", "trace", "venv", "ensurepip", "pip", "setuptools",
    "distutils", "http", "urllib", "urllib2", "urllib3", "requests", "httpx", "aiohttp", "ftplib", "smtplib",
    "telnetlib", "tempfile", "io", "_io", "operator", "functools", "itertools", "glob", "signal", "threading",
    "_thread", "inspect", "linecache", "zipimport", "site", "fileinput", "shelve", "sqlite3", "idlelib",
    "lib2to3", "doctest", "unittest", "xmlrpc", "pexpect", "paramiko", "tarfile", "zipfile", "logging",
    "platform", "mmap", "resource", "_winapi", "msvcrt", "winreg", "builtins", "__builtin__", "numpy.testing",
    "numpy.f2py", "numpy.distutils", "torch.hub", "torch.utils.cpp_extension", "torch.distributed",
    "torch.package", "torch.fx", "torch._dynamo", "torch.serialization", "joblib", "keras", "tensorflow",
    "nturl2path", "ssl", "smtpd", "cgi", "gc", "base64", "imaplib", "httplib", "poplib", "nntplib", "socketserver",
    "asyncore", "asynchat", "_osx_support", "_aix_support", "_pyrepl", "test", "xmlrpclib", "zipapp", "compileall", "py_compile", "getpass", "readline", "rlcompleter", "sched", "selectors", "select",
    "subprocess32", "uuid._get_command_stdout",
})


def _module_denied(module: str) -> bool:
    parts = module.split(".")
    return any(".".join(parts[:i]) in DENIED_MODULES for i in range(1, len(parts) + 1))


def classify(module: str, name: str, *, called: bool, string_enum: bool = False) -> str:
    """A fickling-style severity for one imported global: likely_safe, suspicious, likely_unsafe, overtly_malicious.

    `called`: the pickle calls it with arguments (REDUCE/INST/OBJ) rather than only instantiating it.
    `string_enum`: every call passed one string, as a string enum member is pickled (`IntervalStrategy('steps')`).
    A user's own class is never in the standard library: there, anything not allowed is at least likely_unsafe
    (`imaplib.IMAP4_stream('cmd')` runs a command; `http.client.HTTPSConnection(host)` opens a connection).
    """
    if name in ALLOWED.get(module, ()):
        return "likely_safe"
    class_like = name.lstrip("_")[:1].isupper() and "." not in name
    if class_like and any(module.startswith(prefix) for prefix in ALLOWED_CLASS_PREFIXES):
        return "likely_safe"  # constructors of these families only store their arguments
    if _module_denied(module) or name.startswith("__") and name.endswith("__") and name not in ("__main__",):
        return "overtly_malicious"
    if module.split(".")[0] in _STDLIB or module in _PY2_STDLIB:
        return "likely_unsafe"
    if class_like and (not called or string_enum):
        return "suspicious"  # a user's own class (`__main__.MyNet`), instantiated with its state, or a string enum
    return "likely_unsafe"


_STDLIB = frozenset(sys.stdlib_module_names) - {"__main__"}
_PY2_STDLIB = frozenset({"httplib", "urllib2", "commands", "popen2", "__builtin__", "copy_reg", "cPickle",
                         "SocketServer", "BaseHTTPServer", "SimpleHTTPServer", "cookielib", "Queue", "thread"})

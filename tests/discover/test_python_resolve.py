"""Same-file resolution of ids and revisions: the hard cases of issue 2, one behaviour per test."""

from __future__ import annotations

from tests.discover.python_helpers import SHA, ids, refs, scan

M = "huggingface"
FP = "transformers.from_pretrained"


def test_module_constant_id_and_revision():
    code = f'''
    from transformers import AutoModel
    MODEL = "org/m"
    REV = "{SHA}"
    AutoModel.from_pretrained(MODEL, revision=REV)
    '''
    assert refs(code) == [("model", M, "org/m", SHA, True, True, 5, FP, False, False)]


def test_import_aliases_of_module_class_and_function():
    code = '''
    import transformers as tf
    from transformers import AutoModel as AM
    from huggingface_hub import hf_hub_download as fetch
    tf.AutoModel.from_pretrained("org/a")
    AM.from_pretrained("org/b")
    fetch("org/c", "x.bin")
    '''
    assert ids(code) == [("org/a", None), ("org/b", None), ("org/c", None)]
    assert [r.api for r in scan(code).references] == [FP, FP, "huggingface_hub.hf_hub_download"]


def test_a_name_imported_from_another_library_is_not_a_hub_api():
    code = '''
    from sklearn.pipeline import pipeline
    from mylib import load_dataset
    pipeline("org/x")
    load_dataset("org/y")
    '''
    # No catalog reference; `load_dataset` still says it loads, so context detection reports its id (medium).
    assert [(r.id, r.api, r.confidence) for r in scan(code).references] == [
        ("org/y", "context:load_dataset", "medium")]


def test_function_parameter_default_and_local_assignment():
    code = '''
    from transformers import AutoModel
    def load(name="org/default", revision="v1"):
        return AutoModel.from_pretrained(name, revision=revision)
    def other():
        local = "org/local"
        return AutoModel.from_pretrained(local)
    '''
    assert ids(code) == [("org/default", "v1"), ("org/local", None)]


def test_parameter_without_default_is_dynamic_with_its_expression():
    code = '''
    from transformers import AutoModel
    def load(name):
        return AutoModel.from_pretrained(name)
    '''
    (reference,) = scan(code).references
    assert (reference.id, reference.dynamic, reference.expression, reference.pinned) == (None, True, "name", False)


def test_argparse_defaults_resolve_and_required_arguments_are_dynamic():
    code = '''
    import argparse
    from transformers import AutoModel
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-name", default="org/from-argparse")
    parser.add_argument("--revision", dest="rev", default="main")
    parser.add_argument("--other")
    args = parser.parse_args()
    AutoModel.from_pretrained(args.model_name, revision=args.rev)
    AutoModel.from_pretrained(args.other)
    '''
    found = scan(code).references
    assert [(r.id, r.revision, r.dynamic, r.expression) for r in found] == [
        ("org/from-argparse", "main", False, None), (None, None, True, "args.other")]


def test_dataclass_field_defaults_and_class_attributes():
    code = '''
    from dataclasses import dataclass, field
    from transformers import AutoModel, HfArgumentParser
    @dataclass
    class ModelArguments:
        model_name_or_path: str = field(default="org/dc", metadata={"help": "x"})
        tokenizer_name: str = "org/plain"
    class Config:
        NAME = "org/class-attr"
    (model_args,) = HfArgumentParser(ModelArguments).parse_args_into_dataclasses()
    AutoModel.from_pretrained(model_args.model_name_or_path)
    AutoModel.from_pretrained(model_args.tokenizer_name)
    AutoModel.from_pretrained(Config.NAME)
    '''
    assert ids(code) == [("org/dc", None), ("org/plain", None), ("org/class-attr", None)]


def test_getenv_defaults_resolve_and_env_without_default_is_dynamic():
    code = '''
    import os
    from os import getenv
    from transformers import AutoModel
    AutoModel.from_pretrained(os.getenv("A", "org/a"))
    AutoModel.from_pretrained(os.environ.get("B", "org/b"), revision=getenv("REV", "main"))
    AutoModel.from_pretrained(os.environ.get("C"))
    '''
    # the environment may hold another value: each default is a candidate beside a dynamic reference (issue 11 §2)
    assert ids(code) == [(None, None), ("org/a", None), (None, "main"), (None, None), ("org/b", "main"),
                         ("org/b", None), (None, None)]


def test_fstrings_and_concatenation_of_resolvable_parts():
    code = '''
    from transformers import AutoModel
    ORG = "org"
    SIZE = "7b"
    AutoModel.from_pretrained(f"{ORG}/model-{SIZE}")
    AutoModel.from_pretrained(ORG + "/plus-" + SIZE)
    AutoModel.from_pretrained(f"{ORG}/{unknown}")
    '''
    found = scan(code).references
    assert [(r.id, r.dynamic, r.expression) for r in found] == [
        ("org/model-7b", False, None), ("org/plus-7b", False, None), (None, True, "f'{ORG}/{unknown}'")]


def test_kwargs_from_literal_dicts_carry_revision_and_trust_remote_code():
    code = f'''
    from transformers import AutoModel
    KW = {{"revision": "{SHA}", "trust_remote_code": True}}
    AutoModel.from_pretrained("org/a", **KW)
    AutoModel.from_pretrained("org/b", **dict(revision="main"))
    AutoModel.from_pretrained("org/c", **{{**KW, "revision": "v2"}})
    AutoModel.from_pretrained("org/d", **opaque)
    '''
    found = scan(code).references
    assert [(r.id, r.revision, r.pinned, r.trust_remote_code) for r in found] == [
        ("org/a", SHA, True, True), ("org/b", "main", False, False), ("org/c", "v2", False, True),
        ("org/d", None, False, None)]


def test_trust_remote_code_literal_false_and_non_literal_none():
    code = '''
    from transformers import AutoModel
    AutoModel.from_pretrained("org/a", trust_remote_code=False)
    AutoModel.from_pretrained("org/b", trust_remote_code=args.trust)
    AutoModel.from_pretrained("org/c", trust_remote_code=True)
    '''
    assert [r.trust_remote_code for r in scan(code).references] == [False, None, True]


def test_every_branch_and_loop_value_is_a_candidate():
    code = '''
    from transformers import AutoModel
    MODELS = {"small": "org/small", "large": "org/large"}
    for name in ["org/x", "org/y"]:
        AutoModel.from_pretrained(name)
    AutoModel.from_pretrained("org/p" if fast else "org/q")
    AutoModel.from_pretrained(MODELS["small"])
    AutoModel.from_pretrained(MODELS[size])
    '''
    assert ids(code) == [("org/x", None), ("org/y", None), ("org/p", None), ("org/q", None), ("org/small", None),
                         ("org/large", None), ("org/small", None)]


def test_revision_that_cannot_be_resolved_marks_the_reference_dynamic():
    code = '''
    from transformers import AutoModel
    AutoModel.from_pretrained("org/m", revision=get_revision())
    '''
    (reference,) = scan(code).references
    assert (reference.id, reference.revision, reference.pinned, reference.dynamic, reference.expression) == (
        "org/m", None, False, True, "revision=get_revision()")


def test_hex_looking_branches_short_shas_and_uppercase_are_not_pinned():
    code = f'''
    from transformers import AutoModel
    AutoModel.from_pretrained("org/a", revision="deadbeef")
    AutoModel.from_pretrained("org/b", revision="{SHA[:7]}")
    AutoModel.from_pretrained("org/c", revision="{SHA.upper()}")
    AutoModel.from_pretrained("org/d", revision="v1.0")
    AutoModel.from_pretrained("org/e", revision="{SHA}")
    '''
    assert [r.pinned for r in scan(code).references] == [False, False, False, False, True]


def test_loaded_objects_passed_on_are_not_references():
    code = '''
    from transformers import AutoModel, AutoTokenizer, pipeline
    model = AutoModel.from_pretrained("org/m")
    tokenizer = AutoTokenizer.from_pretrained("org/m")
    pipe = pipeline("text-generation", model=model, tokenizer=tokenizer)
    again = pipeline("text-generation", model=pipe.model)
    '''
    assert ids(code) == [("org/m", None), ("org/m", None)]


def test_local_paths_are_not_hub_references():
    code = '''
    import os
    from pathlib import Path
    from transformers import AutoModel
    AutoModel.from_pretrained("./out")
    AutoModel.from_pretrained("../out")
    AutoModel.from_pretrained("/abs/out")
    AutoModel.from_pretrained("weights/tiny")
    AutoModel.from_pretrained(os.path.join(OUTPUT_DIR, "best"))
    AutoModel.from_pretrained(Path("x") / "y")
    '''
    assert refs(code, repo_paths=frozenset({"weights/tiny/config.json", "weights/tiny"})) == []


def test_docstrings_and_bare_strings_are_skipped_but_string_constants_are_scanned():
    code = '''
    """https://huggingface.co/org/doc/resolve/main/x.bin"""
    def f():
        """hf://datasets/org/doc-ds/x.csv"""
    "https://huggingface.co/org/bare/resolve/main/x.bin"
    URL = "https://huggingface.co/org/real/resolve/main/x.bin"
    DATA = "hf://datasets/org/real-ds/x.csv"
    '''
    found = scan(code).references
    assert [(r.source, r.kind, r.id, r.line) for r in found] == [
        ("url", "model", "org/real", 6), ("huggingface", "dataset", "org/real-ds", 7)]


def test_dynamic_hf_path_fstring_is_reported_unresolved():
    code = '''
    import pandas as pd
    pd.read_parquet(f"hf://datasets/{repo}/data.parquet")
    '''
    (reference,) = scan(code).references
    assert (reference.kind, reference.id, reference.dynamic, reference.api, reference.expression) == (
        "dataset", None, True, "pandas.read_parquet", "f'hf://datasets/{repo}/data.parquet'")


def test_unimported_calls_in_snippets_still_match_distinctive_names():
    code = '''
    hf_hub_download("org/a", "x.bin")
    AutoModel.from_pretrained("org/b")
    load_dataset("org/c")
    '''
    assert ids(code) == [("org/a", None), ("org/b", None), ("org/c", None)]


def test_column_counts_characters_not_utf8_bytes():
    code = 'x = "é"; AutoModel.from_pretrained("org/m")\n'
    (reference,) = scan(code).references
    assert reference.column == 10


def test_self_attributes_and_instances_of_classes_in_the_file():
    code = '''
    from transformers import AutoModel
    class Loader:
        def __init__(self):
            self.name = "org/self"
        def load(self):
            return AutoModel.from_pretrained(self.name)
    class Cfg:
        model = "org/cfg"
    cfg = Cfg()
    AutoModel.from_pretrained(cfg.model)
    '''
    assert ids(code) == [("org/self", None), ("org/cfg", None)]


def test_a_none_default_means_the_id_comes_from_outside_the_file():
    code = '''
    from dataclasses import dataclass, field
    from transformers import AutoModel, pipeline
    @dataclass
    class Args:
        model_name_or_path: str = field(default=None)
    def load(model_id=None):
        return AutoModel.from_pretrained(model_id)
    AutoModel.from_pretrained(Args().model_name_or_path)
    pipeline("text-generation", model="org/m", tokenizer=None)
    '''
    found = scan(code).references
    assert [(r.id, r.dynamic, r.expression, r.line) for r in found] == [
        (None, True, "model_id", 8), (None, True, "Args().model_name_or_path", 9), ("org/m", False, None, 10)]


def test_old_mac_line_endings_keep_line_numbers_and_references():
    code = "x = 1\rfrom transformers import AutoModel\rAutoModel.from_pretrained('org/cr')\r"
    assert refs(code) == [("model", M, "org/cr", None, False, True, 3, FP, False, False)]


def test_names_mentioned_only_in_comments_and_docstrings_give_nothing():
    code = '''
    """Load with AutoModel.from_pretrained("org/doc") and hf://datasets/org/doc."""
    # AutoModel.from_pretrained("org/comment")
    def f():
        """pipeline("text-generation", model="org/doc2")"""
        return 1
    '''
    result = scan(code)
    assert (result.references, result.warnings) == ((), ())


def test_calls_reached_through_instances_and_generic_imports():
    code = '''
    from huggingface_hub import HfApi, HfFileSystem
    from mlx_lm import load
    import ollama as ol
    api = HfApi()
    fs = HfFileSystem()
    api.repo_info("org/info", repo_type="dataset")
    fs.ls("datasets/org/listed")
    load("org/mlx")
    ol.chat(model="llama3")
    '''
    found = scan(code).references
    assert [(r.kind, r.source, r.id, r.api, r.pinnable) for r in found] == [
        ("dataset", M, "org/info", "huggingface_hub.repo_info", True),
        ("dataset", M, "org/listed", "huggingface_hub.HfFileSystem", True),
        ("model", M, "org/mlx", "mlx_lm.load", True),
        ("model", "ollama", "llama3", "ollama.chat", False),
    ]


def test_hub_strings_in_data_files_are_references_of_the_loading_call():
    code = f'''
    from datasets import load_dataset
    FILES = {{"train": "hf://datasets/org/a@{SHA}/train.csv",
              "test": "https://huggingface.co/datasets/org/b/resolve/main/test.csv"}}
    load_dataset("csv", data_files=FILES)
    '''
    found = scan(code).references
    assert [(r.kind, r.source, r.id, r.revision, r.pinned, r.line, r.api) for r in found] == [
        ("dataset", "huggingface", "org/a", SHA, True, 5, "datasets.load_dataset"),
        ("dataset", "url", "org/b", "main", False, 5, "url"),
    ]


def test_trust_remote_code_inside_model_kwargs_counts():
    code = '''
    from langchain_huggingface import HuggingFaceEmbeddings
    KW = {"trust_remote_code": True}
    HuggingFaceEmbeddings(model_name="org/emb", model_kwargs=KW)
    '''
    (reference,) = scan(code).references
    assert (reference.id, reference.trust_remote_code, reference.revision_key) == (
        "org/emb", True, "model_kwargs.revision")


def test_fallback_imports_in_try_except_still_name_the_library():
    code = '''
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:
        from huggingface_hub.file_download import hf_hub_download
    def file_exists(path):
        return True
    hf_hub_download("org/a", "x.bin")
    file_exists("org/not-a-call-of-hfapi")
    list(range(3))
    '''
    assert [(r.id, r.api) for r in scan(code).references] == [("org/a", "huggingface_hub.hf_hub_download")]


def test_exec_and_eval_strings_are_scanned_and_reported_at_the_call():
    code = '''
    SOURCE = "from transformers import AutoModel\\nAutoModel.from_pretrained('org/in-exec')"
    exec(SOURCE)
    eval("__import__('huggingface_hub').hf_hub_download('org/in-eval', 'x.bin')")
    exec(open("payload.py").read())
    '''
    result = scan(code)
    assert [(r.id, r.line, r.dynamic) for r in result.references] == [("org/in-exec", 3, False),
                                                                     ("org/in-eval", 4, False)]
    (warning,) = result.warnings
    assert warning.message.startswith("line 5: exec() runs code built at run time")


def test_a_loader_taken_as_a_value_is_reported_as_dynamic():
    code = '''
    from functools import partial
    from transformers import AutoModel
    load = partial(AutoModel.from_pretrained, revision="main")
    models = pool.map(load, names)
    '''
    assert refs(code) == [("model", M, None, "main", False, True, 4, FP, True, None)]


def test_a_partial_called_in_the_file_is_the_loader_called_with_both_argument_lists():
    # was: one dynamic reference at the partial (issue 11 §2, functools.partial)
    code = '''
    from functools import partial
    from transformers import AutoModel
    load = partial(AutoModel.from_pretrained, revision="main")
    model = load("org/hidden")
    '''
    assert refs(code) == [("model", M, "org/hidden", "main", False, True, 5, FP, False, False)]


def test_a_homoglyph_id_is_reported_as_written_with_a_warning():
    code = '''
    from transformers import AutoModel
    AutoModel.from_pretrained("org/m\u043ede\u217c")
    '''
    result = scan(code)
    assert [r.id for r in result.references] == ["org/m\u043ede\u217c"]
    (warning,) = result.warnings
    assert "only looks like 'org/model'" in warning.message and "U+043E CYRILLIC SMALL LETTER O" in warning.message


def test_an_id_imported_from_another_module_is_reported_as_dynamic():
    # Found by the bandit comparison on huggingface_hub: the constant lives in another module, which the
    # single-file resolver does not read; the call must still be reported, never dropped.
    code = '''
    from huggingface_hub import snapshot_download
    from .constants import DEFAULT_REPO_ID, REV
    snapshot_download(repo_id=DEFAULT_REPO_ID)
    snapshot_download("org/m", revision=REV)
    '''
    found = scan(code).references
    assert [(r.id, r.dynamic, r.expression, r.line) for r in found] == [
        (None, True, "DEFAULT_REPO_ID", 4), ("org/m", True, "revision=REV", 5)]


def test_attribute_of_an_instance_built_in_place_or_with_arguments():
    code = '''
    from dataclasses import dataclass, field
    from transformers import AutoModel
    @dataclass
    class Args:
        model: str = field(default="org/default")
    AutoModel.from_pretrained(Args().model)
    AutoModel.from_pretrained(Args(model="org/keyword").model)
    AutoModel.from_pretrained(Args("org/positional").model)
    built = Args("org/positional")
    AutoModel.from_pretrained(built.model)
    '''
    assert [(line, repo_id, dynamic) for _k, _s, repo_id, _r, _p, _u, line, _a, dynamic, _t in refs(code)] == [
        (7, "org/default", False), (8, "org/keyword", False), (9, None, True), (11, None, True)]


def test_the_fast_child_walk_yields_what_ast_iter_child_nodes_does():
    """`python_resolve._children` replaces `ast.iter_child_nodes` in the hot walks (issue 15): same nodes, same
    order, for every node of every Python file of model-gate and of the discovery fixtures."""
    import ast
    from pathlib import Path

    from gate.discover.python_resolve import _children

    root = Path(__file__).resolve().parents[2]
    files = [*sorted((root / "gate").rglob("*.py")), *sorted((root / "tests" / "fixtures").rglob("*.py"))]
    checked = 0
    for path in files:
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            assert _children(node) == list(ast.iter_child_nodes(node)), (path, node)
            checked += 1
    assert checked > 100_000


def test_relative_imports_are_read_against_the_package_the_file_is_in():
    from gate.discover.python_finder import package_of
    from gate.discover.python_reaching import absolute_module

    tree = frozenset({"src/mlx_lm/__init__.py", "src/mlx_lm/quant/__init__.py", "scripts/run.py"})
    assert package_of("src/mlx_lm/quant/dwq.py", tree) == "mlx_lm.quant"  # src/ holds no __init__.py
    assert package_of("src/mlx_lm/fuse.py", tree) == "mlx_lm"
    assert package_of("scripts/run.py", tree) is None
    assert package_of("src/mlx_lm/fuse.py", None) is None
    assert absolute_module(1, "utils", "mlx_lm.quant") == "mlx_lm.quant.utils"
    assert absolute_module(2, "utils", "mlx_lm.quant") == "mlx_lm.utils"
    assert absolute_module(2, None, "mlx_lm.quant") == "mlx_lm"
    assert absolute_module(3, "utils", "mlx_lm.quant") == "...utils"  # above the known package
    assert absolute_module(1, "utils", None) == ".utils"
    assert absolute_module(0, "mlx_lm.utils", "other") == "mlx_lm.utils"


def test_a_lambda_parameter_passed_to_a_loader_does_not_stop_the_files_scan():
    # The equality-guard check read a lambda's body as a list of statements: the whole file's scan crashed
    # ("PythonFinder failed on this file (TypeError: 'Call' object is not iterable)"; two NeMo files).
    code = '''
    from transformers import AutoModel
    load = lambda name: AutoModel.from_pretrained(name)
    load("org/m")
    '''
    result = scan(code)
    assert result.warnings == ()
    # The lambda's parameter stays dynamic at the load; the call passing the id names it (context, medium).
    assert [(r.id, r.line, r.api, r.dynamic) for r in result.references] == [
        (None, 3, FP, True), ("org/m", 4, "context:load", False)]

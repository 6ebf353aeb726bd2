"""Following the literal to where it is used (issue 11 §2) and the evasions of issue 12 §2, §3 and §14: one
behaviour per test. Each `issue 12` test failed on the code before this change (no reference, or a value the
code does not use, or minutes of work)."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate.discover import python_finder
from gate.discover.python_resolve import MAX_CANDIDATES, MAX_WORK, Resolver
from tests.discover.python_helpers import SHA, ids, scan


def found(code: str) -> list[tuple]:
    """(line, id, revision, dynamic, trust_remote_code) per reference, in order."""
    return sorted((r.line, r.id or "", r.revision or "", r.dynamic, r.trust_remote_code)
                  for r in scan(code).references)


# -------------------------------------------------------------------------------- issue 11 §2: helpers


def test_a_helper_default_and_each_literal_its_calls_pass_are_ids_at_the_loader():
    code = '''
    from huggingface_hub import snapshot_download
    def get_model_path(path="org/m"):
        return snapshot_download(path)
    get_model_path("org/other")
    '''
    assert found(code) == [(4, "org/m", "", False, False), (4, "org/other", "", False, False)]


def test_a_chain_of_helpers_is_followed_to_a_fixed_point():
    code = '''
    from transformers import AutoModel
    def inner(repo, revision):
        return AutoModel.from_pretrained(repo, revision=revision)
    def middle(name):
        return inner(name, "main")
    def outer():
        middle("org/deep")
    '''
    assert found(code) == [(4, "org/deep", "main", False, False)]


def test_methods_take_what_self_calls_and_constructors_pass():
    code = '''
    from transformers import AutoModel
    class Loader:
        def __init__(self, name="org/init"):
            self.name = name
        def load(self, revision=None):
            return AutoModel.from_pretrained(self.name, revision=revision)
        def pinned(self):
            return self.load(revision="v1")
    Loader(name="org/ctor").load()
    '''
    assert found(code) == [(7, "org/ctor", "", False, False), (7, "org/ctor", "v1", False, False),
                           (7, "org/init", "", False, False), (7, "org/init", "v1", False, False)]


def test_super_init_of_a_subclass_passes_its_arguments_to_the_base_constructor():
    code = '''
    from transformers import AutoModel
    class Base:
        def __init__(self, model_name):
            self.model = AutoModel.from_pretrained(model_name)
    class Encoder(Base):
        def __init__(self):
            super().__init__("org/encoder")
    class Other(Base):
        def __init__(self, name="org/other"):
            super().__init__(model_name=name)
    '''
    assert ids(code) == [("org/encoder", None), ("org/other", None)]


def test_a_function_used_as_a_value_also_takes_unknown_arguments():
    code = '''
    import fire
    from transformers import AutoModel
    def main(model="org/cli-default"):
        return AutoModel.from_pretrained(model)
    fire.Fire(main)
    '''
    assert found(code) == [(5, "", "", True, False), (5, "org/cli-default", "", False, False)]


def test_a_parameter_without_default_takes_the_calls_arguments_and_stays_dynamic_without_calls():
    code = '''
    from transformers import AutoModel
    def load(name):
        return AutoModel.from_pretrained(name)
    def never_called(name):
        return AutoModel.from_pretrained(name)
    load("org/called")
    '''
    assert found(code) == [(4, "org/called", "", False, False), (6, "", "", True, False)]


def test_a_recursive_call_passing_the_parameter_on_adds_nothing_and_star_arguments_are_unknown():
    code = '''
    from transformers import AutoModel
    class A:
        def load(self, m="org/a", depth=2):
            AutoModel.from_pretrained(m)
            return self.load(m, depth - 1) if depth else None
    A.load(None, "org/b")
    A().load(*get_names())
    '''
    assert found(code) == [(5, "", "", True, False), (5, "org/a", "", False, False), (5, "org/b", "", False, False)]


def test_nonlocal_rebinding_in_a_nested_function():
    code = '''
    from transformers import AutoModel
    def outer():
        name = "org/outer"
        def switch():
            nonlocal name
            name = "org/nonlocal"
        switch()
        return AutoModel.from_pretrained(name)
    '''
    assert ids(code) == [("org/nonlocal", None), ("org/outer", None)]


# --------------------------------------------------------------------- issue 11 §2: fallbacks, unknown parts


def test_each_fallback_literal_is_a_candidate_and_the_unknown_branch_is_dynamic():
    code = '''
    import sys
    from transformers import AutoModel
    def build(config, **kwargs):
        AutoModel.from_pretrained(sys.argv[1] if len(sys.argv) > 1 else "org/argv")
        AutoModel.from_pretrained(config.name or "org/or")
        AutoModel.from_pretrained(kwargs.get("m", "org/get"))
        AutoModel.from_pretrained(kwargs.pop("m", "org/pop"))
        AutoModel.from_pretrained(getattr(config, "m", "org/getattr"))
    '''
    assert found(code) == [
        (5, "", "", True, False), (5, "org/argv", "", False, False),
        (6, "", "", True, False), (6, "org/or", "", False, False),
        (7, "", "", True, False), (7, "org/get", "", False, False),
        (8, "", "", True, False), (8, "org/pop", "", False, False),
        (9, "", "", True, False), (9, "org/getattr", "", False, False)]


def test_kwargs_get_takes_what_the_calls_pass_for_the_key():
    code = '''
    from transformers import AutoModel
    def build(**kwargs):
        return AutoModel.from_pretrained(kwargs.get("model", "org/default"))
    def never_called(**kwargs):
        return AutoModel.from_pretrained(kwargs.get("model", "org/alone"))
    build(model="org/passed")
    build(**options)
    '''
    assert found(code) == [(4, "", "", True, False), (4, "org/default", "", False, False),
                           (4, "org/passed", "", False, False), (6, "", "", True, False),
                           (6, "org/alone", "", False, False)]


def test_dict_get_of_a_literal_dict_is_the_entry_or_the_default():
    code = '''
    from transformers import AutoModel
    NAMES = {"reward": "org/reward"}
    AutoModel.from_pretrained(NAMES.get("reward", "org/unused"))
    AutoModel.from_pretrained(NAMES.get("critic", "org/critic"))
    '''
    assert ids(code) == [("org/reward", None), ("org/critic", None)]


# ---------------------------------------------------------------------- issue 11 §2: attributes, containers


def test_namespaces_and_config_objects_built_from_literals_are_read_back():
    code = '''
    from types import SimpleNamespace
    from omegaconf import OmegaConf
    from transformers import AutoModel
    args = SimpleNamespace(model="org/ns", revision="main")
    AutoModel.from_pretrained(args.model, revision=args.revision)
    cfg = OmegaConf.create({"model": {"name": "org/oc"}, "tok": "org/tok"})
    AutoModel.from_pretrained(cfg.model.name)
    AutoModel.from_pretrained(cfg["tok"])
    '''
    assert ids(code) == [("org/ns", "main"), ("org/oc", None), ("org/tok", None)]


def test_containers_iterated_indexed_and_unpacked_into_a_loader():
    code = f'''
    from transformers import AutoModel
    MODELS = ["org/a", "org/b"]
    PINS = {{"org/c": "{SHA}"}}
    for name in MODELS:
        AutoModel.from_pretrained(name)
    for repo, revision in PINS.items():
        AutoModel.from_pretrained(repo, revision=revision)
    for i, name2 in enumerate(("org/d",)):
        AutoModel.from_pretrained(name2)
    '''
    assert ids(code) == [("org/a", None), ("org/b", None), ("org/c", SHA), ("org/d", None)]


def test_tuples_unpacked_in_loops_and_assignments_keep_each_id_with_its_own_revision():
    code = f'''
    from transformers import AutoModel
    PAIRS = [("org/a", "main"), ("org/b", "{SHA}")]
    for name, revision in PAIRS:
        AutoModel.from_pretrained(name, revision=revision)
    PINS = {{"org/c": "{SHA}", "org/d": "v1"}}
    for repo_id, pin in PINS.items():
        AutoModel.from_pretrained(repo_id, revision=pin)
    PAIR = ("org/p", "org/q")
    first, second = PAIR
    AutoModel.from_pretrained(second)
    x, y = get_pair()
    AutoModel.from_pretrained(x)
    for m, r in PAIRS:
        AutoModel.from_pretrained(m)
        AutoModel.from_pretrained("org/fixed", revision=r)
    '''
    assert found(code) == [(5, "org/a", "main", False, False), (5, "org/b", SHA, False, False),
                           (8, "org/c", SHA, False, False), (8, "org/d", "v1", False, False),
                           (11, "org/q", "", False, False), (13, "", "", True, False),
                           (15, "org/a", "", False, False), (15, "org/b", "", False, False),
                           (16, "org/fixed", SHA, False, False), (16, "org/fixed", "main", False, False)]


def test_parametrize_values_reach_the_loader():
    code = '''
    import pytest
    from transformers import AutoModel
    @pytest.mark.parametrize("model_id", ["org/p1", pytest.param("org/p2", marks=pytest.mark.slow)])
    def test_load(model_id):
        AutoModel.from_pretrained(model_id)
    '''
    assert ids(code) == [("org/p1", None), ("org/p2", None)]


def test_instances_of_the_files_classes_passed_to_a_function_give_their_attributes():
    code = '''
    from dataclasses import dataclass
    from transformers import AutoModel
    @dataclass
    class TrainArgs:
        model: str = "org/default"
    def train(args):
        return AutoModel.from_pretrained(args.model)
    train(TrainArgs(model="org/passed"))
    config = TrainArgs(model="org/named")
    train(config)
    '''
    assert ids(code) == [("org/default", None), ("org/named", None), ("org/passed", None)]


def test_argparse_value_passed_to_a_helper_in_another_function():
    code = '''
    import argparse
    from transformers import AutoModel
    def load(name):
        return AutoModel.from_pretrained(name)
    def main():
        parser = argparse.ArgumentParser()
        parser.add_argument("--base", default="org/argparse")
        options = parser.parse_args()
        load(options.base)
    '''
    assert ids(code) == [("org/argparse", None)]


# ------------------------------------------------------------------------ issue 12 §2: dropped arguments


def test_issue12_starred_arguments_are_a_reference():
    code = '''
    from transformers import AutoModel
    def load(*args):
        return AutoModel.from_pretrained(*args)
    ARGS = ("org/literal-args",)
    AutoModel.from_pretrained(*ARGS)
    def load_kwargs(**options):
        return AutoModel.from_pretrained(**options)
    '''
    assert found(code) == [(4, "", "", True, False), (6, "org/literal-args", "", False, False),
                           (8, "", "", True, None)]


def test_issue12_a_path_object_is_the_id_it_names():
    code = '''
    from pathlib import Path
    from transformers import AutoModel
    AutoModel.from_pretrained(Path("org/m"))
    '''
    assert ids(code) == [("org/m", None)]


def test_issue12_namespace_attribute_and_config_file_attribute():
    code = '''
    from types import SimpleNamespace
    from omegaconf import OmegaConf
    from transformers import AutoModel
    cfg = SimpleNamespace(model="org/ns")
    AutoModel.from_pretrained(cfg.model)
    conf = OmegaConf.load("config.yaml")
    AutoModel.from_pretrained(conf.model_name)
    '''
    found_refs = scan(code).references
    assert [(r.id, r.dynamic, r.expression) for r in found_refs] == [
        ("org/ns", False, None), (None, True, "conf.model_name")]


# ------------------------------------------------------------------- issue 12 §3: flow-insensitive values


def test_issue12_a_default_overridden_by_the_only_call_is_not_the_only_value():
    code = f'''
    from transformers import AutoModel
    def load(revision="{SHA}", trust_remote_code=False):
        return AutoModel.from_pretrained("org/m", revision=revision, trust_remote_code=trust_remote_code)
    load(revision="main", trust_remote_code=True)
    '''
    assert found(code) == [(4, "org/m", SHA, False, True), (4, "org/m", "main", False, True)]


def test_issue12_global_rebinding_inside_a_function():
    code = f'''
    from transformers import AutoModel
    MODEL, REVISION = "org/first", "{SHA}"
    def switch():
        global MODEL, REVISION
        MODEL = "org/second"
        REVISION = "main"
    AutoModel.from_pretrained(MODEL, revision=REVISION)
    '''
    assert sorted(ids(code)) == [("org/first", SHA), ("org/first", "main"), ("org/second", SHA),
                                 ("org/second", "main")]


def test_issue12_walrus_rebinding():
    code = '''
    from transformers import AutoModel
    name = "org/first"
    if (name := "org/walrus"):
        pass
    AutoModel.from_pretrained(name)
    '''
    assert ids(code) == [("org/first", None), ("org/walrus", None)]


def test_issue12_match_capture_rebinding():
    code = '''
    from transformers import AutoModel
    def load(command):
        name = "org/first"
        match command:
            case {"model": name}:
                pass
        return AutoModel.from_pretrained(name)
    '''
    assert found(code) == [(8, "", "", True, False), (8, "org/first", "", False, False)]


def test_issue12_dict_item_and_class_attribute_assignment():
    code = '''
    from transformers import AutoModel
    NAMES = {"m": "org/first"}
    NAMES["m"] = "org/item"
    class Config:
        model = "org/class"
    Config.model = "org/assigned"
    AutoModel.from_pretrained(NAMES["m"])
    AutoModel.from_pretrained(Config.model)
    '''
    assert ids(code) == [("org/first", None), ("org/item", None), ("org/assigned", None), ("org/class", None)]


def test_issue12_attribute_assignment_and_setattr_on_a_namespace():
    code = '''
    from types import SimpleNamespace
    from transformers import AutoModel
    cfg = SimpleNamespace(model="org/first")
    cfg.model = "org/assigned"
    AutoModel.from_pretrained(cfg.model)
    other = SimpleNamespace(model="org/other")
    setattr(other, field_name, "org/setattr")
    AutoModel.from_pretrained(other.model)
    '''
    # Line 7: context detection (a Hub-id-shaped `model=` literal, medium confidence) since `other.model` may
    # still hold it when `field_name` is another attribute.
    assert found(code) == [(6, "org/assigned", "", False, False), (6, "org/first", "", False, False),
                           (7, "org/other", "", False, False), (9, "", "", True, False),
                           (9, "org/setattr", "", False, False)]


def test_issue12_kwargs_item_assignment_and_update_rebind_trust_and_revision():
    code = f'''
    from transformers import AutoModel
    kwargs = {{"revision": "{SHA}", "trust_remote_code": False}}
    kwargs["trust_remote_code"] = True
    kwargs.update(revision="main")
    AutoModel.from_pretrained("org/m", **kwargs)
    '''
    assert found(code) == [(6, "org/m", SHA, False, True), (6, "org/m", "main", False, True)]


def test_issue12_an_unknown_store_into_kwargs_makes_them_unreadable():
    code = f'''
    from transformers import AutoModel
    kwargs = {{"revision": "{SHA}"}}
    kwargs.update(load_options())
    AutoModel.from_pretrained("org/m", **kwargs)
    '''
    assert found(code) == [(5, "org/m", "", False, None)]


# ----------------------------------------------------------------------------------- issue 12 §14: blow-up


def nested_loops(depth: int, width: int) -> str:
    lines = ["from transformers import AutoModel"]
    lines += [f"L{i} = [" + ", ".join(f'"p{i}x{j}"' for j in range(width)) + "]" for i in range(depth)]
    for i in range(depth):
        lines.append("    " * i + f"for v{i} in L{i}:")
    half = depth // 2
    left = " + ".join(f"v{i}" for i in range(half))
    right = " + ".join(f"v{i}" for i in range(half, depth))
    lines.append("    " * depth + f'AutoModel.from_pretrained(("org/" + {left}) + ({right}))')
    return "\n".join(lines) + "\n"


def test_issue12_nested_loops_are_bounded_with_a_warning_and_a_dynamic_reference():
    started = time.process_time()
    result = scan(nested_loops(4, 16))  # 65,536 candidates: minutes of work before
    assert time.process_time() - started < 1
    assert [(r.id, r.dynamic) for r in result.references] == [(None, True)]
    assert [w.message for w in result.warnings] == [
        f"name resolution stopped at a bound (more than {MAX_CANDIDATES} candidate values for one expression); "
        "the values it could not follow are reported as dynamic references"]


class _Counting(Resolver):
    instances: list[Resolver] = []

    def __init__(self, index):
        super().__init__(index)
        _Counting.instances.append(self)


_BLOCKS = st.sampled_from([
    'L{n} = ["org/a{n}", "org/b{n}", "org/c{n}", "org/d{n}"]\n',
    "for x{n} in L{m}:\n    for y{n} in L{n}:\n        X{n} = x{n} + y{n} + X{m}\n",
    "X{n} = X{m} + X{m}\n",
    'X{n} = f"{{X{m}}}/{{X{m}}}"\n',
    "def f{n}(a=X{m}, b=L{m}):\n    return f{m}(a + a, b) or f{m}(a, b)\n",
    "f{n}(X{m})\nf{n}(X{n}, L{m})\n",
    'D{n} = {{"k": X{m}}}\nD{n}["k"] = X{n}\nD{n}.update(k=X{m})\n',
    "def g{n}():\n    global X{m}\n    X{m} = X{n} + X{m}\n",
    "AutoModel.from_pretrained(X{n}, revision=X{m})\nAutoModel.from_pretrained(f{n}(X{m}))\n",
    "snapshot_download(D{n}['k'], **D{m})\nfor z in L{n}: snapshot_download(z + X{m})\n",
    # names that lead back to themselves (each once ended in a RecursionError)
    "X{n} = X{m}.attr\nD{n}.update(D{m})\nL{n}.extend(L{m})\nD{n} = dict(D{m})\n",
    "X{n} = D{m}.get('k', X{n})\nX{m} = getattr(X{n}, 'k', X{m})\nsnapshot_download(L{n}[0], **D{n})\n",
    "class C{n}:\n    m = X{m}\nC{n}.m = C{m}.m\nsetattr(C{m}, 'm', C{n}.m)\nsnapshot_download(C{n}().m)\n",
    "def h{n}(*a, **k):\n    return h{m}(*a, **k) or snapshot_download(*a, **k)\nh{n}(X{m}, revision=X{n})\n",
    "S{n} = SimpleNamespace(m=X{m}, n=S{m})\nX{n} = S{n}.n.m\nif (X{m} := X{n} + X{m}):\n    pass\n",
])


# Every name the blocks use starts out known, so that their combinations multiply (unknown parts collapse).
_PRELUDE = "from types import SimpleNamespace\n" \
    "from transformers import AutoModel\nfrom huggingface_hub import snapshot_download\n" + "".join(
    f'X{i} = "org/x{i}"\nL{i} = ["org/a{i}", "org/b{i}"]\nD{i} = {{"k": "org/d{i}"}}\n'
    f'def f{i}(a="org/f{i}", b=None):\n    return snapshot_download(a)\n'
    f'S{i} = SimpleNamespace(m="org/s{i}")\nclass C{i}:\n    m = "org/c{i}"\n' for i in range(41))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(_BLOCKS, st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=1500))
def test_issue12_resolution_work_per_file_is_bounded(blocks):
    """Generated files of at most 64 KB: resolution stays within its step budget (and well under a second)."""
    text = _PRELUDE
    for block, n, m in blocks:
        piece = block.format(n=n, m=m)
        if len(text) + len(piece) > 64_000:
            break
        text += piece
    original = python_finder.Resolver
    python_finder.Resolver = _Counting  # type: ignore[misc]
    _Counting.instances.clear()
    try:
        started = time.process_time()
        result = python_finder.scan_python_text(text, "generated.py", None)
        elapsed = time.process_time() - started
    finally:
        python_finder.Resolver = original  # type: ignore[misc]
    assert _Counting.instances  # parsed and resolved
    assert not any("could not parse" in w.message for w in result.warnings)
    assert all(r.work <= MAX_WORK + MAX_CANDIDATES for r in _Counting.instances)
    assert elapsed < 5  # generous: the work bound keeps it far below a second on an idle machine
    for reference in result.references:
        assert reference.dynamic or reference.id


def test_names_that_lead_back_to_themselves_end_as_unknown_not_as_a_recursion_error():
    code = '''
    from transformers import AutoModel
    a = b
    b = a
    AutoModel.from_pretrained(a[0])
    D = {"m": "org/d"}
    D.update(D)
    AutoModel.from_pretrained("org/x", **D)
    L = ["org/l"]
    L.extend(L)
    AutoModel.from_pretrained(L[0])
    d = dict(d)
    AutoModel.from_pretrained("org/y", **d)
    x = x.attribute
    AutoModel.from_pretrained(x.name)
    '''
    result = scan(code)
    assert result.warnings == ()
    assert [(r.line, r.id, r.dynamic) for r in result.references] == [
        (5, None, True), (8, "org/x", False), (11, None, True), (13, "org/y", False), (15, None, True)]

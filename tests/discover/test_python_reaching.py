"""Reaching definitions (gate/discover/python_reaching.py): a rebound name has, at a call, the values of the
assignments that can reach the call; where the flow cannot be followed, every value it takes (issue 12 §3)."""

from __future__ import annotations

from gate.discover import python_reaching
from tests.discover.python_helpers import scan


def by_line(code: str) -> dict[int, list[str | None]]:
    found: dict[int, list[str | None]] = {}
    for reference in scan(code).references:
        found.setdefault(reference.line, []).append(reference.id)
    return {line: sorted(values, key=str) for line, values in sorted(found.items())}


def test_straight_line_takes_the_latest_assignment():
    code = '''
    from transformers import AutoModel
    m = "org/a"
    AutoModel.from_pretrained(m)
    m = "org/b"
    AutoModel.from_pretrained(m)
    '''
    assert by_line(code) == {4: ["org/a"], 6: ["org/b"]}


def test_nested_loops_reach_a_fixed_point():
    code = '''
    from transformers import AutoModel
    m = "org/a"
    for i in range(2):
        for j in range(2):
            AutoModel.from_pretrained(m)
            m = "org/inner"
        m = "org/outer"
    AutoModel.from_pretrained(m)
    '''
    assert by_line(code) == {6: ["org/a", "org/inner", "org/outer"], 9: ["org/a", "org/outer"]}


def test_continue_carries_its_value_to_the_next_iteration():
    code = '''
    from transformers import AutoModel
    m = "org/a"
    for i in range(3):
        AutoModel.from_pretrained(m)
        if i:
            m = "org/continued"
            continue
        m = "org/end"
    '''
    assert by_line(code) == {5: ["org/a", "org/continued", "org/end"]}


def test_break_value_reaches_after_the_loop_but_not_the_else():
    code = '''
    from transformers import AutoModel
    m = "org/a"
    for i in range(3):
        if i:
            m = "org/broke"
            break
    else:
        AutoModel.from_pretrained(m)
    AutoModel.from_pretrained(m)
    '''
    assert by_line(code) == {9: ["org/a"], 10: ["org/a", "org/broke"]}


def test_finally_runs_after_a_continue_in_the_body():
    """The value `finally` sets reaches the next iteration (the state at the `continue` itself is kept too:
    more values than the code uses, never fewer)."""
    code = '''
    from transformers import AutoModel
    m = "org/a"
    for i in range(3):
        AutoModel.from_pretrained(m)
        try:
            m = "org/try"
            continue
        finally:
            m = "org/finally"
    '''
    assert by_line(code) == {5: ["org/a", "org/finally", "org/try"]}


def test_match_cases_join_with_no_case_matching():
    code = '''
    from transformers import AutoModel
    m = "org/a"
    match size:
        case "small":
            m = "org/small"
        case "big":
            m = "org/big"
    AutoModel.from_pretrained(m)
    '''
    assert by_line(code) == {9: ["org/a", "org/big", "org/small"]}


def test_code_after_a_raise_keeps_every_value():
    code = '''
    from transformers import AutoModel
    def f():
        m = "org/a"
        raise SystemExit
        AutoModel.from_pretrained(m)
        m = "org/b"
    '''
    assert by_line(code) == {6: ["org/a", "org/b"]}


def test_augmented_assignment_and_walrus_keep_every_value():
    code = '''
    from transformers import AutoModel
    m = "org/a"
    m += "-v2"
    m = "org/b"
    AutoModel.from_pretrained(m)
    n = "org/c"
    if (n := pick()):
        pass
    n = "org/d"
    AutoModel.from_pretrained(n)
    '''
    assert by_line(code) == {6: [None, "org/a", "org/a-v2", "org/b", "org/b-v2"], 11: [None, "org/c", "org/d"]}


def test_a_scope_too_long_to_follow_keeps_every_value(monkeypatch):
    code = '''
    from transformers import AutoModel
    m = "org/a"
    AutoModel.from_pretrained(m)
    m = "org/b"
    '''
    assert by_line(code) == {4: ["org/a"]}
    monkeypatch.setattr(python_reaching, "MAX_FLOW_STEPS", 3)
    assert by_line(code) == {4: ["org/a", "org/b"]}


def test_an_import_is_a_definition_like_an_assignment():
    code = '''
    from settings import MODEL
    from transformers import AutoModel
    AutoModel.from_pretrained(MODEL)
    MODEL = "org/b"
    AutoModel.from_pretrained(MODEL)
    '''
    # the imported value is another module's (unknown here): dynamic at the first call, not at the second
    assert by_line(code) == {4: [None], 6: ["org/b"]}


def test_an_import_in_a_try_body_reaches_its_handler_and_after():
    code = '''
    from ollama import chat
    try:
        from ollama import pull
        pull("gemma2:2b")
    except ImportError:
        def pull(name):
            return name
    pull("gemma2:9b")
    chat("gemma2:27b")
    '''
    # after the statement either `pull` may hold: not assumed to be ollama's; `chat` is bound once
    assert by_line(code) == {5: ["gemma2:2b"], 10: ["gemma2:27b"]}


def test_the_same_switch_tested_twice_pairs_its_branches():
    code = '''
    from huggingface_hub import snapshot_download
    from modelscope import dataset_snapshot_download

    def prepare(repo_id="org/hub-data"):
        if use_modelscope():
            repo_id = "org/ms-data"
        if use_modelscope():
            dataset_snapshot_download(dataset_id=repo_id)
        else:
            snapshot_download(repo_id=repo_id, repo_type="dataset")
        snapshot_download(repo_id=repo_id, repo_type="dataset")
    '''
    assert by_line(code) == {9: ["org/ms-data"], 11: ["org/hub-data"], 12: ["org/hub-data", "org/ms-data"]}


def test_a_switch_is_not_paired_once_its_name_is_redefined_or_it_takes_arguments():
    code = '''
    from transformers import AutoModel

    def load(flag, m="org/a"):
        if enabled():
            m = "org/b"
        m2 = m
        if enabled(flag):
            AutoModel.from_pretrained(m)
        if enabled():
            m = "org/c"
        else:
            AutoModel.from_pretrained(m)
        if enabled():
            AutoModel.from_pretrained(m)
    '''
    assert by_line(code) == {9: ["org/a", "org/b"], 13: ["org/a"], 15: ["org/c"]}


def test_a_branch_that_returns_leaves_only_the_other_for_the_same_test():
    code = '''
    from transformers import AutoModel

    def load(m="org/a"):
        if offline():
            m = "org/local-mirror"
            return
        if offline():
            AutoModel.from_pretrained(m)
        else:
            AutoModel.from_pretrained(m)
    '''
    assert by_line(code) == {9: ["org/a", "org/local-mirror"], 11: ["org/a"]}

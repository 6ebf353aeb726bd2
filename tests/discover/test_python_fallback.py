"""Python that does not parse: a conservative text scan plus a warning, never a crash."""

from __future__ import annotations

from gate.discover.python_fallback import fallback_scan
from tests.discover.python_helpers import SHA, ids, scan


def test_python2_file_falls_back_to_text_scan_with_a_warning():
    code = f'''
    from transformers import AutoModel
    print "loading"
    AutoModel.from_pretrained("org/py2", revision="{SHA}")
    AutoModel.from_pretrained(NAME)
    # AutoModel.from_pretrained("org/commented")
    '''
    result = scan(code)
    assert [(r.id, r.revision, r.pinned, r.dynamic, r.expression, r.line) for r in result.references] == [
        ("org/py2", SHA, True, False, None, 4), (None, None, False, True, "NAME", 5)]
    (warning,) = result.warnings
    assert warning.path == "snippet.py"
    assert warning.message.startswith("could not parse as Python (Missing parentheses in call to 'print'")
    assert "used a text scan" in warning.message


def test_fallback_reads_keywords_repo_type_and_hub_strings():
    code = '''
    def broken(:
        hf_hub_download(repo_id="org/data", filename="x.csv", repo_type="dataset", revision="main")
        url = "https://huggingface.co/org/u/resolve/main/x.bin"
        pd.read_parquet("hf://datasets/org/pq/x.parquet")
    '''
    result = scan(code)
    assert [(r.kind, r.source, r.id, r.revision, r.api) for r in result.references] == [
        ("dataset", "huggingface", "org/data", "main", "huggingface_hub.hf_hub_download"),
        ("model", "url", "org/u", "main", "url"),
        ("dataset", "huggingface", "org/pq", None, "hf://"),
    ]
    assert len(result.warnings) == 1


def test_replacement_characters_and_null_bytes_do_not_crash():
    code = 'from transformers import AutoModel\nx = "\ufffd\ufffd"\x00\nAutoModel.from_pretrained("org/m")\n'
    result = scan(code)
    assert [r.id for r in result.references] == ["org/m"]
    assert "could not parse as Python" in result.warnings[0].message


def test_deeply_nested_expression_is_a_warning_not_a_crash():
    code = "from transformers import AutoModel\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n" \
        'AutoModel.from_pretrained("org/deep")\n'
    result = scan(code)
    assert [r.id for r in result.references] == ["org/deep"]
    assert "could not parse as Python" in result.warnings[0].message


def test_deep_but_parsable_binop_chain_is_scanned():
    code = "from transformers import AutoModel\nNAME = " + " + ".join(['"a"'] * 300) + "\n" \
        "AutoModel.from_pretrained(NAME)\n"
    result = scan(code)
    assert result.warnings == ()
    assert [(r.id, r.dynamic) for r in result.references] == [(None, True)]


def test_unterminated_call_and_string_do_not_hang():
    code = 'AutoModel.from_pretrained("org/m", revision="' + "x" * 100_000
    assert fallback_scan(code, "x.py", None) == []


def test_files_without_any_catalog_token_are_not_parsed():
    # A syntax error that would produce a warning if the file were parsed.
    assert scan("def broken(:\n    return 1\n").warnings == ()
    assert ids("print('no models here')\n") == []


def test_common_words_alone_do_not_make_a_file_worth_parsing():
    for code in ("def encoder_pipeline(x):\n    return x.pipeline(1)\n", "STEPS = ['pipeline']\ndef broken(:\n",
                 "def evaluate(model):\n    return model\n"):
        assert scan(code).references == () and scan(code).warnings == ()
    assert ids("from transformers import pipeline\npipeline('fill-mask', model='org/m')\n") == [("org/m", None)]
    assert ids("import evaluate\nevaluate.load('org/metric')\n") == [("org/metric", None)]


def test_fallback_drops_only_the_slot_its_skip_keyword_turns_off():
    code = '''
    from optimum.habana import GaudiTrainingArguments
    def broken(:
        GaudiTrainingArguments(push_to_hub=False, gaudi_config_name="Habana/gaudi-a", hub_model_id="me/never")
        GaudiTrainingArguments(push_to_hub=True, gaudi_config_name="Habana/gaudi-b", hub_model_id="me/pushed")
    '''
    result = scan(code)
    assert [(r.id, r.role, r.pinnable, r.line) for r in result.references] == [
        ("Habana/gaudi-a", "load", False, 4), ("Habana/gaudi-b", "load", False, 5), ("me/pushed", "publish", False, 5)]

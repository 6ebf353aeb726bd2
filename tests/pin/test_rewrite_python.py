"""Python rewriting with libcst: every place a revision can go, formatting and comments kept."""

from __future__ import annotations

import ast
import textwrap

from gate.pin.rewrite_python import rewrite_python
from tests.pin.helpers import SHA, comment, pin, ref


def rewrite(source: str, *references):
    source = textwrap.dedent(source)
    result = rewrite_python(source, [pin(r) for r in references])
    ast.parse(result.text)
    return result


def test_adds_revision_keyword_and_comment():
    result = rewrite('m = AutoModel.from_pretrained("org/m")\n', ref(1, 5))
    assert result.text == f'm = AutoModel.from_pretrained("org/m", revision="{SHA}")  {comment()}\n'
    assert [p.reference.line for p in result.pinned] == [1] and result.skipped == ()


def test_replaces_a_branch_and_appends_to_an_existing_comment():
    source = 'm = AutoModel.from_pretrained("org/m", revision="main")  # the base model\n'
    result = rewrite(source, ref(1, 5, revision="main"))
    assert result.text == (f'm = AutoModel.from_pretrained("org/m", revision="{SHA}")  # the base model  '
                           f'{comment("main")}\n')


def test_a_line_already_annotated_by_an_earlier_run_gets_no_second_comment():
    source = (f'a, b = AutoModel.from_pretrained("org/m", revision="{SHA}"), AutoModel.from_pretrained("org/t")'
              f'  {comment()}\n')
    result = rewrite(source, ref(1, source.index('AutoModel.from_pretrained("org/t")') + 1, id_="org/t"))
    assert result.text == (f'a, b = AutoModel.from_pretrained("org/m", revision="{SHA}"), '
                           f'AutoModel.from_pretrained("org/t", revision="{SHA}")  {comment()}\n')


def test_diffusers_custom_revision_is_added_or_replaced():
    source = ('p = DiffusionPipeline.from_pretrained("org/base", custom_pipeline="org/pipe")\n'
              'q = DiffusionPipeline.from_pretrained("org/base", custom_pipeline="org/pipe", custom_revision="v1")\n')
    api = "diffusers.from_pretrained"
    result = rewrite(source, ref(1, 5, id_="org/pipe", key="custom_revision", api=api),
                     ref(2, 5, id_="org/pipe", revision="v1", key="custom_revision", api=api))
    assert result.text == (
        f'p = DiffusionPipeline.from_pretrained("org/base", custom_pipeline="org/pipe", custom_revision="{SHA}")'
        f'  {comment()}\n'
        f'q = DiffusionPipeline.from_pretrained("org/base", custom_pipeline="org/pipe", custom_revision="{SHA}")'
        f'  {comment("v1")}\n')
    assert len(result.pinned) == 2 and result.skipped == ()


def test_comment_names_the_branch_or_tag_followed():
    result = rewrite("m = AutoModel.from_pretrained('org/m', revision='v1.0')\n", ref(1, 5, revision="v1.0"))
    assert result.text == f"m = AutoModel.from_pretrained('org/m', revision='{SHA}')  {comment('v1.0')}\n"


def test_multiline_call_keeps_its_layout_and_trailing_comma():
    source = """\
        model = AutoModel.from_pretrained(
            "org/m",  # which model
            trust_remote_code=False,
        )
        """
    result = rewrite(source, ref(1, 9))
    assert result.text == textwrap.dedent(f"""\
        model = AutoModel.from_pretrained(
            "org/m",  # which model
            trust_remote_code=False,
            revision="{SHA}",
        )  {comment()}
        """)


def test_hanging_indent_without_trailing_comma():
    source = 'y = AutoModel.from_pretrained("org/m",\n                              cache_dir="/c")\n'
    result = rewrite(source, ref(1, 5))
    assert result.text == (f'y = AutoModel.from_pretrained("org/m",\n                              cache_dir="/c",\n'
                           f'                              revision="{SHA}")  {comment()}\n')


def test_constant_backed_id_is_pinned_at_the_call_and_the_constant_is_left_alone():
    source = 'MODEL = "org/m"\nm = AutoModel.from_pretrained(MODEL)\n'
    result = rewrite(source, ref(2, 5))
    assert result.text == f'MODEL = "org/m"\nm = AutoModel.from_pretrained(MODEL, revision="{SHA}")  {comment()}\n'


def test_revision_from_a_constant_is_replaced_at_the_call():
    source = 'REV = "main"\nm = AutoModel.from_pretrained("org/m", revision=REV)\n'
    result = rewrite(source, ref(2, 5, revision="main"))
    assert result.text.splitlines()[0] == 'REV = "main"'
    assert f'revision="{SHA}")' in result.text.splitlines()[1]


def test_tokenizer_revision_keyword():
    source = 'llm = LLM(model="org/m", revision="' + SHA + '", tokenizer="org/t", tokenizer_revision="main")\n'
    result = rewrite(source, ref(1, 7, id_="org/t", revision="main", key="tokenizer_revision", api="vllm.LLM"))
    assert result.text.startswith(f'llm = LLM(model="org/m", revision="{SHA}", tokenizer="org/t", '
                                  f'tokenizer_revision="{SHA}")')


def test_model_kwargs_dict_gets_a_revision_entry():
    source = 'e = HuggingFaceEmbeddings(model_name="org/m", model_kwargs={"device": "cpu"})\n'
    result = rewrite(source, ref(1, 5, key="model_kwargs.revision", api="langchain.HuggingFaceEmbeddings"))
    assert result.text.startswith(
        f'e = HuggingFaceEmbeddings(model_name="org/m", model_kwargs={{"device": "cpu", "revision": "{SHA}"}})')


def test_model_kwargs_is_added_when_absent_and_replaced_when_present():
    added = rewrite('e = HuggingFaceEmbeddings(model_name="org/m")\n',
                    ref(1, 5, key="model_kwargs.revision", api="HuggingFaceEmbeddings"))
    assert f'model_kwargs={{"revision": "{SHA}"}})' in added.text
    replaced = rewrite('e = HuggingFaceEmbeddings(model_name="org/m", model_kwargs={"revision": "main"})\n',
                       ref(1, 5, revision="main", key="model_kwargs.revision", api="HuggingFaceEmbeddings"))
    assert f'model_kwargs={{"revision": "{SHA}"}})' in replaced.text


def test_model_kwargs_that_is_not_a_literal_dict_is_listed():
    result = rewrite('e = HuggingFaceEmbeddings(model_name="org/m", model_kwargs=KW)\n',
                     ref(1, 5, key="model_kwargs.revision", api="HuggingFaceEmbeddings"))
    assert result.pinned == () and "not a literal dict" in result.skipped[0].reason


def test_hf_path_gets_the_pin_inside_the_string():
    source = 'df = pd.read_parquet("hf://datasets/org/d/data/train.parquet")\n'
    result = rewrite(source, ref(1, 22, id_="org/d", key="@", kind="dataset", api="pandas.read_parquet"))
    assert result.text == f'df = pd.read_parquet("hf://datasets/org/d@{SHA}/data/train.parquet")  {comment()}\n'


def test_hf_path_branch_is_replaced():
    source = 'fs.open("hf://org/m@main/config.json")\n'
    result = rewrite(source, ref(1, 1, revision="main", key="@", api="HfFileSystem.open"))
    assert f'"hf://org/m@{SHA}/config.json"' in result.text


def test_hf_hub_name():
    result = rewrite('t = timm.create_model("hf-hub:org/m", pretrained=True)\n', ref(1, 5, key="@", api="timm.create_model"))
    assert result.text.startswith(f't = timm.create_model("hf-hub:org/m@{SHA}", pretrained=True)')


def test_timm_registry_name_is_pinned_as_an_hf_hub_name():
    # timm reads a revision only in an `hf-hub:` name: `timm/<name>@<sha>` would not be a model name it knows
    source = 't = timm.create_model("timm/resnet50.a1_in1k", pretrained=True)\n'
    result = rewrite(source, ref(1, 5, id_="timm/resnet50.a1_in1k", key="@", api="timm.create_model"))
    assert result.text == (f't = timm.create_model("hf-hub:timm/resnet50.a1_in1k@{SHA}", pretrained=True)'
                           f'  {comment()}\n')


def test_hf_hub_name_held_in_a_constant_is_listed_not_rewritten():
    source = 'NAME = "hf-hub:org/m"\nt = timm.create_model(NAME)\n'
    result = rewrite(source, ref(2, 5, key="@", api="timm.create_model"))
    assert result.text == source
    assert "not written at this call" in result.skipped[0].reason


def test_url_in_a_python_string():
    source = 'u = "https://huggingface.co/org/m/resolve/main/config.json"\n'
    result = rewrite(source, ref(1, 6, revision="main", key="url", api="url", source="url"))
    assert result.text == f'u = "https://huggingface.co/org/m/resolve/{SHA}/config.json"  {comment("main")}\n'


def test_chained_call_pins_the_loading_call_not_the_chain():
    result = rewrite('m = AutoModel.from_pretrained("org/m").to("cuda")\n', ref(1, 5))
    assert result.text.startswith(f'm = AutoModel.from_pretrained("org/m", revision="{SHA}").to("cuda")')


def test_call_in_an_if_header_gets_the_comment_on_the_header():
    source = 'if AutoModel.from_pretrained("org/m").ok:\n    pass\n'
    result = rewrite(source, ref(1, 4))
    assert result.text == f'if AutoModel.from_pretrained("org/m", revision="{SHA}").ok:  {comment()}\n    pass\n'


def test_call_inside_a_function_body():
    source = 'def load():\n    return AutoModel.from_pretrained("org/m")\n'
    result = rewrite(source, ref(2, 12))
    assert result.text == f'def load():\n    return AutoModel.from_pretrained("org/m", revision="{SHA}")  {comment()}\n'


def test_star_star_kwargs_might_already_carry_a_revision_so_it_is_listed():
    source = 'm = AutoModel.from_pretrained("org/m", **options)\n'
    result = rewrite(source, ref(1, 5))
    assert result.text == source and "**kwargs" in result.skipped[0].reason


def test_call_that_cannot_be_found_is_listed():
    source = 'm = load("org/m")\n'
    result = rewrite(source, ref(1, 30))
    assert result.text == source and "could not find" in result.skipped[0].reason


def test_unparsable_file_is_left_alone():
    source = 'print "hello"\nAutoModel.from_pretrained("org/m")\n'
    result = rewrite_python(source, [pin(ref(2, 1))])
    assert result.text == source and "does not parse" in result.skipped[0].reason


def test_two_ids_of_one_repository_at_one_call_share_the_revision():
    source = 'p = pipeline("t", model="org/m", tokenizer="org/m")\n'
    result = rewrite(source, ref(1, 5, api="transformers.pipeline"), ref(1, 5, api="transformers.pipeline"))
    assert result.text.count(SHA) == 1 and len(result.pinned) == 2


def test_no_pins_changes_nothing():
    source = 'm = AutoModel.from_pretrained("org/m")  # x\n'
    assert rewrite_python(source, []).text == source


def test_id_that_can_change_at_run_time_is_listed_not_pinned():
    sources = {
        'def load(model_id="org/m"):\n    return AutoModel.from_pretrained(model_id)\n': (2, 12),
        'm = AutoModel.from_pretrained(os.getenv("MODEL", "org/m"))\n': (1, 5),
        'm = AutoModel.from_pretrained(args.model)\n': (1, 5),
        'MODEL = "org/m"\nMODEL = "org/other"\nm = AutoModel.from_pretrained(MODEL)\n': (3, 5),
    }
    for source, (line, column) in sources.items():
        result = rewrite(source, ref(line, column))
        assert result.text == source, source
        assert "can differ at run time" in result.skipped[0].reason


def test_revision_chosen_at_run_time_is_listed_not_replaced():
    source = 'def load(revision="main"):\n    return AutoModel.from_pretrained("org/m", revision=revision)\n'
    result = rewrite(source, ref(2, 12, revision="main"))
    assert result.text == source and "revision at this call is set at run time" in result.skipped[0].reason


def test_id_built_from_module_constants_is_pinned():
    source = 'ORG = "org"\nm = AutoModel.from_pretrained(f"{ORG}/m")\nn = AutoModel.from_pretrained(ORG + "/m")\n'
    result = rewrite(source, ref(2, 5), ref(3, 5))
    assert result.text.count(f'revision="{SHA}"') == 2


def test_revision_passed_by_position_is_listed_not_doubled():
    source = 'p = hf_hub_download("org/m", "config.json", None, None, "main")\n'
    result = rewrite(source, ref(1, 5, revision="main", api="huggingface_hub.hf_hub_download"))
    assert result.text == source and "passed by position" in result.skipped[0].reason


def test_two_hf_paths_of_one_dataset_in_one_call_are_both_pinned_once():
    source = 'ds = load_dataset("parquet", data_files={"a": "hf://datasets/org/d/a.parquet", "b": "hf://datasets/org/d/b.parquet"})\n'
    refs = [ref(1, 6, id_="org/d", key="@", kind="dataset", api="datasets.load_dataset") for _ in range(2)]
    result = rewrite(source, *refs)
    assert result.skipped == () and len(result.pinned) == 2
    assert result.text.count(f"org/d@{SHA}/") == 2


# One up-to-date comment, the file's own quotes (issue 16 §3).


def test_a_not_pinned_note_is_replaced_not_contradicted():
    source = 'm = AutoModel.from_pretrained("org/m", revision="main")  # not pinned: follows main\n'
    result = rewrite(source, ref(1, 5, revision="main"))
    assert result.text == f'm = AutoModel.from_pretrained("org/m", revision="{SHA}")  {comment("main")}\n'


def test_an_earlier_runs_note_is_replaced_and_a_noqa_kept():
    source = ('m = AutoModel.from_pretrained("org/m", revision="v2")  # noqa: E501  '
              '# pinned from v1 on 2026-01-02 by model-gate pin\n')
    result = rewrite(source, ref(1, 5, revision="v2"))
    assert result.text == f'm = AutoModel.from_pretrained("org/m", revision="{SHA}")  # noqa: E501  {comment("v2")}\n'


def test_a_note_with_a_hash_inside_is_kept_whole():
    source = "m = AutoModel.from_pretrained('org/m')  # see issue #12\n"
    result = rewrite(source, ref(1, 5))
    assert result.text == f"m = AutoModel.from_pretrained('org/m', revision='{SHA}')  # see issue #12  {comment()}\n"


def test_the_revision_takes_the_files_quotes_when_the_call_has_no_string():
    source = "MODEL = 'org/m'\nm = AutoModel.from_pretrained(MODEL)\n"
    result = rewrite(source, ref(2, 5))
    assert result.text == f"MODEL = 'org/m'\nm = AutoModel.from_pretrained(MODEL, revision='{SHA}')  {comment()}\n"


def test_pyannote_bare_id_is_pinned_after_an_at_sign():
    # pyannote.audio reads `org/m@<revision>` (its getters take no revision keyword)
    result = rewrite('m = get_model("org/m")\n', ref(1, 5, key="@", api="pyannote.get_model"))
    assert result.text == f'm = get_model("org/m@{SHA}")  {comment()}\n'
    result = rewrite('m = get_model("org/m@v1")\n', ref(1, 5, revision="v1", key="@", api="pyannote.get_model"))
    assert result.text == f'm = get_model("org/m@{SHA}")  {comment("v1")}\n'

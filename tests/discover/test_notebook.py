"""Notebooks: code cells (one module across cells), shell lines, and lines that point into the raw .ipynb."""

from __future__ import annotations

import json

import pytest

from gate.discover.engine import discover
from gate.discover.interface import SourceFile
from gate.discover.notebook_finder import NotebookError, NotebookFinder, load_with_offsets
from tests.discover.expected_refs import FIXTURES, actual, expected

SHA = "0123456789abcdef0123456789abcdef01234567"


def _scan(text: str):
    return NotebookFinder().scan(SourceFile("nb.ipynb", "/nonexistent/nb.ipynb"), text, None)


def _notebook(*sources, indent=1) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}
             for source in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=indent)


@pytest.mark.parametrize("form", ["cells", "broken-json"])
def test_fixture_references_are_exact(form):
    assert actual(discover(str(FIXTURES / "notebooks" / form / "repo"))) == expected(f"notebooks/{form}")


def test_lines_point_at_the_raw_notebook_line_of_the_call():
    text = _notebook(["from transformers import AutoModel\n", "MODEL = 'org/m'\n"],
                     ["x = 1\n", f"AutoModel.from_pretrained(MODEL, revision='{SHA}')\n"])
    (reference,) = _scan(text).references
    raw_lines = text.split("\n")
    assert "AutoModel.from_pretrained(MODEL" in raw_lines[reference.line - 1]
    assert raw_lines[reference.line - 1][reference.column - 1:].startswith("AutoModel.from_pretrained")
    assert (reference.id, reference.pinned, reference.syntax) == ("org/m", True, "notebook")


def test_markdown_cells_and_outputs_are_not_code():
    text = json.dumps({"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["AutoModel.from_pretrained('org/md')"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["print(1)"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["AutoModel.from_pretrained('org/out')"]}]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    assert _scan(text).references == ()


def test_shell_lines_and_bash_cells_go_to_the_shell_finder():
    text = _notebook(["!hf download org/bang --revision main\n", "files = !huggingface-cli download org/assigned\n"],
                     ["%%bash\n", f"hf download org/bash --revision {SHA}\n"])
    found = _scan(text).references
    assert [(r.id, r.revision, r.pinned, r.syntax, r.api) for r in found] == [
        ("org/bang", "main", False, "notebook", "shell:hf download"),
        ("org/assigned", None, False, "notebook", "shell:huggingface-cli download"),
        ("org/bash", SHA, True, "notebook", "shell:hf download"),
    ]


def test_a_cell_that_does_not_parse_is_text_scanned_and_the_others_still_resolve():
    text = _notebook(["from transformers import AutoModel\n", "NAME = 'org/good'\n"],
                     ["print 'py2'\n", "AutoModel.from_pretrained('org/legacy')\n"],
                     ["AutoModel.from_pretrained(NAME)\n"])
    result = _scan(text)
    assert sorted(r.id for r in result.references) == ["org/good", "org/legacy"]
    (warning,) = result.warnings
    assert warning.message.startswith("code cell 2 could not be parsed as Python")


def test_broken_json_is_a_warning_and_urls_are_still_found():
    result = _scan('{"cells": [ {"source": "https://huggingface.co/org/x/resolve/main/y.bin"')
    assert [r.id for r in result.references] == ["org/x"]
    assert result.warnings[0].message.startswith("not a readable notebook")


def test_offset_parser_matches_json_loads_and_rejects_garbage():
    text = _notebook(["a\n", "b \\u00e9 \"q\"\n"], "single", indent=None)
    assert load_with_offsets(text) == json.loads(text)
    assert load_with_offsets('[1, -2.5e3, true, null, {"a": []}]') == [1, -2500.0, True, None, {"a": []}]
    for bad in ("{", '{"a" 1}', "[1 2]", "[1,]", '{"a": 1} x', ""):
        with pytest.raises(NotebookError):
            load_with_offsets(bad)


def test_deeply_nested_json_does_not_overflow_the_stack():
    result = _scan("[" * 100_000 + "]" * 100_000)
    assert result.references == ()
    assert result.warnings[0].message == "notebook has no cells list; nothing scanned"


def test_ipython_help_and_magics_do_not_break_parsing_of_the_cell():
    text = _notebook(["from transformers import AutoModel\n", "AutoModel.from_pretrained?\n", "%load_ext autoreload\n",
                      "if True:\n", "    %time x = 1\n", "    m = AutoModel.from_pretrained('org/in-block')\n",
                      "q = 'why?'\n"])
    result = _scan(text)
    assert [r.id for r in result.references] == ["org/in-block"]
    assert result.warnings == ()


def test_code_too_large_to_parse_gets_the_text_scan_with_a_warning(monkeypatch):
    from gate.discover import notebook_finder

    monkeypatch.setattr(notebook_finder, "MAX_PARSE_BYTES", 100)
    text = _notebook(["from transformers import AutoModel\n", "x = 1\n" * 40, "AutoModel.from_pretrained('org/big')\n"])
    result = _scan(text)
    assert [(r.id, r.line) for r in result.references] == [("org/big", 11)]
    assert "too large to parse" in result.warnings[0].message


def test_shell_line_columns_point_at_the_command_in_the_raw_notebook():
    text = _notebook(["import os\n", "!hf download org/bang\n", "  !huggingface-cli download org/indented\n",
                      "%sx hf download org/sx\n", "out = !hf download org/assigned\n"],
                     ["%%bash\n", "hf download org/cell\n", "  hf download org/cellindent\n"],
                     "!hf download org/string-source")
    raw_lines = text.split("\n")
    found = [(r.id, raw_lines[r.line - 1][r.column - 1:]) for r in _scan(text).references]
    assert found == [
        ("org/bang", 'hf download org/bang\\n",'),
        ("org/indented", 'huggingface-cli download org/indented\\n",'),
        ("org/sx", 'hf download org/sx\\n",'),
        ("org/assigned", 'hf download org/assigned\\n"'),
        ("org/cell", 'hf download org/cell\\n",'),
        ("org/cellindent", 'hf download org/cellindent\\n"'),
        ("org/string-source", 'hf download org/string-source"'),
    ]


# --------------------------------------------------------------------------- issue 11 §5, issue 12 §7

NOTEBOOK_FORMS = sorted(p.name for p in FIXTURES.iterdir() if p.name.startswith("notebook-"))


@pytest.mark.parametrize("form", NOTEBOOK_FORMS)
def test_notebook_fixture_references_are_exact(form):
    assert actual(discover(str(FIXTURES / form / "repo"))) == expected(form)


def _points_at(text: str, reference, expected_start: str) -> bool:
    raw_line = text.split("\n")[reference.line - 1]
    return raw_line[reference.column - 1:].startswith(expected_start)


def test_one_string_source_lines_point_at_their_own_raw_column():
    text = _notebook("import os\nfrom transformers import AutoModel\n\nm = AutoModel.from_pretrained('org/s')\n"
                     "!hf download org/t")
    first, second = _scan(text).references
    assert first.line == second.line  # one JSON string: one raw line
    assert _points_at(text, first, "AutoModel.from_pretrained('org/s')")
    assert _points_at(text, second, "hf download org/t")


@pytest.mark.parametrize("magic", ["%time ", "%timeit ", "%timeit -n 10 -r 2 ", "%prun -s cumulative ",
                                   "%time   "])
def test_line_magics_that_run_a_statement_are_python(magic):
    text = _notebook(["from transformers import AutoModel\n", f"{magic}AutoModel.from_pretrained('evil-org/m')\n"])
    (reference,) = _scan(text).references
    assert reference.id == "evil-org/m" and _points_at(text, reference, "AutoModel.from_pretrained('evil-org/m')")


@pytest.mark.parametrize("first_line", ["%%time", "%%timeit", "%%timeit -n1", "%%python", "%%python3",
                                        "%%script python3", "%%script --bg python", "%%script /usr/bin/python3.11",
                                        "%%capture out"])
def test_cell_magics_that_run_python(first_line):
    text = _notebook([f"{first_line}\n", "from transformers import AutoModel\n",
                      "AutoModel.from_pretrained('evil-org/cell')\n"])
    assert [r.id for r in _scan(text).references] == ["evil-org/cell"]


@pytest.mark.parametrize("first_line", ["%%bash", "%%script bash", "%%script --bg bash", "%%script --out o sh",
                                        "%%sh --bg"])
def test_cell_magics_that_run_a_shell(first_line):
    text = _notebook([f"{first_line}\n", "hf download evil-org/shell\n"])
    assert [(r.id, r.api) for r in _scan(text).references] == [("evil-org/shell", "shell:hf download")]


def test_timeit_cell_setup_statement_is_python():
    text = _notebook(["%%timeit -n1 -r 1 m = AutoModel.from_pretrained('evil-org/setup')\n", "pass\n"])
    (reference,) = _scan(text).references
    assert _points_at(text, reference, "AutoModel.from_pretrained('evil-org/setup')")


def test_run_scans_the_repository_file_once_under_its_own_path():
    found = discover(str(FIXTURES / "notebook-magics" / "repo")).references
    by_path = {}
    for reference in found:
        by_path.setdefault(reference.path, []).append(reference.id)
    # A `.txt` file is only Python because the notebook runs it; the `.py` one is not reported twice.
    assert by_path["tools/helper.txt"] == ["evil-org/run-txt"] and by_path["tools/prep.py"] == ["evil-org/run-py"]
    only_prep = discover(str(FIXTURES / "notebook-magics" / "repo"), paths=["run.ipynb"]).references
    assert {r.path for r in only_prep} == {"run.ipynb", "tools/helper.txt", "tools/prep.py"}


def test_run_outside_the_repository_is_a_warning_and_reads_nothing(tmp_path):
    (tmp_path / "outside.py").write_text("from transformers import AutoModel\nAutoModel.from_pretrained('x/y')\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "nb.ipynb").write_text(_notebook(["%run ../outside.py\n"]))
    result = discover(str(repo))
    assert result.references == ()
    assert [w.message for w in result.warnings] == [
        "`%run ../outside.py` runs a script that is not in the repository; it was not analysed"]


def test_writefile_of_a_config_is_read_as_that_config():
    text = _notebook(["%%writefile conf/train.yaml\n", "model_name_or_path: org/w\n", "model_revision: main\n"])
    (reference,) = _scan(text).references
    assert (reference.api, reference.revision, reference.syntax) == ("config:model_name_or_path", "main", "notebook")
    assert _points_at(text, reference, "model_name_or_path: org/w")


def test_yaml_in_a_python_string_is_read_as_yaml_with_its_lines():
    text = _notebook(["import yaml\n", "cfg = yaml.safe_load('''\n", "model_id: org/in-string\n", "''')\n"])
    (reference,) = _scan(text).references
    assert reference.api == "config:model_id" and _points_at(text, reference, "model_id: org/in-string")


def test_a_shell_line_continued_with_backslashes_is_one_command_and_not_python():
    text = _notebook(["import json\n", "!hf download org/continued \\\n", "    --revision main \\\n", "    --quiet\n",
                      "x = 1\n"])
    result = _scan(text)
    assert [(r.id, r.revision) for r in result.references] == [("org/continued", "main")]
    assert result.warnings == ()


def test_run_resolves_from_the_notebook_folder_then_the_repository_root(tmp_path):
    (tmp_path / "tutorials").mkdir()
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "infer").write_text("from transformers import AutoModel\n"
                                                "AutoModel.from_pretrained('evil-org/from-root')\n")
    (tmp_path / "tutorials" / "nb.ipynb").write_text(_notebook(["%run -i scripts/infer --flag\n"]))
    result = discover(str(tmp_path), paths=["tutorials/nb.ipynb"])
    assert [(r.path, r.id) for r in result.references] == [("scripts/infer", "evil-org/from-root")]
    assert result.warnings == ()


def test_pip_automagic_lines_are_shell_not_broken_python():
    text = _notebook(["pip install -q transformers\n", "from transformers import AutoModel\n",
                      "AutoModel.from_pretrained('org/after-pip')\n"])
    result = _scan(text)
    assert [r.id for r in result.references] == ["org/after-pip"] and result.warnings == ()

"""Notebooks: code cells pinned through the same rewriters; outputs, metadata and other cells left byte for byte."""

from __future__ import annotations

import json

from gate.discover.engine import discover
from gate.pin.rewrite import rewrite_file
from tests.pin.helpers import SHA, choose, comment, pin

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Démo\n", 'AutoModel.from_pretrained("org/x")']},
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
         "source": ["from transformers import AutoModel\n", 'MODEL = "org/m"  # ü']},
        {"cell_type": "code", "execution_count": 2, "metadata": {"tags": ["x"]},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}],
         "source": ["!hf download org/m --local-dir m\n", "model = AutoModel.from_pretrained(MODEL)\n",
                    "tok = AutoModel.from_pretrained(\n", '    "org/t",\n', ")\n", "%time x = 1"]},
        {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [],
         "source": ["%%bash\n", "huggingface-cli download org/d --repo-type dataset\n"]},
        {"cell_type": "code", "execution_count": 4, "metadata": {}, "outputs": [],
         "source": 'm2 = AutoModel.from_pretrained("org/m")'},
    ],
    "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5,
}


def pin_notebook(tmp_path, notebook: dict) -> tuple[str, str, object]:
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    (tmp_path / "demo.ipynb").write_text(text, encoding="utf-8")
    wanted, _, _ = choose(discover(str(tmp_path)).references)
    result = rewrite_file("demo.ipynb", text, [pin(r) for r in wanted])
    (tmp_path / "demo.ipynb").write_text(result.text, encoding="utf-8")
    return text, result.text, result


def test_code_cells_are_pinned_and_everything_else_is_untouched(tmp_path):
    before, after, result = pin_notebook(tmp_path, NOTEBOOK)
    assert len(result.pinned) == 5 and result.skipped == ()
    old, new = json.loads(before), json.loads(after)
    for old_cell, new_cell in zip(old["cells"], new["cells"], strict=True):
        assert {k: v for k, v in old_cell.items() if k != "source"} == {k: v for k, v in new_cell.items() if k != "source"}
    assert new["cells"][0] == old["cells"][0] and new["cells"][1] == old["cells"][1]
    assert new["cells"][2]["source"] == [
        f"!hf download org/m --revision {SHA} --local-dir m  {comment()}\n",
        f'model = AutoModel.from_pretrained(MODEL, revision="{SHA}")  {comment()}\n',
        "tok = AutoModel.from_pretrained(\n", '    "org/t",\n', f'    revision="{SHA}",\n', f")  {comment()}\n",
        "%time x = 1",
    ]
    assert new["cells"][3]["source"][1] == f"huggingface-cli download org/d --revision {SHA} --repo-type dataset  {comment()}\n"
    assert new["cells"][4]["source"] == f'm2 = AutoModel.from_pretrained("org/m", revision="{SHA}")  {comment()}'
    # Unchanged lines keep their exact bytes (here: the non-ASCII markdown and constant).
    assert '"MODEL = \\"org/m\\"  # ü"' in after


def test_pinned_notebook_has_nothing_left_to_pin(tmp_path):
    pin_notebook(tmp_path, NOTEBOOK)
    wanted, skipped, already = choose(discover(str(tmp_path)).references)
    assert wanted == [] and skipped == [] and len(already) == 5


def test_unreadable_notebook_is_left_alone(tmp_path):
    text = '{"cells": [ {"cell_type": "code", "source": ["AutoModel.from_pretrained(\\"org/m\\")"'
    from tests.pin.helpers import ref

    result = rewrite_file("bad.ipynb", text, [pin(ref(1, 30, syntax="notebook", path="bad.ipynb"))])
    assert result.text == text and "could not be read" in result.skipped[0].reason


def test_python2_cell_is_listed_and_the_other_cells_are_still_pinned(tmp_path):
    notebook = {"cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["from transformers import AutoModel\n", 'a = AutoModel.from_pretrained("org/a")']},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ['print "old"\n', 'b = AutoModel.from_pretrained("org/b")']},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": 'import timm\nvit = timm.create_model("hf-hub:org/c")\n'},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    _, after, result = pin_notebook(tmp_path, notebook)
    cells = json.loads(after)["cells"]
    assert f'revision="{SHA}"' in cells[0]["source"][1]
    assert cells[1]["source"] == notebook["cells"][1]["source"]
    assert cells[2]["source"] == f'import timm\nvit = timm.create_model("hf-hub:org/c@{SHA}")  {comment()}\n'
    assert [(s.reference.id, s.reason) for s in result.skipped] == [
        ("org/b", "this notebook cell is not valid Python 3; pin it by hand")]


def _one_notebook(*sources) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": s}
             for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def test_python_cells_of_script_magics_and_cells_with_continued_shell_lines_are_pinned():
    from gate.discover.interface import SourceFile
    from gate.discover.notebook_finder import NotebookFinder

    text = _one_notebook(
        ["%%script python3\n", "from transformers import AutoModel\n", "AutoModel.from_pretrained('org/a')\n"],
        ["!hf download org/x \\\n", "    --quiet\n", "pip install -q peft\n",
         "AutoModel.from_pretrained('org/b')\n"])
    found = NotebookFinder().scan(SourceFile("nb.ipynb", "/nonexistent/nb.ipynb"), text, None).references
    refs = [r for r in found if r.api == "transformers.from_pretrained"]
    result = rewrite_file("nb.ipynb", text, [pin(r) for r in refs])
    assert result.skipped == () and sorted(p.reference.id for p in result.pinned) == ["org/a", "org/b"]
    cells = json.loads(result.text)["cells"]
    assert cells[0]["source"][2] == f"AutoModel.from_pretrained('org/a', revision='{SHA}')  {comment()}\n"
    assert cells[1]["source"][:3] == ["!hf download org/x \\\n", "    --quiet\n", "pip install -q peft\n"]


def test_stale_notes_in_code_and_shell_lines_become_one_up_to_date_note():
    """Issue 16 §3: `# not pinned: follows main` is replaced, not followed by a contradicting note."""
    from gate.discover.interface import SourceFile
    from gate.discover.notebook_finder import NotebookFinder

    text = _one_notebook(
        ["from transformers import AutoModel\n",
         "m = AutoModel.from_pretrained('org/a', revision='main')  # not pinned: follows main\n",
         "!hf download org/x --revision it-SFT  # unpinned for now"])
    found = NotebookFinder().scan(SourceFile("nb.ipynb", "/nonexistent/nb.ipynb"), text, None).references
    result = rewrite_file("nb.ipynb", text, [pin(r) for r in found if r.id in ("org/a", "org/x")])
    assert result.skipped == () and len(result.pinned) == 2
    assert json.loads(result.text)["cells"][0]["source"][1:] == [
        f"m = AutoModel.from_pretrained('org/a', revision='{SHA}')  {comment('main')}\n",
        f"!hf download org/x --revision {SHA}  {comment('it-SFT')}"]

"""Issue 12 §1, §4, §10, §13: what Python runs is what the gate reads. Relevance is decided on Python's reading of
the text (NFKC identifiers, string escapes, adjacent literals), a repository file cannot turn a Hub id into a
local path, strings given to any code runner are code, and so is every f-string replacement field. Each test
failed on the code before this change (no reference, or no warning)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gate.discover import python_finder
from gate.discover.engine import discover
from gate.discover.python_finder import python_view, relevant_lines, scan_python_text
from tests.discover.expected_refs import FIXTURES as DISCOVER
from tests.discover.expected_refs import actual, expected
from tests.discover.python_helpers import refs, scan


def loads(code: str, **kwargs) -> list[tuple]:
    """(line, api, id, dynamic) per reference."""
    return [(t[6], t[7], t[2], t[8]) for t in refs(code, **kwargs)]


def warnings_of(code: str, **kwargs) -> list[str]:
    return [w.message for w in scan(code, **kwargs).warnings]


# ----------------------------------------------------------------------- §1 Unicode, escapes, adjacent literals

@pytest.mark.parametrize("code", [
    # NFKC folds the fullwidth letters: Python calls snapshot_download; no trigger token is in the raw text.
    "from huggingface_hub import \uff53napshot_download\n\uff53napshot_download(repo_id=REPO)\n",
    "from huggingface_hub import snapshot_download as \uff53d\n\uff53d(repo_id=REPO)\n",
    "import huggingface_hub\nhuggingface_hub.\uff53napshot_download(repo_id=REPO)\n",
])
def test_identifiers_are_read_as_python_folds_them(code):
    assert loads(code) == [(2, "huggingface_hub.snapshot_download", None, True)]


def test_a_fullwidth_loader_name_is_the_loader():
    code = "from transformers import AutoModel\nAutoModel.\uff46rom_pretrained(NAME)\n"
    assert loads(code) == [(2, "transformers.from_pretrained", None, True)]


@pytest.mark.parametrize("name", ["from\\x5fpretrained", "from\\u005fpretrained", "from\\137pretrained",
                                  "from\\N{LOW LINE}pretrained", "from_" "\\x70retrained"])
def test_a_loader_named_through_string_escapes_in_getattr_is_taken_as_a_value(name):
    code = f"from transformers import AutoModel\nload = getattr(AutoModel, '{name}')\nload(NAME)\n"
    assert loads(code) == [(2, "transformers.from_pretrained", None, True)]


@pytest.mark.parametrize("literal", [
    '"https://hugging" "face.co/org/m/resolve/main/w.bin"',
    '("https://hugging"  # split on purpose\n "face.co/org/m/resolve/main/w.bin")',
    '"https://hugging\\\nface.co/org/m/resolve/main/w.bin"',
    '"https://huggingface\\x2eco/org/m/resolve/main/w.bin"',
])
def test_a_hub_url_split_into_adjacent_literals_or_escapes_is_one_url(literal):
    assert [(t[2], t[7]) for t in refs(f"import requests\nrequests.get({literal})\n")] == [("org/m", "requests.get")]


def test_lines_a_raw_text_filter_would_skip_are_walked_when_python_reads_more_triggers():
    code = ("from transformers import AutoModel\nAutoModel.from_pretrained('org/a')\nx = 1\n"
            "load = getattr(AutoModel, 'from\\x5fpretrained')\n")
    assert relevant_lines(code) is None
    assert [(t[6], t[2]) for t in refs(code)] == [(2, "org/a"), (4, None)]


def test_python_view_folds_escapes_and_seams_but_leaves_plain_text_alone():
    assert python_view("a = 'x'\n") == "a = 'x'\n"
    assert python_view("'from\\x5fpre' 'trained'") == "'from_pretrained'"
    assert python_view("\uff46rom") == "from"
    assert python_view("'\\N{NO SUCH NAME}'") == "'\\N{NO SUCH NAME}'"


def _python_texts() -> list[Path]:
    return sorted(p for p in DISCOVER.rglob("*.py") if p.is_file())


def test_the_prefilter_changes_no_reference_over_every_fixture(monkeypatch):
    """Differential: the prefilter on and off give the same references for every Python fixture."""
    texts = [(str(p.relative_to(DISCOVER)), p.read_text(encoding="utf-8", errors="replace"))
             for p in _python_texts()]
    assert len(texts) > 50
    filtered = {path: scan_python_text(text, path, None).references for path, text in texts}
    monkeypatch.setattr(python_finder, "relevant_lines", lambda text: None)
    unfiltered = {path: scan_python_text(text, path, None).references for path, text in texts}
    assert filtered == unfiltered


# --------------------------------------------------------------------------- §4 a repository path shadows an id

SHADOWS = frozenset({"evil-org/backdoor", "evil-org/folder/weights.bin"})


@pytest.mark.parametrize("call", [
    "hf_hub_download('evil-org/backdoor', 'w.bin')", "snapshot_download('evil-org/backdoor')",
    "hf_hub_url('evil-org/backdoor', 'w.bin')", "model_info('evil-org/backdoor')",
    "HfApi().list_repo_files('evil-org/backdoor')", "snapshot_download('evil-org/folder')",
])
def test_apis_that_never_read_local_paths_ignore_repository_paths(call):
    code = ("from huggingface_hub import hf_hub_download, snapshot_download, hf_hub_url, model_info, HfApi\n"
            f"{call}\n")
    assert [t[2] for t in refs(code, repo_paths=SHADOWS)] == [call.split("'")[1]]


def test_a_loader_that_reads_local_directories_is_not_fooled_by_a_file_but_is_by_a_directory():
    code = ("from transformers import AutoModel\nAutoModel.from_pretrained('evil-org/backdoor')\n"
            "AutoModel.from_pretrained('evil-org/folder')\n")
    assert [t[2] for t in refs(code, repo_paths=SHADOWS)] == ["evil-org/backdoor"]


def test_a_placeholder_file_on_disk_does_not_make_an_id_local(tmp_path):
    (tmp_path / "evil-org").mkdir()
    (tmp_path / "evil-org" / "backdoor").write_text("")
    (tmp_path / "evil-org" / "local-model").mkdir()
    (tmp_path / "load.py").write_text(
        "from transformers import AutoModel\nfrom huggingface_hub import snapshot_download\n"
        "AutoModel.from_pretrained('evil-org/backdoor')\nAutoModel.from_pretrained('evil-org/local-model')\n"
        "snapshot_download('evil-org/local-model')\n")
    result = discover(str(tmp_path))
    assert sorted((r.line, r.id) for r in result.references) == [(3, "evil-org/backdoor"),
                                                                 (5, "evil-org/local-model")]


# -------------------------------------------------------------------------------- §10 more code-string runners

LOADER = "from transformers import AutoModel; AutoModel.from_pretrained('org/m')"


@pytest.mark.parametrize("call", [
    f'import cProfile\ncProfile.run("{LOADER}")',
    f'import cProfile\ncProfile.runctx("{LOADER}", {{}}, {{}})',
    f'import profile\nprofile.run(statement="{LOADER}")',
    f'import cProfile\ncProfile.Profile().run("{LOADER}")',
    f'import timeit\ntimeit.timeit("{LOADER}")',
    f'import timeit\ntimeit.repeat(stmt="pass", setup="{LOADER}")',
    f'from timeit import Timer\nTimer("pass", "{LOADER}").timeit()',
    f'import code\ncode.InteractiveInterpreter().runsource("{LOADER}")',
    f'import code\nconsole = code.InteractiveConsole()\nconsole.push("{LOADER}")',
    f'import pdb\npdb.run("{LOADER}")',
    f'from builtins import exec as run\nrun("{LOADER}")',
    f'get_ipython().run_cell("{LOADER}")',
])
def test_strings_given_to_code_runners_are_scanned_as_code(call):
    found = refs(call)
    assert [(t[2], t[7]) for t in found] == [("org/m", "transformers.from_pretrained")]
    assert found[0][6] == call.count("\n") + 1  # reported at the runner's call


def test_timeit_setup_and_statement_are_read_together():
    code = ("import timeit\ntimeit.timeit(\"AutoModel.from_pretrained('org/m')\", "
            "setup='from transformers import AutoModel')\n")
    assert loads(code) == [(2, "transformers.from_pretrained", "org/m", False)]


@pytest.mark.parametrize("code", [
    "import cProfile, sys\ncProfile.run(sys.argv[1])  # from_pretrained\n",
    "import timeit\ntimeit.timeit(*ARGS)  # from_pretrained\n",
    "import code\ncode.InteractiveConsole().push(input())  # from_pretrained\n",
])
def test_a_code_string_that_cannot_be_read_is_warned_about(code):
    assert any("runs code built at run time" in message for message in warnings_of(code))


def test_runpy_run_path_warns_about_what_it_cannot_read():
    code = ("import runpy, sys\nrunpy.run_path('tools/load.py')\nrunpy.run_path('tools/missing')\n"
            "runpy.run_path(sys.argv[1])\n")
    messages = warnings_of(code, repo_paths=frozenset({"tools/load.py"}))
    assert messages == [
        "line 3: runpy.run_path() runs 'tools/missing', which is not a file of the repository, so it was not "
        "analysed; review what it loads",
        "line 4: runpy.run_path() runs a file chosen at run time (sys.argv[1]); it cannot be analysed statically; "
        "review what it loads"]


def test_runpy_run_path_scans_a_repository_file_without_the_py_suffix_under_its_own_path(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "fetch").write_text("from huggingface_hub import snapshot_download\n"
                                              "snapshot_download('org/run-path')\n")
    (tmp_path / "main.py").write_text("import runpy\nrunpy.run_path('./tools/fetch')\n")  # no trigger token else
    result = discover(str(tmp_path))
    assert [(r.path, r.line, r.id) for r in result.references] == [("tools/fetch", 2, "org/run-path")]
    assert result.warnings == ()


# -------------------------------------------------------------------------------- §13 expressions in f-strings

@pytest.mark.parametrize("code", [
    "from transformers import AutoModel\nf\"{AutoModel.from_pretrained('org/m')}\"\n",
    "from transformers import AutoModel\nf\"{0:{AutoModel.from_pretrained('org/m')}}\"\n",
    "from transformers import AutoModel\nf'''{f\"{AutoModel.from_pretrained('org/m')!r}\"}'''\n",
    "from transformers import AutoModel\nprint(f\"{1:{2}{AutoModel.from_pretrained('org/m')}}\")\n",
    "from transformers import AutoModel\ndef main():\n    f\"x{AutoModel.from_pretrained('org/m')=}\"\n",
])
def test_every_replacement_field_is_code(code):
    assert [(t[2], t[7]) for t in refs(code)] == [("org/m", "transformers.from_pretrained")]


def test_a_bare_f_string_text_is_still_prose():
    assert refs("f'see https://huggingface.co/org/m for {x}'\n") == []


def test_the_evasion_fixture_references_are_exact():
    """tests/fixtures/discover/python-evasion: one file per class above, in a repository holding a placeholder
    file named like an id (`evil-org/backdoor`)."""
    assert actual(discover(str(DISCOVER / "python-evasion" / "repo"))) == expected("python-evasion")


def test_python_view_stays_linear_on_comments_full_of_hashes_and_spaces():
    text = "x = 'a'  " + "# " * 20_000 + "\n" + ("'" + " #" * 5_000 + "\n") * 20
    started = time.perf_counter()
    python_view(text)
    relevant_lines(text)
    assert time.perf_counter() - started < 1.0

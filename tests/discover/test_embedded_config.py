"""Configs written into Python strings (issue 11 §5): read as the config they are, with their own lines."""

from __future__ import annotations

import pytest

from gate.discover.embedded_config import EmbeddedConfigFinder
from gate.discover.interface import SourceFile
from tests.discover.expected_refs import FIXTURES


def scan(text: str, path: str = "a.py"):
    return EmbeddedConfigFinder().scan(SourceFile(path, "/nonexistent/" + path), text, None)


def _at(text: str, reference) -> str:
    return text.split("\n")[reference.line - 1][reference.column - 1:]


@pytest.mark.parametrize("text", [
    'import yaml\ncfg = yaml.safe_load("""\nmodel_id: org/m\n""")\n',
    'from yaml import safe_load as read\ncfg = read("""\nmodel_id: org/m\n""")\n',
    'import yaml as y\ncfg = y.load("""\nmodel_id: org/m\n""", Loader=y.SafeLoader)\n',
    'from omegaconf import OmegaConf\nC = """\nmodel_id: org/m\n"""\ncfg = OmegaConf.create(C)\n',
    'import yaml\ncfg = yaml.\uff53afe_load("""\nmodel_id: org/m\n""")\n',  # NFKC: Python reads `safe_load`
    'import yaml, textwrap\ncfg = yaml.safe_load(textwrap.dedent("""\n    model_id: org/m\n"""))\n',
])
def test_every_spelling_of_the_parser_call_is_read_with_the_line_of_the_key(text):
    (reference,) = scan(text).references
    assert (reference.id, reference.api, reference.syntax) == ("org/m", "config:model_id", "config")
    assert _at(text, reference) == "model_id: org/m"


def test_a_rebound_name_is_not_read_as_one_of_its_values():
    text = 'import yaml\nC = "model_id: org/a"\nC = "model_id: org/b"\nyaml.safe_load(C)\n'
    assert scan(text).references == ()


def test_a_string_not_given_to_a_parser_is_not_a_config():
    assert scan('import yaml\nhelp_text = "model_id: org/m"\nprint(help_text)\n').references == ()


PYTHON_FILES = sorted(p for p in FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_prefilter_only_skips_work(path, monkeypatch):
    from gate.discover import embedded_config

    text = path.read_text(encoding="utf-8", errors="replace")
    filtered = scan(text, path.name).references
    monkeypatch.setattr(embedded_config, "worth_walking", lambda _text: True)
    assert scan(text, path.name).references == filtered


@pytest.mark.parametrize("text", [
    'import json\nx = json.loads(  # {"a": 1} in a comment\n    \'{"model_name_or_path": "org/m"}\')\n',
    'import json\nx = json.loads(# a comment ended by a carriage return\r\'{"model_name_or_path": "org/m"}\')\n',
    'import json\nx = json.loads(  ####\n  ## two comments\n  \'{"model_name_or_path": "org/m"}\')\n',
], ids=["comment-holding-a-quote", "comment-ended-by-cr", "comment-lines"])
def test_comments_between_the_call_and_its_literal_are_read_as_python_reads_them(text):
    assert [r.id for r in scan(text).references] == ["org/m"]


@pytest.mark.parametrize("text", [
    "import json\njson.loads(\r" + "#" * 52 + "g\n",  # a run of `#` could be split into comments 2**51 ways
    "import json\nx = " + "load" * 16_000 + "\n",  # one name holding 16,000 occurrences of `load`
    "import json\n" + "json.loads(x)\n" * 4_600,  # 4,600 calls of one name never bound to a literal
], ids=["hash-run", "long-name", "many-calls"])
def test_prefilter_work_stays_linear(text):
    """Issue 12 §14 (a file of ≤ 64 KB is scanned in under a second): the prefilter took 16 s, 32 s and 7 s."""
    import time

    from gate.discover.embedded_config import worth_walking

    started = time.process_time()
    assert worth_walking(text) is False
    assert time.process_time() - started < 1

"""Issue 11 §6: the embedded-config finder's shortcuts change nothing. `worth_walking` (which files are parsed and
walked) answers exactly as the plain form it replaced, and the finder gives the same references and warnings with
each shortcut on or off, over the fixtures, the saved fuzz seeds and crashers, the fuzzers' corpora when this
machine has them (tests/discover/test_sieve.py gathers those), and texts generated to hit the shortcuts' corners."""

from __future__ import annotations

import ast
import random
import warnings

import pytest

from fuzz.targets import TARGETS, seed_files
from gate.discover import embedded_config
from gate.discover.sieve import nfkc
from tests.discover.test_sieve import GENERATED, TEXTS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")

_PIECES = ["import yaml\n", "import json as j\n", "from yaml import safe_load\n", "from yaml import load as parse\n",
           "import omegaconf\n", "from omegaconf import OmegaConf\n", "import textwrap\n", "yaml.safe_load(",
           "yaml.load(", "yaml.load_all(", "json.loads(", "j.loads(", "loads(", "parse(", "safe_load (",
           "OmegaConf.create(", "OmegaConf.created(", "omegaconf.OmegaConf.create(", "yaml.loader(", "download(",
           "payload(", "loadload(", "load_allx(", "createsth(", "textwrap.dedent(", "dedent(", '"""model: org/m\n"""',
           "'{\"model\": \"org/m\"}'", "f'model: {name}'", "'model_name_or_path: org/m'", "name = 'org/m'\n",
           "conf = \"\"\"base_model: org/m\"\"\"\n", "conf: str = (\n'model: org/m')\n", "name += 'x'\n",
           "open('c.yaml', 'w')", "open(\"c.json\", mode='a')", "Path('c.toml').write_text(", ".write(", "with ",
           " as f:\n    f.write(conf)\n", "def f():\n    ", "@deco\n", "class C:\n    ", "(n := 'x')", "conf",
           "name", ")", "(", ",", " ", "\n", "\\\n", "# c\n", "é", "ｌｏａｄ", "ｙａｍｌ", "\r", "\t", "toml.loads(",
           "tomllib.loads(", "x"]


def _generated(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 16))) for _ in range(count)]


def _seeds() -> list[str]:
    return [p.read_bytes().decode("utf-8", errors="replace") for p in seed_files(TARGETS["embedded_config"])]


INPUTS = [*TEXTS, *_seeds(), *GENERATED[:2_000], *_generated(6_000, seed=611)]

def _worth_walking_plain(text: str) -> bool:
    """`worth_walking` as it was before the shortcuts (a find loop over every `load`/`create`, one search for a
    written config): the oracle."""
    if not embedded_config._MARKER_SIEVE.may_hold(text) or not any(m in text for m in embedded_config.MARKERS):
        return False
    if ("open(" in text or "write_text(" in text) and embedded_config._WRITES_CONFIG.search(text):
        return True
    probe = nfkc(text)
    for line in embedded_config._lines_with(probe, embedded_config._IMPORTED_MODULES):
        if embedded_config._ALIASED_IMPORT.match(line):
            return True
    for keyword in ("load", "create"):
        index = probe.find(keyword)
        while index >= 0:
            start = index
            while start and (probe[start - 1].isalnum() or probe[start - 1] == "_"):
                start -= 1
            match = embedded_config._PARSER_CALL.match(probe, start)
            if match is not None and (match.group(1) is None
                                      or embedded_config._bound_to_literal(match.group(1), probe)):
                return True
            index = probe.find(keyword, index + len(keyword))
    return False


def test_the_inputs_reach_every_answer():
    answers = [embedded_config.worth_walking(text) for text in INPUTS]
    assert len(INPUTS) > 8_000 and 500 < sum(answers) < len(INPUTS) - 500


def test_worth_walking_answers_as_its_plain_form():
    differing = [text for text in INPUTS if embedded_config.worth_walking(text) != _worth_walking_plain(text)]
    assert differing == []


def test_a_written_config_is_found_by_the_two_searches_as_by_the_one():
    for text in INPUTS:
        assert embedded_config._writes_config(text) == bool(embedded_config._WRITES_CONFIG.search(text)), text


def test_names_holding_a_keyword_are_skipped_only_when_no_parser_is_named_so():
    # `loader(` and `created(` name no parser; `loads(` and `load_all(` do, with a literal argument.
    assert not embedded_config.worth_walking("import yaml\nyaml.loader('a: b')\nOmegaConf.created('a: b')\n")
    assert embedded_config.worth_walking("import json\njson.loads('{}')\n")
    assert embedded_config.worth_walking("import yaml\nyaml.load_all('a: b')\n")
    assert embedded_config.worth_walking("import yaml\nx.loadload ; yaml.load('a: b')\n")


def _parsed(text: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def _found(text: str, tree: ast.Module) -> tuple[list, list]:
    references, problems = embedded_config.embedded_config_references(tree, text, "fuzz.py", None, syntax="config")
    return references, problems


def test_the_finder_gives_the_same_with_the_shortcuts_off(monkeypatch):
    trees = [(text, _parsed(text)) for text in INPUTS]
    trees = [(text, tree) for text, tree in trees if tree is not None]
    with_shortcuts = [_found(text, tree) for text, tree in trees]
    monkeypatch.setattr(embedded_config, "_writes_config",
                        lambda text: bool(embedded_config._WRITES_CONFIG.search(text)))
    plain = [_found(text, tree) for text, tree in trees]
    assert with_shortcuts == plain
    assert sum(len(references) for references, _ in plain) > 100

"""Issue 11 §6: the embedded-config finder's shortcuts change nothing. `worth_walking` (which files are parsed and
walked) answers exactly as the plain form it replaced, and the finder gives the same references and warnings with
each shortcut on or off, over the fixtures, the saved fuzz seeds and crashers, the fuzzers' corpora when this
machine has them (tests/discover/test_sieve.py gathers those), and texts generated to hit the shortcuts' corners."""

from __future__ import annotations

import ast
import random
import unicodedata
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
            if match is not None and (match.group(1) is None or _bound_to_literal_plain(match.group(1), probe)):
                return True
            index = probe.find(keyword, index + len(keyword))
    return False


def _bound_to_literal_plain(name: str, text: str) -> bool:
    index = text.find(name)
    while index >= 0:
        before = text[index - 1] if index else " "
        if not (before.isalnum() or before == "_") and embedded_config._ASSIGNED_LITERAL.match(text, index + len(name)):
            return True
        index = text.find(name, index + len(name))
    return False


def test_a_name_bound_to_a_literal_is_found_by_one_search_as_by_the_find_loop():
    names = ["conf", "name", "x", "f", "s", "yaml", "é", "ｎ", "a_b", "load"]
    for text in INPUTS:
        for name in names:
            assert embedded_config._bound_to_literal(name, text) == _bound_to_literal_plain(name, text), (name, text)
    assert embedded_config._bound_to_literal("conf", "x=1\nconf = 'a: b'\n")
    assert not embedded_config._bound_to_literal("conf", "myconf = 'a: b'\nconf.x = 'a'\n")
    assert embedded_config._bound_to_literal("conf", "conf = 'a'") and embedded_config._bound_to_literal("é", "é='x'")


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
    # The generated programs are in: a clean clone has no fuzz corpora, and without them INPUTS holds few configs.
    trees = [(text, _parsed(text)) for text in [*INPUTS, *PROGRAMS]]
    trees = [(text, tree) for text, tree in trees if tree is not None]
    with_shortcuts = [_found(text, tree) for text, tree in trees]
    monkeypatch.setattr(embedded_config, "_writes_config",
                        lambda text: bool(embedded_config._WRITES_CONFIG.search(text)))
    plain = [_found(text, tree) for text, tree in trees]
    assert with_shortcuts == plain
    assert sum(len(references) for references, _ in plain) > 100


_STATEMENTS = [
    "import yaml", "import json as j", "from yaml import safe_load", "from yaml import load as parse",
    "from omegaconf import OmegaConf", "import textwrap", "import yaml as Y", "name = 'org/m'",
    'conf = """\nmodel_name_or_path: org/m\nbase_model: org/b\n"""', "x = yaml.safe_load(conf)",
    "y = j.loads('{\"model\": \"org/j\"}')", "z = parse(textwrap.dedent('''\n    model: org/d\n    '''))",
    "c = OmegaConf.create(f'model: {name}')", "d = safe_load(name)", "e = Y.load(conf)",
    "@deco(yaml.load('model: org/dec'))\ndef f(a=yaml.safe_load('model: org/default')):\n"
    "    return yaml.safe_load('model: org/in')",
    "class C:\n    v = yaml.load('model: org/c')\n    from yaml import full_load as fl",
    "w = foo(bar,\n    yaml.safe_load(\n        'model: org/ml'))", "v = f'{yaml.safe_load(\"model: org/fs\")}'",
    "v = f'''\n{yaml.safe_load(\"model: org/fsm\")}\n'''", "try:\n    import json as yaml\nexcept ImportError:\n    pass",
    "match q:\n    case 1:\n        from json import loads\n        loads('{\"model\": \"org/match\"}')",
    "with open('c.yaml', 'w') as f:\n    f.write(conf)", "name = 'again'", "conf += 'x'",
    "lam = lambda: yaml.load('model: org/l')", "k = yaml.\\\nsafe_load('model: org/bs')",
    "t = [yaml.load(s) for s in ['model: org/comp']]", "if x:\n    json.loads('{\"model\": \"org/if\"}')",
    "n = (m := 'model: org/w')", "s = yaml.safe_load(f'model: {name}')", "print(download('a: b'), payload)",
    "u = OmegaConf.create({'model': 'org/dict'})", "yaml.load_all('model: org/all')", "q = 'é'",
]


def _programs(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["\n".join(rng.choice(_STATEMENTS) for _ in range(rng.randint(1, 10))) + "\n" for _ in range(count)]


PROGRAMS = _programs(3_000, seed=612)


def test_the_pruned_walk_finds_what_the_whole_walk_finds():
    walked = 0
    for text in [*INPUTS, *PROGRAMS]:
        tree = _parsed(text)
        if tree is None:
            continue
        aliases, constants, calls = embedded_config._one_walk(tree, text)
        whole_aliases, whole_constants, whole_calls = embedded_config._whole_walk(tree)
        assert (aliases, constants) == (whole_aliases, whole_constants), text
        assert (list(embedded_config._parser_calls(calls, aliases))
                == list(embedded_config._parser_calls(whole_calls, whole_aliases))), text
        walked += len(calls) < len(whole_calls)
    assert walked > 500  # the pruning did skip calls


def test_the_finder_gives_the_same_with_the_walk_pruned_or_whole(monkeypatch):
    trees = [(text, _parsed(text)) for text in [*INPUTS, *PROGRAMS]]
    trees = [(text, tree) for text, tree in trees if tree is not None]
    pruned = [_found(text, tree) for text, tree in trees]
    monkeypatch.setattr(embedded_config, "PRUNED_WALK", False)
    whole = [_found(text, tree) for text, tree in trees]
    assert pruned == whole
    assert sum(len(references) for references, _ in whole) > 3_000


def test_folding_makes_and_removes_no_line_end():
    # The pruned walk counts lines in the NFKC-folded text: no character folds into or out of `\n` or `\r`.
    changed = [c for c in map(chr, range(0x110000)) if not 0xD800 <= ord(c) < 0xE000
               and (c in "\n\r") != any(e in unicodedata.normalize("NFKC", c) for e in "\n\r")]
    assert changed == []


def test_names_written_in_other_letters_and_walruses_are_walked():
    text = "import yaml\nn = (conf := 'x')\nconf = 'model: org/w'\nv = yaml.ｓａｆｅ_ｌｏａｄ(\n  'model: org/fold')\n"
    references, _ = _found(text, ast.parse(text))
    assert [(r.id, r.line) for r in references] == [("org/fold", 5)]

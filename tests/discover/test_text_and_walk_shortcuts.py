"""Issue 15: `str.find` passes in place of patterns that have no literal to skip ahead by, and walks that skip what
they would record nothing for. Each gives the same answer as the form it replaces, on every fixture, every source
file of model-gate and thousands of generated corner texts (each skips work only)."""

from __future__ import annotations

import random
from pathlib import Path

from gate.discover import python_context, python_resolve
from gate.discover.sieve import line_numbers, lines_holding

ROOT = Path(__file__).resolve().parents[2]


def _files() -> list[str]:
    paths = [*sorted((ROOT / "gate").rglob("*.py")), *sorted((ROOT / "tests" / "fixtures").rglob("*"))]
    return [path.read_text(encoding="utf-8", errors="replace") for path in paths if path.is_file()]


def _generated(count: int, parts: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(parts) for _ in range(rng.randint(0, 14))) for _ in range(count)]


_REBINDING_PARTS = ["global", "nonlocal", "glob", "al", "local", "non", " ", "\t", "\n", "\r", "\r\n", ";", ":",
                    "x", "_", "1", "é", "١", "ﬁ", "\u00a0", "#", "'", "(", ".", "\\", "\x0c", "global_batch",
                    "def f(): ", "GLOBAL"]


def test_the_rebinding_words_give_the_patterns_answer():
    texts = [*_files(), *_generated(30_000, _REBINDING_PARTS, seed=15)]
    found = 0
    for text in texts:
        expected = python_resolve._REBINDING_STATEMENT.search(text) is not None
        assert python_resolve._spells_rebinding(text) is expected, repr(text)
        found += expected
    assert 1_000 < found < len(texts) - 1_000  # both answers are well represented


def test_a_rebinding_word_is_judged_by_what_surrounds_it():
    spells = python_resolve._spells_rebinding
    assert spells("global x") and spells("def f():\n    global x") and spells("x = 1; nonlocal y")
    assert spells("def f(): global x") and spells("a\n\t \tglobal") and spells("nonlocal")
    assert not spells("global_batch_size = 8") and not spells("x.global x") and not spells("# global x")
    assert not spells("globalé") and not spells("global١") and not spells("\rglobal x")  # `^` is `\n` only


_SAVE_PARTS = ["save", "save_dir", "mkdir", "makedirs", "output_dir", "output_path", "logging_dir", "cache_dir",
               "local_dir", "mlx_path", "save_directory", "save_path", "sav", "e", "dir", "_", "\n", "\r\n", " ",
               "Save", "é", "x", "make", "dirs", "output_", "path", "mk"]


def test_the_save_words_lines_are_the_patterns_lines():
    texts = [*_files(), *_generated(30_000, _SAVE_PARTS, seed=16)]
    nonempty = 0
    for text in texts:
        expected = line_numbers(text, (m.start() for m in python_context._SAVE_WORDS.finditer(text)))
        assert lines_holding(text, python_context._SAVE_WORDS_FOUND) == expected, repr(text)
        nonempty += bool(expected)
    assert nonempty > 10_000


def test_the_save_words_searched_hold_every_word_of_the_pattern():
    words = python_context._SAVE_WORDS.pattern.split("|")
    assert all(any(found in word for found in python_context._SAVE_WORDS_FOUND) for word in words)
    assert set(python_context._SAVE_WORDS_FOUND) <= set(words)


def _saving_programs() -> list[str]:
    """Programs that load an id and may save to a folder of the same name first, with `global` statements that do
    or do not rebind the id (both shortcuts decide which lines and facts are read)."""
    rng = random.Random(17)
    programs = []
    for number in range(200):
        lines = ["from transformers import AutoModel", f'NAME = "acme/model-{number}"']
        if rng.random() < 0.5:
            lines += ["def choose():", "    global NAME", f'    NAME = "acme/other-{number}"']
        if rng.random() < 0.3:
            lines.append("global_batch_size = 8  # not a global statement")
        if rng.random() < 0.5:
            lines.append(rng.choice(["model.save_pretrained(NAME)", "os.makedirs(NAME)", "trainer = Trainer("
                                     "output_dir=NAME)", "save(NAME)", "local_dir = NAME"]))
        lines.append(rng.choice(["AutoModel.from_pretrained(NAME)", "load_model_helper(NAME)"]))
        programs.append("\n".join(lines) + "\n")
    return programs


def test_discovery_is_the_same_with_the_word_shortcuts_off(monkeypatch):
    from gate.discover.python_finder import scan_python_text
    from tests.discover.expected_refs import FIXTURES

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(FIXTURES.rglob("*.py"))]
    texts += _saving_programs()

    def found() -> list:
        return [scan_python_text(text, "t.py", None) for text in texts]

    fast = found()
    monkeypatch.setattr(python_resolve, "FIND_REBINDING_WORDS", False)
    monkeypatch.setattr(python_context, "FIND_SAVE_WORDS", False)
    assert found() == fast
    ids = [r.id for result in fast[-200:] for r in result.references]
    assert any(i and i.startswith("acme/other-") for i in ids) and any(i and i.startswith("acme/model-") for i in ids)


def test_a_value_without_a_scheme_names_no_inference_host():
    from gate.discover.catalog.context import HUB_INFERENCE_HOSTS, names_hub_inference_host

    assert all(HUB_INFERENCE_HOSTS)  # an empty host (no `://`) can match none of them
    assert not names_hub_inference_host("router.huggingface.co") and not names_hub_inference_host("")
    assert names_hub_inference_host("https://router.huggingface.co/v1")
    assert names_hub_inference_host("HTTPS://x.Endpoints.HuggingFace.cloud/")


def _index_entries(index: python_resolve.FileIndex) -> tuple:
    return tuple([(id(node), id(scope.node)) for node, scope in entries] for entries in (
        index.calls, index.strings, index.dict_literals)) + (
        [id(node) for node in index.loader_values], dict(index.call_of_argument), sorted(index.scopes))


def test_the_index_is_the_same_without_the_leaf_shortcut(monkeypatch):
    import ast

    from gate.discover.python_finder import relevant_lines
    from tests.discover.expected_refs import FIXTURES

    paths = [*sorted(FIXTURES.rglob("*.py")), *sorted((ROOT / "gate").rglob("*.py"))]
    compared = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        for lines in (None, relevant_lines(text)):
            fast = _index_entries(python_resolve.build_index(tree, lines, source=text))
            with monkeypatch.context() as patch:
                patch.setattr(python_resolve, "_PLAIN_LEAVES", frozenset())
                assert _index_entries(python_resolve.build_index(tree, lines, source=text)) == fast, path
            compared += 1
    assert compared > 300

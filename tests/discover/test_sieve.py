"""Issue 11 §6 / issue 15: the shortcuts that make the Python prefilter fast (gate/discover/sieve.py, the escape
shortcut of `_view_adds_triggers`, the shared parse) change nothing: with each of them on or off the prefilter
gives the same lines and discovery the same references and warnings, over the fixtures, the saved fuzz crashers,
the fuzzers' corpora when this machine has them, and texts generated to hit the sieves' corners."""

from __future__ import annotations

import os
import random
import re
import tempfile
from pathlib import Path

import pytest

from gate.discover import catalog, embedded_config, python_finder, sieve
from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES as DISCOVER
from tests.discover.expected_refs import actual

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")
FIXTURE_ROOT = DISCOVER.parent
FUZZ_CORPORA = Path(tempfile.gettempdir()) / "model-gate-fuzz"
KNOWN = (*catalog.TRIGGER_TOKENS, *catalog.HELPER_TOKENS, *catalog.RECEIVER_CLASSES, "import")


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def _corpus_texts() -> list[str]:
    """Every fixture and saved crasher, and the fuzzers' Python-like corpora where they exist here."""
    paths = [p for p in sorted(FIXTURE_ROOT.rglob("*")) if p.is_file() and p.stat().st_size < 2_000_000
             and p.suffix in (".py", ".ipynb", ".txt", ".bin", ".md", ".sh", ".yaml", ".yml", ".json", "")]
    for target in ("python", "embedded_config", "notebook"):
        folder = FUZZ_CORPORA / target
        if folder.is_dir():
            paths += sorted(p for p in folder.iterdir() if p.is_file())[:300]
    return [_read(p) for p in paths]


def _generated(count: int, seed: int) -> list[str]:
    """Short texts built from trigger tokens cut into pieces, their look-alikes (an anchor swapped for another),
    quotes, backslashes, seams, comments, escapes and non-ASCII letters: where the sieves can go wrong."""
    rng = random.Random(seed)
    pieces = [*KNOWN, *sieve.ANCHORS, *python_finder._TOKEN_CHARACTERS, '"', "'", '"""', "\\", "\\\n", "\n", " ",
              "  # c\n", "#", "r'", "b\"", "f'", "\\x5f", "\\x41", "\\x1b", "\\0", "\\137", "\\u005f", "\\u2019",
              "\\N{LOW LINE}", "\\N{NO SUCH}", "é", "ｆ", "…", "\x01", "\x02", "\x03", "\r", "(", ")", "=", "."]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            piece = rng.choice(pieces)
            if len(piece) > 3 and rng.random() < 0.5:  # a token cut or with an anchor swapped
                cut = rng.randrange(1, len(piece))
                piece = piece[:cut] + rng.choice(["", '" "', "'\\\n'", rng.choice(sieve.ANCHORS)]) + piece[cut:]
            parts.append(piece)
        texts.append("".join(parts))
    return texts


TEXTS = _corpus_texts()
GENERATED = _generated(8_000, seed=11)


def _find_all(text: str, token: str) -> list[int]:
    found: list[int] = []
    python_finder._occurrences(text, token, found)
    return found


def test_the_corpus_is_large():
    # The committed fixtures and crashers alone (a clean clone has no fuzz corpora): about 400 texts.
    assert len(TEXTS) > 300


@pytest.mark.parametrize("source", ["corpus", "generated"])
def test_the_token_sieves_find_exactly_what_str_find_finds(source):
    texts = TEXTS if source == "corpus" else GENERATED
    sieves = (python_finder._TRIGGER_SIEVE, python_finder._HELPER_SIEVE, embedded_config._MARKER_SIEVE)
    for text in texts:
        for token_sieve in sieves:
            located = token_sieve.occurrences(text)
            expected = {t: offsets for t in sorted(token_sieve.tokens) if (offsets := _find_all(text, t))}
            assert located == expected, text
            assert token_sieve.may_hold(text) or not expected, text


def test_a_look_alike_is_not_a_token_and_a_split_token_is_none():
    trigger = python_finder._TRIGGER_SIEVE
    assert trigger.occurrences("mlx/ from/pretrained hf/hub") == {}
    assert trigger.occurrences("x = 'from_pre' 'trained'") == {}
    assert trigger.occurrences("é hf_hub é from_pretrained") == {"hf_hub": [2], "from_pretrained": [11]}
    assert not trigger.may_hold("nothing to see here, from_dict and load_json only")


def _joining_without_the_sieve(text: str, monkeypatch) -> bool:
    with monkeypatch.context() as patch:
        patch.setattr(python_finder, "_SEAM_SIEVE", _Always())
        return python_finder._joining_spells_a_trigger(text)


class _Always:
    def may_join(self, text: str) -> bool:
        return True


@pytest.mark.parametrize("source", ["corpus", "generated"])
def test_the_seam_sieve_clears_only_texts_where_no_join_spells_a_token(source, monkeypatch):
    texts = TEXTS if source == "corpus" else GENERATED
    cleared = 0
    for text in texts:
        if not python_finder._SEAM_SIEVE.may_join(text):
            cleared += 1
            assert not _joining_without_the_sieve(text, monkeypatch), text
    assert cleared > len(texts) // 4  # it does clear something


@pytest.mark.parametrize("text", [
    'x = "from_" "pretrained"', 'x = "from_" "" "pretrained"', 'x = "from_"  # c\n  "pretrained"',
    's = "from_pre\\\ntrained"', 'u = "import" " hub"', 'u = "import " "hub"', 'x = "hf_h" rb"ub"',
])
def test_the_seam_sieve_keeps_every_join_that_spells_a_token(text, monkeypatch):
    assert _joining_without_the_sieve(text, monkeypatch)
    assert python_finder._SEAM_SIEVE.may_join(text)


_SEAM_ONE_CLASS = re.compile(r"""["'](?:[ \t\f\r\n]++|\\\r?\n|#[^\n]*+)*+[rRbBuUfF]{0,2}["']""")
"""`_LITERAL_SEAM` as first written (one character class for the opening quote)."""


def _joining_plainly(text: str) -> bool:
    """`_joining_spells_a_trigger` without its shortcuts: the whole joined text, every occurrence of every token
    (`str.find`), and whether one of them has a join point strictly inside it."""
    pieces: list[str] = []
    cuts: list[int] = []
    last = length = 0
    for seam in re.finditer(f"{_SEAM_ONE_CLASS.pattern}|{python_finder._CONTINUATION.pattern}", text):
        pieces.append(text[last:seam.start()])
        length += seam.start() - last
        cuts.append(length)
        last = seam.end()
    view = "".join([*pieces, text[last:]])
    return any(start < cut < start + len(token) for token in catalog.TRIGGER_TOKENS
               for start in _find_all(view, token) for cut in cuts)


def test_the_seam_patterns_match_what_the_one_class_form_matches():
    one_class = re.compile(f"{_SEAM_ONE_CLASS.pattern}|{python_finder._CONTINUATION.pattern}")
    for text in [*TEXTS, *GENERATED]:
        assert [m.span() for m in python_finder._LITERAL_SEAM.finditer(text)] == \
            [m.span() for m in _SEAM_ONE_CLASS.finditer(text)]
        assert [m.span() for m in python_finder._SEAM.finditer(text)] == [m.span() for m in one_class.finditer(text)]
        assert python_finder._LITERAL_SEAM.sub("", text) == _SEAM_ONE_CLASS.sub("", text)


@pytest.mark.parametrize("source", ["corpus", "generated"])
def test_the_join_check_agrees_with_reading_the_whole_joined_text(source, monkeypatch):
    texts = TEXTS if source == "corpus" else GENERATED
    spelled = 0
    for text in texts:
        expected = _joining_plainly(text)
        assert _joining_without_the_sieve(text, monkeypatch) is expected, text
        spelled += expected
    assert spelled >= (1 if source == "corpus" else 100)


def _spells_nothing_one_by_one(text: str) -> bool:
    for match in python_finder._NAME_ESCAPE.finditer(text):
        decoded = python_finder._decode_escape(match)
        if decoded != match.group(0) and any(c in python_finder._TOKEN_CHARACTERS
                                             or c in python_finder._SEAM_CHARACTERS for c in decoded):
            return False
    return True


def test_the_escape_search_agrees_with_decoding_each_escape():
    rng = random.Random(5)
    alphabet = "\\x0123456789abcdefABCDEFuUN{}_ \n\"'#7"
    texts = [*TEXTS, *GENERATED]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(30_000)]
    for code in range(0x180):
        for form in (f"\\x{code:02x}", f"\\x{code:02X}", f"\\u{code:04x}", f"\\U{code:08X}", f"\\{code:o}",
                     f"\\{code:03o}"):
            texts += [f"a{form}{tail}" for tail in ("", "0", "7", "8", "x")]
    for text in texts:
        assert python_finder._escapes_spell_nothing(text) is _spells_nothing_one_by_one(text), text


@pytest.mark.parametrize("source", ["corpus", "generated"])
def test_the_view_check_is_the_same_with_the_shortcuts_off(source, monkeypatch):
    texts = TEXTS if source == "corpus" else GENERATED
    fast = [python_finder._view_adds_triggers(text) for text in texts]
    with monkeypatch.context() as patch:
        _shortcuts_off(patch)
        assert fast == [python_finder._view_adds_triggers(text) for text in texts]
    assert 0 < sum(fast) < len(texts)


def test_escapes_that_spell_nothing_take_the_seam_check():
    assert not python_finder._view_adds_triggers('x = "\\x1b[0m" + "from_dict\\0"\n')
    assert python_finder._view_adds_triggers('x = "\\x1b" "from_" "pretrained"\n')
    assert python_finder._view_adds_triggers('x = "from\\x5fpretrained\\x1b"\n')  # `\\x5f` is `_`: the full view
    # A backslash-newline goes before the view's seams are read: the comment runs on and `'\\\n'` joins.
    lengthened = "x = b'#comment \\N{NO SUCH} create'\\\n'_commit'"  # found by the large differential
    assert python_finder._view_adds_triggers(lengthened) and _view_adds_with_shortcuts_off(lengthened)


def _view_adds_with_shortcuts_off(text: str) -> bool:
    patch = pytest.MonkeyPatch()
    _shortcuts_off(patch)
    try:
        return python_finder._view_adds_triggers(text)
    finally:
        patch.undo()


def _shortcuts_off(patch) -> None:
    """Every shortcut of this change switched off: the sieves answer "maybe" and find tokens with `str.find`,
    escapes always take the full view, nothing is kept from one parse to the next."""
    patch.setattr(sieve.TokenSieve, "may_hold", lambda self, text: True)
    patch.setattr(sieve.TokenSieve, "occurrences",
                  lambda self, text: {t: found for t in self.tokens if (found := _find_all(text, t))})
    patch.setattr(sieve.SeamSieve, "may_join", lambda self, text: True)
    patch.setattr(python_finder, "_escapes_spell_nothing", lambda text: False)
    patch.setattr(python_finder, "FOLDED_VIEW_SHORTCUT", False)
    patch.setattr(python_finder, "_last_parsed", None)
    original_parse = python_finder.parse_python

    def parse_afresh(text):
        python_finder._last_parsed = None
        return original_parse(text)

    patch.setattr(python_finder, "parse_python", parse_afresh)


@pytest.mark.parametrize("source", ["corpus", "generated"])
def test_relevant_lines_are_the_same_with_the_shortcuts_off(source, monkeypatch):
    texts = TEXTS if source == "corpus" else GENERATED[:3000]
    fast = [python_finder.relevant_lines(text) for text in texts]
    with monkeypatch.context() as patch:
        _shortcuts_off(patch)
        slow = [python_finder.relevant_lines(text) for text in texts]
    assert fast == slow
    assert sum(lines != [] for lines in fast) > 10


def _fixture_repositories() -> list[Path]:
    return sorted(p for p in DISCOVER.glob("*/repo") if p.is_dir())


def test_discovery_is_the_same_with_the_shortcuts_off_on_every_fixture(monkeypatch):
    roots = _fixture_repositories()
    assert len(roots) > 30
    fast = [actual(discover(str(root), jobs=1)) for root in roots]
    fast_messages = [[w.message for w in discover(str(root), jobs=1).warnings] for root in roots]
    with monkeypatch.context() as patch:
        _shortcuts_off(patch)
        slow = [actual(discover(str(root), jobs=1)) for root in roots]
        slow_messages = [[w.message for w in discover(str(root), jobs=1).warnings] for root in roots]
    assert fast == slow
    assert fast_messages == slow_messages


def test_discovery_is_the_same_with_the_shortcuts_off_on_the_corpus_as_files(monkeypatch, tmp_path):
    """The corpus and the generated texts written as Python files of one repository and scanned whole."""
    for index, text in enumerate([*TEXTS, *GENERATED[:500]]):
        (tmp_path / f"f{index:05}.py").write_text(text, encoding="utf-8", errors="surrogatepass")
    fast = discover(str(tmp_path), jobs=1)
    with monkeypatch.context() as patch:
        _shortcuts_off(patch)
        slow = discover(str(tmp_path), jobs=1)
    assert fast.references == slow.references
    assert fast.warnings == slow.warnings
    assert len(fast.references) > 100


def test_the_parse_kept_for_the_embedded_config_finder_is_the_python_finders(tmp_path, monkeypatch):
    (tmp_path / "m.py").write_text("import yaml\nfrom transformers import AutoModel\n"
                                   "cfg = yaml.safe_load('model: org/a')\nAutoModel.from_pretrained('org/b')\n")
    import ast

    parsed: list[str] = []
    real_parse = ast.parse

    def counting_parse(source, *args, **kwargs):
        parsed.append(source)
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting_parse)
    ids = sorted((r.id, r.syntax) for r in discover(str(tmp_path), jobs=1).references)
    assert ids == [("org/a", "config"), ("org/b", "python")]
    assert len([source for source in parsed if "org/b" in source]) == 1  # both finders read one parse
    assert python_finder._last_parsed is None  # and it is let go once the file is done (issue 15: memory)


@pytest.mark.skipif(not os.environ.get("MODEL_GATE_BIG_DIFFERENTIAL"), reason="set MODEL_GATE_BIG_DIFFERENTIAL=1")
def test_relevant_lines_are_the_same_on_a_large_generated_sample(monkeypatch):
    texts = _generated(300_000, seed=int(os.environ["MODEL_GATE_BIG_DIFFERENTIAL"]))
    fast = [python_finder.relevant_lines(text) for text in texts]
    with monkeypatch.context() as patch:
        _shortcuts_off(patch)
        assert fast == [python_finder.relevant_lines(text) for text in texts]


def test_a_folded_text_is_judged_from_its_fold_where_the_fold_decides(monkeypatch):
    built: list[str] = []
    original = python_finder.python_view
    monkeypatch.setattr(python_finder, "python_view", lambda text: built.append(text) or original(text))
    # NFKC changes only prose here: no token gained, decided without the view.
    assert not python_finder._view_adds_triggers('# café ﬁle\nx = from_pretrained("a")\n')
    assert built == []
    # Folding spells a token the raw text lacks (`ｆrom_pretrained`): the view is built, and says so.
    assert python_finder._view_adds_triggers('x = ｆrom_pretrained("a")\n')
    assert len(built) == 1
    # The fold's own seams join a token: the shortcut cannot tell, the view decides.
    assert python_finder._view_adds_triggers('# ﬁ\nx = "from_" "pretrained"\n')
    assert len(built) == 2
    # A backslash-newline moves the view's seams (the comment after `'#` runs on): found by the large differential.
    moved = "r'#list_repo_En'\\\n'gineArgshf://KModelｆrun_path("
    assert python_finder._view_adds_triggers(moved) and _view_adds_with_shortcuts_off(moved)
    assert python_finder.relevant_lines(moved) is None


def test_a_backslash_newline_that_ends_a_comment_in_the_view_is_read_from_the_view():
    # The raw text reads `'#...` to the line's end as a comment, so its seams show no join; Python removes the
    # backslash-newline first, the literals join, and `EngineArgs` appears: the line filter must not be trusted.
    moved = "import os\nx = r'#list_repo_En'\\\n'gineArgs'\ny = 1\n"
    assert "EngineArgs" in python_finder.python_view(moved) and "EngineArgs" not in moved
    assert python_finder._view_adds_triggers(moved)
    assert python_finder.relevant_lines(moved) is None

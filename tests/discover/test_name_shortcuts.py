"""Issue 11 §6: the quick first tests in front of a few patterns asked of every file name and every string
literal give the same answers as the patterns alone (each skips work only)."""

from __future__ import annotations

import random
import re

from gate.discover import catalog, shell_finder
from gate.discover.interface import file_name
from tests.discover.expected_refs import FIXTURES

_COMPOSE_PLAIN = re.compile(r"(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml")


def _names() -> list[str]:
    rng = random.Random(7)
    parts = ["compose", "docker-compose", "docker", "requirements", "constraints", "dev", "-", "_", ".", "yml",
             "yaml", "txt", "in", "x", "é", "Requirements", "/", "prod.", ".j2"]
    names = ["".join(rng.choice(parts) for _ in range(rng.randint(1, 6))) for _ in range(20_000)]
    names += [str(path.relative_to(FIXTURES)) for path in FIXTURES.rglob("*")]
    return names


def test_the_file_name_tests_agree_with_their_patterns():
    compose = requirements = 0
    for path in _names():
        name = file_name(path)
        expected_compose = _COMPOSE_PLAIN.fullmatch(name) is not None
        expected_requirements = shell_finder._REQUIREMENTS_NAME.fullmatch(name) is not None
        assert shell_finder._is_compose(path) is expected_compose, path
        assert shell_finder._is_requirements(path) is expected_requirements, path
        compose += expected_compose
        requirements += expected_requirements
    assert compose > 5 and requirements > 5


def test_every_string_token_holds_a_slash_or_a_colon():
    # `_Scan._scan_value` passes over a string with neither before looking for each token.
    assert all("/" in token or ":" in token for token in catalog.STRING_TOKENS)


def _request_programs() -> list[str]:
    """Programs where a model id is bound to a name and read as a request object's `model` (or not), the callee
    spelled in every case and width the parser folds to the same name."""
    rng = random.Random(12)
    callees = ["ChatCompletionRequest", "protocol.EmbeddingRequest", "CompletionREQUEST", "ChatCompletionＲｅｑｕｅｓｔ",
               "ChatCompletion_request", "Chatcompletionrequest", "ChatCompletionReQuest", "ChatCompletionRequeſt",
               "Sender", "from_pretrained"]
    programs = []
    for _ in range(600):
        callee = rng.choice(callees)
        lines = ['MODEL_ID = "org/served-model"', "from transformers import AutoModel"]
        lines.append(f"request = {callee}(model=MODEL_ID, messages=[])")
        if rng.random() < 0.4:
            lines.append("AutoModel.from_pretrained(MODEL_ID)")
        if rng.random() < 0.3:
            lines.append("# a request log line")
        programs.append("\n".join(lines) + "\n")
    return programs


def test_skipping_the_request_count_where_request_is_never_spelled_changes_nothing(monkeypatch):
    from gate.discover import python_context
    from gate.discover.python_finder import scan_python_text

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(FIXTURES.rglob("*.py"))]
    texts += _request_programs()

    def found() -> list:
        return [scan_python_text(text, "t.py", None) for text in texts]

    with_shortcut = found()
    monkeypatch.setattr(python_context, "SKIP_UNSPELLED_REQUESTS", False)
    assert found() == with_shortcut
    served = [r for result in with_shortcut for r in result.references if r.id == "org/served-model"]
    assert len(served) > 100 and len(served) < 600  # some requests were recognised (dropped), some not

"""Issue 11 §6: context detection's remembered answers give what asking again gives (each skips work only)."""

from __future__ import annotations

import random

from gate.discover import python_context
from gate.discover.python_finder import scan_python_text
from tests.discover.expected_refs import FIXTURES


def _table_programs() -> list[str]:
    """Tables of ids bound to model-ish names, followed by statements that overwrite, read or leave them (the
    answer `_overwritten` gives for one assignment is asked again for every id of its table)."""
    rng = random.Random(11)
    names = ["MODEL_IDS", "model_names", "checkpoints", "dataset_ids", "repo_id"]
    programs = []
    for number in range(300):
        name = rng.choice(names)
        table = ", ".join(f'"acme/model-{number}-{i}"' for i in range(rng.randint(1, 6)))
        lines = [f"{name} = [{table}]"]
        for _ in range(rng.randint(0, 3)):
            lines.append(rng.choice([
                f'{name} = ["acme/final-{number}"]', "other = 1", f"print({name})", "def helper(): pass",
                "helper()", f'{name} = "acme/single-{number}"', "if other: pass"]))
        if rng.random() < 0.5:
            lines.append(f'{name} = ["acme/last-{number}"]')
        programs.append("\n".join(lines) + "\n")
    return programs


def test_remembering_whether_an_assignment_is_overwritten_changes_nothing(monkeypatch):
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(FIXTURES.rglob("*.py"))]
    texts += _table_programs()

    def found() -> list:
        return [scan_python_text(text, "t.py", None) for text in texts]

    remembered = found()
    monkeypatch.setattr(python_context, "REMEMBER_OVERWRITTEN", False)
    assert found() == remembered
    ids = {r.id for result in remembered for r in result.references}
    # Both answers occur: some tables are reported, others are overwritten before any read.
    assert sum(i.startswith("acme/model-") for i in ids if i) > 100
    assert sum(f"acme/model-{n}-0" not in ids for n in range(300)) > 30


def test_the_remembered_call_judgement_is_the_judgement():
    rng = random.Random(5)
    words = ["load", "model", "get", "save", "tokenizer", "build", "push", "hub", "class", "name", "from", "path",
             "Model", "Load", "setup", "dataset", "x", "_", "2"]
    names = ["".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(5_000)]
    for name in names * 2:  # the second round answers from memory
        assert python_context._call_judged(name) is python_context._call_judged.__wrapped__(name), name
    assert any(python_context._call_judged(name) for name in names)
    assert not all(python_context._call_judged(name) for name in names)

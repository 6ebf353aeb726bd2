"""bench/precision_audit.py: the sample it draws, how a judged reference is matched, and its figures on a tiny
synthetic snapshot (no fetched files)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

_BENCH = Path(__file__).parents[2] / "bench"
sys.path.insert(0, str(_BENCH))  # precision_audit imports recall as a sibling script
_SPEC = importlib.util.spec_from_file_location("precision_audit", _BENCH / "precision_audit.py")
audit = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("precision_audit", audit)  # dataclasses look their module up there
_SPEC.loader.exec_module(audit)
Found, Judgement = audit.Found, audit.Judgement


def test_draw_is_reproducible_and_takes_all_when_fewer():
    found = [Found("a.py", line, "model", f"org/m{line}") for line in range(50, 0, -1)]
    first = audit.draw(found, seed=4, size=10)
    assert first == audit.draw(list(reversed(found)), seed=4, size=10)  # the input order does not matter
    assert len(first) == 10 and first == sorted(first, key=lambda r: r.line)
    assert first != audit.draw(found, seed=5, size=10)
    assert audit.draw(found[:3], seed=4, size=10) == sorted(found[:3], key=lambda r: r.line)


def test_still_reported_needs_path_kind_and_id_within_two_lines():
    judged = Judgement("o/n", "0" * 40, "a.py", 10, "model", "Org/M", True, "")
    assert audit.still_reported(judged, [Found("a.py", 12, "model", "org/m")])
    assert not audit.still_reported(judged, [Found("a.py", 13, "model", "org/m")])
    assert not audit.still_reported(judged, [Found("a.py", 10, "dataset", "org/m")])
    assert not audit.still_reported(judged, [Found("b.py", 10, "model", "org/m")])


def test_main_counts_removed_false_positives(tmp_path, capsys):
    from tests.bench.test_recall import make_snapshot

    mirror, commit = make_snapshot(tmp_path, "app.py", (
        "from transformers import AutoModel\n\n"
        'model = AutoModel.from_pretrained("acme/encoder")\n'
        'request = ChatCompletionRequest(model="acme/served")\n'))
    judged = [
        {"repo": "acme/demo", "commit": commit, "path": "app.py", "line": 3, "kind": "model", "id": "acme/encoder",
         "verdict": "true", "reason": "loaded"},
        {"repo": "acme/demo", "commit": commit, "path": "app.py", "line": 4, "kind": "model", "id": "acme/served",
         "verdict": "false", "reason": "a served name in a request object"},
    ]
    audit_file = tmp_path / "precision_audit_x.json"
    audit_file.write_text(json.dumps({"seed": 4, "size": 40, "judgements": judged}))

    assert audit.main(["--audit", str(audit_file), "--mirror-root", str(mirror), "--show"]) == 0
    out = capsys.readouterr().out
    assert "judged   2 (true   1, precision  50.0%)  still reported   1 (true   1, precision 100.0%)" in out
    assert "false removed   1" in out and "true lost   0" in out
    assert "GONE false app.py:4 model acme/served" in out


def test_recall_skips_audit_files(tmp_path):
    import recall

    (tmp_path / "acme__demo.json").write_text(json.dumps({"repo": "acme/demo", "commit": "0" * 40, "files": {}}))
    (tmp_path / "precision_audit_4.json").write_text(json.dumps({"seed": 4, "judgements": []}))
    chosen = recall.selected(sorted(tmp_path.glob("*.json")), "all", [])
    assert [corpus.repo for _, corpus in chosen] == ["acme/demo"]

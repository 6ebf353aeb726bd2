"""Issue 11 §6: the config finder's text test in front of the MLflow walk gives what the walk alone gives (it
skips work only)."""

from __future__ import annotations

import random
from pathlib import Path

from gate.discover import config_finder
from gate.discover.config_finder import ConfigFinder
from gate.discover.interface import SourceFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _generated() -> list[tuple[str, str]]:
    """Configs whose values spell an MLflow URI plainly, through escapes, across folded lines, or not at all."""
    rng = random.Random(3)
    values = ["models:/churn/3", "runs:/0123456789abcdef0123456789abcdef/model", "models:/m@champion",
              '"models\\x3a/churn/4"', '"models\\u003a/churn/5"', '"runs:\\\n  /abc/model"', "models: /x",
              '"MODEL_URI=models:/churn/6"', "org/model", "'models:/quoted/7'", "plain words"]
    keys = ["model_uri", "uri", "MLFLOW_REGISTRY_URI", "tracking_uri", "model", "env"]
    configs = []
    for number in range(400):
        lines = [f"{rng.choice(keys)}: {rng.choice(values)}" for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            lines.append(f"MLFLOW_TRACKING_URI: http://mlflow-{number}.internal")
        suffix = rng.choice([".yaml", ".yml", ""])
        configs.append((f"c{number}{suffix or '_yaml'}", "\n".join(lines) + "\n"))
    configs += [("j.json", '{"model_uri": "models\\u003a/json/1"}'), ("t.toml", 'uri = "runs:\\u002fabc/m"\n')]
    return configs


def _texts() -> list[tuple[str, str]]:
    found = [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in sorted(FIXTURES.rglob("*"))
             if p.is_file() and p.suffix.lower() in (".yaml", ".yml", ".json", ".toml")]
    return found + _generated()


def test_skipping_the_mlflow_walk_where_no_uri_is_spelled_changes_nothing(monkeypatch):
    finder = ConfigFinder()
    texts = _texts()

    def found() -> list:
        return [finder.scan(SourceFile(path, path), text, None) for path, text in texts]

    with_shortcut = found()
    monkeypatch.setattr(config_finder, "SKIP_MLFLOW_WALK", False)
    assert found() == with_shortcut
    mlflow = [r for result in with_shortcut for r in result.references if r.source == "mlflow"]
    assert len(mlflow) > 200  # the walk still runs where a URI is spelled, escapes included
    assert {"churn", "json"} <= {r.id for r in mlflow}
    assert sum(not config_finder.may_spell_mlflow_uri(text) for _, text in texts) > 100  # and is skipped

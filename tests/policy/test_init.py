"""policy init: a starter policy listing every id found, with pinned revisions; it validates."""

from __future__ import annotations

from pathlib import Path

import yaml

from gate.cli import main
from gate.policy.evaluate import evaluate
from gate.policy.init import starter_policy
from gate.policy.load import load_policy
from tests.policy.helpers import SHA_A, SHA_C, TODAY, artifact, ref


def test_starter_policy_lists_ids_with_their_pins():
    references = [
        ref("org/pinned", SHA_A, path="a.py", line=3),
        ref("ORG/Pinned", SHA_A, path="b.py", line=4),
        ref("org/pinned", "main", path="c.py", line=5),
        ref("org/numeric", SHA_C),
        ref("gpt2", trust_remote_code=True, path="d.py", line=9),
        ref("org/data", kind="dataset", path="e.py", line=1),
        ref(None, dynamic=True),
        ref("./local", source="local"),
        artifact("w/model.safetensors", "safetensors", "1" * 64),
        artifact("w/model.bin", "pytorch-zip", "2" * 64),
    ]
    text = starter_policy(references, TODAY)
    data = yaml.safe_load(text)
    assert data["defaults"]["unlisted"] == "deny"
    assert [(m["id"], m.get("revisions")) for m in data["models"]] == [
        ("gpt2", None), ("org/numeric", [SHA_C]), ("org/pinned", [SHA_A])]
    assert [d["id"] for d in data["datasets"]] == ["org/data"]
    assert data["artifacts"] == [{"path": "w/model.safetensors", "sha256": "1" * 64}]
    assert "# - path: \"w/model.bin\"" in text and "pickle-based (pytorch-zip)" in text
    assert "# not pinned at c.py:5: run `model-gate pin`" in text
    assert "# trust_remote_code at d.py:9" in text
    # it validates, and judged against its own repository it only reports what still needs work
    policy = load_policy(None, ".", text=text, label="starter", today=TODAY)
    found = sorted((f.rule, f.reference) for f in evaluate(policy, references, TODAY))
    assert found == [("dynamic-reference", 6), ("trust-remote-code", 4), ("unpinned-revision", 2),
                     ("unpinned-revision", 4), ("unpinned-revision", 5), ("unsafe-artifact-format", 9)]


def test_empty_repository():
    data = yaml.safe_load(starter_policy([], TODAY))
    assert (data["models"], data["datasets"], data["artifacts"], data["exceptions"]) == ([], [], [], [])


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "train.py").write_text(
        "from transformers import AutoModel\n"
        f'AutoModel.from_pretrained("org/pinned", revision="{SHA_A}")\n'
        'AutoModel.from_pretrained("org/floating")\n')
    return tmp_path


def test_cli_init_writes_validates_and_refuses_to_overwrite(tmp_path, capsys):
    repo = _repo(tmp_path)
    assert main(["policy", "init", str(repo), "--today", "2026-12-01"]) == 0
    written = repo / ".github" / "model-policy.yml"
    data = yaml.safe_load(written.read_text())
    ids = {m["id"]: m.get("revisions") for m in data["models"]}
    assert ids == {"org/floating": None, "org/pinned": [SHA_A]}
    assert "wrote" in capsys.readouterr().err
    assert load_policy(None, str(repo), today=TODAY).source == ".github/model-policy.yml"

    written.write_text("version: 1\n# hand-edited\n")
    assert main(["policy", "init", str(repo)]) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert written.read_text() == "version: 1\n# hand-edited\n"
    assert main(["policy", "init", str(repo), "--force"]) == 0
    assert "org/floating" in written.read_text()


def test_cli_init_to_stdout(tmp_path, capsys):
    assert main(["policy", "init", str(_repo(tmp_path)), "-o", "-"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["version"] == 1
    assert not (tmp_path / ".github").exists()


def test_a_file_name_with_line_breaks_cannot_add_entries():
    """Paths go into comments; a crafted name must stay inside its comment, not become an allowlist entry."""
    crafted = 'x\n  - id: "evil/model"\n    reason: ok\n#.py'
    references = [ref("org/ok", SHA_A, path=crafted, line=2),
                  artifact('w\n  - path: "**"\n#/model.bin', "pytorch-zip", "2" * 64)]
    text = starter_policy(references, TODAY)
    data = yaml.safe_load(text)
    assert [m["id"] for m in data["models"]] == ["org/ok"]
    assert data["artifacts"] == []
    assert '# used at x\\n  - id: \\"evil/model\\"\\n    reason: ok\\n#.py:2' in text

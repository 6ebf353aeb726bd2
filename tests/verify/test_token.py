"""HF_TOKEN is sent to the Hub and never printed or written into a report."""

from __future__ import annotations

import json

from gate.cli import main
from tests.verify.hubtools import fast_env

SECRET = "hf_SuperSecretTokenValue123"


def _repo_dir(tmp_path, lines):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "config.yaml").write_text("\n".join(lines) + "\n")
    return root


def test_token_is_used_but_never_printed(hub, tmp_path, monkeypatch, capsys):
    fast_env(monkeypatch, hub)
    monkeypatch.setenv("HF_TOKEN", SECRET)
    sha = hub.add_repo("org/private", files={"model.safetensors": b"w"}, private=True, token=SECRET).head()
    root = _repo_dir(tmp_path, ["model_name_or_path: org/private", f"model_revision: {sha}"])
    out = tmp_path / "report.json"
    args = ["scan", str(root), "--verify", "hub", "--hub-endpoint", hub.endpoint,
            "--cache-dir", str(tmp_path / "cache"), "--format", "json", "--output", str(out)]
    assert main(args) == 0
    assert f"Bearer {SECRET}" in hub.authorizations  # the private repo was reached with the token
    # Now make it fail, with every message the failure produces, in every format.
    hub.faults.server_error(500)
    outputs = []
    for fmt in ("json", "text"):
        code = main(args[:-4] + ["--cache-dir", str(tmp_path / f"cache-{fmt}"), "--format", fmt])
        captured = capsys.readouterr()
        assert code == 3
        outputs += [captured.out, captured.err]
    report = json.loads(outputs[0])
    assert any(f["rule"] == "verification-failed" for f in report["findings"])
    for text in outputs + [out.read_text()]:
        assert SECRET not in text
    assert not any(SECRET in p.read_text(errors="replace") for p in (tmp_path / "cache").rglob("*") if p.is_file())


def test_wrong_token_reads_as_not_found_with_a_hint(hub, tmp_path, monkeypatch, capsys):
    fast_env(monkeypatch, hub)
    monkeypatch.setenv("HF_TOKEN", SECRET)
    sha = hub.add_repo("org/private", files={"model.safetensors": b"w"}, private=True, token="hf_other").head()
    root = _repo_dir(tmp_path, ["model_name_or_path: org/private", f"model_revision: {sha}"])
    code = main(["scan", str(root), "--verify", "hub", "--hub-endpoint", hub.endpoint,
                 "--cache-dir", str(tmp_path / "cache"), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "repo-not-found"]
    assert "HF_TOKEN" in finding["message"] and SECRET not in json.dumps(report)

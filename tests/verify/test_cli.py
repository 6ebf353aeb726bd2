"""`model-gate scan --verify hub` end to end: real discovery, real policy, real client, emulated Hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate.cli import main
from tests.verify.hubtools import fast_env

WEIGHTS = b"weights" * 20


@pytest.fixture(autouse=True)
def _env(monkeypatch, hub):
    fast_env(monkeypatch, hub, attempts=2, timeout=0.5)


def _scan(hub, root, capsys, *extra):
    code = main(["scan", str(root), "--verify", "hub", "--hub-endpoint", hub.endpoint,
                 "--cache-dir", str(root.parent / "cache"), "--format", "json", *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def _repo(tmp_path, files: dict[str, str]):
    root = tmp_path / "repo"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_pass_with_verified_pins(hub, tmp_path, capsys):
    sha = hub.add_repo("org/good", license="mit", files={"model.safetensors": WEIGHTS}).head()
    root = _repo(tmp_path, {
        "train.py": f'from transformers import AutoModel\nAutoModel.from_pretrained("org/good", revision="{sha}")\n',
        ".github/model-policy.yml": "version: 1\ndefaults: {licenses: [mit]}\n",
    })
    code, report, _ = _scan(hub, root, capsys)
    assert code == 0, report["findings"]
    assert report["findings"] == []


def test_findings_from_verification_fail_the_run(hub, tmp_path, capsys):
    sha = hub.add_repo("org/lic", license="gpl-3.0", files={"model.safetensors": WEIGHTS}).head()
    root = _repo(tmp_path, {
        "train.py": (f'from transformers import AutoModel\nAutoModel.from_pretrained("org/lic", revision="{sha}")\n'
                     f'AutoModel.from_pretrained("org/typo", revision="{sha}")\n'),
        ".github/model-policy.yml": "version: 1\ndefaults: {licenses: [mit]}\n",
    })
    code, report, _ = _scan(hub, root, capsys)
    assert code == 1
    assert sorted((f["rule"], f["line"]) for f in report["findings"]) == [
        ("license-not-allowed", 2), ("repo-not-found", 3)]


def test_unpinned_reference_remediation_names_the_head(hub, tmp_path, capsys):
    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    root = _repo(tmp_path, {"train.py": 'from transformers import AutoModel\nAutoModel.from_pretrained("org/m")\n'})
    code, report, _ = _scan(hub, root, capsys)
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "unpinned-revision"]
    assert finding["remediation"] == f'pin to revision="{sha}", the current head of main'


@pytest.mark.parametrize("inject", [
    lambda faults: faults.server_error(500),
    lambda faults: faults.rate_limit(times=None, retry_after=0),
    lambda faults: faults.drop(),
    lambda faults: faults.truncate(),
    lambda faults: faults.hang(1.0),
], ids=["500", "429", "dropped", "truncated", "timeout"])
def test_every_fault_class_exits_3_with_a_clear_message(hub, tmp_path, capsys, inject):
    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    root = _repo(tmp_path, {"config.yaml": f"model_name_or_path: org/m\nmodel_revision: {sha}\n"})
    inject(hub.faults)
    code, report, _ = _scan(hub, root, capsys)
    assert code == 3
    [finding] = report["findings"]
    assert finding["rule"] == "verification-failed" and finding["severity"] == "error"
    assert finding["message"].startswith(f"could not verify model org/m@{sha}: asking {hub.endpoint}: ")
    assert "gave up after 2 attempts" in finding["message"]
    # The text report says the same, for people.
    code = main(["scan", str(root), "--verify", "hub", "--hub-endpoint", hub.endpoint,
                 "--cache-dir", str(tmp_path / "cache2")])
    text = capsys.readouterr().out
    assert code == 3 and "verification-failed" in text and "could not verify model org/m" in text


def test_verify_failure_warn_passes_with_a_warning(hub, tmp_path, capsys):
    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    root = _repo(tmp_path, {"config.yaml": f"model_name_or_path: org/m\nmodel_revision: {sha}\n"})
    hub.faults.server_error(500)
    code, report, _ = _scan(hub, root, capsys, "--verify-failure", "warn")
    assert code == 0
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("verification-failed", "warning")]


def test_policy_verify_hub_turns_verification_on(hub, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)  # read at run time, not at huggingface_hub's import
    root = _repo(tmp_path, {
        "config.yaml": f"model_name_or_path: org/absent\nmodel_revision: {'7' * 40}\n",
        ".model-policy.yml": "version: 1\ndefaults: {verify: hub}\n",
    })
    code = main(["scan", str(root), "--cache-dir", str(tmp_path / "cache"), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and [f["rule"] for f in report["findings"]] == ["repo-not-found"]
    code = main(["scan", str(root), "--verify", "none", "--format", "json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["findings"] == []


def test_repeated_run_makes_no_request(hub, tmp_path, capsys):
    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    root = _repo(tmp_path, {"config.yaml": f"model_name_or_path: org/m\nmodel_revision: {sha}\n"})
    assert _scan(hub, root, capsys)[0] == 0
    hub.reset_requests()
    assert _scan(hub, root, capsys)[0] == 0
    assert hub.requests == 0


def test_report_shows_verification_stats_in_json_and_text(hub, tmp_path, capsys):
    import jsonschema

    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    hub.add_repo("openai-community/gpt2", files={"model.safetensors": WEIGHTS}, aliases=["gpt2"])
    root = _repo(tmp_path, {"train.py": (
        "from transformers import AutoModel\n"
        f'AutoModel.from_pretrained("org/m", revision="{sha}")\n'
        f'AutoModel.from_pretrained("org/m", revision="{sha}")\n'
        'AutoModel.from_pretrained("gpt2")\n')})
    code, report, _ = _scan(hub, root, capsys)
    assert code == 1  # gpt2 is unpinned
    schema = json.loads((Path(__file__).parents[2] / "gate/report/report.schema.json").read_text())
    jsonschema.validate(report, schema)
    stats = report["verification"]
    assert {k: stats[k] for k in ("mode", "endpoint", "queries", "cache_hits", "fetched", "failed", "on_failure")} == {
        "mode": "hub", "endpoint": hub.endpoint, "queries": 2, "cache_hits": 0, "fetched": 2, "failed": 0,
        "on_failure": "error"}
    assert stats["canonical_ids"] == {"gpt2": "openai-community/gpt2"}

    code = main(["scan", str(root), "--verify", "hub", "--hub-endpoint", hub.endpoint,
                 "--cache-dir", str(root.parent / "cache")])
    text = capsys.readouterr().out
    assert code == 1
    # the pinned query comes from the cache; the branch resolution is asked again
    assert f"verification (hub, {hub.endpoint}): 2 queries: 1 from cache, 1 fetched, 0 failed; " in text

    code = main(["scan", str(root), "--format", "json"])
    assert "verification" not in json.loads(capsys.readouterr().out)  # absent when nothing was verified


def test_the_hubs_malware_test_repository_fails_the_run_although_scans_done_is_false(hub, tmp_path, capsys):
    """Issue 13 §2.1: replayed with the real flags of mcpotato/42-eicar-street (and `scansDone: false`, as the
    Hub sends it for scanned repositories), the run used to exit 0."""
    flags = {"model_broken_X.pkl": "unsafe", "danger.dat": "unsafe", "build_pickles.py": "caution",
             "eicar_test_file": "unsafe"}
    repo = hub.add_repo("mcpotato/42-eicar-street", files={name: b"x" for name in flags}, scans_done=False)
    for path, level in flags.items():
        repo.flag(path, level)
    repo.scan_imports("danger.dat", ("builtins", "eval", "dangerous"))
    root = _repo(tmp_path, {
        "load.py": ("from huggingface_hub import hf_hub_download\n"
                    f'hf_hub_download("mcpotato/42-eicar-street", "danger.dat", revision="{repo.head()}")\n'),
        ".github/model-policy.yml": "version: 1\ndefaults: {artifact_formats: {deny: []}}\n",
    })
    code, report, _ = _scan(hub, root, capsys)
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "hub-security-flag"]
    assert finding["severity"] == "error" and "danger.dat (unsafe: imports builtins.eval)" in finding["message"]

"""Scans verified against a real MLflow server (issue 17 §5): each rule, each fault, the fix that names the
version an alias points at now. Marked `mlflow`: .ci/run runs them after the main suite (`pytest -m mlflow`)."""

from __future__ import annotations

import json
import shutil

import pytest

from gate.cli import main
from tests.discover.expected_refs import FIXTURES
from tests.registry.conftest import policy_text
from tests.registry.server import TokenProxy

pytestmark = pytest.mark.mlflow

REPOS = FIXTURES.parent / "registry"
TOKEN = "s3cr3t-registry-token"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    for variable in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI", "MLFLOW_TRACKING_TOKEN",
                     "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("MODEL_GATE_VERIFY_ATTEMPTS", "2")
    monkeypatch.setenv("MODEL_GATE_VERIFY_BACKOFF", "0.1")
    monkeypatch.setenv("MODEL_GATE_VERIFY_TIMEOUT", "5")


def scan(tmp_path, repo: str, policy: str, *extra: str) -> tuple[int, dict]:
    root = tmp_path / repo
    shutil.copytree(REPOS / repo / "repo", root)
    (tmp_path / "policy.yml").write_text(policy)
    out = tmp_path / "report.json"
    code = main(["scan", str(root), "--policy", str(tmp_path / "policy.yml"), "--verify", "hub", "--format", "json",
                 "--output", str(out), "--cache-dir", str(tmp_path / "cache"), *extra])
    return code, json.loads(out.read_text())


def scan_source(tmp_path, source: str, policy: str) -> tuple[int, dict]:
    """Scan a one-file repository (`app.py` holding `source`) with verification."""
    root = tmp_path / "one-file"
    root.mkdir()
    (root / "app.py").write_text(source)
    (tmp_path / "policy.yml").write_text(policy)
    out = tmp_path / "report.json"
    code = main(["scan", str(root), "--policy", str(tmp_path / "policy.yml"), "--verify", "hub", "--format", "json",
                 "--output", str(out)])
    return code, json.loads(out.read_text())


def summary(report) -> list[tuple]:
    return sorted((f["path"], f["line"], f["rule"]) for f in report["findings"])


def test_each_rule_against_the_registry(mlflow_server, tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.uri)
    code, report = scan(tmp_path, "rules", policy_text(mlflow_server.uri))
    assert summary(report) == [
        ("elsewhere.py", 4, "registry-not-allowed"),
        ("score.py", 4, "registry-version-unusable"),
        ("score.py", 5, "registry-tag-missing"),
        ("score.py", 6, "revision-not-allowed"),
        ("score.py", 6, "revision-not-found"),
        ("score.py", 7, "unpinned-revision"),
        ("score.py", 8, "unpinned-revision"),
        ("score.py", 9, "unpinned-revision"),
        ("score.py", 10, "not-allowlisted"),
        ("score.py", 11, "repo-not-found"),
        ("score.py", 13, "file-hash-mismatch"),
        ("serve.sh", 2, "registry-tag-missing"),
        ("serve.sh", 2, "unpinned-revision"),
    ]
    assert code == 1
    by_line = {(f["path"], f["line"], f["rule"]): f for f in report["findings"]}
    # The fix of an unpinned reference names the version its alias, stage or `latest` points at now.
    assert by_line[("score.py", 7, "unpinned-revision")]["remediation"] == (
        "load the fixed model version models:/churn/2 (the version @champion points at now)")
    assert by_line[("score.py", 8, "unpinned-revision")]["details"]["resolved_version"] == "2"
    assert by_line[("score.py", 9, "unpinned-revision")]["details"]["resolved_version"] == "4"
    assert by_line[("serve.sh", 2, "unpinned-revision")]["details"]["resolved_version"] == "3"
    assert by_line[("score.py", 4, "registry-version-unusable")]["message"] == (
        f"version 1 of MLflow model 'churn' on {mlflow_server.uri}: it is in the Archived stage")
    tag = by_line[("score.py", 5, "registry-tag-missing")]
    assert tag["message"] == (f"version 3 of MLflow model 'churn' on {mlflow_server.uri} has validation_status="
                              "pending; the policy requires validation_status=approved")
    assert tag["details"]["run_id"] == mlflow_server.versions[("churn", "3")]
    assert tag["details"]["source"] == f"runs:/{mlflow_server.versions[('churn', '3')]}/model"
    assert by_line[("score.py", 6, "revision-not-found")]["details"]["latest_version"] == "4"
    assert "sha256:" in by_line[("score.py", 13, "file-hash-mismatch")]["message"]
    assert by_line[("elsewhere.py", 4, "registry-not-allowed")]["details"]["registry"] == "http://127.0.0.1:9"
    assert report["verification"]["mlflow"]["registries"] == [mlflow_server.uri]
    assert report["verification"]["mlflow"]["failed"] == 0
    [churn_2] = [v for v in report["verification"]["mlflow"]["versions"] if (v["name"], v["revision"]) ==
                 ("churn", "2")]
    assert churn_2["signature"] == {"inputs": '[{"type": "double", "name": "tenure"}]', "outputs": '[{"type": "long"}]'}


def test_run_uris_are_verified(mlflow_server, tmp_path, monkeypatch):
    run_id = mlflow_server.versions[("churn", "2")]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.uri)
    code, report = scan_source(tmp_path, f'import mlflow\nok = mlflow.pyfunc.load_model("runs:/{run_id}/model")\n'
                                         f'gone = mlflow.pyfunc.load_model("runs:/{"0" * 32}/model")\n',
                               policy_text(mlflow_server.uri).replace("defaults: {unlisted: deny}",
                                                                      "defaults: {unlisted: allow}"))
    assert summary(report) == [("app.py", 2, "registry-tag-missing"), ("app.py", 3, "revision-not-found")]
    tag, missing = sorted(report["findings"], key=lambda f: f["line"])
    assert tag["message"] == (f"MLflow runs:/{run_id}/model on {mlflow_server.uri} has no tag validation_status; "
                              "the policy requires validation_status=approved")
    assert missing["message"] == (f"the run of MLflow runs:/{'0' * 32}/model does not exist on {mlflow_server.uri} "
                                  "(deleted, or never registered)")
    assert code == 1


def test_a_registry_from_the_environment_the_policy_does_not_list_is_never_asked(mlflow_server, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.uri)
    code, report = scan(tmp_path, "pin", policy_text("https://mlflow.example.internal"))
    assert [f["rule"] for f in report["findings"] if f["rule"] not in ("unpinned-revision",)] == [
        "registry-not-allowed"] * 5
    assert report["verification"]["mlflow"]["queries"] == 0
    assert code == 1


def test_wrong_credentials_fail_closed_without_printing_them(mlflow_server, tmp_path, monkeypatch, capsys):
    proxy = TokenProxy(mlflow_server.uri, TOKEN)
    try:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", proxy.uri)
        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "wrong-" + TOKEN)
        code, report = scan(tmp_path / "wrong", "pin", policy_text(proxy.uri))
        failed = [f for f in report["findings"] if f["rule"] == "verification-failed"]
        assert code == 3
        assert len(failed) == 5  # one per distinct (model, revision) query
        assert all("HTTP 401 Unauthorized" in f["message"] and proxy.uri in f["message"] for f in failed)
        assert any("models:/churn@champion" in f["message"] for f in failed)
        text = json.dumps(report) + capsys.readouterr().err
        assert TOKEN not in text

        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", TOKEN)
        code, report = scan(tmp_path / "right", "pin", policy_text(proxy.uri))
        assert summary(report) == [("app.py", 3, "unpinned-revision"), ("app.py", 4, "unpinned-revision"),
                                   ("config.yaml", 1, "unpinned-revision"), ("serve.sh", 2, "registry-tag-missing"),
                                   ("serve.sh", 2, "unpinned-revision")]
        assert TOKEN not in json.dumps(report)
    finally:
        proxy.close()


def test_the_ml_bom_lists_registry_models_with_registry_and_run(mlflow_server, tmp_path, monkeypatch):
    from packageurl import PackageURL

    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.uri)
    root = tmp_path / "bom"
    shutil.copytree(REPOS / "pin" / "repo", root)
    (tmp_path / "policy.yml").write_text(policy_text(mlflow_server.uri))
    out = tmp_path / "bom.json"
    main(["scan", str(root), "--policy", str(tmp_path / "policy.yml"), "--verify", "hub", "--format", "cyclonedx",
          "--output", str(out)])
    components = {c["name"] + "|" + next(p["value"] for p in c["properties"] if p["name"] == "model-gate:revision"): c
                  for c in json.loads(out.read_text())["components"]}
    pinned = components["churn|2"]
    run_id = mlflow_server.versions[("churn", "2")]
    assert pinned["purl"] == PackageURL(type="mlflow", name="churn", version="2", qualifiers={
        "repository_url": mlflow_server.uri, "run_id": run_id}).to_string()
    assert {p["name"]: p["value"] for p in pinned["properties"] if p["name"].startswith("model-gate:mlflow:")} == {
        "model-gate:mlflow:registry": mlflow_server.uri, "model-gate:mlflow:version": "2",
        "model-gate:mlflow:run_id": run_id, "model-gate:mlflow:source": f"runs:/{run_id}/model"}
    # An alias has no version of its own: the purl carries none, the property says what it pointed at.
    champion = components["churn|@champion"]
    assert champion["purl"].startswith("pkg:mlflow/churn?")
    assert {"name": "model-gate:mlflow:version", "value": "2"} in champion["properties"]


def test_pickle_artifacts_of_a_registry_version_are_scanned(mlflow_server, tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.uri)
    code, report = scan_source(tmp_path, 'import mlflow\nm = mlflow.pyfunc.load_model("models:/tainted/1")\n',
                               policy_text(mlflow_server.uri).replace(
                                   "defaults: {unlisted: deny}", "defaults: {unlisted: allow, scan_hub_pickles: true}"))
    [finding] = report["findings"]
    assert (finding["rule"], finding["line"]) == ("malicious-pickle", 2)
    assert finding["message"].startswith("models:/tainted/1/model.pkl would run dangerous code when loaded: `")
    assert "os" in json.dumps(finding["details"]["triggers"])
    assert code == 1


def test_pin_rewrites_aliases_stages_and_latest_to_the_versions_they_point_at_now(mlflow_server, tmp_path,
                                                                                  monkeypatch, capsys):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.uri)
    root = tmp_path / "pin"
    shutil.copytree(REPOS / "pin" / "repo", root)
    (root / "policy.yml").write_text(f"version: 1\nregistries:\n  - uri: {mlflow_server.uri}\n")
    code = main(["pin", str(root), "--write", "--update-policy", str(root / "policy.yml"), "--today", "2026-12-07"])
    assert code == 0
    assert (root / "app.py").read_text() == (
        "import mlflow\n\n"
        'champion = mlflow.pyfunc.load_model("models:/churn/2")  # pinned from @champion on 2026-12-07 by model-gate pin\n'
        'production = mlflow.sklearn.load_model(model_uri="models:/churn/2")  # pinned from Production on 2026-12-07 '
        "by model-gate pin\n"
        'fixed = mlflow.pyfunc.load_model("models:/churn/2")\n')
    assert (root / "serve.sh").read_text().splitlines()[1] == (
        'mlflow models serve -m "models:/churn/3" --port 5001  # pinned from @challenger on 2026-12-07 by model-gate pin')
    assert (root / "config.yaml").read_text() == (
        "model_uri: models:/churn/4  # pinned from latest on 2026-12-07 by model-gate pin\n")
    assert (root / "policy.yml").read_text() == (
        f"version: 1\nregistries:\n  - uri: {mlflow_server.uri}\nmodels:\n  - source: mlflow\n    name: churn\n"
        "    versions: [2, 4, 3]\n")
    capsys.readouterr()
    # Pinned: a verified scan finds nothing left to fix.
    out = tmp_path / "after.json"
    code = main(["scan", str(root), "--policy", str(root / "policy.yml"), "--verify", "hub", "--format", "json",
                 "--output", str(out)])
    assert [f["rule"] for f in json.loads(out.read_text())["findings"]] == []
    assert code == 0


def test_pin_fails_closed_when_the_alias_is_gone(mlflow_server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.uri)
    root = tmp_path / "gone"
    root.mkdir()
    (root / "app.py").write_text('import mlflow\nm = mlflow.pyfunc.load_model("models:/churn@retired")\n')
    assert main(["pin", str(root), "--write"]) == 3
    assert (root / "app.py").read_text().endswith('"models:/churn@retired")\n')
    # In the words of the scan's revision-not-found finding (issue 13 §1: pin applies the scan's findings).
    assert (f"app.py:2: alias '@retired' of MLflow model 'churn' does not exist on {mlflow_server.uri} (deleted, or "
            "never registered)\n") in capsys.readouterr().err


@pytest.mark.parametrize(("failing", "expected"), [(1, []), (None, ["verification-failed"])])
def test_server_errors_are_retried_then_fail_closed(mlflow_server, tmp_path, monkeypatch, failing, expected):
    proxy = TokenProxy(mlflow_server.uri, TOKEN, failures=503, failing=failing)
    try:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", proxy.uri)
        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", TOKEN)
        code, report = scan_source(tmp_path, 'import mlflow\nm = mlflow.pyfunc.load_model("models:/churn/2")\n',
                                   policy_text(proxy.uri))
        findings = report["findings"]
        assert [f["rule"] for f in findings] == expected
        assert code == (3 if expected else 0)
        if expected:
            assert findings[0]["message"].startswith(
                f"could not verify MLflow model models:/churn/2 on {proxy.uri}: asking {proxy.uri}: "
                "HTTP 503 Service Unavailable from the server (")
            assert findings[0]["message"].endswith("(gave up after 2 attempts)")
    finally:
        proxy.close()


def test_a_version_deleted_after_the_scan_started(mlflow_server, tmp_path, monkeypatch):
    from mlflow import MlflowClient

    import gate.discover.engine as engine

    original = engine.discover

    def discover_then_delete(*args, **kwargs):
        result = original(*args, **kwargs)
        MlflowClient(mlflow_server.uri, mlflow_server.uri).delete_model_version("churn", "4")
        return result

    monkeypatch.setattr(engine, "discover", discover_then_delete)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.uri)
    code, report = scan_source(tmp_path, 'import mlflow\nm = mlflow.pyfunc.load_model("models:/churn/4")\n',
                               policy_text(mlflow_server.uri))
    [finding] = report["findings"]
    assert (finding["rule"], finding["line"]) == ("revision-not-found", 2)
    assert finding["message"] == (f"version 4 of MLflow model 'churn' does not exist on {mlflow_server.uri} "
                                  "(deleted, or never registered)")
    assert finding["remediation"] == "pin to a version that exists: models:/churn/3 (the newest)"
    assert code == 1


def test_the_server_stopped_mid_scan_fails_closed(mlflow_server, tmp_path, monkeypatch):
    """Runs last in this module: it stops the module's server."""
    import gate.discover.engine as engine

    original = engine.discover

    def discover_then_stop(*args, **kwargs):
        result = original(*args, **kwargs)
        mlflow_server.stop()
        return result

    monkeypatch.setattr(engine, "discover", discover_then_stop)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.uri)
    code, report = scan(tmp_path, "pin", policy_text(mlflow_server.uri))
    failed = [f for f in report["findings"] if f["rule"] == "verification-failed"]
    assert code == 3
    assert len(failed) == 5
    assert all(mlflow_server.uri in f["message"] and "cannot connect" in f["message"] and
               "gave up after 2 attempts" in f["message"] for f in failed)
    assert sorted(f["message"].split(" on ")[0] for f in failed) == [
        "could not verify MLflow model models:/churn/2", "could not verify MLflow model models:/churn/Production",
        "could not verify MLflow model models:/churn/latest", "could not verify MLflow model models:/churn@challenger",
        "could not verify MLflow model models:/churn@champion"]


def test_pin_rewrites_exactly_the_registry_findings_that_carry_a_fix(mlflow_server, tmp_path, monkeypatch):
    """Issue 13 §1: `pin` is the scan with registry evidence plus the findings' fixes, so the versions it writes are
    the scan's `unpinned-revision` fixes, reference for reference."""
    import datetime as _dt

    from gate.pin.command import run_pin
    from gate.pipeline import ScanOptions, run_scan
    from gate.verify.interface import VerifyConfig

    root = tmp_path / "agree"
    shutil.copytree(REPOS / "pin" / "repo", root)
    (root / "policy.yml").write_text(f"version: 1\nregistries:\n  - uri: {mlflow_server.uri}\n")
    config = VerifyConfig(registry_uri=mlflow_server.uri, cache_dir=str(tmp_path / "cache"))
    today = _dt.date(2026, 12, 7)
    report = run_scan(ScanOptions(root=str(root), policy_path=str(root / "policy.yml"), verify="hub", today=today,
                                  verify_config=config))
    fixes = {(f.path, f.line): f.fix.revision for f in report.findings if f.fix is not None}
    assert fixes == {("app.py", 3): "2", ("app.py", 4): "2", ("config.yaml", 1): "4", ("serve.sh", 2): "3"}
    run = run_pin(root, config=config, today=today, policy=str(root / "policy.yml"))
    assert {(p.reference.path, p.reference.line): p.sha for p in run.pinned} == fixes
    assert run.skipped == []

"""MLflow verification without a server (issue 17 §3): the missing client and the unknown registry fail closed.
The real-server tests are in tests/registry (marker `mlflow`)."""

from __future__ import annotations

import json
import sys

import pytest

from gate.cli import main
from gate.verify.mlflow import RegistryQuery, display_uri


@pytest.fixture
def repo(tmp_path, monkeypatch):
    for variable in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI"):
        monkeypatch.delenv(variable, raising=False)
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "app.py").write_text('import mlflow\nm = mlflow.pyfunc.load_model("models:/churn/3")\n')
    return tmp_path


def scan(tmp_path, policy: str) -> tuple[int, list]:
    (tmp_path / "policy.yml").write_text("version: 1\n" + policy)
    out = tmp_path / "report.json"
    code = main(["scan", str(tmp_path / "repo"), "--policy", str(tmp_path / "policy.yml"), "--verify", "hub",
                 "--format", "json", "--output", str(out)])
    return code, json.loads(out.read_text())["findings"]


def test_missing_client_is_a_failed_verification_with_the_install_command(repo, monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow.tracking", None)  # `import mlflow.tracking` raises ImportError
    code, [finding] = scan(repo, "registries: [{uri: 'http://127.0.0.1:9'}]\n")
    assert code == 3
    assert finding["rule"] == "verification-failed"
    assert finding["message"] == ("could not verify MLflow model models:/churn/3 on http://127.0.0.1:9: the MLflow "
                                  "client is not installed: pip install 'model-gate[mlflow]'")
    assert finding["remediation"] == "install the MLflow client (pip install 'model-gate[mlflow]') and re-run"


def test_no_known_registry_fails_closed(repo):
    code, [finding] = scan(repo, "")
    assert code == 3
    assert finding["rule"] == "verification-failed"
    assert "no MLflow registry is known for it: set MLFLOW_TRACKING_URI" in finding["message"]


def test_credentials_in_a_uri_are_never_shown():
    assert display_uri("https://user:pw@mlflow.internal:8443/x") == "https://mlflow.internal:8443/x"
    assert RegistryQuery("https://u:p@h", "churn", "@champion").label() == "MLflow model models:/churn@champion on https://h"


def test_a_local_store_named_in_the_repository_is_never_opened(repo, monkeypatch):
    monkeypatch.chdir(repo)
    (repo / "repo" / "app.py").write_text('import mlflow\nmlflow.set_tracking_uri("sqlite:///mlflow.db")\n'
                                          'm = mlflow.pyfunc.load_model("models:/churn/3")\n')
    code, [finding] = scan(repo, "")
    assert code == 3
    assert finding["rule"] == "verification-failed"
    assert "the registry sqlite:///mlflow.db is not an MLflow server (http or https)" in finding["message"]
    assert not (repo / "mlflow.db").exists() and not (repo / "repo" / "mlflow.db").exists()

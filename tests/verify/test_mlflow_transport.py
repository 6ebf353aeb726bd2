"""gate/verify/mlflow_transport.py without MLflow: what a request to a registered registry carries, and that every
other request passes through unchanged. (Against a real MLflow server: tests/registry/test_mlflow_server.py.)"""

from __future__ import annotations

import base64

import pytest

from gate.verify import mlflow_transport
from gate.verify.mlflow_transport import RegistryTransport, registered


@pytest.fixture
def sent(monkeypatch):
    """The wrapper around a stand-in for MLflow's request function, which records what it is called with."""
    monkeypatch.setattr(mlflow_transport, "install", lambda: None)
    calls: list = []

    def original(method, url, max_retries, backoff_factor, backoff_jitter, retry_codes, raise_on_status=True,
                 **kwargs):
        calls.append((method, url, max_retries, backoff_factor, raise_on_status, kwargs))

    return mlflow_transport._wrap(original), calls


def test_a_registered_registry_gets_exactly_the_configs_credentials_timeout_and_no_client_retries(sent):
    request, calls = sent
    env_headers = {"Authorization": "Bearer from-the-environment", "User-Agent": "mlflow"}
    with registered("https://mlflow.example/prefix/", RegistryTransport.of(7, token="config-token")):
        request("GET", "https://mlflow.example/prefix/api/2.0/mlflow/runs/get", 7, 2, 1, (503,), False,
                headers=env_headers, timeout=120, auth="aws-sigv4", verify=True)
    assert calls == [("GET", "https://mlflow.example/prefix/api/2.0/mlflow/runs/get", 0, 0, False,
                      {"headers": {"User-Agent": "mlflow", "Authorization": "Bearer config-token"}, "timeout": 7,
                       "verify": True})]


def test_without_credentials_the_environments_are_not_sent_and_basic_auth_is_mlflows_first_choice(sent):
    request, calls = sent
    with registered("http://127.0.0.1:5000", RegistryTransport.of(5)):
        request("GET", "http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/x", 7, 2, 1, (), headers={
            "authorization": "Basic ZW52OmVudg=="}, timeout=120)
    assert calls[-1][5]["headers"] == {}
    transport = RegistryTransport.of(5, token="t", username="bot", password="pw")
    assert transport.authorization == "Basic " + base64.standard_b64encode(b"bot:pw").decode()
    assert "pw" not in repr(transport)


def test_other_urls_and_unregistered_registries_pass_through_unchanged(sent):
    request, calls = sent
    with registered("https://mlflow.example/a", RegistryTransport.of(5, token="config-token")):
        request("GET", "https://mlflow.example/ab/api", 7, 2, 1, (), headers={"Authorization": "x"}, timeout=120)
        request("GET", "https://s3.example/bucket/key", 7, 2, 1, (), headers={}, timeout=120)
    request("GET", "https://mlflow.example/a/api", 7, 2, 1, (), headers={}, timeout=120)
    assert [(c[2], c[5]["headers"], c[5]["timeout"]) for c in calls] == [
        (7, {"Authorization": "x"}, 120), (7, {}, 120), (7, {}, 120)]
    assert mlflow_transport._registered == {}

"""One real MLflow server per test module, with registered models (see `populate`)."""

from __future__ import annotations

import hashlib

import pytest

from tests.registry.server import MlflowServer

SCORER_V1 = b"scorer weights v1"
SCORER_V1_SHA256 = hashlib.sha256(SCORER_V1).hexdigest()
MALICIOUS_PICKLE = b"cos\nsystem\n(S'echo pwned'\ntR."
"""Protocol 0: `os.system("echo pwned")` on load. Written as bytes, never loaded."""


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    pytest.importorskip("mlflow.server", reason="the mlflow-server extra provides `mlflow server`")
    server = MlflowServer(tmp_path_factory.mktemp("mlflow-server"))
    server.start()
    try:
        server.versions = populate(server.uri, tmp_path_factory.mktemp("mlflow-artifacts"))
        yield server
    finally:
        server.stop()


def populate(uri: str, scratch) -> dict:
    """Registered through the real client: versions, stages, aliases, tags and artifact files.

    churn: 1 approved (Archived), 2 approved (Production, @champion), 3 pending (@challenger), 4 approved (newest).
    fraud: 1 approved. scorer: 1 and 2 approved, with different model.pkl bytes. tainted: 1, a malicious model.pkl.
    """
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("model-gate")
    run_ids: dict = {}

    def version(name: str, content: bytes, status: str) -> str:
        run = client.create_run(experiment, tags={"team": "risk"})
        folder = scratch / f"{name}-{len(run_ids)}"
        folder.mkdir()
        (folder / "MLmodel").write_text("artifact_path: model\nflavors: {}\nsignature:\n"
                                        "  inputs: '[{\"type\": \"double\", \"name\": \"tenure\"}]'\n"
                                        "  outputs: '[{\"type\": \"long\"}]'\n")
        (folder / "model.pkl").write_bytes(content)
        client.log_artifacts(run.info.run_id, str(folder), "model")
        client.set_terminated(run.info.run_id)
        try:
            client.get_registered_model(name)
        except Exception:  # noqa: BLE001 - not registered yet
            client.create_registered_model(name)
        registered = client.create_model_version(name, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id,
                                                 tags={"validation_status": status})
        run_ids[(name, registered.version)] = run.info.run_id
        return registered.version

    for number, status in enumerate(["approved", "approved", "pending", "approved"], start=1):
        assert version("churn", f"churn v{number}".encode(), status) == str(number)
    client.transition_model_version_stage("churn", "1", "Archived")
    client.transition_model_version_stage("churn", "2", "Production")
    client.set_registered_model_alias("churn", "champion", "2")
    client.set_registered_model_alias("churn", "challenger", "3")
    version("fraud", b"fraud v1", "approved")
    version("scorer", SCORER_V1, "approved")
    version("scorer", b"scorer weights v2", "approved")
    version("tainted", MALICIOUS_PICKLE, "approved")
    return run_ids


def policy_text(registry: str, extra: str = "") -> str:
    return f"""version: 1
defaults: {{unlisted: deny}}
registries:
  - uri: {registry}
    require_tags: {{validation_status: approved}}
models:
  - source: mlflow
    name: churn
    versions: [1, 2, 3, 4]
    aliases: [champion, challenger]
  - source: mlflow
    name: scorer
    files: {{"model.pkl": "sha256:{SCORER_V1_SHA256}"}}
  - source: mlflow
    name: ghost
{extra}"""

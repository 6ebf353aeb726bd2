"""MLflow model URIs in shell, Dockerfiles, compose files, workflows and configs (issue 17 §1), with the
registry the file names; Python forms are in tests/fixtures/discover/python/mlflow."""

from __future__ import annotations

import pytest

from gate.discover import mlflow_uris
from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected


def test_mlflow_registry_fixture_references_are_exact():
    assert actual(discover(str(FIXTURES / "mlflow-registry" / "repo"))) == expected("mlflow-registry")


@pytest.mark.parametrize(("uri", "model", "revision", "pinned"), [
    ("models:/churn/3", "churn", "3", True),
    ("models:/churn/Production", "churn", "Production", False),
    ("models:/churn/latest", "churn", "latest", False),
    ("models:/churn@champion", "churn", "@champion", False),
    ("models:/churn", "churn", None, False),
    ("runs:/0123456789abcdef0123456789abcdef/model", "runs:/0123456789abcdef0123456789abcdef/model",
     "0123456789abcdef0123456789abcdef", True),
])
def test_uri_forms(uri, model, revision, pinned):
    target = mlflow_uris.parse(uri)
    assert (target.id, target.revision, mlflow_uris.is_pinned(target.revision)) == (model, revision, pinned)


@pytest.mark.parametrize("text", ["s3://bucket/model", "models:/", "models:/@alias", "./models/churn", "runs:/"])
def test_not_mlflow_uris(text):
    assert mlflow_uris.parse(text) is None


def test_python_registry_prefers_the_registry_uri():
    text = 'mlflow.set_tracking_uri("http://t:5000")\nmlflow.set_registry_uri("http://r:5000")\n'
    assert mlflow_uris.python_registry(text) == "http://r:5000"
    assert mlflow_uris.python_registry('MlflowClient(tracking_uri="http://t:1")') == "http://t:1"
    assert mlflow_uris.python_registry("mlflow.set_tracking_uri(os.environ['X'])") is None

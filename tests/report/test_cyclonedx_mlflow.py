"""MLflow registry models in the CycloneDX ML-BOM (issue 17 §4); with a real server in tests/registry."""

from __future__ import annotations

from gate.discover.interface import Reference
from gate.report.cyclonedx import _purl, _registry_version


def reference(revision="3", registry=None, pinned=True) -> Reference:
    return Reference(kind="model", source="mlflow", id="churn", revision=revision, pinned=pinned, pinnable=True,
                     path="a.py", line=1, column=1, api="mlflow.load_model", revision_key="uri", registry=registry)


def test_purl_of_a_pinned_version_names_its_registry():
    ref = reference(registry="https://mlflow.internal")
    assert _purl(ref, _registry_version(ref, [])).to_string() == \
        "pkg:mlflow/churn@3?repository_url=https://mlflow.internal"


def test_verified_run_id_and_registry_come_from_the_verification():
    versions = [{"registry": "https://r", "name": "churn", "revision": "3", "version": "3", "run_id": "ab" * 16,
                 "source": "runs:/x/model"}]
    ref = reference()
    assert _purl(ref, _registry_version(ref, versions)).to_string() == \
        f"pkg:mlflow/churn@3?repository_url=https://r&run_id={'ab' * 16}"


def test_unpinned_and_unverified():
    assert _purl(reference("@champion", pinned=False), {}).to_string() == "pkg:mlflow/churn"

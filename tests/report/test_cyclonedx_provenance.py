"""Provenance in the CycloneDX 1.6 ML-BOM (issue 18 §3): modelCard with training datasets as data components,
pedigree.ancestors with licences along the chain, publish targets depending on their inputs. Validated by
cyclonedx-python-lib's strict JSON schema validator."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

from gate.pipeline import ScanOptions, run_scan
from gate.report.cyclonedx import render_cyclonedx
from tests.report.test_cyclonedx import validate
from tests.report.test_intoto import REPO
from tests.report.test_lineage_formats import LINEAGE

# org/base (apache-2.0) ← org/root (llama3), org/root's card declaring org/pretrain.
BASE_LINEAGE = {**LINEAGE, "model": {**LINEAGE["model"], "id": "org/base"},
                "ancestors": [{**LINEAGE["ancestors"][0], "of": "org/base", "id": "org/root"}],
                "chain": [["org/base"], ["org/root"]],
                "datasets": [{"id": "org/pretrain", "declared_by": "org/root"}]}


def _bom(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_SHA", "c27d339ee6075c1f744c5d4b200f7901aad2c369")
    root = tmp_path / "repo"
    shutil.copytree(REPO, root)
    report = run_scan(ScanOptions(root=str(root)))
    # As verification against the Hub would: org/base (train.py) gets its lineage.
    references = tuple(replace(r, lineage=BASE_LINEAGE) if r.id == "org/base" else r for r in report.references)
    text = render_cyclonedx(replace(report, references=references))
    validate(text)
    return json.loads(text)


def test_model_card_pedigree_and_licenses(tmp_path, monkeypatch):
    bom = _bom(tmp_path, monkeypatch)
    by_name = {c["name"]: c for c in bom["components"]}
    base = by_name["org/base"]
    assert base["licenses"] == [{"license": {"name": "apache-2.0"}}]
    assert [(a["name"], a.get("version"), a["licenses"], a["purl"]) for a in base["pedigree"]["ancestors"]] == [
        ("org/root", None, [{"license": {"name": "llama3"}}], "pkg:huggingface/org/root")]
    training = by_name["org/pretrain"]
    assert training["type"] == "data"
    assert {(p["name"], p["value"]) for p in training["properties"]} == {
        ("model-gate:role", "training-data"), ("model-gate:declared_by", "org/root")}
    assert base["modelCard"]["modelParameters"]["datasets"] == [{"ref": training["bom-ref"]}]
    assert ("model-gate:lineage", "org/base ← org/root") in {
        (p["name"], p["value"]) for p in base["properties"]}


def test_publish_target_depends_on_its_inputs(tmp_path, monkeypatch):
    bom = _bom(tmp_path, monkeypatch)
    refs = {c["bom-ref"]: c["name"] for c in bom["components"]}
    target = next(c for c in bom["components"] if c["name"] == "my-org/sft-model")
    [dependency] = [d for d in bom["dependencies"] if d["ref"] == target["bom-ref"]]
    assert sorted(refs[r] for r in dependency["dependsOn"]) == ["org/base", "org/extra-data", "org/instructions"]
    assert sorted(p["value"] for p in target["properties"] if p["name"] == "model-gate:entry_point") == [
        "configs/sft.yaml", "train.py", "train.sh"]
    assert "org/unrelated" not in [refs[r] for r in dependency["dependsOn"]]

"""`--format cyclonedx`: a CycloneDX 1.6 ML-BOM, checked by cyclonedx-python-lib's own strict JSON schema validator."""

from __future__ import annotations

import json

import pytest

from gate.discover.interface import Reference
from gate.report.cyclonedx import render_cyclonedx
from tests.report.samples import finding, report

SHA = "86b5e0934494bd15c9632b12f734a8a67f723594"
OTHER_SHA = "0123456789abcdef0123456789abcdef01234567"


def ref(id_, path="train.py", line=3, *, revision=None, kind="model", source="huggingface", api="transformers.from_pretrained",
        **kw) -> Reference:
    return Reference(kind=kind, source=source, id=id_, revision=revision, pinned=revision is not None and len(revision) == 40,
                     pinnable=True, path=path, line=line, column=9, api=api, **kw)


def validate(text: str) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text, all_errors=True)
    assert errors is None, [str(e) for e in errors]


def components_by_name(bom: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for component in bom["components"]:
        out.setdefault(component["name"], []).append(component)
    return out


def props(component: dict) -> list[tuple[str, str]]:
    return [(p["name"], p["value"]) for p in component.get("properties", [])]


@pytest.fixture
def bom_text():
    refs = [
        ref("google-bert/bert-base-uncased", "train.py", 3, revision=SHA),
        ref("Google-BERT/bert-base-uncased", "serve.py", 8, revision=SHA, api="transformers.pipeline"),
        ref("gpt2", "train.py", 12, revision="main"),
        ref("org/data", "config.yaml", 2, kind="dataset", api="config:dataset_name", syntax="config"),
        ref(None, "train.py", 20, dynamic=True, expression="os.environ['MODEL']"),
        Reference(kind="artifact", source="local", id=None, revision=None, pinned=True, pinnable=True,
                  path="weights/model.pt", line=1, column=1, api="file", format="pickle", syntax="file",
                  sha256="ab" * 32),
    ]
    findings = [
        finding("unpinned-revision", 2, refs[2]),
        finding("unpinned-revision", 3, refs[3], severity="warning", waived_by=0),
        finding("verification-failed", None, None),
    ]
    return render_cyclonedx(report(refs, findings, verdict="fail"))


def test_bom_is_valid_cyclonedx_1_6(bom_text):
    validate(bom_text)
    bom = json.loads(bom_text)
    assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6"
    assert bom["metadata"]["tools"]["components"][0]["name"] == "model-gate"


def test_one_component_per_distinct_model_with_every_occurrence(bom_text):
    by_name = components_by_name(json.loads(bom_text))
    # The same repository at the same commit, written with two casings, is one component with two occurrences.
    [bert] = by_name["google-bert/bert-base-uncased"]
    assert bert["type"] == "machine-learning-model"
    assert bert["purl"] == f"pkg:huggingface/google-bert/bert-base-uncased@{SHA}"
    assert bert["version"] == SHA
    assert sorted((o["location"], o["line"]) for o in bert["evidence"]["occurrences"]) == [("serve.py", 8),
                                                                                          ("train.py", 3)]
    assert ("model-gate:pinned", "true") in props(bert)
    assert {v for n, v in props(bert) if n == "model-gate:api"} == {"transformers.from_pretrained",
                                                                     "transformers.pipeline"}


def test_unpinned_model_has_no_version_and_carries_its_findings(bom_text):
    [gpt2] = components_by_name(json.loads(bom_text))["gpt2"]
    assert gpt2["purl"] == "pkg:huggingface/gpt2"
    assert "version" not in gpt2
    assert ("model-gate:pinned", "false") in props(gpt2)
    assert ("model-gate:revision", "main") in props(gpt2)
    assert ("model-gate:finding:unpinned-revision", "error: gpt2 is not pinned") in props(gpt2)


def test_dataset_is_a_data_component_and_waived_findings_say_so(bom_text):
    [data] = components_by_name(json.loads(bom_text))["org/data"]
    assert data["type"] == "data"
    assert data["purl"] == "pkg:huggingface/org/data?repository_url=https://huggingface.co/datasets"
    assert ("model-gate:finding:unpinned-revision", "waived: org/data is not pinned") in props(data)


def test_committed_artifact_has_its_hash_and_format(bom_text):
    [artifact] = components_by_name(json.loads(bom_text))["weights/model.pt"]
    assert artifact["hashes"] == [{"alg": "SHA-256", "content": "ab" * 32}]
    assert ("model-gate:format", "pickle") in props(artifact)
    assert "purl" not in artifact


def test_run_level_results_and_dynamic_references_are_in_the_metadata(bom_text):
    bom = json.loads(bom_text)
    meta = [(p["name"], p["value"]) for p in bom["metadata"]["properties"]]
    assert ("model-gate:verdict", "fail") in meta
    assert ("model-gate:finding:verification-failed", "error: the Hub could not be reached") in meta
    assert ("model-gate:unresolved", "train.py:20: os.environ['MODEL']") in meta
    assert ("model-gate:unresolved_references", "1") in meta
    assert len(bom["components"]) == 4  # bert, gpt2, org/data, the artifact; the dynamic id is not a component


def test_two_pins_of_one_repository_are_two_components():
    refs = [ref("org/m", line=1, revision=SHA), ref("org/m", line=2, revision=OTHER_SHA)]
    text = render_cyclonedx(report(refs, [], verdict="pass"))
    validate(text)
    purls = sorted(c["purl"] for c in json.loads(text)["components"])
    assert purls == [f"pkg:huggingface/org/m@{OTHER_SHA}", f"pkg:huggingface/org/m@{SHA}"]


def test_empty_report_is_a_valid_bom():
    text = render_cyclonedx(report([], [], verdict="pass"))
    validate(text)
    assert json.loads(text).get("components", []) == []


def test_cli_format_cyclonedx(tmp_path):
    from gate.cli import main

    (tmp_path / "train.py").write_text(
        f'from transformers import AutoModel\nAutoModel.from_pretrained("org/m", revision="{SHA}")\n')
    out = tmp_path / "bom.json"
    code = main(["scan", str(tmp_path), "--format", "cyclonedx", "--output", str(out), "--fail-on", "never"])
    assert code == 0
    text = out.read_text()
    validate(text)
    [component] = json.loads(text)["components"]
    assert component["purl"] == f"pkg:huggingface/org/m@{SHA}"
    assert component["evidence"]["occurrences"] == [{"location": "train.py", "line": 2, "offset": 1,
                                                     "symbol": "transformers.from_pretrained"}]


def test_hub_url_and_hub_id_of_one_commit_are_one_component():
    refs = [ref("org/m", "train.py", 1, revision=SHA),
            ref("org/m", "get.sh", 4, revision=SHA, source="url", api="shell:wget")]
    text = render_cyclonedx(report(refs, [], verdict="pass"))
    validate(text)
    [component] = json.loads(text)["components"]
    assert component["purl"] == f"pkg:huggingface/org/m@{SHA}"
    assert len(component["evidence"]["occurrences"]) == 2


def test_signature_status_and_run_context_are_properties():
    signed = ref("org/m", revision=SHA, signature={"verified": True, "status": "verified", "method": "sigstore"})
    text = render_cyclonedx(report([signed], [], verdict="pass",
                                   extra={"policy": ".github/model-policy.yml",
                                          "verification": {"mode": "full", "endpoint": "https://hub.example"}}))
    validate(text)
    bom = json.loads(text)
    [component] = bom["components"]
    assert ("model-gate:signature", "verified") in props(component)
    meta = [(p["name"], p["value"]) for p in bom["metadata"]["properties"]]
    assert ("model-gate:policy", ".github/model-policy.yml") in meta
    assert ("model-gate:verification", "full") in meta
    assert ("model-gate:verification:endpoint", "https://hub.example") in meta


def test_scan_verified_against_the_hub_emulator(tmp_path, hub):
    """Real discovery and real Hub verification: every form of one commit is one component; what the Hub said
    about each repository is on its component; a run without verification says none was made."""
    from gate.cli import main

    model = hub.add_repo("org/m", files={"config.json": "{}", "model.safetensors": b"weights"})
    data_sha = hub.add_repo("org/d", kind="dataset", files={"train.parquet": b"rows"}).head()
    sha = model.head()
    (tmp_path / "train.py").write_text(
        "from datasets import load_dataset\nfrom transformers import AutoModel\n"
        f'm = AutoModel.from_pretrained("org/m", revision="{sha}")\n'
        f'd = load_dataset("org/d", revision="{data_sha}")\n'
        'x = AutoModel.from_pretrained("org/missing")\n')
    (tmp_path / "get.sh").write_text(f"wget https://huggingface.co/org/m/resolve/{sha}/model.safetensors\n")
    out = tmp_path / "bom.json"
    code = main(["scan", str(tmp_path), "--format", "cyclonedx", "--output", str(out), "--fail-on", "never",
                 "--verify", "hub", "--hub-endpoint", hub.endpoint])
    assert code == 0
    text = out.read_text()
    validate(text)
    bom = json.loads(text)
    by_name = components_by_name(bom)
    [m] = by_name["org/m"]
    assert (m["type"], m["purl"], m["version"]) == ("machine-learning-model", f"pkg:huggingface/org/m@{sha}", sha)
    assert sorted((o["location"], o["line"]) for o in m["evidence"]["occurrences"]) == [("get.sh", 1),
                                                                                       ("train.py", 3)]
    assert not [n for n, _ in props(m) if n.startswith("model-gate:finding:")]
    [d] = by_name["org/d"]
    assert d["type"] == "data"
    assert d["purl"] == f"pkg:huggingface/org/d@{data_sha}?repository_url=https://huggingface.co/datasets"
    [missing] = by_name["org/missing"]
    assert "version" not in missing and missing["purl"] == "pkg:huggingface/org/missing"
    assert {n for n, _ in props(missing)} >= {"model-gate:finding:repo-not-found",
                                               "model-gate:finding:unpinned-revision"}
    meta = dict((p["name"], p["value"]) for p in bom["metadata"]["properties"])
    assert (meta["model-gate:verification"], meta["model-gate:verification:endpoint"]) == ("hub", hub.endpoint)

    main(["scan", str(tmp_path), "--format", "cyclonedx", "--output", str(out), "--fail-on", "never"])
    unverified = json.loads(out.read_text())
    assert "model-gate:verification" not in {p["name"] for p in unverified["metadata"]["properties"]}


def test_unpinned_uses_of_one_repository_are_one_component_and_every_purl_is_unique():
    """Issue 16 §3: `@main` and no revision made two components with the same purl."""
    from dataclasses import replace

    refs = [ref("org/m", line=1, revision="main"), ref("org/m", line=2), ref("org/m", line=3, revision="a" * 40)]
    bom_text = render_cyclonedx(replace(report(refs, []), root="/work/acme-app"))
    validate(bom_text)
    bom = json.loads(bom_text)
    purls = [c.get("purl") for c in bom["components"]]
    assert len(purls) == len(set(purls)) == 2
    unpinned = next(c for c in bom["components"] if "version" not in c)
    assert [p["value"] for p in unpinned["properties"] if p["name"] == "model-gate:revision"] == ["main"]
    assert len(unpinned["evidence"]["occurrences"]) == 2
    assert bom["metadata"]["component"]["name"] == "acme-app"
    root = next(d for d in bom["dependencies"] if d["ref"] == "scanned-repository")
    assert sorted(root["dependsOn"]) == sorted(c["bom-ref"] for c in bom["components"])

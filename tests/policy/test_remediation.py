"""Each finding says exactly how to fix it, in the syntax the reference is written in."""

from __future__ import annotations

import pytest

from gate.policy.evaluate import evaluate
from tests.policy.helpers import SHA_A, TODAY, artifact, policy, ref

PLACEHOLDER = "<40-hex sha>"


def only_finding(body, reference):
    findings = evaluate(policy(body), [reference], TODAY)
    assert len(findings) == 1, findings
    return findings[0]


@pytest.mark.parametrize("reference,expected", [
    (ref("org/m"), f'add revision="{PLACEHOLDER}" to the call'),
    (ref("org/m", "main"), f'replace revision="main" with revision="{PLACEHOLDER}"'),
    (ref("org/m", revision_key="model_revision"), f'add model_revision="{PLACEHOLDER}" to the call'),
    (ref("org/m", syntax="notebook"), f'add revision="{PLACEHOLDER}" to the call'),
    (ref("org/m", syntax="config", revision_key="model_revision"),
     f"add model_revision: {PLACEHOLDER} beside the key that names the model"),
    (ref("org/m", "v1.0", syntax="config", revision_key="revision"), f"set revision: {PLACEHOLDER} (instead of v1.0)"),
    (ref("org/m", syntax="shell", revision_key="--revision"), f"add --revision {PLACEHOLDER} to the command"),
    (ref("org/m", "main", syntax="shell", revision_key="--revision"),
     f"replace --revision main with --revision {PLACEHOLDER}"),
    (ref("org/m", syntax="shell", revision_key="--revision", api="bash -c > shell:hf download"),
     f"add --revision {PLACEHOLDER} to the command"),
    # Python read inside `python -c "..."`: the keyword goes in the call, not on the command line
    (ref("org/m", syntax="shell", api="python -c > transformers.from_pretrained"),
     f'add revision="{PLACEHOLDER}" to the call'),
    (ref("org/m", "main", syntax="url", revision_key="url"),
     f"https://huggingface.co/org/m/resolve/{PLACEHOLDER}/<file> instead of /resolve/main/"),
    (ref("org/d", "main", kind="dataset", syntax="url", revision_key="url"),
     f"https://huggingface.co/datasets/org/d/resolve/{PLACEHOLDER}/<file>"),
    (ref("org/m", syntax="python", revision_key="@"), f"'org/m@{PLACEHOLDER}'"),
    # timm: a revision only in an `hf-hub:` name
    (ref("timm/resnet50.a1_in1k", syntax="python", revision_key="@", api="timm.create_model"),
     f"write 'timm/resnet50.a1_in1k' as 'hf-hub:timm/resnet50.a1_in1k@{PLACEHOLDER}'"),
    (ref("pytorch/vision", "v0.10.0", source="torchhub", revision_key=":"), f"'pytorch/vision:{PLACEHOLDER}'"),
    (ref("org/m", syntax="shell", revision_key="git checkout"), f"git -C <clone dir> checkout {PLACEHOLDER}"),
    (ref("my-model", "Production", source="mlflow", revision_key="uri"), "models:/<name>/<version number>"),
    (ref("owner/data", kind="dataset", source="kaggle"), "'owner/data/versions/<number>'"),
])
def test_unpinned_fix_matches_syntax(reference, expected):
    finding = only_finding("", reference)
    assert finding.rule == "unpinned-revision"
    assert expected in finding.remediation
    assert ("model-gate pin" in finding.remediation) is (reference.source in ("huggingface", "url")
                                                          and reference.revision_key is not None)
    assert (finding.path, finding.line, finding.reference) == (reference.path, reference.line, 0)


def test_unpinned_fix_uses_the_revision_the_policy_allows():
    finding = only_finding(f"models: [{{id: org/m, revisions: [{SHA_A}]}}]", ref("org/m"))
    assert finding.remediation == f'add revision="{SHA_A}" to the call (the revision the policy allows)'


@pytest.mark.parametrize("revision,phrase", [
    (None, "no revision"), ("main", "branch or tag"), ("abc1234", "short sha"), ("A" * 40, "lowercase"),
])
def test_unpinned_message_says_what_is_wrong(revision, phrase):
    assert phrase in only_finding("", ref("org/m", revision)).message


def test_not_allowlisted_fix_is_an_entry_to_paste():
    finding = only_finding("defaults: {unlisted: deny}", ref("org/m", SHA_A))
    assert "model 'org/m' is not in the policy's models allowlist" == finding.message
    assert f"models:\n  - id: org/m\n    revisions: [{SHA_A}]" in finding.remediation


def test_not_allowlisted_explains_a_path_scoped_entry():
    finding = only_finding("defaults: {unlisted: deny}\nmodels: [{id: org/m, paths: ['tests/**']}]",
                           ref("org/m", SHA_A, path="src/a.py"))
    assert "applies only to paths ['tests/**']" in finding.message


def test_revision_not_allowed_names_the_entry_line():
    finding = only_finding(f"models:\n  - id: org/m\n    revisions: [{SHA_A}]\n", ref("org/m", "b" * 40))
    assert finding.rule == "revision-not-allowed"
    assert f'replace revision="{"b" * 40}" with revision="{SHA_A}"' in finding.remediation
    assert "policy.yml:3" in finding.remediation


def test_trust_remote_code_for_a_diffusers_custom_pipeline_names_the_keyword():
    finding = only_finding("", ref("org/pipe", SHA_A, trust_remote_code=True, revision_key="custom_revision"))
    assert finding.rule == "trust-remote-code"
    assert "custom_pipeline runs the pipeline code" in finding.message
    assert finding.remediation.startswith("remove custom_pipeline='org/pipe'")
    assert "trust_remote_code=True" not in finding.remediation


def test_trust_remote_code_non_literal_message():
    finding = only_finding("", ref("org/m", SHA_A, trust_remote_code=None))
    assert "cannot evaluate" in finding.message
    assert "trust_remote_code: allow" in finding.remediation


def test_unsafe_artifact_fix_offers_an_exact_entry():
    finding = only_finding("", artifact("w/model.bin", "pytorch-zip", "f" * 64))
    assert "loading it can run arbitrary code" in finding.message
    assert f"- path: w/model.bin\n    sha256: {'f' * 64}\n    formats: [pytorch-zip]" in finding.remediation
    assert finding.line is None


def test_dynamic_fix_offers_a_waiver_for_the_file():
    finding = only_finding("", ref(None, dynamic=True, expression="os.environ['M']", path="src/x.py"))
    assert "os.environ['M']" in finding.message
    assert 'paths: ["src/x.py"]' in finding.remediation


def test_fix_names_the_file_to_create_under_the_builtin_default():
    from gate.policy.load import load_builtin

    findings = evaluate(load_builtin("default", today=TODAY), [ref("org/m", SHA_A, trust_remote_code=True)], TODAY)
    assert [f.rule for f in findings] == ["trust-remote-code"]
    assert findings[0].remediation.endswith(
        "add `trust_remote_code: allow` to an entry for org/m in .github/model-policy.yml "
        "(create it with `model-gate policy init`)")


def test_one_revision_shared_by_two_repositories_is_not_offered_to_model_gate_pin():
    # `pipeline(model="org/m", tokenizer="org/t")`: one revision= serves both, so `model-gate pin` lists it.
    model, tokenizer = (ref(id_, api="transformers.pipeline", revision_key="revision") for id_ in ("org/m", "org/t"))
    findings = evaluate(policy(""), [model, tokenizer], TODAY)
    assert [f.remediation for f in findings] == [
        "one revision at this call serves org/m and org/t, so no single commit pins them all: load each repository "
        "in its own call with its own revision, then pin each (`model-gate pin` does that once they are apart)",
        "one revision at this call serves org/t and org/m, so no single commit pins them all: load each repository "
        "in its own call with its own revision, then pin each (`model-gate pin` does that once they are apart)",
    ]

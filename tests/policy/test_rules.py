"""Table-driven: (policy, references) -> exact findings, for every policy-stage rule and policy key."""

from __future__ import annotations

import pytest

from tests.policy.helpers import HASH_A, HASH_B, SHA_A, SHA_B, artifact, judge, ref

PINNED = ref("org/model", SHA_A)

CASES = [
    # -- unpinned-revision / require_pinned
    ("pinned reference passes the default policy", "", [PINNED], []),
    ("no revision", "", [ref("org/model")], [("unpinned-revision", "error", 0, None)]),
    ("branch", "", [ref("org/model", "main")], [("unpinned-revision", "error", 0, None)]),
    ("short sha", "", [ref("org/model", "abc1234")], [("unpinned-revision", "error", 0, None)]),
    ("require_pinned false", "defaults: {require_pinned: false}", [ref("org/model", "main")], []),
    ("dataset unpinned", "", [ref("org/data", kind="dataset", api="datasets.load_dataset")],
     [("unpinned-revision", "error", 0, None)]),
    ("local path is not judged", "defaults: {unlisted: deny}", [ref("./models/x", source="local")], []),
    # -- not-allowlisted / unlisted
    ("unlisted allow (default)", "", [PINNED], []),
    ("unlisted warn", "defaults: {unlisted: warn}", [PINNED], [("not-allowlisted", "warning", 0, None)]),
    ("unlisted deny", "defaults: {unlisted: deny}", [PINNED], [("not-allowlisted", "error", 0, None)]),
    ("listed exact id", "defaults: {unlisted: deny}\nmodels: [{id: org/model}]", [PINNED], []),
    ("ids compare case-insensitively", "defaults: {unlisted: deny}\nmodels: [{id: ORG/Model}]", [PINNED], []),
    ("glob entry", "defaults: {unlisted: deny}\nmodels: [{id: org/*}]", [PINNED, ref("other/x", SHA_A)],
     [("not-allowlisted", "error", 1, None)]),
    ("glob star does not cross a slash", "defaults: {unlisted: deny}\nmodels: [{id: '*'}]", [PINNED],
     [("not-allowlisted", "error", 0, None)]),
    ("legacy id needs an entry spelled so", "defaults: {unlisted: deny}\nmodels: [{id: openai-community/gpt2}]",
     [ref("gpt2", SHA_A)], [("not-allowlisted", "error", 0, None)]),
    ("legacy id entry", "defaults: {unlisted: deny}\nmodels: [{id: gpt2}]", [ref("gpt2", SHA_A)], []),
    ("legacy entry does not match a qualified id", "defaults: {unlisted: deny}\nmodels: [{id: gpt2}]",
     [ref("openai-community/gpt2", SHA_A)], [("not-allowlisted", "error", 0, None)]),
    ("datasets section is separate", "defaults: {unlisted: deny}\nmodels: [{id: org/data}]",
     [ref("org/data", SHA_A, kind="dataset")], [("not-allowlisted", "error", 0, None)]),
    ("entry paths honoured", "defaults: {unlisted: deny}\nmodels: [{id: org/model, paths: ['tests/**']}]",
     [ref("org/model", SHA_A, path="tests/unit/test_x.py"), ref("org/model", SHA_A, path="src/app.py")],
     [("not-allowlisted", "error", 1, None)]),
    # -- revision-not-allowed
    ("allowed revision", f"models: [{{id: org/model, revisions: [{SHA_A}]}}]", [PINNED], []),
    ("other revision", f"models: [{{id: org/model, revisions: [{SHA_A}]}}]", [ref("org/model", SHA_B)],
     [("revision-not-allowed", "error", 0, None)]),
    ("unpinned with revisions: only unpinned-revision", f"models: [{{id: org/model, revisions: [{SHA_A}]}}]",
     [ref("org/model", "main")], [("unpinned-revision", "error", 0, None)]),
    ("most specific entry wins", f"models: [{{id: org/*, revisions: [{SHA_B}]}}, {{id: org/model}}]",
     [PINNED, ref("org/other", SHA_A)], [("revision-not-allowed", "error", 1, None)]),
    # -- trust-remote-code
    ("trust_remote_code true", "", [ref("org/model", SHA_A, trust_remote_code=True)],
     [("trust-remote-code", "error", 0, None)]),
    ("trust_remote_code non-literal", "", [ref("org/model", SHA_A, trust_remote_code=None)],
     [("trust-remote-code", "error", 0, None)]),
    ("trust_remote_code allowed by entry", "models: [{id: org/model, trust_remote_code: allow}]",
     [ref("org/model", SHA_A, trust_remote_code=True), ref("org/other", SHA_A, trust_remote_code=True)],
     [("trust-remote-code", "error", 1, None)]),
    ("trust_remote_code allowed by defaults", "defaults: {trust_remote_code: allow}",
     [ref("org/model", SHA_A, trust_remote_code=True)], []),
    ("entry deny beats defaults allow",
     "defaults: {trust_remote_code: allow}\nmodels: [{id: org/model, trust_remote_code: deny}]",
     [ref("org/model", SHA_A, trust_remote_code=True)], [("trust-remote-code", "error", 0, None)]),
    # -- dynamic-reference
    ("dynamic warn (default)", "", [ref(None, dynamic=True, expression="os.environ['M']")],
     [("dynamic-reference", "warning", 0, None)]),
    ("dynamic deny", "defaults: {dynamic: deny}", [ref(None, dynamic=True)], [("dynamic-reference", "error", 0, None)]),
    ("dynamic allow", "defaults: {dynamic: allow}", [ref(None, dynamic=True)], []),
    # -- unpinnable-reference
    ("unpinnable warn (default)", "", [ref("org/model", pinnable=False, api="huggingface_hub.InferenceClient")],
     [("unpinnable-reference", "warning", 0, None)]),
    ("unpinnable deny", "defaults: {unpinnable: deny}", [ref("llama3:8b", source="ollama", pinnable=False)],
     [("unpinnable-reference", "error", 0, None)]),
    ("unpinnable allow", "defaults: {unpinnable: allow}", [ref("org/model", pinnable=False)], []),
    # -- unsafe-artifact-format and artifact-hash-mismatch
    ("pickle denied by default", "", [artifact("w/model.bin", "pytorch-zip"), artifact("w/m.safetensors", "safetensors")],
     [("unsafe-artifact-format", "error", 0, None)]),
    ("every pickle family member", "", [artifact("a.pkl", "pickle"), artifact("b.npy", "numpy-pickle"),
                                        artifact("c.joblib", "joblib")],
     [("unsafe-artifact-format", "error", i, None) for i in range(3)]),
    ("allow list", "defaults: {artifact_formats: {allow: [safetensors]}}",
     [artifact("a.gguf", "gguf"), artifact("b.safetensors", "safetensors")], [("unsafe-artifact-format", "error", 0, None)]),
    ("deny list without pickle", "defaults: {artifact_formats: {deny: [onnx]}}",
     [artifact("a.bin", "pytorch-zip"), artifact("b.onnx", "onnx")], [("unsafe-artifact-format", "error", 1, None)]),
    ("artifacts entry allows the file", "artifacts: [{path: 'w/*.bin'}]", [artifact("w/model.bin", "pytorch-zip")], []),
    ("artifacts entry formats", "artifacts: [{path: 'w/*', formats: [safetensors]}]",
     [artifact("w/model.bin", "pytorch-zip"), artifact("w/model.safetensors", "safetensors")],
     [("unsafe-artifact-format", "error", 0, None)]),
    ("artifacts sha256 match", f"artifacts: [{{path: w/model.bin, sha256: '{HASH_A}'}}]",
     [artifact("w/model.bin", "pytorch-zip", HASH_A)], []),
    ("artifacts sha256 mismatch", f"artifacts: [{{path: w/model.bin, sha256: '{HASH_A}'}}]",
     [artifact("w/model.bin", "pytorch-zip", HASH_B)], [("artifact-hash-mismatch", "error", 0, None)]),
    ("artifacts sha256 unknown fails closed", f"artifacts: [{{path: w/model.bin, sha256: '{HASH_A}'}}]",
     [artifact("w/model.bin", "pytorch-zip", None)], [("artifact-hash-mismatch", "error", 0, None)]),
    # issue 14: a Git LFS pointer has no content in the checkout; its suffix decides (a `.bin` fails closed as pickle)
    ("lfs pointer is judged by its suffix", "defaults: {artifact_formats: {allow: [safetensors]}}",
     [artifact("w/model.bin", "git-lfs-pointer")], [("unsafe-artifact-format", "error", 0, None)]),
    ("lfs pointer to safetensors passes", "defaults: {artifact_formats: {allow: [safetensors]}}",
     [artifact("w/model.safetensors", "git-lfs-pointer")], []),
    ("lfs pointer to a pickle fails the default policy", "",
     [artifact("w/model.pt", "git-lfs-pointer")], [("unsafe-artifact-format", "error", 0, None)]),
    # -- severity overrides
    ("severity override", "defaults: {severity: {unpinned-revision: warning}}", [ref("org/model")],
     [("unpinned-revision", "warning", 0, None)]),
    ("severity off drops", "defaults: {severity: {unpinned-revision: off}}", [ref("org/model")], []),
    ("severity override beats unlisted level", "defaults: {unlisted: warn, severity: {not-allowlisted: error}}",
     [PINNED], [("not-allowlisted", "error", 0, None)]),
    ("severity ids case-insensitive", "defaults: {severity: {Unpinned-Revision: note}}", [ref("org/model")],
     [("unpinned-revision", "note", 0, None)]),
    # -- several findings on one reference
    ("unpinned, unlisted and remote code", "defaults: {unlisted: deny}", [ref("org/x", trust_remote_code=True)],
     [("not-allowlisted", "error", 0, None), ("trust-remote-code", "error", 0, None),
      ("unpinned-revision", "error", 0, None)]),
]


@pytest.mark.parametrize("body,references,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_table(body, references, expected):
    assert judge(body, references) == sorted(expected)

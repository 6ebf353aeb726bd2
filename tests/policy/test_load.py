"""Loading: discovery order, built-ins, extends, and every kind of bad policy -> PolicyError with the right line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gate.cli import main
from gate.errors import PolicyError
from gate.policy.load import builtin_dir, load_policy
from gate.policy.model import BUILTIN_DEFAULTS, DEFAULT_AI_AGENTS
from tests.policy.helpers import SHA_A, TODAY, artifact, judge, policy, ref

REPO = Path(__file__).resolve().parents[2]

BAD = [
    # (name, policy text, line, message fragment)
    ("unknown key with suggestion", "version: 1\ndefaults:\n  unlistd: deny\n", 3,
     "defaults: unknown key 'unlistd' (did you mean 'unlisted'?)"),
    ("unknown top-level key", "version: 1\nmodel:\n  - id: a/b\n", 2, "unknown key 'model' (did you mean 'models'?)"),
    ("unknown key in an entry", "version: 1\nmodels:\n  - id: a/b\n    revison: [x]\n", 4,
     "models[0]: unknown key 'revison' (did you mean 'revisions'?)"),
    ("unknown key, nothing close", "version: 1\ndefaults:\n  colour: red\n", 3,
     "unknown key 'colour'; allowed keys: require_pinned"),
    ("bad YAML", "version: 1\ndefaults:\n  unlisted: [deny\n", 4, "invalid YAML"),
    ("control character", "version: 1\n\nx: a\x01b\n", 3, "character #x0001 is not allowed in YAML"),
    ("waiver horizon too large", "version: 1\ndefaults: {max_waiver_days: 100000000000000000000}\n", 2,
     "defaults.max_waiver_days: must be at most 3650"),
    ("waiving a waiver finding", "version: 1\nexceptions:\n  - rule: expired-waiver\n    id: x\n    reason: r\n"
     "    expires: 2026-12-30\n", 3, "'expired-waiver' cannot be waived"),
    ("unknown rule id that is a number", "version: 1\ndefaults:\n  severity:\n    1: off\n", 4, "unknown rule '1'"),
    ("extends with a NUL byte", "version: 1\nextends: \"a\\0b\"\n", 2, "extends: cannot use"),
    ("tab indentation", "version: 1\ndefaults:\n\tunlisted: deny\n", 3, "invalid YAML"),
    ("duplicate key", "version: 1\ndefaults:\n  unlisted: deny\n  unlisted: allow\n", 4,
     "duplicate key 'unlisted' (first written on line 3)"),
    ("severity rule given twice in another case",
     "version: 1\ndefaults:\n  severity:\n    unpinned-revision: off\n    Unpinned-Revision: error\n", 5,
     "defaults.severity: rule 'Unpinned-Revision' is given twice (first on line 4"),
    ("profile severity rule given twice",
     "version: 1\nprofiles:\n  ai_authored:\n    severity: {not-allowlisted: off, NOT-ALLOWLISTED: error}\n", 4,
     "profiles.ai_authored.severity: rule 'NOT-ALLOWLISTED' is given twice"),
    ("bad enum", "version: 1\ndefaults:\n  dynamic: maybe\n", 3,
     "defaults.dynamic: 'maybe' is not allowed; use one of: deny, warn, allow"),
    ("branch as revision", "version: 1\nmodels:\n  - id: a/b\n    revisions:\n      - main\n", 5,
     "'main' is not a full 40-character lowercase hex commit sha"),
    ("short sha", "version: 1\nmodels:\n  - id: a/b\n    revisions: [abc1234]\n", 4, "'abc1234' is a short sha"),
    ("uppercase sha", f"version: 1\nmodels:\n  - id: a/b\n    revisions: ['{'A' * 40}']\n", 4,
     "is not a full 40-character lowercase hex commit sha"),
    ("digits read as a number", "version: 1\nmodels:\n  - id: a/b\n    revisions: [1234567]\n", 4, "quote it"),
    ("bad artifact sha256", "version: 1\nartifacts:\n  - path: a.bin\n    sha256: abc\n", 4,
     "'abc' is not a sha256 digest"),
    ("bad files hash", "version: 1\nmodels:\n  - id: a/b\n    files: {model.bin: 'md5:abc'}\n", 4,
     "is not a file hash of the form sha256:"),
    ("impossible date", "version: 1\nexceptions:\n  - rule: unpinned-revision\n    id: x\n    reason: r\n"
     "    expires: 2026-02-30\n", 6, "exceptions[0].expires: '2026-02-30' is not a real date"),
    ("not a date", "version: 1\nexceptions:\n  - rule: unpinned-revision\n    id: x\n    reason: r\n"
     "    expires: soon\n", 6, "is not a date written YYYY-MM-DD"),
    ("waiver too far ahead", "version: 1\nexceptions:\n  - rule: unpinned-revision\n    id: x\n    reason: r\n"
     "    expires: 2028-01-01\n", 6, "more than max_waiver_days (365) ahead; use 2027-12-01 or earlier"),
    ("waiver beyond a custom max", "version: 1\ndefaults: {max_waiver_days: 30}\nexceptions:\n"
     "  - {rule: unpinned-revision, id: x, reason: r, expires: 2027-01-15}\n", 4, "max_waiver_days (30)"),
    ("waiver without id or paths", "version: 1\nexceptions:\n  - rule: unpinned-revision\n    reason: r\n"
     "    expires: 2026-12-30\n", 3, "needs 'id' or 'paths'"),
    ("misspelt required key", "version: 1\nexceptions:\n  - rule: unpinned-revision\n    id: x\n    reason: r\n"
     "    expire: 2026-12-30\n", 6, "exceptions[0]: unknown key 'expire' (did you mean 'expires'?)"),
    ("waiver without reason", "version: 1\nexceptions:\n  - rule: unpinned-revision\n    id: x\n"
     "    expires: 2026-12-30\n", 3, "missing required key 'reason'"),
    ("unknown rule in a waiver", "version: 1\nexceptions:\n  - rule: unpined-revision\n    id: x\n    reason: r\n"
     "    expires: 2026-12-30\n", 3, "unknown rule 'unpined-revision' (did you mean 'unpinned-revision'?)"),
    ("unknown rule in severity", "version: 1\ndefaults:\n  severity:\n    dynamic-referenc: off\n", 4,
     "unknown rule 'dynamic-referenc' (did you mean 'dynamic-reference'?)"),
    ("bad severity", "version: 1\ndefaults:\n  severity:\n    dynamic-reference: low\n", 4,
     "'low' is not allowed; use one of: error, warning, note, off"),
    ("yes is not a boolean", "version: 1\ndefaults:\n  require_pinned: yes\n", 3, "must be of type boolean"),
    ("missing version", "defaults: {}\n", 1, "missing required key 'version'"),
    ("wrong version", "version: 2\n", 1, "version: must be 1, got 2"),
    ("empty file", "", 1, "the policy is empty"),
    ("a list, not a mapping", "- a\n- b\n", 1, "must be a mapping"),
    ("two signature kinds", "version: 1\nmodels:\n  - id: a/b\n    signature:\n      public_key: k\n"
     "      sigstore: {identity: a, issuer: b}\n", 4, "give only one of 'sigstore', 'public_key', 'certificate_chain'"),
    ("signature without a kind", "version: 1\nmodels:\n  - id: a/b\n    signature:\n      signature_file: x\n", 4,
     "needs one of 'sigstore', 'public_key', 'certificate_chain'"),
    ("sigstore without issuer", "version: 1\ndefaults:\n  signature:\n    sigstore: {identity: me}\n", 4,
     "missing required key 'issuer'"),
    ("both deny and allow formats", "version: 1\ndefaults:\n  artifact_formats: {allow: [a], deny: [b]}\n", 3,
     "give only one of: deny, allow"),
    ("unknown profile", "version: 1\nprofiles:\n  robots: {unlisted: deny}\n", 3, "unknown key 'robots'"),
    ("unknown key in a profile", "version: 1\nprofiles:\n  ai_authored: {unlsted: deny}\n", 3,
     "(did you mean 'unlisted'?)"),
    ("bad pickle threshold", "version: 1\ndefaults:\n  pickle_scan: {malicious_at: scary}\n", 3, "'scary' is not allowed"),
    ("bad verify", "version: 1\ndefaults:\n  verify: always\n", 3, "use one of: none, hub, full"),
    ("empty revisions", "version: 1\nmodels:\n  - id: a/b\n    revisions: []\n", 4, "must not be empty"),
    ("YAML alias", "version: 1\ndefaults: &d {unlisted: deny}\nprofiles:\n  ai_authored: *d\n", 4,
     "YAML anchors and aliases are not allowed"),
    ("alias bomb", "version: 1\nx: &a [1, 1]\ny: &b [*a, *a]\nz: [*b, *b]\n", 3, "aliases are not allowed"),
    ("complex key", "version: 1\n? [a]\n: b\n", 2, "keys must be plain names"),
    ("null list", "version: 1\nmodels:\n", 2, "models: has no value; write [] or remove the key"),
    ("entry without id", "version: 1\nmodels:\n  - revisions: [" + SHA_A + "]\n", 3, "missing required key 'id'"),
]


def test_nesting_too_deep_is_an_error_not_a_crash():
    with pytest.raises(PolicyError, match="nested too deeply"):
        load_policy(None, ".", text="version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n", label="p.yml")


@pytest.mark.parametrize("text,line,fragment", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_policy_raises_with_line(text, line, fragment):
    with pytest.raises(PolicyError) as caught:
        load_policy(None, ".", text=text, label="p.yml", today=TODAY)
    assert caught.value.path == "p.yml"
    assert caught.value.line == line, str(caught.value)
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(f"p.yml:{line}: ")


@pytest.mark.parametrize("text,line,fragment", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_every_bad_policy_stops_the_gate_with_exit_2_file_and_line(tmp_path, capsys, text, line, fragment):
    """The same table through the CLI: `scan` and `policy validate` both exit 2 and name file:line."""
    bad = tmp_path / "p.yml"
    bad.write_text(text, encoding="utf-8")
    for argv in (["scan", str(tmp_path), "--policy", str(bad)], ["policy", "validate", str(bad)]):
        assert main(argv + ["--today", TODAY.isoformat()]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith(f"model-gate: error: {bad}:{line}: ") and fragment in captured.err


def test_cli_validate_exits_2_with_file_and_line(tmp_path, capsys):
    bad = tmp_path / "model-policy.yml"
    bad.write_text("version: 1\ndefaults:\n  unlistd: deny\n")
    assert main(["policy", "validate", str(bad)]) == 2
    assert f"{bad}:3: defaults: unknown key 'unlistd' (did you mean 'unlisted'?)" in capsys.readouterr().err


def test_cli_validate_ok_and_default_discovery(tmp_path):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "model-policy.yml").write_text("version: 1\n")
    run = subprocess.run([sys.executable, "-m", "gate", "policy", "validate"], cwd=tmp_path, capture_output=True,
                         text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert (run.returncode, run.stdout) == (0, "ok: .github/model-policy.yml is a valid policy\n")


def test_cli_validate_without_a_policy_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["policy", "validate"]) == 2
    assert "no policy file here" in capsys.readouterr().err
    assert main(["policy", "validate", "missing.yml"]) == 2
    assert "missing.yml: policy file not found" in capsys.readouterr().err


def test_cli_validate_uses_the_injected_clock(tmp_path, capsys):
    path = tmp_path / "p.yml"
    path.write_text("version: 1\nexceptions:\n  - {rule: unpinned-revision, id: x, reason: r, expires: 2027-06-01}\n")
    assert main(["policy", "validate", str(path), "--today", "2026-12-01"]) == 0
    assert main(["policy", "validate", str(path), "--today", "2026-05-01"]) == 2
    assert f"{path}:3: unpinned-revision waiver: expires 2027-06-01 is more than" in capsys.readouterr().err


def test_scan_with_a_broken_policy_exits_2(tmp_path, capsys):
    (tmp_path / ".model-policy.yml").write_text("version: 1\ndefaults:\n  unlisted: [deny\n")
    assert main(["scan", str(tmp_path)]) == 2
    assert ".model-policy.yml:4: invalid YAML" in capsys.readouterr().err


# -- discovery ------------------------------------------------------------------------------------------------


def test_discovery_order(tmp_path):
    assert load_policy(None, str(tmp_path)).source == "builtin:default"
    (tmp_path / ".model-policy.yml").write_text("version: 1\ndefaults: {unlisted: warn}\n")
    assert load_policy(None, str(tmp_path)).source == ".model-policy.yml"
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "model-policy.yml").write_text("version: 1\ndefaults: {unlisted: deny}\n")
    found = load_policy(None, str(tmp_path))
    assert (found.source, found.defaults["unlisted"]) == (".github/model-policy.yml", "deny")
    explicit = tmp_path / "other.yml"
    explicit.write_text("version: 1\ndefaults: {unlisted: allow}\n")
    assert load_policy(str(explicit), str(tmp_path)).defaults["unlisted"] == "allow"
    assert load_policy("other.yml", str(tmp_path)).source == "other.yml"  # relative to the scanned root
    assert load_policy("builtin:strict", str(tmp_path)).defaults["unlisted"] == "deny"
    with pytest.raises(PolicyError, match="nope.yml: policy file not found"):
        load_policy("nope.yml", str(tmp_path))


def test_text_wins_and_gets_its_label(tmp_path):
    (tmp_path / ".model-policy.yml").write_text("version: 1\ndefaults: {unlisted: warn}\n")
    got = load_policy(None, str(tmp_path), text="version: 1\ndefaults: {unlisted: deny}\n",
                      label="base:.model-policy.yml")
    assert (got.source, got.defaults["unlisted"], got.base_dir) == ("base:.model-policy.yml", "deny", str(tmp_path))


# -- built-ins -----------------------------------------------------------------------------------------------


def test_builtin_default_spells_out_the_builtin_defaults():
    data = yaml.safe_load((builtin_dir() / "default.yaml").read_text())
    assert data["defaults"] == BUILTIN_DEFAULTS
    assert "models" not in data and "exceptions" not in data


def test_builtin_default_judges_as_the_issue_says():
    references = [ref("org/a"), ref("org/b", SHA_A, trust_remote_code=True), ref("some/unlisted", SHA_A)]
    assert judge("extends: builtin:default", references) == [
        ("trust-remote-code", "error", 1, None), ("unpinned-revision", "error", 0, None)]


def test_strict_denies_unlisted_dynamic_and_unpinnable():
    references = [ref("org/a", SHA_A), ref(None, dynamic=True), ref("org/c", pinnable=False)]
    assert judge("extends: builtin:strict", references) == [
        ("dynamic-reference", "error", 1, None), ("not-allowlisted", "error", 0, None),
        ("not-allowlisted", "error", 2, None), ("unpinnable-reference", "error", 2, None)]


@pytest.mark.parametrize("name", ["default.yaml", "strict.yaml", "example.yml"])
def test_shipped_policies_validate(name):
    assert load_policy(str(builtin_dir() / name), ".", today=TODAY).source.endswith(name)


def test_example_uses_every_schema_key():
    schema = json.loads((builtin_dir() / "schema.json").read_text())
    example = yaml.safe_load((builtin_dir() / "example.yml").read_text())
    assert set(example) | {"extends"} == set(schema["properties"])
    text = (builtin_dir() / "example.yml").read_text()
    assert "# extends:" in text
    commented = {key for key in schema["$defs"]["defaults"]["properties"] if f"  # {key}:" in text}
    assert set(example["defaults"]) | commented == set(schema["$defs"]["defaults"]["properties"])
    entry_keys = set().union(*(set(e) for e in example["models"]))
    assert entry_keys == set(schema["$defs"]["entry"]["properties"])
    artifact_keys = set().union(*(set(e) for e in example["artifacts"]))
    assert artifact_keys == set(schema["$defs"]["artifact"]["properties"])
    assert set(example["exceptions"][0]) == set(schema["$defs"]["waiver"]["properties"])


def test_docs_show_the_example_verbatim():
    docs = (REPO / "docs" / "policy.md").read_text()
    assert (builtin_dir() / "example.yml").read_text() in docs


def test_default_ai_agents():
    pol = policy("")
    assert pol.ai_agents == DEFAULT_AI_AGENTS
    assert pol.is_ai_agent("COPILOT-swe-agent[bot]") and not pol.is_ai_agent("octocat")
    schema = json.loads((builtin_dir() / "schema.json").read_text())
    assert tuple(schema["properties"]["ai_agents"]["default"]) == DEFAULT_AI_AGENTS
    assert policy("ai_agents: [my-bot]").ai_agents == ("my-bot",)


def test_checkout_and_packaged_locations_agree():
    assert (builtin_dir() / "schema.json").is_file()
    assert (builtin_dir() / "default.yaml").read_text() == (REPO / "policies" / "default.yaml").read_text()


def test_later_stage_keys_are_accepted_and_resolved():
    """verify, licenses, gated, signature, files, scan_hub_pickles, pickle_scan: accepted now, read by later stages."""
    pol = policy(f"""\
        defaults:
          verify: hub
          verify_failure: warn
          licenses: [mit]
          gated: deny
          scan_hub_pickles: true
          pickle_scan: {{malicious_at: overtly_malicious}}
          signature: {{public_key: keys/k.pub}}
        models:
          - id: org/m
            licenses: [apache-2.0]
            gated: allow
            files: {{model.safetensors: "sha256:{'a' * 64}"}}
            signature: {{certificate_chain: [ca.pem], signature_file: m.sig, ignore_paths: [README.md]}}
        artifacts:
          - {{path: signed/**, signature: {{sigstore: {{identity: me@example.com, issuer: https://issuer}}}}}}
        profiles:
          ai_authored: {{verify: full, gated: deny}}
        """)
    entry = pol.entry_for(ref("org/m", SHA_A))
    other = pol.entry_for(ref("org/x", SHA_A))
    assert (pol.verify_mode, pol.defaults["verify_failure"], pol.defaults["scan_hub_pickles"]) == ("hub", "warn", True)
    assert pol.defaults["pickle_scan"] == {"malicious_at": "overtly_malicious"}
    assert (pol.setting("licenses", entry), pol.setting("licenses", other)) == (["apache-2.0"], ["mit"])
    assert (pol.setting("gated", entry), pol.setting("gated", None)) == ("allow", "deny")
    assert pol.setting("signature", entry)["certificate_chain"] == ["ca.pem"]
    assert pol.setting("signature", other) == {"public_key": "keys/k.pub"}
    assert entry["files"] == {"model.safetensors": "sha256:" + "a" * 64}
    assert pol.entry_for(artifact("signed/model/w.safetensors", "safetensors"))["signature"]["sigstore"]["identity"] \
        == "me@example.com"
    assert pol.with_profile("ai_authored").verify_mode == "full"


def test_no_verify_key_means_none_asked():
    assert policy("").verify_mode is None


def test_schema_is_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    schema = json.loads((builtin_dir() / "schema.json").read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_every_schema_object_rejects_unknown_keys():
    schema = json.loads((builtin_dir() / "schema.json").read_text())
    objects = []

    def walk(node):
        if isinstance(node, dict):
            if "properties" in node:
                objects.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert len(objects) >= 8
    assert all(node.get("additionalProperties") is False for node in objects)

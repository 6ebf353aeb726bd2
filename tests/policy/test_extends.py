"""extends: a local base policy that the child refines; missing and cyclic bases are errors with a line."""

from __future__ import annotations

import pytest

from gate.errors import PolicyError
from gate.policy.evaluate import evaluate
from gate.policy.load import load_policy
from tests.policy.helpers import SHA_A, SHA_B, SHA_C, TODAY, ref

BASE = f"""\
version: 1
defaults:
  unlisted: deny
  dynamic: deny
  severity: {{unpinnable-reference: note, dynamic-reference: warning}}
models:
  - id: org/base-model
    revisions: [{SHA_A}]
exceptions:
  - {{rule: unpinned-revision, id: org/legacy, reason: base waiver, expires: 2026-12-31}}
ai_agents: [base-bot]
profiles:
  ai_authored: {{allow_waivers: false}}
"""

CHILD = f"""\
version: 1
extends: ../org/base.yml
defaults:
  dynamic: warn
  severity: {{dynamic-reference: note}}
models:
  - id: org/child-model
    revisions: [{SHA_B}]
exceptions:
  - {{rule: not-allowlisted, id: org/legacy, reason: child waiver, expires: 2026-12-31}}
ai_agents: [child-bot]
profiles:
  ai_authored: {{unlisted: deny}}
"""


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "org").mkdir()
    (tmp_path / "repo" / ".github").mkdir(parents=True)
    (tmp_path / "org" / "base.yml").write_text(BASE)
    (tmp_path / "repo" / ".github" / "model-policy.yml").write_text(CHILD.replace("../org/", "../../org/"))
    return tmp_path


def test_child_refines_base(tree):
    policy = load_policy(None, str(tree / "repo"), today=TODAY)
    assert policy.source == ".github/model-policy.yml"
    assert len(policy.files) == 2 and policy.files[1] == ".github/model-policy.yml"
    assert policy.files[0].endswith("org/base.yml")
    # defaults merged, child wins; severity merged per rule
    assert policy.defaults["unlisted"] == "deny" and policy.defaults["dynamic"] == "warn"
    assert policy.defaults["severity"] == {"unpinnable-reference": "note", "dynamic-reference": "note"}
    # lists concatenated, base first
    assert [m["id"] for m in policy.models] == ["org/base-model", "org/child-model"]
    assert [w.reason for w in policy.exceptions] == ["base waiver", "child waiver"]
    assert [w.index for w in policy.exceptions] == [0, 1]
    assert policy.exceptions[0].source.endswith("org/base.yml") and policy.exceptions[0].line == 10
    assert policy.exceptions[1].source == ".github/model-policy.yml" and policy.exceptions[1].line == 10
    assert policy.ai_agents == ("base-bot", "child-bot")
    assert policy.profiles["ai_authored"] == {"allow_waivers": False, "unlisted": "deny"}


def test_child_findings_use_both_files(tree):
    policy = load_policy(None, str(tree / "repo"), today=TODAY)
    references = [ref("org/base-model", SHA_A), ref("org/child-model", SHA_A), ref("org/legacy"),
                  ref(None, dynamic=True)]
    got = sorted((f.rule, f.severity, f.reference, f.waived_by) for f in evaluate(policy, references, TODAY))
    assert got == [("dynamic-reference", "note", 3, None), ("not-allowlisted", "error", 2, 1),
                   ("revision-not-allowed", "error", 1, None), ("unpinned-revision", "error", 2, 0)]


def test_extends_path_is_relative_to_the_policy_file_for_text_too(tree):
    text = CHILD
    policy = load_policy(None, str(tree / "repo"), text=text, label="base:policy", base_dir=str(tree / "repo"),
                         today=TODAY)
    assert [m["id"] for m in policy.models] == ["org/base-model", "org/child-model"]


def test_extends_through_an_opener(tree):
    """The action reads the base policy from a git commit: `opener` replaces the file system for extends."""
    seen = []

    def opener(path):
        seen.append(path.name)
        return BASE.replace("org/base-model", "org/from-git")

    policy = load_policy(None, str(tree / "repo"), text=CHILD, label="base:p", opener=opener, today=TODAY)
    assert seen == ["base.yml"] and policy.models[0]["id"] == "org/from-git"


def test_extends_builtin():
    policy = load_policy(None, ".", text="version: 1\nextends: builtin:strict\ndefaults: {dynamic: warn}\n",
                         today=TODAY)
    assert (policy.defaults["unlisted"], policy.defaults["dynamic"]) == ("deny", "warn")
    assert policy.files == ("builtin:strict", "<policy>")


def test_missing_base(tmp_path):
    (tmp_path / "p.yml").write_text("version: 1\n\nextends: nothere.yml\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(str(tmp_path / "p.yml"), str(tmp_path), today=TODAY)
    assert caught.value.line == 3 and "base policy 'nothere.yml' not found" in str(caught.value)


def test_unknown_builtin():
    with pytest.raises(PolicyError, match="unknown built-in policy 'lenient'"):
        load_policy(None, ".", text="version: 1\nextends: builtin:lenient\n", today=TODAY)


@pytest.mark.parametrize("files", [
    {"a.yml": "version: 1\nextends: a.yml\n"},
    {"a.yml": "version: 1\nextends: b.yml\n", "b.yml": "version: 1\nextends: ./a.yml\n"},
])
def test_cycle(tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_policy(str(tmp_path / "a.yml"), str(tmp_path), today=TODAY)
    assert "extends: cycle" in str(caught.value) and caught.value.line == 2


def test_invalid_base_is_reported_in_the_base_file(tmp_path):
    (tmp_path / "base.yml").write_text("version: 1\ndefaults:\n  unlisted: nope\n")
    (tmp_path / "p.yml").write_text("version: 1\nextends: base.yml\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(str(tmp_path / "p.yml"), str(tmp_path), today=TODAY)
    assert caught.value.line == 3 and caught.value.path.endswith("base.yml")


def test_waiver_horizon_uses_the_merged_max(tmp_path):
    (tmp_path / "base.yml").write_text("version: 1\ndefaults: {max_waiver_days: 30}\n")
    (tmp_path / "p.yml").write_text("version: 1\nextends: base.yml\nexceptions:\n"
                                    "  - {rule: unpinned-revision, id: x, reason: r, expires: 2027-03-01}\n")
    with pytest.raises(PolicyError, match=r"max_waiver_days \(30\)"):
        load_policy(str(tmp_path / "p.yml"), str(tmp_path), today=TODAY)


def test_child_entry_for_a_base_id_wins_and_child_severity_overrides_in_any_case(tmp_path):
    """The refining file decides: it re-lists an id of its base with other revisions, it overrides a severity."""
    (tmp_path / "base.yml").write_text(f"""\
version: 1
defaults: {{unlisted: deny, severity: {{unpinnable-reference: off}}}}
models:
  - {{id: org/shared, revisions: [{SHA_A}]}}
  - {{id: org/*, revisions: [{SHA_A}]}}
""")
    (tmp_path / "p.yml").write_text(f"""\
version: 1
extends: base.yml
defaults: {{severity: {{Unpinnable-Reference: error}}}}
models:
  - {{id: ORG/Shared, revisions: [{SHA_B}]}}
  - {{id: org/*, revisions: [{SHA_B}]}}
  - {{id: org/other, revisions: [{SHA_C}]}}
""")
    policy = load_policy(str(tmp_path / "p.yml"), str(tmp_path), today=TODAY)
    assert policy.defaults["severity"] == {"unpinnable-reference": "error"}
    references = [ref("org/shared", SHA_B), ref("org/shared", SHA_A), ref("org/glob", SHA_B), ref("org/glob", SHA_A),
                  ref("org/other", SHA_C), ref("org/live", pinnable=False)]
    got = sorted((f.rule, f.severity, f.reference) for f in evaluate(policy, references, TODAY))
    assert got == [("revision-not-allowed", "error", 1), ("revision-not-allowed", "error", 3),
                   ("unpinnable-reference", "error", 5)]
    [shared] = [f for f in evaluate(policy, references, TODAY) if f.reference == 1]
    assert f"allowed: {SHA_B}" in shared.message and "p.yml:5" in shared.remediation

"""policy diff on real edits: what the change newly allows or stops allowing."""

from __future__ import annotations

import re

import pytest

from gate.cli import main
from gate.errors import PolicyError
from gate.policy.diff import diff_policies, render_diff
from tests.policy.helpers import SHA_A, SHA_B

OLD = f"""\
version: 1
defaults:
  unlisted: deny
  trust_remote_code: deny
  artifact_formats: {{deny: [pickle]}}
  severity: {{dynamic-reference: warning}}
  max_waiver_days: 90
models:
  - id: org/embedder
    revisions: [{SHA_A}]
  - id: org/tests-*
    paths: ["tests/**"]
datasets:
  - id: org/imdb
artifacts:
  - path: weights/head.safetensors
    sha256: "{'1' * 64}"
exceptions:
  - {{rule: unpinned-revision, id: org/legacy, reason: notebook, expires: 2027-01-31}}
  - {{rule: dynamic-reference, paths: [src/cli.py], reason: user choice, expires: 2027-01-31}}
ai_agents: ["copilot-swe-agent[bot]", "devin-ai-integration[bot]"]
profiles:
  ai_authored: {{allow_waivers: false}}
"""


def changes(old: str, new: str) -> list[tuple[str, str, str]]:
    return [(c.effect, c.area, c.summary) for c in diff_policies(old, new).changes]


def edit(*pairs: tuple[str, str]) -> str:
    text = OLD
    for before, after in pairs:
        assert before in text, before
        text = text.replace(before, after)
    return text


def test_no_change():
    assert changes(OLD, OLD + "# a comment\n") == []
    assert render_diff(diff_policies(OLD, OLD)).endswith("No change in what the policy allows.\n")


@pytest.mark.parametrize("new,expected", [
    (edit(("unlisted: deny", "unlisted: allow")),
     [("loosens", "defaults", "defaults.unlisted: deny → allow (loosens the policy)")]),
    (edit(("trust_remote_code: deny", "trust_remote_code: allow")),
     [("loosens", "defaults", "defaults.trust_remote_code: deny → allow (loosens the policy)")]),
    (edit(("  unlisted: deny\n", "")),  # a removed key falls back to the built-in default (allow)
     [("loosens", "defaults", "defaults.unlisted: deny → allow (loosens the policy)")]),
    (edit(("max_waiver_days: 90", "max_waiver_days: 30")),
     [("tightens", "defaults", "defaults.max_waiver_days: 90 → 30 (tightens the policy)")]),
    (edit(("dynamic-reference: warning", "dynamic-reference: off")),
     [("loosens", "defaults", "defaults.severity.dynamic-reference: warning → off (loosens the policy)")]),
    (edit(("deny: [pickle]", "deny: []")), [("loosens", "defaults", "defaults.artifact_formats.deny: removes [pickle]")]),
    (edit(("deny: [pickle]", "allow: [safetensors]")),
     [("tightens", "defaults", "defaults.artifact_formats: {deny: [pickle]} → {allow: [safetensors]} "
                               "(only listed formats now; tightens the policy)")]),
    (edit((f"revisions: [{SHA_A}]", f"revisions: [{SHA_A}, {SHA_B}]")),
     [("loosens", "models", f"'org/embedder' revisions: adds [{SHA_B}]")]),
    (edit((f"revisions: [{SHA_A}]", f"revisions: [{SHA_B}]")),
     [("loosens", "models", f"'org/embedder' revisions: adds [{SHA_B}]"),
      ("tightens", "models", f"'org/embedder' revisions: removes [{SHA_A}]")]),
    (edit((f"    revisions: [{SHA_A}]\n", "")),
     [("loosens", "models", f"'org/embedder' revisions: no longer limited (was [{SHA_A}])")]),
    (edit(("  - id: org/embedder\n", "  - id: org/embedder\n    trust_remote_code: allow\n")),
     [("loosens", "models", "'org/embedder' trust_remote_code: deny → allow (loosens the policy)")]),
    (edit(("models:\n", "models:\n  - id: evil/*\n")),
     [("loosens", "models", "newly allows model 'evil/*' (a glob: every matching id) at any revision")]),
    (edit(("  - id: org/imdb\n", "  - id: org/other\n")),
     [("loosens", "datasets", "newly allows dataset 'org/other' at any revision"),
      ("tightens", "datasets", "no longer allows dataset 'org/imdb' at any revision")]),
    (edit(('    paths: ["tests/**"]\n', "")),  # the scoped entry now applies everywhere
     [("loosens", "models", "'org/tests-*' paths: no longer limited (was [tests/**])")]),
    (edit(('    paths: ["tests/**"]\n', '    paths: ["tests/**", "src/**"]\n    licenses: [mit]\n')),
     [("loosens", "models", "'org/tests-*' paths: adds [src/**]"),
      ("tightens", "models", "'org/tests-*' licenses: now limited to [mit]")]),
    (edit(("  - id: org/embedder\n", '  - id: org/embedder\n    paths: ["src/**"]\n    trust_remote_code: allow\n')),
     [("tightens", "models", "'org/embedder' paths: now limited to [src/**]"),
      ("loosens", "models", "'org/embedder' trust_remote_code: deny → allow (loosens the policy)")]),
    (edit((f"    sha256: \"{'1' * 64}\"\n", "")),
     [("loosens", "artifacts", f"'weights/head.safetensors' sha256: no longer required (was {'1' * 64})")]),
    (edit(("expires: 2027-01-31}\n  - {rule: dynamic", "expires: 2027-02-28}\n  - {rule: dynamic")),
     [("loosens", "exceptions", "waiver extended from 2027-01-31: unpinned-revision for id 'org/legacy' until "
                                "2027-02-28 (notebook)")]),
    (edit(("  - {rule: unpinned-revision, id: org/legacy, reason: notebook, expires: 2027-01-31}\n", "")),
     [("tightens", "exceptions", "waiver removed: unpinned-revision for id 'org/legacy' until 2027-01-31 (notebook)")]),
    (edit(("exceptions:\n", "exceptions:\n  - {rule: trust-remote-code, id: org/x, reason: demo, expires: 2027-01-01}\n")),
     [("loosens", "exceptions", "new waiver: trust-remote-code for id 'org/x' until 2027-01-01 (demo)")]),
    (edit(("{allow_waivers: false}", "{allow_waivers: true}")),
     [("loosens", "profiles.ai_authored", "profiles.ai_authored.allow_waivers: false → true (loosens the policy)")]),
    (edit((', "devin-ai-integration[bot]"]', "]")),
     [("loosens", "ai_agents", "no longer judged as AI agents (profiles.ai_authored): [devin-ai-integration[bot]]")]),
    (edit(("version: 1\n", "version: 1\nextends: ../org/base.yml\n")),
     [("changes", "extends", "extends: (not set) → ../org/base.yml (review the base policy: everything it allows "
                             "applies)")]),
], ids=lambda value: None if isinstance(value, str) else (value[0][2][:50] if value else "none"))
def test_real_edits(new, expected):
    assert changes(OLD, new) == expected


def test_no_policy_before_means_the_builtin_default():
    got = changes(None, "version: 1\ndefaults: {unlisted: deny}\nmodels: [{id: org/a}]\n")
    assert got == [("tightens", "defaults", "defaults.unlisted: allow → deny (tightens the policy)"),
                   ("loosens", "models", "newly allows model 'org/a' at any revision"),
                   # the built-in default's ai_authored profile no longer applies
                   ("loosens", "profiles.ai_authored",
                    "profiles.ai_authored.allow_waivers: false → true (loosens the policy)"),
                   ("tightens", "profiles.ai_authored", "profiles.ai_authored.unlisted: warn → deny (tightens the policy)")]


def test_invalid_new_policy_is_an_error_with_line():
    with pytest.raises(PolicyError) as caught:
        diff_policies(OLD, "version: 1\ndefaults:\n  unlistd: deny\n", new_label="head:.github/model-policy.yml")
    assert str(caught.value).startswith("head:.github/model-policy.yml:3: defaults: unknown key 'unlistd'")


def test_render_text_and_markdown():
    diff = diff_policies(OLD, edit(("unlisted: deny", "unlisted: allow"), ("  - id: org/imdb\n", "  []\n")),
                         old_label="base", new_label="head")
    assert render_diff(diff, "text") == (
        "Policy change: base → head\n\n"
        "Loosens: newly allowed (1):\n"
        "  + defaults.unlisted: deny → allow (loosens the policy)\n\n"
        "Tightens: no longer allowed (1):\n"
        "  - datasets: no longer allows dataset 'org/imdb' at any revision\n\n"
        "This change loosens the policy: review every line above before merging.\n")
    markdown = render_diff(diff, "markdown")
    assert markdown.startswith("### Policy change: `base` → `head`\n")
    assert "**Loosens: newly allowed (1)**\n\n- defaults.unlisted: deny → allow (loosens the policy)\n" in markdown
    assert diff.loosens and diff.to_json()["changes"][0]["effect"] == "loosens"


def test_markdown_escapes_ids():
    new = edit(("models:\n", "models:\n  - id: 'org/<img src=x>*'\n"))
    markdown = render_diff(diff_policies(OLD, new), "markdown")
    assert re.search(r"(?<!\\)<img", markdown) is None and "\\<img src=x\\>\\*" in markdown


def test_cli_diff(tmp_path, capsys):
    (tmp_path / "old.yml").write_text(OLD)
    (tmp_path / "new.yml").write_text(edit(("unlisted: deny", "unlisted: warn")))
    assert main(["policy", "diff", str(tmp_path / "old.yml"), str(tmp_path / "new.yml"), "--format", "markdown"]) == 0
    assert "- defaults.unlisted: deny → warn (loosens the policy)" in capsys.readouterr().out
    assert main(["policy", "diff", str(tmp_path / "old.yml"), str(tmp_path / "missing.yml")]) == 2
    assert "missing.yml: policy file not found" in capsys.readouterr().err

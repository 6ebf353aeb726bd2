"""`--update-policy`: entries added or updated with revisions (and locked files), the policy's comments kept."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from gate.errors import PolicyError
from gate.pin.policy_update import PolicyPin, update_policy_text

A, B = "a" * 40, "b" * 40
DIGITS = "1" * 40
HASH = "c" * 64

POLICY = textwrap.dedent(f"""\
    # Org policy: reviewed by security
    version: 1
    defaults:
      unlisted: deny   # strict
    models:
      - id: org/m      # the base model
        reason: "base"
      - id: org/n
        revisions: [{A}]
      - id: org/o
        revisions:
          - {A}
        files:
          model.bin: "sha256:{'0' * 64}"
      - {{id: org/f, reason: inline}}
    # waivers below
    exceptions: []
    """)


def test_updates_entries_in_every_style_and_keeps_comments():
    pins = [PolicyPin("model", "org/m", (B,), (("model.safetensors", HASH),)), PolicyPin("model", "org/n", (B,)),
            PolicyPin("model", "ORG/o", (B,), (("model.bin", "d" * 64), ("x.bin", "e" * 64))),
            PolicyPin("model", "org/f", (DIGITS,)), PolicyPin("model", "org/new", (B,)),
            PolicyPin("dataset", "org/d", (B,))]
    out = update_policy_text(POLICY, pins)
    assert out == textwrap.dedent(f"""\
        # Org policy: reviewed by security
        version: 1
        defaults:
          unlisted: deny   # strict
        models:
          - id: org/m      # the base model
            revisions: [{B}]
            files:
              model.safetensors: "sha256:{HASH}"
            reason: "base"
          - id: org/n
            revisions: [{A}, {B}]
          - id: org/o
            revisions:
              - {A}
              - {B}
            files:
              model.bin: "sha256:{'d' * 64}"
              x.bin: "sha256:{'e' * 64}"
          - {{id: org/f, reason: inline, revisions: ["{DIGITS}"]}}
          - id: org/new
            revisions: [{B}]
        # waivers below
        exceptions: []
        datasets:
          - id: org/d
            revisions: [{B}]
        """)
    data = yaml.safe_load(out)
    assert data["models"][3]["revisions"] == [DIGITS]  # quoted: a bare all-digit sha would load as an int


def test_second_update_with_the_same_pins_changes_nothing():
    pins = [PolicyPin("model", "org/m", (B,), (("model.safetensors", HASH),)), PolicyPin("dataset", "org/d", (B,))]
    once = update_policy_text(POLICY, pins)
    assert update_policy_text(once, pins) == once


def test_new_policy_file_is_created_with_version():
    out = update_policy_text("", [PolicyPin("model", "org/m", (A,))])
    assert yaml.safe_load(out) == {"version": 1, "models": [{"id": "org/m", "revisions": [A]}]}


def test_empty_sections_become_block_lists():
    out = update_policy_text("version: 1\nmodels: []\ndatasets:\n",
                             [PolicyPin("model", "org/m", (A,)), PolicyPin("dataset", "org/d", (A,))])
    assert out == f"version: 1\nmodels:\n  - id: org/m\n    revisions: [{A}]\ndatasets:\n  - id: org/d\n    revisions: [{A}]\n"


def test_policy_that_cannot_be_edited_safely_is_an_error_with_its_line():
    with pytest.raises(PolicyError) as info:
        update_policy_text("version: 1\nmodels: [{id: org/m}]\n", [PolicyPin("model", "org/m", (A,))], label="p.yml")
    assert "p.yml:2" in str(info.value)
    with pytest.raises(PolicyError, match="cannot parse"):
        update_policy_text("version: 1\nmodels: [\n", [PolicyPin("model", "org/m", (A,))])

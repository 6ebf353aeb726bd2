from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from gate.action.inputs import ActionInputs, read_inputs
from gate.errors import UsageError

ACTION = yaml.safe_load((Path(__file__).parents[2] / "action.yml").read_text())


def test_action_yml_declares_exactly_the_inputs_the_entrypoint_reads():
    assert {name.replace("-", "_") for name in ACTION["inputs"]} == {f.name for f in fields(ActionInputs)}
    assert set(ACTION["outputs"]) == {"errors", "warnings", "references", "verdict", "json-file", "sarif-file"}
    assert ACTION["runs"] == {"using": "docker", "image": "Dockerfile"}


def test_action_yml_has_no_defaults_that_would_override_the_policy():
    for name in ("fail-on", "verify", "policy", "hub-endpoint"):
        assert "default" not in ACTION["inputs"][name], name
    defaults = {name: spec.get("default") for name, spec in ACTION["inputs"].items()}
    assert read_inputs({f"INPUT_{k.upper()}": v for k, v in defaults.items() if v is not None}) == ActionInputs()


def test_hyphenated_names_as_github_passes_them_and_the_underscore_spelling():
    inputs = read_inputs({"INPUT_FAIL-ON": "Warning", "INPUT_POLICY-SOURCE": "head", "INPUT_FAIL_ON_EXISTING": "TRUE",
                          "INPUT_SARIF-FILE": " out.sarif ", "INPUT_VERIFY": "", "INPUT_BASE-REF": "origin/main"})
    assert inputs.fail_on == "warning"
    assert inputs.policy_source == "head"
    assert inputs.fail_on_existing is True
    assert inputs.sarif_file == "out.sarif"
    assert inputs.verify is None  # empty means unset: the policy decides
    assert inputs.base_ref == "origin/main"


@pytest.mark.parametrize("env, message", [
    ({"INPUT_MODE": "partial"}, "input `mode` must be one of auto, full, diff; got 'partial'"),
    ({"INPUT_SUMMARY": "yes"}, "input `summary` must be true or false; got 'yes'"),
    ({"INPUT_VERIFY": "all"}, "input `verify` must be one of none, hub, full; got 'all'"),
    ({"INPUT_BASE-REF": "--upload-pack=evil"}, "input `base-ref` must be a branch, tag or commit sha"),
])
def test_bad_values_name_the_input_and_what_it_accepts(env, message):
    with pytest.raises(UsageError) as error:
        read_inputs(env)
    assert str(error.value).startswith(message)

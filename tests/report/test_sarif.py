import json
from pathlib import Path

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from gate.policy.rules import all_rules
from gate.report.sarif import FINGERPRINT_KEY, render_sarif
from tests.report.samples import finding, mixed_report, reference, report

# The OASIS SARIF 2.1.0 schema (draft-04), vendored without its description texts (see the file's header).
SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "sarif-schema-2.1.0.json").read_text())
VALIDATOR = validator_for(SCHEMA)(SCHEMA, format_checker=FormatChecker())


def sarif(rep) -> dict:
    return json.loads(render_sarif(rep))


def assert_valid(document: dict) -> None:
    errors = sorted(VALIDATOR.iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_schema_fixture_rejects_what_sarif_forbids():
    # The vendored schema must have teeth, or validating against it proves nothing.
    document = sarif(mixed_report())
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError, match="fatal"):
        assert_valid(document)
    document = sarif(mixed_report())
    del document["runs"][0]["tool"]["driver"]["name"]
    with pytest.raises(AssertionError, match="name"):
        assert_valid(document)


@pytest.mark.parametrize("rep", [mixed_report(), report([], [], verdict="pass")], ids=["mixed", "empty"])
def test_output_is_valid_sarif_2_1_0(rep):
    document = sarif(rep)
    assert document["version"] == "2.1.0"
    assert_valid(document)


def test_one_rule_per_rule_module_with_help_and_security_severity():
    document = sarif(report([], [], verdict="pass"))
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    modules = all_rules()
    assert [r["id"] for r in rules] == list(modules)
    severity = {"error": "8.0", "warning": "5.0", "note": "2.0"}
    for descriptor in rules:
        rule = modules[descriptor["id"]]
        assert descriptor["shortDescription"]["text"] == rule.description
        assert rule.fix in descriptor["help"]["text"]
        assert rule.why in descriptor["help"]["markdown"]
        assert "### How to fix" in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] == rule.default_severity
        assert descriptor["properties"]["security-severity"] == severity[rule.default_severity]


def test_results_point_at_their_rule_and_map_levels():
    document = sarif(mixed_report())
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["unpinned-revision", "trust-remote-code", "unpinned-revision"]
    assert [r["level"] for r in results] == ["error", "error", "warning"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert results[0]["message"]["text"] == 'org/unpinned is not pinned\nFix: pass revision="<40-hex sha>" to ' \
                                            "transformers.from_pretrained"


def test_locations_are_repo_relative_uris_with_a_base_id():
    results = sarif(mixed_report())["runs"][0]["results"]
    first = results[0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"] == {"uri": "app/train.py", "uriBaseId": "%SRCROOT%"}
    assert first["region"] == {"startLine": 3, "startColumn": 9}
    odd = results[2]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert odd["uri"] == "legacy%20dir/old%20%231.py"
    assert all(len(r["locations"]) == 1 for r in results)  # GitHub wants a location on every result


def test_run_level_finding_is_a_notification_and_marks_the_run_failed():
    run = sarif(mixed_report())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    invocation = run["invocations"][0]
    first = invocation["toolExecutionNotifications"][0]
    assert first["level"] == "error"
    assert first["message"]["text"] == "the Hub could not be reached\nFix: retry when the Hub is reachable"
    assert rules[first["associatedRule"]["index"]]["id"] == first["associatedRule"]["id"] == "verification-failed"
    assert invocation["executionSuccessful"] is False
    rep = mixed_report()
    located = [f for f in rep.findings if f.path]
    assert sarif(report(list(rep.references), located))["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_fingerprints_survive_shifted_lines_but_not_a_different_reference():
    before = [r["partialFingerprints"][FINGERPRINT_KEY] for r in sarif(mixed_report(0))["runs"][0]["results"]]
    after = [r["partialFingerprints"][FINGERPRINT_KEY] for r in sarif(mixed_report(12))["runs"][0]["results"]]
    assert before == after
    assert len(set(before)) == len(before)
    other = reference("org/other")
    changed = sarif(report([other], [finding("unpinned-revision", 0, other)]))["runs"][0]["results"]
    assert changed[0]["partialFingerprints"][FINGERPRINT_KEY] != before[0]


def test_repeated_reference_in_one_file_gets_distinct_fingerprints():
    refs = [reference("org/same", line=3), reference("org/same", line=30)]
    rep = report(refs, [finding("unpinned-revision", i, r) for i, r in enumerate(refs)])
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in sarif(rep)["runs"][0]["results"]]
    assert prints[0] != prints[1]
    assert prints[0].split(":")[0] == prints[1].split(":")[0]


def test_waived_finding_is_suppressed_with_its_reason_and_diff_mode_sets_baseline():
    results = sarif(mixed_report())["runs"][0]["results"]
    assert results[1]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "policy exception #0: vendored, reviewed (ml-team, until 2027-01-31)"}]
    assert "suppressions" not in results[0]
    assert [r["baselineState"] for r in results] == ["new", "new", "unchanged"]
    assert results[2]["properties"]["preExisting"] is True


def test_full_mode_has_no_baseline_state_and_warnings_become_notifications():
    rep = mixed_report()
    document = sarif(report(list(rep.references), list(rep.findings), warnings=rep.warnings))
    run = document["runs"][0]
    assert all("baselineState" not in r for r in run["results"])
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[1]["message"]["text"] == "not valid JSON"
    assert notes[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "notebooks/broken.ipynb"


def test_cli_format_sarif_writes_valid_sarif_for_a_real_scan(tmp_path):
    from gate.cli import main

    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "train config.yaml").write_text("lr: 1\nmodel_name_or_path: acme/unpinned\n")
    out = tmp_path / "out.sarif"
    assert main(["scan", str(tmp_path), "--format", "sarif", "-o", str(out)]) == 1
    document = json.loads(out.read_text())
    assert_valid(document)
    [result] = document["runs"][0]["results"]
    assert result["ruleId"] == "unpinned-revision" and result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "conf/train%20config.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 2

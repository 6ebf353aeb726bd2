"""Issue 15: SARIF stays within GitHub's limits (25,000 results, 10 MB gzipped): every error kept, the rest
aggregated per rule and file, and the run says so."""

import json

from gate.report.sarif import MAX_RESULTS, report_to_sarif
from tests.report.samples import finding, reference, report


def _many(errors: int, warnings: int, files: int = 50):
    refs = [reference(f"org/m{i}", path=f"f{i % files}.py", line=i + 1) for i in range(errors + warnings)]
    findings = [finding("unpinned-revision" if i < errors else "dynamic-reference", i, ref,
                        severity="error" if i < errors else "warning", message=f"m{i}")
                for i, ref in enumerate(refs)]
    return report(refs, findings)


def test_small_runs_are_left_alone():
    run = report_to_sarif(_many(3, 3))["runs"][0]
    assert len(run["results"]) == 6 and "aggregated" not in run["properties"]


def test_over_the_limit_every_error_is_kept_and_the_rest_is_counted_per_rule_and_file():
    sarif = report_to_sarif(_many(1_000, 30_000))
    run = sarif["runs"][0]
    errors = [r for r in run["results"] if r["level"] == "error"]
    rest = [r for r in run["results"] if r["level"] != "error"]
    assert len(run["results"]) <= MAX_RESULTS
    assert len(errors) == 1_000 and all("aggregated" not in r["properties"] for r in errors)
    assert len(rest) == 50 and sum(r["properties"]["aggregated"] for r in rest) == 30_000
    assert rest[0]["message"]["text"].startswith("600 dynamic-reference findings in f")
    assert run["properties"]["aggregated"]["results"] == 30_000 and run["properties"]["aggregated"]["by"] == "file"
    assert len({r["partialFingerprints"]["modelGateFinding/v1"] for r in run["results"]}) == len(run["results"])
    json.dumps(sarif)


def test_sarif_cli_says_when_it_aggregated(tmp_path, capsys, monkeypatch):
    import gate.report.sarif as sarif_module
    from gate.commands import render

    monkeypatch.setattr(sarif_module, "MAX_RESULTS", 10)
    render(_many(2, 40), "sarif")
    assert "aggregates findings to stay within GitHub's limits" in capsys.readouterr().err

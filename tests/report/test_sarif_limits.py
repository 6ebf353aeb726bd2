"""Issue 15: SARIF stays within GitHub's limits (25,000 results, 10 MB gzipped): every error kept, the rest
aggregated per rule and file, and the run says so."""

import gzip
import json
import random

from gate.discover.interface import ScanWarning
from gate.report.sarif import MAX_GZIPPED_BYTES, MAX_RESULTS, render_sarif, report_to_sarif
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
    assert run["properties"]["aggregated"]["errorsAggregated"] is False
    assert len({r["partialFingerprints"]["modelGateFinding/v1"] for r in run["results"]}) == len(run["results"])
    json.dumps(sarif)


def test_sarif_cli_says_when_it_aggregated(tmp_path, capsys, monkeypatch):
    import gate.report.sarif as sarif_module
    from gate.commands import render

    monkeypatch.setattr(sarif_module, "MAX_RESULTS", 10)
    render(_many(2, 40), "sarif")
    said = capsys.readouterr().err
    assert "aggregates findings to stay within GitHub's limits" in said
    # 40 warnings in 40 files are still 42 results per file: counted per rule instead.
    assert "every finding but the errors counted per rule (40 findings in 1 result), all 2 errors kept one by one" \
        in said


def _noise(rng: random.Random, length: int) -> str:
    """Text gzip cannot shrink much (hex digits: about half)."""
    return rng.randbytes(length // 2).hex()


def _counted(results: list[dict]) -> int:
    return sum(r["properties"].get("aggregated", 1) for r in results)


def test_few_results_too_large_gzipped_keep_every_error_and_count_the_rest():
    """GitHub's second limit: 2,400 results of 10 kB each are far under 25,000 results but about 12 MB gzipped."""
    rng = random.Random(7)
    refs = [reference(f"org/m{i}", path=f"f{i % 40}.py", line=i + 1) for i in range(2_400)]
    findings = [finding("unpinned-revision" if i < 100 else "dynamic-reference", i, ref,
                        severity="error" if i < 100 else "warning", message=_noise(rng, 10_000))
                for i, ref in enumerate(refs)]
    text = render_sarif(report(refs, findings))
    assert len(gzip.compress(text.encode("utf-8"))) <= MAX_GZIPPED_BYTES
    run = json.loads(text)["runs"][0]
    errors = [r for r in run["results"] if r["level"] == "error"]
    assert len(errors) == 100 and all("aggregated" not in r["properties"] for r in errors)
    assert [r["message"]["text"].split("\n")[0] for r in errors] == [f.message for f in findings[:100]]
    assert len(run["results"]) == 140 and _counted(run["results"]) == 2_400  # 40 files: every warning counted
    aggregated = run["properties"]["aggregated"]
    assert (aggregated["results"], aggregated["into"], aggregated["by"]) == (2_300, 40, "file")
    assert "10 MB (gzipped)" in aggregated["reason"]


def test_more_errors_than_fit_are_counted_too_and_none_is_dropped():
    sarif = report_to_sarif(_many(26_000, 100, files=30_000))  # each error in a file of its own
    run = sarif["runs"][0]
    assert len(run["results"]) <= MAX_RESULTS
    assert _counted(run["results"]) == 26_100  # was: cut to the first 25,000 groups
    aggregated = run["properties"]["aggregated"]
    assert aggregated["errorsAggregated"] is True and aggregated["by"] == "rule"
    assert {(r["ruleId"], r["level"], r["properties"]["aggregated"]) for r in run["results"]} == {
        ("unpinned-revision", "error", 26_000), ("dynamic-reference", "warning", 100)}
    assert "every finding counted per rule" in aggregated["note"]


def test_too_many_scan_warnings_are_cut_before_any_finding_is_aggregated(monkeypatch):
    import gate.report.sarif as sarif_module

    monkeypatch.setattr(sarif_module, "MAX_GZIPPED_BYTES", 60_000)
    rng = random.Random(3)
    warnings = tuple(ScanWarning(f"w{i}.py", _noise(rng, 400)) for i in range(1_000))
    refs = [reference(f"org/m{i}", path=f"f{i}.py", line=1) for i in range(20)]
    findings = [finding("unpinned-revision", i, ref) for i, ref in enumerate(refs)]
    text = render_sarif(report(refs, findings, warnings=warnings))
    assert len(gzip.compress(text.encode("utf-8"), compresslevel=1)) <= 60_000
    run = json.loads(text)["runs"][0]
    assert len(run["results"]) == 20 and all("aggregated" not in r["properties"] for r in run["results"])
    notifications = run["invocations"][0]["toolExecutionNotifications"]
    kept = len(notifications) - 1
    assert 0 < kept < 1_000
    assert [n["message"]["text"] for n in notifications[:-1]] == [w.message for w in warnings[:kept]]
    assert notifications[-1]["message"]["text"].startswith(f"{1_000 - kept:,} more scan warnings are left out")
    aggregated = run["properties"]["aggregated"]
    assert aggregated["warningsLeftOut"] == 1_000 - kept and aggregated["by"] is None
    assert aggregated["note"].startswith("the SARIF report leaves out scan warnings to stay within GitHub's limits")

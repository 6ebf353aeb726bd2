"""Issue 16 §2: `scan --baseline REPORT` and `scan --diff-base REF` fail only on new findings, with the same
finding identity as pull-request mode (gate/baseline.py)."""

import json
import subprocess

import pytest

from gate.cli import main

OLD = 'from transformers import AutoModel\nAutoModel.from_pretrained("acme/old")\n'
NEW = 'from transformers import AutoModel\nAutoModel.from_pretrained("acme/new")\n'


def _git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "old.py").write_text(OLD)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    return root


def _json_scan(capsys, *args) -> tuple[int, dict]:
    code = main(["scan", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def _flags(report):
    return sorted((f["path"], f["rule"], f["pre_existing"]) for f in report["findings"])


def test_baseline_marks_what_the_report_had_and_fails_only_on_new_findings(repo, tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    assert main(["scan", str(repo), "--format", "json", "--output", str(baseline)]) == 1
    assert "model-gate: FAIL: 1 error(s)" in capsys.readouterr().err  # --output still says how the run ended
    code, report = _json_scan(capsys, str(repo), "--baseline", str(baseline))
    assert code == 0 and report["summary"]["verdict"] == "pass"
    assert _flags(report) == [("old.py", "unpinned-revision", True)]
    (repo / "old.py").write_text("import os\n\n" + OLD)  # lines move: still the same finding
    (repo / "new.py").write_text(NEW)
    code, report = _json_scan(capsys, str(repo), "--baseline", str(baseline))
    assert code == 1
    assert _flags(report) == [("new.py", "unpinned-revision", False), ("old.py", "unpinned-revision", True)]


def test_a_second_copy_of_an_old_finding_is_new(repo, tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    main(["scan", str(repo), "--format", "json", "--output", str(baseline)])
    (repo / "old.py").write_text(OLD + 'AutoModel.from_pretrained("acme/old")\n')
    code, report = _json_scan(capsys, str(repo), "--baseline", str(baseline))
    assert code == 1
    assert sorted((f["line"], f["pre_existing"]) for f in report["findings"]) == [(2, True), (3, False)]


@pytest.mark.parametrize("text", ["not json", "{}", '{"references": [], "findings": [{"rule": 1}]}'])
def test_a_baseline_that_is_not_a_report_is_a_usage_error(repo, tmp_path, capsys, text):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(text)
    assert main(["scan", str(repo), "--baseline", str(baseline)]) == 2
    assert "not a model-gate JSON report" in capsys.readouterr().err


def test_diff_base_judges_only_what_the_working_tree_changes(repo, capsys):
    code, report = _json_scan(capsys, str(repo), "--diff-base", "HEAD")
    assert code == 0 and _flags(report) == [("old.py", "unpinned-revision", True)]
    (repo / "new.py").write_text(NEW)  # untracked: new
    code, report = _json_scan(capsys, str(repo), "--diff-base", "HEAD")
    assert code == 1
    assert _flags(report) == [("new.py", "unpinned-revision", False), ("old.py", "unpinned-revision", True)]
    _git(repo, "add", "new.py")  # staged: still new against HEAD
    code, _ = _json_scan(capsys, str(repo), "--diff-base", "HEAD")
    assert code == 1


def test_diff_base_in_a_repository_without_commits_judges_everything_as_new(tmp_path, capsys):
    (tmp_path / "new.py").write_text(NEW)
    _git(tmp_path, "init", "-q")
    code, report = _json_scan(capsys, str(tmp_path), "--diff-base", "HEAD")
    assert code == 1 and _flags(report) == [("new.py", "unpinned-revision", False)]


def test_diff_base_names_a_missing_ref_without_blaming_a_shallow_clone(repo, capsys):
    assert main(["scan", str(repo), "--diff-base", "no-such-branch"]) == 2
    err = capsys.readouterr().err
    assert "--diff-base no-such-branch: no such commit" in err and "shallow" not in err


def test_findings_read_back_from_a_json_report_carry_their_reference(repo, capsys):
    """A baseline's findings get the `Reference` the report lists for them, so their identity is the one the head's
    findings have (no index lookup), and the JSON `reference` index is computed from that `Reference`."""
    from gate.baseline import finding_identity, findings_in_json_report
    from gate.pipeline import ScanOptions, run_scan
    from gate.report.json_report import render_json

    (repo / "new.py").write_text(NEW)
    head = run_scan(ScanOptions(root=str(repo)))
    text = render_json(head)
    document = json.loads(text)
    assert [(f["path"], f["reference"]) for f in document["findings"]] == [
        (head.references[f["reference"]].path, f["reference"]) for f in document["findings"]]
    read = findings_in_json_report(text, "report.json")
    assert [f.subject for f in read] == [f.subject for f in head.findings]
    assert sorted({f.subject.id for f in read}) == ["acme/new", "acme/old"]
    assert [finding_identity(f) for f in read] == [finding_identity(f) for f in head.findings]

"""Issue 16 §3: the log, the summary, the annotations and the outputs give the same counts; a multi-line fix is
shown in the summary as a code block that keeps its indentation."""

import re

from tests.action.gitrepo import pull_request_event, run_action
from tests.action.test_action import pr_repo

OLD = "model_name_or_path: acme/old-model\n"


def test_every_output_counts_a_pre_existing_error_as_the_warning_it_is_shown_as(tmp_path):
    # config.yaml is changed (so scanned: PR mode scans the changed files) but keeps its old finding.
    repo, base, head = pr_repo(tmp_path, {"config.yaml": OLD},
                               {"config.yaml": "# touched\n" + OLD, "new.yaml": "model_name_or_path: acme/new-model\n"})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    assert (len(run.commands("error")), len(run.commands("warning"))) == (1, 1)
    assert (run.outputs["errors"], run.outputs["warnings"]) == ("1", "1")
    assert "1 error(s), 1 warning(s), 0 note(s) (1 of them pre-existing: errors there count as warnings)" \
        in run.summary
    log_verdict = [line for line in run.stdout.splitlines() if line.startswith("model-gate: FAIL")]
    assert log_verdict and "1 error(s), 1 warning(s)" in log_verdict[0]


def test_a_multi_line_fix_is_a_copyable_code_block_in_the_summary(tmp_path):
    pickle = b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00}\x94."
    repo, base, head = pr_repo(tmp_path, {"README.md": "x\n"}, {})
    (repo.path / "weights").mkdir()
    (repo.path / "weights" / "head.pkl").write_bytes(pickle)
    head = repo.commit("add weights")
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "(fix 1 below)" in run.summary
    block = run.summary.split("Fix 1 (weights/head.pkl:1):", 1)[1]
    code = re.search(r"```text\n(.*?)\n```", block, re.S).group(1)
    assert "artifacts:\n  - path: " in code  # the YAML keeps its indentation

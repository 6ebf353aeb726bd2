"""End to end: `python -m gate.action` against real git repositories with a simulated GitHub runner."""

import json
import os
import re
import subprocess

import pytest

from tests.action.gitrepo import REPOSITORY, SERVER, Repo, git, pull_request_event, run_action

SHA = "0123456789abcdef0123456789abcdef01234567"
STRICT_POLICY = "version: 1\ndefaults:\n  unlisted: deny\nmodels:\n  - id: acme/approved\n    reason: reviewed\n"


def pr_repo(tmp_path, base_files: dict, head_files: dict, *, author=None, message="feature") -> tuple[Repo, str, str]:
    repo = Repo(tmp_path / "ws")
    for rel, text in base_files.items():
        repo.write(rel, text)
    base = repo.commit("base")
    repo.branch("feature")
    for rel, text in head_files.items():
        if text is None:
            repo.remove(rel)
        else:
            repo.write(rel, text)
    head = repo.commit(message, author=author)
    return repo, base, head


def test_pr_adding_an_unpinned_model_fails_with_an_annotation_on_the_new_line(tmp_path):
    repo, base, head = pr_repo(tmp_path, {"README.md": "demo\n"},
                               {"config.yaml": "# training\nlr: 0.1\nmodel_name_or_path: acme/new-model\n"})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                     inputs={"sarif-file": "out/gate.sarif", "json-file": "out/gate.json"})
    assert run.returncode == 1, run.stdout + run.stderr
    errors = run.commands("error")
    assert len(errors) == 1
    assert errors[0].startswith("::error file=config.yaml,line=3,col=1,title=model-gate%3A unpinned-revision::"
                                "model 'acme/new-model' is not pinned")
    assert run.outputs == {"errors": "1", "warnings": "0", "references": "1", "verdict": "fail",
                           "json-file": "out/gate.json", "sarif-file": "out/gate.sarif"}
    assert run.summary.startswith("## model-gate: ❌ FAIL")
    assert "### Blocking findings (1)" in run.summary
    assert f"[config.yaml:3]({SERVER}/{REPOSITORY}/blob/{head}/config.yaml#L3)" in run.summary
    assert "add model\\_revision: &lt;40-hex sha&gt; beside the key" in run.summary
    assert "built-in default policy applies" in run.summary
    sarif = json.loads((repo.path / "out/gate.sarif").read_text())
    result = sarif["runs"][0]["results"][0]
    assert result["ruleId"] == "unpinned-revision" and result["baselineState"] == "new"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    report = json.loads((repo.path / "out/gate.json").read_text())
    assert report["summary"]["verdict"] == "fail"


def test_pr_adding_an_unpinned_python_load_annotates_that_line_only(tmp_path):
    base_code = f'from transformers import AutoModel\n\nold = AutoModel.from_pretrained("acme/old", revision="{SHA}")\n'
    head_code = base_code.replace("\n\n", "\n\nimport os\n\n") + 'new = AutoModel.from_pretrained("acme/new")\n'
    repo, base, head = pr_repo(tmp_path, {"train.py": base_code}, {"train.py": head_code})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    [error] = run.commands("error")
    assert error.startswith("::error file=train.py,line=6,")
    assert "acme/new" in error and run.commands("warning") == []
    assert run.outputs["references"] == "2"


def test_pr_that_edits_the_policy_to_allow_its_own_model_is_judged_by_the_base_policy(tmp_path):
    loosened = STRICT_POLICY + "  - id: acme/mine\n    reason: trust me\n"
    head_files = {".github/model-policy.yml": loosened,
                  "config.yaml": f"model_name_or_path: acme/mine\nmodel_revision: {SHA}\n"}
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": STRICT_POLICY, "README.md": "x\n"}, head_files)
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "title=model-gate%3A not-allowlisted::" in run.commands("error")[0]
    assert f"`.github/model-policy.yml` as of the base commit `{base[:12]}`" in run.summary
    diff = run.summary.split("### Policy diff (base → head)")[1]
    assert "acme/mine" in diff and "loosens" in diff.lower()

    head_policy = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                             inputs={"policy-source": "head"})
    assert head_policy.returncode == 0, head_policy.stdout + head_policy.stderr
    assert head_policy.outputs["verdict"] == "pass"
    assert "It was judged by this changed policy (policy-source: head)." in head_policy.summary



def test_pr_that_deletes_the_policy_is_judged_by_it_and_the_summary_shows_the_removal(tmp_path):
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": STRICT_POLICY, "README.md": "x\n"},
                               {".github/model-policy.yml": None,
                                "config.yaml": f"model_name_or_path: acme/mine\nmodel_revision: {SHA}\n"})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "title=model-gate%3A not-allowlisted::" in run.commands("error")[0]
    diff = run.summary.split("### Policy diff (base → head)")[1]
    assert "built-in default" in diff and "acme/approved" in diff

def test_pre_existing_finding_is_a_warning_unless_fail_on_existing(tmp_path):
    old = "model_name_or_path: acme/old-model\n"
    repo, base, head = pr_repo(tmp_path, {"config.yaml": old, "other.yaml": old},
                               {"config.yaml": "# moved down\nepochs: 3\n" + old, "notes.md": "unrelated\n"})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.commands("error") == []
    warnings = run.commands("warning")
    # Only the changed files are scanned (issue 15: PR mode independent of the repository's size): the untouched
    # other.yaml is not reported unless `fail-on-existing` makes its finding block.
    assert [w.split(",")[0:2] for w in warnings] == [["::warning file=config.yaml", "line=3"]]
    assert all("(pre-existing)" in w for w in warnings)
    assert run.outputs["verdict"] == "pass" and run.outputs["errors"] == "0" and run.outputs["warnings"] == "1"
    assert "### Pre-existing findings (1)" in run.summary and "Blocking findings" not in run.summary

    strict = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                        inputs={"fail-on-existing": "true"})
    assert strict.returncode == 1
    assert len(strict.commands("error")) == 2 and strict.outputs["verdict"] == "fail"


def test_a_second_copy_of_an_old_reference_is_new(tmp_path):
    old = "model_name_or_path: acme/old-model\n"
    repo, base, head = pr_repo(tmp_path, {"config.yaml": old}, {"config.yaml": old + "---\n" + old})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    assert len(run.commands("error")) == 1 and len(run.commands("warning")) == 1


def test_insufficient_history_says_to_fetch_the_full_history(tmp_path):
    repo, base, head = pr_repo(tmp_path, {"README.md": "x\n"}, {"config.yaml": "model_name_or_path: acme/m\n"})
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{repo.path}", str(shallow))
    run = run_action(shallow, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 2
    assert "fetch-depth: 0" in run.commands("error")[0]
    assert run.outputs == {"verdict": "error"}
    assert "fetch-depth: 0" in run.summary


@pytest.mark.parametrize("author, message, reason", [
    ("copilot-swe-agent[bot]", "add model", "its author copilot-swe-agent\\[bot\\] is listed in the policy's ai\\_agents"),
    ("alice", "add model\n\nCo-authored-by: Claude <noreply@anthropic.com>",
     "has the trailer 'Co-authored-by: Claude &lt;noreply@anthropic.com&gt;'"),
])
def test_ai_authored_pr_is_judged_with_the_ai_authored_profile(tmp_path, author, message, reason):
    policy = "version: 1\nprofiles:\n  ai_authored:\n    unlisted: deny\n"
    config = f"model_name_or_path: acme/unlisted\nmodel_revision: {SHA}\n"
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": policy}, {"config.yaml": config},
                               message=message)
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head, author))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "not-allowlisted" in run.commands("error")[0]
    assert "AI-authored pull request: judged with the policy's `ai_authored` profile because" in run.summary
    assert reason in run.summary


def test_ai_authored_pr_under_a_policy_without_the_profile_says_so(tmp_path):
    config = f"model_name_or_path: acme/unlisted\nmodel_revision: {SHA}\n"
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": "version: 1\n"}, {"config.yaml": config})
    run = run_action(repo.path, tmp_path, event_name="pull_request",
                     event=pull_request_event(base, head, "devin-ai-integration[bot]"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "> AI-authored pull request, because its author devin-ai-integration\\[bot\\] is listed" in run.summary
    assert "profile because" not in run.summary  # no profile was applied, so the summary does not claim one
    assert "The policy has no `profiles.ai_authored`, so this AI-authored pull request is judged like any other" \
        in run.summary


def test_human_pr_is_judged_without_the_ai_profile(tmp_path):
    policy = "version: 1\nprofiles:\n  ai_authored:\n    unlisted: deny\n"
    config = f"model_name_or_path: acme/unlisted\nmodel_revision: {SHA}\n"
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": policy}, {"config.yaml": config})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "AI-authored" not in run.summary


def test_injection_through_ids_and_paths_is_escaped(tmp_path):
    evil_path = "x\n::error file=a::pwned.sh"
    files = {"config.yaml": 'model_name_or_path: "${MODEL}%0A::error::pwned"\n', evil_path: "hf download acme/m\n"}
    repo, base, head = pr_repo(tmp_path, {"README.md": "x\n"}, files)
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    # Outside the stop-commands block, every line starting with `::` is one of ours and escaped.
    token = re.search(r"^::stop-commands::(\w+)$", run.stdout, re.M).group(1)
    before, _, after = run.stdout.partition(f"::stop-commands::{token}\n")
    inert, _, after = after.partition(f"::{token}::\n")
    commands = [line for line in (before + after).splitlines() if line.startswith("::")]
    assert not any("pwned" in line and not line.startswith(("::error file=", "::warning file=")) for line in commands)
    error = next(c for c in commands if c.startswith("::error file=x"))
    # Reports show the newline of the file name as a `\n` escape (gate/discover/engine.py `_printable`).
    assert error.startswith("::error file=x\\n%3A%3Aerror file=a%3A%3Apwned.sh,line=1,")
    warning = next(c for c in commands if "dynamic-reference" in c)
    assert "${MODEL}%250A::error::pwned" in warning
    assert "pwned" in inert  # the plain-text report is printed with workflow commands stopped
    assert "\n::error file=a::pwned" not in run.summary


def test_push_runs_a_full_scan(tmp_path):
    repo = Repo(tmp_path / "ws")
    repo.write("config.yaml", "model_name_or_path: acme/m\n")
    repo.commit("init")
    run = run_action(repo.path, tmp_path, event_name="push", event={})
    assert run.returncode == 1
    assert run.commands("error")[0].startswith("::error file=config.yaml,line=1,")
    assert "Pull-request mode" not in run.summary
    # The workspace is marked safe on model-gate's own git command lines: nobody's ~/.gitconfig is edited
    # (issue 16 §3: run outside a container, the action must not change the user's git configuration).
    assert not (tmp_path / "runner" / "home" / ".gitconfig").exists()



def test_checkout_below_the_workspace_is_marked_safe_and_compared(tmp_path):
    # actions/checkout with `path: src` clones below the workspace; as root over another user's files (the
    # container's case, reproduced when the tests run as root) git works there only once it is marked safe.
    workspace = tmp_path / "ws"
    repo = Repo(workspace / "src")
    repo.write("README.md", "x\n")
    base = repo.commit("base")
    repo.branch("feature")
    repo.write("config.yaml", "model_name_or_path: acme/m\n")
    head = repo.commit("feature")
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "1001:1001", str(workspace)], check=True)
    run = run_action(workspace, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                     inputs={"path": "src"})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Pull-request mode" in run.summary and len(run.commands("error")) == 1
    assert not (tmp_path / "runner" / "home" / ".gitconfig").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root writes files another user then cannot remove")
def test_report_files_written_as_root_belong_to_the_workspace_owner(tmp_path):
    repo = Repo(tmp_path / "ws")
    repo.write("config.yaml", "model_name_or_path: acme/m\n")
    repo.commit("init")
    subprocess.run(["chown", "-R", "1001:1002", str(repo.path)], check=True)
    run_action(repo.path, tmp_path, event_name="push", event={},
               inputs={"sarif-file": "out/gate.sarif", "json-file": "gate.json"})
    for written in (repo.path / "out", repo.path / "out" / "gate.sarif", repo.path / "gate.json"):
        assert (written.stat().st_uid, written.stat().st_gid) == (1001, 1002), written

def test_bad_input_is_a_clear_usage_error(tmp_path):
    repo = Repo(tmp_path / "ws")
    repo.commit("init")
    run = run_action(repo.path, tmp_path, event_name="push", event={}, inputs={"fail-on": "sometimes"})
    assert run.returncode == 2
    assert run.commands("error") == [
        "::error title=model-gate could not run::input `fail-on` must be one of error, warning, note, never; "
        "got 'sometimes'"]
    # a bad input is found before anything else runs; the step still reports it where GitHub looks
    assert run.outputs == {"verdict": "error"}
    assert run.summary.startswith("## model-gate: ⚠️ ERROR") and "input `fail-on` must be one of" in run.summary


def test_hf_token_is_masked_and_not_printed(tmp_path):
    repo = Repo(tmp_path / "ws")
    repo.write("README.md", "x\n")
    repo.commit("init")
    run = run_action(repo.path, tmp_path, event_name="push", event={}, inputs={"hf-token": "hf_secret123"})
    assert run.returncode == 0
    assert run.stdout.splitlines()[0] == "::add-mask::hf_secret123"
    assert run.stdout.count("hf_secret123") == 1 and "hf_secret123" not in run.summary


def test_mlflow_tracking_token_is_masked_and_not_printed(tmp_path):
    repo = Repo(tmp_path / "ws")
    repo.write("README.md", "x\n")
    repo.commit("init")
    run = run_action(repo.path, tmp_path, event_name="push", event={},
                     inputs={"mlflow-tracking-token": "mlflow_secret123"})
    assert run.returncode == 0
    assert run.stdout.splitlines()[0] == "::add-mask::mlflow_secret123"
    assert run.stdout.count("mlflow_secret123") == 1 and "mlflow_secret123" not in run.summary


def test_waived_finding_is_listed_with_its_reason_and_suppressed_in_sarif(tmp_path):
    import datetime

    expires = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    policy = ("version: 1\nexceptions:\n  - rule: unpinned-revision\n    id: acme/legacy\n"
              f"    reason: frozen until the migration\n    expires: {expires}\n    owner: ml-team\n")
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": policy},
                               {"config.yaml": "model_name_or_path: acme/legacy\n"})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                     inputs={"sarif-file": "gate.sarif"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.commands("error") == [] and run.commands("warning") == []
    waived = run.summary.split("### Waived findings (1)")[1]
    assert f"policy exception \\#0: frozen until the migration \\(ml-team, until {expires}\\)" in waived
    [result] = json.loads((repo.path / "gate.sarif").read_text())["runs"][0]["results"]
    assert result["suppressions"][0]["justification"].startswith("policy exception #0: frozen until the migration")


def test_scanning_a_subdirectory_uses_the_repository_policy_and_repository_paths(tmp_path):
    repo = Repo(tmp_path / "ws")
    repo.write(".github/model-policy.yml", STRICT_POLICY)
    repo.write("svc/config.yaml", f"model_name_or_path: acme/other\nmodel_revision: {SHA}\n")
    repo.commit("init")
    run = run_action(repo.path, tmp_path, event_name="push", event={}, inputs={"path": "svc"})
    assert run.returncode == 1, run.stdout + run.stderr
    [error] = run.commands("error")
    assert error.startswith("::error file=svc/config.yaml,line=1,") and "not-allowlisted" in error
    assert "Policy: `.github/model-policy.yml` as checked out." in run.summary

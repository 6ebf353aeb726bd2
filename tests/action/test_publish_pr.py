"""Pull-request mode (issue 18 §2): a pull request that changes where trained weights are pushed is called out in
the job summary even when the policy allows the destination (blocking a disallowed one: tests/policy/
test_publish_scan.py)."""

from tests.action.gitrepo import pull_request_event, run_action
from tests.action.test_action import SHA, pr_repo

POLICY = "version: 1\npublish:\n  allowed: [acme/*]\n"
BASE_CONFIG = f"model_name_or_path: acme/base\nmodel_revision: {SHA}\nhub_model_id: acme/finetune-v1\n"
CALLOUT = "This pull request changes where trained weights are pushed (1 publish target(s))"


def test_pr_changing_an_allowed_publish_target_passes_and_the_summary_says_so(tmp_path):
    head_config = BASE_CONFIG.replace("acme/finetune-v1", "acme/finetune-v2")
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": POLICY, "train.yaml": BASE_CONFIG},
                               {"train.yaml": head_config})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.commands("error") == [] and run.commands("warning") == []
    assert f"> [!IMPORTANT]\n> {CALLOUT}" in run.summary
    assert "> - acme/finetune-v2 via config:hub\\_model\\_id at [train.yaml:3](" in run.summary


def test_pr_not_touching_the_publish_target_has_no_callout(tmp_path):
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": POLICY, "train.yaml": BASE_CONFIG},
                               {"train.yaml": BASE_CONFIG + "learning_rate: 0.0001\n"})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "where trained weights are pushed" not in run.summary

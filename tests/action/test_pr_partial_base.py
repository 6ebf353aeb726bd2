"""Pull-request mode reads only what it needs of the base commit (issue 15), and still sees the base as a whole:
local paths are answered from the base's listing, files a finder reads beside a changed one are written when
read, and the policy's `extends` chain and key files come along."""

from __future__ import annotations

import os

from gate import git as gitops
from gate.action import prmode
from tests.action.gitrepo import pull_request_event, run_action
from tests.action.test_action import pr_repo

LOAD = 'from transformers import AutoModel\nAutoModel.from_pretrained("org/weights")\n'


def _files(tree) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, f), tree).replace(os.sep, "/")
                  for d, _, names in os.walk(tree) for f in names)


def test_export_base_writes_policies_their_chain_and_keys_and_the_changed_files_only(tmp_path):
    policy = "version: 1\nextends: ../policies/org.yml\n"
    org = ("version: 1\nextends: builtin:strict\ndefaults:\n  signature:\n    public_key: keys/release.pem\n"
           "    identity: x\n")
    base_files = {".github/model-policy.yml": policy, "policies/org.yml": org, ".github/keys/release.pem": "k\n",
                  "policies/unrelated.yml": "version: 1\n", "train.py": LOAD, "untouched.py": LOAD}
    repo, base, head = pr_repo(tmp_path, base_files, {"train.py": LOAD + "# touched\n", "added.py": LOAD})
    changed = gitops.changed_files(base, head, str(repo.path))
    pr = prmode.PullRequest(base, head, None, changed)
    tree = tmp_path / "base"
    tree.mkdir()
    export = prmode.export_base(pr, str(tree), str(repo.path), prmode.policy_candidates(prmode.ActionInputs(), ""))
    assert _files(tree) == [".github/keys/release.pem", ".github/model-policy.yml", "policies/org.yml", "train.py"]
    assert {"untouched.py", "policies", "policies/unrelated.yml", ".github/keys"} <= export.paths
    assert "added.py" not in export.paths


def test_a_local_directory_the_pull_request_deletes_makes_an_old_load_a_new_hub_load(tmp_path):
    # On the base, `org/weights` is a directory of the repository; the pull request deletes it, so the same
    # line now downloads from the Hub: a new finding, although the base's export holds no `org/` directory.
    repo, base, head = pr_repo(tmp_path, {"train.py": LOAD, "org/weights/config.json": "{}\n"},
                               {"train.py": "import os\n" + LOAD, "org/weights/config.json": None})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    assert [c.split(",")[0] for c in run.commands("error")] == ["::error file=train.py"]


def test_a_compose_files_dot_env_is_read_from_the_base_when_the_base_side_needs_it(tmp_path):
    compose = "services:\n  vllm:\n    image: vllm/vllm-openai\n    command: --model ${SERVED_MODEL}\n"
    repo, base, head = pr_repo(tmp_path, {"deploy/compose.yaml": compose, "deploy/.env": "SERVED_MODEL=org/served\n"},
                               {"deploy/compose.yaml": "# touched\n" + compose})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 0, run.stdout + run.stderr  # the same unpinned load on both sides: pre-existing
    assert run.commands("error") == []
    assert [c.split(",")[0] for c in run.commands("warning")] == ["::warning file=deploy/compose.yaml"]

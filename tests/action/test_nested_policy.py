"""Issue 12 §16: a policy under the scanned `path` can only tighten the repository's root policy, and the
summary's policy diff is the change of the policy in force (its `extends` chain included)."""

from tests.action.gitrepo import pull_request_event, run_action
from tests.action.test_action import SHA, pr_repo

ROOT_STRICT = "version: 1\nextends: builtin:strict\nmodels:\n  - id: acme/approved\n    reason: reviewed\n"
LOOSE = ("version: 1\ndefaults:\n  unlisted: allow\n  dynamic: allow\n  unpinnable: allow\n"
         "  artifact_formats: {allow: [safetensors, pickle]}\n")
UNLISTED_CONFIG = f"model_name_or_path: acme/unlisted\nmodel_revision: {SHA}\n"


def test_nested_policy_that_loosens_the_root_policy_is_refused_naming_each_loosened_key(tmp_path):
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": ROOT_STRICT, "svc/.model-policy.yml": LOOSE,
                                          "svc/README.md": "x\n"},
                               {"svc/config.yaml": UNLISTED_CONFIG})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                     inputs={"path": "svc"})
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.outputs == {"verdict": "error"}
    message = run.commands("error")[0]
    assert "svc/.model-policy.yml" in message and "loosens the repository's policy" in message
    for key in ("defaults.unlisted: deny → allow", "defaults.dynamic: deny → allow",
                "defaults.unpinnable: deny → allow", "defaults.artifact_formats"):
        assert key in message, key


def test_two_innocent_prs_cannot_loosen_the_gate_through_a_nested_policy(tmp_path):
    """The nested policy lands first (by itself it changes no model), the unlisted model second: still refused."""
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": ROOT_STRICT, "svc/README.md": "x\n"},
                               {"svc/.model-policy.yml": LOOSE})
    first = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                       inputs={"path": "svc"})
    # The base has no nested policy: the root policy judges the first PR, and its summary names the loosening.
    assert first.returncode == 0, first.stdout + first.stderr
    diff = first.summary.split("### Policy diff (base → head)")[1]
    assert "defaults.unlisted: deny → allow" in diff and "cannot apply" in diff
    repo.write("svc/config.yaml", UNLISTED_CONFIG)
    second_head = repo.commit("second")
    second = run_action(repo.path, tmp_path, event_name="pull_request",
                        event=pull_request_event(head, second_head), inputs={"path": "svc"})
    assert second.returncode == 2 and "loosens the repository's policy" in second.commands("error")[0]


def test_nested_policy_that_only_tightens_applies(tmp_path):
    tighter = "version: 1\nextends: builtin:strict\nmodels:\n  - id: acme/approved\n    reason: reviewed\n" \
              "    revisions: [" + SHA + "]\n"
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": ROOT_STRICT, "svc/.model-policy.yml": tighter},
                               {"svc/config.yaml": "model_name_or_path: acme/approved\nmodel_revision: "
                                                   + "1" * 40 + "\n"})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                     inputs={"path": "svc"})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "svc/.model-policy.yml` as of the base commit" in run.summary
    assert "which only tightens `.github/model-policy.yml`" in run.summary
    assert "revision-not-allowed" in run.commands("error")[0] or "not allowed" in run.commands("error")[0]


def test_policy_diff_is_of_the_policy_in_force_with_extends_resolved(tmp_path):
    repo, base, head = pr_repo(tmp_path, {".github/model-policy.yml": ROOT_STRICT, "README.md": "x\n"},
                               {".github/model-policy.yml": LOOSE})
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    diff = run.summary.split("### Policy diff (base → head)")[1]
    for line in ("defaults.unlisted: deny → allow", "defaults.dynamic: deny → allow",
                 "defaults.unpinnable: deny → allow", "defaults.artifact_formats.allow: adds [pickle]"):
        assert line in diff, line

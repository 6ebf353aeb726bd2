"""The action's `verify` input end to end: `python -m gate.action` against the Hub emulator."""

from __future__ import annotations

from tests.action.gitrepo import Repo, run_action

WEIGHTS = b"weights" * 20


def test_action_input_verify_hub_asks_the_hub_and_fails_closed(hub, tmp_path):
    sha = hub.add_repo("org/m", files={"model.safetensors": WEIGHTS}).head()
    repo = Repo(tmp_path / "ws")
    repo.write("config.yaml", f"model_name_or_path: org/gone\nmodel_revision: {sha}\n")
    repo.commit("init")
    inputs = {"verify": "hub", "hub-endpoint": hub.endpoint, "hf-token": "hf_actionsecret42"}
    env = {"MODEL_GATE_VERIFY_ATTEMPTS": "1", "MODEL_GATE_VERIFY_BACKOFF": "0"}

    run = run_action(repo.path, tmp_path, event_name="push", event={}, inputs=inputs, env=env)
    assert run.returncode == 1, run.stdout + run.stderr
    [error] = run.commands("error")
    assert error.startswith("::error file=config.yaml,line=1,") and "repo-not-found" in error
    assert hub.authorizations and set(hub.authorizations) == {"Bearer hf_actionsecret42"}
    # masked for the runner's log (the one place it must be named), and printed nowhere else
    printed = (run.stdout + run.stderr + run.summary).replace("::add-mask::hf_actionsecret42", "")
    assert "::add-mask::hf_actionsecret42" in run.stdout and "hf_actionsecret42" not in printed

    hub.faults.server_error(500)
    run = run_action(repo.path, tmp_path, event_name="push", event={}, inputs=inputs, env=env)
    assert run.returncode == 3, run.stdout + run.stderr
    [error] = run.commands("error")
    assert "verification-failed" in error and f"could not verify model org/gone@{sha}" in error

    hub.faults.clear()
    hub.reset_requests()
    run = run_action(repo.path, tmp_path, event_name="push", event={}, inputs={"hub-endpoint": hub.endpoint}, env=env)
    assert run.returncode == 0 and hub.requests == 0  # no `verify` input, no policy: nothing is asked


def test_action_input_github_token_checks_torch_hub_refs_through_the_github_api(hub, tmp_path):
    commit = "c" * 40
    hub.add_github_repo("pytorch/vision", commits=[commit], branches={"main": commit})
    repo = Repo(tmp_path / "ws")
    repo.write("load.py", f"import torch\ntorch.hub.load('pytorch/vision:{commit}', 'resnet18')\n"
                          f"torch.hub.load('pytorch/vision:{'d' * 40}', 'resnet50')\n")
    repo.commit("init")
    inputs = {"verify": "hub", "hub-endpoint": hub.endpoint, "github-token": "ghs_actionsecret43"}
    env = {"GITHUB_API_URL": hub.github_api, "MODEL_GATE_VERIFY_ATTEMPTS": "1", "MODEL_GATE_VERIFY_BACKOFF": "0"}

    run = run_action(repo.path, tmp_path, event_name="push", event={}, inputs=inputs, env=env)
    assert run.returncode == 1, run.stdout + run.stderr
    # torch.hub runs the repository's hubconf.py, so both lines also carry trust-remote-code; the Hub side:
    # only the unknown ref is not found, the existing commit verifies.
    [error] = [e for e in run.commands("error") if "trust-remote-code" not in e]
    assert error.startswith("::error file=load.py,line=3,") and "revision-not-found" in error
    assert hub.authorizations and set(hub.authorizations) == {"Bearer ghs_actionsecret43"}
    printed = (run.stdout + run.stderr + run.summary).replace("::add-mask::ghs_actionsecret43", "")
    assert "ghs_actionsecret43" not in printed

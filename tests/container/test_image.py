"""The action's container: built from the Dockerfile with buildah, run the way the GitHub runner runs it.

Marked `container` (excluded from the default run): `python -m pytest -m container tests/container`, as
root, with buildah, podman and debootstrap installed (.ci/run installs them). The first run builds a
stand-in base image with debootstrap (about a minute); later runs reuse it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.container import harness

pytestmark = pytest.mark.container

PINNED = "0123456789abcdef0123456789abcdef01234567"
BASE_POLICY = """\
version: 1
defaults:
  require_pinned: true
  unlisted: deny
models:
  - id: acme/approved-model
"""
APP = f"""\
from transformers import AutoModel

model = AutoModel.from_pretrained("acme/approved-model", revision="{PINNED}")
"""
NEW_UNPINNED_MODEL = """\
from transformers import AutoModel

m = AutoModel.from_pretrained("acme/new-model")
"""


@pytest.fixture(scope="module")
def image() -> str:
    missing = harness.missing_tools()
    if missing:
        pytest.fail(f"the container test needs {', '.join(missing)}: apt-get install -y buildah podman debootstrap")
    harness.build_image()
    return harness.IMAGE


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A checkout whose main branch (the PR's base) has a policy and one pinned, allowed model."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    harness.git(workspace, "init", "-q", "-b", "main")
    base = harness.commit_files(workspace, {".github/model-policy.yml": BASE_POLICY, "app.py": APP}, "base")
    return workspace, base


def pull_request_event(base: str, head: str) -> dict:
    return {
        "number": 7,
        "pull_request": {
            "number": 7,
            "base": {"sha": base, "ref": "main"},
            "head": {"sha": head, "ref": "feature"},
            "user": {"login": "dev", "type": "User"},
        },
    }


def annotations(stdout: str, level: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(f"::{level} ")]


def test_entrypoint_is_the_venv_python_running_the_action(image):
    assert harness.entrypoint(image) == ["/opt/venv/bin/python", "-m", "gate.action"]


def test_cli_runs_in_the_image(image):
    from gate import __version__

    result = harness.run_in_image(["python", "-m", "gate", "--version"], image=image)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"model-gate {__version__}"


def test_image_holds_exactly_the_locked_runtime_dependencies(image):
    """No pip, no test tools: the runtime venv is the lock file plus model-gate itself."""
    listing = harness.run_in_image(
        ["python", "-c", "import importlib.metadata as m; print('\\n'.join(sorted(d.metadata['Name'] for d in "
         "m.distributions())))"], image=image)
    assert listing.returncode == 0, listing.stderr
    installed = {re.sub(r"[-_.]+", "-", name).lower() for name in listing.stdout.split()}
    lock = (harness.REPO_ROOT / "requirements" / "image.lock").read_text(encoding="utf-8")
    locked = {re.sub(r"[-_.]+", "-", name).lower() for name in re.findall(r"^([A-Za-z0-9._-]+)==", lock, re.M)}
    assert installed == locked | {"model-gate"}
    assert harness.run_in_image(["python", "-m", "pip", "--version"], image=image).returncode != 0


def test_model_gate_scan_in_the_image(image, repo):
    workspace, _ = repo
    harness.commit_files(workspace, {"new.py": NEW_UNPINNED_MODEL}, "add")
    result = harness.run_in_image(["model-gate", "scan", "/work", "--format", "json"],
                                  mounts={str(workspace): "/work"}, image=image)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    rules = sorted((f["rule"], f["path"]) for f in report["findings"])
    assert rules == [("not-allowlisted", "new.py"), ("unpinned-revision", "new.py")]


def test_pull_request_adding_an_unpinned_model_fails(image, repo, tmp_path):
    workspace, base = repo
    harness.git(workspace, "checkout", "-q", "-b", "feature")
    head = harness.commit_files(workspace, {"new.py": NEW_UNPINNED_MODEL}, "add model")

    run = harness.run_action(workspace, tmp_path / "runner", event_name="pull_request",
                             event=pull_request_event(base, head),
                             inputs={"sarif-file": "model-gate.sarif", "json-file": "model-gate.json"})

    assert run.exit_code == 1, run.stdout + run.stderr
    assert run.outputs["verdict"] == "fail"
    assert run.outputs["errors"] == "2"
    # Pull-request mode reads the files the pull request changes (issue 15: independent of the repository's size).
    assert run.outputs["references"] == "1"
    assert run.outputs["sarif-file"] == "model-gate.sarif"
    errors = annotations(run.stdout, "error")
    assert sorted(line.split("::")[1] for line in errors) == [
        "error file=new.py,line=3,col=5,title=model-gate%3A not-allowlisted",
        "error file=new.py,line=3,col=5,title=model-gate%3A unpinned-revision",
    ]
    assert annotations(run.stdout, "warning") == []
    assert "### Blocking findings (2)" in run.summary
    assert "| error | `unpinned-revision` | [new.py:3](https://github.com/acme/service/blob/" in run.summary
    assert "| error | `not-allowlisted` | [new.py:3](" in run.summary
    assert f"as of the base commit `{base[:12]}`" in run.summary

    sarif = json.loads((run.files / "model-gate.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == ["not-allowlisted", "unpinned-revision"]
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "new.py"
        assert location["region"]["startLine"] == 3
    report = json.loads((run.files / "model-gate.json").read_text(encoding="utf-8"))
    assert report["summary"]["verdict"] == "fail"
    assert sorted(f["rule"] for f in report["findings"]) == ["not-allowlisted", "unpinned-revision"]


def test_pull_request_that_only_edits_the_policy_passes_and_shows_the_policy_diff(image, repo, tmp_path):
    workspace, base = repo
    harness.git(workspace, "checkout", "-q", "-b", "feature")
    head = harness.commit_files(workspace, {".github/model-policy.yml": BASE_POLICY + "  - id: acme/other-model\n"},
                                "allow another model")

    run = harness.run_action(workspace, tmp_path / "runner", event_name="pull_request",
                             event=pull_request_event(base, head), inputs={"sarif-file": "model-gate.sarif"})

    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.outputs["verdict"] == "pass"
    assert run.outputs["errors"] == "0"
    assert annotations(run.stdout, "error") == []
    assert "### Policy diff (base → head)" in run.summary
    assert "newly allows model 'acme/other-model'" in run.summary
    sarif = json.loads((run.files / "model-gate.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"] == []


def test_pull_request_cannot_allow_its_own_model_by_editing_the_policy(image, repo, tmp_path):
    workspace, base = repo
    harness.git(workspace, "checkout", "-q", "-b", "feature")
    head = harness.commit_files(workspace, {
        ".github/model-policy.yml": BASE_POLICY + "  - id: acme/new-model\n",
        "new.py": f'from transformers import AutoModel\n\nm = AutoModel.from_pretrained("acme/new-model", '
                  f'revision="{PINNED}")\n',
    }, "add model and allow it")
    event = pull_request_event(base, head)

    judged_by_base = harness.run_action(workspace, tmp_path / "runner-base", event_name="pull_request", event=event,
                                        inputs={})
    assert judged_by_base.exit_code == 1, judged_by_base.stdout + judged_by_base.stderr
    assert judged_by_base.outputs["verdict"] == "fail"
    errors = annotations(judged_by_base.stdout, "error")
    assert len(errors) == 1 and "not-allowlisted" in errors[0] and "file=new.py" in errors[0], errors

    judged_by_head = harness.run_action(workspace, tmp_path / "runner-head", event_name="pull_request", event=event,
                                        inputs={"policy-source": "head"})
    assert judged_by_head.exit_code == 0, judged_by_head.stdout + judged_by_head.stderr
    assert judged_by_head.outputs["verdict"] == "pass"


def test_shallow_checkout_stops_with_a_message_about_fetch_depth(image, repo, tmp_path):
    origin, base = repo
    harness.git(origin, "checkout", "-q", "-b", "feature")
    head = harness.commit_files(origin, {"notes.txt": "unrelated\n"}, "edit")
    shallow = tmp_path / "shallow"
    harness.git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin}", str(shallow))

    run = harness.run_action(shallow, tmp_path / "runner", event_name="pull_request",
                             event=pull_request_event(base, head), inputs={"sarif-file": "model-gate.sarif"})

    assert run.exit_code == 2, run.stdout + run.stderr
    assert run.outputs == {"verdict": "error"}
    errors = annotations(run.stdout, "error")
    assert len(errors) == 1 and errors[0].startswith("::error title=model-gate could not run::"), errors
    assert "fetch-depth: 0" in errors[0]
    assert "## model-gate: ⚠️ ERROR" in run.summary and "fetch-depth: 0" in run.summary
    assert not (shallow / "model-gate.sarif").exists()

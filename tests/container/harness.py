"""Build the action's image and run it the way the GitHub runner runs a container action.

The runner mounts the checkout at /github/workspace (also the working directory), the event payload under
/github/workflow and the step's output and summary files under /github/file_commands, passes inputs as
`INPUT_<NAME>` variables (hyphens kept) and starts the image's ENTRYPOINT as root. `buildah run` ignores
the ENTRYPOINT, so `run_action` reads it from the image and runs exactly that command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = REPO_ROOT / "tests" / "container" / "build.sh"
IMAGE = os.environ.get("MODEL_GATE_TEST_IMAGE", "localhost/model-gate:test")
TOOLS = ("buildah", "podman", "debootstrap")
RUNNER_UID = 1001
"""The GitHub runner's user owns the checkout; the container runs as root over it."""


def missing_tools() -> list[str]:
    needed = TOOLS if os.environ.get("MODEL_GATE_REAL_BASE") != "1" else ("buildah",)
    return [tool for tool in needed if shutil.which(tool) is None]


def build_image(image: str = IMAGE) -> None:
    result = subprocess.run(["bash", str(BUILD_SCRIPT), image], capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise AssertionError(f"{BUILD_SCRIPT} failed ({result.returncode}):\n{result.stderr[-6000:]}")


def entrypoint(image: str = IMAGE) -> list[str]:
    out = subprocess.run(["buildah", "inspect", "--type", "image", image], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)["OCIv1"]["config"]["Entrypoint"]


def run_in_image(command: list[str], *, mounts: dict[str, str] | None = None, env: dict[str, str] | None = None,
                 workdir: str | None = None, image: str = IMAGE, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run `command` in a fresh working container of `image`; the container is removed afterwards."""
    container = subprocess.run(["buildah", "from", "--pull-never", "--name", f"model-gate-test-{uuid.uuid4().hex[:12]}",
                                image], capture_output=True, text=True, check=True).stdout.strip()
    try:
        argv = ["buildah", "run", "--isolation", "chroot"]
        for host, inside in (mounts or {}).items():
            argv += ["-v", f"{host}:{inside}"]
        for name, value in (env or {}).items():
            argv += ["--env", f"{name}={value}"]
        if workdir:
            argv += ["--workingdir", workdir]
        argv += [container, "--", *command]
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    finally:
        subprocess.run(["buildah", "rm", container], capture_output=True, text=True)


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com", "GIT_CONFIG_GLOBAL": "/dev/null"}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env).stdout


def commit_files(repo: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@dataclass
class ActionRun:
    exit_code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    files: Path
    """The workspace after the run (SARIF and JSON reports land there)."""


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT lines: `name=value` or `name<<DELIMITER` … `DELIMITER`."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        i += 1
    return outputs


def run_action(workspace: Path, runner_dir: Path, *, event_name: str, event: dict, inputs: dict[str, str],
               image: str = IMAGE) -> ActionRun:
    """Run the image's ENTRYPOINT over `workspace` with a simulated GitHub runner environment."""
    (runner_dir / "workflow").mkdir(parents=True, exist_ok=True)
    (runner_dir / "file_commands").mkdir(parents=True, exist_ok=True)
    (runner_dir / "home").mkdir(parents=True, exist_ok=True)
    (runner_dir / "workflow" / "event.json").write_text(json.dumps(event), encoding="utf-8")
    output_file = runner_dir / "file_commands" / "set_output"
    summary_file = runner_dir / "file_commands" / "step_summary"
    output_file.write_text("", encoding="utf-8")
    summary_file.write_text("", encoding="utf-8")
    subprocess.run(["chown", "-R", f"{RUNNER_UID}:{RUNNER_UID}", str(workspace), str(runner_dir)], check=True)
    env = {
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": "/github/workspace",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": "/github/workflow/event.json",
        "GITHUB_OUTPUT": "/github/file_commands/set_output",
        "GITHUB_STEP_SUMMARY": "/github/file_commands/step_summary",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/service",
        "HOME": "/github/home",
        **{f"INPUT_{name.upper()}": value for name, value in inputs.items()},
    }
    mounts = {str(workspace): "/github/workspace", str(runner_dir / "workflow"): "/github/workflow",
              str(runner_dir / "file_commands"): "/github/file_commands", str(runner_dir / "home"): "/github/home"}
    result = run_in_image(entrypoint(image), mounts=mounts, env=env, workdir="/github/workspace", image=image)
    return ActionRun(
        exit_code=result.returncode,
        stdout=result.stdout,
        stderr=result.stderr,
        outputs=parse_outputs(output_file.read_text(encoding="utf-8")),
        summary=summary_file.read_text(encoding="utf-8"),
        files=workspace,
    )

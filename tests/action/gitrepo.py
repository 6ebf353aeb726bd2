"""Real git repositories and a simulated GitHub runner for the action's end-to-end tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.report.samples import parse_outputs

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SERVER = "https://github.example"
REPOSITORY = "acme/app"


def git(cwd: Path, *args: str, env: dict | None = None) -> str:
    base = {"PATH": os.environ["PATH"], "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
            "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com"}
    proc = subprocess.run(["git", *args], cwd=cwd, env={**base, **(env or {})}, capture_output=True, text=True,
                          check=True)
    return proc.stdout.strip()


class Repo:
    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "-q", "-b", "main")

    def write(self, rel: str, text: str) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def move(self, src: str, dst: str) -> None:
        (self.path / dst).parent.mkdir(parents=True, exist_ok=True)
        git(self.path, "mv", "--", src, dst)

    def remove(self, rel: str) -> None:
        git(self.path, "rm", "-q", "--", rel)

    def commit(self, message: str, *, author: tuple[str, str] | None = None) -> str:
        git(self.path, "add", "-A")
        env = {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1]} if author else None
        git(self.path, "commit", "-q", "--allow-empty", "-m", message, env=env)
        return git(self.path, "rev-parse", "HEAD")

    def branch(self, name: str) -> None:
        git(self.path, "checkout", "-q", "-b", name)


@dataclass
class ActionRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict
    summary: str

    def commands(self, level: str) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.startswith(f"::{level} ")]


def pull_request_event(base: str, head: str, author: str = "alice") -> dict:
    return {"pull_request": {"number": 7, "user": {"login": author}, "base": {"sha": base, "ref": "main"},
                             "head": {"sha": head, "ref": "feature"}}}


def run_action(workspace: Path, tmp: Path, *, event_name: str, event: dict, inputs: dict | None = None,
               env: dict | None = None) -> ActionRun:
    """`python -m gate.action` as the runner starts a container action: INPUT_* and GITHUB_* only."""
    runner = tmp / "runner"
    runner.mkdir(exist_ok=True)
    event_file, summary, output = runner / "event.json", runner / "summary.md", runner / "output.txt"
    event_file.write_text(json.dumps(event))
    summary.write_text("")
    output.write_text("")
    home = runner / "home"
    home.mkdir(exist_ok=True)
    full_env = {
        "PATH": os.environ["PATH"], "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
        "PYTHONPATH": str(PROJECT_ROOT),
        "GITHUB_WORKSPACE": str(workspace), "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_file),
        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
        "GITHUB_SERVER_URL": SERVER, "GITHUB_REPOSITORY": REPOSITORY, "GITHUB_ACTIONS": "true",
    }
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):  # the https Hub emulator's throwaway certificate
        if name in os.environ:
            full_env[name] = os.environ[name]
    for name, value in (inputs or {}).items():
        full_env[f"INPUT_{name.upper()}"] = value  # GitHub keeps hyphens: INPUT_FAIL-ON
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "gate.action"], cwd=str(workspace), env=full_env,
                          capture_output=True, text=True, timeout=120)
    return ActionRun(proc.returncode, proc.stdout, proc.stderr, parse_outputs(output.read_text()),
                     summary.read_text())

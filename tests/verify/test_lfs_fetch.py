"""Issue 14 §1: Git LFS content under `--verify`, fetched only when asked (`--fetch-lfs`, `defaults.fetch_lfs`,
the action's `fetch-lfs`), from the checkout's own LFS server (tests/lfsemu: the batch API over https), checked
against the pointer's oid and size, then scanned exactly like a committed file. Without the opt-in nothing is
asked and a pointer is judged by the format its name claims."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import subprocess
from pathlib import Path

import pytest

from gate.verify.lfs import lfs_server
from tests.lfsemu import LfsEmulator
from tests.verify import model_samples as ms

TOKEN = "ghs_lfssecret77"
EVIL = ms.evil(2)                       # os.system("id")
DISGUISED = ms.evil(4, "curl x | sh")   # a pickle committed under a safetensors name
CLEAN = ms.safetensors_bytes()
FAST = {"MODEL_GATE_VERIFY_ATTEMPTS": "2", "MODEL_GATE_VERIFY_BACKOFF": "0"}


def checkout(tmp_path: Path, lfs: LfsEmulator, *, token: str | None = TOKEN, remote: bool = True,
             files: dict[str, bytes] | None = None, policy: str | None = None):
    """A git checkout holding LFS pointers (the objects pushed to `lfs`), as actions/checkout leaves it."""
    repo = lfs.add_repo("org/models", token=token)
    root = tmp_path / "checkout"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    if remote:
        subprocess.run(["git", "-C", str(root), "config", "remote.origin.url", lfs.remote_url("org/models")],
                       check=True)
    for name, data in (files or {"models/evil.bin": EVIL, "models/clean.safetensors": CLEAN,
                                 "models/disguised.safetensors": DISGUISED}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(repo.push(data))
    if policy is not None:
        (root / ".model-policy.yml").write_text(policy)
    return root, repo


def scan(root: Path, *args: str) -> tuple[int, dict]:
    from gate.cli import main

    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["scan", str(root), "--format", "json", "--no-cache", "--jobs", "1", *args])
    return code, json.loads(stdout.getvalue())


def findings(report: dict) -> list[tuple[str, str, str]]:
    return [(f["rule"], f["severity"], f["path"]) for f in report["findings"]]


def formats(report: dict) -> list[tuple[str, str]]:
    return [(r["path"], r["format"]) for r in report["references"]]


POINTERS = [("models/clean.safetensors", "git-lfs-pointer"), ("models/disguised.safetensors", "git-lfs-pointer"),
            ("models/evil.bin", "git-lfs-pointer")]


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MODEL_GATE_LFS_TOKEN", TOKEN)


def test_without_the_opt_in_nothing_is_fetched_and_pointers_are_judged_by_their_names(lfs, tmp_path):
    root, _ = checkout(tmp_path, lfs)
    code, report = scan(root, "--verify", "hub")
    assert code == 1
    assert formats(report) == POINTERS
    # by name: the `.bin` is a pickle and the built-in policy denies it; the disguised pickle passes by its name
    assert findings(report) == [("unsafe-artifact-format", "error", "models/evil.bin")]
    assert "a Git LFS pointer (content not in the checkout) to a 'pickle' file by its suffix" in \
        report["findings"][0]["message"]
    assert lfs.requests == []

    code, report = scan(root, "--fetch-lfs")  # asked for, but the run does not verify: still no network
    assert code == 1 and findings(report) == [("unsafe-artifact-format", "error", "models/evil.bin")]
    assert lfs.requests == []
    assert [w["message"] for w in report["warnings"] if w["message"].startswith("fetch-lfs")] == [
        "fetch-lfs is on but the run does not verify: the Git LFS content of 3 pointer(s) was not fetched (add "
        "--verify hub or full); they are judged by the format their names claim"]


def test_fetched_content_is_scanned_exactly_like_a_committed_file(lfs, tmp_path):
    root, _ = checkout(tmp_path, lfs)
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 1
    assert formats(report) == [("models/clean.safetensors", "safetensors"), ("models/disguised.safetensors", "pickle"),
                               ("models/evil.bin", "pickle")]
    assert findings(report) == [
        ("unsafe-artifact-format", "error", "models/disguised.safetensors"),
        ("unsafe-artifact-format", "error", "models/evil.bin"),
        ("malicious-pickle", "error", "models/disguised.safetensors"),
        ("malicious-pickle", "error", "models/evil.bin"),
    ]
    by_path = {(f["rule"], f["path"]): f["message"] for f in report["findings"]}
    assert by_path[("unsafe-artifact-format", "models/disguised.safetensors")].startswith(
        "committed file models/disguised.safetensors is in format 'pickle'")
    assert "`from posix import system`" in by_path[("malicious-pickle", "models/evil.bin")]
    # the content's sha256 is the pointer's oid, as without fetching
    assert {r["path"]: r["sha256"] for r in report["references"]}["models/evil.bin"] == \
        hashlib.sha256(EVIL).hexdigest()
    assert report["warnings"] == []  # the "content cannot be checked" pointer warnings are gone: it was checked

    [batch, *downloads] = lfs.requests
    assert (batch.method, batch.path) == ("POST", "/org/models.git/info/lfs/objects/batch")
    assert batch.headers["accept"] == "application/vnd.git-lfs+json"
    assert batch.headers["authorization"] == "Basic " + base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert sorted(d.path for d in downloads) == sorted(
        f"/storage/{hashlib.sha256(data).hexdigest()}" for data in (EVIL, CLEAN, DISGUISED))
    # the storage host gets only the header the batch answer named, never the repository token
    assert all(d.headers["authorization"].startswith("RemoteAuth ") for d in downloads)


def test_a_benign_fetched_file_gives_no_finding(lfs, tmp_path):
    root, _ = checkout(tmp_path, lfs, files={"weights/model.safetensors": CLEAN, "weights/model.bin": CLEAN})
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    # `.bin` by name would be a pickle (denied); its bytes are safetensors, so the content clears it
    assert (code, findings(report)) == (0, [])
    assert formats(report) == [("weights/model.bin", "safetensors"), ("weights/model.safetensors", "safetensors")]


def test_the_policy_turns_fetching_on_and_the_cli_overrides_it(lfs, tmp_path):
    root, _ = checkout(tmp_path, lfs, policy="version: 1\ndefaults:\n  fetch_lfs: true\n")
    code, report = scan(root, "--verify", "hub")
    assert code == 1 and ("malicious-pickle", "error", "models/evil.bin") in findings(report)
    assert len(lfs.requests) == 4

    lfs.requests.clear()
    code, report = scan(root, "--verify", "hub", "--no-fetch-lfs")
    assert findings(report) == [("unsafe-artifact-format", "error", "models/evil.bin")] and lfs.requests == []


def test_content_that_is_not_the_pointers_is_an_error_whatever_verify_failure_says(lfs, tmp_path):
    root, repo = checkout(tmp_path, lfs, files={"models/model.safetensors": CLEAN})
    oid = hashlib.sha256(CLEAN).hexdigest()
    repo.served_instead[oid] = EVIL[: len(CLEAN)].ljust(len(CLEAN), b"\0")  # same size, other bytes
    code, report = scan(root, "--verify", "hub", "--fetch-lfs", "--verify-failure", "warn")
    assert code == 3
    assert findings(report) == [("verification-failed", "error", "models/model.safetensors")]
    message = report["findings"][0]["message"]
    assert message.startswith(f"Could not fetch the Git LFS content of models/model.safetensors (oid sha256:{oid[:12]}…, "
                              f"{len(CLEAN)} bytes) from {lfs.base_url}/org/models.git/info/lfs: the content's sha256 is ")
    assert message.endswith(f", the pointer's oid is {oid}")
    assert formats(report) == [("models/model.safetensors", "git-lfs-pointer")]  # still judged by its name

    repo.served_instead[oid] = CLEAN + b"more"
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 3 and report["findings"][0]["message"].endswith(
        f"the server sent more than the pointer's {len(CLEAN)} bytes")


def test_an_object_never_pushed_fails_closed(lfs, tmp_path):
    root, repo = checkout(tmp_path, lfs)
    repo.objects.pop(hashlib.sha256(EVIL).hexdigest())
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 3
    assert findings(report) == [
        ("unsafe-artifact-format", "error", "models/disguised.safetensors"),
        ("unsafe-artifact-format", "error", "models/evil.bin"),  # by its name: the pointer was not replaced
        ("verification-failed", "error", "models/evil.bin"),
        ("malicious-pickle", "error", "models/disguised.safetensors"),
    ]
    failed = report["findings"][2]
    assert failed["message"].endswith(": the LFS server says 404: Object does not exist")
    assert "git lfs push --all origin" in failed["remediation"]

    code, report = scan(root, "--verify", "hub", "--fetch-lfs", "--verify-failure", "warn")
    assert code == 1 and ("verification-failed", "warning", "models/evil.bin") in findings(report)


def test_a_refused_batch_request_says_what_to_give(lfs, tmp_path, monkeypatch):
    root, _ = checkout(tmp_path, lfs, files={"m.safetensors": CLEAN})
    monkeypatch.delenv("MODEL_GATE_LFS_TOKEN")
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 3 and findings(report) == [("verification-failed", "error", "m.safetensors")]
    assert report["findings"][0]["message"].endswith(
        "the LFS batch request: HTTP 401 Unauthorized (Credentials needed); no token was given "
        "(MODEL_GATE_LFS_TOKEN, or the action's `github-token` input)")
    assert "authorization" not in lfs.requests[0].headers

    monkeypatch.setenv("MODEL_GATE_LFS_TOKEN", "wrong")
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 3 and report["findings"][0]["message"].endswith(
        "(Credentials needed); check that the token may read the repository")
    assert "wrong" not in json.dumps(report)


def test_a_passing_server_error_is_retried(lfs, tmp_path):
    root, _ = checkout(tmp_path, lfs, files={"m.bin": EVIL})
    lfs.batch_statuses = [503]
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 1 and findings(report) == [("unsafe-artifact-format", "error", "m.bin"),
                                              ("malicious-pickle", "error", "m.bin")]
    assert [r.method for r in lfs.requests] == ["POST", "POST", "GET"]


def test_without_a_remote_nothing_is_asked_and_the_scan_fails_closed(lfs, tmp_path):
    root, _ = checkout(tmp_path, lfs, remote=False, files={"m.safetensors": CLEAN})
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 3 and findings(report) == [("verification-failed", "error", "m.safetensors")]
    assert report["findings"][0]["message"].endswith(
        "the checkout has no remote.origin.url to find the repository's LFS server by")
    assert lfs.requests == []


def test_a_committed_lfsconfig_is_never_followed(lfs, tmp_path):
    with LfsEmulator() as elsewhere:
        hostile = elsewhere.add_repo("evil/sink")
        root, _ = checkout(tmp_path, lfs, files={"m.bin": EVIL})
        hostile.push(EVIL)
        (root / ".lfsconfig").write_text(f"[lfs]\n\turl = {elsewhere.remote_url('evil/sink')}.git/info/lfs\n")
        code, report = scan(root, "--verify", "hub", "--fetch-lfs")
        assert code == 1 and elsewhere.requests == [] and len(lfs.requests) == 2


@pytest.mark.parametrize(("remote", "server"), [
    ("https://github.com/org/models", "https://github.com/org/models.git/info/lfs"),
    ("https://github.com/org/models.git", "https://github.com/org/models.git/info/lfs"),
    ("https://user:secret@git.example.com/org/models.git/", "https://git.example.com/org/models.git/info/lfs"),
    ("git@github.com:org/models.git", "https://github.com/org/models.git/info/lfs"),
    ("ssh://git@git.example.com:2222/org/models", "https://git.example.com/org/models.git/info/lfs"),
    ("http://127.0.0.1:8080/org/models", "http://127.0.0.1:8080/org/models.git/info/lfs"),
    ("file:///srv/git/models.git", None),
    ("/srv/git/models.git", None),
])
def test_the_lfs_server_is_derived_from_the_remote_as_git_lfs_does(remote, server):
    assert lfs_server(remote) == server


def test_the_token_never_goes_over_plain_http_to_another_host():
    from gate.verify.lfs import _may_send_token

    assert _may_send_token("https://git.example.com/o/r.git/info/lfs")
    assert _may_send_token("http://127.0.0.1:9/o/r.git/info/lfs")
    assert not _may_send_token("http://git.example.com/o/r.git/info/lfs")


def test_action_input_fetch_lfs_uses_the_github_token(lfs, tmp_path):
    from tests.action.gitrepo import Repo, git, run_action

    repo = lfs.add_repo("org/models", token="ghs_actionlfs88")
    ws = Repo(tmp_path / "ws")
    ws.write("models/evil.bin", repo.push(EVIL).decode())
    ws.commit("init")
    git(ws.path, "config", "remote.origin.url", lfs.remote_url("org/models"))
    inputs = {"verify": "hub", "github-token": "ghs_actionlfs88"}

    run = run_action(ws.path, tmp_path, event_name="push", event={}, inputs=inputs, env=FAST)
    assert run.returncode == 1 and lfs.requests == []  # no `fetch-lfs` input, no policy: nothing is asked
    [error] = run.commands("error")
    assert "unsafe-artifact-format" in error and "by its suffix" in error

    run = run_action(ws.path, tmp_path, event_name="push", event={}, inputs={**inputs, "fetch-lfs": "true"}, env=FAST)
    assert run.returncode == 1, run.stdout + run.stderr
    errors = run.commands("error")
    assert len(errors) == 2 and any("malicious-pickle" in e for e in errors)
    assert lfs.requests[0].headers["authorization"] == \
        "Basic " + base64.b64encode(b"x-access-token:ghs_actionlfs88").decode()
    printed = (run.stdout + run.stderr + run.summary).replace("::add-mask::ghs_actionlfs88", "")
    assert "ghs_actionlfs88" not in printed


def test_action_input_fetch_lfs_is_true_false_or_unset():
    from gate.action.inputs import read_inputs
    from gate.errors import UsageError

    assert read_inputs({}).fetch_lfs is None
    assert read_inputs({"INPUT_FETCH-LFS": "true"}).fetch_lfs is True
    assert read_inputs({"INPUT_FETCH_LFS": "false"}).fetch_lfs is False
    with pytest.raises(UsageError, match="input `fetch-lfs` must be true or false"):
        read_inputs({"INPUT_FETCH-LFS": "yes"})


def test_policy_diff_says_turning_fetch_lfs_on_tightens_and_off_loosens():
    from gate.policy.diff import diff_policies

    def changes(old: str, new: str):
        return [(c.effect, c.summary) for c in diff_policies(old, new).changes]

    off, on = "version: 1\ndefaults:\n  fetch_lfs: false\n", "version: 1\ndefaults:\n  fetch_lfs: true\n"
    assert changes(off, on) == [("tightens", "defaults.fetch_lfs: false → true (tightens the policy)")]
    assert changes(on, "version: 1\n") == [("loosens", "defaults.fetch_lfs: true → false (loosens the policy)")]


def _waiver(path: str, rule: str = "verification-failed") -> str:
    import datetime as dt

    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    return f"  - {{rule: {rule}, paths: [{path}], reason: mirrored later, expires: {expires}}}\n"


def test_an_lfs_failure_obeys_the_policys_severity_overrides_and_waivers(lfs, tmp_path):
    """An object the server does not have is a verification failure like any other: `defaults.severity` and the
    waivers apply to it."""
    overridden = "version: 1\ndefaults:\n  severity: {verification-failed: note}\n"
    root, repo = checkout(tmp_path, lfs, files={"models/model.safetensors": CLEAN}, policy=overridden)
    repo.objects.pop(hashlib.sha256(CLEAN).hexdigest())
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 0 and findings(report) == [("verification-failed", "note", "models/model.safetensors")]

    (root / ".model-policy.yml").write_text("version: 1\nexceptions:\n" + _waiver("models/model.safetensors"))
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 0 and [(f["rule"], f["severity"], f["waived_by"]) for f in report["findings"]] == [
        ("verification-failed", "error", 0)]


def test_other_bytes_than_the_pointers_stay_an_error_only_a_waiver_naming_the_file_waives(lfs, tmp_path):
    """Served bytes nobody committed: no severity override or blanket waiver silences it; a waiver listing the file
    does (a decision about that one file)."""
    blanket = ("version: 1\ndefaults:\n  severity: {verification-failed: off}\nexceptions:\n"
               + _waiver("'**'") + _waiver("models/other.safetensors"))
    root, repo = checkout(tmp_path, lfs, files={"models/model.safetensors": CLEAN}, policy=blanket)
    repo.served_instead[hashlib.sha256(CLEAN).hexdigest()] = CLEAN[::-1]
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 3 and [(f["rule"], f["severity"], f["waived_by"]) for f in report["findings"]] == [
        ("verification-failed", "error", None)]

    (root / ".model-policy.yml").write_text(blanket + _waiver("models/model.safetensors"))
    code, report = scan(root, "--verify", "hub", "--fetch-lfs")
    assert code == 0 and [(f["rule"], f["severity"], f["waived_by"]) for f in report["findings"]] == [
        ("verification-failed", "error", 2)]

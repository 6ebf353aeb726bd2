"""Issue 16 §1: `model-gate init` adopts the gate in one command — the whole journey, against the Hub emulator.

init → review what it wrote → the workflow passes actionlint and zizmor → a second scan passes → a pull request
that adds an unpinned model fails.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gate.cli import main
from tests.action.gitrepo import Repo, pull_request_event, run_action

ACTION = "acme/model-gate@" + "a" * 40
PINNED = "0123456789abcdef0123456789abcdef01234567"


def _project(root: Path, pinned_elsewhere: str) -> None:
    (root / "train.py").write_text(
        "from datasets import load_dataset\n"
        "from transformers import AutoModelForCausalLM, AutoTokenizer\n\n"
        'BASE = "acme/base-7b"\n'
        "model = AutoModelForCausalLM.from_pretrained(BASE)\n"
        "tokenizer = AutoTokenizer.from_pretrained(BASE)\n"
        'data = load_dataset("acme/instructions", split="train")\n')
    (root / "configs").mkdir()
    (root / "configs" / "eval.yaml").write_text(
        f"model_name_or_path: acme/base-7b\nmodel_revision: {pinned_elsewhere}\n")
    (root / "serve.sh").write_text("#!/bin/sh\nhf download acme/embedder --local-dir /models/embedder\n")


@pytest.fixture
def journey(hub, tmp_path):
    base = hub.add_repo("acme/base-7b", files={"config.json": "{}"})
    old_commit = base.head()
    base.commit({"config.json": '{"v": 2}'}, message="newer head")  # the branch moved on since the pin
    hub.add_repo("acme/instructions", kind="dataset", files={"train.jsonl": "{}"})
    hub.add_repo("acme/embedder", files={"config.json": "{}"})
    root = tmp_path / "ws"
    root.mkdir()
    _project(root, old_commit)
    return hub, root, old_commit


def _init(capsys, root: Path, hub, *extra: str) -> tuple[int, str]:
    code = main(["init", str(root), "--hub-endpoint", hub.endpoint, "--action-ref", ACTION, "--owner", "@acme/ml",
                 "--today", "2026-12-07", *extra])
    return code, capsys.readouterr().out


def test_init_adopts_the_gate_and_a_second_scan_passes(journey, capsys):
    hub, root, old_commit = journey
    code, out = _init(capsys, root, hub)
    assert code == 0, out
    assert "pinned 4 reference(s) in 2 file(s)" in out
    assert "wrote .github/model-policy.yml" in out and "wrote .github/workflows/model-gate.yml" in out
    assert "added to .github/CODEOWNERS: /.github/model-policy.yml @acme/ml" in out
    # Pinned to the commit the repository already allows for that id, not to the branch's newer head.
    assert f'revision="{old_commit}"' in (root / "train.py").read_text()
    policy = yaml.safe_load((root / ".github/model-policy.yml").read_text())
    assert policy["defaults"]["unlisted"] == "deny"
    assert [(e["id"], e["revisions"]) for e in policy["models"]] == [
        ("acme/base-7b", [old_commit]), ("acme/embedder", [hub.repo("acme/embedder", "model").head()])]
    assert policy["models"][0]["reason"].startswith("adopted 2026-12-07 by model-gate init; used at ")
    assert [e["id"] for e in policy["datasets"]] == ["acme/instructions"]
    assert "not pinned" not in (root / ".github/model-policy.yml").read_text()
    assert (root / ".github/CODEOWNERS").read_text() == "/.github/model-policy.yml @acme/ml\n"
    assert main(["scan", str(root)]) == 0
    # Running it again changes nothing and overwrites nothing.
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, out = _init(capsys, root, hub)
    assert code == 0 and "kept the existing .github/model-policy.yml" in out
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_the_written_workflow_passes_actionlint_and_zizmor(journey, capsys):
    hub, root, _ = journey
    _init(capsys, root, hub)
    workflow = root / ".github/workflows/model-gate.yml"
    text = workflow.read_text()
    for line in text.splitlines():
        if "uses:" in line:  # every action by full commit sha, with the release beside it
            ref = line.split("uses:")[1].split("#")[0].strip()
            assert len(ref.rsplit("@", 1)[1]) == 40, line
    assert "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1" in text
    assert "codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e # v4.36.2" in text
    bin_dir = Path(sys.executable).parent
    actionlint = shutil.which("actionlint", path=str(bin_dir)) or shutil.which("actionlint")
    zizmor = shutil.which("zizmor", path=str(bin_dir)) or shutil.which("zizmor")
    assert actionlint and zizmor, "the test extra installs actionlint and zizmor"
    lint = subprocess.run([actionlint, str(workflow)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    audit = subprocess.run([zizmor, "--offline", "--persona", "auditor", str(workflow)], capture_output=True,
                           text=True)
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_offline_init_says_so_once_and_fast_and_still_writes_the_rest(tmp_path, capsys):
    root = tmp_path / "ws"
    root.mkdir()
    _project(root, PINNED)
    code = main(["init", str(root), "--hub-endpoint", "http://127.0.0.1:9", "--today", "2026-12-07"])
    out = capsys.readouterr().out
    assert code == 3
    offline = [line for line in out.splitlines() if "cannot connect to http://127.0.0.1:9" in line]
    assert offline == ["  - 2 reference(s) not pinned: cannot connect to http://127.0.0.1:9 ([Errno 111] Connection "
                       "refused; one attempt: check the network, HF_ENDPOINT or --hub-endpoint). When online, run "
                       "`model-gate pin --write --update-policy`"]
    # What needs no Hub still happens: the id pinned elsewhere, the policy, the workflow, the review list.
    assert f'revision="{PINNED}"' in (root / "train.py").read_text()
    assert (root / ".github/model-policy.yml").is_file() and (root / ".github/workflows/model-gate.yml").is_file()
    assert "placeholder commit" in out and "name who approves policy changes" in out


def test_what_no_allowlist_entry_can_clear_is_listed_with_the_waiver_that_would(journey, capsys):
    hub, root, _ = journey
    (root / "remote.py").write_text("import os\nfrom transformers import AutoModel\n"
                                    'AutoModel.from_pretrained("acme/embedder", revision="' + PINNED + '",\n'
                                    '                          trust_remote_code=os.environ.get("TRUST") == "1")\n')
    code, out = _init(capsys, root, hub)
    assert code == 1
    assert "remote.py:3: error [trust-remote-code]" in out
    assert "an allowlist entry cannot match this; if it is acceptable, waive it in .github/model-policy.yml:" in out
    assert ('exceptions: [{rule: trust-remote-code, paths: ["remote.py"], reason: "reviewed at adoption", '
            'expires: 2027-03-07, owner: "@you"}]') in out


def test_after_init_a_pull_request_adding_an_unpinned_model_fails(journey, capsys, tmp_path):
    hub, root, _ = journey
    repo = Repo(root)
    _init(capsys, root, hub)
    base = repo.commit("adopt model-gate")
    repo.branch("feature")
    repo.write("new.py", 'from transformers import AutoModel\nAutoModel.from_pretrained("acme/base-7b")\n')
    head = repo.commit("add a loader")
    run = run_action(root, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    [error] = run.commands("error")
    assert error.startswith("::error file=new.py,line=2,") and "unpinned-revision" in error
    assert "(the revision the policy allows)" in error

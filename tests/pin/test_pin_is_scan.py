"""`model-gate pin` is the scan with Hub evidence plus the findings' fixes (issue 13 §1): what it rewrites is
exactly the set of findings that carry a `Fix`, and what it leaves is said in the scan's words."""

from __future__ import annotations

import datetime as _dt
import textwrap

import pytest

from gate.cli import main
from gate.pin.command import run_pin
from gate.pipeline import ScanOptions, run_scan
from gate.verify.interface import VerifyConfig

TODAY = _dt.date(2026, 11, 29)
PINNED = "0123456789abcdef0123456789abcdef01234567"
APP = textwrap.dedent(f"""\
    import os

    import mlflow
    from huggingface_hub import HfApi
    from mlflow import MlflowClient
    from transformers import AutoModel

    a = AutoModel.from_pretrained("org/m")
    b = AutoModel.from_pretrained("org/m", revision="{PINNED}")
    c = AutoModel.from_pretrained(os.environ["MODEL_ID"])
    d = AutoModel.from_pretrained("org/waived", revision="v1")
    HfApi().upload_folder(repo_id="org/published", folder_path="out")
    e = mlflow.pyfunc.load_model("models:/churn@champion")
    f = MlflowClient().get_model_version_by_alias("churn", "champion")
    """)
CONFIG = "model_name_or_path: org/m\ndataset_name: org/d\n"
RUN_SH = "#!/bin/sh\nwget https://huggingface.co/org/m/resolve/main/config.json\n"
POLICY = textwrap.dedent("""\
    version: 1
    defaults: {unlisted: allow}
    exceptions:
      - rule: unpinned-revision
        id: org/waived
        reason: "a nightly build on purpose"
        expires: 2027-01-31
    """)


@pytest.fixture
def project(hub, tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    model = hub.add_repo("org/m", files={"config.json": "{}"})
    model.commit({"config.json": '{"v": 2}'}, message="main moves on")
    hub.add_repo("org/d", kind="dataset", files={"train.jsonl": "{}"})
    waived = hub.add_repo("org/waived", files={"config.json": "{}"})
    waived.tag("v1", waived.head())
    root = tmp_path / "repo"
    (root / ".github").mkdir(parents=True)
    (root / ".github" / "model-policy.yml").write_text(POLICY)
    (root / "app.py").write_text(APP)
    (root / "config.yaml").write_text(CONFIG)
    (root / "run.sh").write_text(RUN_SH)
    return hub, root


def _config(hub, tmp_path) -> VerifyConfig:
    return VerifyConfig(hub_endpoint=hub.endpoint, cache_dir=str(tmp_path / "cache"))


def test_pin_rewrites_exactly_the_references_whose_findings_carry_a_fix(project, tmp_path):
    hub, root = project
    report = run_scan(ScanOptions(root=str(root), verify="hub", today=TODAY, verify_config=_config(hub, tmp_path)))
    fixes = {(f.path, f.line, f.subject.id): f.fix.revision for f in report.findings
             if f.fix is not None and f.waived_by is None}
    main_sha, data_sha = hub.repo("org/m").head(), hub.repo("org/d", kind="dataset").head()
    assert fixes == {("app.py", 8, "org/m"): main_sha, ("config.yaml", 1, "org/m"): main_sha,
                     ("config.yaml", 2, "org/d"): data_sha, ("run.sh", 2, "org/m"): main_sha}
    # The waived reference has its fix too, and its waiver: the policy accepts it unpinned.
    [waived] = [f for f in report.findings if f.rule == "unpinned-revision" and f.subject.id == "org/waived"]
    assert waived.fix is not None and waived.waived_by == 0

    run = run_pin(root, config=_config(hub, tmp_path), today=TODAY)
    assert {(p.reference.path, p.reference.line, p.reference.id): p.sha for p in run.pinned} == fixes
    left = {(s.reference.path, s.reference.line): (s.reason, s.resolution_failed) for s in run.skipped}
    assert left == {
        ("app.py", 10): ("the id or revision is computed at run time (os.environ['MODEL_ID']); write it as a literal "
                         "to pin it", False),
        ("app.py", 11): ("the policy waives unpinned-revision here (exceptions[0])", False),
        # No registry known: the scan's verification-failed finding, word for word; pin exits 3 on it.
        ("app.py", 13): (next(f.message for f in report.findings if f.rule == "verification-failed" and f.line == 13),
                         True),
        ("app.py", 14): ("mlflow.MlflowClient.get_model_version_by_alias names an alias in a call: call "
                         "get_model_version(name, <version>) instead (`model-gate scan --verify hub` names the version "
                         "it points at now)", False),
    }
    assert left[("app.py", 13)][0].startswith("could not verify MLflow model 'churn'")
    assert run.already_pinned == 1  # line 9; the publish target (line 12) is neither pinned nor listed


def test_after_pin_the_scan_has_no_fix_left_to_apply(project, tmp_path, capsys):
    hub, root = project
    code = main(["pin", str(root), "--write", "--hub-endpoint", hub.endpoint, "--today", TODAY.isoformat()])
    err = capsys.readouterr().err
    assert code == 3  # the MLflow reference: no registry to ask
    assert "  app.py:11: model org/waived@v1: the policy waives unpinned-revision here (exceptions[0])\n" in err
    assert "model-gate pin: pinned 4 reference(s) and wrote 3 file(s); 4 not pinned (listed above)." in err
    report = run_scan(ScanOptions(root=str(root), verify="hub", today=TODAY, verify_config=_config(hub, tmp_path)))
    assert [f for f in report.findings if f.fix is not None and f.waived_by is None] == []
    assert 'd = AutoModel.from_pretrained("org/waived", revision="v1")\n' in (root / "app.py").read_text()


def test_a_revision_shared_by_two_repositories_gets_no_fix_and_pin_says_the_findings_words(hub, tmp_path):
    hub.add_repo("org/m", files={"config.json": "{}"})
    hub.add_repo("org/t", files={"tokenizer.json": "{}"})
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text('from transformers import pipeline\n'
                                 'p = pipeline("text-classification", model="org/m", tokenizer="org/t")\n')
    report = run_scan(ScanOptions(root=str(root), verify="hub", today=TODAY, verify_config=_config(hub, tmp_path)))
    unpinned = [f for f in report.findings if f.rule == "unpinned-revision"]
    assert len(unpinned) == 2 and all(f.fix is None for f in unpinned)
    run = run_pin(root, config=_config(hub, tmp_path), today=TODAY)
    assert run.pinned == []
    assert sorted(s.reason for s in run.skipped) == sorted(f.remediation for f in unpinned)


def test_a_branch_named_like_a_commit_sha_is_fixed_by_pin_as_the_scan_says(hub, tmp_path):
    """Issue 8's evasion: `revision="<40 hex>"` that is a branch. The scan's finding carries the real commit as its
    fix, so pin rewrites it (it is not counted, nor recorded in the policy, as already pinned)."""
    branch = "ab" * 20
    repo = hub.add_repo("org/m", files={"config.json": "{}"})
    repo.branch(branch, repo.head())
    commit = repo.commit({"config.json": '{"v": 2}'}, branch=branch, message="moved")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(f'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", '
                                 f'revision="{branch}")\n')
    report = run_scan(ScanOptions(root=str(root), verify="hub", today=TODAY, verify_config=_config(hub, tmp_path)))
    assert [(f.rule, f.fix.revision if f.fix else None) for f in report.findings] == [("unpinned-revision", commit)]
    run = run_pin(root, config=_config(hub, tmp_path), today=TODAY, policy="")
    assert [(p.reference.line, p.sha) for p in run.pinned] == [(2, commit)] and run.already_pinned == 0
    assert f'revision="{commit}")  # pinned from {branch} on 2026-11-29 by model-gate pin' in run.changed[
        str(root / "app.py")]
    policy = run.changed[str(root / ".github" / "model-policy.yml")]
    assert commit in policy and branch not in policy

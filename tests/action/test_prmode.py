import json
import os

import pytest

from gate import git as gitops
from gate.action.prmode import mark_pre_existing, scan_relative
from gate.git import ChangedFile
from tests.action.gitrepo import Repo, git, pull_request_event, run_action
from tests.report.samples import finding, reference, report

OLD = "model_name_or_path: acme/old-model\n"


def test_changed_files_follow_renames_and_skip_deletions(tmp_path):
    repo = Repo(tmp_path / "ws")
    repo.write("a.yaml", OLD + "x: 1\n" * 20)
    repo.write("d.yaml", "gone: true\n")
    base = repo.commit("base")
    repo.branch("feature")
    repo.move("a.yaml", "conf/b.yaml")
    repo.write("conf/b.yaml", OLD + "x: 1\n" * 20 + "y: 2\n")
    repo.write("weird name #1.yaml", "z: 1\n")
    repo.remove("d.yaml")
    head = repo.commit("feature")
    changed = gitops.changed_files(base, head, str(repo.path))
    assert sorted(changed, key=lambda c: c.path) == [ChangedFile("conf/b.yaml", "a.yaml"),
                                                     ChangedFile("weird name #1.yaml", None)]


def test_export_tree_skips_links_out_of_the_tree(tmp_path):
    repo = Repo(tmp_path / "ws")
    repo.write("config.yaml", OLD)
    os.symlink("/etc/passwd", repo.path / "escape")
    sha = repo.commit("base")
    dest = tmp_path / "export"
    dest.mkdir()
    gitops.export_tree(sha, str(dest), str(repo.path))
    assert (dest / "config.yaml").read_text() == OLD
    assert not os.path.lexists(dest / "escape")


def test_scan_relative_maps_paths_below_the_scanned_directory():
    changed = (ChangedFile("svc/a.yaml", "svc/old.yaml"), ChangedFile("svc/new.yaml", None),
               ChangedFile("other/x.yaml", "other/x.yaml"), ChangedFile("svc/moved-in.yaml", "elsewhere.yaml"))
    assert scan_relative(changed, "svc") == {"a.yaml": "old.yaml", "new.yaml": None, "moved-in.yaml": None}
    assert scan_relative(changed, "")["other/x.yaml"] == "other/x.yaml"


def test_pre_existing_is_a_multiset_keyed_without_lines():
    base_refs = [reference("org/a", line=1), reference("org/b", line=2)]
    base = report(base_refs, [finding("unpinned-revision", i, r) for i, r in enumerate(base_refs)])
    head_refs = [reference("org/a", line=10), reference("org/a", line=11), reference("org/b", line=12,
                 api="datasets.load_dataset"), reference("org/c", path="untouched.py", line=1)]
    head = report(head_refs, [finding("unpinned-revision", i, r) for i, r in enumerate(head_refs)])
    marked = mark_pre_existing(head, base, {"app/train.py": "app/train.py"}, "error", False)
    # one copy of org/a was there before, the second is new; org/b now loads through another api: new;
    # a file the pull request does not touch is pre-existing as a whole.
    assert [f.pre_existing for f in marked.findings] == [True, False, False, True]
    assert marked.verdict == "fail" and marked.extra["mode"] == "diff"
    only_old = mark_pre_existing(report(head_refs[:1], head.findings[:1]), base, {"app/train.py": "app/train.py"},
                                 "error", False)
    assert only_old.verdict == "pass"
    assert mark_pre_existing(report(head_refs[:1], head.findings[:1]), base, {"app/train.py": "app/train.py"},
                             "error", True).verdict == "fail"


def test_renamed_file_keeps_its_findings_pre_existing(tmp_path):
    repo = Repo(tmp_path / "ws")
    repo.write("config.yaml", OLD + "x: 1\n" * 10)
    base = repo.commit("base")
    repo.branch("feature")
    repo.move("config.yaml", "configs/train.yaml")
    head = repo.commit("move")
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.commands("warning")[0].startswith("::warning file=configs/train.yaml,line=1,")


def test_merge_commit_checkout_counts_only_the_pull_requests_changes(tmp_path):
    # GitHub checks out refs/pull/N/merge: the base branch moved on after the branch point, and the
    # model it added since is not the pull request's doing.
    repo = Repo(tmp_path / "ws")
    repo.write("README.md", "x\n")
    repo.commit("root")
    repo.branch("feature")
    repo.write("feature.yaml", "model_name_or_path: acme/from-pr\n")
    head = repo.commit("feature")
    git(repo.path, "checkout", "-q", "main")
    repo.write("main.yaml", "model_name_or_path: acme/from-main\n")
    base = repo.commit("main moved")
    git(repo.path, "merge", "-q", "--no-ff", "-m", "merge", "feature")
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1
    assert [c.split(",")[0] for c in run.commands("error")] == ["::error file=feature.yaml"]
    assert run.commands("warning") == []  # main.yaml is not the pull request's change: not scanned
    strict = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                        inputs={"fail-on-existing": "true"})
    assert [c.split(",")[0] for c in strict.commands("error")] == ["::error file=feature.yaml",
                                                                   "::error file=main.yaml"]


def test_merge_group_and_base_ref(tmp_path):
    repo = Repo(tmp_path / "ws")
    repo.write("svc/config.yaml", OLD)
    base = repo.commit("base")
    repo.branch("feature")
    repo.write("svc/new.yaml", "model_name_or_path: acme/new\n")
    head = repo.commit("feature")
    event = {"merge_group": {"base_sha": base, "head_sha": head}}
    run = run_action(repo.path, tmp_path, event_name="merge_group", event=event,
                     inputs={"path": "svc", "sarif-file": "gate.sarif"})
    assert run.returncode == 1, run.stdout + run.stderr
    results = json.loads((repo.path / "gate.sarif").read_text())["runs"][0]["results"]
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)
    assert uris == ["svc/new.yaml"]  # code scanning wants repository-relative paths; only changed files scanned
    assert run.commands("error")[0].startswith("::error file=svc/new.yaml,line=1,")
    assert run.commands("warning") == []
    strict = run_action(repo.path, tmp_path, event_name="merge_group", event=event,
                        inputs={"path": "svc", "fail-on-existing": "true"})
    assert sorted(c.split(",")[0] for c in strict.commands("error")) == ["::error file=svc/config.yaml",
                                                                         "::error file=svc/new.yaml"]
    by_ref = run_action(repo.path, tmp_path, event_name="push", event={}, inputs={"base-ref": "main"})
    assert by_ref.returncode == 1 and "Pull-request mode" in by_ref.summary
    assert len(by_ref.commands("error")) == 1
    forced = run_action(repo.path, tmp_path, event_name="push", event={}, inputs={"mode": "diff"})
    assert forced.returncode == 2 and "base-ref" in forced.commands("error")[0]


def test_verification_findings_are_pre_existing_only_for_the_same_reference_at_the_same_revision():
    # The base is scanned without verification; the Hub would answer the same reference the same way.
    old_sha, new_sha = "a" * 40, "b" * 40
    base_refs = [reference("org/a", line=1, revision=old_sha), reference("org/b", line=2, revision=old_sha)]
    # verify none on the base: a Hub signature the policy wants is only an "unchecked" note there
    base = report(base_refs, [finding("signature-missing", 1, base_refs[1], severity="note")])
    head_refs = [reference("org/a", line=5, revision=old_sha), reference("org/b", line=6, revision=new_sha),
                 reference("org/a", line=7, revision=old_sha)]
    head = report(head_refs, [finding("repo-not-found", 0, head_refs[0]), finding("signature-missing", 1, head_refs[1]),
                              finding("repo-not-found", 2, head_refs[2])])
    marked = mark_pre_existing(head, base, {"app/train.py": "app/train.py"}, "error", False)
    # org/a@old was there before (one copy); org/b moved to another revision: its real check is new
    assert [f.pre_existing for f in marked.findings] == [True, False, False]
    assert marked.verdict == "fail"


def test_pull_request_asks_the_hub_once_per_reference_not_again_for_the_base(hub, tmp_path):
    sha = hub.add_repo("org/m", files={"model.safetensors": b"weights" * 20}).head()
    missing = "c" * 40
    repo = Repo(tmp_path / "ws")
    repo.write("config.yaml", f"model_name_or_path: org/gone\nmodel_revision: {sha}\n")
    base = repo.commit("base")
    repo.branch("feature")
    repo.write("config.yaml", f"# tuned\nlr: 0.1\nmodel_name_or_path: org/gone\nmodel_revision: {sha}\n")
    repo.write("new.yaml", f"model_name_or_path: org/m\nmodel_revision: {missing}\n")
    head = repo.commit("feature")
    inputs = {"verify": "hub", "hub-endpoint": hub.endpoint}
    env = {"MODEL_GATE_VERIFY_ATTEMPTS": "1", "MODEL_GATE_VERIFY_BACKOFF": "0"}

    full = run_action(repo.path, tmp_path, event_name="push", event={}, inputs=inputs, env=env)
    asked_once = sorted(hub.request_log)
    hub.reset_requests()
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                     inputs=inputs, env=env)
    assert full.returncode == 1 and run.returncode == 1, run.stdout + run.stderr
    [error] = run.commands("error")
    assert error.startswith("::error file=new.yaml,line=1,") and "revision-not-found" in error
    [warning] = run.commands("warning")  # the unrelated edit above it does not make org/gone new
    assert warning.startswith("::warning file=config.yaml,line=3,") and "repo-not-found" in warning
    assert sorted(hub.request_log) == asked_once


def test_pull_request_target_reads_the_same_payload_and_needs_the_head_fetched(tmp_path):
    from gate.action.inputs import ActionInputs
    from gate.action.prmode import pull_request
    from gate.errors import UsageError

    repo = Repo(tmp_path / "ws")
    repo.write("a.yaml", OLD)
    base = repo.commit("base")
    repo.branch("feature")
    repo.write("b.yaml", OLD)
    head = repo.commit("feature")
    event = pull_request_event(base, head, author="copilot-swe-agent[bot]")
    pr = pull_request(ActionInputs(), "pull_request_target", event, str(repo.path))
    assert (pr.base, pr.head, pr.author) == (base, head, "copilot-swe-agent[bot]")
    assert [c.path for c in pr.changed] == ["b.yaml"]
    # the head repository's commits are not in a base checkout: say how to get them
    missing = pull_request_event(base, "f" * 40)
    # (a complete clone: the message does not blame a shallow one — issue 16 §3)
    with pytest.raises(UsageError, match=r"is complete \(not shallow\).*git fetch origin pull/<number>/head"):
        pull_request(ActionInputs(), "pull_request_target", missing, str(repo.path))


def test_a_missing_base_in_a_shallow_clone_asks_for_the_full_history(tmp_path):
    from gate.action.inputs import ActionInputs
    from gate.action.prmode import pull_request
    from gate.errors import UsageError

    repo = Repo(tmp_path / "origin")
    repo.write("a.yaml", "x: 1\n")
    base = repo.commit("base")
    repo.write("a.yaml", "x: 2\n")
    head = repo.commit("head")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow))
    with pytest.raises(UsageError, match=r"the base commit .* is not in this clone; check out the full history: "
                                         r"use actions/checkout with `fetch-depth: 0`"):
        pull_request(ActionInputs(), "pull_request", pull_request_event(base, head), str(shallow))

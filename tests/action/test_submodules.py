"""Issue 12 §15: a pull request that only moves a submodule pointer is judged by what the submodule's own
commits (old..new) change; when the submodule cannot be read, that is an error finding, never a pass."""

import shutil

from tests.action.gitrepo import Repo, git, pull_request_event, run_action

OLD_LOADER = 'from transformers import AutoModel\nAutoModel.from_pretrained("acme/old")\n'
NEW_LOADER = 'from transformers import AutoModel\nAutoModel.from_pretrained("evil-org/backdoor")\n'


def _repo_with_submodule(tmp_path):
    library = Repo(tmp_path / "library")
    library.write("lib/load.py", OLD_LOADER)
    library.commit("library v1")
    app = Repo(tmp_path / "ws")
    app.write("README.md", "app\n")
    git(app.path, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library.path), "vendor/lib")
    base = app.commit("base with submodule")
    app.branch("feature")
    library.write("lib/new.py", NEW_LOADER)
    new_commit = library.commit("library v2")
    sub = app.path / "vendor/lib"
    git(sub, "-c", "protocol.file.allow=always", "fetch", "-q", "origin")
    git(sub, "checkout", "-q", new_commit)
    head = app.commit("bump the library")
    return app, base, head


def test_submodule_bump_brings_its_new_loaders_in_as_new(tmp_path):
    app, base, head = _repo_with_submodule(tmp_path)
    run = run_action(app.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head),
                     inputs={"json-file": "out/gate.json"})
    assert run.returncode == 1, run.stdout + run.stderr
    errors = run.commands("error")
    assert [e.split("::")[1].split(",")[0] for e in errors] == ["error file=vendor/lib/lib/new.py"]
    assert "evil-org/backdoor" in errors[0]
    # The submodule's unchanged loader is not part of the pull request: not an error.
    assert not any("acme/old" in e for e in errors)


def test_submodule_bump_that_is_not_checked_out_is_an_error_finding(tmp_path):
    app, base, head = _repo_with_submodule(tmp_path)
    git(app.path, "submodule", "deinit", "-q", "-f", "vendor/lib")
    shutil.rmtree(app.path / ".git" / "modules", ignore_errors=True)
    run = run_action(app.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    [error] = run.commands("error")
    assert error.startswith("::error file=vendor/lib,title=model-gate%3A submodule-not-scanned::")
    assert "the submodule is not checked out" in error
    assert run.outputs["verdict"] == "fail"
    assert "submodules: recursive" in run.summary

"""Issue 8 section 2: a fixture repository per known evasion trick (tests/fixtures/evasion/<trick>/).

Each trick must leave a trace: the reference is still found, or it is reported as dynamic (which a strict policy
denies), or the scan warns about the file. The expected tuples are (path, line, id, revision, pinned, dynamic, api).
"""

from __future__ import annotations

import os
import pickle
import sys
import zipfile
from pathlib import Path

import pytest

from gate.discover.engine import discover

EVASION = Path(__file__).resolve().parents[1] / "fixtures" / "evasion"
SHA = "0123456789abcdef0123456789abcdef01234567"
FROM_PRETRAINED = "transformers.from_pretrained"


def scan(trick: str):
    return discover(str(EVASION / trick), jobs=1)


def found(trick: str) -> list[tuple]:
    return [(r.path, r.line, r.id, r.revision, r.pinned, r.dynamic, r.api) for r in scan(trick).references]


def warnings(trick: str) -> list[tuple[str, str]]:
    return [(w.path, w.message) for w in scan(trick).warnings]


# ------------------------------------------------------------------------------------- found as written


@pytest.mark.parametrize(("trick", "expected"), [
    # ORG = "evil-" + "org"; AutoModel.from_pretrained(ORG + "/" + "back" + "door")
    ("concatenation", [("train.py", 4, "evil-org/backdoor", None, False, False, FROM_PRETRAINED)]),
    # getattr(transformers, "AutoModel").from_pretrained(...): any `X.from_pretrained` is a loader
    ("getattr-module", [("train.py", 4, "evil-org/backdoor", None, False, False, "from_pretrained")]),
    # importlib.import_module("transformers").AutoModel.from_pretrained(...)
    ("importlib", [("train.py", 4, "evil-org/backdoor", None, False, False, "importlib.from_pretrained")]),
    # __import__("huggingface_hub").hf_hub_download(...)
    ("dunder-import", [("train.py", 2, "evil-org/backdoor", None, False, False, "huggingface_hub.hf_hub_download")]),
    # from transformers import *: the names are not imported explicitly, the calls are still recognised
    ("star-import", [("train.py", 3, "evil-org/backdoor", None, False, False, "from_pretrained"),
                     ("train.py", 4, "evil-org/generator", None, False, False, "transformers.pipeline")]),
    # from .models import Loader (a re-export of AutoModel in another file of the package; the relative import is
    # read against the package, so the callee is `pkg.models.Loader.from_pretrained`)
    ("reexport", [("pkg/train.py", 3, "evil-org/backdoor", None, False, False, "pkg.from_pretrained")]),
    # REV = "main"; from_pretrained(..., revision=REV): resolved, and a branch is not a pin
    ("revision-constant", [("train.py", 4, "org/model", "main", False, False, FROM_PRETRAINED)]),
    # Issue 12 §8: `/good/model/resolve/<sha>/../../../../evil/model/…` fetches evil/model (curl, requests and
    # urllib3 remove dot segments; `%2e` is a dot), and the host is case-insensitive.
    ("url-dot-segments", [("config.yaml", 1, "evil/model", "main", False, False, "config:weights_url"),
                          ("fetch.sh", 2, "evil/model", "main", False, False, "shell:curl"),
                          ("fetch.sh", 3, "evil/other", "main", False, False, "shell:wget"),
                          ("load.py", 3, "evil/model", "main", False, False, "requests.get")]),
])
def test_trick_is_still_found(trick, expected):
    assert found(trick) == expected


def test_revisions_that_look_like_shas_are_not_pins():
    """Only exactly 40 lowercase hex characters pin; a short, upper-case, 39/41-char, refs/ or padded sha is a
    name that can move (a branch or tag may be called anything)."""
    revisions = {ref_id: (revision, pinned) for _path, _line, ref_id, revision, pinned, _d, _a
                 in found("sha-like-revisions")}
    assert revisions == {
        "org/short-sha": ("0123456", False),
        "org/uppercase-sha": (SHA.upper(), False),
        "org/39-hex": (SHA[:39], False),
        "org/41-hex": (SHA + "8", False),
        "org/refs-path": ("refs/heads/" + SHA, False),
        "org/padded": (" " + SHA, False),
    }


# ---------------------------------------------------------------------------------- reported as dynamic


@pytest.mark.parametrize(("trick", "expected"), [
    # "/".join(parts): built at run time
    ("join", [("train.py", 4, None, None, False, True, FROM_PRETRAINED)]),
    # base64.b64decode("...").decode(): hidden in an encoding
    ("base64-id", [("train.py", 5, None, None, False, True, FROM_PRETRAINED)]),
    # def load(name): return AutoModel.from_pretrained(name): the wrapper's call is dynamic; its callers
    # (`load("evil-org/backdoor")` in another file) are not followed through the wrapper, but the call's name
    # says it loads, so context detection reports the id there (medium confidence)
    ("wrapper", [("pkg/loading.py", 5, None, None, False, True, FROM_PRETRAINED),
                 ("pkg/train.py", 3, "evil-org/backdoor", None, False, False, "context:load")]),
])
def test_trick_is_reported_as_dynamic(trick, expected):
    assert found(trick) == expected


def test_dynamic_reference_keeps_the_expression_for_reviewers():
    [reference] = scan("base64-id").references
    assert reference.expression == "base64.b64decode('ZXZpbC1vcmcvYmFja2Rvb3I=').decode()"


def test_a_strict_policy_denies_what_discovery_reports_as_dynamic():
    from gate.pipeline import ScanOptions, run_scan

    report = run_scan(ScanOptions(root=str(EVASION / "base64-id"), policy_path="builtin:strict"))
    assert [(f.rule, f.severity, f.line) for f in report.findings if f.rule == "dynamic-reference"] == [
        ("dynamic-reference", "error", 5)]


# ---------------------------------------------------------------- tricks that discovery was taught (issue 8)


@pytest.mark.parametrize("trick", ["method-alias", "getattr-method"])
def test_loader_used_without_a_direct_call_is_reported_as_dynamic(trick):
    """`load = AutoModel.from_pretrained` / `getattr(AutoModel, "from_pretrained")`: the loader is taken as a
    value and called elsewhere under another name; the id it gets cannot be known, so the place is reported.
    The call under the other name (`load("evil-org/backdoor")`) says it loads: a medium-confidence reference."""
    assert found(trick) == [("train.py", 3, None, None, False, True, FROM_PRETRAINED),
                            ("train.py", 4, "evil-org/backdoor", None, False, False, "context:load")]
    assert [r.confidence for r in scan(trick).references] == ["high", "medium"]


@pytest.mark.parametrize(("trick", "line"), [("exec-literal", 1), ("eval-literal", 1), ("exec-variable", 5)])
def test_code_in_an_exec_or_eval_string_is_scanned(trick, line):
    """A string literal (or a constant) given to exec/eval/compile is code: it is parsed and scanned too, and its
    references are reported at the exec/eval/compile call."""
    assert [(path, ref_line, ref_id, dynamic) for path, ref_line, ref_id, _r, _p, dynamic, _a in found(trick)] == [
        ("train.py", line, "evil-org/backdoor", False)]


def test_exec_of_a_string_built_at_run_time_is_a_warning():
    assert found("exec-dynamic") == [("train.py", 6, "org/known", SHA, True, False, FROM_PRETRAINED)]
    [(path, message)] = warnings("exec-dynamic")
    assert path == "train.py" and "line 3" in message and "exec" in message and "cannot be analysed" in message


def test_homoglyph_ids_are_reported_as_written_with_a_warning_naming_the_look_alike():
    references = scan("homoglyph").references
    assert [(r.line, r.id) for r in references] == [
        (4, "google-bert/bert-b\u0430se-uncased"),
        (5, "evil-org\uff0fbackdoor"),
        (6, "evil-org/back\u200bdoor"),
    ]
    messages = [m for _p, m in warnings("homoglyph")]
    assert len(messages) == 3
    assert "line 4" in messages[0] and "'google-bert/bert-base-uncased'" in messages[0] and "U+0430" in messages[0]
    assert "'evil-org/backdoor'" in messages[1] and "U+FF0F" in messages[1]
    assert "'evil-org/backdoor'" in messages[2] and "U+200B" in messages[2]


@pytest.mark.parametrize(("trick", "path"), [("homoglyph-config", "config.yaml"), ("homoglyph-shell", "fetch.sh")])
def test_homoglyph_ids_in_configs_and_scripts_are_reported(trick, path):
    [reference] = scan(trick).references
    assert (reference.path, reference.line, reference.id) == (path, 1, "google-bert/bert-b\u0430se-uncased")
    [(warned_path, message)] = warnings(trick)
    assert warned_path == path and "google-bert/bert-base-uncased" in message


def test_a_pickle_hidden_under_another_extension_is_still_an_artifact(tmp_path):
    """Loading code can `torch.load("weights.dat")`: the bytes, not the name, make a file a model file."""
    (tmp_path / "weights.dat").write_bytes(pickle.dumps({"layer": [1.0, 2.0]}, protocol=4))
    with zipfile.ZipFile(tmp_path / "checkpoint.zip", "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"w": 1}, protocol=2))
    (tmp_path / "notes.dat").write_bytes(b"\x00\x01 just some binary data")
    references = discover(str(tmp_path), jobs=1).references
    assert [(r.path, r.kind, r.format) for r in references] == [
        ("checkpoint.zip", "artifact", "pytorch-zip"), ("weights.dat", "artifact", "pickle")]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
@pytest.mark.parametrize(("output_format", "shown"), [
    ("json", "load\\\\xff.py"),  # the JSON string "load\\xff.py"
    ("sarif", "load%5Cxff.py"),  # a percent-encoded URI
    ("text", "load\\xff.py"),
])
def test_a_file_name_that_is_not_utf8_neither_hides_the_reference_nor_crashes_the_report(tmp_path, output_format,
                                                                                          shown):
    """A name with bytes that are not UTF-8 is shown with `\\xff` escapes; the file is still scanned."""
    repo = tmp_path / "repo"
    repo.mkdir()
    with open(os.path.join(os.fsencode(repo), b"load\xff.py"), "wb") as handle:
        handle.write(b"from transformers import AutoModel\nAutoModel.from_pretrained('evil-org/backdoor')\n")
    from gate.cli import main

    output = tmp_path / f"report.{output_format}"
    code = main(["scan", str(repo), "--format", output_format, "--output", str(output), "--fail-on", "never"])
    assert code == 0
    text = output.read_text(encoding="utf-8")
    assert shown in text and "evil-org/backdoor" in text


def test_a_branch_named_like_a_sha_is_caught_by_verification(hub, tmp_path, monkeypatch):
    """Discovery cannot tell a 40-hex branch name from a commit; verification can: a pin must resolve to itself."""
    from tests.verify.hubtools import fast_env, ref, verify

    fast_env(monkeypatch, hub)
    repo = hub.add_repo("org/m", files={"config.json": "{}"})
    first = repo.head()
    repo.commit({"config.json": '{"changed": true}'})
    branch_named_like_a_sha = "c0ffee" * 6 + "abcd"
    repo.branch(branch_named_like_a_sha, first)
    outcome = verify(hub, [ref("org/m", branch_named_like_a_sha)], tmp_path)
    [finding] = outcome.findings
    assert finding.rule == "unpinned-revision" and finding.severity == "error"
    assert branch_named_like_a_sha in finding.message and first in finding.message


@pytest.mark.parametrize(("name", "text"), [
    ("train.yaml", "model_name_or_path: evil-org/backdoor\nlr: [1, 2\n"),
    ("config.json", '{"model_name_or_path": "evil-org/backdoor", }'),
    ("pyproject.toml", 'model_name_or_path = "evil-org/backdoor"\nx = = 1\n'),
], ids=["yaml", "json", "toml"])
def test_a_config_that_does_not_parse_still_has_its_ids_reported(tmp_path, name, text):
    """A syntax error further down must not hide the reference above it (other parsers may be more lenient)."""
    (tmp_path / name).write_text(text)
    discovery = discover(str(tmp_path), jobs=1)
    assert [(r.path, r.line, r.id) for r in discovery.references] == [(name, 1, "evil-org/backdoor")]
    [warning] = discovery.warnings
    assert "could not be parsed" in warning.message


def test_a_command_substitution_in_the_id_slot_is_dynamic():
    """`hf download $(cat model.txt)`: the id is computed when the script runs."""
    assert [(line, ref_id, dynamic) for _path, line, ref_id, _r, _p, dynamic, _a in found("shell-indirection")
            if line in (2, 3)] == [(2, None, True), (3, None, True)]


def test_shell_commands_run_through_another_layer_are_still_read():
    """`eval "..."`, `bash -c "..."` and `python -c "..."` run a string that is itself a command or Python code."""
    assert [(line, ref_id, dynamic) for _path, line, ref_id, _r, _p, dynamic, _a in found("shell-indirection")
            if line > 3] == [
        (4, "evil-org/in-eval", False),
        (5, "evil-org/in-bash-c", False),
        (6, "evil-org/in-python-c", False),
    ]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
@pytest.mark.parametrize("name", [b"load\xff.py", b"load\nnext.py", b"load\xe2\x80\xaeyp.txt.py"],
                         ids=["not-utf8", "newline", "bidi-override"])
def test_a_pull_request_file_with_an_odd_name_is_still_judged(tmp_path, name):
    """In pull-request mode the changed files come from `git diff -z`; each must be matched to the scanned file of
    the same name (which reports show escaped), or its findings escape the gate as "pre-existing"."""
    from tests.action.gitrepo import Repo, pull_request_event, run_action

    repo = Repo(tmp_path / "ws")
    repo.write("README.md", "demo\n")
    base = repo.commit("base")
    repo.branch("feature")
    with open(os.path.join(os.fsencode(repo.path), name), "wb") as handle:
        handle.write(b"from transformers import AutoModel\nAutoModel.from_pretrained('evil-org/backdoor')\n")
    head = repo.commit("add a loader")
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    [error] = run.commands("error")
    assert "evil-org/backdoor" in error


# `venv/` is no longer a hiding place: a directory is skipped as an environment only when it is one
# (tests/discover/test_environments.py).
DEFAULT_EXCLUDED_HIDING_PLACES = ["build", "dist", "node_modules/pkg", "site-packages"]


@pytest.mark.parametrize("directory", DEFAULT_EXCLUDED_HIDING_PLACES)
def test_a_listed_file_in_a_default_excluded_directory_is_not_dropped_silently(tmp_path, directory):
    """`build/loader.py` committed by a pull request and imported from `train.py` is this repository's code, not
    build output. Listed for scanning (--paths, --changed-files), it is skipped like the directory, with a warning
    that says so: no silent pass."""
    (tmp_path / directory).mkdir(parents=True)
    (tmp_path / directory / "loader.py").write_text(
        "from transformers import AutoModel\nAutoModel.from_pretrained('evil-org/backdoor')\n")
    discovery = discover(str(tmp_path), paths=[f"{directory}/loader.py"], jobs=1)
    [warning] = discovery.warnings
    assert warning.path == f"{directory}/loader.py" and "excluded by default" in warning.message


def test_a_pull_request_hiding_its_loader_in_a_build_directory_is_judged(tmp_path):
    from tests.action.gitrepo import Repo, pull_request_event, run_action

    repo = Repo(tmp_path / "ws")
    repo.write("README.md", "demo\n")
    base = repo.commit("base")
    repo.branch("feature")
    repo.write("build/loader.py", "from transformers import AutoModel\nAutoModel.from_pretrained('evil-org/backdoor')\n")
    repo.write("train.py", "from build.loader import *  # noqa\n")
    head = repo.commit("add a loader")
    run = run_action(repo.path, tmp_path, event_name="pull_request", event=pull_request_event(base, head))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "evil-org/backdoor" in run.commands("error")[0]

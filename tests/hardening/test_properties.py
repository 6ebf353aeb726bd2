"""Issue 8 section 3: property-based tests (hypothesis). Every parser of hostile input, on generated input.

Two kinds of property: "never crashes" (any text in, a result out: no exception, only warnings) and "means what
it says" (a generated id/revision written in any supported syntax comes back exactly, and `pinned` is true iff the
revision is 40 lowercase hex). Each test keeps max_examples modest so the suite stays fast; the atheris harnesses
in fuzz/ run the same parsers for 100,000s of inputs.
"""

from __future__ import annotations

import json
import re
import string

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gate.discover.hubids import is_pinned
from gate.discover.interface import Reference, ScanWarning, SourceFile
from gate.errors import PolicyError
from gate.policy.interface import Finding
from gate.report.interface import Report

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TINY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------- strategies

_NAME_CHARS = string.ascii_letters + string.digits + "-_."
hub_part = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9_]{0,12}[A-Za-z0-9])?", fullmatch=True)
hub_id = st.builds(lambda org, name: f"{org}/{name}", hub_part, hub_part)
full_sha = st.text("0123456789abcdef", min_size=40, max_size=40)
revision = st.one_of(
    full_sha,
    st.text("0123456789abcdef", min_size=1, max_size=39),  # short shas
    full_sha.map(str.upper),
    st.sampled_from(["main", "v1.0", "refs/pr/1", "dev"]),
)
# Text with the characters that break parsers: quotes, brackets, backslashes, newlines, NUL, BOM, RTL override.
hostile_text = st.text(st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("\"'`()[]{}\\\n\r\t#:$%&|;,=<>@!*\x00\ufeff\u202e\u0430")),
), max_size=300)


def source(path: str) -> SourceFile:
    return SourceFile(path, "/nonexistent/" + path)


def snippet_text(tokens: list[str]) -> str:
    return "".join(tokens)


# Building blocks that steer generated files toward the code paths worth testing.
python_tokens = st.lists(st.one_of(hostile_text, st.sampled_from([
    "from transformers import AutoModel\n", "import transformers as tf\n", "AutoModel.from_pretrained(",
    "tf.pipeline(", "hf_hub_download(", "\"org/name\"", "revision=", "REV", "REV = \"main\"\n", ")", "\n",
    "def f(x=\"a/b\"):\n    ", "class C:\n    ", "f\"{x}/y\"", "**{\"revision\": \"v1\"}", "+", "lambda: ",
    "\"hf://datasets/o/d@main/x\"", "\"https://huggingface.co/o/m/resolve/main/f\"", "exec(", "getattr(",
    "os.getenv(\"M\", \"o/m\")", "[", "]", "(", "    ", "\\\n", "'''", "#", ":=",
])), max_size=30).map(snippet_text)


# ------------------------------------------------------------------------------------------- never crash


@FAST
@given(python_tokens)
def test_python_finder_never_raises(text):
    from gate.discover.python_finder import PythonFinder

    result = PythonFinder().scan(source("x.py"), text, frozenset())
    assert all(isinstance(r, Reference) and r.path == "x.py" and r.line >= 1 for r in result.references)


@FAST
@given(python_tokens)
def test_notebook_finder_never_raises(code):
    from gate.discover.notebook_finder import NotebookFinder

    notebook = json.dumps({"cells": [{"cell_type": "code", "source": code.splitlines(keepends=True)}]})
    NotebookFinder().scan(source("x.ipynb"), notebook, frozenset())
    NotebookFinder().scan(source("broken.ipynb"), notebook[: len(notebook) // 2], frozenset())


@FAST
@given(hostile_text, st.sampled_from([".yaml", ".json", ".toml"]))
def test_config_finder_never_raises_on_any_text(text, suffix):
    from gate.discover.config_finder import ConfigFinder

    ConfigFinder().scan(source("model" + suffix), "model_name_or_path: " + text, frozenset())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["model", "revision", "datasets", "path", "x", "model_name_or_path"]) | hostile_text,
        children, max_size=4),
    max_leaves=20)


@FAST
@given(json_values)
def test_config_finder_never_raises_on_any_structure(value):
    from gate.discover.config_finder import ConfigFinder

    finder = ConfigFinder()
    finder.scan(source("c.json"), json.dumps(value), frozenset())
    finder.scan(source("c.yaml"), yaml.safe_dump(value, allow_unicode=True), frozenset())


@FAST
@given(json_values)
def test_notebook_json_reader_agrees_with_the_json_module(value):
    """The offset-recording parser is a second JSON parser: it must read exactly what `json.loads` reads, and each
    string must know where its text starts in the file."""
    from gate.discover.notebook_finder import load_with_offsets

    text = json.dumps(value, indent=1)
    assert load_with_offsets(text) == json.loads(text)
    stack = [load_with_offsets(text)]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and hasattr(item, "offset"):
            assert text[item.offset - 1] == '"'


@FAST
@given(hostile_text, st.sampled_from(["run.sh", "Dockerfile", "Makefile", ".github/workflows/ci.yml",
                                      "docker-compose.yml"]))
def test_shell_finder_never_raises(text, path):
    from gate.discover.shell_finder import ShellFinder

    ShellFinder().scan(source(path), "hf download " + text + "\nRUN vllm serve " + text, frozenset())


@FAST
@given(hostile_text)
def test_artifact_format_detection_never_raises(text):
    from gate.discover.artifact_finder import detect_format

    assert isinstance(detect_format(text.encode("utf-8", "surrogatepass"), "/nonexistent"), str)


# ------------------------------------------------------------------------------- ids mean what they say


@FAST
@given(hub_id, revision)
def test_python_reference_round_trips(repo_id, rev):
    from gate.discover.python_finder import PythonFinder

    text = f'from transformers import AutoModel\nAutoModel.from_pretrained("{repo_id}", revision="{rev}")\n'
    [reference] = PythonFinder().scan(source("x.py"), text, frozenset()).references
    assert (reference.id, reference.revision, reference.pinned, reference.line) == (repo_id, rev, is_pinned(rev), 2)


@FAST
@given(hub_id, st.lists(st.integers(min_value=0, max_value=30), max_size=4))
def test_an_id_split_into_concatenated_pieces_is_resolved(repo_id, cuts):
    """`"evil-" + "org/" + "model"`: however the id is cut, the pieces are joined back."""
    from gate.discover.python_finder import PythonFinder

    cuts = sorted({c % (len(repo_id) + 1) for c in cuts} | {0, len(repo_id)})
    pieces = [repo_id[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    expression = " + ".join(json.dumps(p) for p in pieces if p)
    text = f"from transformers import AutoModel\nAutoModel.from_pretrained({expression})\n"
    assert [r.id for r in PythonFinder().scan(source("x.py"), text, frozenset()).references] == [repo_id]


@FAST
@given(hub_id, revision)
def test_config_reference_round_trips_in_yaml_and_json(repo_id, rev):
    from gate.discover.config_finder import ConfigFinder

    data = {"model_name_or_path": repo_id, "model_revision": rev}
    for path, text in (("c.yaml", yaml.safe_dump(data)), ("c.json", json.dumps(data, indent=2))):
        [reference] = ConfigFinder().scan(source(path), text, frozenset()).references
        assert (reference.id, reference.revision, reference.pinned) == (repo_id, rev, is_pinned(rev))


@FAST
@given(hub_id, revision)
def test_shell_reference_round_trips(repo_id, rev):
    from gate.discover.shell_finder import ShellFinder

    text = f"set -e\nhf download {repo_id} --revision {rev} --local-dir out\n"
    [reference] = ShellFinder().scan(source("get.sh"), text, frozenset()).references
    assert (reference.id, reference.revision, reference.pinned, reference.line) == (repo_id, rev, is_pinned(rev), 2)


@FAST
@given(hub_id, st.text("0123456789abcdef", min_size=40, max_size=40) | st.sampled_from(["main", "v1"]),
       hostile_text, hostile_text)
def test_hub_url_in_any_text_round_trips(repo_id, rev, before, after):
    from gate.discover.url_finder import scan_text_for_urls

    url = f"https://huggingface.co/{repo_id}/resolve/{rev}/model.safetensors"
    text = before + " " + url + " " + after
    references = scan_text_for_urls(text, "x.txt")
    assert (repo_id, rev, is_pinned(rev)) in [(r.id, r.revision, r.pinned) for r in references]


@TINY
@given(st.lists(st.one_of(hostile_text, st.sampled_from([
    "https://huggingface.co/o/m/resolve/main/f.bin", " http://hf.co/datasets/o/d/blob/v1/x ", "\n"])),
    max_size=20).map("".join), st.integers(min_value=16, max_value=200))
def test_chunked_url_scan_agrees_with_the_in_memory_scan(tmp_path_factory, text, chunk_size):
    """Files over the text limit are streamed in chunks; a URL cut by a chunk boundary must still be seen once."""
    from gate.discover.url_finder import COMMENT_MARKERS, scan_file_for_urls_bounded, scan_text_for_urls

    path = tmp_path_factory.mktemp("chunks") / "big.txt"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    decoded = path.read_bytes().decode("utf-8", "replace")  # as the engine decodes (no newline translation)
    assume("\ufffd" not in decoded)
    lines = decoded.split("\n")  # a whole-line comment documents a URL: both scans skip it (as `UrlFinder.scan`)
    in_memory = [(r.id, r.revision, r.line, r.column) for r in scan_text_for_urls(decoded, "b")
                 if not lines[r.line - 1].lstrip().startswith(COMMENT_MARKERS)]
    streamed = [(r.id, r.revision, r.line, r.column) for r in scan_file_for_urls_bounded(str(path), "b",
                                                                                           chunk_size=chunk_size)]
    assert streamed == in_memory


def test_chunked_url_scan_keeps_columns_when_a_chunk_boundary_cuts_a_character(tmp_path):
    from gate.discover.url_finder import scan_file_for_urls_bounded

    path = tmp_path / "big.txt"
    path.write_text("0000000\x80\U00010000\U00010000 https://huggingface.co/o/m/resolve/main/f.bin", "utf-8")
    [reference] = scan_file_for_urls_bounded(str(path), "big.txt", chunk_size=16)
    assert (reference.line, reference.column) == (1, 12)


@FAST
@given(st.text(max_size=60))
def test_only_forty_lowercase_hex_characters_pin(rev):
    assert is_pinned(rev) == bool(re.fullmatch(r"[0-9a-f]{40}", rev))


# ---------------------------------------------------------------------------------------------- the policy


@FAST
@given(hostile_text)
def test_policy_loader_refuses_garbage_with_a_policy_error(tmp_path_factory, text):
    from gate.policy.load import load_policy

    root = tmp_path_factory.mktemp("policy")
    try:
        load_policy(None, str(root), text=text)
    except PolicyError as error:
        assert str(error)


policy_like = st.fixed_dictionaries({"version": st.sampled_from([1, 2, "1"])}, optional={
    "defaults": st.dictionaries(st.sampled_from(["require_pinned", "unlisted", "dynamic", "max_waiver_days",
                                                 "severity", "bogus"]), json_values, max_size=3),
    "models": st.lists(st.dictionaries(st.sampled_from(["id", "revisions", "paths", "reason"]), json_values,
                                       max_size=3), max_size=3),
    "exceptions": st.lists(st.dictionaries(st.sampled_from(["rule", "id", "reason", "expires"]), json_values,
                                           max_size=4), max_size=2),
})


@FAST
@given(policy_like)
def test_policy_loader_on_policy_shaped_data_gives_a_policy_or_a_policy_error(tmp_path_factory, data):
    from gate.policy.load import load_policy

    root = tmp_path_factory.mktemp("policy")
    try:
        load_policy(None, str(root), text=yaml.safe_dump(data, allow_unicode=True))
    except PolicyError as error:
        assert error.line is None or error.line >= 1


# ----------------------------------------------------------------------------------------------- the reports

_KNOWN_RULES = ["unpinned-revision", "dynamic-reference", "not-allowlisted", "malicious-pickle", "no-such-rule"]
report_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40) | hostile_text

references = st.builds(
    Reference, kind=st.sampled_from(["model", "dataset", "artifact"]), source=st.sampled_from(["huggingface", "url"]),
    id=st.none() | report_text, revision=st.none() | report_text, pinned=st.booleans(), pinnable=st.booleans(),
    path=report_text.filter(bool), line=st.integers(1, 10**6), column=st.integers(1, 500), api=report_text,
    dynamic=st.booleans(), expression=st.none() | report_text)


@st.composite
def reports(draw):
    refs = draw(st.lists(references, max_size=4))
    findings = draw(st.lists(st.builds(
        Finding, rule=st.sampled_from(_KNOWN_RULES), severity=st.sampled_from(["error", "warning", "note"]),
        message=report_text, remediation=report_text, path=st.none() | report_text.filter(bool),
        line=st.none() | st.integers(1, 10**6), reference=st.none() | st.integers(-1, len(refs) + 1),
        waived_by=st.none() | st.integers(0, 2), pre_existing=st.booleans()), max_size=5))
    warnings = draw(st.lists(st.builds(ScanWarning, report_text, report_text), max_size=3))
    return Report(tool_version="0.1.0", root="/r", references=tuple(refs), findings=tuple(findings),
                  warnings=tuple(warnings), files_scanned=draw(st.integers(0, 10**6)),
                  verdict=draw(st.sampled_from(["pass", "fail"])), extra={"mode": draw(st.sampled_from(["full", "diff"]))})


@FAST
@given(reports())
def test_json_report_is_valid_json_holding_every_reference_and_finding(report):
    from gate.report.json_report import render_json

    document = json.loads(render_json(report).encode("utf-8"))
    assert [r["id"] for r in document["references"]] == [r.id for r in report.references]
    assert [f["message"] for f in document["findings"]] == [f.message for f in report.findings]


@TINY
@given(reports())
def test_sarif_is_valid_sarif_2_1_0_for_any_report(report):
    from gate.report.sarif import render_sarif
    from tests.report.test_sarif import assert_valid

    document = json.loads(render_sarif(report).encode("utf-8"))
    assert_valid(document)
    assert len(document["runs"][0]["results"]) == sum(1 for f in report.findings if f.path)


@FAST
@given(reports())
def test_annotations_cannot_inject_workflow_commands(report):
    """Ids, paths and messages come from the pull request: each annotation stays one line, and its message
    decodes back to exactly what was escaped."""
    from gate.report.github import GitHubContext, build_annotations

    for command in build_annotations(report, GitHubContext()).commands:
        assert "\n" not in command and "\r" not in command
        assert command.startswith(("::error", "::warning", "::notice"))


@FAST
@given(report_text)
def test_workflow_command_escaping_round_trips(text):
    from gate.report.github import escape_data, escape_property

    def unescape(value: str) -> str:
        for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            value = value.replace(escaped, raw)
        return value

    assert unescape(escape_data(text)) == text and unescape(escape_property(text)) == text
    assert not set(escape_property(text)) & set("\r\n:,")


@pytest.mark.parametrize("limit", [1024 * 1024])
def test_summary_stays_under_githubs_limit_for_a_huge_report(limit):
    from gate.report.github import GitHubContext, render_summary

    many = tuple(Reference(kind="model", source="huggingface", id=f"org/m{i}" + "x" * 200, revision=None,
                           pinned=False, pinnable=True, path=f"src/f{i}.py", line=i + 1, column=1,
                           api="transformers.from_pretrained") for i in range(20_000))
    findings = tuple(Finding("unpinned-revision", "error", "m" * 300, "fix", r.path, r.line, i, subject=r)
                     for i, r in enumerate(many))
    report = Report("0.1.0", "/r", many, findings, (), len(many), "fail")
    assert len(render_summary(report, GitHubContext()).encode("utf-8")) <= limit


@FAST
@given(reports(), st.sampled_from(["<!--", "<details>", "<img src=x onerror=alert(1)>", "</td>", "| x |", "\n# h"]))
def test_the_job_summary_keeps_repository_text_inert(report, payload):
    """An id or path like `<!--` would hide every finding below it from reviewers; HTML and table syntax from the
    pull request must come out as text."""
    from dataclasses import replace

    from gate.report.github import GitHubContext, render_summary

    hostile = Reference(kind="model", source="huggingface", id=f"org/m{payload}", revision=None, pinned=False,
                        pinnable=True, path=f"src/{payload}.py", line=1, column=1, api="transformers.from_pretrained")
    findings = (*report.findings, Finding("unpinned-revision", "error", f"bad {payload}", "fix", hostile.path, 1,
                                          len(report.references), subject=hostile))
    summary = render_summary(replace(report, references=(*report.references, hostile), findings=findings),
                             GitHubContext())
    assert "<!--" not in summary and "<img" not in summary and "</td>" not in summary

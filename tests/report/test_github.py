import re

from gate.report.github import (
    ANNOTATIONS_PER_LEVEL,
    GitHubContext,
    build_annotations,
    escape_data,
    escape_property,
    format_output,
    md,
    render_summary,
    workflow_command,
    write_outputs,
)
from tests.report.samples import finding, mixed_report, parse_outputs, reference, report

BLOB = "https://github.com/acme/app/blob/0123456789abcdef0123456789abcdef01234567"


def test_escapes_follow_the_runner_rules():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_injection_through_id_and_path_stays_one_inert_command():
    line = workflow_command("error", "model org/x%0A::error::pwned\n::warning::also",
                            file="src/evil,title=x:\n::error::y.py", line=3, title="model-gate")
    assert "\n" not in line and "\r" not in line
    assert line == ("::error file=src/evil%2Ctitle=x%3A%0A%3A%3Aerror%3A%3Ay.py,line=3,title=model-gate::"
                    "model org/x%250A::error::pwned%0A::warning::also")


def test_annotations_errors_first_with_pre_existing_demoted_and_waived_left_out():
    annotations = build_annotations(mixed_report(), GitHubContext())
    commands = list(annotations.commands)
    assert [c.split(" ", 1)[0].split("::")[1] for c in commands] == ["error", "error", "warning"]
    assert commands[0].startswith("::error title=model-gate%3A verification-failed::")
    assert commands[1] == ("::error file=app/train.py,line=3,col=9,title=model-gate%3A unpinned-revision::"
                           "org/unpinned is not pinned%0AFix: pass revision=\"<40-hex sha>\" to "
                           "transformers.from_pretrained")
    assert commands[2].startswith("::warning file=legacy dir/old #1.py,line=2,col=9,"
                                  "title=model-gate%3A unpinned-revision (pre-existing)::")
    assert not any("org/remote-code" in c for c in commands)  # waived
    assert annotations.omitted == 0


def test_pre_existing_error_blocks_and_stays_an_error_with_fail_on_existing():
    ref = reference("org/old")
    rep = report([ref], [finding("unpinned-revision", 0, ref, pre_existing=True)])
    assert build_annotations(rep, GitHubContext()).commands[0].startswith("::warning ")
    assert build_annotations(rep, GitHubContext(fail_on_existing=True)).commands[0].startswith("::error ")


def test_annotations_stop_at_the_per_step_budget_and_the_summary_says_so():
    refs = [reference(f"org/m{i}", line=i + 1) for i in range(25)]
    findings = [finding("unpinned-revision", i, r, severity="error" if i < 14 else "warning")
                for i, r in enumerate(refs)]
    rep = report(refs, findings)
    annotations = build_annotations(rep, GitHubContext())
    levels = [c.split(" ", 1)[0] for c in annotations.commands]
    assert levels == ["::error"] * ANNOTATIONS_PER_LEVEL + ["::warning"] * ANNOTATIONS_PER_LEVEL
    assert annotations.omitted == 5
    summary = render_summary(rep, GitHubContext(), annotations.omitted)
    assert "5 more finding(s) are listed only in the tables below" in summary
    assert "org/m24" in summary  # the ones GitHub would not show are still in the summary


def test_summary_sections_links_and_fixes():
    context = GitHubContext(mode="diff", base_sha="a" * 40, head_sha="b" * 40, changed_files=2, blob_url=BLOB,
                            policy_note="`.github/model-policy.yml` as of the base commit `aaaaaaaaaaaa`.",
                            policy_diff="+ models: org/mine", ai_authored="its author bot[bot] is an agent")
    summary = render_summary(mixed_report(), context)
    assert summary.startswith("## model-gate: ❌ FAIL\n")
    assert "**FAIL**: 2 blocking finding(s) at or above `error`" in summary
    assert "(base `aaaaaaaaaaaa` → head `bbbbbbbbbbbb`, 2 changed file(s))" in summary
    blocking = summary.split("### Blocking findings (2)")[1].split("###")[0]
    assert f"[app/train.py:3]({BLOB}/app/train.py#L3)" in blocking
    assert 'pass revision="&lt;40-hex sha&gt;" to transformers.from\\_pretrained' in blocking
    assert "(run)" in blocking and "verification-failed" in blocking
    pre = summary.split("### Pre-existing findings (1)")[1].split("###")[0]
    assert f"({BLOB}/legacy%20dir/old%20%231.py#L2)" in pre and "fail-on-existing: true" in pre
    waived = summary.split("### Waived findings (1)")[1].split("###")[0]
    assert "policy exception \\#0: vendored, reviewed \\(ml-team, until 2027-01-31\\)" in waived
    assert "### Policy diff (base → head)\n" in summary and "```diff\n+ models: org/mine\n```" in summary
    assert "because its author bot\\[bot\\] is an agent." in summary
    assert "### References (3)" in summary and "| dataset | org/old |" in summary
    assert "### Scan warnings (1)" in summary


def test_summary_markdown_cannot_be_broken_by_repository_text():
    ref = reference("org/a|b<img src=x onerror=alert(1)>", path="x\n## injected.py")
    rep = report([ref], [finding("unpinned-revision", 0, ref, message="bad `id` | [link](http://evil)")])
    summary = render_summary(rep, GitHubContext())
    assert "<img" not in summary and "\n## injected" not in summary
    assert "org/a\\|b&lt;img src=x onerror=alert\\(1\\)&gt;" in summary
    assert "\\[link\\]\\(http://evil\\)" in summary
    row = next(line for line in summary.splitlines() if line.startswith("| error |"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 6  # five cells, no extra column from the `|` in the id
    fence_in_diff = render_summary(rep, GitHubContext(policy_diff="```\n- a\n```"))
    assert "````diff\n```\n- a\n```\n````" in fence_in_diff


def test_summary_is_truncated_under_the_limit_with_a_note_and_closed_blocks():
    refs = [reference(f"org/model-{i:05d}", line=i + 1) for i in range(3000)]
    rep = report(refs, [finding("unpinned-revision", i, r) for i, r in enumerate(refs)])
    full = render_summary(rep, GitHubContext())
    limit = 200_000
    assert len(full.encode()) > limit
    cut = render_summary(rep, GitHubContext(), limit=limit)
    assert len(cut.encode()) <= limit
    assert "The summary was truncated to stay under GitHub's 1 MiB limit" in cut
    assert cut.startswith("## model-gate: ❌ FAIL")
    assert cut.count("<details>") == cut.count("</details>")
    diff = "\n".join(f"+ line {i}" for i in range(20000))
    cut = render_summary(report([], [], verdict="pass"), GitHubContext(policy_diff=diff), limit=100_000)
    assert len(cut.encode()) <= 100_000
    assert cut.count("```") % 2 == 0


def test_outputs_use_random_delimiters_that_values_cannot_close(tmp_path):
    value = "line1\nghadelimiter_x\nerrors<<EOF\n"
    first, second = format_output("verdict", value), format_output("verdict", value)
    assert first.split("\n")[0] != second.split("\n")[0]
    assert re.match(r"^verdict<<ghadelimiter_[0-9a-f-]{36}\n", first)
    out = tmp_path / "out"
    out.write_text("")
    write_outputs(str(out), {"verdict": "fail", "errors": "2", "note": value})
    assert parse_outputs(out.read_text()) == {"verdict": "fail", "errors": "2", "note": value}


def test_md_escapes_and_keeps_line_breaks_inside_a_cell():
    assert md("a & b <i>\nc") == "a &amp; b &lt;i&gt;<br>c"
    assert md("*x*_y_") == "\\*x\\*\\_y\\_"

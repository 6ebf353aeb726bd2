"""Text output: findings grouped by file, errors first, each with its fix, then a one-line verdict."""

from __future__ import annotations

from gate.report.text import render_text
from tests.report.samples import finding, mixed_report, reference, report


def test_groups_by_file_errors_first_with_fixes_and_verdict():
    refs = [reference("org/a", path="b.py", line=9), reference("org/b", path="a.py", line=2),
            reference("org/c", path="b.py", line=1), reference("org/d", path="c.py", line=4)]
    findings = [
        finding("dynamic-reference", 1, refs[1], severity="warning", message="computed"),
        finding("unpinned-revision", 0, refs[0], message="org/a floats"),
        finding("not-allowlisted", 2, refs[2], severity="warning", message="org/c unlisted"),
        finding("unpinned-revision", 3, refs[3], message="org/d floats", waived_by=0),
    ]
    text = render_text(report(refs, findings))
    # Issue 16 §3: the first line says which policy judged how many references, of which confidence.
    first, _, text = text.partition("\n\n")
    assert first == "policy: builtin:default; judged 4 reference(s): 4 high, 0 medium confidence"
    body = text.split("References")[0]
    assert body == (
        "b.py\n"
        "  9: error [unpinned-revision] org/a floats\n"
        '      fix: pass revision="<40-hex sha>" to transformers.from_pretrained\n'
        "  1: warning [not-allowlisted] org/c unlisted\n"
        '      fix: pass revision="<40-hex sha>" to transformers.from_pretrained\n'
        "\n"
        "a.py\n"
        "  2: warning [dynamic-reference] computed\n"
        '      fix: pass revision="<40-hex sha>" to transformers.from_pretrained\n'
        "\n")
    assert text.endswith("model-gate: FAIL: 1 error(s), 2 warning(s), 0 note(s), 1 waived; "
                         "4 reference(s) in 4 file(s)\n")


def test_multiline_fix_is_indented_and_pre_existing_is_marked():
    text = render_text(mixed_report())
    assert "warning (pre-existing) [unpinned-revision]" in text
    assert text.index("(run)") < text.index("legacy dir/old #1.py")  # the run-level error comes before warnings


def test_multiline_fix_lines_align_under_the_first():
    ref = reference("org/a")
    multi = finding("not-allowlisted", 0, ref).with_(remediation="add it:\nmodels:\n  - id: org/a")
    text = render_text(report([ref], [multi]))
    assert "      fix: add it:\n           models:\n             - id: org/a\n" in text


def test_artifacts_are_listed_with_their_hash():
    from gate.discover.interface import Reference

    file = Reference(kind="artifact", source="local", id=None, revision=None, pinned=True, pinnable=False,
                     path="w/m.pt", line=1, column=1, api="file", format="pickle", sha256="ab" * 32)
    text = render_text(report([file], [], verdict="pass"))
    assert "  w/m.pt:1: artifact w/m.pt (sha256 abababababab…) via file format=pickle\n" in text

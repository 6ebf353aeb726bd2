"""`code_revision=`: the revision of the remote code `trust_remote_code=True` runs, pinned apart from the weights.

A call that passes it (and may run remote code) gives a second reference with `revision_key: "code_revision"`,
so a branch there is reported even when the weights' `revision` is a full sha.
"""

from __future__ import annotations

import dataclasses
import json

from gate.cli import main
from tests.discover.python_helpers import SHA, scan


def pins(code: str) -> list[tuple]:
    return [(r.line, r.id, r.revision, r.pinned, r.revision_key, r.trust_remote_code)
            for r in scan(code).references]


def test_code_revision_branch_is_its_own_unpinned_reference():
    code = f'''
    from transformers import AutoModelForCausalLM
    AutoModelForCausalLM.from_pretrained("org/m", revision="{SHA}", trust_remote_code=True, code_revision="main")
    '''
    assert pins(code) == [(3, "org/m", SHA, True, "revision", True), (3, "org/m", "main", False, "code_revision", True)]


def test_pinned_code_revision_without_revision_leaves_the_weights_unpinned():
    code = f'''
    from transformers import AutoModel
    AutoModel.from_pretrained("org/m", trust_remote_code=True, code_revision="{SHA}")
    '''
    assert pins(code) == [(3, "org/m", None, False, "revision", True), (3, "org/m", SHA, True, "code_revision", True)]


def test_code_revision_read_from_a_constant_and_with_non_literal_trust():
    code = '''
    from transformers import AutoTokenizer
    CODE = "v1.0"
    AutoTokenizer.from_pretrained("org/m", trust_remote_code=flag, code_revision=CODE)
    '''
    assert pins(code) == [(4, "org/m", None, False, "revision", None), (4, "org/m", "v1.0", False, "code_revision", None)]


def test_no_code_reference_without_code_revision_or_without_remote_code():
    code = f'''
    from transformers import AutoModel
    AutoModel.from_pretrained("org/a", revision="{SHA}", trust_remote_code=True)
    AutoModel.from_pretrained("org/b", revision="{SHA}", trust_remote_code=False, code_revision="main")
    AutoModel.from_pretrained("org/c", revision="{SHA}", code_revision="main")
    '''
    assert pins(code) == [(3, "org/a", SHA, True, "revision", True), (4, "org/b", SHA, True, "revision", False),
                          (5, "org/c", SHA, True, "revision", False)]


def test_vllm_code_revision():
    code = f'''
    from vllm import LLM
    LLM(model="org/v", revision="{SHA}", trust_remote_code=True, code_revision="dev")
    '''
    assert pins(code) == [(3, "org/v", SHA, True, "revision", True), (3, "org/v", "dev", False, "code_revision", True)]


def test_unparsable_file_reads_code_revision_too():
    code = f'''
    print "py2"
    AutoModel.from_pretrained("org/m", revision="{SHA}", trust_remote_code=True, code_revision="main")
    '''
    assert pins(code) == [(3, "org/m", SHA, True, "revision", True), (3, "org/m", "main", False, "code_revision", True)]


def test_scan_reports_the_moving_code_revision_once_per_rule(tmp_path, capsys):
    (tmp_path / "load.py").write_text(
        "from transformers import AutoModel\n"
        f'AutoModel.from_pretrained("org/m", revision="{SHA}", trust_remote_code=True, code_revision="main")\n')
    assert main(["scan", str(tmp_path), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert sorted((f["rule"], f["line"], f["message"]) for f in findings) == [
        ("trust-remote-code", 2, "model 'org/m': trust_remote_code=True runs Python code from the model repository, "
                                 "and the policy does not allow it for org/m"),
        ("unpinned-revision", 2, "model 'org/m' is not pinned to a commit: code revision 'main' is a branch or tag, "
                                 "which can move"),
    ]


def test_pin_rewrites_revision_and_code_revision_of_one_call():
    """The two references of a call point at two keywords, so `model-gate pin` can write both."""
    from gate.pin.rewrite_python import rewrite_python
    from tests.pin.helpers import pin

    source = 'm = AutoModel.from_pretrained("org/m", trust_remote_code=True, code_revision="main")\n'
    references = scan("from transformers import AutoModel\n" + source).references
    moved = [dataclasses.replace(r, line=1) for r in references]
    result = rewrite_python(source, [pin(r) for r in moved])
    assert result.text.split("  #")[0] == (
        'm = AutoModel.from_pretrained("org/m", trust_remote_code=True, '
        'code_revision="86b5e0934494bd15c9632b12f734a8a67f723594", revision="86b5e0934494bd15c9632b12f734a8a67f723594")')
    assert len(result.pinned) == 2 and result.skipped == ()

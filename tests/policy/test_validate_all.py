"""Issue 16 §3: `policy validate` reports every problem of a file in one run, each with file:line."""

from gate.cli import main

BAD = ("version: 1\ndefaults:\n  unlistd: deny\n  dynamic: maybe\nexceptions:\n"
       "  - {rule: nope, reason: x, expires: 2026-02-30}\n")
SEMANTIC = ("version: 1\ndefaults:\n  severity: {unpined-revision: warning}\nexceptions:\n"
            "  - {rule: nope, id: org/m, reason: x, expires: 2026-02-30}\n")


def test_validate_lists_every_schema_problem(tmp_path, capsys):
    policy = tmp_path / "policy.yml"
    policy.write_text(BAD)
    assert main(["policy", "validate", str(policy)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"model-gate: error: {policy}:3: defaults: unknown key 'unlistd' (did you mean 'unlisted'?)",
        f"model-gate: error: {policy}:4: defaults.dynamic: 'maybe' is not allowed; use one of: deny, warn, allow",
        f"model-gate: error: {policy}:6: exceptions[0]: needs 'id' or 'paths'",
        f"model-gate: 3 problems in {policy}",
    ]


def test_validate_lists_every_semantic_problem(tmp_path, capsys):
    policy = tmp_path / "policy.yml"
    policy.write_text(SEMANTIC)
    assert main(["policy", "validate", str(policy), "--today", "2026-01-01"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"model-gate: error: {policy}:3: defaults.severity: unknown rule 'unpined-revision' "
                      "(did you mean 'unpinned-revision'?)")
    assert err[1].startswith(f"model-gate: error: {policy}:5: exceptions[0].rule: unknown rule 'nope'")
    assert err[2] == f"model-gate: error: {policy}:5: exceptions[0].expires: '2026-02-30' is not a real date (YYYY-MM-DD)"
    assert err[3] == f"model-gate: 3 problems in {policy}"


def test_scan_names_the_first_problem_and_how_to_see_the_rest(tmp_path, capsys):
    policy = tmp_path / "policy.yml"
    policy.write_text(BAD)
    assert main(["scan", str(tmp_path), "--policy", str(policy)]) == 2
    assert capsys.readouterr().err.strip().endswith(
        "(and 2 more problem(s): `model-gate policy validate` lists them all)")

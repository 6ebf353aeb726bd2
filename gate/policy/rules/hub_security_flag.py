"""`hub-security-flag`: The Hub's own security scan flags files at the revision (unsafe: error; suspicious or caution: warning), or has not scanned it yet (note)"""

from __future__ import annotations

from collections.abc import Iterator

from gate.policy.interface import Finding, Severity
from gate.policy.rules import AnswerContext, Rule

RULE = Rule(
    id="hub-security-flag",
    default_severity="error",
    description="The Hub's own security scan flags files at the revision (unsafe: error; suspicious or caution: warning), or has not scanned it yet (note).",
    why="The Hub scans uploads for malware and dangerous pickle imports; a flagged file may execute code on the machine that loads it. An unscanned revision is not known to be clean. Flags count whatever the Hub's `scansDone` says (it sends `false` for scanned repositories too); for pinned revisions the Hub's per-file verdicts name the pickle imports it found, also in pickles with other suffixes (`danger.dat`: `builtins.eval`). Datasets have no repository-level status: pinned ones are judged by their per-file verdicts, unpinned ones get a note that none is available.",
    fix="Do not load a flagged revision; inspect the flagged files on the Hub and pick another revision or repository. For a pending scan, re-run later; for a dataset, pin it so its per-file verdicts are checked.",
    stage="verify",
)


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    answer, at = context.answer, context.at
    scan = answer.security
    verdicts = {v.path: v for v in ((scan.files if scan is not None else None) or ())}
    flagged = dict(scan.flagged) if scan is not None else {}
    # Per-file verdicts add what the repository-level list misses (it can be empty with `scansDone: false`).
    for verdict in verdicts.values():
        if verdict.status in ("unsafe", "caution", "suspicious") and verdict.path not in flagged:
            flagged[verdict.path] = verdict.status
    # The real Hub sends `scansDone: false` for repositories it has scanned, flags included (issue 13 §2.1):
    # files with issues are findings whatever `scansDone` says; `false` alone is only a note.
    if flagged:
        items = sorted(flagged.items())
        worst: Severity = "error" if any(level == "unsafe" for _, level in items) else "warning"
        imports = {path: [name for name, _safety in verdicts[path].imports]
                   for path, _ in items if path in verdicts and verdicts[path].imports}
        listed = ", ".join(f"{path} ({level}" + (f": imports {', '.join(imports[path])}" if path in imports else "")
                           + ")" for path, level in items)
        yield context.finding(
            RULE, f"the Hub's security scan flags files at {at}: {listed}",
            f"do not load this revision; inspect the flagged files ({context.registry}/"
            f"{answer.canonical_id or answer.query.id}/tree/{answer.sha}) and pick another revision or repository",
            severity=worst, flagged=[list(item) for item in items], **({"pickle_imports": imports} if imports else {}))
        return
    if answer.query.kind == "dataset":
        if verdicts and all(v.status == "safe" for v in verdicts.values()):
            return
        yield context.finding(
            RULE, f"no security status is available for {at}: the Hub publishes none for the repository as a whole, "
            + ("and its per-file scan results do not cover every file" if verdicts else
               "and per-file scan results are asked for pinned revisions only"),
            "pin the dataset to a commit so its per-file scan results are checked; until then treat its files "
            "as unscanned", severity="note", scan="not available")
        return
    if scan is None or not scan.done:
        yield context.finding(
            RULE, f"the Hub has not finished scanning {at}: its files are not known to be free of malware or unsafe "
            "pickles (the Hub flags no file, and reports its scan as not done)",
            "re-run the verification later; until then treat the files as unscanned",
            severity="note", scan="pending" if scan is not None else "not scanned")

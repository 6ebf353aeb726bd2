"""`hub-security-flag`: The Hub's own security scan flags files at the revision (unsafe: error; suspicious or caution: warning), or has not scanned it yet (note)"""

from gate.policy.rules import Rule

RULE = Rule(
    id="hub-security-flag",
    default_severity="error",
    description="The Hub's own security scan flags files at the revision (unsafe: error; suspicious or caution: warning), or has not scanned it yet (note).",
    why="The Hub scans uploads for malware and dangerous pickle imports; a flagged file may execute code on the machine that loads it. An unscanned revision is not known to be clean. Flags count whatever the Hub's `scansDone` says (it sends `false` for scanned repositories too); for pinned revisions the Hub's per-file verdicts name the pickle imports it found, also in pickles with other suffixes (`danger.dat`: `builtins.eval`). Datasets have no repository-level status: pinned ones are judged by their per-file verdicts, unpinned ones get a note that none is available.",
    fix="Do not load a flagged revision; inspect the flagged files on the Hub and pick another revision or repository. For a pending scan, re-run later; for a dataset, pin it so its per-file verdicts are checked.",
    stage="verify",
)

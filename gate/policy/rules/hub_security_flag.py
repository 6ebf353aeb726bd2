"""`hub-security-flag`: The Hub's own security scan flags files at the revision (unsafe: error; suspicious or caution: warning), or has not scanned it yet (note)"""

from gate.policy.rules import Rule

RULE = Rule(
    id="hub-security-flag",
    default_severity="error",
    description="The Hub's own security scan flags files at the revision (unsafe: error; suspicious or caution: warning), or has not scanned it yet (note).",
    why="The Hub scans uploads for malware and dangerous pickle imports; a flagged file may execute code on the machine that loads it. An unscanned revision is not known to be clean.",
    fix="Do not load a flagged revision; inspect the flagged files on the Hub and pick another revision or repository. For a pending scan, re-run later.",
    stage="verify",
)

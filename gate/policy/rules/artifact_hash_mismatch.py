"""artifact-hash-mismatch: a committed file whose sha256 differs from its `artifacts` entry."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.interface import Finding
from gate.policy.rules import CheckContext, Rule

RULE = Rule(
    id="artifact-hash-mismatch",
    default_severity="error",
    description="A committed model file does not have the sha256 its `artifacts` entry pins.",
    why=("An `artifacts` entry with a `sha256` allows one exact file. Any other content, even under the same name, "
         "was not reviewed and may have been tampered with."),
    fix=("Restore the reviewed file, or review the new one and update the entry's `sha256` "
         "(`sha256sum <file>`) in a policy change."),
    bad_example="artifacts:\n  - path: weights/model.safetensors\n    sha256: <hash of the old file>",
    good_example="artifacts:\n  - path: weights/model.safetensors\n    sha256: <sha256sum of the committed file>",
)


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if reference.kind != "artifact":
        return
    entry = context.entry_for(reference)
    expected = entry.sha256 if entry is not None else None
    if not expected:
        return
    actual = reference.sha256
    if actual is not None and actual.lower() == expected.lower():
        return
    where, line = context.policy.entry_location(entry)
    found = f"has sha256 {actual}" if actual else "could not be hashed"
    yield RULE.finding(
        message=f"committed file {reference.path} {found}, but its artifacts entry pins {expected.lower()}",
        remediation=(f"restore the reviewed file; or review the new content and set sha256: {actual or '<64 hex>'} "
                     f"in the entry at {where}{f':{line}' if line else ''}"),
        path=reference.path,
        line=reference.line or None,
        reference=index,
        details={"expected": expected.lower(), "actual": actual},
    )

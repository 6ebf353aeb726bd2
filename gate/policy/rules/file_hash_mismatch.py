"""`file-hash-mismatch`: A file pinned by hash in the policy (`files: {name: "sha256:..."}`) differs at the referenced revision, or is absent"""

from __future__ import annotations

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import AnswerContext, RegistryContext, Rule

RULE = Rule(
    id="file-hash-mismatch",
    default_severity="error",
    description='A file pinned by hash in the policy (`files: {name: "sha256:..."}`) differs at the referenced revision, or is absent.',
    why="A hash pin says exactly which bytes were reviewed; a different hash means different weights than the ones approved.",
    fix="Check why the file changed; update the pin in the policy only after reviewing the new file, or pin the reference to the reviewed revision.",
    stage="verify",
    good_example='models:\n  - id: org/model\n    files: {"model.safetensors": "sha256:<64 hex>"}',
)


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    """Each file the policy entry pins by sha256, against the files at the resolved commit. A pin that cannot be
    checked is never a silent pass: it is `verification-failed` (the other findings of the answer stand)."""
    from gate.policy.rules.verification_failed import RULE as FAILED

    pins = context.entry.files if context.entry is not None else {}
    answer, at = context.answer, context.at
    git_hashes = dict(answer.file_sha256)
    unreadable = dict(answer.file_errors)
    for name, pin in sorted(pins.items()):
        expected = pin.lower().removeprefix("sha256:")
        if name in unreadable:  # the metadata findings stand; this one check cannot be made
            yield context.finding(
                FAILED, f"the policy pins the sha256 of {name}, which cannot be checked at {at} without access: "
                f"{unreadable[name]}",
                "set HF_TOKEN to a token whose account was granted access to the repository, then re-run",
                file=name, expected=expected)
            continue
        stored = answer.file(name)
        if stored is None:
            yield context.finding(
                RULE, f"{name}, pinned by hash in the policy, is absent from {at}",
                f"pin the reference to the revision that holds the reviewed {name}, or update the policy's "
                "`files` after reviewing this revision", file=name, expected=expected)
            continue
        actual = stored.lfs_sha256 or git_hashes.get(name)
        if actual is None:
            yield context.finding(FAILED, f"could not compute the sha256 of {name} at {at}",
                                  "re-run the verification; if it persists, report it", file=name)
            continue
        if actual.lower() == expected:
            continue
        yield context.finding(
            RULE, f"{name} at {at} has sha256 {actual}, but the policy pins sha256:{expected}",
            f"pin the reference to the revision that holds the reviewed {name}, or, after reviewing the new "
            f'file, set `files: {{"{name}": "sha256:{actual}"}}` in its policy entry',
            file=name, expected=expected, actual=actual)


def check_registry_answer(context: RegistryContext) -> Iterator[Finding]:
    """Each artifact file the policy entry pins by sha256, against the registry version's files."""
    answer, what, where = context.answer, context.what, context.where
    pins = context.entry.files if context.entry is not None else {}
    for path, pin in sorted(pins.items()):
        expected = pin.lower().removeprefix("sha256:")
        actual = answer.file_sha256.get(path)
        if actual is None:
            yield context.finding(RULE, f"{path}, pinned by hash in the policy, is absent from version "
                                        f"{answer.version} of {what} on {where}",
                                  "load the version that holds the reviewed file, or update the policy's `files`",
                                  file=path, expected=expected, **context.resolved)
        elif actual != expected:
            yield context.finding(RULE, f"{path} of version {answer.version} of {what} on {where} has "
                                        f"sha256 {actual}, but the policy pins sha256:{expected}",
                                  f'load the reviewed version, or, after review, set `files: {{"{path}": '
                                  f'"sha256:{actual}"}}`', file=path, expected=expected, actual=actual,
                                  **context.resolved)

"""not-allowlisted: an id that no `models`/`datasets` entry allows (severity set by `defaults.unlisted`)."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.fixes import describe, entry_snippet, policy_to_edit
from gate.policy.interface import Finding
from gate.policy.model import ENTRY_SECTIONS
from gate.policy.rules import LEVEL_SEVERITY, CheckContext, Rule, names_remote_repo

RULE = Rule(
    id="not-allowlisted",
    default_severity="error",
    description="A model or dataset id matches no entry of the policy (severity follows `defaults.unlisted`).",
    why=("An allowlist makes every new model a reviewed decision: who publishes it, under which license, and "
         "whether it is safe to load. Without it any pull request can start pulling code and weights from any "
         "account on the Hub."),
    fix=("Add the id to `models:` or `datasets:` in the policy (ideally with the reviewed `revisions:`), in a "
         "pull request the policy's owners review; or use a model the policy already allows."),
    bad_example="# policy: defaults: {unlisted: deny}, models: [{id: my-org/*}]\n"
                'pipeline("text-classification", model="someone/unknown-model", revision="<sha>")',
    good_example="models:\n  - id: someone/unknown-model\n    revisions: [<sha>]\n    reason: \"sentiment model\"",
)


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if not names_remote_repo(reference) or reference.id is None or reference.dynamic:
        return
    severity = LEVEL_SEVERITY[context.policy.defaults.unlisted]
    if severity is None or context.entry_for(reference) is not None:
        return
    section = ENTRY_SECTIONS[reference.kind]
    scoped = [e for e in context.policy.candidates(reference) if e.paths]
    message = f"{describe(reference)} is not in the policy's {section} allowlist"
    if scoped:
        message += f" for {reference.path} (its entry applies only to paths {list(scoped[0].paths)})"
    pinned = reference.revision if reference.pinned else None
    yield RULE.finding(
        severity=severity,
        message=message,
        remediation=(f"if it should be allowed, add it to {policy_to_edit(context.policy)} (reviewed by the policy's owners):\n"
                     f"{entry_snippet(reference, section, pinned)}\notherwise load a {reference.kind} the policy allows"),
        path=reference.path,
        line=reference.line,
        reference=index,
    )

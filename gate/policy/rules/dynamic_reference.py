"""dynamic-reference: the id is computed at run time (severity set by `defaults.dynamic`); also a file a finder
failed on (always an error: the gate fails closed on its own faults)."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import SCAN_FAILED_API, Reference
from gate.policy.fixes import waiver_snippet
from gate.policy.interface import Finding
from gate.policy.rules import LEVEL_SEVERITY, CheckContext, Rule, is_publish

RULE = Rule(
    id="dynamic-reference",
    default_severity="warning",
    description=("A model or dataset id is built at run time, so it cannot be checked (severity follows "
                 "`defaults.dynamic`); or a file could not be scanned at all (always an error)."),
    why=("A gate can only judge what it can read. An id from an environment variable, a CLI argument or string "
         "formatting can be anything at run time, including a model the policy would reject. A file model-gate "
         "failed to scan (a fault of the gate, reported with its exception) may load anything: the gate fails closed "
         "on it whatever `defaults.dynamic` says."),
    fix=("Write the id (and revision) as literals, or read them from a config file model-gate scans; if the id "
         "must stay dynamic, validate it at run time against an allowlist and waive this finding for the file. For "
         "a file that could not be scanned, report the failure (the message names the finder and the exception) and "
         "review the file by hand; a waiver for the file accepts it until it expires."),
    bad_example='AutoModel.from_pretrained(os.environ["MODEL"])',
    good_example='AutoModel.from_pretrained("org/model", revision="<40-hex sha>")',
)


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if not reference.dynamic or reference.kind == "artifact":
        return
    if is_publish(reference) and context.policy.publish is None:
        return  # a publish target is only checked against `publish:`; without it there is nothing to miss
    severity = LEVEL_SEVERITY[context.policy.defaults.dynamic]
    expression = f" from `{reference.expression}`" if reference.expression else ""
    if reference.api == SCAN_FAILED_API:
        # A finder failed on the file: not an id the author chose to compute, but a fault of the gate, which fails
        # closed whatever `defaults.dynamic` says (a waiver for the file accepts it).
        severity = "error"
        message = (f"this file could not be scanned ({reference.expression}): what it loads is unknown and "
                   "model-gate cannot check it; please report the failure to model-gate")
    elif severity is None:
        return
    else:
        message = (f"{'publish target' if is_publish(reference) else reference.kind} id is computed at run time"
                   f"{expression} via {reference.api}; model-gate cannot check it")
    yield RULE.finding(
        severity=severity,
        message=message,
        remediation=("use a literal id and revision (or a config file model-gate reads); if it must stay dynamic, "
                     f"waive it in the policy:\n{waiver_snippet(RULE.id, None, reference.path)}"),
        path=reference.path,
        line=reference.line,
        reference=index,
    )

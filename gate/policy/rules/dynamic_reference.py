"""dynamic-reference: the id is computed at run time (severity set by `defaults.dynamic`)."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.fixes import waiver_snippet
from gate.policy.interface import Finding
from gate.policy.rules import LEVEL_SEVERITY, CheckContext, Rule, is_publish

RULE = Rule(
    id="dynamic-reference",
    default_severity="warning",
    description="A model or dataset id is built at run time, so it cannot be checked (severity follows `defaults.dynamic`).",
    why=("A gate can only judge what it can read. An id from an environment variable, a CLI argument or string "
         "formatting can be anything at run time, including a model the policy would reject."),
    fix=("Write the id (and revision) as literals, or read them from a config file model-gate scans; if the id "
         "must stay dynamic, validate it at run time against an allowlist and waive this finding for the file."),
    bad_example='AutoModel.from_pretrained(os.environ["MODEL"])',
    good_example='AutoModel.from_pretrained("org/model", revision="<40-hex sha>")',
)


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if not reference.dynamic or reference.kind == "artifact":
        return
    if is_publish(reference) and context.policy.publish is None:
        return  # a publish target is only checked against `publish:`; without it there is nothing to miss
    severity = LEVEL_SEVERITY[context.policy.defaults.dynamic]
    if severity is None:
        return
    expression = f" from `{reference.expression}`" if reference.expression else ""
    yield RULE.finding(
        severity=severity,
        message=(f"{'publish target' if is_publish(reference) else reference.kind} id is computed at run time"
                 f"{expression} via {reference.api}; model-gate cannot check it"),
        remediation=("use a literal id and revision (or a config file model-gate reads); if it must stay dynamic, "
                     f"waive it in the policy:\n{waiver_snippet(RULE.id, None, reference.path)}"),
        path=reference.path,
        line=reference.line,
        reference=index,
    )

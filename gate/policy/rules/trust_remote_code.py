"""trust-remote-code: `trust_remote_code` enabled (or set by an expression) without the policy's permission."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import CODE_REVISION_KEYS, Reference
from gate.policy.fixes import describe, policy_to_edit
from gate.policy.interface import Finding
from gate.policy.rules import CheckContext, Rule, is_publish

RULE = Rule(
    id="trust-remote-code",
    default_severity="error",
    description=("`trust_remote_code` is true, or set by an expression, for a model the policy does not trust; or an "
                 "`evaluate` metric (whose code always runs) the policy does not trust."),
    why=("`trust_remote_code=True` downloads Python files from the model repository and runs them in your process. "
         "Whoever can push to that repository can run code on your machines; if the revision is not pinned, they "
         "can do it at any time. An `evaluate.load` metric is a Hub Space whose Python script runs in your process "
         "every time: the same risk, without a flag to say so."),
    fix=("Remove `trust_remote_code=True` (most architectures are supported natively by current transformers), "
         "or allow it for that id with `trust_remote_code: allow` on a policy entry pinned to a reviewed revision "
         "(for a metric: a `metrics:` entry)."),
    bad_example='AutoModel.from_pretrained("org/custom-arch", trust_remote_code=True)',
    good_example="models:\n  - id: org/custom-arch\n    revisions: [<reviewed sha>]\n    trust_remote_code: allow",
)


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if is_publish(reference) or reference.revision_key in CODE_REVISION_KEYS:
        return  # a `code_revision` reference repeats its call's main reference, which carries this finding
    metric = reference.kind == "metric" and reference.source != "local"
    if reference.trust_remote_code is False and not metric:
        return
    entry = context.entry_for(reference)
    permission = context.policy.trust_remote_code_for(entry)
    if permission == "allow":
        return
    if metric:
        problem = "an evaluate metric is a Hub Space whose Python code runs when it is loaded"
        fix = "compute the metric with code in this repository (or a reviewed package)"
    elif reference.revision_key == "custom_revision":  # diffusers `custom_pipeline="org/pipe"` (see catalog)
        problem = "custom_pipeline runs the pipeline code of this Hub repository"
        fix = f"remove custom_pipeline={reference.id!r} (use a built-in pipeline class)"
    elif reference.trust_remote_code is None:
        problem = "trust_remote_code is set by an expression model-gate cannot evaluate, so it may be true"
        fix = "set trust_remote_code to a literal False"
    else:
        problem = "trust_remote_code=True runs Python code from the model repository"
        fix = "remove trust_remote_code=True"
    target = f"for {reference.id}" if reference.id else "for this reference"
    where = "its entry" if entry is not None else (f"an entry for {reference.id}" if reference.id else "an entry")
    if metric and entry is None:
        where = f"a `metrics:` entry for {reference.id}" if reference.id else "a `metrics:` entry"
    yield RULE.finding(
        message=f"{describe(reference)}: {problem}, and the policy does not allow it {target}",
        remediation=(f"{fix}; or, after reviewing the repository's code at a pinned revision, add "
                     f"`trust_remote_code: allow` to {where} in {policy_to_edit(context.policy)}"),
        path=reference.path,
        line=reference.line,
        reference=index,
    )

"""publish-target-not-allowed: the code pushes to a repository the policy's `publish.allowed` does not list."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.fixes import policy_to_edit
from gate.policy.interface import Finding
from gate.policy.rules import CheckContext, Rule, is_publish

RULE = Rule(
    id="publish-target-not-allowed",
    default_severity="error",
    description="The code pushes or uploads to a Hub repository that the policy's `publish.allowed` does not list.",
    why=("Training code that publishes decides where your weights, and whatever they memorised, end up. A changed "
         "`hub_model_id` or `push_to_hub(\"someone-else/model\")` quietly sends them to another organisation, or "
         "makes them public. Only the repositories the policy names are reviewed destinations."),
    fix=("Push to a repository the policy allows, or add the target (or its organisation, `my-org/*`) to "
         "`publish.allowed` in a policy change its owners review."),
    bad_example='# policy: publish: {allowed: [my-org/*]}\nmodel.push_to_hub("someone-else/my-finetune")',
    good_example='model.push_to_hub("my-org/my-finetune")',
)


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if not is_publish(reference) or reference.dynamic or reference.id is None:
        return  # a computed target is `dynamic-reference` (raised for publish targets when `publish:` is set)
    allowed = context.policy.publish_allowed(reference.id)
    if allowed is None or allowed:
        return
    listed = ", ".join(context.policy.publish.allowed if context.policy.publish else ()) or "nothing"
    yield RULE.finding(
        message=(f"publishes to '{reference.id}' via {reference.api}, which the policy's publish.allowed "
                 f"({listed}) does not list"),
        remediation=(f"push to a repository the policy allows; or, if '{reference.id}' is a reviewed destination, "
                     f"add it to publish.allowed in {policy_to_edit(context.policy)}:\n"
                     f"publish:\n  allowed: [{reference.id}]"),
        path=reference.path,
        line=reference.line,
        reference=index,
    )

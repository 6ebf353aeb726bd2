"""registry-tag-missing: an MLflow model version lacks a tag the policy requires (raised by verification)."""

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import RegistryContext, Rule

RULE = Rule(
    id="registry-tag-missing",
    default_severity="error",
    description=("An MLflow model version lacks a tag (or has another value) that the policy requires "
                 "(`require_tags` of its registry, `tags` of its models entry)."),
    why=("Registries record the review a version went through as tags (`validation_status: approved`). A version "
         "without them was registered but never signed off, whatever its version number says."),
    fix=("Load a version that carries the tags (the registry's review process sets them), or tag this version "
         "after reviewing it: `MlflowClient().set_model_version_tag(name, version, key, value)`."),
    stage="verify",
    bad_example=("# policy: registries: [{uri: https://mlflow.internal, require_tags: {validation_status: approved}}]\n"
                 'mlflow.pyfunc.load_model("models:/churn/4")  # version 4: validation_status=pending'),
    good_example='mlflow.pyfunc.load_model("models:/churn/3")  # version 3: validation_status=approved',
)


def check_registry_answer(context: RegistryContext) -> Iterator[Finding]:
    policy, answer, reference = context.policy, context.answer, context.reference
    listed = policy.registry_entry(answer.query.registry)
    required = dict(listed.require_tags if listed is not None else {})
    required.update(context.entry.tags if context.entry is not None else {})
    # A registered version carries its review as version tags; a bare run URI only has the run's tags.
    tags, label = ((answer.tags, f"version {answer.version} of {context.what}") if answer.version
                   else (answer.run_tags, context.what))
    for key, wanted in sorted(required.items()):
        allowed = [str(w) for w in wanted] if isinstance(wanted, list) else [str(wanted)]
        actual = tags.get(key)
        if actual in allowed:
            continue
        has = f"has {key}={actual}" if actual is not None else f"has no tag {key}"
        fix = (f"MlflowClient().set_model_version_tag({reference.id!r}, {answer.version!r}, {key!r}, "
               f"{allowed[0]!r})" if answer.version else
               f"MlflowClient().set_tag({answer.run_id!r}, {key!r}, {allowed[0]!r})")
        yield context.finding(
            RULE, f"{label} on {context.where} {has}; the policy requires {key}={' or '.join(allowed)}",
            f"load a version tagged {key}={allowed[0]}, or tag this one after review: {fix}",
            tag=key, required=allowed, actual=actual, **context.resolved)

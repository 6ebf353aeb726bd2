"""registry-tag-missing: an MLflow model version lacks a tag the policy requires (raised by verification)."""

from gate.policy.rules import Rule

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

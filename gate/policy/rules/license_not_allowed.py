"""`license-not-allowed`: The repository's declared license (model card) is not among the policy's allowed `licenses`"""

from gate.policy.rules import Rule

RULE = Rule(
    id="license-not-allowed",
    default_severity="error",
    description="The repository's declared license (model card) is not among the policy's allowed `licenses`.",
    why="Using a model or dataset under a license the organisation has not approved is a legal risk that is invisible in code review.",
    fix="Use a repository under an allowed license, or add its license to the entry's (or defaults') `licenses` once approved.",
    stage="verify",
    good_example="defaults:\n  licenses: [apache-2.0, mit]",
)

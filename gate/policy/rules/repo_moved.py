"""`repo-moved`: The repository id redirects to another repository (renamed or transferred)"""

from gate.policy.rules import Rule

RULE = Rule(
    id="repo-moved",
    default_severity="warning",
    description="The repository id redirects to another repository (renamed or transferred).",
    why="The Hub redirects a renamed or transferred repository's old id to the new one. The new owner publishes "
        "what the code loads from now on, and the redirect lasts only until someone creates a repository under "
        "the old name, which then serves whatever that person uploads.",
    fix="Use the new id the finding names, after checking that its new owner is one you trust; policy entries "
        "are matched against the new (canonical) id.",
    stage="verify",
    bad_example='AutoModel.from_pretrained("old-org/model", revision="<sha>")  # now served by new-org/model',
    good_example='AutoModel.from_pretrained("new-org/model", revision="<sha>")',
)

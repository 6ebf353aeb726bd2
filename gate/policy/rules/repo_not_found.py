"""`repo-not-found`: The referenced repository does not exist on the Hub (or on GitHub, for torch.hub), or it is private and the token cannot see it"""

from gate.policy.rules import Rule

RULE = Rule(
    id="repo-not-found",
    default_severity="error",
    description="The referenced repository does not exist on the Hub (or on GitHub, for torch.hub), or it is private and the token cannot see it.",
    why="Code that loads a missing repository fails at run time, and a name that does not exist today can be registered tomorrow by anyone: a typo is an open door for typosquatting.",
    fix="Fix the id. For a private repository, run the gate with HF_TOKEN (or GITHUB_TOKEN) set to a token with read access. Without a token the Hub answers 401 alike for a missing, a private and a disabled repository; the finding then says so, and a token tells them apart.",
    stage="verify",
    bad_example='AutoModel.from_pretrained("gogle-bert/bert-base-uncased", revision="...")',
    good_example='AutoModel.from_pretrained("google-bert/bert-base-uncased", revision="86b5e0934494bd15c9632b12f734a8a67f723594")',
)

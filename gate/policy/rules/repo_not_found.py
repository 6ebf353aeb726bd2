"""`repo-not-found`: The referenced repository does not exist on the Hub (or on GitHub, for torch.hub), or it is private and the token cannot see it"""

from __future__ import annotations

from collections.abc import Iterator

from gate.policy.interface import Finding
from gate.policy.rules import AnswerContext, RegistryContext, Rule

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


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    if context.answer.status != "repo-not-found":
        return
    what, token, registry = context.what, context.token_variable, context.registry
    if context.answer.anonymous:
        # The Hub answers an anonymous caller 401 for a missing, private or disabled repository alike.
        yield context.finding(
            RULE, f"{what} does not exist on {registry}, or it is private or disabled: the Hub answers an anonymous "
            f"request with 401 for all three (missing, private, or disabled), and {token} is not set",
            f"set {token} to a token with read access and re-run: the Hub then tells a missing, a private "
            "and a disabled repository apart", anonymous=True)
        return
    yield context.finding(
        RULE, f"{what} does not exist on {registry}, or it is private and {token} does not grant access",
        f"check the id for typos; for a private repository set {token} to a token with read access")


def check_registry_answer(context: RegistryContext) -> Iterator[Finding]:
    if context.answer.status != "model-not-found":
        return
    yield context.finding(RULE, f"{context.what} does not exist on {context.where}, or the credentials do not grant "
                                "access",
                          "check the name for typos; for access set MLFLOW_TRACKING_TOKEN (or "
                          "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)")

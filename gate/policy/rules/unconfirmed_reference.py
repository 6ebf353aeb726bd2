"""unconfirmed-reference: a string found by context alone (confidence medium) is not a repository the Hub knows."""

from typing import Any

from gate.policy.interface import Finding
from gate.policy.rules import Rule

RULE = Rule(
    id="unconfirmed-reference",
    default_severity="note",
    description=("A Hub-id-shaped string found by context alone (confidence medium) is not a repository the Hub "
                 "knows, so it is probably not a model or dataset at all."),
    why=("Where no known API names a model, model-gate still reports strings shaped like Hub ids that are bound to "
         "model-ish names or passed to loading-ish calls: missing a load is worse than asking. With `--verify hub` "
         "the Hub settles it: an id it confirms is judged like any other (confidence high); one it does not know is "
         "most likely a local name, another service's id or a placeholder, and is reported only as this note. It "
         "may also be a private repository the token cannot see."),
    fix=("Nothing, if the string is not a Hub repository. If it is a private one, run the verification with an "
         "HF_TOKEN that can read it. To silence these notes: `defaults.severity: {unconfirmed-reference: off}`."),
    stage="verify",
    precision="medium",
    bad_example='run(encoder="local-team/encoder-v2")   # a name of your own registry, not a Hub repository',
    good_example='run(encoder="sentence-transformers/all-MiniLM-L6-v2", revision="<40-hex sha>")',
)


def for_unknown(index: int, reference: Any, registry: str) -> Finding:
    """The finding for a medium-confidence reference the registry does not know."""
    return RULE.finding(
        message=(f"{reference.kind} '{reference.id}' was found by context alone ({reference.api}, confidence medium) "
                 f"and {registry} does not know it: most likely not a Hub repository (a local name, another "
                 "service's id), or a private one the token cannot see"),
        remediation=("nothing to do if it is not a Hub repository; if it is a private one, verify with an HF_TOKEN "
                     "that can read it"),
        path=reference.path, line=reference.line, reference=index,
        details={"id": reference.id, "confidence": "medium"})

"""Can `model-gate pin` act on this reference? One answer, used by the judge (the unpinned-revision finding's fix
text, and whether it carries a machine-applicable `Fix`: gate/policy/rules/unpinned_revision.py) and by the pin
command and its Python rewriter (gate/pin/), so the scan never promises a pin that `pin` then refuses, and `pin`
says why not in the scan's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gate.discover.interface import Reference

HUB_SOURCES = ("huggingface", "url")
"""Sources the Hub can resolve: Hub ids and Hub URLs."""
ID_ELSEWHERE = "id-elsewhere"
KWARGS_MAY_SET = "kwargs"
"""The values of `Reference.call_obstacle`."""


def kwargs_may_set(keyword: str) -> str:
    return f"the call passes **kwargs, which may already set {keyword}; add the pin there by hand"


STRING_NOT_AT_CALL = ("the id string is not written at this call (a constant, variable or f-string); "
                      "pin it where the string is written")
"""For pins written inside the id string (`@`, `url`): the string to edit is elsewhere."""


def id_chosen_elsewhere(reference: Reference) -> str:
    """Why a commit written at this call would be a guess: the id is not written there."""
    if reference.revision_key in ("@", "url"):
        return STRING_NOT_AT_CALL
    what = reference.expression or "a parameter, attribute or environment value"
    return f"the id at this call comes from {what}, which can differ at run time; pin it where the id is chosen"


MLFLOW_URI_SYNTAXES = ("python", "config", "shell")
"""Where `model-gate pin` rewrites an MLflow `models:/` URI (gate/pin/mlflow.py): the URI is the same text in each."""
MLFLOW_URI_KEYS = ("uri",)
"""MLflow references pinned by rewriting their URI; `MlflowClient().get_model_version_by_alias(...)` calls are
listed instead (the call itself has to change)."""


def shared_revision(key: str, ids: Sequence[str]) -> str:
    """Why one revision keyword read for several repositories (`pipeline(model=a, tokenizer=b, revision=...)`) cannot
    be pinned: any sha written there is right for one of them at most. `ids`: this reference's first."""
    return (f"one {key} at this call serves {' and '.join(ids)}, so no single commit pins them all: load each "
            f"repository in its own call with its own {key}")


def _mlflow_obstacle(reference: Reference) -> str | None:
    if reference.syntax not in MLFLOW_URI_SYNTAXES:
        return f"MLflow URIs written as {reference.syntax!r} are not rewritten: pin it by hand"
    if reference.dynamic or not reference.id:
        return f"the model URI is computed at run time ({reference.expression or 'an expression'}); write it as a literal"
    if reference.id.startswith("runs:/"):
        return "a runs:/ URI names a run, not a registered version: register it and load models:/<name>/<version>"
    if reference.revision_key not in MLFLOW_URI_KEYS:
        return (f"{reference.api} names an alias in a call: call get_model_version(name, <version>) instead "
                "(`model-gate scan --verify hub` names the version it points at now)")
    return None


def pin_obstacle(reference: Reference) -> str | None:
    """None when `model-gate pin` can pin `reference` where it is written, else the reason it cannot."""
    if reference.source == "mlflow":  # resolved by its registry, the URI rewritten (gate/pin/mlflow.py)
        return _mlflow_obstacle(reference)
    if reference.source not in HUB_SOURCES:
        return (f"not a Hugging Face Hub reference (source: {reference.source}); pin it with that registry's "
                "own version or commit")
    if reference.dynamic or not reference.id:
        what = reference.expression or "an expression"
        return f"the id or revision is computed at run time ({what}); write it as a literal to pin it"
    if not reference.pinnable:
        return f"{reference.api} cannot take a revision"
    if not reference.revision_key:
        return f"{reference.api} has no known place for a revision"
    if reference.call_obstacle == ID_ELSEWHERE:
        return id_chosen_elsewhere(reference)
    if reference.call_obstacle == KWARGS_MAY_SET:
        return kwargs_may_set(re.split(r"[.\[]", reference.revision_key, maxsplit=1)[0])
    return None

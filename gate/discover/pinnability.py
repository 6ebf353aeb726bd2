"""Can `model-gate pin` act on this reference? One answer, used by the scan's fix text
(gate/policy/rules/unpinned_revision.py) and by the pin command and its Python rewriter (gate/pin/), so the scan
never promises a pin that `pin` then refuses.
"""

from __future__ import annotations

import re

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


def pin_obstacle(reference: Reference) -> str | None:
    """None when `model-gate pin` can pin `reference` where it is written, else the reason it cannot."""
    if reference.source == "mlflow":  # resolved by its registry (gate/pin/mlflow.py)
        return None
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

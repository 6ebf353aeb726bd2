"""Hand-built references and pins for the rewriter tests (no discovery, no Hub)."""

from __future__ import annotations

import datetime as _dt

from gate.discover.interface import Reference
from gate.pin.interface import Pin

SHA = "86b5e0934494bd15c9632b12f734a8a67f723594"
DIGITS_SHA = "1234567890123456789012345678901234567890"  # loads as an int if written bare in YAML
DAY = _dt.date(2026, 11, 29)


def ref(line: int, column: int = 1, *, id_: str | None = "org/m", revision: str | None = None,
        key: str | None = "revision", syntax: str = "python", api: str = "transformers.from_pretrained",
        kind: str = "model", path: str = "a.py", source: str = "huggingface") -> Reference:
    return Reference(kind=kind, source=source, id=id_, revision=revision, pinned=False, pinnable=True, path=path,
                     line=line, column=column, api=api, syntax=syntax, revision_key=key)


def pin(reference: Reference, sha: str = SHA) -> Pin:
    return Pin(reference, sha, reference.revision, DAY)


def comment(origin: str = "default branch") -> str:
    return f"# pinned from {origin} on 2026-11-29 by model-gate pin"


def choose(references):
    """(references pin would write SHA into, references listed with a reason, references already pinned): pin's
    plan with every id given a commit, as if the Hub had answered (no findings: the rewriters are under test)."""
    from gate.pin.command import plan_pins

    given = {(r.kind, r.id.lower()): SHA for r in references if r.id}
    plan = plan_pins(references, [], DAY, preferred=given)
    return [p.reference for p in plan.pins], list(plan.skipped), list(plan.already)

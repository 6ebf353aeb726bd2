"""unpinned-revision: a model or dataset loaded without a full commit sha."""

from __future__ import annotations

import re

from gate.discover.interface import CODE_REVISION_KEYS
from gate.discover.pinnability import HUB_SOURCES, pin_obstacle
from gate.policy.fixes import PIN_HINT, describe, pin_instruction
from gate.policy.rules import Rule, names_remote_repo

RULE = Rule(
    id="unpinned-revision",
    default_severity="error",
    description="A model or dataset is loaded without a revision, or with a branch, tag or short sha.",
    why=("Branches and tags move: whoever controls the repository (or its account) can replace the weights, the "
         "code or the tokenizer you load, and your next run silently picks up the new files. Only a full 40-character "
         "commit sha names immutable content."),
    fix=("Pass the full commit sha where the revision goes: `revision=\"<40-hex sha>\"` in Python, "
         "`model_revision: <sha>` (or the config's revision key) in YAML, `--revision <sha>` on the command line, "
         "`/resolve/<sha>/` in URLs, `@<sha>` in `hf://` and `hf-hub:` ids. `model-gate pin` does it for you."),
    bad_example='AutoModel.from_pretrained("bert-base-uncased")',
    good_example='AutoModel.from_pretrained("google-bert/bert-base-uncased",\n'
                 '                          revision="86b5e0934494bd15c9632b12f734a8a67f723594")',
)

_SHORT_SHA = re.compile(r"[0-9a-fA-F]{7,39}")


def _what_is_wrong(revision: str | None, revision_key: str | None = None, source: str | None = None) -> str:
    if source == "mlflow":
        if revision is None:
            return "no version, so it follows the latest one"
        if revision.startswith("@"):
            return f"alias '{revision}' can be re-pointed to another version at any time"
        return f"'{revision}' is {'the newest version' if revision == 'latest' else 'a stage'}, which moves"
    if revision is None:
        return "no revision, so it follows the default branch"
    # `code_revision` pins the remote code apart from the weights: say which of the two moves.
    label = "code revision" if revision_key in CODE_REVISION_KEYS else "revision"
    if _SHORT_SHA.fullmatch(revision):
        return f"{label} '{revision}' is a short sha, which is not guaranteed to stay unique"
    if re.fullmatch(r"[0-9a-fA-F]{40}", revision):
        return f"{label} '{revision}' must be written in lowercase"
    return f"{label} '{revision}' is a branch or tag, which can move"


def _sharing_the_revision(context, reference) -> list[str]:
    """Other repositories read with the same revision keyword of the same call (`pipeline(model=a, tokenizer=b,
    revision=...)`): a sha written there is right for one of them at most."""
    if reference.revision_key in (None, "@", "url"):
        return []
    place = (reference.path, reference.line, reference.column, reference.revision_key)
    ids = context.ids_by_place.get(place, ())
    return sorted({other for other in ids if other.lower() != reference.id.lower()})


def check(context, index, reference):
    if not names_remote_repo(reference) or reference.dynamic or reference.id is None:
        return
    if reference.pinned or not reference.pinnable:
        return
    if not context.policy.defaults.require_pinned:
        return
    entry = context.entry_for(reference)
    allowed = list(entry.reviewed_revisions) if entry is not None else []
    sharing = _sharing_the_revision(context, reference)
    if sharing:
        key = reference.revision_key
        fix = (f"one {key} at this call serves {' and '.join([reference.id, *sharing])}, so no single commit pins "
               f"them all: load each repository in its own call with its own {key}, then pin each "
               "(`model-gate pin` does that once they are apart)")
    elif allowed:
        fix = f"{pin_instruction(reference, allowed[0])} (the revision the policy allows)"
    else:
        fix = pin_instruction(reference)
        # `model-gate pin` resolves through the Hub, so it only offers itself for Hub ids and Hub URLs, and only
        # where `pin` itself would act (the same function decides both). A metric is a Space: pinned by hand.
        obstacle = pin_obstacle(reference)
        if reference.source in HUB_SOURCES and reference.revision_key and reference.kind in ("model", "dataset"):
            fix = f"{fix}. {PIN_HINT}" if obstacle is None else f"{fix}; `model-gate pin` cannot do it here: {obstacle}"
    yield RULE.finding(
        message=f"{describe(reference)} is not pinned to a {'version' if reference.source == 'mlflow' else 'commit'}: {_what_is_wrong(reference.revision, reference.revision_key, reference.source)}",
        remediation=fix,
        path=reference.path,
        line=reference.line,
        reference=index,
        details={"revision": reference.revision, "revision_key": reference.revision_key, "syntax": reference.syntax},
    )

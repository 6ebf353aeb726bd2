"""unpinned-revision: a model or dataset loaded without a full commit sha."""

from __future__ import annotations

import re

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


def _what_is_wrong(revision: str | None) -> str:
    if revision is None:
        return "no revision, so it follows the default branch"
    if _SHORT_SHA.fullmatch(revision):
        return f"revision '{revision}' is a short sha, which is not guaranteed to stay unique"
    if re.fullmatch(r"[0-9a-fA-F]{40}", revision):
        return f"revision '{revision}' must be written in lowercase"
    return f"revision '{revision}' is a branch or tag, which can move"


def check(context, index, reference):
    if not names_remote_repo(reference) or reference.dynamic or reference.id is None:
        return
    if reference.pinned or not reference.pinnable:
        return
    if not context.policy.defaults.get("require_pinned", True):
        return
    entry = context.entry_for(reference)
    allowed = list((entry or {}).get("revisions") or ())
    if allowed:
        fix = f"{pin_instruction(reference, allowed[0])} (the revision the policy allows)"
    else:
        # `model-gate pin` resolves through the Hub, so it only offers itself for Hub ids and Hub URLs.
        can_pin = reference.source in ("huggingface", "url") and reference.revision_key
        fix = f"{pin_instruction(reference)}. {PIN_HINT}" if can_pin else pin_instruction(reference)
    yield RULE.finding(
        message=f"{describe(reference)} is not pinned to a commit: {_what_is_wrong(reference.revision)}",
        remediation=fix,
        path=reference.path,
        line=reference.line,
        reference=index,
        details={"revision": reference.revision, "revision_key": reference.revision_key, "syntax": reference.syntax},
    )

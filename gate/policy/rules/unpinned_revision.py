"""unpinned-revision: a model or dataset loaded without a full commit sha."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from gate.discover.interface import CODE_REVISION_KEYS, Reference
from gate.discover.pinnability import HUB_SOURCES, pin_obstacle, shared_revision
from gate.policy.fixes import PIN_HINT, describe, pin_instruction
from gate.policy.interface import Finding, Fix
from gate.policy.rules import AnswerContext, CheckContext, Rule, names_remote_repo

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


def _sharing_the_revision(context: CheckContext, reference: Reference) -> list[str]:
    """Other repositories read with the same revision keyword of the same call (`pipeline(model=a, tokenizer=b,
    revision=...)`): a sha written there is right for one of them at most."""
    if reference.revision_key in (None, "@", "url"):
        return []
    place = (reference.path, reference.line, reference.column, reference.revision_key)
    ids = context.ids_by_place.get(place, ())
    return sorted({other for other in ids if other.lower() != (reference.id or "").lower()})


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if not names_remote_repo(reference) or reference.dynamic or reference.id is None:
        return
    if reference.pinned or not reference.pinnable:
        return
    if not context.policy.defaults.require_pinned:
        return
    entry = context.entry_for(reference)
    allowed = list(entry.reviewed_revisions) if entry is not None else []
    sharing = _sharing_the_revision(context, reference)
    details: dict[str, Any] = {"revision": reference.revision, "revision_key": reference.revision_key,
                               "syntax": reference.syntax}
    if sharing:
        fix = (f"{shared_revision(reference.revision_key or 'revision', [reference.id, *sharing])}, then pin each "
               "(`model-gate pin` does that once they are apart)")
        details["shared_with"] = sharing
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
        details=details,
    )


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    """A branch or tag can be named like a commit sha; discovery cannot tell them apart, the registry can
    (issue 8: evasion). Such a "pin" moves whenever its owner moves the branch."""
    reference, answer = context.reference, context.answer
    if not reference.pinned or not answer.sha or answer.sha == reference.revision:
        return
    finding = context.finding(
        RULE, f"revision {reference.revision} of {context.what} looks like a commit sha but is a branch or tag name: "
        f"it points at commit {answer.sha} today and can be moved at any time",
        f"pin to the commit itself: {pin_instruction(reference, answer.sha)}")
    yield replace(finding, fix=Fix(answer.sha) if machine_fixable(finding, reference) else None)


def resolved_pin(reference: Any, answer: Any) -> str:
    """Remediation for an unpinned reference: the exact pin to the commit its revision resolves to today."""
    followed = reference.revision or ("the default branch" if answer.query.kind == "github" else "main")
    key = reference.revision_key
    if reference.syntax in ("python", "notebook") and reference.source != "torchhub" and key not in ("@", ":", "url"):
        text = f'pin to {key or "revision"}="{answer.sha}", the current head of {followed}'
    else:
        text = f"pin to {answer.sha}, the current head of {followed}: {pin_instruction(reference, answer.sha)}"
    if answer.canonical_id and reference.id and answer.canonical_id != reference.id:
        text += f" (and use the canonical id {answer.canonical_id} instead of {reference.id})"
    return text


def machine_fixable(finding: Finding, reference: Any) -> bool:
    """Whether `model-gate pin` can write the resolved revision where the reference names it: the finding then
    carries a `Fix` (what `pin` applies), else only the words. One revision keyword serving several repositories
    stays as the policy stage worded it (no commit is right for all of them)."""
    return pin_obstacle(reference) is None and not finding.details.get("shared_with")


def with_resolved_pin(finding: Finding, reference: Any, answer: Any) -> Finding:
    """This rule's finding, its fix naming the commit the registry resolved the moving revision to."""
    details = {**finding.details, "resolved_sha": answer.sha, "followed": reference.revision or "main"}
    if answer.canonical_id and answer.canonical_id != reference.id:
        details["canonical_id"] = answer.canonical_id
    if finding.details.get("shared_with"):
        return replace(finding, details=details)
    canonical = answer.canonical_id if answer.canonical_id and answer.canonical_id != reference.id else None
    return replace(finding, remediation=resolved_pin(reference, answer), details=details,
                   fix=Fix(answer.sha, canonical) if machine_fixable(finding, reference) else None)


def with_resolved_version(finding: Finding, reference: Any, version: str) -> Finding:
    """This rule's finding for an MLflow reference, its fix naming the version the registry resolved it to."""
    followed = reference.revision or "latest"
    return finding.with_(
        remediation=f"{pin_instruction(reference, version)} (the version {followed} points at now)",
        details={**finding.details, "resolved_version": version, "followed": followed},
        fix=Fix(version) if machine_fixable(finding, reference) else None)

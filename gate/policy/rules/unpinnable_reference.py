"""unpinnable-reference: an API that cannot take a revision (severity set by `defaults.unpinnable`)."""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.interface import Reference
from gate.policy.fixes import describe, waiver_snippet
from gate.policy.interface import Finding
from gate.policy.rules import LEVEL_SEVERITY, CheckContext, Rule, names_remote_repo

RULE = Rule(
    id="unpinnable-reference",
    default_severity="warning",
    description="A model is used through an API that cannot pin a revision (severity follows `defaults.unpinnable`).",
    why=("Some APIs (hosted inference, `ollama pull name:tag`, registry aliases) always use whatever the name "
         "points at today. Nothing in the repository records what ran, and the provider can change it."),
    fix=("Prefer an API that takes a revision (download with `hf_hub_download(..., revision=<sha>)` and load "
         "locally), or a digest where the tool supports one (`ollama pull name@sha256:<digest>`); otherwise "
         "accept the risk with a waiver that expires."),
    bad_example='InferenceClient(model="org/model").text_generation("hi")',
    good_example='path = snapshot_download("org/model", revision="<40-hex sha>")',
)


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if not names_remote_repo(reference) or reference.pinnable or reference.pinned or reference.dynamic:
        return
    severity = LEVEL_SEVERITY[context.policy.defaults.unpinnable]
    if severity is None:
        return
    yield RULE.finding(
        severity=severity,
        message=f"{describe(reference)} is used via {reference.api}, which cannot be pinned to a revision",
        remediation=("load it through an API that takes a revision (e.g. snapshot_download(repo_id, "
                     "revision=\"<40-hex sha>\") and load from that path), or pin a digest where the tool has one; "
                     f"to accept the risk, waive it:\n{waiver_snippet(RULE.id, reference, reference.path)}"),
        path=reference.path,
        line=reference.line,
        reference=index,
    )

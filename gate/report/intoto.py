"""`--format intoto`: one unsigned in-toto Statement v1 with a SLSA provenance v1 predicate per publish target.

JSON Lines: one Statement per line, one line per publish target the repository pushes to (issue 18 §3). The
subject is the target repository; its digest is what the push produced, which only the workflow knows once it has
pushed: `--subject-digest [TARGET=]ALG:HEX` (a Hub commit is `gitCommit:<sha>`; a weights file `sha256:<hex>`).
The resolved dependencies are the inputs of the training entry point that names the target (gate/provenance.py):
base models and datasets at their revisions, and the repository's own commit. model-gate does not sign: hand
the Statement (or its `predicate`) to the signer you already use (`actions/attest`, `cosign attest-blob`).
Like every format it only renders the report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from gate.discover.interface import Reference
from gate.errors import UsageError
from gate.report.interface import Report
from gate.vocabulary import DEFAULT_HUB_ENDPOINT

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
BUILD_TYPE = "urn:model-gate:build-type:training-run:v1"
"""The build this provenance describes: a training run whose inputs are read statically from the repository."""
LOCAL_BUILDER = "urn:model-gate:builder:local"
HUB_URL = DEFAULT_HUB_ENDPOINT
_DIGEST = re.compile(r"^(?:(?P<target>[^=\s]+)=)?(?P<alg>[A-Za-z0-9][A-Za-z0-9_-]*):(?P<hex>[0-9a-fA-F]{16,128})$")


def parse_subject_digests(values: Iterable[str] | None) -> dict[str, dict[str, str]]:
    """`--subject-digest [TARGET=]ALG:HEX` (repeatable) → {target or "*": {alg: hex}}."""
    out: dict[str, dict[str, str]] = {}
    for value in values or ():
        match = _DIGEST.match(value.strip())
        if match is None:
            raise UsageError(f"--subject-digest must be [TARGET=]ALGORITHM:HEX (e.g. gitCommit:<40-hex sha> or "
                             f"org/model=sha256:<64 hex>), got {value!r}")
        algorithm = "gitCommit" if match["alg"].lower() == "gitcommit" else match["alg"].lower()
        out.setdefault(match["target"] or "*", {})[algorithm] = match["hex"].lower()
    return out


def _hub_uri(reference: Reference) -> str:
    prefix = f"{HUB_URL}/datasets" if reference.kind == "dataset" else HUB_URL
    return f"{prefix}/{reference.id}"


def _dependency(reference: Reference) -> dict:
    """A base model or dataset as a ResourceDescriptor: a Hub revision is a git commit (`gitCommit`)."""
    annotations = {"kind": reference.kind, "pinned": reference.pinned, "revision": reference.revision,
                   "api": reference.api, "location": f"{reference.path}:{reference.line}"}
    descriptor: dict = {"name": reference.id, "uri": _hub_uri(reference)}
    if reference.source == "huggingface" and reference.pinned:
        descriptor["digest"] = {"gitCommit": reference.revision}
    elif reference.lineage and reference.lineage["model"].get("sha"):  # the commit the Hub resolved it to
        descriptor["digest"] = {"gitCommit": reference.lineage["model"]["sha"]}
        annotations["resolvedFrom"] = reference.revision or "main"
    if reference.lineage:
        from gate.verify.lineage import chain_text

        annotations["lineage"] = chain_text(reference.lineage)
    descriptor["annotations"] = {k: v for k, v in annotations.items() if v is not None}
    return descriptor


def _source(source: dict) -> dict | None:
    if not source.get("commit") and not source.get("uri"):
        return None
    descriptor: dict = {"name": "source"}
    if source.get("uri"):
        descriptor["uri"] = source["uri"] + (f"@{source['commit']}" if source.get("commit") else "")
    if source.get("commit"):
        descriptor["digest"] = {"gitCommit": source["commit"]}
    return descriptor


def statements(report: Report, subject_digests: dict[str, dict[str, str]]) -> list[dict]:
    source = report.extra.get("source") or {}
    out = []
    for produced in report.extra.get("produces") or ():
        target = report.references[produced["target"]]
        digest = subject_digests.get(target.id) or subject_digests.get("*")
        if not digest:
            raise UsageError(f"--format intoto: no digest for the subject {target.id}: pass --subject-digest "
                             f"{target.id}=gitCommit:<sha of the Hub commit your push made> (or sha256:<hex> of the "
                             "pushed weights); model-gate cannot know what a push will produce")
        inputs = [report.references[i] for i in produced["inputs"]]
        resolved = [d for d in [_source(source)] if d] + [_dependency(r) for r in inputs if r.id and not r.dynamic]
        unresolved = [{"location": f"{r.path}:{r.line}", "kind": r.kind, "expression": r.expression or r.api}
                      for r in inputs if not r.id or r.dynamic]
        external: dict = {"target": target.id, "targetLocation": f"{target.path}:{target.line}",
                          "publishedVia": target.api, "entryPoints": produced["entry_points"]}
        if unresolved:  # computed at run time: named as unknown, never left out
            external["unresolvedInputs"] = unresolved
        builder = source.get("builder") or LOCAL_BUILDER
        predicate: dict[str, dict] = {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": external,
                "internalParameters": {"scanner": f"model-gate {report.tool_version}",
                                       "policy": report.extra.get("policy"), "verdict": report.verdict},
                "resolvedDependencies": resolved,
            },
            "runDetails": {"builder": {"id": builder}},
        }
        if source.get("invocation"):
            predicate["runDetails"]["metadata"] = {"invocationId": source["invocation"]}
        out.append({
            "_type": STATEMENT_TYPE,
            "subject": [{"name": target.id, "uri": f"{HUB_URL}/{target.id}", "digest": dict(digest)}],
            "predicateType": PREDICATE_TYPE,
            "predicate": predicate,
        })
    return out


def render_intoto(report: Report, subject_digests: dict[str, dict[str, str]] | None = None) -> str:
    lines = [json.dumps(statement, sort_keys=True, ensure_ascii=False)
             for statement in statements(report, subject_digests or {})]
    return "".join(line + "\n" for line in lines)

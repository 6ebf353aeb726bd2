"""lineage-license-conflict: a model declares a permissive licence while a base it descends from does not."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from gate.discover.interface import Reference
from gate.policy.interface import Finding
from gate.policy.model import Policy
from gate.policy.rules import Rule

PERMISSIVE = frozenset({
    "apache-2.0", "mit", "bsd", "bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear", "isc", "unlicense", "cc0-1.0",
    "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0", "zlib", "bsl-1.0", "artistic-2.0", "afl-3.0", "ecl-2.0",
    "postgresql", "wtfpl", "pddl", "odc-by", "cdla-permissive-1.0", "cdla-permissive-2.0", "ms-pl", "ncsa", "ofl-1.1",
})
"""Hub licence ids with no use restriction beyond attribution. Any other declared licence (llama3, gemma,
cc-by-nc-*, openrail, other, ...) restricts use; `unknown` and an absent licence say nothing."""


def _restrictive(licenses: Iterable[str]) -> list[str]:
    return [lic for lic in licenses if lic.lower() not in PERMISSIVE and lic.lower() != "unknown"]


RULE = Rule(
    id="lineage-license-conflict",
    default_severity="warning",
    description=("A verified model declares a permissive licence (apache-2.0, mit, ...) while a base in its "
                 "lineage is under a restrictive one (llama3, gemma, cc-by-nc-4.0, other, ...)."),
    why=("A fine-tune, adapter, quantization or merge inherits its base's licence terms; relabelling it "
         "apache-2.0 does not lift them. The model's own card then understates what you may do with it."),
    fix=("Treat the model as licensed under its base's terms (and allow those in `licenses` only once reviewed), "
         "or use a model whose whole chain is permissively licensed."),
    stage="verify",
    bad_example="# org/ft (license: apache-2.0) ← meta-llama/Llama-3.1-8B (license: llama3.1)",
    good_example="# org/ft (license: apache-2.0) ← mistralai/Mistral-7B-v0.1 (license: apache-2.0)",
)


def check_lineage(policy: Policy, index: int, reference: Reference, lineage: dict) -> Iterator[Finding]:
    from gate.verify.lineage import chain_text

    model = lineage["model"]
    if not model["license"] or _restrictive(model["license"]):
        return
    restricted = [(a["id"], lic) for a in lineage["ancestors"] if a["status"] == "ok"
                  for lic in _restrictive(a["license"])]
    if not restricted:
        return
    listed = ", ".join(f"{base} ({lic})" for base, lic in dict.fromkeys(restricted))
    yield RULE.finding(
        message=(f"model {model['id']} declares {', '.join(model['license'])}, but it descends from {listed}, "
                 f"whose terms it inherits: {chain_text(lineage)}"),
        remediation=("judge the model under its base's licence: allow that licence in `licenses` only once "
                     "reviewed, or use a model whose whole chain is permissively licensed"),
        path=reference.path, line=reference.line, reference=index,
        details={"model": model["id"], "licenses": model["license"],
                 "inherited": [{"id": base, "license": lic} for base, lic in dict.fromkeys(restricted)]})

"""Provenance in the CycloneDX ML-BOM (issue 18 §3): lineage, training data and what publish targets are made of.

- A model with a lineage carries its licence, `pedigree.ancestors` (one model component per base, each with its
  licence, commit and relation) and a `modelCard` whose `modelParameters.datasets` reference the declared
  training datasets, listed as `data` components (`model-gate:role` = `training-data`).
- A publish target depends on the inputs of its training entry point (`dependencies`), see gate/provenance.py.

cyclonedx-python-lib has no model card type, so `modelCard` is added to the serialized JSON (`add_model_cards`);
the tests validate the result against the CycloneDX 1.6 schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from gate.report.interface import Report
from gate.vocabulary import DEFAULT_HUB_ENDPOINT

if TYPE_CHECKING:
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component
    from cyclonedx.model.license import DisjunctiveLicense
    from packageurl import PackageURL

PROPERTY_PREFIX = "model-gate:"


def _licenses(names: Iterable[str]) -> list[DisjunctiveLicense]:
    from cyclonedx.model.license import DisjunctiveLicense

    # Hub licence ids (llama3, openrail, other) are mostly not SPDX ids: named, never guessed into an SPDX id.
    return [DisjunctiveLicense(name=name) for name in names]


def _hub_purl(repo_id: str, sha: str | None, kind: str = "model") -> PackageURL:
    from packageurl import PackageURL

    namespace, _, name = repo_id.rpartition("/")
    qualifiers = {"repository_url": f"{DEFAULT_HUB_ENDPOINT}/datasets"} if kind == "dataset" else None
    return PackageURL(type="huggingface", namespace=namespace or None, name=name, version=sha, qualifiers=qualifiers)


def _ancestor(bom_ref: str, ancestor: dict) -> Component:
    from cyclonedx.model import Property
    from cyclonedx.model.component import Component, ComponentType

    props = [Property(name=f"{PROPERTY_PREFIX}{key}", value=str(ancestor[key]))
             for key in ("relation", "of", "depth", "status") if ancestor.get(key) is not None]
    return Component(bom_ref=bom_ref, type=ComponentType.MACHINE_LEARNING_MODEL, name=ancestor["id"],
                     version=ancestor.get("sha"), purl=_hub_purl(ancestor["id"], ancestor.get("sha")),
                     licenses=_licenses(ancestor.get("license") or ()), properties=props)


def add_provenance(bom: Bom, report: Report, component_of: dict[int, Component]) -> dict[str, list[str]]:
    """Lineage and publish-target dependencies on `bom`; returns model bom-ref -> training data bom-refs (for
    `add_model_cards`). `component_of`: reference index -> its component."""
    from cyclonedx.model import Property
    from cyclonedx.model.component import Component, ComponentType, Pedigree

    from gate.verify.lineage import chain_text

    cards: dict[str, list[str]] = {}
    data_components: dict[str, Component] = {}
    done: set[str] = set()
    for index, reference in enumerate(report.references):
        component = component_of.get(index)
        lineage = reference.lineage
        if component is None or not lineage or str(component.bom_ref) in done:
            continue
        model_ref = str(component.bom_ref)
        done.add(model_ref)
        if lineage["model"]["license"]:
            component.licenses = _licenses(lineage["model"]["license"])
        ancestors = [_ancestor(f"{model_ref}-base-{n}", a) for n, a in enumerate(lineage["ancestors"], start=1)]
        if ancestors:
            component.pedigree = Pedigree(ancestors=ancestors)
        component.properties.add(Property(name=f"{PROPERTY_PREFIX}lineage", value=chain_text(lineage)))
        component.properties.add(Property(name=f"{PROPERTY_PREFIX}lineage:complete",
                                          value=str(lineage["complete"]).lower()))
        refs = []
        for declared in lineage["datasets"]:
            key = declared["id"].lower()
            if key not in data_components:
                data_components[key] = Component(
                    bom_ref=f"model-gate-training-data-{len(data_components) + 1}", type=ComponentType.DATA,
                    name=declared["id"], purl=_hub_purl(declared["id"], None, "dataset"),
                    properties=[Property(name=f"{PROPERTY_PREFIX}role", value="training-data"),
                                Property(name=f"{PROPERTY_PREFIX}declared_by", value=declared["declared_by"])])
                bom.components.add(data_components[key])
            refs.append(str(data_components[key].bom_ref))
        cards[model_ref] = list(dict.fromkeys(refs))
    for produced in report.extra.get("produces") or ():
        target = component_of.get(produced["target"])
        inputs = list({id(c): c for c in (component_of.get(i) for i in produced["inputs"]) if c is not None}.values())
        if target is not None:
            bom.register_dependency(target, inputs)
            for path in produced["entry_points"]:
                prop = Property(name=f"{PROPERTY_PREFIX}entry_point", value=path)
                if prop not in target.properties:
                    target.properties.add(prop)
    return cards


def add_model_cards(document: dict, cards: dict[str, list[str]]) -> dict:
    """`modelCard` on each model component with a lineage: its training datasets by reference."""
    for component in document.get("components") or ():
        datasets = cards.get(component.get("bom-ref"))
        if datasets is None:
            continue
        parameters = {"datasets": [{"ref": ref} for ref in datasets]} if datasets else {}
        component["modelCard"] = {"bom-ref": f"{component['bom-ref']}-card", "modelParameters": parameters}
    return document

"""CycloneDX 1.6 ML-BOM: one component per distinct model, dataset or metric the repository loads, and one per
repository it publishes to.

Each loaded component carries a purl (`pkg:huggingface/<org>/<name>@<sha>` for Hub repositories,
`pkg:mlflow/<name>@<version>?repository_url=<registry>&run_id=<run>` for MLflow registry models), the places that
load it as evidence occurrences, and model-gate's judgement (pinned or not, findings) as `model-gate:*`
properties. A publish target (`model-gate:role` = `publish`) is something the repository produces, not downloads:
it has no purl and no distribution link. `model-gate:confidence` says whether a known API found it (`high`) or
context alone (`medium`); an `evaluate` metric (`model-gate:kind` = `metric`) is a library component, since its
Space's code runs. Like every format it only renders the report; it decides nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gate.discover.interface import Reference
from gate.report.interface import Report
from gate.vocabulary import DEFAULT_HUB_ENDPOINT

if TYPE_CHECKING:
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component
    from packageurl import PackageURL

    from gate.policy.interface import Finding

PROPERTY_PREFIX = "model-gate:"
HUB_URL = DEFAULT_HUB_ENDPOINT
# The purl-spec `huggingface` type names model repositories; a dataset is told apart by its repository_url,
# the qualifier the spec defines for repositories other than the default one.
DATASETS_REPOSITORY_URL = f"{HUB_URL}/datasets"
SPACES_REPOSITORY_URL = f"{HUB_URL}/spaces"
# A Hub URL (`source: url`) names the same repository as a Hub id does: one component, one purl.
HUB_SOURCES = ("huggingface", "url")


@dataclass
class _Entry:
    """Everything the report says about one distinct model or dataset."""

    first: Reference
    references: list[tuple[int, Reference]] = field(default_factory=list)


def _component_key(reference: Reference) -> tuple:
    # Hub ids are case-insensitive; two pins of the same repository are two different things loaded.
    if reference.kind == "artifact":
        return ("artifact", reference.path, reference.sha256)
    # Unpinned uses (`@main`, no revision, a tag) all name "whatever the branch is today": one component (the purl
    # has no version for them), with each revision written as a property. Each pinned commit is its own.
    revision = reference.revision if reference.pinned else None
    if reference.source in HUB_SOURCES:
        return (reference.role, reference.kind, "huggingface", (reference.id or "").lower(), revision)
    if reference.source == "mlflow":  # one model name on two registries is two models; each alias is its own
        return (reference.role, reference.kind, "mlflow", reference.registry, reference.id, reference.revision)
    return (reference.role, reference.kind, reference.source, reference.id, revision)


def _hub_location(reference: Reference) -> str | None:
    """Where a loaded Hub repository lives: the models root, `/datasets`, or `/spaces` for a metric with an org
    (a legacy metric name such as `accuracy` is resolved by `evaluate` itself: no location is claimed for it)."""
    if reference.kind == "dataset":
        return DATASETS_REPOSITORY_URL
    if reference.kind == "metric":
        return SPACES_REPOSITORY_URL if "/" in (reference.id or "") else None
    return HUB_URL


def _registry_versions(report: Report) -> list[dict]:
    """What verification resolved each MLflow query to (`verification.mlflow.versions`), if it ran."""
    return list(((report.extra.get("verification") or {}).get("mlflow") or {}).get("versions") or ())


def _registry_version(reference: Reference, versions: list[dict]) -> dict:
    """The verified version of an MLflow reference: {registry, version, run_id, source}, or {} when unknown."""
    for answer in versions:
        if (answer["name"], answer.get("revision")) == (reference.id, reference.revision) and (
                reference.registry is None or answer["registry"] == reference.registry):
            return answer
    return {"registry": reference.registry} if reference.registry else {}


def _purl(reference: Reference, registry: dict | None = None) -> PackageURL | None:
    from packageurl import PackageURL

    registry = registry or {}
    if reference.kind == "artifact" or not reference.id or reference.role == "publish":
        return None  # a publish target is produced here, not downloaded: a purl would pretend otherwise
    version = reference.revision if reference.pinned else None
    if reference.source in HUB_SOURCES:
        location = _hub_location(reference)
        if location is None:
            return None
        namespace, _, name = reference.id.rpartition("/")
        qualifiers = {"repository_url": location} if location != HUB_URL else None
        return PackageURL(type="huggingface", namespace=namespace or None, name=name, version=version,
                          qualifiers=qualifiers)
    if reference.source == "mlflow" and not reference.id.startswith("runs:/"):
        # purl-spec `mlflow`: the registry as repository_url, the run as run_id.
        qualifiers = {key: value for key, value in (("repository_url", registry.get("registry")),
                                                    ("run_id", registry.get("run_id"))) if value}
        return PackageURL(type="mlflow", name=reference.id, version=version, qualifiers=qualifiers or None)
    return None


def _hub_page(reference: Reference) -> str | None:
    if reference.source not in HUB_SOURCES or not reference.id or reference.kind == "artifact" \
            or reference.role == "publish":
        return None
    prefix = _hub_location(reference)
    if prefix is None:
        return None
    page = f"{prefix}/{reference.id}"
    return f"{page}/tree/{reference.revision}" if reference.pinned else page


def _properties(entry: _Entry, findings_by_reference: dict[int, list[Finding]],
                registry: dict | None = None) -> list:
    from cyclonedx.model import Property

    registry = registry or {}
    first = entry.first
    # Found by a known API anywhere makes the component certain; medium only when every place is context alone.
    confidence = "high" if any(ref.confidence == "high" for _, ref in entry.references) else "medium"
    props = [
        Property(name=f"{PROPERTY_PREFIX}source", value=first.source),
        Property(name=f"{PROPERTY_PREFIX}kind", value=first.kind),
        Property(name=f"{PROPERTY_PREFIX}role", value=first.role),
        Property(name=f"{PROPERTY_PREFIX}confidence", value=confidence),
    ]
    if first.role != "publish":
        props += [Property(name=f"{PROPERTY_PREFIX}pinned", value=str(first.pinned).lower()),
                  Property(name=f"{PROPERTY_PREFIX}pinnable", value=str(first.pinnable).lower())]
    for revision in sorted({ref.revision for _, ref in entry.references if ref.revision}):
        props.append(Property(name=f"{PROPERTY_PREFIX}revision", value=revision))
    if first.format:
        props.append(Property(name=f"{PROPERTY_PREFIX}format", value=first.format))
    for key in ("registry", "version", "run_id", "source"):
        if registry.get(key):
            props.append(Property(name=f"{PROPERTY_PREFIX}mlflow:{key}", value=str(registry[key])))
    apis = sorted({ref.api for _, ref in entry.references})
    props.extend(Property(name=f"{PROPERTY_PREFIX}api", value=api) for api in apis)
    signatures = sorted({ref.signature.get("status") or "" for _, ref in entry.references if ref.signature} - {""})
    props.extend(Property(name=f"{PROPERTY_PREFIX}signature", value=status) for status in signatures)
    remote_code = {ref.trust_remote_code for _, ref in entry.references}
    if True in remote_code or None in remote_code:
        value = "true" if True in remote_code else "unknown"
        props.append(Property(name=f"{PROPERTY_PREFIX}trust_remote_code", value=value))
    seen: set[tuple] = set()
    for index, _ in entry.references:
        for finding in findings_by_reference.get(index, ()):
            state = "waived" if finding.waived_by is not None else finding.severity
            key = (finding.rule, state, finding.message)
            if key in seen:
                continue
            seen.add(key)
            props.append(Property(name=f"{PROPERTY_PREFIX}finding:{finding.rule}", value=f"{state}: {finding.message}"))
    return props


def _component(bom_ref: str, entry: _Entry, findings_by_reference: dict[int, list[Finding]],
               versions: Sequence[dict] = ()) -> Component:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, XsUri
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence

    first = entry.first
    registry = _registry_version(first, list(versions)) if first.source == "mlflow" else None
    kind = {"dataset": ComponentType.DATA, "metric": ComponentType.LIBRARY}.get(
        first.kind, ComponentType.MACHINE_LEARNING_MODEL)
    name = (first.id or "") if first.kind != "artifact" else first.path  # _build lists only references with an id
    hashes = [HashType(alg=HashAlgorithm.SHA_256, content=first.sha256)] if first.sha256 else None
    page = _hub_page(first)
    occurrences = [
        Occurrence(location=ref.path, line=ref.line, offset=ref.column, symbol=ref.api)
        for _, ref in sorted(entry.references, key=lambda item: (item[1].path, item[1].line, item[1].column))
    ]
    return Component(
        bom_ref=bom_ref,
        type=kind,
        name=name,
        version=first.revision if first.pinned and first.role != "publish" else None,
        purl=_purl(first, registry),
        hashes=hashes,
        external_references=[ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(page))]
        if page else None,
        evidence=ComponentEvidence(occurrences=occurrences),
        properties=_properties(entry, findings_by_reference, registry),
    )


def build_bom(report: Report) -> Bom:
    """The report as a `cyclonedx.model.bom.Bom` (for callers that want to add to it)."""
    return _build(report)[0]


def _build(report: Report) -> tuple[Bom, dict[str, list[str]]]:
    """The Bom, and model bom-ref -> training data bom-refs for the model cards added to its JSON."""
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType

    findings_by_reference: dict[int, list[Finding]] = {}
    for finding in report.findings:
        index = report.reference_index(finding)
        if index is not None:
            findings_by_reference.setdefault(index, []).append(finding)

    entries: dict[tuple, _Entry] = {}
    unresolved = 0
    for index, reference in enumerate(report.references):
        if reference.kind != "artifact" and not reference.id:
            unresolved += 1  # a dynamic id names nothing a BOM can list; counted below so it is not hidden
            continue
        entry = entries.setdefault(_component_key(reference), _Entry(first=reference))
        entry.references.append((index, reference))

    bom = Bom()
    # The subject of the BOM: the repository that was scanned (its commit when the scan knows it).
    bom.metadata.component = Component(
        type=ComponentType.APPLICATION, bom_ref="scanned-repository", name=_repository_name(report),
        version=report.extra.get("commit"))
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name="model-gate", version=report.tool_version)
    )
    counts = report.counts()
    metadata_props = [
        Property(name=f"{PROPERTY_PREFIX}verdict", value=report.verdict),
        Property(name=f"{PROPERTY_PREFIX}files_scanned", value=str(report.files_scanned)),
        Property(name=f"{PROPERTY_PREFIX}unresolved_references", value=str(unresolved)),
        *(Property(name=f"{PROPERTY_PREFIX}count:{name}", value=str(value)) for name, value in counts.items()),
    ]
    if report.extra.get("policy"):
        metadata_props.append(Property(name=f"{PROPERTY_PREFIX}policy", value=str(report.extra["policy"])))
    verification = report.extra.get("verification") or {}
    if verification:  # without it, the components' findings come from the policy alone (no registry was asked)
        metadata_props.append(Property(name=f"{PROPERTY_PREFIX}verification", value=str(verification.get("mode"))))
        if verification.get("endpoint"):
            metadata_props.append(Property(name=f"{PROPERTY_PREFIX}verification:endpoint",
                                           value=str(verification["endpoint"])))
    metadata_props.extend(
        Property(name=f"{PROPERTY_PREFIX}unresolved", value=f"{ref.path}:{ref.line}: {ref.expression or ref.api}")
        for ref in report.references
        if ref.kind != "artifact" and not ref.id
    )
    for finding in report.findings:
        if finding.subject is None:
            state = "waived" if finding.waived_by is not None else finding.severity
            metadata_props.append(
                Property(name=f"{PROPERTY_PREFIX}finding:{finding.rule}", value=f"{state}: {finding.message}")
            )
    for prop in metadata_props:
        bom.metadata.properties.add(prop)

    component_of: dict[int, Component] = {}
    loaded = []
    registry_versions = _registry_versions(report)
    for number, entry in enumerate(entries.values(), start=1):
        component = _component(f"model-gate-{number}", entry, findings_by_reference, registry_versions)
        bom.components.add(component)
        component_of.update((index, component) for index, _ in entry.references)
        if entry.first.role != "publish":
            loaded.append(component)
    bom.register_dependency(bom.metadata.component, loaded)  # the repository depends on what it loads
    from gate.report.cyclonedx_provenance import add_provenance

    return bom, add_provenance(bom, report, component_of)  # lineage, training data, publish inputs


def _repository_name(report: Report) -> str:
    import os

    return str(report.extra.get("repository") or os.path.basename(os.path.normpath(report.root)) or report.root)


def render_cyclonedx(report: Report) -> str:
    import json

    from cyclonedx.output.json import JsonV1Dot6

    from gate.report.cyclonedx_provenance import add_model_cards

    bom, cards = _build(report)
    document = json.loads(JsonV1Dot6(bom).output_as_string())
    return json.dumps(add_model_cards(document, cards), indent=2, ensure_ascii=False) + "\n"

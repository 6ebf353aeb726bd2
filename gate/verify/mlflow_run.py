"""The MLflow part of the verification stage: plan one query per (registry, model, revision), ask each registry
through `MlflowService`, turn answers into findings (gate/verify/mlflow_checks.py), fail closed on the rest."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass

from gate.errors import VerificationError
from gate.verify.interface import VerifySettings
from gate.verify.mlflow import (
    INSTALL_COMMAND,
    MlflowService,
    RegistryQuery,
    display_uri,
    registry_for,
    unsupported_registry,
)
from gate.verify.mlflow_checks import findings_for


@dataclass
class RegistryOutcome:
    findings: list
    """New findings (verification, tags, registry not allowed, failures)."""
    resolved: dict
    """reference index -> the answer's version, for unpinned references (the fix names it)."""
    stats: dict


def verify_registry_references(policy, references, settings: VerifySettings, deadline_at: float,
                               configured_registry: str | None = None, token: str | None = None) -> RegistryOutcome:
    """Verify every MLflow reference (sequentially per registry; registries are few and answer fast)."""
    from gate.policy.rules.registry_not_allowed import RULE as NOT_ALLOWED
    from gate.policy.rules.registry_not_allowed import message_and_fix

    started = time.monotonic()
    findings: list = []
    users: dict[RegistryQuery, list[int]] = {}
    pinned_files: dict[RegistryQuery, set[str]] = {}
    for index, reference in enumerate(references):
        if reference.source != "mlflow" or reference.dynamic or not reference.id or reference.role != "load":
            continue
        registry = registry_for(reference, policy, configured_registry)
        if registry is None:
            findings.append(_failed([index], references, "no MLflow registry is known for it: set "
                                    "MLFLOW_TRACKING_URI, or list the server in the policy's registries:", None))
            continue
        if unsupported_registry(registry):
            findings.append(_failed([index], references, unsupported_registry(registry), None))
            continue
        if policy.registries and policy.registry_entry(registry) is None:
            if not reference.registry:  # one the file names was judged by the policy stage already
                message, fix = message_and_fix(policy, reference, display_uri(registry), "from the environment")
                findings.append(NOT_ALLOWED.finding(message=message, remediation=fix, path=reference.path,
                                                    line=reference.line, reference=index,
                                                    details={"registry": display_uri(registry)}))
            continue  # never send the credentials to a server the policy does not list
        query = RegistryQuery(registry, reference.id, reference.revision)
        users.setdefault(query, []).append(index)
        entry = policy.entry_for(reference)
        pinned_files.setdefault(query, set()).update((entry.files if entry is not None else {}).keys())
    resolved: dict = {}
    versions: list[dict] = []
    failed = 0
    services: dict[str, MlflowService | VerificationError] = {}
    with tempfile.TemporaryDirectory(prefix="model-gate-mlflow-", ignore_cleanup_errors=True) as download_dir:
        for query, indexes in users.items():
            service = services.get(query.registry)
            if service is None:
                try:
                    service = MlflowService(query.registry, settings, deadline_at, download_dir,
                                            scan_pickles=policy.defaults.scan_hub_pickles, token=token)
                except VerificationError as exc:
                    service = exc
                services[query.registry] = service
            try:
                if isinstance(service, VerificationError):
                    raise service
                answer = service.answer(query, tuple(sorted(pinned_files[query])))
            except VerificationError as exc:
                failed += 1
                findings.append(_failed(indexes, references, str(exc).removeprefix(f"{query.label()}: "), query))
                continue
            if answer.status == "ok":
                versions.append({"registry": display_uri(query.registry), "name": query.name,
                                 "revision": query.revision, "version": answer.version, "run_id": answer.run_id,
                                 "source": answer.source, "signature": answer.signature})
            for index in indexes:
                findings.extend(findings_for(policy, index, references[index], answer))
                if answer.status == "ok" and answer.version and not references[index].pinned:
                    resolved[index] = answer.version
    stats = {"queries": len(users), "failed": failed, "registries": sorted({display_uri(q.registry) for q in users}),
             "seconds": round(time.monotonic() - started, 3), "versions": versions}
    return RegistryOutcome(findings, resolved, stats)


def _failed(indexes: list[int], references, reason: str, query: RegistryQuery | None):
    from gate.policy.rules.verification_failed import RULE

    first = references[indexes[0]]
    label = query.label() if query else f"MLflow model '{first.id}'"
    count = f" ({len(indexes)} references)" if len(indexes) > 1 else ""
    install = INSTALL_COMMAND in reason
    return RULE.finding(
        message=f"could not verify {label}{count}: {reason}",
        remediation=(f"install the MLflow client ({INSTALL_COMMAND}) and re-run" if install else
                     f"check that {display_uri(query.registry) if query else 'the registry'} is reachable and that "
                     "MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME/PASSWORD) is valid, then re-run; "
                     "`--verify-failure warn` lets the scan pass unverified (an explicit opt-out)"),
        path=first.path, line=first.line, reference=indexes[0],
        details={"kind": "mlflow", "id": first.id, "revision": first.revision, "reason": reason,
                 "registry": display_uri(query.registry) if query else None, "references": list(indexes)})

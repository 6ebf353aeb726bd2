"""The MLflow part of the verification stage: ask each registry through `MlflowService`. I/O only.

The queries (one per registry, model and revision, with the files a policy pins) are planned by
`gate.policy.judge.plan_registries`, which also decides which servers may be asked at all; the answers are
judged by the rule modules (`check_registry_answer`)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gate.errors import VerificationError
from gate.verify.interface import VerifyConfig
from gate.verify.mlflow import MlflowService, RegistryAnswer, RegistryQuery, display_uri


@dataclass(frozen=True)
class RegistryEvidence:
    """What the MLflow registries said about the run's queries."""

    answers: Mapping[RegistryQuery, RegistryAnswer]
    failures: Mapping[RegistryQuery, str]
    """Query -> why it has no answer (tokens redacted)."""
    stats: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """queries, failed, registries, seconds, versions: the report's `verification.mlflow`."""


def gather_registries(queries: Mapping[RegistryQuery, tuple[str, ...]], config: VerifyConfig, *,
                      scan_pickles: bool = False) -> RegistryEvidence:
    """Answers for `queries` (query -> pinned artifact files), sequentially per registry (registries are few and
    answer fast), within the deadline."""
    started = time.monotonic()
    deadline_at = started + config.settings.deadline
    answers: dict[RegistryQuery, RegistryAnswer] = {}
    failures: dict[RegistryQuery, str] = {}
    versions: list[dict] = []
    services: dict[str, MlflowService | VerificationError] = {}
    with tempfile.TemporaryDirectory(prefix="model-gate-mlflow-", ignore_cleanup_errors=True) as download_dir:
        for query, files in queries.items():
            service = services.get(query.registry)
            if service is None:
                try:
                    service = MlflowService(query.registry, config.settings, deadline_at, download_dir,
                                            scan_pickles=scan_pickles, credentials=config.mlflow_credentials)
                except VerificationError as exc:
                    service = exc
                services[query.registry] = service
            try:
                if isinstance(service, VerificationError):
                    raise service
                answer = service.answer(query, files)
            except VerificationError as exc:
                failures[query] = config.redact(str(exc).removeprefix(f"{query.label()}: "))
                continue
            answers[query] = answer
            if answer.status == "ok":
                versions.append({"registry": display_uri(query.registry), "name": query.name,
                                 "revision": query.revision, "version": answer.version, "run_id": answer.run_id,
                                 "source": answer.source, "signature": answer.signature})
    stats = {"queries": len(queries), "failed": len(failures),
             "registries": sorted({display_uri(q.registry) for q in queries}),
             "seconds": round(time.monotonic() - started, 3), "versions": versions}
    return RegistryEvidence(answers, failures, stats)

"""Turn one MLflow registry answer into findings for one reference. Pure: no I/O, the policy decides."""

from __future__ import annotations

from gate.verify.mlflow import UNUSABLE_STAGES, RegistryAnswer, display_uri


def _rule(rule_id: str):
    from gate.policy.rules import rule_module

    return rule_module(rule_id).RULE


def _required_tags(policy, entry, registry: str) -> dict:
    listed = policy.registry_entry(registry)
    required = dict(listed.require_tags if listed is not None else {})
    required.update(entry.tags if entry is not None else {})
    return required


def findings_for(policy, index: int, reference, answer: RegistryAnswer) -> list:
    """Every verification finding for one MLflow reference given the registry's answer."""
    where = display_uri(answer.query.registry)
    what = f"MLflow model '{reference.id}'" if not reference.id.startswith("runs:/") else f"MLflow {reference.id}"
    details = {"registry": where, "revision": reference.revision}

    def finding(rule_id: str, message: str, remediation: str, **extra):
        return _rule(rule_id).finding(message=message, remediation=remediation, path=reference.path,
                                      line=reference.line, reference=index,
                                      details={**details, **{k: v for k, v in extra.items() if v is not None}})

    if answer.status == "model-not-found":
        return [finding("repo-not-found", f"{what} does not exist on {where}, or the credentials do not grant access",
                        "check the name for typos; for access set MLFLOW_TRACKING_TOKEN (or "
                        "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)")]
    if answer.status == "version-not-found":
        missing = "the run" if reference.id.startswith("runs:/") else (
            f"alias '{reference.revision}'" if (reference.revision or "").startswith("@") else
            f"version {reference.revision}" if (reference.revision or "").isdigit() else
            f"a version for '{reference.revision or 'latest'}'")
        hint = (f"pin to a version that exists: models:/{reference.id}/{answer.latest_version} (the newest)"
                if answer.latest_version else "register the model version, or load one that exists")
        return [finding("revision-not-found", f"{missing} of {what} does not exist on {where} (deleted, or never "
                        "registered)", hint, latest_version=answer.latest_version)]
    out = []
    resolved = {"version": answer.version, "run_id": answer.run_id, "source": answer.source}
    unusable = []
    if answer.version_status and answer.version_status not in ("READY", "FINISHED"):
        unusable.append(f"its status is {answer.version_status}, not READY")
    if (answer.stage or "").lower() in UNUSABLE_STAGES:
        unusable.append(f"it is in the {answer.stage} stage")
    if unusable:
        label = f"version {answer.version}" if answer.version else "the run"
        out.append(finding("registry-version-unusable", f"{label} of {what} on {where}: {' and '.join(unusable)}",
                           "load a READY version that is not archived", **resolved))
    required = _required_tags(policy, policy.entry_for(reference), answer.query.registry)
    # A registered version carries its review as version tags; a bare run URI only has the run's tags.
    tags, label = (answer.tags, f"version {answer.version} of {what}") if answer.version else (
        answer.run_tags, what)
    for key, wanted in sorted(required.items()):
        allowed = [str(w) for w in wanted] if isinstance(wanted, list) else [str(wanted)]
        actual = tags.get(key)
        if actual in allowed:
            continue
        has = f"has {key}={actual}" if actual is not None else f"has no tag {key}"
        fix = (f"MlflowClient().set_model_version_tag({reference.id!r}, {answer.version!r}, {key!r}, "
               f"{allowed[0]!r})" if answer.version else
               f"MlflowClient().set_tag({answer.run_id!r}, {key!r}, {allowed[0]!r})")
        out.append(finding(
            "registry-tag-missing",
            f"{label} on {where} {has}; the policy requires {key}={' or '.join(allowed)}",
            f"load a version tagged {key}={allowed[0]}, or tag this one after review: {fix}",
            tag=key, required=allowed, actual=actual, **resolved))
    if answer.pickle_scans:
        from gate.verify.pickles import pickle_findings, thresholds

        malicious_at, suspicious_at = thresholds(policy.defaults)
        out.extend(pickle_findings(list(answer.pickle_scans), malicious_at=malicious_at, suspicious_at=suspicious_at,
                                   path=reference.path, line=reference.line, reference=index))
    entry = policy.entry_for(reference)
    for path, pin in sorted((entry.files if entry is not None else {}).items()):
        expected = str(pin).lower().removeprefix("sha256:")
        actual = answer.file_sha256.get(path)
        if actual is None:
            out.append(finding("file-hash-mismatch", f"{path}, pinned by hash in the policy, is absent from version "
                               f"{answer.version} of {what} on {where}",
                               "load the version that holds the reviewed file, or update the policy's `files`",
                               file=path, expected=expected, **resolved))
        elif actual != expected:
            out.append(finding("file-hash-mismatch", f"{path} of version {answer.version} of {what} on {where} has "
                               f"sha256 {actual}, but the policy pins sha256:{expected}",
                               f'load the reviewed version, or, after review, set `files: {{"{path}": '
                               f'"sha256:{actual}"}}`', file=path, expected=expected, actual=actual, **resolved))
    return out


def resolved_registry_pin(finding, references, resolved: dict):
    """An `unpinned-revision` finding of an MLflow reference, its fix naming the version it points at now."""
    if finding.rule != "unpinned-revision" or finding.reference not in resolved:
        return finding
    from gate.policy.fixes import pin_instruction

    reference = references[finding.reference]
    version = resolved[finding.reference]
    followed = reference.revision or "latest"
    return finding.with_(
        remediation=f"{pin_instruction(reference, version)} (the version {followed} points at now)",
        details={**finding.details, "resolved_version": version, "followed": followed})

"""malicious-pickle: a committed (or Hub) pickle would run dangerous code when loaded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gate.policy.interface import Finding
from gate.policy.rules import RegistryContext, Rule, rule_module
from gate.verify.content_interface import PickleScan
from gate.verify.pickles import severity_rank, thresholds

RULE = Rule(
    id="malicious-pickle",
    default_severity="error",
    stage="pickle",
    description=(
        "The static pickle scan finds that loading this pickle-based file (raw pickle of any protocol, PyTorch or "
        "TorchScript zip, joblib plain or compressed, object .npy, a pickle inside any zip/tar/7z archive) would "
        "import or call something outside the allowlist of what real checkpoints carry."
    ),
    why=(
        "`pickle.load` / `torch.load` execute whatever the file tells them to: `os.system`, `subprocess`, `eval`, "
        "`exec`, `getattr` and `importlib` chains, nested `pickle.loads`. A model file is then a program run with "
        "your CI's or your users' credentials. The file was analysed statically and never loaded."
    ),
    fix=(
        "Delete the file and do not load it anywhere. Get the weights as safetensors from a trusted source "
        "(or convert a trusted copy with `safetensors`), and rotate any credential a previous load could have seen."
    ),
    bad_example="torch.load('model.pt')  # archive/data.pkl imports posix.system",
    good_example="safetensors.torch.load_file('model.safetensors')",
)


def check_scans(policy: Any, scans: Iterable[Any], *, path: str | None, line: int | None,
                reference: int | None) -> list[Finding]:
    """malicious-pickle or suspicious-pickle (at most one) and unanalysable-model-file for the static scans of one
    file, at the policy's `pickle_scan` thresholds."""
    malicious_at, suspicious_at = thresholds(policy.defaults)
    found: list[Finding] = pickle_findings(list(scans), malicious_at=malicious_at, suspicious_at=suspicious_at,
                                           path=path, line=line, reference=reference)
    return found


def check_registry_answer(context: RegistryContext) -> Iterator[Finding]:
    if context.answer.pickle_scans:
        yield from check_scans(context.policy, context.answer.pickle_scans, path=context.reference.path,
                               line=context.reference.line, reference=context.index)


def pickle_findings(scans: list[PickleScan], *, malicious_at: str, suspicious_at: str, path: str | None,
                    line: int | None, reference: int | None) -> list[Finding]:
    """malicious-pickle or suspicious-pickle (at most one), naming imports and calls; and
    unanalysable-model-file when part of the file could not be analysed and nothing malicious was found."""
    judged = [s for s in scans if not s.unanalysable]
    findings: list[Finding] = []
    flagged = [s for s in judged if severity_rank(s.severity) >= min(severity_rank(malicious_at),
                                                                     severity_rank(suspicious_at))]
    malicious = False
    if flagged:
        worst = max(flagged, key=lambda s: severity_rank(s.severity))
        malicious = severity_rank(worst.severity) >= severity_rank(malicious_at)
        findings.append(_flagged_finding(flagged, worst, malicious, path, line, reference))
    unanalysable = [s for s in scans if s.unanalysable]
    if unanalysable and not malicious:
        first = unanalysable[0]
        members = [s.member for s in unanalysable if s.member]
        where = f" (in {', '.join(members)})" if members else ""
        rule: Rule = rule_module("unanalysable-model-file").RULE
        findings.append(rule.finding(
            message=f"{first.path}{where} could not be analysed: {first.unanalysable}. It is not known to be safe.",
            remediation=(f"Do not load {first.path} until it is understood: re-export the weights as safetensors, "
                         "or add an exception with a reason if the file is trusted."),
            path=path, line=line, reference=reference,
            details={"reasons": [s.unanalysable for s in unanalysable], "members": members}))
    return findings


def _flagged_finding(flagged: list[PickleScan], worst: PickleScan, malicious: bool, path: str | None,
                     line: int | None, reference: int | None) -> Finding:
    rule: Rule = RULE if malicious else rule_module("suspicious-pickle").RULE
    triggers = list(dict.fromkeys(t for s in flagged for t in s.triggers))
    members = [s.member for s in flagged if s.member]
    shown = ", ".join(f"`{t}`" for t in triggers[:8]) + (f" and {len(triggers) - 8} more" if len(triggers) > 8 else "")
    if not shown:
        shown = next((m for s in flagged for m in s.messages), "constructs that cannot be proved safe")
    where = f" (in {', '.join(members)})" if members else ""
    verdict = "would run dangerous code when loaded" if malicious else "contains constructs that need review"
    message = f"{worst.path}{where} {verdict}: {shown}. Rated {worst.severity}."
    remediation = (
        f"Do not load {worst.path}: delete it, get the weights as safetensors from a trusted source, and rotate any "
        "credential a past load could have exposed."
        if malicious
        else f"Review {worst.path}: the named classes are not in model-gate's allowlist of what checkpoints carry; "
        "prefer a safetensors export, or add an exception with a reason if the file is trusted."
    )
    details = {
        "fickling_severity": worst.severity,
        "triggers": triggers,
        "members": members,
        "analysis": [m for s in flagged for m in s.messages],
    }
    return rule.finding(message=message, remediation=remediation, path=path, line=line, reference=reference,
                        details=details)

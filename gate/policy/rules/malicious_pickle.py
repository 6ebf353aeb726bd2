"""malicious-pickle: a committed (or Hub) pickle would run dangerous code when loaded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gate.policy.interface import Finding
from gate.policy.rules import RegistryContext, Rule

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
    file, at the policy's `pickle_scan` thresholds (the wording sits with the scanner: gate/verify/pickles.py)."""
    from gate.verify.pickles import pickle_findings, thresholds

    malicious_at, suspicious_at = thresholds(policy.defaults)
    found: list[Finding] = pickle_findings(list(scans), malicious_at=malicious_at, suspicious_at=suspicious_at,
                                           path=path, line=line, reference=reference)
    return found


def check_registry_answer(context: RegistryContext) -> Iterator[Finding]:
    if context.answer.pickle_scans:
        yield from check_scans(context.policy, context.answer.pickle_scans, path=context.reference.path,
                               line=context.reference.line, reference=context.index)

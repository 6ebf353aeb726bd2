"""unsafe-model-code: a model file that is not a pickle still carries code (or escapes its directory)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gate.policy.interface import Finding, Severity
from gate.policy.rules import Rule

RULE = Rule(
    id="unsafe-model-code",
    default_severity="error",
    stage="pickle",
    description=(
        "A committed model file carries code outside any pickle: a Keras `Lambda` layer (`.keras`, `.h5`), a "
        "TensorFlow `PyFunc` op (`saved_model.pb`), an ONNX custom-op domain or external data outside the model "
        "directory, an archive member that extracts outside its directory; or (warning) a GGUF chat template that "
        "calls beyond Jinja's built-ins, a TensorFlow graph with file-system ops."
    ),
    why=(
        "These formats are called safe because they hold data, but each has an escape hatch: Keras Lambda layers "
        "are marshalled Python bytecode run at load, `PyFunc` calls Python from the graph, custom ONNX domains need a "
        "native library, external data paths read arbitrary files, and some runtimes render chat templates with "
        "full Jinja. The file was read statically (no keras, TensorFlow or onnx runtime) and never loaded."
    ),
    fix=(
        "Replace the Lambda layer with a registered custom layer class, the PyFunc with TensorFlow ops, the custom "
        "ONNX op with standard ones; keep external data beside the model; keep chat templates to Jinja's built-ins. "
        "Or, if the file is trusted, add an exception with a reason."
    ),
    bad_example="model.keras   # config.json: {\"class_name\": \"Lambda\", \"config\": {\"function\": ...}}",
    good_example="model.keras   # only built-in and registered layers",
)


def check_code(code: Sequence[Any], *, path: str | None, line: int | None, reference: int | None) -> list[Finding]:
    """One finding per file, naming every piece of code the scanners found in it and where."""
    if not code:
        return []
    severity: Severity = "error" if any(c.severity == "error" for c in code) else "warning"
    shown = "; ".join(c.detail for c in code[:5]) + (f"; and {len(code) - 5} more" if len(code) > 5 else "")
    return [RULE.finding(
        message=shown,
        remediation=(f"Do not load {code[0].path} until the code it carries is reviewed: {RULE.fix}"),
        path=path, line=line, reference=reference, severity=severity,
        details={"code": [{"kind": c.kind, "where": c.member, "detail": c.detail, "severity": c.severity}
                          for c in code]})]

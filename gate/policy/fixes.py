"""Remediation text shared by the rules: the exact fix in the syntax the reference is written in."""

from __future__ import annotations

import json
from typing import Any

from gate.discover.shell_finder import LAYER_SEPARATOR

SHA_PLACEHOLDER = "<40-hex sha>"
PIN_HINT = "`model-gate pin` does this automatically, using the commit the revision points at today."


def policy_to_edit(policy: Any) -> str:
    """The file a user edits to change the policy; with the built-in default, the one they would create."""
    if policy.source.startswith("builtin:"):
        return ".github/model-policy.yml (create it with `model-gate policy init`)"
    return str(policy.source)


def describe(reference: Any) -> str:
    """`model 'org/name'`, `dataset 'org/name'`, `model (computed: expr)`."""
    if reference.id is None:
        return f"{reference.kind} ({reference.expression or 'computed at run time'})"
    return f"{reference.kind} '{reference.id}'"


def pin_instruction(reference: Any, sha: str = SHA_PLACEHOLDER) -> str:
    """Where the commit goes for this reference, as the user will type it."""
    key = reference.revision_key
    current = reference.revision
    if reference.source == "torchhub" or key == ":":
        owner_repo = reference.id or "<owner>/<repo>"
        return f"pin the GitHub ref to a commit: '{owner_repo}:{sha}'"
    if key == "git checkout":
        return f"check out the commit after cloning: git -C <clone dir> checkout {sha}"
    if key == "uri" or reference.source == "mlflow":
        if sha != SHA_PLACEHOLDER and reference.id:
            if key == "version":
                return f'pass version="{sha}"'
            if key == "alias":
                return f'call get_model_version("{reference.id}", "{sha}") instead of get_model_version_by_alias'
            return f"load the fixed model version models:/{reference.id}/{sha}"
        return ("load a fixed model version, models:/<name>/<version number>, not a stage or alias "
                "(models:/<name>/Production, models:/<name>@champion)")
    if reference.source == "kaggle":
        if reference.kind == "dataset":
            return f"name a fixed version: '{reference.id or '<owner>/<dataset>'}/versions/<number>'"
        return "name a fixed version: '<owner>/<model>/<framework>/<variation>/<version number>'"
    if key == "@" and (getattr(reference, "api", None) or "").startswith("timm."):
        # timm reads a revision only in an `hf-hub:` name (`timm/<name>@<sha>` is not a model name it knows)
        return f"write '{reference.id}' as 'hf-hub:{reference.id}@{sha}'"
    if key == "@":
        written = f"'{reference.id}@{current}'" if current else f"'{reference.id}'"
        return (f"write {written} as '{reference.id}@{sha}' (hf://{'datasets/' if reference.kind == 'dataset' else ''}"
                f"{reference.id}@{sha}/..., hf-hub:{reference.id}@{sha})")
    if key == "url" or reference.syntax == "url":
        prefix = "datasets/" if reference.kind == "dataset" else ""
        return (f"put the commit in the URL: https://huggingface.co/{prefix}{reference.id}/resolve/{sha}/<file> "
                f"instead of /resolve/{current or 'main'}/")
    *layers, inner_api = (getattr(reference, "api", None) or "").split(LAYER_SEPARATOR)
    python_in_shell = bool(layers) and not inner_api.startswith(("shell:", "env:"))  # `python -c "...(revision=)"`
    if (reference.syntax == "shell" and not python_in_shell) or (key or "").startswith("-"):
        flag = key or "--revision"
        if current:
            return f"replace {flag} {current} with {flag} {sha}"
        return f"add {flag} {sha} to the command"
    if reference.syntax == "config":
        config_key = key or "revision"
        if current:
            return f"set {config_key}: {sha} (instead of {current})"
        return f"add {config_key}: {sha} beside the key that names the {reference.kind}"
    keyword = key or "revision"
    if current:
        return f'replace {keyword}="{current}" with {keyword}="{sha}"'
    return f'add {keyword}="{sha}" to the call'


def entry_snippet(reference: Any, section: str, revision: str | None = None) -> str:
    if reference.source == "mlflow":
        return (f"{section}:\n  - source: mlflow\n    name: {reference.id}\n"
                f"    versions: [{revision or '<version number>'}]\n    reason: \"<why this model is needed>\"")
    lines = [f"{section}:", f"  - id: {reference.id}"]
    lines.append(f"    revisions: [{revision or SHA_PLACEHOLDER}]")
    lines.append('    reason: "<why this repository needs it>"')
    return "\n".join(lines)


def waiver_snippet(rule_id: str, reference: Any, path: str | None) -> str:
    # json.dumps: a path with quotes or line breaks stays one valid YAML string when pasted.
    target = f"id: {reference.id}" if reference is not None and reference.id else f"paths: [{json.dumps(path)}]"
    return (f"exceptions:\n  - rule: {rule_id}\n    {target}\n    reason: \"<why>\"\n"
            f"    expires: <YYYY-MM-DD>\n    owner: \"<team>\"")

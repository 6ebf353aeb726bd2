"""unsafe-artifact-format: a committed model file in a pickle-based format the policy does not allow."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from gate.discover.catalog.model_files import CLAIMED_FORMATS, claimed_format
from gate.discover.interface import Reference
from gate.policy.fixes import policy_to_edit
from gate.policy.interface import Finding
from gate.policy.model import PICKLE_FORMATS
from gate.policy.rules import CheckContext, Rule

RULE = Rule(
    id="unsafe-artifact-format",
    default_severity="error",
    description="A committed model file uses a format (pickle, PyTorch zip, joblib, ...) that `artifacts` / "
                "`artifact_formats` do not allow.",
    why=("Pickle-based files (`.bin`, `.pt`, `.pth`, `.ckpt`, `.pkl`, `.joblib`, object `.npy`) run code when they "
         "are loaded: a model file is a program. Formats such as safetensors, GGUF and ONNX only hold data."),
    fix=("Convert the file to safetensors (e.g. `safetensors.torch.save_file(state_dict, \"model.safetensors\")`), "
         "or, after scanning it, allow exactly this file with an `artifacts` entry carrying its `sha256`."),
    bad_example="weights/model.bin   # PyTorch pickle, committed",
    good_example="weights/model.safetensors\n# or, reviewed:\nartifacts:\n  - path: weights/model.bin\n"
                 "    sha256: <64 hex>\n    formats: [pytorch-zip]",
)


def _family(fmt: str) -> set[str]:
    """A format and the alias that covers it (`pickle` names every pickle-based format)."""
    return {fmt.lower(), "pickle"} if fmt.lower() in PICKLE_FORMATS else {fmt.lower()}


def format_allowed(fmt: str, allow: Iterable[str] | None = None, deny: Iterable[str] | None = None) -> bool:
    names = _family(fmt)
    if allow is not None:
        return bool(names & {a.lower() for a in allow})
    if deny is not None:
        return not names & {d.lower() for d in deny}
    return True


# Not a judgement on the content: discovery warns about these files itself.
_UNJUDGED = frozenset({"empty"})

# A Git LFS pointer has no content in the checkout: what its name claims decides (names outside the shared table
# fail closed as pickles). The table: gate/discover/catalog/model_files.py.
LFS_SUFFIX_FORMATS = CLAIMED_FORMATS


def _judged_format(reference: Reference) -> tuple[str, str]:
    """(format to judge, how the message names it)."""
    if reference.format != "git-lfs-pointer":
        return reference.format or "", f"in format '{reference.format}'"
    fmt = claimed_format(reference.path)
    return fmt, f"a Git LFS pointer (content not in the checkout) to a '{fmt}' file by its suffix"


def check(context: CheckContext, index: int, reference: Reference) -> Iterator[Finding]:
    if reference.kind != "artifact" or not reference.format or reference.format in _UNJUDGED:
        return
    judged, described = _judged_format(reference)
    entry = context.entry_for(reference)
    if entry is not None:
        formats = entry.formats
        if formats is None or format_allowed(judged, allow=formats) or format_allowed(reference.format, allow=formats):
            return  # an artifacts entry is the reviewed decision for these files
        why = f"its artifacts entry allows only {list(formats)}"
    else:
        rules = context.policy.defaults.artifact_formats
        if format_allowed(judged, allow=rules.allow, deny=rules.deny):
            return
        why = (f"defaults.artifact_formats allows only {list(rules.allow)}" if rules.allow is not None
               else f"defaults.artifact_formats denies {list(rules.deny or [])}")
    runs_code = " (pickle-based: loading it can run arbitrary code)" if judged.lower() in PICKLE_FORMATS else ""
    sha = reference.sha256 or "<64 hex>"
    yield RULE.finding(
        message=f"committed file {reference.path} is {described}{runs_code}; {why}",
        remediation=(f"convert it to safetensors and delete {reference.path}; or, after scanning it, allow exactly "
                     f"this file in {policy_to_edit(context.policy)}:\nartifacts:\n  - path: {reference.path}\n"
                     f"    sha256: {sha}\n    formats: [{reference.format}]\n    reason: \"<why>\""),
        path=reference.path,
        line=reference.line or None,
        reference=index,
        details={"format": reference.format},
    )

"""`unsafe-format-at-revision`: The referenced revision serves pickle-based weights (.bin, .pt, .pth, .ckpt, .pkl) that the policy's `artifact_formats` forbid"""

from __future__ import annotations

from collections.abc import Iterator

from gate.discover.catalog.model_files import PICKLE_BASED_SUFFIXES
from gate.policy.interface import Finding
from gate.policy.rules import AnswerContext, Rule

RULE = Rule(
    id="unsafe-format-at-revision",
    default_severity="error",
    description="The referenced revision serves pickle-based weights (.bin, .pt, .pth, .ckpt, .pkl) that the policy's `artifact_formats` forbid.",
    why=(
        "Pickle files can run arbitrary code when loaded. Many repositories also publish safetensors, which cannot: "
        "when safetensors files sit beside the pickles the finding is a warning (nothing forces loading the pickles), "
        "without an alternative it is an error."
    ),
    fix="Load the safetensors files the finding names (e.g. `use_safetensors=True`), or choose a revision or repository that publishes them.",
    stage="verify",
    bad_example='AutoModel.from_pretrained("org/model", revision="<sha>")',
    good_example='AutoModel.from_pretrained("org/model", revision="<sha>", use_safetensors=True)',
)


PICKLE_SUFFIXES = tuple(sorted(PICKLE_BASED_SUFFIXES))  # names that claim pickle-based weights
"""Files a Hub revision serves that hold pickles by their name."""


def check_answer(context: AnswerContext) -> Iterator[Finding]:
    from gate.policy.rules.unsafe_artifact_format import format_allowed

    rules = context.policy.defaults.artifact_formats
    if format_allowed("pickle", allow=rules.allow, deny=rules.deny):
        return
    files = context.answer.files
    pickles = sorted(f.path for f in files if f.path.lower().endswith(PICKLE_SUFFIXES))
    if not pickles:
        return
    alternatives = sorted(f.path for f in files if f.path.lower().endswith(".safetensors"))
    message = f"{context.at} serves pickle-based weights, which can run code when loaded: {', '.join(pickles)}"
    if alternatives:
        message += f"; safetensors alternatives at this revision: {', '.join(alternatives)}"
        fix = ("load the safetensors files and never the pickle ones (transformers: use_safetensors=True; "
               "snapshot_download: allow_patterns=[\"*.safetensors\", \"*.json\"])")
    else:
        fix = "choose a revision or repository that publishes safetensors weights, or convert the weights yourself"
    # With safetensors beside them the pickles need not be loaded at all: a warning, not a blocker.
    yield context.finding(RULE, message, fix, severity="warning" if alternatives else None,
                          pickle_files=pickles, safetensors_files=alternatives)

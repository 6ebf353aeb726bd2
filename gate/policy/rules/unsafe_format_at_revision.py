"""`unsafe-format-at-revision`: The referenced revision serves pickle-based weights (.bin, .pt, .pth, .ckpt, .pkl) that the policy's `artifact_formats` forbid"""

from gate.policy.rules import Rule

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

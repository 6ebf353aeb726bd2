"""suspicious-pickle: a pickle does something fickling cannot prove harmless."""

from gate.policy.rules import Rule

RULE = Rule(
    id="suspicious-pickle",
    default_severity="warning",
    stage="pickle",
    description=(
        "The static pickle scan finds a class outside the allowlist of what real checkpoints carry that is only "
        "instantiated with its state (a user's own `__main__.MyNet` saved with `torch.save(model)`), or another "
        "import rated below the policy's malicious threshold."
    ),
    why=(
        "Ordinary PyTorch state_dicts only rebuild tensors. Anything else deserves a look before the file is "
        "loaded, because loading a pickle runs the code it names."
    ),
    fix=(
        "Inspect the named classes: loading the file imports and instantiates them. Prefer a state_dict saved as "
        "safetensors; if the file is trusted, add an exception with a reason and an expiry."
    ),
    bad_example="pickle with an unused `_var3 = ...` assignment",
    good_example="model.safetensors",
)

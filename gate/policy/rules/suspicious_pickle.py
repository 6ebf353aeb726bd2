"""suspicious-pickle: a pickle does something fickling cannot prove harmless."""

from gate.policy.rules import Rule

RULE = Rule(
    id="suspicious-pickle",
    default_severity="warning",
    stage="pickle",
    description=(
        "fickling's static analysis finds constructs in a pickle-based file that are unusual for model weights "
        "(unused variables, odd stack use, imports outside its ML allowlist below the malicious threshold)."
    ),
    why=(
        "Ordinary PyTorch state_dicts only rebuild tensors. Anything else deserves a look before the file is "
        "loaded, because loading a pickle runs the code it names."
    ),
    fix=(
        "Inspect the named imports and calls (`fickling --check-safety FILE`). Prefer a safetensors export; if "
        "the file is trusted, add an exception with a reason and an expiry."
    ),
    bad_example="pickle with an unused `_var3 = ...` assignment",
    good_example="model.safetensors",
)

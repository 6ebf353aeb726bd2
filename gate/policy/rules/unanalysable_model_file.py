"""unanalysable-model-file: a model file (or part of it) could not be analysed, so it is not known to be safe."""

from gate.policy.rules import Rule

RULE = Rule(
    id="unanalysable-model-file",
    default_severity="error",
    stage="pickle",
    description=(
        "A committed model file holds a pickle, archive or compressed stream that the static scan could not "
        "analyse (an opcode it does not know, a damaged or too deeply nested archive, a decompression bomb)."
    ),
    why=(
        "What cannot be analysed cannot be called safe: an attacker only needs the scanner to give up. The gate "
        "fails closed. This is not a claim that the file runs code, only that nobody can tell without loading it."
    ),
    fix=(
        "Re-export the weights in a data-only format (safetensors, GGUF, ONNX) from a trusted copy, or, if the file "
        "is trusted, add an exception with a reason and an expiry."
    ),
    bad_example="model.pkl   # protocol 5 pickle with an opcode the scanner cannot decode",
    good_example="model.safetensors",
)

"""`file-hash-mismatch`: A file pinned by hash in the policy (`files: {name: "sha256:..."}`) differs at the referenced revision, or is absent"""

from gate.policy.rules import Rule

RULE = Rule(
    id="file-hash-mismatch",
    default_severity="error",
    description='A file pinned by hash in the policy (`files: {name: "sha256:..."}`) differs at the referenced revision, or is absent.',
    why="A hash pin says exactly which bytes were reviewed; a different hash means different weights than the ones approved.",
    fix="Check why the file changed; update the pin in the policy only after reviewing the new file, or pin the reference to the reviewed revision.",
    stage="verify",
    good_example='models:\n  - id: org/model\n    files: {"model.safetensors": "sha256:<64 hex>"}',
)

"""`submodule-not-scanned`: a pull request moves a submodule whose new commits the gate could not read."""

from gate.policy.rules import Rule

RULE = Rule(
    id="submodule-not-scanned",
    default_severity="error",
    description="A pull request moves a submodule pointer, and the submodule is not checked out (or lacks the "
                "commits), so the gate could not read what the pull request brings in.",
    why="A submodule bump can add any number of model loads without touching a file of the repository itself. "
        "A gate that cannot read them must not call them pre-existing or absent: it fails closed.",
    fix="Check out submodules with their history: `actions/checkout` with `submodules: recursive` and "
        "`fetch-depth: 0`, so the gate can diff the submodule's own commits (old..new).",
    stage="run",
    bad_example="- uses: actions/checkout@<sha>\n  with: {fetch-depth: 0}",
    good_example="- uses: actions/checkout@<sha>\n  with: {fetch-depth: 0, submodules: recursive}",
)

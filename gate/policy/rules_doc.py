"""Generate docs/rules.md from the rule modules: `python -m gate.policy.rules_doc > docs/rules.md`.

The docs page, the terminal fix text and SARIF rule help all come from the same `RULE` objects.
"""

from __future__ import annotations

import sys

from gate.policy.rules import Rule, all_rules

HEADER = """# Rules

Every finding model-gate reports comes from one of these rules. Each rule is one module in
`gate/policy/rules/`; this page is generated from them (`python -m gate.policy.rules_doc > docs/rules.md`)
and a test keeps it equal, so do not edit it by hand.

Severities can be changed per rule in the policy (`defaults.severity: {<rule-id>: error|warning|note|off}`),
and single findings can be waived until a date (`exceptions`); see [policy.md](policy.md).
"""


def _section(rule: Rule) -> list[str]:
    lines = [f"## {rule.id}", "", f"**Default severity:** {rule.default_severity} · **Raised by:** {rule.stage} stage",
             "", rule.description, "", f"**Why it matters.** {rule.why}", "", f"**How to fix.** {rule.fix}", ""]
    for title, example in (("Bad", rule.bad_example), ("Good", rule.good_example)):
        if example:
            lines += [f"{title}:", "", "```", example, "```", ""]
    return lines


def render_rules_doc(rules: dict[str, Rule] | None = None) -> str:
    rules = rules if rules is not None else all_rules()
    lines = [HEADER, "| Rule | Default severity | Stage | What it finds |", "| --- | --- | --- | --- |"]
    for rule in rules.values():
        lines.append(f"| [`{rule.id}`](#{rule.id}) | {rule.default_severity} | {rule.stage} | "
                     f"{rule.description.replace('|', '&#124;')} |")
    lines.append("")
    for rule in rules.values():
        lines += _section(rule)
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_rules_doc())

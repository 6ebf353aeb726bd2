"""`model-gate policy init`: a starter policy that allows exactly what the repository loads today."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gate.policy.model import PICKLE_FORMATS, Policy


def _quote(value: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML): ids and shas never turn into numbers."""
    return json.dumps(value, ensure_ascii=False)


def _in_comment(text: str) -> str:
    """Text safe inside a `#` comment: a file name with a line break must not start a YAML line of its own (a
    crafted name could otherwise add an allowlist entry to the starter policy)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _where(references: Any) -> str:
    places = [f"{_in_comment(r.path)}:{r.line}" for r in references]
    shown = ", ".join(places[:5])
    return shown + (f" and {len(places) - 5} more" if len(places) > 5 else "")


@dataclass
class _Found:
    id: str
    references: list = field(default_factory=list)

    @property
    def revisions(self) -> list[str]:
        seen: list[str] = []
        for r in self.references:
            if r.pinned and r.revision and r.revision.lower() not in seen:
                seen.append(r.revision.lower())
        return seen

    @property
    def unpinned(self) -> list:
        return [r for r in self.references if not r.pinned]

    @property
    def remote_code(self) -> list:
        return [r for r in self.references if r.trust_remote_code is not False]


def _group(references: Sequence, kind: str) -> list[_Found]:
    found: dict[str, _Found] = {}
    for reference in references:
        if reference.kind != kind or reference.id is None or reference.dynamic or reference.source == "local" \
                or reference.role == "publish":  # where the repository pushes is not something it loads
            continue
        found.setdefault(reference.id.lower(), _Found(reference.id)).references.append(reference)
    return sorted(found.values(), key=lambda f: f.id.lower())


def _entries(section: str, found: list[_Found], adopted: _dt.date | None = None) -> list[str]:
    if not found:
        return [f"{section}: []"]
    lines = [f"{section}:"]
    for item in found:
        lines.append(f"  # used at {_where(item.references)}")
        lines.append(f"  - id: {_quote(item.id)}")
        if item.revisions:
            lines.append(f"    revisions: [{', '.join(_quote(r) for r in item.revisions)}]")
        if item.unpinned:
            how = "write revision=\"<sha>\" in the call" if section == "metrics" else "run `model-gate pin`"
            lines.append(f"    # not pinned at {_where(item.unpinned)}: {how}, then list the commit under revisions")
        if section == "metrics":
            lines.append("    # an evaluate metric runs its Space's Python code: review it at a pinned revision, then add: "
                         "trust_remote_code: allow")
        elif item.remote_code:
            lines.append(f"    # trust_remote_code at {_where(item.remote_code)}: review the repository's code at a "
                         "pinned revision, then add: trust_remote_code: allow")
        if adopted is None:
            lines.append('    reason: ""   # why this repository needs it')
        else:
            lines.append(f"    reason: {_quote(f'adopted {adopted.isoformat()} by model-gate init; used at ' + _where(item.references))}"
                         "   # say why the repository needs it")
    return lines


def _publish(references: Sequence) -> list[str]:
    """Where the repository pushes today (push_to_hub, hub_model_id, ...): the destinations to review."""
    targets: dict[str, list] = {}
    for reference in references:
        if reference.role == "publish" and reference.id and not reference.dynamic:
            targets.setdefault(reference.id.lower(), []).append(reference)
    if not targets:
        return ["# publish:                  # where the code may push (push_to_hub, hub_model_id): none found",
                "#   allowed: [my-org/*]"]
    lines = ["publish:                     # where the code may push (push_to_hub, hub_model_id, upload_folder)",
             "  allowed:"]
    for key in sorted(targets):
        lines.append(f"    - {_quote(targets[key][0].id)}   # pushed at {_where(targets[key])}")
    return lines


def _artifacts(references: Sequence) -> list[str]:
    files = sorted({r.path: r for r in references if r.kind == "artifact" and r.format}.values(), key=lambda r: r.path)
    safe = [r for r in files if r.format.lower() not in PICKLE_FORMATS]
    risky = [r for r in files if r.format.lower() in PICKLE_FORMATS]
    lines = ["artifacts:" if safe else "artifacts: []"]
    for r in safe:
        lines.append(f"  - path: {_quote(r.path)}   # {r.format}")
        if r.sha256:
            lines.append(f"    sha256: {_quote(r.sha256)}")
    for r in risky:
        lines.append(f"  # {_in_comment(r.path)} is pickle-based ({r.format}): loading it can run code. Convert it to safetensors;")
        lines.append("  # or, after scanning it, allow exactly this file by uncommenting:")
        lines.append(f"  # - path: {_quote(r.path)}")
        if r.sha256:
            lines.append(f"  #   sha256: {_quote(r.sha256)}")
        lines.append(f"  #   formats: [{r.format}]")
    return lines


def starter_policy(references: Sequence, today: _dt.date | None = None, *, command: str = "model-gate policy init",
                   reasons: bool = False) -> str:
    """The text of a starter policy for these references (validated by the caller with `load_policy`).
    `reasons`: each entry's reason says when it was adopted and where it is used (`model-gate init`)."""
    today = today or _dt.date.today()
    adopted = today if reasons else None
    lines = [
        f"# model-gate policy, written by `{command}` on {today.isoformat()}.",
        "# It allows what the repository loaded then, and nothing else: review every entry, fill in the reasons,",
        "# and protect this file with CODEOWNERS. Keys: docs/policy.md. Check: model-gate policy validate",
        "version: 1",
        "defaults:",
        "  require_pinned: true          # every reference must use a full 40-hex commit sha",
        "  unlisted: deny                # ids not listed below need a reviewed policy change",
        "  trust_remote_code: deny",
        "  unpinnable: warn              # APIs that cannot take a revision",
        "  dynamic: warn                 # ids computed at run time",
        "  artifact_formats: {deny: [pickle]}",
        "",
    ]
    lines += _entries("models", _group(references, "model"), adopted)
    lines.append("")
    lines += _entries("datasets", _group(references, "dataset"), adopted)
    lines.append("")
    lines += _artifacts(references)
    lines.append("")
    metrics = _group(references, "metric")
    if metrics:
        lines += _entries("metrics", metrics)
        lines.append("")
    lines += _publish(references)
    lines.append("")
    lines.append("exceptions: []   # waivers: {rule, id and/or paths, reason, expires: YYYY-MM-DD, owner}")
    return "\n".join(lines) + "\n"


def init_policy(root: str, *, label: str = "<starter policy>", today: _dt.date | None = None,
                jobs: int | None = None) -> tuple[str, Policy]:
    """Scan `root` and return (policy text, the loaded Policy) — the text is checked before anyone writes it."""
    from gate.discover.engine import discover
    from gate.policy.load import load_policy

    discovery = discover(root, jobs=jobs)
    text = starter_policy(discovery.references, today)
    policy = load_policy(None, root, text=text, label=label, today=today)
    return text, policy

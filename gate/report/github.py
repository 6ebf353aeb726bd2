"""GitHub's own places: annotations (workflow commands), the job summary (markdown) and step outputs.

Everything written here can carry text from the pull request (model ids, file paths, expressions), so every
value is escaped for the place it goes: workflow-command data and properties, markdown, heredoc outputs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from gate.policy.interface import SEVERITY_ORDER, Finding
from gate.report.interface import Report
from gate.report.sarif import waiver_text

ANNOTATIONS_PER_LEVEL = 10
"""GitHub shows at most 10 error and 10 warning annotations per step (notices: the same budget here)."""
SUMMARY_LIMIT = 1024 * 1024
"""GitHub rejects a step summary over 1 MiB."""

_COMMAND_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}
_LEVEL_ORDER = {"error": 0, "warning": 1, "notice": 2}
_OUTPUT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


@dataclass(frozen=True)
class GitHubContext:
    """What the summary and annotations need to know beyond the report itself."""

    fail_on: str = "error"
    fail_on_existing: bool = False
    mode: str = "full"
    """`full` (the whole repository is judged) or `diff` (what the pull request changes)."""
    base_sha: str | None = None
    head_sha: str | None = None
    changed_files: int | None = None
    blob_url: str | None = None
    """`<server>/<owner>/<repo>/blob/<sha>` of the scanned commit, for file:line links; None when unknown."""
    path_prefix: str = ""
    """The scanned root relative to the repository root (`""` at the top), for annotation paths and links."""
    policy_note: str | None = None
    """Where the policy came from, e.g. `.github/model-policy.yml at the base commit abc1234`."""
    policy_diff: str | None = None
    """The base → head policy diff (already rendered), when the pull request changes the policy."""
    policy_source: str = "base"
    """`base`: the pull request was judged by the base commit's policy; `head`: by its own."""
    ai_authored: str | None = None
    """Why the pull request counts as AI-authored; None when it does not."""
    ai_profile: bool = True
    """Whether the policy has the `ai_authored` profile that an AI-authored pull request is judged with."""
    notes: tuple[str, ...] = field(default_factory=tuple)


# --- workflow commands -------------------------------------------------------------------------------------


def escape_data(value: str) -> str:
    """Escape a workflow command's message: `%`, CR and LF."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command property (file, title, ...): the data escapes plus `:` and `,`."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: object) -> str:
    props = ",".join(
        f"{name}={escape_property(str(value))}" for name, value in properties.items() if value is not None
    )
    return f"::{command}{' ' + props if props else ''}::{escape_data(message)}"


def mask_command(secret: str) -> str:
    """`::add-mask::` so the runner redacts the secret from every later log line."""
    return workflow_command("add-mask", secret)


def repo_path(context: GitHubContext, path: str) -> str:
    return f"{context.path_prefix.rstrip('/')}/{path}" if context.path_prefix.strip("/.") else path


def is_blocking(finding: Finding, context: GitHubContext) -> bool:
    """The verdict's own rule (`gate.pipeline.blocks`): unwaived, at or above fail-on, new (or fail-on-existing)."""
    from gate.pipeline import blocks

    return blocks(finding, context.fail_on, context.fail_on_existing)


def annotation_level(finding: Finding, context: GitHubContext) -> str:
    """The report's shown severity (`Report.shown_severity`: a pre-existing error that does not block is a
    warning), as a workflow command level."""
    if finding.pre_existing and not is_blocking(finding, context):
        return "warning" if finding.severity == "error" else _COMMAND_LEVEL[finding.severity]
    return _COMMAND_LEVEL[finding.severity]


@dataclass(frozen=True)
class Annotations:
    commands: tuple[str, ...]
    omitted: int
    """Findings GitHub would not show as annotations (over the per-step budget); the summary lists them."""


def build_annotations(report: Report, context: GitHubContext) -> Annotations:
    """Annotation commands for unwaived findings, errors first, at most ANNOTATIONS_PER_LEVEL per level."""
    findings = sorted(
        (f for f in report.findings if f.waived_by is None),
        key=lambda f: (_LEVEL_ORDER[annotation_level(f, context)], not is_blocking(f, context),
                       f.path or "", f.line or 0, f.rule),
    )
    used = {"error": 0, "warning": 0, "notice": 0}
    commands: list[str] = []
    omitted = 0
    for finding in findings:
        level = annotation_level(finding, context)
        if used[level] >= ANNOTATIONS_PER_LEVEL:
            omitted += 1
            continue
        used[level] += 1
        ref = finding.subject
        medium = ref is not None and ref.confidence == "medium"
        title = (f"model-gate: {finding.rule}" + (" (pre-existing)" if finding.pre_existing else "")
                 + (" (medium confidence)" if medium else ""))
        message = finding.message + (f"\nFix: {finding.remediation}" if finding.remediation else "")
        if medium:
            message += "\nFound by context (a Hub-id-shaped string in a model-ish place), not by a known API."
        location: dict = {}
        if finding.path:
            location["file"] = repo_path(context, finding.path)
            if finding.line:
                location["line"] = finding.line
                if ref is not None and ref.line == finding.line and ref.column:
                    location["col"] = ref.column
        commands.append(workflow_command(level, message, **location, title=title))
    return Annotations(tuple(commands), omitted)


# --- job summary (markdown) -----------------------------------------------------------------------------


def md(text: object) -> str:
    """Text from the repository as inert markdown: specials backslash-escaped, `&<>` as entities, no newlines."""
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    return re.sub(r"\r\n|\r|\n", "<br>", value)


def fenced(text: str, language: str = "") -> list[str]:
    """A code block whose fence is longer than any backtick run inside, so the text cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", *text.rstrip("\n").splitlines(), fence]


def _location_cell(path: str | None, line: int | None, context: GitHubContext) -> str:
    if not path:
        return "(run)"
    label = f"{path}:{line}" if line else path
    if not context.blob_url:
        return md(label)
    url = f"{context.blob_url.rstrip('/')}/{quote(repo_path(context, path), safe='/')}"
    if line:
        url += f"#L{line}"
    return f"[{md(label)}]({url})"


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-SEVERITY_ORDER[f.severity], f.path or "", f.line or 0, f.rule))


def _finding_table(report: Report, findings: list[Finding], context: GitHubContext, *, waiver: bool = False) -> list[str]:
    last = "Waiver" if waiver else "Fix"
    lines = [f"| Severity | Rule | Location | Finding | {last} |", "| --- | --- | --- | --- | --- |"]
    blocks: list[str] = []
    numbered = 0
    for f in findings:
        if waiver and f.waived_by is not None:
            last_cell = md(waiver_text(report, f.waived_by))
        elif f.remediation and "\n" in f.remediation:
            # A table cell cannot keep line breaks or indentation (a YAML snippet would lose its structure):
            # multi-line fixes follow the table as code blocks that can be copied as they are.
            first, rest = f.remediation.split("\n", 1)
            numbered += 1
            number = numbered
            last_cell = f"{md(first)} (fix {number} below)"
            where = f"{f.path}:{f.line}" if f.line else (f.path or "")
            blocks += [f"Fix {number} ({md(where)}):", "", *fenced(rest, "text"), ""]
        else:
            last_cell = md(f.remediation) if f.remediation else ""
        lines.append(
            f"| {f.severity} | `{f.rule}` | {_location_cell(f.path, f.line, context)} | {md(f.message)} | {last_cell} |"
        )
    return lines + ([""] + blocks if blocks else [])


def _reference_table(report: Report, context: GitHubContext) -> list[str]:
    lines = [
        "<details><summary>Every reference found</summary>",
        "",
        "| Kind | Id | Revision | Pinned | Role | Confidence | Location | Found via |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for ref in report.references:
        name = md(ref.id) if ref.id is not None else f"dynamic: {md(ref.expression or '?')}"
        if ref.role == "publish":
            pinned = "n/a"  # where the code pushes: nothing to pin
        else:
            pinned = "yes" if ref.pinned else ("unpinnable" if not ref.pinnable else "no")
        confidence = "**medium**" if ref.confidence == "medium" else ref.confidence
        lines.append(
            f"| {ref.kind} | {name} | {md(ref.revision or '')} | {pinned} | {ref.role} | {confidence} | "
            f"{_location_cell(ref.path, ref.line, context)} | {md(ref.api)} |"
        )
    lines += ["", "</details>"]
    return lines


def _lineage_table(report: Report) -> list[str]:
    """Where each verified model came from (issue 18): chain, training data declared along it, licences."""
    from gate.verify.lineage import chain_text, model_lineages

    shown = model_lineages(report.references)
    if not shown:
        return []
    lines = [f"### Lineage ({len(shown)})", "", "| Model | Lineage | Declared training data | Licenses |",
             "| --- | --- | --- | --- |"]
    for _, lineage in shown:
        chain = chain_text(lineage) + ("" if lineage["complete"] else " (incomplete)")
        data = ", ".join(dict.fromkeys(d["id"] for d in lineage["datasets"])) or "none declared"
        licenses = " ← ".join("/".join(n["license"]) or "?" for n in [lineage["model"], *lineage["ancestors"]])
        lines.append(f"| {md(lineage['model']['id'])} | {md(chain)} | {md(data)} | {md(licenses)} |")
    return lines + [""]


def _verdict_lines(report: Report, context: GitHubContext, blocking: int) -> list[str]:
    counts = report.counts()
    mark = "❌ FAIL" if report.verdict == "fail" else "✅ PASS"
    waived = f", {counts['waived']} waived" if counts["waived"] else ""
    pre_existing = sum(1 for f in report.findings if f.pre_existing and f.waived_by is None)
    waived += f" ({pre_existing} of them pre-existing: errors there count as warnings)" if pre_existing else ""
    lines = [
        f"## model-gate: {mark}",
        "",
        (f"**{report.verdict.upper()}**: {blocking} blocking finding(s) at or above `{context.fail_on}`; "
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['note']} note(s){waived}; "
        f"{len(report.references)} reference(s) in {report.files_scanned} file(s)."),
        "",
    ]
    if context.mode == "diff":
        changed = f", {context.changed_files} changed file(s)" if context.changed_files is not None else ""
        base = (context.base_sha or "?")[:12]
        head = (context.head_sha or "?")[:12]
        lines += [(f"Pull-request mode: findings the pull request introduces block it (base `{base}` → head "
                  f"`{head}`{changed})."), ""]
    if context.policy_note:
        lines += [f"Policy: {context.policy_note}", ""]
    if context.ai_authored:
        how = ": judged with the policy's `ai_authored` profile because" if context.ai_profile else ", because"
        lines += ["> [!IMPORTANT]", f"> AI-authored pull request{how} {md(context.ai_authored)}.", ""]
    for note in context.notes:
        lines += ["> [!NOTE]", f"> {note}", ""]
    lines += _publish_change_lines(report, context)
    return lines


def _publish_change_lines(report: Report, context: GitHubContext) -> list[str]:
    """Pull-request mode: the publish targets the pull request adds or changes, allowed or not."""
    changed = [report.references[i] for i in report.extra.get("publish_changes") or ()
               if 0 <= i < len(report.references)]
    if not changed:
        return []
    lines = ["> [!IMPORTANT]", f"> This pull request changes where trained weights are pushed ({len(changed)} "
             "publish target(s)); review the destination even where the policy allows it:"]
    for ref in changed:
        name = md(ref.id) if ref.id is not None else f"computed at run time: {md(ref.expression or '?')}"
        lines.append(f"> - {name} via {md(ref.api)} at {_location_cell(ref.path, ref.line, context)}")
    return lines + [""]


def summary_lines(report: Report, context: GitHubContext, omitted_annotations: int = 0) -> list[str]:
    active = [f for f in report.findings if f.waived_by is None]
    blocking = _sorted(f for f in active if is_blocking(f, context))
    pre_existing = _sorted(f for f in active if f.pre_existing and not is_blocking(f, context))
    other = _sorted(f for f in active if not f.pre_existing and not is_blocking(f, context))
    waived = _sorted(f for f in report.findings if f.waived_by is not None)

    lines = _verdict_lines(report, context, len(blocking))
    if omitted_annotations:
        lines += ["> [!NOTE]",
                  (f"> GitHub shows at most {ANNOTATIONS_PER_LEVEL} error and {ANNOTATIONS_PER_LEVEL} warning "
                  f"annotations per step; {omitted_annotations} more finding(s) are listed only in the tables "
                  "below."), ""]
    if blocking:
        lines += [f"### Blocking findings ({len(blocking)})", "", *_finding_table(report, blocking, context), ""]
    if other:
        lines += [f"### Other findings ({len(other)})", "", *_finding_table(report, other, context), ""]
    if pre_existing:
        lines += [f"### Pre-existing findings ({len(pre_existing)})", "",
                  ("These exist on the base branch too, so they do not block this pull request "
                  "(set `fail-on-existing: true` to block on them)."), "",
                  *_finding_table(report, pre_existing, context), ""]
    if waived:
        lines += [f"### Waived findings ({len(waived)})", "",
                  *_finding_table(report, waived, context, waiver=True), ""]
    if context.policy_diff:
        effect = ("It was judged by the base branch's policy; the change takes effect once merged."
                  if context.policy_source == "base" else "It was judged by this changed policy (policy-source: head).")
        lines += ["### Policy diff (base → head)", "", f"This pull request changes the policy. {effect}", "",
                  *fenced(context.policy_diff, "diff"), ""]
    lines += _lineage_table(report)
    lines += [f"### References ({len(report.references)})", ""]
    lines += _reference_table(report, context) if report.references else ["No model or dataset references found."]
    lines.append("")
    if report.warnings:
        lines += [f"### Scan warnings ({len(report.warnings)})", ""]
        lines += [f"- {md(w.path)}: {md(w.message)}" for w in report.warnings]
        lines.append("")
    return lines


def _truncate(lines: list[str], limit: int) -> str:
    text = "\n".join(lines) + "\n"
    if len(text.encode("utf-8")) <= limit:
        return text
    note = ["", "> [!WARNING]",
            ("> The summary was truncated to stay under GitHub's 1 MiB limit; the JSON and SARIF reports "
            "(inputs `json-file`, `sarif-file`) have every finding and reference."), ""]
    budget = limit - len("\n".join(note).encode("utf-8")) - 4096  # room for closing a fence or <details>
    kept: list[str] = []
    size = 0
    fence: str | None = None
    details = 0
    for line in lines:
        size += len(line.encode("utf-8")) + 1
        if size > budget:
            break
        kept.append(line)
        if fence is None and re.fullmatch(r"`{3,}\w*", line):
            fence = line.rstrip("abcdefghijklmnopqrstuvwxyz")
        elif fence is not None and line == fence:
            fence = None
        elif fence is None:
            details += line.count("<details>") - line.count("</details>")
    if fence is not None:
        kept.append(fence)
    kept += ["</details>"] * max(details, 0)
    return "\n".join(kept + note) + "\n"


def render_summary(report: Report, context: GitHubContext, omitted_annotations: int = 0,
                   limit: int = SUMMARY_LIMIT) -> str:
    return _truncate(summary_lines(report, context, omitted_annotations), limit)


def render_error_summary(message: str) -> str:
    return "\n".join(["## model-gate: ⚠️ ERROR", "", "The gate could not run:", "", *fenced(message), ""]) + "\n"


# --- step outputs ----------------------------------------------------------------------------------------


def format_output(name: str, value: str) -> str:
    """One `name<<delimiter` block; the delimiter is random so a value cannot end it early."""
    if not _OUTPUT_NAME.match(name):
        raise ValueError(f"invalid output name {name!r}")
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    while delimiter in value:
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def write_outputs(path: str, values: dict[str, str]) -> None:
    with Path(path).open("a", encoding="utf-8") as out:
        out.writelines(format_output(name, value) for name, value in values.items())


def append_summary(path: str, markdown: str) -> None:
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(markdown)

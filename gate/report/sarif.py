"""SARIF 2.1.0 for code scanning: one rule per rule module, one result per finding.

GitHub code scanning keys alerts on `partialFingerprints`; ours hash what a finding is about (rule, path,
kind, id, api) and never the line, so an edit above a reference does not close one alert and open another.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import TYPE_CHECKING
from urllib.parse import quote

from gate.discover.interface import Reference
from gate.policy.interface import Finding
from gate.report.interface import Report

if TYPE_CHECKING:
    from gate.policy.rules import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "modelGateFinding/v1"

LEVELS = {"error": "error", "warning": "warning", "note": "note"}
# GitHub buckets security-severity: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, < 4.0 low.
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "note": "2.0"}


def _rule_name(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _rule_help_markdown(rule: Rule) -> str:
    parts = [f"**{rule.description}**", "", rule.why, "", "### How to fix", "", rule.fix]
    if rule.bad_example:
        parts += ["", "Bad:", "", "```", rule.bad_example.rstrip("\n"), "```"]
    if rule.good_example:
        parts += ["", "Good:", "", "```", rule.good_example.rstrip("\n"), "```"]
    return "\n".join(parts)


def _rule_descriptor(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "name": _rule_name(rule.id),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.why or rule.description},
        "help": {
            "text": f"{rule.description}\n\n{rule.why}\n\nHow to fix: {rule.fix}".strip(),
            "markdown": _rule_help_markdown(rule),
        },
        "defaultConfiguration": {"level": LEVELS[rule.default_severity]},
        "properties": {
            "tags": ["security", "supply-chain", f"stage:{rule.stage}"],
            # A rule may rate itself (e.g. a malicious pickle is critical); else its default severity decides.
            "security-severity": getattr(rule, "security_severity", None) or SECURITY_SEVERITY[rule.default_severity],
            "precision": rule.precision,
        },
    }


def _unknown_rule_descriptor(rule_id: str, severity: str) -> dict:
    """A finding whose rule module does not exist (yet) still needs a descriptor for `ruleIndex`."""
    return {
        "id": rule_id,
        "name": _rule_name(rule_id),
        "shortDescription": {"text": rule_id},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": ["security", "supply-chain"], "security-severity": SECURITY_SEVERITY[severity]},
    }


def artifact_uri(path: str) -> str:
    """Repository-relative POSIX path as a URI reference (spaces, `%`, `#` and `?` percent-encoded)."""
    return quote(path, safe="/")


def fingerprint_key(report: Report, finding: Finding) -> tuple:
    """A finding's identity (gate/baseline.py), which its fingerprint hashes."""
    from gate.baseline import finding_identity

    return finding_identity(report, finding)


def _fingerprints(report: Report) -> list[str]:
    """One fingerprint per finding; repeats of the same key in a file are numbered in line order."""
    seen: Counter = Counter()
    order = sorted(range(len(report.findings)), key=lambda i: (report.findings[i].line or 0, i))
    prints: dict[int, str] = {}
    for index in order:
        key = fingerprint_key(report, report.findings[index])
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\0".join(str(part) for part in key).encode("utf-8")).hexdigest()
        prints[index] = f"{digest[:32]}:{occurrence}"
    return [prints[i] for i in range(len(report.findings))]


def _location(report: Report, finding: Finding, path: str, prefix: str) -> dict:
    region: dict = {}
    if finding.line:
        region["startLine"] = finding.line
        if finding.reference is not None and 0 <= finding.reference < len(report.references):
            ref = report.references[finding.reference]
            if ref.line == finding.line and ref.column and ref.column > 0:
                region["startColumn"] = ref.column
    physical: dict = {"artifactLocation": {"uri": artifact_uri(prefix + path), "uriBaseId": SRCROOT}}
    if region:
        physical["region"] = region
    return {"physicalLocation": physical}


def waiver_text(report: Report, index: int) -> str:
    """`policy exception #N: reason (owner, until date)`, from the policy's waivers the pipeline put in `extra`."""
    waivers = report.extra.get("waivers") or []
    text = f"policy exception #{index}"
    if 0 <= index < len(waivers):
        waiver = waivers[index]
        who = f"{waiver['owner']}, " if waiver.get("owner") else ""
        text += f": {waiver.get('reason')} ({who}until {waiver.get('expires')})"
    return text


def _warning_locations(path: str, prefix: str) -> dict:
    if not path:
        return {}
    location = {"artifactLocation": {"uri": artifact_uri(prefix + path), "uriBaseId": SRCROOT}}
    return {"locations": [{"physicalLocation": location}]}


def _message(finding: Finding, reference: Reference | None = None) -> str:
    text = f"{finding.message}\nFix: {finding.remediation}" if finding.remediation else finding.message
    if reference is not None and reference.confidence == "medium":
        # GitHub reads `precision` from the rule only: the message is where its users see this one is a guess.
        text = f"[medium confidence: found by context, not by a known API] {text}"
    return text


def _run_notification(finding: Finding, rule_index: int) -> dict:
    return {
        "level": LEVELS[finding.severity],
        "message": {"text": _message(finding)},
        "associatedRule": {"id": finding.rule, "index": rule_index},
    }


def _result(report: Report, finding: Finding, path: str, rule_index: int, fingerprint: str, diff_mode: bool,
            prefix: str) -> dict:
    """A finding about a file (`path`: its path; findings about the run become notifications)."""
    ref = report.references[finding.reference] if finding.reference is not None and \
        0 <= finding.reference < len(report.references) else None
    result: dict = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": _message(finding, ref)},
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    result["locations"] = [_location(report, finding, path, prefix)]
    if diff_mode:
        result["baselineState"] = "unchanged" if finding.pre_existing else "new"
    if finding.waived_by is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": waiver_text(report, finding.waived_by)}]
    properties: dict = {"remediation": finding.remediation, "preExisting": finding.pre_existing}
    if ref is not None:
        properties.update({"kind": ref.kind, "id": ref.id, "revision": ref.revision, "api": ref.api,
                           # The reference's confidence in GitHub's precision words (`high`, `medium`).
                           "precision": ref.confidence, "role": ref.role})
        if ref.lineage:
            _add_lineage(result, properties, ref.lineage)
    result["properties"] = properties
    return result


def _add_lineage(result: dict, properties: dict, lineage: dict) -> None:
    """The model's lineage: its chain as a property, each ancestor as a related (logical) location."""
    from gate.verify.lineage import chain_text

    properties["lineage"] = chain_text(lineage)
    properties["lineageComplete"] = lineage["complete"]
    related = [{"id": number, "message": {"text": f"{a['relation'] or 'base'} of {a['of']} ({a['status']})"},
                "logicalLocations": [{"name": a["id"], "fullyQualifiedName": f"huggingface.co/{a['id']}",
                                      "kind": "module"}]}
               for number, a in enumerate(lineage["ancestors"], start=1)]
    if related:
        result["relatedLocations"] = related


def report_to_sarif(report: Report, path_prefix: str = "") -> dict:
    """`path_prefix`: the scanned directory relative to the repository root, when it is not the root."""
    return _sarif(report, path_prefix)[0]


def _sarif(report: Report, path_prefix: str) -> tuple[dict, str]:
    """(the SARIF document, as `render_sarif` writes it)."""
    from gate.policy.rules import all_rules

    prefix = path_prefix.strip("/") + "/" if path_prefix.strip("/.") else ""
    known = all_rules()
    descriptors = [_rule_descriptor(rule) for rule in known.values()]
    index_of = {rule_id: i for i, rule_id in enumerate(known)}
    for finding in report.findings:
        if finding.rule not in index_of:
            index_of[finding.rule] = len(descriptors)
            descriptors.append(_unknown_rule_descriptor(finding.rule, finding.severity))

    diff_mode = report.extra.get("mode") == "diff"
    prints = _fingerprints(report)
    # A finding about the run itself (no file: e.g. the Hub could not be reached) has no place in the code for
    # code scanning to show, and GitHub wants a location on every result: it becomes a tool notification.
    results = [
        _result(report, finding, finding.path, index_of[finding.rule], prints[i], diff_mode, prefix)
        for i, finding in enumerate(report.findings) if finding.path
    ]
    run_findings = [f for f in report.findings if not f.path]
    notifications = [_run_notification(f, index_of[f.rule]) for f in run_findings]
    notifications += [
        {"level": "warning", "message": {"text": warning.message}, **_warning_locations(warning.path, prefix)}
        for warning in report.warnings
    ]
    failed = any(f.severity == "error" and f.waived_by is None for f in run_findings)
    run: dict = {
        "tool": {
            "driver": {
                "name": "model-gate",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "rules": descriptors,
            }
        },
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the scanned repository."}}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [
            {
                "executionSuccessful": not failed,
                "toolExecutionNotifications": notifications,
            }
        ],
        "properties": {"verdict": report.verdict, "filesScanned": report.files_scanned,
                       "references": len(report.references)},
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return document, _within_github_limits(document)


MAX_RESULTS = 25_000
"""GitHub code scanning rejects a run with more results than this."""
MAX_GZIPPED_BYTES = 10 * 1024 * 1024
"""... or an upload larger than this, gzipped."""
_LIMITS = "GitHub accepts at most 25,000 results and 10 MB (gzipped) per run"


def _indented(document: dict) -> str:
    """`json.dumps(document, indent=2, ensure_ascii=False) + "\\n"`, the same text, without the list of every
    chunk that `dumps` keeps before joining them (with `indent` it takes the pure-Python encoder; for a large run
    that list is several times the text)."""
    import io

    buffer = io.StringIO()
    for chunk in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(document):
        buffer.write(chunk)
    buffer.write("\n")
    return buffer.getvalue()


def _fitting_text(document: dict) -> str | None:
    """The document as `render_sarif` writes it, when that is within GitHub's size limit; else None. Measured
    gzipped at the fastest level, which compresses less than an uploader would: a conservative answer."""
    import gzip

    text = _indented(document)
    data = text.encode("utf-8")
    fits = len(data) <= MAX_GZIPPED_BYTES or len(gzip.compress(data, compresslevel=1)) <= MAX_GZIPPED_BYTES
    return text if fits else None


def _within_github_limits(document: dict) -> str:
    """Make the run one GitHub accepts, and return it as `render_sarif` writes it.

    Every result when they fit. Too many or too large: every error as it is and the rest one result per rule and
    file with their count, then per rule; only when the errors alone are too many or too large, the errors
    counted per rule and file, then per rule, too. When the scan warnings (one tool notification each) are what
    makes the run too large, the warnings are cut to what fits before any finding is aggregated, and one
    notification says how many were left out. Nothing is dropped silently: the run's properties say what was
    aggregated or left out (`aggregated`, with a `note` the CLI prints); the JSON report keeps everything."""
    run = document["runs"][0]
    results = run["results"]
    if len(results) <= MAX_RESULTS and (text := _fitting_text(document)) is not None:
        return text
    errors = [r for r in results if r["level"] == "error"]
    rest = [r for r in results if r["level"] != "error"]
    plans: list[tuple[str | None, bool, list[dict]]] = [
        (None, False, results), ("file", False, errors + _aggregate(rest, by_file=True)),
        ("rule", False, errors + _aggregate(rest, by_file=False)), ("file", True, _aggregate(results, by_file=True)),
        ("rule", True, _aggregate(results, by_file=False))]
    plans = [plan for plan in plans if len(plan[2]) <= MAX_RESULTS]  # the last always qualifies: few rules
    notifications = run["invocations"][0]["toolExecutionNotifications"]
    warnings = [n for n in notifications if "associatedRule" not in n]
    run_findings = [n for n in notifications if "associatedRule" in n]
    def keeping(plan: tuple[str | None, bool, list[dict]], count: int) -> str | None:
        """The run of `plan` with the first `count` warnings (all: nothing said about them), if it fits."""
        grouping, errors_too, kept = plan
        run["results"] = kept
        left_out = len(warnings) - count
        run["invocations"][0]["toolExecutionNotifications"] = [
            *run_findings, *warnings[:count], *([_left_out(left_out)] if left_out else [])]
        _say(run, len(results), len(errors), grouping, errors_too, len(kept), left_out)
        return _fitting_text(document)

    text = None
    for plan in plans:
        if (text := keeping(plan, len(warnings))) is not None:
            return text
        if not warnings or keeping(plan, 0) is None:
            continue  # fewer results needed
        low, high = 0, len(warnings) - 1
        while low < high:  # the most warnings that fit
            middle = (low + high + 1) // 2
            if keeping(plan, middle) is not None:
                low = middle
            else:
                high = middle - 1
        text = keeping(plan, low)
        break
    # (None only if one rule's single aggregated result were over 10 MB: then it is written as it is.)
    return text if text is not None else _indented(document)


def _left_out(count: int) -> dict:
    return {"level": "warning", "message": {"text": f"{count:,} more scan warnings are left out to stay within "
                                                    "GitHub's limits; the JSON and text reports list each"}}


def _say(run: dict, results: int, errors: int, grouping: str | None, errors_too: bool, into: int,
         warnings_left_out: int) -> None:
    """The run's `aggregated` property: what was counted instead of listed, and the sentence the CLI prints."""
    run["properties"].pop("aggregated", None)
    if grouping is None and not warnings_left_out:
        return
    parts = []
    counted, into_results = (results, into) if errors_too else (results - errors, into - errors)
    if grouping is not None:
        which = "every finding" if errors_too else "every finding but the errors"
        parts.append(f"{which} counted per rule{' and file' if grouping == 'file' else ''} ({counted:,} findings "
                     f"in {into_results:,} result{'' if into_results == 1 else 's'})" + ("" if errors_too else f", all {errors:,} errors kept one by one"))
    if warnings_left_out:
        parts.append(f"{warnings_left_out:,} scan warnings left out")
    note = (f"the SARIF report {'aggregates findings' if grouping else 'leaves out scan warnings'} to stay within "
            f"GitHub's limits (25,000 results, 10 MB gzipped): {'; '.join(parts)}; --format json lists everything")
    aggregated: dict = {"results": 0, "into": 0, "by": None, "errorsAggregated": False, "note": note,
                        "reason": f"{_LIMITS}; the JSON report lists every finding and warning"}
    if grouping is not None:
        aggregated.update({"results": counted, "into": into_results, "by": grouping, "errorsAggregated": errors_too})
    if warnings_left_out:
        aggregated["warningsLeftOut"] = warnings_left_out
    run["properties"]["aggregated"] = aggregated


def limits_note(document: dict) -> str | None:
    """What the run had to aggregate or leave out to stay within GitHub's limits, for the CLI to say; None: nothing."""
    aggregated = document["runs"][0]["properties"].get("aggregated")
    return aggregated["note"] if aggregated else None


def _aggregate(results: list[dict], *, by_file: bool) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for result in results:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] if by_file else ""
        groups.setdefault((result["ruleId"], result["level"], uri), []).append(result)
    merged = []
    for (rule, _level, uri), members in groups.items():
        if len(members) == 1:
            merged.append(members[0])
            continue
        first = dict(members[0])
        where = f" in {uri}" if uri else ""
        first["message"] = {"text": f"{len(members)} {rule} findings{where} (aggregated to stay within GitHub's "
                                    f"limits; the JSON report lists each). First: {members[0]['message']['text']}"}
        first["partialFingerprints"] = {FINGERPRINT_KEY: hashlib.sha256(
            f"aggregate\0{rule}\0{uri}".encode()).hexdigest()[:32] + ":0"}
        first["properties"] = {**first.get("properties", {}), "aggregated": len(members)}
        merged.append(first)
    return merged


def render_sarif(report: Report, path_prefix: str = "") -> str:
    return _sarif(report, path_prefix)[1]

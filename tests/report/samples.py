"""Hand-built reports for the report-format tests (no discovery or policy stage involved)."""

from __future__ import annotations

from gate.discover.interface import Reference, ScanWarning
from gate.policy.interface import Finding
from gate.report.interface import Report


def reference(id_: str, path: str = "app/train.py", line: int = 3, *, revision: str | None = None,
              api: str = "transformers.from_pretrained", kind: str = "model") -> Reference:
    return Reference(kind=kind, source="huggingface", id=id_, revision=revision, pinned=False, pinnable=True,
                     path=path, line=line, column=9, api=api)


def finding(rule: str, ref_index: int | None, ref: Reference | None, *, severity: str = "error",
            message: str | None = None, waived_by: int | None = None, pre_existing: bool = False,
            details: dict | None = None) -> Finding:
    return Finding(
        rule=rule, severity=severity,
        message=message or (f"{ref.id} is not pinned" if ref else "the Hub could not be reached"),
        remediation=f'pass revision="<40-hex sha>" to {ref.api}' if ref else "retry when the Hub is reachable",
        path=ref.path if ref else None, line=ref.line if ref else None, reference=ref_index,
        waived_by=waived_by, pre_existing=pre_existing, details=details or {}, subject=ref,
    )


def report(references: list[Reference], findings: list[Finding], *, verdict: str = "fail",
           warnings: tuple[ScanWarning, ...] = (), extra: dict | None = None) -> Report:
    return Report(tool_version="0.1.0", root="/repo", references=tuple(references), findings=tuple(findings),
                  warnings=warnings, files_scanned=4, verdict=verdict, extra=extra or {})


def mixed_report(shift: int = 0) -> Report:
    """One unpinned model, one waived trust_remote_code, one pre-existing warning, one run-level error."""
    refs = [
        reference("org/unpinned", line=3 + shift),
        reference("org/remote-code", line=7 + shift),
        reference("org/old", path="legacy dir/old #1.py", line=2, api="datasets.load_dataset", kind="dataset"),
    ]
    findings = [
        finding("unpinned-revision", 0, refs[0], details={"default_branch_head": "a" * 40}),
        finding("trust-remote-code", 1, refs[1], waived_by=0),
        finding("unpinned-revision", 2, refs[2], severity="warning", pre_existing=True),
        finding("verification-failed", None, None),
    ]
    return report(refs, findings, warnings=(ScanWarning("notebooks/broken.ipynb", "not valid JSON"),),
                  extra={"mode": "diff", "waivers": [{"rule": "trust-remote-code", "id": "org/remote-code", "paths": [],
                                                      "reason": "vendored, reviewed", "expires": "2027-01-31",
                                                      "owner": "ml-team", "source": "policy.yml", "line": 9}]})


def parse_outputs(text: str) -> dict[str, str]:
    """GitHub's reading of GITHUB_OUTPUT: `name<<DELIMITER`, the value's lines, `DELIMITER`."""
    values, lines, i = {}, text.split("\n"), 0
    while i < len(lines) and lines[i]:
        name, delimiter = lines[i].split("<<", 1)
        end = lines.index(delimiter, i + 1)
        values[name] = "\n".join(lines[i + 1:end])
        i = end + 1
    return values

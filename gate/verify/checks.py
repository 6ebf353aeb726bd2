"""Turn one registry answer into findings for one reference. Pure: no I/O, the policy decides severities."""

from __future__ import annotations

from gate.discover.interface import Reference
from gate.policy.interface import Finding
from gate.verify.interface import RepoAnswer

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib")
SECURITY_SEVERITY = {"unsafe": "error", "suspicious": "warning", "caution": "warning"}


def _rule(rule_id: str):
    from gate.policy.rules import rule_module

    return rule_module(rule_id).RULE


def _setting(policy, entry, key: str, fallback=None):
    value = entry.get(key) if entry else None
    if value is None:
        value = policy.defaults.get(key)
    return fallback if value is None else value


def display_id(reference: Reference, answer: RepoAnswer) -> str:
    """`gpt2 (now openai-community/gpt2)` for legacy ids, the id otherwise."""
    canonical = answer.canonical_id
    if canonical and reference.id and canonical != reference.id:
        return f"{reference.id} (canonical id {canonical})"
    return reference.id or "?"


def _short(sha: str | None) -> str:
    return sha[:12] if sha else "?"


class _Findings:
    """Collects findings for one reference, filling in where it is and what it resolved to."""

    def __init__(self, index: int, reference: Reference, answer: RepoAnswer):
        self.index, self.reference, self.answer = index, reference, answer
        self.items: list[Finding] = []

    def add(self, rule_id: str, message: str, remediation: str, *, severity: str | None = None, **details) -> None:
        extra = {"revision": self.reference.revision, "resolved_sha": self.answer.sha, **details}
        if self.answer.canonical_id and self.answer.canonical_id != self.reference.id:
            extra["canonical_id"] = self.answer.canonical_id
        self.items.append(_rule(rule_id).finding(
            message=message, remediation=remediation, path=self.reference.path, line=self.reference.line,
            reference=self.index, severity=severity, details={k: v for k, v in extra.items() if v is not None}))


def findings_for(policy, index: int, reference: Reference, answer: RepoAnswer, *, registry: str) -> list[Finding]:
    """Every verification finding for `reference` given `answer`. `registry` names where it was asked."""
    out = _Findings(index, reference, answer)
    what = f"{reference.kind} {display_id(reference, answer)}"
    github = answer.query.kind == "github"
    token_env = "GITHUB_TOKEN" if github else "HF_TOKEN"
    if answer.status == "repo-not-found":
        out.add("repo-not-found",
                f"{what} does not exist on {registry}, or it is private and {token_env} does not grant access",
                f"check the id for typos; for a private repository set {token_env} to a token with read access")
        return out.items
    if answer.status == "revision-not-found":
        from gate.policy.fixes import pin_instruction

        hint = (f"pin to a commit that exists: {pin_instruction(reference, answer.head_sha)} (the current head of "
                "the default branch)" if answer.head_sha else "pin to a commit that exists in the repository's history")
        out.add("revision-not-found", f"revision {reference.revision} does not exist in {what} on {registry}", hint)
        return out.items
    if answer.status == "disabled":
        out.add("repo-disabled",
                f"{what} has been disabled on {registry} (the Hub disables repositories for policy or legal "
                "violations); its files can no longer be downloaded",
                "replace it with another repository")
        return out.items
    if reference.pinned and answer.sha and answer.sha != reference.revision:
        # A branch or tag can be named like a commit sha; discovery cannot tell them apart, the registry can
        # (issue 8: evasion). Such a "pin" moves whenever its owner moves the branch.
        from gate.policy.fixes import pin_instruction

        out.add("unpinned-revision",
                f"revision {reference.revision} of {what} looks like a commit sha but is a branch or tag name: "
                f"it points at commit {answer.sha} today and can be moved at any time",
                f"pin to the commit itself: {pin_instruction(reference, answer.sha)}")
    if github:
        return out.items
    entry = policy.entry_for(reference)
    at = f"{what} at {_short(answer.sha)}"
    _gated(policy, entry, out, what, answer)
    _license(policy, entry, out, at, answer)
    _file_pins(entry, out, at, answer)
    _formats(policy, out, at, answer)
    if answer.query.kind == "model":
        _security(out, at, answer, registry)
    return out.items


def _gated(policy, entry, out: _Findings, what: str, answer: RepoAnswer) -> None:
    if not answer.gated:
        return
    mode = _setting(policy, entry, "gated", "warn")
    if mode == "allow":
        return
    out.add("repo-gated",
            f"{what} is gated ({answer.gated} approval): downloads need an accepted access request and a token",
            "review the repository's terms; if acceptable, declare it in the policy: "
            f"`{'datasets' if answer.query.kind == 'dataset' else 'models'}: - {{id: "
            f"{answer.canonical_id or out.reference.id}, gated: allow}}`; otherwise use an ungated repository",
            severity="error" if mode == "deny" else None, gated=answer.gated)


def _license(policy, entry, out: _Findings, at: str, answer: RepoAnswer) -> None:
    allowed = _setting(policy, entry, "licenses")
    if not allowed:
        return
    allowed_lower = {str(a).lower() for a in allowed}
    if any(lic.lower() in allowed_lower for lic in answer.license):
        return
    declared = f"is licensed {', '.join(answer.license)}" if answer.license else "declares no license in its card"
    out.add("license-not-allowed",
            f"{at} {declared}; the policy allows {', '.join(str(a) for a in allowed)}",
            "use a repository under an allowed license, or, once approved, add "
            f"{answer.license[0] if answer.license else 'its license'} to the `licenses` of its policy entry",
            licenses=list(answer.license), allowed=[str(a) for a in allowed])


def _file_pins(entry, out: _Findings, at: str, answer: RepoAnswer) -> None:
    pins = (entry or {}).get("files") or {}
    git_hashes = dict(answer.file_sha256)
    for name, pin in sorted(pins.items()):
        expected = str(pin).lower().removeprefix("sha256:")
        stored = answer.file(name)
        if stored is None:
            out.add("file-hash-mismatch", f"{name}, pinned by hash in the policy, is absent from {at}",
                    f"pin the reference to the revision that holds the reviewed {name}, or update the policy's "
                    "`files` after reviewing this revision", file=name, expected=expected)
            continue
        actual = stored.lfs_sha256 or git_hashes.get(name)
        if actual is None:  # never a silent pass: a pin that could not be checked is a failed verification
            out.add("verification-failed", f"could not compute the sha256 of {name} at {at}",
                    "re-run the verification; if it persists, report it", file=name)
            continue
        if actual.lower() == expected:
            continue
        out.add("file-hash-mismatch",
                f"{name} at {at} has sha256 {actual}, but the policy pins sha256:{expected}",
                f"pin the reference to the revision that holds the reviewed {name}, or, after reviewing the new "
                f'file, set `files: {{"{name}": "sha256:{actual}"}}` in its policy entry',
                file=name, expected=expected, actual=actual)


def _formats(policy, out: _Findings, at: str, answer: RepoAnswer) -> None:
    from gate.policy.rules.unsafe_artifact_format import format_allowed

    rules = policy.defaults.get("artifact_formats") or {}
    if format_allowed("pickle", allow=rules.get("allow"), deny=rules.get("deny")):
        return
    pickles = sorted(f.path for f in answer.files if f.path.lower().endswith(PICKLE_SUFFIXES))
    if not pickles:
        return
    alternatives = sorted(f.path for f in answer.files if f.path.lower().endswith(".safetensors"))
    message = f"{at} serves pickle-based weights, which can run code when loaded: {', '.join(pickles)}"
    if alternatives:
        message += f"; safetensors alternatives at this revision: {', '.join(alternatives)}"
        fix = ("load the safetensors files and never the pickle ones (transformers: use_safetensors=True; "
               "snapshot_download: allow_patterns=[\"*.safetensors\", \"*.json\"])")
    else:
        fix = "choose a revision or repository that publishes safetensors weights, or convert the weights yourself"
    # With safetensors beside them the pickles need not be loaded at all: a warning, not a blocker.
    out.add("unsafe-format-at-revision", message, fix, severity="warning" if alternatives else None,
            pickle_files=pickles, safetensors_files=alternatives)


def _security(out: _Findings, at: str, answer: RepoAnswer, registry: str) -> None:
    scan = answer.security
    # The real Hub sends `scansDone: false` for repositories it has scanned, flags included (issue 13 §2.1):
    # files with issues are findings whatever `scansDone` says; `false` alone is only a note.
    if scan is not None and scan.flagged:
        worst = "error" if any(level == "unsafe" for _, level in scan.flagged) else "warning"
        listed = ", ".join(f"{path} ({level})" for path, level in scan.flagged)
        out.add("hub-security-flag", f"the Hub's security scan flags files at {at}: {listed}",
                f"do not load this revision; inspect the flagged files ({registry}/"
                f"{answer.canonical_id or answer.query.id}/tree/{answer.sha}) and pick another revision or repository",
                severity=worst, flagged=[list(item) for item in scan.flagged])
        return
    if scan is None or not scan.done:
        out.add("hub-security-flag",
                f"the Hub has not finished scanning {at}: its files are not known to be free of malware or unsafe "
                "pickles (the Hub flags no file, and reports its scan as not done)",
                "re-run the verification later; until then treat the files as unscanned",
                severity="note", scan="pending" if scan is not None else "not scanned")


def resolved_pin(reference: Reference, answer: RepoAnswer) -> str:
    """Remediation for an unpinned reference: the exact pin to the commit its revision resolves to today."""
    from gate.policy.fixes import pin_instruction

    followed = reference.revision or ("the default branch" if answer.query.kind == "github" else "main")
    key = reference.revision_key
    if reference.syntax in ("python", "notebook") and reference.source != "torchhub" and key not in ("@", ":", "url"):
        text = f'pin to {key or "revision"}="{answer.sha}", the current head of {followed}'
    else:
        text = f"pin to {answer.sha}, the current head of {followed}: {pin_instruction(reference, answer.sha)}"
    if answer.canonical_id and reference.id and answer.canonical_id != reference.id:
        text += f" (and use the canonical id {answer.canonical_id} instead of {reference.id})"
    return text

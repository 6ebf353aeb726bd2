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
    if answer.status == "repo-not-found" and answer.anonymous:
        # The Hub answers an anonymous caller 401 for a missing, private or disabled repository alike.
        out.add("repo-not-found",
                f"{what} does not exist on {registry}, or it is private or disabled: the Hub answers an anonymous "
                f"request with 401 for all three (missing, private, or disabled), and {token_env} is not set",
                f"set {token_env} to a token with read access and re-run: the Hub then tells a missing, a private "
                "and a disabled repository apart", anonymous=True)
        return out.items
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
    entry = _entry(policy, reference, answer)
    at = f"{what} at {_short(answer.sha)}"
    _moved(out, reference, answer)
    _on_branch(entry, out, at, answer)
    _gated(policy, entry, out, what, answer)
    _license(policy, entry, out, at, answer)
    _file_pins(entry, out, at, answer)
    _formats(policy, out, at, answer)
    _security(out, at, answer, registry)
    return out.items


def _entry(policy, reference: Reference, answer: RepoAnswer):
    """The policy entry for the repository the Hub answered for: a moved repository's entry is written with its
    canonical id (a legacy alias's too); an entry for the id as written still applies when none matches."""
    from dataclasses import replace

    canonical = answer.canonical_id
    if canonical and reference.id and canonical != reference.id:
        entry = policy.entry_for(replace(reference, id=canonical))
        if entry is not None:
            return entry
    return policy.entry_for(reference)


def is_transfer(written: str | None, canonical: str | None) -> bool:
    """A redirect to another `owner/name` (a rename or a transfer). A legacy unqualified id (`gpt2` →
    `openai-community/gpt2`) and a difference in case are the same repository under its usual name."""
    return bool(written and canonical and "/" in written and written.lower() != canonical.lower())


def _moved(out: _Findings, reference: Reference, answer: RepoAnswer) -> None:
    if not is_transfer(reference.id, answer.canonical_id):
        return
    out.add("repo-moved",
            f"{reference.kind} {reference.id} redirects to {answer.canonical_id}: the repository was renamed or "
            "transferred, and the old name keeps working only until someone creates a repository under it",
            f"use the new id {answer.canonical_id}, after checking that its new owner is one you trust",
            moved_from=reference.id, moved_to=answer.canonical_id)


def _on_branch(entry, out: _Findings, at: str, answer: RepoAnswer) -> None:
    """A pinned commit must be on a branch or tag: anyone can open a pull request on a public repository, and
    its commits resolve by sha like the owner's."""
    if answer.refs is None or answer.refs or not out.reference.pinned:
        return
    allowed = set(entry.allowed_refs if entry is not None else ())
    if allowed & set(answer.pull_requests):
        return
    where = (f"only {', '.join(answer.pull_requests)} (a pull request, which anyone can open)"
             if answer.pull_requests else "no branch or tag")
    out.add("revision-not-on-branch",
            f"commit {answer.sha} of {at.rsplit(' at ', 1)[0]} is reachable from {where}: it is not a revision "
            "the repository's owner published",
            "pin a commit of a branch or tag; if this pull request's commit was reviewed, allow its ref in the "
            f"policy entry: `allowed_refs: [{answer.pull_requests[0] if answer.pull_requests else 'refs/pr/<n>'}]`",
            pull_requests=list(answer.pull_requests))


def _gated(policy, entry, out: _Findings, what: str, answer: RepoAnswer) -> None:
    if not answer.gated:
        return
    mode = policy.gated_for(entry)
    if mode == "allow":
        return
    out.add("repo-gated",
            f"{what} is gated ({answer.gated} approval): downloads need an accepted access request and a token",
            "review the repository's terms; if acceptable, declare it in the policy: "
            f"`{'datasets' if answer.query.kind == 'dataset' else 'models'}: - {{id: "
            f"{answer.canonical_id or out.reference.id}, gated: allow}}`; otherwise use an ungated repository",
            severity="error" if mode == "deny" else None, gated=answer.gated)


def _license(policy, entry, out: _Findings, at: str, answer: RepoAnswer) -> None:
    allowed = policy.licenses_for(entry)
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
    pins = entry.files if entry is not None else {}
    git_hashes = dict(answer.file_sha256)
    unreadable = dict(answer.file_errors)
    for name, pin in sorted(pins.items()):
        expected = str(pin).lower().removeprefix("sha256:")
        if name in unreadable:  # the metadata findings stand; this one check cannot be made
            out.add("verification-failed",
                    f"the policy pins the sha256 of {name}, which cannot be checked at {at} without access: "
                    f"{unreadable[name]}",
                    "set HF_TOKEN to a token whose account was granted access to the repository, then re-run",
                    file=name, expected=expected)
            continue
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

    rules = policy.defaults.artifact_formats
    if format_allowed("pickle", allow=rules.allow, deny=rules.deny):
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
    verdicts = {v.path: v for v in ((scan.files if scan is not None else None) or ())}
    flagged = dict(scan.flagged) if scan is not None else {}
    # Per-file verdicts add what the repository-level list misses (it can be empty with `scansDone: false`).
    for verdict in verdicts.values():
        if verdict.status in ("unsafe", "caution", "suspicious") and verdict.path not in flagged:
            flagged[verdict.path] = verdict.status
    # The real Hub sends `scansDone: false` for repositories it has scanned, flags included (issue 13 §2.1):
    # files with issues are findings whatever `scansDone` says; `false` alone is only a note.
    if flagged:
        items = sorted(flagged.items())
        worst = "error" if any(level == "unsafe" for _, level in items) else "warning"
        imports = {path: [name for name, safety in verdicts[path].imports]
                   for path, _ in items if path in verdicts and verdicts[path].imports}
        listed = ", ".join(f"{path} ({level}" + (f": imports {', '.join(imports[path])}" if path in imports else "")
                           + ")" for path, level in items)
        out.add("hub-security-flag", f"the Hub's security scan flags files at {at}: {listed}",
                f"do not load this revision; inspect the flagged files ({registry}/"
                f"{answer.canonical_id or answer.query.id}/tree/{answer.sha}) and pick another revision or repository",
                severity=worst, flagged=[list(item) for item in items], **({"pickle_imports": imports} if imports
                                                                            else {}))
        return
    if answer.query.kind == "dataset":
        if verdicts and all(v.status == "safe" for v in verdicts.values()):
            return
        out.add("hub-security-flag",
                f"no security status is available for {at}: the Hub publishes none for the repository as a whole, "
                + ("and its per-file scan results do not cover every file" if verdicts else
                   "and per-file scan results are asked for pinned revisions only"),
                "pin the dataset to a commit so its per-file scan results are checked; until then treat its files "
                "as unscanned", severity="note", scan="not available")
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

"""Waivers: before, at and after expiry (injectable clock), the expiring window, profiles, later-stage findings."""

from __future__ import annotations

import datetime as _dt

import pytest

from gate.policy.evaluate import apply_overrides_and_waivers, evaluate
from gate.policy.interface import Finding
from tests.policy.helpers import SHA_A, TODAY, judge, policy, ref

WAIVER = """\
exceptions:
  - rule: unpinned-revision
    id: org/legacy
    reason: being replaced
    expires: 2026-12-31
    owner: "@ml"
"""
LEGACY = ref("org/legacy", path="legacy/nb.py")


def day(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)


@pytest.mark.parametrize("today,expected", [
    # long before expiry: waived, no warning
    ("2026-12-01", [("unpinned-revision", "error", 0, 0)]),
    # 14 days ahead: waived, and the waiver is expiring
    ("2026-12-17", [("unpinned-revision", "error", 0, 0), ("waiver-expiring", "warning", None, None)]),
    # on the expiry day the waiver still holds
    ("2026-12-31", [("unpinned-revision", "error", 0, 0), ("waiver-expiring", "warning", None, None)]),
    # the day after: the finding is back and the waiver itself is an error
    ("2027-01-01", [("expired-waiver", "error", None, None), ("unpinned-revision", "error", 0, None)]),
])
def test_waiver_lifecycle(today, expected):
    assert judge(WAIVER, [LEGACY], today=day(today)) == sorted(expected)


def test_fifteen_days_ahead_is_not_expiring_yet():
    assert judge(WAIVER, [LEGACY], today=day("2026-12-16")) == [("unpinned-revision", "error", 0, 0)]


def test_expiry_findings_point_at_the_waiver():
    findings = evaluate(policy(WAIVER), [LEGACY], day("2027-02-01"))
    expired = [f for f in findings if f.rule == "expired-waiver"][0]
    assert (expired.path, expired.line) == ("policy.yml", 3)
    assert "expired on 2026-12-31" in expired.message
    assert expired.details == {"waiver": 0, "expires": "2026-12-31"}
    soon = evaluate(policy(WAIVER), [LEGACY], day("2026-12-30"))
    assert [f.message for f in soon if f.rule == "waiver-expiring"] == [
        "waiver #0 (unpinned-revision for id org/legacy, policy.yml:3) expires tomorrow (2026-12-31)"]


@pytest.mark.parametrize("waiver,references,expected", [
    ("{rule: unpinned-revision, paths: ['legacy/**'], reason: r, expires: 2026-12-31}",
     [LEGACY, ref("org/legacy", path="src/a.py")], [("unpinned-revision", "error", 0, 0),
                                                     ("unpinned-revision", "error", 1, None)]),
    ("{rule: unpinned-revision, id: 'org/*', paths: ['src/**'], reason: r, expires: 2026-12-31}",
     [LEGACY, ref("org/legacy", path="src/a.py")], [("unpinned-revision", "error", 0, None),
                                                     ("unpinned-revision", "error", 1, 0)]),
    ("{rule: UNPINNED-revision, id: ORG/LEGACY, reason: r, expires: 2026-12-31}", [LEGACY],
     [("unpinned-revision", "error", 0, 0)]),
    # a waiver for another rule waives nothing
    ("{rule: not-allowlisted, id: org/legacy, reason: r, expires: 2026-12-31}", [LEGACY],
     [("unpinned-revision", "error", 0, None)]),
    # a legacy-id waiver does not waive the qualified id
    ("{rule: unpinned-revision, id: legacy, reason: r, expires: 2026-12-31}", [ref("org/legacy")],
     [("unpinned-revision", "error", 0, None)]),
    # dynamic references can be waived by path
    ("{rule: dynamic-reference, paths: [src/x.py], reason: r, expires: 2026-12-31}",
     [ref(None, dynamic=True, path="src/x.py")], [("dynamic-reference", "warning", 0, 0)]),
])
def test_waiver_matching(waiver, references, expected):
    assert judge(f"exceptions:\n  - {waiver}\n", references) == sorted(expected)


def test_severity_off_drops_even_waived_findings_and_override_applies_to_waived():
    body = WAIVER + "defaults: {severity: {unpinned-revision: note}}\n"
    assert judge(body, [LEGACY]) == [("unpinned-revision", "note", 0, 0)]


def test_first_matching_waiver_wins_and_indexes_follow_the_file():
    body = ("exceptions:\n"
            "  - {rule: trust-remote-code, id: org/legacy, reason: r, expires: 2026-12-31}\n"
            "  - {rule: unpinned-revision, id: org/legacy, reason: r, expires: 2026-12-31}\n"
            "  - {rule: unpinned-revision, paths: ['**'], reason: r, expires: 2026-12-31}\n")
    assert judge(body, [LEGACY]) == [("unpinned-revision", "error", 0, 1)]


def test_allow_waivers_false_ignores_every_waiver():
    body = WAIVER + "defaults: {allow_waivers: false}\n"
    assert judge(body, [LEGACY], today=day("2027-01-05")) == [("unpinned-revision", "error", 0, None)]


def test_ai_authored_profile_disables_waivers_and_tightens_unlisted():
    body = WAIVER + "profiles:\n  ai_authored: {unlisted: deny, allow_waivers: false}\n"
    base = policy(body)
    assert [(f.rule, f.waived_by) for f in evaluate(base, [LEGACY], TODAY)] == [("unpinned-revision", 0)]
    strict = base.with_profile("ai_authored")
    assert strict.profile == "ai_authored" and base.profile is None
    got = sorted((f.rule, f.severity, f.waived_by) for f in evaluate(strict, [LEGACY], TODAY))
    assert got == [("not-allowlisted", "error", None), ("unpinned-revision", "error", None)]


def test_profile_absent_changes_nothing_and_unknown_profile_is_an_error():
    base = policy("")
    assert base.with_profile("ai_authored").defaults == base.defaults
    with pytest.raises(ValueError):
        base.with_profile("robots")


def test_later_stage_findings_get_overrides_and_waivers_idempotently():
    body = ("defaults: {severity: {repo-gated: off, hub-security-flag: warning}}\n"
            "exceptions:\n  - {rule: revision-not-found, id: org/legacy, reason: r, expires: 2026-12-31}\n")
    pol = policy(body)
    references = [ref("org/legacy", SHA_A)]

    def finding(rule, severity="error", reference=0):
        return Finding(rule=rule, severity=severity, message="m", remediation="r", path="src/app.py", line=1,
                       reference=reference)

    raw = [finding("revision-not-found"), finding("repo-gated", "warning"), finding("hub-security-flag"),
           finding("verification-failed", reference=None)]
    once = apply_overrides_and_waivers(pol, raw, references, TODAY)
    assert [(f.rule, f.severity, f.waived_by) for f in once] == [
        ("revision-not-found", "error", 0), ("hub-security-flag", "warning", None),
        ("verification-failed", "error", None)]
    assert apply_overrides_and_waivers(pol, once, references, TODAY) == once
    # after expiry the same call un-waives it
    later = apply_overrides_and_waivers(pol, once, references, day("2027-01-01"))
    assert [f.waived_by for f in later] == [None, None, None]


def test_waiver_reads_like_a_mapping():
    waiver = policy(WAIVER).exceptions[0]
    assert waiver["reason"] == "being replaced" and waiver["expires"] == "2026-12-31"
    assert waiver.get("paths") == [] and waiver.get("owner") == "@ml" and waiver.get("nope", 1) == 1

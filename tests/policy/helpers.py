"""Builders shared by the policy tests: references made directly, policies from YAML text, a fixed clock."""

from __future__ import annotations

import datetime as _dt
import textwrap

from gate.discover.hubids import is_pinned
from gate.discover.interface import Reference
from gate.policy.evaluate import evaluate
from gate.policy.load import load_policy

TODAY = _dt.date(2026, 12, 1)
SHA_A = "a" * 40
SHA_B = "b" * 40
SHA_C = "0123456789abcdef0123456789abcdef01234567"
HASH_A = "1" * 64
HASH_B = "2" * 64


def ref(id: str | None = "org/model", revision: str | None = None, *, kind: str = "model",
        path: str = "src/app.py", line: int = 1, **fields) -> Reference:
    fields.setdefault("source", "huggingface")
    fields.setdefault("pinnable", True)
    fields.setdefault("api", "transformers.from_pretrained")
    fields.setdefault("pinned", is_pinned(revision))
    return Reference(kind=kind, id=id, revision=revision, path=path, line=line, column=1, **fields)


def artifact(path: str, fmt: str, sha256: str | None = HASH_A) -> Reference:
    return Reference(kind="artifact", source="local", id=None, revision=None, pinned=False, pinnable=False,
                     path=path, line=0, column=0, api="file", format=fmt, syntax="file", sha256=sha256)


def policy(body: str = "", *, today: _dt.date = TODAY, label: str = "policy.yml", base_dir: str | None = None):
    text = "version: 1\n" + textwrap.dedent(body)
    return load_policy(None, base_dir or ".", text=text, label=label, today=today, base_dir=base_dir)


def judge(body: str, references, today: _dt.date = TODAY) -> list[tuple]:
    """(rule, severity, reference, waived_by) of every finding, sorted."""
    findings = evaluate(policy(body, today=today), references, today)
    return sorted((f.rule, f.severity, f.reference, f.waived_by) for f in findings)

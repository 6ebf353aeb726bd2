"""Rule registry. Each rule is one module in this folder defining `RULE = Rule(...)` and its checks.

A rule's checks, all pure, run only from the judge (gate/policy/judge.py):
- `check(context, index, reference)`: per discovered reference, against the policy (`CheckContext`);
- `check_policy(context)`: about the policy itself (waivers);
- `check_answer(context)`: per reference, against the registry's evidence for it (`AnswerContext`);
- `check_lineage(policy, index, reference, lineage)`: per verified model, against its traced lineage.
docs/rules.md and SARIF rule metadata are generated from the `RULE` objects.
"""

from __future__ import annotations

import datetime as _dt
import functools
import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from gate.policy.interface import Finding, Severity

if TYPE_CHECKING:
    from gate.discover.interface import Reference
    from gate.policy.model import Entry, Policy
    from gate.verify.interface import RepoEvidence

LEVEL_SEVERITY: dict[str, Severity | None] = {"deny": "error", "warn": "warning", "allow": None}
"""How a deny/warn/allow policy setting (unlisted, dynamic, unpinnable, gated) becomes a severity."""


@dataclass(frozen=True)
class CheckContext:
    """What a policy-stage rule may look at: the policy, the clock, and every reference of the run."""

    policy: Policy
    today: _dt.date
    references: tuple = ()

    def entry_for(self, reference: Reference) -> Entry | None:
        return self.policy.entry_for(reference)

    @functools.cached_property
    def ids_by_place(self) -> dict[tuple, set[str]]:
        """{(path, line, column, revision_key): ids read there}, built once per run: asking "who else is read
        with this revision keyword" of every reference must not walk every reference each time."""
        places: dict[tuple, set[str]] = {}
        for other in self.references:
            if other.id:
                places.setdefault((other.path, other.line, other.column, other.revision_key), set()).add(other.id)
        return places


@dataclass(frozen=True)
class AnswerContext:
    """What a rule judging registry evidence may look at: one reference, the answer to its query, the policy."""

    policy: Policy
    index: int
    reference: Reference
    answer: RepoEvidence
    registry: str
    """Where it was asked, for messages (`https://huggingface.co`, `GitHub (https://api.github.com)`)."""
    entry: Entry | None
    """The policy entry for the repository the registry answered for (a moved repository's canonical id first)."""

    @property
    def what(self) -> str:
        """`model org/name`, `model gpt2 (canonical id openai-community/gpt2)`."""
        canonical = self.answer.canonical_id
        shown = self.reference.id or "?"
        if canonical and self.reference.id and canonical != self.reference.id:
            shown = f"{self.reference.id} (canonical id {canonical})"
        return f"{self.reference.kind} {shown}"

    @property
    def at(self) -> str:
        """`model org/name at 0123456789ab`."""
        return f"{self.what} at {self.answer.sha[:12] if self.answer.sha else '?'}"

    @property
    def token_variable(self) -> str:
        return "GITHUB_TOKEN" if self.answer.query.kind == "github" else "HF_TOKEN"

    def finding(self, rule: Rule, message: str, remediation: str, *, severity: Severity | None = None,
                **details: Any) -> Finding:
        """A finding about this reference, with what it resolved to (revision, resolved sha, canonical id)."""
        extra = {"revision": self.reference.revision, "resolved_sha": self.answer.sha, **details}
        if self.answer.canonical_id and self.answer.canonical_id != self.reference.id:
            extra["canonical_id"] = self.answer.canonical_id
        return rule.finding(message=message, remediation=remediation, path=self.reference.path,
                            line=self.reference.line, reference=self.index, severity=severity,
                            details={k: v for k, v in extra.items() if v is not None})


@dataclass(frozen=True)
class RegistryContext:
    """What a rule judging an MLflow registry's answer may look at (`check_registry_answer`)."""

    policy: Policy
    index: int
    reference: Reference
    answer: Any
    """`gate.verify.mlflow.RegistryAnswer`."""
    entry: Entry | None

    @property
    def where(self) -> str:
        from gate.verify.mlflow import display_uri

        return display_uri(self.answer.query.registry)

    @property
    def what(self) -> str:
        model = self.reference.id or ""
        return f"MLflow {model}" if model.startswith("runs:/") else f"MLflow model '{model}'"

    @property
    def resolved(self) -> dict[str, Any]:
        """What the registry resolved the reference to (details of the findings about that version)."""
        return {"version": self.answer.version, "run_id": self.answer.run_id, "source": self.answer.source}

    def finding(self, rule: Rule, message: str, remediation: str, **extra: Any) -> Finding:
        details = {"registry": self.where, "revision": self.reference.revision,
                   **{k: v for k, v in extra.items() if v is not None}}
        return rule.finding(message=message, remediation=remediation, path=self.reference.path,
                            line=self.reference.line, reference=self.index, details=details)


def names_remote_repo(reference: Reference) -> bool:
    """A model, dataset or metric the code loads from a registry (not a local path, not a committed file, not a
    publish target: where the code pushes is judged by `publish-target-not-allowed`, never by the load rules)."""
    return reference.kind in ("model", "dataset", "metric") and reference.source != "local" and not is_publish(reference)


def is_publish(reference: Reference) -> bool:
    """A push/upload target (`push_to_hub`, `hub_model_id`, `create_repo`, `upload_folder`)."""
    return reference.role == "publish"


@dataclass(frozen=True)
class Rule:
    id: str
    default_severity: Severity
    description: str
    """One line: what the rule finds."""
    why: str
    """Why it matters (a short paragraph)."""
    fix: str
    """How to fix it in general; findings carry the exact fix for the reference at hand."""
    stage: str = "policy"
    """Which stage raises it: policy, verify, signature, pickle, run."""
    bad_example: str = ""
    good_example: str = ""
    precision: str = "high"
    """How often a finding of this rule is right (SARIF `precision`, which GitHub code scanning reads from the rule
    to sort alerts): `high` unless the rule is about guesses (`unconfirmed-reference`)."""

    def finding(self, *, message: str, remediation: str, path: str | None, line: int | None,
                reference: int | None, severity: Severity | None = None, details: dict | None = None) -> Finding:
        return Finding(
            rule=self.id,
            severity=severity or self.default_severity,
            message=message,
            remediation=remediation,
            path=path,
            line=line,
            reference=reference,
            details=details or {},
        )


def all_rules() -> dict[str, Rule]:
    """Every rule module in this package, by id, in a stable order."""
    rules: dict[str, Rule] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            rules[rule.id] = rule
    return rules


def rule_module(rule_id: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{rule_id.replace('-', '_')}")

"""Lineage from the Hub (issue 18 §1): where each verified model came from and what it was trained on.

A model card's `cardData` names its parents (`base_model`, one id or several for a merge, with
`base_model_relation`: finetune, adapter, quantized, merge) and its training data (`datasets`); a PEFT adapter's
`adapter_config.json` names its base (`base_model_name_or_path`). Both arrive with the model's own answer
(gate/verify/hub.py). From there the parents are asked level by level, every distinct ancestor once per run
(shared by every model that reaches it, and by a load of the same id at its default branch), up to
`lineage.max_depth` levels (default 5), cycles detected. Ancestors are asked at their default branch: a card
names no revision.

Unknown never collapses to absent: an ancestor that could not be asked, that does not exist, or that lies beyond
the bound makes the lineage `complete: false` with the reason, and `lineage-incomplete` when the policy judges
lineage. This module gathers evidence only; the rules (one module each, `check_lineage`) judge it in
gate/policy/judge.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from gate.discover.interface import Reference
from gate.verify.interface import RepoAnswer, RepoQuery

DEFAULT_MAX_DEPTH = 5

MAX_PARENTS = 32
"""Parents followed per model: a merge names a few; a card naming hundreds is not followed past this (a gap)."""
MAX_ANCESTORS = 500
"""Ancestors asked per run: a hostile card cannot make the gate ask the Hub without end (the rest are gaps)."""

Ask = Callable[[list[RepoQuery]], tuple[dict[RepoQuery, RepoAnswer], dict[RepoQuery, str]]]
"""Answers (and failure reasons) for a batch of queries: the verification stage's own concurrent asker."""


@dataclass
class Traced:
    """What tracing adds to the verification outcome."""

    lineages: dict[RepoQuery, dict] = field(default_factory=dict)
    """Model query -> its lineage (the `lineage` of the references that share the query, in the JSON report)."""
    asked: int = 0
    """Ancestors asked of the Hub this run (each distinct id once)."""
    failed: int = 0


def parents(answer: RepoAnswer) -> list[tuple[str, str | None]]:
    """(id, relation) of every parent a model's answer names: card `base_model`s, then an adapter's base."""
    card = answer.card or {}
    relation = card.get("base_model_relation")
    out = [(base, relation) for base in card.get("base_model") or ()]
    adapter = card.get("adapter_base")
    if adapter and adapter.lower() not in {base.lower() for base, _ in out}:
        out.append((adapter, "adapter"))
    return out[:MAX_PARENTS]


def _too_many_parents(answer: RepoAnswer) -> str | None:
    named = len((answer.card or {}).get("base_model") or ())
    if named > MAX_PARENTS:
        return f"its card names {named} base models; the first {MAX_PARENTS} are followed"
    return None


def trace(answers: Mapping[RepoQuery, RepoAnswer], ask: Ask, depth_limit: int = DEFAULT_MAX_DEPTH) -> Traced:
    """Lineage of every model the Hub answered (`ok`), its ancestors asked level by level up to `depth_limit`."""
    roots = {query: answer for query, answer in answers.items() if query.kind == "model" and answer.status == "ok"}
    if not roots:
        return Traced()
    known: dict[str, RepoAnswer | str] = {
        query.id.lower(): answer for query, answer in answers.items()
        if query.kind == "model" and query.revision is None}
    traced = Traced()
    frontier = {base.lower(): base for answer in roots.values() for base, _ in parents(answer)}
    for _ in range(depth_limit):
        needed = [RepoQuery("model", base, None) for key, base in sorted(frontier.items()) if key not in known]
        for query in needed[max(0, MAX_ANCESTORS - traced.asked):]:
            known[query.id.lower()] = f"more than {MAX_ANCESTORS} ancestors in one run"
        needed = needed[:max(0, MAX_ANCESTORS - traced.asked)]
        if needed:
            fetched, failures = ask(needed)
            traced.asked += len(needed)
            traced.failed += len(failures)
            for query in needed:
                known[query.id.lower()] = fetched.get(query) or failures.get(query) or "no answer"
        frontier = {base.lower(): base for key in frontier for base, _ in _parents_of(known.get(key))}
        if not frontier:
            break
    for query, answer in roots.items():
        traced.lineages[query] = _lineage(answer, known, depth_limit)
    return traced


def _parents_of(found: RepoAnswer | str | None) -> list[tuple[str, str | None]]:
    return parents(found) if isinstance(found, RepoAnswer) and found.status == "ok" else []


def _node(repo_id: str, answer: RepoAnswer | None) -> dict:
    card = (answer.card if answer is not None else None) or {}
    return {"id": (answer.canonical_id if answer is not None else None) or repo_id,
            "sha": answer.sha if answer is not None else None,
            "license": list(answer.license) if answer is not None else [],
            "datasets": list(card.get("datasets") or ()),
            "gated": answer.gated if answer is not None else None}


def _status(found: RepoAnswer | str) -> tuple[str, str | None]:
    if isinstance(found, RepoAnswer):
        if found.status == "ok":
            return "ok", None
        if found.status == "repo-not-found":
            return "not-found", "the Hub does not know it (deleted, renamed, or private)"
        return "unknown", f"the Hub answered {found.status}"
    return "unknown", f"could not be asked: {found}"


def _lineage(root: RepoAnswer, known: dict[str, RepoAnswer | str], depth_limit: int) -> dict:
    """The lineage of one model: its ancestors (depth-first, each with the child it is the parent `of`)."""
    model = _node(root.query.id, root)
    ancestors: list[dict] = []
    gaps: list[str] = []
    card = root.card or {}
    if card.get("adapter_error"):
        gaps.append(f"{model['id']}: adapter_config.json unreadable: {card['adapter_error']}")
    if _too_many_parents(root):
        gaps.append(f"{model['id']}: {_too_many_parents(root)}")

    def walk(answer: RepoAnswer, child: str, depth: int, path: tuple[str, ...]) -> None:
        for base, relation in parents(answer):
            entry = {"depth": depth, "of": child, "relation": relation}
            if base.lower() in path:
                ancestors.append({**entry, **_node(base, None), "status": "cycle"})
                continue  # a cycle is known lineage, not a gap: every id in it is named and judged
            if depth > depth_limit:
                ancestors.append({**entry, **_node(base, None), "status": "beyond-bound"})
                gaps.append(f"{base}: beyond the {depth_limit}-level bound (lineage.max_depth)")
                continue
            found = known.get(base.lower(), "no answer")
            status, reason = _status(found)
            node = _node(base, found if isinstance(found, RepoAnswer) and status == "ok" else None)
            ancestors.append({**entry, **node, "status": status, **({"reason": reason} if reason else {})})
            if reason or not isinstance(found, RepoAnswer):
                gaps.append(f"{base}: {reason}")
                continue
            card = found.card or {}
            if card.get("adapter_error"):
                gaps.append(f"{base}: adapter_config.json unreadable: {card['adapter_error']}")
            if _too_many_parents(found):
                gaps.append(f"{base}: {_too_many_parents(found)}")
            walk(found, node["id"], depth + 1, path + (base.lower(), node["id"].lower()))

    walk(root, model["id"], 1, (root.query.id.lower(), model["id"].lower()))
    declared = [{"id": name, "declared_by": model["id"]} for name in model["datasets"]]
    declared += [{"id": name, "declared_by": a["id"]} for a in ancestors for name in a["datasets"]]
    return {
        "model": model,
        "relation": card.get("base_model_relation") or ("adapter" if card.get("adapter_base") else None),
        "ancestors": ancestors,
        "chain": chain_levels(model["id"], ancestors),
        "datasets": declared,
        "complete": not gaps,
        "gaps": gaps,
        "max_depth": depth_limit,
    }


def chain_levels(model_id: str, ancestors: list[dict]) -> list[list[str]]:
    """The model, then its parents, grandparents, ...: one list of ids per level (several for a merge)."""
    levels: list[list[str]] = [[model_id]]
    for ancestor in ancestors:
        while len(levels) <= ancestor["depth"]:
            levels.append([])
        if ancestor["id"] not in levels[ancestor["depth"]]:
            levels[ancestor["depth"]].append(ancestor["id"])
    return levels


def chain_text(lineage: dict) -> str:
    """`org/ft ← org/base ← org/root`; a merge's parents joined with ` + `; `?` marks an unknown link."""
    marks = {(a["depth"], a["id"]): a["status"] for a in lineage.get("ancestors") or ()}
    suffix = {"cycle": " (cycle)", "beyond-bound": " …", "not-found": " (not found)", "unknown": " (?)"}

    def shown(depth: int, repo_id: str) -> str:
        return repo_id + suffix.get(marks.get((depth, repo_id), "ok"), "")

    return " ← ".join(" + ".join(shown(depth, i) for i in level)
                      for depth, level in enumerate(lineage.get("chain") or ()))


def ancestor_ids(lineage: dict) -> list[str]:
    """Every base the model's chain reaches, in order, once."""
    return list(dict.fromkeys(a["id"] for a in lineage.get("ancestors") or ()))


def model_lineages(references: Iterable[Reference]) -> list[tuple[Reference, dict]]:
    """(first reference, lineage) once per distinct model and commit, in report order: what formats show."""
    seen: dict[tuple, tuple] = {}
    for reference in references:
        lineage = getattr(reference, "lineage", None)
        if lineage:
            seen.setdefault((lineage["model"]["id"].lower(), lineage["model"]["sha"]), (reference, lineage))
    return list(seen.values())

"""Compare discovery output with a fixture's `expected.json`.

Each fixture under tests/fixtures/discover/<form>/ has the scanned files in `repo/` and beside it
`expected.json`: the exact references, as `Reference.to_json()` minus fields that hold their default value
(so every field is compared, and the files stay readable), plus the expected warning paths.
"""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "discover"
DEFAULTS = {
    "revision": None, "pinnable": True, "dynamic": False, "expression": None, "trust_remote_code": False,
    "format": None, "sha256": None, "revision_key": None, "confidence": "high", "role": "load",
}


def compact(reference_json: dict) -> dict:
    return {k: v for k, v in reference_json.items() if not (k in DEFAULTS and DEFAULTS[k] == v)}


def actual(discovery) -> dict:
    return {
        "references": [compact(r.to_json()) for r in discovery.references],
        "warnings": [w.path for w in discovery.warnings],
    }


def expected(form: str) -> dict:
    data = json.loads((FIXTURES / form / "expected.json").read_text(encoding="utf-8"))
    return {"references": data["references"], "warnings": data.get("warnings", [])}

"""Validate a JSON report against gate/report/report.schema.json (used by every test that produces one)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "gate" / "report" / "report.schema.json"


@functools.cache
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def schema_errors(report: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(report)]


def assert_valid_report(report: dict) -> dict:
    errors = schema_errors(report)
    assert not errors, "report does not match report.schema.json:\n" + "\n".join(errors)
    return report

"""MLflow URIs rewritten to the version their alias, stage or `latest` points at (issue 17 §4); pure rewriting
here, resolution against a real server in tests/registry."""

from __future__ import annotations

import datetime as _dt

import pytest

from gate.discover.interface import Reference
from gate.discover.pinnability import pin_obstacle as why_not_pinnable
from gate.pin.interface import Pin
from gate.pin.policy_update import PolicyPin, update_policy_text
from gate.pin.rewrite import rewrite_file

DAY = _dt.date(2026, 12, 7)


def mlflow_ref(revision, *, line=1, syntax="python", model="churn", key="uri", **fields) -> Reference:
    return Reference(kind="model", source="mlflow", id=model, revision=revision, pinned=False, pinnable=True,
                     path="x", line=line, column=1, api="mlflow.load_model", syntax=syntax, revision_key=key,
                     **fields)


@pytest.mark.parametrize(("path", "text", "reference", "expected"), [
    ("a.py", 'm = load_model("models:/churn@champion")\n', mlflow_ref("@champion"),
     'm = load_model("models:/churn/2")  # pinned from @champion on 2026-12-07 by model-gate pin\n'),
    ("a.py", 'm = load_model(\n    "models:/churn/Production",\n)\n', mlflow_ref("Production"),
     'm = load_model(\n    "models:/churn/2",  # pinned from Production on 2026-12-07 by model-gate pin\n)\n'),
    ("c.yaml", "uri: models:/churn/latest\r\nother: 1\r\n", mlflow_ref("latest", syntax="config"),
     "uri: models:/churn/2  # pinned from latest on 2026-12-07 by model-gate pin\r\nother: 1\r\n"),
    ("c.json", '{"uri": "models:/churn"}\n', mlflow_ref(None, syntax="config"), '{"uri": "models:/churn/2"}\n'),
    ("s.sh", "mlflow models serve -m models:/churn/Staging/model --port 1\n", mlflow_ref("Staging", syntax="shell"),
     "mlflow models serve -m models:/churn/2/model --port 1  # pinned from Staging on 2026-12-07 by model-gate pin\n"),
    # one up-to-date note (issue 16 §3): a stale note replaced, someone's note kept before it
    ("a.py", 'm = load_model("models:/churn@champion")  # noqa: E501  # not pinned: follows champion\n',
     mlflow_ref("@champion"),
     'm = load_model("models:/churn/2")  # noqa: E501  # pinned from @champion on 2026-12-07 by model-gate pin\n'),
])
def test_uri_rewrites(path, text, reference, expected):
    result = rewrite_file(path, text, [Pin(reference, "2", reference.revision or "latest", DAY)])
    assert result.text == expected
    assert len(result.pinned) == 1 and result.skipped == ()


def test_a_longer_name_is_not_this_reference():
    text = 'a = load_model("models:/churn@champion2")\n'
    result = rewrite_file("a.py", text, [Pin(mlflow_ref("@champion"), "2", "@champion", DAY)])
    assert result.text == text
    assert [s.reason for s in result.skipped] == ["models:/churn@champion is not written literally where it was found"]


@pytest.mark.parametrize(("reference", "reason"), [
    (mlflow_ref("@champion", key="alias"), "names an alias in a call"),
    (mlflow_ref(None, model=None, dynamic=True, expression="f'models:/{n}/1'"), "computed at run time"),
    (mlflow_ref("0" * 32, model="runs:/" + "0" * 32 + "/model"), "names a run"),
    (mlflow_ref("@champion", syntax="notebook"), "not rewritten"),
])
def test_not_pinnable(reference, reason):
    assert reason in why_not_pinnable(reference)


def test_update_policy_adds_versions_to_an_existing_mlflow_entry_only():
    text = ("version: 1\nmodels:\n  - id: churn\n    revisions: [" + "a" * 40 + "]\n"
            "  - source: mlflow\n    name: churn\n    versions: [1]\n")
    new = update_policy_text(text, [PolicyPin("model", "churn", ("2",), source="mlflow")])
    assert new == text.replace("versions: [1]", 'versions: [1, "2"]')

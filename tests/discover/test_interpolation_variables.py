"""llm-foundry's `variables:` block: a value the file interpolates (`${variables.model_name}`) is a reference where
it is interpolated, not where it is defined; inside a MosaicML run's `parameters:` the interpolation is relative to
that embedded config (issue 11, held-out2: llm-foundry).

Not a `config-*` fixture: those must read the same line by line (the reader for files too large to parse), and
that reader does not resolve interpolations, which need the whole document.
"""

from __future__ import annotations

from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected


def test_interpolated_variables_are_references_where_they_are_used():
    assert actual(discover(str(FIXTURES / "interpolation-variables" / "repo"))) == expected("interpolation-variables")

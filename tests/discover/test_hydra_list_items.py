"""NeMo `hf_data_cfg: [{path: ${data_path}}]`: each item is `load_dataset` keyword arguments, and a `${key}`
interpolation of a literal in the same file resolves to it (issue 11, held-out NeMo).

Not a `config-*` fixture: those must read the same line by line (the reader for files too large to parse), and
that reader does not resolve interpolations, which need the whole document.
"""

from __future__ import annotations

from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected


def test_hydra_list_items_are_load_dataset_arguments():
    assert actual(discover(str(FIXTURES / "hydra-list-items" / "repo"))) == expected("hydra-list-items")

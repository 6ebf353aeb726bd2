"""The catalog's call patterns are compiled when a row is first matched, not when the catalog is imported (every
process start paid for over 300 patterns; a scan asks about a few rows). Matching is the same either way."""

from __future__ import annotations

import re

from gate.discover.catalog.python_apis import SPECS, ApiSpec


def test_a_row_compiles_its_patterns_on_first_use():
    spec = ApiSpec(("transformers.*.from_pretrained", "*.hf_hub_download"), "x", ())
    assert "patterns" not in vars(spec)
    assert spec.matches("transformers.AutoModel.from_pretrained", root_known=True)
    assert spec.matches("hf_hub_download", root_known=True) and spec.matches("a.b.hf_hub_download", True)
    assert not spec.matches("transformers_x.AutoModel.from_pretrainedx", root_known=True)
    assert "patterns" in vars(spec)


def test_the_patterns_are_the_calls_as_regexes():
    for spec in SPECS:
        for call, pattern in zip(spec.calls, spec.patterns, strict=True):
            assert isinstance(pattern, re.Pattern)
            example = (call[2:] if call.startswith("*.") else call).replace("*", "x")
            assert pattern.fullmatch(example), call

"""Property tests (hypothesis) for the config and notebook readers added by issues 11/12: notebook magics and
one-string sources, configs without a config suffix, configs written into Python strings. Never crash; and the
prefilters only skip work (the same references with them forced on)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate.discover.interface import Reference, SourceFile
from tests.hardening.test_properties import hostile_text, json_values, snippet_text

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def source(path: str) -> SourceFile:
    return SourceFile(path, "/nonexistent/" + path)


notebook_tokens = st.lists(st.one_of(hostile_text, st.sampled_from([
    "%time ", "%timeit -n 1 ", "%%timeit -n1 ", "%%python3\n", "%%script --bg bash\n", "%%script python3\n",
    "%%writefile c.yaml\n", "%%writefile t.py\n", "%run ", "tools/x.py", "!hf download o/m \\\n", "pip install x\n",
    "AutoModel.from_pretrained(\"o/m\")", "from transformers import AutoModel\n", "import yaml\n",
    "yaml.safe_load(\"\"\"\nmodel_id: o/m\n\"\"\")", "model_name_or_path: o/m\n", "\n", "\\", "\"", "\\u00e9",
])), max_size=30).map(snippet_text)

python_config_tokens = st.lists(st.one_of(hostile_text, st.sampled_from([
    "import yaml\n", "from omegaconf import OmegaConf\n", "import json\n", "import textwrap\n", "yaml.safe_load(",
    "OmegaConf.create(", "json.loads(", "textwrap.dedent(", "\"\"\"", "'", "C = ", "C", ")", "\n", "    ",
    "model_id: o/m\n", "{\"model\": \"o/m\"}", "datasets:\n  - path: o/d\n", "${a.b}", "\\n", "from yaml import load as l\n",
])), max_size=30).map(snippet_text)


@FAST
@given(notebook_tokens, st.booleans())
def test_notebook_finder_never_raises_on_magics_and_one_string_sources(code, one_string):
    from gate.discover.notebook_finder import NotebookFinder

    source_field = code if one_string else code.splitlines(keepends=True)
    notebook = json.dumps({"cells": [{"cell_type": "code", "source": source_field}]}, indent=1)
    result = NotebookFinder().scan(source("x.ipynb"), notebook, frozenset())
    lines = notebook.split("\n")
    for reference in result.references:
        assert isinstance(reference, Reference) and 1 <= reference.line <= len(lines) and reference.column >= 1


@FAST
@given(python_config_tokens)
def test_embedded_config_finder_never_raises_and_its_prefilter_only_skips_work(text):
    from gate.discover import embedded_config

    found = embedded_config.EmbeddedConfigFinder().scan(source("x.py"), text, frozenset()).references
    original = embedded_config.worth_walking
    embedded_config.worth_walking = lambda _text: True
    try:
        assert embedded_config.EmbeddedConfigFinder().scan(source("x.py"), text, frozenset()).references == found
    finally:
        embedded_config.worth_walking = original


@FAST
@given(st.one_of(hostile_text, json_values.map(json.dumps)), st.sampled_from(["config", "train_yaml", "a.json.j2"]))
def test_sniffed_configs_never_raise_and_the_prefilter_only_skips_work(text, name):
    from gate.discover import config_finder

    found = config_finder.ConfigFinder().scan(source(name), text, frozenset()).references
    original = config_finder.worth_reading
    config_finder.worth_reading = lambda _text: True
    try:
        assert config_finder.ConfigFinder().scan(source(name), text, frozenset()).references == found
    finally:
        config_finder.worth_reading = original

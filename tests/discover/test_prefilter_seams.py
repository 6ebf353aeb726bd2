"""The prefilter reads a file as Python joins it: adjacent literals and backslash-newlines, all seams at once
(a token split over three literals crosses two seams), found without building the whole view for every file."""

import pytest

from gate.discover.engine import discover
from gate.discover.python_finder import _view_adds_triggers


@pytest.mark.parametrize(("text", "adds"), [
    ('x = "from_pre" "trained"', True),
    ('x = "from_" "pre" "trained"', True),  # two seams, one token
    ('s = "from_pre\\\ntrained"', True),
    ('u = ("https://hug"\n     "gingface.co/org/m/resolve/main/x")', True),
    ('s = "a\\n" + "b"', False),
    ('AutoModel.from_pretrained("a")', False),  # already in the raw text: nothing added
    ('x = "" + "hf://"', False),
])
def test_joins_that_spell_a_trigger_are_found(text, adds):
    assert _view_adds_triggers(text) is adds


def test_a_url_split_over_three_literals_is_found(tmp_path):
    (tmp_path / "fetch.py").write_text(
        'import requests\nURL = ("https://hugg" "ingface.co/evil-org/" "backdoor/resolve/main/w.bin")\n'
        "requests.get(URL)\n")
    assert [(r.id, r.revision) for r in discover(str(tmp_path), jobs=1).references] == [("evil-org/backdoor", "main")]

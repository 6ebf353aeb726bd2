"""SpeechBrain's HyperPyYAML hparams: a mapping tagged `!new:` / `!apply:` / `!name:` with a catalog callable is
that call, and `!ref <key>` reads that key's value (issue 11, held-out set 5: speechbrain/speechbrain).

Not a `config-*` fixture: those must read the same line by line (the reader for files too large to parse), and
that reader keeps neither tags nor the whole document a `!ref` needs.
"""

from __future__ import annotations

from gate.discover.config_finder import ConfigFinder
from gate.discover.engine import discover
from gate.discover.interface import SourceFile
from tests.discover.expected_refs import FIXTURES, actual, expected


def scan(text: str):
    return ConfigFinder().scan(SourceFile("hparams.yaml", "/nonexistent/hparams.yaml"), text, None).references


def test_tagged_catalog_calls_read_their_keys_and_refs():
    assert actual(discover(str(FIXTURES / "hyperpyyaml-calls" / "repo"))) == expected("hyperpyyaml-calls")


def test_a_ref_to_an_object_or_inside_other_text_is_not_read():
    text = ("folder: results\nenc: !new:torch.nn.Linear\n    in_features: 4\n"
            "w: !new:speechbrain.integrations.huggingface.whisper.Whisper\n    source: !ref <enc>\n"
            "v: !new:speechbrain.integrations.huggingface.whisper.Whisper\n    source: !ref <folder>/acme/m\n")
    assert scan(text) == ()


def test_the_same_keys_without_a_tag_are_not_a_call():
    assert scan("hub: acme/whisper-small\nwhisper:\n    source: !ref <hub>\n") == ()


def test_a_ref_follows_a_chain_of_refs():
    text = ("base: acme/whisper-small\nhub: !ref <base>\n"
            "w: !name:speechbrain.integrations.huggingface.whisper.Whisper\n    source: !ref <hub>\n")
    assert [(r.id, r.line, r.api) for r in scan(text)] == [("acme/whisper-small", 4, "speechbrain.Whisper")]

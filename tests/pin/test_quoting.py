"""Issue 13 §2.11: what `pin` writes is quoted for the file's syntax, and a sha that is not a commit is never
written. The rewriters get a hostile value directly here (the Hub client already refuses it, see
tests/verify/test_hub_answers.py), so each syntax's quoting is what keeps it inert."""

from __future__ import annotations

import json

import tomllib
import yaml

from gate.pin.rewrite import rewrite_file
from tests.pin.helpers import SHA, comment, pin, ref

HOSTILE = "x; echo injected $(echo sub)`echo bt`|cat #'\"\\\nevil: 1"


def _bash_words(command: str) -> list[str]:
    """The words bash itself reads from `command` (its program replaced by printf): quoting as bash sees it."""
    import subprocess

    program, _, arguments = command.partition(" ")
    out = subprocess.run(["bash", "-c", "printf '%s\\0' " + arguments], capture_output=True, check=True).stdout
    return [program, *out.decode().split("\0")[:-1]]


def _sh(line, **kwargs):
    fields = {"key": "--revision", "syntax": "shell", "api": "shell:hf download", "path": "run.sh", **kwargs}
    return ref(line, **fields)


def test_shell_flag_value_is_one_quoted_word():
    result = rewrite_file("run.sh", "hf download org/m --local-dir ./m\n", [pin(_sh(1), HOSTILE)])
    assert _bash_words(result.text) == ["hf", "download", "org/m", "--revision", HOSTILE, "--local-dir", "./m"]


def test_shell_existing_quoted_value_stays_inside_its_quotes():
    text = 'vllm serve org/m --revision "main"\n'
    result = rewrite_file("run.sh", text, [pin(_sh(1, revision="main", api="shell:vllm serve"), HOSTILE)])
    assert _bash_words(result.text) == ["vllm", "serve", "org/m", "--revision", HOSTILE]


def test_url_revision_is_percent_encoded():
    text = "wget https://huggingface.co/org/m/resolve/main/model.safetensors\n"
    result = rewrite_file("run.sh", text, [pin(_sh(1, key="url", revision="main", syntax="url", api="url"), HOSTILE)])
    assert len(_bash_words(result.text)) == 2 and "/resolve/x%3B%20echo%20injected%20" in result.text


def test_yaml_json_toml_values_load_back_as_the_exact_string():
    yml = rewrite_file("c.yaml", "model: org/m\nrevision: 'main'\n",
                       [pin(ref(1, key="revision", syntax="config", path="c.yaml", revision="main"), HOSTILE)])
    assert yaml.safe_load(yml.text) == {"model": "org/m", "revision": HOSTILE}
    jsn = rewrite_file("c.json", '{"model": "org/m"}\n', [pin(ref(1, key="revision", syntax="config", path="c.json"),
                                                             HOSTILE)])
    assert json.loads(jsn.text) == {"model": "org/m", "revision": HOSTILE}
    for quote in ('"', "'"):
        text = f"model = \"org/m\"\nrevision = {quote}main{quote}\n"
        toml = rewrite_file("c.toml", text, [pin(ref(1, key="revision", syntax="config", path="c.toml",
                                                     revision="main"), HOSTILE)])
        assert tomllib.loads(toml.text) == {"model": "org/m", "revision": HOSTILE}


def test_a_real_sha_is_written_exactly_as_before():
    result = rewrite_file("run.sh", "hf download org/m\n", [pin(_sh(1), SHA)])
    assert result.text == f"hf download org/m --revision {SHA}  {comment()}\n"

from __future__ import annotations

import pytest

from gate.policy.globs import match_id, match_path


@pytest.mark.parametrize("pattern,path,expected", [
    ("tests/**", "tests/a/b.py", True),
    ("tests/**", "src/tests/a.py", False),
    ("**/*.py", "a.py", True),
    ("**/*.py", "a/b/c.py", True),
    ("src/*.py", "src/a/b.py", False),
    ("src/", "src/a/b.py", True),
    ("./legacy/*.ipynb", "legacy/x.ipynb", True),
    ("weights/model-[0-9].bin", "weights/model-3.bin", True),
    ("weights/model-[!0-9].bin", "weights/model-3.bin", False),
    ("README.MD", "README.md", False),
])
def test_match_path(pattern, path, expected):
    assert match_path(pattern, path) is expected


@pytest.mark.parametrize("pattern,repo_id,expected", [
    ("my-org/*", "My-Org/bert", True),
    ("my-org/*", "my-org/a/b", False),
    ("*", "gpt2", True),
    ("*", "org/gpt2", False),
    ("gpt2", "openai-community/gpt2", False),
    ("openai-community/gpt2", "gpt2", False),
    ("*/*", "org/x", True),
    ("org/model?", "org/model2", True),
    ("org.x/y", "orgax/y", False),
])
def test_match_id(pattern, repo_id, expected):
    assert match_id(pattern, repo_id) is expected

"""Hub paths inside larger f-strings (`python_finder._token_segments`): each path's own parts, and always an end."""

from __future__ import annotations

import ast

import pytest

from gate.discover.python_finder import _token_segments


def segments(source: str) -> list[list[str]]:
    node = ast.parse(source, mode="eval").body
    return [[part if isinstance(part, str) else "{" + ast.unparse(part.value) + "}" for part in segment]
            for segment in _token_segments(node)]


@pytest.mark.parametrize(("source", "expected"), [
    ("f\"SELECT * FROM 'hf://datasets/{name}/**/*.parquet' LIMIT {k}\"", [["hf://datasets/", "{name}", "/**/*.parquet"]]),
    ("f\"x'https://huggingface.co/{org}/m/resolve/main/w.bin'\"", [["https://huggingface.co/", "{org}", "/m/resolve/main/w.bin"]]),
    ("f\"a=hf://{a} b=hf://{b}\"", [["hf://", "{a}", ""], ["hf://", "{b}"]]),
    ("f\"{x} nothing here\"", []),
])
def test_each_path_is_cut_out_of_the_string(source, expected):
    assert segments(source) == expected


def test_a_quote_right_before_the_scheme_ends_the_search():
    # a path starting where a quote ends once looped forever: the path never starts at a terminator
    assert segments("f\"x'https://huggingface.co/{a}'\"") == [["https://huggingface.co/", "{a}", ""]]
    assert segments("f\"''hf://{a}''hf://{b}\"") == [["hf://", "{a}", ""], ["hf://", "{b}"]]

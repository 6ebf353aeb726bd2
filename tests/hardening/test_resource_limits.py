"""Issue 8 section 4: pathological input finishes in bounded time and memory and ends with a warning (or a
finding), never a crash or a hang. Inputs are generated in tmp_path.

The default run has a fast variant of each case; the full-size ones (100 MB files, 1 M lines, 1 GiB zip bombs,
a 2 M-entry pickle memo) are marked `slow` (`pytest -m slow tests/hardening`). bench/hostile_inputs.py measures
the bounds that docs/security.md states (time and peak memory per case, and a million tiny files).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from gate.discover import engine
from gate.discover.engine import MAX_TEXT_BYTES, discover

ROOT = Path(__file__).resolve().parents[2]
CALL = b"from transformers import AutoModel\nAutoModel.from_pretrained('org/m')\n"


def scan(root: Path):
    started = time.monotonic()
    discovery = discover(str(root), jobs=1)
    return discovery, time.monotonic() - started


def warned(discovery, path: str) -> list[str]:
    return [w.message for w in discovery.warnings if w.path == path]


def child(code: str, *args: str, timeout: float = 120) -> dict:
    """Run `code` in a fresh interpreter (a crash there cannot take the test run down); it prints one JSON
    object; its peak RSS in MiB is added as `rss_mib` and its exit status as `returncode`."""
    wrapper = (
        f"import json, resource, sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        + textwrap.dedent(code)
        # Peak RSS of this process's own memory: VmHWM. `ru_maxrss` keeps the high-water mark of the process
        # before exec on Linux, i.e. of the forking pytest run (~300 MiB late in the full suite).
        + "\ntry:\n    result['rss_mib'] = next(int(l.split()[1]) for l in open('/proc/self/status')"
          " if l.startswith('VmHWM:')) // 1024\n"
          "except OSError:\n    result['rss_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
          "print(json.dumps(result))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        return {"returncode": done.returncode, "stderr": done.stderr[-2000:]}
    return {"returncode": 0, **json.loads(done.stdout.strip().splitlines()[-1])}


SCAN_IN_CHILD = """
from gate.discover.engine import discover
discovery = discover(sys.argv[1], jobs=1)
result = {"ids": [r.id for r in discovery.references],
          "warnings": [[w.path, w.message] for w in discovery.warnings]}
"""


# --------------------------------------------------------------------------------------------- huge files


def test_a_file_over_the_text_limit_is_only_streamed_for_urls_with_a_warning(tmp_path):
    size = MAX_TEXT_BYTES + 1024 * 1024
    with open(tmp_path / "huge.py", "wb") as handle:
        handle.write(CALL)
        handle.write(b"#" * (size - 200))
        handle.write(b"\nURL = 'https://huggingface.co/org/hidden/resolve/main/model.bin'\n")
    discovery, seconds = scan(tmp_path)
    assert [(r.id, r.api) for r in discovery.references] == [("org/hidden", "url")]
    [message] = warned(discovery, "huge.py")
    assert "over the 10 MB text limit" in message and "only scanned for Hub URLs" in message
    assert seconds < 10


@pytest.mark.slow
def test_a_100_mb_file_is_streamed_in_bounded_memory(tmp_path):
    with open(tmp_path / "weights.txt", "wb") as handle:
        handle.write(b"https://huggingface.co/org/first/resolve/main/a\n")
        for _ in range(100):
            handle.write(b"a" * (1 << 20))
        handle.write(b"\nhttps://huggingface.co/org/last/resolve/main/b\n")
    result = child(SCAN_IN_CHILD, str(tmp_path))
    assert result["returncode"] == 0 and result["ids"] == ["org/first", "org/last"]
    assert result["rss_mib"] < 400  # chunked reading: not the whole file in memory


def test_a_multi_megabyte_single_line_is_scanned(tmp_path):
    (tmp_path / "one_line.py").write_bytes(CALL + b"x = '" + b"a" * 5_000_000 + b"'\n")
    discovery, seconds = scan(tmp_path)
    assert [r.id for r in discovery.references] == ["org/m"] and discovery.warnings == ()
    assert seconds < 10


def test_python_too_large_to_parse_safely_gets_the_text_scan_and_a_warning(tmp_path, monkeypatch):
    from gate.discover import python_finder

    monkeypatch.setattr(python_finder, "MAX_PARSE_BYTES", 10_000, raising=False)
    (tmp_path / "generated.py").write_bytes(CALL + b"x = 1\n" * 5_000)
    discovery, _ = scan(tmp_path)
    assert [r.id for r in discovery.references] == ["org/m"]
    [message] = warned(discovery, "generated.py")
    assert "too large to parse" in message and "text scan" in message


@pytest.mark.slow
def test_a_million_line_python_file_stays_in_bounded_memory(tmp_path):
    (tmp_path / "big.py").write_bytes(CALL + b"x = 1\n" * 1_000_000)
    result = child(SCAN_IN_CHILD, str(tmp_path))
    assert result["returncode"] == 0 and result["ids"] == ["org/m"]
    assert result["rss_mib"] < 1024


@pytest.mark.parametrize(("name", "lines", "expected"), [
    ("train.sh", b"echo step\n", "org/m"),
    ("config.yaml", b"key: value\n", "org/m"),
    ("notes.txt", b"plain text\n", "org/m"),
], ids=["shell", "yaml", "text"])
def test_a_long_file_finishes(tmp_path, name, lines, expected):
    head = {"train.sh": b"hf download org/m\n", "config.yaml": b"model_name_or_path: org/m\n",
            "notes.txt": b"https://huggingface.co/org/m/resolve/main/x\n"}[name]
    (tmp_path / name).write_bytes(head + lines * 50_000)
    discovery, seconds = scan(tmp_path)
    assert [r.id for r in discovery.references] == [expected]
    assert seconds < 15


@pytest.mark.slow
@pytest.mark.parametrize(("name", "head", "line"), [
    ("train.sh", b"hf download org/m\n", b"echo step\n"),
    ("config.yaml", b"model_name_or_path: org/m\n", b"k: v\n"),
    ("notes.txt", b"https://huggingface.co/org/m/resolve/main/x\n", b"plain\n"),
], ids=["shell", "yaml", "text"])
def test_a_million_line_file_finishes(tmp_path, name, head, line):
    (tmp_path / name).write_bytes(head + line * 1_000_000)
    result = child(SCAN_IN_CHILD, str(tmp_path), timeout=300)
    assert result["returncode"] == 0 and result["ids"] == ["org/m"]


# --------------------------------------------------------------------------------------------- deep nesting

DEPTH = 100_000


@pytest.mark.parametrize(("name", "body"), [
    ("parens.py", b"y = " + b"(" * DEPTH + b"1" + b")" * DEPTH + b"\n"),
    ("brackets.py", b"y = " + b"[" * DEPTH + b"]" * DEPTH + b"\n"),
    ("unary.py", b"y = " + b"-" * DEPTH + b"1\n"),
    ("sum.py", b"y = " + b"'a' + " * DEPTH + b"'b'\n"),
], ids=["parens", "brackets", "unary", "sum"])
def test_deeply_nested_python_falls_back_to_the_text_scan(tmp_path, name, body):
    (tmp_path / name).write_bytes(CALL + body)
    discovery, seconds = scan(tmp_path)
    assert [r.id for r in discovery.references] == ["org/m"]
    [message] = warned(discovery, name)
    assert "could not parse as Python" in message and "text scan" in message
    assert seconds < 10


@pytest.mark.parametrize(("name", "body", "warning"), [
    ("deep.json", b'{"model": "org/m", "x": ' + b"[" * DEPTH + b"]" * DEPTH + b"}", "nested too deeply"),
    ("deep.toml", b'model = "org/m"\nx = ' + b"[" * DEPTH + b"]" * DEPTH + b"\n", "nesting too deep"),
], ids=["json", "toml"])
def test_deeply_nested_configs_end_with_a_warning(tmp_path, name, body, warning):
    (tmp_path / name).write_bytes(body)
    discovery, seconds = scan(tmp_path)
    [message] = warned(discovery, name)
    assert warning in message and seconds < 10


def test_a_deeply_nested_notebook_is_read_without_recursion(tmp_path):
    cell = {"cell_type": "code", "source": ["from transformers import AutoModel\n",
                                            "AutoModel.from_pretrained('org/m')\n"]}
    text = json.dumps({"cells": [cell], "metadata": {}})[:-1] + ', "deep": ' + "[" * DEPTH + "]" * DEPTH + "}"
    (tmp_path / "deep.ipynb").write_text(text)
    discovery, seconds = scan(tmp_path)
    assert [r.id for r in discovery.references] == ["org/m"] and seconds < 10


@pytest.mark.parametrize(("name", "text"), [
    ("config.yaml", "model_name_or_path: org/m\nx: " + "[" * DEPTH + "]" * DEPTH + "\n"),
    ("config.yml", "- " * DEPTH + "model_name_or_path: org/m\n"),
    (".github/workflows/ci.yml", "on: push\nx: " + "{a: " * DEPTH + "1" + "}" * DEPTH + "\n"),
], ids=["flow-sequences", "block-sequences", "workflow-flow-mappings"])
def test_deeply_nested_yaml_does_not_crash_the_scanner(tmp_path, name, text):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text)
    result = child(SCAN_IN_CHILD, str(tmp_path))
    assert result["returncode"] == 0, result
    [(path, message)] = result["warnings"]
    assert path == name and ("nested too deeply" in message or "could not be parsed" in message)


# ---------------------------------------------------------------------------------------------- many files


def test_twenty_thousand_tiny_files(tmp_path):
    for index in range(20_000):
        directory = tmp_path / f"pkg{index // 500}"
        if index % 500 == 0:
            directory.mkdir()
        (directory / f"m{index}.py").write_bytes(b"x = 1\n" if index % 1000 else CALL)
    discovery, seconds = scan(tmp_path)
    assert discovery.files_scanned == 20_000
    assert len(discovery.references) == 20 and discovery.warnings == ()
    assert seconds < 30


# ------------------------------------------------------------------------------------------------ artifacts


def _zip_bomb(path: Path, member: str, megabytes: int) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(member, "w", force_zip64=True) as handle:
            block = b"\x00" * (1 << 20)
            for _ in range(megabytes):
                handle.write(block)


def test_a_zip_bomb_among_artifacts_is_identified_without_inflating_it(tmp_path):
    _zip_bomb(tmp_path / "model.pt", "archive/data.pkl", 64)
    discovery, seconds = scan(tmp_path)
    [reference] = discovery.references
    assert (reference.kind, reference.format) == ("artifact", "pytorch-zip")
    assert (tmp_path / "model.pt").stat().st_size < 1 << 20 and seconds < 5


def test_a_zip_with_very_many_members_is_identified(tmp_path):
    with zipfile.ZipFile(tmp_path / "many.pt", "w") as archive:
        for index in range(20_000):
            archive.writestr(f"archive/data/{index}", b"")
        archive.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
    discovery, seconds = scan(tmp_path)
    assert [r.format for r in discovery.references] == ["pytorch-zip"] and seconds < 10


def test_the_pickle_scan_refuses_a_zip_bomb_member(tmp_path):
    from gate.verify.pickles import scan_file

    _zip_bomb(tmp_path / "model.pt", "archive/data.pkl", 64)
    started = time.monotonic()
    [scan_result] = scan_file(tmp_path / "model.pt", "model.pt")
    assert scan_result.severity == "likely_unsafe" and "zip bomb" in scan_result.messages[0]
    assert time.monotonic() - started < 1


@pytest.mark.slow
def test_the_pickle_scan_of_a_one_gib_zip_bomb_is_bounded(tmp_path):
    _zip_bomb(tmp_path / "model.pt", "archive/data.pkl", 1024)
    result = child("""
        import time
        from gate.verify.pickles import scan_file
        started = time.monotonic()
        scans = scan_file(sys.argv[1], "model.pt")
        result = {"seconds": time.monotonic() - started, "severities": [s.severity for s in scans]}
    """, str(tmp_path / "model.pt"))
    assert result["returncode"] == 0 and result["seconds"] < 30 and result["rss_mib"] < 256


# ------------------------------------------------------------------------------------------------- pickles


def _memo_pickle(entries: int) -> bytes:
    """EMPTY_LIST + MEMOIZE, `entries` times: a memo that grows without bound (nothing here is unpickled)."""
    return b"\x80\x04" + b"]\x94" * entries + b"."


def test_a_pickle_with_a_huge_memo_is_a_finding_not_a_hang(tmp_path):
    from gate.verify.pickles import scan_file

    (tmp_path / "memo.pkl").write_bytes(_memo_pickle(150_000))
    started = time.monotonic()
    [scan_result] = scan_file(tmp_path / "memo.pkl", "memo.pkl")
    assert scan_result.severity in ("likely_overtly_malicious", "overtly_malicious")
    assert any("Resource limits" in m or "memo" in m for m in scan_result.messages)
    assert time.monotonic() - started < 15


@pytest.mark.slow
def test_a_pickle_with_a_two_million_entry_memo_is_bounded(tmp_path):
    (tmp_path / "memo.pkl").write_bytes(_memo_pickle(2_000_000))
    result = child("""
        from gate.verify.pickles import scan_file
        result = {"severities": [s.severity for s in scan_file(sys.argv[1], "memo.pkl")]}
    """, str(tmp_path / "memo.pkl"))
    assert result["returncode"] == 0 and result["severities"][0] != "likely_safe"
    assert result["rss_mib"] < 1024


def test_engine_limits_are_the_documented_ones():
    """docs/security.md states these numbers; change both together."""
    assert engine.MAX_TEXT_BYTES == 10 * 1024 * 1024
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert "10 MiB" in text


def test_yaml_too_large_to_compose_safely_is_read_line_by_line(tmp_path, monkeypatch):
    from gate.discover import yamlsafe

    monkeypatch.setattr(yamlsafe, "MAX_YAML_PARSE_BYTES", 10_000)
    (tmp_path / "big.yaml").write_bytes(b"model_name_or_path: org/m\n" + b"key: value\n" * 2_000)
    discovery, _ = scan(tmp_path)
    assert [(r.line, r.id) for r in discovery.references] == [(1, "org/m")]
    [message] = warned(discovery, "big.yaml")
    assert "too large to parse safely" in message and "line by line" in message


@pytest.mark.slow
def test_a_million_line_yaml_stays_in_bounded_memory(tmp_path):
    (tmp_path / "c.yaml").write_bytes(b"model_name_or_path: org/m\n" + b"k: v\n" * 1_000_000)
    result = child(SCAN_IN_CHILD, str(tmp_path))
    assert result["returncode"] == 0 and result["ids"] == ["org/m"] and result["rss_mib"] < 512


# ------------------------------------------------------------------------------ gate/discover/yamlsafe.py


@pytest.mark.parametrize(("text", "deep"), [
    ("a:\n  b:\n    c: [1, [2, {d: 3}]]\n", False),
    ("[" * 999 + "]" * 999, False),
    ("[" * 1001 + "]" * 1001, True),
    ("[]" * 5000, False),  # many brackets, shallow
    ("- " * 1000 + "x", True),
    ("key: '" + "[" * 5000 + "'\n", True),  # brackets in a string count: an over-estimate only costs speed
], ids=["ordinary", "999-flow", "1001-flow", "many-shallow", "block-dashes", "brackets-in-a-string"])
def test_the_nesting_bound_is_an_upper_bound(text, deep):
    from gate.discover.yamlsafe import may_be_deeper_than

    assert may_be_deeper_than(text) is deep


def test_compose_all_gives_the_c_composers_nodes_or_a_yaml_error():
    import yaml

    from gate.discover.yamlsafe import YAMLNestingError, compose_all

    ordinary = "a: 1\n---\nb: [x, y]\n"
    assert [yaml.serialize(n) for n in compose_all(ordinary)] == [
        yaml.serialize(n) for n in yaml.compose_all(ordinary, Loader=yaml.SafeLoader)]
    with pytest.raises(YAMLNestingError):
        compose_all("[" * DEPTH + "]" * DEPTH)
    assert compose_all("x: '" + "[" * 5000 + "'\n")[0].value[0][1].value == "[" * 5000


def _padded_notebook(values: int, where: str) -> str:
    """A notebook whose code cell loads org/m, padded with `values` tiny JSON strings in outputs or markdown."""
    padding = "[" + '"a",' * values + '"a"]'
    code = {"cell_type": "code", "source": ["from transformers import AutoModel\n",
                                            "AutoModel.from_pretrained('org/m')\n"],
            "outputs": "@OUTPUTS@", "metadata": {}}
    cells = [code] if where == "outputs" else [{"cell_type": "markdown", "source": "@OUTPUTS@"}, code]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    return text.replace('"@OUTPUTS@"', padding if where != "outputs" else f'[{{"data": {padding}}}]')


@pytest.mark.parametrize("where", ["outputs", "markdown"])
def test_a_notebook_padded_with_millions_of_tiny_values_stays_small(tmp_path, where):
    (tmp_path / "padded.ipynb").write_text(_padded_notebook(600_000, where))
    result = child(SCAN_IN_CHILD, str(tmp_path))
    assert result["returncode"] == 0 and result["ids"] == ["org/m"]
    assert result["rss_mib"] < 250  # a 2.4 MB notebook took ~310 (outputs) and ~600 MiB (markdown)


def test_a_long_line_of_non_spaces_in_shell_text_is_linear(tmp_path):
    """Past 100 000 characters a shell line is split on whitespace and searched for Hub URLs; that search once
    backtracked quadratically through a long run of non-spaces (12 s for 100 KB)."""
    line = "echo " + "w " * 10_000 + "}" * 200_000 + " https://huggingface.co/org/m/resolve/main/x\n"
    (tmp_path / "run.sh").write_text(line)
    discovery, seconds = scan(tmp_path)
    assert [r.id for r in discovery.references] == ["org/m"] and seconds < 3

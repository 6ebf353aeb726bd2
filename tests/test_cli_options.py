"""The command line's shared vocabulary: each repeated option is declared once (gate.cli_options), each set of
choices once (gate.vocabulary)."""

from __future__ import annotations

import argparse

import pytest

from gate import cli_options, vocabulary
from gate.cli import build_parser, main


def _subparsers(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found[f"{prefix}{name}"] = child
                found.update(_subparsers(child, f"{prefix}{name} "))
    return found


def test_every_option_two_sub_commands_take_is_declared_once_in_cli_options():
    declared = {flag for value in vars(cli_options).values() if isinstance(value, cli_options.Option)
                for flag in value.flags}
    commands_by_flag: dict[str, list[str]] = {}
    for command, parser in _subparsers(build_parser()).items():
        for action in parser._actions:
            for flag in action.option_strings or [action.dest]:
                if flag not in ("-h", "--help"):
                    commands_by_flag.setdefault(flag, []).append(command)
    repeated = {flag for flag, commands in commands_by_flag.items() if len(commands) > 1}
    assert repeated == {"path", "--format", "--output", "-o", "--exclude", "--paths", "--jobs", "-j",
                        "--hub-endpoint", "--today"}
    assert repeated <= declared


def test_the_choice_sets_agree():
    assert vocabulary.FAIL_ON_LEVELS == (*vocabulary.SEVERITIES, "never")
    assert sorted(vocabulary.SEVERITY_ORDER, key=vocabulary.SEVERITY_ORDER.get) == ["note", "warning", "error"]
    assert set(vocabulary.SEVERITY_ORDER) == set(vocabulary.SEVERITIES)
    assert vocabulary.VERIFY_MODES == ("none", "hub", "full")
    assert vocabulary.REPORT_FORMATS == ("text", "json", "sarif", "cyclonedx", "intoto")


@pytest.mark.parametrize("command", ["scan", "init", "pin"])
def test_jobs_below_one_is_a_usage_error_for_every_command(command, tmp_path, capsys):
    # `init` used to accept --jobs 0 and fail later; the option's type now checks it wherever it is attached.
    with pytest.raises(SystemExit) as exit_info:
        main([command, str(tmp_path), "--jobs", "0"])
    assert exit_info.value.code == 2
    assert "argument --jobs/-j: --jobs must be at least 1" in capsys.readouterr().err


def test_an_option_override_changes_only_that_sub_command():
    first, second = argparse.ArgumentParser(), argparse.ArgumentParser()
    cli_options.JOBS.add_to(first, help="narrower")
    cli_options.JOBS.add_to(second)
    assert first._option_string_actions["--jobs"].help == "narrower"
    assert second._option_string_actions["--jobs"].help == "parallel discovery workers (default: CPU count)"
    assert cli_options.JOBS.settings["help"] == "parallel discovery workers (default: CPU count)"


def test_output_dash_is_stdout(tmp_path, monkeypatch, capsys):
    (tmp_path / "train.py").write_text('from transformers import AutoModel\nAutoModel.from_pretrained("org/m")\n')
    monkeypatch.chdir(tmp_path)
    code = main(["scan", str(tmp_path), "--no-cache", "--format", "json", "-o", "-"])
    out = capsys.readouterr()
    assert code == 1  # the unpinned load fails the built-in policy
    assert '"id": "org/m"' in out.out
    assert "report written to" not in out.err
    assert not (tmp_path / "-").exists()

"""`model-gate policy validate|diff|init`: wiring only; the work is in gate.policy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gate import cli_options as opt
from gate.cli_options import parse_today, write_output
from gate.errors import ExitCode, PolicyError, UsageError
from gate.vocabulary import DIFF_FORMATS, REPO_POLICY_FILES

if TYPE_CHECKING:
    from gate.cli_options import SubParsers


def handle_validate(args: argparse.Namespace) -> int:
    from gate.policy.load import find_repo_policy, load_policy

    path = args.file
    if path is None:
        found = find_repo_policy(Path.cwd())
        if found is None:
            raise PolicyError(f"no policy file here (looked for {', '.join(REPO_POLICY_FILES)}); give a FILE, or "
                              "write one with 'model-gate policy init'")
        path = found.relative_to(Path.cwd()).as_posix()
    elif not Path(path).is_file():
        raise PolicyError("policy file not found", path)
    try:
        load_policy(path, ".", today=parse_today(args.today))
    except PolicyError as exc:  # every problem of the file, not one per run
        problems = exc.every_problem()
        for problem in problems:
            print(f"model-gate: error: {problem}", file=sys.stderr)
        if len(problems) > 1:
            print(f"model-gate: {len(problems)} problems in {path}", file=sys.stderr)
        return exc.exit_code
    print(f"ok: {path} is a valid policy")
    return ExitCode.PASS


def _read_policy_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError("policy file not found", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read policy file: {exc}", path) from None


def handle_diff(args: argparse.Namespace) -> int:
    from gate.policy.diff import diff_policies, render_diff

    diff = diff_policies(_read_policy_text(args.old), _read_policy_text(args.new), old_label=args.old,
                         new_label=args.new)
    write_output(render_diff(diff, args.format), None)
    return ExitCode.PASS


def handle_init(args: argparse.Namespace) -> int:
    from gate.policy.init import init_policy

    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"not a directory: {args.path}")
    output = args.output or str(root / REPO_POLICY_FILES[0])
    if output != "-" and Path(output).exists() and not args.force:
        raise UsageError(f"{output} already exists; use --force to overwrite it (or --output FILE)")
    text, policy = init_policy(str(root), label=output, today=parse_today(args.today))
    if output == "-":
        sys.stdout.write(text)
        return ExitCode.PASS
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(text, encoding="utf-8")
    print(f"wrote {output}: {len(policy.models)} model(s), {len(policy.datasets)} dataset(s), "
          f"{len(policy.artifacts)} artifact entry(ies); review it (every entry needs a reason), then commit it",
          file=sys.stderr)
    return ExitCode.PASS


def register(sub: SubParsers) -> None:
    policy = sub.add_parser("policy", help="validate, diff or create a policy file")
    policy_sub = policy.add_subparsers(dest="policy_command", parser_class=type(policy))

    def handle_policy(args: argparse.Namespace) -> int:  # `model-gate policy` alone: say what it takes
        policy.print_help(sys.stderr)
        return ExitCode.USAGE

    policy.set_defaults(handler=handle_policy)

    validate = policy_sub.add_parser("validate", help="check a policy file (exit 2 with file:line on any problem)")
    validate.add_argument("file", nargs="?", metavar="FILE",
                          help=f"policy file (default: {' or '.join(REPO_POLICY_FILES)} in the current directory)")
    opt.TODAY.add_to(validate)
    validate.set_defaults(handler=handle_validate)

    diff = policy_sub.add_parser("diff", help="what a policy change newly allows or stops allowing")
    diff.add_argument("old", metavar="OLD", help="the policy before the change")
    diff.add_argument("new", metavar="NEW", help="the policy after the change")
    opt.FORMAT.add_to(diff, choices=DIFF_FORMATS)
    diff.set_defaults(handler=handle_diff)

    init = policy_sub.add_parser("init", help="write a starter policy listing every model and dataset found")
    opt.PATH.add_to(init, metavar="PATH", help="repository to scan (default: .)")
    opt.OUTPUT.add_to(init, help=f"where to write it (default: PATH/{REPO_POLICY_FILES[0]}; '-' for stdout)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    opt.TODAY.add_to(init)
    init.set_defaults(handler=handle_init)

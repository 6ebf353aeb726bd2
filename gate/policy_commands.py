"""`model-gate policy validate|diff|init`."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    policy = sub.add_parser("policy", help="validate, diff or create a policy file")
    policy_sub = policy.add_subparsers(dest="policy_command", parser_class=type(policy))
    policy.set_defaults(handler=lambda args: (policy.print_help(), 2)[1])
    del policy_sub  # filled in by the policy issue

"""``extramile policy describe``: a policy's rules and constraints, for people to review.

Prints what :meth:`FollowUpPolicy.describe() <extramile.FollowUpPolicy.describe>` gives, as
Markdown (the default) or JSON.  The policy is the starter policy, as ``extramile plan``
uses it, unless ``--policy MODULE:ATTRIBUTE`` names another.

Imports: ``extramile.cli.rendering``, ``extramile.cli.starter``.
"""

from __future__ import annotations

import argparse
import enum

from extramile.cli.rendering import dumps
from extramile.cli.starter import add_holidays_option, parse_timezone, policy_from

__all__ = ["DescribeFormat", "add_policy_parser", "run_policy"]

DESCRIBE = "describe"
"""The one subcommand of ``extramile policy``."""


class DescribeFormat(str, enum.Enum):
    """The value of ``policy describe --format``; equal to its name as typed."""

    MARKDOWN = "markdown"
    JSON = "json"


def add_policy_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``policy describe`` to the subcommands (argparse's ``add_subparsers()`` result)."""
    policy = commands.add_parser(
        "policy",
        help="describe a policy's rules for review",
        description="Show a policy's rules and constraints.",
    )
    actions = policy.add_subparsers(dest="policy_command", required=True, metavar="ACTION")
    describe = actions.add_parser(
        DESCRIBE,
        help="every rule and constraint, as Markdown or JSON",
        description="Print every rule of the policy (trigger, conditions as written, stop,"
        " due time, deadline, giving up, priority, queue, calling window, retries, and"
        " whether it goes the extra mile, is essential or may be made early) and the"
        " policy's constraints (staff hours and holidays, calling window, contact caps,"
        " minimum gap), for operations people to review and sign off.",
    )
    describe.add_argument(
        "--policy",
        metavar="MODULE:ATTRIBUTE",
        help="a FollowUpPolicy, or a function returning one (default: the starter policy)",
    )
    describe.add_argument(
        "--timezone",
        type=parse_timezone,
        metavar="ZONE",
        help="where the starter policy's staff work, an IANA name such as America/Chicago"
        " (default UTC), as for extramile plan; for the starter policy only",
    )
    add_holidays_option(describe)
    describe.add_argument(
        "--format",
        choices=tuple(f.value for f in DescribeFormat),
        default=DescribeFormat.MARKDOWN.value,
    )


def run_policy(args: argparse.Namespace) -> str:
    """The ``policy describe`` command's whole output.

    Raises:
        CliError: the policy path is malformed, does not import, or names something else.
    """
    policy = policy_from(args.policy, args.timezone, args.holidays)
    if DescribeFormat(args.format) is DescribeFormat.JSON:
        return dumps(policy.describe())
    return policy.describe_markdown()

"""``extramile report``: the calls staff made in a period, per agent and per rule.

The book is read as ``extramile plan`` reads it; :func:`~extramile.reports.calls_made`
measures every outbound call in the period against the policy.  The period is last week
(Monday to Monday in ``--timezone``, the week before ``--now``'s) unless ``--since`` (and
``--until``) say otherwise; a bare date there means midnight in ``--timezone``.
``--timezone`` defaults to the policy's staff timezone.

Imports: ``extramile.cli.pages``, ``extramile.cli.reading``, ``extramile.cli.rendering``,
``extramile.cli.starter``, ``extramile._rules``, ``extramile.errors``, ``extramile.reports``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import IO, Final

import pendulum

from extramile._rules import FollowUpPolicy
from extramile.cli.pages import report_page
from extramile.cli.reading import Book, CliError, parse_instant
from extramile.cli.rendering import Format, csv_report, dumps, render_report
from extramile.cli.starter import add_holidays_option, parse_timezone, policy_from
from extramile.errors import ExtramileError
from extramile.reports import calls_made, last_week

__all__ = ["NAME", "add_report_parser", "parse_moment", "run_report"]

NAME: Final = "report"
"""The subcommand's name."""


def parse_moment(text: str) -> dt.date | dt.datetime:
    """A date (``2026-08-24``, midnight in ``--timezone``) or an ISO-8601 timestamp with
    an offset, for ``--since`` and ``--until``.

    >>> parse_moment("2026-08-24")
    datetime.date(2026, 8, 24)

    Raises:
        argparse.ArgumentTypeError: neither a date nor a timestamp with an offset.
    """
    cleaned = text.strip()
    if len(cleaned) == 10:  # YYYY-MM-DD: a timestamp is longer
        try:
            return dt.date.fromisoformat(cleaned)
        except ValueError:
            pass
    try:
        return parse_instant(cleaned)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            "expected a date such as 2026-08-24 or a timestamp with an offset such as"
            f" 2026-08-24T09:00-05:00 (got {text!r})"
        ) from None


def add_report_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report`` and its options to the command line's subcommands."""
    reporter = commands.add_parser(
        NAME,
        help="the proactive calls staff made last week, per agent and per rule",
        description="Measure every outbound call in a period against the policy: which"
        " rules it served, whether on time, whether it went the extra mile; per agent and"
        " per rule, with the calls that served no rule.",
    )
    reporter.add_argument(
        "--policy",
        metavar="MODULE:ATTRIBUTE",
        help="a FollowUpPolicy, or a function returning one (default: the starter policy)",
    )
    reporter.add_argument(
        "--customers", required=True, metavar="FILE", help="customers, JSON lines; - for stdin"
    )
    reporter.add_argument(
        "--interactions",
        required=True,
        metavar="FILE",
        help="interactions, the calls among them, JSON lines; - for stdin",
    )
    reporter.add_argument(
        "--now", type=parse_instant, help="the present, ISO-8601 with an offset (default: now)"
    )
    reporter.add_argument(
        "--timezone",
        type=parse_timezone,
        metavar="ZONE",
        help="the IANA timezone the week's days are counted in and times shown in"
        " (default: the policy's staff timezone); without --policy, also where the"
        " starter policy's staff work, as for extramile plan",
    )
    add_holidays_option(reporter)
    period = reporter.add_mutually_exclusive_group()
    period.add_argument(
        "--last-week",
        action="store_true",
        help="Monday to Monday of the week before --now's (the default)",
    )
    period.add_argument(
        "--since",
        type=parse_moment,
        metavar="WHEN",
        help="the start of the period (included): a date, or a timestamp with an offset",
    )
    reporter.add_argument(
        "--until",
        type=parse_moment,
        metavar="WHEN",
        help="the end of the period (excluded), with --since (default: --now)",
    )
    reporter.add_argument(
        "--format",
        choices=tuple(f.value for f in Format),
        default=Format.TABLE.value,
        help="table, json, csv (the tallies) or html (a page; redirect it to a file)",
    )


def _instant(moment: dt.date | dt.datetime, timezone: str) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment
    return pendulum.datetime(moment.year, moment.month, moment.day, tz=timezone)


def _period(
    args: argparse.Namespace, now: dt.datetime, timezone: str
) -> tuple[dt.datetime, dt.datetime]:
    if args.since is None:
        if args.until is not None:
            raise CliError("--until needs --since")
        return last_week(now, timezone)
    start = _instant(args.since, timezone)
    end = now if args.until is None else _instant(args.until, timezone)
    if end.timestamp() < start.timestamp():
        raise CliError(
            f"the period ends before it starts (--since {start.isoformat()},"
            f" {'--until' if args.until is not None else '--now'} {end.isoformat()})"
        )
    return start, end


def run_report(args: argparse.Namespace, stderr: IO[str]) -> str:
    """The report command's whole output.

    Raises:
        CliError: any problem in the arguments, the policy or the book.
    """
    output = Format(args.format)
    policy: FollowUpPolicy = policy_from(
        args.policy, args.timezone, args.holidays, timezone_is_staff=False
    )
    now: dt.datetime = args.now or dt.datetime.now(dt.timezone.utc)
    timezone: str = args.timezone or policy.schedule.timezone
    start, end = _period(args, now, timezone)
    book = Book(args.customers, args.interactions)
    try:
        report = calls_made(policy, book, start=start, end=end)
    except ExtramileError as exc:
        where = f"{book.customers_name}:{book.line}: " if book.line else ""
        raise CliError(f"{where}{exc}") from None
    if book.count == 0:
        stderr.write(
            f"extramile report: note: {book.customers_name} holds no customers; nothing to report\n"
        )
    if output is Format.HTML:
        return report_page(report, timezone=timezone, policy=policy.name)
    if output is Format.CSV:
        return csv_report(report)
    if output is Format.JSON:
        return dumps({"policy": policy.name, "timezone": timezone, **report.to_mapping()})
    lines = [f"Policy: {policy.name}", *render_report(report, timezone)]
    return "\n".join(lines) + "\n"

"""The commands: the argument parser, ``extramile demo``, ``extramile plan`` and :func:`main`
(``extramile policy describe`` is in :mod:`extramile.cli.describe`, ``extramile report`` in
:mod:`extramile.cli.report`).

This module, with :mod:`extramile.cli.reading`, is the only place in the library that reads
files, standard input, the clock or the environment, and the only one that prints.  Every
error the user can fix (a malformed line, a naive timestamp, an unknown timezone, an
interaction for an unknown customer, a policy path that does not import) ends the command
with exit status 2 and a message on standard error that names the file and line, or the
policy path; nothing is written to standard output then, because the output is built whole
before it is written.

Imports: ``extramile.cli.describe``, ``extramile.cli.pages``, ``extramile.cli.progress``,
``extramile.cli.reading``, ``extramile.cli.rendering``, ``extramile.cli.report``,
``extramile.cli.starter``, ``extramile._decision``, ``extramile._engine``, ``extramile._plan``,
``extramile._sample``, ``extramile._time``, ``extramile._version``, ``extramile.errors``,
``extramile.reports``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import json
import os
import sys
import time
from collections.abc import Container, Sequence
from pathlib import Path
from typing import IO, Final, NamedTuple

from extramile._decision import Decision
from extramile._engine import evaluate
from extramile._plan import plan
from extramile._sample import (
    COMPANY_TIMEZONE,
    CUSTOMERS,
    EXPLAINED,
    INTERACTIONS,
    SAMPLE_HOLIDAYS,
    SAMPLE_NOW,
    sample_book,
    sample_policy,
)
from extramile._time import tz_version
from extramile._version import __version__
from extramile.cli.describe import add_policy_parser, run_policy
from extramile.cli.pages import agenda_page
from extramile.cli.progress import ProgressLine
from extramile.cli.reading import Book, CliError, parse_horizon, parse_instant
from extramile.cli.rendering import (
    Format,
    csv_agenda,
    dumps,
    json_agenda,
    render_agenda,
    render_report,
)
from extramile.cli.report import add_report_parser, run_report
from extramile.cli.starter import add_holidays_option, parse_timezone, policy_from
from extramile.errors import ExtramileError
from extramile.reports import calls_made, last_week

__all__ = ["EXIT_USAGE", "Command", "main", "run_demo", "run_plan"]

EXIT_USAGE: Final = 2
"""The exit status of a usage or input error."""


class Command(str, enum.Enum):
    """The subcommand; equal to its name as typed."""

    DEMO = "demo"
    PLAN = "plan"
    POLICY = "policy"
    REPORT = "report"

    def __str__(self) -> str:
        return self.value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="extramile",
        description="Decide when a customer's situation warrants a proactive call,"
        " and plan those calls.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"extramile {__version__} (zone database: tzdata {tz_version()})",
        help="print the versions of extramile and of its zone database, and stop",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        Command.DEMO.value,
        help="the starter policy over a bundled sample book",
        description="Plan the calls of a sample team of a dozen customers, explain a few"
        " decisions, and report last week's extra-mile calls.",
    )
    demo.add_argument(
        "--now",
        type=parse_instant,
        default=SAMPLE_NOW,
        help="the present, ISO-8601 with an offset (default: %(default)s)",
    )
    demo.add_argument(
        "--horizon", type=parse_horizon, default=parse_horizon("7d"), help="default 7d"
    )
    demo.add_argument(
        "--format", choices=(Format.TABLE.value, Format.JSON.value), default=Format.TABLE.value
    )
    demo.add_argument(
        "--export",
        metavar="DIR",
        help="write the sample book to DIR/customers.jsonl and DIR/interactions.jsonl"
        " for `extramile plan`, and stop",
    )

    planner = commands.add_parser(
        Command.PLAN.value,
        help="plan the calls for a book read from JSON-lines files",
        description="Plan the calls for the customers in --customers, with the history in"
        " --interactions, one JSON object a line.",
    )
    planner.add_argument(
        "--policy",
        metavar="MODULE:ATTRIBUTE",
        help="a FollowUpPolicy, or a function returning one (default: the starter policy)",
    )
    planner.add_argument(
        "--timezone",
        type=parse_timezone,
        metavar="ZONE",
        help="where the starter policy's staff work, an IANA name such as America/Chicago"
        " (default UTC); for the starter policy only, so refused with --policy",
    )
    add_holidays_option(planner)
    planner.add_argument(
        "--customers", required=True, metavar="FILE", help="customers, JSON lines; - for stdin"
    )
    planner.add_argument(
        "--interactions", metavar="FILE", help="interactions, JSON lines; - for stdin"
    )
    planner.add_argument(
        "--now", type=parse_instant, help="the present, ISO-8601 with an offset (default: now)"
    )
    planner.add_argument(
        "--horizon",
        type=parse_horizon,
        default=parse_horizon("7d"),
        help="keep calls due within this long, e.g. 7d, 48h (default 7d)",
    )
    planner.add_argument(
        "--format", choices=tuple(f.value for f in Format), default=Format.TABLE.value
    )
    planner.add_argument(
        "--explain", metavar="CUSTOMER_ID", help="also explain this customer's decision"
    )
    add_policy_parser(commands)
    add_report_parser(commands)
    return parser


class _Holidays(NamedTuple):
    dates: Container[dt.date]
    source: str
    """Where the dates come from, as the demo says it."""


def _sample_holidays() -> _Holidays:
    try:
        import holidays  # noqa: PLC0415  # optional: the demo runs without it
    except ImportError:
        return _Holidays(SAMPLE_HOLIDAYS, "a built-in list of 2026 US federal holidays")
    return _Holidays(holidays.country_holidays("US"), "the holidays package (US federal holidays)")


def run_demo(args: argparse.Namespace) -> str:
    """The demo's whole output.

    Raises:
        CliError: the export folder cannot be written, or ``--now`` and ``--horizon`` reach
            past the ends of the calendar.
    """
    if args.export is not None:
        return _export(Path(args.export))
    holidays, holidays_from = _sample_holidays()
    policy = sample_policy(holidays)
    now: dt.datetime = args.now
    book = list(sample_book())
    try:
        agenda = plan(policy, book, now=now, horizon=args.horizon)
        explained: list[Decision] = [
            evaluate(policy, customer, history, now=now)
            for customer, history in book
            if customer.id in EXPLAINED
        ]
        start, end = last_week(now, COMPANY_TIMEZONE)
        report = calls_made(policy, book, start=start, end=end)
    except ExtramileError as exc:  # a --now or --horizon at the ends of the calendar
        raise CliError(str(exc)) from None
    unknown = {row["id"] for row in CUSTOMERS if row.get("timezone") is None}
    if Format(args.format) is Format.JSON:
        return dumps(
            {
                "policy": policy.name,
                "customers": len(book),
                "holidays": holidays_from,
                "agenda": json_agenda(agenda, unknown),
                "explanations": {d.customer_id: d.explain() for d in explained},
                "report": report.to_mapping(),
            }
        )
    names = {row["id"]: row["attributes"]["name"] for row in CUSTOMERS}
    lines = [
        f"extramile demo: the starter policy over a sample book of {len(book)} customers.",
        f"Staff work Mon-Fri 09:00-17:00 {COMPANY_TIMEZONE}; holidays from {holidays_from}.",
        "",
        *render_agenda(agenda, names=names, unknown_zone=unknown),
        "",
        "Why: three decisions explained",
        "",
    ]
    for decision in explained:
        lines += [f"== {decision.customer_id} {names[decision.customer_id]}"]
        lines += [decision.explain(), ""]
    lines += render_report(report, COMPANY_TIMEZONE)
    lines += [
        "",
        "Try another moment:  python -m extramile demo --now 2026-09-08T10:00-05:00",
        "Plan your own book:  python -m extramile demo --export sample/",
        "                     python -m extramile plan --customers sample/customers.jsonl \\",
        "                         --interactions sample/interactions.jsonl \\",
        "                         --now 2026-09-05T09:30-05:00",
    ]
    return "\n".join(lines) + "\n"


def _export(folder: Path) -> str:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in (("customers", CUSTOMERS), ("interactions", INTERACTIONS)):
            with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:
                out.writelines(json.dumps(row) + "\n" for row in rows)
    except OSError as exc:
        raise CliError(f"--export {str(folder)!r}: {exc.strerror}") from None
    return (
        f"wrote {folder / 'customers.jsonl'} ({len(CUSTOMERS)} customers) and"
        f" {folder / 'interactions.jsonl'} ({len(INTERACTIONS)} interactions)\n"
    )


def run_plan(args: argparse.Namespace, stderr: IO[str]) -> str:
    """The plan command's whole output; progress goes to ``stderr`` if it is a terminal.

    Raises:
        CliError: any problem in the arguments, the policy or the book.
    """
    output = Format(args.format)
    if args.explain is not None and output is Format.CSV:
        raise CliError("--explain needs --format table, json or html")
    policy = policy_from(args.policy, args.timezone, args.holidays)
    now: dt.datetime = args.now or dt.datetime.now(dt.timezone.utc)
    book = Book(args.customers, args.interactions, keep=args.explain)
    line = ProgressLine.on(stderr)
    try:
        agenda = plan(policy, book, now=now, horizon=args.horizon, progress=line)
    except ExtramileError as exc:
        # Before the first customer is read, the error is about the arguments.
        where = f"{book.customers_name}:{book.line}: " if book.line else ""
        raise CliError(f"{where}{exc}") from None
    finally:
        if line is not None:
            line.clear()
    if book.count == 0:  # no error (an empty book plans nothing), but seldom meant
        stderr.write(
            f"extramile plan: note: {book.customers_name} holds no customers; nothing to plan\n"
        )
    explanation: str | None = None
    if args.explain is not None:
        if book.kept is None:
            raise CliError(f"--explain: no customer {args.explain!r} in {book.customers_name}")
        try:
            explanation = evaluate(policy, book.kept.customer, book.kept.history, now=now).explain()
        except ExtramileError as exc:
            raise CliError(f"--explain {args.explain!r}: {exc}") from None
    if output is Format.CSV:
        return csv_agenda(agenda)
    if output is Format.HTML:
        return agenda_page(
            agenda, policy=policy.name, unknown_zone=book.unknown_zone, explanation=explanation
        )
    if output is Format.JSON:
        data = json_agenda(agenda, book.unknown_zone)
        data["policy"] = policy.name
        if explanation is not None:
            data["explanation"] = explanation
        return dumps(data)
    lines = [f"Policy: {policy.name}", *render_agenda(agenda, unknown_zone=book.unknown_zone)]
    if explanation is not None:
        lines += ["", explanation]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for a usage or input error).

    Args:
        argv: the arguments after the program name (default ``sys.argv[1:]``).
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error or the help
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    command = Command(args.command)
    started = time.perf_counter()
    try:
        if command is Command.DEMO:
            output = run_demo(args)
        elif command is Command.POLICY:
            output = run_policy(args)
        elif command is Command.REPORT:
            output = run_report(args, sys.stderr)
        else:
            output = run_plan(args, sys.stderr)
    except CliError as exc:
        sys.stderr.write(f"extramile {command}: error: {exc}\n")
        return EXIT_USAGE
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``| head``): say nothing more, and let the interpreter's
        # last flush of stdout go nowhere rather than fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    if os.environ.get("EXTRAMILE_TIMING"):
        sys.stderr.write(f"extramile {command}: {time.perf_counter() - started:.3f} s\n")
    return 0

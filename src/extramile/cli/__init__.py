"""The command line: ``extramile demo`` and ``extramile plan``.

This is the only module that reads files, standard input, the clock or the environment,
and the only one that prints.  Every error the user can fix (a malformed line, a naive
timestamp, an unknown timezone, an interaction for an unknown customer, a policy path that
does not import) ends the command with exit status 2 and a message on standard error that
names the file and line, or the policy path; nothing is written to standard output then,
because the output is built whole before it is written.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import io
import json
import math
import os
import re
import sys
import textwrap
import time
from collections.abc import Container, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final

import pendulum

from extramile._decision import Call, Decision
from extramile._engine import evaluate
from extramile._model import Customer, Interaction
from extramile._plan import Agenda, plan
from extramile._rules import FollowUpPolicy
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
from extramile._starter import starter_policy
from extramile._time import EARLIEST, LATEST, Elapsed
from extramile.errors import ExtramileError, InvalidPolicyError
from extramile.reports import CallReport, Tally, calls_made, last_week

__all__ = ["CliError", "main"]

EXIT_USAGE: Final = 2
PROGRESS_EVERY: Final = 10_000
"""Customers between two progress updates; smaller books never show progress."""
STDIN: Final = "-"
_HORIZON: Final = re.compile(r"(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")
_WIDTH: Final = 100
CSV_COLUMNS: Final = (
    "customer_id",
    "issue_id",
    "key",
    "keys",
    "rules",
    "priority",
    "due_at",
    "deadline",
    "at_risk",
    "extra_mile",
    "essential",
    "talking_points",
    "moved_by",
)


class CliError(Exception):
    """A problem the user can fix; the message says where."""


# ---------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------


def _instant(text: str) -> dt.datetime:
    """An ISO-8601 timestamp with an offset, for ``--now``."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO-8601 timestamp such as 2026-09-05T09:30-05:00 (got {text!r})"
        ) from None
    if moment.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"must be timezone-aware: add an offset or Z (got {text!r})"
        )
    try:
        ts = moment.timestamp()
    except (OverflowError, ValueError):
        ts = math.nan
    if not EARLIEST <= ts <= LATEST:
        raise argparse.ArgumentTypeError(f"must lie between the years 2 and 9998 (got {text!r})")
    return moment


def _horizon(text: str) -> Elapsed:
    """A horizon such as ``7d``, ``48h``, ``2w`` or ``1d12h``."""
    match = _HORIZON.fullmatch(text.strip())
    if not text.strip() or match is None:
        raise argparse.ArgumentTypeError(
            f"expected a duration such as 7d, 48h, 2w or 1d12h (got {text!r})"
        )
    weeks, days, hours, minutes = (int(part or 0) for part in match.groups())
    try:
        return Elapsed(days=7 * weeks + days, hours=hours, minutes=minutes)
    except InvalidPolicyError:
        raise argparse.ArgumentTypeError(
            f"a horizon is at most a century, 36525d (got {text!r})"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="extramile",
        description="Decide when a customer's situation warrants a proactive call,"
        " and plan those calls.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="the starter policy over a bundled sample book",
        description="Plan the calls of a sample team of a dozen customers, explain a few"
        " decisions, and report last week's extra-mile calls.",
    )
    demo.add_argument(
        "--now",
        type=_instant,
        default=SAMPLE_NOW,
        help="the present, ISO-8601 with an offset (default: %(default)s)",
    )
    demo.add_argument("--horizon", type=_horizon, default=_horizon("7d"), help="default 7d")
    demo.add_argument("--format", choices=("table", "json"), default="table")
    demo.add_argument(
        "--export",
        metavar="DIR",
        help="write the sample book to DIR/customers.jsonl and DIR/interactions.jsonl"
        " for `extramile plan`, and stop",
    )

    planner = commands.add_parser(
        "plan",
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
        "--customers", required=True, metavar="FILE", help="customers, JSON lines; - for stdin"
    )
    planner.add_argument(
        "--interactions", metavar="FILE", help="interactions, JSON lines; - for stdin"
    )
    planner.add_argument(
        "--now", type=_instant, help="the present, ISO-8601 with an offset (default: now)"
    )
    planner.add_argument(
        "--horizon",
        type=_horizon,
        default=_horizon("7d"),
        help="keep calls due within this long, e.g. 7d, 48h (default 7d)",
    )
    planner.add_argument("--format", choices=("table", "json", "csv"), default="table")
    planner.add_argument(
        "--explain", metavar="CUSTOMER_ID", help="also explain this customer's decision"
    )
    return parser


# ---------------------------------------------------------------------------------------
# Reading the book
# ---------------------------------------------------------------------------------------


def _open(path: str) -> tuple[str, IO[str]]:
    if path == STDIN:
        raw = getattr(sys.stdin, "buffer", None)
        if raw is None:  # a text stream put in its place (by a test, say)
            return "<stdin>", sys.stdin
        # Read as files are, whatever the terminal's encoding says.
        return "<stdin>", io.TextIOWrapper(raw, encoding="utf-8-sig")
    try:
        # A byte order mark, as some editors write it, is read as none.
        return path, Path(path).open(encoding="utf-8-sig")  # closed by the caller
    except OSError as exc:
        raise CliError(f"{path}: cannot open: {exc.strerror}") from None


def _rows(name: str, stream: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    lines = enumerate(stream, 1)
    number = 0
    while True:
        try:
            number, line = next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise CliError(
                f"{name}: not UTF-8 text after line {number} ({exc.reason}); save the file as UTF-8"
            ) from None
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CliError(
                f"{name}:{number}: malformed JSON: {exc.msg} (column {exc.colno})"
            ) from None
        if not isinstance(row, dict):
            raise CliError(f"{name}:{number}: expected a JSON object (got {type(row).__name__})")
        yield number, row


class Book:
    """The customers file streamed, each customer with their interactions.

    The interactions are read first and held grouped by customer; the customers are read
    one at a time as :func:`~extramile.plan` asks for them.
    """

    def __init__(
        self,
        customers: str,
        interactions: str | None,
        *,
        keep: str | None = None,
        progress: IO[str] | None = None,
    ) -> None:
        if customers == STDIN and interactions == STDIN:
            raise CliError("--customers and --interactions cannot both be read from stdin")
        self.customers_path = customers
        self.interactions_name = "<none>"
        self.groups: dict[str, list[Interaction]] = {}
        self.first_line: dict[str, int] = {}
        if interactions is not None:
            self._read_interactions(interactions)
        self.keep = keep
        self.kept: tuple[Customer, list[Interaction]] | None = None
        self.unknown_zone: set[str] = set()
        self.names: dict[str, str] = {}
        self.line = 0
        self.customers_name = "<stdin>" if customers == STDIN else customers
        self.progress = progress

    def _read_interactions(self, path: str) -> None:
        name, stream = _open(path)
        self.interactions_name = name
        try:
            for number, row in _rows(name, stream):
                try:
                    item = Interaction.from_mapping(row)
                except ExtramileError as exc:
                    raise CliError(f"{name}:{number}: {exc}") from None
                self.groups.setdefault(item.customer_id, []).append(item)
                self.first_line.setdefault(item.customer_id, number)
        finally:
            if stream is not sys.stdin:
                stream.close()

    def __iter__(self) -> Iterator[tuple[Customer, list[Interaction]]]:
        name, stream = _open(self.customers_path)
        seen: dict[str, int] = {}
        count = 0
        try:
            for number, row in _rows(name, stream):
                self.line = number
                try:
                    customer = Customer.from_mapping(row)
                except ExtramileError as exc:
                    raise CliError(f"{name}:{number}: {exc}") from None
                if customer.id in seen:
                    raise CliError(
                        f"{name}:{number}: customer {customer.id!r} appears twice"
                        f" (first on line {seen[customer.id]})"
                    )
                seen[customer.id] = number
                history = self.groups.pop(customer.id, [])
                if customer.timezone is None:
                    self.unknown_zone.add(customer.id)
                if customer.id == self.keep:
                    self.kept = (customer, history)
                count += 1
                if self.progress is not None and count % PROGRESS_EVERY == 0:
                    self.progress.write(f"\rplanning: {count:,} customers read")
                    self.progress.flush()
                yield customer, history
        finally:
            if stream is not sys.stdin:
                stream.close()
            if self.progress is not None and count >= PROGRESS_EVERY:
                self.progress.write(f"\rplanning: {count:,} customers read\n")
                self.progress.flush()
        if self.groups:
            orphan = min(self.groups, key=self.first_line.__getitem__)
            raise CliError(
                f"{self.interactions_name}:{self.first_line[orphan]}: interaction for"
                f" customer {orphan!r}, who is not in {name}"
            )


def _load_policy(spec: str) -> FollowUpPolicy:
    module_name, colon, attribute = spec.partition(":")
    if not colon or not module_name or not attribute:
        raise CliError(f"--policy {spec!r}: expected package.module:attribute")
    here = str(Path.cwd())
    if here not in sys.path:  # like `python -m`, find the user's own modules
        sys.path.insert(0, here)
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # any failure while importing the user's module
        raise CliError(
            f"--policy {spec!r}: cannot import {module_name!r}: {type(exc).__name__}: {exc}"
        ) from None
    try:
        found: object = module
        for part in attribute.split("."):
            found = getattr(found, part)
    except AttributeError:
        raise CliError(f"--policy {spec!r}: {module_name!r} has no {attribute!r}") from None
    if callable(found) and not isinstance(found, FollowUpPolicy):
        try:
            found = found()
        except Exception as exc:  # report any failure of the user's factory
            raise CliError(
                f"--policy {spec!r}: calling {attribute}() raised {type(exc).__name__}: {exc}"
            ) from None
    if not isinstance(found, FollowUpPolicy):
        raise CliError(
            f"--policy {spec!r}: expected a FollowUpPolicy or a function returning one"
            f" (got {type(found).__name__})"
        )
    return found


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


def _clock(moment: dt.datetime, tz: Any = None) -> str:
    local = pendulum.instance(moment)
    if tz is not None:
        local = local.in_timezone(tz)
    return local.format("ddd D MMM HH:mm zz")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(row) for row in rows)]


def _flags(call: Call) -> str:
    marks = (("extra-mile", call.extra_mile), ("essential", call.essential))
    flags = [flag for flag, on in marks if on]
    if call.overdue:
        flags.append("AT RISK")
    return " ".join(flags)


def render_agenda(
    agenda: Agenda,
    *,
    names: Mapping[str, str] | None = None,
    unknown_zone: Container[str] = (),
) -> list[str]:
    """The agenda as a readable table, with each call's deadline, talking points and moves
    under its row."""
    team = agenda.schedule.tz
    lines = [
        (
            f"Agenda at {_clock(agenda.now, team)}: {len(agenda)} call(s) due before"
            f" {_clock(agenda.horizon_end, team)} (team timezone {agenda.schedule.timezone})"
        ),
        "",
    ]
    rows = []
    for number, call in enumerate(agenda.calls, 1):
        who = call.customer_id
        if names and who in names:
            who = f"{who} {names[who]}"
        rows.append(
            (
                str(number),
                "tz unknown" if call.customer_id in unknown_zone else _clock(call.due_at),
                _clock(call.due_at, team),
                who,
                str(call.priority),
                ", ".join(call.rules),
                _flags(call),
            )
        )
    if rows:
        headers = ("#", "due (customer)", "due (team)", "customer", "priority", "rules", "flags")
        table = _table(headers, rows)
        lines.extend(table[:2])
        for row_line, call in zip(table[2:], agenda.calls, strict=True):
            lines.append(row_line)
            lines.append(f"     by {_clock(call.deadline, team)}")
            for point in call.talking_points:
                lines.extend(
                    textwrap.wrap(
                        point,
                        _WIDTH,
                        initial_indent="     - say: ",
                        subsequent_indent="           ",
                    )
                )
            lines.extend(f"     - moved: {move.reason}" for move in call.moved_by)
    else:
        lines.append("No call is due.")
    if agenda.suppressed:
        counts = ", ".join(f"{reason} {count}" for reason, count in agenda.suppressed.items())
        lines += ["", f"Suppressed (not on the agenda): {counts}"]
    return lines


def _rate(on_time: int, total: int) -> str:
    return f"{on_time / total:.0%}" if total else "-"


def render_report(report: CallReport, timezone: str) -> list[str]:
    """Proactive calls made in the report's period, per agent and per rule."""
    first = pendulum.instance(report.start).in_timezone(timezone)
    last = pendulum.instance(report.end).in_timezone(timezone).subtract(days=1)
    total = report.total
    lines = [
        (
            f"Extra-mile calls made {first.format('ddd D MMM')} to"
            f" {last.format('ddd D MMM YYYY')} ({timezone}): {total.extra_mile},"
            f" {_rate(total.extra_mile_on_time, total.extra_mile)} on time;"
            f" all proactive calls: {total.calls}, {_rate(total.on_time, total.calls)} on time"
        ),
    ]
    if report.unplanned:
        lines.append(f"Outbound calls that served no rule: {report.unplanned}")
    headers = ("extra-mile", "on time", "all proactive", "on time")

    def rows(tallies: Sequence[Tally]) -> list[tuple[str, ...]]:
        return [
            (
                row.name,
                str(row.extra_mile),
                _rate(row.extra_mile_on_time, row.extra_mile),
                str(row.calls),
                _rate(row.on_time, row.calls),
            )
            for row in tallies
        ]

    if report.calls:
        lines += ["", *_table(("agent", *headers), rows(report.by_agent()))]
        lines += ["", *_table(("rule", *headers), rows(report.by_rule()))]
    return lines


def _json_agenda(agenda: Agenda, unknown_zone: Container[str]) -> dict[str, Any]:
    team = agenda.schedule.tz
    calls = []
    for row, call in zip(agenda.to_rows(), agenda.calls, strict=True):
        row["due_at_team"] = pendulum.instance(call.due_at).in_timezone(team).isoformat()
        row["customer_timezone_known"] = call.customer_id not in unknown_zone
        calls.append(row)
    return {
        "now": agenda.now.isoformat(),
        "horizon_end": agenda.horizon_end.isoformat(),
        "team_timezone": agenda.schedule.timezone,
        "calls": calls,
        "suppressed": dict(agenda.suppressed),
        "at_risk": len(agenda.at_risk),
    }


def _csv(agenda: Agenda) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in agenda.to_rows():
        writer.writerow(
            {
                key: " | ".join(map(str, value)) if isinstance(value, list) else value
                for key, value in row.items()
                if key in CSV_COLUMNS
            }
        )
    return out.getvalue()


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------


def _sample_holidays() -> tuple[Container[dt.date], str]:
    try:
        import holidays  # noqa: PLC0415  # optional: the demo runs without it
    except ImportError:
        return SAMPLE_HOLIDAYS, "a built-in list of 2026 US federal holidays"
    return holidays.country_holidays("US"), "the holidays package (US federal holidays)"


def run_demo(args: argparse.Namespace) -> str:
    """The demo's whole output."""
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
    if args.format == "json":
        return _dumps(
            {
                "policy": policy.name,
                "customers": len(book),
                "holidays": holidays_from,
                "agenda": _json_agenda(agenda, unknown),
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
    """The plan command's whole output."""
    if args.explain is not None and args.format == "csv":
        raise CliError("--explain needs --format table or json")
    policy = starter_policy() if args.policy is None else _load_policy(args.policy)
    now: dt.datetime = args.now or dt.datetime.now(dt.timezone.utc)
    progress = stderr if stderr.isatty() else None
    book = Book(args.customers, args.interactions, keep=args.explain, progress=progress)
    try:
        agenda = plan(policy, book, now=now, horizon=args.horizon)
    except ExtramileError as exc:
        # Before the first customer is read, the error is about the arguments.
        where = f"{book.customers_name}:{book.line}: " if book.line else ""
        raise CliError(f"{where}{exc}") from None
    explanation: str | None = None
    if args.explain is not None:
        if book.kept is None:
            raise CliError(f"--explain: no customer {args.explain!r} in {book.customers_name}")
        customer, history = book.kept
        try:
            explanation = evaluate(policy, customer, history, now=now).explain()
        except ExtramileError as exc:
            raise CliError(f"--explain {args.explain!r}: {exc}") from None
    if args.format == "csv":
        return _csv(agenda)
    if args.format == "json":
        data = _json_agenda(agenda, book.unknown_zone)
        data["policy"] = policy.name
        if explanation is not None:
            data["explanation"] = explanation
        return _dumps(data)
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
    started = time.perf_counter()
    try:
        output = run_demo(args) if args.command == "demo" else run_plan(args, sys.stderr)
    except CliError as exc:
        sys.stderr.write(f"extramile {args.command}: error: {exc}\n")
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
        sys.stderr.write(f"extramile {args.command}: {time.perf_counter() - started:.3f} s\n")
    return 0

"""Rendering for the command line: an agenda and a report as a table, JSON or CSV.

(As a page, they are :mod:`extramile.cli.pages`.)

Every function here returns text (or data for JSON) and writes nothing: the commands build
their whole output before a byte of it is printed, so an error never leaves half an output.
Times are shown in the customer's timezone and in the team's.

Imports: ``extramile._decision``, ``extramile._plan``, ``extramile.reports``.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import textwrap
from collections.abc import Container, Mapping, Sequence
from typing import Any, Final

import pendulum

from extramile._decision import Call
from extramile._plan import Agenda
from extramile.reports import CallReport, Tally

__all__ = [
    "CSV_COLUMNS",
    "REPORT_CSV_COLUMNS",
    "Format",
    "csv_agenda",
    "csv_report",
    "dumps",
    "json_agenda",
    "period_words",
    "render_agenda",
    "render_report",
]

_WIDTH: Final = 100
"""Where a talking point wraps."""
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
    "attempt",
    "tries",
    "queue",
)
"""The columns of ``--format csv``, in order; ``queue`` is empty for the general queue."""
REPORT_CSV_COLUMNS: Final = (
    "group",
    "name",
    "calls",
    "on_time",
    "on_time_rate",
    "extra_mile",
    "extra_mile_on_time",
    "extra_mile_on_time_rate",
    "on_first_deadline",
    "on_first_deadline_rate",
    "outside_window",
    "unplanned",
)
"""The columns of ``extramile report --format csv``: one row for the total (group
``total``), then one an agent (``agent``), then one a rule (``rule``); a rate is empty
when there was nothing to rate."""


class Format(str, enum.Enum):
    """The value of ``--format``; equal to its name as typed.

    >>> Format("csv") == "csv"
    True
    """

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    HTML = "html"


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
    if call.overdue or call.at_risk:
        flags.append("AT RISK")
    if call.attempt > 1:
        flags.append(f"try {call.attempt} of {call.tries}")
    return " ".join(flags)


def render_agenda(
    agenda: Agenda,
    *,
    names: Mapping[str, str] | None = None,
    unknown_zone: Container[str] = (),
) -> list[str]:
    """The agenda as a readable table, with each call's deadline, talking points and moves
    under its row.  A ``queue`` column shows who should make each call when any call has a
    queue (``-`` for the general queue); without queues the table is as narrow as before.

    Args:
        agenda: the planned calls.
        names: customer names to show beside their ids.
        unknown_zone: the customers whose timezone is unknown ("tz unknown" in their column).

    Returns:
        The lines, without line ends.
    """
    team = agenda.schedule.tz
    lines = [
        (
            f"Agenda at {_clock(agenda.now, team)}: {len(agenda)} call(s) due before"
            f" {_clock(agenda.horizon_end, team)} (team timezone {agenda.schedule.timezone})"
        ),
        "",
    ]
    queued = False
    rows: list[tuple[str, ...]] = []
    for number, call in enumerate(agenda.calls, 1):
        who = call.customer_id
        if names and who in names:
            who = f"{who} {names[who]}"
        queued = queued or call.queue is not None
        rows.append(
            (
                str(number),
                "tz unknown" if call.customer_id in unknown_zone else _clock(call.due_at),
                _clock(call.due_at, team),
                who,
                str(call.priority),
                call.queue or "-",
                ", ".join(call.rules),
                _flags(call),
            )
        )
    headers: tuple[str, ...] = ("#", "due (customer)", "due (team)", "customer", "priority")
    headers += ("queue", "rules", "flags")
    if not queued:  # the column says nothing: left out
        at = headers.index("queue")
        headers = headers[:at] + headers[at + 1 :]
        rows = [row[:at] + row[at + 1 :] for row in rows]
    if rows:
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


def period_words(start: dt.datetime, end: dt.datetime, timezone: str) -> str:
    """The period ``[start, end)`` in words, in ``timezone``: by days when both ends are
    local midnights (the last day is the one before ``end``), with times otherwise.

    >>> import datetime as dt
    >>> at = dt.datetime.fromisoformat
    >>> period_words(at("2026-08-24T00:00-05:00"), at("2026-08-31T00:00-05:00"), "America/Chicago")
    'Mon 24 Aug to Sun 30 Aug 2026'
    >>> period_words(at("2026-08-24T00:00-05:00"), at("2026-08-25T00:00-05:00"), "America/Chicago")
    'Mon 24 Aug 2026'
    >>> period_words(at("2026-08-24T00:00-05:00"), at("2026-09-05T09:30-05:00"), "America/Chicago")
    'Mon 24 Aug 00:00 to Sat 5 Sep 2026 09:30'

    The first day's year is said too when it is not the last's.
    """
    first = pendulum.instance(start).in_timezone(timezone)
    after = pendulum.instance(end).in_timezone(timezone)
    midnight = dt.time()
    whole_days = first.time() == midnight and after.time() == midnight and after > first
    last = after.subtract(days=1) if whole_days else after
    if whole_days and last.date() == first.date():
        return first.format("ddd D MMM YYYY")
    day = "ddd D MMM" if first.year == last.year else "ddd D MMM YYYY"
    if whole_days:
        return f"{first.format(day)} to {last.format('ddd D MMM YYYY')}"
    return f"{first.format(day + ' HH:mm')} to {after.format('ddd D MMM YYYY HH:mm')}"


def render_report(report: CallReport, timezone: str) -> list[str]:
    """Proactive calls made in the report's period, per agent and per rule: on time by
    the deadline as moved and as first set, outside the calling window, and (per agent)
    the outbound calls that served no rule.

    Args:
        report: the calls made.
        timezone: the IANA name the period's dates are shown in.

    Returns:
        The lines, without line ends.
    """
    total = report.total
    lines = [
        (
            f"Extra-mile calls made {period_words(report.start, report.end, timezone)}"
            f" ({timezone}): {total.extra_mile},"
            f" {_rate(total.extra_mile_on_time, total.extra_mile)} on time;"
            f" all proactive calls: {total.calls}, {_rate(total.on_time, total.calls)} on time"
        ),
    ]
    if report.unplanned:
        lines.append(f"Outbound calls that served no rule: {report.unplanned}")
    if total.outside_window:
        lines.append(f"Calls made outside the calling window: {total.outside_window}")
    headers = (
        "extra-mile",
        "on time",
        "all proactive",
        "on time",
        "by first deadline",
        "outside window",
    )

    def rows(tallies: Sequence[Tally], *, unplanned: bool) -> list[tuple[str, ...]]:
        return [
            (
                row.name,
                str(row.extra_mile),
                _rate(row.extra_mile_on_time, row.extra_mile),
                str(row.calls),
                _rate(row.on_time, row.calls),
                _rate(row.on_first_deadline, row.calls),
                str(row.outside_window),
                *((str(row.unplanned),) if unplanned else ()),
            )
            for row in tallies
        ]

    if report.calls or report.unplanned_calls:
        agents = rows(report.by_agent(), unplanned=True)
        lines += ["", *_table(("agent", *headers, "unplanned"), agents)]
    if report.calls:
        lines += ["", *_table(("rule", *headers), rows(report.by_rule(), unplanned=False))]
    return lines


def json_agenda(agenda: Agenda, unknown_zone: Container[str]) -> dict[str, Any]:
    """The agenda as JSON-ready data: its rows, each with the due time in the team's
    timezone too, the counts of calls suppressed and at risk, and the version of the zone
    database it was planned with."""
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
        "tz_version": agenda.tz_version,
        "calls": calls,
        "suppressed": dict(agenda.suppressed),
        "at_risk": len(agenda.at_risk),
    }


def csv_agenda(agenda: Agenda) -> str:
    """The agenda as CSV, one row a call in :data:`CSV_COLUMNS`; lists joined with `` | ``."""
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


def csv_report(report: CallReport) -> str:
    """The report's tallies as CSV in :data:`REPORT_CSV_COLUMNS`: the total, each agent,
    each rule."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REPORT_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    groups = (("total", (report.total,)), ("agent", report.by_agent()), ("rule", report.by_rule()))
    for group, tallies in groups:
        for tally in tallies:
            row = tally.to_mapping()
            writer.writerow(
                {
                    "group": group,
                    **{key: "" if value is None else value for key, value in row.items()},
                }
            )
    return out.getvalue()


def dumps(data: object) -> str:
    """``data`` as indented JSON, non-ASCII kept, with a final line end.

    >>> dumps({"city": "Zürich"})
    '{\\n  "city": "Zürich"\\n}\\n'
    """
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

"""Pages for the command line: a report of the calls made, and an agenda, as HTML.

:func:`report_page` answers the manager's question ("how many extra-mile calls did each
agent make last week, and how many on time?") with bars per agent and per rule beside
tables of the same numbers, and lists the calls that served no rule.  :func:`agenda_page`
lays an agenda out by day and queue, each call with its rules, what to say and what moved
it.  Both return one self-contained page (see :mod:`extramile.cli.page_parts`) and read
nothing: the clock, the files and the policy are the command's business.

Every number a page shows is also written, raw, in a ``data-`` attribute of its row
(``data-agent``, ``data-rule``, ``data-day``, ``data-key``, ``data-total``), so a test or
a scraper reads the numbers without parsing the words around them.

Imports: ``extramile._decision``, ``extramile._plan``, ``extramile.reports``,
``extramile.cli.page_parts``, ``extramile.cli.rendering``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Mapping, Sequence
from typing import Final

import pendulum

from extramile._decision import Call
from extramile._plan import Agenda
from extramile.cli.page_parts import Bar, Cell, bars, card, clock, esc, page, rate_text, table
from extramile.cli.rendering import period_words
from extramile.reports import CallReport, Tally, UnplannedCall

__all__ = ["UNPLANNED_SHOWN", "agenda_page", "report_page"]

UNPLANNED_SHOWN: Final = 200
"""The most unplanned calls a report page lists one by one (all are counted)."""
GENERAL_QUEUE: Final = "general queue"
"""How the page names the queue of calls whose rule names none."""

_TALLY_HEADERS: Final = (
    Cell("extra-mile", number=True),
    Cell("on time", number=True),
    Cell("proactive", number=True),
    Cell("on time", number=True),
    Cell("by first deadline", number=True),
    Cell("outside window", number=True),
)


# ---------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------


def _tally_data(kind: str, row: Tally) -> str:
    """The raw counts of a tally, as ``data-`` attributes of its row."""
    counts = (
        ("calls", row.calls),
        ("on-time", row.on_time),
        ("extra-mile", row.extra_mile),
        ("extra-mile-on-time", row.extra_mile_on_time),
        ("on-first-deadline", row.on_first_deadline),
        ("outside-window", row.outside_window),
        ("unplanned", row.unplanned),
    )
    return f' data-{kind}="{esc(row.name)}"' + "".join(
        f' data-{name}="{value}"' for name, value in counts
    )


def _tally_cells(row: Tally, *, unplanned: bool) -> list[Cell]:
    cells = [
        Cell(row.name, "name"),
        Cell(str(row.extra_mile), "extra_mile", number=True),
        Cell(rate_text(row.extra_mile_on_time_rate), "extra_mile_on_time_rate", number=True),
        Cell(str(row.calls), "calls", number=True),
        Cell(rate_text(row.on_time_rate), "on_time_rate", number=True),
        Cell(rate_text(row.on_first_deadline_rate), "on_first_deadline_rate", number=True),
        Cell(str(row.outside_window), "outside_window", number=True),
    ]
    if unplanned:
        cells.append(Cell(str(row.unplanned), "unplanned", number=True))
    return cells


def _tally_bars(row: Tally, scale: int) -> list[Bar]:
    return [
        Bar("proactive", "proactive", row.calls, scale, str(row.calls)),
        Bar("extra-mile", "extra", row.extra_mile, scale, str(row.extra_mile)),
        Bar("on time", "rate", row.on_time_rate or 0.0, 1, rate_text(row.on_time_rate)),
    ]


_LEGEND: Final = (
    Bar("proactive calls", "proactive", 0, 1, ""),
    Bar("extra-mile calls", "extra", 0, 1, ""),
    Bar("share on time", "rate", 0, 1, ""),
)


def _tally_section(
    heading: str, kind: str, tallies: Sequence[Tally], *, unplanned: bool, note: str
) -> str:
    scale = max([1, *(row.calls for row in tallies)])
    chart = bars(
        f"proactive and extra-mile calls, and the share on time, per {kind}",
        ((row.name, _tally_bars(row, scale)) for row in tallies),
        _LEGEND,
    )
    headers = [Cell(kind), *_TALLY_HEADERS]
    if unplanned:
        headers.append(Cell("unplanned", number=True))
    rows = ((_tally_data(kind, row), _tally_cells(row, unplanned=unplanned)) for row in tallies)
    grid = table(f"Calls per {kind}", headers, rows)
    return (
        f'<section id="per-{kind}"><h2>{esc(heading)}</h2>'
        f'<p class="note">{esc(note)}</p>'
        f'<div class="pair">{chart}{grid}</div></section>'
    )


def _unplanned_section(calls: Sequence[UnplannedCall], timezone: str, shown: int) -> str:
    if not calls:
        return (
            '<section id="unplanned"><h2>Unplanned calls</h2>'
            "<p>Every outbound call in the period served a rule of the policy.</p></section>"
        )
    headers = [Cell("when"), Cell("agent"), Cell("customer"), Cell("outside window")]
    rows = (
        (
            f' data-call="{esc(call.interaction_id)}"',
            [
                Cell(clock(call.at, timezone), "at"),
                Cell(call.agent or "(no agent)", "agent"),
                Cell(call.customer_id, "customer_id"),
                Cell("yes" if call.outside_window else "no", "outside_window"),
            ],
        )
        for call in calls[:shown]
    )
    more = len(calls) - shown
    rest = (
        f'<p class="note">And {more} more, not listed here: --format json lists them all.</p>'
        if more > 0
        else ""
    )
    return (
        f'<section id="unplanned"><h2>Unplanned calls: {len(calls)}</h2>'
        '<p class="note">Outbound calls that served no rule of the policy: nothing the'
        " policy asked for was open for that customer when the call was made.</p>"
        f"{table('Calls that served no rule', headers, rows)}{rest}</section>"
    )


def report_page(
    report: CallReport,
    *,
    timezone: str,
    policy: str | None = None,
    unplanned_shown: int = UNPLANNED_SHOWN,
) -> str:
    """The report as one self-contained HTML page.

    Args:
        report: the calls made, from :func:`~extramile.reports.calls_made`.
        timezone: the IANA name the period and the times are shown in.
        policy: the policy's name, shown under the heading.
        unplanned_shown: the most unplanned calls listed one by one.

    Returns:
        The page, ending with a line end.
    """
    total = report.total
    period = period_words(report.start, report.end, timezone)
    lines = [f"Days and times in {timezone}"]
    if policy is not None:
        lines.append(f"Measured against the policy {policy}")
    cards = "".join(
        (
            card(
                "extra-mile calls",
                total.extra_mile,
                f"{rate_text(total.extra_mile_on_time_rate)} on time",
                total="extra_mile",
            ),
            card(
                "proactive calls",
                total.calls,
                f"{rate_text(total.on_time_rate)} on time,"
                f" {rate_text(total.on_first_deadline_rate)} by first deadline",
                total="calls",
            ),
            card("unplanned calls", total.unplanned, "served no rule", total="unplanned"),
            card(
                "outside the calling window",
                total.outside_window,
                "planned or not",
                total="outside_window",
            ),
        )
    )
    body = [f'<div class="cards">{cards}</div>']
    if not (report.calls or report.unplanned_calls):
        body.append("<section><p>No outbound call was made in this period.</p></section>")
    else:
        body.append(
            _tally_section(
                "Per agent",
                "agent",
                report.by_agent(),
                unplanned=True,
                note="Most extra-mile calls first. On time: by the deadline as the calling"
                " window, staff hours and caps moved it; by first deadline: as the rule"
                " first set it.",
            )
        )
        if report.calls:
            body.append(
                _tally_section(
                    "Per rule",
                    "rule",
                    report.by_rule(),
                    unplanned=False,
                    note="A call that served two rules counts for both.",
                )
            )
        body.append(_unplanned_section(report.unplanned_calls, timezone, unplanned_shown))
    return page(
        title=f"Calls made, {period}",
        heading=f"Calls made, {period}",
        lines=lines,
        body=body,
    )


# ---------------------------------------------------------------------------------------
# The agenda
# ---------------------------------------------------------------------------------------


def _queue_name(queue: str | None) -> str:
    return GENERAL_QUEUE if queue is None else f"queue {queue}"


def _queues(calls: Sequence[Call]) -> list[str | None]:
    """The queues of ``calls``: the general queue first, then by name."""
    named = sorted({call.queue for call in calls if call.queue is not None})
    general: list[str | None] = [None] if any(call.queue is None for call in calls) else []
    return [*general, *named]


def _flags(call: Call) -> str:
    flags = [
        ("extra-mile", "extra-mile", call.extra_mile),
        ("essential", "essential", call.essential),
        ("at-risk", "at risk", call.overdue or call.at_risk),
        ("try", f"try {call.attempt} of {call.tries}", call.attempt > 1),
    ]
    return "".join(
        f'<span class="flag {kind}">{esc(text)}</span>' for kind, text, on in flags if on
    )


def _call(
    call: Call,
    team: pendulum.Timezone,
    names: Mapping[str, str],
    unknown_zone: Container[str],
) -> str:
    who = call.customer_id
    if who in names:
        who = f"{who} {names[who]}"
    local = (
        "the customer's timezone is unknown"
        if call.customer_id in unknown_zone
        else f"the customer's clock: {clock(call.due_at, None)}"
    )
    said = "".join(f"<li>Say: {esc(point)}</li>" for point in call.talking_points)
    moved = "".join(f"<li>Moved: {esc(move.reason)}</li>" for move in call.moved_by)
    reasons = f"<ul>{said}{moved}</ul>" if said or moved else ""
    return (
        f'<article class="call" data-key="{esc(call.key)}"'
        f' data-customer="{esc(call.customer_id)}" data-queue="{esc(call.queue or "")}"'
        f' data-priority="{esc(call.priority)}">'
        f'<p><time class="when" datetime="{esc(call.due_at.isoformat())}">'
        f"{esc(clock(call.due_at, team, 'HH:mm zz'))}</time> {esc(who)} {_flags(call)}</p>"
        f"<p>{esc(str(call.priority))} priority · rules: {esc(', '.join(call.rules))}"
        f" · deadline {esc(clock(call.deadline, team))} · {esc(local)}</p>"
        f'{reasons}<p class="key">key {esc(call.key)}</p></article>'
    )


def _day_label(day: dt.date) -> str:
    return pendulum.Date(day.year, day.month, day.day).format("ddd D MMM YYYY")


def _calls_word(count: int) -> str:
    return f"{count} call" if count == 1 else f"{count} calls"


def _overview(days: Mapping[dt.date, tuple[Call, ...]], queues: Sequence[str | None]) -> str:
    scale = max([1, *(len(calls) for calls in days.values())])
    chart = bars(
        "calls due each day",
        (
            (
                _day_label(day),
                [Bar("calls", "proactive", len(calls), scale, str(len(calls)))],
            )
            for day, calls in days.items()
        ),
        (Bar("calls due", "proactive", 0, 1, ""),),
    )
    headers = [
        Cell("day"),
        *(Cell(_queue_name(queue), number=True) for queue in queues),
        Cell("all", number=True),
    ]
    rows = (
        (
            f' data-day="{day.isoformat()}" data-calls="{len(calls)}"',
            [
                Cell(_day_label(day), "day"),
                *(
                    Cell(
                        str(sum(call.queue == queue for call in calls)),
                        _queue_name(queue),
                        number=True,
                    )
                    for queue in queues
                ),
                Cell(str(len(calls)), "calls", number=True),
            ],
        )
        for day, calls in days.items()
    )
    grid = table("Calls per day and queue", headers, rows)
    return (
        '<section id="per-day"><h2>Calls per day</h2>'
        f'<div class="pair">{chart}{grid}</div></section>'
    )


def agenda_page(
    agenda: Agenda,
    *,
    policy: str | None = None,
    names: Mapping[str, str] | None = None,
    unknown_zone: Container[str] = (),
    explanation: str | None = None,
) -> str:
    """The agenda as one self-contained HTML page: the calls by the staff's day and by
    queue, each with its rules, talking points and the reasons it moved.

    Args:
        agenda: the planned calls.
        policy: the policy's name, shown under the heading.
        names: customer names to show beside their ids.
        unknown_zone: the customers whose timezone is unknown.
        explanation: a decision explained (``Decision.explain()``), shown at the end.

    Returns:
        The page, ending with a line end.
    """
    team = agenda.schedule.tz
    zone_name = agenda.schedule.timezone
    days = agenda.by_day()
    calls = list(agenda.calls)
    queues = _queues(calls)
    lines = [
        f"At {clock(agenda.now, team)}: the calls due before {clock(agenda.horizon_end, team)}",
        f"Days and times in the team's timezone, {zone_name}",
    ]
    if policy is not None:
        lines.append(f"Planned with the policy {policy}")
    suppressed = sum(agenda.suppressed.values())
    cards = "".join(
        (
            card("calls", len(calls), total="calls"),
            card("extra-mile", sum(call.extra_mile for call in calls), total="extra_mile"),
            card("at risk", len(agenda.at_risk), "may miss their deadline", total="at_risk"),
            card("suppressed", suppressed, "not on the agenda", total="suppressed"),
        )
    )
    body = [f'<div class="cards">{cards}</div>']
    if calls:
        body.append(_overview(days, queues))
    else:
        body.append("<section><p>No call is due.</p></section>")
    names = names or {}
    for day, of_day in days.items():
        parts = [
            f'<section class="day" data-day="{day.isoformat()}" data-calls="{len(of_day)}">',
            f"<h2>{esc(_day_label(day))}: {_calls_word(len(of_day))}</h2>",
        ]
        for queue in _queues(of_day):
            in_queue = [call for call in of_day if call.queue == queue]
            parts.append(
                f'<h3 data-queue="{esc(queue or "")}">{esc(_queue_name(queue))}:'
                f" {_calls_word(len(in_queue))}</h3>"
            )
            parts.extend(_call(call, team, names, unknown_zone) for call in in_queue)
        parts.append("</section>")
        body.append("".join(parts))
    if agenda.suppressed:
        rows = (
            (f' data-reason="{esc(reason)}"', [Cell(reason), Cell(str(count), number=True)])
            for reason, count in agenda.suppressed.items()
        )
        headers = [Cell("reason"), Cell("calls", number=True)]
        body.append(
            '<section id="suppressed"><h2>Suppressed</h2>'
            f"{table('Calls not on the agenda, by reason', headers, rows)}</section>"
        )
    if explanation is not None:
        body.append(
            f'<section id="explanation"><h2>Explained</h2><pre>{esc(explanation)}</pre></section>'
        )
    return page(
        title=f"Agenda at {clock(agenda.now, team)}",
        heading=f"Agenda: {_calls_word(len(calls))}",
        lines=lines,
        body=body,
    )

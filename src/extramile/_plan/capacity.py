"""Team capacity: how many calls each staff day can take, and moving the calls over it.

Capacity is applied to a whole agenda at once, in its order.  Each day takes its calls in
rank order up to its limit; the calls over it are carried, as they were planned, to the
next staff day on which their customer may be called, and moved once, where they land --
never dropped, though a call may land past its deadline.  Days without staff hours and
holidays are not limited unless named.

Imports: ``_decision``, ``_engine``, ``_time``, ``errors``; :mod:`.columns` beside it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from array import array
from collections import Counter
from collections.abc import Mapping
from typing import Final

from extramile._decision import Adjustment
from extramile._engine import Constraint, reach_table
from extramile._plan.columns import EXTRA_MILE, CallList, Columns, Move
from extramile._time import SEARCH_DAYS, UTC, Schedule, from_ts, local_day_start
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe

__all__ = ["Capacity", "apply_capacity", "weekly_capacity"]

_CAPACITY: Final = Constraint.CAPACITY.value
_DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


Capacity = tuple["int | None", ...]
"""Calls a day can take, Monday first; None: not limited."""


def weekly_capacity(value: object, schedule: Schedule) -> Capacity | None:
    """The capacity of each day of the week, from a number for every staff day, a
    mapping by weekday, or an agenda's own ``capacity``.

    A number is each staff day's; a mapping gives the weekdays it names.  A weekday with
    staff hours that a mapping leaves out has no room; a weekday without staff hours is
    not limited unless named (only extra-mile calls fall on it, made by whoever is on
    call), and neither is a holiday.

    Raises:
        InvalidPolicyError: a capacity below zero, keyed by other than weekdays, or that
            leaves no room for a call on any staff day.
        PolicyTypeError: a capacity of the wrong type.
    """
    if value is None:
        return None
    staff = [bool(hours) for hours in schedule.hours]
    per_day: list[int | None]
    if isinstance(value, Mapping):
        per_day = [0 if works else None for works in staff]
        for key, amount in value.items():
            if key not in _DAY_NAMES:
                raise InvalidPolicyError(
                    f"capacity keys must be weekdays 'mon' to 'sun' (got {describe(key)})"
                )
            per_day[_DAY_NAMES.index(key)] = _count(amount)
    elif isinstance(value, tuple) and len(value) == len(_DAY_NAMES):
        per_day = [None if amount is None else _count(amount) for amount in value]
    else:
        amount = _count(value)
        per_day = [amount if works else None for works in staff]
    if not any(per_day[day] != 0 for day in range(7) if staff[day]):
        raise InvalidPolicyError(
            f"capacity leaves no room for a call on any staff day (got {value!r}):"
            " every call would wait for ever"
        )
    return tuple(per_day)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyTypeError(f"capacity must be a whole number of calls (got {describe(value)})")
    if value < 0:
        raise InvalidPolicyError(f"capacity must be zero or more calls a day (got {value})")
    return value


def apply_capacity(planned: CallList, schedule: Schedule, capacity: Capacity) -> CallList:
    # Calls are handled by their rank in the agenda's order: lists of ranks merge in that
    # order without a key a call, and moving a call does not change its rank (the order
    # ignores due_at).
    tz = schedule.tz
    order = planned._order
    columns = planned._columns
    due = columns.due
    by_day: dict[dt.date, list[int]] = {}
    for rank, index in enumerate(order):
        by_day.setdefault(dt.datetime.fromtimestamp(due[index], tz).date(), []).append(rank)
    # Calls over a day's capacity are carried, as they were planned, to the next staff
    # day on which their customer may be called, and moved once, where they land.  When
    # a carried call can land depends only on where its customer may be called and
    # whether it goes the extra mile: carried calls wait in one queue for each such
    # group, in rank order, and a day asks each group once whether it can land, not
    # each call (a backlog that can land only on late Thursdays costs no more).
    queues: dict[int, list[int]] = {}
    kept: list[int] = []
    moves: dict[int, Move] = {}
    last_full = dt.date.min
    day = min(by_day) if by_day else None
    guard = 0
    while day is not None:
        guard += 1
        if guard > SEARCH_DAYS:  # no room for them in ten years: kept as planned
            stuck = sorted(rank for queue in queues.values() for rank in queue)
            for rank in stuck:
                moves[order[rank]] = _kept_as_planned(columns, order[rank])
            kept.extend(stuck)
            break
        todays = by_day.pop(day, [])
        weekday = day.weekday()
        staff_day = bool(schedule.hours[weekday]) and schedule.holiday_name(day) is None
        limit = capacity[weekday] if staff_day or not schedule.hours[weekday] else None
        if limit is None:  # not a staff day, and not limited: carried calls wait on
            kept.extend(todays)
            over: list[int] = []
        elif not staff_day or not queues:
            kept.extend(todays[:limit])
            over = todays[limit:]
        else:
            over, full = _fill(
                todays, queues, limit, day, last_full, planned, schedule, kept, moves
            )
            if full:
                last_full = day
        if over:
            last_full = day
            touched = set()
            for rank in over:
                group = _group(columns, order[rank])
                queues.setdefault(group, []).append(rank)
                touched.add(group)
            for group in touched:
                queues[group].sort()  # two sorted runs: one pass
        day += _ONE_DAY
        if not queues and day not in by_day:
            # Nothing to do until the next day with calls due.
            day = min(by_day, default=None)
    kept.sort()
    return CallList(columns, array("q", [order[rank] for rank in kept]), moves)


_ONE_DAY: Final = dt.timedelta(days=1)


def _fill(  # noqa: PLR0917  # private; one call site
    todays: list[int],
    queues: dict[int, list[int]],
    limit: int,
    day: dt.date,
    full: dt.date,
    planned: CallList,
    schedule: Schedule,
    kept: list[int],
    moves: dict[int, Move],
) -> tuple[list[int], bool]:
    """Fill the staff day ``day`` with up to ``limit`` calls in rank order, from those
    due that day and the queued calls of the groups that can land on it (moved, because
    the day ``full`` was full); return the calls due that day left over, and whether the
    day turned any call away."""
    columns = planned._columns
    order = planned._order
    tz = schedule.tz
    start = local_day_start(day, tz)
    end = local_day_start(day + _ONE_DAY, tz)
    landing = {
        group: at
        for group, queue in queues.items()
        if (at := _landing(columns, order[queue[0]], start, end, schedule)) is not None
    }
    taken = list(
        itertools.islice(
            heapq.merge(
                zip(todays, itertools.repeat(-1)),
                *(zip(queues[group], itertools.repeat(group)) for group in landing),
            ),
            limit,
        )
    )
    from_queues = Counter(group for _, group in taken if group >= 0)
    for rank, group in taken:
        if group >= 0:
            moves[order[rank]] = _moved(columns, order[rank], landing[group], full)
        kept.append(rank)
    for group, count in from_queues.items():
        del queues[group][:count]
        if not queues[group]:
            del queues[group]
    over = todays[len(taken) - sum(from_queues.values()) :]
    return over, len(taken) == limit and (bool(over) or any(g in queues for g in landing))


def _group(columns: Columns, index: int) -> int:
    """The group of the call at ``index``: its customer's reach and whether it goes the
    extra mile, which are all that say when a carried call can land."""
    return columns.reach[index] * 2 + (columns.flags[index] & EXTRA_MILE)


def _kept_as_planned(columns: Columns, index: int) -> Move:
    """A call that no staff day with room will take, kept where it was planned, and
    saying so."""
    due = columns.due[index]
    at = from_ts(due, columns.zones[columns.zone[index]])
    note = Adjustment(
        constraint=_CAPACITY,
        moved_from=at,
        moved_to=at,
        reason="capacity: no staff day with room meets the customer's calling window;"
        " kept where it was planned",
    )
    return Move(due, (*columns.moved_by[index], note))


def _landing(
    columns: Columns, index: int, start: float, end: float, schedule: Schedule
) -> float | None:
    """The first instant in ``[start, end)`` -- a staff day -- and not before the call
    at ``index`` is due, at which staff are open and its customer may be called (their
    calling window open in every zone it must be); None if there is none.  A call that
    goes the extra mile, made out of hours if need be, lands when the customer may be
    called if staff and customer never meet that day.  A call built by hand, whose
    customer's window is not known, lands when staff open."""
    reach = columns.reach_of(index)
    since = max(start, columns.due[index])
    if reach is None:
        return schedule.open_table().first_open(since, end)
    found = reach_table(reach, schedule).first_open(since, end)
    if found is None and columns.flags[index] & EXTRA_MILE:
        found = reach_table(reach, None).first_open(since, end)
    return found


def _moved(columns: Columns, index: int, opening: float, day: dt.date) -> Move:
    """The call at ``index`` moved by capacity to ``opening``, because the staff day
    ``day`` was full, with the reason."""
    due = columns.due[index]
    moved_by = columns.moved_by[index]
    if moved_by and moved_by[-1].constraint == _CAPACITY:
        first_from = moved_by[-1].moved_from
        previous = moved_by[:-1]
    else:
        first_from = from_ts(due, columns.zones[columns.zone[index]])
        previous = moved_by
    move = Adjustment(
        constraint=_CAPACITY,
        moved_from=first_from,
        moved_to=from_ts(opening, UTC),
        reason=f"capacity: the staff day {day.isoformat()} was full",
    )
    return Move(opening, (*previous, move))

"""Team capacity: how many calls each staff day can take, and moving the calls over it.

Capacity is applied to a whole agenda at once, in its order.  Each day takes its calls in
rank order up to its limit; the calls over it are carried, as they were planned, to the
next staff day on which their customer may be called, and moved once, where they land --
never dropped, though a call may land past its deadline.  Days without staff hours and
holidays are not limited unless named.

A queue's capacity limits the calls of that queue a day, within the team's: a call is
taken while both its queue (if limited) and the day (if limited) have room.  A call its
queue turns away is carried like any other, to a day on which its queue has room.

A carried call keeps the minimum gap to its customer's other calls, where they are at the
time (planned, or moved already), as the engine planned them to: it lands no sooner than
the gap after one before it, nor within the gap before one after it (unless that one is
essential, and so exempt); an essential call, itself exempt, is carried as any other.
Only the calls of customers with several calls on the agenda are looked at this way, each
on its own.

Imports: ``_decision``, ``_engine``, ``_frozen``, ``_time``, ``errors``; :mod:`.columns`
beside it.
"""

from __future__ import annotations

import datetime as dt
import heapq
from array import array
from collections import Counter
from collections.abc import Mapping
from typing import Final, NamedTuple

from extramile._decision import Adjustment
from extramile._engine import Constraint, reach_table
from extramile._frozen import EMPTY, FrozenMap
from extramile._plan.columns import ESSENTIAL, EXTRA_MILE, CallList, Columns, Move
from extramile._time import SEARCH_DAYS, UTC, Elapsed, Schedule, from_ts, local_day_start
from extramile.errors import (
    LONGEST_INT,
    InvalidPolicyError,
    PolicyTypeError,
    describe,
    shown,
    too_long,
)

__all__ = ["Capacity", "QueueCapacity", "apply_capacity", "queue_capacities", "weekly_capacity"]

_CAPACITY: Final = Constraint.CAPACITY.value
_DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


Capacity = tuple["int | None", ...]
"""Calls a day can take, Monday first; None: not limited."""

QueueCapacity = Mapping[str, Capacity]
"""Each limited queue's :data:`Capacity`, by queue name."""


def weekly_capacity(value: object, schedule: Schedule, where: str = "capacity") -> Capacity | None:
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

    ``where`` names the capacity in error messages.
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
                    f"{where} keys must be weekdays 'mon' to 'sun' (got {describe(key)})"
                )
            per_day[_DAY_NAMES.index(key)] = _count(amount, where)
    elif isinstance(value, tuple) and len(value) == len(_DAY_NAMES):
        per_day = [None if amount is None else _count(amount, where) for amount in value]
    else:
        amount = _count(value, where)
        per_day = [amount if works else None for works in staff]
    if not any(per_day[day] != 0 for day in range(7) if staff[day]):
        raise InvalidPolicyError(
            f"{where} leaves no room for a call on any staff day (got {value!r}):"
            " every call would wait for ever"
        )
    return tuple(per_day)


def _count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyTypeError(f"{where} must be a whole number of calls (got {describe(value)})")
    if value < 0:
        raise InvalidPolicyError(f"{where} must be zero or more calls a day (got {shown(value)})")
    if too_long(value):
        raise InvalidPolicyError(
            f"{where} must have at most {LONGEST_INT} digits (got {describe(value)})"
        )
    return value


def queue_capacities(value: object, schedule: Schedule, capacity: Capacity | None) -> QueueCapacity:
    """Each queue's capacity, read as :func:`weekly_capacity` reads one, from a mapping by
    queue name (or an agenda's own ``queue_capacity``); empty for None.  ``capacity`` is
    the day's, read already.

    Raises:
        InvalidPolicyError: an empty queue name, a capacity :func:`weekly_capacity`
            refuses, or a queue whose staff days with room are all days without room in
            ``capacity`` (its calls would wait for ever).
        PolicyTypeError: not a mapping, a queue name that is not a str, or a capacity of
            the wrong type.
    """
    if value is None:
        return EMPTY
    if not isinstance(value, Mapping):
        raise PolicyTypeError(
            "queue_capacity must map queue names to capacities, e.g. {'senior': 5}"
            f" (got {describe(value)})"
        )
    per_queue: dict[str, Capacity] = {}
    for queue, amount in value.items():
        if not isinstance(queue, str):
            raise PolicyTypeError(
                f"queue_capacity keys must be queue names (got {describe(queue)})"
            )
        if not queue.strip():
            raise InvalidPolicyError(f"queue_capacity keys must be non-empty (got {queue!r})")
        if amount is None:
            raise PolicyTypeError(
                f"queue_capacity[{queue!r}] must be a whole number of calls or a mapping by"
                " weekday (got None); leave the queue out to limit it by capacity alone"
            )
        per_day = weekly_capacity(amount, schedule, f"queue_capacity[{queue!r}]")
        assert per_day is not None  # None was refused above
        if capacity is not None and not any(
            per_day[day] != 0 and capacity[day] != 0
            for day in range(len(_DAY_NAMES))
            if schedule.hours[day]
        ):
            raise InvalidPolicyError(
                f"queue_capacity[{queue!r}] has room only on staff days that capacity"
                f" leaves no room on (got {amount!r} and {capacity!r}, Monday first):"
                " its calls would wait for ever"
            )
        per_queue[queue] = per_day
    return FrozenMap(dict(sorted(per_queue.items())))


def apply_capacity(
    planned: CallList,
    schedule: Schedule,
    capacity: Capacity | None,
    queue_capacity: QueueCapacity = EMPTY,
    min_gap: Elapsed | None = None,
) -> CallList:
    # Calls are handled by their rank in the agenda's order: lists of ranks merge in that
    # order without a key a call, and moving a call does not change its rank (the order
    # ignores due_at).
    tz = schedule.tz
    order = planned._order
    columns = planned._columns
    due = columns.due
    # The limited queues by their number in the columns (a queue no call has is idle).
    numbers = columns.queue_numbers
    per_queue = {numbers[name]: caps for name, caps in queue_capacity.items() if name in numbers}
    by_day: dict[dt.date, list[int]] = {}
    for rank, index in enumerate(order):
        by_day.setdefault(dt.datetime.fromtimestamp(due[index], tz).date(), []).append(rank)
    # Calls over a day's capacity are carried, as they were planned, to the next staff
    # day on which their customer may be called, and moved once, where they land.  When
    # a carried call can land depends only on where its customer may be called and
    # whether it goes the extra mile (and whether its queue, if limited, has room):
    # carried calls wait in one queue for each such group, in rank order, and a day asks
    # each group once whether it can land, not each call (a backlog that can land only
    # on late Thursdays costs no more).
    queues: dict[int, list[int]] = {}
    kept: list[int] = []
    moves: dict[int, Move] = {}
    last_full: dict[int, dt.date] = {_DAY: dt.date.min}
    """The last day each limit turned a call away: the day's (``_DAY``) and each queue's."""
    apart: Apart | None = None
    """Set once a call is carried, if a gap is kept: who has several calls."""
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
        limited = staff_day or not schedule.hours[weekday]
        limit = capacity[weekday] if limited and capacity is not None else None
        queue_room = {
            number: amount
            for number, caps in per_queue.items()
            if limited and (amount := caps[weekday]) is not None
        }
        full: set[int] = set()
        if limit is None and not queue_room:  # not limited: carried calls wait on
            kept.extend(todays)
            over: list[int] = []
        elif not per_queue and (not staff_day or not queues):
            kept.extend(todays[:limit])
            over = todays[limit:]
            if over:
                full.add(_DAY)
        else:
            over = _fill(
                todays,
                queues if staff_day else {},
                Room(limit, queue_room, full),
                day,
                dict(last_full),
                planned,
                schedule,
                kept,
                moves,
                apart,
            )
        for limiter in full:
            last_full[limiter] = day
        if over:
            if apart is None and min_gap is not None and min_gap.seconds > 0:
                apart = _apart(columns, min_gap)
            _carry(over, queues, planned, per_queue, apart)
        day += _ONE_DAY
        if not queues and day not in by_day:
            # Nothing to do until the next day with calls due.
            day = min(by_day, default=None)
    kept.sort()
    return CallList(columns, array("q", [order[rank] for rank in kept]), moves)


def _carry(
    over: list[int],
    queues: dict[int, list[int]],
    planned: CallList,
    per_queue: Mapping[int, Capacity],
    apart: Apart | None,
) -> None:
    """Put the calls ``over`` a day's limits (by rank) in line, each in its group."""
    columns = planned._columns
    order = planned._order
    touched = set()
    for rank in over:
        group = _group(columns, order[rank], per_queue, apart)
        queues.setdefault(group, []).append(rank)
        touched.add(group)
    for group in touched:
        queues[group].sort()  # two sorted runs: one pass


_ONE_DAY: Final = dt.timedelta(days=1)
_DAY: Final = -1
"""The day's own limit, among the limits that turn calls away (queues have their number)."""
_TODAY: Final = -1
"""The calls due on the day being filled, among the groups of carried calls."""


class Apart(NamedTuple):
    """What keeps a carried call the minimum gap from its customer's other calls."""

    gap: Elapsed
    others: dict[int, tuple[int, ...]]
    """The other calls of the customer of each call whose customer has several, by
    their indices in the columns."""
    held: dict[int, int]
    """For a carried call the gap held back: the other call it last kept the gap to."""


def _apart(columns: Columns, gap: Elapsed) -> Apart:
    """The customers' other calls, for the calls of customers with several."""
    by_customer: dict[str, list[int]] = {}
    for index, customer in enumerate(columns.customer_id):
        by_customer.setdefault(customer, []).append(index)
    others = {
        index: tuple(other for other in calls if other != index)
        for calls in by_customer.values()
        if len(calls) > 1
        for index in calls
    }
    return Apart(gap, others, {})


class Room(NamedTuple):
    """What a day can still take, and which of its limits turned a call away."""

    left: int | None
    """Calls the day can still take (None: not limited)."""
    queues: dict[int, int]
    """Calls each limited queue can still take, by queue number."""
    full: set[int]
    """The limits that turned a call away: ``_DAY``, or a queue's number."""


def _fill(  # noqa: PLR0917  # private; one call site
    todays: list[int],
    queues: dict[int, list[int]],
    room: Room,
    day: dt.date,
    last_full: dict[int, dt.date],
    planned: CallList,
    schedule: Schedule,
    kept: list[int],
    moves: dict[int, Move],
    apart: Apart | None,
) -> list[int]:
    """Fill the day ``day`` in rank order, from the calls due that day and the carried
    calls of the groups that can land on it, each while the day and its queue have room
    (a carried call is moved, and says which limit was last full when it was turned
    away, by ``last_full``); return the calls due that day left over, and note in
    ``room.full`` which limits turned a call away."""
    columns = planned._columns
    order = planned._order
    queue_of = columns.queue
    left, room_of, full = room
    tz = schedule.tz
    start = local_day_start(day, tz)
    end = local_day_start(day + _ONE_DAY, tz)
    landing = {
        group: at
        for group, queue in queues.items()
        if (at := _landing_apart(columns, order[queue[0]], start, end, schedule, apart, moves))
        is not None
    }
    # Each stream (the day's own calls, each group's carried calls) is in rank order; the
    # heap holds the head of each: (rank, group, position in the stream).
    heads = [(queues[group][0], group, 0) for group in landing]
    if todays:
        heads.append((todays[0], _TODAY, 0))
    heapq.heapify(heads)
    over: list[int] = []
    taken: Counter[int] = Counter()
    while heads and left != 0:
        rank, group, position = heapq.heappop(heads)
        stream = todays if group == _TODAY else queues[group]
        queue = queue_of[order[rank]]
        if group < _TODAY:
            # A call kept apart from its customer's other calls, one of which may have
            # landed today since: where it can land now, if it still can today.
            at = _landing_apart(columns, order[rank], start, end, schedule, apart, moves)
            if at is None:
                continue
            landing[group] = at
        if room_of.get(queue, 1) == 0:
            full.add(queue)
            if group != _TODAY:
                continue  # the group shares the queue: none of it lands today
            over.append(rank)
        else:
            if queue in room_of:
                room_of[queue] -= 1
            if left is not None:
                left -= 1
            kept.append(rank)
            if group != _TODAY:
                taken[group] += 1
                moves[order[rank]] = _moved(
                    columns, order[rank], landing[group], last_full, queue, apart, moves
                )
        if position + 1 < len(stream):
            heapq.heappush(heads, (stream[position + 1], group, position + 1))
    # The day is full: what is left that its queue would have taken, it turned away.
    rest = [(rank, group) for rank, group, _ in heads]
    rest.extend((rank, _TODAY) for rank in todays[_next(heads) :])
    for rank, group in rest:
        queue = queue_of[order[rank]]
        full.add(_DAY if room_of.get(queue, 1) else queue)
        if group == _TODAY:
            over.append(rank)
    for group, count in taken.items():
        del queues[group][:count]
        if not queues[group]:
            del queues[group]
    over.sort()
    return over


def _next(heads: list[tuple[int, int, int]]) -> int:
    """Where the day's own calls not yet in the heap start: after the one in it, if any,
    else after all of them (the stream is pushed one at a time, so at most one is)."""
    for _, group, position in heads:
        if group == _TODAY:
            return position + 1
    return _ALL


_ALL: Final = 1 << 62


def _group(
    columns: Columns, index: int, per_queue: Mapping[int, Capacity], apart: Apart | None
) -> int:
    """The group of the call at ``index``: its customer's reach, whether it goes the
    extra mile and, if its queue is limited, its queue: all that say when a carried call
    can land.  A call whose customer has other calls it keeps the gap to is a group of
    its own (below ``_TODAY``)."""
    if apart is not None and index in apart.others:
        return _TODAY - 1 - index
    group = columns.reach[index] * 2 + (columns.flags[index] & EXTRA_MILE)
    queue = columns.queue[index]
    return group * len(columns.queues) + (queue if queue in per_queue else 0)


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
    return Move(due, (*columns.adjustments(index), note))


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


def _landing_apart(  # noqa: PLR0917  # private; _landing's and the gap's
    columns: Columns,
    index: int,
    start: float,
    end: float,
    schedule: Schedule,
    apart: Apart | None,
    moves: Mapping[int, Move],
) -> float | None:
    """Where the call at ``index`` can land in ``[start, end)``, as :func:`_landing`
    says, and the minimum gap from its customer's other calls, where they are now
    (``moves``), allows; None if nowhere."""
    found = _landing(columns, index, start, end, schedule)
    if apart is None:
        return found
    others = apart.others.get(index)
    if others is None or columns.flags[index] & ESSENTIAL:
        return found
    gap = apart.gap.seconds
    due = columns.due
    flags = columns.flags
    while found is not None:
        for other in others:
            move = moves.get(other)
            at = due[other] if move is None else move.due
            # after one within the gap, or (unless that one is exempt) just before one
            if at <= found < at + gap or (
                not flags[other] & ESSENTIAL and found < at < found + gap
            ):
                apart.held[index] = other
                found = _landing(columns, index, at + gap, end, schedule)
                break
        else:
            return found
    return None


def _moved(  # noqa: PLR0917  # private; one call site
    columns: Columns,
    index: int,
    opening: float,
    last_full: Mapping[int, dt.date],
    queue: int,
    apart: Apart | None,
    moves: Mapping[int, Move],
) -> Move:
    """The call at ``index`` moved by capacity to ``opening``, with the reason: the day
    that was last full when it was turned away, or its queue, if that was full later."""
    due = columns.due[index]
    moved_by = columns.adjustments(index)
    if moved_by and moved_by[-1].constraint == _CAPACITY:
        first_from = moved_by[-1].moved_from
        previous = moved_by[:-1]
    else:
        first_from = from_ts(due, columns.zones[columns.zone[index]])
        previous = moved_by
    day = last_full[_DAY]
    queue_day = last_full.get(queue)
    if queue_day is not None and queue_day >= day:  # the queue's, the closer reason
        reason = f"capacity: the {columns.queues[queue]} queue was full on {queue_day.isoformat()}"
    else:
        reason = f"capacity: the staff day {day.isoformat()} was full"
    other = None if apart is None else apart.held.get(index)
    if apart is not None and other is not None:
        other_move = moves.get(other)
        at = columns.due[other] if other_move is None else other_move.due
        reason = (
            f"{reason}; kept {apart.gap} from the customer's call"
            f" {columns.lead(other)} due {from_ts(at, UTC).isoformat()}"
        )
    move = Adjustment(
        constraint=_CAPACITY,
        moved_from=first_from,
        moved_to=from_ts(opening, UTC),
        reason=reason,
    )
    return Move(opening, (*previous, move))

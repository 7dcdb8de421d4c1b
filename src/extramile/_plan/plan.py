"""plan(): a whole customer book into one prioritised, capacity-aware agenda.

The book is consumed once, one customer at a time; only the calls due within the horizon
and a count of suppressed calls by reason are kept, so memory grows with the agenda, not
with the book.  Capacity is applied last, to the whole agenda, so that agendas planned on
partitions of a book and merged with :meth:`Agenda.merge` equal the agenda of the whole.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

import attrs
import pendulum

from extramile._decision import Adjustment, Call
from extramile._engine import (
    book_pair,
    customer_history,
    in_book,
    now_seconds,
    raw_calls_for,
    reach_table,
)
from extramile._frozen import FrozenMap
from extramile._model import Priority
from extramile._plan.columns import _EXTRA_MILE, CallList, Columns, Move
from extramile._rules import FollowUpPolicy, as_schedule
from extramile._time import (
    LATEST,
    SEARCH_DAYS,
    UTC,
    Elapsed,
    Schedule,
    from_ts,
    instant,
    local_day_start,
)
from extramile.errors import (
    ExtramileError,
    FactTypeError,
    InvalidFactError,
    InvalidPolicyError,
    PolicyTypeError,
    describe,
)

__all__ = ["Agenda", "plan"]

_DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


Capacity = tuple["int | None", ...]
"""Calls a day can take, Monday first; None: not limited."""


def _capacity(value: object, schedule: Schedule) -> Capacity | None:
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


def _in_order(columns: Columns) -> array[int]:
    """The calls' indices by priority, then deadline, then customer and key.

    Four stable sorts, last key first, rather than one sort on a tuple of all four: a
    book's agenda can hold hundreds of thousands of calls, and each pass keeps only one
    small key a call alive at a time (mostly the call's own strings).
    """
    customer_id = columns.customer_id
    deadline = columns.deadline
    priority = columns.priority
    order = sorted(range(len(columns)), key=columns.lead_key())
    order.sort(key=customer_id.__getitem__)
    order.sort(key=deadline.__getitem__)
    order.sort(key=lambda index: -priority[index])
    return array("q", order)


@attrs.frozen(kw_only=True)
class Agenda:
    """The calls to make, in order: priority, then deadline, then customer and key.

    Iterate it for the calls.  ``planned`` holds the calls before capacity was applied;
    a call capacity moved to a later staff day says so in its ``moved_by``, and one moved
    past its deadline is :attr:`Call.overdue` (listed by :attr:`at_risk`), never dropped.
    """

    now: pendulum.DateTime = attrs.field(eq=instant)
    horizon_end: pendulum.DateTime = attrs.field(eq=instant)
    schedule: Schedule
    capacity: Capacity | None
    """Calls each day of the week can take, Monday first (None: not limited), or None
    for no capacity at all."""
    planned: CallList
    calls: CallList
    suppressed: Mapping[str, int]
    """How many calls were suppressed, by constraint (``"do-not-call"``, ...)."""

    @classmethod
    def build(
        cls,
        *,
        now: pendulum.DateTime,
        horizon_end: pendulum.DateTime,
        schedule: Schedule,
        capacity: int | Mapping[str, int] | Capacity | None,
        planned: Iterable[Call],
        suppressed: Mapping[str, int],
    ) -> Agenda:
        """An agenda from planned calls: ordered, with capacity applied.

        ``capacity`` is read as :func:`plan` reads it, or taken from another agenda's
        :attr:`capacity`.  A call built by hand carries nothing of its customer's calling
        window: capacity moves it to the next staff opening.

        Raises:
            FactTypeError: ``planned`` not iterable, or an item of it not a :class:`Call`.
            InvalidFactError: a call with a naive datetime.
            InvalidPolicyError, PolicyTypeError: a bad capacity, as for :func:`plan`, or
                a schedule that is not a :class:`Schedule`.
        """
        schedule = as_schedule(schedule, "Agenda.build() schedule")
        per_day = _capacity(capacity, schedule)
        if not isinstance(planned, Iterable):
            raise FactTypeError(
                f"Agenda.build() planned must be an iterable of Calls (got {describe(planned)})"
            )
        columns = Columns()
        for index, call in enumerate(planned):
            if not isinstance(call, Call):
                raise FactTypeError(
                    f"Agenda.build() planned item {index} must be a Call (got {describe(call)})"
                )
            columns.add_call(call)
        return cls._of(
            columns,
            now=now,
            horizon_end=horizon_end,
            schedule=schedule,
            capacity=per_day,
            suppressed=suppressed,
        )

    @classmethod
    def _of(
        cls,
        columns: Columns,
        *,
        now: pendulum.DateTime,
        horizon_end: pendulum.DateTime,
        schedule: Schedule,
        capacity: Capacity | None,
        suppressed: Mapping[str, int],
    ) -> Agenda:
        planned = CallList(columns, _in_order(columns))
        return cls(
            now=now,
            horizon_end=horizon_end,
            schedule=schedule,
            capacity=capacity,
            planned=planned,
            calls=planned if capacity is None else _apply_capacity(planned, schedule, capacity),
            suppressed=FrozenMap(dict(sorted(suppressed.items()))),
        )

    @classmethod
    def merge(cls, *agendas: Agenda) -> Agenda:
        """Combine agendas planned on parts of one book into the agenda of the whole.

        Raises:
            InvalidFactError: no agendas, or agendas planned at different times, horizons,
                schedules or capacities.
        """
        if not agendas:
            raise InvalidFactError("Agenda.merge needs at least one agenda")
        first = agendas[0]
        for other in agendas[1:]:
            if (other.now, other.horizon_end, other.schedule, other.capacity) != (
                first.now,
                first.horizon_end,
                first.schedule,
                first.capacity,
            ):
                raise InvalidFactError(
                    "Agenda.merge: agendas must share now, horizon, schedule and capacity"
                )
        counts: Counter[str] = Counter()
        columns = Columns()
        for agenda in agendas:
            counts.update(agenda.suppressed)
            columns.copy_from(agenda.planned)
        return cls._of(
            columns,
            now=first.now,
            horizon_end=first.horizon_end,
            schedule=first.schedule,
            capacity=first.capacity,
            suppressed=counts,
        )

    def __iter__(self) -> Iterator[Call]:
        return iter(self.calls)

    def __len__(self) -> int:
        return len(self.calls)

    @property
    def at_risk(self) -> tuple[Call, ...]:
        """Calls due after their deadline (capacity or constraints pushed them)."""
        calls = self.calls
        deadline = calls._columns.deadline
        return tuple(
            calls[rank]
            for rank, index in enumerate(calls._order)
            if calls._due_ts(index) > deadline[index]
        )

    def by_day(self) -> dict[dt.date, tuple[Call, ...]]:
        """The calls grouped by the staff's local day of their due time, days in order."""
        tz = self.schedule.tz
        days: dict[dt.date, list[Call]] = {}
        for call in self.calls:
            days.setdefault(call.due_at.astimezone(tz).date(), []).append(call)
        return {day: tuple(days[day]) for day in sorted(days)}

    def count_by_rule(self) -> dict[str, int]:
        """How many calls each rule is part of."""
        # A call merged from two episodes of one rule lists the rule twice.
        counts = Counter(rule for rules in self.calls._rules() for rule in set(rules))
        return dict(sorted(counts.items()))

    def count_by_priority(self) -> dict[str, int]:
        """How many calls of each priority."""
        counts = Counter(self.calls._priorities())
        return dict(sorted((str(Priority(value)), count) for value, count in counts.items()))

    def to_rows(self) -> list[dict[str, Any]]:
        """JSON-serialisable rows, one a call, in agenda order."""
        return [
            {
                "customer_id": call.customer_id,
                "issue_id": call.issue_id,
                "key": call.key,
                "keys": list(call.keys),
                "rules": list(call.rules),
                "priority": str(call.priority),
                "due_at": call.due_at.isoformat(),
                "deadline": call.deadline.isoformat(),
                "at_risk": call.overdue,
                "extra_mile": call.extra_mile,
                "essential": call.essential,
                "talking_points": list(call.talking_points),
                "moved_by": [move.reason for move in call.moved_by],
            }
            for call in self.calls
        ]


def _apply_capacity(planned: CallList, schedule: Schedule, capacity: Capacity) -> CallList:
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
    return columns.reach[index] * 2 + (columns.flags[index] & _EXTRA_MILE)


def _kept_as_planned(columns: Columns, index: int) -> Move:
    """A call that no staff day with room will take, kept where it was planned, and
    saying so."""
    due = columns.due[index]
    at = from_ts(due, columns.zones[columns.zone[index]])  # type: ignore[arg-type]
    note = Adjustment(
        constraint="capacity",
        moved_from=at,
        moved_to=at,
        reason="capacity: no staff day with room meets the customer's calling window;"
        " kept where it was planned",
    )
    return due, (*columns.moved_by[index], note)


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
    if found is None and columns.flags[index] & _EXTRA_MILE:
        found = reach_table(reach, None).first_open(since, end)
    return found


def _moved(columns: Columns, index: int, opening: float, day: dt.date) -> Move:
    """The call at ``index`` moved by capacity to ``opening``, because the staff day
    ``day`` was full, with the reason."""
    due = columns.due[index]
    moved_by = columns.moved_by[index]
    if moved_by and moved_by[-1].constraint == "capacity":
        first_from = moved_by[-1].moved_from
        previous = moved_by[:-1]
    else:
        first_from = from_ts(due, columns.zones[columns.zone[index]])  # type: ignore[arg-type]
        previous = moved_by
    move = Adjustment(
        constraint="capacity",
        moved_from=first_from,
        moved_to=from_ts(opening, UTC),
        reason=f"capacity: the staff day {day.isoformat()} was full",
    )
    return opening, (*previous, move)


def plan(
    policy: FollowUpPolicy,
    book: Iterable[Any],
    *,
    now: dt.datetime,
    horizon: Elapsed | dt.timedelta,
    capacity: int | Mapping[str, int] | None = None,
) -> Agenda:
    """Plan the calls for a whole book of customers.

    Args:
        policy: the rules and constraints.
        book: an iterable of ``(customer, interactions)`` pairs, consumed once and never
            held whole in memory.  List each customer once: remembering every id to
            catch a repeat would cost memory for each customer of the book, so a
            customer listed twice is planned twice.
        now: the present, any timezone-aware datetime.
        horizon: keep the calls due before ``now + horizon``.
        capacity: calls a staff day can take (an int, or ``{"mon": 40, ...}``; a staff
            weekday left out has no room, and days without staff hours are not limited
            unless named); overflow moves to the next staff day, lowest priority first,
            when staff are open and the customer may be called.

    Returns:
        The :class:`Agenda`.

    Raises:
        FactTypeError: a policy that is not a FollowUpPolicy, a book that is not
            iterable, or a book item that is not a pair; the message says which item.
        ConditionError: a custom condition raised; the message names the rule, the
            book item and the customer.
        InvalidFactError: interactions of another customer; the message names the
            customer and the item.
        InvalidPolicyError: a capacity below zero, or with no room on any staff day; a
            horizon reaching past the year 9998.
        PolicyTypeError: a horizon or capacity of the wrong type.
    """
    if not isinstance(policy, FollowUpPolicy):
        raise FactTypeError(f"plan() needs a FollowUpPolicy (got {describe(policy)})")
    if not isinstance(book, Iterable):
        raise FactTypeError(
            f"plan() book must be an iterable of (customer, interactions) pairs"
            f" (got {describe(book)})"
        )
    now_ts = now_seconds(now)
    if isinstance(horizon, dt.timedelta):
        horizon_seconds = horizon.total_seconds()
    elif isinstance(horizon, Elapsed):
        horizon_seconds = horizon.seconds
    else:
        raise PolicyTypeError(
            f"plan() horizon must be an Elapsed duration or a timedelta (got {describe(horizon)})"
        )
    if horizon_seconds < 0:
        raise InvalidPolicyError(f"plan() horizon must not be negative (got {horizon!r})")
    per_day = _capacity(capacity, policy.schedule)
    end = now_ts + horizon_seconds
    if end > LATEST:
        raise InvalidPolicyError(f"plan() horizon reaches past the year 9998 (got {horizon!r})")
    kept = Columns()
    suppressed: Counter[str] = Counter()
    for index, item in enumerate(book):
        customer, interactions = book_pair(index, item)
        try:
            history = customer_history(customer, interactions, now_ts)
            raws, skipped = raw_calls_for(policy, customer, history, now_ts)
        except ExtramileError as exc:
            raise in_book(exc, index, customer) from exc.__cause__
        for raw in raws:
            if raw[4] < end:  # due
                kept.add(raw)
        for dropped in skipped:
            suppressed[dropped.constraint] += 1
    return Agenda._of(  # the module's own constructor
        kept,
        now=from_ts(now_ts, UTC),
        horizon_end=from_ts(end, UTC),
        schedule=policy.schedule,
        capacity=per_day,
        suppressed=suppressed,
    )

"""plan(): a whole customer book into one prioritised, capacity-aware agenda.

The book is consumed once, one customer at a time; only the calls due within the horizon
and a count of suppressed calls by reason are kept, so memory grows with the agenda, not
with the book.  Capacity is applied last, to the whole agenda, so that agendas planned on
partitions of a book and merged with :meth:`Agenda.merge` equal the agenda of the whole.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

import attrs
import pendulum

from extramile._calls import CallList, Columns, Move
from extramile._decision import Call
from extramile._engine import customer_history, now_seconds, raw_calls_for
from extramile._model import Customer
from extramile._placement import Adjustment
from extramile._policy import FollowUpPolicy, Priority
from extramile._time import SEARCH_DAYS, Elapsed, Schedule, local_day_start
from extramile._tz import UTC, from_ts
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


def _capacity(value: object) -> tuple[int, ...] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        per_day = [0] * 7
        for key, amount in value.items():
            if key not in _DAY_NAMES:
                raise InvalidPolicyError(
                    f"capacity keys must be weekdays 'mon' to 'sun' (got {describe(key)})"
                )
            per_day[_DAY_NAMES.index(key)] = _count(amount)
        return tuple(per_day)
    return (_count(value),) * 7


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

    now: pendulum.DateTime
    horizon_end: pendulum.DateTime
    schedule: Schedule
    capacity: tuple[int, ...] | None
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
        capacity: tuple[int, ...] | None,
        planned: Iterable[Call],
        suppressed: Mapping[str, int],
    ) -> Agenda:
        """An agenda from planned calls: ordered, with capacity applied."""
        columns = Columns()
        for call in planned:
            columns.add_call(call)
        return cls._of(
            columns,
            now=now,
            horizon_end=horizon_end,
            schedule=schedule,
            capacity=capacity,
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
        capacity: tuple[int, ...] | None,
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
            suppressed=dict(sorted(suppressed.items())),
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
        counts = Counter(rule for rules in self.calls._rules() for rule in rules)
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


def _apply_capacity(planned: CallList, schedule: Schedule, capacity: tuple[int, ...]) -> CallList:
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
    kept: list[int] = []
    moves: dict[int, Move] = {}
    # Carried calls stay as they were planned, and are moved once, when they land: a call
    # carried over many full days would otherwise be rebuilt every day (quadratic in the
    # backlog).
    carry: list[int] = []
    day = min(by_day) if by_day else None
    last = max(by_day) if by_day else None
    one_day = dt.timedelta(days=1)
    guard = 0
    while day is not None and (carry or (last is not None and day <= last)):
        guard += 1
        if guard > SEARCH_DAYS:  # pragma: no cover - no staff capacity in ten years
            for rank in carry:
                moves[order[rank]] = _moved(columns, order[rank], day - one_day, schedule)
            kept.extend(carry)
            break
        todays = by_day.pop(day, [])
        limit = capacity[day.weekday()] if schedule.hours[day.weekday()] else 0
        if schedule.holiday_name(day) is not None:
            limit = 0
        if carry:
            carried = set(carry)
            todays = sorted(carry + todays)
            full = day - one_day
            for rank in todays[:limit]:
                if rank in carried:
                    moves[order[rank]] = _moved(columns, order[rank], full, schedule)
        kept.extend(todays[:limit])
        carry = todays[limit:]
        day = day + one_day
    kept.sort()
    return CallList(columns, array("q", [order[rank] for rank in kept]), moves)


def _moved(columns: Columns, index: int, day: dt.date, schedule: Schedule) -> Move:
    """Where capacity moves a call when the staff day ``day`` is full: the next staff
    opening after it (never before the call is due), with the reason."""
    due = columns.due[index]
    start = local_day_start(day + dt.timedelta(days=1), schedule.tz)
    opening = max(schedule.next_open_ts(start), due)
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
            held whole in memory.
        now: the present, any timezone-aware datetime.
        horizon: keep the calls due before ``now + horizon``.
        capacity: calls the staff can make a day (an int, or ``{"mon": 40, ...}``);
            overflow moves to the next staff day, lowest priority first.

    Returns:
        The :class:`Agenda`.

    Raises:
        FactTypeError: a book item that is not a pair; the message says which item.
        InvalidFactError: interactions of another customer; the message names the
            customer and the item.
        InvalidPolicyError: a capacity below zero.
        PolicyTypeError: a horizon or capacity of the wrong type.
    """
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
    per_day = _capacity(capacity)
    end = now_ts + horizon_seconds
    kept = Columns()
    suppressed: Counter[str] = Counter()
    for index, item in enumerate(book):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise FactTypeError(
                f"book item {index} must be a (customer, interactions) pair (got {describe(item)})"
            )
        customer, interactions = item
        try:
            history = customer_history(customer, interactions, now_ts)
        except ExtramileError as exc:
            who = customer.id if isinstance(customer, Customer) else "?"
            raise type(exc)(f"book item {index} (customer {who!r}): {exc}") from None
        raws, skipped = raw_calls_for(policy, customer, history, now_ts)
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

"""The :class:`Agenda`: a plan's calls in order, before and after capacity, with the
counts of suppressed calls; built from calls, or merged from agendas of parts of a book.

Imports: ``_decision``, ``_frozen``, ``_model``, ``_rules``, ``_time``, ``errors``;
:mod:`.capacity` and :mod:`.columns` beside it; ``frames`` when a frame is asked for.
"""

from __future__ import annotations

import datetime as dt
import heapq
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

import attrs
import pendulum

from extramile._decision import CALL_COLUMNS, Call, call_row, frame_columns
from extramile._frozen import EMPTY, FrozenMap
from extramile._model import Priority
from extramile._plan.capacity import (
    Capacity,
    QueueCapacity,
    apply_capacity,
    queue_capacities,
    weekly_capacity,
)
from extramile._plan.columns import CallList, Columns
from extramile._rules import as_schedule
from extramile._time import Elapsed, Schedule, instant, tz_version
from extramile.errors import FactTypeError, InvalidFactError, PolicyTypeError, describe

__all__ = ["Agenda"]


def _in_order(columns: Columns, made_by: str) -> array[int]:
    """The calls' indices by priority, then deadline, then customer and key.

    A book's agenda can hold hundreds of thousands of calls, and sorting them all at once
    would keep an index and a sort key alive for each (two objects a call: a third of a
    large plan's peak memory).  So the calls are sorted in runs of :data:`RUN` calls, each
    kept as a compact array, and the runs merged, one call at a time, into the order.
    Within a run, four stable sorts, last key first, each make one small key a call at a
    time (mostly the call's own strings).  Keys are checked to be each one call's first:
    then no two calls compare equal, and the merge gives exactly the one sorted order.

    Raises:
        InvalidFactError: two calls with one key; ``made_by`` says what made them.
    """
    leads = columns.leads()
    repeated = columns.repeated_key(leads)
    if repeated is not None:
        raise _repeated(columns, repeated, made_by)
    customer_id = columns.customer_id
    deadline = columns.deadline
    priority = columns.priority
    runs = [
        _sorted_run(columns, leads, start, min(start + RUN, len(leads)))
        for start in range(0, len(leads), RUN)
    ]
    if len(runs) <= 1:
        return runs[0] if runs else array("q")
    return array(
        "q",
        heapq.merge(
            *runs,
            key=lambda index: (-priority[index], deadline[index], customer_id[index], leads[index]),
        ),
    )


RUN: Final = 1 << 16
"""Calls an agenda's order is sorted in at a time (see :func:`_in_order`)."""


def _sorted_run(columns: Columns, leads: list[str], start: int, stop: int) -> array[int]:
    """The indices ``start`` to ``stop`` in the agenda's order (see :func:`_in_order`)."""
    priority = columns.priority
    order = sorted(range(start, stop), key=leads.__getitem__)
    order.sort(key=columns.customer_id.__getitem__)
    order.sort(key=columns.deadline.__getitem__)
    order.sort(key=lambda index: -priority[index])
    return array("q", order)


_LIKELY: Final = {
    "plan()": " (is the customer listed twice in the book?)",
    "Agenda.merge": " (do the parts of the book overlap?)",
}
"""What usually gives two calls one key, by what made the agenda."""


def _repeated(columns: Columns, repeated: tuple[int, int, str], made_by: str) -> InvalidFactError:
    """The error for two calls with one key (promise 5: a key is one call's)."""
    first, second, key = repeated
    one, other = columns.customer_id[first], columns.customer_id[second]
    who = f"customer {one!r} has" if one == other else f"customers {one!r} and {other!r} have"
    return InvalidFactError(
        f"{made_by}: {who} two calls with the key {key!r}{_LIKELY.get(made_by, '')}"
    )


@attrs.frozen(kw_only=True)
class Agenda:
    """The calls to make, in order: priority, then deadline, then customer and key.

    Iterate it for the calls; each key (:attr:`Call.keys`) is one call's.  ``planned``
    holds the calls before capacity was applied;
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
    queue_capacity: QueueCapacity = EMPTY
    """Calls each day of the week can take in each limited queue, by queue name, as
    :attr:`capacity` says them (empty: no queue is limited)."""
    min_gap: Elapsed | None = None
    """The minimum gap between a customer's calls, which a call capacity moves keeps to
    the customer's other calls: the policy's, for an agenda :func:`~extramile.plan`
    made (None: no gap is kept)."""
    tz_version: str = attrs.field(factory=tz_version)
    """The version of the zone database the calls were planned with (see
    :func:`~extramile.tz_version`): agendas of different versions do not merge."""

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
        queue_capacity: Mapping[str, object] | None = None,
        min_gap: Elapsed | None = None,
    ) -> Agenda:
        """An agenda from planned calls: ordered, with capacity applied.

        ``capacity`` and ``queue_capacity`` are read as :func:`plan` reads them, or taken
        from another agenda's :attr:`capacity` and :attr:`queue_capacity` (with no policy
        to check them against, any queue name is taken).  A call built by hand carries
        nothing of its customer's calling window: capacity moves it to the next staff
        opening.  ``min_gap`` (an :class:`Elapsed`, e.g. a policy's
        ``caps.min_gap``) keeps a call capacity moves that far from its customer's other
        calls, as :func:`plan` does; None keeps no gap.

        Raises:
            FactTypeError: ``planned`` not iterable, or an item of it not a :class:`Call`.
            InvalidFactError: a call with a naive datetime; two calls with one key.
            InvalidPolicyError, PolicyTypeError: a bad capacity, as for :func:`plan`, a
                schedule that is not a :class:`Schedule`, or a ``min_gap`` that is not
                an :class:`Elapsed` duration or None.
        """
        schedule = as_schedule(schedule, "Agenda.build() schedule")
        gap: object = min_gap  # checked here: a caller without a type checker may give anything
        if gap is not None and not isinstance(gap, Elapsed):
            raise PolicyTypeError(
                f"Agenda.build() min_gap must be an Elapsed duration or None (got {describe(gap)})"
            )
        per_day = weekly_capacity(capacity, schedule)
        per_queue = queue_capacities(queue_capacity, schedule, per_day)
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
            queue_capacity=per_queue,
            min_gap=min_gap,
            version=tz_version(),
            made_by="Agenda.build()",
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
        queue_capacity: QueueCapacity,
        min_gap: Elapsed | None,
        version: str,
        made_by: str,
    ) -> Agenda:
        planned = CallList(columns, _in_order(columns, made_by))
        limited = capacity is not None or bool(queue_capacity)
        return cls(
            now=now,
            horizon_end=horizon_end,
            schedule=schedule,
            capacity=capacity,
            planned=planned,
            calls=apply_capacity(planned, schedule, capacity, queue_capacity, min_gap)
            if limited
            else planned,
            suppressed=FrozenMap(dict(sorted(suppressed.items()))),
            queue_capacity=queue_capacity,
            min_gap=min_gap,
            tz_version=version,
        )

    @classmethod
    def merge(cls, *agendas: Agenda) -> Agenda:
        """Combine agendas planned on parts of one book into the agenda of the whole.

        Raises:
            InvalidFactError: no agendas, or agendas planned at different times, horizons,
                schedules, capacities (queue capacities too) or minimum gaps, or with
                different versions of the zone database; or two calls with one key, as
                parts of a book that overlap give (the message names the customer and
                the key).
            FactTypeError: something other than an agenda.
        """
        if not agendas:
            raise InvalidFactError("Agenda.merge needs at least one agenda")
        for index, given in enumerate(agendas):
            if not isinstance(given, Agenda):
                raise FactTypeError(
                    f"Agenda.merge takes agendas (got {describe(given)} as agenda {index})"
                )
        first = agendas[0]
        for other in agendas[1:]:
            if other.tz_version != first.tz_version:
                raise InvalidFactError(
                    "Agenda.merge: agendas must be planned with one version of the zone"
                    f" database (got tzdata {first.tz_version!r} and {other.tz_version!r}:"
                    " install one tzdata version on every machine)"
                )
            if (
                other.now,
                other.horizon_end,
                other.schedule,
                other.capacity,
                other.queue_capacity,
                other.min_gap,
            ) != (
                first.now,
                first.horizon_end,
                first.schedule,
                first.capacity,
                first.queue_capacity,
                first.min_gap,
            ):
                raise InvalidFactError(
                    "Agenda.merge: agendas must share now, horizon, schedule, capacity,"
                    " queue capacity and minimum gap"
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
            queue_capacity=first.queue_capacity,
            min_gap=first.min_gap,
            version=first.tz_version,
            made_by="Agenda.merge",
        )

    def __iter__(self) -> Iterator[Call]:
        return iter(self.calls)

    def __len__(self) -> int:
        return len(self.calls)

    @property
    def at_risk(self) -> tuple[Call, ...]:
        """Calls due after their deadline (capacity or constraints pushed them), and calls
        whose deadline leaves no moment they may be made (:attr:`Call.at_risk`)."""
        calls = self.calls
        columns = calls._columns
        deadline = columns.deadline
        return tuple(
            calls[rank]
            for rank, index in enumerate(calls._order)
            if calls._due_ts(index) > deadline[index] or columns.kept_deadline(index)
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
        # The engine names a rule once a call; a call built by hand may repeat one.
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
                "at_risk": call.overdue or call.at_risk,
                "extra_mile": call.extra_mile,
                "essential": call.essential,
                "talking_points": list(call.talking_points),
                "moved_by": [move.reason for move in call.moved_by],
                "attempt": call.attempt,
                "tries": call.tries,
                "queue": call.queue,
            }
            for call in self.calls
        ]

    def to_frame(self, backend: str = "pandas") -> Any:
        """The calls as a data frame of ``backend`` (``"pandas"``, ``"polars"`` or
        ``"pyarrow"``), one row a call in agenda order, in the columns of the command
        line's CSV: ``customer_id``, ``issue_id``, ``key``, ``keys``, ``rules``,
        ``priority``, ``due_at``, ``deadline`` (UTC datetimes), ``at_risk``,
        ``extra_mile``, ``essential`` (booleans), ``talking_points``, ``moved_by`` (lists
        of text: the moves' reasons), ``attempt``, ``tries`` (integers) and ``queue``
        (None for the general queue).  Needs the ``frames`` extra (see
        :mod:`extramile.frames`).

        Raises:
            InvalidPolicyError: an unknown backend.
            ModuleNotFoundError: narwhals or the backend's library is not installed.
        """
        from extramile.frames import native_frame  # noqa: PLC0415  # narwhals only when asked

        rows = [call_row(call) for call in self.calls]
        return native_frame(frame_columns(CALL_COLUMNS, rows), backend, "Agenda.to_frame()")

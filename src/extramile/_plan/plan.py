"""plan(): a whole customer book into one prioritised, capacity-aware agenda.

The book is consumed once, one customer at a time; only the calls due within the horizon
and a count of suppressed calls by reason are kept, so memory grows with the agenda, not
with the book.  Capacity is applied last, to the whole agenda, so that agendas planned on
partitions of a book and merged with :meth:`Agenda.merge` equal the agenda of the whole.

Imports: ``_engine``, ``_rules``, ``_time``, ``errors``; :mod:`.agenda`, :mod:`.capacity`
and :mod:`.columns` beside it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from extramile._engine import (
    book_pair,
    customer_history,
    in_book,
    now_seconds,
    raw_calls_for,
)
from extramile._plan.agenda import Agenda
from extramile._plan.capacity import queue_capacities, weekly_capacity
from extramile._plan.columns import Columns
from extramile._rules import FollowUpPolicy, Rule
from extramile._time import LATEST, UTC, Elapsed, from_ts, tz_version
from extramile.errors import (
    ExtramileError,
    FactTypeError,
    InvalidPolicyError,
    PolicyTypeError,
    describe,
    describe_type,
)

__all__ = ["plan"]


def plan(
    policy: FollowUpPolicy,
    book: Iterable[Any],
    *,
    now: dt.datetime,
    horizon: Elapsed | dt.timedelta,
    capacity: int | Mapping[str, int] | None = None,
    queue_capacity: Mapping[str, int | Mapping[str, int]] | None = None,
) -> Agenda:
    """Plan the calls for a whole book of customers.

    Args:
        policy: the rules and constraints.
        book: an iterable of ``(customer, interactions)`` pairs, consumed once and never
            held whole in memory.  List each customer once: a customer listed twice
            whose calls reach the agenda is refused, as their keys would be twice in it;
            one whose calls all fall past the horizon or are suppressed is not caught
            (remembering every id would cost memory for each customer of the book), and
            its suppressed calls are counted again.
        now: the present, any timezone-aware datetime.
        horizon: keep the calls due before ``now + horizon``.
        capacity: calls a staff day can take (an int, or ``{"mon": 40, ...}``; a staff
            weekday left out has no room, and days without staff hours are not limited
            unless named); overflow moves to the next staff day, lowest priority first,
            when staff are open and the customer may be called, and the policy's minimum
            gap to the customer's other calls allows.
        queue_capacity: calls a staff day can take in each queue (a rule's ``queue``),
            by queue name, each value read as ``capacity`` is:
            ``{"senior": 5, "billing": {"mon": 8}}``.  A call is taken while both its
            queue and the day have room; a queue left out is limited by ``capacity``
            alone.  Every name must be the queue of a rule of the policy.

    Returns:
        The :class:`Agenda`.

    Raises:
        FactTypeError: a policy that is not a FollowUpPolicy, a book that is not
            iterable, or a book item that is not a pair; the message says which item.
        ConditionError: a custom condition raised; the message names the rule, the
            book item and the customer.
        InvalidFactError: interactions of another customer; the message names the
            customer and the item.  Two calls with one key (a customer listed twice);
            the message names the customer and the key.
        InvalidPolicyError: a capacity below zero, or with no room on any staff day; a
            queue capacity for a queue no rule of the policy names; a horizon reaching
            past the year 9998.
        PolicyTypeError: a horizon or capacity of the wrong type.
    """
    if not isinstance(policy, FollowUpPolicy):
        raise FactTypeError(f"plan() needs a FollowUpPolicy (got {describe(policy)})")
    if not isinstance(book, Iterable):
        raise FactTypeError(
            f"plan() book must be an iterable of (customer, interactions) pairs"
            f" (got {describe_type(book)})"
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
    per_day = weekly_capacity(capacity, policy.schedule)
    per_queue = queue_capacities(queue_capacity, policy.schedule, per_day)
    _check_queues(per_queue, policy)
    end = now_ts + horizon_seconds
    if end > LATEST:
        raise InvalidPolicyError(f"plan() horizon reaches past the year 9998 (got {horizon!r})")
    kept = Columns()
    suppressed: Counter[str] = Counter()
    add = kept.add
    for index, item in enumerate(book):
        if item.__class__ is tuple and len(item) == 2:  # most books: checked in line
            customer, interactions = item
        else:
            customer, interactions = book_pair(index, item)
        try:
            history = customer_history(customer, interactions, now_ts)
            raws, skipped = raw_calls_for(policy, customer, history, now_ts)
        except ExtramileError as exc:
            raise in_book(exc, index, customer) from exc.__cause__
        for raw in raws:
            if raw[4] < end:  # due
                add(raw)
        if skipped:
            for dropped in skipped:
                suppressed[dropped.constraint] += 1
    return Agenda._of(  # the package's own constructor
        kept,
        now=from_ts(now_ts, UTC),
        horizon_end=from_ts(end, UTC),
        schedule=policy.schedule,
        capacity=per_day,
        suppressed=suppressed,
        queue_capacity=per_queue,
        min_gap=policy.caps.min_gap,
        version=tz_version(),
        made_by="plan()",
    )


def _check_queues(per_queue: Mapping[str, object], policy: FollowUpPolicy) -> None:
    """Refuse a queue capacity for a queue no rule of the policy names: a misspelt queue
    would otherwise leave the real one unlimited, without a word."""
    known = {rule.queue for rule in policy.rules if isinstance(rule, Rule)}
    unknown = [queue for queue in per_queue if queue not in known]
    if unknown:
        named = ", ".join(repr(queue) for queue in sorted(q for q in known if q is not None))
        raise InvalidPolicyError(
            f"plan() queue_capacity names {unknown[0]!r}, a queue no rule of the policy"
            f" {policy.name!r} uses (its rules' queues: {named or 'none'})"
        )

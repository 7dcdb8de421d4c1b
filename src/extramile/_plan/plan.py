"""plan(): a whole customer book into one prioritised, capacity-aware agenda.

The book is consumed once, one customer at a time; only the calls due within the horizon
and a count of suppressed calls by reason are kept, so memory grows with the agenda, not
with the book.  Capacity is applied last, to the whole agenda, so that agendas planned on
partitions of a book and merged with :meth:`Agenda.merge` equal the agenda of the whole.

A ``progress`` callback, when given, is told how many customers are done after every
:data:`PROGRESS_EVERY` of them and once at the end: the book is then read in chunks of that
many (still one customer at a time), so that the loop over a chunk is the loop without a
callback, and the cost is one call a chunk, not a test a customer.

Imports: ``_engine``, ``_rules``, ``_time``, ``errors``; :mod:`.agenda`, :mod:`.capacity`
and :mod:`.columns` beside it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from extramile._engine import (
    book_pair,
    counted_calls_for,
    customer_history,
    in_book,
    now_seconds,
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

__all__ = ["PROGRESS_EVERY", "plan"]

PROGRESS_EVERY: Final = 1000
"""Customers between two calls of ``plan()``'s ``progress`` callback."""


def plan(
    policy: FollowUpPolicy,
    book: Iterable[Any],
    *,
    now: dt.datetime,
    horizon: Elapsed | dt.timedelta,
    capacity: int | Mapping[str, int] | None = None,
    queue_capacity: Mapping[str, int | Mapping[str, int]] | None = None,
    progress: Callable[[int], object] | None = None,
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
        progress: called with the number of customers planned so far (an ``int``) after
            every 1,000th customer (:data:`PROGRESS_EVERY`), and once after the last with
            the book's size unless that was the count just given: the counts rise strictly
            and the last is the book's size (``0`` for an empty book).  Its return value is
            ignored; an exception it raises stops ``plan()`` and goes to the caller.  It is
            not called after the book or the engine raises, nor for applying capacity,
            which comes after the last customer.

    Returns:
        The :class:`Agenda`.

    Raises:
        FactTypeError: a policy that is not a FollowUpPolicy, a book that is not
            iterable, or a book item that is not a pair (the message says which item);
            a ``progress`` that is not callable.
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
    if progress is not None and not callable(progress):
        raise FactTypeError(
            f"plan() progress must be a callable taking a count of customers, or None"
            f" (got {describe(progress)})"
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
    items = enumerate(book)
    every = PROGRESS_EVERY
    index = -1  # the last customer's, once one is read
    while True:
        before = index
        # Without a callback, the whole book is one chunk.
        for index, item in items if progress is None else itertools.islice(items, every):
            if item.__class__ is tuple and len(item) == 2:  # most books: checked in line
                customer, interactions = item
            else:
                customer, interactions = book_pair(index, item)
            try:
                history = customer_history(customer, interactions, now_ts)
                raws, skipped = counted_calls_for(policy, customer, history, now_ts)
            except ExtramileError as exc:
                raise in_book(exc, index, customer) from exc.__cause__
            for raw in raws:
                if raw[4] < end:  # due
                    add(raw)
            if skipped:
                suppressed.update(skipped)
        if progress is None:
            break
        if index > before or before < 0:  # customers done, or an empty book's one call
            progress(index + 1)
        if index - before < every:  # a short chunk: the book is done
            break
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

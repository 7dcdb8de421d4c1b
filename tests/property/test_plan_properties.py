"""Invariants of plan(): partitions merge into the whole; the book is streamed, once;
capacity, the day's and each queue's, is never exceeded and moves calls only where they may
be made."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import itertools
import re
import unittest.mock
import weakref
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extramile import (
    DUE,
    TRIGGER,
    Agenda,
    Customer,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    InvalidFactError,
    On,
    Priority,
    Rule,
    Schedule,
    Window,
    evaluate,
    plan,
)

PLAN_MODULE = importlib.import_module("extramile._plan.plan")
"""The module of plan(), whose progress interval a test sets."""
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # a Monday
KINDS = ("urgent", "high", "normal", "low")
QUEUES = {"urgent": "senior", "high": "senior", "normal": "billing", "low": None}
"""Who makes each rule's calls (None: the general queue)."""
ZONES = ("UTC", "America/New_York", "Australia/Sydney", None)
HOURS = (None, "11:00-20:00", "07:00-10:00")
"""A customer's own calling hours (None: the policy's window)."""

POLICY = FollowUpPolicy(
    name="plan-properties",
    rules=tuple(
        Rule(
            name=kind,
            trigger=On(kind),
            scope="customer",
            due=TRIGGER + Elapsed(days=8),
            deadline=DUE + Elapsed(days=2),
            priority=Priority[kind.upper()],
            queue=QUEUES[kind],
        )
        for kind in KINDS
    ),
    schedule=Schedule(
        timezone="America/Chicago",
        hours={"mon-fri": "09:00-17:00"},
        holidays={dt.date(2026, 3, 11)},
    ),
)

SHORT = attrs.evolve(
    POLICY,
    rules=tuple(
        attrs.evolve(rule, deadline=DUE + Elapsed(hours=2))
        for rule in POLICY.rules
        if isinstance(rule, Rule)
    ),
)
"""The policy with calls by two hours after they are due: a customer's calls need not
merge until they are two days apart."""

Pair = tuple[Customer, list[Interaction]]
Drawn = tuple[str | None, bool, list[tuple[str, int]], str | None]

# One customer: a timezone (None: unknown, suppressed), do-not-call, and up to three
# interactions, each a kind and an offset in minutes before now (within ten days).
customers = st.tuples(
    st.sampled_from(ZONES),
    st.booleans(),
    st.lists(st.tuples(st.sampled_from(KINDS), st.integers(1, 10 * 24 * 60)), max_size=3),
    st.sampled_from(HOURS),
)
callers = st.tuples(
    st.sampled_from(ZONES[:3]),
    st.sampled_from((False,)),
    st.lists(
        st.tuples(st.sampled_from(KINDS), st.integers(1, 10 * 24 * 60)), min_size=2, max_size=3
    ),
    st.sampled_from(HOURS),
)
"""A customer who may be called, with two or three interactions: calls that crowd."""
capacities = (
    st.none()
    | st.integers(1, 4)
    | st.dictionaries(
        st.sampled_from(("mon", "tue", "wed", "thu", "fri")), st.integers(0, 3)
    ).filter(lambda mapping: any(mapping.values()))
)
STAFF_DAYS = ("mon", "tue", "wed", "thu", "fri")


def _room(capacity: Any, day: str) -> bool:
    """Whether a capacity (None, a number or a mapping by weekday) has room on ``day``."""
    if capacity is None:
        return True
    return bool(capacity.get(day, 0) if isinstance(capacity, dict) else capacity)


def _meet(limits: tuple[Any, Any]) -> bool:
    """Whether every queue has room on a staff day the day's capacity has room on too
    (plan() refuses a queue whose calls would wait for ever)."""
    capacity, per_queue = limits
    return all(
        any(_room(capacity, day) and _room(amount, day) for day in STAFF_DAYS)
        for amount in (per_queue or {}).values()
    )


queue_capacities = st.none() | st.dictionaries(
    st.sampled_from(("senior", "billing")),
    st.integers(1, 3)
    | st.dictionaries(st.sampled_from(STAFF_DAYS), st.integers(0, 2)).filter(
        lambda mapping: any(mapping.values())
    ),
)
capacity_pairs = st.tuples(capacities, queue_capacities).filter(_meet)
"""A day's capacity and the queues' that plan() takes together."""


def _book(drawn: list[Drawn]) -> list[Pair]:
    book = []
    for index, (zone, do_not_call, items, hours) in enumerate(drawn):
        cid = f"c{index}"
        history = [
            Interaction(
                id=f"{cid}-{n}",
                customer_id=cid,
                kind=kind,
                at=NOW - dt.timedelta(minutes=minutes),
            )
            for n, (kind, minutes) in enumerate(items)
        ]
        who = Customer(id=cid, timezone=zone, do_not_call=do_not_call, calling_hours=hours)
        book.append((who, history))
    return book


class Once:
    """A book that may be iterated once; a second pass fails the test."""

    def __init__(self, book: list[Pair]) -> None:
        self.book: list[Pair] | None = book

    def __iter__(self) -> Iterator[Pair]:
        book = self.book
        assert book is not None, "plan() iterated the book twice"
        self.book = None
        return iter(book)


class TestNoKeyTwice:
    """Promise 5 across a book: no agenda holds two calls with one key."""

    @settings(max_examples=60)
    @given(
        drawn=st.lists(customers, min_size=1, max_size=10),
        repeats=st.lists(st.integers(0, 9), max_size=3),
        horizon_days=st.integers(0, 14),
    )
    def test_a_customer_listed_again_is_refused_or_adds_nothing(
        self, drawn: list[Drawn], repeats: list[int], horizon_days: int
    ) -> None:
        """Some customers of a book listed a second time: refused, naming one of them and
        a key of theirs, when a repeated customer has a call within the horizon; else the
        calls of the book without repeats (a suppressed call is counted again: only the
        calls an agenda holds are checked).  Never an agenda with a key twice."""
        book = _book(drawn)
        again = [book[index % len(book)] for index in repeats]
        horizon = Elapsed(days=horizon_days)
        alone = plan(POLICY, book, now=NOW, horizon=horizon)
        repeated_ids = {who.id for who, _ in again}
        called = sorted({c.customer_id for c in alone if c.customer_id in repeated_ids})
        try:
            agenda = plan(POLICY, [*book, *again], now=NOW, horizon=horizon)
        except InvalidFactError as error:
            named = re.search(r"customer '([^']+)' has two calls with the key '\1/", str(error))
            assert (True, True) == (bool(called), named is not None and named[1] in called)
        else:
            assert ([], alone.planned, alone.calls) == (called, agenda.planned, agenda.calls)

    @settings(max_examples=40)
    @given(drawn=st.lists(customers, min_size=1, max_size=10), cut=st.integers(0, 10))
    def test_overlapping_parts_are_refused_when_they_share_a_call(
        self, drawn: list[Drawn], cut: int
    ) -> None:
        """Two parts of a book sharing their middle customer merge only when that customer
        has no call; then into the calls of the whole."""
        book = _book(drawn)
        middle = min(cut, len(book) - 1)
        week = Elapsed(days=7)
        whole = plan(POLICY, book, now=NOW, horizon=week)
        parts = [
            plan(POLICY, part, now=NOW, horizon=week)
            for part in (book[: middle + 1], book[middle:])
        ]
        shared = book[middle][0].id
        if any(call.customer_id == shared for call in whole):
            with pytest.raises(InvalidFactError, match=f"customer '{shared}' has two calls"):
                Agenda.merge(*parts)
        else:
            merged = Agenda.merge(*parts)
            assert (whole.planned, whole.calls) == (merged.planned, merged.calls)


class TestPartitions:
    @settings(max_examples=60)
    @given(
        drawn=st.lists(customers, max_size=12),
        cuts=st.lists(st.integers(0, 12), max_size=4),
        drawn_limits=capacity_pairs,
        horizon_days=st.integers(0, 14),
        policy=st.sampled_from((POLICY, SHORT)),
    )
    def test_merging_any_partition_gives_the_whole(
        self,
        drawn: list[Drawn],
        cuts: list[int],
        drawn_limits: tuple[Any, Any],
        horizon_days: int,
        policy: FollowUpPolicy,
    ) -> None:
        """Cut the book anywhere, plan each part, merge: the agenda of the whole book, with
        or without capacity and queue capacities, whatever the horizon (and with calls
        that capacity keeps the minimum gap apart)."""
        book = _book(drawn)
        bounds = [0, *sorted(min(cut, len(book)) for cut in cuts), len(book)]
        horizon = Elapsed(days=horizon_days)
        capacity, queue_capacity = drawn_limits
        limits = {"capacity": capacity, "queue_capacity": queue_capacity}
        parts = [
            plan(policy, book[start:stop], now=NOW, horizon=horizon, **limits)
            for start, stop in itertools.pairwise(bounds)
        ]
        whole = plan(policy, book, now=NOW, horizon=horizon, **limits)
        assert whole == Agenda.merge(*parts)

    @settings(max_examples=30)
    @given(
        drawn=st.lists(customers, min_size=1, max_size=10),
        drawn_limits=capacity_pairs,
    )
    def test_merge_order_does_not_matter(
        self, drawn: list[Drawn], drawn_limits: tuple[Any, Any]
    ) -> None:
        """Merging the parts in reverse gives the same agenda."""
        capacity, queue_capacity = drawn_limits
        book = _book(drawn)
        parts = [
            plan(
                POLICY,
                [pair],
                now=NOW,
                horizon=Elapsed(days=14),
                capacity=capacity,
                queue_capacity=queue_capacity,
            )
            for pair in book
        ]
        assert Agenda.merge(*parts) == Agenda.merge(*reversed(parts))

    @settings(max_examples=40)
    @given(
        drawn=st.lists(customers, max_size=12),
        drawn_limits=capacity_pairs,
    )
    def test_capacity_is_never_exceeded_and_nothing_is_dropped(
        self, drawn: list[Drawn], drawn_limits: tuple[Any, Any]
    ) -> None:
        """Every staff day holds at most its capacity, and at most each queue's capacity
        of that queue's calls; every planned call is on the agenda (moved maybe, at risk
        maybe, never dropped), in the planned order; without limits nothing moves."""
        capacity, queue_capacity = drawn_limits
        agenda = plan(
            POLICY,
            _book(drawn),
            now=NOW,
            horizon=Elapsed(days=14),
            capacity=capacity,
            queue_capacity=queue_capacity,
        )
        limits = agenda.capacity
        over = [
            day
            for day, calls in agenda.by_day().items()
            if limits is not None
            and (limit := limits[day.weekday()]) is not None
            and len(calls) > limit
        ]
        assert [] == over
        queue_over = [
            (queue, day)
            for day, calls in agenda.by_day().items()
            for queue, caps in agenda.queue_capacity.items()
            if (limit := caps[day.weekday()]) is not None
            and sum(call.queue == queue for call in calls) > limit
        ]
        assert [] == queue_over
        assert [call.key for call in agenda.planned] == [call.key for call in agenda]
        assert [] == [
            call.key
            for call in agenda
            if call.moved_by
            and call.moved_by[-1].constraint == "capacity"
            and limits is None
            and not agenda.queue_capacity
        ]

    @given(
        drawn=st.lists(customers, max_size=12),
        drawn_limits=capacity_pairs,
    )
    def test_a_call_capacity_moves_lands_where_it_may_be_made(
        self, drawn: list[Drawn], drawn_limits: tuple[Any, Any]
    ) -> None:
        """A call capacity moved lands on a staff day, while staff are open and the
        customer's calling window is open in their zone, and not before it was due."""
        capacity, queue_capacity = drawn_limits
        book = _book(drawn)
        agenda = plan(
            POLICY,
            book,
            now=NOW,
            horizon=Elapsed(days=14),
            capacity=capacity,
            queue_capacity=queue_capacity,
        )
        customers = {customer.id: customer for customer, _ in book}
        schedule = POLICY.schedule
        for call in agenda:
            if not call.moved_by or call.moved_by[-1].constraint != "capacity":
                continue
            customer = customers[call.customer_id]
            window = customer.calling_hours or POLICY.calling_window
            assert isinstance(window, Window)  # the drawn customers have daily windows
            local = call.due_at.in_timezone(customer.timezone or "UTC")
            clock = local.hour * 3600 + local.minute * 60 + local.second
            assert schedule.is_open(call.due_at)
            assert window.start <= clock < window.end
            assert call.due_at >= call.moved_by[-1].moved_from

    @settings(max_examples=200)
    @given(
        drawn=st.lists(callers, min_size=2, max_size=12),
        drawn_limits=st.tuples(st.integers(1, 2), queue_capacities).filter(_meet),
    )
    def test_a_call_capacity_moves_keeps_the_gap(
        self, drawn: list[Drawn], drawn_limits: tuple[Any, Any]
    ) -> None:
        """After capacity has moved calls, no two calls of a customer are closer than the
        policy's minimum gap (the engine planned them at least that far apart, none of
        them essential, none due yet), with deadlines short enough for a customer's calls
        to come a day apart."""
        capacity, queue_capacity = drawn_limits
        agenda = plan(
            SHORT,
            _book(drawn),
            now=NOW,
            horizon=Elapsed(days=14),
            capacity=capacity,
            queue_capacity=queue_capacity,
        )
        gap = SHORT.caps.min_gap.seconds
        by_customer: dict[str, list[float]] = {}
        for call in agenda:
            by_customer.setdefault(call.customer_id, []).append(call.due_at.timestamp())
        close = [
            (customer, first, second)
            for customer, dues in by_customer.items()
            for first, second in itertools.pairwise(sorted(dues))
            if second - first < gap
        ]
        assert [] == close


class TestCalls:
    @settings(max_examples=40)
    @given(drawn=st.lists(customers, max_size=10), horizon_days=st.integers(0, 14))
    def test_the_agenda_holds_the_engines_own_calls(
        self, drawn: list[Drawn], horizon_days: int
    ) -> None:
        """The agenda keeps its calls compactly and makes them again when asked: they are
        the calls ``evaluate()`` gives each customer, field for field and zone for zone."""
        book = _book(drawn)
        end = NOW + dt.timedelta(days=horizon_days)
        expected = [
            call
            for customer, history in book
            for call in evaluate(POLICY, customer, history, now=NOW).calls
            if call.due_at < end
        ]
        agenda = plan(POLICY, book, now=NOW, horizon=Elapsed(days=horizon_days))

        def seen(calls: Any) -> list[tuple[Any, ...]]:
            return sorted(
                (call.key, call, call.due_at.timezone_name, call.deadline.timezone_name)
                for call in calls
            )

        assert seen(expected) == seen(agenda)
        assert agenda.planned == tuple(agenda)


class TestStreaming:
    @settings(max_examples=30)
    @given(drawn=st.lists(customers, max_size=8))
    def test_the_book_is_iterated_once(self, drawn: list[Drawn]) -> None:
        """plan() makes one pass over the book, and gives what a list of it gives."""
        book = _book(drawn)
        expected = plan(POLICY, list(book), now=NOW, horizon=Elapsed(days=14), capacity=2)
        assert expected == plan(POLICY, Once(book), now=NOW, horizon=Elapsed(days=14), capacity=2)

    def test_customers_are_let_go_as_the_book_streams(self) -> None:
        """By the time the third customer is asked for, the first is gone from memory:
        plan() keeps calls and counts, not the book."""
        alive_when_asked: list[bool] = []
        refs: list[weakref.ref[Customer]] = []

        def stream() -> Iterator[Pair]:
            for index in range(6):
                if index >= 2:
                    gc.collect()
                    alive_when_asked.append(refs[index - 2]() is not None)
                cid = f"s{index}"
                who = Customer(id=cid, timezone="UTC")
                at = NOW - dt.timedelta(hours=1)
                history = [Interaction(id=f"{cid}-1", customer_id=cid, kind="normal", at=at)]
                refs.append(weakref.ref(who))
                yield who, history

        agenda = plan(POLICY, stream(), now=NOW, horizon=Elapsed(days=14))
        assert ([False] * 4, 6) == (alive_when_asked, len(agenda))


class TestProgress:
    @settings(max_examples=60)
    @given(
        drawn=st.lists(customers, max_size=12),
        every=st.integers(1, 5),
        drawn_limits=capacity_pairs,
    )
    def test_a_callback_changes_nothing_and_counts_up_to_the_book(
        self, drawn: list[Drawn], every: int, drawn_limits: tuple[Any, Any]
    ) -> None:
        """With a progress callback every ``every`` customers, the agenda is the agenda
        without one; the callback sees the multiples of ``every`` up to the book's size,
        then the size itself unless it was the last of them: strictly rising, ending at
        the size (0 for an empty book)."""
        book = _book(drawn)
        capacity, per_queue = drawn_limits
        options: dict[str, Any] = {
            "now": NOW,
            "horizon": Elapsed(days=14),
            "capacity": capacity,
            "queue_capacity": per_queue,
        }
        alone = plan(POLICY, book, **options)
        seen: list[int] = []
        with unittest.mock.patch.object(PLAN_MODULE, "PROGRESS_EVERY", every):
            agenda = plan(POLICY, Once(book), progress=seen.append, **options)
        size = len(book)
        expected = list(range(every, size + 1, every))
        if not expected or expected[-1] != size:
            expected.append(size)
        assert (alone, alone.planned, expected) == (agenda, agenda.planned, seen)
        assert all(a < b for a, b in itertools.pairwise(seen))

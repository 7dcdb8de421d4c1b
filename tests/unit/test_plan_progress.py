"""plan()'s progress callback: when it is called, with what, and what it cannot change."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from extramile import (
    DUE,
    TRIGGER,
    Customer,
    Elapsed,
    FactTypeError,
    FollowUpPolicy,
    Interaction,
    On,
    Rule,
    Schedule,
    plan,
)
from extramile.errors import describe

PLAN_MODULE = importlib.import_module("extramile._plan.plan")
"""The module of plan(), whose PROGRESS_EVERY the tests make small (the package's ``plan``
attribute is the function)."""
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # a Monday
POLICY = FollowUpPolicy(
    name="progress",
    rules=[
        Rule(
            name="ping",
            trigger=On("ping"),
            due=TRIGGER + Elapsed(hours=2),
            deadline=DUE + Elapsed(days=1),
        )
    ],
    schedule=Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"}),
)
WEEK = Elapsed(days=7)

Pair = tuple[Customer, list[Interaction]]


def _book(size: int) -> list[Pair]:
    """``size`` customers, every third with an interaction that asks for a call."""
    book: list[Pair] = []
    for n in range(size):
        cid = f"c{n}"
        history = (
            [Interaction(id=f"{cid}-1", customer_id=cid, kind="ping", at=NOW)] if n % 3 == 0 else []
        )
        book.append((Customer(id=cid, timezone="UTC"), history))
    return book


def _counts(book: Any, **options: Any) -> list[int]:
    seen: list[int] = []
    plan(POLICY, book, now=NOW, horizon=WEEK, progress=seen.append, **options)
    return seen


class TestWhen:
    def test_every_thousand_customers_then_the_total(self) -> None:
        """With the shipped interval: after the 1,000th and 2,000th customer, then once at
        the end with the book's size."""
        assert 1000 == PLAN_MODULE.PROGRESS_EVERY
        assert [1000, 2000, 2500] == _counts(_book(2500))

    @pytest.mark.parametrize(
        ("size", "expected"),
        [
            (0, [0]),
            (1, [1]),
            (4, [4]),
            (5, [5]),
            (6, [5, 6]),
            (10, [5, 10]),
            (12, [5, 10, 12]),
        ],
    )
    def test_counts_with_a_small_interval(
        self, monkeypatch: pytest.MonkeyPatch, size: int, expected: list[int]
    ) -> None:
        """Every fifth customer, and the total unless it was the count just given; an empty
        book gives one call, with 0."""
        monkeypatch.setattr(PLAN_MODULE, "PROGRESS_EVERY", 5)
        assert expected == _counts(_book(size))

    def test_counts_customers_done_not_read_ahead(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Each count is the number of customers taken from the book so far: the book is
        still streamed one customer at a time, never read ahead a chunk."""
        monkeypatch.setattr(PLAN_MODULE, "PROGRESS_EVERY", 3)
        taken = 0

        def stream() -> Iterator[Pair]:
            nonlocal taken
            for pair in _book(8):
                taken += 1
                yield pair

        seen: list[tuple[int, int]] = []
        plan(POLICY, stream(), now=NOW, horizon=WEEK, progress=lambda n: seen.append((n, taken)))
        assert [(3, 3), (6, 6), (8, 8)] == seen

    def test_not_called_after_the_book_fails(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A book that raises at its seventh item: the count of five was given, no other."""
        monkeypatch.setattr(PLAN_MODULE, "PROGRESS_EVERY", 5)

        def broken() -> Iterator[Pair]:
            yield from _book(6)
            raise OSError("the disk went away")

        seen: list[int] = []
        with pytest.raises(OSError, match="the disk went away"):
            plan(POLICY, broken(), now=NOW, horizon=WEEK, progress=seen.append)
        assert [5] == seen


class TestNoEffect:
    def test_the_agenda_is_the_same(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With or without a callback, and whatever it returns, the same agenda."""
        monkeypatch.setattr(PLAN_MODULE, "PROGRESS_EVERY", 4)
        book = _book(11)
        alone = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=2)
        with_it = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=2, progress=lambda n: "no")
        assert (4, alone) == (len(alone), with_it)

    def test_an_exception_in_the_callback_stops_the_plan(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The callback's exception reaches the caller, and no more of the book is read."""
        monkeypatch.setattr(PLAN_MODULE, "PROGRESS_EVERY", 2)
        taken: list[str] = []

        def stream() -> Iterator[Pair]:
            for pair in _book(9):
                taken.append(pair[0].id)
                yield pair

        def cancel(done: int) -> None:
            if done >= 4:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            plan(POLICY, stream(), now=NOW, horizon=WEEK, progress=cancel)
        assert ["c0", "c1", "c2", "c3"] == taken


class TestRefused:
    @pytest.mark.parametrize("value", [5, "print", [print]])
    def test_not_callable(self, value: object) -> None:
        """A progress that cannot be called is refused, naming the argument and the value,
        before the book is read."""

        class Untouched:
            def __iter__(self) -> Iterator[Pair]:
                raise AssertionError("the book was read")

        with pytest.raises(FactTypeError, match=r"plan\(\) progress must be a callable") as info:
            plan(POLICY, Untouched(), now=NOW, horizon=WEEK, progress=value)  # type: ignore[arg-type]  # refused on purpose
        assert describe(value) in str(info.value)

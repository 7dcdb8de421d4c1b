"""Branches of planning no other test takes: an agenda built again from its own calls,
with its own capacity, and calls built by hand kept as they were given."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pendulum

from extramile import (
    DUE,
    TRIGGER,
    Agenda,
    Call,
    Customer,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    On,
    Priority,
    Rule,
    Schedule,
    plan,
)

UTC = dt.timezone.utc
SUNDAY = dt.datetime(2026, 3, 8, tzinfo=UTC)
NOW = dt.datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
"""Monday 08:00 UTC, an hour before the staff open."""
SCHEDULE = Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"})
POLICY = FollowUpPolicy(
    name="p",
    rules=[
        Rule(
            name=name,
            trigger=On(name),
            scope="customer",
            due=TRIGGER + Elapsed(days=8),
            deadline=DUE + Elapsed(days=2),
            priority=Priority[name.upper()],
        )
        for name in ("urgent", "normal", "low")
    ],
    schedule=SCHEDULE,
    calling_window="00:00-24:00",
)


def at(day: int, hour: float) -> dt.datetime:
    """Sunday + ``day`` at ``hour`` UTC."""
    return SUNDAY + dt.timedelta(days=day, hours=hour)


def pair(cid: str, kind: str, hour: float) -> tuple[Customer, list[Interaction]]:
    """Customer ``cid`` whose ``kind`` call is due on Monday at ``hour`` UTC."""
    moment = SUNDAY + dt.timedelta(days=-7, hours=hour)
    who = Customer(id=cid, timezone="UTC")
    return who, [Interaction(id=f"{cid}-1", customer_id=cid, kind=kind, at=moment)]


def rebuilt(agenda: Agenda, capacity: object) -> Agenda:
    """The agenda built again from its own calls, with ``capacity``."""
    return Agenda.build(
        now=agenda.now,
        horizon_end=agenda.horizon_end,
        schedule=agenda.schedule,
        capacity=capacity,  # type: ignore[arg-type]  # an agenda's own capacity, a tuple
        planned=list(agenda.calls),
        suppressed={},
    )


class TestBuiltAgain:
    """An agenda built from the calls of a planned one, and capacity applied again."""

    BOOK: ClassVar = (pair("a", "low", 10), pair("b", "urgent", 11), pair("c", "normal", 12))

    def test_its_own_capacity_changes_nothing(self) -> None:
        """Room for two a day, and then the agenda's own capacity, a tuple by weekday:
        the same calls at the same times."""
        agenda = plan(POLICY, self.BOOK, now=NOW, horizon=Elapsed(days=7), capacity=2)
        again = rebuilt(agenda, agenda.capacity)
        assert (2, 2, 2, 2, 2, None, None) == again.capacity
        assert list(agenda.calls) == list(again.calls)

    def test_a_call_moved_again_keeps_one_capacity_move(self) -> None:
        """Room for two on Monday moved the low call to Tuesday; room for one moves the
        normal one to Tuesday and the low one on to Wednesday, with one capacity move
        from its first due time, Monday 10:00."""
        agenda = plan(POLICY, self.BOOK, now=NOW, horizon=Elapsed(days=7), capacity=2)
        again = rebuilt(agenda, 1)
        moves = [
            (call.customer_id, call.due_at, [(m.moved_from, m.moved_to) for m in call.moved_by])
            for call in again.calls
        ]
        assert [
            ("b", at(1, 11), []),
            ("c", at(2, 9), [(at(1, 12), at(2, 9))]),
            ("a", at(3, 9), [(at(1, 10), at(3, 9))]),
        ] == moves


def hand_made(key: str, due: pendulum.DateTime) -> Call:
    """A call built by hand, its rules given as a list."""
    return Call(
        customer_id=key,
        issue_id=None,
        key=key,
        keys=(key,),
        rules=["low"],  # type: ignore[arg-type]  # kept as given
        priority=Priority.LOW,
        talking_points=(),
        extra_mile=False,
        essential=False,
        due_at=due,
        deadline=due.add(hours=1),
    )


class TestHandMadeCalls:
    """A call built by hand that its columns would not give back is kept as given, and
    merging agendas keeps it too."""

    def test_merged_agendas_keep_the_calls_given(self) -> None:
        """Two agendas of one hand-made call each: the merged one holds those very calls."""
        start = pendulum.datetime(2026, 3, 9, tz="UTC")
        calls = [hand_made(key, start.add(hours=n + 10)) for n, key in enumerate("xy")]
        agendas = [
            Agenda.build(
                now=start,
                horizon_end=start.add(days=7),
                schedule=SCHEDULE,
                capacity=None,
                planned=[call],
                suppressed={},
            )
            for call in calls
        ]
        merged = Agenda.merge(*agendas)
        assert [True, True] == [
            given is kept for given, kept in zip(calls, merged.calls, strict=True)
        ]

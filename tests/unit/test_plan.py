"""plan() and Agenda: order, horizon, capacity, suppression counts, reports, bad input."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import pickle
from collections.abc import Iterable
from typing import Final

import attrs
import holidays
import pendulum
import pytest

from extramile import (
    DUE,
    TRIGGER,
    Agenda,
    Call,
    CallList,
    ConditionError,
    ContactCaps,
    Customer,
    Elapsed,
    FactsError,
    FactTypeError,
    FollowUpPolicy,
    Interaction,
    InvalidFactError,
    InvalidPolicyError,
    Local,
    On,
    PolicyError,
    PolicyTypeError,
    Priority,
    Rule,
    Schedule,
    evaluate,
    plan,
    tz_version,
)
from extramile._engine import Raw
from extramile._plan import Columns
from extramile._plan import agenda as agenda_module
from extramile.conditions import Condition, Context

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
"""Monday 08:00 UTC, an hour before the staff open."""
SUNDAY = dt.datetime(2026, 3, 8, tzinfo=UTC)

Pair = tuple[Customer, list[Interaction]]


def _rule(name: str, *, extra_mile: bool = False) -> Rule:
    # One rule per priority, named after it: a "low" interaction asks for a low call due
    # eight days after it, by two days later (so calls fall on several days after now).
    return Rule(
        name=name,
        trigger=On(name),
        scope="customer",
        due=TRIGGER + Elapsed(days=8),
        deadline=DUE + Elapsed(days=2),
        priority=Priority[name.upper()],
        talking_point=f"a {name} call",
        extra_mile=extra_mile,
    )


KINDS = ("urgent", "high", "normal", "low")


def _policy(holidays: Iterable[dt.date] = ()) -> FollowUpPolicy:
    return FollowUpPolicy(
        name="plan-tests",
        rules=tuple(_rule(name) for name in KINDS),
        schedule=Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"}, holidays=set(holidays)),
        calling_window="00:00-24:00",
    )


POLICY = _policy()


def pair(cid: str, kind: str, hour: float, *, day: int = 0, **customer: object) -> Pair:
    """Customer ``cid`` whose one ``kind`` interaction asks for a call due on Monday +
    ``day`` at ``hour`` UTC, by two days later."""
    at = SUNDAY + dt.timedelta(days=day - 7, hours=hour)
    who = Customer(id=cid, timezone="UTC", **customer)  # type: ignore[arg-type]
    return who, [Interaction(id=f"{cid}-1", customer_id=cid, kind=kind, at=at)]


def at(day: int, hour: float) -> dt.datetime:
    """Sunday + ``day`` at ``hour`` UTC."""
    return SUNDAY + dt.timedelta(days=day, hours=hour)


def ids(agenda: Agenda) -> list[str]:
    return [call.customer_id for call in agenda]


def hand_made(key: str, **fields: object) -> Call:
    """A call built by hand: customer and key ``key``, a low rule, and ``fields``."""
    values: dict[str, object] = {
        "customer_id": key,
        "issue_id": None,
        "key": key,
        "keys": (key,),
        "rules": ("low",),
        "priority": Priority.LOW,
        "talking_points": (),
        "extra_mile": False,
        "essential": False,
    }
    values.update(fields)
    return Call(**values)  # type: ignore[arg-type]


def built(calls: list[Call], now: pendulum.DateTime | None = None) -> Agenda:
    """An agenda of these calls, built at ``now`` (default Monday 9 March 2026), a week
    ahead, without capacity."""
    start = pendulum.datetime(2026, 3, 9, tz="UTC") if now is None else now
    return Agenda.build(
        now=start,
        horizon_end=start.add(days=7),
        schedule=POLICY.schedule,
        capacity=None,
        planned=calls,
        suppressed={},
    )


WEEK = Elapsed(days=7)


class TestOrder:
    def test_priority_comes_first(self) -> None:
        """Urgent before high before normal before low, whatever the book's order."""
        book = [
            pair("a", "low", 10),
            pair("b", "normal", 10),
            pair("c", "urgent", 12),
            pair("d", "high", 11),
        ]
        assert ["c", "d", "b", "a"] == ids(plan(POLICY, book, now=NOW, horizon=WEEK))

    def test_then_the_earliest_deadline(self) -> None:
        """Among calls of one priority, the earliest deadline goes first."""
        book = [pair("a", "normal", 14), pair("b", "normal", 10), pair("c", "normal", 12)]
        agenda = plan(POLICY, book, now=NOW, horizon=WEEK)
        assert ["b", "c", "a"] == ids(agenda)
        assert [at(3, 10), at(3, 12), at(3, 14)] == [call.deadline for call in agenda]

    def test_ties_break_by_customer_whatever_the_book_order(self) -> None:
        """Same priority and deadline: by customer id, and every order of the book gives the
        same agenda (the order is total)."""
        book = [pair(cid, "high", 10) for cid in ("m", "b", "z", "a")]
        agendas = [
            plan(POLICY, order, now=NOW, horizon=WEEK) for order in itertools.permutations(book)
        ]
        assert ["a", "b", "m", "z"] == ids(agendas[0])
        assert [agendas[0]] * len(agendas) == agendas

    def test_planned_is_ordered_too(self) -> None:
        """``planned`` (before capacity) is in agenda order as well."""
        book = [pair("a", "low", 10), pair("b", "urgent", 10)]
        agenda = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=1)
        assert ["b", "a"] == [call.customer_id for call in agenda.planned]


class TestOrderInRuns:
    """A large agenda is sorted in runs that are then merged: the same order as one sort,
    and a key held twice across runs is still found."""

    @pytest.fixture
    def runs_of_three(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(agenda_module, "RUN", 3)

    BOOK: Final = [pair(f"c{i:02}", KINDS[i * 7 % 4], 10 + i * 5 % 6, day=i % 3) for i in range(20)]

    def test_the_order_of_one_sort(self, runs_of_three: None) -> None:
        """Runs of three calls give the order a single sort gives (and the definition)."""
        merged = plan(POLICY, self.BOOK, now=NOW, horizon=WEEK)
        expected = sorted(
            merged, key=lambda call: (-call.priority, call.deadline, call.customer_id, call.key)
        )
        assert 20 == len(merged)
        assert [call.key for call in expected] == [call.key for call in merged]
        assert list(merged) == list(plan(POLICY, self.BOOK[::-1], now=NOW, horizon=WEEK))

    def test_a_customer_listed_twice_across_runs(self, runs_of_three: None) -> None:
        """The repeated customer's calls land in different runs."""
        with pytest.raises(InvalidFactError, match="customer 'c01' has two calls"):
            plan(POLICY, [*self.BOOK, self.BOOK[1]], now=NOW, horizon=WEEK)


class TestHorizon:
    def test_calls_due_at_the_end_are_left_out(self) -> None:
        """The horizon is half-open: due exactly at ``now + horizon`` is out, just before
        is in."""
        book = [pair("a", "normal", 10), pair("b", "normal", 11)]  # due Mon 10:00, 11:00
        assert ["a"] == ids(plan(POLICY, book, now=NOW, horizon=Elapsed(hours=3)))
        assert ["a", "b"] == ids(plan(POLICY, book, now=NOW, horizon=Elapsed(hours=3, seconds=1)))

    def test_a_timedelta_is_an_elapsed_horizon(self) -> None:
        """``horizon=timedelta(days=2)`` plans the same as ``Elapsed(days=2)``."""
        book = [pair(f"c{day}", "normal", 10, day=day) for day in range(5)]
        expected = plan(POLICY, book, now=NOW, horizon=Elapsed(days=2))
        assert expected == plan(POLICY, book, now=NOW, horizon=dt.timedelta(days=2))
        assert ["c0", "c1"] == ids(expected)

    def test_horizon_end_is_recorded(self) -> None:
        """The agenda says where its horizon ended, in UTC."""
        agenda = plan(POLICY, [], now=NOW, horizon=Elapsed(hours=36))
        assert NOW + dt.timedelta(hours=36) == agenda.horizon_end
        assert (NOW, 0) == (agenda.now, len(agenda))

    def test_a_negative_horizon_is_refused(self) -> None:
        """A horizon before now is a policy error naming the horizon."""
        with pytest.raises(InvalidPolicyError, match="horizon must not be negative"):
            plan(POLICY, [], now=NOW, horizon=dt.timedelta(hours=-1))

    def test_a_local_horizon_is_refused(self) -> None:
        """Only elapsed time makes a horizon (a local day has no fixed length)."""
        with pytest.raises(PolicyTypeError, match="horizon must be an Elapsed"):
            plan(POLICY, [], now=NOW, horizon=Local(days=1))  # type: ignore[arg-type]


class TestCapacity:
    def test_overflow_moves_lowest_priority_first(self) -> None:
        """Three calls on Monday, room for two: the low one moves to Tuesday's opening."""
        book = [pair("a", "low", 10), pair("b", "urgent", 11), pair("c", "normal", 12)]
        agenda = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=2)
        assert ["b", "c", "a"] == ids(agenda)
        moved = agenda.calls[2]
        assert (at(2, 9), ("capacity",)) == (
            moved.due_at,
            tuple(move.constraint for move in moved.moved_by),
        )
        assert (at(1, 10), at(2, 9)) == (moved.moved_by[0].moved_from, moved.moved_by[0].moved_to)
        assert "capacity: the staff day 2026-03-09 was full" == moved.moved_by[0].reason
        assert [(), ()] == [call.moved_by for call in agenda.calls[:2]]

    def test_overflow_skips_weekends_and_holidays(self) -> None:
        """Friday's overflow goes to Monday; a holiday Monday sends it on to Tuesday."""
        book = [pair("a", "high", 10, day=4), pair("b", "low", 10, day=4)]  # due Friday
        agenda = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=1)
        assert at(8, 9) == agenda.calls[1].due_at
        holiday = _policy(holidays=[at(8, 0).date()])
        agenda = plan(holiday, book, now=NOW, horizon=WEEK, capacity=1)
        assert at(9, 9) == agenda.calls[1].due_at

    def test_a_call_pushed_past_its_deadline_is_kept_at_risk(self) -> None:
        """Room for one call a day, four calls due Monday by Wednesday: the fourth lands on
        Thursday, after its deadline -- kept, overdue, and listed by ``at_risk``."""
        book = [pair(cid, "normal", 10) for cid in "abcd"]
        agenda = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=1)
        assert 4 == len(agenda)
        assert [at(1, 10), at(2, 9), at(3, 9), at(4, 9)] == [call.due_at for call in agenda]
        assert ["d"] == [call.customer_id for call in agenda.at_risk]
        assert agenda.calls[3].overdue

    def test_a_call_moved_twice_keeps_one_capacity_move(self) -> None:
        """A call carried over two full days records one capacity move, from its first due
        time to its last."""
        book = [pair(cid, "normal", 10) for cid in "abc"]
        last = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=1).calls[2]
        assert [("capacity", at(1, 10), at(3, 9))] == [
            (move.constraint, move.moved_from, move.moved_to) for move in last.moved_by
        ]

    def test_no_staff_day_is_ever_over_capacity(self) -> None:
        """Twenty calls over a week, room for three a day: no day has more than three, and
        every planned call is still on the agenda."""
        book = [
            pair(f"c{i:02d}", ("urgent", "high", "normal", "low")[i % 4], 9 + i % 7, day=i % 5)
            for i in range(20)
        ]
        agenda = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=3)
        assert [True] * len(agenda.by_day()) == [
            len(calls) <= 3 for calls in agenda.by_day().values()
        ]
        assert sorted(call.key for call in agenda.planned) == sorted(call.key for call in agenda)

    def test_capacity_by_weekday(self) -> None:
        """``{"mon": 1, "tue": 2}``: one call Monday, two Tuesday, and a staff weekday left
        out has no room (Wednesday), so the rest wait for next Monday; a day without staff
        hours left out is not limited (None)."""
        book = [pair(f"c{i}", "normal", 10 + i) for i in range(5)]  # all due Monday
        agenda = plan(POLICY, book, now=NOW, horizon=WEEK, capacity={"mon": 1, "tue": 2})
        assert {at(1, 0).date(): 1, at(2, 0).date(): 2, at(8, 0).date(): 1, at(9, 0).date(): 1} == {
            day: len(calls) for day, calls in agenda.by_day().items()
        }
        assert (1, 2, 0, 0, 0, None, None) == agenda.capacity

    def test_a_moved_call_waits_for_the_customers_calling_window(self) -> None:
        """Capacity moves a call to the next staff day when the customer may be called:
        staff open at 09:00 UTC, and a customer whose window opens at 11:00 gets the
        moved call at 11:00, not at 09:00."""
        late = pair("late", "low", 11, calling_hours="11:00-20:00")
        early = pair("early", "low", 9.5, calling_hours="09:00-10:00")
        book = [pair("first", "urgent", 9), late, early]
        agenda = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=1)
        due = {call.customer_id: call.due_at for call in agenda}
        assert (at(1, 9), at(2, 9), at(3, 11)) == (due["first"], due["early"], due["late"])
        assert at(3, 11) == agenda.calls[2].moved_by[0].moved_to

    def test_a_moved_extra_mile_call_goes_when_the_customer_may_be_called(self) -> None:
        """An extra-mile call for a customer who may be called only after staff close
        (18:00-20:00): moved by capacity, it goes at 18:00 on the next staff day, when
        the customer may be called, since staff and customer never meet."""
        extra = attrs.evolve(POLICY, rules=tuple(_rule(name, extra_mile=True) for name in KINDS))
        book = [
            pair("first", "urgent", 18.5, calling_hours="18:00-20:00"),
            pair("second", "low", 18, calling_hours="18:00-20:00"),
        ]
        agenda = plan(extra, book, now=NOW, horizon=WEEK, capacity=1)
        assert [at(1, 18.5), at(2, 18)] == [call.due_at for call in agenda]

    def test_a_call_no_day_with_room_will_take_stays_as_planned_and_says_so(self) -> None:
        """Staff work weekdays and Saturday evenings; the customer may be called only in
        the evening, and Saturday has no room: no staff day with room will ever take the
        call.  It stays where it was planned, with a capacity note saying why, rather
        than silently over a day's capacity."""
        policy = attrs.evolve(
            POLICY,
            schedule=Schedule(
                timezone="UTC", hours={"mon-fri": "09:00-17:00", "sat": "18:00-20:00"}
            ),
        )
        book = [pair("a", "low", 18.5, day=5, calling_hours="18:00-21:00")]  # Saturday
        capacity = {"mon": 5, "tue": 5, "wed": 5, "thu": 5, "fri": 5}
        (call,) = plan(policy, book, now=NOW, horizon=WEEK, capacity=capacity).calls
        assert (at(6, 18.5), "capacity") == (call.due_at, call.moved_by[-1].constraint)
        assert "no staff day with room" in call.moved_by[-1].reason

    def test_a_moved_call_of_a_customer_of_unknown_zone_is_in_every_served_window(
        self,
    ) -> None:
        """A customer of unknown timezone is called when the window is open in every
        zone the policy serves, after capacity moves the call too."""
        served = attrs.evolve(
            POLICY, served_timezones=("America/New_York",), calling_window="08:00-20:00"
        )
        nobody = Customer(id="z")
        book = [
            pair("first", "urgent", 14),
            (nobody, [Interaction(id="z-1", customer_id="z", kind="low", at=at(-7, 14))]),
        ]
        moved = plan(served, book, now=NOW, horizon=WEEK, capacity=1).calls[1]
        assert at(2, 12) == moved.due_at  # 08:00 in New York (EDT since 8 March)

    def test_weekends_and_holidays_are_not_limited_by_a_staff_capacity(self) -> None:
        """Only extra-mile calls fall on a day without staff hours, and a capacity given
        for staff days does not hold them back: an urgent extra-mile call due on
        Saturday stays on Saturday, whether capacity is a number or names the staff
        days only."""
        extra = attrs.evolve(POLICY, rules=tuple(_rule(name, extra_mile=True) for name in KINDS))
        book = [pair(cid, "urgent", 10, day=5) for cid in "ab"]  # Saturday
        for capacity in (1, {"mon": 1, "tue": 1, "wed": 1, "thu": 1, "fri": 1}):
            agenda = plan(extra, book, now=NOW, horizon=WEEK, capacity=capacity)
            assert [at(6, 10), at(6, 10)] == [call.due_at for call in agenda]
        named = plan(extra, book, now=NOW, horizon=WEEK, capacity={"sat": 1, "mon": 5})
        assert [at(6, 10), at(8, 9)] == [call.due_at for call in named]
        assert "capacity: the staff day 2026-03-14 was full" == named.calls[1].moved_by[0].reason

    def test_the_reason_names_the_day_that_was_full(self) -> None:
        """Friday's overflow lands on Monday, and its reason names Friday, not Sunday."""
        book = [pair("a", "high", 10, day=4), pair("b", "low", 10, day=4)]
        moved = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=1).calls[1]
        assert "capacity: the staff day 2026-03-13 was full" == moved.moved_by[-1].reason

    def test_a_moved_call_keeps_the_gap_to_its_customers_other_calls(self) -> None:
        """Customer x has a low call on Monday at 14:00 and a normal one on Tuesday at
        12:00 (22 hours apart, by 2 hours each); Monday is full.  Tuesday has room, but
        at 09:00 the low call would come 3 hours before the customer's other call: it
        waits until the 20-hour gap after it has passed, Wednesday 09:00, and says so.
        Another customer's call takes Tuesday's opening as usual."""
        short = attrs.evolve(
            POLICY,
            rules=tuple(
                attrs.evolve(_rule(name), deadline=DUE + Elapsed(hours=2)) for name in KINDS
            ),
        )
        x = Customer(id="x", timezone="UTC")
        history = [
            Interaction(id="x-1", customer_id="x", kind="low", at=at(-7, 14)),
            Interaction(id="x-2", customer_id="x", kind="normal", at=at(-6, 12)),
        ]
        book = [pair("a", "urgent", 10), pair("b", "urgent", 11), (x, history)]
        book.append(pair("y", "low", 15))
        agenda = plan(short, book, now=NOW, horizon=WEEK, capacity=2)
        due = {call.key: call.due_at for call in agenda}
        assert (at(2, 12), at(3, 9), at(2, 9)) == (
            due["x/-/normal/x-2"],
            due["x/-/low/x-1"],
            due["y/-/low/y-1"],
        )
        moved = next(call for call in agenda if call.key == "x/-/low/x-1")
        assert (
            "capacity: the staff day 2026-03-09 was full; kept 20 hours elapsed from the"
            " customer's call x/-/normal/x-2 due 2026-03-10T12:00:00+00:00"
        ) == moved.moved_by[-1].reason

    @pytest.mark.parametrize(
        "capacity", [0, {"mon": 0, "tue": 0, "wed": 0, "thu": 0, "fri": 0}, {"sat": 5}]
    )
    def test_a_capacity_with_no_room_on_any_staff_day_is_refused(self, capacity: object) -> None:
        """A capacity that leaves no staff day room for a call could only push every call
        on for ever: it is a policy error, whatever the book."""
        with pytest.raises(InvalidPolicyError, match="no room for a call on any staff day"):
            plan(POLICY, [], now=NOW, horizon=WEEK, capacity=capacity)  # type: ignore[arg-type]

    def test_build_takes_capacity_as_plan_does(self) -> None:
        """Agenda.build reads a capacity as plan() does, and refuses a bad one alike."""
        calls = [hand_made(cid, due_at=at(1, 10), deadline=at(3, 10)) for cid in "ab"]
        agenda = Agenda.build(
            now=pendulum.datetime(2026, 3, 9, tz="UTC"),
            horizon_end=pendulum.datetime(2026, 3, 16, tz="UTC"),
            schedule=POLICY.schedule,
            capacity={"mon": 1},
            planned=calls,
            suppressed={},
        )
        assert ((1, 0, 0, 0, 0, None, None), at(8, 9)) == (agenda.capacity, agenda.calls[1].due_at)
        with pytest.raises(InvalidPolicyError, match="capacity must be zero or more"):
            Agenda.build(
                now=pendulum.datetime(2026, 3, 9, tz="UTC"),
                horizon_end=pendulum.datetime(2026, 3, 16, tz="UTC"),
                schedule=POLICY.schedule,
                capacity=-1,
                planned=calls,
                suppressed={},
            )

    def test_build_keeps_a_gap_when_given_one(self) -> None:
        """Agenda.build keeps the gap it is given between a customer's calls when it
        moves one, and none without it; a gap that is not an Elapsed is refused."""
        calls = [
            hand_made("a", priority=Priority.URGENT, due_at=at(1, 10), deadline=at(1, 12)),
            hand_made("x-1", customer_id="x", due_at=at(1, 14), deadline=at(1, 16)),
            hand_made(
                "x-2",
                customer_id="x",
                priority=Priority.NORMAL,
                due_at=at(2, 12),
                deadline=at(2, 14),
            ),
        ]

        def moved(**gap: object) -> pendulum.DateTime:
            agenda = Agenda.build(
                now=pendulum.datetime(2026, 3, 9, tz="UTC"),
                horizon_end=pendulum.datetime(2026, 3, 16, tz="UTC"),
                schedule=POLICY.schedule,
                capacity={"mon": 1, "tue": 2, "wed": 2},
                planned=calls,
                suppressed={},
                **gap,  # type: ignore[arg-type]
            )
            return next(call.due_at for call in agenda if call.key == "x-1")

        assert (at(2, 9), at(3, 9)) == (moved(), moved(min_gap=Elapsed(hours=20)))
        with pytest.raises(PolicyTypeError, match="min_gap must be an Elapsed duration"):
            moved(min_gap=dt.timedelta(hours=20))

    def test_no_capacity_keeps_the_planned_calls(self) -> None:
        """Without capacity the agenda is the planned calls, unmoved."""
        book = [pair(cid, "normal", 10) for cid in "abc"]
        agenda = plan(POLICY, book, now=NOW, horizon=WEEK)
        assert (agenda.planned, None) == (agenda.calls, agenda.capacity)

    @pytest.mark.parametrize(
        ("capacity", "error", "message"),
        [
            (-1, InvalidPolicyError, r"capacity must be zero or more calls a day \(got -1\)"),
            ({"mon": -2}, InvalidPolicyError, r"capacity must be zero or more .*got -2"),
            ({"monday": 2}, InvalidPolicyError, r"capacity keys must be weekdays"),
            (True, PolicyTypeError, r"capacity must be a whole number"),
            (2.5, PolicyTypeError, r"capacity must be a whole number"),
        ],
    )
    def test_bad_capacity_is_a_policy_error(
        self, capacity: object, error: type[PolicyError], message: str
    ) -> None:
        """A capacity below zero, of the wrong type, or keyed by other than weekdays is
        refused, and the message names the capacity."""
        with pytest.raises(error, match=message):
            plan(POLICY, [], now=NOW, horizon=WEEK, capacity=capacity)  # type: ignore[arg-type]


class TestSuppressed:
    def test_suppressed_calls_are_counted_by_reason(self) -> None:
        """Do-not-call and unknown-timezone customers are counted, not planned."""
        book = [
            pair("a", "normal", 10, do_not_call=True),
            pair("b", "urgent", 10, do_not_call=True),
            pair("c", "normal", 10),
        ]
        unknown = Customer(id="d")
        book.append((unknown, [Interaction(id="d-1", customer_id="d", kind="low", at=at(-7, 10))]))
        agenda = plan(POLICY, book, now=NOW, horizon=WEEK)
        assert {"do-not-call": 2, "unknown-timezone": 1} == agenda.suppressed
        assert ["c"] == ids(agenda)

    def test_merge_adds_the_counts(self) -> None:
        """Merged agendas add their suppressed counts."""
        first = plan(POLICY, [pair("a", "normal", 10, do_not_call=True)], now=NOW, horizon=WEEK)
        second = plan(POLICY, [pair("b", "low", 10, do_not_call=True)], now=NOW, horizon=WEEK)
        assert {"do-not-call": 2} == Agenda.merge(first, second).suppressed


class TestReports:
    BOOK = (
        pair("a", "low", 10),
        pair("b", "urgent", 11),
        pair("c", "normal", 12, day=1),
        pair("d", "normal", 13, day=1),
    )

    def test_rows_are_json(self) -> None:
        """``to_rows()`` survives a JSON round trip unchanged, one row a call, in order."""
        agenda = plan(POLICY, self.BOOK, now=NOW, horizon=WEEK, capacity=1)
        rows = agenda.to_rows()
        assert rows == json.loads(json.dumps(rows))
        assert ["b", "c", "d", "a"] == [row["customer_id"] for row in rows]

    def test_a_row_says_everything_about_its_call(self) -> None:
        """A call moved past its deadline: its times in ISO 8601, its priority by name, at
        risk, and its move's reason (the last full day)."""
        agenda = plan(POLICY, self.BOOK, now=NOW, horizon=WEEK, capacity=1)
        row = agenda.to_rows()[-1]
        assert {
            "customer_id": "a",
            "issue_id": None,
            "key": "a/-/low/a-1",
            "keys": ["a/-/low/a-1"],
            "rules": ["low"],
            "priority": "low",
            "due_at": "2026-03-12T09:00:00+00:00",
            "deadline": "2026-03-11T10:00:00+00:00",
            "at_risk": True,
            "extra_mile": False,
            "essential": False,
            "talking_points": ["a low call"],
            "moved_by": ["capacity: the staff day 2026-03-11 was full"],
            "attempt": 1,
            "tries": 3,
            "queue": None,
        } == row

    def test_by_day_groups_by_staff_day_in_order(self) -> None:
        """``by_day()``: the staff's local days in order, each with its calls in order."""
        agenda = plan(POLICY, self.BOOK, now=NOW, horizon=WEEK)
        assert {at(1, 0).date(): ("b", "a"), at(2, 0).date(): ("c", "d")} == {
            day: tuple(call.customer_id for call in calls) for day, calls in agenda.by_day().items()
        }

    def test_by_day_uses_the_staff_timezone(self) -> None:
        """A call due 23:30 UTC is on the next day for staff in Tokyo."""
        tokyo = FollowUpPolicy(
            name="tokyo",
            rules=(_rule("normal"),),
            schedule=Schedule.always_open("Asia/Tokyo"),
            calling_window="00:00-24:00",
        )
        agenda = plan(tokyo, [pair("a", "normal", 23.5)], now=NOW, horizon=WEEK)
        assert [dt.date(2026, 3, 10)] == list(agenda.by_day())

    def test_counts_by_rule_and_priority(self) -> None:
        """Counts by rule and by priority name, over the agenda's calls."""
        agenda = plan(POLICY, self.BOOK, now=NOW, horizon=WEEK)
        assert {"low": 1, "normal": 2, "urgent": 1} == agenda.count_by_rule()
        assert {"low": 1, "normal": 2, "urgent": 1} == agenda.count_by_priority()

    @pytest.mark.parametrize(
        ("second", "rules", "by_rule"),
        [
            (("high", 10), ("high", "low"), {"high": 1, "low": 1}),
            (("low", 10.5), ("low",), {"low": 1}),
        ],
        ids=["two-rules", "one-rule-twice"],
    )
    def test_count_by_rule_counts_a_merged_call_once_for_each_of_its_rules(
        self, second: tuple[str, float], rules: tuple[str, ...], by_rule: dict[str, int]
    ) -> None:
        """A call several rules share counts once for each of them, and a call merged
        from two episodes of one rule names it once (it used to name it twice), in its
        rows too, while keeping both keys."""
        who = Customer(id="a", timezone="UTC")
        kind, hour = second
        history = [
            Interaction(id="a-1", customer_id="a", kind="low", at=at(-7, 10)),
            Interaction(id="a-2", customer_id="a", kind=kind, at=at(-7, hour)),
        ]
        agenda = plan(POLICY, [(who, history)], now=NOW, horizon=WEEK)
        assert (1, rules, by_rule) == (len(agenda), agenda.calls[0].rules, agenda.count_by_rule())
        (row,) = agenda.to_rows()
        assert (list(rules), 2) == (row["rules"], len(row["keys"]))

    def test_the_suppressed_counts_are_read_only(self) -> None:
        """``suppressed`` cannot be changed after the fact, and an agenda hashes."""
        agenda = plan(POLICY, [pair("a", "normal", 10, do_not_call=True)], now=NOW, horizon=WEEK)
        with pytest.raises(TypeError):
            agenda.suppressed["do-not-call"] = 0  # type: ignore[index]
        assert hash(agenda) == hash(
            plan(POLICY, [pair("a", "normal", 10, do_not_call=True)], now=NOW, horizon=WEEK)
        )

    def test_a_moved_hand_made_call_keeps_its_zone_name(self) -> None:
        """Two hand-made calls in fixed-offset zones of one offset and two names: each
        keeps its own zone's name, moved by capacity or not."""
        zones = [dt.timezone(dt.timedelta(hours=1), name) for name in ("AAA", "BBB")]
        calls = [
            hand_made(name, due_at=at(1, 10).astimezone(tz), deadline=at(3, 10).astimezone(tz))
            for name, tz in zip(("a", "b"), zones, strict=True)
        ]
        agenda = Agenda.build(
            now=pendulum.datetime(2026, 3, 9, tz="UTC"),
            horizon_end=pendulum.datetime(2026, 3, 16, tz="UTC"),
            schedule=POLICY.schedule,
            capacity=1,
            planned=calls,
            suppressed={},
        )
        moved = agenda.calls[1]
        assert ("AAA", "BBB", "BBB") == (
            agenda.calls[0].due_at.tzname(),
            moved.due_at.tzname(),
            moved.moved_by[0].moved_from.tzname(),
        )


class TestBadBook:
    def test_an_item_that_is_not_a_pair(self) -> None:
        """A bare customer in the book: a facts error naming the item."""
        who, _ = pair("a", "low", 10)
        with pytest.raises(
            FactTypeError, match=r"book item 1 must be a \(customer, interactions\)"
        ):
            plan(POLICY, [pair("z", "low", 10), who], now=NOW, horizon=WEEK)

    def test_a_triple_is_not_a_pair(self) -> None:
        """Three things are not a pair either."""
        who, history = pair("a", "low", 10)
        with pytest.raises(FactsError, match="book item 0 must be"):
            plan(POLICY, [(who, history, None)], now=NOW, horizon=WEEK)

    def test_interactions_of_someone_else(self) -> None:
        """Customer b's interactions under customer c: the message names c, the item and
        the interaction."""
        _, others = pair("b", "low", 10)
        book = [pair("a", "low", 10), pair("x", "low", 10), (Customer(id="c"), others)]
        with pytest.raises(InvalidFactError) as raised:
            plan(POLICY, book, now=NOW, horizon=WEEK)
        assert (
            "book item 2 (customer 'c'): interaction 'b-1' belongs to customer 'b', not to 'c'"
            == str(raised.value)
        )

    def test_not_a_customer(self) -> None:
        """A dict where the customer should be: a type error naming the item."""
        _, history = pair("a", "low", 10)
        with pytest.raises(FactTypeError, match=r"book item 0 \(customer '\?'\)"):
            plan(POLICY, [({"id": "a"}, history)], now=NOW, horizon=WEEK)

    def test_not_a_policy(self) -> None:
        """A policy of the wrong type: a facts error naming what arrived, as evaluate()
        raises."""
        with pytest.raises(FactTypeError, match=r"plan\(\) needs a FollowUpPolicy \(got 'nope'\)"):
            plan("nope", [], now=NOW, horizon=WEEK)  # type: ignore[arg-type]

    def test_a_book_that_is_not_iterable(self) -> None:
        """A book that cannot be iterated: a facts error naming what arrived."""
        with pytest.raises(FactTypeError, match=r"book must be an iterable .*got int"):
            plan(POLICY, 3, now=NOW, horizon=WEEK)  # type: ignore[arg-type]

    def test_a_failing_condition_names_the_item_and_customer(self) -> None:
        """A custom condition that raises: a ConditionError naming the rule, and the book
        item and customer it was evaluated for."""

        @attrs.frozen
        class Broken(Condition):
            def check(self, ctx: Context) -> bool:
                return 1 / len(ctx.customer.id.strip("x")) > 0

        rule = attrs.evolve(_rule("low"), condition=Broken())
        policy = attrs.evolve(POLICY, rules=(rule,))
        book = [pair("a", "low", 10), pair("xx", "low", 10)]
        with pytest.raises(ConditionError) as raised:
            plan(policy, book, now=NOW, horizon=WEEK)
        assert str(raised.value).startswith(
            "book item 1 (customer 'xx'): rule 'low': condition Broken() raised ZeroDivisionError"
        )

    def test_build_refuses_what_is_not_a_call(self) -> None:
        """Agenda.build with a dict among the calls: a facts error naming the item."""
        with pytest.raises(FactTypeError, match=r"planned item 1 must be a Call \(got dict"):
            built([hand_made("a", due_at=at(1, 10), deadline=at(2, 10)), {"key": "b"}])  # type: ignore[list-item]

    def test_build_keeps_the_try_of_a_call_and_refuses_one_out_of_range(self) -> None:
        """A call built by hand as try 2 of 5 comes back so; try 0 is refused by name."""
        call = hand_made("a", due_at=at(1, 10), deadline=at(2, 10), attempt=2, tries=5)
        (back,) = built([call]).calls
        assert (2, 5, call) == (back.attempt, back.tries, back)
        with pytest.raises(InvalidFactError, match=r"attempt a whole number from 1 .* has 0\)"):
            built([attrs.evolve(call, attempt=0)])

    def test_a_now_or_horizon_beyond_the_calendar(self) -> None:
        """A ``now`` in the year 1, or a horizon reaching past the year 9998: errors that
        say so, not a ValueError from deep in the calendar."""
        with pytest.raises(InvalidFactError, match="between the years 2 and 9998"):
            plan(POLICY, [], now=dt.datetime(1, 1, 1, 12, tzinfo=UTC), horizon=WEEK)
        with pytest.raises(InvalidPolicyError, match="horizon reaches past the year 9998"):
            plan(POLICY, [], now=dt.datetime(9990, 1, 1, tzinfo=UTC), horizon=Elapsed(days=36_525))

    @pytest.mark.parametrize(
        ("field", "value", "error", "message"),
        [
            ("planned", None, FactTypeError, r"planned must be an iterable of Calls"),
            ("schedule", None, PolicyTypeError, r"schedule must be a Schedule"),
        ],
        ids=["planned", "schedule"],
    )
    def test_build_refuses_arguments_of_the_wrong_type(
        self, field: str, value: object, error: type[Exception], message: str
    ) -> None:
        """Agenda.build with no calls or no schedule: an error naming the argument."""
        arguments: dict[str, object] = {
            "now": pendulum.datetime(2026, 3, 9, tz="UTC"),
            "horizon_end": pendulum.datetime(2026, 3, 16, tz="UTC"),
            "schedule": POLICY.schedule,
            "capacity": None,
            "planned": [],
            "suppressed": {},
            field: value,
        }
        with pytest.raises(error, match=message):
            Agenda.build(**arguments)  # type: ignore[arg-type]

    def test_a_naive_now(self) -> None:
        """``now`` must be timezone-aware."""
        with pytest.raises(InvalidFactError, match="now must be timezone-aware"):
            plan(POLICY, [], now=NOW.replace(tzinfo=None), horizon=WEEK)


class TestMerge:
    def test_halves_merge_into_the_whole(self) -> None:
        """Planned in two parts and merged, with capacity: the agenda of the whole book."""
        book = [pair(f"c{i}", ("low", "urgent", "normal")[i % 3], 10 + i % 5) for i in range(9)]
        whole = plan(POLICY, book, now=NOW, horizon=WEEK, capacity=2)
        parts = [
            plan(POLICY, part, now=NOW, horizon=WEEK, capacity=2) for part in (book[:4], book[4:])
        ]
        assert whole == Agenda.merge(*parts)

    def test_parts_planned_with_copies_of_a_holiday_calendar_merge(self) -> None:
        """Workers each unpickle the policy, with its ``holidays`` calendar, and look up
        different years (or none): their agendas still merge into the whole."""
        policy = attrs.evolve(
            POLICY,
            schedule=Schedule(
                timezone="America/New_York",
                hours={"mon-fri": "09:00-17:00"},
                holidays=holidays.country_holidays("US"),
            ),
        )
        late = dt.datetime(2026, 12, 30, 15, tzinfo=UTC)
        book = [pair("a", "low", 10, day=-60), pair("b", "normal", 12, day=-60)]
        book = [
            (who, [attrs.evolve(item, at=late - dt.timedelta(days=7)) for item in history])
            for who, history in book
        ]
        blob = pickle.dumps(policy)
        parts = [
            plan(pickle.loads(blob), part, now=late, horizon=Elapsed(days=14), capacity=1)
            for part in (book, [])
        ]
        whole = plan(policy, book, now=late, horizon=Elapsed(days=14), capacity=1)
        assert whole == Agenda.merge(*parts)

    def test_nothing_to_merge(self) -> None:
        """Merging no agendas is an error, not an empty agenda of unknown time."""
        with pytest.raises(InvalidFactError, match="needs at least one agenda"):
            Agenda.merge()

    def test_agendas_of_different_zone_databases_do_not_merge(self) -> None:
        """Agendas planned where the zone database differs may place one call at two
        times: they are refused, naming both versions."""
        first = plan(POLICY, [], now=NOW, horizon=WEEK)
        second = attrs.evolve(first, tz_version="2025b")
        message = f"one version of the zone database \\(got tzdata {tz_version()!r} and '2025b'"
        with pytest.raises(InvalidFactError, match=message):
            Agenda.merge(first, second)

    def test_the_zone_database_is_recorded(self) -> None:
        """An agenda records the version of the zone database it was planned with, built,
        merged or pickled alike."""
        book = [pair(f"c{i}", "urgent", 10 + i) for i in range(2)]
        planned = plan(POLICY, book, now=NOW, horizon=WEEK)
        built = Agenda.build(
            now=planned.now,
            horizon_end=planned.horizon_end,
            schedule=planned.schedule,
            capacity=None,
            planned=list(planned),
            suppressed={},
        )
        merged = Agenda.merge(planned, plan(POLICY, [], now=NOW, horizon=WEEK))
        assert [tz_version()] * 4 == [
            planned.tz_version,
            built.tz_version,
            merged.tz_version,
            pickle.loads(pickle.dumps(planned)).tz_version,
        ]

    def test_agendas_of_different_plans_do_not_merge(self) -> None:
        """Different capacities (or times, horizons, schedules) cannot be merged."""
        first = plan(POLICY, [], now=NOW, horizon=WEEK, capacity=1)
        second = plan(POLICY, [], now=NOW, horizon=WEEK, capacity=2)
        with pytest.raises(InvalidFactError, match="must share now, horizon"):
            Agenda.merge(first, second)

    def test_agendas_of_policies_with_different_gaps_do_not_merge(self) -> None:
        """The minimum gap a capacity move keeps is the policy's: agendas planned with
        two gaps cannot be merged."""
        wider = attrs.evolve(POLICY, caps=ContactCaps(min_gap=Elapsed(hours=30)))
        first = plan(POLICY, [], now=NOW, horizon=WEEK, capacity=1)
        second = plan(wider, [], now=NOW, horizon=WEEK, capacity=1)
        assert (Elapsed(hours=20), Elapsed(hours=30)) == (first.min_gap, second.min_gap)
        with pytest.raises(InvalidFactError, match="and minimum gap"):
            Agenda.merge(first, second)


class TestRepeatedKeys:
    """No agenda holds two calls with one key (promise 5): a customer listed twice, or
    parts of a book that overlap, are refused, naming the customer and the key."""

    def test_a_customer_listed_twice(self) -> None:
        """The same customer and history twice in one book."""
        twice = [pair("a", "low", 10), pair("b", "urgent", 11), pair("a", "low", 10)]
        with pytest.raises(
            InvalidFactError,
            match=r"plan\(\): customer 'a' has two calls with the key 'a/-/low/a-1' \(is the"
            r" customer listed twice in the book\?\)",
        ):
            plan(POLICY, twice, now=NOW, horizon=WEEK)

    def test_a_customer_listed_twice_with_other_facts(self) -> None:
        """The same id with another history that gives one of the same calls."""
        who, history = pair("a", "low", 10)
        more = Interaction(id="a-2", customer_id="a", kind="urgent", at=history[0].at)
        with pytest.raises(
            FactsError, match="customer 'a' has two calls with the key 'a/-/low/a-1'"
        ):
            plan(POLICY, [(who, history), (who, [*history, more])], now=NOW, horizon=WEEK)

    def test_a_key_twice_among_merged_calls(self) -> None:
        """A key that leads one call and is merged into another."""
        who = Customer(id="a", timezone="UTC")
        low = Interaction(id="a-1", customer_id="a", kind="low", at=at(-7, 10))
        urgent = Interaction(id="a-2", customer_id="a", kind="urgent", at=at(-7, 10))
        (merged,) = plan(POLICY, [(who, [low, urgent])], now=NOW, horizon=WEEK)
        (alone,) = plan(POLICY, [(who, [low])], now=NOW, horizon=WEEK)
        assert ("a/-/urgent/a-2", ("a/-/urgent/a-2", "a/-/low/a-1"), "a/-/low/a-1") == (
            merged.key,
            merged.keys,
            alone.key,
        )
        with pytest.raises(InvalidFactError, match="two calls with the key 'a/-/low/a-1'"):
            built([merged, alone])
        with pytest.raises(InvalidFactError, match="two calls with the key 'a/-/low/a-1'"):
            built([alone, attrs.evolve(merged, key="a/-/other/a-9", keys=("a/-/low/a-1",))])

    def test_overlapping_parts_do_not_merge(self) -> None:
        """Parts of a book that share a customer: the merge is refused."""
        book = [pair(f"c{i}", ("low", "urgent", "normal")[i % 3], 10 + i % 5) for i in range(6)]
        parts = [plan(POLICY, part, now=NOW, horizon=WEEK) for part in (book[:4], book[3:])]
        with pytest.raises(
            InvalidFactError,
            match=r"Agenda.merge: customer 'c3' has two calls with the key 'c3/-/low/c3-1'"
            r" \(do the parts of the book overlap\?\)",
        ):
            Agenda.merge(*parts)

    def test_built_by_hand(self) -> None:
        """Two calls built by hand with one key, of two customers: both are named."""
        calls = [hand_made("k", due_at=at(1, 10), deadline=at(3, 10)) for _ in range(2)]
        calls[1] = attrs.evolve(calls[1], customer_id="other")
        with pytest.raises(
            InvalidFactError,
            match=r"Agenda.build\(\): customers 'k' and 'other' have two calls with the key 'k'",
        ):
            built(calls)

    def test_a_customer_listed_twice_without_calls(self) -> None:
        """A repeated customer whose calls are all past the horizon is not caught (only
        what the agenda holds is checked): the agenda still holds no key twice."""
        later = [pair("a", "low", 10, day=14), pair("a", "low", 10, day=14)]
        assert 0 == len(plan(POLICY, later, now=NOW, horizon=WEEK))

    def test_keys_that_differ_are_kept(self) -> None:
        """Many customers, every key once: nothing is refused, every call is there."""
        book = [pair(f"c{i}", KINDS[i % 4], 10 + i % 7) for i in range(40)]
        agenda = plan(POLICY, book, now=NOW, horizon=Elapsed(days=30))
        assert (40, 40) == (len(agenda), len({call.key for call in agenda}))


class TestCallList:
    def _agenda(self) -> Agenda:
        book = [pair(f"c{i}", ("low", "urgent", "normal")[i % 3], 10 + i % 5) for i in range(6)]
        return plan(POLICY, book, now=NOW, horizon=WEEK, capacity=2)

    def test_a_read_only_sequence_of_calls(self) -> None:
        """Indexing, negative indexing and slicing give what a tuple of the calls gives;
        a slice is a CallList too."""
        agenda = self._agenda()
        calls = tuple(agenda)
        assert (6, calls[0], calls[-1]) == (len(agenda.calls), agenda.calls[0], agenda.calls[-1])
        assert calls[1:5:2] == agenda.calls[1:5:2]
        assert isinstance(agenda.calls[1:3], CallList)
        assert [calls.index(call) for call in calls] == [agenda.calls.index(call) for call in calls]

    def test_equality_hash_and_repr(self) -> None:
        """A CallList equals any sequence of equal calls in the same order, hashes as the
        tuple of them, and prints its length, not half a million calls."""
        agenda = self._agenda()
        calls = tuple(agenda)
        assert agenda.calls == calls
        assert agenda.calls == list(calls)
        assert agenda.calls != calls[::-1]
        assert agenda.calls != calls[:-1]
        assert agenda.calls != "not calls"
        assert hash(agenda.calls) == hash(calls)
        assert repr(agenda.calls) == "<CallList of 6 call(s)>"

    def test_an_agenda_pickles(self) -> None:
        """Partitions are planned in other processes: an agenda, moved calls and all,
        comes back equal."""
        agenda = self._agenda()
        assert any(call.moved_by for call in agenda)
        again = pickle.loads(pickle.dumps(agenda))  # our own bytes
        assert (again, tuple(again)) == (agenda, tuple(agenda))

    def test_hand_made_calls_come_back_unchanged(self) -> None:
        """Agenda.build takes any calls: one whose leading key is not its first, whose
        deadline is written in another zone, or whose instant a float cannot hold to the
        microsecond comes back as it went in."""
        new_york = pendulum.timezone("America/New_York")
        due = pendulum.datetime(2026, 3, 9, 10, tz="UTC")

        def call(key: str, **fields: object) -> Call:
            return hand_made(key, **{"due_at": due, "deadline": due.add(days=1), **fields})

        cet = dt.timezone(dt.timedelta(hours=1), "CET")
        # An equal zone of another name, seen first: a pool of datetimes keyed by equal
        # zones would hand back a datetime in it.
        built([call("z", due_at=due.astimezone(dt.timezone(dt.timedelta(hours=1))))]).calls[0]
        made = [
            call("a", keys=("y", "a")),
            call("b", deadline=due.add(days=1).in_timezone(new_york)),
            call("c", due_at=pendulum.datetime(9000, 1, 1, 0, 0, 0, 7, tz="UTC")),
            call("d"),
            call("e", due_at=dt.datetime(2026, 3, 9, 11, tzinfo=cet)),
            call("f", due_at=due.astimezone(cet), deadline=due.add(days=1).astimezone(cet)),
            call("g", priority=1),
        ]
        agenda = built(made)
        kept = {call.key: call for call in agenda}

        def seen(c: Call) -> tuple[object, ...]:
            return (
                c,
                type(c.due_at),
                c.due_at.tzname(),
                c.deadline.tzname(),
                c.due_at.microsecond,
                type(c.priority),
            )

        assert [seen(c) for c in made] == [seen(kept[c.key]) for c in made]
        assert ["y", "a"] == list(kept["a"].keys)

    def test_a_hand_made_call_must_be_timezone_aware(self) -> None:
        """A call's instants are compared as instants: a naive datetime, which would be
        read in the machine's own timezone, is refused."""
        naive = dt.datetime(2026, 3, 9, 10)
        call = hand_made("a", due_at=naive, deadline=naive)
        with pytest.raises(InvalidFactError, match="timezone-aware"):
            built([call])

    def test_any_number_of_zone_objects(self) -> None:
        """Calls written in many distinct zone objects (a fixed offset read from each row,
        say) are numbered without a search, and without running out of numbers."""
        columns = Columns()
        zones = [dt.timezone(dt.timedelta(minutes=n % 599 + 1)) for n in range(70_000)]
        for tz in zones:
            columns.add(
                Raw(
                    customer_id="c",
                    issue_id=None,
                    keys=("k",),
                    rules=("r",),
                    due=0.0,
                    deadline=0.0,
                    tz=tz,
                    priority=1,
                    talking_points=(),
                    extra_mile=False,
                    essential=False,
                    moved_by=(),
                    reach=None,
                    queue=None,
                )
            )
        assert (len(columns), columns.raw(69_999).tz, columns.raw(0).tz) == (
            70_000,
            zones[-1],
            zones[0],
        )
        assert columns.raw(69_999).tz is zones[-1]


class TestOverdue:
    def test_compared_as_instants_across_a_fall_back(self) -> None:
        """01:10 EST comes twenty minutes after 01:50 EDT, although its clock reads
        earlier: a call due then is overdue, for the call, its row and ``at_risk``."""
        new_york = pendulum.timezone("America/New_York")
        deadline = pendulum.datetime(2026, 11, 1, 1, 50, tz=new_york, fold=0)  # EDT, the first
        due = pendulum.datetime(2026, 11, 1, 1, 10, tz=new_york, fold=1)  # EST, the second
        assert (due.utcoffset(), deadline.utcoffset()) == (
            dt.timedelta(hours=-5),
            dt.timedelta(hours=-4),
        )
        call = hand_made("a", due_at=due, deadline=deadline)
        agenda = built([call], now=pendulum.datetime(2026, 10, 30, tz="UTC"))
        assert (True, (call,), True) == (
            call.overdue,
            agenda.at_risk,
            agenda.to_rows()[0]["at_risk"],
        )


class TestExtraMileFlag:
    def test_a_custom_flag_that_answers_truthy_values_gives_a_bool(self) -> None:
        """A custom extra-mile condition may answer any truthy value; the call says True,
        in a decision and in an agenda alike."""

        @attrs.frozen
        class Vip(Condition):
            def check(self, ctx: Context) -> bool:
                return ctx.customer.attributes.get("vip")  # type: ignore[return-value]

        rule = Rule(
            name="r",
            trigger=On("feedback"),
            deadline=DUE + Elapsed(hours=4),
            extra_mile=Vip(),
        )
        policy = FollowUpPolicy(name="p", rules=(rule,), schedule=Schedule.always_open("UTC"))
        customer = Customer(id="c", timezone="UTC", attributes={"vip": "yes"})
        history = [
            Interaction(id="i", customer_id="c", kind="feedback", at=NOW - dt.timedelta(minutes=5))
        ]
        decided = evaluate(policy, customer, history, now=NOW).calls[0]
        planned = plan(policy, [(customer, history)], now=NOW, horizon=WEEK).calls[0]
        assert (True, True, decided) == (decided.extra_mile, planned.extra_mile, planned)


QUEUES = {"urgent": "senior", "high": "senior", "normal": "billing", "low": None}
"""Who makes each rule's calls: senior staff the urgent and high ones, billing the normal
ones; the low ones go to the general queue."""
QUEUED = attrs.evolve(
    POLICY, rules=tuple(attrs.evolve(_rule(name), queue=QUEUES[name]) for name in KINDS)
)


def moves(agenda: Agenda) -> dict[str, tuple[dt.datetime, str | None]]:
    """Each customer's call: where it is due, and the reason of its capacity move."""
    return {
        call.customer_id: (call.due_at, call.moved_by[-1].reason if call.moved_by else None)
        for call in agenda
    }


class TestQueueCapacity:
    """``plan(queue_capacity=...)``: a queue's calls a day, within the day's capacity."""

    def test_a_queue_over_its_capacity_moves_to_its_next_staff_day(self) -> None:
        """Room for two senior calls a day, three due Monday: the third goes at Tuesday's
        opening, saying the senior queue was full; the general call is not limited."""
        book = [
            pair("a", "urgent", 10),
            pair("b", "high", 11),
            pair("c", "high", 12),
            pair("d", "low", 13),
        ]
        agenda = plan(QUEUED, book, now=NOW, horizon=WEEK, queue_capacity={"senior": 2})
        assert {
            "a": (at(1, 10), None),
            "b": (at(1, 11), None),
            "c": (at(2, 9), "capacity: the senior queue was full on 2026-03-09"),
            "d": (at(1, 13), None),
        } == moves(agenda)
        assert (None, {"senior": (2, 2, 2, 2, 2, None, None)}) == (
            agenda.capacity,
            agenda.queue_capacity,
        )
        assert ["senior", "senior", "senior", None] == [call.queue for call in agenda]

    def test_the_queues_and_the_days_capacity_both_hold(self) -> None:
        """Room for three calls a day, one of them senior: on Monday the second senior
        call waits for its queue and the second low call for the day; both go at
        Tuesday's opening, each saying which limit was full."""
        book = [
            pair("a", "urgent", 10),
            pair("b", "high", 11),
            pair("c", "normal", 12),
            pair("d", "low", 13),
            pair("e", "low", 14),
        ]
        agenda = plan(QUEUED, book, now=NOW, horizon=WEEK, capacity=3, queue_capacity={"senior": 1})
        assert {
            "a": (at(1, 10), None),
            "b": (at(2, 9), "capacity: the senior queue was full on 2026-03-09"),
            "c": (at(1, 12), None),
            "d": (at(1, 13), None),
            "e": (at(2, 9), "capacity: the staff day 2026-03-09 was full"),
        } == moves(agenda)

    def test_a_queue_with_room_is_still_limited_by_the_day(self) -> None:
        """The billing queue has room for five, the day for one: billing's second call
        waits for the day, as without a queue capacity."""
        book = [pair("a", "normal", 10), pair("b", "normal", 11)]
        agenda = plan(
            QUEUED, book, now=NOW, horizon=WEEK, capacity=1, queue_capacity={"billing": 5}
        )
        assert {
            "a": (at(1, 10), None),
            "b": (at(2, 9), "capacity: the staff day 2026-03-09 was full"),
        } == moves(agenda)

    def test_a_queue_capacity_by_weekday(self) -> None:
        """``{"mon": 1, "wed": 1}``: the senior queue takes one call on Monday and one on
        Wednesday, and a staff weekday left out has no room, so the third waits for next
        Monday; each names the last day its queue turned it away (a day without room
        among them).  The billing call due Tuesday is not held back."""
        book = [
            pair("a", "urgent", 10),
            pair("b", "high", 11),
            pair("c", "high", 12),
            pair("d", "normal", 10, day=1),
        ]
        agenda = plan(
            QUEUED, book, now=NOW, horizon=WEEK, queue_capacity={"senior": {"mon": 1, "wed": 1}}
        )
        assert {
            "a": (at(1, 10), None),
            "b": (at(3, 9), "capacity: the senior queue was full on 2026-03-10"),
            "c": (at(8, 9), "capacity: the senior queue was full on 2026-03-13"),
            "d": (at(2, 10), None),
        } == moves(agenda)
        assert {"senior": (1, 0, 1, 0, 0, None, None)} == agenda.queue_capacity

    def test_a_call_merged_into_another_queue_counts_there(self) -> None:
        """A customer's high and normal calls merge into one senior call: it counts
        against the senior queue, not billing."""
        who = Customer(id="m", timezone="UTC")
        history = [
            Interaction(id=f"m-{kind}", customer_id="m", kind=kind, at=at(-7, 10))
            for kind in ("high", "normal")
        ]
        book = [pair("a", "urgent", 10), (who, history)]
        agenda = plan(
            QUEUED,
            book,
            now=NOW,
            horizon=WEEK,
            queue_capacity={"senior": 1, "billing": 5},
        )
        (merged,) = [call for call in agenda if call.customer_id == "m"]
        assert (("high", "normal"), "senior", at(2, 9)) == (
            merged.rules,
            merged.queue,
            merged.due_at,
        )

    def test_partitions_merge_into_the_whole(self) -> None:
        """Planned in parts with queue capacities and merged: the agenda of the whole."""
        book = [pair(f"c{i}", KINDS[i % 4], 10 + i % 5, day=i % 3) for i in range(12)]
        limits: dict[str, int | dict[str, int]] = {"senior": 1, "billing": {"mon": 1, "tue": 2}}
        whole = plan(QUEUED, book, now=NOW, horizon=WEEK, capacity=3, queue_capacity=limits)
        parts = [
            plan(QUEUED, part, now=NOW, horizon=WEEK, capacity=3, queue_capacity=limits)
            for part in (book[:5], book[5:])
        ]
        assert any(call.moved_by for call in whole)
        assert whole == Agenda.merge(*parts)

    def test_agendas_of_different_queue_capacities_do_not_merge(self) -> None:
        """Agendas planned with different queue capacities cannot be merged."""
        first = plan(QUEUED, [], now=NOW, horizon=WEEK, queue_capacity={"senior": 1})
        second = plan(QUEUED, [], now=NOW, horizon=WEEK, queue_capacity={"senior": 2})
        with pytest.raises(InvalidFactError, match="queue capacity and minimum gap"):
            Agenda.merge(first, second)

    def test_build_takes_queue_capacity_as_plan_does(self) -> None:
        """Agenda.build limits hand-made calls by their queue too, with no policy to check
        the queue names against."""
        calls = [
            hand_made(cid, due_at=at(1, 10), deadline=at(3, 10), queue="night-desk") for cid in "ab"
        ]
        agenda = Agenda.build(
            now=pendulum.datetime(2026, 3, 9, tz="UTC"),
            horizon_end=pendulum.datetime(2026, 3, 16, tz="UTC"),
            schedule=POLICY.schedule,
            capacity=None,
            planned=calls,
            suppressed={},
            queue_capacity={"night-desk": 1},
        )
        assert [at(1, 10), at(2, 9)] == [call.due_at for call in agenda]

    @pytest.mark.parametrize(
        ("policy", "message"),
        [
            (
                QUEUED,
                (
                    r"plan\(\) queue_capacity names 'senoir', a queue no rule of the policy"
                    r" 'plan-tests' uses \(its rules' queues: 'billing', 'senior'\)"
                ),
            ),
            (POLICY, r"names 'senoir', .* \(its rules' queues: none\)"),
        ],
    )
    def test_a_queue_no_rule_uses_is_refused(self, policy: FollowUpPolicy, message: str) -> None:
        """A misspelt queue would leave the real one unlimited without a word: a queue
        capacity must name a queue of one of the policy's rules."""
        with pytest.raises(InvalidPolicyError, match=message):
            plan(policy, [], now=NOW, horizon=WEEK, queue_capacity={"senoir": 2})

    @pytest.mark.parametrize(
        ("queue_capacity", "error", "message"),
        [
            (5, PolicyTypeError, r"queue_capacity must map queue names to capacities"),
            ({3: 1}, PolicyTypeError, r"queue_capacity keys must be queue names \(got int 3\)"),
            ({" ": 1}, InvalidPolicyError, r"queue_capacity keys must be non-empty"),
            ({"senior": None}, PolicyTypeError, r"queue_capacity\['senior'\] .*\(got None\)"),
            (
                {"senior": -1},
                InvalidPolicyError,
                r"queue_capacity\['senior'\] must be zero or more calls a day \(got -1\)",
            ),
            ({"senior": 1.5}, PolicyTypeError, r"queue_capacity\['senior'\] must be a whole"),
            (
                {"senior": {"monday": 1}},
                InvalidPolicyError,
                r"queue_capacity\['senior'\] keys must be weekdays",
            ),
            (
                {"senior": 0},
                InvalidPolicyError,
                r"queue_capacity\['senior'\] leaves no room for a call on any staff day",
            ),
        ],
    )
    def test_bad_queue_capacity_is_a_policy_error(
        self, queue_capacity: object, error: type[PolicyError], message: str
    ) -> None:
        """A queue capacity is checked as ``capacity`` is, and the message names the
        queue."""
        with pytest.raises(error, match=message):
            plan(QUEUED, [], now=NOW, horizon=WEEK, queue_capacity=queue_capacity)  # type: ignore[arg-type]

    def test_a_queue_with_room_only_where_the_day_has_none_is_refused(self) -> None:
        """The senior queue has room on Mondays only, the day on Tuesdays only: senior
        calls would wait for ever, so the pair is refused; on a common day it is taken."""
        with pytest.raises(
            InvalidPolicyError,
            match=r"queue_capacity\['senior'\] has room only on staff days that capacity"
            r" leaves no room on",
        ):
            plan(
                QUEUED,
                [],
                now=NOW,
                horizon=WEEK,
                capacity={"tue": 1},
                queue_capacity={"senior": {"mon": 1}},
            )
        agenda = plan(
            QUEUED,
            [],
            now=NOW,
            horizon=WEEK,
            capacity={"tue": 1, "mon": 1},
            queue_capacity={"senior": {"mon": 1}},
        )
        assert {"senior": (1, 0, 0, 0, 0, None, None)} == agenda.queue_capacity


class TestQueueColumns:
    """The agenda keeps each call's queue, pooled."""

    def test_the_queue_comes_back_from_the_columns(self) -> None:
        """Calls of three queues: each made again with its own queue, equal to the
        engine's own, and in its row."""
        book = [pair(f"c{i}", KINDS[i % 4], 10 + i % 5) for i in range(8)]
        agenda = plan(QUEUED, book, now=NOW, horizon=WEEK)
        engine = {
            call.key: call
            for customer, history in book
            for call in evaluate(QUEUED, customer, history, now=NOW).calls
        }
        assert {key: call.queue for key, call in engine.items()} == {
            call.key: call.queue for call in agenda
        }
        assert [QUEUES[row["rules"][0]] for row in agenda.to_rows()] == [
            row["queue"] for row in agenda.to_rows()
        ]
        assert sorted(engine.values(), key=lambda c: c.key) == sorted(agenda, key=lambda c: c.key)

    def test_queues_are_pooled(self) -> None:
        """A thousand calls of two queues keep three names (the general queue's too) and
        a small number a call; a pickled agenda keeps numbering them alike."""
        columns = Columns()
        for index in range(1_000):
            columns.add(
                Raw(
                    customer_id="c",
                    issue_id=None,
                    keys=(f"k{index}",),
                    rules=("r",),
                    due=0.0,
                    deadline=0.0,
                    tz=UTC,
                    priority=1,
                    talking_points=(),
                    extra_mile=False,
                    essential=False,
                    moved_by=(),
                    reach=None,
                    queue=("senior", "billing", None)[index % 3],
                )
            )
        assert ([None, "senior", "billing"], 4) == (columns.queues, columns.queue.itemsize)
        again = pickle.loads(pickle.dumps(columns))  # our own bytes
        again.add(columns.raw(1))
        assert ([None, "senior", "billing"], "billing") == (again.queues, again.raw(1_000).queue)

    def test_a_hand_made_call_keeps_its_queue(self) -> None:
        """Agenda.build keeps a hand-made call's queue."""
        calls = [hand_made("a", due_at=at(1, 10), deadline=at(2, 10), queue="billing")]
        assert ["billing"] == [call.queue for call in built(calls)]

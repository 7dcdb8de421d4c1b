"""Story tables for calling windows by weekday and per rule, and for deadlines pulled back
into the moments a call may be made (issue 14, point 4).

The customer lives in Berlin: CET (UTC+1) until the clocks go forward on Sunday 29 March
2026, CEST (UTC+2) after.  Monday 9 March 2026 is an ordinary Monday.
"""

from __future__ import annotations

import datetime as dt

import pytest

from extramile import (
    DUE,
    LAST_CONTACT,
    TRIGGER,
    Customer,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    Local,
    On,
    Rule,
    Schedule,
    WeeklyWindow,
    Window,
    evaluate,
    plan,
    starter_policy,
)
from extramile.conditions import attr
from scenario_helpers import at, event, utc

BERLIN = "Europe/Berlin"
CUSTOMER = Customer(id="c-1", timezone=BERLIN, tier="premium")
SUNDAYS_OFF = {"mon-sat": "09:00-19:00"}

OUTAGE = Rule(
    name="premium-outage",
    trigger=On("issue.opened"),
    condition=attr("category").equals("outage"),
    due=TRIGGER,
    deadline=DUE + Elapsed(hours=2),
    priority="urgent",
    talking_point="Tell them what we know about the outage.",
    extra_mile=True,
    calling_window=SUNDAYS_OFF,
)
STAFF = Schedule(timezone=BERLIN, hours={"mon-fri": "09:00-17:00"})
POLICY = FollowUpPolicy(name="premium", rules=[OUTAGE], schedule=STAFF)


def outage(when: str, ident: str = "o-1") -> Interaction:
    """An outage reported by the customer at ``when``."""
    return event(ident, "issue.opened", when, issue_id="t-1", attributes={"category": "outage"})


class TestPremiumOutage:
    """ "Premium outage: call within 2 hours, 09:00-19:00 customer-local, never on Sunday"."""

    def test_the_deadline_after_the_window_closes_is_pulled_back_to_its_close(self) -> None:
        """Reported on Monday at 18:30 CET (17:30Z): due at once, and "within 2 hours"
        (20:30) falls after the window closes at 19:00, so the deadline is 19:00 CET
        (18:00Z), and the call says why."""
        decision = evaluate(
            POLICY,
            CUSTOMER,
            [outage("2026-03-09T17:30:00+00:00")],
            now=at("2026-03-09T17:31:00+00:00"),
        )
        (call,) = decision.calls
        assert ("2026-03-09T17:31:00+00:00", "2026-03-09T18:00:00+00:00", False) == (
            utc(call.due_at),
            utc(call.deadline),
            call.at_risk,
        )
        (move,) = call.moved_by
        assert (
            "calling-window",
            "deadline",
            "2026-03-09T19:30:00+00:00",
            "2026-03-09T18:00:00+00:00",
            (
                "deadline pulled back from Mon 2026-03-09 20:30 CET to Mon 2026-03-09 19:00"
                " CET, the end of the last moment the call may be made: the calling window"
                " in Europe/Berlin (mon-sat 09:00-19:00) closed at Mon 2026-03-09 20:30 CET"
            ),
        ) == (move.constraint, move.target, utc(move.moved_from), utc(move.moved_to), move.reason)
        assert "deadline pulled back from Mon 2026-03-09 20:30 CET" in decision.explain()

    def test_a_deadline_inside_the_window_stays(self) -> None:
        """Reported at 10:00 CET: by 12:00, nothing moved."""
        decision = evaluate(
            POLICY,
            CUSTOMER,
            [outage("2026-03-09T09:00:00+00:00")],
            now=at("2026-03-09T09:00:00+00:00"),
        )
        (call,) = decision.calls
        assert ("2026-03-09T11:00:00+00:00", ()) == (utc(call.deadline), call.moved_by)

    def test_never_on_sunday_and_the_deadline_moves_with_the_call_first(self) -> None:
        """Reported on Sunday 8 March at 08:30 CET: no call on Sunday, so Monday at 09:00
        (08:00Z), 24.5 hours later.  The deadline moves as far first (10:30 Sunday to
        11:00 Monday: inside the window, so it stays); the explanation shows the move."""
        decision = evaluate(
            POLICY,
            CUSTOMER,
            [outage("2026-03-08T07:30:00+00:00")],
            now=at("2026-03-08T07:30:00+00:00"),
        )
        (call,) = decision.calls
        assert ("2026-03-09T08:00:00+00:00", "2026-03-09T10:00:00+00:00") == (
            utc(call.due_at),
            utc(call.deadline),
        )
        assert [("calling-window", "due")] == [(m.constraint, m.target) for m in call.moved_by]

    def test_pushed_then_pulled_back_the_explanation_shows_both(self) -> None:
        """A rule with twelve hours' slack, reported on Sunday at 08:30 CET: pushed to
        Monday 09:00 (24.5 hours), its deadline moves from Sunday 20:30 to Monday 21:00
        first, then is pulled back to Monday's close, 19:00 CET (18:00Z)."""
        slack = Rule(
            name="premium-outage",
            trigger=On("issue.opened"),
            due=TRIGGER,
            deadline=DUE + Elapsed(hours=12),
            extra_mile=True,
            calling_window=SUNDAYS_OFF,
        )
        policy = FollowUpPolicy(name="p", rules=[slack], schedule=STAFF)
        decision = evaluate(
            policy,
            CUSTOMER,
            [outage("2026-03-08T07:30:00+00:00")],
            now=at("2026-03-08T07:30:00+00:00"),
        )
        (call,) = decision.calls
        assert ("2026-03-09T08:00:00+00:00", "2026-03-09T18:00:00+00:00") == (
            utc(call.due_at),
            utc(call.deadline),
        )
        assert [
            ("due", "2026-03-08T07:30:00+00:00", "2026-03-09T08:00:00+00:00"),
            ("deadline", "2026-03-09T20:00:00+00:00", "2026-03-09T18:00:00+00:00"),
        ] == [(m.target, utc(m.moved_from), utc(m.moved_to)) for m in call.moved_by]
        ((episode,),) = [t.episodes for t in decision.trace if t.rule == "premium-outage"]
        assert episode.detail.endswith(
            "by 2026-03-09T18:00:00+00:00, moved with the call from 2026-03-08T19:30:00+00:00"
            " (12 hours elapsed after the due time); pulled back from 2026-03-09T20:00:00+00:00,"
            " where the call may not be made"
        )

    def test_the_week_the_clocks_go_forward(self) -> None:
        """Reported on Saturday 28 March at 18:30 CET (17:30Z): by 19:00 CET (18:00Z).
        Reported at 20:00 CET (19:00Z): Sunday is closed, so Monday 30 March at 09:00
        CEST (07:00Z), and its deadline moves as far (36 hours): 11:00 CEST (09:00Z)."""
        evening = evaluate(
            POLICY,
            CUSTOMER,
            [outage("2026-03-28T17:30:00+00:00")],
            now=at("2026-03-28T17:30:00+00:00"),
        )
        late = evaluate(
            POLICY,
            CUSTOMER,
            [outage("2026-03-28T19:00:00+00:00")],
            now=at("2026-03-28T19:00:00+00:00"),
        )
        assert [
            ("2026-03-28T17:30:00+00:00", "2026-03-28T18:00:00+00:00"),
            ("2026-03-30T07:00:00+00:00", "2026-03-30T09:00:00+00:00"),
        ] == [(utc(c.due_at), utc(c.deadline)) for d in (evening, late) for c in d.calls]

    def test_the_same_through_plan(self) -> None:
        """plan() gives the same call, with the same reason."""
        history = [outage("2026-03-09T17:30:00+00:00")]
        decided = evaluate(POLICY, CUSTOMER, history, now=at("2026-03-09T17:31:00+00:00")).calls
        planned = plan(
            POLICY,
            [(CUSTOMER, history)],
            now=at("2026-03-09T17:31:00+00:00"),
            horizon=Elapsed(days=1),
        ).calls
        assert list(decided) == list(planned)


class TestStaffHoursAndHolidays:
    """A rule that is not extra-mile: its deadline is pulled back into staff hours too."""

    RULE = Rule(
        name="next-day",
        trigger=On("issue.opened"),
        due=TRIGGER,
        deadline=DUE + Local(days=1),
        calling_window=SUNDAYS_OFF,
    )

    def test_a_deadline_on_a_holiday_is_pulled_back_to_the_last_staff_close(self) -> None:
        """Good Friday, 3 April 2026, is a holiday.  Reported on Thursday at 15:00 CEST
        (13:00Z): by a local day later, on the holiday, so by Thursday's close at 17:00
        CEST (15:00Z); the reason names staff hours."""
        staff = Schedule(
            timezone=BERLIN, hours={"mon-fri": "09:00-17:00"}, holidays={dt.date(2026, 4, 3)}
        )
        policy = FollowUpPolicy(name="p", rules=[self.RULE], schedule=staff)
        decision = evaluate(
            policy,
            CUSTOMER,
            [outage("2026-04-02T13:00:00+00:00")],
            now=at("2026-04-02T13:00:00+00:00"),
        )
        (call,) = decision.calls
        assert "2026-04-02T15:00:00+00:00" == utc(call.deadline)
        (move,) = call.moved_by
        assert ("staff-hours", "deadline") == (move.constraint, move.target)
        assert move.reason.endswith(
            "staff hours in Europe/Berlin closed at Fri 2026-04-03 15:00 CEST"
        )

    def test_without_the_holiday_the_deadline_stays(self) -> None:
        """The same on an ordinary week: by Friday 15:00 CEST, inside staff hours."""
        policy = FollowUpPolicy(name="p", rules=[self.RULE], schedule=STAFF)
        decision = evaluate(
            policy,
            CUSTOMER,
            [outage("2026-04-09T13:00:00+00:00")],
            now=at("2026-04-09T13:00:00+00:00"),
        )
        (call,) = decision.calls
        assert ("2026-04-10T13:00:00+00:00", ()) == (utc(call.deadline), call.moved_by)


class TestAtRisk:
    """No moment the call may be made lies between its due time and its deadline."""

    def test_the_deadline_stays_and_the_call_is_at_risk(self) -> None:
        """Due a day after the last contact but by 30 hours after the issue was opened:
        opened on Monday 9 March at 20:30 CET (19:30Z), last contact Tuesday 10:00 CET,
        so due Wednesday at 10:00 CET, after its deadline, Wednesday 02:30 CET, which
        falls outside the window: it stays, and the call is at risk."""
        rule = Rule(
            name="odd",
            trigger=On("issue.opened"),
            due=LAST_CONTACT + Local(days=1),
            deadline=TRIGGER + Elapsed(hours=30),
            extra_mile=True,
        )
        policy = FollowUpPolicy(name="p", rules=[rule], schedule=STAFF, calling_window=SUNDAYS_OFF)
        history = [
            outage("2026-03-09T19:30:00+00:00"),
            event("u-1", "issue.updated", "2026-03-10T09:00:00+00:00", issue_id="t-1"),
        ]
        decision = evaluate(policy, CUSTOMER, history, now=at("2026-03-10T09:30:00+00:00"))
        (call,) = decision.calls
        assert (
            "2026-03-11T09:00:00+00:00",
            "2026-03-11T01:30:00+00:00",
            True,
            True,
        ) == (utc(call.due_at), utc(call.deadline), call.overdue, call.at_risk)
        (move,) = call.moved_by
        assert move.reason.startswith("deadline Wed 2026-03-11 02:30 CET kept, at risk:")
        assert "(overdue) (at risk)" in decision.explain()


class TestWhoseWindow:
    """The customer's own hours, else the rule's, else the policy's."""

    LATE = Rule(
        name="late",
        trigger=On("issue.opened"),
        due=TRIGGER,
        deadline=DUE + Elapsed(hours=2),
        extra_mile=True,
    )

    def test_the_customers_own_hours_come_before_the_rules(self) -> None:
        """A customer who may be called 08:00-21:00 every day ({"start", "end"}: one daily
        window): the outage rule's 19:00 close does not apply; by 20:30 CET."""
        own = Customer(id="c-1", timezone=BERLIN, calling_hours={"start": "08:00", "end": "21:00"})
        decision = evaluate(
            POLICY, own, [outage("2026-03-09T17:30:00+00:00")], now=at("2026-03-09T17:30:00+00:00")
        )
        assert ["2026-03-09T19:30:00+00:00"] == [utc(c.deadline) for c in decision.calls]

    def test_a_customers_weekday_hours(self) -> None:
        """A customer to be called on weekdays 10:00-16:00 only: reported on Saturday,
        called on Monday at 10:00 CET (09:00Z)."""
        own = Customer(id="c-1", timezone=BERLIN, calling_hours={"mon-fri": "10:00-16:00"})
        assert WeeklyWindow({"mon-fri": "10:00-16:00"}) == own.calling_hours
        decision = evaluate(
            POLICY, own, [outage("2026-03-07T12:00:00+00:00")], now=at("2026-03-07T12:00:00+00:00")
        )
        assert [("2026-03-09T09:00:00+00:00", "2026-03-09T11:00:00+00:00")] == [
            (utc(c.due_at), utc(c.deadline)) for c in decision.calls
        ]

    def test_the_rules_window_comes_before_the_policys(self) -> None:
        """The policy's window is 08:00-21:00: a rule without its own keeps 20:30."""
        policy = FollowUpPolicy(name="p", rules=[self.LATE], schedule=STAFF)
        decision = evaluate(
            policy,
            CUSTOMER,
            [outage("2026-03-09T17:30:00+00:00")],
            now=at("2026-03-09T17:30:00+00:00"),
        )
        assert ["2026-03-09T19:30:00+00:00"] == [utc(c.deadline) for c in decision.calls]

    @pytest.mark.parametrize("window", [SUNDAYS_OFF, WeeklyWindow(SUNDAYS_OFF)])
    def test_the_policys_weekday_window(self, window: object) -> None:
        """The starter policy with calling_window={"mon-sat": "09:00-19:00"}: a duplicate
        charge on Sunday 8 March at 12:00 CET is called back on Monday at 09:00 CET."""
        policy = starter_policy(company_timezone=BERLIN, calling_window=window)  # type: ignore[arg-type]  # both kinds
        assert WeeklyWindow(SUNDAYS_OFF) == policy.calling_window
        charge = event("ch-1", "billing.duplicate_charge", "2026-03-08T11:00:00+00:00")
        decision = evaluate(policy, CUSTOMER, [charge], now=at("2026-03-08T11:00:00+00:00"))
        assert ["2026-03-09T08:00:00+00:00"] == [utc(c.due_at) for c in decision.calls]

    def test_two_rules_two_windows(self) -> None:
        """Two rules on the same report, one with the Sunday-off window and one with the
        policy's: on Sunday at 12:00 CET, the second goes at once and the first on Monday
        (their windows do not overlap, so they are two calls)."""
        policy = FollowUpPolicy(name="p", rules=[OUTAGE, self.LATE], schedule=STAFF)
        decision = evaluate(
            policy,
            CUSTOMER,
            [outage("2026-03-08T11:00:00+00:00")],
            now=at("2026-03-08T11:00:00+00:00"),
        )
        assert [
            (("late",), "2026-03-08T11:00:00+00:00"),
            (("premium-outage",), "2026-03-09T08:00:00+00:00"),
        ] == sorted((c.rules, utc(c.due_at)) for c in decision.calls)

    def test_a_daily_mapping_is_a_window(self) -> None:
        """The same hours every day are one daily window."""
        policy = FollowUpPolicy(
            name="p", rules=[self.LATE], schedule=STAFF, calling_window={"mon-sun": "09:00-19:00"}
        )
        assert Window("09:00", "19:00") == policy.calling_window

"""Story tables for the starter policy: one history, one ``now``, the exact calls expected.

Each class re-enacts one of the canonical situations (S1-S5 of the product brief) with
exact instants, written in UTC so that local times are spelled out in the docstrings.
"""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from extramile import (
    Customer,
    Decision,
    FollowUpPolicy,
    Interaction,
    Priority,
    evaluate,
    starter_policy,
)
from scenario_helpers import PROGRAMMES, at, event, outcomes, utc

# ---------------------------------------------------------------------------------------
# S4: a duplicate charge, called back within 15 minutes
# ---------------------------------------------------------------------------------------

NEW_YORK = starter_policy(company_timezone="America/New_York")
NY_CUSTOMER = Customer(id="c-1", timezone="America/New_York", tier="silver")
CHARGE = event(
    "ch-1",
    "billing.duplicate_charge",
    "2026-11-25T16:00:00+00:00",
    attributes={"amount": 42.5},
)
CHARGE_KEY = "c-1/-/duplicate-charge-callback/ch-1"


class TestDuplicateChargeCallback:
    """S4: a customer in New York charged twice at 11:00 EST on Wednesday 25 November."""

    def test_urgent_extra_mile_call_within_fifteen_minutes(self) -> None:
        """A minute later: one urgent, essential, extra-mile call due at once, by 16:15Z."""
        decision = evaluate(NEW_YORK, NY_CUSTOMER, [CHARGE], now=at("2026-11-25T16:01:00+00:00"))
        (call,) = decision.calls
        assert ("2026-11-25T16:01:00+00:00", "2026-11-25T16:15:00+00:00") == (
            utc(call.due_at),
            utc(call.deadline),
        )
        assert (Priority.URGENT, True, True) == (call.priority, call.extra_mile, call.essential)
        assert (CHARGE_KEY, (CHARGE_KEY,), ("duplicate-charge-callback",)) == (
            call.key,
            call.keys,
            call.rules,
        )
        assert ("c-1", None, ()) == (call.customer_id, call.issue_id, decision.suppressed)

    def test_times_are_in_the_customer_timezone(self) -> None:
        """The call's times come back in the customer's own zone: 11:01 and 11:15 EST."""
        decision = evaluate(NEW_YORK, NY_CUSTOMER, [CHARGE], now=at("2026-11-25T16:01:00+00:00"))
        (call,) = decision.calls
        assert ("2026-11-25T11:01:00-05:00", "2026-11-25T11:15:00-05:00") == (
            call.due_at.isoformat(),
            call.deadline.isoformat(),
        )

    def test_recorded_call_satisfies_it(self) -> None:
        """After the call is made at 16:05Z (recorded with ``Call.record``), evaluating at
        16:10Z recommends nothing, and the trace says which call satisfied it."""
        (call,) = evaluate(
            NEW_YORK, NY_CUSTOMER, [CHARGE], now=at("2026-11-25T16:01:00+00:00")
        ).calls
        made = call.record(id="out-1", at=at("2026-11-25T16:05:00+00:00"), agent="ana")
        decision = evaluate(
            NEW_YORK, NY_CUSTOMER, [CHARGE, made], now=at("2026-11-25T16:10:00+00:00")
        )
        assert () == decision.calls
        assert [(CHARGE_KEY, "satisfied")] == outcomes(decision, "duplicate-charge-callback")

    def test_plain_outbound_call_satisfies_it(self) -> None:
        """A plain outbound ``call`` interaction at 16:05Z (not made with ``record``) does too."""
        made = event(
            "out-1",
            "call",
            "2026-11-25T16:05:00+00:00",
            direction="outbound",
            channel="phone",
            outcome="reached",
        )
        decision = evaluate(
            NEW_YORK, NY_CUSTOMER, [made, CHARGE], now=at("2026-11-25T16:10:00+00:00")
        )
        assert () == decision.calls

    def test_inbound_call_does_not_satisfy_it(self) -> None:
        """The customer phoning us at 16:05Z is not us calling them: the call is still due."""
        rang = event("in-1", "call", "2026-11-25T16:05:00+00:00", channel="phone")
        decision = evaluate(
            NEW_YORK, NY_CUSTOMER, [CHARGE, rang], now=at("2026-11-25T16:10:00+00:00")
        )
        assert [(CHARGE_KEY, "2026-11-25T16:10:00+00:00")] == [
            (c.key, utc(c.due_at)) for c in decision.calls
        ]

    def test_outbound_call_before_the_charge_does_not_satisfy_it(self) -> None:
        """A call made at 15:30Z, before the charge, satisfies nothing about it."""
        earlier = event(
            "out-0", "call", "2026-11-25T15:30:00+00:00", direction="outbound", channel="phone"
        )
        decision = evaluate(
            NEW_YORK, NY_CUSTOMER, [earlier, CHARGE], now=at("2026-11-25T16:01:00+00:00")
        )
        assert [CHARGE_KEY] == [c.key for c in decision.calls]

    def test_second_charge_is_a_new_episode_with_a_new_key(self) -> None:
        """After the first call, a second duplicate charge at 17:00Z gets its own call,
        due at once, by 17:15Z, under a new key."""
        (call,) = evaluate(
            NEW_YORK, NY_CUSTOMER, [CHARGE], now=at("2026-11-25T16:01:00+00:00")
        ).calls
        made = call.record(id="out-1", at=at("2026-11-25T16:05:00+00:00"))
        again = event("ch-2", "billing.duplicate_charge", "2026-11-25T17:00:00+00:00")
        decision = evaluate(
            NEW_YORK, NY_CUSTOMER, [CHARGE, made, again], now=at("2026-11-25T17:00:00+00:00")
        )
        assert [
            (
                "c-1/-/duplicate-charge-callback/ch-2",
                "2026-11-25T17:00:00+00:00",
                "2026-11-25T17:15:00+00:00",
            )
        ] == [(c.key, utc(c.due_at), utc(c.deadline)) for c in decision.calls]

    def test_re_evaluating_returns_the_same_key(self) -> None:
        """Asked again at 16:12Z without a call made: the same key, never a second call."""
        first = evaluate(NEW_YORK, NY_CUSTOMER, [CHARGE], now=at("2026-11-25T16:01:00+00:00"))
        later = evaluate(NEW_YORK, NY_CUSTOMER, [CHARGE], now=at("2026-11-25T16:12:00+00:00"))
        assert [c.keys for c in first.calls] == [c.keys for c in later.calls]

    def test_charge_logged_by_the_billing_system_at_night_waits_for_the_window(self) -> None:
        """A charge the billing system logs at 03:00 EST on a Sunday is not the customer's
        own contact: the extra-mile call waits for 08:00 EST (13:00Z), and its 15-minute
        deadline moves with it."""
        night = event("ch-9", "billing.duplicate_charge", "2026-11-29T08:00:00+00:00")
        decision = evaluate(NEW_YORK, NY_CUSTOMER, [night], now=at("2026-11-29T08:01:00+00:00"))
        assert [("2026-11-29T13:00:00+00:00", "2026-11-29T13:15:00+00:00")] == [
            (utc(c.due_at), utc(c.deadline)) for c in decision.calls
        ]
        assert ["calling-window"] == [m.constraint for m in decision.calls[0].moved_by]

    def test_customer_phoning_at_night_is_called_back_at_once(self) -> None:
        """When the customer phones in the charge themselves at 03:00 EST, calling back
        within the hour is a callback, not an unsolicited call: due at 03:01 EST."""
        night = event(
            "ch-9", "billing.duplicate_charge", "2026-11-29T08:00:00+00:00", channel="phone"
        )
        decision = evaluate(NEW_YORK, NY_CUSTOMER, [night], now=at("2026-11-29T08:01:00+00:00"))
        assert [("2026-11-29T08:01:00+00:00", "2026-11-29T08:15:00+00:00")] == [
            (utc(c.due_at), utc(c.deadline)) for c in decision.calls
        ]

    def test_lapses_a_week_after_the_deadline(self) -> None:
        """Never made, the call is given up 7 local days after its deadline."""
        decision = evaluate(NEW_YORK, NY_CUSTOMER, [CHARGE], now=at("2026-12-02T16:16:00+00:00"))
        assert ((), [(CHARGE_KEY, "lapsed")]) == (
            decision.calls,
            outcomes(decision, "duplicate-charge-callback"),
        )


# ---------------------------------------------------------------------------------------
# S3: a price increase announced before the bill
# ---------------------------------------------------------------------------------------

CHICAGO = starter_policy(company_timezone="America/Chicago")
CHICAGO_CUSTOMER = Customer(id="c-1", timezone="America/Chicago")


def price_change(increase: float, noticed: str = "2026-12-01T15:00:00+00:00") -> Interaction:
    """A price change noticed at ``noticed``, billed on 20 December 2026."""
    return event(
        "pc-1",
        "billing.price_change",
        noticed,
        attributes={"increase_pct": increase, "bill_date": "2026-12-20"},
    )


class TestPriceHeadsUp:
    """S3: customer and company in Chicago; the bill arrives on Sunday 20 December 2026."""

    def test_call_seven_local_days_before_the_bill_at_the_next_opening(self) -> None:
        """A 15% increase: due on 13 December (a Sunday), so on Monday 14th at 09:00 CST
        (15:00Z); by the start of the bill date, 00:00 CST on the 20th, a Sunday, pulled
        back to when staff last close before it: Friday 18th at 17:00 CST (23:00Z)."""
        decision = evaluate(
            CHICAGO, CHICAGO_CUSTOMER, [price_change(15)], now=at("2026-12-01T16:00:00+00:00")
        )
        (call,) = decision.calls
        assert (
            "2026-12-14T15:00:00+00:00",
            "2026-12-18T23:00:00+00:00",
            Priority.NORMAL,
            False,
            "c-1/-/price-heads-up/pc-1",
        ) == (utc(call.due_at), utc(call.deadline), call.priority, call.extra_mile, call.key)
        assert [
            ("calling-window", "due"),
            ("staff-hours", "due"),
            ("calling-window", "deadline"),
        ] == [(m.constraint, m.target) for m in call.moved_by]
        assert (
            "deadline pulled back from Sun 2026-12-20 00:00 CST to Fri 2026-12-18 17:00 CST,"
            " the end of the last moment the call may be made: the calling window in"
            " America/Chicago (08:00-21:00) and staff hours in America/Chicago closed at"
            " Sun 2026-12-20 00:00 CST"
        ) == call.moved_by[-1].reason

    def test_increase_at_the_threshold_fires(self) -> None:
        """Exactly 10% is enough."""
        decision = evaluate(
            CHICAGO, CHICAGO_CUSTOMER, [price_change(10)], now=at("2026-12-01T16:00:00+00:00")
        )
        assert ["price-heads-up"] == [r for c in decision.calls for r in c.rules]

    def test_small_increase_gets_no_call_and_says_what_it_saw(self) -> None:
        """9.5% is under the threshold: no call, and the explanation quotes 9.5."""
        decision = evaluate(
            CHICAGO, CHICAGO_CUSTOMER, [price_change(9.5)], now=at("2026-12-01T16:00:00+00:00")
        )
        assert () == decision.calls
        assert "increase_pct was 9.5" in decision.explain()
        assert [("c-1/-/price-heads-up/pc-1", "not-fired")] == outcomes(decision, "price-heads-up")

    def test_threshold_is_configurable(self) -> None:
        """With a 5% threshold, 9.5% warrants the call."""
        policy = starter_policy(company_timezone="America/Chicago", price_increase_threshold=5)
        decision = evaluate(
            policy, CHICAGO_CUSTOMER, [price_change(9.5)], now=at("2026-12-01T16:00:00+00:00")
        )
        assert ["2026-12-14T15:00:00+00:00"] == [utc(c.due_at) for c in decision.calls]

    def test_noticed_late_the_call_is_due_now_and_keeps_its_deadline(self) -> None:
        """Noticed on Friday 18 December at 10:00 CST, past the wanted day: due at once,
        still by the bill date, pulled back to when staff close that Friday."""
        late = price_change(15, noticed="2026-12-18T16:00:00+00:00")
        decision = evaluate(CHICAGO, CHICAGO_CUSTOMER, [late], now=at("2026-12-18T16:30:00+00:00"))
        assert [("2026-12-18T16:30:00+00:00", "2026-12-18T23:00:00+00:00")] == [
            (utc(c.due_at), utc(c.deadline)) for c in decision.calls
        ]

    def test_given_up_once_the_bill_has_arrived(self) -> None:
        """On the bill date the heads-up has no point any more: it lapses."""
        decision = evaluate(
            CHICAGO, CHICAGO_CUSTOMER, [price_change(15)], now=at("2026-12-20T06:00:00+00:00")
        )
        assert ((), [("c-1/-/price-heads-up/pc-1", "lapsed")]) == (
            decision.calls,
            outcomes(decision, "price-heads-up"),
        )

    def test_any_outbound_call_after_the_change_satisfies_it(self) -> None:
        """The rule is customer-scoped: a call to the customer on 10 December counts."""
        spoke = event(
            "out-1", "call", "2026-12-10T16:00:00+00:00", direction="outbound", channel="phone"
        )
        decision = evaluate(
            CHICAGO,
            CHICAGO_CUSTOMER,
            [price_change(15), spoke],
            now=at("2026-12-11T16:00:00+00:00"),
        )
        assert [("c-1/-/price-heads-up/pc-1", "satisfied")] == outcomes(decision, "price-heads-up")

    def test_missing_bill_date_gets_no_call(self) -> None:
        """Without a bill date there is nothing to be early for: the condition fails."""
        bare = event(
            "pc-1",
            "billing.price_change",
            "2026-12-01T15:00:00+00:00",
            attributes={"increase_pct": 20},
        )
        decision = evaluate(CHICAGO, CHICAGO_CUSTOMER, [bare], now=at("2026-12-01T16:00:00+00:00"))
        assert () == decision.calls
        assert "bill_date was missing" in decision.explain()


# ---------------------------------------------------------------------------------------
# S5: checking a week later that an intermittent problem is really fixed
# ---------------------------------------------------------------------------------------

PARIS = starter_policy(
    company_timezone="Europe/Paris",
    # In English whatever the locale: Python 3.12 and later read C.UTF-8 as no language,
    # and the holidays package then names French holidays in French.
    holidays=holidays.country_holidays("FR", years=2026, language="en_US"),
)
GOLD = Customer(id="c-1", timezone="Europe/Paris", tier="gold", customer_since=dt.date(2024, 3, 1))
BRONZE = Customer(
    id="c-1", timezone="Europe/Paris", tier="bronze", customer_since=dt.date(2025, 7, 7)
)
INTERMITTENT = (
    event(
        "op-1",
        "issue.opened",
        "2026-07-06T09:00:00+00:00",
        issue_id="net-1",
        channel="phone",
        attributes={"category": "network", "severity": "normal", "intermittent": True},
    ),
    event(
        "cv-1",
        "call",
        "2026-07-07T15:00:00+00:00",
        issue_id="net-1",
        direction="outbound",
        channel="phone",
        outcome="reached",
    ),
)
CHECK_KEY = "c-1/net-1/intermittent-check-in/cv-1"


class TestIntermittentCheckIn:
    """S5: company and customers in Paris; the last conversation on an open intermittent
    problem was on Tuesday 7 July 2026 at 17:00 CEST; 14 July is Bastille Day."""

    def test_loyal_customer_is_called_on_the_holiday(self) -> None:
        """Gold: due 7 local days later, 17:00 CEST on 14 July (15:00Z), an extra-mile call,
        by two local days later."""
        decision = evaluate(PARIS, GOLD, INTERMITTENT, now=at("2026-07-08T08:00:00+00:00"))
        (call,) = decision.calls
        assert (
            CHECK_KEY,
            "net-1",
            "2026-07-14T15:00:00+00:00",
            "2026-07-16T15:00:00+00:00",
            True,
            (),
        ) == (
            call.key,
            call.issue_id,
            utc(call.due_at),
            utc(call.deadline),
            call.extra_mile,
            call.moved_by,
        )

    def test_other_customer_waits_for_staff_after_the_holiday(self) -> None:
        """Bronze, a customer of one year: Wednesday 15 July at 09:00 CEST (07:00Z), by two
        local days after that (the deadline counts from where the call landed), and the
        call says the holiday moved it."""
        decision = evaluate(PARIS, BRONZE, INTERMITTENT, now=at("2026-07-08T08:00:00+00:00"))
        (call,) = decision.calls
        assert ("2026-07-15T07:00:00+00:00", "2026-07-17T07:00:00+00:00", False) == (
            utc(call.due_at),
            utc(call.deadline),
            call.extra_mile,
        )
        assert ["holiday: National Day; staff open again Wed 09:00 CEST"] == [
            m.reason for m in call.moved_by
        ]

    def test_loyal_customer_is_called_within_calling_hours_only(self) -> None:
        """A last contact at 22:30 CEST: seven days later is outside the calling window, so
        the gold customer's check-in waits for 08:00 CEST the next morning."""
        late = event(
            "cv-2",
            "call",
            "2026-07-07T20:30:00+00:00",
            issue_id="net-1",
            direction="outbound",
            channel="phone",
        )
        decision = evaluate(PARIS, GOLD, [*INTERMITTENT, late], now=at("2026-07-08T08:00:00+00:00"))
        assert [("c-1/net-1/intermittent-check-in/cv-2", "2026-07-15T06:00:00+00:00")] == [
            (c.key, utc(c.due_at)) for c in decision.calls
        ]

    def test_a_newer_contact_starts_a_new_week(self) -> None:
        """The customer writes on the issue on 9 July: the check-in moves to 16 July under a
        new key."""
        reply = event(
            "up-1",
            "issue.updated",
            "2026-07-09T10:00:00+00:00",
            issue_id="net-1",
            channel="email",
        )
        decision = evaluate(
            PARIS, GOLD, [*INTERMITTENT, reply], now=at("2026-07-09T11:00:00+00:00")
        )
        assert [("c-1/net-1/intermittent-check-in/up-1", "2026-07-16T10:00:00+00:00")] == [
            (c.key, utc(c.due_at)) for c in decision.calls
        ]

    def test_reopened_problem_is_a_new_episode(self) -> None:
        """Resolved, then reopened by the customer on 9 July at 12:00 CEST: a new check-in
        a week after the reopening, under a new key."""
        history = [
            *INTERMITTENT,
            event("rs-1", "issue.resolved", "2026-07-08T09:00:00+00:00", issue_id="net-1"),
            event(
                "ro-1",
                "issue.reopened",
                "2026-07-09T10:00:00+00:00",
                issue_id="net-1",
                channel="phone",
            ),
        ]
        decision = evaluate(PARIS, GOLD, history, now=at("2026-07-09T10:30:00+00:00"))
        # The reopening also gets its own callback at once (reopened-callback).
        assert [
            ("c-1/net-1/reopened-callback/ro-1", "2026-07-09T10:30:00+00:00"),
            ("c-1/net-1/intermittent-check-in/ro-1", "2026-07-16T10:00:00+00:00"),
        ] == [(c.key, utc(c.due_at)) for c in decision.calls]

    def test_resolved_problem_gets_no_check_in(self) -> None:
        """Once the issue is resolved there is nothing to check: no call."""
        fixed = event("rs-1", "issue.resolved", "2026-07-07T15:00:00+00:00", issue_id="net-1")
        decision = evaluate(
            PARIS, GOLD, [*INTERMITTENT, fixed], now=at("2026-07-08T08:00:00+00:00")
        )
        assert () == decision.calls
        assert "the issue was resolved" in decision.explain()

    def test_steady_problem_gets_no_check_in(self) -> None:
        """A problem that is not intermittent gets no check-in."""
        steady = event(
            "op-1",
            "issue.opened",
            "2026-07-06T09:00:00+00:00",
            issue_id="net-1",
            attributes={"severity": "normal", "intermittent": False},
        )
        decision = evaluate(
            PARIS, GOLD, [steady, INTERMITTENT[1]], now=at("2026-07-08T08:00:00+00:00")
        )
        assert () == decision.calls


# ---------------------------------------------------------------------------------------
# S1: a loyal customer's critical problem on a Saturday
# ---------------------------------------------------------------------------------------

CHICAGO_US = starter_policy(
    company_timezone="America/Chicago", holidays=holidays.country_holidays("US", years=2026)
)
LOYAL = Customer(id="c-1", timezone="America/Chicago", tier="gold")
VETERAN = Customer(id="c-1", timezone="America/Chicago", customer_since=dt.date(2019, 5, 1))
NEWCOMER = Customer(
    id="c-1", timezone="America/Chicago", tier="bronze", customer_since=dt.date(2024, 1, 1)
)


def breakdown(when: str, severity: str = "critical", direction: str = "inbound") -> Interaction:
    """The customer reports their car broke down."""
    return event(
        "br-1",
        "issue.opened",
        when,
        issue_id="car-1",
        direction=direction,
        channel="phone",
        attributes={"category": "vehicle", "severity": severity},
    )


class TestCriticalProblemOutsideStaffHours:
    """S1: the dealer in Chicago is open Monday to Friday 09:00-17:00; the car breaks down on
    Saturday 28 November 2026 at 10:00 CST (16:00Z)."""

    @pytest.mark.parametrize("customer", [LOYAL, VETERAN], ids=["gold", "five-years"])
    def test_loyal_customer_is_called_back_at_once(self, customer: Customer) -> None:
        """Gold tier, or a customer for five years or more: an urgent extra-mile call due
        now, by 30 minutes after the report."""
        decision = evaluate(
            CHICAGO_US,
            customer,
            [breakdown("2026-11-28T16:00:00+00:00")],
            now=at("2026-11-28T16:05:00+00:00"),
        )
        (call,) = decision.calls
        assert (
            ("loyal-rescue",),
            "c-1/car-1/loyal-rescue/br-1",
            "2026-11-28T16:05:00+00:00",
            "2026-11-28T16:30:00+00:00",
            Priority.URGENT,
            True,
        ) == (
            call.rules,
            call.key,
            utc(call.due_at),
            utc(call.deadline),
            call.priority,
            call.extra_mile,
        )

    def test_other_customer_is_called_when_staff_open(self) -> None:
        """A customer of two years, bronze: a high-priority callback at Monday's opening,
        09:00 CST (15:00Z), by two business hours later (17:00Z)."""
        decision = evaluate(
            CHICAGO_US,
            NEWCOMER,
            [breakdown("2026-11-28T16:00:00+00:00")],
            now=at("2026-11-28T16:05:00+00:00"),
        )
        (call,) = decision.calls
        assert (
            ("critical-callback",),
            "2026-11-30T15:00:00+00:00",
            "2026-11-30T17:00:00+00:00",
            Priority.HIGH,
            False,
        ) == (call.rules, utc(call.due_at), utc(call.deadline), call.priority, call.extra_mile)

    def test_late_at_night_the_loyal_customer_is_still_called_back(self) -> None:
        """Reported at 23:30 CST: calling back within the hour of the customer's own call is
        a callback, so it goes at once despite the calling window."""
        decision = evaluate(
            CHICAGO_US,
            LOYAL,
            [breakdown("2026-11-29T05:30:00+00:00")],
            now=at("2026-11-29T05:31:00+00:00"),
        )
        assert [("loyal-rescue",)] == [c.rules for c in decision.calls]
        assert ["2026-11-29T05:31:00+00:00"] == [utc(c.due_at) for c in decision.calls]

    def test_on_a_holiday_loyal_customer_now_others_next_working_day(self) -> None:
        """Thanksgiving, Thursday 26 November, 11:00 CST: staff are off, so the gold
        customer is called now and the other on Friday at 09:00 CST."""
        report = breakdown("2026-11-26T17:00:00+00:00")
        now = at("2026-11-26T17:02:00+00:00")
        loyal = evaluate(CHICAGO_US, LOYAL, [report], now=now)
        other = evaluate(CHICAGO_US, NEWCOMER, [report], now=now)
        assert [("loyal-rescue", "2026-11-26T17:02:00+00:00")] == [
            (c.rules[0], utc(c.due_at)) for c in loyal.calls
        ]
        assert [("critical-callback", "2026-11-27T15:00:00+00:00")] == [
            (c.rules[0], utc(c.due_at)) for c in other.calls
        ]

    def test_the_next_opening_is_explained_as_such(self) -> None:
        """The other customer's callback is due ``TRIGGER + Business()``: no business time
        after the report, which on a holiday is the next opening.  The explanation says
        so, not "0 seconds of business time after the trigger"."""
        report = breakdown("2026-11-26T17:00:00+00:00")
        decision = evaluate(CHICAGO_US, NEWCOMER, [report], now=at("2026-11-26T17:02:00+00:00"))
        ((episode,),) = [t.episodes for t in decision.trace if t.rule == "critical-callback"]
        assert episode.detail.startswith(
            "due 2026-11-27T15:00:00+00:00 (the first staff-open moment at or after the"
            " trigger (at once while staff are open));"
        )

    @pytest.mark.parametrize("customer", [LOYAL, NEWCOMER], ids=["loyal", "other"])
    def test_reported_while_staff_are_open_neither_fires(self, customer: Customer) -> None:
        """Wednesday 25 November 10:00 CST: staff are there to take it; no proactive call,
        and the explanation says staff were open."""
        decision = evaluate(
            CHICAGO_US,
            customer,
            [breakdown("2026-11-25T16:00:00+00:00")],
            now=at("2026-11-25T16:05:00+00:00"),
        )
        assert () == decision.calls
        assert [("c-1/car-1/loyal-rescue/br-1", "not-fired")] == outcomes(decision, "loyal-rescue")
        assert [("c-1/car-1/critical-callback/br-1", "not-fired")] == outcomes(
            decision, "critical-callback"
        )
        assert "staff were open when it happened" in decision.explain()

    def test_problem_that_is_not_critical_waits(self) -> None:
        """A high-severity (not critical) problem on Saturday warrants no callback."""
        decision = evaluate(
            CHICAGO_US,
            LOYAL,
            [breakdown("2026-11-28T16:00:00+00:00", severity="high")],
            now=at("2026-11-28T16:05:00+00:00"),
        )
        assert () == decision.calls
        assert "severity was 'high'" in decision.explain()

    def test_problem_we_logged_ourselves_is_not_a_callback(self) -> None:
        """An issue opened by us (outbound) does not trigger either callback rule."""
        decision = evaluate(
            CHICAGO_US,
            LOYAL,
            [breakdown("2026-11-28T16:00:00+00:00", direction="outbound")],
            now=at("2026-11-28T16:05:00+00:00"),
        )
        assert ((), [], []) == (
            decision.calls,
            outcomes(decision, "loyal-rescue"),
            outcomes(decision, "critical-callback"),
        )


# ---------------------------------------------------------------------------------------
# S2: appreciation calls and "while we have them on the phone"
# ---------------------------------------------------------------------------------------

LIBRARY = starter_policy(company_timezone="America/Chicago", programmes=PROGRAMMES)


class TestThanksForFeedback:
    """S2: thanking a customer for their feedback, low priority, within 2 business days."""

    def test_feedback_during_staff_hours(self) -> None:
        """Feedback on Tuesday 10 March 2026 at 14:00 CDT (19:00Z): a low-priority call due
        now, by Thursday at 14:00 CDT."""
        feedback = event("fb-1", "feedback", "2026-03-10T19:00:00+00:00", channel="web")
        decision = evaluate(
            LIBRARY,
            Customer(id="c-1", timezone="America/Chicago", tags={"autopay", "paperless"}),
            [feedback],
            now=at("2026-03-10T19:10:00+00:00"),
        )
        (call,) = decision.calls
        assert (
            "c-1/-/thanks-for-feedback/fb-1",
            "2026-03-10T19:10:00+00:00",
            "2026-03-12T19:00:00+00:00",
            Priority.LOW,
            ("Thank them for their feedback and say what we will do with it.",),
        ) == (call.key, utc(call.due_at), utc(call.deadline), call.priority, call.talking_points)

    def test_feedback_on_friday_evening(self) -> None:
        """Feedback on Friday 13 March at 18:00 CDT: due at Monday's opening, 09:00 CDT, by
        two business days on, Wednesday 09:00 CDT."""
        feedback = event("fb-1", "feedback", "2026-03-13T23:00:00+00:00", channel="web")
        decision = evaluate(
            LIBRARY, CHICAGO_CUSTOMER, [feedback], now=at("2026-03-13T23:05:00+00:00")
        )
        assert [("2026-03-16T14:00:00+00:00", "2026-03-18T14:00:00+00:00")] == [
            (utc(c.due_at), utc(c.deadline)) for c in decision.calls
        ]


class TestLoyaltyAnniversary:
    """S2: thanking loyal customers on the anniversary of their first day with us."""

    def _decide(self, customer: Customer, now: str) -> Decision:
        return evaluate(LIBRARY, customer, [], now=at(now))

    def test_five_year_customer_on_the_day(self) -> None:
        """A bronze customer since 10 March 2021 is loyal on the fifth anniversary: a
        low-priority call at 09:00 CDT that day (14:00Z), by seven local days later: the
        start of Tuesday 17 March, pulled back to Monday's close, 17:00 CDT (22:00Z)."""
        customer = Customer(
            id="c-1",
            timezone="America/Chicago",
            tier="bronze",
            customer_since=dt.date(2021, 3, 10),
            tags={"autopay", "paperless"},
        )
        decision = self._decide(customer, "2026-03-10T12:00:00+00:00")
        (call,) = decision.calls
        assert (
            "c-1/-/loyalty-anniversary/anniversary-5",
            "2026-03-10T14:00:00+00:00",
            "2026-03-16T22:00:00+00:00",
            Priority.LOW,
            ("Thank them for another year with us.",),
        ) == (call.key, utc(call.due_at), utc(call.deadline), call.priority, call.talking_points)

    def test_gold_customer_of_one_year(self) -> None:
        """Gold tier is loyal from the first anniversary."""
        customer = Customer(
            id="c-1", timezone="America/Chicago", tier="gold", customer_since=dt.date(2025, 3, 10)
        )
        decision = self._decide(customer, "2026-03-10T12:00:00+00:00")
        assert ["c-1/-/loyalty-anniversary/anniversary-1"] == [c.key for c in decision.calls]

    def test_other_customers_get_no_anniversary_call(self) -> None:
        """A silver customer of four years: no call, and the trace says why."""
        customer = Customer(
            id="c-1",
            timezone="America/Chicago",
            tier="silver",
            customer_since=dt.date(2022, 3, 10),
        )
        decision = self._decide(customer, "2026-03-10T12:00:00+00:00")
        assert ((), [("c-1/-/loyalty-anniversary/anniversary-4", "not-fired")]) == (
            decision.calls,
            outcomes(decision, "loyalty-anniversary"),
        )

    def test_day_before_there_is_nothing_but_a_revisit(self) -> None:
        """On 9 March there is no call yet; the decision asks to be revisited at the start of
        the anniversary, 00:00 CDT on 10 March (05:00Z)."""
        customer = Customer(
            id="c-1", timezone="America/Chicago", tier="gold", customer_since=dt.date(2025, 3, 10)
        )
        decision = self._decide(customer, "2026-03-09T12:00:00+00:00")
        assert () == decision.calls
        assert decision.revisit_at is not None
        assert "2026-03-10T05:00:00+00:00" == utc(decision.revisit_at)

    def test_given_up_a_week_later(self) -> None:
        """Eight days after the anniversary the thank-you has lapsed."""
        customer = Customer(
            id="c-1", timezone="America/Chicago", tier="gold", customer_since=dt.date(2025, 3, 10)
        )
        decision = self._decide(customer, "2026-03-18T12:00:00+00:00")
        assert ((), [("c-1/-/loyalty-anniversary/anniversary-1", "lapsed")]) == (
            decision.calls,
            outcomes(decision, "loyalty-anniversary"),
        )


class TestServiceAwareness:
    """S2: programmes a customer does not use are mentioned on calls that happen anyway."""

    FEEDBACK = event("fb-1", "feedback", "2026-03-10T19:00:00+00:00", channel="web")
    NOW = "2026-03-10T19:10:00+00:00"

    def test_adds_a_point_per_missing_programme(self) -> None:
        """A customer with autopay but not paperless: the thank-you call also offers
        paperless billing, after the rule's own point."""
        customer = Customer(id="c-1", timezone="America/Chicago", tags={"autopay"})
        decision = evaluate(LIBRARY, customer, [self.FEEDBACK], now=at(self.NOW))
        assert [
            (
                "Thank them for their feedback and say what we will do with it.",
                "Offer paperless billing.",
            )
        ] == [c.talking_points for c in decision.calls]

    def test_adds_every_missing_programme(self) -> None:
        """A customer with neither programme hears about both, in tag order."""
        decision = evaluate(LIBRARY, CHICAGO_CUSTOMER, [self.FEEDBACK], now=at(self.NOW))
        assert [PROGRAMMES["autopay"], PROGRAMMES["paperless"]] == list(
            decision.calls[0].talking_points[1:]
        )

    def test_never_a_call_of_its_own(self) -> None:
        """Without another reason to call, a customer lacking every programme gets no call,
        and the trace says the rule only adds to calls."""
        decision = evaluate(LIBRARY, CHICAGO_CUSTOMER, [], now=at(self.NOW))
        (trace,) = [t for t in decision.trace if t.rule == "service-awareness"]
        assert ((), False, "adds talking points only to calls; there is no call") == (
            decision.calls,
            trace.fired,
            trace.summary,
        )

    def test_nothing_to_add_for_a_customer_with_every_programme(self) -> None:
        """A customer with both programmes hears only the rule's own point."""
        customer = Customer(id="c-1", timezone="America/Chicago", tags={"autopay", "paperless"})
        decision = evaluate(LIBRARY, customer, [self.FEEDBACK], now=at(self.NOW))
        (trace,) = [t for t in decision.trace if t.rule == "service-awareness"]
        assert (1, False, "no programme the customer lacks") == (
            len(decision.calls[0].talking_points),
            trace.fired,
            trace.summary,
        )


class TestStarterPolicyShape:
    """The starter policy is plain data with the rules the brief lists."""

    def test_rule_names_in_order(self) -> None:
        """Nine rules and the awareness rule, in the documented order."""
        assert [
            "duplicate-charge-callback",
            "loyal-rescue",
            "critical-callback",
            "repeat-contact",
            "reopened-callback",
            "price-heads-up",
            "intermittent-check-in",
            "thanks-for-feedback",
            "loyalty-anniversary",
            "service-awareness",
        ] == [r.name for r in starter_policy().rules]

    def test_same_arguments_give_equal_policies(self) -> None:
        """Two starter policies built alike compare equal; another zone does not."""
        assert starter_policy(company_timezone="Europe/Paris") == starter_policy(
            company_timezone="Europe/Paris"
        )
        assert starter_policy(company_timezone="Europe/Paris") != starter_policy()

    def test_is_a_follow_up_policy(self) -> None:
        """The starter policy is an ordinary FollowUpPolicy named 'starter' by default."""
        policy = starter_policy(name="night-shift")
        assert (True, "night-shift", "starter") == (
            isinstance(policy, FollowUpPolicy),
            policy.name,
            starter_policy().name,
        )

"""Unit tests for ``extramile._engine.placement``: where a call may land, and why it moved."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import holidays
import pendulum
import pytest

from engine_helpers import window_next
from extramile import (
    DEFAULT_CALLING_WINDOW,
    ContactCaps,
    Customer,
    Elapsed,
    FactsError,
    FactTypeError,
    Interaction,
    InvalidFactError,
    InvalidPolicyError,
    Local,
    Placement,
    PolicyError,
    PolicyTypeError,
    Schedule,
    SuppressedCall,
    Window,
    evaluate,
    place,
    starter_policy,
)
from extramile._engine import counted_calls_for, raw_calls_for
from extramile._engine.contact import (
    _TABLES_KEPT,
    _WINDOW_TABLES,
    Contact,
    window_end,
    window_table,
)
from extramile._engine.moves import Constraint, RawMove, render_moves
from extramile._engine.search import _cap_next, deadline_after, place_ts
from extramile._memo import clear_all
from extramile._time import DAY
from extramile._time.intervals import BLOCK, BLOCKS_KEPT

US_HOLIDAYS = holidays.country_holidays("US")
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"


def utc(text: str) -> pendulum.DateTime:
    """An instant written as ISO-8601 UTC, e.g. ``"2026-04-04T10:00"``."""
    return pendulum.parse(text + "Z")  # type: ignore[return-value]


def call(
    at: str, *, direction: str = "outbound", kind: str = "call", channel: str = "phone"
) -> Interaction:
    """A phone call (or another contact) of customer ``c-1`` at ``at`` UTC."""
    return Interaction(
        id=f"i-{at}-{kind}",
        customer_id="c-1",
        kind=kind,
        at=utc(at),
        direction=direction,
        channel=channel,
    )


def placed(
    due: str,
    *,
    customer: Customer | None = None,
    schedule: Schedule | None = None,
    now: str | None = None,
    slack: float = 3600,
    history: Sequence[Interaction] = (),
    **options: object,
) -> Placement:
    """Place a call due at ``due`` (UTC) and insist that it is placed, not suppressed."""
    wanted = utc(due)
    result = place(
        due=wanted,
        deadline=wanted.add(seconds=slack),
        now=utc(now) if now is not None else wanted,
        customer=customer or Customer(id="c-1", timezone=NEW_YORK),
        schedule=schedule or Schedule.always_open(NEW_YORK),
        history=history,
        **options,  # type: ignore[arg-type]
    )
    assert isinstance(result, Placement), result
    return result


def constraints(result: Placement) -> list[str]:
    """The constraints that moved a call, in order."""
    return [move.constraint for move in result.adjustments]


def ny_office() -> Schedule:
    """New York staff hours, Monday to Friday 09:00-17:00, US holidays."""
    return Schedule(
        timezone=NEW_YORK,
        hours={"mon-fri": "09:00-17:00"},
        holidays=US_HOLIDAYS,
    )


class TestCallingWindow:
    """Calls land inside the customer's calling window, in the customer's own timezone."""

    def test_sydney_evening_moves_to_next_morning_after_the_clocks_go_back(self) -> None:
        """21:00 AEDT is just past the window: 08:00 AEST the next morning (22:00Z)."""
        result = placed(
            "2026-04-04T10:00",
            customer=Customer(id="c-1", timezone=SYDNEY),
            schedule=Schedule.always_open(SYDNEY),
        )
        expected = (
            utc("2026-04-04T22:00"),
            "2026-04-05T08:00:00+10:00",
            ["calling window closed in Australia/Sydney until 08:00 AEST"],
        )
        actual = (
            result.due_at,
            result.due_at.isoformat(),
            [move.reason for move in result.adjustments],
        )
        assert expected == actual

    def test_sydney_extra_mile_ignores_staff_hours_not_the_window(self) -> None:
        """An extra-mile call on a weekday-only schedule still waits only for the window."""
        result = placed(
            "2026-04-04T10:00",
            customer=Customer(id="c-1", timezone=SYDNEY),
            schedule=Schedule(timezone=SYDNEY, hours={"mon-fri": "09:00-17:00"}),
            extra_mile=True,
        )
        assert (utc("2026-04-04T22:00"), ["calling-window"]) == (
            result.due_at,
            constraints(result),
        )

    def test_sydney_with_staff_open_every_morning(self) -> None:
        """Staff open daily from 07:00 do not move the call further than the window does."""
        result = placed(
            "2026-04-04T10:00",
            customer=Customer(id="c-1", timezone=SYDNEY),
            schedule=Schedule(timezone=SYDNEY, hours={"mon-sun": "07:00-20:00"}),
        )
        assert utc("2026-04-04T22:00") == result.due_at

    def test_sydney_with_weekday_staff_hours_and_easter(self) -> None:
        """Weekday staff hours and NSW holidays: Easter Sunday and Monday push to Tue 09:00."""
        result = placed(
            "2026-04-04T10:00",
            customer=Customer(id="c-1", timezone=SYDNEY),
            schedule=Schedule(
                timezone=SYDNEY,
                hours={"mon-fri": "09:00-17:00"},
                holidays=holidays.country_holidays("AU", subdiv="NSW"),
            ),
        )
        expected = (
            utc("2026-04-06T23:00"),
            [
                "calling window closed in Australia/Sydney until 08:00 AEST",
                "holiday: Easter Sunday; staff open again Tue 09:00 AEST",
            ],
        )
        assert expected == (result.due_at, [move.reason for move in result.adjustments])

    def test_a_call_inside_the_window_does_not_move(self) -> None:
        """A call due at 12:00 local lands at 12:00, with nothing to explain."""
        result = placed("2026-06-10T16:00")
        assert (utc("2026-06-10T16:00"), ()) == (result.due_at, result.adjustments)

    def test_the_window_end_is_excluded(self) -> None:
        """21:00 is already outside 08:00-21:00."""
        result = placed("2026-06-11T01:00")  # 21:00 EDT
        assert utc("2026-06-11T12:00") == result.due_at

    def test_the_customers_own_calling_hours_override_the_default(self) -> None:
        """A customer who asks for 18:00-20:00 is called at 18:00."""
        customer = Customer(id="c-1", timezone=NEW_YORK, calling_hours="18:00-20:00")
        assert utc("2026-06-10T22:00") == placed("2026-06-10T16:00", customer=customer).due_at

    def test_the_default_window(self) -> None:
        """The default calling window is 08:00-21:00."""
        assert "08:00-21:00" == str(DEFAULT_CALLING_WINDOW)


class TestUnknownTimezone:
    """A customer whose timezone is unknown is called only when every served zone allows."""

    def test_london_and_berlin_both_open_at_seven_utc(self) -> None:
        """06:30Z is 07:30 in London (closed) and 08:30 in Berlin: both open at 07:00Z."""
        result = placed(
            "2026-06-10T06:30",
            customer=Customer(id="c-1"),
            schedule=Schedule.always_open("UTC"),
            served_timezones=("Europe/London", "Europe/Berlin"),
        )
        expected = (
            utc("2026-06-10T07:00"),
            ["customer timezone unknown; calling window closed in Europe/London until 08:00 BST"],
        )
        assert expected == (result.due_at, [move.reason for move in result.adjustments])

    def test_the_evening_closes_with_the_earliest_zone(self) -> None:
        """At 19:30Z Berlin (21:30) is closed: the call waits for London and Berlin at 07:00Z."""
        result = placed(
            "2026-06-10T19:30",
            customer=Customer(id="c-1"),
            schedule=Schedule.always_open("UTC"),
            served_timezones=("Europe/London", "Europe/Berlin"),
        )
        assert utc("2026-06-11T07:00") == result.due_at

    def test_no_served_zone_suppresses(self) -> None:
        """With no served timezone there is no window to trust: suppressed, not guessed."""
        wanted = utc("2026-06-10T12:00")
        result = place(
            due=wanted,
            deadline=wanted.add(hours=1),
            now=wanted,
            customer=Customer(id="c-1"),
            schedule=Schedule.always_open("UTC"),
        )
        assert isinstance(result, SuppressedCall)
        assert ("unknown-timezone", None) == (result.constraint, result.until)

    def test_zones_whose_windows_never_meet_suppress(self) -> None:
        """Served zones half a day apart with short windows never share an open minute."""
        wanted = utc("2026-06-10T12:00")
        result = place(
            due=wanted,
            deadline=wanted.add(hours=1),
            now=wanted,
            customer=Customer(id="c-1"),
            schedule=Schedule.always_open("UTC"),
            calling_window=Window("09:00", "10:00"),
            served_timezones=("Europe/London", "Asia/Tokyo"),
        )
        assert isinstance(result, SuppressedCall)
        assert "no-common-window" == result.constraint


class TestDoNotCall:
    """Do-not-call is absolute."""

    @pytest.mark.parametrize(("essential", "extra_mile"), [(False, False), (True, True)])
    def test_do_not_call_suppresses_even_essential_calls(
        self, essential: bool, extra_mile: bool
    ) -> None:
        """An essential, extra-mile call to a do-not-call customer is suppressed."""
        wanted = utc("2026-06-10T16:00")
        result = place(
            due=wanted,
            deadline=wanted.add(hours=1),
            now=wanted,
            customer=Customer(id="c-1", timezone=NEW_YORK, do_not_call=True),
            schedule=Schedule.always_open(NEW_YORK),
            essential=essential,
            extra_mile=extra_mile,
        )
        assert isinstance(result, SuppressedCall)
        assert ("do-not-call", None) == (result.constraint, result.until)


class TestCaps:
    """At most three outbound calls in seven local days, twenty hours apart."""

    THREE_CALLS = ("2026-03-02T15:00", "2026-03-03T15:00", "2026-03-04T15:00")

    def test_a_fourth_call_waits_until_the_oldest_is_seven_local_days_old(self) -> None:
        """Calls Mon-Wed 10:00 EST: a Thursday call waits for next Mon 10:00 EDT (14:00Z)."""
        result = placed("2026-03-05T17:00", history=[call(at) for at in self.THREE_CALLS])
        expected = (
            utc("2026-03-09T14:00"),
            [
                "cap: 3 calls in the 7 local days before 2026-03-05T17:00:00+00:00 (at most 3)",
            ],
        )
        assert expected == (result.due_at, [move.reason for move in result.adjustments])

    def test_inbound_calls_never_count(self) -> None:
        """Three calls from the customer do not use up the cap."""
        history = [call(at, direction="inbound") for at in self.THREE_CALLS]
        result = placed("2026-03-05T17:00", history=history)
        assert (utc("2026-03-05T17:00"), []) == (result.due_at, constraints(result))

    def test_outbound_emails_are_not_call_attempts(self) -> None:
        """Only outbound calls are attempts; outbound emails are not."""
        history = [call(at, kind="email", channel="email") for at in self.THREE_CALLS]
        assert utc("2026-03-05T17:00") == placed("2026-03-05T17:00", history=history).due_at

    def test_essential_calls_bypass_cap_and_gap(self) -> None:
        """A billing error call goes now even after three calls, one of them an hour ago."""
        history = [call(at) for at in (*self.THREE_CALLS, "2026-03-05T16:00")]
        result = placed("2026-03-05T17:00", history=history, essential=True)
        assert (utc("2026-03-05T17:00"), []) == (result.due_at, constraints(result))

    def test_a_higher_cap_allows_the_fourth_call(self) -> None:
        """ContactCaps(max_attempts=4) lets the Thursday call go."""
        history = [call(at) for at in self.THREE_CALLS]
        result = placed("2026-03-05T17:00", history=history, caps=ContactCaps(max_attempts=4))
        assert utc("2026-03-05T17:00") == result.due_at

    def test_calls_after_now_have_not_happened(self) -> None:
        """History after ``now`` is ignored: it cannot cap a call today."""
        history = [call(at) for at in self.THREE_CALLS]
        result = placed("2026-03-05T17:00", now="2026-03-02T14:00", history=history)
        assert utc("2026-03-05T17:00") == result.due_at

    def test_an_attempt_in_the_repeated_hour_ages_out_a_week_later(self) -> None:
        """A call at 01:30 EST (the second 01:30 of fall-back day) counts until 01:30 a week on."""
        customer = Customer(id="c-1", timezone=NEW_YORK, calling_hours="00:00-24:00")
        history = [call(at) for at in ("2026-11-01T06:30", "2026-11-02T15:00", "2026-11-03T15:00")]
        result = placed("2026-11-05T15:00", customer=customer, history=history)
        assert (utc("2026-11-08T06:30"), ["cap"]) == (result.due_at, constraints(result))

    def test_a_later_attempt_that_ages_out_first_frees_no_room_early(self) -> None:
        """One call a local day; calls at 01:50 EDT and, twenty minutes later, 01:10 EST
        on the night clocks go back.  The later one ages out first (01:10 the next
        night) but the earlier still counts until 01:50: the call waits for it.  Only
        the latest-but-one used to be looked at, so the call went at 01:10."""
        customer = Customer(id="c-1", timezone=NEW_YORK, calling_hours="00:00-24:00")
        history = [call("2026-11-01T05:50"), call("2026-11-01T06:10")]
        caps = ContactCaps(max_attempts=1, per=Local(days=1), min_gap=Elapsed())
        result = placed("2026-11-01T12:00", customer=customer, history=history, caps=caps)
        assert utc("2026-11-02T06:50") == result.due_at


class TestCapAges:
    """When each attempt ages out of the cap is worked out once, and only when needed."""

    @staticmethod
    def contact(*attempts: str) -> Contact:
        """A New York customer's contact with outbound calls at these UTC instants."""
        return Contact.of(
            Customer(id="c-1", timezone=NEW_YORK),
            [call(at) for at in attempts],
            now_ts=utc("2026-12-31T00:00").timestamp(),
            calling_window=DEFAULT_CALLING_WINDOW,
            served_timezones=(),
            schedule=ny_office(),
        )

    def test_fewer_calls_than_the_cap_allows_work_nothing_out(self) -> None:
        """Two calls never hold a call under a cap of three: no table is made."""
        contact = self.contact("2026-03-02T15:00", "2026-03-03T15:00")
        start = utc("2026-03-04T15:00").timestamp()
        assert (start, {}) == (_cap_next(start, contact, ContactCaps()), contact.ages)

    def test_an_earlier_instant_asked_later_still_counts_the_earlier_calls(self) -> None:
        """Calls on 2 March and 30 March: asked first about 31 March (when only the
        later counts), then about 3 March, the table works the earlier call out then."""
        ages = self.contact("2026-03-02T15:00", "2026-03-30T14:00").cap_ages(7)
        late, early = utc("2026-03-31T00:00").timestamp(), utc("2026-03-03T00:00").timestamp()
        assert [1, 1, utc("2026-03-09T14:00").timestamp()] == [
            ages.counting(late),
            ages.counting(early),
            ages.free_from(early, 1),
        ]

    def test_a_rules_window_shares_the_customers_table(self) -> None:
        """The twin of a contact for a rule's own calling window has the same calls."""
        contact = self.contact("2026-03-02T15:00")
        twin = contact.for_window(Window.parse("10:00-12:00"))
        assert (False, True) == (twin is contact, twin.cap_ages(7) is contact.cap_ages(7))


class TestMinimumGap:
    """Calls are at least twenty elapsed hours apart."""

    def test_a_call_five_hours_after_the_last_waits_for_the_gap_then_the_window(self) -> None:
        """Last call Mon 10:00 EST; due Mon 15:00: the gap ends Tue 06:00, the window 08:00."""
        result = placed("2026-03-02T20:00", history=[call("2026-03-02T15:00")])
        expected = (utc("2026-03-03T13:00"), ["gap", "calling-window"])
        assert expected == (result.due_at, constraints(result))

    def test_the_gap_reason_names_the_last_call(self) -> None:
        """The explanation says when the last call was and how far apart calls must be."""
        result = placed("2026-03-02T20:00", history=[call("2026-03-02T15:00")])
        expected = (
            "minimum gap: the last call was at 2026-03-02T15:00:00+00:00,"
            " and calls are at least 20 hours elapsed apart"
        )
        assert expected == result.adjustments[0].reason

    def test_a_custom_gap(self) -> None:
        """ContactCaps(min_gap=Elapsed(hours=2)) lets a call go two hours after the last."""
        result = placed(
            "2026-03-02T16:00",
            history=[call("2026-03-02T15:00")],
            caps=ContactCaps(min_gap=Elapsed(hours=2)),
        )
        assert utc("2026-03-02T17:00") == result.due_at


class TestCallback:
    """Within the hour after the customer's own inbound contact, a call is a callback."""

    def test_a_callback_ignores_the_calling_window(self) -> None:
        """The customer called at 22:00 EST; calling back at 22:20 is fine."""
        result = placed("2026-03-03T03:20", history=[call("2026-03-03T03:00", direction="inbound")])
        assert (utc("2026-03-03T03:20"), []) == (result.due_at, constraints(result))

    def test_after_the_hour_the_window_applies_again(self) -> None:
        """An hour and a half after their call, it waits for 08:00."""
        result = placed("2026-03-03T04:30", history=[call("2026-03-03T03:00", direction="inbound")])
        assert utc("2026-03-03T13:00") == result.due_at

    def test_an_inbound_email_opens_a_callback_hour_too(self) -> None:
        """The customer's own contact on any channel but system is an invitation."""
        result = placed(
            "2026-03-03T03:20",
            history=[
                call("2026-03-03T03:00", direction="inbound", kind="feedback", channel="email")
            ],
        )
        assert utc("2026-03-03T03:20") == result.due_at

    def test_a_system_event_is_no_invitation(self) -> None:
        """A duplicate charge a billing system logged at 22:00 does not lift the window."""
        charge = Interaction(
            id="i-1", customer_id="c-1", kind="billing.duplicate_charge", at=utc("2026-03-03T03:00")
        )
        result = placed("2026-03-03T03:20", history=[charge], essential=True, extra_mile=True)
        assert (utc("2026-03-03T13:00"), ["calling-window"]) == (
            result.due_at,
            constraints(result),
        )

    def test_our_own_outbound_contact_is_no_invitation(self) -> None:
        """An outbound email at 22:00 does not open a callback hour."""
        email = call("2026-03-03T03:00", kind="email", channel="email")
        result = placed("2026-03-03T03:20", history=[email])
        assert utc("2026-03-03T13:00") == result.due_at

    def test_a_callback_still_needs_staff(self) -> None:
        """The callback hour lifts the calling window, not staff hours."""
        result = placed(
            "2026-03-03T03:20",
            schedule=ny_office(),
            history=[call("2026-03-03T03:00", direction="inbound")],
        )
        assert (utc("2026-03-03T14:00"), ["staff-hours"]) == (result.due_at, constraints(result))


class TestExtraMile:
    """Extra-mile calls go outside staff hours and on holidays, never outside the window."""

    def test_an_ordinary_call_on_christmas_waits_for_monday(self) -> None:
        """Christmas Day 10:00 EST, staff closed: Mon 28 Dec 09:00, with the holiday named."""
        result = placed("2026-12-25T15:00", schedule=ny_office())
        expected = (
            utc("2026-12-28T14:00"),
            ["holiday: Christmas Day; staff open again Mon 09:00 EST"],
        )
        assert expected == (result.due_at, [move.reason for move in result.adjustments])

    def test_an_extra_mile_call_goes_on_christmas(self) -> None:
        """The same call, extra-mile, goes at 10:00 on Christmas Day."""
        result = placed("2026-12-25T15:00", schedule=ny_office(), extra_mile=True)
        assert (utc("2026-12-25T15:00"), []) == (result.due_at, constraints(result))

    def test_an_extra_mile_call_still_waits_for_the_window(self) -> None:
        """Extra-mile at 22:00 on Christmas Eve waits for 08:00 on Christmas Day."""
        result = placed("2026-12-25T03:00", schedule=ny_office(), extra_mile=True)
        assert (utc("2026-12-25T13:00"), ["calling-window"]) == (
            result.due_at,
            constraints(result),
        )

    def test_a_saturday_outside_staff_hours(self) -> None:
        """Saturday noon: ordinary waits for Monday, extra-mile goes now."""
        ordinary = placed("2026-06-13T16:00", schedule=ny_office())
        extra = placed("2026-06-13T16:00", schedule=ny_office(), extra_mile=True)
        assert (utc("2026-06-15T13:00"), utc("2026-06-13T16:00")) == (
            ordinary.due_at,
            extra.due_at,
        )


class TestDeadline:
    """A deadline keeps its meaning when constraints push a call."""

    def test_a_call_pushed_within_its_window_keeps_its_slack_too(self) -> None:
        """Due Mon 08:00, deadline 12:00, staff open 09:00: placed 09:00, deadline 13:00
        (promise 7: it used to keep 12:00, and a call pushed to its very deadline kept
        no slack at all)."""
        result = placed("2026-03-02T13:00", schedule=ny_office(), slack=4 * 3600)
        expected = (utc("2026-03-02T14:00"), utc("2026-03-02T18:00"), False)
        assert expected == (result.due_at, result.deadline, result.overdue)

    def test_a_call_pushed_past_its_deadline_keeps_its_slack(self) -> None:
        """Due Fri 18:00, deadline 20:00: placed Mon 09:00 EDT, deadline Mon 11:00 EDT."""
        result = placed("2026-03-06T23:00", schedule=ny_office(), slack=2 * 3600)
        expected = (utc("2026-03-09T13:00"), utc("2026-03-09T15:00"))
        assert expected == (result.due_at, result.deadline)

    def test_an_overdue_call_stays_overdue(self) -> None:
        """Due 09:00 and deadline 10:00, evaluated at 11:00: placed now, deadline unchanged."""
        result = placed("2026-03-02T14:00", now="2026-03-02T16:00", schedule=ny_office())
        expected = (utc("2026-03-02T16:00"), utc("2026-03-02T15:00"), True)
        assert expected == (result.due_at, result.deadline, result.overdue)

    @pytest.mark.parametrize(
        ("placed_at", "expected"),
        [(1_000.0, 2_000.0), (1_500.0, 2_500.0), (2_000.0, 3_000.0), (5_000.0, 6_000.0)],
    )
    def test_deadline_after(self, placed_at: float, expected: float) -> None:
        """deadline_after moves the deadline as far as the call was pushed."""
        assert expected == deadline_after(1_000.0, 2_000.0, placed_at)


class TestNeverEarly:
    """A call is never placed before ``now`` nor before it is due."""

    def test_a_past_due_call_in_a_closed_window_goes_at_the_next_opening(self) -> None:
        """Due at noon, evaluated at 22:00: the next morning, not the past."""
        result = placed("2026-06-10T16:00", now="2026-06-11T02:00")
        assert utc("2026-06-11T12:00") == result.due_at

    def test_a_future_call_is_not_brought_forward(self) -> None:
        """Due tomorrow at noon, evaluated today: tomorrow at noon."""
        result = placed("2026-06-11T16:00", now="2026-06-10T12:00")
        assert utc("2026-06-11T16:00") == result.due_at

    def test_now_in_another_zone_is_the_same_instant(self) -> None:
        """Writing ``now`` in Tokyo time changes nothing."""
        wanted = utc("2026-06-10T16:00")
        results = [
            place(
                due=wanted,
                deadline=wanted.add(hours=1),
                now=moment,
                customer=Customer(id="c-1", timezone=NEW_YORK),
                schedule=ny_office(),
            )
            for moment in (utc("2026-06-11T02:00"), utc("2026-06-11T02:00").in_tz("Asia/Tokyo"))
        ]
        assert results[0] == results[1]


class TestFastPath:
    """The engine's fast path, place_ts on a prepared Contact, agrees with place()."""

    def test_place_ts_matches_place(self) -> None:
        """Contact.of + place_ts gives the instant place() returns, and records its moves."""
        history = [call(at) for at in TestCaps.THREE_CALLS]
        customer = Customer(id="c-1", timezone=NEW_YORK)
        due = utc("2026-03-05T17:00").timestamp()
        contact = Contact.of(
            customer,
            history,
            now_ts=due,
            calling_window=DEFAULT_CALLING_WINDOW,
            served_timezones=(),
            schedule=ny_office(),
        )
        moves: list[RawMove] = []
        fast = place_ts(
            contact,
            due,
            schedule=ny_office(),
            caps=ContactCaps(),
            extra_mile=False,
            essential=False,
            moves=moves,
        )
        slow = placed("2026-03-05T17:00", schedule=ny_office(), history=history)
        assert (slow.due_at.timestamp(), ["cap"]) == (fast, [m[0] for m in moves])

    def test_window_end_of_an_open_and_a_closed_window(self) -> None:
        """window_end is when an open window closes, and ``ts`` itself when it is closed."""
        tz = pendulum.timezone(NEW_YORK)
        noon, night = utc("2026-06-10T16:00").timestamp(), utc("2026-06-11T03:00").timestamp()
        expected = (utc("2026-06-11T01:00").timestamp(), night)
        actual = (
            window_end(noon, DEFAULT_CALLING_WINDOW, tz),
            window_end(night, DEFAULT_CALLING_WINDOW, tz),
        )
        assert expected == actual


class TestFarApart:
    """A customer in Sydney and staff in New York: the clocks overlap only in the southern
    summer, when New York keeps standard time."""

    DUE = "2026-03-10T15:00"  # Tue 11:00 EDT, Wed 02:00 AEDT

    def sydney(self, schedule: Schedule | None = None) -> Placement:
        """The call placed for a Sydney customer against Mon-Fri 09:00-17:00 in New York."""
        return placed(
            self.DUE,
            customer=Customer(id="c-1", timezone=SYDNEY),
            schedule=schedule or Schedule(timezone=NEW_YORK, hours={"mon-fri": "09:00-17:00"}),
        )

    def test_the_call_lands_where_the_clocks_first_overlap(self) -> None:
        """Sydney 08:00-21:00 is New York 17:00-06:00 under EDT (UTC-4) and AEDT or AEST
        (UTC+11, +10): no overlap.  New York goes back to EST (UTC-5) on Sunday 1 November;
        Sydney 08:00 AEDT is then 16:00 EST, so the first overlap is Mon 2 November 16:00
        EST, Tue 3 November 08:00 AEDT, 2026-11-02T21:00Z."""
        result = self.sydney()
        expected = (
            utc("2026-11-02T21:00"),
            [
                (
                    "calling-window",
                    utc(self.DUE),
                    (
                        "calling window in Australia/Sydney (08:00-21:00) and staff hours in"
                        " America/New_York do not overlap until Tue 2026-11-03 08:00 AEDT"
                    ),
                ),
                (
                    "staff-hours",
                    utc("2026-03-10T21:00"),
                    (
                        "staff hours in America/New_York and the calling window in"
                        " Australia/Sydney (08:00-21:00) do not overlap until Mon 2026-11-02"
                        " 16:00 EST"
                    ),
                ),
            ],
        )
        actual = (
            result.due_at,
            [(m.constraint, m.moved_from, m.reason) for m in result.adjustments],
        )
        assert expected == actual

    def test_every_adjustment_ends_at_the_call(self) -> None:
        """Both the window and staff hours moved the call to where it landed."""
        result = self.sydney()
        assert [result.due_at] * 2 == [m.moved_to for m in result.adjustments]

    def test_the_same_answer_whatever_was_asked_before(self) -> None:
        """Placed from cold memos on a fresh schedule, or after many other calls on the
        same schedule: the same instant, deadline and adjustments."""
        clear_all()
        cold = self.sydney()
        schedule = Schedule(timezone=NEW_YORK, hours={"mon-fri": "09:00-17:00"})
        for zone_name in (SYDNEY, "Asia/Kolkata", "Europe/Berlin", "Pacific/Auckland"):
            for day in range(0, 400, 9):
                placed(
                    pendulum.datetime(2026, 1, 1, 7, tz="UTC").add(days=day).isoformat()[:16],
                    customer=Customer(id="c-1", timezone=zone_name),
                    schedule=schedule,
                )
        warm = self.sydney(schedule)
        assert (cold.due_at, cold.deadline, cold.adjustments) == (
            warm.due_at,
            warm.deadline,
            warm.adjustments,
        )

    def test_a_move_after_the_leap_is_told_after_it(self) -> None:
        """Should a constraint move the call again after a leap, its reason follows the
        leap's, and the adjustment ends where that last move put the call."""
        schedule = Schedule(timezone=NEW_YORK, hours={"mon-fri": "09:00-17:00"})
        contact = Contact.of(
            Customer(id="c-1", timezone=SYDNEY),
            (),
            now_ts=utc(self.DUE).timestamp(),
            calling_window=DEFAULT_CALLING_WINDOW,
            served_timezones=(),
            schedule=schedule,
        )
        start, leap, later = (
            utc(at).timestamp() for at in (self.DUE, "2026-11-02T21:00", "2026-11-03T21:00")
        )
        moves = [
            RawMove(Constraint.CALLING_WINDOW, start, leap, SYDNEY, leap=True, with_staff=True),
            RawMove(Constraint.CALLING_WINDOW, leap + 600, later, SYDNEY),
        ]
        (adjustment,) = render_moves(moves, schedule=schedule, caps=ContactCaps(), contact=contact)
        expected = (
            utc("2026-11-03T21:00"),
            (
                "calling window in Australia/Sydney (08:00-21:00) and staff hours in"
                " America/New_York do not overlap until Tue 2026-11-03 08:00 AEDT; then calling"
                " window closed in Australia/Sydney until 08:00 AEDT"
            ),
        )
        assert expected == (adjustment.moved_to, adjustment.reason)

    def test_an_unknown_zone_names_every_served_zone(self) -> None:
        """With the timezone unknown, each served zone's window is one adjustment whose
        reason names the other clocks (in the order each first moved the call)."""
        result = placed(
            self.DUE,
            customer=Customer(id="c-1"),
            schedule=Schedule(timezone=NEW_YORK, hours={"mon-fri": "09:00-17:00"}),
            served_timezones=(SYDNEY, "Pacific/Auckland"),
        )
        reasons = [m.reason for m in result.adjustments]
        assert [
            (
                "customer timezone unknown; calling window in Australia/Sydney (08:00-21:00), the"
                " calling window in Pacific/Auckland and staff hours in America/New_York do not"
                " overlap until Tue 2026-11-03 08:00 AEDT"
            ),
            (
                "customer timezone unknown; staff hours in America/New_York, the calling window in"
                " Australia/Sydney (08:00-21:00) and the calling window in Pacific/Auckland"
                " (08:00-21:00) do not overlap until Mon 2026-11-02 16:00 EST"
            ),
            (
                "customer timezone unknown; calling window in Pacific/Auckland (08:00-21:00), the"
                " calling window in Australia/Sydney and staff hours in America/New_York do not"
                " overlap until Tue 2026-11-03 10:00 NZDT"
            ),
        ] == reasons


class TestMemoSize:
    """The memoised tables stay bounded however many windows and instants are asked."""

    def test_window_tables_are_bounded(self) -> None:
        """Hundreds of distinct calling windows keep at most the cap of tables."""
        tz = pendulum.timezone(SYDNEY)
        ts = utc("2026-06-10T16:00").timestamp()
        for start in range(0, 80_000, 200):
            window_next(ts, Window(start, start + 3600), tz)
        assert len(_WINDOW_TABLES) <= _TABLES_KEPT

    def test_blocks_of_one_table_are_bounded(self) -> None:
        """A table asked across centuries keeps at most BLOCKS_KEPT blocks."""
        table = window_table(DEFAULT_CALLING_WINDOW, pendulum.timezone(SYDNEY))
        ts = utc("1900-01-01T00:00").timestamp()
        for step in range(BLOCKS_KEPT + 50):
            table.first_open(ts + step * BLOCK, ts + step * BLOCK + 7 * DAY)
        assert 0 < len(table.blocks) <= BLOCKS_KEPT


class TestBadInput:
    """Bad input raises an error naming the field; nothing is placed."""

    @pytest.mark.parametrize("value", [0, -1])
    def test_a_cap_of_zero_or_less(self, value: int) -> None:
        """max_attempts below one is an InvalidPolicyError, also a ValueError."""
        message = r"ContactCaps\.max_attempts must be at least 1"
        with pytest.raises(ValueError, match=message) as info:
            ContactCaps(max_attempts=value)
        assert isinstance(info.value, InvalidPolicyError)

    def test_a_cap_that_is_not_an_int(self) -> None:
        """max_attempts=True is a PolicyTypeError, also a TypeError."""
        with pytest.raises(TypeError, match=r"ContactCaps\.max_attempts must be an int") as info:
            ContactCaps(max_attempts=True)
        assert isinstance(info.value, PolicyTypeError)

    def test_a_cap_period_under_a_day(self) -> None:
        """The cap period is at least one local day."""
        with pytest.raises(PolicyError, match=r"ContactCaps\.per must be at least one day"):
            ContactCaps(per=Local(days=0))

    def test_a_gap_that_is_not_elapsed_time(self) -> None:
        """The minimum gap is elapsed time."""
        with pytest.raises(PolicyTypeError, match=r"ContactCaps\.min_gap must be an Elapsed"):
            ContactCaps(min_gap=Local(days=1))  # type: ignore[arg-type]

    def test_an_unknown_customer_timezone(self) -> None:
        """A customer's unknown timezone name is a FactsError, also a ValueError."""
        with pytest.raises(ValueError, match=r"Customer\.timezone .*'Mars/Olympus'") as info:
            Customer(id="c-1", timezone="Mars/Olympus")
        assert isinstance(info.value, FactsError)

    @pytest.mark.parametrize("field", ["due", "deadline", "now"])
    def test_naive_datetimes(self, field: str) -> None:
        """Each of due, deadline and now must be timezone-aware; the error names which."""
        aware = utc("2026-06-10T16:00")
        moments: dict[str, dt.datetime] = {"due": aware, "deadline": aware, "now": aware}
        moments[field] = dt.datetime(2026, 6, 10, 16)
        with pytest.raises(InvalidFactError, match=re.escape(f"place() {field} must be")):
            place(
                due=moments["due"],
                deadline=moments["deadline"],
                now=moments["now"],
                customer=Customer(id="c-1", timezone=NEW_YORK),
                schedule=Schedule.always_open(),
            )

    def test_a_deadline_before_the_due_time(self) -> None:
        """Every such call would be overdue, as a Rule says when it refuses the same: an
        InvalidPolicyError naming both, also a ValueError."""
        due = utc("2026-06-10T16:00")
        with pytest.raises(InvalidPolicyError, match=r"place\(\) deadline .* comes before") as info:
            place(
                due=due,
                deadline=due.subtract(microseconds=1),
                now=due,
                customer=Customer(id="c-1", timezone=NEW_YORK),
                schedule=Schedule.always_open(),
            )
        assert isinstance(info.value, ValueError)

    def test_a_deadline_at_the_due_time_is_taken(self) -> None:
        """A deadline equal to the due time (no slack) is fine."""
        due = utc("2026-06-10T16:00")
        result = place(
            due=due,
            deadline=due,
            now=due,
            customer=Customer(id="c-1", timezone=NEW_YORK),
            schedule=Schedule.always_open(),
        )
        assert isinstance(result, Placement)
        assert (due, due) == (result.due_at, result.deadline)

    def test_history_of_another_customer(self) -> None:
        """An interaction of another customer is refused, naming it."""
        other = Interaction(id="i-9", customer_id="c-2", kind="call", at=utc("2026-06-10T10:00"))
        with pytest.raises(InvalidFactError, match=r"interaction 'i-9' of customer 'c-2'"):
            placed("2026-06-10T16:00", history=[other])

    @pytest.mark.parametrize(
        ("field", "value", "error", "message"),
        [
            ("customer", "c-1", FactTypeError, r"place\(\) customer must be a Customer"),
            ("schedule", "Europe/London", PolicyTypeError, r"place\(\) schedule must be a"),
            ("calling_window", 9, PolicyTypeError, r"place\(\) calling_window must be a"),
            ("served_timezones", "Europe/London", PolicyTypeError, r"must be a list of IANA"),
            ("served_timezones", ["Mars/Base"], InvalidPolicyError, r"'Mars/Base'"),
            ("caps", {"max_attempts": 2}, PolicyTypeError, r"place\(\) caps must be"),
            ("history", [1], FactTypeError, r"place\(\) history must hold Interactions"),
            ("history", None, FactTypeError, r"place\(\) history must be an iterable"),
        ],
        ids=[
            "customer",
            "schedule",
            "window",
            "zones-text",
            "zones-unknown",
            "caps",
            "history",
            "no-history",
        ],
    )
    def test_arguments_a_policy_would_refuse(
        self, field: str, value: object, error: type[Exception], message: str
    ) -> None:
        """place() checks what a FollowUpPolicy checks, and says which argument."""
        moment = utc("2026-06-10T16:00")
        arguments: dict[str, Any] = {
            "due": moment,
            "deadline": moment,
            "now": moment,
            "customer": Customer(id="c-1", timezone=NEW_YORK),
            "schedule": Schedule.always_open(),
            field: value,
        }
        with pytest.raises(error, match=message):
            place(**arguments)

    def test_an_instant_at_the_end_of_the_calendar(self) -> None:
        """A due time in the year 9999: an error that says so, not an OverflowError."""
        late = dt.datetime(9999, 12, 30, tzinfo=dt.timezone.utc)
        with pytest.raises(InvalidFactError, match=r"place\(\) due must lie between the years"):
            place(
                due=late,
                deadline=late,
                now=utc("2026-06-10T16:00"),
                customer=Customer(id="c-1", timezone=NEW_YORK),
                schedule=Schedule.always_open(),
            )

    def test_a_calling_window_as_text(self) -> None:
        """A calling window may be given as text, as a policy takes it."""
        moment = utc("2026-06-10T16:00")
        result = place(
            due=moment,
            deadline=moment,
            now=moment,
            customer=Customer(id="c-1", timezone=NEW_YORK),
            schedule=Schedule.always_open(),
            calling_window="13:00-14:00",
        )
        assert isinstance(result, Placement)
        assert utc("2026-06-10T17:00") == result.due_at


def test_plan_counts_what_evaluate_suppresses() -> None:
    """plan()'s path counts suppressed calls by constraint without writing their reasons
    (:func:`counted_calls_for`); the constraints are those, in order, of the suppressed
    calls of the same decision, whose reasons are written when read.  A cap of one call
    a month holds the price heads-up past the bill, when its rule gives up."""
    policy = starter_policy(
        company_timezone="America/Chicago", caps=ContactCaps(max_attempts=1, per=Local(days=30))
    )
    customer = Customer(id="c-1", timezone="America/Chicago")
    history = [
        Interaction(
            id="out-1",
            customer_id="c-1",
            kind="call",
            at=utc("2026-09-01T15:00"),
            direction="outbound",
            channel="phone",
        ),
        Interaction(
            id="p-1",
            customer_id="c-1",
            kind="billing.price_change",
            at=utc("2026-09-02T15:00"),
            attributes={"increase_pct": 20, "bill_date": "2026-09-20"},
        ),
    ]
    now_ts = utc("2026-09-02T15:00").timestamp()
    raws, suppressed = raw_calls_for(policy, customer, history, now_ts)
    assert (raws, [s.constraint for s in suppressed]) == counted_calls_for(
        policy, customer, history, now_ts
    )
    (held,) = suppressed
    assert ("cap", True) == (
        held.constraint,
        held.reason.startswith("it could go no sooner than 2026-10-01"),
    )
    decision = evaluate(policy, customer, history, now=utc("2026-09-02T15:00"))
    assert decision.suppressed == (held,)

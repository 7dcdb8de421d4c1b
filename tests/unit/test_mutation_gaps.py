"""Boundaries of the time package and of placement that a change of one character would
cross unnoticed: the callback hour that opens after a call was due, weekday keys, an
interaction exactly at ``now``, how business durations print, and the instants just
after a window closes.

Each test here was written against a mutant (see ``tests/mutation/``) that the other
tests let through."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import pytest

from extramile import (
    Business,
    Customer,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    InvalidFactError,
    InvalidPolicyError,
    On,
    Placement,
    Rule,
    Schedule,
    WeeklyWindow,
    Window,
    evaluate,
    place,
)
from extramile._rules import TRIGGER
from extramile._time import zone
from extramile._time.intervals import next_in_windows, open_run_end

NEW_YORK = "America/New_York"
UTC = dt.timezone.utc


def utc(text: str) -> pendulum.DateTime:
    """An instant written as ISO-8601 UTC, e.g. ``"2026-03-03T03:00"``."""
    return pendulum.parse(text + "Z")  # type: ignore[return-value]


def contact(at: str, *, direction: str, ident: str = "", **fields: Any) -> Interaction:
    """A phone call of customer ``c-1`` at ``at`` UTC."""
    return Interaction(
        id=ident or f"i-{at}-{direction}",
        customer_id="c-1",
        kind="call",
        at=utc(at),
        direction=direction,
        channel="phone",
        **fields,
    )


def placed(due: str, *, now: str, slack: float, **options: Any) -> Placement:
    """A call of New York customer ``c-1`` due at ``due``, placed at ``now``."""
    wanted = utc(due)
    result = place(
        due=wanted,
        deadline=wanted.add(seconds=slack),
        now=utc(now),
        customer=Customer(id="c-1", timezone=NEW_YORK),
        schedule=Schedule.always_open(NEW_YORK),
        **options,
    )
    assert isinstance(result, Placement), result
    return result


class TestCallbackHourAfterTheDueTime:
    """A call that was due while the window was closed, asked about during the callback
    hour the customer opened since: its deadline moves from the callback hour's start."""

    def test_the_deadline_moves_from_the_start_of_the_callback_hour(self) -> None:
        """Due 21:30 EST (closed), the customer called at 22:30, asked at 22:40: it goes
        at 22:40, and from its due time alone it could have gone at 22:30 (the callback
        hour), not 08:00 the next day nor 22:40: the 15 minutes' deadline moves an hour,
        to 22:45."""
        result = placed(
            "2026-03-03T02:30",
            now="2026-03-03T03:40",
            slack=15 * 60,
            history=[contact("2026-03-03T03:30", direction="inbound")],
        )
        expected = (utc("2026-03-03T03:40"), utc("2026-03-03T03:45"))
        assert expected == (result.due_at, result.deadline)

    def test_a_contact_before_the_due_time_opens_no_later_start(self) -> None:
        """The customer called at 21:10, the call was due at 21:30 (in their callback
        hour), asked at 22:40 (after it): from its due time it could have gone at 21:30,
        so the deadline does not move."""
        result = placed(
            "2026-03-03T02:30",
            now="2026-03-03T03:40",
            slack=15 * 60,
            history=[contact("2026-03-03T02:10", direction="inbound")],
        )
        assert (utc("2026-03-03T13:00"), utc("2026-03-03T02:45")) == (
            result.due_at,
            result.deadline,
        )


class TestWeekdayKeys:
    """Weekday keys run from 0 (Monday) to 6 (Sunday); 7 is refused when the schedule or
    window is made, not later with an IndexError."""

    def test_six_is_sunday(self) -> None:
        """Key 6 opens Sundays only."""
        schedule = Schedule(timezone="UTC", hours={6: "09:00-17:00"})
        sunday, monday = utc("2026-03-08T10:00"), utc("2026-03-09T10:00")
        assert (True, False) == (schedule.is_open(sunday), schedule.is_open(monday))

    def test_zero_is_monday(self) -> None:
        """Key 0 opens Mondays only."""
        schedule = Schedule(timezone="UTC", hours={0: "09:00-17:00"})
        sunday, monday = utc("2026-03-08T10:00"), utc("2026-03-09T10:00")
        assert (False, True) == (schedule.is_open(sunday), schedule.is_open(monday))

    @pytest.mark.parametrize("key", [7, -1, True, "sun-mon", "mon-", "xyz-fri"])
    def test_out_of_range_keys_are_refused_at_once(self, key: object) -> None:
        """Seven, minus one, a bool, a backward range and unknown names."""
        with pytest.raises(InvalidPolicyError, match=r"Schedule\.hours keys must be weekdays"):
            Schedule(timezone="UTC", hours={key: "09:00-17:00"})  # type: ignore[arg-type]  # refused

    def test_a_weekly_window_refuses_seven(self) -> None:
        """The same for a calling window by weekday, naming what arrived."""
        with pytest.raises(InvalidPolicyError, match=r"WeeklyWindow keys .* \(got int 7\)"):
            WeeklyWindow({7: "09:00-17:00"})

    def test_a_customer_refuses_seven_as_a_fact_error(self) -> None:
        """A customer's calling hours keyed 7: the host's facts are wrong."""
        with pytest.raises(InvalidFactError, match=r"Customer\.calling_hours keys must be"):
            Customer(id="c-1", calling_hours={7: "09:00-17:00"})  # type: ignore[dict-item]  # refused


class TestAnEventExactlyAtNow:
    """An interaction at exactly ``now`` has happened: only later ones are ignored."""

    RULE = Rule(
        name="thanks",
        trigger=On("feedback"),
        deadline=TRIGGER + Elapsed(hours=4),
        talking_point="Thank them.",
    )
    POLICY = FollowUpPolicy(name="p", rules=[RULE], schedule=Schedule.always_open(NEW_YORK))
    CUSTOMER = Customer(id="c-1", timezone=NEW_YORK)
    NOW = utc("2026-06-10T16:00")

    def feedback(self, when: pendulum.DateTime) -> Interaction:
        """Feedback of customer c-1 at ``when``."""
        return Interaction(id="fb-1", customer_id="c-1", kind="feedback", at=when)

    def test_feedback_at_now_is_thanked_now(self) -> None:
        """Feedback at exactly ``now``: the call is due at once."""
        decision = evaluate(self.POLICY, self.CUSTOMER, [self.feedback(self.NOW)], now=self.NOW)
        assert [self.NOW] == [call.due_at for call in decision.calls]

    def test_feedback_a_microsecond_later_has_not_happened(self) -> None:
        """A microsecond after ``now``: nothing yet."""
        later = self.NOW.add(microseconds=1)
        decision = evaluate(self.POLICY, self.CUSTOMER, [self.feedback(later)], now=self.NOW)
        assert [] == list(decision.calls)

    def test_the_checked_path_keeps_it_too(self) -> None:
        """A history that is not a plain list of Interactions takes the checked path:
        an interaction at ``now`` is kept there as well."""
        history = iter([self.feedback(self.NOW)])
        decision = evaluate(self.POLICY, self.CUSTOMER, history, now=self.NOW)
        assert [self.NOW] == [call.due_at for call in decision.calls]

    def test_an_inbound_call_at_now_opens_the_callback_hour(self) -> None:
        """The customer called at 22:00 EST, which is ``now``: calling back at once is
        a callback, not a call outside the window."""
        result = placed(
            "2026-03-03T03:00",
            now="2026-03-03T03:00",
            slack=3600,
            history=[contact("2026-03-03T03:00", direction="inbound")],
        )
        assert (utc("2026-03-03T03:00"), ()) == (result.due_at, result.adjustments)

    def test_an_outbound_call_at_now_counts_for_the_gap(self) -> None:
        """We called at noon, which is ``now``: the next call waits out the gap."""
        result = placed(
            "2026-06-10T16:00",
            now="2026-06-10T16:00",
            slack=3600,
            history=[contact("2026-06-10T16:00", direction="outbound")],
        )
        assert ["gap"] == [move.constraint for move in result.adjustments]


class TestBusinessDurationsPrint:
    """A business duration prints as what it counts: open days, or open time in hours.
    48 business hours are not 2 business days (six working days of 8 hours)."""

    @pytest.mark.parametrize(
        ("duration", "text"),
        [
            (Business(), "Business()"),
            (Business(hours=48), "Business(hours=48)"),
            (Business(days=2), "Business(days=2)"),
            (Business(minutes=90), "Business(minutes=90)"),
            (Business(seconds=90), "Business(seconds=90)"),
            (Business(days=1, seconds=1.5), "Business(days=1, seconds=1.5)"),
        ],
    )
    def test_repr(self, duration: Business, text: str) -> None:
        """The repr is the call that builds it, in hours at most."""
        assert text == repr(duration)
        assert duration == eval(text)  # the repr is the code that builds it

    @pytest.mark.parametrize(
        ("duration", "text"),
        [
            (Business(), "0 seconds of business time"),
            (Business(hours=48), "48 hours of business time"),
            (Business(hours=1), "1 hour of business time"),
            (Business(days=2), "2 business days"),
            (Business(days=1), "1 business day"),
            (Business(days=1, minutes=30), "1 business day and 30 minutes of business time"),
            (Business(seconds=1.5), "1.5 seconds of business time"),
        ],
    )
    def test_str(self, duration: Business, text: str) -> None:
        """str() says open days or open time; never "days" of open time."""
        assert text == str(duration)

    @pytest.mark.parametrize(
        ("duration", "text"),
        [
            (Elapsed(), "Elapsed()"),
            (Elapsed(hours=48), "Elapsed(days=2)"),
            (Elapsed(seconds=30), "Elapsed(seconds=30)"),
            (Elapsed(seconds=0.25), "Elapsed(seconds=0.25)"),
        ],
    )
    def test_elapsed_repr(self, duration: Elapsed, text: str) -> None:
        """Elapsed time may print in days: they are exactly 24 hours."""
        assert text == repr(duration)

    @pytest.mark.parametrize(
        ("duration", "text"),
        [
            (Elapsed(hours=48), "2 days elapsed"),
            (Elapsed(days=1), "1 day elapsed"),
            (Elapsed(minutes=1), "1 minute elapsed"),
            (Elapsed(seconds=61), "61 seconds elapsed"),
        ],
    )
    def test_elapsed_str(self, duration: Elapsed, text: str) -> None:
        """Elapsed time in words, singular and plural."""
        assert text == str(duration)


class TestJustAfterTheClose:
    """A window includes its start and excludes its end, to the microsecond: the first
    fraction of a second after it closes is closed."""

    OFFICE = Schedule(timezone=NEW_YORK, hours={"mon-fri": "09:00-17:00"})
    CLOSE = utc("2026-03-03T22:00")  # Tue 17:00 EST

    @pytest.mark.parametrize(
        ("offset", "expected"),
        [(-1e-6, True), (0.0, False), (1e-6, False), (0.5, False)],
    )
    def test_is_open_around_the_close(self, offset: float, expected: bool) -> None:
        """Open a microsecond before 17:00, closed at 17:00 and any fraction after."""
        moment = self.CLOSE.add(microseconds=round(offset * 1e6))
        assert expected == self.OFFICE.is_open(moment)

    def test_next_open_half_a_second_after_the_close(self) -> None:
        """17:00:00.5 is closed: the next opening is Wednesday 09:00."""
        moment = self.CLOSE.add(microseconds=500_000)
        assert utc("2026-03-04T14:00") == self.OFFICE.next_open(moment)

    def test_next_open_just_before_the_close_is_itself(self) -> None:
        """16:59:59.5 is open: the next opening is the instant itself."""
        moment = self.CLOSE.subtract(microseconds=500_000)
        assert moment == self.OFFICE.next_open(moment)

    def test_business_time_from_just_before_the_close(self) -> None:
        """Half a second of business time from 16:59:59.75 ends at 09:00:00.25 the next
        day: a quarter of a second before the close, a quarter after the opening."""
        moment = self.CLOSE.subtract(microseconds=250_000)
        expected = utc("2026-03-04T14:00").add(microseconds=250_000)
        assert expected == self.OFFICE.add(moment, Business(seconds=0.5))

    def test_business_time_between_across_the_close(self) -> None:
        """From 16:59:59.5 to 09:00:00.5 the next day: one second of business time."""
        start = self.CLOSE.subtract(microseconds=500_000)
        end = utc("2026-03-04T14:00").add(microseconds=500_000)
        assert Business(seconds=1) == self.OFFICE.between(start, end)

    def test_the_direct_search_agrees(self) -> None:
        """The direct searches the tables stand for: 21:00:00.5 is closed, and the run
        open at 20:59:59.5 ends at 21:00."""
        tz = zone(NEW_YORK)
        window = (Window("08:00", "21:00"),)
        close = utc("2026-03-04T02:00").timestamp()  # Tue 21:00 EST

        def windows_of(_day: dt.date) -> tuple[Window, ...]:
            return window

        found = next_in_windows(close + 0.5, tz, windows_of, close + 86_400)
        assert (utc("2026-03-04T13:00").timestamp(), close) == (
            found,
            open_run_end(close - 0.5, tz, windows_of, close + 86_400),
        )

    def test_a_call_half_a_second_after_the_window_closes(self) -> None:
        """Due 21:00:00.5 EST: the calling window has closed; 08:00 the next morning."""
        due = "2026-03-04T02:00:00.5"
        result = placed(due, now=due, slack=60)
        assert utc("2026-03-04T13:00") == result.due_at

    def test_window_contains_its_start_not_its_end(self) -> None:
        """Window.contains on either side of both bounds."""
        window = Window("09:00", "17:00")
        points = [32_400 - 1e-6, 32_400, 61_200 - 1e-6, 61_200, 61_200 + 0.5]
        assert [False, True, True, False, False] == [window.contains(p) for p in points]

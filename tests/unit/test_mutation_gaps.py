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
    ContactCaps,
    Customer,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    InvalidFactError,
    InvalidPolicyError,
    Local,
    On,
    Placement,
    PolicyTypeError,
    Rule,
    Schedule,
    WeeklyWindow,
    Window,
    evaluate,
    place,
)
from extramile._engine.contact import window_table
from extramile._rules import DUE, TRIGGER
from extramile._time import add_local_days, aware_seconds, zone
from extramile._time.intervals import BLOCK, OverlapTable, next_in_windows, open_run_end

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


def thanks_policy(schedule: Schedule, *, slack: Elapsed, extra_mile: bool) -> FollowUpPolicy:
    """One rule: a call due at the trigger (a refund, or feedback), by ``slack`` after."""
    rule = Rule(
        name="thanks",
        trigger=On("feedback", "billing.refund"),
        deadline=DUE + slack,
        extra_mile=extra_mile,
        talking_point="Thank them.",
    )
    return FollowUpPolicy(name="p", rules=[rule], schedule=schedule)


class TestDeadlineFits:
    """Where a deadline that falls where the call may not be made is pulled back to."""

    CUSTOMER = Customer(id="c-1", timezone=NEW_YORK)

    def only_call(self, policy: FollowUpPolicy, item: Interaction) -> tuple[Any, Any]:
        """(due time, deadline) of the one call the decision at ``item`` makes."""
        (call,) = evaluate(policy, self.CUSTOMER, [item], now=item.at).calls
        return call.due_at, call.deadline

    @staticmethod
    def feedback(at: str) -> Interaction:
        """Feedback customer c-1 gave by phone at ``at`` UTC (it opens a callback hour)."""
        return Interaction(
            id="fb-1", customer_id="c-1", kind="feedback", at=utc(at), channel="phone"
        )

    def test_a_callback_may_go_on_until_its_hour_ends(self) -> None:
        """Feedback by phone at 22:00 EST, two hours to call back, extra-mile: the call
        goes at once (a callback), and its deadline, midnight, when the window is
        closed, is pulled back to the end of the callback hour, 23:00 EST."""
        policy = thanks_policy(
            Schedule.always_open(NEW_YORK), slack=Elapsed(hours=2), extra_mile=True
        )
        expected = (utc("2026-03-03T03:00"), utc("2026-03-03T04:00"))
        assert expected == self.only_call(policy, self.feedback("2026-03-03T03:00"))

    def test_a_deadline_within_the_callback_hour_stays(self) -> None:
        """The same with half an hour to call back: 22:30 EST is in the callback hour."""
        policy = thanks_policy(
            Schedule.always_open(NEW_YORK), slack=Elapsed(minutes=30), extra_mile=True
        )
        expected = (utc("2026-03-03T03:00"), utc("2026-03-03T03:30"))
        assert expected == self.only_call(policy, self.feedback("2026-03-03T03:00"))

    def test_the_window_closing_before_staff_pulls_the_deadline_to_its_close(self) -> None:
        """A refund a billing system logged at 20:00 EST, two hours to call; staff work
        until 23:00 but the calling window closes at 21:00: the deadline, 22:00, is
        pulled back to 21:00, where the window and staff hours last overlapped."""
        late_staff = Schedule(timezone=NEW_YORK, hours={"mon-sun": "09:00-23:00"})
        policy = thanks_policy(late_staff, slack=Elapsed(hours=2), extra_mile=False)
        refund = Interaction(
            id="rf-1",
            customer_id="c-1",
            kind="billing.refund",
            at=utc("2026-03-04T01:00"),
            channel="system",
        )
        assert (utc("2026-03-04T01:00"), utc("2026-03-04T02:00")) == self.only_call(policy, refund)


class TestSearchHorizon:
    """Placement looks 400 days past a call's due time, no further: a call whose first
    allowed moment lies after that is suppressed."""

    @staticmethod
    def closed_for_400_days(opens: str) -> Schedule:
        """UTC staff open daily from ``opens``, on holiday from 1 June 2026 for 400 days."""
        first = dt.date(2026, 6, 1)
        holidays = {first + dt.timedelta(days=n) for n in range(400)}
        return Schedule(timezone="UTC", hours={"mon-sun": f"{opens}-24:00"}, holidays=holidays)

    def place_on_the_first(self, due: str, opens: str) -> Placement | Any:
        """A call due on 1 June at ``due`` UTC, for a customer callable around the clock."""
        wanted = utc(f"2026-06-01T{due}")
        return place(
            due=wanted,
            deadline=wanted.add(hours=1),
            now=wanted,
            customer=Customer(id="c-1", timezone="UTC"),
            schedule=self.closed_for_400_days(opens),
            calling_window="00:00-24:00",
        )

    def test_the_first_moment_400_days_on_is_taken(self) -> None:
        """Due 00:10 and staff next open 400 days later at 00:10: placed then."""
        result = self.place_on_the_first("00:10", "00:10")
        assert isinstance(result, Placement)
        assert utc("2027-07-06T00:10") == result.due_at

    def test_a_moment_past_400_days_is_not(self) -> None:
        """Due 00:05 and staff next open at 00:10, five minutes past the horizon."""
        result = self.place_on_the_first("00:05", "00:10")
        assert "no-common-window" == getattr(result, "constraint", None)


class TestLocalDaysKeepTheMicrosecond:
    """Adding local days across a clock change keeps the wall-clock time to the
    microsecond."""

    def test_across_the_spring_change(self) -> None:
        """Fri 6 March 10:00:00.999999 EST plus 7 days: Fri 13 March 10:00:00.999999 EDT."""
        ny = zone(NEW_YORK)
        start = dt.datetime(2026, 3, 6, 10, 0, 0, 999_999, tzinfo=ny).timestamp()
        expected = dt.datetime(2026, 3, 13, 10, 0, 0, 999_999, tzinfo=ny).timestamp()
        assert expected == add_local_days(start, 7, ny)


class TestLastEndLooksNoFurtherBack:
    """``OpenTable.last_end`` stops at its floor, even in a table that is never open."""

    def test_a_table_never_open(self) -> None:
        """Calling windows 08:00-09:00 and 10:00-11:00 never overlap: no run ended after
        the floor, and only the blocks back to the floor's were built."""
        utc_zone = zone("UTC")
        table = OverlapTable(
            (
                window_table(Window("08:00", "09:00"), utc_zone),
                window_table(Window("10:00", "11:00"), utc_zone),
            )
        )
        moment = utc("2026-03-04T12:00").timestamp()
        floor = moment - 10 * 86_400
        assert table.last_end(moment, floor) is None
        assert int(floor // BLOCK) - 1 <= min(table.blocks)

    def test_overlap_is_of_every_part(self) -> None:
        """08:00-12:00 and 10:00-14:00 overlap from 10:00 to 12:00, whichever comes first."""
        utc_zone = zone("UTC")
        early = window_table(Window("08:00", "12:00"), utc_zone)
        late = window_table(Window("10:00", "14:00"), utc_zone)
        moment = utc("2026-03-04T07:00").timestamp()
        found = [
            (table.first_open(moment, moment + 86_400), table.run_end(moment + 3 * 3600, 1e12))
            for table in (OverlapTable((early, late)), OverlapTable((late, early)))
        ]
        expected = (utc("2026-03-04T10:00").timestamp(), utc("2026-03-04T12:00").timestamp())
        assert [expected, expected] == found


class TestWeekdayNames:
    """Weekdays are read by their first three letters, in any case."""

    def test_full_names(self) -> None:
        """'Monday-Friday' is 'mon-fri', and 'Saturday' is 'sat'."""
        written = Schedule(timezone="UTC", hours={"Monday-Friday": "09:00-17:00"})
        short = Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"})
        assert written.hours == short.hours
        assert {"sat": "10:00-14:00"} == WeeklyWindow({"Saturday": "10:00-14:00"}).to_mapping()


class TestHolidaysOfTheWrongType:
    """Holidays must support ``date in holidays``."""

    def test_a_number_is_refused(self) -> None:
        """A number: PolicyTypeError naming the field."""
        with pytest.raises(PolicyTypeError, match=r"Schedule\.holidays"):
            Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"}, holidays=5)  # type: ignore[arg-type]  # refused


class TestTheYearsOfTime:
    """Instants from 1 January of the year 2 to the last second of 9998, both included."""

    @pytest.mark.parametrize(
        "moment",
        [
            dt.datetime(2, 1, 1, tzinfo=UTC),
            dt.datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC),
        ],
    )
    def test_the_bounds_are_taken(self, moment: dt.datetime) -> None:
        """The first and the last instant."""
        assert moment.timestamp() == aware_seconds(moment, "now")

    @pytest.mark.parametrize(
        "moment",
        [
            dt.datetime(1, 12, 31, 23, 59, 59, tzinfo=UTC),
            dt.datetime(9999, 1, 1, tzinfo=UTC),
        ],
    )
    def test_just_outside_is_refused(self, moment: dt.datetime) -> None:
        """A second before the first or after the last (a float of POSIX seconds holds
        no finer a difference so far from 1970)."""
        with pytest.raises(InvalidFactError, match="now must lie between the years 2 and 9998"):
            aware_seconds(moment, "now")


class TestRetryOfAnEarlyAttempt:
    """An unanswered call made before a call was due leaves it due when it was."""

    def test_the_check_in_stays_due_a_week_on(self) -> None:
        """A check-in due 7 local days after an issue opened; an agent called on day 2,
        unanswered (a retry would be due 2 hours later): on day 3 the call is still due
        on day 7, not at once."""
        rule = Rule(
            name="check-in",
            trigger=On("issue.opened"),
            due=TRIGGER + Local(days=7),
            deadline=DUE + Elapsed(hours=4),
        )
        policy = FollowUpPolicy(name="p", rules=[rule], schedule=Schedule.always_open(NEW_YORK))
        opened = Interaction(
            id="op-1",
            customer_id="c-1",
            kind="issue.opened",
            at=utc("2026-06-01T15:00"),
            issue_id="t-1",
        )
        early = Interaction(
            id="ca-1",
            customer_id="c-1",
            kind="call",
            at=utc("2026-06-02T15:00"),
            direction="outbound",
            channel="phone",
            issue_id="t-1",
            outcome="no_answer",
        )
        decision = evaluate(
            policy,
            Customer(id="c-1", timezone=NEW_YORK),
            [opened, early],
            now=utc("2026-06-03T15:00"),
        )
        assert [utc("2026-06-08T15:00")] == [call.due_at for call in decision.calls]


class TestTheGapIsFromTheLatestCall:
    """The minimum gap runs from the latest call before the moment asked about."""

    def test_two_earlier_calls(self) -> None:
        """Calls at 09:00 and 11:00 EDT with a two-hour gap: a call due at noon waits
        until 13:00 (the gap after the 11:00 call), not for nothing."""
        result = placed(
            "2026-06-10T16:00",
            now="2026-06-10T16:00",
            slack=3600,
            history=[
                contact("2026-06-10T13:00", direction="outbound"),
                contact("2026-06-10T15:00", direction="outbound"),
            ],
            caps=ContactCaps(max_attempts=5, min_gap=Elapsed(hours=2)),
        )
        assert utc("2026-06-10T17:00") == result.due_at

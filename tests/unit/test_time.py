"""Unit tests for ``extramile._time``: durations, local arithmetic and staff schedules."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from collections.abc import Container

import holidays
import pendulum
import pytest

from extramile import (
    Business,
    Elapsed,
    InvalidFactError,
    InvalidPolicyError,
    Local,
    PolicyError,
    PolicyTypeError,
    Schedule,
    Window,
)
from extramile._time import add_local_days, local_date, local_day_start, wall_to_ts
from extramile._time.calendar import _DAY_STARTS, _LOCAL_DATES, _SHIFTED, _SHIFTED_KEPT
from extramile._time.schedule import WeekHours

US_HOLIDAYS = holidays.country_holidays("US")
NEW_YORK = pendulum.timezone("America/New_York")


def utc(text: str) -> pendulum.DateTime:
    """An instant written as ISO-8601 UTC, e.g. ``"2026-10-30T20:00"``."""
    return pendulum.parse(text + "Z")  # type: ignore[return-value]


def office(
    timezone: str, country: Container[dt.date] | None = None, hours: str = "09:00-17:00"
) -> Schedule:
    """A Monday-to-Friday office in ``timezone``."""
    return Schedule(timezone=timezone, hours={"mon-fri": hours}, holidays=country)


class _EveryDay(holidays.HolidayBase):
    """A holiday calendar in which every date is a holiday."""

    def __contains__(self, item: object) -> bool:
        return True


class _Lookalike(Container[dt.date]):
    """A container of every date that is no ``holidays`` calendar."""

    def __contains__(self, item: object) -> bool:
        return True


class TestDurations:
    """The three kinds of duration and what they hold."""

    def test_elapsed_adds_its_units(self) -> None:
        """Elapsed time is exact seconds, whatever unit it was written in."""
        assert 7 * 86_400 + 90 == Elapsed(days=7, minutes=1, seconds=30).seconds

    def test_a_week_of_hours_equals_seven_elapsed_days(self) -> None:
        """168 elapsed hours and 7 elapsed days are the same duration."""
        assert Elapsed(days=7) == Elapsed(hours=168)

    def test_local_weeks_are_seven_days(self) -> None:
        """Local(weeks=2) is fourteen calendar days."""
        assert Local(days=14) == Local(weeks=2)

    def test_business_keeps_days_apart_from_open_time(self) -> None:
        """Business days are counted apart from business hours."""
        duration = Business(days=2, hours=1, minutes=30)
        assert (2, 5400) == (duration.days, duration.seconds)

    def test_reprs_name_the_unit(self) -> None:
        """A duration prints as the constructor call that makes it."""
        expected = ["Elapsed(minutes=15)", "Local(days=7)", "Business(days=2, hours=4)"]
        actual = [repr(Elapsed(minutes=15)), repr(Local(weeks=1)), repr(Business(days=2, hours=4))]
        assert expected == actual


class TestBadDurations:
    """A malformed duration is refused at construction, naming the field."""

    @pytest.mark.parametrize(
        ("make", "field"),
        [
            (lambda: Elapsed(hours=-1), "Elapsed.hours"),
            (lambda: Elapsed(seconds=float("nan")), "Elapsed.seconds"),
            (lambda: Local(days=-1), "Local.days"),
            (lambda: Business(minutes=-5), "Business.minutes"),
            (lambda: Business(days=-2), "Business.days"),
        ],
    )
    def test_negative_amounts_are_refused(self, make: object, field: str) -> None:
        """Durations are never negative (nor NaN): InvalidPolicyError, also a ValueError."""
        with pytest.raises(InvalidPolicyError, match=re.escape(field)) as info:
            make()  # type: ignore[operator]
        assert (True, True) == (
            isinstance(info.value, PolicyError),
            isinstance(info.value, ValueError),
        )

    @pytest.mark.parametrize(
        "make",
        [
            lambda: Elapsed(days=1e308),
            lambda: Elapsed(days=36_525, seconds=1),
            lambda: Local(days=10**7),
            lambda: Local(weeks=5_218),
            lambda: Business(days=2_100_000),
            lambda: Business(hours=1e306),
        ],
        ids=["elapsed-inf", "elapsed-century", "local", "weeks", "business-days", "business-hours"],
    )
    def test_more_than_a_century_is_refused(self, make: object) -> None:
        """A duration longer than a century is a mistake (``None`` says "never" for a
        give-up time); ``Elapsed(days=1e308)`` used to become infinite, and a business
        duration of millions of days ran for minutes before an ``OverflowError``."""
        with pytest.raises(InvalidPolicyError, match=r"at most a century \(36525 days\)"):
            make()  # type: ignore[operator]

    def test_a_century_is_taken(self) -> None:
        """The longest duration: 36525 days of each kind."""
        assert (36_525 * 86_400, 36_525, 36_525) == (
            Elapsed(days=36_525).seconds,
            Local(days=36_525).days,
            Business(days=36_525).days,
        )

    def test_fractional_days_are_refused(self) -> None:
        """Local and business days are whole days."""
        with pytest.raises(InvalidPolicyError, match=r"Business\.days must be a whole number"):
            Business(days=1.5)  # type: ignore[arg-type]

    def test_a_non_number_is_a_type_error(self) -> None:
        """A string amount is a PolicyTypeError, also a TypeError."""
        with pytest.raises(TypeError, match=r"Elapsed\.hours must be a number") as info:
            Elapsed(hours="2")  # type: ignore[arg-type]
        assert isinstance(info.value, PolicyTypeError)


class TestLocalArithmetic:
    """Calendar days in a timezone keep the wall-clock time; elapsed hours do not."""

    def test_seven_local_days_keep_the_clock_across_spring_forward(self) -> None:
        """Fri 10:00 EST + 7 local days is Fri 10:00 EDT, an hour sooner than 168 hours."""
        start = utc("2026-03-06T15:00")
        expected = (utc("2026-03-13T14:00").timestamp(), utc("2026-03-13T15:00").timestamp())
        actual = (
            add_local_days(start.timestamp(), Local(days=7).days, NEW_YORK),
            start.timestamp() + Elapsed(hours=168).seconds,
        )
        assert expected == actual

    def test_a_nonexistent_time_moves_forward_by_the_gap(self) -> None:
        """Sat 02:30 EST + 1 local day: 02:30 does not exist on Sunday, so 03:30 EDT."""
        start = utc("2026-03-07T07:30")  # Sat 02:30 EST
        expected = utc("2026-03-08T07:30").timestamp()  # Sun 03:30 EDT
        assert expected == add_local_days(start.timestamp(), 1, NEW_YORK)

    def test_an_ambiguous_time_takes_its_first_occurrence(self) -> None:
        """Sat 01:30 EDT + 1 local day: Sunday has 01:30 twice; the first is EDT."""
        start = utc("2026-10-31T05:30")  # Sat 01:30 EDT
        expected = utc("2026-11-01T05:30").timestamp()  # Sun 01:30 EDT, not 06:30Z (EST)
        assert expected == add_local_days(start.timestamp(), 1, NEW_YORK)

    def test_from_standard_time_into_a_repeated_hour_takes_its_first_occurrence(self) -> None:
        """01:30 EST on New Year's Day + 304 local days is 1 November, whose 01:30 comes
        twice: the first (EDT), although exactly 304 days of 24 hours lands on the second,
        which has the offset the start had."""
        start = utc("2026-01-01T06:30")  # Thu 01:30 EST
        expected = utc("2026-11-01T05:30").timestamp()  # Sun 01:30 EDT
        assert expected == add_local_days(start.timestamp(), 304, NEW_YORK)

    def test_zero_days_keep_the_second_pass_of_a_repeated_hour(self) -> None:
        """Adding no days to 01:30 EST (the second 01:30) returns the same instant."""
        start = utc("2026-11-01T06:30").timestamp()
        assert start == add_local_days(start, 0, NEW_YORK)

    def test_zero_days_of_whole_seconds_and_of_a_fraction(self) -> None:
        """No days from whole seconds is the instant itself (a positive zero, and a float
        for an int); from a fraction of a second, the microsecond the clock reads."""
        assert repr(add_local_days(-0.0, 0, NEW_YORK)) == "0.0"
        assert repr(add_local_days(60, 0, NEW_YORK)) == "60.0"
        assert add_local_days(60.0000004, 0, NEW_YORK) == 60.0

    def test_local_days_added_are_kept_within_a_bound(self) -> None:
        """add_local_days remembers its answers for whole seconds, never more than its
        bound of them, and answers alike with the memo full, cleared or warm."""
        instants = [1_772_928_000.0 + 1_800.0 * n for n in range(_SHIFTED_KEPT + 10)]
        direct = [_utc_wall_week(ts) for ts in instants]
        warm = [add_local_days(ts, 7, NEW_YORK) for ts in instants]
        again = [add_local_days(ts, 7, NEW_YORK) for ts in instants]
        _SHIFTED.clear()
        cold = [add_local_days(ts, 7, NEW_YORK) for ts in reversed(instants)][::-1]
        assert (warm, again, cold) == (direct, direct, direct)
        assert 0 < len(_SHIFTED) <= _SHIFTED_KEPT

    def test_going_back_a_week_from_the_second_pass(self) -> None:
        """A week after 01:30 EST on the fall-back day is 01:30 EST again."""
        start = utc("2026-11-01T06:30").timestamp()
        expected = utc("2026-11-08T06:30").timestamp()
        assert expected == add_local_days(start, 7, NEW_YORK)

    def test_local_dates_are_kept_within_a_bound(self) -> None:
        """local_date remembers its answers, never more than its bound of them."""
        instants = [1_773_154_800.0 + 3_600.0 * n for n in range(_LOCAL_DATES.bound + 10)]
        answers = [local_date(ts, NEW_YORK) for ts in instants]
        direct = [dt.datetime.fromtimestamp(ts, NEW_YORK).date() for ts in instants]
        assert (answers, True) == (direct, len(_LOCAL_DATES) <= _LOCAL_DATES.bound)

    def test_day_starts_are_kept_within_a_bound(self) -> None:
        """local_day_start remembers its answers, never more than its bound of them, and
        answers alike with the memo full, cleared or warm."""
        first = dt.date(2000, 1, 1)
        days = [first + dt.timedelta(days=n) for n in range(_DAY_STARTS.bound + 10)]
        answers = [local_day_start(day, NEW_YORK) for day in days]
        again = [local_day_start(day, NEW_YORK) for day in days]
        direct = [wall_to_ts(day, 0, NEW_YORK) for day in days]
        assert (answers, again, True) == (direct, direct, len(_DAY_STARTS) <= _DAY_STARTS.bound)

    @pytest.mark.parametrize(
        ("clock", "fold", "expected"),
        [
            (2.5 * 3600, 0, "2026-03-08T07:30"),  # in the gap: moved forward
            (1.5 * 3600, 0, "2026-03-08T06:30"),  # an ordinary time
            (86_400, 0, "2026-03-09T04:00"),  # midnight ending the day
        ],
    )
    def test_wall_to_ts_on_the_spring_forward_day(
        self, clock: float, fold: int, expected: str
    ) -> None:
        """wall_to_ts maps a wall-clock time of a day to POSIX seconds."""
        actual = wall_to_ts(dt.date(2026, 3, 8), clock, NEW_YORK, fold=fold)
        assert utc(expected).timestamp() == actual

    def test_wall_to_ts_fold_picks_the_second_pass(self) -> None:
        """On the fall-back day fold=0 is 01:30 EDT, fold=1 is 01:30 EST."""
        day = dt.date(2026, 11, 1)
        expected = (utc("2026-11-01T05:30").timestamp(), utc("2026-11-01T06:30").timestamp())
        actual = (wall_to_ts(day, 5400, NEW_YORK), wall_to_ts(day, 5400, NEW_YORK, fold=1))
        assert expected == actual


def _utc_wall_week(ts: float) -> float:
    """A week after ``ts`` in New York, by wall-clock arithmetic alone."""
    local = dt.datetime.fromtimestamp(ts, NEW_YORK)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    return wall_to_ts(local.date() + dt.timedelta(days=7), seconds, NEW_YORK)


class TestBusinessAdd:
    """Adding business time counts only open hours, skipping weekends and holidays."""

    def test_friday_afternoon_plus_four_hours_in_chicago(self) -> None:
        """Fri 15:00 CDT + 4 business hours = Mon 11:00 CST (the clocks went back)."""
        schedule = office("America/Chicago")
        actual = schedule.add(utc("2026-10-30T20:00"), Business(hours=4))
        assert utc("2026-11-02T17:00") == actual
        assert ("America/Chicago", "CST") == (actual.timezone_name, actual.format("zz"))

    def test_christmas_is_skipped_in_new_york(self) -> None:
        """Thu 24 Dec 16:00 EST + 2 business hours skips Christmas: Mon 28 Dec 10:00 EST."""
        schedule = office("America/New_York", US_HOLIDAYS)
        assert utc("2026-12-28T15:00") == schedule.add(utc("2026-12-24T21:00"), Business(hours=2))

    def test_the_fast_path_agrees(self) -> None:
        """add_ts on POSIX seconds gives the same instant as add."""
        schedule = office("America/New_York", US_HOLIDAYS)
        actual = schedule.add_ts(utc("2026-12-24T21:00").timestamp(), Business(hours=2))
        assert utc("2026-12-28T15:00").timestamp() == actual

    def test_bastille_day_is_skipped_in_paris(self) -> None:
        """Mon 13 July 16:00 CEST + 3 business hours skips the 14th: Wed 15 July 11:00."""
        schedule = office("Europe/Paris", holidays.country_holidays("FR"))
        assert utc("2026-07-15T09:00") == schedule.add(utc("2026-07-13T14:00"), Business(hours=3))

    def test_from_a_closed_moment_counting_starts_at_the_opening(self) -> None:
        """Saturday + 1 business hour is Monday 10:00."""
        schedule = office("America/Chicago")
        assert utc("2026-11-02T16:00") == schedule.add(utc("2026-10-31T15:00"), Business(hours=1))

    def test_an_empty_business_duration_is_the_next_opening(self) -> None:
        """Business() from Saturday is Monday 09:00."""
        schedule = office("America/Chicago")
        assert utc("2026-11-02T15:00") == schedule.add(utc("2026-10-31T15:00"), Business())

    def test_two_business_days_skip_thanksgiving_and_the_weekend(self) -> None:
        """Wed 25 Nov 10:00 CST + 2 business days: Fri 27 is one, Mon 30 10:00 is two."""
        schedule = office("America/Chicago", US_HOLIDAYS)
        assert utc("2026-11-30T16:00") == schedule.add(utc("2026-11-25T16:00"), Business(days=2))

    @pytest.mark.parametrize(
        ("hours", "start", "expected"),
        [
            # Thu 16:00 EST + 2: Friday (closing at 15:00) is one, Monday 16:00 is two.
            (
                {"mon-thu": "09:00-17:00", "fri": "09:00-15:00"},
                "2026-03-05T21:00",
                "2026-03-09T20:00",
            ),
            # Fri 09:30 EST + 2, Saturdays 10:00-14:00: Sat is one, Mon 09:30 is two.
            (
                {"mon-fri": "09:00-17:00", "sat": "10:00-14:00"},
                "2026-03-06T14:30",
                "2026-03-09T13:30",
            ),
        ],
        ids=["short-friday", "saturday-mornings"],
    )
    def test_business_days_keep_the_first_opening_clock(
        self, hours: dict[str, str], start: str, expected: str
    ) -> None:
        """The n-th open day keeps the wall-clock time of the first open moment, as
        documented; a day whose hours did not reach that time used to carry its next
        opening on to the following days (Thu 16:00 + 2 was Tuesday 09:00)."""
        schedule = Schedule(timezone="America/New_York", hours=hours)
        assert utc(expected) == schedule.add(utc(start), Business(days=2))

    def test_business_days_start_from_the_next_opening(self) -> None:
        """Saturday + 1 business day: from Mon 09:00 to Tue 09:00."""
        schedule = office("America/Chicago")
        assert utc("2026-12-01T15:00") == schedule.add(utc("2026-11-28T18:00"), Business(days=1))

    def test_days_and_hours_together(self) -> None:
        """Fri 16:30 + 1 business day and 1 hour: Mon 16:30, then 30 minutes and Tue 09:30."""
        schedule = office("America/Chicago")
        actual = schedule.add(utc("2026-11-20T22:30"), Business(days=1, hours=1))
        assert utc("2026-11-24T15:30") == actual

    def test_a_run_across_midnight_is_one_run(self) -> None:
        """Windows 20:00-24:00 and 00:00-04:00 join: 22:00 + 4h is 02:00 the next day."""
        schedule = Schedule(timezone="UTC", hours={"mon-sun": ["00:00-04:00", "20:00-24:00"]})
        assert utc("2026-05-06T02:00") == schedule.add(utc("2026-05-05T22:00"), Business(hours=4))

    def test_always_open_adds_elapsed_time(self) -> None:
        """An always-open schedule counts every second."""
        schedule = Schedule.always_open("Europe/Paris")
        assert utc("2026-03-30T00:00") == schedule.add(utc("2026-03-29T00:00"), Business(hours=24))

    def test_add_refuses_other_durations(self) -> None:
        """Schedule.add takes only Business time; an Elapsed duration is a PolicyTypeError."""
        with pytest.raises(PolicyTypeError, match=r"Schedule\.add takes a Business duration"):
            office("UTC").add(utc("2026-01-05T10:00"), Elapsed(hours=1))  # type: ignore[arg-type]


class TestBetween:
    """Schedule.between measures business time between two instants."""

    def test_across_christmas(self) -> None:
        """From Thu 24 Dec 16:00 to Mon 28 Dec 10:00 EST: two business hours."""
        schedule = office("America/New_York", US_HOLIDAYS)
        actual = schedule.between(utc("2026-12-24T21:00"), utc("2026-12-28T15:00"))
        assert Business(hours=2) == actual

    def test_across_the_fall_back_weekend(self) -> None:
        """From Fri 15:00 CDT to Mon 11:00 CST: four business hours."""
        schedule = office("America/Chicago")
        assert Business(hours=4) == schedule.between(
            utc("2026-10-30T20:00"), utc("2026-11-02T17:00")
        )

    def test_a_full_week(self) -> None:
        """A whole week of a Monday-to-Friday office is 40 hours."""
        schedule = office("Europe/London")
        assert Business(hours=40) == schedule.between(
            utc("2026-06-01T00:00"), utc("2026-06-08T00:00")
        )

    def test_end_before_start_is_zero(self) -> None:
        """Between a later and an earlier instant there is no business time."""
        schedule = office("Europe/London")
        assert Business() == schedule.between(utc("2026-06-08T00:00"), utc("2026-06-01T00:00"))

    def test_a_never_open_calendar_between_two_instants_is_zero(self) -> None:
        """Measuring a closed stretch needs no opening: zero, not an error."""
        schedule = Schedule(timezone="UTC", hours={"mon": "09:00-17:00"}, holidays=_EveryDay())
        assert Business() == schedule.between(utc("2026-06-01T00:00"), utc("2026-06-08T00:00"))


class TestOpenAndNextOpen:
    """is_open and next_open on ordinary days."""

    def test_open_inside_closed_at_the_end(self) -> None:
        """A window includes its start and excludes its end."""
        schedule = office("UTC")
        actual = [
            schedule.is_open(utc(t))
            for t in ("2026-06-01T09:00", "2026-06-01T16:59:59", "2026-06-01T17:00")
        ]
        assert [True, True, False] == actual

    def test_closed_on_a_holiday(self) -> None:
        """Christmas Day is closed though it is a weekday."""
        assert not office("America/New_York", US_HOLIDAYS).is_open(utc("2026-12-25T15:00"))

    def test_next_open_from_an_open_moment_is_itself(self) -> None:
        """next_open of an open instant is that instant."""
        assert utc("2026-06-01T10:00") == office("UTC").next_open(utc("2026-06-01T10:00"))

    def test_next_open_is_in_the_schedule_timezone(self) -> None:
        """next_open after Christmas Eve closing is Mon 28 Dec 09:00 EST."""
        actual = office("America/New_York", US_HOLIDAYS).next_open(utc("2026-12-24T22:00"))
        assert ("2026-12-28T09:00:00-05:00", "America/New_York") == (
            actual.isoformat(),
            actual.timezone_name,
        )

    def test_split_shift_reopens_after_lunch(self) -> None:
        """Two windows a day: closed over lunch, reopening at 13:00."""
        schedule = Schedule(timezone="UTC", hours={"mon-fri": "09:00-12:00, 13:00-17:00"})
        assert utc("2026-06-01T13:00") == schedule.next_open(utc("2026-06-01T12:15"))

    def test_holiday_name_and_reason(self) -> None:
        """A holiday is named in the explanation of why staff are closed."""
        schedule = office("America/New_York", US_HOLIDAYS)
        expected = (
            "Christmas Day",
            "holiday: Christmas Day; staff open again Mon 09:00 EST",
            "staff hours closed in America/New_York until Mon 09:00 EST",
        )
        actual = (
            schedule.holiday_name(dt.date(2026, 12, 25)),
            schedule.describe_closed(utc("2026-12-25T15:00").timestamp()),
            schedule.describe_closed(utc("2026-12-26T15:00").timestamp()),
        )
        assert expected == actual

    def test_copies_of_a_holiday_calendar_stay_equal_whatever_years_they_looked_up(
        self,
    ) -> None:
        """A ``holidays`` calendar loads a year when a date of it is first looked up, and
        compares its loaded years: two copies of one schedule (pickled to two workers,
        say) are still equal after looking up different years."""
        blob = pickle.dumps(office("America/New_York", holidays.country_holidays("US")))
        first, second = pickle.loads(blob), pickle.loads(blob)
        first.holiday_name(dt.date(2031, 7, 4))
        second.holiday_name(dt.date(2026, 12, 25))
        assert first == second
        assert first != office("America/New_York", holidays.country_holidays("FR"))

    def test_a_holiday_calendar_is_asked_one_date_at_a_time(self) -> None:
        """Threads planning with one schedule never ask its holiday calendar two dates
        at once: a ``holidays`` calendar marks a year loaded before it has loaded it, so
        a date asked meanwhile would be remembered as a working day for good."""
        import threading  # noqa: PLC0415  # only this test runs threads
        import time  # noqa: PLC0415

        class Slow(holidays.HolidayBase):
            inside = 0
            most = 0

            def __contains__(self, day: object) -> bool:
                Slow.inside += 1
                Slow.most = max(Slow.most, Slow.inside)
                time.sleep(0.002)
                Slow.inside -= 1
                return False

        schedule = office("UTC", Slow())
        threads = [
            threading.Thread(target=schedule.holiday_name, args=(dt.date(2026, 1, 1 + n),))
            for n in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert 1 == Slow.most

    @pytest.mark.parametrize("method", ["is_open", "next_open", "add", "between"])
    def test_a_naive_datetime_is_refused(self, method: str) -> None:
        """A naive datetime would be read in the machine's own timezone, so the answer
        would depend on where it runs: every public method refuses one."""
        schedule = office("UTC", None)
        naive = dt.datetime(2026, 6, 10, 16, 30)
        aware = naive.replace(tzinfo=dt.timezone.utc)
        arguments: dict[str, tuple[object, ...]] = {
            "is_open": (naive,),
            "next_open": (naive,),
            "add": (naive, Business(hours=1)),
            "between": (aware, naive),
        }
        with pytest.raises(InvalidFactError, match="must be timezone-aware"):
            getattr(schedule, method)(*arguments[method])

    def test_an_instant_at_the_end_of_the_calendar_is_refused(self) -> None:
        """next_open in the year 9999 would run past the calendar: an error that says so."""
        late = dt.datetime(9999, 12, 30, tzinfo=dt.timezone.utc)
        with pytest.raises(InvalidFactError, match="between the years 2 and 9998"):
            office("UTC").next_open(late)

    def test_a_plain_set_of_dates_has_unnamed_holidays(self) -> None:
        """A set of dates works as a holiday calendar; its days are called "holiday"."""
        schedule = office("UTC", {dt.date(2026, 6, 1)})
        assert ("holiday", None) == (
            schedule.holiday_name(dt.date(2026, 6, 1)),
            schedule.holiday_name(dt.date(2026, 6, 2)),
        )


class TestMemoisedTables:
    """A schedule memoises its open intervals; the memo is bounded and never travels."""

    def test_a_pickled_schedule_comes_back_equal_with_an_empty_memo(self) -> None:
        """The memo holds functions and is rebuilt where needed, so it pickles empty; the
        copy answers the same."""
        schedule = office("America/New_York", US_HOLIDAYS)
        friday = utc("2026-12-24T22:00").timestamp()
        first = schedule.next_open_ts(friday)
        back = pickle.loads(pickle.dumps(schedule))
        assert (schedule, 0, first) == (back, len(back._tables), back.next_open_ts(friday))

    def test_reasons_are_remembered_and_pickle_empty(self) -> None:
        """Why staff are closed at an instant is worked out once; a pickled copy starts
        without the memo and gives the same reason."""
        schedule = office("America/New_York", US_HOLIDAYS)
        christmas = utc("2026-12-25T15:00").timestamp()
        first = schedule.describe_closed(christmas)
        back = pickle.loads(pickle.dumps(schedule))
        assert (first, 1, 0) == (
            schedule.describe_closed(christmas),
            len(schedule._closed_reasons),
            len(back._closed_reasons),
        )
        assert first == back.describe_closed(christmas)

    def test_derived_tables_are_bounded(self) -> None:
        """However many tables are derived from one schedule, it keeps a bounded number."""
        schedule = office("UTC")
        for key in range(200):
            schedule.derived_table(key, schedule.open_table)
        assert 0 < len(schedule._tables) <= schedule._tables.bound

    def test_the_memoised_and_direct_answers_agree_around_christmas(self) -> None:
        """next_open_ts and open_until_ts agree with the direct searches hour by hour."""
        schedule = office("America/New_York", US_HOLIDAYS)
        start = utc("2026-12-20T00:00").timestamp()
        hours = [start + 3600 * h for h in range(24 * 14)]
        expected = [(schedule.next_open_search(t), schedule.open_until_search(t)) for t in hours]
        actual = [(schedule.next_open_ts(t), schedule.open_until_ts(t)) for t in hours]
        assert expected == actual


class TestDaylightSavingEdges:
    """Windows that meet a clock change open and close where their wall clock says."""

    def test_a_window_starting_inside_the_gap_opens_at_the_change(self) -> None:
        """Sun 02:30-04:00 on spring-forward day: 02:30 never happens, 03:00 EDT is open."""
        schedule = Schedule(timezone="America/New_York", hours={"sun": "02:30-04:00"})
        start = utc("2026-03-08T05:00")  # Sun 00:00 EST
        expected = (utc("2026-03-08T07:00"), Business(hours=1))
        actual = (schedule.next_open(start), schedule.between(start, utc("2026-03-09T05:00")))
        assert expected == actual

    def test_a_window_wholly_inside_the_gap_does_not_open(self) -> None:
        """Sun 02:00-02:30 does not exist on spring-forward day; next is Monday 09:00."""
        schedule = Schedule(
            timezone="America/New_York", hours={"sun": "02:00-02:30", "mon": "09:00-10:00"}
        )
        actual = schedule.next_open(utc("2026-03-08T05:00"))
        assert (utc("2026-03-09T13:00"), True) == (actual, schedule.is_open(actual))

    def test_a_window_ending_inside_the_gap_closes_at_the_change(self) -> None:
        """Sun 00:00-02:30 on spring-forward day is open two hours, until 03:00 EDT."""
        schedule = Schedule(timezone="America/New_York", hours={"sun": "00:00-02:30"})
        start = utc("2026-03-08T05:00")
        expected = (utc("2026-03-08T07:00").timestamp(), Business(hours=2))
        actual = (
            schedule.open_until_ts(start.timestamp()),
            schedule.between(start, utc("2026-03-09T05:00")),
        )
        assert expected == actual

    def test_a_window_inside_the_repeated_hour_opens_twice(self) -> None:
        """Sun 01:00-01:30 on fall-back day happens in EDT and again in EST."""
        schedule = Schedule(timezone="America/New_York", hours={"sun": "01:00-01:30"})
        # compared as POSIX seconds: Python never calls a repeated-hour time equal to an
        # instant written in another zone (PEP 495)
        expected = (utc("2026-11-01T06:00").timestamp(), Business(hours=1))
        actual = (
            schedule.next_open(utc("2026-11-01T05:40")).timestamp(),  # 01:40 EDT
            schedule.between(utc("2026-11-01T04:00"), utc("2026-11-02T05:00")),
        )
        assert expected == actual

    def test_a_window_spanning_the_repeated_hour_lasts_an_hour_longer(self) -> None:
        """Sun 00:00-04:00 on fall-back day is five hours of business time."""
        schedule = Schedule(timezone="America/New_York", hours={"sun": "00:00-04:00"})
        expected = (utc("2026-11-01T09:00").timestamp(), Business(hours=5))
        actual = (
            schedule.open_until_ts(utc("2026-11-01T04:00").timestamp()),
            schedule.between(utc("2026-11-01T04:00"), utc("2026-11-02T05:00")),
        )
        assert expected == actual

    def test_business_time_across_a_midnight_gap(self) -> None:
        """Havana springs forward at midnight: Sat 20:00-24:00 joins Sun from 01:00 CDT."""
        schedule = Schedule(
            timezone="America/Havana", hours={"mon-sun": ["00:00-08:00", "20:00-24:00"]}
        )
        # Sat 2026-03-07 22:00 CST (04:00Z) + 5h: 2h to midnight, which is 01:00 CDT, then 3h
        actual = schedule.add(utc("2026-03-08T03:00"), Business(hours=5))
        assert utc("2026-03-08T08:00") == actual


class TestBadSchedules:
    """A malformed schedule is refused, naming the field."""

    def test_a_window_must_start_before_it_ends(self) -> None:
        """Window('17:00', '09:00') is refused: InvalidPolicyError, also a ValueError."""
        with pytest.raises(ValueError, match=r"Window\.start must be before Window\.end") as info:
            Window("17:00", "09:00")
        assert isinstance(info.value, InvalidPolicyError)

    def test_a_window_in_schedule_text_must_start_before_it_ends(self) -> None:
        """The same check applies to windows written in a schedule."""
        with pytest.raises(InvalidPolicyError, match=r"Window\.start must be before Window\.end"):
            Schedule(timezone="UTC", hours={"mon": "17:00-09:00"})

    def test_an_unknown_timezone(self) -> None:
        """An unknown timezone name is refused, naming Schedule.timezone."""
        with pytest.raises(InvalidPolicyError, match=r"Schedule\.timezone .*'Mars/Olympus'"):
            Schedule(timezone="Mars/Olympus", hours={"mon": "09:00-17:00"})

    def test_a_timezone_of_the_wrong_type(self) -> None:
        """A timezone that is not a string is a PolicyTypeError, also a TypeError."""
        with pytest.raises(TypeError, match=r"Schedule\.timezone must be an IANA timezone"):
            Schedule(timezone=5, hours={"mon": "09:00-17:00"})  # type: ignore[arg-type]

    @pytest.mark.parametrize("hours", [{}, {"mon-sun": []}, [None] * 7])
    def test_a_schedule_with_no_opening(self, hours: WeekHours) -> None:
        """A schedule must open at least once a week."""
        with pytest.raises(InvalidPolicyError, match=r"Schedule\.hours has no opening at all"):
            Schedule(timezone="UTC", hours=hours)

    def test_overlapping_windows(self) -> None:
        """Two windows of one day may not overlap."""
        with pytest.raises(InvalidPolicyError, match=r"Schedule\.hours for mon has overlapping"):
            Schedule(timezone="UTC", hours={"mon": "09:00-12:00,11:00-17:00"})

    def test_an_unknown_weekday(self) -> None:
        """A key that is not a weekday is refused."""
        with pytest.raises(InvalidPolicyError, match=r"Schedule\.hours keys must be weekdays"):
            Schedule(timezone="UTC", hours={"someday": "09:00-17:00"})

    def test_holidays_of_the_wrong_type(self) -> None:
        """A set of holidays must hold dates."""
        with pytest.raises(PolicyTypeError, match=r"Schedule\.holidays must hold datetime\.date"):
            Schedule(
                timezone="UTC",
                hours={"mon": "09:00-17:00"},
                holidays={"2026-12-25"},  # type: ignore[arg-type]
            )

    @pytest.mark.parametrize(
        ("holidays", "offending"),
        [
            ({"2026-12-25": "Christmas"}, "'2026-12-25'"),  # keys as text: open on Christmas
            (frozenset({"2026-12-25"}), "'2026-12-25'"),
            ({dt.datetime(2026, 12, 25): "Christmas"}, "datetime.datetime(2026, 12, 25, 0, 0)"),
            (range(3), "int 0"),
            ([dt.date(2026, 12, 25), None], "None"),
            ({dt.date(2026, 12, 25): 1}, "int 1"),  # a name must be text
        ],
    )
    def test_every_element_of_a_collection_of_holidays_must_be_a_date(
        self, holidays: object, offending: str
    ) -> None:
        """Whatever the collection, each holiday must be a date (not a datetime, not a
        string), and a name given for one must be a str; the error names the element."""
        with pytest.raises(PolicyTypeError, match=r"Schedule\.holidays") as info:
            Schedule(timezone="UTC", hours={"mon": "09:00-17:00"}, holidays=holidays)  # type: ignore[arg-type]
        assert offending in str(info.value)

    @pytest.mark.parametrize(
        "holidays", ["2026-12-25", b"2026-12-25", bytearray(b"x"), 20261225, iter([])]
    )
    def test_holidays_that_are_no_collection_of_dates_are_refused_when_built(
        self, holidays: object
    ) -> None:
        """Text, bytes, a number or a one-shot iterator is refused at construction, not
        with a plain TypeError at first use."""
        with pytest.raises(PolicyTypeError, match=r"^Schedule\.holidays must be "):
            Schedule(timezone="UTC", hours={"mon": "09:00-17:00"}, holidays=holidays)  # type: ignore[arg-type]

    def test_a_lookalike_calendar_is_refused(self) -> None:
        """A container that is neither a ``holidays`` calendar nor a collection of dates
        would be trusted blindly: refused."""
        with pytest.raises(PolicyTypeError, match=r"Schedule\.holidays must be .*_Lookalike"):
            Schedule(timezone="UTC", hours={"mon": "09:00-17:00"}, holidays=_Lookalike())

    def test_every_day_a_holiday_raises_instead_of_looping(self) -> None:
        """Adding business time to a schedule that never opens raises, naming the schedule."""
        schedule = Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"}, holidays=_EveryDay())
        with pytest.raises(InvalidPolicyError, match=r"Schedule in UTC has no opening within"):
            schedule.add(utc("2026-06-01T10:00"), Business(hours=1))

    def test_every_day_a_holiday_has_no_next_opening(self) -> None:
        """next_open on a schedule that never opens raises too."""
        schedule = Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"}, holidays=_EveryDay())
        with pytest.raises(InvalidPolicyError, match=r"are all days holidays\?"):
            schedule.next_open(utc("2026-06-01T10:00"))


class TestHolidayCollections:
    """What a schedule keeps of the holidays it is given."""

    def test_a_collection_of_dates_is_copied_to_a_frozenset(self) -> None:
        """A list, tuple, set, frozenset or dict view of dates is kept as a frozenset of
        plain dates: changing the list afterwards changes nothing."""
        days = [dt.date(2026, 12, 25), pendulum.date(2026, 12, 26)]
        schedule = office("UTC", days)
        days.append(dt.date(2026, 12, 28))
        assert (frozenset, {dt.date(2026, 12, 25), dt.date(2026, 12, 26)}) == (
            type(schedule.holidays),
            schedule.holidays,
        )
        assert {dt.date} == {type(day) for day in schedule.holidays}  # type: ignore[union-attr]

    def test_a_mapping_of_dates_to_names_is_copied_with_its_names(self) -> None:
        """A dict from date to name keeps the names for explanations, and is a copy."""
        days = {dt.date(2026, 12, 25): "Christmas Day"}
        schedule = office("UTC", days)
        days[dt.date(2026, 12, 28)] = "Boxing Day (observed)"
        assert ("Christmas Day", None) == (
            schedule.holiday_name(dt.date(2026, 12, 25)),
            schedule.holiday_name(dt.date(2026, 12, 28)),
        )

    def test_a_holidays_calendar_is_kept_as_it_is_and_never_iterated(self) -> None:
        """A ``holidays`` calendar loads its years as they are asked for, and iterates
        empty before: it is kept itself, and its holidays are found all the same."""
        calendar = holidays.country_holidays("US")
        schedule = office("America/New_York", calendar)
        assert (True, [], "Christmas Day") == (
            schedule.holidays is calendar,
            list(calendar),  # nothing loaded by the schedule's construction
            schedule.holiday_name(dt.date(2026, 12, 25)),
        )

    def test_a_calendar_built_on_holidays_base_is_kept(self) -> None:
        """A company's own calendar made with the ``holidays`` package (a subclass of
        ``HolidayBase``, or two calendars added together) is kept as it is."""

        class Company(holidays.HolidayBase):
            def _populate(self, year: int) -> None:
                super()._populate(year)
                self[dt.date(year, 8, 1)] = "Founders' Day"

        both = holidays.country_holidays("US") + holidays.country_holidays("FR")
        for calendar in (Company(), both):
            assert office("UTC", calendar).holidays is calendar
        assert "Founders' Day" == office("UTC", Company()).holiday_name(dt.date(2027, 8, 1))

"""Invariants of ``extramile._time``, with schedules and instants drawn over every timezone.

The oracle
----------

Schedules are drawn on a quarter-hour grid, and every UTC offset the tz database gives
from 2000 to 2040 is a whole number of quarter hours, changing at whole quarter hours.
So the set of open instants is a union of intervals whose ends fall on the UTC
quarter-hour grid, and each grid cell ``[g, g + 900)`` is wholly open or wholly closed.
Checking one instant a cell with a plain reading of the schedule (local date, holiday,
weekday windows) is then an exact, independent measure of business time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import zoneinfo
from collections.abc import Callable, Iterator

import attrs
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from extramile import Business, InvalidPolicyError, Schedule, Window
from extramile._time import add_local_days, wall_to_ts
from strategies_time import (
    DAY,
    QUARTER,
    instants,
    offset_changes,
    oracle_zone,
    zone_names,
    zone_of,
)

TOLERANCE = 1e-6
MAX_SPAN = 120 * 86_400
"""Longest stretch the grid oracle walks, so each example stays fast."""

Week = tuple[tuple[tuple[int, int], ...], ...]


@attrs.frozen
class ScheduleSpec:
    """A drawn schedule, as plain data the oracle reads directly."""

    zone: str
    week: Week
    holidays: frozenset[dt.date] | None

    def build(self) -> Schedule:
        """The library's Schedule for this spec."""
        return Schedule(
            timezone=self.zone,
            hours=[[Window(start, end) for start, end in day] for day in self.week],
            holidays=self.holidays,
        )

    def is_open(self, ts: float) -> bool:
        """Whether staff are open at ``ts``, read straight from the spec."""
        local = dt.datetime.fromtimestamp(ts, oracle_zone(self.zone))
        offset = local.utcoffset()
        assume(offset is not None and offset.total_seconds() % QUARTER == 0)
        if self.holidays is not None and local.date() in self.holidays:
            return False
        clock = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return any(start <= clock < end for start, end in self.week[local.weekday()])


def grid(start: float, end: float) -> Iterator[float]:
    """The quarter-hour grid points in ``(start, end)``."""
    g = math.floor(start / QUARTER) * QUARTER + QUARTER
    while g < end:
        yield float(g)
        g += QUARTER


def changes_between(zone: str, start: float, end: float) -> Iterator[float]:
    """The instants in ``(start, end)`` at which ``zone``'s offset changes, to the second:
    a few are off the quarter-hour grid (Gaza went forward at 00:01 in 2010)."""
    tz = oracle_zone(zone)

    def offset(ts: float) -> dt.timedelta | None:
        return dt.datetime.fromtimestamp(ts, tz).utcoffset()

    cuts = [start, *grid(start, end), end]
    for lo, hi in itertools.pairwise(cuts):
        if offset(lo) != offset(hi):
            low, high = math.floor(lo), math.ceil(hi)
            while high - low > 1:
                mid = (low + high) // 2
                if offset(mid) == offset(low):
                    low = mid
                else:
                    high = mid
            if start < high < end:
                yield float(high)


def oracle_between(spec: ScheduleSpec, start: float, end: float) -> float:
    """Open seconds in ``[start, end)``, one grid cell at a time (cells are also cut where
    the zone's offset changes)."""
    total = 0.0
    if start >= end:
        return total
    cuts = sorted({start, *grid(start, end), *changes_between(spec.zone, start, end), end})
    for lo, hi in itertools.pairwise(cuts):
        if spec.is_open(lo):
            total += hi - lo
    return total


def oracle_business_days(spec: ScheduleSpec, start: float, days: int) -> float:
    """``days`` business days from ``start``, as documented: from the first open moment,
    the same wall-clock time on the ``days``-th following day with open hours (the
    first such time, if the clocks repeat it), then the first open moment from there;
    open moments are found one grid cell at a time."""
    tz = oracle_zone(spec.zone)

    def next_open(ts: float) -> float:
        if spec.is_open(ts):
            return ts
        return next(g for g in grid(ts, ts + 400 * DAY) if spec.is_open(g))

    t = next_open(start)
    if not days:
        return t
    local = dt.datetime.fromtimestamp(t, tz)
    day = local.date()
    for _ in range(days):
        day += dt.timedelta(days=1)
        while not spec.week[day.weekday()] or (spec.holidays and day in spec.holidays):
            day += dt.timedelta(days=1)
    clock = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    return next_open(wall_to_ts(day, clock, tz))


def near_change(draw: st.DrawFn, moment: dt.datetime, zone: str) -> tuple[dt.datetime, int | None]:
    """Half the time, ``moment`` moved to a few days before one of ``zone``'s offset changes.

    Returns the instant (still written in ``moment``'s timezone) and the quarter hour of
    the wall clock just before the change, around which windows are then drawn, so that
    windows start, end or lie inside a gap or a repeated hour.
    """
    changes = offset_changes(zone)
    if not changes or not draw(st.booleans()):
        return moment, None
    change = draw(st.sampled_from(changes))
    start = change + draw(st.integers(-3 * DAY, 6 * 3600))
    before = dt.datetime.fromtimestamp(change - 1, oracle_zone(zone))
    return (
        dt.datetime.fromtimestamp(start, moment.tzinfo),
        (before.hour * 3600 + before.minute * 60 + before.second + 1) // QUARTER,
    )


def _windows(marks: list[int]) -> tuple[tuple[int, int], ...]:
    ordered = sorted(marks)[: len(marks) // 2 * 2]
    return tuple(
        (ordered[i] * QUARTER, ordered[i + 1] * QUARTER) for i in range(0, len(ordered), 2)
    )


def days_around(centre: int | None) -> st.SearchStrategy[tuple[tuple[int, int], ...]]:
    """A day's windows: none, one or two, on the quarter-hour grid, up to 24:00.

    Their ends are often drawn within a couple of hours of ``centre`` (a quarter hour).
    """
    marks = st.integers(0, 96)
    if centre is not None:
        marks |= st.integers(max(0, centre - 8), min(96, centre + 8))
    return st.lists(marks, max_size=4, unique=True).map(_windows)


@st.composite
def cases(draw: st.DrawFn) -> tuple[ScheduleSpec, dt.datetime]:
    """A random schedule and an instant near which its holidays (if any) fall."""
    moment = draw(instants)
    zone = zone_of(draw, moment)
    moment, centre = near_change(draw, moment, zone)
    week = draw(st.tuples(*[days_around(centre)] * 7).filter(any))
    holidays = None
    if draw(st.booleans()):
        first = moment.astimezone(dt.timezone.utc).date()
        offsets = draw(st.sets(st.integers(-2, 30), max_size=12))
        holidays = frozenset(first + dt.timedelta(days=k) for k in offsets)
    return ScheduleSpec(zone=zone, week=week, holidays=holidays), moment


business_seconds = st.integers(0, 40 * 3600)
"""Up to a working week of business time, in whole seconds."""


class TestNextOpen:
    """next_open(t) is the first open instant at or after t."""

    @settings(max_examples=200, deadline=None)
    @given(case=cases())
    def test_next_open_is_open_and_nothing_before_it_is(
        self, case: tuple[ScheduleSpec, dt.datetime]
    ) -> None:
        """The result is open; t and every grid point between t and it are closed."""
        spec, moment = case
        start = moment.timestamp()
        found = spec.build().next_open_ts(start)
        assume(found - start < MAX_SPAN)
        opened_early = [g for g in (start, *grid(start, found)) if g < found and spec.is_open(g)]
        assert (True, []) == (spec.is_open(found), opened_early)

    @settings(max_examples=200, deadline=None)
    @given(case=cases())
    def test_an_opening_lies_on_a_grid_boundary(
        self, case: tuple[ScheduleSpec, dt.datetime]
    ) -> None:
        """Unless t is already open, next_open is where some cell opens: a grid point."""
        spec, moment = case
        start = moment.timestamp()
        found = spec.build().next_open_ts(start)
        assert (found == start) or (found % QUARTER == 0)

    @settings(max_examples=200, deadline=None)
    @given(case=cases())
    def test_open_until_ends_the_run(self, case: tuple[ScheduleSpec, dt.datetime]) -> None:
        """From an opening, the run is open throughout and closed where it ends."""
        spec, moment = case
        schedule = spec.build()
        opening = schedule.next_open_ts(moment.timestamp())
        until = schedule.open_until_ts(opening)
        assume(until - opening < MAX_SPAN)
        closed_inside = [g for g in (opening, *grid(opening, until)) if not spec.is_open(g)]
        assert ([], False) == (closed_inside, spec.is_open(until))


class TestBusinessArithmetic:
    """Adding and measuring business time agree with each other and with the oracle."""

    @settings(max_examples=200, deadline=None)
    @given(case=cases(), seconds=business_seconds)
    def test_between_undoes_add(self, case: tuple[ScheduleSpec, dt.datetime], seconds: int) -> None:
        """between(t, add(t, d)) == d."""
        spec, moment = case
        schedule = spec.build()
        end = schedule.add(moment, Business(seconds=seconds))
        assert math.isclose(seconds, schedule.between(moment, end).seconds, abs_tol=TOLERANCE)

    @settings(max_examples=200, deadline=None)
    @given(case=cases(), seconds=business_seconds)
    @example(  # Gaza went forward at 00:01 in 2010: off the oracle's quarter-hour grid
        case=(
            ScheduleSpec(
                zone="Asia/Gaza", week=((), (), (), (), (), ((0, 900),), ()), holidays=None
            ),
            dt.datetime(2010, 3, 26, 22, 0, 59, tzinfo=dt.timezone.utc),
        ),
        seconds=2,
    )
    def test_add_counts_exactly_the_open_time(
        self, case: tuple[ScheduleSpec, dt.datetime], seconds: int
    ) -> None:
        """add(t, d) is reached after exactly d open seconds, and not later than needed."""
        spec, moment = case
        start = moment.timestamp()
        end = spec.build().add_ts(start, Business(seconds=seconds))
        assume(end - start < MAX_SPAN)
        counted = oracle_between(spec, start, end)
        # with d > 0 the last second before the result was open, or the result came late
        last_second_open = seconds == 0 or spec.is_open(end - 1)
        assert (True, True) == (math.isclose(seconds, counted, abs_tol=TOLERANCE), last_second_open)

    @settings(max_examples=200, deadline=None)
    @given(case=cases(), span=st.integers(0, 21 * 86_400))
    def test_between_matches_the_oracle(
        self, case: tuple[ScheduleSpec, dt.datetime], span: int
    ) -> None:
        """between(t, t + span) is the open time the oracle counts cell by cell."""
        spec, moment = case
        start = moment.timestamp()
        expected = oracle_between(spec, start, start + span)
        assert math.isclose(expected, spec.build().between_ts(start, start + span), abs_tol=1e-6)

    @settings(max_examples=100, deadline=None)
    @given(case=cases(), count=st.integers(1, 5))
    def test_business_days_land_where_the_oracle_says(
        self, case: tuple[ScheduleSpec, dt.datetime], count: int
    ) -> None:
        """n business days from t land where the oracle, reading the spec, says: an open
        instant, after next_open(t)."""
        spec, moment = case
        schedule = spec.build()
        start = moment.timestamp()
        landed = schedule.add_ts(start, Business(days=count))
        assert (oracle_business_days(spec, start, count), True, True) == (
            landed,
            spec.is_open(landed),
            landed > schedule.next_open_ts(start),
        )


class TestTimezoneOfTheInput:
    """Results depend on the instant, never on the timezone it is written in."""

    @settings(max_examples=200, deadline=None)
    @given(case=cases(), seconds=business_seconds, other=st.timezones())
    def test_same_instant_same_answers(
        self,
        case: tuple[ScheduleSpec, dt.datetime],
        seconds: int,
        other: zoneinfo.ZoneInfo,
    ) -> None:
        """is_open, next_open, add and between agree for the instant written elsewhere."""
        spec, moment = case
        schedule = spec.build()
        elsewhere = moment.astimezone(other)
        later = moment + dt.timedelta(days=3)

        def answers(at: dt.datetime) -> tuple[bool, float, float, float]:
            return (
                schedule.is_open(at),
                schedule.next_open(at).timestamp(),
                schedule.add(at, Business(seconds=seconds)).timestamp(),
                schedule.between(at, later.astimezone(at.tzinfo)).seconds,
            )

        assert answers(moment) == answers(elsewhere)


class TestLocalDays:
    """Local days keep the wall clock; elapsed time follows the offsets."""

    @settings(max_examples=200, deadline=None)
    @given(moment=instants, count=st.integers(1, 400), zone=zone_names)
    def test_an_existing_wall_time_is_kept(
        self, moment: dt.datetime, count: int, zone: str
    ) -> None:
        """Where the same wall time exists n days later, that is the result (first pass)."""
        tz = oracle_zone(zone)
        start = dt.datetime.fromtimestamp(moment.timestamp(), tz)
        target = start.replace(tzinfo=None) + dt.timedelta(days=count)
        first = target.replace(tzinfo=tz)
        exists = first.astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None) == target
        assume(exists)
        landed = dt.datetime.fromtimestamp(add_local_days(start.timestamp(), count, tz), tz)
        assert (target, 0) == (landed.replace(tzinfo=None), landed.fold)

    @settings(max_examples=200, deadline=None)
    @given(moment=instants, count=st.integers(1, 400), zone=zone_names)
    def test_a_missing_wall_time_moves_forward(
        self, moment: dt.datetime, count: int, zone: str
    ) -> None:
        """The result is never earlier in wall time than asked, and less than a day later."""
        tz = oracle_zone(zone)
        start = dt.datetime.fromtimestamp(moment.timestamp(), tz)
        target = start.replace(tzinfo=None) + dt.timedelta(days=count)
        landed = dt.datetime.fromtimestamp(add_local_days(start.timestamp(), count, tz), tz)
        drift = landed.replace(tzinfo=None) - target
        assert dt.timedelta(0) <= drift <= dt.timedelta(days=1)

    @settings(max_examples=300, deadline=None)
    @given(moment=instants, count=st.integers(-400, 400), zone=zone_names)
    def test_whole_seconds_take_the_short_cut_to_the_same_answer(
        self, moment: dt.datetime, count: int, zone: str
    ) -> None:
        """For whole seconds, add_local_days skips the wall-clock arithmetic when no offset
        change lies between: the answer is the wall-clock arithmetic's, to the bit."""
        tz = oracle_zone(zone)
        start = dt.datetime.fromtimestamp(float(int(moment.timestamp())), tz)
        day = start.date() + dt.timedelta(days=count)
        seconds = start.hour * 3600 + start.minute * 60 + start.second
        expected = wall_to_ts(day, seconds, tz, fold=start.fold if count == 0 else 0)
        assert expected == add_local_days(start.timestamp(), count, tz)


def _answer(ask: Callable[[float], float], ts: float) -> float | str:
    """What ``ask`` answers at ``ts``, or the message of the error it raises."""
    try:
        return ask(ts)
    except InvalidPolicyError as error:
        return str(error)


@st.composite
def probes(draw: st.DrawFn) -> tuple[ScheduleSpec, list[float]]:
    """A schedule and instants of microsecond resolution around the drawn moment."""
    spec, moment = draw(cases())
    offsets = draw(
        st.lists(
            st.tuples(st.integers(-3 * DAY, 20 * DAY), st.integers(0, 999_999)),
            min_size=1,
            max_size=6,
        )
    )
    return spec, [
        (moment + dt.timedelta(seconds=s, microseconds=us)).timestamp() for s, us in offsets
    ]


class TestMemoisedTables:
    """The memoised interval tables answer exactly what the direct searches answer."""

    @settings(max_examples=300, deadline=None)
    @given(case=probes())
    def test_next_open_and_open_until_equal_the_searches(
        self, case: tuple[ScheduleSpec, list[float]]
    ) -> None:
        """At every probe, and a microsecond either side of each answer, both agree."""
        spec, points = case
        schedule, reference = spec.build(), spec.build()
        asked = list(points)
        for ts in points:
            found = _answer(reference.next_open_search, ts)
            if isinstance(found, float):
                asked += [found, found - 1e-6, reference.open_until_search(found)]
        tables = [
            (
                _answer(schedule.next_open_ts, ts),
                _answer(schedule.open_until_ts, ts),
                schedule.is_open_ts(ts),
            )
            for ts in asked
        ]
        searches = [
            (
                _answer(reference.next_open_search, ts),
                _answer(reference.open_until_search, ts),
                spec.is_open(ts),
            )
            for ts in asked
        ]
        assert searches == tables

    @settings(max_examples=100, deadline=None)
    @given(case=probes())
    def test_answers_do_not_depend_on_what_was_asked_before(
        self, case: tuple[ScheduleSpec, list[float]]
    ) -> None:
        """Asked in one order on one schedule, or backwards on another: the same answers."""
        spec, points = case
        forward, backward = spec.build(), spec.build()
        first = [_answer(forward.next_open_ts, ts) for ts in points]
        second = [_answer(backward.next_open_ts, ts) for ts in reversed(points)]
        assert first == second[::-1]

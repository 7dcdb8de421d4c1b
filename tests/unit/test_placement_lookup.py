"""Placement by lookup: the flat tables of open instants, and the allowed set they answer.

A :class:`~extramile._time.FlatTable` keeps the boundaries of a set of open instants over a
span as one sorted list; these tests read its answers against the direct searches across
daylight-saving changes in five zones, holidays, weekly windows and a window past
midnight, and show that its answers do not depend on the order they were asked in.
"""

from __future__ import annotations

import datetime as dt

import pytest

from extramile import ContactCaps, Customer, Interaction, Schedule, WeeklyWindow, Window
from extramile._engine.contact import Contact, clocks_of, reach_table, window_table, windows_of
from extramile._engine.moves import RawMove, Walk
from extramile._engine.search import allowed_next, place_ts, walk_moves
from extramile._time import DAY, FlatTable, next_in_windows, zone
from extramile._time.intervals import BLOCK, FLAT_KEPT, open_intervals

HOUR = 3600


def utc(text: str) -> dt.datetime:
    """An instant written in UTC, ``"2026-03-09T22:00"``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


ZONES = (
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # a half-hour change
    "America/Santiago",  # changes at midnight
)
WINDOWS = (
    Window.parse("08:00-21:00"),
    WeeklyWindow({"mon-sat": "09:00-19:00"}),
    WeeklyWindow({"mon-sun": ["00:00-02:00", "22:00-24:00"]}),  # a window past midnight
)


def changes(name: str, year: int) -> list[float]:
    """The instants the offset of ``name`` changes in ``year`` (hour by hour)."""
    tz = zone(name)
    t = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc).timestamp()
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.timezone.utc).timestamp()
    found = []
    before = dt.datetime.fromtimestamp(t, tz).utcoffset()
    while t < end:
        t += 1800
        offset = dt.datetime.fromtimestamp(t, tz).utcoffset()
        if offset != before:
            found.append(t)
            before = offset
    return found


def merged(lo: float, hi: float, tz: dt.tzinfo, window: Window | WeeklyWindow) -> list[float]:
    """The open intervals of ``[lo, hi)`` by the direct search, as flat boundaries."""
    return list(open_intervals(lo, hi, tz, windows_of(window)))


class TestBoundariesAtOffsetChanges:
    """Around every offset change of 2026 in five zones, the flat table's boundaries are
    those the direct search finds, and each answer is the search's."""

    @pytest.mark.parametrize("name", ZONES)
    @pytest.mark.parametrize("window", WINDOWS, ids=str)
    def test_boundaries_and_answers_equal_the_search(
        self, name: str, window: Window | WeeklyWindow
    ) -> None:
        tz = zone(name)
        found = changes(name, 2026)
        assert len(found) == 2
        for change in found:
            flat = FlatTable(window_table(window, tz))
            lo = change - 3 * DAY
            for probe in range(0, 6 * DAY, 1800):
                ts = lo + probe + 0.5
                expected = next_in_windows(ts, tz, windows_of(window), ts + 8 * DAY)
                assert flat.next_open(ts, ts + 8 * DAY) == expected, (name, ts)
            span_lo, span_hi, bounds = flat.state
            inside = [b for b in bounds if span_lo < b < span_hi]
            searched = [b for b in merged(span_lo, span_hi, tz, window) if span_lo < b < span_hi]
            assert inside == searched


class TestShapes:
    """Holidays, weekly windows and a window past midnight."""

    def test_a_holiday_is_closed(self) -> None:
        """Staff closed on Christmas Day open again on the 28th (Monday)."""
        office = Schedule(
            timezone="Europe/London",
            hours={"mon-fri": "09:00-17:00"},
            holidays={dt.date(2026, 12, 25): "Christmas Day"},
        )
        flat = FlatTable(office.open_table())
        eve = utc("2026-12-24T17:00").timestamp()
        assert flat.next_open(eve, eve + 30 * DAY) == utc("2026-12-28T09:00").timestamp()
        assert not flat.is_open(utc("2026-12-25T10:00").timestamp())

    def test_a_weekly_window_skips_its_closed_day(self) -> None:
        """Saturday 19:00 in Berlin waits for Monday 09:00."""
        flat = FlatTable(window_table(WINDOWS[1], zone("Europe/Berlin")))
        saturday = utc("2026-03-14T18:00").timestamp()  # 19:00 CET
        assert flat.next_open(saturday, saturday + 8 * DAY) == utc("2026-03-16T08:00").timestamp()

    def test_a_window_past_midnight_is_one_run(self) -> None:
        """22:00 to 02:00 is one run: no boundary at midnight, even at a block's edge."""
        tz = zone("UTC")
        flat = FlatTable(window_table(WINDOWS[2], tz))
        ts = 3 * BLOCK - HOUR  # 23:00 UTC, an hour before a block's edge
        assert flat.next_open(ts, ts + DAY) == ts
        _, _, bounds = flat.state
        assert 3 * BLOCK not in bounds
        assert 3 * BLOCK + 2 * HOUR in bounds

    def test_no_opening_before_the_horizon(self) -> None:
        """A search that finds nothing before its horizon says None, at any horizon."""
        flat = FlatTable(window_table(WINDOWS[0], zone("UTC")))
        night = utc("2026-03-09T22:00").timestamp()
        assert flat.next_open(night, night + HOUR) is None
        assert flat.next_open(night, night + 10 * HOUR) is None  # the horizon is excluded
        assert flat.next_open(night, night + 10 * HOUR + 1) == night + 10 * HOUR


class TestPurity:
    """The answers never depend on what was asked before."""

    def test_any_order_same_answers(self) -> None:
        """Asked forwards, backwards, or after a year's leap, a table answers alike."""
        tz = zone("Australia/Sydney")
        source = window_table(WINDOWS[0], tz)
        start = utc("2026-03-30T00:00").timestamp()
        probes = [start + k * 7919.0 for k in range(200)] + [start + 400 * DAY, start - 90 * DAY]
        forwards = FlatTable(source)
        backwards = FlatTable(source)
        ahead = [forwards.next_open(ts, ts + 8 * DAY) for ts in probes]
        behind = [backwards.next_open(ts, ts + 8 * DAY) for ts in reversed(probes)]
        assert ahead == behind[::-1]

    def test_the_list_is_bounded(self) -> None:
        """A search years long starts the list afresh rather than grow it without end."""
        flat = FlatTable(window_table(WINDOWS[2], zone("UTC")))
        t = utc("2026-01-01T03:00").timestamp()
        for _ in range(3000):
            t = flat.next_open(t + 3 * HOUR, t + 30 * DAY) or t
        assert len(flat.state[2]) <= FLAT_KEPT + SPAN_BOUNDS


SPAN_BOUNDS = 4 * 8 * 4
"""Most boundaries one extension adds (four blocks of eight days, two runs a day)."""


def contact(history: tuple[Interaction, ...] = ()) -> Contact:
    """A customer in Sydney, with the default calling window."""
    return Contact.of(
        Customer(id="c-1", timezone="Australia/Sydney"),
        history,
        now_ts=utc("2026-12-01T00:00").timestamp(),
        calling_window=Window.parse("08:00-21:00"),
        served_timezones=(),
        schedule=Schedule.always_open("Australia/Sydney"),
    )


class TestAllowedSet:
    """The allowed set: the calling window or the callback hour, and staff hours."""

    def test_the_callback_hour_opens_before_the_window(self) -> None:
        """A customer who phoned at 22:00 local may be called back then, not at 08:00."""
        phoned = utc("2026-11-20T11:00")  # 22:00 AEDT
        inbound = Interaction(id="i-1", customer_id="c-1", kind="call", at=phoned, channel="phone")
        customer = contact((inbound,))
        before = phoned.timestamp() - HOUR
        limit = before + 30 * DAY
        assert allowed_next(customer, before, None, limit) == phoned.timestamp()
        assert allowed_next(contact(), before, None, limit) == utc("2026-11-20T21:00").timestamp()

    def test_clocks_are_shared(self) -> None:
        """Customers of one zone and window share their clocks, and one flat table."""
        assert (
            contact().clocks
            is contact().clocks
            is clocks_of(("Australia/Sydney",), Window.parse("08:00-21:00"))
        )
        office = Schedule.always_open("UTC")
        assert contact().clocks.allowed(office) is contact().clocks.allowed(office)

    def test_schedules_asked_in_turn_keep_their_tables(self) -> None:
        """The table without staff and the last schedule's are kept at hand; asking of
        schedules in turn never answers one's table for another's."""
        clocks = contact().clocks
        office = Schedule.always_open("UTC")
        other = Schedule.always_open("Australia/Sydney")
        first = clocks.allowed(office)
        unstaffed = clocks.allowed(None)
        assert clocks.allowed(other) is not first
        assert clocks.allowed(office) is first
        assert clocks.allowed(None) is unstaffed is not first
        assert first.source is reach_table(clocks.reach, office)
        assert unstaffed.source is reach_table(clocks.reach, None)

    def test_an_allowed_start_is_the_answer_and_records_no_move(self) -> None:
        """The due time allowed: the answer is the due time, with nothing moved."""
        moves: list[object] = []
        noon = utc("2026-11-20T01:00").timestamp()  # 12:00 AEDT
        found = place_ts(
            contact(),
            noon,
            schedule=Schedule.always_open("UTC"),
            caps=ContactCaps(),
            extra_mile=False,
            essential=False,
            moves=moves,  # type: ignore[arg-type]  # stays empty
        )
        assert (found, moves) == (noon, [])


class TestGrowingBack:
    """A search that starts before the span grows it back to its block (within about a
    year), rather than start the list afresh: a plan asks about due times across months."""

    def test_grows_back_and_answers_as_a_fresh_table(self) -> None:
        source = window_table(WINDOWS[0], zone("America/New_York"))
        flat = FlatTable(source)
        start = utc("2026-11-20T12:00").timestamp()
        probes = [start - k * 7.3 * DAY for k in range(40)]
        for ts in probes:
            fresh = FlatTable(source)
            assert flat.next_open(ts, ts + 8 * DAY) == fresh.next_open(ts, ts + 8 * DAY), ts
        lo, hi, bounds = flat.state
        assert lo <= min(probes)
        assert hi > start
        assert bounds == sorted(bounds)
        assert len(bounds) == len(set(bounds))  # runs across block edges joined once

    def test_always_open_stays_one_interval(self) -> None:
        flat = FlatTable(window_table(Window.parse("00:00-24:00"), zone("UTC")))
        start = utc("2026-03-10T12:00").timestamp()
        for k in range(0, 365, 9):
            ts = start - k * DAY
            assert ts == flat.next_open(ts, ts + DAY)
        lo, _, bounds = flat.state
        assert lo <= start - 360 * DAY
        assert 2 == len(bounds)

    def test_far_away_starts_afresh(self) -> None:
        flat = FlatTable(window_table(WINDOWS[0], zone("UTC")))
        now = utc("2026-03-10T12:00").timestamp()
        flat.next_open(now, now + 8 * DAY)
        long_ago = now - 3 * 365 * DAY
        flat.next_open(long_ago, long_ago + 8 * DAY)
        lo, hi, _ = flat.state
        assert lo <= long_ago < hi < now


class TestWalk:
    """Placement records a call's moves as a walk, worked out only when read."""

    @pytest.mark.parametrize("extra_mile", [False, True])
    @pytest.mark.parametrize("essential", [False, True])
    @pytest.mark.parametrize("hours_after", [-2.0, 0.5, 3.0, 30.0])
    def test_a_walk_worked_out_is_what_placement_records(
        self, extra_mile: bool, essential: bool, hours_after: float
    ) -> None:
        """The moves of a walk are those the search records from its start to its end,
        through the callback hour, the gap after a call made, and staff far away."""
        phoned = utc("2026-11-20T11:00")  # 22:00 AEDT
        history = (
            Interaction(id="i-1", customer_id="c-1", kind="call", at=phoned, channel="phone"),
            Interaction(
                id="o-1",
                customer_id="c-1",
                kind="call",
                at=phoned + dt.timedelta(minutes=20),
                channel="phone",
                direction="outbound",
                outcome="no-answer",
            ),
        )
        customer = contact(history)
        office = Schedule(timezone="America/New_York", hours={"mon-fri": "09:00-17:00"})
        caps = ContactCaps()
        start = phoned.timestamp() + hours_after * HOUR
        recorded: list[RawMove] = []
        end = place_ts(
            customer,
            start,
            schedule=office,
            caps=caps,
            extra_mile=extra_mile,
            essential=essential,
            moves=recorded,
        )
        assert end is not None
        assert recorded or end == start  # it moved, unless allowed at its start
        walk = Walk(start, end, customer.last_inbound, extra_mile, essential, None)
        assert walk_moves(customer, walk, schedule=office, caps=caps) == recorded

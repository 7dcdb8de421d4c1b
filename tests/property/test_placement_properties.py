"""Invariants of ``extramile._engine.placement``: a placed call obeys every rule it is subject to.

Each example draws a customer (any timezone, or none), a calling window, the zones a
policy serves, a staff schedule, contact caps, a history of calls and contacts, and a
call's due time, deadline and ``now``.  The checks read the drawn data directly, not the
library's own predicates.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from engine_helpers import cap_next_scan, window_next, window_next_search
from extramile import (
    ContactCaps,
    Customer,
    Elapsed,
    Interaction,
    Local,
    Placement,
    Schedule,
    SuppressedCall,
    Window,
    place,
)
from extramile._engine.contact import CALLBACK_GRACE, Contact, window_end, window_end_search
from extramile._engine.moves import RawMove
from extramile._engine.search import SEARCH_SECONDS, _gap_next, place_ts
from extramile._memo import clear_all
from extramile._rules import DEFAULT_CALLING_WINDOW
from extramile._time import CallingWindow, WeeklyWindow, as_calling_window
from extramile._time.zones import zone as zone_of_name
from strategies_time import (
    DAY,
    QUARTER,
    instants,
    offset_changes,
    oracle_zone,
    zone_names,
    zone_of,
)

HOUR = 3600


def near_change(
    draw: st.DrawFn, moment: dt.datetime, zone: str
) -> tuple[dt.datetime, int | None, int | None]:
    """Half the time, ``moment`` moved to a few days before one of ``zone``'s offset changes.

    Returns the instant (still written in ``moment``'s timezone), the quarter hour of the
    wall clock just before the change, around which windows are then drawn, and the change.
    """
    changes = offset_changes(zone)
    if not changes or not draw(st.booleans()):
        return moment, None, None
    change = draw(st.sampled_from(changes))
    start = change + draw(st.integers(-3 * DAY, 6 * HOUR))
    before = dt.datetime.fromtimestamp(change - 1, oracle_zone(zone))
    return (
        dt.datetime.fromtimestamp(start, moment.tzinfo),
        (before.hour * HOUR + before.minute * 60 + before.second + 1) // QUARTER,
        change,
    )


def _windows(marks: list[int]) -> tuple[tuple[int, int], ...]:
    ordered = sorted(marks)[: len(marks) // 2 * 2]
    return tuple(
        (ordered[i] * QUARTER, ordered[i + 1] * QUARTER) for i in range(0, len(ordered), 2)
    )


def marks_around(centre: int | None) -> st.SearchStrategy[int]:
    """Quarter hours of the day, often within a couple of hours of ``centre``."""
    marks = st.integers(0, 96)
    if centre is not None:
        marks |= st.integers(max(0, centre - 8), min(96, centre + 8))
    return marks


def days_around(centre: int | None) -> st.SearchStrategy[tuple[tuple[int, int], ...]]:
    """A day's windows: none, one or two, on the quarter-hour grid, up to 24:00."""
    return st.lists(marks_around(centre), max_size=4, unique=True).map(_windows)


def calling_windows_around(centre: int | None) -> st.SearchStrategy[CallingWindow]:
    """The default calling window, one drawn on the quarter-hour grid, or a weekly one
    (each day none, one or two windows, at least one day open)."""
    drawn = st.lists(marks_around(centre), min_size=2, max_size=2, unique=True).map(
        lambda ends: Window(min(ends) * QUARTER, max(ends) * QUARTER)
    )
    weekly = (
        st.lists(days_around(centre), min_size=7, max_size=7)
        .filter(any)
        .map(
            lambda days: as_calling_window(
                WeeklyWindow([[Window(*w) for w in d] for d in days]), "w"
            )
        )
    )
    return st.just(DEFAULT_CALLING_WINDOW) | drawn | weekly


def in_window(window: CallingWindow, ts: float, zone: str) -> bool:
    """Whether the wall clock at ``ts`` in ``zone`` lies in one of that date's windows."""
    local = dt.datetime.fromtimestamp(ts, oracle_zone(zone))
    days = (window,) if isinstance(window, Window) else window.days[local.weekday()]
    clock = local_clock(ts, zone)
    return any(w.start <= clock < w.end for w in days)


def local_clock(ts: float, zone: str) -> float:
    """Seconds since local midnight at ``ts`` in ``zone``."""
    local = dt.datetime.fromtimestamp(ts, oracle_zone(zone))
    return local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6


def local_days_later(ts: float, count: int, zone: str) -> float:
    """``ts`` moved ``count`` calendar days in ``zone``, first occurrence, gaps forward."""
    tz = oracle_zone(zone)
    local = dt.datetime.fromtimestamp(ts, tz).replace(tzinfo=None)
    return (local + dt.timedelta(days=count)).replace(tzinfo=tz, fold=0).timestamp()


@attrs.frozen
class Case:
    """One drawn placement problem."""

    customer: Customer
    window: CallingWindow
    served: tuple[str, ...]
    staff_zone: str
    week: tuple[tuple[tuple[int, int], ...], ...]
    holidays: frozenset[dt.date] | None
    caps: ContactCaps
    history: tuple[Interaction, ...]
    now: dt.datetime
    due: dt.datetime
    deadline: dt.datetime
    extra_mile: bool
    essential: bool

    def schedule(self) -> Schedule:
        """The staff schedule."""
        return Schedule(
            timezone=self.staff_zone,
            hours=[[Window(start, end) for start, end in day] for day in self.week],
            holidays=self.holidays,
        )

    def place(
        self, *, now: dt.datetime | None = None, due: dt.datetime | None = None
    ) -> Placement | SuppressedCall:
        """Place the call (optionally with ``now`` and ``due`` written another way)."""
        return place(
            due=due or self.due,
            deadline=self.deadline,
            now=now or self.now,
            customer=self.customer,
            history=self.history,
            schedule=self.schedule(),
            calling_window=self.window,
            served_timezones=self.served,
            caps=self.caps,
            extra_mile=self.extra_mile,
            essential=self.essential,
        )

    def contact(self, schedule: Schedule) -> Contact:
        """What placement knows of the customer at ``now``, prepared as the engine does."""
        return Contact.of(
            self.customer,
            self.history,
            now_ts=self.now.timestamp(),
            calling_window=self.window,
            served_timezones=self.served,
            schedule=schedule,
        )

    def staff_open(self, ts: float) -> bool:
        """Whether staff are open at ``ts``, read from the drawn week and holidays."""
        local = dt.datetime.fromtimestamp(ts, oracle_zone(self.staff_zone))
        if self.holidays is not None and local.date() in self.holidays:
            return False
        clock = local_clock(ts, self.staff_zone)
        return any(start <= clock < end for start, end in self.week[local.weekday()])

    def past(self) -> list[Interaction]:
        """What had happened by ``now``.

        Compared as instants: datetimes sharing a tzinfo compare by wall clock, which
        puts a time written inside a daylight-saving gap on the wrong side of ``now``.
        """
        now = self.now.timestamp()
        return [item for item in self.history if item.at.timestamp() <= now]

    def attempts(self) -> list[float]:
        """Outbound calls by ``now``, oldest first."""
        return sorted(
            item.at.timestamp()
            for item in self.past()
            if item.direction.value == "outbound" and item.kind == "call"
        )

    def last_inbound(self) -> float | None:
        """The customer's latest own contact by ``now`` (system events are not theirs)."""
        inbound = [
            item.at.timestamp()
            for item in self.past()
            if item.direction.value == "inbound" and item.channel.value != "system"
        ]
        return max(inbound, default=None)

    def zones(self) -> Sequence[str]:
        """Where the calling window must be open."""
        return (self.customer.timezone,) if self.customer.timezone else self.served


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A random placement problem, with history in the ten days before ``now``."""
    now = draw(instants)
    known = draw(st.booleans())
    customer_zone = zone_of(draw, now)
    staff_zone = zone_of(draw, now)
    served: tuple[str, ...] = ()
    if not known:
        count = draw(st.sampled_from([0, 1, 1, 2, 2, 3]))
        served = tuple(draw(st.lists(zone_names, min_size=count, max_size=count, unique=True)))
    pivot = customer_zone if known else (served or (staff_zone,))[0]
    now, centre, change = near_change(draw, now, pivot)
    customer = Customer(
        id="c-1",
        timezone=customer_zone if known else None,
        do_not_call=draw(st.integers(0, 7)) == 0,
        calling_hours=draw(st.none() | calling_windows_around(centre)),
    )
    week = draw(st.tuples(*[days_around(centre)] * 7).filter(any))
    holidays = None
    if draw(st.booleans()):
        first = now.astimezone(dt.timezone.utc).date()
        offsets = draw(st.sets(st.integers(-2, 20), max_size=8))
        holidays = frozenset(first + dt.timedelta(days=k) for k in offsets)
    caps = ContactCaps(
        max_attempts=draw(st.integers(1, 4)),
        per=Local(days=draw(st.integers(1, 7))),
        min_gap=Elapsed(seconds=draw(st.integers(0, 30)) * HOUR),
    )
    # seconds from now, up to ten days back (a few lie in the future), often near the change
    when = st.integers(-10 * DAY, HOUR)
    if change is not None:
        back = int(change - now.timestamp())
        latest = min(back + 2 * HOUR, HOUR)
        when |= st.integers(min(back - 2 * HOUR, latest), latest)
    events = draw(
        st.lists(
            st.tuples(
                when,
                st.sampled_from(["inbound", "outbound"]),
                st.sampled_from(["call", "call", "email"]),
                st.sampled_from(["phone", "phone", "email", "system"]),
            ),
            max_size=8,
        )
    )
    history = tuple(
        Interaction(
            id=f"i-{n}",
            customer_id="c-1",
            kind=kind,
            at=now + dt.timedelta(seconds=offset),
            direction=direction,
            channel=channel,
        )
        for n, (offset, direction, kind, channel) in enumerate(events)
    )
    due = now + dt.timedelta(seconds=draw(st.integers(-3 * DAY, 3 * DAY)))
    # In elapsed time: aware arithmetic is wall-clock arithmetic, which a clock change
    # could turn into a deadline before the due time (refused by place()).
    deadline = dt.datetime.fromtimestamp(
        due.timestamp() + draw(st.integers(0, 2 * DAY)), due.tzinfo
    )
    return Case(
        customer=customer,
        window=draw(calling_windows_around(centre)),
        served=served,
        staff_zone=staff_zone,
        week=week,
        holidays=holidays,
        caps=caps,
        history=history,
        now=now,
        due=due,
        deadline=deadline,
        extra_mile=draw(st.booleans()),
        essential=draw(st.booleans()),
    )


def broken_rules(case: Case, placed: Placement) -> list[str]:
    """Every constraint the placed call breaks, checked against the drawn data."""
    at = placed.due_at.timestamp()
    broken = []
    if at < case.now.timestamp():
        broken.append("before now")
    if at < case.due.timestamp():
        broken.append("before due")
    inbound = case.last_inbound()
    callback = inbound is not None and inbound <= at < inbound + CALLBACK_GRACE
    window = case.customer.calling_hours or case.window
    if not callback:
        broken.extend(
            f"window closed in {zone}" for zone in case.zones() if not in_window(window, at, zone)
        )
    if not case.extra_mile and not case.staff_open(at):
        broken.append("staff closed")
    if not case.essential:
        attempts = [a for a in case.attempts() if a <= at]
        if attempts and at - attempts[-1] < case.caps.min_gap.seconds:
            broken.append("gap")
        cap_zone = case.customer.timezone or case.staff_zone
        counting = [a for a in attempts if local_days_later(a, case.caps.per.days, cap_zone) > at]
        if len(counting) >= case.caps.max_attempts:
            broken.append("cap")
    return broken


class TestPlacedCallsObeyTheRules:
    """Wherever a call lands, it may land there."""

    @settings(max_examples=200, deadline=None)
    @given(case=cases())
    def test_a_placed_call_breaks_no_rule(self, case: Case) -> None:
        """Window (or callback hour), staff hours, gap and cap hold; never before now or due."""
        result = case.place()
        if isinstance(result, Placement):
            assert [] == broken_rules(case, result)

    @settings(max_examples=200, deadline=None)
    @given(case=cases())
    def test_suppressions_say_why(self, case: Case) -> None:
        """Do-not-call and an unknown zone with none served suppress; nothing else must."""
        result = case.place()
        if case.customer.do_not_call:
            expected = "do-not-call"
        elif not case.zones():
            expected = "unknown-timezone"
        elif isinstance(result, SuppressedCall):
            # no common window: only possible when two clocks must agree
            many_clocks = len(case.zones()) > 1 or not case.extra_mile
            expected = "no-common-window" if many_clocks else "a placement"
        else:
            expected = "a placement"
        actual = result.constraint if isinstance(result, SuppressedCall) else "a placement"
        assert expected == actual

    @settings(max_examples=200, deadline=None)
    @given(case=cases())
    def test_the_deadline_keeps_its_slack(self, case: Case) -> None:
        """A call due after ``now`` keeps its slack: its deadline moves as far as the call
        was pushed (promise 7)."""
        result = case.place()
        # Instants, not datetimes: in one zone, Python compares wall clocks and ignores
        # the fold, so a due time in the first pass of a repeated hour would compare
        # equal to a "now" in its second pass, an hour later (PEP 495).
        if isinstance(result, Placement) and case.due.timestamp() >= case.now.timestamp():
            at = result.due_at.timestamp()
            due, deadline = case.due.timestamp(), case.deadline.timestamp()
            expected = at + (deadline - due)
            assert expected == result.deadline.timestamp()

    @settings(max_examples=200, deadline=None)
    @given(case=cases())
    def test_each_constraint_moves_forward_once_the_last_ending_at_the_call(
        self, case: Case
    ) -> None:
        """One adjustment per constraint (and zone), each forward; the latest ends at the call."""
        result = case.place()
        if isinstance(result, Placement) and result.adjustments:
            moves = result.adjustments
            forward = all(m.moved_to > m.moved_from for m in moves)
            once = len({(m.constraint, m.reason.split(" until ")[0]) for m in moves}) == len(moves)
            # Instants, not datetimes: across zones, a time in a repeated hour compares
            # unequal to everything (PEP 495).
            latest = max(m.moved_to.timestamp() for m in moves)
            assert (True, True, result.due_at.timestamp()) == (forward, once, latest)


class TestTimezoneOfTheInput:
    """Placement depends on instants, never on the timezone they are written in."""

    @settings(max_examples=200, deadline=None)
    @given(case=cases(), other=st.timezones())
    def test_same_instants_same_placement(self, case: Case, other: zoneinfo.ZoneInfo) -> None:
        """``now`` and ``due`` written in another zone give the same call and reasons."""
        here = case.place()
        there = case.place(now=case.now.astimezone(other), due=case.due.astimezone(other))
        assert summary(here) == summary(there)


def summary(result: Placement | SuppressedCall) -> tuple[object, ...]:
    """A placement's instants and reasons, or a suppression's constraint."""
    if isinstance(result, SuppressedCall):
        return (result.constraint,)
    return (
        result.due_at.timestamp(),
        result.deadline.timestamp(),
        tuple((m.constraint, m.moved_from.timestamp(), m.reason) for m in result.adjustments),
    )


class TestFastPath:
    """The engine's fast path gives what place() gives."""

    @settings(max_examples=200, deadline=None)
    @given(case=cases())
    def test_place_ts_agrees_with_place(self, case: Case) -> None:
        """For a call due after ``now``, place_ts on a prepared Contact lands where place() does."""
        result = case.place()
        # Instants: within one zone Python compares wall clocks, ignoring the fold.
        if case.due.timestamp() < case.now.timestamp() or not isinstance(result, Placement):
            return
        schedule = case.schedule()
        contact = case.contact(schedule)
        fast = place_ts(
            contact,
            case.due.timestamp(),
            schedule=schedule,
            caps=case.caps,
            extra_mile=case.extra_mile,
            essential=case.essential,
            moves=None,
        )
        assert result.due_at.timestamp() == fast

    @settings(max_examples=200, deadline=None)
    @given(case=cases(), offsets=st.lists(st.integers(-2 * DAY, 9 * DAY), min_size=1, max_size=8))
    def test_fit_table_is_the_windows_and_staff(self, case: Case, offsets: list[int]) -> None:
        """The one table a deadline is fitted by (the clocks' flat table's source) is open
        exactly where the calling window is open in every zone and, unless the call goes
        the extra mile, staff are: what the fit asked of each in turn before."""
        schedule = case.schedule()
        contact = case.contact(schedule)
        if not contact.zones:
            return  # no zone to call in: every call is suppressed, none is fitted
        staff = schedule.open_table()
        for extra_mile in (False, True):
            table = contact.allowed(schedule, extra_mile=extra_mile)
            assert table is contact.clocks.allowed(None if extra_mile else schedule).source
            for offset in offsets:
                ts = case.due.timestamp() + offset
                expected = (extra_mile or staff.is_open(ts)) and all(
                    window.is_open(ts) for window in contact.tables
                )
                assert table.is_open(ts) == expected


@st.composite
def window_probes(draw: st.DrawFn) -> tuple[str, CallingWindow, list[float]]:
    """A zone, a calling window, and instants of microsecond resolution near the drawn
    moment (often a few days before one of the zone's offset changes)."""
    moment = draw(instants)
    name = zone_of(draw, moment)
    moment, centre, _ = near_change(draw, moment, name)
    offsets = draw(
        st.lists(
            st.tuples(st.integers(-DAY, 4 * DAY), st.integers(0, 999_999)),
            min_size=1,
            max_size=6,
        )
    )
    return (
        name,
        draw(calling_windows_around(centre)),
        [(moment + dt.timedelta(seconds=s, microseconds=us)).timestamp() for s, us in offsets],
    )


def reference_place(case: Case, start: float, *, stepwise: bool = False) -> float | None:
    """The fixed-point search as it was first written: the direct searches, no tables and
    no leap, bouncing between constraints for as many rounds as it takes.

    The calling window's step takes the callback hour as the documented meaning has it
    (the first instant of "the window open, or the callback hour"): a callback hour that
    opens before the window does is where the step stops.  ``stepwise`` is the step as
    it was first written, blind to a callback hour ahead of it."""
    schedule = case.schedule()
    contact = case.contact(schedule)
    limit = start + SEARCH_SECONDS
    t = start
    grace = contact.last_inbound
    for _ in range(100_000):
        if t > limit:
            return None
        before = t
        if not case.essential and contact.attempts:
            t = _gap_next(t, contact.attempts, case.caps)
            most, days = case.caps.max_attempts, case.caps.per.days
            t = cap_next_scan(t, contact.attempts, most, days, contact.cap_zone)
        if grace is None or not grace <= t < grace + CALLBACK_GRACE:
            for tz in contact.zones:
                moved = window_next_search(t, contact.window, tz)
                if not stepwise and grace is not None and t < grace < moved:
                    moved = grace  # the callback hour comes first, and ignores the window
                t = moved
                if grace is not None and grace <= t < grace + CALLBACK_GRACE:
                    break
        if not case.extra_mile:
            t = schedule.next_open_search(t)
        if t == before:
            return t if t <= limit else None
    raise AssertionError("the reference search did not settle")  # pragma: no cover


class TestMemoisedWindows:
    """The calling window's memoised tables answer exactly what the direct search does."""

    @settings(max_examples=300, deadline=None)
    @given(probe=window_probes())
    def test_window_next_and_end_equal_the_searches(
        self, probe: tuple[str, CallingWindow, list[float]]
    ) -> None:
        """At every probe, and a microsecond either side of each answer, both agree."""
        name, window, points = probe
        tz = zone_of_name(name)
        asked = list(points)
        for ts in points:
            found = window_next_search(ts, window, tz)
            asked += [found, found - 1e-6, window_end_search(found, window, tz)]
        clear_all()
        tables = [(window_next(ts, window, tz), window_end(ts, window, tz)) for ts in asked]
        searches = [
            (window_next_search(ts, window, tz), window_end_search(ts, window, tz)) for ts in asked
        ]
        assert searches == tables


OFFICE_DAYS = ((), ((9 * HOUR, 17 * HOUR),), ((8 * HOUR, 16 * HOUR),), ((10 * HOUR, 18 * HOUR),))
"""Office days in New York, far from a customer's day in Sydney or Auckland."""


class TestTheLeap:
    """Leaping to the next overlap of the clocks lands where bouncing between them does."""

    @settings(max_examples=300, deadline=None)
    @given(
        case=cases(),
        far=st.sampled_from([None, "Australia/Sydney", "Pacific/Auckland"]),
        office=st.tuples(*[st.sampled_from(OFFICE_DAYS)] * 7).filter(any),
    )
    def test_place_ts_lands_where_the_plain_search_does(
        self, case: Case, far: str | None, office: tuple[tuple[tuple[int, int], ...], ...]
    ) -> None:
        """Often the customer lives half a world away from office hours in New York, so
        that the calling window and staff hours rarely overlap and the search leaps."""
        if far is not None:
            customer = case.customer
            if customer.timezone is not None:
                customer = attrs.evolve(customer, timezone=far, calling_hours=None)
            case = attrs.evolve(
                case,
                customer=customer,
                staff_zone="America/New_York",
                week=office,
                window=DEFAULT_CALLING_WINDOW,
                extra_mile=False,
            )
        schedule = case.schedule()
        contact = case.contact(schedule)
        if not contact.zones:
            return
        start = case.due.timestamp()
        fast = place_ts(
            contact,
            start,
            schedule=schedule,
            caps=case.caps,
            extra_mile=case.extra_mile,
            essential=case.essential,
            moves=None,
        )
        assert reference_place(case, start) == fast


class TestOneAllowedSet:
    """Placement answers from one allowed set, "(the calling window or the callback hour)
    and staff hours", with the caps and the gap; the search as first written stepped
    through the constraints and, from before a customer's inbound contact, stepped over
    the callback hour it opens."""

    @settings(max_examples=300, deadline=None)
    @given(case=cases(), before=st.integers(0, 3 * DAY))
    def test_one_set_differs_from_the_steps_only_at_a_callback_hour_ahead(
        self, case: Case, before: int
    ) -> None:
        """From any start (often one before the customer's own contact), the answer is
        the reference's; where the steps as first written differ, the answer lies in the
        callback hour they stepped over."""
        schedule = case.schedule()
        contact = case.contact(schedule)
        if not contact.zones:
            return
        inbound = contact.last_inbound
        start = (case.due.timestamp() if inbound is None else inbound) - before
        found = place_ts(
            contact,
            start,
            schedule=schedule,
            caps=case.caps,
            extra_mile=case.extra_mile,
            essential=case.essential,
            moves=None,
        )
        assert reference_place(case, start) == found
        stepwise = reference_place(case, start, stepwise=True)
        if stepwise != found:
            assert inbound is not None
            assert found is not None
            assert start < inbound <= found < inbound + CALLBACK_GRACE
            assert stepwise is None or stepwise > found

    @settings(max_examples=200, deadline=None)
    @given(case=cases())
    def test_moves_end_at_the_answer(self, case: Case) -> None:
        """The moves derived from the answer run from the start to it, each forward."""
        schedule = case.schedule()
        contact = case.contact(schedule)
        if not contact.zones:
            return
        start = case.due.timestamp()
        moves: list[RawMove] = []
        found = place_ts(
            contact,
            start,
            schedule=schedule,
            caps=case.caps,
            extra_mile=case.extra_mile,
            essential=case.essential,
            moves=moves,
        )
        if found is None or found == start:
            assert moves == []
            return
        assert moves
        assert moves[0].start == start
        assert moves[-1].end == found
        assert all(move.start < move.end <= found for move in moves)

"""Contact: what placement needs to know of one customer, and the tables of their clocks.

A :class:`Contact` is made once per evaluation, when a call is to be placed: a light
object of the customer's own facts (their outbound call attempts, their latest own inbound
contact, do-not-call) and their :class:`Clocks`, shared with every customer of the same
zones and calling window from a bounded cache: the zones the customer may be reached in
(theirs, or every zone the policy serves when theirs is unknown: fail closed), the window,
and its tables.  The calling window in a zone, and where it overlaps with staff hours,
are answered from memoised tables of open intervals (:class:`~extramile._time.OpenTable`,
and for placement one :class:`~extramile._time.FlatTable` per schedule): pure functions
of the window and zone, or of the schedule, so an answer never depends on what was asked
before.

A calling window is the customer's own hours, else the rule's, else the policy's: a
contact is made with the customer's or the policy's, and a rule with a window of its own
places its calls with a twin of it (:meth:`Contact.for_window`), made once per window.

The rolling cap counts an attempt until it is ``per`` local days old.  When each attempt
ages out is worked out once, when first needed, and kept sorted (:class:`CapAges`), so
that a customer with a long history of calls pays for that once per evaluation, not once
for every call placed.

Imports: ``_model``, ``_time``, ``_memo``, ``kinds``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Any, Final

from extramile._memo import cache, keep
from extramile._model import Channel, Customer, Direction, Interaction
from extramile._time import (
    DAY,
    CallingWindow,
    FlatTable,
    OpenTable,
    OverlapTable,
    Schedule,
    Window,
    WindowsOf,
    WindowsTable,
    add_local_days,
    open_run_end,
    pooled,
    zone,
)
from extramile.kinds import CALL

__all__ = [
    "CALLBACK_GRACE",
    "CapAges",
    "Clocks",
    "Contact",
    "Reach",
    "clocks_of",
    "reach_table",
    "window_allows",
    "window_end",
    "window_table",
]

CALLBACK_GRACE: Final = 3600.0
"""Seconds after a customer's own inbound contact during which a call is a callback."""

Reach = tuple[tuple[str, ...], CallingWindow]
"""Where a customer may be called: the names of their zones (theirs, or every zone the
policy serves when theirs is unknown) and their calling window."""


class CapAges:
    """When each of a customer's attempts ages out of the rolling cap (``days`` local days
    after it, in ``tz``), worked out once and kept sorted.

    At an instant ``t`` the attempts that count are those at or before ``t`` less those
    aged out at or before ``t`` (each ages out after it was made): two bisections.  A
    later attempt can age out first (one made in the second pass of a repeated hour),
    which the sorted list takes in its stride.  A local day is 24 hours give or take an
    offset change, so an attempt more than ``days + 2`` days before ``t`` has aged out
    by then: only the attempts from ``days + 2`` days before the earliest instant asked
    about are worked out, earlier ones when an earlier instant is asked about.

    >>> from extramile._time import zone
    >>> ny = zone("America/New_York")
    >>> made = [1_773_064_800.0, 1_773_151_200.0, 1_773_237_600.0]  # 9-11 March 2026, 10:00 EDT
    >>> ages = CapAges(made, 7, ny)
    >>> ages.counting(1_773_324_000.0), ages.free_from(1_773_324_000.0, 3)  # 12 March
    (3, 1773669600.0)
    """

    __slots__ = ("_aged", "_floor", "_from", "attempts", "days", "tz")

    def __init__(self, attempts: list[float], days: int, tz: dt.tzinfo) -> None:
        self.attempts = attempts
        """The attempts, sorted (the contact's own list, never changed)."""
        self.days = days
        self.tz = tz
        self._from = len(attempts)
        """The first attempt worked out: those before it have aged out by ``_floor``."""
        self._aged: list[float] = []
        """When each worked-out attempt ages out, sorted."""
        self._floor = math.inf
        """The earliest instant the attempts worked out answer for."""

    def _cover(self, ts: float) -> None:
        """Work out the attempts that may still count at ``ts``, if not done yet."""
        if ts >= self._floor:
            return
        start = self._from
        first = bisect.bisect_right(self.attempts, ts - (self.days + 2) * DAY, 0, start)
        if first < start:
            days, tz = self.days, self.tz
            self._aged += [add_local_days(a, days, tz) for a in self.attempts[first:start]]
            self._aged.sort()
            self._from = first
        self._floor = ts

    def counting(self, ts: float) -> int:
        """How many attempts count against the cap at ``ts``."""
        self._cover(ts)
        made = bisect.bisect_right(self.attempts, ts, self._from)
        return made - self._from - bisect.bisect_right(self._aged, ts)

    def free_from(self, ts: float, limit: int) -> float:
        """The first instant at or after ``ts`` at which fewer than ``limit`` attempts
        count (``limit`` at least 1)."""
        self._cover(ts)
        attempts, aged, first = self.attempts, self._aged, self._from
        t = ts
        while True:
            gone = bisect.bisect_right(aged, t)
            count = bisect.bisect_right(attempts, t, first) - first - gone
            if count < limit:
                return t
            # Until ``count - limit + 1`` more have aged out, at least ``limit`` count
            # whatever else is made meanwhile: the next instant that could do is when
            # that many more have.
            t = aged[gone + count - limit]


class Clocks:
    """The clocks of a customer's calls that other customers share: their zones, their
    calling window, its table in each zone, and where the calls may go under a schedule
    (a :class:`~extramile._time.FlatTable` of :func:`reach_table`).

    One per zones and window, from a bounded cache (:func:`clocks_of`): a pure function of
    them, so any two are interchangeable.
    """

    __slots__ = (
        "_allowed",
        "_last",
        "_unstaffed",
        "reach",
        "tables",
        "window",
        "zone_names",
        "zones",
    )

    def __init__(
        self, zones: tuple[dt.tzinfo, ...], zone_names: tuple[str, ...], window: CallingWindow
    ) -> None:
        self.zones = zones
        self.zone_names = zone_names
        self.window = window
        self.tables = tuple([window_table(window, tz) for tz in zones])
        """The calling window's memoised table in each of ``zones``."""
        self.reach: Reach = pooled((zone_names, window))
        """The zones and window (see :func:`reach_table`)."""
        self._allowed: dict[int, tuple[Schedule, FlatTable]] = {}
        self._last: tuple[Schedule | None, FlatTable | None] = (None, None)
        """The schedule last asked about and its table: a book's calls ask of one."""
        self._unstaffed: FlatTable | None = None
        """The table without staff hours (extra-mile calls), made when first asked."""

    def __reduce__(self) -> tuple[Any, tuple[tuple[str, ...], CallingWindow]]:
        """Pickled as its zones' names and window: its tables are remade (and shared)
        where it is loaded, as an agenda's unwritten moves keep it."""
        return clocks_of, (self.zone_names, self.window)

    def allowed(self, schedule: Schedule | None) -> FlatTable:
        """Where a call may go (the calling window open in every zone and, unless
        ``schedule`` is None, staff open) as one flat table: one bisection an answer.

        Kept by the schedule's identity, with the schedule itself, so that an entry is
        never taken for another schedule.  Placement asks this for every search: the
        table without staff and the last schedule's are answered from an attribute."""
        if schedule is None:
            flat = self._unstaffed
            if flat is None:
                flat = self._unstaffed = FlatTable(reach_table(self.reach, None))
            return flat
        last, flat = self._last
        if last is schedule and flat is not None:
            return flat
        entry = self._allowed.get(id(schedule))
        if entry is None or entry[0] is not schedule:
            entry = keep(
                self._allowed,
                id(schedule),
                (schedule, FlatTable(reach_table(self.reach, schedule))),
                _SCHEDULES_KEPT,
            )
        self._last = entry
        return entry[1]


_SCHEDULES_KEPT: Final = 8
_CLOCKS_KEPT: Final = 1024
_CLOCKS: Final[dict[tuple[object, ...], Clocks]] = cache("contact clocks")


def clocks_of(zone_names: tuple[str, ...], window: CallingWindow) -> Clocks:
    """The shared :class:`Clocks` of a customer's zones and calling window (memoised)."""
    # _key(window), without its call: a contact is made for every customer placed
    key = (zone_names, window.start, window.end) if type(window) is Window else (zone_names, window)
    found = _CLOCKS.get(key)
    if found is None:
        zones = tuple([zone(name) for name in zone_names])
        found = keep(_CLOCKS, key, Clocks(zones, zone_names, window), _CLOCKS_KEPT)
    return found


class Contact:
    """What placement needs to know of one customer, computed once per evaluation: their
    own facts (attempts, latest inbound contact, do-not-call) and shared :class:`Clocks`."""

    __slots__ = (
        "ages",
        "attempts",
        "cap_zone",
        "clocks",
        "do_not_call",
        "last_inbound",
        "own_window",
        "twins",
        "unknown_zone",
    )

    def __init__(  # noqa: PLR0917  # made for every customer placed: in order, not by name
        self,
        clocks: Clocks,
        cap_zone: dt.tzinfo,
        attempts: list[float],
        last_inbound: float | None,
        do_not_call: bool,
        unknown_zone: bool,
        own_window: bool = False,
        ages: dict[int, CapAges] | None = None,
    ) -> None:
        self.clocks = clocks
        self.cap_zone = cap_zone
        self.attempts = attempts
        self.last_inbound = last_inbound
        self.do_not_call = do_not_call
        self.unknown_zone = unknown_zone
        self.own_window = own_window
        """Whether the window is the customer's own hours, which no rule's window overrides."""
        self.twins: dict[CallingWindow, Contact] | None = None
        """The contacts of the same customer with the windows of rules, made when asked."""
        self.ages: dict[int, CapAges] = {} if ages is None else ages
        """When the attempts age out of a cap of so many local days, worked out when asked
        (:meth:`cap_ages`); shared with the twins, which have the same attempts."""

    @property
    def zones(self) -> tuple[dt.tzinfo, ...]:
        """The zones the customer may be reached in."""
        return self.clocks.zones

    @property
    def zone_names(self) -> tuple[str, ...]:
        """Their names."""
        return self.clocks.zone_names

    @property
    def window(self) -> CallingWindow:
        """The calling window."""
        return self.clocks.window

    @property
    def tables(self) -> tuple[OpenTable, ...]:
        """The calling window's memoised table in each of ``zones``."""
        return self.clocks.tables

    @property
    def reach(self) -> Reach:
        """The zones and window, shared by the customer's calls (see :func:`reach_table`)."""
        return self.clocks.reach

    def for_window(self, window: CallingWindow | None) -> Contact:
        """This contact for a call whose rule has ``window`` (None: the policy's): itself
        when the customer has hours of their own, or the window is the one it has."""
        if window is None or self.own_window or window == self.clocks.window:
            return self
        twins = self.twins
        if twins is None:
            twins = self.twins = {}
        twin = twins.get(window)
        if twin is None:
            twin = twins[window] = Contact(
                clocks_of(self.clocks.zone_names, window),
                cap_zone=self.cap_zone,
                attempts=self.attempts,
                last_inbound=self.last_inbound,
                do_not_call=self.do_not_call,
                unknown_zone=self.unknown_zone,
                own_window=self.own_window,
                ages=self.ages,
            )
        return twin

    def cap_ages(self, days: int) -> CapAges:
        """When the attempts age out of a cap of ``days`` local days, in the cap's zone."""
        ages = self.ages.get(days)
        if ages is None:
            ages = self.ages[days] = CapAges(self.attempts, days, self.cap_zone)
        return ages

    def allowed(self, schedule: Schedule, *, extra_mile: bool) -> OpenTable:
        """Where a call may go: the calling window open in every zone and, unless it goes
        the extra mile, staff open (see :func:`reach_table`): the table under the flat
        one placement searches, which the clocks keep by schedule."""
        return self.clocks.allowed(None if extra_mile else schedule).source

    @classmethod
    def of(
        cls,
        customer: Customer,
        history: Iterable[Interaction],
        *,
        now_ts: float,
        calling_window: CallingWindow,
        served_timezones: Sequence[str],
        schedule: Schedule,
    ) -> Contact:
        """Collect attempts and the customer's latest own contact up to ``now_ts``."""
        attempts: list[float] = []
        last_inbound: float | None = None
        for item in history:
            ts = item.ts
            if ts > now_ts:
                continue
            if item.direction is Direction.OUTBOUND:
                if item.kind == CALL:
                    attempts.append(ts)
            elif item.channel is not Channel.SYSTEM and (last_inbound is None or ts > last_inbound):
                # only the customer's own contact opens a callback hour: an event a system
                # logged (a charge, a price change) is inbound by default but is not one
                last_inbound = ts
        attempts.sort()
        return cls.build(
            customer,
            attempts,
            last_inbound,
            calling_window=calling_window,
            served_timezones=served_timezones,
            schedule=schedule,
        )

    @classmethod
    def build(  # noqa: PLR0917  # made for every customer placed: in order, not by name
        cls,
        customer: Customer,
        attempts: list[float],
        last_inbound: float | None,
        calling_window: CallingWindow,
        served_timezones: Sequence[str],
        schedule: Schedule,
    ) -> Contact:
        """A context from already collected, sorted attempts (the arguments may be given
        in order: placement makes one for every customer it places)."""
        name = customer.timezone
        own = customer.calling_hours
        window = own or calling_window
        if name is not None:
            clocks = clocks_of((name,), window)
            cap_zone = clocks.zones[0]
        else:
            clocks = clocks_of(tuple(served_timezones), window)
            cap_zone = schedule.tz
        return cls(
            clocks,
            cap_zone,
            attempts,
            last_inbound,
            customer.do_not_call,
            name is None,  # unknown_zone
            own is not None,  # own_window
        )


def window_allows(contact: Contact, ts: float) -> bool:
    """Whether the calling window allows a call at ``ts``: open in every one of the
    customer's zones (with none, an unknown timezone the policy does not serve: never,
    fail closed), or within the hour after the customer's own inbound contact, when a
    call is a callback and not unsolicited."""
    grace = contact.last_inbound
    if grace is not None and grace <= ts < grace + CALLBACK_GRACE:
        return True
    return bool(contact.zones) and all(
        table.first_open(ts, ts + 1) == ts for table in contact.tables
    )


_TABLES_KEPT: Final = 256
_WINDOW_TABLES: Final[dict[tuple[object, ...], OpenTable]] = cache("calling-window tables")
_OVERLAP_TABLES: Final[dict[tuple[object, ...], OpenTable]] = cache("calling-window overlap tables")


def _key(window: CallingWindow) -> tuple[object, ...]:
    """A calling window as part of a memo's key: a daily window by its bounds (plain
    ints hash without a call into Python), a weekly one as itself."""
    if type(window) is Window:
        return (window.start, window.end)
    return (window,)


def windows_of(window: CallingWindow) -> WindowsOf:
    """A calling window's windows of a local date."""
    if isinstance(window, Window):
        days = (window,)
        return lambda _day: days
    return window.windows_of


def window_table(window: CallingWindow, tz: dt.tzinfo) -> OpenTable:
    """The memoised table of a calling window in ``tz``."""
    key = (tz, *_key(window))
    table = _WINDOW_TABLES.get(key)
    if table is None:
        table = keep(_WINDOW_TABLES, key, WindowsTable(tz, windows_of(window)), _TABLES_KEPT)
    return table


def window_end(ts: float, window: CallingWindow, tz: dt.tzinfo) -> float:
    """When the calling window that is open at ``ts`` closes (``ts`` if it is closed)."""
    # A weekly window's run lasts a week at most (one open all week is a daily window).
    limit = ts + (2 if isinstance(window, Window) else 8) * DAY
    end = window_table(window, tz).run_end(ts, limit)
    # a window open around the clock runs past the limit: the search says where it stops
    return end if end < limit else window_end_search(ts, window, tz)


def window_end_search(ts: float, window: CallingWindow, tz: dt.tzinfo) -> float:
    """:func:`window_end` by the direct search (also the reference for the tables)."""
    limit = ts + (2 if isinstance(window, Window) else 8) * DAY
    return open_run_end(ts, tz, windows_of(window), limit)


def reach_table(reach: Reach, schedule: Schedule | None) -> OpenTable:
    """Where the calling window of ``reach`` is open in every one of its zones and,
    unless ``schedule`` is None, staff are open too (memoised)."""
    names, window = reach
    key = (names, *_key(window))
    if schedule is not None:
        staff = schedule.open_table()
        return schedule.derived_table(key, lambda: OverlapTable((*_window_tables(reach), staff)))
    table = _OVERLAP_TABLES.get(key)
    if table is None:
        table = keep(_OVERLAP_TABLES, key, OverlapTable(_window_tables(reach)), _TABLES_KEPT)
    return table


def _window_tables(reach: Reach) -> tuple[OpenTable, ...]:
    names, window = reach
    return tuple(window_table(window, zone(name)) for name in names)

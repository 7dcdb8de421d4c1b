"""Staff schedules: weekly windows in one timezone, minus holidays, and business time.

A :class:`Schedule` is validated when it is made (its zone, its windows, its holiday
calendar), and answers on POSIX seconds through its memoised open-interval tables
(:mod:`extramile._time.intervals`); the public methods take and return datetimes.  Every
search for an opening is bounded (:data:`SEARCH_DAYS`), so a schedule that never opens is
an error, not a hang.

Imports: ``_memo``, ``_time.zones``, ``_time.window``, ``_time.durations``,
``_time.calendar``, ``_time.intervals``, ``_time.weekly``, ``errors``.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import (
    Callable,
    Collection,
    Container,
    Hashable,
    Iterable,
    Mapping,
    Sequence,
)
from typing import Any, Final, NoReturn, TypeVar
from zoneinfo import ZoneInfo

import attrs
import pendulum
from pendulum.tz.timezone import Timezone

from extramile._memo import keep
from extramile._time.calendar import add_local_days, aware_seconds, clock_label
from extramile._time.durations import Business
from extramile._time.intervals import OpenTable, WindowsTable, next_in_windows, open_run_end
from extramile._time.weekly import Week, week_of
from extramile._time.window import Window
from extramile._time.zones import DAY, ZoneName, from_ts, zone, zone_key, zone_or_none
from extramile.errors import FactTypeError, InvalidPolicyError, PolicyTypeError, describe

__all__ = ["SEARCH_DAYS", "DayHours", "Schedule", "WeekHours"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")

SEARCH_DAYS: Final = 3_660
"""How far ahead (in days) a search for an opening looks before giving up: ten years."""
_ONE_DAY: Final = dt.timedelta(days=1)


class _Rebuilt(dict[_K, _V]):
    """A bounded cache kept on a value (filled with :func:`~extramile._memo.keep`),
    copied and pickled empty: it is rebuilt wherever it is needed (tables hold the
    functions they call, which do not pickle)."""

    __slots__ = ("bound",)

    def __init__(self, bound: int) -> None:
        super().__init__()
        self.bound = bound

    def __reduce__(self) -> tuple[type[_Rebuilt[_K, _V]], tuple[int]]:
        return (type(self), (self.bound,))


DayHours = str | Window | Iterable[str | Window] | None
"""One day's hours: ``"09:00-17:00"``, several windows (``"09:00-12:00, 13:00-17:00"`` or a
list), or None (closed)."""
WeekHours = (
    Mapping[str, DayHours]
    | Mapping[int, DayHours]
    | Mapping[str | int, DayHours]
    | tuple[DayHours, DayHours, DayHours, DayHours, DayHours, DayHours, DayHours]
    | Sequence[Window | Iterable[Window] | None]
)
"""A week's hours: weekdays (``"mon"``, ``"mon-fri"``, or 0 for Monday to 6) mapped to
their hours; or seven days' hours, Monday first.  Seven days given as text are typed as a
tuple, and a list of seven as :class:`Window` objects: a type checker cannot tell a list of
strings from a string, which is refused."""


def _week(hours: WeekHours) -> Week:
    value: object = hours  # checked here: a caller without a type checker may give anything
    return week_of(value, "Schedule.hours")


def _check_zone(timezone: ZoneName) -> str:
    value: object = timezone  # checked here: a caller without a type checker may give anything
    if isinstance(value, ZoneInfo):
        value = zone_key(value, "Schedule.timezone")
    if not isinstance(value, str):
        raise PolicyTypeError(
            "Schedule.timezone must be an IANA timezone name or a zoneinfo.ZoneInfo"
            f" (got {describe(value)})"
        )
    if zone_or_none(value) is None:
        raise InvalidPolicyError(
            "Schedule.timezone must be an IANA timezone name such as 'America/Chicago'"
            f" (got {describe(value)})"
        )
    return value


def _check_holidays(holidays: Container[dt.date] | None) -> Container[dt.date] | None:
    value: object = holidays  # checked here: a caller without a type checker may give anything
    if value is None or _is_holidays_calendar(value):
        return holidays  # kept as it is: a calendar iterates only the years it has loaded
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Collection):
        raise PolicyTypeError(
            "Schedule.holidays must be a holidays.HolidayBase calendar, a collection of"
            f" datetime.date values or a mapping of them to names (got {describe(value)})"
        )
    if isinstance(value, Mapping):
        named: dict[dt.date, str] = {}
        for day, name in value.items():
            if type(name) is not str:
                raise PolicyTypeError(
                    f"Schedule.holidays names must be str (got {describe(name)} for {day!r})"
                )
            named[_holiday(day)] = str.__str__(name)
        return named
    return frozenset(map(_holiday, value))


def _holiday(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, value.day)  # a subclass becomes a plain date
    raise PolicyTypeError(
        f"Schedule.holidays must hold datetime.date values (got {describe(value)})"
    )


def _asked_day(value: object) -> dt.date:
    """A day asked of a schedule: a datetime is refused (``datetime(2026, 12, 25)`` is
    not equal to ``date(2026, 12, 25)``, so Christmas would not be found)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, value.day)
    raise FactTypeError(
        f"Schedule.holiday_name() day must be a datetime.date (got {describe(value)})"
    )


def _is_holidays_calendar(value: object) -> bool:
    """Whether ``value`` is a calendar of the ``holidays`` package (a ``HolidayBase``, a
    country's calendar, one of the user's own built on it, or a sum of them).

    The package is optional and the core never imports it: a calendar exists only once
    the package is imported, so it is looked up in ``sys.modules`` and asked with
    ``isinstance``, by its public name.  A module of the user's own named ``holidays``
    has no ``HolidayBase`` and finds nothing.
    """
    package = sys.modules.get("holidays")
    base = getattr(package, "HolidayBase", None)
    return isinstance(base, type) and isinstance(value, base)


def _same_holidays(mine: Container[dt.date] | None, theirs: Container[dt.date] | None) -> bool:
    """Whether two holiday calendars are the same.  A ``holidays`` calendar loads a year
    when a date of it is first looked up, and compares its loaded years: two copies are
    compared after each has loaded the years either has."""
    if mine is theirs:
        return True
    loaded = getattr(mine, "years", None), getattr(theirs, "years", None)
    if type(mine) is type(theirs) and all(isinstance(years, set) for years in loaded):
        # Both are sets of years here, so neither calendar is None: mypy cannot see
        # through the all() above, hence the two ignores.
        with _HOLIDAYS_LOCK:
            for year in sorted(set().union(*loaded)):  # type: ignore[arg-type]  # sets
                for calendar in (mine, theirs):
                    _ = dt.date(year, 1, 1) in calendar  # type: ignore[operator]  # not None
    return mine == theirs


_HOLIDAYS_LOCK: Final = threading.Lock()
"""Held while a holiday calendar is asked about a date (see :meth:`Schedule.holiday_name`)."""
_NOT_CACHED: Final = object()
_HOLIDAYS_KEPT: Final = 1 << 16
"""How many dates' holiday answers one schedule keeps (about 180 years of them)."""
_TABLES_KEPT: Final = 64
"""How many tables one schedule keeps (its own, and its overlaps with calling windows)."""
_REASONS_KEPT: Final = 4096
"""How many instants' closed reasons one schedule keeps."""
_SHIFTS_KEPT: Final = 4096
"""How many (date, business days) day counts one schedule keeps (:meth:`Schedule.add_ts`)."""
_ALL_DAY: Final = (Window(0, DAY),)


@attrs.frozen(kw_only=True)
class Schedule:
    """Staff business hours: weekly windows in one timezone, minus holidays.

    ``hours`` maps weekdays to windows (several a day allowed); ``holidays`` is a calendar
    of the ``holidays`` package, or a collection of dates (a set, list or tuple of
    ``datetime.date``, or a mapping of them to their names, which explanations show).
    Each window is open from its start (included) to its end (excluded), local time.

    A collection of dates is copied (a frozenset, or a dict of names); a ``holidays``
    calendar is kept as it is, never iterated (it loads a year when a date of it is
    first asked for), and its answers are remembered.  Do not change it afterwards
    (with ``append()``, say): build a new schedule with the changed calendar instead.

    >>> import pendulum
    >>> office = Schedule(timezone="America/Chicago", hours={"mon-fri": "09:00-17:00"})
    >>> friday = pendulum.datetime(2026, 10, 30, 20, tz="UTC")   # Fri 15:00 CDT
    >>> office.add(friday, Business(hours=4)).in_timezone("UTC").isoformat()
    '2026-11-02T17:00:00+00:00'

    Raises:
        InvalidPolicyError: an unknown timezone, overlapping windows, or no opening at all.
        PolicyTypeError: a value of the wrong type, such as holidays given as text or a
            holiday that is not a ``datetime.date`` (the error names it).
    """

    timezone: str = attrs.field(converter=_check_zone)
    hours: Week = attrs.field(converter=_week)
    holidays: Container[dt.date] | None = attrs.field(
        default=None,
        converter=_check_holidays,
        hash=False,
        eq=attrs.cmp_using(eq=_same_holidays),
    )
    _holiday_memo: _Rebuilt[dt.date, Any] = attrs.field(
        init=False, factory=lambda: _Rebuilt(_HOLIDAYS_KEPT), eq=False, hash=False, repr=False
    )
    _tables: _Rebuilt[object, OpenTable] = attrs.field(
        init=False, factory=lambda: _Rebuilt(_TABLES_KEPT), eq=False, hash=False, repr=False
    )
    _closed_reasons: _Rebuilt[float, str] = attrs.field(
        init=False, factory=lambda: _Rebuilt(_REASONS_KEPT), eq=False, hash=False, repr=False
    )
    _day_shifts: _Rebuilt[tuple[dt.date, int], int] = attrs.field(
        init=False, factory=lambda: _Rebuilt(_SHIFTS_KEPT), eq=False, hash=False, repr=False
    )

    @classmethod
    def always_open(cls, timezone: ZoneName = "UTC") -> Schedule:
        """A schedule open around the clock, every day."""
        return cls(timezone=timezone, hours={"mon-sun": "00:00-24:00"})

    @property
    def tz(self) -> Timezone:
        """The schedule's timezone object."""
        return zone(self.timezone)

    # -- public API on datetimes --------------------------------------------------------

    # Each takes any timezone-aware datetime, and raises FactTypeError for another value
    # and InvalidFactError for a naive one (read in the machine's own zone, it would make
    # the answer depend on where it runs) or one outside the years 2 to 9998: see
    # aware_seconds().

    def is_open(self, moment: dt.datetime) -> bool:
        """Whether staff are open at ``moment``."""
        return self.is_open_ts(aware_seconds(moment, "Schedule.is_open() moment"))

    def next_open(self, moment: dt.datetime) -> pendulum.DateTime:
        """The first open instant at or after ``moment``, in the schedule's timezone."""
        return from_ts(
            self.next_open_ts(aware_seconds(moment, "Schedule.next_open() moment")), self.tz
        )

    def add(self, moment: dt.datetime, duration: Business) -> pendulum.DateTime:
        """``moment`` plus ``duration`` of business time, in the schedule's timezone.

        Raises:
            PolicyTypeError: ``duration`` is not a :class:`Business` duration.
        """
        if not isinstance(duration, Business):
            raise PolicyTypeError(
                f"Schedule.add takes a Business duration (got {describe(duration)})"
            )
        return from_ts(
            self.add_ts(aware_seconds(moment, "Schedule.add() moment"), duration), self.tz
        )

    def between(self, start: dt.datetime, end: dt.datetime) -> Business:
        """The business time elapsed from ``start`` to ``end`` (zero if ``end`` is earlier)."""
        first = aware_seconds(start, "Schedule.between() start")
        return Business(
            seconds=self.between_ts(first, aware_seconds(end, "Schedule.between() end"))
        )

    def holiday_name(self, day: dt.date) -> str | None:
        """The holiday's name if ``day`` is a holiday (``"holiday"`` when it has none).

        Raises:
            FactTypeError: ``day`` is not a ``datetime.date`` (a ``datetime`` included).
        """
        if day.__class__ is not dt.date:
            day = _asked_day(day)
        memo = self._holiday_memo
        found = memo.get(day, _NOT_CACHED)
        if found is _NOT_CACHED:
            found = None
            holidays = self.holidays
            # One lookup at a time: a ``holidays`` calendar marks a year loaded before it
            # has loaded it, and a date asked meanwhile would be remembered wrongly.
            with _HOLIDAYS_LOCK:
                if holidays is not None and day in holidays:
                    getter = getattr(holidays, "get", None)
                    name = getter(day) if callable(getter) else None
                    found = str(name) if name else "holiday"
            keep(memo, day, found, memo.bound)
        return found  # type: ignore[no-any-return]  # str | None: the memo is Any to take _NOT_CACHED

    # -- the fast path on POSIX seconds -------------------------------------------------

    def _open_windows(self, day: dt.date) -> tuple[Window, ...]:
        windows = self.hours[day.weekday()]
        if windows and self.holidays is not None and self.holiday_name(day) is not None:
            return ()
        return windows

    def is_open_ts(self, ts: float) -> bool:
        """Whether staff are open at POSIX second ``ts``."""
        local = dt.datetime.fromtimestamp(ts, zone(self.timezone))
        windows = self._open_windows(local.date())
        if not windows:
            return False
        now = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return any(w.start <= now < w.end for w in windows)

    def open_table(self) -> OpenTable:
        """The open instants as memoised interval tables (built as they are asked for)."""
        table = self._tables.get(None)
        if table is None:
            table = self.derived_table(None, lambda: WindowsTable(self.tz, self._open_windows))
        return table

    def derived_table(self, key: object, make: Callable[[], OpenTable]) -> OpenTable:
        """A table derived from this schedule (its overlap with calling windows, say),
        memoised on the schedule under ``key``."""
        table = self._tables.get(key)
        if table is None:
            table = keep(self._tables, key, make(), _TABLES_KEPT)
        return table

    def next_open_ts(self, ts: float) -> float:
        """The first open POSIX second at or after ``ts``.

        Raises:
            InvalidPolicyError: no opening within ten years (e.g. every day a holiday).
        """
        found = self.open_table().first_open(ts, ts + SEARCH_DAYS * DAY)
        if found is None:
            self._no_opening(ts)
        return found

    def next_open_search(self, ts: float) -> float:
        """:meth:`next_open_ts` by the direct search, without the memoised tables (the
        reference the tables are checked against).

        Raises:
            InvalidPolicyError: no opening within ten years (e.g. every day a holiday).
        """
        tz = zone(self.timezone)
        local = dt.datetime.fromtimestamp(ts, tz)
        clock = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        for window in self.hours[local.weekday()]:
            if window.start <= clock < window.end:
                if self.holidays is None or self.holiday_name(local.date()) is None:
                    return ts
                break
        found = next_in_windows(ts, tz, self._open_windows, ts + SEARCH_DAYS * DAY)
        if found is None:
            self._no_opening(ts)
        return found

    def _no_opening(self, ts: float) -> NoReturn:
        tz = zone(self.timezone)
        raise InvalidPolicyError(
            f"Schedule in {self.timezone} has no opening within {SEARCH_DAYS} days of"
            f" {from_ts(ts, tz).isoformat()}; are all days holidays?"
        )

    def open_until_ts(self, ts: float) -> float:
        """When the open run containing ``ts`` ends (``ts`` itself if closed then).

        Adjacent windows, and a window ending at 24:00 followed by one starting at 00:00,
        form one run.  A run longer than ten years is reported as ending ten years on.
        """
        horizon = ts + SEARCH_DAYS * DAY
        if self.holidays is None and all(day == _ALL_DAY for day in self.hours):
            return horizon if self.is_open_ts(ts) else ts
        return min(self.open_table().run_end(ts, horizon), horizon)

    def open_until_search(self, ts: float) -> float:
        """:meth:`open_until_ts` by the direct search (the reference for the tables)."""
        horizon = ts + SEARCH_DAYS * DAY
        if self.holidays is None and all(day == _ALL_DAY for day in self.hours):
            return horizon if self.is_open_ts(ts) else ts
        return min(open_run_end(ts, zone(self.timezone), self._open_windows, horizon), horizon)

    def add_ts(self, ts: float, duration: Business) -> float:
        """``ts`` plus a business duration, on POSIX seconds.

        Raises:
            InvalidPolicyError: no opening within ten years (e.g. every day a holiday).
        """
        t = self.next_open_ts(ts)
        if duration.days:
            # The n-th following day with opening hours, counted from the first open
            # moment's date; the same wall-clock time on it (add_local_days() is quick
            # when no offset change lies between), then the first open instant from
            # there.  The clock is the first open moment's, on every day counted: one
            # carried from day to day would drift (Thursday 16:00 plus two days on a
            # week with short Fridays is Monday 16:00, not Tuesday 09:00).
            tz = zone(self.timezone)
            local = dt.datetime.fromtimestamp(t, tz)
            key = (local.date(), duration.days)
            shift = self._day_shifts.get(key)
            if shift is None:
                shift = keep(self._day_shifts, key, self._open_days_on(*key), _SHIFTS_KEPT)
            t = self.next_open_ts(add_local_days(t, shift, tz, local))
        remaining = duration.seconds
        table = self.open_table()
        while remaining > 0:
            end = table.run_end(t, t + remaining)
            if t + remaining <= end:
                return t + remaining
            remaining -= end - t
            t = self.next_open_ts(end)
        return t

    def _open_days_on(self, today: dt.date, days: int) -> int:
        """Calendar days from ``today`` to the ``days``-th following day with opening
        hours (a pure function of the two, kept by :meth:`add_ts`: a book's due times
        fall on a few dozen dates)."""
        day = today
        for _ in range(days):
            for _ in range(1, SEARCH_DAYS):
                day += _ONE_DAY
                if self._open_windows(day):
                    break
        return (day - today).days

    def between_ts(self, start: float, end: float) -> float:
        """Open seconds in ``[start, end)`` (zero if ``end`` is not after ``start``)."""
        table = self.open_table()
        total = 0.0
        t = table.first_open(start, end) if start < end else None
        while t is not None and t < end:
            until = table.run_end(t, end)
            total += min(until, end) - t
            t = table.first_open(until, end) if until < end else None
        return total

    def describe_closed(self, ts: float) -> str:
        """Why staff are closed at ``ts``, for explanations.

        A book's calls are moved from a few instants (``now``, say), so the answers are
        remembered (a bounded, pure memo: the answer depends on ``ts`` alone)."""
        memo = self._closed_reasons
        found = memo.get(ts)
        if found is None:
            found = keep(memo, ts, self._describe_closed(ts), memo.bound)
        return found

    def _describe_closed(self, ts: float) -> str:
        tz = zone(self.timezone)
        local = dt.datetime.fromtimestamp(ts, tz)
        name = self.holiday_name(local.date()) if self.holidays is not None else None
        when = clock_label(self.next_open_ts(ts), tz, weekday=True)
        if name is not None:
            return f"holiday: {name}; staff open again {when}"
        return f"staff hours closed in {self.timezone} until {when}"

"""Time that never lies: three kinds of duration, staff schedules, local calendar arithmetic.

Theory of operation
-------------------

extramile keeps three kinds of time apart, each its own type, never a bare number:

* :class:`Elapsed` -- exact seconds.  168 hours is 168 hours, whatever the clocks do.
* :class:`Local` -- calendar days in a timezone.  Adding a day keeps the wall-clock time,
  across daylight-saving changes; a wall-clock time that does not exist that day moves
  forward by the gap, an ambiguous one takes its first occurrence.
* :class:`Business` -- time counted only while a :class:`Schedule` is open; holidays and
  closed hours do not count.

Inside the library an instant is a float of POSIX seconds; local wall-clock values are
computed with the standard library (about a microsecond) and pendulum values are made only
for what is returned to users.  Every search for an opening is bounded, so a schedule that
never opens is an error, not a hang.

A schedule's open instants are memoised as tables of intervals, block by block of eight
days (:class:`OpenTable`), so that the next opening and the end of an open run cost a
bisection instead of a search.  A block depends only on the schedule and its place in
time, so answers never depend on what was asked before; the direct searches stay
available (``Schedule.next_open_search``, ``Schedule.open_until_search``) as the
reference the tables are tested against.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import threading
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import Any, Final, NoReturn

import attrs
import pendulum
from pendulum.tz.timezone import Timezone

from extramile._memo import Memo
from extramile._time.window import Window, format_clock
from extramile._time.zones import EARLIEST, LATEST, from_ts, zone, zone_or_none
from extramile.errors import (
    FactTypeError,
    InvalidFactError,
    InvalidPolicyError,
    PolicyTypeError,
    describe,
)

__all__ = [
    "Business",
    "Duration",
    "Elapsed",
    "Local",
    "Schedule",
    "add_local_days",
    "local_date",
    "local_day_start",
    "wall_to_ts",
]

DAY: Final = 86_400
_ONE_DAY: Final = dt.timedelta(days=1)
SEARCH_DAYS: Final = 3_660
"""How far ahead (in days) a search for an opening looks before giving up: ten years."""

_UNITS: Final = (("weeks", 7 * DAY), ("days", DAY), ("hours", 3600), ("minutes", 60))


def _amount(value: object, cls: str, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PolicyTypeError(f"{cls}.{unit} must be a number (got {describe(value)})")
    if not math.isfinite(value) or value < 0:
        raise InvalidPolicyError(
            f"{cls}.{unit} must be a finite number of zero or more (got {value!r});"
            " durations are never negative: say 'before' with the anchor instead"
        )
    return value


def _whole(value: object, cls: str, unit: str) -> int:
    amount = _amount(value, cls, unit)
    if amount != int(amount):
        raise InvalidPolicyError(f"{cls}.{unit} must be a whole number (got {value!r})")
    return int(amount)


CENTURY: Final = 36_525
"""The longest duration, in days: more is a mistake (a give-up time of ``None`` says
"never"), and would take times past the calendar's end."""


def _at_most_a_century(days: float, cls: str, given: str) -> None:
    if not days <= CENTURY:  # also catches an infinite total
        raise InvalidPolicyError(f"{cls} must be at most a century ({CENTURY} days) (got {given})")


def _render_seconds(seconds: float, units: Sequence[tuple[str, int]] = _UNITS) -> str:
    for name, size in units:
        if seconds and seconds % size == 0:
            count = seconds // size
            return f"{name}={int(count)}"
    return f"seconds={seconds:g}"


@attrs.frozen(init=False, repr=False)
class Elapsed:
    """Exact elapsed time, such as "within 15 minutes".

    >>> Elapsed(minutes=15)
    Elapsed(minutes=15)
    >>> Elapsed(hours=168).seconds == Elapsed(days=7).seconds
    True

    Raises:
        InvalidPolicyError: a negative or non-finite amount, or more than a century.
        PolicyTypeError: an amount that is not a number.
    """

    seconds: float

    def __init__(
        self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> None:
        total = (
            _amount(days, "Elapsed", "days") * DAY
            + _amount(hours, "Elapsed", "hours") * 3600
            + _amount(minutes, "Elapsed", "minutes") * 60
            + _amount(seconds, "Elapsed", "seconds")
        )
        _at_most_a_century(total / DAY, "Elapsed", f"{total:g} seconds")
        self.__attrs_init__(seconds=total)

    def __repr__(self) -> str:
        return f"Elapsed({_render_seconds(self.seconds, _UNITS[1:]) if self.seconds else ''})"

    def __str__(self) -> str:
        return _human(self.seconds) + " elapsed"


@attrs.frozen(init=False, repr=False)
class Local:
    """Calendar days in a timezone, keeping the wall-clock time: "7 days later, same time".

    >>> Local(weeks=1)
    Local(days=7)

    Raises:
        InvalidPolicyError: a negative or fractional amount, or more than a century.
        PolicyTypeError: an amount that is not a number.
    """

    days: int

    def __init__(self, *, days: int = 0, weeks: int = 0) -> None:
        total = _whole(days, "Local", "days") + 7 * _whole(weeks, "Local", "weeks")
        _at_most_a_century(total, "Local", f"{total} days")
        self.__attrs_init__(days=total)

    def __repr__(self) -> str:
        return f"Local(days={self.days})"

    def __str__(self) -> str:
        return f"{self.days} local day{'s' if self.days != 1 else ''}"


@attrs.frozen(init=False, repr=False)
class Business:
    """Time counted only while the staff schedule is open.

    ``days`` counts open days: from an open moment, the same wall-clock time on the n-th
    following day that has opening hours and is not a holiday (or the next opening after
    it).  ``hours``, ``minutes`` and ``seconds`` count open time.  ``Business()`` is "the
    next staff opening".

    >>> Business(hours=2)
    Business(hours=2)
    >>> Business(days=2, minutes=30)
    Business(days=2, minutes=30)

    Raises:
        InvalidPolicyError: a negative or non-finite amount, fractional days, or more than a
            century (of days, or of open time).
        PolicyTypeError: an amount that is not a number.
    """

    days: int
    seconds: float

    def __init__(
        self, *, days: int = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> None:
        total = (
            _amount(hours, "Business", "hours") * 3600
            + _amount(minutes, "Business", "minutes") * 60
            + _amount(seconds, "Business", "seconds")
        )
        whole_days = _whole(days, "Business", "days")
        _at_most_a_century(whole_days, "Business", f"{whole_days} days")
        _at_most_a_century(total / DAY, "Business", f"{total:g} seconds")
        self.__attrs_init__(days=whole_days, seconds=total)

    def __repr__(self) -> str:
        parts = [f"days={self.days}"] if self.days else []
        if self.seconds:
            parts.append(_render_seconds(self.seconds, _UNITS[2:]))
        return f"Business({', '.join(parts)})"

    def __str__(self) -> str:
        parts = [f"{self.days} business day{'s' if self.days != 1 else ''}"] if self.days else []
        if self.seconds or not parts:
            parts.append(_human(self.seconds) + " of business time")
        return " and ".join(parts)


Duration = Elapsed | Local | Business
"""Any of the three kinds of duration."""


def _human(seconds: float) -> str:
    for name, size in (("day", DAY), ("hour", 3600), ("minute", 60)):
        if seconds and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {name}{'s' if count != 1 else ''}"
    return f"{seconds:g} seconds"


# ---------------------------------------------------------------------------------------
# Local calendar arithmetic on POSIX seconds
# ---------------------------------------------------------------------------------------


def wall_to_ts(day: dt.date, seconds_of_day: float, tz: dt.tzinfo, *, fold: int = 0) -> float:
    """POSIX seconds of a local wall-clock time on ``day`` in ``tz``.

    A wall-clock time inside a daylight-saving gap moves forward by the gap; an ambiguous
    one takes its first occurrence (``fold=0``) unless ``fold=1`` is asked for.
    ``seconds_of_day`` may be 86400 (midnight ending the day).
    """
    if seconds_of_day >= DAY:
        day = day + dt.timedelta(days=int(seconds_of_day // DAY))
        seconds_of_day %= DAY
    whole = int(seconds_of_day)
    micro = round((seconds_of_day - whole) * 1_000_000)
    hour, rest = divmod(whole, 3600)
    minute, second = divmod(rest, 60)
    return dt.datetime(
        day.year, day.month, day.day, hour, minute, second, micro, tzinfo=tz, fold=fold
    ).timestamp()


def clock_label(ts: float, tz: dt.tzinfo, *, weekday: bool = False) -> str:
    """``"09:00 CST"`` (or ``"Mon 09:00 CST"``): a local clock time for explanations.

    Made with the standard library: pendulum's formatter costs tens of microseconds.
    """
    local = dt.datetime.fromtimestamp(ts, tz)
    clock = format_clock(local.hour * 3600 + local.minute * 60)
    day = f"{_DAY_LABELS[local.weekday()]} " if weekday else ""
    return f"{day}{clock} {local.tzname()}"


_DAY_LABELS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _seconds_of_day(local: dt.datetime) -> float:
    return local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6


def add_local_days(ts: float, days: int, tz: dt.tzinfo) -> float:
    """``ts`` moved by ``days`` calendar days in ``tz``, keeping the wall-clock time.

    >>> import pendulum
    >>> ny = pendulum.timezone("America/New_York")
    >>> start = pendulum.datetime(2026, 3, 6, 15, tz="UTC").timestamp()
    >>> pendulum.from_timestamp(add_local_days(start, 7, ny)).isoformat()
    '2026-03-13T14:00:00+00:00'
    """
    local = dt.datetime.fromtimestamp(ts, tz)
    if days and ts.is_integer():
        # Mostly no offset change lies between: then the same wall-clock time ``days``
        # later is exactly ``days`` * 24 hours later, if that instant is not the second
        # pass of a repeated hour (the first is wanted).  Whole seconds only, so that the
        # sum is exact.
        guess = ts + days * DAY
        later = dt.datetime.fromtimestamp(guess, tz)
        if later.utcoffset() == local.utcoffset() and not later.fold:
            return guess
    day = local.date() + dt.timedelta(days=days)
    return wall_to_ts(day, _seconds_of_day(local), tz, fold=local.fold if days == 0 else 0)


def local_day_start(day: dt.date, tz: dt.tzinfo) -> float:
    """POSIX seconds of the first instant of ``day`` in ``tz``.

    The engine asks this for the same few hundred days (anniversaries, bill dates) over a
    whole book, so answers are kept in a bounded, pure memo.
    """
    return _DAY_STARTS[day, tz]


_DAY_STARTS_MAX: Final = 8192
_DAY_STARTS: Memo[tuple[dt.date, dt.tzinfo], float] = Memo(
    lambda key: wall_to_ts(key[0], 0, key[1]), _DAY_STARTS_MAX
)


def local_date(ts: float, tz: dt.tzinfo) -> dt.date:
    """The local date of ``ts`` in ``tz``.

    The engine asks this for one ``now`` and a handful of zones over and over, so answers
    are kept in a bounded, pure memo.
    """
    return _LOCAL_DATES[ts, tz]


_LOCAL_DATES_MAX: Final = 512
_LOCAL_DATES: Memo[tuple[float, dt.tzinfo], dt.date] = Memo(
    lambda key: dt.datetime.fromtimestamp(*key).date(), _LOCAL_DATES_MAX
)


# ---------------------------------------------------------------------------------------
# Searching daily windows across offset changes
#
# Whether a window is open at an instant is decided by its local wall-clock reading (its
# date and time of day), so the open instants are those whose wall clock falls in a
# window.  Between two changes of the UTC offset the wall clock runs in step with POSIX
# seconds, and a window maps to instants by subtracting the offset; at a change it jumps
# (forward over a gap, back over a repeated hour).  The searches below therefore walk
# pieces of constant offset and find an offset change by bisection.  They assume what the
# tz database holds: offset changes fall on whole seconds and lie more than five days
# apart (the closest pair from 1990 to 2060 is 6 days 23 hours apart).  Mapping a
# window's start through ``wall_to_ts`` instead would miss the second pass of a repeated
# hour, and open too late (or outside the window) when the start lies inside a gap.
# ---------------------------------------------------------------------------------------

WindowsOf = Callable[[dt.date], Sequence[Window]]
"""A day's windows, sorted by start (none on a holiday)."""

_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()


def _offset(ts: float, tz: dt.tzinfo) -> dt.timedelta | None:
    return dt.datetime.fromtimestamp(ts, tz).utcoffset()


def _shift(offset: dt.timedelta | None) -> int:
    """Whole seconds of a UTC offset (an aware local datetime always has one)."""
    return 0 if offset is None else offset.days * DAY + offset.seconds


def _offset_change(lo: float, hi: float, tz: dt.tzinfo) -> float:
    """The instant in ``(lo, hi]`` at which the offset of ``tz`` stops being that at ``lo``.

    The caller has seen the offsets at ``lo`` and ``hi`` differ.
    """
    before = _offset(lo, tz)
    while hi - lo > 1:
        mid = (lo + hi) / 2
        if _offset(mid, tz) == before:
            lo = mid
        else:
            hi = mid
    # the change falls on a whole second, the only one in (lo, hi]
    return float(math.floor(hi))


def _wall(day: dt.date) -> int:
    """Naive wall-clock seconds of ``day``'s midnight, counted from 1970-01-01."""
    return (day.toordinal() - _EPOCH_ORDINAL) * DAY


def next_in_windows(
    ts: float, tz: dt.tzinfo, windows_of: WindowsOf, horizon: float
) -> float | None:
    """The first instant at or after ``ts`` whose wall clock in ``tz`` lies in a window.

    None when there is none before ``horizon``.
    """
    t = ts
    while t < horizon:
        local = dt.datetime.fromtimestamp(t, tz)
        day = local.date()
        clock = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        for w in windows_of(day):
            if w.start <= clock < w.end:
                return t
        offset = local.utcoffset()
        opening = _first_opening(day, _wall(day) + clock, windows_of)
        # while the offset holds, wall clock and POSIX seconds differ by it
        later = float(
            (_wall(day) + _LOOK_AHEAD * DAY if opening is None else opening) - _shift(offset)
        )
        if _offset(later, tz) != offset:
            # the clocks change first: look again from the change
            t = _offset_change(t, later, tz)
        elif opening is None:
            t = later
        else:
            return max(later, t) if later < horizon else None
    return None


_LOOK_AHEAD: Final = 5
"""Dates one look-ahead covers.  It spans at most five days, and offset changes lie further
apart, so there is at most one change within it: equal offsets at both ends mean none."""


def _first_opening(day: dt.date, wall: float, windows_of: WindowsOf) -> int | None:
    """Wall seconds of the first window start after ``wall``, within the look-ahead."""
    base = _wall(day)
    for later in range(_LOOK_AHEAD):
        for w in windows_of(day + dt.timedelta(days=later) if later else day):
            if base + w.end > wall:
                return base + w.start
        base += DAY
    return None


def open_run_end(ts: float, tz: dt.tzinfo, windows_of: WindowsOf, limit: float) -> float:
    """When the open run containing ``ts`` ends (``ts`` if closed), or some instant past
    ``limit`` if it runs that long.

    Adjacent windows, and a window ending at 24:00 followed by one starting at 00:00, form
    one run; so does a window the clocks jump within.
    """
    t = ts
    local = dt.datetime.fromtimestamp(t, tz)
    while t < limit:
        day = local.date()
        clock = _seconds_of_day(local)
        current = next((w for w in windows_of(day) if w.start <= clock < w.end), None)
        if current is None:
            return t
        offset = local.utcoffset()
        end = float(_wall(day) + current.end - _shift(offset))
        local = dt.datetime.fromtimestamp(end, tz)
        if local.utcoffset() != offset:
            # the clocks change before the window ends: look again from the change
            end = _offset_change(t, end, tz)
            local = dt.datetime.fromtimestamp(end, tz)
        t = end
    return t


# ---------------------------------------------------------------------------------------
# Memoised open intervals
#
# Placement asks "the first open instant at or after t" and "when does this open run end"
# of the same few window sets (a calling window in a zone, a staff schedule) for millions
# of calls.  The searches above cost several microseconds each, so the open instants of a
# window set are kept as tables: time is cut into fixed blocks ``[k * BLOCK, (k + 1) *
# BLOCK)`` of POSIX seconds, and a block's table lists the open intervals within it, found
# by the searches above and clipped to the block (so a run that crosses a block edge is
# two pieces; the queries below join them).  A table depends only on the window set and
# ``k``, never on what was asked before, so the memo is pure: answers are the same whether
# a block was memoised or is built afresh, and a full memo can simply be emptied.
# ---------------------------------------------------------------------------------------

BLOCK: Final = 8 * DAY
"""Seconds of one memoised block of open intervals (eight days)."""
BLOCKS_KEPT: Final = 1024
"""How many blocks one table keeps (about 22 years of them) before it starts afresh."""

Intervals = tuple[float, ...]
"""Open intervals of one block, flattened: ``(start0, end0, start1, end1, ...)``, sorted,
disjoint, each start included and each end excluded."""


def open_intervals(lo: float, hi: float, tz: dt.tzinfo, windows_of: WindowsOf) -> Intervals:
    """The instants in ``[lo, hi)`` whose wall clock in ``tz`` lies in a window."""
    found: list[float] = []
    t = lo
    while t < hi:
        start = next_in_windows(t, tz, windows_of, hi)
        if start is None:
            break
        end = min(open_run_end(start, tz, windows_of, hi), hi)
        found += (start, end)
        t = end
    return tuple(found)


def intersect(first: Intervals, second: Intervals) -> Intervals:
    """The instants open in both of two blocks' intervals."""
    found: list[float] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i], second[j])
        end = min(first[i + 1], second[j + 1])
        if start < end:
            found += (start, end)
        if first[i + 1] < second[j + 1]:
            i += 2
        else:
            j += 2
    return tuple(found)


class OpenTable:
    """The open instants of a set of daily windows, memoised block by block.

    Subclasses say how a block is built; the queries agree exactly with the searches they
    replace (:func:`next_in_windows`, :func:`open_run_end`) for instants of microsecond
    resolution, the only ones the library makes.
    """

    __slots__ = ("blocks", "skips")

    def __init__(self) -> None:
        self.blocks: dict[int, Intervals] = {}
        self.skips: dict[int, int] = {}

    def build(self, k: int) -> Intervals:  # pragma: no cover - every subclass has its own
        """The open intervals of block ``k``."""
        raise NotImplementedError

    def block(self, k: int) -> Intervals:
        """Block ``k``'s intervals, built once (a full memo is emptied first)."""
        found = self.blocks.get(k)
        if found is None:
            if len(self.blocks) >= BLOCKS_KEPT:
                self.blocks.clear()
            found = self.blocks[k] = self.build(k)
        return found

    def first_open(self, ts: float, horizon: float) -> float | None:
        """The first open instant at or after ``ts`` and before ``horizon`` (None if none)."""
        blocks = self.blocks
        k = int(ts // BLOCK)
        flat = blocks.get(k)
        if flat is None:
            flat = self.block(k)
        i = bisect.bisect_right(flat, ts)
        if i & 1:
            return ts if ts < horizon else None
        found = flat[i] if i < len(flat) else self._after(k, horizon, crossed=[] if flat else [k])
        return found if found is not None and found < horizon else None

    def _after(self, k: int, horizon: float, *, crossed: list[int]) -> float | None:
        """The first open instant after block ``k``, if one begins before ``horizon``.

        Runs of blocks with nothing open (months of them, for clocks far apart) are
        crossed in one step once crossed before: ``skips`` maps an empty block to the
        next block with anything open, a fact about the table alone.
        """
        blocks, skips = self.blocks, self.skips
        while True:
            k = skips.get(k, k + 1)
            if k * BLOCK >= horizon:
                return None
            flat = blocks.get(k)
            if flat is None:
                flat = self.block(k)
            if flat:
                if crossed:
                    if len(skips) >= BLOCKS_KEPT:
                        skips.clear()
                    skips.update(dict.fromkeys(crossed, k))
                return flat[0]
            crossed.append(k)

    def is_open(self, ts: float) -> bool:
        """Whether ``ts`` is open."""
        k = int(ts // BLOCK)
        flat = self.blocks.get(k)
        if flat is None:
            flat = self.block(k)
        return bool(bisect.bisect_right(flat, ts) & 1)

    def run_end(self, ts: float, limit: float) -> float:
        """When the open run containing ``ts`` ends (``ts`` if closed).

        Exact when the run ends by ``limit``; otherwise some instant from ``limit`` to the
        run's end.
        """
        k = int(ts // BLOCK)
        flat = self.block(k)
        i = bisect.bisect_right(flat, ts)
        if not i & 1:
            return ts
        end = flat[i]
        while end < limit and end == (k + 1) * BLOCK:
            k += 1
            flat = self.block(k)
            if not flat or flat[0] != end:
                break
            end = flat[1]
        return end


class TableMemo(dict[object, OpenTable]):
    """Tables kept on a value, keyed by what they are of; copied and pickled empty, since
    a memo is rebuilt wherever it is needed and its tables hold the functions they call."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[TableMemo], tuple[()]]:
        return (type(self), ())


class ReasonMemo(dict[float, str]):
    """Explanations kept on a value, by instant; copied and pickled empty."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[ReasonMemo], tuple[()]]:
        return (type(self), ())


_REASONS_KEPT: Final = 4096


class WindowsTable(OpenTable):
    """Memoised open instants of windows given per local day, in one timezone."""

    __slots__ = ("tz", "windows_of")

    def __init__(self, tz: dt.tzinfo, windows_of: WindowsOf) -> None:
        super().__init__()
        self.tz = tz
        self.windows_of = windows_of

    def build(self, k: int) -> Intervals:
        """The open intervals of block ``k``, by the direct search."""
        lo = float(k * BLOCK)
        return open_intervals(lo, lo + BLOCK, self.tz, self.windows_of)


class OverlapTable(OpenTable):
    """Memoised instants open in every one of several tables at once."""

    __slots__ = ("parts",)

    def __init__(self, parts: Sequence[OpenTable]) -> None:
        super().__init__()
        self.parts = tuple(parts)

    def build(self, k: int) -> Intervals:
        """Block ``k`` of every part, intersected."""
        found = self.parts[0].block(k)
        for part in self.parts[1:]:
            if not found:
                break
            found = intersect(found, part.block(k))
        return found


# ---------------------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------------------

_DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _day_indexes(key: object) -> list[int]:
    if isinstance(key, int) and not isinstance(key, bool) and 0 <= key < 7:
        return [key]
    if isinstance(key, str):
        text = key.strip().lower()
        first, sep, last = text.partition("-")
        names = [first[:3], last[:3]] if sep else [first[:3]]
        if all(name in _DAY_NAMES for name in names):
            start = _DAY_NAMES.index(names[0])
            end = _DAY_NAMES.index(names[-1])
            if start <= end:
                return list(range(start, end + 1))
    raise InvalidPolicyError(
        "Schedule.hours keys must be weekdays such as 'mon', 'mon-fri' or 0 (Monday) to 6"
        f" (got {describe(key)})"
    )


def _windows(value: object) -> tuple[Window, ...]:
    if value is None:
        return ()
    if isinstance(value, Window):
        return (value,)
    if isinstance(value, str):
        return tuple(Window.parse(part) for part in value.split(",") if part.strip())
    if isinstance(value, Iterable):
        found: list[Window] = []
        for item in value:
            found.extend(_windows(item))
        return tuple(found)
    raise PolicyTypeError(
        "Schedule.hours values must be a Window, 'HH:MM-HH:MM' text or a list of them"
        f" (got {describe(value)})"
    )


def _week(value: object) -> tuple[tuple[Window, ...], ...]:
    days: list[list[Window]] = [[] for _ in range(7)]
    if isinstance(value, Mapping):
        for key, spans in value.items():
            for index in _day_indexes(key):
                days[index].extend(_windows(spans))
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 7:
        for index, spans in enumerate(value):
            days[index].extend(_windows(spans))
    else:
        raise PolicyTypeError(
            "Schedule.hours must map weekdays to windows, e.g. {'mon-fri': '09:00-17:00'},"
            f" or list seven days' windows (got {describe(value)})"
        )
    week = []
    for index, windows in enumerate(days):
        ordered = sorted(windows, key=lambda w: w.start)
        for before, after in itertools.pairwise(ordered):
            if after.start < before.end:
                raise InvalidPolicyError(
                    f"Schedule.hours for {_DAY_NAMES[index]} has overlapping windows"
                    f" {before} and {after}"
                )
        week.append(tuple(ordered))
    if not any(week):
        raise InvalidPolicyError(
            "Schedule.hours has no opening at all: give at least one window on one weekday"
        )
    return tuple(week)


def _check_zone(value: object) -> str:
    if not isinstance(value, str):
        raise PolicyTypeError(
            f"Schedule.timezone must be an IANA timezone name (got {describe(value)})"
        )
    if zone_or_none(value) is None:
        raise InvalidPolicyError(
            "Schedule.timezone must be an IANA timezone name such as 'America/Chicago'"
            f" (got {describe(value)})"
        )
    return value


def _check_holidays(value: object) -> Container[dt.date] | None:
    if value is None:
        return None
    if not isinstance(value, Container):
        raise PolicyTypeError(
            "Schedule.holidays must support `date in holidays` (a set of dates or a"
            f" holidays.HolidayBase object) (got {describe(value)})"
        )
    if isinstance(value, (set, list, tuple)):
        for item in value:
            if not isinstance(item, dt.date) or isinstance(item, dt.datetime):
                raise PolicyTypeError(
                    f"Schedule.holidays must hold datetime.date values (got {describe(item)})"
                )
        return frozenset(value)
    return value


def aware_seconds(moment: object, what: str) -> float:
    """POSIX seconds of ``moment``, checked to be a timezone-aware datetime between the
    years 2 and 9998; ``what`` names it in the errors (``"now"``, ``"place() due"``).

    Raises:
        FactTypeError: not a datetime.
        InvalidFactError: a naive datetime (read in the machine's own zone, it would
            make an answer depend on where it runs), or one outside those years.
    """
    if not isinstance(moment, dt.datetime):
        raise FactTypeError(f"{what} must be a timezone-aware datetime (got {describe(moment)})")
    if moment.utcoffset() is None:
        raise InvalidFactError(
            f"{what} must be timezone-aware (got naive datetime {moment.isoformat(' ')})"
        )
    ts = moment.timestamp()
    if not EARLIEST <= ts <= LATEST:
        raise InvalidFactError(
            f"{what} must lie between the years 2 and 9998 (got {moment.isoformat(' ')})"
        )
    return ts


def _same_holidays(mine: Container[dt.date] | None, theirs: Container[dt.date] | None) -> bool:
    """Whether two holiday calendars are the same.  A ``holidays`` calendar loads a year
    when a date of it is first looked up, and compares its loaded years: two copies are
    compared after each has loaded the years either has."""
    if mine is theirs:
        return True
    loaded = getattr(mine, "years", None), getattr(theirs, "years", None)
    if type(mine) is type(theirs) and all(isinstance(years, set) for years in loaded):
        with _HOLIDAYS_LOCK:
            for year in sorted(set().union(*loaded)):  # type: ignore[arg-type]
                for calendar in (mine, theirs):
                    _ = dt.date(year, 1, 1) in calendar  # type: ignore[operator]
    return mine == theirs


_HOLIDAYS_LOCK: Final = threading.Lock()
"""Held while a holiday calendar is asked about a date (see :meth:`Schedule.holiday_name`)."""
_NOT_CACHED: Final = object()
_TABLES_KEPT: Final = 64
"""How many tables one schedule keeps (its own, and its overlaps with calling windows)."""
_ALL_DAY: Final = (Window(0, DAY),)


@attrs.frozen(kw_only=True)
class Schedule:
    """Staff business hours: weekly windows in one timezone, minus holidays.

    ``hours`` maps weekdays to windows (several a day allowed); ``holidays`` is anything
    that supports ``date in holidays``: a set of dates or a ``holidays`` package object.
    Each window is open from its start (included) to its end (excluded), local time.

    A set of dates is copied; a ``holidays`` object is kept as it is and asked as
    needed, and the answers are remembered.  Do not change it afterwards (with
    ``append()``, say): build a new schedule with the changed calendar instead.

    >>> import pendulum
    >>> office = Schedule(timezone="America/Chicago", hours={"mon-fri": "09:00-17:00"})
    >>> friday = pendulum.datetime(2026, 10, 30, 20, tz="UTC")   # Fri 15:00 CDT
    >>> office.add(friday, Business(hours=4)).in_timezone("UTC").isoformat()
    '2026-11-02T17:00:00+00:00'

    Raises:
        InvalidPolicyError: an unknown timezone, overlapping windows, or no opening at all.
        PolicyTypeError: a value of the wrong type.
    """

    timezone: str = attrs.field(converter=_check_zone)
    hours: tuple[tuple[Window, ...], ...] = attrs.field(converter=_week)
    holidays: Container[dt.date] | None = attrs.field(
        default=None,
        converter=_check_holidays,
        hash=False,
        eq=attrs.cmp_using(eq=_same_holidays),
    )
    _holiday_memo: dict[dt.date, Any] = attrs.field(
        init=False, factory=dict, eq=False, hash=False, repr=False
    )
    _tables: TableMemo = attrs.field(
        init=False, factory=TableMemo, eq=False, hash=False, repr=False
    )
    _closed_reasons: ReasonMemo = attrs.field(
        init=False, factory=ReasonMemo, eq=False, hash=False, repr=False
    )

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> Schedule:
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
        """The holiday's name if ``day`` is a holiday (``"holiday"`` when it has none)."""
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
            memo[day] = found
        return found  # type: ignore[no-any-return]

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
            if len(self._tables) >= _TABLES_KEPT:
                self._tables.clear()
            table = self._tables[key] = make()
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
            today = day = dt.datetime.fromtimestamp(t, tz).date()
            for _ in range(duration.days):
                for _ in range(1, SEARCH_DAYS):
                    day += _ONE_DAY
                    if self._open_windows(day):
                        break
            t = self.next_open_ts(add_local_days(t, (day - today).days, tz))
        remaining = duration.seconds
        table = self.open_table()
        while remaining > 0:
            end = table.run_end(t, t + remaining)
            if t + remaining <= end:
                return t + remaining
            remaining -= end - t
            t = self.next_open_ts(end)
        return t

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
            if len(memo) >= _REASONS_KEPT:
                memo.clear()
            found = memo[ts] = self._describe_closed(ts)
        return found

    def _describe_closed(self, ts: float) -> str:
        tz = zone(self.timezone)
        local = dt.datetime.fromtimestamp(ts, tz)
        name = self.holiday_name(local.date()) if self.holidays is not None else None
        when = clock_label(self.next_open_ts(ts), tz, weekday=True)
        if name is not None:
            return f"holiday: {name}; staff open again {when}"
        return f"staff hours closed in {self.timezone} until {when}"

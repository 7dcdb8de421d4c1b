"""The open instants of daily windows: direct searches across offset changes, and the
memoised interval tables that replace them on the hot path.

Theory of operation
-------------------

Whether a window is open at an instant is decided by its local wall-clock reading, so the
searches here walk pieces of constant UTC offset (see the comment above
:func:`next_in_windows`).  Every search is bounded by a horizon, so a window set that never
opens is an answer (None), not a hang.

Placement asks the same few window sets (a calling window in a zone, a staff schedule) the
same questions millions of times, so their open instants are memoised as tables of
intervals, block by block of eight days (:class:`OpenTable`): the next opening and the end
of an open run then cost a bisection instead of a search.  A block depends only on the
window set and its place in time, so answers never depend on what was asked before; the
direct searches stay available as the reference the tables are tested against.

Imports: ``_memo``, ``_time.zones``, ``_time.window``, ``_time.calendar``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Final

from extramile._memo import cache, keep
from extramile._time.calendar import clock_of
from extramile._time.window import Window
from extramile._time.zones import DAY

__all__ = [
    "BLOCK",
    "BLOCKS_KEPT",
    "FlatTable",
    "Intervals",
    "OpenTable",
    "OverlapTable",
    "WindowsOf",
    "WindowsTable",
    "intersect",
    "next_in_windows",
    "open_intervals",
    "open_run_end",
]

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
        clock = clock_of(local)
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
        self.blocks: dict[int, Intervals] = cache()
        self.skips: dict[int, int] = cache()

    def build(self, k: int) -> Intervals:  # pragma: no cover - every subclass has its own
        """The open intervals of block ``k``."""
        raise NotImplementedError

    def block(self, k: int) -> Intervals:
        """Block ``k``'s intervals, built once (a full memo is emptied first)."""
        found = self.blocks.get(k)
        if found is None:
            found = keep(self.blocks, k, self.build(k), BLOCKS_KEPT)
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
                for empty in crossed:
                    keep(skips, empty, k, BLOCKS_KEPT)
                return flat[0]
            crossed.append(k)

    def is_open(self, ts: float) -> bool:
        """Whether ``ts`` is open."""
        k = int(ts // BLOCK)
        flat = self.blocks.get(k)
        if flat is None:
            flat = self.block(k)
        return bool(bisect.bisect_right(flat, ts) & 1)

    def last_end(self, ts: float, floor: float) -> float | None:
        """``ts`` if it is open, else when the last open run before it ended; None if no
        run ends after ``floor`` (the search looks no further back)."""
        k = int(ts // BLOCK)
        flat = self.blocks.get(k)
        if flat is None:
            flat = self.block(k)
        i = bisect.bisect_right(flat, ts)
        if i & 1:
            return ts
        while not i:
            # nothing ended in this block by ts: the block before (a run ending at the
            # edge between them ended there, since this block opens later or not at all)
            k -= 1
            if (k + 1) * BLOCK <= floor:
                return None
            flat = self.block(k)
            i = len(flat)
        end = flat[i - 1]
        return end if end > floor else None

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
# One flat list of boundaries
#
# Placement asks one question of the set of instants a call may go at (the calling window
# open in every zone of the customer and staff open): the first open instant at or after
# t.  A :class:`FlatTable` keeps that set's boundaries over a span of time as one sorted
# list, built from the blocks of its :class:`OpenTable` and joined across their edges, so
# the answer is one bisection.  The span is extended a month at a time when a search runs
# past its end, grown back to the block of a search that starts before it (by up to a year:
# a plan asks about due times across months, and a reset for each would rebuild the list
# for every customer), and started afresh at a block of its own when a search starts
# further away or the list grows long; either way it holds the same boundaries the blocks
# do, so answers
# never depend on what was asked before.  The span and its list are replaced together, as
# one tuple, and never changed in place: a reader in another thread sees one or the other.
# ---------------------------------------------------------------------------------------

SPAN_BLOCKS: Final = 4
"""Blocks a flat table's span grows by when a search runs past its end (32 days)."""
FLAT_KEPT: Final = 8192
"""Boundaries a flat table keeps before it starts afresh (years of daily windows)."""
FLAT_REACH: Final = 46 * BLOCK
"""How far (about a year) before or after its span a search may start and the span grow
to it, rather than start afresh."""


class FlatTable:
    """The open instants of an :class:`OpenTable` over a span, as one flat sorted list of
    boundaries ``[start0, end0, start1, end1, ...]`` (a run across blocks is one interval).

    >>> import zoneinfo
    >>> from extramile._time.window import Window
    >>> days = (Window.parse("09:00-17:00"),)
    >>> flat = FlatTable(WindowsTable(zoneinfo.ZoneInfo("UTC"), lambda _day: days))
    >>> monday = 1_772_409_600.0  # 2026-03-02 00:00 UTC
    >>> flat.next_open(monday, monday + DAY) - monday, flat.next_open(monday + 10 * 3600, 1e12)
    (32400.0, 1772445600.0)
    >>> flat.is_open(monday + 20 * 3600)
    False
    """

    __slots__ = ("source", "state")

    def __init__(self, source: OpenTable) -> None:
        self.source = source
        self.state: tuple[float, float, list[float]] = (0.0, 0.0, [])
        """The span ``[lo, hi)`` covered (block edges) and its boundaries."""

    def next_open(self, ts: float, horizon: float) -> float | None:
        """The first open instant at or after ``ts`` and before ``horizon`` (None if none)."""
        lo, hi, bounds = self.state
        if lo <= ts < hi:
            i = bisect.bisect_right(bounds, ts)
            if i & 1:
                return ts if ts < horizon else None
            if i < len(bounds):
                found = bounds[i]
                return found if found < horizon else None
        return self._next_open(ts, horizon)

    def is_open(self, ts: float) -> bool:
        """Whether ``ts`` is open."""
        return self.next_open(ts, ts + 1) == ts

    def _next_open(self, ts: float, horizon: float) -> float | None:
        """:meth:`next_open` past the span (or before it): the span is extended until it
        answers, or started afresh at ``ts``'s block."""
        lo, hi, bounds = self.state
        if lo == hi or not lo - FLAT_REACH <= ts <= hi + FLAT_REACH or len(bounds) > FLAT_KEPT:
            lo = hi = float(int(ts // BLOCK) * BLOCK)
            bounds = []
        elif ts < lo:
            lo, bounds = self._extend_back(lo, ts, bounds)
        while True:
            i = bisect.bisect_right(bounds, ts)
            if i & 1:
                found: float | None = ts
                break
            if i < len(bounds):
                found = bounds[i]
                break
            if hi >= horizon:
                found = None
                break
            hi, bounds = self._extend(hi, bounds)
        self.state = (lo, hi, bounds)
        return found if found is not None and found < horizon else None

    def _extend_back(self, lo: float, ts: float, bounds: list[float]) -> tuple[float, list[float]]:
        """The span from ``lo`` grown back to ``ts``'s block: a new list."""
        first = int(ts // BLOCK)
        grown: list[float] = []
        for k in range(first, int(lo // BLOCK)):
            flat = self.source.block(k)
            if flat:
                if grown and grown[-1] == flat[0]:
                    grown[-1:] = flat[1:]
                else:
                    grown += flat
        if grown and bounds and grown[-1] == bounds[0]:
            grown[-1:] = bounds[1:]  # a run across the old edge: one interval
        else:
            grown += bounds
        return float(first * BLOCK), grown

    def _extend(self, hi: float, bounds: list[float]) -> tuple[float, list[float]]:
        """The span from ``hi`` on grown by :data:`SPAN_BLOCKS` blocks: a new list."""
        grown = list(bounds)
        first = int(hi // BLOCK)
        for k in range(first, first + SPAN_BLOCKS):
            flat = self.source.block(k)
            if flat:
                if grown and grown[-1] == flat[0]:
                    grown[-1:] = flat[1:]  # a run across the edge: one interval
                else:
                    grown += flat
        return float((first + SPAN_BLOCKS) * BLOCK), grown

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

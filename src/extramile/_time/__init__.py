"""Time: zones and instants, daily windows, the three durations, open-interval tables, and
staff schedules.

The face of the package for the rest of the library; its modules import one another
directly, in this order (each only from those above it):

* ``zones`` -- timezones, instants as POSIX seconds, the pooled pendulum results;
* ``window`` -- a daily window of local wall-clock time;
* ``durations`` -- :class:`Elapsed`, :class:`Local`, :class:`Business`;
* ``calendar`` -- local-calendar arithmetic on POSIX seconds;
* ``intervals`` -- searches for open instants, and their memoised interval tables;
* ``weekly`` -- windows per weekday: their mapping, and :class:`WeeklyWindow`;
* ``schedule`` -- :class:`Schedule`, staff hours minus holidays, and business time.

Imports: ``_memo``, ``errors`` (and pendulum, with zones from tzdata).
"""

from __future__ import annotations

from extramile._time.calendar import (
    add_local_days,
    aware_seconds,
    clock_label,
    local_date,
    local_day_start,
    wall_to_ts,
)
from extramile._time.durations import Business, Duration, Elapsed, Local, relative
from extramile._time.intervals import (
    FlatTable,
    OpenTable,
    OverlapTable,
    WindowsOf,
    WindowsTable,
    next_in_windows,
    open_run_end,
)
from extramile._time.schedule import SEARCH_DAYS, Schedule
from extramile._time.weekly import CallingWindow, WeeklyWindow, as_calling_window, week_of
from extramile._time.window import Window, format_clock, parse_clock
from extramile._time.zones import (
    DAY,
    EARLIEST,
    FIRST_DAY,
    LAST_DAY,
    LATEST,
    UTC,
    ZoneName,
    from_ts,
    instant,
    known_zone,
    pooled,
    tz_version,
    zone,
    zone_key,
    zone_or_none,
)

__all__ = [
    "DAY",
    "EARLIEST",
    "FIRST_DAY",
    "LAST_DAY",
    "LATEST",
    "SEARCH_DAYS",
    "UTC",
    "Business",
    "CallingWindow",
    "Duration",
    "Elapsed",
    "FlatTable",
    "Local",
    "OpenTable",
    "OverlapTable",
    "Schedule",
    "WeeklyWindow",
    "Window",
    "WindowsOf",
    "WindowsTable",
    "ZoneName",
    "add_local_days",
    "as_calling_window",
    "aware_seconds",
    "clock_label",
    "format_clock",
    "from_ts",
    "instant",
    "known_zone",
    "local_date",
    "local_day_start",
    "next_in_windows",
    "open_run_end",
    "parse_clock",
    "pooled",
    "relative",
    "tz_version",
    "wall_to_ts",
    "week_of",
    "zone",
    "zone_key",
    "zone_or_none",
]

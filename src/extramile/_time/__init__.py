"""Time: zones and instants, daily windows, the three durations, open-interval tables, and
staff schedules.

The face of the package for the rest of the library; its modules import one another
directly.  Imports: ``_memo``, ``errors`` (and pendulum, with zones from tzdata).
"""

from __future__ import annotations

from extramile._time.core import (
    DAY,
    SEARCH_DAYS,
    Business,
    Duration,
    Elapsed,
    Local,
    OpenTable,
    OverlapTable,
    Schedule,
    WindowsTable,
    add_local_days,
    aware_seconds,
    clock_label,
    local_date,
    local_day_start,
    next_in_windows,
    open_run_end,
    wall_to_ts,
)
from extramile._time.window import Window, format_clock, parse_clock
from extramile._time.zones import (
    EARLIEST,
    FIRST_DAY,
    LAST_DAY,
    LATEST,
    UTC,
    from_ts,
    instant,
    known_zone,
    pooled,
    zone,
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
    "Duration",
    "Elapsed",
    "Local",
    "OpenTable",
    "OverlapTable",
    "Schedule",
    "Window",
    "WindowsTable",
    "add_local_days",
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
    "wall_to_ts",
    "zone",
    "zone_or_none",
]

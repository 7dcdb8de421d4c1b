"""Hypothesis strategies over civil timezones, shared by the time and placement properties.

Daylight-saving changes are where time handling breaks, so these know where each zone's
offset changes lie, and the property tests steer instants towards them.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import io
import zoneinfo

from hypothesis import strategies as st

from extramile._time.zones import known_zone

QUARTER = 900
DAY = 86_400
FIRST = int(dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc).timestamp())
LAST = int(dt.datetime(2040, 1, 1, tzinfo=dt.timezone.utc).timestamp())


def civil(key: str) -> bool:
    """Whether ``key`` names a civil timezone extramile knows.

    The ``right/`` copies of the database count leap seconds into their offsets: their
    clocks are not civil time.
    """
    return known_zone(key) and not key.startswith("right/")


@functools.cache
def oracle_zone(zone: str) -> zoneinfo.ZoneInfo:
    """The standard library's reading of ``zone`` from the ``tzdata`` package: the
    oracle the library's times are checked against (``zoneinfo.ZoneInfo(zone)`` would
    prefer the machine's own files, whose rules may be older)."""
    data = importlib.resources.files("tzdata").joinpath("zoneinfo", *zone.split("/"))
    return zoneinfo.ZoneInfo.from_file(io.BytesIO(data.read_bytes()), key=zone)


zone_names = st.sampled_from(sorted(zoneinfo.available_timezones())).filter(civil)
"""Every civil timezone name (the list is read once: reading it walks the disk)."""

instants = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2040, 1, 1),
    timezones=st.timezones(),
).map(lambda moment: moment.replace(microsecond=0))
"""Whole-second instants from 2000 to 2040 written in any timezone; Hypothesis steers
some of them to that zone's offset changes."""


def zone_of(draw: st.DrawFn, moment: dt.datetime) -> str:
    """The zone ``moment`` is written in, or (half the time, or if not civil) any zone."""
    key = getattr(moment.tzinfo, "key", None)
    if isinstance(key, str) and civil(key) and draw(st.booleans()):
        return key
    return draw(zone_names)


@functools.cache
def offset_changes(zone: str) -> tuple[int, ...]:
    """The POSIX seconds at which ``zone`` changes its UTC offset, from 2000 to 2040.

    Scanned six days at a time (changes lie further apart) and bisected to the second.
    """
    tz = oracle_zone(zone)

    def offset(ts: int) -> dt.timedelta | None:
        return dt.datetime.fromtimestamp(ts, tz).utcoffset()

    found = []
    t, before = FIRST, offset(FIRST)
    while t < LAST:
        step = t + 6 * DAY
        after = offset(step)
        if after != before:
            lo, hi = t, step
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if offset(mid) == before else (lo, mid)
            found.append(hi)
        t, before = step, after
    return tuple(found)

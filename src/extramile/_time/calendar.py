"""Local-calendar arithmetic on POSIX seconds: wall-clock times, days and dates in a zone.

Inside the library an instant is a float of POSIX seconds; local wall-clock values are
computed with the standard library (about a microsecond), never with pendulum.  The day
starts, local dates and local days added the engine asks for over and over are kept in
bounded, pure memos.

Imports: ``_memo``, ``_time.zones``, ``_time.window``, ``errors``.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from extramile._memo import Memo, cache, keep
from extramile._time.window import format_clock
from extramile._time.zones import DAY, EARLIEST, LATEST
from extramile.errors import FactTypeError, InvalidFactError, describe

__all__ = [
    "add_local_days",
    "aware_seconds",
    "clock_label",
    "clock_of",
    "local_date",
    "local_day_start",
    "wall_to_ts",
]


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


def clock_of(local: dt.datetime) -> float:
    """Seconds since local midnight of a local datetime's wall clock."""
    return local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6


def add_local_days(ts: float, days: int, tz: dt.tzinfo, local: dt.datetime | None = None) -> float:
    """``ts`` moved by ``days`` calendar days in ``tz``, keeping the wall-clock time
    (``local``: ``ts`` in ``tz``, when the caller has it already).

    >>> from extramile._time.zones import zone
    >>> start = dt.datetime(2026, 3, 6, 15, tzinfo=dt.timezone.utc).timestamp()
    >>> later = add_local_days(start, 7, zone("America/New_York"))
    >>> dt.datetime.fromtimestamp(later, dt.timezone.utc).isoformat()
    '2026-03-13T14:00:00+00:00'

    An instant of whole seconds (the engine's are mostly: deadlines, openings, bill
    dates) is its own answer for no days, and the answers for the others are kept in a
    bounded, pure memo: the same deadlines and openings come back over a whole book.
    """
    ts = float(ts)  # an int has no is_integer() before Python 3.12
    if ts.is_integer():
        if not days:
            # The local wall-clock time of an instant, read back with its fold, is that
            # instant: exactly, for whole seconds (+ 0.0: as a positive zero, as read back).
            return ts + 0.0
        # By the zone's identity (a zone's own hash is a Python call), the zone kept
        # beside the answer: only that zone is answered.
        key = (ts, days, id(tz))
        found = _SHIFTED.get(key)
        if found is not None and found[1] is tz:
            return found[0]
        answer = _add_local_days(ts, days, tz, local)
        keep(_SHIFTED, key, (answer, tz), _SHIFTED_KEPT)
        return answer
    return _add_local_days(ts, days, tz, local)


_SHIFTED: Final[dict[tuple[float, int, int], tuple[float, dt.tzinfo]]] = cache("local days added")
_SHIFTED_KEPT: Final = 4096


def _add_local_days(ts: float, days: int, tz: dt.tzinfo, local: dt.datetime | None) -> float:
    """:func:`add_local_days`, worked out."""
    if local is None:
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
    return wall_to_ts(day, clock_of(local), tz, fold=local.fold if days == 0 else 0)


def local_day_start(day: dt.date, tz: dt.tzinfo) -> float:
    """POSIX seconds of the first instant of ``day`` in ``tz``.

    The engine asks this for the same few hundred days (anniversaries, bill dates) over a
    whole book, so answers are kept in a bounded, pure memo.
    """
    return _DAY_STARTS[day, tz]


_DAY_STARTS: Final[Memo[tuple[dt.date, dt.tzinfo], float]] = Memo(
    lambda key: wall_to_ts(key[0], 0, key[1]), 8192, name="day starts"
)


def local_date(ts: float, tz: dt.tzinfo) -> dt.date:
    """The local date of ``ts`` in ``tz``.

    The engine asks this for one ``now`` and a handful of zones over and over, so answers
    are kept in a bounded, pure memo.
    """
    return _LOCAL_DATES[ts, tz]


_LOCAL_DATES: Final[Memo[tuple[float, dt.tzinfo], dt.date]] = Memo(
    lambda key: dt.datetime.fromtimestamp(*key).date(), 512, name="local dates"
)


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

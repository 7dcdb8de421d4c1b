"""Timezones and instants: the cheap conversions the hot path relies on.

Inside the library an instant is a float of POSIX seconds ("ts"). pendulum values are
made only at the edges, for what is returned to users.  Zone look-ups are cached: loading
a zone costs tens of microseconds, a dictionary hit a few dozen nanoseconds.  Also the
bounds of time the library works between, and the names zones are given by (an IANA
name, or a ``zoneinfo.ZoneInfo`` standing for one).

Every zone is read from the ``tzdata`` package the library declares, never from the
machine's own zone files: ``zoneinfo`` (and ``pendulum.timezone``, which uses it) prefers
those, so two machines built from different images would place the same call at
different times.  Reading that package is the one read of the core.  The version of the
zone database in use is :func:`tz_version`.

Imports: ``_memo``, ``errors`` (and pendulum, with zones from tzdata).
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import io
from collections.abc import Callable
from typing import Any, Final, SupportsIndex, TypeVar
from zoneinfo import ZoneInfo

import pendulum
import tzdata
from pendulum.tz.timezone import Timezone

from extramile._memo import Memo, cache, keep
from extramile.errors import InvalidPolicyError

__all__ = [
    "DAY",
    "EARLIEST",
    "FIRST_DAY",
    "LAST_DAY",
    "LATEST",
    "UTC",
    "DateTime",
    "TzdataZone",
    "ZoneName",
    "from_ts",
    "instant",
    "known_zone",
    "pooled",
    "tz_version",
    "zone",
    "zone_key",
    "zone_or_none",
]

_V = TypeVar("_V")

DAY: Final = 86_400
"""Seconds of a day of elapsed time (a local calendar day may be longer or shorter)."""
_ZONES_KEPT: Final = 4096
"""More than the zone database has names: real zones are never dropped in practice."""
_ZONES: Final[dict[str, Timezone]] = cache("zones")
_NAMES: Final[dict[str, None]] = cache("zone names")
"""The names the ``tzdata`` package lists, read once (emptied, read again)."""
# A name in the database that is not civil time: it stands for no place's clocks.
_MACHINE: Final = frozenset({"localtime", "posixrules", "Factory"})


def tz_version() -> str:
    """The version of the IANA zone database every zone is read from: the ``tzdata``
    package's (``IANA_VERSION``), such as ``"2026f"``.

    Machines that plan parts of one book must use the same version to give the answer
    of one machine; :meth:`Agenda.merge` refuses agendas made with different ones.

    >>> import tzdata
    >>> tz_version() == tzdata.IANA_VERSION
    True
    """
    version: str = tzdata.IANA_VERSION
    return version


class TzdataZone(Timezone):
    """A pendulum ``Timezone`` whose rules were read from the ``tzdata`` package.

    It equals (and hashes as) any pendulum zone of its name, prints as one, and pickles
    and copies as its name, which the process that reads it loads from its own
    ``tzdata`` package, as this one did.  Made only by :func:`zone_or_none`: given a
    name directly, it is that function's zone.
    """

    def __new__(cls, key: str) -> TzdataZone:
        found = zone_or_none(key)
        if found is None or not isinstance(found, TzdataZone):
            raise KeyError(key)
        return found

    def __reduce__(self) -> tuple[Any, ...]:
        return _tzdata_zone, (self.key,)

    def __repr__(self) -> str:
        return f"Timezone({self.key!r})"


def _tzdata_zone(name: str) -> Timezone:
    """The zone called ``name``, for a zone being unpickled."""
    return zone(name)


def _names() -> dict[str, None]:
    if not _NAMES:
        text = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
        _NAMES.update(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
    return _NAMES


def _load(name: str) -> TzdataZone | None:
    """The zone called ``name``, read from the ``tzdata`` package (the caller knows the
    package lists the name)."""
    resource = importlib.resources.files("tzdata").joinpath("zoneinfo")
    for part in name.split("/"):
        resource = resource.joinpath(part)
    try:
        data = resource.read_bytes()
        return TzdataZone.from_file(io.BytesIO(data), key=name)
    except (OSError, ValueError):  # a damaged installation: no such zone
        return None


def zone_or_none(name: str) -> Timezone | None:
    """Return the IANA zone called ``name``, or None when there is no such zone.

    Its rules come from the ``tzdata`` package, whatever the machine's own zone files say.

    >>> zone_or_none("Europe/Paris") is not None, zone_or_none("Mars/Olympus")
    (True, None)
    >>> zone_or_none("right/UTC"), zone_or_none("localtime")
    (None, None)
    """
    found = _ZONES.get(name)
    if found is not None:
        return found
    if not isinstance(name, str) or not name:
        return None
    if name.lower() == "utc":
        found = _load("UTC")  # in any case, as pendulum.timezone() takes it
    elif name not in _MACHINE and name in _names():
        found = _load(name)
    if found is None:
        return None  # not cached: only real zones are, so bad input cannot grow the cache
    return keep(_ZONES, name, found, _ZONES_KEPT)


def _utc() -> Timezone:
    found = zone_or_none("UTC")
    if found is None:  # pragma: no cover - every tzdata package has it
        raise ImportError("the tzdata package has no zone UTC: reinstall it")
    return found


UTC: Final = _utc()
"""UTC, read from the ``tzdata`` package like any zone (``pendulum.UTC`` is read from the
machine's own files)."""


ZoneName = str | ZoneInfo
"""How a zone is given: an IANA name, or a ``zoneinfo.ZoneInfo`` (pendulum's zones are
ones), which stands for its name."""


def zone_key(
    value: ZoneInfo, where: str, error: Callable[[str], Exception] = InvalidPolicyError
) -> str:
    """The name ``value`` stands for: its ``key``, which is then looked up like any name
    (from the ``tzdata`` package, never from the machine's own files).

    >>> from zoneinfo import ZoneInfo
    >>> zone_key(ZoneInfo("Europe/Paris"), "Schedule.timezone")
    'Europe/Paris'

    Raises:
        InvalidPolicyError: (or ``error``) the zone has no key, as one read from a file by
            ``ZoneInfo.from_file()``: its rules could not be found again by name.
    """
    key = value.key
    if not isinstance(key, str):
        raise error(
            f"{where} must be an IANA timezone name, or a ZoneInfo made from one such as"
            " ZoneInfo('Europe/Paris') (got a ZoneInfo without a key, as"
            " ZoneInfo.from_file() makes; give its IANA name instead)"
        )
    return key


def known_zone(name: str) -> bool:
    """Tell whether ``name`` is an IANA timezone name the ``tzdata`` package knows."""
    return zone_or_none(name) is not None


def zone(name: str) -> Timezone:
    """Return the IANA zone called ``name`` (the caller has validated it)."""
    found = zone_or_none(name)
    if found is None:
        raise KeyError(name)
    return found


def from_ts(ts: float, tz: dt.tzinfo = UTC) -> pendulum.DateTime:
    """A pendulum DateTime for the instant ``ts`` in ``tz`` (made only for results).

    DateTimes are immutable, and the calls of a book share few instants (the staff's
    opening, a bill date), so one object is made for each instant and zone and handed
    out again: an agenda of many calls keeps far fewer of them.  The pool is bounded.
    """
    # By the zone's identity: zones that compare equal may print otherwise (two fixed
    # offsets of one offset and two names).  A kept DateTime holds its zone, so the id
    # of a zone in the pool is never another zone's.
    key = (ts, id(tz))
    found = _MADE.get(key)
    if found is None:
        found = keep(_MADE, key, _datetime(ts, tz), _MADE_MAX)
    return found


class DateTime(pendulum.DateTime):
    """pendulum's ``DateTime``, as the library makes them for its results, keeping its
    ``fold`` when pickled or copied.

    pendulum's own ``DateTime`` pickles and copies without ``fold``, so 01:30 EST on the
    night clocks go back came back as 01:30 EDT, an hour earlier: a decision sent to
    another process would move its calls.  In every other way it is pendulum's.
    """

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        fields = (self.year, self.month, self.day, self.hour, self.minute, self.second)
        return _restore, (*fields, self.microsecond, self.tzinfo, self.fold)

    def __reduce__(self) -> tuple[Any, ...]:
        return self.__reduce_ex__(2)


def _restore(  # noqa: PLR0917  # the fields of a pickled DateTime
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int,
    second: int,
    microsecond: int,
    tzinfo: dt.tzinfo | None,
    fold: int,
) -> DateTime:
    return DateTime(year, month, day, hour, minute, second, microsecond, tzinfo=tzinfo, fold=fold)


def _datetime(ts: float, tz: dt.tzinfo) -> pendulum.DateTime:
    # pendulum.from_timestamp costs about 10 us; building the DateTime from the standard
    # library's conversion costs about 3 us and gives the same value.
    d = dt.datetime.fromtimestamp(ts, tz)
    return DateTime(
        d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, tzinfo=tz, fold=d.fold
    )


def instant(at: dt.datetime | None) -> dt.timedelta | dt.datetime | None:
    """The exact instant of ``at``, to compare results and facts by (None stays None).

    Python compares two datetimes of one zone by their clocks, ignoring ``fold``, so
    01:30 EDT and 01:30 EST on the night clocks go back compare equal; and two of one
    instant in different zones compare unequal when one is ambiguous or imaginary in its
    zone (PEP 495).  The standard library's subtraction is called directly: pendulum's
    costs microseconds and returns its own type.
    """
    if at is None:
        return None
    if at.tzinfo is None:
        return at  # naive (a hand-made result): compared as it is
    return dt.datetime.__sub__(at, _EPOCH)


_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


EARLIEST: Final = dt.datetime(2, 1, 1, tzinfo=dt.timezone.utc).timestamp()
LATEST: Final = dt.datetime(9998, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc).timestamp()
"""The instants the library works between: dates a few days either side of them can
still be written, in any zone (the years 2 to 9998)."""
FIRST_DAY: Final = dt.date(2, 1, 1)
LAST_DAY: Final = dt.date(9998, 12, 31)
"""The days the library works between (dates of facts, such as a bill date)."""
_MADE_MAX: Final = 1 << 15
_MADE: Final[dict[tuple[float, int], pendulum.DateTime]] = cache("datetimes")


def pooled(value: _V) -> _V:
    """One shared copy of an immutable value equal to ``value`` (tuples of names, say):
    results that repeat across a book are kept once.  The pool is bounded."""
    found: _V = _POOL[value]
    return found


_POOL: Final[Memo[Any, Any]] = Memo(lambda value: value, _MADE_MAX, name="pooled values")

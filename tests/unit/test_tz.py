"""Unit tests of ``extramile._time.zones``: zone look-ups, and the bounded pools that let an agenda
of many calls share its datetimes and repeated values."""

from __future__ import annotations

import copy
import datetime as dt
import pickle

import pendulum
import pytest

from extramile._memo import clear_all, sizes
from extramile._time.zones import _MADE, _MADE_MAX, _POOL, UTC, from_ts, pooled, zone, zone_or_none

NEW_YORK = zone("America/New_York")
INSTANT = dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.timezone.utc).timestamp()  # 01:30 EDT


class TestFromTs:
    def test_the_value_is_the_instant_in_the_zone(self) -> None:
        """01:30 EDT on the fall-back day: the first pass of the repeated hour (fold 0)."""
        made = from_ts(INSTANT, NEW_YORK)
        assert (True, "2026-11-01T01:30:00-04:00", 0, INSTANT) == (
            isinstance(made, pendulum.DateTime),
            made.isoformat(),
            made.fold,
            made.timestamp(),
        )

    def test_one_object_per_instant_and_zone(self) -> None:
        """The same instant in the same zone is one shared object; in another zone, another
        (the same instant, written in its own zone)."""
        first, again, utc = from_ts(INSTANT, NEW_YORK), from_ts(INSTANT, NEW_YORK), from_ts(INSTANT)
        assert (True, False, True, "+00:00") == (
            first is again,
            first is utc,
            first.timestamp() == utc.timestamp(),
            utc.isoformat()[-6:],
        )

    def test_the_pool_is_bounded(self) -> None:
        """However many instants are asked for, the pool never holds more than its bound."""
        made = [from_ts(INSTANT + n, UTC) for n in range(_MADE_MAX + 10)]
        assert (True, INSTANT + _MADE_MAX + 9) == (
            len(_MADE) <= _MADE_MAX,
            made[-1].timestamp(),
        )

    def test_any_tzinfo_will_do(self) -> None:
        """A standard-library fixed offset gives the instant written at that offset."""
        made = from_ts(INSTANT, dt.timezone(dt.timedelta(hours=-4)))
        assert ("2026-11-01T01:30:00-04:00", INSTANT) == (made.isoformat(), made.timestamp())

    @pytest.mark.parametrize(
        "again",
        [
            *(
                lambda value, p=protocol: pickle.loads(pickle.dumps(value, protocol=p))
                for protocol in range(pickle.HIGHEST_PROTOCOL + 1)
            ),
            copy.copy,
            copy.deepcopy,
        ],
    )
    def test_pickled_or_copied_it_keeps_its_fold(self, again: object) -> None:
        """01:30 EST, the second pass of the repeated hour, is still 01:30 EST when pickled
        or copied (pendulum's own DateTime comes back as 01:30 EDT, an hour earlier)."""
        later = INSTANT + 3600
        made = from_ts(later, NEW_YORK)
        back = again(made)  # type: ignore[operator]
        assert (1, later, "2026-11-01T01:30:00-05:00", repr(made)) == (
            back.fold,
            back.timestamp(),
            back.isoformat(),
            repr(back),
        )


class TestPooled:
    def test_equal_values_are_shared(self) -> None:
        """Two equal tuples built apart come back as one object."""
        names = ["call-back", "check-in"]
        first, second = pooled(tuple(names)), pooled(tuple(names))
        assert (True, ("call-back", "check-in")) == (first is second, first)

    def test_the_pool_is_bounded(self) -> None:
        """The pool of values never holds more than its bound."""
        for n in range(_POOL.bound + 10):
            pooled((f"rule-{n}",))
        assert len(_POOL) <= _POOL.bound


class TestZoneCache:
    def test_zones_are_cached_under_their_name(self) -> None:
        """A zone looked up is kept in the registered cache "zones"; emptied, the cache
        fills again and the zone answers alike."""
        before = zone("Asia/Tokyo").utcoffset(dt.datetime(2026, 1, 1))
        kept = sizes()["zones"]
        clear_all()
        emptied = sizes()["zones"]
        again = zone_or_none("Asia/Tokyo")
        assert (True, 0, 1, before) == (
            kept >= 1,
            emptied,
            sizes()["zones"],
            again.utcoffset(dt.datetime(2026, 1, 1)) if again is not None else None,
        )

    def test_names_that_are_not_zones_are_not_kept(self) -> None:
        """A bad name is answered None and leaves the cache as it was."""
        clear_all()
        assert (None, 0) == (zone_or_none("Mars/Olympus"), sizes()["zones"])

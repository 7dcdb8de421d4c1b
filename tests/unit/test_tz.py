"""Unit tests of ``extramile._time.zones``: zone look-ups from the ``tzdata`` package, and the
bounded pools that let an agenda of many calls share its datetimes and repeated values."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.resources
import io
import pickle
import re
from zoneinfo import ZoneInfo

import pendulum
import pytest
import tzdata
from pendulum.tz.timezone import Timezone

import extramile
from extramile import Customer, Interaction, evaluate, starter_policy
from extramile._memo import clear_all, sizes
from extramile._time.zones import (
    _MADE,
    _MADE_MAX,
    _POOL,
    UTC,
    TzdataZone,
    from_ts,
    pooled,
    zone,
    zone_or_none,
)

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


def tzdata_rules(name: str) -> ZoneInfo:
    """The standard library's reading of ``name`` from the ``tzdata`` package."""
    data = importlib.resources.files("tzdata").joinpath("zoneinfo", *name.split("/"))
    return ZoneInfo.from_file(io.BytesIO(data.read_bytes()), key=name)


class TestZonesComeFromTzdata:
    """Every zone is read from the ``tzdata`` package, never from the machine's files."""

    @pytest.mark.parametrize(
        "name", ["America/Vancouver", "America/Havana", "Africa/Casablanca", "Europe/Paris", "UTC"]
    )
    def test_the_rules_are_the_packages(self, name: str) -> None:
        """The offsets, on the hour through 2026 and 2027, are those of the package's file
        for the name (Vancouver keeps UTC-07:00 from November 2026 in 2026f)."""
        tz, rules = zone(name), tzdata_rules(name)
        start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).timestamp()
        hours = [start + 3600 * n for n in range(0, 2 * 365 * 24, 7)]
        assert [dt.datetime.fromtimestamp(ts, rules).utcoffset() for ts in hours] == [
            dt.datetime.fromtimestamp(ts, tz).utcoffset() for ts in hours
        ]

    def test_utc_too(self) -> None:
        """UTC is the package's zone like any other (``pendulum.UTC`` is the machine's),
        and any spelling of its name finds it."""
        assert (True, "UTC", UTC, UTC) == (
            isinstance(UTC, TzdataZone),
            UTC.key,
            zone_or_none("utc"),
            zone_or_none("Utc"),
        )

    @pytest.mark.parametrize(
        "name",
        [
            "Factory",
            "localtime",
            "posixrules",
            "right/UTC",
            "posix/Europe/Paris",
            "europe/paris",
            "Europe/Paris/",
            "/Europe/Paris",
            "Europe//Paris",
            "America/../Europe/Paris",
            "../../../etc/passwd",
            " Europe/Paris",
            "Europe",
            "zoneinfo",
            "zones",
        ],
    )
    def test_only_names_the_package_lists(self, name: str) -> None:
        """A name the package does not list as a zone is no zone, whatever the machine's
        files hold under it."""
        assert None is zone_or_none(name)

    def test_tz_version_is_the_packages(self) -> None:
        """The IANA version of the package, as ``2026f`` is written."""
        version = extramile.tz_version()
        assert (tzdata.IANA_VERSION, True) == (
            version,
            re.fullmatch(r"\d{4}[a-z]", version) is not None,
        )


class TestTzdataZone:
    """The library's zone is pendulum's ``Timezone`` in every way users see."""

    def test_a_pendulum_timezone(self) -> None:
        """Its name, key, text and repr are pendulum's; it equals and hashes as
        pendulum's zone of that name."""
        paris = zone("Europe/Paris")
        theirs = pendulum.timezone("Europe/Paris")
        assert (
            True,
            ("Europe/Paris", "Europe/Paris", "Europe/Paris", "Timezone('Europe/Paris')"),
            True,
            True,
        ) == (
            isinstance(paris, Timezone),
            (paris.name, paris.key, str(paris), repr(paris)),
            paris == theirs and theirs == paris,
            hash(paris) == hash(theirs),
        )

    def test_unequal_to_another_zone(self) -> None:
        """Two names, two zones, even of equal rules."""
        assert zone("Europe/Paris") != zone("Europe/Brussels")

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
    def test_pickled_or_copied_it_is_the_shared_zone(self, again: object) -> None:
        """A zone pickles as its name, which the reader loads from its own ``tzdata``
        package: here, the very zone the library shares."""
        vancouver = zone("America/Vancouver")
        assert vancouver is again(vancouver)  # type: ignore[operator]

    def test_pickled_small(self) -> None:
        """The name, not the rules, go into a pickle."""
        assert len(pickle.dumps(zone("America/Vancouver"))) < 120

    def test_made_by_name_it_is_the_librarys(self) -> None:
        """Made directly, it is the zone the library looks up (never the machine's)."""
        assert zone("America/Havana") is TzdataZone("America/Havana")

    def test_made_by_an_unknown_name(self) -> None:
        """A name that is no zone is refused as :func:`zone` refuses it."""
        with pytest.raises(KeyError, match="Mars/Olympus"):
            TzdataZone("Mars/Olympus")

    def test_pendulum_keeps_it(self) -> None:
        """pendulum's own functions keep the zone they are given (they would look a
        name up in the machine's files)."""
        havana = zone("America/Havana")
        made = pendulum.datetime(2027, 1, 5, 12, tz=havana)
        moved = pendulum.instance(dt.datetime(2027, 1, 5, 17, tzinfo=dt.timezone.utc))
        assert (True, True) == (
            made.tzinfo is havana,
            moved.in_timezone(havana).tzinfo is havana,
        )

    def test_a_pickled_decision_is_the_same(self) -> None:
        """A decision pickled and read back is equal, its times written in the shared
        zone and at the same clock times."""
        customer = Customer(id="c-1", timezone="America/Vancouver")
        charge = Interaction(
            id="x-1",
            customer_id="c-1",
            kind="billing.duplicate_charge",
            at=dt.datetime(2026, 11, 10, 15, 29, tzinfo=dt.timezone.utc),
        )
        now = charge.at
        decision = evaluate(starter_policy(company_timezone="UTC"), customer, [charge], now=now)
        back = pickle.loads(pickle.dumps((customer, decision)))
        assert (
            (customer, decision),
            [zone("America/Vancouver")],
            ["2026-11-10T08:29:00-07:00"],
        ) == (
            back,
            [call.due_at.tzinfo for call in back[1].calls],
            [call.due_at.isoformat() for call in back[1].calls],
        )

"""A ``zoneinfo.ZoneInfo`` given wherever a zone is: kept as its name, so that it equals
the same name and its rules come from the ``tzdata`` package; a zone without a key (read
from a file) refused with the library's own error naming the field."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import io
import pickle
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pendulum
import pytest

from extramile import (
    DUE,
    Business,
    Customer,
    FactsError,
    FollowUpPolicy,
    InvalidFactError,
    InvalidPolicyError,
    On,
    Placement,
    Rule,
    Schedule,
    place,
    starter_policy,
)
from extramile.reports import last_week

CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 3, 9, 14, tzinfo=dt.timezone.utc)  # a Monday, 09:00 CDT
RULE = Rule(name="check-in", trigger=On("issue.opened"), deadline=DUE + Business(hours=4))


def keyless() -> ZoneInfo:
    """Chicago's rules read from a file, as ``ZoneInfo.from_file`` makes them: no key."""
    data = importlib.resources.files("tzdata").joinpath("zoneinfo/America/Chicago")
    return ZoneInfo.from_file(io.BytesIO(data.read_bytes()))


class TestKeptAsItsName:
    def test_customer(self) -> None:
        """A customer's zone is its name, equal to the customer given the name."""
        customer = Customer(id="c-1", timezone=CHICAGO)
        assert ("America/Chicago", Customer(id="c-1", timezone="America/Chicago")) == (
            customer.timezone,
            customer,
        )

    def test_customer_pickles_and_maps_as_the_name(self) -> None:
        """The name goes out in ``to_mapping`` and through pickle."""
        customer = Customer(id="c-1", timezone=CHICAGO)
        assert ("America/Chicago", customer) == (
            customer.to_mapping()["timezone"],
            pickle.loads(pickle.dumps(customer)),
        )

    def test_schedule(self) -> None:
        """A schedule's zone is its name; its zone object comes from the name."""
        office = Schedule(timezone=CHICAGO, hours={"mon-fri": "09:00-17:00"})
        named = Schedule(timezone="America/Chicago", hours={"mon-fri": "09:00-17:00"})
        assert ("America/Chicago", named, "2026-03-09T09:00:00-05:00") == (
            office.timezone,
            office,
            office.next_open(NOW - dt.timedelta(hours=1)).isoformat(),
        )

    def test_always_open(self) -> None:
        """``Schedule.always_open`` takes a zone too."""
        assert Schedule.always_open("America/Chicago") == Schedule.always_open(CHICAGO)

    def test_served_timezones(self) -> None:
        """Names and zones mix; each is kept as its name, in order."""
        office = Schedule.always_open("UTC")
        policy = FollowUpPolicy(
            name="p", rules=[RULE], schedule=office, served_timezones=[CHICAGO, "Europe/Paris"]
        )
        assert ("America/Chicago", "Europe/Paris") == policy.served_timezones

    def test_starter_policy(self) -> None:
        """The starter policy made with zones equals the one made with names."""
        assert starter_policy(
            company_timezone="America/Chicago", served_timezones=["America/Chicago"]
        ) == starter_policy(company_timezone=CHICAGO, served_timezones=[CHICAGO])

    def test_pendulum_zone(self) -> None:
        """pendulum's zones are ZoneInfo objects, and are accepted as their names."""
        customer = Customer(id="c-1", timezone=pendulum.timezone("Europe/Paris"))
        assert customer.timezone == "Europe/Paris"

    def test_place(self) -> None:
        """``place()`` takes served zones as ``FollowUpPolicy`` does."""
        unknown = Customer(id="c-1")
        found = place(
            due=NOW,
            deadline=NOW + dt.timedelta(hours=1),
            now=NOW,
            customer=unknown,
            schedule=Schedule.always_open("UTC"),
            served_timezones=[CHICAGO],
        )
        assert isinstance(found, Placement)
        assert found.due_at == NOW  # 09:00 CDT: the calling window is open in Chicago

    def test_last_week(self) -> None:
        """The report period of last week, in a zone given as a ZoneInfo."""
        assert last_week(NOW, CHICAGO) == last_week(NOW, "America/Chicago")


class TestAZoneWithoutAKey:
    @pytest.mark.parametrize(
        ("make", "field"),
        [
            (
                lambda zone: Schedule(timezone=zone, hours={"mon": "09:00-17:00"}),
                "Schedule.timezone",
            ),
            (
                lambda zone: FollowUpPolicy(
                    name="p",
                    rules=[RULE],
                    schedule=Schedule.always_open("UTC"),
                    served_timezones=[zone],
                ),
                "FollowUpPolicy.served_timezones",
            ),
            (lambda zone: starter_policy(company_timezone=zone), "Schedule.timezone"),
        ],
        ids=["schedule", "served", "starter"],
    )
    def test_refused_in_a_policy(self, make: Callable[[ZoneInfo], object], field: str) -> None:
        """A policy's zone without a key: InvalidPolicyError, naming the field."""
        with pytest.raises(InvalidPolicyError) as caught:
            make(keyless())
        assert isinstance(caught.value, ValueError)
        assert str(caught.value).startswith(f"{field} must be an IANA timezone name, or a ZoneInfo")
        assert "without a key" in str(caught.value)

    def test_refused_for_a_customer(self) -> None:
        """A customer's zone without a key is bad facts: InvalidFactError."""
        with pytest.raises(InvalidFactError, match=r"^Customer\.timezone .* without a key"):
            Customer(id="c-1", timezone=keyless())

    def test_refused_for_last_week(self) -> None:
        """``last_week()`` refuses it as it refuses an unknown name."""
        with pytest.raises(FactsError, match=r"^last_week\(\) timezone .* without a key"):
            last_week(NOW, keyless())


class _Renamed(ZoneInfo):
    """UTC's rules under a name the zone database does not have."""

    @property
    def key(self) -> str:
        return "Mars/Olympus"


def test_the_key_is_looked_up_as_a_name() -> None:
    """A ZoneInfo stands for its key: one the library does not know is refused as that
    name is, whatever rules the object itself holds."""
    with pytest.raises(InvalidPolicyError, match=r"got 'Mars/Olympus'"):
        Schedule(timezone=_Renamed("UTC"), hours={"mon": "09:00-17:00"})
    with pytest.raises(InvalidFactError, match=r"got 'Mars/Olympus'"):
        Customer(id="c-1", timezone=_Renamed("UTC"))

"""The machine's own zone database and timezone setting change no decision.

Zones come from the ``tzdata`` package the library declares.  Each story is decided here
and in a fresh process whose environment differs (see ``tests/zone_database.py``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extramile import Customer, Interaction, evaluate, starter_policy
from extramile.kinds import BILLING_DUPLICATE_CHARGE, ISSUE_OPENED
from zone_database import LIE, Case, answers_elsewhere, answers_here, lying_database

CHARGED = dt.datetime(2026, 11, 10, 15, 29, tzinfo=dt.timezone.utc)
"""A Tuesday: 08:29 in Vancouver by the zone rules of 2026 (UTC-07:00 all year from
November 2026), 07:29 by older ones (PST, UTC-08:00), before the calling window opens."""


def charge_in(zone: str) -> Case:
    """A duplicate charge for a customer in ``zone``, at :data:`CHARGED`: an urgent call
    due at once, or when the customer's calling window opens at 08:00."""
    customer = Customer(id="c-1", timezone=zone)
    charge = Interaction(
        id="x-1",
        customer_id="c-1",
        kind=BILLING_DUPLICATE_CHARGE,
        at=CHARGED,
        attributes={"amount": 40},
    )
    policy = starter_policy(company_timezone="America/Vancouver")
    return Case(policy, customer, (charge,), CHARGED)


def problem_in(zone: str) -> Case:
    """A critical problem reported on a Saturday night by a customer in ``zone``, whose
    staff work in New York: a callback at the next moment both may."""
    customer = Customer(id="c-2", timezone=zone, tier="gold")
    opened = Interaction(
        id="x-2",
        customer_id="c-2",
        kind=ISSUE_OPENED,
        at=dt.datetime(2027, 3, 7, 2, tzinfo=dt.timezone.utc),
        issue_id="i-1",
        attributes={"severity": "critical"},
    )
    policy = starter_policy(company_timezone="America/New_York")
    return Case(policy, customer, (opened,), dt.datetime(2027, 3, 7, 3, tzinfo=dt.timezone.utc))


STORIES = [
    charge_in("America/Vancouver"),
    charge_in("America/Edmonton"),
    charge_in("Africa/Casablanca"),
    problem_in("America/Havana"),
    problem_in("America/Winnipeg"),
    problem_in("Europe/Paris"),
]


@pytest.fixture(scope="module")
def lies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A zone database in which every zone has Kathmandu's rules."""
    return lying_database(tmp_path_factory.mktemp("lying-zoneinfo"))


class TestTheDuplicateCharge:
    def test_vancouver_is_called_at_once(self) -> None:
        """At 08:29 Vancouver time by the zone rules of the ``tzdata`` package, the
        calling window is open: the call is due at the charge itself, whatever the
        machine's own files say."""
        case = charge_in("America/Vancouver")
        decision = evaluate(case.policy, case.customer, case.history, now=case.now)
        assert [("2026-11-10T08:29:00-07:00", CHARGED.timestamp())] == [
            (call.due_at.isoformat(), call.due_at.timestamp()) for call in decision.calls
        ]


class TestTheEnvironmentChangesNothing:
    def test_without_the_machines_database(self) -> None:
        """``PYTHONTZPATH`` naming no folder hides the machine's zone files."""
        assert answers_here(STORIES) == answers_elsewhere(STORIES, {"PYTHONTZPATH": "/nonexistent"})

    def test_with_a_database_that_lies(self, lies: Path) -> None:
        """The machine's zone files give every zone Kathmandu's rules: nothing changes."""
        assert answers_here(STORIES) == answers_elsewhere(STORIES, {"PYTHONTZPATH": str(lies)})

    @pytest.mark.parametrize("setting", ["UTC", "Asia/Tokyo", "EST5EDT", "<+1345>-13:45", LIE])
    def test_with_a_timezone_setting(self, setting: str) -> None:
        """The machine's own timezone (``TZ``) is never read."""
        assert answers_here(STORIES) == answers_elsewhere(STORIES, {"TZ": setting})

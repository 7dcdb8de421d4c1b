"""The tz-database promise, as a property: the same decisions under any ``TZ``, and with
the machine's own zone database hidden or lying.

A fresh process costs about a second, so each example is a batch of generated customers
decided in one other process, and there are few examples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extramile import starter_policy
from extramile._time import known_zone
from extramile.strategies import customer_histories, customers, instants
from zone_database import LIE, Case, answers_elsewhere, answers_here, lying_database, tzdata_names

ZONES = sorted(name for name in tzdata_names() if known_zone(name))
"""Every zone of the ``tzdata`` package the library takes (all but ``Factory``)."""
SETTINGS = ("", "UTC", "America/Vancouver", "Pacific/Kiritimati", "EST5EDT", "<-0930>9:30", LIE)
"""Values of ``TZ`` (``""``: not set)."""
DATABASES = ("machine", "hidden", "lying")
"""The machine's own zone files, none (``PYTHONTZPATH`` names no folder), or lies."""


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A customer anywhere with a history, decided at some moment by a team anywhere."""
    zones = st.sampled_from(ZONES)
    policy = starter_policy(company_timezone=draw(zones), served_timezones=[draw(zones)])
    customer, history = draw(
        customer_histories(customer=customers(zones=st.none() | zones), max_size=6)
    )
    return Case(policy, customer, tuple(history), draw(instants()))


@pytest.fixture(scope="module")
def lies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A zone database in which every zone has Kathmandu's rules."""
    return lying_database(tmp_path_factory.mktemp("lying-zoneinfo"))


class TestTheZoneDatabasePromise:
    @settings(
        max_examples=6,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        batch=st.lists(cases(), min_size=8, max_size=12),
        setting=st.sampled_from(SETTINGS),
        database=st.sampled_from(DATABASES),
    )
    def test_same_decisions_anywhere(
        self, lies: Path, batch: list[Case], setting: str, database: str
    ) -> None:
        """Another process, with any ``TZ`` and the machine's zone files present, hidden
        or lying, decides every case of the batch as this one does."""
        path = {"machine": "", "hidden": "/nonexistent", "lying": str(lies)}[database]
        environment = {"TZ": setting, "PYTHONTZPATH": path}
        assert answers_here(batch) == answers_elsewhere(batch, environment)

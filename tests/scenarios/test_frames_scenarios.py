"""Stories told with frames: a warehouse export read with pandas or polars, as it comes
(integer ids, gaps, extra columns), planned, and the agenda read back as a frame."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from extramile import Elapsed, plan, starter_policy
from extramile.frames import book_from_frames

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 14, 17, 5, tzinfo=UTC)
"""Saturday 11:05 in Chicago: staff are closed for the weekend."""
POLICY = starter_policy(company_timezone="America/Chicago")

CUSTOMERS: dict[str, list[Any]] = {
    "id": [501, 502, 503],
    "timezone": ["America/Chicago", "America/Chicago", "America/Chicago"],
    "tier": ["gold", None, None],
    "customer_since": [dt.date(2015, 4, 1), None, dt.date(2025, 12, 1)],
    "account_manager": ["dee", None, "eli"],
}
"""A loyal customer (S1), a customer charged twice (S4), a new customer with a problem."""
INTERACTIONS: dict[str, list[Any]] = {
    "id": [9001, 9002, 9003],
    "customer_id": [501, 502, 503],
    "kind": ["issue.opened", "billing.duplicate_charge", "issue.opened"],
    "at": [NOW - dt.timedelta(minutes=5)] * 3,
    "issue_id": [71, 72, 73],
    "severity": ["critical", None, "critical"],
    "amount": [None, 89.5, None],
}


@pytest.mark.parametrize("library", ["pandas", "polars"])
class TestWarehouseExport:
    def test_a_saturday_morning_from_frames(self, library: str) -> None:
        """The loyal customer's critical problem (S1) and the duplicate charge (S4) get
        extra-mile calls on Saturday; the new customer's critical problem waits for
        Monday's first staff hour.  The agenda read back as a frame says so."""
        frames = pytest.importorskip(library)
        make = frames.DataFrame
        book = book_from_frames(make(CUSTOMERS), make(INTERACTIONS))
        agenda = plan(POLICY, book, now=NOW, horizon=Elapsed(days=7))
        rows = agenda.to_frame("polars").select("customer_id", "issue_id", "extra_mile", "due_at")
        monday = dt.datetime(2026, 3, 16, 14, 0, tzinfo=UTC)  # 09:00 in Chicago
        expected = [
            ("502", "72", True, NOW),
            ("501", "71", True, NOW),
            ("503", "73", False, monday),
        ]
        assert expected == [
            (customer, issue, extra, due.astimezone(UTC))
            for customer, issue, extra, due in rows.rows()
        ]

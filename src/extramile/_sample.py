"""The sample book behind ``python -m extramile demo``: a dozen customers, as plain rows.

The team works in Chicago, Monday to Friday 09:00-17:00, and the sample ``now`` is the
Saturday morning of the Labor Day weekend, 2026-09-05 09:30 CDT.  The customers live in
several timezones and their histories re-enact the canonical situations of the product
brief (S1-S6); the outbound calls recorded the week before feed the extra-mile report.

The rows have the shape :meth:`Customer.from_mapping` and :meth:`Interaction.from_mapping`
read, so ``extramile demo --export DIR`` can write them out as JSON lines for
``extramile plan``.  This module is data only: it reads no file and no clock.

Imports: ``_model``, ``_rules``, ``_starter``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterator
from typing import Any, Final

from extramile._model import Customer, Interaction
from extramile._rules import FollowUpPolicy
from extramile._starter import starter_policy

__all__ = [
    "COMPANY_TIMEZONE",
    "CUSTOMERS",
    "EXPLAINED",
    "INTERACTIONS",
    "SAMPLE_HOLIDAYS",
    "SAMPLE_NOW",
    "SERVED_TIMEZONES",
    "sample_book",
    "sample_policy",
]

COMPANY_TIMEZONE: Final = "America/Chicago"
SAMPLE_NOW: Final = dt.datetime(2026, 9, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
"""Saturday 2026-09-05 09:30 in Chicago (CDT): staff are closed until Tuesday."""

SAMPLE_HOLIDAYS: Final[dict[dt.date, str]] = {
    dt.date(2026, 7, 3): "Independence Day (observed)",
    dt.date(2026, 9, 7): "Labor Day",
    dt.date(2026, 10, 12): "Columbus Day",
    dt.date(2026, 11, 11): "Veterans Day",
    dt.date(2026, 11, 26): "Thanksgiving Day",
    dt.date(2026, 12, 25): "Christmas Day",
}
"""The US federal holidays of the second half of 2026, for when ``holidays`` is missing."""

SERVED_TIMEZONES: Final = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)

PROGRAMMES: Final = {
    "autopay": "Mention autopay: the bill pays itself and there are no late fees.",
    "paperless": "Mention paperless billing: bills arrive by email the day they are issued.",
}

EXPLAINED: Final = ("c-01", "c-05", "c-07")
"""The customers whose decisions the demo explains: a loyal rescue on a closed Saturday,
a price change too small to call about, and a check-in pushed past the holiday."""


def sample_policy(holidays: Container[dt.date] | None = None) -> FollowUpPolicy:
    """The starter policy as the sample team runs it.

    Args:
        holidays: the staff's holidays; default :data:`SAMPLE_HOLIDAYS`.
    """
    return starter_policy(
        company_timezone=COMPANY_TIMEZONE,
        holidays=SAMPLE_HOLIDAYS if holidays is None else holidays,
        served_timezones=SERVED_TIMEZONES,
        programmes=PROGRAMMES,
        name="starter (sample team)",
    )


CUSTOMERS: Final[tuple[dict[str, Any], ...]] = (
    # S1: a platinum customer's critical problem on a closed Saturday; also a rescue the
    # Saturday before, which Ben made in time.
    {
        "id": "c-01",
        "timezone": "America/Chicago",
        "tier": "platinum",
        "customer_since": "2014-03-02",
        "tags": ["autopay", "paperless"],
        "attributes": {"name": "Rosa Delgado"},
    },
    # S1, the contrast: the same kind of problem from a newer customer waits for opening.
    {
        "id": "c-02",
        "timezone": "America/New_York",
        "tier": "basic",
        "customer_since": "2024-11-18",
        "tags": ["paperless"],
        "attributes": {"name": "Owen Fischer"},
    },
    # S4: charged twice this morning, in London.
    {
        "id": "c-03",
        "timezone": "Europe/London",
        "tier": "silver",
        "customer_since": "2021-06-10",
        "tags": ["autopay"],
        "attributes": {"name": "Priya Natarajan"},
    },
    # S3: a 12% price increase billed on 16 September.
    {
        "id": "c-04",
        "timezone": "America/New_York",
        "tier": "silver",
        "customer_since": "2020-01-15",
        "tags": ["autopay", "paperless"],
        "attributes": {"name": "Marcus Webb"},
    },
    # S3, the contrast: a 6% increase is below the threshold.
    {
        "id": "c-05",
        "timezone": "America/Los_Angeles",
        "tier": "basic",
        "customer_since": "2023-04-01",
        "tags": ["autopay", "paperless"],
        "attributes": {"name": "Hana Kobayashi"},
    },
    # S5: a gold customer's intermittent problem, last discussed a week ago Saturday:
    # checked on this Saturday, on the holiday weekend.
    {
        "id": "c-06",
        "timezone": "America/Denver",
        "tier": "gold",
        "customer_since": "2019-08-20",
        "tags": ["autopay"],
        "attributes": {"name": "Tomas Lindqvist"},
    },
    # S5, the contrast: not loyal, so the check-in waits for staff hours past Labor Day.
    {
        "id": "c-07",
        "timezone": "America/Chicago",
        "tier": "basic",
        "customer_since": "2025-02-11",
        "tags": [],
        "attributes": {"name": "Grace Okafor"},
    },
    # S2: feedback on Friday afternoon; thanks on the next staff day.
    {
        "id": "c-08",
        "timezone": "America/Los_Angeles",
        "tier": "silver",
        "customer_since": "2022-09-30",
        "tags": ["paperless"],
        "attributes": {"name": "Leo Marchetti"},
    },
    # S2: ten years with us on Thursday 3 September; thanked on the next staff day.
    {
        "id": "c-09",
        "timezone": "Europe/London",
        "tier": "basic",
        "customer_since": "2016-09-03",
        "tags": ["autopay", "paperless"],
        "attributes": {"name": "Fiona Gallagher"},
    },
    # Do-not-call is absolute, even for a critical problem.
    {
        "id": "c-10",
        "timezone": "America/Chicago",
        "tier": "gold",
        "customer_since": "2018-05-05",
        "do_not_call": True,
        "tags": ["autopay"],
        "attributes": {"name": "Ivan Petrov"},
    },
    # Timezone unknown: the call waits until the calling window is open everywhere served.
    {
        "id": "c-11",
        "timezone": None,
        "tier": "basic",
        "customer_since": "2025-07-01",
        "tags": ["autopay", "paperless"],
        "attributes": {"name": "Sam Carter"},
    },
    # S4 last week: a duplicate charge called back in seven minutes; nothing open now.
    {
        "id": "c-12",
        "timezone": "America/Chicago",
        "tier": "silver",
        "customer_since": "2017-10-03",
        "tags": ["autopay", "paperless"],
        "attributes": {"name": "Nadia Haddad"},
    },
)


def _row(  # noqa: PLR0917  # a compact table row
    ident: str,
    customer: str,
    kind: str,
    at: str,
    direction: str = "inbound",
    channel: str = "phone",
    issue: str | None = None,
    agent: str | None = None,
    outcome: str | None = None,
    **attributes: Any,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": ident,
        "customer_id": customer,
        "kind": kind,
        "at": at,
        "direction": direction,
        "channel": channel,
    }
    if issue is not None:
        row["issue_id"] = issue
    if agent is not None:
        row["agent"] = agent
    if outcome is not None:
        row["outcome"] = outcome
    if attributes:
        row["attributes"] = attributes
    return row


INTERACTIONS: Final[tuple[dict[str, Any], ...]] = (
    # c-01: last Saturday evening's rescue (on time), and this morning's breakdown.
    _row(
        "i-101",
        "c-01",
        "issue.opened",
        "2026-08-29T20:15:00-05:00",
        issue="t-101",
        category="vehicle",
        severity="critical",
    ),
    _row(
        "i-102",
        "c-01",
        "call",
        "2026-08-29T20:31:00-05:00",
        "outbound",
        issue="t-101",
        agent="ben",
        outcome="reached",
    ),
    _row(
        "i-103",
        "c-01",
        "issue.resolved",
        "2026-08-29T22:40:00-05:00",
        "outbound",
        "visit",
        issue="t-101",
        agent="ben",
    ),
    _row(
        "i-104",
        "c-01",
        "issue.opened",
        "2026-09-05T09:12:00-05:00",
        issue="t-104",
        category="vehicle",
        severity="critical",
    ),
    # c-02: a critical problem last Sunday night, called back late on Monday; another
    # one this morning.
    _row(
        "i-201",
        "c-02",
        "issue.opened",
        "2026-08-23T22:05:00-04:00",
        issue="t-201",
        category="heating",
        severity="critical",
    ),
    _row(
        "i-202",
        "c-02",
        "call",
        "2026-08-24T13:40:00-05:00",
        "outbound",
        issue="t-201",
        agent="dev",
        outcome="reached",
    ),
    _row(
        "i-203",
        "c-02",
        "issue.resolved",
        "2026-08-24T16:00:00-05:00",
        "outbound",
        "system",
        issue="t-201",
        agent="dev",
    ),
    _row(
        "i-204",
        "c-02",
        "issue.opened",
        "2026-09-05T08:50:00-04:00",
        "inbound",
        "web",
        issue="t-204",
        category="heating",
        severity="critical",
    ),
    # c-03: charged twice at 15:20 in London.
    _row(
        "i-301",
        "c-03",
        "billing.duplicate_charge",
        "2026-09-05T15:20:00+01:00",
        "inbound",
        "system",
        issue="b-301",
        amount=84.5,
    ),
    # c-04 and c-05: price changes billed on 16 September.
    _row(
        "i-401",
        "c-04",
        "billing.price_change",
        "2026-08-31T10:00:00-04:00",
        "outbound",
        "system",
        increase_pct=12,
        bill_date="2026-09-16",
    ),
    _row(
        "i-501",
        "c-05",
        "billing.price_change",
        "2026-08-31T07:00:00-07:00",
        "outbound",
        "system",
        increase_pct=6,
        bill_date="2026-09-16",
    ),
    # c-06: intermittent drop-outs; last discussed Saturday 29 August.  A duplicate
    # charge the day before was called back ten minutes late.
    _row(
        "i-601",
        "c-06",
        "issue.opened",
        "2026-08-27T11:00:00-06:00",
        issue="t-601",
        category="connection",
        severity="normal",
        intermittent=True,
    ),
    _row(
        "i-602",
        "c-06",
        "billing.duplicate_charge",
        "2026-08-28T18:00:00-06:00",
        "inbound",
        "system",
        issue="b-602",
        amount=39.99,
    ),
    _row(
        "i-603",
        "c-06",
        "call",
        "2026-08-28T18:25:00-06:00",
        "outbound",
        issue="b-602",
        agent="ben",
        outcome="reached",
    ),
    _row(
        "i-604",
        "c-06",
        "issue.updated",
        "2026-08-29T10:00:00-06:00",
        issue="t-601",
        agent="chloe",
        note="router replaced; the drop-outs may come back",
    ),
    # c-07: intermittent too, last discussed Monday 31 August.
    _row(
        "i-701",
        "c-07",
        "issue.opened",
        "2026-08-31T14:00:00-05:00",
        "inbound",
        "chat",
        issue="t-701",
        category="connection",
        severity="normal",
        intermittent=True,
    ),
    # c-08: feedback last week (thanked the next day) and again on Friday afternoon.
    _row("i-801", "c-08", "feedback", "2026-08-26T10:15:00-07:00", "inbound", "email"),
    _row(
        "i-802",
        "c-08",
        "call",
        "2026-08-27T11:30:00-05:00",
        "outbound",
        agent="ana",
        outcome="reached",
    ),
    _row("i-803", "c-08", "feedback", "2026-09-04T14:30:00-07:00", "inbound", "web"),
    # c-10: do-not-call, with a critical problem.
    _row(
        "i-1001",
        "c-10",
        "issue.opened",
        "2026-09-05T07:45:00-05:00",
        issue="t-1001",
        category="water",
        severity="critical",
    ),
    # c-11: feedback from a customer whose timezone we do not know.
    _row("i-1101", "c-11", "feedback", "2026-09-04T19:00:00-05:00", "inbound", "email"),
    # c-12: charged twice last Tuesday; Ana called in seven minutes and left voicemail
    # first, then reached them.
    _row(
        "i-1201",
        "c-12",
        "billing.duplicate_charge",
        "2026-08-25T11:02:00-05:00",
        "inbound",
        "system",
        issue="b-1201",
        amount=120.0,
    ),
    _row(
        "i-1202",
        "c-12",
        "call",
        "2026-08-25T11:09:00-05:00",
        "outbound",
        issue="b-1201",
        agent="ana",
        outcome="voicemail",
    ),
    _row(
        "i-1203",
        "c-12",
        "billing.refund",
        "2026-08-25T11:20:00-05:00",
        "outbound",
        "system",
        issue="b-1201",
        amount=120.0,
    ),
)


def sample_book() -> Iterator[tuple[Customer, list[Interaction]]]:
    """The sample customers with their interactions, as :func:`~extramile.plan` takes them."""
    by_customer: dict[str, list[Interaction]] = {}
    for row in INTERACTIONS:
        by_customer.setdefault(row["customer_id"], []).append(Interaction.from_mapping(row))
    for row in CUSTOMERS:
        yield Customer.from_mapping(row), by_customer.get(row["id"], [])

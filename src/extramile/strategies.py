"""Hypothesis strategies for testing your own policies like code.

Needs the optional ``hypothesis`` dependency (``pip install 'extramile[strategies]'``).

>>> from hypothesis import given, settings
>>> from extramile import starter_policy, evaluate
>>> from extramile.strategies import customer_histories, instants
>>> policy = starter_policy(company_timezone="Europe/Paris")
>>> @settings(max_examples=20, deadline=None)
... @given(customer_histories(), instants())
... def test_calls_never_before_now(pair, now):
...     customer, history = pair
...     decision = evaluate(policy, customer, history, now=now)
...     assert all(call.due_at >= now for call in decision.calls)
>>> test_calls_never_before_now()

Imports: ``_model``, ``_time``, ``kinds`` (and Hypothesis, the ``strategies`` extra).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "extramile.strategies needs Hypothesis: pip install 'extramile[strategies]'"
    ) from exc

from extramile._model import Customer, Interaction
from extramile._time import zone
from extramile.kinds import (
    BILLING_DUPLICATE_CHARGE,
    BILLING_PRICE_CHANGE,
    BILLING_REFUND,
    CALL,
    FEEDBACK,
    ISSUE_OPENED,
    ISSUE_REOPENED,
    ISSUE_RESOLVED,
    ISSUE_UPDATED,
)

__all__ = [
    "AGENTS",
    "CALLING_HOURS",
    "CHANNELS",
    "OUTCOMES",
    "ZONES",
    "customer_histories",
    "customers",
    "instants",
    "interactions",
    "timezones",
]

ZONES: Final = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
)
"""Zones with and without daylight saving, half-hour offsets and southern summers."""

_START: Final = dt.datetime(2024, 1, 1)
_END: Final = dt.datetime(2028, 12, 31)
_ATTRIBUTES: Final[dict[str, Any]] = {}


def timezones() -> st.SearchStrategy[str]:
    """IANA timezone names from :data:`ZONES`."""
    return st.sampled_from(ZONES)


def instants(
    start: dt.datetime = _START, end: dt.datetime = _END
) -> st.SearchStrategy[dt.datetime]:
    """Aware datetimes between two naive bounds, written in any of :data:`ZONES`.

    Daylight-saving edges get hit because the local wall-clock times are drawn first.
    The zones' rules are the ``tzdata`` package's, as the library's are.
    """
    return st.datetimes(
        min_value=start,
        max_value=end,
        timezones=timezones().map(zone),
    )


CALLING_HOURS: Final = ("07:00-22:00", "09:00-17:00", "18:00-21:00", "00:00-24:00")
"""Customers' own calling hours: wider and narrower than the default, evenings only,
and all day."""
AGENTS: Final = ("ana", "ben", "chloe")
CHANNELS: Final = ("phone", "email", "chat", "visit", "web", "system")
OUTCOMES: Final = ("reached", "voicemail", "no_answer", "busy")
"""How a call ended: any but ``"reached"`` (and ``"voicemail"`` where a rule accepts it)
is an attempt, which the rule tries again."""


def customers(
    *,
    ids: st.SearchStrategy[str] | None = None,
    zones: st.SearchStrategy[str | None] | None = None,
    tiers: Sequence[str | None] = (None, "bronze", "silver", "gold", "platinum"),
    tags: Sequence[str] = ("autopay", "paperless", "loyalty-club"),
    calling_hours: Sequence[str] = CALLING_HOURS,
) -> st.SearchStrategy[Customer]:
    """Customers: some with unknown timezones, some do-not-call, some with their own
    calling hours, varied tenure, attributes and contact details."""
    return st.builds(
        Customer,
        id=ids if ids is not None else st.from_regex(r"c-[a-z0-9]{1,8}", fullmatch=True),
        timezone=zones if zones is not None else st.none() | timezones(),
        tier=st.sampled_from(tuple(tiers)),
        customer_since=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2028, 1, 1)),
        tags=st.frozensets(st.sampled_from(tuple(tags))),
        do_not_call=st.sampled_from((False, False, False, True)),
        calling_hours=st.one_of(st.none(), st.none(), st.sampled_from(tuple(calling_hours))),
        phone=st.none() | st.just("+1 312 555 0100"),
        email=st.none() | st.just("customer@example.com"),
        attributes=st.none()
        | st.fixed_dictionaries({"region": st.sampled_from(("north", "south"))}),
    )


def _attributes(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    if kind == ISSUE_OPENED:
        return st.fixed_dictionaries(
            {
                "severity": st.sampled_from(("low", "normal", "high", "critical")),
                "intermittent": st.booleans(),
                "category": st.sampled_from(("network", "billing", "device")),
            }
        )
    if kind == BILLING_PRICE_CHANGE:
        return st.fixed_dictionaries(
            {
                "increase_pct": st.floats(0, 30, allow_nan=False).map(lambda x: round(x, 1)),
                "bill_date": st.dates(dt.date(2024, 1, 1), dt.date(2029, 1, 1)).map(
                    dt.date.isoformat
                ),
            }
        )
    if kind in (BILLING_DUPLICATE_CHARGE, BILLING_REFUND):
        return st.fixed_dictionaries({"amount": st.integers(1, 500)})
    return st.just(_ATTRIBUTES)


_KINDS: Final = (
    ISSUE_OPENED,
    ISSUE_UPDATED,
    ISSUE_RESOLVED,
    ISSUE_REOPENED,
    BILLING_DUPLICATE_CHARGE,
    BILLING_REFUND,
    BILLING_PRICE_CHANGE,
    FEEDBACK,
    CALL,
)


@st.composite
def interactions(
    draw: st.DrawFn,
    customer_id: str,
    *,
    ident: str,
    kinds: Sequence[str] = _KINDS,
    issues: Sequence[str] = ("i-1", "i-2"),
    start: dt.datetime = _START,
    end: dt.datetime = _END,
) -> Interaction:
    """One interaction of ``customer_id`` of a standard kind, with realistic attributes,
    sometimes an agent, and for calls sometimes an outcome."""
    kind = draw(st.sampled_from(tuple(kinds)))
    issue_id = draw(st.sampled_from(tuple(issues))) if kind.startswith("issue.") else None
    outcome = None
    if kind == CALL:
        issue_id = draw(st.none() | st.sampled_from(tuple(issues)))
        outcome = draw(st.none() | st.sampled_from(OUTCOMES))
    return Interaction(
        id=ident,
        customer_id=customer_id,
        kind=kind,
        at=draw(instants(start, end)),
        direction=draw(st.sampled_from(("inbound", "outbound"))),
        channel=draw(st.sampled_from(CHANNELS)),
        issue_id=issue_id,
        agent=draw(st.none() | st.sampled_from(AGENTS)),
        outcome=outcome,
        attributes=draw(_attributes(kind)),
    )


@st.composite
def customer_histories(
    draw: st.DrawFn,
    *,
    customer: st.SearchStrategy[Customer] | None = None,
    max_size: int = 12,
    start: dt.datetime = _START,
    end: dt.datetime = _END,
) -> tuple[Customer, list[Interaction]]:
    """A customer and a history of theirs (unique ids, any order)."""
    who = draw(customer if customer is not None else customers())
    size = draw(st.integers(0, max_size))
    history = [
        draw(interactions(who.id, ident=f"x-{index}", start=start, end=end))
        for index in range(size)
    ]
    return who, history

"""A seeded, synthetic customer book for the benchmarks and the scale tests.

Customer ``index`` of book ``seed`` is built from its own ``random.Random``, seeded from
``(seed, index)`` alone, so any slice of a book can be rebuilt anywhere -- in a Dask worker,
say -- from two integers, and gives the same customers as the whole book does.

Each customer has about ten interactions over the 45 days before :data:`NOW` (or another
span), drawn so that
every rule of the starter policy fires for some customers: duplicate charges, critical
issues reported out of hours (by loyal and other customers), price increases before a
bill, intermittent problems, feedback, anniversaries, and outbound calls that satisfy
some of them.  A few customers are do-not-call or of unknown timezone, so that suppressed
calls are counted too.

:func:`long_customer` is one customer of a long history (20,000 interactions by default):
a large account whose many sites report problems, critical ones among them, and whose
calls, some unanswered, some recorded against the keys they answer, run through the whole
span.

Pure: no I/O, no clock, no global state.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Final

from extramile import Customer, Direction, Interaction
from extramile.kinds import (
    BILLING_DUPLICATE_CHARGE,
    BILLING_PRICE_CHANGE,
    CALL,
    FEEDBACK,
    ISSUE_OPENED,
    ISSUE_REOPENED,
    ISSUE_RESOLVED,
    ISSUE_UPDATED,
)

__all__ = ["COMPANY_TIMEZONE", "NOW", "SEED", "book", "customer", "long_customer"]

SEED: Final = 20_260_310
NOW: Final = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.timezone.utc)
"""A Tuesday afternoon: 10:00 in New York, so staff are open."""
COMPANY_TIMEZONE: Final = "America/New_York"

_ZONES: Final = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
)
_TIERS: Final = ("bronze", "silver", "gold", "platinum", None)
_TIER_WEIGHTS: Final = (40, 30, 15, 5, 10)
SPAN_DAYS: Final = 45
"""How far back a customer's interactions go, by default."""
_UTC: Final = dt.timezone.utc


def _at(rng: random.Random, span_days: int) -> dt.datetime:
    """A moment in the ``span_days`` days before NOW, to the second."""
    return NOW - dt.timedelta(seconds=rng.randrange(1, span_days * 86_400))


def customer(
    seed: int, index: int, *, size: int = 10, span_days: int = SPAN_DAYS
) -> tuple[Customer, list[Interaction]]:
    """Customer ``index`` of book ``seed`` and about ``size`` of its interactions (from
    ``size - 3`` to ``size + 3``), unsorted.  Issues, price changes and calls fall in the
    ``span_days`` days before NOW; duplicate charges and feedback in the last few days."""
    rng = random.Random(seed * 1_000_003 + index)
    cid = f"c{index:07d}"
    roll = rng.random()
    timezone = None if roll < 0.02 else rng.choice(_ZONES)
    since = dt.date(2026, 3, 10) - dt.timedelta(days=rng.randrange(30, 12 * 365))
    who = Customer(
        id=cid,
        timezone=timezone,
        tier=rng.choices(_TIERS, weights=_TIER_WEIGHTS)[0],
        customer_since=since,
        do_not_call=0.02 <= roll < 0.04,
    )
    items: list[Interaction] = []

    def add(kind: str, at: dt.datetime, **fields: object) -> None:
        items.append(
            Interaction(
                id=f"{cid}-{len(items):02d}",
                customer_id=cid,
                kind=kind,
                at=at,
                **fields,  # type: ignore[arg-type]  # the fields below are of the right types
            )
        )

    count = rng.randint(max(size - 3, 1), size + 3)
    issue = 0
    while len(items) < count:
        pick = rng.random()
        at = _at(rng, span_days)
        if pick < 0.35:
            # An issue: opened (sometimes critical, sometimes intermittent), updated, maybe
            # resolved, maybe called about.
            issue += 1
            issue_id = f"{cid}-t{issue}"
            severity = rng.choices(("low", "high", "critical"), weights=(6, 3, 1))[0]
            add(
                ISSUE_OPENED,
                at,
                direction=Direction.INBOUND,
                channel="phone",
                issue_id=issue_id,
                attributes={"severity": severity, "intermittent": rng.random() < 0.3},
            )
            later = at + dt.timedelta(hours=rng.randint(1, 72))
            if later < NOW:
                add(ISSUE_UPDATED, later, channel="email", issue_id=issue_id)
            if rng.random() < 0.4 and later + dt.timedelta(days=1) < NOW:
                add(ISSUE_RESOLVED, later + dt.timedelta(days=1), issue_id=issue_id)
            if rng.random() < 0.3 and later + dt.timedelta(hours=2) < NOW:
                add(
                    CALL,
                    later + dt.timedelta(hours=2),
                    direction=Direction.OUTBOUND,
                    channel="phone",
                    issue_id=issue_id,
                    outcome="reached",
                )
        elif pick < 0.37:
            add(BILLING_DUPLICATE_CHARGE, NOW - dt.timedelta(minutes=rng.randint(1, 4_000)))
        elif pick < 0.47:
            bill = (NOW + dt.timedelta(days=rng.randint(-5, 20))).date()
            add(
                BILLING_PRICE_CHANGE,
                at,
                direction=Direction.OUTBOUND,
                attributes={
                    "increase_pct": round(rng.uniform(0, 25), 1),
                    "bill_date": bill.isoformat(),
                },
            )
        elif pick < 0.52:
            add(FEEDBACK, NOW - dt.timedelta(hours=rng.randint(1, 24 * 6)), channel="email")
        elif pick < 0.7:
            add(CALL, at, direction=Direction.OUTBOUND, channel="phone", outcome="reached")
        else:
            add("email.sent", at, direction=Direction.OUTBOUND, channel="email")
    rng.shuffle(items)
    return who, items


def book(
    n: int, seed: int = SEED, *, start: int = 0, size: int = 10, span_days: int = SPAN_DAYS
) -> Iterator[tuple[Customer, list[Interaction]]]:
    """Customers ``start`` to ``start + n - 1`` of book ``seed``, built one at a time, with
    about ``size`` interactions each, over ``span_days`` days."""
    for index in range(start, start + n):
        yield customer(seed, index, size=size, span_days=span_days)


_SEVERITIES: Final = ("low", "normal", "high", "critical")
_SEVERITY_WEIGHTS: Final = (5, 8, 4, 2)
_OUTCOMES: Final = ("reached", "no_answer", "voicemail")
_OUTCOME_WEIGHTS: Final = (6, 3, 1)
_CHANNELS: Final = ("phone", "email", "chat", "web")


def long_customer(  # noqa: PLR0915  # one generator, read top to bottom
    seed: int = SEED, *, size: int = 20_000, span_days: int = 365
) -> tuple[Customer, list[Interaction]]:
    """One customer with ``size`` interactions over the ``span_days`` days before NOW,
    unsorted: a large account (New York, gold tier, a customer for ten years).

    About half of them thread through issues: each opened by the customer (a tenth
    critical, often out of hours, a fifth intermittent), updated from either side, called
    about (some calls unanswered and tried again, some recorded against the key of the
    critical callback they answer), mostly resolved, sometimes reopened.  The rest are
    the account's other traffic: outbound calls on no issue, inbound calls, emails sent,
    feedback, price changes, duplicate charges and events a system logged.
    """
    rng = random.Random(seed * 7_919 + size)
    cid = "long-0001"
    who = Customer(
        id=cid,
        timezone="America/New_York",
        tier="gold",
        customer_since=dt.date(2016, 4, 1),
    )
    items: list[Interaction] = []

    def add(kind: str, at: dt.datetime, **fields: object) -> str:
        item_id = f"{cid}-{len(items):05d}"
        items.append(
            Interaction(
                id=item_id,
                customer_id=cid,
                kind=kind,
                at=at,
                **fields,  # type: ignore[arg-type]  # the fields below are of the right types
            )
        )
        return item_id

    def call(at: dt.datetime, issue_id: str | None, satisfies: str | None = None) -> None:
        outcome = rng.choices(_OUTCOMES, weights=_OUTCOME_WEIGHTS)[0]
        add(
            CALL,
            at,
            direction=Direction.OUTBOUND,
            channel="phone",
            issue_id=issue_id,
            outcome=outcome,
            attributes={"satisfies": [satisfies]} if satisfies else {},
        )
        if outcome != "reached" and rng.random() < 0.5:
            retry = at + dt.timedelta(hours=rng.randint(1, 6))
            if retry < NOW:
                add(
                    CALL,
                    retry,
                    direction=Direction.OUTBOUND,
                    channel="phone",
                    issue_id=issue_id,
                    outcome=rng.choices(_OUTCOMES, weights=_OUTCOME_WEIGHTS)[0],
                )

    issue = 0
    while len(items) < size:
        pick = rng.random()
        at = _at(rng, span_days)
        if pick < 0.3:
            issue += 1
            issue_id = f"{cid}-t{issue}"
            severity = rng.choices(_SEVERITIES, weights=_SEVERITY_WEIGHTS)[0]
            if severity == "critical" and rng.random() < 0.6:
                # reported out of hours: late evening in New York
                at = at.replace(hour=(at.hour % 4) + 1, minute=rng.randrange(60))
                if at >= NOW:
                    at -= dt.timedelta(days=1)
            opened = add(
                ISSUE_OPENED,
                at,
                direction=Direction.INBOUND,
                channel=rng.choice(_CHANNELS),
                issue_id=issue_id,
                attributes={"severity": severity, "intermittent": rng.random() < 0.2},
            )
            later = at
            for _ in range(rng.randint(0, 4)):
                later += dt.timedelta(minutes=rng.randint(20, 3 * 1440))
                if later >= NOW:
                    break
                add(
                    ISSUE_UPDATED,
                    later,
                    direction=rng.choice((Direction.INBOUND, Direction.OUTBOUND)),
                    channel=rng.choice(_CHANNELS),
                    issue_id=issue_id,
                )
            called = at + dt.timedelta(minutes=rng.randint(10, 2 * 1440))
            if rng.random() < 0.5 and called < NOW:
                key = f"{cid}/{issue_id}/critical-callback/{opened}"
                call(called, issue_id, key if severity == "critical" else None)
            resolved = later + dt.timedelta(hours=rng.randint(1, 96))
            if rng.random() < 0.7 and resolved < NOW:
                add(ISSUE_RESOLVED, resolved, issue_id=issue_id)
                reopened = resolved + dt.timedelta(days=rng.randint(1, 20))
                if rng.random() < 0.05 and reopened < NOW:
                    add(ISSUE_REOPENED, reopened, direction=Direction.INBOUND, issue_id=issue_id)
        elif pick < 0.45:
            call(at, None)
        elif pick < 0.5:
            add(CALL, at, direction=Direction.INBOUND, channel="phone", outcome="reached")
        elif pick < 0.7:
            add("email.sent", at, direction=Direction.OUTBOUND, channel="email")
        elif pick < 0.72:
            add(FEEDBACK, at, channel="email")
        elif pick < 0.725:
            bill = (at + dt.timedelta(days=rng.randint(5, 30))).date()
            add(
                BILLING_PRICE_CHANGE,
                at,
                direction=Direction.OUTBOUND,
                attributes={
                    "increase_pct": round(rng.uniform(0, 25), 1),
                    "bill_date": bill.isoformat(),
                },
            )
        elif pick < 0.728:
            add(BILLING_DUPLICATE_CHARGE, at)
        else:
            add("usage.report", at, channel="system")
    del items[size:]
    rng.shuffle(items)
    return who, items

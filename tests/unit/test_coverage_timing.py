"""Branches of a rule's timing no other test takes: anchors that are missing, anchors
counted from the last contact, and the bounds that tell which episodes have certainly
been given up."""

from __future__ import annotations

import datetime as dt
import math

import pendulum
import pytest

from extramile import (
    DUE,
    LAST_CONTACT,
    TRIGGER,
    Business,
    Customer,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    Local,
    On,
    Rule,
    Schedule,
    attr_date,
    evaluate,
)
from extramile._rules.timing import (
    _at_most,
    lapse_at,
    resolve,
    resolver,
    search_stale,
    stale_after,
)
from extramile.conditions import Context

NEW_YORK = "America/New_York"
OFFICE = Schedule(timezone=NEW_YORK, hours={"mon-fri": "09:00-17:00"})
CUSTOMER = Customer(id="c-1", timezone=NEW_YORK)


def utc(text: str) -> pendulum.DateTime:
    """An instant written as ISO-8601 UTC, e.g. ``"2026-03-03T03:00"``."""
    return pendulum.parse(text + "Z")  # type: ignore[return-value]


def ts(text: str) -> float:
    """POSIX seconds of an instant written as ISO-8601 UTC."""
    return utc(text).timestamp()


def context(
    *, trigger: Interaction | None = None, last_contact: float | None = None, now: str
) -> Context:
    """What a rule's timing sees for customer c-1 at ``now``."""
    return Context(
        customer=CUSTOMER,
        now=ts(now),
        history=(),
        schedule=OFFICE,
        trigger=trigger,
        last_contact=last_contact,
    )


def rule(**timing: object) -> Rule:
    """A rule on price changes with this timing."""
    return Rule(name="r", trigger=On("billing.price_change"), **timing)  # type: ignore[arg-type]


class TestMissingAnchors:
    """An anchor with no instant gives no time (the rule does not fire), never a wrong
    one."""

    def test_a_bill_date_that_is_not_text(self) -> None:
        """bill_date=20261201, a number: no due time."""
        change = Interaction(
            id="pc-1",
            customer_id="c-1",
            kind="billing.price_change",
            at=utc("2026-11-02T15:00"),
            attributes={"bill_date": 20261201},
        )
        when = attr_date("bill_date") - Local(days=7)
        ctx = context(trigger=change, now="2026-11-02T15:00")
        assert (None, None) == (resolve(when, ctx), resolver(when)(ctx, None))

    def test_local_days_from_a_due_time_not_worked_out(self) -> None:
        """DUE + Local(days=1) with no due time: none."""
        assert resolver(DUE + Local(days=1))(context(now="2026-11-02T15:00"), None) is None

    def test_local_days_from_no_last_contact(self) -> None:
        """LAST_CONTACT + Local(days=1) with no contact: none."""
        ctx = context(now="2026-11-02T15:00")
        assert resolver(LAST_CONTACT + Local(days=1))(ctx, None) is None

    def test_business_time_from_the_last_contact(self) -> None:
        """LAST_CONTACT + Business(hours=2), the contact Friday 16:00 EST: Monday
        10:00 EST (one staff hour on Friday, one on Monday)."""
        ctx = context(last_contact=ts("2026-11-06T21:00"), now="2026-11-06T21:00")
        when = LAST_CONTACT + Business(hours=2)
        expected = ts("2026-11-09T15:00")
        assert (expected, expected) == (resolve(when, ctx), resolver(when)(ctx, None))

    def test_business_time_from_the_due_time(self) -> None:
        """DUE + Business(hours=2), due Friday 16:00 EST: Monday 10:00 EST, as resolve()
        says; none without a due time."""
        ctx = context(now="2026-11-06T21:00")
        when = DUE + Business(hours=2)
        due = ts("2026-11-06T21:00")
        expected = ts("2026-11-09T15:00")
        assert (expected, expected) == (resolve(when, ctx, due), resolver(when)(ctx, due))
        assert resolver(when)(ctx, None) is None


class TestGiveUp:
    """When an episode is given up."""

    def test_never_without_a_give_up_time(self) -> None:
        """A rule with no give_up_after is never given up."""
        ctx = context(now="2026-11-02T15:00")
        assert lapse_at(rule(deadline=DUE + Elapsed(hours=1)), ctx, ts("2026-11-02T16:00")) is None

    def test_no_bound_from_the_timing_alone(self) -> None:
        """A deadline counted from the last contact bounds nothing: stale_after is None."""
        timed = rule(deadline=LAST_CONTACT + Elapsed(days=2), give_up_after=Elapsed(days=1))
        assert stale_after(timed) is None

    def test_no_episode_old_enough_to_be_given_up(self) -> None:
        """Given up a century after the deadline: no episode of the last 800 days has
        been, so no instant is stale (minus infinity)."""
        timed = rule(deadline=DUE + Elapsed(hours=1), give_up_after=Local(days=36_000))
        ctx = context(now="2026-11-02T15:00")
        assert -math.inf == search_stale(timed, ctx, ts("2026-11-02T15:00"))

    def test_every_episode_given_up_at_once(self) -> None:
        """Due three hours before its trigger, by an hour after that, given up an hour
        later: an episode starting now is given up already, so now itself is stale."""
        timed = rule(
            due=TRIGGER - Elapsed(hours=3),
            deadline=DUE + Elapsed(hours=1),
            give_up_after=Elapsed(hours=1),
        )
        now = ts("2026-11-02T15:00")
        assert now == search_stale(timed, context(now="2026-11-02T15:00"), now)

    @pytest.mark.parametrize("offset", [Elapsed(hours=1), None])
    def test_a_bound_from_nothing_is_none(self, offset: Elapsed | None) -> None:
        """No base instant, or no offset to move it by: no bound."""
        ctx = context(now="2026-11-02T15:00")
        base = None if offset is not None else ts("2026-11-02T15:00")
        assert _at_most(base, offset, False, ctx) is None  # noqa: FBT003

    def test_a_deadline_moved_to_the_very_moment_the_rule_gives_up(self) -> None:
        """A refund logged at 07:00 EST, due at once, by 08:00, given up two hours after
        that; staff open at 09:00, so the deadline moves two hours, to 10:00: exactly
        when the rule gives up, which the call may still reach."""
        policy = FollowUpPolicy(
            name="p",
            rules=[
                rule(
                    deadline=DUE + Elapsed(hours=1),
                    give_up_after=Elapsed(hours=2),
                    talking_point="About your new price.",
                )
            ],
            schedule=OFFICE,
        )
        change = Interaction(
            id="pc-1",
            customer_id="c-1",
            kind="billing.price_change",
            at=utc("2026-11-02T12:00"),
            channel="system",
        )
        decision = evaluate(policy, CUSTOMER, [change], now=change.at)
        (call,) = decision.calls
        assert (utc("2026-11-02T14:00"), utc("2026-11-02T15:00")) == (
            call.due_at,
            call.deadline,
        )
        assert "gives up then" not in decision.explain()


class TestDates:
    """A day attribute names a local day in the customer's zone."""

    def test_the_bill_date_as_text(self) -> None:
        """bill_date '2026-12-01', seven local days before: 24 November 00:00 EST."""
        change = Interaction(
            id="pc-1",
            customer_id="c-1",
            kind="billing.price_change",
            at=utc("2026-11-02T15:00"),
            attributes={"bill_date": "2026-12-01"},
        )
        when = attr_date("bill_date") - Local(days=7)
        ctx = context(trigger=change, now="2026-11-02T15:00")
        expected = dt.datetime(2026, 11, 24, 5, tzinfo=dt.timezone.utc).timestamp()
        assert expected == resolve(when, ctx)

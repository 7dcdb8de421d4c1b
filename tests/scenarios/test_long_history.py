"""Story tables for customers with long histories: a thousand critical problems, and a
thousand calls, give the answers a short history would, and each call is counted
against the cap without being worked out again for every call placed.

Both customers are in New York, not loyal (silver tier, customers for a year), with the
starter policy (staff Monday to Friday 09:00-17:00 New York; at most 3 calls in 7 local
days, 20 hours apart).  The clocks went forward on Sunday 8 March 2026 at 02:00 EST.
``now`` is Tuesday 10 March 2026, 15:00 UTC (11:00 EDT).  Instants are written in UTC.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from zoneinfo import ZoneInfo

import attrs
import pytest

from extramile import (
    ContactCaps,
    Customer,
    Direction,
    Elapsed,
    Interaction,
    Local,
    evaluate,
    plan,
    starter_policy,
)
from scenario_helpers import at, outcomes, utc

NEW_YORK = ZoneInfo("America/New_York")
POLICY = starter_policy(company_timezone="America/New_York")
NOW = at("2026-03-10T15:00:00+00:00")
RULE = "critical-callback"


def _customer(cid: str) -> Customer:
    return Customer(
        id=cid, timezone="America/New_York", tier="silver", customer_since=dt.date(2025, 3, 1)
    )


def _opened(cid: str, ident: str, when: dt.datetime, issue: str) -> Interaction:
    return Interaction(
        id=ident,
        customer_id=cid,
        kind="issue.opened",
        at=when,
        direction=Direction.INBOUND,
        channel="phone",
        issue_id=issue,
        attributes={"severity": "critical"},
    )


def _called(cid: str, ident: str, when: dt.datetime, issue: str, outcome: str) -> Interaction:
    return Interaction(
        id=ident,
        customer_id=cid,
        kind="call",
        at=when,
        direction=Direction.OUTBOUND,
        channel="phone",
        issue_id=issue,
        outcome=outcome,
    )


# ---------------------------------------------------------------------------------------
# A thousand nights: a critical problem every night, called back every morning
# ---------------------------------------------------------------------------------------

NIGHTLY = _customer("c-1")


def _local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=NEW_YORK)


def _nights(*, answered_today: bool = False) -> list[Interaction]:
    """On the night ``k`` days before 10 March (for ``k`` from 0 to 999), issue ``t-k``
    opened at 02:00 local time (03:00 EDT on 8 March, when 02:00 did not happen), and a
    system logged a usage report at 03:00; the problem was called back at 10:00 (reached;
    on 8 March, not answered) and an email sent at 15:00, except today's, unless
    ``answered_today``."""
    items: list[Interaction] = []
    today = dt.date(2026, 3, 10)
    for k in range(1_000):
        day = today - dt.timedelta(days=k)
        issue = f"t-{k}"
        items.append(_opened("c-1", f"o-{k}", _local(day, 2), issue))
        items.append(
            Interaction(
                id=f"u-{k}",
                customer_id="c-1",
                kind="usage.report",
                at=_local(day, 3),
                channel="system",
            )
        )
        if k >= 1 or answered_today:
            outcome = "no_answer" if k == 2 else "reached"
            items.append(_called("c-1", f"m-{k}", _local(day, 10), issue, outcome))
        if k >= 1:
            items.append(
                Interaction(
                    id=f"e-{k}",
                    customer_id="c-1",
                    kind="email.sent",
                    at=_local(day, 15),
                    direction=Direction.OUTBOUND,
                    channel="email",
                )
            )
    return items


NIGHTS = _nights()


def _held(gives_up: str, deadline: str) -> str:
    """Why a call that could only go on Monday 16 March is suppressed."""
    return (
        f"it could go no sooner than 2026-03-16T13:00:00+00:00, after its rule gives up at"
        f" {gives_up}T15:00:00+00:00 (3 local days after the deadline {deadline}T15:00:00+00:00):"
        " staff hours closed in America/New_York until Mon 09:00 EDT"
    )


class TestAThousandNights:
    """Each problem of the past was answered by its own call, found among a thousand;
    the cap counts the calls of the last seven local days, across the clock change."""

    def test_every_past_problem_was_answered_by_its_own_call(self) -> None:
        """998 critical-callback episodes are satisfied; 8 March's, whose call did not
        reach the customer, and today's are suppressed."""
        decision = evaluate(POLICY, NIGHTLY, NIGHTS, now=NOW)
        expected = {f"c-1/t-{k}/{RULE}/o-{k}": "satisfied" for k in range(1_000)}
        expected[f"c-1/t-2/{RULE}/o-2"] = "suppressed"
        expected[f"c-1/t-0/{RULE}/o-0"] = "suppressed"
        assert expected == dict(outcomes(decision, RULE))

    def test_the_cap_holds_both_past_the_moment_their_rule_gives_up(self) -> None:
        """After 11:00 EDT today the calls of 10:00 on 4 to 9 March count: six, three at
        most.  The cap frees when that of 7 March ages out, at 10:00 EDT on Saturday 14
        March; staff are back on Monday 16 March at 09:00 EDT (13:00 UTC).  Each rule
        gives up three local days after its deadline (11:00 EDT on 9 and on 10 March,
        the second try of 8 March's due with the first business hours on Monday 9)."""
        decision = evaluate(POLICY, NIGHTLY, NIGHTS, now=NOW)
        assert () == decision.calls
        assert [
            (f"c-1/t-2/{RULE}/o-2", "staff-hours", _held("2026-03-12", "2026-03-09")),
            (f"c-1/t-0/{RULE}/o-0", "staff-hours", _held("2026-03-13", "2026-03-10")),
        ] == [(s.key, s.constraint, s.reason) for s in decision.suppressed]

    def test_with_five_calls_a_week_both_go_in_one_call_when_two_have_aged_out(self) -> None:
        """At most 5 calls in 7 local days: the call goes when those of 4 and 5 March have
        aged out, at 10:00 EDT on Thursday 12 March (14:00 UTC), 8 March's second try
        and today's first in one call."""
        policy = attrs.evolve(POLICY, caps=ContactCaps(max_attempts=5, per=Local(days=7)))
        (call,) = evaluate(policy, NIGHTLY, NIGHTS, now=NOW).calls
        assert (
            (f"c-1/t-2/{RULE}/o-2", f"c-1/t-0/{RULE}/o-0"),
            "2026-03-12T14:00:00+00:00",
            2,
            ["cap: 6 calls in the 7 local days before 2026-03-10T15:00:00+00:00 (at most 5)"],
        ) == (
            call.keys,
            utc(call.due_at),
            call.attempt,
            [move.reason for move in call.moved_by],
        )

    def test_plan_gives_the_same_call(self) -> None:
        """The path ``plan()`` takes, which skips the episodes long given up, agrees."""
        policy = attrs.evolve(POLICY, caps=ContactCaps(max_attempts=5, per=Local(days=7)))
        agenda = plan(policy, [(NIGHTLY, NIGHTS)], now=NOW, horizon=Elapsed(days=7))
        assert [((f"c-1/t-2/{RULE}/o-2", f"c-1/t-0/{RULE}/o-0"), "2026-03-12T14:00:00+00:00")] == [
            (call.keys, utc(call.due_at)) for call in agenda
        ]

    def test_called_back_today_nothing_is_left(self) -> None:
        """Today's call at 10:00 EDT answered today's problem; 8 March's is still held."""
        decision = evaluate(POLICY, NIGHTLY, _nights(answered_today=True), now=NOW)
        assert ((), [f"c-1/t-2/{RULE}/o-2"]) == (
            decision.calls,
            [s.key for s in decision.suppressed],
        )


# ---------------------------------------------------------------------------------------
# An outage: a thousand sites report a critical problem on one night, and are called
# ---------------------------------------------------------------------------------------

OUTAGE = _customer("c-2")
SITES = 1_000
NOT_REACHED = [k for k in range(SITES) if k % 10 == 9]


def _outage() -> list[Interaction]:
    """On Saturday 7 March from 01:00 EST, site ``k`` of the account reported critical
    problem ``s-k`` at ``k`` times 6 seconds past; on Monday 9 March from 09:00 EDT it
    was called back ``k`` times 20 seconds past (the last at 14:33 EDT), and one site in
    ten did not answer."""
    night = dt.datetime(2026, 3, 7, 1, tzinfo=NEW_YORK)
    morning = dt.datetime(2026, 3, 9, 9, tzinfo=NEW_YORK)
    items: list[Interaction] = []
    for k in range(SITES):
        items.append(_opened("c-2", f"o-{k}", night + dt.timedelta(seconds=6 * k), f"s-{k}"))
        outcome = "no_answer" if k in NOT_REACHED else "reached"
        items.append(
            _called("c-2", f"m-{k}", morning + dt.timedelta(seconds=20 * k), f"s-{k}", outcome)
        )
    return items


OUTAGE_HISTORY = _outage()


class TestAnOutage:
    """A thousand calls within a week: every call the cap holds counts them all."""

    def test_the_sites_not_reached_are_held_by_the_cap_past_the_give_up(self) -> None:
        """900 episodes are satisfied.  The 100 sites not reached have a second try
        due, but the thousand calls of Monday all count until a week later: the cap
        frees when all but two have aged out, once the call of 14:32:20 EDT on 9 March
        has, at 14:32:20 EDT on Monday 16 March (18:32:20 UTC), after the rule gave up
        at 11:00 EDT on Thursday 12 March, three local days after the deadline (two
        business hours after staff opened on Monday 9 March)."""
        decision = evaluate(POLICY, OUTAGE, OUTAGE_HISTORY, now=NOW)
        expected = {f"c-2/s-{k}/{RULE}/o-{k}": "satisfied" for k in range(SITES)}
        expected.update({f"c-2/s-{k}/{RULE}/o-{k}": "suppressed" for k in NOT_REACHED})
        assert expected == dict(outcomes(decision, RULE))
        reason = (
            "it could go no sooner than 2026-03-16T18:32:20+00:00, after its rule gives up at"
            " 2026-03-12T15:00:00+00:00 (3 local days after the deadline"
            " 2026-03-09T15:00:00+00:00): cap: 1000 calls in the 7 local days before"
            " 2026-03-12T15:00:00+00:00 (at most 3)"
        )
        assert [(f"c-2/s-{k}/{RULE}/o-{k}", "cap", reason) for k in NOT_REACHED] == [
            (s.key, s.constraint, s.reason) for s in decision.suppressed
        ]
        assert () == decision.calls

    def test_without_the_cap_the_second_tries_go_now_as_one_call(self) -> None:
        """With room for the thousand calls, the hundred second tries go at once, in one
        call (one customer, one call).  From its due time each could have gone 20 hours
        after the last call of Monday but its own, at 10:33:00 EDT today (10:32:40 for
        the last site, whose own call was the last), so its deadline is two business
        hours later: the last site's leads, the others follow by key."""
        policy = attrs.evolve(POLICY, caps=ContactCaps(max_attempts=1_001))
        (call,) = evaluate(policy, OUTAGE, OUTAGE_HISTORY, now=NOW).calls
        others = sorted(f"c-2/s-{k}/{RULE}/o-{k}" for k in NOT_REACHED[:-1])
        assert (
            (f"c-2/s-999/{RULE}/o-999", *others),
            "2026-03-10T15:00:00+00:00",
            "2026-03-10T16:32:40+00:00",
            (),
        ) == (call.keys, utc(call.due_at), utc(call.deadline), call.moved_by)

    def test_plan_agrees(self) -> None:
        """``plan()`` has no call for the customer, and counts the hundred held by the cap."""
        agenda = plan(POLICY, [(OUTAGE, OUTAGE_HISTORY)], now=NOW, horizon=Elapsed(days=7))
        assert ([], {"cap": len(NOT_REACHED)}) == (list(agenda), dict(agenda.suppressed))


def _count_conversions(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Count the local-day conversions the engine's modules make from here on."""
    made = [0]
    for name, module in list(sys.modules.items()):
        convert = getattr(module, "add_local_days", None)
        if name.startswith("extramile._engine.") and convert is not None:

            def counted(
                ts: float, days: int, tz: dt.tzinfo, convert: Callable[..., float] = convert
            ) -> float:
                made[0] += 1
                return convert(ts, days, tz)

            monkeypatch.setattr(module, "add_local_days", counted)
    return lambda: made[0]


class TestEachCallIsCountedOnce:
    """Working out when each call ages out of the cap is done once for each call."""

    def test_a_thousand_calls_are_converted_at_most_once_each(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A hundred calls placed and explained against a thousand attempts: at most a
        thousand conversions, where each placement converting every attempt would make
        hundreds of thousands."""
        made = _count_conversions(monkeypatch)
        evaluate(POLICY, OUTAGE, OUTAGE_HISTORY, now=NOW)
        assert made() <= SITES

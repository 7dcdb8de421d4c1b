"""Story tables for the engine's general behaviour: merging, do-not-call, unknown
timezones, revisiting, and the errors that bad facts or a misbehaving policy raise."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from extramile import (
    TRIGGER,
    ConditionError,
    Customer,
    Elapsed,
    ExtramileError,
    FactsError,
    FollowUpPolicy,
    On,
    PolicyError,
    Priority,
    Rule,
    Schedule,
    evaluate,
    starter_policy,
)
from extramile.conditions import Condition, Context
from scenario_helpers import PROGRAMMES, at, event, outcomes, utc

CHICAGO = starter_policy(company_timezone="America/Chicago", programmes=PROGRAMMES)
CUSTOMER = Customer(id="c-1", timezone="America/Chicago", tier="bronze")
CHARGE_POINT = "Apologise for the duplicate charge, confirm the refund and when it will show."
THANKS_POINT = "Thank them for their feedback and say what we will do with it."


# Wednesday 25 November 2026, 10:00 CST: staff open, calling window open.
CHARGE = event("ch-1", "billing.duplicate_charge", "2026-11-25T16:00:00+00:00")
FEEDBACK = event("fb-1", "feedback", "2026-11-25T15:58:00+00:00", channel="web")


class TestMerging:
    """One customer, one call: overlapping calls merge (promise 7)."""

    def test_overlapping_calls_merge_into_one(self) -> None:
        """A duplicate charge and feedback two minutes apart: one call carrying both
        talking points (then the programmes the customer lacks), the higher priority, the
        earlier deadline and both keys, the leading rule's first."""
        decision = evaluate(
            CHICAGO, CUSTOMER, [CHARGE, FEEDBACK], now=at("2026-11-25T16:01:00+00:00")
        )
        (call,) = decision.calls
        assert (
            "c-1/-/duplicate-charge-callback/ch-1",
            ("c-1/-/duplicate-charge-callback/ch-1", "c-1/-/thanks-for-feedback/fb-1"),
            ("duplicate-charge-callback", "thanks-for-feedback"),
            Priority.URGENT,
            "2026-11-25T16:01:00+00:00",
            "2026-11-25T16:15:00+00:00",
            (CHARGE_POINT, THANKS_POINT, PROGRAMMES["autopay"], PROGRAMMES["paperless"]),
            True,
            True,
        ) == (
            call.key,
            call.keys,
            call.rules,
            call.priority,
            utc(call.due_at),
            utc(call.deadline),
            call.talking_points,
            call.extra_mile,
            call.essential,
        )

    def test_trace_says_each_rule_fired_into_the_merged_call(self) -> None:
        """Both rules' traces record the call, and the account mentions the merge."""
        decision = evaluate(
            CHICAGO, CUSTOMER, [CHARGE, FEEDBACK], now=at("2026-11-25T16:01:00+00:00")
        )
        assert [("c-1/-/thanks-for-feedback/fb-1", "call")] == outcomes(
            decision, "thanks-for-feedback"
        )
        assert "due 2026-11-25T16:01:00+00:00, merged with 1 more (wanted at " in decision.explain()

    def test_calls_due_at_the_same_opening_merge(self) -> None:
        """A critical problem and feedback from a non-loyal customer on Saturday: both are
        due at Monday's opening, so one high-priority call on the issue, by the critical
        callback's deadline, 11:00 CST."""
        report = event(
            "br-1",
            "issue.opened",
            "2026-11-28T16:00:00+00:00",
            issue_id="car-1",
            channel="phone",
            attributes={"severity": "critical"},
        )
        feedback = event("fb-1", "feedback", "2026-11-28T16:10:00+00:00", channel="web")
        decision = evaluate(
            CHICAGO, CUSTOMER, [report, feedback], now=at("2026-11-28T16:15:00+00:00")
        )
        (call,) = decision.calls
        assert (
            ("critical-callback", "thanks-for-feedback"),
            "car-1",
            Priority.HIGH,
            "2026-11-30T15:00:00+00:00",
            "2026-11-30T17:00:00+00:00",
        ) == (call.rules, call.issue_id, call.priority, utc(call.due_at), utc(call.deadline))

    def test_recording_the_merged_call_satisfies_every_key(self) -> None:
        """Making the merged call on Monday satisfies both rules."""
        report = event(
            "br-1",
            "issue.opened",
            "2026-11-28T16:00:00+00:00",
            issue_id="car-1",
            channel="phone",
            attributes={"severity": "critical"},
        )
        feedback = event("fb-1", "feedback", "2026-11-28T16:10:00+00:00", channel="web")
        (call,) = evaluate(
            CHICAGO, CUSTOMER, [report, feedback], now=at("2026-11-28T16:15:00+00:00")
        ).calls
        made = call.record(id="out-1", at=call.due_at, agent="ana")
        decision = evaluate(CHICAGO, CUSTOMER, [report, feedback, made], now=call.due_at)
        assert ((), ["satisfied"], ["satisfied"]) == (
            decision.calls,
            [o for _, o in outcomes(decision, "critical-callback")],
            [o for _, o in outcomes(decision, "thanks-for-feedback")],
        )

    def test_distant_calls_stay_apart(self) -> None:
        """A duplicate charge today and a price heads-up due in two weeks: two calls, in
        due order."""
        price = event(
            "pc-1",
            "billing.price_change",
            "2026-11-25T15:00:00+00:00",
            attributes={"increase_pct": 12, "bill_date": "2026-12-20"},
        )
        decision = evaluate(CHICAGO, CUSTOMER, [price, CHARGE], now=at("2026-11-25T16:01:00+00:00"))
        assert [
            (("duplicate-charge-callback",), "2026-11-25T16:01:00+00:00"),
            (("price-heads-up",), "2026-12-14T15:00:00+00:00"),
        ] == [(c.rules, utc(c.due_at)) for c in decision.calls]


class TestDoNotCall:
    """Do-not-call is absolute, even for an essential rule."""

    def test_suppressed_with_its_reason(self) -> None:
        """A duplicate charge for a do-not-call customer: no call, one suppressed call
        saying do-not-call, and the trace agrees."""
        customer = attrs.evolve(CUSTOMER, do_not_call=True)
        decision = evaluate(CHICAGO, customer, [CHARGE], now=at("2026-11-25T16:01:00+00:00"))
        assert () == decision.calls
        assert [
            ("c-1/-/duplicate-charge-callback/ch-1", "duplicate-charge-callback", "do-not-call")
        ] == [(s.key, s.rule, s.constraint) for s in decision.suppressed]
        assert [("c-1/-/duplicate-charge-callback/ch-1", "suppressed")] == outcomes(
            decision, "duplicate-charge-callback"
        )
        assert "SUPPRESSED duplicate-charge-callback" in decision.explain()


class TestUnknownTimezone:
    """An unknown timezone fails closed (promise 4)."""

    def test_waits_for_every_served_window(self) -> None:
        """Charged at 12:00Z (07:00 EST, 04:00 PST): the call waits until the window is open
        in both served zones, 08:00 PST (16:00Z), and its deadline moves with it."""
        policy = starter_policy(
            company_timezone="America/New_York",
            served_timezones=("America/New_York", "America/Los_Angeles"),
        )
        charge = event("ch-1", "billing.duplicate_charge", "2026-11-25T12:00:00+00:00")
        decision = evaluate(
            policy, Customer(id="c-1"), [charge], now=at("2026-11-25T12:01:00+00:00")
        )
        (call,) = decision.calls
        assert ("2026-11-25T16:00:00+00:00", "2026-11-25T16:15:00+00:00", "UTC") == (
            call.due_at.isoformat(),
            utc(call.deadline),
            call.due_at.timezone_name,
        )
        assert [
            "customer timezone unknown; calling window closed in America/New_York until 08:00 EST",
            (
                "customer timezone unknown; calling window closed in America/Los_Angeles"
                " until 08:00 PST"
            ),
        ] == [m.reason for m in call.moved_by]

    def test_suppressed_when_no_zone_is_served(self) -> None:
        """With no served zones there is no window to trust: suppressed."""
        decision = evaluate(
            starter_policy(), Customer(id="c-1"), [CHARGE], now=at("2026-11-25T16:01:00+00:00")
        )
        assert ((), ["unknown-timezone"]) == (
            decision.calls,
            [s.constraint for s in decision.suppressed],
        )


class TestNoCommonWindow:
    """A call that can never be placed says so instead of hanging."""

    def test_calling_hours_that_never_meet_staff_hours(self) -> None:
        """A customer reachable only 18:00-20:00 and staff open 09:00-17:00 in the same zone:
        once the callback hour after their feedback is over, the thank-you call (not
        extra-mile) is suppressed."""
        customer = attrs.evolve(CUSTOMER, calling_hours="18:00-20:00")
        decision = evaluate(CHICAGO, customer, [FEEDBACK], now=at("2026-11-25T17:01:00+00:00"))
        assert ((), ["no-common-window"]) == (
            decision.calls,
            [s.constraint for s in decision.suppressed],
        )


class TestRevisit:
    """The decision says when it could change on its own."""

    def test_revisit_when_a_later_call_falls_due(self) -> None:
        """A heads-up due on 14 December: the decision on 1 December is to be revisited
        when that call falls due (found by the revisit property: it used to say the
        deadline, although after 17:00 CST on the 14th the call moves to the next day)."""
        price = event(
            "pc-1",
            "billing.price_change",
            "2026-12-01T15:00:00+00:00",
            attributes={"increase_pct": 15, "bill_date": "2026-12-20"},
        )
        decision = evaluate(CHICAGO, CUSTOMER, [price], now=at("2026-12-01T16:00:00+00:00"))
        assert decision.revisit_at is not None
        assert "2026-12-14T15:00:00+00:00" == utc(decision.revisit_at)
        evening = evaluate(CHICAGO, CUSTOMER, [price], now=at("2026-12-14T23:30:00+00:00"))
        assert ["2026-12-15T15:00:00+00:00"] == [utc(c.due_at) for c in evening.calls]

    def test_revisit_when_staff_close_on_a_call_due_now(self) -> None:
        """Feedback at 16:30 CST on Wednesday: the call is due now, until staff close at
        17:00 CST (23:00Z), which is when the answer changes."""
        feedback = event("fb-1", "feedback", "2026-11-25T22:30:00+00:00", channel="web")
        decision = evaluate(CHICAGO, CUSTOMER, [feedback], now=at("2026-11-25T22:31:00+00:00"))
        assert decision.revisit_at is not None
        assert ["2026-11-25T22:31:00+00:00"] == [utc(c.due_at) for c in decision.calls]
        assert "2026-11-25T23:00:00+00:00" == utc(decision.revisit_at)

    def test_no_revisit_when_nothing_can_change(self) -> None:
        """No history and no anniversary to come: nothing to revisit."""
        decision = evaluate(CHICAGO, CUSTOMER, [], now=at("2026-11-25T16:01:00+00:00"))
        assert None is decision.revisit_at

    def test_backtest_loop_over_now(self) -> None:
        """Evaluating at each revisit instant, making every call when it falls due, walks
        through a history and makes each call exactly once."""
        history = [CHARGE, FEEDBACK]
        now = at("2026-11-25T16:01:00+00:00")
        made: list[tuple[str, ...]] = []
        for step in range(10):
            decision = evaluate(CHICAGO, CUSTOMER, history, now=now)
            for call in decision.calls:
                if call.due_at <= now:
                    made.append(call.keys)
                    history.append(call.record(id=f"out-{step}", at=now))
            if decision.revisit_at is None:
                break
            now = decision.revisit_at
        assert [("c-1/-/duplicate-charge-callback/ch-1", "c-1/-/thanks-for-feedback/fb-1")] == made


@attrs.frozen
class _Explodes(Condition):
    """A custom condition with a bug in it."""

    def check(self, ctx: Context) -> bool:
        """Divides by zero."""
        return 1 / 0 > ctx.now


class TestErrors:
    """Bad facts and misbehaving policies raise clear errors (promise 9)."""

    def test_interaction_of_another_customer(self) -> None:
        """An interaction of c-2 in c-1's history: a FactsError, also a ValueError, naming
        the interaction and both customers."""
        stray = event("x-9", "feedback", "2026-11-25T15:00:00+00:00", customer="c-2")
        with pytest.raises(FactsError) as caught:
            evaluate(CHICAGO, CUSTOMER, [CHARGE, stray], now=at("2026-11-25T16:01:00+00:00"))
        assert isinstance(caught.value, ValueError)
        assert "interaction 'x-9' belongs to customer 'c-2', not to 'c-1'" == str(caught.value)

    def test_naive_now(self) -> None:
        """A naive ``now``: a FactsError (a ValueError) saying what arrived."""
        with pytest.raises(FactsError, match="naive datetime 2026-11-25 16:01:00") as caught:
            evaluate(CHICAGO, CUSTOMER, [CHARGE], now=dt.datetime(2026, 11, 25, 16, 1))
        assert isinstance(caught.value, ValueError)

    def test_condition_that_raises_names_the_rule(self) -> None:
        """A custom condition raising ZeroDivisionError: a ConditionError (a PolicyError)
        naming the rule, chained to the original error."""
        policy = FollowUpPolicy(
            name="buggy",
            rules=[
                Rule(
                    name="divide-and-call",
                    trigger=On("feedback"),
                    condition=_Explodes(),
                    deadline=TRIGGER + Elapsed(hours=1),
                )
            ],
            schedule=Schedule.always_open("America/Chicago"),
        )
        with pytest.raises(ConditionError) as caught:
            evaluate(policy, CUSTOMER, [FEEDBACK], now=at("2026-11-25T16:01:00+00:00"))
        assert isinstance(caught.value, PolicyError)
        assert isinstance(caught.value.__cause__, ZeroDivisionError)
        assert str(caught.value).startswith("rule 'divide-and-call': condition ")
        assert "raised ZeroDivisionError: division by zero" in str(caught.value)

    def test_duplicate_rule_names(self) -> None:
        """Two rules with one name: a PolicyError naming it."""
        rule = Rule(name="twice", trigger=On("feedback"), deadline=TRIGGER)
        with pytest.raises(PolicyError, match="two rules named 'twice'") as caught:
            FollowUpPolicy(name="p", rules=[rule, rule], schedule=Schedule.always_open("UTC"))
        assert isinstance(caught.value, ValueError)
        assert isinstance(caught.value, ExtramileError)

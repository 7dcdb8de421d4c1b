"""Story tables for the two moments of a rule (promise 11): its condition is judged on
the facts as of the episode's trigger, its stop condition at ``now``."""

from __future__ import annotations

from typing import Any

from extramile import (
    DUE,
    TRIGGER,
    Customer,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    Local,
    On,
    Rule,
    Schedule,
    evaluate,
    starter_policy,
)
from extramile.conditions import count_at_least, issue_attr, issue_open, silence_at_least
from scenario_helpers import at, event, outcomes, utc

# Staff in London, Monday to Friday 09:00-17:00; the clocks go forward on Sunday
# 29 March 2026 (01:00 GMT becomes 02:00 BST).
LONDON = Schedule(timezone="Europe/London", hours={"mon-fri": "09:00-17:00"})
CUSTOMER = Customer(id="c-1", timezone="Europe/London")


def policy_of(*rules: Rule) -> FollowUpPolicy:
    """A policy of just these rules, with London staff hours."""
    return FollowUpPolicy(name="moments", rules=rules, schedule=LONDON)


def update(ident: str, when: str, **fields: Any) -> Interaction:
    """An inbound update on issue t-1."""
    return event(ident, "issue.updated", when, issue_id="t-1", **fields)


REPEAT = Rule(
    name="repeat-contact",
    trigger=On("issue.updated"),
    condition=count_at_least("issue.updated", 3, within=Local(days=10)),
    due=TRIGGER,
    deadline=DUE + Local(days=14),
)


class TestConditionAsOfTheTrigger:
    """What made the call warranted is judged then, not now."""

    def test_three_contacts_within_ten_days_counted_back_from_the_trigger(self) -> None:
        """Updates on Mon 2, Thu 5 and Mon 9 March 2026, 10:00 GMT.  Only the third
        finds three within 10 local days of itself; a week later, when the first has
        aged out of any window ending now, the call is still warranted, and due since
        the trigger."""
        history = [
            update("u-1", "2026-03-02T10:00:00+00:00"),
            update("u-2", "2026-03-05T10:00:00+00:00"),
            update("u-3", "2026-03-09T10:00:00+00:00"),
        ]
        decision = evaluate(policy_of(REPEAT), CUSTOMER, history, now=at("2026-03-16T12:00:00Z"))
        assert (
            [
                ("c-1/t-1/repeat-contact/u-1", "not-fired"),
                ("c-1/t-1/repeat-contact/u-2", "not-fired"),
                ("c-1/t-1/repeat-contact/u-3", "call"),
            ],
            ["2026-03-16T12:00:00+00:00"],
            ["2026-03-23T10:00:00+00:00"],
        ) == (
            outcomes(decision, "repeat-contact"),
            [utc(call.due_at) for call in decision.calls],
            [utc(call.deadline) for call in decision.calls],
        )

    def test_the_window_ends_at_the_trigger_in_local_days_across_the_clock_change(
        self,
    ) -> None:
        """Ten local days before Wed 1 April 10:00 BST (09:00Z) begin on Sun 22 March
        10:00 GMT (10:00Z): an update at 10:00Z that day is exactly ten days old and out;
        one a minute later is in.  Counted at an elapsed 240 hours it would be in both."""
        late = [
            update("u-1", "2026-03-22T10:01:00+00:00"),
            update("u-2", "2026-03-27T10:00:00+00:00"),
            update("u-3", "2026-04-01T09:00:00+00:00"),
        ]
        edge = [update("u-1", "2026-03-22T10:00:00+00:00"), *late[1:]]
        now = at("2026-04-01T10:30:00+01:00")
        assert (["c-1/t-1/repeat-contact/u-3"], []) == (
            [call.key for call in evaluate(policy_of(REPEAT), CUSTOMER, late, now=now).calls],
            [call.key for call in evaluate(policy_of(REPEAT), CUSTOMER, edge, now=now).calls],
        )

    def test_a_condition_true_at_the_trigger_but_false_now_still_fires(self) -> None:
        """A critical issue reported Mon 2 March 10:00Z, downgraded to low the next day:
        the call the report warranted is still recommended on Wednesday, with no revisit
        time from the condition (judged at a moment already past)."""
        rule = Rule(
            name="critical-report",
            trigger=On("issue.opened"),
            condition=issue_attr("severity").equals("critical") & issue_open(),
            due=TRIGGER + Local(days=2),
            deadline=DUE + Local(days=1),
        )
        history = [
            event("o-1", "issue.opened", "2026-03-02T10:00:00Z", issue_id="t-1",
                  attributes={"severity": "critical"}),
            update("u-1", "2026-03-03T10:00:00+00:00", attributes={"severity": "low"}),
            event("r-1", "issue.resolved", "2026-03-03T11:00:00Z", issue_id="t-1"),
        ]  # fmt: skip
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at("2026-03-04T09:00:00Z"))
        assert (["2026-03-04T10:00:00+00:00"], "2026-03-04T10:00:00+00:00") == (
            [utc(call.due_at) for call in decision.calls],
            utc(decision.revisit_at) if decision.revisit_at else None,
        )


CHECK_IN = Rule(
    name="check-in",
    trigger=On("issue.opened"),
    due=TRIGGER + Local(days=7),
    deadline=DUE + Local(days=2),
    stop=~issue_open(),
)
OPENED = event("o-1", "issue.opened", "2026-03-02T10:00:00Z", issue_id="t-2")
RESOLVED = event("r-1", "issue.resolved", "2026-03-05T15:00:00Z", issue_id="t-2")


class TestStopAtNow:
    """What ends an episode is judged at now."""

    def test_a_true_stop_condition_ends_the_episode_and_says_so(self) -> None:
        """Opened Mon 2 March, resolved Thu 5 March: the check-in due Mon 9 March is
        over, neither a call nor a suppressed call, and the trace names the stop."""
        decision = evaluate(
            policy_of(CHECK_IN), CUSTOMER, [OPENED, RESOLVED], now=at("2026-03-09T12:00:00Z")
        )
        (rule_trace,) = decision.trace
        assert (
            (),
            (),
            "no call (stopped)",
            [
                (
                    "stopped",
                    (
                        "stopped at now by ~issue_is('open', 'reopened'): not (issue_is('open',"
                        " 'reopened') failed: the issue was resolved)"
                    ),
                )
            ],
            None,
        ) == (
            decision.calls,
            decision.suppressed,
            rule_trace.summary,
            [(episode.outcome, episode.detail) for episode in rule_trace.episodes],
            decision.revisit_at,
        )

    def test_before_the_stop_the_call_stands(self) -> None:
        """Before the resolution the check-in is planned for Mon 9 March 10:00Z."""
        decision = evaluate(policy_of(CHECK_IN), CUSTOMER, [OPENED], now=at("2026-03-04T12:00Z"))
        assert ["2026-03-09T10:00:00+00:00"] == [utc(call.due_at) for call in decision.calls]

    def test_a_stop_that_comes_with_time_feeds_revisit_at(self) -> None:
        """Stop chasing after 48 hours of silence on the issue: opened Mon 2 March 10:00Z,
        with the call due Thu 5 March; the decision is revisited at Wed 4 March 10:00Z,
        when the stop holds and the call is gone."""
        rule = Rule(
            name="chase",
            trigger=On("issue.opened"),
            due=TRIGGER + Local(days=3),
            deadline=DUE + Local(days=1),
            stop=silence_at_least(Elapsed(hours=48)),
        )
        first = evaluate(policy_of(rule), CUSTOMER, [OPENED], now=at("2026-03-02T12:00:00Z"))
        assert first.revisit_at is not None
        then = evaluate(policy_of(rule), CUSTOMER, [OPENED], now=first.revisit_at)
        assert ("2026-03-04T10:00:00+00:00", 1, (), "stopped") == (
            utc(first.revisit_at),
            len(first.calls),
            then.calls,
            then.trace[0].episodes[0].outcome,
        )


class TestStarterPolicy:
    """The starter policy's "still open" check is a stop condition."""

    def test_the_intermittent_check_in_stops_when_the_issue_is_resolved(self) -> None:
        """An intermittent problem reported Mon 2 March 10:00Z, then a conversation on
        Tue 3 March: the check-in is due Tue 10 March.  Resolved on Fri 6 March, the
        resolution is the issue's last contact and its episode stops at once."""
        policy = starter_policy(company_timezone="Europe/London")
        history = [
            event("o-1", "issue.opened", "2026-03-02T10:00:00Z", issue_id="t-1",
                  attributes={"intermittent": True}),
            update("u-1", "2026-03-03T10:00:00+00:00"),
        ]  # fmt: skip
        resolved = event("r-1", "issue.resolved", "2026-03-06T10:00:00Z", issue_id="t-1")
        before = evaluate(policy, CUSTOMER, history, now=at("2026-03-05T10:00:00Z"))
        after = evaluate(policy, CUSTOMER, [*history, resolved], now=at("2026-03-06T11:00Z"))
        assert (
            ["2026-03-10T10:00:00+00:00"],
            [("c-1/t-1/intermittent-check-in/r-1", "stopped")],
            (),
        ) == (
            [utc(call.due_at) for call in before.calls],
            outcomes(after, "intermittent-check-in"),
            after.calls,
        )

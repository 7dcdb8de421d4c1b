"""Story tables for the starter policy's escalations: ``repeat-contact``,
``reopened-callback``, and the critical rules on a reopened issue, with exact instants.

The company and the customers are in New York; staff work Monday to Friday 09:00-17:00.
Monday 2 March 2026 is a winter day (EST, UTC-5); the clocks go forward on Sunday
8 March, so from Monday 9 March 09:00 EDT is 13:00Z.
"""

from __future__ import annotations

from typing import Any

from extramile import Customer, Decision, Elapsed, Interaction, Priority, evaluate, plan
from extramile import starter_policy as make_policy
from scenario_helpers import at, event, outcomes, utc

POLICY = make_policy(company_timezone="America/New_York")
SILVER = Customer(id="c-1", timezone="America/New_York", tier="silver")
GOLD = Customer(id="c-1", timezone="America/New_York", tier="gold")
REPEAT = "repeat-contact"
REOPENED = "reopened-callback"


def contact(ident: str, kind: str, when: str, **fields: Any) -> Interaction:
    """An interaction on issue t-1, inbound by phone unless told otherwise."""
    fields.setdefault("issue_id", "t-1")
    fields.setdefault("channel", "phone")
    return event(ident, kind, when, **fields)


def calls(decision: Decision) -> list[tuple[str, str, str]]:
    """(key, due, deadline) of each call, in UTC."""
    return [(c.key, utc(c.due_at), utc(c.deadline)) for c in decision.calls]


# Monday 10:00 EST, Wednesday 14:00 EST (email), Thursday 11:00 EST (the customer rings).
THREE = [
    contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"),
    contact("i-2", "issue.updated", "2026-03-04T19:00:00+00:00", channel="email"),
    contact("i-3", "call", "2026-03-05T16:00:00+00:00"),
]
KEY_3 = "c-1/t-1/repeat-contact/i-3"


class TestRepeatContact:
    """Three inbound contacts on one open issue within 10 local days: a senior agent
    calls within staff hours, within one business day of the due time."""

    def test_third_contact_makes_a_senior_call(self) -> None:
        """The call on Thursday 11:00 EST is the third contact: a high call for the senior
        queue, due at once, by Friday 11:00 EST, not extra-mile."""
        decision = evaluate(POLICY, SILVER, THREE, now=at("2026-03-05T16:00:00+00:00"))
        assert [(KEY_3, "2026-03-05T16:00:00+00:00", "2026-03-06T16:00:00+00:00")] == calls(
            decision
        )
        (call,) = decision.calls
        assert (Priority.HIGH, "senior", False, (REPEAT,)) == (
            call.priority,
            call.queue,
            call.extra_mile,
            call.rules,
        )

    def test_two_contacts_are_not_enough(self) -> None:
        """After the second contact, no call; its trace says how many it counted."""
        decision = evaluate(POLICY, SILVER, THREE[:2], now=at("2026-03-04T19:00:00+00:00"))
        assert [] == calls(decision)
        (trace,) = [t for t in decision.trace if t.rule == REPEAT]
        assert "fewer than 3 on issue 't-1', 2 such interactions" in trace.episodes[1].detail

    def test_later_contacts_start_nothing_new(self) -> None:
        """A fourth (Friday 10:00 EST) and a fifth contact (Friday 10:30 EST) keep the one
        episode of the third: one call, still keyed by the third contact."""
        history = [
            *THREE,
            contact("i-4", "issue.updated", "2026-03-06T15:00:00+00:00", channel="chat"),
            contact("i-5", "call", "2026-03-06T15:30:00+00:00"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-06T15:45:00+00:00"))
        assert [(KEY_3, "2026-03-06T15:45:00+00:00", "2026-03-06T16:00:00+00:00")] == calls(
            decision
        )
        assert [
            ("c-1/t-1/repeat-contact/i-1", "not-fired"),
            ("c-1/t-1/repeat-contact/i-2", "not-fired"),
            (KEY_3, "call"),
            ("c-1/t-1/repeat-contact/i-4", "not-fired"),
            ("c-1/t-1/repeat-contact/i-5", "not-fired"),
        ] == sorted(outcomes(decision, REPEAT))

    def test_a_later_third_in_a_sliding_window_starts_nothing_new(self) -> None:
        """Contacts on 2, 3 and 4 March at 10:00 EST make the third on the 4th.  Contacts
        on 12 and 13 March: on the 13th the ten local days back hold three again (4, 12,
        13 March), but no call has reached the customer since the third: nothing new."""
        history = [
            contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"),
            contact("i-2", "issue.updated", "2026-03-03T15:00:00+00:00"),
            contact("i-3", "issue.updated", "2026-03-04T15:00:00+00:00"),
            contact("i-4", "issue.updated", "2026-03-12T14:00:00+00:00"),
            contact("i-5", "issue.updated", "2026-03-13T14:00:00+00:00"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-13T14:00:00+00:00"))
        assert ["c-1/t-1/repeat-contact/i-3"] == [
            key for key, outcome in outcomes(decision, REPEAT) if outcome != "not-fired"
        ]

    def test_three_new_contacts_after_a_reached_call_start_a_new_episode(self) -> None:
        """The senior agent reaches the customer on Friday 6 March 11:00 EST; contacts on
        Friday 13:00 EST, Monday 9 March 10:00 EDT and Tuesday 10:00 EDT make a new third:
        a new call keyed by Tuesday's contact; the first episode was satisfied."""
        history = [
            *THREE,
            contact(
                "o-1", "call", "2026-03-06T16:00:00+00:00", direction="outbound", outcome="reached"
            ),
            contact("i-4", "issue.updated", "2026-03-06T18:00:00+00:00"),
            contact("i-5", "issue.updated", "2026-03-09T14:00:00+00:00", channel="email"),
            contact("i-6", "call", "2026-03-10T14:00:00+00:00"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-10T14:00:00+00:00"))
        key_6 = "c-1/t-1/repeat-contact/i-6"
        assert [(key_6, "2026-03-10T14:00:00+00:00", "2026-03-11T14:00:00+00:00")] == calls(
            decision
        )
        assert (KEY_3, "satisfied") in outcomes(decision, REPEAT)

    def test_an_unanswered_call_is_tried_again_not_a_new_run(self) -> None:
        """A try on Thursday 12:00 EST that got no answer does not end the run: the fourth
        and fifth contacts start nothing; the same call is tried again at 14:00 EST (the
        default retry, two hours later), try 2 of 3."""
        history = [
            *THREE,
            contact(
                "o-1",
                "call",
                "2026-03-05T17:00:00+00:00",
                direction="outbound",
                outcome="no_answer",
            ),
            contact("i-4", "issue.updated", "2026-03-05T17:30:00+00:00"),
            contact("i-5", "issue.updated", "2026-03-05T18:00:00+00:00"),
            contact("i-6", "issue.updated", "2026-03-05T18:30:00+00:00"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-05T18:30:00+00:00"))
        (call,) = decision.calls
        assert (KEY_3, "2026-03-05T19:00:00+00:00", 2, 3) == (
            call.key,
            utc(call.due_at),
            call.attempt,
            call.tries,
        )

    def test_system_events_do_not_count(self) -> None:
        """A system-channel update between two contacts is not a contact: the second
        real contact after it is not the third; a third real one is."""
        history = [
            contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"),
            contact("s-1", "issue.updated", "2026-03-03T15:00:00+00:00", channel="system"),
            contact("i-2", "issue.updated", "2026-03-04T15:00:00+00:00", channel="chat"),
        ]
        assert [] == calls(evaluate(POLICY, SILVER, history, now=at("2026-03-04T15:00:00+00:00")))
        history.append(contact("i-3", "call", "2026-03-04T16:00:00+00:00"))
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-04T16:00:00+00:00"))
        assert ["c-1/t-1/repeat-contact/i-3"] == [c.key for c in decision.calls]

    def test_outbound_contacts_do_not_count(self) -> None:
        """Our own email on the issue is not the customer chasing us."""
        history = [
            contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"),
            contact("o-1", "issue.updated", "2026-03-03T15:00:00+00:00", direction="outbound"),
            contact("i-2", "issue.updated", "2026-03-04T15:00:00+00:00"),
        ]
        assert [] == calls(evaluate(POLICY, SILVER, history, now=at("2026-03-04T15:00:00+00:00")))

    def test_contacts_on_other_issues_do_not_count(self) -> None:
        """Three contacts on three issues are three single contacts."""
        history = [
            contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"),
            contact("i-2", "issue.opened", "2026-03-03T15:00:00+00:00", issue_id="t-2"),
            contact("i-3", "issue.updated", "2026-03-04T15:00:00+00:00"),
            contact("i-4", "feedback", "2026-03-04T16:00:00+00:00", issue_id=None),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-04T16:00:00+00:00"))
        assert [] == [c for c in decision.calls if REPEAT in c.rules]

    def test_ten_local_days_across_the_clock_change(self) -> None:
        """The first contact, Monday 2 March 10:00 EST, leaves the window ten local days
        later, Thursday 12 March 10:00 EDT (14:00Z, 239 elapsed hours).  A third contact at
        13:59Z counts it; one at 14:00Z does not."""
        first_two = [
            contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"),
            contact("i-2", "issue.updated", "2026-03-10T14:00:00+00:00"),
        ]
        inside = [*first_two, contact("i-3", "call", "2026-03-12T13:59:00+00:00")]
        decision = evaluate(POLICY, SILVER, inside, now=at("2026-03-12T13:59:00+00:00"))
        assert [
            ("c-1/t-1/repeat-contact/i-3", "2026-03-12T13:59:00+00:00", "2026-03-13T13:59:00+00:00")
        ] == calls(decision)
        outside = [*first_two, contact("i-3", "call", "2026-03-12T14:00:00+00:00")]
        assert [] == calls(evaluate(POLICY, SILVER, outside, now=at("2026-03-12T14:00:00+00:00")))

    def test_third_contact_on_a_saturday_waits_for_staff_hours(self) -> None:
        """A third contact on Saturday 7 March 11:00 EST is called on Monday 9 March at
        09:00 EDT (13:00Z), by Tuesday 09:00 EDT: one business day from where it landed."""
        history = [
            *THREE[:2],
            contact("i-3", "call", "2026-03-07T16:00:00+00:00"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-07T16:00:00+00:00"))
        assert [
            ("c-1/t-1/repeat-contact/i-3", "2026-03-09T13:00:00+00:00", "2026-03-10T13:00:00+00:00")
        ] == calls(decision)
        assert ["staff-hours"] == [move.constraint for move in decision.calls[0].moved_by]

    def test_a_loyal_customer_waits_for_staff_hours_too(self) -> None:
        """The rule is not extra-mile: a gold customer's Saturday third contact waits too."""
        history = [*THREE[:2], contact("i-3", "call", "2026-03-07T16:00:00+00:00")]
        decision = evaluate(POLICY, GOLD, history, now=at("2026-03-07T16:00:00+00:00"))
        assert [("2026-03-09T13:00:00+00:00", False)] == [
            (utc(c.due_at), c.extra_mile) for c in decision.calls
        ]

    def test_stops_when_the_issue_is_resolved(self) -> None:
        """Resolved on Thursday 15:00 EST before anyone called: the episode is stopped."""
        history = [
            *THREE,
            contact("r-1", "issue.resolved", "2026-03-05T20:00:00+00:00", channel="system"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-05T20:30:00+00:00"))
        assert ([], [(KEY_3, "stopped")]) == (
            calls(decision),
            [item for item in outcomes(decision, REPEAT) if item[1] != "not-fired"],
        )

    def test_a_third_contact_on_a_resolved_issue_is_not_a_repeat_contact(self) -> None:
        """The issue was resolved before the third contact (an inbound feedback email on
        it): the issue was not open at the trigger, so no escalation."""
        history = [
            *THREE[:2],
            contact("r-1", "issue.resolved", "2026-03-05T14:00:00+00:00", channel="system"),
            contact("i-3", "feedback", "2026-03-05T16:00:00+00:00", channel="email"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-05T16:00:00+00:00"))
        assert [] == [c for c in decision.calls if REPEAT in c.rules]

    def test_the_senior_queue_in_the_plan(self) -> None:
        """plan() carries the queue, and a senior queue capacity applies to it."""
        agenda = plan(
            POLICY,
            [(SILVER, THREE)],
            now=at("2026-03-05T16:00:00+00:00"),
            horizon=Elapsed(days=2),
            queue_capacity={"senior": 5},
        )
        assert [(KEY_3, "senior")] == [(c.key, c.queue) for c in agenda]


# An issue opened on Monday 2 March 10:00 EST, severity critical, while staff were open.
CRITICAL_OPENED = contact(
    "i-1", "issue.opened", "2026-03-02T15:00:00+00:00", attributes={"severity": "critical"}
)
RESOLVED = contact("r-1", "issue.resolved", "2026-03-03T15:00:00+00:00", channel="system")
# Reopened by the customer on Saturday 7 March 11:00 EST, staff closed; no severity given.
SATURDAY_REOPEN = contact("ro-1", "issue.reopened", "2026-03-07T16:00:00+00:00")
REOPEN_KEY = "c-1/t-1/reopened-callback/ro-1"


class TestReopenedCallback:
    """An issue reopened: a high call within staff hours, by four business hours after
    the due time; at any hour for a loyal customer."""

    def test_reopened_in_staff_hours(self) -> None:
        """Reopened on Tuesday 3 March 11:00 EST: due at once, by 15:00 EST."""
        history = [
            contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"),
            contact("r-1", "issue.resolved", "2026-03-02T20:00:00+00:00", channel="system"),
            contact("ro-1", "issue.reopened", "2026-03-03T16:00:00+00:00"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-03T16:00:00+00:00"))
        assert [(REOPEN_KEY, "2026-03-03T16:00:00+00:00", "2026-03-03T20:00:00+00:00")] == calls(
            decision
        )
        (call,) = decision.calls
        assert (Priority.HIGH, False, None) == (call.priority, call.extra_mile, call.queue)

    def test_late_on_friday_the_deadline_runs_into_monday(self) -> None:
        """Reopened on Friday 6 March 15:00 EST: two business hours left on Friday, two
        more on Monday from 09:00 EDT: by Monday 11:00 EDT (15:00Z)."""
        history = [
            contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"),
            RESOLVED,
            contact("ro-1", "issue.reopened", "2026-03-06T20:00:00+00:00"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-06T20:00:00+00:00"))
        assert [(REOPEN_KEY, "2026-03-06T20:00:00+00:00", "2026-03-09T15:00:00+00:00")] == calls(
            decision
        )

    def test_reopened_on_a_saturday_waits_for_monday(self) -> None:
        """A silver customer's Saturday reopening: Monday 09:00 EDT, by 13:00 EDT."""
        history = [contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"), RESOLVED]
        history.append(SATURDAY_REOPEN)
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-07T16:00:00+00:00"))
        assert [(REOPEN_KEY, "2026-03-09T13:00:00+00:00", "2026-03-09T17:00:00+00:00")] == calls(
            decision
        )

    def test_a_loyal_customer_is_called_at_once_on_a_saturday(self) -> None:
        """A gold customer's Saturday reopening is called at once (extra-mile), by four
        business hours later: Monday 13:00 EDT."""
        history = [contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"), RESOLVED]
        history.append(SATURDAY_REOPEN)
        decision = evaluate(POLICY, GOLD, history, now=at("2026-03-07T16:00:00+00:00"))
        assert [(REOPEN_KEY, "2026-03-07T16:00:00+00:00", "2026-03-09T17:00:00+00:00")] == calls(
            decision
        )
        assert decision.calls[0].extra_mile

    def test_resolved_again_before_the_call_stops_it(self) -> None:
        """Resolved again on Monday 08:30 EDT before anyone called: stopped."""
        history = [
            contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"),
            RESOLVED,
            SATURDAY_REOPEN,
            contact("r-2", "issue.resolved", "2026-03-09T12:30:00+00:00", channel="system"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-09T12:45:00+00:00"))
        assert ([], [(REOPEN_KEY, "stopped")]) == (calls(decision), outcomes(decision, REOPENED))


class TestCriticalReopening:
    """The critical rules take a reopening too, reading the severity from the issue, and
    merge with the reopened callback into one call."""

    def test_loyal_customer_critical_reopening_is_one_urgent_call(self) -> None:
        """A gold customer's critical issue reopened on Saturday: loyal-rescue (urgent,
        by 30 minutes) and reopened-callback (by Monday 13:00 EDT) merge into one urgent
        extra-mile call due at once, by 11:30 EST, with both talking points."""
        history = [CRITICAL_OPENED, RESOLVED, SATURDAY_REOPEN]
        decision = evaluate(POLICY, GOLD, history, now=at("2026-03-07T16:00:00+00:00"))
        (call,) = decision.calls
        assert (
            "c-1/t-1/loyal-rescue/ro-1",
            ("c-1/t-1/loyal-rescue/ro-1", REOPEN_KEY),
            ("loyal-rescue", REOPENED),
            "2026-03-07T16:00:00+00:00",
            "2026-03-07T16:30:00+00:00",
            Priority.URGENT,
            True,
            2,
        ) == (
            call.key,
            call.keys,
            call.rules,
            utc(call.due_at),
            utc(call.deadline),
            call.priority,
            call.extra_mile,
            len(call.talking_points),
        )

    def test_other_customer_critical_reopening_is_one_call_first_thing(self) -> None:
        """A silver customer's: critical-callback (Monday 09:00 EDT, by 11:00 EDT) and
        reopened-callback (by 13:00 EDT) merge into one high call by 11:00 EDT."""
        history = [CRITICAL_OPENED, RESOLVED, SATURDAY_REOPEN]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-07T16:00:00+00:00"))
        (call,) = decision.calls
        assert (
            ("critical-callback", REOPENED),
            "2026-03-09T13:00:00+00:00",
            "2026-03-09T15:00:00+00:00",
            Priority.HIGH,
            False,
        ) == (call.rules, utc(call.due_at), utc(call.deadline), call.priority, call.extra_mile)

    def test_a_reopening_reads_the_severity_the_issue_had_then(self) -> None:
        """Downgraded to normal on Tuesday before it was resolved: the Saturday
        reopening is not critical; only the reopened callback (at once, for gold)."""
        history = [
            CRITICAL_OPENED,
            contact(
                "u-1",
                "issue.updated",
                "2026-03-03T14:00:00+00:00",
                channel="system",
                attributes={"severity": "normal"},
            ),
            RESOLVED,
            SATURDAY_REOPEN,
        ]
        decision = evaluate(POLICY, GOLD, history, now=at("2026-03-07T16:00:00+00:00"))
        assert [((REOPENED,), "2026-03-09T17:00:00+00:00")] == [
            (c.rules, utc(c.deadline)) for c in decision.calls
        ]

    def test_a_critical_reopening_in_staff_hours_is_the_reopened_callback_alone(self) -> None:
        """Reopened on Wednesday 4 March 11:00 EST, staff open: no critical rule fires."""
        history = [
            CRITICAL_OPENED,
            RESOLVED,
            contact("ro-1", "issue.reopened", "2026-03-04T16:00:00+00:00"),
        ]
        decision = evaluate(POLICY, GOLD, history, now=at("2026-03-04T16:00:00+00:00"))
        assert [((REOPENED,), "2026-03-04T16:00:00+00:00", "2026-03-04T20:00:00+00:00")] == [
            (c.rules, utc(c.due_at), utc(c.deadline)) for c in decision.calls
        ]

    def test_a_reopening_that_is_the_third_contact_merges_with_repeat_contact(self) -> None:
        """Opened Monday, updated Tuesday, resolved by the system, reopened by the customer
        on Thursday 11:00 EST: the third contact and a reopening.  One call: both rules,
        led by the reopened callback (the earlier deadline, 15:00 EST), so it goes to the
        general queue."""
        history = [
            contact("i-1", "issue.opened", "2026-03-02T15:00:00+00:00"),
            contact("i-2", "issue.updated", "2026-03-03T15:00:00+00:00"),
            contact("r-1", "issue.resolved", "2026-03-04T15:00:00+00:00", channel="system"),
            contact("ro-1", "issue.reopened", "2026-03-05T16:00:00+00:00"),
        ]
        decision = evaluate(POLICY, SILVER, history, now=at("2026-03-05T16:00:00+00:00"))
        (call,) = decision.calls
        assert ((REOPENED, REPEAT), "2026-03-05T20:00:00+00:00", None) == (
            call.rules,
            utc(call.deadline),
            call.queue,
        )

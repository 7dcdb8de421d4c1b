"""Reports on the calls made: what each call served, by its rules' own deadlines."""

from __future__ import annotations

import datetime as dt

from extramile import Business, Customer, Interaction, evaluate, starter_policy
from extramile.reports import calls_made

UTC = dt.timezone.utc
POLICY = starter_policy(company_timezone="America/New_York")
T0 = dt.datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
"""Tuesday 10:00 in New York: staff are open."""


class TestCallsMade:
    def test_a_call_that_closes_part_of_a_merged_call_is_scored_by_that_part(self) -> None:
        """A duplicate charge (on issue b-1: urgent, extra mile, 15 minutes) and feedback
        (two business days) at one moment merge into one call.  An agent's call an hour
        later on another issue closes only the feedback: it served thanks-for-feedback,
        on time by that rule's deadline, and went no extra mile."""
        customer = Customer(id="c-1", timezone="America/New_York")
        history = [
            Interaction(
                id="i-1",
                customer_id="c-1",
                kind="billing.duplicate_charge",
                at=T0,
                issue_id="b-1",
            ),
            Interaction(id="i-2", customer_id="c-1", kind="feedback", at=T0),
        ]
        (merged,) = evaluate(POLICY, customer, history, now=T0).calls
        assert (True, T0 + dt.timedelta(minutes=15)) == (merged.extra_mile, merged.deadline)
        later = T0 + dt.timedelta(hours=1)
        made = Interaction(
            id="i-3",
            customer_id="c-1",
            kind="call",
            direction="outbound",
            at=later,
            issue_id="other",
            agent="bo",
        )
        report = calls_made(
            POLICY, [(customer, [*history, made])], start=T0, end=T0 + dt.timedelta(days=1)
        )
        (served,) = report.calls
        feedback_deadline = POLICY.schedule.add(T0, Business(days=2))
        assert (("thanks-for-feedback",), False, True, feedback_deadline) == (
            served.rules,
            served.extra_mile,
            served.on_time,
            served.deadline,
        )

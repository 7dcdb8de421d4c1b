"""Reports on the calls made: what each call served, by its rules' own deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from extramile import (
    Business,
    Customer,
    FactTypeError,
    Interaction,
    InvalidFactError,
    evaluate,
    starter_policy,
)
from extramile.reports import calls_made

UTC = dt.timezone.utc
POLICY = starter_policy(company_timezone="America/New_York")
T0 = dt.datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
"""Tuesday 10:00 in New York: staff are open."""


def event(
    ident: str, kind: str, at: dt.datetime, issue: str | None = None, **more: Any
) -> Interaction:
    """Customer c-1's interaction ``ident``."""
    return Interaction(id=ident, customer_id="c-1", kind=kind, at=at, issue_id=issue, **more)


def outbound(ident: str, at: dt.datetime, issue: str, agent: str) -> Interaction:
    """An agent's outbound call to customer c-1 about ``issue``."""
    return event(ident, "call", at, issue, direction="outbound", agent=agent)


class TestCallsMade:
    def test_a_call_that_closes_part_of_a_merged_call_is_scored_by_that_part(self) -> None:
        """A duplicate charge (on issue b-1: urgent, extra mile, 15 minutes) and feedback
        (two business days) at one moment merge into one call.  An agent's call an hour
        later on another issue closes only the feedback: it served thanks-for-feedback,
        on time by that rule's deadline, and went no extra mile."""
        customer = Customer(id="c-1", timezone="America/New_York")
        history = [
            event("i-1", "billing.duplicate_charge", T0, "b-1"),
            event("i-2", "feedback", T0),
        ]
        (merged,) = evaluate(POLICY, customer, history, now=T0).calls
        assert (True, T0 + dt.timedelta(minutes=15)) == (merged.extra_mile, merged.deadline)
        later = T0 + dt.timedelta(hours=1)
        made = outbound("i-3", later, "other", "bo")
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

    def test_the_same_instant_written_in_any_zone_gives_the_same_report(self) -> None:
        """A call made in the repeated hour after Chicago's clocks go back: written in
        UTC or in Chicago's second 01:30, it is the same call, scored the same."""
        customer = Customer(id="c-1", timezone="America/Chicago")
        charge = event(
            "d", "billing.duplicate_charge", dt.datetime(2026, 11, 1, 7, 20, tzinfo=UTC), "b"
        )

        def report(at: dt.datetime) -> list[tuple[tuple[str, ...], bool]]:
            call = outbound("k", at, "b", "ana")
            made = calls_made(
                POLICY,
                [(customer, [charge, call])],
                start=dt.datetime(2026, 10, 26, tzinfo=UTC),
                end=dt.datetime(2026, 11, 2, tzinfo=UTC),
            )
            return [(served.rules, served.on_time) for served in made.calls]

        chicago = ZoneInfo("America/Chicago")
        second_pass = dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=chicago)
        assert [(("duplicate-charge-callback",), True)] == report(
            dt.datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
        )
        assert report(dt.datetime(2026, 11, 1, 7, 30, tzinfo=UTC)) == report(second_pass)

    def test_calls_at_one_instant_each_serve_what_they_closed(self) -> None:
        """Two agents' calls logged in the same second, each on its own issue: each is
        credited with its own issue's rule only, and the customer-scoped feedback
        thank-you goes to one of them (the first by id), not both."""
        customer = Customer(id="c-1", timezone="America/New_York")
        at = T0 + dt.timedelta(minutes=5)
        history = [
            event("d-1", "billing.duplicate_charge", T0, "b-1"),
            event("d-2", "billing.duplicate_charge", T0, "b-2"),
            event("f-1", "feedback", T0),
            outbound("k-1", at, "b-1", "ana"),
            outbound("k-2", at, "b-2", "ben"),
        ]
        report = calls_made(POLICY, [(customer, history)], start=T0, end=T0 + dt.timedelta(days=1))
        assert [
            ("ana", ("duplicate-charge-callback", "thanks-for-feedback")),
            ("ben", ("duplicate-charge-callback",)),
        ] == [(served.agent, served.rules) for served in report.calls]
        assert (2, 0) == (report.total.calls, report.unplanned)

    def test_a_call_is_not_credited_with_what_another_event_closed_at_its_instant(
        self,
    ) -> None:
        """A call on one issue in the second another issue is resolved: the resolution,
        not the call, closed the other issue's check-in."""
        customer = Customer(id="c-1", timezone="America/New_York")
        day = dt.timedelta(days=1)
        history = [
            event("o-1", "issue.opened", T0 - 9 * day, "t-1", attributes={"intermittent": True}),
            event("r-1", "issue.resolved", T0, "t-1", channel="system"),
            outbound("k-1", T0, "t-2", "ana"),
        ]
        report = calls_made(POLICY, [(customer, history)], start=T0 - day, end=T0 + day)
        assert ((), 1) == (report.calls, report.unplanned)

    def test_a_call_closing_two_episodes_of_one_rule_serves_it_once(self) -> None:
        """Two duplicate charges on one issue a minute apart merge into one call, two keys
        of one rule: the call that closes it served that rule once, by the earlier
        deadline."""
        customer = Customer(id="c-1", timezone="America/New_York")
        history = [
            event("d-1", "billing.duplicate_charge", T0, "b-1"),
            event("d-2", "billing.duplicate_charge", T0 + dt.timedelta(minutes=1), "b-1"),
        ]
        (merged,) = evaluate(POLICY, customer, history, now=T0 + dt.timedelta(minutes=1)).calls
        assert (2, ("duplicate-charge-callback",)) == (len(merged.keys), merged.rules)
        made = outbound("k-1", T0 + dt.timedelta(minutes=10), "b-1", "ana")
        report = calls_made(
            POLICY, [(customer, [*history, made])], start=T0, end=T0 + dt.timedelta(days=1)
        )
        (served,) = report.calls
        assert (("duplicate-charge-callback",), T0 + dt.timedelta(minutes=15)) == (
            served.rules,
            served.deadline,
        )

    @pytest.mark.parametrize(
        ("policy", "book", "error", "message"),
        [
            ("nope", [], FactTypeError, r"calls_made\(\) needs a FollowUpPolicy"),
            (POLICY, 5, FactTypeError, r"book must be an iterable"),
            (POLICY, [Customer(id="c-1")], FactTypeError, r"book item 0 must be a \(customer"),
            (
                POLICY,
                [(Customer(id="c-1"), [{"kind": "call"}])],
                FactTypeError,
                r"book item 0 \(customer 'c-1'\): interactions must hold Interaction",
            ),
            (
                POLICY,
                [
                    (
                        Customer(id="c-1"),
                        [Interaction(id="i", customer_id="c-2", kind="feedback", at=T0)],
                    )
                ],
                InvalidFactError,
                r"book item 0 \(customer 'c-1'\): interaction 'i' belongs to customer 'c-2'",
            ),
        ],
        ids=["policy", "book", "item", "interaction", "owner"],
    )
    def test_bad_input_is_refused_whatever_calls_there_are(
        self, policy: object, book: object, error: type[Exception], message: str
    ) -> None:
        """Bad arguments raise a clear error naming the item, even when the period holds
        no call at all."""
        with pytest.raises(error, match=message):
            calls_made(policy, book, start=T0, end=T0 + dt.timedelta(days=1))  # type: ignore[arg-type]

    def test_a_call_at_the_end_of_the_calendar_names_the_item(self) -> None:
        """A call on the calendar's last day, whose decision needs times past the year
        9999 (feedback from a customer in Kiritimati, fourteen hours ahead): the error
        names the book item and customer."""
        late = dt.datetime(9998, 12, 30, 23, tzinfo=UTC)
        customer = Customer(id="c-1", timezone="Pacific/Kiritimati")
        history = [event("f-1", "feedback", late), outbound("k-1", late, "b-1", "ana")]
        with pytest.raises(
            InvalidFactError, match=r"book item 0 \(customer 'c-1'\): .* outside the years 1 to"
        ):
            calls_made(
                starter_policy(),  # staff in UTC
                [(customer, history)],
                start=T0,
                end=dt.datetime(9998, 12, 31, tzinfo=UTC),
            )

    def test_a_period_that_ends_before_it_starts_is_refused(self) -> None:
        """``end`` before ``start``: an error, not an empty report."""
        with pytest.raises(InvalidFactError, match="end must not be before its start"):
            calls_made(POLICY, [], start=T0, end=T0 - dt.timedelta(days=1))

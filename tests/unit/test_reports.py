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


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def _of(customer: str, ident: str, kind: str, at: str, **more: Any) -> Interaction:
    """An interaction of ``customer`` at ``at`` (UTC, written without an offset)."""
    return Interaction(id=ident, customer_id=customer, kind=kind, at=_utc(at), **more)


def _call(customer: str, ident: str, at: str, agent: str, issue: str | None = None) -> Interaction:
    """An agent's outbound phone call."""
    return _of(
        customer,
        ident,
        "call",
        at,
        direction="outbound",
        channel="phone",
        agent=agent,
        issue_id=issue,
    )


WEEK = {"start": _utc("2026-03-09T00:00"), "end": _utc("2026-03-16T00:00")}
"""Monday 9 to Monday 16 March 2026; New York is on EDT (UTC-4) from Sunday 8 March."""


class TestCallingWindow:
    """Calls made outside the customer's calling window (08:00-21:00 in their zone, at the
    call's instant) are flagged, planned or not; a callback within the hour after the
    customer's own contact is not."""

    def test_a_call_after_21_local_is_flagged(self) -> None:
        """A duplicate charge at 20:50 EDT on Monday; Ana calls at 21:05 EDT, after the
        window closed: flagged, and late, since the deadline of 21:05 was pulled back to
        21:00, when the window closes.  Bo's call to another customer at 20:55 EDT is
        inside it."""
        ny = Customer(id="c-1", timezone="America/New_York")
        other = Customer(id="c-2", timezone="America/New_York")
        book = [
            (
                ny,
                [
                    _of("c-1", "d-1", "billing.duplicate_charge", "2026-03-10T00:50", issue_id="b"),
                    _call("c-1", "k-1", "2026-03-10T01:05", "ana", "b"),
                ],
            ),
            (
                other,
                [
                    _of("c-2", "d-2", "billing.duplicate_charge", "2026-03-10T00:50", issue_id="b"),
                    _call("c-2", "k-2", "2026-03-10T00:55", "bo", "b"),
                ],
            ),
        ]
        report = calls_made(POLICY, book, **WEEK)
        assert [("k-2", False, True), ("k-1", True, False)] == [
            (made.interaction_id, made.outside_window, made.on_time) for made in report.calls
        ]
        assert [("ana", 1), ("bo", 0)] == [
            (row.name, row.outside_window) for row in sorted(report.by_agent(), key=str)
        ]
        assert (1, 1) == (report.total.outside_window, report.by_rule()[0].outside_window)

    def test_a_callback_within_the_hour_is_not_flagged(self) -> None:
        """The customer phones in at 21:30 EDT; Ana calls back at 22:10 EDT, within the
        hour: not unsolicited, not flagged (and unplanned).  Her call at 22:40 EDT, after
        the hour, is flagged."""
        customer = Customer(id="c-1", timezone="America/New_York")
        history = [
            _of("c-1", "in-1", "call", "2026-03-10T01:30", channel="phone"),
            _call("c-1", "k-1", "2026-03-10T02:10", "ana"),
            _call("c-1", "k-2", "2026-03-10T02:40", "ana"),
        ]
        report = calls_made(POLICY, [(customer, history)], **WEEK)
        assert [("k-1", False), ("k-2", True)] == [
            (call.interaction_id, call.outside_window) for call in report.unplanned_calls
        ]

    @pytest.mark.parametrize(
        ("served", "at", "outside"),
        [
            ((), "2026-03-10T17:00", True),
            (("America/New_York", "America/Los_Angeles"), "2026-03-10T14:00", True),
            (("America/New_York", "America/Los_Angeles"), "2026-03-10T17:00", False),
        ],
        ids=["no-served-zones", "closed-in-one", "open-in-all"],
    )
    def test_an_unknown_timezone_fails_closed(
        self, served: tuple[str, ...], at: str, outside: bool
    ) -> None:
        """A customer of unknown timezone: the call is inside the window only where it is
        open in every zone the policy serves (10:00 EDT is 07:00 PDT: outside; 13:00 EDT
        is 10:00 PDT: inside), and never when the policy serves none."""
        policy = starter_policy(company_timezone="America/New_York", served_timezones=served)
        customer = Customer(id="c-1")
        report = calls_made(policy, [(customer, [_call("c-1", "k-1", at, "ana")])], **WEEK)
        assert [outside] == [call.outside_window for call in report.unplanned_calls]


class TestFirstDeadline:
    """On time is measured against the deadline as constraints moved it and as the rule
    first set it."""

    def test_a_pushed_call_is_on_time_but_late_by_the_first_deadline(self) -> None:
        """A duplicate charge at 21:30 EDT: the window is closed until 08:00 EDT, so the
        call goes then, its deadline moved from 21:45 to 08:15.  Ana calls at 08:10: on
        time by the moved deadline, late by the first."""
        customer = Customer(id="c-1", timezone="America/New_York")
        history = [
            _of("c-1", "d-1", "billing.duplicate_charge", "2026-03-10T01:30", issue_id="b"),
            _call("c-1", "k-1", "2026-03-10T12:10", "ana", "b"),
        ]
        report = calls_made(POLICY, [(customer, history)], **WEEK)
        (made,) = report.calls
        assert (
            _utc("2026-03-10T12:15"),
            _utc("2026-03-10T01:45"),
            True,
            False,
        ) == (made.deadline, made.first_deadline, made.on_time, made.on_first_deadline)
        (row,) = report.by_agent()
        assert (1, 0, 1.0, 0.0) == (
            row.on_time,
            row.on_first_deadline,
            row.on_time_rate,
            row.on_first_deadline_rate,
        )
        mapping = report.to_mapping()
        assert ("2026-03-09T21:45:00-04:00", False) == (
            mapping["calls"][0]["first_deadline"],
            mapping["calls"][0]["on_first_deadline"],
        )

    def test_a_call_not_pushed_has_one_deadline(self) -> None:
        """A charge at 11:00 EDT, called at 11:10: both deadlines are 11:15."""
        customer = Customer(id="c-1", timezone="America/New_York")
        history = [
            _of("c-1", "d-1", "billing.duplicate_charge", "2026-03-10T15:00", issue_id="b"),
            _call("c-1", "k-1", "2026-03-10T15:10", "ana", "b"),
        ]
        (made,) = calls_made(POLICY, [(customer, history)], **WEEK).calls
        assert (made.deadline, True) == (made.first_deadline, made.on_first_deadline)


class TestUnplanned:
    """Outbound calls that closed no planned call, per agent."""

    def test_unplanned_calls_by_agent(self) -> None:
        """Ana closes a charge's callback and makes one call that serves nothing; Bo makes
        two that serve nothing, one without an agent recorded: each agent's row counts
        them, and an agent with only unplanned calls has a row."""
        customer = Customer(id="c-1", timezone="America/New_York")
        history = [
            _of("c-1", "d-1", "billing.duplicate_charge", "2026-03-10T15:00", issue_id="b"),
            _call("c-1", "k-1", "2026-03-10T15:10", "ana", "b"),
            _call("c-1", "k-2", "2026-03-11T15:00", "ana"),
            _call("c-1", "k-3", "2026-03-11T16:00", "bo"),
            _call("c-1", "k-4", "2026-03-11T17:00", "bo"),
            _of("c-1", "k-5", "call", "2026-03-11T18:00", direction="outbound", channel="phone"),
        ]
        report = calls_made(POLICY, [(customer, history)], **WEEK)
        assert (4, ["k-2", "k-3", "k-4", "k-5"]) == (
            report.unplanned,
            [call.interaction_id for call in report.unplanned_calls],
        )
        assert [("ana", 1, 1), ("bo", 0, 2), ("(no agent)", 0, 1)] == [
            (row.name, row.calls, row.unplanned) for row in report.by_agent()
        ]
        assert (1, 4) == (report.total.calls, report.total.unplanned)
        assert [0] == [row.unplanned for row in report.by_rule()]
        mapping = report.to_mapping()
        assert (4, "bo", 2) == (
            mapping["unplanned"],
            mapping["unplanned_calls"][1]["agent"],
            mapping["by_agent"][1]["unplanned"],
        )

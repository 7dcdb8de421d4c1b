"""Story tables for the policies of ``docs/how-to/real-policies.md``, where the guide's
doctests leave a case open.

Instants are written in UTC; London keeps GMT until 29 March 2026, so they are local too.
"""

from __future__ import annotations

from extramile import (
    DUE,
    TRIGGER,
    Business,
    Customer,
    FollowUpPolicy,
    Interaction,
    Local,
    On,
    Rule,
    Schedule,
    evaluate,
)
from extramile.conditions import contacts, issue_open
from scenario_helpers import at, event, outcomes

CONTACTS = ("issue.opened", "issue.updated", "issue.reopened", "call")
REPEAT = Rule(
    name="repeat-contact",
    trigger=On(*CONTACTS, direction="inbound"),
    condition=(
        contacts(
            *CONTACTS,
            direction="inbound",
            exclude_channel="system",
            scope="issue",
            within=Local(days=10),
        ).reaches(3)
    )
    & issue_open(),
    stop=~issue_open(),
    due=TRIGGER + Business(),
    deadline=DUE + Business(days=1),
    priority="high",
    queue="senior",
)
"""The guide's first policy, as written there."""

POLICY = FollowUpPolicy(
    name="escalations",
    rules=[REPEAT],
    schedule=Schedule(timezone="Europe/London", hours={"mon-fri": "09:00-17:00"}),
)
CUSTOMER = Customer(id="c-1", timezone="Europe/London")


def _contact(ident: str, kind: str, when: str, channel: str = "phone") -> Interaction:
    return event(ident, kind, when, issue_id="t-1", channel=channel)


THREE = [
    _contact("i-1", "issue.opened", "2026-03-02T10:15:00+00:00"),
    _contact("i-2", "call", "2026-03-04T14:40:00+00:00"),
    _contact("i-3", "issue.updated", "2026-03-06T17:20:00+00:00", channel="chat"),
]
"""Three inbound contacts on one issue: Monday, Wednesday, Friday after the office closed."""


def _senior_call() -> Interaction:
    (call,) = evaluate(POLICY, CUSTOMER, THREE, now=at("2026-03-09T09:00:00+00:00")).calls
    return call.record(id="o-1", at=at("2026-03-09T09:30:00+00:00"), agent="sam")


class TestSystemEventsAreNotContacts:
    """Events recorded by a system (channel ``system``, inbound by default) are left out
    of the count; whether one can start an episode is the open question."""

    def test_a_system_event_does_not_make_the_third_contact(self) -> None:
        """Two contacts and a status update from the ticketing system on Friday: no call."""
        history = [
            *THREE[:2],
            _contact("s-1", "issue.updated", "2026-03-06T17:20:00+00:00", channel="system"),
        ]
        decision = evaluate(POLICY, CUSTOMER, history, now=at("2026-03-06T17:30:00+00:00"))
        assert () == decision.calls
        assert [
            ("c-1/t-1/repeat-contact/i-1", "not-fired"),
            ("c-1/t-1/repeat-contact/i-2", "not-fired"),
            ("c-1/t-1/repeat-contact/s-1", "not-fired"),
        ] == outcomes(decision, "repeat-contact")

    def test_a_system_event_after_the_senior_call_starts_no_second_call(self) -> None:
        """The senior agent reached the customer on Monday at 09:30; at 11:00 the ticketing
        system records a status update on the issue.  That is no fourth contact: no call."""
        update = _contact("s-1", "issue.updated", "2026-03-09T11:00:00+00:00", channel="system")
        history = [*THREE, _senior_call(), update]
        decision = evaluate(POLICY, CUSTOMER, history, now=at("2026-03-09T11:05:00+00:00"))
        assert () == decision.calls

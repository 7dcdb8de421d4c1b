"""The policy compiler against the generic stages: the same calls, keys, deadlines,
suppressions, explanations and ``revisit_at``, whatever the policy and the history.

:func:`~extramile.plan`'s path makes a customer's candidate calls with the policy's
generated code; ``raw_calls_for(..., generic=True)`` makes them through the generic
stages, and :func:`~extramile.evaluate` (which keeps the generic stages, for its trace
and revisit time) says what the calls are in full.  The policies: the starter policy,
those of the other property tests, and one that uses every built-in condition, trigger,
anchor, kind of duration and rule option.  The histories: the public strategies
(:mod:`extramile.strategies`) and those of the engine's property tests.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_conversation_properties import Crowded, crowded
from test_engine_properties import POLICIES, situations
from test_plan_properties import POLICY as PLAN_POLICY
from test_plan_properties import SHORT as PLAN_SHORT

from extramile import (
    DUE,
    LAST_CONTACT,
    TRIGGER,
    Anniversary,
    Awareness,
    Business,
    ContactCaps,
    Customer,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    LastContact,
    Local,
    On,
    Retry,
    Rule,
    Schedule,
    attr_date,
    evaluate,
    starter_policy,
)
from extramile._conditions import Compare, IssueThread
from extramile._engine import call_of, customer_history, now_seconds, raw_calls_for
from extramile._engine.compiler import issue_attribute, issue_state
from extramile.conditions import (
    Condition,
    Context,
    always,
    attr,
    contacts,
    count_at_least,
    customer_attr,
    direction_is,
    has_attr,
    has_tag,
    issue_attr,
    issue_is,
    issue_open,
    kind_is,
    no_contact,
    outside_staff_hours,
    silence_at_least,
    since_last_contact,
    staff_open_at_trigger,
    tenure_at_least,
    tier_in,
)
from extramile.strategies import customer_histories, instants

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@attrs.frozen
class Busy(Condition):
    """A condition of the user's own: a customer attribute ``busy`` that is not true."""

    def check(self, ctx: Context) -> bool:
        return ctx.customer.attributes.get("busy") is not True


class SevereEnough(Compare):
    """A subclass of a built-in condition with its own check: decided by that check."""

    def check(self, ctx: Context) -> bool:
        return bool(super().check(ctx)) or ctx.trigger is None


EVERYTHING = FollowUpPolicy(
    name="everything",
    rules=(
        Rule(
            name="charge/slash",  # a name that must be escaped in keys
            trigger=On("billing.duplicate_charge"),
            condition=(attr("amount") > 0) & (attr("amount") < 10_000) & ~has_attr("waived")
            | attr("currency").is_in("EUR", None),
            scope="customer",
            due=TRIGGER,
            deadline=TRIGGER + Elapsed(minutes=15),
            priority="urgent",
            extra_mile=True,
            essential=True,
            give_up_after=Elapsed(hours=30),
            retry=Retry(every=Elapsed(minutes=30), tries=2, voicemail=True),
            queue="billing",
        ),
        Rule(
            name="opened",
            trigger=On("issue.opened", "issue.reopened", direction="inbound"),
            condition=(
                attr("severity").equals("critical")
                | issue_attr("severity").differs("low")
                | (attr("severity") <= "b")
            )
            & direction_is("inbound")
            & outside_staff_hours()
            & kind_is("issue.opened", "issue.reopened")
            & issue_is("open", "reopened")
            & (tier_in("gold") | tenure_at_least(years=3) | has_tag("vip"))
            & (customer_attr("segment").equals("smb") | ~customer_attr("segment").exists()),
            due=TRIGGER + Business(),
            deadline=DUE + Business(hours=2),
            give_up_after=Business(days=1),
            stop=~issue_open() | silence_at_least(Local(days=5)),
            extra_mile=staff_open_at_trigger() | tier_in("platinum"),
            calling_window="10:00-18:00",
        ),
        Rule(
            name="contacts",
            trigger=On("issue.opened", "issue.updated", "call", "feedback", direction="inbound"),
            condition=(
                contacts(
                    direction="inbound", exclude_channel="system", within=Local(days=10)
                ).reaches(2)
                & (contacts(scope="issue", within=Elapsed(hours=72)) >= 1)
                & no_contact("call", direction="outbound", within=Local(days=1))
            )
            | since_last_contact("feedback", at_least=Elapsed(hours=36))
            | count_at_least("issue.updated", 2, within=Elapsed(days=3)),
            due=TRIGGER + Elapsed(hours=1),
            deadline=DUE + Local(days=1),
            give_up_after=Local(days=2),
            stop=Busy() & ~issue_is("resolved"),
            early=False,
        ),
        Rule(
            name="quiet",
            trigger=LastContact(),
            condition=silence_at_least(Elapsed(days=2)) | issue_attr("intermittent").is_true(),
            due=LAST_CONTACT + Local(days=3),
            deadline=DUE + Elapsed(days=2),
            give_up_after=Local(days=4),
            extra_mile=Busy(),
        ),
        Rule(
            name="quiet-customer",
            trigger=LastContact(),
            scope="customer",
            condition=~silence_at_least(Local(days=1)) & always(),
            due=LAST_CONTACT + Elapsed(days=1),
            deadline=LAST_CONTACT + Local(days=4),
            priority="low",
        ),
        Rule(
            name="bill",
            trigger=On("billing.price_change"),
            condition=(attr("increase_pct") >= 5) & attr("bill_date").exists(),
            scope="customer",
            due=attr_date("bill_date") - Local(days=7),
            deadline=attr_date("bill_date") + Elapsed(hours=12),
            give_up_after=Local(),
        ),
        Rule(
            name="refund",
            trigger=On("billing.refund"),
            condition=SevereEnough(fact=attr("amount"), op=">=", value=50),
            due=TRIGGER - Elapsed(hours=1),
            deadline=TRIGGER + Local(days=2),
            give_up_after=Elapsed(days=3),
        ),
        Rule(
            name="anniversary",
            trigger=Anniversary(),
            condition=tenure_at_least(years=1) & ~kind_is("call") & ~attr("x").exists(),
            scope="customer",
            due=TRIGGER,
            deadline=TRIGGER + Local(days=7),
            give_up_after=Local(),
            early=False,
        ),
        Awareness(programmes={"autopay": "Mention autopay."}),
    ),
    schedule=Schedule(
        timezone="America/New_York",
        hours={"mon-fri": "09:00-17:00", "sat": "10:00-13:00"},
        holidays={dt.date(2026, 7, 3)},
    ),
    calling_window={"mon-fri": "09:00-20:00", "sat": "10:00-16:00"},
    served_timezones=("America/New_York", "America/Los_Angeles"),
    caps=ContactCaps(max_attempts=3, per=Local(days=7), min_gap=Elapsed(hours=3)),
)
"""Every built-in condition, trigger, anchor, kind of duration and rule option."""

COUNTING = FollowUpPolicy(
    name="counting",
    rules=(
        Rule(
            name="third-contact",
            trigger=On("issue.opened", "issue.updated", "call", "feedback"),
            condition=contacts(scope="issue", within=Local(days=3)).reaches(2)
            | (contacts("call", "feedback", within=Local(days=2)) > 1),
            stop=no_contact(direction="inbound", scope="issue", within=Local(days=2))
            & ~since_last_contact("feedback", at_least=Local(days=1)),
            extra_mile=contacts(direction="outbound", within=Local(days=1)).reaches(1)
            | (contacts(channel=("phone", "chat"), scope="issue", within=Local(days=4)) <= 2),
            due=TRIGGER,
            deadline=TRIGGER + Local(days=1),
        ),
        Rule(
            name="per-issue",
            trigger=LastContact(),
            condition=count_at_least("issue.updated", 2, within=Local(days=2))
            | since_last_contact(scope="issue", at_least=Local(days=1))
            | contacts(direction="inbound", scope="issue", within=Elapsed(hours=30)).reaches(1),
            stop=contacts(scope="issue", within=Local(days=1)) >= 3,
            due=TRIGGER,
            deadline=TRIGGER + Elapsed(days=2),
        ),
        Rule(
            name="yearly",
            trigger=Anniversary(),
            scope="customer",
            condition=no_contact(scope="issue", within=Local(days=5))
            & ~contacts(within=Local(days=30)).reaches(1)
            & ~since_last_contact(at_least=Elapsed(hours=1)),
            extra_mile=contacts(scope="issue", within=Local(days=3)) < 1,
            due=TRIGGER,
            deadline=TRIGGER + Local(days=7),
        ),
    ),
    schedule=Schedule(timezone="America/New_York", hours={"mon-fri": "09:00-17:00"}),
    served_timezones=("America/New_York", "Europe/London", "Australia/Sydney"),
)
"""Every counting condition, in every scope and at both moments, in local days and
elapsed time."""

STARTER = starter_policy(company_timezone="America/Chicago", programmes={"autopay": "Autopay."})
PUBLIC_POLICIES = (STARTER, EVERYTHING, COUNTING, PLAN_POLICY, PLAN_SHORT, *POLICIES)
DST_CHANGES = (
    dt.datetime(2026, 3, 8, 7),  # New York, spring
    dt.datetime(2026, 11, 1, 6),  # New York, autumn
    dt.datetime(2026, 3, 29, 1),  # London, spring
    dt.datetime(2026, 10, 25, 1),  # London, autumn
    dt.datetime(2026, 4, 4, 16),  # Sydney, autumn
)
"""Changes of the clocks (naive UTC, as the strategies take their bounds)."""
START = dt.datetime(2026, 1, 1)
END = dt.datetime(2026, 6, 30)


def _same(
    policy: FollowUpPolicy, customer: Customer, history: list[Interaction], now: dt.datetime
) -> None:
    """The compiled path, the generic one and evaluate() agree on one customer."""
    now_ts = now_seconds(now)
    checked = customer_history(customer, history, now_ts)
    compiled = raw_calls_for(policy, customer, checked, now_ts)
    generic = raw_calls_for(policy, customer, checked, now_ts, generic=True)
    assert generic == compiled
    decision = evaluate(policy, customer, history, now=now)
    raws, suppressed = compiled
    calls = [call_of(raw) for raw in raws]
    # repr, not ==: a call's times compare as instants, and its zone must agree too
    assert [repr(call) for call in decision.calls] == [repr(call) for call in calls]
    assert [call.moved_by for call in decision.calls] == [call.moved_by for call in calls]
    assert list(decision.suppressed) == suppressed


class TestDifferential:
    """The compiled path gives what the generic path gives."""

    @SETTINGS
    @given(
        policy=st.sampled_from(PUBLIC_POLICIES),
        pair=customer_histories(start=START, end=END),
        now=instants(start=START, end=END + dt.timedelta(days=20)),
    )
    def test_public_strategies(
        self,
        policy: FollowUpPolicy,
        pair: tuple[Customer, list[Interaction]],
        now: dt.datetime,
    ) -> None:
        """Any policy, over the strategies users test their own policies with."""
        customer, history = pair
        _same(policy, customer, history, now)

    @SETTINGS
    @given(
        policy=st.sampled_from((COUNTING, STARTER, EVERYTHING)),
        change=st.sampled_from(DST_CHANGES),
        data=st.data(),
    )
    def test_counting_across_clock_changes(
        self, policy: FollowUpPolicy, change: dt.datetime, data: st.DataObject
    ) -> None:
        """Counts in local days over histories crowded around a change of the clocks
        (spring and autumn, north and south), judged on either side of it."""
        start, end = change - dt.timedelta(days=4), change + dt.timedelta(days=4)
        customer, history = data.draw(customer_histories(start=start, end=end, max_size=16))
        now = data.draw(instants(start=start, end=end + dt.timedelta(days=3)))
        _same(policy, customer, history, now)

    @SETTINGS
    @given(data=st.data())
    def test_engine_situations(self, data: st.DataObject) -> None:
        """The engine's property-test situations, under their policies and the
        everything policy."""
        situation = data.draw(situations())
        policy = data.draw(st.sampled_from((situation.policy, EVERYTHING, STARTER)))
        _same(policy, situation.customer, situation.history, situation.now)

    @SETTINGS
    @given(case=crowded())
    def test_crowded_customers(self, case: Crowded) -> None:
        """Customers whose calls crowd together, under drawn policies."""
        _same(case.policy, case.customer, case.history, case.now)

    @SETTINGS
    @given(data=st.data(), marks=st.sampled_from(("/", "%", "-", "%2F")))
    def test_ids_that_keys_escape(self, data: st.DataObject, marks: str) -> None:
        """Ids holding ``/`` and ``%`` (and an issue called ``-``) make the same keys."""
        situation = data.draw(situations())
        policy = data.draw(st.sampled_from((situation.policy, EVERYTHING)))

        def marked(value: object) -> object:
            return value if value is None else "-" if marks == "-" else f"{value}{marks}x"

        customer = Customer.from_mapping(
            {**situation.customer.to_mapping(), "id": marked(situation.customer.id)}
        )
        history = [
            Interaction.from_mapping(
                {
                    **item.to_mapping(),
                    "id": f"{item.id}{marks}",
                    "customer_id": customer.id,
                    "issue_id": marked(item.issue_id),
                }
            )
            for item in situation.history
        ]
        _same(policy, customer, history, situation.now)

    def test_revisit_and_explanations_come_from_the_generic_path(self) -> None:
        """evaluate() keeps the generic path: its revisit time and trace are the ones the
        generic path gives (the compiled path serves plan() alone)."""
        now = dt.datetime(2026, 3, 10, 15, tzinfo=ZoneInfo("America/New_York"))
        customer = Customer(id="c/1", tier="gold", customer_since=dt.date(2020, 3, 11))
        history = [
            Interaction(
                id="i-1",
                customer_id="c/1",
                kind="issue.opened",
                at=now - dt.timedelta(hours=20),
                channel="phone",
                issue_id="t-1",
                attributes={"severity": "critical"},
            )
        ]
        decision = evaluate(EVERYTHING, customer, history, now=now)
        raws, _ = raw_calls_for(EVERYTHING, customer, history, now_seconds(now))
        assert [call.key for call in decision.calls] == [call_of(raw).key for raw in raws]
        assert decision.revisit_at is not None


_ISSUE_START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
_ISSUE_KINDS = ("issue.opened", "issue.updated", "issue.resolved", "issue.reopened", "call")


@st.composite
def _issue_items(draw: st.DrawFn) -> list[Interaction]:
    """Interactions on one issue, in time order, some at one instant, some carrying the
    attributes ``a`` and ``b`` (``None`` among their values)."""
    hours = sorted(draw(st.lists(st.integers(0, 12), max_size=10)))
    return [
        Interaction(
            id=f"i-{index}",
            customer_id="c-1",
            kind=draw(st.sampled_from(_ISSUE_KINDS)),
            at=_ISSUE_START + dt.timedelta(hours=hour),
            issue_id="t-1",
            attributes=draw(
                st.dictionaries(st.sampled_from("ab"), st.none() | st.integers(0, 2), max_size=2)
            ),
        )
        for index, hour in enumerate(hours)
    ]


class TestIssueReadings:
    """What the generated code reads of an issue from its interactions is what the
    issue's thread says, as of any instant and whole."""

    @SETTINGS
    @given(items=_issue_items(), hour=st.none() | st.integers(-1, 13))
    def test_state_and_attributes_as_the_thread_says(
        self, items: list[Interaction], hour: int | None
    ) -> None:
        thread = IssueThread("t-1")
        thread.extend(items)
        at = None if hour is None else (_ISSUE_START + dt.timedelta(hours=hour)).timestamp()
        seen = thread if at is None else thread.as_of(at)
        assert issue_state(items, at) == seen.state
        for name in ("a", "b", "c"):
            assert issue_attribute(items, name, at) == seen.attributes.get(name)

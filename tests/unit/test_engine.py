"""Unit tests of ``extramile._engine``: checking facts, episodes, satisfaction, lapses,
placement edge cases, revisit times and the errors conditions raise."""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import pendulum
import pytest

from engine_helpers import calls_for
from extramile import (
    DUE,
    LAST_CONTACT,
    TRIGGER,
    Business,
    ConditionError,
    ContactCaps,
    Customer,
    Decision,
    Elapsed,
    EpisodeTrace,
    ExtramileError,
    FactTypeError,
    FollowUpPolicy,
    Interaction,
    InvalidFactError,
    InvalidPolicyError,
    LastContact,
    Local,
    On,
    Rule,
    Schedule,
    evaluate,
    starter_policy,
)
from extramile._engine import customer_history, facts
from extramile._engine.answers import SCAN_AT_MOST, CallIndex
from extramile._memo import clear_all
from extramile._model.enums import PriorityName
from extramile._rules.compiled import program_of
from extramile._time.zones import from_ts
from extramile.conditions import ALWAYS, Condition, Context, attr

UTC = dt.timezone.utc
OFFICE = Schedule(timezone="America/Chicago", hours={"mon-fri": "09:00-17:00"})
CUSTOMER = Customer(id="c-1", timezone="America/Chicago")
# Wednesday 25 November 2026, 10:00 CST
NOON = "2026-11-25T16:00:00+00:00"


def at(text: str) -> dt.datetime:
    """An aware instant from ISO-8601 text with an explicit offset."""
    moment = dt.datetime.fromisoformat(text)
    assert moment.tzinfo is not None
    return moment


def utc(moment: dt.datetime) -> str:
    """The instant as UTC ISO-8601 text."""
    return moment.astimezone(UTC).isoformat()


def event(ident: str, kind: str, when: str, **fields: Any) -> Interaction:
    """An interaction of customer c-1."""
    return Interaction(id=ident, customer_id="c-1", kind=kind, at=at(when), **fields)


def outbound_call(ident: str, when: str, **fields: Any) -> Interaction:
    """An outbound phone call to customer c-1."""
    return event(ident, "call", when, direction="outbound", channel="phone", **fields)


def policy_of(*rules: Rule, schedule: Schedule = OFFICE) -> FollowUpPolicy:
    """A policy of just these rules."""
    return FollowUpPolicy(name="test", rules=rules, schedule=schedule)


def episodes_of(decision: Decision, rule: str) -> tuple[EpisodeTrace, ...]:
    """The episode traces of ``rule``."""
    (trace,) = [t for t in decision.trace if t.rule == rule]
    return trace.episodes


def episodes(decision: Decision, rule: str) -> list[tuple[str, str, str]]:
    """(key, outcome, detail) of each episode of ``rule``."""
    (trace,) = [t for t in decision.trace if t.rule == rule]
    return [(e.key, e.outcome, e.detail) for e in trace.episodes]


ON_FEEDBACK = Rule(
    name="thanks",
    trigger=On("feedback"),
    deadline=TRIGGER + Elapsed(hours=4),
    talking_point="Thank them.",
)
FEEDBACK = event("fb-1", "feedback", NOON, channel="web")


class TestCheckingFacts:
    """``evaluate`` checks its arguments before anything else."""

    def test_policy_of_the_wrong_type(self) -> None:
        """A policy that is not a FollowUpPolicy: FactTypeError, also a TypeError."""
        with pytest.raises(FactTypeError, match="needs a FollowUpPolicy") as caught:
            evaluate("starter", CUSTOMER, [], now=at(NOON))  # type: ignore[arg-type]
        assert isinstance(caught.value, TypeError)

    def test_customer_of_the_wrong_type(self) -> None:
        """A mapping instead of a Customer: FactTypeError naming what arrived."""
        with pytest.raises(FactTypeError, match=r"needs a Customer \(got dict"):
            evaluate(starter_policy(), {"id": "c-1"}, [], now=at(NOON))  # type: ignore[arg-type]

    def test_a_customer_row_in_place_of_a_customer_is_described_by_its_type(self) -> None:
        """A host's row given for the customer holds their phone and email: the error
        describes it by its type, and shows neither."""
        row = {"id": "c-1", "phone": "+1 312 555 0100", "email": "pat@example.com"}
        with pytest.raises(FactTypeError) as caught:
            evaluate(starter_policy(), row, [], now=at(NOON))  # type: ignore[arg-type]
        message = str(caught.value)
        assert ("evaluate() needs a Customer (got dict with 3 keys)", False, False) == (
            message,
            "555" in message,
            "example.com" in message,
        )

    def test_interactions_as_a_string(self) -> None:
        """A string is not a history, although it iterates."""
        with pytest.raises(FactTypeError, match="iterable of Interaction"):
            evaluate(starter_policy(), CUSTOMER, "fb-1", now=at(NOON))  # type: ignore[arg-type]

    def test_history_holding_something_else(self) -> None:
        """A mapping inside the history: FactTypeError."""
        with pytest.raises(FactTypeError, match="must hold Interaction objects"):
            evaluate(
                starter_policy(),
                CUSTOMER,
                [FEEDBACK.to_mapping()],  # type: ignore[list-item]
                now=at(NOON),
            )

    def test_now_of_the_wrong_type(self) -> None:
        """A string ``now``: FactTypeError, not a silent parse."""
        with pytest.raises(FactTypeError, match="now must be a timezone-aware datetime"):
            evaluate(starter_policy(), CUSTOMER, [], now=NOON)  # type: ignore[arg-type]

    def test_naive_now(self) -> None:
        """A naive ``now``: InvalidFactError, also a ValueError."""
        with pytest.raises(InvalidFactError, match="naive") as caught:
            evaluate(starter_policy(), CUSTOMER, [], now=dt.datetime(2026, 11, 25))
        assert isinstance(caught.value, ValueError)

    def test_interaction_of_another_customer_even_after_now(self) -> None:
        """Another customer's interaction is an error even if it lies after ``now``."""
        stray = Interaction(
            id="x-1", customer_id="c-2", kind="feedback", at=at("2027-01-01T00:00:00+00:00")
        )
        with pytest.raises(InvalidFactError, match="'x-1' belongs to customer 'c-2'"):
            evaluate(starter_policy(), CUSTOMER, [stray], now=at(NOON))

    def test_history_may_be_any_iterable_and_is_not_changed(self) -> None:
        """A generator works as well as a list, and a list given in reverse order is left
        as it was."""
        later = event("fb-2", "feedback", "2026-11-25T16:30:00+00:00", channel="web")
        given = [later, FEEDBACK]
        now = at("2026-11-25T16:45:00+00:00")

        def lazily() -> Iterator[Interaction]:
            yield from given

        policy = policy_of(ON_FEEDBACK)
        assert evaluate(policy, CUSTOMER, given, now=now) == evaluate(
            policy, CUSTOMER, lazily(), now=now
        )
        assert [later, FEEDBACK] == given

    def test_two_interactions_with_one_id(self) -> None:
        """Keys are made of ids, so a history repeating an id is refused, naming it."""
        again = event("fb-1", "feedback", "2026-11-25T16:30:00+00:00", channel="web")
        with pytest.raises(InvalidFactError, match="id 'fb-1' appears twice") as caught:
            evaluate(policy_of(ON_FEEDBACK), CUSTOMER, [FEEDBACK, again], now=at(NOON))
        assert isinstance(caught.value, ValueError)


class TestDecisionShape:
    """What a decision holds besides the calls."""

    def test_now_is_returned_in_utc(self) -> None:
        """``Decision.now`` is the same instant, in UTC."""
        decision = evaluate(
            policy_of(ON_FEEDBACK), CUSTOMER, [], now=at("2026-11-25T10:00:00-06:00")
        )
        assert ("2026-11-25T16:00:00+00:00", "UTC") == (
            decision.now.isoformat(),
            decision.now.timezone_name,
        )

    def test_rule_not_triggered(self) -> None:
        """A rule without an episode says what it waits for."""
        decision = evaluate(policy_of(ON_FEEDBACK), CUSTOMER, [], now=at(NOON))
        assert [("thanks", False, "not triggered: no feedback interaction up to now", ())] == [
            (t.rule, t.fired, t.summary, t.episodes) for t in decision.trace
        ]

    def test_call_episode_carries_its_times(self) -> None:
        """The trace of a fired episode carries the call's due time and deadline."""
        decision = evaluate(policy_of(ON_FEEDBACK), CUSTOMER, [FEEDBACK], now=at(NOON))
        (trace,) = decision.trace
        (episode,) = trace.episodes
        assert (
            True,
            "fired: a call is recommended",
            "call",
            NOON,
            "2026-11-25T20:00:00+00:00",
        ) == (
            trace.fired,
            trace.summary,
            episode.outcome,
            utc(episode.due_at) if episode.due_at else None,
            utc(episode.deadline) if episode.deadline else None,
        )

    def test_str_is_the_explanation(self) -> None:
        """``str(decision)`` is ``decision.explain()``."""
        decision = evaluate(policy_of(ON_FEEDBACK), CUSTOMER, [FEEDBACK], now=at(NOON))
        assert decision.explain() == str(decision)

    def test_the_explanation_keeps_fractions_of_a_second(self) -> None:
        """A time with microseconds but no seconds is shown whole: "15:00" used to stand
        for 15:00:00.999999."""
        now = at("2026-11-25T16:00:00.999999+00:00")
        decision = evaluate(policy_of(ON_FEEDBACK), CUSTOMER, [FEEDBACK], now=now)
        assert decision.explain().startswith(
            "Decision for customer c-1 at 2026-11-25T16:00:00.999999+00:00\n"
        )


class TestEpisodes:
    """Triggers name the episodes; each gets a stable key."""

    def test_on_several_kinds_in_time_order(self) -> None:
        """A trigger on two kinds makes an episode of each interaction, oldest first."""
        rule = Rule(
            name="money",
            trigger=On("billing.refund", "billing.duplicate_charge"),
            deadline=TRIGGER + Elapsed(days=30),
        )
        history = [
            event("r-1", "billing.refund", "2026-11-25T15:00:00+00:00"),
            event("d-1", "billing.duplicate_charge", "2026-11-25T14:00:00+00:00"),
        ]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        assert ["c-1/-/money/d-1", "c-1/-/money/r-1"] == [
            k for k, _, _ in episodes(decision, "money")
        ]

    def test_on_with_a_direction(self) -> None:
        """``On(..., direction="outbound")`` ignores inbound interactions of that kind."""
        rule = Rule(
            name="after-our-email",
            trigger=On("feedback", direction="outbound"),
            deadline=TRIGGER + Elapsed(days=1),
        )
        decision = evaluate(policy_of(rule), CUSTOMER, [FEEDBACK], now=at(NOON))
        assert [] == episodes(decision, "after-our-email")

    def test_last_contact_per_issue(self) -> None:
        """``LastContact()`` makes one episode per issue, keyed by its latest interaction."""
        rule = Rule(
            name="follow-up",
            trigger=LastContact(),
            due=LAST_CONTACT + Local(days=2),
            deadline=DUE + Elapsed(hours=8),
        )
        history = [
            event("a-1", "issue.opened", "2026-11-24T15:00:00+00:00", issue_id="a"),
            event("a-2", "issue.updated", "2026-11-24T16:00:00+00:00", issue_id="a"),
            event("b-1", "issue.opened", "2026-11-24T17:00:00+00:00", issue_id="b"),
            event("fb-0", "feedback", "2026-11-24T18:00:00+00:00"),
        ]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        # two days after each issue's last contact; their windows overlap, so they merge
        assert [(("c-1/a/follow-up/a-2", "c-1/b/follow-up/b-1"), "2026-11-26T16:00:00+00:00")] == [
            (c.keys, utc(c.due_at)) for c in decision.calls
        ]

    def test_last_contact_for_the_customer(self) -> None:
        """A customer-scoped ``LastContact()`` has one episode: the latest interaction."""
        rule = Rule(
            name="silence",
            trigger=LastContact(),
            scope="customer",
            due=LAST_CONTACT + Local(days=30),
            deadline=DUE + Local(days=7),
        )
        history = [
            event("a-1", "issue.opened", "2026-11-20T15:00:00+00:00", issue_id="a"),
            event("fb-0", "feedback", "2026-11-24T18:00:00+00:00"),
        ]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        assert [("c-1/-/silence/fb-0", "2026-12-24T18:00:00+00:00")] == [
            (c.key, utc(c.due_at)) for c in decision.calls
        ]

    @pytest.mark.parametrize("bill_date", ["soon", "9999-12-31", "0001-01-01"])
    def test_untimed_when_the_date_attribute_is_unreadable(self, bill_date: str) -> None:
        """A bill date that is not a date, or a date outside the years 2 to 9998 (a
        database's "no date", which used to crash with ``year 10000 is out of range``):
        the rule cannot time the call and says so."""
        history = [
            event(
                "pc-1",
                "billing.price_change",
                "2026-11-25T15:00:00+00:00",
                attributes={"increase_pct": 20, "bill_date": bill_date},
            )
        ]
        decision = evaluate(starter_policy(), CUSTOMER, history, now=at(NOON))
        assert [
            (
                "c-1/-/price-heads-up/pc-1",
                "untimed",
                (
                    "the due time (7 local days before the bill_date date) or deadline"
                    " (the bill_date date) could not be computed"
                ),
            )
        ] == episodes(decision, "price-heads-up")


class TestSatisfaction:
    """Which outbound calls satisfy an episode (promise 5)."""

    CHARGE = event("ch-1", "billing.duplicate_charge", NOON)

    def test_recorded_call_at_the_trigger_instant_satisfies_it(self) -> None:
        """A call due now, made now and recorded for its key, satisfies it even when "now"
        is the triggering instant (found by the idempotency property: it used to come
        back)."""
        policy = starter_policy(company_timezone="America/Chicago")
        (call,) = evaluate(policy, CUSTOMER, [self.CHARGE], now=at(NOON)).calls
        made = call.record(id="out-1", at=call.due_at)
        decision = evaluate(policy, CUSTOMER, [self.CHARGE, made], now=at(NOON))
        assert ((), "satisfied") == (
            decision.calls,
            episodes(decision, "duplicate-charge-callback")[0][1],
        )

    def test_plain_call_at_the_trigger_instant_does_not(self) -> None:
        """A plain outbound call at the very instant of the trigger is not after it."""
        policy = starter_policy(company_timezone="America/Chicago")
        same = outbound_call("out-1", NOON)
        decision = evaluate(policy, CUSTOMER, [self.CHARGE, same], now=at(NOON))
        assert ["c-1/-/duplicate-charge-callback/ch-1"] == [c.key for c in decision.calls]

    def test_call_on_another_issue_does_not_satisfy_an_issue_rule(self) -> None:
        """An issue-scoped rule wants a call on its own issue."""
        rule = Rule(name="ack", trigger=On("issue.opened"), deadline=TRIGGER + Elapsed(hours=4))
        history = [
            event("op-1", "issue.opened", "2026-11-25T15:00:00+00:00", issue_id="a"),
            outbound_call("out-1", "2026-11-25T15:30:00+00:00", issue_id="b"),
        ]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        assert ["c-1/a/ack/op-1"] == [c.key for c in decision.calls]

    def test_call_listing_the_key_satisfies_it_from_any_issue(self) -> None:
        """A call on another issue that lists the key in ``satisfies`` does satisfy it."""
        rule = Rule(name="ack", trigger=On("issue.opened"), deadline=TRIGGER + Elapsed(hours=4))
        history = [
            event("op-1", "issue.opened", "2026-11-25T15:00:00+00:00", issue_id="a"),
            outbound_call(
                "out-1",
                "2026-11-25T15:30:00+00:00",
                issue_id="b",
                attributes={"satisfies": ["c-1/a/ack/op-1"]},
            ),
        ]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        assert [
            ("c-1/a/ack/op-1", "satisfied", "outbound call 'out-1' at 2026-11-25T15:30:00+00:00")
        ] == (episodes(decision, "ack"))

    def test_satisfies_as_text_is_not_searched_for_a_part_of_a_key(self) -> None:
        """``satisfies`` is a list of keys: a string holding the key is not such a list,
        so a call on another issue does not satisfy the episode by a substring match."""
        rule = Rule(name="ack", trigger=On("issue.opened"), deadline=TRIGGER + Elapsed(hours=4))
        history = [
            event("op-1", "issue.opened", "2026-11-25T15:00:00+00:00", issue_id="a"),
            outbound_call(
                "out-1",
                "2026-11-25T15:30:00+00:00",
                issue_id="b",
                attributes={"satisfies": "c-1/a/ack/op-1 and more"},
            ),
        ]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        assert ["c-1/a/ack/op-1"] == [c.key for c in decision.calls]

    def test_call_on_the_issue_satisfies_it(self) -> None:
        """A call on the same issue after the trigger satisfies an issue-scoped rule."""
        rule = Rule(name="ack", trigger=On("issue.opened"), deadline=TRIGGER + Elapsed(hours=4))
        history = [
            event("op-1", "issue.opened", "2026-11-25T15:00:00+00:00", issue_id="a"),
            outbound_call("out-1", "2026-11-25T15:30:00+00:00", issue_id="a"),
        ]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        assert () == decision.calls

    @pytest.mark.parametrize(("calls", "indexes"), [(SCAN_AT_MOST, 0), (SCAN_AT_MOST + 1, 1)])
    def test_many_calls_are_indexed_once_and_few_read_through(
        self, calls: int, indexes: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Twenty issues, each answered by a call on it (one of them by a call on another
        issue listing its key): the calls of a customer with more than a few are indexed
        once for all the episodes, and the answers are the same either way."""
        rule = Rule(name="ack", trigger=On("issue.opened"), deadline=TRIGGER + Elapsed(hours=4))
        history = [
            event(
                f"op-{n:02d}",
                "issue.opened",
                f"2026-11-2{n // 10}T1{n % 10}:00:00+00:00",
                issue_id=f"t-{n}",
            )
            for n in range(20)
        ]
        history += [
            outbound_call(
                f"out-{n:02d}",
                f"2026-11-2{n // 10}T1{n % 10}:30:00+00:00",
                issue_id=f"t-{n if n else 19}",
                attributes={"satisfies": ["c-1/t-0/ack/op-00"]} if n == 0 else {},
            )
            for n in range(calls)
        ]
        made: list[int] = []

        def counted(items: Sequence[Interaction]) -> CallIndex:
            made.append(len(items))
            return CallIndex(items)

        monkeypatch.setattr(facts, "CallIndex", counted)
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        answered = {f"c-1/t-{n}/ack/op-{n:02d}" for n in range(calls)}
        assert ([calls] * indexes, sorted(answered)) == (
            made,
            sorted(key for key, outcome, _ in episodes(decision, "ack") if outcome == "satisfied"),
        )


class TestKeys:
    """A call's key is ``customer/issue/rule/episode`` and names one episode only."""

    def test_ids_holding_slashes_do_not_make_one_key_of_two_episodes(self) -> None:
        """Customer ``a/b`` on issue ``c`` and customer ``a`` on issue ``b/c`` used to get
        the same key, so a host upserting tasks by key lost one of them."""
        rule = Rule(name="ack", trigger=On("issue.opened"), deadline=TRIGGER + Elapsed(hours=4))
        policy = policy_of(rule)
        keys = set()
        for customer_id, issue_id in [("a/b", "c"), ("a", "b/c"), ("a", "b%2Fc")]:
            opened = Interaction(
                id="e",
                customer_id=customer_id,
                kind="issue.opened",
                at=at("2026-11-25T15:00:00+00:00"),
                issue_id=issue_id,
            )
            who = Customer(id=customer_id, timezone="America/Chicago")
            (call,) = evaluate(policy, who, [opened], now=at(NOON)).calls
            keys.add(call.key)
        assert {"a%2Fb/c/ack/e", "a/b%2Fc/ack/e", "a/b%252Fc/ack/e"} == keys

    def test_an_issue_named_dash_is_not_the_absence_of_an_issue(self) -> None:
        """``-`` stands for "no issue" in a key, so an issue of that id is escaped."""
        rule = Rule(
            name="ack",
            trigger=On("issue.opened"),
            deadline=TRIGGER + Elapsed(hours=4),
            scope="customer",
        )
        history = [
            event("e", "issue.opened", "2026-11-25T15:00:00+00:00", issue_id="-"),
            event("f", "issue.opened", "2026-11-25T15:01:00+00:00"),
        ]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        assert ["c-1/%2D/ack/e", "c-1/-/ack/f"] == sorted(
            key for call in decision.calls for key in call.keys
        )

    def test_a_key_with_a_slash_is_satisfied_by_its_recorded_call(self) -> None:
        """The escaped key is the one a recorded call lists, so it satisfies it."""
        rule = Rule(name="ack", trigger=On("issue.opened"), deadline=TRIGGER + Elapsed(hours=4))
        opened = event("op/1", "issue.opened", "2026-11-25T15:00:00+00:00", issue_id="x/y")
        (call,) = evaluate(policy_of(rule), CUSTOMER, [opened], now=at(NOON)).calls
        assert "c-1/x%2Fy/ack/op%2F1" == call.key
        made = call.record(id="out-1", at=call.due_at)
        assert () == evaluate(policy_of(rule), CUSTOMER, [opened, made], now=at(NOON)).calls


class TestMergedCalls:
    """Calls merged into one are timed by where the merged call goes."""

    def test_a_call_taken_along_early_is_not_pushed(self) -> None:
        """Feedback on Wednesday at 08:00, staff opening at 09:00: an extra-mile rule calls
        at 08:00 and takes the staff-hours rule along.  Its deadline is its own, 10:00:
        it used to be 11:00, moved as if the call had waited for the staff, and the
        trace said so."""
        policy = FollowUpPolicy(
            name="p",
            rules=(
                Rule(
                    name="a-extra",
                    trigger=On("feedback"),
                    scope="customer",
                    deadline=DUE + Elapsed(hours=3),
                    extra_mile=True,
                ),
                Rule(
                    name="b-staff",
                    trigger=On("feedback"),
                    scope="customer",
                    deadline=DUE + Elapsed(hours=2),
                ),
            ),
            schedule=Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"}),
        )
        customer = Customer(id="c-1", timezone="UTC")
        feedback = event("f-1", "feedback", "2026-06-10T08:00:00+00:00")
        decision = evaluate(policy, customer, [feedback], now=at("2026-06-10T08:00:00+00:00"))
        (call,) = decision.calls
        assert ("08:00", "10:00", ("b-staff", "a-extra")) == (
            call.due_at.isoformat()[11:16],
            call.deadline.isoformat()[11:16],
            call.rules,
        )
        (episode,) = episodes_of(decision, "b-staff")
        assert "moved with the call" not in episode.detail

    def test_two_episodes_of_one_rule_list_the_rule_once(self) -> None:
        """Two pieces of feedback half an hour apart: two episodes of one rule, whose
        windows overlap, merge into one call.  The call keeps both keys (one an episode)
        and names the rule once, in ``rules`` and in the explanation; the trace still
        shows both episodes as calls, and recording the call satisfies both."""
        rule = Rule(
            name="thanks",
            trigger=On("feedback"),
            scope="customer",
            deadline=TRIGGER + Elapsed(hours=4),
        )
        history = [
            event("f-1", "feedback", "2026-11-25T15:00:00+00:00"),
            event("f-2", "feedback", "2026-11-25T15:30:00+00:00"),
        ]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        (call,) = decision.calls
        assert (("c-1/-/thanks/f-1", "c-1/-/thanks/f-2"), ("thanks",)) == (
            call.keys,
            call.rules,
        )
        assert [("call", "f-1"), ("call", "f-2")] == [
            (e.outcome, e.episode) for e in episodes_of(decision, "thanks")
        ]
        (line,) = [line for line in decision.explain().splitlines() if line.startswith("CALL")]
        assert line.endswith(": thanks")
        made = call.record(id="out-1", at=call.due_at)
        assert () == evaluate(policy_of(rule), CUSTOMER, [*history, made], now=at(NOON)).calls

    def test_rules_follow_the_keys_first_appearance(self) -> None:
        """Three episodes of two rules in one call: each rule once, in the order its
        first key comes."""
        high = Rule(
            name="high",
            trigger=On("feedback"),
            scope="customer",
            priority="high",
            deadline=TRIGGER + Elapsed(hours=4),
        )
        low = Rule(
            name="low",
            trigger=On("feedback"),
            scope="customer",
            deadline=TRIGGER + Elapsed(hours=4),
        )
        history = [
            event("f-1", "feedback", "2026-11-25T15:00:00+00:00"),
            event("f-2", "feedback", "2026-11-25T15:30:00+00:00"),
        ]
        (call,) = evaluate(policy_of(low, high), CUSTOMER, history, now=at(NOON)).calls
        rule_of_key = [key.split("/")[2] for key in call.keys]
        assert (["high", "high", "low", "low"], ("high", "low")) == (rule_of_key, call.rules)


def _feedback_rule(name: str, *, priority: PriorityName, hours: int, queue: str | None) -> Rule:
    """A rule calling about feedback within ``hours``, of ``priority``, for ``queue``."""
    return Rule(
        name=name,
        trigger=On("feedback"),
        deadline=TRIGGER + Elapsed(hours=hours),
        priority=priority,
        queue=queue,
    )


class TestQueue:
    """A call goes to the queue of its rule; a merged call to its leading rule's."""

    def test_a_call_carries_its_rules_queue(self) -> None:
        """One rule for the senior queue: its call says so, and so does the explanation."""
        senior = _feedback_rule("escalate", priority="high", hours=4, queue="senior")
        decision = evaluate(policy_of(senior), CUSTOMER, [FEEDBACK], now=at(NOON))
        (call,) = decision.calls
        assert "senior" == call.queue
        assert (
            "CALL high due 2026-11-25T10:00-06:00, by 2026-11-25T14:00-06:00 [queue senior]:"
            " escalate"
        ) == decision.explain().splitlines()[1]

    def test_no_queue_is_the_general_queue(self) -> None:
        """A rule without a queue: the call's queue is None, and the explanation names
        none."""
        decision = evaluate(policy_of(ON_FEEDBACK), CUSTOMER, [FEEDBACK], now=at(NOON))
        (call,) = decision.calls
        assert (None, False) == (call.queue, "queue" in decision.explain())

    @pytest.mark.parametrize("reverse", [False, True])
    def test_a_merged_call_takes_the_highest_prioritys_queue(self, reverse: bool) -> None:
        """A normal billing rule and a high senior rule fire together: one call, led by
        the high rule, for the senior queue, whatever the order of the rules."""
        rules = [
            _feedback_rule("billing-note", priority="normal", hours=2, queue="billing"),
            _feedback_rule("escalate", priority="high", hours=4, queue="senior"),
        ]
        policy = policy_of(*(reversed(rules) if reverse else rules))
        (call,) = evaluate(policy, CUSTOMER, [FEEDBACK], now=at(NOON)).calls
        assert (("escalate", "billing-note"), "senior") == (call.rules, call.queue)

    def test_a_merged_call_led_by_a_general_rule_is_general(self) -> None:
        """The leading rule has no queue: the call goes to the general queue, though a
        rule it took along names one."""
        rules = [
            _feedback_rule("billing-note", priority="low", hours=2, queue="billing"),
            _feedback_rule("escalate", priority="urgent", hours=4, queue=None),
        ]
        (call,) = evaluate(policy_of(*rules), CUSTOMER, [FEEDBACK], now=at(NOON)).calls
        assert (("escalate", "billing-note"), None) == (call.rules, call.queue)

    def test_between_equal_priorities_the_earliest_deadline_leads(self) -> None:
        """Two high rules: the one due by 12:00 leads the merged call, and its queue is
        the call's."""
        rules = [
            _feedback_rule("later", priority="high", hours=6, queue="senior"),
            _feedback_rule("sooner", priority="high", hours=2, queue="billing"),
        ]
        (call,) = evaluate(policy_of(*rules), CUSTOMER, [FEEDBACK], now=at(NOON)).calls
        assert (("sooner", "later"), "billing") == (call.rules, call.queue)


class TestPushedPastGivingUp:
    """A call constraints could only place once its rule has given up is suppressed up
    front, naming the constraint; it used to be shown, then silently lapse."""

    POLICY = starter_policy(company_timezone="America/Chicago")

    def test_no_overlap_for_a_month(self) -> None:
        """A bronze customer in Sydney reports a critical problem: Chicago's staff hours
        do not meet Sydney's calling window until October, long after the callback's
        three days of grace."""
        sydney = Customer(id="c-1", timezone="Australia/Sydney", tier="bronze")
        opened = Interaction(
            id="i-1",
            customer_id="c-1",
            kind="issue.opened",
            issue_id="t-1",
            channel="phone",
            at=at("2026-09-05T14:00:00+10:00"),
            attributes={"severity": "critical"},
        )
        decision = evaluate(self.POLICY, sydney, [opened], now=at("2026-09-05T14:01:00+10:00"))
        (suppressed,) = decision.suppressed
        assert ((), "critical-callback", "staff-hours") == (
            decision.calls,
            suppressed.rule,
            suppressed.constraint,
        )
        assert suppressed.reason.startswith(
            "it could go no sooner than 2026-10-05T21:00:00+00:00, after its rule gives up at"
            " 2026-09-10T16:00:00+00:00 (3 local days after the deadline"
        )
        assert [("c-1/t-1/critical-callback/i-1", "suppressed")] == [
            (e.key, e.outcome) for e in episodes_of(decision, "critical-callback")
        ]

    def test_what_it_says_does_not_change_as_now_moves_on(self) -> None:
        """A heads-up the calling hours (09:00-12:00) hold past the bill: asked during
        the callback hour of the customer's call at 21:30 and after it, the suppressed
        call says the same thing (it named the constraint the search from ``now`` met
        last, which changed when the callback hour ended, before ``revisit_at``)."""
        customer = Customer(id="c-1", timezone="America/Chicago", calling_hours="09:00-12:00")
        history = [
            event(
                "p-1",
                "billing.price_change",
                "2024-12-20T15:00:00+00:00",
                attributes={"increase_pct": 20, "bill_date": "2025-01-01"},
            ),
            event("q-1", "feedback", "2025-01-01T03:30:00+00:00", channel="phone"),
        ]
        policy = starter_policy(company_timezone="America/Chicago")
        during = evaluate(policy, customer, history, now=at("2025-01-01T03:40:00+00:00"))
        after = evaluate(policy, customer, history, now=at("2025-01-01T04:40:00+00:00"))
        assert during.revisit_at is not None
        assert during.revisit_at > at("2025-01-01T04:40:00+00:00")
        assert (1, during.suppressed) == (len(after.suppressed), after.suppressed)

    def test_a_cap_that_holds_it_past_the_bill(self) -> None:
        """One call a month at most, and a call made on 1 September: the price heads-up
        due on 13 September could only go on 1 October, after the bill of 20 September."""
        policy = starter_policy(
            company_timezone="America/Chicago", caps=ContactCaps(max_attempts=1, per=Local(days=30))
        )
        history = [
            outbound_call("out-1", "2026-09-01T15:00:00+00:00"),
            event(
                "p-1",
                "billing.price_change",
                "2026-09-02T15:00:00+00:00",
                attributes={"increase_pct": 20, "bill_date": "2026-09-20"},
            ),
        ]
        decision = evaluate(policy, CUSTOMER, history, now=at("2026-09-02T15:00:00+00:00"))
        assert ((), ["cap"]) == (decision.calls, [s.constraint for s in decision.suppressed])

    def test_the_deadline_stops_where_the_rule_gives_up(self) -> None:
        """Due on Sunday 13 December, a week before the bill: the call goes on Monday, and
        its deadline stays the bill date, when the rule gives up, and the trace says so;
        that is a Sunday, so the deadline is then pulled back to Friday 18 December at
        17:00 CST (23:00Z), when staff last close before it."""
        change = event(
            "p-1",
            "billing.price_change",
            "2026-12-01T15:00:00+00:00",
            attributes={"increase_pct": 20, "bill_date": "2026-12-20"},
        )
        decision = evaluate(self.POLICY, CUSTOMER, [change], now=at("2026-12-01T16:00:00+00:00"))
        (call,) = decision.calls
        assert ("2026-12-14T15:00:00+00:00", "2026-12-18T23:00:00+00:00") == (
            utc(call.due_at),
            utc(call.deadline),
        )
        (episode,) = episodes_of(decision, "price-heads-up")
        assert episode.detail.endswith(
            "by 2026-12-18T23:00:00+00:00, not moved with the call: the rule gives up then,"
            " at its deadline (the bill_date date); pulled back from"
            " 2026-12-20T06:00:00+00:00, where the call may not be made"
        )


class TestTheRepeatedHour:
    """Results hold times of the fall-back night's second 01:30 (EST) exactly."""

    RULE = Rule(
        name="thanks",
        trigger=On("feedback"),
        due=TRIGGER + Elapsed(hours=1),
        deadline=DUE + Elapsed(hours=2),
        extra_mile=True,
    )
    POLICY = FollowUpPolicy(
        name="test",
        rules=(RULE,),
        schedule=Schedule(timezone="America/New_York", hours={"mon-sun": "00:00-24:00"}),
        calling_window="00:00-24:00",
    )
    WHO = Customer(id="c-1", timezone="America/New_York")

    def decide(self, feedback: str) -> Decision:
        """Feedback at that instant, evaluated ten minutes later: a call due an hour after."""
        history = [event("f-1", "feedback", feedback)]
        now = at(feedback) + dt.timedelta(minutes=10)
        return evaluate(self.POLICY, self.WHO, history, now=now)

    def test_a_pickled_decision_keeps_its_times(self) -> None:
        """Pickled and back, a call due at 01:30 EST is still due at 01:30 EST (06:30Z);
        it used to come back due an hour earlier, and still compared equal."""
        decision = self.decide("2026-11-01T05:30:00+00:00")
        (call,) = decision.calls
        back = pickle.loads(pickle.dumps(decision))
        assert ("2026-11-01T01:30:00-05:00", True) == (
            back.calls[0].due_at.isoformat(),
            back == decision,
        )
        assert call.due_at.timestamp() == back.calls[0].due_at.timestamp()

    def test_a_hand_made_call_with_naive_times_still_compares(self) -> None:
        """Comparing by instant leaves a naive datetime (a hand-made call) as it is,
        rather than raising ``TypeError`` on ``==`` and ``hash()``."""
        call = self.decide("2026-11-01T05:30:00+00:00").calls[0]
        naive = attrs.evolve(call, due_at=dt.datetime(2026, 11, 1, 1, 30))  # type: ignore[arg-type]
        assert (True, False, hash(naive)) == (
            naive == attrs.evolve(naive),
            naive == call,
            hash(attrs.evolve(naive)),
        )

    def test_calls_an_hour_apart_are_not_equal(self) -> None:
        """Due at 01:30 EDT and at 01:30 EST: two instants an hour apart, which Python's
        datetimes of one zone compare equal by their clocks."""
        first = self.decide("2026-11-01T04:30:00+00:00").calls[0]  # 00:30 EDT
        second = self.decide("2026-11-01T05:30:00+00:00").calls[0]
        assert (first.due_at.isoformat()[:16], second.due_at.isoformat()[:16]) == (
            "2026-11-01T01:30",
            "2026-11-01T01:30",
        )
        assert first.due_at.timestamp() + 3600 == second.due_at.timestamp()
        moved = attrs.evolve(first, due_at=second.due_at)
        assert (False, False, True) == (
            moved == first,
            hash(moved) == hash(first),
            moved == attrs.evolve(first, due_at=from_ts(second.due_at.timestamp(), pendulum.UTC)),
        )


class TestTheDeadlineMovesWithTheCall:
    """Promise 7: a call that constraints push later keeps its rule's slack."""

    POLICY = starter_policy(company_timezone="America/Chicago")

    def placed(self, charged: str, now: str) -> tuple[str, str, bool]:
        """(due, deadline, overdue) of the duplicate-charge callback (15 minutes)."""
        charge = event("d-1", "billing.duplicate_charge", charged)
        (call,) = evaluate(self.POLICY, CUSTOMER, [charge], now=at(now)).calls
        return call.due_at.isoformat()[11:16], call.deadline.isoformat()[11:16], call.overdue

    @pytest.mark.parametrize("charged", ["07:40", "07:45", "07:50"])
    def test_however_far_the_calling_window_pushes_it(self, charged: str) -> None:
        """A charge before the calling window opens at 08:00: the call goes at 08:00 with
        its fifteen minutes.  A charge at 07:45 used to keep its deadline of 08:00 (no
        slack at all), and one at 07:50 got 08:05."""
        when = f"2026-09-05T{charged}:00-05:00"
        assert ("08:00", "08:15", False) == self.placed(when, when)

    def test_asking_late_does_not_move_it(self) -> None:
        """Asked at 08:05 about a charge at 08:00, the deadline stays 08:15: lateness is
        not a constraint, and the deadline does not chase the clock."""
        assert ("08:05", "08:15", False) == self.placed(
            "2026-09-05T08:00:00-05:00", "2026-09-05T08:05:00-05:00"
        )

    def test_asking_after_the_moved_deadline_finds_it_overdue(self) -> None:
        """A charge at 07:00, asked about at 09:00: it could have gone at 08:00, so its
        deadline is 08:15 and the call is overdue."""
        assert ("09:00", "08:15", True) == self.placed(
            "2026-09-05T07:00:00-05:00", "2026-09-05T09:00:00-05:00"
        )

    def test_in_local_days_of_each_customer(self) -> None:
        """Two customers whose calls land at one instant, Saturday 03:00 CDT when staff
        open, with a deadline a local day after: the night the clocks go back makes that
        day 25 hours long in Chicago, 24 in Tokyo (where it ends at 02:00 CST, staff
        closed, and is pulled back to their closing at midnight).  The answer is the same
        whichever is asked first (deadlines are kept by landing instant and timezone)."""
        policy = FollowUpPolicy(
            name="test",
            rules=(
                Rule(
                    name="thanks",
                    trigger=On("feedback"),
                    due=TRIGGER + Elapsed(hours=1),
                    deadline=DUE + Local(days=1),
                ),
            ),
            schedule=Schedule(
                timezone="America/Chicago",
                hours={"mon-fri": "08:00-17:00", "sat-sun": "03:00-24:00"},
            ),
            calling_window="00:00-24:00",
        )
        feedback = [event("f-1", "feedback", "2026-10-30T22:00:00+00:00")]
        now = at("2026-10-30T22:30:00+00:00")

        def deadlines(zones: Sequence[str]) -> dict[str, str]:
            found = {}
            for name in zones:
                customer = Customer(id="c-1", timezone=name)
                (call,) = evaluate(policy, customer, feedback, now=now).calls
                assert utc(call.due_at) == "2026-10-31T08:00:00+00:00"
                found[name] = utc(call.deadline)
            return found

        expected = {
            "America/Chicago": "2026-11-01T09:00:00+00:00",
            "Asia/Tokyo": "2026-11-01T05:00:00+00:00",
        }
        clear_all()
        assert expected == deadlines(["America/Chicago", "Asia/Tokyo"])
        clear_all()
        assert expected == deadlines(["Asia/Tokyo", "America/Chicago"])


class TestLapse:
    """``give_up_after`` in each kind of time."""

    @pytest.mark.parametrize(
        ("after", "alive", "lapsed"),
        [
            (Elapsed(hours=1), "2026-11-25T20:59:00+00:00", "2026-11-25T21:00:00+00:00"),
            (Local(days=1), "2026-11-26T19:59:00+00:00", "2026-11-26T20:00:00+00:00"),
            # 14:00 CST + 2 business hours: 16:00 CST, 22:00Z
            (Business(hours=2), "2026-11-25T21:59:00+00:00", "2026-11-25T22:00:00+00:00"),
        ],
        ids=["elapsed", "local", "business"],
    )
    def test_given_up_after_the_deadline(
        self, after: Elapsed | Local | Business, alive: str, lapsed: str
    ) -> None:
        """Deadline 20:00Z (14:00 CST): still a call a minute before the lapse, gone at it,
        and the lapse instant is the revisit time."""
        rule = attrs.evolve(ON_FEEDBACK, give_up_after=after)
        policy = policy_of(rule)
        before = evaluate(policy, CUSTOMER, [FEEDBACK], now=at(alive))
        gone = evaluate(policy, CUSTOMER, [FEEDBACK], now=at(lapsed))
        assert (1, lapsed) == (
            len(before.calls),
            utc(before.revisit_at) if before.revisit_at else None,
        )
        assert ((), "lapsed") == (gone.calls, episodes(gone, "thanks")[0][1])

    def test_how_long_an_episode_can_live(self) -> None:
        """The fast path skips an episode that started so long ago that the rule's timing
        has given it up, whatever else holds: due time, deadline and give-up time in
        elapsed time or local days bound it (a local day counted at up to two days, and
        a day to spare); business time does not (a run of holidays can stretch it)."""
        days = {
            rule.name: None if rule.stale_after is None else round(rule.stale_after / 86_400, 2)
            for rule in program_of(starter_policy()).rules
        }
        assert {
            "duplicate-charge-callback": 10.01,  # 15 minutes + 7 local days (2 spare) + 1
            "loyal-rescue": 6.02,  # 30 minutes + 3 local days (2 spare) + 1
            "critical-callback": None,  # due a business hour after the trigger
            "repeat-contact": None,  # deadline a business day after
            "reopened-callback": None,  # deadline four business hours after
            "price-heads-up": None,  # due from the bill date, not the trigger
            "intermittent-check-in": 30.0,  # (7 + 2) + (2 + 2) + (14 + 2) + 1
            "thanks-for-feedback": None,  # deadline two business days after
            "loyalty-anniversary": 12.0,  # (7 + 2) + (0 + 2) + 1
        } == days
        fresh = attrs.evolve(ON_FEEDBACK, give_up_after=Local(days=1))
        assert program_of(policy_of(fresh)).rules[0].stale_after == 4 * 3600 + (1 + 2 + 1) * 86_400

    def test_a_rule_timed_in_business_hours_is_searched(self) -> None:
        """The critical callback is due at the next staff opening, by two business hours
        later, and given up three local days after that.  At Tuesday 10:00 in New York,
        the fast path skips reports made up to Wednesday 16:00: bounding each step from
        above (local days by two days more, for the clocks that go back), such a report
        was given up by Sunday 10:00 at the latest."""
        policy = starter_policy(company_timezone="America/New_York")
        critical = next(r for r in program_of(policy).rules if r.name == "critical-callback")
        ctx = Context(
            customer=Customer(id="c-1", timezone="America/New_York"),
            now=0.0,
            history=[],
            schedule=policy.schedule,
        )
        tuesday = at("2026-03-10T14:00:00+00:00").timestamp()
        wednesday = at("2026-03-04T21:00:00+00:00").timestamp()
        assert abs(critical.stale_before(ctx, tuesday) - wednesday) <= 60
        assert critical.stale_before(ctx, tuesday) == critical.stale_before(ctx, tuesday)

    def test_business_time_after_local_days_is_bounded_too(self) -> None:
        """Business time stands still while staff are closed, and local days can run back
        an hour when clocks go back: together they could make a later start give up
        earlier.  An episode that has not been given up is never skipped."""
        rule = Rule(
            name="r",
            trigger=On("feedback"),
            due=TRIGGER + Business(minutes=55),
            deadline=DUE + Local(days=7),
            give_up_after=Business(minutes=30),
            extra_mile=True,
        )
        policy = FollowUpPolicy(
            name="p", rules=(rule,), schedule=Schedule(timezone="UTC", hours={"sun": "05:00-07:00"})
        )
        customer = Customer(id="c-1", timezone="America/New_York")
        history = [event("i1", "feedback", "2024-11-01T12:00:00+00:00")]
        now = at("2024-11-15T17:09:00+00:00")
        expected = evaluate(policy, customer, history, now=now).calls
        now_ts = now.timestamp()
        calls, _ = calls_for(policy, customer, customer_history(customer, history, now_ts), now_ts)
        assert (1, expected) == (len(expected), tuple(calls))


class TestRevisit:
    """``revisit_at`` is the next moment the decision could change on its own."""

    def test_a_condition_judged_at_the_trigger_never_asks_for_a_revisit(self) -> None:
        """A silence in the condition is the one the trigger broke: judged as of the
        trigger (no earlier contact, so it fails), it cannot change with time alone, so
        it asks for no revisit."""
        from extramile.conditions import silence_at_least  # noqa: PLC0415

        rule = Rule(
            name="quiet",
            trigger=On("issue.opened"),
            condition=silence_at_least(Elapsed(hours=48)),
            deadline=TRIGGER + Local(days=5),
        )
        history = [event("op-1", "issue.opened", "2026-11-25T15:00:00+00:00", issue_id="a")]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        assert ((), None) == (decision.calls, decision.revisit_at)

    def test_stop_condition_threshold(self) -> None:
        """A stop condition judged at now reports when it will hold: 48 hours of silence
        after the issue opened (Friday 15:00Z) end the episode, so the decision is
        revisited then."""
        from extramile.conditions import silence_at_least  # noqa: PLC0415

        rule = Rule(
            name="quiet",
            trigger=On("issue.opened"),
            due=TRIGGER + Local(days=3),
            deadline=DUE + Local(days=5),
            stop=silence_at_least(Elapsed(hours=48)),
        )
        history = [event("op-1", "issue.opened", "2026-11-25T15:00:00+00:00", issue_id="a")]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        later = evaluate(policy_of(rule), CUSTOMER, history, now=at("2026-11-27T15:00:00+00:00"))
        assert ("2026-11-27T15:00:00+00:00", 1, ()) == (
            utc(decision.revisit_at) if decision.revisit_at else None,
            len(decision.calls),
            later.calls,
        )

    def test_calling_window_closing_on_an_extra_mile_call(self) -> None:
        """An extra-mile call due now at 20:30 CST stops being allowed when the calling
        window closes at 21:00 CST (03:00Z)."""
        rule = attrs.evolve(ON_FEEDBACK, extra_mile=True)
        feedback = event("fb-1", "feedback", "2026-11-26T00:00:00+00:00", channel="system")
        decision = evaluate(
            policy_of(rule), CUSTOMER, [feedback], now=at("2026-11-26T02:30:00+00:00")
        )
        assert (["2026-11-26T02:30:00+00:00"], "2026-11-26T03:00:00+00:00") == (
            [utc(c.due_at) for c in decision.calls],
            utc(decision.revisit_at) if decision.revisit_at else None,
        )

    def test_callback_hour_ending_on_an_extra_mile_call(self) -> None:
        """A customer's own call at 22:00 CST: the callback may go until 23:00 CST, then
        the calling window is closed, so that is the revisit time."""
        rule = attrs.evolve(ON_FEEDBACK, extra_mile=True)
        feedback = event("fb-1", "feedback", "2026-11-26T04:00:00+00:00", channel="phone")
        decision = evaluate(
            policy_of(rule), CUSTOMER, [feedback], now=at("2026-11-26T04:10:00+00:00")
        )
        assert (["2026-11-26T04:10:00+00:00"], "2026-11-26T05:00:00+00:00") == (
            [utc(c.due_at) for c in decision.calls],
            utc(decision.revisit_at) if decision.revisit_at else None,
        )

    def test_callback_hour_is_half_open(self) -> None:
        """Exactly one hour after the customer's own call at 22:00 CST, the callback hour
        is over: the call waits for 08:00 CST (14:00Z) like any other."""
        rule = attrs.evolve(ON_FEEDBACK, extra_mile=True)
        feedback = event("fb-1", "feedback", "2026-11-26T04:00:00+00:00", channel="phone")
        decision = evaluate(
            policy_of(rule), CUSTOMER, [feedback], now=at("2026-11-26T05:00:00+00:00")
        )
        assert ["2026-11-26T14:00:00+00:00"] == [utc(c.due_at) for c in decision.calls]

    def test_a_deadline_passing_prints_as_just_after_it(self) -> None:
        """Feedback at 08:10, a call due now at 08:30, by 08:40: the decision changes the
        first moment it is overdue, a microsecond after 08:40, which is ``revisit_at``
        exactly.  At 08:40
        the call is still on time; at ``revisit_at`` it is overdue.  ``explain()`` says
        "just after 08:40" rather than printing the microsecond."""
        rule = Rule(
            name="thanks",
            trigger=On("feedback"),
            scope="customer",
            deadline=TRIGGER + Elapsed(minutes=30),
        )
        policy = policy_of(rule, schedule=Schedule.always_open("UTC"))
        customer = Customer(id="c-1", timezone="UTC")
        history = [event("f-1", "feedback", "2026-03-09T08:10:00+00:00")]
        decision = evaluate(policy, customer, history, now=at("2026-03-09T08:30:00+00:00"))
        assert decision.revisit_at is not None
        assert "2026-03-09T08:40:00.000001+00:00" == utc(decision.revisit_at)
        at_deadline = evaluate(policy, customer, history, now=at("2026-03-09T08:40:00+00:00"))
        at_revisit = evaluate(policy, customer, history, now=decision.revisit_at)
        assert ([False], [True]) == (
            [c.overdue for c in at_deadline.calls],
            [c.overdue for c in at_revisit.calls],
        )
        assert decision.explain().endswith(
            "\nRevisit just after 2026-03-09T08:40+00:00 unless something happens first."
        )

    def test_a_whole_revisit_time_prints_as_it_is(self) -> None:
        """A revisit on the minute (here, when staff close on a call due now) is printed at it."""
        from extramile.conditions import silence_at_least  # noqa: PLC0415

        rule = Rule(
            name="quiet",
            trigger=On("issue.opened"),
            deadline=TRIGGER + Local(days=5),
            stop=silence_at_least(Elapsed(hours=48)),
        )
        history = [event("op-1", "issue.opened", "2026-11-25T15:00:00+00:00", issue_id="a")]
        decision = evaluate(policy_of(rule), CUSTOMER, history, now=at(NOON))
        assert decision.explain().endswith(
            "\nRevisit at 2026-11-25T23:00+00:00 unless something happens first."
        )


class _Raises(Condition):
    """Base for conditions with a bug in one method."""


@attrs.frozen
class _FailsToExplain(_Raises):
    def check(self, ctx: Context) -> bool:
        return False

    def explain(self, ctx: Context) -> str:
        raise KeyError("missing")


@attrs.frozen
class _FailsToSayWhen(_Raises):
    def check(self, ctx: Context) -> bool:
        return True

    def changes_at(self, ctx: Context) -> float | None:
        raise TypeError("no clock")


@attrs.frozen
class _RaisesOurs(_Raises):
    def check(self, ctx: Context) -> bool:
        raise InvalidPolicyError("deliberately malformed")


class TestConditionErrors:
    """A condition that raises becomes a ConditionError naming the rule."""

    def _evaluate(
        self,
        condition: Condition,
        *,
        extra_mile: bool | Condition = False,
        stop: Condition | None = None,
    ) -> None:
        rule = attrs.evolve(ON_FEEDBACK, condition=condition, extra_mile=extra_mile, stop=stop)
        evaluate(policy_of(rule), CUSTOMER, [FEEDBACK], now=at(NOON))

    def test_while_explaining(self) -> None:
        """An ``explain`` that raises: the message says it happened while explaining."""
        with pytest.raises(ConditionError, match=r"rule 'thanks'.*KeyError while explaining"):
            self._evaluate(_FailsToExplain())

    def test_while_asking_when_it_changes(self) -> None:
        """A ``changes_at`` that raises names the rule too (asked of the stop condition,
        judged at now)."""
        with pytest.raises(ConditionError, match=r"rule 'thanks'.*raised TypeError: no clock"):
            self._evaluate(ALWAYS, stop=~_FailsToSayWhen())

    def test_inside_a_combination(self) -> None:
        """A failing part of ``&`` is caught like a whole condition."""
        with pytest.raises(ConditionError, match="rule 'thanks'"):
            self._evaluate(ALWAYS, stop=attr("x").exists() & ~_FailsToSayWhen())

    def test_in_the_extra_mile_flag(self) -> None:
        """A condition used as the extra-mile flag is guarded as well."""
        with pytest.raises(ConditionError, match="rule 'thanks'"):
            self._evaluate(
                attr("score").exists() | ~attr("score").exists(), extra_mile=_FailsToSayWhen()
            )

    def test_library_errors_pass_through(self) -> None:
        """An ExtramileError raised inside a condition is not wrapped again."""
        with pytest.raises(ExtramileError, match=r"^deliberately malformed$") as caught:
            self._evaluate(_RaisesOurs())
        assert not isinstance(caught.value, ConditionError)


class TestHistoryOrder:
    @pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
    def test_time_then_id_whatever_the_input_order(self, order: tuple[int, ...]) -> None:
        """Interactions at one instant are ordered by id; later ones after; future ones
        dropped."""
        items = [
            event("b", "feedback", "2026-11-25T15:00:00+00:00"),
            event("a", "feedback", "2026-11-25T15:00:00+00:00"),
            event("c", "feedback", "2026-11-25T14:00:00+00:00"),
            event("d", "feedback", "2026-11-25T17:00:00+00:00"),
        ]
        history = customer_history(CUSTOMER, [items[i] for i in order], at(NOON).timestamp())
        assert ["c", "a", "b"] == [item.id for item in history]

    def test_a_subclass_and_a_generator_are_histories_too(self) -> None:
        """A host's subclass of Interaction is an interaction, and a history may be any
        iterable: both give what a list of plain interactions gives."""

        class Logged(Interaction):
            pass

        plain = event("b", "feedback", "2026-11-25T15:00:00+00:00")
        logged = Logged(id="a", customer_id=CUSTOMER.id, kind="feedback", at=plain.at)
        now = at(NOON).timestamp()
        expected = customer_history(CUSTOMER, [plain, logged], now)
        assert ["a", "b"] == [item.id for item in expected]
        assert expected == customer_history(CUSTOMER, iter([logged, plain]), now)

    @pytest.mark.parametrize(
        ("bad", "message"),
        [
            ("someone else's", "belongs to customer 'c-2'"),
            ("a repeated id", "appears twice"),
        ],
    )
    def test_the_first_bad_interaction_is_named(self, bad: str, message: str) -> None:
        """However long the history, a bad interaction is found and named."""
        items = [event(f"i-{n}", "feedback", f"2026-11-2{n % 5}T15:00:00+00:00") for n in range(9)]
        if bad == "a repeated id":
            items.append(items[3])
        else:
            items.append(attrs.evolve(items[0], id="x", customer_id="c-2"))
        with pytest.raises(InvalidFactError, match=message):
            customer_history(CUSTOMER, items, at(NOON).timestamp())


class TestReviewedEdges:
    """Edges a review of the engine found, each with the case that showed it."""

    def test_an_overdue_call_in_the_callback_hour_goes_now(self) -> None:
        """A customer of unknown zone whose served zones' windows never meet phones in
        after their duplicate charge's 15 minutes have passed: within the callback hour
        the overdue call goes now, rather than being suppressed for want of a window.
        Its first allowed moment was the customer's call at 12:10, which moved its
        deadline to 12:25."""
        policy = starter_policy(
            served_timezones=["America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo"]
        )
        customer = Customer(id="c-1")
        history = [
            event("i-1", "billing.duplicate_charge", "2026-06-10T12:00:00+00:00", issue_id="b-1"),
            event("i-2", "call", "2026-06-10T12:10:00+00:00", channel="phone", issue_id="b-1"),
        ]
        now = at("2026-06-10T12:30:00+00:00")
        decision = evaluate(policy, customer, history, now=now)
        assert ([now], ()) == ([call.due_at for call in decision.calls], decision.suppressed)
        assert (True, "2026-06-10T12:25:00+00:00") == (
            decision.calls[0].overdue,
            decision.calls[0].deadline.isoformat(),
        )

    def test_a_customer_scoped_rule_measures_the_customers_last_contact(self) -> None:
        """A customer-scoped rule anchored on the last contact: an email with no issue
        after the resolution is the customer's last contact, so the due time is measured
        from it, not from the issue's last contact; the silence before the resolution
        (the condition, as of the trigger) held."""
        from extramile.conditions import silence_at_least  # noqa: PLC0415

        rule = Rule(
            name="quiet",
            trigger=On("issue.resolved"),
            scope="customer",
            condition=silence_at_least(Local(days=7)),
            due=LAST_CONTACT + Local(days=7),
            deadline=DUE + Local(days=2),
            extra_mile=True,
        )
        policy = policy_of(rule, schedule=Schedule.always_open("UTC"))
        customer = Customer(id="c-1", timezone="Europe/London")
        history = [
            event("i-0", "issue.opened", "2026-04-20T09:00:00+01:00", issue_id="t-1"),
            event("i-1", "issue.resolved", "2026-05-01T10:00:00+01:00", issue_id="t-1"),
            event("i-2", "feedback", "2026-05-06T10:00:00+01:00", channel="email"),
        ]
        early = evaluate(policy, customer, history, now=at("2026-05-09T12:00:00+01:00"))
        later = evaluate(policy, customer, history, now=at("2026-05-13T12:00:00+01:00"))
        assert ([at("2026-05-13T10:00:00+01:00")], [at("2026-05-13T12:00:00+01:00")]) == (
            [call.due_at for call in early.calls],
            [call.due_at for call in later.calls],
        )
        assert early.revisit_at == at("2026-05-13T10:00:00+01:00")

    def test_revisit_at_the_first_moment_a_call_is_overdue(self) -> None:
        """A duplicate charge due by 10:15: following ``revisit_at`` from 10:01 reaches
        the first moment the call is overdue, not a later one."""
        policy = starter_policy(company_timezone="Europe/London")
        customer = Customer(id="c-1", timezone="Europe/London")
        history = [
            event("i-1", "billing.duplicate_charge", "2026-06-10T10:00:00+01:00", issue_id="b-1")
        ]
        first = evaluate(policy, customer, history, now=at("2026-06-10T10:01:00+01:00"))
        assert first.revisit_at is not None
        then = evaluate(policy, customer, history, now=first.revisit_at)
        assert (False, True) == (first.calls[0].overdue, then.calls[0].overdue)
        lateness = first.revisit_at.timestamp() - at("2026-06-10T10:15:00+01:00").timestamp()
        assert 0 < lateness <= 1

    def test_the_trace_says_how_each_time_was_worked_out(self) -> None:
        """A call wanted at 06:00 in Chicago, before the calling window opens at 08:00,
        by 06:30, and evaluated at 10:00: it goes now, and its trace gives the rule's
        due time and deadline, when it was wanted, and that the deadline moved with the
        call to 08:30, keeping its slack."""
        rule = Rule(
            name="early",
            trigger=On("feedback"),
            due=TRIGGER + Elapsed(hours=1),
            deadline=DUE + Elapsed(minutes=30),
            extra_mile=True,
        )
        feedback = event("fb-1", "feedback", "2026-11-25T11:00:00+00:00", channel="system")
        decision = evaluate(policy_of(rule), CUSTOMER, [feedback], now=at(NOON))
        (episode,) = [e for t in decision.trace for e in t.episodes]
        assert (
            "due 2026-11-25T16:00:00+00:00 (wanted at 2026-11-25T12:00:00+00:00: 1 hour elapsed"
            " after the trigger); by 2026-11-25T14:30:00+00:00, moved with the call from"
            " 2026-11-25T12:30:00+00:00 (30 minutes elapsed after the due time)"
        ) == episode.detail

    def test_a_window_open_all_day_sets_no_revisit(self) -> None:
        """An extra-mile call with a calling window open all day: nothing changes until
        the call goes overdue, so that is the revisit time, not every other day."""
        rule = Rule(
            name="r",
            trigger=On("feedback"),
            deadline=DUE + Local(days=30),
            extra_mile=True,
        )
        policy = FollowUpPolicy(
            name="p",
            rules=[rule],
            schedule=Schedule.always_open("UTC"),
            calling_window="00:00-24:00",
        )
        customer = Customer(id="c-1", timezone="Europe/Paris")
        now = at("2026-06-10T10:00:00+02:00")
        decision = evaluate(policy, customer, [event("i-1", "feedback", now.isoformat())], now=now)
        assert decision.revisit_at is not None
        assert at("2026-07-10T10:00:00+02:00") < decision.revisit_at
        assert decision.revisit_at.timestamp() - at("2026-07-10T10:00:00+02:00").timestamp() < 1

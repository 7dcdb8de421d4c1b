"""Unit tests of ``extramile.conditions``: conditions as data (repr, equality, pickling),
the ``&``, ``|`` and ``~`` combinators, what ``explain`` says, and ``changes_at``."""

from __future__ import annotations

import datetime as dt
import enum
import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest

import extramile._conditions as conditions_package
from extramile import (
    TRIGGER,
    Business,
    Customer,
    Elapsed,
    Interaction,
    InvalidPolicyError,
    Local,
    On,
    PolicyError,
    PolicyTypeError,
    Rule,
    Schedule,
    starter_policy,
)
from extramile._conditions import TriggerContext, compile_condition
from extramile._conditions.episode import TierIn
from extramile._conditions.facts import Compare
from extramile.conditions import (
    ALWAYS,
    Condition,
    Context,
    IssueThread,
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
    staff_open_at_trigger,
    tenure_at_least,
    tier_in,
)

UTC = dt.timezone.utc
OFFICE = Schedule(timezone="America/Chicago", hours={"mon-fri": "09:00-17:00"})
# Saturday 28 November 2026, 10:00 CST
SATURDAY = dt.datetime(2026, 11, 28, 16, tzinfo=UTC)


def ts(text: str) -> float:
    """POSIX seconds of ISO-8601 text with an offset."""
    return dt.datetime.fromisoformat(text).timestamp()


def interaction(
    kind: str = "issue.opened", when: str = "2026-11-28T16:00:00+00:00", **fields: Any
) -> Interaction:
    """An interaction of customer c-1."""
    fields.setdefault("id", f"{kind}@{when}")
    return Interaction(customer_id="c-1", kind=kind, at=dt.datetime.fromisoformat(when), **fields)


def untyped(value: object) -> Any:
    """``value``, hidden from the type checker: a user without one may pass anything."""
    return value


def context(
    *,
    trigger: Interaction | None = None,
    customer: Customer | None = None,
    now: str = "2026-11-28T16:30:00+00:00",
    history: list[Interaction] | None = None,
    issue: IssueThread | None = None,
    last_contact: float | None = None,
) -> Context:
    """A context for one episode, by default triggered by a critical issue report."""
    if trigger is None:
        trigger = interaction(
            attributes={"severity": "critical", "increase_pct": 9.5, "flag": True}
        )
    return Context(
        customer=customer
        or Customer(
            id="c-1",
            timezone="America/Chicago",
            tier="gold",
            customer_since=dt.date(2022, 3, 10),
            tags={"autopay"},
            attributes={"region": "north"},
        ),
        now=ts(now),
        history=history if history is not None else [trigger],
        schedule=OFFICE,
        trigger=trigger,
        episode_start=trigger.ts,
        issue=issue,
        last_contact=last_contact,
    )


EXAMPLES: list[Condition] = [
    always(),
    attr("increase_pct") >= 10,
    attr("amount") > 0,
    issue_attr("count") <= 3,
    customer_attr("score") < 5,
    attr("severity").equals("critical"),
    attr("severity").differs("low"),
    attr("severity").is_in("high", "critical"),
    issue_attr("intermittent").is_true(),
    has_attr("bill_date"),
    kind_is("feedback", "issue.opened"),
    direction_is("inbound"),
    issue_is("resolved"),
    issue_open(),
    tier_in("gold", "platinum"),
    has_tag("autopay"),
    tenure_at_least(years=5),
    silence_at_least(Elapsed(hours=48)),
    silence_at_least(Local(days=7)),
    count_at_least("call", 3, within=Local(days=7)),
    staff_open_at_trigger(),
    outside_staff_hours(),
    tier_in("gold") & (attr("increase_pct") >= 10),
    tier_in("gold") | tenure_at_least(years=5),
    ~(attr("increase_pct") >= 10),
    (tier_in("gold") | has_tag("vip")) & ~staff_open_at_trigger(),
    tier_in("gold") | (attr("amount") > 0) & has_tag("vip"),
]
NAMESPACE: dict[str, object] = {
    **vars(conditions_package),
    "Elapsed": Elapsed,
    "Local": Local,
}


class TestAsData:
    """Conditions print readably, compare equal by value and pickle."""

    @pytest.mark.parametrize("condition", EXAMPLES, ids=repr)
    def test_repr_reads_back_as_an_equal_condition(self, condition: Condition) -> None:
        """The repr is the Python that builds the condition (found broken for comparisons
        inside ``&``, ``|`` and ``~``: ``~attr('x') >= 10`` means something else)."""
        assert condition == eval(repr(condition), NAMESPACE)  # our own repr, read back

    @pytest.mark.parametrize(
        ("condition", "expected"),
        [
            (attr("increase_pct") >= 10, "attr('increase_pct') >= 10"),
            (attr("severity").equals("critical"), "attr('severity').equals('critical')"),
            (attr("s").differs(1), "attr('s').differs(1)"),
            (attr("s").is_in("a", "b"), "attr('s').is_in('a', 'b')"),
            (issue_attr("intermittent").is_true(), "issue_attr('intermittent').is_true()"),
            (has_attr("amount"), "attr('amount').exists()"),
            (customer_attr("region").equals("EU"), "customer_attr('region').equals('EU')"),
            (kind_is("b", "a"), "kind_is('a', 'b')"),
            (issue_open(), "issue_is('open', 'reopened')"),
            (silence_at_least(Elapsed(hours=48)), "silence_at_least(Elapsed(days=2))"),
            (
                count_at_least("call", 3, within=Local(days=7)),
                "count_at_least('call', 3, within=Local(days=7))",
            ),
            (outside_staff_hours(), "~staff_open_at_trigger()"),
            (
                tier_in("gold", "platinum") | tenure_at_least(years=5),
                "tier_in('gold', 'platinum') | tenure_at_least(years=5)",
            ),
            (
                (tier_in("gold") | has_tag("vip")) & direction_is("inbound"),
                "(tier_in('gold') | has_tag('vip')) & direction_is('inbound')",
            ),
            (
                (attr("increase_pct") >= 10) & has_attr("bill_date"),
                "(attr('increase_pct') >= 10) & attr('bill_date').exists()",
            ),
            (~(attr("x") >= 10), "~(attr('x') >= 10)"),
            (~(tier_in("gold") & has_tag("vip")), "~(tier_in('gold') & has_tag('vip'))"),
            (always(), "always()"),
        ],
    )
    def test_repr(self, condition: Condition, expected: str) -> None:
        """Each condition's repr, as a printed policy shows it."""
        assert expected == repr(condition)

    @pytest.mark.parametrize("condition", EXAMPLES, ids=repr)
    def test_pickles_to_an_equal_condition(self, condition: Condition) -> None:
        """A pickled condition compares equal and hashes alike."""
        copied = pickle.loads(pickle.dumps(condition))
        assert (condition, hash(condition)) == (copied, hash(copied))

    def test_equal_by_value(self) -> None:
        """Two conditions built alike are equal; a different value is not."""
        assert (True, False) == (
            (attr("x") >= 10) == (attr("x") >= 10),
            (attr("x") >= 10) == (attr("x") >= 11),
        )

    def test_always_is_one_object(self) -> None:
        """``always()`` is the ALWAYS constant."""
        assert ALWAYS is always()

    def test_frozen(self) -> None:
        """A condition cannot be changed after it is built."""
        condition = tier_in("gold")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            condition.tiers = frozenset({"bronze"})  # type: ignore[attr-defined]


class TestCombinators:
    """``&``, ``|`` and ``~`` build compound conditions."""

    def test_and_flattens(self) -> None:
        """``(a & b) & c`` and ``a & (b & c)`` are the same three-part condition."""
        a, b, c = tier_in("gold"), has_tag("vip"), direction_is("inbound")
        assert ((a, b, c), (a & b) & c) == (((a & b) & c).parts, a & (b & c))  # type: ignore[attr-defined]

    def test_or_flattens(self) -> None:
        """``a | b | c`` has three parts."""
        a, b, c = tier_in("gold"), has_tag("vip"), direction_is("inbound")
        assert (a, b, c) == (a | b | c).parts  # type: ignore[attr-defined]

    def test_mixed_does_not_flatten_across_kinds(self) -> None:
        """``a | b & c`` keeps the ``&`` as one part of the ``|``."""
        a, b, c = tier_in("gold"), has_tag("vip"), direction_is("inbound")
        assert (a, b & c) == (a | b & c).parts  # type: ignore[attr-defined]

    def test_combining_with_something_else_is_refused(self) -> None:
        """A lambda cannot be combined with a condition: a PolicyTypeError says so."""
        with pytest.raises(PolicyTypeError, match="rather than a lambda") as caught:
            tier_in("gold") & (lambda ctx: True)  # type: ignore[operator]
        assert isinstance(caught.value, TypeError)

    def test_a_fact_compared_with_equals_signs_is_named(self) -> None:
        """``attr("x") == 5`` is a plain bool (facts compare as data): combining it, or
        making it a rule's condition, says to use ``.equals()``; it used to raise a bare
        ``TypeError`` about ``&``."""
        same = untyped(attr("severity")) == "critical"
        with pytest.raises(PolicyTypeError, match=r"got bool False\); compare a fact with"):
            same & direction_is("inbound")
        with pytest.raises(PolicyTypeError, match=r"got bool False\); compare a fact with"):
            same | direction_is("inbound")
        with pytest.raises(PolicyTypeError, match=r"compare a fact with \.equals\(value\)"):
            Rule(
                name="r",
                trigger=On("feedback"),
                condition=same,
                deadline=TRIGGER + Elapsed(hours=1),
            )

    @pytest.mark.parametrize(
        ("condition", "expected"),
        [
            (tier_in("gold") & has_tag("autopay"), True),
            (tier_in("gold") & has_tag("vip"), False),
            (tier_in("bronze") | has_tag("autopay"), True),
            (tier_in("bronze") | has_tag("vip"), False),
            (~tier_in("bronze"), True),
            (~~tier_in("bronze"), False),
        ],
        ids=repr,
    )
    def test_truth(self, condition: Condition, expected: bool) -> None:
        """The combinators compute and, or and not."""
        assert expected == condition.check(context())


class TestExplain:
    """``explain`` says what each condition saw."""

    @pytest.mark.parametrize(
        ("condition", "expected"),
        [
            (attr("increase_pct") >= 10, "attr('increase_pct') >= 10 failed: increase_pct was 9.5"),
            (attr("increase_pct") >= 9, "attr('increase_pct') >= 9 held: increase_pct was 9.5"),
            (attr("bill_date") >= 1, "attr('bill_date') >= 1 failed: bill_date was missing"),
            (
                attr("severity") >= 1,
                "attr('severity') >= 1 failed: severity was 'critical'",
            ),
            (has_attr("bill_date"), "attr('bill_date').exists() failed: bill_date was missing"),
            (has_attr("severity"), "attr('severity').exists() held: severity was 'critical'"),
            (
                customer_attr("region").equals("south"),
                "customer_attr('region').equals('south') failed: region was 'north'",
            ),
            (tier_in("bronze"), "tier_in('bronze') failed: the tier was 'gold'"),
            (has_tag("vip"), "has_tag('vip') failed: the tags were ['autopay']"),
            (kind_is("feedback"), "kind_is('feedback') failed: the kind was 'issue.opened'"),
            (
                direction_is("outbound"),
                "direction_is('outbound') failed: the direction was 'inbound'",
            ),
            (
                issue_open(),
                "issue_is('open', 'reopened') failed: the episode is not about an issue",
            ),
            (
                tenure_at_least(years=5),
                "tenure_at_least(years=5) failed: a customer since 2022-03-10",
            ),
            (
                silence_at_least(Elapsed(hours=1)),
                "silence_at_least(Elapsed(hours=1)) failed: there was no contact",
            ),
            (
                count_at_least("issue.opened", 1, within=Local(days=7)),
                "count_at_least('issue.opened', 1, within=Local(days=7)) held: 1 such interaction",
            ),
            (
                staff_open_at_trigger(),
                (
                    "staff_open_at_trigger() failed: staff hours closed in America/Chicago"
                    " until Mon 09:00 CST"
                ),
            ),
            (
                outside_staff_hours(),
                (
                    "not (staff_open_at_trigger() failed: staff hours closed in"
                    " America/Chicago until Mon 09:00 CST)"
                ),
            ),
            (always(), "no condition"),
        ],
        ids=repr,
    )
    def test_values_seen(self, condition: Condition, expected: str) -> None:
        """Each condition says whether it held and quotes the value it saw."""
        assert expected == condition.explain(context())

    def test_a_value_of_none_is_not_said_to_be_missing(self) -> None:
        """``exists()`` fails on None as on a missing value, and says which it saw."""
        ctx = context(trigger=interaction(attributes={"bill_date": None}))
        assert "attr('bill_date').exists() failed: bill_date was None" == has_attr(
            "bill_date"
        ).explain(ctx)

    def test_a_comparison_of_its_own_check_explains_by_that_check(self) -> None:
        """A subclass of a comparison that checks in its own way says what its check
        decides, quoting the value it saw."""

        class AlwaysHeld(Compare):
            def check(self, ctx: Context) -> bool:
                return True

        condition = AlwaysHeld(attr("increase_pct"), ">=", 10)
        assert "attr('increase_pct') >= 10 held: increase_pct was 9.5" == condition.explain(
            context()
        )

    def test_and_explains_the_first_failing_part(self) -> None:
        """A failing ``&`` names only the part that failed."""
        condition = tier_in("gold") & (attr("increase_pct") >= 10) & has_tag("vip")
        assert "attr('increase_pct') >= 10 failed: increase_pct was 9.5" == condition.explain(
            context()
        )

    def test_and_that_holds_lists_every_part(self) -> None:
        """A holding ``&`` says what each part saw."""
        condition = tier_in("gold") & has_tag("autopay")
        assert (
            "all of: tier_in('gold') held: the tier was 'gold'; has_tag('autopay') held:"
            " the tags were ['autopay']"
        ) == condition.explain(context())

    def test_or_that_fails_lists_every_part(self) -> None:
        """A failing ``|`` says what each alternative saw."""
        condition = tier_in("bronze") | has_tag("vip")
        assert (
            "none of: tier_in('bronze') failed: the tier was 'gold'; has_tag('vip') failed:"
            " the tags were ['autopay']"
        ) == condition.explain(context())

    def test_or_that_holds_names_the_part_that_held(self) -> None:
        """A holding ``|`` names the first alternative that held."""
        condition = tier_in("bronze") | has_tag("autopay")
        assert "has_tag('autopay') held: the tags were ['autopay']" == condition.explain(context())

    def test_issue_state(self) -> None:
        """An issue that was resolved and reopened is open again; the explanation says
        which state it saw."""
        thread = IssueThread("a")
        thread.add(interaction("issue.opened", issue_id="a", attributes={"intermittent": True}))
        thread.add(interaction("issue.resolved", "2026-11-28T16:10:00+00:00", issue_id="a"))
        resolved = issue_is("resolved").explain(context(issue=thread))
        thread.add(interaction("issue.reopened", "2026-11-28T16:20:00+00:00", issue_id="a"))
        assert (
            "issue_is('resolved') held: the issue was resolved",
            "issue_is('open', 'reopened') held: the issue was reopened",
            True,
        ) == (
            resolved,
            issue_open().explain(context(issue=thread)),
            issue_attr("intermittent").is_true().check(context(issue=thread)),
        )

    def test_custom_condition_default_explanation(self) -> None:
        """A custom condition that does not explain itself still says held or not."""

        @attrs.frozen
        class Never(Condition):
            def check(self, ctx: Context) -> bool:
                return False

        assert "Never() did not hold" == Never().explain(context())


class TestFacts:
    """Facts read the trigger, the issue or the customer; a missing value never holds."""

    def test_missing_or_none_never_holds(self) -> None:
        """A missing attribute, or one that is None, fails every comparison."""
        trigger = interaction(attributes={"nothing": None})
        ctx = context(trigger=trigger)
        assert [False, False, False, False] == [
            (attr("nothing") >= 0).check(ctx),
            attr("nothing").equals(None).check(ctx),
            attr("nothing").exists().check(ctx),
            (attr("absent") < 1).check(ctx),
        ]

    def test_incomparable_values_do_not_hold(self) -> None:
        """Comparing text with a number is false, not an error."""
        assert False is (attr("severity") >= 3).check(context())

    def test_issue_fact_without_an_issue(self) -> None:
        """An issue attribute in an episode without an issue is missing."""
        assert "issue_attr('x').exists() failed: x was missing" == issue_attr("x").exists().explain(
            context()
        )


class TestChangesAt:
    """``changes_at`` tells the engine when an answer can change with time alone."""

    def test_tenure_changes_on_the_local_anniversary(self) -> None:
        """Five years from 10 March 2022 in Chicago: 00:00 CST on 10 March 2027 (06:00Z)."""
        assert ts("2027-03-10T06:00:00+00:00") == tenure_at_least(years=5).changes_at(context())

    def test_a_count_changes_when_enough_have_aged_out_whatever_their_order(self) -> None:
        """Two feedbacks on the night clocks go back in New York, 01:30 EDT and 01:10
        EST (later, but earlier on the clock): seven local days on, the later one ages
        out first, at 01:10 EST on 9 November (06:10Z).  The answer was said to change
        only when the earlier one aged out, at 06:30Z."""
        new_york = Customer(id="c-1", timezone="America/New_York")
        first = interaction("feedback", "2025-11-02T01:30:00-04:00", id="a")
        second = interaction("feedback", "2025-11-02T01:10:00-05:00", id="b")
        assert first.ts < second.ts
        ctx = context(customer=new_york, history=[first, second], now="2025-11-08T12:00:00+00:00")
        condition = count_at_least("feedback", 2, within=Local(days=7))
        assert (True, ts("2025-11-09T06:10:00+00:00")) == (
            condition.check(ctx),
            condition.changes_at(ctx),
        )

    def test_tenure_already_reached(self) -> None:
        """Once reached, tenure never changes back."""
        assert None is tenure_at_least(years=4).changes_at(context())

    def test_tenure_without_a_start_date(self) -> None:
        """A customer without ``customer_since`` never has tenure."""
        ctx = context(customer=Customer(id="c-1"))
        assert (False, None) == (
            tenure_at_least(years=0).check(ctx),
            tenure_at_least(years=0).changes_at(ctx),
        )

    def test_silence_threshold(self) -> None:
        """48 hours after the last contact at 16:00Z."""
        ctx = context(last_contact=ts("2026-11-28T16:00:00+00:00"))
        condition = silence_at_least(Elapsed(hours=48))
        assert (False, ts("2026-11-30T16:00:00+00:00")) == (
            condition.check(ctx),
            condition.changes_at(ctx),
        )

    def test_silence_in_local_days_keeps_the_wall_clock(self) -> None:
        """Seven local days from 10:00 CDT on 31 October 2026 end at 10:00 CST on 7
        November: 16:00Z, an hour more than 168 elapsed hours."""
        ctx = context(last_contact=ts("2026-10-31T15:00:00+00:00"), now="2026-11-01T00:00:00+00:00")
        assert ts("2026-11-07T16:00:00+00:00") == silence_at_least(Local(days=7)).changes_at(ctx)

    def test_silence_already_long_enough(self) -> None:
        """Once the silence is long enough, only a new contact ends it."""
        ctx = context(last_contact=ts("2026-11-20T16:00:00+00:00"))
        assert (True, None) == (
            silence_at_least(Elapsed(hours=48)).check(ctx),
            silence_at_least(Elapsed(hours=48)).changes_at(ctx),
        )

    def test_count_changes_when_enough_age_out(self) -> None:
        """Three calls within 7 days; at least two are needed: the answer changes when the
        second newest is 7 local days old."""
        calls = [
            interaction("call", when, direction="outbound")
            for when in (
                "2026-11-23T16:00:00+00:00",
                "2026-11-25T16:00:00+00:00",
                "2026-11-27T16:00:00+00:00",
            )
        ]
        ctx = context(history=calls, trigger=calls[-1])
        condition = count_at_least("call", 2, within=Local(days=7))
        assert (True, ts("2026-12-02T16:00:00+00:00")) == (
            condition.check(ctx),
            condition.changes_at(ctx),
        )

    def test_count_not_reached_cannot_change_alone(self) -> None:
        """Too few interactions: only a new one can change that."""
        condition = count_at_least("call", 2, within=Local(days=7))
        assert (False, None) == (condition.check(context()), condition.changes_at(context()))

    def test_combinations_report_the_earliest_change(self) -> None:
        """``&``, ``|`` and ``~`` report the earliest change of any part."""
        ctx = context(last_contact=ts("2026-11-28T16:00:00+00:00"))
        soon = silence_at_least(Elapsed(hours=1))
        later = tenure_at_least(years=5)
        expected = ts("2026-11-28T17:00:00+00:00")
        assert [expected, expected, expected, None] == [
            (later & soon).changes_at(ctx),
            (soon | later).changes_at(ctx),
            (~soon).changes_at(ctx),
            (tier_in("gold") & has_tag("x")).changes_at(ctx),
        ]


class TestStaffHours:
    """Whether staff were open when the episode started."""

    def test_open_on_a_weekday(self) -> None:
        """Wednesday 10:00 CST: open, so ``outside_staff_hours()`` fails."""
        ctx = context(trigger=interaction(when="2026-11-25T16:00:00+00:00"))
        assert (True, False, "staff_open_at_trigger() held: staff were open when it happened") == (
            staff_open_at_trigger().check(ctx),
            outside_staff_hours().check(ctx),
            staff_open_at_trigger().explain(ctx),
        )


class TestSubclassesOfBuiltIns:
    """A subclass that changes ``check`` is decided by its own ``check``."""

    def test_overriding_check_alone_is_enough(self) -> None:
        """The engine decides with ``compiled()``: a subclass of ``TierIn`` overriding
        ``check`` only used to be decided by ``TierIn``'s closure, while its explanation
        came from its own ``check``, so the two disagreed."""

        @attrs.frozen(repr=False)
        class AnyCaseTier(TierIn):
            def check(self, ctx: Context) -> bool:
                return (ctx.customer.tier or "").lower() in self.tiers

        shouting = Customer(id="c-1", tier="GOLD")
        ctx = context(customer=shouting)
        condition = AnyCaseTier(tiers=frozenset({"gold"}))
        assert (True, True, True) == (
            condition.check(ctx),
            compile_condition(condition)(ctx),
            compile_condition(condition & has_tag("autopay") | ~always())(
                context(customer=attrs.evolve(shouting, tags={"autopay"}))
            ),
        )

    def test_a_check_from_a_mixin_is_found_too(self) -> None:
        """``class Loose(AlwaysTrue, Compare)``: the mixin's ``check`` comes first in the
        method order, so it decides (it used to be missed: the mixin is no subclass of
        ``Compare``)."""

        class AlwaysTrue:
            def check(self, ctx: Context) -> bool:
                return True

        @attrs.frozen(repr=False)
        class Loose(AlwaysTrue, Compare):
            pass

        condition = Loose(fact=attr("x"), op="==", value="never")
        assert compile_condition(condition)(context()) is True


class TestFactoryValidation:
    """Malformed conditions are refused when built."""

    @pytest.mark.parametrize(
        ("build", "error", "message"),
        [
            (lambda: attr(""), PolicyTypeError, "attr\\(\\) name must be a non-empty str"),
            (kind_is, InvalidPolicyError, "at least one kind"),
            (lambda: direction_is("sideways"), InvalidPolicyError, "'inbound' or 'outbound'"),
            (lambda: issue_is("closed"), InvalidPolicyError, "got 'closed'"),
            (issue_is, InvalidPolicyError, "at least one state"),
            (lambda: issue_is(untyped(["open"])), InvalidPolicyError, r"got list \['open'\]"),
            (lambda: issue_is(untyped(5)), InvalidPolicyError, r"got int 5"),
            (tier_in, InvalidPolicyError, "at least one tier"),
            (lambda: tier_in(""), PolicyTypeError, "tier must be a non-empty str"),
            (lambda: has_tag(untyped(5)), PolicyTypeError, "has_tag\\(\\) tag"),
            (lambda: tenure_at_least(years=-1), InvalidPolicyError, "whole number from 0 to"),
            (lambda: tenure_at_least(years=8000), InvalidPolicyError, r"from 0 to 100 \(got int"),
            (lambda: tenure_at_least(years=True), InvalidPolicyError, "got bool True"),
            (lambda: tenure_at_least(years=untyped(1.5)), InvalidPolicyError, "got float 1.5"),
            (lambda: silence_at_least(untyped(5)), PolicyTypeError, "Elapsed or Local"),
            (lambda: silence_at_least(untyped(Business(hours=1))), PolicyTypeError, "got Business"),
            (
                lambda: count_at_least("call", 0, within=Local(days=1)),
                InvalidPolicyError,
                "count must be >= 1",
            ),
            (
                lambda: count_at_least("call", 1, within=untyped(3)),
                PolicyTypeError,
                "within must be",
            ),
        ],
        ids=[
            "attr-empty",
            "kind_is-none",
            "direction",
            "issue-state",
            "issue-none",
            "issue-list",
            "issue-number",
            "tier-none",
            "tier-empty",
            "tag-type",
            "tenure-negative",
            "tenure-huge",
            "tenure-bool",
            "tenure-fraction",
            "silence-number",
            "silence-business",
            "count-zero",
            "count-within",
        ],
    )
    def test_refused(self, build: Any, error: type[PolicyError], message: str) -> None:
        """Each malformed factory call raises the matching PolicyError, naming the value."""
        with pytest.raises(error, match=message):
            build()

    @pytest.mark.parametrize(
        "build",
        [
            lambda: kind_is("feedback", " feedback "),
            lambda: count_at_least("call ", 1, within=Local(days=1)),
            lambda: contacts(" call ", within=Local(days=1)) >= 1,
            lambda: no_contact("\tcall", within=Local(days=1)),
        ],
        ids=["kind_is", "count_at_least", "contacts", "no_contact"],
    )
    def test_a_kind_with_spaces_around_it_is_refused(self, build: Any) -> None:
        """An interaction's kind may not have spaces around it, so a condition asking for
        one would never hold: refused, naming the kind."""
        with pytest.raises(
            InvalidPolicyError, match=r"kind must not (start or end with a space|hold control)"
        ):
            build()

    def test_issue_states_from_a_str_enum(self) -> None:
        """A str enum member naming a state is taken, as ids and kinds are."""

        class State(str, enum.Enum):
            OPEN = "open"

        assert issue_is("open") == issue_is(State.OPEN)

    @pytest.mark.parametrize(
        ("build", "error", "message"),
        [
            (
                lambda: attr("x") >= float("nan"),  # noqa: PLW0177  # the value refused
                InvalidPolicyError,
                r"attr\('x'\) >= needs a finite number \(got float nan\)",
            ),
            (
                lambda: attr("x") > None,
                PolicyTypeError,
                r"attr\('x'\) > needs a number \(or text\) to compare with \(got NoneType None\)",
            ),
            (lambda: attr("x") < [1], PolicyTypeError, r"got list \[1\]"),
            (lambda: attr("x") <= True, PolicyTypeError, r"got bool True"),
            (lambda: attr("x").equals(float("inf")), InvalidPolicyError, r"got inf"),
            (lambda: attr("x").equals(object()), InvalidPolicyError, r"equals\(\) must be a JSON"),
            (lambda: attr("x").is_in("a", object()), InvalidPolicyError, r"is_in\(\) must be"),
            (
                lambda: attr("x").is_in(["high", "critical"]),
                PolicyTypeError,
                r"takes each value as its own argument \(got one list \['high', 'critical'\]\)",
            ),
            (lambda: attr("x").is_in(), InvalidPolicyError, r"needs at least one value"),
        ],
        ids=["nan", "none", "list", "bool", "inf", "object", "object-in", "one-list", "empty"],
    )
    def test_a_comparison_with_a_value_it_can_never_meet(
        self, build: Any, error: type[PolicyError], message: str
    ) -> None:
        """A value no attribute could meet is refused: an ordering needs a finite
        number (or text), an equality a JSON-like value; ``is_in(["high",
        "critical"])``, one list for several values, and ``attr("x") >= None`` used to
        be taken, and never held."""
        with pytest.raises(error, match=message):
            build()

    @pytest.mark.parametrize(
        ("build", "value", "expected"),
        [
            (lambda: attr("x") >= 10, 12, True),
            (lambda: attr("x") < Decimal("2.5"), 2, True),
            (lambda: attr("x") <= "2021-01-01", "2020-06-30", True),
            (lambda: attr("x").equals(None), None, False),
            (lambda: attr("x").equals("gold"), "gold", True),
            (lambda: attr("x").differs(False), True, True),  # noqa: FBT003  # the value compared with
            (lambda: attr("x").is_in("a", 1, 2.5), 2.5, True),
            (lambda: attr("x").equals(["a", "b"]), ["a", "b"], True),
            (lambda: attr("x").equals({"city": "Paris"}), {"city": "Paris"}, True),
            (lambda: attr("x").is_in(("a", "b"), "c"), ["a", "b"], True),
            (lambda: attr("x").equals(dt.date(2026, 1, 1)), "2026-01-01", True),
        ],
        ids=[
            "number",
            "decimal",
            "iso-date-text",
            "none",
            "text",
            "bool",
            "in",
            "list",
            "mapping",
            "tuple-in",
            "date",
        ],
    )
    def test_comparisons_with_what_attributes_hold(
        self, build: Any, value: object, expected: bool
    ) -> None:
        """Numbers, text, booleans, None, lists and mappings are what attributes hold:
        a comparison with any of them is taken, and meets the attribute as it is kept
        (a list as a tuple, a mapping as a FrozenMap, a date as ISO text)."""
        condition = build()
        ctx = context(trigger=interaction(attributes={"x": value}))
        assert expected == condition.check(ctx) == condition.compiled()(ctx)

    @pytest.mark.parametrize("threshold", ["10", float("nan"), None, True])
    def test_the_starter_policys_threshold_is_a_number(self, threshold: object) -> None:
        """``starter_policy(price_increase_threshold=...)`` takes a finite number only."""
        with pytest.raises(PolicyError, match="price_increase_threshold"):
            starter_policy(price_increase_threshold=threshold)  # type: ignore[arg-type]


class TestAsOfTheTrigger:
    """A rule's condition sees the facts as of its episode's trigger (promise 11)."""

    def _story(self) -> list[Interaction]:
        """An issue opened Monday 2 March 2026, updated, resolved on Thursday."""
        return [
            interaction("issue.opened", "2026-03-02T09:00:00+00:00", id="o", issue_id="t-1",
                        attributes={"severity": "high"}),
            interaction("issue.updated", "2026-03-03T09:00:00+00:00", id="u", issue_id="t-1",
                        attributes={"severity": "critical"}),
            interaction("feedback", "2026-03-04T09:00:00+00:00", id="f"),
            interaction("issue.resolved", "2026-03-05T09:00:00+00:00", id="r", issue_id="t-1"),
        ]  # fmt: skip

    def _then(self, index: int, *, by_issue: bool = True) -> TriggerContext:
        items = self._story()
        thread = IssueThread("t-1")
        thread.extend([item for item in items if item.issue_id == "t-1"])
        trigger = items[index]
        return TriggerContext(
            customer=Customer(id="c-1", timezone="Europe/London"),
            at=trigger.ts,
            history=items,
            schedule=OFFICE,
            trigger=trigger,
            issue=thread,
            in_scope=thread.interactions if by_issue else items,
        )

    def test_the_issue_as_it_stood(self) -> None:
        """At the update (Tuesday) the issue was open and critical, though it is resolved
        now; at the resolution, resolved."""
        then, last = self._then(1), self._then(3)
        assert (True, False, "critical", "resolved") == (
            issue_open().check(then),
            issue_is("resolved").compiled()(then),
            issue_attr("severity").reader()(then),
            str(last.issue.state if last.issue else None),
        )

    def test_the_history_up_to_the_trigger(self) -> None:
        """The history ends at the trigger's instant, and counting windows end there."""
        then = self._then(1)
        assert (["o", "u"], True, False) == (
            [item.id for item in then.history],
            count_at_least("issue.updated", 1, within=Elapsed(hours=1)).check(then),
            count_at_least("issue.resolved", 1, within=Local(days=30)).check(then),
        )

    def test_the_last_contact_before_the_trigger(self) -> None:
        """The silence a trigger broke runs from the contact in scope before it: the
        opening for the issue (48 hours before the resolution); the feedback for the
        customer (24 hours before)."""
        on_issue, of_customer = self._then(3), self._then(3, by_issue=False)
        assert (
            ts("2026-03-03T09:00:00+00:00"),
            ts("2026-03-04T09:00:00+00:00"),
            True,
            False,
            None,
        ) == (
            on_issue.last_contact,
            of_customer.last_contact,
            silence_at_least(Elapsed(hours=48)).check(on_issue),
            silence_at_least(Elapsed(hours=48)).check(of_customer),
            self._then(0).last_contact,
        )

    def test_the_cut_thread_is_made_once_and_only_when_needed(self) -> None:
        """The thread as of its last interaction is the thread itself; an earlier cut is
        made once for each instant."""
        thread = self._then(3).thread
        assert thread is not None
        at = self._story()[1].ts
        assert (True, True, ["o", "u"]) == (
            thread.as_of(self._story()[3].ts) is thread,
            thread.as_of(at) is thread.as_of(at),
            [item.id for item in thread.as_of(at).interactions],
        )

    def test_set_as_any_context(self) -> None:
        """Set like a plain context: a whole history, a thread, a fixed last contact."""
        then = self._then(1)
        then.history = self._story()[:1]
        then.issue = None
        then.last_contact = 5.0
        assert (["o"], None, 5.0) == (
            [item.id for item in then.history],
            then.issue,
            then.last_contact,
        )

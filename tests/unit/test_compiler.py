"""The policy compiler: the generated source, where it is kept, and what it shows."""

from __future__ import annotations

import ast
import datetime as dt
import gc
import linecache
import traceback
from decimal import Decimal
from typing import Any

import attrs
import pytest

from extramile import (
    DUE,
    TRIGGER,
    Anniversary,
    Awareness,
    Customer,
    Elapsed,
    FactTypeError,
    FollowUpPolicy,
    Interaction,
    InvalidFactError,
    Local,
    On,
    Rule,
    Schedule,
    attr_date,
    compiled_source,
    starter_policy,
)
from extramile._conditions import ALWAYS
from extramile._engine import now_seconds, raw_calls_for
from extramile._engine.compiler import (
    at_least,
    at_most,
    count_in,
    differs,
    key_of,
    less_than,
    more_than,
    one_of,
    reaches,
    silent_for,
    since_last,
    tenure_at_least,
)
from extramile._engine.episodes import episode_key
from extramile._rules import Rule as RuleClass
from extramile._rules import key_part, program_of
from extramile.conditions import Condition, Context, attr, contacts, issue_is, tier_in

NOW = dt.datetime(2026, 3, 10, 15, tzinfo=dt.timezone.utc)


@attrs.frozen
class Explodes(Condition):
    """A condition of the user's own that raises."""

    def check(self, ctx: Context) -> bool:
        raise RuntimeError("boom")


def _policy(*rules: Rule, name: str = "test") -> FollowUpPolicy:
    return FollowUpPolicy(name=name, rules=rules, schedule=Schedule.always_open("UTC"))


def _rule(name: str, condition: Condition) -> Rule:
    return Rule(
        name=name,
        trigger=On("feedback"),
        scope="customer",
        condition=condition,
        due=TRIGGER,
        deadline=TRIGGER + Elapsed(days=1),
    )


def _feedback(**attributes: object) -> list[Interaction]:
    return [
        Interaction(
            id="f-1",
            customer_id="c-1",
            kind="feedback",
            at=NOW - dt.timedelta(hours=1),
            channel="email",
            attributes=attributes,
        )
    ]


class TestCompiledSource:
    """What compiled_source() shows."""

    def test_it_is_python_with_a_comment_per_rule(self) -> None:
        """The starter policy's source parses, defines one function, and names each rule."""
        policy = starter_policy(company_timezone="America/Chicago")
        source = compiled_source(policy)
        tree = ast.parse(source)
        assert ["candidates_of"] == [
            node.name for node in tree.body if isinstance(node, ast.FunctionDef)
        ]
        rules = [rule.name for rule in policy.rules if isinstance(rule, RuleClass)]
        for number, name in enumerate(rules, 1):
            assert f"# Rule {number}, {name!r}:" in source

    def test_written_once_a_policy(self) -> None:
        """The source is made once and kept with the compiled form."""
        policy = _policy(_rule("thanks", tier_in("gold")))
        assert compiled_source(policy) is compiled_source(policy)

    def test_built_in_conditions_are_written_out(self) -> None:
        """A built-in condition is an expression, a counting one a helper's call on the
        interactions in its scope; a condition of the user's own is called."""
        source = compiled_source(
            _policy(
                _rule("a", tier_in("gold") & (attr("score") >= 3)),
                _rule("b", contacts(within=Elapsed(days=2)) >= 2),
                _rule("c", contacts(scope="issue", within=Local(days=2)).reaches(2)),
                _rule("d", Explodes()),
            )
        )
        assert "customer.tier in {'gold'} and at_least(item.attributes.get('score'), 3)" in source
        assert "count_in(history, KEEP_1, start, WITHIN_1, UTC, 2) >= 2" in source
        assert "reaches(by_issue.get(issue_id), KEEP_2, start, WITHIN_2, tz, 2, item)" in source
        assert "check_1(then)" in source

    def test_only_what_the_rules_read_is_gathered(self) -> None:
        """No issue threads for a policy whose rules read none."""
        source = compiled_source(_policy(_rule("thanks", tier_in("gold"))))
        assert "threads" not in source
        assert "on_feedback.append(item)" in source

    def test_a_date_attribute_is_read_once_an_episode(self) -> None:
        """A due time and a deadline counted from the same date attribute share its day's
        start; the differential test checks the instants are the same as the engine's."""
        rule = Rule(
            name="heads-up",
            trigger=On("price_change"),
            scope="customer",
            condition=ALWAYS,
            due=attr_date("bill_date") - Local(days=7),
            deadline=attr_date("bill_date") + Elapsed(hours=12),
        )
        source = compiled_source(_policy(rule))
        assert source.count("attr_day_start(item, 'bill_date', tz)") == 1
        assert "deadline = due_day + 43200" in source

    def test_refuses_what_is_not_a_policy(self) -> None:
        """Anything else is a type error."""
        with pytest.raises(FactTypeError, match="compiled_source"):
            compiled_source("starter")  # type: ignore[arg-type]


class TestGeneratedCode:
    """The generated function as it runs."""

    def test_tracebacks_show_its_lines(self) -> None:
        """A condition that raises is named by rule, and the traceback shows the
        generated line that called it."""
        policy = _policy(_rule("explodes", Explodes()), name="tracebacks")
        customer = Customer(id="c-1")
        history = _feedback()
        with pytest.raises(Exception, match="rule 'explodes'") as raised:
            raw_calls_for(policy, customer, history, now_seconds(NOW))
        cause = raised.value.__cause__
        assert cause is not None
        frames = traceback.extract_tb(cause.__traceback__)
        generated = [frame for frame in frames if frame.filename.startswith("<extramile policy")]
        assert generated
        assert "check_1(then)" in (generated[0].line or "")

    def test_generic_switch_gives_the_same_calls(self) -> None:
        """generic=True takes the generic stages, with the same answer."""
        policy = _policy(_rule("thanks", attr("score") >= 3))
        customer = Customer(id="c-1", timezone="Europe/Paris")
        history = _feedback(score=4)
        now = now_seconds(NOW)
        compiled = raw_calls_for(policy, customer, history, now)
        assert compiled == raw_calls_for(policy, customer, history, now, generic=True)
        assert [raw.rules for raw in compiled[0]] == [("thanks",)]

    def test_the_source_leaves_with_its_policy(self) -> None:
        """The generated function's lines leave the line cache with the policy."""
        policy = _policy(_rule("thanks", tier_in("gold")), name="short-lived")
        compiled_source(policy)
        generated = program_of(policy).generated
        filename = generated.filename
        assert filename in linecache.cache
        del policy, generated
        gc.collect()
        assert filename not in linecache.cache


class TestHelpers:
    """The helpers the generated code calls decide as the conditions do."""

    @pytest.mark.parametrize(
        ("helper", "seen", "value", "expected"),
        [
            (at_least, 3, 3, True),
            (at_least, None, 3, False),
            (at_least, "x", 3, False),
            (more_than, 4, 3, True),
            (more_than, 3, 3, False),
            (more_than, None, 3, False),
            (more_than, (1,), 3, False),
            (at_most, 3, 3, True),
            (at_most, None, 3, False),
            (at_most, "x", 3, False),
            (less_than, 2, 3, True),
            (less_than, 3, 3, False),
            (less_than, None, 3, False),
            (less_than, "x", 3, False),
            (differs, "a", "b", True),
            (differs, "a", "a", False),
            (differs, None, "a", False),
            (one_of, "a", ("a", None), True),
            (one_of, None, ("a", None), False),
            (one_of, "b", ("a", None), False),
        ],
    )
    def test_comparisons(self, helper: Any, seen: object, value: object, expected: bool) -> None:
        """Each as ``Compare`` decides: a missing or unlike value never holds."""
        assert expected == helper(seen, value)

    @pytest.mark.parametrize(
        ("customer_id", "issue_id", "episode_id"),
        [
            ("c-1", None, "i-1"),
            ("c/1", "t-1", "i/1"),
            ("c%1", "-", "i-1"),
            ("c-1", "t/1", "i%1"),
        ],
    )
    def test_keys(self, customer_id: str, issue_id: str | None, episode_id: str) -> None:
        """key_of() makes the key episode_key() makes, escapes and all."""
        expected = episode_key(key_part(customer_id), issue_id, "r%2F1", episode_id)
        assert expected == key_of(customer_id, issue_id, "r%2F1", episode_id)

    def test_tenure_and_silence_in_local_days(self) -> None:
        """Tenure by local dates, exact near the anniversary; silence in local days."""
        tz = dt.timezone.utc
        customer = Customer(id="c-1", customer_since=dt.date(2021, 3, 10))
        day = dt.datetime(2026, 3, 10, tzinfo=tz).timestamp()
        assert tenure_at_least(customer, 5, day, tz)
        assert not tenure_at_least(customer, 5, day - 1, tz)
        assert not tenure_at_least(Customer(id="c-2"), 5, day, tz)
        assert silent_for(day - 2 * 86400, 2, tz, day)
        assert not silent_for(day - 2 * 86400 + 1, 2, tz, day)
        assert not silent_for(None, 2, tz, day)

    def test_counts(self) -> None:
        """A count is -1 without an issue, stops at ``enough``, and cuts the list at the
        moment judged; since_last needs one kept at all and none inside the window."""
        tz = dt.timezone.utc
        items = [_contact(f"i-{hour}", hour) for hour in (1, 2, 3, 30)]
        at = _hour(3)
        keep = (None, None, None)
        assert count_in(None, keep, at, Elapsed(days=1), tz, 2) == -1
        assert count_in(items[:1], keep, at, Elapsed(days=1), tz, 2) == 0
        assert count_in(items, keep, at, Elapsed(days=1), tz, 2) == 2
        assert count_in(items, keep, at, Local(days=1), tz, 4) == 3
        assert count_in(items, keep, at, Elapsed(hours=1), tz, 4) == 1
        assert since_last(items, keep, _hour(5), Elapsed(hours=1), tz)
        assert not since_last(items, keep, _hour(3), Elapsed(hours=1), tz)
        assert not since_last(
            items, (frozenset({"call"}), None, None), _hour(5), Elapsed(hours=1), tz
        )
        assert not since_last(None, keep, _hour(5), Elapsed(hours=1), tz)

    def test_reaches(self) -> None:
        """Only the interaction that first brought the count to ``needed`` reaches it:
        not a later one, nor one whose window holds too few (counted loosely first)."""
        tz = dt.timezone.utc
        items = [_contact(f"i-{hour}", hour) for hour in (1, 2, 3, 100)]
        keep = (None, None, None)
        within = Local(days=1)
        assert reaches(items, keep, _hour(2), within, tz, 2, items[1])
        assert not reaches(items, keep, _hour(2), within, tz, 2, items[0])
        assert not reaches(items, keep, _hour(3), within, tz, 2, items[2])
        assert not reaches(items, keep, _hour(100), within, tz, 2, items[3])
        assert not reaches(items, keep, _hour(1), within, tz, 2, items[0])
        assert reaches(items, keep, _hour(2), Elapsed(hours=2), tz, 2, None)
        assert not reaches(None, keep, _hour(2), within, tz, 2, None)


def _hour(hour: int) -> float:
    return (NOW + dt.timedelta(hours=hour)).timestamp()


def _contact(ident: str, hour: int) -> Interaction:
    return Interaction(
        id=ident,
        customer_id="c-1",
        kind="feedback",
        at=NOW + dt.timedelta(hours=hour),
        channel="email",
        direction="inbound",
    )


class TestWhatTheWriterCovers:
    """Corners of the generated code, each against the generic path."""

    def _same(self, policy: FollowUpPolicy, customer: Customer, history: list[Interaction]) -> None:
        now = now_seconds(NOW)
        compiled = raw_calls_for(policy, customer, history, now)
        assert compiled == raw_calls_for(policy, customer, history, now, generic=True)

    def test_two_lists_of_as_many_kinds(self) -> None:
        """Two triggers of two kinds each get lists of their own."""
        rules = [
            Rule(
                name=f"r-{n}",
                trigger=On(*kinds),
                scope="customer",
                due=TRIGGER,
                deadline=TRIGGER + Elapsed(days=1),
            )
            for n, kinds in enumerate((("feedback", "call"), ("issue.opened", "issue.updated")))
        ]
        policy = _policy(*rules)
        source = compiled_source(policy)
        assert "on_2_kinds = []" in source
        assert "on_2_kinds_ = []" in source
        self._same(policy, Customer(id="c/1", timezone="UTC"), _feedback())

    def test_an_anniversary_reading_its_issue(self) -> None:
        """An anniversary's episode has no issue: issue conditions never hold for it."""
        policy = _policy(
            Rule(
                name="years",
                trigger=Anniversary(),
                condition=issue_is("open") | tier_in("gold"),
                scope="customer",
                due=TRIGGER,
                deadline=TRIGGER + Elapsed(days=1),
            )
        )
        customer = Customer(
            id="c-1", timezone="UTC", tier="gold", customer_since=dt.date(2020, 3, 10)
        )
        assert "if not (False or customer.tier in {'gold'}):" in compiled_source(policy)
        self._same(policy, customer, [])

    def test_values_that_are_not_literals(self) -> None:
        """A comparison with a value that prints as no literal names it."""
        policy = _policy(_rule("decimal", attr("score") >= Decimal("2.5")))
        assert "VALUE_1" in compiled_source(policy)
        self._same(policy, Customer(id="c-1", timezone="UTC"), _feedback(score=3))

    def test_a_time_past_the_calendar(self) -> None:
        """A due time past the year 9999 is bad facts, as on the generic path."""
        policy = _policy(
            Rule(
                name="far",
                trigger=On("feedback"),
                scope="customer",
                due=TRIGGER + Local(days=800),
                deadline=DUE + Elapsed(days=1),
            )
        )
        now = dt.datetime(9998, 12, 30, tzinfo=dt.timezone.utc)
        customer = Customer(id="c-1", timezone="UTC")
        history = [
            Interaction(id="f-1", customer_id="c-1", kind="feedback", at=now, channel="email")
        ]
        for generic in (False, True):
            with pytest.raises(InvalidFactError, match="outside the years 1 to 9999"):
                raw_calls_for(policy, customer, history, now_seconds(now), generic=generic)

    def test_a_library_error_passes_through(self) -> None:
        """An error of the library's own, raised in a condition, passes unchanged."""

        @attrs.frozen
        class Refuses(Condition):
            def check(self, ctx: Context) -> bool:
                raise InvalidFactError("refused")

        policy = _policy(_rule("refuses", Refuses() & (attr("score") < 2.5)))
        assert "less_than(item.attributes.get('score'), 2.5)" in compiled_source(policy)
        customer = Customer(id="c-1", timezone="UTC")
        for generic in (False, True):
            with pytest.raises(InvalidFactError, match=r"^refused$"):
                raw_calls_for(policy, customer, _feedback(), now_seconds(NOW), generic=generic)

    def test_names_and_reprs_that_would_break_the_source(self) -> None:
        """A policy name with quotes and a condition that prints on two lines stay in
        their docstring and comments: the source compiles, line for line."""

        @attrs.frozen(repr=False)
        class TwoLines(Condition):
            def check(self, ctx: Context) -> bool:
                return True

            def __repr__(self) -> str:
                return "two\nlines = 1/0"

        policy = _policy(_rule("two", TwoLines()), name='say """hi""" \\o')
        source = compiled_source(policy)
        assert "# Its condition, as of the trigger: two lines = 1/0" in source
        ast.parse(source)
        customer = Customer(id="c-1", timezone="UTC")
        raws, _ = raw_calls_for(policy, customer, _feedback(), now_seconds(NOW))
        assert [raw.rules for raw in raws] == [("two",)]

    def test_a_call_of_one_candidate_and_of_two_name_rules_and_points_alike(self) -> None:
        """A call of one candidate takes its rule's name and talking point kept by the
        rule, then the awareness points the customer lacks (a point already there once);
        a call of two ranks its members first."""
        pointed = attrs.evolve(_rule("pointed", ALWAYS), talking_point="Ask about it.")
        other = attrs.evolve(_rule("other", ALWAYS), talking_point="Autopay.")
        aware = Awareness(programmes={"autopay": "Autopay.", "paperless": "Go paperless."})
        customer = Customer(id="c-1", timezone="UTC", tags={"paperless"})
        now = now_seconds(NOW)
        for rules, names, points in (
            ((pointed,), ("pointed",), ("Ask about it.", "Autopay.")),
            # (ranked by priority, deadline, then key: "other" first)
            ((pointed, other), ("other", "pointed"), ("Autopay.", "Ask about it.")),
            ((other,), ("other",), ("Autopay.",)),
        ):
            policy = FollowUpPolicy(
                name="aware", rules=(*rules, aware), schedule=Schedule.always_open("UTC")
            )
            for _ in range(2):  # the second time from what the rules keep
                raws, _ = raw_calls_for(policy, customer, _feedback(), now)
                assert [(raw.rules, raw.talking_points) for raw in raws] == [(names, points)]

    def test_a_policy_without_calls(self) -> None:
        """Awareness alone makes no call: the function says so at once."""
        policy = FollowUpPolicy(
            name="aware",
            rules=(Awareness(programmes={"autopay": "Autopay."}),),
            schedule=Schedule.always_open("UTC"),
        )
        assert "return [], []" in compiled_source(policy)
        assert raw_calls_for(policy, Customer(id="c-1"), _feedback(), now_seconds(NOW)) == ([], [])

"""The policy compiler: the generated source, where it is kept, and what it shows."""

from __future__ import annotations

import ast
import datetime as dt
import gc
import linecache
import traceback

import attrs
import pytest

from extramile import (
    TRIGGER,
    Customer,
    Elapsed,
    FactTypeError,
    FollowUpPolicy,
    Interaction,
    On,
    Rule,
    Schedule,
    compiled_source,
    starter_policy,
)
from extramile._engine import now_seconds, raw_calls_for
from extramile._rules import Rule as RuleClass
from extramile._rules import program_of
from extramile.conditions import Condition, Context, attr, contacts, tier_in

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
        """A built-in condition is an expression; a counting one is called."""
        source = compiled_source(
            _policy(
                _rule("a", tier_in("gold") & (attr("score") >= 3)),
                _rule("b", contacts(within=Elapsed(days=2)) >= 2),
            )
        )
        assert "customer.tier in {'gold'} and at_least(item.attributes.get('score'), 3)" in source
        assert "check_1(then)" in source

    def test_only_what_the_rules_read_is_gathered(self) -> None:
        """No issue threads for a policy whose rules read none."""
        source = compiled_source(_policy(_rule("thanks", tier_in("gold"))))
        assert "threads" not in source
        assert "on_feedback.append(item)" in source

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

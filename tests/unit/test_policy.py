"""Unit tests of ``extramile._rules``: timing anchors, triggers, rules and policies, and
the errors a malformed policy raises."""

from __future__ import annotations

import datetime as dt
import math
import pickle
import sys
from collections.abc import Mapping
from typing import Any

import pytest

from extramile import (
    DUE,
    LAST_CONTACT,
    TRIGGER,
    Anchor,
    Anniversary,
    Awareness,
    Business,
    ContactCaps,
    Customer,
    Elapsed,
    FollowUpPolicy,
    InvalidPolicyError,
    LastContact,
    Local,
    On,
    PolicyError,
    PolicyTypeError,
    Priority,
    Rule,
    Schedule,
    When,
    Window,
    attr_date,
    evaluate,
    plan,
    starter_policy,
)
from extramile.conditions import tier_in

SCHEDULE = Schedule.always_open("UTC")


def rule(**fields: Any) -> Rule:
    """A valid rule, with ``fields`` replaced."""
    base: dict[str, Any] = {"name": "r", "trigger": On("feedback"), "deadline": TRIGGER}
    base.update(fields)
    return Rule(**base)


def policy(**fields: Any) -> FollowUpPolicy:
    """A valid policy, with ``fields`` replaced."""
    base: dict[str, Any] = {"name": "p", "rules": [rule()], "schedule": SCHEDULE}
    base.update(fields)
    return FollowUpPolicy(**base)


class TestTiming:
    """Anchors plus or minus durations say when a call is due and by when."""

    @pytest.mark.parametrize(
        ("when", "text", "words"),
        [
            (
                TRIGGER + Elapsed(minutes=15),
                "TRIGGER + Elapsed(minutes=15)",
                "15 minutes elapsed after the trigger",
            ),
            (
                DUE + Business(hours=2),
                "DUE + Business(hours=2)",
                "2 hours of business time after the due time",
            ),
            (
                attr_date("bill_date") - Local(days=7),
                "attr_date('bill_date') - Local(days=7)",
                "7 local days before the bill_date date",
            ),
            (When(anchor=LAST_CONTACT), "LAST_CONTACT", "the last contact"),
            (TRIGGER + Elapsed(), "TRIGGER", "the trigger"),
            (TRIGGER - Elapsed(), "TRIGGER - Elapsed()", "the trigger"),
            (DUE + Local(), "DUE + Local(days=0)", "the due time"),
            (LAST_CONTACT - Local(weeks=0), "LAST_CONTACT - Local(days=0)", "the last contact"),
            (
                TRIGGER + Business(),
                "TRIGGER + Business()",
                (
                    "the first staff-open moment at or after the trigger (at once while staff"
                    " are open)"
                ),
            ),
            (
                DUE + Business(days=0, hours=0),
                "DUE + Business()",
                (
                    "the first staff-open moment at or after the due time (at once while staff"
                    " are open)"
                ),
            ),
        ],
    )
    def test_repr_and_description(self, when: When, text: str, words: str) -> None:
        """Each timing prints as the code that built it and describes itself in words."""
        assert (text, words) == (repr(when), when.describe())

    def test_business_time_cannot_be_subtracted(self) -> None:
        """``TRIGGER - Business(...)`` has no meaning: InvalidPolicyError."""
        with pytest.raises(InvalidPolicyError, match="only be added, not subtracted"):
            TRIGGER - Business(hours=1)

    def test_offset_must_be_a_duration(self) -> None:
        """A bare number is not a duration: PolicyTypeError."""
        with pytest.raises(
            PolicyTypeError, match=r"Elapsed, Local or Business durations \(got int 5\)"
        ):
            TRIGGER + 5  # type: ignore[operator]

    @pytest.mark.parametrize(
        ("build", "error", "message"),
        [
            (
                lambda: When(anchor=TRIGGER, offset=Business(hours=2), before=True),
                InvalidPolicyError,
                "only be added, not subtracted",
            ),
            (
                lambda: When(anchor=TRIGGER, offset=5),  # type: ignore[arg-type]
                PolicyTypeError,
                r"Elapsed, Local or Business durations \(got int 5\)",
            ),
            (
                lambda: When(anchor="TRIGGER"),  # type: ignore[arg-type]
                PolicyTypeError,
                r"When.anchor must be an Anchor",
            ),
            (
                lambda: When(anchor=TRIGGER, before="yes"),  # type: ignore[arg-type]
                PolicyTypeError,
                r"When.before must be a bool",
            ),
            (lambda: Anchor("trigger"), InvalidPolicyError, r"Anchor name must be one of"),
            (lambda: Anchor("ATTR_DATE"), InvalidPolicyError, r"use attr_date\(name\)"),
            (lambda: Anchor("DUE", "bill_date"), InvalidPolicyError, r"only attr_date"),
        ],
        ids=["business-before", "number", "anchor-text", "before", "name", "no-attr", "attr"],
    )
    def test_a_timing_built_by_hand_is_checked(
        self, build: Any, error: type[PolicyError], message: str
    ) -> None:
        """``When`` and ``Anchor`` check what they are given, as ``TRIGGER + ...`` does:
        ``When(..., offset=Business(...), before=True)`` used to add the business time
        while its description said "before", and ``Anchor("trigger")`` made a rule that
        never called."""
        with pytest.raises(error, match=message):
            build()

    def test_attr_date_needs_a_name(self) -> None:
        """``attr_date("")`` is refused."""
        with pytest.raises(PolicyTypeError, match="takes an attribute name"):
            attr_date("")


class TestTriggers:
    """Triggers are data too."""

    def test_on_repr_and_description(self) -> None:
        """``On`` sorts its kinds, shows a direction, and describes itself."""
        trigger = On("b", "a", direction="inbound")
        assert ("On('a', 'b', direction='inbound')", "inbound a or b interaction") == (
            repr(trigger),
            trigger.describe(),
        )

    @pytest.mark.parametrize(
        ("build", "error", "message"),
        [
            (On, InvalidPolicyError, "at least one interaction kind"),
            (lambda: On(""), PolicyTypeError, "kinds must be non-empty str"),
            (
                lambda: On(" feedback "),
                InvalidPolicyError,
                r"On\(\) kind must not start or end with a space \(got ' feedback '\)",
            ),
            (lambda: On("feed\x00back"), InvalidPolicyError, "must not hold control characters"),
            (lambda: On("x", direction="sideways"), InvalidPolicyError, "got 'sideways'"),  # type: ignore[arg-type]
        ],
        ids=["no-kind", "empty-kind", "spaced-kind", "nul-kind", "direction"],
    )
    def test_on_refuses(self, build: Any, error: type[PolicyError], message: str) -> None:
        """A malformed ``On`` raises a PolicyError naming what arrived."""
        with pytest.raises(error, match=message):
            build()

    def test_other_triggers_repr(self) -> None:
        """``LastContact()`` and ``Anniversary()`` print as themselves."""
        assert ("LastContact()", "Anniversary()") == (repr(LastContact()), repr(Anniversary()))

    def test_anniversary_of_29_february(self) -> None:
        """A customer since 29 February 2024 has their anniversary on 28 February in
        common years: the latest before 1 March 2025 is 28 February 2025, the next 28
        February 2026."""
        customer = Customer(id="c-1", timezone="UTC", customer_since=dt.date(2024, 2, 29))
        now = dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc).timestamp()
        years, start = Anniversary().latest(customer, now, SCHEDULE)
        upcoming = Anniversary().next_after(customer, now, SCHEDULE)
        assert (1, "2025-02-28", "2026-02-28") == (
            years,
            dt.datetime.fromtimestamp(start, dt.timezone.utc).date().isoformat(),
            dt.datetime.fromtimestamp(upcoming or 0, dt.timezone.utc).date().isoformat(),
        )

    def test_anniversary_without_a_start_date(self) -> None:
        """No ``customer_since``: no anniversary, none coming."""
        customer = Customer(id="c-1")
        assert ((0, 0.0), None) == (
            Anniversary().latest(customer, 0.0, SCHEDULE),
            Anniversary().next_after(customer, 0.0, SCHEDULE),
        )

    @pytest.mark.parametrize("after", [-1e12, -62_135_596_700.0, math.inf, -math.inf])
    def test_anniversary_after_any_instant(self, after: float) -> None:
        """``latest(..., after)`` takes any instant, even one no date can be written for
        (a rule given up after a million days puts it before the year 1): an
        anniversary after it is the exact answer, one at or before it may be none."""
        customer = Customer(id="c-1", timezone="UTC", customer_since=dt.date(2020, 7, 1))
        now = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc).timestamp()
        exact = Anniversary().latest(customer, now, SCHEDULE)
        found = Anniversary().latest(customer, now, SCHEDULE, after)
        assert found == exact if exact[1] > after else found in {exact, (0, 0.0)}

    def test_a_rule_given_up_after_a_century_plans_as_it_evaluates(self) -> None:
        """An anniversary rule given up after the longest duration there is: plan() makes
        the call evaluate() makes."""
        policy = FollowUpPolicy(
            name="p",
            schedule=Schedule.always_open("UTC"),
            rules=[
                Rule(
                    name="anniversary",
                    trigger=Anniversary(),
                    deadline=TRIGGER + Elapsed(days=3),
                    give_up_after=Elapsed(days=36_525),
                )
            ],
        )
        customer = Customer(id="c-1", timezone="UTC", customer_since=dt.date(2020, 7, 1))
        now = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
        expected = evaluate(policy, customer, [], now=now).calls
        planned = plan(policy, [(customer, [])], now=now, horizon=Elapsed(days=400)).calls
        assert (1, expected) == (len(expected), tuple(planned))


class TestRule:
    """A rule is validated when it is built."""

    def test_defaults(self) -> None:
        """Due at the trigger, normal priority, issue scope, no talking point, not extra
        mile, not essential, never given up."""
        built = rule()
        assert (
            When(anchor=TRIGGER),
            Priority.NORMAL,
            "issue",
            "",
            False,
            False,
            None,
        ) == (
            built.due,
            built.priority,
            built.scope,
            built.talking_point,
            built.extra_mile,
            built.essential,
            built.give_up_after,
        )

    @pytest.mark.parametrize(
        ("given", "expected"),
        [("HIGH", Priority.HIGH), ("low", Priority.LOW), (Priority.URGENT, Priority.URGENT)],
    )
    def test_priority_by_name(self, given: object, expected: Priority) -> None:
        """A priority may be given by name, in any case."""
        assert expected == rule(priority=given).priority

    def test_priority_order_and_text(self) -> None:
        """Urgent outranks low, and priorities print in lower case."""
        assert (True, "urgent") == (Priority.URGENT > Priority.LOW, str(Priority.URGENT))

    def test_extra_mile_may_be_a_condition(self) -> None:
        """``extra_mile`` takes a condition such as loyalty."""
        assert tier_in("gold") == rule(extra_mile=tier_in("gold")).extra_mile

    def test_stop_is_optional_and_a_condition(self) -> None:
        """No stop condition by default; one given is kept, and the rule still pickles and
        compares equal."""
        stopping = rule(stop=~tier_in("gold"))
        assert (None, ~tier_in("gold"), stopping) == (
            rule().stop,
            stopping.stop,
            pickle.loads(pickle.dumps(stopping)),
        )

    def test_deadline_is_required(self) -> None:
        """A rule without a deadline is a PolicyTypeError (also a TypeError) saying so."""
        with pytest.raises(PolicyTypeError, match=r"Rule\.deadline is required") as caught:
            Rule(name="no-deadline", trigger=On("feedback"))
        assert isinstance(caught.value, TypeError)

    def test_anchor_alone_is_a_timing(self) -> None:
        """An anchor alone is accepted where a timing is wanted."""
        assert When(anchor=LAST_CONTACT) == rule(due=LAST_CONTACT).due

    @pytest.mark.parametrize(
        ("fields", "error", "message"),
        [
            ({"name": ""}, InvalidPolicyError, r"Rule.name must be a non-empty str \(got ''\)"),
            ({"name": 3}, InvalidPolicyError, r"Rule.name .*\(got int 3\)"),
            (
                {"name": "\u200b"},
                InvalidPolicyError,
                r"Rule.name must have a visible character \(got '\\u200b'\)",
            ),
            ({"name": "r\x00"}, InvalidPolicyError, "Rule.name must not hold control characters"),
            ({"name": "r\ud800"}, InvalidPolicyError, "Rule.name must be valid Unicode"),
            ({"trigger": "feedback"}, PolicyTypeError, "Rule.trigger must be On"),
            ({"condition": lambda ctx: True}, PolicyTypeError, "Rule.condition must be"),
            ({"scope": "team"}, InvalidPolicyError, "Rule.scope must be 'issue' or 'customer'"),
            ({"due": DUE}, InvalidPolicyError, "due cannot be measured from DUE"),
            ({"due": DUE + Elapsed(hours=1)}, InvalidPolicyError, "from DUE"),
            ({"due": 5}, PolicyTypeError, r"Rule.due must be an anchor"),
            ({"deadline": "soon"}, PolicyTypeError, r"Rule.deadline must be an anchor"),
            ({"priority": "asap"}, InvalidPolicyError, r"Rule.priority .*\(got 'asap'\)"),
            ({"talking_point": 5}, PolicyTypeError, "talking_point must be a str"),
            ({"essential": "yes"}, PolicyTypeError, "essential must be a bool"),
            ({"extra_mile": "yes"}, PolicyTypeError, r"Rule.extra_mile must be a bool"),
            ({"give_up_after": 3}, PolicyTypeError, r"Rule.give_up_after must be"),
            (
                {"stop": "closed"},
                PolicyTypeError,
                r"Rule.stop must be a Condition .*\(got 'closed'\)",
            ),
            ({"stop": True}, PolicyTypeError, r"Rule.stop .*not =="),
        ],
        ids=lambda value: str(value) if not isinstance(value, dict) else next(iter(value)),
    )
    def test_refuses(self, fields: dict[str, Any], error: type[PolicyError], message: str) -> None:
        """A malformed rule raises the matching PolicyError, naming the field."""
        with pytest.raises(error, match=message):
            rule(**fields)


class TestRuleQueue:
    """``Rule(queue=...)``: who should make the call."""

    def test_general_queue_by_default(self) -> None:
        """Without a queue, a rule's calls go to the general queue (None)."""
        assert rule().queue is None

    def test_a_named_queue_is_kept_and_pooled(self) -> None:
        """A queue is kept as given, as one shared string however it was made: an agenda
        of many calls holds one copy."""
        made = "".join(["sen", "ior"])
        queue = rule(queue=made).queue
        assert ("senior", True) == (queue, queue is sys.intern("senior"))

    def test_a_rule_with_a_queue_pickles_and_compares_equal(self) -> None:
        """The queue is part of the rule's value: it pickles, and it tells rules apart."""
        billing = rule(queue="billing")
        assert billing == pickle.loads(pickle.dumps(billing))
        assert rule(queue="senior") != billing

    @pytest.mark.parametrize(
        ("queue", "error", "message"),
        [
            ("", InvalidPolicyError, r"Rule.queue must be a non-empty str \(got ''\)"),
            ("   ", InvalidPolicyError, r"Rule.queue must be a non-empty str \(got '   '\)"),
            ("\u200b", InvalidPolicyError, r"Rule.queue must have a visible character"),
            ("senior\n", InvalidPolicyError, r"Rule.queue must not hold control characters"),
            (5, PolicyTypeError, r"Rule.queue must be a str or None \(got int 5\)"),
            (["senior"], PolicyTypeError, r"Rule.queue must be a str or None \(got list"),
        ],
    )
    def test_refuses(self, queue: object, error: type[PolicyError], message: str) -> None:
        """An empty queue, or one that is not a str, is refused, naming the field."""
        with pytest.raises(error, match=message):
            rule(queue=queue)


class TestDeadlineBeforeDue:
    """A deadline that always comes before the due time is refused: every call of the
    rule would be overdue on arrival (it used to be taken)."""

    @pytest.mark.parametrize(
        ("due", "deadline"),
        [
            (TRIGGER + Elapsed(hours=2), TRIGGER),
            (TRIGGER + Local(days=7), TRIGGER + Local(days=3)),
            (TRIGGER, DUE - Elapsed(minutes=5)),
            (TRIGGER - Elapsed(hours=1), TRIGGER - Elapsed(hours=2)),
        ],
        ids=["elapsed", "local", "before-due", "both-before"],
    )
    def test_refused(self, due: When, deadline: When) -> None:
        with pytest.raises(InvalidPolicyError, match="comes before the due time"):
            Rule(name="r", trigger=On("feedback"), due=due, deadline=deadline)

    @pytest.mark.parametrize(
        ("due", "deadline"),
        [
            (TRIGGER + Elapsed(hours=2), TRIGGER + Elapsed(hours=2)),
            (TRIGGER + Elapsed(hours=2), TRIGGER + Local(days=1)),
            (TRIGGER + Business(hours=4), TRIGGER + Business(days=1)),
            (attr_date("bill_date") - Local(days=7), attr_date("bill_date")),
            (TRIGGER + Elapsed(days=30), attr_date("bill_date")),
        ],
        ids=["same", "other-kinds", "business", "bill", "other-anchors"],
    )
    def test_taken_when_it_cannot_be_told(self, due: When, deadline: When | Anchor) -> None:
        """Equal, or in kinds of time or from anchors that compare only with a calendar."""
        rule = Rule(name="r", trigger=On("feedback"), due=due, deadline=deadline)
        assert (repr(due), repr(deadline)) == (repr(rule.due), repr(rule.deadline))


class TestAwareness:
    """The awareness rule holds programmes, sorted by tag."""

    def test_points_for_missing_programmes_in_tag_order(self) -> None:
        """Programmes are kept sorted; a customer hears about the ones they lack."""
        awareness = Awareness(programmes={"zeta": "Z", "alpha": "A", "mid": "M"})
        customer = Customer(id="c-1", tags={"mid"})
        assert ((("alpha", "A"), ("mid", "M"), ("zeta", "Z")), ["A", "Z"]) == (
            awareness.programmes,
            awareness.points_for(customer),
        )

    @pytest.mark.parametrize(
        ("programmes", "message"),
        [
            ({"autopay": 1}, "str tags to str points"),
            (5, "map tags to talking points"),
            (["ab", "cd"], r"pairs of a tag and a talking point \(got 'ab'\)"),
            ([1], r"pairs of a tag and a talking point \(got int 1\)"),
            ([("a", "b"), (1, 2)], r"str tags to str points \(got tuple \(1, 2\)\)"),
            ("autopay", "map tags to talking points"),
        ],
        ids=["point", "number", "strings", "numbers", "mixed", "text"],
    )
    def test_refuses(self, programmes: object, message: str) -> None:
        """Points must be text, given as a mapping or pairs: PolicyTypeError.  Two
        strings used to be read as pairs of letters (tag "a", point "b"), and a pair of
        numbers failed on sorting with a bare TypeError."""
        with pytest.raises(PolicyTypeError, match=message):
            Awareness(programmes=programmes)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("programmes", "message"),
        [
            ([("a", "x"), ("a", "y")], "names tag 'a' twice"),
            ({"": "x"}, "tags must be non-empty"),
        ],
    )
    def test_refuses_a_tag_twice_or_empty(
        self, programmes: Mapping[str, str] | list[tuple[str, str]], message: str
    ) -> None:
        """A tag has one talking point, and a name: InvalidPolicyError."""
        with pytest.raises(InvalidPolicyError, match=message):
            Awareness(programmes=programmes)


class TestFollowUpPolicy:
    """A policy is validated when it is built, and is plain data."""

    def test_calling_window_as_text(self) -> None:
        """The calling window may be written ``"HH:MM-HH:MM"``."""
        assert Window("09:00", "18:00") == policy(calling_window="09:00-18:00").calling_window

    def test_rule_by_name(self) -> None:
        """``policy.rule(name)`` finds a rule, and raises KeyError for an unknown name."""
        starter = starter_policy()
        assert "loyal-rescue" == starter.rule("loyal-rescue").name
        with pytest.raises(KeyError, match="nope"):
            starter.rule("nope")

    def test_duplicate_rule_names(self) -> None:
        """Two rules with one name: InvalidPolicyError naming it (also a ValueError)."""
        with pytest.raises(InvalidPolicyError, match="two rules named 'r'") as caught:
            policy(rules=[rule(), rule(talking_point="again")])
        assert isinstance(caught.value, ValueError)

    def test_awareness_name_clashing_with_a_rule(self) -> None:
        """An awareness rule shares the name space of rules."""
        with pytest.raises(InvalidPolicyError, match="'service-awareness'"):
            policy(rules=[rule(name="service-awareness"), Awareness(programmes={"a": "A"})])

    @pytest.mark.parametrize(
        ("fields", "error", "message"),
        [
            ({"name": " "}, InvalidPolicyError, "FollowUpPolicy.name must be a non-empty str"),
            ({"rules": "r"}, PolicyTypeError, "FollowUpPolicy.rules must be a list of rules"),
            ({"rules": {"r": 1}}, PolicyTypeError, "must be a list of rules"),
            ({"rules": [5]}, PolicyTypeError, r"must hold Rule or Awareness objects \(got int"),
            ({"schedule": "9-5"}, PolicyTypeError, "FollowUpPolicy.schedule must be a Schedule"),
            ({"calling_window": 5}, PolicyTypeError, "calling_window must be a Window"),
            ({"calling_window": "21:00-08:00"}, InvalidPolicyError, "use two windows"),
            ({"served_timezones": "Europe/Paris"}, PolicyTypeError, "list of IANA names"),
            ({"served_timezones": ["Mars/Olympus"]}, InvalidPolicyError, "'Mars/Olympus'"),
            ({"caps": {"max_attempts": 3}}, PolicyTypeError, "caps must be ContactCaps"),
        ],
        ids=lambda value: str(value) if not isinstance(value, dict) else next(iter(value)),
    )
    def test_refuses(self, fields: dict[str, Any], error: type[PolicyError], message: str) -> None:
        """A malformed policy raises the matching PolicyError, naming the field."""
        with pytest.raises(error, match=message):
            policy(**fields)

    def test_pickles_and_compares_equal(self) -> None:
        """A policy with holidays, served zones, caps and conditions survives pickling."""
        import holidays  # noqa: PLC0415  # optional dependency, only here

        original = starter_policy(
            company_timezone="Europe/Paris",
            holidays=holidays.country_holidays("FR", years=2026),
            served_timezones=("Europe/Paris", "Europe/Lisbon"),
            caps=ContactCaps(max_attempts=2),
            programmes={"autopay": "Mention autopay."},
        )
        copied = pickle.loads(pickle.dumps(original))
        assert (original, hash(original)) == (copied, hash(copied))

    def test_starter_policy_refuses_a_lambda_for_loyalty(self) -> None:
        """Loyalty must be a condition, not a lambda."""
        with pytest.raises(PolicyTypeError, match="loyalty must be a Condition"):
            starter_policy(loyalty=lambda ctx: True)  # type: ignore[arg-type]

    def test_starter_policy_refuses_an_unknown_zone(self) -> None:
        """An unknown company timezone: InvalidPolicyError naming it."""
        with pytest.raises(InvalidPolicyError, match="'Mars/Olympus'"):
            starter_policy(company_timezone="Mars/Olympus")

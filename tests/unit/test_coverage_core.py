"""Branches of the core no other test takes: how the vocabularies print, refusals of
malformed values, the checked path of the history, the engine's guards, and the direct
searches the memoised tables are checked against."""

from __future__ import annotations

import copy
import datetime as dt
import runpy
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import holidays
import pendulum
import pytest

from extramile import (
    Adjustment,
    Business,
    Channel,
    ContactCaps,
    Customer,
    Direction,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    InvalidFactError,
    InvalidPolicyError,
    Local,
    On,
    Placement,
    PolicyTypeError,
    Rule,
    Schedule,
    WeeklyWindow,
    Window,
    evaluate,
    place,
)
from extramile._conditions.base import All, Any_
from extramile._conditions.context import IssueState
from extramile._conditions.facts import Compare, FactSource
from extramile._engine import customer_history
from extramile._engine.contact import Contact
from extramile._engine.revisit import NO_REVISIT
from extramile._engine.search import _leap
from extramile._memo import cache
from extramile._model.fields import as_id, as_tags, as_window
from extramile._rules import DUE, Scope
from extramile._time import from_ts, zone
from extramile._time.schedule import SEARCH_DAYS
from extramile._time.zones import DateTime
from extramile.conditions import Condition, Context, IssueThread, attr, customer_attr
from extramile.errors import ConditionError, FactTypeError
from extramile.reports import calls_made, last_week

NEW_YORK = "America/New_York"
UTC = dt.timezone.utc


def utc(text: str) -> pendulum.DateTime:
    """An instant written as ISO-8601 UTC, e.g. ``"2026-03-03T03:00"``."""
    return pendulum.parse(text + "Z")  # type: ignore[return-value]


def feedback(ident: str, at: str, **fields: Any) -> Interaction:
    """Feedback of customer c-1 on the web at ``at`` UTC."""
    return Interaction(
        id=ident, customer_id="c-1", kind="feedback", at=utc(at), channel="web", **fields
    )


def thanks(**options: Any) -> Rule:
    """A rule that thanks for feedback within four hours."""
    return Rule(
        name=options.pop("name", "thanks"),
        trigger=On("feedback"),
        deadline=DUE + Elapsed(hours=4),
        talking_point="Thank them.",
        **options,
    )


class TestVocabulariesPrint:
    """The str enums print as the plain strings they equal."""

    def test_each_prints_its_value(self) -> None:
        """Direction, Channel, the issue state, where a fact is read, a rule's scope."""
        members = [Direction.INBOUND, Channel.WEB, IssueState.OPEN, FactSource.ISSUE, Scope.ISSUE]
        assert ["inbound", "web", "open", "issue", "issue"] == [str(m) for m in members]

    def test_an_adjustment_prints_its_reason(self) -> None:
        """str() of an Adjustment is the reason it gives."""
        moment = utc("2026-03-03T03:00")
        adjustment = Adjustment(
            constraint="gap", moved_from=moment, moved_to=moment, reason="called an hour ago"
        )
        assert "called an hour ago" == str(adjustment)


class TestIssueThreadIsOpen:
    """An issue is open until resolved, and again once reopened."""

    def test_open_resolved_reopened(self) -> None:
        """The three states in turn."""
        thread = IssueThread("t-1")
        seen = []
        for n, kind in enumerate(("issue.opened", "issue.resolved", "issue.reopened")):
            thread.add(
                Interaction(
                    id=f"i-{n}",
                    customer_id="c-1",
                    kind=kind,
                    at=utc(f"2026-03-0{n + 1}T12:00"),
                    issue_id="t-1",
                )
            )
            seen.append(thread.is_open)
        assert [True, False, True] == seen


class TestEmptyCombinators:
    """A combinator of no parts: ``all`` of nothing holds, ``any`` of nothing does not,
    compiled or not."""

    CTX = Context(customer=Customer(id="c-1"), now=0.0, history=(), schedule=Schedule.always_open())

    def test_all_and_any_of_nothing(self) -> None:
        """All() is true and Any_() false, the compiled functions answering alike."""
        every, some = All(parts=()), Any_(parts=())
        assert (True, True, False, False) == (
            every.check(self.CTX),
            every.compiled()(self.CTX),
            some.check(self.CTX),
            some.compiled()(self.CTX),
        )


class TestComparisons:
    """Comparing a fact with a value."""

    CTX = Context(
        customer=Customer(id="c-1", attributes={"plan": "gold", "balance": 2.5}),
        now=0.0,
        history=(),
        schedule=Schedule.always_open(),
    )

    def test_a_decimal_equals_its_float(self) -> None:
        """A Decimal is compared as the float it is."""
        condition = customer_attr("balance").equals(Decimal("2.5"))
        assert (True, True) == (condition.check(self.CTX), condition.compiled()(self.CTX))

    def test_a_value_that_holds_itself_is_refused(self) -> None:
        """A list that contains itself: InvalidPolicyError, not a RecursionError."""
        looped: list[object] = []
        looped.append(looped)
        with pytest.raises(InvalidPolicyError, match="nests too deeply, or holds itself"):
            attr("x").equals(looped)

    def test_an_unknown_operator_is_refused(self) -> None:
        """Compare(op="~"): InvalidPolicyError naming the operators."""
        with pytest.raises(InvalidPolicyError, match=r"Compare\.op must be one of"):
            Compare(attr("x"), "~", 1)

    def test_text_against_a_number_does_not_hold(self) -> None:
        """customer_attr('plan') >= 3 where the plan is text: false, compiled or not."""
        condition = customer_attr("plan") >= 3
        assert (False, False) == (condition.check(self.CTX), condition.compiled()(self.CTX))


@attrs.frozen(repr=False)
class _Raising(Condition):
    """A condition that raises ``error`` when asked."""

    error: Exception

    def check(self, ctx: Context) -> bool:
        raise self.error

    def explain(self, ctx: Context) -> str:
        return "raises"

    def __repr__(self) -> str:
        return "raising()"


class TestConditionErrors:
    """A custom condition that raises: the library's own errors pass as they are."""

    def decide(self, error: Exception, *, where: str = "condition") -> None:
        """Evaluate a policy whose one rule's condition (or stop condition) raises
        ``error``."""
        policy = FollowUpPolicy(
            name="p",
            rules=[thanks(**{where: _Raising(error)})],
            schedule=Schedule.always_open(NEW_YORK),
        )
        customer = Customer(id="c-1", timezone=NEW_YORK)
        evaluate(
            policy, customer, [feedback("fb-1", "2026-06-10T16:00")], now=utc("2026-06-10T17:00")
        )

    @pytest.mark.parametrize("where", ["condition", "stop"])
    def test_an_extramile_error_passes_as_it_is(self, where: str) -> None:
        """InvalidFactError raised by the condition reaches the caller unchanged."""
        with pytest.raises(InvalidFactError, match="a fact it could not read"):
            self.decide(InvalidFactError("a fact it could not read"), where=where)

    def test_a_stop_condition_error_names_the_rule(self) -> None:
        """A KeyError of a stop condition: a ConditionError naming the rule."""
        with pytest.raises(ConditionError, match=r"rule 'thanks': condition raising\(\) raised"):
            self.decide(KeyError("balance"), where="stop")

    def test_its_own_check_is_its_compiled_form(self) -> None:
        """A custom condition that does not compile itself answers with check()."""
        condition = _Raising(KeyError("x"))
        assert condition.check == condition.compiled()

    def test_another_error_names_the_rule(self) -> None:
        """A KeyError becomes a ConditionError naming the rule and the condition."""
        with pytest.raises(ConditionError, match=r"rule 'thanks': condition raising\(\) raised"):
            self.decide(KeyError("balance"))


class TestTheCheckedHistory:
    """A history that is not a plain list is checked one interaction at a time, cut at
    ``now`` and sorted, as a list is."""

    POLICY = FollowUpPolicy(name="p", rules=[thanks()], schedule=Schedule.always_open(NEW_YORK))
    CUSTOMER = Customer(id="c-1", timezone=NEW_YORK)

    def history(self) -> list[Interaction]:
        """Feedback on three days, the last after ``now``, given out of order."""
        return [
            feedback("fb-3", "2026-06-12T16:00"),
            feedback("fb-1", "2026-06-08T16:00"),
            feedback("fb-2", "2026-06-10T16:00"),
        ]

    def test_a_subclass_takes_the_checked_path(self) -> None:
        """Interactions of a subclass of Interaction: each is checked, the one after
        ``now`` left out, the rest sorted; the same calls as plain ones give."""
        now = utc("2026-06-10T17:00")

        class Logged(Interaction):
            """An interaction as a host's own subclass."""

        logged = [
            Logged(id=i.id, customer_id="c-1", kind=i.kind, at=i.at, channel=i.channel)
            for i in self.history()
        ]
        plain = evaluate(self.POLICY, self.CUSTOMER, self.history(), now=now)
        checked = evaluate(self.POLICY, self.CUSTOMER, logged, now=now)
        assert [c.keys for c in plain.calls] == [c.keys for c in checked.calls]
        assert ["fb-1", "fb-2"] == [
            item.id for item in customer_history(self.CUSTOMER, logged, now.timestamp())
        ]

    def test_a_generator_gives_the_list_answer(self) -> None:
        """The same keys and times from a generator as from the list."""
        now = utc("2026-06-10T17:00")

        def given() -> Iterator[Interaction]:
            yield from self.history()

        from_list = evaluate(self.POLICY, self.CUSTOMER, self.history(), now=now)
        from_generator = evaluate(self.POLICY, self.CUSTOMER, given(), now=now)
        keys = sorted(key for call in from_list.calls for key in call.keys)
        assert keys == sorted(key for call in from_generator.calls for key in call.keys)
        assert ["c-1/-/thanks/fb-1", "c-1/-/thanks/fb-2"] == keys


class TestRuleWindows:
    """Two rules with the same calling window of their own share one twin contact."""

    def test_both_calls_keep_to_the_rules_window(self) -> None:
        """Feedback we took down and a refund a billing system logged at 08:30 EDT, each
        rule callable from 10:00: both calls are due at 10:00 (and merge into one)."""
        refund = Rule(
            name="refund",
            trigger=On("billing.refund"),
            deadline=DUE + Elapsed(hours=4),
            calling_window="10:00-18:00",
        )
        policy = FollowUpPolicy(
            name="p",
            rules=[thanks(calling_window="10:00-18:00"), refund],
            schedule=Schedule.always_open(NEW_YORK),
        )
        history = [
            feedback("fb-1", "2026-06-10T12:30", direction="outbound"),
            Interaction(
                id="rf-1",
                customer_id="c-1",
                kind="billing.refund",
                at=utc("2026-06-10T12:30"),
                channel="system",
            ),
        ]
        decision = evaluate(
            policy, Customer(id="c-1", timezone=NEW_YORK), history, now=utc("2026-06-10T12:30")
        )
        (call,) = decision.calls
        assert (utc("2026-06-10T14:00"), {"thanks", "refund"}) == (call.due_at, set(call.rules))


class TestOneClockNeedsNoLeap:
    """The leap to where clocks overlap is for two clocks or more."""

    def test_one_zone_and_no_staff(self) -> None:
        """One calling window and no staff hours: the leap is the instant itself."""
        contact = Contact.build(
            Customer(id="c-1", timezone=NEW_YORK),
            [],
            None,
            calling_window=Window("08:00", "21:00"),
            served_timezones=(),
            schedule=Schedule.always_open(NEW_YORK),
        )
        moves: list[Any] = []
        moment = utc("2026-03-03T03:00").timestamp()
        assert (moment, []) == (_leap(contact, moment, moment + 86_400, None, moves), moves)


class TestTheLeapWithoutStaff:
    """An extra-mile call for a customer of unknown timezone, in two zones whose calling
    windows do not overlap for months, leaps to their first overlap."""

    def test_sydney_and_new_york(self) -> None:
        """08:00-18:00 in Sydney (AEST) and New York (EDT) only touch at 22:00 UTC; once
        Sydney's clocks go forward on 4 October they overlap from 21:00 UTC."""
        due = utc("2026-06-10T12:00")
        result = place(
            due=due,
            deadline=due.add(hours=1),
            now=due,
            customer=Customer(id="c-1"),
            schedule=Schedule.always_open(),
            calling_window="08:00-18:00",
            served_timezones=["Australia/Sydney", "America/New_York"],
            extra_mile=True,
        )
        assert isinstance(result, Placement)
        assert utc("2026-10-03T21:00") == result.due_at
        assert [
            (
                "customer timezone unknown; calling window in Australia/Sydney (08:00-18:00) and"
                " the calling window in America/New_York do not overlap until Sun 2026-10-04"
                " 08:00 AEDT"
            ),
            (
                "customer timezone unknown; calling window in America/New_York (08:00-18:00) and"
                " the calling window in Australia/Sydney do not overlap until Sat 2026-10-03"
                " 17:00 EDT"
            ),
        ] == [move.reason for move in result.adjustments]


class TestNoRevisitCollector:
    """plan() runs the stages with a revisit collector that collects nothing."""

    def test_it_has_nothing(self) -> None:
        """Told of a moment, it still has no earliest one."""
        NO_REVISIT.at(1.0)
        assert (False, None) == (NO_REVISIT.active, NO_REVISIT.earliest())


class TestMemoNames:
    """Each cache is registered once, by its name."""

    def test_a_name_twice_is_refused(self) -> None:
        """A second cache called "zones": ValueError."""
        with pytest.raises(ValueError, match="a cache called 'zones' is registered already"):
            cache("zones")


class TestZones:
    """Zone look-ups and the DateTimes made for results."""

    def test_an_unknown_zone_is_a_key_error(self) -> None:
        """zone() is for names already checked: an unknown one raises KeyError."""
        with pytest.raises(KeyError, match="Mars/Olympus"):
            zone("Mars/Olympus")

    def test_a_datetime_keeps_its_fold_when_reduced_or_copied(self) -> None:
        """01:30 EST on the night clocks go back (the second 01:30) stays EST."""
        second = from_ts(utc("2026-11-01T06:30").timestamp(), zone(NEW_YORK))
        assert isinstance(second, DateTime)
        restore, args = second.__reduce__()
        again = restore(*args)
        assert (1, 1, "EST") == (second.fold, again.fold, copy.copy(second).tzname())


class TestWeeklyRefusals:
    """Hours given in a shape no week has."""

    def test_a_number_for_a_days_windows(self) -> None:
        """{'mon': 9}: PolicyTypeError naming what a day's windows may be."""
        with pytest.raises(PolicyTypeError, match=r"WeeklyWindow values must be a Window"):
            WeeklyWindow({"mon": 9})

    @pytest.mark.parametrize("value", [9, ["09:00-17:00"] * 6])
    def test_neither_a_mapping_nor_seven_days(self, value: object) -> None:
        """A number, or six days: PolicyTypeError."""
        with pytest.raises(PolicyTypeError, match=r"Schedule\.hours must map weekdays"):
            Schedule(timezone="UTC", hours=value)  # type: ignore[arg-type]  # refused

    def test_seven_days_in_a_list(self) -> None:
        """A list of seven days' windows, Monday first, None for a closed day."""
        days = ["09:00-17:00"] * 5 + [None, None]
        listed = Schedule(timezone="UTC", hours=days)  # type: ignore[arg-type]  # at run time
        assert Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"}).hours == listed.hours


class TestCapsRefusals:
    """A cap's period is at least a day."""

    def test_a_period_in_elapsed_time(self) -> None:
        """ContactCaps(per=Elapsed(days=7)): PolicyTypeError, a cap counts local days."""
        with pytest.raises(PolicyTypeError, match=r"ContactCaps\.per must be a Local duration"):
            ContactCaps(per=Elapsed(days=7))  # type: ignore[arg-type]  # refused at run time

    def test_a_period_of_no_days(self) -> None:
        """ContactCaps(per=Local()): InvalidPolicyError."""
        with pytest.raises(InvalidPolicyError, match=r"ContactCaps\.per must be at least one day"):
            ContactCaps(per=Local())


class TestFieldHelpers:
    """The careful path of the model's constructors takes what the fast path would."""

    def test_tags_already_a_frozenset(self) -> None:
        """A frozenset of tags is kept as it is."""
        tags = frozenset({"autopay"})
        assert tags is as_tags(tags)

    def test_hours_already_a_window(self) -> None:
        """A Window, and None, are kept as they are."""
        window = Window("09:00", "17:00")
        assert (window, None) == (as_window(window), as_window(None))

    def test_a_blank_str_subclass_is_refused(self) -> None:
        """An id of a str subclass holding only spaces: InvalidFactError."""

        class Name(str):
            """A str subclass, as a StrEnum member is."""

        assert "c-1" == as_id(Name("c-1"), "Customer.id")
        with pytest.raises(InvalidFactError, match=r"Customer\.id"):
            as_id(Name("   "), "Customer.id")


class TestReportArguments:
    """The reports check their moments and zones."""

    POLICY = FollowUpPolicy(name="p", rules=[thanks()], schedule=Schedule.always_open(NEW_YORK))

    def test_a_start_that_is_not_a_datetime(self) -> None:
        """calls_made(start="...") : FactTypeError naming it."""
        with pytest.raises(FactTypeError, match=r"calls_made\(\) start must be a timezone-aware"):
            calls_made(self.POLICY, [], start="2026-06-01", end=utc("2026-06-08T00:00"))  # type: ignore[arg-type]

    def test_a_naive_end(self) -> None:
        """A naive end: InvalidFactError naming it."""
        with pytest.raises(InvalidFactError, match=r"calls_made\(\) end must be timezone-aware"):
            calls_made(self.POLICY, [], start=utc("2026-06-01T00:00"), end=dt.datetime(2026, 6, 8))

    def test_last_week_in_an_unknown_zone(self) -> None:
        """last_week() in 'Mars/Olympus': InvalidFactError naming what arrived."""
        with pytest.raises(InvalidFactError, match=r"last_week\(\) timezone must be an IANA"):
            last_week(utc("2026-06-10T12:00"), "Mars/Olympus")


class TestDirectSearches:
    """The direct searches of a schedule, the reference for its tables."""

    def test_no_opening_within_ten_years(self) -> None:
        """A schedule on holiday every day: the direct search says so, as the tables do."""

        class EveryDay(holidays.HolidayBase):
            """Every date is a holiday."""

            def __contains__(self, item: object) -> bool:
                return True

        schedule = Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"}, holidays=EveryDay())
        moment = utc("2026-06-10T12:00").timestamp()
        for search in (schedule.next_open_search, schedule.next_open_ts):
            with pytest.raises(InvalidPolicyError, match=f"no opening within {SEARCH_DAYS} days"):
                search(moment)

    def test_open_around_the_clock(self) -> None:
        """Open all day every day: a run lasts to the horizon, by the search as by the
        tables."""
        schedule = Schedule.always_open()
        moment = utc("2026-06-10T12:00").timestamp()
        horizon = moment + SEARCH_DAYS * 86_400
        assert (horizon, horizon) == (
            schedule.open_until_search(moment),
            schedule.open_until_ts(moment),
        )

    def test_a_business_day_that_never_comes(self) -> None:
        """Staff open one day, then on holiday for ten years: a business day from that
        day is refused, not searched for ever."""

        class AllButOne(holidays.HolidayBase):
            """Every date but 10 June 2026 is a holiday."""

            def __contains__(self, item: object) -> bool:
                return item != dt.date(2026, 6, 10)

        schedule = Schedule(timezone="UTC", hours={"mon-sun": "09:00-17:00"}, holidays=AllButOne())
        with pytest.raises(InvalidPolicyError, match=f"no opening within {SEARCH_DAYS} days"):
            schedule.add(utc("2026-06-10T12:00"), Business(days=1))


class TestRunAsAModule:
    """``python -m extramile`` runs the command line."""

    def test_help(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """``--help`` prints the usage and exits 0."""
        monkeypatch.setattr(sys, "argv", ["extramile", "--help"])
        with pytest.raises(SystemExit) as exited:
            runpy.run_module("extramile", run_name="__main__")
        assert (0, True) == (exited.value.code, "usage:" in capsys.readouterr().out)

    def test_imported_it_runs_nothing(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Imported under its own name, the module prints nothing and exits nothing."""
        runpy.run_module("extramile.__main__")
        assert "" == capsys.readouterr().out

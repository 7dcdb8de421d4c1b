"""A policy described for review: ``FollowUpPolicy.describe()``, its Markdown, and
``extramile policy describe``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

import extramile
import extramile.conditions
from extramile import (
    DUE,
    TRIGGER,
    Anchor,
    Awareness,
    Business,
    ContactCaps,
    Elapsed,
    FollowUpPolicy,
    Local,
    On,
    Retry,
    Rule,
    Schedule,
    WeeklyWindow,
    When,
    starter_policy,
)
from extramile._sample import SAMPLE_HOLIDAYS, sample_policy
from extramile.cli import main
from extramile.conditions import attr, issue_open, tier_in

RULE_KEYS = {
    "name",
    "kind",
    "trigger",
    "condition",
    "stop",
    "scope",
    "due",
    "deadline",
    "give_up",
    "priority",
    "queue",
    "calling_window",
    "retry",
    "extra_mile",
    "essential",
    "may_be_early",
    "talking_point",
}
"""Every field a rule's description has."""

NAMESPACE: dict[str, Any] = {
    **{name: getattr(extramile, name) for name in extramile.__all__},
    **{name: getattr(extramile.conditions, name) for name in extramile.conditions.__all__},
}
"""What a policy module imports: the names a written value is read back with."""


def _read(written: str) -> Any:
    """A value as written in a description, built again."""
    return eval(written, dict(NAMESPACE))  # the library's own repr, read back


def _timing(written: str) -> When:
    """A due time or deadline as written, built again (an anchor alone is a timing)."""
    value = _read(written)
    return When(anchor=value) if isinstance(value, Anchor) else value


def _policy(*rules: Rule | Awareness, **fields: Any) -> FollowUpPolicy:
    return FollowUpPolicy(
        name="test",
        rules=rules,
        schedule=fields.pop("schedule", Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"})),
        **fields,
    )


def _rule(**fields: Any) -> Rule:
    return Rule(
        name=fields.pop("name", "r"),
        trigger=fields.pop("trigger", On("feedback")),
        deadline=fields.pop("deadline", DUE + Elapsed(hours=1)),
        **fields,
    )


class TestStarterDescribed:
    def test_every_rule_in_order(self) -> None:
        """Each rule of the starter policy is described once, in the policy's order."""
        policy = starter_policy()
        described = policy.describe()
        assert [rule.name for rule in policy.rules] == [r["name"] for r in described["rules"]]
        assert ["rule"] * 9 + ["awareness"] == [r["kind"] for r in described["rules"]]

    def test_every_field_of_every_rule(self) -> None:
        """Every rule has every field, and each says what the rule holds."""
        policy = starter_policy()
        for rule, described in zip(policy.rules, policy.describe()["rules"], strict=True):
            if not isinstance(rule, Rule):
                continue
            assert RULE_KEYS == set(described)
            assert (
                repr(rule.trigger),
                rule.trigger.describe(),
                repr(rule.condition),
                None if rule.stop is None else repr(rule.stop),
                str(rule.scope),
                (repr(rule.due), rule.due.describe()),
                (repr(rule.deadline), rule.deadline.describe()),
                str(rule.priority),
                rule.queue,
                None,
                (rule.retry.tries, str(rule.retry.every), rule.retry.voicemail),
                rule.essential,
                rule.early,
                rule.talking_point,
            ) == (
                described["trigger"]["written"],
                described["trigger"]["means"],
                described["condition"],
                described["stop"],
                described["scope"],
                (described["due"]["written"], described["due"]["means"]),
                (described["deadline"]["written"], described["deadline"]["means"]),
                described["priority"],
                described["queue"],
                described["calling_window"],
                tuple(described["retry"].values()),
                described["essential"],
                described["may_be_early"],
                described["talking_point"],
            ), rule.name

    def test_written_reads_back(self) -> None:
        """What is written as code builds the rule's own values again: the description
        says exactly what the policy holds."""
        policy = starter_policy()
        for rule, described in zip(policy.rules, policy.describe()["rules"], strict=True):
            if not isinstance(rule, Rule):
                continue
            assert (rule.trigger, rule.condition, rule.stop, rule.due, rule.deadline) == (
                _read(described["trigger"]["written"]),
                _read(described["condition"]),
                None if described["stop"] is None else _read(described["stop"]),
                _timing(described["due"]["written"]),
                _timing(described["deadline"]["written"]),
            ), rule.name
            assert rule.give_up_after == _read(described["give_up"]["written"])
            if not isinstance(rule.extra_mile, bool):
                assert rule.extra_mile == _read(described["extra_mile"])

    def test_particular_rules(self) -> None:
        """The values people read: the queue, a stop, an extra mile that depends on the
        customer, a rule never made early, giving up at the deadline, the programmes."""
        rules = {
            r["name"]: r for r in starter_policy(programmes={"autopay": "Say"}).describe()["rules"]
        }
        assert ("senior", "~issue_is('open', 'reopened')") == (
            rules["repeat-contact"]["queue"],
            rules["repeat-contact"]["stop"],
        )
        assert (
            "tier_in('gold', 'platinum') | tenure_at_least(years=5)"
            == rules["reopened-callback"]["extra_mile"]
        )
        assert (True, True) == (
            rules["duplicate-charge-callback"]["extra_mile"],
            rules["duplicate-charge-callback"]["essential"],
        )
        assert False is rules["loyalty-anniversary"]["may_be_early"]
        assert {"written": "Local(days=0)", "means": "at the deadline"} == rules["price-heads-up"][
            "give_up"
        ]
        assert "7 local days before the bill_date date" == rules["price-heads-up"]["due"]["means"]
        assert {
            "name": "service-awareness",
            "kind": "awareness",
            "programmes": {"autopay": "Say"},
        } == (rules["service-awareness"])

    def test_constraints(self) -> None:
        """The policy's constraints: staff hours and timezone, no holidays, the calling
        window, the served timezones, the caps and the minimum gap."""
        described = starter_policy(company_timezone="America/Chicago").describe()
        assert {
            "timezone": "America/Chicago",
            "hours": {"mon-fri": "09:00-17:00"},
            "holidays": None,
        } == described["staff"]
        assert ("starter", "08:00-21:00", []) == (
            described["policy"],
            described["calling_window"],
            described["served_timezones"],
        )
        assert {"max_attempts": 3, "per": "7 local days", "min_gap": "20 hours elapsed"} == (
            described["caps"]
        )


class TestConstraintsDescribed:
    def test_named_holidays(self) -> None:
        """Holidays given with names are listed by date, in order, with their names."""
        holidays_ = sample_policy().describe()["staff"]["holidays"]
        expected = {day.isoformat(): name for day, name in sorted(SAMPLE_HOLIDAYS.items())}
        assert {"dates": expected} == holidays_

    def test_unnamed_holidays(self) -> None:
        """Holidays given as dates alone are listed with no names."""
        schedule = Schedule(
            timezone="UTC",
            hours={"mon-fri": "09:00-17:00"},
            holidays=[dt.date(2026, 12, 25), dt.date(2026, 1, 1)],
        )
        described = _policy(_rule(), schedule=schedule).describe()
        assert {"dates": {"2026-01-01": None, "2026-12-25": None}} == (
            described["staff"]["holidays"]
        )
        assert "- **Holidays:** 2 dates: 2026-01-01; 2026-12-25\n" in markdown_of(described)

    @pytest.mark.parametrize(
        ("days", "expected"),
        [([], "none"), ([dt.date(2026, 5, 1)], "1 date: 2026-05-01")],
        ids=["none", "one"],
    )
    def test_few_holidays(self, days: list[dt.date], expected: str) -> None:
        """No holiday reads as none; one is one date."""
        schedule = Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"}, holidays=days)
        page = _policy(_rule(), schedule=schedule).describe_markdown()
        assert f"- **Holidays:** {expected}" in page.splitlines()

    def test_own_calendar(self) -> None:
        """A calendar of the user's own, for no country, is named by its class."""

        class Closures(holidays.HolidayBase):
            """The team's own closing days."""

        schedule = Schedule(timezone="UTC", hours={"mon-fri": "09:00-17:00"}, holidays=Closures())
        described = _policy(_rule(), schedule=schedule).describe()
        assert {"calendar": "Closures", "country": None, "subdivision": None} == (
            described["staff"]["holidays"]
        )
        assert "- **Holidays:** the holidays package's calendar Closures" in (
            markdown_of(described).splitlines()
        )

    def test_holidays_calendar(self) -> None:
        """A calendar of the holidays package is named by country and subdivision, its dates
        not listed (it loads them a year at a time)."""
        schedule = Schedule(
            timezone="America/Los_Angeles",
            hours={"mon-fri": "09:00-17:00"},
            holidays=holidays.country_holidays("US", subdiv="CA"),
        )
        described = _policy(_rule(), schedule=schedule).describe()
        assert {"calendar": "US", "country": "US", "subdivision": "CA"} == (
            described["staff"]["holidays"]
        )
        assert "the holidays package's calendar for US (CA)" in markdown_of(described)

    def test_sum_of_calendars(self) -> None:
        """A sum of calendars names each country."""
        schedule = Schedule(
            timezone="UTC",
            hours={"mon-fri": "09:00-17:00"},
            holidays=holidays.country_holidays("US") + holidays.country_holidays("CA"),
        )
        described = _policy(_rule(), schedule=schedule).describe()
        assert ["US", "CA"] == described["staff"]["holidays"]["country"]
        assert "the holidays package's calendar for US, CA\n" in markdown_of(described)

    def test_windows_by_weekday(self) -> None:
        """A calling window that differs by weekday is given by weekday, the policy's and a
        rule's own; served timezones and caps as set."""
        policy = _policy(
            _rule(calling_window={"mon-fri": "09:00-19:00", "sat": "10:00-14:00"}),
            calling_window=WeeklyWindow({"mon-sat": "09:00-20:00"}),
            served_timezones=["Europe/Paris"],
            caps=ContactCaps(max_attempts=2, per=Local(days=14), min_gap=Elapsed(days=1)),
        )
        described = policy.describe()
        assert (
            {"mon-sat": "09:00-20:00"},
            {"mon-fri": "09:00-19:00", "sat": "10:00-14:00"},
            ["Europe/Paris"],
            {"max_attempts": 2, "per": "14 local days", "min_gap": "1 day elapsed"},
        ) == (
            described["calling_window"],
            described["rules"][0]["calling_window"],
            described["served_timezones"],
            described["caps"],
        )
        page = policy.describe_markdown()
        assert "- **Calling window:** mon-sat 09:00-20:00, in the customer's own" in page
        assert "- **Calling window:** mon-fri 09:00-19:00; sat 10:00-14:00, in the" in page
        assert "open in all of Europe/Paris\n" in page
        assert "- **Contact cap:** 2 outbound attempts per 14 local days" in page

    def test_same_window_every_day(self) -> None:
        """A weekly window that is the same every day is written as the one window."""
        policy = _policy(_rule(), calling_window=WeeklyWindow({"mon-sun": "08:00-20:00"}))
        assert "08:00-20:00" == policy.describe()["calling_window"]


def markdown_of(described: dict[str, Any]) -> str:
    from extramile._rules.describe import markdown  # noqa: PLC0415  # the private renderer

    return markdown(described)


class TestJson:
    @pytest.mark.parametrize(
        "policy", [starter_policy(), sample_policy()], ids=["starter", "sample"]
    )
    def test_round_trip(self, policy: FollowUpPolicy) -> None:
        """The description is JSON values only: written and read back, it is equal, and
        renders the same page."""
        described = policy.describe()
        back = json.loads(json.dumps(described))
        assert described == back
        assert policy.describe_markdown() == markdown_of(back)

    @given(
        st.fixed_dictionaries(
            {
                "tries": st.integers(1, 5),
                "every": st.sampled_from([Elapsed(minutes=30), Elapsed(hours=2)]),
                "voicemail": st.booleans(),
                "give_up": st.sampled_from(
                    [None, Local(), Local(days=3), Elapsed(hours=6), Business(days=1)]
                ),
                "extra_mile": st.sampled_from([True, False, tier_in("gold")]),
                "stop": st.sampled_from([None, ~issue_open()]),
                "condition": st.sampled_from(
                    [attr("amount") > 100, tier_in("gold") | ~issue_open()]
                ),
                "due": st.sampled_from([TRIGGER, TRIGGER + Business(), TRIGGER + Local(days=7)]),
                "deadline": st.sampled_from([DUE + Elapsed(hours=4), DUE + Business(days=2)]),
                "queue": st.sampled_from([None, "senior"]),
                "priority": st.sampled_from(["urgent", "high", "normal", "low"]),
                "essential": st.booleans(),
                "early": st.booleans(),
            }
        )
    )
    def test_any_rule_round_trips_and_reads_back(self, drawn: dict[str, Any]) -> None:
        """Any rule's description survives JSON, and its code reads back as the rule's."""
        every = drawn.pop("every")
        retry = Retry(tries=drawn.pop("tries"), every=every, voicemail=drawn.pop("voicemail"))
        rule = _rule(retry=retry, give_up_after=drawn.pop("give_up"), **drawn)
        described = _policy(rule).describe()
        assert described == json.loads(json.dumps(described))
        one = described["rules"][0]
        extra_mile = one["extra_mile"]
        rebuilt = _rule(
            retry=Retry(
                tries=one["retry"]["tries"],
                every=every,
                voicemail=one["retry"]["voicemail_answers"],
            ),
            give_up_after=None if one["give_up"] is None else _read(one["give_up"]["written"]),
            extra_mile=extra_mile if isinstance(extra_mile, bool) else _read(extra_mile),
            stop=None if one["stop"] is None else _read(one["stop"]),
            condition=_read(one["condition"]),
            due=_timing(one["due"]["written"]),
            deadline=_timing(one["deadline"]["written"]),
            queue=one["queue"],
            priority=one["priority"],
            essential=one["essential"],
            early=one["may_be_early"],
        )
        assert rule == rebuilt
        assert str(every) == one["retry"]["every"]


class TestMarkdown:
    def test_sections_in_order(self) -> None:
        """The page has the constraints, then one numbered section a rule, in order."""
        policy = starter_policy()
        page = policy.describe_markdown()
        headings = [line for line in page.splitlines() if line.startswith("#")]
        assert [
            "# Policy: starter",
            "## Constraints",
            "## Rules",
            *(f"### {n}. {rule.name}" for n, rule in enumerate(policy.rules, 1)),
        ] == headings

    def test_rule_lines(self) -> None:
        """A rule's section has a line a field, code in backticks beside its meaning."""
        page = starter_policy().describe_markdown()
        section = page.split("### 4. repeat-contact\n\n")[1].split("\n\n")[0].splitlines()
        assert [
            "Trigger",
            "Condition, as of the trigger",
            "Stops when, at now",
            "Answered by",
            "Due",
            "Deadline",
            "Gives up",
            "Priority",
            "Queue",
            "Calling window",
            "Retries",
            "Extra mile (outside staff hours and on holidays)",
            "Essential (bypasses the cap and the gap)",
            "May be made early, with an earlier call",
            "Talking point",
        ] == [line.removeprefix("- **").split(":**")[0] for line in section]
        assert "- **Deadline:** `DUE + Business(days=1)`: 1 business day after the due time" in (
            section
        )
        assert "- **Queue:** senior" in section
        assert "- **Stops when, at now:** `~issue_is('open', 'reopened')`" in section

    def test_plain_rule(self) -> None:
        """A rule with one try, no giving up, no stop, no talking point, and an awareness
        rule with no programmes, read as such."""
        page = _policy(
            _rule(retry=Retry(tries=1)), Awareness(name="aware", programmes={})
        ).describe_markdown()
        for line in (
            "- **Retries:** none: one try",
            "- **Gives up:** never",
            "- **Stops when, at now:** nothing stops it",
            "- **Talking point:** (none)",
            "- **Queue:** general",
            "- **Holidays:** none",
            "- **Customers of unknown timezone:** never called (no timezones served)",
            "Talking points only, never a call of its own: no programmes listed.",
        ):
            assert line in page.splitlines()

    def test_retry_and_flags(self) -> None:
        """Retries with a voicemail answering; an extra mile for some customers."""
        page = _policy(
            _rule(retry=Retry(tries=2, voicemail=True), extra_mile=tier_in("gold"))
        ).describe_markdown()
        assert "- **Retries:** 2 tries in all, 2 hours elapsed apart; a voicemail answers" in page
        assert (
            "- **Extra mile (outside staff hours and on holidays):** for customers who meet"
            " `tier_in('gold')` (judged at now)"
        ) in page


class TestCommandLine:
    def test_markdown_default(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``extramile policy describe`` prints the starter policy's page, as ``plan`` would
        use it."""
        assert 0 == main(["policy", "describe"])
        assert starter_policy().describe_markdown() == capsys.readouterr().out

    def test_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``--format json`` prints the description as JSON."""
        assert 0 == main(["policy", "describe", "--format", "json"])
        assert starter_policy().describe() == json.loads(capsys.readouterr().out)

    def test_named_policy(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``--policy MODULE:ATTRIBUTE`` describes that policy."""
        assert 0 == main(
            [
                "policy",
                "describe",
                "--policy",
                "extramile._sample:sample_policy",
                "--format",
                "markdown",
            ]
        )
        assert sample_policy().describe_markdown() == capsys.readouterr().out

    def test_bad_policy(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A policy path that does not import exits 2, naming it, with nothing on stdout."""
        assert 2 == main(["policy", "describe", "--policy", "no_such_module:POLICY"])
        out, err = capsys.readouterr()
        assert "" == out
        assert err.startswith("extramile policy: error: --policy 'no_such_module:POLICY': cannot")

    def test_action_required(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``extramile policy`` alone is a usage error."""
        assert 2 == main(["policy"])
        assert "required: ACTION" in capsys.readouterr().err

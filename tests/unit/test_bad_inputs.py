"""Bad input across the public API and the command line, as one table.

Grow this table whenever a field, argument or option appears: add a row for each way a
value of it can be wrong (wrong type, out of range, malformed text, an integer too long to
print, personal data in the wrong shape).

Each row is a call that must raise the library's own error (an ``ExtramileError``, of the
given class, which is also the matching builtin), whose message names the field; where the
input holds a phone number, an email address or a customer's row, the message must not
show it.  Nothing in the table may be accepted silently, and no plain Python error may
escape.  The command line's rows are files with a bad line: each must exit 2, write
nothing to standard output, and name the file, the line and the field on standard error.
"""

# The tables keep one bad input a line, so that they read, and grow, as tables.
# ruff: noqa: E501

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Container
from pathlib import Path
from typing import Any, NamedTuple

import pendulum
import pytest

from extramile import (
    DUE,
    TRIGGER,
    Agenda,
    Awareness,
    Business,
    ContactCaps,
    Customer,
    Elapsed,
    ExtramileError,
    FactsError,
    FactTypeError,
    FollowUpPolicy,
    FrozenMap,
    Interaction,
    InvalidFactError,
    InvalidPolicyError,
    Local,
    On,
    PolicyError,
    PolicyTypeError,
    Retry,
    Rule,
    Schedule,
    WeeklyWindow,
    Window,
    attr_date,
    evaluate,
    place,
    plan,
    starter_policy,
)
from extramile.cli import main
from extramile.conditions import (
    attr,
    contacts,
    count_at_least,
    direction_is,
    has_tag,
    issue_is,
    kind_is,
    no_contact,
    silence_at_least,
    since_last_contact,
    tenure_at_least,
    tier_in,
)
from extramile.reports import calls_made, last_week

UTC = dt.timezone.utc
NOW = pendulum.datetime(2026, 9, 3, 15, tz="UTC")
NAIVE = dt.datetime(2026, 9, 3, 15)
HUGE = 10**5000
"""An int Python will not print (more than 4,300 digits)."""
PHONE = "+1 312 555 0100"
EMAIL = "pat.doe@example.com"
ROW = {"id": "c-1", "phone": PHONE, "email": EMAIL}
"""A host's row for a customer, given where a Customer is wanted."""

CUSTOMER = Customer(id="c-1", timezone="America/Chicago")
FEEDBACK = Interaction(id="i-1", customer_id="c-1", kind="feedback", at=NOW.subtract(hours=1))
OFFICE = Schedule(timezone="America/Chicago", hours={"mon-fri": "09:00-17:00"})
RULE = Rule(name="thanks", trigger=On("feedback"), deadline=TRIGGER + Business(hours=4))
POLICY = FollowUpPolicy(name="p", rules=[RULE], schedule=OFFICE)


def untyped(value: object) -> Any:
    """``value``, typed as anything: the table gives wrong types on purpose."""
    return value


def customer(**fields: Any) -> Customer:
    """A customer with ``fields`` over a valid one."""
    return Customer(**{"id": "c-1", **fields})


def interaction(**fields: Any) -> Interaction:
    """An interaction with ``fields`` over a valid one."""
    return Interaction(
        **{"id": "i-1", "customer_id": "c-1", "kind": "feedback", "at": NOW, **fields}
    )


def interaction_row(**fields: Any) -> dict[str, Any]:
    """An interaction's row with ``fields`` over a valid one; ``...`` removes a key."""
    row: dict[str, Any] = {
        "id": "i-1",
        "customer_id": "c-1",
        "kind": "feedback",
        "at": "2026-09-03T15:00Z",
    }
    row.update(fields)
    return {key: value for key, value in row.items() if value is not ...}


def rule(**fields: Any) -> Rule:
    """A rule with ``fields`` over a valid one."""
    return Rule(
        **{"name": "r", "trigger": On("feedback"), "deadline": TRIGGER + Elapsed(hours=1), **fields}
    )


def policy(**fields: Any) -> FollowUpPolicy:
    """A policy with ``fields`` over a valid one."""
    return FollowUpPolicy(**{"name": "p", "rules": [RULE], "schedule": OFFICE, **fields})


def schedule(**fields: Any) -> Schedule:
    """A schedule with ``fields`` over a valid one."""
    return Schedule(**{"timezone": "UTC", "hours": {"mon-fri": "09:00-17:00"}, **fields})


def placed(**fields: Any) -> object:
    """``place()`` with ``fields`` over valid arguments."""
    arguments: dict[str, Any] = {
        "due": NOW,
        "deadline": NOW.add(hours=1),
        "now": NOW,
        "customer": CUSTOMER,
        "schedule": OFFICE,
    }
    return place(**{**arguments, **fields})


def planned(book: Any = ((CUSTOMER, [FEEDBACK]),), **fields: Any) -> Agenda:
    """``plan()`` with ``fields`` over valid arguments."""
    arguments: dict[str, Any] = {"now": NOW, "horizon": Elapsed(days=7)}
    return plan(POLICY, book, **{**arguments, **fields})


def agenda() -> Agenda:
    """A small valid agenda."""
    return planned()


class _Lookalike(Container[dt.date]):
    """A container that answers yes to every date, and is no holiday calendar."""

    def __contains__(self, item: object) -> bool:
        return True


def _holds_itself() -> dict[str, Any]:
    loop: dict[str, Any] = {}
    loop["a"] = loop
    return loop


class Bad(NamedTuple):
    """One bad input: the call, what it must raise, and what its message must say."""

    name: str
    call: Callable[[], object]
    error: type[ExtramileError]
    field: str
    """Text that must appear in the message: the field, argument or key at fault."""
    secret: str | None = None
    """Personal data in the input that must not appear in the message."""


TABLE: tuple[Bad, ...] = (
    # -- Customer ---------------------------------------------------------------------
    Bad("customer-id-empty", lambda: customer(id=""), InvalidFactError, "Customer.id"),
    Bad("customer-id-int", lambda: customer(id=5), FactTypeError, "Customer.id"),
    Bad("customer-id-zero-width", lambda: customer(id="\u200b"), InvalidFactError, "Customer.id"),
    Bad("customer-id-nul", lambda: customer(id="c\x001"), InvalidFactError, "Customer.id"),
    Bad("customer-id-surrogate", lambda: customer(id="c\ud800"), InvalidFactError, "Customer.id"),
    Bad("customer-timezone-unknown", lambda: customer(timezone="Mars/Olympus"), InvalidFactError, "Customer.timezone"),
    Bad("customer-timezone-int", lambda: customer(timezone=5), FactTypeError, "Customer.timezone"),
    Bad("customer-timezone-localtime", lambda: customer(timezone="localtime"), InvalidFactError, "Customer.timezone"),
    Bad("customer-tier-int", lambda: customer(tier=1), FactTypeError, "Customer.tier"),
    Bad("customer-since-text", lambda: customer(customer_since="2020-01-01"), FactTypeError, "Customer.customer_since"),
    Bad("customer-since-datetime", lambda: customer(customer_since=dt.datetime(2020, 1, 1)), FactTypeError, "Customer.customer_since"),
    Bad("customer-since-year-1", lambda: customer(customer_since=dt.date(1, 1, 1)), InvalidFactError, "Customer.customer_since"),
    Bad("customer-tags-text", lambda: customer(tags="autopay"), FactTypeError, "Customer.tags"),
    Bad("customer-tags-nested", lambda: customer(tags=[["a"]]), FactTypeError, "Customer.tags"),
    Bad("customer-tags-mapping", lambda: customer(tags={"autopay": False}), FactTypeError, "Customer.tags"),
    Bad("customer-tags-int", lambda: customer(tags=["a", 1]), FactTypeError, "Customer.tags"),
    Bad("customer-do-not-call-text", lambda: customer(do_not_call="yes"), FactTypeError, "Customer.do_not_call"),
    Bad("customer-hours-overnight", lambda: customer(calling_hours="21:00-08:00"), InvalidFactError, "Customer.calling_hours"),
    Bad("customer-hours-int", lambda: customer(calling_hours=9), FactTypeError, "Customer.calling_hours"),
    Bad("customer-hours-weekday", lambda: customer(calling_hours={"funday": "09:00-17:00"}), InvalidFactError, "Customer.calling_hours"),
    Bad("customer-phone-int", lambda: customer(phone=13125550100), FactTypeError, "Customer.phone", "3125550100"),
    Bad("customer-phone-list", lambda: customer(phone=[PHONE]), FactTypeError, "Customer.phone", "555"),
    Bad("customer-email-bytes", lambda: customer(email=EMAIL.encode()), FactTypeError, "Customer.email", EMAIL),
    Bad("customer-attributes-pairs", lambda: customer(attributes=[("email", EMAIL)]), FactTypeError, "Customer.attributes", EMAIL),
    Bad("customer-attributes-key", lambda: customer(attributes={1: "x"}), FactTypeError, "Customer.attributes"),
    Bad("customer-attributes-nan", lambda: customer(attributes={"a": math.nan}), InvalidFactError, "Customer.attributes['a']"),
    Bad("customer-attributes-huge", lambda: customer(attributes={"a": [HUGE]}), InvalidFactError, "Customer.attributes['a'][0]"),
    Bad("customer-attributes-set", lambda: customer(attributes={"a": {EMAIL}}), InvalidFactError, "Customer.attributes['a']", EMAIL),
    Bad("customer-attributes-naive", lambda: customer(attributes={"a": NAIVE}), InvalidFactError, "Customer.attributes['a']"),
    Bad("customer-attributes-loop", lambda: customer(attributes=_holds_itself()), InvalidFactError, "Customer.attributes['a']"),
    # -- Customer.from_mapping --------------------------------------------------------
    Bad("customer-row-pairs", lambda: Customer.from_mapping(untyped([("id", "c-1"), ("email", EMAIL)])), FactTypeError, "Customer.from_mapping", EMAIL),
    Bad("customer-row-unknown-key", lambda: Customer.from_mapping({"id": "c-1", "mobile": PHONE}), InvalidFactError, "'mobile'", PHONE),
    Bad("customer-row-no-id", lambda: Customer.from_mapping({"phone": PHONE}), InvalidFactError, "'id'", PHONE),
    Bad("customer-row-since", lambda: Customer.from_mapping({"id": "c-1", "customer_since": "2026-13-01"}), InvalidFactError, "Customer.customer_since"),
    Bad("customer-row-id-long-int", lambda: Customer.from_mapping({"id": 10**100}), FactTypeError, "Customer.id"),
    Bad("customer-row-id-float", lambda: Customer.from_mapping({"id": 7.0}), FactTypeError, "Customer.id"),
    Bad("customer-row-phone-int", lambda: Customer.from_mapping({"id": "c-1", "phone": 13125550100}), FactTypeError, "Customer.phone", "3125550100"),
    # -- Interaction ------------------------------------------------------------------
    Bad("interaction-id-blank", lambda: interaction(id="  "), InvalidFactError, "Interaction.id"),
    Bad("interaction-id-nul", lambda: interaction(id="i\x00"), InvalidFactError, "Interaction.id"),
    Bad("interaction-customer-none", lambda: interaction(customer_id=None), FactTypeError, "Interaction.customer_id"),
    Bad("interaction-customer-zero-width", lambda: interaction(customer_id="\u200b\u200b"), InvalidFactError, "Interaction.customer_id"),
    Bad("interaction-kind-spaced", lambda: interaction(kind=" feedback "), InvalidFactError, "Interaction.kind"),
    Bad("interaction-kind-newline", lambda: interaction(kind="feedback\n"), InvalidFactError, "Interaction.kind"),
    Bad("interaction-issue-zero-width", lambda: interaction(issue_id="\u200b"), InvalidFactError, "Interaction.issue_id"),
    Bad("interaction-issue-surrogate", lambda: interaction(issue_id="t-\udfff"), InvalidFactError, "Interaction.issue_id"),
    Bad("interaction-at-naive", lambda: interaction(at=NAIVE), InvalidFactError, "Interaction.at"),
    Bad("interaction-at-date", lambda: interaction(at=dt.date(2026, 9, 3)), FactTypeError, "Interaction.at"),
    Bad("interaction-at-year-1", lambda: interaction(at=dt.datetime(1, 1, 2, tzinfo=UTC)), InvalidFactError, "Interaction.at"),
    Bad("interaction-direction", lambda: interaction(direction="sideways"), InvalidFactError, "Interaction.direction"),
    Bad("interaction-channel-case", lambda: interaction(channel="PHONE"), InvalidFactError, "Interaction.channel"),
    Bad("interaction-channel-int", lambda: interaction(channel=3), FactTypeError, "Interaction.channel"),
    Bad("interaction-agent-int", lambda: interaction(agent=5), FactTypeError, "Interaction.agent"),
    Bad("interaction-outcome-int", lambda: interaction(outcome=1), FactTypeError, "Interaction.outcome"),
    Bad("interaction-outcome-spaced", lambda: interaction(outcome=" reached "), InvalidFactError, "Interaction.outcome"),
    Bad("interaction-attributes-huge", lambda: interaction(attributes={"n": -HUGE}), InvalidFactError, "Interaction.attributes['n']"),
    # -- Interaction.from_mapping -----------------------------------------------------
    Bad("interaction-row-at-text", lambda: Interaction.from_mapping(interaction_row(at="yesterday")), InvalidFactError, "Interaction.at"),
    Bad("interaction-row-at-naive", lambda: Interaction.from_mapping(interaction_row(at="2026-09-03T15:00")), InvalidFactError, "Interaction.at"),
    Bad("interaction-row-no-at", lambda: Interaction.from_mapping(interaction_row(at=...)), InvalidFactError, "'at'"),
    Bad("interaction-row-unknown-key", lambda: Interaction.from_mapping(interaction_row(email=EMAIL)), InvalidFactError, "'email'", EMAIL),
    Bad("interaction-row-pairs", lambda: Interaction.from_mapping(untyped([("id", "i-1"), ("note", EMAIL)])), FactTypeError, "Interaction.from_mapping", EMAIL),
    Bad("interaction-row-id-bool", lambda: Interaction.from_mapping(interaction_row(id=True)), FactTypeError, "Interaction.id"),
    Bad("interaction-row-kind-int", lambda: Interaction.from_mapping(interaction_row(kind=3)), FactTypeError, "Interaction.kind"),
    # -- FrozenMap --------------------------------------------------------------------
    Bad("frozen-map-nan", lambda: FrozenMap({"a": math.inf}), InvalidFactError, "FrozenMap['a']"),
    Bad("frozen-map-pairs", lambda: FrozenMap(untyped([("a", 1)])), FactTypeError, "FrozenMap"),
    # -- Durations --------------------------------------------------------------------
    Bad("elapsed-negative", lambda: Elapsed(hours=-1), InvalidPolicyError, "Elapsed.hours"),
    Bad("elapsed-nan", lambda: Elapsed(hours=math.nan), InvalidPolicyError, "Elapsed.hours"),
    Bad("elapsed-text", lambda: Elapsed(hours=untyped("1")), PolicyTypeError, "Elapsed.hours"),
    Bad("elapsed-huge", lambda: Elapsed(seconds=HUGE), InvalidPolicyError, "Elapsed.seconds"),
    Bad("elapsed-huge-negative", lambda: Elapsed(minutes=-HUGE), InvalidPolicyError, "Elapsed.minutes"),
    Bad("elapsed-over-a-century", lambda: Elapsed(days=40_000), InvalidPolicyError, "Elapsed"),
    Bad("local-fraction", lambda: Local(days=untyped(1.5)), InvalidPolicyError, "Local.days"),
    Bad("local-huge", lambda: Local(days=HUGE), InvalidPolicyError, "Local.days"),
    Bad("business-bool", lambda: Business(hours=True), PolicyTypeError, "Business.hours"),
    Bad("business-huge", lambda: Business(days=HUGE), InvalidPolicyError, "Business.days"),
    # -- Windows ----------------------------------------------------------------------
    Bad("window-backwards", lambda: Window("17:00", "09:00"), InvalidPolicyError, "Window.start"),
    Bad("window-25-hours", lambda: Window("25:00", "26:00"), InvalidPolicyError, "Window.start"),
    Bad("window-huge", lambda: Window(0, HUGE), InvalidPolicyError, "Window.end"),
    Bad("window-none", lambda: Window(untyped(None), "17:00"), PolicyTypeError, "Window.start"),
    Bad("window-parse", lambda: Window.parse("09:00"), InvalidPolicyError, "Window"),
    Bad("weekly-window-empty", lambda: WeeklyWindow({}), InvalidPolicyError, "WeeklyWindow"),
    Bad("weekly-window-day", lambda: WeeklyWindow({"funday": "09:00-17:00"}), InvalidPolicyError, "WeeklyWindow keys"),
    # -- Schedule ---------------------------------------------------------------------
    Bad("schedule-timezone-unknown", lambda: schedule(timezone="Mars/X"), InvalidPolicyError, "Schedule.timezone"),
    Bad("schedule-timezone-int", lambda: schedule(timezone=5), PolicyTypeError, "Schedule.timezone"),
    Bad("schedule-hours-text", lambda: schedule(hours="09:00-17:00"), PolicyTypeError, "Schedule.hours"),
    Bad("schedule-hours-weekday-7", lambda: schedule(hours={7: "09:00-17:00"}), InvalidPolicyError, "Schedule.hours"),
    Bad("schedule-hours-overlap", lambda: schedule(hours={"mon": "09:00-12:00,11:00-17:00"}), InvalidPolicyError, "Schedule.hours"),
    Bad("schedule-hours-never-open", lambda: schedule(hours={}), InvalidPolicyError, "Schedule.hours"),
    Bad("schedule-holidays-text-keys", lambda: schedule(holidays={"2026-12-25": "Christmas"}), PolicyTypeError, "Schedule.holidays"),
    Bad("schedule-holidays-text", lambda: schedule(holidays="2026-12-25"), PolicyTypeError, "Schedule.holidays"),
    Bad("schedule-holidays-bytes", lambda: schedule(holidays=b"2026-12-25"), PolicyTypeError, "Schedule.holidays"),
    Bad("schedule-holidays-range", lambda: schedule(holidays=range(3)), PolicyTypeError, "Schedule.holidays"),
    Bad("schedule-holidays-datetimes", lambda: schedule(holidays=frozenset({NAIVE})), PolicyTypeError, "Schedule.holidays"),
    Bad("schedule-holidays-lookalike", lambda: schedule(holidays=_Lookalike()), PolicyTypeError, "Schedule.holidays"),
    Bad("schedule-holidays-name", lambda: schedule(holidays={dt.date(2026, 12, 25): 1}), PolicyTypeError, "Schedule.holidays"),
    Bad("schedule-add-elapsed", lambda: OFFICE.add(NOW, untyped(Elapsed(hours=1))), PolicyTypeError, "Schedule.add"),
    Bad("schedule-is-open-naive", lambda: OFFICE.is_open(NAIVE), InvalidFactError, "Schedule.is_open()"),
    Bad("schedule-holiday-name-text", lambda: OFFICE.holiday_name(untyped("2026-12-25")), FactTypeError, "Schedule.holiday_name()"),
    Bad("schedule-holiday-name-datetime", lambda: OFFICE.holiday_name(NAIVE), FactTypeError, "Schedule.holiday_name()"),
    # -- Retry and ContactCaps --------------------------------------------------------
    Bad("retry-tries-zero", lambda: Retry(tries=0), InvalidPolicyError, "Retry.tries"),
    Bad("retry-tries-huge", lambda: Retry(tries=HUGE), InvalidPolicyError, "Retry.tries"),
    Bad("retry-every-local", lambda: Retry(every=untyped(Local(days=1))), PolicyTypeError, "Retry.every"),
    Bad("retry-every-zero", lambda: Retry(every=Elapsed()), InvalidPolicyError, "Retry.every"),
    Bad("retry-voicemail-text", lambda: Retry(voicemail=untyped("yes")), PolicyTypeError, "Retry.voicemail"),
    Bad("caps-zero", lambda: ContactCaps(max_attempts=0), InvalidPolicyError, "ContactCaps.max_attempts"),
    Bad("caps-bool", lambda: ContactCaps(max_attempts=True), PolicyTypeError, "ContactCaps.max_attempts"),
    Bad("caps-huge", lambda: ContactCaps(max_attempts=HUGE), InvalidPolicyError, "ContactCaps.max_attempts"),
    Bad("caps-per-elapsed", lambda: ContactCaps(per=untyped(Elapsed(days=1))), PolicyTypeError, "ContactCaps.per"),
    Bad("caps-per-zero", lambda: ContactCaps(per=Local(days=0)), InvalidPolicyError, "ContactCaps.per"),
    Bad("caps-gap-local", lambda: ContactCaps(min_gap=untyped(Local(days=1))), PolicyTypeError, "ContactCaps.min_gap"),
    # -- Rule, On, Awareness ----------------------------------------------------------
    Bad("rule-name-empty", lambda: rule(name=""), InvalidPolicyError, "Rule.name"),
    Bad("rule-name-nul", lambda: rule(name="r\x00"), InvalidPolicyError, "Rule.name"),
    Bad("rule-trigger-text", lambda: rule(trigger="feedback"), PolicyTypeError, "Rule.trigger"),
    Bad("rule-condition-lambda", lambda: rule(condition=lambda ctx: True), PolicyTypeError, "Rule.condition"),
    Bad("rule-no-deadline", lambda: Rule(name="r", trigger=On("feedback")), PolicyTypeError, "Rule.deadline"),
    Bad("rule-deadline-before-due", lambda: rule(due=TRIGGER + Elapsed(hours=2)), InvalidPolicyError, "deadline"),
    Bad("rule-due-from-due", lambda: rule(due=DUE), InvalidPolicyError, "due"),
    Bad("rule-priority", lambda: rule(priority="asap"), InvalidPolicyError, "Rule.priority"),
    Bad("rule-scope", lambda: rule(scope="team"), InvalidPolicyError, "Rule.scope"),
    Bad("rule-talking-point", lambda: rule(talking_point=5), PolicyTypeError, "talking_point"),
    Bad("rule-essential-text", lambda: rule(essential="yes"), PolicyTypeError, "essential"),
    Bad("rule-extra-mile-text", lambda: rule(extra_mile="yes"), PolicyTypeError, "Rule.extra_mile"),
    Bad("rule-give-up-int", lambda: rule(give_up_after=3), PolicyTypeError, "Rule.give_up_after"),
    Bad("rule-queue-zero-width", lambda: rule(queue="\u200b"), InvalidPolicyError, "Rule.queue"),
    Bad("rule-stop-bool", lambda: rule(stop=True), PolicyTypeError, "Rule.stop"),
    Bad("rule-retry-int", lambda: rule(retry=3), PolicyTypeError, "Rule.retry"),
    Bad("rule-calling-window", lambda: rule(calling_window="9-5"), InvalidPolicyError, "Window"),
    Bad("rule-early-text", lambda: rule(early="no"), PolicyTypeError, "early must be a bool"),
    Bad("on-no-kind", On, InvalidPolicyError, "On()"),
    Bad("on-kind-spaced", lambda: On(" feedback "), InvalidPolicyError, "On() kind"),
    Bad("on-direction", lambda: On("x", direction=untyped("sideways")), InvalidPolicyError, "On() direction"),
    Bad("awareness-programmes", lambda: Awareness(name="a", programmes=untyped({"tv": 3})), PolicyTypeError, "Awareness.programmes"),
    # -- FollowUpPolicy and the starter policy ----------------------------------------
    Bad("policy-name-blank", lambda: policy(name=" "), InvalidPolicyError, "FollowUpPolicy.name"),
    Bad("policy-name-nul", lambda: policy(name="p\x00"), InvalidPolicyError, "FollowUpPolicy.name"),
    Bad("policy-rules-one", lambda: policy(rules=RULE), PolicyTypeError, "FollowUpPolicy.rules"),
    Bad("policy-rules-twice", lambda: policy(rules=[RULE, RULE]), InvalidPolicyError, "FollowUpPolicy.rules"),
    Bad("policy-schedule-text", lambda: policy(schedule="UTC"), PolicyTypeError, "FollowUpPolicy.schedule"),
    Bad("policy-served-text", lambda: policy(served_timezones="UTC"), PolicyTypeError, "FollowUpPolicy.served_timezones"),
    Bad("policy-served-unknown", lambda: policy(served_timezones=["Mars/X"]), InvalidPolicyError, "FollowUpPolicy.served_timezones"),
    Bad("policy-caps-mapping", lambda: policy(caps={"max_attempts": 2}), PolicyTypeError, "FollowUpPolicy.caps"),
    Bad("starter-timezone", lambda: starter_policy(company_timezone="Mars/X"), InvalidPolicyError, "Schedule.timezone"),
    Bad("starter-threshold-nan", lambda: starter_policy(price_increase_threshold=math.nan), InvalidPolicyError, "price_increase_threshold"),
    Bad("starter-loyalty-text", lambda: starter_policy(loyalty=untyped("gold")), PolicyTypeError, "loyalty"),
    # -- Conditions -------------------------------------------------------------------
    Bad("attr-name-empty", lambda: attr(""), PolicyTypeError, "attr() name"),
    Bad("attr-compare-nan", lambda: attr("x") > math.nan, InvalidPolicyError, "attr('x') >"),  # noqa: PLW0177  # the NaN is the bad input
    Bad("attr-compare-huge", lambda: attr("x") > HUGE, InvalidPolicyError, "attr('x') >"),
    Bad("kind-is-none", kind_is, InvalidPolicyError, "kind_is()"),
    Bad("kind-is-spaced", lambda: kind_is(" feedback "), InvalidPolicyError, "kind_is() kind"),
    Bad("direction-is", lambda: direction_is(untyped("sideways")), InvalidPolicyError, "direction_is()"),
    Bad("issue-is", lambda: issue_is(untyped("closed")), InvalidPolicyError, "issue_is()"),
    Bad("tier-in-empty", lambda: tier_in(""), PolicyTypeError, "tier_in() tier"),
    Bad("has-tag-int", lambda: has_tag(untyped(5)), PolicyTypeError, "has_tag() tag"),
    Bad("tenure-negative", lambda: tenure_at_least(years=-1), InvalidPolicyError, "tenure_at_least() years"),
    Bad("silence-int", lambda: silence_at_least(untyped(5)), PolicyTypeError, "silence_at_least()"),
    Bad("count-at-least-zero", lambda: count_at_least("call", 0, within=Local(days=1)), InvalidPolicyError, "count_at_least() count"),
    Bad("count-at-least-huge", lambda: count_at_least("call", HUGE, within=Local(days=1)), InvalidPolicyError, "count_at_least() count"),
    Bad("contacts-zero", lambda: contacts("call", within=Local(days=1)) >= 0, InvalidPolicyError, "contacts('call'"),
    Bad("contacts-huge", lambda: contacts("call", within=Local(days=1)) >= HUGE, InvalidPolicyError, "contacts('call'"),
    Bad("contacts-fraction", lambda: contacts("call", within=Local(days=1)) >= untyped(1.5), PolicyTypeError, "contacts('call'"),
    Bad("contacts-reaches-huge", lambda: contacts("call", within=Local(days=1)).reaches(HUGE), InvalidPolicyError, "reaches()"),
    Bad("contacts-within-business", lambda: contacts("call", within=untyped(Business(hours=1))), PolicyTypeError, "within"),
    Bad("no-contact-kind", lambda: no_contact("\tcall", within=Local(days=1)), InvalidPolicyError, "kind"),
    Bad("since-last-contact-int", lambda: since_last_contact("call", at_least=untyped(5)), PolicyTypeError, "at_least"),
    Bad("attr-date-empty", lambda: attr_date(""), PolicyTypeError, "attr_date()"),
    Bad("timing-offset-int", lambda: TRIGGER + untyped(5), PolicyTypeError, "timing offsets"),
    # -- evaluate ---------------------------------------------------------------------
    Bad("evaluate-policy-text", lambda: evaluate(untyped("starter"), CUSTOMER, [], now=NOW), FactTypeError, "FollowUpPolicy"),
    Bad("evaluate-customer-row", lambda: evaluate(POLICY, untyped(ROW), [], now=NOW), FactTypeError, "Customer", EMAIL),
    Bad("evaluate-history-text", lambda: evaluate(POLICY, CUSTOMER, untyped("i-1"), now=NOW), FactTypeError, "interactions"),
    Bad("evaluate-history-rows", lambda: evaluate(POLICY, CUSTOMER, untyped([ROW]), now=NOW), FactTypeError, "interactions", PHONE),
    Bad("evaluate-now-naive", lambda: evaluate(POLICY, CUSTOMER, [], now=NAIVE), InvalidFactError, "now"),
    Bad("evaluate-now-text", lambda: evaluate(POLICY, CUSTOMER, [], now=untyped("2026-09-03")), FactTypeError, "now"),
    Bad("evaluate-other-customer", lambda: evaluate(POLICY, Customer(id="c-2"), [FEEDBACK], now=NOW), InvalidFactError, "'c-1'"),
    Bad("evaluate-id-twice", lambda: evaluate(POLICY, CUSTOMER, [FEEDBACK, FEEDBACK], now=NOW), InvalidFactError, "'i-1'"),
    # -- plan -------------------------------------------------------------------------
    Bad("plan-horizon-int", lambda: planned(horizon=7), PolicyTypeError, "plan() horizon"),
    Bad("plan-horizon-negative", lambda: planned(horizon=dt.timedelta(days=-1)), InvalidPolicyError, "plan() horizon"),
    Bad("plan-capacity-negative", lambda: planned(capacity=-1), InvalidPolicyError, "capacity"),
    Bad("plan-capacity-fraction", lambda: planned(capacity=1.5), PolicyTypeError, "capacity"),
    Bad("plan-capacity-huge", lambda: planned(capacity=HUGE), InvalidPolicyError, "capacity"),
    Bad("plan-capacity-weekday", lambda: planned(capacity={"funday": 3}), InvalidPolicyError, "capacity keys"),
    Bad("plan-queue-capacity", lambda: planned(queue_capacity={"senior": 3}), InvalidPolicyError, "queue_capacity"),
    Bad("plan-book-triple", lambda: planned(book=[(CUSTOMER, [], 1)]), FactTypeError, "book item 0"),
    Bad("plan-book-row", lambda: planned(book=[ROW]), FactTypeError, "book item 0", PHONE),
    Bad("plan-book-row-pair", lambda: planned(book=[(ROW, [])]), FactTypeError, "book item 0", EMAIL),
    Bad("plan-now-naive", lambda: planned(now=NAIVE), InvalidFactError, "now"),
    Bad("agenda-merge-int", lambda: Agenda.merge(agenda(), untyped(1)), FactTypeError, "Agenda.merge"),
    Bad("agenda-build-gap-hours", lambda: Agenda.build(now=NOW, horizon_end=NOW, schedule=POLICY.schedule, capacity=None, planned=[], suppressed={}, min_gap=untyped(20)), PolicyTypeError, "Agenda.build() min_gap"),
    # -- place ------------------------------------------------------------------------
    Bad("place-deadline-before-due", lambda: placed(deadline=NOW.subtract(seconds=1)), InvalidPolicyError, "place() deadline"),
    Bad("place-due-naive", lambda: placed(due=NAIVE), InvalidFactError, "place() due"),
    Bad("place-customer-row", lambda: placed(customer=ROW), FactTypeError, "place() customer", PHONE),
    Bad("place-schedule-text", lambda: placed(schedule="Europe/London"), PolicyTypeError, "place() schedule"),
    Bad("place-caps-mapping", lambda: placed(caps={"max_attempts": 2}), PolicyTypeError, "place() caps"),
    Bad("place-extra-mile-text", lambda: placed(extra_mile="yes"), PolicyTypeError, "place() extra_mile"),
    Bad("place-essential-int", lambda: placed(essential=1), PolicyTypeError, "place() essential"),
    Bad("place-history-rows", lambda: placed(history=[ROW]), FactTypeError, "place() history", EMAIL),
    Bad("place-served-unknown", lambda: placed(served_timezones=["Mars/Base"]), InvalidPolicyError, "served_timezones"),
    # -- reports ----------------------------------------------------------------------
    Bad("calls-made-policy", lambda: calls_made(untyped("p"), [], start=NOW, end=NOW), FactTypeError, "calls_made()"),
    Bad("calls-made-naive", lambda: calls_made(POLICY, [], start=NAIVE, end=NOW), InvalidFactError, "calls_made() start"),
    Bad("calls-made-backwards", lambda: calls_made(POLICY, [], start=NOW, end=NOW.subtract(days=1)), InvalidFactError, "calls_made() period"),
    Bad("last-week-timezone", lambda: last_week(NOW, "Mars/X"), InvalidFactError, "last_week() timezone"),
)  # fmt: skip


class TestTheTable:
    """Every bad input is refused with the library's own error, naming the field."""

    @pytest.mark.parametrize("bad", TABLE, ids=[bad.name for bad in TABLE])
    def test_refused(self, bad: Bad) -> None:
        """The call raises the row's error (never a plain Python error, never nothing),
        whose message names the field and shows no personal data."""
        with pytest.raises(ExtramileError) as info:
            bad.call()
        message = str(info.value)
        assert (bad.error.__name__, True, False) == (
            type(info.value).__name__,
            bad.field in message,
            bad.secret is not None and bad.secret in message,
        ), message

    @pytest.mark.parametrize("bad", TABLE, ids=[bad.name for bad in TABLE])
    def test_the_error_is_also_the_matching_builtin(self, bad: Bad) -> None:
        """A host that catches only Python's own errors still catches each: a value
        error as ``ValueError``, a type error as ``TypeError``."""
        with pytest.raises(ExtramileError) as info:
            bad.call()
        error = info.value
        builtin = TypeError if isinstance(error, (FactTypeError, PolicyTypeError)) else ValueError
        assert (True, True) == (
            isinstance(error, builtin),
            isinstance(error, (FactsError, PolicyError)),
        )

    def test_the_table_is_large_and_its_rows_distinct(self) -> None:
        """At least 80 bad inputs, each named once."""
        names = [bad.name for bad in TABLE]
        assert (True, len(names)) == (len(names) >= 80, len(set(names)))


# -- The command line ---------------------------------------------------------------


class BadLine(NamedTuple):
    """A file with one bad line for ``extramile plan``, and what the error must say."""

    name: str
    customers: list[str]
    """The customers file's lines (JSON as text, so that malformed lines can be written)."""
    interactions: list[str]
    blamed: str
    """``"customers"`` or ``"interactions"``: the file the error must name."""
    line: int
    field: str
    secret: str | None = None


GOOD_CUSTOMER = '{"id": "c-1", "timezone": "America/Chicago"}'
GOOD_INTERACTION = (
    '{"id": "i-1", "customer_id": "c-1", "kind": "feedback", "at": "2026-09-03T14:00:00Z"}'
)

CLI_TABLE: tuple[BadLine, ...] = (
    BadLine("malformed", [GOOD_CUSTOMER, '{"id": "c-2",'], [], "customers", 2, "malformed JSON"),
    BadLine("not-an-object", ["[1, 2]"], [], "customers", 1, "expected a JSON object"),
    BadLine("too-deep", [GOOD_CUSTOMER, '{"id": "c-2", "attributes": {"a": ' + "[" * 50_000 + "]" * 50_000 + "}}"], [], "customers", 2, "nests too deeply"),
    BadLine("long-number", ['{"id": "c-1", "attributes": {"n": ' + "9" * 5_000 + "}}"], [], "customers", 1, "a number too long"),
    BadLine("unknown-timezone", ['{"id": "c-1", "timezone": "Mars/Olympus"}'], [], "customers", 1, "Customer.timezone"),
    BadLine("phone-number", [GOOD_CUSTOMER, '{"id": "c-2", "phone": 13125550100}'], [], "customers", 2, "Customer.phone", "3125550100"),
    BadLine("email-list", ['{"id": "c-1", "email": ["pat.doe@example.com"]}'], [], "customers", 1, "Customer.email", EMAIL),
    BadLine("unknown-key", ['{"id": "c-1", "mobile": "+1 312 555 0100"}'], [], "customers", 1, "'mobile'", PHONE),
    BadLine("customer-twice", [GOOD_CUSTOMER, GOOD_CUSTOMER], [], "customers", 2, "appears twice"),
    BadLine("id-zero-width", ['{"id": "\\u200b"}'], [], "customers", 1, "Customer.id"),
    BadLine("id-surrogate", ['{"id": "c-\\ud800"}'], [], "customers", 1, "Customer.id"),
    BadLine("id-float", ['{"id": 7.5}'], [], "customers", 1, "Customer.id"),
    BadLine("naive-at", [GOOD_CUSTOMER], [GOOD_INTERACTION.replace("14:00:00Z", "14:00:00")], "interactions", 1, "Interaction.at"),
    BadLine("kind-spaced", [GOOD_CUSTOMER], [GOOD_INTERACTION.replace('"feedback"', '" feedback "')], "interactions", 1, "Interaction.kind"),
    BadLine("missing-kind", [GOOD_CUSTOMER], [GOOD_INTERACTION.replace('"kind": "feedback", ', "")], "interactions", 1, "'kind'"),
    BadLine("interaction-id-twice", [GOOD_CUSTOMER], [GOOD_INTERACTION, GOOD_INTERACTION.replace("14:00", "14:30")], "interactions", 2, "interaction id 'i-1'"),
    BadLine("unknown-customer", [GOOD_CUSTOMER], [GOOD_INTERACTION.replace('"c-1"', '"c-9"')], "interactions", 1, "'c-9'"),
    BadLine("attribute-nan", [GOOD_CUSTOMER], [GOOD_INTERACTION[:-1] + ', "attributes": {"amount": NaN}}'], "interactions", 1, "Interaction.attributes['amount']"),
)  # fmt: skip


class TestTheCommandLine:
    """Every file with a bad line stops ``extramile plan`` with exit status 2, naming the
    file, the line and the field, and showing no personal data."""

    @pytest.mark.parametrize("bad", CLI_TABLE, ids=[bad.name for bad in CLI_TABLE])
    def test_refused(
        self, bad: BadLine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Exit 2, nothing on standard output, and ``file:line: ...field...`` on
        standard error."""
        files = {"customers": tmp_path / "customers.jsonl", "interactions": tmp_path / "i.jsonl"}
        files["customers"].write_text("".join(f"{line}\n" for line in bad.customers))
        files["interactions"].write_text("".join(f"{line}\n" for line in bad.interactions))
        argv = ["plan", "--now", "2026-09-03T15:00Z"]
        argv += [
            "--customers",
            str(files["customers"]),
            "--interactions",
            str(files["interactions"]),
        ]
        status = main(argv)
        captured = capsys.readouterr()
        where = f"extramile plan: error: {files[bad.blamed]}:{bad.line}: "
        assert (2, "", True, True, False) == (
            status,
            captured.out,
            captured.err.startswith(where),
            bad.field in captured.err,
            bad.secret is not None and bad.secret in captured.err,
        ), captured.err

    def test_the_table_is_distinct(self) -> None:
        """Each bad line is named once."""
        names = [bad.name for bad in CLI_TABLE]
        assert len(names) == len(set(names))

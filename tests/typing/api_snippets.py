"""The public API as a host writes it, type-checked by ``mypy --strict`` in CI.

Nothing here runs: these functions are read by the type checker only, so that the API
stays pleasant under one (no ``Any`` leaking out, no casts needed).  Each ``assert_type``
fails the check if a public signature changes what a user gets back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs
import pendulum

from extramile import (
    DUE,
    TRIGGER,
    Adjustment,
    Agenda,
    Business,
    Call,
    CallList,
    Customer,
    Decision,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    Local,
    On,
    Placement,
    Priority,
    Rule,
    Schedule,
    SuppressedCall,
    evaluate,
    place,
    plan,
    starter_policy,
)
from extramile.conditions import Check, Condition, Context, attr, tenure_at_least, tier_in
from extramile.reports import calls_made, last_week

if TYPE_CHECKING:
    from typing_extensions import assert_type

__all__: list[str] = []


def facts_from_rows(rows: Iterable[dict[str, Any]]) -> list[Interaction]:
    """Rows as a database or JSON gives them become interactions."""
    made = [Interaction.from_mapping(row) for row in rows]
    assert_type(made[0].at, dt.datetime)
    assert_type(made[0].to_mapping(), dict[str, Any])
    return made


def one_decision(customer: Customer, history: list[Interaction], now: dt.datetime) -> str:
    """Evaluate the starter policy for one customer and read the result."""
    decision = evaluate(
        starter_policy(company_timezone="America/Chicago"), customer, history, now=now
    )
    assert_type(decision, Decision)
    for call in decision.calls:
        assert_type(call, Call)
        assert_type(call.due_at, pendulum.DateTime)
        assert_type(call.priority, Priority)
        assert_type(call.moved_by, tuple[Adjustment, ...])
        assert_type(call.record(id="i-9", at=now), Interaction)
    for skipped in decision.suppressed:
        assert_type(skipped, SuppressedCall)
    assert_type(decision.revisit_at, pendulum.DateTime | None)
    return decision.explain()


@attrs.frozen
class BalanceAtLeast(Condition):
    """A host's own condition, with a compiled form."""

    amount: float

    def check(self, ctx: Context) -> bool:
        balance = ctx.customer.attributes.get("balance")
        return isinstance(balance, int | float) and balance >= self.amount

    def compiled(self) -> Check:
        amount = self.amount

        def balance_at_least(ctx: Context) -> bool:
            balance = ctx.customer.attributes.get("balance")
            return isinstance(balance, int | float) and balance >= amount

        return balance_at_least


def a_policy() -> FollowUpPolicy:
    """A policy written in Python: rules, conditions, durations and a schedule."""
    loyal = tier_in("gold") | tenure_at_least(years=5)
    rule = Rule(
        name="payment-failed",
        trigger=On("billing.payment_failed"),
        condition=BalanceAtLeast(500) & loyal & (attr("attempt") >= 2),
        due=TRIGGER + Business(),
        deadline=DUE + Business(hours=4),
        give_up_after=Local(days=3),
        talking_point="Help them settle the balance.",
    )
    schedule = Schedule(timezone="Europe/London", hours={"mon-fri": "09:00-17:30"})
    friday = dt.datetime(2026, 3, 6, 18, tzinfo=dt.timezone.utc)
    assert_type(schedule.next_open(friday), pendulum.DateTime)
    assert_type(schedule.between(friday, friday + dt.timedelta(days=3)), Business)
    return FollowUpPolicy(name="collections", rules=[rule], schedule=schedule)


def nightly(
    policy: FollowUpPolicy, book: Iterator[tuple[Customer, list[Interaction]]], now: dt.datetime
) -> list[dict[str, Any]]:
    """Plan a whole book, merge partial agendas, and write rows."""
    agenda = plan(policy, book, now=now, horizon=Elapsed(days=1), capacity={"mon": 40})
    assert_type(agenda, Agenda)
    assert_type(Agenda.merge(agenda, agenda), Agenda)
    assert_type(agenda.by_day(), dict[dt.date, tuple[Call, ...]])
    assert_type(agenda.at_risk, tuple[Call, ...])
    assert_type(agenda.calls, CallList)
    assert_type(agenda.planned[0], Call)
    assert_type(agenda.planned[1:], CallList)
    for call in agenda:
        assert_type(call, Call)
        assert_type(call.queue, str | None)
    by_queue = plan(
        policy,
        book,
        now=now,
        horizon=Elapsed(days=1),
        queue_capacity={"senior": 5, "billing": {"mon": 8, "tue": 8}},
    )
    assert_type(by_queue.queue_capacity["senior"], tuple[int | None, ...])
    return agenda.to_rows()


def one_placement(customer: Customer, now: dt.datetime) -> str:
    """Place one call by hand."""
    result = place(
        due=now,
        deadline=now + dt.timedelta(hours=1),
        now=now,
        customer=customer,
        schedule=Schedule.always_open("UTC"),
    )
    assert_type(result, Placement | SuppressedCall)
    if isinstance(result, Placement):
        return result.due_at.isoformat()
    return result.reason


def returned_datetimes(agenda: Agenda, decision: Decision, placement: Placement) -> None:
    """Every datetime the library returns is pendulum's ``DateTime``, as at run time."""
    assert_type(agenda.now, pendulum.DateTime)
    assert_type(agenda.horizon_end, pendulum.DateTime)
    assert_type(decision.now, pendulum.DateTime)
    assert_type(decision.suppressed[0].until, pendulum.DateTime | None)
    assert_type(decision.trace[0].episodes[0].due_at, pendulum.DateTime | None)
    assert_type(placement.due_at, pendulum.DateTime)
    assert_type(placement.deadline, pendulum.DateTime)
    assert_type(placement.adjustments[0].moved_to, pendulum.DateTime)
    assert_type(agenda.schedule.add(agenda.now, Business(hours=1)), pendulum.DateTime)
    assert_type(
        last_week(decision.now, "Europe/Paris"), tuple[pendulum.DateTime, pendulum.DateTime]
    )
    report = calls_made(starter_policy(), [], start=agenda.now, end=agenda.horizon_end)
    assert_type(report.start, pendulum.DateTime)
    assert_type(report.calls[0].at, pendulum.DateTime)


def zones_as_zoneinfo(now: dt.datetime) -> FollowUpPolicy:
    """A zone may be given as a ``zoneinfo.ZoneInfo`` wherever a name is."""
    chicago = ZoneInfo("America/Chicago")
    customer = Customer(id="c-1", timezone=chicago)
    assert_type(customer.timezone, str | None)
    schedule = Schedule(timezone=chicago, hours={"mon-fri": "09:00-17:00"})
    assert_type(schedule.timezone, str)
    assert_type(last_week(now, chicago), tuple[pendulum.DateTime, pendulum.DateTime])
    policy = FollowUpPolicy(
        name="p", rules=[], schedule=schedule, served_timezones=[chicago, "Europe/Paris"]
    )
    assert_type(policy.served_timezones, tuple[str, ...])
    return starter_policy(company_timezone=chicago, served_timezones=[chicago])

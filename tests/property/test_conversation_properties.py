"""One customer, one conversation: the calls planned for a customer keep the minimum gap
and the rolling cap among themselves, checked with Hypothesis.

The policies are drawn too, so that calls crowd together: a few rules on a few kinds,
due from at once to three days after their trigger, some that may not be early, some
essential, some extra-mile, under drawn caps and gaps; the histories hold their triggers
and outbound calls (attempts) from the last few days.  Each call counts from its anchor:
where it is placed when that is after ``now``, else the latest moment one of its episodes
fell due (where constraints put it from its due time alone), which the clock does not move.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_helpers import calls_for
from extramile import (
    DUE,
    TRIGGER,
    Call,
    Channel,
    ContactCaps,
    Customer,
    Decision,
    Direction,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    Local,
    On,
    Rule,
    Schedule,
    evaluate,
)
from extramile._engine import customer_history
from extramile._engine.evaluate import run
from extramile._engine.explain import NO_TRACE
from extramile._engine.facts import Case
from extramile._engine.merge import call_of
from extramile._engine.revisit import NO_REVISIT
from extramile._time import add_local_days, zone

KINDS = ("ping", "pong", "issue.opened")
ZONES = ("Europe/London", "America/Chicago", "Australia/Sydney", None)
SCHEDULES = (
    Schedule(timezone="Europe/London", hours={"mon-fri": "09:00-17:00"}),
    Schedule(timezone="America/Chicago", hours={"mon-sat": "08:00-20:00"}),
)
NOW_MIN = dt.datetime(2026, 1, 1)
NOW_MAX = dt.datetime(2026, 12, 31)

CROWDED = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def rules(draw: st.DrawFn, number: int) -> Rule:
    """A rule on one of a few kinds, due from at once to three days after its trigger."""
    return Rule(
        name=f"r{number}",
        trigger=On(draw(st.sampled_from(KINDS))),
        scope=draw(st.sampled_from(("customer", "issue"))),
        due=TRIGGER + Elapsed(hours=draw(st.sampled_from((0, 1, 2, 5, 9, 14, 20, 30, 52, 72)))),
        deadline=DUE + Elapsed(hours=draw(st.sampled_from((1, 2, 4, 8, 30)))),
        priority=draw(st.sampled_from(("urgent", "high", "normal", "low"))),
        extra_mile=draw(st.booleans()),
        essential=draw(st.integers(0, 4)) == 0,
        early=draw(st.booleans()),
        give_up_after=draw(st.sampled_from((None, Elapsed(hours=12), Local(days=2)))),
    )


@st.composite
def policies(draw: st.DrawFn) -> FollowUpPolicy:
    """Two to five rules under a drawn cap and gap."""
    count = draw(st.integers(2, 5))
    return FollowUpPolicy(
        name="crowded",
        rules=[draw(rules(number)) for number in range(count)],
        schedule=draw(st.sampled_from(SCHEDULES)),
        caps=ContactCaps(
            max_attempts=draw(st.integers(1, 4)),
            per=Local(days=draw(st.integers(1, 7))),
            min_gap=Elapsed(hours=draw(st.sampled_from((1, 4, 20, 30)))),
        ),
        served_timezones=("Europe/London",),
    )


@st.composite
def histories(draw: st.DrawFn, now: dt.datetime) -> list[Interaction]:
    """The rules' triggers and outbound calls of the last few days (a few after ``now``)."""
    found = []
    for index in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from((*KINDS, "call")))
        minutes = draw(st.sampled_from((0, 1, 60, 180, 600, 1440)) | st.integers(-600, 5 * 1440))
        at = now.astimezone(dt.timezone.utc) - dt.timedelta(minutes=minutes)
        call = kind == "call"
        found.append(
            Interaction(
                id=f"h-{index}",
                customer_id="c-1",
                kind=kind,
                at=at,
                direction="outbound" if call else "inbound",
                channel=draw(st.sampled_from(("phone", "email", "system")))
                if not call
                else "phone",
                issue_id=draw(st.sampled_from((None, "t-1", "t-2"))),
                outcome=draw(st.sampled_from(("reached", "no_answer"))) if call else None,
            )
        )
    return found


class Crowded(NamedTuple):
    """A drawn policy, a customer, their history and ``now``."""

    policy: FollowUpPolicy
    customer: Customer
    history: list[Interaction]
    now: dt.datetime


@st.composite
def crowded(draw: st.DrawFn) -> Crowded:
    """A situation in which a customer's calls crowd together."""
    now = draw(
        st.datetimes(
            NOW_MIN,
            NOW_MAX,
            timezones=st.sampled_from([ZoneInfo(z) for z in ZONES if z]),
            allow_imaginary=False,
        )
    )
    customer = Customer(
        id="c-1",
        timezone=draw(st.sampled_from(ZONES)),
        calling_hours=draw(st.sampled_from((None, "07:30-22:00"))),
    )
    history = [i for i in draw(histories(now)) if i.at <= now]  # nothing else happens
    return Crowded(draw(policies()), customer, history, now)


class Planned(NamedTuple):
    """A call of the decision and the instant it counts from."""

    call: Call
    anchor: float


def planned(situation: Crowded) -> list[Planned]:
    """The calls of the decision, each with its anchor, worked out from the candidates
    the engine placed: where the call is placed when that is after ``now``, else the
    latest moment one of its episodes placed at ``now`` fell due."""
    policy, customer, history, now = situation
    now_ts = now.timestamp()
    case = Case(policy, customer, customer_history(customer, history, now_ts), now_ts, trace=False)
    candidates, raws, _ = run(case, NO_TRACE, NO_REVISIT)
    by_key = {cand.key: cand for cand in candidates}
    found = []
    for raw in raws:
        members = [by_key[key] for key in raw.keys]
        due = raw.due
        anchor = due if due > now_ts else max(m.nominal for m in members if m.placed <= now_ts)
        found.append(Planned(call_of(raw), anchor))
    return found


def _last_inbound(situation: Crowded) -> float | None:
    return max(
        (
            i.at.timestamp()
            for i in situation.history
            if i.direction is Direction.INBOUND and i.channel is not Channel.SYSTEM
        ),
        default=None,
    )


def _cap_zone(situation: Crowded) -> dt.tzinfo:
    name = situation.customer.timezone
    return zone(name) if name is not None else situation.policy.schedule.tz


class TestTheGap:
    """No two planned calls of a customer are closer than the minimum gap."""

    @CROWDED
    @given(situation=crowded())
    def test_planned_calls_keep_the_gap(self, situation: Crowded) -> None:
        """Every call comes at least the gap after the anchor of every call before it,
        except an essential call and a call in the customer's callback hour (the hour
        after their own contact, promise 3); the calls come in time order, and a call
        due after ``now`` counts from where it is due."""
        calls = planned(situation)
        gap = situation.policy.caps.min_gap.seconds
        inbound = _last_inbound(situation)
        now_ts = situation.now.timestamp()
        dues = [item.call.due_at.timestamp() for item in calls]
        assert sorted(dues) == dues
        assert [] == [
            item
            for item in calls
            if item.anchor != item.call.due_at.timestamp() and item.anchor > now_ts
        ]
        close = [
            (earlier.call.key, later.call.key)
            for n, later in enumerate(calls)
            for earlier in calls[:n]
            if not later.call.essential
            and not (inbound is not None and inbound <= dues[n] < inbound + 3600)
            and dues[n] < earlier.anchor + gap
        ]
        assert [] == close


class TestTheCap:
    """The calls made and planned stay within the rolling cap."""

    @CROWDED
    @given(situation=crowded())
    def test_planned_calls_keep_the_cap(self, situation: Crowded) -> None:
        """Where each call that is not essential is due, the calls made and the calls
        planned (itself among them, essential ones too) that count toward the cap there
        are no more than it allows."""
        caps = situation.policy.caps
        tz = _cap_zone(situation)
        days = caps.per.days
        made = [
            i.at.timestamp()
            for i in situation.history
            if i.direction is Direction.OUTBOUND and i.kind == "call"
        ]
        calls = planned(situation)
        anchors = [item.anchor for item in calls]
        over = []
        for n, item in enumerate(calls):
            if item.call.essential:
                continue
            at = item.call.due_at.timestamp()
            others = [a for m, a in enumerate(anchors) if m != n]
            counting = [a for a in [*made, *others] if a <= at < add_local_days(a, days, tz)]
            if len(counting) + 1 > caps.max_attempts:
                over.append((item.call.key, len(counting) + 1))
        assert [] == over


def _shape(decision: Decision, pending_by: dt.datetime, *, due_now: bool) -> tuple[object, ...]:
    """What must stay the same while time passes and nothing happens: a call due by
    ``pending_by`` is simply pending (its due time replaced by a mark); instants as POSIX
    seconds; the trace by outcome (see the engine's own property)."""
    by = pending_by.timestamp()
    calls = []
    for call in decision.calls:
        due = call.due_at.timestamp()
        pending = due == by if due_now else due <= by
        calls.append(
            (
                call.keys,
                call.rules,
                "due now" if pending else due,
                call.deadline.timestamp(),
                call.priority,
                call.talking_points,
            )
        )
    trace = tuple(
        (rule.rule, tuple((e.key, e.outcome) for e in rule.episodes)) for rule in decision.trace
    )
    return (tuple(calls), decision.suppressed, trace)


class TestTheClock:
    """The calls a customer's other planned calls moved do not drift as the clock moves."""

    @CROWDED
    @given(
        situation=crowded(),
        fractions=st.lists(
            st.floats(0, 1, exclude_min=True, exclude_max=True), min_size=1, max_size=3
        ),
    )
    def test_nothing_changes_before_revisit(
        self, situation: Crowded, fractions: list[float]
    ) -> None:
        """Evaluated again anywhere strictly between ``now`` and ``revisit_at`` (or within
        ten days when there is none), the decision is the same, calls that fell due
        being simply due."""
        policy, customer, history, now = situation
        decision = evaluate(policy, customer, history, now=now)
        horizon = decision.revisit_at or now.astimezone(dt.timezone.utc) + dt.timedelta(days=10)
        span = horizon.timestamp() - now.timestamp()
        assert span > 0
        for fraction in fractions:
            offset = round(span * fraction, 3)
            if not 0 < offset < span:
                continue
            later = now.astimezone(dt.timezone.utc) + dt.timedelta(seconds=offset)  # exact
            again = evaluate(policy, customer, history, now=later)
            assert _shape(decision, later, due_now=False) == _shape(again, later, due_now=True)


class TestOneCall:
    """A call that carries several keys answers them all, and plan() agrees."""

    @CROWDED
    @given(situation=crowded())
    def test_a_call_made_satisfies_every_key_it_carries(self, situation: Crowded) -> None:
        """Each call recorded as made at its due time: none of its keys comes back, as a
        call or as a suppressed call."""
        policy, customer, history, now = situation
        decision = evaluate(policy, customer, history, now=now)
        for number, call in enumerate(decision.calls):
            made = call.record(id=f"made-{number}", at=call.due_at)
            after = evaluate(policy, customer, [*history, made], now=call.due_at)
            back: set[str | None] = {key for again in after.calls for key in again.keys}
            back |= {item.key for item in after.suppressed}
            assert set() == back & set(call.keys)

    @CROWDED
    @given(situation=crowded())
    def test_the_path_plan_takes_gives_the_same_calls(self, situation: Crowded) -> None:
        """The calls and suppressed calls of ``evaluate()`` are those of the path
        ``plan()`` takes (no trace, no revisit time)."""
        policy, customer, history, now = situation
        decision = evaluate(policy, customer, history, now=now)
        now_ts = now.timestamp()
        calls, suppressed = calls_for(
            policy, customer, customer_history(customer, history, now_ts), now_ts
        )
        assert (decision.calls, decision.suppressed) == (tuple(calls), tuple(suppressed))

    @CROWDED
    @given(situation=crowded())
    def test_pushed_calls_land_where_they_may(self, situation: Crowded) -> None:
        """Every call, pushed or not, is due at or after ``now`` and inside staff hours
        unless it goes the extra mile."""
        policy, customer, history, now = situation
        decision = evaluate(policy, customer, history, now=now)
        for call in decision.calls:
            assert call.due_at.timestamp() >= now.timestamp()
            if not call.extra_mile:
                assert policy.schedule.is_open(call.due_at)

"""Invariants of ``evaluate()``, checked with Hypothesis over generated customers and histories.

The strategies build customers (known, unknown or exotic timezones, tiers, tenures close to
an anniversary, tags, own calling hours, sometimes do-not-call), histories of up to a dozen
interactions of the standard kinds with realistic attributes, and a ``now`` written in a
timezone that has daylight saving, so that offset changes get hit.
"""

from __future__ import annotations

import datetime as dt
import pickle
import random
from collections.abc import Sequence
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import holidays
import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_helpers import calls_for
from extramile import (
    DUE,
    LAST_CONTACT,
    TRIGGER,
    Awareness,
    Business,
    Call,
    Channel,
    ContactCaps,
    Customer,
    Decision,
    Direction,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    LastContact,
    Local,
    On,
    Retry,
    Rule,
    Schedule,
    Window,
    evaluate,
    starter_policy,
)
from extramile._engine import customer_history
from extramile.conditions import (
    contacts,
    count_at_least,
    issue_open,
    no_contact,
    silence_at_least,
    since_last_contact,
    tenure_at_least,
)

# ---------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------

ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/Paris",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Auckland",
)
PROGRAMMES = {
    "autopay": "Mention autopay: no more late fees.",
    "paperless": "Offer paperless billing.",
    "rewards": "Tell them about the rewards programme.",
}
POLICIES: tuple[FollowUpPolicy, ...] = (
    starter_policy(company_timezone="America/New_York", programmes=PROGRAMMES, name="ny"),
    starter_policy(
        name="chicago-us-holidays",
        company_timezone="America/Chicago",
        holidays=holidays.country_holidays("US", years=range(2024, 2029)),
        served_timezones=("America/New_York", "America/Los_Angeles"),
    ),
    starter_policy(
        name="paris-fr-holidays",
        company_timezone="Europe/Paris",
        holidays=holidays.country_holidays("FR", years=range(2024, 2029)),
        programmes=PROGRAMMES,
        served_timezones=("Europe/Paris", "Europe/London"),
    ),
    starter_policy(
        name="sydney-split-shifts-tight-caps",
        schedule=Schedule(
            timezone="Australia/Sydney",
            hours={"mon-fri": "08:30-12:00, 13:00-17:30", "sat": "09:00-12:00"},
        ),
        caps=ContactCaps(max_attempts=2, per=Local(days=3), min_gap=Elapsed(hours=4)),
        price_increase_threshold=5,
    ),
    FollowUpPolicy(
        name="london-custom",
        rules=(
            Rule(
                name="quiet-customer",
                trigger=LastContact(),
                scope="customer",
                condition=silence_at_least(Local(days=10)),
                due=LAST_CONTACT + Local(days=10),
                deadline=DUE + Local(days=3),
                give_up_after=Local(days=5),
                early=False,
            ),
            Rule(
                name="repeat-caller",
                trigger=On("call", direction="inbound"),
                condition=count_at_least("call", 2, within=Elapsed(hours=48)),
                due=TRIGGER + Business(hours=1),
                deadline=DUE + Business(hours=4),
                priority="high",
                give_up_after=Business(days=1),
                # Judged at now, so it changes with time alone: revisit_at must see it.
                stop=silence_at_least(Local(days=1)) | ~issue_open(),
                retry=Retry(every=Elapsed(minutes=45), tries=1),
                early=False,
            ),
            Rule(
                name="refund-check",
                trigger=On("billing.refund"),
                scope="customer",
                due=TRIGGER + Elapsed(days=3),
                deadline=DUE + Local(days=1),
                extra_mile=tenure_at_least(years=2),
                essential=True,
                give_up_after=Elapsed(hours=12),
                retry=Retry(every=Elapsed(hours=5), tries=4, voicemail=True),
            ),
            Rule(
                name="contacted-again",
                trigger=On("issue.opened", "issue.updated", "call", direction="inbound"),
                condition=(
                    contacts(
                        direction="inbound",
                        exclude_channel="system",
                        scope="issue",
                        within=Local(days=3),
                    )
                    >= 2
                )
                & no_contact("call", direction="outbound", within=Local(days=2))
                | since_last_contact("feedback", at_least=Elapsed(hours=36)),
                due=TRIGGER + Business(),
                deadline=DUE + Business(days=1),
            ),
            Awareness(programmes=PROGRAMMES),
        ),
        schedule=Schedule(
            timezone="Europe/London", hours={"mon-fri": "08:00-20:00", "sat": "10:00-14:00"}
        ),
        calling_window="09:00-20:30",
        served_timezones=("Europe/London",),
    ),
)
KINDS = (
    "issue.opened",
    "issue.updated",
    "issue.resolved",
    "issue.reopened",
    "billing.duplicate_charge",
    "billing.refund",
    "billing.price_change",
    "feedback",
    "call",
)
CHANNELS = {
    # billing events are mostly logged by the billing system, sometimes phoned in
    "billing.duplicate_charge": ("system", "system", "phone"),
    "billing.refund": ("system",),
    "billing.price_change": ("system", "email"),
    "call": ("phone",),
    "issue.resolved": ("system", "phone", "email"),
}
OWN_CHANNELS = ("phone", "email", "chat", "web", "visit")
ISSUE_KINDS = frozenset(k for k in KINDS if k.startswith("issue."))
NOW_MIN = dt.datetime(2025, 1, 1)
NOW_MAX = dt.datetime(2027, 12, 31)


@st.composite
def nows(draw: st.DrawFn) -> dt.datetime:
    """An aware ``now``, mostly in zones with daylight saving, never an imaginary wall
    time (Hypothesis leans towards the edges, offset changes included)."""
    return draw(
        st.datetimes(
            NOW_MIN,
            NOW_MAX,
            timezones=st.sampled_from([ZoneInfo(z) for z in ZONES]),
            allow_imaginary=False,
        )
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@st.composite
def customers(draw: st.DrawFn, now: dt.datetime) -> Customer:
    """A customer whose tenure often puts an anniversary within days of ``now``."""
    since: dt.date | None = None
    if draw(st.booleans()):
        near = now.date() + dt.timedelta(days=draw(st.integers(-12, 12)))
        since = _years_before(near, draw(st.integers(0, 9)))
    return Customer(
        id="c-1",
        timezone=draw(st.sampled_from((*ZONES, None))),
        tier=draw(st.sampled_from((None, "bronze", "silver", "gold", "platinum"))),
        customer_since=since,
        tags=draw(st.frozensets(st.sampled_from(sorted(PROGRAMMES)))),
        do_not_call=draw(st.integers(0, 9)) == 0,
        calling_hours=draw(st.sampled_from((None, None, "09:00-20:00", "07:30-22:00"))),
    )


def _attributes(draw: st.DrawFn, kind: str, at: dt.datetime) -> dict[str, Any]:
    if kind == "issue.opened":
        found: dict[str, Any] = {
            "category": draw(st.sampled_from(("network", "billing", "vehicle"))),
            "severity": draw(st.sampled_from(("low", "normal", "high", "critical"))),
        }
        if draw(st.booleans()):
            found["intermittent"] = draw(st.booleans())
        return found
    if kind in {"issue.updated", "issue.reopened"}:
        return {"intermittent": True} if draw(st.integers(0, 3)) == 0 else {}
    if kind in {"billing.duplicate_charge", "billing.refund"}:
        return {"amount": draw(st.sampled_from((9.99, 42.5, 120.0)))}
    if kind == "billing.price_change":
        bill = at.date() + dt.timedelta(days=draw(st.integers(-2, 40)))
        return {
            "increase_pct": draw(st.sampled_from((2, 5, 9.5, 10, 15, 30.0))),
            "bill_date": bill.isoformat(),
        }
    if kind == "feedback":
        return {"score": draw(st.integers(1, 5))}
    return {}


@st.composite
def histories(draw: st.DrawFn, now: dt.datetime, customer_id: str = "c-1") -> list[Interaction]:
    """Up to a dozen interactions around ``now`` (a few possibly after it), unique ids."""
    count = draw(st.integers(0, 12))
    found = []
    for index in range(count):
        kind = draw(st.sampled_from(KINDS))
        # minutes before now: mostly the last few weeks, sometimes exactly now or later
        minutes = draw(
            st.one_of(
                st.integers(-3 * 1440, 40 * 1440),
                st.sampled_from((0, 1, 5, 60, 7 * 1440)),
            )
        )
        at = _plus(now, -60 * minutes).astimezone(ZoneInfo(draw(st.sampled_from(ZONES))))
        if kind == "call":
            direction = draw(st.sampled_from(("outbound", "outbound", "inbound")))
        elif kind in ISSUE_KINDS:
            direction = draw(st.sampled_from(("inbound", "inbound", "outbound")))
        else:
            direction = "inbound"
        issue_id = None
        if kind in ISSUE_KINDS or (kind == "call" and draw(st.booleans())):
            issue_id = draw(st.sampled_from(("t-1", "t-2", "t-3")))
        found.append(
            Interaction(
                id=f"h-{index}",
                customer_id=customer_id,
                kind=kind,
                at=at,
                direction=direction,
                channel=draw(st.sampled_from(CHANNELS.get(kind, OWN_CHANNELS))),
                issue_id=issue_id,
                outcome=draw(st.sampled_from((None, "reached", "voicemail", "no_answer", "busy")))
                if kind == "call"
                else None,
                attributes=_attributes(draw, kind, at),
            )
        )
    return found


class Situation(NamedTuple):
    """A policy, a customer, their history and ``now``; printed briefly when a test fails."""

    policy: FollowUpPolicy
    customer: Customer
    history: list[Interaction]
    now: dt.datetime

    def __repr__(self) -> str:
        lines = [
            f"Situation(policy={self.policy.name!r}, now={self.now.isoformat()!r},",
            f"  customer={self.customer!r},",
            "  history=[",
        ]
        lines.extend(
            f"    {i.id} {i.kind} {i.direction.value} {i.channel.value} at={i.at.isoformat()}"
            f" issue={i.issue_id} outcome={i.outcome} {dict(i.attributes)}"
            for i in self.history
        )
        lines.append("  ])")
        return "\n".join(lines)


@st.composite
def situations(draw: st.DrawFn) -> Situation:
    """A policy, a customer, their history and ``now``."""
    now = draw(nows())
    return Situation(
        draw(st.sampled_from(POLICIES)),
        draw(customers(now)),
        draw(histories(now)),
        now,
    )


FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------

NOW_MARK = "due now"


def _call_shape(call: Call, due: object) -> tuple[object, ...]:
    # ``moved_by`` is left out: a call that fell due is placed again from ``now``, and the
    # path placement takes from there (window first, or straight to staff hours) depends
    # on ``now`` although it ends at the same instant, which ``due`` compares.
    return (
        call.key,
        call.keys,
        call.rules,
        due,
        call.deadline.timestamp(),
        call.priority,
        call.talking_points,
        call.extra_mile,
        call.essential,
    )


def _shape(decision: Decision, pending_by: dt.datetime, *, due_now: bool) -> tuple[object, ...]:
    """What must stay the same while time passes and nothing happens.

    A call due at or before ``pending_by`` is simply pending by then, so its due time is
    replaced by a mark (for the later decision only a call due exactly at its own ``now``).
    Episodes are compared by outcome, not by their wording: details quote what was seen at
    ``now`` (a call's due time, how many recent calls there were), and a count that ages
    without changing the outcome is no reason to revisit.  Instants are compared as POSIX
    seconds: aware datetimes in one zone compare by wall clock.
    """
    calls = []
    for call in decision.calls:
        due, by = call.due_at.timestamp(), pending_by.timestamp()
        pending = due == by if due_now else due <= by
        calls.append(_call_shape(call, NOW_MARK if pending else due))
    trace = tuple(
        (
            rule.rule,
            rule.fired,
            rule.summary,
            tuple((e.key, e.outcome) for e in rule.episodes),
        )
        for rule in decision.trace
    )
    # ``revisit_at`` itself may differ: it is allowed to be early (an instant where the
    # answer *could* change), and a later look may see further.
    return (tuple(calls), decision.suppressed, trace)


def _attempts(decision: Decision) -> dict[str, int]:
    """Which try each key's call is, for the keys in the decision's calls."""
    found = {
        episode.key: episode.attempt
        for rule in decision.trace
        for episode in rule.episodes
        if episode.outcome == "call"
    }
    assert None not in found.values()
    return {key: attempt for key, attempt in found.items() if attempt is not None}


def _plus(moment: dt.datetime, seconds: float) -> dt.datetime:
    """``moment`` moved by exact seconds (aware arithmetic in one zone is wall-clock)."""
    return moment.astimezone(dt.timezone.utc) + dt.timedelta(seconds=seconds)


def _in_window(moment: dt.datetime, start: int, end: int, zone_name: str) -> bool:
    local = pendulum.instance(moment).in_timezone(zone_name)
    clock = local.hour * 3600 + local.minute * 60 + local.second
    return start <= clock < end


def _latest_inbound(history: Sequence[Interaction], now: dt.datetime) -> float | None:
    """When the customer last contacted us themselves (an event a system logged is not)."""
    times = [
        i.at.timestamp()
        for i in history
        if i.direction is Direction.INBOUND
        and i.channel is not Channel.SYSTEM
        and i.at.timestamp() <= now.timestamp()
    ]
    return max(times, default=None)


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------


class TestFastPath:
    @FAST
    @given(situation=situations())
    def test_the_fast_path_gives_the_explained_answer(self, situation: Situation) -> None:
        """The path plan() takes (no trace, no revisit time, and episodes that the rule's
        timing says have lapsed skipped unseen) gives exactly the calls and suppressed
        calls of evaluate()."""
        policy, customer, history, now = situation
        expected = evaluate(policy, customer, history, now=now)
        now_ts = now.timestamp()
        calls, suppressed = calls_for(
            policy, customer, customer_history(customer, history, now_ts), now_ts
        )
        assert (expected.calls, expected.suppressed) == (tuple(calls), tuple(suppressed))


class TestDeterminism:
    """The same inputs give the same decision (promise 1)."""

    @FAST
    @given(situation=situations(), seed=st.integers(0, 2**32 - 1), zone=st.sampled_from(ZONES))
    def test_order_and_timezone_of_now_do_not_matter(
        self,
        situation: Situation,
        seed: int,
        zone: str,
    ) -> None:
        """Shuffling the interactions and writing ``now`` in another zone (or as a pendulum
        value) changes nothing in the decision."""
        policy, customer, history, now = situation
        expected = evaluate(policy, customer, history, now=now)
        shuffled = list(history)
        random.Random(seed).shuffle(shuffled)
        elsewhere = pendulum.instance(now).in_timezone(zone)
        assert expected == evaluate(policy, customer, shuffled, now=elsewhere)
        assert expected == evaluate(policy, customer, tuple(reversed(history)), now=now)

    @FAST
    @given(situation=situations(), extra=st.data())
    def test_interactions_after_now_change_nothing(
        self,
        situation: Situation,
        extra: st.DataObject,
    ) -> None:
        """Interactions after ``now`` have not happened yet: adding some changes nothing."""
        policy, customer, history, now = situation
        later = [
            Interaction(
                id=f"later-{i.id}",
                customer_id=i.customer_id,
                kind=i.kind,
                at=_plus(now, extra.draw(st.integers(1, 30 * 86400))),
                direction=i.direction,
                channel=i.channel,
                issue_id=i.issue_id,
                outcome=i.outcome,
                attributes=i.attributes,
            )
            for i in extra.draw(histories(now))
        ]
        expected = evaluate(policy, customer, history, now=now)
        assert expected == evaluate(policy, customer, history + later, now=now)


class TestIdempotency:
    """A call that was made is never recommended again (promise 5)."""

    @FAST
    @given(
        situation=situations(),
        outcome=st.sampled_from(("reached", "voicemail", "no_answer", "busy")),
    )
    def test_recorded_calls_answer_or_try_their_keys(
        self, situation: Situation, outcome: str
    ) -> None:
        """Making each recommended call at its due time and evaluating then: a key whose
        rule takes the outcome as reaching the customer never comes back, as a call or a
        suppressed call; any other key comes back, if at all, as its next try (same key,
        one try further, never past its rule's tries) or suppressed."""
        policy, customer, everything, now = situation
        history = [i for i in everything if i.ts <= now.timestamp()]  # nothing else happens
        retries = {rule.name: rule.retry for rule in policy.rules if isinstance(rule, Rule)}
        decision = evaluate(policy, customer, history, now=now)
        tried = _attempts(decision)
        # A merged call names each rule once: each key's rule is its episode's.
        rule_of = {e.key: trace.rule for trace in decision.trace for e in trace.episodes}
        for number, call in enumerate(decision.calls):
            made = call.record(id=f"made-{number}", at=call.due_at, agent="ana", outcome=outcome)
            after = evaluate(policy, customer, [*history, made], now=call.due_at)
            again = _attempts(after)
            suppressed = {s.key: s.constraint for s in after.suppressed}
            # A call is the try of its leading key.
            assert [again[c.key] for c in after.calls] == [c.attempt for c in after.calls]
            assert all(s.key is not None for s in after.suppressed)  # keyed by their episode
            for key in call.keys:
                retry = retries[rule_of[key]]
                if retry.answered_by(outcome):
                    assert key not in again
                    assert key not in suppressed
                    continue
                if key in again:
                    assert (tried[key] + 1, True) == (again[key], again[key] <= retry.tries)
                elif tried[key] == retry.tries and key in suppressed:
                    assert "unreachable" == suppressed[key]

    @FAST
    @given(situation=situations())
    def test_no_key_twice(self, situation: Situation) -> None:
        """A key appears once in a decision: in one call, or as one suppressed call."""
        policy, customer, history, now = situation
        decision = evaluate(policy, customer, history, now=now)
        keys = [key for call in decision.calls for key in call.keys]
        keys += [item.key for item in decision.suppressed if item.key is not None]
        assert len(keys) == sum(len(c.keys) for c in decision.calls) + len(decision.suppressed)
        assert sorted(set(keys)) == sorted(keys)
        assert [call.keys[0] for call in decision.calls] == [call.key for call in decision.calls]

    @FAST
    @given(situation=situations())
    def test_each_rule_once_in_the_order_of_its_keys(self, situation: Situation) -> None:
        """A call names each rule once: the rules of its keys' episodes, as the trace
        gives them, in the order of their first key."""
        policy, customer, history, now = situation
        decision = evaluate(policy, customer, history, now=now)
        rule_of = {
            episode.key: trace.rule
            for trace in decision.trace
            for episode in trace.episodes
            if episode.outcome == "call"
        }
        for call in decision.calls:
            assert tuple(dict.fromkeys(rule_of[key] for key in call.keys)) == call.rules


class TestRevisit:
    """Nothing changes on its own before ``revisit_at``."""

    @FAST
    @given(
        situation=situations(),
        fractions=st.lists(
            st.floats(0, 1, exclude_min=True, exclude_max=True), min_size=1, max_size=4
        ),
    )
    def test_nothing_changes_strictly_before_revisit(
        self,
        situation: Situation,
        fractions: list[float],
    ) -> None:
        """At instants strictly between ``now`` and ``revisit_at`` (or within 60 days when
        there is none) the decision is the same, calls that fell due being simply due."""
        policy, customer, everything, now = situation
        history = [i for i in everything if i.ts <= now.timestamp()]  # nothing else happens
        decision = evaluate(policy, customer, history, now=now)
        horizon = decision.revisit_at or _plus(now, 60 * 86400)
        span = horizon.timestamp() - now.timestamp()
        assert span > 0
        for fraction in fractions:
            offset = round(span * fraction, 3)
            if not 0 < offset < span:
                continue
            later = _plus(now, offset)
            again = evaluate(policy, customer, history, now=later)
            assert _shape(decision, later, due_now=False) == _shape(again, later, due_now=True)


class TestPlacement:
    """Calls land only where they may (promise 3)."""

    @FAST
    @given(situation=situations())
    def test_calls_respect_now_windows_and_staff_hours(self, situation: Situation) -> None:
        """Every call is due at or after ``now``, inside the customer's calling window (in
        every served zone when theirs is unknown) unless within the hour after their own
        latest inbound contact, and inside staff hours unless extra-mile; do-not-call, or
        an unknown timezone with no served zones, means no call at all."""
        policy, customer, history, now = situation
        decision = evaluate(policy, customer, history, now=now)
        if customer.do_not_call or not (customer.timezone or policy.served_timezones):
            assert () == decision.calls
        window = customer.calling_hours or policy.calling_window
        assert isinstance(window, Window)  # the drawn customers and policies have daily windows
        zones = (customer.timezone,) if customer.timezone else policy.served_timezones
        inbound = _latest_inbound(history, now)
        for call in decision.calls:
            due = call.due_at
            assert due.timestamp() >= now.timestamp()
            in_grace = inbound is not None and inbound <= due.timestamp() < inbound + 3600
            if not in_grace:
                outside = [z for z in zones if not _in_window(due, window.start, window.end, z)]
                assert [] == outside
            if not call.extra_mile:
                assert policy.schedule.is_open(due)


class TestExplanation:
    """Every decision explains itself (promise 8)."""

    @FAST
    @given(situation=situations())
    def test_every_rule_is_named(self, situation: Situation) -> None:
        """``explain()`` names every rule of the policy, and the trace holds one entry a
        rule, in policy order."""
        policy, customer, history, now = situation
        decision = evaluate(policy, customer, history, now=now)
        text = decision.explain()
        assert [] == [rule.name for rule in policy.rules if f"  {rule.name}: " not in text]
        assert [rule.name for rule in policy.rules] == [t.rule for t in decision.trace]


class TestPickling:
    """Policies and decisions are plain data (promise 10)."""

    @FAST
    @given(situation=situations())
    def test_policy_and_decision_survive_pickle(self, situation: Situation) -> None:
        """A pickled policy compares equal and decides exactly as the original; a pickled
        decision compares equal."""
        policy, customer, history, now = situation
        decision = evaluate(policy, customer, history, now=now)
        copied: FollowUpPolicy = pickle.loads(pickle.dumps(policy))
        assert policy == copied
        assert decision == evaluate(copied, customer, history, now=now)
        assert decision == pickle.loads(pickle.dumps(decision))

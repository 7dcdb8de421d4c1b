"""Properties of the compiled form of a policy: every built-in condition's ``compiled()``
answers as its ``check()`` does, and the quick give-up test as the exact computation."""

from __future__ import annotations

import datetime as dt
import gc
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from extramile import (
    DUE,
    TRIGGER,
    Anniversary,
    Business,
    Customer,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    InvalidPolicyError,
    Local,
    On,
    Rule,
    Schedule,
)
from extramile._conditions import TriggerContext
from extramile._rules import CompiledRule, lapse_at, program_of
from extramile._rules.compiled import _PROGRAMS
from extramile.conditions import (
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
    since_last_contact,
    staff_open_at_trigger,
    tenure_at_least,
    tier_in,
)
from strategies_time import offset_changes, oracle_zone

UTC = dt.timezone.utc
OFFICE = Schedule(timezone="America/Chicago", hours={"mon-fri": "09:00-17:00"})
ZONES = ("America/Chicago", "Australia/Sydney", "Pacific/Apia", "Europe/London", "Asia/Kolkata")
VALUES: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 30),
    st.floats(-5, 30, allow_nan=False),
    st.sampled_from(["critical", "low", "true", "gold", "2026-03-01"]),
)
NUMBERS: st.SearchStrategy[Any] = st.one_of(st.integers(-5, 30), st.floats(-5, 30, allow_nan=False))
"""What the orderings take; attributes hold any of :data:`VALUES`."""
NAMES = st.sampled_from(["severity", "increase_pct", "flag", "score"])

leaves: st.SearchStrategy[Condition] = st.one_of(
    st.just(always()),
    st.builds(lambda n, v: attr(n) >= v, NAMES, NUMBERS),
    st.builds(lambda n, v: issue_attr(n) < v, NAMES, NUMBERS),
    st.builds(lambda n, v: customer_attr(n).equals(v), NAMES, VALUES),
    st.builds(lambda n, v: attr(n).differs(v), NAMES, VALUES),
    st.builds(lambda n, v: attr(n).is_in(v, "critical"), NAMES, VALUES),
    st.builds(lambda n: issue_attr(n).is_true(), NAMES),
    st.builds(has_attr, NAMES),
    st.just(kind_is("feedback", "issue.opened")),
    st.sampled_from([direction_is("inbound"), direction_is("outbound")]),
    st.sampled_from([issue_is("resolved"), issue_open()]),
    st.just(tier_in("gold", "platinum")),
    st.just(has_tag("autopay")),
    st.builds(lambda years: tenure_at_least(years=years), st.integers(0, 12)),
    st.just(silence_at_least(Local(days=7))),
    st.just(count_at_least("call", 2, within=Elapsed(days=7))),
    st.sampled_from(
        [
            contacts(direction="inbound", scope="issue", within=Local(days=10)) >= 1,
            contacts("call", "feedback", exclude_channel="system", within=Elapsed(days=7)) < 1,
            no_contact("call", direction="outbound", within=Local(days=7)),
            since_last_contact(direction="inbound", scope="issue", at_least=Elapsed(days=3)),
            since_last_contact(at_least=Local(days=14)),
        ]
    ),
    st.sampled_from([staff_open_at_trigger(), outside_staff_hours()]),
)
conditions: st.SearchStrategy[Condition] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda a, b: a & b, inner, inner),
        st.builds(lambda a, b: a | b, inner, inner),
        st.builds(lambda a: ~a, inner),
    ),
    max_leaves=8,
)
instants = st.datetimes(
    min_value=dt.datetime(2010, 1, 1), max_value=dt.datetime(2030, 12, 31), timezones=st.just(UTC)
)


@st.composite
def contexts(draw: st.DrawFn) -> Context:
    """A context whose now falls near the customer's anniversaries as often as not."""
    now = draw(instants)
    zone = draw(st.sampled_from((*ZONES, None)))
    years = draw(st.integers(0, 12))
    near = now.date().replace(day=1) - dt.timedelta(days=365 * years)
    since = draw(st.none() | st.dates(near - dt.timedelta(days=40), near + dt.timedelta(days=40)))
    attributes = draw(st.dictionaries(NAMES, VALUES, max_size=3))
    customer = Customer(
        id="c-1",
        timezone=zone,
        tier=draw(st.sampled_from([None, "gold", "bronze"])),
        customer_since=since,
        tags=draw(st.sampled_from([(), ("autopay",)])),
        attributes=attributes,
    )
    trigger = Interaction(
        id="i-1",
        customer_id="c-1",
        kind=draw(st.sampled_from(["issue.opened", "feedback", "call"])),
        at=now - draw(st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=30))),
        direction=draw(st.sampled_from(["inbound", "outbound"])),
        issue_id="t-1",
        attributes=draw(st.dictionaries(NAMES, VALUES, max_size=3)),
    )
    issue = None
    if draw(st.booleans()):
        issue = IssueThread("t-1")
        issue.add(trigger)
    return Context(
        customer=customer,
        now=now.timestamp(),
        history=[trigger],
        schedule=OFFICE,
        trigger=trigger,
        episode_start=trigger.ts,
        issue=issue,
        last_contact=draw(st.none() | st.just(trigger.ts)),
    )


@given(conditions, contexts())
def test_a_compiled_condition_answers_as_check(condition: Condition, ctx: Context) -> None:
    """For any built-in condition and context, compiled() and check() agree."""
    assert condition.check(ctx) == condition.compiled()(ctx)


# Deadlines in the months the clocks change, and "now" within hours of the nominal answer,
# where a local day of 23 or 25 hours (or Samoa's skipped one) decides.
changing = st.builds(
    lambda year, month, day, hour: dt.datetime(year, month, day, hour, tzinfo=UTC),
    st.integers(2010, 2030),
    st.sampled_from([3, 4, 9, 10, 11, 12]),
    st.integers(1, 28),
    st.integers(0, 23),
)


@given(
    st.integers(0, 12),
    st.sampled_from(ZONES),
    changing | instants,
    st.integers(-4, 4),
    st.integers(-12, 12),
)
def test_compiled_tenure_answers_as_check_around_the_anniversary(
    years: int, zone: str, now: dt.datetime, days: int, hours: int
) -> None:
    """tenure_at_least compares local dates and asks exactly only near the anniversary:
    the same answer as check() on the days around it, at any hour, in any zone."""
    condition = tenure_at_least(years=years)
    today = now.date()
    since = today.replace(day=min(today.day, 28), year=today.year - years)
    customer = Customer(id="c-1", timezone=zone, customer_since=since + dt.timedelta(days=days))
    at = (now + dt.timedelta(hours=hours)).timestamp()
    ctx = Context(customer=customer, now=at, history=[], schedule=OFFICE)
    assert condition.check(ctx) == condition.compiled()(ctx)


# The day before a change of offset: Chicago, London and Sydney springing forward and
# falling back, and Samoa skipping 30 December 2011.
eves = st.sampled_from(
    [
        dt.datetime(2026, 3, 7, 12, tzinfo=UTC),
        dt.datetime(2026, 10, 31, 12, tzinfo=UTC),
        dt.datetime(2026, 3, 28, 12, tzinfo=UTC),
        dt.datetime(2026, 10, 3, 12, tzinfo=UTC),
        dt.datetime(2026, 4, 4, 12, tzinfo=UTC),
        dt.datetime(2011, 12, 29, 12, tzinfo=UTC),
    ]
)


@given(
    st.sampled_from([Local(days=0), Local(days=1), Local(days=3), Local(days=14)]),
    st.sampled_from(ZONES),
    eves | changing | instants,
    st.integers(-7200, 7200) | st.integers(-3 * 86_400, 3 * 86_400),
)
def test_the_quick_give_up_test_agrees_with_the_exact_time(
    after: Local, zone: str, deadline: dt.datetime, offset: int
) -> None:
    """The give-up test that skips calendar arithmetic when far from the answer gives the
    exact answer, near offset changes and Samoa's skipped day included."""
    rule = Rule(
        name="r",
        trigger=On("feedback"),
        deadline=TRIGGER + Elapsed(hours=1),
        give_up_after=after,
    )
    customer = Customer(id="c-1", timezone=zone)
    ctx = Context(customer=customer, now=0.0, history=[], schedule=OFFICE)
    at = deadline.timestamp()
    now = at + after.days * 86_400 + offset
    exact = lapse_at(rule, ctx, at)
    quick = CompiledRule(rule).lapsed
    assert quick is not None
    assert (exact is not None and exact <= now) == quick(ctx, at, now)


DURATIONS = st.sampled_from(
    [
        Elapsed(),
        Elapsed(minutes=15),
        Local(days=1),
        Local(days=7),
        Business(),
        Business(minutes=55),
        Business(hours=2),
    ]
)
AFTER_A_FALL_BACK = st.builds(
    lambda minutes: dt.datetime(2024, 11, 8, tzinfo=UTC) + dt.timedelta(minutes=minutes),
    st.integers(0, 14 * 1440),
)
"""A week or two after New York's clocks went back (3 November 2024)."""
HOLIDAY_OFFICE = Schedule(
    timezone="America/New_York",
    hours={"mon-fri": "09:00-17:00"},
    holidays={dt.date(2026, 12, 24), dt.date(2026, 12, 25), dt.date(2027, 1, 1)},
)
SUNDAY_MORNINGS = Schedule(timezone="UTC", hours={"sun": "05:00-07:00"})
"""Open two hours a week: business time stands still for days at a time."""


@given(
    due=DURATIONS,
    deadline=DURATIONS,
    from_due=st.booleans(),
    after=st.sampled_from(
        [Elapsed(hours=1), Local(days=3), Business(days=2), Business(minutes=30)]
    ),
    zone=st.sampled_from((*ZONES, "America/New_York", None)),
    schedule=st.sampled_from([HOLIDAY_OFFICE, SUNDAY_MORNINGS]),
    now=eves
    | changing
    | instants
    | AFTER_A_FALL_BACK
    | st.just(dt.datetime(2026, 12, 28, 15, tzinfo=UTC)),
    back=st.floats(0, 3 * 86_400) | st.floats(0, 60 * 86_400),
)
def test_an_episode_skipped_as_stale_has_been_given_up(
    *,
    due: Elapsed | Local | Business,
    deadline: Elapsed | Local | Business,
    from_due: bool,
    after: Elapsed | Local | Business,
    zone: str | None,
    schedule: Schedule,
    now: dt.datetime,
    back: float,
) -> None:
    """Whatever the rule's durations, an episode that started at or before the instant
    the fast path skips from has been given up by now: by the bound worked out from the
    durations, or by the instant searched for on the exact give-up time (business time,
    across holidays and offset changes)."""
    try:
        rule = Rule(
            name="r",
            trigger=On("feedback"),
            due=TRIGGER + due,
            deadline=(DUE if from_due else TRIGGER) + deadline,
            give_up_after=after,
        )
    except InvalidPolicyError:  # a deadline before the due time: counted from it instead
        rule = Rule(
            name="r",
            trigger=On("feedback"),
            due=TRIGGER + due,
            deadline=DUE + deadline,
            give_up_after=after,
        )
    compiled = CompiledRule(rule)
    ctx = Context(
        customer=Customer(id="c-1", timezone=zone), now=0.0, history=[], schedule=schedule
    )
    now_ts = now.timestamp()
    stale = compiled.stale_before(ctx, now_ts)
    assert stale < now_ts
    ctx.episode_start = stale - back
    due_ts = compiled.due(ctx, None)
    assert due_ts is not None
    deadline_ts = compiled.deadline(ctx, due_ts)
    assert deadline_ts is not None
    lapse = lapse_at(rule, ctx, deadline_ts)
    assert lapse is not None
    assert lapse <= now_ts


@st.composite
def anniversaries(draw: st.DrawFn) -> tuple[Customer, float]:
    """A customer whose anniversary falls near ``now`` (or on 29 February), and ``now``:
    often within hours of a change of the customer's clock, in zones that put it at
    midnight (Asunción, Santiago, Beirut) or skipped a whole day (Apia)."""
    zone = draw(st.sampled_from(MIDNIGHT_ZONES))
    changes = offset_changes(zone)
    now_ts: float
    if draw(st.booleans()):
        now_ts = draw(st.sampled_from(changes)) + draw(st.integers(-3 * 3600, 3 * 3600))
    else:
        now_ts = draw(eves | changing | instants | AFTER_A_FALL_BACK).timestamp()
    today = dt.datetime.fromtimestamp(now_ts, oracle_zone(zone)).date()
    near = today - dt.timedelta(days=draw(st.integers(-3, 30) | st.integers(-400, 400)))
    since = draw(st.sampled_from(LEAP_DAYS) | st.just(near))
    years = draw(st.integers(-1, 30))
    try:
        since = since.replace(year=since.year - years)
    except ValueError:  # 29 February
        since = since.replace(year=since.year - years, day=28)
    return Customer(id="c-1", timezone=zone, customer_since=since), now_ts


MIDNIGHT_ZONES = ("America/Asuncion", "America/Santiago", "Asia/Beirut", "Pacific/Apia")
LEAP_DAYS = (dt.date(2000, 2, 29), dt.date(2012, 2, 29), dt.date(2024, 2, 29))


@given(
    found=anniversaries(),
    back=st.floats(0, 5 * 86_400) | st.floats(0, 800 * 86_400) | st.none(),
)
def test_the_anniversary_shortcut_keeps_every_recent_anniversary(
    *, found: tuple[Customer, float], back: float | None
) -> None:
    """``Anniversary.latest(..., after)`` answers none only for an anniversary that
    started at or before ``after``: near clock changes (even at midnight), across a
    skipped day, and for customers since 29 February."""
    customer, now_ts = found
    after = -math.inf if back is None else now_ts - back
    exact = Anniversary().latest(customer, now_ts, OFFICE)
    quick = Anniversary().latest(customer, now_ts, OFFICE, after)
    if exact[0] > 0 and exact[1] > after:
        assert quick == exact
    else:
        assert quick in {exact, (0, 0.0)}


def test_a_policy_is_compiled_once_and_forgotten_with_it() -> None:
    """program_of() keeps one program per live policy, and drops it with the policy."""
    policy = FollowUpPolicy(
        name="p",
        rules=[Rule(name="r", trigger=On("feedback"), deadline=TRIGGER + Elapsed(hours=1))],
        schedule=OFFICE,
    )
    key = id(policy)
    first = program_of(policy)
    assert (first is program_of(policy), key in _PROGRAMS) == (True, True)
    del policy, first
    gc.collect()
    assert key not in _PROGRAMS


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Interaction], Interaction]:
    """A customer's history, on one issue or none, with one of its interactions as the
    trigger; instants may repeat."""
    start = draw(instants)
    offsets = draw(st.lists(st.integers(0, 20 * 24), min_size=1, max_size=8))
    items = [
        Interaction(
            id=f"i-{n}",
            customer_id="c-1",
            kind=draw(st.sampled_from(["issue.opened", "issue.resolved", "call", "feedback"])),
            at=start + dt.timedelta(hours=hours),
            direction=draw(st.sampled_from(["inbound", "outbound"])),
            issue_id=draw(st.sampled_from(["t-1", None])),
            attributes=draw(st.dictionaries(NAMES, VALUES, max_size=2)),
        )
        for n, hours in enumerate(offsets)
    ]
    items.sort(key=lambda item: (item.ts, item.id))
    return items, draw(st.sampled_from(items))


def _thread(items: list[Interaction]) -> IssueThread:
    thread = IssueThread("t-1")
    thread.extend([item for item in items if item.issue_id == "t-1"])
    return thread


@given(conditions, histories(), st.booleans())
def test_a_trigger_context_answers_as_the_history_cut_at_the_trigger(
    condition: Condition, story: tuple[list[Interaction], Interaction], by_issue: bool
) -> None:
    """A context as of the trigger, over the whole history, answers (and explains) as a
    plain context over the history that had happened by the trigger: the lazy cuts of
    the history, the issue thread and the last contact are the same as cutting first."""
    items, trigger = story
    at = trigger.ts
    customer = Customer(id="c-1", timezone="Europe/London", customer_since=dt.date(2015, 6, 1))
    thread = _thread(items) if trigger.issue_id else None
    scope = thread.interactions if by_issue and thread is not None else items
    then = TriggerContext(
        customer=customer, at=at, history=items, schedule=OFFICE, trigger=trigger,
        issue=thread, in_scope=scope,
    )  # fmt: skip
    cut = [item for item in items if item.ts <= at]
    before = [item.ts for item in scope if item.ts < at]
    plain = Context(
        customer=customer,
        now=at,
        history=cut,
        schedule=OFFICE,
        trigger=trigger,
        episode_start=at,
        issue=_thread(cut) if thread is not None else None,
        last_contact=before[-1] if before else None,
    )
    assert (condition.check(plain), condition.explain(plain)) == (
        condition.compiled()(then),
        condition.explain(then),
    )

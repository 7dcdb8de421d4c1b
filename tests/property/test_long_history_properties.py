"""The indexes of long histories answer exactly as the scans they replaced.

A customer with a long history of calls used to cost the square of it: every call placed
converted every attempt to the local day it ages out of the cap, and every episode read
through every call to find the one that answered it.  The scans are kept as oracles in
``engine_helpers`` (:func:`cap_next_scan`, :func:`cap_count_scan`, :func:`answer_scan`), and
checked here against :class:`~extramile._engine.contact.CapAges` and
:class:`~extramile._engine.answers.CallIndex` on generated attempts and calls, and the scan
of a counting condition's window (:func:`inside_scan`) against the bisecting
:func:`~extramile._conditions.selection.inside`: attempts
steered to a zone's offset changes and local midnights (where a local day is not 24
hours, and a later attempt can age out first), several at one instant, fractions of a
second, and instants asked in any order.  Then the whole engine, with the scans put back
in place of the indexes, gives the same decisions on generated long histories.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_helpers import answer_scan, calls_for, cap_count_scan, cap_next_scan, inside_scan
from extramile import (
    Channel,
    ContactCaps,
    Customer,
    Direction,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    Local,
    Schedule,
    evaluate,
    starter_policy,
)
from extramile._conditions.selection import Keep, inside
from extramile._engine import contact, episodes, search
from extramile._engine.answers import CallIndex, first_answer
from extramile._engine.contact import CapAges, Contact
from extramile._time import add_local_days
from extramile._time.zones import zone
from strategies_time import DAY, instants, offset_changes, zone_names

HOUR = 3600
SETTINGS = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


# ---------------------------------------------------------------------------------------
# The cap: when each attempt ages out, worked out once
# ---------------------------------------------------------------------------------------


class Attempts(NamedTuple):
    """Attempts in one zone, a cap, and the instants to ask about."""

    name: str
    attempts: list[float]
    days: int
    limit: int
    probes: list[float]


def _local_midnight(ts: float, name: str) -> float:
    local = dt.datetime.fromtimestamp(ts, zoneinfo.ZoneInfo(name))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


@st.composite
def attempt_sets(draw: st.DrawFn) -> Attempts:
    """Up to 40 attempts within days of a centre: often one of the zone's offset changes
    (or ``days`` local days before one, so that they age out across it), or a local
    midnight; some at one instant, some a fraction of a second apart."""
    name = draw(zone_names)
    days = draw(st.integers(1, 7))
    centre = draw(instants).timestamp()
    changes = offset_changes(name)
    how = draw(st.sampled_from(("change", "aged-across", "midnight", "anywhere")))
    if changes and how in {"change", "aged-across"}:
        centre = float(draw(st.sampled_from(changes)))
        if how == "aged-across":
            centre -= days * DAY
    elif how == "midnight":
        centre = _local_midnight(centre, name)
    near = st.integers(-3 * HOUR, 3 * HOUR)
    spread = st.integers(-(days + 3) * DAY, 2 * DAY)
    fraction = st.sampled_from((0.0, 0.0, 0.25, 0.999999))
    offsets = draw(st.lists(st.tuples(near | spread, fraction), max_size=40))
    attempts = sorted(centre + seconds + part for seconds, part in offsets)
    together = draw(st.integers(0, 3))  # how many of the first are logged twice
    attempts = sorted(attempts + attempts[:together])
    tz = zone(name)
    marks = [centre, *attempts, *(add_local_days(a, days, tz) for a in attempts)]
    nudges = st.sampled_from((0.0, 0.0, -1e-6, 1e-6, -1.0, 1.0, -HOUR, HOUR))
    probes = [draw(st.sampled_from(marks)) + draw(nudges) for _ in range(draw(st.integers(1, 8)))]
    probes += [centre + draw(spread) for _ in range(draw(st.integers(0, 3)))]
    return Attempts(name, attempts, days, draw(st.integers(1, 5)), probes)


class TestCapAges:
    """When fewer attempts than the cap count, and how many do, as the scans say."""

    @SETTINGS
    @given(case=attempt_sets())
    def test_free_from_and_counting_agree_with_the_scans(self, case: Attempts) -> None:
        """Asked in the drawn order (an earlier instant after a later one works out the
        earlier attempts then), each answer is the scan's."""
        tz = zone(case.name)
        ages = CapAges(case.attempts, case.days, tz)
        asked = [(ages.free_from(p, case.limit), ages.counting(p)) for p in case.probes]
        expected = [
            (
                cap_next_scan(p, case.attempts, case.limit, case.days, tz),
                cap_count_scan(p, case.attempts, case.days, tz),
            )
            for p in case.probes
        ]
        assert expected == asked

    @SETTINGS
    @given(case=attempt_sets())
    def test_each_attempt_is_converted_once(self, case: Attempts) -> None:
        """However many instants are asked about, in whatever order, no attempt is
        converted twice."""
        tz = zone(case.name)
        made: list[float] = []

        def counted(ts: float, days: int, tz: dt.tzinfo) -> float:
            made.append(ts)
            return add_local_days(ts, days, tz)

        with mock.patch.object(contact, "add_local_days", counted):
            ages = CapAges(case.attempts, case.days, tz)
            for probe in case.probes:
                ages.free_from(probe, case.limit)
                ages.counting(probe)
        assert len(made) <= len(case.attempts)

    @SETTINGS
    @given(case=attempt_sets(), customer_zone=st.booleans())
    def test_the_search_step_agrees_with_the_scan(
        self, case: Attempts, customer_zone: bool
    ) -> None:
        """The cap's step of the search, through a customer's contact (in the customer's
        zone, or the staff's when theirs is unknown), gives the scan's answer."""
        schedule = Schedule(timezone=case.name, hours={"mon-fri": "09:00-17:00"})
        customer = Customer(id="c-1", timezone=case.name if customer_zone else None)
        reached = Contact.build(
            customer,
            list(case.attempts),
            None,
            calling_window=starter_policy().calling_window,
            served_timezones=(),
            schedule=schedule,
        )
        caps = ContactCaps(max_attempts=case.limit, per=Local(days=case.days))
        tz = zone(case.name)
        assert [
            cap_next_scan(p, case.attempts, case.limit, case.days, tz) for p in case.probes
        ] == [search._cap_next(p, reached, caps) for p in case.probes]


# ---------------------------------------------------------------------------------------
# Counting conditions: only the window's interactions are looked at
# ---------------------------------------------------------------------------------------


DAYLIGHT_SAVING = ("America/New_York", "Europe/London", "Australia/Sydney", "Australia/Lord_Howe")
"""Zones whose clocks change twice a year (Lord Howe's by half an hour)."""


class Span(NamedTuple):
    """A history (oldest first), a window ending at ``now``, and what it keeps."""

    name: str
    items: list[Interaction]
    now: float
    within: Elapsed | Local
    keep: Keep


@st.composite
def spans(draw: st.DrawFn) -> Span:
    """Up to 40 interactions from weeks before ``now`` to a day after it, ``now`` often
    within hours or days after one of the zone's offset changes, an ``Elapsed`` or
    ``Local`` window, and a filter of kinds, direction and channels.  Many interactions
    lie about a window's length before ``now``, so that they leave around it, after
    local days made longer or shorter by the change."""
    name = draw(st.sampled_from(DAYLIGHT_SAVING) | st.sampled_from(DAYLIGHT_SAVING) | zone_names)
    changes = offset_changes(name)
    now = draw(instants).timestamp()
    near_change = draw(st.integers(0, 3)) > 0
    if changes and near_change:
        change: int = draw(st.sampled_from(changes))
        hours_after = st.integers(0, 3 * HOUR)
        now = change + draw(hours_after | hours_after | st.integers(-DAY, 10 * DAY))
    days = draw(st.integers(1, 10))
    kinds: list[Elapsed | Local] = [
        Local(days=days),
        Local(days=days),
        Elapsed(hours=days),
        Elapsed(days=days),
    ]
    within = draw(st.sampled_from(kinds))
    length = int(within.seconds) if isinstance(within, Elapsed) else days * DAY
    offsets = (
        st.integers(-length - 2 * HOUR, -length + HOUR)
        | st.integers(-length - 2 * HOUR, -length + HOUR)
        | st.integers(-(days + 5) * DAY, DAY)
        | st.sampled_from((0, -length, -(days + 3) * DAY))
    )
    count = draw(st.integers(0, 40))
    times = sorted(now + draw(offsets) + draw(st.sampled_from((0.0, 0.5))) for _ in range(count))
    items = [
        Interaction(
            id=f"i-{n:02d}",
            customer_id="c-1",
            kind=draw(st.sampled_from(("call", "email", "issue.updated"))),
            at=dt.datetime.fromtimestamp(ts, dt.timezone.utc),
            direction=draw(st.sampled_from(("inbound", "outbound"))),
            channel=draw(st.sampled_from(("phone", "email", "system"))),
        )
        for n, ts in enumerate(times)
    ]
    keep: Keep = (
        draw(st.none() | st.just(frozenset({"call", "email"}))),
        draw(st.none() | st.sampled_from((Direction.INBOUND, Direction.OUTBOUND))),
        draw(st.none() | st.just(frozenset({Channel.PHONE, Channel.EMAIL}))),
    )
    return Span(name, items, now, within, keep)


class TestInside:
    """The interactions inside a counting condition's window, found by bisection."""

    @SETTINGS
    @given(window=spans())
    def test_inside_is_the_scan(self, window: Span) -> None:
        """The same interactions, leaving at the same instants, in the same order."""
        tz = zone(window.name)
        args = (window.items, window.keep, window.now, window.within, tz)
        assert inside_scan(*args) == inside(*args)

    def test_a_call_a_long_local_day_ago_is_still_inside(self) -> None:
        """A call at 03:15 EDT on Saturday 31 October 2026 is inside a window of one
        local day until 03:15 EST on Sunday, 25 hours later: at 03:00 EST it is still
        inside, although more than 24 hours have passed."""
        made = Interaction(
            id="i-1",
            customer_id="c-1",
            kind="call",
            at=dt.datetime(2026, 10, 31, 7, 15, tzinfo=dt.timezone.utc),
        )
        now = dt.datetime(2026, 11, 1, 8, tzinfo=dt.timezone.utc).timestamp()
        args = ([made], (None, None, None), now, Local(days=1), zone("America/New_York"))
        leaves = dt.datetime(2026, 11, 1, 8, 15, tzinfo=dt.timezone.utc).timestamp()
        assert ([(leaves, made)], [(leaves, made)]) == (inside_scan(*args), inside(*args))


# ---------------------------------------------------------------------------------------
# Answers: the calls of each episode, looked up
# ---------------------------------------------------------------------------------------

KEYS = ("c-1/t-1/r/o-1", "c-1/t-2/r/o-2", "c-1/-/r/o-3")
ISSUES = (None, "t-1", "t-2", "t-3")
OUTCOMES = (None, "reached", "voicemail", "no_answer", "busy")


class Episode(NamedTuple):
    """What an episode tells the answers: its key, start, issue and scope."""

    key: str
    start: float
    issue_id: str | None
    scope: str
    voicemail: bool


@st.composite
def call_logs(draw: st.DrawFn) -> tuple[list[Interaction], list[Episode]]:
    """Up to 50 outbound calls on whole hours of two days (several at one instant), on a
    few issues or none, with any outcome, some listing keys (or other things); and
    episodes starting at a call's instant, a second either side of it, or any hour."""
    base = draw(instants)
    hours = st.integers(0, 47)
    listed = st.lists(st.sampled_from((*KEYS, "c-1/t-3/r/o-9", 7)), max_size=3)
    drawn = draw(
        st.lists(
            st.tuples(hours, st.sampled_from(ISSUES), st.sampled_from(OUTCOMES), listed),
            max_size=50,
        )
    )
    calls = sorted(
        (
            Interaction(
                id=f"m-{n:02d}",
                customer_id="c-1",
                kind="call",
                at=base + dt.timedelta(hours=hour),
                direction=Direction.OUTBOUND,
                issue_id=issue,
                outcome=outcome,
                attributes={"satisfies": keys} if keys else {},
            )
            for n, (hour, issue, outcome, keys) in enumerate(drawn)
        ),
        key=lambda call: (call.ts, call.id),
    )
    starts = [base.timestamp() + hour * HOUR for hour in range(-1, 49)]
    starts += [c.ts + nudge for c in calls for nudge in (-1.0, 0.0, 1.0)]
    episodes_drawn = draw(
        st.lists(
            st.builds(
                Episode,
                key=st.sampled_from(KEYS),
                start=st.sampled_from(starts),
                issue_id=st.sampled_from(ISSUES),
                scope=st.sampled_from(("issue", "customer")),
                voicemail=st.booleans(),
            ),
            min_size=1,
            max_size=10,
        )
    )
    return calls, episodes_drawn


class TestCallIndex:
    """The calls an episode reads through the index give the answer of reading them all."""

    @SETTINGS
    @given(drawn=call_logs())
    def test_every_episode_gets_the_scans_answer(
        self, drawn: tuple[list[Interaction], list[Episode]]
    ) -> None:
        """The call that answered it, or the calls that tried, the same and in the same
        order."""
        calls, found = drawn
        index = CallIndex(calls)
        expected = [
            answer_scan(calls, e.key, e.start, e.issue_id, e.scope, voicemail=e.voicemail)
            for e in found
        ]
        assert expected == [
            first_answer(
                index.for_episode(e.key, e.start, e.issue_id, e.scope),
                e.key,
                e.start,
                e.issue_id,
                e.scope,
                voicemail=e.voicemail,
            )
            for e in found
        ]


# ---------------------------------------------------------------------------------------
# The engine: the same decisions with the scans put back
# ---------------------------------------------------------------------------------------

ZONES = ("America/New_York", "Europe/London", "Australia/Sydney", "America/Chicago")


class Story(NamedTuple):
    """A policy, a customer, a long history and ``now``."""

    policy: FollowUpPolicy
    customer: Customer
    history: list[Interaction]
    now: dt.datetime


@st.composite
def stories(draw: st.DrawFn) -> Story:
    """A customer in a zone with daylight saving, ``now`` within ten days after one of
    its offset changes, and 20 to 80 interactions over the 20 days before ``now``: issues
    opened (some critical, some out of hours, some intermittent), updated and resolved,
    calls on them or on none (with outcomes; some listing the key of the callback they
    answer), feedback and duplicate charges; the starter policy with drawn caps."""
    name = draw(st.sampled_from(ZONES))
    changes = [c for c in offset_changes(name) if 1_735_689_600 <= c <= 1_830_297_600]
    now_ts = draw(st.sampled_from(changes)) + draw(st.integers(-DAY, 10 * DAY))
    now = dt.datetime.fromtimestamp(now_ts, zoneinfo.ZoneInfo(name))
    minutes = st.integers(0, 20 * 1440)
    items: list[Interaction] = []
    issues = draw(st.integers(1, 6))
    for n in range(issues):
        opened = now - dt.timedelta(minutes=draw(minutes))
        issue = f"t-{n}"
        severity = draw(st.sampled_from(("critical", "critical", "high", "low")))
        items.append(
            Interaction(
                id=f"o-{n}",
                customer_id="c-1",
                kind="issue.opened",
                at=opened,
                direction=Direction.INBOUND,
                issue_id=issue,
                attributes={"severity": severity, "intermittent": draw(st.booleans())},
            )
        )
        if draw(st.booleans()):
            items.append(
                Interaction(
                    id=f"r-{n}",
                    customer_id="c-1",
                    kind=draw(st.sampled_from(("issue.resolved", "issue.updated"))),
                    at=opened + dt.timedelta(minutes=draw(st.integers(1, 3 * 1440))),
                    issue_id=issue,
                )
            )
    for n in range(draw(st.integers(17, 60))):
        on = draw(st.sampled_from((None, *(f"t-{k}" for k in range(issues)))))
        keys = []
        if on is not None and draw(st.integers(0, 3)) == 0:
            keys = [f"c-1/{on}/critical-callback/o-{on[2:]}"]
        items.append(
            Interaction(
                id=f"m-{n:02d}",
                customer_id="c-1",
                kind="call",
                at=now - dt.timedelta(minutes=draw(minutes)),
                direction=Direction.OUTBOUND,
                channel="phone",
                issue_id=on,
                outcome=draw(st.sampled_from(OUTCOMES)),
                attributes={"satisfies": keys} if keys else {},
            )
        )
    for n in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(("feedback", "billing.duplicate_charge")))
        items.append(
            Interaction(
                id=f"x-{n}",
                customer_id="c-1",
                kind=kind,
                at=now - dt.timedelta(minutes=draw(st.integers(0, 5 * 1440))),
            )
        )
    caps = ContactCaps(
        max_attempts=draw(st.integers(1, 6)),
        per=Local(days=draw(st.integers(1, 7))),
        min_gap=Elapsed(hours=draw(st.integers(0, 20))),
    )
    policy = starter_policy(company_timezone=name, caps=caps)
    tier = draw(st.sampled_from(("gold", "silver")))
    return Story(policy, Customer(id="c-1", timezone=name, tier=tier), items, now)


@contextmanager
def scans_in_place() -> Iterator[None]:
    """The engine as it first was: every episode reads every call, every step of the cap
    and every reason of a cap's move converts every attempt."""

    def cap_next(ts: float, reached: Contact, caps: ContactCaps) -> float:
        limit, days = caps.max_attempts, caps.per.days
        return cap_next_scan(ts, reached.attempts, limit, days, reached.cap_zone)

    def counting(ages: CapAges, ts: float) -> int:
        return cap_count_scan(ts, ages.attempts, ages.days, ages.tz)

    with (
        mock.patch.object(episodes, "SCAN_AT_MOST", 10**9),
        mock.patch.object(search, "_cap_next", cap_next),
        mock.patch.object(CapAges, "counting", counting),
    ):
        yield


class TestTheEngine:
    """Decisions on long histories do not change with the indexes."""

    @SETTINGS
    @given(story=stories())
    def test_evaluate_gives_the_decision_of_the_scans(self, story: Story) -> None:
        """The whole decision (calls, suppressed calls, every explanation) with the
        indexes is the one with the scans, and ``plan()``'s path agrees."""
        policy, customer, history, now = story
        with mock.patch.object(episodes, "SCAN_AT_MOST", 0):  # every history indexed
            indexed = evaluate(policy, customer, history, now=now)
            fast = calls_for(policy, customer, sorted(history, key=_order), now.timestamp())
        with scans_in_place():
            scanned = evaluate(policy, customer, history, now=now)
            slow = calls_for(policy, customer, sorted(history, key=_order), now.timestamp())
        assert (scanned, slow) == (indexed, fast)


def _order(item: Interaction) -> tuple[float, str]:
    return (item.ts, item.id)

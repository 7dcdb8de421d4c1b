"""Properties of the counting conditions (``contacts(...) >= n``, ``no_contact``,
``since_last_contact``, ``count_at_least``) on histories around daylight-saving changes:
the compiled form answers as ``check()``, and ``changes_at`` is exact: the answer stays
the same from ``now`` up to it, and differs at it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from hypothesis import given
from hypothesis import strategies as st

from extramile import Customer, Elapsed, Interaction, Local, Schedule
from extramile._conditions import compile_condition
from extramile.conditions import (
    Condition,
    Context,
    IssueThread,
    contacts,
    count_at_least,
    no_contact,
    since_last_contact,
)
from strategies_time import offset_changes

UTC = dt.timezone.utc
OFFICE = Schedule(timezone="America/Chicago", hours={"mon-fri": "09:00-17:00"})
ZONES = (
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Pacific/Apia",
    "America/Santiago",
)
KINDS = ("call", "issue.updated", "feedback")
WINDOWS: st.SearchStrategy[Elapsed | Local] = st.sampled_from(
    [Elapsed(hours=1), Elapsed(days=2), Local(days=1), Local(days=7), Local(days=10)]
)
DIRECTIONS: tuple[Literal["inbound", "outbound"] | None, ...] = (None, "inbound", "outbound")
SCOPES: tuple[Literal["customer", "issue"], ...] = ("customer", "issue")
NONE_AT_ALL: tuple[Elapsed | Local, ...] = (Elapsed(), Local(days=0))
HOUR = 3600
DAY = 86_400


@st.composite
def conditions(draw: st.DrawFn) -> Condition:
    """A counting condition of any of the four shapes, of any sort."""
    kinds = draw(st.lists(st.sampled_from(KINDS), max_size=2, unique=True))
    direction = draw(st.sampled_from(DIRECTIONS))
    scope = draw(st.sampled_from(SCOPES))
    channels = draw(st.sampled_from([None, "system", ("phone", "chat")]))
    excluded = draw(st.booleans())
    channel, exclude = (None, channels) if excluded else (channels, None)
    shape = draw(st.integers(0, 4))
    within = draw(WINDOWS)
    count = draw(st.integers(1, 4))
    if shape == 3:
        at_least = draw(st.sampled_from(NONE_AT_ALL) | WINDOWS)
        return since_last_contact(
            *kinds,
            direction=direction,
            channel=channel,
            exclude_channel=exclude,
            scope=scope,
            at_least=at_least,
        )
    if shape == 4:
        return count_at_least(draw(st.sampled_from(KINDS)), count, within=within)
    if shape == 2:
        return no_contact(
            *kinds,
            direction=direction,
            channel=channel,
            exclude_channel=exclude,
            scope=scope,
            within=within,
        )
    window = contacts(
        *kinds,
        direction=direction,
        channel=channel,
        exclude_channel=exclude,
        scope=scope,
        within=within,
    )
    return window >= count if shape == 0 else window < count


@st.composite
def situations(draw: st.DrawFn, *, future: bool) -> tuple[Customer, list[Interaction], float]:
    """A customer, their history (oldest first) and ``now``, often days after one of
    their zone's offset changes, with interactions in the hours around it (a repeated
    hour's two passes included).  With ``future``, a few interactions come after now."""
    zone = draw(st.sampled_from(ZONES))
    change = draw(st.sampled_from(offset_changes(zone)[:30]))
    now = change + draw(st.integers(-2 * DAY, 12 * DAY))
    times = draw(
        st.lists(
            st.one_of(
                st.integers(-3 * HOUR, 3 * HOUR).map(lambda s: change + s),
                st.integers(0, 14 * DAY).map(lambda s: now - s),
                st.sampled_from([now, now - 7 * DAY, now - 10 * DAY, now - 2 * DAY]),
                st.integers(1, 2 * DAY).map(lambda s: now + s)
                if future
                else st.integers(0, DAY).map(lambda s: now - s),
            ),
            max_size=9,
        )
    )
    times = sorted(t for t in times if future or t <= now)
    history = [
        Interaction(
            id=f"i-{index}",
            customer_id="c-1",
            kind=draw(st.sampled_from(KINDS)),
            at=dt.datetime.fromtimestamp(at, UTC),
            direction=draw(st.sampled_from(["inbound", "outbound"])),
            channel=draw(st.sampled_from(["phone", "chat", "system"])),
            issue_id=draw(st.sampled_from(["t-1", "t-2", None])),
        )
        for index, at in enumerate(times)
    ]
    customer = Customer(id="c-1", timezone=draw(st.sampled_from([zone, zone, None])))
    return customer, history, float(now)


def judged(customer: Customer, history: list[Interaction], now: float, issue: bool) -> Context:
    """The context of an episode of issue t-1 (or of none) judged at ``now``."""
    thread = None
    if issue:
        thread = IssueThread("t-1")
        thread.extend([i for i in history if i.issue_id == "t-1"])
    return Context(customer=customer, now=now, history=history, schedule=OFFICE, issue=thread)


@given(conditions(), situations(future=True), st.booleans())
def test_compiled_answers_as_check(
    condition: Condition, situation: tuple[Customer, list[Interaction], float], issue: bool
) -> None:
    """The fast scan (back from now, stopping early) counts as the definition does,
    interactions after the judged moment left out."""
    ctx = judged(*situation, issue)
    assert condition.check(ctx) == compile_condition(condition)(ctx)


@given(
    conditions(),
    situations(future=False),
    st.booleans(),
    st.floats(0, 1, exclude_max=True),
    st.integers(1, 30 * DAY),
)
def test_changes_at_is_exact(
    condition: Condition,
    situation: tuple[Customer, list[Interaction], float],
    issue: bool,
    fraction: float,
    later: int,
) -> None:
    """Nothing changes from now until ``changes_at`` (a second before it included), and
    the answer differs at it; without one, the answer stays for weeks."""
    customer, history, now = situation
    answer = condition.check(judged(customer, history, now, issue))
    change = condition.changes_at(judged(customer, history, now, issue))
    if change is None:
        at_later = judged(customer, history, now + later, issue)
        assert answer == condition.check(at_later) == compile_condition(condition)(at_later)
        return
    assert change > now
    # A fraction just below 1 of a span can round to the whole span in floating point.
    between_moments = {now + fraction * (change - now), max(now, change - 1)} - {change}
    for moment in between_moments:
        between = judged(customer, history, moment, issue)
        assert answer == condition.check(between) == compile_condition(condition)(between)
    at_change = judged(customer, history, change, issue)
    assert (not answer) == condition.check(at_change) == compile_condition(condition)(at_change)

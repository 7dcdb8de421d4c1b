"""Properties of the conditions' explanations as they are written now (a count without
the list, the interaction that reached a count looked for once, leave instants and
reprs kept): each says what the plain definitions say, around daylight-saving changes."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from test_counting_properties import OFFICE, WINDOWS, conditions, judged, situations

from extramile import Customer, Elapsed, Interaction, Local
from extramile._conditions import IssueThread, explain_failed
from extramile._conditions.counting import ContactsReach, first_reach
from extramile._conditions.selection import Keep, inside, inside_count, leave_at
from extramile._conditions.timing import customer_zone
from extramile._memo import clear_all
from extramile._time import UTC, add_local_days, from_ts
from extramile.conditions import (
    Condition,
    Context,
    attr,
    contacts,
    direction_is,
    issue_attr,
    issue_open,
    kind_is,
    tier_in,
)

Situation = tuple[Customer, list[Interaction], float]


def reach_explained_plainly(condition: ContactsReach, ctx: Context) -> str:
    """``ContactsReach.explain`` as it was first written: the window's list, then the
    interaction that reached the count, each worked out on its own."""
    window = condition.contacts
    found = window.filter.inside(ctx, window.within)
    if found is None:
        return f"{condition!r} failed: the episode is not about an issue"
    items = window.filter.items(ctx)
    assert items is not None
    reaching, call = first_reach(
        items,
        window.filter.keep,
        ctx.now,
        window.within,
        customer_zone(ctx),
        needed=condition.count,
    )
    where = window.filter.where(ctx)
    if call is not None:
        where += f" since the call that reached the customer at {from_ts(call.ts, UTC)}"
    counted = f"{len(found)} such interaction{'' if len(found) == 1 else 's'}"
    counted += f" in the {window.within} up to {from_ts(ctx.now, UTC)}"
    trigger = ctx.trigger
    held = (
        reaching is not None
        and reaching.ts == ctx.now
        and (trigger is None or trigger.id == reaching.id)
    )
    if held:
        return f"{condition!r} held: this interaction made {condition.count} {where}, {counted}"
    if reaching is None:
        return f"{condition!r} failed: fewer than {condition.count} {where}, {counted}"
    return (
        f"{condition!r} failed: {reaching.kind!r} at {from_ts(reaching.ts, UTC)} made"
        f" {condition.count} {where} already, and no call has reached the customer since"
    )


@st.composite
def reaches(draw: st.DrawFn) -> ContactsReach:
    """A ``contacts(...).reaches(n)`` of any sort."""
    window = contacts(
        direction=draw(st.sampled_from([None, "inbound", "outbound"])),
        exclude_channel=draw(st.sampled_from([None, "system"])),
        scope=draw(st.sampled_from(["customer", "issue"])),
        within=draw(WINDOWS),
    )
    condition = window.reaches(draw(st.integers(1, 4)))
    assert isinstance(condition, ContactsReach)
    return condition


@given(situations(future=True), st.booleans(), WINDOWS, st.sampled_from([None, "call"]))
def test_count_and_leaves_as_defined(
    situation: Situation, issue: bool, within: Elapsed | Local, kind: str | None
) -> None:
    """The count is the length of the window's list, and each kept leave instant is the
    interaction's instant moved by the window."""
    customer, history, now = situation
    tz = customer_zone(judged(customer, history, now, issue))
    keep: Keep = (None if kind is None else frozenset({kind}), None, None)
    listed = inside(history, keep, now, within, tz)
    assert inside_count(history, keep, now, within, tz) == len(listed)
    for item in history:
        expected = (
            add_local_days(item.ts, within.days, tz)
            if isinstance(within, Local)
            else item.ts + within.seconds
        )
        assert leave_at(item.ts, within, tz) == expected


@given(reaches(), situations(future=True), st.booleans(), st.integers(0, 8))
def test_reach_explained_as_defined(
    condition: ContactsReach, situation: Situation, issue: bool, at: int
) -> None:
    """Explained alone or as a part of ``&``, at an interaction of the history or at now,
    the explanation is the plain one."""
    customer, history, now = situation
    if history:
        now = history[min(at, len(history) - 1)].ts  # often the moment a count is reached
    ctx = judged(customer, history, now, issue)
    plain = reach_explained_plainly(condition, ctx)
    assert condition.explain(ctx) == plain
    both = condition & issue_open()
    if not condition.check(ctx):
        assert both.explain(ctx) == plain


@given(conditions())
def test_reprs_kept_are_written_again_alike(condition: Condition) -> None:
    """A repr kept is the one the condition writes anew (with every cache emptied)."""
    kept = repr(condition)
    assert repr(condition) == kept
    clear_all()
    assert repr(condition) == kept


class _Stricter(ContactsReach):
    """A subclass that changes ``check`` and not ``explain``: a part of ``&`` is judged
    by its own ``check``."""

    __slots__ = ()

    def check(self, ctx: Context) -> bool:
        return False


def test_a_subclass_check_is_asked() -> None:
    """``All.explain`` asks a part's own ``check`` when its class wrote one below the
    built-in's: the part that failed is explained, not skipped as held."""
    window = contacts(within=Local(days=1))
    stricter = _Stricter(contacts=window, count=1)
    at = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    item = Interaction(id="i", customer_id="c", kind="call", at=at, direction="inbound")
    ctx = Context(
        customer=Customer(id="c"),
        now=item.ts,
        history=[item],
        schedule=OFFICE,
        trigger=item,
    )
    assert ContactsReach(contacts=window, count=1).check(ctx)
    both = stricter & ~issue_open()
    assert both.explain(ctx) == stricter.explain(ctx)
    assert "held" in both.explain(ctx)  # its explain still says what it saw


_LEAVES = st.sampled_from(
    [
        kind_is("issue.reopened"),
        kind_is("call", "feedback"),
        attr("severity").equals("critical"),
        attr("pct") >= 10,
        attr("severity").exists(),
        issue_attr("severity").equals("critical"),
        issue_attr("intermittent").is_true(),
        direction_is("inbound"),
        tier_in("gold", "platinum"),
        issue_open(),
    ]
)
_VALUES = st.sampled_from([None, "critical", "low", 3, 12.5, True, "true"])


def _combined(parts: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
    pairs = st.tuples(parts, parts)
    return (
        pairs.map(lambda pair: pair[0] & pair[1])
        | pairs.map(lambda pair: pair[0] | pair[1])
        | parts.map(lambda part: ~part)
    )


@st.composite
def _trigger_contexts(draw: st.DrawFn) -> Context:
    """A context as of a trigger with attributes (some missing), on an issue with some."""
    customer, history, now = draw(situations(future=False))
    customer = Customer(
        id=customer.id, timezone=customer.timezone, tier=draw(st.sampled_from([None, "gold"]))
    )
    attributes = {
        name: value
        for name in ("severity", "pct", "intermittent")
        if (value := draw(_VALUES)) is not None or draw(st.booleans())
    }
    at = dt.datetime.fromtimestamp(now, UTC)
    trigger = Interaction(
        id="trigger",
        customer_id=customer.id,
        kind=draw(st.sampled_from(["issue.opened", "issue.reopened", "call", "feedback"])),
        at=at,
        direction=draw(st.sampled_from(["inbound", "outbound"])),
        issue_id="t-1",
        attributes=attributes,
    )
    thread = None
    if draw(st.booleans()):
        thread = IssueThread("t-1")
        thread.extend([i for i in history if i.issue_id == "t-1"] + [trigger])
    return Context(
        customer=customer,
        now=now,
        history=[*history, trigger],
        schedule=OFFICE,
        trigger=trigger,
        issue=thread,
    )


@given(st.recursive(_LEAVES | conditions(), _combined, max_leaves=6), _trigger_contexts())
def test_failed_explained_at_once_as_check_then_explain(condition: Condition, ctx: Context) -> None:
    """What ``&`` asks of each part (None if it holds, else its explanation: several
    built-in conditions answer both at once) is what its ``check`` and ``explain`` say."""
    assert explain_failed(condition, ctx) == (
        None if condition.check(ctx) else condition.explain(ctx)
    )

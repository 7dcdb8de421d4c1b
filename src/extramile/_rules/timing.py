"""Timing: what "an anchor plus or minus a duration" means, in one place.

A rule's due time and deadline are each written as an :class:`Anchor` moved by a
duration, a :class:`When`: ``TRIGGER + Elapsed(minutes=15)``, ``DUE + Business(hours=2)``,
``attr_date("bill_date") - Local(days=7)``.

Theory of operation.  The anchor is an instant of the episode: when it started
(``TRIGGER``), the latest interaction in the rule's scope (``LAST_CONTACT``), the call's due
time (``DUE``, for deadlines only), or the start of the local day named by a date attribute
of the trigger (``attr_date``); with no such instant (no last contact, no readable date),
the timing has none either.  The duration then says which clock moves it:

- ``Elapsed``: that many seconds, whatever the clocks on the wall say;
- ``Local``: that many calendar days in the customer's zone (the staff's when unknown),
  keeping the wall-clock time across daylight saving;
- ``Business``: that much of the staff schedule's open time, from its first open moment
  at or after the anchor; it is only ever added.

So ``TRIGGER + Business(hours=2)`` is the instant at which two hours of the staff's
business time have passed since the episode started.

:func:`resolve` says this once, for any timing.  :func:`resolver` says it again as a
closure chosen from the timing alone (the compiled form the engine calls for each
episode), plain arithmetic on POSIX seconds where the duration allows.  The give-up time
of an episode (its deadline plus the rule's ``give_up_after``) is :func:`lapse_at`, and
:func:`lapsed` its compiled test.  Last come bounds: :func:`stale_after` and
:func:`search_stale` tell from a rule's timing alone which episodes have certainly been
given up, so the engine can skip them unseen.

Imports: ``_conditions``, ``_model``, ``_time``, ``errors``.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable
from typing import Final, Protocol

import attrs

from extramile._conditions import Context
from extramile._model import Customer, Interaction
from extramile._time import (
    DAY,
    EARLIEST,
    FIRST_DAY,
    LAST_DAY,
    Business,
    Duration,
    Elapsed,
    Local,
    Schedule,
    add_local_days,
    local_day_start,
    relative,
    zone,
)
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe

__all__ = [
    "DUE",
    "LAST_CONTACT",
    "TRIGGER",
    "Anchor",
    "AnchorKind",
    "Lapsed",
    "Resolver",
    "Timed",
    "When",
    "always_before",
    "as_when",
    "attr_date",
    "attr_day_start",
    "customer_zone",
    "lapse_at",
    "lapsed",
    "resolve",
    "resolver",
    "search_stale",
    "stale_after",
    "timed_from_trigger",
]


# ---------------------------------------------------------------------------------------
# Anchors, and anchors moved by durations
# ---------------------------------------------------------------------------------------


class AnchorKind(str, enum.Enum):
    """Which instant an :class:`Anchor` is: a ``str`` enum, equal to its old name."""

    TRIGGER = "TRIGGER"
    LAST_CONTACT = "LAST_CONTACT"
    DUE = "DUE"
    ATTR_DATE = "ATTR_DATE"

    def __str__(self) -> str:
        return self.value


# The kinds again as module globals, for the functions run for each episode: a global
# costs ~15 ns to look up, a class attribute of an enum ~80 ns (Python 3.11).  They are
# compared with ``==``, which a plain str equal to the kind passes too (an anchor
# unpickled from before the kinds were an enum).
_AT_TRIGGER: Final = AnchorKind.TRIGGER
_AT_LAST_CONTACT: Final = AnchorKind.LAST_CONTACT
_AT_DUE: Final = AnchorKind.DUE


def _kind(value: object) -> AnchorKind:
    try:
        return AnchorKind(value)
    except ValueError:
        raise InvalidPolicyError(
            f"Anchor name must be one of {', '.join(sorted(AnchorKind))}"
            f" (got {describe(value)}); use TRIGGER, LAST_CONTACT, DUE or attr_date()"
        ) from None


@attrs.frozen(repr=False)
class Anchor:
    """A moment a rule's timing is measured from.

    ``TRIGGER`` is when the episode started, ``LAST_CONTACT`` the latest interaction in the
    rule's scope, ``DUE`` (for deadlines) the call's due time, and ``attr_date("bill_date")``
    the start of the local day named by an attribute of the trigger.

    >>> TRIGGER, TRIGGER.name == "TRIGGER"
    (TRIGGER, True)
    """

    name: AnchorKind = attrs.field(converter=_kind)
    attribute: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.name == AnchorKind.ATTR_DATE:
            if not isinstance(self.attribute, str) or not self.attribute:
                raise InvalidPolicyError(
                    f"an ATTR_DATE anchor names an attribute: use attr_date(name)"
                    f" (got {describe(self.attribute)})"
                )
        elif self.attribute is not None:
            raise InvalidPolicyError(
                f"only attr_date() anchors name an attribute (got {self.name} with"
                f" {describe(self.attribute)})"
            )

    def __add__(self, offset: Duration) -> When:
        return When(anchor=self, offset=_offset(offset), before=False)

    def __sub__(self, offset: Duration) -> When:
        return When(anchor=self, offset=_offset(offset), before=True)

    def __repr__(self) -> str:
        if self.attribute is not None:
            return f"attr_date({self.attribute!r})"
        return str(self.name)


TRIGGER: Final = Anchor(AnchorKind.TRIGGER)
LAST_CONTACT: Final = Anchor(AnchorKind.LAST_CONTACT)
DUE: Final = Anchor(AnchorKind.DUE)


def attr_date(name: str) -> Anchor:
    """The start of the local day given by a date attribute of the trigger, e.g. a bill date.

    >>> attr_date("bill_date") - Local(days=7)
    attr_date('bill_date') - Local(days=7)
    """
    if not isinstance(name, str) or not name:
        raise PolicyTypeError(f"attr_date() takes an attribute name (got {describe(name)})")
    return Anchor(AnchorKind.ATTR_DATE, name)


def _offset(value: object) -> Duration:
    if not isinstance(value, (Elapsed, Local, Business)):
        raise PolicyTypeError(
            f"timing offsets must be Elapsed, Local or Business durations (got {describe(value)})"
        )
    return value


@attrs.frozen(repr=False)
class When:
    """An anchor moved by a duration: ``TRIGGER + Elapsed(minutes=15)``."""

    anchor: Anchor
    offset: Duration = attrs.field(factory=Elapsed)
    before: bool = False

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.anchor, Anchor):
            raise PolicyTypeError(
                "When.anchor must be an Anchor such as TRIGGER, DUE or attr_date('bill_date')"
                f" (got {describe(self.anchor)})"
            )
        _offset(self.offset)
        if self.before.__class__ is not bool:
            raise PolicyTypeError(f"When.before must be a bool (got {describe(self.before)})")
        if self.before and isinstance(self.offset, Business):
            raise InvalidPolicyError(
                "business time can only be added, not subtracted"
                f" (got {self.anchor!r} - {self.offset!r})"
            )

    def __repr__(self) -> str:
        if self.offset == Elapsed() and not self.before:
            return repr(self.anchor)
        return f"{self.anchor!r} {'-' if self.before else '+'} {self.offset!r}"

    def describe(self) -> str:
        """Readable: ``"15 minutes elapsed after the trigger"``."""
        anchor = _ANCHOR_WORDS.get(self.anchor.name, f"the {self.anchor.attribute} date")
        return relative(self.offset, anchor, before=self.before)


_ANCHOR_WORDS: Final = {
    AnchorKind.TRIGGER: "the trigger",
    AnchorKind.LAST_CONTACT: "the last contact",
    AnchorKind.DUE: "the due time",
}


def as_when(value: object, where: str) -> When:
    """``value`` as a timing: an anchor alone, or an anchor moved by a duration.

    Raises:
        PolicyTypeError: anything else; ``where`` names the field.
    """
    if isinstance(value, Anchor):
        return When(anchor=value)
    if isinstance(value, When):
        return value
    raise PolicyTypeError(
        f"{where} must be an anchor such as TRIGGER, or an anchor plus or minus a duration"
        f" (got {describe(value)})"
    )


def always_before(deadline: When, due: When) -> bool:
    """Whether ``deadline`` always comes before ``due``, as far as can be told from the
    rule alone: counted back from the due time, or both from one anchor in the same kind
    of duration."""
    if deadline.anchor == DUE:
        return _signed(deadline) < 0
    kind = type(deadline.offset)
    if deadline.anchor != due.anchor or kind is not type(due.offset) or kind is Business:
        return False  # business days and hours do not compare without a calendar
    return _signed(deadline) < _signed(due)


def _signed(when: When) -> float:
    """The offset of ``when`` as a signed amount: seconds, or local days."""
    offset = when.offset
    amount = offset.days if isinstance(offset, Local) else offset.seconds
    return -amount if when.before else amount


# ---------------------------------------------------------------------------------------
# The meaning: an anchor's instant, moved by a duration
# ---------------------------------------------------------------------------------------


def customer_zone(customer: Customer, schedule: Schedule) -> dt.tzinfo:
    """The zone a customer's local days are counted in: theirs, else the staff's."""
    name = customer.timezone
    return zone(name) if name is not None else schedule.tz


def resolve(when: When, ctx: Context, due: float | None = None) -> float | None:
    """POSIX seconds of ``when`` in ``ctx``; None when its anchor is missing.

    The definition every compiled form below agrees with.
    """
    kind = when.anchor.name
    base: float | None
    if kind == _AT_TRIGGER:
        base = ctx.episode_start
    elif kind == _AT_LAST_CONTACT:
        base = ctx.last_contact
    elif kind == _AT_DUE:
        base = due
    else:
        base = _attr_day_start(when.anchor.attribute or "", ctx)
    if base is None:
        return None
    offset = when.offset
    if isinstance(offset, Elapsed):
        return base - offset.seconds if when.before else base + offset.seconds
    if isinstance(offset, Local):
        days = -offset.days if when.before else offset.days
        return add_local_days(base, days, customer_zone(ctx.customer, ctx.schedule))
    return ctx.schedule.add_ts(base, offset)


def _attr_day_start(name: str, ctx: Context) -> float | None:
    return attr_day_start(ctx.trigger, name, customer_zone(ctx.customer, ctx.schedule))


def attr_day_start(trigger: Interaction | None, name: str, tz: dt.tzinfo) -> float | None:
    """The start, in ``tz``, of the local day named by the date attribute ``name`` of
    ``trigger`` (None: no trigger, no such attribute, or not a date a time can be
    counted from)."""
    value = None if trigger is None else trigger.attributes.get(name)
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    else:
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        return None  # 9999-12-31, a database's "no date": no time can be counted from it
    return local_day_start(day, tz)


Resolver = Callable[[Context, "float | None"], "float | None"]
"""(context, due) -> POSIX seconds of a rule's due time or deadline, or None."""


def resolver(when: When) -> Resolver:
    """:func:`resolve` for this one timing, as a closure: elapsed time and local days from
    the trigger, the due time or the last contact, and business time from the due time,
    are worked out without asking what the timing is; anything else asks :func:`resolve`."""
    offset = when.offset
    kind = when.anchor.name
    if isinstance(offset, Local) and kind != AnchorKind.ATTR_DATE:
        return _local_resolver(kind, -offset.days if when.before else offset.days)
    if isinstance(offset, Elapsed) and kind in (AnchorKind.TRIGGER, AnchorKind.DUE):
        delta = -offset.seconds if when.before else offset.seconds
        if kind == AnchorKind.TRIGGER:

            def after_trigger(ctx: Context, due: float | None) -> float | None:
                return ctx.episode_start + delta

            return after_trigger

        def after_due(ctx: Context, due: float | None) -> float | None:
            return None if due is None else due + delta

        return after_due
    if isinstance(offset, Business) and kind == AnchorKind.DUE:
        # Business time is never counted back (When refuses it).

        def business_after_due(ctx: Context, due: float | None) -> float | None:
            return None if due is None else ctx.schedule.add_ts(due, offset)

        return business_after_due

    def general(ctx: Context, due: float | None) -> float | None:
        return resolve(when, ctx, due)

    return general


def _local_resolver(kind: AnchorKind, days: int) -> Resolver:
    """An anchor plus (or minus) local days, in the customer's zone."""
    if kind == AnchorKind.TRIGGER:

        def local_after_trigger(ctx: Context, due: float | None) -> float | None:
            return add_local_days(
                ctx.episode_start, days, customer_zone(ctx.customer, ctx.schedule)
            )

        return local_after_trigger
    if kind == AnchorKind.DUE:

        def local_after_due(ctx: Context, due: float | None) -> float | None:
            if due is None:
                return None
            return add_local_days(due, days, customer_zone(ctx.customer, ctx.schedule))

        return local_after_due

    def local_after_contact(ctx: Context, due: float | None) -> float | None:
        base = ctx.last_contact
        if base is None:
            return None
        return add_local_days(base, days, customer_zone(ctx.customer, ctx.schedule))

    return local_after_contact


# ---------------------------------------------------------------------------------------
# Giving up: the deadline moved by the rule's give_up_after
# ---------------------------------------------------------------------------------------


class Timed(Protocol):
    """What the functions below read of a rule: its timing (a :class:`Rule` is one)."""

    @property
    def due(self) -> When: ...

    @property
    def deadline(self) -> When: ...

    @property
    def give_up_after(self) -> Duration | None: ...


Lapsed = Callable[[Context, float, float], bool]
"""(context, deadline, now) -> whether the episode has been given up."""

_MARGIN: Final = 2 * DAY
"""How far a number of local days can differ from the same number of 24-hour days: an
hour or two of daylight saving, or a whole day a country skipped (Samoa, 2011)."""


def lapse_at(rule: Timed, ctx: Context, deadline: float) -> float | None:
    """When an episode of ``rule`` with this deadline is given up (None: never)."""
    after = rule.give_up_after
    if after is None:
        return None
    if isinstance(after, Business):
        return ctx.schedule.add_ts(deadline, after)
    if isinstance(after, Local):
        return add_local_days(deadline, after.days, customer_zone(ctx.customer, ctx.schedule))
    return deadline + after.seconds


def lapsed(rule: Timed) -> Lapsed | None:
    """:func:`lapse_at` compared with ``now``, as a closure: no calendar arithmetic for
    elapsed time, nor for local days unless ``now`` is within a margin of the answer."""
    after = rule.give_up_after
    if after is None:
        return None
    if isinstance(after, Elapsed):
        seconds = after.seconds

        def elapsed(ctx: Context, deadline: float, now: float) -> bool:
            return deadline + seconds <= now

        return elapsed
    if isinstance(after, Local):
        nominal = after.days * DAY

        def local(ctx: Context, deadline: float, now: float) -> bool:
            guess = deadline + nominal
            if guess - _MARGIN > now:
                return False
            if guess + _MARGIN <= now:
                return True
            exact = lapse_at(rule, ctx, deadline)
            return exact is not None and exact <= now

        return local

    def business(ctx: Context, deadline: float, now: float) -> bool:
        exact = lapse_at(rule, ctx, deadline)
        return exact is not None and exact <= now

    return business


# ---------------------------------------------------------------------------------------
# Bounds: which episodes have certainly been given up, from the timing alone
# ---------------------------------------------------------------------------------------


def _most(offset: object, *, before: bool) -> float | None:
    """The most an offset can move an instant, in seconds (None: no bound known)."""
    if isinstance(offset, Elapsed):
        return -offset.seconds if before else offset.seconds
    if isinstance(offset, Local):
        days = offset.days * DAY
        return (-days if before else days) + _MARGIN
    return None  # business time: a run of holidays can stretch it without end


def stale_after(rule: Timed) -> float | None:
    """Seconds after an episode starts by which it has certainly been given up, if the
    rule's timing bounds it: the due time and deadline measured from the trigger (or the
    deadline from the due time) in elapsed time or local days, and a give-up time in
    either.  None: no such bound."""
    after = rule.give_up_after
    due, deadline = rule.due, rule.deadline
    if after is None or due.anchor.name != AnchorKind.TRIGGER:
        return None
    give_up = _most(after, before=False)
    to_due = _most(due.offset, before=due.before)
    to_deadline = _most(deadline.offset, before=deadline.before)
    if give_up is None or to_due is None or to_deadline is None:
        return None
    if deadline.anchor.name == AnchorKind.DUE:
        to_deadline += to_due
    elif deadline.anchor.name != AnchorKind.TRIGGER:
        return None
    return to_deadline + give_up + DAY  # a day to spare


def timed_from_trigger(rule: Timed) -> bool:
    """Whether a rule's give-up time follows from its episode's start alone: a due time
    measured from the trigger and a deadline from the trigger or the due time."""
    return (
        rule.give_up_after is not None
        and rule.due.anchor.name == AnchorKind.TRIGGER
        and rule.deadline.anchor.name in (AnchorKind.TRIGGER, AnchorKind.DUE)
    )


_SEARCH_BACK: Final = 800 * DAY
"""How far back the search for a rule's stale instant starts (placement itself looks no
further than 400 days)."""


def _at_most(base: float | None, offset: object, before: bool, ctx: Context) -> float | None:
    """An instant no earlier than where ``offset`` takes any instant at or before
    ``base`` (None: no bound).

    Elapsed time and business time never take a later instant to an earlier one.  Local
    days can, by as much as a clock goes back (an hour, or a day in Samoa's history):
    the result is moved on by the margin that covers it."""
    if base is None:
        return None
    if isinstance(offset, Elapsed):
        return base - offset.seconds if before else base + offset.seconds
    if isinstance(offset, Local):
        days = -offset.days if before else offset.days
        return add_local_days(base, days, customer_zone(ctx.customer, ctx.schedule)) + _MARGIN
    if isinstance(offset, Business):
        return ctx.schedule.add_ts(base, offset)  # as the rule's own timing counts it
    return None


def search_stale(rule: Timed, ctx: Context, now: float) -> float:
    """An instant such that every episode of ``rule`` that started at or before it has
    been given up by ``now``, found by bisection (``-inf``: none found).

    Each probe bounds, from above, the give-up time of every episode that started at or
    before it (see :func:`_at_most`), so any instant the bisection keeps is safe, whether
    or not the bound grows with the start."""
    due, deadline = rule.due, rule.deadline
    from_trigger = deadline.anchor.name == AnchorKind.TRIGGER
    probe = Context(customer=ctx.customer, now=now, history=(), schedule=ctx.schedule)

    def gone_by_now(start: float) -> bool:
        latest_due = _at_most(start, due.offset, due.before, probe)
        base = start if from_trigger else latest_due
        latest_deadline = _at_most(base, deadline.offset, deadline.before, probe)
        lapse = _at_most(latest_deadline, rule.give_up_after, False, probe)  # noqa: FBT003
        return lapse is not None and lapse <= now

    lo, hi = max(now - _SEARCH_BACK, EARLIEST), now
    if not gone_by_now(lo):
        return -math.inf
    if gone_by_now(hi):
        return hi
    while hi - lo > 60:
        mid = (lo + hi) / 2
        if gone_by_now(mid):
            lo = mid
        else:
            hi = mid
    return lo

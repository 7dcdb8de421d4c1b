"""Built-in conditions on time: the customer's tenure, the silence since the last contact,
and whether staff were open (counts of interactions are in ``counting``).

Each of these can change its answer with time alone, and says when in ``changes_at``.

>>> from extramile._time import Local
>>> silence_at_least(Local(days=7)) & outside_staff_hours()
silence_at_least(Local(days=7)) & ~staff_open_at_trigger()

Imports: ``_time``, ``errors`` (and this package's ``base`` and ``context``).
"""

from __future__ import annotations

import datetime as dt

import attrs

from extramile._conditions.base import Condition, remembered_repr
from extramile._conditions.context import Check, Context
from extramile._time import (
    UTC,
    Elapsed,
    Local,
    add_local_days,
    from_ts,
    local_date,
    local_day_start,
    zone,
)
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe

__all__ = [
    "SilenceAtLeast",
    "StaffOpenAtTrigger",
    "TenureAtLeast",
    "anniversary",
    "outside_staff_hours",
    "silence_at_least",
    "staff_open_at_trigger",
    "tenure_at_least",
]


def customer_zone(ctx: Context) -> dt.tzinfo:
    """The zone the customer's local days are counted in: their own, or the staff's."""
    name = ctx.customer.timezone
    return zone(name) if name is not None else ctx.schedule.tz


def anniversary(since: dt.date, years: int) -> dt.date:
    """The date ``years`` years after ``since``: 28 February for a 29 February in a common
    year.

    >>> anniversary(dt.date(2024, 2, 29), 1)
    datetime.date(2025, 2, 28)
    """
    year = since.year + years
    try:
        return since.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 2, 28)


@attrs.frozen(repr=False)
class TenureAtLeast(Condition):
    """The customer has been with us for at least ``years`` years, at ``ctx.now`` (the
    trigger, in a rule's condition)."""

    years: int

    def _since_ts(self, ctx: Context) -> float | None:
        since = ctx.customer.customer_since
        if since is None:
            return None
        return local_day_start(anniversary(since, self.years), customer_zone(ctx))

    def check(self, ctx: Context) -> bool:
        start = self._since_ts(ctx)
        return start is not None and start <= ctx.now

    def compiled(self) -> Check:
        years = self.years
        exact = self.check
        two_days = dt.timedelta(days=2)

        def tenure_at_least(ctx: Context) -> bool:
            since = ctx.customer.customer_since
            if since is None:
                return False
            # Compare local dates, which needs no wall-clock arithmetic; only within two
            # days of the anniversary (where an offset change could matter) ask exactly.
            due = anniversary(since, years)
            today = local_date(ctx.now, customer_zone(ctx))
            if due + two_days <= today:
                return True
            if due >= today + two_days:
                return False
            return exact(ctx)

        return tenure_at_least

    def explain(self, ctx: Context) -> str:
        verdict = "held" if self.check(ctx) else "failed"
        since = ctx.customer.customer_since
        known = "customer_since is unknown" if since is None else f"a customer since {since}"
        return f"{self!r} {verdict}: {known}"

    def changes_at(self, ctx: Context) -> float | None:
        start = self._since_ts(ctx)
        return start if start is not None and start > ctx.now else None

    @remembered_repr
    def __repr__(self) -> str:
        return f"tenure_at_least(years={self.years})"


def tenure_at_least(*, years: int) -> Condition:
    """The customer has been a customer for ``years`` years or more (by their local date)."""
    if isinstance(years, bool) or not isinstance(years, int) or not 0 <= years <= 100:
        raise InvalidPolicyError(
            f"tenure_at_least() years must be a whole number from 0 to 100 (got {describe(years)})"
        )
    return TenureAtLeast(years=years)


def _after(ts: float, duration: Elapsed | Local, ctx: Context) -> float:
    if isinstance(duration, Elapsed):
        return ts + duration.seconds
    return add_local_days(ts, duration.days, customer_zone(ctx))


def check_span(value: object, where: str) -> Elapsed | Local:
    """``value``, checked to be an ``Elapsed`` or ``Local`` duration; ``where`` names it.

    Raises:
        PolicyTypeError: anything else.
    """
    if not isinstance(value, (Elapsed, Local)):
        raise PolicyTypeError(
            f"{where} must be an Elapsed or Local duration (got {describe(value)})"
        )
    return value


@attrs.frozen(repr=False)
class SilenceAtLeast(Condition):
    """At least ``duration`` passed from the last contact in scope to ``ctx.now``: in a
    rule's condition, the silence before the trigger; in a stop, the silence up to now."""

    duration: Elapsed | Local

    def _threshold(self, ctx: Context) -> float | None:
        last = ctx.last_contact
        return None if last is None else _after(last, self.duration, ctx)

    def check(self, ctx: Context) -> bool:
        threshold = self._threshold(ctx)
        return threshold is not None and threshold <= ctx.now

    def explain(self, ctx: Context) -> str:
        if ctx.last_contact is None:
            return f"{self!r} failed: there was no contact"
        verdict = "held" if self.check(ctx) else "failed"
        return f"{self!r} {verdict}: the last contact was at {from_ts(ctx.last_contact, UTC)}"

    def changes_at(self, ctx: Context) -> float | None:
        threshold = self._threshold(ctx)
        return threshold if threshold is not None and threshold > ctx.now else None

    @remembered_repr
    def __repr__(self) -> str:
        return f"silence_at_least({self.duration!r})"


def silence_at_least(duration: Elapsed | Local) -> Condition:
    """No interaction in scope (the issue, or the customer) for ``duration``: before the
    trigger in a rule's condition, up to now in its stop."""
    return SilenceAtLeast(duration=check_span(duration, "silence_at_least() duration"))


@attrs.frozen(repr=False)
class StaffOpenAtTrigger(Condition):
    """Staff were open when the episode started (by the policy's schedule)."""

    def check(self, ctx: Context) -> bool:
        return ctx.schedule.is_open_ts(ctx.episode_start)

    def explain(self, ctx: Context) -> str:
        if self.check(ctx):
            return f"{self!r} held: staff were open when it happened"
        return f"{self!r} failed: {ctx.schedule.describe_closed(ctx.episode_start)}"

    @remembered_repr
    def __repr__(self) -> str:
        return "staff_open_at_trigger()"


def staff_open_at_trigger() -> Condition:
    """Staff were open when the triggering interaction happened."""
    return StaffOpenAtTrigger()


def outside_staff_hours() -> Condition:
    """Staff were closed (after hours, a weekend or a holiday) when it happened.

    >>> outside_staff_hours()
    ~staff_open_at_trigger()
    """
    return ~StaffOpenAtTrigger()

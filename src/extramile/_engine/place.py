"""``place()``: one call placed by hand, outside any policy, with the engine's own search.

Imports: ``_decision``, ``_model``, ``_rules``, ``_time``, ``errors``, and the siblings
``contact``, ``moves`` and ``search``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import attrs
import pendulum

from extramile._decision import Adjustment, SuppressedCall
from extramile._engine.contact import Contact
from extramile._engine.moves import Constraint, RawMove, render_moves
from extramile._engine.search import deadline_after, no_common_window, place_call, suppression_of
from extramile._model import Customer, Interaction
from extramile._rules import (
    DEFAULT_CALLING_WINDOW,
    ContactCaps,
    as_caps,
    as_schedule,
    as_window,
    as_zones,
)
from extramile._time import (
    UTC,
    CallingWindow,
    Schedule,
    ZoneName,
    aware_seconds,
    from_ts,
    instant,
)
from extramile.errors import (
    FactTypeError,
    InvalidFactError,
    InvalidPolicyError,
    PolicyTypeError,
    describe,
    describe_type,
)

__all__ = ["Placement", "place"]


@attrs.frozen(kw_only=True)
class Placement:
    """Where a call landed: its due time, its deadline, and what moved it."""

    due_at: pendulum.DateTime = attrs.field(eq=instant)
    deadline: pendulum.DateTime = attrs.field(eq=instant)
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def overdue(self) -> bool:
        """Whether the call is already past its deadline (compared as instants)."""
        return self.due_at.timestamp() > self.deadline.timestamp()


def place(
    *,
    due: dt.datetime,
    deadline: dt.datetime,
    now: dt.datetime,
    customer: Customer,
    history: Iterable[Interaction] = (),
    schedule: Schedule,
    calling_window: CallingWindow | str | Mapping[str, object] = DEFAULT_CALLING_WINDOW,
    served_timezones: Sequence[ZoneName] = (),
    caps: ContactCaps | None = None,
    extra_mile: bool = False,
    essential: bool = False,
) -> Placement | SuppressedCall:
    """Place one call: the earliest instant at or after ``max(now, due)`` that all allow.

    Args:
        due: when the call is wanted.
        deadline: when it should have happened by.
        now: the present; interactions after it are ignored.
        customer: who is called (timezone, calling hours, do-not-call).
        history: the customer's interactions (outbound calls count against caps, the
            latest inbound contact on any channel but ``system`` opens a callback hour).
        schedule: staff business hours, ignored for ``extra_mile`` calls.
        calling_window: the default calling window, in the customer's timezone: a
            :class:`Window` every day, or per weekday a :class:`WeeklyWindow` or its
            mapping (``{"mon-sat": "09:00-19:00"}``).
        served_timezones: the zones whose windows must all be open when the customer's
            timezone is unknown.
        caps: contact caps (default :class:`ContactCaps`), ignored for ``essential`` calls.
        extra_mile: may be placed outside staff hours and on holidays.
        essential: bypasses caps and the minimum gap; never do-not-call.

    Returns:
        A :class:`Placement` (due time, deadline, what moved it) or a
        :class:`SuppressedCall` (why not; a call placed by hand has no key and no rule).

    Raises:
        FactTypeError: a customer or interaction of the wrong type.
        InvalidFactError: a naive datetime, or history of another customer.
        PolicyTypeError, InvalidPolicyError: a schedule, calling window, served
            timezones or caps that a :class:`FollowUpPolicy` would refuse, or a deadline
            before the due time or an ``extra_mile`` or ``essential`` that is not a bool,
            which a :class:`Rule` would refuse.

    >>> import pendulum
    >>> office = Schedule(timezone="Australia/Sydney", hours={"mon-sun": "00:00-24:00"})
    >>> sydney = Customer(id="c-1", timezone="Australia/Sydney")
    >>> wanted = pendulum.datetime(2026, 4, 4, 10, tz="UTC")     # 21:00 AEDT
    >>> placed = place(due=wanted, deadline=wanted.add(hours=1), now=wanted,
    ...                customer=sydney, schedule=office)
    >>> placed.due_at.in_timezone("UTC").isoformat(), placed.adjustments[0].reason
    ('2026-04-04T22:00:00+00:00', 'calling window closed in Australia/Sydney until 08:00 AEST')
    """
    due_ts = aware_seconds(due, "place() due")
    if aware_seconds(deadline, "place() deadline") < due_ts:
        # What Rule refuses too: every such call would be overdue before it is due.
        raise InvalidPolicyError(
            f"place() deadline ({deadline.isoformat()}) comes before the due time"
            f" ({due.isoformat()}), so the call would be overdue"
        )
    aware_seconds(now, "place() now")
    for label, flag in (("extra_mile", extra_mile), ("essential", essential)):
        if flag.__class__ is not bool:  # as Rule refuses it: "yes" would be taken as True
            raise PolicyTypeError(f"place() {label} must be a bool (got {describe(flag)})")
    if not isinstance(customer, Customer):
        # A row given for the customer holds their phone and email: its type alone.
        raise FactTypeError(f"place() customer must be a Customer (got {describe_type(customer)})")
    schedule = as_schedule(schedule, "place() schedule")
    window = as_window(calling_window, "place() calling_window")
    served_timezones = as_zones(served_timezones, "place() served_timezones")
    if caps is not None:
        caps = as_caps(caps, "place() caps")
    given: object = history
    if isinstance(given, str) or not isinstance(given, Iterable):
        raise FactTypeError(
            f"place() history must be an iterable of Interactions (got {describe_type(history)})"
        )
    items = list(history)
    for item in items:
        if not isinstance(item, Interaction):
            raise FactTypeError(
                f"place() history must hold Interactions (got {describe_type(item)})"
            )
        if item.customer_id != customer.id:
            raise InvalidFactError(
                f"place() history holds interaction {item.id!r} of customer"
                f" {item.customer_id!r}, not of {customer.id!r}"
            )
    caps = caps if caps is not None else ContactCaps()
    now_ts = now.timestamp()
    contact = Contact.of(
        customer,
        items,
        now_ts=now_ts,
        calling_window=window,
        served_timezones=served_timezones,
        schedule=schedule,
    )
    blocked = suppression_of(contact)
    if blocked is not None:
        return _suppressed(customer, *blocked)
    moves: list[RawMove] = []
    landed = place_call(
        contact,
        due.timestamp(),
        now_ts,
        schedule=schedule,
        caps=caps,
        extra_mile=extra_mile,
        essential=essential,
        moves=moves,
    )
    if landed is None:
        return _suppressed(customer, Constraint.NO_COMMON_WINDOW, no_common_window(contact))
    placed, nominal = landed
    new_deadline = deadline_after(due.timestamp(), deadline.timestamp(), nominal)
    tz = contact.zones[0] if len(contact.zones) == 1 else UTC
    return Placement(
        due_at=from_ts(placed, tz),
        deadline=from_ts(new_deadline, tz),
        adjustments=render_moves(moves, schedule=schedule, caps=caps, contact=contact),
    )


def _suppressed(customer: Customer, constraint: Constraint, reason: str) -> SuppressedCall:
    return SuppressedCall(
        customer_id=customer.id,
        issue_id=None,
        key=None,
        rule=None,
        constraint=constraint.value,
        reason=reason,
    )

"""Fitting a deadline: one that falls where the call may not be made is pulled back.

A call's deadline is worked out from its rule (and moved with the call when constraints
push it: promise 7, :func:`~extramile._engine.timing.deadline_for`).  It may then fall
where the call may not be made: after the calling window has closed (in any of the
customer's zones) or, unless the call goes the extra mile, outside staff hours.  It is
then pulled back to the end of the last allowed span before it: "within 2 hours" of a
call due at 18:30 with a window that closes at 19:00 means by 19:00, not by 20:30.  The
callback hour after the customer's own contact counts as allowed for a call that goes in
it.  When no allowed moment lies between the call's due time and its deadline, the
deadline stays and the call is *at risk*.

The spans searched are the memoised tables placement uses
(:meth:`~extramile._engine.contact.Contact.allowed`), and the search starts from where
constraints placed the call from its due time alone, so the answer never depends on
``now``.  A :class:`Fit` records what was done; :func:`fit_adjustment` words it, as an
:class:`~extramile.Adjustment` of the deadline, when a call is made of it.

Imports: ``_decision``, ``_time``, and the siblings ``contact`` and ``moves``.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, NamedTuple

from extramile._decision import Adjustment
from extramile._engine.contact import CALLBACK_GRACE, Contact
from extramile._engine.moves import Constraint
from extramile._memo import Memo
from extramile._time import UTC, OpenTable, Schedule, from_ts

__all__ = ["Fit", "fit_adjustment", "fit_deadline"]


class Fit(NamedTuple):
    """A deadline that fell where the call may not be made."""

    deadline: float
    """Where it fell (after any move with the call), POSIX seconds."""
    fitted: float
    """Where it was pulled back to; equal to ``deadline`` when it could not be (at risk)."""
    extra_mile: bool
    """Whether staff hours were left out (the call goes the extra mile)."""

    @property
    def at_risk(self) -> bool:
        """Whether no allowed moment lay between the due time and the deadline."""
        return self.fitted == self.deadline


def fit_deadline(
    contact: Contact, deadline: float, floor: float, schedule: Schedule, *, extra_mile: bool
) -> Fit | None:
    """How a call placed at ``floor`` (from its due time alone) fits ``deadline`` into
    the moments it may be made; None when the deadline lies in one already.
    """
    # Most deadlines lie where the call may be made: one bisection of the table of the
    # moments it may be (Contact.allowed(), read from the clocks here without its call),
    # which answers the deadline itself then.
    allowed = contact.clocks.allowed(None if extra_mile else schedule).source
    end = allowed.last_end(deadline, floor)
    if end == deadline:
        return None
    grace = contact.last_inbound
    if grace is not None and grace <= floor < grace + CALLBACK_GRACE:
        # a callback in the hour after the customer's own contact may go on until the
        # hour ends (and, unless it goes the extra mile, staff close)
        until = grace + CALLBACK_GRACE
        if not extra_mile:
            until = min(until, schedule.open_until_ts(floor))
        if deadline <= until:
            return None
        end = until if end is None else max(end, until)
    if end is None or end <= floor:
        return Fit(deadline, deadline, extra_mile)
    return Fit(deadline, end, extra_mile)


def fit_adjustment(fit: Fit, contact: Contact, schedule: Schedule) -> Adjustment:
    """The :class:`~extramile.Adjustment` of the deadline that says what ``fit`` did.

    Made once for each fit and set of clocks: the calls of a book share deadlines (a
    bill date, a staff closing) and the clocks they are read on.
    """
    return _ADJUSTMENTS[
        fit,
        contact.zone_names,
        contact.zones,
        contact.tables,
        contact.window,
        schedule.timezone,
        schedule.open_table(),
    ]


_Clocks = tuple[
    Fit, tuple[str, ...], tuple[dt.tzinfo, ...], tuple[OpenTable, ...], object, str, OpenTable
]
"""A fit and the clocks its adjustment reads: the customer's zones (names, zones, calling
window tables, the window) and the staff's (zone name, open table).  The tables hash by
identity; holding them in a key keeps them alive as long as the key is kept."""


def _adjustment(clocks: _Clocks) -> Adjustment:
    fit, zone_names, zones, tables, window, staff_zone, staff = clocks
    deadline = fit.deadline
    closed = [
        f"the calling window in {name} ({window})"
        for name, table in zip(zone_names, tables, strict=True)
        if not table.is_open(deadline)
    ]
    constraint = Constraint.CALLING_WINDOW if closed else Constraint.STAFF_HOURS
    if not fit.extra_mile and not staff.is_open(deadline):
        closed.append(f"staff hours in {staff_zone}")
    tz: dt.tzinfo = zones[0] if len(zones) == 1 else UTC
    where = " and ".join(closed) if closed else "the callback hour"
    when = _label(deadline, tz)
    if fit.at_risk:
        reason = (
            f"deadline {when} kept, at risk: {where} closed then, and no moment the call"
            " may be made lies between its due time and its deadline"
        )
    else:
        reason = (
            f"deadline pulled back from {when} to {_label(fit.fitted, tz)}, the end of the"
            f" last moment the call may be made: {where} closed at {when}"
        )
    return Adjustment(
        constraint=constraint.value,
        moved_from=from_ts(deadline, UTC),
        moved_to=from_ts(fit.fitted, UTC),
        reason=reason,
        target="deadline",
    )


_ADJUSTMENTS: Final[Memo[_Clocks, Adjustment]] = Memo(_adjustment, 4096, name="deadline fits")


def _label(ts: float, tz: dt.tzinfo) -> str:
    """``"Mon 2026-03-09 19:00 CET"``."""
    local = dt.datetime.fromtimestamp(ts, tz)
    return (
        f"{_DAYS[local.weekday()]} {local.year:04d}-{local.month:02d}-{local.day:02d}"
        f" {local.hour:02d}:{local.minute:02d} {local.tzname()}"
    )


_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

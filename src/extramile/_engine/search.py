"""The search for the earliest moment every constraint allows a call.

Theory of operation
-------------------

A call wants to be made at its *due* time and by its *deadline*.  Each constraint is a
monotone function "the earliest allowed instant at or after t":

* the calling window, in the customer's timezone (or, when that is unknown, in *every*
  timezone the policy serves: fail closed), skipped during the hour after the customer's
  own inbound contact, since a callback is not unsolicited;
* staff hours and holidays, unless the rule is extra-mile;
* the contact caps (a rolling count of outbound attempts, each counting until it is
  ``per`` local days old; a minimum gap), unless the rule is essential.  The next try of
  a call that did not reach the customer is exempt from the gap after its own attempts
  (it is the same call, tried again), never from the cap: the gap is then measured from
  ``gap_attempts``, the customer's attempts without the call's own (:func:`without`).
  When each attempt ages out of the cap is worked out once for the customer, and the
  search bisects it (:class:`~extramile._engine.contact.CapAges`).

:func:`place_ts` applies them in turn until none moves the instant any more (a fixed
point, so the result satisfies all of them at once), and records each move.  Each step
moves the instant no further than the first one its constraint allows, so the fixed point
is the first instant at or after the start that all of them allow.

A customer far from the staff (Sydney, with staff in New York) can have no instant that
both allow for months; rather than bounce between them a day at a time, after four rounds
without a fixed point the search *leaps* to the first instant at which the calling window
in every zone and (unless the rule is extra-mile) staff hours are open together,
intersecting their tables, or gives up when there is none within the 400 days.  It leaps
only once the callback hour is behind it.  Since what the leap skips is refused by one of
the clocks, the call lands where it would have without the leap.  The leap is recorded as
one move per zone (calling window) and one for staff hours, marked as leaps; their reasons
say which clocks do not overlap until when, e.g. "calling window in Australia/Sydney
(08:00-21:00) and staff hours in America/New_York do not overlap until Tue 2026-11-03
08:00 AEDT".  Do-not-call is absolute and is checked first (:func:`suppression_of`); an
unknown timezone with no served timezones has no window at all.

Imports: ``_rules``, ``_time``, and the siblings ``contact`` and ``moves``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from typing import Final

from extramile._engine.contact import CALLBACK_GRACE, Contact, reach_table
from extramile._engine.moves import Constraint, RawMove
from extramile._rules import ContactCaps
from extramile._time import DAY, Schedule

__all__ = [
    "SEARCH_SECONDS",
    "deadline_after",
    "no_common_window",
    "place_call",
    "place_ts",
    "suppression_of",
    "without",
]

SEARCH_SECONDS: Final = 400 * 86_400.0
"""How far past its due time placement looks for an allowed moment (about 13 months, so
that every daylight-saving state of the year is seen)."""
_MAX_ROUNDS: Final = 10_000
_LEAP_AFTER: Final = 4
"""Rounds of the fixed-point search after which placement leaps to where the calling
windows and staff hours next overlap, instead of bouncing between them day by day."""

_move: Final = tuple.__new__
"""Makes a :class:`RawMove` from a whole tuple at half the cost of its constructor: the
search records a move at almost every step."""
_GAP: Final = Constraint.GAP
_CAP: Final = Constraint.CAP
_WINDOW: Final = Constraint.CALLING_WINDOW
_STAFF: Final = Constraint.STAFF_HOURS


def _gap_next(ts: float, attempts: list[float], caps: ContactCaps) -> float:
    upto = bisect.bisect_right(attempts, ts)
    if upto == 0:
        return ts
    return max(ts, attempts[upto - 1] + caps.min_gap.seconds)


def _cap_next(ts: float, contact: Contact, caps: ContactCaps) -> float:
    # An attempt counts until it is ``per`` local days old: fewer attempts than the cap
    # allows never hold a call; otherwise the contact's table of when each ages out says
    # when enough of them have (see :class:`~extramile._engine.contact.CapAges`).
    limit = caps.max_attempts
    attempts = contact.attempts
    if len(attempts) < limit or bisect.bisect_right(attempts, ts) < limit:
        return ts
    return contact.cap_ages(caps.per.days).free_from(ts, limit)


def without(attempts: list[float], own: Iterable[float]) -> list[float]:
    """The sorted ``attempts`` without each of ``own`` (once each: another call may have
    been logged at the same instant)."""
    rest = list(attempts)
    for ts in own:
        rest.remove(ts)
    return rest


def place_ts(
    contact: Contact,
    start: float,
    *,
    schedule: Schedule,
    caps: ContactCaps,
    extra_mile: bool,
    essential: bool,
    moves: list[RawMove] | None,
    gap_attempts: list[float] | None = None,
) -> float | None:
    """The earliest instant in ``[start, start + SEARCH_SECONDS]`` that every constraint
    allows, or None.  Do-not-call and a missing timezone are the caller's to check first.

    Each round moves the instant past what one constraint refuses, so the answer, and
    the moves recorded on the way, depend only on the facts and ``start``.
    ``gap_attempts`` are the attempts the minimum gap is measured from (default: all).
    """
    limit = start + SEARCH_SECONDS
    attempts = contact.attempts
    if gap_attempts is None:
        gap_attempts = attempts
    t = start
    grace_from = contact.last_inbound
    grace_until = -math.inf if grace_from is None else grace_from + CALLBACK_GRACE
    rounds = 0
    for _ in range(_MAX_ROUNDS):
        if t > limit:
            return None
        if rounds == _LEAP_AFTER:
            rounds = 0
            if t >= grace_until:
                leapt = _leap(contact, t, limit, None if extra_mile else schedule, moves)
                if leapt is None:
                    return None
                t = leapt
        rounds += 1
        before = t
        if not essential and attempts:
            moved = _gap_next(t, gap_attempts, caps)
            if moved != t:
                if moves is not None:
                    moves.append(_move(RawMove, (_GAP, t, moved, "", False, False, ())))
                t = moved
            moved = _cap_next(t, contact, caps)
            if moved != t:
                if moves is not None:
                    moves.append(_move(RawMove, (_CAP, t, moved, "", False, False, ())))
                t = moved
        if grace_from is None or not grace_from <= t < grace_until:
            for table, name in zip(contact.tables, contact.zone_names, strict=True):
                # a daily window opens within days, even across Apia's skipped day
                found = table.first_open(t, t + 7 * DAY)
                moved = found if found is not None else t + 7 * DAY
                if moved != t:
                    if moves is not None:
                        moves.append(_move(RawMove, (_WINDOW, t, moved, name, False, False, ())))
                    t = moved
        if not extra_mile:
            moved = schedule.next_open_ts(t)
            if moved != t:
                if moves is not None:
                    moves.append(_move(RawMove, (_STAFF, t, moved, "", False, False, ())))
                t = moved
        if t == before:
            return t if t <= limit else None
    return None  # pragma: no cover - thousands of alternating windows in 400 days


def _leap(
    contact: Contact, t: float, limit: float, staff: Schedule | None, moves: list[RawMove] | None
) -> float | None:
    """The first instant in ``[t, limit]`` at which the calling window is open in every
    zone and, unless ``staff`` is None, staff are open too (None if there is none).

    Every constraint placement applies moves an instant no further than the first one it
    allows, and what the leap skips is refused by one of them, so the search lands where
    it would have without the leap; only the record of the moves is shorter.
    """
    if len(contact.tables) + (staff is not None) < 2:
        return t  # one clock alone never needs the leap: its own step is exact
    found = reach_table(contact.reach, staff).first_open(t, math.nextafter(limit, math.inf))
    if found is not None and found != t and moves is not None:
        with_staff = staff is not None
        moves.extend(
            RawMove(_WINDOW, t, found, name, leap=True, with_staff=with_staff)
            for name in contact.zone_names
        )
        if with_staff:
            moves.append(RawMove(_STAFF, t, found, leap=True))
    return found


def suppression_of(contact: Contact) -> tuple[Constraint, str] | None:
    """The absolute reason no call may be placed for this customer, if any."""
    if contact.do_not_call:
        return (Constraint.DO_NOT_CALL, "the customer asked not to be called (do-not-call)")
    if not contact.zones:
        return (
            Constraint.UNKNOWN_TIMEZONE,
            (
                "the customer's timezone is unknown and the policy serves no timezone,"
                " so no calling window can be trusted"
            ),
        )
    return None


def place_call(
    contact: Contact,
    due: float,
    now: float,
    *,
    schedule: Schedule,
    caps: ContactCaps,
    extra_mile: bool,
    essential: bool,
    moves: list[RawMove] | None,
    gap_attempts: list[float] | None = None,
) -> tuple[float, float] | None:
    """(when the call goes, where it would have gone from its due time alone), or None
    when no moment is allowed.

    The call goes at the first allowed moment at or after ``max(now, due)``.  Its
    deadline moves on by as much as the constraints pushed it from its due time (see
    :func:`deadline_after`): the second instant, so that asking late (``now`` after the
    due time) moves nothing and an overdue call stays overdue.
    """
    at = place_ts(
        contact,
        max(now, due),
        schedule=schedule,
        caps=caps,
        extra_mile=extra_mile,
        essential=essential,
        moves=moves,
        gap_attempts=gap_attempts,
    )
    if at is None:
        return None
    nominal = at
    if due < now:
        # A callback hour that opened after the due time is missed by a search from it
        # (the calling window leads it elsewhere): search from its opening too.
        starts = [due]
        if contact.last_inbound is not None and due < contact.last_inbound < at:
            starts.append(contact.last_inbound)
        found = [
            landed
            for start in starts
            if (
                landed := place_ts(
                    contact,
                    start,
                    schedule=schedule,
                    caps=caps,
                    extra_mile=extra_mile,
                    essential=essential,
                    moves=None,
                    gap_attempts=gap_attempts,
                )
            )
            is not None
        ]
        # Where it could have gone from its due time; never later than where it goes.
        nominal = min([*found, at])
    return at, nominal


def no_common_window(contact: Contact) -> str:
    """Why a call found no allowed moment, for a suppression."""
    return (
        "no moment within 400 days of the due time satisfies every constraint: the calling"
        f" windows of {', '.join(contact.zone_names)} never overlap with the allowed hours"
    )


def deadline_after(nominal_due: float, nominal_deadline: float, placed: float) -> float:
    """The deadline of a call due at ``nominal_due`` that constraints placed at
    ``placed``: it moves with the call, keeping its slack in elapsed time (promise 7).
    The engine, which knows the rule, measures the slack in the rule's own kind of time
    where the deadline is counted from the due time."""
    if placed <= nominal_due:
        return nominal_deadline
    return nominal_deadline + (placed - nominal_due)

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

:func:`place_ts` answers from one allowed set, "(the calling window open in every zone,
or the callback hour) and, unless the rule is extra-mile, staff open": the first instant
of it at or after the start is one bisection of a flat table of its boundaries (see
:func:`allowed_next` and :class:`~extramile._time.FlatTable`), a pure function of the
zones, the window and the schedule, shared by every customer with the same clocks.  The
gap and the cap then move the instant on when they hold it, and the set is asked again,
until nothing moves it (a fixed point of operators that each move an instant no further
than the first one they allow, so it is the first instant all of them allow).  A due time
that is allowed is the answer after one bisection (and one of the gap and the cap).

The callback hour is part of the set: from a start before the customer's own contact, the
first instant may be the hour's opening, though the window is closed then (the search as
first written stepped through the constraints one by one and stepped over it there).

The moves a call made are derived from its start and the answer, only when they are asked
for and the call moved (:func:`moves_to`): each constraint in turn (the gap, the cap, the
calling window in each zone, staff hours) moves the call past the interval it is closed
in, until the answer is reached.  A customer far from the staff (Sydney, with staff in
New York) can have no instant that both allow for months; rather than bounce between them
a day at a time, after four rounds the moves *leap* to the first instant at which the
calling window in every zone and (unless the rule is extra-mile) staff hours are open
together.  It leaps only once the callback hour is behind it.  The leap is recorded as
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

from extramile._engine.contact import CALLBACK_GRACE, Contact
from extramile._engine.moves import Constraint, RawMove, Walk, whole
from extramile._rules import ContactCaps
from extramile._time import FlatTable, Schedule

__all__ = [
    "SEARCH_SECONDS",
    "allowed_next",
    "deadline_after",
    "first_allowed",
    "moves_to",
    "no_common_window",
    "place_call",
    "place_ts",
    "suppression_of",
    "walk_moves",
    "without",
]

SEARCH_SECONDS: Final = 400 * 86_400.0
"""How far past its due time placement looks for an allowed moment (about 13 months, so
that every daylight-saving state of the year is seen)."""
_MAX_ROUNDS: Final = 10_000
_LEAP_AFTER: Final = 4
"""Rounds of the fixed-point search after which placement leaps to where the calling
windows and staff hours next overlap, instead of bouncing between them day by day."""

_GAP: Final = Constraint.GAP
_CAP: Final = Constraint.CAP
_WINDOW: Final = Constraint.CALLING_WINDOW
_STAFF: Final = Constraint.STAFF_HOURS
_after: Final = math.nextafter
_INF: Final = math.inf


def _gap_next(ts: float, attempts: list[float], caps: ContactCaps) -> float:
    upto = bisect.bisect_right(attempts, ts)
    if upto == 0:
        return ts
    free = attempts[upto - 1] + caps.min_gap.seconds
    return free if free > ts else ts  # max(), without the call


def _cap_next(ts: float, contact: Contact, caps: ContactCaps) -> float:
    # An attempt counts until it is ``per`` local days old: fewer attempts than the cap
    # allows never hold a call; otherwise the contact's table of when each ages out says
    # when enough of them have (see :class:`~extramile._engine.contact.CapAges`).
    limit = caps.max_attempts
    attempts = contact.attempts
    if len(attempts) < limit or bisect.bisect_right(attempts, ts) < limit:
        return ts
    return contact.cap_ages(caps.per.days).free_from(ts, limit)


def _caps_next(ts: float, gap_attempts: list[float], contact: Contact, caps: ContactCaps) -> float:
    """``_cap_next(_gap_next(ts, gap_attempts, caps), contact, caps)`` in one call, for
    the search, which asks it at every step (:func:`moves_to` takes the two apart, to
    say which moved the call)."""
    upto = bisect.bisect_right(gap_attempts, ts)
    if upto:
        free = gap_attempts[upto - 1] + caps.min_gap.seconds
        ts = free if free > ts else ts
    if len(contact.attempts) < caps.max_attempts:
        return ts  # (the first test of _cap_next, without its call)
    return _cap_next(ts, contact, caps)


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

    The answer depends only on the facts and ``start``: the first instant of the allowed
    set (:func:`allowed_next`) that the gap and the cap allow too, each a bisection.  The
    moves, recorded only when asked for and only when the call moved, are derived from
    ``start`` and the answer (:func:`moves_to`).
    ``gap_attempts`` are the attempts the minimum gap is measured from (default: all).
    """
    if gap_attempts is None:
        gap_attempts = contact.attempts
    staff = None if extra_mile else schedule
    t = first_allowed(
        contact, start, contact.clocks.allowed(staff), staff, caps, essential, gap_attempts
    )
    if t is None:
        return None
    if moves is not None and t != start:
        moves_to(
            contact,
            start,
            t,
            schedule=schedule,
            caps=caps,
            extra_mile=extra_mile,
            essential=essential,
            moves=moves,
            gap_attempts=gap_attempts,
        )
    return t


def first_allowed(  # noqa: PLR0917  # in order: placement calls this for every call
    contact: Contact,
    start: float,
    allowed: FlatTable,
    staff: Schedule | None,
    caps: ContactCaps,
    essential: bool,
    gap_attempts: list[float],
) -> float | None:
    """:func:`place_ts` without the moves: the earliest instant in ``[start, start +
    SEARCH_SECONDS]`` that every constraint allows, or None; staff hours unless ``staff``
    is None (an extra-mile call), the gap measured from ``gap_attempts``.  ``allowed``
    is ``contact.clocks.allowed(staff)``, which placement asks once for both its searches
    and passes on, with the rest of the arguments in order."""
    limit = start + SEARCH_SECONDS
    held = not essential and contact.attempts
    # (any horizon after ``start`` tells whether ``start`` itself is open)
    if allowed.next_open(start, limit) == start and (
        not held or _caps_next(start, gap_attempts, contact, caps) == start
    ):
        return start  # the common case: allowed at the start, nothing moved
    horizon = _after(limit, _INF)
    grace_from = contact.last_inbound
    t = start
    for _ in range(_MAX_ROUNDS):
        found = allowed.next_open(t, horizon)
        if found != t and grace_from is not None and t < grace_from + CALLBACK_GRACE:
            found = _in_grace(t, found, grace_from, staff, horizon)
        if found is None:
            if staff is not None:
                staff.next_open_ts(t)  # raises when staff never open (every day a holiday)
            return None
        t = found
        if not held:
            break
        moved = _caps_next(t, gap_attempts, contact, caps)
        if moved == t:
            break
        t = moved
    else:  # pragma: no cover - thousands of caps and closings alternating in 400 days
        return None
    return None if t > limit else t


def allowed_next(
    contact: Contact, ts: float, schedule: Schedule | None, limit: float
) -> float | None:
    """The first instant in ``[ts, limit]`` of the allowed set: "(the calling window open
    in every zone, or the callback hour) and, unless ``schedule`` is None, staff open"
    (None if there is none).  One bisection of the flat table, and one of the staff's
    table when the callback hour lies ahead."""
    horizon = math.nextafter(limit, math.inf)
    found = contact.clocks.allowed(schedule).next_open(ts, horizon)
    grace_from = contact.last_inbound
    if found != ts and grace_from is not None and ts < grace_from + CALLBACK_GRACE:
        found = _in_grace(ts, found, grace_from, schedule, horizon)
    return found


def _in_grace(
    ts: float, found: float | None, grace_from: float, schedule: Schedule | None, horizon: float
) -> float | None:
    """``found`` (the window's and staff's first instant at or after ``ts``), or the first
    instant of the callback hour from ``ts`` on that staff allow (before ``horizon``), if
    that is earlier."""
    grace_until = grace_from + CALLBACK_GRACE
    ahead = min(grace_until, horizon if found is None else found, horizon)
    since = max(ts, grace_from)
    if since >= ahead:
        return found
    early = since if schedule is None else schedule.open_table().first_open(since, ahead)
    return found if early is None else early


def moves_to(
    contact: Contact,
    start: float,
    answer: float,
    *,
    schedule: Schedule,
    caps: ContactCaps,
    extra_mile: bool,
    essential: bool,
    moves: list[RawMove],
    gap_attempts: list[float],
) -> None:
    """Record the moves that take a call from ``start`` to ``answer``, the first allowed
    instant (:func:`place_ts`): each constraint in turn (the gap, the cap, the calling
    window in each zone, staff hours) moves the call past the interval it is closed in,
    until ``answer`` is reached.  After four rounds the moves leap to where the calling
    windows and staff hours next overlap (see the module's notes).

    Every step stops at the first instant its constraint allows, all of which ``answer``
    satisfies, so the walk never passes ``answer``; what the moves say depends only on
    ``start`` and the facts.
    """
    attempts = contact.attempts
    clocks = contact.clocks
    grace_from = contact.last_inbound
    grace_until = -math.inf if grace_from is None else grace_from + CALLBACK_GRACE
    staff = None if extra_mile else schedule
    staff_table = None if staff is None else staff.open_table()
    beyond = math.nextafter(answer, math.inf)
    t = start
    rounds = 0
    while t < answer:
        before = t
        if rounds == _LEAP_AFTER:
            rounds = 0
            if t >= grace_until:
                t = _leap(contact, t, answer, staff, moves)
                if t >= answer:
                    break
        rounds += 1
        if not essential and attempts:
            moved = _gap_next(t, gap_attempts, caps)
            if moved != t:
                moves.append(whole(RawMove, (_GAP, t, moved, "", False, False, ())))
                t = moved
            moved = _cap_next(t, contact, caps)
            if moved != t:
                moves.append(whole(RawMove, (_CAP, t, moved, "", False, False, ())))
                t = moved
        if grace_from is None or not grace_from <= t < grace_until:
            for table, name in zip(clocks.tables, clocks.zone_names, strict=True):
                found = table.first_open(t, answer)
                # the callback hour opens the window when it comes first
                moved = answer if found is None else found
                if grace_from is not None and t < grace_from < moved:
                    moved = grace_from
                if moved != t:
                    moves.append(whole(RawMove, (_WINDOW, t, moved, name, False, False, ())))
                    t = moved
                if grace_from is not None and grace_from <= t < grace_until:
                    break
        if staff_table is not None:
            # staff are open at the answer: they open by then
            moved = staff_table.first_open(t, beyond) or answer
            if moved != t:
                moves.append(whole(RawMove, (_STAFF, t, moved, "", False, False, ())))
                t = moved
        if t == before:  # pragma: no cover - the answer is the first instant all allow
            break


def walk_moves(
    contact: Contact, walk: Walk, *, schedule: Schedule, caps: ContactCaps
) -> list[RawMove]:
    """The moves of ``walk``, recorded for ``contact`` (:func:`moves_to`)."""
    moves: list[RawMove] = []
    start, end, _, extra_mile, essential, gap_attempts = walk
    moves_to(
        contact,
        start,
        end,
        schedule=schedule,
        caps=caps,
        extra_mile=extra_mile,
        essential=essential,
        moves=moves,
        gap_attempts=contact.attempts if gap_attempts is None else gap_attempts,
    )
    return moves


def _leap(
    contact: Contact, t: float, limit: float, staff: Schedule | None, moves: list[RawMove]
) -> float:
    """The first instant in ``[t, limit]`` at which the calling window is open in every
    zone and, unless ``staff`` is None, staff are open too (None if there is none).

    Every constraint placement applies moves an instant no further than the first one it
    allows, and what the leap skips is refused by one of them, so the search lands where
    it would have without the leap; only the record of the moves is shorter.
    """
    if len(contact.tables) + (staff is not None) < 2:
        return t  # one clock alone never needs the leap: its own step is exact
    # the table under the flat one the search asks (reach_table(), kept by the clocks)
    table = contact.clocks.allowed(staff).source
    found = table.first_open(t, math.nextafter(limit, math.inf))
    found = limit if found is None else found
    if found != t:
        with_staff = staff is not None
        for name in contact.zone_names:  # (a loop: a generator's frame costs more)
            moves.append(whole(RawMove, (_WINDOW, t, found, name, True, with_staff, ())))  # noqa: PERF401
        if with_staff:
            moves.append(whole(RawMove, (_STAFF, t, found, "", True, False, ())))
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
    if at is None or due >= now:
        return None if at is None else (at, at)
    # Where it could have gone from its due time (the first allowed instant, a bisection
    # when the due time is allowed); never later than where it goes.
    found = place_ts(
        contact,
        due,
        schedule=schedule,
        caps=caps,
        extra_mile=extra_mile,
        essential=essential,
        moves=None,
        gap_attempts=gap_attempts,
    )
    return at, at if found is None or found > at else found


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

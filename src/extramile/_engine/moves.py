"""Moves: the constraints that can hold a call back, the moves they make, and their reasons.

Placement records each move as a :class:`RawMove` on the hot path (numbers and names, no
text); a move becomes an :class:`~extramile.Adjustment` with a readable reason only when
a call is made of it.  The reason of a move is derived from the move and the facts, never
from the path the search took to it.

Imports: ``_decision``, ``_rules``, ``_time``, ``_memo``, and the sibling ``contact``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections.abc import Sequence
from typing import Final, NamedTuple

from extramile._decision import Adjustment
from extramile._engine.contact import Contact
from extramile._memo import Memo
from extramile._rules import ContactCaps
from extramile._time import UTC, Schedule, clock_label, from_ts, pooled, zone

__all__ = [
    "Constraint",
    "Planned",
    "RawMove",
    "Walk",
    "planned_reason",
    "planned_words",
    "render_move",
    "render_moves",
    "whole",
]

whole: Final = tuple.__new__
"""``whole(Kind, fields)`` makes a named tuple (a :class:`RawMove`, a :class:`Walk`, a call
merged) from a whole tuple of its fields, at half the cost of its constructor, which
binds each field by name: placement makes one at almost every step."""


class Constraint(str, enum.Enum):
    """What held a call back, or stopped it; the values are the names users see."""

    CALLING_WINDOW = "calling-window"
    STAFF_HOURS = "staff-hours"
    CAP = "cap"
    GAP = "gap"
    DO_NOT_CALL = "do-not-call"
    UNKNOWN_TIMEZONE = "unknown-timezone"
    NO_COMMON_WINDOW = "no-common-window"
    CAPACITY = "capacity"
    """Moved by :func:`~extramile.plan` to a day with room in the team's capacity."""
    UNREACHABLE = "unreachable"
    """Tried as many times as its rule allows, and never reached the customer."""


class Planned(NamedTuple):
    """A call planned for the customer but not made yet, as a move it causes names it."""

    rule: str
    """Its leading rule."""
    key: str
    """Its leading key."""
    at: float
    """The instant it counts from, POSIX seconds (see :mod:`~extramile._engine.converse`)."""


def planned_words(call: Planned) -> str:
    """``"the loyal-rescue call planned for 2026-12-08T14:00:00+00:00 (key c-1/t-2/...)"``."""
    return f"the {call.rule} call planned for {from_ts(call.at, UTC).isoformat()} (key {call.key})"


class RawMove(NamedTuple):
    """One move of a call's time by one constraint, as placement records it."""

    constraint: Constraint
    start: float
    """Where the move began, POSIX seconds."""
    end: float
    """Where it put the call."""
    zone: str = ""
    """The timezone of a calling window's move."""
    leap: bool = False
    """Whether placement leapt to where the clocks next overlap (see ``search``)."""
    with_staff: bool = False
    """For a calling window's leap: whether staff hours took part in it."""
    after: tuple[Planned, ...] = ()
    """For a move by the minimum gap or the cap among the customer's planned calls: the
    planned call it keeps the gap after, or the planned calls the cap counted."""


class Walk(NamedTuple):
    """A call's moves from where its search began to where it landed, not worked out yet:
    placement records this, and the moves are derived from it only when they are read
    (:func:`~extramile._engine.search.walk_moves`), from these and the customer's clocks
    and calls.  Most calls that moved are never read."""

    start: float
    end: float
    last_inbound: float | None
    """The customer's latest own inbound contact (its callback hour opens the window)."""
    extra_mile: bool
    essential: bool
    gap_attempts: list[float] | None
    """The attempts the minimum gap counts (None: all the customer's)."""


def render_move(
    move: RawMove,
    *,
    schedule: Schedule,
    caps: ContactCaps,
    contact: Contact,
    explained_at: float | None = None,
) -> Adjustment:
    """Turn a recorded move into an :class:`Adjustment` with a readable reason.

    ``explained_at`` is the instant the reason speaks of (default: where the move began).
    """
    return Adjustment(
        constraint=move.constraint.value,
        moved_from=from_ts(move.start, UTC),
        moved_to=from_ts(move.end, UTC),
        reason=_reason(
            move,
            schedule=schedule,
            caps=caps,
            contact=contact,
            explained_at=move.start if explained_at is None else explained_at,
        ),
    )


def _reason(
    move: RawMove, *, schedule: Schedule, caps: ContactCaps, contact: Contact, explained_at: float
) -> str:
    constraint = move.constraint
    before = explained_at
    if move.after:
        return planned_reason(move, caps=caps, contact=contact)
    if move.leap:
        return _leap_reason(move, schedule=schedule, contact=contact)
    if constraint is Constraint.CALLING_WINDOW:
        return _WINDOW_REASONS[move.end, move.zone, contact.unknown_zone]
    if constraint is Constraint.STAFF_HOURS:
        return schedule.describe_closed(before)
    if constraint is Constraint.GAP:
        # The attempt the gap ran from: the latest before the move that it held the call
        # after (the call's own earlier tries are exempt from the gap).
        gap = caps.min_gap.seconds
        attempts = contact.attempts
        index = bisect.bisect_right(attempts, before)
        while index and attempts[index - 1] + gap > move.end:
            index -= 1
        assert index, "a move of the gap runs from an attempt before it"
        return (
            f"minimum gap: the last call was at {from_ts(attempts[index - 1], UTC).isoformat()},"
            f" and calls are at least {caps.min_gap} apart"
        )
    count = contact.cap_ages(caps.per.days).counting(before)
    return (
        f"cap: {count} calls in the {caps.per} before"
        f" {from_ts(before, UTC).isoformat()} (at most {caps.max_attempts})"
    )


def planned_reason(move: RawMove, *, caps: ContactCaps, contact: Contact) -> str:
    """Why a call moved for the customer's other planned calls: the gap after the one
    before it, or the cap they fill with the calls made."""
    if move.constraint is Constraint.GAP:
        return f"minimum gap: pushed {caps.min_gap} after {planned_words(move.after[0])}"
    before = move.start
    made = contact.cap_ages(caps.per.days).counting(before)
    planned = "; ".join(planned_words(call) for call in move.after)
    return (
        f"cap: {made + len(move.after)} calls in the {caps.per} before"
        f" {from_ts(before, UTC).isoformat()} (at most {caps.max_attempts}),"
        f" {len(move.after)} of them planned: {planned}"
    )


def _window_reason(key: tuple[float, str, bool]) -> str:
    after, name, unknown_zone = key
    prefix = "customer timezone unknown; " if unknown_zone else ""
    return f"{prefix}calling window closed in {name} until {clock_label(after, zone(name))}"


_WINDOW_REASONS: Final[Memo[tuple[float, str, bool], str]] = Memo(
    _window_reason, 4096, name="calling-window reasons"
)
"""A book's calls wait for a few window openings: their reasons are made once each."""


def _leap_reason(move: RawMove, *, schedule: Schedule, contact: Contact) -> str:
    """Why a leap skipped ahead: the clocks involved do not overlap until it landed."""
    name = move.zone
    window = contact.window
    others = [f"the calling window in {other}" for other in contact.zone_names if other != name]
    if move.constraint is Constraint.STAFF_HOURS:
        subject = f"staff hours in {schedule.timezone}"
        tz = schedule.tz
        others = [f"{other} ({window})" for other in others]
    else:
        subject = f"calling window in {name} ({window})"
        if move.with_staff:
            others.append(f"staff hours in {schedule.timezone}")
        tz = zone(name)
    after = move.end
    day, clock = clock_label(after, tz, weekday=True).split(" ", 1)
    when = f"{day} {dt.datetime.fromtimestamp(after, tz).date().isoformat()} {clock}"
    prefix = "customer timezone unknown; " if contact.unknown_zone else ""
    clocks = [subject, *others]
    together = ", ".join(clocks[:-1]) + " and " + clocks[-1]
    return f"{prefix}{together} do not overlap until {when}"


def render_moves(
    moves: Sequence[RawMove], *, schedule: Schedule, caps: ContactCaps, contact: Contact
) -> tuple[Adjustment, ...]:
    """One :class:`Adjustment` per constraint (per timezone, for calling windows) that moved
    the call, in the order they first did: from where it first moved the call to where it
    last put it.

    The search for an allowed moment may bounce between constraints for days (a calling
    window, then staff hours, then the window again); a reader wants each reason once.
    When the search leapt to where the clocks next overlap, the reason is the leap's,
    followed by that of the constraint's last move if it moved the call again after.
    """
    first: dict[tuple[Constraint, str, bool], float] = {}
    last: dict[tuple[Constraint, str, bool], RawMove] = {}
    leaps: dict[tuple[Constraint, str, bool], RawMove] = {}
    for move in moves:
        # A calling window is one reason per timezone; a move for the customer's planned
        # calls is one apart from those for the calls made.
        key = (move.constraint, move.zone, not move.after)
        first.setdefault(key, move.start)
        last[key] = move
        if move.leap:
            leaps[key] = move

    def why(move: RawMove) -> str:
        return _reason(move, schedule=schedule, caps=caps, contact=contact, explained_at=move.start)

    found = []
    for key, start in first.items():
        final = last[key]
        reason = why(final)
        leap_move = leaps.get(key)
        if leap_move is not None and leap_move is not final:
            reason = f"{why(leap_move)}; then {reason}"
        found.append(
            pooled(
                Adjustment(
                    constraint=key[0].value,
                    moved_from=from_ts(start, UTC),
                    moved_to=from_ts(final.end, UTC),
                    reason=reason,
                )
            )
        )
    return pooled(tuple(found))

"""Where a call may land: calling windows, staff hours, contact caps, do-not-call.

Theory of operation
-------------------

A call wants to be made at its *due* time and by its *deadline*.  Each constraint is a
monotone function "the earliest allowed instant at or after t":

* the calling window, in the customer's timezone (or, when that is unknown, in *every*
  timezone the policy serves: fail closed), skipped during the hour after the customer's
  own inbound contact, since a callback is not unsolicited;
* staff hours and holidays, unless the rule is extra-mile;
* the contact caps (a rolling count of outbound attempts, each counting until it is
  ``per`` local days old; a minimum gap), unless the rule is essential.

Placement applies them in turn until none moves the instant any more (a fixed point, so
the result satisfies all of them at once), and records each move.  Each step moves the
instant no further than the first one its constraint allows, so the fixed point is the
first instant at or after the start that all of them allow.

The calling window and staff hours are answered from memoised tables of open intervals
(see ``_time.OpenTable``): pure functions of the window and zone, or of the schedule,
so an answer never depends on what was asked before.  A customer far from the staff
(Sydney, with staff in New York) can have no instant that both allow for months; rather
than bounce between them a day at a time, after four rounds without a fixed point the
search *leaps* to the first instant at which the calling window in every zone and (unless
the rule is extra-mile) staff hours are open together, intersecting their tables, or
gives up when there is none within the 400 days.  It leaps only once the callback hour
is behind it.  Since what the leap skips is refused by one of the clocks, the call lands
where it would have without the leap.  The leap is recorded as one move per zone
(``"calling-window"``) and one for staff hours (``"staff-hours"``), their detail marked
with :data:`LEAP`; their reasons say which clocks do not overlap until when, e.g.
"calling window in Australia/Sydney (08:00-21:00) and staff hours in America/New_York do
not overlap until Tue 2026-11-03 08:00 AEDT".  Do-not-call is
absolute and is checked first; an unknown timezone with no served timezones has no
window at all.  Both give a :class:`Suppression` instead of a :class:`Placement`.

The deadline keeps its meaning: a call that constraints push later gets a deadline
pushed as far, keeping the slack the rule gave it (promise 7).  The push is measured
from the due time, not from ``now``, so an overdue call stays overdue instead of chasing
the clock.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Final

import attrs
import pendulum

from extramile._decision import Adjustment
from extramile._memo import Memo
from extramile._model import Channel, Customer, Direction, Interaction
from extramile._rules import (
    DEFAULT_CALLING_WINDOW,
    ContactCaps,
    as_caps,
    as_schedule,
    as_window,
    as_zones,
)
from extramile._time import (
    DAY,
    UTC,
    OpenTable,
    OverlapTable,
    Schedule,
    Window,
    WindowsTable,
    add_local_days,
    aware_seconds,
    clock_label,
    from_ts,
    instant,
    next_in_windows,
    open_run_end,
    pooled,
    zone,
)
from extramile.errors import (
    FactTypeError,
    InvalidFactError,
    describe,
)
from extramile.kinds import CALL

__all__ = [
    "DEFAULT_CALLING_WINDOW",
    "Adjustment",
    "ContactCaps",
    "Placement",
    "Suppression",
    "place",
]

CALLBACK_GRACE: Final = 3600.0
"""Seconds after a customer's own inbound contact during which a call is a callback."""
SEARCH_SECONDS: Final = 400 * 86_400.0
"""How far past its due time placement looks for an allowed moment (about 13 months, so
that every daylight-saving state of the year is seen)."""
_MAX_ROUNDS: Final = 10_000
_LEAP_AFTER: Final = 4
"""Rounds of the fixed-point search after which placement leaps to where the calling
windows and staff hours next overlap, instead of bouncing between them day by day."""
LEAP: Final = "|overlap"
"""Ends the detail of a move that leapt to the next overlap of the clocks (see the module
docstring): ``"Australia/Sydney|overlap+staff"`` for a calling window (``+staff`` when
staff hours took part), ``"|overlap"`` for staff hours.  A zone name never holds ``|``."""


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


@attrs.frozen(kw_only=True)
class Suppression:
    """Why a call may not be placed, and when it could go (None: not on its own)."""

    constraint: str
    """``"do-not-call"``, ``"unknown-timezone"`` or ``"no-common-window"``."""
    reason: str
    until: pendulum.DateTime | None = attrs.field(default=None, eq=instant)

    def __str__(self) -> str:
        return self.reason


# ---------------------------------------------------------------------------------------
# The per-customer context and the fast path on POSIX seconds
# ---------------------------------------------------------------------------------------


@attrs.define(slots=True)
class Contact:
    """What placement needs to know of one customer, computed once per evaluation."""

    zones: tuple[dt.tzinfo, ...]
    zone_names: tuple[str, ...]
    window: Window
    cap_zone: dt.tzinfo
    attempts: list[float]
    last_inbound: float | None
    do_not_call: bool
    unknown_zone: bool
    tables: tuple[OpenTable, ...] = attrs.field(init=False)
    """The calling window's memoised table in each of ``zones``."""
    reach: Reach = attrs.field(init=False)
    """The zones and window, shared by the customer's calls (see :func:`reach_table`)."""

    def __attrs_post_init__(self) -> None:
        self.tables = tuple(window_table(self.window, tz) for tz in self.zones)
        self.reach = pooled((self.zone_names, self.window))

    @classmethod
    def of(
        cls,
        customer: Customer,
        history: Iterable[Interaction],
        *,
        now_ts: float,
        calling_window: Window,
        served_timezones: Sequence[str],
        schedule: Schedule,
    ) -> Contact:
        """Collect attempts and the customer's latest own contact up to ``now_ts``."""
        attempts: list[float] = []
        last_inbound: float | None = None
        for item in history:
            ts = item.ts
            if ts > now_ts:
                continue
            if item.direction is Direction.OUTBOUND:
                if item.kind == CALL:
                    attempts.append(ts)
            elif item.channel is not Channel.SYSTEM and (last_inbound is None or ts > last_inbound):
                # only the customer's own contact opens a callback hour: an event a system
                # logged (a charge, a price change) is inbound by default but is not one
                last_inbound = ts
        attempts.sort()
        return cls.build(
            customer,
            attempts,
            last_inbound,
            calling_window=calling_window,
            served_timezones=served_timezones,
            schedule=schedule,
        )

    @classmethod
    def build(
        cls,
        customer: Customer,
        attempts: list[float],
        last_inbound: float | None,
        *,
        calling_window: Window,
        served_timezones: Sequence[str],
        schedule: Schedule,
    ) -> Contact:
        """A context from already collected, sorted attempts."""
        name = customer.timezone
        if name is not None:
            names: tuple[str, ...] = (name,)
        else:
            names = tuple(served_timezones)
        zones = tuple(zone(n) for n in names)
        window = customer.calling_hours or calling_window
        return cls(
            zones=zones,
            zone_names=names,
            window=window,
            cap_zone=zone(name) if name is not None else schedule.tz,
            attempts=attempts,
            last_inbound=last_inbound,
            do_not_call=customer.do_not_call,
            unknown_zone=name is None,
        )


_WINDOW_TABLES: dict[tuple[dt.tzinfo, int, int], OpenTable] = {}
_WINDOW_TABLES_KEPT: Final = 256
_OVERLAP_TABLES: dict[tuple[tuple[str, ...], int, int], OpenTable] = {}


def window_table(window: Window, tz: dt.tzinfo) -> OpenTable:
    """The memoised table of a daily calling window in ``tz``."""
    key = (tz, window.start, window.end)
    table = _WINDOW_TABLES.get(key)
    if table is None:
        if len(_WINDOW_TABLES) >= _WINDOW_TABLES_KEPT:
            _WINDOW_TABLES.clear()
        days = (window,)
        table = _WINDOW_TABLES[key] = WindowsTable(tz, lambda _day: days)
    return table


def clear_memos() -> None:
    """Forget every memoised calling-window table and reason (answers never depend on
    them)."""
    _WINDOW_TABLES.clear()
    _OVERLAP_TABLES.clear()
    _WINDOW_REASONS.clear()


def _window_next(ts: float, window: Window, tz: dt.tzinfo) -> float:
    """The first instant at or after ``ts`` inside the window (a daily window always has
    one within a few days, even across Apia's skipped day)."""
    found = window_table(window, tz).first_open(ts, ts + 7 * DAY)
    return found if found is not None else ts + 7 * DAY  # pragma: no cover


def window_next_search(ts: float, window: Window, tz: dt.tzinfo) -> float:
    """:func:`_window_next` by the direct search (the reference for the tables)."""
    local = dt.datetime.fromtimestamp(ts, tz)
    clock = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    if window.start <= clock < window.end:
        return ts
    # Across a daylight-saving change the window may open at the change itself, or twice
    # in one day; the shared search handles both.
    days = (window,)
    found = next_in_windows(ts, tz, lambda _day: days, ts + 7 * DAY)
    return found if found is not None else ts + 7 * DAY  # pragma: no cover


def window_end(ts: float, window: Window, tz: dt.tzinfo) -> float:
    """When the calling window that is open at ``ts`` closes (``ts`` if it is closed)."""
    limit = ts + 2 * DAY
    end = window_table(window, tz).run_end(ts, limit)
    # a window open around the clock runs past the limit: the search says where it stops
    return end if end < limit else window_end_search(ts, window, tz)


def window_end_search(ts: float, window: Window, tz: dt.tzinfo) -> float:
    """:func:`window_end` by the direct search (the reference for the tables)."""
    days = (window,)
    return open_run_end(ts, tz, lambda _day: days, ts + 2 * DAY)


def _overlap_table(contact: Contact, schedule: Schedule | None) -> OpenTable:
    """Where the calling window is open in every zone of ``contact`` and, unless
    ``schedule`` is None, staff are open too."""
    return reach_table(contact.reach, schedule)


Reach = tuple[tuple[str, ...], Window]
"""Where a customer may be called: the names of their zones (theirs, or every zone the
policy serves when theirs is unknown) and their daily calling window."""


def reach_table(reach: Reach, schedule: Schedule | None) -> OpenTable:
    """Where the calling window of ``reach`` is open in every one of its zones and,
    unless ``schedule`` is None, staff are open too (memoised)."""
    names, window = reach
    key = (names, window.start, window.end)
    if schedule is not None:
        staff = schedule.open_table()
        return schedule.derived_table(key, lambda: OverlapTable((*_window_tables(reach), staff)))
    table = _OVERLAP_TABLES.get(key)
    if table is None:
        if len(_OVERLAP_TABLES) >= _WINDOW_TABLES_KEPT:
            _OVERLAP_TABLES.clear()
        table = _OVERLAP_TABLES[key] = OverlapTable(_window_tables(reach))
    return table


def _window_tables(reach: Reach) -> tuple[OpenTable, ...]:
    names, window = reach
    return tuple(window_table(window, zone(name)) for name in names)


def _gap_next(ts: float, attempts: list[float], caps: ContactCaps) -> float:
    upto = bisect.bisect_right(attempts, ts)
    if upto == 0:
        return ts
    return max(ts, attempts[upto - 1] + caps.min_gap.seconds)


def _cap_next(ts: float, attempts: list[float], caps: ContactCaps, tz: dt.tzinfo) -> float:
    # An attempt counts until it is ``per`` local days old.  A later attempt can age
    # out first (one in the second pass of a repeated hour), so the moments they age
    # out are worked out and sorted, for the attempts that can still count: local days
    # differ from 24-hour days by two days at most.
    limit = caps.max_attempts
    days = caps.per.days
    while True:
        upto = bisect.bisect_right(attempts, ts)
        if upto < limit:
            return ts
        first = bisect.bisect_right(attempts, ts - (days + 2) * DAY, 0, upto)
        counting = sorted(
            frees
            for frees in (add_local_days(a, days, tz) for a in attempts[first:upto])
            if frees > ts
        )
        if len(counting) < limit:
            return ts
        # Free once all but ``limit - 1`` of them have aged out.
        ts = counting[len(counting) - limit]


# An adjustment as recorded on the hot path: (constraint, from, to, detail).
RawMove = tuple[str, float, float, str]


def place_ts(
    contact: Contact,
    start: float,
    *,
    schedule: Schedule,
    caps: ContactCaps,
    extra_mile: bool,
    essential: bool,
    moves: list[RawMove] | None,
) -> float | None:
    """The earliest instant in ``[start, start + SEARCH_SECONDS]`` that every constraint
    allows, or None.  Do-not-call and a missing timezone are the caller's to check first.

    Each round moves the instant past what one constraint refuses, so the answer, and
    the moves recorded on the way, depend only on the facts and ``start``.
    """
    limit = start + SEARCH_SECONDS
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
        if not essential and contact.attempts:
            moved = _gap_next(t, contact.attempts, caps)
            if moved != t:
                if moves is not None:
                    moves.append(("gap", t, moved, ""))
                t = moved
            moved = _cap_next(t, contact.attempts, caps, contact.cap_zone)
            if moved != t:
                if moves is not None:
                    moves.append(("cap", t, moved, ""))
                t = moved
        if grace_from is None or not grace_from <= t < grace_until:
            for table, name in zip(contact.tables, contact.zone_names, strict=True):
                # a daily window opens within days, even across Apia's skipped day
                found = table.first_open(t, t + 7 * DAY)
                moved = found if found is not None else t + 7 * DAY
                if moved != t:
                    if moves is not None:
                        moves.append(("calling-window", t, moved, name))
                    t = moved
        if not extra_mile:
            moved = schedule.next_open_ts(t)
            if moved != t:
                if moves is not None:
                    moves.append(("staff-hours", t, moved, ""))
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
    found = _overlap_table(contact, staff).first_open(t, math.nextafter(limit, math.inf))
    if found is not None and found != t and moves is not None:
        tail = LEAP + ("+staff" if staff is not None else "")
        moves.extend(("calling-window", t, found, name + tail) for name in contact.zone_names)
        if staff is not None:
            moves.append(("staff-hours", t, found, LEAP))
    return found


def suppression_of(contact: Contact) -> tuple[str, str] | None:
    """The absolute reason no call may be placed for this customer, if any."""
    if contact.do_not_call:
        return ("do-not-call", "the customer asked not to be called (do-not-call)")
    if not contact.zones:
        return (
            "unknown-timezone",
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
    constraint, start, after, _ = move
    return Adjustment(
        constraint=constraint,
        moved_from=from_ts(start, UTC),
        moved_to=from_ts(after, UTC),
        reason=_reason(
            move,
            schedule=schedule,
            caps=caps,
            contact=contact,
            explained_at=start if explained_at is None else explained_at,
        ),
    )


def _reason(
    move: RawMove, *, schedule: Schedule, caps: ContactCaps, contact: Contact, explained_at: float
) -> str:
    constraint, _, after, detail = move
    before = explained_at
    name, leap, tail = detail.partition(LEAP)
    if leap:
        return _leap_reason(
            constraint,
            name,
            after,
            staff=constraint == "staff-hours" or tail == "+staff",
            schedule=schedule,
            contact=contact,
        )
    if constraint == "calling-window":
        return _WINDOW_REASONS[after, name, contact.unknown_zone]
    if constraint == "staff-hours":
        return schedule.describe_closed(before)
    if constraint == "gap":
        last = max(a for a in contact.attempts if a <= before)
        return (
            f"minimum gap: the last call was at {from_ts(last, UTC).isoformat()},"
            f" and calls are at least {caps.min_gap} apart"
        )
    days, cap_zone = caps.per.days, contact.cap_zone
    count = sum(
        1 for a in contact.attempts if a <= before and add_local_days(a, days, cap_zone) > before
    )
    return (
        f"cap: {count} calls in the {caps.per} before"
        f" {from_ts(before, UTC).isoformat()} (at most {caps.max_attempts})"
    )


def _window_reason(key: tuple[float, str, bool]) -> str:
    after, name, unknown_zone = key
    prefix = "customer timezone unknown; " if unknown_zone else ""
    return f"{prefix}calling window closed in {name} until {clock_label(after, zone(name))}"


_WINDOW_REASONS: Final[Memo[tuple[float, str, bool], str]] = Memo(_window_reason, 4096)
"""A book's calls wait for a few window openings: their reasons are made once each."""


def _leap_reason(
    constraint: str, name: str, after: float, *, staff: bool, schedule: Schedule, contact: Contact
) -> str:
    """Why a leap skipped ahead: the clocks involved do not overlap until ``after``."""
    window = contact.window
    others = [f"the calling window in {other}" for other in contact.zone_names if other != name]
    if constraint == "staff-hours":
        subject = f"staff hours in {schedule.timezone}"
        tz = schedule.tz
        others = [f"{other} ({window})" for other in others]
    else:
        subject = f"calling window in {name} ({window})"
        if staff:
            others.append(f"staff hours in {schedule.timezone}")
        tz = zone(name)
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
    first: dict[tuple[str, str], float] = {}
    last: dict[tuple[str, str], RawMove] = {}
    leaps: dict[tuple[str, str], RawMove] = {}
    for move in moves:
        name, leap, _ = move[3].partition(LEAP)
        key = (move[0], name)  # a calling window is one reason per timezone
        first.setdefault(key, move[1])
        last[key] = move
        if leap:
            leaps[key] = move

    def why(move: RawMove) -> str:
        return _reason(move, schedule=schedule, caps=caps, contact=contact, explained_at=move[1])

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
                    constraint=key[0],
                    moved_from=from_ts(start, UTC),
                    moved_to=from_ts(final[2], UTC),
                    reason=reason,
                )
            )
        )
    return pooled(tuple(found))


def place(
    *,
    due: dt.datetime,
    deadline: dt.datetime,
    now: dt.datetime,
    customer: Customer,
    history: Iterable[Interaction] = (),
    schedule: Schedule,
    calling_window: Window | str = DEFAULT_CALLING_WINDOW,
    served_timezones: Sequence[str] = (),
    caps: ContactCaps | None = None,
    extra_mile: bool = False,
    essential: bool = False,
) -> Placement | Suppression:
    """Place one call: the earliest instant at or after ``max(now, due)`` that all allow.

    Args:
        due: when the call is wanted.
        deadline: when it should have happened by.
        now: the present; interactions after it are ignored.
        customer: who is called (timezone, calling hours, do-not-call).
        history: the customer's interactions (outbound calls count against caps, the
            latest inbound contact on any channel but ``system`` opens a callback hour).
        schedule: staff business hours, ignored for ``extra_mile`` calls.
        calling_window: the default daily window, in the customer's timezone.
        served_timezones: the zones whose windows must all be open when the customer's
            timezone is unknown.
        caps: contact caps (default :class:`ContactCaps`), ignored for ``essential`` calls.
        extra_mile: may be placed outside staff hours and on holidays.
        essential: bypasses caps and the minimum gap; never do-not-call.

    Returns:
        A :class:`Placement` (due time, deadline, what moved it) or a
        :class:`Suppression` (why not, and when it could go if ever).

    Raises:
        FactTypeError: a customer or interaction of the wrong type.
        InvalidFactError: a naive datetime, or history of another customer.
        PolicyTypeError, InvalidPolicyError: a schedule, calling window, served
            timezones or caps that a :class:`FollowUpPolicy` would refuse.

    >>> import pendulum
    >>> office = Schedule(timezone="Australia/Sydney", hours={"mon-sun": "00:00-24:00"})
    >>> sydney = Customer(id="c-1", timezone="Australia/Sydney")
    >>> wanted = pendulum.datetime(2026, 4, 4, 10, tz="UTC")     # 21:00 AEDT
    >>> placed = place(due=wanted, deadline=wanted.add(hours=1), now=wanted,
    ...                customer=sydney, schedule=office)
    >>> placed.due_at.in_timezone("UTC").isoformat(), placed.adjustments[0].reason
    ('2026-04-04T22:00:00+00:00', 'calling window closed in Australia/Sydney until 08:00 AEST')
    """
    for label, value in (("due", due), ("deadline", deadline), ("now", now)):
        aware_seconds(value, f"place() {label}")
    if not isinstance(customer, Customer):
        raise FactTypeError(f"place() customer must be a Customer (got {describe(customer)})")
    schedule = as_schedule(schedule, "place() schedule")
    calling_window = as_window(calling_window, "place() calling_window")
    served_timezones = as_zones(served_timezones, "place() served_timezones")
    if caps is not None:
        caps = as_caps(caps, "place() caps")
    given: object = history
    if isinstance(given, str) or not isinstance(given, Iterable):
        raise FactTypeError(
            f"place() history must be an iterable of Interactions (got {describe(history)})"
        )
    items = list(history)
    for item in items:
        if not isinstance(item, Interaction):
            raise FactTypeError(f"place() history must hold Interactions (got {describe(item)})")
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
        calling_window=calling_window,
        served_timezones=served_timezones,
        schedule=schedule,
    )
    blocked = suppression_of(contact)
    if blocked is not None:
        return Suppression(constraint=blocked[0], reason=blocked[1])
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
        return Suppression(constraint="no-common-window", reason=no_common_window(contact))
    placed, nominal = landed
    new_deadline = deadline_after(due.timestamp(), deadline.timestamp(), nominal)
    tz = contact.zones[0] if len(contact.zones) == 1 else UTC
    return Placement(
        due_at=from_ts(placed, tz),  # type: ignore[arg-type]
        deadline=from_ts(new_deadline, tz),  # type: ignore[arg-type]
        adjustments=render_moves(moves, schedule=schedule, caps=caps, contact=contact),
    )

"""One customer, one conversation: the calls planned for a customer keep the minimum gap
and the rolling cap among themselves, as the calls made do.

Theory of operation
-------------------

Placement puts each candidate where every constraint allows, counting the calls already
*made* (:mod:`~extramile._engine.search`).  When it plans two or more for one customer,
they are made into calls here, one candidate at a time in time order (where it was
placed, then priority, deadline and key: the order merging has always used):

1. A candidate whose window (placed time to deadline) overlaps the open call's joins it:
   the call carries both (promise 7).  One whose rule may not be early
   (``Rule(early=False)``) joins only a call that is not before its due time.
2. Otherwise, unless its rule is essential, a candidate placed within the minimum gap
   after the open call is *taken along* into it, when its rule allows being early
   (``Rule(early=True)``, the default) or the open call is not before its due time: the
   call carries both talking points and both keys.  Any other is *pushed* until the gap
   has passed, placed again from there with its deadline moved as far (promise 7), and
   goes back in line at its new place.
3. Otherwise, unless essential, a candidate that would put the calls made and planned
   over the rolling cap is pushed to when the cap frees, and goes back in line.  The
   essential calls count first, wherever they fall (they bypass the cap themselves),
   except those that would join the candidate's own call.
4. Otherwise it opens a new call.

A call counts from its *anchor*: where it is placed, when that is after ``now``; for a
call due already (placed at ``now``), the latest moment one of its episodes fell due
(where constraints put it from its due time alone).  ``now`` moves with the clock; an
anchor does not, so neither does what a call does to the calls after it, and nothing
changes before ``revisit_at``.  The anchors of the calls, in time order, never go back,
so keeping the gap after the open call keeps it after every call before.

A candidate pushed past the moment its rule gives up is suppressed, naming the gap or the
cap and the planned calls behind it.  No two candidates share a key, so a next try is
held to the gap after the customer's other planned calls (it is exempt only from the gap
after its own attempts, which placement sees to); every planned call counts toward the
cap.  A customer with one candidate, the common case, never comes here.

Imports: ``_decision``, ``_time``, and the siblings ``contact``, ``data``, ``facts``, ``moves``
and ``placement``.
"""

from __future__ import annotations

import datetime as dt
import heapq
from typing import Final, NamedTuple

from extramile._decision import SuppressedCall
from extramile._engine.contact import CapAges
from extramile._engine.data import Candidate, RevisitCollector, TraceCollector
from extramile._engine.facts import Case
from extramile._engine.moves import Constraint, Planned, RawMove
from extramile._engine.placement import moves_of, place_from, reason_of, suppression
from extramile._time import add_local_days

__all__ = ["anchor_of", "converse"]

_GAP: Final = Constraint.GAP
_CAP: Final = Constraint.CAP


def converse(
    case: Case, placed: list[Candidate], trace: TraceCollector, revisit: RevisitCollector
) -> tuple[list[list[Candidate]], list[SuppressedCall]]:
    """The calls of a customer's placed candidates, in time order, each the candidates
    it carries, its opener first; and the candidates suppressed on the way."""
    now = case.now
    caps = case.policy.caps
    gap = caps.min_gap.seconds
    # How many more calls the cap could take, were the calls made all in one period:
    # with fewer planned than that, none can be held by it.
    cap = caps.max_attempts - len(case.contact.attempts)
    line = [
        (cand.placed, -cand.rule.priority, cand.final_deadline, cand.key, number)
        for number, cand in enumerate(placed)
    ]
    heapq.heapify(line)
    ahead = {number: cand for number, cand in enumerate(placed) if cand.rule.essential}
    """The essential candidates not yet in a call: the cap counts them first."""
    calls: list[list[Candidate]] = []
    anchors: list[float] = []
    """Where each call of ``calls`` counts from."""
    call: list[Candidate] = []
    end = 0.0
    suppressed: list[SuppressedCall] = []
    while line:
        number = heapq.heappop(line)[-1]
        cand = placed[number]
        essential = ahead.pop(number, None) is not None
        if call and cand.placed <= end and (cand.rule.early or _in_time(call, cand, now, revisit)):
            call.append(cand)
            end = min(end, max(cand.final_deadline, cand.placed))
            continue
        moves: list[RawMove] | None = None
        if not essential and not call:
            if len(ahead) >= cap:
                moves = _cap_moves(case, cand, _Planned(calls, anchors), ahead)
        elif not essential:  # the gap and the cap do not hold an essential call
            anchor = anchor_of(call, now)
            if cand.placed < anchor + gap:
                moves = _gap_moves(cand, call, anchor, gap, now, revisit)
                if moves is None:  # taken along
                    call.append(cand)
                    continue
            elif len(anchors) + 1 + len(ahead) >= cap:
                planned = _Planned([*calls, call], [*anchors, anchor])
                moves = _cap_moves(case, cand, planned, ahead)
        if moves:
            if _pushed(case, cand, moves, suppressed, trace, revisit):
                entry = (cand.placed, -cand.rule.priority, cand.final_deadline, cand.key)
                heapq.heappush(line, (*entry, number))  # back in line at its new place
            continue
        if call:
            calls.append(call)
            anchors.append(anchor_of(call, now))
        call = [cand]
        end = max(cand.final_deadline, cand.placed)
    # Some call is open: the first candidate in line opens one, unless an essential one
    # behind it holds it past the cap, and that one opens a call.
    calls.append(call)
    return calls, suppressed


class _Planned(NamedTuple):
    """The calls closed so far, and where each counts from."""

    calls: list[list[Candidate]]
    anchors: list[float]


def _pushed(  # noqa: PLR0917  # private; the state of converse()'s loop
    case: Case,
    cand: Candidate,
    moves: list[RawMove],
    suppressed: list[SuppressedCall],
    trace: TraceCollector,
    revisit: RevisitCollector,
) -> bool:
    """Place ``cand`` again where ``moves`` push it (True), or suppress it (False)."""
    held_by = moves[-1]
    why = place_from(case, cand, held_by.end, [*moves_of(case, cand), *moves], held_by)
    if why is None:
        if revisit.active:
            revisit.call(cand, cand.contact or case.contact, case.policy)
        return True
    suppressed.append(suppression(case, cand, why))
    trace.suppressed(cand, reason_of(why))
    return False


def _gap_moves(  # noqa: PLR0917  # private; the state of converse()'s loop
    cand: Candidate,
    call: list[Candidate],
    anchor: float,
    gap: float,
    now: float,
    revisit: RevisitCollector,
) -> list[RawMove] | None:
    """What becomes of ``cand``, not essential, placed within the minimum gap after the
    open ``call`` (which counts from ``anchor``): taken along into it (None;
    ``cand.taken_along`` says so), or pushed until the gap has passed (the move)."""
    before = _planned(call, anchor)
    if cand.rule.early or _in_time(call, cand, now, revisit):
        cand.taken_along = before
        return None
    return [RawMove(_GAP, cand.placed, anchor + gap, after=(before,))]


def anchor_of(call: list[Candidate], now: float) -> float:
    """The instant a call counts from: where it is placed, when that is after ``now``;
    else the latest moment one of its episodes fell due."""
    at = call[0].placed
    if at > now:
        return at
    return max(cand.nominal for cand in call if cand.placed <= now)


def _in_time(call: list[Candidate], cand: Candidate, now: float, revisit: RevisitCollector) -> bool:
    """Whether ``call`` goes no sooner than ``cand`` is due, so that taking it along
    does not make it early.  A call due now goes at ``now``, which the clock moves: one
    that is too early for the candidate is in time from the candidate's due time on,
    when the decision may change."""
    due = _due(cand)
    at = call[0].placed
    if at >= due:
        return True
    if at <= now:
        revisit.at(due)
    return False


def _due(cand: Candidate) -> float:
    """A candidate's due time: its next try's, if it has been tried."""
    retry_due = cand.retry_due
    return cand.due if retry_due is None else max(cand.due, retry_due)


def _planned(call: list[Candidate], anchor: float) -> Planned:
    """A call as the moves it causes name it: by its leading rule and key (the highest
    priority, then the earliest deadline, as merging ranks them)."""
    lead = min(call, key=lambda c: (-c.rule.priority, c.final_deadline, c.key))
    return Planned(lead.rule.name, lead.key, anchor)


def _cap_moves(
    case: Case, cand: Candidate, planned: _Planned, ahead: dict[int, Candidate]
) -> list[RawMove]:
    """The moves that take ``cand``, to open a call of its own, past the rolling cap the
    calls made and ``planned`` fill, and the essential calls ``ahead`` (except those that
    would join its call); none when it is within the cap where it is."""
    caps = case.policy.caps
    contact = case.contact
    made = contact.attempts
    limit = caps.max_attempts
    now = case.now
    own_end = max(cand.final_deadline, cand.placed)
    counted = list(zip(planned.anchors, planned.calls, strict=True))
    # An essential call that would join this one's window is this call: counted once.
    later = [(anchor_of([e], now), [e]) for e in ahead.values() if e.placed > own_end]
    counted.extend(later)
    if len(made) + len(counted) < limit:
        return []
    tz = contact.cap_zone
    days = caps.per.days
    # When each call made or planned ages out of the cap, worked out once for every
    # question below.
    ages = CapAges(sorted([*made, *(at for at, _ in counted)]), days, tz)
    moves: list[RawMove] = []
    t = cand.placed
    while True:
        free = ages.free_from(t, limit)
        if free != t:
            moves.append(RawMove(_CAP, t, free, after=_counting(t, counted, days, tz)))
            t = free
        # An essential call ahead at which the cap is full already: this call may not
        # count there, so it goes after it (and then waits for the cap to free).
        until = add_local_days(t, days, tz) if later else t
        full = next(
            (at for at, _ in later if t < at < until and ages.counting(at) >= limit),
            None,
        )
        if full is None:
            return moves
        moves.append(RawMove(_CAP, t, full, after=_counting(full, counted, days, tz)))
        t = full


def _counting(
    at: float, calls: list[tuple[float, list[Candidate]]], days: int, tz: dt.tzinfo
) -> tuple[Planned, ...]:
    """The planned calls, each (anchor, call), that count toward the cap at ``at``."""
    return tuple(
        _planned(call, anchor)
        for anchor, call in calls
        if anchor <= at and add_local_days(anchor, days, tz) > at
    )

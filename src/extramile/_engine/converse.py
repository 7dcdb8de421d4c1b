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

Imports: ``_decision``, ``_time``, and the siblings ``data``, ``facts``, ``moves``,
``placement`` and ``search``.
"""

from __future__ import annotations

import datetime as dt
import heapq
from typing import Final

from extramile._decision import SuppressedCall
from extramile._engine.data import Candidate, RevisitCollector, TraceCollector
from extramile._engine.facts import Case
from extramile._engine.moves import Constraint, Planned, RawMove
from extramile._engine.placement import place_from, suppression
from extramile._engine.search import cap_next
from extramile._time import add_local_days

__all__ = ["anchor_of", "converse"]

_GAP: Final = Constraint.GAP
_CAP: Final = Constraint.CAP

_Entry = tuple[float, int, float, str, int]
"""A candidate in line: where it is placed, minus its priority, its deadline, its key,
and its number among the customer's candidates."""


def converse(
    case: Case, placed: list[Candidate], trace: TraceCollector, revisit: RevisitCollector
) -> tuple[list[list[Candidate]], list[SuppressedCall]]:
    """The calls of a customer's placed candidates, in time order, each the candidates
    it carries, its opener first; and the candidates suppressed on the way."""
    now = case.now
    line = [_entry(cand, number) for number, cand in enumerate(placed)]
    heapq.heapify(line)
    ahead = {number: cand for number, cand in enumerate(placed) if cand.rule.essential}
    """The essential candidates not yet in a call: the cap counts them first."""
    calls: list[list[Candidate]] = []
    planned: list[Planned] = []
    """The calls closed so far, as the cap counts them."""
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
        if not essential:
            moves = _held(case, cand, call, planned, ahead, revisit)
            if moves is None:  # taken along
                call.append(cand)
                continue
            if moves:
                held_by = moves[-1]
                why = place_from(case, cand, held_by.end, [*(cand.moves or ()), *moves], held_by)
                if why is None:
                    heapq.heappush(line, _entry(cand, number))
                    if revisit.active:
                        revisit.call(cand, cand.contact or case.contact, case.policy)
                else:
                    suppressed.append(suppression(case, cand, why))
                    trace.suppressed(cand, why[1])
                continue
        if call:
            calls.append(call)
            planned.append(_planned(call, anchor_of(call, now)))
        call = [cand]
        end = max(cand.final_deadline, cand.placed)
    if call:
        calls.append(call)
    return calls, suppressed


def _held(  # noqa: PLR0917  # private; the state of converse()'s loop
    case: Case,
    cand: Candidate,
    call: list[Candidate],
    planned: list[Planned],
    ahead: dict[int, Candidate],
    revisit: RevisitCollector,
) -> list[RawMove] | None:
    """What the customer's planned calls do to ``cand``, which is not essential and
    would open a call of its own after the open ``call`` (if any): take it along into
    that call (None; ``cand.taken_along`` says so), push it past the gap after it or the
    cap (the moves), or nothing (no move)."""
    if not call:
        return _cap_moves(case, cand, planned, ahead)
    now = case.now
    anchor = anchor_of(call, now)
    limit = anchor + case.policy.caps.min_gap.seconds
    if cand.placed >= limit:
        return _cap_moves(case, cand, [*planned, _planned(call, anchor)], ahead)
    before = _planned(call, anchor)
    if cand.rule.early or _in_time(call, cand, now, revisit):
        cand.taken_along = before
        return None
    return [RawMove(_GAP, cand.placed, limit, after=(before,))]


def anchor_of(call: list[Candidate], now: float) -> float:
    """The instant a call counts from: where it is placed, when that is after ``now``;
    else the latest moment one of its episodes fell due."""
    at = call[0].placed
    if at > now:
        return at
    return max(cand.nominal for cand in call if cand.placed <= now)


def _entry(cand: Candidate, number: int) -> _Entry:
    return (cand.placed, -cand.rule.priority, cand.final_deadline, cand.key, number)


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
    case: Case, cand: Candidate, planned: list[Planned], ahead: dict[int, Candidate]
) -> list[RawMove]:
    """The moves that take ``cand``, to open a call of its own, past the rolling cap the
    calls made and ``planned`` fill, and the essential calls ``ahead`` (except those that
    would join its call); none when it is within the cap where it is."""
    now = case.now
    own_end = max(cand.final_deadline, cand.placed)
    # An essential call that would join this one's window is this call: counted once.
    counted = [*planned]
    counted.extend(_planned([e], anchor_of([e], now)) for e in ahead.values() if e.placed > own_end)
    caps = case.policy.caps
    contact = case.contact
    made = contact.attempts
    limit = caps.max_attempts
    if len(made) + len(counted) < limit:
        return []
    tz = contact.cap_zone
    days = caps.per.days
    instants = sorted([*made, *(call.at for call in counted)])
    moves: list[RawMove] = []
    t = cand.placed
    while True:
        free = cap_next(t, instants, caps, tz)
        if free != t:
            moves.append(RawMove(_CAP, t, free, after=_counting(t, counted, days, tz)))
            t = free
        # An essential call ahead at which the cap is full already: this call may not
        # count there, so it goes after it (and then waits for the cap to free).
        until = add_local_days(t, days, tz)
        full = next(
            (
                call.at
                for call in counted
                if t < call.at < until and _count(call.at, instants, days, tz) >= limit
            ),
            None,
        )
        if full is None:
            return moves
        moves.append(RawMove(_CAP, t, full, after=_counting(full, counted, days, tz)))
        t = full


def _counting(at: float, calls: list[Planned], days: int, tz: dt.tzinfo) -> tuple[Planned, ...]:
    """The planned calls that count toward the cap at ``at``."""
    return tuple(call for call in calls if call.at <= at and add_local_days(call.at, days, tz) > at)


def _count(at: float, instants: list[float], days: int, tz: dt.tzinfo) -> int:
    """How many of ``instants`` count toward the cap at ``at``."""
    return sum(1 for a in instants if a <= at and add_local_days(a, days, tz) > at)

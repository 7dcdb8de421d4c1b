"""Merge: one customer, one call.  The candidates a call carries become one call.

Which candidates go together is decided before (:mod:`~extramile._engine.converse`):
those whose windows overlap, and those taken along within the minimum gap.  The merged
call goes at the earliest placed time, with the earliest deadline, the highest
priority, every rule's talking point and every key, the leading (highest-priority) one
first; it is the try of the leading one's call (``attempt`` of ``tries``), for the leading
rule's queue.  It names each rule once, in the order of its first key, though two episodes
of one rule may merge.  A candidate the merged call takes along earlier than its own
constraints allowed (outside staff hours, or within the minimum gap) is timed again from
there.  Awareness rules then add their talking
points to each call.  The call's deadline is its members' earliest; when that one was
pulled back into the moments the call may be made (or could not be: at risk), the call
says so last in its ``moved_by``.

A merged call is first a :class:`Raw` call: numbers and pooled tuples, which
:func:`~extramile.plan` keeps in columns for a whole book; :func:`call_of` makes the
:class:`~extramile.Call` when one is read.  Its moves stay raw (:class:`Moved`: the moves
placement recorded, the fit of its deadline, and the clocks they were made by) until
then: the :class:`~extramile.Adjustment` s and their reasons are written by
:func:`call_of`, for the calls someone reads.

Imports: ``_decision``, ``_model``, ``_rules``, ``_time``, and the siblings ``contact``,
``converse``, ``data``, ``facts``, ``fit``, ``moves``, ``search`` and ``timing``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from typing import Final, NamedTuple

from extramile._decision import Adjustment, Call
from extramile._engine.contact import Clocks, Contact, Reach
from extramile._engine.converse import anchor_of
from extramile._engine.data import Candidate, RevisitCollector
from extramile._engine.facts import Case
from extramile._engine.fit import Fit, fit_adjustment, fit_deadline
from extramile._engine.moves import Constraint, RawMove, Walk, render_moves, whole
from extramile._engine.search import walk_moves
from extramile._engine.timing import deadline_for
from extramile._memo import cache, keep
from extramile._model import Priority
from extramile._rules import Awareness, CompiledRule, ContactCaps, FollowUpPolicy
from extramile._time import UTC, Schedule, from_ts, pooled

__all__ = ["Moved", "Raw", "Seen", "adjustments", "call_of", "merge"]


class Raw(NamedTuple):
    """A call before its datetimes and its :class:`~extramile.Call` are made.

    :func:`~extramile.plan` keeps these, in columns, for a whole book: an agenda is held
    in a fraction of the memory its calls would take.
    """

    customer_id: str
    issue_id: str | None
    keys: tuple[str, ...]
    """The keys of its episodes, the leading one first."""
    rules: tuple[str, ...]
    """Its rules, each once, in the order of their first key."""
    due: float
    """POSIX seconds."""
    deadline: float
    """POSIX seconds."""
    tz: dt.tzinfo
    """The zone both are written in."""
    priority: int
    talking_points: tuple[str, ...]
    extra_mile: bool
    essential: bool
    moved_by: tuple[Adjustment, ...] | Moved
    """What moved the call: its adjustments, or (the engine's calls) the raw moves they
    are written from when a :class:`~extramile.Call` is made (:func:`adjustments`)."""
    reach: Reach | None
    """Where the customer may be called (None: not known)."""
    attempt: int = 1
    """Which try of its leading episode's call this is, from 1."""
    tries: int = 1
    """How many tries its leading episode's rule allows."""
    queue: str | None = None
    """Who should make the call: the leading rule's queue (None: the general queue)."""


class Seen(NamedTuple):
    """The customer's clocks and calls as placement saw them for a call: what the
    reasons of its moves are written from."""

    clocks: Clocks
    """The zones and calling window (shared with every customer of the same)."""
    cap_zone: dt.tzinfo
    attempts: list[float]
    """The customer's outbound call attempts, sorted (the contact's own list, never
    changed)."""
    unknown_zone: bool

    def contact(self, last_inbound: float | None = None) -> Contact:
        """A contact with these clocks and calls (all the reasons read of one; its latest
        own inbound contact only for working out a :class:`~extramile._engine.moves.Walk`)."""
        return Contact(
            self.clocks,
            cap_zone=self.cap_zone,
            attempts=self.attempts,
            last_inbound=last_inbound,
            do_not_call=False,
            unknown_zone=self.unknown_zone,
        )


class Moved(NamedTuple):
    """The moves of a call as placement and fitting its deadline left them: numbers,
    constraints and shared references, written as :class:`~extramile.Adjustment` s only
    when a call is made (:func:`adjustments`)."""

    moves: tuple[RawMove, ...]
    """The moves of its due time, in the order placement made them."""
    placed_by: Seen
    fit: Fit | None
    """How its deadline was fitted (None: it lay where the call may be made)."""
    fitted_by: Seen
    """The clocks its deadline was fitted to (its binding member's)."""
    schedule: Schedule
    caps: ContactCaps
    walk: Walk | None = None
    """The moves of its due time after ``moves``, worked out when read."""

    @property
    def at_risk(self) -> bool:
        """Whether the deadline was kept where the call may not be made (see
        :attr:`Call.at_risk <extramile.Call.at_risk>`), without writing a reason."""
        return self.fit is not None and self.fit.at_risk


def adjustments(moved: tuple[Adjustment, ...] | Moved) -> tuple[Adjustment, ...]:
    """The adjustments of a call, written from its raw moves if need be."""
    if type(moved) is not Moved:
        return moved  # type: ignore[return-value]  # (a Moved is the one other kind)
    moves, placed_by, fit, fitted_by, schedule, caps, walk = moved
    contact = placed_by.contact()
    if walk is not None:
        walked = placed_by.contact(walk.last_inbound)
        moves = (*moves, *walk_moves(walked, walk, schedule=schedule, caps=caps))
    written = render_moves(moves, schedule=schedule, caps=caps, contact=contact) if moves else ()
    if fit is None:
        return written
    fitted = contact if fitted_by is placed_by else fitted_by.contact()
    return (*written, fit_adjustment(fit, fitted, schedule))


def call_of(raw: Raw) -> Call:
    """The :class:`~extramile.Call` of a raw call."""
    (
        cid,
        issue_id,
        keys,
        rules,
        due,
        deadline,
        tz,
        priority,
        points,
        extra,
        essential,
        moved,
        _,
        attempt,
        tries,
        queue,
    ) = raw
    return Call(
        customer_id=cid,
        issue_id=issue_id,
        key=keys[0],
        keys=keys,
        rules=rules,
        due_at=from_ts(due, tz),
        deadline=from_ts(deadline, tz),
        priority=Priority(priority),
        talking_points=points,
        extra_mile=extra,
        essential=essential,
        moved_by=adjustments(moved),
        attempt=attempt,
        tries=tries,
        queue=queue,
    )


def merge(
    case: Case,
    groups: list[list[Candidate]],
    awareness: Sequence[Awareness],
    revisit: RevisitCollector,
) -> list[Raw]:
    """The calls of a customer, each made of the candidates it carries (its opener
    first), in time order."""
    for group in groups:
        if len(group) > 1:
            _retime_taken_along(case, group, revisit)
    customer = case.customer
    contact = case.contact
    policy = case.policy
    extra_points = (
        [point for rule in awareness for point in rule.points_for(customer)] if awareness else ()
    )
    zones = contact.clocks.zones
    tz = zones[0] if len(zones) == 1 else UTC
    seen: dict[tuple[int, bool], Seen] = {}  # by the contact's identity
    raws: list[Raw] = []
    for group in groups:
        first = group[0]
        binding = first
        lead = first
        if len(group) == 1:
            rule = first.rule
            keys: tuple[str, ...] = (first.key,)
            rules, points = _lone(first.compiled)
            issue_id = first.issue_id
            deadline = first.final_deadline
            priority = int(rule.priority)
            extra = first.extra_mile
            essential = rule.essential
        else:
            ranked = sorted(group, key=lambda c: (-c.rule.priority, c.final_deadline, c.key))
            keys = tuple([c.key for c in ranked])
            # One name a rule, though two of its episodes may merge (keys stay one an episode).
            rules = pooled(tuple(dict.fromkeys([c.rule.name for c in ranked])))
            issue_id = ranked[0].issue_id
            points = tuple(
                dict.fromkeys(c.rule.talking_point for c in ranked if c.rule.talking_point)
            )
            binding = min(ranked, key=lambda c: c.final_deadline)
            deadline = binding.final_deadline
            priority = max(c.rule.priority for c in group)
            extra = any(c.extra_mile for c in group)
            essential = any(c.rule.essential for c in group)
            lead = ranked[0]
        if extra_points:
            points = pooled((*points, *[p for p in extra_points if p not in points]))
        elif len(group) > 1:
            points = pooled(points)
        placed_by = first.contact or contact
        moved_by: tuple[Adjustment, ...] | Moved = ()
        if first.moves or first.walk is not None or binding.fit is not None:
            moved_by = _moved(seen, first, binding, contact, policy)
        lead_rule = lead.rule
        raws.append(
            whole(
                Raw,
                (
                    customer.id,
                    issue_id,
                    keys,
                    rules,
                    first.placed,
                    deadline,
                    tz,
                    priority,
                    points,
                    extra,
                    essential,
                    moved_by,
                    placed_by.reach,
                    len(lead.attempts) + 1,
                    lead_rule.retry.tries,
                    lead_rule.queue,
                ),
            )
        )
    return raws


def _lone(compiled: CompiledRule) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The rules and talking points of a call of one candidate of ``compiled``'s rule
    (before any awareness rule adds its points), pooled and kept by the rule: the same
    for every such call."""
    found = _LONE.get(compiled)
    if found is None:
        rule = compiled.rule
        points = (rule.talking_point,) if rule.talking_point else ()
        found = keep(_LONE, compiled, (pooled((rule.name,)), pooled(points)), _LONE_KEPT)
    return found


def _moved(
    seen: dict[tuple[int, bool], Seen],
    first: Candidate,
    binding: Candidate,
    contact: Contact,
    policy: FollowUpPolicy,
) -> Moved:
    """The raw moves of a call that ``first`` opens and whose deadline is ``binding``'s,
    for a customer whose contact is ``contact`` (each member's own, if it has one)."""
    moves = tuple(first.moves or ())
    walk = first.walk
    fit = binding.fit
    caps = policy.caps
    by = _seen(seen, first.contact or contact, moves, walk, caps)
    fitted_by = by if fit is None else _seen(seen, binding.contact or contact, (), None, caps)
    return whole(Moved, (moves, by, fit, fitted_by, policy.schedule, caps, walk))


_LONE_KEPT: Final = 1024
_LONE: Final[dict[CompiledRule, tuple[tuple[str, ...], tuple[str, ...]]]] = cache("lone calls")


def _seen(
    seen: dict[tuple[int, bool], Seen],
    contact: Contact,
    moves: tuple[RawMove, ...],
    walk: Walk | None,
    caps: ContactCaps,
) -> Seen:
    """What the reasons of ``moves`` read of ``contact``, made once for each of the
    customer's contacts (the contact is alive while ``seen`` is, so its id stands).

    An agenda keeps this for every call that moved, so it keeps no more than its reasons
    read: the customer's attempts only for a reason of the cap, or of the gap after a call
    made (not after a planned call), and otherwise
    one :class:`Seen` shared by every customer of the same clocks.  A ``walk`` not worked
    out yet keeps them when it may hold such a move (see :func:`_may_hold`)."""
    attempts = contact.attempts
    needs_attempts = bool(attempts) and (
        any(
            move.constraint is Constraint.CAP
            or (move.constraint is Constraint.GAP and not move.after)
            for move in moves
        )
        or (walk is not None and _may_hold(walk, attempts, caps))
    )
    key = (id(contact), needs_attempts)
    found = seen.get(key)
    if found is None:
        if needs_attempts:
            found = Seen(contact.clocks, contact.cap_zone, contact.attempts, contact.unknown_zone)
        else:
            shared = (contact.clocks, contact.cap_zone, contact.unknown_zone)
            found = _SHARED_SEEN.get(shared)
            if found is None:
                found = keep(
                    _SHARED_SEEN,
                    shared,
                    Seen(contact.clocks, contact.cap_zone, _NO_ATTEMPTS, contact.unknown_zone),
                    _SHARED_SEEN_KEPT,
                )
        seen[key] = found
    return found


def _may_hold(walk: Walk, attempts: list[float], caps: ContactCaps) -> bool:
    """Whether the gap or the cap may move a call on ``walk``: it is not essential, and
    the cap is full of ``attempts`` somewhere, or an attempt the gap counts lies less than
    the gap before some instant of the walk."""
    if walk.essential:
        return False
    if len(attempts) >= caps.max_attempts:
        return True
    counted = attempts if walk.gap_attempts is None else walk.gap_attempts
    index = bisect.bisect_right(counted, walk.start - caps.min_gap.seconds)
    return index < len(counted) and counted[index] < walk.end


_NO_ATTEMPTS: Final[list[float]] = []
"""The attempts of a :class:`Seen` whose reasons read none (shared: never changed)."""
_SHARED_SEEN_KEPT: Final = 1024
_SHARED_SEEN: Final[dict[tuple[Clocks, dt.tzinfo, bool], Seen]] = cache("shared seen")
"""The :class:`Seen` of the calls whose reasons read no attempts, by clocks (kept in the
key, so never taken for other clocks), cap zone and whether the zone is unknown."""


def _retime_taken_along(case: Case, group: list[Candidate], revisit: RevisitCollector) -> None:
    """Time again the members a merged call takes along earlier than their own
    constraints allowed (an extra-mile call takes them outside staff hours, a call
    within the minimum gap takes them before their due time): they were pushed less far,
    so their deadlines move less.

    A call due already is taken to go at its anchor (where its latest episode fell due),
    not at ``now``, so that the deadlines of what it takes along do not drift with the
    clock: asking late moves nothing."""
    at = anchor_of(group, case.now)
    for cand in group[1:]:
        if at < cand.nominal:
            cand.final_deadline = deadline_for(case, cand, at)
            cand.fit = fit_deadline(
                cand.contact or case.contact,
                cand.final_deadline,
                at,
                case.policy.schedule,
                extra_mile=cand.extra_mile,
            )
            if cand.fit is not None:
                cand.final_deadline = cand.fit.fitted
            revisit.overdue(cand)

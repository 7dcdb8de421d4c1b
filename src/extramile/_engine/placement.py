"""Placement: each candidate call at the first moment every constraint allows, or
suppressed with the constraint that stopped it.

Do-not-call and an unknown timezone with no served zones suppress every candidate.
Otherwise each is placed (see :mod:`~extramile._engine.search`) at the first allowed
moment at or after ``max(now, due)``.  Its deadline moves as far as constraints pushed it
from its due time alone (not from ``now``, so an overdue call stays overdue instead of
chasing the clock), but never past the moment its rule gives up; a call that can only go
after that moment is suppressed.  A deadline that then falls where the call may not be
made is pulled back into the moments it may (see :mod:`~extramile._engine.fit`).

Each call is placed in its own calling window: the customer's own hours, else its rule's,
else the policy's (:meth:`~extramile._engine.contact.Contact.for_window`).

A call tried as many times as its rule's :class:`~extramile.Retry` allows, none of which
reached the customer, is suppressed as ``"unreachable"``, its reason naming the attempts.
Any other tried call starts from its next try's due time, and the minimum gap ignores
its own earlier tries.

The calls made are all placement counts; a customer's calls planned together keep the
gap and the cap among themselves afterwards (:mod:`~extramile._engine.converse`), which
places a call it pushes again with :func:`place_from`.

Imports: ``_decision``, ``_model``, ``_rules``, and the siblings ``contact``, ``data``,
``explain``, ``facts``, ``fit``, ``moves``, ``search`` and ``timing``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from extramile._decision import SuppressedCall
from extramile._engine.contact import Contact
from extramile._engine.data import Candidate, RevisitCollector, TraceCollector
from extramile._engine.explain import give_up_words, iso
from extramile._engine.facts import Case
from extramile._engine.fit import fit_deadline
from extramile._engine.moves import Constraint, RawMove, Walk, render_move, whole
from extramile._engine.search import (
    first_allowed,
    no_common_window,
    place_ts,
    suppression_of,
    walk_moves,
    without,
)
from extramile._engine.timing import deadline_for
from extramile._model import Interaction
from extramile._rules import FollowUpPolicy, Rule, lapse_at

__all__ = [
    "Stop",
    "Why",
    "moves_of",
    "place_all",
    "place_from",
    "reason_of",
    "suppression",
    "unreachable_reason",
]

Why = tuple[Constraint, "str | Callable[[], str]"]
"""Why a call is suppressed: the constraint, and the reason or what writes it when read."""
Stop = tuple[Candidate, Why]
"""A candidate suppressed, and why."""


def place_all(
    case: Case,
    candidates: list[Candidate],
    trace: TraceCollector,
    revisit: RevisitCollector,
) -> tuple[list[Candidate], list[Stop]]:
    """Place every candidate, or stop it: (the placed, the stopped and why; see
    :func:`suppression`)."""
    base = case.contact
    # (most customers may be called: the reason is asked for only when one may not be)
    blocked: Why | None = (
        suppression_of(base) if base.do_not_call or not base.clocks.zones else None
    )
    stopped: list[Stop] = []
    placed: list[Candidate] = []
    policy = case.policy
    revisit_active = revisit.active
    trace_active = trace.active
    for cand in candidates:
        why = blocked
        window = cand.rule.calling_window
        contact = cand.contact = base if window is None else base.for_window(window)
        attempts = cand.attempts
        start = cand.due
        if attempts:
            tries = cand.rule.retry.tries
            if len(attempts) >= tries:
                why = (
                    Constraint.UNREACHABLE,
                    f"unreachable: {unreachable_reason(attempts, tries)}",
                )
            elif cand.retry_due is not None and cand.retry_due > start:
                start = cand.retry_due
            cand.gap_attempts = without(contact.attempts, (call.ts for call in attempts))
        if why is None:
            why = place_from(case, cand, start, None)
            if why is None:
                placed.append(cand)
                if revisit_active:
                    revisit.call(cand, contact, policy)
                continue
        stopped.append((cand, why))
        if trace_active:
            trace.suppressed(cand, reason_of(why))
    return placed, stopped


def place_from(
    case: Case,
    cand: Candidate,
    start: float,
    moves: list[RawMove] | None,
    held_by: RawMove | None = None,
) -> Why | None:
    """Place ``cand`` at the first moment every constraint allows at or after ``start``
    (its due time, its next try's, or where the customer's other planned calls pushed
    it, ``held_by``), recording the moves after ``moves`` (those of this placement as a
    :class:`~extramile._engine.moves.Walk`, worked out when read: :func:`moves_of`); its
    deadline moved with it and fitted.  None when placed, else why it is suppressed:
    (constraint, reason).
    """
    contact = cand.contact or case.contact
    policy = case.policy
    schedule = policy.schedule
    caps = policy.caps
    extra_mile = cand.extra_mile
    essential = cand.rule.essential
    gap_attempts = cand.gap_attempts
    counted = contact.attempts if gap_attempts is None else gap_attempts
    staff = None if extra_mile else schedule
    allowed = contact.clocks.allowed(staff)
    now = case.now
    # As place_call(): at the first allowed moment from max(now, start), and where it
    # would have gone from ``start`` alone (the moves are worked out when read).
    begin = start if start > now else now
    at = first_allowed(contact, begin, allowed, staff, caps, essential, counted)
    if at is None:
        return (Constraint.NO_COMMON_WINDOW, no_common_window(contact))
    nominal = at
    if start < now:
        found = first_allowed(contact, start, allowed, staff, caps, essential, counted)
        if found is not None and found <= at:
            nominal = found
    cand.placed = at
    cand.final_deadline = cand.deadline
    cand.nominal = cand.due
    cand.moves = moves
    # its moves from ``begin``, worked out when read
    cand.walk = (
        None
        if at == begin
        else whole(Walk, (begin, at, contact.last_inbound, extra_mile, essential, gap_attempts))
    )
    if cand.placed > cand.due:
        why = _pushed(case, cand, nominal, held_by)
        if why is not None:
            return why
    fit = fit_deadline(
        contact,
        cand.final_deadline,
        cand.nominal,
        schedule,
        extra_mile=extra_mile,
    )
    cand.fit = fit
    if fit is not None:
        cand.final_deadline = fit.fitted
    return None


def moves_of(case: Case, cand: Candidate) -> list[RawMove]:
    """Every move of a placed ``cand``, in order: its last placement's worked out now."""
    moves = list(cand.moves or ())
    walk = cand.walk
    if walk is not None:
        policy = case.policy
        contact = cand.contact or case.contact
        moves.extend(walk_moves(contact, walk, schedule=policy.schedule, caps=policy.caps))
    return moves


def suppression(case: Case, cand: Candidate, why: Why) -> SuppressedCall:
    """The suppressed call of ``cand``, stopped by ``why``: (constraint, reason)."""
    return SuppressedCall(
        customer_id=case.customer.id,
        issue_id=cand.issue_id,
        key=cand.key,
        rule=cand.rule.name,
        constraint=why[0].value,
        reason=reason_of(why),
    )


def reason_of(why: Why) -> str:
    """The reason of ``why``, written now if it was left to be written when read."""
    reason = why[1]
    return reason if reason.__class__ is str else reason()  # type: ignore[operator]


def unreachable_reason(attempts: tuple[Interaction, ...], tries: int) -> str:
    """The attempts at a call, how many and when, for the reason it is unreachable."""
    listed = ", ".join(f"{call.id!r} at {iso(call.ts)} ({call.outcome})" for call in attempts)
    return f"{len(attempts)} unanswered call(s) of the {tries} tries its rule allows: {listed}"


def _pushed(case: Case, cand: Candidate, nominal: float, held_by: RawMove | None) -> Why | None:
    """Time a call that goes after its due time.

    Its deadline moves as far as constraints pushed it from its due time (promise 7; see
    :func:`~extramile._engine.timing.deadline_for`).  A call that can only go once its
    rule has given up is suppressed instead: (constraint, reason).  Both name what holds
    the call from the moment the rule gives up until it could go, which does not depend
    on ``now``: no moment between ``now`` and then is allowed, nor will be as ``now``
    moves on.  A call the customer's other planned calls pushed (``held_by``) past the
    moment its rule gives up names that move.
    """
    cand.nominal = nominal
    lapsed = cand.compiled.lapsed
    # a rule that never gives up needs no context of the customer (made on first ask)
    if lapsed is not None and lapsed(case.probe, cand.deadline, cand.placed):
        rule = cand.rule
        gives_up = lapse_at(rule, case.probe, cand.deadline)
        assert gives_up is not None  # it has a give-up time: it lapses
        given_up = (cand.placed, gives_up, rule, cand.deadline)
        if cand.retry_due is not None and cand.retry_due >= gives_up:
            # The wait for its next try took it there: it will never reach the customer.
            return Constraint.UNREACHABLE, functools.partial(
                _never_reached, given_up, cand.attempts
            )
        blocked: list[RawMove] = []
        policy = case.policy
        contact = cand.contact or case.contact
        if held_by is not None and gives_up >= held_by.end:
            held_by = None  # past the planned calls' hold: the clocks or the calls made
        if held_by is None:
            place_ts(
                contact,
                gives_up,
                schedule=policy.schedule,
                caps=policy.caps,
                extra_mile=cand.extra_mile,
                essential=rule.essential,
                moves=blocked,
                gap_attempts=cand.gap_attempts,
            )
        # The move that lands it where it can go (a search from the give-up time lands
        # where the search from now does); none if it could go at the very moment the
        # rule gives up: then what pushed it there.
        move = held_by or (blocked[-1] if blocked else moves_of(case, cand)[-1])
        # plan() only counts suppressed calls: the reason is written when read
        return move.constraint, functools.partial(_held, given_up, move, policy, contact)
    if nominal > cand.due:
        cand.final_deadline = deadline_for(case, cand, nominal)
    else:  # it could have gone when due (only ``now`` held it): as deadline_for() says
        cand.capped = False
        cand.final_deadline = cand.deadline
    return None


_GivenUp = tuple[float, float, Rule, float]
"""A call that could go no sooner than an instant, after its rule gives up at another,
counted from a deadline: (placed, gives up, rule, deadline)."""


def _given_up_words(given_up: _GivenUp) -> str:
    placed, gives_up, rule, deadline = given_up
    return (
        f"it could go no sooner than {iso(placed)}, after its rule gives up at"
        f" {iso(gives_up)} ({give_up_words(rule, f'the deadline {iso(deadline)}')})"
    )


def _never_reached(given_up: _GivenUp, attempts: tuple[Interaction, ...]) -> str:
    """The reason of a call whose wait for its next try took it past its rule's give-up."""
    rule = given_up[2]
    return (
        f"{_given_up_words(given_up)}: its next try waits {rule.retry.every} after the last"
        f" of {unreachable_reason(attempts, rule.retry.tries)}"
    )


def _held(given_up: _GivenUp, move: RawMove, policy: FollowUpPolicy, contact: Contact) -> str:
    """The reason of a call held past its rule's give-up by ``move``."""
    moved = render_move(move, schedule=policy.schedule, caps=policy.caps, contact=contact)
    return f"{_given_up_words(given_up)}: {moved.reason}"

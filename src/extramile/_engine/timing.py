"""Timing: a fired episode's due time and deadline, or why it has none.

The meaning of "anchor + duration" lives in :mod:`extramile._rules` (each rule is
compiled once per policy); here a fired episode is timed with it: its due time and
deadline are computed from their anchors, an episode past its rule's ``give_up_after``
lapses, and the extra-mile flag is judged.  What remains is a :class:`Candidate`.  An
episode already tried (see :mod:`~extramile._engine.episodes`) has its next try due its
rule's :attr:`Retry.every <extramile.Retry.every>` after the last attempt, or at its due
time if that is later; placement treats the wait as a push (the deadline moves with it).

A call that placement pushes later keeps its slack (promise 7): :func:`deadline_for`
moves its deadline as far, in the rule's own kind of time when the deadline is counted
from the due time (two business days from where it landed), else in elapsed time, but
never past the moment its rule gives up.

Imports: ``_memo``, ``_rules``, and the siblings ``data``, ``facts`` and ``guard``.
"""

from __future__ import annotations

import math
from typing import Final

from extramile._engine.data import Candidate, Fired, RevisitCollector, TraceCollector
from extramile._engine.facts import Case
from extramile._engine.guard import check
from extramile._memo import cache, keep
from extramile._rules import CompiledRule, lapse_at

__all__ = ["deadline_for", "timed"]

_MOVED: Final[dict[tuple[CompiledRule, float, str | None], float | None]] = cache(
    "deadlines counted from where a call landed"
)
"""A rule's deadline counted from where a call landed, by its compiled rule, that instant
and the customer's timezone: the rule's timing reads nothing else of the customer, and a
compiled rule is of one policy, so of one schedule.  The key holds the compiled rule, so
its identity is never reused while it is kept."""
_MOVED_BOUND: Final = 4096
_MISSING: Final[float] = math.nan


def timed(
    case: Case,
    compiled: CompiledRule,
    fired: Fired,
    trace: TraceCollector,
    revisit: RevisitCollector,
) -> Candidate | None:
    """The candidate call of a fired episode, or None (untimed, or lapsed)."""
    rule = compiled.rule
    key, _, issue_id, episode_id, ctx, attempts = fired
    due = compiled.due(ctx, None)
    deadline = compiled.deadline(ctx, due) if due is not None else None
    if due is None or deadline is None:
        trace.untimed(rule, fired)
        return None
    lapsed = compiled.lapsed
    if lapsed is not None:
        if lapsed(ctx, deadline, case.now):
            trace.lapsed(rule, fired, deadline)
            return None
        revisit.lapse(rule, ctx, deadline)
    flag = compiled.flag
    if not isinstance(flag, bool):
        condition = rule.extra_mile
        assert not isinstance(condition, bool)  # compiled from a condition
        revisit.condition(condition, ctx, rule.name)
        # A custom condition may answer any truthy value: the call says True or False.
        flag = bool(check(flag, condition, ctx, rule.name))
    cand = Candidate(
        compiled=compiled,
        rule=rule,
        key=key,
        issue_id=issue_id,
        episode_id=episode_id,
        due=due,
        deadline=deadline,
        extra_mile=flag,
    )
    if attempts:
        cand.attempts = attempts
        cand.retry_due = attempts[-1].ts + rule.retry.every.seconds
    return cand


def deadline_for(case: Case, cand: Candidate, landed: float) -> float:
    """The deadline of a call that constraints placed at ``landed`` (from its due time
    alone): moved as far, in the rule's own kind of time when its deadline is counted
    from the due time, else in elapsed time; but never past the moment its rule gives
    up (then ``cand.capped``)."""
    cand.capped = False
    if landed <= cand.due:
        return cand.deadline
    compiled = cand.compiled
    probe = case.probe
    moved_to = None
    if compiled.deadline_from_due:
        # Calls land where a window or staff open: a book's calls share those instants.
        key = (compiled, landed, case.customer.timezone)
        moved_to = _MOVED.get(key, _MISSING)
        if moved_to is _MISSING:
            moved_to = keep(_MOVED, key, compiled.deadline(probe, landed), _MOVED_BOUND)
    if moved_to is None:
        moved_to = cand.deadline + (landed - cand.due)
    lapsed = compiled.lapsed
    if lapsed is not None and lapsed(probe, cand.deadline, moved_to):
        gives_up = lapse_at(cand.rule, probe, cand.deadline)
        if gives_up is not None and gives_up < moved_to:
            moved_to = gives_up
            cand.capped = True
    return max(moved_to, cand.deadline)

"""``evaluate()``: one customer's history and ``now`` in, an explained decision out.

Theory of operation
-------------------

The engine is a pipeline of plain stages, each in its own module:

1. **Intake** (:mod:`~extramile._engine.intake`): the history checked, cut at ``now`` and
   sorted, so that input order never matters.
2. **Facts** (:mod:`~extramile._engine.facts`): one pass threads it into issues and
   collects what the rules ask of it.
3. **Episodes** (:mod:`~extramile._engine.episodes`): each rule, in policy order, names
   its episodes; those whose condition holds and that no call has answered *fire*.
4. **Timing** (:mod:`~extramile._engine.timing`): a fired episode's due time and
   deadline; an episode its rule has given up on lapses.  What remains is a candidate.
5. **Placement** (:mod:`~extramile._engine.placement`): each candidate at the first
   moment every constraint allows, its deadline moved with it, or suppressed.
6. **Conversation** (:mod:`~extramile._engine.converse`), for a customer with two
   candidates or more: which go in one call (windows that overlap, and calls taken
   along within the minimum gap), the others pushed until the gap and the cap allow.
7. **Merge** (:mod:`~extramile._engine.merge`): the candidates of each call become one
   call.

:func:`run` is the pipeline.  The trace (:mod:`~extramile._engine.explain`) and the
revisit time (:mod:`~extramile._engine.revisit`) are collectors the stages report to;
:func:`~extramile.plan` passes ones that keep nothing.

Imports: ``_decision``, ``_model``, ``_rules``, ``_time``, ``errors``, and the stages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from extramile._decision import Decision, SuppressedCall
from extramile._engine.compiler import candidates_of
from extramile._engine.converse import converse
from extramile._engine.data import Candidate, RevisitCollector, TraceCollector
from extramile._engine.episodes import fired_episodes
from extramile._engine.explain import NO_TRACE, Trace, iso
from extramile._engine.facts import Case
from extramile._engine.intake import customer_history, now_seconds
from extramile._engine.merge import Raw, call_of, merge
from extramile._engine.placement import Stop, place_all, suppression
from extramile._engine.revisit import NO_REVISIT, Revisit
from extramile._engine.timing import timed
from extramile._model import Customer, Interaction
from extramile._rules import FollowUpPolicy, program_of
from extramile._time import UTC, from_ts
from extramile.errors import ExtramileError, FactTypeError, InvalidFactError, describe

__all__ = ["counted_calls_for", "decide", "evaluate", "raw_calls_for", "run"]


def evaluate(
    policy: FollowUpPolicy,
    customer: Customer,
    interactions: Iterable[Interaction],
    *,
    now: dt.datetime,
) -> Decision:
    """Decide which proactive calls ``customer`` warrants at ``now``, and explain why.

    Args:
        policy: the rules and constraints.
        customer: who.
        interactions: the customer's history, in any order; those after ``now`` are ignored.
        now: the present, any timezone-aware datetime.

    Returns:
        A :class:`Decision`: calls, suppressed calls, a trace of every rule, revisit time.

    Raises:
        InvalidFactError: a naive ``now``, an interaction of another customer, or two
            interactions with one id.
        FactTypeError: arguments of the wrong type.
        ConditionError: a condition raised; the message names the rule.
    """
    if not isinstance(policy, FollowUpPolicy):
        raise FactTypeError(f"evaluate() needs a FollowUpPolicy (got {describe(policy)})")
    now_ts = now_seconds(now)
    history = customer_history(customer, interactions, now_ts)
    return decide(policy, customer, history, now_ts)


def run(
    case: Case, trace: TraceCollector, revisit: RevisitCollector
) -> tuple[list[Candidate], list[Raw], list[SuppressedCall]]:
    """The pipeline: the candidates, the calls they merge into, and the suppressed calls."""
    program = case.program
    present = case.facts.by_kind.keys()
    candidates: list[Candidate] = []
    try:
        for compiled in program.rules:
            kinds = compiled.kinds
            if kinds is not None and present.isdisjoint(kinds):
                continue  # no interaction of the trigger's kinds: no episode (nor any trace)
            for fired in fired_episodes(case, compiled, trace, revisit):
                cand = timed(case, compiled, fired, trace, revisit)
                if cand is not None:
                    candidates.append(cand)
        raws, suppressed = _calls(case, candidates, trace, revisit)
    except (OverflowError, ValueError) as exc:
        _off_the_calendar(exc, case.customer, case.now)
        raise
    return candidates, raws, suppressed


def _calls(
    case: Case, candidates: list[Candidate], trace: TraceCollector, revisit: RevisitCollector
) -> tuple[list[Raw], list[SuppressedCall]]:
    """The rest of the pipeline, from the candidates: placement, conversation, merge."""
    raws, stopped, held = _placed(case, candidates, trace, revisit)
    suppressed = [suppression(case, cand, why) for cand, why in stopped]
    suppressed.extend(held)
    return raws, suppressed


def _placed(
    case: Case, candidates: list[Candidate], trace: TraceCollector, revisit: RevisitCollector
) -> tuple[list[Raw], list[Stop], list[SuppressedCall]]:
    """:func:`_calls`, with the calls placement suppressed still (candidate, why), the
    reasons unwritten, and then those the conversation suppressed."""
    if not candidates:
        return [], [], []
    placed, stopped = place_all(case, candidates, trace, revisit)
    if not placed:
        return [], stopped, []
    if len(placed) > 1:
        calls, held = converse(case, placed, trace, revisit)
    else:
        calls, held = [placed], []
    return merge(case, calls, case.program.awareness, revisit), stopped, held


def raw_calls_for(
    policy: FollowUpPolicy,
    customer: Customer,
    history: Sequence[Interaction],
    now_ts: float,
    *,
    generic: bool = False,
) -> tuple[list[Raw], list[SuppressedCall]]:
    """What :func:`~extramile.plan` keeps of a decision on checked history: its calls,
    raw, and its suppressed calls (no trace, no revisit time).

    The candidate calls come from the policy's generated code
    (:mod:`~extramile._engine.compiler`); ``generic=True`` makes them through the
    generic stages instead, for comparison and debugging: the answer is the same."""
    if generic:
        case = Case(policy, customer, history, now_ts, trace=False)
        _, raws, suppressed = run(case, NO_TRACE, NO_REVISIT)
        return raws, suppressed
    found = _compiled(policy, customer, history, now_ts)
    if found is None:
        return [], []
    placed_in, raws, stopped, held = found
    if not stopped and not held:
        return raws, []
    suppressed = [suppression(placed_in, cand, why) for cand, why in stopped]
    suppressed.extend(held)
    return raws, suppressed


def counted_calls_for(
    policy: FollowUpPolicy, customer: Customer, history: Sequence[Interaction], now_ts: float
) -> tuple[list[Raw], list[str]]:
    """:func:`raw_calls_for` as :func:`~extramile.plan` uses it: its calls, raw, and the
    constraint of each suppressed call, in the same order (plan() counts them by
    constraint, so no reason is written)."""
    found = _compiled(policy, customer, history, now_ts)
    if found is None:
        return [], []
    _, raws, stopped, held = found
    if not stopped and not held:
        return raws, []
    constraints = [why[0].value for _, why in stopped]
    constraints.extend(dropped.constraint for dropped in held)
    return raws, constraints


def _compiled(
    policy: FollowUpPolicy, customer: Customer, history: Sequence[Interaction], now_ts: float
) -> tuple[Case, list[Raw], list[Stop], list[SuppressedCall]] | None:
    """The generated function's candidates, placed, conversed and merged as in
    :func:`_placed`, with the case they were placed in; None when there were none (most
    customers: nothing is made for them)."""
    program = program_of(policy)
    generated = program.generated
    make = candidates_of(program, policy) if generated is None else generated.function
    try:
        candidates, calls = make(customer, history, now_ts)
        if not candidates:
            return None
        case = Case.placing(policy, program, customer, history, now_ts, calls)
        return (case, *_placed(case, candidates, NO_TRACE, NO_REVISIT))
    except (OverflowError, ValueError) as exc:
        _off_the_calendar(exc, customer, now_ts)
        raise


def decide(
    policy: FollowUpPolicy, customer: Customer, history: Sequence[Interaction], now_ts: float
) -> Decision:
    """The whole decision on checked, sorted history, with its trace and revisit time."""
    case = Case(policy, customer, history, now_ts, trace=True)
    # A policy of built-in conditions only: their explanations wait until the trace is
    # read (see Trace).
    trace = Trace(lazy=case.program.reuse_context)
    revisit = Revisit(now_ts)
    candidates, raws, suppressed = run(case, trace, revisit)
    calls = tuple([call_of(raw) for raw in raws])
    trace.decided(policy, customer, calls, candidates)
    earliest = revisit.earliest()
    return Decision._explained_later(  # the package's own constructor
        customer_id=customer.id,
        now=from_ts(now_ts, UTC),
        calls=calls,
        suppressed=tuple(suppressed),
        revisit_at=from_ts(earliest, UTC) if earliest is not None else None,
        trace=trace,
    )


def _off_the_calendar(exc: Exception, customer: Customer, now: float) -> None:
    """Raise what says so if ``exc`` is the standard library refusing a date before the
    year 1 or after the year 9999 (only the times a policy works out from an extreme
    ``now`` reach them: facts and ``now`` are refused outside the years 2 to 9998)."""
    if isinstance(exc, ExtramileError):
        return
    if isinstance(exc, OverflowError) or "out of range" in str(exc):
        raise InvalidFactError(
            f"customer {customer.id!r}: a time this decision needs lies outside the"
            f" years 1 to 9999 ({exc}): now ({iso(now)}) is too close to the end of"
            " the calendar for this policy's times"
        ) from exc

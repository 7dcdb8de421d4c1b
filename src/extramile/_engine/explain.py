"""The trace collector: what became of every episode of every rule, for
:attr:`Decision.trace <extramile.Decision.trace>`.

Stages report each episode's fate to it: not fired (with the condition's own
explanation, as of the trigger), satisfied by a call, stopped (with the stop condition's
explanation, at now), untimed, lapsed, suppressed, or a call (with how its
times were worked out).  :func:`~extramile.plan` keeps no trace and passes
:data:`NO_TRACE`, whose methods do nothing, so that no explanation is written that no
one reads.

Imports: ``_conditions``, ``_decision``, ``_memo``, ``_model``, ``_rules``, ``_time``, and the
siblings ``data``, ``episodes``, ``guard`` and ``moves``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final, cast

from extramile._conditions import All, Condition, Context, TriggerContext, explain_failed
from extramile._decision import Call, EpisodeTrace, RuleLines, RuleTrace, TraceLine
from extramile._engine.data import Candidate, Fired
from extramile._engine.episodes import episode_key
from extramile._engine.guard import condition_error
from extramile._engine.moves import Constraint, RawMove, planned_reason, planned_words
from extramile._memo import cache, keep
from extramile._model import Customer, Interaction
from extramile._rules import Awareness, ContactCaps, FollowUpPolicy, Rule
from extramile._time import UTC, from_ts, relative
from extramile.errors import ExtramileError

__all__ = ["NO_TRACE", "NoTrace", "Trace", "explain_condition", "give_up_words", "iso"]


def iso(ts: float) -> str:
    """An instant as ISO 8601 in UTC (each written once, and kept a while: a decision
    names the same few instants again and again)."""
    text = _ISO.get(ts)
    if text is None:
        text = keep(_ISO, ts, from_ts(ts, UTC).isoformat(), bound=8192)
    return text


_ISO: Final[dict[float, str]] = cache("iso instants")


def give_up_words(rule: Rule, deadline: str) -> str:
    """When ``rule`` gives up, from its ``deadline`` (words): ``"at its deadline"``,
    ``"7 local days after its deadline"``."""
    assert rule.give_up_after is not None  # only a rule that gives up is asked
    return relative(rule.give_up_after, deadline, at=True)


_Note = tuple[str, Callable[..., TraceLine], tuple[Any, ...]]
"""An episode's outcome, and what writes its :data:`~extramile._decision.TraceLine` (a
function and its arguments), called when the trace is read."""


class Trace:
    """Collects what became of every episode, rule by rule; when the decision's trace
    is read, writes it.

    What is collected is what the explanations are made of (a rule, the context its
    condition was judged in, a candidate's times), not the explanations: they are
    written when :meth:`lines` is asked for, that is when the decision's trace or its
    explanation is read.  Everything kept is no longer changed once the decision is made,
    and every explanation is a pure function of it, so a trace read later says what it
    would have said at once.  With ``lazy=False`` (a policy with conditions of its users'
    own, whose ``explain`` may raise or read what it likes), the conditions'
    explanations are written at once, so that such an error is raised by
    :func:`~extramile.evaluate` itself, naming the rule.

    It is the decision's :class:`~extramile._decision.TraceWriter`: calling it makes the
    trace's objects, from the lines :meth:`lines` writes once, which are all that
    :meth:`Decision.explain <extramile.Decision.explain>` reads.
    """

    __slots__ = ("_decided", "_lines", "lazy", "rules")

    active: Final = True

    def __init__(self, *, lazy: bool = True) -> None:
        self.rules: dict[str, list[_Note]] = {}
        """The episodes of each rule that had any, by rule name."""
        self.lazy = lazy
        """Whether the conditions' explanations wait until the trace is read."""
        self._decided: (
            tuple[FollowUpPolicy, Customer, Sequence[Call], Sequence[Candidate]] | None
        ) = None
        self._lines: list[RuleLines] | None = None

    def not_fired(  # noqa: PLR0917  # the parts of a key, kept apart until they are needed
        self,
        rule: Rule,
        customer_part: str,
        issue_id: str | None,
        rule_part: str,
        episode_id: str,
        ctx: Context,
    ) -> None:
        """An episode whose condition did not hold as of its trigger (``ctx`` is the
        context as of the trigger), as the condition explains it."""
        args = (rule, customer_part, issue_id, rule_part, episode_id, ctx)
        note: _Note = (
            ("not-fired", _not_fired, args)
            if self.lazy
            else ("not-fired", _itself, (_not_fired(*args),))
        )
        # (Inline: the commonest note, one for each episode whose condition failed.)
        notes = self.rules.get(rule.name)
        if notes is None:
            self.rules[rule.name] = [note]
        else:
            notes.append(note)

    def satisfied(self, rule: Rule, fired: Fired, call: Interaction) -> None:
        """An episode an outbound call has answered."""
        self._note(rule.name, "satisfied", _satisfied, (fired, call))

    def stopped(self, rule: Rule, fired: Fired) -> None:
        """An episode its rule's stop condition ended, judged at now."""
        if self.lazy:
            self._note(rule.name, "stopped", _stopped, (rule, fired))
        else:
            self._note(rule.name, "stopped", _itself, (_stopped(rule, fired),))

    def untimed(self, rule: Rule, fired: Fired) -> None:
        """An episode whose due time or deadline cannot be computed."""
        self._note(rule.name, "untimed", _untimed, (rule, fired))

    def lapsed(self, rule: Rule, fired: Fired, deadline: float) -> None:
        """An episode its rule has given up on."""
        self._note(rule.name, "lapsed", _lapsed, (rule, fired, deadline))

    def suppressed(self, cand: Candidate, reason: str) -> None:
        """A call that may not be placed."""
        args = (cand.key, "suppressed", reason, cand.issue_id, cand.episode_id, None)
        self._note(cand.rule.name, "suppressed", _itself, (args,))

    def decided(
        self,
        policy: FollowUpPolicy,
        customer: Customer,
        calls: Sequence[Call],
        candidates: Sequence[Candidate],
    ) -> None:
        """The decision's calls, from these candidates: one trace for each episode in
        each (written with the rest, when the trace is read)."""
        self._decided = (policy, customer, calls, candidates)

    def __call__(self) -> tuple[RuleTrace, ...]:
        """Every rule of the policy, in order: whether it fired, and what became of each
        of its episodes."""
        return tuple(
            [
                RuleTrace(
                    rule=rule,
                    fired=fired,
                    summary=summary,
                    episodes=tuple([_episode_trace(*line) for line in episodes]),
                )
                for rule, fired, summary, episodes in self.lines()
            ]
        )

    def lines(self) -> list[RuleLines]:
        """What :meth:`__call__` makes into the trace, written once: each rule of the
        policy, in order, with its episodes as lines."""
        # Two threads reading one decision at once may both write them: the same lines.
        # (Nothing collected is changed here.)
        lines = self._lines
        if lines is None:
            assert self._decided is not None  # the engine tells the calls before any read
            lines = self._lines = self._written(*self._decided)
        return lines

    def _written(
        self,
        policy: FollowUpPolicy,
        customer: Customer,
        calls: Sequence[Call],
        candidates: Sequence[Candidate],
    ) -> list[RuleLines]:
        called = self._call_notes(calls, candidates, policy.caps)
        memo: _Memo = {}  # the parts' explanations, for the rules that share parts
        out: list[RuleLines] = []
        for rule in policy.rules:
            if isinstance(rule, Awareness):
                out.append(_awareness_lines(rule, calls, customer))
                continue
            notes = self.rules.get(rule.name, [])
            more = called.get(rule.name)
            if more:
                notes = notes + more
            if not notes:
                summary = f"not triggered: no {rule.trigger.describe()} up to now"
                out.append((rule.name, False, summary, ()))
                continue
            outcomes = {outcome for outcome, _, _ in notes}
            fired = "call" in outcomes
            if fired:
                summary = "fired: a call is recommended"
            else:
                summary = f"no call ({', '.join(sorted(outcomes))})"
            episodes = [
                make(*args, memo) if make is _not_fired else make(*args) for _, make, args in notes
            ]
            out.append((rule.name, fired, summary, episodes))
        return out

    @staticmethod
    def _call_notes(
        calls: Sequence[Call], candidates: Sequence[Candidate], caps: ContactCaps
    ) -> dict[str, list[_Note]]:
        """The notes of the calls' episodes, by rule."""
        own = {cand.key: cand for cand in candidates}
        notes: dict[str, list[_Note]] = {}
        for call in calls:
            for key in call.keys:
                # By the episode's own rule: a call lists its rules once each, not a key.
                episode = own[key]
                note = ("call", _call_line, (call, episode, caps))
                notes.setdefault(episode.rule.name, []).append(note)
        return notes

    def _note(
        self, rule: str, outcome: str, make: Callable[..., TraceLine], args: tuple[Any, ...]
    ) -> None:
        notes = self.rules.get(rule)
        if notes is None:
            self.rules[rule] = [(outcome, make, args)]
        else:
            notes.append((outcome, make, args))


class NoTrace:
    """A trace collector that keeps nothing."""

    __slots__ = ()

    active: Final = False

    def not_fired(  # noqa: PLR0917  # as Trace.not_fired
        self,
        rule: Rule,
        customer_part: str,
        issue_id: str | None,
        rule_part: str,
        episode_id: str,
        ctx: Context,
    ) -> None:
        """Nothing."""

    def satisfied(self, rule: Rule, fired: Fired, call: Interaction) -> None:
        """Nothing."""

    def stopped(self, rule: Rule, fired: Fired) -> None:
        """Nothing."""

    def untimed(self, rule: Rule, fired: Fired) -> None:
        """Nothing."""

    def lapsed(self, rule: Rule, fired: Fired, deadline: float) -> None:
        """Nothing."""

    def suppressed(self, cand: Candidate, reason: str) -> None:
        """Nothing."""


NO_TRACE: Final = NoTrace()


def explain_condition(condition: Condition, ctx: Context, rule: str) -> str:
    """``condition.explain(ctx)``, as :func:`extramile._engine.guard.explain` calls it
    (an error names the rule), in one call: one for each episode explained."""
    try:
        return condition.explain(ctx)
    except ExtramileError:
        raise
    except Exception as exc:
        raise condition_error(condition, rule, exc, " while explaining") from exc


def _all_explained(condition: All, ctx: TriggerContext, rule: str, memo: _Memo) -> str:
    """``condition.explain(ctx)``, the answer for each part kept in ``memo``: rules whose
    conditions share a part (``critical & ... & loyal``, ``critical & ... & ~loyal``) are
    explained at the same triggers, and say the same of it.  Only for a lazy trace: its
    conditions are the built-in ones, which read nothing but the context's fields, and
    its contexts are no longer changed."""
    now, trigger, thread, scope = ctx.now, id(ctx.trigger), id(ctx.thread), id(ctx.in_scope)
    try:
        for part in condition.parts:
            key = (id(part), now, trigger, thread, scope)
            failed = memo.get(key, _UNSEEN)
            if failed is _UNSEEN:
                failed = memo[key] = explain_failed(part, ctx)
            if failed is not None:
                return failed
        return condition.explain(ctx)  # (every part held: their explanations, all)
    except ExtramileError:
        raise
    except Exception as exc:
        raise condition_error(condition, rule, exc, " while explaining") from exc


def _itself(line: TraceLine) -> TraceLine:
    return line


def _episode_trace(  # noqa: PLR0917  # a TraceLine, unpacked
    key: str, outcome: str, detail: str, issue_id: str | None, episode: str | None, rest: object
) -> EpisodeTrace:
    """The :class:`EpisodeTrace` of one line of the trace: for a call, with its times
    (``rest`` is the call and its episode's candidate)."""
    if rest is None:
        return EpisodeTrace(
            key=key, outcome=outcome, detail=detail, issue_id=issue_id, episode=episode
        )
    call, cand = cast("tuple[Call, Candidate]", rest)
    tz = call.deadline.tzinfo or UTC
    return EpisodeTrace(
        key=key,
        outcome=outcome,
        detail=detail,
        issue_id=issue_id,
        episode=episode,
        due_at=call.due_at,
        deadline=from_ts(cand.final_deadline, tz),
        first_deadline=from_ts(cand.deadline, tz),
        extra_mile=cand.extra_mile,
        attempt=cand.attempt,
    )


_UNSEEN: Final = "\0unseen"
"""What a memo of :func:`_all_explained` gives for a part it has not seen yet (told by
identity: an explanation is never this object), so that a part seen is looked up once."""
_Memo = dict[tuple[int, float, int, int, int], "str | None"]
"""What :func:`explain_failed` said of a part of a rule's condition, by the part's id and
what its context holds as of a trigger (the ids of the trigger, the issue's thread and
the interactions in the rule's scope)."""


def _not_fired(  # noqa: PLR0917  # as Trace.not_fired
    rule: Rule,
    customer_part: str,
    issue_id: str | None,
    rule_part: str,
    episode_id: str,
    ctx: Context,
    memo: _Memo | None = None,
) -> TraceLine:
    condition = rule.condition
    if (
        memo is not None
        and type(condition) is All
        and type(ctx) is TriggerContext
        and ctx.in_scope is not None  # (what its last contact is read from)
    ):
        explained = _all_explained(condition, ctx, rule.name, memo)
    else:
        explained = explain_condition(condition, ctx, rule.name)
    now = ctx.now
    when = _ISO.get(now)
    if when is None:
        when = iso(now)
    return (
        episode_key(customer_part, issue_id, rule_part, episode_id),
        "not-fired",
        f"as of the trigger at {when}: " + explained,
        issue_id,
        episode_id,
        None,
    )


def _fate(fired: Fired, outcome: str, detail: str) -> TraceLine:
    return (fired.key, outcome, detail, fired.issue_id, fired.episode_id, None)


def _satisfied(fired: Fired, call: Interaction) -> TraceLine:
    return _fate(fired, "satisfied", f"outbound call {call.id!r} at {iso(call.ts)}")


def _stopped(rule: Rule, fired: Fired) -> TraceLine:
    assert rule.stop is not None  # only a rule with a stop condition stops
    detail = explain_condition(rule.stop, fired.ctx, rule.name)
    return _fate(fired, "stopped", f"stopped at now by {rule.stop!r}: {detail}")


def _untimed(rule: Rule, fired: Fired) -> TraceLine:
    return _fate(
        fired,
        "untimed",
        f"the due time ({rule.due.describe()}) or deadline"
        f" ({rule.deadline.describe()}) could not be computed",
    )


def _lapsed(rule: Rule, fired: Fired, deadline: float) -> TraceLine:
    detail = f"given up {give_up_words(rule, f'the deadline {iso(deadline)}')}"
    return _fate(fired, "lapsed", detail)


def _call_line(call: Call, episode: Candidate, caps: ContactCaps) -> TraceLine:
    detail = _call_detail(call, episode, caps)
    return (episode.key, "call", detail, episode.issue_id, episode.episode_id, (call, episode))


def _awareness_lines(rule: Awareness, calls: Sequence[Call], customer: Customer) -> RuleLines:
    points = rule.points_for(customer)
    if not calls:
        summary = "adds talking points only to calls; there is no call"
    elif points:
        summary = f"added {len(points)} talking point(s) about programmes the customer lacks"
    else:
        summary = "no programme the customer lacks"
    return (rule.name, bool(calls and points), summary, ())


def _call_detail(call: Call, episode: Candidate, caps: ContactCaps) -> str:
    """How the times of one episode's call were worked out: its rule's due time and
    deadline, and where placement, the customer's other planned calls and merging took
    them."""
    rule = episode.rule
    placed = call.due_at.timestamp()
    merged = f", merged with {len(call.keys) - 1} more" if len(call.keys) > 1 else ""
    if episode.taken_along is not None:
        merged = (
            f"{merged}, taken along into {planned_words(episode.taken_along)},"
            f" within the minimum gap of {caps.min_gap}"
        )
    wanted = f"wanted at {iso(episode.due)}: " if placed != episode.due else ""
    contact = episode.contact
    held = "".join(
        f"; {planned_reason(move, caps=caps, contact=contact)}"
        for move in _planned_moves(episode.moves or ())
        if contact is not None  # placed, so it has one
    )
    fit = episode.fit
    pushed = episode.final_deadline if fit is None else fit.deadline
    moved = ""
    if pushed != episode.deadline:
        moved = f", moved with the call from {iso(episode.deadline)}"
    if episode.capped:
        gives_up = f"the rule gives up then, {give_up_words(rule, 'its deadline')}"
        moved = (
            f"{moved} as far as {gives_up}" if moved else f", not moved with the call: {gives_up}"
        )
    retry = ""
    if episode.attempts:
        last = episode.attempts[-1]
        retry = (
            f"; try {episode.attempt} of {rule.retry.tries}, due {rule.retry.every} after"
            f" the unanswered call {last.id!r} at {iso(last.ts)} ({last.outcome})"
        )
    fitted = ""
    if fit is not None and fit.at_risk:
        fitted = "; at risk: no moment the call may be made lies between its due time and then"
    elif fit is not None:
        fitted = f"; pulled back from {iso(pushed)}, where the call may not be made"
    return (
        f"due {iso(placed)}{merged} ({wanted}{rule.due.describe()}{held});"
        f" by {iso(episode.final_deadline)}{moved} ({rule.deadline.describe()}){fitted}{retry}"
    )


def _planned_moves(moves: Sequence[RawMove]) -> list[RawMove]:
    """The last move of each constraint (the gap, the cap) for the customer's planned
    calls, in the order of those moves."""
    last: dict[Constraint, RawMove] = {}
    for move in moves:
        if move.after:
            last.pop(move.constraint, None)  # (kept in the order of its last move)
            last[move.constraint] = move
    return list(last.values())

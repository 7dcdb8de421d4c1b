"""The engine: one customer's history and ``now`` in, an explained :class:`Decision` out.

Theory of operation
-------------------

1. **Facts.**  The interactions are checked (they must all be the customer's), those
   after ``now`` are dropped -- they have not happened yet -- and the rest sorted by time,
   then id, so that input order never matters.  One pass threads them into issues, and
   collects outbound call attempts, the customer's latest own inbound contact (not an
   event logged by a system) and the calls that may satisfy a rule.

2. **Episodes.**  Each rule's trigger names its episodes: every interaction of a kind
   (:class:`~extramile.On`), the latest contact on each issue
   (:class:`~extramile.LastContact`), or the latest anniversary
   (:class:`~extramile.Anniversary`).  An episode has a stable key
   ``customer/issue/rule/episode``, made only of ids (escaped by :func:`key_part`), so
   re-evaluating gives the same key and a new episode (a new charge, a newer contact) a
   new one.

3. **Rules, in policy order.**  Each rule is compiled once per policy
   (:mod:`extramile._rules`).  For each episode: the condition is checked; an outbound
   call after the episode started satisfies it (on the same issue, or any call for a
   customer-scoped rule, or a call that lists the key in its ``satisfies`` attribute);
   the due time and deadline are computed from their anchors; an episode past its
   ``give_up_after`` lapses.  What remains is a candidate call.  On the path
   :func:`~extramile.plan` takes (no trace, no revisit time), episodes that started so
   long ago that the rule's timing has certainly given them up are skipped unseen
   (:meth:`~extramile._rules.CompiledRule.stale_before`).

4. **Placement.**  Do-not-call and an unknown timezone with no served zones suppress every
   candidate.  Otherwise each is placed (see :mod:`extramile._engine`) at the first
   allowed moment at or after ``max(now, due)``.  Its deadline moves as far as
   constraints pushed it from its due time alone (not from ``now``, so an overdue call
   stays overdue instead of chasing the clock), but never past the moment its rule
   gives up; a call that can only go after that moment is suppressed.

5. **Merging.**  Candidates whose windows overlap become one call: the earliest due time,
   the earliest deadline, the highest priority, every rule's talking point, and every key.
   A candidate the merged call takes along earlier than its own constraints allowed is
   timed again from there.
   Awareness rules then add their talking points to each call.

6. **Revisit.**  The earliest moment after ``now`` at which the answer could change on its
   own: a condition's threshold, a lapse, a deadline passing, a later call falling due,
   the end of the allowed period of a call due now, the next anniversary.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, TypeVar, cast

import attrs

from extramile._conditions import Condition, Context, IssueThread
from extramile._decision import (
    SATISFIES,
    Adjustment,
    Call,
    Decision,
    EpisodeTrace,
    RuleTrace,
    SuppressedCall,
)
from extramile._engine.placement import (
    CALLBACK_GRACE,
    Contact,
    RawMove,
    Reach,
    no_common_window,
    place_call,
    place_ts,
    render_move,
    render_moves,
    suppression_of,
    window_end,
)
from extramile._model import Channel, Customer, Direction, Interaction, Priority
from extramile._rules import (
    Anniversary,
    Awareness,
    CompiledRule,
    FollowUpPolicy,
    LastContact,
    On,
    Rule,
    key_part,
    lapse_at,
    program_of,
)
from extramile._time import DAY, UTC, aware_seconds, from_ts, pooled
from extramile.errors import (
    ConditionError,
    ExtramileError,
    FactTypeError,
    InvalidFactError,
    describe,
)
from extramile.kinds import CALL

__all__ = ["evaluate"]

_T = TypeVar("_T")

_NO_TRACE: Final[list[EpisodeTrace]] = []


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
    return decide(policy, customer, history, now_ts, explain=True)


def now_seconds(now: object) -> float:
    """POSIX seconds of ``now``, which must be an aware datetime."""
    return aware_seconds(now, "now")


def customer_history(
    customer: Customer, interactions: Iterable[Interaction], now_ts: float
) -> list[Interaction]:
    """The customer's interactions up to ``now``, sorted by time then id; checked."""
    if not isinstance(customer, Customer):
        raise FactTypeError(f"evaluate() needs a Customer (got {describe(customer)})")
    given: object = interactions
    if given.__class__ is not list and (
        not isinstance(given, Iterable) or isinstance(given, (str, bytes))
    ):
        raise FactTypeError(
            f"interactions must be an iterable of Interaction (got {describe(interactions)})"
        )
    cid = customer.id
    items = (
        cast("list[Interaction]", interactions) if given.__class__ is list else list(interactions)
    )
    # Each check is one pass of the interpreter's own loops; the loop below is taken only
    # when one fails, to say which interaction and why (or to admit a subclass).
    if (
        set(map(type, items)) <= _PLAIN
        and set(map(_CUSTOMER, items)) <= {cid}
        and len(set(map(_ID, items))) == len(items)
    ):
        kept = sorted(items, key=_TIME)
        if kept and kept[-1].ts > now_ts:
            del kept[bisect.bisect_right(kept, now_ts, key=_TIME) :]
        if len(set(map(_TIME, kept))) != len(kept):
            kept.sort(key=_ORDER)  # by time, then id
        return kept
    return _checked(customer, items, now_ts)


def book_pair(index: int, item: object) -> tuple[Any, Any]:
    """Item ``index`` of a book, checked to be a ``(customer, interactions)`` pair.

    Raises:
        FactTypeError: anything else; the message says which item.
    """
    if not isinstance(item, tuple | list) or len(item) != 2:  # a pair
        raise FactTypeError(
            f"book item {index} must be a (customer, interactions) pair (got {describe(item)})"
        )
    return item[0], item[1]


def in_book(exc: ExtramileError, index: int, customer: object) -> ExtramileError:
    """``exc`` again, its message saying which book item and customer it is about."""
    who = customer.id if isinstance(customer, Customer) else "?"
    return type(exc)(f"book item {index} (customer {who!r}): {exc}")


def _checked(customer: Customer, items: list[Any], now_ts: float) -> list[Interaction]:
    """The history checked one interaction at a time, failing on the first bad one."""
    cid = customer.id
    kept = []
    seen: set[str] = set()
    for item in items:
        if item.__class__ is not Interaction and not isinstance(item, Interaction):
            raise FactTypeError(
                f"interactions must hold Interaction objects (got {describe(item)})"
            )
        if item.customer_id != cid:
            raise InvalidFactError(
                f"interaction {item.id!r} belongs to customer {item.customer_id!r}, not to {cid!r}"
            )
        if item.id in seen:
            # Episode keys are made of ids: two interactions with one id would share keys.
            raise InvalidFactError(
                f"interaction id {item.id!r} appears twice in customer {cid!r}'s history"
            )
        seen.add(item.id)
        if item.ts <= now_ts:
            kept.append(item)
    # By time, then id: sort by time alone (no key tuple a call), and again by both only
    # when two interactions share an instant.
    kept.sort(key=_TIME)
    for earlier, later in itertools.pairwise(kept):
        if earlier.ts == later.ts:
            kept.sort(key=_ORDER)
            break
    return kept


def episode_key(customer: str, issue_id: str | None, rule: str, episode: str) -> str:
    """The key ``customer/issue/rule/episode`` of an episode, from its customer's and
    rule's parts (already escaped by :func:`key_part`); ``-`` stands for no issue, so an
    issue of that id is written ``%2D``."""
    issue = "-" if issue_id is None else "%2D" if issue_id == "-" else key_part(issue_id)
    return f"{customer}/{issue}/{rule}/{key_part(episode)}"


_TIME: Final = operator.attrgetter("ts")
_ORDER: Final = operator.attrgetter("ts", "id")
"""Interactions in time order, then by id."""
_CUSTOMER: Final = operator.attrgetter("customer_id")
_ID: Final = operator.attrgetter("id")
_PLAIN: Final = frozenset({Interaction})


@attrs.define(slots=True)
class _Candidate:
    compiled: CompiledRule
    rule: Rule
    key: str
    issue_id: str | None
    due: float
    deadline: float
    extra_mile: bool
    placed: float = 0.0
    final_deadline: float = 0.0
    moves: list[RawMove] | None = None
    nominal: float = 0.0
    """Where constraints placed the call from its due time alone."""
    capped: bool = False
    """Whether the deadline stopped at the time its rule gives up."""


class _Facts:
    """One pass over the history: issue threads, attempts, satisfying calls."""

    __slots__ = ("attempts", "by_kind", "calls", "last_inbound", "threads")

    def __init__(self, history: Sequence[Interaction]) -> None:
        by_issue: dict[str, list[Interaction]] = {}
        by_kind: dict[str, list[Interaction]] = {}
        attempts: list[float] = []
        calls: list[Interaction] = []
        last_inbound: float | None = None
        outbound = Direction.OUTBOUND
        system = Channel.SYSTEM
        for item in history:
            issue_id = item.issue_id
            if issue_id is not None:
                on_issue = by_issue.get(issue_id)
                if on_issue is None:
                    by_issue[issue_id] = [item]
                else:
                    on_issue.append(item)
            kind = item.kind
            same = by_kind.get(kind)
            if same is None:
                by_kind[kind] = [item]
            else:
                same.append(item)
            if item.direction is outbound:
                if kind == CALL:
                    attempts.append(item.ts)
                    calls.append(item)
            elif item.channel is not system:
                # Only the customer's own contact opens a callback hour: an event a system
                # logged (a charge, a price change) is inbound by default but is not one.
                last_inbound = item.ts
        threads: dict[str, IssueThread] = {}
        for issue_id, items in by_issue.items():
            thread = threads[issue_id] = IssueThread(issue_id)
            thread.extend(items)
        self.threads = threads
        self.by_kind = by_kind
        self.attempts = attempts
        self.calls = calls
        self.last_inbound = last_inbound


Episode = tuple[str, float, "Interaction | None", "IssueThread | None"]
"""(id, start, trigger, issue) of an episode.  Episodes that started at or before a
rule's ``stale`` instant have lapsed whatever else holds, and are left out."""


def _on_episodes(trigger: On, kinds: tuple[str, ...], facts: _Facts, stale: float) -> list[Episode]:
    """The episodes of a rule triggered by interactions of some kinds: one each."""
    found: list[Episode] = []
    direction = trigger.direction
    by_kind = facts.by_kind
    threads = facts.threads
    for kind in kinds:
        same = by_kind.get(kind)
        if not same:
            continue
        # In time order: the stale ones are a prefix.
        skip = bisect.bisect_right(same, stale, key=_TIME) if same[0].ts <= stale else 0
        for item in itertools.islice(same, skip, None) if skip else same:
            if direction is None or item.direction is direction:
                issue_id = item.issue_id
                found.append(
                    (item.id, item.ts, item, None if issue_id is None else threads[issue_id])
                )
    if len(kinds) > 1:
        found.sort(key=lambda e: (e[1], e[0]))
    return found


def _episodes(  # noqa: PLR0917  # private, called once
    rule: Rule,
    customer: Customer,
    history: Sequence[Interaction],
    facts: _Facts,
    policy: FollowUpPolicy,
    now_ts: float,
    revisit: list[float],
    *,
    track: bool,
    stale: float,
) -> list[Episode]:
    """The episodes of a rule triggered by the last contact or an anniversary (see
    :func:`_on_episodes` for the others)."""
    trigger = rule.trigger
    threads = facts.threads
    if isinstance(trigger, LastContact):
        if rule.scope == "customer":
            if not history or history[-1].ts <= stale:
                return []
            last = history[-1]
            return [(last.id, last.ts, last, threads.get(last.issue_id or ""))]
        return [
            (thread.last.id, thread.last.ts, thread.last, thread)
            for thread in threads.values()
            if thread.last is not None and thread.last.ts > stale
        ]
    assert isinstance(trigger, Anniversary)
    if track:
        upcoming = trigger.next_after(customer, now_ts, policy.schedule)
        if upcoming is not None:
            revisit.append(upcoming)
    years, start = trigger.latest(customer, now_ts, policy.schedule, stale)
    if years <= 0 or start <= stale:
        return []
    return [(f"anniversary-{years}", start, None, None)]


def _satisfied(
    calls: Sequence[Interaction], key: str, start: float, issue_id: str | None, scope: str
) -> Interaction | None:
    for call in calls:
        if call.ts < start:
            continue
        # A call recorded for this very key satisfies it even at the triggering instant
        # (a call due now, made now); any other call must come after the trigger.
        listed = call.attributes.get(SATISFIES)
        if isinstance(listed, tuple) and key in listed:  # a list of keys, never a substring
            return call
        if call.ts > start and (
            scope == "customer" or issue_id is None or call.issue_id == issue_id
        ):
            return call
    return None


def _guarded(
    call: Callable[[Context], _T], condition: Condition, ctx: Context, rule: str, doing: str = ""
) -> _T:
    """Run one of a condition's methods; a user's condition that raises names its rule."""
    try:
        return call(ctx)
    except ExtramileError:
        raise
    except Exception as exc:
        raise _condition_error(condition, rule, exc, doing) from exc


def _condition_error(
    condition: Condition, rule: str, exc: Exception, doing: str = ""
) -> ConditionError:
    return ConditionError(
        f"rule {rule!r}: condition {condition!r} raised {type(exc).__name__}{doing}: {exc}"
    )


def _check(check: Callable[[Context], bool], condition: Condition, ctx: Context, rule: str) -> bool:
    return _guarded(check, condition, ctx, rule)


def _explain(condition: Condition, ctx: Context, rule: str) -> str:
    return _guarded(condition.explain, condition, ctx, rule, " while explaining")


def _changes_at(condition: Condition, ctx: Context, rule: str) -> float | None:
    return _guarded(condition.changes_at, condition, ctx, rule)


def _stable_until(cand: _Candidate, contact: Contact, policy: FollowUpPolicy, now: float) -> float:
    """When a call that is due now stops being allowed to go now (``inf``: never)."""
    limits = []
    grace = contact.last_inbound
    in_grace = grace is not None and grace <= now < grace + CALLBACK_GRACE
    window = contact.window
    window_open_until = (
        math.inf  # a window open all day never closes
        if window.start == 0 and window.end == DAY and contact.zones
        else min((window_end(now, window, tz) for tz in contact.zones), default=now)
    )
    if in_grace:
        assert grace is not None
        limits.append(max(grace + CALLBACK_GRACE, window_open_until))
    else:
        limits.append(window_open_until)
    if not cand.extra_mile:
        limits.append(policy.schedule.open_until_ts(now))
    return min(limits)


class _Run:
    """One evaluation: the facts gathered once, and what the rules make of them."""

    __slots__ = (
        "_contact",
        "_probe",
        "candidates",
        "customer",
        "explain",
        "facts",
        "history",
        "key_part",
        "labels",
        "last_any",
        "now",
        "policy",
        "revisit",
        "shared",
        "traces",
        "track",
    )

    def __init__(
        self,
        policy: FollowUpPolicy,
        customer: Customer,
        history: Sequence[Interaction],
        now_ts: float,
        *,
        explain: bool,
        revisit: bool,
        reuse_context: bool = False,
    ) -> None:
        self.policy = policy
        self.customer = customer
        self.history = history
        self.now = now_ts
        self.explain = explain
        self.track = revisit
        """Whether to collect the moments the decision could change (for revisit_at)."""
        self.facts = _Facts(history)
        self._contact: Contact | None = None
        self._probe: Context | None = None
        self.key_part = key_part(customer.id)
        """The customer's id as the first part of a key."""
        """A context of this customer alone, for timing that needs no episode."""
        self.last_any = history[-1].ts if history else None
        self.revisit: list[float] = []
        self.candidates: list[_Candidate] = []
        self.traces: dict[str, list[EpisodeTrace]] = {}
        self.labels: dict[str, tuple[str | None, str]] = {}
        self.shared: Context | None = None
        """One context for every episode, when the policy's conditions allow it."""
        if reuse_context and not explain:
            self.shared = Context(
                customer=customer, now=now_ts, history=history, schedule=policy.schedule
            )

    @property
    def contact(self) -> Contact:
        """What placement needs to know of the customer, made when a call is to be placed."""
        if self._contact is None:
            facts = self.facts
            policy = self.policy
            self._contact = Contact.build(
                self.customer,
                facts.attempts,
                facts.last_inbound,
                calling_window=policy.calling_window,
                served_timezones=policy.served_timezones,
                schedule=policy.schedule,
            )
        return self._contact

    def _note(self, bucket: list[EpisodeTrace], key: str, outcome: str, detail: str) -> None:
        if self.explain:
            bucket.append(self.trace(key, outcome, detail))

    def trace(self, key: str, outcome: str, detail: str, **times: Any) -> EpisodeTrace:
        """What became of the episode with this key."""
        issue_id, episode = self.labels.get(key, (None, None))
        return EpisodeTrace(
            key=key, outcome=outcome, detail=detail, issue_id=issue_id, episode=episode, **times
        )

    def run_rule(self, compiled: CompiledRule) -> None:
        """Turn each of the rule's episodes into a candidate call, or say why not."""
        rule = compiled.rule
        explain = self.explain
        bucket: list[EpisodeTrace] = _NO_TRACE
        if explain:
            bucket = self.traces[compiled.name] = []
        shared = self.shared
        stale = (
            compiled.stale_before(shared, self.now)
            if shared is not None and not self.track
            else -math.inf
        )
        starts = rule.trigger
        if isinstance(starts, On):
            episodes = _on_episodes(starts, compiled.kinds or (), self.facts, stale)
        else:
            episodes = _episodes(
                rule,
                self.customer,
                self.history,
                self.facts,
                self.policy,
                self.now,
                self.revisit,
                track=self.track,
                stale=stale,
            )
        customer_part = self.key_part
        rule_part = compiled.key_name
        # The latest interaction in the rule's scope: the issue's, or the customer's.
        by_issue = rule.scope != "customer"
        for episode_id, start, trigger, issue in episodes:
            issue_id = issue.id if issue is not None else None
            last = issue.last.ts if by_issue and issue is not None and issue.last else self.last_any
            if shared is not None:
                ctx = shared
                ctx.trigger = trigger
                ctx.episode_start = start
                ctx.issue = issue
                ctx.last_contact = last
            else:
                ctx = Context(
                    customer=self.customer,
                    now=self.now,
                    history=self.history,
                    schedule=self.policy.schedule,
                    trigger=trigger,
                    episode_start=start,
                    issue=issue,
                    last_contact=last,
                )
            if explain:
                key = episode_key(customer_part, issue_id, rule_part, episode_id)
                self.labels[key] = (issue_id, episode_id)
            if self.track:
                self._watch(rule.condition, ctx, rule)
            if not compiled.always:
                try:
                    holds = compiled.check(ctx)
                except ExtramileError:
                    raise
                except Exception as exc:
                    raise _condition_error(rule.condition, rule.name, exc) from exc
            else:
                holds = True
            if not holds:
                if explain:
                    self._note(bucket, key, "not-fired", _explain(rule.condition, ctx, rule.name))
                continue
            if not explain:
                key = episode_key(customer_part, issue_id, rule_part, episode_id)
            self._fired(compiled, key, start, issue_id, ctx, bucket)

    def _fired(  # noqa: PLR0917  # private; one call site
        self,
        compiled: CompiledRule,
        key: str,
        start: float,
        issue_id: str | None,
        ctx: Context,
        bucket: list[EpisodeTrace],
    ) -> None:
        """An episode whose condition holds: timed, then satisfied, lapsed, or a candidate."""
        rule = compiled.rule
        done = _satisfied(self.facts.calls, key, start, issue_id, rule.scope)
        if done is not None:
            if self.explain:
                self._note(
                    bucket, key, "satisfied", f"outbound call {done.id!r} at {_iso(done.ts)}"
                )
            return
        due = compiled.due(ctx, None)
        deadline = compiled.deadline(ctx, due) if due is not None else None
        if due is None or deadline is None:
            self._note(
                bucket,
                key,
                "untimed",
                f"the due time ({rule.due.describe()}) or deadline"
                f" ({rule.deadline.describe()}) could not be computed",
            )
            return
        if compiled.lapsed is not None:
            if compiled.lapsed(ctx, deadline, self.now):
                if self.explain:
                    self._note(
                        bucket,
                        key,
                        "lapsed",
                        f"given up {rule.give_up_after} after the deadline {_iso(deadline)}",
                    )
                return
            if self.track:
                lapse = lapse_at(rule, ctx, deadline)
                if lapse is not None:
                    self.revisit.append(lapse)
        flag = compiled.flag
        if not isinstance(flag, bool):
            if self.track:
                self._watch(rule.extra_mile, ctx, rule)  # type: ignore[arg-type]  # a Condition
            # A custom condition may answer any truthy value: the call says True or False.
            flag = bool(_check(flag, rule.extra_mile, ctx, rule.name))  # type: ignore[arg-type]
        self.candidates.append(
            _Candidate(
                compiled=compiled,
                rule=rule,
                key=key,
                issue_id=issue_id,
                due=due,
                deadline=deadline,
                extra_mile=flag,
            )
        )

    def _watch(self, condition: Condition, ctx: Context, rule: Rule) -> None:
        change = _changes_at(condition, ctx, rule.name)
        if change is not None:
            self.revisit.append(change)

    def place(self) -> tuple[list[_Candidate], list[SuppressedCall]]:
        """Place every candidate, or suppress it."""
        blocked = suppression_of(self.contact)
        suppressed: list[SuppressedCall] = []
        placed: list[_Candidate] = []
        policy = self.policy
        now = self.now
        for cand in self.candidates:
            why = blocked
            if why is None:
                moves: list[RawMove] = []
                landed = place_call(
                    self.contact,
                    cand.due,
                    now,
                    schedule=policy.schedule,
                    caps=policy.caps,
                    extra_mile=cand.extra_mile,
                    essential=cand.rule.essential,
                    moves=moves,
                )
                if landed is None:
                    why = ("no-common-window", no_common_window(self.contact))
                else:
                    cand.placed, nominal = landed
                    cand.final_deadline = cand.deadline
                    cand.nominal = cand.due
                    cand.moves = moves
                    if cand.placed > cand.due:
                        why = self._pushed(cand, nominal)
                    if why is None:
                        placed.append(cand)
                        if self.track:
                            self._watch_call(cand)
                        continue
            suppressed.append(
                SuppressedCall(
                    customer_id=self.customer.id,
                    issue_id=cand.issue_id,
                    key=cand.key,
                    rule=cand.rule.name,
                    constraint=why[0],
                    reason=why[1],
                )
            )
            if self.explain:
                self._note(self.traces[cand.rule.name], cand.key, "suppressed", why[1])
        return placed, suppressed

    def _pushed(self, cand: _Candidate, nominal: float) -> tuple[str, str] | None:
        """Time a call that goes after its due time.

        Its deadline moves as far as constraints pushed it from its due time (promise
        7; see :meth:`deadline_for`).  A call that can only go once its rule has given
        up is suppressed instead: (constraint, reason).  Both name what holds the call
        from the moment the rule gives up until it could go, which does not depend on
        ``now``: no moment between ``now`` and then is allowed, nor will be as ``now``
        moves on.
        """
        cand.nominal = nominal
        lapsed = cand.compiled.lapsed
        if lapsed is not None and lapsed(self.probe, cand.deadline, cand.placed):
            rule = cand.rule
            gives_up = lapse_at(rule, self.probe, cand.deadline)
            assert gives_up is not None  # it has a give-up time: it lapses
            blocked: list[RawMove] = []
            policy = self.policy
            place_ts(
                self.contact,
                gives_up,
                schedule=policy.schedule,
                caps=policy.caps,
                extra_mile=cand.extra_mile,
                essential=rule.essential,
                moves=blocked,
            )
            # The move that lands it where it can go (a search from the give-up time lands
            # where the search from now does); none if it could go at the very moment the
            # rule gives up: then what pushed it there.
            move = blocked[-1] if blocked else (cand.moves or [])[-1]
            moved = render_move(
                move, schedule=policy.schedule, caps=policy.caps, contact=self.contact
            )
            reason = (
                f"it could go no sooner than {_iso(cand.placed)}, after its rule gives up at"
                f" {_iso(gives_up)} ({rule.give_up_after} after the deadline"
                f" {_iso(cand.deadline)}): {moved.reason}"
            )
            return move[0], reason
        cand.final_deadline = self.deadline_for(cand, nominal)
        return None

    @property
    def probe(self) -> Context:
        """A context of this customer, for timing that reads only the customer and the
        schedule (the shared one, when there is one)."""
        probe = self.shared or self._probe
        if probe is None:
            probe = self._probe = Context(
                customer=self.customer, now=self.now, history=(), schedule=self.policy.schedule
            )
        return probe

    def deadline_for(self, cand: _Candidate, landed: float) -> float:
        """The deadline of a call that constraints placed at ``landed`` (from its due
        time alone): moved as far, in the rule's own kind of time when its deadline is
        counted from the due time (two business days from where it landed), else in
        elapsed time; but never past the moment its rule gives up."""
        cand.capped = False
        if landed <= cand.due:
            return cand.deadline
        compiled = cand.compiled
        moved_to = compiled.deadline(self.probe, landed) if compiled.deadline_from_due else None
        if moved_to is None:
            moved_to = cand.deadline + (landed - cand.due)
        lapsed = compiled.lapsed
        if lapsed is not None and lapsed(self.probe, cand.deadline, moved_to):
            gives_up = lapse_at(cand.rule, self.probe, cand.deadline)
            if gives_up is not None and gives_up < moved_to:
                moved_to = gives_up
                cand.capped = True
        return max(moved_to, cand.deadline)

    def watch_overdue(self, cand: _Candidate) -> None:
        """Note the first moment a call is overdue: a microsecond after its deadline."""
        overdue_from = cand.final_deadline + _TICK
        if overdue_from > self.now:
            self.revisit.append(overdue_from)

    def _watch_call(self, cand: _Candidate) -> None:
        now = self.now
        self.watch_overdue(cand)
        if cand.placed == now:
            until = _stable_until(cand, self.contact, self.policy, now)
            if until < math.inf:
                self.revisit.append(until)
        else:
            # When it falls due it is placed at "now" from then on, and may merge with
            # calls that are already due.
            self.revisit.append(cand.placed)


_TICK: Final = 1e-6
"""A microsecond, the smallest step of a datetime."""


def _run(  # noqa: PLR0917  # private
    policy: FollowUpPolicy,
    customer: Customer,
    history: Sequence[Interaction],
    now_ts: float,
    explain: bool,
    revisit: bool,
) -> tuple[_Run, list[Raw], list[SuppressedCall]]:
    program = program_of(policy)
    try:
        run = _Run(
            policy,
            customer,
            history,
            now_ts,
            explain=explain,
            revisit=revisit,
            reuse_context=program.reuse_context,
        )
        present = run.facts.by_kind.keys()
        for rule in program.rules:
            kinds = rule.kinds
            if kinds is None or not present.isdisjoint(kinds):
                run.run_rule(rule)
            # else: no interaction of the trigger's kinds, so no episode (nor any trace).
        if not run.candidates:
            return run, [], []
        placed, suppressed = run.place()
        return run, _merge(placed, customer, program.awareness, run, policy), suppressed
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, ExtramileError) or not _off_the_calendar(exc):
            raise
        raise InvalidFactError(
            f"customer {customer.id!r}: a time this decision needs lies outside the years"
            f" 1 to 9999 ({exc}): now ({_iso(now_ts)}) is too close to the end of the"
            " calendar for this policy's times"
        ) from exc


def _off_the_calendar(exc: Exception) -> bool:
    """Whether ``exc`` is the standard library refusing a date before the year 1 or after
    the year 9999 (only the times a policy works out from an extreme ``now`` reach them:
    facts and ``now`` are refused outside the years 2 to 9998)."""
    return isinstance(exc, OverflowError) or "out of range" in str(exc)


def calls_for(
    policy: FollowUpPolicy, customer: Customer, history: Sequence[Interaction], now_ts: float
) -> tuple[list[Call], list[SuppressedCall]]:
    """Only the calls and suppressed calls of a decision, without the trace, the revisit
    time or the :class:`Decision` around them."""
    raws, suppressed = raw_calls_for(policy, customer, history, now_ts)
    return [call_of(raw) for raw in raws], suppressed


def raw_calls_for(
    policy: FollowUpPolicy, customer: Customer, history: Sequence[Interaction], now_ts: float
) -> tuple[list[Raw], list[SuppressedCall]]:
    """What :func:`~extramile.plan` keeps of a decision: its calls, raw, and its
    suppressed calls."""
    _, raws, suppressed = _run(policy, customer, history, now_ts, False, False)  # noqa: FBT003
    return raws, suppressed


def decide(
    policy: FollowUpPolicy,
    customer: Customer,
    history: Sequence[Interaction],
    now_ts: float,
    *,
    explain: bool,
    revisit: bool = True,
) -> Decision:
    """The engine proper, on checked, sorted history (see the module docstring).

    ``explain=False`` leaves out the trace and ``revisit=False`` the revisit time (then
    None): :func:`~extramile.plan` needs only the calls.
    """
    run, raws, suppressed = _run(policy, customer, history, now_ts, explain, revisit)
    calls = [call_of(raw) for raw in raws]
    if explain:
        own = {cand.key: cand for cand in run.candidates}
        for call in calls:
            for key, rule_name in zip(call.keys, call.rules, strict=True):
                episode = own[key]
                run.traces[rule_name].append(
                    run.trace(
                        key,
                        "call",
                        _call_detail(call, episode),
                        due_at=call.due_at,
                        deadline=from_ts(episode.final_deadline, call.deadline.tzinfo),  # type: ignore[arg-type]
                        extra_mile=episode.extra_mile,
                    )
                )
    future = [t for t in run.revisit if t > now_ts]
    return Decision(
        customer_id=customer.id,
        now=from_ts(now_ts, UTC),
        calls=tuple(calls),
        suppressed=tuple(suppressed),
        trace=_rule_traces(policy, run.traces, calls, customer) if explain else (),
        revisit_at=from_ts(min(future), UTC) if future else None,
    )


def _call_detail(call: Call, episode: _Candidate) -> str:
    """How the times of one episode's call were worked out: its rule's due time and
    deadline, and where placement and merging took them."""
    rule = episode.rule
    placed = call.due_at.timestamp()
    merged = f", merged with {len(call.keys) - 1} more" if len(call.keys) > 1 else ""
    wanted = f"wanted at {_iso(episode.due)}: " if placed != episode.due else ""
    moved = ""
    if episode.final_deadline != episode.deadline:
        moved = f", moved with the call from {_iso(episode.deadline)}"
    if episode.capped:
        gives_up = f"the rule gives up then, {rule.give_up_after} after its deadline"
        moved = (
            f"{moved} as far as {gives_up}" if moved else f", not moved with the call: {gives_up}"
        )
    return (
        f"due {_iso(placed)}{merged} ({wanted}{rule.due.describe()});"
        f" by {_iso(episode.final_deadline)}{moved} ({rule.deadline.describe()})"
    )


def _iso(ts: float) -> str:
    return from_ts(ts, UTC).isoformat()


Raw = tuple[
    str,  # customer_id
    "str | None",  # issue_id
    tuple[str, ...],  # keys, the leading one first
    tuple[str, ...],  # rules
    float,  # due, POSIX seconds
    float,  # deadline, POSIX seconds
    dt.tzinfo,  # the zone both are written in
    int,  # priority
    tuple[str, ...],  # talking points
    bool,  # extra mile
    bool,  # essential
    tuple[Adjustment, ...],  # moved by
    "Reach | None",  # where the customer may be called (None: not known)
]
"""A call before its datetimes and its :class:`Call` are made (see :func:`call_of`).

:func:`~extramile.plan` keeps these, in columns, for a whole book: an agenda is held in
a fraction of the memory its calls would take."""


def call_of(raw: Raw) -> Call:
    """The :class:`Call` of a raw call."""
    cid, issue_id, keys, rules, due, deadline, tz, priority, points, extra, essential = raw[:11]
    moved = raw[11]
    return Call(
        customer_id=cid,
        issue_id=issue_id,
        key=keys[0],
        keys=keys,
        rules=rules,
        due_at=from_ts(due, tz),  # type: ignore[arg-type]  # a pendulum Timezone
        deadline=from_ts(deadline, tz),  # type: ignore[arg-type]
        priority=Priority(priority),
        talking_points=points,
        extra_mile=extra,
        essential=essential,
        moved_by=moved,
    )


def _merge(
    placed: list[_Candidate],
    customer: Customer,
    awareness: Sequence[Awareness],
    run: _Run,
    policy: FollowUpPolicy,
) -> list[Raw]:
    if not placed:
        return []
    contact = run.contact
    placed.sort(key=lambda c: (c.placed, -c.rule.priority, c.final_deadline, c.key))
    groups: list[list[_Candidate]] = []
    group_end = 0.0
    for cand in placed:
        end = max(cand.final_deadline, cand.placed)
        if groups and cand.placed <= group_end:
            groups[-1].append(cand)
            group_end = min(group_end, end)
        else:
            groups.append([cand])
            group_end = end
    for group in groups:
        at = group[0].placed
        for cand in group[1:]:
            # Called with the others earlier than its own constraints allowed (an
            # extra-mile call takes it along outside staff hours): pushed less far.
            if at < cand.nominal:
                cand.final_deadline = run.deadline_for(cand, min(cand.nominal, at))
                if run.track:
                    run.watch_overdue(cand)
    extra_points = [point for rule in awareness for point in rule.points_for(customer)]
    tz = contact.zones[0] if len(contact.zones) == 1 else UTC
    raws: list[Raw] = []
    for group in groups:
        first = group[0]
        if len(group) == 1:
            ranked = group
            rule = first.rule
            points = [rule.talking_point] if rule.talking_point else []
            deadline = first.final_deadline
            priority = int(rule.priority)
            extra = first.extra_mile
            essential = rule.essential
        else:
            ranked = sorted(group, key=lambda c: (-c.rule.priority, c.final_deadline, c.key))
            points = list(
                dict.fromkeys(c.rule.talking_point for c in ranked if c.rule.talking_point)
            )
            deadline = min(c.final_deadline for c in group)
            priority = max(c.rule.priority for c in group)
            extra = any(c.extra_mile for c in group)
            essential = any(c.rule.essential for c in group)
        points.extend(p for p in extra_points if p not in points)
        raws.append(
            (
                customer.id,
                ranked[0].issue_id,
                tuple(c.key for c in ranked),
                pooled(tuple(c.rule.name for c in ranked)),
                first.placed,
                deadline,
                tz,
                priority,
                pooled(tuple(points)),
                extra,
                essential,
                render_moves(
                    first.moves or (), schedule=policy.schedule, caps=policy.caps, contact=contact
                )
                if first.moves
                else (),
                contact.reach,
            )
        )
    return raws


def _rule_traces(
    policy: FollowUpPolicy,
    traces: dict[str, list[EpisodeTrace]],
    calls: list[Call],
    customer: Customer,
) -> tuple[RuleTrace, ...]:
    out = []
    for rule in policy.rules:
        if isinstance(rule, Awareness):
            points = rule.points_for(customer)
            if not calls:
                summary = "adds talking points only to calls; there is no call"
            elif points:
                summary = (
                    f"added {len(points)} talking point(s) about programmes the customer lacks"
                )
            else:
                summary = "no programme the customer lacks"
            out.append(RuleTrace(rule=rule.name, fired=bool(calls and points), summary=summary))
            continue
        episodes = traces.get(rule.name, [])
        fired = any(e.outcome == "call" for e in episodes)
        if not episodes:
            summary = f"not triggered: no {rule.trigger.describe()} up to now"
        elif fired:
            summary = "fired: a call is recommended"
        else:
            outcomes = sorted({e.outcome for e in episodes})
            summary = f"no call ({', '.join(outcomes)})"
        out.append(
            RuleTrace(rule=rule.name, fired=fired, summary=summary, episodes=tuple(episodes))
        )
    return tuple(out)

"""Episodes: what starts a rule's calls, which of them warrant one, and which a call has
answered already.

Each rule's trigger names its episodes: every interaction of a kind
(:class:`~extramile.On`), the latest contact on each issue or of the customer
(:class:`~extramile.LastContact`), or the latest anniversary
(:class:`~extramile.Anniversary`).  An episode has a stable key
``customer/issue/rule/episode``, made only of ids (each escaped by
:func:`~extramile._rules.key_part`), so re-evaluating gives the same key and a new
episode (a new charge, a newer contact) a new one.

An episode *fires* when its rule's condition held as of its trigger (in a
:class:`~extramile._conditions.TriggerContext`), no outbound call has answered it, and its
rule's stop condition, judged at ``now``, does not hold.  Which calls are *for* an episode,
and which of them answered it, is worked out in :mod:`~extramile._engine.answers`; the
calls for it that did not answer it are its *attempts*, which the fired episode carries on
to timing (the next try) and placement (unreachable after the last).  On the path
:func:`~extramile.plan` takes (no revisit time), episodes that started so long ago that
the rule's timing has certainly given them up are skipped unseen
(:meth:`~extramile._rules.CompiledRule.stale_before`).

Imports: ``_conditions``, ``_model``, ``_rules``, ``errors``, and the siblings ``answers``,
``data``, ``facts`` and ``guard``.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
from collections.abc import Iterable, Iterator
from typing import Final

from extramile._conditions import Context, TriggerContext
from extramile._engine.answers import SCAN_AT_MOST, first_answer
from extramile._engine.data import Episode, Fired, Milestone, RevisitCollector, TraceCollector
from extramile._engine.facts import Case, Facts
from extramile._engine.guard import condition_error
from extramile._model import Interaction
from extramile._rules import (
    Anniversary,
    CompiledRule,
    LastContact,
    On,
    Rule,
    key_part,
)
from extramile.errors import ExtramileError

__all__ = ["episode_key", "fired_episodes"]

_TIME: Final = operator.attrgetter("ts")
_ORDER: Final = operator.attrgetter("ts", "id")
_new: Final = tuple.__new__
"""Makes a named tuple from a whole tuple at half the cost of its constructor."""


def episode_key(customer: str, issue_id: str | None, rule: str, episode: str) -> str:
    """The key ``customer/issue/rule/episode`` of an episode, from its customer's and
    rule's parts (already escaped by :func:`key_part`); ``-`` stands for no issue, so an
    issue of that id is written ``%2D``."""
    # (key_part's test inline: most ids need no escape, and a trace writes a key for
    # each episode of each rule)
    if "/" in episode or "%" in episode:
        episode = key_part(episode)
    if issue_id is None:
        return f"{customer}/-/{rule}/{episode}"
    if issue_id == "-":
        issue_id = "%2D"
    elif "/" in issue_id or "%" in issue_id:
        issue_id = key_part(issue_id)
    return f"{customer}/{issue_id}/{rule}/{episode}"


def fired_episodes(
    case: Case, compiled: CompiledRule, trace: TraceCollector, revisit: RevisitCollector
) -> Iterable[Fired]:
    """The episodes of one rule that warrant a call, in time order; what became of the
    others goes to ``trace``, and when their conditions could change to ``revisit``.

    Each is yielded before the next is judged: the context may be shared between them.
    """
    rule = compiled.rule
    shared = case.shared
    stale = (
        compiled.stale_before(shared, case.now)
        if shared is not None and not revisit.active
        else -math.inf
    )
    trigger = rule.trigger
    if isinstance(trigger, On):
        episodes = _on_episodes(trigger, compiled.kinds or (), case.facts, stale)
    else:
        episodes = _other_episodes(rule, case, revisit, stale)
    return _judged(case, compiled, episodes, trace, revisit) if episodes else ()


def _judged(  # noqa: PLR0915  # the per-episode loop, whole: a call per episode costs
    case: Case,
    compiled: CompiledRule,
    episodes: list[Episode],
    trace: TraceCollector,
    revisit: RevisitCollector,
) -> Iterator[Fired]:
    """The episodes whose condition holds and that no call has answered yet."""
    rule = compiled.rule
    shared = case.shared
    shared_then = case.shared_then
    customer_part = case.customer_part
    rule_part = compiled.key_name
    calls = case.facts.calls
    # Many calls are indexed once rather than read through for every episode.
    index = case.facts.call_index if len(calls) > SCAN_AT_MOST else None
    history = case.history
    # The latest interaction in the rule's scope: the issue's, or the customer's.
    scope = rule.scope
    by_issue = scope != "customer"
    last_any = case.last_any
    always = compiled.always
    check = compiled.check
    stop = compiled.stop
    stop_condition = rule.stop
    tracing = trace.active  # the collectors are told only when they keep something
    threads = case.facts.threads
    voicemail = rule.retry.voicemail
    for item in episodes:
        episode_id, start, issue_id = item.id, item.ts, item.issue_id
        issue = None if issue_id is None else threads[issue_id]
        trigger_item = None if isinstance(item, Milestone) else item
        if not always:
            # The condition: judged as of the trigger (promise 11).  It cannot change
            # with time alone, so it tells the revisit collector nothing.
            in_scope = issue.interactions if by_issue and issue is not None else history
            if shared_then is not None:
                then = shared_then
                then.trigger = trigger_item
                then.now = then.episode_start = start
                then.thread = issue
                then.in_scope = in_scope
            else:
                then = TriggerContext(
                    customer=case.customer,
                    at=start,
                    history=history,
                    schedule=case.policy.schedule,
                    trigger=trigger_item,
                    issue=issue,
                    in_scope=in_scope,
                )
                if shared is not None:
                    # contexts may be shared: this one serves the customer's later
                    # episodes too (made on first use, as many customers need none)
                    shared_then = case.shared_then = then
            try:
                holds = check(then)
            except ExtramileError:
                raise
            except Exception as exc:
                raise condition_error(rule.condition, rule.name, exc) from exc
            if not holds:
                if tracing:
                    trace.not_fired(rule, customer_part, issue_id, rule_part, episode_id, then)
                continue
        last = issue.last.ts if by_issue and issue is not None and issue.last else last_any
        if shared is not None:
            ctx = shared
            ctx.trigger = trigger_item
            ctx.episode_start = start
            ctx.issue = issue
            ctx.last_contact = last
        else:
            ctx = Context(
                customer=case.customer,
                now=case.now,
                history=history,
                schedule=case.policy.schedule,
                trigger=trigger_item,
                episode_start=start,
                issue=issue,
                last_contact=last,
            )
        key = episode_key(customer_part, issue_id, rule_part, episode_id)
        attempts: tuple[Interaction, ...] = ()
        if calls:
            done = first_answer(
                calls if index is None else index.for_episode(key, start, issue_id, scope),
                key,
                start,
                issue_id,
                scope,
                voicemail=voicemail,
            )
            if isinstance(done, Interaction):
                if tracing:
                    trace.satisfied(
                        rule, _new(Fired, (key, start, issue_id, episode_id, ctx, ())), done
                    )
                continue
            attempts = done
        fired = _new(Fired, (key, start, issue_id, episode_id, ctx, attempts))
        if stop is not None:
            # The stop condition, judged at now: it may change with time alone, so the
            # revisit collector hears when.  Inline, as the condition is above.
            assert stop_condition is not None  # ``stop`` was compiled from it
            if revisit.active:
                revisit.condition(stop_condition, ctx, rule.name)
            try:
                stopped = stop(ctx)
            except ExtramileError:
                raise
            except Exception as exc:
                raise condition_error(stop_condition, rule.name, exc) from exc
            if stopped:
                if tracing:
                    trace.stopped(rule, fired)
                continue
        yield fired


def _on_episodes(trigger: On, kinds: tuple[str, ...], facts: Facts, stale: float) -> list[Episode]:
    """The episodes of a rule triggered by interactions of some kinds: one each.
    Episodes that started at or before ``stale`` have lapsed whatever else holds, and
    are left out."""
    found: list[Episode] = []
    direction = trigger.direction
    by_kind = facts.by_kind
    merged = 0  # how many kinds gave episodes: only two or more need sorting together
    for kind in kinds:
        same = by_kind.get(kind)
        if not same:
            continue
        merged += 1
        # In time order: the stale ones are a prefix.
        skip = bisect.bisect_right(same, stale, key=_TIME) if same[0].ts <= stale else 0
        fresh = itertools.islice(same, skip, None) if skip else same
        if direction is None:
            found.extend(fresh)
        else:
            for item in fresh:  # a loop, not a generator: most kinds give one or two
                if item.direction is direction:
                    found.append(item)  # noqa: PERF401  # see above
    if merged > 1:
        found.sort(key=_ORDER)
    return found


def _other_episodes(
    rule: Rule, case: Case, revisit: RevisitCollector, stale: float
) -> list[Episode]:
    """The episodes of a rule triggered by the last contact or an anniversary."""
    trigger = rule.trigger
    threads = case.facts.threads
    if isinstance(trigger, LastContact):
        if rule.scope == "customer":
            history = case.history
            if not history or history[-1].ts <= stale:
                return []
            return [history[-1]]
        return [
            thread.last
            for thread in threads.values()
            if thread.last is not None and thread.last.ts > stale
        ]
    assert isinstance(trigger, Anniversary)
    customer, schedule = case.customer, case.policy.schedule
    if revisit.active:
        revisit.at(trigger.next_after(customer, case.now, schedule))
    years, start = trigger.latest(customer, case.now, schedule, stale)
    if years <= 0 or start <= stale:
        return []
    return [Milestone(f"anniversary-{years}", start)]

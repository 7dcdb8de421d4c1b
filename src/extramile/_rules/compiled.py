"""A policy compiled once into plain functions, for the engine's per-customer loop.

The engine evaluates one policy over many customers (a nightly plan goes over the whole
book), so whatever can be decided from the policy alone is decided once, here: each
rule's condition becomes a closure (:meth:`~extramile.conditions.Condition.compiled`),
its due time and deadline become functions on POSIX seconds, and its give-up time a test
that answers without calendar arithmetic unless the answer is close.

The compiled form is kept beside the policy (keyed by identity, dropped with the
policy) and is never part of it: it does not pickle, print or compare.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from typing import Final

from extramile._conditions import ALWAYS, Check, Condition, Context, compile_condition
from extramile._rules.policy import (
    Awareness,
    FollowUpPolicy,
    On,
    Rule,
    When,
    customer_zone,
    resolve,
)
from extramile._time import DAY, EARLIEST, Business, Elapsed, Local, add_local_days

__all__ = ["CompiledRule", "Program", "key_part", "lapse_at", "program_of"]

Resolver = Callable[[Context, "float | None"], "float | None"]
"""(context, due) -> POSIX seconds of a rule's due time or deadline, or None."""

Lapsed = Callable[[Context, float, float], bool]
"""(context, deadline, now) -> whether the episode has been given up."""

_MARGIN: Final = 2 * DAY
"""How far a number of local days can differ from the same number of 24-hour days: an
hour or two of daylight saving, or a whole day a country skipped (Samoa, 2011)."""

_BUILT_IN: Final = "extramile._conditions."


def key_part(text: str) -> str:
    """``text`` as one part of a key: ``%`` and ``/`` escaped as in a URL, so that ids
    holding slashes never make one key of two episodes (ids without them are unchanged)."""
    if "/" in text or "%" in text:
        return text.replace("%", "%25").replace("/", "%2F")
    return text


def lapse_at(rule: Rule, ctx: Context, deadline: float) -> float | None:
    """When an episode of ``rule`` with this deadline is given up (None: never)."""
    after = rule.give_up_after
    if after is None:
        return None
    if isinstance(after, Business):
        return ctx.schedule.add_ts(deadline, after)
    if isinstance(after, Local):
        return add_local_days(deadline, after.days, customer_zone(ctx.customer, ctx.schedule))
    return deadline + after.seconds


def _resolver(when: When) -> Resolver:
    offset = when.offset
    name = when.anchor.name
    if isinstance(offset, Local) and name in ("TRIGGER", "DUE", "LAST_CONTACT"):
        return _local_resolver(name, -offset.days if when.before else offset.days)
    if isinstance(offset, Elapsed) and name in ("TRIGGER", "DUE"):
        delta = -offset.seconds if when.before else offset.seconds
        if name == "TRIGGER":

            def after_trigger(ctx: Context, due: float | None) -> float | None:
                return ctx.episode_start + delta

            return after_trigger

        def after_due(ctx: Context, due: float | None) -> float | None:
            return None if due is None else due + delta

        return after_due

    def general(ctx: Context, due: float | None) -> float | None:
        return resolve(when, ctx, due)

    return general


def _local_resolver(anchor: str, days: int) -> Resolver:
    """An anchor plus (or minus) local days, in the customer's zone."""

    def local_days(ctx: Context, due: float | None) -> float | None:
        if anchor == "TRIGGER":
            base: float | None = ctx.episode_start
        elif anchor == "DUE":
            base = due
        else:
            base = ctx.last_contact
        if base is None:
            return None
        return add_local_days(base, days, customer_zone(ctx.customer, ctx.schedule))

    return local_days


def _lapsed(rule: Rule) -> Lapsed | None:
    after = rule.give_up_after
    if after is None:
        return None
    if isinstance(after, Elapsed):
        seconds = after.seconds

        def elapsed(ctx: Context, deadline: float, now: float) -> bool:
            return deadline + seconds <= now

        return elapsed
    if isinstance(after, Local):
        nominal = after.days * DAY

        def local(ctx: Context, deadline: float, now: float) -> bool:
            guess = deadline + nominal
            if guess - _MARGIN > now:
                return False
            if guess + _MARGIN <= now:
                return True
            exact = lapse_at(rule, ctx, deadline)
            return exact is not None and exact <= now

        return local

    def business(ctx: Context, deadline: float, now: float) -> bool:
        exact = lapse_at(rule, ctx, deadline)
        return exact is not None and exact <= now

    return business


def _most(offset: object, *, before: bool) -> float | None:
    """The most an offset can move an instant, in seconds (None: no bound known)."""
    if isinstance(offset, Elapsed):
        return -offset.seconds if before else offset.seconds
    if isinstance(offset, Local):
        days = offset.days * DAY
        return (-days if before else days) + _MARGIN
    return None  # business time: a run of holidays can stretch it without end


def _stale_after(rule: Rule) -> float | None:
    """Seconds after an episode starts by which it has certainly been given up, if the
    rule's timing bounds it: the due time and deadline measured from the trigger (or the
    deadline from the due time) in elapsed time or local days, and a give-up time in
    either.  None: no such bound."""
    after = rule.give_up_after
    due, deadline = rule.due, rule.deadline
    if after is None or due.anchor.name != "TRIGGER":
        return None
    give_up = _most(after, before=False)
    to_due = _most(due.offset, before=due.before)
    to_deadline = _most(deadline.offset, before=deadline.before)
    if give_up is None or to_due is None or to_deadline is None:
        return None
    if deadline.anchor.name == "DUE":
        to_deadline += to_due
    elif deadline.anchor.name != "TRIGGER":
        return None
    return to_deadline + give_up + DAY  # a day to spare


def _timed_from_trigger(rule: Rule) -> bool:
    """Whether a rule's give-up time follows from its episode's start alone: a due time
    measured from the trigger and a deadline from the trigger or the due time."""
    return (
        rule.give_up_after is not None
        and rule.due.anchor.name == "TRIGGER"
        and rule.deadline.anchor.name in ("TRIGGER", "DUE")
    )


_SEARCH_BACK: Final = 800 * DAY
"""How far back the search for a rule's stale instant starts (placement itself looks no
further than 400 days)."""
_CUTOFFS_KEPT: Final = 256


def _at_most(base: float | None, offset: object, before: bool, ctx: Context) -> float | None:
    """An instant no earlier than where ``offset`` takes any instant at or before
    ``base`` (None: no bound).

    Elapsed time and business time never take a later instant to an earlier one.  Local
    days can, by as much as a clock goes back (an hour, or a day in Samoa's history):
    the result is moved on by the margin that covers it."""
    if base is None:
        return None
    if isinstance(offset, Elapsed):
        return base - offset.seconds if before else base + offset.seconds
    if isinstance(offset, Local):
        days = -offset.days if before else offset.days
        return add_local_days(base, days, customer_zone(ctx.customer, ctx.schedule)) + _MARGIN
    if isinstance(offset, Business):
        return ctx.schedule.add_ts(base, offset)  # as the rule's own timing counts it
    return None


def _search_stale(compiled: CompiledRule, ctx: Context, now: float) -> float:
    """An instant such that every episode of ``compiled`` that started at or before it has
    been given up by ``now``, found by bisection (``-inf``: none found).

    Each probe bounds, from above, the give-up time of every episode that started at or
    before it (see :func:`_at_most`), so any instant the bisection keeps is safe, whether
    or not the bound grows with the start."""
    rule = compiled.rule
    due, deadline = rule.due, rule.deadline
    from_trigger = deadline.anchor.name == "TRIGGER"
    probe = Context(customer=ctx.customer, now=now, history=(), schedule=ctx.schedule)

    def gone_by_now(start: float) -> bool:
        latest_due = _at_most(start, due.offset, due.before, probe)
        base = start if from_trigger else latest_due
        latest_deadline = _at_most(base, deadline.offset, deadline.before, probe)
        lapse = _at_most(latest_deadline, rule.give_up_after, False, probe)  # noqa: FBT003
        return lapse is not None and lapse <= now

    lo, hi = max(now - _SEARCH_BACK, EARLIEST), now
    if not gone_by_now(lo):
        return -math.inf
    if gone_by_now(hi):
        return hi
    while hi - lo > 60:
        mid = (lo + hi) / 2
        if gone_by_now(mid):
            lo = mid
        else:
            hi = mid
    return lo


def _built_in(condition: Condition) -> bool:
    """Whether a condition (and every part of it) is one of the library's own."""
    if not type(condition).__module__.startswith(_BUILT_IN):
        return False
    parts: tuple[Condition, ...] = getattr(condition, "parts", ())
    part = getattr(condition, "part", None)
    if isinstance(part, Condition):
        parts = (*parts, part)
    return all(_built_in(p) for p in parts)


class CompiledRule:
    """One rule, with everything the per-customer loop asks of it ready to call."""

    __slots__ = (
        "always",
        "check",
        "cutoffs",
        "deadline",
        "deadline_from_due",
        "due",
        "flag",
        "key_name",
        "kinds",
        "lapsed",
        "name",
        "rule",
        "stale_after",
        "timed_from_trigger",
    )

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.name = rule.name
        self.key_name = key_part(rule.name)
        """The rule's name as a part of a key."""
        self.always = rule.condition == ALWAYS
        self.check: Check = compile_condition(rule.condition)
        flag = rule.extra_mile
        self.flag: bool | Check = flag if isinstance(flag, bool) else compile_condition(flag)
        self.due = _resolver(rule.due)
        self.deadline = _resolver(rule.deadline)
        self.deadline_from_due = rule.deadline.anchor.name == "DUE"
        """Whether the deadline is counted from the due time: a call pushed later gets
        its deadline counted again from where it landed."""
        self.lapsed = _lapsed(rule)
        self.stale_after = _stale_after(rule)
        """An episode that started this many seconds before ``now`` has lapsed whatever
        its condition says (None: no bound); the engine's fast path skips it unseen."""
        self.timed_from_trigger = _timed_from_trigger(rule)
        self.cutoffs: dict[tuple[float, str | None], float] = {}
        """The stale instants found by :meth:`stale_before`, by ``now`` and zone."""
        trigger = rule.trigger
        self.kinds: tuple[str, ...] | None = (
            tuple(sorted(trigger.kinds)) if isinstance(trigger, On) else None
        )

    def stale_before(self, ctx: Context, now: float) -> float:
        """Episodes that started at or before the instant returned have been given up
        by ``now``, whatever their conditions say (``-inf``: none known to).

        Without a bound worked out from the durations alone (business time has none: a
        run of holidays can stretch it), the instant is searched for, once for each
        ``now`` and customer timezone: it depends on nothing else."""
        if self.stale_after is not None:
            return now - self.stale_after
        if not self.timed_from_trigger:
            return -math.inf
        key = (now, ctx.customer.timezone)
        found = self.cutoffs.get(key)
        if found is None:
            if len(self.cutoffs) >= _CUTOFFS_KEPT:
                self.cutoffs.clear()
            found = self.cutoffs[key] = _search_stale(self, ctx, now)
        return found


class Program:
    """A policy's rules compiled, and whether the engine may reuse one context object
    for the episodes of a customer (only when every condition is a built-in one, which
    never keeps it)."""

    __slots__ = ("__weakref__", "awareness", "reuse_context", "rules")

    def __init__(self, policy: FollowUpPolicy) -> None:
        self.rules: tuple[CompiledRule, ...] = tuple(
            CompiledRule(rule) for rule in policy.rules if isinstance(rule, Rule)
        )
        self.awareness: tuple[Awareness, ...] = tuple(
            rule for rule in policy.rules if isinstance(rule, Awareness)
        )
        conditions = [rule.rule.condition for rule in self.rules]
        conditions.extend(
            rule.rule.extra_mile
            for rule in self.rules
            if isinstance(rule.rule.extra_mile, Condition)
        )
        self.reuse_context = all(_built_in(condition) for condition in conditions)


_PROGRAMS: dict[int, Program] = {}


def program_of(policy: FollowUpPolicy) -> Program:
    """The compiled form of ``policy``, made on first use and dropped with the policy."""
    key = id(policy)
    found = _PROGRAMS.get(key)
    if found is None:
        found = _PROGRAMS[key] = Program(policy)
        # The id of a dead object may be reused: forget the program with its policy.
        weakref.finalize(policy, _PROGRAMS.pop, key, None)
    return found

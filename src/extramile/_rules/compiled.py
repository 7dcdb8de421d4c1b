"""A policy compiled once into plain functions, for the engine's per-customer loop.

The engine evaluates one policy over many customers (a nightly plan goes over the whole
book), so whatever can be decided from the policy alone is decided once, here: each
rule's condition becomes a closure (:meth:`~extramile.conditions.Condition.compiled`),
and its due time, deadline and give-up test the closures :mod:`extramile._rules.timing`
makes (what those timings mean is said there, once).  This module only assembles them.

The compiled form is kept beside the policy (keyed by identity, dropped with the
policy) and is never part of it: it does not pickle, print or compare.

Imports: ``_rules.timing``, ``_rules.triggers``, ``_rules.rule``, ``_rules.policy``,
``_conditions``, ``_model``, ``_time``, ``_memo``.
"""

from __future__ import annotations

import math
import weakref
from typing import Any, Final

from extramile._conditions import ALWAYS, Check, Condition, Context, compile_condition
from extramile._memo import cache, keep
from extramile._model import Customer
from extramile._rules.policy import FollowUpPolicy
from extramile._rules.rule import Awareness, Rule
from extramile._rules.timing import (
    AnchorKind,
    lapsed,
    resolver,
    search_stale,
    stale_after,
    timed_from_trigger,
)
from extramile._rules.triggers import On
from extramile._time import Schedule

__all__ = ["CompiledRule", "Program", "key_part", "program_of"]

_BUILT_IN: Final = "extramile._conditions."

_CUTOFFS_KEPT: Final = 256


def key_part(text: str) -> str:
    """``text`` as one part of a key: ``%`` and ``/`` escaped as in a URL, so that ids
    holding slashes never make one key of two episodes (ids without them are unchanged)."""
    if "/" in text or "%" in text:
        return text.replace("%", "%25").replace("/", "%2F")
    return text


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
        "stop",
        "timed_from_trigger",
    )

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.name = rule.name
        self.key_name = key_part(rule.name)
        """The rule's name as a part of a key."""
        self.always = rule.condition == ALWAYS
        self.check: Check = compile_condition(rule.condition)
        """The condition, judged in a context as of the episode's trigger."""
        self.stop: Check | None = None if rule.stop is None else compile_condition(rule.stop)
        """The stop condition, judged at ``now`` (None: the rule has none)."""
        flag = rule.extra_mile
        self.flag: bool | Check = flag if isinstance(flag, bool) else compile_condition(flag)
        self.due = resolver(rule.due)
        self.deadline = resolver(rule.deadline)
        self.deadline_from_due = rule.deadline.anchor.name == AnchorKind.DUE
        """Whether the deadline is counted from the due time: a call pushed later gets
        its deadline counted again from where it landed."""
        self.lapsed = lapsed(rule)
        self.stale_after = stale_after(rule)
        """An episode that started this many seconds before ``now`` has lapsed whatever
        its condition says (None: no bound); the engine's fast path skips it unseen."""
        self.timed_from_trigger = timed_from_trigger(rule)
        self.cutoffs: dict[tuple[float, str | None], float] = cache()
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
        return self.stale_for(ctx.customer, ctx.schedule, now)

    def stale_for(self, customer: Customer, schedule: Schedule, now: float) -> float:
        """:meth:`stale_before`, for a customer and the policy's schedule."""
        if self.stale_after is not None:
            return now - self.stale_after
        if not self.timed_from_trigger:
            return -math.inf
        key = (now, customer.timezone)
        found = self.cutoffs.get(key)
        if found is None:
            probe = Context(customer=customer, now=now, history=(), schedule=schedule)
            found = keep(self.cutoffs, key, search_stale(self.rule, probe, now), _CUTOFFS_KEPT)
        return found


class Program:
    """A policy's rules compiled, and whether the engine may reuse one context object
    for the episodes of a customer (only when every condition is a built-in one, which
    never keeps it)."""

    __slots__ = ("__weakref__", "awareness", "generated", "reuse_context", "rules")

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
        conditions.extend(rule.rule.stop for rule in self.rules if rule.rule.stop is not None)
        self.reuse_context = all(_built_in(condition) for condition in conditions)
        self.generated: Any = None
        """The policy compiled to Python source by the engine (its
        :mod:`~extramile._engine.compiler`), made there on first use and kept here, with
        the rest of the compiled form (None until then)."""


_PROGRAMS: Final[dict[int, Program]] = {}
"""The compiled form of each live policy, by its id: an entry leaves with its policy (so
the registry holds no more programs than there are live policies), and none is ever part
of a policy (nothing here pickles).  Keyed by identity rather than by value, so that a
lookup never hashes a whole policy."""


def program_of(policy: FollowUpPolicy) -> Program:
    """The compiled form of ``policy``, made on first use and dropped with the policy."""
    key = id(policy)
    found = _PROGRAMS.get(key)
    if found is None:
        found = _PROGRAMS[key] = Program(policy)
        # The id of a dead object may be reused: forget the program with its policy.
        weakref.finalize(policy, _PROGRAMS.pop, key, None)
    return found

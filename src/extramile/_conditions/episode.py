"""Built-in conditions on who and what an episode is about: the triggering interaction's
kind and direction, the issue's state, the customer's tier and tags.

>>> tier_in("gold", "platinum") & issue_open()
tier_in('gold', 'platinum') & issue_is('open', 'reopened')

Imports: ``_model``, ``errors`` (and this package's ``base`` and ``context``).
"""

from __future__ import annotations

import attrs

from extramile._conditions.base import Condition, kind_name, non_empty_name, remembered_repr
from extramile._conditions.context import OPEN, REOPENED, RESOLVED, Check, Context
from extramile._model import Direction
from extramile.errors import InvalidPolicyError, describe

__all__ = [
    "DirectionIs",
    "HasTag",
    "IssueIs",
    "KindIs",
    "TierIn",
    "direction_is",
    "has_tag",
    "issue_is",
    "issue_open",
    "kind_is",
    "tier_in",
]


@attrs.frozen(repr=False)
class KindIs(Condition):
    """The triggering interaction is of one of these kinds."""

    kinds: frozenset[str]

    def check(self, ctx: Context) -> bool:
        return ctx.trigger is not None and ctx.trigger.kind in self.kinds

    def explain(self, ctx: Context) -> str:
        seen = None if ctx.trigger is None else ctx.trigger.kind
        return f"{self!r} {'held' if self.check(ctx) else 'failed'}: the kind was {seen!r}"

    def _explain_failed(self, ctx: Context) -> str | None:
        trigger = ctx.trigger
        if trigger is not None and trigger.kind in self.kinds:
            return None
        seen = None if trigger is None else trigger.kind
        return f"{self!r} failed: the kind was {seen!r}"

    @remembered_repr
    def __repr__(self) -> str:
        return f"kind_is({', '.join(map(repr, sorted(self.kinds)))})"


def kind_is(*kinds: str) -> Condition:
    """The triggering interaction's kind is one of ``kinds``."""
    if not kinds:
        raise InvalidPolicyError("kind_is() needs at least one kind")
    return KindIs(kinds=frozenset(kind_name(k, "kind_is() kind") for k in kinds))


@attrs.frozen(repr=False)
class DirectionIs(Condition):
    """The triggering interaction came in (or went out)."""

    direction: Direction

    def check(self, ctx: Context) -> bool:
        return ctx.trigger is not None and ctx.trigger.direction is self.direction

    def compiled(self) -> Check:
        direction = self.direction

        def direction_is(ctx: Context) -> bool:
            trigger = ctx.trigger
            return trigger is not None and trigger.direction is direction

        return direction_is

    def explain(self, ctx: Context) -> str:
        seen = None if ctx.trigger is None else ctx.trigger.direction.value
        return f"{self!r} {'held' if self.check(ctx) else 'failed'}: the direction was {seen!r}"

    @remembered_repr
    def __repr__(self) -> str:
        return f"direction_is({self.direction.value!r})"


def direction_is(direction: str | Direction) -> Condition:
    """The triggering interaction's direction: ``"inbound"`` or ``"outbound"``."""
    try:
        return DirectionIs(direction=Direction(direction))
    except ValueError:
        raise InvalidPolicyError(
            f"direction_is() takes 'inbound' or 'outbound' (got {describe(direction)})"
        ) from None


@attrs.frozen(repr=False)
class IssueIs(Condition):
    """The issue thread is in one of these states."""

    states: frozenset[str]

    def check(self, ctx: Context) -> bool:
        return ctx.issue is not None and ctx.issue.state in self.states

    def compiled(self) -> Check:
        states = self.states

        def issue_is(ctx: Context) -> bool:
            issue = ctx.issue
            return issue is not None and issue.state in states

        return issue_is

    def explain(self, ctx: Context) -> str:
        if ctx.issue is None:
            return f"{self!r} failed: the episode is not about an issue"
        verdict = "held" if self.check(ctx) else "failed"
        return f"{self!r} {verdict}: the issue was {ctx.issue.state}"

    @remembered_repr
    def __repr__(self) -> str:
        return f"issue_is({', '.join(map(repr, sorted(self.states)))})"


def issue_is(*states: str) -> Condition:
    """The issue's state is one of ``"open"``, ``"resolved"``, ``"reopened"``: as it stood
    at the trigger in a rule's condition, at now in its stop."""
    allowed = {OPEN, RESOLVED, REOPENED}
    states = tuple(str.__str__(s) if isinstance(s, str) else s for s in states)
    for state in states:
        if not isinstance(state, str) or state not in allowed:
            raise InvalidPolicyError(
                f"issue_is() takes 'open', 'resolved' or 'reopened' (got {describe(state)})"
            )
    if not states:
        raise InvalidPolicyError("issue_is() needs at least one state")
    return IssueIs(states=frozenset(states))


def issue_open() -> Condition:
    """The issue is open or reopened (at the trigger in a rule's condition; at now in its
    stop, where ``stop=~issue_open()`` ends an episode once the issue is closed)."""
    return issue_is(OPEN, REOPENED)


@attrs.frozen(repr=False)
class TierIn(Condition):
    """The customer's tier is one of these."""

    tiers: frozenset[str]

    def check(self, ctx: Context) -> bool:
        return ctx.customer.tier in self.tiers

    def compiled(self) -> Check:
        tiers = self.tiers

        def tier_in(ctx: Context) -> bool:
            return ctx.customer.tier in tiers

        return tier_in

    def explain(self, ctx: Context) -> str:
        verdict = "held" if self.check(ctx) else "failed"
        return f"{self!r} {verdict}: the tier was {ctx.customer.tier!r}"

    @remembered_repr
    def __repr__(self) -> str:
        return f"tier_in({', '.join(map(repr, sorted(self.tiers)))})"


def tier_in(*tiers: str) -> Condition:
    """The customer's tier is one of ``tiers``."""
    if not tiers:
        raise InvalidPolicyError("tier_in() needs at least one tier")
    return TierIn(tiers=frozenset(non_empty_name(t, "tier_in() tier") for t in tiers))


@attrs.frozen(repr=False)
class HasTag(Condition):
    """The customer has this tag."""

    tag: str

    def check(self, ctx: Context) -> bool:
        return self.tag in ctx.customer.tags

    def explain(self, ctx: Context) -> str:
        verdict = "held" if self.check(ctx) else "failed"
        return f"{self!r} {verdict}: the tags were {sorted(ctx.customer.tags)}"

    @remembered_repr
    def __repr__(self) -> str:
        return f"has_tag({self.tag!r})"


def has_tag(tag: str) -> Condition:
    """The customer has ``tag`` (e.g. a programme they use)."""
    return HasTag(tag=non_empty_name(tag, "has_tag() tag"))

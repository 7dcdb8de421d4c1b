"""The data the engine's stages pass on, and the interfaces of the collectors they report to.

An :data:`Episode` becomes :class:`Fired` when its condition holds and no call has
answered it, and a :class:`Candidate` once it is timed; placement fills in where the
candidate lands.  Stages report what became of each episode to a :class:`TraceCollector`
and the moments the decision could change to a :class:`RevisitCollector`; each has an
implementation that collects (:mod:`~extramile._engine.explain`,
:mod:`~extramile._engine.revisit`) and one that does nothing, for :func:`~extramile.plan`.

Imports: ``_conditions``, ``_model``, ``_rules``, and the siblings ``contact``, ``fit``
and ``moves``.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

import attrs

from extramile._conditions import Condition, Context
from extramile._engine.contact import Contact
from extramile._engine.fit import Fit
from extramile._engine.moves import Planned, RawMove, Walk
from extramile._model import Interaction
from extramile._rules import CompiledRule, FollowUpPolicy, Rule

__all__ = ["Candidate", "Episode", "Fired", "Milestone", "RevisitCollector", "TraceCollector"]


class Milestone(NamedTuple):
    """What starts an episode that no interaction started: a loyalty anniversary."""

    id: str
    ts: float
    """When it started, POSIX seconds."""
    issue_id: None = None


Episode = Interaction | Milestone
"""What starts one episode of a rule: the interaction that triggered it (for
:class:`~extramile.On` and :class:`~extramile.LastContact`), or a :class:`Milestone`.
Either has an ``id`` (the episode's), an instant ``ts`` and an ``issue_id``."""


class Fired(NamedTuple):
    """An episode whose condition holds and that no call has answered yet."""

    key: str
    start: float
    issue_id: str | None
    episode_id: str
    ctx: Context
    """The context its condition was judged in; timing reads it too."""
    attempts: tuple[Interaction, ...]
    """The calls for it that did not reach the customer, in time order."""


@attrs.define(slots=True)
class Candidate:
    """A timed episode: a call to place."""

    compiled: CompiledRule
    rule: Rule
    key: str
    issue_id: str | None
    episode_id: str
    due: float
    deadline: float
    extra_mile: bool
    placed: float = 0.0
    """Where placement put it."""
    final_deadline: float = 0.0
    """Its deadline, moved with it."""
    moves: list[RawMove] | None = None
    """Its moves, but for its last placement's (``walk``)."""
    walk: Walk | None = None
    """Its last placement's moves, worked out when read
    (:func:`~extramile._engine.placement.moves_of`)."""
    nominal: float = 0.0
    """Where constraints placed the call from its due time alone."""
    capped: bool = False
    """Whether the deadline stopped at the time its rule gives up."""
    contact: Contact | None = None
    """The customer as placement saw them for this call: with its rule's calling window,
    unless the customer has their own (None until placed)."""
    fit: Fit | None = None
    """How its deadline was pulled back into the moments the call may be made, if it was."""
    attempts: tuple[Interaction, ...] = ()
    """The calls for it that did not reach the customer, in time order."""
    retry_due: float | None = None
    """When its next try is due (the last attempt plus its rule's spacing), if it has
    been tried; placement starts from there, as from a push."""
    gap_attempts: list[float] | None = None
    """The calls made that the minimum gap counts for it: all but its own attempts,
    if it has been tried (None: all)."""
    taken_along: Planned | None = None
    """The earlier planned call it was taken along into, within the minimum gap, if it
    was (see :mod:`~extramile._engine.converse`)."""

    @property
    def attempt(self) -> int:
        """Which try the call is, from 1."""
        return len(self.attempts) + 1


class TraceCollector(Protocol):
    """What the stages say of each episode, for the decision's trace."""

    @property
    def active(self) -> bool:
        """Whether anything is kept."""

    def not_fired(  # noqa: PLR0917  # the parts of a key, kept apart until they are needed
        self,
        rule: Rule,
        customer_part: str,
        issue_id: str | None,
        rule_part: str,
        episode_id: str,
        ctx: Context,
    ) -> None:
        """An episode whose condition does not hold."""

    def satisfied(self, rule: Rule, fired: Fired, call: Interaction) -> None:
        """An episode an outbound call has answered."""

    def stopped(self, rule: Rule, fired: Fired) -> None:
        """An episode its rule's stop condition ended (judged at now)."""

    def untimed(self, rule: Rule, fired: Fired) -> None:
        """An episode whose due time or deadline cannot be computed."""

    def lapsed(self, rule: Rule, fired: Fired, deadline: float) -> None:
        """An episode its rule has given up on."""

    def suppressed(self, cand: Candidate, reason: str) -> None:
        """A call that may not be placed."""


class RevisitCollector(Protocol):
    """What the stages say of the moments at which the decision could change."""

    @property
    def active(self) -> bool:
        """Whether anything is collected (stages may skip work that only serves it)."""

    def at(self, moment: float | None) -> None:
        """A moment at which the decision could change."""

    def condition(self, condition: Condition, ctx: Context, rule: str) -> None:
        """When ``condition`` could change its answer in ``ctx``."""

    def lapse(self, rule: Rule, ctx: Context, deadline: float) -> None:
        """When an episode of ``rule`` with this deadline lapses."""

    def overdue(self, cand: Candidate) -> None:
        """A call's deadline, which it may pass."""

    def call(self, cand: Candidate, contact: Contact, policy: FollowUpPolicy) -> None:
        """A placed call."""

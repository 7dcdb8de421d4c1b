"""What a condition sees: the :class:`Context` of one episode, the :class:`IssueThread` it
belongs to, and :data:`Check`, the shape of a compiled condition.

Imports: ``_model``, ``_time``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any, Final

from extramile._model import Customer, Interaction
from extramile._time import Schedule

__all__ = ["Check", "Context", "IssueState", "IssueThread"]


class IssueState(str, enum.Enum):
    """Where an issue thread stands; equal to its plain string (``"open"`` and so on)."""

    OPEN = "open"
    RESOLVED = "resolved"
    REOPENED = "reopened"

    def __str__(self) -> str:
        return self.value


# A thread keeps its state as the plain string: a set of plain strings (``issue_is``'s)
# finds one about twice as fast as an enum member, and it prints as it always has.
OPEN: Final = IssueState.OPEN.value
RESOLVED: Final = IssueState.RESOLVED.value
REOPENED: Final = IssueState.REOPENED.value


class IssueThread:
    """Everything known about one issue up to ``now``: its state (an :class:`IssueState`
    value, as a plain string) and its interactions."""

    __slots__ = ("attributes", "id", "interactions", "last", "opened", "state")

    def __init__(self, issue_id: str) -> None:
        self.id = issue_id
        self.opened: Interaction | None = None
        self.state = OPEN
        self.attributes: dict[str, Any] = {}
        self.interactions: list[Interaction] = []
        self.last: Interaction | None = None

    def add(self, item: Interaction) -> None:
        """Take in the next interaction on this issue (in time order)."""
        self.extend((item,))

    def extend(self, items: Sequence[Interaction]) -> None:
        """Take in the next interactions on this issue (in time order)."""
        if not items:
            return
        opened, state, attributes = self.opened, self.state, self.attributes
        for item in items:
            kind = item.kind
            if kind == "issue.opened":
                if opened is None:
                    opened = item
                state = OPEN
                attributes.update(item.attributes)
            elif kind == "issue.updated":
                attributes.update(item.attributes)
            elif kind == "issue.resolved":
                state = RESOLVED
            elif kind == "issue.reopened":
                state = REOPENED
                attributes.update(item.attributes)
        self.opened, self.state = opened, state
        self.interactions.extend(items)
        self.last = items[-1]

    @property
    def is_open(self) -> bool:
        """Open or reopened."""
        return self.state != RESOLVED


class Context:
    """What a condition sees: one episode of one rule for one customer, at ``now``."""

    __slots__ = (
        "customer",
        "episode_start",
        "history",
        "issue",
        "last_contact",
        "now",
        "schedule",
        "trigger",
    )

    def __init__(
        self,
        *,
        customer: Customer,
        now: float,
        history: Sequence[Interaction],
        schedule: Schedule,
        trigger: Interaction | None = None,
        episode_start: float | None = None,
        issue: IssueThread | None = None,
        last_contact: float | None = None,
    ) -> None:
        self.customer = customer
        self.now = now
        """``now`` as POSIX seconds."""
        self.history = history
        """The customer's interactions up to ``now``, oldest first."""
        self.schedule = schedule
        self.trigger = trigger
        self.episode_start = now if episode_start is None else episode_start
        self.issue = issue
        self.last_contact = last_contact
        """POSIX seconds of the latest interaction in scope (the issue's, or the customer's)."""


Check = Callable[[Context], bool]
"""A compiled condition: a context in, whether it holds out."""

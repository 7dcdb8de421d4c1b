"""What a condition sees: the :class:`Context` of one episode, the :class:`IssueThread` it
belongs to, and :data:`Check`, the shape of a compiled condition.

A condition has two moments (promise 11).  A rule's ``condition`` is judged as of its
episode's trigger, in a :class:`TriggerContext`: its ``now`` is the trigger's instant, and
its history and issue thread show only what had happened by then, cut lazily (only when a
condition reads them, and only when something happened later).  A rule's ``stop`` is
judged at ``now``, in a plain :class:`Context`.

Imports: ``_model``, ``_time``.
"""

from __future__ import annotations

import bisect
import enum
import operator
from collections.abc import Callable, Sequence
from typing import Any, Final

from extramile._model import Customer, Interaction
from extramile._time import Schedule

__all__ = ["Check", "Context", "IssueState", "IssueThread", "TriggerContext"]

_TIME: Final = operator.attrgetter("ts")


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

    __slots__ = ("_cuts", "attributes", "id", "interactions", "last", "opened", "state")

    def __init__(self, issue_id: str) -> None:
        self.id = issue_id
        self.opened: Interaction | None = None
        self.state = OPEN
        self.attributes: dict[str, Any] = {}
        self.interactions: list[Interaction] = []
        self.last: Interaction | None = None
        self._cuts: dict[float, IssueThread] | None = None

    def as_of(self, ts: float) -> IssueThread:
        """The thread as it stood at ``ts`` (POSIX seconds): its interactions up to and
        including that instant.  The thread itself when nothing came later; otherwise a
        thread made once for each instant asked of it.

        >>> import datetime as dt
        >>> from extramile import Interaction
        >>> def item(i: str, kind: str, at: str) -> Interaction:
        ...     when = dt.datetime.fromisoformat(at)
        ...     return Interaction(id=i, customer_id="c", kind=kind, at=when, issue_id="t")
        >>> thread = IssueThread("t")
        >>> thread.extend([item("a", "issue.opened", "2026-03-02T09:00:00+00:00"),
        ...                item("b", "issue.resolved", "2026-03-03T09:00:00+00:00")])
        >>> thread.state, thread.as_of(thread.interactions[0].ts).state
        ('resolved', 'open')
        """
        last = self.last
        if last is None or last.ts <= ts:
            return self
        cuts = self._cuts
        if cuts is None:
            cuts = self._cuts = {}
        found = cuts.get(ts)
        if found is None:
            found = cuts[ts] = IssueThread(self.id)
            items = self.interactions
            found.extend(items[: bisect.bisect_right(items, ts, key=_TIME)])
        return found

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
    """What a condition sees: one episode of one rule for one customer, at ``now``.

    A rule's ``stop`` and ``extra_mile`` are judged in one of these, at the evaluation's
    ``now``; its ``condition`` in a :class:`TriggerContext`, as of the trigger.
    """

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


class TriggerContext(Context):
    """What a rule's ``condition`` sees: the context as of its episode's trigger.

    ``now`` is the episode's start, and what the context shows is cut there: ``history``
    holds the interactions up to and including that instant, ``issue`` is the thread as
    it stood then, and ``last_contact`` is the latest interaction in scope *before* the
    trigger (so that a silence is the one the trigger broke).  The cuts are made only when
    a condition reads them, and only when something happened after the trigger.

    The engine fills in ``full_history`` (the history up to the evaluation's ``now``),
    ``thread`` (the issue thread up to it) and ``in_scope`` (the interactions the rule's
    scope covers: the issue's, or the customer's), and may reuse one such context for
    the episodes of a customer.
    """

    __slots__ = ("_cut", "_cut_at", "_fixed_last", "full_history", "in_scope", "thread")

    def __init__(
        self,
        *,
        customer: Customer,
        at: float,
        history: Sequence[Interaction],
        schedule: Schedule,
        trigger: Interaction | None = None,
        issue: IssueThread | None = None,
        in_scope: Sequence[Interaction] | None = None,
    ) -> None:
        self.customer = customer
        self.now = at
        self.episode_start = at
        self.schedule = schedule
        self.trigger = trigger
        self.full_history = history
        self.thread = issue
        self.in_scope: Sequence[Interaction] | None = in_scope
        self._fixed_last: float | None = None
        self._cut: Sequence[Interaction] = ()
        self._cut_at: float | None = None

    @property
    def history(self) -> Sequence[Interaction]:
        """The customer's interactions up to the trigger's instant, oldest first."""
        full = self.full_history
        now = self.now
        if not full or full[-1].ts <= now:
            return full
        if self._cut_at != now:
            self._cut = full[: bisect.bisect_right(full, now, key=_TIME)]
            self._cut_at = now
        return self._cut

    @history.setter
    def history(self, value: Sequence[Interaction]) -> None:
        self.full_history = value
        self._cut_at = None

    @property
    def issue(self) -> IssueThread | None:
        """The episode's issue thread as it stood at the trigger."""
        thread = self.thread
        if thread is None:
            return None
        last = thread.last
        # Most triggers are their issue's latest interaction: the thread as it is.
        return thread if last is None or last.ts <= self.now else thread.as_of(self.now)

    @issue.setter
    def issue(self, value: IssueThread | None) -> None:
        self.thread = value

    @property
    def last_contact(self) -> float | None:
        """POSIX seconds of the latest interaction in scope before the trigger."""
        items = self.in_scope
        if items is None:
            return self._fixed_last
        before = bisect.bisect_left(items, self.now, key=_TIME)
        return items[before - 1].ts if before else None

    @last_contact.setter
    def last_contact(self, value: float | None) -> None:
        self.in_scope = None
        self._fixed_last = value


Check = Callable[[Context], bool]
"""A compiled condition: a context in, whether it holds out."""

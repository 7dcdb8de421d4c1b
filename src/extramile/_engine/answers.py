"""Answers: which of a customer's outbound calls answered an episode, and which only tried.

A call is *for* an episode when it came after the episode started, on the same issue
(any call, for a customer-scoped rule or an episode on no issue), or when it lists the
episode's key in its ``satisfies`` attribute (as :meth:`~extramile.Call.record` writes
it), even at the very instant the episode started: a call due then, made then.  The
first call for the episode that reached the customer (outcome ``"reached"`` or none;
``"voicemail"`` too where the rule's :class:`~extramile.Retry` accepts it) *answers* it;
the calls for it before that are its *attempts* (:func:`first_answer`).

A customer's few calls are simply read through for each episode.  Read through for each
of a long history's episodes, a long list of calls would make the cost grow with the
square of the history, so past :data:`SCAN_AT_MOST` calls a :class:`CallIndex` is made,
once an evaluation, when first needed: it finds by bisection the calls made from the
instant an episode started, and keeps the calls of each issue and the calls listing each
key, so that an episode on an issue reads only the calls on it and those listing its key.
Either way the calls read are in the order of the history, and :func:`first_answer`
decides, so both ways give the same answer.

Imports: ``_decision``, ``_model``, ``_rules``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

from extramile._decision import SATISFIES
from extramile._model import Interaction
from extramile._rules import REACHED, VOICEMAIL

__all__ = ["SCAN_AT_MOST", "CallIndex", "first_answer"]

SCAN_AT_MOST: Final = 16
"""The most calls read through for each episode; more are indexed (:class:`CallIndex`)."""


def first_answer(
    calls: Iterable[Interaction],
    key: str,
    start: float,
    issue_id: str | None,
    scope: str,
    *,
    voicemail: bool,
) -> Interaction | tuple[Interaction, ...]:
    """Of ``calls`` (in time order), the first call for the episode with this key that
    reached the customer (the episode is answered), or else the calls for it that did
    not (its attempts, in time order; none if there were none).

    ``calls`` may hold calls that are not for the episode: they are passed over.
    """
    tried: list[Interaction] = []
    for call in calls:
        if call.ts < start:
            continue
        # A call recorded for this very key is for it even at the triggering instant
        # (a call due now, made now); any other call must come after the trigger.
        listed = call.attributes.get(SATISFIES)
        if (isinstance(listed, tuple) and key in listed) or (  # a list of keys, not a substring
            call.ts > start
            and (scope == "customer" or issue_id is None or call.issue_id == issue_id)
        ):
            outcome = call.outcome
            if outcome is None or outcome == REACHED or (voicemail and outcome == VOICEMAIL):
                return call
            tried.append(call)
    return tuple(tried)


class CallIndex:
    """A customer's outbound calls, indexed to find the ones that may be for an episode.

    >>> import datetime as dt
    >>> from extramile import Interaction
    >>> def call(n, issue, **fields):
    ...     return Interaction(id=f"m-{n}", customer_id="c", kind="call", direction="outbound",
    ...                        at=dt.datetime(2026, 3, 1 + n, tzinfo=dt.timezone.utc),
    ...                        issue_id=issue, **fields)
    >>> calls = [call(0, "t-1"), call(1, "t-2"), call(2, None, attributes={"satisfies": ["k"]}),
    ...          call(3, "t-1"), call(4, "t-2")]
    >>> index = CallIndex(calls)
    >>> start = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc).timestamp()
    >>> [c.id for c in index.for_episode("k", start, "t-1", "issue")]
    ['m-2', 'm-3']
    >>> [c.id for c in index.for_episode("k", start, None, "issue")]
    ['m-1', 'm-2', 'm-3', 'm-4']
    """

    __slots__ = ("_by_issue", "_by_key", "_calls", "_times")

    def __init__(self, calls: Sequence[Interaction]) -> None:
        self._calls = calls
        """The calls, in time order."""
        self._times = [call.ts for call in calls]
        by_issue: dict[str, list[int]] = {}
        by_key: dict[str, list[int]] = {}
        for position, call in enumerate(calls):
            issue_id = call.issue_id
            if issue_id is not None:
                by_issue.setdefault(issue_id, []).append(position)
            listed = call.attributes.get(SATISFIES)
            if isinstance(listed, tuple):
                for key in listed:
                    if isinstance(key, str):
                        by_key.setdefault(key, []).append(position)
        self._by_issue = by_issue
        """The positions of the calls on each issue, in order."""
        self._by_key = by_key
        """The positions of the calls listing each key, in order."""

    def for_episode(
        self, key: str, start: float, issue_id: str | None, scope: str
    ) -> Iterable[Interaction]:
        """The calls that may be for the episode, in time order: every call for it, and
        perhaps a few that are not (which :func:`first_answer` passes over)."""
        calls = self._calls
        times = self._times
        if scope == "customer" or issue_id is None:
            # Any call from the episode's start may be for it.
            return _from(calls, bisect.bisect_left(times, start))
        on_issue = self._by_issue.get(issue_id, [])
        positions = on_issue[bisect.bisect_left(on_issue, start, key=times.__getitem__) :]
        listed = self._by_key.get(key)
        if listed:
            positions = sorted({*positions, *listed})
        return [calls[position] for position in positions]


def _from(calls: Sequence[Interaction], first: int) -> Iterator[Interaction]:
    """The calls from position ``first`` on, read only as far as they are asked for."""
    for position in range(first, len(calls)):
        yield calls[position]

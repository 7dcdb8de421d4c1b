"""What the engine returns: calls, suppressed calls, and the explanation of every rule.

Imports: ``_memo``, ``_model``, ``_time``, ``kinds``; ``frames`` when a frame is asked for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs
import pendulum

from extramile._memo import cache, keep
from extramile._model import Channel, Direction, Interaction, Priority
from extramile._time import instant
from extramile.kinds import CALL

__all__ = ["Adjustment", "Call", "Decision", "EpisodeTrace", "RuleTrace", "SuppressedCall"]

SATISFIES: Final = "satisfies"
"""The attribute of a recorded outbound call listing the keys it satisfies."""


@attrs.frozen(kw_only=True)
class Adjustment:
    """One move of a call's time by one constraint."""

    constraint: str
    """``"calling-window"``, ``"staff-hours"``, ``"cap"`` or ``"gap"``."""
    moved_from: pendulum.DateTime = attrs.field(eq=instant)
    moved_to: pendulum.DateTime = attrs.field(eq=instant)
    reason: str
    """Readable, e.g. ``"calling window closed in Australia/Sydney until 08:00 AEST"``.

    When the calling window and staff hours did not overlap for long and placement leapt
    to their next overlap, both adjustments say so, e.g. ``"calling window in
    Australia/Sydney (08:00-21:00) and staff hours in America/New_York do not overlap until
    Tue 2026-11-03 08:00 AEDT"`` (the staff-hours one gives the time in the staff's zone).
    """
    target: str = "due"
    """What it moved: ``"due"`` (the call's due time) or ``"deadline"`` (a deadline that
    fell where the call may not be made, pulled back to the end of the last moment it
    may; kept, with ``moved_to`` equal to ``moved_from``, when the call is at risk)."""

    def __str__(self) -> str:
        return self.reason


@attrs.frozen(kw_only=True)
class Call:
    """One recommended call: to whom, when, by when, why, and what to say.

    Several episodes whose windows overlap merge into one call: ``keys`` lists one key
    an episode, ``key`` is the leading one's (highest priority, earliest deadline),
    ``rules`` names each of their rules once, in the order of its first key (two episodes
    of one rule give two keys and one rule), and ``queue`` is the leading rule's.
    """

    customer_id: str
    issue_id: str | None
    key: str
    keys: tuple[str, ...]
    rules: tuple[str, ...]
    due_at: pendulum.DateTime = attrs.field(eq=instant)
    deadline: pendulum.DateTime = attrs.field(eq=instant)
    priority: Priority
    talking_points: tuple[str, ...]
    extra_mile: bool
    essential: bool
    moved_by: tuple[Adjustment, ...] = ()
    attempt: int = 1
    """Which try of this call it is, from 1: a call that did not reach the customer is
    tried again with the same key (see :class:`~extramile.Retry`).  For a merged call,
    the leading key's."""
    tries: int = 1
    """How many tries the leading key's rule allows in all."""
    queue: str | None = None
    """Who should make the call (``"senior"``, ``"billing"``, ...): the queue of the
    leading rule; None for the general queue."""

    @property
    def overdue(self) -> bool:
        """Whether the call is due after its deadline (it should have happened already).

        Compared as instants: in one zone, Python compares datetimes by their clocks,
        which read the same hour twice when clocks go back."""
        return self.due_at.timestamp() > self.deadline.timestamp()

    @property
    def at_risk(self) -> bool:
        """Whether the deadline falls where the call may not be made (outside the calling
        window or, unless it goes the extra mile, staff hours) and no moment it may be
        made lies between the due time and the deadline: see :attr:`Adjustment.target`.
        An overdue call is :attr:`overdue`; :attr:`Agenda.at_risk
        <extramile.Agenda.at_risk>` lists both."""
        return any(
            move.target == "deadline" and move.moved_to == move.moved_from for move in self.moved_by
        )

    def record(
        self,
        *,
        id: str,  # the host's interaction id
        at: dt.datetime,
        agent: str | None = None,
        outcome: str = "reached",
    ) -> Interaction:
        """The outbound call interaction that records this call as made.

        Feeding it back into :func:`~extramile.evaluate` satisfies every key of this call
        when the call reached the customer (``outcome="reached"``, the default; or
        ``"voicemail"`` where the rule's :class:`~extramile.Retry` accepts it), so the
        call is never recommended twice.  Any other outcome (``"no_answer"``,
        ``"busy"``, ...) is an attempt: the same key comes back as the next try, or is
        suppressed as ``"unreachable"`` after the last.
        """
        return Interaction(
            id=id,
            customer_id=self.customer_id,
            kind=CALL,
            at=at,
            direction=Direction.OUTBOUND,
            channel=Channel.PHONE,
            issue_id=self.issue_id,
            agent=agent,
            outcome=outcome,
            attributes={SATISFIES: list(self.keys)},
        )


@attrs.frozen(kw_only=True)
class SuppressedCall:
    """A call that may not be placed, with the constraint that stopped it: one a rule asked
    for (in :attr:`Decision.suppressed`), or one placed by hand with :func:`~extramile.place`."""

    customer_id: str
    issue_id: str | None
    key: str | None
    """The key of the call; None for a call placed by hand with :func:`~extramile.place`."""
    rule: str | None
    """The rule that asked for it; None for a call placed by hand."""
    constraint: str
    """``"do-not-call"``, ``"unknown-timezone"``, ``"no-common-window"`` or
    ``"unreachable"`` (tried as many times as its rule allows; the reason names the
    attempts); or the
    constraint that pushed the call past the moment its rule gives up
    (``"calling-window"``, ``"staff-hours"``, ``"cap"``, ``"gap"``)."""
    reason: str
    until: pendulum.DateTime | None = attrs.field(default=None, eq=instant)
    """When it could go, if it ever can without a change of facts."""


@attrs.frozen(kw_only=True)
class EpisodeTrace:
    """What became of one episode of one rule."""

    key: str
    outcome: str
    """``"call"``, ``"not-fired"`` (the condition failed, as of the trigger),
    ``"satisfied"``, ``"stopped"`` (the stop condition held, at now), ``"lapsed"``,
    ``"untimed"`` or ``"suppressed"``."""
    detail: str
    due_at: pendulum.DateTime | None = attrs.field(default=None, eq=instant)
    deadline: pendulum.DateTime | None = attrs.field(default=None, eq=instant)
    """For a call: this episode's own deadline (a call merged from several episodes has
    the earliest of theirs)."""
    first_deadline: pendulum.DateTime | None = attrs.field(default=None, eq=instant)
    """For a call: this episode's deadline as its rule first set it, before constraints
    moved it with the call (``deadline`` when nothing moved it)."""
    issue_id: str | None = None
    """The issue the episode is about, if any."""
    episode: str | None = None
    """What started the episode: an interaction id, or ``anniversary-N``."""
    extra_mile: bool | None = None
    """For a call: whether this episode's rule asked for the extra mile (a merged call
    goes it if any of its episodes asks)."""
    attempt: int | None = None
    """For a call: which try of this episode's call it is, from 1."""

    @property
    def label(self) -> str:
        """``"issue t-7, i-1"``: which episode this is, for people."""
        episode = self.episode if self.episode is not None else self.key
        return episode if self.issue_id is None else f"issue {self.issue_id}, {episode}"


@attrs.frozen(kw_only=True)
class RuleTrace:
    """Why a rule did or did not lead to a call."""

    rule: str
    fired: bool
    summary: str
    episodes: tuple[EpisodeTrace, ...] = ()


TraceLine = tuple[str, str, str, "str | None", "str | None", object]
"""One episode of a rule's trace as :meth:`Decision.explain` reads it: its key, outcome,
detail, issue id and episode (the fields of an :class:`EpisodeTrace` of those names), and
what only the writer of the trace reads (a call's times, for the rest of its fields)."""
RuleLines = tuple[str, bool, str, Sequence[TraceLine]]
"""One rule's trace as :meth:`Decision.explain` reads it: the fields of a
:class:`RuleTrace`, its episodes as :data:`TraceLine`."""


class TraceWriter(Protocol):
    """What writes a decision's trace when it is first read (the engine's collector)."""

    def __call__(self) -> tuple[RuleTrace, ...]:
        """The trace."""

    def lines(self) -> Sequence[RuleLines]:
        """What the trace says, without its objects: all that :meth:`Decision.explain`
        reads, so that an explanation read alone makes no :class:`RuleTrace` or
        :class:`EpisodeTrace` (each costs about as much as its text)."""


class _Later:
    """A slot for what writes a decision's trace when it is first read."""

    __slots__ = ("_write_trace",)


@attrs.frozen(kw_only=True)
class Decision(_Later):
    """The engine's answer for one customer at ``now``.

    ``calls`` are the recommended calls (including ones due later), ``suppressed`` the calls
    that fired but may not be placed, ``trace`` an account of every rule, and
    ``revisit_at`` the next moment the decision could change without a new interaction
    (None: not before something happens).

    The engine writes the trace when it is first read (by :meth:`explain`, by reading
    ``trace``, or by comparing, hashing, printing or pickling the decision): most
    decisions are acted on by their calls alone.  What it says does not depend on when
    it is read.
    """

    customer_id: str
    now: pendulum.DateTime = attrs.field(eq=instant)
    calls: tuple[Call, ...]
    suppressed: tuple[SuppressedCall, ...]
    trace: tuple[RuleTrace, ...]
    revisit_at: pendulum.DateTime | None = attrs.field(eq=instant)

    if not TYPE_CHECKING:  # (to type checkers, a decision has its fields and no more)

        def __getattr__(self, name: str) -> Any:
            # Called only for a slot not set: the trace of a decision made to be
            # explained later, written now, once.
            if name != "trace":
                raise AttributeError(name)
            try:
                write = _WRITE_TRACE.__get__(self)
            except AttributeError:  # written meanwhile by another thread
                return _TRACE.__get__(self)
            trace = write()
            object.__setattr__(self, "trace", trace)
            with contextlib.suppress(AttributeError):  # (gone if another thread wrote it)
                object.__delattr__(self, "_write_trace")  # what it was written from goes
            return trace

    @classmethod
    def _explained_later(
        cls,
        *,
        customer_id: str,
        now: pendulum.DateTime,
        calls: tuple[Call, ...],
        suppressed: tuple[SuppressedCall, ...],
        revisit_at: pendulum.DateTime | None,
        trace: TraceWriter,
    ) -> Decision:
        """A decision whose trace ``trace()`` writes when it is first read
        (:meth:`explain` reads ``trace.lines()`` instead, while it is unwritten)."""
        decision = cls(
            customer_id=customer_id,
            now=now,
            calls=calls,
            suppressed=suppressed,
            trace=(),
            revisit_at=revisit_at,
        )
        object.__delattr__(decision, "trace")
        object.__setattr__(decision, "_write_trace", trace)
        return decision

    def explain(self) -> str:
        """A readable account a supervisor can follow: every rule, every call, every move."""
        lines = [f"Decision for customer {self.customer_id} at {_at(self.now)}"]
        if not self.calls:
            lines.append("No call.")
        for call in self.calls:
            retry = f" (try {call.attempt} of {call.tries})" if call.attempt > 1 else ""
            queue = "" if call.queue is None else f" [queue {call.queue}]"
            lines.append(
                f"CALL {call.priority} due {_at(call.due_at)}, by {_at(call.deadline)}"
                f"{' (overdue)' if call.overdue else ''}"
                f"{' (at risk)' if call.at_risk else ''}"
                f"{' [extra mile]' if call.extra_mile else ''}{queue}:"
                f" {', '.join(call.rules)}{retry}"
            )
            lines.extend(f"  - say: {point}" for point in call.talking_points)
            lines.extend(f"  - moved: {move.reason}" for move in call.moved_by)
            lines.append(f"  key {call.key}")
        for item in self.suppressed:
            until = f" until {_at(item.until)}" if item.until is not None else ""
            lines.append(f"SUPPRESSED {item.rule}{until}: {item.reason}")
        lines.append("Rules:")
        append = lines.append
        for rule, _, summary, episodes in self._trace_lines():
            append(f"  {rule}: {summary}")
            for key, outcome, detail, issue_id, episode, _ in episodes:
                # (EpisodeTrace.label, inline and in the line's one f-string: a line for
                # each episode of each rule)
                label = episode if episode is not None else key
                if issue_id is None:
                    append(f"    - {outcome} ({label}): {detail}")
                else:
                    append(f"    - {outcome} (issue {issue_id}, {label}): {detail}")
        if self.revisit_at is not None:
            lines.append(f"Revisit {_revisit(self.revisit_at)} unless something happens first.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def _trace_lines(self) -> Sequence[RuleLines]:
        """What :attr:`trace` says: from the writer of an unwritten trace without writing
        it (the trace is the same whenever it is written), else from the trace."""
        try:
            write: TraceWriter = _WRITE_TRACE.__get__(self)
        except AttributeError:  # written (or made whole): read it
            return [
                (
                    rule.rule,
                    rule.fired,
                    rule.summary,
                    [
                        (e.key, e.outcome, e.detail, e.issue_id, e.episode, None)
                        for e in rule.episodes
                    ],
                )
                for rule in self.trace
            ]
        return write.lines()

    def to_frame(self, backend: str = "pandas") -> Any:
        """The calls and the suppressed calls as a data frame of ``backend``
        (``"pandas"``, ``"polars"`` or ``"pyarrow"``): one row each, calls first.

        ``status`` says which a row is, ``"call"`` or ``"suppressed"``; the other columns
        are the agenda's (:meth:`Agenda.to_frame <extramile.Agenda.to_frame>`), then
        ``constraint``, ``reason`` and ``until``, which a suppressed call has and a call
        has not.  A suppressed call has its rule in ``rules`` and its key in ``keys``, and
        no priority, times, flags, tries or queue.  Needs the ``frames`` extra (see
        :mod:`extramile.frames`).

        Raises:
            InvalidPolicyError: an unknown backend.
            ModuleNotFoundError: narwhals or the backend's library is not installed.
        """
        from extramile.frames import native_frame  # noqa: PLC0415  # narwhals only when asked

        blank: tuple[None, ...] = (None,) * (len(CALL_COLUMNS) - 5)
        rows = [("call", *call_row(call), None, None, None) for call in self.calls]
        rows.extend(
            (
                "suppressed",
                item.customer_id,
                item.issue_id,
                item.key,
                [] if item.key is None else [item.key],
                [] if item.rule is None else [item.rule],
                *blank,
                item.constraint,
                item.reason,
                item.until,
            )
            for item in self.suppressed
        )
        return native_frame(frame_columns(DECISION_COLUMNS, rows), backend, "Decision.to_frame()")


CALL_COLUMNS: Final = (
    ("customer_id", "text"),
    ("issue_id", "text"),
    ("key", "text"),
    ("keys", "texts"),
    ("rules", "texts"),
    ("priority", "text"),
    ("due_at", "instant"),
    ("deadline", "instant"),
    ("at_risk", "bool"),
    ("extra_mile", "bool"),
    ("essential", "bool"),
    ("talking_points", "texts"),
    ("moved_by", "texts"),
    ("attempt", "int"),
    ("tries", "int"),
    ("queue", "text"),
)
"""A call's columns in a frame, with their kinds: the command line's CSV columns."""
DECISION_COLUMNS: Final = (
    ("status", "text"),
    *CALL_COLUMNS,
    ("constraint", "text"),
    ("reason", "text"),
    ("until", "instant"),
)


def call_row(call: Call) -> tuple[Any, ...]:
    """A call's values in the order of :data:`CALL_COLUMNS`."""
    return (
        call.customer_id,
        call.issue_id,
        call.key,
        list(call.keys),
        list(call.rules),
        str(call.priority),
        call.due_at,
        call.deadline,
        call.overdue or call.at_risk,
        call.extra_mile,
        call.essential,
        list(call.talking_points),
        [move.reason for move in call.moved_by],
        call.attempt,
        call.tries,
        call.queue,
    )


def frame_columns(
    names: Iterable[tuple[str, str]], rows: list[tuple[Any, ...]]
) -> list[tuple[str, str, list[Any]]]:
    """Columns of ``rows`` (tuples in the order of ``names``), as
    :func:`extramile.frames.native_frame` takes them."""
    return [(name, kind, [row[i] for row in rows]) for i, (name, kind) in enumerate(names)]


_TRACE: Final[Any] = Decision.__dict__["trace"]
"""The slot of :attr:`Decision.trace`."""
_WRITE_TRACE: Final[Any] = _Later.__dict__["_write_trace"]


def _revisit(moment: dt.datetime) -> str:
    """``"at 2026-03-09T08:40+00:00"``; a moment with a fraction of a second (a deadline
    passes a microsecond after it: the first moment the call is overdue) is written as
    ``"just after"`` its whole second, the instant itself unchanged."""
    if moment.microsecond:
        # (``_at(moment.replace(microsecond=0))``, without building that moment: its
        # offset is the moment's own, as no zone changes its offset within a second)
        timespec = "minutes" if moment.second == 0 else "seconds"
        return f"just after {moment.isoformat(timespec=timespec)}"
    return f"at {_at(moment)}"


def _at(moment: dt.datetime) -> str:
    """``moment`` as :meth:`Decision.explain` writes it: to the minute when it is whole.

    Each text is kept a while, by the moment's identity (with the moment, so that its id
    stays its own while the entry lasts): the engine hands out one DateTime for each
    instant and zone, such as the ``now`` of every decision of a batch, and writing one
    asks its zone for its offset, a Python call."""
    found = _AT_TEXTS.get(id(moment))
    if found is not None and found[0] is moment:
        return found[1]
    whole_minute = moment.second == 0 and moment.microsecond == 0
    text = moment.isoformat(timespec="minutes") if whole_minute else moment.isoformat()
    return keep(_AT_TEXTS, id(moment), (moment, text), bound=4096)[1]


_AT_TEXTS: Final[dict[int, tuple[dt.datetime, str]]] = cache("decision instants")

"""What happened: the proactive calls staff made, per agent and per rule, on time or not.

"How many extra-mile calls did your staff make last week?"  :func:`calls_made` answers it
from the history alone.  For each outbound call in the period it asks the policy, through
:func:`~extramile.evaluate`, which recommended calls were open at the call's instant
without it, and which of them it closed or tried (a call that did not reach the
customer moves the same call to its next try): those are the rules the call served (other
calls logged in the same instant count as earlier when their id comes first, so each is
credited with its own work).  It is measured
against the earliest deadline of what it closed, and went the extra mile if any of that
asked for it (a call that closes only part of a merged call is measured by that part).
A call that served no rule is ``unplanned``, and counted for its agent.

Each call is also measured against the deadline its rules first set, before constraints
(the calling window, staff hours, caps) moved it with the call: a call pushed to the
morning is on time by its moved deadline and late by the first.  And each call, planned
or not, is flagged if it was made outside the customer's calling window in their zone at
its instant (in every zone the policy serves when theirs is unknown; always when it
serves none), unless it came within the hour after the customer's own contact.

Everything here is pure: the book and the period are arguments, nothing is read or printed.

>>> import datetime as dt
>>> from extramile import Customer, Interaction, starter_policy
>>> utc = dt.timezone.utc
>>> customer = Customer(id="c-1", timezone="Europe/London")
>>> history = [
...     Interaction(id="i-1", customer_id="c-1", kind="billing.duplicate_charge",
...                 at=dt.datetime(2026, 8, 25, 10, 2, tzinfo=utc), issue_id="b-1"),
...     Interaction(id="i-2", customer_id="c-1", kind="call", direction="outbound",
...                 channel="phone", at=dt.datetime(2026, 8, 25, 10, 9, tzinfo=utc),
...                 issue_id="b-1", agent="ana"),
... ]
>>> report = calls_made(starter_policy(), [(customer, history)],
...                     start=dt.datetime(2026, 8, 24, tzinfo=utc),
...                     end=dt.datetime(2026, 8, 31, tzinfo=utc))
>>> [(row.name, row.extra_mile, row.extra_mile_on_time) for row in report.by_agent()]
[('ana', 1, 1)]

Imports: ``_decision``, ``_engine``, ``_model``, ``_rules``, ``_time``, ``errors``, ``kinds``;
``frames`` when a frame is asked for.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs
import pendulum

from extramile._decision import Decision, frame_columns
from extramile._engine import (
    Contact,
    book_pair,
    customer_history,
    evaluate,
    in_book,
    window_allows,
)
from extramile._model import Customer, Direction, Interaction
from extramile._rules import FollowUpPolicy
from extramile._time import UTC, ZoneName, from_ts, instant, zone_key, zone_or_none
from extramile.errors import (
    ExtramileError,
    FactTypeError,
    InvalidFactError,
    describe,
    describe_type,
)
from extramile.kinds import CALL

__all__ = ["CallReport", "MadeCall", "Tally", "UnplannedCall", "calls_made", "last_week"]

NO_AGENT = "(no agent)"
"""How a call recorded without an agent is tallied."""


@attrs.frozen(kw_only=True)
class MadeCall:
    """One outbound call that served at least one rule of the policy."""

    interaction_id: str
    customer_id: str
    agent: str | None
    at: pendulum.DateTime = attrs.field(eq=instant)
    rules: tuple[str, ...]
    """The rules whose recommended calls this call closed."""
    deadline: pendulum.DateTime = attrs.field(eq=instant)
    """The earliest deadline among them, as constraints moved it with the call."""
    first_deadline: pendulum.DateTime = attrs.field(eq=instant)
    """The earliest deadline among them as their rules first set it, before constraints
    moved it (``deadline`` when nothing moved it)."""
    extra_mile: bool
    """Whether the policy marked the call it served as extra-mile."""
    outside_window: bool
    """Made outside the customer's calling window (see :func:`calls_made`)."""

    @property
    def on_time(self) -> bool:
        """Made at or before its deadline."""
        return self.at.timestamp() <= self.deadline.timestamp()  # instants, not wall clocks

    @property
    def on_first_deadline(self) -> bool:
        """Made at or before its deadline as first set."""
        return self.at.timestamp() <= self.first_deadline.timestamp()


@attrs.frozen(kw_only=True)
class UnplannedCall:
    """One outbound call that closed no recommended call."""

    interaction_id: str
    customer_id: str
    agent: str | None
    at: pendulum.DateTime = attrs.field(eq=instant)
    outside_window: bool
    """Made outside the customer's calling window (see :func:`calls_made`)."""


@attrs.frozen(kw_only=True)
class Tally:
    """Counts for one agent or one rule."""

    name: str
    calls: int
    """Proactive calls: those that served a rule."""
    on_time: int
    """Of them, made by their deadline as constraints moved it."""
    extra_mile: int
    extra_mile_on_time: int
    on_first_deadline: int = 0
    """Of the proactive calls, made by their deadline as first set."""
    outside_window: int = 0
    """Calls made outside the calling window: proactive ones and, for an agent or the
    total, unplanned ones too."""
    unplanned: int = 0
    """Outbound calls that served no rule (an agent's, or all of them; none for a rule)."""

    @property
    def on_time_rate(self) -> float | None:
        """The share of calls made by their deadline (None when there were none)."""
        return self.on_time / self.calls if self.calls else None

    @property
    def on_first_deadline_rate(self) -> float | None:
        """The share of calls made by their deadline as first set (None when none)."""
        return self.on_first_deadline / self.calls if self.calls else None

    @property
    def extra_mile_on_time_rate(self) -> float | None:
        """The share of extra-mile calls made by their deadline (None when none)."""
        return self.extra_mile_on_time / self.extra_mile if self.extra_mile else None

    def to_mapping(self) -> dict[str, Any]:
        """A JSON-serialisable ``dict``."""
        return {
            "name": self.name,
            "calls": self.calls,
            "on_time": self.on_time,
            "on_time_rate": self.on_time_rate,
            "extra_mile": self.extra_mile,
            "extra_mile_on_time": self.extra_mile_on_time,
            "extra_mile_on_time_rate": self.extra_mile_on_time_rate,
            "on_first_deadline": self.on_first_deadline,
            "on_first_deadline_rate": self.on_first_deadline_rate,
            "outside_window": self.outside_window,
            "unplanned": self.unplanned,
        }


def _tally(name: str, calls: Iterable[MadeCall], unplanned: Iterable[UnplannedCall] = ()) -> Tally:
    made = list(calls)
    other = list(unplanned)
    return Tally(
        name=name,
        calls=len(made),
        on_time=sum(call.on_time for call in made),
        extra_mile=sum(call.extra_mile for call in made),
        extra_mile_on_time=sum(call.extra_mile and call.on_time for call in made),
        on_first_deadline=sum(call.on_first_deadline for call in made),
        outside_window=sum(call.outside_window for call in made)
        + sum(call.outside_window for call in other),
        unplanned=len(other),
    )


@attrs.frozen(kw_only=True)
class CallReport:
    """The proactive calls made in ``[start, end)``, and the calls that served no rule."""

    start: pendulum.DateTime = attrs.field(eq=instant)
    end: pendulum.DateTime = attrs.field(eq=instant)
    calls: tuple[MadeCall, ...]
    unplanned_calls: tuple[UnplannedCall, ...] = ()
    """Outbound calls in the period that closed no recommended call, in time order."""

    @property
    def unplanned(self) -> int:
        """How many outbound calls in the period closed no recommended call."""
        return len(self.unplanned_calls)

    def by_agent(self) -> tuple[Tally, ...]:
        """One tally an agent, with their unplanned calls: most extra-mile calls first,
        then most calls, then most unplanned calls, then by name."""
        names = sorted(
            {call.agent or NO_AGENT for call in self.calls}
            | {call.agent or NO_AGENT for call in self.unplanned_calls}
        )
        rows = [
            _tally(
                name,
                (call for call in self.calls if (call.agent or NO_AGENT) == name),
                (call for call in self.unplanned_calls if (call.agent or NO_AGENT) == name),
            )
            for name in names
        ]
        return tuple(
            sorted(rows, key=lambda row: (-row.extra_mile, -row.calls, -row.unplanned, row.name))
        )

    def by_rule(self) -> tuple[Tally, ...]:
        """One tally a rule (a call serving two rules counts for both), by name."""
        names = sorted({rule for call in self.calls for rule in call.rules})
        return tuple(
            _tally(name, (call for call in self.calls if name in call.rules)) for name in names
        )

    @property
    def total(self) -> Tally:
        """The tally of every call, unplanned ones included."""
        return _tally("all", self.calls, self.unplanned_calls)

    def to_mapping(self) -> dict[str, Any]:
        """A JSON-serialisable ``dict``: the period, the calls and both tallies."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "calls": [
                {
                    "interaction_id": call.interaction_id,
                    "customer_id": call.customer_id,
                    "agent": call.agent,
                    "at": call.at.isoformat(),
                    "rules": list(call.rules),
                    "deadline": call.deadline.isoformat(),
                    "on_time": call.on_time,
                    "first_deadline": call.first_deadline.isoformat(),
                    "on_first_deadline": call.on_first_deadline,
                    "extra_mile": call.extra_mile,
                    "outside_window": call.outside_window,
                }
                for call in self.calls
            ],
            "unplanned": self.unplanned,
            "unplanned_calls": [
                {
                    "interaction_id": call.interaction_id,
                    "customer_id": call.customer_id,
                    "agent": call.agent,
                    "at": call.at.isoformat(),
                    "outside_window": call.outside_window,
                }
                for call in self.unplanned_calls
            ],
            "total": self.total.to_mapping(),
            "by_agent": [row.to_mapping() for row in self.by_agent()],
            "by_rule": [row.to_mapping() for row in self.by_rule()],
        }

    def to_frame(self, backend: str = "pandas") -> Any:
        """Every outbound call of the period as a data frame of ``backend``
        (``"pandas"``, ``"polars"`` or ``"pyarrow"``), one row a call, in time order.

        ``status`` is ``"proactive"`` for a call that served a rule and ``"unplanned"``
        for one that served none; then ``interaction_id``, ``customer_id``, ``agent``,
        ``at`` (a UTC datetime), ``rules``, ``deadline`` and ``first_deadline``,
        ``on_time`` and ``on_first_deadline`` (None for an unplanned call, which had no
        deadline), ``extra_mile`` and ``outside_window``.  Grouping it by ``agent`` gives
        the counts of :meth:`by_agent`.  Needs the ``frames`` extra (see
        :mod:`extramile.frames`).

        Raises:
            InvalidPolicyError: an unknown backend.
            ModuleNotFoundError: narwhals or the backend's library is not installed.
        """
        from extramile.frames import native_frame  # noqa: PLC0415  # narwhals only when asked

        rows: list[tuple[Any, ...]] = [
            (
                "proactive",
                call.interaction_id,
                call.customer_id,
                call.agent,
                call.at,
                list(call.rules),
                call.deadline,
                call.first_deadline,
                call.on_time,
                call.on_first_deadline,
                call.extra_mile,
                call.outside_window,
            )
            for call in self.calls
        ]
        rows.extend(
            (
                "unplanned",
                call.interaction_id,
                call.customer_id,
                call.agent,
                call.at,
                [],
                None,
                None,
                None,
                None,
                False,
                call.outside_window,
            )
            for call in self.unplanned_calls
        )
        rows.sort(key=lambda row: (row[4].timestamp(), row[1]))
        return native_frame(frame_columns(_REPORT_COLUMNS, rows), backend, "CallReport.to_frame()")


_REPORT_COLUMNS: Final = (
    ("status", "text"),
    ("interaction_id", "text"),
    ("customer_id", "text"),
    ("agent", "text"),
    ("at", "instant"),
    ("rules", "texts"),
    ("deadline", "instant"),
    ("first_deadline", "instant"),
    ("on_time", "bool"),
    ("on_first_deadline", "bool"),
    ("extra_mile", "bool"),
    ("outside_window", "bool"),
)


def _aware(value: object, where: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise FactTypeError(f"{where} must be a timezone-aware datetime (got {describe(value)})")
    if value.utcoffset() is None:
        raise InvalidFactError(f"{where} must be timezone-aware (got naive datetime {value})")
    return value


def _served(
    call: Interaction,
    before: Decision,
    open_after: dict[str, int | None],
    *,
    outside_window: bool,
) -> MadeCall | None:
    """What ``call`` served: the episodes recommended without it and not with it, or
    with it as a later try (an unanswered attempt is work done too), each by its own
    deadline and extra-mile flag (a call closing part of a merged call is measured by
    that part)."""
    # By key, with its rule: a call lists its rules once each, not one a key.
    episodes = {
        episode.key: (rule.rule, episode)
        for rule in before.trace
        for episode in rule.episodes
        if episode.outcome == "call"
    }
    rules: list[str] = []
    deadlines: list[pendulum.DateTime] = []
    first_deadlines: list[pendulum.DateTime] = []
    extra_mile = False
    for planned in before.calls:
        for key in planned.keys:
            rule, episode = episodes[key]
            if key in open_after and open_after[key] == episode.attempt:
                continue
            if rule not in rules:
                rules.append(rule)
            deadline = episode.deadline or planned.deadline
            deadlines.append(deadline)
            first_deadlines.append(episode.first_deadline or deadline)
            extra_mile = extra_mile or bool(episode.extra_mile)
    if not rules:
        return None
    return MadeCall(
        interaction_id=call.id,
        customer_id=call.customer_id,
        agent=call.agent,
        at=from_ts(call.ts, UTC),
        rules=tuple(rules),
        deadline=min(deadlines, key=_ts),
        first_deadline=min(first_deadlines, key=_ts),
        extra_mile=extra_mile,
        outside_window=outside_window,
    )


def _ts(moment: dt.datetime) -> float:
    return moment.timestamp()


def calls_made(
    policy: FollowUpPolicy,
    book: Iterable[tuple[Customer, Iterable[Interaction]]],
    *,
    start: dt.datetime,
    end: dt.datetime,
) -> CallReport:
    """The outbound calls made in ``[start, end)`` and the rules they served.

    Args:
        policy: the policy the calls are measured against.
        book: ``(customer, interactions)`` pairs, as :func:`~extramile.plan` takes them;
            each customer once, with their whole history, so that earlier triggers are
            seen.
        start: the start of the period (included), timezone-aware.
        end: the end of the period (excluded), timezone-aware.

    Returns:
        A :class:`CallReport`, calls in time order.

    Raises:
        InvalidFactError: a naive ``start`` or ``end``, an ``end`` before ``start``, or
            bad facts (see :func:`~extramile.evaluate`); the message names the book
            item and customer.
        FactTypeError: arguments of the wrong type, a book item that is not a pair.
    """
    first = _aware(start, "calls_made() start").timestamp()
    last = _aware(end, "calls_made() end").timestamp()
    if last < first:
        raise InvalidFactError(
            f"calls_made() period's end must not be before its start (got {start} to {end})"
        )
    if not isinstance(policy, FollowUpPolicy):
        raise FactTypeError(f"calls_made() needs a FollowUpPolicy (got {describe(policy)})")
    if not isinstance(book, Iterable):
        raise FactTypeError(
            "calls_made() book must be an iterable of (customer, interactions) pairs"
            f" (got {describe_type(book)})"
        )
    made: list[MadeCall] = []
    unplanned: list[UnplannedCall] = []
    for index, item in enumerate(book):
        customer, history = _pair(index, item)
        for call in history:
            if not (
                call.kind == CALL
                and call.direction is Direction.OUTBOUND
                and first <= call.ts < last
            ):
                continue
            # What was open at the call's instant without it, and with it: every other
            # interaction of that instant counts as earlier, but calls of the same
            # instant only if their id comes first (the engine's order), so that two
            # calls logged in one second are not each credited with the other's work.
            others = [
                other
                for other in history
                if other is not call
                and not (other.ts == call.ts and _outbound_call(other) and other.id > call.id)
            ]
            at = from_ts(call.ts, UTC)
            try:
                before = evaluate(policy, customer, others, now=at)
                after = evaluate(policy, customer, [*others, call], now=at)
            except ExtramileError as exc:
                raise in_book(exc, index, customer) from exc.__cause__
            still_open = {
                episode.key: episode.attempt
                for rule in after.trace
                for episode in rule.episodes
                if episode.outcome == "call"
            }
            contact = Contact.of(
                customer,
                others,
                now_ts=call.ts,
                calling_window=policy.calling_window,
                served_timezones=policy.served_timezones,
                schedule=policy.schedule,
            )
            outside = not window_allows(contact, call.ts)
            served = _served(call, before, still_open, outside_window=outside)
            if served is None:
                unplanned.append(
                    UnplannedCall(
                        interaction_id=call.id,
                        customer_id=call.customer_id,
                        agent=call.agent,
                        at=at,
                        outside_window=outside,
                    )
                )
            else:
                made.append(served)
    made.sort(key=lambda call: (call.at, call.interaction_id))
    unplanned.sort(key=lambda call: (call.at, call.interaction_id))
    return CallReport(
        start=from_ts(first, UTC),
        end=from_ts(last, UTC),
        calls=tuple(made),
        unplanned_calls=tuple(unplanned),
    )


def _outbound_call(item: Interaction) -> bool:
    return item.kind == CALL and item.direction is Direction.OUTBOUND


def _pair(index: int, item: object) -> tuple[Customer, list[Interaction]]:
    """A book item checked as :func:`~extramile.plan` checks it: a customer and their
    whole history, sorted."""
    customer, interactions = book_pair(index, item)
    try:
        return customer, customer_history(customer, interactions, math.inf)
    except ExtramileError as exc:
        raise in_book(exc, index, customer) from None


def last_week(now: dt.datetime, timezone: ZoneName) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """Monday 00:00 to the next Monday 00:00 of the week before ``now``'s, in ``timezone``.

    >>> import datetime as dt
    >>> saturday = dt.datetime(2026, 9, 5, 14, 30, tzinfo=dt.timezone.utc)
    >>> [moment.isoformat() for moment in last_week(saturday, "America/Chicago")]
    ['2026-08-24T00:00:00-05:00', '2026-08-31T00:00:00-05:00']

    Raises:
        InvalidFactError: a naive ``now`` or an unknown timezone (a name, or a
            ``zoneinfo.ZoneInfo`` of one).
    """
    moment = _aware(now, "last_week() now")
    name: object = timezone  # checked here: a caller without a type checker may give anything
    if isinstance(name, ZoneInfo):
        name = zone_key(name, "last_week() timezone", InvalidFactError)
    tz = zone_or_none(name) if isinstance(name, str) else None
    if tz is None:
        raise InvalidFactError(
            f"last_week() timezone must be an IANA name (got {describe(timezone)})"
        )
    today = moment.astimezone(tz).date()  # the standard library's: exact, in any zone
    this_monday = today - dt.timedelta(days=today.weekday())
    monday = this_monday - dt.timedelta(days=7)
    return (
        pendulum.datetime(monday.year, monday.month, monday.day, tz=tz),
        pendulum.datetime(this_monday.year, this_monday.month, this_monday.day, tz=tz),
    )

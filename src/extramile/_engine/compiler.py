"""The policy compiler: a policy made once into one generated Python function, for the
path :func:`~extramile.plan` takes.

As attrs writes a class's ``__init__``, the compiler writes the source of one function
for a policy (:mod:`~extramile._engine.codegen` writes it), compiles it under a file name
of its own, ``<extramile policy 'NAME' #N>``, registered in :mod:`linecache` so that a
traceback shows its lines, and runs it in a namespace that holds the helpers below and
the policy's own values.  The function is kept in the policy's compiled form
(:func:`~extramile._rules.program_of`), made on first use and dropped with the policy;
it is never part of the policy, so it never pickles.

The function makes a customer's candidate calls as the generic stages do (facts,
episodes, timing), in one pass and one loop a rule; placement, conversation and merge
then take them as they take the generic path's.  :func:`compiled_source` shows it.

Imports: ``_conditions``, ``_memo``, ``_model``, ``_rules``, ``_time``, ``errors``,
``kinds``, and the siblings ``answers``, ``codegen``, ``data``, ``episodes``,
``expressions``, ``facts`` and ``guard``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import linecache
import math
import operator
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Final, cast

from extramile._conditions import Context, IssueState, IssueThread, TriggerContext, anniversary
from extramile._conditions.counting import first_reach
from extramile._conditions.selection import SLACK, Keep, count_inside, latest_kept
from extramile._engine.answers import SCAN_AT_MOST, CallIndex, first_answer
from extramile._engine.codegen import write
from extramile._engine.data import Candidate
from extramile._engine.episodes import episode_key
from extramile._engine.expressions import Names
from extramile._engine.guard import condition_error
from extramile._memo import Memo
from extramile._model import Customer, Direction, Interaction
from extramile._rules import (
    RECENT_DAYS,
    Anniversary,
    CompiledRule,
    FollowUpPolicy,
    Program,
    attr_day_start,
    customer_zone,
    key_part,
    program_of,
)
from extramile._time import (
    DAY,
    EARLIEST,
    LATEST,
    UTC,
    Elapsed,
    Local,
    Schedule,
    add_local_days,
    local_date,
    local_day_start,
    zone,
)
from extramile.errors import ExtramileError, FactTypeError, describe
from extramile.kinds import CALL

__all__ = ["CandidatesOf", "candidates_of", "compiled_source"]

CandidatesOf = Callable[
    [Customer, Sequence[Interaction], float], tuple[list[Candidate], list[Interaction]]
]
"""The generated function: customer, checked history, ``now`` -> the candidate calls,
and the customer's outbound calls (which placement counts)."""

_TWO_DAYS: Final = dt.timedelta(days=2)
_MARGIN: Final = 2 * DAY
"""How far a number of local days can differ from as many 24-hour days."""
_TIME: Final = operator.attrgetter("ts")
_ZONES_KEPT: Final = 64
"""The most zones a policy's generated function keeps by name."""
_SERIAL: Final = itertools.count(1)
_STATES: Final = {
    "issue.opened": IssueState.OPEN.value,
    "issue.resolved": IssueState.RESOLVED.value,
    "issue.reopened": IssueState.REOPENED.value,
}
"""The kinds that set an issue's state, as :meth:`IssueThread.extend` reads them."""
_ATTRIBUTED: Final = frozenset({"issue.opened", "issue.updated", "issue.reopened"})
"""The kinds whose attributes become the issue's, as :meth:`IssueThread.extend` reads them."""


# ---------------------------------------------------------------------------------------
# The helpers the generated code calls, each as the generic path decides
# ---------------------------------------------------------------------------------------


def at_least(seen: Any, value: Any) -> bool:
    """``seen >= value``; a missing value or one of another sort never holds."""
    if seen is None:
        return False
    try:
        return bool(seen >= value)
    except TypeError:
        return False


def more_than(seen: Any, value: Any) -> bool:
    """``seen > value``, as :func:`at_least`."""
    if seen is None:
        return False
    try:
        return bool(seen > value)
    except TypeError:
        return False


def at_most(seen: Any, value: Any) -> bool:
    """``seen <= value``, as :func:`at_least`."""
    if seen is None:
        return False
    try:
        return bool(seen <= value)
    except TypeError:
        return False


def less_than(seen: Any, value: Any) -> bool:
    """``seen < value``, as :func:`at_least`."""
    if seen is None:
        return False
    try:
        return bool(seen < value)
    except TypeError:
        return False


def differs(seen: Any, value: Any) -> bool:
    """A value present, and other than ``value``."""
    return seen is not None and bool(seen != value)


def one_of(seen: Any, values: tuple[Any, ...]) -> bool:
    """A value present, and one of ``values``."""
    return seen is not None and seen in values


def tenure_at_least(customer: Customer, years: int, at: float, tz: dt.tzinfo) -> bool:
    """Whether ``customer`` had been one for ``years`` years at ``at``, by local dates
    (exactly only within two days of the anniversary), as ``tenure_at_least`` says."""
    since = customer.customer_since
    if since is None:
        return False
    due = anniversary(since, years)
    today = local_date(at, tz)
    if due + _TWO_DAYS <= today:
        return True
    if due >= today + _TWO_DAYS:
        return False
    return local_day_start(due, tz) <= at


def silent_for(last: float | None, days: int, tz: dt.tzinfo, at: float) -> bool:
    """Whether ``days`` local days passed from ``last`` (a contact) to ``at``."""
    return last is not None and add_local_days(last, days, tz) <= at


def given_up(deadline: float, days: int, tz: dt.tzinfo, now: float) -> bool:
    """Whether ``days`` local days after ``deadline`` came by ``now``: calendar
    arithmetic only when ``now`` is within a margin of the answer."""
    guess = deadline + days * DAY
    if guess - _MARGIN > now:
        return False
    if guess + _MARGIN <= now:
        return True
    return add_local_days(deadline, days, tz) <= now


def last_before_in(items: Sequence[Interaction], start: float) -> float | None:
    """The instant of the latest of ``items`` (in time order) strictly before ``start``."""
    before = bisect.bisect_left(items, start, key=_TIME)
    return items[before - 1].ts if before else None


def count_in(  # noqa: PLR0917  # a counting condition's arguments, in order
    items: Sequence[Interaction] | None,
    keep: Keep,
    at: float,
    within: Elapsed | Local,
    tz: dt.tzinfo,
    enough: int,
) -> int:
    """How many of ``items`` (oldest first, cut at ``at``) ``keep`` keeps in the window
    that ends at ``at``, counted no further than ``enough``; -1 for no issue: what a
    counting condition's compiled count says in a context."""
    if items is None:
        return -1
    if len(items) < enough:
        return 0
    return count_inside(items, keep, at, within, tz, enough=enough)


def since_last(
    items: Sequence[Interaction] | None,
    keep: Keep,
    at: float,
    within: Elapsed | Local,
    tz: dt.tzinfo,
) -> bool:
    """``since_last_contact``: one of ``items`` kept by ``at``, and none inside the window."""
    return count_in(items, keep, at, within, tz, 1) == 0 and (
        latest_kept(items or (), keep, at) is not None
    )


def reaches(  # noqa: PLR0917  # a counting condition's arguments, in order
    items: Sequence[Interaction] | None,
    keep: Keep,
    at: float,
    within: Elapsed | Local,
    tz: dt.tzinfo,
    needed: int,
    trigger: Interaction | None,
) -> bool:
    """``contacts(...).reaches(needed)``: the interaction at ``at`` (``trigger``, if
    there is one) is the one that first brought the count to ``needed``."""
    if items is None or len(items) < needed:
        return False
    # Fewer than ``needed`` in the window (counted loosely, as the scans bound it):
    # fewer since the last call too.
    reach = within.seconds if isinstance(within, Elapsed) else within.days * DAY + SLACK
    kinds, direction, channels = keep
    count = 0
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        ts = item.ts
        if ts > at:
            continue
        if ts + reach <= at:
            break
        if (
            (kinds is None or item.kind in kinds)
            and (direction is None or item.direction is direction)
            and (channels is None or item.channel in channels)
        ):
            count += 1
            if count >= needed:
                break
    if count < needed:
        return False
    found = first_reach(items, keep, at, within, tz, needed=needed)[0]
    return found is not None and found.ts == at and (trigger is None or trigger.id == found.id)


def thread_of(
    threads: dict[str, IssueThread], by_issue: dict[str, list[Interaction]], issue_id: str
) -> IssueThread:
    """The thread of the interactions on an issue, made when first read."""
    thread = threads.get(issue_id)
    if thread is None:
        thread = threads[issue_id] = IssueThread(issue_id)
        thread.extend(by_issue[issue_id])
    return thread


def issue_state(items: Sequence[Interaction], at: float | None) -> str:
    """The state of the issue whose interactions are ``items`` (in time order), as its
    thread would say up to ``at`` (all of them, for None): the latest that set one."""
    for item in reversed(items):
        state = _STATES.get(item.kind)
        if state is not None and (at is None or item.ts <= at):
            return state
    return IssueState.OPEN.value


def issue_attribute(items: Sequence[Interaction], name: str, at: float | None) -> Any:
    """The attribute ``name`` of the issue whose interactions are ``items`` (in time
    order), as its thread would say up to ``at`` (all of them, for None): the latest
    interaction that sets the issue's attributes and holds it says; None if none does."""
    for item in reversed(items):
        if item.kind in _ATTRIBUTED and (at is None or item.ts <= at):
            attributes = item.attributes
            if name in attributes:
                return attributes[name]
    return None


def key_of(customer_id: str, issue_id: str | None, rule: str, episode_id: str) -> str:
    """:func:`~extramile._engine.episodes.episode_key` of the raw customer id, in one call
    (``rule`` already a key's part): most ids need no escaping."""
    if "/" in customer_id or "%" in customer_id:
        customer_id = key_part(customer_id)
    if issue_id is not None and (issue_id == "-" or "/" in issue_id or "%" in issue_id):
        return episode_key(customer_id, issue_id, rule, episode_id)
    if "/" in episode_id or "%" in episode_id:
        episode_id = key_part(episode_id)
    if issue_id is None:
        return f"{customer_id}/-/{rule}/{episode_id}"
    return f"{customer_id}/{issue_id}/{rule}/{episode_id}"


def candidate(  # noqa: PLR0917  # the fields of a candidate, in order
    compiled: CompiledRule,
    key: str,
    issue_id: str | None,
    episode_id: str,
    due: float,
    deadline: float,
    extra_mile: bool,  # a field's value
    attempts: tuple[Interaction, ...],
    every: float,
) -> Candidate:
    """A candidate call, as the generic timing stage makes it."""
    cand = Candidate(compiled, compiled.rule, key, issue_id, episode_id, due, deadline, extra_mile)
    if attempts:
        cand.attempts = attempts
        cand.retry_due = attempts[-1].ts + every
    return cand


_HELPERS: Final[dict[str, object]] = {
    "CALL": CALL,
    "INBOUND": Direction.INBOUND,
    "OUTBOUND": Direction.OUTBOUND,
    "NO_BOUND": -math.inf,
    "UTC": UTC,
    "SCAN_AT_MOST": SCAN_AT_MOST,
    "EARLIEST": EARLIEST,
    "LATEST": LATEST,
    "RECENT_DAYS": RECENT_DAYS,
    "CallIndex": CallIndex,
    "Candidate": Candidate,
    "Context": Context,
    "ExtramileError": ExtramileError,
    "TriggerContext": TriggerContext,
    "add_local_days": add_local_days,
    "at_least": at_least,
    "at_most": at_most,
    "attr_day_start": attr_day_start,
    "candidate": candidate,
    "count_in": count_in,
    "condition_error": condition_error,
    "customer_zone": customer_zone,
    "differs": differs,
    "first_answer": first_answer,
    "given_up": given_up,
    "issue_attribute": issue_attribute,
    "issue_state": issue_state,
    "key_of": key_of,
    "last_before_in": last_before_in,
    "less_than": less_than,
    "more_than": more_than,
    "one_of": one_of,
    "reaches": reaches,
    "since_last": since_last,
    "silent_for": silent_for,
    "tenure_at_least": tenure_at_least,
    "thread_of": thread_of,
}


# ---------------------------------------------------------------------------------------
# Compiling, and keeping what was compiled
# ---------------------------------------------------------------------------------------


class _Generated:
    """A policy's generated function, with its source and file name."""

    __slots__ = ("filename", "function", "source")

    def __init__(self, policy: FollowUpPolicy, program: Program) -> None:
        names = Names()
        source = write(policy, program, names)
        filename = f"<extramile policy {policy.name!r} #{next(_SERIAL)}>"
        namespace: dict[str, Any] = dict(_HELPERS)
        namespace.update(names.values)
        namespace["schedule"] = policy.schedule
        namespace["anniversaries"] = _anniversaries_for(policy.schedule)
        namespace["ZONES"] = _zones_for(policy.schedule)
        exec(compile(source, filename, "exec"), namespace)  # our own source, from the policy
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        weakref.finalize(program, linecache.cache.pop, filename, None)
        self.source = source
        self.filename = filename
        self.function = cast("CandidatesOf", namespace["candidates_of"])


def _zones_for(schedule: Schedule) -> Memo[str | None, dt.tzinfo]:
    """By a customer's zone name (None: none of their own), the zone their local days
    are counted in, as :func:`~extramile._rules.customer_zone` says with the policy's
    schedule: one lookup for each customer."""
    staff = schedule.tz
    return Memo(lambda name: staff if name is None else zone(name), _ZONES_KEPT)


def _anniversaries_for(
    schedule: Schedule,
) -> Callable[[Anniversary, Customer, float, float], list[tuple[float, str]]]:
    """:func:`anniversaries` with the policy's schedule."""

    def anniversaries_of(
        trigger: Anniversary, customer: Customer, now: float, stale: float
    ) -> list[tuple[float, str]]:
        years, start = trigger.latest(customer, now, schedule, stale)
        if years <= 0 or start <= stale:
            return []
        return [(start, f"anniversary-{years}")]

    return anniversaries_of


def _generated(program: Program, policy: FollowUpPolicy) -> _Generated:
    found = program.generated
    if found is None:
        found = program.generated = _Generated(policy, program)
    return cast("_Generated", found)


def candidates_of(program: Program, policy: FollowUpPolicy) -> CandidatesOf:
    """The generated function of ``policy`` (whose compiled form ``program`` is), made
    on first use."""
    return _generated(program, policy).function


def compiled_source(policy: FollowUpPolicy) -> str:
    """The Python source :func:`~extramile.plan` runs for ``policy``'s rules: one
    function that makes a customer's candidate calls, written for this policy alone.

    For reading and debugging; the same source is what tracebacks from it show.

    >>> from extramile import starter_policy
    >>> source = compiled_source(starter_policy())
    >>> source.splitlines()[0]
    'def candidates_of(customer, history, now):'
    >>> "# Rule 1, 'duplicate-charge-callback'" in source
    True
    >>> source.splitlines()[-1].strip()
    'return candidates, calls'

    Raises:
        FactTypeError: ``policy`` is not a :class:`~extramile.FollowUpPolicy`.
    """
    if not isinstance(policy, FollowUpPolicy):
        raise FactTypeError(f"compiled_source() needs a FollowUpPolicy (got {describe(policy)})")
    return _generated(program_of(policy), policy).source

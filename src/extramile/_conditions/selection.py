"""Which interactions the counting conditions look at: :class:`ContactFilter`, a sort of
interaction (kinds, direction, channels, and the episode's issue or the whole customer),
and the window that ends when a condition is judged.

Theory of operation.  A window ends at ``ctx.now``, the moment the condition is judged,
and reaches back an ``Elapsed`` or ``Local`` duration: an interaction at ``t`` is inside
while ``t <= now < t + within``, where ``t + within`` in local days keeps the wall-clock
time across daylight-saving changes (``add_local_days``).  So each interaction *leaves*
the window at an instant of its own, and a count changes with time alone only when one
leaves: a count that needs ``n`` of the ``k`` inside falls short when the
``(k - n + 1)``-th leaves (:func:`flips_at`).  In local days a later interaction can
leave first (one in the second pass of a repeated hour leaves at its wall-clock time,
before an earlier one of the first pass), so the leave instants are sorted, not the
interactions.

:func:`inside` applies that definition to every interaction in scope that may still be
inside (those that must have left, as below, are passed over by bisection); ``check``,
``explain`` and ``changes_at`` use it.  :meth:`ContactFilter.counter` makes the fast
form the compiled conditions call for every episode: it walks the history (oldest first)
back from ``now``, and stops at the first interaction that has left (elapsed time) or
that lies so far back that it must have left (local days: no zone's clock ever moved by
as much as :data:`SLACK`), or once it has counted enough.

Imports: ``_memo``, ``_model``, ``_time``, ``errors`` (and this package's ``base``, ``context`` and
``timing``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Callable, Collection, Sequence
from typing import Final

import attrs

from extramile._conditions.base import kind_name
from extramile._conditions.context import Context
from extramile._conditions.timing import check_span, customer_zone
from extramile._memo import cache, keep
from extramile._model import Channel, Direction, Interaction
from extramile._time import DAY, UTC, Elapsed, Local, add_local_days
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe

__all__ = [
    "SLACK",
    "ContactFilter",
    "Counter",
    "Inside",
    "Keep",
    "contact_filter",
    "count_inside",
    "flips_at",
    "inside",
    "inside_count",
    "latest_kept",
    "leave_at",
    "reach_and_count",
    "run_start",
    "window_span",
]

ALL_CHANNELS: Final = frozenset(Channel)
_CHANNEL_NAMES: Final = {channel.value: channel for channel in Channel}
_SCOPES: Final = ("issue", "customer")
TIME: Final = operator.attrgetter("ts")
SLACK: Final = 3 * DAY
"""More than any zone's clock ever moved at once (Samoa skipped a day), with a gap's worth
to spare: an interaction further back than a window of local days plus this has left."""

Keep = tuple[frozenset[str] | None, Direction | None, frozenset[Channel] | None]
"""What a filter keeps, for the scans: kinds, direction, channels (None: any)."""
Inside = list[tuple[float, Interaction]]
"""The interactions inside a window, each with the instant it leaves, soonest first."""
Counter = Callable[[Context, int], int]
"""``count(ctx, enough)``: how many are inside the window (a number below ``enough``
says fewer than ``enough``), or -1 for the issue of an episode that is about none."""


@attrs.frozen(repr=False)
class ContactFilter:
    """A sort of interaction: of these kinds (any, if none), this direction (either, if
    None), these channels, in this scope (``"issue"``: the episode's issue; ``"customer"``:
    everything with the customer)."""

    kinds: frozenset[str]
    direction: Direction | None
    channels: frozenset[Channel]
    scope: str

    @property
    def keep(self) -> Keep:
        """What the scans test: kinds, direction and channels, None where any will do."""
        return (
            self.kinds or None,
            self.direction,
            None if self.channels == ALL_CHANNELS else self.channels,
        )

    def items(self, ctx: Context) -> Sequence[Interaction] | None:
        """The interactions in scope, oldest first; None for the issue of an episode that
        is about none."""
        if self.scope == "customer":
            return ctx.history
        return None if ctx.issue is None else ctx.issue.interactions

    def inside(self, ctx: Context, within: Elapsed | Local) -> Inside | None:
        """The interactions inside the window that ends at ``ctx.now`` (see :func:`inside`),
        or None for the issue of an episode that is about none."""
        items = self.items(ctx)
        if items is None:
            return None
        return inside(items, self.keep, ctx.now, within, customer_zone(ctx))

    def counter(self, within: Elapsed | Local) -> Counter:
        """The fast count, for compiled conditions (see :data:`Counter`)."""
        keep = self.keep
        by_issue = self.scope == "issue"
        local = isinstance(within, Local)

        def count(ctx: Context, enough: int) -> int:
            if by_issue:
                issue = ctx.issue
                if issue is None:
                    return -1
                items: Sequence[Interaction] = issue.interactions
            else:
                items = ctx.history
            if len(items) < enough:
                return 0
            tz = customer_zone(ctx) if local else UTC
            return count_inside(items, keep, ctx.now, within, tz, enough=enough)

        return count

    def where(self, ctx: Context) -> str:
        """Where it looked, for explanations: ``on issue 't-1'`` or ``with the customer``."""
        if self.scope == "customer" or ctx.issue is None:
            return "with the customer"
        return f"on issue {ctx.issue.id!r}"

    def arguments(self) -> list[str]:
        """The factory's arguments that build this filter again, as text."""
        parts = [repr(kind) for kind in sorted(self.kinds)]
        if self.direction is not None:
            parts.append(f"direction={self.direction.value!r}")
        if self.channels != ALL_CHANNELS:
            excluded = ALL_CHANNELS - self.channels
            if len(excluded) < len(self.channels):
                parts.append(f"exclude_channel={_channels_text(excluded)}")
            else:
                parts.append(f"channel={_channels_text(self.channels)}")
        if self.scope != "customer":
            parts.append(f"scope={self.scope!r}")
        return parts


def _channels_text(channels: frozenset[Channel]) -> str:
    values = sorted(channel.value for channel in channels)
    return repr(values[0]) if len(values) == 1 else repr(tuple(values))


def contact_filter(  # noqa: PLR0917  # a factory's own arguments, passed on in order
    where: str,
    kinds: tuple[str, ...],
    direction: object,
    channel: object,
    exclude_channel: object,
    scope: object,
) -> ContactFilter:
    """A filter from a factory's arguments, each checked; ``where`` names the factory.

    Raises:
        InvalidPolicyError: an unknown direction, channel or scope, no channel, or both
            ``channel`` and ``exclude_channel``.
        PolicyTypeError: a kind that is not a non-empty str, or channels that are
            neither a name nor a collection of names.
    """
    names = frozenset(kind_name(kind, f"{where} kind") for kind in kinds)
    way = None
    if direction is not None:
        try:
            way = Direction(direction)
        except ValueError:
            raise InvalidPolicyError(
                f"{where} direction must be 'inbound', 'outbound' or None"
                f" (got {describe(direction)})"
            ) from None
    if channel is not None and exclude_channel is not None:
        raise InvalidPolicyError(
            f"{where} takes channel or exclude_channel, not both"
            f" (got channel={channel!r}, exclude_channel={exclude_channel!r})"
        )
    channels = ALL_CHANNELS
    if channel is not None:
        channels = _channel_set(channel, f"{where} channel")
    elif exclude_channel is not None:
        channels = ALL_CHANNELS - _channel_set(exclude_channel, f"{where} exclude_channel")
        if not channels:
            raise InvalidPolicyError(f"{where} exclude_channel leaves no channel to count")
    if not isinstance(scope, str) or scope not in _SCOPES:
        raise InvalidPolicyError(
            f"{where} scope must be 'issue' or 'customer' (got {describe(scope)})"
        )
    return ContactFilter(kinds=names, direction=way, channels=channels, scope=str.__str__(scope))


def _channel_set(value: object, where: str) -> frozenset[Channel]:
    values = (value,) if isinstance(value, str) else value
    if not isinstance(values, Collection) or isinstance(values, dict):
        raise PolicyTypeError(
            f"{where} must be a channel name or a collection of them (got {describe(value)})"
        )
    if not values:
        raise InvalidPolicyError(f"{where} needs at least one channel (got {describe(value)})")
    found = set()
    for item in values:
        member = _CHANNEL_NAMES.get(str.__str__(item)) if isinstance(item, str) else None
        if member is None:
            allowed = ", ".join(map(repr, _CHANNEL_NAMES))
            raise InvalidPolicyError(
                f"{where} must name channels among {allowed} (got {describe(item)})"
            )
        found.add(member)
    return frozenset(found)


def window_span(value: object, where: str, *, empty: bool = False) -> Elapsed | Local:
    """``value``, checked to be an ``Elapsed`` or ``Local`` duration, and longer than zero
    unless ``empty``; ``where`` names it.

    Raises:
        PolicyTypeError: not such a duration.
        InvalidPolicyError: zero, where that is not allowed.
    """
    span = check_span(value, where)
    if not empty and not (span.seconds if isinstance(span, Elapsed) else span.days):
        raise InvalidPolicyError(f"{where} must be longer than zero (got {span!r})")
    return span


def leave_at(ts: float, within: Elapsed | Local, tz: dt.tzinfo) -> float:
    """The instant an interaction at ``ts`` leaves a window of ``within``.

    In local days, answers are kept in a bounded, pure memo: the explanations of a
    customer's episodes ask for the same interactions' instants again and again.

    >>> leave_at(0.0, Local(days=1), UTC)
    86400.0
    """
    if isinstance(within, Elapsed):
        return ts + within.seconds
    # By the zone's identity (a zone's hash may be slow to work out), the zone kept
    # with the answer so that its id stays its own while the entry lasts.
    key = (ts, within.days, id(tz))
    found = _LEAVES.get(key)
    if found is None or found[0] is not tz:
        found = keep(_LEAVES, key, (tz, add_local_days(ts, within.days, tz)), bound=16384)
    return found[1]


_LEAVES: Final[dict[tuple[float, int, int], tuple[dt.tzinfo, float]]] = cache("window leaves")


def inside(
    items: Sequence[Interaction], keep: Keep, now: float, within: Elapsed | Local, tz: dt.tzinfo
) -> Inside:
    """Each interaction of ``items`` (oldest first) that ``keep`` keeps, at or before
    ``now`` and not yet out of the window that ends at ``now``, with the instant it
    leaves, soonest first.

    Only the interactions that may still be inside are looked at: those so far back that
    they must have left (as :func:`count_inside` tells them) are found by bisection and
    passed over, so a long history costs no more than the window holds.

    >>> inside([], (None, None, None), 0.0, Local(days=7), UTC)
    []
    """
    end = len(items)
    if end and items[end - 1].ts > now:
        end = bisect.bisect_right(items, now, key=TIME)
    reach = within.seconds if isinstance(within, Elapsed) else within.days * DAY + SLACK
    first = bisect.bisect_right(items, now, 0, end, key=lambda item: item.ts + reach)
    kinds, direction, channels = keep
    found = [
        (leave_at(item.ts, within, tz), item)
        for item in items[first:end]
        if (kinds is None or item.kind in kinds)
        and (direction is None or item.direction is direction)
        and (channels is None or item.channel in channels)
    ]
    found = [(leave, item) for leave, item in found if leave > now]
    found.sort(key=operator.itemgetter(0))
    return found


def inside_count(
    items: Sequence[Interaction],
    keep: Keep,
    now: float,
    within: Elapsed | Local,
    tz: dt.tzinfo,
    *,
    stop: int | None = None,
) -> int:
    """``len(inside(items[:stop], keep, now, within, tz))``, without the list: for
    explanations, which say how many."""
    end = len(items) if stop is None else stop
    if end and items[end - 1].ts > now:
        end = bisect.bisect_right(items, now, 0, end, key=TIME)
    reach = within.seconds if isinstance(within, Elapsed) else within.days * DAY + SLACK
    first = bisect.bisect_right(items, now, 0, end, key=lambda item: item.ts + reach)
    kinds, direction, channels = keep
    count = 0
    for index in range(first, end):
        item = items[index]
        if (
            (kinds is None or item.kind in kinds)
            and (direction is None or item.direction is direction)
            and (channels is None or item.channel in channels)
            and leave_at(item.ts, within, tz) > now
        ):
            count += 1
    return count


_CALL: Final = "call"  # extramile.kinds.CALL, which this package may not import
_REACHED: Final = "reached"  # extramile.REACHED: an outcome that reached the customer


def run_start(items: Sequence[Interaction], end: int) -> int:
    """The index after the last outbound call among ``items[:end]`` that reached the
    customer (outcome ``"reached"`` or none), or 0: where a run of contacts begins."""
    for index in range(end - 1, -1, -1):
        item = items[index]
        if (
            item.kind == _CALL
            and item.direction is Direction.OUTBOUND
            and (item.outcome is None or item.outcome == _REACHED)
        ):
            return index + 1
    return 0


def reach_and_count(
    items: Sequence[Interaction],
    keep: Keep,
    now: float,
    within: Elapsed | Local,
    tz: dt.tzinfo,
    *,
    needed: int,
) -> tuple[Interaction | None, Interaction | None, int]:
    """What ``first_reach`` of :mod:`extramile._conditions.counting` answers, and how
    many of the interactions ``keep`` keeps are inside the window ending at ``now`` (as
    :func:`inside_count` tells), in one pass: for an explanation, which says both.  The
    count is 0 when one before ``now`` reached ``needed`` (the explanation does not say
    it then)."""
    end = bisect.bisect_right(items, now, key=TIME) if items and items[-1].ts > now else len(items)
    start = run_start(items, end)
    call = items[start - 1] if start else None
    kinds, direction, channels = keep
    leaves: list[float] = []
    reaching: Interaction | None = None
    count = 0
    for index in range(start, end):
        item = items[index]
        if (
            (kinds is None or item.kind in kinds)
            and (direction is None or item.direction is direction)
            and (channels is None or item.channel in channels)
        ):
            ts = item.ts
            leave = leave_at(ts, within, tz)
            if leave > now:
                count += 1
            if reaching is None:
                for left in leaves:
                    if left <= ts:  # (rarely: most windows outlast a run of contacts)
                        leaves = [left for left in leaves if left > ts]
                        break
                leaves.append(leave)
                if len(leaves) >= needed:
                    reaching = item
                    if ts != now:
                        return reaching, call, 0
    if start:  # the window's interactions before the run
        count += inside_count(items, keep, now, within, tz, stop=start)
    return reaching, call, count


def flips_at(found: Inside, needed: int) -> float | None:
    """When "at least ``needed`` of ``found`` (soonest to leave first)" stops holding, or
    None if it does not hold: that is when such a count could change with time alone."""
    have = len(found)
    return found[have - needed][0] if have >= needed else None


def count_inside(
    items: Sequence[Interaction],
    keep: Keep,
    now: float,
    within: Elapsed | Local,
    tz: dt.tzinfo,
    *,
    enough: int,
) -> int:
    """How many of ``items`` (oldest first) ``keep`` keeps inside the window that ends at
    ``now``, counting no further than ``enough``: the fast form of ``len(inside(...))``."""
    end = len(items)
    if end and items[end - 1].ts > now:
        end = bisect.bisect_right(items, now, key=TIME)
    kinds, direction, channels = keep
    count = 0
    if isinstance(within, Elapsed):
        seconds = within.seconds
        for index in range(end - 1, -1, -1):
            item = items[index]
            if item.ts + seconds <= now:  # in time order: every earlier one has left too
                break
            if (
                (kinds is None or item.kind in kinds)
                and (direction is None or item.direction is direction)
                and (channels is None or item.channel in channels)
            ):
                count += 1
                if count >= enough:
                    break
        return count
    days = within.days
    reach = days * DAY + SLACK
    for index in range(end - 1, -1, -1):
        item = items[index]
        ts = item.ts
        if ts + reach <= now:
            break
        if (
            (kinds is None or item.kind in kinds)
            and (direction is None or item.direction is direction)
            and (channels is None or item.channel in channels)
            and add_local_days(ts, days, tz) > now
        ):
            count += 1
            if count >= enough:
                break
    return count


def latest_kept(items: Sequence[Interaction], keep: Keep, now: float) -> Interaction | None:
    """The latest of ``items`` (oldest first) that ``keep`` keeps, at or before ``now``."""
    kinds, direction, channels = keep
    for item in reversed(items):
        if (
            item.ts <= now
            and (kinds is None or item.kind in kinds)
            and (direction is None or item.direction is direction)
            and (channels is None or item.channel in channels)
        ):
            return item
    return None

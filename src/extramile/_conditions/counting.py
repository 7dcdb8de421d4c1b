"""Built-in conditions that count interactions of a sort within a window that ends when
the condition is judged: how many came (``contacts(...) >= 3``, and the older
``count_at_least``), that none came (``no_contact``), and that the last one came long
enough ago (``since_last_contact``).

>>> from extramile._time import Local
>>> no_contact("call", direction="outbound", within=Local(days=7))
no_contact('call', direction='outbound', within=Local(days=7))

Which interactions they look at, and when each leaves a window, is the job of
:mod:`extramile._conditions.selection`: ``check``, ``explain`` and ``changes_at`` ask it
for every interaction inside the window, by definition; ``compiled()`` for its fast count.

Imports: ``_memo``, ``_model``, ``_time``, ``errors`` (and this package's ``base``, ``context``,
``selection`` and ``timing``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Collection, Sequence
from typing import ClassVar, Final, Literal

import attrs

from extramile._conditions.base import Condition, kind_name, remembered_repr
from extramile._conditions.context import Check, Context
from extramile._conditions.selection import (
    TIME,
    ContactFilter,
    Inside,
    Keep,
    contact_filter,
    flips_at,
    latest_kept,
    leave_at,
    reach_and_count,
    run_start,
    window_span,
)
from extramile._conditions.timing import check_span, customer_zone
from extramile._memo import cache, keep
from extramile._model import Channel, Direction, Interaction
from extramile._time import UTC, Elapsed, Local, from_ts
from extramile.errors import (
    LONGEST_INT,
    InvalidPolicyError,
    PolicyTypeError,
    describe,
    shown,
    too_long,
)

__all__ = [
    "ChannelSpec",
    "Contacts",
    "ContactsAtLeast",
    "ContactsReach",
    "CountAtLeast",
    "NoContact",
    "SinceLastContact",
    "contacts",
    "count_at_least",
    "first_reach",
    "no_contact",
    "since_last_contact",
]

ChannelSpec = str | Channel | Collection[str | Channel] | None
"""One channel, or several (a tuple, list or set), or None."""
DirectionSpec = Literal["inbound", "outbound"] | Direction | None
Scope = Literal["issue", "customer"]


def _plural(count: int) -> str:
    return f"{count} such interaction{'' if count == 1 else 's'}"


_UTC_TEXTS: Final[dict[float, str]] = cache("condition instants")
"""The text of each instant the explanations name, as ``str()`` of its UTC DateTime."""


def _utc(ts: float) -> str:
    """``ts`` as an explanation names it: ``2026-03-02 09:00:00+00:00``."""
    text = _UTC_TEXTS.get(ts)
    if text is None:
        text = keep(_UTC_TEXTS, ts, str(from_ts(ts, UTC)), bound=8192)
    return text


def _span(within: Elapsed | Local, ctx: Context) -> str:
    return f"{_window_words(within)}{_utc(ctx.now)}"


def _window_words(within: Elapsed | Local) -> str:
    """The words before the end of a window: ``"in the 10 local days up to "``."""
    return f"in the {within} up to "


def _latest(found: Inside) -> str:
    latest = max((item for _, item in found), key=lambda item: item.ts)
    return f"the latest: {latest.kind!r} at {_utc(latest.ts)}"


def _call(name: str, filter_: ContactFilter, last: str) -> str:
    return f"{name}({', '.join([*filter_.arguments(), last])})"


@attrs.frozen(repr=False, order=False)  # its comparison operators build conditions instead
class Contacts:
    """The interactions of a sort within a window that ends when the condition is judged;
    compare it with a whole number to get a condition: ``contacts(...) >= 3``.

    ``>= n`` and ``> n`` hold with at least ``n`` (``n + 1``) of them; ``< n`` and
    ``<= n`` are their negations, ``~(contacts(...) >= n)`` (``~(... >= n + 1)``).
    """

    filter: ContactFilter
    within: Elapsed | Local

    condition_hint: ClassVar[str] = "compare contacts(...) with a number first: >= 3, < 1"

    def _at_least(self, count: object, op: str, shift: int) -> ContactsAtLeast:
        if isinstance(count, bool) or not isinstance(count, int):
            raise PolicyTypeError(f"{self!r} {op} needs a whole number (got {describe(count)})")
        if too_long(count):
            raise InvalidPolicyError(
                f"{self!r} {op} needs a count of at most {LONGEST_INT} digits"
                f" (got {describe(count)})"
            )
        if count + shift < 1:
            raise InvalidPolicyError(
                f"{self!r} {op} {count} is {'always' if op[0] == '>' else 'never'} true:"
                f" compare with {1 - shift} or more"
            )
        return ContactsAtLeast(contacts=self, count=count + shift)

    def __ge__(self, count: int) -> Condition:
        return self._at_least(count, ">=", 0)

    def __gt__(self, count: int) -> Condition:
        return self._at_least(count, ">", 1)

    def __lt__(self, count: int) -> Condition:
        return ~self._at_least(count, "<", 0)

    def __le__(self, count: int) -> Condition:
        return ~self._at_least(count, "<=", 1)

    def reaches(self, count: int) -> Condition:
        """The condition that holds at the one interaction that brought the count to
        ``count``, the first time since the last outbound call in scope that reached the
        customer: the third contact of a run, but not the fourth, nor a later third as
        the window slides, until a call gets through and a new run begins.

        Raises:
            PolicyTypeError: ``count`` is not a whole number.
            InvalidPolicyError: ``count`` is below 1.
        """
        if isinstance(count, bool) or not isinstance(count, int):
            raise PolicyTypeError(
                f"{self!r}.reaches() needs a whole number (got {describe(count)})"
            )
        if count < 1:
            raise InvalidPolicyError(f"{self!r}.reaches() needs 1 or more (got {shown(count)})")
        if too_long(count):
            raise InvalidPolicyError(
                f"{self!r}.reaches() needs a count of at most {LONGEST_INT} digits"
                f" (got {describe(count)})"
            )
        return ContactsReach(contacts=self, count=count)

    @remembered_repr
    def __repr__(self) -> str:
        return _call("contacts", self.filter, f"within={self.within!r}")


@attrs.frozen(repr=False)
class ContactsAtLeast(Condition):
    """At least ``count`` of the interactions ``contacts`` selects."""

    contacts: Contacts
    count: int

    def check(self, ctx: Context) -> bool:
        found = self.contacts.filter.inside(ctx, self.contacts.within)
        return found is not None and len(found) >= self.count

    def compiled(self) -> Check:
        count = self.contacts.filter.counter(self.contacts.within)
        needed = self.count

        def contacts_at_least(ctx: Context) -> bool:
            return count(ctx, needed) >= needed

        return contacts_at_least

    def explain(self, ctx: Context) -> str:
        window = self.contacts
        found = window.filter.inside(ctx, window.within)
        if found is None:
            return f"{self!r} failed: the episode is not about an issue"
        verdict = "held" if len(found) >= self.count else "failed"
        return (
            f"{self!r} {verdict}: {_plural(len(found))} {window.filter.where(ctx)}"
            f" {_span(window.within, ctx)}"
        )

    def changes_at(self, ctx: Context) -> float | None:
        found = self.contacts.filter.inside(ctx, self.contacts.within)
        return None if found is None else flips_at(found, self.count)

    def _binds_loosely(self) -> bool:
        return True

    @remembered_repr
    def __repr__(self) -> str:
        return f"{self.contacts!r} >= {self.count}"


def first_reach(
    items: Sequence[Interaction],
    keep: Keep,
    now: float,
    within: Elapsed | Local,
    tz: dt.tzinfo,
    *,
    needed: int,
) -> tuple[Interaction | None, Interaction | None]:
    """The interaction of ``items`` (oldest first, up to ``now``) that first brought the
    count of those ``keep`` keeps within the window ending at it to ``needed``, since
    the last outbound call that reached the customer; and that call (None for either if
    there is none).  Interactions at one instant count in the order of ``items``."""
    end = bisect.bisect_right(items, now, key=TIME) if items and items[-1].ts > now else len(items)
    start = run_start(items, end)
    kinds, direction, channels = keep
    leaves: list[float] = []
    for index in range(start, end):
        item = items[index]
        if (
            (kinds is None or item.kind in kinds)
            and (direction is None or item.direction is direction)
            and (channels is None or item.channel in channels)
        ):
            ts = item.ts
            # One that has left by ``ts`` has left for every later one too: before the
            # count reaches ``needed`` fewer than that stay listed.
            leaves = [leave for leave in leaves if leave > ts]
            leaves.append(leave_at(ts, within, tz))
            if len(leaves) >= needed:
                return item, items[start - 1] if start else None
    return None, items[start - 1] if start else None


@attrs.frozen(repr=False)
class ContactsReach(Condition):
    """The interaction at the moment judged (the trigger, when the episode has one) is
    the one that first brought the count of ``contacts`` to ``count`` since the last
    outbound call in scope that reached the customer."""

    contacts: Contacts
    count: int

    def _reaching(self, ctx: Context) -> tuple[Interaction | None, Interaction | None]:
        window = self.contacts
        items = window.filter.items(ctx)
        if items is None:
            return None, None
        return first_reach(
            items, window.filter.keep, ctx.now, window.within, customer_zone(ctx), needed=self.count
        )

    @staticmethod
    def _is_now(ctx: Context, found: Interaction | None) -> bool:
        if found is None or found.ts != ctx.now:
            return False
        trigger = ctx.trigger
        return trigger is None or trigger.id == found.id

    def check(self, ctx: Context) -> bool:
        return self._is_now(ctx, self._reaching(ctx)[0])

    def compiled(self) -> Check:
        count = self.contacts.filter.counter(self.contacts.within)
        needed = self.count
        reaching = self._reaching
        is_now = self._is_now

        def contacts_reach(ctx: Context) -> bool:
            # Fewer than ``needed`` inside the window at all: fewer since the last call too.
            if count(ctx, needed) < needed:
                return False
            return is_now(ctx, reaching(ctx)[0])

        return contacts_reach

    def explain(self, ctx: Context) -> str:
        return self._explained(ctx, failed_only=False) or ""

    def _explain_failed(self, ctx: Context) -> str | None:
        return self._explained(ctx, failed_only=True)

    def _explained(self, ctx: Context, *, failed_only: bool) -> str | None:
        """The explanation; None instead if the condition held and ``failed_only``.
        The interaction that reached the count is looked for once."""
        _, shown, keep, span = _reach_parts(self)
        window = self.contacts
        # (ContactFilter.items and .where, with the issue read once)
        if window.filter.scope == "customer":
            items: Sequence[Interaction] = ctx.history
            where = "with the customer"
        else:
            issue = ctx.issue
            if issue is None:
                return f"{shown} failed: the episode is not about an issue"
            items = issue.interactions
            where = f"on issue {issue.id!r}"
        now, needed = ctx.now, self.count
        reaching, call, inside = reach_and_count(
            items, keep, now, window.within, customer_zone(ctx), needed=needed
        )
        held = self._is_now(ctx, reaching)
        if held and failed_only:
            return None
        if call is not None:
            where += f" since the call that reached the customer at {_utc(call.ts)}"
        if reaching is not None and not held:
            return (
                f"{shown} failed: {reaching.kind!r} at {_utc(reaching.ts)} made"
                f" {needed} {where} already, and no call has reached the customer since"
            )
        counted = f"{_plural(inside)} {span}{_utc(now)}"  # (_span, its words kept)
        if held:
            return f"{shown} held: this interaction made {needed} {where}, {counted}"
        return f"{shown} failed: fewer than {needed} {where}, {counted}"

    def changes_at(self, ctx: Context) -> float | None:
        # It holds only at the instant of the interaction that reached the count: from
        # the next instant on it fails; and only a new interaction makes it hold.
        return math.nextafter(ctx.now, math.inf) if self.check(ctx) else None

    @remembered_repr
    def __repr__(self) -> str:
        return f"{self.contacts!r}.reaches({self.count})"


_REACH_PARTS: Final[dict[int, tuple[ContactsReach, str, Keep, str]]] = cache("reach texts")
"""For each ``reaches(n)`` explained, by its id: the condition (so that the id stays its
own while the entry lasts), its repr, what its filter keeps, and the words that name its
window (``"in the 10 local days up to "``)."""


def _reach_parts(condition: ContactsReach) -> tuple[ContactsReach, str, Keep, str]:
    """What every explanation of ``condition`` says and reads, worked out once and kept
    (the condition is frozen): its explanations, one for each episode of a rule, would
    otherwise ask each piece again."""
    found = _REACH_PARTS.get(id(condition))
    if found is None or found[0] is not condition:
        window = condition.contacts
        parts = (condition, repr(condition), window.filter.keep, _window_words(window.within))
        found = keep(_REACH_PARTS, id(condition), parts, bound=1024)
    return found


def contacts(
    *kinds: str,
    direction: DirectionSpec = None,
    channel: ChannelSpec = None,
    exclude_channel: ChannelSpec = None,
    scope: Scope = "customer",
    within: Elapsed | Local,
) -> Contacts:
    """The interactions of a sort in the ``within`` up to the moment the condition is
    judged; compare with a whole number to get a condition.

    >>> contacts(direction="inbound", scope="issue", within=Local(days=10)) >= 3
    contacts(direction='inbound', scope='issue', within=Local(days=10)) >= 3

    Args:
        kinds: the kinds to count; any kind if none are named.
        direction: ``"inbound"`` or ``"outbound"``; either if None.
        channel: the channel, or channels, to count; any if None.
        exclude_channel: the channel, or channels, not to count (instead of ``channel``).
        scope: ``"customer"`` (everything with the customer) or ``"issue"`` (the
            episode's issue; nothing, for an episode that is about none).
        within: how far back the window reaches, ``Elapsed`` or ``Local``.  An
            interaction at the moment the condition is judged counts; one exactly
            ``within`` before it no longer does.

    Raises:
        InvalidPolicyError: an unknown direction, channel or scope, both ``channel`` and
            ``exclude_channel``, or an empty window; compared with a number that makes
            the condition always or never true.
        PolicyTypeError: a kind that is not a non-empty str, ``within`` not an ``Elapsed``
            or ``Local`` duration, or a comparison with anything but a whole number.
    """
    where = "contacts()"
    return Contacts(
        filter=contact_filter(where, kinds, direction, channel, exclude_channel, scope),
        within=window_span(within, f"{where} within"),
    )


@attrs.frozen(repr=False)
class NoContact(Condition):
    """No interaction of the sort ``filter`` selects in the ``within`` up to now."""

    filter: ContactFilter
    within: Elapsed | Local

    def check(self, ctx: Context) -> bool:
        return not self.filter.inside(ctx, self.within)

    def compiled(self) -> Check:
        count = self.filter.counter(self.within)

        def no_contact(ctx: Context) -> bool:
            return count(ctx, 1) <= 0

        return no_contact

    def explain(self, ctx: Context) -> str:
        found = self.filter.inside(ctx, self.within)
        if found is None:
            return f"{self!r} held: the episode is not about an issue"
        seen = f"{self.filter.where(ctx)} {_span(self.within, ctx)}"
        if not found:
            return f"{self!r} held: none {seen}"
        return f"{self!r} failed: {_plural(len(found))} {seen}, {_latest(found)}"

    def changes_at(self, ctx: Context) -> float | None:
        return flips_at(self.filter.inside(ctx, self.within) or [], 1)

    @remembered_repr
    def __repr__(self) -> str:
        return _call("no_contact", self.filter, f"within={self.within!r}")


def no_contact(
    *kinds: str,
    direction: DirectionSpec = None,
    channel: ChannelSpec = None,
    exclude_channel: ChannelSpec = None,
    scope: Scope = "customer",
    within: Elapsed | Local,
) -> Condition:
    """No interaction of this sort in the ``within`` up to the moment the condition is
    judged; it holds if there was never one.  The arguments are those of
    :func:`contacts`.

    Raises:
        InvalidPolicyError: as :func:`contacts`.
        PolicyTypeError: as :func:`contacts`.
    """
    where = "no_contact()"
    return NoContact(
        filter=contact_filter(where, kinds, direction, channel, exclude_channel, scope),
        within=window_span(within, f"{where} within"),
    )


@attrs.frozen(repr=False)
class SinceLastContact(Condition):
    """There was an interaction of the sort ``filter`` selects, and none in the
    ``at_least`` up to now."""

    filter: ContactFilter
    at_least: Elapsed | Local

    def _latest(self, ctx: Context) -> Interaction | None:
        items = self.filter.items(ctx)
        return None if items is None else latest_kept(items, self.filter.keep, ctx.now)

    def check(self, ctx: Context) -> bool:
        return self._latest(ctx) is not None and not self.filter.inside(ctx, self.at_least)

    def compiled(self) -> Check:
        count = self.filter.counter(self.at_least)
        items, keep = self.filter.items, self.filter.keep

        def since_last_contact(ctx: Context) -> bool:
            # Zero inside (not -1, no issue): then there is a scope to look back in.
            return count(ctx, 1) == 0 and latest_kept(items(ctx) or (), keep, ctx.now) is not None

        return since_last_contact

    def explain(self, ctx: Context) -> str:
        found = self.filter.inside(ctx, self.at_least)
        if found is None:
            return f"{self!r} failed: the episode is not about an issue"
        where = self.filter.where(ctx)
        latest = self._latest(ctx)
        if latest is None:
            return f"{self!r} failed: there was no such interaction {where}"
        if found:
            return (
                f"{self!r} failed: {_plural(len(found))} {where}"
                f" {_span(self.at_least, ctx)}, {_latest(found)}"
            )
        return (
            f"{self!r} held: the latest such interaction {where}: {latest.kind!r}"
            f" at {_utc(latest.ts)}"
        )

    def changes_at(self, ctx: Context) -> float | None:
        return flips_at(self.filter.inside(ctx, self.at_least) or [], 1)

    @remembered_repr
    def __repr__(self) -> str:
        return _call("since_last_contact", self.filter, f"at_least={self.at_least!r}")


def since_last_contact(
    *kinds: str,
    direction: DirectionSpec = None,
    channel: ChannelSpec = None,
    exclude_channel: ChannelSpec = None,
    scope: Scope = "customer",
    at_least: Elapsed | Local,
) -> Condition:
    """There was an interaction of this sort, and the last was at least ``at_least``
    before the moment the condition is judged; it fails if there was never one.  The
    other arguments are those of :func:`contacts`; ``at_least`` may be zero ("there was
    one").

    >>> since_last_contact(direction="inbound", at_least=Elapsed(hours=48))
    since_last_contact(direction='inbound', at_least=Elapsed(days=2))

    Raises:
        InvalidPolicyError: as :func:`contacts`.
        PolicyTypeError: as :func:`contacts`.
    """
    where = "since_last_contact()"
    return SinceLastContact(
        filter=contact_filter(where, kinds, direction, channel, exclude_channel, scope),
        at_least=window_span(at_least, f"{where} at_least", empty=True),
    )


@attrs.frozen(repr=False)
class CountAtLeast(Condition):
    """At least ``count`` interactions of ``kind`` within ``within`` before now: the
    same count as ``contacts(kind, within=within) >= count``, with a repr of its own."""

    kind: str
    count: int
    within: Elapsed | Local

    @property
    def _filter(self) -> ContactFilter:
        return contact_filter("count_at_least()", (self.kind,), None, None, None, "customer")

    def _inside(self, ctx: Context) -> Inside:
        return self._filter.inside(ctx, self.within) or []

    def check(self, ctx: Context) -> bool:
        return len(self._inside(ctx)) >= self.count

    def compiled(self) -> Check:
        count = self._filter.counter(self.within)
        needed = self.count

        def count_at_least(ctx: Context) -> bool:
            return count(ctx, needed) >= needed

        return count_at_least

    def explain(self, ctx: Context) -> str:
        verdict = "held" if self.check(ctx) else "failed"
        return f"{self!r} {verdict}: {_plural(len(self._inside(ctx)))}"

    def changes_at(self, ctx: Context) -> float | None:
        return flips_at(self._inside(ctx), self.count)

    @remembered_repr
    def __repr__(self) -> str:
        return f"count_at_least({self.kind!r}, {self.count}, within={self.within!r})"


def count_at_least(kind: str, count: int, *, within: Elapsed | Local) -> Condition:
    """At least ``count`` interactions of ``kind`` in the ``within`` before now.

    ``contacts(kind, within=within) >= count`` counts the same, and can also filter by
    direction and channel, and count on the episode's issue alone.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1 or too_long(count):
        raise InvalidPolicyError(
            f"count_at_least() count must be >= 1, of at most {LONGEST_INT} digits"
            f" (got {describe(count)})"
        )
    return CountAtLeast(
        kind=kind_name(kind, "count_at_least() kind"),
        count=count,
        within=check_span(within, "count_at_least() within"),
    )

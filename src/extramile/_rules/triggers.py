"""Triggers: what starts an episode of a rule.

:class:`On` (interactions of given kinds), :class:`LastContact` (the latest interaction in
scope) and :class:`Anniversary` (each yearly anniversary of ``customer_since``), with the
memo that lets most customers' anniversaries be ruled out from a few dates.

Imports: ``_rules.timing``, ``_conditions``, ``_memo``, ``_model``, ``_time``, ``errors``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final, Literal, NamedTuple

import attrs

from extramile._conditions import anniversary
from extramile._memo import Memo
from extramile._model import Customer, Direction, kind_problem
from extramile._rules.timing import customer_zone
from extramile._time import EARLIEST, LATEST, Schedule, local_date, local_day_start
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe

__all__ = ["RECENT_DAYS", "Anniversary", "LastAnniversary", "LastContact", "On", "Trigger"]


@attrs.frozen(repr=False, init=False)
class On:
    """Every interaction of these kinds starts an episode (optionally only one direction).

    >>> On("billing.duplicate_charge")
    On('billing.duplicate_charge')
    """

    kinds: frozenset[str]
    direction: Direction | None

    def __init__(
        self, *kinds: str, direction: Literal["inbound", "outbound"] | Direction | None = None
    ) -> None:
        if not kinds:
            raise InvalidPolicyError("On() needs at least one interaction kind")
        for kind in kinds:
            if not isinstance(kind, str) or not kind.strip():
                raise PolicyTypeError(f"On() kinds must be non-empty str (got {describe(kind)})")
            problem = kind_problem(kind)
            if problem is not None:  # no interaction could have it: it would never match
                raise InvalidPolicyError(f"On() kind {problem} (got {describe(kind)})")
        try:
            chosen = None if direction is None else Direction(direction)
        except ValueError:
            raise InvalidPolicyError(
                f"On() direction must be 'inbound' or 'outbound' (got {describe(direction)})"
            ) from None
        self.__attrs_init__(kinds=frozenset(kinds), direction=chosen)

    def __repr__(self) -> str:
        kinds = ", ".join(map(repr, sorted(self.kinds)))
        if self.direction is not None:
            return f"On({kinds}, direction={self.direction.value!r})"
        return f"On({kinds})"

    def describe(self) -> str:
        """Readable."""
        side = f"{self.direction.value} " if self.direction is not None else ""
        return f"{side}{' or '.join(sorted(self.kinds))} interaction"


@attrs.frozen(repr=False)
class LastContact:
    """The latest interaction in scope (on each issue, or with the customer) starts an
    episode; a newer interaction starts a new one."""

    def __repr__(self) -> str:
        return "LastContact()"

    def describe(self) -> str:
        """Readable."""
        return "contact"


class LastAnniversary(NamedTuple):
    """The latest anniversary at or before an instant: how many years, and the POSIX
    seconds its local day starts at (``years`` 0: none)."""

    years: int
    start: float


_NO_ANNIVERSARY: Final = LastAnniversary(0, 0.0)


@attrs.frozen(repr=False)
class Anniversary:
    """Each yearly anniversary of ``customer_since`` starts an episode at the start of that
    local day."""

    def __repr__(self) -> str:
        return "Anniversary()"

    def describe(self) -> str:
        """Readable."""
        return "anniversary of customer_since"

    def latest(
        self, customer: Customer, now: float, schedule: Schedule, after: float = -math.inf
    ) -> LastAnniversary:
        """The latest anniversary at or before ``now`` (years 0: none).

        With ``after``, an anniversary that started at or before it may also be answered
        as none: most customers' anniversaries are far from ``now``, and a few dates
        tell so without working out when any day starts.
        """
        since = customer.customer_since
        if since is None:
            return _NO_ANNIVERSARY
        # Only where dates two days off can be written (a rule given up after a million
        # days has its bound before the year 1).
        if (
            EARLIEST < after < LATEST
            and now < LATEST
            and (since.month, since.day) not in RECENT_DAYS[after, now]
        ):
            return _NO_ANNIVERSARY
        tz = customer_zone(customer, schedule)
        years = local_date(now, tz).year - since.year
        while years > 0:
            start = local_day_start(anniversary(since, years), tz)
            if start <= now:
                return LastAnniversary(years, start)
            years -= 1
        return _NO_ANNIVERSARY

    def next_after(self, customer: Customer, now: float, schedule: Schedule) -> float | None:
        """The start of the first anniversary after ``now``."""
        since = customer.customer_since
        if since is None:
            return None
        years = self.latest(customer, now, schedule).years
        tz = customer_zone(customer, schedule)
        return local_day_start(anniversary(since, years + 1), tz)


Trigger = On | LastContact | Anniversary
"""What a rule's ``trigger`` may be."""


def _recent_days(span: tuple[float, float]) -> frozenset[tuple[int, int]]:
    """The (month, day) of every date on which a day could start after the first
    instant of ``span`` and by the second, in any zone: their UTC dates with two days to
    spare on each side (a local date is within a day of the UTC one; and one to spare,
    as Apia lived one date twice in 1892).  Every date of the year when that spans a
    year, and 29 February always (its anniversaries fall on 28 February in common
    years)."""
    first = dt.datetime.fromtimestamp(span[0], dt.timezone.utc).date() - _SPARE_DAYS
    last = dt.datetime.fromtimestamp(span[1], dt.timezone.utc).date() + _SPARE_DAYS
    if (last - first).days >= _YEAR_DAYS:
        return _EVERY_DAY
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset({(2, 29), *((day.month, day.day) for day in days)})


_SPARE_DAYS: Final = dt.timedelta(days=2)
_YEAR_DAYS: Final = 365
_EVERY_DAY: Final = frozenset(
    (day.month, day.day) for day in (dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(366))
)
RECENT_DAYS: Final[Memo[tuple[float, float], frozenset[tuple[int, int]]]] = Memo(
    _recent_days, 64, name="recent anniversary days"
)
"""By (after, now), the (month, day) on which an anniversary may have started after
``after`` and by ``now``: the engine asks for one ``now`` and a few rules' stale instants."""

"""The three kinds of duration: :class:`Elapsed`, :class:`Local` and :class:`Business`.

extramile keeps three kinds of time apart, each its own type, never a bare number:

* :class:`Elapsed` -- exact seconds.  168 hours is 168 hours, whatever the clocks do.
* :class:`Local` -- calendar days in a timezone.  Adding a day keeps the wall-clock time,
  across daylight-saving changes; a wall-clock time that does not exist that day moves
  forward by the gap, an ambiguous one takes its first occurrence.
* :class:`Business` -- time counted only while a :class:`~extramile.Schedule` is open;
  holidays and closed hours do not count.

This module holds the values and their validation only: the arithmetic lives with the
calendar (:mod:`extramile._time.calendar`) and the schedule
(:mod:`extramile._time.schedule`).

Imports: ``_time.zones``, ``errors``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import attrs

from extramile._time.zones import DAY
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe, shown, too_long

__all__ = ["CENTURY", "Business", "Duration", "Elapsed", "Local", "relative"]

_UNITS: Final = (("weeks", 7 * DAY), ("days", DAY), ("hours", 3600), ("minutes", 60))


def _amount(value: object, cls: str, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PolicyTypeError(f"{cls}.{unit} must be a number (got {describe(value)})")
    if too_long(value) and value > 0:  # too large to be a float, let alone a century
        raise InvalidPolicyError(
            f"{cls} must be at most a century ({CENTURY} days) (got {cls}.{unit}"
            f" = {describe(value)})"
        )
    if too_long(value) or not math.isfinite(value) or value < 0:
        raise InvalidPolicyError(
            f"{cls}.{unit} must be a finite number of zero or more (got {shown(value)});"
            " durations are never negative: say 'before' with the anchor instead"
        )
    return value


def _whole(value: object, cls: str, unit: str) -> int:
    amount = _amount(value, cls, unit)
    if amount != int(amount):
        raise InvalidPolicyError(f"{cls}.{unit} must be a whole number (got {value!r})")
    return int(amount)


CENTURY: Final = 36_525
"""The longest duration, in days: more is a mistake (a give-up time of ``None`` says
"never"), and would take times past the calendar's end."""


def _at_most_a_century(days: float, cls: str, given: str) -> None:
    if not days <= CENTURY:  # also catches an infinite total
        raise InvalidPolicyError(f"{cls} must be at most a century ({CENTURY} days) (got {given})")


def _render_seconds(seconds: float, units: Sequence[tuple[str, int]] = _UNITS) -> str:
    for name, size in units:
        if seconds and seconds % size == 0:
            count = seconds // size
            return f"{name}={int(count)}"
    return f"seconds={seconds:g}"


@attrs.frozen(init=False, repr=False)
class Elapsed:
    """Exact elapsed time, such as "within 15 minutes".

    >>> Elapsed(minutes=15)
    Elapsed(minutes=15)
    >>> Elapsed(hours=168).seconds == Elapsed(days=7).seconds
    True

    Raises:
        InvalidPolicyError: a negative or non-finite amount, or more than a century.
        PolicyTypeError: an amount that is not a number.
    """

    seconds: float

    def __init__(
        self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> None:
        total = (
            _amount(days, "Elapsed", "days") * DAY
            + _amount(hours, "Elapsed", "hours") * 3600
            + _amount(minutes, "Elapsed", "minutes") * 60
            + _amount(seconds, "Elapsed", "seconds")
        )
        _at_most_a_century(total / DAY, "Elapsed", f"{total:g} seconds")
        self.__attrs_init__(seconds=total)

    def __repr__(self) -> str:
        return f"Elapsed({_render_seconds(self.seconds, _UNITS[1:]) if self.seconds else ''})"

    def __str__(self) -> str:
        return _human(self.seconds) + " elapsed"


@attrs.frozen(init=False, repr=False)
class Local:
    """Calendar days in a timezone, keeping the wall-clock time: "7 days later, same time".

    >>> Local(weeks=1)
    Local(days=7)

    Raises:
        InvalidPolicyError: a negative or fractional amount, or more than a century.
        PolicyTypeError: an amount that is not a number.
    """

    days: int

    def __init__(self, *, days: int = 0, weeks: int = 0) -> None:
        total = _whole(days, "Local", "days") + 7 * _whole(weeks, "Local", "weeks")
        _at_most_a_century(total, "Local", f"{total} days")
        self.__attrs_init__(days=total)

    def __repr__(self) -> str:
        return f"Local(days={self.days})"

    def __str__(self) -> str:
        return f"{self.days} local day{'s' if self.days != 1 else ''}"


@attrs.frozen(init=False, repr=False)
class Business:
    """Time counted only while the staff schedule is open.

    ``days`` counts open days: from an open moment, the same wall-clock time on the n-th
    following day that has opening hours and is not a holiday (or the next opening after
    it).  ``hours``, ``minutes`` and ``seconds`` count open time.  ``Business()`` is "the
    next staff opening".

    >>> Business(hours=2)
    Business(hours=2)
    >>> Business(days=2, minutes=30)
    Business(days=2, minutes=30)

    Raises:
        InvalidPolicyError: a negative or non-finite amount, fractional days, or more than a
            century (of days, or of open time).
        PolicyTypeError: an amount that is not a number.
    """

    days: int
    seconds: float

    def __init__(
        self, *, days: int = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> None:
        total = (
            _amount(hours, "Business", "hours") * 3600
            + _amount(minutes, "Business", "minutes") * 60
            + _amount(seconds, "Business", "seconds")
        )
        whole_days = _whole(days, "Business", "days")
        _at_most_a_century(whole_days, "Business", f"{whole_days} days")
        _at_most_a_century(total / DAY, "Business", f"{total:g} seconds")
        self.__attrs_init__(days=whole_days, seconds=total)

    def __repr__(self) -> str:
        parts = [f"days={self.days}"] if self.days else []
        if self.seconds:
            parts.append(_render_seconds(self.seconds, _UNITS[2:]))
        return f"Business({', '.join(parts)})"

    def __str__(self) -> str:
        parts = [f"{self.days} business day{'s' if self.days != 1 else ''}"] if self.days else []
        if self.seconds or not parts:
            # in hours at most: 48 hours of open time are not 2 business days
            parts.append(_human(self.seconds, _WORDS[1:]) + " of business time")
        return " and ".join(parts)


Duration = Elapsed | Local | Business
"""Any of the three kinds of duration."""


def relative(offset: Duration, anchor: str, *, before: bool = False, at: bool = False) -> str:
    """``offset`` after (or ``before``) ``anchor``, in words; ``at`` puts "at" before a
    moment named without a duration.

    A zero :class:`Elapsed` or :class:`Local` is the anchor itself.  A zero
    :class:`Business` is the first staff-open moment at or after the anchor: at once while
    staff are open, the next opening while they are closed, and the words say so rather
    than "at once" or "0 seconds".

    >>> relative(Elapsed(hours=2), "the trigger")
    '2 hours elapsed after the trigger'
    >>> relative(Local(), "its deadline", at=True)
    'at its deadline'
    >>> relative(Business(), "the trigger")
    'the first staff-open moment at or after the trigger (at once while staff are open)'
    """
    if isinstance(offset, Business):
        if not (offset.days or offset.seconds):
            moment = f"the first staff-open moment at or after {anchor}"
            return f"{'at ' if at else ''}{moment} (at once while staff are open)"
    elif not (offset.days if isinstance(offset, Local) else offset.seconds):
        return f"at {anchor}" if at else anchor
    return f"{offset} {'before' if before else 'after'} {anchor}"


_WORDS: Final = (("day", DAY), ("hour", 3600), ("minute", 60))


def _human(seconds: float, words: Sequence[tuple[str, int]] = _WORDS) -> str:
    for name, size in words:
        if seconds and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {name}{'s' if count != 1 else ''}"
    return f"{seconds:g} seconds"

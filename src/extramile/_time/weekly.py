"""Weekly windows: windows of local wall-clock time given per weekday, as staff hours and
calling windows are written (``{"mon-fri": "09:00-17:00", "sat": "10:00-14:00"}``).

:func:`week_of` reads the weekday mapping once, for :class:`~extramile.Schedule` and for
:class:`WeeklyWindow`, the calling window that differs by weekday; a weekday left out is
closed.

Imports: ``_time.window``, ``errors``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from extramile._time.window import Window
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe

__all__ = ["DAY_NAMES", "CallingWindow", "Week", "WeeklyWindow", "as_calling_window", "week_of"]

DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Week = tuple[tuple[Window, ...], ...]
"""Seven days' windows, Monday first, each day's sorted by start."""


def _day_indexes(key: object, where: str) -> list[int]:
    if isinstance(key, int) and not isinstance(key, bool) and 0 <= key < 7:
        return [key]
    if isinstance(key, str):
        text = key.strip().lower()
        first, sep, last = text.partition("-")
        names = [first[:3], last[:3]] if sep else [first[:3]]
        if all(name in DAY_NAMES for name in names):
            start = DAY_NAMES.index(names[0])
            end = DAY_NAMES.index(names[-1])
            if start <= end:
                return list(range(start, end + 1))
    raise InvalidPolicyError(
        f"{where} keys must be weekdays such as 'mon', 'mon-fri' or 0 (Monday) to 6"
        f" (got {describe(key)})"
    )


def _windows(value: object, where: str) -> tuple[Window, ...]:
    if value is None:
        return ()
    if isinstance(value, Window):
        return (value,)
    if isinstance(value, str):
        return tuple(Window.parse(part) for part in value.split(",") if part.strip())
    if isinstance(value, Iterable):
        found: list[Window] = []
        for item in value:
            found.extend(_windows(item, where))
        return tuple(found)
    raise PolicyTypeError(
        f"{where} values must be a Window, 'HH:MM-HH:MM' text or a list of them"
        f" (got {describe(value)})"
    )


def week_of(value: object, where: str) -> Week:
    """Seven days' windows from a weekday mapping (``{"mon-fri": "09:00-17:00"}``) or a
    list of seven days' windows.

    Raises:
        PolicyTypeError: ``value`` is neither, or a day's windows are of the wrong type.
        InvalidPolicyError: an unknown weekday, overlapping windows, or no opening at all.
    """
    days: list[list[Window]] = [[] for _ in range(7)]
    if isinstance(value, Mapping):
        for key, spans in value.items():
            for index in _day_indexes(key, where):
                days[index].extend(_windows(spans, where))
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 7:
        for index, spans in enumerate(value):
            days[index].extend(_windows(spans, where))
    else:
        raise PolicyTypeError(
            f"{where} must map weekdays to windows, e.g. {{'mon-fri': '09:00-17:00'}},"
            f" or list seven days' windows (got {describe(value)})"
        )
    week = []
    for index, windows in enumerate(days):
        ordered = sorted(windows, key=lambda w: w.start)
        for before, after in itertools.pairwise(ordered):
            if after.start < before.end:
                raise InvalidPolicyError(
                    f"{where} for {DAY_NAMES[index]} has overlapping windows {before} and {after}"
                )
        week.append(tuple(ordered))
    if not any(week):
        raise InvalidPolicyError(
            f"{where} has no opening at all: give at least one window on one weekday"
        )
    return tuple(week)


def week_mapping(week: Week) -> dict[str, str]:
    """The weekday mapping of seven days' windows, runs of equal days joined
    (``{"mon-sat": "09:00-19:00"}``); closed days are left out."""
    found: dict[str, str] = {}
    index = 0
    while index < 7:
        last = index
        while last + 1 < 7 and week[last + 1] == week[index]:
            last += 1
        if week[index]:
            name = DAY_NAMES[index] if last == index else f"{DAY_NAMES[index]}-{DAY_NAMES[last]}"
            found[name] = ",".join(str(w) for w in week[index])
        index = last + 1
    return found


def _week(value: object) -> Week:
    return week_of(value, "WeeklyWindow")


@attrs.frozen(repr=False, cache_hash=True)
class WeeklyWindow:
    """A calling window that differs by weekday, in local wall-clock time: each day's
    windows, a day left out being closed.

    Give it as a policy's, a rule's or a customer's calling window, in the same mapping
    as :attr:`Schedule.hours <extramile.Schedule.hours>`:

    >>> sundays_off = WeeklyWindow({"mon-sat": "09:00-19:00"})
    >>> sundays_off
    WeeklyWindow({'mon-sat': '09:00-19:00'})
    >>> str(sundays_off), sundays_off.windows_of(dt.date(2026, 3, 8))   # a Sunday
    ('mon-sat 09:00-19:00', ())

    Raises:
        InvalidPolicyError: an unknown weekday, overlapping windows, or no opening at all.
        PolicyTypeError: a value of the wrong type.
    """

    days: Week = attrs.field(converter=_week)
    """Seven days' windows, Monday first."""

    def windows_of(self, day: dt.date) -> tuple[Window, ...]:
        """The windows of a local date (none on a closed weekday)."""
        return self.days[day.weekday()]

    @property
    def daily(self) -> Window | None:
        """The one window of every day, when every day has the same single window."""
        first = self.days[0]
        if len(first) == 1 and all(day == first for day in self.days):
            return first[0]
        return None

    def to_mapping(self) -> dict[str, str]:
        """The weekday mapping it is written in; :class:`WeeklyWindow` reads it back."""
        return week_mapping(self.days)

    def __str__(self) -> str:
        return "; ".join(f"{days} {spans}" for days, spans in self.to_mapping().items())

    def __repr__(self) -> str:
        return f"WeeklyWindow({self.to_mapping()!r})"


CallingWindow = Window | WeeklyWindow
"""A calling window: the same :class:`Window` every day, or a :class:`WeeklyWindow`."""


def as_calling_window(value: object, where: str) -> CallingWindow:
    """A calling window given as a :class:`Window`, its text (``"08:00-21:00"``), a
    :class:`WeeklyWindow` or its weekday mapping (``{"mon-sat": "09:00-19:00"}``).

    A weekly window with the same single window every day is that daily :class:`Window`.

    >>> as_calling_window({"mon-sun": "09:00-19:00"}, "calling_window")
    Window('09:00', '19:00')

    Raises:
        PolicyTypeError: a value of another type.
        InvalidPolicyError: bad clock times, unknown weekdays, or no opening at all.
    """
    if isinstance(value, Window):
        return value
    if isinstance(value, str):
        return Window.parse(value)
    if isinstance(value, Mapping):
        value = WeeklyWindow(week_of(value, where))
    if isinstance(value, WeeklyWindow):
        return value.daily or value
    raise PolicyTypeError(
        f"{where} must be a Window, 'HH:MM-HH:MM' text, or a weekday mapping such as"
        f" {{'mon-sat': '09:00-19:00'}} (got {describe(value)})"
    )

"""A daily window of local wall-clock time, such as staff hours or a calling window, and
the clock times it is written in.

Imports: ``errors``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from extramile.errors import InvalidPolicyError, PolicyTypeError, describe, too_long

__all__ = ["Clock", "Window", "format_clock", "parse_clock"]

_DAY = 86_400


def parse_clock(value: Any, *, where: str, allow_24: bool = False) -> int:
    """Seconds since local midnight for ``"HH:MM"``, ``"HH:MM:SS"`` or a ``datetime.time``.

    >>> parse_clock("08:30", where="Window.start")
    30600
    >>> parse_clock("24:00", where="Window.end", allow_24=True)
    86400

    Raises:
        PolicyTypeError: ``value`` is neither a string nor a ``datetime.time``.
        InvalidPolicyError: the string is not a clock time.
    """
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise InvalidPolicyError(
                f"{where} must be a local wall-clock time without tzinfo (got {value!r})"
            )
        if value.microsecond:
            raise InvalidPolicyError(f"{where} must be whole seconds (got {value!r})")
        return value.hour * 3600 + value.minute * 60 + value.second
    if not isinstance(value, str):
        raise PolicyTypeError(
            f"{where} must be a clock time like '09:00' or a datetime.time (got {describe(value)})"
        )
    parts = value.split(":")
    # isascii: str.isdigit also holds for other scripts' digits and for superscripts.
    if len(parts) in (2, 3) and all(len(p) == 2 and p.isascii() and p.isdigit() for p in parts):
        hours, minutes = int(parts[0]), int(parts[1])
        seconds = int(parts[2]) if len(parts) == 3 else 0
        total = hours * 3600 + minutes * 60 + seconds
        if minutes < 60 and seconds < 60 and (total < _DAY or (allow_24 and total == _DAY)):
            return total
    limit = "'24:00'" if allow_24 else "'23:59:59'"
    raise InvalidPolicyError(
        f"{where} must be a clock time 'HH:MM' or 'HH:MM:SS' from '00:00' to {limit}"
        f" (got {describe(value)})"
    )


def format_clock(seconds: int) -> str:
    """``"HH:MM"`` (or ``"HH:MM:SS"`` when there are seconds) for seconds since midnight.

    >>> format_clock(75600)
    '21:00'
    """
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


Clock = str | dt.time | int
"""A bound of a :class:`Window`: ``"HH:MM"``, a ``datetime.time`` or seconds since midnight."""


def _start(value: Clock) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return _seconds(value, "Window.start")
    return parse_clock(value, where="Window.start")


def _end(value: Clock) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return _seconds(value, "Window.end")
    return parse_clock(value, where="Window.end", allow_24=True)


def _seconds(value: int, where: str) -> int:
    if too_long(value):  # the window could not be printed; its check below would fail
        raise InvalidPolicyError(
            f"{where} must be seconds since midnight, 0 to 86400 (got {describe(value)})"
        )
    return value


@attrs.frozen(repr=False, cache_hash=True)
class Window:
    """A daily span of local wall-clock time, ``start`` included and ``end`` excluded.

    Give the bounds as ``"HH:MM"`` strings, ``datetime.time`` values or seconds since
    midnight; ``end`` may be ``"24:00"``. A window never spans midnight: give two windows
    for a night shift.

    >>> Window("08:00", "21:00")
    Window('08:00', '21:00')
    >>> Window.parse("09:00-17:30").end
    63000

    Raises:
        InvalidPolicyError: a bound is not a clock time, or ``start`` is not before ``end``.
        PolicyTypeError: a bound is of the wrong type.
    """

    start: int = attrs.field(converter=_start)
    end: int = attrs.field(converter=_end)

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.start < _DAY or not 0 < self.end <= _DAY:
            raise InvalidPolicyError(
                f"Window bounds must lie within one day (got start={self.start}, end={self.end})"
            )
        if self.start >= self.end:
            raise InvalidPolicyError(
                f"Window.start must be before Window.end (got {format_clock(self.start)!r}"
                f" to {format_clock(self.end)!r}); use two windows to span midnight"
            )

    @classmethod
    def parse(cls, text: str) -> Window:
        """A window from ``"HH:MM-HH:MM"``.

        Raises:
            InvalidPolicyError: ``text`` is not two clock times joined by ``-``.
            PolicyTypeError: ``text`` is not a string.
        """
        if not isinstance(text, str):
            raise PolicyTypeError(f"Window must be written 'HH:MM-HH:MM' (got {describe(text)})")
        start, sep, end = text.partition("-")
        if not sep:
            raise InvalidPolicyError(f"Window must be written 'HH:MM-HH:MM' (got {text!r})")
        return cls(start.strip(), end.strip())

    def contains(self, seconds_of_day: float) -> bool:
        """Whether a local clock time, in seconds since midnight, lies in the window."""
        return self.start <= seconds_of_day < self.end

    def __str__(self) -> str:
        return f"{format_clock(self.start)}-{format_clock(self.end)}"

    def __repr__(self) -> str:
        return f"Window({format_clock(self.start)!r}, {format_clock(self.end)!r})"

"""The constraints a policy sets on every call: the calling window, contact caps, staff hours.

Only values and their checks live here; :mod:`extramile._engine.placement` applies them.
Imports: ``_time``, ``errors``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final
from zoneinfo import ZoneInfo

import attrs

from extramile._time import (
    CallingWindow,
    Elapsed,
    Local,
    Schedule,
    Window,
    as_calling_window,
    known_zone,
    zone_key,
)
from extramile.errors import (
    LONGEST_INT,
    InvalidPolicyError,
    PolicyTypeError,
    describe,
    shown,
    too_long,
)

__all__ = [
    "DEFAULT_CALLING_WINDOW",
    "ContactCaps",
    "as_caps",
    "as_schedule",
    "as_window",
    "as_zones",
]

DEFAULT_CALLING_WINDOW: Final = Window("08:00", "21:00")


def _positive_int(count: int) -> int:
    value: object = count  # checked here: a caller without a type checker may give anything
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyTypeError(f"ContactCaps.max_attempts must be an int (got {describe(value)})")
    if value <= 0:
        raise InvalidPolicyError(
            f"ContactCaps.max_attempts must be at least 1 (got {shown(value)}); use do-not-call"
            " to stop calls altogether"
        )
    if too_long(value):
        raise InvalidPolicyError(
            f"ContactCaps.max_attempts must have at most {LONGEST_INT} digits"
            f" (got {describe(value)})"
        )
    return value


def _cap_period(period: Local) -> Local:
    value: object = period  # checked here: a caller without a type checker may give anything
    if not isinstance(value, Local):
        raise PolicyTypeError(f"ContactCaps.per must be a Local duration (got {describe(value)})")
    if value.days <= 0:
        raise InvalidPolicyError(f"ContactCaps.per must be at least one day (got {value!r})")
    return value


def _gap(gap: Elapsed) -> Elapsed:
    value: object = gap  # checked here: a caller without a type checker may give anything
    if not isinstance(value, Elapsed):
        raise PolicyTypeError(
            f"ContactCaps.min_gap must be an Elapsed duration (got {describe(value)})"
        )
    return value


@attrs.frozen(kw_only=True)
class ContactCaps:
    """How often a customer may be called: a rolling cap and a minimum gap.

    Only outbound ``call`` interactions count as attempts; inbound contacts never do.
    Essential rules bypass both; nothing bypasses do-not-call.

    >>> ContactCaps()
    ContactCaps(max_attempts=3, per=Local(days=7), min_gap=Elapsed(hours=20))

    Raises:
        InvalidPolicyError: a cap of zero or less, a period shorter than a day.
        PolicyTypeError: a value of the wrong type.
    """

    max_attempts: int = attrs.field(default=3, converter=_positive_int)
    per: Local = attrs.field(default=Local(days=7), converter=_cap_period)
    min_gap: Elapsed = attrs.field(default=Elapsed(hours=20), converter=_gap)


def as_window(value: object, where: str) -> CallingWindow:
    """A calling window given as a :class:`Window` or as text (``"08:00-21:00"``), or
    per weekday as a :class:`WeeklyWindow` or its mapping (``{"mon-sat": "09:00-19:00"}``).
    """
    return as_calling_window(value, where)


def as_zones(value: object, where: str) -> tuple[str, ...]:
    """Timezone names, checked to be known ones; a ``ZoneInfo`` becomes its name."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PolicyTypeError(f"{where} must be a list of IANA names (got {describe(value)})")
    names = tuple(value)
    if any(isinstance(name, ZoneInfo) for name in names):
        names = tuple(
            zone_key(name, where) if isinstance(name, ZoneInfo) else name for name in names
        )
    for name in names:
        if not isinstance(name, str) or not known_zone(name):
            raise InvalidPolicyError(
                f"{where} must hold IANA timezone names (got {describe(name)})"
            )
    return names


def as_caps(value: object, where: str) -> ContactCaps:
    """Contact caps, checked to be :class:`ContactCaps`."""
    if not isinstance(value, ContactCaps):
        raise PolicyTypeError(f"{where} must be ContactCaps (got {describe(value)})")
    return value


def as_schedule(value: object, where: str) -> Schedule:
    """Staff hours, checked to be a :class:`Schedule`."""
    if not isinstance(value, Schedule):
        raise PolicyTypeError(f"{where} must be a Schedule (got {describe(value)})")
    return value

"""Checking and parsing the values of single fields, for :class:`Customer` and
:class:`Interaction`: the careful paths their constructors and ``from_mapping`` fall back
to when a value is not already in its plain form, and the precise errors they raise.

The constructors check the common case inline (a plain, non-blank ``str`` id, say) and
call these only for the rest, so nothing here is on the fast path of a valid row but the
cached parse of a calling window.

Imports: ``_memo``, ``_time``, ``errors``; :mod:`.enums` beside it.
"""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, NoReturn, TypeVar
from zoneinfo import ZoneInfo

from extramile._memo import cache, keep
from extramile._model.enums import Channel, Direction
from extramile._time import (
    CallingWindow,
    WeeklyWindow,
    Window,
    as_calling_window,
    zone_key,
    zone_or_none,
)
from extramile.errors import (
    ExtramileError,
    FactTypeError,
    InvalidFactError,
    describe,
    describe_type,
)

__all__ = [
    "LONGEST_INT_ID",
    "as_date",
    "as_id",
    "as_kind",
    "as_optional_str",
    "as_private_str",
    "as_tag",
    "as_tags",
    "as_timezone",
    "as_window",
    "bad_enum",
    "bad_instant",
    "fromisoformat",
    "int_text",
    "iso_instant",
    "kind_problem",
    "missing_key",
    "name_problem",
    "parse_date",
    "unknown_keys",
]

_E = TypeVar("_E", Direction, Channel)


def bad_enum(table: Mapping[str, _E], value: object, where: str) -> NoReturn:
    """Refuse ``value``, which is none of the strings of ``table``."""
    allowed = ", ".join(map(repr, table))
    cls = InvalidFactError if isinstance(value, str) else FactTypeError
    raise cls(f"{where} must be one of {allowed} (got {describe(value)})") from None


def as_tags(value: Iterable[str]) -> frozenset[str]:
    """``Customer.tags`` that is not a frozenset or a list, as a frozenset."""
    if type(value) is frozenset:
        return value
    if isinstance(value, Mapping):
        # Its keys would become tags, {"paperless": False} among them.
        raise FactTypeError(
            f"Customer.tags must be a collection of str, not a mapping (got {describe(value)})"
        )
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise FactTypeError(f"Customer.tags must be a collection of str (got {describe(value)})")
    # Each tag checked before the set is made: a list among them is unhashable.
    return frozenset([as_tag(tag) for tag in value])


def as_timezone(value: object) -> str:
    """``Customer.timezone`` that is not a plain str of a known zone: a ``ZoneInfo`` of one
    becomes its name (its key); anything else is refused."""
    if isinstance(value, ZoneInfo):
        value = zone_key(value, "Customer.timezone", InvalidFactError)
        if zone_or_none(value) is not None:
            return value
    if type(value) is str:
        raise InvalidFactError(
            "Customer.timezone must be an IANA timezone name such as 'Europe/Paris',"
            f" or None when unknown (got {describe(value)})"
        )
    raise FactTypeError(
        "Customer.timezone must be an IANA timezone name such as 'Europe/Paris', a"
        f" zoneinfo.ZoneInfo of one, or None when unknown (got {describe(value)})"
    )


def as_tag(value: object) -> str:
    """A tag that is not a plain str: a subclass becomes its plain str, else refused."""
    if isinstance(value, str):
        return str.__str__(value)  # a subclass (a StrEnum member) becomes its plain str
    raise FactTypeError(f"Customer.tags must hold str (got {describe(value)})")


def as_date(value: object) -> dt.date:
    """``Customer.customer_since`` that is not a plain date."""
    # A subclass of date (pendulum's Date) becomes a plain date, as from_mapping gives.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, value.day)
    raise FactTypeError(f"Customer.customer_since must be a datetime.date (got {describe(value)})")


# Hosts write calling hours as a handful of distinct strings; parsing one costs microseconds.
_WINDOWS_KEPT: Final = 512
_WINDOWS: Final[dict[str, Window]] = cache("calling hours")


_HOURS: Final = "Customer.calling_hours"


def as_window(value: object) -> CallingWindow | None:
    """``Customer.calling_hours`` that is not a :class:`Window`: parsed from
    ``"HH:MM-HH:MM"`` or a ``{"start": ..., "end": ...}`` mapping (one daily window), or
    given per weekday, as a :class:`~extramile.WeeklyWindow` or a mapping of weekdays
    (``{"mon-sat": "09:00-19:00"}``)."""
    if value is None or type(value) is Window:
        return value
    if type(value) is str:
        window = _WINDOWS.get(value)
        if window is not None:
            return window
    try:
        if isinstance(value, str):
            return keep(_WINDOWS, value, Window.parse(value), _WINDOWS_KEPT)
        if isinstance(value, Mapping):
            if "start" in value or "end" in value:
                start: Any = value.get("start")  # a missing bound (None) is refused by Window
                end: Any = value.get("end")
                return Window(start, end)
            return as_calling_window(value, _HOURS)
        if isinstance(value, (Window, WeeklyWindow)):
            return as_calling_window(value, _HOURS)
    except ExtramileError as exc:
        cls = FactTypeError if isinstance(exc, TypeError) else InvalidFactError
        text = str(exc)
        # a weekday mapping's errors already name the field
        raise cls(text if text.startswith(_HOURS) else f"{_HOURS}: {text}") from None
    raise FactTypeError(
        "Customer.calling_hours must be a Window, 'HH:MM-HH:MM' or {'start': ..., 'end': ...},"
        f" or a weekday mapping such as {{'mon-sat': '09:00-19:00'}} (got {describe(value)})"
    )


def int_text(value: Any) -> Any:
    """An integer id as text (one too long to write is left for the check to refuse)."""
    if type(value) is int and value.bit_length() <= LONGEST_INT_ID:
        return str(value)
    return value


LONGEST_INT_ID: Final = 256
"""Bits of the longest integer id written as text (78 digits)."""


def name_problem(text: str) -> str | None:
    r"""What is wrong with ``text`` as an id or a name, or None if nothing is.

    An id is written in logs, keys and files, and compared exactly: it must have a
    visible character (not only spaces, nor only a zero-width space), hold no control
    character or line break (a NUL, a tab, a newline), and be valid Unicode (no lone
    surrogate, which cannot be written as UTF-8).

    >>> name_problem("c-1"), name_problem("\u200b"), name_problem("c\x001")
    (None, 'must have a visible character', 'must not hold control characters or line breaks')
    """
    if not text.strip():
        return "must be a non-empty str"
    if text.isprintable():  # letters, marks, digits, punctuation, symbols, ASCII spaces
        return None
    visible = False
    for char in text:
        category = unicodedata.category(char)
        if category in _CONTROL:
            return "must not hold control characters or line breaks"
        if category == "Cs":
            return "must be valid Unicode (it holds a lone surrogate)"
        visible = visible or category not in _INVISIBLE
    return None if visible else "must have a visible character"


_CONTROL: Final = frozenset({"Cc", "Zl", "Zp"})
"""Control characters (NUL, tab, newline, DEL...) and the line and paragraph separators."""
_INVISIBLE: Final = frozenset({"Zs", "Cf"})
"""Spaces, and format characters such as the zero-width space."""


def kind_problem(text: str) -> str | None:
    """What is wrong with ``text`` as an interaction kind, or None: as :func:`name_problem`,
    and no space around it (``" feedback "`` would match no rule's ``"feedback"``).

    >>> kind_problem("feedback"), kind_problem(" feedback ")
    (None, 'must not start or end with a space')
    """
    problem = name_problem(text)
    if problem is None and text.strip() != text:
        return "must not start or end with a space"
    return problem


def as_id(value: object, where: str) -> str:
    """An id that is not a plain str with a visible character: a subclass of str (a
    ``StrEnum`` member, say) becomes the plain str it holds, if it is a good id; a str
    with an invisible or control character (see :func:`name_problem`) is taken only if
    it is one; anything else is refused."""
    return _checked_text(value, where, name_problem)


def as_kind(value: object, where: str) -> str:
    """:func:`as_id` for an interaction kind (see :func:`kind_problem`)."""
    return _checked_text(value, where, kind_problem)


def _checked_text(value: object, where: str, problem_of: Callable[[str], str | None]) -> str:
    if not isinstance(value, str):
        raise FactTypeError(f"{where} must be a non-empty str (got {describe(value)})")
    text = str.__str__(value)
    problem = problem_of(text)
    if problem is None:
        return text
    raise InvalidFactError(f"{where} {problem} (got {describe(text)})")


def as_private_str(value: object, where: str) -> str:
    """Personal text (a phone number, an email address) that is not a plain str: as
    :func:`as_optional_str`, but an error describes the value by its type alone."""
    if isinstance(value, str):
        return str.__str__(value)
    raise FactTypeError(f"{where} must be a str or None (got {describe_type(value)})")


def as_optional_str(value: object, where: str) -> str:
    """Optional text that is not a plain str: as :func:`as_id`, blanks allowed."""
    if isinstance(value, str):
        return str.__str__(value)
    raise FactTypeError(f"{where} must be a str or None (got {describe(value)})")


def iso_instant(at: dt.datetime) -> str:
    """ISO-8601 text of ``at``, which :func:`datetime.datetime.fromisoformat` reads back.

    An offset of less than a second (``+00:00:00.000001``) is read back as UTC by Python
    3.11 and 3.12; such an instant is written in UTC instead, which no reader gets wrong.
    """
    offset = at.utcoffset()
    if offset is not None and offset.microseconds:
        return at.astimezone(dt.timezone.utc).isoformat()
    return at.isoformat()


if sys.version_info >= (3, 11):
    fromisoformat = dt.datetime.fromisoformat
else:  # pragma: no cover - Python 3.10 does not read a trailing "Z"

    def fromisoformat(text: str) -> dt.datetime:
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        return dt.datetime.fromisoformat(text)


def bad_instant(text: Any, where: str) -> NoReturn:
    """Refuse ``text``, an unreadable or naive ISO-8601 timestamp, saying which."""
    try:
        fromisoformat(text)
    except ValueError:
        raise InvalidFactError(
            f"{where} must be an ISO-8601 timestamp with an offset, such as"
            f" '2026-11-25T16:00:00Z' (got {describe(text)})"
        ) from None
    raise InvalidFactError(
        f"{where} must be timezone-aware: add an offset or 'Z' (got {describe(text)})"
    )


def unknown_keys(row: Mapping[str, Any], cls: str, allowed: frozenset[str]) -> NoReturn:
    """Refuse ``row``, which has keys outside ``allowed``, naming them."""
    unknown = sorted(str(k) for k in row if k not in allowed)
    raise InvalidFactError(
        f"{cls}.from_mapping got unknown key(s) {', '.join(map(repr, unknown))};"
        f" expected some of {', '.join(sorted(allowed))}"
    )


def missing_key(row: Mapping[str, Any], cls: str, required: tuple[str, ...]) -> NoReturn:
    """Refuse ``row``, which lacks one of ``required``, naming the first missing."""
    for key in required:
        if row.get(key) is None:
            raise InvalidFactError(f"{cls}.from_mapping: missing required key {key!r}")
    raise AssertionError("unreachable: a required key was missing")  # pragma: no cover


def parse_date(value: object, where: str) -> dt.date:
    """A date from an ISO-8601 string or a ``date`` (not a ``datetime``)."""
    if isinstance(value, dt.datetime):
        raise FactTypeError(f"{where} must be a date, not a datetime (got {describe(value)})")
    if isinstance(value, dt.date):  # a subclass, such as pendulum's Date
        return value
    if type(value) is not str:
        raise FactTypeError(
            f"{where} must be an ISO-8601 date string or a date (got {describe(value)})"
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidFactError(
            f"{where} must be an ISO-8601 date such as '2019-05-01' (got {describe(value)})"
        ) from None

"""The whole error hierarchy of extramile.

Every error raised on purpose by the library derives from :class:`ExtramileError`.
Below the root, the split says whose fault it was:

* :class:`PolicyError` -- the follow-up policy (or another piece of configuration) is
  malformed, or one of its conditions misbehaved.
* :class:`FactsError` -- the facts handed in (customers, interactions, ``now``, rows from a
  database) are not what the library accepts.

Each concrete error also subclasses the matching builtin, so callers that only know
Python's own exceptions still catch them:

>>> from extramile.errors import InvalidFactError, FactsError
>>> issubclass(InvalidFactError, FactsError) and issubclass(InvalidFactError, ValueError)
True

Imports: nothing of the library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sized
from math import log10
from typing import Final

__all__ = [
    "ConditionError",
    "ExtramileError",
    "FactTypeError",
    "FactsError",
    "InvalidFactError",
    "InvalidPolicyError",
    "PolicyError",
    "PolicyTypeError",
]


class ExtramileError(Exception):
    """The root of every error extramile raises on purpose."""


class PolicyError(ExtramileError):
    """The policy or its configuration is malformed, or one of its conditions failed."""


class FactsError(ExtramileError):
    """The facts given to the library (customers, interactions, ``now``) are not acceptable."""


class InvalidPolicyError(PolicyError, ValueError):
    """A policy value is of the right type but not acceptable (an empty name, a bad window)."""


class PolicyTypeError(PolicyError, TypeError):
    """A policy value is of the wrong Python type."""


class ConditionError(PolicyError, RuntimeError):
    """A condition raised while a rule was being evaluated; the message names the rule."""


class InvalidFactError(FactsError, ValueError):
    """A fact is of the right type but not acceptable (a naive datetime, an unknown zone)."""


class FactTypeError(FactsError, TypeError):
    """A fact is of the wrong Python type."""


LONGEST_INT: Final = 300
"""Digits of the longest integer the library takes anywhere (a count, a capacity, a
duration's amount, an attribute).  Python will not write one of more than 4,300 digits,
so an object holding one could not be printed; nothing real comes near 300."""
_BOUND: Final = 10**LONGEST_INT
_LOW: Final = -_BOUND


def too_long(value: object) -> bool:
    """Whether ``value`` is an int of more than :data:`LONGEST_INT` digits.

    >>> too_long(10**300), too_long(10**300 - 1), too_long(1e300)
    (True, False, False)
    """
    return isinstance(value, int) and not _LOW < value < _BOUND


def digits(value: int) -> int:
    """How many decimal digits ``value`` has, without writing it out (which Python refuses
    beyond 4,300 digits).

    >>> digits(0), digits(-999), digits(10**5000)
    (1, 3, 5001)
    """
    size = abs(value)
    count = int(size.bit_length() * log10(2)) + 1  # the true count or one more
    return count - 1 if count > 1 and size < 10 ** (count - 1) else count


def shown(value: object) -> str:
    """A received number as Python writes it, for an error message; an int of more than
    :data:`LONGEST_INT` digits by its digits instead.

    >>> shown(-1), shown(2.5), shown(10**5000)
    ('-1', '2.5', 'int of 5001 digits')
    """
    if too_long(value):
        return describe(value)
    return repr(value)


def describe(value: object) -> str:
    """Render a received value for an error message: its type and a short repr.

    >>> describe("Mars/Olympus")
    "'Mars/Olympus'"
    >>> describe(3)
    'int 3'
    >>> describe(10**5000)
    'int of 5001 digits'
    """
    if too_long(value):
        return f"{type(value).__name__} of {digits(value)} digits"  # type: ignore[arg-type]  # an int
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__
        return f"{type(value).__name__} (unprintable: {type(exc).__name__})"
    if type(value) is str:
        return text if len(text) <= 80 else text[:76] + "...'"
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{type(value).__name__} {text}"


def describe_type(value: object) -> str:
    """Render a received value by its type alone (and its size, for a collection), for a
    value that may hold personal data: a phone number, an email address, a customer's row.

    >>> describe_type(15550100)
    'int'
    >>> describe_type({"id": "c-1", "phone": "+1 312 555 0100"})
    'dict with 2 keys'
    >>> describe_type([("id", "c-1")])
    'list with 1 item'
    """
    name = type(value).__name__
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Sized):
        return name
    try:
        size = len(value)
    except Exception:  # a broken __len__ says nothing more
        return name
    unit = "key" if isinstance(value, Mapping) else "item"
    return f"{name} with {size} {unit}{'' if size == 1 else 's'}"

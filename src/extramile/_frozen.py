"""An immutable, hashable, picklable mapping of JSON-like values.

Free-form ``attributes`` on customers and interactions are stored in a :class:`FrozenMap`
so that the objects holding them stay frozen, hashable and equal by value.

>>> m = FrozenMap.of({"severity": "high", "tags": ["a", "b"]}, where="Interaction.attributes")
>>> m["tags"]
('a', 'b')
>>> m.thaw()
{'severity': 'high', 'tags': ['a', 'b']}

Imports: ``errors``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from math import isfinite
from typing import Any, Final, NoReturn, TypeAlias

from extramile.errors import LONGEST_INT, FactTypeError, InvalidFactError, describe_type, digits

__all__ = ["EMPTY", "FrozenMap", "JSONValue", "freeze_map", "freeze_value"]

JSONValue: TypeAlias = Any
"""A value as JSON has them: str, int, float, bool, None, and lists and objects of those."""

_SCALARS: Final = frozenset({str, bool, type(None)})
_BOUND: Final = 10**LONGEST_INT
_LOW: Final = -_BOUND  # made once: negating a 300-digit int each time costs


class FrozenMap(dict[str, JSONValue]):
    """A read-only ``dict`` from str to JSON-like values.

    ``FrozenMap(data)`` and ``FrozenMap.of(data, where=...)`` validate and freeze ``data``;
    the second names the field in its error messages. It is a ``dict`` underneath so that
    reading it costs what reading a ``dict`` costs; every mutating method raises
    ``TypeError``, and it hashes by value.

    >>> FrozenMap({"amount": float("nan")})
    Traceback (most recent call last):
    ...
    extramile.errors.InvalidFactError: FrozenMap['amount'] must be a finite number (got nan)
    """

    __slots__ = ()

    def __new__(cls, data: Mapping[str, Any] | None = None, /) -> FrozenMap:
        return freeze_map(data, "FrozenMap")

    def __init__(self, data: Mapping[str, Any] | None = None, /) -> None:
        # Filled and validated by __new__; dict.__init__ would add to an existing map.
        pass

    @classmethod
    def of(cls, data: Mapping[str, Any] | None, *, where: str) -> FrozenMap:
        """Validate ``data`` and freeze it (nested lists become tuples, objects FrozenMaps).

        ``date`` values become ISO-8601 strings, aware ``datetime`` values too. ``data`` is
        not changed.

        Args:
            data: the mapping to freeze, or None for an empty map.
            where: the field being filled, for error messages (``"Customer.attributes"``).

        Raises:
            FactTypeError: ``data`` is not a mapping, or a key is not a string.
            InvalidFactError: a value is not JSON-like (a naive datetime, NaN, an object).
        """
        return freeze_map(data, where)

    def thaw(self) -> dict[str, JSONValue]:
        """A plain, JSON-serialisable ``dict`` copy (tuples become lists)."""
        return {key: _thaw(value) for key, value in self.items()}

    def _immutable(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("FrozenMap is immutable; build a new one instead")

    __setitem__ = __delitem__ = _immutable
    clear = pop = popitem = setdefault = update = _immutable
    __ior__ = _immutable

    def __hash__(self) -> int:  # type: ignore[override]  # a dict that is hashable on purpose
        return hash(frozenset(self.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({dict.__repr__(self)})"

    def __reduce__(self) -> tuple[type[FrozenMap], tuple[dict[str, JSONValue]]]:
        return (FrozenMap, (dict(self),))

    def __copy__(self) -> FrozenMap:
        return self

    def __deepcopy__(self, memo: object) -> FrozenMap:
        return self


def freeze_map(data: Mapping[str, Any] | None, where: str) -> FrozenMap:
    """:meth:`FrozenMap.of` as the plain function that the models call on their hot path."""
    if type(data) is not dict:
        if data is None:
            return EMPTY
        if type(data) is FrozenMap:
            return data
        if not isinstance(data, Mapping):
            raise FactTypeError(f"{where} must be a mapping (got {describe_type(data)})")
    if not data:
        return EMPTY
    frozen = _new_dict(FrozenMap)
    _update_dict(frozen, data)
    # One pass. str, bool, None, ints of up to 300 digits and finite floats -- nearly
    # every value -- stay as they are; the location for an error message is only built
    # for the others.
    for key, value in frozen.items():
        if type(key) is not str:
            raise FactTypeError(f"{where} keys must be str (got {describe_type(key)})")
        kind = type(value)
        if (
            kind not in _SCALARS
            and (kind is not int or not _LOW < value < _BOUND)
            and (kind is not float or not isfinite(value))
        ):
            try:
                _set_item(frozen, key, freeze_value(value, f"{where}[{key!r}]"))
            except RecursionError:
                if "[" in where:
                    raise  # to the top-level attribute, which names it
                raise InvalidFactError(
                    f"{where}[{key!r}] nests too deeply, or holds itself"
                ) from None
    return frozen


def freeze_value(value: Any, where: str) -> JSONValue:
    """One JSON-like value as a :class:`FrozenMap` keeps it: lists become tuples,
    mappings FrozenMaps, dates and aware datetimes ISO-8601 text.

    Raises:
        InvalidFactError: a value that is not JSON-like (``where`` names it).
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is int:
        return _checked_int(value, where)
    if isinstance(value, float):
        if not isfinite(value):
            raise InvalidFactError(f"{where} must be a finite number (got {value!r})")
        return float(value)  # a subclass of float, such as numpy's float64
    if isinstance(value, (list, tuple)):
        return tuple(freeze_value(item, f"{where}[{i}]") for i, item in enumerate(value))
    if isinstance(value, Mapping):
        return freeze_map(value, where)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidFactError(
                f"{where} must be timezone-aware (got naive datetime {value.isoformat(' ')})"
            )
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return freeze_value(value.value, where)
    if isinstance(value, int):  # a subclass of int (bool is a scalar above)
        return _checked_int(int(value), where)
    if isinstance(value, str):
        return str.__str__(value)
    raise InvalidFactError(
        f"{where} must be a JSON-like value (str, number, bool, None, list, mapping)"
        f" (got {describe_type(value)})"
    )


def _checked_int(value: int, where: str) -> int:
    if _LOW < value < _BOUND:
        return value
    raise InvalidFactError(
        f"{where} must be an integer of at most {LONGEST_INT} digits (got {describe_type(value)}"
        f" of {digits(value)} digits)"
    )


def _thaw(value: JSONValue) -> JSONValue:
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    if isinstance(value, FrozenMap):
        return value.thaw()
    return value


_new_dict: Final = dict.__new__
_update_dict: Final = dict.update
_set_item: Final = dict.__setitem__
EMPTY: Final = _new_dict(FrozenMap)

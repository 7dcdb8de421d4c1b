"""DataFrames in and out: a book read from two frames, and results written as frames.

:func:`book_from_frames` reads a customers frame and an interactions frame of any library
narwhals reads (pandas, polars, pyarrow, ...) and streams the ``(customer, interactions)``
pairs that :func:`~extramile.plan` and :func:`~extramile.calls_made` take.  Columns are
named as the fields of :meth:`Customer.from_mapping <extramile.Customer.from_mapping>` and
:meth:`Interaction.from_mapping <extramile.Interaction.from_mapping>`; a missing value
(``None``, ``NaN``, ``null``, ``NaT``, ``NA``) leaves its key out of the row, so a
condition sees it absent, and other columns become attributes.

How it streams: each frame is sorted once, by its customer id as text (the customers by
``id``, the interactions by ``customer_id``), and the two sorted frames are walked side by
side, one row at a time; only one customer's history is held at once.  The pairs come in
the order of the customers' ids as text, not in the frame's order.

The other way, ``Agenda.to_frame()``, ``Decision.to_frame()`` and ``CallReport.to_frame()``
build their columns in the core and hand them to :func:`native_frame`, which makes a
pandas, polars or pyarrow frame of them with proper types: UTC datetimes, integers,
booleans (nullable where a value can be missing), text, and lists of text.

``import extramile`` never imports narwhals, nor any frame library: this module imports
them when a function of it is called, and says how to install what is missing.

Imports: ``_model``, ``errors``.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, Literal, NoReturn

import attrs

from extramile._model import Customer, Interaction
from extramile.errors import (
    ExtramileError,
    FactTypeError,
    InvalidFactError,
    InvalidPolicyError,
    PolicyTypeError,
    describe,
    describe_type,
)

__all__ = ["BACKENDS", "book_from_frames"]

Backend = Literal["pandas", "polars", "pyarrow"]
BACKENDS: Final = ("pandas", "polars", "pyarrow")
"""The frame libraries ``to_frame()`` can make frames of."""

ExtraColumns = Literal["attributes", "ignore"]

Column = tuple[str, str, Sequence[Any]]
"""One column: its name, its kind and its values (None where missing).  The kinds are
``"text"``, ``"int"``, ``"bool"``, ``"instant"`` (a UTC datetime) and ``"texts"`` (a list
of text)."""

_ROW: Final = "__extramile_row__"
_KEY: Final = "__extramile_key__"
_CUSTOMER_FIELDS: Final = frozenset(field.name for field in attrs.fields(Customer))
_INTERACTION_FIELDS: Final = frozenset(
    field.name for field in attrs.fields(Interaction) if field.init
)
_IDS: Final = frozenset(("id", "customer_id", "issue_id"))
_EXACT_FLOAT: Final = 2**53
"""Integral floats below this are exact, and an id column of them is read as integers."""


def _library(name: str, extra: str) -> Any:
    """The module ``name``, or an error saying how to install it."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            f"extramile.frames needs {name}, which is not installed: pip install {extra}",
            name=name,
        ) from exc


def _narwhals() -> Any:
    return _library("narwhals", "'extramile[frames]'")


# Reading.


def book_from_frames(
    customers: Any,
    interactions: Any,
    *,
    extra_columns: ExtraColumns = "attributes",
) -> Iterator[tuple[Customer, list[Interaction]]]:
    """Stream ``(customer, interactions)`` pairs from a customers and an interactions frame.

    Args:
        customers: a data frame narwhals reads (pandas, polars, a pyarrow ``Table``, ...),
            one customer a row, with an ``id`` column and any of the other fields of
            :class:`~extramile.Customer` (``timezone``, ``tier``, ``customer_since``,
            ``tags``, ``do_not_call``, ``calling_hours``, ``phone``, ``email``,
            ``attributes``).  Each id once.
        interactions: a data frame of interactions, one a row, with ``id``,
            ``customer_id``, ``kind`` and ``at`` columns and any of the other fields of
            :class:`~extramile.Interaction`.  Each ``customer_id`` must be a customer's.
        extra_columns: what becomes of the columns that are no field:
            ``"attributes"`` (the default) adds each to the row's ``attributes``;
            ``"ignore"`` leaves them out.

    A missing value (None, NaN, null, NaT, NA) leaves its key out of the row, as if the
    column were not there; a mapping (a polars struct) leaves out its missing keys too.
    Ids are text or integers (``7`` becomes ``"7"``, and a column of whole floats, which
    pandas makes of integers with a missing value, is read as integers).  ``at`` is a
    timezone-aware datetime or ISO-8601 text with an offset; ``customer_since`` a date,
    ISO-8601 text, or a naive datetime at midnight (pandas has no date type).

    Returns:
        An iterator of pairs, in the order of the customers' ids as text; each customer
        comes with its interactions (an empty list for none), in the frame's order.  The
        frames are checked when it is made; rows are read as it is consumed.

    Raises:
        FactTypeError: a frame narwhals does not read (a lazy frame: collect it first),
            a column name that is not text, or a row's value of the wrong type.
        InvalidFactError: a required column missing; a bad row, naming the frame, the
            row (its position from 0, in the frame's order) and the column, never a
            phone number or an email address; a customer listed twice; an interaction
            whose customer is not in the customers frame.
        InvalidPolicyError: an unknown ``extra_columns``.
        ModuleNotFoundError: narwhals is not installed
            (``pip install 'extramile[frames]'``).
    """
    if extra_columns not in ("attributes", "ignore"):
        raise InvalidPolicyError(
            "book_from_frames() extra_columns must be 'attributes' or 'ignore'"
            f" (got {describe(extra_columns)})"
        )
    nw = _narwhals()
    keep = extra_columns == "attributes"
    people = _Frame(
        nw,
        customers,
        name="customers",
        key="id",
        required=("id",),
        fields=_CUSTOMER_FIELDS,
        keep_extra=keep,
    )
    history = _Frame(
        nw,
        interactions,
        name="interactions",
        key="customer_id",
        required=("id", "customer_id", "kind", "at"),
        fields=_INTERACTION_FIELDS,
        keep_extra=keep,
    )
    return _pairs(people, history)


def _key_text(nw: Any, dtype: Any, key: str) -> Any:
    """The expression of a frame's customer id as text, which both frames are sorted by
    (integers and text sort alike then), None where the row has no usable id."""
    column = nw.col(key)
    if dtype == nw.String:
        return column
    if dtype.is_float():
        # pandas stores integers with a missing value as floats: whole ones are read as
        # integers (see _whole); the others have no key, and the model refuses them.
        usable = ~column.is_null() & ~column.is_nan() & (column.abs() < _EXACT_FLOAT)
        whole = nw.when(usable).then(column).otherwise(0.0).cast(nw.Int64).cast(nw.String)
        return nw.when(usable).then(whole)
    return column.cast(nw.String)


class _Frame:
    """One input frame: checked, sorted by its customer id as text, read row by row."""

    def __init__(
        self,
        nw: Any,
        native: Any,
        *,
        name: str,
        key: str,
        required: tuple[str, ...],
        fields: frozenset[str],
        keep_extra: bool,
    ) -> None:
        try:
            frame = nw.from_native(native, eager_only=True)
        except TypeError:
            raise FactTypeError(
                f"book_from_frames() {name} must be a data frame (pandas, polars, pyarrow,"
                f" or another that narwhals reads; collect a lazy frame first)"
                f" (got {describe_type(native)})"
            ) from None
        columns = list(frame.columns)
        for column in columns:
            if type(column) is not str:
                raise FactTypeError(
                    f"book_from_frames() {name} column names must be text (got {describe(column)})"
                )
            if column in (_ROW, _KEY):
                raise InvalidFactError(
                    f"book_from_frames() {name} has a column {column!r}, a name kept for"
                    " extramile's own use: rename it"
                )
        for column in required:
            if column not in columns:
                raise InvalidFactError(
                    f"book_from_frames() {name} has no column {column!r}"
                    f" (its columns: {', '.join(map(repr, columns)) or 'none'})"
                )
        self.name = name
        self.key = key
        self.fields = [c for c in columns if c in fields]
        self.extra = [c for c in columns if c not in fields] if keep_extra else []
        self.cls: type[Customer] | type[Interaction] = (
            Customer if name == "customers" else Interaction
        )
        self.frame = (
            frame.select([*self.fields, *self.extra])
            .with_row_index(_ROW)
            .with_columns(_key_text(nw, frame.schema[key], key).alias(_KEY))
            .sort([_KEY, _ROW], nulls_last=True)
        )

    def rows(self) -> Iterator[dict[str, Any]]:
        return self.frame.iter_rows(named=True)  # type: ignore[no-any-return]  # narwhals' rows

    def fail(self, row: Mapping[str, Any], column: str | None, problem: str) -> str:
        where = f"book_from_frames() {self.name} row {row[_ROW]}"
        return f"{where}, column {column!r}: {problem}" if column else f"{where}: {problem}"

    def build(self, row: Mapping[str, Any]) -> Any:
        """The customer or interaction of ``row``; a bad row raises naming its column."""
        values: dict[str, Any] = {}
        for column in self.fields:
            value = _plain(row[column])
            if value is None:
                continue
            if type(value) is float and column in _IDS:
                value = _whole(value)
            elif column == "customer_since":
                value = _day(value)
            values[column] = value
        if self.extra:
            extra = {c: v for c in self.extra if (v := _plain(row[c])) is not None}
            if extra:
                attributes = values.get("attributes")
                if isinstance(attributes, Mapping):
                    twice = sorted(extra.keys() & attributes.keys())
                    if twice:
                        raise InvalidFactError(
                            self.fail(
                                row,
                                twice[0],
                                f"the attribute {twice[0]!r} is both a column and a key"
                                " of the 'attributes' column",
                            )
                        )
                    extra = {**attributes, **extra}
                elif attributes is not None:
                    extra = attributes  # not a mapping: the model refuses it, naming it
                values["attributes"] = extra
        try:
            return self.cls.from_mapping(values)
        except ExtramileError as exc:
            message = str(exc)
            raise type(exc)(self.fail(row, self.column_of(message), message)) from None

    def column_of(self, message: str) -> str | None:
        """The column a model's error message is about, if it says."""
        found = _NAMED.search(message)
        if found is None:  # pragma: no cover - every message of the models names its field
            return None
        field = found.group("missing") or found.group("field")
        if field == "attributes" and found.group("key"):
            key = ast.literal_eval(found.group("key"))
            if key in self.extra:
                return str(key)
        return str(field)


_NAMED: Final = re.compile(
    r"(?:Customer|Interaction)\.(?:from_mapping: missing required key '(?P<missing>\w+)'"
    r"|(?P<field>\w+))(?:\[(?P<key>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\])?"
)
"""Where a model's message names a field: ``Customer.timezone must ...``, ``Interaction
.from_mapping: missing required key 'at'``, ``Customer.attributes['region'] must ...``."""


def _pairs(people: _Frame, history: _Frame) -> Iterator[tuple[Customer, list[Interaction]]]:
    """Walk the two sorted frames side by side."""
    later = map(_keyed, history.rows())
    pending = next(later, None)
    previous: Mapping[str, Any] | None = None
    for row in people.rows():
        key = _keyed(row)[_KEY]
        if key is None:
            _no_key(people, row, "id")
        if previous is not None and previous[_KEY] == key:
            raise InvalidFactError(
                f"book_from_frames() customers rows {previous[_ROW]} and {row[_ROW]},"
                f" column 'id': the customer {key!r} is listed twice"
            )
        previous = row
        if pending is not None and (pending[_KEY] is None or pending[_KEY] < key):
            _orphan(history, pending)
        customer = people.build(row)
        made: list[Interaction] = []
        while pending is not None and pending[_KEY] == key:
            made.append(history.build(pending))
            pending = next(later, None)
        yield customer, made
    if pending is not None:
        _orphan(history, pending)


def _keyed(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its key None when missing (pandas writes NaN or NA)."""
    row[_KEY] = _plain(row[_KEY])
    return row


def _no_key(frame: _Frame, row: Mapping[str, Any], column: str) -> NoReturn:
    """Refuse a row without a usable customer id: the model says what is wrong with it."""
    frame.build(row)
    raise InvalidFactError(  # pragma: no cover - the model refuses every id without a key
        frame.fail(row, column, "the row has no usable customer id")
    )


def _orphan(history: _Frame, row: Mapping[str, Any]) -> NoReturn:
    """Refuse an interaction whose customer is not in the customers frame."""
    if row[_KEY] is None:
        _no_key(history, row, "customer_id")
    raise InvalidFactError(
        history.fail(
            row,
            "customer_id",
            f"no row of the customers frame has the id {row[_KEY]!r}",
        )
    )


def _plain(value: Any) -> Any:
    """A frame's value as the models take it: None when missing; numpy's scalars and
    pandas' timestamps as Python's own; mappings without their missing keys."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is float:
        return None if math.isnan(value) else value
    if isinstance(value, Mapping):
        return {k: v for k, item in value.items() if (v := _plain(item)) is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    name = kind.__name__
    if name in ("NaTType", "NAType"):  # pandas' missing values
        return None
    if name == "Timestamp":  # pandas': a datetime with nanoseconds
        return value.to_pydatetime()
    if kind.__module__ == "numpy":
        if name == "ndarray":  # a pandas list column read from Arrow
            return [_plain(item) for item in value.tolist()]
        return _plain(value.item())  # a scalar, such as float64 or bool_
    return value


def _whole(value: float) -> Any:
    """A float id as an integer when it is whole and exact; else left for the model to
    refuse."""
    if value.is_integer() and abs(value) < _EXACT_FLOAT:
        return int(value)
    return value


def _day(value: Any) -> Any:
    """A naive datetime at midnight as its date (how pandas holds dates); else as given."""
    if isinstance(value, dt.datetime) and value.tzinfo is None and value.time() == dt.time(0):
        return value.date()
    return value


# Writing.


def native_frame(columns: Sequence[Column], backend: str, where: str) -> Any:
    """A frame of ``backend`` (``"pandas"``, ``"polars"`` or ``"pyarrow"``) holding
    ``columns``, with proper types: what ``to_frame()`` of the results returns.

    Raises:
        InvalidPolicyError: an unknown backend.
        PolicyTypeError: a backend that is not text.
        ModuleNotFoundError: the backend's library (or narwhals) is not installed.
    """
    if not isinstance(backend, str):
        raise PolicyTypeError(
            f"{where} backend must be one of {', '.join(map(repr, BACKENDS))}"
            f" (got {describe(backend)})"
        )
    if backend not in BACKENDS:
        raise InvalidPolicyError(
            f"{where} backend must be one of {', '.join(map(repr, BACKENDS))}"
            f" (got {describe(backend)})"
        )
    cleaned = [
        (name, kind, [_utc(v) for v in values] if kind == "instant" else list(values))
        for name, kind, values in columns
    ]
    if backend == "pandas":
        return _pandas(_library("pandas", "pandas"), cleaned)
    _library(backend, backend)
    nw = _narwhals()
    types = {
        "text": nw.String(),
        "int": nw.Int64(),
        "bool": nw.Boolean(),
        "instant": nw.Datetime("us", "UTC"),
        "texts": nw.List(nw.String()),
    }
    frame = nw.from_dict(
        {name: values for name, _, values in cleaned},
        schema={name: types[kind] for name, kind, _ in cleaned},
        backend=backend,
    )
    return frame.to_native()


def _pandas(pd: Any, columns: Sequence[tuple[str, str, list[Any]]]) -> Any:
    """A pandas frame: pandas' nullable integers and booleans where a value is missing
    (narwhals makes numpy ones, which cannot hold a missing value)."""
    data: dict[str, Any] = {}
    # pandas 3's own text type; pandas 2 keeps text as objects (its "str" would write
    # None as "None").
    text = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
    for name, kind, values in columns:
        nullable = any(value is None for value in values)
        if kind == "instant":
            data[name] = pd.Series(pd.to_datetime(values, utc=True), dtype="datetime64[us, UTC]")
        elif kind == "int":
            data[name] = pd.Series(values, dtype="Int64" if nullable else "int64")
        elif kind == "bool":
            data[name] = pd.Series(values, dtype="boolean" if nullable else "bool")
        elif kind == "texts":
            data[name] = pd.Series(values, dtype=object)
        else:
            data[name] = pd.Series(values, dtype=text)
    return pd.DataFrame(data)


_UTC: Final = dt.timezone.utc


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A plain UTC datetime of ``moment`` (pendulum's subclass is not every library's)."""
    if moment is None:
        return None
    at = moment.astimezone(_UTC)
    return dt.datetime(
        at.year, at.month, at.day, at.hour, at.minute, at.second, at.microsecond, tzinfo=_UTC
    )

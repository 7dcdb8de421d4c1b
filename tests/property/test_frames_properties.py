"""Planning from frames is planning from objects: the same book, written as two frames of
pandas or polars and read back with ``book_from_frames``, gives the same agenda, and the
same decisions, whatever the frame library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extramile import Customer, Elapsed, Interaction, evaluate, plan, starter_policy
from extramile.frames import book_from_frames
from extramile.strategies import customer_histories

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 10, 14, 0, tzinfo=UTC)
POLICY = starter_policy(company_timezone="America/Chicago")
START = dt.datetime(2026, 5, 27)
END = dt.datetime(2026, 6, 12)

Book = list[tuple[Customer, list[Interaction]]]

books = st.lists(
    customer_histories(max_size=6, start=START, end=END),
    max_size=5,
    unique_by=lambda pair: pair[0].id,
)
"""Books of up to five customers (unique ids), each with up to six interactions of the
standard kinds in the two weeks before ``NOW`` (some after it), so that most plans
have calls."""


def customer_columns(book: Book) -> dict[str, list[Any]]:
    """The customers as columns: their fields, and each attribute a column of its own."""
    rows = []
    for customer, _ in book:
        row = customer.to_mapping()
        row["customer_since"] = customer.customer_since  # a date, as a frame holds it
        attributes = row.pop("attributes")
        rows.append({**row, **attributes})
    return _columns(rows, ("id", "timezone", "tags"))


def interaction_columns(book: Book) -> dict[str, list[Any]]:
    """The interactions as columns, ``at`` as UTC datetimes, attributes as columns."""
    rows = []
    for _, history in book:
        for made in history:
            row = made.to_mapping()
            row["at"] = made.at.astimezone(UTC)
            attributes = row.pop("attributes")
            rows.append({**row, **attributes})
    return _columns(rows, ("id", "customer_id", "kind", "at"))


def _columns(rows: Sequence[dict[str, Any]], required: Sequence[str]) -> dict[str, list[Any]]:
    names = list(dict.fromkeys([*required, *(key for row in rows for key in row)]))
    return {name: [row.get(name) for row in rows] for name in names}


def pandas_frame(columns: dict[str, list[Any]]) -> Any:
    """A pandas frame as a careful user makes one: nullable integers and booleans where a
    column has gaps (plain numpy columns would turn integers with a gap into floats),
    UTC datetimes for ``at``, objects for the rest."""
    pd = pytest.importorskip("pandas")
    data = {}
    for name, values in columns.items():
        present = [value for value in values if value is not None]
        if name == "at":
            data[name] = pd.Series(pd.to_datetime(values, utc=True), dtype="datetime64[us, UTC]")
        elif present and all(type(value) is bool for value in present):
            data[name] = pd.Series(values, dtype="boolean")
        elif present and all(type(value) is int for value in present):
            data[name] = pd.Series(values, dtype="Int64")
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def polars_frame(columns: dict[str, list[Any]]) -> Any:
    """A polars frame; an empty column of ``at`` is given its type."""
    pl = pytest.importorskip("polars")
    schema = {"at": pl.Datetime("us", "UTC")} if columns.get("at") == [] else None
    return pl.DataFrame(columns, schema_overrides=schema, strict=False)


FRAMES: dict[str, Callable[[dict[str, list[Any]]], Any]] = {
    "pandas": pandas_frame,
    "polars": polars_frame,
}


@pytest.mark.parametrize("library", sorted(FRAMES))
class TestFramesAreObjects:
    @settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
    @given(book=books)
    def test_plan_from_frames_equals_plan_from_objects(self, library: str, book: Book) -> None:
        """``plan()`` of the pairs read from frames equals ``plan()`` of the objects."""
        make = FRAMES[library]
        pairs = book_from_frames(make(customer_columns(book)), make(interaction_columns(book)))
        expected = plan(POLICY, book, now=NOW, horizon=Elapsed(days=14))
        assert expected == plan(POLICY, pairs, now=NOW, horizon=Elapsed(days=14))

    @settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
    @given(book=books)
    def test_frames_give_back_the_objects(self, library: str, book: Book) -> None:
        """The pairs read from frames are the book's, in the order of the customers' ids,
        and each customer's decision is the same."""
        make = FRAMES[library]
        pairs = list(
            book_from_frames(make(customer_columns(book)), make(interaction_columns(book)))
        )
        assert sorted(book, key=lambda pair: pair[0].id) == pairs
        for (customer, history), (read, read_history) in zip(
            sorted(book, key=lambda pair: pair[0].id), pairs, strict=True
        ):
            assert evaluate(POLICY, customer, history, now=NOW) == evaluate(
                POLICY, read, read_history, now=NOW
            )

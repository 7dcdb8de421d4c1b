"""DataFrames in and out: ``book_from_frames`` on pandas, polars and pyarrow, and the
``to_frame()`` of agendas, decisions and reports."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import pytest

from extramile import (
    Customer,
    Elapsed,
    FactTypeError,
    Interaction,
    InvalidFactError,
    InvalidPolicyError,
    PolicyTypeError,
    evaluate,
    plan,
    starter_policy,
)
from extramile.frames import book_from_frames
from extramile.reports import calls_made

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
"""Tuesday 10:00 in New York: staff are open."""
POLICY = starter_policy(company_timezone="America/New_York")
BACKENDS = ("pandas", "polars", "pyarrow")

Make = Callable[[Mapping[str, Sequence[Any]]], Any]


def maker(backend: str) -> Make:
    """A function making a frame of ``backend`` from columns (skipped if not installed)."""
    library = pytest.importorskip(backend)
    if backend == "pandas":
        return library.DataFrame  # type: ignore[no-any-return]
    if backend == "polars":
        return lambda data: library.DataFrame(data, strict=False)
    return library.table  # type: ignore[no-any-return]


@pytest.fixture(params=BACKENDS)
def make(request: pytest.FixtureRequest) -> Make:
    """A frame maker of each backend in turn."""
    return maker(request.param)


def book(
    customers: Mapping[str, Sequence[Any]],
    interactions: Mapping[str, Sequence[Any]],
    make: Make,
    **options: Any,
) -> list[tuple[Customer, list[Interaction]]]:
    """The pairs read from two frames made of ``customers`` and ``interactions``."""
    return list(book_from_frames(make(customers), make(interactions), **options))


NO_INTERACTIONS: dict[str, list[Any]] = {
    "id": ["i-0"],
    "customer_id": ["c-0"],
    "kind": ["feedback"],
    "at": [T0],
}
"""An interactions frame for tests about customers: one interaction of customer c-0."""


class TestRoundTrip:
    def test_objects_through_a_frame_come_back_equal(self, make: Make) -> None:
        """Customers and interactions written as rows of a frame (``to_mapping``) are read
        back equal, each customer with its own interactions in the frame's order, and a
        customer without any with an empty list."""
        people = [
            Customer(
                id="c-2",
                timezone="America/Chicago",
                tier="gold",
                customer_since=dt.date(2019, 5, 1),
                tags={"autopay"},
                calling_hours="09:00-19:00",
                phone="+1 312 555 0100",
                attributes={"region": "north"},
            ),
            Customer(id="c-1", do_not_call=True),
            Customer(id="c-3", timezone="Europe/Paris"),
        ]
        history = [
            Interaction(
                id="i-1",
                customer_id="c-2",
                kind="issue.opened",
                at=T0,
                issue_id="t-1",
                attributes={"severity": "critical"},
            ),
            Interaction(id="i-2", customer_id="c-1", kind="feedback", at=T0),
            Interaction(
                id="i-3",
                customer_id="c-2",
                kind="call",
                at=T0 + dt.timedelta(hours=1),
                direction="outbound",
                channel="phone",
                issue_id="t-1",
                agent="ana",
                outcome="reached",
            ),
        ]
        customer_rows = [_without_attributes(c.to_mapping()) for c in people]
        interaction_rows = [_without_attributes(i.to_mapping()) for i in history]
        pairs = book(_columns(customer_rows), _columns(interaction_rows), make)
        expected = [
            (people[1], [history[1]]),
            (people[0], [history[0], history[2]]),
            (people[2], []),
        ]
        assert expected == pairs

    def test_times_as_datetimes_in_a_zone(self, make: Make) -> None:
        """An ``at`` column of aware datetimes (the frame's own datetime type) is read as
        those instants, with plain datetimes, not the library's own types."""
        paris = dt.timezone(dt.timedelta(hours=1))
        interactions: dict[str, list[Any]] = {**NO_INTERACTIONS, "at": [T0.astimezone(paris)]}
        ((_, (made,)),) = book({"id": ["c-0"]}, interactions, make)
        assert (T0, dt.datetime) == (made.at, type(made.at))

    def test_integer_ids_become_text_and_match_across_types(self, make: Make) -> None:
        """Integer ids become their text (as ``from_mapping`` makes them), and a customer
        whose id is an integer in one frame and text in the other is matched; ids sort as
        text (``"10"`` before ``"9"``)."""
        customers = {"id": [9, 10]}
        interactions: dict[str, list[Any]] = {
            "id": [1, 2],
            "customer_id": ["10", "9"],
            "kind": ["feedback", "feedback"],
            "at": [T0, T0],
        }
        pairs = book(customers, interactions, make)
        assert [("10", ["1"], "10"), ("9", ["2"], "9")] == [
            (c.id, [i.id for i in h], h[0].customer_id) for c, h in pairs
        ]

    def test_the_book_is_an_iterator_read_as_it_is_consumed(self, make: Make) -> None:
        """The pairs are made as they are asked for: a bad row further on is refused only
        when reached, after the pairs before it."""
        pairs = book_from_frames(
            make({"id": ["c-1", "c-2"], "timezone": ["UTC", "Mars/Base"]}),
            make({**NO_INTERACTIONS, "customer_id": ["c-1"]}),
        )
        first, _ = next(pairs)
        with pytest.raises(InvalidFactError, match="customers row 1, column 'timezone'"):
            next(pairs)
        assert "c-1" == first.id


def _without_attributes(row: dict[str, Any]) -> dict[str, Any]:
    """A ``to_mapping`` row with its attributes as columns of their own."""
    attributes = row.pop("attributes")
    return {**row, **attributes}


def _columns(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Rows as columns, None where a row lacks a key."""
    names = list(dict.fromkeys(key for row in rows for key in row))
    return {name: [row.get(name) for row in rows] for name in names}


class TestMissingValues:
    def test_pandas_nan_nat_and_na_are_missing(self) -> None:
        """In pandas, NaN (a float column with a gap), NaT, None and NA leave their key out:
        the customer has no tier and no ``score`` attribute, the interaction no agent, and
        an integer issue id stored as a float (pandas' way with a gap) is its text."""
        pd = pytest.importorskip("pandas")
        customers = pd.DataFrame(
            {
                "id": ["c-1", "c-2"],
                "tier": [None, "gold"],
                "score": [float("nan"), 3.0],
                "since": pd.array([None, 7], dtype="Int64"),
            }
        )
        interactions = pd.DataFrame(
            {
                "id": ["i-1", "i-2"],
                "customer_id": ["c-1", "c-2"],
                "kind": ["feedback", "feedback"],
                "at": pd.to_datetime([T0, T0], utc=True),
                "issue_id": [7, None],
                "agent": [None, "ana"],
                "opened": pd.to_datetime([None, T0], utc=True),
            }
        )
        (one, (first,)), (two, (second,)) = list(book_from_frames(customers, interactions))
        assert (None, {}, "7", None, {}) == (
            one.tier,
            dict(one.attributes),
            first.issue_id,
            first.agent,
            dict(first.attributes),
        )
        assert ("gold", {"score": 3.0, "since": 7}, None, "ana") == (
            two.tier,
            dict(two.attributes),
            second.issue_id,
            second.agent,
        )
        assert {"opened": T0.isoformat()} == dict(second.attributes)

    def test_polars_struct_keys_filled_with_null_are_missing(self) -> None:
        """polars fills a struct's missing keys with null: those keys are left out of the
        attributes, so ``exists()`` sees them absent, as in the rows the struct was made
        of."""
        pl = pytest.importorskip("polars")
        # The struct's fields named: polars before 2.1 inferred them from the first row alone.
        customers = pl.DataFrame(
            {"id": ["c-1", "c-2"], "attributes": [{"region": "north"}, {"segment": "smb"}]},
            schema={
                "id": pl.String,
                "attributes": pl.Struct({"region": pl.String, "segment": pl.String}),
            },
        )
        assert [{"region": None, "segment": "smb"}] == customers["attributes"].to_list()[1:]
        interactions = pl.DataFrame(NO_INTERACTIONS | {"customer_id": ["c-1"]})
        pairs = list(book_from_frames(customers, interactions))
        assert [{"region": "north"}, {"segment": "smb"}] == [dict(c.attributes) for c, _ in pairs]

    def test_null_in_an_optional_column_is_the_default(self, make: Make) -> None:
        """A null ``do_not_call``, ``tags`` or ``direction`` leaves the model's default."""
        customers: dict[str, list[Any]] = {
            "id": ["c-0"],
            "do_not_call": [None],
            "tags": [None],
            "timezone": [None],
        }
        interactions = {**NO_INTERACTIONS, "direction": [None], "channel": [None]}
        ((customer, (made,)),) = book(customers, interactions, make)
        assert Customer(id="c-0") == customer
        assert Interaction(id="i-0", customer_id="c-0", kind="feedback", at=T0) == made

    def test_numpy_values_are_python_values(self) -> None:
        """numpy arrays and scalars in an object column (as pandas gives from Arrow lists)
        are read as Python lists and numbers."""
        pd = pytest.importorskip("pandas")
        np = pytest.importorskip("numpy")
        customers = pd.DataFrame(
            {
                "id": ["c-0"],
                "tags": pd.Series([np.array(["autopay"])], dtype=object),
                "visits": pd.Series([np.int64(4)], dtype=object),
            }
        )
        ((customer, _),) = list(book_from_frames(customers, pd.DataFrame(NO_INTERACTIONS)))
        assert (frozenset({"autopay"}), {"visits": 4}) == (
            customer.tags,
            dict(customer.attributes),
        )

    def test_a_pandas_midnight_datetime_is_a_date(self) -> None:
        """pandas has no date type: a naive ``customer_since`` at midnight is its date."""
        pd = pytest.importorskip("pandas")
        customers = pd.DataFrame({"id": ["c-0"], "customer_since": pd.to_datetime(["2019-05-01"])})
        ((customer, _),) = list(book_from_frames(customers, pd.DataFrame(NO_INTERACTIONS)))
        assert dt.date(2019, 5, 1) == customer.customer_since


class TestExtraColumns:
    def test_extra_columns_become_attributes_beside_an_attributes_column(self, make: Make) -> None:
        """Columns that are no field join the ``attributes`` column's keys."""
        customers: dict[str, list[Any]] = {
            "id": ["c-0"],
            "attributes": [{"region": "north"}],
            "segment": ["smb"],
        }
        interactions = {**NO_INTERACTIONS, "severity": ["high"]}
        ((customer, (made,)),) = book(customers, interactions, make)
        assert ({"region": "north", "segment": "smb"}, {"severity": "high"}) == (
            dict(customer.attributes),
            dict(made.attributes),
        )

    def test_extra_columns_ignored(self, make: Make) -> None:
        """With ``extra_columns="ignore"`` they are left out; the attributes column stays."""
        customers: dict[str, list[Any]] = {
            "id": ["c-0"],
            "attributes": [{"region": "north"}],
            "segment": ["smb"],
        }
        interactions = {**NO_INTERACTIONS, "severity": ["high"]}
        ((customer, (made,)),) = book(customers, interactions, make, extra_columns="ignore")
        assert ({"region": "north"}, {}) == (dict(customer.attributes), dict(made.attributes))

    def test_an_attribute_given_twice_is_refused(self, make: Make) -> None:
        """A column named as a key of the ``attributes`` column is refused, naming it."""
        customers: dict[str, list[Any]] = {
            "id": ["c-0"],
            "attributes": [{"region": "north"}],
            "region": ["south"],
        }
        with pytest.raises(InvalidFactError, match="customers row 0, column 'region'"):
            book(customers, NO_INTERACTIONS, make)

    def test_an_attributes_column_that_is_no_mapping_is_refused(self, make: Make) -> None:
        """An ``attributes`` column of text is refused by the model, naming it, even with
        extra columns beside it."""
        customers: dict[str, list[Any]] = {
            "id": ["c-0"],
            "attributes": ["north"],
            "segment": ["smb"],
        }
        with pytest.raises(FactTypeError, match="customers row 0, column 'attributes'"):
            book(customers, NO_INTERACTIONS, make)

    def test_a_bad_value_in_the_attributes_column_names_that_column(self, make: Make) -> None:
        """A bad value under a key of the ``attributes`` column names the column."""
        customers: dict[str, list[Any]] = {"id": ["c-0"], "attributes": [{"score": float("inf")}]}
        with pytest.raises(InvalidFactError, match="customers row 0, column 'attributes'"):
            book(customers, NO_INTERACTIONS, make)

    def test_an_unknown_option_is_refused(self, make: Make) -> None:
        """``extra_columns`` is ``"attributes"`` or ``"ignore"``."""
        with pytest.raises(InvalidPolicyError, match="extra_columns must be"):
            book({"id": ["c-0"]}, NO_INTERACTIONS, make, extra_columns="keep")


class TestBadRows:
    @pytest.mark.parametrize(
        ("customers", "message"),
        [
            (
                {"id": ["c-0", "c-1"], "timezone": ["UTC", "Mars/Base"]},
                r"customers row 1, column 'timezone': Customer.timezone must be an IANA",
            ),
            (
                {"id": ["c-0", "c-1"], "calling_hours": ["09:00-17:00", "late"]},
                r"customers row 1, column 'calling_hours'",
            ),
            (
                {"id": ["c-0", "c-1"], "score": [1.0, float("inf")]},
                r"customers row 1, column 'score': Customer.attributes\['score'\]",
            ),
            (
                {"id": ["c-0", "c-0"]},
                r"customers rows 0 and 1, column 'id': the customer 'c-0' is listed twice",
            ),
            (
                {"id": ["c-0", None]},
                r"customers row 1, column 'id': .*missing required key 'id'",
            ),
        ],
    )
    def test_a_bad_customer_row_names_its_row_and_column(
        self, make: Make, customers: dict[str, list[Any]], message: str
    ) -> None:
        """The error names the frame, the row's position and the column."""
        with pytest.raises(InvalidFactError, match=message):
            book(customers, NO_INTERACTIONS, make)

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"at": ["2026-03-10T15:00:00"]}, r"interactions row 1, column 'at': .*timezone-aware"),
            ({"customer_id": ["c-9"]}, r"interactions row 1, column 'customer_id': no row of"),
            ({"customer_id": ["a-0"]}, r"interactions row 1, column 'customer_id': no row of"),
            ({"customer_id": [None]}, r"interactions row 1, column 'customer_id': .*missing"),
            ({"kind": [" feedback "]}, r"interactions row 1, column 'kind'"),
            ({"direction": ["sideways"]}, r"interactions row 1, column 'direction'"),
        ],
    )
    def test_a_bad_interaction_row_names_its_row_and_column(
        self, make: Make, change: dict[str, list[Any]], message: str
    ) -> None:
        """The second interaction is bad: the error names its row and column."""
        good: dict[str, list[Any]] = {
            "id": ["i-0"],
            "customer_id": ["c-0"],
            "kind": ["feedback"],
            "at": ["2026-03-10T15:00:00Z"],
            "direction": ["inbound"],
        }
        bad = {"id": ["i-1"], **{k: v for k, v in good.items() if k != "id"}, **change}
        interactions = {k: good[k] + bad[k] for k in good}
        with pytest.raises(InvalidFactError, match=message):
            book({"id": ["c-0"]}, interactions, make)

    def test_a_naive_datetime_column_is_refused(self, make: Make) -> None:
        """Datetimes without a timezone are refused as the model refuses them."""
        interactions = {**NO_INTERACTIONS, "at": [dt.datetime(2026, 3, 10, 15)]}
        with pytest.raises(InvalidFactError, match=r"interactions row 0, column 'at': .*naive"):
            book({"id": ["c-0"]}, interactions, make)

    def test_personal_data_stays_out_of_the_message(self, make: Make) -> None:
        """A phone number of the wrong type is refused by its type alone."""
        customers: dict[str, list[Any]] = {"id": ["c-0"], "phone": [13125550100]}
        with pytest.raises(FactTypeError) as caught:
            book(customers, NO_INTERACTIONS, make)
        assert "customers row 0, column 'phone'" in str(caught.value)
        assert "5550100" not in str(caught.value)

    def test_a_required_column_missing(self, make: Make) -> None:
        """A frame without a required column is refused before any row is read."""
        interactions = {k: v for k, v in NO_INTERACTIONS.items() if k != "at"}
        with pytest.raises(InvalidFactError, match="interactions has no column 'at'"):
            book_from_frames(make({"id": ["c-0"]}), make(interactions))

    def test_a_reserved_column_name(self, make: Make) -> None:
        """The names the reader uses for itself are refused as columns."""
        with pytest.raises(InvalidFactError, match="kept for extramile's own use"):
            book_from_frames(make({"id": ["c-0"], "__extramile_row__": [1]}), make(NO_INTERACTIONS))

    def test_a_column_name_that_is_not_text(self) -> None:
        """pandas allows integer column names; they are refused."""
        pd = pytest.importorskip("pandas")
        with pytest.raises(FactTypeError, match="column names must be text"):
            book_from_frames(pd.DataFrame({"id": ["c-0"], 3: [1]}), pd.DataFrame(NO_INTERACTIONS))

    def test_not_a_frame(self) -> None:
        """Something that is no frame (a list of rows, a polars lazy frame) is refused."""
        with pytest.raises(FactTypeError, match="customers must be a data frame"):
            book_from_frames([{"id": "c-0"}], [])
        pl = pytest.importorskip("polars")
        with pytest.raises(FactTypeError, match="interactions must be a data frame"):
            book_from_frames(pl.DataFrame({"id": ["c-0"]}), pl.LazyFrame(NO_INTERACTIONS))

    def test_a_float_id_that_is_not_whole(self) -> None:
        """A float customer id that is not a whole number is refused by the model."""
        pd = pytest.importorskip("pandas")
        interactions = pd.DataFrame({**NO_INTERACTIONS, "customer_id": [1.5]})
        with pytest.raises(FactTypeError, match="interactions row 0, column 'customer_id'"):
            list(book_from_frames(pd.DataFrame({"id": [1]}), interactions))

    def test_whole_float_ids_are_integers(self) -> None:
        """A float id column with a gap (pandas' integers) reads whole floats as integers;
        the row with the gap is refused, naming it."""
        pd = pytest.importorskip("pandas")
        interactions = pd.DataFrame(
            {
                "id": [1.0, 2.0],
                "customer_id": [1.0, float("nan")],
                "kind": ["feedback", "feedback"],
                "at": [T0, T0],
            }
        )
        pairs = book_from_frames(pd.DataFrame({"id": [1]}), interactions)
        ((customer, (made,)),) = [next(pairs)]
        assert ("1", "1", "1") == (customer.id, made.id, made.customer_id)
        with pytest.raises(InvalidFactError, match="interactions row 1, column 'customer_id'"):
            next(pairs)


class TestWithoutNarwhals:
    def test_importing_extramile_imports_no_frame_library(self) -> None:
        """``import extramile`` (and using it) imports neither narwhals nor a frame library."""
        code = (
            "import sys, extramile, extramile.reports;"
            "print(sorted({'narwhals', 'pandas', 'polars', 'pyarrow'} & set(sys.modules)))"
        )
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "[]" == run.stdout.strip()

    def test_a_missing_narwhals_says_how_to_install_it(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without narwhals, the error says ``pip install 'extramile[frames]'``."""
        monkeypatch.setitem(sys.modules, "narwhals", None)
        with pytest.raises(ModuleNotFoundError, match=r"pip install 'extramile\[frames\]'"):
            book_from_frames(None, None)

    def test_a_missing_backend_says_how_to_install_it(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Asking for a frame of a library that is not installed names it."""
        monkeypatch.setitem(sys.modules, "polars", None)
        agenda = plan(POLICY, [], now=T0, horizon=Elapsed(days=1))
        with pytest.raises(ModuleNotFoundError, match="pip install polars"):
            agenda.to_frame("polars")


# Out.


class TestToFrame:
    def test_agenda_frame_has_the_csv_columns_and_types(self, backend: str) -> None:
        """One row a call, in agenda order, with the CSV's columns; UTC datetimes,
        integers and booleans of the backend's own types; values as ``to_rows()``."""
        pytest.importorskip(backend)
        agenda = plan(POLICY, _book(), now=T0, horizon=Elapsed(days=7))
        frame = _polars_of(agenda.to_frame(backend))
        rows = agenda.to_rows()
        assert 2 == len(rows)
        assert list(rows[0]) == list(frame.columns)
        expected = [
            {
                **row,
                "due_at": dt.datetime.fromisoformat(row["due_at"]).astimezone(UTC),
                "deadline": dt.datetime.fromisoformat(row["deadline"]).astimezone(UTC),
            }
            for row in rows
        ]
        assert expected == _utc_rows(frame.to_dicts())
        assert _types(frame) == {
            "due_at": "Datetime(time_unit='us', time_zone='UTC')",
            "attempt": "Int64",
            "at_risk": "Boolean",
            "keys": "List(String)",
            "queue": "String",
        }

    def test_decision_frame_has_a_row_a_call_and_a_suppressed_call(self, backend: str) -> None:
        """Calls, then suppressed calls, each with its ``status``; what a suppressed call
        has not is missing (nullable integers and booleans in pandas too)."""
        pytest.importorskip(backend)
        customer = Customer(id="c-1", timezone="America/New_York", do_not_call=False)
        history = [
            Interaction(
                id="i-1", customer_id="c-1", kind="billing.duplicate_charge", at=T0, issue_id="b-1"
            ),
        ]
        called = evaluate(POLICY, customer, history, now=T0)
        barred = evaluate(
            POLICY,
            Customer(id="c-1", timezone="America/New_York", do_not_call=True),
            history,
            now=T0,
        )
        ((call,),) = [called.calls]
        ((suppressed,),) = [barred.suppressed]
        both = attrs.evolve(called, suppressed=barred.suppressed)
        frame = _polars_of(both.to_frame(backend))
        (first, second) = _utc_rows(frame.to_dicts())
        assert ("call", call.key, call.attempt, False, None) == (
            first["status"],
            first["key"],
            first["attempt"],
            first["at_risk"],
            first["constraint"],
        )
        assert ("suppressed", [suppressed.key], [suppressed.rule], None, None, "do-not-call") == (
            second["status"],
            second["keys"],
            second["rules"],
            second["attempt"],
            second["due_at"],
            second["constraint"],
        )
        if backend == "pandas":
            pandas_frame = both.to_frame("pandas")
            assert ("Int64", "boolean") == (
                str(pandas_frame["attempt"].dtype),
                str(pandas_frame["extra_mile"].dtype),
            )

    def test_an_empty_decision_has_typed_columns(self, backend: str) -> None:
        """No call, no row: the columns and their types are still there."""
        pytest.importorskip(backend)
        decision = evaluate(POLICY, Customer(id="c-1"), [], now=T0)
        frame = _polars_of(decision.to_frame(backend))
        assert (0, "status", "Int64") == (
            len(frame),
            frame.columns[0],
            str(frame.schema["attempt"]),
        )

    def test_report_frame_has_proactive_and_unplanned_calls(self, backend: str) -> None:
        """One row an outbound call of the period, in time order, with its status; an
        unplanned call has no rules, deadline or on-time verdict."""
        pytest.importorskip(backend)
        customer = Customer(id="c-1", timezone="America/New_York")
        history = [
            Interaction(
                id="i-1", customer_id="c-1", kind="billing.duplicate_charge", at=T0, issue_id="b-1"
            ),
            Interaction(
                id="i-2",
                customer_id="c-1",
                kind="call",
                at=T0 + dt.timedelta(minutes=9),
                direction="outbound",
                channel="phone",
                issue_id="b-1",
                agent="ana",
            ),
            Interaction(
                id="i-3",
                customer_id="c-1",
                kind="call",
                at=T0 + dt.timedelta(hours=3),
                direction="outbound",
                channel="phone",
                agent="ben",
            ),
        ]
        report = calls_made(POLICY, [(customer, history)], start=T0, end=T0 + dt.timedelta(days=1))
        frame = _polars_of(report.to_frame(backend))
        rows = _utc_rows(frame.to_dicts())
        assert [
            ("proactive", "i-2", "ana", ["duplicate-charge-callback"], True, True),
            ("unplanned", "i-3", "ben", [], None, False),
        ] == [
            (
                r["status"],
                r["interaction_id"],
                r["agent"],
                r["rules"],
                r["on_time"],
                r["extra_mile"],
            )
            for r in rows
        ]
        assert T0 + dt.timedelta(minutes=9) == rows[0]["at"]

    @pytest.mark.parametrize(
        ("backend", "error"), [("spark", InvalidPolicyError), (3, PolicyTypeError)]
    )
    def test_an_unknown_backend_is_refused(self, backend: Any, error: type[Exception]) -> None:
        """The backend is one of pandas, polars and pyarrow."""
        agenda = plan(POLICY, [], now=T0, horizon=Elapsed(days=1))
        with pytest.raises(error, match=r"Agenda.to_frame\(\) backend must be one of"):
            agenda.to_frame(backend)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend in turn."""
    return str(request.param)


def _book() -> list[tuple[Customer, list[Interaction]]]:
    """Two customers with a call each: a duplicate charge and feedback."""
    return [
        (
            Customer(id=f"c-{n}", timezone="America/New_York"),
            [Interaction(id=f"i-{n}", customer_id=f"c-{n}", kind=kind, at=T0, issue_id="b-1")],
        )
        for n, kind in enumerate(("billing.duplicate_charge", "feedback"))
    ]


def _polars_of(native: Any) -> Any:
    """Any backend's frame as polars, to read it one way."""
    pl = pytest.importorskip("polars")
    if isinstance(native, pl.DataFrame):
        return native
    return pl.from_pandas(native) if hasattr(native, "iloc") else pl.from_arrow(native)


def _utc_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their datetimes in ``datetime.timezone.utc`` (polars gives ZoneInfo)."""
    return [
        {k: v.astimezone(UTC) if isinstance(v, dt.datetime) else v for k, v in row.items()}
        for row in rows
    ]


def _types(frame: Any) -> dict[str, str]:
    """The types of a few columns."""
    return {
        name: str(frame.schema[name]) for name in ("due_at", "attempt", "at_risk", "keys", "queue")
    }

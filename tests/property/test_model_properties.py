"""Invariants of the facts, over generated customers and interactions.

Timestamps come from every IANA zone, so daylight-saving folds and gaps are hit, as well as
fixed offsets and pendulum values (see ``strategies_model``).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import types
from typing import Any

import attrs
from hypothesis import assume, given, reject
from hypothesis import strategies as st

from extramile import Customer, ExtramileError, FrozenMap, Interaction
from strategies_model import (
    any_aware_datetimes,
    attributes,
    customers,
    interactions,
    json_values,
    rows_of,
)

UTC = dt.timezone.utc


class TestRoundTrips:
    @given(customers())
    def test_customer_mapping(self, customer: Customer) -> None:
        """A customer read back from its own mapping is equal to it."""
        assert customer == Customer.from_mapping(customer.to_mapping())

    @given(interactions())
    def test_interaction_mapping(self, interaction: Interaction) -> None:
        """An interaction read back from its own mapping is equal, with the same ts."""
        back = Interaction.from_mapping(interaction.to_mapping())

        assert (interaction, interaction.ts) == (back, back.ts)

    @given(customers())
    def test_customer_json(self, customer: Customer) -> None:
        """The mapping survives JSON, and reads back to an equal customer."""
        mapping = customer.to_mapping()
        through_json = json.loads(json.dumps(mapping))

        assert (mapping, customer) == (through_json, Customer.from_mapping(through_json))

    @given(interactions())
    def test_interaction_json(self, interaction: Interaction) -> None:
        """The mapping survives JSON, and reads back to an equal interaction."""
        mapping = interaction.to_mapping()
        through_json = json.loads(json.dumps(mapping))

        assert (mapping, interaction) == (through_json, Interaction.from_mapping(through_json))

    @given(st.one_of(customers(), interactions()))
    def test_mapping_is_stable(self, made: Customer | Interaction) -> None:
        """Writing, reading and writing again gives the same mapping."""
        mapping = made.to_mapping()

        assert mapping == type(made).from_mapping(mapping).to_mapping()

    @given(st.one_of(customers(), interactions()))
    def test_pickle(self, made: Customer | Interaction) -> None:
        """A pickled fact comes back equal, hashing alike."""
        back = pickle.loads(pickle.dumps(made))

        assert (made, hash(made)) == (back, hash(back))


class TestValueSemantics:
    @given(st.one_of(customers(), interactions()))
    def test_hashable_and_equal_to_a_rebuilt_copy(self, made: Customer | Interaction) -> None:
        """Rebuilt from its own fields, a fact is a new object, equal, hashing alike."""
        rebuilt = attrs.evolve(made)

        assert (made, hash(made), False) == (rebuilt, hash(rebuilt), rebuilt is made)

    @given(st.one_of(customers(), interactions()))
    def test_deepcopy(self, made: Customer | Interaction) -> None:
        """A deep copy is equal."""
        assert made == copy.deepcopy(made)

    @given(interactions(), st.timezones())
    def test_the_zone_of_at_does_not_matter(
        self, interaction: Interaction, zone: dt.tzinfo
    ) -> None:
        """The same instant written in another zone makes an equal interaction."""
        try:
            moved = interaction.at.astimezone(zone)
        except OverflowError:  # the instant is not writable in that zone at year 1 or 9999
            reject()
        other = attrs.evolve(interaction, at=moved)

        assert (interaction, hash(interaction), interaction.ts) == (other, hash(other), other.ts)

    @given(interactions(), st.integers(1, 10**6))
    def test_another_instant_is_another_interaction(
        self, interaction: Interaction, microseconds: int
    ) -> None:
        """Moving ``at`` by any positive amount makes an unequal interaction."""
        try:
            later = interaction.at + dt.timedelta(microseconds=microseconds)
        except OverflowError:
            reject()
        assume(later.utcoffset() == interaction.at.utcoffset())  # the same wall-clock shift

        assert interaction != attrs.evolve(interaction, at=later)

    @given(any_aware_datetimes)
    def test_ts_is_exact(self, at: dt.datetime) -> None:
        """``ts`` is the POSIX time of ``at``, as the standard library reckons it."""
        offset = at.utcoffset()
        assert offset is not None
        # Plain standard-library arithmetic, whatever kind of datetime ``at`` is.
        wall = dt.datetime(at.year, at.month, at.day, at.hour, at.minute, at.second, at.microsecond)
        since_epoch = wall - offset - dt.datetime(1970, 1, 1)
        interaction = Interaction(id="i", customer_id="c", kind="k", at=at)

        assert since_epoch / dt.timedelta(seconds=1) == interaction.ts

    @given(customers())
    def test_repr_hides_contact_data(self, customer: Customer) -> None:
        """repr is the same whatever the phone and email are: they never show."""
        assert repr(attrs.evolve(customer, phone=None, email=None)) == repr(customer)


class TestFastAndCarefulPathsAgree:
    """A dict row takes a fast path; any other mapping the careful one. They must agree."""

    @given(st.one_of(rows_of(customers()), rows_of(interactions())), st.data())
    def test_valid_rows(self, row: dict[str, Any], data: st.DataObject) -> None:
        """Both paths read a valid row to equal objects."""
        read = Customer.from_mapping if "customer_id" not in row else Interaction.from_mapping

        assert read(row) == read(types.MappingProxyType(row))

    @given(
        rows_of(interactions()),
        st.sampled_from(
            [
                "id",
                "customer_id",
                "kind",
                "at",
                "direction",
                "channel",
                "issue_id",
                "agent",
                "outcome",
                "attributes",
                "extra",
            ]
        ),
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=3),
            st.just("2026-01-01T00:00:00"),
            json_values,
            attributes,
        ),
    )
    def test_any_interaction_row(self, row: dict[str, Any], key: str, value: object) -> None:
        """With one value replaced by anything, both paths give the same object or error."""
        row = {**row, key: value}

        assert _outcome(Interaction, row) == _outcome(Interaction, types.MappingProxyType(row))

    @given(
        rows_of(customers()),
        st.sampled_from(
            [
                "id",
                "timezone",
                "tier",
                "customer_since",
                "tags",
                "do_not_call",
                "calling_hours",
                "phone",
                "email",
                "attributes",
                "extra",
            ]
        ),
        st.one_of(
            st.none(),
            st.integers(),
            st.booleans(),
            st.text(max_size=6),
            st.just("09:00-17:00"),
            st.just("2019-05-01"),
            st.lists(st.text(max_size=2), max_size=2),
            attributes,
        ),
    )
    def test_any_customer_row(self, row: dict[str, Any], key: str, value: object) -> None:
        """With one value replaced by anything, both paths give the same object or error."""
        row = {**row, key: value}

        assert _outcome(Customer, row) == _outcome(Customer, types.MappingProxyType(row))


class TestFrozenMap:
    @given(st.dictionaries(st.text(), json_values, max_size=6))
    def test_thaw_round_trip(self, data: dict[str, Any]) -> None:
        """A frozen map thaws to the JSON it came from, and freezes back to itself."""
        frozen = FrozenMap(data)
        thawed = frozen.thaw()

        assert (json.dumps(data, sort_keys=True), frozen, hash(frozen)) == (
            json.dumps(thawed, sort_keys=True),
            FrozenMap(thawed),
            hash(FrozenMap(json.loads(json.dumps(thawed)))),
        )

    @given(st.dictionaries(st.text(), json_values, max_size=6))
    def test_pickle(self, data: dict[str, Any]) -> None:
        """A frozen map pickles to an equal map."""
        frozen = FrozenMap(data)

        assert frozen == pickle.loads(pickle.dumps(frozen))


def _outcome(cls: type[Customer] | type[Interaction], row: Any) -> object:
    """What reading ``row`` gives: the object, or the error's type and message."""
    try:
        return cls.from_mapping(row)
    except ExtramileError as error:
        return (type(error), str(error))

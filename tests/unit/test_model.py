"""Customer and Interaction: construction, validation, mappings, equality."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import enum
import math
import pickle
import types
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import pendulum
import pytest

from extramile import (
    Channel,
    Customer,
    Direction,
    ExtramileError,
    FactsError,
    FactTypeError,
    FrozenMap,
    Interaction,
    InvalidFactError,
    Window,
)

UTC = dt.timezone.utc
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
AT = dt.datetime(2026, 11, 25, 16, 0, tzinfo=UTC)

#: Row readers: the fast path takes a dict, any other mapping takes the careful path.
READERS: dict[str, Callable[[dict[str, Any]], Mapping[str, Any]]] = {
    "dict": lambda row: row,
    "mappingproxy": types.MappingProxyType,
}


@pytest.fixture(params=sorted(READERS))
def as_row(request: pytest.FixtureRequest) -> Callable[[dict[str, Any]], Mapping[str, Any]]:
    """Each test taking ``as_row`` runs once for each path through from_mapping."""
    reader: Callable[[dict[str, Any]], Mapping[str, Any]] = READERS[request.param]
    return reader


def interaction_row(**changes: Any) -> dict[str, Any]:
    """A valid interaction row, with ``changes``; a change to ``...`` removes the key."""
    row: dict[str, Any] = {
        "id": "i-1",
        "customer_id": "c-1",
        "kind": "issue.opened",
        "at": "2026-11-25T16:00:00Z",
        "direction": "inbound",
        "channel": "phone",
        "issue_id": "t-1",
        "attributes": {"severity": "high"},
    }
    row.update(changes)
    return {key: value for key, value in row.items() if value is not ...}


def customer_row(**changes: Any) -> dict[str, Any]:
    """A valid customer row, with ``changes``; a change to ``...`` removes the key."""
    row: dict[str, Any] = {
        "id": "c-1",
        "timezone": "America/Chicago",
        "tier": "gold",
        "customer_since": "2019-05-01",
        "tags": ["autopay"],
        "phone": "+1 312 555 0100",
        "email": "pat@example.com",
    }
    row.update(changes)
    return {key: value for key, value in row.items() if value is not ...}


def make_interaction(**changes: Any) -> Interaction:
    """A valid interaction built by keyword, with ``changes``."""
    fields: dict[str, Any] = {"id": "i-1", "customer_id": "c-1", "kind": "feedback", "at": AT}
    fields.update(changes)
    return Interaction(**fields)


def raised(kind: type[Exception], call: Callable[[], object]) -> Exception:
    """The exception of ``kind`` that ``call`` raises."""
    with pytest.raises(kind) as info:
        call()
    return info.value


class TestInteractionConstruction:
    def test_keeps_the_values_given(self) -> None:
        """Every field keeps its value; strings for direction and channel become members."""
        made = make_interaction(
            direction="outbound",
            channel="email",
            issue_id="t-9",
            agent="a-1",
            outcome="reached",
            attributes={"severity": "high"},
        )

        assert (
            "i-1",
            "c-1",
            "feedback",
            AT,
            Direction.OUTBOUND,
            Channel.EMAIL,
            "t-9",
            "a-1",
            "reached",
            FrozenMap({"severity": "high"}),
        ) == (
            made.id,
            made.customer_id,
            made.kind,
            made.at,
            made.direction,
            made.channel,
            made.issue_id,
            made.agent,
            made.outcome,
            made.attributes,
        )

    def test_defaults(self) -> None:
        """Inbound, system, no issue, agent, outcome or attributes unless said."""
        made = make_interaction()

        assert (Direction.INBOUND, Channel.SYSTEM, None, None, None, FrozenMap()) == (
            made.direction,
            made.channel,
            made.issue_id,
            made.agent,
            made.outcome,
            made.attributes,
        )

    @pytest.mark.parametrize(
        "at",
        [
            dt.datetime(2026, 3, 29, 1, 30, tzinfo=PARIS),
            dt.datetime(2026, 3, 29, 3, 30, tzinfo=PARIS),
            pendulum.datetime(2026, 3, 29, 3, 30, tz="Europe/Paris"),
            dt.datetime(2026, 3, 29, 5, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, seconds=7))),
        ],
        ids=["zoneinfo-before-dst", "zoneinfo-after-dst", "pendulum", "odd-offset"],
    )
    def test_ts_is_the_posix_seconds_of_at(self, at: dt.datetime) -> None:
        """``ts`` is the exact POSIX time of ``at``, for any kind of aware datetime."""
        expected = calendar.timegm(at.utctimetuple())  # whole seconds: exact as a float

        assert expected == make_interaction(at=at).ts

    def test_keeps_a_pendulum_datetime(self) -> None:
        """A pendulum DateTime is kept as given, so hosts get back what they handed in."""
        at = pendulum.datetime(2026, 11, 25, 10, tz="America/Chicago")

        assert (pendulum.DateTime, at) == (type(make_interaction(at=at).at), at)

    def test_pickled_with_a_pendulum_datetime_in_the_repeated_hour(self) -> None:
        """01:30 EST on the fall-back night, given as pendulum's DateTime, is the same
        instant once pickled (pendulum drops ``fold``, which made it 01:30 EDT while
        ``ts`` stayed: an interaction that no longer equalled itself)."""
        at = pendulum.DateTime(
            2026, 11, 1, 1, 30, tzinfo=pendulum.timezone("America/New_York"), fold=1
        )
        made = make_interaction(at=at)
        back = pickle.loads(pickle.dumps(made))
        assert (True, at.timestamp(), at.timestamp(), "2026-11-01T01:30:00-05:00") == (
            back == made,
            back.at.timestamp(),
            back.ts,
            back.to_mapping()["at"],
        )

    def test_is_frozen(self) -> None:
        """Fields cannot be assigned or deleted."""
        made = make_interaction()

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            made.kind = "call"  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            del made.kind
        assert "feedback" == made.kind

    def test_evolve_revalidates(self) -> None:
        """``attrs.evolve`` builds through the validating constructor."""
        made = make_interaction()

        error = raised(InvalidFactError, lambda: attrs.evolve(made, kind=" "))

        assert "Interaction.kind" in str(error)
        assert "call" == attrs.evolve(made, kind="call").kind


class TestInteractionErrors:
    def test_naive_at(self) -> None:
        """A naive ``at`` is a ValueError naming the field and showing the value."""
        error = raised(
            InvalidFactError, lambda: make_interaction(at=dt.datetime(2026, 3, 8, 2, 30))
        )

        assert isinstance(error, FactsError)
        assert isinstance(error, ValueError)
        assert (
            "Interaction.at must be timezone-aware (got naive datetime 2026-03-08 02:30:00)"
            == str(error)
        )

    @pytest.mark.parametrize(
        "at",
        [
            dt.datetime(1, 1, 2, tzinfo=dt.timezone.utc),
            dt.datetime(9999, 1, 1, 12, tzinfo=dt.timezone.utc),
            dt.datetime(1, 12, 31, 23, 59, tzinfo=dt.timezone.utc),
        ],
        ids=["year-1", "year-9999", "end-of-year-1"],
    )
    def test_at_outside_the_calendar_the_library_works_in(self, at: dt.datetime) -> None:
        """The library works between the years 2 and 9998, as ``now`` must lie; an
        interaction outside them used to be taken, and crashed the engine later with
        ``ValueError: year 0 is out of range``."""
        error = raised(InvalidFactError, lambda: make_interaction(at=at))

        assert f"Interaction.at must lie in the years 2 to 9998 (got {at.isoformat()})" == str(
            error
        )

    def test_the_last_day_of_the_year_9998_is_in(self) -> None:
        """ "The years 2 to 9998" include all of 31 December 9998 (noon was refused)."""
        at = dt.datetime(9998, 12, 31, 12, tzinfo=dt.timezone.utc)
        assert at.timestamp() == make_interaction(at=at).ts

    def test_at_with_a_zone_that_gives_no_offset(self) -> None:
        """A tzinfo whose utcoffset is None leaves the datetime naive."""

        class Vague(dt.tzinfo):
            def utcoffset(self, moment: dt.datetime | None) -> None:
                return None

            def dst(self, moment: dt.datetime | None) -> None:
                return None

            def tzname(self, moment: dt.datetime | None) -> str:
                return "vague"

        error = raised(
            InvalidFactError, lambda: make_interaction(at=dt.datetime(2026, 1, 1, tzinfo=Vague()))
        )

        assert "Interaction.at must be timezone-aware" in str(error)

    @pytest.mark.parametrize(
        "at",
        ["2026-11-25T16:00:00Z", 1_764_086_400, dt.date(2026, 11, 25), dt.time(16, 0), None],
    )
    def test_at_of_the_wrong_type(self, at: object) -> None:
        """Anything but a datetime for ``at`` is a FactTypeError, also a TypeError."""
        error = raised(FactTypeError, lambda: make_interaction(at=at))

        assert isinstance(error, TypeError)
        assert str(error).startswith("Interaction.at must be a timezone-aware datetime (got ")

    @pytest.mark.parametrize("field", ["id", "customer_id", "kind", "issue_id"])
    @pytest.mark.parametrize("blank", ["", " ", "\t\n", "\u2003"])
    def test_blank_identifiers(self, field: str, blank: str) -> None:
        """An empty or blank identifier is a ValueError naming the field."""
        error = raised(InvalidFactError, lambda: make_interaction(**{field: blank}))

        assert isinstance(error, ValueError)
        assert f"Interaction.{field} must be a non-empty str (got {blank!r})" == str(error)

    @pytest.mark.parametrize("field", ["id", "customer_id", "kind", "issue_id"])
    def test_identifier_of_the_wrong_type(self, field: str) -> None:
        """An int identifier given by keyword is a TypeError (from_mapping converts it)."""
        error = raised(FactTypeError, lambda: make_interaction(**{field: 7}))

        assert isinstance(error, TypeError)
        assert f"Interaction.{field} must be a non-empty str (got int 7)" == str(error)

    @pytest.mark.parametrize(
        ("field", "value", "allowed"),
        [
            ("direction", "sideways", "'inbound', 'outbound'"),
            ("direction", "INBOUND", "'inbound', 'outbound'"),
            ("channel", "pigeon", "'phone', 'email', 'chat', 'visit', 'web', 'system'"),
            ("channel", "phone ", "'phone', 'email', 'chat', 'visit', 'web', 'system'"),
        ],
    )
    def test_unknown_direction_or_channel(self, field: str, value: str, allowed: str) -> None:
        """An unknown string is a ValueError naming the field and the allowed values."""
        error = raised(InvalidFactError, lambda: make_interaction(**{field: value}))

        assert f"Interaction.{field} must be one of {allowed} (got {value!r})" == str(error)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("direction", 1),
            ("direction", None),
            ("direction", ["inbound"]),
            ("direction", Channel.PHONE),
            ("channel", b"phone"),
            ("channel", {"phone"}),
            ("channel", Direction.INBOUND),
        ],
    )
    def test_direction_or_channel_of_the_wrong_kind(self, field: str, value: object) -> None:
        """A non-string (even an unhashable one) or the other enum is refused."""
        expected = InvalidFactError if isinstance(value, str) else FactTypeError

        error = raised(FactsError, lambda: make_interaction(**{field: value}))

        assert expected is type(error)
        assert f"Interaction.{field} must be one of" in str(error)

    @pytest.mark.parametrize("field", ["agent", "outcome"])
    def test_optional_text_of_the_wrong_type(self, field: str) -> None:
        """agent and outcome are str or None."""
        error = raised(FactTypeError, lambda: make_interaction(**{field: 3}))

        assert f"Interaction.{field} must be a str or None (got int 3)" == str(error)

    def test_attributes_not_json(self) -> None:
        """An attribute value that is not JSON-like is refused with its path."""
        error = raised(
            InvalidFactError, lambda: make_interaction(attributes={"x": [1, float("nan")]})
        )

        assert "Interaction.attributes['x'][1] must be a finite number (got nan)" == str(error)

    def test_attributes_not_a_mapping(self) -> None:
        """Attributes must be a mapping."""
        error = raised(FactTypeError, lambda: make_interaction(attributes=[("a", 1)]))

        assert "Interaction.attributes must be a mapping (got list with 1 item)" == str(error)


class TestInteractionFromMapping:
    def test_reads_a_row(self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]) -> None:
        """A row gives the same interaction as the keyword constructor."""
        expected = make_interaction(
            kind="issue.opened",
            direction=Direction.INBOUND,
            channel=Channel.PHONE,
            issue_id="t-1",
            attributes={"severity": "high"},
        )

        assert expected == Interaction.from_mapping(as_row(interaction_row()))

    @pytest.mark.parametrize(
        ("text", "hours"),
        [
            ("2026-11-25T16:00:00Z", 0),
            ("2026-11-25T17:00:00+01:00", 1),
            ("2026-11-25T11:00:00.000000-05:00", -5),
            ("2026-11-25 16:00:00+00:00", 0),
        ],
    )
    def test_reads_iso_timestamps(
        self, text: str, hours: int, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """``at`` is any ISO-8601 timestamp with an offset or Z, kept in its offset."""
        made = Interaction.from_mapping(as_row(interaction_row(at=text)))

        assert (AT, dt.timedelta(hours=hours)) == (made.at, made.at.utcoffset())

    def test_reads_an_aware_datetime(
        self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """``at`` may already be an aware datetime."""
        at = dt.datetime(2026, 11, 25, 17, tzinfo=PARIS)

        assert at is Interaction.from_mapping(as_row(interaction_row(at=at))).at

    def test_integer_ids_become_strings(
        self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """Databases hand out integer ids; they become strings."""
        made = Interaction.from_mapping(as_row(interaction_row(id=7, customer_id=8, issue_id=9)))

        assert ("7", "8", "9") == (made.id, made.customer_id, made.issue_id)

    def test_a_bool_is_not_an_id(
        self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """True is an int to Python, but not an id."""
        error = raised(
            FactTypeError, lambda: Interaction.from_mapping(as_row(interaction_row(id=True)))
        )

        assert "Interaction.id must be a non-empty str (got bool True)" == str(error)

    def test_only_required_keys(
        self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """The four required keys are enough; the rest take their defaults."""
        row = {"id": "i-1", "customer_id": "c-1", "kind": "feedback", "at": "2026-11-25T16:00Z"}

        assert make_interaction() == Interaction.from_mapping(as_row(row))

    @pytest.mark.parametrize("key", ["id", "customer_id", "kind", "at"])
    @pytest.mark.parametrize("how", ["absent", "None"])
    def test_missing_required_key(
        self, key: str, how: str, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """A required key that is absent or None is a ValueError naming the key."""
        row = interaction_row(**{key: ... if how == "absent" else None})

        error = raised(InvalidFactError, lambda: Interaction.from_mapping(as_row(row)))

        assert isinstance(error, ValueError)
        assert f"Interaction.from_mapping: missing required key {key!r}" == str(error)

    @pytest.mark.parametrize("text", ["yesterday", "", "2026-13-01T00:00:00Z", "2026-11-25T25:00Z"])
    def test_unparseable_timestamp(
        self, text: str, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """A timestamp that does not parse is a ValueError naming the key and the text."""
        error = raised(
            InvalidFactError, lambda: Interaction.from_mapping(as_row(interaction_row(at=text)))
        )

        assert (
            "Interaction.at must be an ISO-8601 timestamp with an offset, such as"
            f" '2026-11-25T16:00:00Z' (got {text!r})"
        ) == str(error)

    @pytest.mark.parametrize("text", ["2026-11-25T16:00:00", "2026-11-25"])
    def test_naive_timestamp(
        self, text: str, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """A timestamp without an offset is a ValueError saying how to fix it."""
        error = raised(
            InvalidFactError, lambda: Interaction.from_mapping(as_row(interaction_row(at=text)))
        )

        assert f"Interaction.at must be timezone-aware: add an offset or 'Z' (got {text!r})" == str(
            error
        )

    def test_unknown_keys(self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]) -> None:
        """Unknown keys are a ValueError naming each of them, and the keys expected."""
        row = interaction_row(severity="high", ts=0.0)

        error = raised(InvalidFactError, lambda: Interaction.from_mapping(as_row(row)))

        assert (
            "Interaction.from_mapping got unknown key(s) 'severity', 'ts'; expected some of"
            " agent, at, attributes, channel, customer_id, direction, id, issue_id, kind, outcome"
        ) == str(error)

    def test_a_key_that_is_not_a_string(
        self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """A non-string key is unknown too."""
        row: dict[Any, Any] = interaction_row()
        row[3] = "x"

        error = raised(InvalidFactError, lambda: Interaction.from_mapping(as_row(row)))

        assert "Interaction.from_mapping got unknown key(s) '3';" in str(error)

    def test_a_key_named_like_the_instance(self) -> None:
        """``self`` in a row is an unknown key, not a clash with the constructor."""
        error = raised(InvalidFactError, lambda: Interaction.from_mapping(interaction_row(self=1)))

        assert "unknown key(s) 'self'" in str(error)

    @pytest.mark.parametrize("row", [None, [("id", "i-1")], "id=i-1"])
    def test_not_a_mapping(self, row: object) -> None:
        """A row must be a mapping."""
        error = raised(FactTypeError, lambda: Interaction.from_mapping(row))  # type: ignore[arg-type]

        assert str(error).startswith("Interaction.from_mapping needs a mapping (got ")

    @pytest.mark.parametrize(
        ("changes", "kind", "message"),
        [
            ({"direction": "sideways"}, InvalidFactError, "Interaction.direction must be one of"),
            ({"channel": None}, FactTypeError, "Interaction.channel must be one of"),
            ({"kind": ""}, InvalidFactError, "Interaction.kind must be a non-empty str"),
            ({"agent": 5}, FactTypeError, "Interaction.agent must be a str or None"),
            ({"attributes": {"x": {1}}}, InvalidFactError, "Interaction.attributes['x']"),
        ],
    )
    def test_bad_values_name_their_field(
        self,
        changes: dict[str, Any],
        kind: type[Exception],
        message: str,
        as_row: Callable[[dict[str, Any]], Mapping[str, Any]],
    ) -> None:
        """A bad value in a row raises the constructor's error for that field."""
        error = raised(kind, lambda: Interaction.from_mapping(as_row(interaction_row(**changes))))

        assert message == str(error)[: len(message)]

    def test_an_offset_under_a_second_is_written_in_utc(self) -> None:
        """Python reads ``+00:00:00.000001`` back as UTC, so such an instant is written in
        UTC: writing, reading and writing again gives the same text and the same instant."""
        tiny = dt.timezone(dt.timedelta(microseconds=1))
        made = make_interaction(at=dt.datetime(2020, 1, 1, tzinfo=tiny))
        back = Interaction.from_mapping(made.to_mapping())

        assert ("2019-12-31T23:59:59.999999+00:00", made, made.to_mapping()) == (
            made.to_mapping()["at"],
            back,
            back.to_mapping(),
        )

    def test_to_mapping(self) -> None:
        """The mapping is plain JSON values, with every key."""
        made = make_interaction(
            at=dt.datetime(2026, 3, 29, 3, 30, tzinfo=PARIS),
            direction="outbound",
            attributes={"tags": ("a", "b"), "nested": {"n": 1}},
        )

        assert {
            "id": "i-1",
            "customer_id": "c-1",
            "kind": "feedback",
            "at": "2026-03-29T03:30:00+02:00",
            "direction": "outbound",
            "channel": "system",
            "issue_id": None,
            "agent": None,
            "outcome": None,
            "attributes": {"tags": ["a", "b"], "nested": {"n": 1}},
        } == made.to_mapping()


class TestInteractionEquality:
    def test_equal_by_value(self) -> None:
        """Two interactions built from the same values are equal and hash alike."""
        first, second = (
            make_interaction(attributes={"a": [1]}),
            make_interaction(attributes={"a": [1]}),
        )

        assert (True, hash(first)) == (first == second, hash(second))

    def test_same_instant_in_another_zone_is_equal(self) -> None:
        """``at`` is compared as an instant, whatever zone it is written in."""
        paris = make_interaction(at=AT.astimezone(PARIS))

        assert (make_interaction(), hash(make_interaction())) == (paris, hash(paris))

    @pytest.mark.parametrize(
        "at",
        [
            dt.datetime(2026, 11, 1, 1, 30, fold=0, tzinfo=NEW_YORK),
            dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
            dt.datetime(2026, 3, 8, 2, 30, tzinfo=NEW_YORK),
        ],
        ids=["fold-0", "fold-1", "gap"],
    )
    def test_ambiguous_and_imaginary_times_equal_their_instant(self, at: dt.datetime) -> None:
        """Read back through its mapping, an interaction in a fold or gap equals itself.

        The standard library says such datetimes differ from every datetime of another zone.
        """
        made = make_interaction(at=at)
        back = Interaction.from_mapping(made.to_mapping())

        assert (made, hash(made)) == (back, hash(back))

    def test_the_two_sides_of_a_fold_differ(self) -> None:
        """01:30 before and after the clocks go back are an hour apart, and not equal."""
        first = make_interaction(at=dt.datetime(2026, 11, 1, 1, 30, fold=0, tzinfo=NEW_YORK))
        second = make_interaction(at=dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK))

        assert (False, 3600.0) == (first == second, second.ts - first.ts)

    def test_a_microsecond_apart_is_not_equal(self) -> None:
        """Equality is exact, even far from 1970 where float seconds lose microseconds."""
        at = dt.datetime(9000, 1, 1, tzinfo=UTC)
        first, second = (
            make_interaction(at=at),
            make_interaction(at=at + dt.timedelta(microseconds=1)),
        )

        assert (first.ts, False) == (second.ts, first == second)

    @pytest.mark.parametrize(
        "field",
        [
            "id",
            "customer_id",
            "kind",
            "direction",
            "channel",
            "issue_id",
            "agent",
            "outcome",
            "attributes",
        ],
    )
    def test_every_field_counts(self, field: str) -> None:
        """Changing any one field makes a different interaction."""
        other = {
            "id": "i-2",
            "customer_id": "c-2",
            "kind": "call",
            "direction": "outbound",
            "channel": "web",
            "issue_id": "t-2",
            "agent": "a-2",
            "outcome": "voicemail",
            "attributes": {"a": 1},
        }[field]

        assert make_interaction() != make_interaction(**{field: other})

    def test_pickles(self) -> None:
        """A pickled interaction comes back equal, with its zone and its ts."""
        made = make_interaction(
            at=pendulum.datetime(2026, 3, 29, 3, 30, tz="Europe/Paris"),
            attributes={"a": [1, {"b": 2}]},
        )

        back = pickle.loads(pickle.dumps(made))

        assert (made, made.at.tzinfo, made.ts) == (back, back.at.tzinfo, back.ts)

    def test_copies_are_equal(self) -> None:
        """copy and deepcopy give equal interactions."""
        made = make_interaction(attributes={"a": [1]})

        assert (made, made) == (copy.copy(made), copy.deepcopy(made))


class TestCustomerConstruction:
    def test_keeps_the_values_given(self) -> None:
        """Every field keeps its value; collections are frozen."""
        made = Customer(
            id="c-1",
            timezone="Europe/Paris",
            tier="gold",
            customer_since=dt.date(2019, 5, 1),
            tags=["autopay", "paperless"],
            do_not_call=True,
            calling_hours="09:00-20:00",
            phone="+33 1 23 45 67 89",
            email="pat@example.com",
            attributes={"plan": "fiber"},
        )

        assert (
            "c-1",
            "Europe/Paris",
            "gold",
            dt.date(2019, 5, 1),
            frozenset({"autopay", "paperless"}),
            True,
            Window("09:00", "20:00"),
            "+33 1 23 45 67 89",
            "pat@example.com",
            FrozenMap({"plan": "fiber"}),
        ) == (
            made.id,
            made.timezone,
            made.tier,
            made.customer_since,
            made.tags,
            made.do_not_call,
            made.calling_hours,
            made.phone,
            made.email,
            made.attributes,
        )

    def test_defaults(self) -> None:
        """Only the id is required."""
        made = Customer(id="c-1")

        assert (None, None, None, frozenset(), False, None, None, None, FrozenMap()) == (
            made.timezone,
            made.tier,
            made.customer_since,
            made.tags,
            made.do_not_call,
            made.calling_hours,
            made.phone,
            made.email,
            made.attributes,
        )

    @pytest.mark.parametrize(
        "tags",
        [["a", "b"], ("a", "b"), {"a", "b"}, frozenset({"a", "b"}), iter(["a", "b", "a"])],
        ids=["list", "tuple", "set", "frozenset", "iterator"],
    )
    def test_tags_from_any_collection(self, tags: Any) -> None:
        """Tags may come as any collection of strings; they become a frozenset."""
        assert frozenset({"a", "b"}) == Customer(id="c-1", tags=tags).tags

    @pytest.mark.parametrize(
        "hours",
        [
            "09:00-20:00",
            " 09:00 - 20:00 ",
            {"start": "09:00", "end": "20:00"},
            Window(32_400, 72_000),
            {"start": dt.time(9), "end": dt.time(20)},
        ],
    )
    def test_calling_hours(self, hours: Any) -> None:
        """Calling hours come as a Window, 'HH:MM-HH:MM' or a start/end mapping."""
        assert Window("09:00", "20:00") == Customer(id="c-1", calling_hours=hours).calling_hours

    def test_calling_hours_read_twice_are_equal(self) -> None:
        """Parsed windows are remembered; the second reading equals the first."""
        first = Customer(id="c-1", calling_hours="07:15-19:45").calling_hours
        second = Customer(id="c-2", calling_hours="07:15-19:45").calling_hours

        assert (Window("07:15", "19:45"), first) == (second, second)

    def test_a_pendulum_date_becomes_a_plain_date(self) -> None:
        """customer_since accepts pendulum's Date and keeps a plain date."""
        made = Customer(id="c-1", customer_since=pendulum.date(2019, 5, 1))

        assert (dt.date, dt.date(2019, 5, 1)) == (type(made.customer_since), made.customer_since)

    def test_repr_hides_phone_and_email(self) -> None:
        """Personal contact data never shows in repr (logs, tracebacks, explanations)."""
        made = Customer(id="c-1", phone="+1 312 555 0199", email="secret.pat@example.com")

        text = repr(made)

        assert (False, False, True) == ("555 0199" in text, "secret.pat" in text, "c-1" in text)

    def test_is_frozen(self) -> None:
        """Fields cannot be assigned."""
        made = Customer(id="c-1")

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            made.do_not_call = True  # type: ignore[misc]
        assert made.do_not_call is False

    def test_evolve_revalidates(self) -> None:
        """attrs.evolve goes through validation, and leaves the original as it was."""
        made = Customer(id="c-1", timezone="Europe/Paris")

        error = raised(InvalidFactError, lambda: attrs.evolve(made, timezone="Mars/Olympus"))

        assert ("Europe/Paris", True) == (made.timezone, "Customer.timezone" in str(error))


class TestCustomerErrors:
    @pytest.mark.parametrize(
        "zone", ["Mars/Olympus", "", "europe/paris", " Europe/Paris", "Europe/Paris\n", "../etc"]
    )
    def test_unknown_timezone(self, zone: str) -> None:
        """An unknown zone name is a ValueError naming the field and the value."""
        error = raised(InvalidFactError, lambda: Customer(id="c-1", timezone=zone))

        assert isinstance(error, ValueError)
        assert (
            "Customer.timezone must be an IANA timezone name such as 'Europe/Paris',"
            f" or None when unknown (got {zone!r})"
        ) == str(error)

    def test_timezone_of_the_wrong_type(self) -> None:
        """A tzinfo object other than a ZoneInfo is not a zone name."""
        fixed = dt.timezone(dt.timedelta(hours=1))
        error = raised(FactTypeError, lambda: Customer(id="c-1", timezone=fixed))  # type: ignore[arg-type]

        assert isinstance(error, TypeError)
        assert "Customer.timezone must be an IANA timezone name" in str(error)

    @pytest.mark.parametrize("blank", ["", "   ", "\n"])
    def test_blank_id(self, blank: str) -> None:
        """An empty or blank id is a ValueError naming the field."""
        error = raised(InvalidFactError, lambda: Customer(id=blank))

        assert f"Customer.id must be a non-empty str (got {blank!r})" == str(error)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"id": 5}, "Customer.id must be a non-empty str (got int 5)"),
            ({"tier": 1}, "Customer.tier must be a str or None (got int 1)"),
            ({"phone": 3125550100}, "Customer.phone must be a str or None (got int)"),
            ({"email": b"a@b"}, "Customer.email must be a str or None (got bytes)"),
            ({"tags": "autopay"}, "Customer.tags must be a collection of str (got 'autopay')"),
            ({"tags": 3}, "Customer.tags must be a collection of str (got int 3)"),
            (
                {"tags": {"autopay": True, "paperless": False}},
                "Customer.tags must be a collection of str, not a mapping (got dict",
            ),
            ({"tags": ["a", 1]}, "Customer.tags must hold str (got int 1)"),
            ({"tags": [["a"]]}, "Customer.tags must hold str (got list ['a'])"),
            ({"tags": ("a", {"b": 1})}, "Customer.tags must hold str (got dict {'b': 1})"),
            ({"tags": iter([["a"]])}, "Customer.tags must hold str (got list ['a'])"),
            ({"do_not_call": "yes"}, "Customer.do_not_call must be a bool (got 'yes')"),
            ({"do_not_call": 1}, "Customer.do_not_call must be a bool (got int 1)"),
            (
                {"customer_since": "2019-05-01"},
                "Customer.customer_since must be a datetime.date (got '2019-05-01')",
            ),
            (
                {"customer_since": dt.datetime(2019, 5, 1)},
                (
                    "Customer.customer_since must be a datetime.date"
                    " (got datetime datetime.datetime(2019, 5, 1, 0, 0))"
                ),
            ),
            ({"calling_hours": 9}, "Customer.calling_hours must be a Window, 'HH:MM-HH:MM' or"),
            (
                {"calling_hours": {"start": "09:00"}},
                "Customer.calling_hours: Window.end must be a clock time",
            ),
            ({"attributes": "plan=fiber"}, "Customer.attributes must be a mapping (got str)"),
        ],
    )
    def test_wrong_types(self, changes: dict[str, Any], message: str) -> None:
        """A value of the wrong Python type is a FactTypeError, also a TypeError."""
        error = raised(FactTypeError, lambda: Customer(**{"id": "c-1", **changes}))

        assert isinstance(error, TypeError)
        assert message == str(error)[: len(message)]

    @pytest.mark.parametrize(
        ("hours", "message"),
        [
            ("21:00-08:00", "Customer.calling_hours: Window.start must be before Window.end"),
            ("9-17", "Customer.calling_hours: Window.start must be a clock time"),
            ("09:00", "Customer.calling_hours: Window must be written 'HH:MM-HH:MM'"),
        ],
    )
    def test_bad_calling_hours(self, hours: str, message: str) -> None:
        """A bad calling window is a FactsError (the customer's fact), naming the field."""
        error = raised(InvalidFactError, lambda: Customer(id="c-1", calling_hours=hours))

        assert message == str(error)[: len(message)]

    @pytest.mark.parametrize("since", [dt.date(1, 6, 1), dt.date(9999, 12, 31)])
    def test_customer_since_outside_the_calendar_the_library_works_in(self, since: dt.date) -> None:
        """A relationship that starts outside the years 2 to 9998 is refused: its
        anniversaries cannot be worked out (``year 10000 is out of range``)."""
        error = raised(InvalidFactError, lambda: Customer(id="c-1", customer_since=since))

        assert (
            f"Customer.customer_since must lie in the years 2 to 9998 (got {since.isoformat()})"
            == str(error)
        )

    def test_str_enum_members_are_taken_as_their_text(self) -> None:
        """Hosts keep kinds and ids in str enums: a member is taken as the plain str it
        holds (it used to be refused as "not a str"), as direction and channel are."""

        class Kind(str, enum.Enum):
            OPENED = "issue.opened"
            VIP = "vip"

        made = make_interaction(kind=Kind.OPENED, issue_id=Kind.VIP, agent=Kind.VIP)
        customer = Customer(id=Kind.VIP, tier=Kind.VIP, tags=[Kind.VIP])
        values = [made.kind, made.issue_id, made.agent, customer.id, customer.tier, *customer.tags]
        assert (["issue.opened", "vip", "vip", "vip", "vip", "vip"], {str}) == (
            values,
            {type(value) for value in values},
        )

    def test_an_integer_id_too_long_to_write(self) -> None:
        """``from_mapping`` writes integer ids as text; one of 5,000 digits is refused
        as an id of the wrong type (it used to escape as a bare ``ValueError``)."""
        error = raised(FactTypeError, lambda: Customer.from_mapping({"id": 10**5000}))
        assert "Customer.id must be a non-empty str (got int of 5001 digits)" == str(error)

    def test_a_bad_calling_window_is_not_remembered(self) -> None:
        """A window that failed to parse fails again."""
        for _ in range(2):
            raised(InvalidFactError, lambda: Customer(id="c-1", calling_hours="20:00-20:00"))


class TestCustomerFromMapping:
    def test_reads_a_row(self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]) -> None:
        """A row gives the same customer as the keyword constructor."""
        expected = Customer(
            id="c-1",
            timezone="America/Chicago",
            tier="gold",
            customer_since=dt.date(2019, 5, 1),
            tags={"autopay"},
            phone="+1 312 555 0100",
            email="pat@example.com",
        )

        assert expected == Customer.from_mapping(as_row(customer_row()))

    def test_reads_every_key(self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]) -> None:
        """Calling hours, do-not-call and attributes are read too."""
        row = customer_row(calling_hours="08:30-18:00", do_not_call=True, attributes={"n": 2})

        made = Customer.from_mapping(as_row(row))

        assert (Window("08:30", "18:00"), True, FrozenMap({"n": 2})) == (
            made.calling_hours,
            made.do_not_call,
            made.attributes,
        )

    @pytest.mark.parametrize(
        "since", [dt.date(2019, 5, 1), pendulum.date(2019, 5, 1), "2019-05-01"]
    )
    def test_customer_since(
        self, since: Any, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """customer_since is an ISO-8601 date string or a date."""
        made = Customer.from_mapping(as_row(customer_row(customer_since=since)))

        assert (dt.date, dt.date(2019, 5, 1)) == (type(made.customer_since), made.customer_since)

    def test_integer_id(self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]) -> None:
        """An integer id becomes a string."""
        assert "42" == Customer.from_mapping(as_row(customer_row(id=42))).id

    def test_integer_id_with_an_iterator_of_tags(self) -> None:
        """The careful path sees the tags whole although the fast one was tried first."""
        made = Customer.from_mapping(customer_row(id=42, tags=iter(["a", "b"])))

        assert ("42", frozenset({"a", "b"})) == (made.id, made.tags)

    @pytest.mark.parametrize("how", ["absent", "None"])
    def test_missing_id(
        self, how: str, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """A row without an id is a ValueError naming the key."""
        row = customer_row(id=... if how == "absent" else None)

        error = raised(InvalidFactError, lambda: Customer.from_mapping(as_row(row)))

        assert "Customer.from_mapping: missing required key 'id'" == str(error)

    @pytest.mark.parametrize("since", ["2019-13-01", "May 2019", ""])
    def test_unparseable_date(
        self, since: str, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """A date that does not parse is a ValueError naming the key and the text."""
        error = raised(
            InvalidFactError,
            lambda: Customer.from_mapping(as_row(customer_row(customer_since=since))),
        )

        assert (
            f"Customer.customer_since must be an ISO-8601 date such as '2019-05-01' (got {since!r})"
            == str(error)
        )

    @pytest.mark.parametrize(
        ("since", "message"),
        [
            (
                2019,
                "Customer.customer_since must be an ISO-8601 date string or a date (got int 2019)",
            ),
            (
                dt.datetime(2019, 5, 1, tzinfo=UTC),
                "Customer.customer_since must be a date, not a datetime (got datetime ",
            ),
        ],
    )
    def test_date_of_the_wrong_type(
        self, since: object, message: str, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """A date that is neither text nor a date is a TypeError."""
        error = raised(
            FactTypeError, lambda: Customer.from_mapping(as_row(customer_row(customer_since=since)))
        )

        assert message == str(error)[: len(message)]

    def test_unknown_keys(self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]) -> None:
        """Unknown keys are a ValueError naming them, and the keys expected."""
        error = raised(
            InvalidFactError,
            lambda: Customer.from_mapping(as_row(customer_row(name="Pat", zone="UTC"))),
        )

        assert (
            "Customer.from_mapping got unknown key(s) 'name', 'zone'; expected some of"
            " attributes, calling_hours, customer_since, do_not_call, email, id, phone, tags,"
            " tier, timezone"
        ) == str(error)

    def test_bad_timezone(self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]) -> None:
        """A bad value in a row raises the constructor's error naming the field."""
        error = raised(
            InvalidFactError,
            lambda: Customer.from_mapping(as_row(customer_row(timezone="Mars/Olympus"))),
        )

        assert "Customer.timezone must be an IANA timezone name" in str(error)

    def test_not_a_mapping(self) -> None:
        """A row must be a mapping."""
        error = raised(FactTypeError, lambda: Customer.from_mapping(["c-1"]))  # type: ignore[arg-type]

        assert "Customer.from_mapping needs a mapping (got list with 1 item)" == str(error)

    def test_to_mapping(self) -> None:
        """The mapping is plain JSON values, tags sorted, with every key."""
        made = Customer(
            id="c-1",
            timezone="Europe/Paris",
            customer_since=dt.date(2019, 5, 1),
            tags={"b", "a"},
            calling_hours=Window(30_600, 75_610),
            attributes={"plan": ("fiber",)},
        )

        assert {
            "id": "c-1",
            "timezone": "Europe/Paris",
            "tier": None,
            "customer_since": "2019-05-01",
            "tags": ["a", "b"],
            "do_not_call": False,
            "calling_hours": "08:30-21:00:10",
            "phone": None,
            "email": None,
            "attributes": {"plan": ["fiber"]},
        } == made.to_mapping()


class TestCustomerEquality:
    def test_equal_by_value_and_hash(self) -> None:
        """Customers built from the same values are equal, whatever the tags' order."""
        first = Customer(
            id="c-1", tags=["a", "b"], attributes={"x": [1]}, calling_hours="09:00-17:00"
        )
        second = Customer(
            id="c-1", tags=("b", "a"), attributes={"x": (1,)}, calling_hours="09:00-17:00"
        )

        assert (first, hash(first)) == (second, hash(second))

    def test_phone_counts_for_equality(self) -> None:
        """Hidden from repr is not ignored: contact data is part of the value."""
        assert Customer(id="c-1", phone="1") != Customer(id="c-1", phone="2")

    def test_pickles(self) -> None:
        """A pickled customer comes back equal."""
        made = Customer(
            id="c-1",
            timezone="Asia/Tokyo",
            tags={"a"},
            calling_hours="09:00-17:00",
            customer_since=dt.date(2020, 2, 29),
            attributes={"x": {"y": [1.5]}},
        )

        assert made == pickle.loads(pickle.dumps(made))


class TestNothingHalfBuilt:
    def test_rows_are_not_changed(
        self, as_row: Callable[[dict[str, Any]], Mapping[str, Any]]
    ) -> None:
        """Reading a row, good or bad, leaves it as it was."""
        good = interaction_row(id=7, attributes={"on": dt.date(2026, 1, 1), "n": [1, {"m": 2}]})
        bad = interaction_row(attributes={"on": dt.date(2026, 1, 1), "n": [1, {"m": math.inf}]})
        good_before, bad_before = copy.deepcopy(good), copy.deepcopy(bad)

        Interaction.from_mapping(as_row(good))
        raised(InvalidFactError, lambda: Interaction.from_mapping(as_row(bad)))

        assert (good_before, bad_before) == (good, bad)

    def test_attributes_given_are_not_frozen_in_place(self) -> None:
        """The host's attribute dict keeps its lists; the customer holds its own copy."""
        attributes = {"programmes": ["tv"]}

        made = Customer(id="c-1", attributes=attributes)

        assert ({"programmes": ["tv"]}, ("tv",)) == (attributes, made.attributes["programmes"])

    def test_errors_are_all_facts_errors(self) -> None:
        """Whatever is wrong with a row, the error is one the host can catch as FactsError."""
        rows: list[Any] = [
            None,
            {},
            {"id": "i", "customer_id": "c", "kind": "k", "at": 5},
            interaction_row(at="2026-02-30T00:00:00Z"),
            interaction_row(attributes={"x": float("inf")}),
            interaction_row(attributes={1: "x"}),
        ]
        caught = []
        for row in rows:
            with pytest.raises(ExtramileError) as info:
                Interaction.from_mapping(row)
            caught.append(isinstance(info.value, FactsError))

        assert [True] * len(rows) == caught


#: A phone number and an email address, in the shapes a host's row might hold them.
PHONE, EMAIL = 15550100, "pat.doe@example.com"


class TestPersonalDataStaysOutOfErrors:
    """An error about a phone number or an email address, or about a row that holds one,
    describes the value's type and never the value: messages end up in logs and on
    terminals."""

    @pytest.mark.parametrize(
        ("field", "call", "secret"),
        [
            ("Customer.phone", lambda: Customer(id="c-1", phone=PHONE), str(PHONE)),  # type: ignore[arg-type]
            ("Customer.email", lambda: Customer(id="c-1", email=EMAIL.encode()), EMAIL),  # type: ignore[arg-type]
            ("Customer.phone", lambda: Customer(id="c-1", phone=[str(PHONE)]), str(PHONE)),  # type: ignore[arg-type]
            (
                "Customer.phone",
                lambda: Customer.from_mapping({"id": "c-1", "phone": PHONE}),
                str(PHONE),
            ),
            (
                "Customer.email",
                lambda: Customer.from_mapping(
                    types.MappingProxyType({"id": "c-1", "email": EMAIL.encode()})
                ),
                EMAIL,
            ),
            (
                "Customer.from_mapping",
                lambda: Customer.from_mapping([("id", "c-1"), ("email", EMAIL)]),  # type: ignore[arg-type]
                EMAIL,
            ),
            (
                "Interaction.from_mapping",
                lambda: Interaction.from_mapping([("id", "i-1"), ("email", EMAIL)]),  # type: ignore[arg-type]
                EMAIL,
            ),
        ],
    )
    def test_the_value_is_described_by_its_type(
        self, field: str, call: Callable[[], object], secret: str
    ) -> None:
        """The message names the field and the type received, not the value."""
        message = str(raised(FactTypeError, call))
        assert (True, False) == (message.startswith(field), secret in message)

    def test_the_type_is_still_named(self) -> None:
        """What arrived is still said, by its type: an int where a str was expected."""
        message = str(raised(FactTypeError, lambda: Customer(id="c-1", phone=PHONE)))  # type: ignore[arg-type]
        assert "Customer.phone must be a str or None (got int)" == message

    def test_attribute_values_that_are_no_json_are_described_by_their_type(self) -> None:
        """Attributes may hold personal data too: a value that is not JSON-like is named by
        its key and type."""
        message = str(
            raised(
                InvalidFactError,
                lambda: Customer(id="c-1", attributes={"contact": EMAIL.encode()}),
            )
        )
        assert (True, False) == ("Customer.attributes['contact']" in message, EMAIL in message)


class TestIdsAndKinds:
    """Ids are written in keys, logs and files and compared exactly: each must have a
    visible character, hold no control character and be valid Unicode; a kind must also
    have no space around it, or it would match no rule."""

    ID_FIELDS = (
        ("Customer.id", lambda value: Customer(id=value)),
        ("Interaction.id", lambda value: make_interaction(id=value)),
        ("Interaction.customer_id", lambda value: make_interaction(customer_id=value)),
        ("Interaction.issue_id", lambda value: make_interaction(issue_id=value)),
        ("Interaction.kind", lambda value: make_interaction(kind=value)),
    )

    @pytest.mark.parametrize(("field", "make"), ID_FIELDS, ids=[f for f, _ in ID_FIELDS])
    @pytest.mark.parametrize(
        ("value", "problem"),
        [
            ("\u200b", "must have a visible character"),  # a zero-width space
            ("\u200b\u00a0\ufeff", "must have a visible character"),
            ("c\x001", "must not hold control characters or line breaks"),
            ("c-1\n", "must not hold control characters or line breaks"),
            ("c\u2028", "must not hold control characters or line breaks"),
            ("c-\ud800", "must be valid Unicode (it holds a lone surrogate)"),
        ],
        ids=["zero-width", "invisible", "nul", "newline", "line-separator", "surrogate"],
    )
    def test_a_bad_id_is_refused(
        self, field: str, make: Callable[[str], object], value: str, problem: str
    ) -> None:
        """The error is an InvalidFactError naming the field and what is wrong."""
        error = raised(InvalidFactError, lambda: make(value))
        assert f"{field} {problem} (got {value!r})" == str(error)

    @pytest.mark.parametrize(("field", "make"), ID_FIELDS, ids=[f for f, _ in ID_FIELDS])
    @pytest.mark.parametrize(
        "value", ["c-1", "Zoë", "客户-7", "a\u200db", "c\u00a01", "👩\u200d💻", "c 1"]
    )
    def test_visible_ids_in_any_script_are_taken(
        self, field: str, make: Callable[[str], object], value: str
    ) -> None:
        """Letters of any script, emoji sequences, and a joiner or no-break space between
        visible characters are all fine."""
        made = make(value)
        assert value == getattr(made, field.split(".")[1])

    @pytest.mark.parametrize("kind", [" feedback ", "feedback ", "\tfeedback"])
    def test_a_kind_with_spaces_around_it_is_refused(self, kind: str) -> None:
        """``" feedback "`` would match no rule's ``"feedback"``: refused, naming the
        field (whichever path the row takes)."""
        for call in (
            lambda: make_interaction(kind=kind),
            lambda: Interaction.from_mapping(interaction_row(kind=kind)),
            lambda: Interaction.from_mapping(types.MappingProxyType(interaction_row(kind=kind))),
        ):
            assert str(raised(InvalidFactError, call)).startswith("Interaction.kind must not")

    def test_a_kind_is_checked_every_time_whatever_came_before(self) -> None:
        """Kinds found good are remembered; a bad one is refused each time it comes."""
        make_interaction(kind="feedback")
        for _ in range(2):
            raised(InvalidFactError, lambda: make_interaction(kind="feedback "))
        assert "feedback" == make_interaction(kind="feedback").kind

    def test_an_id_with_spaces_around_it_is_the_host_s_own(self) -> None:
        """Ids are the host's choice: one padded with spaces (a CHAR column) is kept as
        it is."""
        assert "c-1  " == Customer(id="c-1  ").id

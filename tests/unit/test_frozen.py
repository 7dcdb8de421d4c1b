"""FrozenMap: the immutable, hashable mapping of JSON-like values."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import json
import math
import pickle
import types
from collections.abc import Callable
from typing import Any

import pytest

from extramile import FactTypeError, FrozenMap, InvalidFactError
from extramile._frozen import EMPTY


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Score(float):
    pass


class Code(str):
    pass


class Count(int):
    pass


def raised(kind: type[Exception], call: Callable[[], object]) -> Exception:
    """The exception of ``kind`` that ``call`` raises."""
    with pytest.raises(kind) as info:
        call()
    return info.value


#: Every way a dict can change, each called on a FrozenMap {"a": 1}.
MUTATORS: dict[str, Callable[[dict[str, Any]], object]] = {
    "setitem": lambda m: m.__setitem__("b", 2),
    "setitem-existing": lambda m: m.__setitem__("a", 2),
    "delitem": lambda m: m.__delitem__("a"),
    "clear": lambda m: m.clear(),
    "pop": lambda m: m.pop("a"),
    "pop-default": lambda m: m.pop("z", None),
    "popitem": lambda m: m.popitem(),
    "setdefault": lambda m: m.setdefault("b", 2),
    "update": lambda m: m.update({"b": 2}),
    "update-kwargs": lambda m: m.update(b=2),
    "ior": lambda m: m.__ior__({"b": 2}),
}


class TestImmutable:
    @pytest.mark.parametrize("mutate", MUTATORS.values(), ids=list(MUTATORS))
    def test_every_mutator_raises(self, mutate: Callable[[dict[str, Any]], object]) -> None:
        """Each mutating method raises TypeError and leaves the map as it was."""
        frozen = FrozenMap({"a": 1})

        error = raised(TypeError, lambda: mutate(frozen))

        assert ("FrozenMap is immutable; build a new one instead", {"a": 1}) == (
            str(error),
            frozen,
        )

    def test_in_place_or_operator(self) -> None:
        """``m |= other`` raises rather than rebinding to a changed map."""
        frozen = FrozenMap({"a": 1})

        with pytest.raises(TypeError):
            frozen |= {"b": 2}
        assert {"a": 1} == frozen

    def test_calling_init_again_changes_nothing(self) -> None:
        """dict.__init__ would add keys to an existing map; FrozenMap's does not."""
        frozen = FrozenMap({"a": 1})

        frozen.__init__({"b": 2})  # type: ignore[misc]

        assert {"a": 1} == frozen

    def test_the_empty_map_stays_empty(self) -> None:
        """The shared empty map cannot be filled through any constructor."""
        FrozenMap().__init__({"b": 2})  # type: ignore[misc]
        with pytest.raises(TypeError):
            FrozenMap.fromkeys(["x"])

        assert (0, EMPTY) == (len(EMPTY), FrozenMap())

    def test_or_makes_a_new_plain_dict(self) -> None:
        """``m | other`` is a new dict; the map is unchanged."""
        frozen = FrozenMap({"a": 1})

        merged = frozen | {"b": 2}

        assert (dict, {"a": 1, "b": 2}, {"a": 1}) == (type(merged), merged, frozen)

    def test_nested_values_are_frozen(self) -> None:
        """Lists become tuples and mappings FrozenMaps, at every depth."""
        frozen = FrozenMap({"a": [1, [2, {"b": [3]}]], "c": {"d": {"e": []}}})

        assert (
            (1, (2, FrozenMap({"b": (3,)}))),
            FrozenMap({"d": FrozenMap({"e": ()})}),
            FrozenMap,
            tuple,
        ) == (frozen["a"], frozen["c"], type(frozen["c"]["d"]), type(frozen["c"]["d"]["e"]))

    def test_input_is_not_changed(self) -> None:
        """Freezing copies: the caller's dict and its lists stay as they were."""
        data = {"a": [1, {"b": [2]}], "when": dt.date(2026, 1, 1)}
        before = copy.deepcopy(data)

        FrozenMap.of(data, where="x")

        assert before == data

    def test_later_changes_to_the_input_do_not_show(self) -> None:
        """The map does not share the caller's containers."""
        data: dict[str, Any] = {"a": [1]}
        frozen = FrozenMap(data)

        data["a"].append(2)
        data["b"] = 3

        assert {"a": (1,)} == frozen

    def test_copies_are_the_same_object(self) -> None:
        """There is nothing to copy in an immutable value."""
        frozen = FrozenMap({"a": [1]})

        assert (frozen, frozen) == (copy.copy(frozen), copy.deepcopy(frozen))
        assert copy.deepcopy(frozen) is frozen


class TestValue:
    def test_hash_by_value(self) -> None:
        """Equal maps hash alike, whatever the order the keys came in."""
        first = FrozenMap({"a": 1, "b": [1, {"c": 2.5}]})
        second = FrozenMap({"b": (1, {"c": 2.5}), "a": 1})

        assert (first, hash(first)) == (second, hash(second))

    def test_different_values_differ(self) -> None:
        """A nested difference makes maps unequal."""
        assert FrozenMap({"b": [1, {"c": 2}]}) != FrozenMap({"b": [1, {"c": 3}]})

    def test_usable_as_set_member(self) -> None:
        """Being hashable, equal maps collapse in a set."""
        assert 1 == len({FrozenMap({"a": [1]}), FrozenMap({"a": (1,)})})

    @pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
    def test_pickles(self, protocol: int) -> None:
        """A pickled map comes back equal, still a FrozenMap at every depth."""
        frozen = FrozenMap({"a": [1, {"b": None}], "c": "text", "d": 1.5})

        back = pickle.loads(pickle.dumps(frozen, protocol=protocol))

        assert (frozen, FrozenMap, FrozenMap) == (back, type(back), type(back["a"][1]))

    def test_thaw(self) -> None:
        """thaw gives plain, JSON-serialisable dicts and lists."""
        frozen = FrozenMap({"a": [1, {"b": [2]}], "c": {"d": None}})

        thawed = frozen.thaw()

        assert {"a": [1, {"b": [2]}], "c": {"d": None}} == thawed
        assert (dict, list, dict, list) == (
            type(thawed),
            type(thawed["a"]),
            type(thawed["a"][1]),
            type(thawed["a"][1]["b"]),
        )
        assert thawed == json.loads(json.dumps(thawed))

    def test_thaw_gives_a_fresh_copy(self) -> None:
        """Changing what thaw returned does not change the map."""
        frozen = FrozenMap({"a": [1]})

        frozen.thaw()["a"].append(2)

        assert {"a": (1,)} == frozen

    def test_of_thaw_is_the_same(self) -> None:
        """Freezing what thaw gave returns an equal map."""
        frozen = FrozenMap({"a": [1, {"b": [True, None, "x"]}]})

        assert frozen == FrozenMap(frozen.thaw())

    def test_repr(self) -> None:
        """The repr shows the frozen content and reads back."""
        frozen = FrozenMap({"a": [1]})

        assert ("FrozenMap({'a': (1,)})", frozen) == (repr(frozen), eval(repr(frozen)))

    @pytest.mark.parametrize("empty", [None, {}, FrozenMap(), types.MappingProxyType({})])
    def test_empty_is_shared(self, empty: Any) -> None:
        """Nothing, or an empty mapping, gives the one shared empty map."""
        assert FrozenMap.of(empty, where="x") is EMPTY

    def test_a_frozen_map_is_not_copied_again(self) -> None:
        """of() returns a FrozenMap as it is."""
        frozen = FrozenMap({"a": 1})

        assert FrozenMap.of(frozen, where="x") is frozen

    def test_any_mapping(self) -> None:
        """Any Mapping may be frozen, not only dicts."""
        assert {"a": 1} == FrozenMap(types.MappingProxyType({"a": 1}))


class TestConversions:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (dt.date(2026, 12, 15), "2026-12-15"),
            (dt.datetime(2026, 12, 15, 9, 30, tzinfo=dt.timezone.utc), "2026-12-15T09:30:00+00:00"),
            (Colour.RED, "red"),
            (Level.HIGH, 3),
            (Score(1.5), 1.5),
            (Code("x"), "x"),
            (Count(4), 4),
            ((1, 2), (1, 2)),
            (-0.0, -0.0),
            (10**30, 10**30),
        ],
        ids=[
            "date",
            "aware-datetime",
            "enum",
            "int-enum",
            "float-subclass",
            "str-subclass",
            "int-subclass",
            "tuple",
            "negative-zero",
            "big-int",
        ],
    )
    def test_values_become_json(self, value: object, expected: object) -> None:
        """Dates become ISO strings, enums their values, subclasses the plain type."""
        frozen = FrozenMap({"v": value})

        assert (expected, type(expected)) == (frozen["v"], type(frozen["v"]))

    def test_scalars_are_kept(self) -> None:
        """str, int, float, bool and None are kept as they are."""
        data = {"s": "x", "i": 1, "f": 1.25, "t": True, "n": None}

        assert ([str, int, float, bool, type(None)], data) == (
            [type(v) for v in FrozenMap(data).values()],
            FrozenMap(data),
        )


class TestErrors:
    @pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, Score("nan")])
    def test_non_finite_numbers(self, bad: float) -> None:
        """NaN and infinities are refused, with the path to the value."""
        error = raised(InvalidFactError, lambda: FrozenMap.of({"a": [0, bad]}, where="X.attrs"))

        assert isinstance(error, ValueError)
        assert f"X.attrs['a'][1] must be a finite number (got {bad!r})" == str(error)

    @pytest.mark.parametrize(
        ("value", "where", "digits"),
        [
            ({"a": 10**5000}, "X.attrs['a']", 5001),
            ({"a": [1, -(10**300)]}, "X.attrs['a'][1]", 301),
            ({"a": {"b": Count(10**400)}}, "X.attrs['a']['b']", 401),
        ],
    )
    def test_an_integer_too_long_to_print_is_refused(
        self, value: dict[str, Any], where: str, digits: int
    ) -> None:
        """An integer of more than 300 digits is refused, naming where it is: one of
        5,000 digits used to be taken, and then the object could not be printed."""
        error = raised(InvalidFactError, lambda: FrozenMap.of(value, where="X.attrs"))

        assert isinstance(error, ValueError)
        assert (
            f"{where} must be an integer of at most 300 digits (got int of {digits} digits)"
            == str(error)
        )

    def test_the_longest_integers_taken(self) -> None:
        """300 digits either way are taken, and the map prints."""
        largest = 10**300 - 1
        frozen = FrozenMap.of({"a": largest, "b": [-largest]}, where="X.attrs")
        assert (largest, (-largest,), True) == (frozen["a"], frozen["b"], "999" in repr(frozen))

    def test_a_value_that_holds_itself(self) -> None:
        """A list or mapping that holds itself is refused, naming the attribute: it used to
        raise ``RecursionError``."""
        loop: list[Any] = []
        loop.append(loop)
        cycle: dict[str, Any] = {}
        cycle["x"] = cycle
        errors = [
            raised(InvalidFactError, lambda: FrozenMap.of({"a": loop}, where="X.attrs")),
            raised(InvalidFactError, lambda: FrozenMap.of({"a": cycle}, where="X.attrs")),
            raised(InvalidFactError, lambda: FrozenMap.of({"a]": cycle}, where="X.attrs")),
        ]
        assert [
            "X.attrs['a'] nests too deeply, or holds itself",
            "X.attrs['a'] nests too deeply, or holds itself",
            "X.attrs['a]'] nests too deeply, or holds itself",
        ] == list(map(str, errors))

    def test_naive_datetime(self) -> None:
        """A naive datetime is refused: it is not an instant."""
        value = {"b": {"c": dt.datetime(2026, 3, 8, 2, 30)}}

        error = raised(InvalidFactError, lambda: FrozenMap.of(value, where="X.attrs"))

        assert (
            "X.attrs['b']['c'] must be timezone-aware (got naive datetime 2026-03-08 02:30:00)"
            == str(error)
        )

    @pytest.mark.parametrize(
        ("bad", "described"),
        [
            (object(), "object"),
            ({1, 2}, "set with 2 items"),
            (b"bytes", "bytes"),
            (dt.time(9), "time"),
            (1j, "complex"),
        ],
    )
    def test_values_that_are_not_json(self, bad: object, described: str) -> None:
        """Objects, sets, bytes and the like are refused, naming the type alone: an
        attribute may hold personal data."""
        error = raised(InvalidFactError, lambda: FrozenMap.of({"a": bad}, where="X.attrs"))

        assert (
            "X.attrs['a'] must be a JSON-like value (str, number, bool, None, list, mapping)"
            f" (got {described})"
        ) == str(error)

    @pytest.mark.parametrize("key", [1, None, ("a",), Code("a")])
    def test_keys_must_be_str(self, key: Any) -> None:
        """Keys are plain strings, at every depth."""
        error = raised(FactTypeError, lambda: FrozenMap.of({"n": {key: 1}}, where="X.attrs"))

        assert isinstance(error, TypeError)
        assert str(error).startswith("X.attrs['n'] keys must be str (got ")

    @pytest.mark.parametrize("bad", [[("a", 1)], "a=1", 3])
    def test_not_a_mapping(self, bad: object) -> None:
        """Only a mapping can be frozen into a map."""
        error = raised(FactTypeError, lambda: FrozenMap.of(bad, where="X.attrs"))  # type: ignore[arg-type]

        assert str(error).startswith("X.attrs must be a mapping (got ")

    def test_the_constructor_validates_too(self) -> None:
        """FrozenMap(data) checks like of(), naming itself."""
        error = raised(InvalidFactError, lambda: FrozenMap({"x": [math.nan]}))

        assert "FrozenMap['x'][0] must be a finite number (got nan)" == str(error)

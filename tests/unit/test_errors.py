"""The error hierarchy and how errors render what they received."""

from __future__ import annotations

import pytest

from extramile import errors
from extramile.errors import (
    ConditionError,
    ExtramileError,
    FactsError,
    FactTypeError,
    InvalidFactError,
    InvalidPolicyError,
    PolicyError,
    PolicyTypeError,
    describe,
    shown,
    too_long,
)


class TestHierarchy:
    @pytest.mark.parametrize(
        ("error", "family", "builtin"),
        [
            (InvalidFactError, FactsError, ValueError),
            (FactTypeError, FactsError, TypeError),
            (InvalidPolicyError, PolicyError, ValueError),
            (PolicyTypeError, PolicyError, TypeError),
            (ConditionError, PolicyError, RuntimeError),
        ],
    )
    def test_concrete_errors(
        self, error: type[Exception], family: type[Exception], builtin: type[Exception]
    ) -> None:
        """Each concrete error is an ExtramileError, of its family, and of its builtin."""
        assert (True, True, True) == (
            issubclass(error, ExtramileError),
            issubclass(error, family),
            issubclass(error, builtin),
        )

    def test_families_do_not_overlap(self) -> None:
        """A facts error is never a policy error: the split says whose fault it was."""
        assert (False, False) == (
            issubclass(FactsError, PolicyError),
            issubclass(PolicyError, FactsError),
        )

    def test_families_are_not_builtins(self) -> None:
        """Only the concrete errors carry a builtin; the families are plain."""
        assert (False, False) == (
            issubclass(FactsError, (ValueError, TypeError)),
            issubclass(PolicyError, (ValueError, TypeError)),
        )

    def test_everything_exported_is_an_extramile_error(self) -> None:
        """errors.__all__ lists the whole hierarchy and nothing else."""
        exported = {getattr(errors, name) for name in errors.__all__}

        assert {
            ConditionError,
            ExtramileError,
            FactTypeError,
            FactsError,
            InvalidFactError,
            InvalidPolicyError,
            PolicyError,
            PolicyTypeError,
        } == exported

    def test_caught_as_the_builtin(self) -> None:
        """Code that only knows Python's own errors still catches ours."""
        with pytest.raises(ValueError, match=r"^bad fact$"):
            raise InvalidFactError("bad fact")


class TestDescribe:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("Mars/Olympus", "'Mars/Olympus'"),
            ("", "''"),
            (3, "int 3"),
            (None, "NoneType None"),
            ([1, "a"], "list [1, 'a']"),
            (b"x", "bytes b'x'"),
        ],
    )
    def test_short_values(self, value: object, expected: str) -> None:
        """Strings show as their repr, everything else with its type's name first."""
        assert expected == describe(value)

    def test_long_strings_are_cut(self) -> None:
        """A long string is cut to 80 characters and still ends with a quote."""
        text = describe("x" * 200)

        assert ("'" + "x" * 75 + "...'", 80) == (text, len(text))

    def test_long_values_are_cut(self) -> None:
        """A long repr is cut to 80 characters after the type's name."""
        text = describe(list(range(100)))

        assert ("list [0, 1, 2, ", 80 + len("list ")) == (text[:15], len(text))
        assert text.endswith("...")

    def test_a_value_that_cannot_be_printed(self) -> None:
        """An int too long for ``repr`` is named by its type and its digits, a value with a
        broken ``__repr__`` by its type: an error message about either used to raise a
        ``ValueError`` of its own."""

        class Broken:
            def __repr__(self) -> str:
                raise RuntimeError

        assert (
            "int of 5001 digits",
            "int of 5000 digits",
            "Broken (unprintable: RuntimeError)",
        ) == (describe(10**5000), describe(-7 * 10**4999), describe(Broken()))

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (7, "7"),
            (-1.5, "-1.5"),
            (10**300, "int of 301 digits"),
            (-(10**5000), "int of 5001 digits"),
        ],
        ids=["int", "float", "301-digits", "5001-digits"],
    )
    def test_shown_is_the_repr_of_a_number_that_can_be_printed(
        self, value: object, expected: str
    ) -> None:
        """``shown()`` gives a number as Python writes it, and one too long to write (or
        not worth writing: more than 300 digits) by its digits."""
        assert expected == shown(value)

    def test_too_long_is_more_than_300_digits(self) -> None:
        """Integers of 300 digits either way are fine; of 301, too long; other values and
        floats never are."""
        largest = 10**300 - 1
        assert [False, False, True, True, False, False] == [
            too_long(largest),
            too_long(-largest),
            too_long(largest + 1),
            too_long(-largest - 1),
            too_long(1e300),
            too_long("9" * 400),
        ]

    def test_a_subclass_of_str_is_named(self) -> None:
        """A str subclass shows its type, so "must be a str" is understandable."""

        class Code(str):
            __slots__ = ()

        assert "Code 'x'" == describe(Code("x"))

    def test_a_string_of_exactly_the_limit_is_whole(self) -> None:
        """A string whose repr is exactly 80 characters is shown whole."""
        value = "y" * 78

        assert repr(value) == describe(value)

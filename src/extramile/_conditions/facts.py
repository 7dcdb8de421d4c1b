"""Facts and comparisons: :class:`Fact`, a value read from the context (an attribute of
the trigger, the issue or the customer), and the conditions that compare it,
:class:`Compare` and :class:`Exists`.

>>> attr("increase_pct") >= 10
attr('increase_pct') >= 10

Imports: ``_frozen``, ``errors`` (and this package's ``base`` and ``context``).
"""

from __future__ import annotations

import enum
import math
import numbers
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar, Final

import attrs

from extramile._conditions.base import Condition, non_empty_name, remembered_repr
from extramile._conditions.context import Check, Context
from extramile._frozen import freeze_value
from extramile.errors import (
    LONGEST_INT,
    FactTypeError,
    InvalidFactError,
    InvalidPolicyError,
    PolicyTypeError,
    describe,
    too_long,
)

__all__ = [
    "Compare",
    "Exists",
    "Fact",
    "FactSource",
    "attr",
    "customer_attr",
    "has_attr",
    "issue_attr",
]


class FactSource(str, enum.Enum):
    """Where a :class:`Fact` reads its value; equal to its plain string."""

    TRIGGER = "trigger"
    ISSUE = "issue"
    CUSTOMER = "customer"

    def __str__(self) -> str:
        return self.value


_OPS: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "in": lambda seen, allowed: seen in allowed,
}
_MISSING: Final = object()
_INFIX: Final = frozenset({">=", ">", "<=", "<"})


def _like_an_attribute(value: object, where: str) -> Any:
    """``value`` as attributes hold it (lists become tuples, mappings FrozenMaps), so
    that it can equal one; a value no attribute could equal is refused."""
    if isinstance(value, Decimal):
        value = float(value)
    try:
        return freeze_value(value, where)
    except (FactTypeError, InvalidFactError) as exc:
        cls = InvalidPolicyError if isinstance(exc, ValueError) else PolicyTypeError
        raise cls(str(exc)) from None
    except RecursionError:
        raise InvalidPolicyError(f"{where} nests too deeply, or holds itself") from None


@attrs.frozen(order=False)  # Fact's comparison operators build conditions instead
class Fact:
    """A value read from the context: an attribute of the trigger, the issue or customer.

    Compare it with ``>=``, ``>``, ``<=``, ``<`` or the methods :meth:`equals`,
    :meth:`is_in`, :meth:`is_true`, :meth:`exists` to get a condition.
    """

    source: FactSource
    """``"trigger"``, ``"issue"`` or ``"customer"``."""
    name: str

    _FACTORIES: ClassVar[dict[str, str]] = {
        FactSource.TRIGGER: "attr",
        FactSource.ISSUE: "issue_attr",
        FactSource.CUSTOMER: "customer_attr",
    }

    def read(self, ctx: Context) -> Any:
        """The value in ``ctx``, or a private missing marker."""
        if self.source == FactSource.TRIGGER:
            trigger = ctx.trigger
            return _MISSING if trigger is None else trigger.attributes.get(self.name, _MISSING)
        if self.source == FactSource.ISSUE:
            issue = ctx.issue
            return _MISSING if issue is None else issue.attributes.get(self.name, _MISSING)
        return ctx.customer.attributes.get(self.name, _MISSING)

    def reader(self) -> Callable[[Context], Any]:
        """A plain function that reads as :meth:`read` does (for compiled conditions)."""
        name = self.name
        missing = _MISSING
        if self.source == FactSource.TRIGGER:

            def from_trigger(ctx: Context) -> Any:
                trigger = ctx.trigger
                return missing if trigger is None else trigger.attributes.get(name, missing)

            return from_trigger
        if self.source == FactSource.ISSUE:

            def from_issue(ctx: Context) -> Any:
                issue = ctx.issue
                return missing if issue is None else issue.attributes.get(name, missing)

            return from_issue

        def from_customer(ctx: Context) -> Any:
            return ctx.customer.attributes.get(name, missing)

        return from_customer

    def _compare(self, op: str, value: object) -> Compare:
        return Compare(fact=self, op=op, value=value)

    def __ge__(self, value: object) -> Compare:
        return self._compare(">=", value)

    def __gt__(self, value: object) -> Compare:
        return self._compare(">", value)

    def __le__(self, value: object) -> Compare:
        return self._compare("<=", value)

    def __lt__(self, value: object) -> Compare:
        return self._compare("<", value)

    def equals(self, value: object) -> Compare:
        """Holds when the value equals ``value``."""
        return self._compare("==", value)

    def differs(self, value: object) -> Compare:
        """Holds when the value is present and differs from ``value``."""
        return self._compare("!=", value)

    def is_in(self, *values: object) -> Compare:
        """Holds when the value is one of ``values``."""
        return self._compare("in", tuple(values))

    def is_true(self) -> Compare:
        """Holds when the value is ``True`` (or the string ``"true"``)."""
        return self._compare("in", (True, "true"))

    def exists(self) -> Condition:
        """Holds when the value is present (and not None)."""
        return Exists(fact=self)

    @remembered_repr
    def __repr__(self) -> str:
        return f"{self._FACTORIES[self.source]}({self.name!r})"


@attrs.frozen(repr=False)
class Compare(Condition):
    """A fact compared with a value; a missing value never compares true.

    Raises:
        PolicyTypeError: a value the fact could never meet: ``>=`` and the other orderings
            with anything but a number, ``equals``/``differs``/``is_in`` with anything but
            str, numbers, bool or None.
        InvalidPolicyError: a number that is not finite, or ``is_in()`` with no values.
    """

    fact: Fact
    op: str
    value: Any

    def __attrs_post_init__(self) -> None:
        op, value = self.op, self.value
        fact = self.fact
        if op in _INFIX:
            if value.__class__ is bool or not isinstance(value, (numbers.Real, Decimal, str)):
                raise PolicyTypeError(
                    f"{fact!r} {op} needs a number (or text) to compare with"
                    f" (got {describe(value)})"
                )
            if too_long(value):
                raise InvalidPolicyError(
                    f"{fact!r} {op} needs a number of at most {LONGEST_INT} digits"
                    f" (got {describe(value)})"
                )
            if not isinstance(value, str) and not math.isfinite(value):
                raise InvalidPolicyError(
                    f"{fact!r} {op} needs a finite number (got {describe(value)})"
                )
        elif op == "in":
            if not value:
                raise InvalidPolicyError(f"{fact!r}.is_in() needs at least one value")
            if len(value) == 1 and isinstance(value[0], (list, set, frozenset)):
                raise PolicyTypeError(
                    f"{fact!r}.is_in() takes each value as its own argument"
                    f" (got one {describe(value[0])})"
                )
            frozen = tuple(_like_an_attribute(item, f"{fact!r}.is_in()") for item in value)
            object.__setattr__(self, "value", frozen)
        elif op in ("==", "!="):
            where = f"{fact!r}.{'equals' if op == '==' else 'differs'}()"
            object.__setattr__(self, "value", _like_an_attribute(value, where))
        else:
            raise InvalidPolicyError(f"Compare.op must be one of {sorted(_OPS)} (got {op!r})")

    def check(self, ctx: Context) -> bool:
        return self._holds(self.fact.read(ctx))

    def _holds(self, seen: Any) -> bool:
        if seen is _MISSING or seen is None:
            return False
        try:
            return bool(_OPS[self.op](seen, self.value))
        except TypeError:
            return False

    def compiled(self) -> Check:
        read = self.fact.reader()
        test = _OPS[self.op]
        value = self.value
        missing = _MISSING

        def compare(ctx: Context) -> bool:
            seen = read(ctx)
            if seen is missing or seen is None:
                return False
            try:
                return bool(test(seen, value))
            except TypeError:
                return False

        return compare

    def explain(self, ctx: Context) -> str:
        seen = self.fact.read(ctx)
        # (Read once, for check too: unless a subclass checks in its own way.)
        held = self._holds(seen) if type(self) is Compare else self.check(ctx)
        return self._saw(seen, held=held)

    def _explain_failed(self, ctx: Context) -> str | None:
        seen = self.fact.read(ctx)  # (read once, for both)
        return None if self._holds(seen) else self._saw(seen, held=False)

    def _saw(self, seen: Any, *, held: bool) -> str:
        shown = "missing" if seen is _MISSING else repr(seen)
        return f"{self!r} {'held' if held else 'failed'}: {self.fact.name} was {shown}"

    def _binds_loosely(self) -> bool:
        return self.op in _INFIX

    @remembered_repr
    def __repr__(self) -> str:
        if self.op == "in":
            if self.value == (True, "true"):
                return f"{self.fact!r}.is_true()"
            return f"{self.fact!r}.is_in({', '.join(map(repr, self.value))})"
        if self.op == "==":
            return f"{self.fact!r}.equals({self.value!r})"
        if self.op == "!=":
            return f"{self.fact!r}.differs({self.value!r})"
        return f"{self.fact!r} {self.op} {self.value!r}"


@attrs.frozen(repr=False)
class Exists(Condition):
    """The fact is present."""

    fact: Fact

    def check(self, ctx: Context) -> bool:
        seen = self.fact.read(ctx)
        return seen is not _MISSING and seen is not None

    def compiled(self) -> Check:
        read = self.fact.reader()
        missing = _MISSING

        def exists(ctx: Context) -> bool:
            seen = read(ctx)
            return seen is not missing and seen is not None

        return exists

    def explain(self, ctx: Context) -> str:
        seen = self.fact.read(ctx)
        if self.check(ctx):
            return f"{self!r} held: {self.fact.name} was {seen!r}"
        return f"{self!r} failed: {self.fact.name} was {'missing' if seen is _MISSING else seen}"

    @remembered_repr
    def __repr__(self) -> str:
        return f"{self.fact!r}.exists()"


def attr(name: str) -> Fact:
    """An attribute of the episode's triggering interaction, e.g. ``attr("increase_pct")``.

    >>> attr("severity").equals("critical")
    attr('severity').equals('critical')
    """
    return Fact(source=FactSource.TRIGGER, name=non_empty_name(name, "attr() name"))


def issue_attr(name: str) -> Fact:
    """An attribute of the issue (from ``issue.opened``, updated by later interactions)."""
    return Fact(source=FactSource.ISSUE, name=non_empty_name(name, "issue_attr() name"))


def customer_attr(name: str) -> Fact:
    """One of the customer's free ``attributes``."""
    return Fact(source=FactSource.CUSTOMER, name=non_empty_name(name, "customer_attr() name"))


def has_attr(name: str) -> Condition:
    """The triggering interaction has the attribute ``name``."""
    return attr(name).exists()

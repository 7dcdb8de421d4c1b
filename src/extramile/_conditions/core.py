"""Conditions: what must hold for a rule to fire, written as data.

A condition is a small frozen object.  It prints readably, compares equal by value,
pickles, and combines with ``&``, ``|`` and ``~``:

>>> from extramile._conditions import attr, tier_in, tenure_at_least
>>> loyal = tier_in("gold", "platinum") | tenure_at_least(years=5)
>>> loyal
tier_in('gold', 'platinum') | tenure_at_least(years=5)
>>> attr("increase_pct") >= 10
attr('increase_pct') >= 10

Every condition is checked against a :class:`Context`: the customer, the episode's
triggering interaction, the issue thread it belongs to, the history up to ``now``, and
``now`` itself.  When a rule does not fire, :meth:`Condition.explain` says which part
failed and what value it saw.

Write your own by subclassing :class:`Condition` (an attrs frozen class) and implementing
:meth:`~Condition.check`; implement :meth:`~Condition.explain` to say what it saw and
:meth:`~Condition.changes_at` if its answer can change with time alone.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from extramile._frozen import freeze_value
from extramile._model import Customer, Direction, Interaction
from extramile._time import Elapsed, Local, add_local_days, local_date
from extramile.errors import (
    FactTypeError,
    InvalidFactError,
    InvalidPolicyError,
    PolicyTypeError,
    describe,
)

if TYPE_CHECKING:
    from extramile._time import Schedule

__all__ = [
    "ALWAYS",
    "Condition",
    "Context",
    "Fact",
    "IssueThread",
    "always",
    "attr",
    "count_at_least",
    "customer_attr",
    "direction_is",
    "has_attr",
    "has_tag",
    "issue_attr",
    "issue_is",
    "issue_open",
    "kind_is",
    "outside_staff_hours",
    "silence_at_least",
    "staff_open_at_trigger",
    "tenure_at_least",
    "tier_in",
]

OPEN: Final = "open"
RESOLVED: Final = "resolved"
REOPENED: Final = "reopened"


class IssueThread:
    """Everything known about one issue up to ``now``: its state and its interactions."""

    __slots__ = ("attributes", "id", "interactions", "last", "opened", "state")

    def __init__(self, issue_id: str) -> None:
        self.id = issue_id
        self.opened: Interaction | None = None
        self.state = OPEN
        self.attributes: dict[str, Any] = {}
        self.interactions: list[Interaction] = []
        self.last: Interaction | None = None

    def add(self, item: Interaction) -> None:
        """Take in the next interaction on this issue (in time order)."""
        self.extend((item,))

    def extend(self, items: Sequence[Interaction]) -> None:
        """Take in the next interactions on this issue (in time order)."""
        if not items:
            return
        opened, state, attributes = self.opened, self.state, self.attributes
        for item in items:
            kind = item.kind
            if kind == "issue.opened":
                if opened is None:
                    opened = item
                state = OPEN
                attributes.update(item.attributes)
            elif kind == "issue.updated":
                attributes.update(item.attributes)
            elif kind == "issue.resolved":
                state = RESOLVED
            elif kind == "issue.reopened":
                state = REOPENED
                attributes.update(item.attributes)
        self.opened, self.state = opened, state
        self.interactions.extend(items)
        self.last = items[-1]

    @property
    def is_open(self) -> bool:
        """Open or reopened."""
        return self.state != RESOLVED


class Context:
    """What a condition sees: one episode of one rule for one customer, at ``now``."""

    __slots__ = (
        "customer",
        "episode_start",
        "history",
        "issue",
        "last_contact",
        "now",
        "schedule",
        "trigger",
    )

    def __init__(
        self,
        *,
        customer: Customer,
        now: float,
        history: Sequence[Interaction],
        schedule: Schedule,
        trigger: Interaction | None = None,
        episode_start: float | None = None,
        issue: IssueThread | None = None,
        last_contact: float | None = None,
    ) -> None:
        self.customer = customer
        self.now = now
        """``now`` as POSIX seconds."""
        self.history = history
        """The customer's interactions up to ``now``, oldest first."""
        self.schedule = schedule
        self.trigger = trigger
        self.episode_start = now if episode_start is None else episode_start
        self.issue = issue
        self.last_contact = last_contact
        """POSIX seconds of the latest interaction in scope (the issue's, or the customer's)."""


Check = Callable[["Context"], bool]
"""A compiled condition: a context in, whether it holds out."""


class Condition:
    """Base of every condition: combine with ``&``, ``|``, ``~``.

    Subclasses are frozen attrs classes and implement :meth:`check`.
    """

    __slots__ = ()

    def check(self, ctx: Context) -> bool:
        """Whether the condition holds in ``ctx``."""
        raise NotImplementedError

    def explain(self, ctx: Context) -> str:
        """What the condition saw, for a supervisor: e.g. ``"increase_pct was 9.5"``."""
        return f"{self!r} {'held' if self.check(ctx) else 'did not hold'}"

    def changes_at(self, ctx: Context) -> float | None:
        """The next POSIX second after ``ctx.now`` at which the answer could change with
        time alone (no new interaction), or None."""
        return None

    def compiled(self) -> Check:
        """A plain function that answers as :meth:`check` does, for the engine's loop.

        The engine compiles each rule's condition once per policy.  The built-in
        conditions return closures that skip the method lookups and the generic
        dispatch of :meth:`check`; the default is :meth:`check` itself, so a subclass
        needs to override this only if its check is worth specialising.  A compiled
        function must not keep ``ctx``: the engine may reuse one context object for the
        episodes of a customer when every condition of the policy is a built-in one.

        >>> from extramile._conditions import tier_in
        >>> check = (tier_in("gold") | tenure_at_least(years=5)).compiled()
        >>> callable(check)
        True
        """
        return self.check

    def __and__(self, other: Condition) -> Condition:
        return All(parts=_flatten(All, self, _as_condition(other)))

    def __or__(self, other: Condition) -> Condition:
        return Any_(parts=_flatten(Any_, self, _as_condition(other)))

    def __rand__(self, other: Condition) -> Condition:
        return _as_condition(other) & self

    def __ror__(self, other: Condition) -> Condition:
        return _as_condition(other) | self

    def __invert__(self) -> Condition:
        return Not(part=self)


def compile_condition(condition: Condition) -> Check:
    """``condition.compiled()``, unless the condition's class changed :meth:`check`
    below the class that wrote its ``compiled()``: then its own ``check``, so that a
    subclass of a built-in condition is decided as it explains itself."""
    mro = type(condition).__mro__
    check_from = next(i for i, klass in enumerate(mro) if "check" in vars(klass))
    compiled_from = next(i for i, klass in enumerate(mro) if "compiled" in vars(klass))
    if check_from < compiled_from:  # check() is found first: written after compiled()
        return condition.check
    return condition.compiled()


def _as_condition(value: object) -> Condition:
    if not isinstance(value, Condition):
        hint = (
            "compare a fact with .equals(value), not =="
            if isinstance(value, bool)
            else "write attr('x') >= 1 rather than a lambda"
        )
        raise PolicyTypeError(
            f"conditions combine only with conditions (got {describe(value)}); {hint}"
        )
    return value


def _flatten(cls: type, *parts: Condition) -> tuple[Condition, ...]:
    out: list[Condition] = []
    for part in parts:
        out.extend(part.parts if isinstance(part, cls) else (part,))  # type: ignore[attr-defined]
    return tuple(out)


def _earliest(values: Sequence[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return min(found) if found else None


@attrs.frozen
class All(Condition):
    """Every part holds."""

    parts: tuple[Condition, ...]

    def check(self, ctx: Context) -> bool:
        return all(part.check(ctx) for part in self.parts)

    def compiled(self) -> Check:
        return _pairwise([compile_condition(part) for part in self.parts], _both, _true)

    def explain(self, ctx: Context) -> str:
        for part in self.parts:
            if not part.check(ctx):
                return part.explain(ctx)
        return "all of: " + "; ".join(part.explain(ctx) for part in self.parts)

    def changes_at(self, ctx: Context) -> float | None:
        return _earliest([part.changes_at(ctx) for part in self.parts])

    def __repr__(self) -> str:
        return " & ".join(_wrap(part, Any_) for part in self.parts)


@attrs.frozen
class Any_(Condition):  # noqa: N801  # "Any" would shadow typing.Any for users
    """At least one part holds."""

    parts: tuple[Condition, ...]

    def check(self, ctx: Context) -> bool:
        return any(part.check(ctx) for part in self.parts)

    def compiled(self) -> Check:
        return _pairwise([compile_condition(part) for part in self.parts], _either, _false)

    def explain(self, ctx: Context) -> str:
        held = [part for part in self.parts if part.check(ctx)]
        if held:
            return held[0].explain(ctx)
        return "none of: " + "; ".join(part.explain(ctx) for part in self.parts)

    def changes_at(self, ctx: Context) -> float | None:
        return _earliest([part.changes_at(ctx) for part in self.parts])

    def __repr__(self) -> str:
        return " | ".join(_wrap(part, All) for part in self.parts)


@attrs.frozen
class Not(Condition):
    """The part does not hold."""

    part: Condition

    def check(self, ctx: Context) -> bool:
        return not self.part.check(ctx)

    def compiled(self) -> Check:
        inner = compile_condition(self.part)

        def negated(ctx: Context) -> bool:
            return not inner(ctx)

        return negated

    def explain(self, ctx: Context) -> str:
        return f"not ({self.part.explain(ctx)})"

    def changes_at(self, ctx: Context) -> float | None:
        return self.part.changes_at(ctx)

    def __repr__(self) -> str:
        return f"~{_wrap(self.part, All, Any_)}"


def _pairwise(checks: list[Check], join: Callable[[Check, Check], Check], empty: Check) -> Check:
    """The checks joined in pairs, so that n parts cost about log2(n) nested calls and no
    generator; ``empty`` when there are none."""
    while len(checks) > 1:
        checks = [
            join(checks[i], checks[i + 1]) if i + 1 < len(checks) else checks[i]
            for i in range(0, len(checks), 2)
        ]
    return checks[0] if checks else empty


def _both(first: Check, second: Check) -> Check:
    def both(ctx: Context) -> bool:
        return first(ctx) and second(ctx)

    return both


def _either(first: Check, second: Check) -> Check:
    def either(ctx: Context) -> bool:
        return first(ctx) or second(ctx)

    return either


def _true(ctx: Context) -> bool:
    return True


def _false(ctx: Context) -> bool:
    return False


def _wrap(part: Condition, *compound: type) -> str:
    text = repr(part)
    # ``&``, ``|`` and ``~`` bind tighter than ``>=``: without the parentheses
    # ``~(attr('x') >= 10)`` would print as ``~attr('x') >= 10``, which means otherwise.
    infix = isinstance(part, Compare) and part.op in _INFIX
    return f"({text})" if infix or isinstance(part, compound) else text


@attrs.frozen
class _Always(Condition):
    def check(self, ctx: Context) -> bool:
        return True

    def compiled(self) -> Check:
        return _true

    def explain(self, ctx: Context) -> str:
        return "no condition"

    def __repr__(self) -> str:
        return "always()"


ALWAYS: Final[Condition] = _Always()


def always() -> Condition:
    """The condition that always holds.

    >>> always()
    always()
    """
    return ALWAYS


# ---------------------------------------------------------------------------------------
# Facts and comparisons
# ---------------------------------------------------------------------------------------

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

    source: str
    """``"trigger"``, ``"issue"`` or ``"customer"``."""
    name: str

    _FACTORIES: ClassVar[dict[str, str]] = {
        "trigger": "attr",
        "issue": "issue_attr",
        "customer": "customer_attr",
    }

    def read(self, ctx: Context) -> Any:
        """The value in ``ctx``, or a private missing marker."""
        if self.source == "trigger":
            trigger = ctx.trigger
            return _MISSING if trigger is None else trigger.attributes.get(self.name, _MISSING)
        if self.source == "issue":
            issue = ctx.issue
            return _MISSING if issue is None else issue.attributes.get(self.name, _MISSING)
        return ctx.customer.attributes.get(self.name, _MISSING)

    def reader(self) -> Callable[[Context], Any]:
        """A plain function that reads as :meth:`read` does (for compiled conditions)."""
        name = self.name
        missing = _MISSING
        if self.source == "trigger":

            def from_trigger(ctx: Context) -> Any:
                trigger = ctx.trigger
                return missing if trigger is None else trigger.attributes.get(name, missing)

            return from_trigger
        if self.source == "issue":

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
        seen = self.fact.read(ctx)
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
        shown = "missing" if seen is _MISSING else repr(seen)
        verdict = "held" if self.check(ctx) else "failed"
        return f"{self!r} {verdict}: {self.fact.name} was {shown}"

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

    def __repr__(self) -> str:
        return f"{self.fact!r}.exists()"


def _name(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PolicyTypeError(f"{where} must be a non-empty str (got {describe(value)})")
    return value


def attr(name: str) -> Fact:
    """An attribute of the episode's triggering interaction, e.g. ``attr("increase_pct")``.

    >>> attr("severity").equals("critical")
    attr('severity').equals('critical')
    """
    return Fact(source="trigger", name=_name(name, "attr() name"))


def issue_attr(name: str) -> Fact:
    """An attribute of the issue (from ``issue.opened``, updated by later interactions)."""
    return Fact(source="issue", name=_name(name, "issue_attr() name"))


def customer_attr(name: str) -> Fact:
    """One of the customer's free ``attributes``."""
    return Fact(source="customer", name=_name(name, "customer_attr() name"))


def has_attr(name: str) -> Condition:
    """The triggering interaction has the attribute ``name``."""
    return attr(name).exists()


# ---------------------------------------------------------------------------------------
# The trigger, the issue, the customer
# ---------------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class KindIs(Condition):
    """The triggering interaction is of one of these kinds."""

    kinds: frozenset[str]

    def check(self, ctx: Context) -> bool:
        return ctx.trigger is not None and ctx.trigger.kind in self.kinds

    def explain(self, ctx: Context) -> str:
        seen = None if ctx.trigger is None else ctx.trigger.kind
        return f"{self!r} {'held' if self.check(ctx) else 'failed'}: the kind was {seen!r}"

    def __repr__(self) -> str:
        return f"kind_is({', '.join(map(repr, sorted(self.kinds)))})"


def kind_is(*kinds: str) -> Condition:
    """The triggering interaction's kind is one of ``kinds``."""
    if not kinds:
        raise InvalidPolicyError("kind_is() needs at least one kind")
    return KindIs(kinds=frozenset(_name(k, "kind_is() kind") for k in kinds))


@attrs.frozen(repr=False)
class DirectionIs(Condition):
    """The triggering interaction came in (or went out)."""

    direction: Direction

    def check(self, ctx: Context) -> bool:
        return ctx.trigger is not None and ctx.trigger.direction is self.direction

    def compiled(self) -> Check:
        direction = self.direction

        def direction_is(ctx: Context) -> bool:
            trigger = ctx.trigger
            return trigger is not None and trigger.direction is direction

        return direction_is

    def explain(self, ctx: Context) -> str:
        seen = None if ctx.trigger is None else ctx.trigger.direction.value
        return f"{self!r} {'held' if self.check(ctx) else 'failed'}: the direction was {seen!r}"

    def __repr__(self) -> str:
        return f"direction_is({self.direction.value!r})"


def direction_is(direction: str | Direction) -> Condition:
    """The triggering interaction's direction: ``"inbound"`` or ``"outbound"``."""
    try:
        return DirectionIs(direction=Direction(direction))
    except ValueError:
        raise InvalidPolicyError(
            f"direction_is() takes 'inbound' or 'outbound' (got {describe(direction)})"
        ) from None


@attrs.frozen(repr=False)
class IssueIs(Condition):
    """The issue thread is in one of these states."""

    states: frozenset[str]

    def check(self, ctx: Context) -> bool:
        return ctx.issue is not None and ctx.issue.state in self.states

    def compiled(self) -> Check:
        states = self.states

        def issue_is(ctx: Context) -> bool:
            issue = ctx.issue
            return issue is not None and issue.state in states

        return issue_is

    def explain(self, ctx: Context) -> str:
        if ctx.issue is None:
            return f"{self!r} failed: the episode is not about an issue"
        verdict = "held" if self.check(ctx) else "failed"
        return f"{self!r} {verdict}: the issue was {ctx.issue.state}"

    def __repr__(self) -> str:
        return f"issue_is({', '.join(map(repr, sorted(self.states)))})"


def issue_is(*states: str) -> Condition:
    """The issue's state is one of ``"open"``, ``"resolved"``, ``"reopened"``."""
    allowed = {OPEN, RESOLVED, REOPENED}
    states = tuple(str.__str__(s) if isinstance(s, str) else s for s in states)
    for state in states:
        if not isinstance(state, str) or state not in allowed:
            raise InvalidPolicyError(
                f"issue_is() takes 'open', 'resolved' or 'reopened' (got {describe(state)})"
            )
    if not states:
        raise InvalidPolicyError("issue_is() needs at least one state")
    return IssueIs(states=frozenset(states))


def issue_open() -> Condition:
    """The issue is open or reopened."""
    return issue_is(OPEN, REOPENED)


@attrs.frozen(repr=False)
class TierIn(Condition):
    """The customer's tier is one of these."""

    tiers: frozenset[str]

    def check(self, ctx: Context) -> bool:
        return ctx.customer.tier in self.tiers

    def compiled(self) -> Check:
        tiers = self.tiers

        def tier_in(ctx: Context) -> bool:
            return ctx.customer.tier in tiers

        return tier_in

    def explain(self, ctx: Context) -> str:
        verdict = "held" if self.check(ctx) else "failed"
        return f"{self!r} {verdict}: the tier was {ctx.customer.tier!r}"

    def __repr__(self) -> str:
        return f"tier_in({', '.join(map(repr, sorted(self.tiers)))})"


def tier_in(*tiers: str) -> Condition:
    """The customer's tier is one of ``tiers``."""
    if not tiers:
        raise InvalidPolicyError("tier_in() needs at least one tier")
    return TierIn(tiers=frozenset(_name(t, "tier_in() tier") for t in tiers))


@attrs.frozen(repr=False)
class HasTag(Condition):
    """The customer has this tag."""

    tag: str

    def check(self, ctx: Context) -> bool:
        return self.tag in ctx.customer.tags

    def explain(self, ctx: Context) -> str:
        verdict = "held" if self.check(ctx) else "failed"
        return f"{self!r} {verdict}: the tags were {sorted(ctx.customer.tags)}"

    def __repr__(self) -> str:
        return f"has_tag({self.tag!r})"


def has_tag(tag: str) -> Condition:
    """The customer has ``tag`` (e.g. a programme they use)."""
    return HasTag(tag=_name(tag, "has_tag() tag"))


def _customer_zone(ctx: Context) -> dt.tzinfo:
    from extramile._time import zone  # noqa: PLC0415  # keep the module import light

    name = ctx.customer.timezone
    return zone(name) if name is not None else ctx.schedule.tz


def _anniversary(since: dt.date, years: int) -> dt.date:
    year = since.year + years
    try:
        return since.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 2, 28)


@attrs.frozen(repr=False)
class TenureAtLeast(Condition):
    """The customer has been with us for at least ``years`` years, at ``now``."""

    years: int

    def _since_ts(self, ctx: Context) -> float | None:
        since = ctx.customer.customer_since
        if since is None:
            return None
        from extramile._time import local_day_start  # noqa: PLC0415

        return local_day_start(_anniversary(since, self.years), _customer_zone(ctx))

    def check(self, ctx: Context) -> bool:
        start = self._since_ts(ctx)
        return start is not None and start <= ctx.now

    def compiled(self) -> Check:
        years = self.years
        exact = self.check
        two_days = dt.timedelta(days=2)

        def tenure_at_least(ctx: Context) -> bool:
            since = ctx.customer.customer_since
            if since is None:
                return False
            # Compare local dates, which needs no wall-clock arithmetic; only within two
            # days of the anniversary (where an offset change could matter) ask exactly.
            due = _anniversary(since, years)
            today = local_date(ctx.now, _customer_zone(ctx))
            if due + two_days <= today:
                return True
            if due >= today + two_days:
                return False
            return exact(ctx)

        return tenure_at_least

    def explain(self, ctx: Context) -> str:
        verdict = "held" if self.check(ctx) else "failed"
        since = ctx.customer.customer_since
        known = "customer_since is unknown" if since is None else f"a customer since {since}"
        return f"{self!r} {verdict}: {known}"

    def changes_at(self, ctx: Context) -> float | None:
        start = self._since_ts(ctx)
        return start if start is not None and start > ctx.now else None

    def __repr__(self) -> str:
        return f"tenure_at_least(years={self.years})"


def tenure_at_least(*, years: int) -> Condition:
    """The customer has been a customer for ``years`` years or more (by their local date)."""
    if isinstance(years, bool) or not isinstance(years, int) or not 0 <= years <= 100:
        raise InvalidPolicyError(
            f"tenure_at_least() years must be a whole number from 0 to 100 (got {describe(years)})"
        )
    return TenureAtLeast(years=years)


# ---------------------------------------------------------------------------------------
# Time: silence, counts, staff hours
# ---------------------------------------------------------------------------------------


def _after(ts: float, duration: Elapsed | Local, ctx: Context) -> float:
    if isinstance(duration, Elapsed):
        return ts + duration.seconds
    return add_local_days(ts, duration.days, _customer_zone(ctx))


def _check_span(value: object, where: str) -> Elapsed | Local:
    if not isinstance(value, (Elapsed, Local)):
        raise PolicyTypeError(
            f"{where} must be an Elapsed or Local duration (got {describe(value)})"
        )
    return value


@attrs.frozen(repr=False)
class SilenceAtLeast(Condition):
    """At least ``duration`` has passed since the last contact in scope."""

    duration: Elapsed | Local

    def _threshold(self, ctx: Context) -> float | None:
        last = ctx.last_contact
        return None if last is None else _after(last, self.duration, ctx)

    def check(self, ctx: Context) -> bool:
        threshold = self._threshold(ctx)
        return threshold is not None and threshold <= ctx.now

    def explain(self, ctx: Context) -> str:
        if ctx.last_contact is None:
            return f"{self!r} failed: there was no contact"
        from extramile._time import UTC, from_ts  # noqa: PLC0415

        verdict = "held" if self.check(ctx) else "failed"
        return f"{self!r} {verdict}: the last contact was at {from_ts(ctx.last_contact, UTC)}"

    def changes_at(self, ctx: Context) -> float | None:
        threshold = self._threshold(ctx)
        return threshold if threshold is not None and threshold > ctx.now else None

    def __repr__(self) -> str:
        return f"silence_at_least({self.duration!r})"


def silence_at_least(duration: Elapsed | Local) -> Condition:
    """No interaction in scope (the issue, or the customer) for ``duration`` up to now."""
    return SilenceAtLeast(duration=_check_span(duration, "silence_at_least() duration"))


@attrs.frozen(repr=False)
class CountAtLeast(Condition):
    """At least ``count`` interactions of ``kind`` within ``within`` before now."""

    kind: str
    count: int
    within: Elapsed | Local

    def _times(self, ctx: Context) -> list[float]:
        return [item.ts for item in ctx.history if item.kind == self.kind]

    def _inside(self, ctx: Context) -> list[float]:
        times = self._times(ctx)
        return [t for t in times if _after(t, self.within, ctx) > ctx.now]

    def check(self, ctx: Context) -> bool:
        return len(self._inside(ctx)) >= self.count

    def explain(self, ctx: Context) -> str:
        verdict = "held" if self.check(ctx) else "failed"
        count = len(self._inside(ctx))
        return f"{self!r} {verdict}: {count} such interaction{'' if count == 1 else 's'}"

    def changes_at(self, ctx: Context) -> float | None:
        inside = self._inside(ctx)
        if len(inside) < self.count:
            return None
        # The answer flips when enough of the counted interactions age out.  In local
        # days a later interaction can age out first (one in the second pass of a
        # repeated hour), so the moments are sorted, not the interactions.
        leave = sorted(_after(t, self.within, ctx) for t in inside)
        return leave[len(inside) - self.count]

    def __repr__(self) -> str:
        return f"count_at_least({self.kind!r}, {self.count}, within={self.within!r})"


def count_at_least(kind: str, count: int, *, within: Elapsed | Local) -> Condition:
    """At least ``count`` interactions of ``kind`` in the ``within`` before now."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidPolicyError(f"count_at_least() count must be >= 1 (got {describe(count)})")
    return CountAtLeast(
        kind=_name(kind, "count_at_least() kind"),
        count=count,
        within=_check_span(within, "count_at_least() within"),
    )


@attrs.frozen(repr=False)
class StaffOpenAtTrigger(Condition):
    """Staff were open when the episode started (by the policy's schedule)."""

    def check(self, ctx: Context) -> bool:
        return ctx.schedule.is_open_ts(ctx.episode_start)

    def explain(self, ctx: Context) -> str:
        if self.check(ctx):
            return f"{self!r} held: staff were open when it happened"
        return f"{self!r} failed: {ctx.schedule.describe_closed(ctx.episode_start)}"

    def __repr__(self) -> str:
        return "staff_open_at_trigger()"


def staff_open_at_trigger() -> Condition:
    """Staff were open when the triggering interaction happened."""
    return StaffOpenAtTrigger()


def outside_staff_hours() -> Condition:
    """Staff were closed (after hours, a weekend or a holiday) when it happened.

    >>> outside_staff_hours()
    ~staff_open_at_trigger()
    """
    return ~StaffOpenAtTrigger()

"""Conditions: the :class:`Condition` base, and the combinators its ``&``, ``|`` and ``~``
build (:class:`All`, :class:`Any_`, :class:`Not`, and :data:`ALWAYS`).

A condition is a small frozen object.  It prints readably, compares equal by value,
pickles, and combines with ``&``, ``|`` and ``~``:

>>> from extramile._conditions import attr, tier_in, tenure_at_least
>>> loyal = tier_in("gold", "platinum") | tenure_at_least(years=5)
>>> loyal
tier_in('gold', 'platinum') | tenure_at_least(years=5)
>>> attr("increase_pct") >= 10
attr('increase_pct') >= 10

Every condition is checked against a :class:`~extramile._conditions.context.Context`: the
customer, the episode's triggering interaction, the issue thread it belongs to, the history
up to ``now``, and ``now`` itself.  When a rule does not fire, :meth:`Condition.explain`
says which part failed and what value it saw.  The engine asks each condition once per
policy for :meth:`Condition.compiled`, a plain function, and calls that in its loop.

The combinators live here, beside the base, because the base's operators build them.

Imports: ``_memo``, ``_model``, ``errors`` (and this package's ``context``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

import attrs

from extramile._conditions.context import Check, Context
from extramile._memo import cache, keep
from extramile._model import kind_problem
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe

__all__ = [
    "ALWAYS",
    "All",
    "Any_",
    "Condition",
    "Not",
    "always",
    "compile_condition",
    "earliest",
    "explain_failed",
    "kind_name",
    "non_empty_name",
    "remembered_repr",
]

_T = TypeVar("_T")

_REPRS: Final[dict[int, tuple[object, str]]] = cache("condition reprs")
"""The repr of each built-in condition asked for, by the condition's id (kept with it,
so that the id stays its own while the entry lasts)."""


def remembered_repr(method: Callable[[_T], str]) -> Callable[[_T], str]:
    """A built-in condition's ``__repr__``, written once for each condition and then
    kept: a condition is frozen, and its repr a function of its fields alone, so it is
    the same every time it is asked for (explanations ask for it again and again)."""

    @functools.wraps(method)
    def __repr__(self: _T) -> str:  # noqa: N807  # it is the class's __repr__
        found = _REPRS.get(id(self))
        if found is not None and found[0] is self:
            return found[1]
        return keep(_REPRS, id(self), (self, method(self)), bound=4096)[1]

    return __repr__


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

    def _explain_failed(self, ctx: Context) -> str | None:
        """None if the condition holds in ``ctx``, else :meth:`explain`: what :class:`All`
        asks of each part.  A built-in condition that can tell both at once overrides it
        (it is used only while its class's ``check`` and ``explain`` are the ones it was
        written beside: see :func:`explain_failed`)."""
        return None if self.check(ctx) else self.explain(ctx)

    def compiled(self) -> Check:
        """A plain function that answers as :meth:`check` does, for the engine's loop.

        The engine compiles each rule's condition once per policy.  The built-in
        conditions return closures that skip the method lookups and the generic
        dispatch of :meth:`check`; the default is :meth:`check` itself, so a subclass
        needs to override this only if its check is worth specialising.  A compiled
        function must not keep ``ctx``: the engine may reuse one context object for the
        episodes of a customer when every condition of the policy is a built-in one.

        >>> from extramile._conditions import tenure_at_least, tier_in
        >>> check = (tier_in("gold") | tenure_at_least(years=5)).compiled()
        >>> callable(check)
        True
        """
        return self.check

    def _binds_loosely(self) -> bool:
        """Whether the repr binds more loosely than ``&``, ``|`` and ``~`` (a comparison
        such as ``attr('x') >= 10``), so that a combinator must wrap it in parentheses."""
        return False

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


def non_empty_name(value: object, where: str) -> str:
    """``value``, if it is a non-empty str (a name: a kind, a tier, an attribute).

    Raises:
        PolicyTypeError: anything else; the message starts with ``where``.
    """
    if not isinstance(value, str) or not value.strip():
        raise PolicyTypeError(f"{where} must be a non-empty str (got {describe(value)})")
    return value


def kind_name(value: object, where: str) -> str:
    """``value``, if it is a kind an interaction may have: a non-empty str with a visible
    character, no control character and no space around it (see
    :func:`extramile._model.kind_problem`); a kind no interaction has would never match.

    Raises:
        PolicyTypeError: not a non-empty str.
        InvalidPolicyError: a str no interaction's kind could be; the message starts with
            ``where``.
    """
    name = non_empty_name(value, where)
    problem = kind_problem(name)
    if problem is not None:
        raise InvalidPolicyError(f"{where} {problem} (got {describe(name)})")
    return name


def earliest(values: Sequence[float | None]) -> float | None:
    """The smallest of the moments that are not None, or None."""
    found = [v for v in values if v is not None]
    return min(found) if found else None


def _as_condition(value: object) -> Condition:
    if not isinstance(value, Condition):
        # A value that becomes a condition once compared (``contacts(...)``) says how.
        hint = getattr(value, "condition_hint", None) or (
            "compare a fact with .equals(value), not =="
            if isinstance(value, bool)
            else "write attr('x') >= 1 rather than a lambda"
        )
        raise PolicyTypeError(
            f"conditions combine only with conditions (got {describe(value)}); {hint}"
        )
    return value


def _flatten(cls: type[All] | type[Any_], *parts: Condition) -> tuple[Condition, ...]:
    out: list[Condition] = []
    for part in parts:
        out.extend(part.parts if isinstance(part, cls) else (part,))
    return tuple(out)


# ---------------------------------------------------------------------------------------
# The combinators
# ---------------------------------------------------------------------------------------


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
            failed = explain_failed(part, ctx)
            if failed is not None:
                return failed
        return "all of: " + "; ".join([part.explain(ctx) for part in self.parts])

    def _explain_failed(self, ctx: Context) -> str | None:
        # The first part that failed says why, as in explain (each part asked once).
        for part in self.parts:
            failed = explain_failed(part, ctx)
            if failed is not None:
                return failed
        return None

    def changes_at(self, ctx: Context) -> float | None:
        return earliest([part.changes_at(ctx) for part in self.parts])

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
        return "none of: " + "; ".join([part.explain(ctx) for part in self.parts])

    def _explain_failed(self, ctx: Context) -> str | None:
        # What explain says when no part held, each part asked once (explain asks each
        # part's check, then its explain, which may check again).
        failed: list[str] = []
        for part in self.parts:
            text = explain_failed(part, ctx)
            if text is None:
                return None
            failed.append(text)
        return "none of: " + "; ".join(failed)

    def changes_at(self, ctx: Context) -> float | None:
        return earliest([part.changes_at(ctx) for part in self.parts])

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


_BOTH_AT_ONCE: Final[dict[type, bool]] = cache()
"""For each class of condition asked, whether its ``_explain_failed`` may answer for its
``check`` and ``explain`` (neither is written below the class that wrote it)."""


def _both_at_once(cls: type) -> bool:
    mro = cls.__mro__
    own = next((i for i, klass in enumerate(mro) if "_explain_failed" in vars(klass)), None)
    if own is None or mro[own] is Condition:  # the default: check, then explain
        return False
    checks = next(i for i, klass in enumerate(mro) if "check" in vars(klass))
    explains = next(i for i, klass in enumerate(mro) if "explain" in vars(klass))
    return own <= checks and own <= explains


def explain_failed(part: Condition, ctx: Context) -> str | None:
    """None if ``part`` holds in ``ctx``, else its explanation: what
    :meth:`All.explain` asks of each of its parts, in turn."""
    cls = type(part)
    at_once = _BOTH_AT_ONCE.get(cls)
    if at_once is None:
        at_once = keep(_BOTH_AT_ONCE, cls, _both_at_once(cls), bound=256)
    if at_once:
        return part._explain_failed(ctx)
    return None if part.check(ctx) else part.explain(ctx)


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
    return f"({text})" if part._binds_loosely() or isinstance(part, compound) else text


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

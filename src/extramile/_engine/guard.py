"""Guards: a condition's methods as the engine calls them, so that a user's condition
that raises names its rule.

Imports: ``_conditions``, ``errors``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from extramile._conditions import Condition, Context
from extramile.errors import ConditionError, ExtramileError

__all__ = ["changes_at", "check", "condition_error", "explain"]

_T = TypeVar("_T")


def _guarded(
    call: Callable[[Context], _T], condition: Condition, ctx: Context, rule: str, doing: str = ""
) -> _T:
    try:
        return call(ctx)
    except ExtramileError:
        raise
    except Exception as exc:
        raise condition_error(condition, rule, exc, doing) from exc


def condition_error(
    condition: Condition, rule: str, exc: Exception, doing: str = ""
) -> ConditionError:
    """The error that says which rule's condition raised ``exc``, and while doing what."""
    return ConditionError(
        f"rule {rule!r}: condition {condition!r} raised {type(exc).__name__}{doing}: {exc}"
    )


def check(check: Callable[[Context], bool], condition: Condition, ctx: Context, rule: str) -> bool:
    """``check(ctx)``, the compiled form of ``condition``."""
    return _guarded(check, condition, ctx, rule)


def explain(condition: Condition, ctx: Context, rule: str) -> str:
    """``condition.explain(ctx)``."""
    return _guarded(condition.explain, condition, ctx, rule, " while explaining")


def changes_at(condition: Condition, ctx: Context, rule: str) -> float | None:
    """``condition.changes_at(ctx)``."""
    return _guarded(condition.changes_at, condition, ctx, rule)

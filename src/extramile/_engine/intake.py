"""Intake: a customer's history checked, cut at ``now`` and put in order.

Every way into the engine comes through here (:func:`~extramile.evaluate`,
:func:`~extramile.plan`, the reports), so a history is checked the same way wherever it
comes from: it must hold :class:`~extramile.Interaction` objects of this customer, each
id once; those after ``now`` have not happened yet and are dropped; the rest are sorted
by time, then id, so that input order never matters.

Imports: ``_model``, ``_time``, ``errors``.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Iterable
from operator import countOf
from typing import Any, Final

from extramile._model import Customer, Interaction
from extramile._time import aware_seconds
from extramile.errors import ExtramileError, FactTypeError, InvalidFactError, describe_type

__all__ = ["book_pair", "customer_history", "in_book", "now_seconds"]

_TIME: Final = operator.attrgetter("ts")
_ORDER: Final = operator.attrgetter("ts", "id")
"""Interactions in time order, then by id."""
_CUSTOMER: Final = operator.attrgetter("customer_id")
_ID: Final = operator.attrgetter("id")


def now_seconds(now: object) -> float:
    """POSIX seconds of ``now``, which must be an aware datetime."""
    return aware_seconds(now, "now")


def customer_history(
    customer: Customer, interactions: Iterable[Interaction], now_ts: float
) -> list[Interaction]:
    """The customer's interactions up to ``now``, sorted by time then id; checked."""
    if not isinstance(customer, Customer):
        # A row given for the customer holds their phone and email: its type alone.
        raise FactTypeError(f"evaluate() needs a Customer (got {describe_type(customer)})")
    given: object = interactions
    if given.__class__ is not list and (
        not isinstance(given, Iterable) or isinstance(given, (str, bytes))
    ):
        raise FactTypeError(
            f"interactions must be an iterable of Interaction (got {describe_type(interactions)})"
        )
    cid = customer.id
    items = interactions if type(interactions) is list else list(interactions)
    # Each check is one pass of the interpreter's own loops; the loop below is taken only
    # when one fails, to say which interaction and why (or to admit a subclass).
    # (countOf compares by identity first: the ids and the class are mostly the very
    # objects asked for.)
    count = len(items)
    if (
        countOf(map(type, items), Interaction) == count
        and countOf(map(_CUSTOMER, items), cid) == count
        and len(set(map(_ID, items))) == count
    ):
        # By time, then id, in one sort: cheaper than sorting by time alone and then
        # looking for two interactions at one instant.
        kept = sorted(items, key=_ORDER)
        if kept and kept[-1].ts > now_ts:
            del kept[bisect.bisect_right(kept, now_ts, key=_TIME) :]
        return kept
    return _checked(customer, items, now_ts)


def _checked(customer: Customer, items: list[Any], now_ts: float) -> list[Interaction]:
    """The history checked one interaction at a time, failing on the first bad one."""
    cid = customer.id
    kept = []
    seen: set[str] = set()
    for item in items:
        if item.__class__ is not Interaction and not isinstance(item, Interaction):
            raise FactTypeError(
                f"interactions must hold Interaction objects (got {describe_type(item)})"
            )
        if item.customer_id != cid:
            raise InvalidFactError(
                f"interaction {item.id!r} belongs to customer {item.customer_id!r}, not to {cid!r}"
            )
        if item.id in seen:
            # Episode keys are made of ids: two interactions with one id would share keys.
            raise InvalidFactError(
                f"interaction id {item.id!r} appears twice in customer {cid!r}'s history"
            )
        seen.add(item.id)
        if item.ts <= now_ts:
            kept.append(item)
    # By time, then id: sort by time alone (no key tuple a call), and again by both only
    # when two interactions share an instant.
    kept.sort(key=_TIME)
    for earlier, later in itertools.pairwise(kept):
        if earlier.ts == later.ts:
            kept.sort(key=_ORDER)
            break
    return kept


def book_pair(index: int, item: object) -> tuple[Any, Any]:
    """Item ``index`` of a book, checked to be a ``(customer, interactions)`` pair.

    Raises:
        FactTypeError: anything else; the message says which item.
    """
    if not isinstance(item, tuple | list) or len(item) != 2:  # a pair
        raise FactTypeError(
            f"book item {index} must be a (customer, interactions) pair (got {describe_type(item)})"
        )
    return item[0], item[1]


def in_book(exc: ExtramileError, index: int, customer: object) -> ExtramileError:
    """``exc`` again, its message saying which book item and customer it is about."""
    who = customer.id if isinstance(customer, Customer) else "?"
    return type(exc)(f"book item {index} (customer {who!r}): {exc}")

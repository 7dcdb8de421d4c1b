"""The engine: one customer's checked history and ``now`` in, calls out, placed where they
may go, merged and explained.

The face of the package for the rest of the library; its modules import one another
directly.  Imports: ``_rules``, ``_decision``, ``_conditions``, ``_model``, ``_time``,
``_memo``, ``errors``, ``kinds``.
"""

from __future__ import annotations

from extramile._engine.core import (
    Raw,
    book_pair,
    call_of,
    customer_history,
    decide,
    evaluate,
    in_book,
    now_seconds,
    raw_calls_for,
)
from extramile._engine.placement import Placement, Reach, Suppression, place, reach_table

__all__ = [
    "Placement",
    "Raw",
    "Reach",
    "Suppression",
    "book_pair",
    "call_of",
    "customer_history",
    "decide",
    "evaluate",
    "in_book",
    "now_seconds",
    "place",
    "raw_calls_for",
    "reach_table",
]

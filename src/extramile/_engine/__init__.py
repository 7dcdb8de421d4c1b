"""The engine: one customer's checked history and ``now`` in, calls out, placed where they
may go, merged and explained (the pipeline is in :mod:`~extramile._engine.evaluate`).

The face of the package for the rest of the library; its modules import one another
directly.  Imports: ``_rules``, ``_decision``, ``_conditions``, ``_model``, ``_time``,
``_memo``, ``errors``, ``kinds``.
"""

from __future__ import annotations

from extramile._engine.compiler import compiled_source
from extramile._engine.contact import Contact, Reach, reach_table, window_allows
from extramile._engine.evaluate import counted_calls_for, decide, evaluate, raw_calls_for
from extramile._engine.intake import book_pair, customer_history, in_book, now_seconds
from extramile._engine.merge import Moved, Raw, adjustments, call_of
from extramile._engine.moves import Constraint
from extramile._engine.place import Placement, place

__all__ = [
    "Constraint",
    "Contact",
    "Moved",
    "Placement",
    "Raw",
    "Reach",
    "adjustments",
    "book_pair",
    "call_of",
    "compiled_source",
    "counted_calls_for",
    "customer_history",
    "decide",
    "evaluate",
    "in_book",
    "now_seconds",
    "place",
    "raw_calls_for",
    "reach_table",
    "window_allows",
]

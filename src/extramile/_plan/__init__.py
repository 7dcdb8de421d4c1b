"""Planning a whole book: ``plan()``, team capacity, and the agenda held in columns.

The face of the package for the rest of the library; its modules import one another
directly.  Imports: ``_engine``, ``_rules``, ``_decision``, ``_model``, ``_time``,
``_frozen``, ``errors``.
"""

from __future__ import annotations

from extramile._plan.columns import CallList, Columns
from extramile._plan.plan import Agenda, plan

__all__ = ["Agenda", "CallList", "Columns", "plan"]

"""Planning a whole book: ``plan()``, team capacity, and the agenda held in columns.

The modules, each importing only those before it: :mod:`.columns` (calls kept as columns,
made into :class:`Call` objects on demand), :mod:`.capacity` (how many calls a staff day
takes, and moving the rest), :mod:`.agenda` (the :class:`Agenda`), :mod:`.plan`
(``plan()`` itself).

The face of the package for the rest of the library; its modules import one another
directly.  Imports: ``_engine``, ``_rules``, ``_decision``, ``_model``, ``_time``,
``_frozen``, ``errors``.
"""

from __future__ import annotations

from extramile._plan.agenda import Agenda
from extramile._plan.columns import CallList, Columns
from extramile._plan.plan import plan

__all__ = ["Agenda", "CallList", "Columns", "plan"]

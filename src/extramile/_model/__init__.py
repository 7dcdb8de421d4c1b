"""The facts: :class:`Customer` and :class:`Interaction`, frozen and validated on
construction, with the vocabularies they use (:class:`Direction`, :class:`Channel`) and the
:class:`Priority` of a call.

Hosts build millions of these a night from their own rows, so construction is kept cheap:
one validation pass an object, cached timezone and window look-ups, and ISO-8601 parsing by
the standard library.  An invalid object never exists: construction either returns a whole
object or raises a :class:`~extramile.errors.FactsError`.

``from_mapping`` has two paths.  A ``dict`` row already in the constructor's terms (string
ids, an ISO-8601 timestamp) is handed to ``__init__`` as keyword arguments after parsing its
one timestamp or date: ``__init__`` checks every field, and Python itself rejects unknown and
missing keys.  Anything else -- another kind of mapping, integer ids, or any error -- goes
through the careful path, which converts what it may and otherwise raises the precise error
naming the key.  For a ``dict`` the careful path succeeds only where the fast one failed on an
integer id, which ``__init__`` checks before it consumes anything (such as an iterator of
tags), so both paths give the same object or the same error.

The modules: :mod:`.enums` (the vocabularies), :mod:`.fields` (checking and parsing one
field's value, and what makes a good id or kind, which policies check their names and kinds
against too), :mod:`.customer` and :mod:`.interaction` (the two classes).

The face of the package for the rest of the library; its modules import one another
directly.  Imports: ``_frozen``, ``_memo``, ``_time``, ``errors``.
"""

from __future__ import annotations

from extramile._model.customer import Customer
from extramile._model.enums import Channel, Direction, Priority, PriorityName
from extramile._model.fields import kind_problem, name_problem
from extramile._model.interaction import Interaction

__all__ = [
    "Channel",
    "Customer",
    "Direction",
    "Interaction",
    "Priority",
    "PriorityName",
    "kind_problem",
    "name_problem",
]

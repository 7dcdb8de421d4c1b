"""extramile: decide when a customer's situation warrants a proactive call, and plan it.

Everything public is importable from here.
"""

from __future__ import annotations

from extramile._frozen import FrozenMap
from extramile._model import Channel, Customer, Direction, Interaction
from extramile._placement import (
    DEFAULT_CALLING_WINDOW,
    Adjustment,
    ContactCaps,
    Placement,
    Suppression,
    place,
)
from extramile._time import Business, Duration, Elapsed, Local, Schedule
from extramile._window import Window
from extramile.errors import (
    ConditionError,
    ExtramileError,
    FactsError,
    FactTypeError,
    InvalidFactError,
    InvalidPolicyError,
    PolicyError,
    PolicyTypeError,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "DEFAULT_CALLING_WINDOW",
    "Adjustment",
    "Business",
    "Channel",
    "ConditionError",
    "ContactCaps",
    "Customer",
    "Direction",
    "Duration",
    "Elapsed",
    "ExtramileError",
    "FactTypeError",
    "FactsError",
    "FrozenMap",
    "Interaction",
    "InvalidFactError",
    "InvalidPolicyError",
    "Local",
    "Placement",
    "PolicyError",
    "PolicyTypeError",
    "Schedule",
    "Suppression",
    "Window",
    "__version__",
    "place",
]

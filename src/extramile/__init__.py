"""extramile: decide when a customer's situation warrants a proactive call, and plan it.

Everything public is importable from here.
"""

from __future__ import annotations

from extramile._frozen import FrozenMap
from extramile._model import Channel, Customer, Direction, Interaction
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
    "Channel",
    "ConditionError",
    "Customer",
    "Direction",
    "ExtramileError",
    "FactTypeError",
    "FactsError",
    "FrozenMap",
    "Interaction",
    "InvalidFactError",
    "InvalidPolicyError",
    "PolicyError",
    "PolicyTypeError",
    "Window",
    "__version__",
]

"""The closed vocabularies of the facts: :class:`Direction`, :class:`Channel` and
:class:`Priority`.

Direction and channel are ``str`` enums, so a member equals the string hosts write
(``Direction.INBOUND == "inbound"``); a priority is an ``int`` enum, higher first.

Imports: nothing of the library.
"""

from __future__ import annotations

import enum
from typing import Literal

__all__ = ["Channel", "Direction", "Priority", "PriorityName"]


class Direction(str, enum.Enum):
    """Who started an interaction: the customer (inbound) or us (outbound)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"

    def __str__(self) -> str:
        return self.value


class Channel(str, enum.Enum):
    """How an interaction happened."""

    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    VISIT = "visit"
    WEB = "web"
    SYSTEM = "system"

    def __str__(self) -> str:
        return self.value


class Priority(enum.IntEnum):
    """How pressing a call is; higher values come first in a plan.

    >>> str(Priority.HIGH), Priority.HIGH > Priority.NORMAL
    ('high', True)
    """

    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 4

    def __str__(self) -> str:
        return self.name.lower()


PriorityName = Literal["low", "normal", "high", "urgent"]
"""A :class:`Priority` as the string a rule may be given."""

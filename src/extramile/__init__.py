"""extramile: decide when a customer's situation warrants a proactive call, and plan it.

Everything public is importable from here.
"""

from __future__ import annotations

from extramile._decision import (
    Adjustment,
    Call,
    Decision,
    EpisodeTrace,
    RuleTrace,
    SuppressedCall,
)
from extramile._engine import Placement, compiled_source, evaluate, place
from extramile._frozen import FrozenMap
from extramile._model import Channel, Customer, Direction, Interaction, Priority
from extramile._plan import Agenda, CallList, plan
from extramile._rules import (
    DEFAULT_CALLING_WINDOW,
    DUE,
    LAST_CONTACT,
    TRIGGER,
    Anchor,
    Anniversary,
    Awareness,
    ContactCaps,
    FollowUpPolicy,
    LastContact,
    On,
    Retry,
    Rule,
    When,
    attr_date,
)
from extramile._starter import starter_policy
from extramile._time import (
    Business,
    Duration,
    Elapsed,
    Local,
    Schedule,
    WeeklyWindow,
    Window,
    tz_version,
)
from extramile._version import __version__
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

__all__ = [
    "DEFAULT_CALLING_WINDOW",
    "DUE",
    "LAST_CONTACT",
    "TRIGGER",
    "Adjustment",
    "Agenda",
    "Anchor",
    "Anniversary",
    "Awareness",
    "Business",
    "Call",
    "CallList",
    "Channel",
    "ConditionError",
    "ContactCaps",
    "Customer",
    "Decision",
    "Direction",
    "Duration",
    "Elapsed",
    "EpisodeTrace",
    "ExtramileError",
    "FactTypeError",
    "FactsError",
    "FollowUpPolicy",
    "FrozenMap",
    "Interaction",
    "InvalidFactError",
    "InvalidPolicyError",
    "LastContact",
    "Local",
    "On",
    "Placement",
    "PolicyError",
    "PolicyTypeError",
    "Priority",
    "Retry",
    "Rule",
    "RuleTrace",
    "Schedule",
    "SuppressedCall",
    "WeeklyWindow",
    "When",
    "Window",
    "__version__",
    "attr_date",
    "compiled_source",
    "evaluate",
    "place",
    "plan",
    "starter_policy",
    "tz_version",
]

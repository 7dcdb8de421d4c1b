"""Rules: triggers, anchors and timing, ``Rule`` and ``Awareness``, the constraints a policy
sets, ``FollowUpPolicy``, and the compiled form of a policy.

The face of the package for the rest of the library; its modules import one another
directly.  Imports: ``_conditions``, ``_model``, ``_time``, ``_memo``, ``errors``.
"""

from __future__ import annotations

from extramile._rules.compiled import CompiledRule, Program, key_part, lapse_at, program_of
from extramile._rules.constraints import (
    DEFAULT_CALLING_WINDOW,
    ContactCaps,
    as_caps,
    as_schedule,
    as_window,
    as_zones,
)
from extramile._rules.policy import (
    DUE,
    LAST_CONTACT,
    TRIGGER,
    Anchor,
    Anniversary,
    Awareness,
    FollowUpPolicy,
    LastContact,
    On,
    Rule,
    When,
    attr_date,
)

__all__ = [
    "DEFAULT_CALLING_WINDOW",
    "DUE",
    "LAST_CONTACT",
    "TRIGGER",
    "Anchor",
    "Anniversary",
    "Awareness",
    "CompiledRule",
    "ContactCaps",
    "FollowUpPolicy",
    "LastContact",
    "On",
    "Program",
    "Rule",
    "When",
    "as_caps",
    "as_schedule",
    "as_window",
    "as_zones",
    "attr_date",
    "key_part",
    "lapse_at",
    "program_of",
]

"""Rules: timing (anchors plus durations, and what they mean), triggers, ``Rule`` and
``Awareness``, the constraints a policy sets, ``FollowUpPolicy``, and the compiled form of a
policy.

The face of the package for the rest of the library; its modules import one another
directly, in this order: ``constraints``, ``retry``, ``timing`` → ``triggers`` → ``rule`` →
``describe`` → ``policy`` → ``compiled``.  Imports: ``_conditions``, ``_model``, ``_time``,
``_memo``, ``errors``.
"""

from __future__ import annotations

from extramile._rules.compiled import CompiledRule, Program, key_part, program_of
from extramile._rules.constraints import (
    DEFAULT_CALLING_WINDOW,
    ContactCaps,
    as_caps,
    as_schedule,
    as_window,
    as_zones,
)
from extramile._rules.policy import FollowUpPolicy
from extramile._rules.retry import DEFAULT_RETRY, MAX_TRIES, REACHED, VOICEMAIL, Retry
from extramile._rules.rule import Awareness, Rule, Scope
from extramile._rules.timing import (
    DUE,
    LAST_CONTACT,
    TRIGGER,
    Anchor,
    AnchorKind,
    When,
    attr_date,
    attr_day_start,
    customer_zone,
    lapse_at,
)
from extramile._rules.triggers import (
    RECENT_DAYS,
    Anniversary,
    LastAnniversary,
    LastContact,
    On,
    Trigger,
)

__all__ = [
    "DEFAULT_CALLING_WINDOW",
    "DEFAULT_RETRY",
    "DUE",
    "LAST_CONTACT",
    "MAX_TRIES",
    "REACHED",
    "RECENT_DAYS",
    "TRIGGER",
    "VOICEMAIL",
    "Anchor",
    "AnchorKind",
    "Anniversary",
    "Awareness",
    "CompiledRule",
    "ContactCaps",
    "FollowUpPolicy",
    "LastAnniversary",
    "LastContact",
    "On",
    "Program",
    "Retry",
    "Rule",
    "Scope",
    "Trigger",
    "When",
    "as_caps",
    "as_schedule",
    "as_window",
    "as_zones",
    "attr_date",
    "attr_day_start",
    "customer_zone",
    "key_part",
    "lapse_at",
    "program_of",
]

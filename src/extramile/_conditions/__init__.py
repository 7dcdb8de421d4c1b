"""Conditions: ``Condition``, ``Context`` and ``IssueThread``, the combinators, and the
built-in conditions.

The face of the package for the rest of the library (users import
:mod:`extramile.conditions`); its modules import one another directly, in this order:

- ``context``: :class:`Context`, :class:`IssueThread` and :data:`Check`, what a condition sees;
- ``base``: :class:`Condition`, :func:`compile_condition`, and the combinators
  ``&``, ``|``, ``~`` build (with :data:`ALWAYS`);
- ``facts``: :class:`Fact` (``attr()`` and its kin) and the comparisons of facts;
- ``episode``: the built-in conditions on the trigger, the issue and the customer;
- ``timing``: the built-in conditions on time (tenure, silence, staff hours);
- ``counting``: the built-in conditions that count interactions of a sort within a window
  (``contacts``, ``no_contact``, ``since_last_contact``, ``count_at_least``).

Every built-in condition class lives in this package: the rule compiler
(:mod:`extramile._rules.compiled`) tells them from users' conditions by their module.

Imports: ``_model``, ``_time``, ``_frozen``, ``errors``.
"""

from __future__ import annotations

from extramile._conditions.base import (
    ALWAYS,
    All,
    Any_,
    Condition,
    Not,
    always,
    compile_condition,
    explain_failed,
)
from extramile._conditions.context import (
    Check,
    Context,
    IssueState,
    IssueThread,
    TriggerContext,
)
from extramile._conditions.counting import (
    Contacts,
    contacts,
    count_at_least,
    no_contact,
    since_last_contact,
)
from extramile._conditions.episode import (
    DirectionIs,
    HasTag,
    IssueIs,
    KindIs,
    TierIn,
    direction_is,
    has_tag,
    issue_is,
    issue_open,
    kind_is,
    tier_in,
)
from extramile._conditions.facts import (
    Compare,
    Exists,
    Fact,
    FactSource,
    attr,
    customer_attr,
    has_attr,
    issue_attr,
)
from extramile._conditions.timing import (
    SilenceAtLeast,
    StaffOpenAtTrigger,
    TenureAtLeast,
    anniversary,
    outside_staff_hours,
    silence_at_least,
    staff_open_at_trigger,
    tenure_at_least,
)

__all__ = [
    "ALWAYS",
    "All",
    "Any_",
    "Check",
    "Compare",
    "Condition",
    "Contacts",
    "Context",
    "DirectionIs",
    "Exists",
    "Fact",
    "FactSource",
    "HasTag",
    "IssueIs",
    "IssueState",
    "IssueThread",
    "KindIs",
    "Not",
    "SilenceAtLeast",
    "StaffOpenAtTrigger",
    "TenureAtLeast",
    "TierIn",
    "TriggerContext",
    "always",
    "anniversary",
    "attr",
    "compile_condition",
    "contacts",
    "count_at_least",
    "customer_attr",
    "direction_is",
    "explain_failed",
    "has_attr",
    "has_tag",
    "issue_attr",
    "issue_is",
    "issue_open",
    "kind_is",
    "no_contact",
    "outside_staff_hours",
    "silence_at_least",
    "since_last_contact",
    "staff_open_at_trigger",
    "tenure_at_least",
    "tier_in",
]

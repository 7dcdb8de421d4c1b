"""Conditions: ``Condition``, ``Context`` and ``IssueThread``, the combinators, and the
built-in conditions.

The face of the package for the rest of the library (users import
:mod:`extramile.conditions`); its modules import one another directly.
Imports: ``_model``, ``_time``, ``_frozen``, ``errors``.
"""

from __future__ import annotations

from extramile._conditions.core import (
    ALWAYS,
    Check,
    Condition,
    Context,
    Fact,
    IssueThread,
    always,
    attr,
    compile_condition,
    count_at_least,
    customer_attr,
    direction_is,
    has_attr,
    has_tag,
    issue_attr,
    issue_is,
    issue_open,
    kind_is,
    outside_staff_hours,
    silence_at_least,
    staff_open_at_trigger,
    tenure_at_least,
    tier_in,
)

__all__ = [
    "ALWAYS",
    "Check",
    "Condition",
    "Context",
    "Fact",
    "IssueThread",
    "always",
    "attr",
    "compile_condition",
    "count_at_least",
    "customer_attr",
    "direction_is",
    "has_attr",
    "has_tag",
    "issue_attr",
    "issue_is",
    "issue_open",
    "kind_is",
    "outside_staff_hours",
    "silence_at_least",
    "staff_open_at_trigger",
    "tenure_at_least",
    "tier_in",
]

"""Conditions: what must hold for a rule to fire, written as data.

A condition is a small frozen object.  It prints readably, compares equal by value,
pickles, and combines with ``&``, ``|`` and ``~``:

>>> from extramile.conditions import attr, tier_in, tenure_at_least
>>> loyal = tier_in("gold", "platinum") | tenure_at_least(years=5)
>>> loyal
tier_in('gold', 'platinum') | tenure_at_least(years=5)
>>> attr("increase_pct") >= 10
attr('increase_pct') >= 10

Every condition is checked against a :class:`Context`: the customer, the episode's
triggering interaction, the issue thread it belongs to, the history up to ``now``, and
``now`` itself.  When a rule does not fire, :meth:`Condition.explain` says which part
failed and what value it saw.

Write your own by subclassing :class:`Condition` (an attrs frozen class) and implementing
:meth:`~Condition.check`; implement :meth:`~Condition.explain` to say what it saw and
:meth:`~Condition.changes_at` if its answer can change with time alone.

This module is the public face of :mod:`extramile._conditions`, where they are defined.

Imports: ``_conditions``.
"""

from __future__ import annotations

from extramile._conditions import (
    ALWAYS,
    Check,
    Condition,
    Contacts,
    Context,
    Fact,
    IssueThread,
    always,
    attr,
    contacts,
    count_at_least,
    customer_attr,
    direction_is,
    has_attr,
    has_tag,
    issue_attr,
    issue_is,
    issue_open,
    kind_is,
    no_contact,
    outside_staff_hours,
    silence_at_least,
    since_last_contact,
    staff_open_at_trigger,
    tenure_at_least,
    tier_in,
)

__all__ = [
    "ALWAYS",
    "Check",
    "Condition",
    "Contacts",
    "Context",
    "Fact",
    "IssueThread",
    "always",
    "attr",
    "contacts",
    "count_at_least",
    "customer_attr",
    "direction_is",
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

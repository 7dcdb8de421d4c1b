"""Policies: the rules together with the constraints every call respects.

A :class:`FollowUpPolicy` holds the rules (see :mod:`extramile._rules.rule`) with the
staff schedule, the calling window, the served timezones and the contact caps (see
:mod:`extramile._rules.constraints`).  It is plain, frozen data: a policy prints, compares
equal and pickles; its compiled form is kept beside it (:mod:`extramile._rules.compiled`).

Imports: ``_rules.rule``, ``_rules.constraints``, ``_rules.describe``, ``_model``, ``_time``,
``errors``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from extramile._model import name_problem
from extramile._rules.constraints import (
    DEFAULT_CALLING_WINDOW,
    ContactCaps,
    as_caps,
    as_schedule,
    as_window,
    as_zones,
)
from extramile._rules.describe import describe_policy, markdown
from extramile._rules.rule import Awareness, Rule
from extramile._time import CallingWindow, Schedule, ZoneName
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe

__all__ = ["FollowUpPolicy"]


def _rules(rules: Sequence[Rule | Awareness]) -> tuple[Rule | Awareness, ...]:
    value: object = rules  # checked here: a caller without a type checker may give anything
    if not isinstance(value, Iterable) or isinstance(value, (str, Mapping)):
        raise PolicyTypeError(
            f"FollowUpPolicy.rules must be a list of rules (got {describe(value)})"
        )
    checked: list[Rule | Awareness] = []
    seen: set[str] = set()
    for rule in value:
        if not isinstance(rule, (Rule, Awareness)):
            raise PolicyTypeError(
                f"FollowUpPolicy.rules must hold Rule or Awareness objects (got {describe(rule)})"
            )
        if rule.name in seen:
            raise InvalidPolicyError(f"FollowUpPolicy.rules has two rules named {rule.name!r}")
        seen.add(rule.name)
        checked.append(rule)
    return tuple(checked)


def _zones(value: Iterable[ZoneName]) -> tuple[str, ...]:
    return as_zones(value, "FollowUpPolicy.served_timezones")


def _schedule(value: Schedule) -> Schedule:
    return as_schedule(value, "FollowUpPolicy.schedule")


def _window(window: CallingWindow | str | Mapping[str, object]) -> CallingWindow:
    value: object = window  # checked here: a caller without a type checker may give anything
    return as_window(value, "FollowUpPolicy.calling_window")


def _caps(value: ContactCaps) -> ContactCaps:
    return as_caps(value, "FollowUpPolicy.caps")


def _policy_name(name: str) -> str:
    value: object = name  # checked here: a caller without a type checker may give anything
    if not isinstance(value, str) or not value.strip():
        raise InvalidPolicyError(
            f"FollowUpPolicy.name must be a non-empty str (got {describe(value)})"
        )
    problem = name_problem(value)  # written at the head of every agenda and report
    if problem is not None:
        raise InvalidPolicyError(f"FollowUpPolicy.name {problem} (got {describe(value)})")
    return value


@attrs.frozen(kw_only=True)
class FollowUpPolicy:
    """Rules plus the constraints every call respects.

    Args:
        name: what the policy is called in reports.
        rules: :class:`Rule` and :class:`Awareness` objects, names unique.
        schedule: staff business hours and holidays.
        calling_window: when customers may be called, in their own timezone (default
            08:00-21:00 every day): a :class:`Window` for every day, or per weekday a
            :class:`WeeklyWindow` or its mapping (``{"mon-sat": "09:00-19:00"}``, the
            days left out closed).  A rule's own ``calling_window`` overrides it for the
            rule's calls, and a customer's ``calling_hours`` override both.
        served_timezones: where customers with an unknown timezone may live; a call to
            them waits until the window is open in all of these.
        caps: contact caps (default: 3 attempts per 7 local days, 20 hours apart).

    Raises:
        InvalidPolicyError: duplicate rule names, unknown timezones, an empty name.
        PolicyTypeError: a value of the wrong type.
    """

    name: str = attrs.field(converter=_policy_name)
    rules: tuple[Rule | Awareness, ...] = attrs.field(converter=_rules)
    schedule: Schedule = attrs.field(converter=_schedule)
    calling_window: CallingWindow = attrs.field(default=DEFAULT_CALLING_WINDOW, converter=_window)
    served_timezones: tuple[str, ...] = attrs.field(default=(), converter=_zones)
    caps: ContactCaps = attrs.field(factory=ContactCaps, converter=_caps)

    def rule(self, name: str) -> Rule | Awareness:
        """The rule called ``name``.

        Raises:
            KeyError: there is no such rule.
        """
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)

    def describe(self) -> dict[str, Any]:
        """Every rule and constraint, for people to review and sign off, as JSON values.

        The keys: ``policy`` (the name); ``staff`` (``timezone``, ``hours`` by weekday,
        ``holidays``: their ``dates`` with names, or the ``holidays`` package's
        ``calendar`` with its ``country`` and ``subdivision``, or None);
        ``calling_window``; ``served_timezones``; ``caps`` (``max_attempts``, ``per``,
        ``min_gap``); and ``rules``, in order.  A rule (``"kind": "rule"``) gives its
        ``trigger``, ``due``, ``deadline`` and ``give_up`` as ``{"written": ..., "means":
        ...}`` (the code, and the words), its ``condition`` and ``stop`` as written (None:
        no stop), ``scope``, ``priority``, ``queue`` (None: the general queue),
        ``calling_window`` (None: the policy's), ``retry`` (``tries``, ``every``,
        ``voicemail_answers``), ``extra_mile`` (a bool, or the condition as written),
        ``essential``, ``may_be_early`` and ``talking_point``.  An :class:`Awareness`
        (``"kind": "awareness"``) gives its ``programmes``, tag to talking point.

        >>> from extramile import starter_policy
        >>> rule = starter_policy().describe()["rules"][0]
        >>> rule["name"], rule["essential"], rule["queue"]
        ('duplicate-charge-callback', True, None)
        >>> rule["deadline"]["written"], rule["deadline"]["means"]
        ('TRIGGER + Elapsed(minutes=15)', '15 minutes elapsed after the trigger')

        :meth:`describe_markdown` writes the same as a page.
        """
        return describe_policy(
            name=self.name,
            rules=self.rules,
            schedule=self.schedule,
            calling_window=self.calling_window,
            served_timezones=self.served_timezones,
            caps=self.caps,
        )

    def describe_markdown(self) -> str:
        """:meth:`describe` as a Markdown page: the constraints, then each rule in order,
        each field on a line of its own."""
        return markdown(self.describe())

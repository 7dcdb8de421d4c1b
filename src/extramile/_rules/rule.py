"""Rules: one reason to call (:class:`Rule`), and the talking points every call can carry
(:class:`Awareness`), each with the checks of its fields.

A :class:`Rule` names a *trigger* (what starts an episode), a *condition* (what must hold,
as of the trigger), an optional *stop* (what ends the episode, at ``now``), and the
*timing* of the call: a due time and a deadline, each an anchor plus or minus a
duration of one of the three kinds (see :mod:`extramile._rules.timing`).  Both are plain,
frozen data: a rule prints, compares equal and pickles.

Imports: ``_rules.constraints``, ``_rules.retry``, ``_rules.timing``, ``_rules.triggers``,
``_conditions``, ``_model``, ``_time``, ``errors``.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

import attrs

from extramile._conditions import ALWAYS, Condition
from extramile._model import Customer, Priority, PriorityName, name_problem
from extramile._rules.constraints import as_window
from extramile._rules.retry import DEFAULT_RETRY, Retry
from extramile._rules.timing import DUE, TRIGGER, Anchor, When, always_before, as_when
from extramile._rules.triggers import Anniversary, LastContact, On, Trigger
from extramile._time import Business, CallingWindow, Duration, Elapsed, Local
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe

__all__ = ["Awareness", "Rule", "Scope"]


class Scope(str, enum.Enum):
    """What a rule's episodes are counted on, and which outbound call satisfies them: a
    ``str`` enum, equal to (and printed as) the string a rule is given.

    >>> Scope("customer") == "customer", Scope.ISSUE
    (True, 'issue')
    """

    ISSUE = "issue"
    CUSTOMER = "customer"

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        # As the string it was given, so that a printed rule reads as the code that built it.
        return repr(self.value)


_SCOPES: Final = tuple(Scope)
ScopeName = Literal["issue", "customer"]
"""A rule's scope as the string it may be given."""


def _priority(value: PriorityName | Priority) -> Priority:
    if isinstance(value, Priority):
        return value
    if isinstance(value, str) and value.upper() in Priority.__members__:
        return Priority[value.upper()]
    raise InvalidPolicyError(
        f"Rule.priority must be one of 'urgent', 'high', 'normal', 'low' (got {describe(value)})"
    )


def _trigger(trigger: Trigger) -> Trigger:
    value: object = trigger  # checked here: a caller without a type checker may give anything
    if isinstance(value, (On, LastContact, Anniversary)):
        return value
    raise PolicyTypeError(
        f"Rule.trigger must be On(...), LastContact() or Anniversary() (got {describe(value)})"
    )


def _condition(condition: Condition) -> Condition:
    value: object = condition  # checked here: a caller without a type checker may give anything
    if not isinstance(value, Condition):
        hint = "; compare a fact with .equals(value), not ==" if isinstance(value, bool) else ""
        raise PolicyTypeError(
            "Rule.condition must be a Condition from extramile.conditions"
            f" (got {describe(value)}){hint}"
        )
    return value


def _stop(stop: Condition | None) -> Condition | None:
    value: object = stop  # checked here: a caller without a type checker may give anything
    if value is None or isinstance(value, Condition):
        return value
    hint = "; compare a fact with .equals(value), not ==" if isinstance(value, bool) else ""
    raise PolicyTypeError(
        "Rule.stop must be a Condition from extramile.conditions, or None"
        f" (got {describe(value)}){hint}"
    )


def _flag(flag: bool | Condition) -> bool | Condition:
    value: object = flag  # checked here: a caller without a type checker may give anything
    if isinstance(value, (bool, Condition)):
        return value
    raise PolicyTypeError(f"Rule.extra_mile must be a bool or a Condition (got {describe(value)})")


def _due(value: Anchor | When) -> When:
    return as_when(value, "Rule.due")


def _deadline(value: Anchor | When) -> When:
    if value is _REQUIRED:
        raise PolicyTypeError(
            "Rule.deadline is required: say by when the call should have happened,"
            " e.g. DUE + Business(hours=2)"
        )
    return as_when(value, "Rule.deadline")


_REQUIRED: Any = object()


def _rule_name(name: str) -> str:
    value: object = name  # checked here: a caller without a type checker may give anything
    if not isinstance(value, str) or not value.strip():
        raise InvalidPolicyError(f"Rule.name must be a non-empty str (got {describe(value)})")
    problem = name_problem(value)  # the name is part of every call's key
    if problem is not None:
        raise InvalidPolicyError(f"Rule.name {problem} (got {describe(value)})")
    return value


def _lapse(duration: Duration | None) -> Duration | None:
    value: object = duration  # checked here: a caller without a type checker may give anything
    if value is None or isinstance(value, (Elapsed, Local, Business)):
        return value
    raise PolicyTypeError(
        "Rule.give_up_after must be an Elapsed, Local or Business duration, or None"
        f" (got {describe(value)})"
    )


def _retry(retry: Retry) -> Retry:
    value: object = retry  # checked here: a caller without a type checker may give anything
    if not isinstance(value, Retry):
        raise PolicyTypeError(f"Rule.retry must be a Retry (got {describe(value)})")
    return value


def _calling_window(
    window: CallingWindow | str | Mapping[str, object] | None,
) -> CallingWindow | None:
    value: object = window  # checked here: a caller without a type checker may give anything
    return None if value is None else as_window(value, "Rule.calling_window")


def _scope(value: ScopeName | Scope) -> Scope:
    if value not in _SCOPES:
        raise InvalidPolicyError(
            f"Rule.scope must be 'issue' or 'customer' (got {describe(value)})"
        )
    return Scope(value)


def _queue(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise PolicyTypeError(f"Rule.queue must be a str or None (got {describe(value)})")
    problem = name_problem(value)
    if problem is not None:
        raise InvalidPolicyError(f"Rule.queue {problem} (got {describe(value)})")
    # One shared string for every call of the queue, however many rules and policies name
    # it: an agenda of a million calls pools it (see _plan.columns).
    return sys.intern(str.__str__(value))


@attrs.frozen(kw_only=True)
class Rule:
    """One reason to call: a trigger, a condition, when the call is due, and what to say.

    Args:
        name: unique within the policy; part of every call's key.
        trigger: what starts an episode: :class:`On`, :class:`LastContact`,
            :class:`Anniversary`.
        condition: what must hold, judged on the facts as of the episode's trigger:
            its ``now`` is the trigger's instant, and it sees the history and the issue
            as they stood then (see :mod:`extramile.conditions`).
        scope: ``"issue"`` (an outbound call on the same issue satisfies it; the default)
            or ``"customer"`` (any outbound call to the customer does).
        due: when the call is due, e.g. ``TRIGGER`` or ``LAST_CONTACT + Local(days=7)``.
        deadline: when it should have happened by, e.g. ``DUE + Business(hours=2)``.
        priority: ``"urgent"``, ``"high"``, ``"normal"`` or ``"low"``.
        talking_point: what the agent should say or ask.
        extra_mile: may be placed outside staff hours and on holidays (a bool, or a
            condition such as "the customer is loyal").
        essential: bypasses contact caps and the minimum gap (never do-not-call).
        give_up_after: drop the episode this long after its deadline (None: never).
        stop: what ends an episode, judged at ``now`` on everything known up to then,
            e.g. ``~issue_open()`` (the issue is no longer open); None: nothing does.
            A stopped episode gets no call and is not suppressed: it is over.
        retry: how a call that did not reach the customer is tried again (default
            :class:`Retry`: 3 tries, 2 hours apart, a voicemail is not an answer).
        queue: who should make the call, e.g. ``"senior"`` or ``"billing"`` (None: the
            general queue).  ``plan(queue_capacity=...)`` can limit a queue's calls a day.
        calling_window: when this rule's calls may be made, in the customer's timezone,
            instead of the policy's: a :class:`Window` for every day, or per weekday a
            :class:`WeeklyWindow` or its mapping (``{"mon-sat": "09:00-19:00"}``, the days
            left out closed).  None (the default): the policy's.  A customer's own
            ``calling_hours`` still come first.
        early: whether the call may be made before its due time when the customer has
            an earlier call within the minimum gap (:class:`ContactCaps`), taken along
            into that call (True, the default).  False: it waits, pushed until the gap
            after the earlier call has passed, its deadline moved as far.

    Raises:
        InvalidPolicyError: an empty name or queue, an unknown priority or scope.
        PolicyTypeError: a value of the wrong type.
    """

    name: str = attrs.field(converter=_rule_name)
    trigger: Trigger = attrs.field(converter=_trigger)
    condition: Condition = attrs.field(default=ALWAYS, converter=_condition)
    scope: Scope = attrs.field(default=Scope.ISSUE, converter=_scope)
    due: When = attrs.field(default=When(anchor=TRIGGER), converter=_due)
    deadline: When = attrs.field(default=_REQUIRED, converter=_deadline)
    priority: Priority = attrs.field(default=Priority.NORMAL, converter=_priority)
    talking_point: str = ""
    extra_mile: bool | Condition = attrs.field(default=False, converter=_flag)
    essential: bool = False
    give_up_after: Duration | None = attrs.field(default=None, converter=_lapse)
    stop: Condition | None = attrs.field(default=None, converter=_stop)
    retry: Retry = attrs.field(default=DEFAULT_RETRY, converter=_retry)
    queue: str | None = attrs.field(default=None, converter=_queue)
    calling_window: CallingWindow | None = attrs.field(default=None, converter=_calling_window)
    early: bool = True

    def __attrs_post_init__(self) -> None:
        if self.due.anchor is DUE or self.due.anchor == DUE:
            raise InvalidPolicyError(f"Rule {self.name!r}: due cannot be measured from DUE")
        if always_before(self.deadline, self.due):
            raise InvalidPolicyError(
                f"Rule {self.name!r}: the deadline ({self.deadline.describe()}) comes before"
                f" the due time ({self.due.describe()}), so every call would be overdue"
            )
        if not isinstance(self.talking_point, str):
            raise PolicyTypeError(
                f"Rule {self.name!r}: talking_point must be a str"
                f" (got {describe(self.talking_point)})"
            )
        if not isinstance(self.essential, bool):
            raise PolicyTypeError(
                f"Rule {self.name!r}: essential must be a bool (got {describe(self.essential)})"
            )
        if not isinstance(self.early, bool):
            raise PolicyTypeError(
                f"Rule {self.name!r}: early must be a bool (got {describe(self.early)})"
            )


def _programmes(
    programmes: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    value: object = programmes  # checked here: a caller without a type checker may give anything
    items = value.items() if isinstance(value, Mapping) else value
    if isinstance(items, str) or not isinstance(items, Iterable):
        raise PolicyTypeError(
            f"Awareness.programmes must map tags to talking points (got {describe(value)})"
        )
    pairs: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item, (tuple, list)):
            raise PolicyTypeError(
                "Awareness.programmes must be a mapping, or pairs of a tag and a talking"
                f" point (got {describe(item)})"
            )
        if len(item) != 2 or not all(isinstance(part, str) for part in item):
            raise PolicyTypeError(
                f"Awareness.programmes must map str tags to str points (got {describe(item)})"
            )
        pairs.append((item[0], item[1]))
    tags = [tag for tag, _ in pairs]
    for tag in tags:
        if not tag.strip():
            raise InvalidPolicyError("Awareness.programmes tags must be non-empty")
        if tags.count(tag) > 1:
            raise InvalidPolicyError(f"Awareness.programmes names tag {tag!r} twice")
    return tuple(sorted(pairs))


@attrs.frozen(kw_only=True)
class Awareness:
    """Never a call of its own: adds a talking point about each programme a customer lacks
    (by tag) to any call the customer gets.

    >>> Awareness(programmes={"autopay": "Mention autopay: no more late fees."}).name
    'service-awareness'
    """

    name: str = attrs.field(default="service-awareness", converter=_rule_name)
    programmes: tuple[tuple[str, str], ...] = attrs.field(converter=_programmes)

    def points_for(self, customer: Customer) -> list[str]:
        """The talking points for the programmes ``customer`` does not have."""
        return [point for tag, point in self.programmes if tag not in customer.tags]

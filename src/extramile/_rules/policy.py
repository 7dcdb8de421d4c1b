"""Rules and policies: what fires when, and the constraints every call respects.

A :class:`Rule` names a *trigger* (what starts an episode), a *condition* (what must hold),
and the *timing* of the call: a due time and a deadline, each an anchor plus or minus a
duration of one of the three kinds.  A :class:`FollowUpPolicy` holds the rules with the
staff schedule, the calling window, the served timezones and the contact caps.

Everything here is plain, frozen data: a policy prints, compares equal and pickles.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from extramile._conditions.core import ALWAYS, Condition, Context, _anniversary
from extramile._memo import Memo
from extramile._model import Customer, Direction, Priority
from extramile._rules.constraints import (
    DEFAULT_CALLING_WINDOW,
    ContactCaps,
    as_caps,
    as_schedule,
    as_window,
    as_zones,
)
from extramile._time import (
    EARLIEST,
    FIRST_DAY,
    LAST_DAY,
    LATEST,
    Business,
    Duration,
    Elapsed,
    Local,
    Schedule,
    Window,
    add_local_days,
    local_date,
    zone,
)
from extramile._time import local_day_start as _day_start
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe

__all__ = [
    "DUE",
    "LAST_CONTACT",
    "TRIGGER",
    "Anchor",
    "Anniversary",
    "Awareness",
    "FollowUpPolicy",
    "LastContact",
    "On",
    "Rule",
    "When",
    "attr_date",
]


def _priority(value: object) -> Priority:
    if isinstance(value, Priority):
        return value
    if isinstance(value, str) and value.upper() in Priority.__members__:
        return Priority[value.upper()]
    raise InvalidPolicyError(
        f"Rule.priority must be one of 'urgent', 'high', 'normal', 'low' (got {describe(value)})"
    )


# ---------------------------------------------------------------------------------------
# Timing: anchors plus or minus durations
# ---------------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class Anchor:
    """A moment a rule's timing is measured from.

    ``TRIGGER`` is when the episode started, ``LAST_CONTACT`` the latest interaction in the
    rule's scope, ``DUE`` (for deadlines) the call's due time, and ``attr_date("bill_date")``
    the start of the local day named by an attribute of the trigger.
    """

    name: str
    attribute: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.name not in _ANCHOR_NAMES:
            raise InvalidPolicyError(
                f"Anchor name must be one of {', '.join(sorted(_ANCHOR_NAMES))}"
                f" (got {describe(self.name)}); use TRIGGER, LAST_CONTACT, DUE or attr_date()"
            )
        if self.name == "ATTR_DATE":
            if not isinstance(self.attribute, str) or not self.attribute:
                raise InvalidPolicyError(
                    f"an ATTR_DATE anchor names an attribute: use attr_date(name)"
                    f" (got {describe(self.attribute)})"
                )
        elif self.attribute is not None:
            raise InvalidPolicyError(
                f"only attr_date() anchors name an attribute (got {self.name} with"
                f" {describe(self.attribute)})"
            )

    def __add__(self, offset: Duration) -> When:
        return When(anchor=self, offset=_offset(offset), before=False)

    def __sub__(self, offset: Duration) -> When:
        return When(anchor=self, offset=_offset(offset), before=True)

    def __repr__(self) -> str:
        if self.attribute is not None:
            return f"attr_date({self.attribute!r})"
        return self.name


_ANCHOR_NAMES: Final = frozenset({"TRIGGER", "LAST_CONTACT", "DUE", "ATTR_DATE"})
TRIGGER: Final = Anchor("TRIGGER")
LAST_CONTACT: Final = Anchor("LAST_CONTACT")
DUE: Final = Anchor("DUE")


def attr_date(name: str) -> Anchor:
    """The start of the local day given by a date attribute of the trigger, e.g. a bill date.

    >>> attr_date("bill_date") - Local(days=7)
    attr_date('bill_date') - Local(days=7)
    """
    if not isinstance(name, str) or not name:
        raise PolicyTypeError(f"attr_date() takes an attribute name (got {describe(name)})")
    return Anchor("ATTR_DATE", name)


def _offset(value: object) -> Duration:
    if not isinstance(value, (Elapsed, Local, Business)):
        raise PolicyTypeError(
            f"timing offsets must be Elapsed, Local or Business durations (got {describe(value)})"
        )
    return value


@attrs.frozen(repr=False)
class When:
    """An anchor moved by a duration: ``TRIGGER + Elapsed(minutes=15)``."""

    anchor: Anchor
    offset: Duration = attrs.field(factory=Elapsed)
    before: bool = False

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.anchor, Anchor):
            raise PolicyTypeError(
                "When.anchor must be an Anchor such as TRIGGER, DUE or attr_date('bill_date')"
                f" (got {describe(self.anchor)})"
            )
        _offset(self.offset)
        if self.before.__class__ is not bool:
            raise PolicyTypeError(f"When.before must be a bool (got {describe(self.before)})")
        if self.before and isinstance(self.offset, Business):
            raise InvalidPolicyError(
                "business time can only be added, not subtracted"
                f" (got {self.anchor!r} - {self.offset!r})"
            )

    def __repr__(self) -> str:
        if self.offset == Elapsed() and not self.before:
            return repr(self.anchor)
        return f"{self.anchor!r} {'-' if self.before else '+'} {self.offset!r}"

    def describe(self) -> str:
        """Readable: ``"15 minutes elapsed after the trigger"``."""
        anchor = _ANCHOR_WORDS.get(self.anchor.name, f"the {self.anchor.attribute} date")
        if self.offset == Elapsed() and not self.before:
            return anchor
        return f"{self.offset} {'before' if self.before else 'after'} {anchor}"


_ANCHOR_WORDS: Final = {
    "TRIGGER": "the trigger",
    "LAST_CONTACT": "the last contact",
    "DUE": "the due time",
}


def _before(deadline: When, due: When) -> bool:
    """Whether ``deadline`` always comes before ``due``, as far as can be told from the
    rule alone: counted back from the due time, or both from one anchor in the same kind
    of duration."""
    if deadline.anchor == DUE:
        return _signed(deadline) < 0
    kind = type(deadline.offset)
    if deadline.anchor != due.anchor or kind is not type(due.offset) or kind is Business:
        return False  # business days and hours do not compare without a calendar
    return _signed(deadline) < _signed(due)


def _signed(when: When) -> float:
    """The offset of ``when`` as a signed amount: seconds, or local days."""
    offset = when.offset
    amount = offset.days if isinstance(offset, Local) else offset.seconds
    return -amount if when.before else amount


def _when(value: object, where: str) -> When:
    if isinstance(value, Anchor):
        return When(anchor=value)
    if isinstance(value, When):
        return value
    raise PolicyTypeError(
        f"{where} must be an anchor such as TRIGGER, or an anchor plus or minus a duration"
        f" (got {describe(value)})"
    )


def resolve(when: When, ctx: Context, due: float | None = None) -> float | None:
    """POSIX seconds of ``when`` in ``ctx``; None when its anchor is missing."""
    name = when.anchor.name
    base: float | None
    if name == "TRIGGER":
        base = ctx.episode_start
    elif name == "LAST_CONTACT":
        base = ctx.last_contact
    elif name == "DUE":
        base = due
    else:
        base = _attr_day_start(when.anchor.attribute or "", ctx)
    if base is None:
        return None
    offset = when.offset
    if isinstance(offset, Elapsed):
        return base - offset.seconds if when.before else base + offset.seconds
    if isinstance(offset, Local):
        days = -offset.days if when.before else offset.days
        return add_local_days(base, days, customer_zone(ctx.customer, ctx.schedule))
    return ctx.schedule.add_ts(base, offset)


def _attr_day_start(name: str, ctx: Context) -> float | None:
    trigger = ctx.trigger
    value = None if trigger is None else trigger.attributes.get(name)
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    else:
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        return None  # 9999-12-31, a database's "no date": no time can be counted from it
    return _day_start(day, customer_zone(ctx.customer, ctx.schedule))


def customer_zone(customer: Customer, schedule: Schedule) -> dt.tzinfo:
    """The zone a customer's local days are counted in: theirs, else the staff's."""
    name = customer.timezone
    return zone(name) if name is not None else schedule.tz


# ---------------------------------------------------------------------------------------
# Triggers: what starts an episode
# ---------------------------------------------------------------------------------------


@attrs.frozen(repr=False, init=False)
class On:
    """Every interaction of these kinds starts an episode (optionally only one direction).

    >>> On("billing.duplicate_charge")
    On('billing.duplicate_charge')
    """

    kinds: frozenset[str]
    direction: Direction | None

    def __init__(self, *kinds: str, direction: str | Direction | None = None) -> None:
        if not kinds:
            raise InvalidPolicyError("On() needs at least one interaction kind")
        for kind in kinds:
            if not isinstance(kind, str) or not kind.strip():
                raise PolicyTypeError(f"On() kinds must be non-empty str (got {describe(kind)})")
        try:
            chosen = None if direction is None else Direction(direction)
        except ValueError:
            raise InvalidPolicyError(
                f"On() direction must be 'inbound' or 'outbound' (got {describe(direction)})"
            ) from None
        self.__attrs_init__(kinds=frozenset(kinds), direction=chosen)

    def __repr__(self) -> str:
        kinds = ", ".join(map(repr, sorted(self.kinds)))
        if self.direction is not None:
            return f"On({kinds}, direction={self.direction.value!r})"
        return f"On({kinds})"

    def describe(self) -> str:
        """Readable."""
        side = f"{self.direction.value} " if self.direction is not None else ""
        return f"{side}{' or '.join(sorted(self.kinds))} interaction"


@attrs.frozen(repr=False)
class LastContact:
    """The latest interaction in scope (on each issue, or with the customer) starts an
    episode; a newer interaction starts a new one."""

    def __repr__(self) -> str:
        return "LastContact()"

    def describe(self) -> str:
        """Readable."""
        return "contact"


@attrs.frozen(repr=False)
class Anniversary:
    """Each yearly anniversary of ``customer_since`` starts an episode at the start of that
    local day."""

    def __repr__(self) -> str:
        return "Anniversary()"

    def describe(self) -> str:
        """Readable."""
        return "anniversary of customer_since"

    def latest(
        self, customer: Customer, now: float, schedule: Schedule, after: float = -math.inf
    ) -> tuple[int, float]:
        """(years, start) of the latest anniversary at or before ``now``; years 0 if none.

        With ``after``, an anniversary that started at or before it may also be answered
        as none: most customers' anniversaries are far from ``now``, and a few dates
        tell so without working out when any day starts.
        """
        since = customer.customer_since
        if since is None:
            return (0, 0.0)
        # Only where dates two days off can be written (a rule given up after a million
        # days has its bound before the year 1).
        if (
            EARLIEST < after < LATEST
            and now < LATEST
            and (since.month, since.day) not in _RECENT_DAYS[after, now]
        ):
            return (0, 0.0)
        tz = customer_zone(customer, schedule)
        years = local_date(now, tz).year - since.year
        while years > 0:
            start = _day_start(_anniversary(since, years), tz)
            if start <= now:
                return (years, start)
            years -= 1
        return (0, 0.0)

    def next_after(self, customer: Customer, now: float, schedule: Schedule) -> float | None:
        """The start of the first anniversary after ``now``."""
        since = customer.customer_since
        if since is None:
            return None
        years, _ = self.latest(customer, now, schedule)
        tz = customer_zone(customer, schedule)
        return _day_start(_anniversary(since, years + 1), tz)


def _recent_days(span: tuple[float, float]) -> frozenset[tuple[int, int]]:
    """The (month, day) of every date on which a day could start after the first
    instant of ``span`` and by the second, in any zone: their UTC dates with two days to
    spare on each side (a local date is within a day of the UTC one; and one to spare,
    as Apia lived one date twice in 1892).  Every date of the year when that spans a
    year, and 29 February always (its anniversaries fall on 28 February in common
    years)."""
    first = dt.datetime.fromtimestamp(span[0], dt.timezone.utc).date() - _SPARE_DAYS
    last = dt.datetime.fromtimestamp(span[1], dt.timezone.utc).date() + _SPARE_DAYS
    if (last - first).days >= _YEAR_DAYS:
        return _EVERY_DAY
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset({(2, 29), *((day.month, day.day) for day in days)})


_SPARE_DAYS: Final = dt.timedelta(days=2)
_YEAR_DAYS: Final = 365
_EVERY_DAY: Final = frozenset(
    (day.month, day.day) for day in (dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(366))
)
_RECENT_DAYS: Final[Memo[tuple[float, float], frozenset[tuple[int, int]]]] = Memo(_recent_days, 64)
"""By (after, now): the engine asks for one ``now`` and a few rules' stale instants."""


Trigger = On | LastContact | Anniversary


def _trigger(value: object) -> Trigger:
    if isinstance(value, (On, LastContact, Anniversary)):
        return value
    raise PolicyTypeError(
        f"Rule.trigger must be On(...), LastContact() or Anniversary() (got {describe(value)})"
    )


def _condition(value: object) -> Condition:
    if not isinstance(value, Condition):
        hint = "; compare a fact with .equals(value), not ==" if isinstance(value, bool) else ""
        raise PolicyTypeError(
            "Rule.condition must be a Condition from extramile.conditions"
            f" (got {describe(value)}){hint}"
        )
    return value


def _flag(value: object) -> bool | Condition:
    if isinstance(value, (bool, Condition)):
        return value
    raise PolicyTypeError(f"Rule.extra_mile must be a bool or a Condition (got {describe(value)})")


def _due(value: object) -> When:
    return _when(value, "Rule.due")


def _deadline(value: object) -> When:
    if value is _REQUIRED:
        raise PolicyTypeError(
            "Rule.deadline is required: say by when the call should have happened,"
            " e.g. DUE + Business(hours=2)"
        )
    return _when(value, "Rule.deadline")


_REQUIRED: Any = object()


def _programmes(value: object) -> tuple[tuple[str, str], ...]:
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


def _rule_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidPolicyError(f"Rule.name must be a non-empty str (got {describe(value)})")
    return value


def _lapse(value: object) -> Duration | None:
    if value is None or isinstance(value, (Elapsed, Local, Business)):
        return value
    raise PolicyTypeError(
        "Rule.give_up_after must be an Elapsed, Local or Business duration, or None"
        f" (got {describe(value)})"
    )


def _scope(value: object) -> str:
    if value not in ("issue", "customer"):
        raise InvalidPolicyError(
            f"Rule.scope must be 'issue' or 'customer' (got {describe(value)})"
        )
    return str(value)


@attrs.frozen(kw_only=True)
class Rule:
    """One reason to call: a trigger, a condition, when the call is due, and what to say.

    Args:
        name: unique within the policy; part of every call's key.
        trigger: what starts an episode: :class:`On`, :class:`LastContact`,
            :class:`Anniversary`.
        condition: what must hold (see :mod:`extramile.conditions`).
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

    Raises:
        InvalidPolicyError: an empty name, an unknown priority or scope.
        PolicyTypeError: a value of the wrong type.
    """

    name: str = attrs.field(converter=_rule_name)
    trigger: Trigger = attrs.field(converter=_trigger)
    condition: Condition = attrs.field(default=ALWAYS, converter=_condition)
    scope: str = attrs.field(default="issue", converter=_scope)
    due: When = attrs.field(default=When(anchor=TRIGGER), converter=_due)
    deadline: When = attrs.field(default=_REQUIRED, converter=_deadline)
    priority: Priority = attrs.field(default=Priority.NORMAL, converter=_priority)
    talking_point: str = ""
    extra_mile: bool | Condition = attrs.field(default=False, converter=_flag)
    essential: bool = False
    give_up_after: Duration | None = attrs.field(default=None, converter=_lapse)

    def __attrs_post_init__(self) -> None:
        if self.due.anchor is DUE or self.due.anchor == DUE:
            raise InvalidPolicyError(f"Rule {self.name!r}: due cannot be measured from DUE")
        if _before(self.deadline, self.due):
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


def _rules(value: object) -> tuple[Rule | Awareness, ...]:
    if not isinstance(value, Iterable) or isinstance(value, (str, Mapping)):
        raise PolicyTypeError(
            f"FollowUpPolicy.rules must be a list of rules (got {describe(value)})"
        )
    rules = tuple(value)
    seen: set[str] = set()
    for rule in rules:
        if not isinstance(rule, (Rule, Awareness)):
            raise PolicyTypeError(
                f"FollowUpPolicy.rules must hold Rule or Awareness objects (got {describe(rule)})"
            )
        if rule.name in seen:
            raise InvalidPolicyError(f"FollowUpPolicy.rules has two rules named {rule.name!r}")
        seen.add(rule.name)
    return rules


def _zones(value: object) -> tuple[str, ...]:
    return as_zones(value, "FollowUpPolicy.served_timezones")


def _schedule(value: object) -> Schedule:
    return as_schedule(value, "FollowUpPolicy.schedule")


def _window(value: object) -> Window:
    return as_window(value, "FollowUpPolicy.calling_window")


def _caps(value: object) -> ContactCaps:
    return as_caps(value, "FollowUpPolicy.caps")


def _policy_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidPolicyError(
            f"FollowUpPolicy.name must be a non-empty str (got {describe(value)})"
        )
    return value


@attrs.frozen(kw_only=True)
class FollowUpPolicy:
    """Rules plus the constraints every call respects.

    Args:
        name: what the policy is called in reports.
        rules: :class:`Rule` and :class:`Awareness` objects, names unique.
        schedule: staff business hours and holidays.
        calling_window: the daily window in the customer's own timezone
            (default 08:00-21:00); a customer's ``calling_hours`` override it.
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
    calling_window: Window = attrs.field(default=DEFAULT_CALLING_WINDOW, converter=_window)
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

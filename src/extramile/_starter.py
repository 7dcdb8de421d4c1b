"""The starter policy: the canonical follow-up situations, ready to use and to copy.

Each rule re-enacts one of the situations the product grew from: a duplicate charge
called back within minutes, a loyal customer's critical problem answered even when the
office is closed, a customer who had to chase us three times escalated to a senior agent,
a reopened problem called back the same day, a price increase announced before the bill,
an intermittent problem checked on a week later, thanks for feedback, loyalty
anniversaries, and the programmes a customer may not know about mentioned on calls that
happen anyway.

Imports: ``_rules``, ``_conditions``, ``_model``, ``_time``, ``errors``, ``kinds``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Container, Mapping, Sequence
from typing import Final

from extramile._conditions import (
    Condition,
    attr,
    contacts,
    direction_is,
    issue_attr,
    issue_open,
    kind_is,
    outside_staff_hours,
    tenure_at_least,
    tier_in,
)
from extramile._model import Priority
from extramile._rules import (
    DEFAULT_CALLING_WINDOW,
    DUE,
    TRIGGER,
    Anniversary,
    Awareness,
    ContactCaps,
    FollowUpPolicy,
    LastContact,
    On,
    Retry,
    Rule,
    attr_date,
)
from extramile._time import Business, CallingWindow, Elapsed, Local, Schedule, ZoneName
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe
from extramile.kinds import (
    BILLING_DUPLICATE_CHARGE,
    BILLING_PRICE_CHANGE,
    FEEDBACK,
    ISSUE_OPENED,
    ISSUE_REOPENED,
    STANDARD_KINDS,
)

__all__ = ["DEFAULT_LOYALTY", "starter_policy"]

DEFAULT_LOYALTY: Final[Condition] = tier_in("gold", "platinum") | tenure_at_least(years=5)
"""Loyal: tier gold or platinum, or a customer for five years or more."""

_CONTACT_KINDS: Final = tuple(STANDARD_KINDS)
"""The kinds whose inbound interactions may be the contact that makes a repeat contact."""
_REPEAT_CONTACTS: Final = 3
_REPEAT_WITHIN: Final = Local(days=10)


def starter_policy(
    *,
    company_timezone: ZoneName = "UTC",
    schedule: Schedule | None = None,
    holidays: Container[dt.date] | None = None,
    served_timezones: Sequence[ZoneName] = (),
    loyalty: Condition = DEFAULT_LOYALTY,
    programmes: Mapping[str, str] | None = None,
    price_increase_threshold: float = 10,
    calling_window: CallingWindow | str | Mapping[str, object] = DEFAULT_CALLING_WINDOW,
    caps: ContactCaps | None = None,
    name: str = "starter",
) -> FollowUpPolicy:
    """A ready policy for the canonical situations; every rule is satisfied by an outbound
    call (on the issue, for issue rules) after its episode starts that reached the
    customer.  An unanswered call is tried again: the duplicate-charge callback 30
    minutes later, every other rule 2 hours later (:class:`~extramile.Retry`'s default,
    well inside their deadlines of hours or days), 3 tries in all; after the third the
    episode is suppressed as unreachable.

    The rules, in order:

    - ``duplicate-charge-callback``: a duplicate charge, called back within 15 minutes
      (elapsed), at any hour (extra-mile, essential).
    - ``loyal-rescue``: a loyal customer's critical problem reported (opened or
      reopened, the severity read from the issue) while staff were closed: called at
      once, within 30 minutes (extra-mile).
    - ``critical-callback``: the same for other customers: called first thing when staff
      open, within 2 business hours.
    - ``repeat-contact``: the third inbound contact (of any kind, the system channel
      left out) on an open issue within 10 local days: a senior agent (queue
      ``"senior"``, priority high) calls within staff hours, within 1 business day.
      One episode per run of contacts, keyed by the third: later contacts start
      nothing new until a call reaches the customer; then three more start a new one.
    - ``reopened-callback``: an issue reopened: called within staff hours (at any
      hour for loyal customers), within 4 business hours, priority high.
    - ``price-heads-up``, ``intermittent-check-in``, ``thanks-for-feedback``,
      ``loyalty-anniversary``, and ``service-awareness`` talking points.

    The issue rules that need the issue open stop once it is no longer open
    (``stop=~issue_open()``): ``repeat-contact``, ``reopened-callback`` and
    ``intermittent-check-in``.

    A call due within the minimum gap after another call of the customer is taken along
    into it, even before its own due time (one conversation, not two calls), except
    ``loyalty-anniversary`` (``early=False``): thanks for another year before the year
    is over ring false, so it waits until the gap has passed.

    Args:
        company_timezone: where staff work (used when ``schedule`` is not given): an IANA
            name or a ``zoneinfo.ZoneInfo``.
        schedule: staff hours; default Monday to Friday 09:00-17:00 in ``company_timezone``.
        holidays: the staff's holidays, e.g. ``holidays.US()`` (when ``schedule`` is not
            given).
        served_timezones: where customers of unknown timezone may be (names or
            ``ZoneInfo`` objects).
        loyalty: who counts as loyal (default tier gold or platinum, or 5+ years).
        programmes: tag -> talking point, for programmes worth mentioning to customers
            who lack them.
        price_increase_threshold: the smallest increase, in percent, that warrants a call.
        calling_window: when customers may be called, in their own timezone: a
            :class:`~extramile.Window` every day, or per weekday a
            :class:`~extramile.WeeklyWindow` or its mapping (``{"mon-sat": "09:00-19:00"}``).
        caps: contact caps (default :class:`~extramile.ContactCaps`).
        name: the policy's name.

    >>> policy = starter_policy(company_timezone="America/Chicago")
    >>> [rule.name for rule in policy.rules]  # doctest: +NORMALIZE_WHITESPACE
    ['duplicate-charge-callback', 'loyal-rescue', 'critical-callback', 'repeat-contact',
     'reopened-callback', 'price-heads-up', 'intermittent-check-in', 'thanks-for-feedback',
     'loyalty-anniversary', 'service-awareness']

    Raises:
        InvalidPolicyError: an unknown timezone or another malformed part.
        PolicyTypeError: a value of the wrong type.
    """
    if not isinstance(loyalty, Condition):
        raise PolicyTypeError(
            f"starter_policy() loyalty must be a Condition (got {describe(loyalty)})"
        )
    threshold: object = price_increase_threshold
    if threshold.__class__ is bool or not isinstance(threshold, (int, float)):
        raise PolicyTypeError(
            "starter_policy() price_increase_threshold must be a number of percent"
            f" (got {describe(threshold)})"
        )
    if not math.isfinite(threshold):
        raise InvalidPolicyError(
            f"starter_policy() price_increase_threshold must be finite (got {describe(threshold)})"
        )
    if schedule is None:
        schedule = Schedule(
            timezone=company_timezone, hours={"mon-fri": "09:00-17:00"}, holidays=holidays
        )
    # A reopening carries no severity of its own: read the issue's, as it stood then.
    # An opening reads its own first, which costs less than the issue's.
    critical = attr("severity").equals("critical") | (
        kind_is(ISSUE_REOPENED) & issue_attr("severity").equals("critical")
    )
    critical_inbound = critical & direction_is("inbound") & outside_staff_hours()
    repeat = contacts(
        direction="inbound", exclude_channel="system", scope="issue", within=_REPEAT_WITHIN
    ).reaches(_REPEAT_CONTACTS)
    rules = (
        Rule(
            name="duplicate-charge-callback",
            trigger=On(BILLING_DUPLICATE_CHARGE),
            due=TRIGGER,
            deadline=TRIGGER + Elapsed(minutes=15),
            priority=Priority.URGENT,
            talking_point="Apologise for the duplicate charge, confirm the refund and when"
            " it will show.",
            extra_mile=True,
            essential=True,
            give_up_after=Local(days=7),
            retry=Retry(every=Elapsed(minutes=30)),
        ),
        Rule(
            name="loyal-rescue",
            trigger=On(ISSUE_OPENED, ISSUE_REOPENED, direction="inbound"),
            condition=critical_inbound & loyalty,
            due=TRIGGER,
            deadline=TRIGGER + Elapsed(minutes=30),
            priority=Priority.URGENT,
            talking_point="They reported a critical problem while we were closed: call back"
            " now and stay with it until it is solved.",
            extra_mile=True,
            give_up_after=Local(days=3),
        ),
        Rule(
            name="critical-callback",
            trigger=On(ISSUE_OPENED, ISSUE_REOPENED, direction="inbound"),
            condition=critical_inbound & ~loyalty,
            due=TRIGGER + Business(),
            deadline=DUE + Business(hours=2),
            priority=Priority.HIGH,
            talking_point="They reported a critical problem while we were closed: call back"
            " first thing.",
            give_up_after=Local(days=3),
        ),
        Rule(
            name="repeat-contact",
            trigger=On(*_CONTACT_KINDS, direction="inbound"),
            condition=repeat & issue_open(),
            due=TRIGGER,
            deadline=DUE + Business(days=1),
            priority=Priority.HIGH,
            talking_point="They have had to contact us three times about this problem:"
            " take it over, say what happens next and when.",
            give_up_after=Local(days=10),
            stop=~issue_open(),
            queue="senior",
        ),
        Rule(
            name="reopened-callback",
            trigger=On(ISSUE_REOPENED),
            due=TRIGGER,
            deadline=DUE + Business(hours=4),
            priority=Priority.HIGH,
            talking_point="Their problem came back: apologise, find out what happened and"
            " agree the next step.",
            extra_mile=loyalty,
            give_up_after=Local(days=3),
            stop=~issue_open(),
        ),
        Rule(
            name="price-heads-up",
            trigger=On(BILLING_PRICE_CHANGE),
            condition=(attr("increase_pct") >= price_increase_threshold)
            & attr("bill_date").exists(),
            scope="customer",
            due=attr_date("bill_date") - Local(days=7),
            deadline=attr_date("bill_date"),
            priority=Priority.NORMAL,
            talking_point="Explain the price change before the bill arrives, and what it"
            " brings them.",
            give_up_after=Local(),
        ),
        Rule(
            name="intermittent-check-in",
            trigger=LastContact(),
            condition=issue_attr("intermittent").is_true(),
            due=TRIGGER + Local(days=7),
            deadline=DUE + Local(days=2),
            priority=Priority.NORMAL,
            talking_point="Check that the intermittent problem is really fixed.",
            extra_mile=loyalty,
            give_up_after=Local(days=14),
            stop=~issue_open(),
        ),
        Rule(
            name="thanks-for-feedback",
            trigger=On(FEEDBACK),
            scope="customer",
            due=TRIGGER,
            deadline=DUE + Business(days=2),
            priority=Priority.LOW,
            talking_point="Thank them for their feedback and say what we will do with it.",
            give_up_after=Local(days=14),
        ),
        Rule(
            name="loyalty-anniversary",
            trigger=Anniversary(),
            condition=loyalty,
            scope="customer",
            due=TRIGGER,
            deadline=TRIGGER + Local(days=7),
            priority=Priority.LOW,
            talking_point="Thank them for another year with us.",
            give_up_after=Local(),
            # Thanks for a year that is not over yet ring false: never taken along early.
            early=False,
        ),
        Awareness(programmes=dict(programmes or {})),
    )
    return FollowUpPolicy(
        name=name,
        rules=rules,
        schedule=schedule,
        calling_window=calling_window,
        served_timezones=served_timezones,
        caps=caps if caps is not None else ContactCaps(),
    )

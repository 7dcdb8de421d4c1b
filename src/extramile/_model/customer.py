"""The customer: :class:`Customer`, frozen and validated on construction.

Imports: ``_frozen``, ``_time``, ``errors``; :mod:`.fields` beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from extramile._frozen import EMPTY, FrozenMap, JSONValue, freeze_map
from extramile._model.fields import (
    as_date,
    as_id,
    as_optional_str,
    as_private_str,
    as_tag,
    as_tags,
    as_timezone,
    as_window,
    int_text,
    missing_key,
    parse_date,
    unknown_keys,
)
from extramile._time import (
    FIRST_DAY,
    LAST_DAY,
    CallingWindow,
    WeeklyWindow,
    Window,
    ZoneName,
    zone_or_none,
)
from extramile.errors import FactTypeError, InvalidFactError, describe, describe_type

__all__ = ["Customer"]


@attrs.frozen(kw_only=True, init=False, slots=False)
class Customer:
    """Who a customer is to us.

    Args:
        id: the host's identifier, a non-blank string.
        timezone: an IANA timezone name such as ``"Europe/Paris"`` (or a
            ``zoneinfo.ZoneInfo``, kept as its name), or None when unknown (calls then
            fail closed: see the calling window).
        tier: a tier or segment such as ``"gold"``, or None.
        customer_since: the date the relationship started, or None.
        tags: programmes or labels the customer has, e.g. ``{"autopay"}``.
        do_not_call: the customer must never be called; absolute.
        calling_hours: the customer's own calling window, overriding the policy's and
            every rule's: one daily window (a :class:`Window`, ``"HH:MM-HH:MM"`` or
            ``{"start": ..., "end": ...}``), or per weekday a :class:`WeeklyWindow` or a
            mapping of weekdays (``{"mon-sat": "09:00-19:00"}``, the days left out closed).
        phone: contact number; personal data, never shown in ``repr``.
        email: contact address; personal data, never shown in ``repr``.
        attributes: free JSON-like values the host wants conditions to see.

    >>> c = Customer(id="c-1", timezone="Europe/Paris", phone="+33 1 23 45 67 89")
    >>> c.timezone, "+33" in repr(c)
    ('Europe/Paris', False)

    Raises:
        InvalidFactError: a blank id, an unknown timezone, a bad calling window or attribute.
        FactTypeError: a field of the wrong Python type.
    """

    id: str
    timezone: str | None = None
    tier: str | None = None
    customer_since: dt.date | None = None
    tags: frozenset[str] = frozenset()
    do_not_call: bool = False
    calling_hours: CallingWindow | None = None
    phone: str | None = attrs.field(default=None, repr=False)
    email: str | None = attrs.field(default=None, repr=False)
    attributes: FrozenMap = EMPTY

    def __init__(
        self,
        *,
        id: str,  # the field is called id in every host's schema
        timezone: ZoneName | None = None,
        tier: str | None = None,
        customer_since: dt.date | None = None,
        tags: Iterable[str] = frozenset(),
        do_not_call: bool = False,
        calling_hours: CallingWindow | str | Mapping[str, Any] | None = None,
        phone: str | None = None,
        email: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        # Written by hand, like Interaction's: one pass of inline checks.
        # An id that is not all printable (a NUL, a zero-width space) is judged by as_id().
        if type(id) is not str or not id.isprintable() or not id or id.isspace():
            id = as_id(id, "Customer.id")
        if timezone is not None and (type(timezone) is not str or zone_or_none(timezone) is None):
            timezone = as_timezone(timezone)
        if tier is not None and type(tier) is not str:
            tier = as_optional_str(tier, "Customer.tier")
        if customer_since is not None:
            if type(customer_since) is not dt.date:
                customer_since = as_date(customer_since)
            if not FIRST_DAY <= customer_since <= LAST_DAY:
                raise InvalidFactError(
                    "Customer.customer_since must lie in the years 2 to 9998"
                    f" (got {customer_since.isoformat()})"
                )
        if type(tags) is list:
            try:
                tags = frozenset(tags)
            except TypeError:  # an unhashable tag, such as a list: as_tags() names it
                tags = as_tags(tags)
        elif type(tags) is not frozenset:
            tags = as_tags(tags)
        if any(type(tag) is not str for tag in tags):
            tags = frozenset(map(as_tag, tags))
        if type(do_not_call) is not bool:
            raise FactTypeError(
                f"Customer.do_not_call must be a bool (got {describe(do_not_call)})"
            )
        if calling_hours is not None and type(calling_hours) is not Window:
            calling_hours = as_window(calling_hours)
        if phone is not None and type(phone) is not str:
            phone = as_private_str(phone, "Customer.phone")
        if email is not None and type(email) is not str:
            email = as_private_str(email, "Customer.email")
        if attributes is None:
            attributes = EMPTY
        elif attributes.__class__ is not FrozenMap:
            attributes = freeze_map(attributes, "Customer.attributes")
        # Frozen: attrs blocks setattr; filling __dict__ directly costs a third of
        # object.__setattr__ per field.
        fields = self.__dict__
        fields["id"] = id
        fields["timezone"] = timezone
        fields["tier"] = tier
        fields["customer_since"] = customer_since
        fields["tags"] = tags
        fields["do_not_call"] = do_not_call
        fields["calling_hours"] = calling_hours
        fields["phone"] = phone
        fields["email"] = email
        fields["attributes"] = attributes

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> Customer:
        """A customer from a plain mapping, as it comes from JSON or a database.

        Dates are ISO-8601 strings (or ``date`` objects), tags a list of strings, the
        calling window ``"HH:MM-HH:MM"``. Integer ids are accepted and become strings.

        >>> Customer.from_mapping({"id": "c-1", "timezone": "America/Chicago",
        ...                        "customer_since": "2019-05-01", "tags": ["autopay"]}).tags
        frozenset({'autopay'})

        Raises:
            InvalidFactError: a required key is missing, a key is unknown, or a value is bad.
            FactTypeError: ``row`` is not a mapping, or a value has the wrong type.
        """
        if type(row) is dict:  # the fast path: see the package's docstring
            since = row.get("customer_since")
            try:
                if type(since) is not str:
                    return cls(**row)
                kwargs = row.copy()
                kwargs["customer_since"] = dt.date.fromisoformat(since)
                return cls(**kwargs)
            except (TypeError, ValueError):
                pass
        return cls._from_row(row)

    @classmethod
    def _from_row(cls, row: Mapping[str, Any]) -> Customer:
        if not isinstance(row, Mapping):
            # A row holds the customer's phone and email: described by its type alone.
            raise FactTypeError(f"Customer.from_mapping needs a mapping (got {describe_type(row)})")
        if not row.keys() <= _CUSTOMER_KEYS:
            unknown_keys(row, "Customer", _CUSTOMER_KEYS)
        get = row.get
        ident = get("id")
        if ident is None:
            missing_key(row, "Customer", ("id",))
        since = get("customer_since")
        if since is not None and type(since) is not dt.date:
            since = parse_date(since, "Customer.customer_since")
        return cls(
            id=int_text(ident),
            timezone=get("timezone"),
            tier=get("tier"),
            customer_since=since,
            tags=get("tags", frozenset()),
            do_not_call=get("do_not_call", False),
            calling_hours=get("calling_hours"),
            phone=get("phone"),
            email=get("email"),
            attributes=get("attributes"),
        )

    def to_mapping(self) -> dict[str, JSONValue]:
        """A JSON-serialisable ``dict``; :meth:`from_mapping` turns it back into ``self``.

        Personal data (``phone``, ``email``) is included: this is the host's own record.
        """
        return {
            "id": self.id,
            "timezone": self.timezone,
            "tier": self.tier,
            "customer_since": None
            if self.customer_since is None
            else self.customer_since.isoformat(),
            "tags": sorted(self.tags),
            "do_not_call": self.do_not_call,
            "calling_hours": _hours_out(self.calling_hours),
            "phone": self.phone,
            "email": self.email,
            "attributes": self.attributes.thaw(),
        }


def _hours_out(hours: CallingWindow | None) -> JSONValue:
    if isinstance(hours, WeeklyWindow):
        return dict(hours.to_mapping())
    return None if hours is None else str(hours)


_CUSTOMER_KEYS: Final = frozenset(a.name for a in attrs.fields(Customer))

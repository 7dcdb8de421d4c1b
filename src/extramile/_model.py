"""The facts: :class:`Customer` and :class:`Interaction`, frozen and validated on construction.

Hosts build millions of these a night from their own rows, so construction is kept cheap:
one validation pass an object, cached timezone and window look-ups, and ISO-8601 parsing by
the standard library.  An invalid object never exists: construction either returns a whole
object or raises a :class:`~extramile.errors.FactsError`.

``from_mapping`` has two paths.  A ``dict`` row already in the constructor's terms (string
ids, an ISO-8601 timestamp) is handed to ``__init__`` as keyword arguments after parsing its
one timestamp or date: ``__init__`` checks every field, and Python itself rejects unknown and
missing keys.  Anything else -- another kind of mapping, integer ids, or any error -- goes
through the careful path, which converts what it may and otherwise raises the precise error
naming the key.  For a ``dict`` the careful path succeeds only where the fast one failed on an
integer id, which ``__init__`` checks before it consumes anything (such as an iterator of
tags), so both paths give the same object or the same error.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from collections.abc import Iterable, Mapping
from typing import Any, Final, NoReturn, TypeVar

import attrs

from extramile._frozen import EMPTY, FrozenMap, JSONValue, freeze_map
from extramile._time import EARLIEST, FIRST_DAY, LAST_DAY, LATEST, Window, instant, zone_or_none
from extramile.errors import (
    ExtramileError,
    FactTypeError,
    InvalidFactError,
    describe,
)

__all__ = ["Channel", "Customer", "Direction", "Interaction", "Priority"]


class Direction(str, enum.Enum):
    """Who started an interaction: the customer (inbound) or us (outbound)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"

    def __str__(self) -> str:
        return self.value


class Channel(str, enum.Enum):
    """How an interaction happened."""

    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    VISIT = "visit"
    WEB = "web"
    SYSTEM = "system"

    def __str__(self) -> str:
        return self.value


class Priority(enum.IntEnum):
    """How pressing a call is; higher values come first in a plan."""

    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 4

    def __str__(self) -> str:
        return self.name.lower()


_E = TypeVar("_E", Direction, Channel)
_DIRECTION_VALUES: Final[dict[str, Direction]] = {d.value: d for d in Direction}
_CHANNEL_VALUES: Final[dict[str, Channel]] = {c.value: c for c in Channel}


def _bad_enum(table: Mapping[str, _E], value: object, where: str) -> NoReturn:
    allowed = ", ".join(map(repr, table))
    cls = InvalidFactError if isinstance(value, str) else FactTypeError
    raise cls(f"{where} must be one of {allowed} (got {describe(value)})") from None


def _to_tags(value: Iterable[str]) -> frozenset[str]:
    if type(value) is frozenset:
        return value
    if isinstance(value, Mapping):
        # Its keys would become tags, {"paperless": False} among them.
        raise FactTypeError(
            f"Customer.tags must be a collection of str, not a mapping (got {describe(value)})"
        )
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise FactTypeError(f"Customer.tags must be a collection of str (got {describe(value)})")
    return frozenset(value)


def _to_date(value: object) -> dt.date:
    # A subclass of date (pendulum's Date) becomes a plain date, as from_mapping gives.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, value.day)
    raise FactTypeError(f"Customer.customer_since must be a datetime.date (got {describe(value)})")


# Hosts write calling hours as a handful of distinct strings; parsing one costs microseconds.
_WINDOWS: dict[str, Window] = {}
_WINDOWS_KEPT: Final = 512


def _calling_hours(value: object) -> Window | None:
    if value is None or type(value) is Window:
        return value
    if type(value) is str:
        window = _WINDOWS.get(value)
        if window is not None:
            return window
    try:
        if isinstance(value, str):
            window = Window.parse(value)
            if len(_WINDOWS) < _WINDOWS_KEPT:
                _WINDOWS[value] = window
            return window
        if isinstance(value, Mapping):
            return Window(value.get("start"), value.get("end"))
    except ExtramileError as exc:
        cls = FactTypeError if isinstance(exc, TypeError) else InvalidFactError
        raise cls(f"Customer.calling_hours: {exc}") from None
    raise FactTypeError(
        "Customer.calling_hours must be a Window, 'HH:MM-HH:MM' or"
        f" {{'start': ..., 'end': ...}} (got {describe(value)})"
    )


_timestamp: Final = dt.datetime.timestamp  # the standard library's, whatever the subclass


def _int_text(value: Any) -> Any:
    """An integer id as text (one too long to write is left for the check to refuse)."""
    if type(value) is int and value.bit_length() <= _LONGEST_INT_ID:
        return str(value)
    return value


_LONGEST_INT_ID: Final = 256
"""Bits of the longest integer id written as text (78 digits)."""


def _id(value: object, where: str) -> str:
    """An id that is not a plain, non-blank str: a subclass of str (a ``StrEnum``
    member, say) becomes the plain str it holds; anything else is refused."""
    if isinstance(value, str) and type(value) is not str:
        value = str.__str__(value)
        if value and not value.isspace():
            return value
    cls = InvalidFactError if isinstance(value, str) else FactTypeError
    raise cls(f"{where} must be a non-empty str (got {describe(value)})")


def _tag(value: object) -> str:
    if isinstance(value, str):
        return str.__str__(value)  # a subclass (a StrEnum member) becomes its plain str
    raise FactTypeError(f"Customer.tags must hold str (got {describe(value)})")


def _optional_str(value: object, where: str) -> str:
    """Optional text that is not a plain str: as :func:`_id`, blanks allowed."""
    if isinstance(value, str):
        return str.__str__(value)
    raise FactTypeError(f"{where} must be a str or None (got {describe(value)})")


@attrs.frozen(kw_only=True, init=False, slots=False)
class Customer:
    """Who a customer is to us.

    Args:
        id: the host's identifier, a non-blank string.
        timezone: an IANA timezone name such as ``"Europe/Paris"``, or None when unknown
            (calls then fail closed: see the calling window).
        tier: a tier or segment such as ``"gold"``, or None.
        customer_since: the date the relationship started, or None.
        tags: programmes or labels the customer has, e.g. ``{"autopay"}``.
        do_not_call: the customer must never be called; absolute.
        calling_hours: the customer's own daily calling window, overriding the policy's.
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
    calling_hours: Window | None = None
    phone: str | None = attrs.field(default=None, repr=False)
    email: str | None = attrs.field(default=None, repr=False)
    attributes: FrozenMap = EMPTY

    def __init__(
        self,
        *,
        id: str,  # the field is called id in every host's schema
        timezone: str | None = None,
        tier: str | None = None,
        customer_since: dt.date | None = None,
        tags: Iterable[str] = frozenset(),
        do_not_call: bool = False,
        calling_hours: Window | str | Mapping[str, Any] | None = None,
        phone: str | None = None,
        email: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        # Written by hand, like Interaction's: one pass of inline checks.
        if type(id) is not str or not id or id.isspace():
            id = _id(id, "Customer.id")
        if timezone is not None and (type(timezone) is not str or zone_or_none(timezone) is None):
            cls = InvalidFactError if type(timezone) is str else FactTypeError
            raise cls(
                "Customer.timezone must be an IANA timezone name such as 'Europe/Paris',"
                f" or None when unknown (got {describe(timezone)})"
            )
        if tier is not None and type(tier) is not str:
            tier = _optional_str(tier, "Customer.tier")
        if customer_since is not None:
            if type(customer_since) is not dt.date:
                customer_since = _to_date(customer_since)
            if not FIRST_DAY <= customer_since <= LAST_DAY:
                raise InvalidFactError(
                    "Customer.customer_since must lie in the years 2 to 9998"
                    f" (got {customer_since.isoformat()})"
                )
        if type(tags) is not frozenset:
            tags = frozenset(tags) if type(tags) is list else _to_tags(tags)
        if any(type(tag) is not str for tag in tags):
            tags = frozenset(map(_tag, tags))
        if type(do_not_call) is not bool:
            raise FactTypeError(
                f"Customer.do_not_call must be a bool (got {describe(do_not_call)})"
            )
        if calling_hours is not None and type(calling_hours) is not Window:
            calling_hours = _calling_hours(calling_hours)
        if phone is not None and type(phone) is not str:
            phone = _optional_str(phone, "Customer.phone")
        if email is not None and type(email) is not str:
            email = _optional_str(email, "Customer.email")
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
        if type(row) is dict:  # the fast path: see the module's docstring
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
            raise FactTypeError(f"Customer.from_mapping needs a mapping (got {describe(row)})")
        if not row.keys() <= _CUSTOMER_KEYS:
            _unknown_keys(row, "Customer", _CUSTOMER_KEYS)
        get = row.get
        ident = get("id")
        if ident is None:
            _missing(row, "Customer", ("id",))
        since = get("customer_since")
        if since is not None and type(since) is not dt.date:
            since = _parse_date(since, "Customer.customer_since")
        return cls(
            id=_int_text(ident),
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
            "calling_hours": None if self.calling_hours is None else str(self.calling_hours),
            "phone": self.phone,
            "email": self.email,
            "attributes": self.attributes.thaw(),
        }


@attrs.frozen(kw_only=True, init=False, slots=False)
class Interaction:
    """One thing that happened between a customer and us.

    Args:
        id: the host's identifier, a non-blank string.
        customer_id: the id of the customer it belongs to.
        kind: what happened, e.g. ``"issue.opened"`` (see :mod:`extramile.kinds`).
        at: when, a timezone-aware ``datetime`` (pendulum's or the standard library's).
        direction: who started it, :class:`Direction` or ``"inbound"``/``"outbound"``.
        channel: how, :class:`Channel` or its string value.
        issue_id: threads interactions about one problem together.
        agent: the staff member involved.
        outcome: how it ended, e.g. ``"reached"``, ``"voicemail"``, ``"no_answer"``.
        attributes: free JSON-like values, e.g. ``{"severity": "critical"}``.

    >>> import datetime as dt
    >>> Interaction(id="i-1", customer_id="c-1", kind="issue.opened",
    ...             at=dt.datetime(2026, 3, 8, 2, 30))
    Traceback (most recent call last):
    ...
    extramile.errors.InvalidFactError: Interaction.at must be timezone-aware (got naive ...)

    Raises:
        InvalidFactError: a blank id or kind, a naive ``at``, an unknown direction or channel.
        FactTypeError: a field of the wrong Python type.
    """

    id: str
    customer_id: str
    kind: str
    at: dt.datetime = attrs.field(eq=instant)
    """Compared and hashed by instant: the same moment written in two zones is equal."""
    direction: Direction = Direction.INBOUND
    channel: Channel = Channel.SYSTEM
    issue_id: str | None = None
    agent: str | None = None
    outcome: str | None = None
    attributes: FrozenMap = EMPTY
    ts: float = attrs.field(init=False, repr=False, eq=False, hash=False)
    """POSIX seconds of :attr:`at`, computed once for the engine's comparisons."""

    def __init__(
        self,
        *,
        id: str,  # the field is called id in every host's schema
        customer_id: str,
        kind: str,
        at: dt.datetime,
        direction: Direction | str = Direction.INBOUND,
        channel: Channel | str = Channel.SYSTEM,
        issue_id: str | None = None,
        agent: str | None = None,
        outcome: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        # Written by hand rather than generated: this runs millions of times a night, and
        # one pass of inline checks costs a third of attrs' converters and validators.
        if type(id) is not str or not id or id.isspace():
            id = _id(id, "Interaction.id")
        if type(customer_id) is not str or not customer_id or customer_id.isspace():
            customer_id = _id(customer_id, "Interaction.customer_id")
        if type(kind) is not str or not kind or kind.isspace():
            kind = _id(kind, "Interaction.kind")
        if not isinstance(at, dt.datetime):
            raise FactTypeError(
                f"Interaction.at must be a timezone-aware datetime (got {describe(at)})"
            )
        tzinfo = at.tzinfo
        # A fixed offset (what fromisoformat gives) is aware; other zones may still say None.
        if tzinfo is None or (tzinfo.__class__ is not dt.timezone and at.utcoffset() is None):
            raise InvalidFactError(
                f"Interaction.at must be timezone-aware (got naive datetime {at.isoformat(' ')})"
            )
        ts = _timestamp(at)
        if not EARLIEST <= ts <= LATEST:
            raise InvalidFactError(
                f"Interaction.at must lie in the years 2 to 9998 (got {at.isoformat()})"
            )
        # The tables' keys are the values; a member is equal to its value, and so found.
        if direction.__class__ is not Direction:
            try:
                direction = _DIRECTION_VALUES[direction]
            except (KeyError, TypeError):  # TypeError: an unhashable value
                _bad_enum(_DIRECTION_VALUES, direction, "Interaction.direction")
        if channel.__class__ is not Channel:
            try:
                channel = _CHANNEL_VALUES[channel]
            except (KeyError, TypeError):
                _bad_enum(_CHANNEL_VALUES, channel, "Interaction.channel")
        if issue_id is not None and (
            type(issue_id) is not str or not issue_id or issue_id.isspace()
        ):
            issue_id = _id(issue_id, "Interaction.issue_id")
        if agent is not None and type(agent) is not str:
            agent = _optional_str(agent, "Interaction.agent")
        if outcome is not None and type(outcome) is not str:
            outcome = _optional_str(outcome, "Interaction.outcome")
        if attributes is None:
            attributes = EMPTY
        elif attributes.__class__ is not FrozenMap:
            attributes = freeze_map(attributes, "Interaction.attributes")
        # Frozen: attrs blocks setattr; filling __dict__ directly costs a third of
        # object.__setattr__ per field.
        fields = self.__dict__
        fields["id"] = id
        fields["customer_id"] = customer_id
        fields["kind"] = kind
        fields["at"] = at
        fields["direction"] = direction
        fields["channel"] = channel
        fields["issue_id"] = issue_id
        fields["agent"] = agent
        fields["outcome"] = outcome
        fields["attributes"] = attributes
        fields["ts"] = ts

    def __setstate__(self, state: dict[str, Any]) -> None:
        # pendulum pickles its DateTime without ``fold``: 01:30 EST on the night clocks
        # go back would come back as 01:30 EDT, an hour away from ``ts``.
        at = state["at"]
        if _timestamp(at) != state["ts"]:
            at = at.replace(fold=1 - at.fold)
        self.__dict__.update(state, at=at)

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> Interaction:
        """An interaction from a plain mapping, as it comes from JSON or a database.

        ``at`` is an ISO-8601 string with an offset (or ``Z``), or an aware ``datetime``;
        ``direction`` and ``channel`` are their string values. Integer ids become strings.

        >>> Interaction.from_mapping({"id": 7, "customer_id": "c-1", "kind": "feedback",
        ...                           "at": "2026-11-25T16:00:00Z"}).at.isoformat()
        '2026-11-25T16:00:00+00:00'

        Raises:
            InvalidFactError: a required key is missing, a key is unknown, or a value is bad
                (an unparseable or naive timestamp names its key).
            FactTypeError: ``row`` is not a mapping, or a value has the wrong type.
        """
        if type(row) is dict:  # the fast path: see the module's docstring
            at = row.get("at")
            try:
                if type(at) is not str:
                    return cls(**row)
                kwargs = row.copy()
                kwargs["at"] = _fromisoformat(at)
                return cls(**kwargs)
            except (TypeError, ValueError):
                pass
        return cls._from_row(row)

    @classmethod
    def _from_row(cls, row: Mapping[str, Any]) -> Interaction:
        if not isinstance(row, Mapping):
            raise FactTypeError(f"Interaction.from_mapping needs a mapping (got {describe(row)})")
        if not row.keys() <= _INTERACTION_KEYS:
            _unknown_keys(row, "Interaction", _INTERACTION_KEYS)
        get = row.get
        at = get("at")
        if type(at) is str:
            try:
                at = _fromisoformat(at)
            except ValueError:
                _bad_instant(at, "Interaction.at")
            if at.tzinfo is None:
                _bad_instant(row["at"], "Interaction.at")  # a naive timestamp
        ident, customer_id, kind, issue_id = (
            get("id"),
            get("customer_id"),
            get("kind"),
            get("issue_id"),
        )
        if at is None or ident is None or customer_id is None or kind is None:
            _missing(row, "Interaction", _INTERACTION_REQUIRED)
        return cls(
            id=_int_text(ident),
            customer_id=_int_text(customer_id),
            kind=kind,
            at=at,
            direction=get("direction", Direction.INBOUND),
            channel=get("channel", Channel.SYSTEM),
            issue_id=_int_text(issue_id),
            agent=get("agent"),
            outcome=get("outcome"),
            attributes=get("attributes"),
        )

    def to_mapping(self) -> dict[str, JSONValue]:
        """A JSON-serialisable ``dict``; :meth:`from_mapping` turns it back into ``self``."""
        return {
            "id": self.id,
            "customer_id": self.customer_id,
            "kind": self.kind,
            "at": _iso_instant(self.at),
            "direction": self.direction.value,
            "channel": self.channel.value,
            "issue_id": self.issue_id,
            "agent": self.agent,
            "outcome": self.outcome,
            "attributes": self.attributes.thaw(),
        }


def _iso_instant(at: dt.datetime) -> str:
    """ISO-8601 text of ``at``, which :func:`datetime.datetime.fromisoformat` reads back.

    An offset of less than a second (``+00:00:00.000001``) is read back as UTC by Python
    3.11 and 3.12; such an instant is written in UTC instead, which no reader gets wrong.
    """
    offset = at.utcoffset()
    if offset is not None and offset.microseconds:
        return at.astimezone(dt.timezone.utc).isoformat()
    return at.isoformat()


_CUSTOMER_KEYS: Final = frozenset(a.name for a in attrs.fields(Customer))
_INTERACTION_KEYS: Final = frozenset(a.name for a in attrs.fields(Interaction) if a.name != "ts")
_INTERACTION_REQUIRED: Final = ("id", "customer_id", "kind", "at")


if sys.version_info >= (3, 11):
    _fromisoformat = dt.datetime.fromisoformat
else:  # pragma: no cover - Python 3.10 does not read a trailing "Z"

    def _fromisoformat(text: str) -> dt.datetime:
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        return dt.datetime.fromisoformat(text)


def _bad_instant(text: Any, where: str) -> NoReturn:
    try:
        _fromisoformat(text)
    except ValueError:
        raise InvalidFactError(
            f"{where} must be an ISO-8601 timestamp with an offset, such as"
            f" '2026-11-25T16:00:00Z' (got {describe(text)})"
        ) from None
    raise InvalidFactError(
        f"{where} must be timezone-aware: add an offset or 'Z' (got {describe(text)})"
    )


def _unknown_keys(row: Mapping[str, Any], cls: str, allowed: frozenset[str]) -> NoReturn:
    unknown = sorted(str(k) for k in row if k not in allowed)
    raise InvalidFactError(
        f"{cls}.from_mapping got unknown key(s) {', '.join(map(repr, unknown))};"
        f" expected some of {', '.join(sorted(allowed))}"
    )


def _missing(row: Mapping[str, Any], cls: str, required: tuple[str, ...]) -> NoReturn:
    for key in required:
        if row.get(key) is None:
            raise InvalidFactError(f"{cls}.from_mapping: missing required key {key!r}")
    raise AssertionError("unreachable: a required key was missing")  # pragma: no cover


def _parse_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise FactTypeError(f"{where} must be a date, not a datetime (got {describe(value)})")
    if isinstance(value, dt.date):  # a subclass, such as pendulum's Date
        return value
    if type(value) is not str:
        raise FactTypeError(
            f"{where} must be an ISO-8601 date string or a date (got {describe(value)})"
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidFactError(
            f"{where} must be an ISO-8601 date such as '2019-05-01' (got {describe(value)})"
        ) from None

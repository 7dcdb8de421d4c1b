"""The interaction: :class:`Interaction`, frozen and validated on construction.

Imports: ``_frozen``, ``_memo``, ``_time``, ``errors``; :mod:`.enums` and :mod:`.fields` beside
it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

import attrs

from extramile._frozen import EMPTY, FrozenMap, JSONValue, freeze_map
from extramile._memo import cache, keep
from extramile._model.enums import Channel, Direction
from extramile._model.fields import (
    as_id,
    as_kind,
    as_optional_str,
    bad_enum,
    bad_instant,
    fromisoformat,
    int_text,
    iso_instant,
    missing_key,
    unknown_keys,
)
from extramile._time import EARLIEST, LATEST, instant
from extramile.errors import FactTypeError, InvalidFactError, describe, describe_type

__all__ = ["Interaction"]

_timestamp: Final = dt.datetime.timestamp  # the standard library's, whatever the subclass
_DIRECTION_VALUES: Final[dict[str, Direction]] = {d.value: d for d in Direction}
_CHANNEL_VALUES: Final[dict[str, Channel]] = {c.value: c for c in Channel}


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
        outcome: how it ended, e.g. ``"reached"``, ``"voicemail"``, ``"no_answer"``; a
            word as ``kind`` is (``" reached "`` would not count as reaching anyone).
        attributes: free JSON-like values, e.g. ``{"severity": "critical"}``.

    >>> import datetime as dt
    >>> Interaction(id="i-1", customer_id="c-1", kind="issue.opened",
    ...             at=dt.datetime(2026, 3, 8, 2, 30))
    Traceback (most recent call last):
    ...
    extramile.errors.InvalidFactError: Interaction.at must be timezone-aware (got naive ...)

    Raises:
        InvalidFactError: a blank id or kind, an id, kind or outcome with a control
            character or without a visible one, a kind or outcome with spaces around it,
            a naive ``at``, an unknown direction or channel.
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
        # An id that is not all printable (a NUL, a zero-width space) is judged by as_id().
        if type(id) is not str or not id.isprintable() or not id or id.isspace():
            id = as_id(id, "Interaction.id")
        if (
            type(customer_id) is not str
            or not customer_id.isprintable()
            or not customer_id
            or customer_id.isspace()
        ):
            customer_id = as_id(customer_id, "Interaction.customer_id")
        # A history holds a handful of kinds and outcomes: each is checked once, then
        # remembered.
        if kind.__class__ is not str or kind not in _WORDS:
            kind = _known_word(kind, "Interaction.kind")
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
                bad_enum(_DIRECTION_VALUES, direction, "Interaction.direction")
        if channel.__class__ is not Channel:
            try:
                channel = _CHANNEL_VALUES[channel]
            except (KeyError, TypeError):
                bad_enum(_CHANNEL_VALUES, channel, "Interaction.channel")
        if issue_id is not None and (
            type(issue_id) is not str
            or not issue_id.isprintable()
            or not issue_id
            or issue_id.isspace()
        ):
            issue_id = as_id(issue_id, "Interaction.issue_id")
        if agent is not None and type(agent) is not str:
            agent = as_optional_str(agent, "Interaction.agent")
        if outcome is not None and (outcome.__class__ is not str or outcome not in _WORDS):
            outcome = _known_word(
                as_optional_str(outcome, "Interaction.outcome"), "Interaction.outcome"
            )
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
        if type(row) is dict:  # the fast path: see the package's docstring
            at = row.get("at")
            try:
                if type(at) is not str:
                    return cls(**row)
                kwargs = row.copy()
                kwargs["at"] = fromisoformat(at)
                return cls(**kwargs)
            except (TypeError, ValueError):
                pass
        return cls._from_row(row)

    @classmethod
    def _from_row(cls, row: Mapping[str, Any]) -> Interaction:
        if not isinstance(row, Mapping):
            # Described by its type alone, as a customer's row is: it may hold anything.
            raise FactTypeError(
                f"Interaction.from_mapping needs a mapping (got {describe_type(row)})"
            )
        if not row.keys() <= _INTERACTION_KEYS:
            unknown_keys(row, "Interaction", _INTERACTION_KEYS)
        get = row.get
        at = get("at")
        if type(at) is str:
            try:
                at = fromisoformat(at)
            except ValueError:
                bad_instant(at, "Interaction.at")
            if at.tzinfo is None:
                bad_instant(row["at"], "Interaction.at")  # a naive timestamp
        ident, customer_id, kind, issue_id = (
            get("id"),
            get("customer_id"),
            get("kind"),
            get("issue_id"),
        )
        if at is None or ident is None or customer_id is None or kind is None:
            missing_key(row, "Interaction", _INTERACTION_REQUIRED)
        return cls(
            id=int_text(ident),
            customer_id=int_text(customer_id),
            kind=kind,
            at=at,
            direction=get("direction", Direction.INBOUND),
            channel=get("channel", Channel.SYSTEM),
            issue_id=int_text(issue_id),
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
            "at": iso_instant(self.at),
            "direction": self.direction.value,
            "channel": self.channel.value,
            "issue_id": self.issue_id,
            "agent": self.agent,
            "outcome": self.outcome,
            "attributes": self.attributes.thaw(),
        }


def _known_word(value: object, where: str) -> str:
    """A kind or an outcome, checked (see :func:`~extramile._model.fields.kind_problem`)
    and remembered."""
    word = as_kind(value, where)
    if type(value) is str:  # a subclass of str is made plain each time, not remembered
        keep(_WORDS, word, word, _WORDS_KEPT)
    return word


_WORDS_KEPT: Final = 1024
_WORDS: Final[dict[str, str]] = cache("interaction words")
"""The kinds and outcomes found good, so that each is checked once (hosts use a few dozen):
the rules for both are the same, and a rule matches each exactly."""

_INTERACTION_KEYS: Final = frozenset(a.name for a in attrs.fields(Interaction) if a.name != "ts")
_INTERACTION_REQUIRED: Final = ("id", "customer_id", "kind", "at")

"""The policy compiler's expressions: conditions and values as Python expressions on the
generated function's locals (see :mod:`~extramile._engine.codegen`).

A condition is written out when its class is exactly one of the built-in ones below, at
one of its two moments: as of the trigger (a rule's condition), where the locals are the
triggering ``item``, its ``start``, its ``issue_id`` and the ``last_before`` contact; or
at ``now`` (its stop and extra-mile flag), where the last contact is ``last``.  What the
issue thread would say (its state, its attributes) is read from the issue's interactions
in ``by_issue``, up to the moment judged, with no thread made; a counting condition is a
call of a helper on the interactions in its scope (``history``, or the issue's), which
cuts them at that moment too.  Any other condition is its compiled form, called in a
context made for the episode (``then`` or ``ctx``).  :class:`Names` holds the values the
expressions name.

Imports: ``_conditions``, ``_model``, ``_time``.
"""

from __future__ import annotations

import math
from typing import Final

from extramile._conditions import (
    ALWAYS,
    All,
    Any_,
    Compare,
    Condition,
    DirectionIs,
    Exists,
    FactSource,
    HasTag,
    IssueIs,
    KindIs,
    Not,
    SilenceAtLeast,
    StaffOpenAtTrigger,
    TenureAtLeast,
    TierIn,
    compile_condition,
)
from extramile._conditions.counting import (
    ContactsAtLeast,
    ContactsReach,
    CountAtLeast,
    NoContact,
    SinceLastContact,
)
from extramile._conditions.selection import ContactFilter, contact_filter
from extramile._model import Direction
from extramile._time import Elapsed, Local

__all__ = ["Judge", "Names", "literal", "set_of"]

_COUNTING: Final = frozenset(
    {ContactsAtLeast, ContactsReach, CountAtLeast, NoContact, SinceLastContact}
)
"""The counting conditions, written out as calls of the helpers that count."""
_ORDERINGS: Final = {">=": "at_least", ">": "more_than", "<=": "at_most", "<": "less_than"}
"""The helpers that compare a fact in order (a missing or unlike value never holds)."""


class Names:
    """The namespace the generated function runs in: each value given a name once."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self._named: dict[int, str] = {}
        self._counts: dict[str, int] = {}

    def add(self, stem: str, value: object) -> str:
        """The name of ``value`` in the namespace (the same value keeps its name)."""
        found = self._named.get(id(value))
        if found is not None:
            return found
        count = self._counts[stem] = self._counts.get(stem, 0) + 1
        name = f"{stem}_{count}"
        self.values[name] = value
        self._named[id(value)] = name
        return name


def literal(value: object, names: Names) -> str:
    """``value`` as source: a literal when it prints as one, else a name."""
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if type(value) is tuple:
        parts = [literal(part, names) for part in value]
        return f"({parts[0]},)" if len(parts) == 1 else f"({', '.join(parts)})"
    return names.add("VALUE", value)


def set_of(values: frozenset[str]) -> str:
    return "{" + ", ".join(repr(value) for value in sorted(values)) + "}"


class Judge:
    """Conditions as expressions on the generated function's locals, at one moment:
    as of the trigger (a rule's condition) or at now (its stop and extra-mile flag)."""

    def __init__(self, names: Names, *, at_trigger: bool, has_trigger: bool) -> None:
        self.names = names
        self.at_trigger = at_trigger
        self.has_trigger = has_trigger
        """False for an anniversary's episodes, which no interaction started."""
        self.needs: set[str] = set()
        """The locals the expressions read that the rule's loop must make."""

    def expr(self, condition: Condition) -> str:  # one case a kind
        kind = type(condition)
        if condition == ALWAYS and kind is type(ALWAYS):
            return "True"
        if kind is All:
            assert isinstance(condition, All)
            return "(" + " and ".join(self.expr(part) for part in condition.parts) + ")"
        if kind is Any_:
            assert isinstance(condition, Any_)
            return "(" + " or ".join(self.expr(part) for part in condition.parts) + ")"
        if kind is Not:
            assert isinstance(condition, Not)
            return f"not {self.expr(condition.part)}"
        if kind is Compare or kind is Exists:
            assert isinstance(condition, (Compare, Exists))
            return self._fact(condition)
        if kind is KindIs:
            assert isinstance(condition, KindIs)
            return f"item.kind in {set_of(condition.kinds)}" if self.has_trigger else "False"
        if kind is DirectionIs:
            assert isinstance(condition, DirectionIs)
            word = "INBOUND" if condition.direction is Direction.INBOUND else "OUTBOUND"
            return f"item.direction is {word}" if self.has_trigger else "False"
        if kind is IssueIs:
            assert isinstance(condition, IssueIs)
            state = self._issue("issue_state({items}, {at})")
            if state is None:
                return "False"
            return f"(issue_id is not None and {state} in {set_of(condition.states)})"
        if kind is TierIn:
            assert isinstance(condition, TierIn)
            return f"customer.tier in {set_of(condition.tiers)}"
        if kind is HasTag:
            assert isinstance(condition, HasTag)
            return f"{condition.tag!r} in customer.tags"
        if kind is TenureAtLeast:
            assert isinstance(condition, TenureAtLeast)
            self.needs.add("tz")
            return f"tenure_at_least(customer, {condition.years}, {self._now()}, tz)"
        if kind is StaffOpenAtTrigger:
            return "schedule.is_open_ts(start)"
        if kind is SilenceAtLeast:
            assert isinstance(condition, SilenceAtLeast)
            return self._silence(condition)
        if kind in _COUNTING:
            return self._counting(condition)
        return self._generic(condition)

    def _now(self) -> str:
        return "start" if self.at_trigger else "now"

    def _issue(self, template: str) -> str | None:
        """``template`` filled in with the interactions on the episode's issue and the
        moment they are read up to (the trigger's, or all of them at now): what the issue
        thread says then, read from its interactions, with no thread made.  Its guard is
        ``issue_id is not None``; None for an episode no interaction started, which is
        about no issue."""
        if not self.has_trigger:
            return None
        self.needs.add("issue_items")
        return template.format(
            items="by_issue[issue_id]", at="start" if self.at_trigger else "None"
        )

    def _fact(self, condition: Compare | Exists) -> str:
        fact = condition.fact
        if fact.source == FactSource.TRIGGER:
            if not self.has_trigger:
                return "False"
            seen, guard = f"item.attributes.get({fact.name!r})", ""
        elif fact.source == FactSource.ISSUE:
            read = self._issue(f"issue_attribute({{items}}, {fact.name!r}, {{at}})")
            if read is None:
                return "False"
            seen, guard = read, "issue_id is not None and "
        else:
            seen, guard = f"customer.attributes.get({fact.name!r})", ""
        if isinstance(condition, Exists):
            test = f"{seen} is not None"
        else:
            test = self._compare(seen, condition.op, condition.value)
        return f"({guard}{test})" if guard else test

    def _compare(self, seen: str, op: str, value: object) -> str:
        names = self.names
        if op in _ORDERINGS:
            return f"{_ORDERINGS[op]}({seen}, {literal(value, names)})"
        if op == "==":
            # A missing value (None) never equals: only a None to compare with needs care.
            return "False" if value is None else f"{seen} == {literal(value, names)}"
        if op == "!=":
            return f"differs({seen}, {literal(value, names)})"
        assert op == "in"
        assert isinstance(value, tuple)
        if None in value:
            return "False" if value == (None,) else f"one_of({seen}, {literal(value, names)})"
        return f"{seen} in {literal(value, names)}"

    def _silence(self, condition: SilenceAtLeast) -> str:
        last = "last_before" if self.at_trigger else "last"
        self.needs.add(last)
        duration = condition.duration
        if isinstance(duration, Elapsed):
            return f"({last} is not None and {last} + {duration.seconds!r} <= {self._now()})"
        self.needs.add("tz")
        return f"silent_for({last}, {duration.days}, tz, {self._now()})"

    def _counting(self, condition: Condition) -> str:
        """A counting condition: a helper's call on the interactions in its scope (the
        whole list: the helpers cut it at the moment judged, as the context would)."""
        if isinstance(condition, (ContactsAtLeast, ContactsReach)):
            filter_, within, needed = (
                condition.contacts.filter,
                condition.contacts.within,
                condition.count,
            )
        elif isinstance(condition, CountAtLeast):
            filter_ = contact_filter(
                "count_at_least()", (condition.kind,), None, None, None, "customer"
            )
            within, needed = condition.within, condition.count
        elif isinstance(condition, NoContact):
            filter_, within, needed = condition.filter, condition.within, 1
        else:
            assert isinstance(condition, SinceLastContact)
            filter_, within, needed = condition.filter, condition.at_least, 1
        arguments = (
            f"{self._items(filter_)}, {self.names.add('KEEP', filter_.keep)}, {self._now()},"
            f" {self.names.add('WITHIN', within)}, {self._zone(within)}"
        )
        if isinstance(condition, ContactsReach):
            trigger = "item" if self.has_trigger else "None"
            return f"reaches({arguments}, {needed}, {trigger})"
        if isinstance(condition, NoContact):
            return f"count_in({arguments}, 1) <= 0"
        if isinstance(condition, SinceLastContact):
            return f"since_last({arguments})"
        return f"count_in({arguments}, {needed}) >= {needed}"

    def _items(self, filter_: ContactFilter) -> str:
        """The interactions a filter looks at: the customer's, or those on the episode's
        issue (None for an episode about none)."""
        if filter_.scope == "customer":
            return "history"
        if not self.has_trigger:
            return "None"
        self.needs.add("issue_items")
        return "by_issue.get(issue_id)"

    def _zone(self, within: Elapsed | Local) -> str:
        if isinstance(within, Local):
            self.needs.add("tz")
            return "tz"
        return "UTC"

    def _generic(self, condition: Condition) -> str:
        """A condition the writer does not write out: its compiled form, called in a
        context made for the episode."""
        check = self.names.add("check", compile_condition(condition))
        context = "then" if self.at_trigger else "ctx"
        self.needs.add(context)
        self.needs.add("thread")
        if self.at_trigger:
            self.needs.add("in_scope")
        else:
            self.needs.add("last")
        return f"{check}({context})"

"""The calls of an agenda, kept in columns and made into :class:`Call` objects on demand.

A nightly plan of a large book keeps hundreds of thousands of calls.  As objects, each
holds a :class:`Call`, two pendulum datetimes and a tuple of keys: about half a kilobyte.
Kept as columns -- references to the strings and tuples the calls share, and the two
instants as 8-byte floats -- the same calls take a fraction of that, and a :class:`Call`
is made only when a caller asks for one.  What a call is made from is exactly what the
engine would have made it from, so it is equal to the engine's own.  A call's queue is
kept as its number in a short list of the queues seen, as its zone is.

Imports: ``_decision``, ``_engine``, ``_model``, ``_time``, ``errors``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple, overload

import attrs

from extramile._decision import Adjustment, Call
from extramile._engine import Moved, Raw, Reach, adjustments, call_of
from extramile._model import Priority
from extramile._time import from_ts
from extramile.errors import InvalidFactError

if TYPE_CHECKING:
    from typing import SupportsIndex

__all__ = ["ESSENTIAL", "EXTRA_MILE", "CallList", "Columns", "Move"]

EXTRA_MILE: Final = 1
"""The bit of :attr:`Columns.flags` set for a call that goes the extra mile."""
ESSENTIAL: Final = 2
"""The bit of :attr:`Columns.flags` set for an essential call."""
_NUMBERS: Final = frozenset({"zone_numbers", "reach_numbers", "queue_numbers"})
_AFTER_FIRST: Final = operator.itemgetter(slice(1, None))
_MOST_TRIES: Final = 65_535
"""The largest try number a column holds (two bytes; a rule allows at most 1000)."""


class Move(NamedTuple):
    """A call capacity moved."""

    due: float
    """Its new due time, POSIX seconds."""
    moved_by: tuple[Adjustment, ...]
    """All its adjustments, the capacity move last."""


class Columns:
    """Calls, one column a field, appended once and never changed.

    A call that the columns would not give back unchanged (one built by hand, whose
    datetimes are in two zones, say) is also kept whole in ``exact``; its columns still
    hold its instants, priority and rules, which is all that ordering and counting read.
    """

    __slots__ = (
        "attempt",
        "customer_id",
        "deadline",
        "due",
        "exact",
        "flags",
        "issue_id",
        "keys",
        "moved_by",
        "points",
        "priority",
        "queue",
        "queue_numbers",
        "queues",
        "reach",
        "reach_numbers",
        "reaches",
        "rules",
        "tries",
        "zone",
        "zone_numbers",
        "zones",
    )

    def __init__(self) -> None:
        self.customer_id: list[str] = []
        self.issue_id: list[str | None] = []
        self.keys: list[str | tuple[str, ...]] = []
        """A call's one key, or the tuple of its keys when it has several (most calls
        have one, and a tuple would cost more than the key)."""
        self.rules: list[tuple[str, ...]] = []
        self.due = array("d")
        self.deadline = array("d")
        self.zone = array("I")
        self.zones: list[dt.tzinfo] = []
        self.zone_numbers: dict[int, int] = {}
        """Each zone's number in ``zones``, by identity (the list keeps the zones alive,
        so their ids stand)."""
        self.priority = array("b")
        self.points: list[tuple[str, ...]] = []
        self.flags = array("B")
        self.moved_by: list[tuple[Adjustment, ...] | Moved] = []
        """What moved each call: the engine's raw moves (written when a call is made:
        :meth:`adjustments`), or a hand-built call's adjustments."""
        self.reach = array("I")
        self.reaches: list[Reach | None] = []
        self.reach_numbers: dict[int, int] = {}
        """Each reach's number in ``reaches``, by identity (the engine hands out one
        shared object for equal reaches, and the list keeps them alive)."""
        self.exact: dict[int, Call] = {}
        self.attempt = array("H")
        """Which try each call is, and how many its rule allows (two bytes each)."""
        self.tries = array("H")
        self.queue = array("I")
        self.queues: list[str | None] = [None]
        self.queue_numbers: dict[str | None, int] = {None: 0}
        """Each queue's number in ``queues``, the general queue (None) 0."""

    def __len__(self) -> int:
        return len(self.keys)

    def __getstate__(self) -> dict[str, Any]:
        # Ids do not survive a pickle: the numbers are made again from the zones (and,
        # to keep the pickle small, from the reaches).
        return {name: getattr(self, name) for name in self.__slots__ if name not in _NUMBERS}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.zone_numbers = {id(tz): number for number, tz in enumerate(self.zones)}
        self.reach_numbers = {id(reach): number for number, reach in enumerate(self.reaches)}
        self.queue_numbers = {queue: number for number, queue in enumerate(self.queues)}

    def _zone_number(self, tz: dt.tzinfo) -> int:
        numbers = self.zone_numbers
        number = numbers.get(id(tz))
        if number is None:
            number = numbers[id(tz)] = len(self.zones)
            self.zones.append(tz)
        return number

    def add(self, raw: Raw) -> None:
        """Append a call the engine made."""
        (
            cid,
            issue,
            keys,
            rules,
            due,
            deadline,
            tz,
            priority,
            points,
            extra,
            essential,
            moved,
            reach,
            attempt,
            tries,
            queue,
        ) = raw
        self.customer_id.append(cid)
        self.issue_id.append(issue)
        self.keys.append(keys[0] if len(keys) == 1 else keys)
        self.rules.append(rules)
        self.due.append(due)
        self.deadline.append(deadline)
        self.zone.append(self._zone_number(tz))
        self.priority.append(priority)
        self.points.append(points)
        self.flags.append((EXTRA_MILE if extra else 0) | (ESSENTIAL if essential else 0))
        self.moved_by.append(moved)
        numbers = self.reach_numbers
        number = numbers.get(id(reach))
        if number is None:
            number = numbers[id(reach)] = len(self.reaches)
            self.reaches.append(reach)
        self.reach.append(number)
        self.attempt.append(attempt)
        self.tries.append(tries)
        if queue is None:  # most calls: the general queue, number 0
            self.queue.append(0)
            return
        queues = self.queue_numbers
        number = queues.get(queue)
        if number is None:
            number = queues[queue] = len(self.queues)
            self.queues.append(queue)
        self.queue.append(number)

    def add_call(self, call: Call) -> None:
        """Append a :class:`Call`: as columns if they give it back unchanged, else whole.

        Raises:
            InvalidFactError: a naive ``due_at`` or ``deadline``.
        """
        tz = call.due_at.tzinfo
        if tz is None or call.deadline.tzinfo is None:
            raise InvalidFactError(
                f"an agenda's calls must have timezone-aware due_at and deadline"
                f" (call {call.key!r} has a naive one)"
            )
        for name, number in (("attempt", call.attempt), ("tries", call.tries)):
            if type(number) is not int or not 1 <= number <= _MOST_TRIES:
                raise InvalidFactError(
                    f"an agenda's calls must have {name} a whole number from 1 to"
                    f" {_MOST_TRIES} (call {call.key!r} has {number!r})"
                )
        raw = Raw(
            call.customer_id,
            call.issue_id,
            call.keys,
            call.rules,
            call.due_at.timestamp(),
            call.deadline.timestamp(),
            tz,
            int(call.priority),
            call.talking_points,
            call.extra_mile,
            call.essential,
            call.moved_by,
            None,
            call.attempt,
            call.tries,
            call.queue,
        )
        if not _made_again(call, raw):
            self.exact[len(self)] = call
        self.add(raw)

    def raw(self, index: int) -> Raw:
        """The call at ``index``, raw."""
        return Raw(
            self.customer_id[index],
            self.issue_id[index],
            _keys(self.keys[index]),
            self.rules[index],
            self.due[index],
            self.deadline[index],
            self.zones[self.zone[index]],
            self.priority[index],
            self.points[index],
            bool(self.flags[index] & EXTRA_MILE),
            bool(self.flags[index] & ESSENTIAL),
            self.moved_by[index],
            self.reach_of(index),
            self.attempt[index],
            self.tries[index],
            self.queues[self.queue[index]],
        )

    def adjustments(self, index: int) -> tuple[Adjustment, ...]:
        """The adjustments of the call at ``index``, as planned (written now from its
        raw moves, for the engine's calls)."""
        return adjustments(self.moved_by[index])

    def kept_deadline(self, index: int) -> bool:
        """Whether the call at ``index`` keeps a deadline where it may not be made (see
        :attr:`Call.at_risk`), read without writing its adjustments."""
        moved = self.moved_by[index]
        if type(moved) is Moved:
            return moved.at_risk
        return any(
            m.target == "deadline" and m.moved_to == m.moved_from for m in adjustments(moved)
        )

    def reach_of(self, index: int) -> Reach | None:
        """Where the customer of the call at ``index`` may be called (None for a call
        built by hand)."""
        return self.reaches[self.reach[index]]

    def copy_from(self, calls: CallList) -> None:
        """Append the calls of ``calls``, in its order, as they were planned."""
        source = calls._columns
        for index in calls._order:
            exact = source.exact.get(index)
            if exact is not None:
                self.exact[len(self)] = exact
            self.add(source.raw(index))

    def lead(self, index: int) -> str:
        """The leading key of the call at ``index``."""
        exact = self.exact.get(index)
        if exact is not None:
            return exact.key
        found = self.keys[index]
        return found if found.__class__ is str else found[0]

    def leads(self) -> list[str]:
        """Each call's leading key, in the order the calls were added."""
        exact = self.exact
        leads = [found if found.__class__ is str else found[0] for found in self.keys]
        for index, call in exact.items():
            leads[index] = call.key
        return leads

    def repeated_key(self, leads: list[str]) -> tuple[int, int, str] | None:
        """Two calls with one key, as their indices (in the order they were added) and
        the key, or None when every key is one call's.

        ``leads`` is :meth:`leads`.  Every key, sorted, lies beside its twin if it has
        one.  What this keeps is a list of references to keys the columns already hold;
        the check is a few passes in C, not a loop in Python.
        """
        keys = self.keys
        everyone = list(leads)
        if self.exact:  # calls built by hand: a leading key need not come first
            others: Iterable[str] = (
                key
                for index, kept in enumerate(keys)
                for key in dict.fromkeys(_keys(kept))
                if key != leads[index]
            )
        else:  # the engine's: a merged call's keys after its first
            merged = itertools.compress(keys, map(isinstance, keys, itertools.repeat(tuple)))
            others = itertools.chain.from_iterable(map(_AFTER_FIRST, merged))
        everyone.extend(others)
        everyone.sort()
        beside = map(operator.eq, everyone, itertools.islice(everyone, 1, None))
        twice = next(itertools.compress(everyone, beside), None)
        if twice is None:
            return None
        first, second, *_ = (
            index
            for index, kept in enumerate(self.keys)
            if leads[index] == twice or twice in _keys(kept)
        )
        return first, second, twice


def _made_again(call: Call, raw: Raw) -> bool:
    """Whether :func:`call_of` gives back ``call`` itself from its columns: the same
    values of the same types, its datetimes in the very zone objects (an equal zone of
    another name would print otherwise)."""
    if call.keys[:1] != (call.key,) or type(call.priority) is not Priority:
        return False
    if not all(
        type(value) is tuple
        for value in (call.keys, call.rules, call.talking_points, call.moved_by)
    ):
        return False
    made = call_of(raw)
    return made == call and all(
        type(mine) is type(theirs) and mine.tzinfo is theirs.tzinfo and mine.fold == theirs.fold
        for mine, theirs in ((made.due_at, call.due_at), (made.deadline, call.deadline))
    )


def _keys(kept: str | tuple[str, ...]) -> tuple[str, ...]:
    return (kept,) if isinstance(kept, str) else kept


def _call(columns: Columns, index: int, move: Move | None) -> Call:
    exact = columns.exact.get(index)
    if exact is None:
        raw = columns.raw(index)
        if move is not None:  # its adjustments are the move's: none written twice
            raw = raw._replace(due=move.due, moved_by=move.moved_by)
        return call_of(raw)
    call = exact
    if move is None:
        return call
    due, moved_by = move
    tz = call.due_at.tzinfo
    assert tz is not None  # a naive call is refused by add_call
    return attrs.evolve(call, due_at=from_ts(due, tz), moved_by=moved_by)


class CallList(Sequence[Call]):
    """The calls of an :class:`~extramile.Agenda`, in its order: a read-only sequence.

    The calls are kept compactly and each :class:`Call` is made when it is asked for, so
    the same call asked for twice is two equal objects.  Slicing gives a ``CallList``;
    a ``CallList`` equals any sequence of equal calls in the same order (a tuple, say).
    """

    __slots__ = ("_columns", "_moves", "_order")

    def __init__(
        self, columns: Columns, order: array[int], moves: dict[int, Move] | None = None
    ) -> None:
        self._columns = columns
        self._order = order
        """Indices into the columns, in the agenda's order."""
        self._moves: dict[int, Move] = {} if moves is None else moves
        """Calls capacity moved, by their index in the columns."""

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, position: SupportsIndex) -> Call: ...

    @overload
    def __getitem__(self, position: slice) -> CallList: ...

    def __getitem__(self, position: SupportsIndex | slice) -> Call | CallList:
        if isinstance(position, slice):
            return CallList(self._columns, self._order[position], self._moves)
        index = self._order[position]
        return _call(self._columns, index, self._moves.get(index))

    def __iter__(self) -> Iterator[Call]:
        columns = self._columns
        moves = self._moves
        for index in self._order:
            yield _call(columns, index, moves.get(index))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(
            mine == theirs for mine, theirs in zip(self, other, strict=True)
        )

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"<CallList of {len(self)} call(s)>"

    # For the agenda, which reads its calls' columns without making the calls:

    def _due_ts(self, index: int) -> float:
        """POSIX seconds of the due time of the call at ``index`` in the columns."""
        move = self._moves.get(index)
        return self._columns.due[index] if move is None else move.due

    def _rules(self) -> Iterator[tuple[str, ...]]:
        """Each call's rules, in order."""
        rules = self._columns.rules
        return (rules[index] for index in self._order)

    def _priorities(self) -> Iterator[int]:
        """Each call's priority, in order."""
        priority = self._columns.priority
        return (priority[index] for index in self._order)

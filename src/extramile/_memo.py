"""Bounded memos of pure functions, for the engine's hot paths.

A :class:`Memo` answers ``memo[key]`` with ``make(key)``, computed the first time and kept
until the memo fills up, when it empties and starts again.  ``make`` must be pure: an
answer depends on the key alone, never on what was asked before, so a memo can change how
fast the library answers but never what it answers.  A hit is a plain dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

__all__ = ["Memo"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class Memo(dict[_K, _V]):
    """``make(key)`` for each key asked, kept for at most ``bound`` keys at a time.

    >>> squares = Memo(lambda n: n * n, bound=2)
    >>> squares[3], squares[4], squares[5], len(squares)
    (9, 16, 25, 1)
    """

    __slots__ = ("bound", "make")

    def __init__(self, make: Callable[[_K], _V], bound: int) -> None:
        super().__init__()
        self.make = make
        self.bound = bound

    def __missing__(self, key: _K) -> _V:
        if len(self) >= self.bound:
            self.clear()
        value = self[key] = self.make(key)
        return value

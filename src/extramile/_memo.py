"""The library's one home of state: bounded memos of pure functions, and their registry.

Everything the library keeps between calls is a cache of a pure function, so that it can
change how fast the library answers but never what it answers.  Each module-level cache
is made here, with a name, and registered: :func:`clear_all` empties every one of them
(tests use it to show that an answer never depends on what was asked before), and
:func:`sizes` says how full each is.  Each is bounded: a :class:`Memo` computes what it
is asked and empties itself when full; a :func:`cache` is a plain dictionary, for the
hottest lookups, filled with :func:`keep`, which empties it when full.  Caches that belong
to one object (a schedule's tables, a compiled rule's cut-offs) are made the same way, but
die with their object and are not registered.  The compiled form of a policy lives in its
own weak registry beside the policy (:mod:`extramile._rules.compiled`), and is never
pickled.

Imports: nothing of the library.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Final, TypeVar

__all__ = ["Memo", "cache", "clear_all", "keep", "sizes"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")

_REGISTRY: Final[dict[str, dict[object, object]]] = {}


def _register(name: str | None, made: dict[Any, Any]) -> None:
    if name is None:
        return
    if name in _REGISTRY:
        raise ValueError(f"a cache called {name!r} is registered already")
    _REGISTRY[name] = made


def cache(name: str | None = None) -> dict[Any, Any]:
    """A new, empty cache: a plain dictionary (hits are the interpreter's fastest lookup),
    filled with :func:`keep`.  ``name`` registers it (module-level caches).

    >>> kept: dict[str, int] = cache()
    >>> keep(kept, "a", 1, bound=2), keep(kept, "b", 2, bound=2), keep(kept, "c", 3, bound=2)
    (1, 2, 3)
    >>> kept
    {'c': 3}
    """
    made: dict[Any, Any] = {}
    _register(name, made)
    return made


def keep(cache: dict[_K, _V], key: _K, value: _V, bound: int) -> _V:
    """Keep ``value`` under ``key`` in ``cache``, emptying it first when it holds ``bound``
    keys (the path of a miss; a hit is a plain lookup)."""
    if len(cache) >= bound:
        cache.clear()
    cache[key] = value
    return value


class Memo(dict[_K, _V]):
    """``make(key)`` for each key asked, kept for at most ``bound`` keys at a time.

    A hit is a plain dictionary lookup.

    >>> squares = Memo(lambda n: n * n, bound=2)
    >>> squares[3], squares[4], squares[5], len(squares)
    (9, 16, 25, 1)
    """

    __slots__ = ("bound", "make")

    def __init__(self, make: Callable[[_K], _V], bound: int, *, name: str | None = None) -> None:
        super().__init__()
        self.make = make
        self.bound = bound
        _register(name, self)

    def __missing__(self, key: _K) -> _V:
        return keep(self, key, self.make(key), self.bound)


def clear_all() -> None:
    """Empty every registered cache."""
    for cache in _REGISTRY.values():
        cache.clear()


def sizes() -> dict[str, int]:
    """How many keys each registered cache holds, by name.

    >>> all(isinstance(size, int) for size in sizes().values())
    True
    """
    return {name: len(cache) for name, cache in _REGISTRY.items()}

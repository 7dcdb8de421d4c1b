"""The library's one home of state: bounded memos of pure functions, and their registry.

Everything the library keeps between calls is a cache of a pure function, so that it can
change how fast the library answers but never what it answers.  Each module-level cache
is made here, with a name, and registered: :func:`clear_all` empties every one of them
(tests use it to show that an answer never depends on what was asked before), and
:func:`sizes` says how full each is.  Caches that belong to one object (a schedule's
tables, a compiled rule's cut-offs) are :class:`Bounded` too, but die with their object
and are not registered.  The compiled form of a policy lives in its own weak registry
beside the policy (:mod:`extramile._rules.compiled`), and is never pickled.

Imports: nothing of the library.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Final, TypeVar

__all__ = ["Bounded", "Memo", "clear_all", "sizes"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")

_REGISTRY: Final[dict[str, dict[object, object]]] = {}


def _register(name: str | None, cache: dict[_K, _V]) -> None:
    if name is None:
        return
    if name in _REGISTRY:
        raise ValueError(f"a cache called {name!r} is registered already")
    _REGISTRY[name] = cache  # type: ignore[assignment]  # the registry only clears and counts


class Bounded(dict[_K, _V]):
    """A dictionary filled by hand with :meth:`put`, holding at most ``bound`` keys: when it
    is full it empties and starts again.  ``name`` registers it (module-level caches).

    >>> kept = Bounded(bound=2)
    >>> kept.put("a", 1), kept.put("b", 2), kept.put("c", 3), len(kept)
    (1, 2, 3, 1)
    """

    __slots__ = ("bound",)

    def __init__(self, bound: int, *, name: str | None = None) -> None:
        super().__init__()
        self.bound = bound
        _register(name, self)

    def put(self, key: _K, value: _V) -> _V:
        """Keep ``value`` under ``key``, emptying the cache first when it is full."""
        if len(self) >= self.bound:
            self.clear()
        self[key] = value
        return value


class Memo(Bounded[_K, _V]):
    """``make(key)`` for each key asked, kept for at most ``bound`` keys at a time.

    A hit is a plain dictionary lookup.

    >>> squares = Memo(lambda n: n * n, bound=2)
    >>> squares[3], squares[4], squares[5], len(squares)
    (9, 16, 25, 1)
    """

    __slots__ = ("make",)

    def __init__(self, make: Callable[[_K], _V], bound: int, *, name: str | None = None) -> None:
        super().__init__(bound, name=name)
        self.make = make

    def __missing__(self, key: _K) -> _V:
        return self.put(key, self.make(key))


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

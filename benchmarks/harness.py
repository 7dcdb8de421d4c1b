"""What the micro-benchmarks share: pinning to one core, and interleaved timing runs.

``benchmarks/`` is not a package; scripts import this module from their own folder.
"""

from __future__ import annotations

import os
import timeit


def pin(cpu: int | None) -> str:
    """Pin this process to ``cpu`` (default: the last allowed core); say what was done."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no os.sched_setaffinity here)"
    allowed = sorted(os.sched_getaffinity(0))
    chosen = allowed[-1] if cpu is None else cpu
    os.sched_setaffinity(0, {chosen})
    return f"pinned to core {chosen}"


def interleaved(
    timers: list[tuple[str, timeit.Timer]], runs: int, number: int
) -> dict[str, list[float]]:
    """Per-call microseconds of every timer, ``runs`` times each, the cases interleaved so
    that a slow moment of a shared machine falls on all of them.  A short warm-up run of
    each comes first (zone caches, holiday memos, the interpreter)."""
    for _, timer in timers:
        timer.timeit(number // 10 or 1)
    results: dict[str, list[float]] = {label: [] for label, _ in timers}
    for _ in range(runs):
        for label, timer in timers:
            results[label].append(timer.timeit(number) / number * 1e6)
    return results

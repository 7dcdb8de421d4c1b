"""What the micro-benchmarks share: pinning to one core, and interleaved timing runs.

``benchmarks/`` is not a package; scripts import this module from their own folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import timeit
from collections.abc import Callable


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


def main(
    doc: str | None,
    run: Callable[[int, int], dict[str, list[float]]],
    report: Callable[[dict[str, list[float]], str], str],
    argv: list[str] | None,
) -> int:
    """A micro-benchmark's command line: its options, pinning, the header, the table."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per case (15)")
    parser.add_argument("--number", type=int, default=20_000, help="calls per run (20000)")
    parser.add_argument("--cpu", type=int, default=None, help="core to pin to (the last)")
    args = parser.parse_args(argv)
    pinned = pin(args.cpu)
    header = (
        f"Python {platform.python_version()} on {platform.machine()}, {pinned};"
        f" {args.runs} runs x {args.number} calls; load average"
        f" {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(report(run(args.runs, args.number), header))
    return 0

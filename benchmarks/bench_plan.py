"""Throughput of ``plan()`` over a streamed book, with the starter policy.

Run from the checkout, with the package installed::

    python benchmarks/bench_plan.py                     # 10k and 100k customers, 3 runs
    python benchmarks/bench_plan.py --sizes 10000 --runs 5 --cpu 1
    python benchmarks/bench_plan.py --million           # adds 1,000,000 (minutes)
    python benchmarks/bench_plan.py --span-days 730     # histories over two years

The book comes from ``benchmarks/book.py`` (seeded; about ten interactions a customer) and
is streamed: customers are built one at a time as ``plan()`` asks for them, never held
whole.  Building them is not the engine's cost: the stream times its own work as it goes,
in the same pass, and that time is subtracted:

    engine seconds = plan() seconds - seconds spent building the customers it asked for

Timing both in one pass keeps a slow moment of a shared machine from falling on one and
not the other; the table gives medians of the runs.  ``--floor`` adds a second pass per
run, in which each customer's history is only checked and sorted (``customer_history()``,
what every decision starts with): the cost no engine working on these objects can go
below.  The process pins itself to one core.  ``per-customer cost vs smallest`` is the
engine's cost a customer at that size over its cost at the smallest size (1.0: linear).
Peak memory is the process's ``ru_maxrss`` after each size (it never goes down, so sizes
run smallest first), and the agenda's length is given so that memory can be read against
what is kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import book  # benchmarks/ is not a package; the line above finds it

from extramile import Customer, Elapsed, FollowUpPolicy, Interaction, plan, starter_policy
from extramile._engine import customer_history

HORIZON = Elapsed(days=14)
CAPACITY = {"mon": 2_000, "tue": 2_000, "wed": 2_000, "thu": 2_000, "fri": 1_500}


class _TimedBook:
    """The book, streamed, adding up the time spent building its customers."""

    def __init__(self, n: int, size: int, span_days: int = book.SPAN_DAYS) -> None:
        self._items = book.book(n, size=size, span_days=span_days)
        self.seconds = 0.0

    def __iter__(self) -> Iterator[tuple[Customer, list[Interaction]]]:
        clock = time.perf_counter
        items = self._items
        while True:
            start = clock()
            item = next(items, None)
            self.seconds += clock() - start
            if item is None:
                return
            yield item


def _history_only(n: int, size: int, span_days: int) -> tuple[float, float]:
    """The floor: each customer's history only checked and sorted (what every decision
    starts with), then dropped.  (seconds in all, seconds building the customers)"""
    now = book.NOW.timestamp()
    stream = _TimedBook(n, size, span_days)
    start = time.perf_counter()
    for customer, interactions in stream:
        customer_history(customer, interactions, now)
    return time.perf_counter() - start, stream.seconds


def _plan(
    policy: FollowUpPolicy, n: int, size: int, capacity: object, span_days: int
) -> tuple[float, float, int]:
    """(seconds in all, seconds building the customers, calls in the agenda)"""
    stream = _TimedBook(n, size, span_days)
    start = time.perf_counter()
    agenda = plan(
        policy,
        stream,
        now=book.NOW,
        horizon=HORIZON,
        capacity=capacity,  # type: ignore[arg-type]  # None or the mapping above
    )
    return time.perf_counter() - start, stream.seconds, len(agenda)


def _pin(cpu: int | None) -> int | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    chosen = cpu if cpu is not None else min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {chosen})
    return chosen


def _peak_mib() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated book sizes")
    parser.add_argument("--million", action="store_true", help="add a 1,000,000-customer book")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=10, help="interactions a customer, about")
    parser.add_argument(
        "--span-days",
        type=int,
        default=book.SPAN_DAYS,
        help="how many days back the interactions go (issues, price changes, calls)",
    )
    parser.add_argument("--capacity", action="store_true", help="plan with a weekday capacity")
    parser.add_argument("--cpu", type=int, default=None, help="core to pin to")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time checking and sorting each history alone (the floor of any decision)",
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(text) for text in args.sizes.split(",") if text})
    if args.million:
        sizes.append(1_000_000)
    capacity = CAPACITY if args.capacity else None

    pinned = _pin(args.cpu)
    policy = starter_policy(company_timezone=book.COMPANY_TIMEZONE)
    _plan(policy, 500, args.size, capacity, args.span_days)  # warm-up: imports, caches
    print(
        f"# bench_plan  {dt.datetime.now(dt.timezone.utc):%Y-%m-%d}  python"
        f" {platform.python_version()}  {os.cpu_count()} cores, pinned to {pinned}"
        f"  loadavg {os.getloadavg()[0]:.2f}  capacity {capacity}  ~{args.size} interactions"
        f" over {args.span_days} days"
    )
    print()
    print(
        "| customers | generate /s | plan incl. generation /s | engine customers/s"
        " | per-customer cost vs smallest | history check alone, customers/s"
        " | engine / history check | calls | peak RSS MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    base: float | None = None
    for n in sizes:
        generated, totals, engines, floors, calls = [], [], [], [], 0
        for _ in range(args.runs):
            if args.floor:
                total, building = _history_only(n, args.size, args.span_days)
                floors.append(total - building)
            total, building, calls = _plan(policy, n, args.size, capacity, args.span_days)
            generated.append(building)
            totals.append(total)
            engines.append(total - building)
        gen = statistics.median(generated)
        total = statistics.median(totals)
        engine = statistics.median(engines)
        per_customer = engine / n
        base = per_customer if base is None else base
        if floors:
            floor = statistics.median(floors)
            floor_text = f"{n / floor:,.0f} | {engine / floor:.1f}"
        else:
            floor_text = "- | -"
        print(
            f"| {n:,} | {n / gen:,.0f} | {n / total:,.0f} | {n / engine:,.0f}"
            f" | {per_customer / base:.2f} | {floor_text} | {calls:,} | {_peak_mib():,.0f} |",
            flush=True,
        )
    print(f"\n# loadavg at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

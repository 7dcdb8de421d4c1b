"""Throughput of ``plan()`` over a streamed book, with the starter policy.

Run from the checkout, with the package installed::

    python benchmarks/bench_plan.py                     # 10k and 100k customers, 3 runs
    python benchmarks/bench_plan.py --sizes 10000 --runs 5 --cpu 1
    python benchmarks/bench_plan.py --million           # adds 1,000,000 (minutes)

The book comes from ``benchmarks/book.py`` (seeded; about ten interactions a customer) and
is streamed: customers are built one at a time as ``plan()`` asks for them, never held
whole.  Building them is not the engine's cost, so it is timed alone (the same stream,
drained without planning) and subtracted:

    engine seconds = (generate + plan) seconds - generate seconds

Every run times both, side by side, so a slow moment of a shared machine falls on both;
the table gives medians.  The process pins itself to one core.  ``per-customer cost vs
10k`` is the engine's cost a customer at that size over its cost at 10k (1.0: linear).
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import book  # benchmarks/ is not a package; the line above finds it

from extramile import Elapsed, FollowUpPolicy, plan, starter_policy

HORIZON = Elapsed(days=14)
CAPACITY = {"mon": 2_000, "tue": 2_000, "wed": 2_000, "thu": 2_000, "fri": 1_500}


def _generate(n: int, size: int) -> float:
    start = time.perf_counter()
    for _ in book.book(n, size=size):
        pass
    return time.perf_counter() - start


def _plan(policy: FollowUpPolicy, n: int, size: int, capacity: object) -> tuple[float, int]:
    start = time.perf_counter()
    agenda = plan(
        policy,
        book.book(n, size=size),
        now=book.NOW,
        horizon=HORIZON,
        capacity=capacity,  # type: ignore[arg-type]  # None or the mapping above
    )
    return time.perf_counter() - start, len(agenda)


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
    parser.add_argument("--capacity", action="store_true", help="plan with a weekday capacity")
    parser.add_argument("--cpu", type=int, default=None, help="core to pin to")
    args = parser.parse_args(argv)
    sizes = sorted({int(text) for text in args.sizes.split(",") if text})
    if args.million:
        sizes.append(1_000_000)
    capacity = CAPACITY if args.capacity else None

    pinned = _pin(args.cpu)
    policy = starter_policy(company_timezone=book.COMPANY_TIMEZONE)
    _plan(policy, 500, args.size, capacity)  # warm-up: imports, caches
    print(
        f"# bench_plan  {dt.datetime.now(dt.timezone.utc):%Y-%m-%d}  python"
        f" {platform.python_version()}  {os.cpu_count()} cores, pinned to {pinned}"
        f"  loadavg {os.getloadavg()[0]:.2f}  capacity {capacity}  ~{args.size} interactions"
    )
    print()
    print(
        "| customers | generate /s | plan incl. generation /s | engine customers/s"
        " | per-customer cost vs smallest | calls | peak RSS MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    base: float | None = None
    for n in sizes:
        generated, planned, calls = [], [], 0
        for _ in range(args.runs):
            generated.append(_generate(n, args.size))
            seconds, calls = _plan(policy, n, args.size, capacity)
            planned.append(seconds)
        gen = statistics.median(generated)
        total = statistics.median(planned)
        engine = max(total - gen, 1e-9)
        per_customer = engine / n
        base = per_customer if base is None else base
        print(
            f"| {n:,} | {n / gen:,.0f} | {n / total:,.0f} | {n / engine:,.0f}"
            f" | {per_customer / base:.2f} | {calls:,} | {_peak_mib():,.0f} |",
            flush=True,
        )
    print(f"\n# loadavg at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

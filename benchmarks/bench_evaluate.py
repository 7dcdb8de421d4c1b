"""Cost of ``evaluate()`` for one customer with the starter policy, and of the fast path.

Run from the checkout, with the package installed::

    python benchmarks/bench_evaluate.py                 # 2,000 customers, 5 runs, core 0
    python benchmarks/bench_evaluate.py --customers 5000 --runs 7 --cpu 1

The customers come from ``benchmarks/book.py`` (seeded; about ten interactions each) and
are built before timing.  Four costs are reported per customer, as medians over the runs:

* ``evaluate()`` -- the public call: checks the facts, sorts them, evaluates every rule,
  places and merges the calls, and writes the trace and the revisit time;
* ``decide(...)`` on already checked, sorted history: the whole
  :class:`Decision`, without the checks and the sort;
* the path ``plan()`` takes -- ``raw_calls_for()`` on already sorted history: the calls
  as the agenda keeps them, before any :class:`Call` or datetime is made;
* a reference operation, ``datetime.fromtimestamp(ts, tz)``, so that figures taken on
  machines of different speed can be compared as ratios.

Each run times all four side by side, so a slow moment of a shared machine falls on all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import book  # benchmarks/ is not a package; the line above finds it
from harness import pin

from extramile import evaluate, starter_policy
from extramile._engine import customer_history, decide, raw_calls_for
from extramile._time import zone


def main(argv: list[str] | None = None) -> int:
    """Print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cpu", type=int, default=0, help="core to pin to (-1: do not pin)")
    args = parser.parse_args(argv)
    pinned = pin(args.cpu) if args.cpu >= 0 else "not pinned"

    policy = starter_policy(company_timezone=book.COMPANY_TIMEZONE)
    customers = list(book.book(args.customers))
    now_ts = book.NOW.timestamp()
    prepared = [(c, customer_history(c, items, now_ts)) for c, items in customers]
    calls = sum(len(evaluate(policy, c, items, now=book.NOW).calls) for c, items in customers)
    interactions = sum(len(items) for _, items in customers)
    tz = zone("America/Chicago")

    full: list[float] = []
    fast: list[float] = []
    planned: list[float] = []
    reference: list[float] = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for customer, items in customers:
            evaluate(policy, customer, items, now=book.NOW)
        full.append((time.perf_counter() - start) / len(customers))

        start = time.perf_counter()
        for customer, history in prepared:
            decide(policy, customer, history, now_ts)
        fast.append((time.perf_counter() - start) / len(customers))

        start = time.perf_counter()
        for customer, history in prepared:
            raw_calls_for(policy, customer, history, now_ts)
        planned.append((time.perf_counter() - start) / len(customers))

        start = time.perf_counter()
        for _ in range(len(customers)):
            dt.datetime.fromtimestamp(now_ts, tz)
        reference.append((time.perf_counter() - start) / len(customers))

    ref = statistics.median(reference)
    print(
        f"# {args.customers:,} customers, {interactions / args.customers:.1f} interactions"
        f" and {calls / args.customers:.2f} calls each; medians of {args.runs} runs; {pinned}"
    )
    print("| path | us per customer | customers/s | x reference |")
    print("|---|---:|---:|---:|")
    for name, samples in (
        ("evaluate()", full),
        ("decide() on checked history", fast),
        ("raw_calls_for() (what plan() runs)", planned),
        ("reference: datetime.fromtimestamp", reference),
    ):
        median = statistics.median(samples)
        print(f"| {name} | {median * 1e6:,.1f} | {1 / median:,.0f} | {median / ref:,.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

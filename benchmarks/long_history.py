"""One customer with a long history against a book of ordinary customers, in ``plan()``.

Run from the checkout, with the package installed::

    python benchmarks/long_history.py                        # spans 365, 60 and 14 days
    python benchmarks/long_history.py --rounds 7 --cpu 1 --spans 30

Each round plans, with the starter policy and in one process, side by side:

* (b) the book: ``--customers`` ordinary customers of ``benchmarks/book.py`` (about ten
  interactions each), in one ``plan()``;
* (a) for each span, one customer of ``--size`` interactions (``book.long_customer``: a
  large account whose issues, critical ones among them, calls with outcomes, emails,
  feedback, price changes and system events run through the span) alone in ``plan()``.

Everything is built before the timed loop, and the book is planned once to warm the
memoised tables up.  The garbage collector runs before each timed plan, so that a
collection owed for earlier work does not fall on the next side (it stays on while
timing: what a side allocates, it pays to collect).  The figure to read is the median
over the rounds of the per-round ratio (a)/(b): a long history should cost at most a
few times what the same number of interactions spread over ordinary customers costs.
The shorter the span, the more of the history lies within the days the starter rules
look back over (3 to 14), so the more episodes are judged, answered and placed: 14 days
is the hardest case.

``--count long`` or ``--count book`` plans only that side, once and then ``--rounds``
more times, for counting instructions under callgrind, which a noisy machine does not
disturb (see ``count_plan.py``)::

    for n in 0 2; do
        PYTHONPATH=src PYTHONHASHSEED=0 valgrind --tool=callgrind \\
            --callgrind-out-file=/dev/null python benchmarks/long_history.py \\
            --count long --spans 14 --rounds $n
    done 2>&1 | grep Collected

The difference of the two counts, halved, is one plan of that side.

``--evaluate`` times ``evaluate()`` instead, customer by customer (the trace, every
explanation and the revisit time; no episode is skipped as long given up).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import book  # benchmarks/ is not a package; the line above finds it
from harness import pin

from extramile import (
    Customer,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    evaluate,
    plan,
    starter_policy,
)

HORIZON = Elapsed(days=7)
Book = list[tuple[Customer, list[Interaction]]]


def _timed(policy: FollowUpPolicy, items: Book) -> float:
    """Seconds one ``plan()`` of ``items`` takes."""
    gc.collect()
    start = time.perf_counter()
    plan(policy, items, now=book.NOW, horizon=HORIZON)
    return time.perf_counter() - start


def _timed_evaluate(policy: FollowUpPolicy, items: Book) -> float:
    """Seconds ``evaluate()`` of each customer of ``items`` takes, in all."""
    gc.collect()
    start = time.perf_counter()
    for customer, history in items:
        evaluate(policy, customer, history, now=book.NOW)
    return time.perf_counter() - start


def _rounds(
    timed: Callable[[FollowUpPolicy, Book], float],
    policy: FollowUpPolicy,
    ordinary: Book,
    longs: dict[int, Book],
    rounds: int,
) -> tuple[list[float], dict[int, list[float]]]:
    """The book's seconds and each span's, round by round, the sides interleaved."""
    timed(policy, ordinary)
    book_seconds: list[float] = []
    long_seconds: dict[int, list[float]] = {span: [] for span in longs}
    for _ in range(rounds):
        book_seconds.append(timed(policy, ordinary))
        for span, items in longs.items():
            long_seconds[span].append(timed(policy, items))
    return book_seconds, long_seconds


def _report(book_seconds: list[float], long_seconds: dict[int, list[float]], size: int) -> str:
    lines = [
        "| side | median s | median ratio (a)/(b) | ratios per round |",
        "|---|---:|---:|---|",
        f"| (b) book | {statistics.median(book_seconds):.3f} | 1 | |",
    ]
    for span, seconds in long_seconds.items():
        ratios = [a / b for a, b in zip(seconds, book_seconds, strict=True)]
        lines.append(
            f"| (a) {size:,} interactions over {span} days | {statistics.median(seconds):.3f}"
            f" | {statistics.median(ratios):.2f} | {', '.join(f'{r:.2f}' for r in ratios)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build both sides, then time them round by round (or plan one for counting)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000, help="the long history's length")
    parser.add_argument("--spans", default="365,60,14", help="its spans in days, comma-separated")
    parser.add_argument("--customers", type=int, default=2_000, help="the book's customers")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cpu", type=int, default=None, help="core to pin to (the last)")
    parser.add_argument("--count", choices=("long", "book"), help="plan one side for counting")
    parser.add_argument("--evaluate", action="store_true", help="time evaluate(), not plan()")
    args = parser.parse_args(argv)
    spans = [int(span) for span in args.spans.split(",")]
    policy = starter_policy(company_timezone=book.COMPANY_TIMEZONE)
    ordinary = list(book.book(args.customers))
    longs = {span: [book.long_customer(size=args.size, span_days=span)] for span in spans}
    if args.count is not None:
        sides: list[Book] = [ordinary] if args.count == "book" else list(longs.values())
        for _ in range(1 + args.rounds):
            for side in sides:
                plan(policy, side, now=book.NOW, horizon=HORIZON)
        return 0
    pinned = pin(args.cpu)
    interactions = sum(len(items) for _, items in ordinary)
    print(
        f"Python {platform.python_version()}, {pinned}; load average"
        f" {', '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.rounds} rounds;"
        f" (b) {args.customers:,} customers, {interactions:,} interactions;"
        f" {'evaluate()' if args.evaluate else 'plan()'}"
    )
    timed = _timed_evaluate if args.evaluate else _timed
    book_seconds, long_seconds = _rounds(timed, policy, ordinary, longs, args.rounds)
    print(_report(book_seconds, long_seconds, args.size))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

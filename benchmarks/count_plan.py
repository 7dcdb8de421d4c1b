"""``plan()`` of the benchmark book, run a given number of extra times: for counting
instructions, which a noisy machine does not disturb.

Timing on a shared machine can swing by a third between two runs of the same code, too
much to settle a question of a few per cent.  The number of instructions the interpreter
executes barely moves: run this under ``valgrind --tool=callgrind`` with 0 and with 2
extra rounds, and the difference, divided by twice the book's size, is the cost of one
customer, comparable across revisions::

    for n in 0 2; do
        PYTHONPATH=src PYTHONHASHSEED=0 valgrind --tool=callgrind \\
            --callgrind-out-file=/dev/null python benchmarks/count_plan.py --rounds $n
    done 2>&1 | grep Collected

Run it with ``PYTHONPATH`` set to another checkout's ``src`` (a ``git worktree``) to
count a base revision.  ``--without`` leaves starter rules out, as in ``ab_plan.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    """Plan the book once to warm up, then ``--rounds`` more times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--span-days", type=int, default=45)
    parser.add_argument("--rounds", type=int, default=0, help="extra plans after the first")
    parser.add_argument("--without", default="", help="starter rules to leave out, by name")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import attrs  # noqa: PLC0415  # kept out of the module's import time
    import book  # noqa: PLC0415  # benchmarks/ is not a package; found through sys.path

    from extramile import Elapsed, plan, starter_policy  # noqa: PLC0415  # PYTHONPATH's own

    policy = starter_policy(company_timezone=book.COMPANY_TIMEZONE)
    without = frozenset(filter(None, args.without.split(",")))
    if without:
        policy = attrs.evolve(policy, rules=[r for r in policy.rules if r.name not in without])
    items = list(book.book(args.customers, span_days=args.span_days))
    for _ in range(1 + args.rounds):
        plan(policy, items, now=book.NOW, horizon=Elapsed(days=7))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

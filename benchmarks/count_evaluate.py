"""``evaluate()`` of the benchmark book's customers, run a given number of extra times:
for counting instructions, which a noisy machine does not disturb (see ``count_plan.py``).

With ``--explain`` each decision's ``explain()`` is read too, so that the explanations,
which a decision writes only when they are read, are counted::

    for n in 0 2; do
        PYTHONPATH=src PYTHONHASHSEED=0 valgrind --tool=callgrind \\
            --callgrind-out-file=/dev/null python benchmarks/count_evaluate.py --explain --rounds $n
    done 2>&1 | grep Collected

The difference, divided by twice the number of customers (500 by default), is the cost
of one decision.  Run it with ``PYTHONPATH`` set to another checkout's ``src`` to count a
base revision.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    """Evaluate the customers once to warm up, then ``--rounds`` more times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--span-days", type=int, default=45)
    parser.add_argument("--rounds", type=int, default=0, help="extra passes after the first")
    parser.add_argument("--explain", action="store_true", help="read each explain() too")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import book  # noqa: PLC0415  # benchmarks/ is not a package; found through sys.path

    from extramile import evaluate, starter_policy  # noqa: PLC0415  # PYTHONPATH's own

    policy = starter_policy(company_timezone=book.COMPANY_TIMEZONE)
    items = list(book.book(args.customers, span_days=args.span_days))
    for _ in range(1 + args.rounds):
        for customer, history in items:
            decision = evaluate(policy, customer, history, now=book.NOW)
            if args.explain:
                decision.explain()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Everything observable of ``plan()`` and ``evaluate()`` on the benchmark book, as text:
for checking that a change of speed changed no answer.

Run it on two checkouts and compare (a ``git worktree`` of the other revision)::

    PYTHONPATH=src python benchmarks/dump_decisions.py | md5sum
    PYTHONPATH=../base/src python benchmarks/dump_decisions.py | md5sum

It writes the agenda of 3,000 book customers at two horizons (every call's fields, keys,
times and moves, and the suppressed calls by constraint), the explained decision of 800 of
them at three instants, and one long customer's decision and agenda.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Write the dump to standard output."""
    sys.path.insert(0, str(HERE))
    import book  # noqa: PLC0415  # benchmarks/ is not a package; found through sys.path

    from extramile import Elapsed, evaluate, plan, starter_policy  # noqa: PLC0415

    out = sys.stdout.write
    policy = starter_policy(company_timezone=book.COMPANY_TIMEZONE)
    items = list(book.book(3000, span_days=45))
    for horizon in (7, 30):
        agenda = plan(policy, items, now=book.NOW, horizon=Elapsed(days=horizon))
        out(f"== plan starter {horizon} {len(agenda)}\n")
        for call in agenda:
            out(repr(call) + "\n")
        out("S " + repr(dict(agenda.suppressed)) + "\n")
    for shift in (0, 3, 50):
        now = book.NOW + dt.timedelta(hours=shift)
        for customer, history in items[:800]:
            decision = evaluate(policy, customer, history, now=now)
            out(decision.explain() + "\n")
            out(repr(decision.suppressed) + repr(decision.revisit_at) + "\n")
    customer, history = book.long_customer(size=3000, span_days=30)
    out(evaluate(policy, customer, history, now=book.NOW).explain() + "\n")
    for call in plan(policy, [(customer, history)], now=book.NOW, horizon=Elapsed(days=30)):
        out(repr(call) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

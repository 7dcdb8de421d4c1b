"""``plan()`` throughput of this checkout against an earlier revision, side by side.

Run from the checkout, with the package installed::

    python benchmarks/ab_plan.py --base 18c527a                  # 4,000 customers, 7 rounds
    python benchmarks/ab_plan.py --base HEAD~3 --span-days 730 --rounds 5 --cpu 1
    python benchmarks/ab_plan.py --base 28b6ae3 --without repeat-contact,reopened-callback

The revision's ``src/`` is exported (``git archive``) into a temporary directory.  Each
round plans the same customers twice, in fresh processes pinned to one core: once with
the revision's code, once with the checkout's.  The customers are built before the timed
loop and planned three times; the middle time counts.  A shared machine's slow moments
fall on both sides of a round, so the figure to read is the median of the per-round
ratios, printed with the medians of each side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import attrs

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent


def _child(customers: int, span_days: int, without: frozenset[str] = frozenset()) -> None:
    """Plan the book and print customers per second (run in a fresh process); the
    starter policy's rules named in ``without`` are left out, where a side has them."""
    sys.path.insert(0, str(HERE))
    import book  # noqa: PLC0415  # benchmarks/ is not a package; found through sys.path

    from extramile import Elapsed, plan, starter_policy  # noqa: PLC0415  # the side's own

    policy = starter_policy(company_timezone=book.COMPANY_TIMEZONE)
    if without:
        rules = [rule for rule in policy.rules if rule.name not in without]
        policy = attrs.evolve(policy, rules=rules)
    items = list(book.book(customers, span_days=span_days))
    plan(policy, items[:500], now=book.NOW, horizon=Elapsed(days=14))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        plan(policy, items, now=book.NOW, horizon=Elapsed(days=14))
        times.append(time.perf_counter() - start)
    print(customers / sorted(times)[1])


def _side(src: Path, args: argparse.Namespace) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, __file__, "--child", "--customers", str(args.customers)]
    command += ["--span-days", str(args.span_days), "--without", args.without]
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        command = ["taskset", "-c", str(args.cpu), *command]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return float(done.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="the revision to compare with (required)")
    parser.add_argument("--customers", type=int, default=4_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--span-days", type=int, default=45)
    parser.add_argument("--cpu", type=int, default=None, help="core to pin both sides to")
    parser.add_argument(
        "--without",
        default="",
        help="starter rules to leave out on both sides, by name, comma-separated"
        " (e.g. repeat-contact,reopened-callback: the rules as they were before they came)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.customers, args.span_days, frozenset(filter(None, args.without.split(","))))
        return 0
    if not args.base:
        parser.error("--base REVISION is required")
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "base.tar"
        with archive.open("wb") as out:
            subprocess.run(
                ["git", "-C", str(CHECKOUT), "archive", args.base, "src"],
                check=True,
                stdout=out,
            )
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")
        base_src = Path(scratch) / "src"
        pairs = []
        for round_number in range(1, args.rounds + 1):
            before = _side(base_src, args)
            after = _side(CHECKOUT / "src", args)
            pairs.append((before, after))
            print(
                f"round {round_number}: {args.base} {before:,.0f}/s, checkout {after:,.0f}/s,"
                f" ratio {after / before:.2f}",
                flush=True,
            )
    ratios = [after / before for before, after in pairs]
    print(
        f"\n{args.customers:,} customers over {args.span_days} days, {args.rounds} rounds:"
        f" {args.base} median {statistics.median(p[0] for p in pairs):,.0f}/s,"
        f" checkout median {statistics.median(p[1] for p in pairs):,.0f}/s,"
        f" median ratio {statistics.median(ratios):.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Cost per row of ``Interaction.from_mapping`` and ``Customer.from_mapping``.

Run from the checkout, with the package installed::

    python benchmarks/bench_model.py            # 15 runs of 20,000 calls per case
    python benchmarks/bench_model.py --runs 31 --number 50000 --cpu 0

The process pins itself to one core (``os.sched_setaffinity``, where the system has it).
Every run times each case once, in turn, so that a slow moment of a shared machine falls on
all cases alike; the table gives the median and the fastest run per call, in microseconds.

Machines differ, so reference operations are timed beside the library -- a standard-library
ISO-8601 parse, a plain ``dict`` copy of a row, ``pendulum.instance`` -- and each median is
also given as a multiple of the ``datetime.fromisoformat`` median.  Compare those ratios
across machines, not the microseconds.

The issue's targets (``from_mapping`` at most 3 us a typical row) were written on a machine
where ``datetime.fromisoformat`` costs about 0.1 us; that is a ratio of about 30.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import timeit
from collections.abc import Callable, Mapping
from typing import Any

import harness  # benchmarks/ is the script's own folder
import pendulum
from harness import interleaved

from extramile import Customer, Interaction

INTERACTION_ROWS: dict[str, dict[str, Any]] = {
    "typical, 'Z', 2 attributes": {
        "id": "i-10293",
        "customer_id": "c-4411",
        "kind": "issue.opened",
        "at": "2026-11-25T16:00:00Z",
        "direction": "inbound",
        "channel": "phone",
        "issue_id": "t-9921",
        "attributes": {"severity": "high", "intermittent": True},
    },
    "typical, '+01:00', no attributes": {
        "id": "i-10294",
        "customer_id": "c-4411",
        "kind": "call",
        "at": "2026-11-25T17:05:30.250000+01:00",
        "direction": "outbound",
        "channel": "phone",
        "issue_id": "t-9921",
        "agent": "a-17",
        "outcome": "reached",
    },
    "minimal: 4 keys, 'Z'": {
        "id": "i-10295",
        "customer_id": "c-4411",
        "kind": "feedback",
        "at": "2026-11-26T09:30:00Z",
    },
    "'-05:00', 4 attributes": {
        "id": "i-10296",
        "customer_id": "c-4411",
        "kind": "billing.price_change",
        "at": "2026-11-26T09:30:00-05:00",
        "direction": "outbound",
        "channel": "system",
        "attributes": {
            "increase_pct": 12.5,
            "bill_date": "2026-12-15",
            "plan": "fiber-500",
            "amount": 49,
        },
    },
}

CUSTOMER_ROWS: dict[str, dict[str, Any]] = {
    "typical: zone, tier, since, tags, contact": {
        "id": "c-4411",
        "timezone": "America/Chicago",
        "tier": "gold",
        "customer_since": "2019-05-01",
        "tags": ["autopay"],
        "phone": "+1 312 555 0100",
        "email": "pat@example.com",
    },
    "minimal: id, zone": {"id": "c-4412", "timezone": "Europe/Paris"},
    "typical + 2 attributes": {
        "id": "c-4413",
        "timezone": "Asia/Tokyo",
        "tier": "silver",
        "customer_since": "2021-11-30",
        "tags": ["autopay", "paperless"],
        "do_not_call": False,
        "attributes": {"plan": "fiber-500", "seats": 3},
    },
    "typical + calling hours": {
        "id": "c-4414",
        "timezone": "America/New_York",
        "tier": "gold",
        "customer_since": "2015-02-28",
        "tags": ["autopay"],
        "calling_hours": "09:00-20:00",
    },
}

_AWARE = dt.datetime(2026, 11, 25, 16, 0, tzinfo=dt.timezone.utc)
_COPIED = INTERACTION_ROWS["typical, 'Z', 2 attributes"]

# (label, function, argument): each is timed as the loop ``f(arg)``.
REFERENCES: list[tuple[str, Callable[[Any], object], object]] = [
    ("datetime.fromisoformat('...Z')", dt.datetime.fromisoformat, "2026-11-25T16:00:00Z"),
    ("dict(row), the typical interaction", dict, _COPIED),
    ("pendulum.instance(aware datetime)", pendulum.instance, _AWARE),
]
BASE = REFERENCES[0][0]


def _cases() -> list[tuple[str, Callable[[Any], object], object]]:
    cases: list[tuple[str, Callable[[Any], object], object]] = []
    for label, row in INTERACTION_ROWS.items():
        cases.append((f"Interaction.from_mapping  {label}", Interaction.from_mapping, row))
    for label, row in CUSTOMER_ROWS.items():
        cases.append((f"Customer.from_mapping     {label}", Customer.from_mapping, row))
    return cases + REFERENCES


def _check(cases: list[tuple[str, Callable[[Any], object], object]]) -> None:
    # A benchmark of something that fails, or that is not what it claims, measures nothing.
    for label, function, argument in cases:
        made = function(argument)
        if isinstance(made, (Customer, Interaction)):
            assert isinstance(argument, Mapping)
            if type(made).from_mapping(made.to_mapping()) != made:
                raise SystemExit(f"{label}: the row does not round-trip")


def run(runs: int, number: int) -> dict[str, list[float]]:
    """Per-call microseconds of every case, ``runs`` times each, interleaved."""
    cases = _cases()
    _check(cases)
    timers = [
        (label, timeit.Timer("f(a)", globals={"f": function, "a": argument}))
        for label, function, argument in cases
    ]
    return interleaved(timers, runs, number)


def report(results: dict[str, list[float]], header: str) -> str:
    """The results as a table: median and fastest run per call, and the ratio to the base."""
    base = statistics.median(results[BASE])
    width = max(map(len, results))
    lines = [
        header,
        f"{'case':<{width}}  median us    min us   x fromisoformat",
    ]
    for label, times in results.items():
        median = statistics.median(times)
        lines.append(f"{label:<{width}}  {median:9.3f} {min(times):9.3f}   {median / base:8.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    return harness.main(__doc__, run, report, argv)


if __name__ == "__main__":
    sys.exit(main())

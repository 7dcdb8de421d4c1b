"""Cost of call placement and business-time arithmetic, the engine's time hot path.

Run from the checkout, with the package installed::

    python benchmarks/bench_time.py               # 15 runs of 20,000 calls per case
    python benchmarks/bench_time.py --runs 31 --number 50000 --cpu 0

The process pins itself to one core (``os.sched_setaffinity``, where the system has it).
Every run times each case once, in turn, so that a slow moment of a shared machine falls on
all cases alike; the table gives the median and the fastest run per call, in microseconds.

Cases:

* placement when the due time is already allowed -- the engine's fast path,
  ``_placement.place_ts`` on a prepared ``Contact`` (target: at most 5 us), and the public
  ``place()`` that validates, collects history and builds pendulum results around it;
* two business hours added across the Christmas weekend in New York with
  ``holidays.US()`` (2026-12-24T21:00Z -> 2026-12-28T15:00Z), ``Schedule.add_ts`` on POSIX
  seconds (target: at most 50 us) and the public ``Schedule.add``;
* the next staff opening from a Friday evening, and the business time between two instants;
* a customer in Sydney with staff in New York, due 2026-03-10T15:00Z: the calling window
  and staff hours do not overlap until New York is back on standard time, and the call
  lands on 2026-11-02T21:00Z (``place_ts``; the search used to bounce between the two a day
  at a time, some 250 rounds);
* one calling-window step, from a Sydney night to the next 08:00 (the window table's
  ``first_open``).

Machines differ, so a reference operation is timed beside the library --
``datetime.fromtimestamp(ts, tz)``, the conversion every local-time check makes -- and each
median is also given as a multiple of it.  Compare those ratios across machines.  The
schedule's holiday look-ups are memoised per date, so these are warm figures, as in an
engine that evaluates many customers against one policy.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import timeit
from collections.abc import Callable

import harness  # benchmarks/ is the script's own folder
import holidays
import pendulum
from harness import interleaved

from extramile import Business, ContactCaps, Customer, Interaction, Placement, Schedule, place
from extramile._engine.contact import Contact, window_table
from extramile._engine.search import place_ts
from extramile._rules import DEFAULT_CALLING_WINDOW

NEW_YORK = "America/New_York"
NY_ZONE = pendulum.timezone(NEW_YORK)
SCHEDULE = Schedule(
    timezone=NEW_YORK,
    hours={"mon-fri": "09:00-17:00"},
    holidays=holidays.country_holidays("US"),
)
CAPS = ContactCaps()
CUSTOMER = Customer(id="c-4411", timezone=NEW_YORK)

# A Tuesday 11:00 EDT call: inside the calling window and staff hours, two earlier calls
# within the cap period but outside the minimum gap.  Nothing moves it.
DUE = pendulum.datetime(2026, 6, 9, 15, tz="UTC")
NOW = DUE
HISTORY = [
    Interaction(
        id=f"i-{n}",
        customer_id=CUSTOMER.id,
        kind="call",
        at=DUE.subtract(days=days),
        direction="outbound",
        channel="phone",
    )
    for n, days in enumerate((5, 3))
]
CONTACT = Contact.of(
    CUSTOMER,
    HISTORY,
    now_ts=NOW.timestamp(),
    calling_window=DEFAULT_CALLING_WINDOW,
    served_timezones=(),
    schedule=SCHEDULE,
)
DUE_TS = DUE.timestamp()

SYDNEY = "Australia/Sydney"
SYDNEY_ZONE = pendulum.timezone(SYDNEY)
FAR_DUE_TS = pendulum.datetime(2026, 3, 10, 15, tz="UTC").timestamp()  # 02:00 AEDT
FAR_LANDS_TS = pendulum.datetime(2026, 11, 2, 21, tz="UTC").timestamp()  # 16:00 EST
FAR_CONTACT = Contact.of(
    Customer(id="c-5150", timezone=SYDNEY),
    (),
    now_ts=FAR_DUE_TS,
    calling_window=DEFAULT_CALLING_WINDOW,
    served_timezones=(),
    schedule=SCHEDULE,
)
SYDNEY_MORNING_TS = pendulum.datetime(2026, 3, 10, 21, tz="UTC").timestamp()  # 08:00 AEDT
SYDNEY_WINDOW = window_table(DEFAULT_CALLING_WINDOW, SYDNEY_ZONE)


def _window_next(ts: float) -> float | None:
    """The next opening of the default calling window in Sydney, from its table."""
    return SYDNEY_WINDOW.first_open(ts, ts + 7 * 86_400)


CHRISTMAS_EVE = pendulum.datetime(2026, 12, 24, 21, tz="UTC")  # Thu 16:00 EST
CHRISTMAS_EVE_TS = CHRISTMAS_EVE.timestamp()
AFTER_CHRISTMAS_TS = pendulum.datetime(2026, 12, 28, 15, tz="UTC").timestamp()
TWO_HOURS = Business(hours=2)
FRIDAY_EVENING_TS = pendulum.datetime(2026, 6, 12, 23, tz="UTC").timestamp()  # 19:00 EDT


def _place_fast() -> float | None:
    return place_ts(
        CONTACT, DUE_TS, schedule=SCHEDULE, caps=CAPS, extra_mile=False, essential=False, moves=None
    )


def _place_far() -> float | None:
    return place_ts(
        FAR_CONTACT,
        FAR_DUE_TS,
        schedule=SCHEDULE,
        caps=CAPS,
        extra_mile=False,
        essential=False,
        moves=None,
    )


def _place_public() -> object:
    return place(
        due=DUE,
        deadline=DUE.add(hours=1),
        now=NOW,
        customer=CUSTOMER,
        history=HISTORY,
        schedule=SCHEDULE,
    )


# (label, function, target in microseconds or None); each is timed as the loop ``f()``.
CASES: list[tuple[str, Callable[[], object], float | None]] = [
    ("place_ts, due already allowed (fast path)", _place_fast, 5.0),
    ("place(), due already allowed (public)", _place_public, None),
    (
        "Schedule.add_ts, 2 business hours over Christmas",
        lambda: SCHEDULE.add_ts(CHRISTMAS_EVE_TS, TWO_HOURS),
        50.0,
    ),
    (
        "Schedule.add, the same with datetimes",
        lambda: SCHEDULE.add(CHRISTMAS_EVE, TWO_HOURS),
        None,
    ),
    (
        "Schedule.next_open_ts from Friday evening",
        lambda: SCHEDULE.next_open_ts(FRIDAY_EVENING_TS),
        None,
    ),
    (
        "Schedule.between_ts over Christmas",
        lambda: SCHEDULE.between_ts(CHRISTMAS_EVE_TS, AFTER_CHRISTMAS_TS),
        None,
    ),
    ("place_ts, Sydney customer, New York staff (long search)", _place_far, None),
    (
        "calling-window step, Sydney night to 08:00",
        lambda: _window_next(FAR_DUE_TS),
        None,
    ),
    (
        "reference: datetime.fromtimestamp(ts, tz)",
        lambda: dt.datetime.fromtimestamp(DUE_TS, NY_ZONE),
        None,
    ),
]
BASE = CASES[-1][0]


def _check() -> None:
    # A benchmark of something that fails, or that is not what it claims, measures nothing.
    if _place_fast() != DUE_TS:
        raise SystemExit("place_ts: the call was moved, so this is not the fast path")
    placed = _place_public()
    if not isinstance(placed, Placement) or placed.due_at != DUE or placed.adjustments:
        raise SystemExit(f"place(): expected the call left at {DUE}, got {placed!r}")
    if SCHEDULE.add_ts(CHRISTMAS_EVE_TS, TWO_HOURS) != AFTER_CHRISTMAS_TS:
        raise SystemExit("add_ts: expected 2026-12-28T15:00Z (Christmas skipped)")
    if SCHEDULE.between_ts(CHRISTMAS_EVE_TS, AFTER_CHRISTMAS_TS) != TWO_HOURS.seconds:
        raise SystemExit("between_ts: expected two business hours over Christmas")
    if _place_far() != FAR_LANDS_TS:
        raise SystemExit("place_ts: expected the Sydney call on 2026-11-02T21:00Z")
    if _window_next(FAR_DUE_TS) != SYDNEY_MORNING_TS:
        raise SystemExit("_window_next: expected 08:00 AEDT, 2026-03-10T21:00Z")


def run(runs: int, number: int) -> dict[str, list[float]]:
    """Per-call microseconds of every case, ``runs`` times each, interleaved."""
    _check()
    timers = [(label, timeit.Timer("f()", globals={"f": function})) for label, function, _ in CASES]
    return interleaved(timers, runs, number)


def report(results: dict[str, list[float]], header: str) -> str:
    """The results as a table: median, fastest run, ratio to the reference, target."""
    base = statistics.median(results[BASE])
    targets = {label: target for label, _, target in CASES}
    width = max(map(len, results))
    lines = [header, f"{'case':<{width}}  median us    min us   x reference   target"]
    for label, times in results.items():
        median = statistics.median(times)
        target = targets[label]
        verdict = ""
        if target is not None:
            verdict = f"<= {target:g} us {'met' if median <= target else 'MISSED'}"
        lines.append(
            f"{label:<{width}}  {median:9.3f} {min(times):9.3f}   {median / base:11.1f}   {verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    return harness.main(__doc__, run, report, argv)


if __name__ == "__main__":
    sys.exit(main())

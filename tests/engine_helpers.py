"""Helpers the tests share for the engine's internals: reference searches the memoised
tables are checked against, the scans the indexes of long histories are checked against,
and the calls of a decision without the rest of it."""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Sequence

from extramile import Call, Customer, Elapsed, FollowUpPolicy, Interaction, Local, SuppressedCall
from extramile._conditions.selection import Inside, Keep
from extramile._decision import SATISFIES
from extramile._engine import call_of, raw_calls_for
from extramile._engine.contact import window_table, windows_of
from extramile._rules import REACHED, VOICEMAIL
from extramile._time import DAY, CallingWindow, add_local_days, next_in_windows


def calls_for(
    policy: FollowUpPolicy, customer: Customer, history: Sequence[Interaction], now_ts: float
) -> tuple[list[Call], list[SuppressedCall]]:
    """Only the calls and suppressed calls of a decision, on the path plan() takes:
    without the trace, the revisit time or the Decision around them."""
    raws, suppressed = raw_calls_for(policy, customer, history, now_ts)
    return [call_of(raw) for raw in raws], suppressed


def window_next(ts: float, window: CallingWindow, tz: dt.tzinfo) -> float:
    """The first instant at or after ``ts`` inside the daily window, from its table."""
    found = window_table(window, tz).first_open(ts, ts + 7 * DAY)
    return found if found is not None else ts + 7 * DAY


def window_next_search(ts: float, window: CallingWindow, tz: dt.tzinfo) -> float:
    """:func:`window_next` by the direct search (the reference for the tables)."""
    local = dt.datetime.fromtimestamp(ts, tz)
    clock = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    days = windows_of(window)
    if any(w.start <= clock < w.end for w in days(local.date())):
        return ts
    # Across a daylight-saving change the window may open at the change itself, or twice
    # in one day; the shared search handles both.
    found = next_in_windows(ts, tz, days, ts + 7 * DAY)
    return found if found is not None else ts + 7 * DAY


def cap_next_scan(ts: float, attempts: list[float], limit: int, days: int, tz: dt.tzinfo) -> float:
    """The first instant at or after ``ts`` at which fewer than ``limit`` of the sorted
    ``attempts`` count against a cap of ``days`` local days, as the engine first worked
    it out: every attempt that may still count converted again at each step."""
    while True:
        upto = bisect.bisect_right(attempts, ts)
        if upto < limit:
            return ts
        first = bisect.bisect_right(attempts, ts - (days + 2) * DAY, 0, upto)
        counting = sorted(
            frees
            for frees in (add_local_days(a, days, tz) for a in attempts[first:upto])
            if frees > ts
        )
        if len(counting) < limit:
            return ts
        ts = counting[len(counting) - limit]


def cap_count_scan(ts: float, attempts: list[float], days: int, tz: dt.tzinfo) -> int:
    """How many ``attempts`` count against a cap of ``days`` local days at ``ts``, each
    converted (the reason of a cap's move, as first written)."""
    return sum(1 for a in attempts if a <= ts and add_local_days(a, days, tz) > ts)


def answer_scan(
    calls: Sequence[Interaction],
    key: str,
    start: float,
    issue_id: str | None,
    scope: str,
    *,
    voicemail: bool,
) -> Interaction | tuple[Interaction, ...]:
    """The call that answered an episode, or the calls that tried, by reading every call
    for every episode (as the engine first did)."""
    tried: list[Interaction] = []
    for call in calls:
        if call.ts < start:
            continue
        listed = call.attributes.get(SATISFIES)
        if (isinstance(listed, tuple) and key in listed) or (
            call.ts > start
            and (scope == "customer" or issue_id is None or call.issue_id == issue_id)
        ):
            outcome = call.outcome
            if outcome is None or outcome == REACHED or (voicemail and outcome == VOICEMAIL):
                return call
            tried.append(call)
    return tuple(tried)


def inside_scan(
    items: Sequence[Interaction], keep: Keep, now: float, within: Elapsed | Local, tz: dt.tzinfo
) -> Inside:
    """The interactions ``keep`` keeps inside the window that ends at ``now``, each with
    the instant it leaves, soonest first, by converting every one of ``items`` (as the
    counting conditions first did)."""
    kinds, direction, channels = keep
    found = [
        (
            item.ts + within.seconds
            if isinstance(within, Elapsed)
            else add_local_days(item.ts, within.days, tz),
            item,
        )
        for item in items
        if item.ts <= now
        and (kinds is None or item.kind in kinds)
        and (direction is None or item.direction is direction)
        and (channels is None or item.channel in channels)
    ]
    found = [(leave, item) for leave, item in found if leave > now]
    found.sort(key=operator.itemgetter(0))
    return found

"""Helpers the tests share for the engine's internals: reference searches the memoised
tables are checked against, and the calls of a decision without the rest of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from extramile import Call, Customer, FollowUpPolicy, Interaction, SuppressedCall
from extramile._engine import call_of, raw_calls_for
from extramile._engine.contact import window_table, windows_of
from extramile._time import DAY, CallingWindow, next_in_windows


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

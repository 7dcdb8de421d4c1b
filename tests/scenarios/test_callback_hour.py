"""The callback hour, as documented: "the hour after the customer's own inbound contact,
when a call back is not unsolicited and may ignore the calling window".

Placement answers from one allowed set, "(the calling window or the callback hour) and
staff hours".  A search that stepped through the constraints from a due time before the
customer's contact would step over the callback hour to the window's next opening; these
stories tell the two apart.

The customer lives in Sydney (AEDT, UTC+11, in November 2026); the calling window is
08:00-21:00 and staff are open around the clock.
"""

from __future__ import annotations

import datetime as dt

from extramile import Customer, Interaction, Placement, Schedule, place

SYDNEY = "Australia/Sydney"
CUSTOMER = Customer(id="c-1", timezone=SYDNEY)
OFFICE = Schedule.always_open(SYDNEY)


def local(text: str) -> dt.datetime:
    """A Sydney wall-clock time on Friday 20 November 2026, ``"22:10"``."""
    return dt.datetime.fromisoformat(f"2026-11-20T{text}+11:00")


def phoned(at: str) -> Interaction:
    """The customer's own call at ``at``."""
    return Interaction(id="i-1", customer_id="c-1", kind="call", at=local(at), channel="phone")


def placed(*, due: str, deadline: str, now: str, history: tuple[Interaction, ...]) -> Placement:
    """The call placed, its times read back in Sydney."""
    result = place(
        due=local(due),
        deadline=local(deadline),
        now=local(now),
        customer=CUSTOMER,
        history=history,
        schedule=OFFICE,
    )
    assert isinstance(result, Placement)
    return result


def clock(moment: dt.datetime) -> str:
    """``"Fri 22:10"`` in Sydney."""
    return moment.astimezone(dt.timezone(dt.timedelta(hours=11))).strftime("%a %H:%M")


class TestCallbackHour:
    """| due   | deadline | customer phoned | now   | goes      | by        |
    |-------|----------|-----------------|-------|-----------|-----------|
    | 21:30 | 21:45    | 22:00           | 22:10 | Fri 22:10 | Fri 22:15 |
    | 21:30 | 21:45    | (never)         | 22:10 | Sat 08:00 | Sat 08:15 |
    """

    def test_a_callback_hour_after_the_due_time_moves_the_deadline_to_it(self) -> None:
        """Due at 21:30, after the window closed; the customer phoned at 22:00.  From its
        due time alone the call could have gone at 22:00, when the callback hour opened:
        its deadline moves by 30 minutes, not by the 10 hours 30 minutes to the window's
        opening at 08:00 that a step-by-step search from the due time finds."""
        result = placed(due="21:30", deadline="21:45", now="22:10", history=(phoned("22:00"),))
        assert (clock(result.due_at), clock(result.deadline)) == ("Fri 22:10", "Fri 22:15")

    def test_without_a_callback_hour_the_window_opens_next_morning(self) -> None:
        """No contact of the customer's: the call waits for the window, and so does its
        deadline."""
        result = placed(due="21:30", deadline="21:45", now="22:10", history=())
        assert (clock(result.due_at), clock(result.deadline)) == ("Sat 08:00", "Sat 08:15")

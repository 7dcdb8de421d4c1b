"""``extramile._time.weekly``: calling windows by weekday, and the backward search of the
open-interval tables that pulls a deadline back (``OpenTable.last_end``)."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from extramile import (
    Customer,
    FollowUpPolicy,
    InvalidFactError,
    InvalidPolicyError,
    On,
    PolicyTypeError,
    Rule,
    Schedule,
    WeeklyWindow,
    Window,
)
from extramile._engine.contact import window_table
from extramile._rules import DUE, TRIGGER
from extramile._time import Elapsed, as_calling_window, zone

SUNDAYS_OFF = {"mon-sat": "09:00-19:00"}
BERLIN = zone("Europe/Berlin")


def ts(text: str) -> float:
    """POSIX seconds of ISO-8601 text with an offset."""
    return dt.datetime.fromisoformat(text).timestamp()


class TestWeeklyWindow:
    """A weekly window is plain data, read from the weekday mapping of Schedule.hours."""

    def test_repr_reads_back_and_pickles(self) -> None:
        """Its repr builds an equal window, and it pickles."""
        window = WeeklyWindow({"mon-fri": "09:00-12:00,13:00-17:00", "sat": "10:00-14:00"})
        assert window == eval(repr(window))  # the repr is the code that builds it
        assert window == pickle.loads(pickle.dumps(window))  # our own value

    def test_closed_days_and_str(self) -> None:
        """A day left out has no window; str() reads as the mapping."""
        window = WeeklyWindow(SUNDAYS_OFF)
        assert ((Window("09:00", "19:00"),), ()) == (
            window.windows_of(dt.date(2026, 3, 7)),
            window.windows_of(dt.date(2026, 3, 8)),
        )
        assert "mon-sat 09:00-19:00" == str(window)

    def test_every_day_the_same_is_a_daily_window(self) -> None:
        """The same single window every day is a Window wherever a calling window is read."""
        assert Window("09:00", "19:00") == as_calling_window({"mon-sun": "09:00-19:00"}, "x")
        assert WeeklyWindow({"mon-sun": "09:00-19:00"}).daily == Window("09:00", "19:00")

    @pytest.mark.parametrize(
        ("value", "error", "message"),
        [
            ({"funday": "09:00-17:00"}, InvalidPolicyError, r"Rule\.calling_window keys must be"),
            (
                {"mon": "09:00-12:00,11:00-13:00"},
                InvalidPolicyError,
                r"Rule\.calling_window for mon",
            ),
            ({"mon": None}, InvalidPolicyError, r"Rule\.calling_window has no opening at all"),
            (7, PolicyTypeError, r"Rule\.calling_window must be a Window"),
        ],
    )
    def test_a_rule_refuses_bad_windows_naming_the_field(
        self, value: object, error: type[Exception], message: str
    ) -> None:
        """Each refusal names Rule.calling_window and what was wrong."""
        with pytest.raises(error, match=message):
            Rule(
                name="r",
                trigger=On("x"),
                due=TRIGGER,
                deadline=DUE + Elapsed(hours=1),
                calling_window=value,  # type: ignore[arg-type]  # refused at run time
            )

    def test_policy_and_rule_take_a_mapping(self) -> None:
        """The policy and a rule keep a WeeklyWindow; text stays a daily Window."""
        rule = Rule(
            name="r",
            trigger=On("x"),
            deadline=DUE + Elapsed(hours=1),
            calling_window=SUNDAYS_OFF,
        )
        policy = FollowUpPolicy(
            name="p",
            rules=[rule],
            schedule=Schedule.always_open(),
            calling_window="10:00-18:00",
        )
        assert (WeeklyWindow(SUNDAYS_OFF), Window("10:00", "18:00")) == (
            rule.calling_window,
            policy.calling_window,
        )

    def test_customer_hours_round_trip(self) -> None:
        """A customer's weekday hours go out as their mapping and come back equal."""
        customer = Customer(id="c-1", calling_hours=SUNDAYS_OFF)
        assert {"mon-sat": "09:00-19:00"} == customer.to_mapping()["calling_hours"]
        assert customer == Customer.from_mapping(customer.to_mapping())

    def test_customer_bad_weekday_is_a_fact_error(self) -> None:
        """A customer's bad weekday is the host's facts' fault."""
        with pytest.raises(InvalidFactError, match=r"Customer\.calling_hours keys must be"):
            Customer(id="c-1", calling_hours={"funday": "09:00-17:00"})


class TestLastEnd:
    """OpenTable.last_end: the instant itself if open, else the end of the last run."""

    TABLE = window_table(WeeklyWindow(SUNDAYS_OFF), BERLIN)

    def test_open_instant_is_itself(self) -> None:
        """Monday 12:00 CET is open."""
        moment = ts("2026-03-09T12:00:00+01:00")
        assert moment == self.TABLE.last_end(moment, moment - 86_400)

    def test_after_the_close_it_is_the_close(self) -> None:
        """Monday 20:30 CET: the window closed at 19:00."""
        assert ts("2026-03-09T19:00:00+01:00") == self.TABLE.last_end(
            ts("2026-03-09T20:30:00+01:00"), 0
        )

    def test_across_sunday_and_the_clock_change(self) -> None:
        """Monday 30 March 08:00 CEST, after a closed Sunday on which the clocks went
        forward: Saturday's close, 19:00 CET."""
        assert ts("2026-03-28T19:00:00+01:00") == self.TABLE.last_end(
            ts("2026-03-30T08:00:00+02:00"), 0
        )

    def test_nothing_after_the_floor(self) -> None:
        """No run ends after the floor: None."""
        moment = ts("2026-03-30T08:00:00+02:00")
        assert self.TABLE.last_end(moment, ts("2026-03-28T19:00:00+01:00")) is None

"""Window: a daily span of local wall-clock time."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extramile import InvalidPolicyError, PolicyError, PolicyTypeError, Window
from extramile._time.window import Clock, format_clock, parse_clock


def raised(kind: type[Exception], call: Callable[[], object]) -> Exception:
    """The exception of ``kind`` that ``call`` raises."""
    with pytest.raises(kind) as info:
        call()
    return info.value


class TestParse:
    @pytest.mark.parametrize(
        ("text", "start", "end"),
        [
            ("09:00-17:30", 32_400, 63_000),
            ("00:00-24:00", 0, 86_400),
            (" 08:00 - 21:00 ", 28_800, 75_600),
            ("08:00:30-08:00:31", 28_830, 28_831),
            ("23:59:59-24:00:00", 86_399, 86_400),
        ],
    )
    def test_parse(self, text: str, start: int, end: int) -> None:
        """'HH:MM-HH:MM' (seconds optional) gives seconds since midnight."""
        window = Window.parse(text)

        assert (start, end) == (window.start, window.end)

    @pytest.mark.parametrize(
        ("window", "text"),
        [
            (Window("08:00", "21:00"), "08:00-21:00"),
            (Window(30_600, 86_400), "08:30-24:00"),
            (Window(1, 2), "00:00:01-00:00:02"),
        ],
    )
    def test_str_and_repr(self, window: Window, text: str) -> None:
        """str writes what parse reads; repr shows the bounds as clock times."""
        start, end = text.split("-")

        assert (text, f"Window({start!r}, {end!r})", window) == (
            str(window),
            repr(window),
            Window.parse(str(window)),
        )

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            ("09:00", "17:00"),
            (dt.time(9), dt.time(17)),
            (32_400, 61_200),
            ("09:00:00", dt.time(17, 0, 0)),
        ],
    )
    def test_bounds_in_any_form_are_equal(self, start: Clock, end: Clock) -> None:
        """Strings, times and seconds make equal windows that hash alike."""
        window = Window(start, end)

        assert (Window(32_400, 61_200), hash(Window(32_400, 61_200))) == (window, hash(window))

    def test_pickles(self) -> None:
        """A window pickles to an equal window."""
        window = Window("08:00", "21:00")

        assert window == pickle.loads(pickle.dumps(window))


class TestBounds:
    @pytest.mark.parametrize(
        ("seconds", "inside"),
        [(32_399, False), (32_400, True), (45_000.5, True), (61_199.999, True), (61_200, False)],
    )
    def test_start_included_end_excluded(self, seconds: float, inside: bool) -> None:
        """A window holds its start and not its end."""
        assert inside == Window("09:00", "17:00").contains(seconds)

    def test_a_window_to_midnight_holds_the_last_second(self) -> None:
        """'24:00' as an end includes 23:59:59.9."""
        window = Window("22:00", "24:00")

        assert (True, False) == (window.contains(86_399.9), window.contains(0))

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            (
                "17:00",
                "09:00",
                (
                    "Window.start must be before Window.end (got '17:00' to '09:00');"
                    " use two windows to span midnight"
                ),
            ),
            (
                "09:00",
                "09:00",
                (
                    "Window.start must be before Window.end (got '09:00' to '09:00');"
                    " use two windows to span midnight"
                ),
            ),
            (-1, 100, "Window bounds must lie within one day (got start=-1, end=100)"),
            (0, 86_401, "Window bounds must lie within one day (got start=0, end=86401)"),
            (86_400, 86_400, "Window bounds must lie within one day (got start=86400, end=86400)"),
        ],
    )
    def test_start_must_be_before_end_within_a_day(
        self, start: Clock, end: Clock, message: str
    ) -> None:
        """An empty, reversed or over-long window is refused with both bounds shown."""
        error = raised(InvalidPolicyError, lambda: Window(start, end))

        assert isinstance(error, ValueError)
        assert message == str(error)


class TestErrors:
    def test_24_00_only_ends_a_window(self) -> None:
        """'24:00' is the end of the day, never a start."""
        error = raised(InvalidPolicyError, lambda: Window.parse("24:00-24:00"))

        assert (
            "Window.start must be a clock time 'HH:MM' or 'HH:MM:SS' from '00:00' to '23:59:59'"
            " (got '24:00')"
        ) == str(error)

    @pytest.mark.parametrize(
        "text",
        [
            "9:00-17:00",
            "09:60-17:00",
            "09:00:60-17:00",
            "25:00-26:00",
            "ab:cd-17:00",
            "-09:00-17:00",
            "09:00 17:00",
            "0\u00b2:00-17:00",
            "\uff10\uff19:\uff10\uff10-17:00",
            "09:00:00:00-17:00",
            "09.00-17.00",
            "",
        ],
        ids=[
            "one-digit-hour",
            "minute-60",
            "second-60",
            "hour-25",
            "letters",
            "leading-dash",
            "no-dash",
            "superscript-digit",
            "fullwidth-digits",
            "four-parts",
            "dots",
            "empty",
        ],
    )
    def test_bad_strings(self, text: str) -> None:
        """Anything but ASCII 'HH:MM[:SS]-HH:MM[:SS]' is an InvalidPolicyError."""
        error = raised(InvalidPolicyError, lambda: Window.parse(text))

        assert isinstance(error, ValueError)
        assert str(error).startswith("Window")

    def test_a_bad_end_names_the_end(self) -> None:
        """The message says which bound is wrong and what it got."""
        error = raised(InvalidPolicyError, lambda: Window.parse("09:00-24:01"))

        assert (
            "Window.end must be a clock time 'HH:MM' or 'HH:MM:SS' from '00:00' to '24:00'"
            " (got '24:01')"
        ) == str(error)

    @pytest.mark.parametrize("bad", [None, 9.5, True, ["09:00"]])
    def test_wrong_types(self, bad: object) -> None:
        """A bound that is not a string, time or int is a PolicyTypeError."""
        error = raised(PolicyTypeError, lambda: Window(bad, "17:00"))  # type: ignore[arg-type]

        assert isinstance(error, TypeError)
        assert str(error).startswith("Window.start must be a clock time like '09:00'")

    def test_parse_needs_a_string(self) -> None:
        """parse takes text only."""
        error = raised(PolicyTypeError, lambda: Window.parse(9))  # type: ignore[arg-type]

        assert "Window must be written 'HH:MM-HH:MM' (got int 9)" == str(error)

    def test_a_time_with_a_zone_is_refused(self) -> None:
        """A window is local wall-clock time; a time with tzinfo is ambiguous."""
        error = raised(
            InvalidPolicyError, lambda: Window(dt.time(9, tzinfo=dt.timezone.utc), "17:00")
        )

        assert str(error).startswith("Window.start must be a local wall-clock time without tzinfo")

    def test_a_time_with_microseconds_is_refused(self) -> None:
        """Windows are whole seconds; a fraction would otherwise be dropped silently."""
        error = raised(InvalidPolicyError, lambda: Window(dt.time(9, 0, 0, 500_000), "17:00"))

        assert "Window.start must be whole seconds (got datetime.time(9, 0, 0, 500000))" == str(
            error
        )

    def test_errors_are_policy_errors(self) -> None:
        """A window is configuration: its errors are PolicyErrors."""
        assert issubclass(InvalidPolicyError, PolicyError)


class TestClock:
    @given(st.integers(0, 86_399))
    def test_format_then_parse(self, seconds: int) -> None:
        """format_clock writes what parse_clock reads back."""
        assert seconds == parse_clock(format_clock(seconds), where="t")

    @given(st.times())
    def test_times_and_text_agree(self, moment: dt.time) -> None:
        """A whole-second time and its 'HH:MM:SS' text give the same seconds."""
        moment = moment.replace(microsecond=0)

        assert parse_clock(moment.strftime("%H:%M:%S"), where="t") == parse_clock(moment, where="t")

    def test_24_00_needs_permission(self) -> None:
        """Only an end may be '24:00'."""
        assert 86_400 == parse_clock("24:00", where="t", allow_24=True)
        with pytest.raises(InvalidPolicyError):
            parse_clock("24:00", where="t")

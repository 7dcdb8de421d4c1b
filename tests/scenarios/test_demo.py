"""The demo re-enacts the product's scenarios S1-S6 over the sample book."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from typing import Any

import pytest

from extramile._sample import SAMPLE_HOLIDAYS, sample_book, sample_policy
from extramile.cli import main
from extramile.reports import calls_made, last_week


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    """The demo's JSON output at the sample ``now``."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert 0 == main(["demo", "--format", "json"])
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def _call(demo: dict[str, Any], customer: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        c for c in demo["agenda"]["calls"] if c["customer_id"] == customer
    ]
    assert 1 == len(found), customer
    return found[0]


class TestAgenda:
    def test_s4_duplicate_charge_first(self, demo: dict[str, Any]) -> None:
        """S4: the duplicate charge is called now, within 15 minutes of the charge."""
        first = demo["agenda"]["calls"][0]
        assert ("c-03", "urgent", True) == (
            first["customer_id"],
            first["priority"],
            first["essential"],
        )
        assert "2026-09-05T15:35:00+01:00" == first["deadline"]

    def test_s1_loyal_rescue_now_other_waits_past_holiday(self, demo: dict[str, Any]) -> None:
        """S1: the platinum customer is called now; the basic one on Tuesday after Labor Day."""
        rescue = _call(demo, "c-01")
        assert (["loyal-rescue"], True) == (rescue["rules"], rescue["extra_mile"])
        assert "2026-09-05T09:30:00-05:00" == rescue["due_at_team"]
        other = _call(demo, "c-02")
        assert (["critical-callback"], False) == (other["rules"], other["extra_mile"])
        assert "2026-09-08T09:00:00-05:00" == other["due_at_team"]

    def test_s3_price_heads_up_before_the_bill(self, demo: dict[str, Any]) -> None:
        """S3: the 12% increase is called about before its bill date; the 6% one is not."""
        heads_up = _call(demo, "c-04")
        assert ["price-heads-up"] == heads_up["rules"]
        assert heads_up["due_at"] < "2026-09-16"
        assert "c-05" not in {c["customer_id"] for c in demo["agenda"]["calls"]}
        assert "increase_pct was 6" in demo["explanations"]["c-05"]

    def test_s5_check_in_on_the_holiday_weekend_for_the_loyal(self, demo: dict[str, Any]) -> None:
        """S5: the gold customer's check-in is on Saturday; the other's waits for Tuesday."""
        loyal = _call(demo, "c-06")
        assert ("2026-09-05T10:00:00-06:00", True) == (loyal["due_at"], loyal["extra_mile"])
        other = _call(demo, "c-07")
        assert "2026-09-08T09:00:00-05:00" == other["due_at"]
        assert any("Labor Day" in move for move in other["moved_by"])

    def test_s2_thanks_anniversary_and_awareness(self, demo: dict[str, Any]) -> None:
        """S2: thanks for feedback, an anniversary, and programmes mentioned on calls."""
        thanks = _call(demo, "c-08")
        assert ["thanks-for-feedback"] == thanks["rules"]
        assert any("autopay" in point for point in thanks["talking_points"])
        assert ["loyalty-anniversary"] == _call(demo, "c-09")["rules"]

    def test_do_not_call_and_unknown_timezone(self, demo: dict[str, Any]) -> None:
        """Do-not-call is suppressed; an unknown timezone waits for every served zone."""
        assert {"do-not-call": 1} == demo["agenda"]["suppressed"]
        unknown = _call(demo, "c-11")
        assert not unknown["customer_timezone_known"]
        assert "2026-09-08T15:00:00+00:00" == unknown["due_at"]  # 08:00 in Los Angeles


class TestReport:
    def test_s6_extra_mile_calls_per_agent(self, demo: dict[str, Any]) -> None:
        """S6: last week's extra-mile calls per agent, with on-time counts."""
        rows = {row["name"]: row for row in demo["report"]["by_agent"]}
        assert (2, 1) == (rows["ben"]["extra_mile"], rows["ben"]["extra_mile_on_time"])
        assert (1, 1) == (rows["ana"]["extra_mile"], rows["ana"]["extra_mile_on_time"])
        assert (0, 1, 0) == (
            rows["dev"]["extra_mile"],
            rows["dev"]["calls"],
            rows["dev"]["on_time"],
        )

    def test_s6_per_rule(self, demo: dict[str, Any]) -> None:
        """Per rule: the duplicate-charge callbacks were half on time."""
        rows = {row["name"]: row for row in demo["report"]["by_rule"]}
        assert 0.5 == rows["duplicate-charge-callback"]["extra_mile_on_time_rate"]
        assert 1.0 == rows["loyal-rescue"]["on_time_rate"]

    def test_holidays_package_and_builtin_list_agree(self) -> None:
        """The demo gives the same agenda with or without the holidays package."""
        holidays = pytest.importorskip("holidays")
        now = dt.datetime(2026, 9, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
        start, end = last_week(now, "America/Chicago")
        answers = []
        for source in (SAMPLE_HOLIDAYS, holidays.country_holidays("US")):
            report = calls_made(sample_policy(source), sample_book(), start=start, end=end)
            answers.append(report.to_mapping())
        assert answers[0] == answers[1]


class TestDemoText:
    def test_sections(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The table demo prints the agenda, three explanations and the report."""
        assert 0 == main(["demo"])
        out = capsys.readouterr().out
        for part in (
            "due (customer)",
            "due (team)",
            "c-03 Priya Natarajan",
            "== c-01 Rosa Delgado",
            "== c-05 Hana Kobayashi",
            "== c-07 Grace Okafor",
            "Suppressed (not on the agenda): do-not-call 1",
            "Extra-mile calls made Mon 24 Aug to Sun 30 Aug 2026 (America/Chicago): 3, 67% on time",
        ):
            assert part in out

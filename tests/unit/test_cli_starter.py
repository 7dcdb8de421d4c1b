"""``extramile plan --timezone`` and ``--holidays``: the starter policy's staff hours."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

from extramile.cli import main
from extramile.cli.starter import INSTALL_HOLIDAYS, parse_holidays, parse_timezone, starter_from

SUNDAY_FEEDBACK = "2026-09-06T12:00:00-05:00"
"""Sunday before Labor Day (Monday 7 September 2026, a US federal holiday)."""
LABOR_DAY_MORNING = "2026-09-07T08:00:00-05:00"


def _files(tmp_path: Path, at: str, zone: str = "America/Chicago") -> list[str]:
    """A customer in ``zone`` who gave feedback at ``at`` (the starter policy thanks them,
    in staff hours), as the ``--customers`` and ``--interactions`` arguments."""
    customers = tmp_path / "customers.jsonl"
    customers.write_text(json.dumps({"id": "c-1", "timezone": zone}) + "\n", encoding="utf-8")
    feedback = {"id": "i-1", "customer_id": "c-1", "kind": "feedback", "at": at}
    interactions = tmp_path / "interactions.jsonl"
    interactions.write_text(json.dumps(feedback) + "\n", encoding="utf-8")
    return ["--customers", str(customers), "--interactions", str(interactions)]


def _due(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[str]:
    """The due times ``extramile plan ... --format csv`` lists."""
    assert 0 == main(["plan", *argv, "--format", "csv"])
    captured = capsys.readouterr()
    assert "" == captured.err
    return [row["due_at"] for row in csv.DictReader(io.StringIO(captured.out))]


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], *expected: str) -> None:
    assert 2 == main(["plan", *argv])
    captured = capsys.readouterr()
    assert "" == captured.out
    for part in expected:
        assert part in captured.err


class TestTimezone:
    def test_staff_hours_move_with_the_timezone(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The thanks for Sunday's feedback: at 08:00 Chicago time with the default staff
        in UTC (09:00-17:00 UTC is open then), at 09:00 with the staff in Chicago."""
        files = [*_files(tmp_path, SUNDAY_FEEDBACK), "--now", LABOR_DAY_MORNING]
        utc = _due(capsys, files)
        chicago = _due(capsys, [*files, "--timezone", "America/Chicago"])
        assert (["2026-09-07T08:00:00-05:00"], ["2026-09-07T09:00:00-05:00"]) == (utc, chicago)

    def test_json_names_the_team_timezone(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The JSON output's team timezone is the one given."""
        files = [*_files(tmp_path, SUNDAY_FEEDBACK), "--now", LABOR_DAY_MORNING]
        assert 0 == main(["plan", *files, "--timezone", "Europe/Berlin", "--format", "json"])
        assert "Europe/Berlin" == json.loads(capsys.readouterr().out)["team_timezone"]

    def test_unknown_timezone(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A name the zone database does not know is a usage error naming it."""
        _fails(capsys, [*_files(tmp_path, SUNDAY_FEEDBACK), "--timezone", "Mars/Base"], "Mars/Base")

    @pytest.mark.parametrize("name", ["Mars/Base", "", "america/chicago", "CST"])
    def test_parse_refuses(self, name: str) -> None:
        """Not an IANA name the zone database holds, as written: refused."""
        with pytest.raises(argparse.ArgumentTypeError, match=f"unknown timezone {name!r}"):
            parse_timezone(name)


class TestHolidays:
    def test_a_country_holiday_closes_the_staff(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """With US holidays, Labor Day is closed: the thanks wait until Tuesday."""
        files = [*_files(tmp_path, SUNDAY_FEEDBACK), "--now", LABOR_DAY_MORNING]
        due = _due(capsys, [*files, "--timezone", "America/Chicago", "--holidays", "US"])
        assert ["2026-09-08T09:00:00-05:00"] == due

    def test_a_subdivision_holiday(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Cesar Chavez Day (31 March) is a holiday in California, not in the whole US: in
        2027, a year nothing else loaded, feedback on the evening before is thanked on the
        31st with US holidays, on 1 April with California's."""
        files = [
            *_files(tmp_path, "2027-03-30T18:00:00-07:00", zone="America/Los_Angeles"),
            "--now",
            "2027-03-30T18:00:00-07:00",
            "--timezone",
            "America/Los_Angeles",
        ]
        country = _due(capsys, [*files, "--holidays", "US"])
        state = _due(capsys, [*files, "--holidays", "us-ca"])
        assert (["2027-03-31T09:00:00-07:00"], ["2027-04-01T09:00:00-07:00"]) == (country, state)

    def test_any_year(self) -> None:
        """The calendar is made without years and answers for any year it is asked about."""
        calendar = parse_holidays("US")
        days = [dt.date(1990, 12, 25), dt.date(2026, 9, 7), dt.date(2099, 7, 4)]
        assert [True, True, True, False] == [
            *(day in calendar for day in days),
            dt.date(2099, 7, 6) in calendar,
        ]

    @pytest.mark.parametrize(
        ("code", "named"),
        [
            ("XX", "unknown country 'XX'"),
            ("", "unknown country ''"),
            ("US-ZZ", "unknown subdivision 'ZZ' of US"),
            ("US-", "no subdivision after the dash in 'US-'"),
            ("DE-CA", "unknown subdivision 'CA' of DE"),
        ],
    )
    def test_unknown_codes(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], code: str, named: str
    ) -> None:
        """An unknown country or subdivision is a usage error naming it; an unknown
        subdivision's message lists the country's."""
        _fails(capsys, [*_files(tmp_path, SUNDAY_FEEDBACK), "--holidays", code], named)

    def test_unknown_subdivision_lists_the_known(self) -> None:
        """The message lists the country's subdivisions."""
        with pytest.raises(argparse.ArgumentTypeError, match=r"its subdivisions: .*CA, CO"):
            parse_holidays("US-XX")

    def test_without_the_package(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without the holidays package, --holidays is a usage error saying what to install;
        the command runs without it."""
        monkeypatch.setitem(sys.modules, "holidays", None)  # import holidays fails
        files = [*_files(tmp_path, SUNDAY_FEEDBACK), "--now", LABOR_DAY_MORNING]
        _fails(capsys, [*files, "--holidays", "US"], INSTALL_HOLIDAYS, "'US'")
        assert ["2026-09-07T08:00:00-05:00"] == _due(capsys, files)


class TestWithPolicy:
    @pytest.mark.parametrize(
        ("options", "named"),
        [
            (["--timezone", "America/Chicago"], "--timezone"),
            (["--holidays", "US"], "--holidays"),
            (["--holidays", "US", "--timezone", "UTC"], "--timezone"),
        ],
    )
    def test_refused_with_a_policy(
        self,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        options: list[str],
        named: str,
    ) -> None:
        """They set the starter policy's hours: with --policy, a usage error naming the
        option and saying where the hours belong."""
        files = _files(tmp_path, SUNDAY_FEEDBACK)
        policy = ["--policy", "extramile._sample:sample_policy"]
        _fails(capsys, [*files, *policy, *options], named, "--policy brings its own schedule")


class TestStarterFrom:
    def test_defaults(self) -> None:
        """No timezone and no holidays: the starter policy as it is."""
        from extramile import starter_policy  # noqa: PLC0415  # beside what it is compared to

        assert starter_policy() == starter_from(None, None)

    def test_timezone_and_holidays(self) -> None:
        """The staff timezone and holiday calendar are the ones given."""
        calendar = parse_holidays("US")
        policy = starter_from("America/Chicago", calendar)
        assert ("America/Chicago", "Labor Day") == (
            policy.schedule.timezone,
            policy.schedule.holiday_name(dt.date(2026, 9, 7)),
        )


class TestOtherCommands:
    """``policy describe`` and ``report`` make the starter policy as ``plan`` does."""

    def test_describe_names_the_staff_timezone_and_holidays(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        argv = ["policy", "describe", "--format", "json"]
        assert 0 == main([*argv, "--timezone", "America/Chicago", "--holidays", "US-CA"])
        staff = json.loads(capsys.readouterr().out)["staff"]
        assert "America/Chicago" == staff["timezone"]
        assert staff["holidays"] is not None
        assert "US" in json.dumps(staff["holidays"])
        assert 0 == main(argv)
        staff = json.loads(capsys.readouterr().out)["staff"]
        assert ("UTC", None) == (staff["timezone"], staff["holidays"])

    @pytest.mark.parametrize("option", [["--timezone", "Europe/Paris"], ["--holidays", "US"]])
    def test_describe_refuses_them_with_a_policy(
        self, option: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        argv = ["policy", "describe", "--policy", "extramile._sample:sample_policy", *option]
        assert 2 == main(argv)
        captured = capsys.readouterr()
        assert "" == captured.out
        assert f"{option[0]} sets the starter policy's staff hours" in captured.err

    def test_report_measures_against_staff_in_its_timezone(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without --policy, the report's --timezone is also where the starter policy's
        staff work: its JSON names the policy's staff timezone through the week's."""
        files = _files(tmp_path, SUNDAY_FEEDBACK)
        argv = ["report", *files, "--now", "2026-09-15T08:00:00-05:00", "--format", "json"]
        assert 0 == main([*argv, "--timezone", "America/Chicago", "--holidays", "US"])
        assert "America/Chicago" == json.loads(capsys.readouterr().out)["timezone"]
        assert 0 == main(argv)
        assert "UTC" == json.loads(capsys.readouterr().out)["timezone"]

    def test_report_keeps_its_timezone_with_a_policy_but_not_holidays(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        files = _files(tmp_path, SUNDAY_FEEDBACK)
        argv = ["report", *files, "--policy", "extramile._sample:sample_policy"]
        argv += ["--now", "2026-09-15T08:00:00-05:00", "--format", "json"]
        assert 0 == main([*argv, "--timezone", "Europe/Paris"])
        assert "Europe/Paris" == json.loads(capsys.readouterr().out)["timezone"]
        assert 2 == main([*argv, "--holidays", "US"])
        assert "--holidays sets the starter policy's staff hours" in capsys.readouterr().err

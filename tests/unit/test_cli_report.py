"""``extramile report`` and ``extramile plan --format html``: each format, the period
options, and every input error exiting 2 with the file and line."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from extramile._sample import CUSTOMERS, INTERACTIONS
from extramile.cli import main
from extramile.cli import report as report_command
from extramile.cli.rendering import REPORT_CSV_COLUMNS, csv_report, period_words
from extramile.cli.report import parse_moment
from extramile.cli.starter import parse_timezone
from extramile.errors import InvalidFactError
from extramile.reports import CallReport
from page_helpers import (
    HOSTILE_AGENT,
    NOW,
    expected_cells,
    rows,
    sample_report,
    sample_with_unplanned,
    with_attribute,
)

SAMPLE = "extramile._sample:sample_policy"
TZ = "America/Chicago"


def _write(path: Path, rows: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def book(tmp_path: Path) -> tuple[Path, Path]:
    """The sample book as JSON-lines files, with one unplanned call in c-12's history."""
    interactions = [
        *(dict(row) for row in INTERACTIONS),
        *(
            item.to_mapping()
            for customer, history in sample_with_unplanned()
            if customer.id == "c-12"
            for item in history
            if item.id == "i-9001"
        ),
    ]
    return (
        _write(tmp_path / "customers.jsonl", CUSTOMERS),
        _write(tmp_path / "interactions.jsonl", interactions),
    )


@pytest.fixture(scope="module")
def expected() -> CallReport:
    """The report the command must show: ``calls_made`` over the same book."""
    return sample_report()[1]


def _report(customers: Path, interactions: Path, *extra: str) -> list[str]:
    return [
        "report",
        "--customers",
        str(customers),
        "--interactions",
        str(interactions),
        "--policy",
        SAMPLE,
        "--now",
        NOW.isoformat(),
        *extra,
    ]


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert 2 == main(argv)
    captured = capsys.readouterr()
    assert "" == captured.out
    assert message in captured.err, captured.err


class TestReportFormats:
    def test_table(self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
        """The table names the policy, the week and the totals, then agents and rules."""
        assert 0 == main(_report(*book, "--last-week", "--timezone", TZ))
        lines = capsys.readouterr().out.splitlines()
        assert [
            "Policy: starter (sample team)",
            (
                "Extra-mile calls made Mon 24 Aug to Sun 30 Aug 2026 (America/Chicago): 3,"
                " 67% on time; all proactive calls: 5, 60% on time"
            ),
            "Outbound calls that served no rule: 1",
            "Calls made outside the calling window: 1",
        ] == lines[:4]
        assert any(line.split()[:3] == ["ben", "2", "50%"] for line in lines)

    def test_last_week_is_the_default_in_the_policys_zone(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without a period, last week; without --timezone, the policy's staff zone."""
        assert 0 == main(_report(*book, "--format", "json"))
        out = json.loads(capsys.readouterr().out)
        assert (
            "America/Chicago",
            "2026-08-24T05:00:00+00:00",
            "2026-08-31T05:00:00+00:00",
        ) == (out["timezone"], out["start"], out["end"])

    def test_json_is_the_reports_mapping(
        self,
        book: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str],
        expected: CallReport,
    ) -> None:
        """JSON is ``CallReport.to_mapping()`` with the policy and the timezone."""
        assert 0 == main(_report(*book, "--timezone", TZ, "--format", "json"))
        out = json.loads(capsys.readouterr().out)
        assert {
            "policy": "starter (sample team)",
            "timezone": TZ,
            **json.loads(json.dumps(expected.to_mapping())),
        } == out

    def test_csv_tallies(
        self,
        book: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str],
        expected: CallReport,
    ) -> None:
        """CSV has a row for the total, each agent and each rule."""
        assert 0 == main(_report(*book, "--timezone", TZ, "--format", "csv"))
        out = capsys.readouterr().out
        assert csv_report(expected) == out
        table = list(csv.DictReader(io.StringIO(out)))
        assert list(REPORT_CSV_COLUMNS) == list(table[0])
        assert [
            ("total", "all"),
            ("agent", "ben"),
            ("agent", "ana"),
            ("agent", "dev"),
            ("agent", HOSTILE_AGENT),
            ("rule", "critical-callback"),
            ("rule", "duplicate-charge-callback"),
            ("rule", "loyal-rescue"),
            ("rule", "thanks-for-feedback"),
        ] == [(row["group"], row["name"]) for row in table]
        assert {"calls": "5", "on_time": "3", "on_time_rate": "0.6", "unplanned": "1"} == {
            key: table[0][key] for key in ("calls", "on_time", "on_time_rate", "unplanned")
        }
        # dev made no extra-mile call: nothing to rate.
        assert "" == table[3]["extra_mile_on_time_rate"]

    def test_html(
        self,
        book: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str],
        expected: CallReport,
    ) -> None:
        """The page shows the same numbers as the report."""
        assert 0 == main(_report(*book, "--timezone", TZ, "--format", "html"))
        page = capsys.readouterr().out
        assert page.startswith("<!DOCTYPE html>")
        shown = rows(page, "agent")
        assert {row.name: expected_cells(row, unplanned=True) for row in expected.by_agent()} == {
            name: cells for name, (_, cells) in shown.items()
        }


class TestPeriod:
    def test_since_a_date_until_now(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``--since`` a date is midnight in --timezone; the period ends at --now."""
        assert 0 == main(_report(*book, "--since", "2026-08-26", "--format", "json"))
        out = json.loads(capsys.readouterr().out)
        assert ("2026-08-26T05:00:00+00:00", "2026-09-05T14:30:00+00:00") == (
            out["start"],
            out["end"],
        )
        # Dev's call of Monday 24 August and Ana's of Tuesday 25 are left out.
        assert {"ben": 2, "ana": 1, HOSTILE_AGENT: 0} == {
            row["name"]: row["calls"] for row in out["by_agent"]
        }

    def test_since_and_until_timestamps(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Timestamps are taken as they are; the table says the period's times."""
        argv = _report(
            *book, "--since", "2026-08-26T12:00Z", "--until", "2026-08-28", "--timezone", TZ
        )
        assert 0 == main(argv)
        first = capsys.readouterr().out.splitlines()[1]
        assert first.startswith(
            "Extra-mile calls made Wed 26 Aug 07:00 to Fri 28 Aug 2026 00:00 (America/Chicago)"
        )

    def test_until_needs_since(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``--until`` alone is refused."""
        _fails(capsys, _report(*book, "--until", "2026-08-28"), "--until needs --since")

    def test_last_week_or_since(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``--last-week`` and ``--since`` cannot be given together."""
        _fails(
            capsys,
            _report(*book, "--last-week", "--since", "2026-08-28"),
            "argument --since: not allowed with argument --last-week",
        )

    def test_end_before_start(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A period that ends before it starts is refused, naming both ends."""
        _fails(
            capsys,
            _report(*book, "--since", "2026-08-28", "--until", "2026-08-27", "--timezone", TZ),
            "extramile report: error: the period ends before it starts (--since"
            " 2026-08-28T00:00:00-05:00, --until 2026-08-27T00:00:00-05:00)",
        )

    def test_since_after_now(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without --until the period ends at --now, and says so when that is too early."""
        _fails(capsys, _report(*book, "--since", "2026-09-07"), "--now 2026-09-05T09:30:00-05:00")

    def test_the_clock_when_no_now(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without --now the period is last week before the clock's present."""
        customers, interactions = book
        argv = ["report", "--customers", str(customers), "--interactions", str(interactions)]
        before = dt.datetime.now(dt.timezone.utc)
        assert 0 == main([*argv, "--format", "json"])
        after = dt.datetime.now(dt.timezone.utc)
        out = json.loads(capsys.readouterr().out)
        end = dt.datetime.fromisoformat(out["end"])
        # The starter policy's staff work in UTC: last week ends at this week's Monday.
        assert end.weekday() == 0
        assert before - dt.timedelta(days=7) < end <= after


class TestReportErrors:
    def test_unknown_timezone(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An unknown --timezone is a usage error."""
        _fails(
            capsys,
            _report(*book, "--timezone", "Mars/Olympus"),
            "argument --timezone: unknown timezone 'Mars/Olympus': expected an IANA name"
            " such as America/Chicago",
        )

    def test_bad_since(self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
        """A --since that is neither a date nor a timestamp with an offset is refused."""
        _fails(
            capsys,
            _report(*book, "--since", "2026-02-30"),
            "argument --since: expected a date such as 2026-08-24 or a timestamp",
        )
        _fails(capsys, _report(*book, "--since", "2026-08-24T09:00"), "(got '2026-08-24T09:00')")

    def test_bad_interaction_line(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A naive timestamp in the interactions file names its file and line."""
        customers, interactions = book
        text = interactions.read_text(encoding="utf-8").splitlines()
        text[2] = text[2].replace("-05:00", "")
        interactions.write_text("\n".join(text) + "\n", encoding="utf-8")
        _fails(capsys, _report(customers, interactions), f"{interactions}:3: Interaction.at")

    def test_customer_listed_twice(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A customer listed twice names the customers file and both lines."""
        customers, interactions = book
        _write(customers, [*CUSTOMERS, CUSTOMERS[0]])
        _fails(
            capsys,
            _report(customers, interactions),
            f"{customers}:{len(CUSTOMERS) + 1}: customer 'c-01' appears twice (first on line 1)",
        )

    def test_missing_file(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A customers file that is not there is named."""
        missing = tmp_path / "missing.jsonl"
        _fails(capsys, _report(missing, book[1]), f"{missing}: cannot open")

    def test_an_error_while_reading_names_the_customers_line(
        self,
        book: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """An error the report raises about a customer names the customers file and the
        line it was read from (here, one raised after the second customer)."""

        def failing(policy: object, book: Iterable[object], **period: object) -> CallReport:
            items = iter(book)
            next(items)
            next(items)
            raise InvalidFactError("book item 1 (customer 'c-02'): something is wrong")

        monkeypatch.setattr(report_command, "calls_made", failing)
        customers, interactions = book
        _fails(
            capsys,
            _report(customers, interactions),
            f"extramile report: error: {customers}:2: book item 1 (customer 'c-02'):"
            " something is wrong",
        )

    def test_bad_policy(self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
        """A policy path that does not import is refused, naming it."""
        argv = _report(*book)
        argv[argv.index(SAMPLE)] = "nowhere_at_all:policy"
        _fails(capsys, argv, "--policy 'nowhere_at_all:policy': cannot import")

    def test_empty_book_is_noted(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """No customer: an empty report, and a note on standard error."""
        customers = _write(tmp_path / "c.jsonl", [])
        interactions = _write(tmp_path / "i.jsonl", [])
        assert 0 == main(_report(customers, interactions, "--format", "json"))
        captured = capsys.readouterr()
        assert [] == json.loads(captured.out)["calls"]
        assert f"extramile report: note: {customers} holds no customers" in captured.err


class TestPlanHtml:
    def test_agenda_page(self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
        """``plan --format html`` lays the agenda out by day, with --explain's decision."""
        customers, interactions = book
        base = ["plan", "--customers", str(customers), "--interactions", str(interactions)]
        base += ["--policy", SAMPLE, "--now", NOW.isoformat()]
        assert 0 == main([*base, "--format", "json"])
        calls = json.loads(capsys.readouterr().out)["calls"]
        assert 0 == main([*base, "--format", "html", "--explain", "c-05"])
        page = capsys.readouterr().out
        keys = [e.attrs["data-key"] for e in with_attribute(page, "data-key")]
        assert sorted(call["key"] for call in calls) == sorted(keys)
        days = {
            e.attrs["data-day"]: int(e.attrs["data-calls"])
            for e in with_attribute(page, "data-day")
            if e.tag == "section"
        }
        assert {"2026-09-05": 3, "2026-09-08": 5, "2026-09-09": 1} == days
        assert "Decision for customer c-05" in page
        assert "tz unknown" not in page
        assert "the customer&#x27;s timezone is unknown" in page  # c-11

    def test_explain_with_csv_is_refused(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--explain still needs a format that can show it."""
        customers, interactions = book
        argv = ["plan", "--customers", str(customers), "--interactions", str(interactions)]
        _fails(
            capsys,
            [*argv, "--format", "csv", "--explain", "c-05"],
            "--explain needs --format table, json or html",
        )


class TestParsers:
    def test_timezone(self) -> None:
        """A known zone is taken, stripped; anything else is refused."""
        assert "Europe/Paris" == parse_timezone(" Europe/Paris ")
        with pytest.raises(argparse.ArgumentTypeError, match="unknown timezone 'localtime'"):
            parse_timezone("localtime")

    def test_moment(self) -> None:
        """A date stays a date; a timestamp needs its offset."""
        assert dt.date(2026, 8, 24) == parse_moment("2026-08-24")
        assert dt.datetime(2026, 8, 24, 9, tzinfo=dt.timezone.utc) == parse_moment(
            "2026-08-24T09:00Z"
        )
        with pytest.raises(argparse.ArgumentTypeError):
            parse_moment("last monday")

    def test_period_words_across_years(self) -> None:
        """A period over new year names the year of each end; an empty one its times."""
        at = dt.datetime.fromisoformat
        assert "Mon 28 Dec 2026 to Sun 3 Jan 2027" == period_words(
            at("2026-12-28T00:00-06:00"), at("2027-01-04T00:00-06:00"), TZ
        )
        assert "Thu 31 Dec 2026 12:00 to Fri 1 Jan 2027 00:00" == period_words(
            at("2026-12-31T12:00-06:00"), at("2027-01-01T00:00-06:00"), TZ
        )
        assert "Mon 28 Dec 00:00 to Mon 28 Dec 2026 00:00" == period_words(
            at("2026-12-28T00:00-06:00"), at("2026-12-28T00:00-06:00"), TZ
        )

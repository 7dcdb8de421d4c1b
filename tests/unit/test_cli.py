"""The command line: good runs in each format, and every input error exits 2 cleanly."""

from __future__ import annotations

import csv
import importlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tzdata

import extramile
from extramile._sample import CUSTOMERS, INTERACTIONS
from extramile.cli import main

NOW = "2026-09-05T09:30:00-05:00"


def _write(path: Path, rows: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def book(tmp_path: Path) -> tuple[Path, Path]:
    """The sample book as JSON-lines files."""
    return (
        _write(tmp_path / "customers.jsonl", CUSTOMERS),
        _write(tmp_path / "interactions.jsonl", INTERACTIONS),
    )


def _plan(customers: Path, interactions: Path, *extra: str) -> list[str]:
    return [
        "plan",
        "--customers",
        str(customers),
        "--interactions",
        str(interactions),
        "--now",
        NOW,
        *extra,
    ]


class TestVersion:
    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``extramile --version`` prints the library's version and its zone database's,
        and stops with status 0."""
        status = main(["--version"])
        assert (
            0,
            f"extramile {extramile.__version__} (zone database: tzdata {tzdata.IANA_VERSION})\n",
        ) == (
            status,
            capsys.readouterr().out,
        )


class TestPlanFormats:
    def test_json(self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
        """JSON lists the calls in agenda order, due times in both timezones."""
        assert 0 == main(_plan(*book, "--format", "json"))
        out = json.loads(capsys.readouterr().out)
        first = out["calls"][0]
        assert ("c-03", ["duplicate-charge-callback"]) == (first["customer_id"], first["rules"])
        assert "2026-09-05T15:30:00+01:00" == first["due_at"]
        assert "2026-09-05T14:30:00+00:00" == first["due_at_team"]
        # The default starter policy serves no timezone: c-11's unknown zone fails closed.
        assert {"do-not-call": 1, "unknown-timezone": 1} == out["suppressed"]
        assert "c-10" not in {call["customer_id"] for call in out["calls"]}
        assert extramile.tz_version() == out["tz_version"]

    def test_csv(self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
        """CSV has a header and one row a call; list columns are joined."""
        assert 0 == main(_plan(*book, "--format", "csv", "--horizon", "1d"))
        rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
        assert ["c-03", "c-01", "c-06"] == [row["customer_id"] for row in rows]
        assert "urgent" == rows[0]["priority"]

    def test_table_with_explanation(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The table shows each call with its talking points; --explain adds the decision."""
        assert 0 == main(_plan(*book, "--explain", "c-05"))
        out = capsys.readouterr().out
        assert "duplicate-charge-callback" in out
        assert "- say: Apologise for the duplicate charge" in out
        assert "Decision for customer c-05" in out
        assert "increase_pct was 6" in out

    def test_horizon_limits_the_agenda(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A 1-hour horizon keeps only the calls due now."""
        assert 0 == main(_plan(*book, "--format", "json", "--horizon", "1h"))
        out = json.loads(capsys.readouterr().out)
        assert ["c-03", "c-01"] == [call["customer_id"] for call in out["calls"]]

    def test_interactions_from_stdin(
        self,
        book: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """``--interactions -`` reads standard input."""
        customers, interactions = book
        monkeypatch.setattr(sys, "stdin", io.StringIO(interactions.read_text(encoding="utf-8")))
        args = ["plan", "--customers", str(customers), "--interactions", "-", "--now", NOW]
        assert 0 == main([*args, "--format", "json"])
        assert 8 == len(json.loads(capsys.readouterr().out)["calls"])

    def test_bytes_on_stdin_are_read_as_utf8_with_or_without_a_mark(
        self,
        book: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Standard input is read as UTF-8 whatever the terminal says, a byte order mark
        allowed, as files are."""
        customers, interactions = book
        marked = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf" + interactions.read_bytes()))
        monkeypatch.setattr(sys, "stdin", marked)
        args = ["plan", "--customers", str(customers), "--interactions", "-", "--now", NOW]
        assert 0 == main([*args, "--format", "json"])
        assert 8 == len(json.loads(capsys.readouterr().out)["calls"])

    def test_policy_from_a_module(
        self,
        book: tuple[Path, Path],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """``--policy module:function`` calls the function for the policy."""
        (tmp_path / "my_team_policy.py").write_text(
            "from extramile import starter_policy\n"
            "def policy():\n"
            "    return starter_policy(company_timezone='America/Chicago', name='mine')\n",
            encoding="utf-8",
        )
        monkeypatch.syspath_prepend(str(tmp_path))
        assert 0 == main(_plan(*book, "--policy", "my_team_policy:policy", "--format", "json"))
        out = json.loads(capsys.readouterr().out)
        assert ("mine", "America/Chicago") == (out["policy"], out["team_timezone"])


@pytest.fixture
def queued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ``--policy`` path: the starter policy, its duplicate-charge callbacks for the
    billing queue."""
    (tmp_path / "queued_team_policy.py").write_text(
        "import attrs\n"
        "from extramile import FollowUpPolicy, Rule, starter_policy\n"
        "def policy() -> FollowUpPolicy:\n"
        "    base = starter_policy()\n"
        "    rules = [\n"
        "        attrs.evolve(rule, queue='billing')\n"
        "        if isinstance(rule, Rule) and rule.name == 'duplicate-charge-callback'\n"
        "        else rule\n"
        "        for rule in base.rules\n"
        "    ]\n"
        "    return attrs.evolve(base, rules=rules)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return "queued_team_policy:policy"


class TestQueueOutput:
    """Every format says who should make each call."""

    def test_json(
        self, book: tuple[Path, Path], queued: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Each call's ``queue``: the billing queue for the duplicate charge, null (the
        general queue) for the others."""
        assert 0 == main(_plan(*book, "--policy", queued, "--format", "json", "--horizon", "1d"))
        out = json.loads(capsys.readouterr().out)
        assert [("c-03", "billing"), ("c-01", None), ("c-06", None)] == [
            (call["customer_id"], call["queue"]) for call in out["calls"]
        ]

    def test_csv(
        self, book: tuple[Path, Path], queued: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``queue`` is the last column, empty for the general queue."""
        assert 0 == main(_plan(*book, "--policy", queued, "--format", "csv", "--horizon", "1d"))
        text = capsys.readouterr().out
        assert text.splitlines()[0].endswith(",moved_by,attempt,tries,queue")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert ["billing", "", ""] == [row["queue"] for row in rows]

    def test_table_shows_a_queue_column_when_a_call_has_a_queue(
        self, book: tuple[Path, Path], queued: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A ``queue`` column after the priority, ``-`` for the general queue, and the
        explanation names the queue too."""
        assert 0 == main(_plan(*book, "--policy", queued, "--horizon", "1d", "--explain", "c-03"))
        lines = capsys.readouterr().out.splitlines()
        (header,) = [line for line in lines if line.startswith("#  due (customer)")]
        assert header.split() == [
            "#",
            "due",
            "(customer)",
            "due",
            "(team)",
            "customer",
            "priority",
            "queue",
            "rules",
            "flags",
        ]
        rows = [line.split() for line in lines if line[:2] in ("1 ", "2 ")]
        assert [["urgent", "billing"], ["urgent", "-"]] == [
            row[row.index("urgent") : row.index("urgent") + 2] for row in rows
        ]
        assert any(
            line.startswith("CALL urgent") and "[queue billing]: duplicate-charge-callback" in line
            for line in lines
        )

    def test_table_without_queues_has_no_queue_column(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """No call has a queue: the table is as before, without an empty column."""
        assert 0 == main(_plan(*book, "--horizon", "1d"))
        lines = capsys.readouterr().out.splitlines()
        (header,) = [line for line in lines if line.startswith("#  due (customer)")]
        assert "queue" not in header
        assert header.split()[-3:] == ["priority", "rules", "flags"]


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], *expected: str) -> str:
    assert 2 == main(argv)
    captured = capsys.readouterr()
    assert "" == captured.out
    for part in expected:
        assert part in captured.err
    return captured.err


class TestPlanErrors:
    def test_malformed_json(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A line that is not JSON names the file and the line."""
        customers, interactions = book
        bad = tmp_path / "bad.jsonl"
        bad.write_text(interactions.read_text(encoding="utf-8") + '{"id": "x",\n')
        _fails(capsys, _plan(customers, bad), f"{bad}:25:", "malformed JSON")

    def test_a_file_that_is_not_utf8(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A customers file saved as UTF-16 (as some shells write it): a clear error
        naming the file, not a traceback."""
        _, interactions = book
        bad = tmp_path / "utf16.jsonl"
        bad.write_bytes(b'\xff\xfe{"id":"c-1"}\n')
        _fails(capsys, _plan(bad, interactions), f"{bad}", "not UTF-8 text")

    def test_a_utf8_file_with_a_byte_order_mark_is_read(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A UTF-8 file that starts with a byte order mark reads as without one."""
        customers, interactions = book
        marked = tmp_path / "marked.jsonl"
        marked.write_bytes(b"\xef\xbb\xbf" + customers.read_bytes())
        assert 0 == main(_plan(marked, interactions, "--format", "json"))
        with_mark = capsys.readouterr().out
        assert 0 == main(_plan(customers, interactions, "--format", "json"))
        assert capsys.readouterr().out == with_mark

    @pytest.mark.parametrize(
        "now", ["0001-01-01T00:00+01:00", "9999-12-31T23:00-05:00"], ids=["year-1", "year-9999"]
    )
    def test_a_now_out_of_range(
        self, book: tuple[Path, Path], now: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A ``--now`` at the ends of the calendar: a usage error, not a traceback."""
        customers, interactions = book
        argv = ["plan", "--customers", str(customers), "--interactions", str(interactions)]
        _fails(capsys, [*argv, "--now", now], "--now", "between the years 2 and 9998")

    def test_a_horizon_past_the_calendar(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A horizon of a million weeks: an error naming the horizon, not a traceback."""
        _fails(capsys, _plan(*book, "--horizon", "999999w"), "a horizon is at most a century")

    def test_a_now_whose_horizon_runs_past_the_calendar(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A ``--now`` on the last days the library takes, whose horizon runs past them:
        a usage error about the horizon, blaming no line of the customers file, for
        plan and for the demo alike."""
        customers, interactions = book
        late = "9998-12-30T00:00:00+00:00"
        argv = ["plan", "--customers", str(customers), "--interactions", str(interactions)]
        err = _fails(capsys, [*argv, "--now", late], "horizon reaches past the year 9998")
        assert f"{customers}:" not in err
        _fails(capsys, ["demo", "--now", late], "horizon reaches past the year 9998")

    def test_missing_field(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An interaction without ``at`` names the file, the line and the key."""
        customers, _ = book
        rows = [dict(INTERACTIONS[0]), {k: v for k, v in INTERACTIONS[1].items() if k != "at"}]
        bad = _write(tmp_path / "bad.jsonl", rows)
        _fails(capsys, _plan(customers, bad), f"{bad}:2:", "'at'")

    def test_naive_timestamp(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A timestamp without an offset is refused, naming file and line."""
        customers, _ = book
        rows = [dict(INTERACTIONS[0], at="2026-09-01T10:00:00")]
        bad = _write(tmp_path / "bad.jsonl", rows)
        _fails(capsys, _plan(customers, bad), f"{bad}:1:", "timezone-aware")

    def test_unknown_timezone(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A customer in an unknown timezone is refused, naming file and line."""
        _, interactions = book
        rows = [dict(row) for row in CUSTOMERS]
        rows[2]["timezone"] = "Mars/Olympus_Mons"
        bad = _write(tmp_path / "customers.jsonl", rows)
        _fails(capsys, _plan(bad, interactions), f"{bad}:3:", "Mars/Olympus_Mons")

    def test_interaction_for_unknown_customer(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An interaction whose customer is not in the customers file names its line."""
        customers, _ = book
        rows = [*INTERACTIONS[:3], dict(INTERACTIONS[3], customer_id="c-99")]
        bad = _write(tmp_path / "bad.jsonl", rows)
        _fails(capsys, _plan(customers, bad), f"{bad}:4:", "'c-99'")

    def test_policy_that_does_not_import(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A policy path whose module is missing is named in the message."""
        _fails(
            capsys,
            _plan(*book, "--policy", "no_such_package.rules:policy"),
            "no_such_package.rules:policy",
            "cannot import",
        )

    def test_policy_attribute_missing(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A module without the attribute is named too."""
        _fails(capsys, _plan(*book, "--policy", "extramile:nothing_here"), "nothing_here")

    def test_policy_of_the_wrong_type(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An attribute that is not a policy (nor returns one) is refused."""
        _fails(capsys, _plan(*book, "--policy", "extramile:__version__"), "FollowUpPolicy")

    def test_naive_now(self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
        """``--now`` without an offset is a usage error."""
        argv = ["plan", "--customers", str(book[0]), "--now", "2026-09-05T09:30"]
        _fails(capsys, argv, "timezone-aware")

    def test_missing_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A file that does not exist is named."""
        missing = tmp_path / "nope.jsonl"
        _fails(capsys, ["plan", "--customers", str(missing), "--now", NOW], str(missing))

    def test_duplicate_customer(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A customer listed twice names both lines."""
        _, interactions = book
        bad = _write(tmp_path / "customers.jsonl", [*CUSTOMERS, CUSTOMERS[0]])
        _fails(capsys, _plan(bad, interactions), f"{bad}:13:", "first on line 1")

    @pytest.mark.parametrize(
        ("changes", "secret"),
        [({"phone": 13125550100}, "13125550100"), ({"email": ["pat@example.com"]}, "pat@")],
    )
    def test_personal_data_is_never_written_to_stderr(
        self,
        book: tuple[Path, Path],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        changes: dict[str, Any],
        secret: str,
    ) -> None:
        """A phone number or an email address of the wrong type is refused, naming the
        file, the line, the field and the type received, but not the value."""
        _, interactions = book
        rows = [dict(row) for row in CUSTOMERS]
        rows[1].update(changes)
        bad = _write(tmp_path / "customers.jsonl", rows)
        err = _fails(capsys, _plan(bad, interactions), f"{bad}:2: Customer.{next(iter(changes))}")
        assert secret not in err

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("[" * 100_000 + "]" * 100_000, "nests too deeply"),
            ("9" * 5_000, "a number too long to read"),
        ],
        ids=["deep", "long-number"],
    )
    def test_json_python_cannot_read_names_the_line(
        self,
        book: tuple[Path, Path],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        value: str,
        message: str,
    ) -> None:
        """A line nested deeper than Python can read, or holding a number too long for
        it, exits 2 naming the file and line, in either file (it used to end in a
        traceback and exit 1)."""
        customers, interactions = book
        line = '{"id": "c-99", "attributes": {"a": ' + value + "}}\n"
        bad = tmp_path / "bad.jsonl"
        bad.write_text(customers.read_text(encoding="utf-8") + line, encoding="utf-8")
        _fails(capsys, _plan(bad, interactions), f"{bad}:13: malformed JSON: {message}")
        bad.write_text(interactions.read_text(encoding="utf-8") + line, encoding="utf-8")
        _fails(capsys, _plan(customers, bad), f"{bad}:25: malformed JSON: {message}")

    def test_duplicate_interaction_id(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An interaction id given twice for one customer is reported against the
        interactions file, at the second line, naming the first (it was reported against
        the customers file)."""
        customers, _ = book
        again = next(i for i, row in enumerate(INTERACTIONS) if row["customer_id"] == "c-02")
        rows = [*INTERACTIONS, dict(INTERACTIONS[again], at="2026-09-04T10:00:00Z")]
        bad = _write(tmp_path / "interactions.jsonl", rows)
        err = _fails(
            capsys,
            _plan(customers, bad),
            f"{bad}:25: interaction id {INTERACTIONS[again]['id']!r} of customer 'c-02'"
            f" appears twice (first on line {again + 1})",
        )
        assert f"{customers}" not in err

    def test_the_same_interaction_id_for_two_customers_is_fine(
        self, book: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Interaction ids need only be distinct within one customer's history."""
        customers, _ = book
        other = next(row for row in INTERACTIONS if row["customer_id"] == "c-02")
        rows = [*INTERACTIONS, dict(other, customer_id="c-05", at="2026-09-04T10:00:00Z")]
        assert 0 == main(_plan(customers, _write(tmp_path / "interactions.jsonl", rows)))
        assert "" == capsys.readouterr().err

    @pytest.mark.parametrize("text", ["", "\n  \n"], ids=["empty", "blank-lines"])
    def test_an_empty_customers_file_is_said_on_stderr(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
    ) -> None:
        """A customers file with no customer plans nothing, which is no error (exit 0, an
        empty agenda on standard output), but standard error says so: an empty export
        is more often a mistake than an empty book."""
        empty = tmp_path / "customers.jsonl"
        empty.write_text(text, encoding="utf-8")
        assert 0 == main(["plan", "--customers", str(empty), "--now", NOW, "--format", "json"])
        captured = capsys.readouterr()
        assert ([], f"extramile plan: note: {empty} holds no customers; nothing to plan\n") == (
            json.loads(captured.out)["calls"],
            captured.err,
        )

    def test_integer_ids_are_read_as_text(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An integer id is read as its text, as ``from_mapping`` reads it (the documented
        row format): customer ``7`` owns interactions of customer ``"7"``, and ``7`` and
        ``"7"`` in one file are one customer listed twice; a float id is refused."""
        customers = _write(tmp_path / "customers.jsonl", [{"id": 7, "timezone": "UTC"}])
        history = [{"id": 1, "customer_id": "7", "kind": "feedback", "at": "2026-09-05T14:00Z"}]
        interactions = _write(tmp_path / "interactions.jsonl", history)
        assert 0 == main(_plan(customers, interactions, "--format", "json"))
        assert "" == capsys.readouterr().err
        twice = _write(tmp_path / "twice.jsonl", [{"id": 7}, {"id": "7"}])
        _fails(capsys, _plan(twice, interactions), f"{twice}:2: customer '7' appears twice")
        floating = _write(tmp_path / "float.jsonl", [{"id": 7.0}])
        _fails(capsys, _plan(floating, interactions), f"{floating}:1: Customer.id must be")

    def test_explain_unknown_customer(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--explain of a customer not in the book is an error."""
        _fails(capsys, _plan(*book, "--explain", "c-404"), "c-404")

    def test_bad_horizon(self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
        """A horizon that is not a duration is a usage error."""
        _fails(capsys, _plan(*book, "--horizon", "a week"), "7d")


class TestProgress:
    def test_no_progress_when_stderr_is_not_a_terminal(
        self,
        book: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A redirected stderr stays clean, though plan() reports every customer."""
        monkeypatch.setattr(importlib.import_module("extramile._plan.plan"), "PROGRESS_EVERY", 1)
        assert 0 == main(_plan(*book, "--format", "csv"))
        assert "" == capsys.readouterr().err

    def test_explain_is_refused_with_csv(
        self, book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """CSV has no place for an explanation: a usage error, not a silent drop."""
        _fails(capsys, _plan(*book, "--format", "csv", "--explain", "c-01"), "--explain")


class TestDemo:
    def test_json_in_process(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The demo at another ``now`` plans from that moment."""
        assert 0 == main(["demo", "--now", "2026-09-08T09:30:00-05:00", "--format", "json"])
        out = json.loads(capsys.readouterr().out)
        assert "2026-09-08T14:30:00+00:00" == out["agenda"]["now"]
        due = [call["due_at_team"] for call in out["agenda"]["calls"]]
        assert all(moment >= "2026-09-08T09:30:00-05:00" for moment in due)

    def test_export_writes_a_book_plan_reads(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``demo --export`` writes files that ``plan`` reads to the same agenda."""
        assert 0 == main(["demo", "--export", str(tmp_path), "--format", "json"])
        capsys.readouterr()
        assert 0 == main(["demo", "--format", "json"])
        demo = json.loads(capsys.readouterr().out)["agenda"]["calls"]
        args = _plan(tmp_path / "customers.jsonl", tmp_path / "interactions.jsonl")
        assert 0 == main([*args, "--policy", "extramile._sample:sample_policy", "--format", "json"])
        planned = json.loads(capsys.readouterr().out)["calls"]
        assert [c["key"] for c in demo] == [c["key"] for c in planned]

    def test_a_reader_that_goes_away_gets_no_traceback(self) -> None:
        """``python -m extramile demo | head``: the pipe closes before the output is
        written, and the program ends with status 1 and nothing on stderr."""
        with subprocess.Popen(
            [sys.executable, "-m", "extramile", "demo", "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as process:
            assert process.stdout is not None
            process.stdout.close()
            _, err = process.communicate(timeout=60)
        assert (1, b"") == (process.returncode, err)

    def test_subprocess(self) -> None:
        """``python -m extramile demo`` runs as a program and prints the agenda."""
        result = subprocess.run(
            [sys.executable, "-m", "extramile", "demo"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert (0, "") == (result.returncode, result.stderr)
        assert "Agenda at Sat 5 Sep 09:30 CDT" in result.stdout
        assert "Extra-mile calls made Mon 24 Aug to Sun 30 Aug 2026" in result.stdout


class TestReportRendering:
    """The report table shows on-time by the first deadline, calls outside the calling
    window, and each agent's unplanned calls."""

    def test_first_deadline_window_and_unplanned_columns(self) -> None:
        """A duplicate charge at 21:30 EDT, called by Ana at 08:10 the next morning (on
        time by the moved deadline, late by the first); Bo phones the customer at 22:30
        EDT about nothing planned, outside the window."""
        import datetime as dt  # noqa: PLC0415

        from extramile import Customer, Interaction, starter_policy  # noqa: PLC0415
        from extramile.cli.rendering import render_report  # noqa: PLC0415
        from extramile.reports import calls_made  # noqa: PLC0415

        def at(text: str) -> dt.datetime:
            return dt.datetime.fromisoformat(text)

        def outbound(ident: str, when: str, agent: str, issue: str | None) -> Interaction:
            return Interaction(
                id=ident,
                customer_id="c-1",
                kind="call",
                at=at(when),
                direction="outbound",
                channel="phone",
                agent=agent,
                issue_id=issue,
            )

        history = [
            Interaction(
                id="d-1",
                customer_id="c-1",
                kind="billing.duplicate_charge",
                issue_id="b",
                at=at("2026-03-09T21:30:00-04:00"),
            ),
            outbound("k-1", "2026-03-10T08:10:00-04:00", "ana", "b"),
            outbound("k-2", "2026-03-10T22:30:00-04:00", "bo", None),
        ]
        report = calls_made(
            starter_policy(company_timezone="America/New_York"),
            [(Customer(id="c-1", timezone="America/New_York"), history)],
            start=at("2026-03-09T00:00:00-04:00"),
            end=at("2026-03-16T00:00:00-04:00"),
        )
        lines = render_report(report, "America/New_York")
        assert [
            "Outbound calls that served no rule: 1",
            "Calls made outside the calling window: 1",
            "",
            (
                "agent  extra-mile  on time  all proactive  on time  by first deadline"
                "  outside window  unplanned"
            ),
            (
                "-----  ----------  -------  -------------  -------  -----------------"
                "  --------------  ---------"
            ),
            (
                "ana    1           100%     1              100%     0%"
                "                 0               0"
            ),
            (
                "bo     0           -        0              -        -"
                "                  1               1"
            ),
        ] == lines[1:8]

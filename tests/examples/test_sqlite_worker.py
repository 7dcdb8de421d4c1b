"""The SQLite worker example: runs on a database file, upserts by key, closes answered calls,
and writes nothing when a run fails halfway."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_worker

import extramile
from extramile import Elapsed, Interaction, plan, starter_policy
from extramile._sample import SAMPLE_NOW, sample_book, sample_policy

EXAMPLE = Path(sqlite_worker.__file__)
LATER = SAMPLE_NOW + dt.timedelta(minutes=10)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A database file holding the sample book, and nothing planned yet."""
    connection = sqlite3.connect(tmp_path / "team.db")
    sqlite_worker.load_sample(connection)
    yield connection
    connection.close()


def _rows(connection: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    cursor = connection.execute("SELECT * FROM planned_calls ORDER BY key")
    names = [column[0] for column in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor}


def _add(connection: sqlite3.Connection, *items: Interaction) -> None:
    with connection:
        connection.executemany(
            "INSERT INTO interactions (id, customer_id, kind, at, direction, channel, issue_id,"
            " agent, outcome, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    item.id,
                    item.customer_id,
                    item.kind,
                    item.at.isoformat(),
                    item.direction.value,
                    item.channel.value,
                    item.issue_id,
                    item.agent,
                    item.outcome,
                    json.dumps(item.attributes.thaw()),
                )
                for item in items
            ],
        )


def _agenda_keys(now: dt.datetime = SAMPLE_NOW) -> list[str]:
    agenda = plan(starter_policy(), sample_book(), now=now, horizon=Elapsed(days=7))
    return sorted(call.key for call in agenda)


DUPLICATE = "c-03/b-301/duplicate-charge-callback/i-301"
"""The sample's duplicate-charge callback: due at once, tried again 30 minutes after an
unanswered try."""


class TestReading:
    def test_streamed_book_is_the_sample(self, db: sqlite3.Connection) -> None:
        """The book read from the tables, one query grouped by customer, equals the bundled
        sample: every customer once, each with exactly their interactions."""
        expected = {c.id: (c, sorted(h, key=lambda i: i.id)) for c, h in sample_book()}
        actual = {
            c.id: (c, sorted(h, key=lambda i: i.id)) for c, h in sqlite_worker.stream_book(db)
        }
        assert expected == actual

    def test_customer_without_interactions(self, db: sqlite3.Connection) -> None:
        """A customer with no interaction comes with an empty history (the LEFT JOIN's NULL
        row is not an interaction)."""
        with db:
            db.execute("INSERT INTO customers (id, timezone) VALUES ('c-99', 'Europe/Paris')")
        book = dict(sqlite_worker.stream_book(db))
        assert [] == next(h for c, h in book.items() if c.id == "c-99")

    def test_bad_row_named_and_nothing_written(self, db: sqlite3.Connection) -> None:
        """A row extramile refuses stops the run with its table and id; nothing is written."""
        with db:
            db.execute("INSERT INTO customers (id, timezone) VALUES ('c-98', 'Mars/Olympus')")
        with pytest.raises(sqlite_worker.BookError, match=r"customers row 'c-98': .*timezone"):
            sqlite_worker.run(db, now=SAMPLE_NOW)
        assert {} == _rows(db)
        assert not db.in_transaction

    def test_malformed_json_named(self, db: sqlite3.Connection) -> None:
        """Attributes that are not JSON are refused with the row and column."""
        with db:
            db.execute("UPDATE interactions SET attributes = '{oops' WHERE id = 'i-301'")
        with pytest.raises(
            sqlite_worker.BookError, match=r"interactions row 'i-301': attributes must be JSON"
        ):
            sqlite_worker.run(db, now=SAMPLE_NOW)

    def test_refuses_open_transaction(self, db: sqlite3.Connection) -> None:
        """A connection inside a transaction is refused: the run's own would not be one."""
        db.execute("UPDATE customers SET tier = 'gold' WHERE id = 'c-02'")
        with pytest.raises(ValueError, match="outside a transaction"):
            sqlite_worker.run(db, now=SAMPLE_NOW)
        db.rollback()


class TestRuns:
    def test_first_run_writes_the_agenda(self, db: sqlite3.Connection) -> None:
        """The first run writes one open row per call of the agenda, keyed by the call's key,
        with its times in UTC."""
        summary = sqlite_worker.run(db, now=SAMPLE_NOW)
        rows = _rows(db)
        assert _agenda_keys() == sorted(rows)
        assert (12, 8, 8, 0, 0, 0) == summary[:6]
        assert {"do-not-call": 1, "unknown-timezone": 1} == summary.suppressed
        duplicate = rows[DUPLICATE]
        assert (
            "open",
            "2026-09-05T14:30:00+00:00",
            "2026-09-05T14:35:00+00:00",
            "urgent",
            1,
            3,
            ["duplicate-charge-callback"],
            "2026-09-05T14:30:00+00:00",
        ) == (
            duplicate["status"],
            duplicate["due_at"],
            duplicate["deadline"],
            duplicate["priority"],
            duplicate["attempt"],
            duplicate["tries"],
            json.loads(duplicate["rules"]),
            duplicate["planned_at"],
        )
        assert {"open"} == {row["status"] for row in rows.values()}

    def test_second_run_updates_never_duplicates(self, db: sqlite3.Connection) -> None:
        """Running again later updates the same rows: no second row, the first planning
        moment kept, the last one written."""
        sqlite_worker.run(db, now=SAMPLE_NOW)
        first = _rows(db)
        summary = sqlite_worker.run(db, now=LATER)
        second = _rows(db)
        assert sorted(first) == sorted(second)
        assert len(second) == db.execute("SELECT count(*) FROM planned_calls").fetchone()[0]
        assert (8, 0) == (summary.planned, summary.opened)
        assert {"2026-09-05T14:30:00+00:00"} == {row["planned_at"] for row in second.values()}
        assert {"2026-09-05T14:40:00+00:00"} == {row["updated_at"] for row in second.values()}

    def test_same_moment_twice_same_table(self, db: sqlite3.Connection) -> None:
        """The same inputs and the same ``now`` give the same table, row for row."""
        sqlite_worker.run(db, now=SAMPLE_NOW)
        first = _rows(db)
        sqlite_worker.run(db, now=SAMPLE_NOW)
        assert first == _rows(db)

    def test_recorded_call_closes_its_row(self, db: sqlite3.Connection) -> None:
        """An agent records the call as made (:meth:`Call.record`); the next run closes its
        row as done, naming the recorded call, and leaves the others open."""
        sqlite_worker.run(db, now=SAMPLE_NOW)
        agenda = plan(starter_policy(), sample_book(), now=SAMPLE_NOW, horizon=Elapsed(days=7))
        call = next(call for call in agenda if call.key == DUPLICATE)
        _add(db, call.record(id="i-900", at=SAMPLE_NOW + dt.timedelta(minutes=5), agent="ana"))
        summary = sqlite_worker.run(db, now=LATER)
        rows = _rows(db)
        closed = rows[DUPLICATE]
        assert ("done", "2026-09-05T14:40:00+00:00") == (closed["status"], closed["closed_at"])
        assert "outbound call 'i-900'" in closed["closed_reason"]
        assert (1, 0, 7) == (summary.done, summary.dropped, summary.planned)
        assert {"open"} == {row["status"] for key, row in rows.items() if key != DUPLICATE}
        # Closed stays closed: a later run leaves the row as it is.
        sqlite_worker.run(db, now=LATER + dt.timedelta(minutes=5))
        assert closed == _rows(db)[DUPLICATE]

    def test_unanswered_try_stays_open_past_the_horizon(self, db: sqlite3.Connection) -> None:
        """An unanswered try does not close the row: the retry keeps the key.  Due after the
        horizon, it is not in the agenda, yet the row stays open with the next try's time."""
        sqlite_worker.run(db, now=SAMPLE_NOW, horizon=Elapsed(minutes=20))
        _add(
            db,
            Interaction(
                id="i-901",
                customer_id="c-03",
                kind="call",
                at=SAMPLE_NOW + dt.timedelta(minutes=5),
                direction="outbound",
                channel="phone",
                issue_id="b-301",
                outcome="no_answer",
            ),
        )
        summary = sqlite_worker.run(db, now=LATER, horizon=Elapsed(minutes=20))
        row = _rows(db)[DUPLICATE]
        assert ("open", 2, "2026-09-05T15:05:00+00:00", None) == (
            row["status"],
            row["attempt"],
            row["due_at"],
            row["closed_at"],
        )
        assert (1, 0, 0) == (summary.later, summary.done, summary.dropped)

    def test_superseded_episode_dropped_with_reason(self, db: sqlite3.Connection) -> None:
        """A call no longer asked for (a check-in a week after the last contact, and a newer
        contact came: the problem was resolved) is closed as dropped, saying why."""
        sqlite_worker.run(db, now=SAMPLE_NOW)
        key = "c-07/t-701/intermittent-check-in/i-701"
        _add(
            db,
            Interaction(
                id="i-902",
                customer_id="c-07",
                kind="issue.resolved",
                at=SAMPLE_NOW + dt.timedelta(minutes=1),
                issue_id="t-701",
            ),
        )
        summary = sqlite_worker.run(db, now=LATER)
        row = _rows(db)[key]
        assert ("dropped", 1, 0) == (row["status"], summary.dropped, summary.done)
        assert "no longer asked for (a newer episode, or no such rule)" == row["closed_reason"]

    def test_stopped_episode_dropped_with_reason(self, db: sqlite3.Connection) -> None:
        """A call whose rule's stop now holds (a reopened problem, solved before the
        callback) is closed as dropped, the stop named."""
        with db:
            db.execute("INSERT INTO customers (id, timezone) VALUES ('c-50', 'America/Chicago')")
        opened, reopened, resolved = (
            Interaction(
                id=f"x-50{n}",
                customer_id="c-50",
                kind=kind,
                at=SAMPLE_NOW + dt.timedelta(minutes=minutes),
                issue_id="t-50",
            )
            for n, (kind, minutes) in enumerate(
                (("issue.opened", -600), ("issue.reopened", -5), ("issue.resolved", 5))
            )
        )
        _add(db, opened, reopened)
        sqlite_worker.run(db, now=SAMPLE_NOW)
        key = "c-50/t-50/reopened-callback/x-501"
        assert "open" == _rows(db)[key]["status"]
        _add(db, resolved)
        summary = sqlite_worker.run(db, now=LATER)
        row = _rows(db)[key]
        assert ("dropped", 1) == (row["status"], summary.dropped)
        assert row["closed_reason"].startswith("stopped: stopped at now by ~issue_is(")

    def test_call_taken_into_another_dropped(self, db: sqlite3.Connection) -> None:
        """An open call taken along into a new, more urgent call of the same customer (one
        conversation, not two) is closed as dropped, naming the call that carries it."""
        sqlite_worker.run(db, now=SAMPLE_NOW)
        check_in = "c-06/t-601/intermittent-check-in/i-604"
        charge = Interaction(
            id="x-600",
            customer_id="c-06",
            kind="billing.duplicate_charge",
            at=SAMPLE_NOW + dt.timedelta(minutes=5),
            issue_id="b-60",
        )
        _add(db, charge)
        summary = sqlite_worker.run(db, now=LATER)
        rows = _rows(db)
        leading = "c-06/b-60/duplicate-charge-callback/x-600"
        assert ("dropped", f"taken into call {leading}") == (
            rows[check_in]["status"],
            rows[check_in]["closed_reason"],
        )
        assert [leading, check_in] == json.loads(rows[leading]["keys"])
        assert (1, 1) == (summary.dropped, summary.opened)

    def test_customer_gone_dropped(self, db: sqlite3.Connection) -> None:
        """A customer deleted from the book has their open rows closed as dropped."""
        sqlite_worker.run(db, now=SAMPLE_NOW)
        with db:
            db.execute("DELETE FROM interactions WHERE customer_id = 'c-04'")
            db.execute("DELETE FROM customers WHERE id = 'c-04'")
        sqlite_worker.run(db, now=LATER)
        row = _rows(db)["c-04/-/price-heads-up/i-401"]
        assert ("dropped", "customer no longer in the book") == (
            row["status"],
            row["closed_reason"],
        )

    def test_policy_argument(self, db: sqlite3.Connection) -> None:
        """The policy given plans: the sample team's serves the unknown-zone customer."""
        summary = sqlite_worker.run(db, now=SAMPLE_NOW, policy=sample_policy())
        assert "unknown-timezone" not in summary.suppressed
        assert "c-11" in {row["customer_id"] for row in _rows(db).values()}


class TestCrash:
    def test_crash_halfway_leaves_previous_state(
        self, db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A run that fails after writing some rows (here, at the third call) writes
        nothing: the table is as the previous run left it, and the next run succeeds."""
        sqlite_worker.run(db, now=SAMPLE_NOW)
        before = _rows(db)
        agenda = plan(starter_policy(), sample_book(), now=SAMPLE_NOW, horizon=Elapsed(days=7))
        call = next(call for call in agenda if call.key == DUPLICATE)
        _add(db, call.record(id="i-900", at=SAMPLE_NOW + dt.timedelta(minutes=5)))
        real = sqlite_worker.call_row
        written: list[str] = []

        def failing(call: extramile.Call, now: str) -> dict[str, Any]:
            if len(written) == 2:
                raise RuntimeError("the worker died")
            written.append(call.key)
            return real(call, now)

        monkeypatch.setattr(sqlite_worker, "call_row", failing)
        with pytest.raises(RuntimeError, match="the worker died"):
            sqlite_worker.run(db, now=LATER)
        assert 2 == len(written)  # two rows were written before the failure
        assert not db.in_transaction
        assert before == _rows(db)
        # A fresh connection sees the same: nothing half-written reached the file.
        path = db.execute("PRAGMA database_list").fetchone()[2]
        other = sqlite3.connect(path)
        assert before == _rows(other)
        other.close()
        monkeypatch.setattr(sqlite_worker, "call_row", real)
        assert 1 == sqlite_worker.run(db, now=LATER).done


class TestCommandLine:
    def _run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ)
        source = str(Path(extramile.__file__).parents[1])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (source, env.get("PYTHONPATH"))))
        return subprocess.run(
            [sys.executable, str(EXAMPLE), *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=env,
            check=False,
        )

    def test_init_sample_then_run(self, tmp_path: Path) -> None:
        """``--init-sample`` makes the tables, loads the sample and plans it at its own
        moment; a second run with ``--now`` updates the same rows."""
        done = self._run("--db", "team.db", "--init-sample", cwd=tmp_path)
        assert (0, "") == (done.returncode, done.stderr)
        assert "sample loaded (12 customers, 24 interactions)" in done.stdout
        assert "8 calls planned (8 new)" in done.stdout
        again = self._run("--db", "team.db", "--now", "2026-09-05T09:40-05:00", cwd=tmp_path)
        assert (0, "") == (again.returncode, again.stderr)
        assert "8 calls planned (0 new)" in again.stdout
        connection = sqlite3.connect(tmp_path / "team.db")
        assert _agenda_keys() == sorted(_rows(connection))
        connection.close()

    def test_error_exits_2(self, tmp_path: Path) -> None:
        """A database without the tables is an error the user can fix: status 2, a message."""
        done = self._run("--db", "empty.db", "--now", "2026-09-05T09:30-05:00", cwd=tmp_path)
        assert 2 == done.returncode
        assert done.stderr.startswith("sqlite_worker.py: error: no such table")
        assert done.stderr.endswith("(create the tables with --init-sample, or from SCHEMA)\n")

    def test_bad_policy_exits_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A ``--policy`` that does not import is named, with status 2, before anything
        is written."""
        path = str(tmp_path / "team.db")
        status = sqlite_worker.main(["--db", path, "--init-sample", "--policy", "nope:POLICY"])
        assert 2 == status
        assert capsys.readouterr().err.startswith(
            "sqlite_worker.py: error: --policy 'nope:POLICY': cannot import 'nope'"
        )
        connection = sqlite3.connect(path)
        assert {} == _rows(connection)
        connection.close()

"""A planning worker on a SQLite database: customers and interactions in, planned calls out.

Run it from a shell::

    python examples/sqlite_worker.py --db team.db --init-sample   # make the tables, load a sample
    python examples/sqlite_worker.py --db team.db --now 2026-09-08T10:00-05:00

or import it and call :func:`run` with an open connection.  It needs the standard
library's ``sqlite3`` and extramile, nothing else.

What one run does, in one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``; any error rolls
everything back, so a crash halfway leaves the previous state):

1. streams the customers with their interactions from one query ordered by customer, one
   customer in memory at a time, into :func:`extramile.plan`;
2. upserts each call of the agenda into ``planned_calls``, whose primary key is the call's
   key (``INSERT ... ON CONFLICT (key) DO UPDATE``): the same situation gives the same key,
   so running again updates the row and never adds a second one;
3. looks again at the rows still open that the new agenda does not hold, and asks the
   customer's decision why: a call that was made (a recorded outbound call satisfied it) is
   closed as ``done``; a call folded into another call, stopped, lapsed or suppressed is
   closed as ``dropped``, with the reason; a call that still stands but is now due after
   the horizon (a retry after an unanswered try, say) stays open, its times brought up to
   date.  Only these rows are closed: a row is never closed just because its call is due
   later than this run looks.

An agent records a call made as an outbound ``call`` interaction (see
:meth:`extramile.Call.record`); the next run closes its row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, NamedTuple

from extramile import (
    Agenda,
    Call,
    Customer,
    Elapsed,
    ExtramileError,
    FollowUpPolicy,
    Interaction,
    evaluate,
    plan,
    starter_policy,
)
from extramile._sample import CUSTOMERS, INTERACTIONS, SAMPLE_NOW
from extramile.cli.reading import CliError, load_policy, parse_horizon, parse_instant

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS customers (
    id             TEXT PRIMARY KEY,
    timezone       TEXT,                        -- IANA name; NULL when unknown
    tier           TEXT,
    customer_since TEXT,                        -- ISO date, 2019-05-01
    tags           TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    do_not_call    INTEGER NOT NULL DEFAULT 0,  -- 0 or 1
    calling_hours  TEXT,                        -- '09:00-19:00', or a JSON object by weekday
    phone          TEXT,
    email          TEXT,
    attributes     TEXT NOT NULL DEFAULT '{}'   -- JSON object
);
CREATE TABLE IF NOT EXISTS interactions (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    kind        TEXT NOT NULL,                  -- issue.opened, call, feedback, ...
    at          TEXT NOT NULL,                  -- ISO-8601 with an offset
    direction   TEXT NOT NULL DEFAULT 'inbound',
    channel     TEXT NOT NULL DEFAULT 'system',
    issue_id    TEXT,
    agent       TEXT,
    outcome     TEXT,                           -- reached, voicemail, no_answer, ...
    attributes  TEXT NOT NULL DEFAULT '{}'      -- JSON object
);
CREATE INDEX IF NOT EXISTS interactions_by_customer ON interactions (customer_id, at);
CREATE TABLE IF NOT EXISTS planned_calls (
    key            TEXT PRIMARY KEY,            -- the call's key: customer/issue/rule/episode
    customer_id    TEXT NOT NULL,
    issue_id       TEXT,
    keys           TEXT NOT NULL,               -- JSON: every key the call answers
    rules          TEXT NOT NULL,               -- JSON array
    priority       TEXT NOT NULL,
    due_at         TEXT NOT NULL,               -- ISO-8601, UTC
    deadline       TEXT NOT NULL,               -- ISO-8601, UTC
    at_risk        INTEGER NOT NULL,
    extra_mile     INTEGER NOT NULL,
    essential      INTEGER NOT NULL,
    talking_points TEXT NOT NULL,               -- JSON array
    moved_by       TEXT NOT NULL,               -- JSON array of reasons
    attempt        INTEGER NOT NULL,
    tries          INTEGER NOT NULL,
    queue          TEXT,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    planned_at     TEXT NOT NULL,               -- the run that first planned it
    updated_at     TEXT NOT NULL,               -- the run that last wrote it
    closed_at      TEXT,                        -- the run that closed it
    closed_reason  TEXT
);
CREATE INDEX IF NOT EXISTS planned_calls_open ON planned_calls (status, due_at);
"""
"""The tables.  Timestamps are ISO-8601 text; lists and attributes are JSON text."""

_CUSTOMER_COLUMNS: Final = (
    "id",
    "timezone",
    "tier",
    "customer_since",
    "tags",
    "do_not_call",
    "calling_hours",
    "phone",
    "email",
    "attributes",
)
_INTERACTION_COLUMNS: Final = (
    "id",
    "customer_id",
    "kind",
    "at",
    "direction",
    "channel",
    "issue_id",
    "agent",
    "outcome",
    "attributes",
)

BOOK_QUERY: Final = f"""
SELECT {", ".join(f"c.{name}" for name in _CUSTOMER_COLUMNS)},
       {", ".join(f"i.{name}" for name in _INTERACTION_COLUMNS)}
FROM customers AS c LEFT JOIN interactions AS i ON i.customer_id = c.id
ORDER BY c.id
"""
"""Every customer with each of their interactions, one row an interaction (one row with
NULL interaction columns for a customer without any), grouped by customer."""

HISTORY_QUERY: Final = (
    f"SELECT {', '.join(_INTERACTION_COLUMNS)} FROM interactions WHERE customer_id = ?"
)
CUSTOMER_QUERY: Final = f"SELECT {', '.join(_CUSTOMER_COLUMNS)} FROM customers WHERE id = ?"

UPSERT: Final = """
INSERT INTO planned_calls (
    key, customer_id, issue_id, keys, rules, priority, due_at, deadline, at_risk,
    extra_mile, essential, talking_points, moved_by, attempt, tries, queue,
    status, planned_at, updated_at, closed_at, closed_reason
) VALUES (
    :key, :customer_id, :issue_id, :keys, :rules, :priority, :due_at, :deadline, :at_risk,
    :extra_mile, :essential, :talking_points, :moved_by, :attempt, :tries, :queue,
    'open', :now, :now, NULL, NULL
)
ON CONFLICT (key) DO UPDATE SET
    customer_id = excluded.customer_id,
    issue_id = excluded.issue_id,
    keys = excluded.keys,
    rules = excluded.rules,
    priority = excluded.priority,
    due_at = excluded.due_at,
    deadline = excluded.deadline,
    at_risk = excluded.at_risk,
    extra_mile = excluded.extra_mile,
    essential = excluded.essential,
    talking_points = excluded.talking_points,
    moved_by = excluded.moved_by,
    attempt = excluded.attempt,
    tries = excluded.tries,
    queue = excluded.queue,
    status = 'open',
    updated_at = excluded.updated_at,
    closed_at = NULL,
    closed_reason = NULL
"""
"""One call written: a new key is inserted; a known one is updated (and opened again, if a
past run had closed it), keeping the moment it was first planned."""

CLOSE: Final = """
UPDATE planned_calls
SET status = :status, closed_at = :now, updated_at = :now, closed_reason = :reason
WHERE key = :key
"""


DEFAULT_HORIZON: Final = Elapsed(days=7)
"""Plan the calls due within a week, as ``extramile plan`` does."""


class BookError(ValueError):
    """A row of the database that extramile refuses; the message names the table and id."""


class Summary(NamedTuple):
    """What one run did."""

    customers: int
    """Customers read."""
    planned: int
    """Calls in the agenda, each upserted."""
    opened: int
    """Of those, calls with no open row before this run."""
    done: int
    """Rows closed because a recorded call answered them."""
    dropped: int
    """Rows closed for another reason (stopped, lapsed, suppressed, folded into another call,
    customer gone)."""
    later: int
    """Open rows kept open, their call now due after the horizon."""
    suppressed: Mapping[str, int]
    """Calls suppressed by the policy, by constraint."""

    def __str__(self) -> str:
        held = ", ".join(f"{count} {why}" for why, count in self.suppressed.items())
        return (
            f"{self.customers} customers read; {self.planned} calls planned"
            f" ({self.opened} new); closed {self.done} done and {self.dropped} dropped;"
            f" {self.later} open rows due after the horizon;"
            f" suppressed: {held or 'none'}"
        )


# ---------------------------------------------------------------------------------------
# Rows in: from the tables to extramile's objects
# ---------------------------------------------------------------------------------------


def _json(text: Any, table: str, ident: object, column: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise BookError(
            f"{table} row {ident!r}: {column} must be JSON text (got {text!r})"
        ) from None


def customer_from_row(row: Sequence[Any]) -> Customer:
    """A customer from a row of :data:`_CUSTOMER_COLUMNS`; NULL columns are left out.

    Raises:
        BookError: a value extramile refuses, or malformed JSON; the message names the row.
    """
    values = dict(zip(_CUSTOMER_COLUMNS, row, strict=True))
    ident = values["id"]
    mapping = {name: value for name, value in values.items() if value is not None}
    for column in ("tags", "attributes"):
        if column in mapping:
            mapping[column] = _json(mapping[column], "customers", ident, column)
    if "do_not_call" in mapping:
        mapping["do_not_call"] = bool(mapping["do_not_call"])
    hours = mapping.get("calling_hours")
    if isinstance(hours, str) and hours.lstrip().startswith("{"):
        mapping["calling_hours"] = _json(hours, "customers", ident, "calling_hours")
    try:
        return Customer.from_mapping(mapping)
    except ExtramileError as exc:
        raise BookError(f"customers row {ident!r}: {exc}") from None


def interaction_from_row(row: Sequence[Any]) -> Interaction:
    """An interaction from a row of :data:`_INTERACTION_COLUMNS`; NULL columns are left out.

    Raises:
        BookError: a value extramile refuses, or malformed JSON; the message names the row.
    """
    values = dict(zip(_INTERACTION_COLUMNS, row, strict=True))
    ident = values["id"]
    mapping = {name: value for name, value in values.items() if value is not None}
    if "attributes" in mapping:
        mapping["attributes"] = _json(mapping["attributes"], "interactions", ident, "attributes")
    try:
        return Interaction.from_mapping(mapping)
    except ExtramileError as exc:
        raise BookError(f"interactions row {ident!r}: {exc}") from None


def stream_book(
    connection: sqlite3.Connection, seen: list[int] | None = None
) -> Iterator[tuple[Customer, list[Interaction]]]:
    """Each customer with their interactions, from one query ordered by customer.

    Only one customer's rows are held at a time.  ``seen``, if given, has its first item
    set to the number of customers read (for the summary).

    Raises:
        BookError: a row extramile refuses.
    """
    split = len(_CUSTOMER_COLUMNS)
    current: Customer | None = None
    history: list[Interaction] = []
    count = 0
    for row in connection.execute(BOOK_QUERY):
        if current is None or row[0] != current.id:
            if current is not None:
                yield current, history
            current, history = customer_from_row(row[:split]), []
            count += 1
            if seen is not None:
                seen[0] = count
        if row[split] is not None:  # NULL: a customer without interactions
            history.append(interaction_from_row(row[split:]))
    if current is not None:
        yield current, history


def _history(connection: sqlite3.Connection, customer_id: str) -> list[Interaction]:
    return [interaction_from_row(row) for row in connection.execute(HISTORY_QUERY, (customer_id,))]


# ---------------------------------------------------------------------------------------
# Rows out: calls into planned_calls
# ---------------------------------------------------------------------------------------


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat()


def call_row(call: Call, now: str) -> dict[str, Any]:
    """The parameters of :data:`UPSERT` for one call; ``now`` is the run's moment, UTC text."""
    return {
        "key": call.key,
        "customer_id": call.customer_id,
        "issue_id": call.issue_id,
        "keys": json.dumps(list(call.keys)),
        "rules": json.dumps(list(call.rules)),
        "priority": str(call.priority),
        "due_at": _utc(call.due_at),
        "deadline": _utc(call.deadline),
        "at_risk": int(call.overdue or call.at_risk),
        "extra_mile": int(call.extra_mile),
        "essential": int(call.essential),
        "talking_points": json.dumps(list(call.talking_points)),
        "moved_by": json.dumps([move.reason for move in call.moved_by]),
        "attempt": call.attempt,
        "tries": call.tries,
        "queue": call.queue,
        "now": now,
    }


class _Fate(NamedTuple):
    """What became of an open row the new agenda does not hold."""

    status: str
    """``"done"``, ``"dropped"``, or ``"open"`` (the call stands, due after the horizon)."""
    reason: str
    call: Call | None = None
    """For an open row: the call it leads, as it stands now (None: the row is left as it
    is, its key taken into a call another key leads, due after the horizon too)."""


def _fate(
    connection: sqlite3.Connection,
    *,
    policy: FollowUpPolicy,
    now: dt.datetime,
    customer_id: str,
    keys: list[str],
    folded: Mapping[str, str],
) -> dict[str, _Fate]:
    """Why each of a customer's open ``keys`` is not in the agenda, from their decision."""
    fates = {
        key: _Fate("dropped", f"taken into call {folded[key]}") for key in keys if key in folded
    }
    rest = [key for key in keys if key not in fates]
    if not rest:
        return fates
    row = connection.execute(CUSTOMER_QUERY, (customer_id,)).fetchone()
    if row is None:
        fates.update((key, _Fate("dropped", "customer no longer in the book")) for key in rest)
        return fates
    decision = evaluate(policy, customer_from_row(row), _history(connection, customer_id), now=now)
    standing = {key: call for call in decision.calls for key in call.keys}
    episodes = {episode.key: episode for rule in decision.trace for episode in rule.episodes}
    for key in rest:
        call, episode = standing.get(key), episodes.get(key)
        if call is not None:  # the call stands, due after the horizon
            fates[key] = _Fate("open", "due after the horizon", call if call.key == key else None)
        elif episode is None:
            # A newer contact started another episode of a LastContact rule, or the rule
            # is gone from the policy.
            fates[key] = _Fate("dropped", "no longer asked for (a newer episode, or no such rule)")
        elif episode.outcome == "satisfied":
            fates[key] = _Fate("done", episode.detail)
        else:  # stopped, lapsed, suppressed, not fired
            fates[key] = _Fate("dropped", f"{episode.outcome}: {episode.detail}")
    return fates


# ---------------------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------------------


def run(
    connection: sqlite3.Connection,
    *,
    now: dt.datetime,
    horizon: Elapsed | dt.timedelta = DEFAULT_HORIZON,
    policy: FollowUpPolicy | None = None,
) -> Summary:
    """Plan the whole book and bring ``planned_calls`` up to date, in one transaction.

    Args:
        connection: an open connection, not inside a transaction (the default
            ``sqlite3.connect(path)`` is fine, and so is ``isolation_level=None``).
        now: the present, timezone-aware; read the clock once and pass it here.
        horizon: plan the calls due before ``now + horizon``.
        policy: the policy (default: the starter policy, as ``extramile plan`` uses it).

    Returns:
        A :class:`Summary` of what was written.

    Raises:
        BookError: a row extramile refuses; nothing is written.
        ValueError: the connection is inside a transaction.
        extramile.ExtramileError: a policy or a book extramile refuses; nothing is written.
        sqlite3.Error: the database failed (locked, say); nothing is written.
    """
    if connection.in_transaction:
        raise ValueError(
            "run() needs a connection outside a transaction: commit first, or connect"
            " with isolation_level=None"
        )
    policy = starter_policy() if policy is None else policy
    # IMMEDIATE: take the write lock now, so that what is read and what is written belong
    # to one moment of the database.  Readers carry on (with WAL, even while we write).
    connection.execute("BEGIN IMMEDIATE")
    try:
        summary = _run(connection, now, horizon, policy)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return summary


def _run(
    connection: sqlite3.Connection,
    now: dt.datetime,
    horizon: Elapsed | dt.timedelta,
    policy: FollowUpPolicy,
) -> Summary:
    stamp = _utc(now)
    open_before: dict[str, str] = dict(
        connection.execute("SELECT key, customer_id FROM planned_calls WHERE status = 'open'")
    )
    seen = [0]
    agenda: Agenda = plan(policy, stream_book(connection, seen), now=now, horizon=horizon)
    planned: set[str] = set()
    folded: dict[str, str] = {}  # a key merged into a call that another key leads
    for call in agenda:
        connection.execute(UPSERT, call_row(call, stamp))
        planned.add(call.key)
        folded.update((key, call.key) for key in call.keys if key != call.key)
    missing: dict[str, list[str]] = {}
    for key, customer_id in open_before.items():
        if key not in planned:
            missing.setdefault(customer_id, []).append(key)
    counts = {"done": 0, "dropped": 0, "open": 0}
    for customer_id, keys in sorted(missing.items()):
        fates = _fate(
            connection, policy=policy, now=now, customer_id=customer_id, keys=keys, folded=folded
        )
        for key, fate in sorted(fates.items()):
            counts[fate.status] += 1
            if fate.call is not None:
                connection.execute(UPSERT, call_row(fate.call, stamp))
            elif fate.status != "open":
                connection.execute(
                    CLOSE, {"status": fate.status, "now": stamp, "reason": fate.reason, "key": key}
                )
    return Summary(
        customers=seen[0],
        planned=len(planned),
        opened=len(planned - open_before.keys()),
        done=counts["done"],
        dropped=counts["dropped"],
        later=counts["open"],
        suppressed=dict(agenda.suppressed),
    )


# ---------------------------------------------------------------------------------------
# Setting up, and the command line
# ---------------------------------------------------------------------------------------


def create_schema(connection: sqlite3.Connection) -> None:
    """Create the tables and indexes that do not exist yet (and commit)."""
    connection.executescript(f"BEGIN;{SCHEMA}COMMIT;")


def load_sample(connection: sqlite3.Connection) -> tuple[int, int]:
    """Create the tables and load extramile's bundled sample book into them (rows already
    there are left alone); returns the numbers of customers and interactions given."""
    create_schema(connection)
    with connection:  # one transaction, committed at the end
        connection.executemany(
            f"INSERT INTO customers ({', '.join(_CUSTOMER_COLUMNS)})"
            f" VALUES ({', '.join('?' for _ in _CUSTOMER_COLUMNS)}) ON CONFLICT DO NOTHING",
            [_sample_row(row, _CUSTOMER_COLUMNS) for row in CUSTOMERS],
        )
        connection.executemany(
            f"INSERT INTO interactions ({', '.join(_INTERACTION_COLUMNS)})"
            f" VALUES ({', '.join('?' for _ in _INTERACTION_COLUMNS)}) ON CONFLICT DO NOTHING",
            [_sample_row(row, _INTERACTION_COLUMNS) for row in INTERACTIONS],
        )
    return len(CUSTOMERS), len(INTERACTIONS)


def _sample_row(row: Mapping[str, Any], columns: Sequence[str]) -> tuple[Any, ...]:
    """A sample row as the table's values: lists and attributes as JSON text, flags as 0/1."""
    values: list[Any] = []
    for column in columns:
        value = row.get(column)
        if column in {"tags", "attributes"}:
            value = json.dumps(value if value is not None else ([] if column == "tags" else {}))
        elif column == "do_not_call":
            value = int(bool(value))
        elif column in {"direction", "channel"} and value is None:
            value = "inbound" if column == "direction" else "system"
        values.append(value)
    return tuple(values)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sqlite_worker.py",
        description="Plan the calls for the customers of a SQLite database and write them"
        " to its planned_calls table.",
    )
    parser.add_argument("--db", required=True, metavar="PATH", help="the database file")
    parser.add_argument(
        "--policy",
        metavar="MODULE:ATTRIBUTE",
        help="a FollowUpPolicy, or a function returning one (default: the starter policy)",
    )
    parser.add_argument(
        "--now",
        type=parse_instant,
        help="the present, ISO-8601 with an offset (default: now; with --init-sample,"
        f" the sample's own moment, {SAMPLE_NOW.isoformat()})",
    )
    parser.add_argument(
        "--horizon",
        type=parse_horizon,
        default=parse_horizon("7d"),
        help="plan the calls due within this long, e.g. 7d, 48h (default 7d)",
    )
    parser.add_argument(
        "--init-sample",
        action="store_true",
        help="create the tables and load extramile's sample book first",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (0, or 2 for a problem the user can fix)."""
    args = _parser().parse_args(argv)
    connection = sqlite3.connect(args.db)
    try:
        now: dt.datetime | None = args.now
        if args.init_sample:
            customers, interactions = load_sample(connection)
            print(f"{args.db}: sample loaded ({customers} customers, {interactions} interactions)")
            now = now or SAMPLE_NOW
        policy = None if args.policy is None else load_policy(args.policy)
        summary = run(
            connection,
            now=now or dt.datetime.now(dt.timezone.utc),
            horizon=args.horizon,
            policy=policy,
        )
    except (CliError, BookError, ExtramileError, sqlite3.Error) as exc:
        hint = " (create the tables with --init-sample, or from SCHEMA)"
        print(
            f"sqlite_worker.py: error: {exc}{hint if 'no such table' in str(exc) else ''}",
            file=sys.stderr,
        )
        return 2
    finally:
        connection.close()
    print(f"{args.db}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

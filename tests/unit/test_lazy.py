"""Explanations written when read: a decision's trace and a call's adjustments are written
from what the engine kept when someone reads them, once, and say what they would have
said at once."""

from __future__ import annotations

import datetime as dt
import importlib
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extramile import Agenda, Decision, Elapsed, _decision, evaluate, plan, starter_policy
from extramile._engine import explain, merge
from extramile._memo import clear_all
from extramile.strategies import customer_histories, instants

_BENCHMARKS = str(Path(__file__).resolve().parents[2] / "benchmarks")
# The seeded book lives with the benchmarks.
if _BENCHMARKS not in sys.path:
    sys.path.insert(0, _BENCHMARKS)

book: Any = importlib.import_module("book")

_TRACE_SLOT: Any = Decision.__dict__["trace"]

POLICY = starter_policy(company_timezone=book.COMPANY_TIMEZONE)
NOW = book.NOW


@pytest.fixture(scope="module")
def book_items() -> list[Any]:
    """A small seeded book whose calls move (calling windows, staff hours, fitted
    deadlines)."""
    return list(book.book(60, span_days=45))


class _Counted:
    """A function of a module replaced by one that counts its calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        self.calls = 0
        original: Callable[..., Any] = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> tuple[_Counted, _Counted]:
    """Counts of conditions' explanations written and of calls' moves written."""
    return (
        _Counted(monkeypatch, explain, "explain_condition"),
        _Counted(monkeypatch, merge, "render_moves"),
    )


def _moved_decision(items: list[Any]) -> tuple[Decision, Any, Any]:
    for customer, history in items:
        decision = evaluate(POLICY, customer, history, now=NOW)
        if any(call.moved_by for call in decision.calls) and any(
            episode.outcome == "not-fired" for rule in decision.trace for episode in rule.episodes
        ):
            return decision, customer, history
    raise AssertionError("the book has a customer whose call moved")  # pragma: no cover


class TestDecision:
    def test_trace_written_when_read_once(
        self, book_items: list[Any], written: tuple[_Counted, _Counted]
    ) -> None:
        """evaluate() writes no condition's explanation; reading the trace writes them,
        once however often it is read."""
        conditions, _ = written
        _, customer, history = _moved_decision(book_items)
        conditions.calls = 0
        decision = evaluate(POLICY, customer, history, now=NOW)
        assert conditions.calls == 0
        first = decision.trace
        once = conditions.calls
        assert once > 0
        assert decision.trace is first
        decision.explain()
        assert conditions.calls == once

    def test_explained_without_writing_the_trace(
        self, book_items: list[Any], written: tuple[_Counted, _Counted]
    ) -> None:
        """explain() read first writes what the trace says, not its objects: it says
        what the explanation of the written trace says, and the trace written after it
        (from what explain() wrote, no condition explained again) is the one written
        at once."""
        conditions, _ = written
        for customer, history in book_items[:25]:
            alone = evaluate(POLICY, customer, history, now=NOW)
            text = alone.explain()
            with pytest.raises(AttributeError):  # the trace's slot is still empty
                _TRACE_SLOT.__get__(alone, Decision)
            whole = evaluate(POLICY, customer, history, now=NOW)
            assert whole.trace
            assert whole.explain() == text
            explained = conditions.calls
            assert alone.trace == whole.trace
            assert conditions.calls == explained
            assert alone.explain() == text

    def test_instants_kept_by_identity(self) -> None:
        """An instant explain() wrote is kept for that DateTime alone: one of the same
        instant in another zone, or to the second, is written on its own; emptied,
        the memo writes the same again."""
        paris = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Paris")
        assert _decision._at(paris) == "2026-03-02T09:00+01:00"
        assert _decision._at(paris.in_tz("UTC")) == "2026-03-02T08:00+00:00"
        assert _decision._at(paris.add(seconds=5)) == "2026-03-02T09:00:05+01:00"
        assert _decision._at(paris) == "2026-03-02T09:00+01:00"
        clear_all()
        assert _decision._at(paris) == "2026-03-02T09:00+01:00"

    def test_read_late_says_the_same(self, book_items: list[Any]) -> None:
        """A trace read after other customers were evaluated, after a pickle, or as part
        of comparing, says what one read at once says."""
        customer, history = book_items[3]
        read_at_once = evaluate(POLICY, customer, history, now=NOW)
        read_at_once.explain()
        late = evaluate(POLICY, customer, history, now=NOW)
        for other, theirs in book_items[:20]:
            evaluate(POLICY, other, theirs, now=NOW).explain()
        pickled = pickle.loads(pickle.dumps(evaluate(POLICY, customer, history, now=NOW)))
        compared = evaluate(POLICY, customer, history, now=NOW)
        assert compared == read_at_once  # (compares the trace too)
        assert hash(compared) == hash(read_at_once)
        assert late.trace == read_at_once.trace
        assert pickled.explain() == late.explain() == read_at_once.explain()
        assert repr(pickled) == repr(read_at_once)

    def test_equal_to_a_decision_made_whole(self, book_items: list[Any]) -> None:
        """A decision built by hand with the same fields is equal to the engine's."""
        decision, _, _ = _moved_decision(book_items)
        whole = Decision(
            customer_id=decision.customer_id,
            now=decision.now,
            calls=decision.calls,
            suppressed=decision.suppressed,
            trace=decision.trace,
            revisit_at=decision.revisit_at,
        )
        assert whole == decision
        assert repr(whole) == repr(decision)

    def test_other_attributes_still_missing(self, book_items: list[Any]) -> None:
        customer, history = book_items[0]
        decision = evaluate(POLICY, customer, history, now=NOW)
        with pytest.raises(AttributeError):
            getattr(decision, "no_such_field")  # noqa: B009  # the point: read by name


class TestAgenda:
    def test_moves_written_when_a_call_is_read(
        self, book_items: list[Any], written: tuple[_Counted, _Counted]
    ) -> None:
        """plan() writes no move's reason; pickling and merging write none either;
        reading a call does, and the same call read twice is equal."""
        _, moves = written
        half = len(book_items) // 2
        horizon = Elapsed(days=30)
        first = plan(POLICY, book_items[:half], now=NOW, horizon=horizon)
        second = plan(POLICY, book_items[half:], now=NOW, horizon=horizon)
        whole = Agenda.merge(pickle.loads(pickle.dumps(first)), second)
        assert moves.calls == 0
        calls = list(whole)
        assert moves.calls > 0
        assert any(call.moved_by for call in calls)
        assert list(whole) == calls
        assert whole.calls[0] == whole.calls[0]
        assert whole.at_risk == tuple(call for call in calls if call.overdue or call.at_risk)

    def test_calls_equal_the_decisions(self, book_items: list[Any]) -> None:
        """An agenda's calls, read from raw moves, are the decisions' calls."""
        horizon = Elapsed(days=400)
        agenda = plan(POLICY, book_items, now=NOW, horizon=horizon)
        decided = [
            call
            for customer, history in book_items
            for call in evaluate(POLICY, customer, history, now=NOW).calls
        ]
        assert sorted(agenda, key=_by_key) == sorted(decided, key=_by_key)
        assert [call.moved_by for call in sorted(agenda, key=_by_key)] == [
            call.moved_by for call in sorted(decided, key=_by_key)
        ]


def _by_key(call: Any) -> str:
    return str(call.key)


@settings(max_examples=30, deadline=None)
@given(st.lists(customer_histories(max_size=8), min_size=1, max_size=4), instants())
def test_agenda_calls_are_evaluate_calls(pairs: list[Any], now: dt.datetime) -> None:
    """Whatever the book, the calls plan() keeps raw and makes when read are those
    evaluate() makes at once; and a decision's trace read late is the one read at once."""
    book = [
        (customer.__class__(**{**_fields(customer), "id": f"c{i}"}), _own(history, f"c{i}"))
        for i, (customer, history) in enumerate(pairs)
    ]
    agenda = plan(POLICY, book, now=now, horizon=Elapsed(days=3650))
    decisions = [evaluate(POLICY, customer, history, now=now) for customer, history in book]
    decided = [call for decision in decisions for call in decision.calls]
    assert sorted(agenda, key=_by_key) == sorted(decided, key=_by_key)
    again = [evaluate(POLICY, customer, history, now=now) for customer, history in book]
    for late, early in zip(decisions, again, strict=True):
        early.explain()
        assert late.explain() == early.explain()
        assert late == early


def _fields(customer: Any) -> dict[str, Any]:
    return attrs.asdict(customer, recurse=False)


def _own(history: list[Any], cid: str) -> list[Any]:
    return [attrs.evolve(item, customer_id=cid) for item in history]


class TestWhatUnwrittenMovesKeep:
    """An agenda keeps a moved call's raw moves until it is read: they hold the customer's
    attempts only when a reason of the gap or the cap will read them, and otherwise one
    record of the clocks shared by every customer of the same zones and window."""

    def test_attempts_only_for_gap_and_cap_reasons(self) -> None:
        from extramile._engine import raw_calls_for  # noqa: PLC0415  # the engine's own path
        from extramile._engine.intake import customer_history, now_seconds  # noqa: PLC0415
        from extramile._engine.moves import Constraint  # noqa: PLC0415
        from extramile._engine.search import walk_moves  # noqa: PLC0415

        now_ts = now_seconds(NOW)
        reads = {Constraint.GAP, Constraint.CAP}
        GAP = Constraint.GAP  # noqa: N806  # read as the constraint's name
        kept = shared = 0
        records: dict[tuple[int, bool], set[int]] = {}
        for customer, interactions in book.book(3000, span_days=45):
            history = customer_history(customer, interactions, now_ts)
            raws, _ = raw_calls_for(POLICY, customer, history, now_ts)
            for raw in raws:
                moved = raw.moved_by
                if not isinstance(moved, merge.Moved):
                    continue
                seen = moved.placed_by
                walk = moved.walk
                moves = list(moved.moves)
                if walk is not None:  # the moves of its last placement, worked out now
                    contact = seen.contact(walk.last_inbound)
                    moves += walk_moves(contact, walk, schedule=POLICY.schedule, caps=POLICY.caps)
                if seen.attempts:
                    # a reason reads them, or a walk not worked out yet may hold such a move
                    assert any(
                        move.constraint in reads and not (move.after and move.constraint is GAP)
                        for move in moves
                    ) or (walk is not None and merge._may_hold(walk, seen.attempts, POLICY.caps))
                    kept += 1
                else:
                    assert [] == seen.attempts
                    shared += 1
                    records.setdefault((id(seen.clocks), seen.unknown_zone), set()).add(id(seen))
                assert [] == moved.fitted_by.attempts or moved.fitted_by is seen
        assert kept
        assert shared
        # one shared record of the clocks, whatever the customer
        assert all(len(ids) == 1 for ids in records.values())

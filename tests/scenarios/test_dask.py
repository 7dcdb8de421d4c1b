"""A book planned on a Dask bag across worker processes equals the single-process agenda.

The book (``benchmarks/book.py``) is rebuilt inside each worker from its seed and a range
of indices, so only two integers a partition cross the process boundary on the way in and
one :class:`~extramile.Agenda` a partition on the way out.  The policy travels pickled,
which is part of what is under test (promise 10: a policy is plain data).
"""

from __future__ import annotations

import importlib
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from extramile import Agenda, Elapsed, FollowUpPolicy, starter_policy
from extramile import plan as plan_book

dask_bag = pytest.importorskip("dask.bag")

# The book generator lives with the benchmarks; spawned workers inherit this sys.path.
_BENCHMARKS = str(Path(__file__).resolve().parents[2] / "benchmarks")
if _BENCHMARKS not in sys.path:
    sys.path.insert(0, _BENCHMARKS)
book: Any = importlib.import_module("book")

CUSTOMERS = 20_000
SIZE = 4
"""Interactions a customer, about: enough for every rule to fire, light enough that the
whole book plans twice (in Dask and here) well within two minutes on two busy cores."""
PARTITIONS = 8
HORIZON = Elapsed(days=14)
CAPACITY = {"mon": 300, "tue": 300, "wed": 300, "thu": 300, "fri": 200}


def _policy() -> FollowUpPolicy:
    return starter_policy(company_timezone=book.COMPANY_TIMEZONE)


def _plan_part(
    ranges: Iterable[tuple[int, int]], policy: FollowUpPolicy, capacity: Any
) -> list[Agenda]:
    """One partition: build its customers from the seed and plan them, in a worker.

    A partition's customers stream from a generator straight into plan(); the partition
    comes back as a list (a generator cannot travel back from a worker process)."""
    customers = (
        pair
        for start, stop in ranges
        for pair in book.book(stop - start, book.SEED, start=start, size=SIZE)
    )
    return [plan_book(policy, customers, now=book.NOW, horizon=HORIZON, capacity=capacity)]


class TestDaskPartitions:
    def test_policy_and_agenda_pickle(self) -> None:
        """The policy and an agenda survive pickling unchanged (what the workers need)."""
        policy = _policy()
        customers = book.book(200, size=SIZE)
        agenda = plan_book(policy, customers, now=book.NOW, horizon=HORIZON, capacity=CAPACITY)
        assert (policy, agenda) == pickle.loads(pickle.dumps((policy, agenda)))
        assert len(agenda) > 0

    def test_processes_give_the_single_process_agenda(self) -> None:
        """20,000 customers in 8 partitions on 2 worker processes, merged: exactly the agenda
        of the whole book planned in this process -- the planned calls (no capacity), the
        calls after capacity, their order and moves, and the suppressed counts."""
        capacity = CAPACITY
        policy = _policy()
        step = CUSTOMERS // PARTITIONS
        ranges = [(start, min(start + step, CUSTOMERS)) for start in range(0, CUSTOMERS, step)]
        bag = dask_bag.from_sequence(ranges, npartitions=PARTITIONS)
        parts = bag.map_partitions(_plan_part, policy, capacity).compute(
            scheduler="processes", num_workers=2
        )
        merged = Agenda.merge(*parts)

        whole = book.book(CUSTOMERS, size=SIZE)
        expected = plan_book(policy, whole, now=book.NOW, horizon=HORIZON, capacity=capacity)
        assert PARTITIONS == len(parts)
        assert expected.planned == merged.planned
        assert expected.to_rows() == merged.to_rows()
        assert expected == merged
        assert any(call.moved_by for call in merged)  # capacity did move calls
        assert len(expected) > 1_000  # the book is not trivially empty

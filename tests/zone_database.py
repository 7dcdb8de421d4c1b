"""Decisions made in another process, whose zone database and timezone setting differ.

The library takes every zone from the ``tzdata`` package it declares, never from the
machine's own files.  To show that, the same cases are decided here and in a fresh
process whose environment hides the machine's database (``PYTHONTZPATH`` naming no
folder), or points it at a folder of lies (every zone written with the rules of another),
or sets ``TZ``; the answers must be the same.

Run as a program, this module is that other process: it reads pickled cases on standard
input and writes each case's answer, as JSON, on standard output.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import extramile
from extramile import Customer, Elapsed, FollowUpPolicy, Interaction, evaluate, plan

SOURCES = Path(extramile.__file__).resolve().parents[1]
"""The folder the library is imported from here, so that the other process runs the same."""
LIE: str = "Asia/Kathmandu"
"""The rules every zone of the folder of lies is written with (UTC+05:45, an offset no
other zone has)."""


class Case(NamedTuple):
    """One customer to decide, with the policy and the present."""

    policy: FollowUpPolicy
    customer: Customer
    history: tuple[Interaction, ...]
    now: dt.datetime


def tzdata_names() -> list[str]:
    """Every zone name the ``tzdata`` package lists."""
    text = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def lying_database(folder: Path) -> Path:
    """Fill ``folder`` with a zone database that names every zone of the ``tzdata``
    package but gives each the rules of :data:`LIE`; return the folder."""
    lie = importlib.resources.files("tzdata").joinpath("zoneinfo", *LIE.split("/")).read_bytes()
    for name in tzdata_names():
        path = folder.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(lie)
    return folder


def answer(case: Case) -> dict[str, Any]:
    """What the library says of ``case``: the decision, explained (every time in it
    written in its zone), and the agenda of the customer alone."""
    decision = evaluate(case.policy, case.customer, case.history, now=case.now)
    agenda = plan(
        case.policy, [(case.customer, case.history)], now=case.now, horizon=Elapsed(days=30)
    )
    return {
        "explanation": decision.explain(),
        "calls": [[c.key, c.due_at.isoformat(), c.deadline.isoformat()] for c in decision.calls],
        "suppressed": [
            [s.key, s.constraint, None if s.until is None else s.until.isoformat()]
            for s in decision.suppressed
        ],
        "revisit_at": None if decision.revisit_at is None else decision.revisit_at.isoformat(),
        "agenda": agenda.to_rows(),
        "tz_version": agenda.tz_version,
    }


def answers_elsewhere(cases: Sequence[Case], environment: Mapping[str, str]) -> list[Any]:
    """The answers to ``cases`` of a fresh process with ``environment`` added to this
    one's (a value of ``""`` removes the variable)."""
    env = {key: value for key, value in os.environ.items() if key not in environment}
    env.update({key: value for key, value in environment.items() if value})
    env["PYTHONPATH"] = os.pathsep.join([str(SOURCES), str(Path(__file__).resolve().parent)])
    result = subprocess.run(
        [sys.executable, "-m", "zone_database"],
        input=pickle.dumps(list(cases)),
        capture_output=True,
        env=env,
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        raise AssertionError(result.stderr.decode("utf-8", "replace"))
    found: list[Any] = json.loads(result.stdout)
    return found


def answers_here(cases: Sequence[Case]) -> list[Any]:
    """The answers to ``cases`` of this process, as JSON would carry them."""
    found: list[Any] = json.loads(json.dumps([answer(case) for case in cases]))
    return found


def main() -> int:
    """Answer the pickled cases of standard input on standard output."""
    cases: list[Case] = pickle.loads(sys.stdin.buffer.read())  # the test's own
    json.dump([answer(case) for case in cases], sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Small helpers shared by the scenario tests: instants from text, events, trace outcomes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from extramile import Decision, Interaction

UTC = dt.timezone.utc
PROGRAMMES = {
    "autopay": "Mention autopay: no more late fees.",
    "paperless": "Offer paperless billing.",
}


def at(text: str) -> dt.datetime:
    """An aware instant from ISO-8601 text with an explicit offset, or ``Z``."""
    # Python 3.10 reads no trailing "Z".
    moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    assert moment.tzinfo is not None
    return moment


def utc(moment: dt.datetime) -> str:
    """The instant as UTC ISO-8601 text, for exact comparisons that read well."""
    return moment.astimezone(UTC).isoformat()


def event(ident: str, kind: str, when: str, *, customer: str = "c-1", **fields: Any) -> Interaction:
    """An interaction of ``customer`` at ``when``."""
    return Interaction(id=ident, customer_id=customer, kind=kind, at=at(when), **fields)


def outcomes(decision: Decision, rule: str) -> list[tuple[str, str]]:
    """(key, outcome) of each episode of ``rule`` in the decision's trace."""
    (trace,) = [t for t in decision.trace if t.rule == rule]
    return [(e.key, e.outcome) for e in trace.episodes]

"""The revisit collector: the earliest moment after ``now`` at which a decision could
change on its own.

Stages report to it what could change with time alone: a condition's threshold, a lapse,
a deadline passing, a later call falling due, the end of the allowed period of a call due
now, the next anniversary.  :func:`~extramile.plan` needs none of it and passes
:data:`NO_REVISIT`, whose methods do nothing.

Imports: ``_conditions``, ``_rules``, ``_time``, ``errors``, and the siblings ``contact``, ``data``
and ``guard``.
"""

from __future__ import annotations

import math
from typing import Final

from extramile._conditions import Condition, Context
from extramile._engine.contact import CALLBACK_GRACE, Contact, window_end
from extramile._engine.data import Candidate
from extramile._engine.guard import condition_error
from extramile._rules import FollowUpPolicy, Rule, lapse_at
from extramile._time import DAY, Window
from extramile.errors import ExtramileError

__all__ = ["NO_REVISIT", "NoRevisit", "Revisit"]

_TICK: Final = 1e-6
"""A microsecond, the smallest step of a datetime."""


class Revisit:
    """Collects the moments at which a decision could change on its own."""

    __slots__ = ("now", "times")

    active: Final = True
    """Whether anything is collected (stages may skip work that only serves it)."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.times: list[float] = []

    def at(self, moment: float | None) -> None:
        """A moment at which the decision could change."""
        if moment is not None:
            self.times.append(moment)

    def condition(self, condition: Condition, ctx: Context, rule: str) -> None:
        """When ``condition`` could change its answer in ``ctx`` (as
        :func:`~extramile._engine.guard.changes_at` asks it, in one call)."""
        try:
            moment = condition.changes_at(ctx)
        except ExtramileError:
            raise
        except Exception as exc:
            raise condition_error(condition, rule, exc) from exc
        if moment is not None:
            self.times.append(moment)

    def lapse(self, rule: Rule, ctx: Context, deadline: float) -> None:
        """When an episode of ``rule`` with this deadline lapses."""
        self.at(lapse_at(rule, ctx, deadline))

    def overdue(self, cand: Candidate) -> None:
        """The first moment a call is overdue: a microsecond after its deadline."""
        overdue_from = cand.final_deadline + _TICK
        if overdue_from > self.now:
            self.times.append(overdue_from)

    def call(self, cand: Candidate, contact: Contact, policy: FollowUpPolicy) -> None:
        """A placed call: when it is overdue, and when it could go elsewhere."""
        now = self.now
        self.overdue(cand)
        if cand.placed == now:
            until = _stable_until(cand, cand.contact or contact, policy, now)
            if until < math.inf:
                self.times.append(until)
        else:
            # When it falls due it is placed at "now" from then on, and may merge with
            # calls that are already due.
            self.times.append(cand.placed)

    def earliest(self) -> float | None:
        """The earliest moment collected after ``now``, if any."""
        now = self.now
        return min((t for t in self.times if t > now), default=None)


class NoRevisit:
    """A revisit collector that collects nothing."""

    __slots__ = ()

    active: Final = False

    def at(self, moment: float | None) -> None:
        """Nothing."""

    def condition(self, condition: Condition, ctx: Context, rule: str) -> None:
        """Nothing."""

    def lapse(self, rule: Rule, ctx: Context, deadline: float) -> None:
        """Nothing."""

    def overdue(self, cand: Candidate) -> None:
        """Nothing."""

    def call(self, cand: Candidate, contact: Contact, policy: FollowUpPolicy) -> None:
        """Nothing."""

    def earliest(self) -> float | None:
        """Nothing."""
        return None


NO_REVISIT: Final = NoRevisit()


def _stable_until(cand: Candidate, contact: Contact, policy: FollowUpPolicy, now: float) -> float:
    """When a call that is due now stops being allowed to go now (``inf``: never)."""
    limits = []
    grace = contact.last_inbound
    in_grace = grace is not None and grace <= now < grace + CALLBACK_GRACE
    window = contact.window
    window_open_until = (
        math.inf  # a window open all day never closes
        if isinstance(window, Window) and window.start == 0 and window.end == DAY and contact.zones
        else min((window_end(now, window, tz) for tz in contact.zones), default=now)
    )
    if in_grace:
        assert grace is not None
        limits.append(max(grace + CALLBACK_GRACE, window_open_until))
    else:
        limits.append(window_open_until)
    if not cand.extra_mile:
        limits.append(policy.schedule.open_until_ts(now))
    return min(limits)
